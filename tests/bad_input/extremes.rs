//! Values each in range whose combination is extreme. A sum that leaves f64 range is refused
//! (exit 2 naming the config and the plan, one line, nothing written); heavy tails (infinite or
//! barely finite means) run to finite results, and `check` warns about them.

use std::fs;

use crate::{
    BASE, CONFIG, OUTPUTS, edit, non_finite, plansim, refused, run_args, tree, with_config,
};

/// Heavy tails everywhere: a Pareto with alpha < 1 (no finite mean) and a lognormal with
/// sigma = 8, month-to-month volatility 3, and every plan kind, including a hybrid with a huge
/// overage multiplier and credit top-up packs of a thousandth of a credit.
const HEAVY: &str = r#"name = "heavy"

[simulation]
trials = 20
users = 200
months = 6
seed = 7

[retail]
input = 5.0
output = 25.0

[cost]
input = 0.5
output = 2.5
payment_fee_rate = 0.029
payment_fee_fixed = 0.3

[[segment]]
name = "pareto"
share = 0.5
output_tokens = { dist = "pareto", min = 100000, alpha = 0.3 }
input_per_output = 50
cache_read_share = 0.9
monthly_volatility = 3
monthly_growth = 0.5
monthly_churn = 0.01

[[segment]]
name = "lognormal"
share = 0.5
output_tokens = { dist = "lognormal", median = 1000000, sigma = 8 }
input_per_output = 50
monthly_volatility = 3

[[plan]]
name = "api"
kind = "payg"

[[plan]]
name = "flat"
kind = "flat"
price = 20
cap = 200

[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 20
included = 20
overage_multiplier = 1e6

[[plan]]
name = "credits"
kind = "credit"
price = 20
credits = 2000
burn = { input = 500, output = 2500 }
top_up = { price = 0.01, credits = 0.001, probability = 1 }
"#;

// ---------------------------------------------------------------------------------------------
// Overflow.
// ---------------------------------------------------------------------------------------------

/// Demand that grows a thousandfold a month for 120 months: beyond f64 range.
fn overflowing() -> String {
    edit(
        BASE,
        &[
            ("monthly_churn = 0.05", "monthly_growth = 1000".into()),
            ("months = 2", "months = 120".into()),
        ],
    )
}

/// The refusal of [`overflowing`].
const OVERFLOW: &str =
    "error: scenario.toml: plan api: totals overflowed (values beyond the range of f64)";

#[test]
fn overflowing_growth_is_refused_and_writes_nothing() {
    let dir = with_config(overflowing());
    refused(
        dir.path(),
        &run_args(&["--out", "out"]),
        2,
        OVERFLOW,
        &["scale them down"],
    );
}

#[test]
fn overflowing_growth_leaves_no_default_output_folder() {
    let dir = with_config(overflowing());
    refused(
        dir.path(),
        &run_args(&[]),
        2,
        OVERFLOW,
        &["scale them down"],
    );
}

// ---------------------------------------------------------------------------------------------
// Heavy tails.
// ---------------------------------------------------------------------------------------------

#[test]
fn heavy_tails_run_without_nan_or_inf() {
    let dir = with_config(HEAVY);
    let run = plansim(dir.path(), &run_args(&["--out", "out"]));
    let ctx = run.describe();
    assert_eq!(run.code, Some(0), "{ctx}");
    assert!(run.stderr.is_empty(), "{ctx}");
    let bad = non_finite(&run.stdout);
    assert!(bad.is_empty(), "non-finite values {bad:?} on stdout; {ctx}");
    assert_eq!(tree(&dir.path().join("out")), OUTPUTS);
    for name in OUTPUTS {
        let body = fs::read_to_string(dir.path().join("out").join(name)).expect("output");
        let bad = non_finite(&body);
        assert!(bad.is_empty(), "{name} holds non-finite values {bad:?}");
        for word in ["NaN", "Infinity"] {
            assert!(!body.contains(word), "{name} holds {word}");
        }
    }
    // Every plan has a finite profit in every trial.
    let trials = fs::read_to_string(dir.path().join("out/trials.csv")).unwrap();
    assert_eq!(trials.lines().count(), 1 + 20 * 4, "{trials}");
}

/// `plansim check` on `text`: exit 0, nothing written, and its `warning:` lines.
fn check_warnings(text: &str) -> Vec<String> {
    let dir = with_config(text);
    let run = plansim(dir.path(), &["check", CONFIG]);
    assert_eq!(run.code, Some(0), "{}", run.describe());
    assert_eq!(tree(dir.path()), [CONFIG], "check wrote files");
    format!("{}{}", run.stdout, run.stderr)
        .lines()
        .filter(|l| l.contains("warning:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn heavy_tails_check_warns_the_mean_does_not_converge() {
    let warnings = check_warnings(HEAVY);
    let has = |seg: &str, what: &str| {
        warnings
            .iter()
            .any(|w| w.starts_with("warning: ") && w.contains(seg) && w.contains(what))
    };
    assert!(has("pareto", "no finite mean"), "{warnings:#?}");
    assert!(has("lognormal", "sigma >= 4"), "{warnings:#?}");
}

#[test]
fn pareto_alpha_exactly_one_warns() {
    let text = edit(HEAVY, &[("alpha = 0.3", "alpha = 1".into())]);
    let warnings = check_warnings(&text);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("pareto") && w.contains("no finite mean")),
        "{warnings:#?}"
    );
}

#[test]
fn lognormal_sigma_exactly_four_warns() {
    let text = edit(HEAVY, &[("sigma = 8", "sigma = 4".into())]);
    let warnings = check_warnings(&text);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("lognormal") && w.contains("sigma >= 4")),
        "{warnings:#?}"
    );
}

#[test]
fn lognormal_sigma_from_percentiles_warns() {
    let text = edit(
        HEAVY,
        &[(
            "median = 1000000, sigma = 8",
            "median = 1, p99 = 100000".into(),
        )],
    );
    let warnings = check_warnings(&text);
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("lognormal") && w.contains("sigma >= 4")),
        "{warnings:#?}"
    );
}

/// [`HEAVY`] with the Pareto's alpha and the lognormal's sigma replaced gives no warning.
fn no_warning(alpha: &str, sigma: &str) {
    let text = edit(
        HEAVY,
        &[("alpha = 0.3", alpha.into()), ("sigma = 8", sigma.into())],
    );
    let warnings = check_warnings(&text);
    assert!(warnings.is_empty(), "{alpha}, {sigma}: {warnings:#?}");
}

#[test]
fn control_alpha_above_one_and_sigma_below_four_do_not_warn() {
    // alpha just above 1 has a finite mean; sigma just below 4.
    no_warning("alpha = 1.0001", "sigma = 3.99");
}

#[test]
fn control_alpha_below_one_with_a_ceiling_does_not_warn() {
    // A ceiling bounds a Pareto with alpha < 1.
    no_warning("alpha = 0.3, ceiling = 1e12", "sigma = 1");
}
