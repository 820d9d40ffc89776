//! The market (issue 10): `[market]` and its words, numbers and keys; the segment fields
//! `value`, `value_per_retail` and `shock_churn`; the plan fields `anxiety`, `external` and
//! `quality`; and the combinations menu mode refuses (a segment without a value, a reserved
//! plan name, only external plans) or needs (an external plan). Positive controls: a menu
//! scenario using every field passes `check`; in each mode the menu-only fields are accepted,
//! `check` names them as unused, and a run gives the same CSVs as without them.

use std::fs;

use crate::{BASE, CONFIG, edit, out_tree, plansim, run_args, tree, with_config};

/// The edit target that a `[market]` table goes after (the first line of [`BASE`]).
const TOP: &str = "name = \"base\"\n";
/// The edit target for a field of segment `casual`.
const CASUAL: &str = "monthly_churn = 0.05";
/// The edit target for a field of segment `power`.
const POWER: &str = "output_tokens = 500000";

/// [`TOP`] followed by a `[market]` table holding `lines`.
fn market(lines: &str) -> String {
    format!("{TOP}\n[market]\n{lines}\n")
}

/// [`CASUAL`] followed by `lines`.
fn casual(lines: &str) -> String {
    format!("{CASUAL}\n{lines}")
}

/// [`POWER`] followed by `lines`.
fn power(lines: &str) -> String {
    format!("{POWER}\n{lines}")
}

/// The segments' values of the menu cases: casual by `value`, power by `value_per_retail`.
const VALUES: [(&str, &str); 2] = [
    (CASUAL, "monthly_churn = 0.05\nvalue = 30"),
    (POWER, "output_tokens = 500000\nvalue_per_retail = 0.5"),
];

config_errors! {
    // Words: unknown ones get a suggestion, or the list when none is close.
    unknown_mode_suggests_menu { TOP => market("mode = ¶\"menus\"") } "market.mode"
        ["unknown mode `menus`", "did you mean `menu`?"]
    capitalised_mode_suggests_menu { TOP => market("mode = ¶\"Menu\"") } "market.mode"
        ["unknown mode `Menu`", "did you mean `menu`?"]
    unknown_mode_far_from_any_lists_the_modes { TOP => market("mode = ¶\"auction\"") }
        "market.mode" ["unknown mode `auction`", "expected one of: each, menu"]
    mode_is_an_integer { TOP => market("mode = ¶1") } "market.mode"
        ["expected a string, found an integer"]
    unknown_choice_suggests_logit { TOP => market("choice = ¶\"logti\"") } "market.choice"
        ["unknown choice `logti`", "did you mean `logit`?"]
    unknown_choice_far_from_any_lists_the_rules { TOP => market("choice = ¶\"probit\"") }
        "market.choice" ["unknown choice `probit`", "expected one of: best, logit"]
    unknown_rechoose_suggests_after_shock { TOP => market("rechoose = ¶\"after-shock\"") }
        "market.rechoose" ["unknown rechoose `after-shock`", "did you mean `after_shock`?"]
    unknown_rechoose_far_from_any_lists_them { TOP => market("rechoose = ¶\"weekly\"") }
        "market.rechoose" ["expected one of: never, after_shock, monthly"]

    // Logit needs its scale, and a positive one.
    logit_without_logit_scale { TOP => market("choice = ¶\"logit\"") } "market.logit_scale"
        ["choice = \"logit\" needs `logit_scale`", "> 0"]
    logit_scale_of_zero { TOP => market("choice = \"logit\"\nlogit_scale = ¶0") }
        "market.logit_scale" ["must be > 0, got 0"]
    negative_logit_scale { TOP => market("choice = \"logit\"\nlogit_scale = ¶-5") }
        "market.logit_scale" ["must be > 0, got -5"]
    logit_scale_drawn_down_to_zero
        { TOP => market("choice = \"logit\"\nlogit_scale = ¶{ dist = \"uniform\", min = 0, max = 5 }") }
        "market.logit_scale" ["must be > 0", "add a positive `floor`"]

    // Numbers out of range.
    negative_shock_threshold { TOP => market("shock_threshold = ¶-0.1") }
        "market.shock_threshold" ["must be >= 0, got -0.1"]
    negative_new_users_per_month { TOP => market("new_users_per_month = ¶-1") }
        "market.new_users_per_month" ["must be >= 0, got -1"]
    value_curvature_of_zero { TOP => market("value_curvature = ¶0") }
        "market.value_curvature" ["must be in (0, 1], got 0"]
    value_curvature_above_one { TOP => market("value_curvature = ¶1.5") }
        "market.value_curvature" ["must be in (0, 1], got 1.5"]
    value_curvature_drawn_down_to_zero
        { TOP => market("value_curvature = ¶{ dist = \"uniform\", min = 0, max = 1 }") }
        "market.value_curvature" ["must be in (0, 1]", "can produce values in [0, 1]"]
    shock_churn_above_one { CASUAL => casual("shock_churn = ¶1.5") }
        "segment.casual.shock_churn" ["must be in [0, 1], got 1.5"]
    negative_shock_churn { POWER => power("shock_churn = ¶-0.1") }
        "segment.power.shock_churn" ["must be in [0, 1], got -0.1"]
    negative_value { CASUAL => casual("value = ¶-5") } "segment.casual.value"
        ["must be >= 0, got -5"]
    value_drawn_below_zero { CASUAL => casual("value = ¶{ dist = \"normal\", mean = 40, sd = 10 }") }
        "segment.casual.value" ["must be >= 0", "add `floor = 0`"]
    negative_value_per_retail { POWER => power("value_per_retail = ¶-0.5") }
        "segment.power.value_per_retail" ["must be >= 0, got -0.5"]
    negative_anxiety { "kind = \"payg\"" => "kind = \"payg\"\nanxiety = ¶-1" } "plan.api.anxiety"
        ["must be >= 0, got -1"]
    quality_above_one { "cap = 100" => "cap = 100\nquality = ¶1.2" } "plan.max.quality"
        ["must be in [0, 1], got 1.2"]
    negative_quality { "included = 20" => "included = 20\nquality = ¶-0.1" }
        "plan.hybrid.quality" ["must be in [0, 1], got -0.1"]
    external_is_a_string { "cap = 100" => "cap = 100\nexternal = ¶\"yes\"" } "plan.max.external"
        ["expected true or false, found a string"]
    external_is_an_integer { "cap = 100" => "cap = 100\nexternal = ¶1" } "plan.max.external"
        ["expected true or false, found an integer"]

    // Unknown keys, and a market that is not a table.
    unknown_market_field_suggests_mode { TOP => market("¶mdoe = \"menu\"") } "market.mdoe"
        ["unknown field `mdoe`", "did you mean `mode`?"]
    unknown_market_field_far_from_any_lists_the_fields { TOP => market("¶users = 5") }
        "market.users" ["unknown field `users`",
        "expected one of: mode, choice, logit_scale, rechoose, shock_threshold, \
         new_users_per_month, value_curvature"]
    market_is_a_number { TOP => "name = \"base\"\nmarket = ¶3\n" } "market"
        ["expected a table, found an integer"]

    // Combinations.
    value_and_value_per_retail { CASUAL => casual("value = 30\nvalue_per_retail = ¶0.5") }
        "segment.casual.value_per_retail" ["`value`", "`value_per_retail`", "not both"]
    external_plan_without_market { "cap = 100" => "cap = 100\nexternal = ¶true" }
        "plan.max.external" ["plan `max` is external", "needs menu mode"]
    external_plan_in_each_mode
        { TOP => market("mode = \"each\""), "cap = 100" => "cap = 100\nexternal = ¶true" }
        "plan.max.external" ["plan `max` is external", "needs menu mode"]
    menu_segment_without_a_value
        { TOP => market("mode = \"menu\""), CASUAL => casual("value = 30"),
          "[[segment]]\nname = \"power\"" => "¶[[segment]]\nname = \"power\"" }
        "segment.power.value"
        ["segment `power` needs `value`", "or `value_per_retail` in menu mode"]
    menu_plan_named_none
        { TOP => market("mode = \"menu\""), VALUES[0].0 => VALUES[0].1, VALUES[1].0 => VALUES[1].1,
          "name = \"max\"" => "name = ¶\"none\"" }
        "plan.none.name" ["`none` is a reserved name in menu mode"]
    menu_plan_named_portfolio
        { TOP => market("mode = \"menu\""), VALUES[0].0 => VALUES[0].1, VALUES[1].0 => VALUES[1].1,
          "name = \"api\"" => "name = ¶\"portfolio\"" }
        "plan.portfolio.name" ["`portfolio` is a reserved name in menu mode"]
    menu_with_only_external_plans
        { TOP => market("mode = \"menu\""), VALUES[0].0 => VALUES[0].1, VALUES[1].0 => VALUES[1].1,
          "[[plan]]\nname = \"api\"" => "¶[[plan]]\nname = \"api\"",
          "kind = \"payg\"" => "kind = \"payg\"\nexternal = true",
          "kind = \"flat\"" => "kind = \"flat\"\nexternal = true",
          "kind = \"credit\"" => "kind = \"credit\"\nexternal = true",
          "kind = \"hybrid\"" => "kind = \"hybrid\"\nexternal = true" }
        "plan" ["menu mode needs at least one plan of ours"]
}

// ---------------------------------------------------------------------------------------------
// Positive controls
// ---------------------------------------------------------------------------------------------

/// `plansim check` of `text`: asserts it passes and writes nothing, returns stdout.
fn passes_check(text: &str) -> String {
    let dir = with_config(text);
    let run = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert!(run.stdout.contains("valid"), "{}", run.describe());
    assert_eq!(tree(dir.path()), [CONFIG], "check wrote files");
    run.stdout
}

/// The `note: unused in each mode` lines of a check's output.
fn unused_notes(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.starts_with("note: unused in each mode"))
        .collect()
}

/// A menu scenario using every new field: logit choice, re-choices, arrivals, a concave value,
/// both kinds of value, shock churn, an external plan, anxiety and quality.
fn menu_scenario() -> String {
    edit(
        BASE,
        &[
            (
                TOP,
                market(
                    "mode = \"menu\"\nchoice = \"logit\"\nlogit_scale = 25\n\
                     rechoose = \"after_shock\"\nshock_threshold = 0.5\n\
                     new_users_per_month = 4\nvalue_curvature = 0.7",
                ),
            ),
            (
                CASUAL,
                casual("value = { dist = \"lognormal\", median = 40, p95 = 150 }"),
            ),
            (POWER, power("value_per_retail = 0.3\nshock_churn = 0.2")),
            ("kind = \"payg\"", "kind = \"payg\"\nanxiety = 8".into()),
            (
                "cap = 100",
                "cap = 100\nexternal = true\nquality = 0.85".into(),
            ),
        ],
    )
}

#[test]
fn menu_scenario_with_every_market_field_passes_check() {
    let out = passes_check(&menu_scenario());
    assert_eq!(unused_notes(&out), Vec::<&str>::new(), "{out}");
}

#[test]
fn each_mode_accepts_the_menu_fields_and_check_names_them_unused() {
    // The menu scenario, flipped to each mode; its external plan back to ours.
    let text = edit(
        &menu_scenario(),
        &[
            ("mode = \"menu\"", "mode = \"each\"".into()),
            ("external = true\n", String::new()),
        ],
    );
    let out = passes_check(&text);
    assert_eq!(
        unused_notes(&out),
        [
            "note: unused in each mode, where every user is billed on every plan (they matter \
          only when users choose a plan, [market] mode = \"menu\"): segment.casual.value, \
          segment.power.value_per_retail, segment.power.shock_churn, plan.api.anxiety, \
          plan.max.quality, market.choice, market.logit_scale, market.rechoose, \
          market.value_curvature"
        ],
        "{out}"
    );
    // Without [market] (each mode by default), values alone.
    let out = passes_check(&edit(BASE, &VALUES.map(|(f, t)| (f, t.to_string()))));
    assert_eq!(
        unused_notes(&out),
        [
            "note: unused in each mode, where every user is billed on every plan (they matter \
          only when users choose a plan, [market] mode = \"menu\"): segment.casual.value, \
          segment.power.value_per_retail"
        ],
        "{out}"
    );
    // Nothing to say about a scenario without them.
    assert_eq!(unused_notes(&passes_check(BASE)), Vec::<&str>::new());
}

#[test]
fn reserved_names_are_plain_plan_names_in_each_mode() {
    let text = edit(
        BASE,
        &[
            ("name = \"api\"", "name = \"none\"".into()),
            ("name = \"max\"", "name = \"portfolio\"".into()),
        ],
    );
    passes_check(&text);
}

#[test]
fn each_mode_run_with_the_menu_fields_writes_the_same_csvs_as_without() {
    let with = edit(
        BASE,
        &[
            (
                CASUAL,
                casual("value = { dist = \"lognormal\", median = 40, p95 = 150 }\nshock_churn = 1"),
            ),
            (POWER, power("value_per_retail = 0.3")),
            (
                "kind = \"payg\"",
                "kind = \"payg\"\nanxiety = 8\nquality = 0.5".into(),
            ),
        ],
    );
    let mut csvs = Vec::new();
    for text in [BASE.to_string(), with] {
        let dir = with_config(&text);
        let run = plansim(dir.path(), &run_args(&["--out", "out"]));
        assert_eq!(run.code, Some(0), "{}", run.describe());
        let mut expected = out_tree("out");
        expected.push(CONFIG.into());
        assert_eq!(tree(dir.path()), expected, "outputs or leftovers");
        let read = |name: &str| fs::read_to_string(dir.path().join("out").join(name)).expect(name);
        csvs.push(
            [
                "summary.csv",
                "trials.csv",
                "segments.csv",
                "deciles.csv",
                "monthly.csv",
                "sensitivity.csv",
                "tail.csv",
            ]
            .map(read),
        );
    }
    assert_eq!(
        csvs[0], csvs[1],
        "the menu-only fields changed an each-mode run"
    );
}
