//! Reading numeric fields that may be "a number or a distribution table, nested", and checking
//! them against the range their field accepts.

use toml::de::DeValue;

use super::reader::{Src, Tbl, Value, number, type_name};
pub use crate::dist::Range;
use crate::dist::{DistSpec, LogNormalSpec, PERCENTILE_KEYS, Param, Shape, Support};
use crate::error::ConfigError;
use crate::model::{PerUser, Slot};

/// The per-trial draws found so far, with the supports used to validate later fields.
#[derive(Default)]
pub struct Draws {
    /// Slots in draw order.
    pub slots: Vec<Slot>,
    /// Support of each slot.
    pub supports: Vec<Support>,
}

impl Draws {
    /// A trial-level numeric field: a number, or a distribution drawn once per trial.
    pub fn param(
        &mut self,
        src: &Src<'_>,
        v: &Value<'_>,
        path: &str,
        range: Range,
    ) -> Result<Param, ConfigError> {
        if let DeValue::Table(_) = v.get_ref() {
            let spec = self.dist(src, v, path)?;
            let sup = spec.support(&self.supports);
            check_support(src, v, path, range, &sup)?;
            self.slots.push(Slot {
                path: path.to_string(),
                dist: spec,
            });
            self.supports.push(sup);
            Ok(Param::Drawn(self.slots.len() - 1))
        } else {
            let x = number_or_dist(src, v, path)?;
            check_value(src, v, path, range, x)?;
            Ok(Param::Fixed(x))
        }
    }

    /// An optional trial-level field with a default.
    pub fn param_or(
        &mut self,
        t: &Tbl<'_, '_>,
        key: &str,
        range: Range,
        default: f64,
    ) -> Result<Param, ConfigError> {
        match t.get(key) {
            Some(v) => self.param(t.src, v, &t.child(key), range),
            None => Ok(Param::Fixed(default)),
        }
    }

    /// A required trial-level field.
    pub fn param_req(
        &mut self,
        t: &Tbl<'_, '_>,
        key: &str,
        range: Range,
    ) -> Result<Param, ConfigError> {
        let v = t.req(key)?;
        self.param(t.src, v, &t.child(key), range)
    }

    /// An optional trial-level field without default.
    pub fn param_opt(
        &mut self,
        t: &Tbl<'_, '_>,
        key: &str,
        range: Range,
    ) -> Result<Option<Param>, ConfigError> {
        t.get(key)
            .map(|v| self.param(t.src, v, &t.child(key), range))
            .transpose()
    }

    /// A per-user field: a number, or a distribution sampled for each user.
    pub fn per_user(
        &mut self,
        src: &Src<'_>,
        v: &Value<'_>,
        path: &str,
        range: Range,
    ) -> Result<PerUser, ConfigError> {
        if let DeValue::Table(_) = v.get_ref() {
            let spec = self.dist(src, v, path)?;
            let sup = spec.support(&self.supports);
            check_support(src, v, path, range, &sup)?;
            Ok(PerUser::Dist(spec))
        } else {
            let x = number_or_dist(src, v, path)?;
            check_value(src, v, path, range, x)?;
            Ok(PerUser::Fixed(x))
        }
    }

    /// A per-user field with a default.
    pub fn per_user_or(
        &mut self,
        t: &Tbl<'_, '_>,
        key: &str,
        range: Range,
        default: f64,
    ) -> Result<PerUser, ConfigError> {
        match t.get(key) {
            Some(v) => self.per_user(t.src, v, &t.child(key), range),
            None => Ok(PerUser::Fixed(default)),
        }
    }

    /// A distribution table; its random parameters become slots named `path.param`. A
    /// distribution with fixed parameters is built once here, so parameters that are each in
    /// range but together overflow (a lognormal with sd = 1e200, say) are refused up front.
    fn dist(&mut self, src: &Src<'_>, v: &Value<'_>, path: &str) -> Result<DistSpec, ConfigError> {
        let spec = self.dist_in(src, v, path, &[])?;
        if spec.is_fixed()
            && let Err(e) = spec.resolve(&[])
        {
            return Err(src.err(
                &v.span(),
                path,
                format!("these parameters do not give a usable distribution: {e}"),
            ));
        }
        Ok(spec)
    }

    fn dist_in(
        &mut self,
        src: &Src<'_>,
        v: &Value<'_>,
        path: &str,
        extra: &[&str],
    ) -> Result<DistSpec, ConfigError> {
        const KINDS: [&str; 11] = [
            "uniform",
            "normal",
            "lognormal",
            "pareto",
            "gamma",
            "weibull",
            "exponential",
            "beta",
            "triangular",
            "pert",
            "mixture",
        ];
        const MODS: [&str; 4] = ["dist", "floor", "ceiling", "zero"];
        let t = Tbl::of(src, v, path)?;
        let kind_v = t.get("dist").ok_or_else(|| {
            t.err(format!(
                "a distribution table needs `dist = \"...\"`, one of: {}",
                KINDS.join(", ")
            ))
        })?;
        let kind = super::reader::as_str(src, kind_v, &t.child("dist"))?;
        let params: &[&str] = match kind {
            "uniform" => &["min", "max"],
            "normal" => &["mean", "sd"],
            "lognormal" => &[
                "mu", "sigma", "median", "mean", "sd", "p01", "p05", "p10", "p25", "p50", "p75",
                "p90", "p95", "p99",
            ],
            "pareto" => &["min", "alpha"],
            "gamma" => &["shape", "scale", "mean", "sd"],
            "weibull" => &["shape", "scale"],
            "exponential" => &["mean"],
            "beta" => &["alpha", "beta"],
            "triangular" | "pert" => &["min", "mode", "max"],
            "mixture" => &["components"],
            other => {
                let mut msg = format!("unknown distribution `{other}`");
                match super::reader::suggest(other, &KINDS) {
                    Some(s) => msg.push_str(&format!("; did you mean `{s}`?")),
                    None => msg.push_str(&format!("; expected one of: {}", KINDS.join(", "))),
                }
                return Err(src.err(&kind_v.span(), &t.child("dist"), msg));
            }
        };
        let allowed: Vec<&str> = params
            .iter()
            .chain(MODS.iter())
            .chain(extra.iter())
            .copied()
            .collect();
        t.allow(&allowed)?;
        let p = |d: &mut Self, key: &str, range: Range| d.param_req(&t, key, range);
        let shape = match kind {
            "uniform" => {
                let min = p(self, "min", Range::Any)?;
                let max = p(self, "max", Range::Any)?;
                self.ordered(&t, ("min", min), ("max", max), true)?;
                Shape::Uniform { min, max }
            }
            "normal" => Shape::Normal {
                mean: p(self, "mean", Range::Any)?,
                sd: p(self, "sd", Range::Positive)?,
            },
            "lognormal" => Shape::Lognormal {
                spec: self.lognormal(&t)?,
            },
            "pareto" => Shape::Pareto {
                min: p(self, "min", Range::Positive)?,
                alpha: p(self, "alpha", Range::Positive)?,
            },
            "gamma" => {
                if t.has("mean") || t.has("sd") {
                    self.exactly(
                        &t,
                        &["mean", "sd"],
                        "gamma takes {shape, scale} or {mean, sd}",
                    )?;
                    Shape::GammaMoments {
                        mean: p(self, "mean", Range::Positive)?,
                        sd: p(self, "sd", Range::Positive)?,
                    }
                } else {
                    Shape::Gamma {
                        shape: p(self, "shape", Range::Positive)?,
                        scale: p(self, "scale", Range::Positive)?,
                    }
                }
            }
            "weibull" => Shape::Weibull {
                shape: p(self, "shape", Range::Positive)?,
                scale: p(self, "scale", Range::Positive)?,
            },
            "exponential" => Shape::Exponential {
                mean: p(self, "mean", Range::Positive)?,
            },
            "beta" => Shape::Beta {
                alpha: p(self, "alpha", Range::Positive)?,
                beta: p(self, "beta", Range::Positive)?,
            },
            "triangular" | "pert" => {
                let min = p(self, "min", Range::Any)?;
                let mode = p(self, "mode", Range::Any)?;
                let max = p(self, "max", Range::Any)?;
                self.ordered(&t, ("min", min), ("mode", mode), false)?;
                self.ordered(&t, ("mode", mode), ("max", max), false)?;
                self.ordered(&t, ("min", min), ("max", max), true)?;
                if kind == "pert" {
                    Shape::Pert { min, mode, max }
                } else {
                    Shape::Triangular { min, mode, max }
                }
            }
            _ => Shape::Mixture {
                components: self.mixture(&t)?,
            },
        };
        let floor = self.param_opt(&t, "floor", Range::Any)?;
        let ceiling = self.param_opt(&t, "ceiling", Range::Any)?;
        if let (Some(f), Some(c)) = (floor, ceiling) {
            self.ordered(&t, ("floor", f), ("ceiling", c), false)?;
        }
        let zero = self.param_opt(&t, "zero", Range::Unit)?;
        Ok(DistSpec {
            shape,
            floor,
            ceiling,
            zero,
        })
    }

    /// Requires `a <= b` (or `a < b` when `strict`) for every admissible draw.
    fn ordered(
        &self,
        t: &Tbl<'_, '_>,
        a: (&str, Param),
        b: (&str, Param),
        strict: bool,
    ) -> Result<(), ConfigError> {
        let (sa, sb) = (a.1.support(&self.supports), b.1.support(&self.supports));
        let ok = if strict {
            sa.hi < sb.lo
        } else {
            sa.hi <= sb.lo
        };
        if ok {
            return Ok(());
        }
        let rel = if strict { "<" } else { "<=" };
        let msg = if sa.lo == sa.hi && sb.lo == sb.hi {
            format!(
                "needs {} {rel} {}, got {} = {} and {} = {}",
                a.0, b.0, a.0, sa.hi, b.0, sb.lo
            )
        } else {
            format!(
                "needs {} {rel} {} for every draw, but {} can reach {} while {} can be as low as {}",
                a.0, b.0, a.0, sa.hi, b.0, sb.lo
            )
        };
        let key = if t.has(b.0) { b.0 } else { a.0 };
        let v = t.get(key).expect("ordered fields are present");
        Err(t.src.err(&v.span(), &t.child(key), msg))
    }

    fn exactly(&self, t: &Tbl<'_, '_>, keys: &[&str], what: &str) -> Result<(), ConfigError> {
        let present: Vec<&str> = t.keys().filter(|k| *k != "dist").collect();
        let params: Vec<&str> = present
            .iter()
            .copied()
            .filter(|k| !["floor", "ceiling", "zero", "weight"].contains(k))
            .collect();
        if keys.iter().all(|k| params.contains(k)) && params.len() == keys.len() {
            Ok(())
        } else {
            Err(t.err(format!("{what}; found {{{}}}", params.join(", "))))
        }
    }

    fn lognormal(&mut self, t: &Tbl<'_, '_>) -> Result<LogNormalSpec, ConfigError> {
        let params: Vec<&str> = t
            .keys()
            .filter(|k| !["dist", "floor", "ceiling", "zero", "weight"].contains(k))
            .collect();
        let has = |k: &str| params.contains(&k);
        let usage = "lognormal takes exactly one of {mu, sigma}, {median, sigma}, {mean, sd} \
                     or two percentiles among p01 p05 p10 p25 median (or p50) p75 p90 p95 p99";
        let bad = || t.err(format!("{usage}; found {{{}}}", params.join(", ")));
        if params.len() != 2 {
            return Err(bad());
        }
        if has("mu") && has("sigma") {
            return Ok(LogNormalSpec::MuSigma {
                mu: self.param_req(t, "mu", Range::Any)?,
                sigma: self.param_req(t, "sigma", Range::Positive)?,
            });
        }
        if has("median") && has("sigma") {
            return Ok(LogNormalSpec::MedianSigma {
                median: self.param_req(t, "median", Range::Positive)?,
                sigma: self.param_req(t, "sigma", Range::Positive)?,
            });
        }
        if has("mean") && has("sd") {
            return Ok(LogNormalSpec::MeanSd {
                mean: self.param_req(t, "mean", Range::Positive)?,
                sd: self.param_req(t, "sd", Range::Positive)?,
            });
        }
        let pcts: Vec<(&str, f64)> = PERCENTILE_KEYS
            .iter()
            .filter(|(k, _, _)| has(k))
            .map(|(k, _, z)| (*k, *z))
            .collect();
        if pcts.len() != 2 {
            return Err(bad());
        }
        if pcts[0].1 == pcts[1].1 {
            return Err(
                t.err("`median` and `p50` are the same percentile; give two different levels")
            );
        }
        let lo = self.param_req(t, pcts[0].0, Range::Positive)?;
        let hi = self.param_req(t, pcts[1].0, Range::Positive)?;
        self.ordered(t, (pcts[0].0, lo), (pcts[1].0, hi), true)
            .map_err(|mut e| {
                e.message = format!("percentiles must increase with their level: {}", e.message);
                e
            })?;
        Ok(LogNormalSpec::Percentiles {
            low: (pcts[0].1, lo),
            high: (pcts[1].1, hi),
        })
    }

    fn mixture(&mut self, t: &Tbl<'_, '_>) -> Result<Vec<(Param, DistSpec)>, ConfigError> {
        let v = t.req("components")?;
        let path = t.child("components");
        let DeValue::Array(items) = v.get_ref() else {
            return Err(t.src.err(
                &v.span(),
                &path,
                format!(
                    "expected an array of distribution tables, found {}",
                    type_name(v.get_ref())
                ),
            ));
        };
        if items.is_empty() {
            return Err(t
                .src
                .err(&v.span(), &path, "a mixture needs at least one component"));
        }
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let cpath = format!("{path}.{i}");
            let ct = Tbl::of(t.src, item, &cpath)?;
            let weight = self.param_req(&ct, "weight", Range::Positive)?;
            let spec = self.dist_in(t.src, item, &cpath, &["weight"])?;
            out.push((weight, spec));
        }
        Ok(out)
    }
}

fn number_or_dist(src: &Src<'_>, v: &Value<'_>, path: &str) -> Result<f64, ConfigError> {
    match v.get_ref() {
        DeValue::Integer(_) | DeValue::Float(_) => number(src, v, path),
        other => Err(src.err(
            &v.span(),
            path,
            format!(
                "expected a number or a distribution table like {{ dist = \"uniform\", min = 1, max = 2 }}, found {}",
                type_name(other)
            ),
        )),
    }
}

fn check_value(
    src: &Src<'_>,
    v: &Value<'_>,
    path: &str,
    range: Range,
    x: f64,
) -> Result<(), ConfigError> {
    if range.holds(&Support::point(x)) {
        Ok(())
    } else {
        Err(src.err(
            &v.span(),
            path,
            format!("must be {}, got {x}", range.words()),
        ))
    }
}

fn check_support(
    src: &Src<'_>,
    v: &Value<'_>,
    path: &str,
    range: Range,
    sup: &Support,
) -> Result<(), ConfigError> {
    if range.holds(sup) {
        Ok(())
    } else {
        Err(src.err(
            &v.span(),
            path,
            format!(
                "must be {}, but this distribution can produce values in {}{}",
                range.words(),
                sup.describe(),
                range.fix()
            ),
        ))
    }
}
