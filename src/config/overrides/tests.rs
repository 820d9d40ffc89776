//! Unit tests of overrides: path syntax, application to the tree, and errors located at the
//! override that caused them.

use super::Override;
use crate::config::field_path::{parse_path, render};
use crate::config::{parse, parse_with};
use crate::error::ConfigError;

const FILE: &str = "s.toml";

/// A valid scenario without [simulation]: a plan name with a dot, an inline table in a plan, a
/// distribution in a segment.
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
output_tokens = { dist = "lognormal", median = 100000, p99 = 1000000 }

[[segment]]
name = "power"
share = 0.4
output_tokens = 500000

[[plan]]
name = "pro.v2"
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

fn ov(path: &str, value: &str) -> Override {
    Override::new(path, value, format!("--set {path}={value}")).expect("valid path")
}

/// The scenario as JSON (what run.json records), to compare whole scenarios.
fn json(text: &str, overrides: &[Override]) -> String {
    let scn = parse_with(text, FILE, overrides).unwrap_or_else(|e| panic!("{e}"));
    serde_json::to_string(&scn).expect("serialisable")
}

/// `BASE` with `from` replaced by `to` (exactly one occurrence).
fn edited(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "test setup: {from:?}");
    BASE.replace(from, to)
}

/// The one problem found in `text` with `overrides`.
fn refused(text: &str, overrides: &[Override]) -> ConfigError {
    match parse_with(text, FILE, overrides) {
        Ok(_) => panic!("accepted {overrides:?}"),
        Err(e) => {
            assert_eq!(e.iter().count(), 1, "{e}");
            e.first().clone()
        }
    }
}

#[test]
fn paths_split_like_toml_dotted_keys() {
    let p = |s: &str| parse_path(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    assert_eq!(p("simulation.trials"), ["simulation", "trials"]);
    assert_eq!(p(r#"plan."pro.v2".price"#), ["plan", "pro.v2", "price"]);
    assert_eq!(p("plan.'a\\b'.price"), ["plan", "a\\b", "price"]);
    assert_eq!(p(r#"plan."a\"b\u0041".x"#), ["plan", "a\"bA", "x"]);
    assert_eq!(p(" plan . max\t. price "), ["plan", "max", "price"]);
    assert_eq!(p("segment.a-b_c.share"), ["segment", "a-b_c", "share"]);
    assert_eq!(p(r#""""#), [""]);
}

#[test]
fn malformed_paths_are_refused_with_the_reason() {
    for (path, words) in [
        ("", "empty field path"),
        ("plan.", "ends with a dot"),
        ("plan..price", "unexpected `.`"),
        ("plan.max price", "expected `.` between keys"),
        ("plan.m=x", "unexpected `=`"),
        (r#"plan."max.price"#, "unterminated quoted key"),
        (r#"plan."""max""".price"#, "expected `.` between keys"),
        (r#"plan."a\qb".price"#, "invalid quoted key"),
        ("plan.pr\u{e9}.x", "unexpected `\u{e9}`"),
    ] {
        let e = Override::new(path, "1", "--set X").expect_err(path);
        assert!(
            e.starts_with("--set X: ") && e.contains(words),
            "{path:?}: {e}"
        );
    }
}

#[test]
fn rendered_paths_parse_back_to_the_same_segments() {
    for segments in [
        vec!["plan", "pro.v2", "price"],
        vec!["plan", "a\"b\\c", "x"],
        vec!["segment", "", "tab\there"],
    ] {
        let segments: Vec<String> = segments.into_iter().map(String::from).collect();
        let text = render(&segments);
        assert_eq!(parse_path(&text).as_ref(), Ok(&segments), "{text}");
    }
    assert_eq!(
        render(&["plan".into(), "pro.v2".into()]),
        r#"plan."pro.v2""#
    );
}

#[test]
fn a_quoted_name_with_dots_selects_that_plan() {
    assert_eq!(
        json(BASE, &[ov(r#"plan."pro.v2".price"#, "30")]),
        json(&edited("price = 20\n\n", "price = 30\n\n"), &[])
    );
}

#[test]
fn further_dots_descend_into_inline_tables() {
    assert_eq!(
        json(BASE, &[ov("plan.credits.top_up.price", "12.5")]),
        json(
            &edited("top_up = { price = 10", "top_up = { price = 12.5"),
            &[]
        )
    );
    assert_eq!(
        json(BASE, &[ov("segment.casual.output_tokens.median", "2e5")]),
        json(&edited("median = 100000", "median = 2e5"), &[])
    );
}

#[test]
fn an_absent_field_and_simulation_table_are_created() {
    let scn = parse_with(BASE, FILE, &[ov("simulation.trials", "5")]).expect("valid");
    assert_eq!(scn.simulation.trials, 5);
    assert_eq!(scn.simulation.users, crate::config::DEFAULT_USERS);
    assert_eq!(
        json(
            BASE,
            &[
                ov("simulation.trials", "5"),
                ov(r#"plan."pro.v2".cap"#, "100")
            ]
        ),
        json(
            &format!(
                "{}[simulation]\ntrials = 5\n",
                edited("price = 20\n\n", "price = 20\ncap = 100\n\n")
            ),
            &[]
        )
    );
    let scn = parse_with(
        BASE,
        FILE,
        &[ov("description", r#""a b""#), ov("name", "'c'")],
    )
    .expect("valid");
    assert_eq!(
        (scn.name.as_str(), scn.description.as_deref()),
        ("c", Some("a b"))
    );
}

#[test]
fn a_value_can_be_a_distribution_and_the_last_override_wins() {
    let dist = r#"{ dist = "uniform", min = 0.3, max = 0.8 }"#;
    let with = json(
        BASE,
        &[
            ov("cost.annual_decline", "0.1"),
            ov("cost.annual_decline", dist),
        ],
    );
    assert_eq!(
        with,
        json(
            &edited(
                "output = 2.5\n",
                &format!("output = 2.5\nannual_decline = {dist}\n")
            ),
            &[]
        )
    );
    let plain = parse(BASE, FILE).expect("valid");
    let drawn = parse_with(BASE, FILE, &[ov("cost.annual_decline", dist)]).expect("valid");
    assert_eq!(drawn.slots.len(), plain.slots.len() + 1);
}

#[test]
fn unknown_names_and_sections_are_refused_with_a_suggestion() {
    for (o, path, message) in [
        (
            ov("plan.credit.price", "1"),
            "plan.credit",
            "no plan named `credit`; did you mean `credits`?",
        ),
        (
            ov("plan.zzz.price", "1"),
            "plan.zzz",
            "no plan named `zzz`; the plans are: pro.v2, credits",
        ),
        (
            ov("segment.powr.share", "1"),
            "segment.powr",
            "no segment named `powr`; did you mean `power`?",
        ),
        (
            ov("simulaton.trials", "1"),
            "simulaton",
            "unknown section `simulaton`; did you mean `simulation`?",
        ),
        (
            ov("plan.credits", "1"),
            "plan.credits",
            "name a plan and its field: plan.<name>.<field>",
        ),
        (
            ov("cost", "1"),
            "cost",
            "name a field of `cost`: cost.<field>",
        ),
        (
            ov("name.x", "1"),
            "name",
            "`name` is a string: it has no fields",
        ),
        (
            ov("plan.credits.price.min", "1"),
            "plan.credits.price",
            "`plan.credits.price` is an integer, not a table: it has no field `min`",
        ),
    ] {
        let e = refused(BASE, std::slice::from_ref(&o));
        assert_eq!(
            (e.origin.as_deref(), e.path.as_str(), e.message.as_str()),
            (Some(o.origin.as_str()), path, message)
        );
    }
    let e = refused(BASE, &[ov("simulation.zzz", "1")]);
    assert_eq!(
        e.to_string(),
        format!(
            "{FILE}: --set simulation.zzz=1: simulation.zzz: unknown field `zzz`; expected one of: trials, users, months, seed, precision"
        )
    );
}

#[test]
fn validation_errors_point_at_the_override_not_the_file() {
    let trials = Override::new("simulation.trials", "0", "--trials 0").expect("valid path");
    assert_eq!(
        refused(BASE, &[trials]).to_string(),
        "s.toml: --trials 0: simulation.trials: trials must be at least 1"
    );
    let e = refused(BASE, &[ov("plan.credits.price", "\"x\"")]);
    assert_eq!(e.origin.as_deref(), Some("--set plan.credits.price=\"x\""));
    assert_eq!(e.path, "plan.credits.price");
    assert!(
        e.message.starts_with("expected a number") && e.message.ends_with("found a string"),
        "{e}"
    );
    let e = refused(BASE, &[ov("plan.credits.pricee", "1")]);
    assert_eq!(e.message, "unknown field `pricee`; did you mean `price`?");
    assert!(e.origin.is_some(), "{e}");
    // Inside a value, the column is the offset in the value; the second override is named.
    let dist = r#"{ dist = "uniform", min = 0.3, max = "x" }"#;
    let e = refused(
        BASE,
        &[ov("simulation.users", "7"), ov("cost.annual_decline", dist)],
    );
    assert_eq!(e.origin, Some(format!("--set cost.annual_decline={dist}")));
    assert_eq!(
        (e.path.as_str(), e.line, e.column),
        (
            "cost.annual_decline.max",
            1,
            dist.find("\"x\"").unwrap() + 1
        ),
        "{e}"
    );
    // A value that replaces one in the file is checked the same way.
    let e = refused(BASE, &[ov("segment.casual.share", "1.5")]);
    assert_eq!(
        (e.origin.is_some(), e.message.as_str()),
        (true, "must be in [0, 1], got 1.5")
    );
}

#[test]
fn a_malformed_value_names_the_override_and_adds_nothing() {
    for value in ["abc", "", "5\n[[plan]]\nname = \"x\"", "1 2"] {
        let e = refused(BASE, &[ov("plan.credits.price", value)]);
        assert_eq!(
            e.origin.as_deref(),
            Some(format!("--set plan.credits.price={value}").as_str())
        );
        assert_eq!(e.path, "plan.credits.price");
        assert!(e.message.starts_with("malformed TOML value: "), "{e}");
    }
    // Spaces around the value are not part of it.
    assert_eq!(
        json(BASE, &[ov("plan.credits.price", " 25 ")]),
        json(BASE, &[ov("plan.credits.price", "25")])
    );
}

#[test]
fn problems_in_the_file_are_reported_as_without_overrides() {
    let o = [ov("simulation.trials", "5")];
    for text in [
        format!("{BASE}# a comment at the end, no newline"),
        format!("{BASE}x = \"unterminated"),
        format!("{BASE}x = 1"),
        edited("share = 0.4", "share = 0.3"),
        edited("kind = \"flat\"", "kind = \"flta\""),
    ] {
        let plain = parse(&text, FILE).map(|_| ());
        let with = parse_with(&text, FILE, &o).map(|s| assert_eq!(s.simulation.trials, 5));
        assert_eq!(with, plain, "{text}");
        if let Err(e) = with {
            assert!(
                e.first().origin.is_none() && e.to_string().starts_with("s.toml:"),
                "{e}"
            );
        }
    }
}

#[test]
fn market_fields_and_the_new_segment_and_plan_fields_take_overrides() {
    use crate::dist::Param::Fixed;
    use crate::model::{Choice, Mode, SegmentValue};
    let menu = [
        ov("segment.casual.value", "30"),
        ov("segment.power.value_per_retail", "0.5"),
        ov("market.mode", "\"menu\""),
        ov("market.choice", "\"logit\""),
        ov("market.logit_scale", "25"),
        ov("segment.power.shock_churn", "0.2"),
        ov("plan.credits.external", "true"),
        ov("plan.\"pro.v2\".anxiety", "8"),
        ov("plan.\"pro.v2\".quality", "0.85"),
    ];
    let scn = parse_with(BASE, FILE, &menu).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (scn.market.mode, scn.market.choice),
        (Mode::Menu, Choice::Logit)
    );
    assert_eq!(scn.market.logit_scale, Some(Fixed(25.0)));
    assert!(matches!(
        scn.segments[0].value,
        Some(SegmentValue::Value(_))
    ));
    assert!(matches!(
        scn.segments[1].value,
        Some(SegmentValue::ValuePerRetail(_))
    ));
    assert_eq!(scn.segments[1].shock_churn, Fixed(0.2));
    let (pro, credits) = (&scn.plans[0], &scn.plans[1]);
    assert_eq!(
        (pro.anxiety, pro.quality, pro.external),
        (Fixed(8.0), Fixed(0.85), false)
    );
    assert!(credits.external);
    assert_eq!(scn.rows(), [("pro.v2", "flat"), ("portfolio", "portfolio")]);
    // A drawn market value is a trial-level draw named by its path.
    let drawn = [ov(
        "market.new_users_per_month",
        r#"{ dist = "uniform", min = 100, max = 500 }"#,
    )];
    let scn = parse_with(BASE, FILE, &drawn).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        scn.slots.last().map(|s| s.path.as_str()),
        Some("market.new_users_per_month")
    );
}

#[test]
fn market_overrides_are_checked_like_the_file_and_located_at_the_override() {
    for (o, path, message) in [
        (
            ov("market.mode", "\"menus\""),
            "market.mode",
            "unknown mode `menus`; did you mean `menu`?",
        ),
        (
            ov("market.mod", "\"menu\""),
            "market.mod",
            "unknown field `mod`; did you mean `mode`?",
        ),
        (
            ov("market.value_curvature", "0"),
            "market.value_curvature",
            "must be in (0, 1], got 0",
        ),
        (
            ov("market", "\"menu\""),
            "market",
            "name a field of `market`: market.<field>",
        ),
        (
            ov("markt.mode", "\"menu\""),
            "markt",
            "unknown section `markt`; did you mean `market`?",
        ),
        (
            ov("plan.credits.quality", "2"),
            "plan.credits.quality",
            "must be in [0, 1], got 2",
        ),
    ] {
        let e = refused(BASE, std::slice::from_ref(&o));
        assert_eq!(
            (e.origin.as_deref(), e.path.as_str(), e.message.as_str()),
            (Some(o.origin.as_str()), path, message)
        );
    }
    // An external plan needs menu mode: located at the override that made it external.
    let e = refused(BASE, &[ov("plan.credits.external", "true")]);
    assert_eq!(
        (e.origin.as_deref(), e.path.as_str()),
        (
            Some("--set plan.credits.external=true"),
            "plan.credits.external"
        )
    );
    assert!(e.message.contains("needs menu mode"), "{e}");
    // Menu mode by override, a segment without a value: located at that segment in the file.
    let e = refused(
        BASE,
        &[
            ov("segment.casual.value", "30"),
            ov("market.mode", "\"menu\""),
        ],
    );
    assert_eq!(
        (e.origin.as_deref(), e.path.as_str(), e.line),
        (
            None,
            "segment.power.value",
            1 + BASE[..BASE.find("[[segment]]\nname = \"power\"").unwrap()]
                .matches('\n')
                .count()
        )
    );
}
