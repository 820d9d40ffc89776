//! Points of a sweep that share their users: each user is lived once and billed at every point.
//!
//! What a user's life depends on (their base demand, decile, prompt mix, monthly noise, churn
//! uniforms, successes, and a team's accounts and seats) comes from the simulation, the
//! segments (all but their `value` and `shock_churn`), the mode and the arrivals: the
//! *population* of a scenario ([`super::keys`]). Points whose populations are written the same (and,
//! trial by trial, whose trial-level draws of those fields are bit for bit the same) have the
//! same users. For those, each trial draws phase 0 and the deciles once and lives each user
//! once from the first point's trial; then, point by point with that point's own trial, the
//! user's retail and cost values of a token, commitment amounts and (in menu mode) taste are
//! set and the user is billed into the point's own sums. Each mode bills a plan at a point only
//! when it differs from the same plan at the first point (its own fields, everything but the
//! plans, or their draws in the trial); the others' sums are copied from the first point's at
//! the end of the trial. Menu mode lives every point's menu (plans interact through the
//! choice) but shares the taste when nothing but the plans differs, and the offers at arrival
//! of the plans that are the first point's; a user's life that cannot differ from the first
//! point's is repeated from it ([`crate::model::menu_share`]). A plan with a commitment is never taken as the
//! first point's (kept simple: its users' amounts are drawn at each point). Every number is the one
//! the same draws give a point alone, summed in the same order, so each point's results equal
//! those of [`super::run_trials`] on it. A point whose population draws differ from the first
//! point's in a trial is run alone for that trial (a guard: each slot has its own stream, so
//! points whose populations are written the same draw them the same).

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::draws::Blocks;
use super::keys::Keys;
use super::schedule::{self, draw_commitments, draw_user_taste, live_user, phase0};
use super::sizing::trials_in_flight_shared;
use super::sums::{BlockAcc, Shape, TrialBuf, add_user, cohort_of, finish_trial};
use super::teams::{
    TeamScratch, bill_seats, block_users, choose_seats, in_team, live_seat_lives, next_start,
    plan_seats,
};
use super::{EngineError, RunOptions, assign};
use crate::model::accounting::{bill_every_plan, bill_plan_into};
use crate::model::arrivals::Cohort;
use crate::model::choice::Taste;
use crate::model::menu::{Scratch, Sinks, live_menu_with};
use crate::model::menu_share::{Lived, Share};
use crate::model::user::UserLife;
use crate::model::{Scenario, Trial};
use crate::results::{DECILES, RunResults, Totals, TrialGroups, TrialResult};

/// How one point relates to the first in one trial.
struct Relation {
    /// Its users differ: the trial is run alone for it.
    alone: bool,
    /// It shares the first point's taste (menu mode).
    taste: bool,
    /// Its rows are the first point's: the same plans are ours, in the same rows, and the
    /// portfolio's row is the same.
    rows: bool,
    /// Which of its plans are the first point's in this trial (never the first point's own
    /// nor a plan with a commitment, whose users' amounts are drawn again at each point):
    /// each mode copies their sums from the first point's, menu mode their offers at arrival.
    same: Vec<bool>,
}

/// How each point's trial relates to the first point's (`pts[0]`).
fn relate(keys: &[&Keys], pts: &[Trial]) -> Vec<Relation> {
    let lead = keys[0];
    let d0 = &pts[0].draws;
    let same = |slots: &[usize], d: &[f64]| {
        slots
            .iter()
            .all(|&i| d.get(i).map(|x| x.to_bits()) == d0.get(i).map(|x| x.to_bits()))
    };
    keys.iter()
        .zip(pts)
        .enumerate()
        .map(|(i, (k, st))| {
            let d = &st.draws;
            let alone = k.population != lead.population || !same(&k.population_draws, d);
            let context = k.context == lead.context
                && k.plans.len() == lead.plans.len()
                && same(&k.context_draws, d);
            let plans = k.plans.iter().enumerate().map(|(p, (text, slots))| {
                i > 0
                    && context
                    && *text == lead.plans[p].0
                    && same(slots, d)
                    && st.commits[p].is_none()
            });
            Relation {
                alone: i > 0 && alone,
                taste: context,
                rows: st.row == pts[0].row && st.market.portfolio == pts[0].market.portfolio,
                same: plans.collect(),
            }
        })
        .collect()
}

/// Runs trials `range` of `points`, which share a population key (at least two); `results[i]`
/// equals [`super::run_trials`] on `points[i]`. The caller has checked the range and sizes.
pub(super) fn run_shared(
    points: &[&Scenario],
    keys: &[&Keys],
    range: Range<u64>,
    opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Result<Option<Vec<RunResults>>, EngineError> {
    let stopped = || stop.load(Ordering::Relaxed);
    let lead = points[0];
    let sim = &lead.simulation;
    let menu = lead.is_menu();
    let shapes: Vec<Shape> = points.iter().map(|s| Shape::of(s)).collect();
    let chunk = trials_in_flight_shared(points) as usize;
    let mut results: Vec<RunResults> = shapes.iter().map(|s| s.results()).collect();
    let mut bufs: Vec<TrialBuf> = (0..chunk)
        .map(|_| TrialBuf::new(sim.users as usize))
        .collect();
    // Each point's correlated blocks ([[correlation]]), computed once per block.
    let mut blocks: Vec<Blocks> = points.iter().map(|_| Blocks::default()).collect();
    let mut first = range.start;
    while first < range.end {
        let last = (first + chunk as u64).min(range.end);
        let in_flight = (last - first) as usize;
        for (b, s) in blocks.iter_mut().zip(points) {
            b.prepare(s, first, last)?;
        }
        let trials = (first..last)
            .into_par_iter()
            .map(|t| {
                points
                    .iter()
                    .zip(&blocks)
                    .map(|(s, b)| b.trial(s, t))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<Vec<Trial>>, EngineError>>()?;
        let relations: Vec<Vec<Relation>> = trials.iter().map(|pts| relate(keys, pts)).collect();
        // Phase 0 once per trial, from the first point's trial.
        bufs[..in_flight]
            .par_iter_mut()
            .zip(trials.par_iter())
            .enumerate()
            .for_each(|(ti, (buf, pts))| phase0((sim.seed, first + ti as u64), &pts[0], buf, stop));
        if stopped() {
            return Ok(None);
        }
        // Phase 1: each block's users lived once, billed at every point that shares them.
        let jobs: Vec<(usize, usize)> = trials
            .iter()
            .enumerate()
            .flat_map(|(ti, pts)| {
                (0..(pts[0].population() as usize).div_ceil(super::BLOCK_USERS))
                    .map(move |b| (ti, b))
            })
            .collect();
        let blocks: Vec<Vec<BlockAcc>> = jobs
            .par_iter()
            .map(|&(ti, b)| {
                let (pts, rel) = (&trials[ti], &relations[ti]);
                let users = block_users(&pts[0], &bufs[ti].starts, b);
                let mut accs: Vec<BlockAcc> = shapes
                    .iter()
                    .zip(rel)
                    .map(|(s, r)| {
                        if r.alone {
                            BlockAcc::new(0, 0, 0, 0)
                        } else {
                            s.acc()
                        }
                    })
                    .collect();
                let key = (sim.seed, first + ti as u64);
                let block = Block {
                    pts,
                    rel,
                    menu,
                    buf: &bufs[ti],
                };
                let done = block.simulate(key, users, &mut accs, stop);
                progress(done * rel.iter().filter(|r| !r.alone).count() as u64);
                accs
            })
            .collect();
        if stopped() {
            return Ok(None);
        }
        // Merge in block order within a trial, then in trial order, point by point.
        let mut blocks = blocks.into_iter();
        for (ti, (pts, rel)) in trials.into_iter().zip(&relations).enumerate() {
            let t = first + ti as u64;
            let n_blocks = (pts[0].population() as usize).div_ceil(super::BLOCK_USERS);
            let mut sums: Vec<BlockAcc> = shapes.iter().map(|s| s.acc()).collect();
            for b in blocks.by_ref().take(n_blocks) {
                for (a, o) in sums.iter_mut().zip(&b) {
                    a.add(o);
                }
            }
            let (lead_sums, rest) = sums.split_first_mut().expect("at least one point");
            for (acc, r) in rest.iter_mut().zip(&rel[1..]).filter(|_| !menu) {
                for p in (0..r.same.len()).filter(|&p| r.same[p]) {
                    copy_row(lead_sums, acc, p, shapes[0]);
                }
            }
            for (pi, (st, acc)) in pts.into_iter().zip(sums).enumerate() {
                if rel[pi].alone {
                    let Some((trial, groups)) = alone(points[pi], t, progress, stop)? else {
                        return Ok(None);
                    };
                    results[pi].push(trial, groups, opts.keep_trial_groups);
                } else {
                    let (trial, groups) = finish_trial(t, st, acc, shapes[pi]);
                    results[pi].push(trial, groups, opts.keep_trial_groups);
                }
            }
        }
        first = last;
    }
    Ok(Some(results))
}

/// Trial `t` of `scn` run alone, with its group sums.
fn alone(
    scn: &Scenario,
    t: u64,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Result<Option<(TrialResult, TrialGroups)>, EngineError> {
    let keep = RunOptions {
        keep_trial_groups: true,
    };
    let r = if scn.is_menu() {
        schedule::run_range(scn, t..t + 1, &assign::Menu, &keep, progress, stop)?
    } else {
        schedule::run_range(scn, t..t + 1, &assign::EveryPlan, &keep, progress, stop)?
    };
    Ok(r.and_then(|mut r| {
        let mut trial = r.trials.pop()?;
        let groups = trial.groups.take()?;
        Some((trial, groups))
    }))
}

/// Copies row `p`'s sums (totals, months, segments, deciles) from `from` to `to` (same shape).
fn copy_row(from: &BlockAcc, to: &mut BlockAcc, p: usize, shape: Shape) {
    to.totals[p] = from.totals[p];
    let span = |n: usize| p * n..(p + 1) * n;
    to.months[span(shape.months)].copy_from_slice(&from.months[span(shape.months)]);
    to.segments[span(shape.segments)].copy_from_slice(&from.segments[span(shape.segments)]);
    to.deciles[span(DECILES)].copy_from_slice(&from.deciles[span(DECILES)]);
}

/// One block of one trial at every point.
struct Block<'a> {
    /// Each point's trial; the first point's lives the users.
    pts: &'a [Trial],
    rel: &'a [Relation],
    menu: bool,
    buf: &'a TrialBuf,
}

impl Block<'_> {
    /// Simulates users `users` of the trial keyed `key` at every point not run alone, into
    /// `accs[point]`; returns how many users it lived before `stop` was set.
    fn simulate(
        &self,
        key: (u64, u64),
        users: Range<usize>,
        accs: &mut [BlockAcc],
        stop: &AtomicBool,
    ) -> u64 {
        let lead = &self.pts[0];
        let mut life = UserLife::with_capacity(lead.months());
        // The first point's taste (shared by the points whose context is the same), and a
        // point's own.
        let (mut shared, mut own) = (Taste::default(), Taste::default());
        let mut scratch = Scratch::default();
        // The first point's life of the user being lived (menu mode).
        let mut lived = Lived::default();
        let mut rows: Vec<Totals> = Vec::new();
        let mut team = TeamScratch::default();
        let mut c = cohort_of(&lead.cohorts, users.start as u64);
        let mut done = 0;
        let mut u = users.start;
        while u < users.end {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            while lead.cohorts[c].end <= u as u64 {
                c += 1;
            }
            let Cohort { segment, month, .. } = lead.cohorts[c];
            let at = (segment, month);
            if in_team(lead, &lead.cohorts[c]) {
                let end = next_start(lead, &self.buf.starts, u as u64 + 1) as usize;
                let seats = u..end;
                live_seat_lives(
                    key,
                    lead,
                    at,
                    seats.clone(),
                    &self.buf.demand,
                    &mut team,
                    self.menu,
                );
                for (pi, (st, acc)) in self.pts.iter().zip(accs.iter_mut()).enumerate() {
                    if self.rel[pi].alone {
                        continue;
                    }
                    plan_seats(key, st, seats.clone(), &mut team);
                    if self.menu {
                        rows.clear();
                        rows.resize(acc.totals.len(), Totals::default());
                        let mut sinks = Sinks {
                            rows: &mut rows,
                            months: &mut acc.months,
                            choices: &mut acc.choices,
                            population: &mut acc.population,
                        };
                        choose_seats(key, st, seats.clone(), &mut team, &mut sinks);
                    } else {
                        for row in &mut team.rows[..seats.len()] {
                            row.clear();
                            row.resize(st.plans(), Totals::default());
                        }
                        let same = &self.rel[pi].same;
                        bill_seats(st, seats.len(), &mut team, &mut acc.months, &|p| !same[p]);
                    }
                    for (j, seat) in seats.clone().enumerate() {
                        add_user(acc, &team.rows[j], segment, self.buf.decile[seat] as usize);
                    }
                }
                done += seats.len() as u64;
                u = end;
                continue;
            }
            done += 1;
            live_user(key, lead, at, u, self.buf.demand[u], &mut life);
            for (pi, (st, acc)) in self.pts.iter().zip(accs.iter_mut()).enumerate() {
                let rel = &self.rel[pi];
                if rel.alone {
                    continue;
                }
                // As `live` sets them, from this point's cards.
                life.k_retail = st.retail.per_output_token(&life.mix);
                life.k_cost = st.cost.per_output_token(&life.mix);
                if st.has_commitments() {
                    draw_commitments(key, st, u, &mut life);
                } else {
                    life.commit.clear();
                }
                rows.clear();
                rows.resize(acc.totals.len(), Totals::default());
                if self.menu {
                    let taste = if pi == 0 {
                        draw_user_taste(key, st, u, &life, &mut shared);
                        &shared
                    } else if rel.taste {
                        &shared
                    } else {
                        draw_user_taste(key, st, u, &life, &mut own);
                        &own
                    };
                    let mut sinks = Sinks {
                        rows: &mut rows,
                        months: &mut acc.months,
                        choices: &mut acc.choices,
                        population: &mut acc.population,
                    };
                    // The plans that are the first point's make the same offers at arrival; a
                    // life that cannot differ from the first point's is repeated.
                    let share = if pi == 0 {
                        Share::First(&mut lived)
                    } else {
                        Share::Next {
                            first: &lived,
                            same: &rel.same,
                            context: rel.taste && rel.rows,
                        }
                    };
                    live_menu_with(st, &life, taste, share, &mut scratch, &mut sinks);
                } else if rel.same.iter().any(|&s| s) {
                    // Only the plans that differ from the first point's, one by one.
                    let n_months = st.months();
                    for (p, row) in rows.iter_mut().enumerate() {
                        if !rel.same[p] {
                            let sums = &mut acc.months[p * n_months..(p + 1) * n_months];
                            bill_plan_into(st, p, &life, sums, row);
                        }
                    }
                } else {
                    // Every plan (the first point, and a point that shares none of its plans)
                    // in one call, as a single run bills them.
                    bill_every_plan(st, &life, &mut rows, &mut acc.months);
                }
                add_user(acc, &rows, segment, self.buf.decile[u] as usize);
            }
            u += 1;
        }
        done
    }
}
