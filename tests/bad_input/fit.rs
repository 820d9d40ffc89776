//! `plansim fit`: a bad export, bad arguments, a `--plans` scenario that cannot be used, an
//! `--out` that cannot be written. Each is refused with exit code 2 before anything is
//! written: no `--out` file, no report folder (named or the default `output/`), no temporary
//! file.

use std::fs;

use tempfile::TempDir;

use crate::{BASE, refused};

/// A valid monthly export of four users over three months.
const USAGE: &str = "user,month,output_tokens,input_tokens\n\
                     a,2026-01,1000,5000\na,2026-02,1200,6000\na,2026-03,900,4000\n\
                     b,2026-01,50000,9000\nb,2026-02,70000,8000\nb,2026-03,60000,7000\n\
                     c,2026-01,300,100\nc,2026-02,0,0\nc,2026-03,500,200\n\
                     d,2026-01,9000000,1\nd,2026-02,8000000,1\nd,2026-03,9500000,1\n";

/// A folder holding `usage` as usage.csv and the base scenario as plans.toml.
fn with_usage(usage: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("usage.csv"), usage).expect("write");
    fs::write(dir.path().join("plans.toml"), BASE).expect("write");
    dir
}

/// `plansim fit usage.csv --out fitted.toml` plus `extra` is refused with `prefix` and
/// `words`, and again with the default output folder and no `--out`.
fn fit_refused(usage: &str, extra: &[&str], prefix: &str, words: &[&str]) {
    let dir = with_usage(usage);
    let mut args = vec!["fit", "usage.csv", "--out", "fitted.toml", "--dir", "fit"];
    args.extend(extra);
    refused(dir.path(), &args, 2, prefix, words);
    let mut args = vec!["fit", "usage.csv"];
    args.extend(extra);
    refused(dir.path(), &args, 2, prefix, words);
}

#[test]
fn fit_a_negative_token_count() {
    let usage = USAGE.replace("b,2026-02,70000", "b,2026-02,-70000");
    fit_refused(&usage, &[], "error: usage.csv:6:", &["output_tokens"]);
}

#[test]
fn fit_a_missing_output_column() {
    let usage = USAGE.replace("output_tokens", "tokens_out");
    fit_refused(&usage, &[], "error: usage.csv:1:", &["output"]);
}

#[test]
fn fit_a_user_and_month_twice() {
    let usage = format!("{USAGE}a,2026-02,5,5\n");
    fit_refused(&usage, &[], "error: usage.csv:14:", &["a"]);
}

#[test]
fn fit_too_few_users_with_output() {
    let usage = "user,month,output_tokens\na,2026-01,10\nb,2026-01,0\n";
    fit_refused(
        usage,
        &[],
        "error: usage.csv: 1 user with output tokens",
        &["at least 3"],
    );
}

#[test]
fn fit_segments_out_of_range() {
    for bad in ["0", "7", "many"] {
        fit_refused(
            USAGE,
            &["--segments", bad],
            &format!("error: --segments {bad}:"),
            &["auto"],
        );
    }
}

#[test]
fn fit_uncertain_without_a_bootstrap() {
    fit_refused(
        USAGE,
        &["--uncertain", "--bootstrap", "0"],
        "error: --uncertain",
        &["--bootstrap 0"],
    );
}

#[test]
fn fit_too_many_resamples() {
    fit_refused(
        USAGE,
        &["--bootstrap", "100001"],
        "error: --bootstrap 100001",
        &["at most"],
    );
}

#[test]
fn fit_a_where_without_equals() {
    fit_refused(
        USAGE,
        &["--where", "model"],
        "error: --where model",
        &["COLUMN=VALUE"],
    );
}

#[test]
fn fit_a_missing_plans_scenario() {
    fit_refused(USAGE, &["--plans", "nope.toml"], "error: nope.toml", &[]);
}

#[test]
fn fit_an_invalid_plans_scenario() {
    let dir = with_usage(USAGE);
    fs::write(
        dir.path().join("plans.toml"),
        BASE.replace("price = 20", "price = -20"),
    )
    .unwrap();
    let args = [
        "fit",
        "usage.csv",
        "--plans",
        "plans.toml",
        "--out",
        "f.toml",
        "--dir",
        "fit",
    ];
    refused(dir.path(), &args, 2, "error: plans.toml:", &["price"]);
}

#[test]
fn fit_plans_whose_other_tables_name_its_segments() {
    // A sweep of a segment's field: the fitted segments have other names.
    let text = format!(
        "{BASE}\n[[sweep]]\npath = \"segment.casual.monthly_churn\"\nvalues = [0.01, 0.02]\n"
    );
    let dir = with_usage(USAGE);
    fs::write(dir.path().join("plans.toml"), text).unwrap();
    let args = [
        "fit",
        "usage.csv",
        "--plans",
        "plans.toml",
        "--out",
        "f.toml",
        "--dir",
        "fit",
    ];
    refused(
        dir.path(),
        &args,
        2,
        "error: --plans plans.toml: the written scenario does not load",
        &[],
    );
}

#[test]
fn fit_an_out_name_that_is_no_scenario_name() {
    let dir = with_usage(USAGE);
    let args = ["fit", "usage.csv", "--out", "bad name.toml", "--dir", "fit"];
    refused(
        dir.path(),
        &args,
        2,
        "error: --out bad name.toml:",
        &["scenario's name"],
    );
}

#[test]
fn fit_an_out_that_is_a_folder() {
    let dir = with_usage(USAGE);
    fs::create_dir(dir.path().join("f.toml")).unwrap();
    let args = ["fit", "usage.csv", "--out", "f.toml", "--dir", "fit"];
    refused(
        dir.path(),
        &args,
        2,
        "error: --out f.toml: exists and is not a regular file",
        &[],
    );
}

#[test]
fn fit_an_out_in_a_missing_folder() {
    let dir = with_usage(USAGE);
    let args = [
        "fit",
        "usage.csv",
        "--out",
        "nowhere/f.toml",
        "--dir",
        "fit",
    ];
    refused(
        dir.path(),
        &args,
        2,
        "error: --out nowhere/f.toml: its folder nowhere does not exist",
        &[],
    );
}

#[test]
fn fit_a_token_count_that_is_no_number() {
    let usage = USAGE.replace("c,2026-03,500,200", "c,2026-03,500,lots");
    fit_refused(&usage, &[], "error: usage.csv:10:", &["input_tokens"]);
}
