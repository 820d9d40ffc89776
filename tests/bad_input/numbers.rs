//! Numbers that are not finite (TOML's `nan`, `inf` and their signed forms) or beyond the
//! magnitude limit of 1e15, wherever a number is read.

use std::fs;

use crate::{BASE, CONFIG, OUTPUTS, assert_refusal, edit, plansim, run_args, tree, with_config};

config_errors! {
    nan_price { "price = 20" => "price = ¶nan" } "plan.max.price"
        ["must be a finite number", "NaN"]
    plus_nan_price { "price = 20" => "price = ¶+nan" } "plan.max.price" ["must be a finite number"]
    minus_nan_price { "price = 20" => "price = ¶-nan" } "plan.max.price"
        ["must be a finite number"]
    inf_price { "price = 20" => "price = ¶inf" } "plan.max.price" ["must be a finite number", "inf"]
    minus_inf_cost { "input = 0.5" => "input = ¶-inf" } "cost.input"
        ["must be a finite number", "-inf"]
    plus_inf_cost { "input = 0.5" => "input = ¶+inf" } "cost.input" ["must be a finite number"]
    nan_distribution_parameter { "median = 100000" => "median = ¶nan" }
        "segment.casual.output_tokens.median" ["must be a finite number"]
    inf_share { "share = 0.6" => "share = ¶inf" } "segment.casual.share" ["must be a finite number"]
    huge_finite_price { "price = 20" => "price = ¶1e300" } "plan.max.price"
        ["is too large: numbers are limited to magnitude 1e15"]
}

/// A price next to f64::MAX: either refused as a config error naming the field, or run to
/// outputs that hold no NaN or inf.
#[test]
fn price_near_the_largest_f64_gives_no_nan_outputs() {
    let text = edit(BASE, &[("price = 20\ncap", "price = 1.7e308\ncap".into())]);
    let dir = with_config(&text);
    let run = plansim(dir.path(), &run_args(&["--out", "out"]));
    match run.code {
        Some(2) => {
            assert_refusal(&run, 2, &format!("error: {CONFIG}:"), &["plan.max.price"]);
            assert_eq!(tree(dir.path()), [CONFIG], "{}", run.describe());
        }
        Some(0) => {
            for name in OUTPUTS.iter().filter(|n| n.ends_with(".csv")) {
                let body = fs::read_to_string(dir.path().join("out").join(name)).unwrap();
                let bad: Vec<&str> = body
                    .lines()
                    .flat_map(|l| l.split(','))
                    .filter(|cell| cell.parse::<f64>().is_ok_and(|x| !x.is_finite()))
                    .collect();
                assert!(
                    bad.is_empty(),
                    "{name} holds non-finite values {bad:?}:\n{body}"
                );
            }
        }
        _ => panic!("unexpected exit; {}", run.describe()),
    }
}
