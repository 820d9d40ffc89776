//! The six output files agree with each other, and `plansim check` says what it computed.

use std::process::{Command, Stdio};

mod common;
use common::{Table, read_csv as read};

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
    let (trials, users) = (6.0, 3000.0);
    let ok = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args([
            "run",
            "configs/coding-agent.toml",
            "--quiet",
            "--trials",
            "6",
        ])
        .args(["--users", "3000", "--out"])
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
        // segments.csv and deciles.csv add up to the same totals over users.
        for (t, n_name) in [(&seg, "users"), (&dec, "users")] {
            let rs = rows(t);
            let n: f64 = rs.iter().map(|r| f(t, r, n_name)).sum();
            assert_eq!(n, users, "{plan}: group sizes");
            let total = |name: &str| {
                rs.iter()
                    .map(|r| f(t, r, name) * f(t, r, n_name) * trials)
                    .sum::<f64>()
                    / trials
            };
            assert!(rel_close(total("revenue_per_user"), revenue_mean), "{plan}");
            assert!(rel_close(total("profit_per_user"), profit_mean), "{plan}");
        }
        let shares: f64 = rows(&dec)
            .iter()
            .map(|r| f(&dec, r, "share_of_profit"))
            .sum();
        assert!((shares - 1.0).abs() < 1e-9, "{plan}: {shares}");
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
