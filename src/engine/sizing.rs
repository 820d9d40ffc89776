//! What a run will need, from its size alone: the estimate of memory and time, the limits, and
//! how many trials the engine keeps in flight. Checked before anything is allocated.
//!
//! The memory estimate adds up what the run holds at its peak, from the sizes of the types the
//! engine allocates and the heap chunks glibc's malloc gives them: the scenario itself, the
//! state of the trials in flight (per-user buffers, per-trial setups with a sampler set per
//! segment, per-block sums), the sums of the trial being merged, the run-level sums, and what is
//! kept per trial for the outputs (each plan's totals, monthly profit and per-segment users and
//! profit). Reading the scenario file needs more for a moment (about 35 times the file's size,
//! before the run starts); that is not counted.

use super::{BLOCK_USERS, USERS_IN_FLIGHT};
use crate::dist::{DistSpec, Sampler, Shape};
use crate::model::trial::SegmentTrial;
use crate::model::{
    MAX_MONTHS, MAX_USERS, PerUser, PlanSpec, Rule, Scenario, Segment, Slot, Trial,
};
use crate::results::{GroupTotals, MonthTotals, PlanTrial, SegmentProfit, Totals, TrialResult};

/// Bound on the state of the trials in flight at once besides their per-user buffers (per-block
/// sums and per-trial setups), bytes: both grow with segments (and the sums with plans x
/// months), so many tiny trials would otherwise hold gigabytes of them.
pub const TRIAL_STATE_IN_FLIGHT: u64 = 256_000_000;

/// Most user-plan-months in one run (about a day of compute on one core).
pub const MAX_WORK: f64 = 1e13;
/// Most estimated memory for one run, bytes.
pub const MAX_MEMORY: f64 = 16e9;
/// User-plan-months per second per thread assumed for time estimates (measured: about 118
/// million on one core of a 2-core VM on the shipped coding-agent scenario).
const RATE_PER_THREAD: f64 = 1e8;
/// Bytes kept per user in flight: base demand, decile and ranking key.
const PER_USER: f64 = 8.0 + 1.0 + 16.0;

/// What a run is expected to need, estimated from its size alone before anything is allocated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Footprint {
    /// User-plan-months to simulate.
    pub work: f64,
    /// Peak memory, bytes: the scenario, the state of the trials in flight, the sums being
    /// merged, the run-level sums, the per-trial results kept for the outputs and their sorted
    /// copies (not counted: per-trial group sums kept for a merge, and reading the file).
    pub bytes: f64,
    /// Wall time on `threads` threads, seconds.
    pub seconds: f64,
}

impl Footprint {
    /// The estimate for `scn` on `threads` threads.
    pub fn of(scn: &Scenario, threads: usize) -> Footprint {
        Footprint::of_trials(scn, threads, scn.simulation.trials)
    }

    /// The estimate for `trials` of `scn`'s trials (a shard's range) on `threads` threads.
    pub fn of_trials(scn: &Scenario, threads: usize, trials: u64) -> Footprint {
        let sim = &scn.simulation;
        let (trials, users) = (trials as f64, scn.max_population() as f64);
        let months = f64::from(sim.months);
        let plans = scn.plans.len() as f64;
        let segs = scn.segments.len() as f64;
        let block = block_bytes(plans, months, segs);
        let in_flight_state = in_flight_bytes(scn, threads);
        // The trial being merged: its summed blocks and its per-plan copy of the group sums.
        let merging = 2.0 * block;
        let run_sums = plans
            * ((segs + 10.0) * size_of::<GroupTotals>() as f64
                + months * size_of::<MonthTotals>() as f64);
        let per_trial = size_of::<TrialResult>() as f64
            + chunk(8.0 * scn.slots.len() as f64)
            + chunk(plans * size_of::<PlanTrial>() as f64)
            + plans
                * (chunk(8.0 * months) + chunk(segs * size_of::<SegmentProfit>() as f64))
            // sorted copies of per-trial values for the percentiles, a few at a time
            + 8.0 * 4.0;
        let work = trials * users * months * plans;
        Footprint {
            work,
            bytes: scenario_bytes(scn) + in_flight_state + merging + run_sums + trials * per_trial,
            seconds: work / (RATE_PER_THREAD * threads.max(1) as f64),
        }
    }
}

/// Bytes of the state of `scn`'s trials in flight on `threads` threads: their per-user
/// buffers, setups and block sums, and what teams add.
pub(super) fn in_flight_bytes(scn: &Scenario, threads: usize) -> f64 {
    let in_flight = trials_in_flight(scn) as f64;
    let users = scn.max_population() as f64;
    in_flight * (users * PER_USER + trial_state_bytes(scn))
        + team_bytes(scn, threads, in_flight * users)
}

/// [`in_flight_bytes`] for `points` sharing their users ([`super::shared`]): the per-user
/// buffers once, each point's setup and block sums, for [`trials_in_flight_shared`] trials.
pub(super) fn in_flight_bytes_shared(points: &[&Scenario], threads: usize) -> f64 {
    let Some(lead) = points.first() else {
        return 0.0;
    };
    let in_flight = trials_in_flight_shared(points) as f64;
    let users = lead.max_population() as f64;
    let state: f64 = points.iter().map(|s| trial_state_bytes(s)).sum();
    in_flight * (users * PER_USER + state) + team_bytes(lead, threads, in_flight * users)
}

/// Bytes of a heap allocation of `n` bytes: glibc malloc's chunk (8 bytes of header, 16-byte
/// aligned, at least 32); nothing for an empty one.
fn chunk(n: f64) -> f64 {
    if n <= 0.0 {
        0.0
    } else {
        (((n + 8.0) / 16.0).ceil() * 16.0).max(32.0)
    }
}

/// Heap bytes of a distribution's mixture components, as configured.
fn spec_heap(d: &DistSpec) -> f64 {
    match &d.shape {
        Shape::Mixture { components } => {
            chunk((components.len() * size_of::<(crate::dist::Param, DistSpec)>()) as f64)
                + components.iter().map(|(_, c)| spec_heap(c)).sum::<f64>()
        }
        _ => 0.0,
    }
}

/// Heap bytes of a distribution's sampler in a trial (a mixture's weights and parts).
fn sampler_heap(d: &DistSpec) -> f64 {
    match &d.shape {
        Shape::Mixture { components } => {
            let n = components.len() as f64;
            chunk(8.0 * n)
                + chunk(n * size_of::<Sampler>() as f64)
                + components.iter().map(|(_, c)| sampler_heap(c)).sum::<f64>()
        }
        _ => 0.0,
    }
}

/// The per-user fields of a segment that are distributions.
fn segment_dists(s: &Segment) -> impl Iterator<Item = &DistSpec> {
    s.work
        .fields()
        .into_iter()
        .map(|(_, p)| p)
        .chain([
            &s.input_per_output,
            &s.cache_read_share,
            &s.cache_write_share,
        ])
        .filter_map(|p| match p {
            PerUser::Dist(d) => Some(d),
            PerUser::Fixed(_) => None,
        })
}

/// Bytes of the scenario itself (and the segment boundaries the engine derives from it).
fn scenario_bytes(scn: &Scenario) -> f64 {
    let segments: f64 = scn
        .segments
        .iter()
        .map(|s| {
            size_of::<Segment>() as f64
                + chunk(s.name.len() as f64)
                + segment_dists(s).map(spec_heap).sum::<f64>()
                // segment sizes and cumulative ends
                + 16.0
        })
        .sum();
    let plans: f64 = scn
        .plans
        .iter()
        .map(|p| size_of::<PlanSpec>() as f64 + chunk(p.name.len() as f64))
        .sum();
    let slots: f64 = scn
        .slots
        .iter()
        .map(|s| size_of::<Slot>() as f64 + chunk(s.path.len() as f64) + spec_heap(&s.dist))
        .sum();
    size_of::<Scenario>() as f64 + segments + plans + slots
}

/// Bytes of one trial's setup ([`Trial`]): its draws, cost decline, rules, and per segment a
/// set of samplers and a growth factor per month.
fn setup_bytes(scn: &Scenario) -> f64 {
    let months = f64::from(scn.simulation.months);
    let plans = scn.plans.len() as f64;
    let segments: f64 = scn
        .segments
        .iter()
        .map(|s| {
            size_of::<SegmentTrial>() as f64
                + chunk(8.0 * months)
                + segment_dists(s).map(sampler_heap).sum::<f64>()
        })
        .sum();
    size_of::<Trial>() as f64
        + chunk(8.0 * scn.slots.len() as f64)
        + chunk(8.0 * months)
        + chunk(plans * size_of::<Rule>() as f64)
        + chunk(8.0 * plans)
        + segments
}

/// Bytes the teams add ([`super::teams`]), none without them: the first user of every account
/// of the `users` in flight (counted as if every user opened one), and on each of `threads`
/// threads the lives and per-row totals of the largest account (its seats' demand, noise and
/// churn uniforms per month, and on a task segment its tasks and successes; in menu mode also
/// its per-plan totals, value, month's tokens and accounts held, [`crate::model::team_menu`]).
fn team_bytes(scn: &Scenario, threads: usize, users: f64) -> f64 {
    let mut supports = Vec::with_capacity(scn.slots.len());
    for slot in &scn.slots {
        let s = slot.dist.support(&supports);
        supports.push(s);
    }
    let months = f64::from(scn.simulation.months);
    let plans = scn.plans.len() as f64;
    let largest = scn
        .segments
        .iter()
        .filter_map(|s| {
            let seats = match s.team_size.as_ref()? {
                PerUser::Fixed(x) => *x,
                PerUser::Dist(d) => d.support(&supports).hi,
            };
            let vectors = if s.work.is_tasks() { 5.0 } else { 3.0 };
            let per_seat = size_of::<crate::model::user::UserLife>() as f64
                + vectors * chunk(8.0 * months)
                + 2.0 * chunk(plans * size_of::<Totals>() as f64)
                + if scn.is_menu() {
                    // [seat][plan] totals; value, tokens, last bill, commitment term,
                    // first-seat uniforms; the typical months and accounts of up to four
                    // account states at once.
                    chunk(plans * size_of::<Totals>() as f64)
                        + 24.0
                        + size_of::<Option<crate::model::commitment::Term>>() as f64
                        + 8.0 * months
                        + 4.0 * (8.0 + size_of::<crate::model::Account>() as f64)
                } else {
                    0.0
                };
            Some(seats.round().min(crate::dist::MAX_TEAM_SIZE) * per_seat)
        })
        .fold(None, |a: Option<f64>, b| Some(a.map_or(b, |a| a.max(b))));
    match largest {
        None => 0.0,
        Some(account) => 8.0 * users + threads.max(1) as f64 * account,
    }
}

/// Bytes of one block's sums.
fn block_bytes(plans: f64, months: f64, segs: f64) -> f64 {
    plans
        * (size_of::<Totals>() as f64
            + months * size_of::<MonthTotals>() as f64
            + (segs + 10.0) * size_of::<GroupTotals>() as f64)
}

/// Bytes of one trial in flight besides its per-user buffers: its setup and its blocks' sums.
fn trial_state_bytes(scn: &Scenario) -> f64 {
    let sim = &scn.simulation;
    let blocks = scn.max_population().div_ceil(BLOCK_USERS as u64).max(1) as f64;
    let block = block_bytes(
        scn.plans.len() as f64,
        f64::from(sim.months),
        scn.segments.len() as f64,
    );
    blocks * block + setup_bytes(scn)
}

/// How many trials run at once: bounded by [`USERS_IN_FLIGHT`] and [`TRIAL_STATE_IN_FLIGHT`],
/// at least one. Results do not depend on it.
pub(super) fn trials_in_flight(scn: &Scenario) -> u64 {
    let sim = &scn.simulation;
    let by_users = USERS_IN_FLIGHT / scn.max_population().max(1);
    let by_state = (TRIAL_STATE_IN_FLIGHT as f64 / trial_state_bytes(scn).max(1.0)) as u64;
    by_users.min(by_state).clamp(1, sim.trials.max(1))
}

/// [`trials_in_flight`] for `points` sharing their users (the same population): the per-user
/// buffers are the first point's, the trial state every point's.
pub(super) fn trials_in_flight_shared(points: &[&Scenario]) -> u64 {
    let Some(lead) = points.first() else {
        return 1;
    };
    let by_users = USERS_IN_FLIGHT / lead.max_population().max(1);
    let state: f64 = points.iter().map(|s| trial_state_bytes(s)).sum();
    let by_state = (TRIAL_STATE_IN_FLIGHT as f64 / state.max(1.0)) as u64;
    by_users
        .min(by_state)
        .clamp(1, lead.simulation.trials.max(1))
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
    size_problem_trials(scn, threads, scn.simulation.trials)
}

/// [`size_problem`] for `trials` of `scn`'s trials (a shard's range): the limits apply to
/// what one process runs and holds.
pub fn size_problem_trials(scn: &Scenario, threads: usize, trials: u64) -> Option<SizeProblem> {
    let sim = &scn.simulation;
    let f = Footprint::of_trials(scn, threads, trials);
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
        trials,
        users: sim.users,
        months: sim.months,
        plans: scn.plans.len(),
        threads,
    })
}
