//! Precision you can trust (issue 12, section 5), end to end.
//!
//! The 95% intervals of the profit percentiles cover the true percentile as often as their
//! binomial coverage says, on a case with a known answer: a flat plan whose price is drawn
//! once per trial from a uniform distribution, one user, one month, no cost and no fees, so
//! trial profit is the price and its q-quantile is min + (max - min) q. Precision mode stops
//! earlier on a low-variance scenario than on a high-variance one and meets its target; its
//! outputs equal those of `--trials N_used` byte for byte on 1 and 2 threads, and with a sweep
//! each point's equal those of the point alone with `--trials N_used`; a target not
//! reached by the maximum is exit 0 with a warning. No number from a particular seed is
//! hard-coded: the streams may be re-keyed.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use crate::common::read_csv;
use plansim::quantile_ci::{LEVEL, coverage, ranks};

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_plansim");

/// The CSV outputs (run.json, which records threads and times, is read separately).
const CSVS: [&str; 5] = [
    "summary.csv",
    "trials.csv",
    "segments.csv",
    "deciles.csv",
    "monthly.csv",
];

/// A scenario whose trial profit is `users` x the flat plan's price (drawn once per trial from
/// uniform(`lo`, `hi`)), with a payg plan beside it whose profit never varies; `extra` lines
/// go into `[simulation]`.
fn scenario(users: u64, lo: f64, hi: f64, trials: u64, seed: u64, extra: &str) -> String {
    format!(
        r#"name = "known"

[simulation]
trials = {trials}
users = {users}
months = 1
seed = {seed}
{extra}

[retail]
input = 5
output = 25

[cost]
input = 0
output = 0

[[segment]]
name = "all"
share = 1
output_tokens = 100000

[[plan]]
name = "pro"
kind = "flat"
price = {{ dist = "uniform", min = {lo}, max = {hi} }}

[[plan]]
name = "api"
kind = "payg"
"#
    )
}

#[test]
fn percentile_intervals_cover_the_true_value_as_often_as_their_binomial_coverage() {
    const SEEDS: u64 = 200;
    const TRIALS: u64 = 100;
    // Percentiles 5, 50 and 95: their index in summary's levels and q.
    let levels = [(1usize, 0.05), (4, 0.50), (7, 0.95)];
    let mut covered = [0u64; 3];
    for seed in 0..SEEDS {
        let text = scenario(1, 10.0, 30.0, TRIALS, seed, "");
        let scn = plansim::parse(&text, "known.toml").expect("valid");
        let res = plansim::run(&scn, &|_| {}).expect("runs");
        let pro = &plansim::summarize(&scn, &res)[0];
        for (k, &(i, q)) in levels.iter().enumerate() {
            let truth = 10.0 + 20.0 * q;
            let (lo, hi) = pro.profit_ci[i].expect("100 trials give every one of these");
            assert!(lo <= pro.profit_pct[i] && pro.profit_pct[i] <= hi);
            covered[k] += u64::from(lo <= truth && truth <= hi);
        }
    }
    let n = SEEDS as f64;
    let floor = n * LEVEL - 3.0 * (n * LEVEL * (1.0 - LEVEL)).sqrt();
    for (k, &(_, q)) in levels.iter().enumerate() {
        // For a continuous distribution the coverage is exactly the binomial sum.
        let (l, u) = ranks(TRIALS, q, LEVEL).expect("ranks");
        let c = coverage(TRIALS, q, l, u);
        assert!(c >= LEVEL);
        let sd = (n * c * (1.0 - c)).sqrt();
        let got = covered[k] as f64;
        assert!(
            got >= floor,
            "q {q}: covered {got} of {n}, below 95% - 3 sd"
        );
        assert!(
            (got - n * c).abs() <= 3.0 * sd.max(1.0),
            "q {q}: covered {got} of {n}, expected {:.1} +- {:.1}",
            n * c,
            3.0 * sd
        );
    }
}

/// Runs plansim in `dir`.
fn plansim(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("start plansim")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `config` (written to `dir`) into `dir/out` with `args`; asserts exit 0 and returns
/// stdout, stderr and run.json.
fn run(dir: &Path, config: &str, out: &str, args: &[&str]) -> (String, String, serde_json::Value) {
    fs::write(dir.join(format!("{out}.toml")), config).expect("write config");
    let mut all = vec!["run", &*format!("{out}.toml"), "--out", out, "--quiet"]
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    all.extend(args.iter().map(|a| a.to_string()));
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let o = plansim(dir, &refs);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    let json = fs::read(dir.join(out).join("run.json")).expect("run.json");
    (stdout, stderr, serde_json::from_slice(&json).expect("json"))
}

/// The cell of `column` on row `plan` of summary.csv in `dir/out`.
fn cell(dir: &Path, out: &str, plan: &str, column: &str) -> String {
    let (header, rows) = read_csv(&dir.join(out).join("summary.csv"));
    let c = header.iter().position(|h| h == column).expect(column);
    let row = rows.iter().find(|r| r[0] == plan).expect(plan);
    row[c].clone()
}

/// Checks precision mode's report in run.json against summary.csv: trials used, every row
/// within its target, and each half-width equal to the file's (hi - lo) / 2.
fn check_reached(dir: &Path, out: &str, json: &serde_json::Value, metric: &str) -> u64 {
    let p = &json["precision"];
    assert_eq!(p["metric"], metric);
    assert_eq!(p["reached"], true, "{p}");
    let used = p["trials_used"].as_u64().expect("trials_used");
    assert_eq!(json["trials"].as_u64(), Some(used));
    assert_eq!(cell(dir, out, "pro", "trials"), used.to_string());
    for row in p["rows"].as_array().expect("rows") {
        let plan = row["plan"].as_str().expect("plan");
        let hw = row["half_width"].as_f64().expect("an interval");
        let target = row["target"].as_f64().expect("target");
        assert!(hw <= target, "{row}");
        let num = |c: &str| cell(dir, out, plan, c).parse::<f64>().expect(c);
        let from_file = if metric == "profit_mean" {
            plansim::quantile_ci::Z_95 * num("profit_se")
        } else {
            (num(&format!("{metric}_hi")) - num(&format!("{metric}_lo"))) / 2.0
        };
        assert!((hw - from_file).abs() <= 1e-9 * (1.0 + hw.abs()), "{row}");
    }
    used
}

#[test]
fn precision_stops_earlier_on_low_variance_and_meets_its_target() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    // 10 users: profit is uniform on 10 x [19.9, 20.1] or 10 x [10, 30]. The median's 95%
    // interval spans about 2 x 1.96 x sqrt(0.25 / n) of the range: 0.2 at n = 100 for the
    // narrow one; for the wide one, at most 6 only from about n = 1070 on.
    let low = scenario(10, 19.9, 20.1, 10_000, 7, "");
    let high = scenario(10, 10.0, 30.0, 10_000, 7, "");
    let (stdout, stderr, json) = run(d, &low, "low", &["--precision", "profit_p50:6"]);
    assert!(stdout.contains("Precision reached"), "{stdout}");
    assert!(stderr.is_empty(), "{stderr}");
    let n_low = check_reached(d, "low", &json, "profit_p50");
    let (stdout, _, json) = run(d, &high, "high", &["--precision", "profit_p50:6"]);
    let n_high = check_reached(d, "high", &json, "profit_p50");
    assert!(
        stdout.contains(&format!("after {n_high} trials")),
        "{stdout}"
    );
    assert_eq!(n_low, 100);
    assert!(n_high > 400 && n_high < 10_000, "{n_high}");
    // From the file, relative to the mean: 1% of about 200 is 2; the wide one (sd 57.7)
    // needs 1.96 x 57.7 / sqrt(n) <= 2, n >= 3197.
    let rel = "precision = { metric = \"profit_mean\", relative = 0.01 }";
    let (_, _, json) = run(
        d,
        &scenario(10, 19.9, 20.1, 10_000, 7, rel),
        "low_mean",
        &[],
    );
    let n_low = check_reached(d, "low_mean", &json, "profit_mean");
    let (_, _, json) = run(
        d,
        &scenario(10, 10.0, 30.0, 10_000, 7, rel),
        "high_mean",
        &[],
    );
    let n_high = check_reached(d, "high_mean", &json, "profit_mean");
    assert!(n_low < n_high && n_high >= 1600, "{n_low} {n_high}");
}

#[test]
fn precision_outputs_equal_a_run_of_the_trials_used_on_any_thread_count() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let rel = "precision = { metric = \"profit_p05\", relative = 0.02 }";
    for threads in ["1", "2"] {
        let out = format!("precise{threads}");
        let (_, _, json) = run(
            d,
            &scenario(10, 10.0, 30.0, 20_000, 3, rel),
            &out,
            &["--threads", threads],
        );
        let used = check_reached(d, &out, &json, "profit_p05");
        assert!(used > 100 && used < 20_000, "{used}");
        let n = used.to_string();
        let plain = format!("plain{threads}");
        let other = if threads == "1" { "2" } else { "1" };
        let (_, _, json) = run(
            d,
            &scenario(10, 10.0, 30.0, 20_000, 3, ""),
            &plain,
            &["--trials", &n, "--threads", other],
        );
        assert!(json.get("precision").is_none());
        for f in CSVS {
            let a = fs::read(d.join(&out).join(f)).expect(f);
            let b = fs::read(d.join(&plain).join(f)).expect(f);
            assert!(a == b, "{f} differs from --trials {n} (threads {threads})");
        }
    }
}

#[test]
fn precision_not_reached_is_exit_0_with_a_warning() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let config = scenario(10, 10.0, 30.0, 300, 5, "");
    let (stdout, stderr, json) = run(d, &config, "out", &["--precision", "profit_p50:0.5"]);
    assert!(stdout.contains("Precision not reached"), "{stdout}");
    assert!(stdout.contains("300 trials x 10 users"), "{stdout}");
    // One warning, for the varying plan; the payg plan's profit never varies.
    let warnings: Vec<&str> = stderr.lines().collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].starts_with(
            "warning: precision not reached after 300 trials (the maximum): profit_p50 of `pro`"
        ),
        "{stderr}"
    );
    let p = &json["precision"];
    assert_eq!(p["reached"], false);
    assert_eq!(p["trials_used"], 300);
    assert_eq!(p["absolute"], 0.5);
    assert_eq!(cell(d, "out", "pro", "trials"), "300");
}

#[test]
fn interval_columns_close_summary_csv_and_are_empty_when_trials_are_too_few() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    // 58 trials: too few for p01, p05, p95, p99 (0.95^58 > 5%); enough for the others.
    run(d, &scenario(1, 10.0, 30.0, 58, 1, ""), "few", &[]);
    let (header, rows) = read_csv(&d.join("few").join("summary.csv"));
    let levels = ["01", "05", "10", "25", "50", "75", "90", "95", "99"];
    let tail: Vec<String> = levels
        .iter()
        .flat_map(|l| [format!("profit_p{l}_lo"), format!("profit_p{l}_hi")])
        .collect();
    assert_eq!(header[header.len() - 18..], tail[..]);
    for row in &rows {
        for l in levels {
            let at = |c: &str| header.iter().position(|h| *h == c).expect(c);
            let (lo, hi) = (
                &row[at(&format!("profit_p{l}_lo"))],
                &row[at(&format!("profit_p{l}_hi"))],
            );
            if ["01", "05", "95", "99"].contains(&l) {
                assert!(lo.is_empty() && hi.is_empty(), "p{l}: {lo} {hi}");
            } else {
                let p: f64 = row[at(&format!("profit_p{l}"))].parse().expect("p");
                let (lo, hi): (f64, f64) = (lo.parse().expect("lo"), hi.parse().expect("hi"));
                assert!(lo <= p && p <= hi, "p{l}: {lo} {p} {hi}");
            }
        }
    }
}

/// Menu mode: users choose `pro` (price drawn per trial) over `gold` (priced above their
/// value, so nobody chooses it); `extra` lines go into `[simulation]`.
fn menu(extra: &str) -> String {
    format!(
        r#"name = "menu"

[simulation]
trials = 10000
users = 10
months = 1
seed = 2
{extra}

[market]
mode = "menu"

[retail]
input = 5
output = 25

[cost]
input = 0
output = 0

[[segment]]
name = "all"
share = 1
output_tokens = 100000
value = 100

[[plan]]
name = "pro"
kind = "flat"
price = {{ dist = "uniform", min = 10, max = 30 }}

[[plan]]
name = "gold"
kind = "flat"
price = 1000
"#
    )
}

#[test]
fn menu_mode_checks_the_portfolio_and_equals_a_run_of_the_trials_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let (_, stderr, json) = run(d, &menu(""), "precise", &["--precision", "profit_p50:6"]);
    assert!(stderr.is_empty(), "{stderr}");
    let used = check_reached(d, "precise", &json, "profit_p50");
    assert!(used > 400 && used < 10_000, "{used}");
    let rows = json["precision"]["rows"].as_array().expect("rows");
    let names: Vec<&str> = rows.iter().map(|r| r["plan"].as_str().unwrap()).collect();
    assert_eq!(names, ["pro", "gold", "portfolio"]);
    assert_eq!(rows[1]["no_subscribers"], true);
    assert_eq!(rows[2]["no_subscribers"], false);
    let n = used.to_string();
    run(d, &menu(""), "plain", &["--trials", &n, "--threads", "1"]);
    for f in CSVS.iter().chain(&["choices.csv"]) {
        let a = fs::read(d.join("precise").join(f)).expect(f);
        let b = fs::read(d.join("plain").join(f)).expect(f);
        assert!(a == b, "{f} differs from --trials {n}");
    }
}

/// With a sweep, the batches run until every row of every point meets the target; each
/// point's files under `points/NNN/` then equal those of that point alone (`--set`) run with
/// `--trials N_used`. The wider point needs more trials than the narrow one alone.
#[test]
fn a_sweep_in_precision_mode_equals_each_point_alone_with_the_trials_used() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let config = scenario(10, 10.0, 30.0, 20_000, 3, "");
    let precision = ["--precision", "profit_p05:2%"];
    let sweep = ["--sweep", "plan.pro.price.max=[12, 30]", "--threads", "2"];
    let args: Vec<&str> = precision.iter().chain(&sweep).copied().collect();
    let (stdout, _, json) = run(d, &config, "swept", &args);
    assert!(stdout.contains("Precision reached"), "{stdout}");
    let used = json["sweep"]["points"][0]["trials"]
        .as_u64()
        .expect("trials");
    // Each point's run.json reports the precision reached on its rows.
    for point in ["001", "002"] {
        let dir = format!("swept/points/{point}");
        let bytes = fs::read(d.join(&dir).join("run.json")).expect("run.json");
        let json = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(check_reached(d, &dir, &json, "profit_p05"), used);
    }
    let n = used.to_string();
    // The narrow point alone stops earlier: the sweep waits for the wide one.
    let (_, _, alone) = run(
        d,
        &config,
        "narrow",
        &[&precision[..], &["--set", "plan.pro.price.max=12"]].concat(),
    );
    let narrow = alone["precision"]["trials_used"]
        .as_u64()
        .expect("trials_used");
    assert!(narrow < used && used < 20_000, "{narrow} {used}");
    for (point, max) in [("001", "12"), ("002", "30")] {
        let plain = format!("plain{point}");
        let set = format!("plan.pro.price.max={max}");
        run(
            d,
            &config,
            &plain,
            &["--set", &set, "--trials", &n, "--threads", "1"],
        );
        for f in CSVS.iter().chain(&["sensitivity.csv", "tail.csv"]) {
            let a = fs::read(d.join("swept/points").join(point).join(f)).expect(f);
            let b = fs::read(d.join(&plain).join(f)).expect(f);
            assert!(a == b, "point {point}: {f} differs from --trials {n} alone");
        }
    }
}
