//! `plansim check` on a menu scenario: the expected choice shares of every segment, each over
//! every option (our plans, the external plan, `none`), summing to 1, with the method named
//! (closed form or estimated, with standard errors), the trial whose draws were used, the same
//! text on every run, and nothing of it in each mode.

use std::path::Path;
use std::process::Command;

/// Four segments: `fixed` has every per-user input fixed (closed form); `drawn` draws its demand
/// and value (estimated). Under `best`, `fixed` (100k output tokens, $2.50 at list price, value
/// $30) has api 30 - 2.5 - 5 = 22.5, pro 30 - 20 = 10, host 0.8 x 30 - 0.25 = 23.75: host.
const MENU: &str = r#"
name = "check-menu"
[simulation]
trials = 5
users = 200
months = 6
seed = 11
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
[market]
mode = "menu"
CHOICE
[[segment]]
name = "fixed"
share = 0.5
output_tokens = 100_000
value = 30
[[segment]]
name = "drawn"
share = 0.5
output_tokens = { dist = "lognormal", median = 2_000_000, p95 = 8_000_000 }
value = { dist = "lognormal", median = 150, p95 = 400 }
input_per_output = 10
cache_read_share = 0.8
[[plan]]
name = "api"
kind = "payg"
anxiety = 5
[[plan]]
name = "pro"
kind = "flat"
price = 20
cap = 200
[[plan]]
name = "host"
kind = "payg"
external = true
quality = 0.8
rates = { input = 0.5, output = 2.5 }
"#;

const OPTIONS: [&str; 4] = ["api", "pro", "host", "none"];

/// Runs `plansim check` on `text` (written to a file in `dir`) and returns its stdout.
fn check(dir: &Path, text: &str) -> String {
    let file = dir.join("menu.toml");
    std::fs::write(&file, text).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .arg("check")
        .arg(&file)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

/// One segment's block: its method line and, per option, its share and standard error.
struct Block {
    method: String,
    rows: Vec<(String, f64, Option<f64>)>,
}

/// The blocks of the choice-share section, by segment, in order.
fn blocks(stdout: &str) -> Vec<(String, Block)> {
    let start = stdout
        .find("\nexpected choice shares at arrival")
        .unwrap_or_else(|| panic!("no choice shares:\n{stdout}"));
    let mut out: Vec<(String, Block)> = Vec::new();
    for line in stdout[start..].lines().skip(2) {
        if let Some(rest) = line.strip_prefix("segment ") {
            let (name, method) = rest.split_once(": ").unwrap();
            out.push((
                name.to_string(),
                Block {
                    method: method.to_string(),
                    rows: Vec::new(),
                },
            ));
        } else if let Some(row) = line.strip_prefix("  ") {
            let cells: Vec<&str> = row.split_whitespace().collect();
            if cells[0] == "option" || out.is_empty() {
                continue;
            }
            let se = cells.get(2).and_then(|c| c.parse().ok());
            let block = &mut out.last_mut().unwrap().1;
            block
                .rows
                .push((cells[0].to_string(), cells[1].parse().unwrap(), se));
        }
    }
    out
}

#[test]
fn menu_check_prints_shares_that_sum_to_1_per_segment_and_names_the_method() {
    let dir = tempfile::tempdir().unwrap();
    for choice in ["choice = \"best\"", "choice = \"logit\"\nlogit_scale = 10"] {
        let stdout = check(dir.path(), &MENU.replace("CHOICE", choice));
        let blocks = blocks(&stdout);
        let names: Vec<&str> = blocks.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["fixed", "drawn"], "{stdout}");
        for (name, b) in &blocks {
            let options: Vec<&str> = b.rows.iter().map(|r| r.0.as_str()).collect();
            assert_eq!(options, OPTIONS, "{name}: {stdout}");
            let sum: f64 = b.rows.iter().map(|r| r.1).sum();
            // Four shares, each rounded to 4 decimals.
            assert!(
                (sum - 1.0).abs() <= 2.5e-4,
                "{name} sums to {sum}: {stdout}"
            );
            assert!(b.rows.iter().all(|r| (0.0..=1.0).contains(&r.1)));
        }
        let (fixed, drawn) = (&blocks[0].1, &blocks[1].1);
        assert!(fixed.method.starts_with("closed form"), "{stdout}");
        assert!(fixed.rows.iter().all(|r| r.2.is_none()), "{stdout}");
        assert!(
            drawn
                .method
                .starts_with("estimated from 100000 simulated users"),
            "{stdout}"
        );
        for (option, p, se) in &drawn.rows {
            let se = se.unwrap_or_else(|| panic!("{option} has no std_err: {stdout}"));
            let want = (p * (1.0 - p) / 100_000.0).sqrt();
            assert!(
                (se - want).abs() <= 1e-5,
                "{option}: {se} vs {want}: {stdout}"
            );
        }
        assert!(stdout.contains("  host "), "{stdout}");
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with("  host ") && l.ends_with("  external")),
            "{stdout}"
        );
        if choice.contains("best") {
            // The hand-computed choice of `fixed`: every user takes host.
            let shares: Vec<f64> = fixed.rows.iter().map(|r| r.1).collect();
            assert_eq!(shares, [0.0, 0.0, 1.0, 0.0], "{stdout}");
            assert!(stdout.contains("(choice = \"best\";"), "{stdout}");
        } else {
            // api 22.5, pro 10, host 23.75 over a scale of 10.
            let e: Vec<f64> = [2.25f64, 1.0, 2.375, 0.0].iter().map(|x| x.exp()).collect();
            let total: f64 = e.iter().sum();
            for (r, x) in fixed.rows.iter().zip(&e) {
                assert!((r.1 - x / total).abs() <= 5e-5, "{}: {stdout}", r.0);
            }
            assert!(stdout.contains("logit_scale $10.00"), "{stdout}");
        }
        // Nothing is drawn per trial: no trial's draws to name.
        assert!(!stdout.contains("trial 0's draws"), "{stdout}");
        // Deterministic: the same text again.
        assert_eq!(check(dir.path(), &MENU.replace("CHOICE", choice)), stdout);
    }
}

#[test]
fn menu_check_names_the_trial_whose_draws_it_used() {
    let dir = tempfile::tempdir().unwrap();
    let choice = "choice = \"logit\"\nlogit_scale = { dist = \"uniform\", min = 5, max = 15 }";
    let stdout = check(dir.path(), &MENU.replace("CHOICE", choice));
    assert!(
        stdout.contains("values drawn per trial are trial 0's draws (the run's first trial)"),
        "{stdout}"
    );
    let sums: Vec<f64> = blocks(&stdout)
        .iter()
        .map(|(_, b)| b.rows.iter().map(|r| r.1).sum())
        .collect();
    assert_eq!(sums.len(), 2);
    assert!(sums.iter().all(|s| (s - 1.0).abs() <= 2.5e-4), "{stdout}");
}

#[test]
fn each_mode_check_prints_no_shares() {
    let dir = tempfile::tempdir().unwrap();
    let text = MENU
        .replace("mode = \"menu\"", "mode = \"each\"")
        .replace("CHOICE", "")
        .replace("external = true\n", "");
    let stdout = check(dir.path(), &text);
    assert!(
        stdout.starts_with("scenario check-menu: valid."),
        "{stdout}"
    );
    assert!(!stdout.contains("choice shares"), "{stdout}");
}
