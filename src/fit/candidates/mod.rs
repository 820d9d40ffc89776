//! The fits of each candidate family, and all of them at once ranked by BIC.
//!
//! Every fit takes positive, finite observations in any order and returns None when one is
//! not (callers remove zeros), when there are too few, or when the likelihood is not finite.

mod gamma;
mod lognormal;
mod mixture;
mod pareto;
mod weibull;

pub use gamma::fit_gamma;
pub use lognormal::fit_lognormal;
#[allow(unused_imports)] // the limits, for the report's notes
pub use mixture::{MAX_K, fit_mixture, min_n, responsibilities};
#[allow(unused_imports)]
pub use pareto::{MAX_XMIN_CANDIDATES, MIN_TAIL, fit_pareto};
pub use weibull::fit_weibull;

use super::gof::{anderson_darling, ks_distance};
use super::models::{Fitted, Model};

/// A copy of `x` sorted ascending, or None when some value is not positive and finite, there
/// are fewer than `min` values, or all are equal (no family has a finite-likelihood fit).
fn checked_sorted(x: &[f64], min: usize) -> Option<Vec<f64>> {
    if x.len() < min || x.iter().any(|v| !(v.is_finite() && *v > 0.0)) {
        return None;
    }
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    (v.first() != v.last()).then_some(v)
}

/// The model with its likelihood, BIC, KS and AD on `sorted` (the observations its likelihood
/// covers, ascending); None when the log-likelihood or a parameter is not finite.
fn fitted(model: Model, sorted: &[f64]) -> Option<Fitted> {
    if model.params().iter().any(|(_, v)| !v.is_finite()) {
        return None;
    }
    let log_lik: f64 = sorted.iter().map(|&v| model.ln_pdf(v)).sum();
    if !log_lik.is_finite() {
        return None;
    }
    let n = sorted.len();
    let bic = model.n_params() as f64 * (n as f64).ln() - 2.0 * log_lik;
    Some(Fitted {
        ks: ks_distance(&model, sorted),
        ad: anderson_darling(&model, sorted),
        model,
        n,
        log_lik,
        bic,
    })
}

/// Every candidate that fits `x`: lognormal, gamma, Weibull and lognormal mixtures with K = 2
/// to [`MAX_K`] components (those with enough observations, [`min_n`]; K = 1 is the lognormal
/// itself, so it is left out), ranked by BIC (lowest first; ties keep that order); then the
/// Pareto tail model last. The Pareto's likelihood covers only the observations above its xmin,
/// so its BIC does not compare with the others' and it is not ranked. The mixtures' EM
/// restarts are seeded from `seed`. Empty when `x` holds a value that is not positive.
pub fn fit_candidates(x: &[f64], seed: u64) -> Vec<Fitted> {
    let mut out: Vec<Fitted> = [fit_lognormal(x), fit_gamma(x), fit_weibull(x)]
        .into_iter()
        .chain((2..=MAX_K).map(|k| fit_mixture(x, k, seed)))
        .flatten()
        .collect();
    out.sort_by(|a, b| a.bic.total_cmp(&b.bic));
    out.extend(fit_pareto(x));
    out
}
