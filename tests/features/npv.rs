//! Time value of money (`[cost] discount_rate`, issue 11): a row's NPV in a trial is its month
//! profits discounted by (1 + rate)^(-m/12) and summed. Checked against sums worked out outside
//! the code (Python floats, written below) on scenarios whose month profits are known by hand,
//! in each mode and for menu mode's portfolio row; a drawn rate is a trials.csv draw column and
//! each trial's NPV uses its own draw.

use std::process::{Command, Stdio};

use plansim::{Override, parse, parse_with, run};

use crate::common;
use common::{Table, read_csv};

/// One user, 13 months, output tokens only: D = 1M output tokens growing 10% a month, retail
/// $10 and cost $4 per M output tokens, no fees or overhead. On payg (at the retail card) month
/// m bills 10 x 1.1^m and costs 4 x 1.1^m: its profit is 6 x 1.1^m. RATE is replaced by the
/// test's `discount_rate`.
const GROWING: &str = r#"
name = "npv"
[simulation]
trials = TRIALS
users = 1
months = 13
[retail]
input = 1
output = 10
[cost]
input = 1
output = 4
discount_rate = RATE
[[segment]]
name = "one"
share = 1
output_tokens = 1_000_000
monthly_growth = 0.1
[[plan]]
name = "api"
kind = "payg"
"#;

fn growing(trials: u64, rate: &str) -> String {
    GROWING
        .replace("TRIALS", &trials.to_string())
        .replace("RATE", rate)
}

fn rel_close(a: f64, b: f64, tol: f64) -> bool {
    (a - b).abs() <= tol * a.abs().max(b.abs()).max(1.0)
}

/// Month m's profit on [`GROWING`]'s payg plan, by hand.
fn month_profit(m: u32) -> f64 {
    6.0 * 1.1f64.powi(m as i32)
}

/// At 44% a year, month 6 counts 1/1.2 and month 12 counts 1/1.44 of its profit.
/// Python: `sum(6 * 1.1**m * 1.44**(-m/12) for m in range(13))` = 118.57899140059399, against an
/// undiscounted `sum(6 * 1.1**m for m in range(13))` = 147.1362728635861.
#[test]
fn npv_is_the_hand_discounted_sum_of_month_profits() {
    let scn = parse(&growing(1, "0.44"), "npv.toml").unwrap();
    let res = run(&scn, &|_| {}).unwrap();
    let api = &res.trials[0].plans[0];
    assert!(
        rel_close(api.totals.profit, 147.1362728635861, 1e-12),
        "the scenario is not the one worked out: profit {}",
        api.totals.profit
    );
    for (m, p) in api.month_profit.iter().enumerate() {
        assert!(
            rel_close(*p, month_profit(m as u32), 1e-12),
            "month {m}: {p}"
        );
    }
    assert!(
        rel_close(api.npv, 118.57899140059399, 1e-12),
        "npv {}",
        api.npv
    );
}

/// At rate 0 (the default) every month counts in full: the NPV is the sum of the month
/// profits, the profit summed by month rather than by user, so equal to it within 1e-9
/// relative. Checked on a noisy, churning population with several segments and plans.
#[test]
fn npv_at_rate_zero_is_the_profit() {
    let text = std::fs::read_to_string("configs/coding-agent.toml").unwrap();
    let scn = parse_with(
        &text,
        "coding-agent.toml",
        &[
            Override::new("simulation.trials", "4", "test").unwrap(),
            Override::new("simulation.users", "500", "test").unwrap(),
        ],
    )
    .unwrap();
    assert!(!scn.draw_names().contains(&"cost.discount_rate"));
    let res = run(&scn, &|_| {}).unwrap();
    for t in &res.trials {
        for (p, pt) in t.plans.iter().enumerate() {
            let by_month = pt.month_profit.iter().fold(0.0, |a, x| a + x);
            assert_eq!(pt.npv, by_month, "trial {} row {p}", t.trial);
            assert!(
                rel_close(pt.npv, pt.totals.profit, 1e-9),
                "trial {} row {p}: npv {} vs profit {}",
                t.trial,
                pt.npv,
                pt.totals.profit
            );
        }
    }
}

fn col(t: &Table, name: &str) -> usize {
    t.0.iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", t.0))
}

/// A rate drawn per trial is a draw column of trials.csv (after `npv`, like every draw), and
/// each trial's `npv` discounts the hand-known month profits at that trial's own draw.
#[test]
fn a_drawn_rate_is_a_draw_column_and_each_trial_uses_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("npv.toml");
    std::fs::write(
        &config,
        growing(6, r#"{ dist = "uniform", min = 0.05, max = 0.5 }"#),
    )
    .unwrap();
    let out = dir.path().join("o");
    let ok = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .arg("run")
        .arg(&config)
        .args(["--quiet", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let trials = read_csv(&out.join("trials.csv"));
    assert_eq!(col(&trials, "npv"), col(&trials, "subscribers") + 1);
    // The draw columns come after every fixed column (`trueup_open` is the last one today).
    assert_eq!(col(&trials, "successes"), col(&trials, "npv") + 1);
    assert_eq!(
        col(&trials, "trueup_revenue"),
        col(&trials, "successes") + 1
    );
    assert_eq!(col(&trials, "trueup_open"), col(&trials, "successes") + 2);
    assert_eq!(
        col(&trials, "cost.discount_rate"),
        col(&trials, "trueup_open") + 1
    );
    let mut rates = Vec::new();
    for row in &trials.1 {
        let rate: f64 = row[col(&trials, "cost.discount_rate")].parse().unwrap();
        let npv: f64 = row[col(&trials, "npv")].parse().unwrap();
        assert!((0.05..0.5).contains(&rate), "{rate}");
        let want: f64 = (0..13)
            .map(|m| month_profit(m) * (1.0 + rate).powf(-f64::from(m) / 12.0))
            .sum();
        assert!(rel_close(npv, want, 1e-12), "rate {rate}: {npv} vs {want}");
        rates.push(rate);
    }
    assert_eq!(rates.len(), 6);
    assert!(
        rates.iter().any(|r| *r != rates[0]),
        "one rate for all: {rates:?}"
    );
    let summary = read_csv(&out.join("summary.csv"));
    let at = |name: &str| summary.0.iter().position(|c| c == name).unwrap();
    let npv = at("npv_mean");
    assert_eq!(
        summary.0[npv..npv + 4],
        ["npv_mean", "npv_p05", "npv_p50", "npv_p95"]
    );
}

/// Menu mode: one user at the start and one more arriving each month (m + 1 users in month
/// m), each with D = 1M output tokens and a value of $100 a month, choosing between payg ($10 a
/// month, surplus 90) and a $50 flat plan (surplus 50): all choose payg, each with a profit of
/// $6 a month, so the payg row and the portfolio earn 6 (m + 1) in month m and the flat plan
/// nothing. Python: `sum(6 * (m + 1) * 1.44**(-m/12) for m in range(13))` = 430.1879455696741.
#[test]
fn the_portfolio_row_is_discounted_the_same_way() {
    let text = r#"
name = "npv-menu"
[simulation]
trials = 1
users = 1
months = 13
[retail]
input = 1
output = 10
[cost]
input = 1
output = 4
discount_rate = 0.44
[market]
mode = "menu"
new_users_per_month = 1
[[segment]]
name = "one"
share = 1
output_tokens = 1_000_000
value = 100
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "max"
kind = "flat"
price = 50
"#;
    let scn = parse(text, "menu.toml").unwrap();
    assert_eq!(scn.rows()[2], ("portfolio", "portfolio"));
    let res = run(&scn, &|_| {}).unwrap();
    let rows = &res.trials[0].plans;
    for (m, p) in rows[2].month_profit.iter().enumerate() {
        assert!(
            rel_close(*p, 6.0 * (m + 1) as f64, 1e-12),
            "the scenario is not the one worked out: month {m} profit {p}"
        );
    }
    for row in [0, 2] {
        assert!(
            rel_close(rows[row].npv, 430.1879455696741, 1e-12),
            "row {row}: npv {}",
            rows[row].npv
        );
    }
    assert_eq!(rows[1].npv, 0.0);
}
