//! The swap itself and what follows it: the folder is checked again, the new set is
//! exchanged with the old one (or moved in, when there was none), each moved object is
//! checked to be the one checked before (else both are moved back), the parent is fsynced and
//! the old set is looked at again and removed from its manifest. A file plansim did not write
//! found in the old set moves both sets back. The renames are here too: `renameat2` with
//! `RENAME_EXCHANGE` or `RENAME_NOREPLACE`, and the plain rename where a file system refuses
//! those flags.

use std::ffi::{OsStr, OsString};
use std::io;

use rustix::fs::{self as rfs, AtFlags, FileType};
use rustix::io::Errno;

use super::folder::OutputFolder;
use super::handles::{Id, id, kind, lstat, open_dir, proof, remove_set};
use super::hook;
use super::manifest::Manifest;
use super::names::working_name;
use super::rename::{exchange, rename_noreplace};
use super::temp::Temp;
use crate::error::Error;

/// Added to the refusal of a folder that got a foreign file while plansim was writing.
const ADDED: &str =
    " (added while plansim was writing); the previous outputs are left as they were";

impl OutputFolder {
    /// Checks the folder again and swaps the new set in; the old set is then removed.
    pub(super) fn swap(&mut self) -> Result<Vec<String>, Error> {
        let shown = self.shown.display().to_string();
        let left = "it is left as it is and the new outputs were not written";
        let now = lstat(&self.parent, &self.name).map_err(|e| Error::io(&self.shown, e))?;
        let old = match (self.old, now) {
            (_, None) => None,
            (None, Some(_)) => {
                return Err(Error::Output(format!(
                    "output folder {shown} was created by something else while plansim was \
                     writing; {left}"
                )));
            }
            (Some(was), Some(st)) if id(&st) != was => {
                return Err(Error::Output(format!(
                    "output folder {shown} was replaced ({}) while plansim was writing; {left}",
                    describe(&st)
                )));
            }
            (Some(was), Some(_)) => {
                let fd =
                    open_dir(&self.parent, &self.name).map_err(|e| Error::io(&self.shown, e))?;
                self.proven(&fd, ADDED)?;
                Some(was)
            }
        };
        let tmp = self
            .tmp
            .as_ref()
            .expect("claimed folders have a temporary folder");
        let Some(old) = old else {
            hook::pause("exchange");
            return match rename_noreplace(&self.parent, &tmp.name, &self.name) {
                Ok(()) => {
                    let _ = rfs::fsync(&self.parent);
                    self.tmp = None;
                    Ok(Vec::new())
                }
                Err(e)
                    if e.kind() == io::ErrorKind::AlreadyExists
                        || e.raw_os_error() == Some(Errno::NOTEMPTY.raw_os_error()) =>
                {
                    Err(Error::Output(format!(
                        "output folder {shown} was created by something else while plansim \
                         was writing; {left}"
                    )))
                }
                Err(e) => Err(Error::io(&self.shown, e)),
            };
        };
        hook::pause("exchange");
        let aside = self.exchange(tmp, old)?;
        let _ = rfs::fsync(&self.parent);
        hook::pause("cleanup");
        // The old set, now at `aside`: looked at again before anything in it is removed.
        let fd = match open_dir(&self.parent, &aside) {
            Ok(fd) if rfs::fstat(&fd).is_ok_and(|st| id(&st) == old) => fd,
            _ => {
                self.tmp = None;
                return Ok(vec![format!(
                    "warning: output folder {shown}: the new outputs are in place, but {} is no \
                     longer the folder that held the previous ones; plansim left it alone",
                    self.shown.with_file_name(&aside).display()
                )]);
            }
        };
        if let Err(e) = self.proven(&fd, ADDED) {
            self.undo(&aside, old)?;
            return Err(e);
        }
        self.tmp = None;
        let set = proof(&fd).unwrap_or_else(Manifest::legacy);
        let mut problems = remove_set(&fd, &set, &mut || hook::pause("cleanup-midway"));
        if problems.is_empty()
            && let Err(e) = rfs::unlinkat(&self.parent, &aside, AtFlags::REMOVEDIR)
        {
            problems.push(io::Error::from(e).to_string());
        }
        if problems.is_empty() {
            return Ok(Vec::new());
        }
        Ok(vec![format!(
            "warning: output folder {shown}: the new outputs are in place, but plansim could not \
             remove all of the previous ones ({}); they are in {}: delete it yourself",
            problems.join("; "),
            self.shown.with_file_name(&aside).display()
        )])
    }

    /// Swaps the new set (`tmp`) with the folder `old` at `name`; returns where the old set
    /// went. Checks that the two moved objects are the two checked; if not, moves them back.
    fn exchange(&self, tmp: &Temp, old: Id) -> Result<OsString, Error> {
        let io_err = |e: io::Error| Error::io(&self.shown, e);
        let aside = if exchange(&self.parent, &tmp.name, &self.name).map_err(io_err)? {
            tmp.name.clone()
        } else {
            let aside = working_name(&self.name, "old");
            rfs::renameat(&self.parent, &self.name, &self.parent, &aside)
                .map_err(|e| io_err(e.into()))?;
            hook::pause("second-rename");
            if let Err(e) = rename_noreplace(&self.parent, &tmp.name, &self.name) {
                let _ = rename_noreplace(&self.parent, &aside, &self.name);
                return Err(io_err(e));
            }
            aside
        };
        let is = |name: &OsStr, want: Id| {
            let now = lstat(&self.parent, name);
            matches!(now, Ok(Some(st)) if id(&st) == want)
        };
        if is(&self.name, tmp.id) && is(&aside, old) {
            return Ok(aside);
        }
        // Something replaced the folder (or our temporary one) between the check and the swap.
        if aside == tmp.name {
            let _ = exchange(&self.parent, &tmp.name, &self.name);
        } else {
            let _ = rfs::renameat(&self.parent, &self.name, &self.parent, &tmp.name);
            let _ = rename_noreplace(&self.parent, &aside, &self.name);
        }
        let _ = rfs::fsync(&self.parent);
        Err(Error::Output(format!(
            "output folder {} was replaced while plansim was swapping in the new outputs; \
             everything was moved back and the new outputs were not written",
            self.shown.display()
        )))
    }

    /// Moves the old set (at `aside`) back to `name` and the new one back to its temporary
    /// name, after the old set was found to hold a file plansim did not write.
    fn undo(&self, aside: &OsStr, old: Id) -> Result<(), Error> {
        let tmp = self.tmp.as_ref().expect("the new set is still ours");
        let io_err = |e: io::Error| Error::io(&self.shown, e);
        if aside == tmp.name {
            exchange(&self.parent, &tmp.name, &self.name).map_err(io_err)?;
        } else {
            rfs::renameat(&self.parent, &self.name, &self.parent, &tmp.name)
                .map_err(|e| io_err(e.into()))?;
            rename_noreplace(&self.parent, aside, &self.name).map_err(io_err)?;
        }
        let _ = rfs::fsync(&self.parent);
        match lstat(&self.parent, &self.name) {
            Ok(Some(st)) if id(&st) == old => Ok(()),
            _ => Err(Error::Output(format!(
                "output folder {} changed while plansim was putting the previous outputs back; \
                 look for them in {}",
                self.shown.display(),
                self.shown.with_file_name(aside).display()
            ))),
        }
    }
}

fn describe(st: &rfs::Stat) -> &'static str {
    match kind(st) {
        FileType::Symlink => "it is now a symbolic link",
        FileType::Directory => "it is now another folder",
        _ => "it is now something other than a folder",
    }
}
