//! The temporary folder an output set is written into before the swap ([`Temp`]), and the
//! creation of one new file in it ([`create`]), recorded so an unfinished set can be removed.
//! Used by the folder (which makes and swaps it), the set writer and the swap.

use std::ffi::OsString;
use std::io;
use std::os::fd::{AsFd, OwnedFd};

use rustix::fs::{self as rfs, Mode, OFlags};

use super::handles::Id;
use super::manifest::Kind;

/// The temporary folder beside the destination that receives a set.
pub(super) struct Temp {
    pub(super) name: OsString,
    pub(super) fd: OwnedFd,
    pub(super) id: Id,
    /// What was created in it so far, in order (for the removal of an unfinished set).
    pub(super) files: Vec<(Kind, String)>,
}

/// Creates the file `name` in the folder `dir` (it must not exist) and records it in `files`
/// as `path` (its path in the set).
pub(super) fn create(
    dir: impl AsFd,
    name: &str,
    path: &str,
    files: &mut Vec<(Kind, String)>,
) -> io::Result<std::fs::File> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let fd = rfs::openat(dir, name, flags, Mode::from_raw_mode(0o666))?;
    files.push((Kind::File, path.to_string()));
    Ok(fd.into())
}
