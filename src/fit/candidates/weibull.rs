//! The Weibull's maximum-likelihood fit: safeguarded Newton on the shape.

use super::lognormal::ln_moments;
use super::{checked_sorted, fitted};
use crate::fit::models::{Fitted, Model};

/// Weibull by maximum likelihood. With y = ln x - mean(ln x), the shape k solves
/// g(k) = sum w y / sum w - 1/k = 0 with w = exp(k y) (computed relative to the largest term,
/// so nothing overflows); g rises from -inf to max y > 0, so the root is unique. Newton from
/// 1.28 / sd(ln x) (the Gumbel sd of ln x is pi / (k sqrt 6)), bisection in ln k when a step
/// leaves the bracket, to 1e-13 relative; then scale = (mean of x^k)^(1/k). None for fewer
/// than 2 observations or when all are equal.
pub fn fit_weibull(x: &[f64]) -> Option<Fitted> {
    let x = checked_sorted(x, 2)?;
    let (m, sd) = ln_moments(&x);
    if sd <= 0.0 {
        return None;
    }
    let y: Vec<f64> = x.iter().map(|v| v.ln() - m).collect();
    let ymax = y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // (g(k), g'(k), ln mean of exp(k y)).
    let eval = |k: f64| {
        let (mut s0, mut s1, mut s2) = (0.0, 0.0, 0.0);
        for &v in &y {
            let w = (k * (v - ymax)).exp();
            s0 += w;
            s1 += w * v;
            s2 += w * v * v;
        }
        let a = s1 / s0;
        let ln_mean = k * ymax + (s0 / y.len() as f64).ln();
        (a - 1.0 / k, s2 / s0 - a * a + 1.0 / (k * k), ln_mean)
    };
    let (mut lo, mut hi) = (0.0_f64, f64::INFINITY);
    let mut k = 1.28 / sd;
    let mut found = None;
    for _ in 0..200 {
        let (g, dg, _) = eval(k);
        if g > 0.0 {
            hi = k;
        } else {
            lo = k;
        }
        let newton = k - g / dg;
        let next = if g != 0.0 && newton > lo && newton < hi {
            newton
        } else if g == 0.0 {
            k
        } else if hi.is_finite() {
            if lo > 0.0 { (lo * hi).sqrt() } else { hi / 2.0 }
        } else {
            2.0 * k
        };
        if (next - k).abs() <= 1e-13 * k {
            found = Some(next);
            break;
        }
        k = next;
    }
    let shape = found?;
    let scale = (m + eval(shape).2 / shape).exp();
    fitted(Model::Weibull { shape, scale }, &x)
}
