//! `--set` end to end through the binary: setting a field from the command line gives the same
//! CSV outputs, byte for byte, as a copy of the config edited by hand (run.json differs: it
//! names the config), in each mode and in menu mode, with a bare word taken as a string
//! (`--set market.mode=menu`); and `--set` comes before the size flags, which win. A one-point
//! sweep (`--sweep 'PATH=[VALUE]'`) writes into `points/001/` the same CSVs as `--set PATH=VALUE`
//! writes at the top level and as the edited config, and its `sweep.csv` is that run's
//! `summary.csv` with the point and the value in front.

use std::fs;
use std::path::Path;
use std::process::Command;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_plansim");

/// The CSV outputs of a run.
const CSVS: [&str; 5] = [
    "summary.csv",
    "trials.csv",
    "segments.csv",
    "deciles.csv",
    "monthly.csv",
];

/// A small scenario that runs in either mode: every segment has a value, no plan is external.
const SCENARIO: &str = r#"name = "set"

[simulation]
trials = 12
users = 40
months = 3
seed = 7

[retail]
input = 5.0
output = 25.0

[cost]
input = 0.5
output = 2.5

[[segment]]
name = "casual"
share = 0.7
output_tokens = { dist = "lognormal", median = 100000, p99 = 1000000 }
monthly_churn = 0.05
value = 40

[[segment]]
name = "power"
share = 0.3
output_tokens = 800000
value_per_retail = 0.5

[[plan]]
name = "max-20x"
kind = "flat"
price = 20
cap = 100

[[plan]]
name = "credits"
kind = "credit"
price = 30
credits = 2000
burn = { input = 500, output = 2500 }
top_up = { price = 10, credits = 1000, probability = 0.3 }
"#;

/// Runs `plansim run` on `text` (written as `file` in `dir`) with `extra` arguments into
/// `dir/out_name`, and returns that folder.
fn run(dir: &Path, file: &str, text: &str, out_name: &str, extra: &[&str]) -> std::path::PathBuf {
    fs::write(dir.join(file), text).expect("write config");
    let out = dir.join(out_name);
    let mut args = vec!["run", file, "--quiet", "--threads", "2", "--out"];
    let out_arg = out.to_str().expect("UTF-8 path").to_string();
    args.push(&out_arg);
    args.extend_from_slice(extra);
    let result = Command::new(BIN)
        .args(&args)
        .current_dir(dir)
        .output()
        .expect("start plansim");
    assert_eq!(
        result.status.code(),
        Some(0),
        "plansim {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&result.stderr)
    );
    out
}

/// `--set` on [`SCENARIO`] (with `base_edit` applied to both) gives the same CSVs as
/// [`SCENARIO`] with `edit` applied by hand.
fn same_as_edited(base_edit: (&str, &str), set: &[&str], edits: &[(&str, &str)]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let edit_once = |text: &str, (from, to): (&str, &str)| {
        assert_eq!(text.matches(from).count(), 1, "test setup: {from:?}");
        text.replacen(from, to, 1)
    };
    let base = edit_once(SCENARIO, base_edit);
    let mut args = Vec::new();
    for s in set {
        args.extend_from_slice(&["--set", s]);
    }
    let by_flag = run(dir.path(), "flag.toml", &base, "by-flag", &args);
    let edited = edits.iter().fold(base.clone(), |t, &e| edit_once(&t, e));
    let by_hand = run(dir.path(), "hand.toml", &edited, "by-hand", &[]);
    for name in CSVS {
        let a = fs::read(by_flag.join(name)).expect("output");
        let b = fs::read(by_hand.join(name)).expect("output");
        assert!(a == b, "{name} differs for --set {set:?}");
    }
}

#[test]
fn set_price_gives_the_same_csvs_as_editing_the_config() {
    let no_edit = ("seed = 7", "seed = 7");
    same_as_edited(
        no_edit,
        &["plan.max-20x.price=35"],
        &[("price = 20", "price = 35")],
    );
    // Into an inline table, and a distribution as the value; the later --set wins.
    same_as_edited(
        no_edit,
        &[
            "plan.credits.top_up.price=99",
            "plan.credits.top_up.price=12.5",
            "cost.annual_decline={ dist = \"uniform\", min = 0.3, max = 0.8 }",
        ],
        &[
            ("top_up = { price = 10,", "top_up = { price = 12.5,"),
            (
                "output = 2.5\n",
                "output = 2.5\nannual_decline = { dist = \"uniform\", min = 0.3, max = 0.8 }\n",
            ),
        ],
    );
}

#[test]
fn set_a_bare_word_switches_to_menu_mode_as_editing_does() {
    let menu = "name = \"set\"\n\n[market]\nmode = \"menu\"\n";
    same_as_edited(
        ("seed = 7", "seed = 7"),
        &["market.mode=menu"],
        &[("name = \"set\"\n", menu)],
    );
    // In menu mode, a price set from the command line.
    same_as_edited(
        ("name = \"set\"\n", menu),
        &[
            "plan.max-20x.price=35",
            "market.choice=logit",
            "market.logit_scale=25",
        ],
        &[
            ("price = 20", "price = 35"),
            (
                "mode = \"menu\"\n",
                "mode = \"menu\"\nchoice = \"logit\"\nlogit_scale = 25\n",
            ),
        ],
    );
}

#[test]
fn the_size_flags_win_over_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    let by_flag = run(
        dir.path(),
        "a.toml",
        SCENARIO,
        "a",
        &["--set", "simulation.trials=5", "--trials", "3"],
    );
    let trials = fs::read_to_string(by_flag.join("trials.csv")).expect("trials.csv");
    // A header line and one line per trial and plan row (two plans).
    assert_eq!(trials.lines().count(), 1 + 3 * 2, "{trials}");
}

/// The names of the CSV files in `dir`, sorted.
fn csvs(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    v.sort();
    v
}

/// `--set PATH=VALUE` (top level), `--sweep 'PATH=[VALUE]'` (in `points/001/`) and `edit` by
/// hand give the same CSVs, byte for byte, on `base`; `value` is the sweep's value as sweep.csv
/// writes it.
fn set_and_one_point_sweep_equal_the_edit(base: &str, path: &str, value: &str, edit: (&str, &str)) {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(base.matches(edit.0).count(), 1, "test setup: {edit:?}");
    let edited = base.replacen(edit.0, edit.1, 1);
    let by_hand = run(dir.path(), "hand.toml", &edited, "by-hand", &[]);
    let set = format!("{path}={value}");
    let by_set = run(dir.path(), "s.toml", base, "by-set", &["--set", &set]);
    let sweep = format!("{path}=[{value}]");
    let by_sweep = run(dir.path(), "s.toml", base, "by-sweep", &["--sweep", &sweep]);
    let point = by_sweep.join("points/001");
    // Every CSV of a plain run (sensitivity.csv, tail.csv, choices.csv in menu mode too).
    let names = csvs(&by_hand);
    assert!(names.len() > CSVS.len(), "{names:?}");
    assert_eq!(csvs(&by_set), names);
    assert_eq!(csvs(&point), names);
    for name in &names {
        let want = fs::read(by_hand.join(name)).expect("output");
        assert!(
            fs::read(by_set.join(name)).expect("output") == want,
            "--set {set}: {name}"
        );
        assert!(
            fs::read(point.join(name)).expect("output") == want,
            "--sweep {sweep}: {name}"
        );
    }
    // The sweep's table is summary.csv with `point` and the swept path in front.
    let summary = fs::read_to_string(by_hand.join("summary.csv")).expect("summary.csv");
    let table = fs::read_to_string(by_sweep.join("sweep.csv")).expect("sweep.csv");
    let mut lines = summary.lines();
    let mut want = vec![format!("point,{path},{}", lines.next().expect("header"))];
    want.extend(lines.map(|l| format!("1,{value},{l}")));
    assert_eq!(table.lines().collect::<Vec<_>>(), want);
    assert!(by_sweep.join("compare.csv").is_file());
    assert!(!by_sweep.join("points/002").exists());
}

#[test]
fn set_and_a_one_point_sweep_give_the_same_csvs_as_editing_the_config() {
    set_and_one_point_sweep_equal_the_edit(
        SCENARIO,
        "plan.max-20x.price",
        "35",
        ("price = 20", "price = 35"),
    );
    // Into an inline table.
    set_and_one_point_sweep_equal_the_edit(
        SCENARIO,
        "plan.credits.top_up.price",
        "12.5",
        ("top_up = { price = 10,", "top_up = { price = 12.5,"),
    );
    // In menu mode (choices.csv too).
    let menu = SCENARIO.replacen(
        "name = \"set\"\n",
        "name = \"set\"\n\n[market]\nmode = \"menu\"\n",
        1,
    );
    set_and_one_point_sweep_equal_the_edit(
        &menu,
        "plan.max-20x.cap",
        "60",
        ("cap = 100", "cap = 60"),
    );
}
