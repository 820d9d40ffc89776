//! Distribution tables: an unknown distribution, missing or contradictory parameters,
//! parameters out of range, a support wider than the field's range, and parameters whose
//! moments overflow. Heavy tails, which are valid, are in `extremes`.

use crate::{BASE, CONFIG, edit, plansim, refused, run_args, tree, unmark, with_config};

config_errors! {
    // Unknown distribution, missing parameters.
    unknown_distribution_suggests_lognormal
        { "dist = \"lognormal\"" => "dist = ¶\"lognorml\"" } "segment.casual.output_tokens.dist"
        ["unknown distribution `lognorml`", "did you mean `lognormal`?"]
    unknown_distribution_far_from_any_lists_the_distributions
        { "dist = \"lognormal\"" => "dist = ¶\"zipf\"" } "segment.casual.output_tokens.dist"
        ["unknown distribution `zipf`", "expected one of: uniform, normal"]
    missing_lognormal_parameter
        { "{ dist = \"lognormal\", median = 100000, p99 = 1000000 }"
            => "¶{ dist = \"lognormal\", median = 100000 }" }
        "segment.casual.output_tokens" ["lognormal takes exactly one of", "found {median}"]
    distribution_table_without_dist { "{ dist = \"lognormal\", " => "¶{ " }
        "segment.casual.output_tokens" ["needs `dist = \"...\"`"]

    // Scale parameters that are zero or negative.
    lognormal_sigma_zero
        { "output_tokens = 500000" => "output_tokens = { dist = \"lognormal\", median = 1000, sigma = ¶0 }" }
        "segment.power.output_tokens.sigma" ["must be > 0"]
    negative_lognormal_sigma
        { "output_tokens = 500000" => "output_tokens = { dist = \"lognormal\", median = 9, sigma = ¶-1 }" }
        "segment.power.output_tokens.sigma" ["must be > 0", "-1"]
    negative_fractional_lognormal_sigma
        { "output_tokens = 500000" => "output_tokens = { dist = \"lognormal\", median = 1000, sigma = ¶-0.5 }" }
        "segment.power.output_tokens.sigma" ["must be > 0", "-0.5"]
    normal_sd_zero
        { "output_tokens = 500000" => "output_tokens = { dist = \"normal\", mean = 5, sd = ¶0, floor = 0 }" }
        "segment.power.output_tokens.sd" ["must be > 0"]
    negative_normal_sd
        { "output_tokens = 500000" => "output_tokens = { dist = \"normal\", mean = 9, sd = ¶-1, floor = 0 }" }
        "segment.power.output_tokens.sd" ["must be > 0"]

    // Percentiles out of order; bounds in the wrong order.
    percentiles_p99_below_median { "p99 = 1000000" => "p99 = ¶10" }
        "segment.casual.output_tokens.p99" ["percentiles must increase", "median < p99"]
    percentiles_p99_just_below_median { "p99 = 1000000" => "p99 = ¶999" }
        "segment.casual.output_tokens.p99" ["percentiles must increase", "median < p99"]
    percentiles_p90_below_p10
        { "median = 100000, p99 = 1000000" => "p10 = 100000, p90 = ¶1000" }
        "segment.casual.output_tokens.p90" ["percentiles must increase", "p10 < p90"]
    uniform_min_equal_to_max
        { "output_tokens = 500000" => "output_tokens = { dist = \"uniform\", min = 9, max = ¶9 }" }
        "segment.power.output_tokens.max" ["needs min < max"]
    uniform_min_equal_to_max_of_five
        { "output_tokens = 500000" => "output_tokens = { dist = \"uniform\", min = 5, max = ¶5 }" }
        "segment.power.output_tokens.max" ["needs min < max"]
    uniform_min_above_max
        { "output_tokens = 500000" => "output_tokens = { dist = \"uniform\", min = 9, max = ¶5 }" }
        "segment.power.output_tokens.max" ["needs min < max", "min = 9"]
    uniform_min_just_above_max
        { "output_tokens = 500000" => "output_tokens = { dist = \"uniform\", min = 7, max = ¶5 }" }
        "segment.power.output_tokens.max" ["needs min < max", "min = 7"]
    triangular_mode_above_max
        { "output_tokens = 500000" => "output_tokens = { dist = \"triangular\", min = 1, mode = 9, max = ¶5 }" }
        "segment.power.output_tokens.max" ["needs mode <= max"]
    triangular_mode_below_min
        { "output_tokens = 500000" => "output_tokens = { dist = \"triangular\", min = 5, mode = ¶1, max = 9 }" }
        "segment.power.output_tokens.mode" ["needs min <= mode"]
    floor_above_ceiling
        { "output_tokens = 500000" => "output_tokens = { dist = \"exponential\", mean = 5, floor = 9, ceiling = ¶1 }" }
        "segment.power.output_tokens.ceiling" ["needs floor <= ceiling"]
    floor_above_ceiling_of_a_normal
        { "output_tokens = 500000" => "output_tokens = { dist = \"normal\", mean = 5, sd = 1, floor = 10, ceiling = ¶1 }" }
        "segment.power.output_tokens.ceiling" ["needs floor <= ceiling"]
    zero_probability_above_one
        { "output_tokens = 500000" => "output_tokens = { dist = \"exponential\", mean = 5, zero = ¶1.5 }" }
        "segment.power.output_tokens.zero" ["must be in [0, 1]"]

    // A support wider than the field's range: the message says how to clamp it.
    normal_share_without_floor_and_ceiling
        { "cache_read_share = 0.5" => "cache_read_share = ¶{ dist = \"normal\", mean = 0.5, sd = 0.1 }" }
        "segment.casual.cache_read_share"
        ["must be in [0, 1]", "add `floor = 0` and `ceiling = 1`"]
    uniform_share_reaching_above_one
        { "cache_read_share = 0.5" => "cache_write_share = ¶{ dist = \"uniform\", min = 0.5, max = 1.5 }" }
        "segment.casual.cache_write_share" ["[0.5, 1.5]", "add `floor = 0` and `ceiling = 1`"]
    normal_token_count_without_floor
        { "output_tokens = 500000" => "output_tokens = ¶{ dist = \"normal\", mean = 500000, sd = 1000 }" }
        "segment.power.output_tokens" ["must be >= 0", "add `floor = 0`"]
    drawn_sigma_that_can_be_negative
        { "output_tokens = 500000"
            => "output_tokens = { dist = \"lognormal\", median = 5, sigma = ¶{ dist = \"uniform\", min = -1, max = 1 } }" }
        "segment.power.output_tokens.sigma" ["must be > 0", "add a positive `floor`"]
}

/// `plansim check` accepts [`BASE`] with `from` replaced by `to` and writes nothing.
fn passes_check(from: &str, to: &str) {
    let dir = with_config(edit(BASE, &[(from, to.into())]));
    let run = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert_eq!(tree(dir.path()), [CONFIG], "check wrote files");
}

#[test]
fn normal_share_clamped_by_floor_and_ceiling_passes_check() {
    passes_check(
        "cache_read_share = 0.5",
        "cache_read_share = { dist = \"normal\", mean = 0.5, sd = 0.1, floor = 0, ceiling = 1 }",
    );
}

#[test]
fn normal_token_count_clamped_by_floor_passes_check() {
    passes_check(
        "output_tokens = 500000",
        "output_tokens = { dist = \"normal\", mean = 500000, sd = 1000, floor = 0 }",
    );
}

/// [`BASE`] with the power segment's tokens drawn from `dist`, refused by `check`,
/// `run --out out` and `run` as an error on the line of `dist` naming the field.
fn overflowing_parameters(dist: &str) {
    let (text, line, _) = unmark(&edit(
        BASE,
        &[("output_tokens = 500000", format!("¶{dist}"))],
    ));
    let dir = with_config(&text);
    let prefix = format!("error: {CONFIG}:{line}:");
    let words = ["segment.power.output_tokens"];
    refused(dir.path(), &["check", CONFIG], 2, &prefix, &words);
    refused(dir.path(), &run_args(&["--out", "out"]), 2, &prefix, &words);
    refused(dir.path(), &run_args(&[]), 2, &prefix, &words);
}

#[test]
fn lognormal_mean_and_sd_overflowing() {
    overflowing_parameters("output_tokens = { dist = \"lognormal\", mean = 1, sd = 1e200 }");
}

#[test]
fn gamma_mean_and_sd_overflowing() {
    overflowing_parameters("output_tokens = { dist = \"gamma\", mean = 1e-300, sd = 1e300 }");
}
