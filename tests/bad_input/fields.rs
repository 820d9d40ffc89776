//! Fields that should not be there (unknown or misspelt, with a suggestion when a known name is
//! close, the list of fields when none is) and required fields that are missing, all of them
//! reported at once. Plan kinds are in `plans`, distribution parameters that are missing in
//! `distributions`.

use crate::{BASE, Line, at, config_case_lines, edit};

config_errors! {
    // Unknown fields at the top level and in the fixed sections.
    unknown_top_level_field_suggests_description
        { "name = \"base\"" => "name = \"base\"\n¶descripton = \"x\"" } "descripton"
        ["unknown field `descripton`", "did you mean `description`?"]
    unknown_top_level_field_far_from_any_lists_the_fields
        { "name = \"base\"" => "name = \"base\"\n¶colour = \"red\"" } "colour"
        ["unknown field `colour`",
         "expected one of: name, description, simulation, retail, cost, segment, plan, market"]
    unknown_table_header_suggests_retail { "[retail]" => "[¶retial]" } "retial"
        ["unknown field `retial`", "did you mean `retail`?"]
    unknown_simulation_field_suggests_trials { "trials = 2" => "¶trails = 2" }
        "simulation.trails" ["unknown field `trails`", "did you mean `trials`?"]
    unknown_simulation_field_far_from_any_lists_the_fields
        { "seed = 1" => "seed = 1\n¶threads = 4" } "simulation.threads"
        ["expected one of: trials, users, months, seed, precision"]
    unknown_retail_field_suggests_output { "output = 25.0" => "¶ouput = 25.0" } "retail.ouput"
        ["unknown field `ouput`", "did you mean `output`?"]

    // Unknown fields in a segment.
    unknown_segment_field_suggests_share { "share = 0.6" => "¶sahre = 0.6" }
        "segment.casual.sahre" ["unknown field `sahre`", "did you mean `share`?"]
    unknown_segment_field_with_a_letter_missing_suggests_share
        { "share = 0.6" => "¶shar = 0.6" } "segment.casual.shar"
        ["unknown field `shar`", "did you mean `share`?"]
    unknown_segment_field_suggests_monthly_churn
        { "monthly_churn = 0.05" => "¶monthly_chrun = 0.05" } "segment.casual.monthly_chrun"
        ["did you mean `monthly_churn`?"]
    unknown_field_far_from_any_lists_the_fields { "share = 0.4" => "share = 0.4\n¶region = 1" }
        "segment.power.region" ["unknown field `region`", "expected one of: name, share"]
    unknown_string_field_far_from_any_lists_the_fields
        { "share = 0.6" => "share = 0.6\n¶region = \"eu\"" } "segment.casual.region"
        ["unknown field `region`", "expected one of: name, share, output_tokens"]

    // Unknown fields in a plan and its tables.
    unknown_plan_field_suggests_cap { "cap = 100" => "¶caps = 100" } "plan.max.caps"
        ["unknown field `caps`", "did you mean `cap`?"]
    unknown_plan_field_with_letters_swapped_suggests_cap { "cap = 100" => "¶cpa = 100" }
        "plan.max.cpa" ["unknown field `cpa`", "did you mean `cap`?"]
    unknown_plan_field_far_from_any_lists_the_fields
        { "cap = 100" => "cap = 100\n¶discount = 0.1" } "plan.max.discount"
        ["expected one of: name, kind, usage_response, anxiety, external, quality, price_schedule, \
          loyalty, per_seat, price, cap"]
    unknown_top_up_field_suggests_probability { "probability = 0.3" => "¶probabilty = 0.3" }
        "plan.credits.top_up.probabilty" ["did you mean `probability`?"]

    // Unknown distribution parameters.
    unknown_distribution_parameter_suggests_median { "median = 100000" => "¶medain = 100000" }
        "segment.casual.output_tokens.medain" ["unknown field `medain`", "did you mean `median`?"]
    unknown_distribution_parameter_far_from_any_lists_the_parameters
        { "median = 100000" => "¶xyzzy = 100000" } "segment.casual.output_tokens.xyzzy"
        ["unknown field `xyzzy`", "expected one of: mu, sigma, median"]

    // Missing required fields: the error points at the table that lacks one (line 1, column 1
    // for the top level).
    missing_scenario_name { "name = \"base\"\n" => "" } "name" ["missing required field `name`"]
    missing_cost_section { "[cost]\ninput = 0.5\noutput = 2.5\nannual_decline = 0.4\n" => "" }
        "cost" ["missing required field `cost`"]
    missing_retail_output { "[retail]" => "¶[retail]", "output = 25.0\n" => "" }
        "retail.output" ["missing required field `output`"]
    missing_segment_output_tokens
        { "[[segment]]\nname = \"power\"" => "¶[[segment]]\nname = \"power\"",
          "output_tokens = 500000\n" => "" }
        "segment.power.output_tokens" ["missing required field `output_tokens`"]
    missing_flat_price
        { "[[plan]]\nname = \"max\"" => "¶[[plan]]\nname = \"max\"", "price = 20\ncap" => "cap" }
        "plan.max.price" ["missing required field `price`"]
    missing_credit_burn
        { "[[plan]]\nname = \"credits\"" => "¶[[plan]]\nname = \"credits\"",
          "burn = { input = 500, output = 2500 }\n" => "" }
        "plan.credits.burn" ["missing required field `burn`"]
}

/// A half-written scenario: every missing required field is reported at once, each on its own
/// line at the table that lacks it, in the order read, and a plan whose name is known is named.
#[test]
fn every_missing_required_field_is_reported_at_once() {
    let text = edit(
        BASE,
        &[
            ("output = 25.0\n", String::new()),
            ("output_tokens = 500000\n", String::new()),
            ("kind = \"payg\"\n", String::new()),
            ("price = 20\ncap", "cap".into()),
            ("burn = { input = 500, output = 2500 }\n", String::new()),
        ],
    );
    let lines = [
        at(&text, "[retail]", "retail.output"),
        at(
            &text,
            "[[segment]]\nname = \"power\"",
            "segment.power.output_tokens",
        ),
        at(&text, "[[plan]]\nname = \"api\"", "plan.api.kind"),
        at(&text, "[[plan]]\nname = \"max\"", "plan.max.price"),
        at(&text, "[[plan]]\nname = \"credits\"", "plan.credits.burn"),
    ];
    let words: [&[&str]; 5] = [
        &["missing required field `output` in `retail`"],
        &["missing required field `output_tokens` in `segment.power`"],
        &["missing required field `kind` in `plan.api`"],
        &["missing required field `price` in `plan.max`"],
        &["missing required field `burn` in `plan.credits`"],
    ];
    let expected: Vec<Line<'_>> = lines.iter().map(String::as_str).zip(words).collect();
    config_case_lines(&text, &expected);
}

/// Missing fields are collected until another kind of problem, which ends the reading (what
/// follows could be its consequence) and comes last.
#[test]
fn missing_fields_then_another_problem_stop_there() {
    let text = edit(
        BASE,
        &[
            ("output = 25.0\n", String::new()),
            ("kind = \"flat\"", "kind = \"flatt\"".into()),
            ("burn = { input = 500, output = 2500 }\n", String::new()),
        ],
    );
    let missing = at(&text, "[retail]", "retail.output");
    let kind = at(&text, "\"flatt\"", "plan.max.kind");
    config_case_lines(
        &text,
        &[
            (&missing, &["missing required field `output`"]),
            (
                &kind,
                &["unknown plan kind `flatt`", "did you mean `flat`?"],
            ),
        ],
    );
}

/// At most 20 problems are shown; a last line counts the rest.
#[test]
fn at_most_twenty_missing_fields_are_shown() {
    let mut text = BASE.to_string();
    for i in 0..25 {
        text.push_str(&format!("\n[[plan]]\nname = \"p{i}\"\n"));
    }
    let lines: Vec<String> = (0..20)
        .map(|i| {
            at(
                &text,
                &format!("[[plan]]\nname = \"p{i}\"\n"),
                &format!("plan.p{i}.kind"),
            )
        })
        .collect();
    let mut expected: Vec<Line<'_>> = lines
        .iter()
        .map(|l| (l.as_str(), &["missing required field `kind`"][..]))
        .collect();
    expected.push((
        "error: scenario.toml: 5 more missing required fields not shown",
        &[],
    ));
    config_case_lines(&text, &expected);
}
