//! Task segments and outcome plans: exactly one of `output_tokens` and `tasks`, the fields that
//! only tasks take, task values out of range, and an outcome plan in a scenario with a segment
//! that counts output tokens.

use crate::{BASE, at, config_case_lines, edit};

config_errors! {
    // Exactly one of `output_tokens` and `tasks`.
    output_tokens_and_tasks_together
        { "output_tokens = 500000" => "output_tokens = 500000\ntasks = ¶40\noutput_per_task = 5000" }
        "segment.power.tasks" ["give `output_tokens`", "or `tasks`", "not both"]
    output_per_task_without_tasks
        { "output_tokens = 500000" => "output_tokens = 500000\noutput_per_task = ¶5000" }
        "segment.power.output_per_task"
        ["`output_per_task` describes work counted in tasks", "needs `tasks`",
         "in place of `output_tokens`"]
    success_rate_without_tasks
        { "output_tokens = 500000" => "output_tokens = 500000\nsuccess_rate = ¶0.5" }
        "segment.power.success_rate" ["`success_rate` describes work counted in tasks"]
    tasks_without_output_per_task
        { "[[segment]]\nname = \"power\"" => "¶[[segment]]\nname = \"power\"",
          "output_tokens = 500000" => "tasks = 40" }
        "segment.power.output_per_task"
        ["missing required field `output_per_task` in `segment.power`", "needed with `tasks`"]

    // Values out of range.
    negative_tasks
        { "output_tokens = 500000" => "tasks = ¶-4\noutput_per_task = 5000" }
        "segment.power.tasks" ["must be >= 0"]
    negative_output_per_task
        { "output_tokens = 500000" => "tasks = 40\noutput_per_task = ¶-1" }
        "segment.power.output_per_task" ["must be >= 0"]
    success_rate_above_one
        { "output_tokens = 500000" => "tasks = 40\noutput_per_task = 5000\nsuccess_rate = ¶1.5" }
        "segment.power.success_rate" ["must be in [0, 1]", "1.5"]
    success_rate_distribution_beyond_one
        { "output_tokens = 500000" =>
          "tasks = 40\noutput_per_task = 5000\nsuccess_rate = ¶{ dist = \"uniform\", min = 0.5, max = 1.5 }" }
        "segment.power.success_rate" ["[0, 1]"]

    // An outcome plan bills successes: every segment must count tasks.
    outcome_plan_with_a_token_segment
        { "output_tokens = { dist" => "output_tokens = ¶{ dist",
          "output_tokens = 500000" => "tasks = 40\noutput_per_task = 5000",
          "[[plan]]\nname = \"api\"" =>
          "[[plan]]\nname = \"review\"\nkind = \"outcome\"\nprice_per_success = 2\n\n[[plan]]\nname = \"api\"" }
        "segment.casual.output_tokens"
        ["segment `casual` counts its work in output tokens", "plan `review`",
         "kind = \"outcome\"", "needs `tasks` and `output_per_task`"]
    outcome_plan_missing_its_price
        { "[[plan]]\nname = \"api\"" =>
          "¶[[plan]]\nname = \"review\"\nkind = \"outcome\"\n\n[[plan]]\nname = \"api\"" }
        "plan.review.price_per_success" ["missing required field `price_per_success` in `plan.review`"]
    outcome_plan_with_a_field_of_another_kind
        { "[[plan]]\nname = \"api\"" =>
          "[[plan]]\nname = \"review\"\nkind = \"outcome\"\nprice_per_success = 2\n¶price = 20\n\n[[plan]]\nname = \"api\"" }
        "plan.review.price" ["unknown field `price`"]
    negative_price_per_success
        { "[[plan]]\nname = \"api\"" =>
          "[[plan]]\nname = \"review\"\nkind = \"outcome\"\nprice_per_success = ¶-2\n\n[[plan]]\nname = \"api\"" }
        "plan.review.price_per_success" ["must be >= 0", "-2"]
    negative_outcome_minimum
        { "[[plan]]\nname = \"api\"" =>
          "[[plan]]\nname = \"review\"\nkind = \"outcome\"\nprice_per_success = 2\nmonthly_minimum = ¶-5\n\n[[plan]]\nname = \"api\"" }
        "plan.review.monthly_minimum" ["must be >= 0", "-5"]
}

/// A segment with neither `output_tokens` nor `tasks` is told about both, with the other
/// missing fields of the file.
#[test]
fn a_segment_without_work_names_both_ways_to_give_it() {
    let text = edit(
        BASE,
        &[
            ("output_tokens = 500000\n", String::new()),
            ("output = 25.0\n", String::new()),
        ],
    );
    let lines = [
        at(&text, "[retail]", "retail.output"),
        at(
            &text,
            "[[segment]]\nname = \"power\"",
            "segment.power.output_tokens",
        ),
    ];
    let words: [&[&str]; 2] = [
        &["missing required field `output` in `retail`"],
        &[
            "missing required field `output_tokens` in `segment.power`",
            "or `tasks` with `output_per_task`",
        ],
    ];
    let expected: Vec<_> = lines.iter().map(String::as_str).zip(words).collect();
    config_case_lines(&text, &expected);
}
