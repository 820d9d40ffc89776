//! Issue 12, items 2 and 3: what a sweep writes (sweep.csv, compare.csv, run.json and each
//! point's usual files under `points/NNN/`) and the paired comparison on common random
//! numbers, with hand-computed differences.
//!
//! Most sweeps here are built by hand at library level (one [`plansim::load_with`] per point,
//! with the swept value as an [`Override`]) and written with [`plansim::write_run`], as
//! `plansim run` does, so each property is checked apart from the grid's parsing; the
//! command-line sweeps (`--sweep`), `--baseline`, `--rank-by` and `--baseline-point` are
//! tested through the binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::AtomicBool;

use plansim::{
    Baseline, Override, PointReport, Report, RunOptions, RunSet, Scenario, compare, load_with,
    output_names, run_points, summarize, write_all, write_run,
};

use crate::common::read_csv;
use crate::folders::files;

/// No cost, a 25% payment fee, no churn, no choice: a flat plan's profit is 0.75 x price per
/// user-month, whatever the users' usage (which is drawn, so the trials differ elsewhere).
const RAISE: &str = r#"
name = "raise"
[simulation]
trials = 20
users = 50
months = 3
seed = 7
[retail]
input = 5
output = 25
[cost]
input = 0
output = 0
payment_fee_rate = 0.25
[[segment]]
name = "all"
share = 1
output_tokens = { dist = "lognormal", median = 1_000_000, p99 = 10_000_000 }
input_per_output = { dist = "uniform", min = 20, max = 60 }
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "pro"
kind = "flat"
price = 100
"#;

/// A folder holding `text` as `s.toml`.
fn config(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// The points of a sweep of `path` over `values`, built as load_points will: the file with
/// the value as an override.
fn points(config: &Path, path: &str, values: &[&str]) -> Vec<(Vec<String>, Scenario)> {
    values
        .iter()
        .map(|v| {
            let o = Override::new(path, *v, format!("--sweep {path}")).unwrap();
            (vec![v.to_string()], load_with(config, &[o]).unwrap())
        })
        .collect()
}

/// Runs the points on `threads` threads and writes them as a sweep over `path` into `out`
/// (each plan compared with itself at point 1).
fn write_sweep(out: &Path, path: &str, points: &[(Vec<String>, Scenario)], threads: usize) {
    let scns: Vec<Scenario> = points.iter().map(|(_, s)| s.clone()).collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let stop = AtomicBool::new(false);
    let trials = 0..scns[0].simulation.trials;
    let results = pool
        .install(|| run_points(&scns, trials, &RunOptions::default(), &|_| {}, &stop))
        .unwrap()
        .unwrap();
    let summaries: Vec<_> = scns
        .iter()
        .zip(&results)
        .map(|(s, r)| summarize(s, r))
        .collect();
    let pairs: Vec<_> = scns.iter().zip(&results).collect();
    let run = RunSet {
        paths: vec![path.to_string()],
        points: (0..scns.len())
            .map(|i| PointReport {
                values: points[i].0.clone(),
                report: report(&scns[i], &results[i], &summaries[i], threads),
            })
            .collect(),
        compare: Some(compare(&pairs, &Baseline::Point(1))),
    };
    assert!(write_run(out, &run, &stop).unwrap());
}

fn report<'a>(
    scn: &'a Scenario,
    results: &'a plansim::results::RunResults,
    summaries: &'a [plansim::PlanSummary],
    threads: usize,
) -> Report<'a> {
    Report {
        scenario: scn,
        results,
        summaries,
        config_path: "s.toml".into(),
        threads,
        wall_seconds: 0.0,
        started_at: std::time::UNIX_EPOCH,
    }
}

/// compare.csv's rows as (point, plan) -> the row's cells by column name.
fn compare_rows(dir: &Path) -> BTreeMap<(String, String), BTreeMap<String, String>> {
    let (header, rows) = read_csv(&dir.join("compare.csv"));
    assert_eq!(
        header,
        [
            "point",
            "plan",
            "vs_point",
            "vs_plan",
            "diff_mean",
            "diff_se",
            "diff_p05",
            "diff_p50",
            "diff_p95",
            "prob_better",
            "prob_worse"
        ]
    );
    rows.into_iter()
        .map(|r| {
            let cells = header.iter().cloned().zip(r.iter().cloned()).collect();
            ((r[0].clone(), r[1].clone()), cells)
        })
        .collect()
}

#[test]
fn raising_a_flat_price_by_d_gains_d_per_user_month_less_the_fee_in_every_trial() {
    let (dir, cfg) = config(RAISE);
    let out = dir.path().join("out");
    let pts = points(&cfg, "plan.pro.price", &["100", "150"]);
    write_sweep(&out, "plan.pro.price", &pts, 2);
    let rows = compare_rows(&out);
    // +$50 x 50 users x 3 months, less the 25% fee: 5625 in every trial, exactly.
    let pro = &rows[&("2".into(), "pro".into())];
    assert_eq!(
        (pro["vs_point"].as_str(), pro["vs_plan"].as_str()),
        ("1", "pro")
    );
    for col in ["diff_mean", "diff_p05", "diff_p50", "diff_p95"] {
        assert_eq!(pro[col], "5625", "{col}: {pro:?}");
    }
    assert_eq!(pro["diff_se"], "0");
    assert_eq!(
        (pro["prob_better"].as_str(), pro["prob_worse"].as_str()),
        ("1", "0")
    );
    // api's price did not move: the same profit in every trial (common random numbers), and
    // the baseline point's own rows are there with 0 differences.
    for key in [("2", "api"), ("1", "api"), ("1", "pro")] {
        let r = &rows[&(key.0.into(), key.1.into())];
        for col in [
            "diff_mean",
            "diff_p05",
            "diff_p95",
            "prob_better",
            "prob_worse",
        ] {
            assert_eq!(r[col], "0", "{key:?} {col}: {r:?}");
        }
    }
    assert_eq!(rows.len(), 4);
}

#[test]
fn a_baseline_plan_is_compared_at_the_same_point_trial_by_trial() {
    // Two flat plans $50 apart in one scenario: the same users, so hi - lo = 50 x 150 x 0.75.
    let (_dir, cfg) = config(&format!(
        "{RAISE}\n[[plan]]\nname = \"hi\"\nkind = \"flat\"\nprice = 150\n"
    ));
    let scn = load_with(&cfg, &[]).unwrap();
    let results = plansim::run(&scn, &|_| {}).unwrap();
    let rows = compare(&[(&scn, &results)], &Baseline::Plan("pro".into()));
    let names: Vec<(&str, &str)> = rows
        .iter()
        .map(|c| (c.plan.as_str(), c.vs_plan.as_str()))
        .collect();
    assert_eq!(names, [("api", "pro"), ("pro", "pro"), ("hi", "pro")]);
    let hi = &rows[2];
    assert_eq!((hi.point, hi.vs_point, hi.trials), (1, 1, 20));
    assert_eq!(hi.diff_mean, 5625.0);
    assert_eq!(hi.diff_pct, [5625.0; 3]);
    assert_eq!((hi.prob_better, hi.prob_worse), (1.0, 0.0));
    assert_eq!(rows[1].diff_mean, 0.0);
    assert_eq!((rows[1].prob_better, rows[1].prob_worse), (0.0, 0.0));
    // api (usage-priced) against pro: the paired differences are those of trials.csv.
    let (h, t) = {
        let out = _dir.path().join("plain");
        let summaries = summarize(&scn, &results);
        assert!(
            write_all(
                &out,
                &report(&scn, &results, &summaries, 1),
                &AtomicBool::new(false)
            )
            .unwrap()
        );
        read_csv(&out.join("trials.csv"))
    };
    let (ti, pi, pr) = (0, 1, h.iter().position(|c| c == "profit").unwrap());
    let profit = |trial: &str, plan: &str| -> f64 {
        let r = t.iter().find(|r| r[ti] == trial && r[pi] == plan).unwrap();
        r[pr].parse().unwrap()
    };
    let diffs: Vec<f64> = (0..20)
        .map(|k| profit(&k.to_string(), "api") - profit(&k.to_string(), "pro"))
        .collect();
    let better = diffs.iter().filter(|d| **d > 0.0).count() as f64 / 20.0;
    assert_eq!(rows[0].prob_better, better);
    let mean = diffs.iter().sum::<f64>() / 20.0;
    assert!((rows[0].diff_mean - mean).abs() <= 1e-9 * mean.abs().max(1.0));
}

#[test]
fn a_sweep_of_a_field_no_plan_uses_gives_the_same_rows_at_every_point() {
    let (dir, cfg) = config(RAISE);
    let out = dir.path().join("out");
    // anxiety is felt only when choosing in menu mode: in each mode it changes nothing.
    let pts = points(&cfg, "plan.pro.anxiety", &["0", "5", "12.5"]);
    write_sweep(&out, "plan.pro.anxiety", &pts, 2);
    let (header, rows) = read_csv(&out.join("sweep.csv"));
    let summary = read_csv(&out.join("points/001/summary.csv"));
    assert_eq!(header[..2], ["point", "plan.pro.anxiety"]);
    assert_eq!(
        header[2..],
        summary.0[..],
        "every summary.csv column, in order"
    );
    assert_eq!(rows.len(), 3 * 2, "point-major, one row per plan");
    for (i, row) in rows.iter().enumerate() {
        let (point, plan) = (i / 2, i % 2);
        assert_eq!(row[0], (point + 1).to_string());
        assert_eq!(row[1], ["0", "5", "12.5"][point]);
        // Every cell after point and path equals point 1's row of the same plan.
        assert_eq!(row[2..], rows[plan][2..], "row {i}");
        assert_eq!(row[2..], summary.1[plan][..], "row {i}");
    }
    for ((_, plan), r) in compare_rows(&out) {
        assert_eq!(r["vs_plan"], plan);
        assert_eq!(
            (r["diff_mean"].as_str(), r["diff_p95"].as_str()),
            ("0", "0")
        );
    }
}

#[test]
fn each_point_folder_is_a_plain_run_of_its_scenario_byte_for_byte() {
    let (dir, cfg) = config(RAISE);
    let out = dir.path().join("out");
    let pts = points(&cfg, "plan.pro.price", &["100", "150", "175"]);
    write_sweep(&out, "plan.pro.price", &pts, 2);
    let top: Vec<String> = files(&out, false).into_keys().collect();
    let mut want = vec![
        ".plansim.manifest".to_string(),
        "compare.csv".into(),
        "run.json".into(),
        "sweep.csv".into(),
    ];
    for p in 1..=3 {
        want.extend(
            output_names(&pts[0].1)
                .iter()
                .map(|f| format!("points/00{p}/{f}")),
        );
    }
    want.sort();
    assert_eq!(top, want);
    for (i, (_, scn)) in pts.iter().enumerate() {
        let plain = dir.path().join(format!("plain{i}"));
        let results = plansim::run(scn, &|_| {}).unwrap();
        let summaries = summarize(scn, &results);
        let r = report(scn, &results, &summaries, 1);
        assert!(write_all(&plain, &r, &AtomicBool::new(false)).unwrap());
        let point = out.join(format!("points/00{}", i + 1));
        assert_eq!(files(&point, true), files(&plain, true), "point {}", i + 1);
    }
    // The sweep's run.json lists the paths and each point's folder and values.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(
        json["sweep"]["paths"],
        serde_json::json!(["plan.pro.price"])
    );
    assert_eq!(json["sweep"]["points"][2]["folder"], "points/003");
    assert_eq!(
        json["sweep"]["points"][2]["values"],
        serde_json::json!(["175"])
    );
    assert_eq!(json["seed"], 7);
}

#[test]
fn sweep_outputs_do_not_depend_on_the_thread_count() {
    let (dir, cfg) = config(RAISE);
    let pts = points(&cfg, "plan.pro.price", &["100", "150"]);
    let mut sets = Vec::new();
    for threads in [1, 2, 8] {
        let out = dir.path().join(format!("t{threads}"));
        write_sweep(&out, "plan.pro.price", &pts, threads);
        sets.push(files(&out, true));
    }
    assert!(sets[0].contains_key("points/002/trials.csv"));
    assert_eq!(sets[0], sets[1]);
    assert_eq!(sets[0], sets[2]);
}

#[test]
fn a_stopped_or_refused_sweep_leaves_the_previous_outputs_as_they_were() {
    let (dir, cfg) = config(RAISE);
    let out = dir.path().join("out");
    let pts = points(&cfg, "plan.pro.price", &["100", "150"]);
    write_sweep(&out, "plan.pro.price", &pts, 1);
    let before = files(&out, false);
    // Stopped: nothing replaced, no temporary folder left beside it.
    let scn = &pts[0].1;
    let results = plansim::run(scn, &|_| {}).unwrap();
    let summaries = summarize(scn, &results);
    let run = RunSet {
        paths: vec!["plan.pro.price".into()],
        points: vec![PointReport {
            values: vec!["100".into()],
            report: report(scn, &results, &summaries, 1),
        }],
        compare: None,
    };
    assert!(!write_run(&out, &run, &AtomicBool::new(true)).unwrap());
    assert_eq!(files(&out, false), before);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    // A file plansim did not write in a point's folder: refused, left exactly as it was.
    std::fs::write(out.join("points/002/notes.txt"), "mine").unwrap();
    let e = write_run(&out, &run, &AtomicBool::new(false)).unwrap_err();
    assert!(e.to_string().contains("points/002/notes.txt"), "{e}");
    let mut now = files(&out, false);
    assert_eq!(
        now.remove("points/002/notes.txt").as_deref(),
        Some(&b"mine"[..])
    );
    assert_eq!(now, before);
    // Without it, a plain run replaces the whole sweep, points/ included.
    std::fs::remove_file(out.join("points/002/notes.txt")).unwrap();
    let plain = RunSet {
        paths: Vec::new(),
        ..run
    };
    assert!(write_run(&out, &plain, &AtomicBool::new(false)).unwrap());
    let mut names: Vec<String> = files(&out, false).into_keys().collect();
    names.retain(|n| n != ".plansim.manifest");
    let mut want: Vec<String> = output_names(scn).iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(names, want);
}

// ---- through the binary ----

fn plansim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plansim"))
        .current_dir(dir)
        .args(["run", "s.toml", "--quiet"])
        .args(args)
        .output()
        .unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn usage_error(o: &Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.stdout.is_empty());
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn baseline_without_a_sweep_writes_compare_csv_and_flags_the_row() {
    let (dir, _) = config(RAISE);
    let stdout = ok(&plansim(dir.path(), &["--out", "o", "--baseline", "pro"]));
    let out = dir.path().join("o");
    let rows = compare_rows(&out);
    let keys: Vec<_> = rows.keys().cloned().collect();
    assert_eq!(
        keys,
        [("1".into(), "api".into()), ("1".into(), "pro".into())]
    );
    assert_eq!(rows[&("1".into(), "pro".into())]["diff_mean"], "0");
    assert!(stdout.contains("\npro *  "), "{stdout}");
    assert!(stdout.contains("\n* baseline: compare.csv compares every plan with pro"));
    let manifest = std::fs::read_to_string(out.join(".plansim.manifest")).unwrap();
    assert!(manifest.contains("\nfile compare.csv\n"), "{manifest}");
    // Without --baseline there is none, and the folder is a plain run's.
    ok(&plansim(dir.path(), &["--out", "o"]));
    let mut names: Vec<String> = files(&out, false).into_keys().collect();
    names.retain(|n| n != ".plansim.manifest");
    let scn = load_with(&dir.path().join("s.toml"), &[]).unwrap();
    let mut want: Vec<String> = output_names(&scn).iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(names, want);
}

#[test]
fn rank_by_orders_the_table_and_unknown_names_are_usage_errors() {
    let (dir, _) = config(&format!(
        "{RAISE}\n[[plan]]\nname = \"hi\"\nkind = \"flat\"\nprice = 150\n"
    ));
    let plans = |stdout: &str| -> Vec<String> {
        stdout
            .lines()
            .skip(1)
            .take(3)
            .map(|l| l.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    let file_order = ok(&plansim(dir.path(), &["--out", "o"]));
    assert_eq!(plans(&file_order), ["api", "pro", "hi"]);
    let high = ok(&plansim(
        dir.path(),
        &["--out", "o", "--rank-by", "profit_mean"],
    ));
    let low = ok(&plansim(
        dir.path(),
        &["--out", "o", "--rank-by", "-profit_mean"],
    ));
    // Ranked by summary.csv's profit_mean.
    let (h, rows) = read_csv(&dir.path().join("o/summary.csv"));
    let c = h.iter().position(|c| c == "profit_mean").unwrap();
    let mut by: Vec<(f64, String)> = rows
        .iter()
        .map(|r| (r[c].parse().unwrap(), r[0].clone()))
        .collect();
    by.sort_by(|a, b| b.0.total_cmp(&a.0));
    let want: Vec<String> = by.iter().map(|(_, p)| p.clone()).collect();
    assert_eq!(plans(&high), want);
    let mut rev = want.clone();
    rev.reverse();
    assert_eq!(plans(&low), rev);
    let e = usage_error(&plansim(
        dir.path(),
        &["--out", "o", "--rank-by", "profit_p5"],
    ));
    assert!(e.contains("did you mean `profit_p05`?"), "{e}");
    let e = usage_error(&plansim(dir.path(), &["--out", "o", "--baseline", "hii"]));
    assert!(e.contains("no plan named `hii`; did you mean `hi`?"), "{e}");
    let e = usage_error(&plansim(
        dir.path(),
        &["--out", "o", "--baseline-point", "2"],
    ));
    assert!(e.contains("--baseline-point needs a sweep"), "{e}");
}

// ---- command-line sweeps: need `load_points` to build the grid (setcfg) ----

#[test]
fn a_command_line_sweep_writes_the_sweep_folder_and_its_table() {
    let (dir, _) = config(RAISE);
    let stdout = ok(&plansim(
        dir.path(),
        &["--out", "o", "--sweep", "plan.pro.price=[100, 150]"],
    ));
    let out = dir.path().join("o");
    for f in [
        "sweep.csv",
        "compare.csv",
        "run.json",
        "points/001/summary.csv",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    assert!(out.join("points/002/trials.csv").is_file());
    let pro = &compare_rows(&out)[&("2".into(), "pro".into())];
    assert_eq!(
        (pro["diff_mean"].as_str(), pro["prob_better"].as_str()),
        ("5625", "1")
    );
    let head: Vec<&str> = stdout.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(head[..3], ["plan", "point", "plan.pro.price"], "{stdout}");
    // pro is best at 150 by profit_p50: point 2.
    let pro_line = stdout.lines().find(|l| l.starts_with("pro ")).unwrap();
    let cells: Vec<&str> = pro_line.split_whitespace().collect();
    assert_eq!(cells[1..3], ["2", "150"], "{stdout}");
    // A point folder is a plain run of that point's config, byte for byte for the CSVs.
    std::fs::write(
        dir.path().join("s.toml"),
        RAISE.replace("price = 100", "price = 150"),
    )
    .unwrap();
    ok(&plansim(dir.path(), &["--out", "plain"]));
    assert_eq!(
        files(&out.join("points/002"), true),
        files(&dir.path().join("plain"), true)
    );
}

#[test]
fn a_command_line_sweep_is_byte_identical_on_1_2_and_8_threads() {
    let (dir, _) = config(RAISE);
    let mut sets = Vec::new();
    for t in ["1", "2", "8"] {
        let out = format!("t{t}");
        ok(&plansim(
            dir.path(),
            &[
                "--out",
                &out,
                "--threads",
                t,
                "--sweep",
                "plan.pro.price=[100, 150, 200]",
            ],
        ));
        sets.push(files(&dir.path().join(out), true));
    }
    assert!(sets[0].contains_key("points/003/trials.csv"));
    assert_eq!(sets[0], sets[1]);
    assert_eq!(sets[0], sets[2]);
}

#[test]
fn a_baseline_point_outside_the_sweep_is_a_usage_error() {
    let (dir, _) = config(RAISE);
    let sweep = ["--out", "o", "--sweep", "plan.pro.price=[100, 150]"];
    let e = usage_error(&plansim(
        dir.path(),
        &[&sweep[..], &["--baseline-point", "3"]].concat(),
    ));
    assert!(e.contains("--baseline-point 3 is not a point of the sweep: its points are 1 to 2"));
    assert!(!dir.path().join("o").exists());
    let o = plansim(
        dir.path(),
        &[&sweep[..], &["--baseline-point", "2"]].concat(),
    );
    ok(&o);
    let pro = &compare_rows(&dir.path().join("o"))[&("1".into(), "pro".into())];
    assert_eq!(
        (pro["vs_point"].as_str(), pro["diff_mean"].as_str()),
        ("2", "-5625")
    );
}

/// [`RAISE`] in menu mode: two segments that value the plans differently, so a price sweep
/// moves users between `pro`, `api` and nothing.
fn menu_raise() -> String {
    RAISE
        .replacen(
            "name = \"raise\"\n",
            "name = \"raise\"\n[market]\nmode = \"menu\"\nchoice = \"logit\"\nlogit_scale = 20\n",
            1,
        )
        .replacen("share = 1\n", "share = 0.6\nvalue = 120\n", 1)
        .replacen(
            "[[plan]]\nname = \"api\"",
            "[[segment]]\nname = \"light\"\nshare = 0.4\noutput_tokens = 100_000\nvalue = 40\n\
             [[plan]]\nname = \"api\"",
            1,
        )
}

#[test]
fn a_menu_mode_sweep_through_the_binary_is_byte_identical_on_1_2_and_8_threads() {
    let (dir, _) = config(&menu_raise());
    let mut sets = Vec::new();
    for t in ["1", "2", "8"] {
        let out = format!("t{t}");
        ok(&plansim(
            dir.path(),
            &[
                "--out",
                &out,
                "--threads",
                t,
                "--sweep",
                "plan.pro.price=[50, 100, 150]",
            ],
        ));
        sets.push(files(&dir.path().join(out), true));
    }
    assert_eq!(sets[0], sets[1]);
    assert_eq!(sets[0], sets[2]);
    let out = dir.path().join("t1");
    // Three points of api, pro and the portfolio.
    let (header, rows) = read_csv(&out.join("sweep.csv"));
    assert_eq!(header[..3], ["point", "plan.pro.price", "plan"]);
    let keys: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str()))
        .collect();
    let mut want = Vec::new();
    for (p, v) in [("1", "50"), ("2", "100"), ("3", "150")] {
        for plan in ["api", "pro", "portfolio"] {
            want.push((p, v, plan));
        }
    }
    assert_eq!(keys, want);
    assert!(sets[0].contains_key("points/003/choices.csv"));
    // The portfolio is compared with itself at point 1 too.
    let cmp = compare_rows(&out);
    assert_eq!(cmp[&("1".into(), "portfolio".into())]["diff_mean"], "0");
    assert_eq!(cmp[&("3".into(), "portfolio".into())]["vs_point"], "1");
    // Users choose: the price moves pro's subscribers, so the points differ.
    let users = |p: &str| {
        let (h, rows) = read_csv(&out.join(format!("points/{p}/choices.csv")));
        assert!(h.contains(&"option".to_string()), "{h:?}");
        rows
    };
    assert_ne!(users("001"), users("003"));
    // Point 3 is a plain run of the config at that price, byte for byte for the CSVs.
    std::fs::write(
        dir.path().join("s.toml"),
        menu_raise().replace("price = 100", "price = 150"),
    )
    .unwrap();
    ok(&plansim(dir.path(), &["--out", "plain"]));
    assert_eq!(
        files(&out.join("points/003"), true),
        files(&dir.path().join("plain"), true)
    );
}
