//! Points of a sweep run together ([`crate::engine::run_points`]) give each point exactly the
//! results of running it alone ([`crate::engine::run_trials`]), on 1 and 2 threads: sweeps of a
//! plan's price (a fixed one and a drawn one) and of hybrid and credit fields in each mode, a
//! price sweep in menu mode, commitments and teams (each and menu mode), and a sweep of a
//! segment's field, whose points do not all share their users. Trial ranges give the same
//! trials as a whole run.

use std::ops::Range;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use crate::config::{Override, load_with};
use crate::engine::{RunOptions, run_points, run_trials};
use crate::model::Scenario;
use crate::results::RunResults;

/// `config` (under the crate's root) at `trials` x `users`, with `sets` applied.
fn load(config: &str, trials: u64, users: u64, sets: &[(&str, &str)]) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(config);
    let mut all = vec![
        Override::new("simulation.trials", trials.to_string(), "test").unwrap(),
        Override::new("simulation.users", users.to_string(), "test").unwrap(),
    ];
    for (p, v) in sets {
        all.push(Override::new(p, v.to_string(), "test").unwrap());
    }
    load_with(&path, &all).expect("valid point")
}

/// The points of `config` at `path` = each of `values`, with `sets` applied to every point.
fn sweep(config: &str, sets: &[(&str, &str)], path: &str, values: &[&str]) -> Vec<Scenario> {
    values
        .iter()
        .map(|v| {
            let mut s = sets.to_vec();
            s.push((path, v));
            load(config, 6, 5000, &s)
        })
        .collect()
}

/// Results written out to the last bit (`{:?}` of an f64 round-trips; NaN equals NaN).
fn exact(r: &RunResults) -> String {
    format!("{r:?}")
}

fn on_threads<T: Send>(threads: usize, f: impl FnOnce() -> T + Send) -> T {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(f)
}

/// Runs `points` together over `range` on 1 and 2 threads, and checks every point's results
/// against the point run alone, and the progress against its total.
fn same_as_alone(points: &[Scenario], range: Range<u64>) {
    let stop = AtomicBool::new(false);
    let opts = RunOptions {
        keep_trial_groups: true,
    };
    let alone: Vec<String> = points
        .iter()
        .map(|p| {
            let r = on_threads(1, || run_trials(p, range.clone(), &opts, &|_| {}, &stop));
            exact(&r.unwrap().unwrap())
        })
        .collect();
    for threads in [1, 2] {
        let counted = std::sync::atomic::AtomicU64::new(0);
        let progress = |n: u64| {
            counted.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        };
        let together = on_threads(threads, || {
            run_points(points, range.clone(), &opts, &progress, &stop)
        })
        .unwrap()
        .unwrap();
        assert_eq!(together.len(), points.len());
        for (i, (t, a)) in together.iter().zip(&alone).enumerate() {
            assert!(
                exact(t) == *a,
                "point {} differs on {threads} threads",
                i + 1
            );
        }
        let total: u64 = points
            .iter()
            .map(|p| (range.end - range.start) * p.max_population())
            .sum();
        assert!(counted.into_inner() <= total);
    }
}

/// How `points` are grouped to share their users.
fn groups(points: &[Scenario]) -> Vec<Vec<usize>> {
    crate::engine::share_groups(points)
}

#[test]
fn a_price_sweep_in_each_mode_shares_users_and_equals_each_point_alone() {
    let points = sweep(
        "configs/coding-agent.toml",
        &[],
        "plan.max-20x.price",
        &["100", "200", "250"],
    );
    assert_eq!(groups(&points), vec![vec![0, 1, 2]]);
    same_as_alone(&points, 0..6);
}

#[test]
fn a_sweep_of_a_drawn_price_equals_each_point_alone() {
    let points = sweep(
        "configs/coding-agent.toml",
        &[],
        "plan.pro.price",
        &[
            "{ dist = \"uniform\", min = 15, max = 25 }",
            "{ dist = \"uniform\", min = 15, max = 40 }",
            "20",
        ],
    );
    same_as_alone(&points, 0..6);
}

#[test]
fn sweeps_of_hybrid_and_credit_fields_equal_each_point_alone() {
    let hybrid = sweep(
        "configs/coding-agent.toml",
        &[],
        "plan.pro-plus-overage.spend_cap",
        &["100", "500", "2000"],
    );
    assert_eq!(groups(&hybrid), vec![vec![0, 1, 2]]);
    same_as_alone(&hybrid, 0..6);
    let credits = sweep(
        "configs/coding-agent.toml",
        &[],
        "plan.credits.top_up.price",
        &["10", "20", "40"],
    );
    same_as_alone(&credits, 0..6);
}

#[test]
fn a_price_sweep_in_menu_mode_equals_each_point_alone() {
    let points = sweep(
        "configs/menu.toml",
        &[],
        "plan.max-20x.price",
        &["100", "200", "300"],
    );
    assert_eq!(groups(&points), vec![vec![0, 1, 2]]);
    same_as_alone(&points, 0..4);
}

#[test]
fn menu_sweeps_equal_each_point_alone_for_every_rechoose_rule_and_choice() {
    // Lives repeated from the first point (a user who never chose again) and lives re-lived:
    // a plan most users pick (pro), one a few pick (max-20x), one nobody picks (max-5x at
    // $5,000), the first plan (api) and a change of the market between points (no repeat).
    for rechoose in ["\"never\"", "\"after_shock\"", "\"monthly\""] {
        for choice in ["\"logit\"", "\"best\""] {
            // 2,500 users and 200 arrivals a month: two blocks of users (4,900).
            let sets = [
                ("market.rechoose", rechoose),
                ("market.choice", choice),
                ("market.new_users_per_month", "200"),
            ];
            let menu = |path: &str, values: &[&str]| {
                let points: Vec<Scenario> = values
                    .iter()
                    .map(|v| {
                        let mut s = sets.to_vec();
                        s.push((path, v));
                        load("configs/menu.toml", 2, 2500, &s)
                    })
                    .collect();
                assert_eq!(groups(&points).len(), 1);
                same_as_alone(&points, 0..2);
            };
            menu("plan.pro.price", &["20", "15", "40"]);
            menu("plan.max-20x.price", &["200", "100", "300"]);
            menu("plan.max-5x.price", &["5000", "6000"]);
            menu("plan.api.anxiety", &["8", "2"]);
            menu("market.shock_threshold", &["0.5", "0.2"]);
        }
    }
}

#[test]
fn menu_sweeps_of_an_external_plan_and_of_which_plans_are_ours_equal_each_point_alone() {
    let ours = sweep(
        "configs/menu.toml",
        &[],
        "plan.max-5x.external",
        &["false", "true"],
    );
    same_as_alone(&ours, 0..3);
    let never = [("market.rechoose", "\"never\"")];
    let ours = sweep(
        "configs/menu.toml",
        &never,
        "plan.max-5x.external",
        &["false", "true", "false"],
    );
    same_as_alone(&ours, 0..3);
}

#[test]
fn commitments_and_teams_equal_each_point_alone_in_each_and_menu_mode() {
    let path = "plan.committed-api.commitment.amount";
    let each = sweep(
        "configs/enterprise.toml",
        &[],
        path,
        &["1200", "2400", "6000"],
    );
    assert_eq!(groups(&each), vec![vec![0, 1, 2]]);
    same_as_alone(&each, 0..3);
    // An earlier plan's commitment, fixed or drawn, beside a later committed plan whose amount
    // is drawn: committed plans are billed at every point.
    let drawn = [(
        "plan.committed-api.commitment.amount",
        "{ dist = \"uniform\", min = 1200, max = 3600 }",
    )];
    let shifted = sweep(
        "configs/enterprise.toml",
        &drawn,
        "plan.api.commitment",
        &[
            "{ amount = 100, term_months = 6, discount = 0.1 }",
            "{ amount = { dist = \"uniform\", min = 50, max = 150 }, term_months = 6, discount = 0.1 }",
        ],
    );
    same_as_alone(&shifted, 0..3);
    let menu = [
        ("market.mode", "\"menu\""),
        ("segment.startup.value", "500"),
        ("segment.scaleup.value", "2000"),
        ("segment.enterprise.value", "5000"),
    ];
    let points = sweep("configs/enterprise.toml", &menu, path, &["1200", "6000"]);
    assert_eq!(groups(&points), vec![vec![0, 1]]);
    same_as_alone(&points, 0..3);
    // Menu lives repeated beside committed plans and teams, under each re-choice rule.
    for rechoose in ["\"never\"", "\"after_shock\"", "\"monthly\""] {
        let mut sets = menu.to_vec();
        sets.push(("market.rechoose", rechoose));
        let points = sweep(
            "configs/enterprise.toml",
            &sets,
            "plan.api.usage_response",
            &["0.9", "0.7"],
        );
        assert_eq!(groups(&points), vec![vec![0, 1]]);
        same_as_alone(&points, 0..3);
        let points = sweep("configs/enterprise.toml", &sets, path, &["1200", "2400"]);
        same_as_alone(&points, 0..3);
    }
}

#[test]
fn a_sweep_of_a_segment_or_the_mode_runs_points_apart_and_equals_each_alone() {
    let points = sweep(
        "configs/coding-agent.toml",
        &[],
        "segment.casual.monthly_churn",
        &["0.05", "0.08", "0.05"],
    );
    // The first and last points have the same users; the middle one does not.
    assert_eq!(groups(&points), vec![vec![0, 2], vec![1]]);
    same_as_alone(&points, 0..6);
    // A value is not part of the population: a sweep of it shares the users.
    let value = sweep(
        "configs/menu.toml",
        &[],
        "segment.casual.value_per_retail",
        &["1.0", "2.0"],
    );
    assert_eq!(groups(&value), vec![vec![0, 1]]);
    same_as_alone(&value, 0..3);
}

#[test]
fn a_range_of_trials_of_a_sweep_is_those_trials_of_the_whole_run() {
    let points = sweep(
        "configs/menu.toml",
        &[],
        "plan.pro.price",
        &["15", "20", "30"],
    );
    same_as_alone(&points, 3..6);
    let stop = AtomicBool::new(false);
    let opts = RunOptions::default();
    let run = |r: Range<u64>| {
        on_threads(2, || run_points(&points, r, &opts, &|_| {}, &stop))
            .unwrap()
            .unwrap()
    };
    let (whole, part) = (run(0..6), run(3..6));
    for (w, p) in whole.iter().zip(&part) {
        assert_eq!(format!("{:?}", &w.trials[3..6]), format!("{:?}", p.trials));
    }
}

#[test]
fn points_whose_plans_draw_differently_still_share_their_users() {
    // The arrivals are drawn per trial after the plans' slots; each slot has its own stream, so
    // a price drawn from a gamma (rejection sampling) rather than a uniform leaves them alone:
    // the points share their users in every trial.
    let sets = [(
        "market.new_users_per_month",
        "{ dist = \"uniform\", min = 500, max = 700 }",
    )];
    let points = sweep(
        "configs/menu.toml",
        &sets,
        "plan.pro.price",
        &[
            "{ dist = \"uniform\", min = 15, max = 25 }",
            "{ dist = \"gamma\", mean = 20, sd = 3 }",
        ],
    );
    assert_eq!(groups(&points), vec![vec![0, 1]]);
    same_as_alone(&points, 0..3);
    let stop = AtomicBool::new(false);
    let r = run_points(&points, 0..3, &RunOptions::default(), &|_| {}, &stop)
        .unwrap()
        .unwrap();
    let arrivals = |p: usize, t: usize| *r[p].trials[t].draws.last().unwrap();
    assert!((0..3).all(|t| arrivals(0, t) == arrivals(1, t)));
    assert!((0..3).any(|t| r[0].trials[t].draws != r[1].trials[t].draws));
}
