//! An output set as a list of files at relative paths: what one run writes, whether a plain
//! run (the usual files at the top), a run with `--baseline` (plus compare.csv) or a sweep
//! (sweep.csv, compare.csv and run.json at the top, each point's usual files under
//! `points/NNN/`).
//!
//! A file is either streamed by an exporter from a report ([`Content::Export`], so a large
//! trials.csv is never held in memory) or bytes already rendered ([`Content::Bytes`]).
//! [`OutputFolder::write_set`](super::OutputFolder::write_set) writes the files in order,
//! creating the folders their paths name (each listed in the manifest before its contents),
//! then the files a [`Derive`] hook computes from the texts of those written, then the
//! manifest, and swaps the whole set in; the writing of one file into the temporary folder
//! ([`write_file`]) and the check that every path is one plansim may write ([`check_paths`])
//! are here.

use std::io::{BufWriter, Write};
use std::os::fd::AsFd;
use std::path::Path;

use rustix::fs::{self as rfs, Mode};

use super::handles::open_path;
use super::manifest::{Kind, Manifest};
use super::temp::{Temp, create};
use super::{Exporter, Report, exporters};
use crate::error::Error;

/// What one file of a set holds.
pub enum Content<'a> {
    /// Streamed by an exporter from a report.
    Export(Box<dyn Exporter>, &'a Report<'a>),
    /// Bytes already rendered.
    Bytes(Vec<u8>),
}

/// One file of an output set.
pub struct OutFile<'a> {
    /// Its path inside the output folder, `/`-separated (`points/001/summary.csv`).
    pub path: String,
    /// What it holds.
    pub content: Content<'a>,
}

/// Files computed from the texts of the files written before them, as (path, text) pairs in
/// writing order (`points/001/summary.csv`, ...): for outputs built from the others, such as
/// an HTML report or a workbook. Returns (path, bytes) pairs, written after the others and
/// listed in the manifest like them. The texts are kept in memory only when a set has one.
pub type Derive<'a> =
    Box<dyn FnOnce(&[(String, String)]) -> std::io::Result<Vec<(String, Vec<u8>)>> + 'a>;

impl<'a> OutFile<'a> {
    /// A file of rendered bytes.
    pub fn bytes(path: impl Into<String>, bytes: Vec<u8>) -> Self {
        OutFile {
            path: path.into(),
            content: Content::Bytes(bytes),
        }
    }
}

/// The usual files of a run (those of [`exporters`]) under `prefix` (`""` for the top of the
/// folder, else a folder path ending in `/`).
pub fn usual_files<'a>(report: &'a Report<'a>, prefix: &str) -> Vec<OutFile<'a>> {
    exporters(report.scenario)
        .into_iter()
        .map(|ex| OutFile {
            path: format!("{prefix}{}", ex.file_name()),
            content: Content::Export(ex, report),
        })
        .collect()
}

/// The folder of point `point` (1-based) of a sweep: `points/001`, ..., `points/999`, then
/// `points/1000` and wider.
pub fn point_folder(point: usize) -> String {
    format!("points/{point:03}")
}

/// Renders one exporter's file into memory.
///
/// # Errors
/// The exporter's write error.
pub fn render(ex: &dyn Exporter, report: &Report<'_>) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    ex.write(report, &mut out)?;
    out.flush()?;
    Ok(out)
}

/// The folders that `paths` need, each before the folders and files inside it, in order of
/// first use (`points`, `points/001`, ...).
pub(super) fn folders_of<'p>(paths: impl IntoIterator<Item = &'p str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for path in paths {
        let mut at = 0;
        while let Some(i) = path[at..].find('/') {
            let folder = &path[..at + i];
            if !out.iter().any(|f| f == folder) {
                out.push(folder.to_string());
            }
            at += i + 1;
        }
    }
    out
}

/// Writes `file` into the temporary folder, after creating the folders its path names that
/// are not there yet; adds them and it to `entries` (the manifest's) and, with `texts`, keeps
/// its text.
pub(super) fn write_file(
    tmp: &mut Temp,
    at: &Path,
    entries: &mut Vec<(Kind, String)>,
    file: OutFile<'_>,
    texts: Option<&mut Vec<(String, String)>>,
) -> Result<(), Error> {
    let path = file.path;
    let err = |e| Error::io(at.join(&path), e);
    for folder in folders_of([path.as_str()]) {
        if entries
            .iter()
            .any(|(k, p)| *k == Kind::Folder && *p == folder)
        {
            continue;
        }
        let (parent, leaf) = folder.rsplit_once('/').unwrap_or((".", &folder));
        let made = open_path(tmp.fd.as_fd(), parent)
            .and_then(|fd| Ok(rfs::mkdirat(fd, leaf, Mode::from_raw_mode(0o777))?));
        made.map_err(|e| Error::io(at.join(&folder), e))?;
        tmp.files.push((Kind::Folder, folder.clone()));
        entries.push((Kind::Folder, folder));
    }
    let (folder, leaf) = path.rsplit_once('/').unwrap_or((".", &path));
    let dir = open_path(tmp.fd.as_fd(), folder).map_err(err)?;
    let out = create(&dir, leaf, &path, &mut tmp.files).map_err(err)?;
    let mut w = BufWriter::new(out);
    let written = match (file.content, texts) {
        (Content::Export(ex, report), None) => ex.write(report, &mut w),
        (content, texts) => {
            let bytes = match content {
                Content::Export(ex, report) => render(ex.as_ref(), report).map_err(err)?,
                Content::Bytes(bytes) => bytes,
            };
            if let Some(texts) = texts {
                texts.push((path.clone(), String::from_utf8_lossy(&bytes).into_owned()));
            }
            w.write_all(&bytes)
        }
    };
    written
        .and_then(|()| w.flush())
        .and_then(|()| w.get_ref().sync_all())
        .map_err(err)?;
    entries.push((Kind::File, path));
    Ok(())
}

/// Refuses a set whose paths plansim would not write: an empty, `.` or `..` component, a
/// control character, the manifest's name, or a path twice (as a file or a folder).
pub(super) fn check_paths<'p>(
    paths: impl IntoIterator<Item = &'p str> + Clone,
) -> Result<(), Error> {
    let folders = folders_of(paths.clone());
    let files: Vec<&str> = paths.into_iter().collect();
    let mut entries: Vec<(Kind, String)> = folders.into_iter().map(|f| (Kind::Folder, f)).collect();
    entries.extend(files.iter().map(|f| (Kind::File, f.to_string())));
    // Folders first, then files: the order the parser needs (a folder before its contents).
    if Manifest::parse(&Manifest::of_entries(entries).render()).is_some() {
        Ok(())
    } else {
        Err(Error::Output(format!(
            "an output path of {files:?} is not one plansim may write"
        )))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::{Derive, OutFile, folders_of, point_folder};
    use crate::export::{Outcome, OutputFolder};

    fn files() -> Vec<OutFile<'static>> {
        vec![
            OutFile::bytes("top.csv", b"a\n1\n".to_vec()),
            OutFile::bytes("points/001/one.csv", b"b\n2\n".to_vec()),
            OutFile::bytes("points/002/one.csv", b"b\n3\n".to_vec()),
        ]
    }

    #[test]
    fn a_set_with_subfolders_and_derived_files_is_written_and_listed_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o");
        let derive: Derive<'_> = Box::new(|texts: &[(String, String)]| {
            let all: String = texts.iter().map(|(p, t)| format!("{p}={t}")).collect();
            Ok(vec![("derived/all.txt".to_string(), all.into_bytes())])
        });
        let folder = OutputFolder::claim(&out, false, &mut Vec::new()).unwrap();
        let done = folder.write_set(files(), Some(derive), &AtomicBool::new(false));
        assert!(matches!(done.unwrap(), Outcome::Replaced(w) if w.is_empty()));
        let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap();
        assert_eq!(read("points/002/one.csv"), "b\n3\n");
        assert_eq!(
            read("derived/all.txt"),
            "top.csv=a\n1\npoints/001/one.csv=b\n2\npoints/002/one.csv=b\n3\n"
        );
        assert_eq!(
            read(".plansim.manifest"),
            "plansim output set 1\nfile top.csv\nfolder points\nfolder points/001\n\
             file points/001/one.csv\nfolder points/002\nfile points/002/one.csv\n\
             folder derived\nfile derived/all.txt\n"
        );
        // A plain set replaces it, nested folders and all; nothing else is left beside it.
        let folder = OutputFolder::claim(&out, false, &mut Vec::new()).unwrap();
        let plain = vec![OutFile::bytes("top.csv", b"c\n".to_vec())];
        folder
            .write_set(plain, None, &AtomicBool::new(false))
            .unwrap();
        let mut names: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [".plansim.manifest", "top.csv"]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_stopped_or_refused_set_leaves_the_folder_and_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("o");
        let folder = OutputFolder::claim(&out, false, &mut Vec::new()).unwrap();
        folder
            .write_set(files(), None, &AtomicBool::new(false))
            .unwrap();
        let before = std::fs::read_to_string(out.join(".plansim.manifest")).unwrap();
        let folder = OutputFolder::claim(&out, false, &mut Vec::new()).unwrap();
        let stopped = folder
            .write_set(vec![], None, &AtomicBool::new(true))
            .unwrap();
        assert!(matches!(stopped, Outcome::Stopped));
        for bad in [
            "../x.csv",
            "a//b.csv",
            "points/./x",
            ".plansim.manifest",
            "top.csv",
        ] {
            let folder = OutputFolder::claim(&out, false, &mut Vec::new()).unwrap();
            let mut set = files();
            set.push(OutFile::bytes(bad, Vec::new()));
            let e = folder.write_set(set, None, &AtomicBool::new(false));
            assert!(e.is_err(), "{bad}");
        }
        assert_eq!(
            std::fs::read_to_string(out.join(".plansim.manifest")).unwrap(),
            before
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // A file plansim did not write, deep in a point's folder, makes the next run refuse.
        std::fs::write(out.join("points/001/mine.txt"), "x").unwrap();
        let e = OutputFolder::claim(&out, false, &mut Vec::new())
            .err()
            .unwrap();
        assert!(e.to_string().contains("points/001/mine.txt"), "{e}");
    }

    #[test]
    fn point_folders_have_three_digits_then_widen() {
        assert_eq!(point_folder(1), "points/001");
        assert_eq!(point_folder(42), "points/042");
        assert_eq!(point_folder(999), "points/999");
        assert_eq!(point_folder(1000), "points/1000");
        assert_eq!(point_folder(12345), "points/12345");
    }

    #[test]
    fn folders_come_before_what_they_hold() {
        let got = folders_of([
            "sweep.csv",
            "points/001/summary.csv",
            "points/001/run.json",
            "points/002/a/b.csv",
        ]);
        assert_eq!(
            got,
            ["points", "points/001", "points/002", "points/002/a"].map(String::from)
        );
    }
}
