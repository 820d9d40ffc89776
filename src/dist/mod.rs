//! Distributions: parametrisations, their supports (for validation) and sampling.
//!
//! A distribution in a scenario is a [`DistSpec`]: a [`Shape`] whose parameters are
//! [`Param`]s (fixed numbers or values drawn once per trial), plus the modifiers
//! `floor`/`ceiling` (clamp) and `zero` (probability of an exact 0). Once a trial's draws are
//! known, [`DistSpec::resolve`] turns it into a [`Sampler`] with concrete parameters, built once
//! and shared by every user of the trial.
//!
//! Validation never samples: [`DistSpec::support`] gives an interval that holds every value the
//! distribution can produce for *any* value of its drawn parameters, so a field that must stay in
//! `[0, 1]`, say, can refuse a distribution that could leave it.
//!
//! Each distribution is one file (as in rand_distr): its `Family` (the `dist = "..."` name,
//! the keys and parametrisations the config reader accepts), its support, its trial-ready
//! sampler with any closed-form mean and quantile, and its tests. This file holds what they
//! share and the dispatch from a [`Shape`] to its file. Adding a distribution: a new file, one
//! line in `FAMILIES`, a [`Shape`] variant, and its arms in the matches below and in
//! `sampler.rs` (every match is exhaustive, so the compiler lists them). The one family that
//! is not in `FAMILIES` is `empirical`, whose values come from a data file: the config reader
//! reads its table itself and builds an [`Empirical`].

mod beta;
mod empirical;
mod exponential;
mod family;
mod gamma;
mod lognormal;
mod mixture;
mod normal;
mod pareto;
mod per_user;
mod pert;
mod sampler;
mod special;
mod support;
#[cfg(test)]
mod testing;
mod triangular;
mod uniform;
mod weibull;

use serde::Serialize;

pub use empirical::Empirical;
/// `dist = "empirical"`, read by the config reader itself (its values come from a file).
pub(crate) use empirical::{KEYS as EMPIRICAL_KEYS, NAME as EMPIRICAL};
pub(crate) use family::{Family, Form, Values, names};
pub use lognormal::LogNormalSpec;
pub use per_user::PerUser;
pub use sampler::Sampler;
pub(crate) use special::LANCZOS;
pub use special::{gamma_fn, norm_inv};
pub use support::Support;

/// Every distribution a scenario may name, in the order messages list them.
pub(crate) const FAMILIES: &[Family] = &[
    uniform::FAMILY,
    normal::FAMILY,
    lognormal::FAMILY,
    pareto::FAMILY,
    gamma::FAMILY,
    weibull::FAMILY,
    exponential::FAMILY,
    beta::FAMILY,
    triangular::FAMILY,
    pert::FAMILY,
    mixture::FAMILY,
];

/// The family named `name` in a `dist = "..."` key.
pub(crate) fn family(name: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.name == name)
}

/// A numeric value of the scenario: a fixed number or a per-trial draw (an index into the
/// trial's draw vector, see [`crate::model::Scenario::slots`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Param {
    /// A plain number from the config.
    Fixed(f64),
    /// Drawn once per trial: index of the draw slot.
    Drawn(#[serde(serialize_with = "ser_slot")] usize),
}

fn ser_slot<S: serde::Serializer>(i: &usize, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("draw #{i}"))
}

impl Param {
    /// The value in a trial whose draws are `draws`.
    #[inline]
    pub fn value(&self, draws: &[f64]) -> f64 {
        match *self {
            Param::Fixed(v) => v,
            Param::Drawn(i) => draws[i],
        }
    }

    /// Support of this parameter, given the supports of the draw slots.
    pub fn support(&self, slots: &[Support]) -> Support {
        match *self {
            Param::Fixed(v) => Support::point(v),
            Param::Drawn(i) => slots[i],
        }
    }

    fn is_fixed(&self) -> bool {
        matches!(self, Param::Fixed(_))
    }
}

/// The values a field accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Range {
    /// Any finite number.
    Any,
    /// `>= 0`.
    NonNeg,
    /// `> 0`.
    Positive,
    /// In `[0, 1]`.
    Unit,
    /// `> -1` (growth rates).
    AboveMinusOne,
    /// In `(0, 1]`.
    PosUnit,
    /// In `[0, 1)` (discount rates).
    UnitBelowOne,
    /// In `[1, MAX_TEAM_SIZE]` (team sizes, rounded to whole seats).
    TeamSize,
}

/// The largest team a segment's `team_size` may draw.
pub const MAX_TEAM_SIZE: f64 = 100_000.0;

impl Range {
    pub(crate) fn holds(self, s: &Support) -> bool {
        match self {
            Range::Any => true,
            Range::NonNeg => s.is_non_negative(),
            Range::Positive => s.is_positive(),
            Range::Unit => s.is_unit(),
            Range::AboveMinusOne => s.lo > -1.0 || (s.lo == -1.0 && s.lo_open),
            Range::PosUnit => s.is_positive() && s.is_unit(),
            Range::UnitBelowOne => s.is_non_negative() && s.hi < 1.0,
            Range::TeamSize => s.lo >= 1.0 && s.hi <= MAX_TEAM_SIZE,
        }
    }
    pub(crate) fn words(self) -> &'static str {
        match self {
            Range::Any => "any number",
            Range::NonNeg => ">= 0",
            Range::Positive => "> 0",
            Range::Unit => "in [0, 1]",
            Range::AboveMinusOne => "> -1",
            Range::PosUnit => "in (0, 1]",
            Range::UnitBelowOne => "in [0, 1)",
            Range::TeamSize => "in [1, 100000]",
        }
    }
    pub(crate) fn fix(self) -> &'static str {
        match self {
            Range::Unit => "; add `floor = 0` and `ceiling = 1` to the distribution",
            Range::NonNeg => "; add `floor = 0` to the distribution",
            Range::Positive => "; add a positive `floor` to the distribution",
            Range::AboveMinusOne => "; add a `floor` above -1 to the distribution",
            Range::PosUnit => "; add a positive `floor` and `ceiling = 1` to the distribution",
            Range::UnitBelowOne => "; add `floor = 0` and a `ceiling` below 1 to the distribution",
            Range::TeamSize => {
                "; add `floor = 1` and a `ceiling` of at most 100000 to the distribution"
            }
            Range::Any => "",
        }
    }
}

/// Largest magnitude of any value: plain numbers above it are refused and draws are clamped to
/// it, so every sum over users, months and trials stays finite.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// The family of a distribution and its parameters.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "dist", rename_all = "snake_case")]
pub enum Shape {
    /// Uniform on `[min, max)`.
    Uniform {
        /// Lower bound.
        min: Param,
        /// Upper bound.
        max: Param,
    },
    /// Normal.
    Normal {
        /// Mean.
        mean: Param,
        /// Standard deviation.
        sd: Param,
    },
    /// Lognormal, in one of its parametrisations.
    Lognormal {
        /// The parametrisation.
        spec: LogNormalSpec,
    },
    /// Pareto (type I): `min * U^(-1/alpha)`.
    Pareto {
        /// Scale: the smallest value.
        min: Param,
        /// Tail index.
        alpha: Param,
    },
    /// Gamma with shape and scale.
    Gamma {
        /// Shape k.
        shape: Param,
        /// Scale theta.
        scale: Param,
    },
    /// Gamma given by its mean and standard deviation.
    GammaMoments {
        /// Mean.
        mean: Param,
        /// Standard deviation.
        sd: Param,
    },
    /// Weibull with shape and scale.
    Weibull {
        /// Shape k.
        shape: Param,
        /// Scale lambda.
        scale: Param,
    },
    /// Exponential with the given mean.
    Exponential {
        /// Mean (1 / rate).
        mean: Param,
    },
    /// Beta on [0, 1].
    Beta {
        /// First shape.
        alpha: Param,
        /// Second shape.
        beta: Param,
    },
    /// Triangular.
    Triangular {
        /// Lower bound.
        min: Param,
        /// Mode.
        mode: Param,
        /// Upper bound.
        max: Param,
    },
    /// PERT (a scaled beta with shape 4).
    Pert {
        /// Lower bound.
        min: Param,
        /// Mode.
        mode: Param,
        /// Upper bound.
        max: Param,
    },
    /// The values of a data column, resampled (bootstrap); never a mixture component.
    Empirical(Empirical),
    /// A finite mixture; weights need not sum to 1.
    Mixture {
        /// (weight, component) pairs.
        components: Vec<(Param, DistSpec)>,
    },
}

impl Shape {
    /// Every value the family can produce, before modifiers.
    fn support(&self, slots: &[Support]) -> Support {
        match self {
            Shape::Uniform { min, max } => uniform::support(min, max, slots),
            Shape::Normal { .. } => normal::support(),
            Shape::Lognormal { .. } => lognormal::support(),
            Shape::Pareto { min, .. } => pareto::support(min, slots),
            Shape::Gamma { .. } | Shape::GammaMoments { .. } => gamma::support(),
            Shape::Weibull { .. } => weibull::support(),
            Shape::Exponential { .. } => exponential::support(),
            Shape::Beta { .. } => beta::support(),
            Shape::Triangular { min, max, .. } => triangular::support(min, max, slots),
            Shape::Pert { min, max, .. } => pert::support(min, max, slots),
            Shape::Empirical(e) => e.support(),
            Shape::Mixture { components } => mixture::support(components, slots),
        }
    }

    fn is_fixed(&self) -> bool {
        match self {
            Shape::Uniform { min: a, max: b }
            | Shape::Normal { mean: a, sd: b }
            | Shape::Pareto { min: a, alpha: b }
            | Shape::Gamma { shape: a, scale: b }
            | Shape::GammaMoments { mean: a, sd: b }
            | Shape::Weibull { shape: a, scale: b }
            | Shape::Beta { alpha: a, beta: b } => a.is_fixed() && b.is_fixed(),
            Shape::Exponential { mean } => mean.is_fixed(),
            Shape::Triangular { min, mode, max } | Shape::Pert { min, mode, max } => {
                min.is_fixed() && mode.is_fixed() && max.is_fixed()
            }
            Shape::Lognormal { spec } => spec.is_fixed(),
            Shape::Empirical(_) => true,
            Shape::Mixture { components } => mixture::is_fixed(components),
        }
    }

    fn may_lack_mean(&self, slots: &[Support]) -> bool {
        match self {
            Shape::Pareto { alpha, .. } => pareto::may_lack_mean(alpha, slots),
            Shape::Mixture { components } => mixture::may_lack_mean(components, slots),
            Shape::Uniform { .. }
            | Shape::Normal { .. }
            | Shape::Lognormal { .. }
            | Shape::Gamma { .. }
            | Shape::GammaMoments { .. }
            | Shape::Weibull { .. }
            | Shape::Exponential { .. }
            | Shape::Beta { .. }
            | Shape::Triangular { .. }
            | Shape::Pert { .. }
            | Shape::Empirical(_) => false,
        }
    }
}

/// A distribution with its modifiers.
#[derive(Clone, Debug, Serialize)]
pub struct DistSpec {
    /// Family and parameters.
    #[serde(flatten)]
    pub shape: Shape,
    /// Clamp draws below this value up to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub floor: Option<Param>,
    /// Clamp draws above this value down to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<Param>,
    /// Probability that a draw is exactly 0 (applied after floor and ceiling).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zero: Option<Param>,
}

impl DistSpec {
    /// Every value this distribution can produce, for any values of its drawn parameters.
    pub fn support(&self, slots: &[Support]) -> Support {
        let s = |p: &Param| p.support(slots);
        let mut sup = self.shape.support(slots);
        if let Some(f) = &self.floor {
            let f = s(f).lo;
            if f >= sup.lo {
                sup.lo = f;
                sup.lo_open = false;
            }
            sup.hi = sup.hi.max(f);
        }
        if let Some(c) = &self.ceiling {
            let c = s(c).hi;
            sup.hi = sup.hi.min(c);
            if c < sup.lo {
                sup.lo = c;
                sup.lo_open = false;
            }
        }
        if self.zero.is_some() {
            if sup.lo >= 0.0 {
                sup.lo = 0.0;
                sup.lo_open = false;
            }
            sup.hi = sup.hi.max(0.0);
        }
        sup
    }

    /// Whether every parameter (and modifier) is a fixed number.
    pub fn is_fixed(&self) -> bool {
        let mods = [self.floor, self.ceiling, self.zero]
            .iter()
            .all(|p| p.as_ref().is_none_or(Param::is_fixed));
        mods && self.shape.is_fixed()
    }

    /// Whether the mean is infinite for some admissible parameter values
    /// (Pareto with alpha <= 1 and no ceiling).
    pub fn may_lack_mean(&self, slots: &[Support]) -> bool {
        if self.ceiling.is_some() {
            return false;
        }
        self.shape.may_lack_mean(slots)
    }
}

/// `x` when it is a finite number > 0; otherwise a message naming the parameter.
fn require_positive(name: &str, x: f64) -> Result<f64, String> {
    if x > 0.0 && x.is_finite() {
        Ok(x)
    } else {
        Err(format!("{name} must be > 0, got {x}"))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{N, Z, draws};
    use statrs::distribution::{ContinuousCDF, Normal};

    #[test]
    fn floor_and_ceiling_clamp_then_zero_replaces_a_share_of_draws() {
        let x = draws(
            r#"{ dist = "normal", mean = 0, sd = 1, floor = -1, ceiling = 1.5, zero = 0.25 }"#,
            9,
        );
        let n = Normal::new(0.0, 1.0).unwrap();
        let share =
            |pred: &dyn Fn(f64) -> bool| x.iter().filter(|v| pred(**v)).count() as f64 / N as f64;
        let tol = |p: f64| Z * (p * (1.0 - p) / N as f64).sqrt();
        // Clamping: mass at the floor and the ceiling, scaled by the 75% not zeroed.
        let p_floor = 0.75 * n.cdf(-1.0);
        let p_ceil = 0.75 * (1.0 - n.cdf(1.5));
        assert!((share(&|v| v == -1.0) - p_floor).abs() <= tol(p_floor));
        assert!((share(&|v| v == 1.5) - p_ceil).abs() <= tol(p_ceil));
        assert!((share(&|v| v == 0.0) - 0.25).abs() <= tol(0.25));
        assert!(x.iter().all(|v| (-1.0..=1.5).contains(v)));
    }
}
