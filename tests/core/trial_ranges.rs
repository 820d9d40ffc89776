//! Runs over a range of trials: each trial is identical to the same trial of a full run, and
//! ranges that kept their per-trial group sums merge into results bit-identical to a full run.

use std::sync::atomic::AtomicBool;

use plansim::results::{MergeError, RunResults, merge};
use plansim::{EngineError, RunOptions, parse, run, run_trials};

/// Three segments, four plan kinds, trial-level draws, churn and noise, several blocks.
const SCN: &str = r#"
name = "ranges"
[simulation]
trials = 7
users = 9000
months = 4
seed = 42
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
annual_decline = { dist = "uniform", min = 0.2, max = 0.6 }
per_user_month = 0.3
payment_fee_rate = 0.03
[[segment]]
name = "light"
share = 0.6
output_tokens = { dist = "lognormal", median = 200_000, p99 = 3_000_000 }
input_per_output = 20
cache_read_share = 0.6
monthly_volatility = 0.5
monthly_churn = 0.1
[[segment]]
name = "heavy"
share = 0.4
output_tokens = { dist = "pareto", min = 2_000_000, alpha = 1.6, ceiling = 1e9 }
monthly_growth = { dist = "normal", mean = 0.02, sd = 0.01, floor = 0 }
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "pro"
kind = "flat"
price = { dist = "uniform", min = 15, max = 25 }
cap = 200
[[plan]]
name = "credits"
kind = "credit"
price = 50
credits = 60
burn = { input = 5, output = 25 }
rollover = 20
top_up = { price = 10, credits = 10, probability = 0.5 }
[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 30
included = 40
spend_cap = 100
"#;

fn range(scn: &plansim::Scenario, r: std::ops::Range<u64>, keep: bool) -> RunResults {
    let opts = RunOptions {
        keep_trial_groups: keep,
    };
    run_trials(scn, r, &opts, &|_| {}, &AtomicBool::new(false))
        .unwrap()
        .unwrap()
}

fn without_groups(mut r: RunResults) -> RunResults {
    for t in &mut r.trials {
        t.groups = None;
    }
    r
}

#[test]
fn a_range_of_trials_equals_the_same_trials_of_a_full_run() {
    let scn = parse(SCN, "ranges.toml").unwrap();
    let full = run(&scn, &|_| {}).unwrap();
    let part = range(&scn, 2..5, false);
    assert_eq!(part.trials, full.trials[2..5]);
}

#[test]
fn ranges_that_keep_their_groups_merge_into_the_full_run_bit_for_bit() {
    let scn = parse(SCN, "ranges.toml").unwrap();
    let full = run(&scn, &|_| {}).unwrap();
    // Out of order on purpose: the merge orders the parts by their first trial.
    let parts = vec![
        range(&scn, 3..7, true),
        range(&scn, 0..1, true),
        range(&scn, 1..3, true),
    ];
    let merged = merge(parts).unwrap();
    assert_eq!(without_groups(merged), full);
}

#[test]
fn merges_refuse_gaps_overlaps_and_parts_without_groups() {
    let scn = parse(SCN, "ranges.toml").unwrap();
    let gap = merge(vec![range(&scn, 0..2, true), range(&scn, 3..5, true)]);
    assert_eq!(gap, Err(MergeError::NotContiguous { after: 1, found: 3 }));
    let overlap = merge(vec![range(&scn, 0..3, true), range(&scn, 2..5, true)]);
    assert_eq!(
        overlap,
        Err(MergeError::NotContiguous { after: 2, found: 2 })
    );
    let bare = merge(vec![range(&scn, 0..2, true), range(&scn, 2..4, false)]);
    assert_eq!(bare, Err(MergeError::NoGroups { trial: 2 }));
    assert_eq!(merge(vec![]), Err(MergeError::Empty));
}

#[test]
fn a_range_outside_the_scenarios_trials_is_refused() {
    let scn = parse(SCN, "ranges.toml").unwrap();
    let err = run_trials(
        &scn,
        5..9,
        &RunOptions::default(),
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap_err();
    assert_eq!(
        err,
        EngineError::TrialRange {
            start: 5,
            end: 9,
            trials: 7
        }
    );
}

/// The same population choosing from the menu (logit, re-choices after shocks, drawn arrivals
/// and an external plan): choices and population by month merge exactly too.
fn menu() -> String {
    let with_values = SCN
        .replace(
            "monthly_churn = 0.1\n",
            "monthly_churn = 0.1\nvalue_per_retail = { dist = \"lognormal\", median = 0.5, p95 = 2 }\nshock_churn = 0.3\n",
        )
        .replace(
            "ceiling = 1e9 }\n",
            "ceiling = 1e9 }\nvalue = { dist = \"uniform\", min = 50, max = 900 }\n",
        );
    format!(
        "{with_values}
[[plan]]
name = \"host\"
kind = \"payg\"
rates = {{ input = 0.5, output = 2.5 }}
quality = 0.8
external = true
[market]
mode = \"menu\"
choice = \"logit\"
logit_scale = 20
rechoose = \"after_shock\"
new_users_per_month = {{ dist = \"uniform\", min = 100, max = 900 }}
"
    )
}

#[test]
fn menu_mode_ranges_merge_into_the_full_run_bit_for_bit() {
    let scn = parse(&menu(), "menu.toml").unwrap();
    let full = run(&scn, &|_| {}).unwrap();
    assert!(!full.choices.is_empty() && !full.population.is_empty());
    assert!(full.population[3].arrived > 7 * 9000, "arrivals joined");
    let part = range(&scn, 2..5, false);
    assert_eq!(part.trials, full.trials[2..5]);
    let merged = merge(vec![range(&scn, 4..7, true), range(&scn, 0..4, true)]).unwrap();
    assert_eq!(without_groups(merged), full);
}
