//! From a [`DistSpec`] and one trial's draws to a [`Sampler`]: concrete parameters, built once
//! per trial and shared by its users; then one draw at a time, with the modifiers applied.
//!
//! Each family's trial-ready distribution lives in its own file and implements rand's
//! [`Distribution`] and [`ClosedForm`]; [`Kind`] is the closed list of them.

use rand::{Rng, RngExt};
use rand_distr::Distribution;

use super::beta::Beta;
use super::empirical::Resample;
use super::exponential::Exponential;
use super::gamma::Gamma;
use super::lognormal::LogNormal;
use super::mixture::Mixture;
use super::normal::Normal;
use super::pareto::Pareto;
use super::pert::Pert;
use super::triangular::Triangular;
use super::uniform::Uniform;
use super::weibull::Weibull;
use super::{DistSpec, MAX_MAGNITUDE, Param, Shape};

/// Closed forms of a trial-ready distribution (without modifiers), where they exist.
pub(super) trait ClosedForm {
    /// The mean; an infinite mean is `Some(inf)`.
    fn mean(&self) -> Option<f64> {
        None
    }
    /// The quantile at level `p`.
    fn quantile(&self, _p: f64) -> Option<f64> {
        None
    }
}

/// A distribution with concrete parameters, ready to sample.
#[derive(Clone, Debug)]
pub struct Sampler {
    kind: Kind,
    floor: f64,
    ceiling: f64,
    zero: Option<f64>,
}

#[derive(Clone, Debug)]
enum Kind {
    Const(f64),
    Uniform(Uniform),
    Normal(Normal),
    LogNormal(LogNormal),
    Pareto(Pareto),
    Gamma(Gamma),
    Weibull(Weibull),
    Exp(Exponential),
    Beta(Beta),
    Triangular(Triangular),
    Pert(Pert),
    Empirical(Resample),
    Mixture(Mixture),
}

/// `$body` with `$d` bound to the distribution inside `$kind`, for every kind but `Const`.
macro_rules! each_kind {
    ($kind:expr, $const:ident => $on_const:expr, $d:ident => $body:expr) => {
        match $kind {
            Kind::Const($const) => $on_const,
            Kind::Uniform($d) => $body,
            Kind::Normal($d) => $body,
            Kind::LogNormal($d) => $body,
            Kind::Pareto($d) => $body,
            Kind::Gamma($d) => $body,
            Kind::Weibull($d) => $body,
            Kind::Exp($d) => $body,
            Kind::Beta($d) => $body,
            Kind::Triangular($d) => $body,
            Kind::Pert($d) => $body,
            Kind::Empirical($d) => $body,
            Kind::Mixture($d) => $body,
        }
    };
}

impl DistSpec {
    /// Builds the sampler for concrete parameter values.
    ///
    /// # Errors
    /// A message naming the parameter when a drawn value is out of its range (validation makes
    /// this impossible for scenarios it accepted; the check stays as a guard).
    pub fn resolve(&self, d: &[f64]) -> Result<Sampler, String> {
        let v = |p: &Param| p.value(d);
        let kind = match &self.shape {
            Shape::Uniform { min, max } => Kind::Uniform(Uniform::new(v(min), v(max))?),
            Shape::Normal { mean, sd } => Kind::Normal(Normal::new(v(mean), v(sd))?),
            Shape::Lognormal { spec } => Kind::LogNormal(LogNormal::new(spec.mu_sigma(d))?),
            Shape::Pareto { min, alpha } => Kind::Pareto(Pareto::new(v(min), v(alpha))?),
            Shape::Gamma { shape, scale } => Kind::Gamma(Gamma::new(v(shape), v(scale))?),
            Shape::GammaMoments { mean, sd } => Kind::Gamma(Gamma::from_moments(v(mean), v(sd))?),
            Shape::Weibull { shape, scale } => Kind::Weibull(Weibull::new(v(shape), v(scale))?),
            Shape::Exponential { mean } => Kind::Exp(Exponential::new(v(mean))?),
            Shape::Beta { alpha, beta } => Kind::Beta(Beta::new(v(alpha), v(beta))?),
            Shape::Triangular { min, mode, max } => {
                Kind::Triangular(Triangular::new(v(min), v(mode), v(max))?)
            }
            Shape::Pert { min, mode, max } => Kind::Pert(Pert::new(v(min), v(mode), v(max))?),
            Shape::Empirical(e) => Kind::Empirical(e.sampler()),
            Shape::Mixture { components } => Kind::Mixture(Mixture::new(components, d)?),
        };
        let floor = self.floor.map_or(f64::NEG_INFINITY, |p| v(&p));
        let ceiling = self.ceiling.map_or(f64::INFINITY, |p| v(&p));
        if floor > ceiling {
            return Err(format!("floor {floor} is above ceiling {ceiling}"));
        }
        let zero = self.zero.map_or(0.0, |p| v(&p));
        if !(0.0..=1.0).contains(&zero) {
            return Err(format!("zero must be in [0, 1], got {zero}"));
        }
        Ok(Sampler {
            kind,
            floor,
            ceiling,
            zero: self.zero.map(|_| zero),
        })
    }
}

impl Sampler {
    /// A sampler that always returns `v` and draws nothing.
    pub fn constant(v: f64) -> Self {
        Sampler {
            kind: Kind::Const(v),
            floor: f64::NEG_INFINITY,
            ceiling: f64::INFINITY,
            zero: None,
        }
    }

    /// One draw. Consumes the generator only where the distribution is random; a `zero`
    /// modifier always consumes one extra uniform, after the base draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let x = each_kind!(&self.kind, v => *v, d => d.sample(rng));
        // Clamped to the magnitude limit; + 0.0 turns -0.0 into 0.0, so a zero has no sign
        // downstream (a signed zero would turn 0 / 0 limits into -inf).
        let x = x
            .max(self.floor)
            .min(self.ceiling)
            .clamp(-MAX_MAGNITUDE, MAX_MAGNITUDE)
            + 0.0;
        match self.zero {
            Some(p) if rng.random::<f64>() < p => 0.0,
            _ => x,
        }
    }

    /// The value of a sampler that draws nothing (a fixed value without `zero`), `None` for
    /// one that draws.
    #[inline]
    pub fn fixed(&self) -> Option<f64> {
        match (&self.kind, self.zero) {
            (Kind::Const(v), None) => Some(
                v.max(self.floor)
                    .min(self.ceiling)
                    .clamp(-MAX_MAGNITUDE, MAX_MAGNITUDE)
                    + 0.0,
            ),
            _ => None,
        }
    }

    fn has_modifier(&self) -> bool {
        self.floor.is_finite() || self.ceiling.is_finite() || self.zero.is_some()
    }

    /// Closed-form mean, where one exists and no modifier is set; `None` otherwise.
    /// An infinite mean (Pareto with alpha <= 1) is `Some(inf)`.
    pub fn closed_mean(&self) -> Option<f64> {
        if self.has_modifier() {
            return None;
        }
        each_kind!(&self.kind, v => Some(*v), d => d.mean())
    }

    /// Closed-form quantile at level `p`, where one exists and no modifier is set.
    pub fn closed_quantile(&self, p: f64) -> Option<f64> {
        if self.has_modifier() {
            return None;
        }
        each_kind!(&self.kind, v => Some(*v), d => d.quantile(p))
    }
}
