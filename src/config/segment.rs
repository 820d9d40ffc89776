//! Reading one `[[segment]]`: its fields in order (the order of their per-trial draws), the
//! fixed share, and the per-user fields that may be distributions.

use std::collections::HashSet;

use super::dist::{Draws, Range};
use super::reader::{self, Tbl};
use super::unique_name;
use crate::error::ConfigError;
use crate::model::Segment;

/// One segment table.
pub(super) fn segment(
    draws: &mut Draws,
    mut t: Tbl<'_, '_>,
    seen: &mut HashSet<String>,
) -> Result<Segment, ConfigError> {
    const FIELDS: [&str; 9] = [
        "name",
        "share",
        "output_tokens",
        "input_per_output",
        "cache_read_share",
        "cache_write_share",
        "monthly_volatility",
        "monthly_growth",
        "monthly_churn",
    ];
    if !t.has("name") {
        t.allow(&FIELDS)?; // a misspelt `name` is reported as such
    }
    let name = unique_name(&t, seen, "segment")?;
    t.path = format!("segment.{name}");
    t.allow(&FIELDS)?;
    let share_v = t.req("share")?;
    let share = match share_v.get_ref() {
        toml::de::DeValue::Table(_) => {
            return Err(t.src.err(
                &share_v.span(),
                &t.child("share"),
                "share must be a fixed number, not a distribution",
            ));
        }
        _ => reader::number(t.src, share_v, &t.child("share"))?,
    };
    if !(0.0..=1.0).contains(&share) {
        return Err(t.src.err(
            &share_v.span(),
            &t.child("share"),
            format!("must be in [0, 1], got {share}"),
        ));
    }
    let output_tokens = {
        let v = t.req("output_tokens")?;
        draws.per_user(t.src, v, &t.child("output_tokens"), Range::NonNeg)?
    };
    Ok(Segment {
        share,
        output_tokens,
        input_per_output: draws.per_user_or(&t, "input_per_output", Range::NonNeg, 0.0)?,
        cache_read_share: draws.per_user_or(&t, "cache_read_share", Range::Unit, 0.0)?,
        cache_write_share: draws.per_user_or(&t, "cache_write_share", Range::Unit, 0.0)?,
        monthly_volatility: draws.param_or(&t, "monthly_volatility", Range::NonNeg, 0.0)?,
        monthly_growth: draws.param_or(&t, "monthly_growth", Range::AboveMinusOne, 0.0)?,
        monthly_churn: draws.param_or(&t, "monthly_churn", Range::Unit, 0.0)?,
        name,
    })
}
