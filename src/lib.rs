//! plansim: Monte Carlo simulation of the economics of AI product pricing plans.
//!
//! Data flows one way: config (TOML -> validated [`Scenario`]) -> engine (trials in parallel,
//! ordered merge) -> [`results`] (plain, serialisable sums carrying their own counts) ->
//! summary (statistics over trials) -> export (one file per exporter, swapped in atomically).
//! The binary's commands wire them ([`run_command`]). ARCHITECTURE.md maps the source.
//!
//! The public API is this facade: [`load`] or [`parse`] a scenario (optionally with
//! [`Override`]s by field path), [`run`] it (or [`run_trials`] for a range of trials),
//! [`summarize`] the [`results`], and [`write_all`] the output files; [`report::render`] draws
//! report.html from the files of an output folder; [`shard`] reads and writes the shard folders
//! of `plansim run --shard K/N` that `plansim merge` merges.
//!
//! ```
//! let text = r#"
//! name = "tiny"
//! [simulation]
//! trials = 20
//! users = 100
//! [retail]
//! input = 5
//! output = 25
//! [cost]
//! input = 0.5
//! output = 2.5
//! [[segment]]
//! name = "all"
//! share = 1
//! output_tokens = 1_000_000
//! [[plan]]
//! name = "pro"
//! kind = "flat"
//! price = 20
//! "#;
//! let scenario = plansim::parse(text, "tiny.toml").unwrap();
//! let results = plansim::run(&scenario, &|_| {}).unwrap();
//! let summary = plansim::summarize(&scenario, &results);
//! // 100 users pay $20 for 1M output tokens that cost $2.50 to serve: $1,750 a trial.
//! assert!((summary[0].profit_mean - 1750.0).abs() < 1e-6);
//! ```
#![deny(missing_docs)]

mod analysis;
mod app;
pub mod cli;
mod config;
mod dist;
mod engine;
mod error;
mod export;
mod fit;
mod interrupt;
mod model;
pub mod report;
pub mod results;
pub mod shard;
mod usage;

#[cfg(test)]
mod tests;

pub use analysis::compare::{Baseline, Comparison, compare};
pub use analysis::precision::{PrecisionRun, RowPrecision, run_to_precision};
pub use analysis::quantile_ci;
pub use analysis::summary::{PlanSummary, summarize};
pub use app::run as run_command;
pub use config::sweep::{Point, Points, SweepArg, load_points};
pub use config::{Override, load, load_with, parse, parse_with};
pub use engine::{
    EngineError, Footprint, RunOptions, SizeLimit, SizeProblem, run, run_points, run_trials,
    run_until, size_problem, size_problem_points,
};
pub use error::{ConfigError, ConfigErrors, Error};
pub use export::{PointReport, Report, RunSet, output_names, point_folder, write_all, write_run};
pub use model::precision::{Metric, Precision, Target};
pub use model::{Scenario, Simulation};

/// Building blocks for the benchmarks, the fuzz harness and the fit's recovery tests, which live
/// outside the crate.
/// Not part of the API: no promise of stability.
#[doc(hidden)]
pub mod internals {
    pub use crate::analysis::check::report_with as check_report_with;
    pub use crate::engine::stream;
    pub use crate::export::exporters;
    pub use crate::fit::models::{
        Component, Fitted, Model, ParamInterval, bootstrap, fit_candidates, fit_mixture,
        fit_pareto, responsibilities,
    };
    pub use crate::fit::users::{GroupFit, Has, UserFit, group, per_user};
    pub use crate::usage::{Panel, ReadOptions, read as read_usage};

    use crate::model::Scenario;

    /// A usage export of trial `trial` of the scenario's users, simulated with root seed `seed`
    /// (in place of the scenario's): the CSV text of one row per user and month lived, with the
    /// engine's own streams and the model's own lives (`plansim fit`'s recovery tests read it;
    /// the columns and rounding are in `export/usage_csv.rs` and `model/panel_sim.rs`).
    ///
    /// # Errors
    /// The reason, for a trial outside the scenario's, a team segment (refused) or a panel
    /// over 20 million rows.
    pub fn simulate_usage(scn: &Scenario, seed: u64, trial: u64) -> Result<String, String> {
        let mut scn = scn.clone();
        scn.simulation.seed = seed;
        let rows = crate::engine::simulate_panel(&scn, trial).map_err(|e| e.to_string())?;
        Ok(crate::export::usage_csv::usage_csv(
            &scn.segment_names(),
            &rows,
        ))
    }

    /// The scenario with only its first `n` plans (for the bench's one-plan case).
    pub fn first_plans(scn: &Scenario, n: usize) -> Scenario {
        let mut s = scn.clone();
        s.plans.truncate(n);
        s
    }

    /// The engine's draws without the engine, for the bench's bare loop: same streams, same
    /// samplers (per user: base demand, top-up uniform; per user-month: the mean-one lognormal
    /// noise and a churn uniform, each purpose from its own stream), summed into one number. Trial 0's
    /// scenario values must be fixed (no trial-level draws in the segments).
    pub fn bare_loop(scn: &Scenario, users: std::ops::Range<u64>, trial: u64) -> f64 {
        use crate::engine::UserStreams;
        use crate::model::purpose::{Purpose, Streams};
        use rand::RngExt;
        use rand_distr::{Distribution, StandardNormal};
        let sizes = scn.segment_sizes();
        let samplers: Vec<_> = scn
            .segments
            .iter()
            .map(|s| {
                s.work.fields()[0]
                    .1
                    .resolve(&[])
                    .expect("fixed base demand")
            })
            .collect();
        let vol: Vec<f64> = scn
            .segments
            .iter()
            .map(|s| s.monthly_volatility.value(&[]))
            .collect();
        let half_var: Vec<f64> = vol.iter().map(|v| v * v / 2.0).collect();
        let months = scn.simulation.months;
        let seed = scn.simulation.seed;
        let mut acc = 0.0;
        let mut seg = 0;
        let mut end = sizes[0];
        for u in users {
            while u >= end {
                seg += 1;
                end += sizes[seg];
            }
            let streams = UserStreams::new(seed, trial, u);
            acc += samplers[seg].sample(&mut streams.rng(Purpose::BaseDemand));
            acc += streams.rng(Purpose::TopUp).random::<f64>();
            let (mut noise, mut churn) = (streams.rng(Purpose::Noise), streams.rng(Purpose::Churn));
            for _ in 0..months {
                // The monthly draw is the mean-one lognormal noise exp(v z - v^2 / 2).
                let z: f64 = StandardNormal.sample(&mut noise);
                acc += (vol[seg] * z - half_var[seg]).exp() + churn.random::<f64>();
            }
        }
        acc
    }
}
