//! Tiers (issue 11): `tiers` and `tier_mode` on payg and hybrid plans. Refused: bounds that do
//! not strictly increase (fixed, or drawn with overlapping ranges), a last band with `up_to`
//! (no open band), a band before the last without it, no band at all, a rate or bound out of
//! range, an unknown or misspelt `tier_mode`, `tier_mode` without `tiers`, unknown or missing
//! band keys, wrong types, and tier fields on a flat or credit plan. Positive control: tiers in
//! both spellings (an inline array and `[[plan.tiers]]` sections), with a drawn bound, pass
//! `check` and run, and the drawn bound is a trials.csv column.

use std::fs;

use crate::{BASE, CONFIG, edit, plansim, run_args, with_config};

/// The edit target for a field of the payg plan `api`.
const PAYG: &str = "kind = \"payg\"";
/// The edit target for a field of the hybrid plan `hybrid` (its last line).
const HYBRID: &str = "included = 20\n";

/// [`PAYG`] followed by `lines`.
fn payg(lines: &str) -> String {
    format!("{PAYG}\n{lines}")
}

config_errors! {
    // Bounds: strictly increasing, every band bounded but the last, the last open.
    equal_bounds_are_refused
        { PAYG => payg("tiers = [{ up_to = 100, rate = 1 }, { up_to = ¶100, rate = 0.8 }, { rate = 0.6 }]") }
        "plan.api.tiers[1].up_to"
        ["must be greater than the previous band's `up_to` (100), got 100"]
    decreasing_bounds_are_refused
        { PAYG => payg("tiers = [{ up_to = 100, rate = 1 }, { up_to = ¶50, rate = 0.8 }, { rate = 0.6 }]") }
        "plan.api.tiers[1].up_to"
        ["must be greater than the previous band's `up_to` (100), got 50"]
    drawn_bounds_that_may_cross_are_refused
        { PAYG => payg("tiers = [{ up_to = 100, rate = 1 }, \
                        { up_to = ¶{ dist = \"uniform\", min = 50, max = 150 }, rate = 0.8 }, { rate = 0.6 }]") }
        "plan.api.tiers[1].up_to"
        ["for every draw", "can reach 100", "as low as 50"]
    missing_last_open_band
        { PAYG => payg("tiers = [{ up_to = 100, rate = 1 }, { up_to = ¶1000, rate = 0.8 }]") }
        "plan.api.tiers[1].up_to" ["the last band must be open", "remove `up_to`"]
    up_to_on_the_only_band { PAYG => payg("tiers = [{ up_to = ¶100, rate = 1 }]") }
        "plan.api.tiers[0].up_to" ["the last band must be open"]
    open_band_before_the_last
        { PAYG => payg("tiers = [¶{ rate = 1 }, { rate = 0.8 }]") }
        "plan.api.tiers[0].up_to"
        ["missing required field `up_to` in `plan.api.tiers[0]`", "only the last band is open"]
    no_band_at_all { PAYG => payg("tiers = ¶[]") } "plan.api.tiers"
        ["needs at least one band"]

    // Values out of range.
    negative_rate
        { PAYG => payg("tiers = [{ up_to = 100, rate = 1 }, { rate = ¶-0.6 }]") }
        "plan.api.tiers[1].rate" ["must be >= 0", "-0.6"]
    zero_bound { PAYG => payg("tiers = [{ up_to = ¶0, rate = 1 }, { rate = 0.6 }]") }
        "plan.api.tiers[0].up_to" ["must be > 0"]
    drawn_rate_that_may_be_negative
        { PAYG => payg("tiers = [{ rate = ¶{ dist = \"normal\", mean = 1, sd = 0.1 } }]") }
        "plan.api.tiers[0].rate" ["must be >= 0", "add `floor = 0`"]

    // tier_mode.
    unknown_tier_mode { PAYG => payg("tiers = [{ rate = 0.9 }]\ntier_mode = ¶\"tiered\"") }
        "plan.api.tier_mode" ["unknown tier_mode `tiered`", "expected one of: graduated, volume"]
    misspelt_tier_mode { PAYG => payg("tiers = [{ rate = 0.9 }]\ntier_mode = ¶\"volumme\"") }
        "plan.api.tier_mode" ["did you mean `volume`?"]
    tier_mode_is_not_a_string { PAYG => payg("tiers = [{ rate = 0.9 }]\ntier_mode = ¶1") }
        "plan.api.tier_mode" ["expected a string, found an integer"]
    tier_mode_without_tiers { PAYG => payg("tier_mode = ¶\"volume\"") } "plan.api.tier_mode"
        ["`tier_mode` applies only with `tiers`"]

    // Keys and types of the bands.
    unknown_band_key
        { PAYG => payg("tiers = [{ up_to = 100, ¶cap = 5, rate = 1 }, { rate = 0.6 }]") }
        "plan.api.tiers[0].cap" ["unknown field `cap`", "expected one of: up_to, rate"]
    misspelt_band_key { PAYG => payg("tiers = [{ ¶rat = 1 }]") } "plan.api.tiers[0].rat"
        ["did you mean `rate`?"]
    band_without_rate { PAYG => payg("tiers = [¶{ up_to = 100 }, { rate = 0.6 }]") }
        "plan.api.tiers[0].rate" ["missing required field `rate` in `plan.api.tiers[0]`"]
    tiers_is_not_an_array { PAYG => payg("tiers = ¶0.8") } "plan.api.tiers"
        ["expected an array of tables, found a float"]
    band_is_not_a_table { PAYG => payg("tiers = [¶1, 2]") } "plan.api.tiers[0]"
        ["expected a table, found an integer"]

    // On hybrid, in [[plan.tiers]] sections.
    hybrid_sections_with_equal_bounds
        { HYBRID => format!("{HYBRID}[[plan.tiers]]\nup_to = 10\nrate = 1\n\
                             [[plan.tiers]]\nup_to = ¶10\nrate = 0.5\n[[plan.tiers]]\nrate = 0.2\n") }
        "plan.hybrid.tiers[1].up_to" ["must be greater than the previous band's `up_to` (10)"]
    hybrid_unknown_tier_mode
        { HYBRID => format!("{HYBRID}tiers = [{{ rate = 0.9 }}]\ntier_mode = ¶\"flat\"\n") }
        "plan.hybrid.tier_mode" ["unknown tier_mode `flat`"]

    // Tier fields belong to payg and hybrid only.
    tiers_on_a_flat_plan { "cap = 100" => "cap = 100\n¶tiers = [{ rate = 0.9 }]" }
        "plan.max.tiers" ["unknown field `tiers`", "expected one of:"]
    tier_mode_on_a_flat_plan { "cap = 100" => "cap = 100\n¶tier_mode = \"volume\"" }
        "plan.max.tier_mode" ["unknown field `tier_mode`"]
    tiers_on_a_credit_plan { "credits = 2000" => "credits = 2000\n¶tiers = [{ rate = 0.9 }]" }
        "plan.credits.tiers" ["unknown field `tiers`"]
}

/// Tiers in both spellings, with a drawn bound and both modes, pass `check` and run; the
/// drawn bound is a trials.csv column named by its path.
#[test]
fn tiers_in_both_spellings_pass_check_and_run() {
    let text = edit(
        BASE,
        &[
            (
                PAYG,
                payg(
                    "tiers = [{ up_to = 10, rate = 1.0 }, \
                     { up_to = { dist = \"uniform\", min = 20, max = 30 }, rate = 0.8 }, \
                     { rate = 0.6 }]\ntier_mode = \"volume\"",
                ),
            ),
            (
                HYBRID,
                format!(
                    "{HYBRID}spend_cap = 40\n[[plan.tiers]]\nup_to = 5\nrate = 1\n\
                     [[plan.tiers]]\nrate = 0.5\n"
                ),
            ),
        ],
    );
    let dir = with_config(&text);
    let check = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(check.code, Some(0), "{}", check.describe());
    assert!(check.stdout.contains("valid"), "{}", check.describe());
    let run = plansim(dir.path(), &run_args(&["--out", "out"]));
    assert_eq!(run.code, Some(0), "{}", run.describe());
    let trials = fs::read_to_string(dir.path().join("out/trials.csv")).expect("trials.csv");
    let header = trials.lines().next().expect("a header");
    assert!(
        header.split(',').any(|c| c == "plan.api.tiers[1].up_to"),
        "{header}"
    );
}
