//! Engine throughput on the shipped coding-agent scenario, in user-plan-months per second, on
//! one thread and on all threads, against a bare loop that makes the same draws from the same
//! generator (per user: base demand, top-up uniform; per user-month: the mean-one lognormal
//! noise exp(v z - v^2 / 2) and a churn uniform) and sums them into one accumulator, with no
//! allocation and no plans.
//!
//! Group `coding-agent` reports the whole scenario (five plans) in user-plan-months. Group
//! `per-user-month` compares like with like in user-months: the engine with one plan against
//! the bare loop, so their ratio is what plans and bookkeeping cost on top of the draws.
//!
//! Group `menu` runs the shipped menu scenario (`configs/menu.toml`: users choose one of five
//! plans or none, with logit taste, bill-shock re-choices and arrivals) at the same size, in
//! user-months of its population (month-0 users for every month, arrivals from their arrival
//! month, churned or not, as the other groups count them): each user is billed on one plan at
//! most, but is offered every plan at each choice.
//!
//! Group `sweep` times, on one thread, a single run against a 10-point sweep of one plan's
//! price (`max-20x` at $100, $125, ... $325) run together by `run_points`, which lives each
//! user once for all points: on the coding-agent scenario (each mode) and on the menu one.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plansim::internals::{bare_loop, first_plans};
use plansim::{Override, RunOptions, Scenario, load_with, run, run_points};
use rayon::prelude::*;

const TRIALS: u64 = 2;
const USERS: u64 = 10_000;

fn scenario(config: &str) -> Scenario {
    scenario_with(config, &[])
}

/// `config` at the bench's size with `sets` (path, TOML value) applied.
fn scenario_with(config: &str, sets: &[(&str, String)]) -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(config);
    let size = |field: &str, n: u64| {
        Override::new(&format!("simulation.{field}"), n.to_string(), "bench").unwrap()
    };
    let mut all = vec![size("trials", TRIALS), size("users", USERS)];
    for (p, v) in sets {
        all.push(Override::new(p, v.clone(), "bench").unwrap());
    }
    load_with(&path, &all).expect("shipped config is valid")
}

/// The 10 points of a sweep of max-20x's price over $100, $125, ... $325.
fn price_sweep(config: &str) -> Vec<Scenario> {
    (0..10)
        .map(|i| {
            scenario_with(
                config,
                &[("plan.max-20x.price", (100 + 25 * i).to_string())],
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let scn = scenario("configs/coding-agent.toml");
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let user_months = TRIALS * USERS * u64::from(scn.simulation.months);
    let pools: Vec<_> = [1, all]
        .iter()
        .map(|&t| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build();
            (t, pool.unwrap())
        })
        .collect();

    // The shipped scenario, five plans side by side, in user-plan-months.
    let mut g = c.benchmark_group("coding-agent");
    g.throughput(Throughput::Elements(
        user_months * scn.plan_names().len() as u64,
    ));
    g.sample_size(20);
    for (threads, pool) in &pools {
        g.bench_function(format!("engine/{threads}-threads"), |b| {
            b.iter(|| pool.install(|| black_box(run(&scn, &|_| {}).unwrap())))
        });
    }
    g.finish();

    // Like for like, in user-months: the engine with one plan (api) against the bare loop.
    let one = first_plans(&scn, 1);
    let mut g = c.benchmark_group("per-user-month");
    g.throughput(Throughput::Elements(user_months));
    g.sample_size(20);
    for (threads, pool) in &pools {
        g.bench_function(format!("engine-one-plan/{threads}-threads"), |b| {
            b.iter(|| pool.install(|| black_box(run(&one, &|_| {}).unwrap())))
        });
        g.bench_function(format!("bare-loop/{threads}-threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    let chunks = USERS.div_ceil(4096);
                    let s: f64 = (0..TRIALS * chunks)
                        .into_par_iter()
                        .map(|j| {
                            let (t, k) = (j / chunks, j % chunks);
                            bare_loop(&scn, k * 4096..((k + 1) * 4096).min(USERS), t)
                        })
                        .sum();
                    black_box(s)
                })
            })
        });
    }
    g.finish();

    // The shipped menu scenario, in user-months of its population (arrivals included).
    let menu = scenario("configs/menu.toml");
    let probe = run(&menu, &|_| {}).unwrap();
    let population_months: u64 = probe.population.iter().map(|p| p.arrived).sum();
    let mut g = c.benchmark_group("menu");
    g.throughput(Throughput::Elements(population_months));
    g.sample_size(20);
    for (threads, pool) in &pools {
        g.bench_function(format!("engine/{threads}-threads"), |b| {
            b.iter(|| pool.install(|| black_box(run(&menu, &|_| {}).unwrap())))
        });
    }
    g.finish();

    // A 10-point price sweep against the single run, one thread.
    let (_, one_thread) = &pools[0];
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    let stop = std::sync::atomic::AtomicBool::new(false);
    for (name, config) in [
        ("coding-agent", "configs/coding-agent.toml"),
        ("menu", "configs/menu.toml"),
    ] {
        let single = scenario(config);
        let points = price_sweep(config);
        g.bench_function(format!("{name}/single"), |b| {
            b.iter(|| one_thread.install(|| black_box(run(&single, &|_| {}).unwrap())))
        });
        g.bench_function(format!("{name}/10-points"), |b| {
            b.iter(|| {
                one_thread.install(|| {
                    let opts = RunOptions::default();
                    let r = run_points(&points, 0..TRIALS, &opts, &|_| {}, &stop);
                    black_box(r.unwrap().unwrap())
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
