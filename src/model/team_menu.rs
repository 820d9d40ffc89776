//! A team's life in menu mode: the account chooses one option for all of its seats, with the
//! summed value of its seats, and is billed, shocked, re-chooses, switches and leaves as one.
//!
//! The account's offer from plan p at a month: each active seat's expected work (its typical
//! demand x the month's growth, as for a user alone); on a `per_seat` plan the rule for the
//! active seats bills their summed usage on one copy of the account (pooled), otherwise each
//! seat's own rule bills it on a copy of that seat's own account and the bills are summed. The
//! served share is that of the account's expected demand, sum_j usage_response_j x s_j x d_j /
//! sum_j d_j (the seats' shares averaged equally when the account's expected demand is 0), and
//! surplus_p = V x quality_p x min(1, share)^value_curvature - b_p - anxiety_p, with V the sum
//! of the active seats' values (each from that seat's value stream, as a user's)
//! and anxiety counted once per account (one chooser). The Gumbel draws are those of the first
//! seat's Gumbel stream; `none` is worth 0. The shock test compares the account's bill with
//! its expected bill at the typical demands and accounts of its last choice (for the seats
//! active that month); after a shock month the whole team leaves with probability
//! monthly_churn + shock_churn, tested with the first seat's churn uniform; `seat_churn`
//! removes single seats as in each mode. A switch expires every balance the account held
//! (breakage on the old plan). Loyalty counts the account's billed months on the plan. A
//! `per_seat` plan's month is split over its active seats as in each mode
//! ([`super::team::bill_account`]); on other plans each seat is billed on its own account.
//! choices.csv counts accounts; trials, segments, deciles and the population count seats.
//! Commitments (plans without `per_seat` only): each active seat starts its own terms when the
//! account joins a committed plan, pays its own true-ups at its terms' ends (the shock test is
//! without them), and owes its own exit true-up in its last month on the plan when the account
//! switches or leaves or the seat leaves alone ([`super::team_month::exit_seat`]); a seat's
//! offer is max(amount / term_months, its expected bill), summed over the seats.

use super::choice::{At, Offer, Taste, pick};
use super::commitment::{self, Term};
use super::menu::State;
use super::plans::{Account, Billing};
use super::team_month::{Held, arrival_offers, bill_month, exit_seat, team_offer};
pub use super::team_month::{TeamMenuScratch, TeamSinks};
use super::trial::Trial;
use super::user::UserLife;
use crate::results::Totals;

/// Lives the account of `lives` (its seats, lived to the horizon and cut by seat churn only;
/// `lives[0]` its first seat) in menu mode with `taste` (the first seat's Gumbel draws) and the
/// seats' `values`, adding the results to `sinks`. `leave_u` are the first seat's churn
/// uniforms to the horizon (kept before seat churn cut its life).
pub fn live_team_menu(
    trial: &Trial,
    lives: &[UserLife],
    leave_u: &[f64],
    values: &[f64],
    taste: &Taste,
    scratch: &mut TeamMenuScratch,
    sinks: &mut TeamSinks<'_>,
) {
    let n = trial.plans();
    let k = lives.len();
    let n_months = trial.months();
    let first = &lives[0];
    let seg = first.segment;
    let segs = trial.segments.len();
    let s = &trial.segments[seg];
    let m0 = first.start;
    let horizon = lives.iter().map(|l| l.demand.len()).max().unwrap_or(0);
    scratch.plans.resize(k.max(scratch.plans.len()), Vec::new());
    for t in &mut scratch.plans[..k] {
        t.clear();
        t.resize(n, Totals::default());
    }
    scratch.offers.clear();
    scratch.offers.resize(n, Offer::default());
    scratch.now.clear();
    scratch.now.resize(k, 0.0);
    scratch.last_bill.clear();
    scratch.last_bill.resize(k, 0.0);
    // Every seat active in month index `i` starts a term on the plan the account joins.
    let start_terms = |st: State, i: usize, terms: &mut Vec<Option<Term>>| {
        terms.clear();
        terms.extend(lives.iter().map(|l| match st {
            State::Plan(p) if l.demand.len() > i => commitment::start(trial, p, l),
            _ => None,
        }));
    };
    let fresh = |p: usize| Held {
        typical: vec![1.0; k],
        accounts: vec![trial.rules[p].open(first.top_up_u); k],
    };
    let option = |st: State| st.option(n);
    let value_at = |i: usize| -> f64 {
        lives
            .iter()
            .zip(values)
            .filter(|(l, _)| l.demand.len() > i)
            .map(|(_, v)| v)
            .sum()
    };
    // Breakage of pooled accounts per plan, split over the seats billed on it at the end.
    let mut pooled_breakage = vec![0.0; n];
    let mut counted = vec![false; n];
    let mut typical = vec![1.0; k];

    let v0 = value_at(0);
    arrival_offers(trial, lives, values, &mut scratch.offers);
    let mut state = State::chosen(pick(trial, &scratch.offers, taste));
    for o in 0..=n {
        sinks.choices[o * segs + seg].choosers += 1;
    }
    let c = &mut sinks.choices[option(state) * segs + seg];
    c.chosen_at_start += 1;
    c.value += v0;
    if let State::Plan(p) = state {
        c.expected_bill += scratch.offers[p].bill;
        c.surplus += scratch.offers[p].surplus;
    }
    let mut held = match state {
        State::Plan(p) => fresh(p),
        _ => fresh(0),
    };
    start_terms(state, 0, &mut scratch.terms);
    let mut basis = Held {
        typical: held.typical.clone(),
        accounts: held.accounts.clone(),
    };
    let shock_factor = 1.0 + trial.market.shock_threshold;
    let mut rechoose_next = false;
    let mut lived = 0;
    let mut tenure = 0;
    let close = |p: usize, held: &mut Held, plans: &mut [Vec<Totals>], pooled: &mut [f64]| {
        if trial.per_seat[p] {
            trial.rules[p].close(&mut held.accounts[0]);
            pooled[p] += held.accounts[0].expired;
        } else {
            for (j, a) in held.accounts.iter_mut().enumerate() {
                trial.rules[p].close(a);
                plans[j][p].breakage_credits += a.expired;
            }
        }
    };
    for (i, &leave) in leave_u.iter().enumerate().take(horizon) {
        let m = m0 + i;
        lived = i + 1;
        let rechoose = trial.market.rechoose.due(rechoose_next);
        if i > 0 && rechoose && state != State::Gone {
            for (t, l) in typical.iter_mut().zip(lives) {
                if l.demand.len() > i {
                    *t = l.noise[i - 1];
                }
            }
            let v = value_at(i);
            for p in 0..n {
                let (h, at) = if state == State::Plan(p) {
                    (
                        Held {
                            typical: typical.clone(),
                            accounts: held.accounts.clone(),
                        },
                        At { month: m, tenure },
                    )
                } else {
                    (
                        Held {
                            typical: typical.clone(),
                            ..fresh(p)
                        },
                        At {
                            month: m,
                            tenure: 0,
                        },
                    )
                };
                scratch.offers[p] = team_offer(trial, p, (at, i), lives, &h, v);
            }
            let new = State::chosen(pick(trial, &scratch.offers, taste));
            if new != state {
                sinks.choices[option(state) * segs + seg].switched_out += 1;
                sinks.choices[option(new) * segs + seg].switched_in += 1;
                if let State::Plan(p) = state {
                    close(p, &mut held, &mut scratch.plans, &mut pooled_breakage);
                    // Each seat owes its exit true-up in the last month on the plan.
                    for j in 0..k {
                        exit_seat(trial, p, j, m - 1, scratch, sinks);
                    }
                }
                if let (State::Plan(p), State::NonAdopter) = (state, new) {
                    // Leaving a plan for nothing is leaving the product: churn on that plan
                    // for every seat still in the team.
                    for (j, l) in lives.iter().enumerate() {
                        if l.demand.len() > i {
                            scratch.plans[j][p].churned_users = 1;
                        }
                    }
                }
                state = state.then(new);
                held = match state {
                    State::Plan(q) => fresh(q),
                    _ => fresh(0),
                };
                start_terms(state, i, &mut scratch.terms);
                tenure = 0;
            }
            held.typical.clone_from(&typical);
            basis.typical.clone_from(&typical);
            basis.accounts.clone_from(&held.accounts);
        }

        let mut shocked = false;
        let active = lives.iter().filter(|l| l.demand.len() > i).count();
        if let State::Plan(p) = state {
            shocked = bill_month(
                trial,
                p,
                (m, i, tenure),
                lives,
                &mut held,
                &basis,
                scratch,
                sinks,
                shock_factor,
                &mut counted,
            );
            tenure += 1;
        }
        let pop = &mut sinks.population[m];
        pop.arrived += k as u64;
        pop.gone += (k - active) as u64;
        let a = active as u64;
        state.count(trial, pop, a);
        // Seats leaving alone after this month (seat churn) close their own accounts.
        for (j, l) in lives.iter().enumerate() {
            if let State::Plan(p) = state
                && l.demand.len() == i + 1
                && l.left
            {
                scratch.plans[j][p].churned_users = 1;
                if !trial.per_seat[p] {
                    trial.rules[p].close(&mut held.accounts[j]);
                    scratch.plans[j][p].breakage_credits += held.accounts[j].expired;
                    held.accounts[j] = Account::default();
                    exit_seat(trial, p, j, m, scratch, sinks);
                }
            }
        }
        let still = lives.iter().filter(|l| l.demand.len() > i + 1).count();
        if state != State::Gone && m + 1 < n_months {
            let extra = if shocked { s.shock_churn } else { 0.0 };
            if still == 0 || leave < (s.churn + extra).min(1.0) {
                if let State::Plan(p) = state {
                    for (j, l) in lives.iter().enumerate() {
                        if l.demand.len() > i + 1 {
                            scratch.plans[j][p].churned_users = 1;
                        }
                    }
                    close(p, &mut held, &mut scratch.plans, &mut pooled_breakage);
                    for j in 0..k {
                        exit_seat(trial, p, j, m, scratch, sinks);
                    }
                    held = fresh(0);
                }
                state = State::Gone;
                break;
            }
        }
        rechoose_next = shocked;
    }
    for pop in &mut sinks.population[m0 + lived..] {
        pop.arrived += k as u64;
        pop.gone += k as u64;
    }
    match state {
        State::Plan(p) => {
            if trial.per_seat[p] {
                pooled_breakage[p] += held.accounts[0].expired;
            } else {
                for (j, a) in held.accounts.iter().enumerate() {
                    scratch.plans[j][p].breakage_credits += a.expired;
                    scratch.plans[j][p].trueup_open += scratch.terms[j].map_or(0.0, |t| t.open());
                }
            }
            sinks.choices[p * segs + seg].subscribers_end += 1;
        }
        State::NonAdopter => sinks.choices[n * segs + seg].subscribers_end += 1,
        State::Gone => {}
    }
    for (p, b) in pooled_breakage.iter().enumerate() {
        let billed = scratch.plans[..k].iter().filter(|t| t[p].users > 0).count();
        if billed > 0 {
            for t in &mut scratch.plans[..k] {
                if t[p].users > 0 {
                    t[p].breakage_credits += b / billed as f64;
                }
            }
        }
    }
    finish(trial, lives, &mut scratch.plans[..k], sinks.rows);
}

/// Each seat's per-row totals from its per-plan sums (profit and loss per plan), and the
/// portfolio row as the sum of our plans with the seat counted once and the account once (on
/// the first seat that counts it on one of our plans).
fn finish(trial: &Trial, lives: &[UserLife], plans: &mut [Vec<Totals>], rows: &mut [Vec<Totals>]) {
    let mut account_done = false;
    for ((seat, row), _) in plans.iter_mut().zip(rows.iter_mut()).zip(lives) {
        for r in row.iter_mut() {
            *r = Totals::default();
        }
        let mut portfolio = Totals::default();
        for (p, t) in seat.iter_mut().enumerate() {
            t.profit = t.revenue - t.cost - t.fees - t.overhead;
            t.loss_users = u64::from(t.users > 0 && t.profit < 0.0);
            if let Some(r) = trial.row[p] {
                row[r] = *t;
                portfolio.add(t);
            }
        }
        if let Some(r) = trial.market.portfolio {
            portfolio.users = portfolio.users.min(1);
            portfolio.accounts = u64::from(portfolio.users > 0 && !account_done);
            account_done |= portfolio.accounts > 0;
            portfolio.churned_users = portfolio.churned_users.min(1);
            portfolio.loss_users = u64::from(portfolio.users > 0 && portfolio.profit < 0.0);
            row[r] = portfolio;
        }
    }
}
