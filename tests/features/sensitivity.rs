//! What drives profit (issue 12, section 4), end to end through the binary: sensitivity.csv
//! and tail.csv. An input built to drive a plan's profit (its price, drawn per trial) ranks
//! first with a rank correlation near 1 and the bad tail holds its low values, while an input
//! that drives another plan ranks first there; both files are recomputed from trials.csv with
//! an independent (quadratic) rank computation, in each mode and in menu mode (portfolio row
//! included); a profit equal in every trial has empty correlations and its tail is its first
//! trials; a scenario with no trial-level inputs writes both headers only. Numbers from a
//! particular seed are never written here: properties and recomputations only.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::common;
use common::{Table, read_csv};

/// One user type with fixed usage (so a trial's profit moves only with its draws), 100 trials.
/// flat's price is drawn per trial over a wide range; the cost card's yearly decline is drawn
/// over a narrow one, so it barely moves flat's profit, but it is all that moves api's (payg
/// at a fixed retail card: cheaper serving, more profit).
const DRIVEN: &str = r#"
name = "driven"
[simulation]
trials = 100
users = 20
months = 3
[retail]
input = 1
output = 10
[cost]
input = 0.5
output = 4
annual_decline = { dist = "uniform", min = 0.0, max = 0.05 }
[[segment]]
name = "everyone"
share = 1
output_tokens = 1_000_000
input_per_output = 2
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "flat"
kind = "flat"
price = { dist = "uniform", min = 10, max = 60 }
"#;

/// Runs `config` (a file) with `extra` arguments into a fresh folder; returns it.
fn run(dir: &Path, config: &Path, extra: &[&str]) -> PathBuf {
    let out = dir.join("o");
    let status = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .arg("run")
        .arg(config)
        .args(["--quiet", "--out"])
        .arg(&out)
        .args(extra)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{}", config.display());
    out
}

/// Runs the scenario text.
fn run_text(dir: &Path, text: &str) -> PathBuf {
    let config = dir.join("s.toml");
    std::fs::write(&config, text).unwrap();
    run(dir, &config, &[])
}

fn col(t: &Table, name: &str) -> usize {
    t.0.iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", t.0))
}

fn cell(t: &Table, row: usize, name: &str) -> Option<f64> {
    let c = &t.1[row][col(t, name)];
    (!c.is_empty()).then(|| c.parse().unwrap())
}

/// The rows of `plan` in a file, as indices.
fn rows_of(t: &Table, plan: &str) -> Vec<usize> {
    (0..t.1.len()).filter(|&i| t.1[i][0] == plan).collect()
}

#[test]
fn a_drawn_price_drives_its_plan_and_makes_its_bad_tail() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_text(dir.path(), DRIVEN);
    let s = read_csv(&out.join("sensitivity.csv"));
    assert_eq!(s.0, ["plan", "input", "spearman", "variance_share"]);
    let inputs = |plan: &str| -> Vec<String> {
        rows_of(&s, plan)
            .iter()
            .map(|&i| s.1[i][1].clone())
            .collect()
    };
    // Rows grouped by plan in row order, inputs sorted by the size of their correlation.
    assert_eq!(s.1.len(), 4);
    assert_eq!(rows_of(&s, "api"), [0, 1]);
    assert_eq!(inputs("flat"), ["plan.flat.price", "cost.annual_decline"]);
    let price = cell(&s, 2, "spearman").unwrap();
    assert!(
        price > 0.95,
        "price's rank correlation with flat's profit {price}"
    );
    let decline = cell(&s, 3, "spearman").unwrap();
    assert!(decline.abs() < price, "{decline}");
    assert!(cell(&s, 2, "variance_share").unwrap() > 0.9);
    // api's profit moves only with the cost decline, and rises with it: rank correlation 1.
    assert_eq!(inputs("api"), ["cost.annual_decline", "plan.flat.price"]);
    assert_eq!(cell(&s, 0, "spearman"), Some(1.0));
    for plan in ["api", "flat"] {
        let total: f64 = rows_of(&s, plan)
            .iter()
            .map(|&i| cell(&s, i, "variance_share").unwrap())
            .sum();
        assert!((total - 1.0).abs() < 1e-12, "{plan}: shares sum to {total}");
    }

    let t = read_csv(&out.join("tail.csv"));
    assert_eq!(
        t.0,
        [
            "plan",
            "input",
            "tail_trials",
            "tail_mean",
            "mean",
            "sd",
            "tail_shift_sd"
        ]
    );
    // Inputs in trials.csv's order (the cost section is read before the plans).
    let order: Vec<(&str, &str)> = t.1.iter().map(|r| (&*r[0], &*r[1])).collect();
    assert_eq!(
        order,
        [
            ("api", "cost.annual_decline"),
            ("api", "plan.flat.price"),
            ("flat", "cost.annual_decline"),
            ("flat", "plan.flat.price"),
        ]
    );
    // The worst 5 of 100 trials of flat have low prices: far below the mean of a uniform on
    // [10, 60] (an sd of about 14.4).
    assert_eq!(t.1[3][col(&t, "tail_trials")], "5");
    let (tail, mean, sd) = (
        cell(&t, 3, "tail_mean").unwrap(),
        cell(&t, 3, "mean").unwrap(),
        cell(&t, 3, "sd").unwrap(),
    );
    assert!(tail < mean && tail < 25.0, "tail mean {tail}, mean {mean}");
    assert!(sd > 10.0 && sd < 19.0, "sd {sd}");
    assert!(cell(&t, 3, "tail_shift_sd").unwrap() < -1.0);
    // api's worst trials are those of the slowest cost decline.
    assert!(cell(&t, 0, "tail_shift_sd").unwrap() < -1.0);
}

/// Average ranks from 1, computed the slow way: a value's rank is the number of values below
/// it plus the mean position among its equals.
fn slow_ranks(x: &[f64]) -> Vec<f64> {
    x.iter()
        .map(|v| {
            let below = x.iter().filter(|w| *w < v).count() as f64;
            let equal = x.iter().filter(|w| *w == v).count() as f64;
            below + (equal + 1.0) / 2.0
        })
        .collect()
}

/// Pearson's correlation; `None` when either has no variance.
fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let syy: f64 = y.iter().map(|b| (b - my) * (b - my)).sum();
    (sxx > 1e-9 && syy > 1e-9).then(|| sxy / (sxx * syy).sqrt())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// sensitivity.csv and tail.csv from trials.csv, independently: each row's `profit` column
/// and each draw column (the columns after `trueup_open`), per trial.
fn recompute(out: &Path) {
    let tr = read_csv(&out.join("trials.csv"));
    let first_draw = col(&tr, "trueup_open") + 1;
    let inputs: Vec<String> = tr.0[first_draw..].to_vec();
    assert!(!inputs.is_empty(), "a scenario with trial-level draws");
    let mut plans: Vec<String> = Vec::new();
    for r in &tr.1 {
        if !plans.contains(&r[1]) {
            plans.push(r[1].clone());
        }
    }
    let s = read_csv(&out.join("sensitivity.csv"));
    let t = read_csv(&out.join("tail.csv"));
    assert_eq!(s.1.len(), plans.len() * inputs.len());
    assert_eq!(t.1.len(), plans.len() * inputs.len());
    for (p, plan) in plans.iter().enumerate() {
        let rows: Vec<&Vec<String>> = tr.1.iter().filter(|r| &r[1] == plan).collect();
        let n = rows.len();
        let profit: Vec<f64> = rows
            .iter()
            .map(|r| r[col(&tr, "profit")].parse().unwrap())
            .collect();
        let draws = |i: usize| -> Vec<f64> {
            rows.iter()
                .map(|r| r[first_draw + i].parse().unwrap())
                .collect()
        };
        // sensitivity.csv: this plan's block, every input once, |spearman| not increasing.
        let block = &s.1[p * inputs.len()..(p + 1) * inputs.len()];
        let mut seen: Vec<&str> = Vec::new();
        let mut last = f64::INFINITY;
        let mut squares = 0.0;
        for line in block {
            assert_eq!(&line[0], plan);
            let i = inputs.iter().position(|c| *c == line[1]).unwrap();
            assert!(!seen.contains(&&*line[1]), "{plan} {} twice", line[1]);
            seen.push(&line[1]);
            let want = pearson(&slow_ranks(&draws(i)), &slow_ranks(&profit));
            let got = (!line[2].is_empty()).then(|| line[2].parse::<f64>().unwrap());
            match (got, want) {
                (Some(g), Some(w)) => assert!(close(g, w), "{plan} {}: {g} vs {w}", line[1]),
                (None, None) => assert_eq!(line[3], "0"),
                _ => panic!("{plan} {}: {got:?} vs {want:?}", line[1]),
            }
            let size = got.map_or(-1.0, f64::abs);
            assert!(size <= last, "{plan}: not sorted by |spearman|");
            last = size;
            squares += got.map_or(0.0, |g| g * g);
        }
        for line in block {
            let share: f64 = line[3].parse().unwrap();
            let rho = (!line[2].is_empty()).then(|| line[2].parse::<f64>().unwrap());
            let want = if squares > 0.0 {
                rho.map_or(0.0, |r| r * r) / squares
            } else {
                0.0
            };
            assert!(close(share, want), "{plan} {}: share {share}", line[1]);
        }
        // tail.csv: the worst ceil(5%) trials by profit, ties by trial order.
        let k = n.div_ceil(20).max(1);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| profit[a].partial_cmp(&profit[b]).unwrap().then(a.cmp(&b)));
        let worst = &order[..k];
        for (i, input) in inputs.iter().enumerate() {
            let line = &t.1[p * inputs.len() + i];
            assert_eq!((&line[0], &line[1]), (plan, input));
            assert_eq!(line[2], k.to_string());
            let x = draws(i);
            let tail_mean = worst.iter().map(|&j| x[j]).sum::<f64>() / k as f64;
            let mean = x.iter().sum::<f64>() / n as f64;
            let sd =
                (x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64).sqrt();
            let row = p * inputs.len() + i;
            assert!(
                close(cell(&t, row, "tail_mean").unwrap(), tail_mean),
                "{line:?}"
            );
            assert!(close(cell(&t, row, "mean").unwrap(), mean), "{line:?}");
            assert!(close(cell(&t, row, "sd").unwrap(), sd), "{line:?}");
            match cell(&t, row, "tail_shift_sd") {
                Some(shift) => assert!(close(shift, (tail_mean - mean) / sd), "{line:?}"),
                None => assert_eq!(cell(&t, row, "sd"), Some(0.0), "{line:?}"),
            }
        }
    }
}

#[test]
fn both_files_are_recomputed_from_trials_csv_in_each_mode() {
    let dir = tempfile::tempdir().unwrap();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/coding-agent.toml");
    let size = ["--trials", "41", "--users", "300", "--months", "3"];
    let out = run(dir.path(), &config, &size);
    recompute(&out);
}

#[test]
fn both_files_are_recomputed_from_trials_csv_in_menu_mode_with_the_portfolio() {
    let dir = tempfile::tempdir().unwrap();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/menu.toml");
    let size = ["--trials", "30", "--users", "300", "--months", "3"];
    let out = run(dir.path(), &config, &size);
    recompute(&out);
    let s = read_csv(&out.join("sensitivity.csv"));
    assert_eq!(s.1.last().unwrap()[0], "portfolio");
}

#[test]
fn a_scenario_without_trial_level_inputs_writes_both_headers_only() {
    let dir = tempfile::tempdir().unwrap();
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/minimal.toml");
    let out = run(dir.path(), &config, &["--trials", "3", "--users", "50"]);
    assert_eq!(
        std::fs::read_to_string(out.join("sensitivity.csv")).unwrap(),
        "plan,input,spearman,variance_share\n"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("tail.csv")).unwrap(),
        "plan,input,tail_trials,tail_mean,mean,sd,tail_shift_sd\n"
    );
}

/// One trial has no spread at all: empty correlations, shares 0, no sd and no shift.
#[test]
fn one_trial_leaves_the_statistics_of_spread_empty() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_text(dir.path(), &DRIVEN.replace("trials = 100", "trials = 1"));
    let s = read_csv(&out.join("sensitivity.csv"));
    assert_eq!(s.1.len(), 4);
    for r in &s.1 {
        assert_eq!((&*r[2], &*r[3]), ("", "0"), "{r:?}");
    }
    // Empty correlations keep trials.csv's input order.
    assert_eq!(s.1[0][1], "cost.annual_decline");
    let t = read_csv(&out.join("tail.csv"));
    for r in &t.1 {
        assert_eq!(r[2], "1");
        assert_eq!(r[3], r[4], "the one trial is the tail");
        assert_eq!((&*r[5], &*r[6]), ("", ""), "{r:?}");
    }
}

/// api's profit is the same in every trial (fixed usage at fixed cards; only flat's price is
/// drawn): no rank correlation for it, shares 0, and its tail is its first 5 trials (ties in
/// trial order), whose prices trials.csv shows.
#[test]
fn a_constant_profit_has_no_correlation_and_its_tail_is_the_first_trials() {
    let dir = tempfile::tempdir().unwrap();
    let text = DRIVEN.replace(
        "annual_decline = { dist = \"uniform\", min = 0.0, max = 0.05 }",
        "",
    );
    let out = run_text(dir.path(), &text);
    recompute(&out);
    let s = read_csv(&out.join("sensitivity.csv"));
    assert_eq!(s.1[0], ["api", "plan.flat.price", "", "0"]);
    assert_eq!(s.1[1][..2], ["flat", "plan.flat.price"]);
    assert_eq!(
        (cell(&s, 1, "spearman"), cell(&s, 1, "variance_share")),
        (Some(1.0), Some(1.0))
    );
    let tr = read_csv(&out.join("trials.csv"));
    let price = col(&tr, "plan.flat.price");
    let first: f64 =
        tr.1.iter()
            .filter(|r| r[1] == "api")
            .take(5)
            .map(|r| r[price].parse::<f64>().unwrap())
            .sum::<f64>()
            / 5.0;
    let t = read_csv(&out.join("tail.csv"));
    assert_eq!(t.1[0][..3], ["api", "plan.flat.price", "5"]);
    assert!(close(cell(&t, 0, "tail_mean").unwrap(), first));
}
