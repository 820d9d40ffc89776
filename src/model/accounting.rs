//! Accounting: what one user's months on one plan earn and cost. Bills come from the plan's
//! rule; serving cost, payment fees and overhead are added here, the same for every kind.
//!
//! Per month m: the plan sees demand x usage_response output tokens valued at its month-0 meter
//! card, with month m's price factors; from tenure index `after_months` (months since the
//! user's arrival) a loyalty discount cuts the rule's bill; served tokens cost their share of
//! the month-0 cost card times the decline factor of m, and are worth their share of the
//! month-0 retail card times the retail decline factor of m; every bill > 0 pays fee_rate x
//! bill + fee_fixed; each active month costs per_user_month. A month is a shock when its bill
//! exceeds (1 + shock_threshold) x the bill the same account would get at the user's expected
//! demand that month (base demand x growth, noise at its mean), at the same prices.

use super::plans::{RuleVisitor, Usage};
use super::trial::Trial;
use super::user::UserLife;
use super::{Account, Billing, Mix};
use crate::results::{MonthTotals, Totals};

/// One user's results on one plan.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UserOutcome {
    /// Whole-horizon totals (users, loss_users and churned_users are 0 or 1).
    pub totals: Totals,
    /// The account at the end (credit ledger).
    pub account: Account,
}

/// What one plan needs to bill a user's months, fixed for the user.
struct PlanUser<'a> {
    /// The plan's index.
    plan: usize,
    /// Demand in each active month.
    demand: &'a [f64],
    /// Expected demand of each active month (base x growth since arrival).
    expected: &'a [f64],
    /// The arrival month.
    start: usize,
    /// The user's prompt mix.
    mix: &'a Mix,
    /// usage_response of the plan.
    response: f64,
    /// Meter value of one output token (with its prompt tokens).
    k_meter: f64,
    /// Serving cost of one output token at month 0.
    k_cost: f64,
    /// Retail value of one output token.
    k_retail: f64,
    /// Base demand D.
    base: f64,
}

/// Serving cost and payment fees of one month: `cost0` is the month's served tokens at the
/// month-0 cost card; fees are paid on every bill > 0.
#[inline(always)]
pub fn cost_and_fees(trial: &Trial, m: usize, cost0: f64, bill: f64) -> (f64, f64) {
    let cost_m = cost0 * trial.decline[m];
    // Fees on every bill > 0 (branch-free).
    let fees_m = (trial.fee_rate * bill + trial.fee_fixed) * f64::from(u8::from(bill > 0.0));
    (cost_m, fees_m)
}

/// Bills every active month of `life` on plan `p`, adding the month sums (and the user as
/// active in each month) to `months[m]`; closes the account if the user left.
pub fn bill_plan(
    trial: &Trial,
    p: usize,
    life: &UserLife,
    months: &mut [MonthTotals],
) -> UserOutcome {
    let rule = &trial.rules[p];
    let growth = &trial.segments[life.segment].growth[..life.demand.len()];
    let pu = PlanUser {
        plan: p,
        demand: &life.demand,
        expected: growth,
        start: life.start,
        mix: &life.mix,
        response: trial.response[p],
        k_meter: rule.meter().per_output_token(&life.mix),
        k_cost: life.k_cost,
        k_retail: life.k_retail,
        base: life.base,
    };
    let mut o = UserOutcome::default();
    rule.visit(BillMonths {
        trial,
        pu: &pu,
        top_up_u: life.top_up_u,
        months,
        out: &mut o,
    });
    if life.left {
        rule.close(&mut o.account);
        o.totals.churned_users = 1;
    }
    o.totals.breakage_credits = o.account.expired;
    o
}

/// [`bill_months`] for the concrete kind of a rule, as a [`RuleVisitor`]. It writes the
/// outcome in place: returning it lets LLVM merge the kinds' tails (1% more instructions).
struct BillMonths<'a, 'b> {
    trial: &'a Trial,
    pu: &'a PlanUser<'b>,
    top_up_u: f64,
    months: &'a mut [MonthTotals],
    out: &'a mut UserOutcome,
}

impl RuleVisitor for BillMonths<'_, '_> {
    type Out = ();
    #[inline(always)]
    fn visit<B: Billing>(self, rule: &B) {
        let (trial, pu, u, months) = (self.trial, self.pu, self.top_up_u, self.months);
        *self.out = if trial.prices[pu.plan].moves {
            bill_months::<B, true>(rule, trial, pu, u, months)
        } else {
            bill_months::<B, false>(rule, trial, pu, u, months)
        };
    }
}

/// Bills every active month of one user on one plan (monomorphised per plan kind). With
/// `MOVES` false (the plan's prices and the retail card never move: every factor is exactly 1)
/// the factors are the constant 1, which gives the same results bit for bit without their
/// cost in the hot loop.
#[inline]
fn bill_months<B: Billing, const MOVES: bool>(
    rule: &B,
    trial: &Trial,
    pu: &PlanUser<'_>,
    top_up_u: f64,
    months: &mut [MonthTotals],
) -> UserOutcome {
    let mut account = rule.open(top_up_u);
    let fresh = account;
    let shock_factor = 1.0 + trial.market.shock_threshold;
    let (mut revenue, mut cost, mut fees, mut served) = (0.0, 0.0, 0.0, 0.0);
    // Served tokens weighted by the month's retail factor (exactly `served` without a decline).
    let mut served_retail = 0.0;
    let prices = &trial.prices[pu.plan];
    // This month's factors: price, rate and retail decline, from the arrival month on.
    let factors = prices.price[pu.start..]
        .iter()
        .zip(&prices.rate[pu.start..])
        .zip(&trial.retail_decline[pu.start..]);
    let months = &mut months[pu.start..];
    for (i, (((&demand, &growth), acc), ((&price_factor, &rate_factor), &retail_m))) in pu
        .demand
        .iter()
        .zip(pu.expected)
        .zip(months.iter_mut())
        .zip(factors)
        .enumerate()
    {
        let m = pu.start + i;
        let out = demand * pu.response;
        let (price_factor, rate_factor, retail_m) = if MOVES {
            (price_factor, rate_factor, retail_m)
        } else {
            (1.0, 1.0, 1.0)
        };
        let usage = Usage {
            output_tokens: out,
            mix: pu.mix,
            metered: out * pu.k_meter,
            price_factor,
            rate_factor,
        };
        // Tenure: months since arrival; loyalty applies after the rule's bill, before fees.
        let keep = if MOVES { prices.keep(i) } else { 1.0 };
        let mb = rule.month(&mut account, usage);
        let bill = mb.bill * keep;
        let expected_out = pu.base * growth * pu.response;
        let expected_usage = Usage {
            output_tokens: expected_out,
            metered: expected_out * pu.k_meter,
            ..usage
        };
        let expected = rule.month(&mut fresh.clone(), expected_usage).bill * keep;
        let served_m = out * mb.served;
        let (cost_m, fees_m) = cost_and_fees(trial, m, served_m * pu.k_cost, bill);
        revenue += bill;
        cost += cost_m;
        fees += fees_m;
        served += served_m;
        served_retail += served_m * retail_m;
        acc.active_users += 1;
        acc.revenue += bill;
        acc.cost += cost_m;
        acc.fees += fees_m;
        acc.demanded_output_tokens += out;
        acc.served_output_tokens += served_m;
        acc.shock_users += u64::from(bill > shock_factor * expected);
    }
    let active = pu.demand.len();
    let overhead = trial.per_user_month * active as f64;
    let profit = revenue - cost - fees - overhead;
    UserOutcome {
        totals: Totals {
            users: 1,
            revenue,
            cost,
            fees,
            overhead,
            profit,
            served_output_tokens: served,
            retail_value: served_retail * pu.k_retail,
            loss_users: u64::from(profit < 0.0),
            churned_users: 0,
            breakage_credits: 0.0,
            active_user_months: active as u64,
        },
        account,
    }
}
