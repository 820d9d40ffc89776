//! File-system steps on folder handles rather than path strings: every look-up, open and
//! removal is relative to an opened folder, never follows a symbolic link in the last
//! component, and each entry is looked at again just before it is removed. A folder swapped
//! for a link between two steps is then seen as a different object, never followed.

use std::ffi::{OsStr, OsString};
use std::io::{self, Read};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;

use rustix::fs::{self as rfs, AtFlags, FileType, Mode, OFlags, Stat};
use rustix::io::Errno;

use super::manifest::{Kind, MANIFEST, MAX_BYTES, Manifest};

/// What a folder entry is, as far as swaps go: device and inode.
pub(super) type Id = (u64, u64);

/// Device and inode of `st`.
#[allow(clippy::unnecessary_cast)] // the field types differ between platforms
pub(super) fn id(st: &Stat) -> Id {
    (st.st_dev as u64, st.st_ino as u64)
}

/// What `st` describes.
pub(super) fn kind(st: &Stat) -> FileType {
    FileType::from_raw_mode(st.st_mode)
}

/// The entry `name` in `dir`, not following a link; `None` when there is none.
pub(super) fn lstat(dir: impl AsFd, name: &OsStr) -> io::Result<Option<Stat>> {
    match rfs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => Ok(Some(st)),
        Err(Errno::NOENT) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Opens the folder `name` in `dir`; a symbolic link is refused (`ELOOP` or `ENOTDIR`).
pub(super) fn open_dir(dir: impl AsFd, name: &OsStr) -> io::Result<OwnedFd> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(rfs::openat(dir, name, flags, Mode::empty())?)
}

/// Opens the folder at a `/`-separated relative `path` under `dir` (`.` for `dir` itself),
/// one component at a time, never following a link.
pub(super) fn open_path(dir: BorrowedFd<'_>, path: &str) -> io::Result<OwnedFd> {
    let mut parts = path.split('/');
    let mut fd = open_dir(dir, OsStr::new(parts.next().unwrap_or(".")))?;
    for part in parts {
        fd = open_dir(&fd, OsStr::new(part))?;
    }
    Ok(fd)
}

/// The names in the folder `dir`, without `.` and `..`.
pub(super) fn names(dir: impl AsFd) -> io::Result<Vec<OsString>> {
    let mut out = Vec::new();
    for entry in rfs::Dir::read_from(dir)? {
        let name = entry?.file_name().to_bytes().to_vec();
        if name != b"." && name != b".." {
            out.push(OsStr::from_bytes(&name).to_os_string());
        }
    }
    Ok(out)
}

/// What the folder `dir` proves plansim wrote: its manifest, or for a folder without one the
/// original six outputs. `None` when a `.plansim.manifest` is there but is not one plansim
/// wrote (a link, not a regular file, too large, unreadable or not in the format).
pub(super) fn proof(dir: impl AsFd) -> Option<Manifest> {
    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
    let fd = match rfs::openat(dir, MANIFEST, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::NOENT) => return Some(Manifest::legacy()),
        Err(_) => return None,
    };
    let st = rfs::fstat(&fd).ok()?;
    if kind(&st) != FileType::RegularFile || st.st_size as u64 > MAX_BYTES {
        return None;
    }
    let mut text = String::new();
    std::fs::File::from(fd)
        .take(MAX_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    Manifest::parse(&text)
}

/// The first entry under `dir` (a relative path) that `set` does not prove plansim wrote:
/// not listed, or listed as a file but not a regular file (a link, a folder, a pipe), or
/// listed as a folder but not one. `None` when everything is plansim's.
pub(super) fn unproven(dir: impl AsFd, set: &Manifest) -> io::Result<Option<String>> {
    walk(dir.as_fd(), "", set)
}

fn walk(dir: BorrowedFd<'_>, prefix: &str, set: &Manifest) -> io::Result<Option<String>> {
    for name in names(dir)? {
        let path = format!("{prefix}{}", name.to_string_lossy());
        let Some(st) = lstat(dir, &name)? else {
            continue; // gone since it was listed
        };
        let ours = match (set.kind_of(&path), kind(&st)) {
            _ if path == MANIFEST => kind(&st) == FileType::RegularFile,
            _ if name.to_str().is_none() => false,
            (Some(Kind::File), FileType::RegularFile) => true,
            (Some(Kind::Folder), FileType::Directory) => {
                let sub = open_dir(dir, &name)?;
                if let Some(inner) = walk(sub.as_fd(), &format!("{path}/"), set)? {
                    return Ok(Some(inner));
                }
                true
            }
            _ => false,
        };
        if !ours {
            return Ok(Some(path));
        }
    }
    Ok(None)
}

/// Removes from `dir` what `set` lists (last written first), then the manifest, each entry
/// looked at again just before it goes: only a regular file listed as a file, or an empty
/// folder listed as a folder, is removed. `after_first` runs once, after the first removal.
/// Returns what could not be removed, as `PATH: REASON`.
pub(super) fn remove_set(
    dir: impl AsFd,
    set: &Manifest,
    after_first: &mut dyn FnMut(),
) -> Vec<String> {
    let dir = dir.as_fd();
    let mut problems = Vec::new();
    let mut first = true;
    let manifest = (Kind::File, MANIFEST.to_string());
    for (want, path) in set.entries().iter().rev().chain([&manifest]) {
        let (folder, leaf) = match path.rsplit_once('/') {
            Some((folder, leaf)) => (Some(folder), leaf),
            None => (None, path.as_str()),
        };
        let sub = match folder.map(|f| open_path(dir, f)).transpose() {
            Ok(sub) => sub,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => {
                problems.push(format!("{path}: {e}"));
                continue;
            }
        };
        let at = sub.as_ref().map_or(dir, |s| s.as_fd());
        let leaf = OsStr::new(leaf);
        let flags = match lstat(at, leaf).map(|st| st.map(|st| (*want, kind(&st)))) {
            Ok(None) => continue,
            Ok(Some((Kind::File, FileType::RegularFile))) => AtFlags::empty(),
            Ok(Some((Kind::Folder, FileType::Directory))) => AtFlags::REMOVEDIR,
            Ok(Some(_)) => {
                problems.push(format!("{path}: not what plansim wrote there"));
                continue;
            }
            Err(e) => {
                problems.push(format!("{path}: {e}"));
                continue;
            }
        };
        match rfs::unlinkat(at, leaf, flags) {
            Ok(()) if first => {
                first = false;
                after_first();
            }
            Ok(()) | Err(Errno::NOENT) => {}
            Err(e) => problems.push(format!("{path}: {}", io::Error::from(e))),
        }
    }
    problems
}

/// Why plansim could not remove the set in `dir` once it is replaced, found before anything
/// is written: the folder is not writable to this user, or it or one of its files is
/// immutable or append-only (`chattr +i`, `+a`). `None` when nothing is known to stand in
/// the way.
pub(super) fn cannot_remove(dir: impl AsFd, set: &Manifest) -> Option<String> {
    let dir = dir.as_fd();
    let access = rfs::Access::WRITE_OK | rfs::Access::EXEC_OK;
    // Only a clear "no": an old kernel without faccessat2 answers ENOSYS, which says nothing.
    if let Err(e @ (Errno::ACCESS | Errno::PERM | Errno::ROFS)) =
        rfs::accessat(dir, ".", access, AtFlags::EACCESS)
    {
        return Some(format!("it is not writable ({})", io::Error::from(e)));
    }
    if pinned(dir) {
        return Some("it is immutable or append-only (chattr +i or +a)".into());
    }
    for (want, path) in set.entries() {
        let (folder, leaf) = path.rsplit_once('/').unwrap_or((".", path));
        let Ok(at) = open_path(dir, folder) else {
            continue;
        };
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        if *want == Kind::File
            && let Ok(fd) = rfs::openat(&at, leaf, flags, Mode::empty())
            && pinned(&fd)
        {
            return Some(format!(
                "its {path:?} is immutable or append-only (chattr +i or +a)"
            ));
        }
    }
    None
}

/// Whether the file or folder `fd` is immutable or append-only (Linux inode flags).
#[cfg(target_os = "linux")]
fn pinned(fd: impl AsFd) -> bool {
    use rustix::fs::IFlags;
    rfs::ioctl_getflags(fd).is_ok_and(|f| f.intersects(IFlags::IMMUTABLE | IFlags::APPEND))
}

#[cfg(not(target_os = "linux"))]
fn pinned(_fd: impl AsFd) -> bool {
    false
}

/// Whether the folder `name` in `dir` is a mount point: on another device than `dir`, or
/// (bind mounts share the device) with another mount id. A mount point cannot be renamed.
pub(super) fn mount_point(dir: impl AsFd, name: &OsStr, st: &Stat) -> bool {
    let dir = dir.as_fd();
    if rfs::fstat(dir).is_ok_and(|parent| id(&parent).0 != id(st).0) {
        return true;
    }
    mount_id(dir, name).is_some_and(|own| mount_id(dir, OsStr::new("")) != Some(own))
}

#[cfg(target_os = "linux")]
fn mount_id(dir: BorrowedFd<'_>, name: &OsStr) -> Option<u64> {
    use rustix::fs::StatxFlags;
    let flags = if name.is_empty() {
        AtFlags::EMPTY_PATH
    } else {
        AtFlags::SYMLINK_NOFOLLOW
    };
    let stx = rfs::statx(dir, name, flags, StatxFlags::MNT_ID).ok()?;
    StatxFlags::from_bits_retain(stx.stx_mask)
        .contains(StatxFlags::MNT_ID)
        .then_some(stx.stx_mnt_id)
}

#[cfg(not(target_os = "linux"))]
fn mount_id(_: BorrowedFd<'_>, _: &OsStr) -> Option<u64> {
    None
}
