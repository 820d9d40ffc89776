//! Correlated inputs end to end (`[[correlation]]`, issue 12): run.json reports the target, the
//! block size and the achieved rank correlation of each pair; trials 0..149 are the same in a
//! run of 150 trials and one of 300 (a block is always computed whole); the files are
//! byte-identical for 1, 2 and 8 threads; a scenario without correlations has no
//! `correlation` in run.json.

use std::path::Path;
use std::process::Command;

const SCN: &str = r#"
name = "correlated"
[simulation]
trials = 300
users = 5000
months = 2
seed = 8
[retail]
input = 5
output = 25
annual_decline = { dist = "uniform", min = 0.0, max = 0.5 }
[cost]
input = 0.5
output = 2.5
annual_decline = { dist = "triangular", min = 0.2, mode = 0.4, max = 0.7 }
per_user_month = { dist = "uniform", min = 0.1, max = 0.5 }
[[segment]]
name = "all"
share = 1
output_tokens = { dist = "lognormal", median = 200_000, p99 = 3_000_000 }
monthly_churn = 0.1
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "max"
kind = "flat"
price = 20
cap = 100
"#;

const TABLE: &str = r#"
[[correlation]]
paths = ["cost.annual_decline", "retail.annual_decline"]
rank = 0.8
"#;

/// Runs `config` (text) with `threads` threads and `extra` arguments into `dir/out`.
fn run(dir: &Path, config: &str, out: &str, threads: &str, extra: &[&str]) {
    std::fs::write(dir.join("c.toml"), config).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .current_dir(dir)
        .args([
            "run",
            "c.toml",
            "--quiet",
            "--threads",
            threads,
            "--out",
            out,
        ])
        .args(extra)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{out} failed");
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn run_json_reports_target_and_achieved_rank_correlation() {
    let dir = tempfile::tempdir().unwrap();
    run(dir.path(), &format!("{SCN}{TABLE}"), "o", "2", &[]);
    let json: serde_json::Value = serde_json::from_str(&read(dir.path(), "o/run.json")).unwrap();
    let c = &json["correlation"];
    assert_eq!(c["block_trials"], 100);
    assert_eq!(
        c["inputs"],
        serde_json::json!(["cost.annual_decline", "retail.annual_decline"])
    );
    assert_eq!(c["target"], serde_json::json!([[1.0, 0.8], [0.8, 1.0]]));
    let pair = &c["pairs"][0];
    assert_eq!(pair["target"], 0.8);
    // Within 4 sampling sds of Spearman's rho over 300 trials: 4 (1 - 0.64) / sqrt(300).
    let achieved = pair["achieved"].as_f64().unwrap();
    assert!(
        (achieved - 0.8).abs() <= 4.0 * 0.36 / 300f64.sqrt(),
        "{achieved}"
    );
    // Without [[correlation]], no key.
    run(dir.path(), SCN, "plain", "2", &[]);
    let json: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "plain/run.json")).unwrap();
    assert!(json.get("correlation").is_none());
}

#[test]
fn a_shorter_run_has_the_same_first_trials() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("{SCN}{TABLE}");
    run(dir.path(), &config, "short", "2", &["--trials", "150"]);
    run(dir.path(), &config, "long", "2", &["--trials", "300"]);
    let (short, long) = (
        read(dir.path(), "short/trials.csv"),
        read(dir.path(), "long/trials.csv"),
    );
    // One row per trial and plan (two plans): the header and trials 0..149.
    let rows = 1 + 150 * 2;
    let head: Vec<&str> = long.lines().take(rows).collect();
    assert_eq!(short.lines().collect::<Vec<_>>(), head);
    // The correlation is real: the same trials without it differ.
    run(dir.path(), SCN, "plain", "2", &["--trials", "150"]);
    assert_ne!(read(dir.path(), "plain/trials.csv"), short);
}

#[test]
fn one_two_and_eight_threads_write_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let config = format!("{SCN}{TABLE}");
    for t in ["1", "2", "8"] {
        run(
            dir.path(),
            &config,
            &format!("t{t}"),
            t,
            &["--trials", "250"],
        );
    }
    for f in [
        "summary.csv",
        "trials.csv",
        "segments.csv",
        "deciles.csv",
        "monthly.csv",
    ] {
        let x = read(dir.path(), &format!("t1/{f}"));
        assert!(!x.is_empty());
        assert_eq!(x, read(dir.path(), &format!("t2/{f}")), "{f}");
        assert_eq!(x, read(dir.path(), &format!("t8/{f}")), "{f}");
    }
}
