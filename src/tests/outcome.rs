//! Task segments and outcome pricing, through the engine: hand-computed bills of an outcome plan
//! beside payg and flat on the same tasks (usage_response does not apply to tasks), the monthly
//! minimum, a success rate of 0 that bills nothing but costs every task, round half away from
//! zero of a month's tasks, successes that are p of the tasks within 4 standard errors with
//! every task costed, menu mode's expected bill price x round(T) x p (choice and shocks), token
//! segments whose draws do not move when a task segment is added, and a property test (money
//! >= 0, successes whole and <= tasks, each month billed as the spec says).
//!
//! Every expected number is worked out in the comments from the spec (docs/model.md).

use proptest::prelude::*;

use crate::config::parse;
use crate::engine::run;
use crate::model::accounting::bill_plan;
use crate::model::user::{UserLife, draw_size, draw_successes, live};
use crate::results::{MonthTotals, RunResults};

fn engine(text: &str) -> RunResults {
    let scn = parse(text, "outcome.toml").expect("valid");
    run(&scn, &|_| {}).expect("runs")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// One user, 3 months: 10 tasks in a typical month of 100,000 output tokens each (0.1M), no
/// prompt tokens, growth 100% a month, no noise: 10, 20, 40 tasks, 1M, 2M, 4M output tokens.
/// Retail $10 per M output tokens, cost $1 per M; no fees, $0.20 overhead a month.
const HAND: &str = r#"
name = "outcome-hand"
[simulation]
trials = 1
users = 1
months = 3
[retail]
input = 5
output = 10
[cost]
input = 0.5
output = 1
per_user_month = 0.2
[[segment]]
name = "reviews"
share = 1
tasks = 10
output_per_task = 100_000
success_rate = RATE
monthly_growth = 1.0

[[plan]]
name = "per-review"
kind = "outcome"
price_per_success = 0.5
monthly_minimum = 8

[[plan]]
name = "api"
kind = "payg"
usage_response = 0.5

[[plan]]
name = "flat"
kind = "flat"
price = 20
cap = 25
"#;

/// Checks each month's revenue and serving cost (served M tokens x $1) of plan `p`.
fn months_are(res: &RunResults, p: usize, bills: [f64; 3], served_m: [f64; 3], what: &str) {
    for (m, mt) in res.months[p].iter().enumerate() {
        assert!(close(mt.revenue, bills[m]), "{what} month {m}: bill {mt:?}");
        assert!(close(mt.cost, served_m[m]), "{what} month {m}: cost {mt:?}");
        assert!(
            close(mt.served_output_tokens, served_m[m] * 1e6),
            "{what} month {m}: served {mt:?}"
        );
    }
    let t = &res.trials[0].plans[p].totals;
    assert!(close(t.revenue, bills.iter().sum()), "{what}: {t:?}");
    assert!(close(t.cost, served_m.iter().sum()), "{what}: {t:?}");
}

#[test]
fn outcome_bills_successes_above_the_minimum_and_every_plan_sees_the_same_tasks() {
    // success_rate 1: every task succeeds, 10 + 20 + 40 = 70 successes.
    let res = engine(&HAND.replace("RATE", "1"));
    // Outcome: max(8, 0.5 x 10) = 8, max(8, 0.5 x 20) = 10, 0.5 x 40 = 20; every task served.
    months_are(&res, 0, [8.0, 10.0, 20.0], [1.0, 2.0, 4.0], "per-review");
    // Payg: the tasks' tokens at retail, usage_response 0.5 not applied to tasks: $10, $20, $40.
    months_are(&res, 1, [10.0, 20.0, 40.0], [1.0, 2.0, 4.0], "api");
    // Flat $20 with a $25 cap: $10 and $20 of usage served in full, $40 served 25/40 (2.5M).
    months_are(&res, 2, [20.0; 3], [1.0, 2.0, 2.5], "flat");
    for (p, plan) in res.trials[0].plans.iter().enumerate() {
        assert_eq!(plan.totals.successes, 70.0, "plan {p}");
        // Every plan is asked for the same 1M, 2M, 4M tokens.
        let demanded: Vec<f64> = res.months[p]
            .iter()
            .map(|m| m.demanded_output_tokens)
            .collect();
        assert_eq!(demanded, [1e6, 2e6, 4e6], "plan {p}");
    }
    // Profit of the outcome plan: 38 - 7 - 3 x 0.2.
    assert!(close(
        res.trials[0].plans[0].totals.profit,
        38.0 - 7.0 - 0.6
    ));
}

#[test]
fn a_success_rate_of_zero_bills_only_the_minimum_and_costs_every_task() {
    let res = engine(&HAND.replace("RATE", "0"));
    months_are(&res, 0, [8.0; 3], [1.0, 2.0, 4.0], "per-review");
    for plan in &res.trials[0].plans {
        assert_eq!(plan.totals.successes, 0.0);
    }
    // Without a minimum nothing is billed at all, and the 7M tokens still cost $7.
    let res = engine(&HAND.replace("RATE", "0").replace("monthly_minimum = 8", ""));
    months_are(&res, 0, [0.0; 3], [1.0, 2.0, 4.0], "per-review, no minimum");
}

/// A month's tasks are round(T_m), half away from zero (banker's rounding would give 2, 4).
#[test]
fn a_months_tasks_round_half_away_from_zero() {
    // T = 2.5, 5, 10 (growth 100%) -> 3, 5, 10 tasks of 1M output tokens.
    let text = HAND
        .replace("RATE", "1")
        .replace("tasks = 10\n", "tasks = 2.5\n")
        .replace("output_per_task = 100_000", "output_per_task = 1_000_000");
    let res = engine(&text);
    let demanded: Vec<f64> = res.months[1]
        .iter()
        .map(|m| m.demanded_output_tokens)
        .collect();
    assert_eq!(demanded, [3e6, 5e6, 10e6]);
    assert_eq!(res.trials[0].plans[0].totals.successes, 18.0);
    // T = 4.5, 9, 18 -> 5, 9, 18 (round to even would give 4).
    let res = engine(&text.replace("tasks = 2.5\n", "tasks = 4.5\n"));
    assert_eq!(res.trials[0].plans[0].totals.successes, 32.0);
    // T = 0.49999, 0.99998, 1.99996 -> 0, 1, 2.
    let res = engine(&text.replace("tasks = 2.5\n", "tasks = 0.49999\n"));
    assert_eq!(res.trials[0].plans[0].totals.successes, 3.0);
}

/// Many users with noise, growth and churn: the outcome plan bills (at $1 a success, no
/// minimum) p = 0.3 of the tasks within 4 standard errors sqrt(p (1 - p) / tasks), and its
/// serving cost is every task's tokens.
#[test]
fn outcome_billing_bills_p_of_the_tasks_on_average_and_costs_all_of_them() {
    let text = r#"
name = "outcome-mean"
[simulation]
trials = 2
users = 3000
months = 12
seed = 7
[retail]
input = 3
output = 15
[cost]
input = 0.3
output = 1.5
[[segment]]
name = "reviews"
share = 1
tasks = { dist = "lognormal", median = 20, p99 = 200 }
output_per_task = 8000
success_rate = 0.3
monthly_volatility = 0.5
monthly_growth = 0.02
monthly_churn = 0.05

[[plan]]
name = "per-review"
kind = "outcome"
price_per_success = 1

[[plan]]
name = "api"
kind = "payg"
"#;
    let res = engine(text);
    let p = 0.3;
    for tr in &res.trials {
        let (outcome, payg) = (&tr.plans[0].totals, &tr.plans[1].totals);
        let tasks = outcome.served_output_tokens / 8000.0;
        assert_eq!(tasks.fract(), 0.0, "whole tasks");
        let se = (p * (1.0 - p) / tasks).sqrt();
        let share = outcome.revenue / tasks;
        assert!(
            (share - p).abs() <= 4.0 * se,
            "trial {}: billed {share} of {tasks} tasks, expected {p} +- 4 x {se}",
            tr.trial
        );
        // $1 a success: the revenue is the successes, the same on the payg row.
        assert_eq!(outcome.revenue, outcome.successes);
        assert_eq!(payg.successes, outcome.successes);
        // Every task is served and costs its tokens: $1.5 per M output tokens.
        assert_eq!(outcome.served_output_tokens, payg.served_output_tokens);
        assert!(close(outcome.cost, tasks * 8000.0 * 1.5e-6));
        assert!(close(outcome.cost, payg.cost));
    }
}

/// Menu mode: 7.4 tasks a month round to 7, so the outcome plan's expected bill is
/// $2 x 7 x 0.6 = $8.40 (unrounded it would be $8.88). With a value of $20, flat at $8.50
/// leaves a surplus of $11.50 < $11.60, so every user takes the outcome plan; at $8.30 ($11.70)
/// every user takes flat.
const MENU: &str = r#"
name = "outcome-menu"
[simulation]
trials = 1
users = 50
months = 2
[retail]
input = 3
output = 15
[cost]
input = 0.3
output = 1.5
[[segment]]
name = "reviews"
share = 1
tasks = 7.4
output_per_task = 10_000
success_rate = 0.6
value = 20

[[plan]]
name = "per-review"
kind = "outcome"
price_per_success = 2

[[plan]]
name = "flat"
kind = "flat"
price = FLAT

[market]
mode = "menu"
"#;

#[test]
fn in_menu_mode_the_expected_bill_is_price_x_rounded_tasks_x_success_rate() {
    let res = engine(&MENU.replace("FLAT", "8.5"));
    let c = &res.choices[0][0];
    assert_eq!((c.chosen_at_start, c.choosers), (50, 50));
    assert!(close(c.expected_bill, 50.0 * 8.4), "{c:?}");
    assert_eq!(res.choices[1][0].chosen_at_start, 0);
    // The outcome row's successes are the portfolio's; the flat row has none.
    let t = &res.trials[0].plans;
    assert!(t[0].totals.successes > 0.0 && t[1].totals.successes == 0.0);
    assert_eq!(t[2].totals.successes, t[0].totals.successes);
    let res = engine(&MENU.replace("FLAT", "8.3"));
    assert_eq!(res.choices[1][0].chosen_at_start, 50);
    assert_eq!(res.trials[0].plans[0].totals.successes, 0.0);
}

/// Shocks on an outcome plan: 2 tasks a month at p = 0.5 and $1 a success make an expected bill
/// of $1; the default threshold 0.5 makes a month a shock when its bill exceeds $1.50, that is
/// when both tasks succeed: probability 0.25, each month of each user independently.
#[test]
fn an_outcome_month_is_a_shock_when_its_successes_exceed_the_expected_ones() {
    let text = r#"
name = "outcome-shocks"
[simulation]
trials = 1
users = 4000
months = 6
[retail]
input = 3
output = 15
[cost]
input = 0.3
output = 1.5
[[segment]]
name = "reviews"
share = 1
tasks = 2
output_per_task = 10_000
success_rate = 0.5

[[plan]]
name = "per-review"
kind = "outcome"
price_per_success = 1
"#;
    let res = engine(text);
    let months: &[MonthTotals] = &res.months[0];
    let shocks: u64 = months.iter().map(|m| m.shock_users).sum();
    let n: u64 = months.iter().map(|m| m.active_users).sum();
    assert_eq!(n, 24_000);
    let share = shocks as f64 / n as f64;
    let se = (0.25 * 0.75 / n as f64).sqrt();
    assert!((share - 0.25).abs() <= 4.0 * se, "shock share {share}");
}

/// The first segment counts output tokens; replacing the second by a task segment (of the same
/// share) moves none of the first segment's draws: its sums on every plan are bit-identical.
#[test]
fn adding_a_task_segment_moves_no_token_segments_draw() {
    let tokens = r#"
name = "mixed"
[simulation]
trials = 3
users = 200
months = 6
seed = 11
[retail]
input = 3
cache_read = 0.3
output = 15
[cost]
input = 0.3
output = 1.5
annual_decline = { dist = "uniform", min = 0.2, max = 0.6 }
payment_fee_rate = 0.029
payment_fee_fixed = 0.3
[[segment]]
name = "tokens"
share = 0.5
output_tokens = { dist = "lognormal", median = 1_000_000, p99 = 10_000_000 }
input_per_output = { dist = "uniform", min = 20, max = 60 }
cache_read_share = 0.8
monthly_volatility = 0.4
monthly_growth = 0.01
monthly_churn = 0.05
[[segment]]
name = "other"
share = 0.5
OTHER
monthly_volatility = 0.3

[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "flat"
kind = "flat"
price = 20
cap = 60
[[plan]]
name = "credits"
kind = "credit"
price = 30
credits = 2000
burn = { input = 300, output = 1500 }
top_up = { price = 10, credits = 1000, probability = 0.4 }
"#;
    let a = engine(&tokens.replace("OTHER", "output_tokens = 300_000"));
    let b = engine(&tokens.replace(
        "OTHER",
        "tasks = { dist = \"uniform\", min = 5, max = 50 }\noutput_per_task = 20_000\nsuccess_rate = 0.7",
    ));
    for p in 0..3 {
        assert_eq!(a.segments[p][0], b.segments[p][0], "plan {p}");
        assert_ne!(
            a.segments[p][1], b.segments[p][1],
            "plan {p}: the other segment changed"
        );
        for (ta, tb) in a.trials.iter().zip(&b.trials) {
            assert_eq!(ta.plans[p].segments[0], tb.plans[p].segments[0]);
            assert_eq!(ta.draws, tb.draws);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random task segments on an outcome plan and payg: each user's tasks are round(N x
    /// growth x noise), their tokens tasks x k, their successes whole and within the tasks;
    /// each month's outcome bill is max(minimum, price x successes) >= 0, every token is
    /// served; the engine's money totals are >= 0 and its successes within the tasks.
    #[test]
    fn outcome_money_is_never_negative_and_successes_never_exceed_tasks(
        median in 0.5f64..200.0,
        per_task in 1.0f64..50_000.0,
        rate in (0.0f64..0.5, 0.01f64..0.5),
        vol in 0.0f64..1.0,
        growth in -0.1f64..0.2,
        price in 0.0f64..10.0,
        minimum in 0.0f64..20.0,
        seed in 0u64..1000,
    ) {
        let (lo, width) = rate;
        let hi = lo + width;
        let text = format!(r#"
name = "outcome-prop"
[simulation]
trials = 2
users = 40
months = 6
seed = {seed}
[retail]
input = 3
output = 15
[cost]
input = 0.3
output = 1.5
payment_fee_rate = 0.029
payment_fee_fixed = 0.3
[[segment]]
name = "reviews"
share = 1
tasks = {{ dist = "lognormal", median = {median:?}, sigma = 1 }}
output_per_task = {per_task:?}
success_rate = {{ dist = "uniform", min = {lo:?}, max = {hi:?} }}
input_per_output = 30
monthly_volatility = {vol:?}
monthly_growth = {growth:?}
monthly_churn = 0.1
[[plan]]
name = "per-review"
kind = "outcome"
price_per_success = {price:?}
monthly_minimum = {minimum:?}
[[plan]]
name = "api"
kind = "payg"
"#);
        let scn = parse(&text, "outcome.toml").expect("valid");
        let res = run(&scn, &|_| {}).expect("runs");
        for tr in &res.trials {
            for plan in &tr.plans {
                let t = &plan.totals;
                prop_assert!(t.revenue >= 0.0 && t.cost >= 0.0 && t.fees >= 0.0, "{t:?}");
                let tasks = t.served_output_tokens / per_task;
                prop_assert!(t.successes <= tasks * (1.0 + 1e-12), "{t:?}");
                prop_assert!(t.successes.fract() == 0.0);
            }
        }
        // Users of trial 0, lived and billed as the engine does.
        let st = crate::engine::trial(&scn, 0).expect("draws");
        let mut life = UserLife::with_capacity(st.months());
        for u in 0..10u64 {
            let streams = crate::engine::UserStreams::new(seed, 0, u);
            let size = draw_size(&st, 0, &streams);
            live(&st, 0, 0, size, &streams, &mut life);
            draw_successes(&st, &streams, &mut life);
            prop_assert!((0.0..=1.0).contains(&life.success_rate));
            let mut bills = 0.0;
            for i in 0..life.demand.len() {
                let (n, k) = (life.tasks[i], life.successes[i]);
                let t_m = size.tasks * st.segments[0].growth[i] * life.noise[i];
                prop_assert_eq!(n, t_m.round());
                prop_assert_eq!(life.demand[i], n * per_task);
                prop_assert!(k.fract() == 0.0 && (0.0..=n).contains(&k), "{k} of {n}");
                bills += (price * k).max(minimum);
            }
            let mut months = vec![MonthTotals::default(); st.months()];
            let o = bill_plan(&st, 0, &life, &mut months);
            prop_assert!(close(o.totals.revenue, bills), "{} != {bills}", o.totals.revenue);
            prop_assert_eq!(o.totals.served_output_tokens, life.demand.iter().sum::<f64>());
            prop_assert_eq!(o.totals.successes, life.successes.iter().sum::<f64>());
        }
    }
}
