//! A file added to an output set after the set is in place (`results.xlsx` for now: moved
//! into the atomic set at merge), and the set's CSV texts it is built from.
//!
//! [`add_file`] works under the folder's lock and only on a folder that holds plansim's set.
//! It writes the file and the extended manifest into a working folder beside the output
//! folder (`.NAME.plansim-tmp-PID-NANOS`, whose own manifest is written first, so a killed
//! run's leftover is repaired by the next run), then renames the new manifest over the old
//! one and the file into the folder, in that order: at every moment the folder's manifest
//! lists everything in it, so a later run can still replace the folder.

use std::ffi::OsStr;
use std::io::{self, Write};
use std::os::fd::OwnedFd;
use std::path::Path;

use rustix::fs::{self as rfs, AtFlags, CWD, Mode, OFlags};

use super::handles::{open_dir, proof, remove_set, unproven};
use super::lock::{Lock, Refused};
use super::manifest::{Kind, MANIFEST, Manifest};
use super::names::{lock_name, split, working_name};
use crate::error::Error;

/// The new manifest's name in the working folder, before it is renamed over the old one.
const NEW_MANIFEST: &str = "manifest.new";

/// The CSV files of the output set in `dir`, as (path in the set, text), in manifest order.
///
/// # Errors
/// [`Error::Output`] when `dir` does not hold a set plansim wrote; [`Error::Io`] when a file
/// cannot be read.
pub fn csv_files(dir: &Path) -> Result<Vec<(String, String)>, Error> {
    let (parent, name) = split(dir)?;
    let parent = open_parent(&parent, dir)?;
    let folder = open_dir(&parent, &name).map_err(|e| Error::io(dir, e))?;
    let set = plansims(&folder, dir)?;
    let mut files = Vec::new();
    for (kind, path) in set.entries() {
        if *kind == Kind::File && path.ends_with(".csv") {
            let at = dir.join(path);
            let text = std::fs::read_to_string(&at).map_err(|e| Error::io(&at, e))?;
            files.push((path.clone(), text));
        }
    }
    Ok(files)
}

/// Adds the file `file` (a plain name) holding `bytes` to the output set in `dir`, replacing
/// a file of that name the set already lists.
///
/// # Errors
/// [`Error::Busy`] when another run holds the folder, [`Error::Output`] when it does not hold
/// a set plansim wrote, [`Error::Io`] when writing fails; the folder's manifest then still
/// lists everything in it.
pub fn add_file(dir: &Path, file: &str, bytes: &[u8]) -> Result<(), Error> {
    let (parent_path, name) = split(dir)?;
    let parent = open_parent(&parent_path, dir)?;
    let lock = match Lock::take(&parent, &lock_name(&name)) {
        Ok(lock) => lock,
        Err(Refused::Busy) => {
            return Err(Error::Busy {
                dir: dir.to_path_buf(),
            });
        }
        Err(Refused::Io(e)) => return Err(Error::io(dir, e)),
    };
    let folder = open_dir(&parent, &name).map_err(|e| Error::io(dir, e));
    let added = folder.and_then(|folder| {
        let set = plansims(&folder, dir)?.with_file(file);
        let work = working_name(&name, "tmp");
        let done = add_through(&parent, &work, &folder, file, bytes, &set);
        // What is left of the working folder: nothing but its manifest, when all went well.
        if let Ok(w) = open_dir(&parent, &work) {
            let own = Manifest::of_files([file, NEW_MANIFEST]);
            if remove_set(&w, &own, &mut || {}).is_empty() {
                let _ = rfs::unlinkat(&parent, &work, AtFlags::REMOVEDIR);
            }
        }
        done.map_err(|e| Error::io(dir.join(file), e))
    });
    lock.release(&parent);
    added
}

/// The steps of [`add_file`] through the working folder `work` beside the output folder.
fn add_through(
    parent: &OwnedFd,
    work: &OsStr,
    folder: &OwnedFd,
    file: &str,
    bytes: &[u8],
    set: &Manifest,
) -> io::Result<()> {
    rfs::mkdirat(parent, work, Mode::from_raw_mode(0o777))?;
    let w = open_dir(parent, work)?;
    write(
        &w,
        MANIFEST,
        Manifest::of_files([file, NEW_MANIFEST]).render().as_bytes(),
    )?;
    rfs::fsync(&w)?;
    write(&w, file, bytes)?;
    write(&w, NEW_MANIFEST, set.render().as_bytes())?;
    rfs::fsync(&w)?;
    rfs::renameat(&w, NEW_MANIFEST, folder, MANIFEST)?;
    rfs::renameat(&w, file, folder, file)?;
    rfs::fsync(folder)?;
    Ok(())
}

/// Writes the new file `name` in `dir` and syncs it.
fn write(dir: &OwnedFd, name: &str, bytes: &[u8]) -> io::Result<()> {
    let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let mut f = std::fs::File::from(rfs::openat(dir, name, flags, Mode::from_raw_mode(0o666))?);
    f.write_all(bytes)?;
    f.sync_all()
}

fn open_parent(parent: &Path, dir: &Path) -> Result<OwnedFd, Error> {
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
    rfs::openat(CWD, parent, flags, Mode::empty()).map_err(|e| Error::io(dir, e.into()))
}

/// The manifest of the folder `fd`, when it holds only what plansim wrote.
fn plansims(fd: &OwnedFd, dir: &Path) -> Result<Manifest, Error> {
    match proof(fd) {
        Some(set) if matches!(unproven(fd, &set), Ok(None)) => Ok(set),
        _ => Err(Error::Output(format!(
            "output folder {} no longer holds only plansim's outputs; nothing added to it",
            dir.display()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use std::fs;

    use super::*;

    fn beside(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_file_joins_the_set_and_its_manifest_and_nothing_is_left_beside() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("b.csv"), "x\n2\n").unwrap();
        fs::write(dir.join("a.csv"), "x\n1\n").unwrap();
        fs::write(dir.join("run.json"), "{}").unwrap();
        let set = Manifest::of_files(["b.csv", "a.csv", "run.json"]);
        fs::write(dir.join(MANIFEST), set.render()).unwrap();
        let csvs = csv_files(&dir).unwrap();
        assert_eq!(
            csvs,
            [
                ("b.csv".to_string(), "x\n2\n".to_string()),
                ("a.csv".to_string(), "x\n1\n".to_string())
            ]
        );
        add_file(&dir, "results.xlsx", b"book").unwrap();
        assert_eq!(fs::read(dir.join("results.xlsx")).unwrap(), b"book");
        let manifest = fs::read_to_string(dir.join(MANIFEST)).unwrap();
        assert_eq!(manifest, set.clone().with_file("results.xlsx").render());
        // Again: the file is replaced, listed once.
        add_file(&dir, "results.xlsx", b"book 2").unwrap();
        assert_eq!(fs::read(dir.join("results.xlsx")).unwrap(), b"book 2");
        assert_eq!(fs::read_to_string(dir.join(MANIFEST)).unwrap(), manifest);
        assert_eq!(beside(&dir), ["out"]);
    }

    #[test]
    fn a_folder_holding_a_file_plansim_did_not_write_gets_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        fs::create_dir(&dir).unwrap();
        fs::write(dir.join("a.csv"), "x\n1\n").unwrap();
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        fs::write(dir.join(MANIFEST), Manifest::of_files(["a.csv"]).render()).unwrap();
        let err = add_file(&dir, "results.xlsx", b"book").unwrap_err();
        assert!(matches!(err, Error::Output(_)), "{err}");
        assert!(matches!(csv_files(&dir), Err(Error::Output(_))));
        assert!(!dir.join("results.xlsx").exists());
        assert_eq!(beside(&dir), ["out"]);
    }
}
