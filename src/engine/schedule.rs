//! Scheduling: trials in chunks, users in blocks on rayon, the stop flag, and the ordered
//! merge of per-block sums into per-trial results.
//!
//! A chunk holds the trials in flight (bounded for memory by [`super::sizing`]). For each chunk,
//! phase 0 draws every user's base demand and ranks the deciles; phase 1 lives and bills the
//! users block by block (with a task user's successes, and in menu mode each user's taste;
//! every purpose from its own stream, [`super::streams`]) ([`BLOCK_USERS`] users, the fixed unit of parallel work; with
//! teams, the whole accounts starting in that span, [`super::teams`]); then the
//! blocks are summed in block order within a trial and the trials pushed in trial order, so
//! the results are byte-identical for any thread count.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::assign::Assign;
use super::draws::Blocks;
use super::ranking::rank_deciles;
use super::sizing::trials_in_flight;
use super::streams::UserStreams;
use super::teams::{
    self, TeamScratch, block_users, in_team, simulate_account, simulate_account_menu,
};
use super::{BLOCK_USERS, EngineError, RunOptions};
use crate::model::arrivals::Cohort;
use crate::model::choice::{Taste, draw_taste};
use crate::model::commitment;
use crate::model::menu::{Scratch, Sinks};
use crate::model::user::{Size, UserLife, base_demand, draw_size, draw_successes, live};
use crate::model::{Scenario, Trial};
use crate::results::{
    ChoiceTotals, DECILES, GroupTotals, MonthTotals, PlanTrial, PopulationMonth, RunResults,
    SegmentProfit, Totals, TrialGroups, TrialResult,
};

/// Per-block accumulators.
pub(super) struct BlockAcc {
    pub(super) totals: Vec<Totals>,
    /// `[row * months + month]`.
    pub(super) months: Vec<MonthTotals>,
    /// `[row * segments + segment]`.
    pub(super) segments: Vec<GroupTotals>,
    /// `[row * 10 + decile]`.
    pub(super) deciles: Vec<GroupTotals>,
    /// `[option * segments + segment]` (menu mode).
    pub(super) choices: Vec<ChoiceTotals>,
    /// `[month]` (menu mode).
    pub(super) population: Vec<PopulationMonth>,
}

impl BlockAcc {
    pub(super) fn new(rows: usize, months: usize, segments: usize, options: usize) -> Self {
        let menu = options > 0;
        BlockAcc {
            totals: vec![Totals::default(); rows],
            months: vec![MonthTotals::default(); rows * months],
            segments: vec![GroupTotals::default(); rows * segments],
            deciles: vec![GroupTotals::default(); rows * DECILES],
            choices: vec![ChoiceTotals::default(); options * segments],
            population: vec![PopulationMonth::default(); if menu { months } else { 0 }],
        }
    }
    pub(super) fn add(&mut self, o: &BlockAcc) {
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
        for (a, b) in self.choices.iter_mut().zip(&o.choices) {
            a.add(b);
        }
        for (a, b) in self.population.iter_mut().zip(&o.population) {
            a.add(b);
        }
    }
}

/// Per-user state of one trial in flight.
pub(super) struct TrialBuf {
    /// Base demand D of each user.
    pub(super) demand: Vec<f64>,
    /// Demand decile (0..10) of each user.
    pub(super) decile: Vec<u8>,
    /// Scratch for ranking.
    keys: Vec<u128>,
    /// The first user of each account of the team segments ([`teams::deal`]).
    pub(super) starts: Vec<u64>,
}

impl TrialBuf {
    pub(super) fn new(users: usize) -> Self {
        TrialBuf {
            demand: vec![0.0; users],
            decile: vec![0; users],
            keys: Vec::with_capacity(users),
            starts: Vec::new(),
        }
    }
}

/// The cohort of user `u`: the index of the first cohort that ends after it.
pub(super) fn cohort_of(cohorts: &[Cohort], u: u64) -> usize {
    cohorts.partition_point(|c| c.end <= u)
}

/// The shape of the sums: rows, months, segments and menu options.
#[derive(Clone, Copy)]
pub(super) struct Shape {
    pub(super) rows: usize,
    pub(super) months: usize,
    pub(super) segments: usize,
    pub(super) options: usize,
}

impl Shape {
    /// The shape of `scn`'s sums.
    pub(super) fn of(scn: &Scenario) -> Shape {
        Shape {
            rows: scn.rows().len(),
            months: scn.simulation.months as usize,
            segments: scn.segments.len(),
            options: scn.options().len(),
        }
    }

    /// Empty sums of this shape.
    pub(super) fn acc(self) -> BlockAcc {
        BlockAcc::new(self.rows, self.months, self.segments, self.options)
    }

    /// Empty results of this shape.
    pub(super) fn results(self) -> RunResults {
        let r = RunResults::new(super::provenance(), self.rows, self.segments, self.months);
        if self.options > 0 {
            r.with_menu(self.options)
        } else {
            r
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
    let shape = Shape::of(scn);
    let chunk = trials_in_flight(scn) as usize;
    let mut results = shape.results();
    results
        .trials
        .reserve((range.end - range.start).min(1 << 20) as usize);
    // Per-user buffers of the trials in flight, allocated once and reused for every chunk.
    let mut bufs: Vec<TrialBuf> = (0..chunk)
        .map(|_| TrialBuf::new(sim.users as usize))
        .collect();
    let mut blocks = Blocks::default();
    let mut first = range.start;
    while first < range.end {
        let last = (first + chunk as u64).min(range.end);
        let in_flight = (last - first) as usize;
        blocks.prepare(scn, first, last)?;
        let trials = (first..last)
            .into_par_iter()
            .map(|t| blocks.trial(scn, t))
            .collect::<Result<Vec<_>, EngineError>>()?;
        // Phase 0: base demand of every user, then demand deciles.
        bufs[..in_flight]
            .par_iter_mut()
            .zip(trials.par_iter())
            .enumerate()
            .for_each(|(ti, (buf, st))| phase0((sim.seed, first + ti as u64), st, buf, stop));
        if stopped() {
            return Ok(None);
        }
        // Phase 1: lives and bills, block by block.
        let jobs: Vec<(usize, usize)> = trials
            .iter()
            .enumerate()
            .flat_map(|(ti, st)| {
                (0..(st.population() as usize).div_ceil(BLOCK_USERS)).map(move |b| (ti, b))
            })
            .collect();
        let blocks: Vec<BlockAcc> = jobs
            .par_iter()
            .map(|&(ti, b)| {
                let t = first + ti as u64;
                let users = block_users(&trials[ti], &bufs[ti].starts, b);
                let mut acc =
                    BlockAcc::new(shape.rows, shape.months, shape.segments, shape.options);
                let key = (sim.seed, t);
                let done =
                    simulate_block(key, &trials[ti], assign, users, &bufs[ti], &mut acc, stop);
                progress(done);
                acc
            })
            .collect();
        if stopped() {
            return Ok(None);
        }
        // Merge in block order within a trial, then in trial order.
        let mut blocks = blocks.into_iter();
        for (ti, st) in trials.into_iter().enumerate() {
            let n_blocks = (st.population() as usize).div_ceil(BLOCK_USERS);
            let mut acc = BlockAcc::new(shape.rows, shape.months, shape.segments, shape.options);
            for b in blocks.by_ref().take(n_blocks) {
                acc.add(&b);
            }
            let (trial, groups) = finish_trial(first + ti as u64, st, acc, shape);
            results.push(trial, groups, opts.keep_trial_groups);
        }
        first = last;
    }
    Ok(Some(results))
}

/// Phase 0 of the trial keyed `(seed, t)`: every user's base demand into `buf`, the demand
/// deciles, and the team accounts; stops early (leaving `buf` partial) once `stop` is set.
pub(super) fn phase0((seed, t): (u64, u64), st: &Trial, buf: &mut TrialBuf, stop: &AtomicBool) {
    let stopped = || stop.load(Ordering::Relaxed);
    let n = st.population() as usize;
    buf.demand.resize(n, 0.0);
    buf.decile.resize(n, 0);
    buf.demand
        .par_chunks_mut(BLOCK_USERS)
        .enumerate()
        .for_each(|(b, out)| {
            if stopped() {
                return;
            }
            let base = (b * BLOCK_USERS) as u64;
            let mut c = cohort_of(&st.cohorts, base);
            for (i, x) in out.iter_mut().enumerate() {
                let u = base + i as u64;
                while st.cohorts[c].end <= u {
                    c += 1;
                }
                let seg = st.cohorts[c].segment;
                *x = base_demand(st, seg, &UserStreams::new(seed, t, u));
            }
        });
    if !stopped() {
        rank_deciles(&buf.demand, &mut buf.keys, &mut buf.decile, &stopped);
    }
    buf.starts = teams::deal(st, seed, t);
}

/// One trial's result and group sums from its summed blocks.
pub(super) fn finish_trial(
    t: u64,
    st: Trial,
    mut acc: BlockAcc,
    shape: Shape,
) -> (TrialResult, TrialGroups) {
    for mt in &mut acc.months {
        mt.overhead = st.per_user_month * mt.active_users as f64;
        mt.profit = mt.revenue - mt.cost - mt.fees - mt.overhead;
    }
    let per_row = |v: &[GroupTotals], n: usize| -> Vec<Vec<GroupTotals>> {
        v.chunks(n).map(<[GroupTotals]>::to_vec).collect()
    };
    let groups = TrialGroups {
        segments: per_row(&acc.segments, shape.segments),
        deciles: per_row(&acc.deciles, DECILES),
        months: acc
            .months
            .chunks(shape.months)
            .map(<[MonthTotals]>::to_vec)
            .collect(),
        choices: acc
            .choices
            .chunks(shape.segments)
            .map(<[ChoiceTotals]>::to_vec)
            .collect(),
        population: acc.population,
    };
    // Each row's NPV discounts its month profits at the trial's rate.
    let plans = (0..shape.rows)
        .map(|p| {
            let month_profit: Vec<f64> = groups.months[p].iter().map(|m| m.profit).collect();
            PlanTrial {
                totals: acc.totals[p],
                npv: st.npv(&month_profit),
                month_profit,
                segments: groups.segments[p]
                    .iter()
                    .map(|g| SegmentProfit {
                        users: g.users,
                        profit: g.profit,
                    })
                    .collect(),
            }
        })
        .collect();
    let trial = TrialResult {
        trial: t,
        draws: st.draws,
        plans,
        groups: None,
    };
    (trial, groups)
}

/// Simulates users `users` of the trial keyed `(seed, trial)`; returns how many it simulated
/// before `stop` was set.
fn simulate_block<A: Assign>(
    (seed, trial): (u64, u64),
    st: &Trial,
    assign: &A,
    users: Range<usize>,
    buf: &TrialBuf,
    acc: &mut BlockAcc,
    stop: &AtomicBool,
) -> u64 {
    let n_rows = acc.totals.len();
    let mut life = UserLife::with_capacity(st.months());
    let mut taste = Taste::default();
    let mut scratch = Scratch::default();
    let mut rows = vec![Totals::default(); n_rows];
    let mut team = TeamScratch::default();
    let mut c = cohort_of(&st.cohorts, users.start as u64);
    let has_commitments = st.has_commitments();
    let mut done = 0;
    let mut u = users.start;
    while u < users.end {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        while st.cohorts[c].end <= u as u64 {
            c += 1;
        }
        let Cohort {
            segment: seg,
            month,
            ..
        } = st.cohorts[c];
        if in_team(st, &st.cohorts[c]) {
            // A whole account: its seats are users u..end.
            let end = teams::next_start(st, &buf.starts, u as u64 + 1) as usize;
            let key = (seed, trial);
            if A::NEEDS_TASTE {
                let mut sinks = Sinks {
                    rows: &mut rows,
                    months: &mut acc.months,
                    choices: &mut acc.choices,
                    population: &mut acc.population,
                };
                let users = u..end;
                simulate_account_menu(
                    key,
                    st,
                    seg,
                    month,
                    users,
                    &buf.demand,
                    &mut team,
                    &mut sinks,
                );
            } else {
                simulate_account(
                    key,
                    st,
                    seg,
                    month,
                    u..end,
                    &buf.demand,
                    &mut team,
                    &mut acc.months,
                );
            }
            for (j, seat) in (u..end).enumerate() {
                add_user(acc, &team.rows[j], seg, buf.decile[seat] as usize);
            }
            done += (end - u) as u64;
            u = end;
            continue;
        }
        done += 1;
        let key = (seed, trial);
        live_user(key, st, (seg, month), u, &buf.demand, &mut life);
        if has_commitments {
            draw_commitments(key, st, u, &mut life);
        }
        if A::NEEDS_TASTE {
            draw_user_taste(key, st, u, &life, &mut taste);
        }
        let mut sinks = Sinks {
            rows: &mut rows,
            months: &mut acc.months,
            choices: &mut acc.choices,
            population: &mut acc.population,
        };
        assign.bill(st, &life, &taste, &mut scratch, &mut sinks);
        add_user(acc, &rows, seg, buf.decile[u] as usize);
        u += 1;
    }
    done
}

/// Lives user `u` (of segment and arrival month `at`) of the trial keyed `(seed, trial)` into
/// `life`: everything that does not depend on the plans (phases 0, 1 and 3).
#[inline(always)]
pub(super) fn live_user(
    (seed, trial): (u64, u64),
    st: &Trial,
    (seg, month): (usize, usize),
    u: usize,
    demand: &[f64],
    life: &mut UserLife,
) {
    let streams = UserStreams::new(seed, trial, u as u64);
    let size = if st.segments[seg].tasks.is_some() {
        // Only D is kept per user: a task user's tasks and tokens per task are drawn again
        // from their streams.
        draw_size(st, seg, &streams)
    } else {
        Size::tokens(demand[u])
    };
    live(st, seg, month, size, &streams, life);
    if life.is_tasks {
        draw_successes(st, &streams, life);
    }
}

/// User `u`'s commitment amounts on `st`'s plans.
#[inline]
pub(super) fn draw_commitments(
    (seed, trial): (u64, u64),
    st: &Trial,
    u: usize,
    life: &mut UserLife,
) {
    commitment::draw_amounts(st, &UserStreams::new(seed, trial, u as u64), life);
}

/// User `u`'s taste on `st`'s menu.
#[inline]
pub(super) fn draw_user_taste(
    (seed, trial): (u64, u64),
    st: &Trial,
    u: usize,
    life: &UserLife,
    taste: &mut Taste,
) {
    draw_taste(st, life, &UserStreams::new(seed, trial, u as u64), taste);
}

/// Adds one user's totals on every row (`rows[r]`) to the block's sums, by segment and decile.
pub(super) fn add_user(acc: &mut BlockAcc, rows: &[Totals], seg: usize, decile: usize) {
    let n_segs = acc.segments.len() / rows.len().max(1);
    for (r, o) in rows.iter().enumerate() {
        if o.users == 0 {
            continue;
        }
        acc.totals[r].add(o);
        let g = GroupTotals::of_user(o);
        acc.segments[r * n_segs + seg].add(&g);
        acc.deciles[r * DECILES + decile].add(&g);
    }
}
