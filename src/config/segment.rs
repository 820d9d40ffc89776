//! Reading one `[[segment]]`: its fields in order (the order of their per-trial draws), the
//! fixed share, the per-user fields that may be distributions, and its work: output tokens, or
//! tasks of some output tokens each (exactly one of `output_tokens` and `tasks`).

use std::collections::HashSet;

use super::dist::{Draws, Range};
use super::reader::{self, Tbl};
use super::{numbers, unique_name};
use crate::error::ConfigError;
use crate::model::plans::PlanKind;
use crate::model::{PlanSpec, Segment, SegmentValue, Work};

/// One segment table; `None` when a required field is missing (each recorded in the source,
/// reading goes on).
pub(super) fn segment(
    draws: &mut Draws,
    mut t: Tbl<'_, '_>,
    seen: &mut HashSet<String>,
) -> Result<Option<Segment>, ConfigError> {
    const FIELDS: [&str; 17] = [
        "name",
        "share",
        "output_tokens",
        "tasks",
        "output_per_task",
        "success_rate",
        "input_per_output",
        "cache_read_share",
        "cache_write_share",
        "monthly_volatility",
        "monthly_growth",
        "monthly_churn",
        "value",
        "value_per_retail",
        "shock_churn",
        "team_size",
        "seat_churn",
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
    let work = work(draws, &t)?;
    let input_per_output = draws.per_user_or(&t, "input_per_output", Range::NonNeg, 0.0)?;
    let cache_read_share = draws.per_user_or(&t, "cache_read_share", Range::Unit, 0.0)?;
    let cache_write_share = draws.per_user_or(&t, "cache_write_share", Range::Unit, 0.0)?;
    let monthly_volatility = draws.param_or(&t, "monthly_volatility", Range::NonNeg, 0.0)?;
    let monthly_growth = draws.param_or(&t, "monthly_growth", Range::AboveMinusOne, 0.0)?;
    let monthly_churn = draws.param_or(&t, "monthly_churn", Range::Unit, 0.0)?;
    let value = value(draws, &t)?;
    let shock_churn = draws.param_or(&t, "shock_churn", Range::Unit, 0.0)?;
    let team_size = t
        .get("team_size")
        .map(|v| draws.per_user(t.src, v, &t.child("team_size"), Range::TeamSize))
        .transpose()?;
    let seat_churn = draws.param_opt(&t, "seat_churn", Range::Unit)?;
    if team_size.is_none()
        && let Some(v) = t.get("seat_churn")
    {
        return Err(t.src.err(
            &v.span(),
            &t.child("seat_churn"),
            "`seat_churn` removes single seats of a team: it needs `team_size` (seats per \
             account)",
        ));
    }
    let (Some(name), Some(share), Some(work)) = (name, share, work) else {
        return Ok(None);
    };
    Ok(Some(Segment {
        share,
        work,
        input_per_output,
        cache_read_share,
        cache_write_share,
        monthly_volatility,
        monthly_growth,
        monthly_churn,
        value,
        shock_churn,
        team_size,
        seat_churn,
        name,
    }))
}

/// The keys that describe work counted in tasks, besides `tasks` itself.
const TASK_KEYS: [&str; 2] = ["output_per_task", "success_rate"];

/// `output_tokens`, or `tasks` with `output_per_task` and `success_rate` (default 1), in that
/// order; `None` when a required field is missing (recorded, reading goes on).
fn work(draws: &mut Draws, t: &Tbl<'_, '_>) -> Result<Option<Work>, ConfigError> {
    let tasks = t.get("tasks");
    if tasks.is_none() {
        // A task field without `tasks` would be silently unused.
        if let Some(key) = TASK_KEYS.into_iter().find(|k| t.has(k)) {
            let v = t.req(key)?;
            return Err(t.src.err(
                &v.span(),
                &t.child(key),
                format!(
                    "`{key}` describes work counted in tasks: it needs `tasks` (tasks in a \
                     typical month){}",
                    if t.has("output_tokens") {
                        " in place of `output_tokens`"
                    } else {
                        ""
                    }
                ),
            ));
        }
    }
    match (t.get("output_tokens"), tasks) {
        (Some(_), Some(v)) => Err(t.src.err(
            &v.span(),
            &t.child("tasks"),
            "give `output_tokens` (output tokens in a typical month) or `tasks` (tasks in a \
             typical month, with `output_per_task`), not both",
        )),
        (Some(v), None) => Ok(Some(Work::Tokens {
            output_tokens: draws.per_user(t.src, v, &t.child("output_tokens"), Range::NonNeg)?,
        })),
        (None, Some(v)) => {
            let tasks = draws.per_user(t.src, v, &t.child("tasks"), Range::NonNeg)?;
            let output_per_task = match t.get("output_per_task") {
                Some(v) => {
                    Some(draws.per_user(t.src, v, &t.child("output_per_task"), Range::NonNeg)?)
                }
                None => {
                    t.src.record_missing(t.err_for(
                        "output_per_task",
                        format!(
                            "missing required field `output_per_task` in `{}`: the output \
                             tokens of one task, needed with `tasks`",
                            t.path
                        ),
                    ));
                    None
                }
            };
            let success_rate = draws.per_user_or(t, "success_rate", Range::Unit, 1.0)?;
            Ok(output_per_task.map(|output_per_task| Work::Tasks {
                tasks,
                output_per_task,
                success_rate,
            }))
        }
        (None, None) => {
            t.src.record_missing(t.err_for(
                "output_tokens",
                format!(
                    "missing required field `output_tokens` in `{}` (or `tasks` with \
                     `output_per_task`, for work counted in tasks)",
                    t.path
                ),
            ));
            Ok(None)
        }
    }
}

/// An outcome plan bills successful tasks, which only task segments have: with one, every
/// segment must count its work in tasks (the first that does not is refused, at its
/// `output_tokens`).
pub(super) fn check_outcome(
    root: &Tbl<'_, '_>,
    segments: &[Segment],
    plans: &[PlanSpec],
) -> Result<(), ConfigError> {
    let Some(plan) = plans
        .iter()
        .find(|p| matches!(p.kind, PlanKind::Outcome(_)))
    else {
        return Ok(());
    };
    let Some(i) = segments.iter().position(|s| !s.work.is_tasks()) else {
        return Ok(());
    };
    let mut t = root.tables("segment")?.swap_remove(i);
    t.path = format!("segment.{}", segments[i].name);
    let v = t.req("output_tokens")?;
    Err(t.src.err(
        &v.span(),
        &t.child("output_tokens"),
        format!(
            "segment `{}` counts its work in output tokens, but plan `{}` (kind = \"outcome\") \
             bills per successful task: with an outcome plan every segment needs `tasks` and \
             `output_per_task` (and `success_rate`) in place of `output_tokens`",
            segments[i].name, plan.name
        ),
    ))
}

/// `value` or `value_per_retail` (at most one; menu mode needs one, checked with the market).
pub(super) fn value(
    draws: &mut Draws,
    t: &Tbl<'_, '_>,
) -> Result<Option<SegmentValue>, ConfigError> {
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
