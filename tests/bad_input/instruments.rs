//! The pricing instruments (issue 11): `[cost] discount_rate`, a number or a trial-level
//! distribution in [0, 1), refused at 1 and below 0, as a distribution that can reach 1, and as
//! a word. Positive control: a drawn rate inside the range passes `check`.

use crate::{BASE, CONFIG, edit, plansim, with_config};

/// The edit target for a `[cost]` field.
const COST: &str = "annual_decline = 0.4";

/// [`COST`] followed by `lines`.
fn cost(lines: &str) -> String {
    format!("{COST}\n{lines}")
}

config_errors! {
    discount_rate_of_one { COST => cost("discount_rate = ¶1") } "cost.discount_rate"
        ["must be in [0, 1), got 1"]
    discount_rate_above_one { COST => cost("discount_rate = ¶1.5") } "cost.discount_rate"
        ["must be in [0, 1), got 1.5"]
    negative_discount_rate { COST => cost("discount_rate = ¶-0.05") } "cost.discount_rate"
        ["must be in [0, 1), got -0.05"]
    discount_rate_distribution_reaching_one {
        COST => cost("discount_rate = ¶{ dist = \"uniform\", min = 0, max = 1 }")
    } "cost.discount_rate"
        ["must be in [0, 1)", "can produce values in [0, 1]", "a `ceiling` below 1"]
    discount_rate_distribution_below_zero {
        COST => cost("discount_rate = ¶{ dist = \"normal\", mean = 0.1, sd = 0.05 }")
    } "cost.discount_rate"
        ["must be in [0, 1)", "can produce values in (-inf, inf)"]
    discount_rate_is_a_word { COST => cost("discount_rate = ¶\"8%\"") } "cost.discount_rate"
        ["expected a number"]
}

#[test]
fn a_drawn_discount_rate_in_range_passes_check() {
    let text = edit(
        BASE,
        &[(
            COST,
            cost("discount_rate = { dist = \"uniform\", min = 0, max = 0.2 }"),
        )],
    );
    let dir = with_config(text);
    let run = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
}
