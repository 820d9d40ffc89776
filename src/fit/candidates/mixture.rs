//! Lognormal mixtures by EM on ln x, from deterministic starts (equal-count groups of the
//! sorted data, and k-means++ seeded from a seed), the best likelihood kept.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::{checked_sorted, fitted};
use crate::fit::models::{Component, Fitted, Model, log_sum_exp};

/// The most components tried by [`fit_candidates`](super::fit_candidates).
pub const MAX_K: usize = 6;
/// Seeded k-means++ starts besides the equal-count start.
const SEEDED_STARTS: usize = 4;
/// EM stops when the log-likelihood changes by less than this, relative, or after
/// [`MAX_ITER`] iterations in all.
const TOL: f64 = 1e-10;
const MAX_ITER: usize = 1000;
/// Every start is first screened with EM to this looser tolerance (or [`SCREEN_ITER`]
/// iterations); only the best goes on to [`TOL`].
const SCREEN_TOL: f64 = 1e-6;
const SCREEN_ITER: usize = 100;
/// No component's sigma falls below this fraction of the sd of ln x (nor below 1e-6): a
/// component on a single value (ties are common in usage data) would otherwise collapse to a
/// spike of unbounded likelihood.
const SIGMA_FLOOR: f64 = 0.01;

/// The fewest observations a mixture of `k` is fitted to: 10 per free parameter,
/// 10 (3k - 1).
pub fn min_n(k: usize) -> usize {
    10 * (3 * k).saturating_sub(1)
}

/// A mixture of `k` lognormals by EM on ln x. Starts: the sorted ln x cut into k equal-count
/// groups (each group's mean and sd, equal weights), then [`SEEDED_STARTS`] k-means++ starts
/// drawn from one Xoshiro256PlusPlus stream seeded with `seed` (first centre uniform, the
/// others with probability proportional to the squared distance to the nearest centre; each
/// point then goes to its nearest centre, and each group gives a component). Each start runs
/// EM until the log-likelihood changes by less than 1e-6 relative, or 100 iterations; the one
/// with the highest likelihood (the earliest on ties) goes on until the change is below 1e-10
/// relative, or 1000 iterations in all. Sigmas are floored at 1% of
/// the sd of ln x (and 1e-6). Components are sorted by mu. None when `k` is 0, when there are
/// fewer than [`min_n`]`(k)` observations, or when all are equal. `k` = 1 gives the lognormal.
pub fn fit_mixture(x: &[f64], k: usize, seed: u64) -> Option<Fitted> {
    if k == 0 {
        return None;
    }
    let x = checked_sorted(x, min_n(k).max(2))?;
    let y: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    let n = y.len() as f64;
    let mean = y.iter().sum::<f64>() / n;
    let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    if sd <= 0.0 {
        return None;
    }
    let floor = (SIGMA_FLOOR * sd).max(1e-6);
    let mut starts = vec![equal_count_start(&y, k, floor)];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    if k > 1 {
        starts.extend((0..SEEDED_STARTS).map(|_| kmeanspp_start(&y, k, floor, sd, &mut rng)));
    }
    let mut best: Option<(f64, Vec<Component>, usize)> = None;
    for start in starts {
        let (ll, comps, iters) = em(&y, start, floor, SCREEN_TOL, SCREEN_ITER);
        if ll.is_finite() && best.as_ref().is_none_or(|b| ll > b.0) {
            best = Some((ll, comps, iters));
        }
    }
    let (_, comps, iters) = best?;
    let (ll, mut comps, _) = em(&y, comps, floor, TOL, MAX_ITER - iters);
    if !ll.is_finite() {
        return None;
    }
    comps.sort_by(|a, b| a.mu.total_cmp(&b.mu));
    fitted(Model::Mixture(comps), &x)
}

/// A component from a group of ln x values (sigma floored), with weight `count / n`.
fn component(group: &[f64], n: usize, floor: f64, fallback_mu: f64, fallback_sd: f64) -> Component {
    if group.is_empty() {
        return Component {
            weight: 1.0 / n as f64,
            mu: fallback_mu,
            sigma: fallback_sd.max(floor),
        };
    }
    let m = group.len() as f64;
    let mu = group.iter().sum::<f64>() / m;
    let sd = (group.iter().map(|v| (v - mu).powi(2)).sum::<f64>() / m).sqrt();
    Component {
        weight: m / n as f64,
        mu,
        sigma: sd.max(floor),
    }
}

/// Sorted `y` in k contiguous equal-count groups.
fn equal_count_start(y: &[f64], k: usize, floor: f64) -> Vec<Component> {
    let n = y.len();
    (0..k)
        .map(|j| component(&y[j * n / k..(j + 1) * n / k], n, floor, 0.0, 1.0))
        .collect()
}

/// k-means++ centres, then each point to its nearest centre.
fn kmeanspp_start(
    y: &[f64],
    k: usize,
    floor: f64,
    sd: f64,
    rng: &mut Xoshiro256PlusPlus,
) -> Vec<Component> {
    let n = y.len();
    let mut centres = vec![y[rng.random_range(0..n)]];
    let mut d2: Vec<f64> = y.iter().map(|v| (v - centres[0]).powi(2)).collect();
    while centres.len() < k {
        let total: f64 = d2.iter().sum();
        let u = rng.random::<f64>() * total;
        let mut acc = 0.0;
        let mut pick = n - 1;
        for (i, d) in d2.iter().enumerate() {
            acc += d;
            if acc > u {
                pick = i;
                break;
            }
        }
        let c = y[pick];
        centres.push(c);
        for (d, v) in d2.iter_mut().zip(y) {
            *d = d.min((v - c).powi(2));
        }
    }
    let mut groups = vec![Vec::new(); k];
    for &v in y {
        let j = (0..k)
            .min_by(|&a, &b| (v - centres[a]).abs().total_cmp(&(v - centres[b]).abs()))
            .unwrap_or(0);
        groups[j].push(v);
    }
    let mut comps: Vec<Component> = groups
        .iter()
        .zip(&centres)
        .map(|(g, &c)| component(g, n, floor, c, sd))
        .collect();
    let total: f64 = comps.iter().map(|c| c.weight).sum();
    for c in &mut comps {
        c.weight /= total;
    }
    comps
}

/// ln of each component's weighted normal density at y.
fn ln_terms<'a>(comps: &'a [Component], y: f64) -> impl Iterator<Item = f64> + Clone + 'a {
    comps.iter().map(move |c| {
        let z = (y - c.mu) / c.sigma;
        c.weight.ln() - 0.5 * z * z - c.sigma.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln()
    })
}

/// EM from `comps` until the log-likelihood of ln x changes by at most `tol` relative or
/// after `max_iter` iterations: the log-likelihood, the components it belongs to, and the
/// iterations run.
fn em(
    y: &[f64],
    mut comps: Vec<Component>,
    floor: f64,
    tol: f64,
    max_iter: usize,
) -> (f64, Vec<Component>, usize) {
    let n = y.len();
    let k = comps.len();
    let mut resp = vec![0.0; n * k];
    let mut prev = f64::NEG_INFINITY;
    let half_ln_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    for iter in 0..max_iter {
        // E step: responsibilities and the log-likelihood of the current components.
        let consts: Vec<(f64, f64, f64)> = comps
            .iter()
            .map(|c| {
                (
                    c.weight.ln() - c.sigma.ln() - half_ln_2pi,
                    c.mu,
                    1.0 / c.sigma,
                )
            })
            .collect();
        let mut ll = 0.0;
        for (row, &v) in resp.chunks_exact_mut(k).zip(y) {
            let mut m = f64::NEG_INFINITY;
            for (r, &(a, mu, b)) in row.iter_mut().zip(&consts) {
                let z = (v - mu) * b;
                *r = a - 0.5 * z * z;
                m = m.max(*r);
            }
            let mut sum = 0.0;
            for r in row.iter_mut() {
                *r = (*r - m).exp();
                sum += *r;
            }
            ll += m + sum.ln();
            for r in row.iter_mut() {
                *r /= sum;
            }
        }
        if !ll.is_finite() || (ll - prev).abs() <= tol * ll.abs().max(1.0) {
            return (ll, comps, iter);
        }
        prev = ll;
        // M step: weights and means, then the variances about the new means.
        let mut nj = vec![0.0; k];
        let mut sy = vec![0.0; k];
        for (row, &v) in resp.chunks_exact(k).zip(y) {
            for j in 0..k {
                nj[j] += row[j];
                sy[j] += row[j] * v;
            }
        }
        let mut ss = vec![0.0; k];
        for (row, &v) in resp.chunks_exact(k).zip(y) {
            for j in 0..k {
                if nj[j] >= 1e-12 {
                    ss[j] += row[j] * (v - sy[j] / nj[j]).powi(2);
                }
            }
        }
        for (j, c) in comps.iter_mut().enumerate() {
            c.weight = nj[j] / n as f64;
            if nj[j] >= 1e-12 {
                c.mu = sy[j] / nj[j];
                c.sigma = (ss[j] / nj[j]).sqrt().max(floor);
            }
        }
    }
    let ll = y.iter().map(|&v| log_sum_exp(ln_terms(&comps, v))).sum();
    (ll, comps, max_iter)
}

/// The posterior probability of each component for an observation `x` > 0 (in the order
/// given; the Jacobian 1/x is common to all and cancels). For an `x` that is not positive and
/// finite, the weights normalised (the data say nothing). Empty for no components.
pub fn responsibilities(components: &[Component], x: f64) -> Vec<f64> {
    let total: f64 = components.iter().map(|c| c.weight).sum();
    if !(x.is_finite() && x > 0.0) {
        return components.iter().map(|c| c.weight / total).collect();
    }
    let terms = ln_terms(components, x.ln());
    let lse = log_sum_exp(terms.clone());
    terms.map(|t| (t - lse).exp()).collect()
}
