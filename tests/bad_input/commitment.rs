//! Committed-use discounts (issue 11, section 3): `commitment` on a flat, credit or outcome
//! plan, or on a `per_seat` plan; a negative amount (plain or a distribution that can go below 0); `term_months` 0,
//! fractional, negative or a word; a discount of 1, above 1, below 0 or a distribution that can
//! reach 1; `prorate_on_exit` not a boolean; unknown, misspelt and missing keys; a commitment
//! that is not a table. Positive control: a per-user amount distribution and a drawn discount
//! on payg and hybrid pass `check` and run, with a team segment (its seats each hold their own
//! commitment on plans without `per_seat`), in each mode and in menu mode, and the drawn
//! discount is a trials.csv column.

use std::fs;

use crate::{BASE, CONFIG, edit, plansim, run_args, with_config};

/// The edit target for a field of the payg plan `api`.
const PAYG: &str = "kind = \"payg\"";
/// The edit target for a field of the hybrid plan `hybrid` (its last line).
const HYBRID: &str = "included = 20\n";
/// The edit target for a field of segment `power`.
const POWER: &str = "output_tokens = 500000";

/// [`PAYG`] followed by `lines`.
fn payg(lines: &str) -> String {
    format!("{PAYG}\n{lines}")
}

config_errors! {
    // Kinds without a commitment.
    commitment_on_a_flat_plan
        { "cap = 100" => "cap = 100\ncommitment = ¶{ amount = 100, term_months = 12, discount = 0.4 }" }
        "plan.max.commitment" ["applies only to payg and hybrid plans", "kind = \"flat\""]
    commitment_on_a_credit_plan
        { "credits = 2000" => "credits = 2000\ncommitment = ¶{ amount = 100, term_months = 12, discount = 0.4 }" }
        "plan.credits.commitment" ["applies only to payg and hybrid plans", "kind = \"credit\""]
    commitment_on_an_outcome_plan
        { "output_tokens = { dist = \"lognormal\", median = 100000, p99 = 1000000 }" =>
              "tasks = 10\noutput_per_task = 1000",
          "output_tokens = 500000" => "tasks = 40\noutput_per_task = 5000",
          HYBRID => format!("{HYBRID}\n[[plan]]\nname = \"review\"\nkind = \"outcome\"\n\
                             price_per_success = 2\n\
                             commitment = ¶{{ amount = 100, term_months = 12, discount = 0.4 }}\n") }
        "plan.review.commitment" ["applies only to payg and hybrid plans", "kind = \"outcome\""]

    // A per_seat plan bills team accounts, which commitments do not model.
    commitment_on_a_per_seat_plan
        { PAYG => payg("per_seat = true\ncommitment = ¶{ amount = 100, term_months = 12, discount = 0.4 }") }
        "plan.api.commitment" ["not simulated on a `per_seat` plan", "remove `per_seat` or the commitment"]

    // The amount.
    negative_amount
        { PAYG => payg("commitment = { amount = ¶-1, term_months = 12, discount = 0.4 }") }
        "plan.api.commitment.amount" ["must be >= 0, got -1"]
    amount_distribution_below_zero
        { PAYG => payg("commitment = { amount = ¶{ dist = \"normal\", mean = 100, sd = 10 }, \
                        term_months = 12, discount = 0.4 }") }
        "plan.api.commitment.amount" ["must be >= 0", "can produce values in (-inf, inf)"]
    missing_amount
        { PAYG => payg("commitment = ¶{ term_months = 12, discount = 0.4 }") }
        "plan.api.commitment.amount" ["missing required field `amount` in `plan.api.commitment`"]

    // The term.
    term_of_zero_months
        { PAYG => payg("commitment = { amount = 100, term_months = ¶0, discount = 0.4 }") }
        "plan.api.commitment.term_months" ["term_months must be >= 1, got 0"]
    fractional_term
        { PAYG => payg("commitment = { amount = 100, term_months = ¶6.5, discount = 0.4 }") }
        "plan.api.commitment.term_months" ["expected a whole number, found 6.5"]
    negative_term
        { PAYG => payg("commitment = { amount = 100, term_months = ¶-12, discount = 0.4 }") }
        "plan.api.commitment.term_months" ["must be a whole number >= 0, got -12"]
    term_as_a_distribution
        { PAYG => payg("commitment = { amount = 100, term_months = ¶{ dist = \"uniform\", min = 6, max = 12 }, discount = 0.4 }") }
        "plan.api.commitment.term_months" ["expected an integer, found a table"]
    missing_term
        { PAYG => payg("commitment = ¶{ amount = 100, discount = 0.4 }") }
        "plan.api.commitment.term_months" ["missing required field `term_months` in `plan.api.commitment`"]

    // The discount.
    discount_of_one
        { PAYG => payg("commitment = { amount = 100, term_months = 12, discount = ¶1 }") }
        "plan.api.commitment.discount" ["must be in [0, 1), got 1"]
    discount_above_one
        { HYBRID => format!("{HYBRID}commitment = {{ amount = 100, term_months = 12, discount = ¶1.5 }}\n") }
        "plan.hybrid.commitment.discount" ["must be in [0, 1), got 1.5"]
    negative_discount
        { PAYG => payg("commitment = { amount = 100, term_months = 12, discount = ¶-0.1 }") }
        "plan.api.commitment.discount" ["must be in [0, 1), got -0.1"]
    discount_distribution_reaching_one
        { PAYG => payg("commitment = { amount = 100, term_months = 12, \
                        discount = ¶{ dist = \"uniform\", min = 0.2, max = 1 } }") }
        "plan.api.commitment.discount" ["must be in [0, 1)", "can produce values in [0.2, 1]"]
    missing_discount
        { PAYG => payg("commitment = ¶{ amount = 100, term_months = 12 }") }
        "plan.api.commitment.discount" ["missing required field `discount` in `plan.api.commitment`"]

    // Keys and types.
    prorate_on_exit_not_a_boolean
        { PAYG => payg("commitment = { amount = 100, term_months = 12, discount = 0.4, \
                        prorate_on_exit = ¶\"yes\" }") }
        "plan.api.commitment.prorate_on_exit" ["expected true or false"]
    misspelt_key
        { PAYG => payg("commitment = { amount = 100, term_months = 12, discount = 0.4, \
                        ¶prorate_on_exti = true }") }
        "plan.api.commitment.prorate_on_exti"
        ["unknown field `prorate_on_exti`", "did you mean `prorate_on_exit`?"]
    unrelated_key
        { PAYG => payg("commitment = { amount = 100, term_months = 12, discount = 0.4, ¶minimum = 5 }") }
        "plan.api.commitment.minimum"
        ["unknown field `minimum`", "amount, term_months, discount, prorate_on_exit"]
    commitment_not_a_table
        { PAYG => payg("commitment = ¶60000") }
        "plan.api.commitment" ["expected a table"]
}

#[test]
fn per_user_amounts_and_drawn_discounts_on_payg_and_hybrid_pass_check_and_run() {
    committed_teams_pass_check_and_run(false);
    // Menu mode: the accounts choose for their seats, each seat holding its own terms.
    committed_teams_pass_check_and_run(true);
}

/// The positive control, in menu mode (the segments valued) or each mode.
fn committed_teams_pass_check_and_run(menu: bool) {
    let (market, casual, power) = if menu {
        (
            "\n[market]\nmode = \"menu\"\n",
            "\nvalue = 30",
            "\nvalue = 60",
        )
    } else {
        ("", "", "")
    };
    let text = edit(
        BASE,
        &[
            (
                PAYG,
                payg(
                    "commitment = { amount = { dist = \"uniform\", min = 10, max = 50 }, \
                     term_months = 1, discount = { dist = \"uniform\", min = 0.2, max = 0.5 } }",
                ),
            ),
            (
                HYBRID,
                format!(
                    "{HYBRID}commitment = {{ amount = 300, term_months = 6, discount = 0.4, \
                     prorate_on_exit = true }}\n{market}"
                ),
            ),
            ("share = 0.6", format!("share = 0.6{casual}")),
            (
                POWER,
                format!("{POWER}\nteam_size = 3\nseat_churn = 0.2{power}"),
            ),
        ],
    );
    let dir = with_config(text);
    let check = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(check.code, Some(0), "{}", check.describe());
    let run = plansim(dir.path(), &run_args(&["--out", "out"]));
    assert_eq!(run.code, Some(0), "{}", run.describe());
    let trials = fs::read_to_string(dir.path().join("out/trials.csv")).expect("trials.csv");
    let header = trials.lines().next().expect("header");
    assert!(
        header.contains(",successes,trueup_revenue,trueup_open,")
            && header.contains("plan.api.commitment.discount"),
        "{header}"
    );
}
