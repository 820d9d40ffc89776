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

use rand::{Rng, RngExt};
use rand_distr::{Beta, Distribution, Exp, Gamma, LogNormal, Normal, Pareto, Pert, Triangular};
use serde::Serialize;

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
}

impl Range {
    pub(crate) fn holds(self, s: &Support) -> bool {
        match self {
            Range::Any => true,
            Range::NonNeg => s.is_non_negative(),
            Range::Positive => s.is_positive(),
            Range::Unit => s.is_unit(),
            Range::AboveMinusOne => s.lo > -1.0 || (s.lo == -1.0 && s.lo_open),
        }
    }
    pub(crate) fn words(self) -> &'static str {
        match self {
            Range::Any => "any number",
            Range::NonNeg => ">= 0",
            Range::Positive => "> 0",
            Range::Unit => "in [0, 1]",
            Range::AboveMinusOne => "> -1",
        }
    }
    pub(crate) fn fix(self) -> &'static str {
        match self {
            Range::Unit => "; add `floor = 0` and `ceiling = 1` to the distribution",
            Range::NonNeg => "; add `floor = 0` to the distribution",
            Range::Positive => "; add a positive `floor` to the distribution",
            Range::AboveMinusOne => "; add a `floor` above -1 to the distribution",
            Range::Any => "",
        }
    }
}

/// Largest magnitude of any value: plain numbers above it are refused and draws are clamped to
/// it, so every sum over users, months and trials stays finite.
pub const MAX_MAGNITUDE: f64 = 1e15;

/// Standard normal quantiles of the percentile keys a lognormal may be given by.
pub const PERCENTILE_KEYS: [(&str, f64, f64); 10] = [
    ("p01", 0.01, -2.326_347_874_040_840_8),
    ("p05", 0.05, -1.644_853_626_951_472_2),
    ("p10", 0.10, -1.281_551_565_544_600_4),
    ("p25", 0.25, -0.674_489_750_196_081_7),
    ("median", 0.50, 0.0),
    ("p50", 0.50, 0.0),
    ("p75", 0.75, 0.674_489_750_196_081_7),
    ("p90", 0.90, 1.281_551_565_544_600_4),
    ("p95", 0.95, 1.644_853_626_951_472_2),
    ("p99", 0.99, 2.326_347_874_040_840_8),
];

/// How a lognormal is parametrised.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogNormalSpec {
    /// `{mu, sigma}` of the underlying normal.
    MuSigma {
        /// Mean of ln X.
        mu: Param,
        /// Standard deviation of ln X.
        sigma: Param,
    },
    /// `{median, sigma}`.
    MedianSigma {
        /// Median of X.
        median: Param,
        /// Standard deviation of ln X.
        sigma: Param,
    },
    /// `{mean, sd}` of X itself.
    MeanSd {
        /// Mean of X.
        mean: Param,
        /// Standard deviation of X.
        sd: Param,
    },
    /// Two percentiles, lower level first: (standard normal quantile, value).
    Percentiles {
        /// Lower percentile: (z, value).
        low: (f64, Param),
        /// Upper percentile: (z, value).
        high: (f64, Param),
    },
}

impl LogNormalSpec {
    /// `(mu, sigma)` for concrete parameter values.
    pub fn mu_sigma(&self, d: &[f64]) -> (f64, f64) {
        match self {
            LogNormalSpec::MuSigma { mu, sigma } => (mu.value(d), sigma.value(d)),
            LogNormalSpec::MedianSigma { median, sigma } => (median.value(d).ln(), sigma.value(d)),
            LogNormalSpec::MeanSd { mean, sd } => {
                let (m, s) = (mean.value(d), sd.value(d));
                let s2 = (1.0 + (s / m) * (s / m)).ln();
                (m.ln() - s2 / 2.0, s2.sqrt())
            }
            LogNormalSpec::Percentiles { low, high } => {
                let (l1, l2) = (low.1.value(d).ln(), high.1.value(d).ln());
                let sigma = (l2 - l1) / (high.0 - low.0);
                (l1 - low.0 * sigma, sigma)
            }
        }
    }
}

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
    /// A finite mixture; weights need not sum to 1.
    Mixture {
        /// (weight, component) pairs.
        components: Vec<(Param, DistSpec)>,
    },
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
    /// A spec without modifiers.
    pub fn plain(shape: Shape) -> Self {
        DistSpec {
            shape,
            floor: None,
            ceiling: None,
            zero: None,
        }
    }
}

/// An interval `[lo, hi]` (or `(lo, hi]` when `lo_open`) holding every possible value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Support {
    /// Lower bound.
    pub lo: f64,
    /// Whether `lo` itself is excluded.
    pub lo_open: bool,
    /// Upper bound (inclusive; may be infinite).
    pub hi: f64,
}

impl Support {
    /// The single point `v`.
    pub fn point(v: f64) -> Self {
        Support {
            lo: v,
            lo_open: false,
            hi: v,
        }
    }
    fn closed(lo: f64, hi: f64) -> Self {
        Support {
            lo,
            lo_open: false,
            hi,
        }
    }
    fn positive() -> Self {
        Support {
            lo: 0.0,
            lo_open: true,
            hi: f64::INFINITY,
        }
    }
    /// Whether every value is > 0.
    pub fn is_positive(&self) -> bool {
        self.lo > 0.0 || (self.lo == 0.0 && self.lo_open)
    }
    /// Whether every value is >= 0.
    pub fn is_non_negative(&self) -> bool {
        self.lo >= 0.0
    }
    /// Whether every value is in [0, 1].
    pub fn is_unit(&self) -> bool {
        self.lo >= 0.0 && self.hi <= 1.0
    }
    /// Human-readable form, e.g. `(0, inf)`.
    pub fn describe(&self) -> String {
        let b = if self.lo_open || self.lo.is_infinite() {
            "("
        } else {
            "["
        };
        let e = if self.hi.is_infinite() { ")" } else { "]" };
        format!("{b}{}, {}{e}", fmt_bound(self.lo), fmt_bound(self.hi))
    }
}

fn fmt_bound(v: f64) -> String {
    if v == f64::INFINITY {
        "inf".into()
    } else if v == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        format!("{v}")
    }
}

impl Param {
    /// Support of this parameter, given the supports of the draw slots.
    pub fn support(&self, slots: &[Support]) -> Support {
        match *self {
            Param::Fixed(v) => Support::point(v),
            Param::Drawn(i) => slots[i],
        }
    }
}

impl DistSpec {
    /// Every value this distribution can produce, for any values of its drawn parameters.
    pub fn support(&self, slots: &[Support]) -> Support {
        let s = |p: &Param| p.support(slots);
        let mut sup = match &self.shape {
            Shape::Uniform { min, max } => Support::closed(s(min).lo, s(max).hi),
            Shape::Normal { .. } => Support::closed(f64::NEG_INFINITY, f64::INFINITY),
            Shape::Lognormal { .. }
            | Shape::Gamma { .. }
            | Shape::GammaMoments { .. }
            | Shape::Weibull { .. }
            | Shape::Exponential { .. } => Support::positive(),
            Shape::Pareto { min, .. } => Support {
                lo: s(min).lo,
                lo_open: s(min).lo_open,
                hi: f64::INFINITY,
            },
            Shape::Beta { .. } => Support::closed(0.0, 1.0),
            Shape::Triangular { min, max, .. } | Shape::Pert { min, max, .. } => {
                Support::closed(s(min).lo, s(max).hi)
            }
            Shape::Mixture { components } => {
                let mut it = components.iter().map(|(_, c)| c.support(slots));
                let first = it.next().unwrap_or(Support::point(0.0));
                it.fold(first, |a, b| {
                    let (lo, lo_open) = if b.lo < a.lo || (b.lo == a.lo && !b.lo_open) {
                        (b.lo, b.lo_open)
                    } else {
                        (a.lo, a.lo_open)
                    };
                    Support {
                        lo,
                        lo_open,
                        hi: a.hi.max(b.hi),
                    }
                })
            }
        };
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
        let f = |p: &Param| matches!(p, Param::Fixed(_));
        let mods = [self.floor, self.ceiling, self.zero]
            .iter()
            .all(|p| p.as_ref().is_none_or(f));
        mods && match &self.shape {
            Shape::Uniform { min: a, max: b }
            | Shape::Normal { mean: a, sd: b }
            | Shape::Pareto { min: a, alpha: b }
            | Shape::Gamma { shape: a, scale: b }
            | Shape::GammaMoments { mean: a, sd: b }
            | Shape::Weibull { shape: a, scale: b }
            | Shape::Beta { alpha: a, beta: b } => f(a) && f(b),
            Shape::Exponential { mean } => f(mean),
            Shape::Triangular { min, mode, max } | Shape::Pert { min, mode, max } => {
                f(min) && f(mode) && f(max)
            }
            Shape::Lognormal { spec } => match spec {
                LogNormalSpec::MuSigma { mu: a, sigma: b }
                | LogNormalSpec::MedianSigma {
                    median: a,
                    sigma: b,
                }
                | LogNormalSpec::MeanSd { mean: a, sd: b } => f(a) && f(b),
                LogNormalSpec::Percentiles { low, high } => f(&low.1) && f(&high.1),
            },
            Shape::Mixture { components } => components.iter().all(|(w, c)| f(w) && c.is_fixed()),
        }
    }

    /// Whether the mean is infinite for some admissible parameter values
    /// (Pareto with alpha <= 1 and no ceiling).
    pub fn may_lack_mean(&self, slots: &[Support]) -> bool {
        if self.ceiling.is_some() {
            return false;
        }
        match &self.shape {
            Shape::Pareto { alpha, .. } => alpha.support(slots).lo <= 1.0,
            Shape::Mixture { components } => components.iter().any(|(_, c)| c.may_lack_mean(slots)),
            _ => false,
        }
    }

    /// Builds the sampler for concrete parameter values.
    ///
    /// # Errors
    /// A message naming the parameter when a drawn value is out of its range (validation makes
    /// this impossible for scenarios it accepted; the check stays as a guard).
    pub fn resolve(&self, d: &[f64]) -> Result<Sampler, String> {
        let v = |p: &Param| p.value(d);
        let pos = |name: &str, x: f64| {
            if x > 0.0 && x.is_finite() {
                Ok(x)
            } else {
                Err(format!("{name} must be > 0, got {x}"))
            }
        };
        let kind = match &self.shape {
            Shape::Uniform { min, max } => {
                let (a, b) = (v(min), v(max));
                if a.partial_cmp(&b) != Some(std::cmp::Ordering::Less) {
                    return Err(format!("uniform needs min < max, got {a} and {b}"));
                }
                Kind::Uniform {
                    min: a,
                    width: b - a,
                }
            }
            Shape::Normal { mean, sd } => {
                Kind::Normal(Normal::new(v(mean), pos("sd", v(sd))?).map_err(|e| e.to_string())?)
            }
            Shape::Lognormal { spec } => {
                let (mu, sigma) = spec.mu_sigma(d);
                if !mu.is_finite() || !sigma.is_finite() {
                    return Err(format!(
                        "lognormal parameters give mu = {mu}, sigma = {sigma}"
                    ));
                }
                Kind::LogNormal {
                    d: LogNormal::new(mu, pos("sigma", sigma)?).map_err(|e| e.to_string())?,
                    mu,
                    sigma,
                }
            }
            Shape::Pareto { min, alpha } => {
                let (m, a) = (pos("min", v(min))?, pos("alpha", v(alpha))?);
                Kind::Pareto {
                    d: Pareto::new(m, a).map_err(|e| e.to_string())?,
                    min: m,
                    alpha: a,
                }
            }
            Shape::Gamma { shape, scale } => Kind::Gamma(
                Gamma::new(pos("shape", v(shape))?, pos("scale", v(scale))?)
                    .map_err(|e| e.to_string())?,
            ),
            Shape::GammaMoments { mean, sd } => {
                let (m, s) = (pos("mean", v(mean))?, pos("sd", v(sd))?);
                let (shape, scale) = (m * m / (s * s), s * s / m);
                Kind::Gamma(
                    Gamma::new(pos("derived shape", shape)?, pos("derived scale", scale)?)
                        .map_err(|e| e.to_string())?,
                )
            }
            Shape::Weibull { shape, scale } => Kind::Weibull {
                inv_shape: 1.0 / pos("shape", v(shape))?,
                scale: pos("scale", v(scale))?,
            },
            Shape::Exponential { mean } => {
                Kind::Exp(Exp::new(1.0 / pos("mean", v(mean))?).map_err(|e| e.to_string())?)
            }
            Shape::Beta { alpha, beta } => Kind::Beta(
                Beta::new(pos("alpha", v(alpha))?, pos("beta", v(beta))?)
                    .map_err(|e| e.to_string())?,
            ),
            Shape::Triangular { min, mode, max } => {
                let (a, c, b) = (v(min), v(mode), v(max));
                check_mode(a, c, b)?;
                Kind::Triangular(Triangular::new(a, b, c).map_err(|e| e.to_string())?)
            }
            Shape::Pert { min, mode, max } => {
                let (a, c, b) = (v(min), v(mode), v(max));
                check_mode(a, c, b)?;
                Kind::Pert(Pert::new(a, b).with_mode(c).map_err(|e| e.to_string())?)
            }
            Shape::Mixture { components } => {
                let mut cum = Vec::with_capacity(components.len());
                let mut parts = Vec::with_capacity(components.len());
                let mut total = 0.0;
                for (w, c) in components {
                    total += pos("weight", v(w))?;
                    cum.push(total);
                    parts.push(c.resolve(d)?);
                }
                for c in &mut cum {
                    *c /= total;
                }
                Kind::Mixture { cum, parts }
            }
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

fn check_mode(a: f64, c: f64, b: f64) -> Result<(), String> {
    if a < b && a <= c && c <= b {
        Ok(())
    } else {
        Err(format!(
            "needs min <= mode <= max and min < max, got {a}, {c}, {b}"
        ))
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
    Uniform {
        min: f64,
        width: f64,
    },
    Normal(Normal<f64>),
    LogNormal {
        d: LogNormal<f64>,
        mu: f64,
        sigma: f64,
    },
    Pareto {
        d: Pareto<f64>,
        min: f64,
        alpha: f64,
    },
    Gamma(Gamma<f64>),
    Weibull {
        inv_shape: f64,
        scale: f64,
    },
    Exp(Exp<f64>),
    Beta(Beta<f64>),
    Triangular(Triangular<f64>),
    Pert(Pert<f64>),
    Mixture {
        cum: Vec<f64>,
        parts: Vec<Sampler>,
    },
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
        let x = match &self.kind {
            Kind::Const(v) => *v,
            Kind::Uniform { min, width } => min + width * rng.random::<f64>(),
            Kind::Normal(d) => d.sample(rng),
            Kind::LogNormal { d, .. } => d.sample(rng),
            Kind::Pareto { d, .. } => d.sample(rng),
            Kind::Gamma(d) => d.sample(rng),
            Kind::Weibull { inv_shape, scale } => {
                // Inverse CDF on (0, 1]: never ln(0).
                let u = 1.0 - rng.random::<f64>();
                scale * (-u.ln()).powf(*inv_shape)
            }
            Kind::Exp(d) => d.sample(rng),
            Kind::Beta(d) => d.sample(rng),
            Kind::Triangular(d) => d.sample(rng),
            Kind::Pert(d) => d.sample(rng),
            Kind::Mixture { cum, parts } => {
                let u = rng.random::<f64>();
                let i = cum.partition_point(|&c| c <= u).min(parts.len() - 1);
                parts[i].sample(rng)
            }
        };
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

    /// Closed-form mean, where one exists and no modifier is set; `None` otherwise.
    /// An infinite mean (Pareto with alpha <= 1) is `Some(inf)`.
    pub fn closed_mean(&self) -> Option<f64> {
        if self.floor.is_finite() || self.ceiling.is_finite() || self.zero.is_some() {
            return None;
        }
        Some(match &self.kind {
            Kind::Const(v) => *v,
            Kind::Uniform { min, width } => min + width / 2.0,
            Kind::Normal(d) => d.mean(),
            Kind::LogNormal { mu, sigma, .. } => (mu + sigma * sigma / 2.0).exp(),
            Kind::Pareto { min, alpha, .. } => {
                if *alpha > 1.0 {
                    alpha * min / (alpha - 1.0)
                } else {
                    f64::INFINITY
                }
            }
            Kind::Gamma(_) | Kind::Exp(_) | Kind::Beta(_) => return None,
            Kind::Weibull { inv_shape, scale } => scale * gamma_fn(1.0 + inv_shape),
            Kind::Triangular(_) | Kind::Pert(_) | Kind::Mixture { .. } => return None,
        })
    }

    /// Closed-form quantile at level `p`, where one exists and no modifier is set.
    pub fn closed_quantile(&self, p: f64) -> Option<f64> {
        if self.floor.is_finite() || self.ceiling.is_finite() || self.zero.is_some() {
            return None;
        }
        Some(match &self.kind {
            Kind::Const(v) => *v,
            Kind::Uniform { min, width } => min + width * p,
            Kind::Normal(d) => d.mean() + d.std_dev() * norm_inv(p),
            Kind::LogNormal { mu, sigma, .. } => (mu + sigma * norm_inv(p)).exp(),
            Kind::Pareto { min, alpha, .. } => min * (1.0 - p).powf(-1.0 / alpha),
            Kind::Weibull { inv_shape, scale } => scale * (-(1.0 - p).ln()).powf(*inv_shape),
            _ => return None,
        })
    }
}

/// Lanczos approximation of the gamma function (relative error < 1e-13 for x > 0).
pub fn gamma_fn(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        std::f64::consts::PI / ((std::f64::consts::PI * x).sin() * gamma_fn(1.0 - x))
    } else {
        let x = x - 1.0;
        let mut a = C[0];
        let t = x + G + 0.5;
        for (i, c) in C.iter().enumerate().skip(1) {
            a += c / (x + i as f64);
        }
        (2.0 * std::f64::consts::PI).sqrt() * t.powf(x + 0.5) * (-t).exp() * a
    }
}

/// Inverse of the standard normal CDF (Acklam's algorithm with one Halley refinement step;
/// absolute error below 1e-12 on (0, 1)).
pub fn norm_inv(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let pl = 0.02425;
    let x = if p < pl {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - pl {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    // One Halley step against erfc-based CDF.
    let e = 0.5 * erfc(-x / std::f64::consts::SQRT_2) - p;
    let u = e * (2.0 * std::f64::consts::PI).sqrt() * (x * x / 2.0).exp();
    x - u / (1.0 + x * u / 2.0)
}

/// Complementary error function: the Taylor series of erf below |x| = 2, a continued fraction
/// (modified Lentz) above; absolute error about 1e-16.
pub fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let r = if z < 2.0 {
        // erf by Taylor series, converges fast for |x| < 2.
        let mut sum = z;
        let mut term = z;
        let z2 = z * z;
        let mut n = 0.0;
        loop {
            n += 1.0;
            term *= -z2 / n;
            let add = term / (2.0 * n + 1.0);
            sum += add;
            if add.abs() <= 1e-17 * sum.abs() || n > 200.0 {
                break;
            }
        }
        1.0 - sum * 2.0 / std::f64::consts::PI.sqrt()
    } else {
        // Continued fraction (Lentz) for erfc, converges for z >= 2.
        let tiny = 1e-300;
        let mut f = z;
        let mut c = z;
        let mut d = 0.0;
        for k in 1..200 {
            let a = k as f64 / 2.0;
            d = z + a * d;
            d = if d.abs() < tiny { tiny } else { d };
            c = z + a / c;
            c = if c.abs() < tiny { tiny } else { c };
            d = 1.0 / d;
            let delta = c * d;
            f *= delta;
            if (delta - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (-z * z).exp() / (f * std::f64::consts::PI.sqrt())
    };
    if x < 0.0 { 2.0 - r } else { r }
}
