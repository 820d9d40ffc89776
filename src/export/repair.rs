//! Leftovers of a killed run, repaired by the next run into the same folder (under its lock,
//! so no live run owns them).
//!
//! A run's working folders sit beside the output folder `NAME`, as `.NAME.plansim-KIND-PID-NANOS`
//! with KIND `tmp` (a new set being written, or after a swap the old set being removed),
//! `old` (the old set moved aside by a two-step swap) or `probe` (an empty folder that tests
//! the parent is writable). If `NAME` is missing and an `old` folder holds a set plansim
//! provably wrote, a kill came between the two renames: that set is moved back. Every other
//! leftover is removed entry by entry from its manifest ([`super::handles::remove_set`]).
//! A leftover holding anything plansim did not write is left exactly as it is, with a warning
//! naming it and the entry, on every run until it is gone. Each repair is reported as a note.

use std::ffi::{OsStr, OsString};
use std::os::fd::AsFd;
use std::path::Path;

use rustix::fs::{self as rfs, AtFlags, FileType};

use super::handles::{kind, lstat, names, open_dir, proof, remove_set, unproven};
use super::names::parse_working_name;
use super::rename::rename_noreplace;
use crate::error::Error;

/// Repairs what killed runs left beside `name` in `parent`; `shown` is the output folder as
/// the user named it. Returns the notes and warnings to show, one line each.
///
/// # Errors
/// [`Error::Io`] when the parent folder cannot be listed.
pub(super) fn repair(parent: impl AsFd, name: &OsStr, shown: &Path) -> Result<Vec<String>, Error> {
    let parent = parent.as_fd();
    let mut leftovers: Vec<(u128, &'static str, OsString)> = Vec::new();
    for entry in names(parent).map_err(|e| Error::io(parent_shown(shown), e))? {
        if let Some((n, k, nanos)) = parse_working_name(&entry)
            && n == name
        {
            let k = ["tmp", "old", "probe"].into_iter().find(|x| *x == k);
            leftovers.push((nanos, k.unwrap_or("tmp"), entry.clone()));
        }
    }
    leftovers.sort();
    let mut notes = Vec::new();
    let at = |entry: &OsStr| shown.with_file_name(entry).display().to_string();
    let head = format!("output folder {}", shown.display());
    let missing = matches!(lstat(parent, name), Ok(None));
    // The newest set moved aside, if the swap was cut between its two renames.
    if missing && let Some(pos) = leftovers.iter().rposition(|(_, k, _)| *k == "old") {
        let entry = &leftovers[pos].2;
        if provable(parent, entry).is_ok() && rename_noreplace(parent, entry, name).is_ok() {
            let _ = rfs::fsync(parent);
            notes.push(format!(
                "note: {head}: restored the previous outputs from {} (a run was killed while \
                 replacing them)",
                at(entry)
            ));
            leftovers.remove(pos);
        }
    }
    for (_, _, entry) in &leftovers {
        match provable(parent, entry) {
            Err(why) => notes.push(format!(
                "warning: {head}: {} was left by a plansim run that was killed, but {why}: \
                 plansim left it as it is; keep what you need from it, then delete it",
                at(entry)
            )),
            Ok(()) => {
                let problems = match open_dir(parent, entry) {
                    Ok(fd) => match proof(&fd) {
                        Some(set) => remove_set(&fd, &set, &mut || {}),
                        None => vec!["its manifest is not plansim's".into()],
                    },
                    Err(e) => vec![e.to_string()],
                };
                let gone = problems.is_empty()
                    && rfs::unlinkat(parent, entry.as_os_str(), AtFlags::REMOVEDIR).is_ok();
                notes.push(if gone {
                    format!(
                        "note: {head}: removed {}, left by a plansim run that was killed",
                        at(entry)
                    )
                } else {
                    format!(
                        "warning: {head}: could not remove {}, left by a plansim run that \
                         was killed ({}); delete it yourself",
                        at(entry),
                        problems.join("; ")
                    )
                });
            }
        }
    }
    Ok(notes)
}

/// Whether the working folder `entry` holds only what plansim provably wrote; the reason when
/// not.
fn provable(parent: impl AsFd, entry: &OsStr) -> Result<(), String> {
    let parent = parent.as_fd();
    match lstat(parent, entry) {
        Ok(Some(st)) if kind(&st) == FileType::Directory => {}
        Ok(_) => return Err("it is not a folder".into()),
        Err(e) => return Err(e.to_string()),
    }
    let fd = open_dir(parent, entry).map_err(|e| e.to_string())?;
    let set = proof(&fd).ok_or("its .plansim.manifest is not one plansim wrote")?;
    match unproven(&fd, &set) {
        Ok(None) => Ok(()),
        Ok(Some(path)) => Err(format!("it holds {path:?}, which plansim did not write")),
        Err(e) => Err(e.to_string()),
    }
}

fn parent_shown(shown: &Path) -> &Path {
    match shown.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}
