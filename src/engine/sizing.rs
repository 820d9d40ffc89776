//! What a run will need, from its size alone: the estimate of memory and time, the limits, and
//! how many trials the engine keeps in flight. Checked before anything is allocated.

use super::{BLOCK_USERS, USERS_IN_FLIGHT};
use crate::model::{MAX_MONTHS, MAX_USERS, Scenario};
use crate::results::{GroupTotals, MonthTotals, PlanTrial, Totals};

/// Bound on the per-block sums of trials in flight at once, bytes (a block's sums grow with
/// plans x months, so many tiny trials would otherwise hold gigabytes of them).
pub const BLOCK_SUMS_IN_FLIGHT: u64 = 256_000_000;

/// Most user-plan-months in one run (about a day of compute on one core).
pub const MAX_WORK: f64 = 1e13;
/// Most estimated memory for one run, bytes.
pub const MAX_MEMORY: f64 = 16e9;
/// User-plan-months per second per thread assumed for time estimates (measured: about 118
/// million on one core of a 2-core VM on the shipped coding-agent scenario).
const RATE_PER_THREAD: f64 = 1e8;

/// What a run is expected to need, estimated from its size alone before anything is allocated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Footprint {
    /// User-plan-months to simulate.
    pub work: f64,
    /// Peak memory, bytes: per-user buffers of the trials in flight, per-block sums, per-trial
    /// results kept for the percentiles, and their sorted copies.
    pub bytes: f64,
    /// Wall time on `threads` threads, seconds.
    pub seconds: f64,
}

impl Footprint {
    /// The estimate for `scn` on `threads` threads.
    pub fn of(scn: &Scenario, threads: usize) -> Footprint {
        let sim = &scn.simulation;
        let (trials, users) = (sim.trials as f64, sim.users as f64);
        let months = f64::from(sim.months);
        let plans = scn.plans.len() as f64;
        let segs = scn.segments.len() as f64;
        let in_flight = trials_in_flight(scn) as f64;
        let blocks = in_flight * (users / BLOCK_USERS as f64).ceil();
        let per_user = 8.0 + 1.0 + 16.0;
        let per_block = block_bytes(plans, months, segs);
        let per_trial = 64.0
            + 8.0 * scn.slots.len() as f64
            + plans * (size_of::<PlanTrial>() as f64 + 8.0 * months)
            // sorted copies of per-trial values for the percentiles, a few at a time
            + plans * 8.0 * 4.0;
        let work = trials * users * months * plans;
        Footprint {
            work,
            bytes: in_flight * users * per_user + blocks * per_block + trials * per_trial,
            seconds: work / (RATE_PER_THREAD * threads.max(1) as f64),
        }
    }
}

/// Bytes of one block's sums.
fn block_bytes(plans: f64, months: f64, segs: f64) -> f64 {
    plans
        * (size_of::<Totals>() as f64
            + months * size_of::<MonthTotals>() as f64
            + (segs + 10.0) * size_of::<GroupTotals>() as f64)
}

/// How many trials run at once: bounded by [`USERS_IN_FLIGHT`] and [`BLOCK_SUMS_IN_FLIGHT`],
/// at least one. Results do not depend on it.
pub(super) fn trials_in_flight(scn: &Scenario) -> u64 {
    let sim = &scn.simulation;
    let blocks = sim.users.div_ceil(BLOCK_USERS as u64).max(1);
    let per_trial = blocks as f64
        * block_bytes(
            scn.plans.len() as f64,
            f64::from(sim.months),
            scn.segments.len() as f64,
        );
    let by_users = USERS_IN_FLIGHT / sim.users.max(1);
    let by_sums = (BLOCK_SUMS_IN_FLIGHT as f64 / per_trial.max(1.0)) as u64;
    by_users.min(by_sums).clamp(1, sim.trials.max(1))
}

/// Bytes as "12.3 GB" / "45 MB".
fn fmt_bytes(b: f64) -> String {
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.0} MB", (b / 1e6).max(1.0))
    }
}

/// Seconds as "3 s", "4.2 hours" or "12 days".
fn fmt_seconds(s: f64) -> String {
    if s < 120.0 {
        format!("{:.0} s", s.max(1.0))
    } else if s < 2.0 * 3600.0 {
        format!("{:.0} minutes", s / 60.0)
    } else if s < 3.0 * 86400.0 {
        format!("{:.1} hours", s / 3600.0)
    } else {
        format!("{:.0} days", s / 86400.0)
    }
}

/// Which size limit a run is over.
#[derive(Clone, Debug, PartialEq)]
pub enum SizeLimit {
    /// More months than [`MAX_MONTHS`].
    Months(u32),
    /// More users per trial than [`MAX_USERS`].
    Users(u64),
    /// More user-plan-months than [`MAX_WORK`].
    Work(f64),
    /// More estimated memory than [`MAX_MEMORY`].
    Memory,
}

/// A run over a size limit, with what it was estimated to need.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}: {trials} trials x {users} users x {months} months x {plans} plans is estimated at {} of memory and {} on {threads} thread{}", self.why(), fmt_bytes(self.estimate.bytes), fmt_seconds(self.estimate.seconds), if *threads == 1 { "" } else { "s" })]
pub struct SizeProblem {
    /// The limit.
    pub limit: SizeLimit,
    /// The estimate.
    pub estimate: Footprint,
    /// Trials.
    pub trials: u64,
    /// Users per trial.
    pub users: u64,
    /// Months.
    pub months: u32,
    /// Plans.
    pub plans: usize,
    /// Threads the estimate is for.
    pub threads: usize,
}

impl SizeProblem {
    fn why(&self) -> String {
        match self.limit {
            SizeLimit::Months(m) => format!("months = {m} is too large (at most {MAX_MONTHS})"),
            SizeLimit::Users(u) => format!(
                "users = {u} is too large (at most {MAX_USERS} per trial; use more trials instead)"
            ),
            SizeLimit::Work(w) => {
                format!("{w:.2e} user-plan-months is too large (at most {MAX_WORK:.0e})")
            }
            SizeLimit::Memory => format!(
                "the run is too large for memory (at most {} estimated)",
                fmt_bytes(MAX_MEMORY)
            ),
        }
    }
}

/// Why `scn` cannot run on `threads` threads, if it cannot: checked before anything is
/// allocated, with the estimated memory and time in the message.
pub fn size_problem(scn: &Scenario, threads: usize) -> Option<SizeProblem> {
    let sim = &scn.simulation;
    let f = Footprint::of(scn, threads);
    let limit = if sim.months > MAX_MONTHS {
        SizeLimit::Months(sim.months)
    } else if sim.users > MAX_USERS {
        SizeLimit::Users(sim.users)
    } else if f.work > MAX_WORK {
        SizeLimit::Work(f.work)
    } else if f.bytes > MAX_MEMORY {
        SizeLimit::Memory
    } else {
        return None;
    };
    Some(SizeProblem {
        limit,
        estimate: f,
        trials: sim.trials,
        users: sim.users,
        months: sim.months,
        plans: scn.plans.len(),
        threads,
    })
}
