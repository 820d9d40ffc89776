//! Accounting: what one user's months on one plan earn and cost. Bills come from the plan's
//! rule; serving cost, payment fees and overhead are added here, the same for every kind.
//!
//! Per month m: the plan sees demand x usage_response output tokens valued at its month-0 meter
//! card (on a task segment the month's tasks' tokens and its successes, usage_response aside),
//! with month m's price factors; from tenure index `after_months` (months since the user's
//! arrival) a loyalty discount cuts the rule's bill; served tokens cost their share of the
//! month-0 cost card times the decline factor of m, and are worth their share of the month-0
//! retail card times the retail decline factor of m; every bill > 0 pays fee_rate x bill +
//! fee_fixed; each active month costs per_user_month. A month is a shock when its bill exceeds
//! (1 + shock_threshold) x the bill the same account would get at the user's expected demand
//! that month (base demand x growth, noise at its mean; on a task segment round(tasks x growth)
//! tasks with tasks x success rate successes), at the same prices and tenure.
//!
//! On a plan with a commitment ([`super::commitment`]) a term's last month adds its true-up to
//! the month's bill, and a user who leaves adds the exit true-up to their last month; fees are
//! paid on the month's whole bill, true-ups included, while the shock test compares the bill
//! without them. A term open at the horizon is reported as `trueup_open`.

use super::commitment;
use super::plans::RuleVisitor;
use super::trial::Trial;
use super::user::UserLife;
use super::{Account, Billing};
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
    /// The user's life.
    life: &'a UserLife,
    /// Growth of each active month since arrival.
    growth: &'a [f64],
    /// usage_response of the plan, as it applies to the user.
    response: f64,
    /// Meter value of one output token (with its prompt tokens).
    k_meter: f64,
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
    let pu = PlanUser {
        plan: p,
        life,
        growth: &trial.segments[life.segment].growth[..life.demand.len()],
        response: life.response(trial.response[p]),
        k_meter: rule.meter().per_output_token(&life.mix),
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
        // The months' loop is compiled once for token lives and once for task lives, each for
        // plans whose prices move and plans whose prices do not.
        *self.out = match (pu.life.is_tasks, trial.prices[pu.plan].moves) {
            (true, true) => bill_months::<B, true, true>(rule, trial, pu, u, months),
            (true, false) => bill_months::<B, true, false>(rule, trial, pu, u, months),
            (false, true) => bill_months::<B, false, true>(rule, trial, pu, u, months),
            (false, false) => bill_months::<B, false, false>(rule, trial, pu, u, months),
        };
    }
}

/// Bills every active month of one user on one plan (monomorphised per plan kind, and per
/// kind of work: `TASKS` is whether the life is of a task segment). With `MOVES` false (the
/// plan's prices and the retail card never move: every factor is exactly 1) the factors are
/// the constant 1, which gives the same results bit for bit without their cost in the hot loop.
#[inline]
fn bill_months<B: Billing, const TASKS: bool, const MOVES: bool>(
    rule: &B,
    trial: &Trial,
    pu: &PlanUser<'_>,
    top_up_u: f64,
    months: &mut [MonthTotals],
) -> UserOutcome {
    let life = pu.life;
    let mut account = rule.open(top_up_u);
    let fresh = account;
    let mut term = commitment::start(trial, pu.plan, life);
    let (mut trueup_revenue, last) = (0.0, life.demand.len().saturating_sub(1));
    let shock_factor = 1.0 + trial.market.shock_threshold;
    let (mut revenue, mut cost, mut fees, mut served, mut successes) = (0.0, 0.0, 0.0, 0.0, 0.0);
    // Served tokens weighted by the month's retail factor (exactly `served` without a decline).
    let mut served_retail = 0.0;
    let prices = &trial.prices[pu.plan];
    let months = &mut months[life.start..];
    for (i, (&growth, acc)) in pu.growth.iter().zip(months.iter_mut()).enumerate() {
        let m = life.start + i;
        let work = life.work_as::<TASKS>(i);
        let expected_work = life.expected_as::<TASKS>(1.0, growth);
        let mut usage = work.usage(pu.response, &life.mix, pu.k_meter);
        let mut expected_usage = expected_work.usage(pu.response, &life.mix, pu.k_meter);
        // Tenure: months since arrival; loyalty applies after the rule's bill, before fees.
        let (keep, retail_m) = if MOVES {
            usage = trial.priced(pu.plan, m, usage);
            expected_usage = trial.priced(pu.plan, m, expected_usage);
            (prices.keep(i), trial.retail_decline[m])
        } else {
            (1.0, 1.0)
        };
        let out = usage.output_tokens;
        let mb = rule.month(&mut account, usage);
        let bill = mb.bill * keep;
        let expected = rule.month(&mut fresh.clone(), expected_usage).bill * keep;
        let served_m = out * mb.served;
        let shocked = bill > shock_factor * expected;
        // A true-up at the term's last month, or the exit's in the last month of a leaver.
        let bill = match term.as_mut() {
            None => bill,
            Some(t) => {
                let mut trueup = t.month(bill);
                if i == last && life.left {
                    trueup += t.exit();
                }
                trueup_revenue += trueup;
                bill + trueup
            }
        };
        let (cost_m, fees_m) = cost_and_fees(trial, m, served_m * life.k_cost, bill);
        revenue += bill;
        cost += cost_m;
        fees += fees_m;
        served += served_m;
        if MOVES {
            served_retail += served_m * retail_m;
        }
        successes += work.successes;
        acc.add_billed(&MonthTotals {
            active_users: 1,
            revenue: bill,
            cost: cost_m,
            fees: fees_m,
            demanded_output_tokens: out,
            served_output_tokens: served_m,
            shock_users: u64::from(shocked),
            ..MonthTotals::default()
        });
    }
    let active = life.demand.len();
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
            // Without a decline every retail factor is 1: the served tokens themselves.
            retail_value: if MOVES { served_retail } else { served } * life.k_retail,
            loss_users: u64::from(profit < 0.0),
            churned_users: 0,
            breakage_credits: 0.0,
            active_user_months: active as u64,
            successes,
            trueup_revenue,
            trueup_open: match term {
                Some(t) if !life.left => t.open(),
                _ => 0.0,
            },
            accounts: 1,
        },
        account,
    }
}
