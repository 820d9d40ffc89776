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
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use rustix::fs::{self as rfs, AtFlags, FileType};

use super::folder::rename_noreplace;
use super::handles::{kind, lstat, names, open_dir, proof, remove_set, unproven};
use crate::error::Error;

/// A working folder's name for output folder `name`: `.NAME.plansim-KIND-PID-NANOS`.
pub(super) fn working_name(name: &OsStr, kind: &str) -> OsString {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut s = OsString::from(".");
    s.push(name);
    s.push(format!(".plansim-{kind}-{}-{nanos}", std::process::id()));
    s
}

/// The lock file's name for output folder `name`.
pub(super) fn lock_name(name: &OsStr) -> OsString {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(".plansim-lock");
    s
}

/// If `entry` is a working folder's name for some output folder, that folder's name, the
/// kind and the time stamp.
pub(super) fn parse_working_name(entry: &OsStr) -> Option<(&OsStr, &str, u128)> {
    let bytes = entry.as_bytes().strip_prefix(b".")?;
    let at = bytes.windows(9).rposition(|w| w == b".plansim-")?;
    let (name, rest) = (&bytes[..at], std::str::from_utf8(&bytes[at + 9..]).ok()?);
    let mut parts = rest.split('-');
    let (kind, pid, nanos) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !["tmp", "old", "probe"].contains(&kind) {
        return None;
    }
    if name.is_empty() || !digits(pid) || !digits(nanos) {
        return None;
    }
    Some((OsStr::from_bytes(name), kind, nanos.parse().ok()?))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn working_names_parse_back_and_nothing_else_does() {
        let made = working_name(OsStr::new("out"), "tmp");
        let (name, kind, _) = parse_working_name(&made).expect("parses");
        assert_eq!((name, kind), (OsStr::new("out"), "tmp"));
        let dotted = OsStr::new(".a.plansim-b.plansim-old-12-34");
        assert_eq!(
            parse_working_name(dotted),
            Some((OsStr::new("a.plansim-b"), "old", 34))
        );
        for other in [
            ".out.plansim-lock",
            ".out.plansim-tmp-1",
            ".out.plansim-tmp-1-2-3",
            ".out.plansim-tmp-x-2",
            ".out.plansim-new-1-2",
            "out.plansim-tmp-1-2",
            "..plansim-tmp-1-2",
            ".out.plansim-tmp-1.plansim-x-2",
        ] {
            assert_eq!(parse_working_name(OsStr::new(other)), None, "{other}");
        }
    }
}
