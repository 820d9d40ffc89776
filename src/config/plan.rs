//! `[[plan]]` tables: the kind is looked up in the model's registry of plan kinds
//! ([`crate::model::plans::KINDS`]), and the kind's declared fields ([`Field`]) are read in their
//! declared order, which is also the order of the per-trial draws and of the allowed keys in
//! messages. The kind then builds itself from the values; nothing here names a kind.

use std::collections::HashSet;

use super::dist::{Draws, Range};
use super::reader::{self, Tbl};
use super::{card_table, rate_card, unique_name};
use crate::error::ConfigError;
use crate::model::PlanSpec;
use crate::model::plans::schema::{Field, FieldKind, FieldValue, FieldValues, Need};
use crate::model::plans::{KIND_NAMES, kind};

/// Keys every plan takes, before its kind's own.
const COMMON: [&str; 3] = ["name", "kind", "usage_response"];

/// One `[[plan]]` table; `seen` holds the plan names read so far.
pub(super) fn plan(
    draws: &mut Draws,
    mut t: Tbl<'_, '_>,
    seen: &mut HashSet<String>,
) -> Result<PlanSpec, ConfigError> {
    let kind_v = t.req("kind")?;
    let name = reader::as_str(t.src, kind_v, &t.child("kind"))?;
    let Some(schema) = kind(name) else {
        let mut msg = format!("unknown plan kind `{name}`");
        match reader::suggest(name, KIND_NAMES) {
            Some(s) => msg.push_str(&format!("; did you mean `{s}`?")),
            None => msg.push_str(&format!("; expected one of: {}", KIND_NAMES.join(", "))),
        }
        return Err(t.src.err(&kind_v.span(), &t.child("kind"), msg));
    };
    let allowed: Vec<&str> = COMMON
        .into_iter()
        .chain(schema.fields.iter().map(|f| f.name))
        .collect();
    if !t.has("name") {
        t.allow(&allowed)?; // a misspelt `name` is reported as such
    }
    let name = unique_name(&t, seen, "plan")?;
    t.path = format!("plan.{name}");
    t.allow(&allowed)?;
    let usage_response = draws.param_or(&t, "usage_response", Range::NonNeg, 1.0)?;
    let mut values = fields(draws, &t, schema.fields)?;
    Ok(PlanSpec {
        name,
        usage_response,
        kind: (schema.build)(&mut values),
    })
}

/// Reads the fields `list` of `t` in declared order (the table's keys are already checked).
fn fields(
    draws: &mut Draws,
    t: &Tbl<'_, '_>,
    list: &'static [Field],
) -> Result<FieldValues, ConfigError> {
    let mut values = FieldValues::default();
    for f in list {
        let key = f.name;
        let value = match f.kind {
            FieldKind::Param { range, need } => match need {
                Need::Required => FieldValue::Param(draws.param_req(t, key, range)?),
                Need::Default(x) => FieldValue::Param(draws.param_or(t, key, range, x)?),
                Need::Optional => FieldValue::OptParam(draws.param_opt(t, key, range)?),
            },
            FieldKind::Card { required: true } => {
                FieldValue::Card(rate_card(draws, &t.req_table(key)?)?)
            }
            FieldKind::Card { required: false } => FieldValue::OptCard(card_table(draws, t, key)?),
            FieldKind::Table {
                required,
                fields: sub,
            } => {
                let table = if required {
                    Some(t.req_table(key)?)
                } else {
                    t.table(key)?
                };
                let values = match table {
                    None => None,
                    Some(st) => {
                        st.allow(&sub.iter().map(|f| f.name).collect::<Vec<_>>())?;
                        Some(fields(draws, &st, sub)?)
                    }
                };
                FieldValue::Table(values)
            }
        };
        values.push(key, value);
    }
    Ok(values)
}
