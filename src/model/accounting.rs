//! Accounting: what one user's months on one plan earn and cost. Bills come from the plan's
//! rule; serving cost, payment fees and overhead are added here, the same for every kind.
//!
//! Per month m: the plan sees demand x usage_response output tokens valued at its meter card;
//! served tokens cost their share of the month-0 cost card times the decline factor of m; every
//! bill > 0 pays fee_rate x bill + fee_fixed; each active month costs per_user_month.

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
    /// Demand in each active month.
    demand: &'a [f64],
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
    let pu = PlanUser {
        demand: &life.demand,
        mix: &life.mix,
        response: trial.response[p],
        k_meter: rule.meter().per_output_token(&life.mix),
        k_cost: life.k_cost,
        k_retail: life.k_retail,
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
        *self.out = bill_months(rule, self.trial, self.pu, self.top_up_u, self.months);
    }
}

/// Bills every active month of one user on one plan (monomorphised per plan kind).
#[inline]
fn bill_months<B: Billing>(
    rule: &B,
    trial: &Trial,
    pu: &PlanUser<'_>,
    top_up_u: f64,
    months: &mut [MonthTotals],
) -> UserOutcome {
    let mut account = rule.open(top_up_u);
    let (mut revenue, mut cost, mut fees, mut served) = (0.0, 0.0, 0.0, 0.0);
    for (m, (&demand, acc)) in pu.demand.iter().zip(months.iter_mut()).enumerate() {
        let out = demand * pu.response;
        let usage = Usage {
            output_tokens: out,
            mix: pu.mix,
            metered: out * pu.k_meter,
        };
        let mb = rule.month(&mut account, usage);
        let served_m = out * mb.served;
        let cost_m = served_m * pu.k_cost * trial.decline[m];
        // Fees on every bill > 0 (branch-free).
        let fees_m =
            (trial.fee_rate * mb.bill + trial.fee_fixed) * f64::from(u8::from(mb.bill > 0.0));
        revenue += mb.bill;
        cost += cost_m;
        fees += fees_m;
        served += served_m;
        acc.active_users += 1;
        acc.revenue += mb.bill;
        acc.cost += cost_m;
        acc.fees += fees_m;
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
            retail_value: served * pu.k_retail,
            loss_users: u64::from(profit < 0.0),
            churned_users: 0,
            breakage_credits: 0.0,
            active_user_months: active as u64,
        },
        account,
    }
}
