//! The Pareto tail by Clauset, Shalizi and Newman (2009): for each candidate xmin the MLE of
//! alpha on the observations >= xmin, and the xmin whose fit is closest in KS distance.

use super::{checked_sorted, fitted};
use crate::fit::gof::anderson_darling;
use crate::fit::models::{Fitted, Model};

/// The fewest observations a tail may hold.
pub const MIN_TAIL: usize = 10;
/// The most candidate xmin values tried (by quantiles of the distinct values beyond this).
pub const MAX_XMIN_CANDIDATES: usize = 1000;

/// Pareto (type I, survival (xmin/x)^alpha) above an xmin chosen by the KS distance.
///
/// The candidates for xmin are the distinct observed values that leave at least [`MIN_TAIL`]
/// observations at or above them; when there are more than [`MAX_XMIN_CANDIDATES`], that
/// many are taken evenly spaced through them in order (the smallest and the largest
/// included). For each, alpha is the continuous MLE on the tail, alpha = m / sum ln(x/xmin)
/// over its m observations, without the (m - 1)/m bias correction (CSN's density exponent is
/// this alpha + 1). The xmin with the smallest KS distance between the tail and its fit wins
/// (the smallest xmin on ties). The fit's `n`, likelihood, BIC and KS are of that tail; its AD
/// is of the tail's observations above xmin (the one at xmin, where the tail is cut, has
/// F = 0 and would add ln(1e-300)/m after the clamp).
/// None when no candidate leaves [`MIN_TAIL`] observations with distinct values.
pub fn fit_pareto(x: &[f64]) -> Option<Fitted> {
    let x = checked_sorted(x, MIN_TAIL)?;
    let n = x.len();
    let lx: Vec<f64> = x.iter().map(|v| v.ln()).collect();
    // suffix[i] = sum of ln x over x[i..].
    let mut suffix = vec![0.0; n + 1];
    for i in (0..n).rev() {
        suffix[i] = suffix[i + 1] + lx[i];
    }
    let starts: Vec<usize> = (0..=n - MIN_TAIL)
        .filter(|&i| i == 0 || x[i] != x[i - 1])
        .collect();
    let picks: Vec<usize> = if starts.len() > MAX_XMIN_CANDIDATES {
        let last = (starts.len() - 1) as f64;
        let m = (MAX_XMIN_CANDIDATES - 1) as f64;
        (0..MAX_XMIN_CANDIDATES)
            .map(|j| starts[(j as f64 * last / m).round() as usize])
            .collect()
    } else {
        starts
    };
    let mut best: Option<(f64, f64, usize)> = None;
    for i in picks {
        let m = (n - i) as f64;
        let s = suffix[i] - m * lx[i];
        if s <= 0.0 {
            continue;
        }
        let alpha = m / s;
        let bound = best.map_or(f64::INFINITY, |b| b.0);
        if let Some(d) = tail_ks(&lx[i..], alpha, bound) {
            best = Some((d, alpha, i));
        }
    }
    let (_, alpha, i) = best?;
    let xmin = x[i];
    let mut fit = fitted(Model::Pareto { alpha, xmin }, &x[i..])?;
    let above = x.partition_point(|v| *v <= xmin);
    fit.ad = anderson_darling(&fit.model, &x[above..]);
    Some(fit)
}

/// The KS distance of the tail with logs `lx` (ascending, the first at xmin) to the Pareto
/// with `alpha` above xmin, when it is below `bound` (None as soon as it cannot be).
fn tail_ks(lx: &[f64], alpha: f64, bound: f64) -> Option<f64> {
    let m = lx.len() as f64;
    let mut d: f64 = 0.0;
    for (j, &l) in lx.iter().enumerate() {
        let f = -(-alpha * (l - lx[0])).exp_m1();
        let j = j as f64;
        d = d.max((j + 1.0) / m - f).max(f - j / m);
        if d >= bound {
            return None;
        }
    }
    Some(d)
}
