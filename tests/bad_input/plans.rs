//! Plans: a kind that is unknown, missing or not a string, a field that belongs to another
//! kind, and plan values out of range.

use crate::{BASE, at, config_case_lines, edit};

config_errors! {
    // Kinds: a problem with the kind names the plan when its name is known.
    unknown_plan_kind_suggests_flat { "kind = \"flat\"" => "kind = ¶\"flatt\"" } "plan.max.kind"
        ["unknown plan kind `flatt`", "did you mean `flat`?"]
    unknown_plan_kind_far_from_any_lists_the_kinds
        { "kind = \"flat\"" => "kind = ¶\"subscription\"" } "plan.max.kind"
        ["expected one of: payg, flat, credit, hybrid"]
    plan_kind_is_an_integer { "kind = \"payg\"" => "kind = ¶3" } "plan.api.kind"
        ["expected a string, found an integer"]
    missing_plan_kind { "[[plan]]\nname = \"api\"\nkind = \"payg\"\n" => "¶[[plan]]\nname = \"api\"\n" }
        "plan.api.kind" ["missing required field `kind` in `plan.api`"]
    field_of_another_plan_kind_is_unknown { "cap = 100" => "cap = 100\n¶base_fee = 5" }
        "plan.max.base_fee" ["unknown field `base_fee`", "expected one of:"]

    // Values out of range.
    negative_price { "price = 20" => "price = ¶-20" } "plan.max.price" ["must be >= 0", "-20"]
    negative_price_of_five { "price = 20" => "price = ¶-5" } "plan.max.price"
        ["must be >= 0", "-5"]
    negative_cap { "cap = 100" => "cap = ¶-1" } "plan.max.cap" ["must be >= 0"]
    negative_credits { "credits = 2000" => "credits = ¶-2000" } "plan.credits.credits"
        ["must be >= 0", "-2000"]
    top_up_probability_above_one { "probability = 0.3" => "probability = ¶1.2" }
        "plan.credits.top_up.probability" ["must be in [0, 1]", "1.2"]
}

/// A plan whose name is not usable is named by its index, for its kind too.
#[test]
fn missing_plan_kind_with_an_invalid_name_keeps_the_index() {
    let text = edit(
        BASE,
        &[(
            "[[plan]]\nname = \"api\"\nkind = \"payg\"\n",
            "[[plan]]\nname = \"a b\"\n".into(),
        )],
    );
    let kind = at(&text, "[[plan]]\nname = \"a b\"", "plan[0].kind");
    let name = at(&text, "\"a b\"", "plan[0].name");
    config_case_lines(
        &text,
        &[
            (&kind, &["missing required field `kind` in `plan[0]`"]),
            (&name, &["invalid name \"a b\""]),
        ],
    );
}
