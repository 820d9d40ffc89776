//! A file added to an output set already in place: `plansim report DIR` writes report.html
//! beside a run's files. Under the folder's lock, and after repairing what killed runs left,
//! the file and the folder's new manifest (the old one plus the file) are written into a
//! working folder beside the output folder, `.NAME.plansim-tmp-PID-NANOS` with its own
//! manifest, then renamed into place: the manifest first, then the file, each rename atomic.
//! At every moment the folder holds only what its manifest lists, so a later run still
//! replaces it; a kill leaves at most the working folder, which the next run (or addition)
//! removes by its manifest.

use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::path::Path;

use rustix::fs::{self as rfs, AtFlags, CWD, FileType, Mode, OFlags};
use rustix::io::Errno;

use super::handles::{kind, lstat, open_dir, proof, remove_set};
use super::lock::{Lock, Refused};
use super::manifest::{MANIFEST, Manifest};
use super::names::{lock_name, split, working_name};
use super::repair::repair;
use crate::error::Error;

/// The new manifest's name inside the working folder.
const NEXT: &str = "next.manifest";

/// Writes `contents` as the file `name` into the output folder `dir`, replacing a `name`
/// plansim wrote there before, and lists it in the folder's manifest. Returns the notes of
/// what was repaired, one line each.
///
/// # Errors
/// [`Error::Output`] when `dir` is not a folder plansim wrote (missing, a link, a manifest that
/// is not plansim's, a `name` plansim did not write), [`Error::Busy`] when a run holds it,
/// [`Error::Io`] when the file system fails; the folder is then as it was.
pub fn add_file(dir: &Path, name: &str, contents: &[u8]) -> Result<Vec<String>, Error> {
    let (parent_path, fname) = split(dir)?;
    let shown = dir.display();
    let refuse = |what: String| Error::Output(format!("output folder {shown}: {what}"));
    let parent = rfs::openat(
        CWD,
        &parent_path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| {
        refuse(format!(
            "cannot open its parent folder ({})",
            io::Error::from(e)
        ))
    })?;
    match lstat(&parent, &fname).map_err(|e| Error::io(dir, e))? {
        Some(st) if kind(&st) == FileType::Directory => {}
        Some(st) if kind(&st) == FileType::Symlink => {
            return Err(refuse(
                "is a symbolic link; give the folder it points to".into(),
            ));
        }
        Some(_) => return Err(refuse("is not a folder".into())),
        None => return Err(refuse("does not exist".into())),
    }
    let lock = match Lock::take(&parent, &lock_name(&fname)) {
        Ok(lock) => lock,
        Err(Refused::Busy) => {
            return Err(Error::Busy {
                dir: dir.to_path_buf(),
            });
        }
        Err(Refused::Io(e)) => return Err(Error::io(dir.with_file_name(lock_name(&fname)), e)),
    };
    let added = (|| {
        let notes = repair(&parent, &fname, dir)?;
        let fd = open_dir(&parent, &fname).map_err(|e| Error::io(dir, e))?;
        let set = proof(&fd).ok_or_else(|| {
            refuse(format!(
                "its {MANIFEST} is not one plansim wrote; refusing to add {name} to it"
            ))
        })?;
        let ours = match lstat(&fd, name.as_ref()).map_err(|e| Error::io(dir.join(name), e))? {
            None => true,
            Some(st) => kind(&st) == FileType::RegularFile && set.kind_of(name).is_some(),
        };
        if !ours {
            return Err(refuse(format!(
                "holds {name:?}, which plansim did not write; refusing to replace it (move \
                 that file)"
            )));
        }
        install(&parent, dir, &fd, name, contents, &set.with_file(name))?;
        Ok(notes)
    })();
    lock.release(&parent);
    added
}

/// Writes the file and the new manifest into a working folder beside `dir`, renames them into
/// `fd` (the manifest first), and removes the working folder.
fn install(
    parent: &OwnedFd,
    dir: &Path,
    fd: &OwnedFd,
    name: &str,
    contents: &[u8],
    manifest: &Manifest,
) -> Result<(), Error> {
    let (_, fname) = split(dir)?;
    let tmp_name = working_name(&fname, "tmp");
    let at = dir.with_file_name(&tmp_name);
    rfs::mkdirat(parent, &tmp_name, Mode::from_raw_mode(0o777))
        .map_err(|e| Error::io(&at, e.into()))?;
    let tmp = open_dir(parent, &tmp_name).map_err(|e| Error::io(&at, e))?;
    let own = Manifest::of_files([name, NEXT]);
    let moved = (|| -> Result<(), Error> {
        write_new(&tmp, MANIFEST, own.render().as_bytes()).map_err(|e| Error::io(&at, e))?;
        write_new(&tmp, name, contents).map_err(|e| Error::io(at.join(name), e))?;
        write_new(&tmp, NEXT, manifest.render().as_bytes())
            .map_err(|e| Error::io(at.join(NEXT), e))?;
        rfs::fsync(&tmp).map_err(|e| Error::io(&at, e.into()))?;
        rfs::renameat(&tmp, NEXT, fd, MANIFEST)
            .map_err(|e| Error::io(dir.join(MANIFEST), e.into()))?;
        rfs::renameat(&tmp, name, fd, name).map_err(|e| Error::io(dir.join(name), e.into()))?;
        rfs::fsync(fd).map_err(|e| Error::io(dir, e.into()))?;
        Ok(())
    })();
    if remove_set(&tmp, &own, &mut || {}).is_empty() {
        let _ = rfs::unlinkat(parent, &tmp_name, AtFlags::REMOVEDIR);
    }
    moved
}

/// Creates the file `name` in `dir` (it must not exist), writes `bytes` and syncs it.
fn write_new(dir: &OwnedFd, name: &str, bytes: &[u8]) -> io::Result<()> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = match rfs::openat(dir, name, flags, Mode::from_raw_mode(0o666)) {
        Ok(fd) => fd,
        Err(Errno::EXIST) => return Err(io::ErrorKind::AlreadyExists.into()),
        Err(e) => return Err(e.into()),
    };
    let mut file = std::fs::File::from(fd);
    file.write_all(bytes)?;
    file.sync_all()
}
