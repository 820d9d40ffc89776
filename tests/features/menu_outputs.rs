//! The per-plan outputs in menu mode, from synthetic results whose every sum is known: the
//! rows are `Scenario::rows()` (our plans, then `portfolio`; an external plan has none),
//! per-subscriber cells are empty for a plan nobody chose, choices.csv has one row per option
//! and segment with counts per trial and means over the users who chose, and nothing anywhere
//! is NaN. In each mode: the new columns (`subscribers`, `subscribers_mean`, `served_share`,
//! `shock_users`) from the same sums, and no choices.csv.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use plansim::results::{
    ChoiceTotals, MonthTotals, PlanTrial, PopulationMonth, Provenance, RunResults, Totals,
    TrialGroups, TrialResult,
};
use plansim::{Report, Scenario, output_names, parse, summarize, write_all};

use crate::common;
use common::{Table, read_csv};

/// Two segments, two plans of ours and an external one (between them), two months.
fn scenario(market: &str) -> Scenario {
    let text = format!(
        r#"
name = "menu"
[simulation]
trials = 2
users = 10
months = 2
[retail]
input = 1
output = 10
[cost]
input = 0
output = 1
{market}
[[segment]]
name = "light"
share = 0.5
output_tokens = 1_000_000
value = 30
[[segment]]
name = "heavy"
share = 0.5
output_tokens = 10_000_000
value = 300
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "host"
kind = "payg"
{external}
[[plan]]
name = "max"
kind = "flat"
price = 200
"#,
        external = if market.is_empty() {
            ""
        } else {
            "external = true"
        },
    );
    parse(&text, "menu.toml").unwrap()
}

fn plan(users: u64, profit: f64, loss_users: u64) -> PlanTrial {
    PlanTrial {
        totals: Totals {
            users,
            revenue: 2.0 * profit,
            profit,
            loss_users,
            active_user_months: 2 * users,
            accounts: users,
            ..Totals::default()
        },
        month_profit: vec![profit, 0.0],
        // A stored NPV unlike the profit, so the outputs show which one they write.
        npv: 0.75 * profit,
        segments: vec![Default::default(); 2],
    }
}

fn month(active_users: u64, demanded: f64, served: f64, shock_users: u64) -> MonthTotals {
    MonthTotals {
        active_users,
        demanded_output_tokens: demanded,
        served_output_tokens: served,
        shock_users,
        ..MonthTotals::default()
    }
}

/// Results with the given rows per trial (`[trial][row]`), month sums (`[row][month]`, summed
/// over trials) and, in menu mode, choice sums and the population.
fn results(
    scn: &Scenario,
    trials: Vec<Vec<PlanTrial>>,
    months: Vec<Vec<MonthTotals>>,
    choices: Vec<Vec<ChoiceTotals>>,
    arrived: u64,
) -> RunResults {
    let rows = scn.rows().len();
    let mut res = RunResults::new(Provenance::default(), rows, 2, 2);
    if scn.is_menu() {
        res = res.with_menu(scn.options().len());
    }
    for (t, plans) in trials.into_iter().enumerate() {
        let trial = TrialResult {
            trial: t as u64,
            draws: vec![],
            plans,
            groups: None,
        };
        res.push(trial, TrialGroups::default(), false);
    }
    res.months = months;
    if scn.is_menu() {
        res.choices = choices;
        res.population[1] = PopulationMonth {
            arrived,
            ..PopulationMonth::default()
        };
    }
    res
}

/// Writes every output of `res` into `dir/o` and returns that folder.
fn write(scn: &Scenario, res: &RunResults, dir: &Path) -> std::path::PathBuf {
    let summaries = summarize(scn, res);
    let report = Report {
        scenario: scn,
        results: res,
        summaries: &summaries,
        config_path: "menu.toml".into(),
        threads: 1,
        wall_seconds: 0.0,
        started_at: std::time::UNIX_EPOCH,
    };
    let out = dir.join("o");
    assert!(write_all(&out, &report, &AtomicBool::new(false)).unwrap());
    out
}

/// The cells of column `name`, one per row.
fn column<'a>(t: &'a Table, name: &str) -> Vec<&'a str> {
    let c =
        t.0.iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no {name}"));
    t.1.iter().map(|r| r[c].as_str()).collect()
}

/// No cell of any CSV in `out` reads as a non-finite number.
fn no_nan(out: &Path, files: &[&str]) {
    for name in files.iter().filter(|n| n.ends_with(".csv")) {
        let t = read_csv(&out.join(name));
        for row in &t.1 {
            for cell in row {
                let x = cell.parse::<f64>();
                assert!(
                    !x.is_ok_and(|x| !x.is_finite()),
                    "{name}: {cell:?} in {row:?}"
                );
            }
        }
    }
}

fn s(x: f64) -> String {
    x.to_string()
}

#[test]
fn menu_rows_are_our_plans_then_the_portfolio_with_empty_cells_for_a_plan_nobody_chose() {
    let scn = scenario("[market]\nmode = \"menu\"");
    assert_eq!(
        scn.rows(),
        [("api", "payg"), ("max", "flat"), ("portfolio", "portfolio")]
    );
    // Nobody chose api; max has 3 and 5 subscribers, 1 of them a loss in each trial.
    let trials = vec![
        vec![plan(0, 0.0, 0), plan(3, 150.0, 1), plan(3, 150.0, 1)],
        vec![plan(0, 0.0, 0), plan(5, 250.0, 1), plan(5, 250.0, 1)],
    ];
    let max_months = vec![month(8, 1000.0, 800.0, 3), month(6, 0.0, 0.0, 0)];
    let months = vec![
        vec![MonthTotals::default(); 2],
        max_months.clone(),
        max_months,
    ];
    let none = ChoiceTotals::default();
    let choices = vec![
        // api, host, max, none; each [light, heavy]
        vec![
            none,
            ChoiceTotals {
                choosers: 12,
                ..none
            },
        ],
        vec![
            ChoiceTotals {
                choosers: 12,
                ..none
            };
            2
        ],
        vec![
            none,
            ChoiceTotals {
                chosen_at_start: 8,
                choosers: 12,
                value: 2400.0,
                expected_bill: 1600.0,
                surplus: 800.0,
                switched_in: 2,
                switched_out: 1,
                subscribers_end: 7,
            },
        ],
        vec![
            ChoiceTotals {
                chosen_at_start: 12,
                choosers: 12,
                value: 360.0,
                subscribers_end: 11,
                ..none
            },
            ChoiceTotals {
                chosen_at_start: 4,
                choosers: 12,
                value: 1000.0,
                surplus: 0.0,
                switched_in: 1,
                ..none
            },
        ],
    ];
    // 10 users and 2 arrivals per trial.
    let res = results(&scn, trials, months, choices, 24);
    // No NaN to hide in an empty cell: the run refuses a summary that is not finite.
    let summaries = summarize(&scn, &res);
    assert!(summaries.iter().all(|s| s.is_finite()));
    assert_eq!(
        (summaries[0].profit_per_user, summaries[0].loss_user_share),
        (None, None)
    );
    assert_eq!(summaries[1].profit_per_user, Some(50.0));
    let dir = tempfile::tempdir().unwrap();
    let out = write(&scn, &res, dir.path());

    let files = output_names(&scn);
    assert!(files.contains(&"choices.csv"), "{files:?}");
    let manifest = std::fs::read_to_string(out.join(".plansim.manifest")).unwrap();
    assert!(manifest.contains("\nfile choices.csv\n"), "{manifest}");
    no_nan(&out, &files);

    let summary = read_csv(&out.join("summary.csv"));
    assert_eq!(column(&summary, "plan"), ["api", "max", "portfolio"]);
    assert_eq!(column(&summary, "kind"), ["payg", "flat", "portfolio"]);
    assert_eq!(column(&summary, "users"), ["12", "12", "12"]);
    assert_eq!(column(&summary, "subscribers_mean"), ["0", "4", "4"]);
    // Profit per subscriber: mean profit 200 over 4 subscribers; empty for api.
    assert_eq!(column(&summary, "profit_per_user"), ["", "50", "50"]);
    assert_eq!(column(&summary, "loss_user_share"), ["", "0.25", "0.25"]);
    // NPV: 112.5 and 187.5 (0.75 x profit); p05 = 112.5 + 0.05 x 75, p95 = 112.5 + 0.95 x 75.
    assert_eq!(column(&summary, "npv_mean"), ["0", "150", "150"]);
    assert_eq!(column(&summary, "npv_p05"), ["0", "116.25", "116.25"]);
    assert_eq!(column(&summary, "npv_p50"), ["0", "150", "150"]);
    assert_eq!(column(&summary, "npv_p95"), ["0", "183.75", "183.75"]);
    // subscribers_mean closes issue 10's columns; issue 11's come after it, in order, then
    // issue 12's 18 interval bounds of the profit percentiles.
    let at = |name: &str| summary.0.iter().position(|c| c == name);
    assert_eq!(at("subscribers_mean"), at("profit_per_user").map(|i| i + 1));
    let end = summary.0.len() - 18;
    assert_eq!(summary.0[end], "profit_p01_lo");
    assert_eq!(summary.0[summary.0.len() - 1], "profit_p99_hi");
    let tail = &summary.0[end - 9..end];
    assert_eq!(
        tail,
        [
            "subscribers_mean",
            "npv_mean",
            "npv_p05",
            "npv_p50",
            "npv_p95",
            "cost_per_success",
            "accounts_mean",
            "trueup_revenue_mean",
            "trueup_open_mean"
        ]
    );
    assert_eq!(column(&summary, "cost_per_success"), ["", "", ""]);
    // Without teams every subscriber is an account (the results here are written by hand).
    assert_eq!(column(&summary, "accounts_mean"), ["0", "4", "4"]);

    let trials = read_csv(&out.join("trials.csv"));
    assert_eq!(
        column(&trials, "plan"),
        ["api", "max", "portfolio", "api", "max", "portfolio"]
    );
    assert_eq!(
        column(&trials, "subscribers"),
        ["0", "3", "3", "0", "5", "5"]
    );
    assert_eq!(
        column(&trials, "npv"),
        ["0", "112.5", "112.5", "0", "187.5", "187.5"]
    );

    let monthly = read_csv(&out.join("monthly.csv"));
    assert_eq!(column(&monthly, "plan")[2..4], ["max", "max"]);
    // 800 of 1000 tokens served over both trials; nothing demanded in month 1 or on api.
    assert_eq!(
        column(&monthly, "served_share"),
        ["", "", "0.8", "", "0.8", ""]
    );
    assert_eq!(
        column(&monthly, "shock_users"),
        ["0", "0", "1.5", "0", "1.5", "0"]
    );

    let segments = read_csv(&out.join("segments.csv"));
    assert_eq!(segments.1.len(), 6);
    assert_eq!(column(&segments, "plan")[5], "portfolio");
    // deciles.csv has our plans' rows only (the issue puts the portfolio in the other files).
    let deciles = read_csv(&out.join("deciles.csv"));
    assert_eq!(deciles.1.len(), 20);
    assert!(!column(&deciles, "plan").contains(&"portfolio"));

    let c = read_csv(&out.join("choices.csv"));
    assert_eq!(
        c.0,
        [
            "option",
            "kind",
            "external",
            "segment",
            "chosen_at_start_mean",
            "share_of_segment",
            "value_mean",
            "expected_bill_mean",
            "surplus_mean",
            "switched_in_mean",
            "switched_out_mean",
            "subscribers_end_mean",
        ]
    );
    let rows: Vec<Vec<&str>> =
        c.1.iter()
            .map(|r| r.iter().map(String::as_str).collect())
            .collect();
    let two_thirds = s(8.0 / 12.0);
    let third = s(4.0 / 12.0);
    assert_eq!(
        rows,
        [
            // Nobody in the segment chose (no choosers): no share; nobody chose it: no means.
            vec![
                "api", "payg", "false", "light", "0", "", "", "", "", "0", "0", "0"
            ],
            vec![
                "api", "payg", "false", "heavy", "0", "0", "", "", "", "0", "0", "0"
            ],
            vec![
                "host", "payg", "true", "light", "0", "0", "", "", "", "0", "0", "0"
            ],
            vec![
                "host", "payg", "true", "heavy", "0", "0", "", "", "", "0", "0", "0"
            ],
            vec![
                "max", "flat", "false", "light", "0", "", "", "", "", "0", "0", "0"
            ],
            vec![
                "max",
                "flat",
                "false",
                "heavy",
                "4",
                &two_thirds,
                "300",
                "200",
                "100",
                "1",
                "0.5",
                "3.5",
            ],
            vec![
                "none", "none", "false", "light", "6", "1", "30", "0", "0", "0", "0", "5.5"
            ],
            vec![
                "none", "none", "false", "heavy", "2", &third, "250", "0", "0", "0.5", "0", "0"
            ],
        ]
    );
}

#[test]
fn each_mode_has_the_new_columns_from_the_same_sums_and_no_choices_csv() {
    let scn = scenario("");
    assert_eq!(
        scn.rows(),
        [("api", "payg"), ("host", "payg"), ("max", "flat")]
    );
    // Every user on every plan: 10 subscribers each.
    let trials = vec![
        vec![plan(10, 30.0, 4), plan(10, -10.0, 6), plan(10, 100.0, 0)],
        vec![plan(10, 50.0, 2), plan(10, -30.0, 8), plan(10, 300.0, 1)],
    ];
    let months = vec![
        vec![month(20, 4000.0, 4000.0, 1), month(18, 3000.0, 3000.0, 0)],
        vec![month(20, 4000.0, 3000.0, 0), month(18, 3000.0, 1000.0, 0)],
        vec![month(20, 4000.0, 1000.0, 0), month(18, 0.0, 0.0, 5)],
    ];
    let res = results(&scn, trials, months, vec![], 0);
    let dir = tempfile::tempdir().unwrap();
    let out = write(&scn, &res, dir.path());

    let files = output_names(&scn);
    assert!(!files.contains(&"choices.csv"), "{files:?}");
    assert!(!out.join("choices.csv").exists());
    no_nan(&out, &files);

    let summary = read_csv(&out.join("summary.csv"));
    assert_eq!(column(&summary, "plan"), ["api", "host", "max"]);
    assert_eq!(column(&summary, "users"), ["10", "10", "10"]);
    assert_eq!(column(&summary, "subscribers_mean"), ["10", "10", "10"]);
    assert_eq!(column(&summary, "profit_per_user"), ["4", "-2", "20"]);
    assert_eq!(column(&summary, "loss_user_share"), ["0.3", "0.7", "0.05"]);

    let trials = read_csv(&out.join("trials.csv"));
    assert_eq!(column(&trials, "subscribers"), ["10"; 6]);
    // Placed before the trial-level draw columns (none here): right after breakage_credits.
    let at = |name: &str| trials.0.iter().position(|h| h == name).unwrap();
    assert_eq!(at("subscribers"), at("breakage_credits") + 1);

    let monthly = read_csv(&out.join("monthly.csv"));
    assert_eq!(
        column(&monthly, "served_share"),
        ["1", "1", "0.75", &s(1000.0 / 3000.0), "0.25", ""]
    );
    assert_eq!(
        column(&monthly, "shock_users"),
        ["0.5", "0", "0", "0", "0", "2.5"]
    );
    let tail = &monthly.0[monthly.0.len() - 2..];
    assert_eq!(tail, ["served_share", "shock_users"]);
}

/// The engine in each mode bills every user on every plan: each row's subscribers are the
/// users of the trial.
#[test]
fn each_mode_subscribers_are_every_user() {
    let scn = scenario("");
    let res = plansim::run(&scn, &|_| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = write(&scn, &res, dir.path());
    let trials = read_csv(&out.join("trials.csv"));
    assert_eq!(column(&trials, "subscribers"), ["10"; 6]);
    let summary = read_csv(&out.join("summary.csv"));
    assert_eq!(column(&summary, "subscribers_mean"), ["10"; 3]);
    assert_eq!(column(&summary, "users"), ["10"; 3]);
}
