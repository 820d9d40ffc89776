//! `dist = "empirical"` end to end (issue 13): output tokens resampled from a small CSV give a
//! payg plan the expected profit worked out from the sample mean, within standard errors; a
//! relative `file` is read from the scenario's folder (from the current folder for a scenario
//! on stdin); a bad data file is refused with exit code 2 at its line and column, writing
//! nothing; run.json shows where the values came from and their summary, not the values; an
//! empirical trial-level input draws only values of its column.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::read_csv;

const BIN: &str = env!("CARGO_BIN_EXE_plansim");

/// The `tokens` of the rows with model `a` in [`usage_csv`]: 2e5 three times, so it is drawn
/// with probability 3/8.
const A_TOKENS: [f64; 8] = [1e5, 2e5, 2e5, 2e5, 4.5e5, 8e5, 1.2e6, 5e6];

/// A usage file: [`A_TOKENS`] under model `a`, other rows under model `b` (one with a cell
/// that is not a number: never read, since `where` leaves the row out), and a blank cell.
fn usage_csv() -> String {
    let mut s = String::from("user,model,tokens\n");
    for (i, t) in A_TOKENS.iter().enumerate() {
        s.push_str(&format!("u{i},a,{t}\n"));
        s.push_str(&format!("v{i},b,{}\n", 1e9 + *t));
    }
    s.push_str("w,b,lots\nx,a,\n");
    s
}

/// One segment whose output tokens are resampled from FILE; payg at $10 per M output tokens
/// served at $4: a user's month earns 6e-6 x its tokens.
const SCN: &str = r#"
name = "empirical"
[simulation]
trials = TRIALS
users = 400
months = 1
seed = 5
[retail]
input = 1
output = 10
[cost]
input = 1
output = 4
[[segment]]
name = "all"
share = 1
output_tokens = { dist = "empirical", file = "FILE", column = "tokens", where = { model = "a" } }
[[plan]]
name = "api"
kind = "payg"
"#;

fn scenario(file: &str, trials: u64) -> String {
    SCN.replace("FILE", file)
        .replace("TRIALS", &trials.to_string())
}

fn plansim(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start plansim");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("wait for plansim")
}

/// A temp folder with the scenario at `scn/scenario.toml` reading `data/usage.csv` (relative:
/// `data/usage.csv` inside `scn/`).
fn setup(trials: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir_all(dir.path().join("scn/data")).expect("mkdir");
    fs::write(dir.path().join("scn/data/usage.csv"), usage_csv()).expect("write csv");
    fs::write(
        dir.path().join("scn/scenario.toml"),
        scenario("data/usage.csv", trials),
    )
    .expect("write scenario");
    dir
}

#[test]
fn payg_profit_is_the_closed_form_from_the_sample_mean() {
    let dir = setup(300);
    // Loaded from the crate's folder: the data file is found next to the scenario.
    let scn = plansim::load(&dir.path().join("scn/scenario.toml")).expect("valid scenario");
    let results = plansim::run(&scn, &|_| {}).expect("runs");
    let summary = &plansim::summarize(&scn, &results)[0];
    let n = A_TOKENS.len() as f64;
    let mean = A_TOKENS.iter().sum::<f64>() / n;
    let var = A_TOKENS.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / n;
    // A trial's profit is 6e-6 x the sum of 400 independent draws.
    let (users, trials) = (400.0, 300.0);
    let expected = 6e-6 * users * mean;
    let se = 6e-6 * (users * var).sqrt() / f64::sqrt(trials);
    assert!(
        (summary.profit_mean - expected).abs() <= 4.5 * se,
        "profit {} against {expected} (se {se})",
        summary.profit_mean
    );
}

#[test]
fn run_json_shows_the_source_and_summary_not_the_values() {
    let dir = setup(4);
    // Run from the temp folder: the relative file is read from scn/, the scenario's folder.
    let o = plansim(
        dir.path(),
        &["run", "scn/scenario.toml", "--out", "out", "--quiet"],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = fs::read_to_string(dir.path().join("out/run.json")).expect("run.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    let tokens = &json["scenario"]["segments"][0]["output_tokens"];
    let n = A_TOKENS.len() as f64;
    assert_eq!(tokens["dist"], "empirical", "{tokens}");
    assert_eq!(tokens["file"], "scn/data/usage.csv");
    assert_eq!(tokens["column"], "tokens");
    assert_eq!(tokens["where"], serde_json::json!({ "model": "a" }));
    assert_eq!(tokens["n"], 8);
    assert_eq!(tokens["min"], 1e5);
    assert_eq!(tokens["max"], 5e6);
    assert_eq!(tokens["mean"], A_TOKENS.iter().sum::<f64>() / n);
    assert_eq!(tokens.as_object().expect("a table").len(), 8, "{tokens}");
    assert!(!text.contains("450000"), "a value is in run.json");
}

#[test]
fn a_scenario_on_stdin_reads_its_data_from_the_current_folder() {
    let dir = setup(4);
    fs::create_dir_all(dir.path().join("data")).expect("mkdir");
    fs::copy(
        dir.path().join("scn/data/usage.csv"),
        dir.path().join("data/usage.csv"),
    )
    .expect("copy");
    let text = scenario("data/usage.csv", 4);
    let o = plansim(dir.path(), &["check", "-"], Some(&text));
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // From the scenario's own folder the same relative path is not found.
    let o = plansim(
        &dir.path().join("scn"),
        &["check", "-"],
        Some(&text.replace("data/", "")),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("error: <stdin>:") && err.contains(".file: usage.csv: no such file"),
        "{err}"
    );
}

#[test]
fn a_bad_cell_is_refused_at_its_line_and_nothing_is_written() {
    let dir = setup(4);
    let csv = usage_csv().replace("u3,a,200000\n", "u3,a,2e5x\n");
    fs::write(dir.path().join("scn/data/usage.csv"), csv).expect("write csv");
    let o = plansim(
        dir.path(),
        &["run", "scn/scenario.toml", "--out", "out", "--quiet"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    // Header line 1, then two rows per value: u3 is on line 8, its tokens in field 3.
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        "error: scn/data/usage.csv:8:3: tokens: `2e5x` is not a number\n"
    );
    assert!(!dir.path().join("out").exists());
}

#[test]
fn an_empirical_trial_level_input_draws_values_of_its_column() {
    let dir = setup(40);
    let path = dir.path().join("scn/scenario.toml");
    let text = fs::read_to_string(&path).expect("read").replace(
        "input = 1\noutput = 4",
        "input = 1\noutput = { dist = \"empirical\", file = \"data/cost.csv\", column = \"usd\" }",
    );
    fs::write(&path, text).expect("write");
    fs::write(dir.path().join("scn/data/cost.csv"), "usd\n3\n4\n4\n5\n").expect("write");
    let o = plansim(
        dir.path(),
        &["run", "scn/scenario.toml", "--out", "out", "--quiet"],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (header, rows) = read_csv(&dir.path().join("out/trials.csv"));
    let col = header
        .iter()
        .position(|h| h == "cost.output")
        .expect("a cost.output column");
    let drawn: Vec<f64> = rows.iter().map(|r| r[col].parse().unwrap()).collect();
    assert_eq!(drawn.len(), 40);
    assert!(
        drawn.iter().all(|x| [3.0, 4.0, 5.0].contains(x)),
        "{drawn:?}"
    );
    // 40 draws of three values: each appears (a miss has probability under 3 x 0.75^40).
    for v in [3.0, 4.0, 5.0] {
        assert!(drawn.contains(&v), "{v} never drawn: {drawn:?}");
    }
}
