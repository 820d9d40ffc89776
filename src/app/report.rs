//! `plansim report DIR`: report.html from the files of an output folder (a run's, or a
//! sweep's: its top-level sweep.csv and compare.csv, and the run files of the point the
//! report shows in detail, [`crate::report::detail_folder`]), written into the folder and
//! added to its manifest ([`crate::export::add_file`]), so a later run still replaces the
//! folder. `plansim run --report` draws the same page with [`crate::report::render`] from the
//! texts of the files it writes, as one more file of its set (`app/run.rs`).

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::print;
use crate::cli::ReportArgs;
use crate::error::Error;
use crate::report::{self, FILE_NAME, RUN_FILES, SWEEP_FILES};

pub(super) fn report_folder(args: &ReportArgs) -> Result<(), Error> {
    let (path, notes) = write_report(&args.dir)?;
    print::stderr_lines(&notes);
    print::stdout(&format!("wrote {}\n", path.display()))
}

/// Writes `dir`/report.html from the files in `dir` and lists it in the folder's manifest.
/// Returns its path and the notes of what was repaired in the folder (one line each).
///
/// # Errors
/// [`Error::Usage`] when `dir` is missing or unreadable, holds no summary.csv, or a file is
/// not what plansim writes; what [`crate::export::add_file`] refuses.
fn write_report(dir: &Path) -> Result<(PathBuf, Vec<String>), Error> {
    let html = report::render(&read_outputs(dir)?)
        .map_err(|e| Error::Usage(format!("report: {}: {e}", dir.display())))?;
    let notes = crate::export::add_file(dir, FILE_NAME, html.as_bytes())?;
    Ok((dir.join(FILE_NAME), notes))
}

/// The files of `dir` the report reads, as (path relative to `dir`, text); those missing are
/// left out.
///
/// # Errors
/// [`Error::Usage`] when `dir` is not a readable folder or a file is not UTF-8 text;
/// [`Error::Io`] when a file that is there cannot be read.
fn read_outputs(dir: &Path) -> Result<Vec<(String, String)>, Error> {
    let shown = dir.display();
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(Error::Usage(format!("report: {shown} is not a folder"))),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Error::Usage(format!("report: {shown}: no such folder")));
        }
        Err(e) => return Err(Error::Usage(format!("report: {shown}: {e}"))),
    }
    if let Err(e) = std::fs::read_dir(dir) {
        return Err(Error::Usage(format!(
            "report: {shown}: cannot list it ({e})"
        )));
    }
    let mut files = Vec::new();
    for name in SWEEP_FILES.iter().chain(&RUN_FILES) {
        read(dir, (*name).to_string(), &mut files)?;
    }
    let prefix =
        report::detail_folder(&files).map_err(|e| Error::Usage(format!("report: {shown}: {e}")))?;
    if let Some(prefix) = prefix {
        for name in RUN_FILES {
            read(dir, format!("{prefix}{name}"), &mut files)?;
        }
    }
    if !files
        .iter()
        .any(|(p, _)| p.ends_with("summary.csv") || p == "sweep.csv")
    {
        return Err(Error::Usage(format!(
            "report: {shown} holds no summary.csv: not an output folder of plansim run"
        )));
    }
    Ok(files)
}

/// Adds the file `rel` of `dir` to `files`, if it is there.
fn read(dir: &Path, rel: String, files: &mut Vec<(String, String)>) -> Result<(), Error> {
    let path = dir.join(&rel);
    match std::fs::read(&path) {
        Ok(bytes) => {
            let text = String::from_utf8(bytes).map_err(|_| {
                Error::Usage(format!("report: {} is not UTF-8 text", path.display()))
            })?;
            files.push((rel, text));
            Ok(())
        }
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::io(path, e)),
    }
}
