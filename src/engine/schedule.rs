//! Scheduling: trials in chunks, users in blocks on rayon, the stop flag, and the ordered
//! merge of per-block sums into per-trial results.
//!
//! A chunk holds the trials in flight (bounded for memory by [`super::sizing`]). For each chunk,
//! phase 0 draws every user's base demand and ranks the deciles; phase 1 lives and bills the
//! users block by block ([`BLOCK_USERS`] users, the fixed unit of parallel work); then the
//! blocks are summed in block order within a trial and the trials pushed in trial order, so
//! the results are byte-identical for any thread count.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::assign::Assign;
use super::ranking::rank_deciles;
use super::sizing::trials_in_flight;
use super::streams::{TRIAL_UNIT, stream};
use super::{BLOCK_USERS, EngineError, RunOptions};
use crate::model::accounting::UserOutcome;
use crate::model::user::{UserLife, base_demand, live};
use crate::model::{Scenario, Trial};
use crate::results::{
    DECILES, GroupTotals, MonthTotals, PlanTrial, RunResults, SegmentProfit, Totals, TrialGroups,
    TrialResult,
};

/// The scenario with trial `t`'s draws applied (the trial-level stream).
pub(super) fn trial(scn: &Scenario, t: u64) -> Result<Trial, EngineError> {
    let at = |source| EngineError::Draw { trial: t, source };
    let mut rng = stream(scn.simulation.seed, t, TRIAL_UNIT, 0);
    let draws = scn.draw_slots(&mut rng).map_err(at)?;
    Trial::resolve(scn, draws).map_err(at)
}

/// Per-block accumulators.
struct BlockAcc {
    totals: Vec<Totals>,
    /// `[plan * months + month]`.
    months: Vec<MonthTotals>,
    /// `[plan * segments + segment]`.
    segments: Vec<GroupTotals>,
    /// `[plan * 10 + decile]`.
    deciles: Vec<GroupTotals>,
}

impl BlockAcc {
    fn new(plans: usize, months: usize, segments: usize) -> Self {
        BlockAcc {
            totals: vec![Totals::default(); plans],
            months: vec![MonthTotals::default(); plans * months],
            segments: vec![GroupTotals::default(); plans * segments],
            deciles: vec![GroupTotals::default(); plans * DECILES],
        }
    }
    fn add(&mut self, o: &BlockAcc) {
        for (a, b) in self.totals.iter_mut().zip(&o.totals) {
            a.add(b);
        }
        for (a, b) in self.months.iter_mut().zip(&o.months) {
            a.add(b);
        }
        for (a, b) in self.segments.iter_mut().zip(&o.segments) {
            a.add(b);
        }
        for (a, b) in self.deciles.iter_mut().zip(&o.deciles) {
            a.add(b);
        }
    }
}

/// Per-user state of one trial in flight.
struct TrialBuf {
    /// Base demand D of each user.
    demand: Vec<f64>,
    /// Demand decile (0..10) of each user.
    decile: Vec<u8>,
    /// Scratch for ranking.
    keys: Vec<u128>,
}

impl TrialBuf {
    fn new(users: usize) -> Self {
        TrialBuf {
            demand: vec![0.0; users],
            decile: vec![0; users],
            keys: Vec::with_capacity(users),
        }
    }
}

/// Runs trials `range` of `scn` with the assignment `assign`; `Ok(None)` once `stop` is set.
pub(super) fn run_range<A: Assign>(
    scn: &Scenario,
    range: Range<u64>,
    assign: &A,
    opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Result<Option<RunResults>, EngineError> {
    let stopped = || stop.load(Ordering::Relaxed);
    let sim = &scn.simulation;
    let (n_plans, n_months, n_segs) = (scn.plans.len(), sim.months as usize, scn.segments.len());
    let ends = scn.segment_ends();
    let users = sim.users as usize;
    let chunk = trials_in_flight(scn) as usize;
    let mut results = RunResults::new(super::provenance(), n_plans, n_segs, n_months);
    results
        .trials
        .reserve((range.end - range.start).min(1 << 20) as usize);
    // Per-user buffers of the trials in flight, allocated once and reused for every chunk.
    let mut bufs: Vec<TrialBuf> = (0..chunk).map(|_| TrialBuf::new(users)).collect();
    let mut first = range.start;
    while first < range.end {
        let last = (first + chunk as u64).min(range.end);
        let in_flight = (last - first) as usize;
        let trials = (first..last)
            .into_par_iter()
            .map(|t| trial(scn, t))
            .collect::<Result<Vec<_>, EngineError>>()?;
        // Phase 0: base demand of every user, then demand deciles.
        bufs[..in_flight]
            .par_iter_mut()
            .zip(trials.par_iter())
            .enumerate()
            .for_each(|(ti, (buf, st))| {
                let t = first + ti as u64;
                buf.demand
                    .par_chunks_mut(BLOCK_USERS)
                    .enumerate()
                    .for_each(|(b, out)| {
                        if stopped() {
                            return;
                        }
                        let base = (b * BLOCK_USERS) as u64;
                        let mut seg = ends.partition_point(|&e| e <= base);
                        for (i, x) in out.iter_mut().enumerate() {
                            let u = base + i as u64;
                            while ends[seg] <= u {
                                seg += 1;
                            }
                            *x = base_demand(st, seg, &mut stream(sim.seed, t, u, 0));
                        }
                    });
                if !stopped() {
                    rank_deciles(&buf.demand, &mut buf.keys, &mut buf.decile, &stopped);
                }
            });
        if stopped() {
            return Ok(None);
        }
        // Phase 1: lives and bills, block by block.
        let n_blocks = users.div_ceil(BLOCK_USERS);
        let blocks: Vec<BlockAcc> = (0..in_flight * n_blocks)
            .into_par_iter()
            .map(|job| {
                let (ti, b) = (job / n_blocks, job % n_blocks);
                let t = first + ti as u64;
                let lo = b * BLOCK_USERS;
                let hi = (lo + BLOCK_USERS).min(users);
                let mut acc = BlockAcc::new(n_plans, n_months, n_segs);
                let key = (sim.seed, t);
                let done = simulate_block(
                    key,
                    &trials[ti],
                    assign,
                    lo..hi,
                    &ends,
                    &bufs[ti],
                    &mut acc,
                    stop,
                );
                progress(done);
                acc
            })
            .collect();
        if stopped() {
            return Ok(None);
        }
        // Merge in block order within a trial, then in trial order.
        for (ti, (st, trial_blocks)) in trials.into_iter().zip(blocks.chunks(n_blocks)).enumerate()
        {
            let mut acc = BlockAcc::new(n_plans, n_months, n_segs);
            for b in trial_blocks {
                acc.add(b);
            }
            for mt in &mut acc.months {
                mt.overhead = st.per_user_month * mt.active_users as f64;
                mt.profit = mt.revenue - mt.cost - mt.fees - mt.overhead;
            }
            let per_plan = |v: &[GroupTotals], n: usize| -> Vec<Vec<GroupTotals>> {
                v.chunks(n).map(<[GroupTotals]>::to_vec).collect()
            };
            let groups = TrialGroups {
                segments: per_plan(&acc.segments, n_segs),
                deciles: per_plan(&acc.deciles, DECILES),
                months: acc
                    .months
                    .chunks(n_months)
                    .map(<[MonthTotals]>::to_vec)
                    .collect(),
                choices: Vec::new(),
                population: Vec::new(),
            };
            let trial = TrialResult {
                trial: first + ti as u64,
                draws: st.draws,
                plans: (0..n_plans)
                    .map(|p| PlanTrial {
                        totals: acc.totals[p],
                        month_profit: groups.months[p].iter().map(|m| m.profit).collect(),
                        segments: groups.segments[p]
                            .iter()
                            .map(|g| SegmentProfit {
                                users: g.users,
                                profit: g.profit,
                            })
                            .collect(),
                    })
                    .collect(),
                groups: None,
            };
            results.push(trial, groups, opts.keep_trial_groups);
        }
        first = last;
    }
    Ok(Some(results))
}

/// Simulates users `users` of the trial keyed `(seed, trial)`; returns how many it simulated
/// before `stop` was set.
#[allow(clippy::too_many_arguments)]
fn simulate_block<A: Assign>(
    (seed, trial): (u64, u64),
    st: &Trial,
    assign: &A,
    users: Range<usize>,
    ends: &[u64],
    buf: &TrialBuf,
    acc: &mut BlockAcc,
    stop: &AtomicBool,
) -> u64 {
    let n_plans = st.plans();
    let n_segs = st.segments.len();
    let mut life = UserLife::with_capacity(st.months());
    let mut outcomes: Vec<Option<UserOutcome>> = vec![None; n_plans];
    let mut seg = ends.partition_point(|&e| e <= users.start as u64);
    let mut done = 0;
    for u in users {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        done += 1;
        while ends[seg] <= u as u64 {
            seg += 1;
        }
        let mut rng = stream(seed, trial, u as u64, 1);
        live(st, seg, buf.demand[u], &mut rng, &mut life);
        assign.bill(st, &life, &mut outcomes, &mut acc.months);
        let decile = buf.decile[u] as usize;
        for (p, o) in outcomes.iter().enumerate() {
            let Some(o) = o else { continue };
            acc.totals[p].add(&o.totals);
            let g = GroupTotals::of_user(&o.totals);
            acc.segments[p * n_segs + seg].add(&g);
            acc.deciles[p * DECILES + decile].add(&g);
        }
    }
    done
}
