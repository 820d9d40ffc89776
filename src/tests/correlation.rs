//! Correlated trial-level inputs (issue 12, `[[correlation]]`): Iman-Conover in blocks of 100
//! trials. The achieved rank correlation is within 4 sampling sds of the target, sd =
//! (1 - rho^2) / sqrt(n) (the large-sample sd of Spearman's rho for independent sampling; the
//! method does better); each input keeps its values within a block (only their order
//! changes); inputs not correlated keep their draws; a slot drawn with a correlated parameter is
//! drawn from its trial's correlated value; a trial's values depend only on its block, so a
//! range of trials and a shorter run agree with the full run.

use std::sync::atomic::AtomicBool;

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::config::parse;
use crate::engine::{RunOptions, run, run_trials, trial_draws, trials_draws};
use crate::model::Scenario;
use crate::model::correlation::{BLOCK, Correlation, spearman};

/// A scenario of `trials` trials with four trial-level inputs (the retail and cost declines, the
/// cost's per-user overhead and the mean of the flat plan's price, which the price is drawn
/// around), then `tables`.
fn scenario(trials: u64, tables: &str) -> Scenario {
    let text = format!(
        "name = \"corr\"\n[simulation]\ntrials = {trials}\nusers = 3\nmonths = 1\nseed = 5\n\
         [retail]\ninput = 5\noutput = 10\n\
         annual_decline = {{ dist = \"uniform\", min = 0.1, max = 0.5 }}\n\
         [cost]\ninput = 0.5\noutput = 1\n\
         annual_decline = {{ dist = \"triangular\", min = 0.2, mode = 0.3, max = 0.9 }}\n\
         per_user_month = {{ dist = \"lognormal\", median = 1, p99 = 4 }}\n\
         [[segment]]\nname = \"one\"\nshare = 1\noutput_tokens = 1000\n\
         [[plan]]\nname = \"max\"\nkind = \"flat\"\n\
         price = {{ dist = \"normal\", mean = {{ dist = \"uniform\", min = 100, max = 300 }}, sd = 5, floor = 0 }}\n\
         {tables}"
    );
    parse(&text, "corr.toml").expect("valid")
}

const RETAIL: &str = "retail.annual_decline";
const COST: &str = "cost.annual_decline";
const OVERHEAD: &str = "cost.per_user_month";
const MEAN: &str = "plan.max.price.mean";
const PRICE: &str = "plan.max.price";

fn two(a: &str, b: &str, rank: f64) -> String {
    format!("[[correlation]]\npaths = [\"{a}\", \"{b}\"]\nrank = {rank}\n")
}

/// Input `path`'s draws in trials `trials`.
fn column(scn: &Scenario, path: &str, trials: std::ops::Range<u64>) -> Vec<f64> {
    let i = scn
        .draw_names()
        .iter()
        .position(|p| *p == path)
        .expect("an input");
    // Each block computed once (trial_draws alone would recompute it for every trial).
    trials_draws(scn, trials)
        .into_iter()
        .map(|d| d.expect("draws")[i])
        .collect()
}

/// Four sampling sds of Spearman's rho at `rho` over `n` trials.
fn tolerance(rho: f64, n: usize) -> f64 {
    4.0 * (1.0 - rho * rho) / (n as f64).sqrt()
}

fn assert_near(scn: &Scenario, a: &str, b: &str, target: f64, n: u64) {
    let got = spearman(&column(scn, a, 0..n), &column(scn, b, 0..n)).expect("defined");
    let tol = tolerance(target, n as usize);
    assert!(
        (got - target).abs() <= tol,
        "{a} ~ {b}: {got} vs {target} +- {tol}"
    );
}

#[test]
fn spearman_by_hand() {
    // 1 - 6 x 2 / (4 x 15) = 0.8; ties take their average rank: 1.5 / sqrt(3).
    let r = spearman(&[1.0, 2.0, 3.0, 4.0], &[10.0, 30.0, 20.0, 40.0]).unwrap();
    assert!((r - 0.8).abs() < 1e-15);
    let r = spearman(&[1.0, 1.0, 2.0], &[1.0, 2.0, 3.0]).unwrap();
    assert!((r - 1.5 / 3f64.sqrt()).abs() < 1e-15);
    assert_eq!(spearman(&[1.0, 1.0], &[1.0, 2.0]), None);
    assert_eq!(spearman(&[1.0], &[1.0]), None);
}

#[test]
fn one_block_keeps_its_values_and_reaches_the_target() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
    let n = BLOCK as usize;
    for rho in [0.8, -0.5, 1.0, -1.0, 0.0] {
        let c = Correlation::new(
            vec!["a".into(), "b".into()],
            vec![0, 1],
            vec![vec![1.0, rho], vec![rho, 1.0]],
        )
        .expect("positive semi-definite");
        let mut values: Vec<Vec<f64>> = (0..2)
            .map(|_| (0..n).map(|_| rng.random::<f64>().powi(3)).collect())
            .collect();
        let before = values.clone();
        let perms: Vec<Vec<usize>> = (0..2)
            .map(|_| {
                let mut p: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    p.swap(i, rng.random_range(0..=i));
                }
                p
            })
            .collect();
        c.reorder(&mut values, &perms);
        for (a, b) in values.iter().zip(&before) {
            let (mut a, mut b) = (a.clone(), b.clone());
            a.sort_by(f64::total_cmp);
            b.sort_by(f64::total_cmp);
            assert_eq!(a, b, "only the order changes");
        }
        let got = spearman(&values[0], &values[1]).unwrap();
        if rho.abs() == 1.0 {
            assert!((got - rho).abs() < 1e-12, "{rho}: {got}");
        } else {
            assert!((got - rho).abs() <= tolerance(rho, n), "{rho}: {got}");
        }
    }
}

#[test]
fn a_rank_correlation_of_0_8_is_reached_over_2000_trials() {
    let scn = scenario(2000, &two(COST, RETAIL, 0.8));
    assert_near(&scn, COST, RETAIL, 0.8, 2000);
    // The others stay independent.
    assert_near(&scn, COST, OVERHEAD, 0.0, 2000);
}

#[test]
fn a_negative_correlation_is_reached() {
    let scn = scenario(2000, &two(RETAIL, OVERHEAD, -0.6));
    assert_near(&scn, RETAIL, OVERHEAD, -0.6, 2000);
}

#[test]
fn a_3x3_matrix_is_reached_pair_by_pair() {
    let table = format!(
        "[[correlation]]\npaths = [\"{COST}\", \"{RETAIL}\", \"{MEAN}\"]\n\
         matrix = [[1, 0.8, 0.2], [0.8, 1, 0.3], [0.2, 0.3, 1]]\n"
    );
    let scn = scenario(2000, &table);
    assert_near(&scn, COST, RETAIL, 0.8, 2000);
    assert_near(&scn, COST, MEAN, 0.2, 2000);
    assert_near(&scn, RETAIL, MEAN, 0.3, 2000);
    // Two tables sharing an input merge; the pair neither gives has target 0.
    let tables = format!("{}{}", two(COST, RETAIL, 0.7), two(OVERHEAD, RETAIL, -0.4));
    let scn = scenario(2000, &tables);
    assert_near(&scn, COST, RETAIL, 0.7, 2000);
    assert_near(&scn, OVERHEAD, RETAIL, -0.4, 2000);
    assert_near(&scn, COST, OVERHEAD, 0.0, 2000);
}

#[test]
fn marginals_and_other_inputs_are_unchanged_within_each_block() {
    let plain = scenario(300, "");
    let corr = scenario(300, &two(COST, MEAN, 0.9));
    for b in 0..3 {
        let trials = b * BLOCK..(b + 1) * BLOCK;
        for path in [COST, MEAN] {
            let mut x = column(&plain, path, trials.clone());
            let mut y = column(&corr, path, trials.clone());
            assert_ne!(x, y, "{path} reordered in block {b}");
            x.sort_by(f64::total_cmp);
            y.sort_by(f64::total_cmp);
            assert_eq!(x, y, "{path}'s values in block {b}");
        }
        for path in [RETAIL, OVERHEAD] {
            assert_eq!(
                column(&plain, path, trials.clone()),
                column(&corr, path, trials.clone())
            );
        }
        // The price is drawn around its trial's (correlated) mean with the same normal draw:
        // price - mean is the same trial by trial (the floor at 0 is never reached).
        let diff = |s: &Scenario| -> Vec<f64> {
            let (p, m) = (
                column(s, PRICE, trials.clone()),
                column(s, MEAN, trials.clone()),
            );
            p.iter().zip(&m).map(|(p, m)| p - m).collect()
        };
        let (d0, d1) = (diff(&plain), diff(&corr));
        for (x, y) in d0.iter().zip(&d1) {
            assert!((x - y).abs() < 1e-9, "{x} vs {y}");
        }
    }
}

#[test]
fn a_trials_values_depend_only_on_its_block() {
    let tables = two(COST, RETAIL, 0.8);
    let (short, long) = (scenario(150, &tables), scenario(300, &tables));
    for path in [COST, RETAIL, OVERHEAD, PRICE] {
        assert_eq!(column(&short, path, 0..150), column(&long, path, 0..150));
    }
    // A run, a range of trials (crossing a block) and single trials agree.
    let full = run(&long, &|_| {}).expect("runs");
    let part = run_trials(
        &long,
        130..260,
        &RunOptions::default(),
        &|_| {},
        &AtomicBool::new(false),
    )
    .expect("runs")
    .expect("not stopped");
    for t in &part.trials {
        assert_eq!(
            t.draws, full.trials[t.trial as usize].draws,
            "trial {}",
            t.trial
        );
        assert_eq!(t.draws, trial_draws(&long, t.trial).expect("draws"));
    }
    // Diagnostics' draws of many trials (each block once) are the run's.
    let many = trials_draws(&long, 0..300);
    for (t, d) in full.trials.iter().zip(many) {
        assert_eq!(t.draws, d.expect("draws"), "trial {}", t.trial);
    }
    let short_run = run(&short, &|_| {}).expect("runs");
    for t in &short_run.trials {
        assert_eq!(t.draws, full.trials[t.trial as usize].draws);
    }
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let scn = scenario(250, &two(COST, RETAIL, 0.8));
    let draws = |threads: usize| -> Vec<Vec<f64>> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let r = pool.install(|| run(&scn, &|_| {})).expect("runs");
        r.trials.into_iter().map(|t| t.draws).collect()
    };
    assert_eq!(draws(1), draws(3));
}

#[test]
fn at_most_50_inputs_are_correlated() {
    // 51 plans with a drawn price, chained by pairs of rank 0.1 (diagonally dominant, so
    // positive semi-definite): the 51st input is one too many.
    let plans: String = (0..51)
        .map(|i| {
            format!(
                "[[plan]]\nname = \"p{i}\"\nkind = \"flat\"\n\
                 price = {{ dist = \"uniform\", min = 10, max = 20 }}\n"
            )
        })
        .collect();
    let tables = |n: usize| -> String {
        (1..n)
            .map(|i| {
                format!(
                    "[[correlation]]\npaths = [\"plan.p{}.price\", \"plan.p{i}.price\"]\nrank = 0.1\n",
                    i - 1
                )
            })
            .collect()
    };
    let text = |n: usize| {
        format!(
            "name = \"many\"\n[retail]\ninput = 1\noutput = 1\n[cost]\ninput = 1\noutput = 1\n\
             [[segment]]\nname = \"s\"\nshare = 1\noutput_tokens = 10\n{plans}{}",
            tables(n)
        )
    };
    assert!(parse(&text(50), "many.toml").is_ok());
    let err = parse(&text(51), "many.toml")
        .expect_err("51 inputs")
        .to_string();
    assert!(
        err.contains("correlation[49].paths: 51 correlated inputs: at most 50"),
        "{err}"
    );
}
