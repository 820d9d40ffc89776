//! Reading one `[[segment]]`: its fields in order (the order of their per-trial draws), the
//! fixed share, and the per-user fields that may be distributions.

use std::collections::HashSet;

use super::dist::{Draws, Range};
use super::reader::{self, Tbl};
use super::{numbers, unique_name};
use crate::error::ConfigError;
use crate::model::{Segment, SegmentValue};

/// One segment table; `None` when a required field is missing (each recorded in the source,
/// reading goes on).
pub(super) fn segment(
    draws: &mut Draws,
    mut t: Tbl<'_, '_>,
    seen: &mut HashSet<String>,
) -> Result<Option<Segment>, ConfigError> {
    const FIELDS: [&str; 12] = [
        "name",
        "share",
        "output_tokens",
        "input_per_output",
        "cache_read_share",
        "cache_write_share",
        "monthly_volatility",
        "monthly_growth",
        "monthly_churn",
        "value",
        "value_per_retail",
        "shock_churn",
    ];
    if !t.has("name") {
        t.allow(&FIELDS)?; // a misspelt `name` is reported as such
    }
    let name = unique_name(&t, seen, "segment")?;
    if let Some(name) = &name {
        t.path = format!("segment.{name}");
    }
    t.allow(&FIELDS)?;
    let share = t.need("share").map(|v| share(&t, v)).transpose()?;
    let output_tokens = t
        .need("output_tokens")
        .map(|v| draws.per_user(t.src, v, &t.child("output_tokens"), Range::NonNeg))
        .transpose()?;
    let input_per_output = draws.per_user_or(&t, "input_per_output", Range::NonNeg, 0.0)?;
    let cache_read_share = draws.per_user_or(&t, "cache_read_share", Range::Unit, 0.0)?;
    let cache_write_share = draws.per_user_or(&t, "cache_write_share", Range::Unit, 0.0)?;
    let monthly_volatility = draws.param_or(&t, "monthly_volatility", Range::NonNeg, 0.0)?;
    let monthly_growth = draws.param_or(&t, "monthly_growth", Range::AboveMinusOne, 0.0)?;
    let monthly_churn = draws.param_or(&t, "monthly_churn", Range::Unit, 0.0)?;
    let value = value(draws, &t)?;
    let shock_churn = draws.param_or(&t, "shock_churn", Range::Unit, 0.0)?;
    let (Some(name), Some(share), Some(output_tokens)) = (name, share, output_tokens) else {
        return Ok(None);
    };
    Ok(Some(Segment {
        share,
        output_tokens,
        input_per_output,
        cache_read_share,
        cache_write_share,
        monthly_volatility,
        monthly_growth,
        monthly_churn,
        value,
        shock_churn,
        name,
    }))
}

/// `value` or `value_per_retail` (at most one; menu mode needs one, checked with the market).
fn value(draws: &mut Draws, t: &Tbl<'_, '_>) -> Result<Option<SegmentValue>, ConfigError> {
    match (t.get("value"), t.get("value_per_retail")) {
        (Some(_), Some(v)) => Err(t.src.err(
            &v.span(),
            &t.child("value_per_retail"),
            "give `value` ($ a month) or `value_per_retail` (a multiple of the retail value of \
             the user's typical month), not both",
        )),
        (Some(v), None) => Ok(Some(SegmentValue::Value(draws.per_user(
            t.src,
            v,
            &t.child("value"),
            Range::NonNeg,
        )?))),
        (None, Some(v)) => Ok(Some(SegmentValue::ValuePerRetail(draws.per_user(
            t.src,
            v,
            &t.child("value_per_retail"),
            Range::NonNeg,
        )?))),
        (None, None) => Ok(None),
    }
}

/// The share `v`: a fixed number in [0, 1].
fn share(t: &Tbl<'_, '_>, v: &reader::Value<'_>) -> Result<f64, ConfigError> {
    let path = t.child("share");
    let share = match v.get_ref() {
        toml::de::DeValue::Table(_) => {
            return Err(t.src.err(
                &v.span(),
                &path,
                "share must be a fixed number, not a distribution",
            ));
        }
        _ => numbers::number(t.src, v, &path)?,
    };
    if !(0.0..=1.0).contains(&share) {
        return Err(t
            .src
            .err(&v.span(), &path, format!("must be in [0, 1], got {share}")));
    }
    Ok(share)
}
