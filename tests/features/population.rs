//! Replaying a usage export (`[population]`, issue 13) end to end through the binary: the
//! bills of a small CSV export summed by hand from its rows (trials.csv), segments.csv's rows
//! from a segment column, byte-identical outputs on 1 and 2 threads with bootstrap, and the
//! export read relative to the scenario's folder (or, from stdin, the current folder).

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::common::read_csv;

/// Three users over two months with a segment column (`pro` first, then `free`): `a` active
/// in both months, `b` only in month 0 (leaves), `c` only in month 1 (arrives then).
const USAGE: &str = "user,month,segment,output_tokens,input_tokens,cache_read_tokens
a,2026-01,pro,2000000,1000000,3000000
b,2026-01,free,100000,400000,0
a,2026-02,pro,1000000,500000,1000000
c,2026-02,pro,400000,0,200000
";

/// Two months, fixed cards: payg at $5/M input, $0.5/M cache read, $25/M output; a flat plan at
/// $20. Serving cost $1/M input, $0.1/M cache read, $4/M output; $0.5 per user-month.
const SCENARIO: &str = r#"name = "replay"
[simulation]
trials = 2
months = 2
seed = 3
[retail]
input = 5
cache_read = 0.5
output = 25
[cost]
input = 1
cache_read = 0.1
output = 4
per_user_month = 0.5
[population]
file = "data/usage.csv"
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "max"
kind = "flat"
price = 20
"#;

/// Runs plansim in `dir` with `args` (and `stdin` piped in when given).
fn plansim(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plansim"))
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
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let o = child.wait_with_output().expect("plansim runs");
    assert!(
        o.status.success(),
        "plansim {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// A folder with the scenario at `scenario.toml` and the export at `data/usage.csv`.
fn folder(scenario: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("data")).unwrap();
    fs::write(dir.path().join("data/usage.csv"), USAGE).unwrap();
    fs::write(dir.path().join("scenario.toml"), scenario).unwrap();
    dir
}

/// Revenue and profit of the two plans, by hand from [`USAGE`]'s rows.
fn by_hand() -> [(f64, f64); 2] {
    // (output, input, cache read) per month of each user, and their active span.
    let users: [[(f64, f64, f64); 2]; 3] = [
        [(2e6, 1e6, 3e6), (1e6, 5e5, 1e6)],
        [(1e5, 4e5, 0.0), (0.0, 0.0, 0.0)],
        [(0.0, 0.0, 0.0), (4e5, 0.0, 2e5)],
    ];
    let spans = [0..2, 0..1, 1..2];
    let mut out = [(0.0, 0.0); 2];
    for (months, span) in users.iter().zip(spans) {
        let o: f64 = months.iter().map(|m| m.0).sum();
        let i: f64 = months.iter().map(|m| m.1).sum();
        let r: f64 = months.iter().map(|m| m.2).sum();
        let k_retail = (25.0 + 5.0 * i / o + 0.5 * r / o) / 1e6;
        let k_cost = (4.0 + 1.0 * i / o + 0.1 * r / o) / 1e6;
        for m in span {
            let x = months[m].0;
            let cost = x * k_cost;
            out[0].0 += x * k_retail;
            out[0].1 += x * k_retail - cost - 0.5;
            out[1].0 += 20.0;
            out[1].1 += 20.0 - cost - 0.5;
        }
    }
    out
}

#[test]
fn replayed_bills_equal_the_hand_sums_of_the_csv_rows() {
    let dir = folder(SCENARIO);
    plansim(
        dir.path(),
        &["run", "scenario.toml", "--quiet", "--out", "out"],
        None,
    );
    let (header, rows) = read_csv(&dir.path().join("out/trials.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let want = by_hand();
    assert_eq!(rows.len(), 4, "2 trials x 2 plans");
    for row in &rows {
        let p = usize::from(row[col("plan")] != "api");
        for (name, w) in [("revenue", want[p].0), ("profit", want[p].1)] {
            let got: f64 = row[col(name)].parse().unwrap();
            assert!(
                (got - w).abs() <= 1e-9 * w.abs().max(1.0),
                "{name} of {}: {got} vs {w}",
                row[col("plan")]
            );
        }
    }
}

#[test]
fn a_segment_column_gives_segments_csv_rows_in_order_of_appearance() {
    let dir = folder(SCENARIO);
    plansim(
        dir.path(),
        &["run", "scenario.toml", "--quiet", "--out", "out"],
        None,
    );
    let (header, rows) = read_csv(&dir.path().join("out/segments.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let got: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| {
            (
                r[col("plan")].clone(),
                r[col("segment")].clone(),
                r[col("users")].clone(),
            )
        })
        .collect();
    let row = |p: &str, s: &str, n: &str| (p.to_string(), s.to_string(), n.to_string());
    assert_eq!(
        got,
        [
            row("api", "pro", "2"),
            row("api", "free", "1"),
            row("max", "pro", "2"),
            row("max", "free", "1"),
        ]
    );
}

#[test]
fn bootstrap_outputs_are_identical_on_one_and_two_threads() {
    let text = SCENARIO
        .replace(
            "file = \"data/usage.csv\"",
            "file = \"data/usage.csv\"\nbootstrap = true",
        )
        .replace("seed = 3", "seed = 3\nusers = 9000");
    let dir = folder(&text);
    for (threads, out) in [("1", "one"), ("2", "two")] {
        let args = [
            "run",
            "scenario.toml",
            "--quiet",
            "--threads",
            threads,
            "--out",
            out,
        ];
        plansim(dir.path(), &args, None);
    }
    for file in [
        "summary.csv",
        "trials.csv",
        "segments.csv",
        "deciles.csv",
        "monthly.csv",
    ] {
        let one = fs::read(dir.path().join("one").join(file)).unwrap();
        let two = fs::read(dir.path().join("two").join(file)).unwrap();
        assert_eq!(one, two, "{file} differs between 1 and 2 threads");
    }
}

#[test]
fn the_export_is_read_relative_to_the_scenario_or_from_stdin_the_current_folder() {
    let dir = folder(SCENARIO);
    // From the parent folder: `scenario.toml`'s `data/usage.csv` is beside it, not here.
    let parent = dir.path().parent().unwrap();
    let name = dir.path().file_name().unwrap().to_str().unwrap();
    let scenario = format!("{name}/scenario.toml");
    let out = format!("{name}/out");
    plansim(parent, &["run", &scenario, "--quiet", "--out", &out], None);
    let by_path = fs::read(dir.path().join("out/trials.csv")).unwrap();
    // From stdin, in the scenario's folder (the current folder).
    plansim(
        dir.path(),
        &["run", "-", "--quiet", "--out", "stdin"],
        Some(SCENARIO),
    );
    assert_eq!(
        by_path,
        fs::read(dir.path().join("stdin/trials.csv")).unwrap()
    );
}

#[test]
fn check_describes_the_population_from_its_users() {
    let dir = folder(SCENARIO);
    let o = plansim(dir.path(), &["check", "scenario.toml"], None);
    let text = String::from_utf8(o.stdout).unwrap();
    // pro's users a and c, mean active months 1.5M and 0.4M: mean 0.95M; retail values of a
    // mean month 1.5M x (25 + 5 x 0.5 + 0.5 x 4/3) / 1M = $42.25 and 0.4M x 25.25 / 1M = $10.10,
    // mean $26.18 (rounded); source `export`.
    let pro = text
        .lines()
        .find(|l| l.starts_with("pro "))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(pro.contains("950.0k") && pro.ends_with("export"), "{pro}");
    assert!(pro.contains("$26.18"), "{pro}");
    let menu = SCENARIO
        .replace(
            "file = \"data/usage.csv\"",
            "file = \"data/usage.csv\"\nvalue = 100",
        )
        .replace("[population]", "[market]\nmode = \"menu\"\n[population]");
    let dir = folder(&menu);
    let o = plansim(dir.path(), &["check", "scenario.toml"], None);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("segment pro: estimated from 2 "), "{text}");
    assert!(text.contains("segment free: estimated from 1 "), "{text}");
}
