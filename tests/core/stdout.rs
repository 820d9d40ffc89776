//! What `plansim run` prints on stdout besides the numbers: the population each row is over,
//! the users still active at the end of the horizon, shares that never read as zero when they
//! are not, the note when nothing is drawn per trial, and the notice when earlier results in
//! the output folder are replaced (with their seed and start time from run.json).

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::common::{Table, read_csv};

/// Runs `plansim run CONFIG --quiet --out OUT ARGS...` and returns its stdout.
fn run(config: &str, out: &Path, args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args(["run", config, "--quiet", "--out"])
        .arg(out)
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn cell<'a>(t: &'a Table, row: &'a [String], name: &str) -> &'a str {
    let c = t.0.iter().position(|c| c == name).unwrap();
    &row[c]
}

/// The table's rows: plan name -> its cells after the name.
fn table_rows(stdout: &str, plans: usize) -> Vec<Vec<&str>> {
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("plan "), "{stdout}");
    lines[1..=plans]
        .iter()
        .map(|l| l.split_whitespace().collect())
        .collect()
}

#[test]
fn the_table_says_who_each_row_bills_and_how_many_are_active_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let stdout = run(
        "configs/coding-agent.toml",
        &out,
        &["--trials", "7", "--users", "3000"],
    );
    assert!(
        stdout.contains(
            "\nEach row bills all 3000 users on that plan: every user on every plan, not a split \
             of them.\nProfit is in $, summed over those users and 12 months of one trial.\n"
        ),
        "{stdout}"
    );
    // The last month's active users, mean over trials, as monthly.csv has them (every plan
    // has the same users, so the same count).
    let monthly = read_csv(&out.join("monthly.csv"));
    let last: Vec<f64> = monthly
        .1
        .iter()
        .filter(|r| cell(&monthly, r, "month") == "11")
        .map(|r| cell(&monthly, r, "active_users").parse().unwrap())
        .collect();
    assert_eq!(last.len(), 5);
    assert!(last.iter().all(|&n| n == last[0]));
    assert!(
        last[0] < 2000.0,
        "churn leaves fewer than 2/3 of 3000: {last:?}"
    );
    let line = format!(
        "\nActive at the end of the horizon (month 11): {:.0} of 3000 users, mean over trials.\n",
        last[0]
    );
    assert!(stdout.contains(&line), "no {line:?} in\n{stdout}");
    // coding-agent draws the yearly cost decline per trial: no sampling-only note.
    assert!(!stdout.contains("trial-level draws"), "{stdout}");
    assert!(
        stdout.contains("\n7 trials x 3000 users x 12 months in "),
        "{stdout}"
    );
}

#[test]
fn a_nonzero_share_never_prints_as_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let stdout = run("configs/coding-agent.toml", &out, &["--trials", "20"]);
    let summary = read_csv(&out.join("summary.csv"));
    let rows = table_rows(&stdout, summary.1.len());
    let mut tiny = 0;
    for (row, cells) in summary.1.iter().zip(&rows) {
        assert_eq!(cells[0], cell(&summary, row, "plan"));
        for (name, shown) in [("prob_loss", cells[5]), ("loss_user_share", cells[6])] {
            let x: f64 = cell(&summary, row, name).parse().unwrap();
            let want = if x == 0.0 {
                "0".to_string()
            } else if x < 0.0005 {
                tiny += 1;
                "<0.001".to_string()
            } else {
                format!("{x:.3}")
            };
            assert_eq!(shown, want, "{} {name} = {x}\n{stdout}", cells[0]);
        }
    }
    // The casual pay-as-you-go users whose bills do not cover the fixed fee and overhead.
    assert!(tiny >= 1, "no share under 0.0005 to check:\n{stdout}");
    assert!(!stdout.contains(" 0.000"), "{stdout}");
}

#[test]
fn a_run_without_trial_level_draws_says_the_band_is_only_user_sampling() {
    let dir = tempfile::tempdir().unwrap();
    let stdout = run(
        "configs/minimal.toml",
        &dir.path().join("o"),
        &["--trials", "20"],
    );
    let rows = stdout.lines().skip(1 + 4);
    let under: Vec<&str> = rows.collect();
    assert_eq!(
        under[..4],
        [
            "Each row bills all 2000 users on that plan: every user on every plan, not a split of them.",
            "Profit is in $, summed over those users and 3 months of one trial.",
            "Active at the end of the horizon (month 2): 2000 of 2000 users, mean over trials.",
            "No trial-level draws, so the p05-p95 band reflects only the sampling of users.",
        ],
        "{stdout}"
    );
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Seconds since 1970 of `YYYY-MM-DDTHH:MM:SSZ` (the days counted with the proleptic
/// Gregorian calendar, independently of plansim's formatter).
fn parse_rfc3339(s: &str) -> u64 {
    assert_eq!(s.len(), 20, "{s}");
    assert_eq!((&s[4..5], &s[7..8], &s[10..11]), ("-", "-", "T"), "{s}");
    assert_eq!((&s[13..14], &s[16..17], &s[19..]), (":", ":", "Z"), "{s}");
    let n = |r: std::ops::Range<usize>| s[r].parse::<u64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let leap = |y: u64| y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
    let month_days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut days: u64 = (1970..y).map(|y| if leap(y) { 366 } else { 365 }).sum();
    days += month_days[..(m - 1) as usize].iter().sum::<u64>();
    days += u64::from(m > 2 && leap(y)) + d - 1;
    days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)
}

#[test]
fn replacing_earlier_results_says_whose_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let args = ["--trials", "3", "--users", "500"];
    let before = now_secs();
    let first = run(
        "configs/minimal.toml",
        &out,
        &[&args[..], &["--seed", "77"]].concat(),
    );
    let after = now_secs();
    assert!(!first.contains("Replaced"), "{first}");
    let run_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    let started = run_json["started_at"].as_str().unwrap().to_string();
    let t = parse_rfc3339(&started);
    assert!(
        (before..=after).contains(&t),
        "{started} not in {before}..={after}"
    );

    let second = run("configs/minimal.toml", &out, &args);
    let notice = format!(
        "Replaced the previous results in {} (seed 77, started {started}).",
        out.display()
    );
    assert_eq!(second.lines().last(), Some(notice.as_str()), "{second}");

    // Outputs written before run.json recorded a start time.
    let mut old = run_json.clone();
    old.as_object_mut().unwrap().remove("started_at");
    std::fs::write(out.join("run.json"), serde_json::to_vec(&old).unwrap()).unwrap();
    let third = run("configs/minimal.toml", &out, &args);
    let notice = format!(
        "Replaced the previous results in {} (seed 77, start time not recorded).",
        out.display()
    );
    assert_eq!(third.lines().last(), Some(notice.as_str()), "{third}");

    // An empty folder holds nothing to replace.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let fresh = run("configs/minimal.toml", &empty, &args);
    assert!(!fresh.contains("Replaced"), "{fresh}");
}
