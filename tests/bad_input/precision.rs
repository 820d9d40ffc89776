//! Precision mode's terms (issue 12): `[simulation] precision` in the file (unknown metric
//! with a suggestion, both or neither target, targets out of range, `floor` with an absolute
//! target, unknown keys, not a table) and `--precision` on the command line (malformed, an
//! unknown metric located at the flag).

/// The edit target a `precision` line goes after.
const SEED: &str = "seed = 1";

config_errors! {
    precision_unknown_metric
        { SEED => "seed = 1\nprecision = { metric = ¶\"profit_p5\", relative = 0.01 }" }
        "simulation.precision.metric"
        ["unknown metric `profit_p5`; did you mean `profit_p05`?"]
    precision_metric_not_a_summary_percentile
        { SEED => "seed = 1\nprecision = { metric = ¶\"revenue\", absolute = 5 }" }
        "simulation.precision.metric"
        ["unknown metric `revenue`; expected one of: profit_p01, ", "profit_mean"]
    precision_metric_not_a_string
        { SEED => "seed = 1\nprecision = { metric = ¶5, relative = 0.01 }" }
        "simulation.precision.metric" ["expected a string, found an integer"]
    precision_both_targets
        { SEED => "seed = 1\nprecision = { metric = \"profit_p05\", relative = 0.01, absolute = ¶5 }" }
        "simulation.precision.absolute" ["give either `relative` or `absolute`, not both"]
    precision_no_target
        { SEED => "seed = 1\nprecision = ¶{ metric = \"profit_p05\" }" }
        "simulation.precision.relative" ["missing the target", "`relative`", "`absolute`"]
    precision_relative_zero
        { SEED => "seed = 1\nprecision = { metric = \"profit_p05\", relative = ¶0 }" }
        "simulation.precision.relative" ["relative must be > 0, got 0"]
    precision_relative_as_percent
        { SEED => "seed = 1\nprecision = { metric = \"profit_p05\", relative = ¶5 }" }
        "simulation.precision.relative" ["relative must be at most 1 (a share: 0.01 = 1%), got 5"]
    precision_absolute_negative
        { SEED => "seed = 1\nprecision = { metric = \"profit_mean\", absolute = ¶-500 }" }
        "simulation.precision.absolute" ["absolute must be > 0, got -500"]
    precision_floor_with_absolute
        { SEED => "seed = 1\nprecision = { metric = \"profit_p05\", absolute = 5, floor = ¶2 }" }
        "simulation.precision.floor" ["`floor` applies to a relative target only"]
    precision_floor_zero
        { SEED => "seed = 1\nprecision = { metric = \"profit_p05\", relative = 0.01, floor = ¶0 }" }
        "simulation.precision.floor" ["floor must be > 0, got 0"]
    precision_misspelt_key
        { SEED => "seed = 1\nprecision = { metric = \"profit_p05\", ¶relatve = 0.01 }" }
        "simulation.precision.relatve" ["unknown field `relatve`; did you mean `relative`?"]
    precision_not_a_table
        { SEED => "seed = 1\nprecision = ¶\"profit_p05:1%\"" }
        "simulation.precision" ["expected a table, found a string"]
}

run_refusals! {
    flag_precision_unknown_metric {} ["--precision", "profit_p5:1%"] 2
        "error: scenario.toml: --precision profit_p5:1%: simulation.precision.metric: unknown \
         metric `profit_p5`; did you mean `profit_p05`?" []
    flag_precision_without_target {} ["--precision", "profit_p05"] 2
        "error: --precision profit_p05: no `:` between the metric and the target; expected \
         METRIC:TARGET" ["profit_p05:1%", "profit_mean"]
    flag_precision_target_not_a_number {} ["--precision", "profit_p05:tight"] 2
        "error: --precision profit_p05:tight: `tight` is not a number" []
    flag_precision_target_infinite {} ["--precision", "profit_p05:inf%"] 2
        "error: --precision profit_p05:inf%: `inf%` is not a number" []
    flag_precision_zero {} ["--precision", "profit_p05:0%"] 2
        "error: scenario.toml: --precision profit_p05:0%: simulation.precision.relative: \
         relative must be > 0, got 0" []
    flag_precision_over_100_percent {} ["--precision", "profit_mean:150%"] 2
        "error: scenario.toml: --precision profit_mean:150%: simulation.precision.relative: \
         relative must be at most 1" []
}
