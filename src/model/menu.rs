//! A user's life in menu mode: they choose one option at arrival, are billed on the plan they
//! hold, may be shocked by a bill, choose again, switch or leave.
//!
//! The order within a month: arrivals join and choose; re-choices happen; demand is drawn (it
//! was, in the plan-independent life); the user is billed on their plan; the shock test; churn.
//! A shock is a month whose bill exceeds (1 + shock_threshold) x the bill at the expected demand
//! of that month, calculated as at the user's last choice (their typical demand then, the
//! month's growth, the account they held then). After a shock month the user leaves with
//! probability monthly_churn + shock_churn (capped at 1), tested with the month's churn
//! uniform; churn applies to every user who has arrived and is not gone, non-adopters
//! included. `after_shock`: a shocked user who stays chooses again at the start of the next
//! month; `monthly`: everyone not gone does. At a re-choice the typical demand becomes D x the
//! previous month's noise (that month's realised demand before usage_response, without its
//! growth; on a task segment the typical tasks become N x that noise, and an expected month has
//! round(typical x growth) tasks and tasks x success rate successes). Choosing the plan one
//! holds keeps the account; moving to another plan expires the old account's balance (breakage
//! on the old plan) and opens a fresh one; a user on a plan who chooses none is gone.
//!
//! Prices: every bill, offer and expected bill of month m is at month m's price factors. A
//! user's tenure on a plan counts their billed months on it; it starts at 0 when they join the
//! plan (at arrival or by a switch) and is kept when they choose the plan they hold. The
//! loyalty discount applies to the bill of a month whose tenure index is at least its
//! `after_months`, to the expected bill of the shock test that month, and to offers at the
//! tenure the user would have: their tenure on the plan they hold, 0 on any other.
//!
//! Commitments ([`super::commitment`]): a user's terms on a plan start when they join it and
//! carry on while they keep choosing it. A term's last month adds its true-up to the bill
//! (after the shock test, which compares the bill without it); a user who leaves or moves to
//! another plan (or to none) mid-term owes the exit true-up in their last month on the plan,
//! whose fees are then those of the month's whole bill. A commitment's offer is
//! max(amount / term_months, the expected bill) ([`super::choice::offer`]).

use super::accounting::cost_and_fees;
use super::choice::{At, Offer, Taste, offer, pick};
use super::commitment::{self, Term};
use super::menu_share::{Share, finish, repeat};
pub use super::menu_state::Sinks;
pub(super) use super::menu_state::State;
use super::plans::{Account, Billing};
use super::trial::Trial;
use super::user::UserLife;
use crate::results::{MonthTotals, Totals};

/// Per-user scratch, reused from user to user.
#[derive(Default)]
pub struct Scratch {
    /// The user's totals per plan (external plans included).
    plans: Vec<Totals>,
    /// Each plan's offer at the latest choice.
    offers: Vec<Offer>,
}

/// Lives `life` in menu mode with `taste`, adding the user's results to `sinks`.
pub fn live_menu(
    trial: &Trial,
    life: &UserLife,
    taste: &Taste,
    scratch: &mut Scratch,
    sinks: &mut Sinks<'_>,
) {
    live_menu_with(trial, life, taste, Share::Alone, scratch, sinks);
}

/// [`live_menu`] at a point of a sweep: the first point records the user's life, a later one
/// reuses the offers at arrival of the plans it shares with the first and repeats the first
/// point's life where it can ([`super::menu_share`]).
pub fn live_menu_with(
    trial: &Trial,
    life: &UserLife,
    taste: &Taste,
    mut share: Share<'_>,
    scratch: &mut Scratch,
    sinks: &mut Sinks<'_>,
) {
    let n = trial.plans();
    let n_months = trial.months();
    let seg = life.segment;
    let segs = trial.segments.len();
    let s = &trial.segments[seg];
    let m0 = life.start;
    scratch.plans.clear();
    scratch.plans.resize(n, Totals::default());
    scratch.offers.clear();
    scratch.offers.resize(n, Offer::default());
    let fresh = |p: usize| trial.rules[p].open(life.top_up_u);
    let option = |st: State| st.option(n);

    // The choice at arrival, on fresh accounts.
    // The typical month as a multiple of D (of N on a task segment).
    let mut typical = 1.0;
    let joining = At {
        month: m0,
        tenure: 0,
    };
    for p in 0..n {
        scratch.offers[p] = match &share {
            Share::Next { first, same, .. } if same[p] => first.arrival[p],
            _ => {
                let work = life.expected(typical, 1.0);
                offer(trial, p, joining, work, taste.value, life, &fresh(p))
            }
        };
    }
    let mut state = State::chosen(pick(trial, &scratch.offers, taste));
    for o in 0..=n {
        sinks.choices[o * segs + seg].choosers += 1;
    }
    let c = &mut sinks.choices[option(state) * segs + seg];
    c.chosen_at_start += 1;
    c.value += taste.value;
    if let State::Plan(p) = state {
        c.expected_bill += scratch.offers[p].bill;
        c.surplus += scratch.offers[p].surplus;
    }
    if repeat(trial, life, state, &share, sinks) {
        return;
    }
    let mut account = match state {
        State::Plan(p) => fresh(p),
        _ => Account::default(),
    };
    let start_term = |st: State| -> Option<Term> {
        match st {
            State::Plan(p) => commitment::start(trial, p, life),
            _ => None,
        }
    };
    let mut term = start_term(state);
    if let Share::First(rec) = &mut share {
        rec.arrival.clone_from(&scratch.offers);
        rec.simple = term.is_none();
        rec.state = Some(state);
        rec.months.clear();
    }
    // The last month billed on the plan held and its bill (for an exit true-up).
    let (mut last_month, mut last_bill) = (m0, 0.0);
    // The basis of the shock test: typical demand and account at the latest choice.
    let (mut basis_typical, mut basis_account) = (typical, account);
    let shock_factor = 1.0 + trial.market.shock_threshold;
    let mut rechoose_next = false;
    let mut lived = 0;
    // Billed months on the plan held.
    let mut tenure = 0;
    for i in 0..life.demand.len() {
        let m = m0 + i;
        lived = i + 1;
        let rechoose = trial.market.rechoose.due(rechoose_next);
        if i > 0 && rechoose && state != State::Gone {
            if let Share::First(rec) = &mut share {
                rec.simple = false;
            }
            typical = life.noise[i - 1];
            for p in 0..n {
                let (held, at) = if state == State::Plan(p) {
                    (account, At { month: m, tenure })
                } else {
                    (
                        fresh(p),
                        At {
                            month: m,
                            tenure: 0,
                        },
                    )
                };
                let work = life.expected(typical, s.growth[i]);
                scratch.offers[p] = offer(trial, p, at, work, taste.value, life, &held);
            }
            let new = State::chosen(pick(trial, &scratch.offers, taste));
            if new != state {
                sinks.choices[option(state) * segs + seg].switched_out += 1;
                sinks.choices[option(new) * segs + seg].switched_in += 1;
                if let State::Plan(p) = state {
                    trial.rules[p].close(&mut account);
                    scratch.plans[p].breakage_credits += account.expired;
                    if let Some(t) = term.as_mut() {
                        let trueup = t.exit();
                        bill_exit(trial, p, last_month, last_bill, trueup, scratch, sinks);
                    }
                }
                if let (State::Plan(p), State::NonAdopter) = (state, new) {
                    // Leaving a plan for nothing is leaving the product: churn on that plan.
                    scratch.plans[p].churned_users = 1;
                }
                state = state.then(new);
                account = match state {
                    State::Plan(q) => fresh(q),
                    _ => Account::default(),
                };
                term = start_term(state);
                tenure = 0;
            }
            basis_typical = typical;
            basis_account = account;
        }

        let mut shocked = false;
        if let State::Plan(p) = state {
            let rule = &trial.rules[p];
            let k_meter = rule.meter().per_output_token(&life.mix);
            let response = life.response(trial.response[p]);
            let work = life.work(i);
            let mut usage = work.usage(response, &life.mix, k_meter);
            let mut expected_usage = life
                .expected(basis_typical, s.growth[i])
                .usage(response, &life.mix, k_meter);
            // A plan whose prices never move bills at factors of exactly 1, not loaded.
            let (keep, retail_m) = if trial.prices[p].moves {
                usage = trial.priced(p, m, usage);
                expected_usage = trial.priced(p, m, expected_usage);
                (trial.prices[p].keep(tenure), trial.retail_decline[m])
            } else {
                (1.0, 1.0)
            };
            let out = usage.output_tokens;
            let mb = rule.month(&mut account, usage);
            let bill = mb.bill * keep;
            let expected = rule.month(&mut basis_account.clone(), expected_usage).bill * keep;
            shocked = bill > shock_factor * expected;
            tenure += 1;
            // The true-up of a term's last month (the shock test is without it).
            let bill = match term.as_mut() {
                None => bill,
                Some(t) => {
                    let trueup = t.month(bill);
                    scratch.plans[p].trueup_revenue += trueup;
                    bill + trueup
                }
            };
            (last_month, last_bill) = (m, bill);
            let served = out * mb.served;
            let (cost, fees) = cost_and_fees(trial, m, served * life.k_cost, bill);
            let t = &mut scratch.plans[p];
            t.users = 1;
            t.revenue += bill;
            t.cost += cost;
            t.fees += fees;
            t.served_output_tokens += served;
            // Served tokens x the month's retail factor; x k(retail) at the end (`finish`).
            t.retail_value += served * retail_m;
            t.active_user_months += 1;
            t.successes += work.successes;
            // Our plan's row and the portfolio's; an external plan has neither.
            let rows = trial.row[p].map(|r| [Some(r), trial.market.portfolio]);
            let billed = MonthTotals {
                active_users: 1,
                revenue: bill,
                cost,
                fees,
                demanded_output_tokens: out,
                served_output_tokens: served,
                shock_users: u64::from(shocked),
                ..MonthTotals::default()
            };
            for r in rows.into_iter().flatten().flatten() {
                sinks.months[r * n_months + m].add_billed(&billed);
            }
            if let Share::First(rec) = &mut share {
                rec.months.push((m, billed));
            }
        }
        let pop = &mut sinks.population[m];
        pop.arrived += 1;
        state.count(trial, pop, 1);

        if state != State::Gone && m + 1 < n_months {
            let extra = if shocked { s.shock_churn } else { 0.0 };
            if life.leave_u[i] < (s.churn + extra).min(1.0) {
                if let State::Plan(p) = state {
                    trial.rules[p].close(&mut account);
                    scratch.plans[p].breakage_credits += account.expired;
                    scratch.plans[p].churned_users = 1;
                    if let Some(t) = term.as_mut() {
                        let trueup = t.exit();
                        bill_exit(trial, p, m, last_bill, trueup, scratch, sinks);
                    }
                    account = Account::default();
                }
                state = State::Gone;
                break;
            }
        }
        rechoose_next = shocked;
    }
    for pop in &mut sinks.population[m0 + lived..] {
        pop.arrived += 1;
        pop.gone += 1;
    }
    match state {
        State::Plan(p) => {
            scratch.plans[p].breakage_credits += account.expired;
            scratch.plans[p].trueup_open += term.map_or(0.0, |t| t.open());
            sinks.choices[p * segs + seg].subscribers_end += 1;
        }
        State::NonAdopter => sinks.choices[n * segs + seg].subscribers_end += 1,
        State::Gone => {}
    }
    finish(trial, life, &mut scratch.plans, sinks.rows);
    if let Share::First(rec) = share {
        rec.lived = lived;
        rec.end = Some(state);
        rec.rows.clear();
        rec.rows.extend_from_slice(sinks.rows);
    }
}

/// Adds an exit true-up `trueup` of plan `p` to month `m`, whose bill on the plan was `bill`:
/// the revenue, and the fees of the larger bill less those already paid.
fn bill_exit(
    trial: &Trial,
    p: usize,
    m: usize,
    bill: f64,
    trueup: f64,
    scratch: &mut Scratch,
    sinks: &mut Sinks<'_>,
) {
    if trueup <= 0.0 {
        return;
    }
    let fees = cost_and_fees(trial, m, 0.0, bill + trueup).1 - cost_and_fees(trial, m, 0.0, bill).1;
    let t = &mut scratch.plans[p];
    t.revenue += trueup;
    t.fees += fees;
    t.trueup_revenue += trueup;
    let n_months = trial.months();
    let rows = trial.row[p].map(|r| [Some(r), trial.market.portfolio]);
    for r in rows.into_iter().flatten().flatten() {
        let acc = &mut sinks.months[r * n_months + m];
        acc.revenue += trueup;
        acc.fees += fees;
    }
}
