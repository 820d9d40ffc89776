//! The output folder: claimed before the simulation, replaced as a set after it.
//!
//! [`OutputFolder::claim`] refuses every `--out` that cannot work before anything is
//! simulated, takes the folder's lock ([`super::lock`]), repairs what killed runs left
//! ([`super::repair`]), checks that the folder holds only what plansim provably wrote
//! ([`super::manifest`]) and creates the temporary folder `.NAME.plansim-tmp-PID-NANOS` beside
//! it. [`OutputFolder::write`] writes every file and then the manifest into it, checks the
//! folder again, and swaps the two with one `renameat2(RENAME_EXCHANGE)`, so the name always
//! leads to a complete set, old or new; then it fsyncs the parent and removes the old set,
//! which now carries the temporary name. Where the file system refuses the exchange (`EINVAL`
//! on NFS and some FUSE file systems, `ENOSYS` on old kernels, or any system but Linux), the
//! swap is two renames, and between them the folder is missing: a run killed there is
//! repaired by the next. Every step works on folder handles ([`super::handles`]), and after
//! each rename plansim checks that what moved is what it checked; if not, it moves it back and
//! stops with an error. Dropping an [`OutputFolder`] removes the temporary folder, the lock
//! file and a default `output/` folder it created, unless they hold the new set.

use std::ffi::{OsStr, OsString};
use std::io::{self, BufWriter, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{self as rfs, AtFlags, CWD, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::handles::{
    Id, cannot_remove, id, kind, lstat, mount_point, open_dir, proof, remove_set, unproven,
};
use super::lock::{Lock, Refused};
use super::manifest::{MANIFEST, Manifest};
use super::repair::{lock_name, parse_working_name, repair, working_name};
use super::{Report, exporters, hook};
use crate::error::Error;

/// An output folder claimed for one run: locked, checked, with its temporary folder made.
pub struct OutputFolder {
    shown: PathBuf,
    parent: OwnedFd,
    name: OsString,
    /// The folder at `name` when it was checked, if there was one.
    old: Option<Id>,
    tmp: Option<Temp>,
    lock: Option<Lock>,
    /// A parent folder this run created (the default `output/`).
    root: Option<PathBuf>,
    written: bool,
}

/// How [`OutputFolder::write`] ended.
pub enum Outcome {
    /// The new set is in place; the warnings say what of the old set could not be removed.
    Replaced(Vec<String>),
    /// A stop was requested: nothing was replaced.
    Stopped,
}

struct Temp {
    name: OsString,
    fd: OwnedFd,
    id: Id,
    files: Vec<String>,
}

impl OutputFolder {
    /// Claims `dir` for a run, before the simulation: refuses a folder plansim may not use or
    /// cannot replace, takes its lock, repairs leftovers of killed runs, and makes the
    /// temporary folder. With `create_parent`, the parent folder (the default `output/`) is
    /// created if missing, tolerating another process creating it at the same moment. What
    /// was repaired is added to `notes`, one line each (`note: ...` or `warning: ...`), also
    /// when the claim then fails.
    ///
    /// # Errors
    /// [`Error::Output`] for a folder plansim may not use, [`Error::Busy`] when another run
    /// holds it, [`Error::Io`] when the file system fails.
    pub fn claim(dir: &Path, create_parent: bool, notes: &mut Vec<String>) -> Result<Self, Error> {
        let (parent_path, name) = split(dir)?;
        let refuse =
            |what: String| Error::Output(format!("output folder {}: {what}", dir.display()));
        let mut root = None;
        if create_parent {
            hook::pause("create-root");
            match rfs::mkdirat(CWD, &parent_path, Mode::from_raw_mode(0o777)) {
                Ok(()) => root = Some(parent_path.clone()),
                Err(Errno::EXIST) => {}
                Err(e) => {
                    return Err(refuse(format!(
                        "cannot create its parent folder {} ({})",
                        parent_path.display(),
                        io::Error::from(e)
                    )));
                }
            }
        }
        let opened = rfs::openat(
            CWD,
            &parent_path,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        );
        let parent = match opened {
            Ok(fd) => fd,
            Err(e) => {
                if let Some(root) = &root {
                    let _ = rfs::unlinkat(CWD, root, AtFlags::REMOVEDIR);
                }
                let what = match e {
                    Errno::NOENT => "does not exist".to_string(),
                    Errno::NOTDIR => "is not a folder".to_string(),
                    e => format!("cannot be opened ({})", io::Error::from(e)),
                };
                return Err(refuse(format!(
                    "its parent folder {} {what}",
                    parent_path.display()
                )));
            }
        };
        let mut folder = OutputFolder {
            shown: dir.to_path_buf(),
            parent,
            name,
            old: None,
            tmp: None,
            lock: None,
            root,
            written: false,
        };
        // From here on, dropping `folder` undoes what was done. What the folder is, before
        // anything is created beside it; all of it again once locked.
        folder.check(false)?;
        let probe = working_name(&folder.name, "probe");
        if let Err(e) = rfs::mkdirat(&folder.parent, &probe, Mode::from_raw_mode(0o700)) {
            return Err(refuse(format!(
                "cannot create folders in {} ({})",
                parent_path.display(),
                io::Error::from(e)
            )));
        }
        let _ = rfs::unlinkat(&folder.parent, &probe, AtFlags::REMOVEDIR);
        let lock = lock_name(&folder.name);
        folder.lock = match Lock::take(&folder.parent, &lock) {
            Ok(lock) => Some(lock),
            Err(Refused::Busy) => {
                return Err(Error::Busy {
                    dir: dir.to_path_buf(),
                });
            }
            Err(Refused::Io(e)) => return Err(Error::io(dir.with_file_name(&lock), e)),
        };
        notes.extend(repair(&folder.parent, &folder.name, dir)?);
        folder.old = folder.check(true)?;
        folder.tmp = Some(folder.make_temp()?);
        Ok(folder)
    }

    /// Writes every output file and the manifest into the temporary folder, then swaps it in.
    /// `stop` is checked before each file and before the swap; once it is set, nothing more
    /// is written and [`Outcome::Stopped`] is returned with the folder untouched.
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails; [`Error::Output`] when the folder changed during the
    /// run in a way plansim may not touch. Either way the folder is left as it was.
    pub fn write(mut self, report: &Report<'_>, stop: &AtomicBool) -> Result<Outcome, Error> {
        let stopped = || stop.load(Ordering::SeqCst);
        let tmp = self
            .tmp
            .as_mut()
            .expect("claimed folders have a temporary folder");
        let at = self.shown.with_file_name(&tmp.name);
        let mut names = Vec::new();
        for ex in exporters() {
            if stopped() {
                return Ok(Outcome::Stopped);
            }
            let name = ex.file_name();
            let file =
                create(&tmp.fd, name, &mut tmp.files).map_err(|e| Error::io(at.join(name), e))?;
            let mut w = BufWriter::new(file);
            let written = ex.write(report, &mut w).and_then(|()| w.flush());
            written
                .and_then(|()| w.get_ref().sync_all())
                .map_err(|e| Error::io(at.join(name), e))?;
            names.push(name);
        }
        let mut manifest = create(&tmp.fd, MANIFEST, &mut tmp.files)
            .map_err(|e| Error::io(at.join(MANIFEST), e))?;
        manifest
            .write_all(Manifest::of_files(names).render().as_bytes())
            .and_then(|()| manifest.sync_all())
            .and_then(|()| Ok(rfs::fsync(&tmp.fd)?))
            .map_err(|e| Error::io(at.join(MANIFEST), e))?;
        if stopped() {
            return Ok(Outcome::Stopped);
        }
        hook::pause("swap");
        let warnings = self.swap()?;
        self.written = true;
        Ok(Outcome::Replaced(warnings))
    }

    /// The folder at `name` now, if any, after checking that plansim may replace it: what it
    /// is, and with `full` what it holds.
    fn check(&self, full: bool) -> Result<Option<Id>, Error> {
        let shown = self.shown.display();
        let st = match lstat(&self.parent, &self.name).map_err(|e| Error::io(&self.shown, e))? {
            None => return Ok(None),
            Some(st) => st,
        };
        match kind(&st) {
            FileType::Directory => {}
            FileType::Symlink => {
                return Err(Error::Output(format!(
                    "output path {shown} is a symbolic link; give the folder it points to instead"
                )));
            }
            _ => {
                return Err(Error::Output(format!(
                    "output path {shown} exists and is not a folder"
                )));
            }
        }
        if mount_point(&self.parent, &self.name, &st) {
            return Err(Error::Output(format!(
                "output folder {shown} is a mount point, which cannot be replaced; \
                 choose a folder inside it"
            )));
        }
        if !full {
            return Ok(Some(id(&st)));
        }
        let fd = open_dir(&self.parent, &self.name).map_err(|e| Error::io(&self.shown, e))?;
        let set = self.proven(&fd, "")?;
        if let Some(why) = cannot_remove(&fd, &set) {
            return Err(Error::Output(format!(
                "output folder {shown}: plansim could not remove its old outputs: {why}; \
                 refusing to replace it"
            )));
        }
        Ok(Some(id(&st)))
    }

    /// The manifest of the folder `fd`, after checking that it holds nothing else. `when` is
    /// added to the refusal ("" before the run).
    fn proven(&self, fd: &OwnedFd, when: &str) -> Result<Manifest, Error> {
        let unproven = match proof(fd) {
            None => Some(MANIFEST.to_string()),
            Some(set) => match unproven(fd, &set).map_err(|e| Error::io(&self.shown, e))? {
                None => return Ok(set),
                some => some,
            },
        };
        Err(Error::Output(format!(
            "output folder {} holds {:?}, which plansim did not write{when}; refusing to \
             replace it (choose another --out or move that file)",
            self.shown.display(),
            unproven.unwrap_or_default()
        )))
    }

    fn make_temp(&self) -> Result<Temp, Error> {
        let name = working_name(&self.name, "tmp");
        let at = self.shown.with_file_name(&name);
        rfs::mkdirat(&self.parent, &name, Mode::from_raw_mode(0o777))
            .map_err(|e| Error::io(&at, e.into()))?;
        let fd = open_dir(&self.parent, &name).map_err(|e| Error::io(&at, e))?;
        let st = rfs::fstat(&fd).map_err(|e| Error::io(&at, e.into()))?;
        Ok(Temp {
            name,
            fd,
            id: id(&st),
            files: Vec::new(),
        })
    }

    /// Checks the folder again and swaps the new set in; the old set is then removed.
    fn swap(&mut self) -> Result<Vec<String>, Error> {
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
                self.proven(&fd, " (added while plansim was writing); the previous outputs are left as they were")?;
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
        if let Err(e) = self.proven(
            &fd,
            " (added while plansim was writing); the previous outputs are left as they were",
        ) {
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
        let is = |name: &OsStr, want: Id| matches!(lstat(&self.parent, name), Ok(Some(st)) if id(&st) == want);
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

impl Drop for OutputFolder {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take()
            && matches!(lstat(&self.parent, &tmp.name), Ok(Some(st)) if id(&st) == tmp.id)
        {
            let files = Manifest::of_files(tmp.files.iter().map(String::as_str));
            if remove_set(&tmp.fd, &files, &mut || {}).is_empty() {
                let _ = rfs::unlinkat(&self.parent, &tmp.name, AtFlags::REMOVEDIR);
            }
        }
        if let Some(lock) = self.lock.take() {
            lock.release(&self.parent);
        }
        if let (Some(root), false) = (&self.root, self.written) {
            let _ = rfs::unlinkat(CWD, root, AtFlags::REMOVEDIR);
        }
    }
}

/// `dir` as its parent folder and its own name, refusing a name that cannot be replaced
/// (`.`, `..`, a root) or one plansim gives its own working folders. Works on the text, so
/// `sub/.` is `.` in `sub`, not `sub`.
fn split(dir: &Path) -> Result<(PathBuf, OsString), Error> {
    let bytes = dir.as_os_str().as_bytes();
    let end = bytes.iter().rposition(|&b| b != b'/').map_or(0, |i| i + 1);
    let trimmed = &bytes[..end];
    let (parent, name): (&[u8], &[u8]) = match trimmed.iter().rposition(|&b| b == b'/') {
        Some(0) => (b"/", &trimmed[1..]),
        Some(i) => (&trimmed[..i], &trimmed[i + 1..]),
        None => (b".", trimmed),
    };
    let name = OsStr::from_bytes(name);
    if name.is_empty() || name == "." || name == ".." {
        return Err(Error::Output(format!(
            "output folder {}: name a folder of its own (not `.`, `..` or a root)",
            dir.display()
        )));
    }
    if parse_working_name(name).is_some() || name.as_bytes().ends_with(b".plansim-lock") {
        return Err(Error::Output(format!(
            "output folder {}: plansim names its own working folders like this; choose \
             another name",
            dir.display()
        )));
    }
    Ok((
        PathBuf::from(OsStr::from_bytes(parent)),
        name.to_os_string(),
    ))
}

/// Creates the file `name` in the folder `dir` (it must not exist) and records it in `files`.
fn create(dir: &OwnedFd, name: &str, files: &mut Vec<String>) -> io::Result<std::fs::File> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = rfs::openat(dir, name, flags, Mode::from_raw_mode(0o666))?;
    files.push(name.to_string());
    Ok(fd.into())
}

fn describe(st: &rfs::Stat) -> &'static str {
    match kind(st) {
        FileType::Symlink => "it is now a symbolic link",
        FileType::Directory => "it is now another folder",
        _ => "it is now something other than a folder",
    }
}

/// Whether the test hook or the file system refuses `RENAME_EXCHANGE` / `RENAME_NOREPLACE`.
fn refused(e: Errno) -> bool {
    matches!(e, Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP)
}

/// Swaps the entries `a` and `b` of `dir` atomically. `Ok(false)` when the file system (or
/// the two-step test hook) refuses, and nothing moved.
fn exchange(dir: impl AsFd, a: &OsStr, b: &OsStr) -> io::Result<bool> {
    if hook::two_step() {
        return Ok(false);
    }
    match rename_with(dir.as_fd(), a, b, true) {
        Ok(()) => Ok(true),
        Err(e) if refused(e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Renames `from` to `to` in `dir`, refusing to replace anything at `to`: atomically with
/// `RENAME_NOREPLACE`; where that is refused, a check then a plain rename (an empty folder
/// created at `to` in between would be replaced).
pub(super) fn rename_noreplace(dir: impl AsFd, from: &OsStr, to: &OsStr) -> io::Result<()> {
    let dir = dir.as_fd();
    if !hook::two_step() {
        match rename_with(dir, from, to, false) {
            Err(e) if refused(e) => {}
            done => return done.map_err(Into::into),
        }
    }
    if lstat(dir, to)?.is_some() {
        return Err(io::ErrorKind::AlreadyExists.into());
    }
    Ok(rfs::renameat(dir, from, dir, to)?)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn rename_with(
    dir: std::os::fd::BorrowedFd<'_>,
    a: &OsStr,
    b: &OsStr,
    swap: bool,
) -> Result<(), Errno> {
    use rustix::fs::RenameFlags;
    let flags = if swap {
        RenameFlags::EXCHANGE
    } else {
        RenameFlags::NOREPLACE
    };
    rfs::renameat_with(dir, a, dir, b, flags)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn rename_with(_: std::os::fd::BorrowedFd<'_>, _: &OsStr, _: &OsStr, _: bool) -> Result<(), Errno> {
    Err(Errno::NOSYS)
}
