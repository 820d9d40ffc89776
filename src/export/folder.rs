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

use std::ffi::OsString;
use std::io::{self, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{self as rfs, AtFlags, CWD, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::handles::{
    Id, cannot_remove, id, kind, lstat, mount_point, open_dir, open_path, proof, remove_set,
    unproven,
};
use super::lock::{Lock, Refused};
use super::manifest::{Kind, MANIFEST, Manifest};
use super::names::{lock_name, split, working_name};
use super::repair::repair;
use super::set::{Derive, OutFile, check_paths, usual_files, write_file};
use super::temp::{Temp, create};
use super::{Report, hook};
use crate::error::Error;

/// An output folder claimed for one run: locked, checked, with its temporary folder made.
pub struct OutputFolder {
    pub(super) shown: PathBuf,
    pub(super) parent: OwnedFd,
    pub(super) name: OsString,
    /// The folder at `name` when it was checked, if there was one.
    pub(super) old: Option<Id>,
    pub(super) tmp: Option<Temp>,
    pub(super) lock: Option<Lock>,
    /// A parent folder this run created (the default `output/`).
    pub(super) root: Option<PathBuf>,
    pub(super) written: bool,
}

/// How [`OutputFolder::write`] ended.
pub enum Outcome {
    /// The new set is in place; the warnings say what of the old set could not be removed.
    Replaced(Vec<String>),
    /// A stop was requested: nothing was replaced.
    Stopped,
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
        // A parent created here can be removed again by a failing run that created it too,
        // between our open and our first entry in it: the probe then finds it gone, and we
        // start over.
        let mut attempts = 0;
        let mut folder = loop {
            attempts += 1;
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
            // From here on, dropping `folder` undoes what was done.
            let folder = OutputFolder {
                shown: dir.to_path_buf(),
                parent,
                name: name.clone(),
                old: None,
                tmp: None,
                lock: None,
                root,
                written: false,
            };
            // What the folder is, before anything is created beside it; all of it again once
            // locked.
            folder.check(false)?;
            let probe = working_name(&folder.name, "probe");
            match rfs::mkdirat(&folder.parent, &probe, Mode::from_raw_mode(0o700)) {
                Ok(()) => {
                    let _ = rfs::unlinkat(&folder.parent, &probe, AtFlags::REMOVEDIR);
                    break folder;
                }
                Err(Errno::NOENT) if create_parent && attempts < 3 => continue,
                Err(e) => {
                    return Err(refuse(format!(
                        "cannot create folders in {} ({})",
                        parent_path.display(),
                        io::Error::from(e)
                    )));
                }
            }
        };
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

    /// Writes the usual output files of `report` and the manifest into the temporary folder,
    /// then swaps it in: [`Self::write_set`] with [`usual_files`] at the top of the folder.
    ///
    /// # Errors
    /// As [`Self::write_set`].
    pub fn write(self, report: &Report<'_>, stop: &AtomicBool) -> Result<Outcome, Error> {
        self.write_set(usual_files(report, ""), None, stop)
    }

    /// Writes `files` in order (creating the folders their paths name, each listed in the
    /// manifest before its contents), then the files `derive` computes from the texts of those
    /// (see [`Derive`]), then the manifest, into the temporary folder, and swaps it in. `stop`
    /// is checked before each file and before the swap; once it is set, nothing more is
    /// written and [`Outcome::Stopped`] is returned with the folder untouched.
    ///
    /// # Errors
    /// [`Error::Io`] when writing fails; [`Error::Output`] when a path is not one plansim may
    /// write (empty, `.`, `..`, twice) or the folder changed during the run in a way plansim
    /// may not touch. Either way the folder is left as it was.
    pub fn write_set(
        mut self,
        files: Vec<OutFile<'_>>,
        derive: Option<Derive<'_>>,
        stop: &AtomicBool,
    ) -> Result<Outcome, Error> {
        let stopped = || stop.load(Ordering::SeqCst);
        let tmp = self
            .tmp
            .as_mut()
            .expect("claimed folders have a temporary folder");
        let at = self.shown.with_file_name(&tmp.name);
        let mut texts: Option<Vec<(String, String)>> = derive.as_ref().map(|_| Vec::new());
        let mut entries: Vec<(Kind, String)> = Vec::new();
        check_paths(files.iter().map(|f| f.path.as_str()))?;
        for file in files {
            if stopped() {
                return Ok(Outcome::Stopped);
            }
            write_file(tmp, &at, &mut entries, file, texts.as_mut())?;
        }
        if let (Some(derive), Some(texts)) = (derive, texts) {
            if stopped() {
                return Ok(Outcome::Stopped);
            }
            let extra = derive(&texts).map_err(|e| Error::io(&at, e))?;
            let written = entries.iter().filter(|(k, _)| *k == Kind::File);
            let paths = written.map(|(_, p)| p.as_str());
            check_paths(paths.chain(extra.iter().map(|(p, _)| p.as_str())))?;
            for (path, bytes) in extra {
                if stopped() {
                    return Ok(Outcome::Stopped);
                }
                write_file(tmp, &at, &mut entries, OutFile::bytes(path, bytes), None)?;
            }
        }
        // Each folder's entries are durable before the manifest says the set is complete.
        for (_, folder) in entries.iter().filter(|(k, _)| *k == Kind::Folder) {
            open_path(tmp.fd.as_fd(), folder)
                .and_then(|fd| Ok(rfs::fsync(fd)?))
                .map_err(|e| Error::io(at.join(folder), e))?;
        }
        let mut manifest = create(&tmp.fd, MANIFEST, MANIFEST, &mut tmp.files)
            .map_err(|e| Error::io(at.join(MANIFEST), e))?;
        manifest
            .write_all(Manifest::of_entries(entries).render().as_bytes())
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
    pub(super) fn proven(&self, fd: &OwnedFd, when: &str) -> Result<Manifest, Error> {
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
}

impl Drop for OutputFolder {
    fn drop(&mut self) {
        if let Some(tmp) = self.tmp.take()
            && matches!(lstat(&self.parent, &tmp.name), Ok(Some(st)) if id(&st) == tmp.id)
        {
            let files = Manifest::of_entries(tmp.files);
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
