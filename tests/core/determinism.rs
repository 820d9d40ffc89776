//! The same config and seed give byte-identical outputs for any thread count; only run.json
//! may differ. Populations span several engine blocks so block scheduling is exercised.

use std::path::Path;
use std::process::Command;

fn run(config: &str, threads: &str, out: &Path, extra: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args(["run", config, "--quiet", "--threads", threads, "--out"])
        .arg(out)
        .args(extra)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{config} with {threads} threads failed");
}

fn assert_same(a: &Path, b: &Path) {
    for f in [
        "summary.csv",
        "trials.csv",
        "segments.csv",
        "deciles.csv",
        "monthly.csv",
        "sensitivity.csv",
        "tail.csv",
    ] {
        let (x, y) = (
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
        );
        assert!(!x.is_empty());
        assert!(x == y, "{f} differs between thread counts");
    }
}

#[test]
fn one_two_and_eight_threads_write_identical_files() {
    let dir = tempfile::tempdir().unwrap();
    let size = ["--trials", "9", "--users", "9000", "--months", "4"];
    let outs: Vec<_> = ["1", "2", "8"]
        .iter()
        .map(|t| {
            let out = dir.path().join(format!("t{t}"));
            run("configs/coding-agent.toml", t, &out, &size);
            out
        })
        .collect();
    assert_same(&outs[0], &outs[1]);
    assert_same(&outs[0], &outs[2]);
}

#[test]
fn a_different_seed_changes_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    run("configs/minimal.toml", "2", &a, &["--trials", "5"]);
    run(
        "configs/minimal.toml",
        "2",
        &b,
        &["--trials", "5", "--seed", "2"],
    );
    let read = |d: &Path| std::fs::read(d.join("trials.csv")).unwrap();
    assert_ne!(read(&a), read(&b));
}

/// Teams of 1 to 40 seats (with seat churn and team churn) beside a segment of single users,
/// on per_seat plans of every kind and on the same plans per seat: accounts straddle the
/// engine's blocks of users, and the outputs are still identical for 1, 2 and 8 threads.
const TEAMS: &str = r#"
name = "teams"
[simulation]
trials = 5
users = 9000
months = 4
seed = 7
[retail]
input = 5.0
output = 25.0
[cost]
input = 0.5
output = 2.5
payment_fee_rate = 0.03
payment_fee_fixed = 0.3
[[segment]]
name = "solo"
share = 0.3
output_tokens = { dist = "lognormal", median = 1_000_000, p99 = 10_000_000 }
input_per_output = 20
monthly_churn = 0.05
[[segment]]
name = "teams"
share = 0.7
output_tokens = { dist = "lognormal", median = 1_000_000, p99 = 10_000_000 }
input_per_output = 20
monthly_volatility = 0.4
monthly_churn = 0.05
team_size = { dist = "uniform", min = 1, max = 40 }
seat_churn = 0.1
[[plan]]
name = "api-seats"
kind = "payg"
monthly_minimum = 5
per_seat = true
[[plan]]
name = "flat-seats"
kind = "flat"
price = 20
cap = 100
per_seat = true
[[plan]]
name = "credit-seats"
kind = "credit"
price = 20
credits = 2000
rollover = 500
burn = { input = 500, output = 2500 }
top_up = { price = 10, credits = 1000, probability = 0.3 }
per_seat = true
[[plan]]
name = "hybrid-seats"
kind = "hybrid"
base_fee = 20
included = 20
spend_cap = 50
per_seat = true
[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 20
included = 20
spend_cap = 50
"#;

#[test]
fn teams_give_identical_files_for_one_two_and_eight_threads() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("teams.toml");
    std::fs::write(&config, TEAMS).unwrap();
    let config = config.to_str().unwrap();
    let outs: Vec<_> = ["1", "2", "8"]
        .iter()
        .map(|t| {
            let out = dir.path().join(format!("t{t}"));
            run(config, t, &out, &[]);
            out
        })
        .collect();
    assert_same(&outs[0], &outs[1]);
    assert_same(&outs[0], &outs[2]);
    // The accounts are counted: fewer than the seats on per_seat plans, one per seat otherwise.
    let summary = std::fs::read_to_string(outs[0].join("summary.csv")).unwrap();
    let mut lines = summary.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let (users, accounts) = (col("subscribers_mean"), col("accounts_mean"));
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let (u, a): (f64, f64) = (
            cells[users].parse().unwrap(),
            cells[accounts].parse().unwrap(),
        );
        assert_eq!(u, 9000.0, "every seat billed once: {line}");
        if cells[0].ends_with("-seats") {
            assert!(a < 0.5 * u, "{line}");
        } else {
            assert_eq!(a, u, "{line}");
        }
    }
}

/// [`TEAMS`] in menu mode: accounts choose for their seats (logit, re-choices after shocks,
/// arrivals every month), and the outputs, choices.csv included, are identical for 1, 2 and 8
/// threads; choices.csv counts accounts, so the team segment has fewer choosers than seats.
#[test]
fn teams_in_menu_mode_give_identical_files_for_one_two_and_eight_threads() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("teams-menu.toml");
    let text = TEAMS
        .replace(
            "seed = 7\n",
            "seed = 7\n[market]\nmode = \"menu\"\nchoice = \"logit\"\nlogit_scale = 10\n\
             rechoose = \"after_shock\"\nnew_users_per_month = 500\n",
        )
        .replace(
            "monthly_churn = 0.05\n",
            "monthly_churn = 0.05\nvalue_per_retail = 1.0\nshock_churn = 0.2\n",
        );
    std::fs::write(&config, text).unwrap();
    let config = config.to_str().unwrap();
    let outs: Vec<_> = ["1", "2", "8"]
        .iter()
        .map(|t| {
            let out = dir.path().join(format!("t{t}"));
            run(config, t, &out, &[]);
            out
        })
        .collect();
    assert_same(&outs[0], &outs[1]);
    assert_same(&outs[0], &outs[2]);
    let read = |d: &Path| std::fs::read(d.join("choices.csv")).unwrap();
    assert!(read(&outs[0]) == read(&outs[1]) && read(&outs[0]) == read(&outs[2]));
    // Month-0 choosers: 2700 single users; 6300 seats in accounts of 1 to 40 (about 300).
    let choices = String::from_utf8(read(&outs[0])).unwrap();
    let mut lines = choices.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let (seg, chosen) = (col("segment"), col("chosen_at_start_mean"));
    let mut by_seg = [0.0, 0.0];
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        let v: f64 = cells[chosen].parse().unwrap();
        by_seg[usize::from(cells[seg] == "teams")] += v;
    }
    // Arrivals (500 a month for 3 months) split by share: 30% single users, 70% team seats.
    assert!(
        (by_seg[0] - (2700.0 + 0.3 * 1500.0)).abs() < 1e-6,
        "{by_seg:?}"
    );
    assert!(
        by_seg[1] > 0.0 && by_seg[1] < 0.2 * (6300.0 + 0.7 * 1500.0),
        "{by_seg:?}"
    );
}
