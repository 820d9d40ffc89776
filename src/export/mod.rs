//! Exporters: one output file each, behind one trait, and the atomic replacement of the output
//! folder as a set.
//!
//! Files are written into a fresh temporary folder beside the destination, then swapped in
//! ([`folder`]), so a reader never sees a half-written file or a new summary.csv beside an old
//! trials.csv. On any error the temporary folder is removed and the destination is untouched.
//! plansim refuses to replace a folder that holds anything besides what its manifest
//! ([`manifest`]) says plansim wrote, and locks the folder for the run ([`lock`]). A file made
//! from a set already in place (report.html) is added to it, manifest included ([`added`]).
//!
//! A run writes a set of files at relative paths ([`set`]): the usual files of a plain run,
//! and for a sweep or a comparison the files of [`run_set`] (sweep.csv, compare.csv, each
//! point's files under `points/NNN/`).

mod added;
mod choices;
mod compare;
mod deciles;
pub(crate) mod fit_report;
pub(crate) mod fit_users;
mod folder;
mod handles;
mod hook;
mod lock;
mod manifest;
mod monthly;
mod names;
mod rename;
mod repair;
mod run_json;
mod run_set;
mod segments;
mod sensitivity;
pub mod set;
mod summary;
mod swap;
mod sweep;
mod tail;
mod temp;
mod trials;
pub mod usage_csv;
pub mod workbook;

use std::io::Write;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use crate::analysis::summary::PlanSummary;
use crate::error::Error;
use crate::model::Scenario;
use crate::results::RunResults;

pub use added::add_file;
pub use folder::{Outcome, OutputFolder};
pub(crate) use run_json::rfc3339_utc;
pub use run_set::{PointReport, RunSet, write_run};
pub use set::{point_folder, render};
pub use sweep::summary_cells;

/// What a run produced, with the facts run.json records.
pub struct Report<'a> {
    /// The scenario as run (after command-line overrides).
    pub scenario: &'a Scenario,
    /// Engine results.
    pub results: &'a RunResults,
    /// Per-plan statistics.
    pub summaries: &'a [PlanSummary],
    /// Config file path as given.
    pub config_path: String,
    /// Worker threads used.
    pub threads: usize,
    /// Wall time of the simulation, seconds.
    pub wall_seconds: f64,
    /// When the run started (run.json's `started_at`).
    pub started_at: std::time::SystemTime,
}

/// One output file.
pub trait Exporter {
    /// File name inside the output folder.
    fn file_name(&self) -> &'static str;
    /// Writes the whole file.
    ///
    /// # Errors
    /// Any write error.
    fn write(&self, report: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()>;
}

/// The exporters of a run of `scenario`, in the order files are written: the files of every
/// run, and choices.csv in menu mode only (before run.json, which comes last).
pub fn exporters(scenario: &Scenario) -> Vec<Box<dyn Exporter>> {
    let mut all: Vec<Box<dyn Exporter>> = vec![
        Box::new(summary::Summary),
        Box::new(trials::Trials),
        Box::new(segments::Segments),
        Box::new(deciles::Deciles),
        Box::new(monthly::Monthly),
        Box::new(sensitivity::Sensitivity),
        Box::new(tail::Tail),
    ];
    if scenario.is_menu() {
        all.push(Box::new(choices::Choices));
    }
    all.push(Box::new(run_json::RunJson));
    all
}

/// Names of the files plansim writes into an output folder for a run of `scenario` (the
/// manifest lists the same).
pub fn output_names(scenario: &Scenario) -> Vec<&'static str> {
    exporters(scenario).iter().map(|e| e.file_name()).collect()
}

/// Column names of summary.csv (the columns `--rank-by` accepts, less `plan` and `kind`).
pub fn summary_columns() -> Vec<&'static str> {
    summary::COLUMNS.to_vec()
}

/// A float in shortest round-trip form, no exponent, no separators; a non-finite value (which
/// the run refuses before writing) would be an empty cell, never `NaN` or `inf`.
pub fn num(x: f64) -> String {
    if !x.is_finite() {
        String::new()
    } else if x == 0.0 {
        "0".into()
    } else {
        format!("{x}")
    }
}

/// `total / users` as a cell; empty when there are no users.
pub fn per_user(total: f64, users: u64) -> String {
    if users == 0 {
        String::new()
    } else {
        num(total / users as f64)
    }
}

/// An optional float; `None` is an empty cell.
pub fn opt(x: Option<f64>) -> String {
    x.map(num).unwrap_or_default()
}

/// A CSV writer with plansim's settings.
pub fn csv_writer(out: &mut dyn Write) -> csv::Writer<&mut dyn Write> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

/// Writes every output file into `dir`, replacing its previous outputs as a set: claims the
/// folder ([`OutputFolder::claim`], which also repairs leftovers of killed runs) and writes
/// ([`OutputFolder::write`]). `stop` is checked before each file and before the swap; once it
/// is set, nothing more is written, the temporary folder is removed and `Ok(false)` is
/// returned with `dir` untouched. The notes and warnings the binary prints are dropped.
///
/// # Errors
/// [`Error::Output`] when `dir` cannot receive outputs, [`Error::Busy`] when another run is
/// writing into it, [`Error::Io`] when writing fails; in each case `dir` is left as it was and
/// no temporary files remain.
pub fn write_all(dir: &Path, report: &Report<'_>, stop: &AtomicBool) -> Result<bool, Error> {
    let outcome = OutputFolder::claim(dir, false, &mut Vec::new())?.write(report, stop)?;
    Ok(matches!(outcome, Outcome::Replaced(_)))
}
