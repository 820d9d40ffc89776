//! `[population]` (issue 13): both `[population]` and `[[segment]]`, an unknown key, a missing
//! export, a horizon longer than the export without `cycle`, arrivals, and an error inside the
//! CSV, which names the CSV's own line and column. Positive control: the population scenario
//! passes `check` and runs, with its export read relative to the scenario's folder.

use std::fs;

use crate::{CONFIG, at, plansim, refused, run_args, with_config};

/// The export beside the scenario: two users over two months (January and February 2026).
const USAGE: &str = "user,period,output_tokens,input_tokens
a,2026-01,1000000,3000000
b,2026-01,200000,100000
a,2026-02,1500000,4000000
";

/// A scenario replaying [`USAGE`] (as `usage.csv`) over its two months.
const POP: &str = r#"name = "pop"

[simulation]
trials = 2
months = 2
seed = 1

[retail]
input = 5.0
output = 25.0

[cost]
input = 0.5
output = 2.5

[population]
file = "usage.csv"

[[plan]]
name = "api"
kind = "payg"

[[plan]]
name = "max"
kind = "flat"
price = 20
"#;

/// A folder holding `text` as [`CONFIG`] and `usage` as `usage.csv`.
fn with_export(text: &str, usage: &str) -> tempfile::TempDir {
    let dir = with_config(text);
    fs::write(dir.path().join("usage.csv"), usage).expect("write usage.csv");
    dir
}

/// `text` (with [`USAGE`]) refused by `check`, `run --out out` and `run` with exit code 2 and
/// a line starting with `prefix` holding `words`.
fn refused_everywhere(text: &str, usage: &str, prefix: &str, words: &[&str]) {
    let dir = with_export(text, usage);
    refused(dir.path(), &["check", CONFIG], 2, prefix, words);
    refused(dir.path(), &run_args(&["--out", "out"]), 2, prefix, words);
    refused(dir.path(), &run_args(&[]), 2, prefix, words);
}

#[test]
fn population_scenario_passes_check_and_runs() {
    let dir = with_export(POP, USAGE);
    let run = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
    let run = plansim(dir.path(), &run_args(&["--out", "out"]));
    assert_eq!(run.code, Some(0), "{}", run.describe());
    let segments = fs::read_to_string(dir.path().join("out/segments.csv")).expect("segments.csv");
    assert!(segments.contains("api,population,2,"), "{segments}");
}

#[test]
fn population_and_segments_together() {
    let text = format!("{POP}\n[[segment]]\nname = \"s\"\nshare = 1\noutput_tokens = 5\n");
    let prefix = at(&text, "[[segment]]", "segment");
    refused_everywhere(
        &text,
        USAGE,
        &prefix,
        &["[population]", "[[segment]]", "not both"],
    );
}

#[test]
fn population_unknown_key_suggests_the_right_one() {
    let text = POP.replace(
        "file = \"usage.csv\"",
        "file = \"usage.csv\"\nbootstap = true",
    );
    let prefix = at(&text, "bootstap", "population.bootstap");
    refused_everywhere(
        &text,
        USAGE,
        &prefix,
        &["unknown field", "did you mean `bootstrap`?"],
    );
}

#[test]
fn population_export_missing() {
    let text = POP.replace("usage.csv", "nowhere.csv");
    let prefix = at(&text, "\"nowhere.csv\"", "population.file");
    refused_everywhere(&text, USAGE, &prefix, &["nowhere.csv", "no such file"]);
}

#[test]
fn population_horizon_longer_than_the_export() {
    let text = POP.replace("months = 2", "months = 5");
    let prefix = at(&text, "5\nseed", "simulation.months");
    refused_everywhere(
        &text,
        USAGE,
        &prefix,
        &["horizon is 5 months", "spans 2 month(s)", "cycle = true"],
    );
}

#[test]
fn population_refuses_arrivals() {
    let text = POP.replace(
        "[population]",
        "[market]\nnew_users_per_month = 3\n\n[population]",
    );
    let prefix = at(&text, "3\n\n[population]", "market.new_users_per_month");
    refused_everywhere(&text, USAGE, &prefix, &["does not apply"]);
}

#[test]
fn population_csv_error_names_the_csv_line() {
    let bad = USAGE.replace("b,2026-01,200000", "b,2026-01,-200000");
    // The CSV's own location: line 3 (the header is line 1), the output column (3).
    refused_everywhere(POP, &bad, "error: usage.csv:3:3: ", &["output_tokens"]);
}
