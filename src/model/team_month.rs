//! One month of a team account in menu mode ([`super::team_menu`]): plan p's offer to the
//! account at its expected month (pooled on a `per_seat` plan, the seats' own bills summed
//! otherwise; the served share of the account's expected demand; the summed value; anxiety once
//! per account), and the billed month with its shock test and its split over the seats. On a
//! committed plan each seat's offer is at least its amount / term_months, and each seat's month
//! runs its own term: its true-ups, and its exit true-up ([`exit_seat`]).

use super::accounting::cost_and_fees;
use super::choice::{At, Offer, expected_month};
use super::commitment::Term;
use super::plans::{Account, Billing};
use super::team::{add, pooled};
use super::trial::Trial;
use super::user::UserLife;
use crate::results::{ChoiceTotals, MonthTotals, PopulationMonth, Totals};

/// Where one account's results go.
pub struct TeamSinks<'a> {
    /// `[seat][row]`: each seat's totals per row (our plans, then the portfolio).
    pub rows: &'a mut [Vec<Totals>],
    /// `[row * months + month]`.
    pub months: &'a mut [MonthTotals],
    /// `[option * segments + segment]`, counting accounts.
    pub choices: &'a mut [ChoiceTotals],
    /// `[month]`, counting seats.
    pub population: &'a mut [PopulationMonth],
}

/// Per-account scratch, reused from account to account.
#[derive(Default)]
pub struct TeamMenuScratch {
    /// `[seat][plan]`: each seat's totals per plan (external plans included).
    pub(super) plans: Vec<Vec<Totals>>,
    /// Each plan's offer at the latest choice.
    pub(super) offers: Vec<Offer>,
    /// Each seat's output tokens this month under the plan held.
    pub(super) now: Vec<f64>,
    /// Each seat's running commitment term on the plan held (`None` without one, or once the
    /// seat left it).
    pub(super) terms: Vec<Option<Term>>,
    /// Each seat's last bill on the plan held (true-ups included), for an exit true-up.
    pub(super) last_bill: Vec<f64>,
}

/// The account's choice state: per seat its typical demand and held account.
pub(super) struct Held {
    /// Per seat, its typical month as a multiple of its D (of its N on a task segment).
    pub(super) typical: Vec<f64>,
    /// Per seat, its account (a `per_seat` plan uses the first).
    pub(super) accounts: Vec<Account>,
}

/// The account's offer from plan `p` at `at` (month index `i` from arrival), on the accounts
/// `held` (one per seat; a `per_seat` plan uses the first), with the active seats' `value`.
pub(super) fn team_offer(
    trial: &Trial,
    p: usize,
    (at, i): (At, usize),
    lives: &[UserLife],
    held: &Held,
    value: f64,
) -> Offer {
    let (bill, share, _) = expected(trial, p, (at, i), lives, held, true);
    let worth = value * trial.quality[p] * share.min(1.0).powf(trial.market.value_curvature);
    Offer {
        bill,
        served: share,
        surplus: worth - bill - trial.anxiety[p],
    }
}

/// The account's expected bill (after loyalty), served share of its expected demand, and
/// active seats, on plan `p` at `at` (month index `i`). With `floor` (an offer, not the shock
/// test) a seat's expected bill on a committed plan is at least its amount / term_months.
fn expected(
    trial: &Trial,
    p: usize,
    (at, i): (At, usize),
    lives: &[UserLife],
    held: &Held,
    floor: bool,
) -> (f64, f64, usize) {
    let rule = &trial.rules[p];
    let growth = trial.segments[lives[0].segment].growth[i];
    let (mut demand, mut served, mut shares, mut n) = (0.0, 0.0, 0.0, 0);
    if trial.per_seat[p] {
        let mut usage = pooled(&lives[0]);
        for (l, t) in lives.iter().zip(&held.typical) {
            if l.demand.len() > i {
                let w = l.expected(*t, growth);
                let u = w.usage(
                    l.response(trial.response[p]),
                    &l.mix,
                    rule.meter().per_output_token(&l.mix),
                );
                demand += w.output_tokens;
                served += u.output_tokens;
                shares += l.response(trial.response[p]);
                add(&mut usage, &u);
                n += 1;
            }
        }
        let mb = rule.seats(n as f64).month(
            &mut held.accounts[0].clone(),
            trial.priced(p, at.month, usage),
        );
        let bill = mb.bill * trial.prices[p].keep(at.tenure);
        let share = if demand > 0.0 {
            served * mb.served / demand
        } else {
            shares * mb.served / n.max(1) as f64
        };
        return (bill, share, n);
    }
    let mut bill = 0.0;
    for ((l, t), a) in lives.iter().zip(&held.typical).zip(&held.accounts) {
        if l.demand.len() > i {
            let w = l.expected(*t, growth);
            let (b, s) = expected_month(trial, p, at, w, l, a);
            let r = l.response(trial.response[p]);
            // A seat's commitment bills at least amount / term_months a month on average.
            bill += match &trial.commits[p] {
                Some(c) if floor => b.max(l.commit[p] / c.term as f64),
                _ => b,
            };
            demand += w.output_tokens;
            served += w.output_tokens * r * s;
            shares += r * s;
            n += 1;
        }
    }
    let share = if demand > 0.0 {
        served / demand
    } else {
        shares / n.max(1) as f64
    };
    (bill, share, n)
}

/// Each plan's offer to the account of `lives` (with the seats' `values`) at its arrival, on
/// fresh accounts, into `offers`.
pub fn arrival_offers(trial: &Trial, lives: &[UserLife], values: &[f64], offers: &mut [Offer]) {
    let k = lives.len();
    let value = values.iter().sum();
    let at = At {
        month: lives[0].start,
        tenure: 0,
    };
    for (p, o) in offers.iter_mut().enumerate() {
        let fresh = Held {
            typical: vec![1.0; k],
            accounts: vec![trial.rules[p].open(lives[0].top_up_u); k],
        };
        *o = team_offer(trial, p, (at, 0), lives, &fresh, value);
    }
}

/// Bills month `m` (index `i`, the account's tenure `tenure`) on plan `p`: adds the seats'
/// shares to their totals and the month sums to `sinks`; returns whether the month shocked.
#[allow(clippy::too_many_arguments)]
pub(super) fn bill_month(
    trial: &Trial,
    p: usize,
    (m, i, tenure): (usize, usize, usize),
    lives: &[UserLife],
    held: &mut Held,
    basis: &Held,
    scratch: &mut TeamMenuScratch,
    sinks: &mut TeamSinks<'_>,
    shock_factor: f64,
    counted: &mut [bool],
) -> bool {
    let rule = &trial.rules[p];
    let response = trial.response[p];
    let keep = trial.prices[p].keep(tenure);
    let at = At { month: m, tenure };
    let (expected_bill, _, n) = expected(trial, p, (at, i), lives, basis, false);
    let (mut bill, mut cost, mut fees, mut demand, mut served) = (0.0, 0.0, 0.0, 0.0, 0.0);
    // The account's revenue: its bill with the seats' true-ups (the shock test is without them).
    let mut revenue = 0.0;
    let overhead = trial.per_user_month;
    let retail_m = trial.retail_decline[m];
    if trial.per_seat[p] {
        let mut usage = pooled(&lives[0]);
        for (j, l) in lives.iter().enumerate() {
            scratch.now[j] = -1.0;
            if l.demand.len() > i {
                let u = l.work(i).usage(
                    l.response(response),
                    &l.mix,
                    rule.meter().per_output_token(&l.mix),
                );
                scratch.now[j] = u.output_tokens;
                add(&mut usage, &u);
            }
        }
        let mb = rule
            .seats(n as f64)
            .month(&mut held.accounts[0], trial.priced(p, m, usage));
        bill = mb.bill * keep;
        let mut cost0 = 0.0;
        for (j, l) in lives.iter().enumerate() {
            if scratch.now[j] >= 0.0 {
                cost0 += scratch.now[j] * mb.served * l.k_cost;
            }
        }
        (cost, fees) = cost_and_fees(trial, m, cost0, bill);
        revenue = bill;
        demand = usage.output_tokens;
        for (j, l) in lives.iter().enumerate() {
            let out = scratch.now[j];
            if out < 0.0 {
                continue;
            }
            let w = if demand > 0.0 {
                out / demand
            } else {
                1.0 / n as f64
            };
            let s = out * mb.served;
            served += s;
            let t = &mut scratch.plans[j][p];
            t.users = 1;
            t.revenue += bill * w;
            t.cost += cost * w;
            t.fees += fees * w;
            t.overhead += overhead * n as f64 * w;
            t.served_output_tokens += s;
            t.retail_value += s * retail_m * l.k_retail;
            t.active_user_months += 1;
            if l.is_tasks {
                t.successes += l.successes[i];
            }
        }
    } else {
        for (j, l) in lives.iter().enumerate() {
            if l.demand.len() <= i {
                continue;
            }
            let work = l.work(i);
            let usage = trial.priced(
                p,
                m,
                work.usage(
                    l.response(response),
                    &l.mix,
                    rule.meter().per_output_token(&l.mix),
                ),
            );
            let out = usage.output_tokens;
            let mb = rule.month(&mut held.accounts[j], usage);
            let b = mb.bill * keep;
            bill += b;
            // The seat's true-up at its term's last month.
            let b = match scratch.terms[j].as_mut() {
                None => b,
                Some(t) => {
                    let trueup = t.month(b);
                    scratch.plans[j][p].trueup_revenue += trueup;
                    b + trueup
                }
            };
            scratch.last_bill[j] = b;
            let s = out * mb.served;
            let (c, f) = cost_and_fees(trial, m, s * l.k_cost, b);
            revenue += b;
            cost += c;
            fees += f;
            demand += out;
            served += s;
            let t = &mut scratch.plans[j][p];
            t.users = 1;
            t.revenue += b;
            t.cost += c;
            t.fees += f;
            t.overhead += overhead;
            t.served_output_tokens += s;
            t.retail_value += s * retail_m * l.k_retail;
            t.active_user_months += 1;
            t.successes += work.successes;
        }
    }
    if !counted[p] {
        counted[p] = true;
        if let Some(j) = lives.iter().position(|l| l.demand.len() > i) {
            scratch.plans[j][p].accounts = 1;
        }
    }
    let shocked = bill > shock_factor * expected_bill;
    let rows = trial.row[p].map(|r| [Some(r), trial.market.portfolio]);
    let billed = MonthTotals {
        active_users: n as u64,
        revenue,
        cost,
        fees,
        demanded_output_tokens: demand,
        served_output_tokens: served,
        shock_users: n as u64 * u64::from(shocked),
        ..MonthTotals::default()
    };
    for r in rows.into_iter().flatten().flatten() {
        sinks.months[r * trial.months() + m].add_billed(&billed);
    }
    shocked
}

/// Seat `j`'s exit from committed plan `p` after month `m`: the exit true-up of its open term
/// (if any; the term is closed) added to month `m`, whose bill to the seat was its last bill:
/// the revenue, and the fees of the larger bill less those already paid.
pub(super) fn exit_seat(
    trial: &Trial,
    p: usize,
    j: usize,
    m: usize,
    scratch: &mut TeamMenuScratch,
    sinks: &mut TeamSinks<'_>,
) {
    let Some(mut term) = scratch.terms[j].take() else {
        return;
    };
    let trueup = term.exit();
    if trueup <= 0.0 {
        return;
    }
    let bill = scratch.last_bill[j];
    let fees = cost_and_fees(trial, m, 0.0, bill + trueup).1 - cost_and_fees(trial, m, 0.0, bill).1;
    let t = &mut scratch.plans[j][p];
    t.revenue += trueup;
    t.fees += fees;
    t.trueup_revenue += trueup;
    let rows = trial.row[p].map(|r| [Some(r), trial.market.portfolio]);
    for r in rows.into_iter().flatten().flatten() {
        let acc = &mut sinks.months[r * trial.months() + m];
        acc.revenue += trueup;
        acc.fees += fees;
    }
}
