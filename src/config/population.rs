//! `[population]`: the users of a usage export replayed in place of `[[segment]]` tables
//! (exactly one of the two). The export is read by [`crate::usage::read`] (its errors name the
//! CSV's line and column), relative to the scenario file's folder (stdin: the current folder),
//! and becomes a [`Replay`]; its segments (one `population`, or one per value of the segment
//! column) stand in for the `[[segment]]`s. Without `bootstrap` every user is billed once per
//! trial and `[simulation] users` is ignored (a note says so when it differs); a horizon longer
//! than the export needs `cycle = true`. Arrivals, `per_seat` plans and outcome plans do not
//! apply to the export's users and are refused.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::dist::Draws;
use super::file::STDIN_NAME;
use super::market::word;
use super::reader::{self, Tbl};
use super::{segment, valid_name};
use crate::dist::{Param, PerUser};
use crate::error::ConfigError;
use crate::model::Mix;
use crate::model::plans::PlanKind;
use crate::model::replay::{POPULATION, Replay, ReplayProblem, ReplayUser};
use crate::model::{Market, PlanSpec, Segment, SegmentValue, Simulation, Work};
use crate::usage::{self, Columns, Panel, PeriodKind, ReadOptions};

#[cfg(test)]
thread_local! {
    /// A panel read in place of the export on this thread (unit tests with hand-built panels).
    pub(crate) static TEST_PANEL: std::cell::RefCell<Option<crate::usage::Panel>> =
        const { std::cell::RefCell::new(None) };
}

/// The keys of `[population]`.
const FIELDS: [&str; 16] = [
    "file",
    "user_col",
    "period_col",
    "output_col",
    "input_col",
    "cache_read_col",
    "cache_write_col",
    "cost_col",
    "segment_col",
    "where",
    "period",
    "input_includes_cache",
    "bootstrap",
    "cycle",
    "value",
    "value_per_retail",
];

/// A read `[population]`: the users replayed (with a note for stderr when `[simulation] users`
/// is ignored) and the segments standing in for `[[segment]]`s.
pub(super) struct Population {
    /// The export's users.
    pub(super) replay: Arc<Replay>,
    /// One segment per segment of the export.
    pub(super) segments: Vec<Segment>,
    /// Whether `value` or `value_per_retail` was given.
    pub(super) has_value: bool,
}

/// Reads `[population]` when present (`None` without one), setting `sim.users` to the export's
/// users without bootstrap. `Ok(Some(None))`: a required field is missing (recorded).
pub(super) fn read(
    draws: &mut Draws,
    root: &Tbl<'_, '_>,
    sim: &mut Simulation,
) -> Result<Option<Option<Population>>, ConfigError> {
    let Some(t) = root.table("population")? else {
        return Ok(None);
    };
    if let Some(v) = root.get("segment") {
        return Err(root.src.err(
            &v.span(),
            "segment",
            "give [population] (the users of a usage export, replayed) or [[segment]] tables \
             (users drawn from distributions), not both",
        ));
    }
    t.allow(&FIELDS)?;
    let opts = options(&t)?;
    let bootstrap = t.opt_bool("bootstrap")?.unwrap_or(false);
    let cycle = t.opt_bool("cycle")?.unwrap_or(false);
    let value = segment::value(draws, &t)?;
    let Some(fv) = t.need("file") else {
        return Ok(Some(None));
    };
    let given = reader::as_str(t.src, fv, &t.child("file"))?;
    let path = relative_to_scenario(t.src.file, given);
    t.src.note_data_file(&path);
    let at_file = |msg: String| t.src.err(&fv.span(), &t.child("file"), msg);
    #[cfg(test)]
    let injected = TEST_PANEL.with(|p| p.borrow().clone());
    #[cfg(not(test))]
    let injected: Option<crate::usage::Panel> = None;
    match std::fs::metadata(&path) {
        _ if injected.is_some() => {}
        Ok(m) if m.is_file() => {}
        Ok(_) => return Err(at_file(format!("`{}` is not a file", path.display()))),
        Err(e) => {
            return Err(at_file(format!(
                "cannot read the usage export `{}`: {}",
                path.display(),
                match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file".to_string(),
                    _ => e.to_string(),
                }
            )));
        }
    }
    let panel = match injected {
        Some(p) => p,
        None => usage::read(&path, &opts)?,
    };
    let horizon = sim.months as usize;
    if horizon > panel.months && !cycle {
        let sim_months = root
            .table("simulation")?
            .and_then(|s| s.get("months").map(|v| (v.span(), s.child("months"))));
        let msg = format!(
            "the horizon is {horizon} months but the export `{given}` spans {} month(s): \
             shorten [simulation] months to at most {}, or set `cycle = true` in [population] \
             to repeat the export's months",
            panel.months, panel.months
        );
        return Err(match sim_months {
            Some((span, path)) => t.src.err(&span, &path, msg),
            None => t.err(msg),
        });
    }
    let mut replay =
        replay_of(&panel, horizon, (bootstrap, cycle), &valid_name).map_err(|p| match p {
            ReplayProblem::Empty => at_file(format!(
                "no user of the export `{given}` is active within the horizon ({horizon} \
                 months): there is no one to replay"
            )),
            ReplayProblem::BadLabel(label, user) => t.err_for(
                "segment_col",
                format!(
                    "user `{user}` has the segment label {label:?}, which is not a segment \
                     name: labels start with a letter or digit and use only A-Z a-z 0-9 _ . - \
                     (at most 64 characters)"
                ),
            ),
        })?;
    if !bootstrap {
        let users = replay.users as u64;
        let set = root.table("simulation")?.is_some_and(|s| s.has("users"));
        if set && sim.users != users {
            replay.note = Some(format!(
                "note: [population] replays each of the export's {users} users once a trial; \
                 [simulation] users = {} is ignored (set `bootstrap = true` to draw that many)",
                sim.users
            ));
        }
        sim.users = users;
    }
    let segments = segments(&replay, value.as_ref());
    Ok(Some(Some(Population {
        replay: Arc::new(replay),
        segments,
        has_value: value.is_some(),
    })))
}

/// `file` as given, relative to the folder of the scenario `scenario` (as named in messages;
/// stdin's file is read relative to the current folder).
fn relative_to_scenario(scenario: &str, file: &str) -> PathBuf {
    let file = Path::new(file);
    if file.is_absolute() || scenario == STDIN_NAME {
        return file.to_path_buf();
    }
    match Path::new(scenario).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(file),
        _ => file.to_path_buf(),
    }
}

/// The reading options: columns, `where`, `period`, `input_includes_cache`.
fn options(t: &Tbl<'_, '_>) -> Result<ReadOptions, ConfigError> {
    let col = |key: &str| -> Result<Option<String>, ConfigError> {
        Ok(t.opt_string(key)?.map(str::to_string))
    };
    let mut filters = Vec::new();
    if let Some(w) = t.table("where")? {
        for key in w.keys() {
            let v = w.req(key)?;
            filters.push((
                key.to_string(),
                reader::as_str(t.src, v, &w.child(key))?.to_string(),
            ));
        }
    }
    Ok(ReadOptions {
        columns: Columns {
            user: col("user_col")?,
            period: col("period_col")?,
            output: col("output_col")?,
            input: col("input_col")?,
            cache_read: col("cache_read_col")?,
            cache_write: col("cache_write_col")?,
            cost: col("cost_col")?,
            segment: col("segment_col")?,
        },
        filters,
        period: word(
            t,
            "period",
            &[("day", PeriodKind::Day), ("month", PeriodKind::Month)],
            PeriodKind::Auto,
        )?,
        input_includes_cache: t.opt_bool("input_includes_cache")?.unwrap_or(false),
    })
}

/// The segments standing in for `[[segment]]`s: each segment's share of the users, its users'
/// mean active month (their average) and prompt mix (output-weighted) as fixed values for
/// `plansim check`'s figures, `value` from `[population]`, and no volatility, growth or churn
/// (a replayed life draws none).
fn segments(replay: &Replay, value: Option<&SegmentValue>) -> Vec<Segment> {
    let shares = replay.shares();
    replay
        .segments
        .iter()
        .zip(&replay.by_segment)
        .zip(shares)
        .map(|((name, range), share)| {
            let people = &replay.people[range.clone()];
            let n = people.len() as f64;
            let mean = people.iter().map(|p| p.mean).sum::<f64>() / n;
            let (mut out, mut input, mut read, mut write) = (0.0, 0.0, 0.0, 0.0);
            for p in people {
                let o: f64 = p.output.iter().sum();
                out += o;
                input += p.mix.input * o;
                read += p.mix.cache_read * o;
                write += p.mix.cache_write * o;
            }
            let prompt = input + read + write;
            let of_prompt = |x: f64| if prompt > 0.0 { x / prompt } else { 0.0 };
            let zero = Param::Fixed(0.0);
            Segment {
                name: name.clone(),
                share,
                work: Work::Tokens {
                    output_tokens: PerUser::Fixed(mean),
                },
                input_per_output: PerUser::Fixed(if out > 0.0 { prompt / out } else { 0.0 }),
                cache_read_share: PerUser::Fixed(of_prompt(read)),
                cache_write_share: PerUser::Fixed(of_prompt(write)),
                monthly_volatility: zero,
                monthly_growth: zero,
                monthly_churn: zero,
                value: value.cloned(),
                shock_churn: zero,
                team_size: None,
                seat_churn: None,
            }
        })
        .collect()
}

/// What a population refuses among the plans and market read: arrivals, `per_seat` plans,
/// outcome plans; and in menu mode it needs a value.
pub(super) fn check(
    root: &Tbl<'_, '_>,
    pop: &Population,
    market: &Market,
    plans: &[PlanSpec],
) -> Result<(), ConfigError> {
    let t = root
        .req("population")
        .and_then(|v| Tbl::of(root.src, v, "population"))?;
    if let Some(m) = root.table("market")?
        && let Some(v) = m.get("new_users_per_month")
    {
        return Err(m.src.err(
            &v.span(),
            &m.child("new_users_per_month"),
            "[population] replays the export's users as they arrived: new_users_per_month \
             does not apply (remove it)",
        ));
    }
    let plan_table = |i: usize, name: &str| -> Result<Tbl<'_, '_>, ConfigError> {
        let mut p = root.tables("plan")?.swap_remove(i);
        p.path = format!("plan.{name}");
        Ok(p)
    };
    for (i, p) in plans.iter().enumerate() {
        if p.per_seat {
            let pt = plan_table(i, &p.name)?;
            let v = pt.req("per_seat")?;
            return Err(pt.src.err(
                &v.span(),
                &pt.child("per_seat"),
                format!(
                    "plan `{}` bills per team account (`per_seat`), but [population] replays \
                     single users with no teams: remove `per_seat`",
                    p.name
                ),
            ));
        }
        if matches!(p.kind, PlanKind::Outcome(_)) {
            let pt = plan_table(i, &p.name)?;
            let v = pt.req("kind")?;
            return Err(pt.src.err(
                &v.span(),
                &pt.child("kind"),
                format!(
                    "plan `{}` (kind = \"outcome\") bills successful tasks, but [population] \
                     replays output tokens, not tasks: an outcome plan needs [[segment]] \
                     tables with `tasks`",
                    p.name
                ),
            ));
        }
    }
    if market.mode == crate::model::Mode::Menu && !pop.has_value {
        return Err(t.err_for(
            "value",
            "[population] needs `value` ($ a month the product is worth to a user) or \
             `value_per_retail` in menu mode ([market] mode = \"menu\"): users choose a plan \
             by their surplus",
        ));
    }
    Ok(())
}

/// The population of `panel` for a horizon of `horizon` months (model/replay.rs says what a
/// replayed user is). `valid` says whether a segment label is a usable name.
///
/// # Errors
/// [`ReplayProblem`] when no user is active within the horizon, or a label is not a name.
fn replay_of(
    panel: &Panel,
    horizon: usize,
    modes: (bool, bool),
    valid: &dyn Fn(&str) -> bool,
) -> Result<Replay, ReplayProblem> {
    let by_label = panel.columns.segment.is_some();
    let mut segments: Vec<String> = Vec::new();
    let mut people = Vec::new();
    let mut left_out = 0;
    for u in &panel.users {
        let active: Vec<usize> = (0..u.months.len())
            .filter(|&m| u.months[m].active)
            .collect();
        let (Some(&first), Some(&last)) = (active.first(), active.last()) else {
            left_out += 1;
            continue;
        };
        if first >= horizon {
            left_out += 1;
            continue;
        }
        let name = if by_label {
            let label = u.segment.clone().unwrap_or_default();
            if !valid(&label) {
                return Err(ReplayProblem::BadLabel(label, u.id.clone()));
            }
            label
        } else {
            POPULATION.to_string()
        };
        let segment = match segments.iter().position(|s| *s == name) {
            Some(i) => i,
            None => {
                segments.push(name);
                segments.len() - 1
            }
        };
        let sum = |f: &dyn Fn(&usage::MonthUsage) -> f64| u.months.iter().map(f).sum();
        let output: f64 = sum(&|m| m.output);
        let (input, read, write): (f64, f64, f64) = (
            sum(&|m| m.input),
            sum(&|m| m.cache_read),
            sum(&|m| m.cache_write),
        );
        // Prompt ratio x each kind's share of the prompt: each kind per output token.
        let per = |x: f64| if output > 0.0 { x / output } else { 0.0 };
        people.push(ReplayUser {
            id: u.id.clone(),
            segment,
            output: u.months.iter().map(|m| m.output).collect(),
            mix: Mix {
                input: per(input),
                cache_write: per(write),
                cache_read: per(read),
            },
            mean: output / active.len() as f64,
            first,
            last,
        });
    }
    Replay::new(
        (panel.file.clone(), panel.months),
        modes,
        segments,
        people,
        left_out,
    )
}
