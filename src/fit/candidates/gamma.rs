//! The gamma's maximum-likelihood fit: Newton on the shape with digamma and trigamma.

use super::{checked_sorted, fitted};
use crate::fit::models::{Fitted, Model};
use crate::fit::special::{digamma, trigamma};

/// Gamma by maximum likelihood. With s = ln(mean x) - mean(ln x) > 0, the shape k solves
/// ln k - psi(k) = s (one root: the left side falls from +inf to 0), found by Newton from
/// Minka's start (3 - s + sqrt((s - 3)^2 + 24 s)) / (12 s), kept inside a bracket that each
/// step narrows (bisection when a Newton step leaves it), to 1e-13 relative; the scale is
/// mean / k. None for fewer than 2 observations or when all are equal.
pub fn fit_gamma(x: &[f64]) -> Option<Fitted> {
    let x = checked_sorted(x, 2)?;
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let s = mean.ln() - x.iter().map(|v| v.ln()).sum::<f64>() / n;
    if !(s > 0.0 && s.is_finite()) {
        return None;
    }
    let shape = solve_shape(s)?;
    fitted(
        Model::Gamma {
            shape,
            scale: mean / shape,
        },
        &x,
    )
}

/// The root of ln k - psi(k) - s.
fn solve_shape(s: f64) -> Option<f64> {
    let h = |k: f64| k.ln() - digamma(k) - s;
    let (mut lo, mut hi) = (0.0_f64, f64::INFINITY);
    let mut k = (3.0 - s + ((s - 3.0).powi(2) + 24.0 * s).sqrt()) / (12.0 * s);
    for _ in 0..200 {
        let f = h(k);
        if f == 0.0 {
            return Some(k);
        }
        if f > 0.0 {
            lo = k;
        } else {
            hi = k;
        }
        let newton = k - f / (1.0 / k - trigamma(k));
        let next = if newton > lo && newton < hi {
            newton
        } else if hi.is_finite() {
            if lo > 0.0 { (lo * hi).sqrt() } else { hi / 2.0 }
        } else {
            2.0 * k
        };
        if (next - k).abs() <= 1e-13 * k {
            return Some(next);
        }
        k = next;
    }
    k.is_finite().then_some(k)
}
