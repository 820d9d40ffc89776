//! Distribution-free confidence intervals for quantiles, from order statistics (the binomial
//! method; Hahn and Meeker, *Statistical Intervals*, 1991, section 5.2).
//!
//! For the q-quantile xi_q of a distribution and n independent draws sorted as X_(1) <= ... <=
//! X_(n), the number K of draws at or below xi_q is Binomial(n, q), so for ranks l < u
//! (1-based) `P(X_(l) <= xi_q < X_(u)) = P(l <= K <= u - 1) = sum_{i=l}^{u-1} C(n,i) q^i
//! (1-q)^(n-i)`: exactly for a continuous distribution, and as a lower bound on
//! `P(X_(l) <= xi_q <= X_(u))` for any distribution. [`ranks`] picks the pair whose coverage
//! is at least the level with the fewest ranks between them (u - l smallest); among those, the
//! largest coverage; then the pair whose centre (l + u) / 2 is closest to (n + 1) q (the most
//! symmetric: for the median, u = n + 1 - l), then the lower pair. With too few draws no pair reaches the level (the widest,
//! l = 1 and u = n, covers 1 - q^n - (1-q)^n: for q = 0.01 and 95%, n >= 299 is needed) and
//! there is no interval.
//!
//! The binomial probabilities are formed in f64 by the ratio recurrence p(i+1) / p(i) =
//! (n - i) q / ((i + 1) (1 - q)) from the mode outwards, over the ranks within 12 sd (+ 40) of
//! the mode (the mass outside is below 1e-30, far under the rounding of the sums), and
//! normalised by their sum: no factorial, no underflow, O(sqrt(n)) work for n up to billions.

/// The confidence level of every interval plansim reports.
pub const LEVEL: f64 = 0.95;

/// The two-sided normal quantile of [`LEVEL`] (z_0.975), for intervals from a standard error.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// The binomial probabilities of Binomial(n, q) at `first..first + p.len()`: the ranks that
/// carry its mass (see the module doc).
struct Window {
    first: u64,
    p: Vec<f64>,
}

fn window(n: u64, q: f64) -> Window {
    let nf = n as f64;
    let mode = (((nf + 1.0) * q).floor() as u64).min(n);
    let reach = (12.0 * (nf * q * (1.0 - q)).sqrt() + 40.0).ceil() as u64;
    let first = mode.saturating_sub(reach);
    let last = mode.saturating_add(reach).min(n);
    let odds = q / (1.0 - q);
    let len = (last - first + 1) as usize;
    let mut p = vec![0.0; len];
    let at = (mode - first) as usize;
    p[at] = 1.0;
    for j in at + 1..len {
        let i = first + j as u64 - 1; // p(i + 1) from p(i)
        p[j] = p[j - 1] * (n - i) as f64 / (i + 1) as f64 * odds;
    }
    for j in (0..at).rev() {
        let i = first + j as u64; // p(i) from p(i + 1)
        p[j] = p[j + 1] * (i + 1) as f64 / (n - i) as f64 / odds;
    }
    let total: f64 = p.iter().sum();
    p.iter_mut().for_each(|x| *x /= total);
    Window { first, p }
}

/// `sum_{i=l}^{u-1} C(n,i) q^i (1-q)^(n-i)`: how often `[X_(l), X_(u)]` covers the q-quantile
/// (exactly for a continuous distribution, at least for any), for 1 <= l < u <= n.
pub fn coverage(n: u64, q: f64, l: u64, u: u64) -> f64 {
    let w = window(n, q);
    let end = w.first + w.p.len() as u64;
    (l.max(w.first)..u.min(end))
        .map(|i| w.p[(i - w.first) as usize])
        .sum()
}

/// The ranks (1-based, l < u) of the order statistics bounding a `level` confidence interval
/// for the q-quantile of n draws, chosen as the module doc says; `None` when no pair reaches
/// `level` (too few draws for this q), or for q outside (0, 1).
pub fn ranks(n: u64, q: f64, level: f64) -> Option<(u64, u64)> {
    if n < 2 || !(q > 0.0 && q < 1.0) {
        return None;
    }
    let w = window(n, q);
    // Prefix sums: cum[j] = P(K < first + j).
    let mut cum = Vec::with_capacity(w.p.len() + 1);
    cum.push(0.0);
    let mut s = 0.0;
    for x in &w.p {
        s += x;
        cum.push(s);
    }
    let end = w.first + w.p.len() as u64; // one past the last rank in the window
    // Coverage of (l, u): P(l <= K <= u - 1), from the prefix sums over the window.
    let idx = |r: u64| (r.clamp(w.first, end) - w.first) as usize;
    let cover = |l: u64, u: u64| cum[idx(u)] - cum[idx(l)];
    let centre = (n + 1) as f64 * q;
    let mut best: Option<(u64, u64, f64)> = None;
    // Two pointers: for each l the smallest u reaching the level, nondecreasing in l.
    let l_first = w.first.max(1);
    let l_last = (end - 1).min(n - 1);
    let mut u = l_first + 1;
    for l in l_first..=l_last {
        u = u.max(l + 1);
        while u <= n && cover(l, u) < level {
            u += 1;
        }
        if u > n {
            break;
        }
        let c = cover(l, u);
        let better = match best {
            None => true,
            Some((bl, bu, bc)) => {
                let (span, bspan) = (u - l, bu - bl);
                let off = |a: u64, b: u64| ((a + b) as f64 / 2.0 - centre).abs();
                span < bspan
                    || (span == bspan
                        && (c > bc + 1e-12 || ((c - bc).abs() <= 1e-12 && off(l, u) < off(bl, bu))))
            }
        };
        if better {
            best = Some((l, u, c));
        }
    }
    best.map(|(l, u, _)| (l, u))
}

/// The [`LEVEL`] interval `(X_(l), X_(u))` for the percentile `pct` (in (0, 100)) of already
/// sorted values; `None` when [`ranks`] has no pair.
pub fn percentile_ci_sorted(sorted: &[f64], pct: f64) -> Option<(f64, f64)> {
    let (l, u) = ranks(sorted.len() as u64, pct / 100.0, LEVEL)?;
    Some((sorted[(l - 1) as usize], sorted[(u - 1) as usize]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_ten_is_second_to_ninth() {
        // Bin(10, 0.5) x 1024: 1 10 45 120 210 252 210 120 45 10 1. P(2 <= K <= 8) = 1002/1024
        // = 0.9785 >= 0.95; every pair one rank narrower covers at most 957/1024 = 0.9346.
        assert_eq!(ranks(10, 0.5, 0.95), Some((2, 9)));
        assert!((coverage(10, 0.5, 2, 9) - 1002.0 / 1024.0).abs() < 1e-12);
        assert!((coverage(10, 0.5, 2, 8) - 957.0 / 1024.0).abs() < 1e-12);
    }

    #[test]
    fn small_medians_match_the_tables() {
        // n = 5 has none: the widest pair (1, 5) covers P(1 <= K <= 4) = 30/32 = 93.75%.
        // n = 6: (1, 6) covers 62/64 = 96.9%. n = 20: (6, 15) covers 1 - 2 P(K <= 5) =
        // 95.86%, the classic table's pair (Conover, Practical Nonparametric Statistics,
        // table A3); one rank narrower covers at most 93.6%.
        assert_eq!(ranks(5, 0.5, 0.95), None);
        assert_eq!(ranks(6, 0.5, 0.95), Some((1, 6)));
        assert!((coverage(6, 0.5, 1, 6) - 62.0 / 64.0).abs() < 1e-12);
        assert_eq!(ranks(20, 0.5, 0.95), Some((6, 15)));
        assert!((coverage(20, 0.5, 6, 15) - 0.958_610_534_667_968_8).abs() < 1e-12);
        // n = 100: the table's symmetric (40, 61) covers 96.48%, but one rank narrower
        // already reaches 95%: (40, 60) and (41, 61) each cover 1 - P(K <= 39) - P(K >= 60) =
        // 95.40% and are equally central, so the lower one is taken.
        assert_eq!(ranks(100, 0.5, 0.95), Some((40, 60)));
        assert!((coverage(100, 0.5, 40, 60) - 0.9539559).abs() < 1e-6);
    }

    #[test]
    fn the_first_percentile_needs_299_draws() {
        // The widest pair covers 1 - 0.99^n - 0.01^n: 0.94997 at n = 298, 0.95047 at n = 299.
        assert_eq!(ranks(298, 0.01, 0.95), None);
        let (l, u) = ranks(299, 0.01, 0.95).expect("an interval at 299");
        assert_eq!(l, 1);
        assert!(coverage(299, 0.01, l, u) >= 0.95);
        // The fewest trials for each of summary.csv's levels, as docs/outputs.md lists them:
        // the smallest n with 1 - q^n - (1-q)^n >= 0.95.
        for (q, least) in [
            (0.01, 299),
            (0.05, 59),
            (0.1, 29),
            (0.25, 11),
            (0.5, 6),
            (0.75, 11),
            (0.9, 29),
            (0.95, 59),
            (0.99, 299),
        ] {
            assert_eq!(ranks(least - 1, q, 0.95), None, "q {q}");
            assert!(ranks(least, q, 0.95).is_some(), "q {q}");
        }
    }

    #[test]
    fn pairs_are_the_narrowest_reaching_the_level() {
        for n in [7u64, 13, 40, 100, 250, 1000] {
            for q in [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95] {
                let Some((l, u)) = ranks(n, q, 0.95) else {
                    continue;
                };
                assert!(1 <= l && l < u && u <= n);
                assert!(coverage(n, q, l, u) >= 0.95, "n {n} q {q}");
                // No pair one rank narrower reaches the level.
                for a in 1..n.saturating_sub(u - l - 2) {
                    let b = a + (u - l) - 1;
                    if b > a && b <= n {
                        assert!(coverage(n, q, a, b) < 0.95, "n {n} q {q}: ({a}, {b})");
                    }
                }
            }
        }
    }

    #[test]
    fn large_n_is_near_the_normal_approximation() {
        // n = 1e6, q = 0.05: sd of K = sqrt(47500) = 217.9; the interval spans about 2 x 1.96
        // sd ranks around 50000.
        let (l, u) = ranks(1_000_000, 0.05, 0.95).expect("an interval");
        let half = 1.96 * 47_500f64.sqrt();
        assert!((l as f64 - (50_000.0 - half)).abs() < 3.0, "{l}");
        assert!((u as f64 - (50_000.0 + half)).abs() < 3.0, "{u}");
        let c = coverage(1_000_000, 0.05, l, u);
        assert!((0.95..0.9503).contains(&c), "{c}");
    }

    #[test]
    fn interval_reads_the_order_statistics() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(percentile_ci_sorted(&v, 50.0), Some((2.0, 9.0)));
        assert_eq!(percentile_ci_sorted(&v, 1.0), None);
        assert_eq!(percentile_ci_sorted(&[], 50.0), None);
    }
}
