//! Exporters: one output file each, behind one trait, and the atomic replacement of the output
//! folder as a set.
//!
//! Files are written into a fresh temporary folder beside the destination, then swapped in with
//! renames, so a reader never sees a half-written file or a new summary.csv beside an old
//! trials.csv. On any error the temporary folder is removed and the destination is untouched.
//! plansim refuses to replace a folder that holds anything besides its own outputs.

mod deciles;
mod monthly;
mod run_json;
mod segments;
mod summary;
mod trials;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::analysis::summary::PlanSummary;
use crate::error::Error;
use crate::model::Scenario;
use crate::results::RunResults;

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

/// Every exporter, in the order files are written.
pub fn exporters() -> Vec<Box<dyn Exporter>> {
    vec![
        Box::new(summary::Summary),
        Box::new(trials::Trials),
        Box::new(segments::Segments),
        Box::new(deciles::Deciles),
        Box::new(monthly::Monthly),
        Box::new(run_json::RunJson),
    ]
}

/// Names of the files plansim writes into an output folder.
pub fn output_names() -> Vec<&'static str> {
    exporters().iter().map(|e| e.file_name()).collect()
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

/// Checks, before running, that `dir` can receive outputs: its parent exists, is a folder and
/// accepts a new folder (one is created and removed at once), and `dir` is absent or a folder
/// holding only plansim's own outputs.
///
/// # Errors
/// [`Error::Output`] naming the problem.
pub fn preflight(dir: &Path) -> Result<(), Error> {
    if dir.file_name().is_none() {
        return Err(Error::Output(format!(
            "output folder {}: name a folder of its own (not `.`, `..` or a root)",
            dir.display()
        )));
    }
    if dir.is_symlink() {
        return Err(Error::Output(format!(
            "output path {} is a symbolic link; give the folder it points to instead",
            dir.display()
        )));
    }
    let parent = parent_of(dir);
    if !parent.is_dir() {
        let what = if parent.exists() {
            "is not a folder"
        } else {
            "does not exist"
        };
        return Err(Error::Output(format!(
            "output folder {}: its parent folder {} {what}",
            dir.display(),
            parent.display()
        )));
    }
    let probe = temp_name(dir, "probe");
    if let Err(e) = std::fs::create_dir(&probe) {
        return Err(Error::Output(format!(
            "output folder {}: cannot create folders in {} ({e})",
            dir.display(),
            parent.display()
        )));
    }
    let _ = std::fs::remove_dir(&probe);
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Error::Output(format!(
                "output path {} exists and is not a folder",
                dir.display()
            )));
        }
        let names = output_names();
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            let name = entry.file_name();
            let ok = name.to_str().is_some_and(|n| names.contains(&n))
                && entry.file_type().is_ok_and(|t| t.is_file());
            if !ok {
                return Err(Error::Output(format!(
                    "output folder {} holds {:?}, which plansim did not write; \
                     refusing to replace it (choose another --out or move that file)",
                    dir.display(),
                    name
                )));
            }
        }
    }
    Ok(())
}

fn parent_of(dir: &Path) -> PathBuf {
    match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A hidden sibling of `dir` unique to this process and moment: `.NAME.plansim-KIND-PID-NANOS`.
fn temp_name(dir: &Path, kind: &str) -> PathBuf {
    let base = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    parent_of(dir).join(format!(
        ".{base}.plansim-{kind}-{}-{nanos}",
        std::process::id()
    ))
}

/// Writes every output file into `dir`, replacing its previous outputs as a set. `stop` is
/// checked before each file and before the swap; once it is set, nothing more is written, the
/// temporary folder is removed and `Ok(false)` is returned with `dir` untouched.
///
/// # Errors
/// [`Error::Output`] when `dir` cannot receive outputs, [`Error::Io`] when writing fails; in
/// both cases `dir` is left as it was and no temporary files remain.
pub fn write_all(dir: &Path, report: &Report<'_>, stop: &AtomicBool) -> Result<bool, Error> {
    preflight(dir)?;
    let tmp = temp_name(dir, "tmp");
    std::fs::create_dir(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let stopped = || stop.load(Ordering::SeqCst);
    let written = (|| {
        for ex in exporters() {
            if stopped() {
                return Ok(false);
            }
            let path = tmp.join(ex.file_name());
            let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
            let mut w = std::io::BufWriter::new(file);
            ex.write(report, &mut w).map_err(|e| Error::io(&path, e))?;
            w.flush().map_err(|e| Error::io(&path, e))?;
            w.get_ref().sync_all().map_err(|e| Error::io(&path, e))?;
        }
        if stopped() {
            return Ok(false);
        }
        swap_in(&tmp, dir).map(|()| true)
    })();
    if !matches!(written, Ok(true)) {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    written
}

/// Renames the finished temporary folder to `dir`, moving an older output set aside first and
/// deleting it (plansim's own files only) once the new one is in place.
fn swap_in(tmp: &Path, dir: &Path) -> Result<(), Error> {
    if !dir.exists() {
        return std::fs::rename(tmp, dir).map_err(|e| Error::io(dir, e));
    }
    let old = temp_name(dir, "old");
    std::fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
    if let Err(e) = std::fs::rename(tmp, dir) {
        let _ = std::fs::rename(&old, dir);
        return Err(Error::io(dir, e));
    }
    for name in output_names() {
        let _ = std::fs::remove_file(old.join(name));
    }
    let _ = std::fs::remove_dir(&old);
    Ok(())
}
