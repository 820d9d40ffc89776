//! Teams: accounts of several seats, how they end, and how a `per_seat` plan bills them.
//!
//! A team segment's users are dealt into accounts in user order ([`seats_of`] rounds the drawn
//! team size). Each seat is lived from its own streams as any user, every month to the horizon,
//! and then ended ([`end_seats`]): the whole account leaves after month m when its first seat's
//! churn uniform of m is below `monthly_churn`; a seat leaves alone after month m when
//! its own seat-churn uniform of m (its seat-churn stream) is below `seat_churn`. A plan without `per_seat`
//! bills each seat on its own ([`super::accounting::bill_plan`]). A `per_seat` plan bills the
//! account ([`bill_account`]): each month, the rule for its active seats
//! ([`super::Billing::seats`]) meters the seats' summed usage on one account (one allowance,
//! one credit balance, one cap) at the month's price factors, with loyalty from the account's
//! tenure; the served share applies to every seat alike, and one payment fee is paid on the
//! account's bill. The account's month revenue, cost, fees and overhead are
//! split over its active seats in proportion to their demand that month (equally when it is
//! 0), so a seat's profit is its share of the account's; served tokens, retail value and
//! successes are the seat's own.

use rand::{Rng, RngExt};

use super::accounting::cost_and_fees;
use super::plans::Usage;
use super::trial::Trial;
use super::user::UserLife;
use super::{Account, Billing};
use crate::results::{MonthTotals, Totals};

/// Whole seats from a drawn team size: rounded half away from zero, at least 1 (the config
/// keeps the draw in [1, 100000]).
pub fn seats_of(x: f64) -> u64 {
    (x.round() as u64).max(1)
}

/// The last active month index (from arrival) of a life lived to the horizon: the first month
/// i before the horizon's last whose uniform `u(i)` is below `p`, else its last month.
fn last_month(life: &UserLife, n_months: usize, p: f64, mut u: impl FnMut(usize) -> f64) -> usize {
    let len = life.demand.len();
    (0..len)
        .find(|&i| life.start + i + 1 < n_months && u(i) < p)
        .unwrap_or(len - 1)
}

/// Ends the seats of one account, lived to the horizon with churn 0 (`lives[0]` is the
/// account's first seat): the account's last month comes from the first seat's churn uniforms
/// and the segment's `monthly_churn`; each seat's own from the uniforms of `seat_rng(j)` (one
/// per month from arrival until the seat leaves, none in the horizon's last month; none at all
/// when `seat_churn` is 0) and `seat_churn`. Each life is cut
/// after its last month, `left` set when that is before the horizon's last month.
pub fn end_seats<R: Rng>(trial: &Trial, lives: &mut [UserLife], seat_rng: impl FnMut(usize) -> R) {
    let churn = lives
        .first()
        .map_or(0.0, |l| trial.segments[l.segment].churn);
    end_seats_at(trial, lives, churn, seat_rng);
}

/// [`end_seats`] with the account's churn probability `churn` (menu mode passes 0: there the
/// account's leaving is decided month by month, with its shocks).
pub fn end_seats_at<R: Rng>(
    trial: &Trial,
    lives: &mut [UserLife],
    churn: f64,
    mut seat_rng: impl FnMut(usize) -> R,
) {
    let Some(first) = lives.first() else {
        return;
    };
    let n_months = trial.months();
    let seg = &trial.segments[first.segment];
    let account_last = last_month(first, n_months, churn, |i| first.leave_u[i]);
    for (j, life) in lives.iter_mut().enumerate() {
        let last = if seg.seat_churn > 0.0 {
            let mut rng = seat_rng(j);
            last_month(life, n_months, seg.seat_churn, |_| rng.random::<f64>()).min(account_last)
        } else {
            account_last
        };
        let keep = last + 1;
        life.demand.truncate(keep);
        life.noise.truncate(keep);
        life.leave_u.truncate(keep);
        life.tasks.truncate(keep);
        life.left = life.start + keep < n_months;
    }
}

/// Bills the account of `lives` (its seats, ended by [`end_seats`], all arriving together) on
/// `per_seat` plan `p`, adding the month sums to `months[m]` (every active seat counted as an
/// active user); `seats[j]` becomes seat j's totals (the account counted once, on seat 0).
/// Returns the account (its credit ledger). Top-ups are bought when the first seat's top-up
/// uniform says so.
pub fn bill_account(
    trial: &Trial,
    p: usize,
    lives: &[UserLife],
    months: &mut [MonthTotals],
    seats: &mut [Totals],
) -> Account {
    let base = &trial.rules[p];
    let first = &lives[0];
    let seg = &trial.segments[first.segment];
    let n_months = trial.months();
    let response: Vec<f64> = lives
        .iter()
        .map(|l| l.response(trial.response[p]))
        .collect();
    let k_meter: Vec<f64> = lives
        .iter()
        .map(|l| base.meter().per_output_token(&l.mix))
        .collect();
    let mut account = base.open(first.top_up_u);
    let fresh = account;
    let shock_factor = 1.0 + trial.market.shock_threshold;
    let horizon = lives.iter().map(|l| l.demand.len()).max().unwrap_or(0);
    let mut rule = (0, base.clone());
    // Each seat's output tokens this month under the plan; -1 once it is gone.
    let mut now = vec![0.0; lives.len()];
    for (j, t) in seats.iter_mut().enumerate() {
        *t = Totals {
            users: 1,
            accounts: u64::from(j == 0),
            ..Totals::default()
        };
    }
    for i in 0..horizon {
        let m = first.start + i;
        let growth = seg.growth[i];
        let (mut usage, mut expected) = (pooled(first), pooled(first));
        let mut n = 0;
        for (j, l) in lives.iter().enumerate() {
            if l.demand.len() <= i {
                now[j] = -1.0;
                continue;
            }
            n += 1;
            let u = l.work(i).usage(response[j], &l.mix, k_meter[j]);
            let e = l
                .expected(1.0, growth)
                .usage(response[j], &l.mix, k_meter[j]);
            now[j] = u.output_tokens;
            add(&mut usage, &u);
            add(&mut expected, &e);
        }
        if n != rule.0 {
            rule = (n, base.seats(n as f64));
        }
        // The month's price factors, and loyalty from the account's tenure (months since its
        // arrival), exactly as for a user alone.
        let keep = trial.prices[p].keep(i);
        let mb = rule.1.month(&mut account, trial.priced(p, m, usage));
        let bill = mb.bill * keep;
        let exp = rule
            .1
            .month(&mut fresh.clone(), trial.priced(p, m, expected))
            .bill
            * keep;
        let mut cost0 = 0.0;
        let mut served = 0.0;
        for (j, l) in lives.iter().enumerate() {
            if now[j] >= 0.0 {
                let s = now[j] * mb.served;
                served += s;
                cost0 += s * l.k_cost;
            }
        }
        let (cost, fees) = cost_and_fees(trial, m, cost0, bill);
        let overhead = trial.per_user_month * n as f64;
        let profit = bill - cost - fees - overhead;
        for (j, l) in lives.iter().enumerate() {
            let out = now[j];
            if out < 0.0 {
                continue;
            }
            let w = if usage.output_tokens > 0.0 {
                out / usage.output_tokens
            } else {
                1.0 / n as f64
            };
            let t = &mut seats[j];
            let s = out * mb.served;
            t.revenue += bill * w;
            t.cost += cost * w;
            t.fees += fees * w;
            t.overhead += overhead * w;
            t.profit += profit * w;
            t.served_output_tokens += s;
            t.retail_value += s * trial.retail_decline[m] * l.k_retail;
            t.active_user_months += 1;
            if l.is_tasks {
                t.successes += l.successes[i];
            }
        }
        months[m].add_billed(&MonthTotals {
            active_users: n as u64,
            revenue: bill,
            cost,
            fees,
            demanded_output_tokens: usage.output_tokens,
            served_output_tokens: served,
            shock_users: n as u64 * u64::from(bill > shock_factor * exp),
            ..MonthTotals::default()
        });
    }
    if first.start + horizon < n_months {
        rule.1.close(&mut account);
    }
    let breakage = account.expired / lives.len() as f64;
    for (t, l) in seats.iter_mut().zip(lives) {
        t.loss_users = u64::from(t.profit < 0.0);
        t.churned_users = u64::from(l.left);
        t.breakage_credits = breakage;
    }
    account
}

/// An empty pooled month (the first seat's mix stands for the account's: no kind bills by it).
pub(super) fn pooled(first: &UserLife) -> Usage<'_> {
    Usage {
        output_tokens: 0.0,
        mix: &first.mix,
        metered: 0.0,
        tasks: 0.0,
        successes: 0.0,
        price_factor: 1.0,
        rate_factor: 1.0,
    }
}

/// Adds one seat's month to the pooled month.
pub(super) fn add(to: &mut Usage<'_>, u: &Usage<'_>) {
    to.output_tokens += u.output_tokens;
    to.metered += u.metered;
    to.tasks += u.tasks;
    to.successes += u.successes;
}
