//! Reading numeric fields that may be "a number or a distribution table, nested", and checking
//! them against the range their field accepts.
//!
//! The reader knows no distribution by name: a table's `dist = "..."` picks a
//! `Family` from `dist::FAMILIES`, which says which keys the table accepts,
//! which parameters to read (with their ranges) for the keys present, which of them must be
//! ordered, and how to build the shape from the values read. The exception is
//! `dist = "empirical"`, whose values come from a data file: [`empirical`] reads its table.

mod empirical;

use toml::de::DeValue;

use super::numbers::number;
use super::reader::{Src, Tbl, Value, type_name};
pub use crate::dist::Range;
use crate::dist::{DistSpec, EMPIRICAL, EMPIRICAL_KEYS, Param, Shape, Support, Values};
use crate::error::ConfigError;
use crate::model::{PerUser, Slot};

/// The modifiers every distribution table accepts (with `dist`).
const MODS: [&str; 4] = ["dist", "floor", "ceiling", "zero"];
/// Keys of a distribution table that are not parameters of its family.
const NOT_PARAMS: [&str; 5] = ["dist", "floor", "ceiling", "zero", "weight"];

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

    /// A required trial-level field, or `None` when it is missing (recorded, as by
    /// [`Tbl::need`]).
    pub fn param_need(
        &mut self,
        t: &Tbl<'_, '_>,
        key: &str,
        range: Range,
    ) -> Result<Option<Param>, ConfigError> {
        t.need(key)
            .map(|v| self.param(t.src, v, &t.child(key), range))
            .transpose()
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
        let spec = self.dist_in(src, v, path, false)?;
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

    /// A distribution table at `path` (a mixture `component` also accepts `weight`).
    /// Checked in this order, each failure located: a table, its `dist` name, unknown keys,
    /// the family's choice of parametrisation, each parameter, the components, the orders
    /// between parameters, then the modifiers. An empirical table (never a component) reads
    /// its data file where the others read their parameters.
    fn dist_in(
        &mut self,
        src: &Src<'_>,
        v: &Value<'_>,
        path: &str,
        component: bool,
    ) -> Result<DistSpec, ConfigError> {
        let extra: &[&str] = if component { &["weight"] } else { &[] };
        let t = Tbl::of(src, v, path)?;
        let names = crate::dist::names();
        let kind_v = t.get("dist").ok_or_else(|| {
            t.err(format!(
                "a distribution table needs `dist = \"...\"`, one of: {}",
                names.join(", ")
            ))
        })?;
        let kind = super::reader::as_str(src, kind_v, &t.child("dist"))?;
        if kind == EMPIRICAL {
            if component {
                return Err(src.err(
                    &kind_v.span(),
                    &t.child("dist"),
                    "an empirical distribution cannot be a mixture component (its values \
                     already hold every mode of the data: use it alone)",
                ));
            }
            let allowed: Vec<&str> = EMPIRICAL_KEYS.iter().chain(MODS.iter()).copied().collect();
            t.allow(&allowed)?;
            let shape = empirical::shape(&t)?;
            return self.modifiers(&t, shape);
        }
        let Some(family) = crate::dist::family(kind) else {
            let mut msg = format!("unknown distribution `{kind}`");
            match super::reader::suggest(kind, &names) {
                Some(s) => msg.push_str(&format!("; did you mean `{s}`?")),
                None => msg.push_str(&format!("; expected one of: {}", names.join(", "))),
            }
            return Err(src.err(&kind_v.span(), &t.child("dist"), msg));
        };
        let allowed: Vec<&str> = family
            .keys
            .iter()
            .chain(MODS.iter())
            .chain(extra.iter())
            .copied()
            .collect();
        t.allow(&allowed)?;
        let present: Vec<&str> = t.keys().filter(|k| !NOT_PARAMS.contains(k)).collect();
        let form = (family.form)(&present).map_err(|msg| t.err(msg))?;
        let mut values = Values::default();
        for &(key, range) in &form.params {
            values.params.push((key, self.param_req(&t, key, range)?));
        }
        if let Some(key) = form.components {
            values.components = self.mixture(&t, key)?;
        }
        for o in &form.order {
            let (lo, hi) = ((o.lo, values.at(o.lo)), (o.hi, values.at(o.hi)));
            self.ordered(&t, lo, hi, o.strict).map_err(|mut e| {
                if let Some(c) = o.context {
                    e.message = format!("{c}: {}", e.message);
                }
                e
            })?;
        }
        let shape = (form.build)(values);
        self.modifiers(&t, shape)
    }

    /// `shape` with the modifiers of its table `t`.
    fn modifiers(&mut self, t: &Tbl<'_, '_>, shape: Shape) -> Result<DistSpec, ConfigError> {
        let floor = self.param_opt(t, "floor", Range::Any)?;
        let ceiling = self.param_opt(t, "ceiling", Range::Any)?;
        if let (Some(f), Some(c)) = (floor, ceiling) {
            self.ordered(t, ("floor", f), ("ceiling", c), false)?;
        }
        let zero = self.param_opt(t, "zero", Range::Unit)?;
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

    /// A list of weighted distribution tables (a mixture's components).
    fn mixture(
        &mut self,
        t: &Tbl<'_, '_>,
        key: &str,
    ) -> Result<Vec<(Param, DistSpec)>, ConfigError> {
        let v = t.req(key)?;
        let path = t.child(key);
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
            let spec = self.dist_in(t.src, item, &cpath, true)?;
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

#[cfg(test)]
mod tests {
    use crate::config::parse_distribution;
    use crate::model::PerUser;

    #[test]
    fn drawn_parameters_become_slots_named_by_their_field_path() {
        let (spec, slots) = parse_distribution(
            r#"x = { dist = "lognormal", median = { dist = "uniform", min = 2e5, max = 3e5 }, sigma = 1 }"#,
        )
        .unwrap();
        assert!(matches!(spec, PerUser::Dist(_)));
        let names: Vec<&str> = slots.iter().map(|s| s.path.as_str()).collect();
        assert_eq!(names, ["x.median"]);
    }
}
