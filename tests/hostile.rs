//! The hostile-input table: one test per hostile input, each running the real `plansim` binary
//! in a fresh temporary folder.
//!
//! Every refusal is checked the same way (see [`refused`]): the exact exit code, nothing on
//! stdout, exactly one line on stderr that starts with `error: ` and holds the expected
//! fragments, no panic, and the temporary folder exactly as it was before: no output folder,
//! no `.NAME.plansim-*` temporary folders, no default `output/` folder.
//!
//! Scenario errors (the [`config_errors!`] table) must read `error: FILE:LINE:COL: field.path:
//! message`. Each case is [`BASE`] with a few text edits, and a `¶` in an edit marks where the
//! error must point (no mark: line 1, column 1). Each is refused by `plansim check`, by
//! `plansim run --out out` and by `plansim run` with the default output folder.
//!
//! Run-time refusals (sizes and flags) are in the [`run_refusals!`] table, each tried with
//! `--out out` and with the default output folder. The remaining cases (output paths, the
//! config file itself, heavy tails) are written out below.
//!
//! Seven cases first failed when this table was written (an unbounded `--threads`, symbolic
//! links as `--out`, a file named `output`, an empty `output/` left by a refused run, `check`
//! accepting too many users, no sigma warning for a lognormal given by percentiles); all were
//! fixed, and none is ignored.

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_plansim");

/// File name of the scenario inside each temporary folder (errors name it as given).
const CONFIG: &str = "scenario.toml";

/// Marks, inside an edit, where a scenario error must point. Removed before the file is written.
const MARK: char = '¶';

/// A plansim process still running after this long is killed and the case fails.
const DEADLINE: Duration = Duration::from_secs(20);

/// Everything a successful run writes, sorted.
const OUTPUTS: [&str; 6] = [
    "deciles.csv",
    "monthly.csv",
    "run.json",
    "segments.csv",
    "summary.csv",
    "trials.csv",
];

/// A small valid scenario: two segments, one plan of each kind. Every text the cases edit
/// occurs in it exactly once.
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

/// Heavy tails everywhere: a Pareto with alpha < 1 (no finite mean) and a lognormal with
/// sigma = 8, month-to-month volatility 3, and every plan kind, including a hybrid with a huge
/// overage multiplier and credit top-up packs of a thousandth of a credit.
const HEAVY: &str = r#"name = "heavy"

[simulation]
trials = 20
users = 200
months = 6
seed = 7

[retail]
input = 5.0
output = 25.0

[cost]
input = 0.5
output = 2.5
payment_fee_rate = 0.029
payment_fee_fixed = 0.3

[[segment]]
name = "pareto"
share = 0.5
output_tokens = { dist = "pareto", min = 100000, alpha = 0.3 }
input_per_output = 50
cache_read_share = 0.9
monthly_volatility = 3
monthly_growth = 0.5
monthly_churn = 0.01

[[segment]]
name = "lognormal"
share = 0.5
output_tokens = { dist = "lognormal", median = 1000000, sigma = 8 }
input_per_output = 50
monthly_volatility = 3

[[plan]]
name = "api"
kind = "payg"

[[plan]]
name = "flat"
kind = "flat"
price = 20
cap = 200

[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 20
included = 20
overage_multiplier = 1e6

[[plan]]
name = "credits"
kind = "credit"
price = 20
credits = 2000
burn = { input = 500, output = 2500 }
top_up = { price = 0.01, credits = 0.001, probability = 1 }
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

/// Runs plansim in `dir` and asserts a clean refusal: exit code `code`, no panic, nothing on
/// stdout, exactly one stderr line starting with `prefix` and containing every word, and
/// `dir` unchanged.
fn refused(dir: &Path, args: &[&str], code: i32, prefix: &str, words: &[&str]) {
    let before = tree(dir);
    let run = plansim(dir, args);
    let ctx = run.describe();
    assert!(!run.timed_out, "still running after {DEADLINE:?}; {ctx}");
    assert_eq!(run.code, Some(code), "wrong exit code; {ctx}");
    assert!(!run.stderr.contains("panicked"), "plansim panicked; {ctx}");
    assert!(run.stdout.is_empty(), "expected nothing on stdout; {ctx}");
    assert!(
        run.stderr.ends_with('\n') && run.stderr.lines().count() == 1,
        "expected exactly one line on stderr; {ctx}"
    );
    assert!(
        run.stderr.starts_with("error: ") && run.stderr.starts_with(prefix),
        "expected stderr to start with {prefix:?}; {ctx}"
    );
    for word in words {
        assert!(
            run.stderr.contains(word),
            "expected {word:?} in stderr; {ctx}"
        );
    }
    assert_eq!(tree(dir), before, "the folder changed; {ctx}");
}

/// `base` with each `(from, to)` applied; every `from` must occur exactly once.
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
/// (default output folder) with exit code 2 and `error: scenario.toml:LINE:COL: PATH: `.
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

/// One run-time refusal: [`BASE`] with `edits`, run with `extra` arguments, once with
/// `--out out` and once with the default output folder.
fn run_case(edits: &[(&str, String)], extra: &[&str], code: i32, prefix: &str, words: &[&str]) {
    let dir = with_config(edit(BASE, edits));
    let mut with_out = extra.to_vec();
    with_out.extend_from_slice(&["--out", "out"]);
    refused(dir.path(), &run_args(&with_out), code, prefix, words);
    refused(dir.path(), &run_args(extra), code, prefix, words);
}

/// Generates one `#[test]` per scenario-error row:
/// `name { "from" => "to", ... } "field.path" ["fragment", ...]`.
macro_rules! config_errors {
    ($(
        $(#[$meta:meta])*
        $name:ident { $($from:expr => $to:expr),* $(,)? } $path:literal [$($word:expr),* $(,)?]
    )*) => {$(
        $(#[$meta])*
        #[test]
        fn $name() {
            config_case(&[$(($from, String::from($to))),*], $path, &[$($word),*]);
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
            run_case(
                &[$(($from, String::from($to))),*],
                &[$($arg),*],
                $code,
                $prefix,
                &[$($word),*],
            );
        }
    )*};
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

// ---------------------------------------------------------------------------------------------
// Positive control: the base scenario is valid, so every refusal below comes from its edit.
// ---------------------------------------------------------------------------------------------

#[test]
fn control_base_scenario_checks_and_runs() {
    let dir = with_config(BASE);
    let check = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(check.code, Some(0), "{}", check.describe());
    let run = plansim(dir.path(), &run_args(&["--out", "out"]));
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert_eq!(tree(&dir.path().join("out")), OUTPUTS);
    assert_eq!(
        tree(dir.path()).len(),
        2 + OUTPUTS.len(),
        "leftovers beside out"
    );
}

// ---------------------------------------------------------------------------------------------
// Scenario errors: exit 2, `error: scenario.toml:LINE:COL: field.path: message`, no files.
// ---------------------------------------------------------------------------------------------

config_errors! {
    // Malformed TOML.
    malformed_toml_double_equals { "trials = 2" => "trials = ¶= 2" } "" ["malformed TOML"]
    malformed_toml_unclosed_header { "[retail]\ninput" => "[retail¶\ninput" } ""
        ["malformed TOML", "unclosed table"]
    malformed_toml_unterminated_string { "name = \"base\"\n" => "name = \"base¶\n" } ""
        ["malformed TOML", "string"]
    malformed_toml_duplicate_key { "seed = 1" => "seed = 1\n¶seed = 2" } ""
        ["malformed TOML", "duplicate key"]

    // Unknown fields, with a suggestion when one is close.
    unknown_top_level_field_suggests_description
        { "name = \"base\"" => "name = \"base\"\n¶descripton = \"x\"" } "descripton"
        ["unknown field `descripton`", "did you mean `description`?"]
    unknown_table_header_suggests_retail { "[retail]" => "[¶retial]" } "retial"
        ["unknown field `retial`", "did you mean `retail`?"]
    unknown_segment_field_suggests_share { "share = 0.6" => "¶sahre = 0.6" }
        "segment.casual.sahre" ["unknown field `sahre`", "did you mean `share`?"]
    unknown_plan_field_suggests_cap { "cap = 100" => "¶caps = 100" } "plan.max.caps"
        ["unknown field `caps`", "did you mean `cap`?"]
    unknown_distribution_parameter_suggests_median { "median = 100000" => "¶medain = 100000" }
        "segment.casual.output_tokens.medain" ["unknown field `medain`", "did you mean `median`?"]
    unknown_field_far_from_any_lists_the_fields { "share = 0.4" => "share = 0.4\n¶region = 1" }
        "segment.power.region" ["unknown field `region`", "expected one of: name, share"]
    field_of_another_plan_kind_is_unknown { "cap = 100" => "cap = 100\n¶base_fee = 5" }
        "plan.max.base_fee" ["unknown field `base_fee`", "expected one of:"]

    // Wrong types.
    wrong_type_string_for_a_price { "price = 20" => "price = ¶\"20\"" } "plan.max.price"
        ["expected a number", "found a string"]
    wrong_type_table_for_a_name { "name = \"max\"" => "name = ¶{ a = 1 }" } "plan[1].name"
        ["expected a string, found a table"]
    wrong_type_boolean_for_a_seed { "seed = 1" => "seed = ¶true" } "simulation.seed"
        ["expected an integer, found a boolean"]
    wrong_type_date_for_a_cost { "input = 0.5" => "input = ¶1979-05-27" } "cost.input"
        ["found a date-time"]
    wrong_type_array_for_a_share { "cache_read_share = 0.5" => "cache_read_share = ¶[0.5]" }
        "segment.casual.cache_read_share" ["found an array"]
    wrong_type_fraction_for_a_count { "trials = 2" => "trials = ¶2.5" } "simulation.trials"
        ["expected a whole number", "2.5"]

    // Missing required fields.
    missing_scenario_name { "name = \"base\"\n" => "" } "name" ["missing required field `name`"]
    missing_cost_section { "[cost]\ninput = 0.5\noutput = 2.5\nannual_decline = 0.4\n" => "" }
        "cost" ["missing required field `cost`"]
    missing_retail_output { "[retail]" => "¶[retail]", "output = 25.0\n" => "" }
        "retail.output" ["missing required field `output`"]
    missing_segment_output_tokens
        { "[[segment]]\nname = \"power\"" => "¶[[segment]]\nname = \"power\"",
          "output_tokens = 500000\n" => "" }
        "segment.power.output_tokens" ["missing required field `output_tokens`"]
    missing_plan_kind { "[[plan]]\nname = \"api\"\nkind = \"payg\"\n" => "¶[[plan]]\nname = \"api\"\n" }
        "plan[0].kind" ["missing required field `kind`"]
    missing_lognormal_parameter
        { "{ dist = \"lognormal\", median = 100000, p99 = 1000000 }"
            => "¶{ dist = \"lognormal\", median = 100000 }" }
        "segment.casual.output_tokens" ["lognormal takes exactly one of", "found {median}"]

    // Negative prices, counts and sigmas.
    negative_price { "price = 20" => "price = ¶-20" } "plan.max.price" ["must be >= 0", "-20"]
    negative_credits { "credits = 2000" => "credits = ¶-2000" } "plan.credits.credits"
        ["must be >= 0", "-2000"]
    negative_user_count { "users = 10" => "users = ¶-10" } "simulation.users"
        ["whole number >= 0", "-10"]
    negative_seed { "seed = 1" => "seed = ¶-1" } "simulation.seed" ["whole number >= 0"]
    negative_lognormal_sigma
        { "output_tokens = 500000" => "output_tokens = { dist = \"lognormal\", median = 9, sigma = ¶-1 }" }
        "segment.power.output_tokens.sigma" ["must be > 0", "-1"]
    negative_normal_sd
        { "output_tokens = 500000" => "output_tokens = { dist = \"normal\", mean = 9, sd = ¶-1, floor = 0 }" }
        "segment.power.output_tokens.sd" ["must be > 0"]
    negative_volatility { "monthly_volatility = 0.3" => "monthly_volatility = ¶-0.5" }
        "segment.casual.monthly_volatility" ["must be >= 0", "-0.5"]

    // Shares that do not sum to 1.
    shares_sum_above_one
        { "[[segment]]\nname = \"casual\"" => "¶[[segment]]\nname = \"casual\"",
          "share = 0.4" => "share = 0.5" }
        "segment" ["shares must sum to 1", "1.1"]
    shares_sum_below_one
        { "[[segment]]\nname = \"casual\"" => "¶[[segment]]\nname = \"casual\"",
          "share = 0.4" => "share = 0.3" }
        "segment" ["shares must sum to 1", "0.8999"]

    // Percentiles out of order; min >= max.
    percentiles_p99_below_median { "p99 = 1000000" => "p99 = ¶10" }
        "segment.casual.output_tokens.p99" ["percentiles must increase", "median < p99"]
    percentiles_p90_below_p10
        { "median = 100000, p99 = 1000000" => "p10 = 100000, p90 = ¶1000" }
        "segment.casual.output_tokens.p90" ["percentiles must increase", "p10 < p90"]
    uniform_min_equal_to_max
        { "output_tokens = 500000" => "output_tokens = { dist = \"uniform\", min = 9, max = ¶9 }" }
        "segment.power.output_tokens.max" ["needs min < max"]
    uniform_min_above_max
        { "output_tokens = 500000" => "output_tokens = { dist = \"uniform\", min = 9, max = ¶5 }" }
        "segment.power.output_tokens.max" ["needs min < max", "min = 9"]
    triangular_mode_above_max
        { "output_tokens = 500000" => "output_tokens = { dist = \"triangular\", min = 1, mode = 9, max = ¶5 }" }
        "segment.power.output_tokens.max" ["needs mode <= max"]
    floor_above_ceiling
        { "output_tokens = 500000" => "output_tokens = { dist = \"exponential\", mean = 5, floor = 9, ceiling = ¶1 }" }
        "segment.power.output_tokens.ceiling" ["needs floor <= ceiling"]

    // NaN and infinity written as TOML floats; finite numbers beyond 1e15.
    nan_price { "price = 20" => "price = ¶nan" } "plan.max.price"
        ["must be a finite number", "NaN"]
    plus_nan_price { "price = 20" => "price = ¶+nan" } "plan.max.price" ["must be a finite number"]
    inf_price { "price = 20" => "price = ¶inf" } "plan.max.price" ["must be a finite number", "inf"]
    minus_inf_cost { "input = 0.5" => "input = ¶-inf" } "cost.input"
        ["must be a finite number", "-inf"]
    nan_distribution_parameter { "median = 100000" => "median = ¶nan" }
        "segment.casual.output_tokens.median" ["must be a finite number"]
    inf_share { "share = 0.6" => "share = ¶inf" } "segment.casual.share" ["must be a finite number"]
    huge_finite_price { "price = 20" => "price = ¶1e300" } "plan.max.price"
        ["is too large: numbers are limited to magnitude 1e15"]

    // Sizes in the scenario file: zero, or beyond what the file may hold.
    config_trials_zero { "trials = 2" => "trials = ¶0" } "simulation.trials"
        ["trials must be at least 1"]
    config_users_zero { "users = 10" => "users = ¶0" } "simulation.users"
        ["users must be at least 1"]
    config_months_zero { "months = 2" => "months = ¶0" } "simulation.months"
        ["months must be at least 1"]
    config_months_too_large { "months = 2" => "months = ¶5000" } "simulation.months"
        ["at most 1200", "5000"]
    config_trials_beyond_64_bits { "trials = 2" => "trials = ¶99999999999999999999" }
        "simulation.trials" ["integer out of range"]
    config_trials_1e30 { "trials = 2" => "trials = ¶1e30" } "simulation.trials"
        ["numbers are limited to magnitude 1e15"]
    config_users_too_large_is_a_config_error { "users = 10" => "users = ¶100000000000" }
        "simulation.users" ["100000000000"]

    // Names outside the allowed characters, and duplicates.
    name_formula_injection { "name = \"base\"" => "name = ¶\"=cmd\"" } "name"
        ["invalid name \"=cmd\""]
    name_path_traversal { "name = \"base\"" => "name = ¶\"../x\"" } "name"
        ["invalid name \"../x\""]
    name_with_a_space { "name = \"casual\"" => "name = ¶\"a b\"" } "segment[0].name"
        ["invalid name \"a b\""]
    name_cyrillic_lookalike { "name = \"max\"" => "name = ¶\"\u{440}ro\"" } "plan[1].name"
        ["invalid name \"\u{440}ro\""]
    name_empty { "name = \"max\"" => "name = ¶\"\"" } "plan[1].name" ["invalid name \"\""]
    name_too_long { "name = \"max\"" => format!("name = ¶\"{}\"", "p".repeat(65)) } "plan[1].name"
        ["invalid name", "at most 64 characters"]
    duplicate_plan_names { "name = \"max\"" => "name = ¶\"api\"" } "plan[1].name"
        ["duplicate plan name `api`"]
    duplicate_segment_names { "name = \"power\"" => "name = ¶\"casual\"" } "segment[1].name"
        ["duplicate segment name `casual`"]
}

// ---------------------------------------------------------------------------------------------
// Sizes at run time (flags or scenario): refused before anything is allocated, with the
// estimated memory and time.
// ---------------------------------------------------------------------------------------------

run_refusals! {
    flag_trials_zero {} ["--trials", "0"] 2
        "error: scenario.toml: --trials 0: simulation.trials: trials must be at least 1" []
    flag_users_zero {} ["--users", "0"] 2
        "error: scenario.toml: --users 0: simulation.users: users must be at least 1" []
    flag_months_zero {} ["--months", "0"] 2
        "error: scenario.toml: --months 0: simulation.months: months must be at least 1" []
    flag_threads_zero {} ["--threads", "0"] 2 "error: --threads must be at least 1" []
    flag_users_too_large {} ["--users", "100000000000"] 2
        "error: scenario.toml: --users 100000000000: simulation.users: users must be at most \
         100000000 per trial (use more trials instead), got 100000000000" []
    flag_months_too_large {} ["--months", "5000"] 2
        "error: scenario.toml: --months 5000: simulation.months: months must be at most 1200 \
         (100 years), got 5000" []
    flag_trials_work_too_large {} ["--trials", "1000000000000"] 2
        "error: 8.00e13 user-plan-months is too large (at most 1e13): 1000000000000 trials x 10 \
         users x 2 months x 4 plans is estimated at "
        [" of memory and ", " on 2 threads"]
    flag_trials_u64_max {} ["--trials", "18446744073709551615"] 2
        "error: scenario.toml: --trials 18446744073709551615: simulation.trials: integer out of \
         range" []
    flag_trials_too_large_for_memory {} ["--trials", "1000000000", "--users", "1", "--months", "1"] 2
        "error: the run is too large for memory (at most 16.0 GB estimated): 1000000000 trials x \
         1 users x 1 months x 4 plans is estimated at "
        [" of memory and ", " on 2 threads"]
    config_trials_work_too_large { "trials = 2" => "trials = 1000000000000" } [] 2 "error: "
        ["user-plan-months is too large (at most 1e13)", "estimated at", " of memory and "]
    config_trials_too_large_for_memory
        { "trials = 2" => "trials = 1000000000", "users = 10" => "users = 1",
          "months = 2" => "months = 1" } [] 2 "error: "
        ["too large for memory", "estimated at", " of memory and "]
    flag_threads_absurdly_large {} ["--threads", "100000000"] 2 "error: --threads" []
}

// ---------------------------------------------------------------------------------------------
// Output paths: refused before running, existing content untouched.
// ---------------------------------------------------------------------------------------------

#[test]
fn out_is_an_existing_file() {
    let dir = with_config(BASE);
    fs::write(dir.path().join("out"), "precious\n").expect("write");
    refused(
        dir.path(),
        &run_args(&["--out", "out"]),
        2,
        "error: output path out exists and is not a folder",
        &[],
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("out")).unwrap(),
        "precious\n"
    );
}

/// `run --out OUT` on the base scenario in a fresh folder is refused with exit 2 and `prefix`.
fn out_refused(out: &str, prefix: &str) {
    let dir = with_config(BASE);
    refused(dir.path(), &run_args(&["--out", out]), 2, prefix, &[]);
}

#[test]
fn out_inside_a_missing_folder() {
    out_refused(
        "missing/out",
        "error: output folder missing/out: its parent folder missing does not exist",
    );
}

#[test]
fn out_unwritable_parent_proc() {
    // Creating folders in /proc fails even for root.
    out_refused(
        "/proc/plansim-hostile-test",
        "error: output folder /proc/plansim-hostile-test: cannot create folders in /proc",
    );
}

#[test]
fn out_unwritable_parent_read_only_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = with_config(BASE);
    let ro = dir.path().join("ro");
    fs::create_dir(&ro).expect("mkdir");
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).expect("chmod");
    if fs::create_dir(ro.join("probe")).is_ok() {
        // Root ignores the mode; `out_unwritable_parent_proc` covers this case for root.
        eprintln!("skipped: a 0o555 folder is still writable (running as root?)");
        return;
    }
    refused(
        dir.path(),
        &run_args(&["--out", "ro/out"]),
        2,
        "error: output folder ro/out: cannot create folders in",
        &[],
    );
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).expect("chmod back");
}

#[test]
fn out_is_the_current_folder() {
    out_refused(".", "error: output folder .: name a folder of its own");
}

#[test]
fn out_is_the_parent_folder() {
    out_refused("..", "error: output folder ..: name a folder of its own");
}

#[test]
fn out_is_the_root() {
    out_refused("/", "error: output folder /: name a folder of its own");
}

#[test]
fn out_holds_a_file_plansim_did_not_write() {
    let dir = with_config(BASE);
    fs::create_dir(dir.path().join("out")).expect("mkdir");
    fs::write(dir.path().join("out/notes.txt"), "keep me\n").expect("write");
    refused(
        dir.path(),
        &run_args(&["--out", "out"]),
        2,
        "error: output folder out holds \"notes.txt\", which plansim did not write; refusing",
        &[],
    );
    let kept = fs::read_to_string(dir.path().join("out/notes.txt")).unwrap();
    assert_eq!(kept, "keep me\n");
}

#[test]
fn default_output_folder_is_a_file() {
    let dir = with_config(BASE);
    fs::write(dir.path().join("output"), "precious\n").expect("write");
    refused(
        dir.path(),
        &run_args(&[]),
        2,
        "error: output",
        &["not a folder"],
    );
}

#[test]
fn out_is_a_dangling_symlink() {
    let dir = with_config(BASE);
    std::os::unix::fs::symlink("nowhere", dir.path().join("dl")).expect("symlink");
    refused(
        dir.path(),
        &run_args(&["--out", "dl"]),
        2,
        "error: output path dl is a symbolic link",
        &[],
    );
}

#[test]
fn out_is_a_symlink_to_a_folder() {
    // Either refusing (exit 2, nothing changed) or writing through the link is acceptable;
    // leaving the renamed link behind or losing the target's files is not.
    let dir = with_config(BASE);
    let first = plansim(dir.path(), &run_args(&["--out", "real"]));
    assert_eq!(first.code, Some(0), "{}", first.describe());
    std::os::unix::fs::symlink("real", dir.path().join("ln")).expect("symlink");
    let run = plansim(dir.path(), &run_args(&["--out", "ln"]));
    let ctx = run.describe();
    let entries = tree(dir.path());
    assert!(
        !entries.iter().any(|e| e.contains(".plansim-")),
        "leftovers {entries:?}; {ctx}"
    );
    let link = fs::symlink_metadata(dir.path().join("ln")).expect("ln");
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced; {ctx}"
    );
    assert!(run.code == Some(0) || run.code == Some(2), "{ctx}");
    assert_eq!(tree(&dir.path().join("real")), OUTPUTS, "{ctx}");
}

// ---------------------------------------------------------------------------------------------
// The config file itself.
// ---------------------------------------------------------------------------------------------

/// Asserts that both `check` and `run` refuse `config` with exit 2 and `prefix`.
fn config_file_refused(dir: &Path, config: &str, prefix: &str, words: &[&str]) {
    refused(dir, &["check", config], 2, prefix, words);
    let run = ["run", config, "--quiet", "--threads", "2"];
    refused(
        dir,
        &[&run[..], &["--out", "out"]].concat(),
        2,
        prefix,
        words,
    );
    refused(dir, &run, 2, prefix, words);
}

#[test]
fn config_is_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    config_file_refused(
        dir.path(),
        "missing.toml",
        "error: missing.toml:1:1: no such file",
        &[],
    );
}

#[test]
fn config_is_a_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join(CONFIG)).expect("mkdir");
    let prefix = format!("error: {CONFIG}:1:1: is a directory");
    config_file_refused(dir.path(), CONFIG, &prefix, &[]);
}

#[test]
fn config_is_binary_garbage() {
    // Bytes that are not UTF-8 from the first byte on, then pseudo-random bytes.
    let mut bytes = vec![0xff, 0xfe, 0x00, 0x89, b'P', b'N', b'G'];
    let mut x: u32 = 12345;
    bytes.extend((0..4096).map(|_| {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        (x >> 16) as u8
    }));
    let dir = with_config(&bytes);
    let prefix = format!("error: {CONFIG}:1:1: not UTF-8");
    config_file_refused(dir.path(), CONFIG, &prefix, &[]);
    assert_eq!(fs::read(dir.path().join(CONFIG)).unwrap(), bytes);
}

#[test]
fn config_is_nul_bytes() {
    let dir = with_config(vec![0u8; 1000]);
    let prefix = format!("error: {CONFIG}:1:");
    config_file_refused(dir.path(), CONFIG, &prefix, &["malformed TOML"]);
}

#[test]
fn config_is_deeply_nested() {
    let depth = 100_000;
    let text = format!("{BASE}x = {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let dir = with_config(&text);
    let line = BASE.lines().count() + 1;
    let prefix = format!("error: {CONFIG}:{line}:");
    config_file_refused(
        dir.path(),
        CONFIG,
        &prefix,
        &["malformed TOML", "recursion"],
    );
}

#[test]
fn config_of_100_mb() {
    // A valid scenario followed by a 100 MB comment line.
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let file = fs::File::create(dir.path().join(CONFIG)).expect("create");
        let mut w = std::io::BufWriter::new(file);
        w.write_all(BASE.as_bytes()).unwrap();
        w.write_all(b"#").unwrap();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..100 {
            w.write_all(&chunk).unwrap();
        }
        w.write_all(b"\n").unwrap();
        w.flush().unwrap();
    }
    let prefix = format!("error: {CONFIG}:1:1: the file is larger than 10 MB");
    config_file_refused(dir.path(), CONFIG, &prefix, &[]);
}

#[test]
fn config_is_dev_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    let prefix = "error: /dev/zero:1:1: the file is larger than 10 MB";
    config_file_refused(dir.path(), "/dev/zero", prefix, &[]);
}

#[test]
fn config_is_empty() {
    let dir = with_config("");
    let prefix = format!("error: {CONFIG}:1:1: name: missing required field `name`");
    config_file_refused(dir.path(), CONFIG, &prefix, &[]);
}

// ---------------------------------------------------------------------------------------------
// Overflow: values each in range whose products leave f64 range. Exit 2 naming the config and
// the plan (README, Limits), one line, nothing written.
// ---------------------------------------------------------------------------------------------

/// Demand that grows a thousandfold a month for 120 months: beyond f64 range.
fn overflowing() -> String {
    edit(
        BASE,
        &[
            ("monthly_churn = 0.05", "monthly_growth = 1000".into()),
            ("months = 2", "months = 120".into()),
        ],
    )
}

/// The refusal of [`overflowing`].
const OVERFLOW: &str =
    "error: scenario.toml: plan api: totals overflowed (values beyond the range of f64)";

#[test]
fn overflowing_growth_is_refused_and_writes_nothing() {
    let dir = with_config(overflowing());
    refused(
        dir.path(),
        &run_args(&["--out", "out"]),
        2,
        OVERFLOW,
        &["scale them down"],
    );
}

#[test]
fn overflowing_growth_leaves_no_default_output_folder() {
    let dir = with_config(overflowing());
    refused(
        dir.path(),
        &run_args(&[]),
        2,
        OVERFLOW,
        &["scale them down"],
    );
}

// ---------------------------------------------------------------------------------------------
// Heavy tails: infinite or barely finite means run without inf/NaN, and `check` warns.
// ---------------------------------------------------------------------------------------------

#[test]
fn heavy_tails_run_without_nan_or_inf() {
    let dir = with_config(HEAVY);
    let run = plansim(dir.path(), &run_args(&["--out", "out"]));
    let ctx = run.describe();
    assert_eq!(run.code, Some(0), "{ctx}");
    assert!(run.stderr.is_empty(), "{ctx}");
    let bad = non_finite(&run.stdout);
    assert!(bad.is_empty(), "non-finite values {bad:?} on stdout; {ctx}");
    assert_eq!(tree(&dir.path().join("out")), OUTPUTS);
    for name in OUTPUTS {
        let body = fs::read_to_string(dir.path().join("out").join(name)).expect("output");
        let bad = non_finite(&body);
        assert!(bad.is_empty(), "{name} holds non-finite values {bad:?}");
        for word in ["NaN", "Infinity"] {
            assert!(!body.contains(word), "{name} holds {word}");
        }
    }
    // Every plan has a finite profit in every trial.
    let trials = fs::read_to_string(dir.path().join("out/trials.csv")).unwrap();
    assert_eq!(trials.lines().count(), 1 + 20 * 4, "{trials}");
}

/// `plansim check` on `text`: exit 0, and its `warning:` lines.
fn check_warnings(text: &str) -> Vec<String> {
    let dir = with_config(text);
    let run = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert_eq!(tree(dir.path()), [CONFIG], "check wrote files");
    format!("{}{}", run.stdout, run.stderr)
        .lines()
        .filter(|l| l.contains("warning:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn heavy_tails_check_warns_the_mean_does_not_converge() {
    let warnings = check_warnings(HEAVY);
    let has = |seg: &str, what: &str| {
        warnings
            .iter()
            .any(|w| w.starts_with("warning: ") && w.contains(seg) && w.contains(what))
    };
    assert!(has("pareto", "no finite mean"), "{warnings:#?}");
    assert!(has("lognormal", "sigma >= 4"), "{warnings:#?}");
}

#[test]
fn pareto_alpha_exactly_one_warns() {
    let text = edit(HEAVY, &[("alpha = 0.3", "alpha = 1".into())]);
    let warnings = check_warnings(&text);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("pareto") && w.contains("no finite mean")),
        "{warnings:#?}"
    );
}

#[test]
fn lognormal_sigma_exactly_four_warns() {
    let text = edit(HEAVY, &[("sigma = 8", "sigma = 4".into())]);
    let warnings = check_warnings(&text);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("lognormal") && w.contains("sigma >= 4")),
        "{warnings:#?}"
    );
}

#[test]
fn control_finite_tails_do_not_warn() {
    // alpha just above 1 has a finite mean; a ceiling bounds alpha < 1; sigma just below 4.
    for (alpha, sigma) in [
        ("alpha = 1.0001", "sigma = 3.99"),
        ("alpha = 0.3, ceiling = 1e12", "sigma = 1"),
    ] {
        let text = edit(
            HEAVY,
            &[("alpha = 0.3", alpha.into()), ("sigma = 8", sigma.into())],
        );
        let warnings = check_warnings(&text);
        assert!(warnings.is_empty(), "{alpha}, {sigma}: {warnings:#?}");
    }
}

#[test]
fn lognormal_sigma_from_percentiles_warns() {
    let text = edit(
        HEAVY,
        &[(
            "median = 1000000, sigma = 8",
            "median = 1, p99 = 100000".into(),
        )],
    );
    let warnings = check_warnings(&text);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("lognormal") && w.contains("sigma >= 4")),
        "{warnings:#?}"
    );
}
