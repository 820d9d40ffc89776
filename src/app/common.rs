//! What `plansim run`, a shard run and `plansim merge` share: the points as loaded from the
//! command line, the worker pool, the message for a run stopped by a signal, the files derived
//! from the others' texts (report.html, results.xlsx), the table printed after a run, and the
//! notice that earlier outputs were replaced. Kept apart from [`super::run`] so that run, shard,
//! merge and finish all depend on it and none of them on another.

use std::path::{Path, PathBuf};

use super::{best, decide, table};
use crate::analysis::compare::Baseline;
use crate::config::{self, Override};
use crate::error::Error;
use crate::export::{self, Report, RunSet};
use crate::model::Scenario;

/// The scenario's points as loaded from the command line, with what a shard records.
pub(super) struct Loaded {
    /// How the config is named in messages and run.json.
    pub config_name: String,
    /// The config text as read.
    pub text: String,
    /// `--set`, the size flags and `--precision`, in order.
    pub overrides: Vec<Override>,
    /// `--sweep`.
    pub sweeps: Vec<config::sweep::SweepArg>,
    /// The swept paths.
    pub paths: Vec<String>,
    /// Each point's swept values.
    pub values: Vec<Vec<String>>,
    /// Each point's scenario, `--seed` applied.
    pub scns: Vec<Scenario>,
    /// The data files read.
    pub data_files: Vec<PathBuf>,
}

/// The notice that earlier outputs were replaced, if they were.
pub(super) fn replaced_line(out: &Path, replaced: Option<String>) -> String {
    replaced.map_or(String::new(), |previous| {
        format!(
            "Replaced the previous results in {} ({previous}).\n",
            out.display()
        )
    })
}

/// The error for a run stopped by `signal`, saying what of `out` was left.
pub(super) fn interrupted(out: &Path, signal: i32) -> Error {
    Error::Interrupted {
        signal,
        what: if out.exists() {
            format!("the outputs in {} are as they were", out.display())
        } else {
            format!("{} was not created", out.display())
        },
    }
}

/// The worker pool.
pub(super) fn pool(threads: usize) -> Result<rayon::ThreadPool, Error> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::System(format!("cannot start {threads} threads: {e}")))
}

/// The files built from the texts of the set's files, written into the temporary folder after
/// the others and swapped in with them: report.html (`--report`) and results.xlsx (`--xlsx`).
pub(super) fn derived(report: bool, xlsx: bool) -> Option<export::set::Derive<'static>> {
    if !report && !xlsx {
        return None;
    }
    Some(Box::new(move |texts: &[(String, String)]| {
        let mut files = Vec::new();
        if report {
            let html = crate::report::render(texts).map_err(std::io::Error::other)?;
            files.push((crate::report::FILE_NAME.to_string(), html.into_bytes()));
        }
        if xlsx {
            let csvs: Vec<(String, String)> = texts
                .iter()
                .filter(|(path, _)| path.ends_with(".csv"))
                .cloned()
                .collect();
            let book = export::workbook::build(&csvs).map_err(std::io::Error::other)?;
            files.push(("results.xlsx".to_string(), book));
        }
        Ok(files)
    }))
}

/// The table printed after the run: a plain run's rows (ranked by `--rank-by`, the
/// `--baseline` flagged), or a sweep's best point per plan.
pub(super) fn stdout_table(run: &RunSet<'_>, decide: &decide::Decide) -> Result<String, Error> {
    let cells = |r: &Report<'_>| {
        export::summary_cells(r).map_err(|e| Error::System(format!("summary table: {e}")))
    };
    if run.is_sweep() {
        let views = run
            .points
            .iter()
            .map(|p| {
                Ok(best::PointView {
                    values: &p.values,
                    scenario: p.report.scenario,
                    summaries: p.report.summaries,
                    cells: cells(&p.report)?,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        return Ok(best::sweep_table(
            &run.paths,
            &views,
            decide.rank.as_ref(),
            decide.baseline.as_ref(),
        ));
    }
    let r = &run.points[0].report;
    let order = match &decide.rank {
        Some(rank) => Some(decide::order(
            &decide::values(&cells(r)?, &rank.column),
            rank.lowest_first,
        )),
        None => None,
    };
    let legend;
    let marked = match &decide.baseline {
        Some(Baseline::Plan(p)) => {
            legend =
                format!("* baseline: compare.csv compares every plan with {p}, trial by trial.");
            r.summaries
                .iter()
                .position(|s| s.plan == *p)
                .map(|i| (i, legend.as_str()))
        }
        _ => None,
    };
    Ok(table::ranked_table(
        r.scenario,
        r.results,
        r.summaries,
        order.as_deref(),
        marked,
    ))
}

/// What the outputs in `dir` came from, if it holds any: `None` when there is nothing to
/// replace, else the seed and start time its run.json records, or what it lacks (run.json
/// from before plansim recorded start times has none).
pub(super) fn previous_run(dir: &Path) -> Option<String> {
    let holds_files = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if !holds_files {
        return None;
    }
    let run_json = std::fs::read(dir.join("run.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
    let Some(run_json) = run_json else {
        return Some("no readable run.json: seed and start time unknown".into());
    };
    let seed = run_json["seed"]
        .as_u64()
        .map_or("seed unknown".into(), |s| format!("seed {s}"));
    let started = run_json["started_at"]
        .as_str()
        .map_or("start time not recorded".into(), |t| format!("started {t}"));
    Some(format!("{seed}, {started}"))
}
