//! Hand-computed three-month bills for one user with fixed demand, for every plan kind, with
//! the minimum, the fair-use cap, top-ups, rollover, expiry and the spend cap each binding at
//! least once; and credit conservation per user.
//!
//! The user has D = 1M output tokens, no prompt tokens, growth 100% a month (1M, 2M, 4M), no
//! noise and no churn. Retail = $10 per M output tokens, so usage is worth $10, $20, $40; the
//! cost card is $1 per M; fees 2.9% + $0.30 on every bill > 0; overhead $0.20 a month.

use crate::config::parse;
use crate::engine::{run, simulate_user};
use crate::model::accounting::UserOutcome;

const BASE: &str = r#"
name = "hand"
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
payment_fee_rate = 0.029
payment_fee_fixed = 0.3
[[segment]]
name = "one"
share = 1
output_tokens = 1_000_000
monthly_growth = 1.0
monthly_churn = CHURN
"#;

const PLANS: &str = r#"
[[plan]]
name = "payg-min"
kind = "payg"
monthly_minimum = 15

[[plan]]
name = "payg-half"
kind = "payg"
monthly_minimum = 15
usage_response = 0.5

[[plan]]
name = "flat-cap"
kind = "flat"
price = 20
cap = 25

[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 20
included = 15
overage_multiplier = 1.5
spend_cap = 30

[[plan]]
name = "credit-topper"
kind = "credit"
price = 10
credits = 1500
burn = { input = 0, output = 1000 }
rollover = 300
top_up = { price = 5, credits = 400, probability = 1.0 }

[[plan]]
name = "credit-no-topup"
kind = "credit"
price = 10
credits = 1500
burn = { input = 0, output = 1000 }
rollover = 300
top_up = { price = 5, credits = 400, probability = 0.0 }
"#;

fn outcomes(churn: f64) -> Vec<UserOutcome> {
    let text = BASE.replace("CHURN", &churn.to_string()) + PLANS;
    let scn = parse(&text, "hand.toml").expect("valid");
    simulate_user(&scn, 0, 0, 0, 1e6).expect("runs")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Expected totals from per-month bills and served output tokens (in millions).
fn expect(o: &UserOutcome, bills: &[f64], served_m: &[f64], what: &str) {
    let revenue: f64 = bills.iter().sum();
    let fees: f64 = bills
        .iter()
        .map(|b| if *b > 0.0 { 0.029 * b + 0.3 } else { 0.0 })
        .sum();
    let served: f64 = served_m.iter().sum();
    let cost = served * 1.0; // $1 per M output tokens, no decline
    let overhead = 0.2 * bills.len() as f64;
    let t = &o.totals;
    assert!(
        close(t.revenue, revenue),
        "{what}: revenue {} != {revenue}",
        t.revenue
    );
    assert!(close(t.fees, fees), "{what}: fees {} != {fees}", t.fees);
    assert!(close(t.cost, cost), "{what}: cost {} != {cost}", t.cost);
    assert!(close(t.overhead, overhead), "{what}: overhead");
    assert!(
        close(t.profit, revenue - cost - fees - overhead),
        "{what}: profit {}",
        t.profit
    );
    assert!(
        close(t.served_output_tokens, served * 1e6),
        "{what}: served"
    );
    assert!(close(t.retail_value, served * 10.0), "{what}: retail value");
    assert_eq!(t.active_user_months, bills.len() as u64, "{what}: months");
}

#[test]
fn payg_minimum_binds_then_usage_is_billed() {
    let o = outcomes(0.0);
    // usage $10, $20, $40; minimum 15 binds in month 0
    expect(&o[0], &[15.0, 20.0, 40.0], &[1.0, 2.0, 4.0], "payg-min");
    // usage_response 0.5: $5, $10, $20; minimum binds twice
    expect(&o[1], &[15.0, 15.0, 20.0], &[0.5, 1.0, 2.0], "payg-half");
}

#[test]
fn flat_cap_throttles_the_third_month() {
    let o = outcomes(0.0);
    // value $10, $20, $40 against a $25 cap: month 2 served 25/40 of 4M = 2.5M
    expect(&o[2], &[20.0, 20.0, 20.0], &[1.0, 2.0, 2.5], "flat-cap");
}

#[test]
fn hybrid_allowance_overage_and_spend_cap() {
    let o = outcomes(0.0);
    // charge $10: within the $15 allowance -> $20
    // charge $20: overage (20 - 15) x 1.5 = 7.5 -> $27.5
    // charge $40: overage 37.5 > cap 30 -> $50; served (15 + 30 / 1.5) / 40 = 0.875 of 4M
    expect(&o[3], &[20.0, 27.5, 50.0], &[1.0, 2.0, 3.5], "hybrid");
}

#[test]
fn credit_top_ups_rollover_and_expiry() {
    let o = outcomes(0.0);
    // need 1000, 2000, 4000 credits
    // m0: 1500 -> burn 1000 -> 500, expire 200 -> 300.  bill 10
    // m1: 1800 < 2000: one pack of 400 -> 2200, burn 2000 -> 200.  bill 15
    // m2: 1700 < 4000: short 2300 -> 6 packs -> 4100, burn 4000 -> 100.  bill 40
    expect(
        &o[4],
        &[10.0, 15.0, 40.0],
        &[1.0, 2.0, 4.0],
        "credit-topper",
    );
    let a = o[4].account;
    assert!(close(a.granted, 4500.0) && close(a.bought, 2800.0));
    assert!(close(a.burned, 7000.0) && close(a.expired, 200.0) && close(a.balance, 100.0));
    assert!(close(o[4].totals.breakage_credits, 200.0));
    // Without top-ups: m1 serves 1800 of 2000, m2 1500 of 4000.
    expect(
        &o[5],
        &[10.0, 10.0, 10.0],
        &[1.0, 1.8, 1.5],
        "credit-no-topup",
    );
    let a = o[5].account;
    assert!(close(a.burned, 4300.0) && close(a.expired, 200.0) && close(a.balance, 0.0));
}

#[test]
fn churner_bills_once_and_loses_the_balance() {
    let o = outcomes(1.0);
    expect(&o[0], &[15.0], &[1.0], "payg-min churned");
    expect(&o[2], &[20.0], &[1.0], "flat churned");
    let t = &o[4];
    assert_eq!(t.totals.churned_users, 1);
    // 200 expired above rollover, then the remaining 300 on leaving
    assert!(close(t.totals.breakage_credits, 500.0));
    assert!(close(t.account.balance, 0.0));
}

#[test]
fn the_engine_aggregates_the_same_user() {
    let text = BASE.replace("CHURN", "0") + PLANS;
    let scn = parse(&text, "hand.toml").unwrap();
    let res = run(&scn, &|_| {}).unwrap();
    let direct = outcomes(0.0);
    for (p, o) in direct.iter().enumerate() {
        let t = &res.trials[0].plans[p].totals;
        assert_eq!(t, &o.totals, "plan {p}");
        let months = &res.months[p];
        let month_revenue: f64 = months.iter().map(|m| m.revenue).sum();
        assert!(close(month_revenue, o.totals.revenue));
        assert!(months.iter().all(|m| m.active_users == 1));
    }
    // segments and deciles hold the one user
    assert_eq!(res.segments[0][0].users, 1);
    assert_eq!(res.deciles[0][0].users, 1);
}

/// Credit conservation for many users with noisy demand, a mix of top-up behaviour and churn:
/// granted + bought = burned + expired + final balance, where `expired` is tallied as it
/// happens (never derived from the other terms).
#[test]
fn credit_conservation_per_user() {
    let text = r#"
name = "conserve"
[simulation]
users = 1
months = 24
seed = 5
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
[[segment]]
name = "s"
share = 1
output_tokens = 1_000_000
input_per_output = { dist = "uniform", min = 10, max = 60 }
cache_read_share = { dist = "uniform", min = 0.5, max = 0.95 }
monthly_volatility = 1.2
monthly_churn = 0.05
[[plan]]
name = "c"
kind = "credit"
price = 30
credits = 3000
burn = { input = 500, cache_read = 50, output = 2500 }
rollover = 1000
top_up = { price = 10, credits = 700, probability = 0.5 }
"#;
    let scn = parse(text, "conserve.toml").unwrap();
    let (mut toppers, mut expired_any, mut bought_any) = (0, 0, 0);
    for user in 0..400 {
        let d = 2e5 * (1.0 + (user % 17) as f64);
        let o = simulate_user(&scn, user / 40, 0, user, d).unwrap()[0];
        let a = o.account;
        let inflow = a.granted + a.bought;
        let outflow = a.burned + a.expired + a.balance;
        assert!(
            (inflow - outflow).abs() <= 1e-9 * inflow,
            "user {user}: {inflow} != {outflow} ({a:?})"
        );
        assert!(a.balance <= 1000.0 + 1e-9, "rollover bound");
        toppers += usize::from(a.tops_up);
        expired_any += usize::from(a.expired > 0.0);
        bought_any += usize::from(a.bought > 0.0);
        assert!(close(o.totals.breakage_credits, a.expired));
    }
    // The scenario exercises every flow.
    assert!(toppers > 100 && toppers < 300, "{toppers}");
    assert!(
        expired_any > 50 && bought_any > 50,
        "{expired_any} {bought_any}"
    );
}

/// Regression: `usage_response = -0.0` passed the >= 0 check and, through a signed zero, made a
/// hybrid plan's served share -inf and its totals NaN (found by mutating the shipped config).
#[test]
fn negative_zero_is_zero() {
    let text = BASE.replace("CHURN", "0")
        + PLANS
            .replace("spend_cap = 30", "spend_cap = 30\nusage_response = -0.0")
            .as_str();
    let scn = parse(&text, "hand.toml").unwrap();
    let o = simulate_user(&scn, 0, 0, 0, 1e6).unwrap();
    let t = &o[3].totals;
    assert_eq!(
        (t.revenue, t.served_output_tokens, t.cost),
        (60.0, 0.0, 0.0)
    );
    assert!(t.profit.is_finite());
}
