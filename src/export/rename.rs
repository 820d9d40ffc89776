//! Renames within one opened folder: the atomic exchange of two entries and a rename that never
//! replaces anything, each with its fallback where the file system (or the two-step test hook)
//! refuses `renameat2`'s flags.

use std::ffi::OsStr;
use std::io;
use std::os::fd::AsFd;

use rustix::fs as rfs;
use rustix::io::Errno;

use super::handles::lstat;
use super::hook;

/// Whether the test hook or the file system refuses `RENAME_EXCHANGE` / `RENAME_NOREPLACE`.
fn refused(e: Errno) -> bool {
    matches!(e, Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP)
}

/// Swaps the entries `a` and `b` of `dir` atomically. `Ok(false)` when the file system (or
/// the two-step test hook) refuses, and nothing moved.
pub(super) fn exchange(dir: impl AsFd, a: &OsStr, b: &OsStr) -> io::Result<bool> {
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
