//! End-to-end tests of how the `plansim` binary refuses bad input.
//!
//! Every bad case runs the real binary in a fresh temporary folder holding only the scenario
//! file, and checks the contract: exit code 2, one clear line on stderr of the form
//! `error: FILE:LINE:COL: FIELD.PATH: message` for config problems, nothing on stdout, and no
//! output files or folders created (the `--out` folder must not exist afterwards and the
//! temporary folder must hold nothing but the config).
//!
//! Each bad config differs from [`BASE`], a small valid scenario, in one place; the expected
//! line and column are computed from the edited text, so the cases stay right if [`BASE`]
//! changes.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_plansim");

/// File name of the scenario inside each temporary folder (errors name it as given).
const CONFIG: &str = "scenario.toml";

/// Everything a successful run writes, sorted.
const OUTPUTS: [&str; 6] = [
    "deciles.csv",
    "monthly.csv",
    "run.json",
    "segments.csv",
    "summary.csv",
    "trials.csv",
];

/// A minimal valid scenario touching every section the bad cases edit: two segments (one with
/// a lognormal per-user distribution), and one plan of each kind, the credit plan with a
/// top-up. Tiny sizes keep runs instant.
const BASE: &str = r#"name = "base"

[simulation]
trials = 2
users = 10
months = 1
seed = 1

[retail]
input = 5.0
output = 25.0

[cost]
input = 0.5
output = 2.5

[[segment]]
name = "casual"
share = 0.6
output_tokens = { dist = "lognormal", median = 100000, p99 = 1000000 }
input_per_output = 20
cache_read_share = 0.5
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
price = 20
credits = 2000
burn = { input = 500, output = 2500 }
top_up = { price = 10, credits = 1000, probability = 0.3 }

[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 20
included = 20
"#;

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// [`BASE`] with each `(from, to)` applied; every `from` must occur exactly once, so each edit
/// touches one place.
fn edited(edits: &[(&str, &str)]) -> String {
    try_edited(edits).unwrap_or_else(|e| panic!("{e}"))
}

/// [`edited`], reporting a bad edit instead of panicking.
fn try_edited(edits: &[(&str, &str)]) -> Result<String, String> {
    let mut text = BASE.to_string();
    for (from, to) in edits {
        let n = text.matches(from).count();
        if n != 1 {
            return Err(format!(
                "test setup: edit target {from:?} occurs {n} times, expected once"
            ));
        }
        text = text.replacen(from, to, 1);
    }
    Ok(text)
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Where an error should point.
#[derive(Clone, Copy, Debug)]
enum Loc<'a> {
    /// The start of this text, which occurs exactly once in the config.
    At(&'a str),
    /// The first occurrence of the second text inside the first, which occurs exactly once.
    Within(&'a str, &'a str),
    /// An explicit line and column.
    LineCol(usize, usize),
}

impl Loc<'_> {
    fn resolve(self, text: &str) -> Result<(usize, usize), String> {
        let (needle, sub) = match self {
            Loc::At(n) => (n, n),
            Loc::Within(n, s) => (n, s),
            Loc::LineCol(l, c) => return Ok((l, c)),
        };
        let n = text.matches(needle).count();
        if n != 1 {
            return Err(format!(
                "test setup: location text {needle:?} occurs {n} times, expected once"
            ));
        }
        let start = text.find(needle).expect("counted above");
        let inner = needle
            .find(sub)
            .ok_or_else(|| format!("test setup: {sub:?} is not inside {needle:?}"))?;
        Ok(line_col(text, start + inner))
    }
}

/// Runs plansim with `dir` as the working directory.
fn plansim(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("cannot start the plansim binary")
}

/// A temporary folder holding only `text` as [`CONFIG`].
fn scenario_dir(text: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join(CONFIG), text).expect("write config");
    dir
}

/// Sorted names of the entries of a folder (hidden ones included).
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Exit code, stdout and stderr, for failure messages.
fn describe(out: &Output) -> String {
    format!(
        "exit code {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Checks an invocation that must be refused: exit 2, nothing on stdout, exactly one line on
/// stderr starting with `prefix` and containing every word, no panic.
fn check_refusal(out: &Output, prefix: &str, words: &[&str]) -> Result<(), String> {
    let err = stderr(out);
    if out.status.code() != Some(2) {
        return Err(format!("expected exit code 2; {}", describe(out)));
    }
    if err.contains("panicked") {
        return Err(format!("plansim panicked; {}", describe(out)));
    }
    if !out.stdout.is_empty() {
        return Err(format!("expected nothing on stdout; {}", describe(out)));
    }
    if err.lines().count() != 1 {
        return Err(format!("expected one line on stderr; {}", describe(out)));
    }
    if !err.starts_with(prefix) {
        return Err(format!(
            "expected stderr to start with {prefix:?}; {}",
            describe(out)
        ));
    }
    for w in words {
        if !err.contains(w) {
            return Err(format!(
                "expected stderr to contain {w:?}; {}",
                describe(out)
            ));
        }
    }
    Ok(())
}

/// Checks that `dir` holds exactly `expected` (sorted) and no `out` folder.
fn check_untouched(dir: &Path, expected: &[&str]) -> Result<(), String> {
    if dir.join("out").exists() {
        return Err("the --out folder `out` was created".into());
    }
    let found = entries(dir);
    if found != expected {
        return Err(format!(
            "the folder should hold only {expected:?} but holds {found:?}"
        ));
    }
    Ok(())
}

/// Writes `text` as the config and checks that both `plansim check` and `plansim run` refuse
/// it with exit code 2 and `error: scenario.toml:LINE:COL: PATH: ...` (PATH omitted when
/// empty) containing every word, and write nothing.
fn try_config_error(text: &str, at: Loc<'_>, path: &str, words: &[&str]) -> Result<(), String> {
    let (line, col) = at.resolve(text)?;
    let prefix = if path.is_empty() {
        format!("error: {CONFIG}:{line}:{col}: ")
    } else {
        format!("error: {CONFIG}:{line}:{col}: {path}: ")
    };
    let dir = scenario_dir(text);
    let commands: [&[&str]; 2] = [
        &["check", CONFIG],
        &["run", CONFIG, "--quiet", "--out", "out"],
    ];
    for args in commands {
        let out = plansim(dir.path(), args);
        check_refusal(&out, &prefix, words)
            .and_then(|()| check_untouched(dir.path(), &[CONFIG]))
            .map_err(|e| format!("`plansim {}`: {e}", args.join(" ")))?;
    }
    Ok(())
}

/// One bad config: [`BASE`] with `edits`, refused at `at` with field `path` and `words`.
struct Case {
    label: &'static str,
    edits: &'static [(&'static str, &'static str)],
    at: Loc<'static>,
    path: &'static str,
    words: &'static [&'static str],
}

/// Runs every case and fails with the label and reason of each one that failed.
fn run_cases(cases: &[Case]) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let text = match try_edited(c.edits) {
                Ok(text) => text,
                Err(e) => return Some(format!("case `{}` failed: {e}", c.label)),
            };
            try_config_error(&text, c.at, c.path, c.words)
                .err()
                .map(|e| format!("case `{}` failed: {e}\n--- config ---\n{text}", c.label))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Runs plansim in a folder holding [`BASE`] and checks that it is refused with exit code 2,
/// a stderr line starting with `prefix` and containing `words`, and nothing written.
fn expect_usage_error(label: &str, args: &[&str], prefix: &str, words: &[&str]) {
    let dir = scenario_dir(BASE);
    let out = plansim(dir.path(), args);
    if let Err(e) =
        check_refusal(&out, prefix, words).and_then(|()| check_untouched(dir.path(), &[CONFIG]))
    {
        panic!("case `{label}` (plansim {}): {e}", args.join(" "));
    }
}

// ---------------------------------------------------------------------------------------------
// Positive controls: the suite can fail, and the base config is valid.
// ---------------------------------------------------------------------------------------------

#[test]
fn base_config_passes_check() {
    let dir = scenario_dir(BASE);
    let out = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("valid"), "{}", describe(&out));
    assert_eq!(entries(dir.path()), [CONFIG]);
}

#[test]
fn base_config_runs_and_writes_the_output_set() {
    let dir = scenario_dir(BASE);
    let out = plansim(dir.path(), &["run", CONFIG, "--quiet", "--out", "o"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert_eq!(entries(&dir.path().join("o")), OUTPUTS);
    assert_eq!(entries(dir.path()), ["o", CONFIG]);
}

/// configs/minimal.toml, copied into a temporary folder.
fn minimal_dir() -> TempDir {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("configs/minimal.toml");
    let text = fs::read_to_string(&src).expect("read configs/minimal.toml");
    scenario_dir(&text)
}

#[test]
fn minimal_config_runs_and_writes_exactly_the_six_outputs() {
    let dir = minimal_dir();
    let out_dir = dir.path().join("o");
    let out_arg = out_dir.to_str().expect("utf-8 temp path");
    let out = plansim(
        dir.path(),
        &[
            "run", CONFIG, "--trials", "3", "--users", "50", "--quiet", "--out", out_arg,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(out.stderr.is_empty(), "{}", describe(&out));
    assert_eq!(entries(&out_dir), OUTPUTS);
    assert_eq!(entries(dir.path()), ["o", CONFIG]);
    for name in OUTPUTS {
        let len = fs::metadata(out_dir.join(name)).expect("output file").len();
        assert!(len > 0, "{name} is empty");
    }
}

#[test]
fn running_twice_into_the_same_out_replaces_the_set_without_leftovers() {
    let dir = minimal_dir();
    let out_dir = dir.path().join("o");
    let out_arg = out_dir.to_str().expect("utf-8 temp path");
    let run = |trials: &str| {
        let out = plansim(
            dir.path(),
            &[
                "run", CONFIG, "--trials", trials, "--users", "50", "--quiet", "--out", out_arg,
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        assert_eq!(entries(&out_dir), OUTPUTS);
        assert_eq!(entries(dir.path()), ["o", CONFIG], "leftover temp folders");
        let run_json = fs::read_to_string(out_dir.join("run.json")).expect("run.json");
        let trials_rows = fs::read_to_string(out_dir.join("trials.csv"))
            .expect("trials.csv")
            .lines()
            .count();
        (run_json, trials_rows)
    };
    let (first_json, first_rows) = run("3");
    let (second_json, second_rows) = run("4");
    assert!(first_json.contains("\"trials\": 3,"), "{first_json}");
    assert!(
        second_json.contains("\"trials\": 4,"),
        "run.json not replaced: {second_json}"
    );
    assert!(
        second_rows > first_rows,
        "trials.csv not replaced: {first_rows} rows, then {second_rows}"
    );
}

#[test]
fn help_exits_zero() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [
        &["--help"][..],
        &["run", "--help"][..],
        &["check", "--help"][..],
    ] {
        let out = plansim(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", describe(&out));
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("Usage"), "{args:?}: {}", describe(&out));
    }
    assert!(entries(dir.path()).is_empty());
}

#[test]
fn unknown_flag_and_missing_subcommand_exit_two() {
    let dir = scenario_dir(BASE);
    for args in [
        &["run", CONFIG, "--bogus"][..],
        &["--bogus"][..],
        &["check", CONFIG, "--out", "out"][..],
        &[][..],
        &["simulate", CONFIG][..],
        &["run", CONFIG, "--trials", "many"][..],
        &["run", CONFIG, "--trials", "-1"][..],
    ] {
        let out = plansim(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", describe(&out));
        assert!(out.stdout.is_empty(), "{args:?}: {}", describe(&out));
        assert!(!out.stderr.is_empty(), "{args:?}: {}", describe(&out));
        assert_eq!(entries(dir.path()), [CONFIG], "{args:?} wrote files");
    }
    let out = plansim(dir.path(), &["run", CONFIG, "--bogus"]);
    assert!(stderr(&out).contains("--bogus"), "{}", describe(&out));
}

// ---------------------------------------------------------------------------------------------
// Config errors, one class per test.
// ---------------------------------------------------------------------------------------------

#[test]
fn malformed_toml() {
    run_cases(&[
        Case {
            label: "extra equals sign",
            edits: &[("trials = 2", "trials = = 2")],
            at: Loc::Within("trials = = 2", "= 2"),
            path: "",
            words: &["malformed TOML"],
        },
        Case {
            label: "unclosed table header",
            edits: &[("[retail]", "[retail")],
            at: Loc::Within("[retail\ninput", "\n"),
            path: "",
            words: &["malformed TOML", "unclosed table"],
        },
        Case {
            label: "unterminated string",
            edits: &[("name = \"base\"", "name = \"base")],
            at: Loc::Within("name = \"base\n", "\n"),
            path: "",
            words: &["malformed TOML", "string"],
        },
        Case {
            label: "duplicate key",
            edits: &[("seed = 1", "seed = 1\nseed = 2")],
            at: Loc::At("seed = 2"),
            path: "",
            words: &["malformed TOML", "duplicate key"],
        },
    ]);
}

#[test]
fn unknown_fields() {
    run_cases(&[
        Case {
            label: "top level, close to `description`",
            edits: &[("name = \"base\"", "name = \"base\"\ndescripton = \"x\"")],
            at: Loc::At("descripton"),
            path: "descripton",
            words: &["unknown field `descripton`", "did you mean `description`?"],
        },
        Case {
            label: "top level, not close to anything",
            edits: &[("name = \"base\"", "name = \"base\"\ncolour = \"red\"")],
            at: Loc::At("colour"),
            path: "colour",
            words: &[
                "unknown field `colour`",
                "expected one of: name, description, simulation, retail, cost, segment, plan",
            ],
        },
        Case {
            label: "top-level table header typo",
            edits: &[("[retail]", "[retial]")],
            at: Loc::At("retial"),
            path: "retial",
            words: &["unknown field `retial`", "did you mean `retail`?"],
        },
        Case {
            label: "[simulation], close",
            edits: &[("trials = 2", "trails = 2")],
            at: Loc::At("trails"),
            path: "simulation.trails",
            words: &["unknown field `trails`", "did you mean `trials`?"],
        },
        Case {
            label: "[simulation], not close",
            edits: &[("seed = 1", "seed = 1\nthreads = 4")],
            at: Loc::At("threads"),
            path: "simulation.threads",
            words: &["expected one of: trials, users, months, seed"],
        },
        Case {
            label: "[retail], close",
            edits: &[("output = 25.0", "ouput = 25.0")],
            at: Loc::At("ouput"),
            path: "retail.ouput",
            words: &["unknown field `ouput`", "did you mean `output`?"],
        },
        Case {
            label: "segment, close (deletion)",
            edits: &[("share = 0.6", "shar = 0.6")],
            at: Loc::At("shar "),
            path: "segment.casual.shar",
            words: &["unknown field `shar`", "did you mean `share`?"],
        },
        Case {
            label: "segment, close (long name)",
            edits: &[("monthly_churn = 0.05", "monthly_chrun = 0.05")],
            at: Loc::At("monthly_chrun"),
            path: "segment.casual.monthly_chrun",
            words: &["did you mean `monthly_churn`?"],
        },
        Case {
            label: "segment, not close",
            edits: &[("share = 0.6", "share = 0.6\nregion = \"eu\"")],
            at: Loc::At("region"),
            path: "segment.casual.region",
            words: &[
                "unknown field `region`",
                "expected one of: name, share, output_tokens",
            ],
        },
        Case {
            label: "plan, close",
            edits: &[("cap = 100", "caps = 100")],
            at: Loc::At("caps"),
            path: "plan.max.caps",
            words: &["unknown field `caps`", "did you mean `cap`?"],
        },
        Case {
            label: "plan, not close",
            edits: &[("cap = 100", "cap = 100\ndiscount = 0.1")],
            at: Loc::At("discount"),
            path: "plan.max.discount",
            words: &["expected one of: name, kind, usage_response, price, cap"],
        },
        Case {
            label: "plan, a field of another plan kind",
            edits: &[("cap = 100", "cap = 100\nbase_fee = 5")],
            at: Loc::At("base_fee = 5"),
            path: "plan.max.base_fee",
            words: &["unknown field `base_fee`", "expected one of:"],
        },
        Case {
            label: "distribution table, close",
            edits: &[("median = 100000,", "medain = 100000,")],
            at: Loc::At("medain"),
            path: "segment.casual.output_tokens.medain",
            words: &["unknown field `medain`", "did you mean `median`?"],
        },
        Case {
            label: "distribution table, not close",
            edits: &[("median = 100000,", "xyzzy = 100000,")],
            at: Loc::At("xyzzy"),
            path: "segment.casual.output_tokens.xyzzy",
            words: &[
                "unknown field `xyzzy`",
                "expected one of: mu, sigma, median",
            ],
        },
        Case {
            label: "credit top_up table, close",
            edits: &[("probability = 0.3", "probabilty = 0.3")],
            at: Loc::At("probabilty"),
            path: "plan.credits.top_up.probabilty",
            words: &["did you mean `probability`?"],
        },
    ]);
}

#[test]
fn unknown_segment_field_sahre_suggests_share() {
    run_cases(&[
        Case {
            label: "segment `sahre`",
            edits: &[("share = 0.6", "sahre = 0.6")],
            at: Loc::At("sahre"),
            path: "segment.casual.sahre",
            words: &["unknown field `sahre`", "did you mean `share`?"],
        },
        Case {
            label: "plan `cpa`",
            edits: &[("cap = 100", "cpa = 100")],
            at: Loc::At("cpa"),
            path: "plan.max.cpa",
            words: &["unknown field `cpa`", "did you mean `cap`?"],
        },
    ]);
}

#[test]
fn wrong_types() {
    run_cases(&[
        Case {
            label: "string where a number is expected",
            edits: &[("price = 20\ncap", "price = \"20\"\ncap")],
            at: Loc::At("\"20\""),
            path: "plan.max.price",
            words: &["expected a number", "found a string"],
        },
        Case {
            label: "table where a string is expected",
            edits: &[("name = \"max\"", "name = { a = 1 }")],
            at: Loc::At("{ a = 1 }"),
            path: "plan[1].name",
            words: &["expected a string, found a table"],
        },
        Case {
            label: "integer where a string is expected",
            edits: &[("name = \"base\"", "name = 5")],
            at: Loc::Within("name = 5", "5"),
            path: "name",
            words: &["expected a string, found an integer"],
        },
        Case {
            label: "string where a count is expected",
            edits: &[("trials = 2", "trials = \"2\"")],
            at: Loc::At("\"2\""),
            path: "simulation.trials",
            words: &["expected an integer, found a string"],
        },
        Case {
            label: "fraction where a count is expected",
            edits: &[("trials = 2", "trials = 1.5")],
            at: Loc::At("1.5"),
            path: "simulation.trials",
            words: &["expected a whole number", "1.5"],
        },
        Case {
            label: "boolean where a count is expected",
            edits: &[("seed = 1", "seed = true")],
            at: Loc::At("true"),
            path: "simulation.seed",
            words: &["expected an integer, found a boolean"],
        },
        Case {
            label: "array where a number is expected",
            edits: &[("cache_read_share = 0.5", "cache_read_share = [0.5]")],
            at: Loc::At("[0.5]"),
            path: "segment.casual.cache_read_share",
            words: &["found an array"],
        },
        Case {
            label: "string where a table is expected",
            edits: &[("burn = { input = 500, output = 2500 }", "burn = \"x\"")],
            at: Loc::At("\"x\""),
            path: "plan.credits.burn",
            words: &["expected a table, found a string"],
        },
        Case {
            label: "integer plan kind",
            edits: &[("kind = \"payg\"", "kind = 3")],
            at: Loc::Within("kind = 3", "3"),
            path: "plan[0].kind",
            words: &["expected a string, found an integer"],
        },
        Case {
            label: "distribution where only a fixed share is allowed",
            edits: &[(
                "share = 0.4",
                "share = { dist = \"uniform\", min = 0.3, max = 0.5 }",
            )],
            at: Loc::At("{ dist = \"uniform\""),
            path: "segment.power.share",
            words: &["fixed number, not a distribution"],
        },
    ]);
}

#[test]
fn missing_required_fields() {
    run_cases(&[
        Case {
            label: "[retail] output",
            edits: &[("output = 25.0\n", "")],
            at: Loc::At("[retail]"),
            path: "retail.output",
            words: &["missing required field `output`"],
        },
        Case {
            label: "segment output_tokens",
            edits: &[("output_tokens = 500000\n", "")],
            at: Loc::At("[[segment]]\nname = \"power\""),
            path: "segment.power.output_tokens",
            words: &["missing required field `output_tokens`"],
        },
        Case {
            label: "flat price",
            edits: &[("price = 20\ncap", "cap")],
            at: Loc::At("[[plan]]\nname = \"max\""),
            path: "plan.max.price",
            words: &["missing required field `price`"],
        },
        Case {
            label: "credit burn",
            edits: &[("burn = { input = 500, output = 2500 }\n", "")],
            at: Loc::At("[[plan]]\nname = \"credits\""),
            path: "plan.credits.burn",
            words: &["missing required field `burn`"],
        },
        Case {
            label: "plan kind",
            edits: &[("kind = \"payg\"\n", "")],
            at: Loc::At("[[plan]]\nname = \"api\""),
            path: "plan[0].kind",
            words: &["missing required field `kind`"],
        },
        Case {
            label: "scenario name",
            edits: &[("name = \"base\"\n", "")],
            at: Loc::LineCol(1, 1),
            path: "name",
            words: &["missing required field `name`"],
        },
        Case {
            label: "[cost] section",
            edits: &[("[cost]\ninput = 0.5\noutput = 2.5\n", "")],
            at: Loc::LineCol(1, 1),
            path: "cost",
            words: &["missing required field `cost`"],
        },
        Case {
            label: "lognormal with one parameter",
            edits: &[("median = 100000, p99 = 1000000", "median = 100000")],
            at: Loc::At("{ dist = \"lognormal\""),
            path: "segment.casual.output_tokens",
            words: &["lognormal takes exactly one of", "found {median}"],
        },
        Case {
            label: "distribution table without `dist`",
            edits: &[("dist = \"lognormal\", ", "")],
            at: Loc::At("{ median"),
            path: "segment.casual.output_tokens",
            words: &["needs `dist = \"...\"`"],
        },
    ]);
}

#[test]
fn out_of_range_values() {
    run_cases(&[
        Case {
            label: "negative price",
            edits: &[("price = 20\ncap", "price = -5\ncap")],
            at: Loc::At("-5"),
            path: "plan.max.price",
            words: &["must be >= 0", "-5"],
        },
        Case {
            label: "negative cap",
            edits: &[("cap = 100", "cap = -1")],
            at: Loc::At("-1"),
            path: "plan.max.cap",
            words: &["must be >= 0"],
        },
        Case {
            label: "negative count",
            edits: &[("users = 10", "users = -3")],
            at: Loc::At("-3"),
            path: "simulation.users",
            words: &["whole number >= 0", "-3"],
        },
        Case {
            label: "monthly_churn above 1",
            edits: &[("monthly_churn = 0.05", "monthly_churn = 1.5")],
            at: Loc::At("1.5"),
            path: "segment.casual.monthly_churn",
            words: &["must be in [0, 1]", "1.5"],
        },
        Case {
            label: "top_up probability above 1",
            edits: &[("probability = 0.3", "probability = 1.2")],
            at: Loc::At("1.2"),
            path: "plan.credits.top_up.probability",
            words: &["must be in [0, 1]", "1.2"],
        },
        Case {
            label: "share above 1",
            edits: &[("share = 0.6", "share = 1.6")],
            at: Loc::At("1.6"),
            path: "segment.casual.share",
            words: &["must be in [0, 1]", "1.6"],
        },
        Case {
            label: "negative share",
            edits: &[("share = 0.6", "share = -0.1")],
            at: Loc::At("-0.1"),
            path: "segment.casual.share",
            words: &["must be in [0, 1]"],
        },
        Case {
            label: "shares not summing to 1",
            edits: &[("share = 0.4", "share = 0.3")],
            at: Loc::At("[[segment]]\nname = \"casual\""),
            path: "segment",
            words: &["shares must sum to 1", "0.8999"],
        },
        Case {
            label: "lognormal sigma = 0",
            edits: &[(
                "output_tokens = 500000",
                "output_tokens = { dist = \"lognormal\", median = 1000, sigma = 0 }",
            )],
            at: Loc::Within("sigma = 0 }", "0 }"),
            path: "segment.power.output_tokens.sigma",
            words: &["must be > 0"],
        },
        Case {
            label: "lognormal sigma < 0",
            edits: &[(
                "output_tokens = 500000",
                "output_tokens = { dist = \"lognormal\", median = 1000, sigma = -0.5 }",
            )],
            at: Loc::At("-0.5"),
            path: "segment.power.output_tokens.sigma",
            words: &["must be > 0", "-0.5"],
        },
        Case {
            label: "normal sd = 0",
            edits: &[(
                "output_tokens = 500000",
                "output_tokens = { dist = \"normal\", mean = 5, sd = 0, floor = 0 }",
            )],
            at: Loc::Within("sd = 0,", "0,"),
            path: "segment.power.output_tokens.sd",
            words: &["must be > 0"],
        },
        Case {
            label: "lognormal p99 below the median",
            edits: &[("p99 = 1000000", "p99 = 999")],
            at: Loc::At("999"),
            path: "segment.casual.output_tokens.p99",
            words: &["percentiles must increase", "median < p99"],
        },
        Case {
            label: "uniform min = max",
            edits: &[(
                "output_tokens = 500000",
                "output_tokens = { dist = \"uniform\", min = 5, max = 5 }",
            )],
            at: Loc::Within("max = 5 }", "5 }"),
            path: "segment.power.output_tokens.max",
            words: &["needs min < max"],
        },
        Case {
            label: "uniform min > max",
            edits: &[(
                "output_tokens = 500000",
                "output_tokens = { dist = \"uniform\", min = 7, max = 5 }",
            )],
            at: Loc::Within("max = 5 }", "5 }"),
            path: "segment.power.output_tokens.max",
            words: &["needs min < max", "min = 7"],
        },
        Case {
            label: "triangular mode above max",
            edits: &[(
                "output_tokens = 500000",
                "output_tokens = { dist = \"triangular\", min = 1, mode = 9, max = 5 }",
            )],
            at: Loc::Within("max = 5 }", "5 }"),
            path: "segment.power.output_tokens.max",
            words: &["needs mode <= max"],
        },
        Case {
            label: "triangular mode below min",
            edits: &[(
                "output_tokens = 500000",
                "output_tokens = { dist = \"triangular\", min = 5, mode = 1, max = 9 }",
            )],
            at: Loc::Within("mode = 1,", "1,"),
            path: "segment.power.output_tokens.mode",
            words: &["needs min <= mode"],
        },
        Case {
            label: "floor above ceiling",
            edits: &[(
                "output_tokens = 500000",
                "output_tokens = { dist = \"normal\", mean = 5, sd = 1, floor = 10, ceiling = 1 }",
            )],
            at: Loc::Within("ceiling = 1 }", "1 }"),
            path: "segment.power.output_tokens.ceiling",
            words: &["needs floor <= ceiling"],
        },
        Case {
            label: "zero probability above 1",
            edits: &[(
                "output_tokens = 500000",
                "output_tokens = { dist = \"exponential\", mean = 5, zero = 1.5 }",
            )],
            at: Loc::At("1.5"),
            path: "segment.power.output_tokens.zero",
            words: &["must be in [0, 1]"],
        },
        Case {
            label: "monthly_growth = -1",
            edits: &[("monthly_churn = 0.05", "monthly_growth = -1")],
            at: Loc::At("-1"),
            path: "segment.casual.monthly_growth",
            words: &["must be > -1"],
        },
        Case {
            label: "months above 1200",
            edits: &[("months = 1", "months = 5000")],
            at: Loc::Within("months = 5000", "5000"),
            path: "simulation.months",
            words: &["at most 1200"],
        },
    ]);
}

#[test]
fn distribution_support_outside_the_field_range() {
    run_cases(&[
        Case {
            label: "normal cache_read_share without floor/ceiling",
            edits: &[(
                "cache_read_share = 0.5",
                "cache_read_share = { dist = \"normal\", mean = 0.5, sd = 0.1 }",
            )],
            at: Loc::At("{ dist = \"normal\""),
            path: "segment.casual.cache_read_share",
            words: &["must be in [0, 1]", "add `floor = 0` and `ceiling = 1`"],
        },
        Case {
            label: "uniform cache_write_share reaching 1.5",
            edits: &[(
                "cache_read_share = 0.5",
                "cache_write_share = { dist = \"uniform\", min = 0.5, max = 1.5 }",
            )],
            at: Loc::At("{ dist = \"uniform\""),
            path: "segment.casual.cache_write_share",
            words: &["[0.5, 1.5]", "add `floor = 0` and `ceiling = 1`"],
        },
        Case {
            label: "normal output_tokens without floor",
            edits: &[(
                "output_tokens = 500000",
                "output_tokens = { dist = \"normal\", mean = 500000, sd = 1000 }",
            )],
            at: Loc::At("{ dist = \"normal\""),
            path: "segment.power.output_tokens",
            words: &["must be >= 0", "add `floor = 0`"],
        },
        Case {
            label: "drawn sigma that can be negative",
            edits: &[(
                "output_tokens = 500000",
                "output_tokens = { dist = \"lognormal\", median = 5, \
                 sigma = { dist = \"uniform\", min = -1, max = 1 } }",
            )],
            at: Loc::At("{ dist = \"uniform\""),
            path: "segment.power.output_tokens.sigma",
            words: &["must be > 0", "add a positive `floor`"],
        },
    ]);
}

#[test]
fn distribution_clamped_to_the_field_range_passes_check() {
    for (label, from, to) in [
        (
            "normal cache_read_share with floor = 0, ceiling = 1",
            "cache_read_share = 0.5",
            "cache_read_share = { dist = \"normal\", mean = 0.5, sd = 0.1, floor = 0, ceiling = 1 }",
        ),
        (
            "normal output_tokens with floor = 0",
            "output_tokens = 500000",
            "output_tokens = { dist = \"normal\", mean = 500000, sd = 1000, floor = 0 }",
        ),
    ] {
        let dir = scenario_dir(&edited(&[(from, to)]));
        let out = plansim(dir.path(), &["check", CONFIG]);
        assert_eq!(out.status.code(), Some(0), "{label}: {}", describe(&out));
        assert_eq!(entries(dir.path()), [CONFIG], "{label}");
    }
}

#[test]
fn nan_and_infinity() {
    run_cases(&[
        Case {
            label: "price = nan",
            edits: &[("price = 20\ncap", "price = nan\ncap")],
            at: Loc::At("nan"),
            path: "plan.max.price",
            words: &["must be a finite number", "NaN"],
        },
        Case {
            label: "price = -nan",
            edits: &[("price = 20\ncap", "price = -nan\ncap")],
            at: Loc::At("-nan"),
            path: "plan.max.price",
            words: &["must be a finite number"],
        },
        Case {
            label: "price = inf",
            edits: &[("price = 20\ncap", "price = inf\ncap")],
            at: Loc::At("inf"),
            path: "plan.max.price",
            words: &["must be a finite number", "inf"],
        },
        Case {
            label: "cost input = -inf",
            edits: &[("input = 0.5", "input = -inf")],
            at: Loc::At("-inf"),
            path: "cost.input",
            words: &["must be a finite number", "-inf"],
        },
        Case {
            label: "cost input = +inf",
            edits: &[("input = 0.5", "input = +inf")],
            at: Loc::At("+inf"),
            path: "cost.input",
            words: &["must be a finite number"],
        },
        Case {
            label: "distribution parameter = nan",
            edits: &[("median = 100000", "median = nan")],
            at: Loc::At("nan"),
            path: "segment.casual.output_tokens.median",
            words: &["must be a finite number"],
        },
        Case {
            label: "share = inf",
            edits: &[("share = 0.6", "share = inf")],
            at: Loc::At("inf"),
            path: "segment.casual.share",
            words: &["must be a finite number"],
        },
    ]);
}

#[test]
fn zero_trials_users_months_in_the_config() {
    run_cases(&[
        Case {
            label: "trials = 0",
            edits: &[("trials = 2", "trials = 0")],
            at: Loc::Within("trials = 0", "0"),
            path: "simulation.trials",
            words: &["trials must be at least 1"],
        },
        Case {
            label: "users = 0",
            edits: &[("users = 10", "users = 0")],
            at: Loc::Within("users = 0", "0"),
            path: "simulation.users",
            words: &["users must be at least 1"],
        },
        Case {
            label: "months = 0",
            edits: &[("months = 1", "months = 0")],
            at: Loc::Within("months = 0", "0"),
            path: "simulation.months",
            words: &["months must be at least 1"],
        },
    ]);
}

#[test]
fn zero_sizes_on_the_command_line() {
    for (flag, message) in [
        (
            "--trials",
            "error: scenario.toml: --trials 0: simulation.trials: trials must be at least 1",
        ),
        (
            "--users",
            "error: scenario.toml: --users 0: simulation.users: users must be at least 1",
        ),
        (
            "--months",
            "error: scenario.toml: --months 0: simulation.months: months must be at least 1",
        ),
        ("--threads", "error: --threads must be at least 1"),
    ] {
        expect_usage_error(
            flag,
            &["run", CONFIG, "--quiet", "--out", "out", flag, "0"],
            message,
            &[],
        );
    }
}

#[test]
fn sizes_too_large_are_refused_before_running() {
    expect_usage_error(
        "--users 1e11",
        &[
            "run",
            CONFIG,
            "--quiet",
            "--out",
            "out",
            "--users",
            "100000000000",
        ],
        "error: scenario.toml: --users 100000000000: simulation.users: users must be at most \
         100000000 per trial",
        &[],
    );
    expect_usage_error(
        "trials x users too large",
        &[
            "run",
            CONFIG,
            "--quiet",
            "--out",
            "out",
            "--trials",
            "1000000000",
            "--users",
            "1000000",
        ],
        "error: ",
        &["is too large"],
    );
}

#[test]
fn threads_zero_without_out_creates_nothing() {
    expect_usage_error(
        "--threads 0, default output folder",
        &["run", CONFIG, "--quiet", "--threads", "0"],
        "error: --threads must be at least 1",
        &[],
    );
    let dir = scenario_dir(BASE);
    let out = plansim(dir.path(), &["run", CONFIG, "--quiet", "--threads", "0"]);
    assert!(!dir.path().join("output").exists(), "{}", describe(&out));
}

#[test]
fn duplicate_names() {
    run_cases(&[
        Case {
            label: "duplicate plan name",
            edits: &[("name = \"max\"", "name = \"api\"")],
            at: Loc::Within("kind = \"payg\"\n\n[[plan]]\nname = \"api\"", "\"api\""),
            path: "plan[1].name",
            words: &["duplicate plan name `api`"],
        },
        Case {
            label: "duplicate segment name",
            edits: &[("name = \"power\"", "name = \"casual\"")],
            at: Loc::Within("[[segment]]\nname = \"casual\"\nshare = 0.4", "\"casual\""),
            path: "segment[1].name",
            words: &["duplicate segment name `casual`"],
        },
    ]);
}

#[test]
fn names_outside_the_allowed_pattern() {
    let long = "p".repeat(65);
    let bad_names = [
        "=cmd",
        "../x",
        "a b",
        "\u{441}asual", // Cyrillic es, looks like `casual`
        "",
        long.as_str(),
        "-lead",
        "x/y",
    ];
    let owners = [
        ("scenario", "name = \"base\"", "name"),
        ("segment", "name = \"casual\"", "segment[0].name"),
        ("plan", "name = \"max\"", "plan[1].name"),
    ];
    let mut failures = Vec::new();
    let mut count = 0;
    for (owner, from, path) in owners {
        for bad in bad_names {
            count += 1;
            let line = format!("name = {bad:?}");
            let text = edited(&[(from, &line)]);
            let quoted = format!("{bad:?}");
            // The line is not unique when the bad name is empty or repeated; locate it by the
            // text that follows, which is.
            let after = &BASE[BASE.find(from).expect("in base")..];
            let context: String = after.lines().take(2).collect::<Vec<_>>().join("\n");
            let context = context.replacen(from, &line, 1);
            let at = Loc::Within(&context, &quoted);
            if let Err(e) = try_config_error(&text, at, path, &["invalid name", &quoted]) {
                failures.push(format!("case `{owner} name {bad:?}` failed: {e}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn unknown_plan_kind_and_distribution() {
    run_cases(&[
        Case {
            label: "kind = flatt",
            edits: &[("kind = \"flat\"", "kind = \"flatt\"")],
            at: Loc::At("\"flatt\""),
            path: "plan[1].kind",
            words: &["unknown plan kind `flatt`", "did you mean `flat`?"],
        },
        Case {
            label: "kind far from any",
            edits: &[("kind = \"flat\"", "kind = \"subscription\"")],
            at: Loc::At("\"subscription\""),
            path: "plan[1].kind",
            words: &["expected one of: payg, flat, credit, hybrid"],
        },
        Case {
            label: "dist = lognorml",
            edits: &[("dist = \"lognormal\"", "dist = \"lognorml\"")],
            at: Loc::At("\"lognorml\""),
            path: "segment.casual.output_tokens.dist",
            words: &[
                "unknown distribution `lognorml`",
                "did you mean `lognormal`?",
            ],
        },
        Case {
            label: "dist far from any",
            edits: &[("dist = \"lognormal\"", "dist = \"zipf\"")],
            at: Loc::At("\"zipf\""),
            path: "segment.casual.output_tokens.dist",
            words: &[
                "unknown distribution `zipf`",
                "expected one of: uniform, normal",
            ],
        },
    ]);
}

// ---------------------------------------------------------------------------------------------
// The config path itself.
// ---------------------------------------------------------------------------------------------

#[test]
fn config_path_missing() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [
        &["check", "missing.toml"][..],
        &["run", "missing.toml", "--quiet", "--out", "out"][..],
    ] {
        let out = plansim(dir.path(), args);
        check_refusal(&out, "error: missing.toml:", &["no such file"])
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert!(entries(dir.path()).is_empty(), "{args:?} wrote files");
    }
    let abs = dir.path().join("nowhere/missing.toml");
    let abs = abs.to_str().expect("utf-8 temp path");
    let out = plansim(dir.path(), &["check", abs]);
    check_refusal(&out, &format!("error: {abs}:"), &["no such file"]).unwrap();
}

#[test]
fn config_path_is_a_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::create_dir(dir.path().join(CONFIG)).expect("mkdir");
    for args in [
        &["check", CONFIG][..],
        &["run", CONFIG, "--quiet", "--out", "out"][..],
    ] {
        let out = plansim(dir.path(), args);
        check_refusal(&out, &format!("error: {CONFIG}:"), &["is a directory"])
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        check_untouched(dir.path(), &[CONFIG]).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert!(entries(&dir.path().join(CONFIG)).is_empty());
    }
}

#[test]
fn config_is_a_binary_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bytes = b"name = \"base\"\n".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00, 0x01, 0x89, b'P', b'N', b'G']);
    fs::write(dir.path().join(CONFIG), &bytes).expect("write");
    for args in [
        &["check", CONFIG][..],
        &["run", CONFIG, "--quiet", "--out", "out"][..],
    ] {
        let out = plansim(dir.path(), args);
        check_refusal(&out, &format!("error: {CONFIG}:2:1: "), &["not UTF-8"])
            .and_then(|()| check_untouched(dir.path(), &[CONFIG]))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
    }
    assert_eq!(fs::read(dir.path().join(CONFIG)).expect("read"), bytes);
}

#[test]
fn config_is_empty() {
    let dir = scenario_dir("");
    let out = plansim(dir.path(), &["run", CONFIG, "--quiet", "--out", "out"]);
    check_refusal(
        &out,
        &format!("error: {CONFIG}:1:1: name: "),
        &["missing required field"],
    )
    .and_then(|()| check_untouched(dir.path(), &[CONFIG]))
    .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Output path problems: refused before running, nothing written, existing content untouched.
// ---------------------------------------------------------------------------------------------

#[test]
fn out_is_an_existing_regular_file() {
    let dir = scenario_dir(BASE);
    fs::write(dir.path().join("out"), "precious\n").expect("write");
    let out = plansim(dir.path(), &["run", CONFIG, "--quiet", "--out", "out"]);
    check_refusal(&out, "error: output path out ", &["not a folder"]).unwrap();
    assert_eq!(entries(dir.path()), ["out", CONFIG]);
    let kept = fs::read_to_string(dir.path().join("out")).expect("read");
    assert_eq!(kept, "precious\n");
}

#[test]
fn out_is_inside_a_missing_folder() {
    let dir = scenario_dir(BASE);
    let out = plansim(
        dir.path(),
        &["run", CONFIG, "--quiet", "--out", "missing/out"],
    );
    check_refusal(
        &out,
        "error: output folder missing/out",
        &["does not exist"],
    )
    .and_then(|()| check_untouched(dir.path(), &[CONFIG]))
    .unwrap();
}

#[test]
fn out_holds_a_file_plansim_did_not_write() {
    let dir = scenario_dir(BASE);
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).expect("mkdir");
    fs::write(out_dir.join("notes.txt"), "keep me\n").expect("write");
    let out = plansim(dir.path(), &["run", CONFIG, "--quiet", "--out", "out"]);
    check_refusal(
        &out,
        "error: output folder out ",
        &["notes.txt", "refusing"],
    )
    .unwrap();
    assert_eq!(
        entries(dir.path()),
        ["out", CONFIG],
        "temp folders left beside"
    );
    assert_eq!(entries(&out_dir), ["notes.txt"]);
    let kept = fs::read_to_string(out_dir.join("notes.txt")).expect("read");
    assert_eq!(kept, "keep me\n");
}

#[test]
fn out_holds_plansim_outputs_and_a_foreign_file() {
    // A previous run's outputs plus one foreign file: refused, and the old outputs kept.
    let dir = scenario_dir(BASE);
    let first = plansim(dir.path(), &["run", CONFIG, "--quiet", "--out", "out"]);
    assert_eq!(first.status.code(), Some(0), "{}", describe(&first));
    let out_dir = dir.path().join("out");
    let summary = fs::read_to_string(out_dir.join("summary.csv")).expect("summary");
    fs::write(out_dir.join("mine.xlsx"), "keep me\n").expect("write");
    let out = plansim(dir.path(), &["run", CONFIG, "--quiet", "--out", "out"]);
    check_refusal(&out, "error: output folder out ", &["mine.xlsx"]).unwrap();
    let mut expected: Vec<&str> = OUTPUTS.to_vec();
    expected.insert(1, "mine.xlsx");
    assert_eq!(entries(&out_dir), expected);
    assert_eq!(
        entries(dir.path()),
        ["out", CONFIG],
        "temp folders left beside"
    );
    assert_eq!(
        fs::read_to_string(out_dir.join("summary.csv")).expect("summary"),
        summary
    );
}

#[test]
fn out_holds_a_folder_named_like_an_output() {
    let dir = scenario_dir(BASE);
    let out_dir = dir.path().join("out");
    fs::create_dir_all(out_dir.join("summary.csv")).expect("mkdir");
    let out = plansim(dir.path(), &["run", CONFIG, "--quiet", "--out", "out"]);
    check_refusal(&out, "error: output folder out ", &["summary.csv"]).unwrap();
    assert_eq!(entries(dir.path()), ["out", CONFIG]);
    assert_eq!(entries(&out_dir), ["summary.csv"]);
    assert!(entries(&out_dir.join("summary.csv")).is_empty());
}

#[test]
fn out_is_the_current_folder() {
    let dir = scenario_dir(BASE);
    let cwd = dir.path().join("cwd");
    fs::create_dir(&cwd).expect("mkdir");
    let out = plansim(&cwd, &["run", "../scenario.toml", "--quiet", "--out", "."]);
    let code = out.status.code();
    assert!(
        code == Some(0) || code == Some(2),
        "expected success or a refusal with exit 2; {}",
        describe(&out)
    );
    if code == Some(0) {
        assert_eq!(entries(&cwd), OUTPUTS);
    } else {
        assert!(entries(&cwd).is_empty());
    }
    assert_eq!(entries(dir.path()), ["cwd", CONFIG]);
}

// ---------------------------------------------------------------------------------------------
// Configs that `check` accepts but `run` cannot use.
// ---------------------------------------------------------------------------------------------

#[test]
fn overflowing_distribution_parameters_are_config_errors() {
    let mut failures = Vec::new();
    for (label, dist) in [
        (
            "lognormal mean/sd",
            "output_tokens = { dist = \"lognormal\", mean = 1, sd = 1e200 }",
        ),
        (
            "gamma mean/sd",
            "output_tokens = { dist = \"gamma\", mean = 1e-300, sd = 1e300 }",
        ),
    ] {
        let text = edited(&[("output_tokens = 500000", dist)]);
        let (line, _) = Loc::At(dist).resolve(&text).unwrap();
        let dir = scenario_dir(&text);
        let commands: [&[&str]; 2] = [
            &["check", CONFIG],
            &["run", CONFIG, "--quiet", "--out", "out"],
        ];
        for args in commands {
            let out = plansim(dir.path(), args);
            if let Err(e) = check_refusal(
                &out,
                &format!("error: {CONFIG}:{line}:"),
                &["segment.power.output_tokens"],
            )
            .and_then(|()| check_untouched(dir.path(), &[CONFIG]))
            {
                failures.push(format!("case `{label}`, `plansim {}`: {e}", args.join(" ")));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn huge_finite_values_do_not_produce_nan_outputs() {
    let text = edited(&[("price = 20\ncap", "price = 1.7e308\ncap")]);
    let dir = scenario_dir(&text);
    let out = plansim(dir.path(), &["run", CONFIG, "--quiet", "--out", "out"]);
    match out.status.code() {
        Some(2) => check_refusal(&out, &format!("error: {CONFIG}:"), &["plan.max.price"])
            .and_then(|()| check_untouched(dir.path(), &[CONFIG]))
            .unwrap(),
        Some(0) => {
            for name in OUTPUTS.iter().filter(|n| n.ends_with(".csv")) {
                let body = fs::read_to_string(dir.path().join("out").join(name)).unwrap();
                let bad: Vec<&str> = body
                    .lines()
                    .flat_map(|l| l.split(','))
                    .filter(|cell| cell.parse::<f64>().is_ok_and(|x| !x.is_finite()))
                    .collect();
                assert!(
                    bad.is_empty(),
                    "{name} holds non-finite values {bad:?}:\n{body}"
                );
            }
        }
        _ => panic!("unexpected exit; {}", describe(&out)),
    }
}
