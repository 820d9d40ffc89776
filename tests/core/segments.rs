//! segments.csv's risk columns (`profit_per_user_p05/p50/p95`, `prob_loss`): recomputed from the
//! per-trial segment values the engine keeps, by a calculation of this file's own; the per-trial
//! values checked against the trial totals and the run-level segment sums; and a scenario with
//! no user-level randomness whose columns follow by hand from the drawn price.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use plansim::results::RunResults;
use plansim::{Report, Scenario};

use crate::common::{Table, read_csv};

/// Runs `text` and writes its outputs into `dir`; returns the scenario and results.
fn run_into(text: &str, dir: &Path) -> (Scenario, RunResults) {
    let scn = plansim::parse(text, "s.toml").unwrap();
    let results = plansim::run(&scn, &|_| {}).unwrap();
    let summaries = plansim::summarize(&scn, &results);
    let report = Report {
        scenario: &scn,
        results: &results,
        summaries: &summaries,
        config_path: "s.toml".into(),
        threads: 1,
        wall_seconds: 0.0,
        started_at: std::time::UNIX_EPOCH,
    };
    assert!(plansim::write_all(dir, &report, &AtomicBool::new(false)).unwrap());
    (scn, results)
}

/// The row of `plan` and `segment`.
fn row<'a>(t: &'a Table, plan: &str, segment: &str) -> &'a [String] {
    t.1.iter()
        .find(|r| r[0] == plan && r[1] == segment)
        .unwrap_or_else(|| panic!("no row {plan}/{segment}"))
}

/// A cell by column name.
fn cell<'a>(t: &Table, r: &'a [String], col: &str) -> &'a str {
    let i = t.0.iter().position(|c| c == col).expect(col);
    &r[i]
}

fn num(t: &Table, r: &[String], col: &str) -> f64 {
    cell(t, r, col)
        .parse()
        .unwrap_or_else(|_| panic!("{col} = {:?}", cell(t, r, col)))
}

/// The q-th percentile as a spreadsheet's PERCENTILE.INC computes it: the value at 1-based
/// rank 1 + (n - 1) q / 100, interpolated between its neighbours.
fn percentile_inc(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let rank = 1.0 + (v.len() - 1) as f64 * q / 100.0;
    let below = rank.floor() as usize;
    let w = rank - below as f64;
    if below >= v.len() {
        v[v.len() - 1]
    } else {
        v[below - 1] * (1.0 - w) + v[below] * w
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

const MIXED: &str = r#"
name = "mixed"
[simulation]
trials = 41
users = 300
months = 3
seed = 5
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
annual_decline = { dist = "uniform", min = 0.2, max = 0.6 }
per_user_month = 0.5
payment_fee_rate = 0.03
payment_fee_fixed = 0.3
[[segment]]
name = "light"
share = 0.6
output_tokens = { dist = "lognormal", median = 200_000, p99 = 2_000_000 }
input_per_output = 20
cache_read_share = 0.8
monthly_volatility = 0.5
monthly_churn = 0.1
[[segment]]
name = "heavy"
share = 0.4
output_tokens = { dist = "lognormal", median = 5_000_000, p99 = 50_000_000 }
input_per_output = 40
cache_read_share = 0.9
monthly_volatility = 0.5
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "pro"
kind = "flat"
price = { dist = "uniform", min = 15, max = 40 }
cap = 250
[[plan]]
name = "credits"
kind = "credit"
price = 20
credits = 2000
burn = { input = 500, output = 2500, cache_read = 50 }
top_up = { price = 10, credits = 1000, probability = 0.5 }
"#;

/// Every risk cell equals this file's own calculation from the per-trial segment values.
#[test]
fn risk_columns_are_recomputed_from_the_per_trial_segment_values() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let (scn, res) = run_into(MIXED, &out);
    let t = read_csv(&out.join("segments.csv"));
    let mut losses_seen = 0;
    for (p, plan) in scn.plan_names().iter().enumerate() {
        for (s, seg) in scn.segment_names().iter().enumerate() {
            let r = row(&t, plan, seg);
            let mut per_user = Vec::new();
            let mut losing = 0;
            for trial in &res.trials {
                let v = trial.plans[p].segments[s];
                assert!(v.users > 0);
                per_user.push(v.profit / v.users as f64);
                losing += usize::from(v.profit < 0.0);
            }
            for (col, q) in [
                ("profit_per_user_p05", 5.0),
                ("profit_per_user_p50", 50.0),
                ("profit_per_user_p95", 95.0),
            ] {
                let want = percentile_inc(&per_user, q);
                assert!(
                    close(num(&t, r, col), want),
                    "{plan}/{seg} {col}: want {want}"
                );
            }
            let want = losing as f64 / res.trials.len() as f64;
            assert_eq!(num(&t, r, "prob_loss"), want, "{plan}/{seg}");
            losses_seen += losing;
            // The mean column is the ratio of sums over the same per-trial values.
            let (users, profit) = res.trials.iter().fold((0, 0.0), |(u, x), tr| {
                let v = tr.plans[p].segments[s];
                (u + v.users, x + v.profit)
            });
            assert!(close(num(&t, r, "profit_per_user"), profit / users as f64));
        }
    }
    // Not a vacuous prob_loss: some segment loses money in some trial.
    assert!(losses_seen > 0);
}

/// The per-trial segment values add up to the trial's plan totals, and over trials to the
/// run-level segment sums.
#[test]
fn per_trial_segment_values_add_up_to_trial_totals_and_run_sums() {
    let scn = plansim::parse(MIXED, "s.toml").unwrap();
    let res = plansim::run(&scn, &|_| {}).unwrap();
    let segs = scn.segment_names().len();
    for (p, run_sums) in res.segments.iter().enumerate() {
        for trial in &res.trials {
            let pt = &trial.plans[p];
            assert_eq!(pt.segments.len(), segs);
            let users: u64 = pt.segments.iter().map(|v| v.users).sum();
            let profit: f64 = pt.segments.iter().map(|v| v.profit).sum();
            assert_eq!(users, pt.totals.users);
            assert!(
                close(profit, pt.totals.profit),
                "{profit} {}",
                pt.totals.profit
            );
        }
        for (s, g) in run_sums.iter().enumerate() {
            let users: u64 = res
                .trials
                .iter()
                .map(|t| t.plans[p].segments[s].users)
                .sum();
            let profit: f64 = res
                .trials
                .iter()
                .map(|t| t.plans[p].segments[s].profit)
                .sum();
            assert_eq!(users, g.users);
            assert!(close(profit, g.profit));
        }
    }
}

/// Fixed demand, no noise, no churn, no fees or overhead, one month: a user's profit on the
/// flat plan is the trial's drawn price less a fixed serving cost; on payg it is 90% of the
/// retail value in every trial.
const HAND: &str = r#"
name = "hand"
[simulation]
trials = 37
users = 10
months = 1
seed = 3
[retail]
input = 0
output = 25
[cost]
input = 0
output = 2.5
[[segment]]
name = "light"
share = 0.5
output_tokens = 100_000
[[segment]]
name = "heavy"
share = 0.499
output_tokens = 100_000_000
[[segment]]
name = "none"
share = 0.001
output_tokens = 1
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "pro"
kind = "flat"
price = { dist = "uniform", min = 10, max = 30 }
cap = 200
"#;

#[test]
fn risk_columns_follow_by_hand_from_the_drawn_price() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let (_, res) = run_into(HAND, &out);
    let t = read_csv(&out.join("segments.csv"));
    let prices: Vec<f64> = res.trials.iter().map(|tr| tr.draws[0]).collect();
    // light: 100k output tokens = $2.50 retail, $0.25 to serve; heavy: $2,500 retail, served
    // up to the $200 cap, $20 to serve.
    for (seg, cost) in [("light", 0.25), ("heavy", 20.0)] {
        let r = row(&t, "pro", seg);
        let profit: Vec<f64> = prices.iter().map(|p| p - cost).collect();
        for (col, q) in [
            ("profit_per_user_p05", 5.0),
            ("profit_per_user_p50", 50.0),
            ("profit_per_user_p95", 95.0),
        ] {
            let want = percentile_inc(&prices, q) - cost;
            assert!(close(num(&t, r, col), want), "pro/{seg} {col}: want {want}");
        }
        let losing = profit.iter().filter(|x| **x < 0.0).count();
        assert_eq!(num(&t, r, "prob_loss"), losing as f64 / 37.0, "pro/{seg}");
    }
    // The heavy segment loses money exactly when the price is below $20: some trials, not all.
    let heavy = num(&t, row(&t, "pro", "heavy"), "prob_loss");
    assert!(heavy > 0.0 && heavy < 1.0, "{heavy}");
    assert_eq!(num(&t, row(&t, "pro", "light"), "prob_loss"), 0.0);
    // payg bills the retail value: $2.25 profit per light user in every trial.
    let r = row(&t, "api", "light");
    for col in [
        "profit_per_user_p05",
        "profit_per_user_p50",
        "profit_per_user_p95",
    ] {
        assert!(close(num(&t, r, col), 2.25), "{col}");
    }
    // 10 users split 5 / 5 / 0: the empty segment's risk cells are empty.
    for plan in ["api", "pro"] {
        let r = row(&t, plan, "none");
        assert_eq!(cell(&t, r, "users"), "0");
        for col in [
            "profit_per_user_p05",
            "profit_per_user_p50",
            "profit_per_user_p95",
            "prob_loss",
        ] {
            assert_eq!(cell(&t, r, col), "", "{plan}/none {col}");
        }
    }
}
