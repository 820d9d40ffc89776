//! The Monte Carlo engine: seeded work units, rayon, and an ordered merge of per-trial results.
//!
//! A trial is one population. Its users are split into blocks of [`BLOCK_USERS`] (a constant,
//! never derived from the thread count); a block is the unit of parallel work. Every random
//! number comes from a stream keyed by `(seed, trial, unit, phase)` ([`streams`]), where the
//! unit is a user (phase: the purpose of the draws) or the trial itself (phase: the hash of a
//! trial-level input's path), so results do not depend on how
//! work is scheduled, and a user's draws do not depend on any other user's. Sums are formed in
//! user order within a block, in block order within a trial and in trial order across trials:
//! the outputs are byte-identical for any thread count, and a range of trials gives the same
//! results as the same trials of a full run ([`run_trials`]).
//!
//! The jobs are one file each: [`streams`] (RNG keying), [`schedule`] (chunks, rayon, the stop
//! flag, the ordered merge), [`ranking`] (demand deciles), [`assign`] (who is billed on which
//! plan) and [`sizing`] (limits and estimates); the points of a sweep run through `points`,
//! which lets points with the same users share them (`shared`, decided by `keys`). What a user does and what a plan bills are model
//! meaning: [`crate::model::user`] and [`crate::model::accounting`].
//!
//! Only D and the decile (9 bytes) are kept per user (the ranking keeps a 16-byte key only for
//! the few users near a decile boundary), in buffers reused from chunk to chunk of at most [`USERS_IN_FLIGHT`] users, so memory does not grow with the number
//! of trials or threads beyond the per-trial totals (a few hundred bytes per plan and trial).

pub mod assign;
mod draws;
mod keys;
mod panel;
mod points;
pub mod ranking;
mod schedule;
mod shared;
mod sizing;
pub mod streams;
mod sums;
mod teams;

use std::ops::Range;
use std::sync::atomic::AtomicBool;

#[cfg(test)]
pub use draws::trial_draws;
pub use draws::trials_draws;
#[cfg(test)]
pub(crate) use panel::PanelError;
pub(crate) use panel::simulate_panel;
#[cfg(test)]
pub(crate) use points::share_groups;
pub use points::{run_points, size_problem_points, size_problem_points_trials};
pub use sizing::{Footprint, SizeLimit, SizeProblem, size_problem, size_problem_trials};
pub use streams::{RNG_NAME, UserStreams, stream};

use crate::model::{DrawError, Scenario};
use crate::results::{Provenance, RunResults};

/// Users per block: the unit of parallel work (results do not depend on it).
pub const BLOCK_USERS: usize = 4096;
/// Bound on users of trials in flight at once, for memory (9 bytes each: base demand and
/// decile; `sizing` still counts 16 more for a ranking key), whatever the number of threads
/// or trials.
pub const USERS_IN_FLIGHT: u64 = 4_000_000;

/// Why the engine could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// The run is over the size limits (the message gives the estimate).
    #[error(transparent)]
    TooLarge(#[from] SizeProblem),
    /// A per-trial draw made a distribution invalid (validation prevents it; kept as a guard).
    #[error("trial {trial}: {source}")]
    Draw {
        /// The trial.
        trial: u64,
        /// The field and why.
        source: DrawError,
    },
    /// A trial range outside the scenario's trials.
    #[error("trials {start}..{end} are not within the scenario's {trials} trials")]
    TrialRange {
        /// First trial asked for.
        start: u64,
        /// One past the last.
        end: u64,
        /// Trials in the scenario.
        trials: u64,
    },
}

/// What results record about the engine that produced them.
pub fn provenance() -> Provenance {
    Provenance {
        rng: RNG_NAME.to_string(),
        block_users: BLOCK_USERS as u64,
    }
}

/// How a run keeps its results.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Keep each trial's own segment, decile and month sums in the results (memory grows with
    /// trials), so results of trial ranges can be merged exactly ([`crate::results::merge`]).
    pub keep_trial_groups: bool,
}

/// Runs every trial of the scenario. `progress` is called with the number of users just
/// finished (from any thread); the total is trials x users.
///
/// # Errors
/// [`EngineError`] when the run is over the size limits or a per-trial draw is out of range.
pub fn run(scn: &Scenario, progress: &(dyn Fn(u64) + Sync)) -> Result<RunResults, EngineError> {
    run_until(scn, progress, &AtomicBool::new(false))
        .map(|r| r.expect("a run without a stop request always finishes"))
}

/// [`run`], stopping early once `stop` is set: every worker checks it before each user, so at
/// most one user per thread is simulated after the request. Returns `Ok(None)` when stopped.
///
/// # Errors
/// As [`run`].
pub fn run_until(
    scn: &Scenario,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Result<Option<RunResults>, EngineError> {
    run_trials(
        scn,
        0..scn.simulation.trials,
        &RunOptions::default(),
        progress,
        stop,
    )
}

/// Runs trials `range` of the scenario (a shard): each trial's results are identical to the
/// same trial of a full run, and results of disjoint ranges run with
/// [`RunOptions::keep_trial_groups`] merge exactly into those of the whole range.
///
/// # Errors
/// As [`run`], and [`EngineError::TrialRange`] for a range outside `0..trials`; the size
/// limits apply to the range's trials (a shard is checked for what it runs and holds).
pub fn run_trials(
    scn: &Scenario,
    range: Range<u64>,
    opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Result<Option<RunResults>, EngineError> {
    check_range(scn, &range)?;
    let trials = range.end.saturating_sub(range.start);
    if let Some(problem) = size_problem_trials(scn, rayon::current_num_threads(), trials) {
        return Err(EngineError::TooLarge(problem));
    }
    if stop.load(std::sync::atomic::Ordering::Relaxed) {
        return Ok(None);
    }
    if scn.is_menu() {
        schedule::run_range(scn, range, &assign::Menu, opts, progress, stop)
    } else {
        schedule::run_range(scn, range, &assign::EveryPlan, opts, progress, stop)
    }
}

/// [`EngineError::TrialRange`] unless `range` lies within the scenario's trials.
fn check_range(scn: &Scenario, range: &Range<u64>) -> Result<(), EngineError> {
    let trials = scn.simulation.trials;
    if range.start > range.end || range.end > trials {
        return Err(EngineError::TrialRange {
            start: range.start,
            end: range.end,
            trials,
        });
    }
    Ok(())
}

/// The scenario with trial `t`'s draws applied, from the same trial-level stream as a run, for
/// diagnostics that evaluate the model at one trial's values (`plansim check`).
///
/// # Errors
/// [`EngineError::Draw`] when a per-trial draw is out of range (validation prevents it).
pub(crate) fn trial(scn: &Scenario, t: u64) -> Result<crate::model::Trial, EngineError> {
    draws::trial(scn, t)
}

/// Simulates a single user of a scenario (trial `trial`'s draws, segment `seg`, base demand
/// `d`, user index `user`) and returns the outcome on every plan. On a task segment `d` is not
/// used: the user's tasks and tokens per task come from their streams, as in a run. For
/// tests and diagnostics: the engine uses the same code path.
///
/// # Errors
/// As [`run`].
#[cfg(test)]
pub fn simulate_user(
    scn: &Scenario,
    trial: u64,
    seg: usize,
    user: u64,
    d: f64,
) -> Result<Vec<crate::model::accounting::UserOutcome>, EngineError> {
    use crate::model::user::{Size, UserLife, draw_size, draw_successes, live};
    use crate::results::MonthTotals;
    let st = draws::trial(scn, trial)?;
    let mut life = UserLife::with_capacity(st.months());
    let mut months = vec![MonthTotals::default(); st.plans() * st.months()];
    let seed = scn.simulation.seed;
    let streams = UserStreams::new(seed, trial, user);
    let size = match st.segments[seg].tasks {
        Some(_) => draw_size(&st, seg, &streams),
        None => Size::tokens(d),
    };
    live(&st, seg, 0, size, &streams, &mut life);
    draw_successes(&st, &streams, &mut life);
    crate::model::commitment::draw_amounts(&st, &streams, &mut life);
    let n_months = st.months();
    Ok((0..st.plans())
        .map(|p| {
            let acc = &mut months[p * n_months..(p + 1) * n_months];
            crate::model::accounting::bill_plan(&st, p, &life, acc)
        })
        .collect())
}
