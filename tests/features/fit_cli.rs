//! `plansim fit` end to end: small exports written in temporary folders, fitted, and the
//! written scenario checked and run; and the ServeGen export kept in the repository.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::common::read_csv;

fn plansim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plansim"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// stdout of a run that must succeed.
fn ok(o: &Output, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{what} failed: {stderr}");
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// A monthly export of two groups: `light` users (D lognormal, median 1e5, sigma 0.5) and
/// `heavy` users (median 1e8), each month D × exp(0.3 z − 0.045), 20 input tokens per output
/// token, over six months; users `l0..` then `h0..`.
fn two_groups(light: usize, heavy: usize, seed: u64) -> String {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut z = || -> f64 { StandardNormal.sample(&mut rng) };
    let mut csv = String::from("user,month,output_tokens,input_tokens\n");
    for (prefix, n, median) in [("l", light, 1e5f64), ("h", heavy, 1e8)] {
        for i in 0..n {
            let d = (median.ln() + 0.5 * z()).exp();
            for m in 1..=6 {
                let out = (d * (0.3 * z() - 0.045).exp()).round();
                let _ = writeln!(csv, "{prefix}{i},2026-{m:02},{out},{}", out * 20.0);
            }
        }
    }
    csv
}

/// `key = value` numbers of the written tables, in order.
fn values(text: &str, key: &str) -> Vec<f64> {
    text.lines()
        .filter_map(|l| l.strip_prefix(&format!("{key} = ")))
        .map(|v| v.parse().unwrap())
        .collect()
}

fn dir_with(export: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("usage.csv"), export).unwrap();
    dir
}

#[test]
fn two_separated_groups_become_two_segments_that_run() {
    let dir = dir_with(&two_groups(60, 40, 7));
    let d = dir.path();
    let args = [
        "fit",
        "usage.csv",
        "--segments",
        "auto",
        "--out",
        "fitted.toml",
    ];
    let stdout = ok(
        &plansim(
            d,
            &[
                &args[..],
                &["--dir", "fit", "--bootstrap", "30", "--report"],
            ]
            .concat(),
        ),
        "fit",
    );
    assert!(stdout.contains("chosen: mixture-2"), "{stdout}");
    let text = std::fs::read_to_string(d.join("fitted.toml")).unwrap();
    assert!(text.starts_with("# Written by `plansim fit`"), "{text}");
    assert!(text.contains("name = \"fitted\""));
    // Shares near the truth: the groups are 60/40 exactly and do not overlap.
    let shares = values(&text, "share");
    assert_eq!(shares.len(), 2, "{text}");
    assert!(
        (shares[0] - 0.6).abs() < 0.02 && (shares[1] - 0.4).abs() < 0.02,
        "{shares:?}"
    );
    // 20 prompt tokens per output token, up to rounding.
    for r in values(&text, "input_per_output") {
        assert!((r - 20.0).abs() < 1e-3, "{r}");
    }
    // Volatility 0.3: each segment pools 5 degrees of freedom per user, so the sd of the
    // estimate is about 0.3 / sqrt(2 x 5 x 40) = 0.015; allow 4 of those.
    for v in values(&text, "monthly_volatility") {
        assert!((v - 0.3).abs() < 0.06, "{v}");
    }
    // Nobody leaves before the last month.
    assert_eq!(values(&text, "monthly_churn"), [0.0, 0.0]);
    // Every user in the segment of its group.
    let (head, rows) = read_csv(&d.join("fit/fit_users.csv"));
    assert_eq!(head[..3], ["user", "segment", "typical_output_tokens"]);
    assert_eq!(rows.len(), 100);
    for r in &rows {
        let want = if r[0].starts_with('l') {
            "light"
        } else {
            "heavy"
        };
        assert_eq!(r[1], want, "{r:?}");
        assert_eq!(r[8], "6");
        assert_eq!(r[9], "5");
        assert_eq!(r[10], "0");
    }
    // fit_report.csv: a row per candidate, the chosen one marked; fit_params.csv: the chosen
    // mixture's six parameters; fit_report.html with --report.
    let (_, report) = read_csv(&d.join("fit/fit_report.csv"));
    let chosen: Vec<_> = report.iter().filter(|r| r[3] == "1").collect();
    assert_eq!(chosen.len(), 1);
    assert_eq!(chosen[0][1], "mixture-2");
    let (_, params) = read_csv(&d.join("fit/fit_params.csv"));
    assert_eq!(params.len(), 6, "{params:?}");
    let html = std::fs::read_to_string(d.join("fit/fit_report.html")).unwrap();
    assert!(html.contains("<svg"));
    ok(&plansim(d, &["check", "fitted.toml"]), "check");
    ok(
        &plansim(
            d,
            &[
                "run",
                "fitted.toml",
                "--trials",
                "5",
                "--users",
                "200",
                "--out",
                "run",
                "--quiet",
            ],
        ),
        "run",
    );
    assert!(d.join("run/summary.csv").is_file());
}

#[test]
fn without_out_the_tables_go_to_stdout_and_the_report_to_the_default_folder() {
    let dir = dir_with(&two_groups(30, 0, 3));
    let d = dir.path();
    let stdout = ok(
        &plansim(d, &["fit", "usage.csv", "--bootstrap", "20"]),
        "fit",
    );
    assert!(
        stdout.contains("[[segment]]\nname = \"all\"\nshare = 1\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("90% bootstrap intervals (20 resamples"),
        "{stdout}"
    );
    assert!(d.join("output/fit-usage/fit_users.csv").is_file());
    let entries: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries.len(), 2, "only usage.csv and output/: {entries:?}");
}

#[test]
fn uncertain_parameters_load_and_run() {
    let dir = dir_with(&two_groups(40, 0, 5));
    let d = dir.path();
    let args = [
        "fit",
        "usage.csv",
        "--uncertain",
        "--bootstrap",
        "40",
        "--out",
        "u.toml",
        "--dir",
        "f",
    ];
    ok(&plansim(d, &args), "fit --uncertain");
    let text = std::fs::read_to_string(d.join("u.toml")).unwrap();
    assert!(text.contains("mu = { dist = \"normal\", mean = "), "{text}");
    assert!(
        text.contains("sigma = { dist = \"lognormal\", median = "),
        "{text}"
    );
    assert!(text.contains("independently"));
    ok(
        &plansim(
            d,
            &[
                "run", "u.toml", "--trials", "5", "--users", "100", "--out", "r", "--quiet",
            ],
        ),
        "run",
    );
    // Each trial drew its own mu: trials.csv has a column for it.
    let (head, _) = read_csv(&d.join("r/trials.csv"));
    assert!(
        head.iter().any(|h| h == "segment.all.output_tokens.mu"),
        "{head:?}"
    );
}

#[test]
fn plans_come_from_another_scenario() {
    let dir = dir_with(&two_groups(30, 20, 11));
    let d = dir.path();
    let plans = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/coding-agent.toml");
    let args = [
        "fit",
        "usage.csv",
        "--segments",
        "2",
        "--bootstrap",
        "10",
        "--out",
        "p.toml",
    ];
    let plans = plans.to_str().unwrap();
    ok(
        &plansim(
            d,
            &[&args[..], &["--plans", plans, "--note", "Data: a test"]].concat(),
        ),
        "fit",
    );
    let text = std::fs::read_to_string(d.join("p.toml")).unwrap();
    assert!(text.contains("# Data: a test\n"));
    assert_eq!(text.matches("[[plan]]").count(), 5);
    assert_eq!(text.matches("[[segment]]").count(), 2);
    let check = ok(&plansim(d, &["check", "p.toml"]), "check");
    assert!(check.contains("2 segments, 5 plans"), "{check}");
    // Running the command again replaces the file whole.
    ok(
        &plansim(d, &[&args[..], &["--plans", plans]].concat()),
        "fit again",
    );
    assert!(
        !std::fs::read_to_string(d.join("p.toml"))
            .unwrap()
            .contains("a test")
    );
}

/// The ServeGen export kept in the repository (data/servegen/, Apache-2.0, attribution in its
/// README).
fn servegen() -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/servegen/client_daily.csv");
    assert!(p.is_file(), "{} is missing", p.display());
    p
}

#[test]
fn the_servegen_export_fits() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let file = servegen();
    let args = [
        "fit",
        file.to_str().unwrap(),
        "--where",
        "model=m-large",
        "--segments",
        "auto",
    ];
    let stdout = ok(
        &plansim(
            d,
            &[&args[..], &["--bootstrap", "50", "--out", "s.toml"]].concat(),
        ),
        "fit",
    );
    // 14 days: volatility from the daily series, churn not estimated, said so.
    assert!(stdout.contains("daily series"), "{stdout}");
    assert!(stdout.contains("monthly_churn: not estimated"), "{stdout}");
    // Every m-large client with token counts is a user; those with output are fitted, and
    // all of them were active in the export's only month, 14 of 30.44 days: scaled.
    let (_, rows) = read_csv(&d.join("output/fit-client_daily/fit_users.csv"));
    let fitted: Vec<_> = rows.iter().filter(|r| !r[1].is_empty()).collect();
    assert!(
        fitted.len() >= 140 && rows.len() <= 162,
        "{} users",
        rows.len()
    );
    assert!(fitted.iter().all(|r| r[10] == "1" && r[9] == "0"));
    let n = format!("typical monthly output tokens of {} users", fitted.len());
    assert!(stdout.contains(&n), "{stdout}");
    ok(
        &plansim(
            d,
            &[
                "run", "s.toml", "--trials", "3", "--users", "300", "--out", "r", "--quiet",
            ],
        ),
        "run",
    );
}

#[test]
fn the_shipped_servegen_scenario_is_what_its_command_writes() {
    // The command in configs/servegen.toml's header, run from the repository with the
    // scenario and the report folder in a temporary folder: the same file but for the
    // command line itself.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = std::fs::read_to_string(root.join("configs/servegen.toml")).unwrap();
    let command = shipped
        .lines()
        .find_map(|l| l.strip_prefix("# Command: plansim "))
        .expect("the command in the header");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("servegen.toml");
    let (out, fit) = (out.to_str().unwrap(), dir.path().join("fit"));
    // The notes are quoted with single quotes, the one in `'26` escaped as '\''.
    let mut args: Vec<String> = Vec::new();
    let mut rest = command;
    while !rest.is_empty() {
        let (arg, tail) = if let Some(quoted) = rest.strip_prefix('\'') {
            let mut arg = String::new();
            let mut tail = quoted;
            loop {
                let end = tail.find('\'').unwrap();
                arg.push_str(&tail[..end]);
                tail = &tail[end + 1..];
                match tail.strip_prefix("\\''") {
                    Some(more) => {
                        arg.push('\'');
                        tail = more;
                    }
                    None => break,
                }
            }
            (arg, tail)
        } else {
            let end = rest.find(' ').unwrap_or(rest.len());
            (rest[..end].to_string(), &rest[end..])
        };
        args.push(arg);
        rest = tail.trim_start();
    }
    let at = args.iter().position(|a| a == "--out").unwrap();
    args[at + 1] = out.to_string();
    args.extend(["--dir".to_string(), fit.to_str().unwrap().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&plansim(root, &args), "the shipped command");
    let written = std::fs::read_to_string(out).unwrap();
    let without = |t: &str| -> Vec<String> {
        t.lines()
            .filter(|l| !l.starts_with("# Command: "))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(without(&written), without(&shipped));
    assert!(shipped.contains("Apache-2.0") && shipped.contains("arXiv:2505.09999"));
}
