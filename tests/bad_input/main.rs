//! Bad input, end to end: one test per case, each running the real `plansim` binary in a fresh
//! temporary folder.
//!
//! Every refusal is checked the same way (see [`refused`]): the exact exit code (2: input the
//! user can fix), no panic, no hang, nothing on stdout, exactly one line on stderr per problem
//! (one, except for scenarios missing several required fields: [`refused_lines`]), each
//! starting with `error: ` and holding the expected fragments, no control character on
//! stderr, and the temporary folder exactly as it was before, recursively: no output folder,
//! no `.NAME.plansim-*` temporary folder, no default `output/` folder.
//!
//! Scenario errors (the [`config_errors!`] tables) must read `error: FILE:LINE:COL: field.path:
//! message`. Each case is [`BASE`] with a few text edits, and a `¶` in an edit marks where the
//! error must point (no mark: line 1, column 1), so the expected location follows the text if
//! [`BASE`] changes. Each is refused by `plansim check`, by `plansim run --out out` and by
//! `plansim run` with the default output folder. Run-time refusals (the [`run_refusals!`]
//! tables) are each tried with `--out out` and with the default output folder. The remaining
//! cases are written out.
//!
//! The modules follow the class of input: the file as a whole ([`file`]), `plansim fit`'s
//! exports, arguments and outputs ([`fit`]), unknown, misspelt or
//! missing fields ([`fields`]), wrong TOML types ([`types`]), non-finite and too large numbers
//! ([`numbers`]), distribution tables ([`distributions`]; `dist = "empirical"` and its data
//! files: [`empirical`]), segments ([`segments`]), plans
//! ([`plans`]), tiers on payg and hybrid plans ([`tiers`]), task segments and outcome plans
//! ([`outcome`]), the market and the fields menu mode uses ([`market`]), the pricing
//! instruments of issue 11 ([`instruments`]; prices that move over time: [`prices`]; teams and
//! per_seat plans: [`seats`]; committed-use discounts: [`commitment`]), correlated inputs
//! ([`correlation`]), a usage export replayed by `[population]` ([`population`]), names
//! ([`names`]), run sizes in the file and on the command line
//! ([`sizes`]), precision mode's terms ([`precision`]), `--set`, `--sweep` and `[[sweep]]`
//! ([`sweeps`]), the command line itself ([`flags`]), the output folder and the file system
//! ([`out`]), valid values whose combination is extreme: overflow and heavy tails
//! ([`extremes`]), and control characters that must not reach the terminal ([`escapes`]).
//!
//! This suite merges the former `tests/cli_errors.rs` and `tests/hostile.rs`. Seven of the
//! hostile cases first failed when they were written (an unbounded `--threads`, symbolic links
//! as `--out`, a file named `output`, an empty `output/` left by a refused run, `check`
//! accepting too many users, no sigma warning for a lognormal given by percentiles); all were
//! fixed, and none is ignored.

use std::fs;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// Generates one `#[test]` per scenario-error row:
/// `name { "from" => "to", ... } "field.path" ["fragment", ...]`; a `¶` in a `to` marks where
/// the error must point.
macro_rules! config_errors {
    ($(
        $(#[$meta:meta])*
        $name:ident { $($from:expr => $to:expr),* $(,)? } $path:literal [$($word:expr),* $(,)?]
    )*) => {$(
        $(#[$meta])*
        #[test]
        fn $name() {
            $crate::config_case(&[$(($from, String::from($to))),*], $path, &[$($word),*]);
        }
    )*};
}

/// Generates one `#[test]` per run-time refusal row:
/// `name { "from" => "to", ... } ["--flag", "value", ...] CODE "prefix" ["fragment", ...]`.
macro_rules! run_refusals {
    ($(
        $(#[$meta:meta])*
        $name:ident { $($from:expr => $to:expr),* $(,)? } [$($arg:expr),* $(,)?]
        $code:literal $prefix:literal [$($word:expr),* $(,)?]
    )*) => {$(
        $(#[$meta])*
        #[test]
        fn $name() {
            $crate::run_case(
                &[$(($from, String::from($to))),*],
                &[$($arg),*],
                $code,
                $prefix,
                &[$($word),*],
            );
        }
    )*};
}

mod commitment;
mod correlation;
mod distributions;
mod empirical;
mod escapes;
mod extremes;
mod fields;
mod file;
mod fit;
mod flags;
mod instruments;
mod market;
mod names;
mod numbers;
mod out;
mod outcome;
mod plans;
mod population;
mod precision;
mod prices;
mod seats;
mod segments;
mod sizes;
mod sweeps;
mod tiers;
mod types;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_plansim");

/// File name of the scenario inside each temporary folder (errors name it as given).
const CONFIG: &str = "scenario.toml";

/// Marks, inside an edit, where a scenario error must point. Removed before the file is written.
const MARK: char = '¶';

/// A plansim process still running after this long is killed and the case fails.
const DEADLINE: Duration = Duration::from_secs(20);

/// Everything a successful run writes, sorted: plansim's manifest of the set, then the eight
/// outputs.
const OUTPUTS: [&str; 9] = [
    ".plansim.manifest",
    "deciles.csv",
    "monthly.csv",
    "run.json",
    "segments.csv",
    "sensitivity.csv",
    "summary.csv",
    "tail.csv",
    "trials.csv",
];

/// A small valid scenario touching every section the cases edit: two segments (one with a
/// lognormal per-user distribution, volatility and churn), one plan of each kind, the credit
/// plan with a top-up. Every text the cases edit occurs in it exactly once; tiny sizes keep
/// runs instant.
const BASE: &str = r#"name = "base"

[simulation]
trials = 2
users = 10
months = 2
seed = 1

[retail]
input = 5.0
output = 25.0

[cost]
input = 0.5
output = 2.5
annual_decline = 0.4

[[segment]]
name = "casual"
share = 0.6
output_tokens = { dist = "lognormal", median = 100000, p99 = 1000000 }
input_per_output = 20
cache_read_share = 0.5
monthly_volatility = 0.3
monthly_churn = 0.05

[[segment]]
name = "power"
share = 0.4
output_tokens = 500000

[[plan]]
name = "api"
kind = "payg"

[[plan]]
name = "max"
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

[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 25
included = 20
"#;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// What one plansim invocation did.
struct Run {
    what: String,
    code: Option<i32>,
    timed_out: bool,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The command, exit code, stdout and stderr, for failure messages.
    fn describe(&self) -> String {
        format!(
            "{}: exit code {:?}{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.what,
            self.code,
            if self.timed_out {
                " (killed after the deadline)"
            } else {
                ""
            },
            self.stdout,
            self.stderr
        )
    }
}

/// Runs plansim in `dir`, killing it if it outlives [`DEADLINE`].
fn plansim(dir: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start the plansim binary");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            String::from_utf8_lossy(&bytes).into_owned()
        })
    };
    let stdout = drain(Box::new(child.stdout.take().expect("stdout")));
    let stderr = drain(Box::new(child.stderr.take().expect("stderr")));
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for plansim") {
            break status;
        }
        if start.elapsed() > DEADLINE {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait for plansim");
        }
        thread::sleep(Duration::from_millis(2));
    };
    Run {
        what: format!("`plansim {}`", args.join(" ")),
        code: status.code(),
        timed_out,
        stdout: stdout.join().expect("stdout reader"),
        stderr: stderr.join().expect("stderr reader"),
    }
}

/// Every entry under `dir`, recursively, as sorted relative paths (`/` after a folder, `@`
/// after a symbolic link, which is not followed).
fn tree(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("list {}: {e}", dir.display()));
        for entry in entries {
            let entry = entry.expect("dir entry");
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            let kind = entry.file_type().expect("file type");
            if kind.is_symlink() {
                out.push(format!("{name}@"));
            } else if kind.is_dir() {
                out.push(format!("{name}/"));
                walk(&entry.path(), &format!("{name}/"), out);
            } else {
                out.push(name);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

/// One expected line of a refusal: its start (itself starting with `error: `) and fragments it
/// contains.
type Line<'a> = (&'a str, &'a [&'a str]);

/// Asserts that `run` is a clean refusal: exit code `code`, no panic, nothing on stdout,
/// exactly one stderr line starting with `prefix` (itself starting with `error: `) and
/// containing every word.
fn assert_refusal(run: &Run, code: i32, prefix: &str, words: &[&str]) {
    assert_refusal_lines(run, code, &[(prefix, words)]);
}

/// Asserts that `run` is a clean refusal: exit code `code`, no panic, nothing on stdout, and
/// on stderr exactly one line per entry of `lines`, in order, each as that entry says, with no
/// control character: every problem is one `error: ` line.
fn assert_refusal_lines(run: &Run, code: i32, lines: &[Line<'_>]) {
    let ctx = run.describe();
    assert!(!run.timed_out, "still running after {DEADLINE:?}; {ctx}");
    assert_eq!(run.code, Some(code), "wrong exit code; {ctx}");
    assert!(!run.stderr.contains("panicked"), "plansim panicked; {ctx}");
    assert!(run.stdout.is_empty(), "expected nothing on stdout; {ctx}");
    assert!(
        run.stderr.ends_with('\n') && run.stderr.lines().count() == lines.len(),
        "expected exactly {} line(s) on stderr; {ctx}",
        lines.len()
    );
    assert!(
        !run.stderr.contains(|c: char| c.is_control() && c != '\n'),
        "control character on stderr: {:?}; {ctx}",
        run.stderr
    );
    for (line, (prefix, words)) in run.stderr.lines().zip(lines) {
        assert!(
            line.starts_with("error: ") && line.starts_with(prefix),
            "expected a line starting with {prefix:?}; {ctx}"
        );
        for word in *words {
            assert!(
                line.contains(word),
                "expected {word:?} in the line {line:?}; {ctx}"
            );
        }
    }
}

/// Runs plansim in `dir` and asserts a clean refusal ([`assert_refusal`]) that leaves `dir`
/// unchanged.
fn refused(dir: &Path, args: &[&str], code: i32, prefix: &str, words: &[&str]) {
    refused_lines(dir, args, code, &[(prefix, words)]);
}

/// Runs plansim in `dir` and asserts a clean refusal of several lines
/// ([`assert_refusal_lines`]) that leaves `dir` unchanged.
fn refused_lines(dir: &Path, args: &[&str], code: i32, lines: &[Line<'_>]) {
    let before = tree(dir);
    let run = plansim(dir, args);
    assert_refusal_lines(&run, code, lines);
    assert_eq!(tree(dir), before, "the folder changed; {}", run.describe());
}

/// `base` with each `(from, to)` applied in order; every `from` must occur exactly once.
fn edit(base: &str, edits: &[(&str, String)]) -> String {
    let mut text = base.to_string();
    for (from, to) in edits {
        let n = text.matches(from).count();
        assert_eq!(n, 1, "test setup: edit target {from:?} occurs {n} times");
        text = text.replacen(from, to, 1);
    }
    text
}

/// Removes the [`MARK`] from `marked`, returning the text and the mark's 1-based line and
/// column (in characters); line 1, column 1 when there is no mark.
fn unmark(marked: &str) -> (String, usize, usize) {
    let marks = marked.matches(MARK).count();
    assert!(marks <= 1, "test setup: {marks} marks in the config");
    let Some(at) = marked.find(MARK) else {
        return (marked.to_string(), 1, 1);
    };
    let before = &marked[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (marked.replacen(MARK, "", 1), line, col)
}

/// A fresh temporary folder holding `text` as [`CONFIG`].
fn with_config(text: impl AsRef<[u8]>) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join(CONFIG), text).expect("write config");
    dir
}

/// `run CONFIG --quiet`, then `extra`, with `--threads 2` unless `extra` sets the threads (so
/// time estimates in messages are stable).
fn run_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["run", CONFIG, "--quiet"];
    args.extend_from_slice(extra);
    if !extra.contains(&"--threads") {
        args.extend_from_slice(&["--threads", "2"]);
    }
    args
}

/// One scenario error: [`BASE`] with `edits`, refused by `check`, `run --out out` and `run`
/// (default output folder) with exit code 2 and `error: scenario.toml:LINE:COL: PATH: ` (PATH
/// and its colon omitted when empty), at the mark.
fn config_case(edits: &[(&str, String)], path: &str, words: &[&str]) {
    let (text, line, col) = unmark(&edit(BASE, edits));
    let prefix = if path.is_empty() {
        format!("error: {CONFIG}:{line}:{col}: ")
    } else {
        format!("error: {CONFIG}:{line}:{col}: {path}: ")
    };
    let dir = with_config(&text);
    refused(dir.path(), &["check", CONFIG], 2, &prefix, words);
    refused(dir.path(), &run_args(&["--out", "out"]), 2, &prefix, words);
    refused(dir.path(), &run_args(&[]), 2, &prefix, words);
}

/// A scenario refused with one line per problem: `text` refused by `check`, `run --out out`
/// and `run` (default output folder) with exit code 2 and exactly `lines`.
fn config_case_lines(text: &str, lines: &[Line<'_>]) {
    let dir = with_config(text);
    refused_lines(dir.path(), &["check", CONFIG], 2, lines);
    refused_lines(dir.path(), &run_args(&["--out", "out"]), 2, lines);
    refused_lines(dir.path(), &run_args(&[]), 2, lines);
}

/// `error: scenario.toml:LINE:COL: ` for the first occurrence of `needle` in `text` (`path: `
/// added when not empty).
fn at(text: &str, needle: &str, path: &str) -> String {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("test setup: {needle:?} not in the config"));
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    if path.is_empty() {
        format!("error: {CONFIG}:{line}:{col}: ")
    } else {
        format!("error: {CONFIG}:{line}:{col}: {path}: ")
    }
}

/// One run-time refusal: [`BASE`] with `edits`, run with `extra` arguments, once with
/// `--out out` and once with the default output folder.
fn run_case(edits: &[(&str, String)], extra: &[&str], code: i32, prefix: &str, words: &[&str]) {
    let dir = with_config(edit(BASE, edits));
    let mut with_out = extra.to_vec();
    with_out.extend_from_slice(&["--out", "out"]);
    refused(dir.path(), &run_args(&with_out), code, prefix, words);
    refused(dir.path(), &run_args(extra), code, prefix, words);
}

/// The non-finite numbers in a CSV file or other text output: cells or words that read as an
/// infinite or NaN float.
fn non_finite(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c == '\n' || c.is_whitespace() || c == '"' || c == ':')
        .map(|cell| cell.trim_end_matches(['%', '$']))
        .filter(|cell| cell.parse::<f64>().is_ok_and(|x| !x.is_finite()))
        .map(str::to_string)
        .collect()
}

/// `dir/out` as a relative folder tree: `out/` then `out/NAME` for each of [`OUTPUTS`].
fn out_tree(out: &str) -> Vec<String> {
    let mut names = vec![format!("{out}/")];
    names.extend(OUTPUTS.iter().map(|n| format!("{out}/{n}")));
    names
}

// ---------------------------------------------------------------------------------------------
// Positive controls: the base scenario is valid, so every refusal comes from its edit.
// ---------------------------------------------------------------------------------------------

#[test]
fn base_config_passes_check() {
    let dir = with_config(BASE);
    let run = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert!(run.stdout.contains("valid"), "{}", run.describe());
    assert_eq!(tree(dir.path()), [CONFIG], "check wrote files");
}

#[test]
fn base_config_runs_and_writes_the_output_set() {
    let dir = with_config(BASE);
    let run = plansim(dir.path(), &run_args(&["--out", "out"]));
    assert_eq!(run.code, Some(0), "{}", run.describe());
    let mut expected = out_tree("out");
    expected.push(CONFIG.into());
    assert_eq!(tree(dir.path()), expected, "outputs or leftovers");
}

#[test]
fn minimal_config_runs_and_writes_exactly_the_eight_outputs() {
    let dir = minimal_dir();
    let out_dir = dir.path().join("o");
    let out_arg = out_dir.to_str().expect("utf-8 temp path");
    let run = plansim(
        dir.path(),
        &[
            "run", CONFIG, "--trials", "3", "--users", "50", "--quiet", "--out", out_arg,
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert!(run.stderr.is_empty(), "{}", run.describe());
    let mut expected = out_tree("o");
    expected.push(CONFIG.into());
    assert_eq!(tree(dir.path()), expected);
    for name in OUTPUTS {
        let len = fs::metadata(out_dir.join(name)).expect("output file").len();
        assert!(len > 0, "{name} is empty");
    }
}

/// configs/minimal.toml, copied into a temporary folder as [`CONFIG`].
fn minimal_dir() -> TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/minimal.toml");
    with_config(fs::read_to_string(&src).expect("read configs/minimal.toml"))
}
