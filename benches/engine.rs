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
//!
//! Group `scaling` (only when `PLANSIM_SCALING_THREADS` is set, e.g. `1,2,4,8,16`) runs the
//! coding-agent engine at each of those thread counts on a size with work for 16 threads
//! (`PLANSIM_SCALING_TRIALS` x `PLANSIM_SCALING_USERS`, default 32 x 100,000: 800 blocks of 4,096
//! users); `benches/scaling.sh` runs it. Other knobs, all optional and read by `benches/perf.sh`:
//! `PLANSIM_BENCH_TRIALS`, `PLANSIM_BENCH_USERS` (the size of the other groups, default 2 x
//! 10,000), `PLANSIM_BENCH_THREADS` (their thread counts, default 1 and all), `PLANSIM_BENCH_SAMPLES`
//! (samples per benchmark, at least 10, default 20, 10 for the sweeps) and `PLANSIM_BENCH_ROOT`
//! (the folder holding `configs/`, default this crate's, for a bench executable run elsewhere).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use plansim::internals::{bare_loop, first_plans};
use plansim::{Override, RunOptions, Scenario, load_with, run, run_points};
use rayon::prelude::*;

/// A number from the environment variable `name`, or `default` when it is unset.
fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).map_or(default, |v| {
        v.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v}: not a whole number"))
    })
}

/// Thread counts from `name` (comma-separated), or `default` when it is unset.
fn env_threads(name: &str, default: Vec<usize>) -> Vec<usize> {
    std::env::var(name).map_or(default, |v| {
        v.split(',')
            .map(|t| {
                t.trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("{name}={v}: not a list"))
            })
            .collect()
    })
}

/// The bench's size: trials and users per trial of every group but `scaling`.
fn trials() -> u64 {
    env_u64("PLANSIM_BENCH_TRIALS", 2)
}

fn users() -> u64 {
    env_u64("PLANSIM_BENCH_USERS", 10_000)
}

/// The sample count for a group: `PLANSIM_BENCH_SAMPLES` when set, else `default`.
fn samples(default: usize) -> usize {
    env_u64("PLANSIM_BENCH_SAMPLES", default as u64).max(10) as usize
}

fn scenario(config: &str) -> Scenario {
    scenario_with(config, &[])
}

/// `config` at the bench's size with `sets` (path, TOML value) applied.
fn scenario_with(config: &str, sets: &[(&str, String)]) -> Scenario {
    sized(config, trials(), users(), sets)
}

/// `config` at `trials` x `users` with `sets` (path, TOML value) applied.
fn sized(config: &str, trials: u64, users: u64, sets: &[(&str, String)]) -> Scenario {
    let root = std::env::var_os("PLANSIM_BENCH_ROOT").map_or_else(
        || env!("CARGO_MANIFEST_DIR").into(),
        std::path::PathBuf::from,
    );
    let path = root.join(config);
    let size = |field: &str, n: u64| {
        Override::new(&format!("simulation.{field}"), n.to_string(), "bench").unwrap()
    };
    let mut all = vec![size("trials", trials), size("users", users)];
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

/// One rayon pool per thread count.
fn pools(threads: &[usize]) -> Vec<(usize, rayon::ThreadPool)> {
    threads
        .iter()
        .map(|&t| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(t).build();
            (t, pool.unwrap())
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    if let Ok(list) = std::env::var("PLANSIM_SCALING_THREADS") {
        scaling(c, &list);
        return;
    }
    let (trials, users) = (trials(), users());
    let scn = scenario("configs/coding-agent.toml");
    let all = std::thread::available_parallelism().map_or(1, |n| n.get());
    let user_months = trials * users * u64::from(scn.simulation.months);
    let pools = pools(&env_threads("PLANSIM_BENCH_THREADS", vec![1, all]));

    // The shipped scenario, five plans side by side, in user-plan-months.
    let mut g = c.benchmark_group("coding-agent");
    g.throughput(Throughput::Elements(
        user_months * scn.plan_names().len() as u64,
    ));
    g.sample_size(samples(20));
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
    g.sample_size(samples(20));
    for (threads, pool) in &pools {
        g.bench_function(format!("engine-one-plan/{threads}-threads"), |b| {
            b.iter(|| pool.install(|| black_box(run(&one, &|_| {}).unwrap())))
        });
        g.bench_function(format!("bare-loop/{threads}-threads"), |b| {
            b.iter(|| {
                pool.install(|| {
                    let chunks = users.div_ceil(4096);
                    let s: f64 = (0..trials * chunks)
                        .into_par_iter()
                        .map(|j| {
                            let (t, k) = (j / chunks, j % chunks);
                            bare_loop(&scn, k * 4096..((k + 1) * 4096).min(users), t)
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
    g.sample_size(samples(20));
    for (threads, pool) in &pools {
        g.bench_function(format!("engine/{threads}-threads"), |b| {
            b.iter(|| pool.install(|| black_box(run(&menu, &|_| {}).unwrap())))
        });
    }
    g.finish();

    // A 10-point price sweep against the single run, one thread.
    let (_, one_thread) = &pools[0];
    let mut g = c.benchmark_group("sweep");
    g.sample_size(samples(10));
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
                    let r = run_points(&points, 0..trials, &opts, &|_| {}, &stop);
                    black_box(r.unwrap().unwrap())
                })
            })
        });
    }
    g.finish();
}

/// The coding-agent engine at each thread count of `list` on a size with work for 16 threads.
fn scaling(c: &mut Criterion, list: &str) {
    let threads = env_threads("PLANSIM_SCALING_THREADS", Vec::new());
    assert!(
        !threads.is_empty(),
        "PLANSIM_SCALING_THREADS={list}: no thread counts"
    );
    let trials = env_u64("PLANSIM_SCALING_TRIALS", 32);
    let users = env_u64("PLANSIM_SCALING_USERS", 100_000);
    let scn = sized("configs/coding-agent.toml", trials, users, &[]);
    let upm = trials * users * u64::from(scn.simulation.months) * scn.plan_names().len() as u64;
    let mut g = c.benchmark_group("scaling");
    g.throughput(Throughput::Elements(upm));
    g.sample_size(samples(10));
    for (threads, pool) in &pools(&threads) {
        g.bench_function(format!("engine/{threads}-threads"), |b| {
            b.iter(|| pool.install(|| black_box(run(&scn, &|_| {}).unwrap())))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
