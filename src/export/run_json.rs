//! run.json: what was run and how: version, resolved scenario, seed, generator, size, threads,
//! start time and wall time; in precision mode, the precision reached on each row. The only
//! output that may differ between runs of the same scenario.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::{Exporter, Report};
use crate::analysis::precision::{RowPrecision, assess};
use crate::model::Scenario;
use crate::model::correlation::{BLOCK, Correlation, spearman};
use crate::model::precision::Precision;
use crate::results::RunResults;

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
    started_at: String,
    wall_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<PrecisionInfo>,
    scenario: &'a Scenario,
    #[serde(skip_serializing_if = "Option::is_none")]
    correlation: Option<CorrelationInfo<'a>>,
}

/// run.json's `correlation`: the method, the block size, the target rank correlations and, per
/// pair, the Spearman rank correlation achieved over all trials of the run (`null` when it is
/// undefined: fewer than 2 trials, or an input constant over them).
#[derive(Serialize)]
struct CorrelationInfo<'a> {
    method: &'static str,
    block_trials: u64,
    inputs: &'a [String],
    target: &'a [Vec<f64>],
    pairs: Vec<PairInfo<'a>>,
}

#[derive(Serialize)]
struct PairInfo<'a> {
    inputs: [&'a str; 2],
    target: f64,
    achieved: Option<f64>,
}

impl<'a> CorrelationInfo<'a> {
    fn of(c: &'a Correlation, results: &RunResults) -> Self {
        let column =
            |slot: usize| -> Vec<f64> { results.trials.iter().map(|t| t.draws[slot]).collect() };
        let columns: Vec<Vec<f64>> = c.slots.iter().map(|&s| column(s)).collect();
        let k = c.paths.len();
        let pairs = (0..k)
            .flat_map(|i| (i + 1..k).map(move |j| (i, j)))
            .map(|(i, j)| PairInfo {
                inputs: [&c.paths[i], &c.paths[j]],
                target: c.target[i][j],
                achieved: spearman(&columns[i], &columns[j]),
            })
            .collect();
        CorrelationInfo {
            method: "Iman-Conover (1982) with van der Waerden scores, in fixed blocks of trials",
            block_trials: BLOCK,
            inputs: &c.paths,
            target: &c.target,
            pairs,
        }
    }
}

/// Precision mode's outcome: the target, the trials used and each row's half-width there.
#[derive(Serialize)]
struct PrecisionInfo {
    #[serde(flatten)]
    target: Precision,
    trials_used: u64,
    reached: bool,
    rows: Vec<RowPrecision>,
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
            started_at: rfc3339_utc(r.started_at),
            wall_seconds: r.wall_seconds,
            precision: sim.precision.map(|p| {
                let rows = assess(r.scenario, r.results, &p);
                PrecisionInfo {
                    target: p,
                    trials_used: sim.trials,
                    reached: rows.iter().all(|row| row.met),
                    rows,
                }
            }),
            scenario: r.scenario,
            correlation: r
                .scenario
                .correlation
                .as_ref()
                .map(|c| CorrelationInfo::of(c, r.results)),
        };
        serde_json::to_writer_pretty(&mut *out, &info).map_err(std::io::Error::other)?;
        out.write_all(b"\n")
    }
}

/// `t` as an RFC 3339 UTC timestamp to the second, `YYYY-MM-DDTHH:MM:SSZ` (a time before 1970
/// is written as 1970-01-01T00:00:00Z).
pub(crate) fn rfc3339_utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use super::rfc3339_utc;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let at = |s| rfc3339_utc(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_709_210_096), "2024-02-29T12:34:56Z");
        assert_eq!(at(1_735_689_599), "2024-12-31T23:59:59Z");
        assert_eq!(at(4_102_444_800), "2100-01-01T00:00:00Z");
        assert_eq!(
            rfc3339_utc(UNIX_EPOCH - Duration::from_secs(1)),
            "1970-01-01T00:00:00Z"
        );
    }
}
