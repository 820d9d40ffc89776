//! A user's menu life shared between points of a sweep ([`super::menu::live_menu_with`]): the
//! first point records the user's offers at arrival and, month by month, what they added to
//! the sums; a later point that makes the same offers for the plans it shares with the first
//! repeats what it can.
//!
//! A later point repeats the first point's whole life of the user when nothing in that life
//! can differ: the two points have the same context (everything but the plans: market,
//! segments, cards, costs) and the user chose the same option at arrival, either none or a plan
//! that is the first point's (its own fields and draws, no commitment), and at the first point
//! the user never chose again (no re-choice was due while they were there) and held no term.
//! Then each month's bill, shock test and churn test are the first point's, and so is every
//! later month: the later point adds the recorded month sums, in the same order, to its own
//! rows of that plan, so its sums are bit for bit those of living the user there.

use super::choice::Offer;
use super::menu_state::{Sinks, State};
use super::trial::Trial;
use super::user::UserLife;
use crate::results::{MonthTotals, Totals};

/// The first point's life of one user.
#[derive(Default)]
pub struct Lived {
    /// Each plan's offer at the user's arrival.
    pub(super) arrival: Vec<Offer>,
    /// Whether the life can be repeated: no re-choice while the user was there, no term.
    pub(super) simple: bool,
    /// The option chosen at arrival.
    pub(super) state: Option<State>,
    /// The billed months: (month, what the month added to the plan's row).
    pub(super) months: Vec<(usize, MonthTotals)>,
    /// The months the user was there (billed or not), from their arrival.
    pub(super) lived: usize,
    /// Where the user ended.
    pub(super) end: Option<State>,
    /// The user's totals per row, as [`finish`] left them.
    pub(super) rows: Vec<Totals>,
}

/// How a point's life of a user relates to the first point's.
pub enum Share<'a> {
    /// A point alone.
    Alone,
    /// The first point: records the life into the [`Lived`].
    First(&'a mut Lived),
    /// A later point: takes plan p's offer at arrival from the first point's where `same[p]`
    /// (the same plan, cards, market and taste), and repeats the whole life where it can when
    /// `context` (the point's context is the first's, and so are its rows: which plans are
    /// ours, in which row, and the portfolio's).
    Next {
        /// The first point's life of the user.
        first: &'a Lived,
        /// Which plans are the first point's.
        same: &'a [bool],
        /// Whether everything but the plans is the first point's, and so are the rows.
        context: bool,
    },
}

/// Repeats the first point's life `first` of a user at a later point, if it can (see the
/// module's doc) and the user chose `state` at arrival there; returns whether it did. The
/// caller has added the choice at arrival to `sinks`.
pub(super) fn repeat(
    trial: &Trial,
    life: &UserLife,
    state: State,
    share: &Share<'_>,
    sinks: &mut Sinks<'_>,
) -> bool {
    let Share::Next {
        first,
        same,
        context: true,
    } = share
    else {
        return false;
    };
    let repeatable = match state {
        State::Plan(p) => same[p],
        _ => true,
    };
    if !(first.simple && first.state == Some(state) && repeatable) {
        return false;
    }
    let n_months = trial.months();
    if let State::Plan(p) = state {
        let rows = trial.row[p].map(|r| [Some(r), trial.market.portfolio]);
        for (m, billed) in &first.months {
            for r in rows.into_iter().flatten().flatten() {
                sinks.months[r * n_months + m].add_billed(billed);
            }
        }
    }
    let m0 = life.start;
    for pop in &mut sinks.population[m0..m0 + first.lived] {
        pop.arrived += 1;
        state.count(trial, pop, 1);
    }
    for pop in &mut sinks.population[m0 + first.lived..] {
        pop.arrived += 1;
        pop.gone += 1;
    }
    let segs = trial.segments.len();
    match first.end {
        Some(State::Plan(p)) => sinks.choices[p * segs + life.segment].subscribers_end += 1,
        Some(State::NonAdopter) => {
            sinks.choices[trial.plans() * segs + life.segment].subscribers_end += 1;
        }
        _ => {}
    }
    sinks.rows.copy_from_slice(&first.rows);
    true
}

/// The user's per-row totals from their per-plan sums: profit, retail value and loss per plan,
/// and the portfolio row as the sum of our plans with the user counted once.
pub(super) fn finish(trial: &Trial, life: &UserLife, plans: &mut [Totals], rows: &mut [Totals]) {
    for r in rows.iter_mut() {
        *r = Totals::default();
    }
    let mut portfolio = Totals::default();
    for (p, t) in plans.iter_mut().enumerate() {
        t.overhead = trial.per_user_month * t.active_user_months as f64;
        t.profit = t.revenue - t.cost - t.fees - t.overhead;
        t.retail_value *= life.k_retail;
        t.loss_users = u64::from(t.users > 0 && t.profit < 0.0);
        t.accounts = t.users;
        if let Some(r) = trial.row[p] {
            rows[r] = *t;
            portfolio.add(t);
        }
    }
    if let Some(r) = trial.market.portfolio {
        portfolio.users = portfolio.users.min(1);
        portfolio.accounts = portfolio.users;
        portfolio.churned_users = portfolio.churned_users.min(1);
        portfolio.loss_users = u64::from(portfolio.users > 0 && portfolio.profit < 0.0);
        rows[r] = portfolio;
    }
}
