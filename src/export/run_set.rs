//! The files of one run of one or more points, as an output set ([`super::set`]).
//!
//! Without a sweep: the usual files at the top of the folder, plus compare.csv when there is a
//! comparison (`--baseline`); a plain run's folder is exactly as before. With a sweep:
//! sweep.csv, compare.csv and the sweep's run.json at the top, then each point's usual files
//! under `points/001/`, `points/002/`, ... (wider past 999), so a point's folder reads like
//! a plain run of that point's scenario (its CSVs are byte for byte those of that run).

use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::set::{Content, OutFile, point_folder, render, usual_files};
use super::{Outcome, OutputFolder, Report, compare, exporters, sweep};
use crate::analysis::compare::Comparison;
use crate::error::Error;

/// One point of a run, with what it produced.
pub struct PointReport<'a> {
    /// Each swept path's value at this point, as sweep.csv writes it (empty without a sweep).
    pub values: Vec<String>,
    /// The point's report.
    pub report: Report<'a>,
}

/// What a run of points produced.
pub struct RunSet<'a> {
    /// The swept paths; empty without a sweep (then there is exactly one point).
    pub paths: Vec<String>,
    /// The points, in order.
    pub points: Vec<PointReport<'a>>,
    /// compare.csv's rows, when the run compares (a sweep, or `--baseline`).
    pub compare: Option<Vec<Comparison>>,
}

impl RunSet<'_> {
    /// Whether this is a sweep.
    pub fn is_sweep(&self) -> bool {
        !self.paths.is_empty()
    }

    /// The files of the run, in writing order.
    ///
    /// # Errors
    /// A file that could not be rendered.
    pub fn files(&self) -> std::io::Result<Vec<OutFile<'_>>> {
        let mut top = Vec::new();
        if !self.is_sweep() {
            let Some(point) = self.points.first() else {
                return Ok(top);
            };
            top = usual_files(&point.report, "");
            if let Some(rows) = &self.compare {
                // Before run.json, which stays the last of the usual files.
                top.insert(
                    top.len() - 1,
                    OutFile::bytes(compare::FILE, compare::render(rows)?),
                );
            }
            return Ok(top);
        }
        let mut points = Vec::new();
        let mut summaries: Vec<Vec<u8>> = Vec::with_capacity(self.points.len());
        for (i, point) in self.points.iter().enumerate() {
            let folder = point_folder(i + 1);
            for ex in exporters(point.report.scenario) {
                let path = format!("{folder}/{}", ex.file_name());
                if ex.file_name() == "summary.csv" {
                    let bytes = render(ex.as_ref(), &point.report)?;
                    summaries.push(bytes.clone());
                    points.push(OutFile::bytes(path, bytes));
                } else {
                    points.push(OutFile {
                        path,
                        content: Content::Export(ex, &point.report),
                    });
                }
            }
        }
        let table: Vec<(&[String], &[u8])> = self
            .points
            .iter()
            .zip(&summaries)
            .map(|(p, s)| (p.values.as_slice(), s.as_slice()))
            .collect();
        top.push(OutFile::bytes(
            sweep::FILE,
            sweep::render(&self.paths, &table)?,
        ));
        let rows = self.compare.as_deref().unwrap_or_default();
        top.push(OutFile::bytes(compare::FILE, compare::render(rows)?));
        let reports: Vec<(&[String], &Report<'_>)> = self
            .points
            .iter()
            .map(|p| (p.values.as_slice(), &p.report))
            .collect();
        top.push(OutFile::bytes(
            "run.json",
            sweep::run_json(&self.paths, &reports)?,
        ));
        top.extend(points);
        Ok(top)
    }
}

/// Writes the run's files into `dir`, replacing its previous outputs as a set, as
/// [`super::write_all`] does for a plain run.
///
/// # Errors
/// As [`super::write_all`].
pub fn write_run(dir: &Path, run: &RunSet<'_>, stop: &AtomicBool) -> Result<bool, Error> {
    let files = run.files().map_err(|e| Error::io(dir, e))?;
    let outcome = OutputFolder::claim(dir, false, &mut Vec::new())?.write_set(files, None, stop)?;
    Ok(matches!(outcome, Outcome::Replaced(_)))
}
