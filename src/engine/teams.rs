//! Teams in the engine: dealing a trial's team segments into accounts, blocks of whole
//! accounts, and living and billing one account (on every plan in each mode; in menu mode the
//! account chooses for its seats, [`crate::model::team_menu`]).
//!
//! Within each run of a team segment's users who arrive together ([`Cohort`]; in each mode, all
//! of the segment's users at month 0), accounts are dealt in user order: an account starting at
//! user u takes [`seats_of`] of a draw of `team_size` from u's team-size stream, the run's last
//! account what is left. Every other user is an account of one. Block b holds the accounts
//! whose first user is in `[b x BLOCK_USERS, (b + 1) x BLOCK_USERS)`: the boundaries depend
//! only on the layout, never on threads, and without teams they are exactly the blocks of
//! [`BLOCK_USERS`] users.

use std::ops::Range;

use super::BLOCK_USERS;
use super::streams::UserStreams;
use crate::model::Trial;
use crate::model::accounting::bill_plan;
use crate::model::arrivals::Cohort;
use crate::model::choice::{Taste, draw_taste};
use crate::model::commitment;
use crate::model::menu::Sinks;
use crate::model::purpose::{Purpose, Streams, sample};
use crate::model::team::{bill_account, end_seats, end_seats_at, seats_of};
use crate::model::team_menu::{TeamMenuScratch, TeamSinks, live_team_menu};
use crate::model::user::{Size, UserLife, draw_size, draw_successes, live_with_churn};
use crate::results::{MonthTotals, Totals};

/// The first user of every account of the trial's team segments, in user order (empty when no
/// segment has `team_size`).
pub(super) fn deal(st: &Trial, seed: u64, trial: u64) -> Vec<u64> {
    let mut starts = Vec::new();
    let mut lo = 0;
    for c in &st.cohorts {
        if let Some(size) = &st.segments[c.segment].team_size {
            let mut u = lo;
            while u < c.end {
                starts.push(u);
                let streams = UserStreams::new(seed, trial, u);
                let k = seats_of(sample(size, &streams, Purpose::TeamSize));
                u = (u + k).min(c.end);
            }
        }
        lo = c.end;
    }
    starts
}

/// The first account start at or after user `x` (the population's size past the last).
pub(super) fn next_start(st: &Trial, starts: &[u64], x: u64) -> u64 {
    let c = st.cohorts.partition_point(|c| c.end <= x);
    let Some(cohort) = st.cohorts.get(c) else {
        return st.population();
    };
    if st.segments[cohort.segment].team_size.is_none() {
        return x;
    }
    let i = starts.partition_point(|&s| s < x);
    starts.get(i).map_or(cohort.end, |&s| s.min(cohort.end))
}

/// The users of block `b`: the accounts whose first user is in its span.
pub(super) fn block_users(st: &Trial, starts: &[u64], b: usize) -> Range<usize> {
    let at = |x: usize| {
        if starts.is_empty() {
            (x as u64).min(st.population()) as usize
        } else {
            next_start(st, starts, x as u64) as usize
        }
    };
    at(b * BLOCK_USERS)..at((b + 1) * BLOCK_USERS)
}

/// Buffers reused from account to account.
#[derive(Default)]
pub(super) struct TeamScratch {
    /// The seats' lives.
    lives: Vec<UserLife>,
    /// Per seat, its totals on each row (`[seat][row]`).
    pub rows: Vec<Vec<Totals>>,
    /// Per seat, its totals on the per_seat plan being billed.
    pooled: Vec<Totals>,
    /// Menu mode: the first seat's churn uniforms to the horizon.
    leave_u: Vec<f64>,
    /// Menu mode: each seat's value.
    values: Vec<f64>,
    /// Menu mode: the account's taste.
    taste: Taste,
    /// Menu mode: the account's scratch.
    menu: TeamMenuScratch,
}

/// Lives and bills the account of users `seats` (of segment `seg`, arriving at `month`) on
/// every plan (each mode): `scratch.rows[j][r]` becomes seat j's totals on row r, and the month
/// sums are added to `months` (`[row * months + month]`).
#[allow(clippy::too_many_arguments)]
pub(super) fn simulate_account(
    (seed, trial): (u64, u64),
    st: &Trial,
    seg: usize,
    month: usize,
    seats: Range<usize>,
    demand: &[f64],
    scratch: &mut TeamScratch,
    months: &mut [MonthTotals],
) {
    let n = seats.len();
    let n_months = st.months();
    live_seats((seed, trial), st, seg, month, seats, demand, scratch, false);
    let lives = &mut scratch.lives[..n];
    scratch.pooled.resize(n, Totals::default());
    let pooled = &mut scratch.pooled[..n];
    for p in 0..st.plans() {
        let acc = &mut months[p * n_months..(p + 1) * n_months];
        if st.per_seat[p] {
            bill_account(st, p, lives, acc, pooled);
            for (row, t) in scratch.rows.iter_mut().zip(pooled.iter()) {
                row[p] = *t;
            }
        } else {
            for (row, life) in scratch.rows.iter_mut().zip(lives.iter()) {
                row[p] = bill_plan(st, p, life, acc).totals;
            }
        }
    }
}

/// Lives the seats `seats` of one account into `scratch.lives[..seats.len()]` (and sizes
/// `scratch.rows`): to the horizon, cut by the account's churn (each mode) or, in `menu` mode,
/// by seat churn only, the first seat's churn uniforms kept in `scratch.leave_u`.
#[allow(clippy::too_many_arguments)]
fn live_seats(
    (seed, trial): (u64, u64),
    st: &Trial,
    seg: usize,
    month: usize,
    seats: Range<usize>,
    demand: &[f64],
    scratch: &mut TeamScratch,
    menu: bool,
) {
    let n = seats.len();
    let n_months = st.months();
    while scratch.lives.len() < n {
        scratch.lives.push(UserLife::with_capacity(n_months));
    }
    scratch.rows.resize(
        n.max(scratch.rows.len()),
        vec![Totals::default(); st.plans()],
    );
    let lives = &mut scratch.lives[..n];
    for (life, u) in lives.iter_mut().zip(seats.clone()) {
        let streams = UserStreams::new(seed, trial, u as u64);
        let size = if st.segments[seg].tasks.is_some() {
            draw_size(st, seg, &streams)
        } else {
            Size::tokens(demand[u])
        };
        live_with_churn(st, seg, month, size, &streams, life, 0.0);
    }
    let first = seats.start as u64;
    let seat_rng =
        |j: usize| UserStreams::new(seed, trial, first + j as u64).rng(Purpose::SeatChurn);
    if menu {
        scratch.leave_u.clone_from(&lives[0].leave_u);
        end_seats_at(st, lives, 0.0, seat_rng);
    } else {
        end_seats(st, lives, seat_rng);
    }
    let has_commitments = st.has_commitments();
    for (life, u) in lives.iter_mut().zip(seats) {
        let streams = UserStreams::new(seed, trial, u as u64);
        if life.is_tasks {
            draw_successes(st, &streams, life);
        }
        if has_commitments {
            commitment::draw_amounts(st, &streams, life);
        }
    }
}

/// Lives the account of users `seats` (of segment `seg`, arriving at `month`) in menu mode:
/// each seat's value from its value stream, the account's Gumbel draws from its first
/// seat's; `scratch.rows[j][r]` becomes seat j's totals on row r, and the month, choice and
/// population sums are added to `sinks` (whose `rows` are ignored).
#[allow(clippy::too_many_arguments)]
pub(super) fn simulate_account_menu(
    (seed, trial): (u64, u64),
    st: &Trial,
    seg: usize,
    month: usize,
    seats: Range<usize>,
    demand: &[f64],
    scratch: &mut TeamScratch,
    sinks: &mut Sinks<'_>,
) {
    let n = seats.len();
    let u0 = seats.start as u64;
    live_seats(
        (seed, trial),
        st,
        seg,
        month,
        seats.clone(),
        demand,
        scratch,
        true,
    );
    for row in &mut scratch.rows[..n] {
        row.resize(sinks.rows.len(), Totals::default());
    }
    let lives = &scratch.lives[..n];
    scratch.values.clear();
    for (life, u) in lives.iter().zip(seats) {
        let streams = UserStreams::new(seed, trial, u as u64);
        draw_taste(st, life, &streams, &mut scratch.taste);
        scratch.values.push(scratch.taste.value);
    }
    let streams = UserStreams::new(seed, trial, u0);
    draw_taste(st, &lives[0], &streams, &mut scratch.taste);
    let mut team = TeamSinks {
        rows: &mut scratch.rows[..n],
        months: sinks.months,
        choices: sinks.choices,
        population: sinks.population,
    };
    live_team_menu(
        st,
        lives,
        &scratch.leave_u,
        &scratch.values,
        &scratch.taste,
        &mut scratch.menu,
        &mut team,
    );
}

/// Whether cohort `c` is of a team segment.
pub(super) fn in_team(st: &Trial, c: &Cohort) -> bool {
    st.segments[c.segment].team_size.is_some()
}
