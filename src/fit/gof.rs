//! Goodness of fit of a [`Model`] to a sample: the Kolmogorov-Smirnov distance and the
//! Anderson-Darling statistic A^2. Both take the observations in any order (sorted in a copy
//! when they are not sorted already).

use std::borrow::Cow;

use super::models::Model;

/// The observations sorted ascending (borrowed when they already are).
fn sorted(x: &[f64]) -> Cow<'_, [f64]> {
    if x.is_sorted() {
        Cow::Borrowed(x)
    } else {
        let mut v = x.to_vec();
        v.sort_by(f64::total_cmp);
        Cow::Owned(v)
    }
}

/// sup |F_n(x) - F(x)| between the empirical CDF of `x` and the model's, evaluated on both
/// sides of each step: max over i of i/n - F(x_(i)) and F(x_(i)) - (i - 1)/n (ties need no
/// special case: the extreme indices of a run of ties give the two sides). 0 for no data.
pub fn ks_distance(model: &Model, x: &[f64]) -> f64 {
    let x = sorted(x);
    let n = x.len() as f64;
    x.iter().enumerate().fold(0.0, |d: f64, (i, &v)| {
        let f = model.cdf(v);
        let i = i as f64;
        d.max((i + 1.0) / n - f).max(f - i / n)
    })
}

/// Anderson-Darling A^2 = -n - (1/n) sum_i (2i - 1) [ln F(x_(i)) + ln(1 - F(x_(n+1-i)))], with
/// F clamped to [1e-300, 1 - 1e-16] so an observation outside the model's support gives a
/// large finite value rather than infinity. 0 for no data.
pub fn anderson_darling(model: &Model, x: &[f64]) -> f64 {
    let x = sorted(x);
    if x.is_empty() {
        return 0.0;
    }
    let f: Vec<f64> = x
        .iter()
        .map(|&v| model.cdf(v).clamp(1e-300, 1.0 - 1e-16))
        .collect();
    let n = f.len();
    let s: f64 = (0..n)
        .map(|i| (2 * i + 1) as f64 * (f[i].ln() + (-f[n - 1 - i]).ln_1p()))
        .sum();
    -(n as f64) - s / n as f64
}
