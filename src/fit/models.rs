//! Candidate distributions for a positive quantity across users, fitted by maximum likelihood
//! (EM for lognormal mixtures), with their goodness of fit and bootstrap intervals.
//!
//! This file holds the types and what a fitted [`Model`] answers (CDF, density, quantiles,
//! mean, top shares); the fits are in `candidates/`, the distances in `gof`, the intervals in
//! `bootstrap` (all re-exported here). docs/fit-models.md states the methods.

use super::special::{gamma_pq, ln_gamma, norm_cdf};
use crate::dist::norm_inv;

// The API the rest of `fit` calls (unused until the app's branches land on main).
#[allow(unused_imports)]
pub use super::bootstrap::{Bootstrap, bootstrap, bootstrap_counted};
#[allow(unused_imports)]
pub use super::candidates::{
    fit_candidates, fit_gamma, fit_lognormal, fit_mixture, fit_pareto, fit_weibull,
    responsibilities,
};
#[allow(unused_imports)]
pub use super::gof::{anderson_darling, ks_distance};

/// One component of a lognormal mixture.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Component {
    /// Mixing weight (the weights sum to 1).
    pub weight: f64,
    /// Mean of ln x.
    pub mu: f64,
    /// Standard deviation of ln x (> 0).
    pub sigma: f64,
}

/// A fitted candidate.
#[derive(Clone, Debug, PartialEq)]
pub enum Model {
    /// Lognormal: ln x ~ N(mu, sigma^2).
    LogNormal {
        /// Mean of ln x.
        mu: f64,
        /// Sd of ln x.
        sigma: f64,
    },
    /// Gamma with shape k and scale theta.
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale theta.
        scale: f64,
    },
    /// Weibull with shape k and scale lambda.
    Weibull {
        /// Shape k.
        shape: f64,
        /// Scale lambda.
        scale: f64,
    },
    /// Pareto (type I) above `xmin`: a tail model, fitted to the observations >= xmin only.
    Pareto {
        /// Tail index alpha.
        alpha: f64,
        /// Lower bound xmin (chosen by the KS distance, Clauset-Shalizi-Newman).
        xmin: f64,
    },
    /// A mixture of lognormals, components in increasing mu.
    Mixture(Vec<Component>),
}

/// A candidate fitted to a sample, with its goodness of fit.
#[derive(Clone, Debug, PartialEq)]
pub struct Fitted {
    /// The model.
    pub model: Model,
    /// Observations the likelihood covers (the tail only for a Pareto).
    pub n: usize,
    /// Log-likelihood at the fit.
    pub log_lik: f64,
    /// Bayesian information criterion: k ln n - 2 ln L.
    pub bic: f64,
    /// Kolmogorov-Smirnov distance to the empirical CDF (of the tail for a Pareto).
    pub ks: f64,
    /// Anderson-Darling statistic A^2 (of the tail for a Pareto).
    pub ad: f64,
}

/// A bootstrap interval of one parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamInterval {
    /// Parameter name as [`Model::params`] gives it.
    pub name: String,
    /// The estimate on the whole sample.
    pub estimate: f64,
    /// 5th percentile of the bootstrap estimates.
    pub lo: f64,
    /// 95th percentile of the bootstrap estimates.
    pub hi: f64,
}

impl Model {
    /// The candidate's name: `lognormal`, `gamma`, `weibull`, `pareto` or `mixture-K`.
    pub fn name(&self) -> String {
        match self {
            Model::LogNormal { .. } => "lognormal".into(),
            Model::Gamma { .. } => "gamma".into(),
            Model::Weibull { .. } => "weibull".into(),
            Model::Pareto { .. } => "pareto".into(),
            Model::Mixture(c) => format!("mixture-{}", c.len()),
        }
    }

    /// The parameters by name: `mu, sigma` | `shape, scale` | `alpha, xmin` | for a mixture
    /// `w1, mu1, sigma1, w2, ...` (components in increasing mu).
    pub fn params(&self) -> Vec<(String, f64)> {
        let two = |a: &str, x: f64, b: &str, y: f64| vec![(a.into(), x), (b.into(), y)];
        match self {
            Model::LogNormal { mu, sigma } => two("mu", *mu, "sigma", *sigma),
            Model::Gamma { shape, scale } | Model::Weibull { shape, scale } => {
                two("shape", *shape, "scale", *scale)
            }
            Model::Pareto { alpha, xmin } => two("alpha", *alpha, "xmin", *xmin),
            Model::Mixture(cs) => cs
                .iter()
                .enumerate()
                .flat_map(|(i, c)| {
                    let j = i + 1;
                    [
                        (format!("w{j}"), c.weight),
                        (format!("mu{j}"), c.mu),
                        (format!("sigma{j}"), c.sigma),
                    ]
                })
                .collect(),
        }
    }

    /// Free parameters: 2 for each single family (a Pareto's are alpha and xmin), 3K - 1 for a
    /// mixture of K (the weights sum to 1).
    pub fn n_params(&self) -> usize {
        match self {
            Model::Mixture(c) => 3 * c.len() - 1,
            _ => 2,
        }
    }

    /// P(X <= x) (for a Pareto, of the tail: 0 below xmin).
    pub fn cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= 0.0 {
            return 0.0;
        }
        match self {
            Model::LogNormal { mu, sigma } => norm_cdf((x.ln() - mu) / sigma),
            Model::Gamma { shape, scale } => gamma_pq(*shape, x / scale).0,
            Model::Weibull { shape, scale } => -(-(x / scale).powf(*shape)).exp_m1(),
            Model::Pareto { alpha, xmin } if x > *xmin => -(alpha * (xmin / x).ln()).exp_m1(),
            Model::Pareto { .. } => 0.0,
            Model::Mixture(cs) => {
                let lx = x.ln();
                cs.iter()
                    .map(|c| c.weight * norm_cdf((lx - c.mu) / c.sigma))
                    .sum()
            }
        }
    }

    /// ln of the density in x (not in ln x: a lognormal's includes the Jacobian -ln x, so
    /// likelihoods compare across families); -inf outside the support.
    pub fn ln_pdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        if x <= 0.0 || x.is_infinite() {
            return f64::NEG_INFINITY;
        }
        let lx = x.ln();
        match self {
            Model::LogNormal { mu, sigma } => ln_norm_pdf(lx, *mu, *sigma) - lx,
            Model::Gamma { shape, scale } => {
                (shape - 1.0) * lx - x / scale - ln_gamma(*shape) - shape * scale.ln()
            }
            Model::Weibull { shape, scale } => {
                let lz = lx - scale.ln();
                shape.ln() - scale.ln() + (shape - 1.0) * lz - (shape * lz).exp()
            }
            Model::Pareto { alpha, xmin } if x >= *xmin => {
                alpha.ln() + alpha * xmin.ln() - (alpha + 1.0) * lx
            }
            Model::Pareto { .. } => f64::NEG_INFINITY,
            Model::Mixture(cs) => {
                log_sum_exp(
                    cs.iter()
                        .map(|c| c.weight.ln() + ln_norm_pdf(lx, c.mu, c.sigma)),
                ) - lx
            }
        }
    }

    /// The p quantile (for a Pareto, of the tail above xmin): closed forms for the lognormal,
    /// Weibull and Pareto; the gamma's and the mixture's by bisection on the CDF in ln x to
    /// about 1e-14 relative. 0 for p <= 0, +inf for p >= 1, NaN for NaN.
    pub fn quantile(&self, p: f64) -> f64 {
        if p.is_nan() {
            return f64::NAN;
        }
        if p <= 0.0 {
            return match self {
                Model::Pareto { xmin, .. } => *xmin,
                _ => 0.0,
            };
        }
        if p >= 1.0 {
            return f64::INFINITY;
        }
        match self {
            Model::LogNormal { mu, sigma } => (mu + sigma * norm_inv(p)).exp(),
            Model::Weibull { shape, scale } => scale * (-(-p).ln_1p()).powf(1.0 / shape),
            Model::Pareto { alpha, xmin } => xmin * (-(-p).ln_1p() / alpha).exp(),
            Model::Gamma { shape, scale } => invert_cdf(self, p, (shape * scale).ln()),
            Model::Mixture(cs) => {
                let guess = cs.iter().map(|c| c.weight * c.mu).sum::<f64>();
                invert_cdf(self, p, guess)
            }
        }
    }

    /// The mean (closed forms; a mixture's is sum w exp(mu + sigma^2/2)); None when it is
    /// infinite (a Pareto with alpha <= 1) or overflows f64.
    pub fn mean(&self) -> Option<f64> {
        let m = match self {
            Model::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Model::Gamma { shape, scale } => shape * scale,
            Model::Weibull { shape, scale } => scale * ln_gamma(1.0 + 1.0 / shape).exp(),
            Model::Pareto { alpha, xmin } if *alpha > 1.0 => alpha * xmin / (alpha - 1.0),
            Model::Pareto { .. } => return None,
            Model::Mixture(cs) => cs
                .iter()
                .map(|c| c.weight * (c.mu + c.sigma * c.sigma / 2.0).exp())
                .sum(),
        };
        m.is_finite().then_some(m)
    }

    /// The share of the total held by the top `q` fraction of users, E[X; X > Q(1 - q)] / E[X]
    /// (for a Pareto, of the tail's total): closed forms through the partial expectations
    /// (lognormal Phi(sigma - Phi^-1(1 - q)); gamma Q(k + 1, t/theta); Weibull
    /// Q(1 + 1/k, (t/lambda)^k); a mixture's sum of its components'; Pareto q^(1 - 1/alpha)),
    /// with t = Q(1 - q). None when the mean is infinite (or for a NaN q); 0 for q <= 0 and 1
    /// for q >= 1.
    pub fn top_share(&self, q: f64) -> Option<f64> {
        let mean = self.mean()?;
        if q.is_nan() {
            return None;
        }
        if q <= 0.0 {
            return Some(0.0);
        }
        if q >= 1.0 {
            return Some(1.0);
        }
        let s = match self {
            Model::LogNormal { sigma, .. } => norm_cdf(sigma - norm_inv(1.0 - q)),
            Model::Pareto { alpha, .. } => q.powf(1.0 - 1.0 / alpha),
            Model::Gamma { shape, scale } => {
                gamma_pq(shape + 1.0, self.quantile(1.0 - q) / scale).1
            }
            Model::Weibull { shape, scale } => {
                let t = self.quantile(1.0 - q);
                gamma_pq(1.0 + 1.0 / shape, (t / scale).powf(*shape)).1
            }
            Model::Mixture(cs) => {
                let lt = self.quantile(1.0 - q).ln();
                let above: f64 = cs
                    .iter()
                    .map(|c| {
                        let v = c.sigma * c.sigma;
                        c.weight * (c.mu + v / 2.0).exp() * norm_cdf((c.mu + v - lt) / c.sigma)
                    })
                    .sum();
                above / mean
            }
        };
        Some(s.clamp(0.0, 1.0))
    }
}

/// ln of the normal density of y with mean mu and sd sigma.
fn ln_norm_pdf(y: f64, mu: f64, sigma: f64) -> f64 {
    let z = (y - mu) / sigma;
    -0.5 * z * z - sigma.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln()
}

/// ln sum exp(v), stable; -inf for no terms or all -inf.
pub(crate) fn log_sum_exp(v: impl Iterator<Item = f64> + Clone) -> f64 {
    let m = v.clone().fold(f64::NEG_INFINITY, f64::max);
    if m == f64::NEG_INFINITY || m.is_nan() {
        return m;
    }
    m + v.map(|a| (a - m).exp()).sum::<f64>().ln()
}

/// The x with cdf(x) = p, 0 < p < 1, by bisection in ln x: bracket from `ln_guess` outward in
/// steps that double, then halve until the bracket is 1e-14 wide relative to the answer.
fn invert_cdf(m: &Model, p: f64, ln_guess: f64) -> f64 {
    let f = |lx: f64| m.cdf(lx.exp());
    let g = if ln_guess.is_finite() { ln_guess } else { 0.0 };
    let (mut lo, mut hi) = (g - 1.0, g + 1.0);
    let mut step = 1.0;
    while f(lo) > p {
        if lo.exp() == 0.0 {
            return 0.0;
        }
        step *= 2.0;
        lo -= step;
    }
    step = 1.0;
    while f(hi) < p {
        if hi.exp().is_infinite() {
            return f64::INFINITY;
        }
        step *= 2.0;
        hi += step;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-14 * (1.0 + mid.abs()) {
            break;
        }
    }
    (0.5 * (lo + hi)).exp()
}
