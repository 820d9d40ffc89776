//! `[[plan]]` tables: the kind is looked up in the model's registry of plan kinds
//! ([`crate::model::plans::KINDS`]), and the kind's declared fields ([`Field`]) are read in their
//! declared order, which is also the order of the per-trial draws and of the allowed keys in
//! messages. The kind then builds itself from the values; nothing here names a kind. Bands
//! (an array of tables cut at increasing bounds, such as tiers) are checked here by their
//! declaration: every table but the last bounded, the last open, bounds strictly increasing
//! for every draw.

use std::collections::HashSet;

use toml::de::DeValue;

use super::commitment;
use super::dist::{Draws, Range};
use super::market::word;
use super::prices;
use super::reader::{self, Tbl, type_name};
use super::{rate_card, unique_name, valid_name};
use crate::error::ConfigError;
use crate::model::PlanSpec;
use crate::model::plans::schema::{Field, FieldKind, FieldValue, FieldValues, Need};
use crate::model::plans::{KIND_NAMES, kind};

/// Keys every plan takes, before its kind's own.
const COMMON: [&str; 9] = [
    "name",
    "kind",
    "usage_response",
    "anxiety",
    "external",
    "quality",
    "price_schedule",
    "loyalty",
    "per_seat",
];

/// One `[[plan]]` table; `seen` holds the plan names read so far. `None` when a required field
/// is missing (each recorded in the source, reading goes on).
pub(super) fn plan(
    draws: &mut Draws,
    mut t: Tbl<'_, '_>,
    seen: &mut HashSet<String>,
) -> Result<Option<PlanSpec>, ConfigError> {
    // Problems with the kind name the plan when its name is readable (`plan.pro20.kind`);
    // problems with the name itself keep the index (`plan[1].name`).
    let at_index = t.path.clone();
    if let Some(DeValue::String(name)) = t.get("name").map(|v| v.get_ref())
        && valid_name(name)
    {
        t.path = format!("plan.{name}");
    }
    let schema = match t.need("kind") {
        None => None,
        Some(kind_v) => {
            let name = reader::as_str(t.src, kind_v, &t.child("kind"))?;
            let Some(schema) = kind(name) else {
                let mut msg = format!("unknown plan kind `{name}`");
                match reader::suggest(name, KIND_NAMES) {
                    Some(s) => msg.push_str(&format!("; did you mean `{s}`?")),
                    None => msg.push_str(&format!("; expected one of: {}", KIND_NAMES.join(", "))),
                }
                return Err(t.src.err(&kind_v.span(), &t.child("kind"), msg));
            };
            Some(schema)
        }
    };
    t.path = at_index;
    let allowed: Option<Vec<&str>> = schema.map(|schema| {
        COMMON
            .into_iter()
            .chain(commitment::takes(schema.name).then_some(commitment::KEY))
            .chain(schema.fields.iter().map(|f| f.name))
            .collect()
    });
    if let Some(allowed) = &allowed
        && !t.has("name")
    {
        t.allow(allowed)?; // a misspelt `name` is reported as such
    }
    let name = unique_name(&t, seen, "plan")?;
    let (Some(schema), Some(allowed)) = (schema, allowed) else {
        return Ok(None); // the kind is missing: its fields are unknown
    };
    if let Some(name) = &name {
        t.path = format!("plan.{name}");
    }
    commitment::check_kind(&t, schema.name)?;
    t.allow(&allowed)?;
    let usage_response = draws.param_or(&t, "usage_response", Range::NonNeg, 1.0)?;
    let values = fields(draws, &t, schema.fields)?;
    let anxiety = draws.param_or(&t, "anxiety", Range::NonNeg, 0.0)?;
    let external = t.opt_bool("external")?.unwrap_or(false);
    let quality = draws.param_or(&t, "quality", Range::Unit, 1.0)?;
    let price_schedule = prices::price_schedule(draws, &t)?;
    let loyalty = prices::loyalty(draws, &t)?;
    let commitment = commitment::commitment(draws, &t)?;
    let per_seat = t.opt_bool("per_seat")?.unwrap_or(false);
    commitment::check_per_seat(&t, per_seat)?;
    let (Some(name), Some(mut values), Some(price_schedule), Some(loyalty), Some(commitment)) =
        (name, values, price_schedule, loyalty, commitment)
    else {
        return Ok(None);
    };
    Ok(Some(PlanSpec {
        name,
        usage_response,
        anxiety,
        external,
        quality,
        price_schedule,
        loyalty,
        commitment,
        per_seat,
        kind: (schema.build)(&mut values),
    }))
}

/// Reads the fields `list` of `t` in declared order (the table's keys are already checked);
/// `None` when a required one is missing (recorded).
fn fields(
    draws: &mut Draws,
    t: &Tbl<'_, '_>,
    list: &'static [Field],
) -> Result<Option<FieldValues>, ConfigError> {
    let mut values = FieldValues::default();
    let mut complete = true;
    for f in list {
        let key = f.name;
        if let Some(other) = f.needs
            && let Some(v) = t.get(key)
            && !t.has(other)
        {
            let msg = format!("`{key}` applies only with `{other}`, which is not given");
            return Err(t.src.err(&v.span(), &t.child(key), msg));
        }
        let value = match f.kind {
            FieldKind::Param { range, need } => match need {
                Need::Required => draws.param_need(t, key, range)?.map(FieldValue::Param),
                Need::Default(x) => Some(FieldValue::Param(draws.param_or(t, key, range, x)?)),
                Need::Optional => Some(FieldValue::OptParam(draws.param_opt(t, key, range)?)),
            },
            FieldKind::Card { required } => {
                let table = if required {
                    t.need_table(key)?
                } else {
                    t.table(key)?
                };
                match table {
                    None if required => None,
                    None => Some(FieldValue::OptCard(None)),
                    Some(ct) => rate_card(draws, &ct)?.map(|card| {
                        if required {
                            FieldValue::Card(card)
                        } else {
                            FieldValue::OptCard(Some(card))
                        }
                    }),
                }
            }
            FieldKind::Table {
                required,
                fields: sub,
            } => {
                let table = if required {
                    t.need_table(key)?
                } else {
                    t.table(key)?
                };
                match table {
                    None if required => None,
                    None => Some(FieldValue::Table(None)),
                    Some(st) => {
                        st.allow(&sub.iter().map(|f| f.name).collect::<Vec<_>>())?;
                        fields(draws, &st, sub)?.map(|v| FieldValue::Table(Some(v)))
                    }
                }
            }
            FieldKind::Bands {
                required,
                bound,
                fields: sub,
            } => match if required { t.need(key) } else { t.get(key) } {
                None if required => None,
                None => Some(FieldValue::Bands(None)),
                Some(_) => bands(draws, t, key, bound, sub)?.map(|b| FieldValue::Bands(Some(b))),
            },
            FieldKind::Word { options, default } => {
                let options: Vec<(&str, &'static str)> = options.iter().map(|o| (*o, *o)).collect();
                Some(FieldValue::Word(word(t, key, &options, default)?))
            }
        };
        match value {
            Some(value) => values.push(key, value),
            None => complete = false,
        }
    }
    Ok(complete.then_some(values))
}

/// Reads the bands `key` of `t` (present): a non-empty array of tables with the fields `list`,
/// every table but the last bounded by its field `bound` and the last open, the bounds
/// strictly increasing for every draw. `None` when a required field is missing (recorded).
fn bands(
    draws: &mut Draws,
    t: &Tbl<'_, '_>,
    key: &str,
    bound: &str,
    list: &'static [Field],
) -> Result<Option<Vec<FieldValues>>, ConfigError> {
    let v = t.get(key).expect("present");
    let path = t.child(key);
    let DeValue::Array(items) = v.get_ref() else {
        let found = type_name(v.get_ref());
        let msg = format!("expected an array of tables, found {found}");
        return Err(t.src.err(&v.span(), &path, msg));
    };
    if items.is_empty() {
        let msg = format!("needs at least one band; the last has no `{bound}`");
        return Err(t.src.err(&v.span(), &path, msg));
    }
    let names: Vec<&str> = list.iter().map(|f| f.name).collect();
    let mut out = Vec::with_capacity(items.len());
    let mut complete = true;
    let mut previous: Option<f64> = None; // the highest value the previous bound can take
    for (i, item) in items.iter().enumerate() {
        let bt = Tbl::of(t.src, item, &format!("{path}[{i}]"))?;
        bt.allow(&names)?;
        let last = i + 1 == items.len();
        if last && let Some(b) = bt.get(bound) {
            let msg = format!(
                "the last band must be open: remove `{bound}` (a band without it must end the list)"
            );
            return Err(t.src.err(&b.span(), &bt.child(bound), msg));
        }
        if !last && !bt.has(bound) {
            let msg = format!(
                "missing required field `{bound}` in `{}`: only the last band is open",
                bt.path
            );
            t.src.record_missing(bt.err_for(bound, msg));
            complete = false;
        }
        let Some(values) = fields(draws, &bt, list)? else {
            complete = false;
            continue;
        };
        if let Some(FieldValue::OptParam(Some(p))) = values.peek(bound) {
            let s = p.support(&draws.supports);
            if let Some(prev) = previous
                && s.lo <= prev
            {
                let b = bt.get(bound).expect("read");
                let msg = if s.lo == s.hi {
                    format!(
                        "must be greater than the previous band's `{bound}` ({prev}), got {}",
                        s.lo
                    )
                } else {
                    format!(
                        "must be greater than the previous band's `{bound}` for every draw, \
                         but that can reach {prev} while this can be as low as {}",
                        s.lo
                    )
                };
                return Err(t.src.err(&b.span(), &bt.child(bound), msg));
            }
            previous = Some(s.hi);
        }
        out.push(values);
    }
    Ok(complete.then_some(out))
}
