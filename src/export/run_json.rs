//! run.json: what was run and how: version, resolved scenario, seed, generator, size, threads
//! and wall time. The only output that may differ between thread counts.

use std::io::Write;

use serde::Serialize;

use super::{Exporter, Report};
use crate::model::Scenario;

/// The run.json exporter.
pub struct RunJson;

#[derive(Serialize)]
struct RunInfo<'a> {
    plansim_version: &'static str,
    config: &'a str,
    seed: u64,
    rng: &'a str,
    trials: u64,
    users: u64,
    months: u32,
    threads: usize,
    block_users: u64,
    wall_seconds: f64,
    scenario: &'a Scenario,
}

impl Exporter for RunJson {
    fn file_name(&self) -> &'static str {
        "run.json"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let sim = &r.scenario.simulation;
        let info = RunInfo {
            plansim_version: env!("CARGO_PKG_VERSION"),
            config: &r.config_path,
            seed: sim.seed,
            rng: &r.results.provenance.rng,
            trials: sim.trials,
            users: sim.users,
            months: sim.months,
            threads: r.threads,
            block_users: r.results.provenance.block_users,
            wall_seconds: r.wall_seconds,
            scenario: r.scenario,
        };
        serde_json::to_writer_pretty(&mut *out, &info).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    }
}
