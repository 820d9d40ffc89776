//! Prices that move over time (issue 11, section 1): `[retail] annual_decline` outside [0, 1];
//! a plan's `price_schedule` whose months do not start at 0 or do not strictly increase, with a
//! negative factor (plain or a distribution that can go below 0), empty, not an array, with an
//! unknown or missing key or a fractional month; `loyalty` with a discount outside [0, 1] or
//! `after_months` negative or not whole. Positive control: drawn factors and discounts inside
//! their ranges pass `check`.

use crate::{BASE, CONFIG, edit, plansim, with_config};

/// The edit target for a plan's keys (the flat plan `max`).
const PLAN: &str = "cap = 100";

/// [`PLAN`] followed by `line`.
fn plan(line: &str) -> String {
    format!("{PLAN}\n{line}")
}

/// The edit target for a `[retail]` key.
const RETAIL: &str = "output = 25.0";

config_errors! {
    schedule_months_not_increasing {
        PLAN => plan("price_schedule = [{ from_month = 0, factor = 1 }, \
                      { from_month = 6, factor = 0.8 }, { from_month = ¶6, factor = 0.5 }]")
    } "plan.max.price_schedule.2.from_month"
        ["from_month must be strictly increasing", "6 does not come after the previous step's 6"]
    schedule_months_decreasing {
        PLAN => plan("price_schedule = [{ from_month = 0, factor = 1 }, \
                      { from_month = 12, factor = 0.8 }, { from_month = ¶3, factor = 0.5 }]")
    } "plan.max.price_schedule.2.from_month"
        ["strictly increasing", "3 does not come after the previous step's 12"]
    schedule_first_month_not_zero {
        PLAN => plan("price_schedule = [{ from_month = ¶1, factor = 1 }]")
    } "plan.max.price_schedule.0.from_month"
        ["the first step of a price schedule starts at month 0, got 1"]
    schedule_negative_factor {
        PLAN => plan("price_schedule = [{ from_month = 0, factor = ¶-0.5 }]")
    } "plan.max.price_schedule.0.factor"
        ["must be >= 0, got -0.5"]
    schedule_factor_distribution_below_zero {
        PLAN => plan("price_schedule = [{ from_month = 0, factor = 1 }, \
                      { from_month = 12, factor = ¶{ dist = \"normal\", mean = 0.8, sd = 0.1 } }]")
    } "plan.max.price_schedule.1.factor"
        ["must be >= 0", "can produce values in (-inf, inf)", "floor = 0"]
    schedule_empty { PLAN => plan("price_schedule = ¶[]") } "plan.max.price_schedule"
        ["needs at least one step", "from_month = 0"]
    schedule_not_an_array { PLAN => plan("price_schedule = ¶0.8") } "plan.max.price_schedule"
        ["expected an array of { from_month, factor } tables, found"]
    schedule_step_not_a_table {
        PLAN => plan("price_schedule = [¶0.8]")
    } "plan.max.price_schedule.0" ["expected a table"]
    schedule_step_unknown_key {
        PLAN => plan("price_schedule = [{ ¶from_mnth = 0, factor = 1 }]")
    } "plan.max.price_schedule.0.from_mnth"
        ["unknown field `from_mnth`", "did you mean `from_month`?"]
    schedule_step_unrelated_key {
        PLAN => plan("price_schedule = [{ from_month = 0, factor = 1, ¶until = 3 }]")
    } "plan.max.price_schedule.0.until"
        ["unknown field `until`", "expected one of: from_month, factor"]
    schedule_step_missing_factor {
        PLAN => plan("price_schedule = [¶{ from_month = 0 }]")
    } "plan.max.price_schedule.0.factor" ["missing required field `factor`"]
    schedule_fractional_month {
        PLAN => plan("price_schedule = [{ from_month = 0, factor = 1 }, \
                      { from_month = ¶1.5, factor = 0.5 }]")
    } "plan.max.price_schedule.1.from_month" ["expected a whole number, found 1.5"]
    loyalty_discount_above_one {
        PLAN => plan("loyalty = { after_months = 12, discount = ¶1.2 }")
    } "plan.max.loyalty.discount" ["must be in [0, 1], got 1.2"]
    loyalty_discount_negative {
        PLAN => plan("loyalty = { after_months = 12, discount = ¶-0.1 }")
    } "plan.max.loyalty.discount" ["must be in [0, 1], got -0.1"]
    loyalty_discount_distribution_above_one {
        PLAN => plan("loyalty = { after_months = 12, \
                      discount = ¶{ dist = \"uniform\", min = 0.5, max = 1.5 } }")
    } "plan.max.loyalty.discount" ["must be in [0, 1]", "can produce values"]
    loyalty_after_months_negative {
        PLAN => plan("loyalty = { after_months = ¶-1, discount = 0.2 }")
    } "plan.max.loyalty.after_months" ["must be a whole number >= 0, got -1"]
    loyalty_after_months_not_whole {
        PLAN => plan("loyalty = { after_months = ¶1.5, discount = 0.2 }")
    } "plan.max.loyalty.after_months" ["expected a whole number, found 1.5"]
    loyalty_after_months_a_distribution {
        PLAN => plan("loyalty = { after_months = ¶{ dist = \"uniform\", min = 1, max = 3 }, \
                      discount = 0.2 }")
    } "plan.max.loyalty.after_months" ["expected an integer, found"]
    loyalty_missing_discount {
        PLAN => plan("loyalty = ¶{ after_months = 12 }")
    } "plan.max.loyalty.discount" ["missing required field `discount`"]
    loyalty_unknown_key {
        PLAN => plan("loyalty = { after_months = 12, ¶discont = 0.2 }")
    } "plan.max.loyalty.discont" ["unknown field `discont`", "did you mean `discount`?"]
    loyalty_not_a_table { PLAN => plan("loyalty = ¶0.2") } "plan.max.loyalty"
        ["expected a table"]
    retail_decline_above_one {
        RETAIL => format!("{RETAIL}\nannual_decline = ¶1.5")
    } "retail.annual_decline" ["must be in [0, 1], got 1.5"]
    retail_decline_negative {
        RETAIL => format!("{RETAIL}\nannual_decline = ¶-0.2")
    } "retail.annual_decline" ["must be in [0, 1], got -0.2"]
    retail_decline_distribution_above_one {
        RETAIL => format!("{RETAIL}\nannual_decline = ¶{{ dist = \"uniform\", min = 0.5, max = 2 }}")
    } "retail.annual_decline" ["must be in [0, 1]", "can produce values"]
    retail_unknown_key {
        RETAIL => format!("{RETAIL}\n¶anual_decline = 0.2")
    } "retail.anual_decline" ["unknown field `anual_decline`", "did you mean `annual_decline`?"]
}

#[test]
fn drawn_factors_discounts_and_declines_in_range_pass_check() {
    let text = edit(
        BASE,
        &[
            (
                PLAN,
                plan(
                    "price_schedule = [{ from_month = 0, factor = 1 }, { from_month = 1, \
                     factor = { dist = \"uniform\", min = 0.5, max = 1 } }]\n\
                     loyalty = { after_months = 1, discount = { dist = \"beta\", alpha = 2, beta = 8 } }",
                ),
            ),
            (
                RETAIL,
                format!("{RETAIL}\nannual_decline = {{ dist = \"uniform\", min = 0, max = 0.6 }}"),
            ),
        ],
    );
    let dir = with_config(text);
    let run = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
    let run = plansim(dir.path(), &["run", CONFIG, "--out", "out", "--quiet"]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
}
