//! The lock on an output folder: an exclusive `flock` on the file `.NAME.plansim-lock` beside
//! it, taken before the pre-run check and held until the new set is in place, so two runs
//! into the same folder never interleave while runs into different folders never meet.
//!
//! A second run does not wait (the first may simulate for hours): it is refused at once with
//! exit code 75. The lock file is removed when the lock is given up; after a kill it stays
//! behind, empty, and the next run takes it over. Because a file can be removed while another
//! process has it open, a run that gets the lock checks that the name still leads to the file
//! it locked, and starts over if not.

use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, OwnedFd};

use rustix::fs::{self as rfs, AtFlags, FileType, FlockOperation, Mode, OFlags};
use rustix::io::Errno;

use super::handles::{id, kind, lstat};

/// A held lock.
pub(super) struct Lock {
    name: OsString,
    fd: OwnedFd,
}

/// Why the lock was not taken.
pub(super) enum Refused {
    /// Another process holds it.
    Busy,
    /// The lock file could not be opened or locked.
    Io(io::Error),
}

impl Lock {
    /// Takes the lock `name` in the folder `dir` without waiting.
    pub fn take(dir: impl AsFd, name: &OsStr) -> Result<Lock, Refused> {
        let dir = dir.as_fd();
        let flags =
            OFlags::RDONLY | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        // Each pass loses only to a run that removed the file between our open and lock.
        for _ in 0..1000 {
            let fd = rfs::openat(dir, name, flags, Mode::from_raw_mode(0o644))
                .map_err(|e| Refused::Io(e.into()))?;
            let st = rfs::fstat(&fd).map_err(|e| Refused::Io(e.into()))?;
            if kind(&st) != FileType::RegularFile {
                return Err(Refused::Io(io::Error::other("the lock file is not a file")));
            }
            match rfs::flock(&fd, FlockOperation::NonBlockingLockExclusive) {
                Ok(()) => {}
                Err(Errno::WOULDBLOCK) => return Err(Refused::Busy),
                Err(e) => return Err(Refused::Io(e.into())),
            }
            match lstat(dir, name) {
                Ok(Some(now)) if id(&now) == id(&st) => {
                    return Ok(Lock {
                        name: name.to_os_string(),
                        fd,
                    });
                }
                Ok(_) => continue,
                Err(e) => return Err(Refused::Io(e)),
            }
        }
        Err(Refused::Busy)
    }

    /// Gives the lock up, removing the lock file first if it is still the one locked.
    pub fn release(self, dir: impl AsFd) {
        let dir = dir.as_fd();
        if let (Ok(mine), Ok(Some(now))) = (rfs::fstat(&self.fd), lstat(dir, &self.name))
            && id(&mine) == id(&now)
        {
            let _ = rfs::unlinkat(dir, &self.name, AtFlags::empty());
        }
        drop(self.fd);
    }
}
