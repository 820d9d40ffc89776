//! Shards and the exact merge (issue 14), end to end with the real binary: `plansim run
//! --shard K/N` for every K, then `plansim merge` in a shuffled order, writes every file a
//! single `plansim run` writes byte for byte (run.json aside, which records the shards), for
//! N = 1, 3 and 7 (7 > trials: empty shards), a sweep, menu mode, and trial-level draws with
//! a correlation across the 100-trial blocks; and every refusal is exit 2 naming the shard
//! folder, with the merge's --out untouched.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use plansim::shard::fingerprint::sha256;
use plansim::shard::{MANIFEST, Manifest};

use crate::folders::files;

const BIN: &str = env!("CARGO_BIN_EXE_plansim");

/// The shipped configs (the tests run from the package root).
fn config(name: &str) -> String {
    format!("{}/configs/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn plansim(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("start plansim")
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "plansim failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The stderr of a command that must fail with exit code 2.
fn refused(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    err
}

/// Runs shards 1..=n of `args` (after `run CONFIG`) into `dir/<prefix>K`.
fn shards(dir: &Path, cfg: &str, n: u64, prefix: &str, args: &[&str]) -> Vec<String> {
    (1..=n)
        .map(|k| {
            let out = format!("{prefix}{k}");
            let split = format!("{k}/{n}");
            let mut all = vec!["run", cfg, "--quiet", "--shard", &split, "--out", &out];
            all.extend(args);
            ok(&plansim(dir, &all));
            out
        })
        .collect()
}

/// Merges `folders` (in the order given) into `dir/out`.
fn merge(dir: &Path, folders: &[String], out: &str, extra: &[&str]) -> Output {
    let mut all: Vec<&str> = vec!["merge"];
    all.extend(folders.iter().map(String::as_str));
    all.extend(["--out", out, "--quiet"]);
    all.extend(extra);
    plansim(dir, &all)
}

/// The two folders hold the same files, byte for byte, run.json (which may differ) aside;
/// returns how many files were compared.
fn same_outputs(a: &Path, b: &Path) -> usize {
    let (fa, fb) = (files(a, false), files(b, false));
    assert!(fa.keys().eq(fb.keys()), "the same files");
    let mut compared = 0;
    for (name, x) in &fa {
        if name == "run.json" || name.ends_with("/run.json") {
            continue;
        }
        assert!(*x == fb[name], "{name} differs");
        compared += 1;
    }
    compared
}

/// A single run, the shards in reverse order, the merge: the same outputs.
fn merges_like_a_single_run(cfg: &str, n: u64, args: &[&str]) -> PathBuf {
    let dir = tempfile::tempdir().unwrap().keep();
    let mut single = vec!["run", cfg, "--quiet", "--out", "single"];
    single.extend(args);
    ok(&plansim(&dir, &single));
    let mut folders = shards(&dir, cfg, n, "s", args);
    folders.reverse();
    ok(&merge(&dir, &folders, "merged", &[]));
    assert!(same_outputs(&dir.join("single"), &dir.join("merged")) >= 5);
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("merged/run.json")).unwrap()).unwrap();
    assert_eq!(json["shards"]["n"], n);
    assert_eq!(json["shards"]["shards"].as_array().unwrap().len() as u64, n);
    dir
}

const SMALL: [&str; 6] = ["--trials", "5", "--users", "60", "--months", "3"];

#[test]
fn one_three_and_seven_shards_merge_into_the_single_run_byte_for_byte() {
    let cfg = config("coding-agent.toml");
    for n in [1, 3] {
        let dir = merges_like_a_single_run(&cfg, n, &[&SMALL[..], &["--baseline", "pro"]].concat());
        assert!(dir.join("merged/compare.csv").exists());
        fs::remove_dir_all(dir).unwrap();
    }
    // 7 shards of 5 trials: shards 1 and 4 are empty, and still merge.
    let dir = merges_like_a_single_run(&cfg, 7, &SMALL);
    let m: Manifest =
        serde_json::from_slice(&fs::read(dir.join("s1").join(MANIFEST)).unwrap()).unwrap();
    assert_eq!((m.first_trial, m.end_trial, m.trials), (0, 0, 5));
    fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_sweep_in_menu_mode_with_correlated_draws_merges_byte_for_byte() {
    // 2 x 3 points on the menu, with trial-level draws rank-correlated.
    let cfg = config("pricing-sweep.toml");
    let args = [
        "--trials",
        "4",
        "--users",
        "40",
        "--months",
        "2",
        "--sweep",
        "plan.max-20x.price=[150, 250]",
    ];
    let dir = merges_like_a_single_run(&cfg, 3, &args);
    assert!(dir.join("merged/points/006/summary.csv").exists());
    assert!(dir.join("merged/sweep.csv").exists());
    fs::remove_dir_all(dir).unwrap();
    // A sweep in each mode, with --rank-by and the baseline point of a sweep.
    let args = [
        &SMALL[..],
        &[
            "--sweep",
            "plan.pro.price=[20, 25]",
            "--baseline-point",
            "2",
            "--rank-by",
            "-profit_p05",
        ],
    ]
    .concat();
    let dir = merges_like_a_single_run(&config("coding-agent.toml"), 3, &args);
    assert!(dir.join("merged/points/002/trials.csv").exists());
    fs::remove_dir_all(dir).unwrap();
    // A plain menu run.
    let dir = merges_like_a_single_run(&config("menu.toml"), 2, &SMALL);
    fs::remove_dir_all(dir).unwrap();
}

/// Trial-level draws (each mode) with a correlation: Iman-Conover works on blocks of 100
/// trials, and the shards' ranges cut through them.
const CORRELATED: &str = r#"
name = "correlated"
[simulation]
trials = 150
users = 30
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
[[correlation]]
paths = ["cost.annual_decline", "retail.annual_decline"]
rank = 0.8
"#;

#[test]
fn trial_level_draws_with_a_correlation_merge_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("c.toml");
    fs::write(&cfg, CORRELATED).unwrap();
    let kept = merges_like_a_single_run(cfg.to_str().unwrap(), 3, &[]);
    let trials = fs::read_to_string(kept.join("merged/trials.csv")).unwrap();
    assert!(
        trials.contains("annual_decline"),
        "trial-level draws are in trials.csv"
    );
    fs::remove_dir_all(kept).unwrap();
}

/// Three shards of the small coding-agent run in a fresh folder.
fn three(extra: &[&str]) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = config("coding-agent.toml");
    let args = [&SMALL[..], extra].concat();
    let folders = shards(dir.path(), &cfg, 3, "s", &args);
    (dir, folders)
}

/// The merge of `folders` into `out` is refused; `out` is not created. Returns stderr.
fn merge_refused(dir: &Path, folders: &[&str]) -> String {
    let folders: Vec<String> = folders.iter().map(|s| s.to_string()).collect();
    let err = refused(&merge(dir, &folders, "out", &[]));
    assert!(!dir.join("out").exists(), "nothing written: {err}");
    let leftovers: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary folder left: {leftovers:?}"
    );
    err
}

#[test]
fn missing_duplicated_and_foreign_shards_are_refused_naming_the_folders() {
    let (dir, _) = three(&[]);
    let d = dir.path();
    let err = merge_refused(d, &["s1", "s3"]);
    assert!(err.contains("shard 2 of 3 is missing"), "{err}");
    copy_dir(&d.join("s1"), &d.join("again"));
    let err = merge_refused(d, &["s1", "s2", "again", "s3"]);
    assert!(
        err.contains("shard 1 of 3 given twice") && err.contains("s1") && err.contains("again"),
        "{err}"
    );
    // Another seed, another scenario, another split.
    let cfg = config("coding-agent.toml");
    let other = |out: &str, split: &str, extra: &[&str]| {
        let mut args = vec!["run", &cfg, "--quiet", "--shard", split, "--out", out];
        args.extend(SMALL);
        args.extend(extra);
        ok(&plansim(d, &args));
    };
    other("seed", "2/3", &["--seed", "99"]);
    let err = merge_refused(d, &["s1", "seed", "s3"]);
    assert!(
        err.contains("differ in their seed") && err.contains("99 in seed"),
        "{err}"
    );
    other("price", "2/3", &["--set", "plan.pro.price=21"]);
    let err = merge_refused(d, &["s1", "price", "s3"]);
    assert!(
        err.contains("differ in their inputs") && err.contains("price"),
        "{err}"
    );
    other("split", "2/4", &[]);
    let err = merge_refused(d, &["s1", "split", "s3"]);
    assert!(
        err.contains("split is shard 2 of 4") && err.contains("same split"),
        "{err}"
    );
    // A shard folder is never the merge's output.
    let before = fs::read(d.join("s2/results/001.json")).unwrap();
    let folders: Vec<String> = ["s1", "s2", "s3"].iter().map(|s| s.to_string()).collect();
    let err = refused(&merge(d, &folders, "s2", &[]));
    assert!(
        err.contains("shard folder s2") && err.contains("is this shard folder"),
        "{err}"
    );
    assert_eq!(fs::read(d.join("s2/results/001.json")).unwrap(), before);
    // A good merge still works after all that, with the report and workbook of a run.
    let folders = ["s2".into(), "s1".into(), "s3".into()];
    ok(&merge(d, &folders, "out", &["--report", "--xlsx"]));
    assert!(d.join("out/report.html").is_file() && d.join("out/results.xlsx").is_file());
}

#[test]
fn corrupted_files_unknown_formats_and_other_versions_are_refused() {
    let (dir, _) = three(&[]);
    let d = dir.path();
    // A merge already there must stay as it was.
    ok(&merge(
        d,
        &["s1".into(), "s2".into(), "s3".into()],
        "out",
        &[],
    ));
    let before = files(&d.join("out"), false);
    let unchanged = |err: &str| {
        assert!(
            files(&d.join("out"), false) == before,
            "out changed after: {err}"
        );
    };
    let merge_out = || {
        let folders: Vec<String> = ["s1", "s2", "s3"].iter().map(|s| s.to_string()).collect();
        refused(&merge(d, &folders, "out", &[]))
    };
    // One flipped byte in a results file.
    let results = d.join("s2/results/001.json");
    let good = fs::read(&results).unwrap();
    let mut bad = good.clone();
    let at = bad.len() / 2;
    bad[at] = if bad[at] == b'1' { b'2' } else { b'1' };
    fs::write(&results, &bad).unwrap();
    let err = merge_out();
    assert!(
        err.contains("shard folder s2") && err.contains("results/001.json is corrupted"),
        "{err}"
    );
    unchanged(&err);
    fs::write(&results, &good).unwrap();
    // The manifest itself.
    let manifest = d.join("s3").join(MANIFEST);
    let text = fs::read_to_string(&manifest).unwrap();
    fs::write(&manifest, text.replace("\"threads\": ", "\"threads\": 1")).unwrap();
    let err = merge_out();
    assert!(
        err.contains("shard folder s3") && err.contains("checksum mismatch"),
        "{err}"
    );
    unchanged(&err);
    // An unknown format version.
    fs::write(&manifest, text.replace("\"format\": 1,", "\"format\": 99,")).unwrap();
    let err = merge_out();
    assert!(err.contains("unknown shard format version 99"), "{err}");
    unchanged(&err);
    // Another plansim version, and another machine's maths, checksummed as a real one would be.
    let mut m: Manifest = serde_json::from_str(&text).unwrap();
    m.plansim_version = "0.0.9".into();
    m.parts.version = sha256(b"0.0.9");
    rewrite(&manifest, m.clone());
    let err = merge_out();
    assert!(
        err.contains("differ in their plansim version") && err.contains("0.0.9 in s3"),
        "{err}"
    );
    unchanged(&err);
    m = serde_json::from_str(&text).unwrap();
    m.target = "riscv64-linux-musl".into();
    m.parts.maths = sha256(b"another libm");
    rewrite(&manifest, m);
    let err = merge_out();
    assert!(
        err.contains("platform maths") && err.contains("riscv64-linux-musl in s3"),
        "{err}"
    );
    unchanged(&err);
    fs::write(&manifest, &text).unwrap();
    // Every shard from another plansim, or from a machine with other maths: not merged here.
    let originals: Vec<String> = (1..=3)
        .map(|k| fs::read_to_string(d.join(format!("s{k}")).join(MANIFEST)).unwrap())
        .collect();
    for (what, expect) in [
        ("version", "written by plansim 0.0.9, but this is plansim"),
        (
            "maths",
            "written on riscv64-linux-musl whose platform maths differ",
        ),
    ] {
        for (k, original) in originals.iter().enumerate() {
            let mut m: Manifest = serde_json::from_str(original).unwrap();
            if what == "version" {
                m.plansim_version = "0.0.9".into();
                m.parts.version = sha256(b"0.0.9");
            } else {
                m.target = "riscv64-linux-musl".into();
                m.parts.maths = sha256(b"another libm");
            }
            rewrite(&d.join(format!("s{}", k + 1)).join(MANIFEST), m);
        }
        let err = merge_out();
        assert!(
            err.contains("shard folder s1") && err.contains(expect),
            "{err}"
        );
        unchanged(&err);
    }
    for (k, original) in originals.iter().enumerate() {
        fs::write(d.join(format!("s{}", k + 1)).join(MANIFEST), original).unwrap();
    }
    ok(&merge(
        d,
        &["s1".into(), "s2".into(), "s3".into()],
        "out",
        &[],
    ));
}

/// Writes `m` at `path` as plansim would: fingerprint and checksum recomputed.
fn rewrite(path: &Path, mut m: Manifest) {
    m.fingerprint = m.parts.fingerprint();
    m.checksum = String::new();
    let render = |m: &Manifest| {
        let mut v = serde_json::to_vec_pretty(m).unwrap();
        v.push(b'\n');
        v
    };
    m.checksum = sha256(&render(&m));
    fs::write(path, render(&m)).unwrap();
}

fn copy_dir(from: &Path, to: &Path) {
    for (f, bytes) in files(from, false) {
        let target = to.join(f);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::write(target, bytes).unwrap();
    }
}

const EMPIRICAL: &str = r#"
name = "empirical"
[simulation]
trials = 6
users = 40
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
output_tokens = { dist = "empirical", file = "data/usage.csv", column = "tokens" }
[[plan]]
name = "api"
kind = "payg"
"#;

#[test]
fn a_data_file_changed_between_shards_or_before_the_merge_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("scn/data")).unwrap();
    fs::write(d.join("scn/s.toml"), EMPIRICAL).unwrap();
    let csv = d.join("scn/data/usage.csv");
    fs::write(&csv, "tokens\n1000\n200000\n3000000\n").unwrap();
    let shard = |k: u64, out: &str| {
        let split = format!("{k}/2");
        ok(&plansim(
            d,
            &[
                "run",
                "scn/s.toml",
                "--quiet",
                "--shard",
                &split,
                "--out",
                out,
            ],
        ));
    };
    shard(1, "a1");
    shard(2, "a2");
    ok(&plansim(
        d,
        &["run", "scn/s.toml", "--quiet", "--out", "single"],
    ));
    // Merged from another folder: the data are found again from where the shards ran.
    fs::create_dir(d.join("elsewhere")).unwrap();
    ok(&plansim(
        &d.join("elsewhere"),
        &["merge", "../a1", "../a2", "--out", "../merged", "--quiet"],
    ));
    same_outputs(&d.join("single"), &d.join("merged"));
    fs::write(&csv, "tokens\n1000\n200000\n3000001\n").unwrap();
    shard(2, "b2");
    let err = merge_refused(d, &["a1", "b2"]);
    assert!(err.contains("differ in their data files"), "{err}");
    // Changed after every shard ran: the merge reads it again.
    let err = merge_refused(d, &["a1", "a2"]);
    assert!(
        err.contains("shard folder a1") && err.contains("usage.csv changed since the shards ran"),
        "{err}"
    );
}

#[test]
fn shard_runs_refuse_precision_reports_and_malformed_splits() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cfg = config("coding-agent.toml");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", cfg.as_str(), "--quiet", "--out", "o"];
        args.extend(SMALL);
        args.extend(extra);
        let err = refused(&plansim(d, &args));
        assert!(!d.join("o").exists());
        err
    };
    let err = run(&["--shard", "1/2", "--precision", "profit_p05:1%"]);
    assert!(
        err.contains("precision mode") && err.contains("batches"),
        "{err}"
    );
    let err = run(&[
        "--shard",
        "1/2",
        "--set",
        "simulation.precision={ metric = \"profit_p05\", relative = 0.01 }",
    ]);
    assert!(
        err.contains("precision mode") && err.contains("batches"),
        "{err}"
    );
    for extra in ["--report", "--xlsx"] {
        let err = run(&["--shard", "1/2", extra]);
        assert!(err.contains("plansim merge"), "{err}");
    }
    for bad in ["0/2", "3/2", "1/0", "x", "1/2/3"] {
        let err = run(&["--shard", bad]);
        assert!(err.contains("expected K/N"), "{bad}: {err}");
    }
}

#[test]
fn size_limits_apply_to_each_shards_own_trials() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cfg = config("coding-agent.toml");
    let big = |trials: &str, extra: &[&str]| {
        let mut args = vec![
            "run",
            cfg.as_str(),
            "--quiet",
            "--trials",
            trials,
            "--users",
            "100000000",
            "--out",
            "o",
        ];
        args.extend(extra);
        plansim(d, &args)
    };
    // 2000 trials of 10^8 users are over the work limit as one run...
    let err = refused(&big("2000", &[]));
    assert!(err.contains("user-plan-months is too large"), "{err}");
    // ... a shard of 4000 trials' first half too (its own 2000 trials)...
    let err = refused(&big("4000", &["--shard", "1/2"]));
    assert!(err.contains("2000 trials x 100000000 users"), "{err}");
    assert!(!d.join("o").exists());
    // ... but not a shard of a few of them (here none: 2000 trials in 10^6 shards).
    ok(&big("2000", &["--shard", "1/1000000"]));
    let m: Manifest =
        serde_json::from_slice(&fs::read(d.join("o").join(MANIFEST)).unwrap()).unwrap();
    assert_eq!((m.first_trial, m.end_trial, m.n), (0, 0, 1_000_000));
}
