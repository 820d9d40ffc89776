//! Scheduling: trials in chunks, users in blocks on rayon, the stop flag, and the ordered
//! merge of per-block sums into per-trial results.
//!
//! A chunk holds the trials in flight (bounded for memory by [`super::sizing`]). Each trial of
//! a chunk is one task on rayon: phase 0 draws every user's base demand and ranks the deciles;
//! phase 1 lives and bills the users block by block (with a task user's successes, and in menu mode each user's taste;
//! every purpose from its own stream, [`super::streams`]) ([`BLOCK_USERS`] users, the fixed unit of parallel work; with
//! teams, the whole accounts starting in that span, [`super::teams`]); then the
//! trial's blocks are summed in block order, and the trials pushed in trial order once the
//! chunk is done, so the results are byte-identical for any thread count. A trial's phases
//! wait only for that trial's: threads move between trials' tasks (rayon's work stealing).

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::assign::Assign;
use super::draws::Blocks;
use super::ranking::rank_deciles;
use super::sizing::trials_in_flight;
use super::streams::UserStreams;
use super::sums::{BlockAcc, Shape, TrialBuf, add_user, cohort_of, finish_trial};
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
use crate::results::{RunResults, Totals};

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
        // Each trial of the chunk is a task: phase 0 (base demand of every user, then demand
        // deciles), then its blocks (lives and bills), then their sums in block order. No
        // barrier between the trials' phases: a thread done with one trial's work takes
        // another's, and the blocks are summed as soon as their trial is done.
        let sums: Vec<Option<BlockAcc>> = bufs[..in_flight]
            .par_iter_mut()
            .zip(trials.par_iter())
            .enumerate()
            .map(|(ti, (buf, st))| {
                let key = (sim.seed, first + ti as u64);
                phase0(key, st, buf, stop);
                if stopped() {
                    return None;
                }
                let buf = &*buf;
                let accs: Vec<BlockAcc> = (0..(st.population() as usize).div_ceil(BLOCK_USERS))
                    .into_par_iter()
                    .map(|b| {
                        let users = block_users(st, &buf.starts, b);
                        let mut acc = shape.acc();
                        progress(simulate_block(key, st, assign, users, buf, &mut acc, stop));
                        acc
                    })
                    .collect();
                let mut acc = shape.acc();
                for b in &accs {
                    acc.add(b);
                }
                Some(acc)
            })
            .collect();
        if stopped() {
            return Ok(None);
        }
        // In trial order.
        for (ti, (st, acc)) in trials.into_iter().zip(sums).enumerate() {
            let Some(acc) = acc else {
                return Ok(None); // a trial stopped (never without `stop`)
            };
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
                *x = user_demand((seed, t), st, st.cohorts[c].segment, u);
            }
        });
    if !stopped() {
        rank_deciles(&buf.demand, &mut buf.keys, &mut buf.decile, &stopped);
    }
    buf.starts = teams::deal(st, seed, t);
}

/// The base demand D of user `u` (of segment `seg`) of the trial keyed `(seed, t)`, from the
/// user's streams: what phase 0 ranks the deciles by, and what [`live_user`] lives from. A
/// replayed user's is their mean active month.
#[inline]
pub(super) fn user_demand((seed, t): (u64, u64), st: &Trial, seg: usize, u: u64) -> f64 {
    let streams = UserStreams::new(seed, t, u);
    match st.replay.as_deref() {
        None => base_demand(st, seg, &streams),
        Some(r) => r.pick(seg, u, &streams).mean,
    }
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
        live_user(key, st, (seg, month), u, buf.demand[u], &mut life);
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

/// Lives user `u` (of segment and arrival month `at`, base demand `demand` from
/// [`user_demand`]) of the trial keyed `(seed, trial)` into `life`: everything that does not
/// depend on the plans (phases 0, 1 and 3).
#[inline(always)]
pub(super) fn live_user(
    (seed, trial): (u64, u64),
    st: &Trial,
    (seg, month): (usize, usize),
    u: usize,
    demand: f64,
    life: &mut UserLife,
) {
    let streams = UserStreams::new(seed, trial, u as u64);
    if let Some(r) = &st.replay {
        // A user of the export: their months as they were.
        r.live(st, seg, u as u64, &streams, life);
        return;
    }
    let size = if st.segments[seg].tasks.is_some() {
        // Only D is kept per user: a task user's tasks and tokens per task are drawn again
        // from their streams.
        draw_size(st, seg, &streams)
    } else {
        Size::tokens(demand)
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
