//! The six output files agree with each other and with counts worked out by hand (segment
//! sizes by largest remainder, decile sizes), monthly.csv is recomputed from the per-trial
//! month sums, and `plansim check` says what it computed.

use std::process::{Command, Stdio};

use crate::common::{Table, read_csv as read};

fn col(t: &Table, name: &str) -> usize {
    t.0.iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

fn f(t: &Table, row: &[String], name: &str) -> f64 {
    row[col(t, name)].parse().unwrap()
}

fn rel_close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn files_agree_with_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    // 3001 users: the shares 0.50, 0.35, 0.12, 0.03 give 1500.5, 1050.35, 360.12 and 90.03,
    // so the one user left after the floors goes to the largest remainder (the first segment);
    // deciles take ranks r with floor(10 r / 3001) = k: 301 users in the first, 300 in the rest.
    let (trials, users) = (6.0, 3001.0);
    let segment_sizes = [1501.0, 1050.0, 360.0, 90.0];
    let decile_sizes = [
        301.0, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0, 300.0,
    ];
    let ok = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args([
            "run",
            "configs/coding-agent.toml",
            "--quiet",
            "--trials",
            "6",
        ])
        .args(["--users", "3001", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let summary = read(&out.join("summary.csv"));
    let tr = read(&out.join("trials.csv"));
    let seg = read(&out.join("segments.csv"));
    let dec = read(&out.join("deciles.csv"));
    let mon = read(&out.join("monthly.csv"));
    assert_eq!(summary.1.len(), 5);
    // Trial-level draws are columns named by path.
    assert!(tr.0.contains(&"cost.annual_decline".to_string()));
    assert!(tr.0.contains(&"plan.api.usage_response".to_string()));
    for s in &summary.1 {
        let plan = &s[0];
        let rows = |t: &Table| -> Vec<Vec<String>> {
            t.1.iter().filter(|r| &r[0] == plan).cloned().collect()
        };
        let revenue_mean = f(&summary, s, "revenue_mean");
        let profit_mean = f(&summary, s, "profit_mean");
        // trials.csv: means and identities per trial
        let t_rows: Vec<_> = tr.1.iter().filter(|r| &r[1] == plan).collect();
        assert_eq!(t_rows.len(), 6);
        let mean = |name: &str| t_rows.iter().map(|r| f(&tr, r, name)).sum::<f64>() / trials;
        assert!(rel_close(mean("revenue"), revenue_mean), "{plan}");
        for r in &t_rows {
            let (rev, cost, fees, ovh, profit) = (
                f(&tr, r, "revenue"),
                f(&tr, r, "cost"),
                f(&tr, r, "fees"),
                f(&tr, r, "overhead"),
                f(&tr, r, "profit"),
            );
            assert!(rel_close(profit, rev - cost - fees - ovh), "{plan}");
        }
        // segments.csv and deciles.csv: group sizes as worked out by hand, and the groups add
        // up to summary.csv's totals (formed from the trials' totals, another path).
        for (t, sizes) in [(&seg, &segment_sizes[..]), (&dec, &decile_sizes[..])] {
            let rs = rows(t);
            let n: Vec<f64> = rs.iter().map(|r| f(t, r, "users")).collect();
            assert_eq!(n, sizes, "{plan}: group sizes");
            let total = |name: &str| {
                rs.iter()
                    .map(|r| f(t, r, name) * f(t, r, "users"))
                    .sum::<f64>()
            };
            assert!(rel_close(total("revenue_per_user"), revenue_mean), "{plan}");
            assert!(rel_close(total("profit_per_user"), profit_mean), "{plan}");
        }
        // A decile's share of profit is its profit over the plan's mean profit per trial.
        for r in rows(&dec) {
            let part = f(&dec, &r, "profit_per_user") * f(&dec, &r, "users");
            let share = f(&dec, &r, "share_of_profit");
            assert!(
                (share - part / profit_mean).abs() <= 1e-9 * (share.abs() + 1.0),
                "{plan} decile {}: share {share} vs {}",
                r[1],
                part / profit_mean
            );
        }
        // Heavier deciles bring more revenue on a metered plan.
        if plan == "api" {
            let rpu: Vec<f64> = rows(&dec)
                .iter()
                .map(|r| f(&dec, r, "revenue_per_user"))
                .collect();
            assert!(rpu.windows(2).all(|w| w[0] < w[1]), "{rpu:?}");
        }
        // monthly.csv: months add up to the horizon; churn only removes users.
        let m_rows = rows(&mon);
        assert_eq!(m_rows.len(), 12);
        let rev: f64 = m_rows.iter().map(|r| f(&mon, r, "revenue_mean")).sum();
        assert!(rel_close(rev, revenue_mean), "{plan}");
        let active: Vec<f64> = m_rows.iter().map(|r| f(&mon, r, "active_users")).collect();
        assert_eq!(active[0], users);
        assert!(active.windows(2).all(|w| w[1] <= w[0]));
        let ovh: f64 = m_rows.iter().map(|r| f(&mon, r, "overhead_mean")).sum();
        assert!(rel_close(ovh, f(&summary, s, "overhead_mean")), "{plan}");
    }
    // Breakage is counted only on the credit plan.
    for r in &tr.1 {
        let b = f(&tr, r, "breakage_credits");
        assert_eq!(b > 0.0, r[1] == "credits", "{r:?}");
    }
}

/// Percentile by numpy's default (linear between order statistics at (n - 1) q / 100), written
/// out here.
fn numpy_percentile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let pos = (v.len() - 1) as f64 * q / 100.0;
    let (lo, frac) = (pos.floor() as usize, pos - pos.floor());
    if frac == 0.0 {
        v[lo]
    } else {
        v[lo] + (v[lo + 1] - v[lo]) * frac
    }
}

/// monthly.csv from the per-trial month sums (kept by `run_trials`): each month's means over
/// trials, and its profit percentiles recomputed from the trials' month profits; each
/// trial's month sums add up to its totals (revenue, cost with the decline, fees, overhead,
/// profit, active users); summary.csv's cost_to_retail is a ratio of sums from the trials.
#[test]
fn monthly_csv_is_recomputed_from_per_trial_month_sums() {
    use plansim::results::MonthTotals;
    use plansim::{Report, RunOptions, parse, run_trials, summarize, write_all};
    use std::sync::atomic::AtomicBool;
    let text = r#"
name = "months"
[simulation]
trials = 38
users = 200
months = 5
seed = 9
[retail]
input = 5
cache_read = 0.5
output = 25
[cost]
input = 0.5
cache_read = 0.05
output = 2.5
annual_decline = { dist = "uniform", min = 0.2, max = 0.6 }
per_user_month = 0.4
payment_fee_rate = 0.03
payment_fee_fixed = 0.3
[[segment]]
name = "s"
share = 1
output_tokens = { dist = "lognormal", median = 300_000, sigma = 1.2 }
input_per_output = 20
cache_read_share = 0.8
monthly_volatility = 0.7
monthly_churn = 0.1
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "pro"
kind = "flat"
price = 20
cap = 40
"#;
    let scn = parse(text, "months.toml").unwrap();
    let opts = RunOptions {
        keep_trial_groups: true,
    };
    let res = run_trials(&scn, 0..38, &opts, &|_| {}, &AtomicBool::new(false))
        .unwrap()
        .unwrap();
    let summaries = summarize(&scn, &res);
    let report = Report {
        scenario: &scn,
        results: &res,
        summaries: &summaries,
        config_path: "months.toml".into(),
        threads: 1,
        wall_seconds: 0.0,
        started_at: std::time::UNIX_EPOCH,
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    assert!(write_all(&out, &report, &AtomicBool::new(false)).unwrap());
    let mon = read(&out.join("monthly.csv"));
    let summary = read(&out.join("summary.csv"));
    let n = res.trials.len() as f64;
    for (p, plan) in ["api", "pro"].iter().enumerate() {
        let per_trial: Vec<&Vec<MonthTotals>> = res
            .trials
            .iter()
            .map(|t| &t.groups.as_ref().unwrap().months[p])
            .collect();
        // Each trial's month sums add up to the trial's totals, component by component.
        for (t, months) in res.trials.iter().zip(&per_trial) {
            let x = &t.plans[p].totals;
            let sum = |f: fn(&MonthTotals) -> f64| months.iter().map(f).sum::<f64>();
            for (name, got, want) in [
                ("revenue", sum(|m| m.revenue), x.revenue),
                ("cost", sum(|m| m.cost), x.cost),
                ("fees", sum(|m| m.fees), x.fees),
                ("overhead", sum(|m| m.overhead), x.overhead),
                ("profit", sum(|m| m.profit), x.profit),
            ] {
                assert!(
                    (got - want).abs() <= 1e-9 * (x.revenue + x.cost + x.fees + x.overhead),
                    "{plan} trial {}: months' {name} {got} != total {want}",
                    t.trial
                );
            }
            let active: u64 = months.iter().map(|m| m.active_users).sum();
            assert_eq!(active, x.active_user_months, "{plan} trial {}", t.trial);
        }
        let rows: Vec<&Vec<String>> = mon.1.iter().filter(|r| &r[0] == plan).collect();
        assert_eq!(rows.len(), 5);
        for (m, row) in rows.iter().enumerate() {
            let cell = |name: &str| f(&mon, row, name);
            let mean =
                |g: fn(&MonthTotals) -> f64| per_trial.iter().map(|v| g(&v[m])).sum::<f64>() / n;
            assert_eq!(
                cell("active_users"),
                mean(|x| x.active_users as f64),
                "{plan} {m}"
            );
            for (name, g) in [
                ("revenue_mean", (|x| x.revenue) as fn(&MonthTotals) -> f64),
                ("cost_mean", |x| x.cost),
                ("fees_mean", |x| x.fees),
                ("overhead_mean", |x| x.overhead),
                ("profit_mean", |x| x.profit),
            ] {
                assert!(rel_close(cell(name), mean(g)), "{plan} month {m}: {name}");
            }
            let profits: Vec<f64> = res
                .trials
                .iter()
                .map(|t| t.plans[p].month_profit[m])
                .collect();
            for (name, q) in [
                ("profit_p05", 5.0),
                ("profit_p50", 50.0),
                ("profit_p95", 95.0),
            ] {
                let want = numpy_percentile(&profits, q);
                assert!(
                    rel_close(cell(name), want),
                    "{plan} month {m}: {name} {} != {want}",
                    cell(name)
                );
            }
        }
        // cost_to_retail is the trials' serving cost over their retail value.
        let s = summary.1.iter().find(|r| &r[0] == plan).unwrap();
        let sum = |g: fn(&plansim::results::Totals) -> f64| {
            res.trials
                .iter()
                .map(|t| g(&t.plans[p].totals))
                .sum::<f64>()
        };
        let want = sum(|x| x.cost) / sum(|x| x.retail_value);
        assert!(rel_close(f(&summary, s, "cost_to_retail"), want), "{plan}");
        assert!(
            want < 0.2,
            "{plan}: cost is about a tenth of retail, declining"
        );
    }
}

fn check(text: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(&path, text).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    (o.status.success(), String::from_utf8(o.stdout).unwrap())
}

const CHECK_BASE: &str = r#"
name = "c"
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
[[segment]]
name = "s"
share = 1
output_tokens = TOKENS
input_per_output = 10
[[plan]]
name = "p"
kind = "payg"
"#;

#[test]
fn check_reports_closed_forms_draws_and_infinite_means() {
    let (ok, out) = check(&CHECK_BASE.replace(
        "TOKENS",
        r#"{ dist = "lognormal", median = 1_000_000, sigma = 1 }"#,
    ));
    assert!(ok);
    // median 1M output + 10M fresh input: $25 + $50 retail, $7.50 cost; closed form.
    assert!(
        out.contains("1.00M") && out.contains("$75.00") && out.contains("$7.50"),
        "{out}"
    );
    assert!(out.contains("closed form"), "{out}");
    let (ok, out) = check(&CHECK_BASE.replace(
        "TOKENS",
        r#"{ dist = "gamma", shape = 2, scale = 500_000 }"#,
    ));
    assert!(ok && out.contains("100000 draws"), "{out}");
    let (ok, out) = check(&CHECK_BASE.replace(
        "TOKENS",
        r#"{ dist = "pareto", min = 100_000, alpha = 0.9 }"#,
    ));
    assert!(
        ok && out.contains("warning") && out.contains("no finite mean"),
        "{out}"
    );
    let (ok, out) = check(&CHECK_BASE.replace(
        "TOKENS",
        r#"{ dist = "lognormal", median = 1000, sigma = 4.5 }"#,
    ));
    assert!(ok && out.contains("sigma >= 4"), "{out}");
}
