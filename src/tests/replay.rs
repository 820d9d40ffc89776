//! Replay (`[population]`) through the engine, with hand-built panels in place of the export
//! ([`crate::config::population::TEST_PANEL`]): the bills of a small export summed by hand
//! from its rows, bootstrap's mean against the export's, determinism on 1 and 2 threads, cycle
//! and the horizon, segments from a segment column, menu mode, and sweep points sharing the
//! replayed users.

use std::sync::atomic::AtomicBool;

use crate::config::population::TEST_PANEL;
use crate::config::{Override, parse, parse_with};
use crate::engine::{RunOptions, run, run_points, run_trials};
use crate::error::ConfigErrors;
use crate::model::Scenario;
use crate::results::RunResults;
use crate::usage::{Columns, MonthUsage, Panel, PanelUser};

/// One month of a user: (output, fresh input, cache read, cache write) tokens.
type Row = (f64, f64, f64, f64);

/// A monthly panel of `users` (id, segment label, months); a month is active when it has
/// output or input tokens.
fn panel(users: &[(&str, Option<&str>, Vec<Row>)]) -> Panel {
    let months = users.iter().map(|u| u.2.len()).max().unwrap_or(0);
    Panel {
        file: "export.csv".into(),
        users: users
            .iter()
            .map(|(id, seg, rows)| PanelUser {
                id: (*id).into(),
                segment: seg.map(str::to_string),
                months: rows
                    .iter()
                    .map(|&(output, input, cache_read, cache_write)| MonthUsage {
                        output,
                        input,
                        cache_read,
                        cache_write,
                        cost: 0.0,
                        active: output + input > 0.0,
                    })
                    .collect(),
                daily_output: Vec::new(),
            })
            .collect(),
        months,
        days: None,
        covered_days: vec![30.44; months],
        columns: Columns {
            segment: users
                .iter()
                .any(|u| u.1.is_some())
                .then(|| "segment".into()),
            ..Columns::default()
        },
        ..Panel::default()
    }
}

/// `text` parsed with `p` read in place of its export, and `sets` applied.
fn with_panel(text: &str, p: &Panel, sets: &[(&str, &str)]) -> Result<Scenario, ConfigErrors> {
    TEST_PANEL.with(|t| *t.borrow_mut() = Some(p.clone()));
    let sets: Vec<Override> = sets
        .iter()
        .map(|(k, v)| Override::new(k, v.to_string(), "test").unwrap())
        .collect();
    let r = parse_with(text, "replay.toml", &sets);
    TEST_PANEL.with(|t| *t.borrow_mut() = None);
    r
}

/// Cards, costs and plans of the hand-computed case: payg at the retail card, a flat plan
/// whose users use 25% more, a flat plan with a fair-use cap.
const SCENARIO: &str = r#"
name = "replay"
[simulation]
trials = 3
months = 3
seed = 7
[retail]
input = 5
cache_write = 6.25
cache_read = 0.5
output = 25
[cost]
input = 0.5
cache_write = 0.625
cache_read = 0.05
output = 2.5
per_user_month = 1.5
payment_fee_rate = 0.03
payment_fee_fixed = 0.3
[population]
file = "export.csv"
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "max"
kind = "flat"
price = 20
usage_response = 1.25
[[plan]]
name = "capped"
kind = "flat"
price = 10
cap = 30
"#;

/// Three users over three months, and one never active: `a` active in months 0-1 (leaves),
/// `b` arrives in month 1, `c` active in months 0 and 2 (month 1 inactive inside the span).
fn small() -> Panel {
    panel(&[
        (
            "a",
            None,
            vec![
                (1e6, 2e6, 1e6, 0.0),
                (2e6, 3e6, 2e6, 5e5),
                (0.0, 0.0, 0.0, 0.0),
            ],
        ),
        (
            "b",
            None,
            vec![
                (0.0, 0.0, 0.0, 0.0),
                (5e5, 1e6, 0.0, 5e5),
                (1.5e6, 2e6, 1e6, 0.0),
            ],
        ),
        ("z", None, vec![(0.0, 0.0, 0.0, 0.0); 3]),
        (
            "c",
            None,
            vec![
                (3e6, 1e6, 4e6, 1e6),
                (0.0, 0.0, 0.0, 0.0),
                (1e6, 5e5, 2e6, 0.0),
            ],
        ),
    ])
}

/// Revenue, cost, profit of each plan of [`SCENARIO`], summed by hand from the rows.
fn by_hand(p: &Panel) -> [(f64, f64, f64); 3] {
    let mut out = [(0.0, 0.0, 0.0); 3];
    for u in &p.users {
        let t = |f: fn(&MonthUsage) -> f64| u.months.iter().map(f).sum::<f64>();
        let (o, i, r, w) = (
            t(|m| m.output),
            t(|m| m.input),
            t(|m| m.cache_read),
            t(|m| m.cache_write),
        );
        if o == 0.0 {
            continue; // never active: not in the population
        }
        // $ per output token with its prompt, from the user's totals.
        let k_retail = (25.0 + 5.0 * i / o + 0.5 * r / o + 6.25 * w / o) / 1e6;
        let k_cost = (2.5 + 0.5 * i / o + 0.05 * r / o + 0.625 * w / o) / 1e6;
        let active: Vec<usize> = (0..3).filter(|&m| u.months[m].active).collect();
        let (first, last) = (active[0], *active.last().unwrap());
        for m in first..=last {
            let x = u.months[m].output;
            let fee = |bill: f64| if bill > 0.0 { 0.03 * bill + 0.3 } else { 0.0 };
            // payg
            let bill = x * k_retail;
            let cost = x * k_cost;
            out[0].0 += bill;
            out[0].1 += cost;
            out[0].2 += bill - cost - fee(bill) - 1.5;
            // flat 20, 25% more usage
            let cost = 1.25 * x * k_cost;
            out[1].0 += 20.0;
            out[1].1 += cost;
            out[1].2 += 20.0 - cost - fee(20.0) - 1.5;
            // flat 10, capped at $30 of retail value a month
            let metered = x * k_retail;
            let served = if metered > 30.0 { 30.0 / metered } else { 1.0 };
            let cost = x * served * k_cost;
            out[2].0 += 10.0;
            out[2].1 += cost;
            out[2].2 += 10.0 - cost - fee(10.0) - 1.5;
        }
    }
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn replay_with_bootstrap_off_and_fixed_cards_gives_the_hand_summed_bills() {
    let p = small();
    let scn = with_panel(SCENARIO, &p, &[]).expect("valid");
    assert_eq!(scn.simulation.users, 3, "the never-active user is left out");
    let res = run(&scn, &|_| {}).expect("runs");
    let want = by_hand(&p);
    // The capped plan's cap binds in c's first month (3M output at $25/M and more).
    assert!(want[2].1 < want[0].1);
    for t in &res.trials {
        for (plan, w) in t.plans.iter().zip(want) {
            let got = &plan.totals;
            assert!(
                close(got.revenue, w.0),
                "revenue {} vs {}",
                got.revenue,
                w.0
            );
            assert!(close(got.cost, w.1), "cost {} vs {}", got.cost, w.1);
            assert!(close(got.profit, w.2), "profit {} vs {}", got.profit, w.2);
            assert_eq!(got.users, 3);
            assert_eq!(got.active_user_months, 2 + 2 + 3);
            assert_eq!(got.churned_users, 1, "a leaves after month 1");
        }
    }
}

#[test]
fn users_is_ignored_without_bootstrap_with_a_note() {
    let p = small();
    let scn = with_panel(SCENARIO, &p, &[("simulation.users", "50")]).expect("valid");
    assert_eq!(scn.simulation.users, 3);
    let notes = scn.notes();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].contains("3 users") && notes[0].contains("users = 50"),
        "{notes:?}"
    );
    let same = with_panel(SCENARIO, &p, &[("simulation.users", "3")]).expect("valid");
    assert!(same.notes().is_empty());
}

/// A larger export: `n` users over 3 months, in two segments (labels when `labels`), usage
/// varied by a fixed formula.
fn wide(n: usize, labels: bool) -> Panel {
    let users: Vec<(String, Option<&str>, Vec<Row>)> = (0..n)
        .map(|i| {
            let x = (i as f64 + 1.0) * (1.0 + ((i * 7919) % 13) as f64 / 13.0);
            let rows = (0..3)
                .map(|m| {
                    if (i + m) % 5 == 0 {
                        (0.0, 0.0, 0.0, 0.0)
                    } else {
                        let o = x * 1e4 * (1.0 + m as f64);
                        (o, 2.0 * o, (i % 3) as f64 * o, 0.1 * o)
                    }
                })
                .collect();
            let seg = if i % 3 == 0 { "heavy" } else { "light" };
            (format!("u{i}"), labels.then_some(seg), rows)
        })
        .collect();
    let refs: Vec<(&str, Option<&str>, Vec<Row>)> = users
        .iter()
        .map(|(id, s, r)| (id.as_str(), *s, r.clone()))
        .collect();
    panel(&refs)
}

#[test]
fn bootstrap_matches_the_export_mean_and_is_thread_count_independent() {
    let p = wide(60, false);
    let text = SCENARIO.replace(
        "file = \"export.csv\"",
        "file = \"x.csv\"\nbootstrap = true",
    );
    let scn = with_panel(
        &text,
        &p,
        &[("simulation.users", "5000"), ("simulation.trials", "8")],
    )
    .expect("valid");
    assert!(scn.notes().is_empty());
    // Each user's payg revenue, replayed alone (bootstrap off, the same cards).
    let alone = with_panel(SCENARIO, &p, &[]).expect("valid");
    let n = alone.simulation.users as usize;
    let mut per_user = Vec::new();
    for i in 0..p.users.len() {
        let one = Panel {
            users: vec![p.users[i].clone()],
            ..p.clone()
        };
        if let Ok(s) = with_panel(SCENARIO, &one, &[("simulation.trials", "1")]) {
            per_user.push(run(&s, &|_| {}).unwrap().trials[0].plans[0].totals.revenue);
        }
    }
    assert_eq!(per_user.len(), n);
    let mean = per_user.iter().sum::<f64>() / n as f64;
    let sd = (per_user.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
    let pool = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    };
    let one: RunResults = pool(1).install(|| run(&scn, &|_| {}).unwrap());
    let two: RunResults = pool(2).install(|| run(&scn, &|_| {}).unwrap());
    assert_eq!(one, two, "1 and 2 threads give the same results");
    let draws = (5000 * one.trials.len()) as f64;
    let got = one
        .trials
        .iter()
        .map(|t| t.plans[0].totals.revenue)
        .sum::<f64>()
        / draws;
    let se = sd / draws.sqrt();
    assert!(
        (got - mean).abs() < 4.0 * se,
        "bootstrap mean {got} vs export mean {mean} (se {se})"
    );
    // Trials differ (users are drawn again in each).
    assert_ne!(
        one.trials[0].plans[0].totals.revenue,
        one.trials[1].plans[0].totals.revenue
    );
}

#[test]
fn bootstrap_keeps_the_segment_shares_of_the_export() {
    let p = wide(30, true); // 10 heavy, 20 light
    let text = SCENARIO.replace(
        "file = \"export.csv\"",
        "file = \"x.csv\"\nbootstrap = true",
    );
    let scn = with_panel(&text, &p, &[("simulation.users", "7")]).expect("valid");
    assert_eq!(scn.segment_names(), ["heavy", "light"]);
    let res = run(&scn, &|_| {}).expect("runs");
    let trials = res.trials.len() as u64;
    // 7 x 1/3 = 2.33 and 7 x 2/3 = 4.67: largest remainder gives 2 and 5.
    assert_eq!(res.segments[0][0].users, 2 * trials);
    assert_eq!(res.segments[0][1].users, 5 * trials);
}

#[test]
fn a_segment_column_makes_one_segment_per_label_in_order_of_appearance() {
    let p = wide(30, true);
    let scn = with_panel(SCENARIO, &p, &[]).expect("valid");
    assert_eq!(scn.segment_names(), ["heavy", "light"]);
    let res = run(&scn, &|_| {}).expect("runs");
    let trials = res.trials.len() as u64;
    let active = |seg: usize| {
        p.users
            .iter()
            .enumerate()
            .filter(|(i, u)| (i % 3 == 0) == (seg == 0) && u.months.iter().any(|m| m.active))
            .count() as u64
    };
    assert_eq!(res.segments[0][0].users, active(0) * trials);
    assert_eq!(res.segments[0][1].users, active(1) * trials);
    let no_labels = with_panel(SCENARIO, &wide(30, false), &[]).expect("valid");
    assert_eq!(no_labels.segment_names(), ["population"]);
}

#[test]
fn cycle_repeats_the_export_and_a_longer_horizon_is_refused_without_it() {
    let p = small();
    let e = with_panel(SCENARIO, &p, &[("simulation.months", "7")]).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("horizon is 7 months") && msg.contains("spans 3 month(s)"),
        "{msg}"
    );
    assert!(msg.contains("cycle = true"), "{msg}");
    let text = SCENARIO.replace("file = \"export.csv\"", "file = \"x.csv\"\ncycle = true");
    let scn = with_panel(&text, &p, &[("simulation.months", "6")]).expect("valid");
    let res = run(&scn, &|_| {}).expect("runs");
    let t = &res.trials[0].plans[0].totals;
    // Everyone stays to the horizon from their first active month: 6 + 5 + 6 months.
    assert_eq!(t.active_user_months, 17);
    assert_eq!(t.churned_users, 0);
    // payg over two passes of the export: twice each user's months from first to the end,
    // less b's month 0 (before b arrived; it has no usage anyway).
    let once = with_panel(&text, &p, &[]).expect("valid");
    let r3 = run(&once, &|_| {}).unwrap().trials[0].plans[0]
        .totals
        .revenue;
    assert!(close(t.revenue, 2.0 * r3), "{} vs {}", t.revenue, 2.0 * r3);
}

#[test]
fn menu_mode_users_choose_among_the_plans() {
    let p = wide(40, true);
    let text = SCENARIO
        .replace(
            "file = \"export.csv\"",
            "file = \"x.csv\"\nvalue_per_retail = 0.8",
        )
        .replace(
            "name = \"replay\"",
            "name = \"replay\"\n[market]\nmode = \"menu\"",
        );
    let scn = with_panel(&text, &p, &[]).expect("valid");
    let res = run(&scn, &|_| {}).expect("runs");
    // Each user is on at most one of our plans, and they do not all choose the same one.
    let rows = scn.rows().len();
    let chosen: Vec<u64> = res.trials[0].plans[..rows - 1]
        .iter()
        .map(|p| p.totals.users)
        .collect();
    assert!(
        chosen.iter().sum::<u64>() <= scn.simulation.users,
        "{chosen:?}"
    );
    assert!(chosen.iter().filter(|&&n| n > 0).count() >= 2, "{chosen:?}");
    // Without a value the menu is refused.
    let bare = text.replace("value_per_retail = 0.8", "");
    let e = with_panel(&bare, &p, &[]).unwrap_err().to_string();
    assert!(
        e.contains("population.value") && e.contains("menu mode"),
        "{e}"
    );
}

#[test]
fn sweep_points_share_the_replayed_users_and_equal_runs_alone() {
    let p = wide(50, true);
    let menu = SCENARIO
        .replace(
            "file = \"export.csv\"",
            "file = \"x.csv\"\nvalue_per_retail = 0.8",
        )
        .replace(
            "name = \"replay\"",
            "name = \"replay\"\n[market]\nmode = \"menu\"",
        );
    for (text, bootstrap) in [
        (SCENARIO.to_string(), false),
        (menu, false),
        (
            SCENARIO.replace(
                "file = \"export.csv\"",
                "file = \"x.csv\"\nbootstrap = true",
            ),
            true,
        ),
    ] {
        let points: Vec<Scenario> = ["15", "20", "25"]
            .iter()
            .map(|v| {
                with_panel(
                    &text,
                    &p,
                    &[("plan.max.price", v), ("simulation.users", "300")],
                )
                .expect("valid")
            })
            .collect();
        let stop = AtomicBool::new(false);
        let opts = RunOptions::default();
        let together = run_points(&points, 0..3, &opts, &|_| {}, &stop)
            .unwrap()
            .unwrap();
        for (scn, got) in points.iter().zip(&together) {
            let alone = run_trials(scn, 0..3, &opts, &|_| {}, &stop)
                .unwrap()
                .unwrap();
            assert_eq!(*got, alone, "bootstrap {bootstrap}");
        }
        // In each mode the price moves only its own plan (in menu mode it moves choices).
        assert!(
            text.contains("menu")
                || together[0].trials[0].plans[0].totals == together[2].trials[0].plans[0].totals
        );
        assert_ne!(
            together[0].trials[0].plans[1].totals,
            together[2].trials[0].plans[1].totals
        );
    }
}

#[test]
fn arrivals_seats_and_outcome_plans_and_both_tables_are_refused() {
    let p = small();
    let bad = [
        (
            SCENARIO.replace(
                "name = \"replay\"",
                "name = \"replay\"\n[market]\nnew_users_per_month = 5",
            ),
            "market.new_users_per_month",
        ),
        (
            SCENARIO.replace("price = 20\n", "price = 20\nper_seat = true\n"),
            "plan.max.per_seat",
        ),
        (
            format!("{SCENARIO}\n[[segment]]\nname = \"s\"\nshare = 1\noutput_tokens = 5\n"),
            "segment",
        ),
    ];
    for (text, path) in bad {
        let e = with_panel(&text, &p, &[]).unwrap_err().to_string();
        assert!(e.contains(&format!(": {path}: ")), "{path}: {e}");
    }
    let none_active = panel(&[("z", None, vec![(0.0, 0.0, 0.0, 0.0)])]);
    let e = with_panel(SCENARIO, &none_active, &[("simulation.months", "1")])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("population.file") && e.contains("no user"),
        "{e}"
    );
    let bad_label = panel(&[("u", Some("has space"), vec![(1.0, 0.0, 0.0, 0.0); 3])]);
    let e = with_panel(SCENARIO, &bad_label, &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("population.segment_col") && e.contains("has space"),
        "{e}"
    );
    // A missing export is refused at `file` (no panel injected: the file is looked for).
    let e = parse(SCENARIO, "/nonexistent/replay.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("population.file") && e.contains("no such file"),
        "{e}"
    );
}
