//! Unit tests of sweeps: range expansion, grid order, value texts, precedence, and errors
//! located at the sweep or naming the point.

use super::range::{RangeError, grid, number_text};
use super::{MAX_POINTS, Points, SweepArg, parse_points};
use crate::config::{Override, parse_with};
use crate::error::ConfigErrors;

const FILE: &str = "s.toml";

/// A valid scenario: two plans (one with an inline table), two segments.
const BASE: &str = r#"name = "base"

[retail]
input = 5.0
output = 25.0

[cost]
input = 0.5
output = 2.5

[[segment]]
name = "casual"
share = 0.6
output_tokens = 100000
value = 30

[[segment]]
name = "power"
share = 0.4
output_tokens = 500000
value = 200

[[plan]]
name = "max"
kind = "flat"
price = 20

[[plan]]
name = "credits"
kind = "credit"
price = 20
credits = 2000
burn = { input = 500, output = 2500 }
top_up = { price = 10, credits = 1000, probability = 0.5 }
"#;

fn float_grid(from: f64, to: f64, step: f64) -> Vec<String> {
    grid(from, to, step, (None, None, None))
        .unwrap_or_else(|e| panic!("{e:?}"))
        .into_iter()
        .map(|(text, _)| text)
        .collect()
}

fn int_grid(from: i64, to: i64, step: i64) -> Vec<String> {
    grid(
        from as f64,
        to as f64,
        step as f64,
        (Some(from), Some(to), Some(step)),
    )
    .unwrap_or_else(|e| panic!("{e:?}"))
    .into_iter()
    .map(|(text, _)| text)
    .collect()
}

#[test]
fn a_range_includes_to_when_on_the_grid_within_the_tolerance() {
    let tenths = float_grid(0.0, 1.0, 0.1);
    assert_eq!(
        tenths,
        [
            "0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"
        ]
    );
    assert_eq!(int_grid(100, 300, 25).len(), 9);
    assert_eq!(int_grid(100, 310, 25), int_grid(100, 300, 25));
    assert_eq!(float_grid(100.0, 310.0, 25.0), int_grid(100, 300, 25));
    assert_eq!(float_grid(100.0, 300.0, 25.0).last().unwrap(), "300");
    // Downwards, and a single point.
    assert_eq!(
        float_grid(1.0, 0.0, -0.25),
        ["1", "0.75", "0.5", "0.25", "0"]
    );
    assert_eq!(int_grid(5, 5, 3), ["5"]);
    assert_eq!(float_grid(0.5, 0.5, -1.0), ["0.5"]);
    // 0.7 / 0.1 is 6.999999999999999 in binary: the tolerance keeps 0.7.
    assert_eq!(float_grid(0.0, 0.7, 0.1).last().unwrap(), "0.7");
    // Just short of the tolerance, `to` is not on the grid.
    assert_eq!(float_grid(0.0, 1.0 - 1e-6, 0.1).len(), 10);
    // Integers are exact, even where the quotient is within the tolerance of a whole number.
    assert_eq!(int_grid(0, 999_999_999_999, 1_000_000_000_000), ["0"]);
}

#[test]
fn computed_values_read_back_as_the_numbers_written() {
    for (text, toml) in grid(0.0, 0.3, 0.1, (None, None, None)).unwrap() {
        let x: f64 = text.parse().unwrap();
        assert_eq!(toml.parse::<f64>().unwrap(), x, "{text} {toml}");
    }
    // A value 15 digits cannot hold within the tolerance keeps its digits.
    let fine = float_grid(1e6, 1e6 + 5e-9, 1e-9);
    assert!(fine.len() >= 5, "{fine:?}");
    assert!(fine.windows(2).all(|w| w[0] != w[1]), "{fine:?}");
}

#[test]
fn bad_ranges_are_refused() {
    let none = (None, None, None);
    assert_eq!(grid(0.0, 1.0, 0.0, none), Err(RangeError::ZeroStep));
    assert_eq!(grid(0.0, 1.0, -0.1, none), Err(RangeError::AwayFromTo));
    assert_eq!(grid(1.0, 0.0, 0.1, none), Err(RangeError::AwayFromTo));
    assert_eq!(
        grid(0.0, MAX_POINTS as f64, 1.0, none),
        Err(RangeError::TooMany(Some(MAX_POINTS as u64 + 1)))
    );
    assert_eq!(float_grid(1.0, MAX_POINTS as f64, 1.0).len(), MAX_POINTS);
    assert_eq!(grid(0.0, 1e15, 1e-15, none), Err(RangeError::TooMany(None)));
}

#[test]
fn number_texts_are_the_shortest_round_trip() {
    assert_eq!(number_text(100.0), "100");
    assert_eq!(number_text(137.5), "137.5");
    assert_eq!(number_text(-0.0), "0");
    assert_eq!(number_text(0.1 + 0.2), "0.30000000000000004");
}

fn sweep(path: &str, values: &str) -> SweepArg {
    SweepArg::parse(&format!("{path}={values}")).unwrap_or_else(|e| panic!("{e}"))
}

fn points(text: &str, overrides: &[Override], sweeps: &[SweepArg]) -> Points {
    parse_points(text, FILE, overrides, sweeps).unwrap_or_else(|e| panic!("{e}"))
}

fn refused(text: &str, overrides: &[Override], sweeps: &[SweepArg]) -> ConfigErrors {
    match parse_points(text, FILE, overrides, sweeps) {
        Ok(p) => panic!("accepted {} points", p.points.len()),
        Err(e) => e,
    }
}

fn set(arg: &str) -> Override {
    Override::from_set(arg).unwrap_or_else(|e| panic!("{e}"))
}

fn json<T: serde::Serialize>(x: &T) -> String {
    serde_json::to_string(x).expect("serialisable")
}

/// `BASE` followed by `sweeps` (TOML text).
fn with(sweeps: &str) -> String {
    format!("{BASE}\n{sweeps}")
}

#[test]
fn without_sweeps_there_is_one_point_equal_to_the_plain_reading() {
    let p = points(BASE, &[set("plan.max.price=30")], &[]);
    assert!(!p.is_sweep());
    assert_eq!(p.points.len(), 1);
    let plain = parse_with(BASE, FILE, &[set("plan.max.price=30")]).unwrap();
    assert_eq!(json(&p.points[0].scenario), json(&plain));
}

#[test]
fn the_grid_is_the_cartesian_product_first_sweep_slowest() {
    let text = with(
        r#"[[sweep]]
path = "plan.max.price"
range = { from = 10, to = 30, step = 10 }

[[sweep]]
path = "market.mode"
values = ["each", "menu"]
"#,
    );
    let p = points(&text, &[], &[]);
    assert_eq!(p.paths, ["plan.max.price", "market.mode"]);
    let values: Vec<Vec<&str>> = p
        .points
        .iter()
        .map(|pt| pt.values.iter().map(String::as_str).collect())
        .collect();
    assert_eq!(
        values,
        [
            ["10", "each"],
            ["10", "menu"],
            ["20", "each"],
            ["20", "menu"],
            ["30", "each"],
            ["30", "menu"]
        ]
    );
    for (pt, v) in p.points.iter().zip(&values) {
        let edited = BASE.replace(
            "price = 20\n\n[[plan]]",
            &format!("price = {}\n\n[[plan]]", v[0]),
        );
        let expected = parse_with(&edited, FILE, &[set(&format!("market.mode={}", v[1]))]).unwrap();
        assert_eq!(json(&pt.scenario), json(&expected));
    }
    assert_eq!(
        p.label(3),
        "point 4 (plan.max.price = 20, market.mode = menu)"
    );
}

#[test]
fn values_are_written_as_numbers_strings_and_toml_text() {
    let text = with(
        r#"[[sweep]]
path = "cost.annual_decline"
values = [0, 0.25, 1e-1, { dist = "uniform", min = 0.3, max = 0.8 }]
"#,
    );
    let p = points(&text, &[], &[]);
    let texts: Vec<&str> = p.points.iter().map(|pt| pt.values[0].as_str()).collect();
    assert_eq!(
        texts,
        [
            "0",
            "0.25",
            "0.1",
            r#"{ dist = "uniform", min = 0.3, max = 0.8 }"#
        ]
    );
    assert_eq!(
        p.points[3].scenario.slots.len(),
        p.points[0].scenario.slots.len() + 1
    );
}

#[test]
fn a_command_line_sweep_replaces_the_files_in_its_place_and_wins_over_set() {
    let text = with(
        r#"[[sweep]]
path = "plan.max.price"
values = [1, 2]

[[sweep]]
path = "plan.credits.top_up.price"
values = [5, 6]
"#,
    );
    let p = points(
        &text,
        &[set("plan.max.price=99")],
        &[
            sweep("segment.casual.output_tokens", "[1000]"),
            sweep(r#"plan."max".price"#, "30..40:10"),
        ],
    );
    assert_eq!(
        p.paths,
        [
            "plan.max.price",
            "plan.credits.top_up.price",
            "segment.casual.output_tokens"
        ]
    );
    let first: Vec<&str> = p.points.iter().map(|pt| pt.values[0].as_str()).collect();
    assert_eq!(first, ["30", "30", "40", "40"]);
    let prices = |i: usize| json(&p.points[i].scenario.plans[0]);
    let plain = parse_with(BASE, FILE, &[set("plan.max.price=30")]).unwrap();
    assert_eq!(prices(0), json(&plain.plans[0]));
}

#[test]
fn sweep_tables_are_read_strictly() {
    for (sweeps, at, path, message) in [
        (
            "[[sweep]]\npath = \"plan.max.price\"\nvalues = [1]\nrange = { from = 1, to = 2, step = 1 }\n",
            "[[sweep]]",
            "sweep[0]",
            "give `values` or `range`, not both",
        ),
        (
            "[[sweep]]\npath = \"plan.max.price\"\n",
            "[[sweep]]",
            "sweep[0]",
            "a sweep needs `values = [...]`",
        ),
        (
            "[[sweep]]\npath = \"plan.max.price\"\nvalues = []\n",
            "[]",
            "sweep[0].values",
            "no values: give at least one",
        ),
        (
            "[[sweep]]\npath = \"plan.max.price\"\nvalue = [1]\n",
            "value =",
            "sweep[0].value",
            "unknown field `value`; did you mean `values`?",
        ),
        (
            "[[sweep]]\npath = \"plan.max.price\"\nrange = { from = 1, to = 2, stp = 1 }\n",
            "stp",
            "sweep[0].range.stp",
            "unknown field `stp`; did you mean `step`?",
        ),
        (
            "[[sweep]]\npath = \"plan.max.price\"\nrange = { from = 1, to = 2, step = 0 }\n",
            "0 }",
            "sweep[0].range.step",
            "step must not be 0",
        ),
        (
            "[[sweep]]\npath = \"plan.max.price\"\nrange = { from = 3, to = 2, step = 1 }\n",
            "1 }",
            "sweep[0].range.step",
            "step 1 goes away from `to`: from 3 to 2 needs a negative step",
        ),
        (
            "[[sweep]]\npath = \"plan.max.price\"\nrange = { from = 0, to = 1e6, step = 1 }\n",
            "{ from",
            "sweep[0].range",
            "the range gives 1000001 points: a sweep has at most 10000",
        ),
        (
            "[[sweep]]\npath = \"plan.max.price\"\nrange = { from = \"a\", to = 2, step = 1 }\n",
            "\"a\"",
            "sweep[0].range.from",
            "expected a number, found a string",
        ),
        (
            "[[sweep]]\npath = \"plan..price\"\nvalues = [1]\n",
            "\"plan..",
            "sweep[0].path",
            "unexpected `.`",
        ),
        (
            "sweep = 1\n",
            "1\n",
            "sweep",
            "expected an array of tables (write [[sweep]] sections), found an integer",
        ),
    ] {
        // `sweep = 1` must be a top-level key: put it before the tables.
        let text = if sweeps.starts_with("sweep =") {
            format!("{sweeps}{BASE}")
        } else {
            with(sweeps)
        };
        let e = refused(&text, &[], &[]);
        let e = e.first();
        let offset = text.rfind(at).unwrap_or_else(|| panic!("{at:?}"));
        let (line, column) = crate::config::reader::line_col(&text, offset);
        assert_eq!(
            (e.line, e.column, e.path.as_str()),
            (line, column, path),
            "{e}"
        );
        assert!(e.message.starts_with(message), "{e}");
        assert!(e.origin.is_none(), "{e}");
    }
}

#[test]
fn unknown_paths_are_refused_at_the_sweep_with_a_suggestion() {
    let text = with("[[sweep]]\npath = \"plan.max.pricee\"\nvalues = [1, 2]\n");
    let e = refused(&text, &[], &[]);
    let (line, column) =
        crate::config::reader::line_col(&text, text.rfind("\"plan.max.pricee").unwrap());
    let e = e.first();
    assert_eq!(
        (e.line, e.column, e.origin.as_deref()),
        (line, column, None),
        "{e}"
    );
    assert_eq!(e.message, "unknown field `pricee`; did you mean `price`?");

    let text = with("[[sweep]]\npath = \"plan.mx.price\"\nvalues = [1, 2]\n");
    let e = refused(&text, &[], &[]);
    assert_eq!(
        e.first().message,
        "no plan named `mx`; did you mean `max`?",
        "{e}"
    );

    let e = refused(BASE, &[], &[sweep("plan.max.prise", "[1, 2]")]);
    let e = e.first();
    assert_eq!(e.origin.as_deref(), Some("--sweep plan.max.prise=[1, 2]"));
    assert_eq!(e.message, "unknown field `prise`; did you mean `price`?");
    let e = refused(BASE, &[], &[sweep("segmnt.casual.share", "[1, 2]")]);
    assert_eq!(
        e.first().message,
        "unknown section `segmnt`; did you mean `segment`?"
    );
}

#[test]
fn an_invalid_point_is_named() {
    let text = with("[[sweep]]\npath = \"segment.casual.share\"\nvalues = [0.6, 0.7]\n");
    let e = refused(&text, &[], &[]);
    let e = e.first();
    assert!(
        e.message
            .starts_with("point 2 (segment.casual.share = 0.7): segment shares must sum to 1"),
        "{e}"
    );
    assert_eq!(e.path, "segment");
    // A value out of range: located at the value in the file.
    let text = with("[[sweep]]\npath = \"plan.max.price\"\nvalues = [10, -5]\n");
    let e = refused(&text, &[], &[]);
    let e = e.first();
    let (line, column) = crate::config::reader::line_col(&text, text.rfind("-5").unwrap());
    assert_eq!(
        (e.line, e.column, e.path.as_str()),
        (line, column, "plan.max.price"),
        "{e}"
    );
    assert!(
        e.message.starts_with("point 2 (plan.max.price = -5): "),
        "{e}"
    );
    // From the command line: named by the --sweep.
    let e = refused(BASE, &[], &[sweep("plan.max.price", "-10..10:5")]);
    let e = e.first();
    assert_eq!(
        e.origin.as_deref(),
        Some("--sweep plan.max.price=-10..10:5")
    );
    assert!(
        e.message.starts_with("point 1 (plan.max.price = -10): "),
        "{e}"
    );
    // A problem of the file itself is reported as without the sweep.
    let broken = BASE.replace("share = 0.4", "share = 0.3");
    let text = format!("{broken}\n[[sweep]]\npath = \"plan.max.price\"\nvalues = [10, 20]\n");
    let with_sweep = refused(&text, &[], &[]);
    let without = parse_with(&broken, FILE, &[]).unwrap_err();
    assert_eq!(with_sweep, without);
    // The same problem without the sweep, but not at every point: the point is named.
    let external = BASE.replace("kind = \"credit\"", "kind = \"credit\"\nexternal = true");
    let e = refused(
        &external,
        &[],
        &[sweep("market.mode", r#"["each", "menu"]"#)],
    );
    let without = parse_with(&external, FILE, &[]).unwrap_err();
    assert_eq!(
        e.first().message,
        format!("point 1 (market.mode = each): {}", without.first().message)
    );
}

#[test]
fn paths_swept_twice_nested_or_refused_are_errors() {
    let text = with(
        "[[sweep]]\npath = \"plan.max.price\"\nvalues = [1]\n\n[[sweep]]\npath = \"plan.'max'.price\"\nvalues = [2]\n",
    );
    let e = refused(&text, &[], &[]);
    assert!(
        e.first().message.starts_with(
            "`plan.max.price` is swept twice, by sweep[0] and sweep[1]: give each path one [[sweep]]"
        ),
        "{e}"
    );
    let e = refused(
        BASE,
        &[],
        &[
            sweep("plan.max.price", "[1]"),
            sweep("plan.max.price", "[2]"),
        ],
    );
    assert!(
        e.first().message.contains("give each path one --sweep"),
        "{e}"
    );
    let e = refused(
        BASE,
        &[],
        &[
            sweep("plan.credits.top_up", "[{ price = 1, credits = 10 }]"),
            sweep("plan.credits.top_up.price", "[2]"),
        ],
    );
    assert!(
        e.first()
            .message
            .contains("lies inside `plan.credits.top_up`"),
        "{e}"
    );
    for (path, words) in [
        ("simulation.seed", "run once per seed with --seed"),
        ("simulation.users", "the same users"),
        ("simulation.trials", "the same trials"),
        ("simulation.months", "the same months"),
        ("name", "one name"),
        ("plan.max.name", "identifies its rows"),
    ] {
        let e = refused(BASE, &[], &[sweep(path, "[1, 2]")]);
        let m = &e.first().message;
        assert!(
            m.starts_with(&format!("cannot sweep `{path}`: ")) && m.contains(words),
            "{e}"
        );
    }
    let e = refused(
        BASE,
        &[],
        &[
            sweep("plan.max.price", "1..200:1"),
            sweep("plan.credits.price", "1..100:1"),
        ],
    );
    assert!(
        e.first().message == "the sweeps form a grid of 200 x 100 = 20000 points: at most 10000",
        "{e}"
    );
}

#[test]
fn command_line_values_are_an_array_or_a_range() {
    let p = points(BASE, &[], &[sweep("market.mode", r#"["each", "menu"]"#)]);
    assert_eq!(p.points.len(), 2);
    let p = points(BASE, &[], &[sweep("plan.max.price", " 0.5 .. 1.5 : 0.5 ")]);
    assert_eq!(p.points[2].values, ["1.5"]);
    for (values, words) in [
        ("[each, menu]", "malformed TOML array"),
        ("100..300", "expected a TOML array of values"),
        ("150", "expected a TOML array of values"),
        ("a..3:1", "malformed range: not a number"),
        ("1..3:0", "step must not be 0"),
        ("[]", "no values: give at least one"),
    ] {
        let arg = sweep("plan.max.price", values);
        let e = refused(BASE, &[], std::slice::from_ref(&arg));
        let e = e.first();
        assert_eq!(
            e.origin.as_deref(),
            Some(format!("--sweep plan.max.price={values}").as_str())
        );
        assert!(e.message.contains(words), "{values}: {e}");
    }
    assert!(
        SweepArg::parse("plan.max.price")
            .unwrap_err()
            .starts_with("--sweep plan.max.price: expected PATH=VALUES")
    );
}

#[test]
fn set_takes_a_bare_word_as_a_string_but_not_a_malformed_table() {
    assert_eq!(set("market.mode=menu").value, "\"menu\"");
    assert_eq!(set("market.mode=\"menu\"").value, "\"menu\"");
    assert_eq!(set("plan.max.price=25").value, "25");
    assert_eq!(set("plan.\"a=b\".price=25").path, ["plan", "a=b", "price"]);
    assert_eq!(set("x=inf").value, "inf");
    for bad in ["{ a = }", "[1, 2", "20$", "1e", "a b"] {
        assert_eq!(set(&format!("plan.max.price={bad}")).value, bad);
    }
    assert!(
        Override::from_set("plan.max.price")
            .unwrap_err()
            .contains("expected PATH=VALUE")
    );
    let e = parse_with(BASE, FILE, &[set("plan.max.price={ a = }")]).unwrap_err();
    assert!(e.first().message.starts_with("malformed TOML value"), "{e}");
}

#[test]
fn the_plain_reader_refuses_a_scenario_with_sweeps() {
    let text = with("[[sweep]]\npath = \"plan.max.price\"\nvalues = [1]\n");
    let e = parse_with(&text, FILE, &[]).unwrap_err();
    assert_eq!(e.first().path, "sweep");
    assert!(e.first().message.contains("load_points"), "{e}");
}
