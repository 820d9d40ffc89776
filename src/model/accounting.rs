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
use super::prices::PlanPrices;
use super::trial::Trial;
use super::user::{UserLife, Work};
use super::{Account, Billing, Rule};
use crate::results::{MonthTotals, Totals};

/// One user's results on one plan.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UserOutcome {
    /// Whole-horizon totals (users, loss_users and churned_users are 0 or 1).
    pub totals: Totals,
    /// The account at the end (credit ledger).
    pub account: Account,
}

/// What every plan needs to bill a user's months: the slices of the user's months, taken once
/// (at the user's length, so the months' loop indexes them without bounds checks), and the
/// trial's per-user constants.
struct UserMonths<'a> {
    /// The user's life.
    life: &'a UserLife,
    /// Demand of each active month.
    demand: &'a [f64],
    /// Growth of each active month since arrival.
    growth: &'a [f64],
    /// The cost card's decline factor of each active month.
    decline: &'a [f64],
    /// Fee share and fixed fee of a bill > 0.
    fee: (f64, f64),
    /// 1 + the shock threshold.
    shock_factor: f64,
}

impl<'a> UserMonths<'a> {
    #[inline(always)]
    fn new(trial: &'a Trial, life: &'a UserLife) -> Self {
        let n = life.demand.len();
        UserMonths {
            life,
            demand: &life.demand[..n],
            growth: &trial.segments[life.segment].growth[..n],
            decline: &trial.decline[life.start..life.start + n],
            fee: (trial.fee_rate, trial.fee_fixed),
            shock_factor: 1.0 + trial.market.shock_threshold,
        }
    }
}

/// What one plan needs to bill a user's months, fixed for the user.
struct PlanUser<'a> {
    /// The plan.
    plan: Plan<'a>,
    /// The user's months.
    user: &'a UserMonths<'a>,
    /// usage_response of the plan, as it applies to the user.
    response: f64,
    /// Meter value of one output token (with its prompt tokens).
    k_meter: f64,
}

/// Serving cost and payment fees of one month: `cost0` is the month's served tokens at the
/// month-0 cost card; fees are paid on every bill > 0.
#[inline(always)]
pub fn cost_and_fees(trial: &Trial, m: usize, cost0: f64, bill: f64) -> (f64, f64) {
    let (fee, decline) = ((trial.fee_rate, trial.fee_fixed), trial.decline[m]);
    fees_at(fee, cost0, decline, bill)
}

/// [`cost_and_fees`] from the trial's fee share and fixed fee and month m's decline factor,
/// read once per user by the months' loop.
#[inline(always)]
fn fees_at((fee_rate, fee_fixed): (f64, f64), cost0: f64, decline: f64, bill: f64) -> (f64, f64) {
    let cost_m = cost0 * decline;
    // Fees on every bill > 0 (branch-free).
    let fees_m = (fee_rate * bill + fee_fixed) * f64::from(u8::from(bill > 0.0));
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
    let mut o = UserOutcome::default();
    o.account = bill_plan_into(trial, p, life, months, &mut o.totals);
    o
}

/// [`bill_plan`] writing the user's totals into `totals` (a row of the engine's, without a
/// copy) and returning the account at the end.
#[inline]
pub fn bill_plan_into(
    trial: &Trial,
    p: usize,
    life: &UserLife,
    months: &mut [MonthTotals],
    totals: &mut Totals,
) -> Account {
    let plan = Plan {
        index: p,
        rule: &trial.rules[p],
        response: trial.response[p],
        prices: &trial.prices[p],
        commit: trial.commits[p].is_some(),
    };
    bill_user_plan(trial, &UserMonths::new(trial, life), plan, months, totals)
}

/// Bills every active month of `life` on every plan, in plan order: `rows[p]` becomes the
/// user's totals on plan p, and the month sums are added to `months[p x months + m]` (as
/// [`bill_plan`] for each plan, with the user's months read once).
pub fn bill_every_plan(
    trial: &Trial,
    life: &UserLife,
    rows: &mut [Totals],
    months: &mut [MonthTotals],
) {
    let user = UserMonths::new(trial, life);
    // The plans' terms walked beside the rows (no index, no bounds check).
    let plans = trial
        .rules
        .iter()
        .zip(&trial.response)
        .zip(&trial.prices)
        .zip(&trial.commits);
    for (index, ((row, acc), (((rule, &response), prices), commit))) in rows
        .iter_mut()
        .zip(months.chunks_exact_mut(trial.months()))
        .zip(plans)
        .enumerate()
    {
        let plan = Plan {
            index,
            rule,
            response,
            prices,
            commit: commit.is_some(),
        };
        bill_user_plan(trial, &user, plan, acc, row);
    }
}

/// One plan's terms in the trial: its index, rule, usage_response, prices and whether it has
/// a commitment.
struct Plan<'a> {
    index: usize,
    rule: &'a Rule,
    response: f64,
    prices: &'a PlanPrices,
    commit: bool,
}

/// [`bill_plan_into`] for a user whose months are read.
#[inline(always)]
fn bill_user_plan(
    trial: &Trial,
    user: &UserMonths<'_>,
    plan: Plan<'_>,
    months: &mut [MonthTotals],
    totals: &mut Totals,
) -> Account {
    let (rule, life) = (plan.rule, user.life);
    let pu = PlanUser {
        response: life.response(plan.response),
        k_meter: rule.meter().per_output_token(&life.mix),
        plan,
        user,
    };
    let mut account = rule.visit(BillMonths {
        trial,
        pu: &pu,
        top_up_u: life.top_up_u,
        months,
        out: totals,
    });
    if life.left {
        rule.close(&mut account);
        totals.churned_users = 1;
    }
    totals.breakage_credits = account.expired;
    account
}

/// [`bill_months`] for the concrete kind of a rule, as a [`RuleVisitor`]: it writes the
/// user's totals in place and returns the account.
struct BillMonths<'a, 'b> {
    trial: &'a Trial,
    pu: &'a PlanUser<'b>,
    top_up_u: f64,
    months: &'a mut [MonthTotals],
    out: &'a mut Totals,
}

impl RuleVisitor for BillMonths<'_, '_> {
    type Out = Account;
    #[inline(always)]
    fn visit<B: Billing>(self, rule: &B) -> Account {
        let (trial, pu, u, months, out) =
            (self.trial, self.pu, self.top_up_u, self.months, self.out);
        // The months' loop is compiled once for token lives and once for task lives, each for
        // plans whose prices move and plans whose prices do not, and the commonest (token
        // lives, prices that do not move) once more without a commitment.
        match (pu.user.life.is_tasks, pu.plan.prices.moves, pu.plan.commit) {
            (true, true, _) => bill_months::<B, true, true, true>(rule, trial, pu, u, months, out),
            (true, false, _) => {
                bill_months::<B, true, false, true>(rule, trial, pu, u, months, out)
            }
            (false, true, _) => {
                bill_months::<B, false, true, true>(rule, trial, pu, u, months, out)
            }
            (false, false, true) => {
                bill_months::<B, false, false, true>(rule, trial, pu, u, months, out)
            }
            (false, false, false) => {
                bill_months::<B, false, false, false>(rule, trial, pu, u, months, out)
            }
        }
    }
}

/// Bills every active month of one user on one plan (monomorphised per plan kind, and per
/// kind of work: `TASKS` is whether the life is of a task segment), writes the user's totals
/// to `out` and returns the account. With `MOVES` false (the plan's prices and the retail card
/// never move: every factor is exactly 1) the factors are the constant 1, which gives the same
/// results bit for bit without their cost in the hot loop; the expected bill is then a
/// function of the month's growth alone, so it is billed again only when the growth changes
/// (never on a segment without growth), and on a kind whose bill ignores usage
/// ([`Billing::USAGE_FREE`]) once per user. With `COMMIT` false the plan has no commitment.
#[inline]
fn bill_months<B: Billing, const TASKS: bool, const MOVES: bool, const COMMIT: bool>(
    rule: &B,
    trial: &Trial,
    pu: &PlanUser<'_>,
    top_up_u: f64,
    months: &mut [MonthTotals],
    out: &mut Totals,
) -> Account {
    let user = pu.user;
    let life = user.life;
    let mut account = rule.open(top_up_u);
    let fresh = account;
    let mut term = if COMMIT {
        commitment::start(trial, pu.plan.index, life)
    } else {
        None
    };
    // Every slice the loop reads, at the user's length (no bounds checks inside).
    let (demand, growth, decline) = (user.demand, user.growth, user.decline);
    let n = demand.len();
    let (start, end) = (life.start, life.start + n);
    let (growth, decline) = (&growth[..n], &decline[..n]);
    let months = &mut months[start..end];
    let prices = pu.plan.prices;
    let (price, rate, retail) = if MOVES {
        (
            &prices.price[start..end],
            &prices.rate[start..end],
            &trial.retail_decline[start..end],
        )
    } else {
        (&[][..], &[][..], &[][..])
    };
    let (response, k_meter, k_cost, mix) = (pu.response, pu.k_meter, life.k_cost, &life.mix);
    let (fee, shock_factor) = (user.fee, user.shock_factor);
    let (mut trueup_revenue, last, left) = (0.0, n.saturating_sub(1), life.left);
    let (mut revenue, mut cost, mut fees, mut served, mut successes) = (0.0, 0.0, 0.0, 0.0, 0.0);
    // Served tokens weighted by the month's retail factor (exactly `served` without a decline).
    let mut served_retail = 0.0;
    // The shock threshold of month i: shock_factor x the bill at the expected demand.
    let threshold_at = |i: usize, keep: f64| {
        let mut expected_usage = life
            .expected_as::<TASKS>(1.0, growth[i])
            .usage(response, mix, k_meter);
        if MOVES {
            expected_usage.price_factor = price[i];
            expected_usage.rate_factor = rate[i];
        }
        shock_factor * (rule.month(&mut fresh.clone(), expected_usage).bill * keep)
    };
    // The threshold and the growth it was billed at (its bits; first a value no growth of
    // this user's first month has). Bit-equal growth gives a bit-equal expected bill when
    // prices do not move; a bill that ignores usage has one threshold for all months then.
    let fixed = !MOVES && B::USAGE_FREE;
    let (mut threshold, mut threshold_growth) = match growth.first() {
        Some(_) if fixed => (threshold_at(0, 1.0), 0),
        g => (0.0, g.map_or(0, |g| !g.to_bits())),
    };
    for i in 0..n {
        let work = if TASKS {
            life.work_as::<true>(i)
        } else {
            Work {
                output_tokens: demand[i],
                ..Work::default()
            }
        };
        let mut usage = work.usage(response, mix, k_meter);
        // Tenure: months since arrival; loyalty applies after the rule's bill, before fees.
        let keep = if MOVES {
            usage.price_factor = price[i];
            usage.rate_factor = rate[i];
            prices.keep(i)
        } else {
            1.0
        };
        if MOVES || (!fixed && growth[i].to_bits() != threshold_growth) {
            threshold = threshold_at(i, keep);
            threshold_growth = growth[i].to_bits();
        }
        let out_m = usage.output_tokens;
        let mb = rule.month(&mut account, usage);
        let bill = mb.bill * keep;
        let served_m = out_m * mb.served;
        let shocked = bill > threshold;
        // A true-up at the term's last month, or the exit's in the last month of a leaver.
        let bill = match term.as_mut() {
            Some(t) if COMMIT => {
                let mut trueup = t.month(bill);
                if i == last && left {
                    trueup += t.exit();
                }
                trueup_revenue += trueup;
                bill + trueup
            }
            _ => bill,
        };
        let (cost_m, fees_m) = fees_at(fee, served_m * k_cost, decline[i], bill);
        revenue += bill;
        cost += cost_m;
        fees += fees_m;
        served += served_m;
        if MOVES {
            served_retail += served_m * retail[i];
        }
        if TASKS {
            successes += work.successes;
        }
        months[i].add_billed(&MonthTotals {
            active_users: 1,
            revenue: bill,
            cost: cost_m,
            fees: fees_m,
            demanded_output_tokens: out_m,
            served_output_tokens: served_m,
            shock_users: u64::from(shocked),
            ..MonthTotals::default()
        });
    }
    let overhead = trial.per_user_month * n as f64;
    let profit = revenue - cost - fees - overhead;
    *out = Totals {
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
        active_user_months: n as u64,
        successes,
        trueup_revenue,
        trueup_open: match term {
            Some(t) if !left => t.open(),
            _ => 0.0,
        },
        accounts: 1,
    };
    account
}
