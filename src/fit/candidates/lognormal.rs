//! The lognormal's maximum-likelihood fit: the mean and the population sd of ln x.

use super::{checked_sorted, fitted};
use crate::fit::models::{Fitted, Model};

/// Lognormal by maximum likelihood: mu = mean of ln x, sigma = sqrt(mean of (ln x - mu)^2)
/// (the population sd, the MLE). None for fewer than 2 observations or when all are equal.
pub fn fit_lognormal(x: &[f64]) -> Option<Fitted> {
    let x = checked_sorted(x, 2)?;
    let (mu, sigma) = ln_moments(&x);
    if sigma <= 0.0 {
        return None;
    }
    fitted(Model::LogNormal { mu, sigma }, &x)
}

/// Mean and population sd of ln x.
pub(super) fn ln_moments(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mu = x.iter().map(|v| v.ln()).sum::<f64>() / n;
    let var = x.iter().map(|v| (v.ln() - mu).powi(2)).sum::<f64>() / n;
    (mu, var.sqrt())
}
