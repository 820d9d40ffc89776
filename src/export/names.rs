//! The names plansim gives: the output folder as its parent and its own name, and the
//! working files beside it, `.NAME.plansim-KIND-PID-NANOS` (KIND `tmp`, `old` or `probe`)
//! and the lock file `.NAME.plansim-lock`.

use std::ffi::{OsStr, OsString};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// `dir` as its parent folder and its own name, refusing a name that cannot be replaced
/// (`.`, `..`, a root) or one plansim gives its own working folders. Works on the text, so
/// `sub/.` is `.` in `sub`, not `sub`.
pub(super) fn split(dir: &Path) -> Result<(PathBuf, OsString), Error> {
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
