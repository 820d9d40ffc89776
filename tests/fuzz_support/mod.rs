//! Shared by the fuzz targets (`fuzz/fuzz_targets/`) and their regression test
//! (`tests/fuzz_regressions.rs`): what one input goes through, and the generator of
//! well-formed-but-wrong scenarios.
//!
//! [`exercise`] takes scenario text through parse and validate and, when it is accepted,
//! through `check`, a tiny run (sizes clamped), the summary and every exporter, asserting what
//! plansim promises: no panic; every line of a refusal names `file:line:column` inside the
//! text and holds no control character; an accepted scenario either runs to finite results or
//! fails with a message; outputs never hold NaN or inf; bills, fees and costs are never
//! negative. [`exercise_bytes`] does the same for raw
//! bytes; bytes that are not UTF-8 go through the file reader the binary uses, which must
//! refuse them at the first bad byte.
//!
//! [`scenario`] turns arbitrary bytes into a TOML scenario whose structure is mostly right and
//! whose values, names and fields are often wrong: edge numbers (0, -0, -1, 1e308, nan, inf,
//! huge integers), distributions with odd or missing parameters, mistyped fields, unknown
//! keys, hostile names. Every byte string gives some scenario, so libFuzzer's mutations reach
//! deep into validation and the engine.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};

use plansim::internals::{check_report_with, exporters};
use plansim::{Error, Report};

/// File name used in messages.
pub const FILE: &str = "fuzz.toml";

/// How far one input got through [`exercise`] (every stage it reached was checked).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Refused before validation succeeded (not UTF-8, malformed or invalid), with located
    /// messages, one a line.
    Refused,
    /// Accepted; the engine stopped with a message.
    EngineFailed,
    /// Accepted and run, but a total or statistic left f64 range: the binary refuses to write
    /// these.
    Overflowed,
    /// Accepted, run, summarised and written by every exporter.
    Written,
}

/// Runs raw bytes (a scenario file's contents) through [`exercise`]. Bytes that are not UTF-8
/// are written to a temporary file and read by [`plansim::load`], as the binary reads a
/// scenario: it must refuse them with a config error at the line and column of the first byte
/// that is not UTF-8.
pub fn exercise_bytes(data: &[u8]) -> Outcome {
    let bad = match std::str::from_utf8(data) {
        Ok(text) => return exercise(text),
        Err(e) => e.valid_up_to(),
    };
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "plansim-fuzz-{}-{}.toml",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, data).expect("write the input to a temporary file");
    let loaded = plansim::load(&path);
    std::fs::remove_file(&path).expect("remove the temporary file");
    let e = match loaded {
        Err(Error::Config(e)) => {
            assert_eq!(e.iter().count(), 1, "more than one problem: {e}");
            e.first().clone()
        }
        Err(other) => panic!("bytes that are not UTF-8 gave a non-config error: {other}"),
        Ok(_) => panic!("bytes that are not UTF-8 were accepted as a scenario"),
    };
    let before = std::str::from_utf8(&data[..bad]).expect("valid up to the first bad byte");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    assert_eq!(
        (e.line, e.column),
        (line, column),
        "not at the first byte that is not UTF-8 (byte {bad}): {e}"
    );
    assert!(e.message.contains("not UTF-8"), "message: {e}");
    let shown = e.to_string();
    let file = path.display().to_string();
    assert!(
        shown.starts_with(&format!("{file}:{line}:{column}: ")),
        "message does not start with file:line:col: {shown}"
    );
    assert!(!shown.contains('\n'), "multi-line message: {shown}");
    Outcome::Refused
}

/// Checks the form of a refusal, every line of it: each problem inside the text, with a
/// message, shown as `FILE:LINE:COLUMN: ...` on one line with no control character; the
/// problems shown one a line, each line after the first starting with `error: ` (the binary
/// starts the first), at most [`plansim::ConfigErrors::MAX`] of them, then a count of those not
/// shown, if any.
pub fn check_refusal(text: &str, errors: &plansim::ConfigErrors) {
    let lines = text.split('\n').count();
    let mut expected = Vec::new();
    for e in errors.iter() {
        assert!(
            e.line >= 1 && e.line <= lines && e.column >= 1,
            "error position {}:{} outside the text ({lines} lines): {e}",
            e.line,
            e.column
        );
        assert!(!e.message.trim().is_empty(), "empty message: {e:?}");
        let shown = e.to_string();
        assert!(
            shown.starts_with(&format!("{FILE}:{}:{}: ", e.line, e.column)),
            "message does not start with file:line:col: {shown}"
        );
        assert!(
            !shown.chars().any(char::is_control),
            "control character in a message: {shown:?}"
        );
        expected.push(shown);
    }
    assert!(
        expected.len() <= plansim::ConfigErrors::MAX + 1,
        "{} problems shown",
        expected.len()
    );
    if errors.not_shown() > 0 {
        expected.push(format!(
            "{FILE}: {} more missing required field{} not shown",
            errors.not_shown(),
            if errors.not_shown() == 1 { "" } else { "s" }
        ));
    }
    assert_eq!(
        errors.to_string(),
        expected.join("\nerror: "),
        "not one problem a line"
    );
}

/// Largest sizes of the tiny run.
const TRIALS: u64 = 3;
const USERS: u64 = 40;
const MONTHS: u32 = 6;

/// Runs one scenario text through every stage; panics (a finding) when a promise is broken.
pub fn exercise(text: &str) -> Outcome {
    let scn = match plansim::parse(text, FILE) {
        Ok(scn) => scn,
        Err(errors) => {
            check_refusal(text, &errors);
            return Outcome::Refused;
        }
    };
    let mut scn = scn;
    let sim = &mut scn.simulation;
    sim.trials = sim.trials.clamp(1, TRIALS);
    sim.users = sim.users.clamp(1, USERS);
    sim.months = sim.months.clamp(1, MONTHS);
    let report_text = check_report_with(&scn, 64);
    assert!(!report_text.is_empty());
    assert!(plansim::size_problem(&scn, 1).is_none());
    let results = match plansim::run(&scn, &|_| {}) {
        Ok(r) => r,
        Err(msg) => {
            assert!(
                !msg.to_string().trim().is_empty(),
                "engine failed without a message"
            );
            return Outcome::EngineFailed;
        }
    };
    let summaries = plansim::summarize(&scn, &results);
    if results.non_finite_plan().is_some() || summaries.iter().any(|s| !s.is_finite()) {
        // The binary refuses to write these ("totals overflowed", exit 2): nothing more to
        // check.
        return Outcome::Overflowed;
    }
    let rows = scn.rows();
    for t in &results.trials {
        for (p, pt) in t.plans.iter().enumerate() {
            let x = &pt.totals;
            let name = rows[p].0;
            assert!(x.revenue >= 0.0, "plan {name}: revenue {}", x.revenue);
            assert!(x.fees >= 0.0, "plan {name}: fees {}", x.fees);
            assert!(x.cost >= 0.0, "plan {name}: cost {}", x.cost);
            assert!(
                x.served_output_tokens >= 0.0,
                "plan {name}: served {}",
                x.served_output_tokens
            );
            assert!(x.breakage_credits >= 0.0, "plan {name}: breakage");
        }
    }
    let report = Report {
        scenario: &scn,
        results: &results,
        summaries: &summaries,
        config_path: FILE.into(),
        threads: 1,
        wall_seconds: 0.0,
        started_at: std::time::UNIX_EPOCH,
    };
    // Cells that are names (plans, segments, kinds) are text, whatever they spell ("inf" is a
    // valid plan name); every other cell must not read as a non-finite number.
    let names: Vec<&str> = scn
        .plan_names()
        .into_iter()
        .chain(scn.segment_names())
        .chain(scn.plan_kinds())
        .collect();
    for ex in exporters(&scn) {
        let mut buf = Vec::new();
        ex.write(&report, &mut buf).expect("writing to memory");
        let out = String::from_utf8(buf).expect("outputs are UTF-8");
        let name = ex.file_name();
        // run.json is written by serde_json, which has no NaN or inf (it would write null).
        if !name.ends_with(".csv") {
            continue;
        }
        let mut rows = out.lines();
        let header = rows.next().expect("a header row");
        let width = csv_width(header);
        for row in rows {
            assert_eq!(csv_width(row), width, "{name}: ragged row {row}");
            for cell in row.split(',').filter(|c| !names.contains(c)) {
                assert!(
                    !cell.parse::<f64>().is_ok_and(|x| !x.is_finite()),
                    "{name}: non-finite cell {cell:?} in {row}"
                );
            }
        }
    }
    Outcome::Written
}

/// Columns of a CSV row (plansim quotes no cells that hold commas except names, which are
/// restricted to safe characters, so a split is exact).
fn csv_width(row: &str) -> usize {
    row.split(',').count()
}

/// Reads choices from fuzz bytes; past the end every choice is 0.
pub struct Choices<'a> {
    data: &'a [u8],
    pos: usize,
    /// How often a value goes wrong, out of 64 (set by the first byte: 0 to 23).
    wildness: usize,
    /// Names handed out so far (safe names are numbered, so they are distinct).
    names: usize,
}

impl<'a> Choices<'a> {
    /// Choices from `data`.
    pub fn new(data: &'a [u8]) -> Self {
        let mut c = Choices {
            data,
            pos: 0,
            wildness: 0,
            names: 0,
        };
        c.wildness = c.below(24);
        c
    }

    /// Whether this value goes wrong.
    fn wild(&mut self) -> bool {
        self.below(64) < self.wildness
    }

    fn byte(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// A number in `0..n` (n >= 1).
    fn below(&mut self, n: usize) -> usize {
        self.byte() as usize % n
    }

    /// True with probability about `k / 8`.
    fn chance(&mut self, k: u8) -> bool {
        self.byte() % 8 < k
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

const EDGE_NUMBERS: &[&str] = &[
    "0",
    "-0.0",
    "1",
    "-1",
    "0.5",
    "1e-300",
    "5e-324",
    "1e15",
    "1e16",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "9223372036854775807",
    "-9223372036854775808",
    "0.999999999999",
    "1.0000001",
    "2",
    "12",
    "1200",
    "1201",
    "1_000_000",
    "0x10",
];

const WRONG_TYPES: &[&str] = &[
    "\"20\"",
    "true",
    "[]",
    "[1, 2]",
    "{}",
    "1979-05-27",
    "\"\"",
    "{ dist = \"lognormal\" }",
];

const DISTS: &[&str] = &[
    "lognormal",
    "normal",
    "uniform",
    "pareto",
    "exponential",
    "gamma",
    "weibull",
    "triangular",
    "pert",
    "beta",
    "mixture",
    "lognorm",
    "",
];

const DIST_PARAMS: &[&str] = &[
    "mu", "sigma", "median", "mean", "sd", "p01", "p05", "p10", "p25", "p50", "p75", "p90", "p95",
    "p99", "min", "max", "mode", "alpha", "beta", "scale", "shape", "floor", "ceiling", "zero",
    "weight", "sigm",
];

const NAMES: &[&str] = &[
    "pro",
    "max",
    "api",
    "casual",
    "power",
    "=cmd",
    "../x",
    "a b",
    "\u{440}ro",
    "",
    "pro",
    "x\u{0}y",
    "a,b",
    "very-long-name-very-long-name-very-long-name-very-long-name-very-long-name",
];

/// A scenario built from `data`: see the module docs.
pub fn scenario(data: &[u8]) -> String {
    let mut c = Choices::new(data);
    let mut s = String::new();
    if !c.wild() {
        s += &format!("name = \"{}\"\n", name(&mut c));
    }
    if c.chance(1) {
        s += "description = \"fuzzed\"\n";
    }
    if !c.wild() {
        s += "[simulation]\n";
        for (key, ok) in [
            ("trials", "2"),
            ("users", "30"),
            ("months", "4"),
            ("seed", "7"),
        ] {
            field(&mut c, &mut s, key, ok, false);
        }
    }
    for (table, keys) in [
        (
            "retail",
            &["input", "output", "cache_read", "cache_write"][..],
        ),
        (
            "cost",
            &[
                "input",
                "output",
                "cache_read",
                "cache_write",
                "annual_decline",
                "per_user_month",
                "payment_fee_rate",
                "payment_fee_fixed",
            ][..],
        ),
    ] {
        if c.wild() {
            continue;
        }
        s += &format!("[{table}]\n");
        for key in keys {
            if key.starts_with("annual") || key.starts_with("payment") {
                if c.chance(4) {
                    field(&mut c, &mut s, key, "0.1", true);
                }
            } else {
                field(&mut c, &mut s, key, "2.5", true);
            }
        }
        stray(&mut c, &mut s);
    }
    let segments = 1 + c.below(3);
    for _ in 0..segments {
        s += "[[segment]]\n";
        s += &format!("name = \"{}\"\n", name(&mut c));
        let share = format!("{}", 1.0 / segments as f64);
        field(&mut c, &mut s, "share", &share, false);
        for (key, ok) in [
            ("output_tokens", "1_000_000"),
            ("input_per_output", "20"),
            ("cache_read_share", "0.8"),
            ("cache_write_share", "0.05"),
            ("monthly_volatility", "0.5"),
            ("monthly_growth", "0.02"),
            ("monthly_churn", "0.05"),
        ] {
            field(&mut c, &mut s, key, ok, true);
        }
        stray(&mut c, &mut s);
    }
    let plans = 1 + c.below(4);
    for _ in 0..plans {
        s += "[[plan]]\n";
        s += &format!("name = \"{}\"\n", name(&mut c));
        let kind = if c.wild() {
            c.pick(&["payg", "flat", "credit", "hybrid", "tiered", "Flat", ""])
        } else {
            c.pick(&["payg", "flat", "credit", "hybrid"])
        };
        s += &format!("kind = \"{kind}\"\n");
        let keys: &[(&str, &str)] = match kind {
            "payg" => &[("monthly_minimum", "5")],
            "flat" => &[("price", "20"), ("cap", "100")],
            "credit" => &[("price", "20"), ("credits", "2000"), ("rollover", "300")],
            _ => &[
                ("base_fee", "20"),
                ("included", "20"),
                ("overage_multiplier", "1.2"),
                ("spend_cap", "50"),
            ],
        };
        for &(key, ok) in keys {
            field(&mut c, &mut s, key, ok, true);
        }
        if kind == "credit" {
            if !c.wild() {
                s += &format!(
                    "burn = {{ input = {}, output = {} }}\n",
                    number(&mut c, "500"),
                    number(&mut c, "2500")
                );
            }
            if c.chance(4) {
                s += &format!(
                    "top_up = {{ price = {}, credits = {}, probability = {} }}\n",
                    number(&mut c, "5"),
                    number(&mut c, "400"),
                    number(&mut c, "0.5")
                );
            }
        }
        if (kind == "payg" || kind == "hybrid") && c.chance(2) {
            s += &format!(
                "rates = {{ input = {}, output = {} }}\n",
                number(&mut c, "3"),
                number(&mut c, "15")
            );
        }
        if c.chance(2) {
            field(&mut c, &mut s, "usage_response", "1.1", true);
        }
        stray(&mut c, &mut s);
    }
    s
}

fn name(c: &mut Choices<'_>) -> String {
    c.names += 1;
    if c.wild() {
        c.pick(NAMES).to_string()
    } else {
        format!("n{}", c.names)
    }
}

/// Sometimes an unknown or misspelt key.
fn stray(c: &mut Choices<'_>, s: &mut String) {
    if c.wild() {
        let key = c.pick(&["shar", "prise", "x", "trails", "cap", "name", "kind"]);
        *s += &format!("{key} = {}\n", number(c, "1"));
    }
}

/// `key = value`: usually the good value, sometimes missing, an edge number, a wrong type or
/// (where `dists`) a distribution.
fn field(c: &mut Choices<'_>, s: &mut String, key: &str, ok: &str, dists: bool) {
    let value = if !c.wild() {
        if dists && c.chance(3) {
            valid_distribution(c, ok.replace('_', "").parse().unwrap_or(1.0))
        } else {
            ok.to_string()
        }
    } else {
        match c.below(6) {
            0 => return,
            1 | 2 => c.pick(EDGE_NUMBERS).to_string(),
            3 => c.pick(WRONG_TYPES).to_string(),
            _ if dists => distribution(c, 0),
            _ => number(c, ok),
        }
    };
    *s += &format!("{key} = {value}\n");
}

fn number(c: &mut Choices<'_>, ok: &str) -> String {
    if !c.wild() {
        ok.to_string()
    } else {
        c.pick(EDGE_NUMBERS).to_string()
    }
}

/// A distribution that validation accepts for a field whose good value is `v` > 0: values
/// stay within [0, v] or have `v` as their ceiling.
fn valid_distribution(c: &mut Choices<'_>, v: f64) -> String {
    let h = v / 2.0;
    let one = match c.below(11) {
        0 => format!("dist = \"uniform\", min = {h}, max = {v}"),
        1 => format!(
            "dist = \"normal\", mean = {h}, sd = {}, floor = 0, ceiling = {v}",
            v / 4.0
        ),
        2 => format!(
            "dist = \"lognormal\", median = {}, p99 = {h}, ceiling = {v}",
            v / 8.0
        ),
        3 => format!("dist = \"lognormal\", mean = {h}, sd = {v}, ceiling = {v}"),
        4 => format!(
            "dist = \"pareto\", min = {}, alpha = 1.5, ceiling = {v}",
            v / 8.0
        ),
        5 => format!(
            "dist = \"gamma\", shape = 2, scale = {}, ceiling = {v}",
            v / 8.0
        ),
        6 => format!("dist = \"weibull\", shape = 1.5, scale = {h}, ceiling = {v}"),
        7 => format!("dist = \"exponential\", mean = {h}, ceiling = {v}"),
        8 => format!("dist = \"triangular\", min = 0, mode = {h}, max = {v}"),
        9 => format!("dist = \"pert\", min = {}, mode = {h}, max = {v}", v / 4.0),
        _ => format!(
            "dist = \"mixture\", components = [{{ dist = \"uniform\", min = 0, max = {h}, \
             weight = 3 }}, {{ dist = \"beta\", alpha = 2, beta = 5, weight = 1, zero = 0.1 }}]"
        ),
    };
    format!("{{ {one} }}")
}

/// An inline distribution table, parameters possibly distributions themselves.
fn distribution(c: &mut Choices<'_>, depth: usize) -> String {
    let dist = c.pick(DISTS);
    let mut parts = vec![format!("dist = \"{dist}\"")];
    if dist == "mixture" {
        let n = c.below(3);
        let comps: Vec<String> = (0..n)
            .map(|_| {
                let inner = distribution(c, depth + 1);
                let weight = number(c, "1");
                format!("{}, weight = {weight} }}", inner.trim_end_matches(" }"))
            })
            .collect();
        parts.push(format!("components = [{}]", comps.join(", ")));
    } else {
        let n = 1 + c.below(3);
        for _ in 0..n {
            let p = c.pick(DIST_PARAMS);
            let v = if depth < 2 && c.chance(1) {
                distribution(c, depth + 1)
            } else {
                let ok = c.pick(&["1", "0.5", "2", "1000000", "3"]);
                number(c, ok)
            };
            parts.push(format!("{p} = {v}"));
        }
    }
    format!("{{ {} }}", parts.join(", "))
}
