//! Reading a scenario file: only a regular file is opened (a FIFO would block the read), at most
//! [`MAX_CONFIG_BYTES`] are read, and the bytes must be UTF-8; the text then goes to
//! [`parse_with`]. Every problem is a [`ConfigError`] at line 1, column 1 of the file, except
//! bytes that are not UTF-8, located at the first of them.

use std::path::Path;

use super::{Override, parse_with, reader};
use crate::error::{ConfigError, Error};
use crate::model::Scenario;

/// Largest scenario file read, bytes.
pub const MAX_CONFIG_BYTES: u64 = 10_000_000;

/// Reads and validates a scenario file.
///
/// # Errors
/// [`Error::Config`] for a missing, unreadable, non-UTF-8 or invalid file, or one that is not a
/// regular file (all exit code 2).
pub fn load(path: &Path) -> Result<Scenario, Error> {
    load_with(path, &[])
}

/// Reads a scenario file, applies `overrides` to it and validates the result (see
/// [`parse_with`]).
///
/// # Errors
/// As [`load`]; a problem in an override is located at it.
pub fn load_with(path: &Path, overrides: &[Override]) -> Result<Scenario, Error> {
    use std::io::Read;
    let file = path.display().to_string();
    let at_file = |message: String| ConfigError {
        file: file.clone(),
        line: 1,
        column: 1,
        path: String::new(),
        message,
        origin: None,
    };
    let read_error = |e: std::io::Error| {
        at_file(match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => {
                "cannot read the file: permission denied".into()
            }
            _ => format!("cannot read the file: {e}"),
        })
    };
    // Only a regular file is opened: opening a FIFO for reading would wait for a writer.
    let kind = std::fs::metadata(path).map_err(read_error)?.file_type();
    if kind.is_dir() {
        return Err(at_file("is a directory, not a scenario file".into()).into());
    }
    if !kind.is_file() {
        return Err(at_file(not_regular(kind)).into());
    }
    // Read at most one byte past the limit, so a huge file is refused without being read
    // whole. The opened file is checked again, in case the path changed since.
    let mut bytes = Vec::new();
    let f = std::fs::File::open(path).map_err(read_error)?;
    let kind = f.metadata().map_err(read_error)?.file_type();
    if !kind.is_file() {
        return Err(at_file(not_regular(kind)).into());
    }
    f.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(at_file(format!(
            "the file is larger than {} MB; a scenario is a short text file (is this the \
             right file?)",
            MAX_CONFIG_BYTES / 1_000_000
        ))
        .into());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let off = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..off]).into_owned();
        let (line, column) = reader::line_col(&text, off);
        ConfigError {
            file: file.clone(),
            line,
            column,
            path: String::new(),
            message: "not UTF-8 text (is this a binary file?); a scenario is a TOML text file"
                .into(),
            origin: None,
        }
    })?;
    Ok(parse_with(&text, &file, overrides)?)
}

/// The refusal of a path that is neither a regular file nor a folder.
fn not_regular(kind: std::fs::FileType) -> String {
    #[cfg(unix)]
    let what = {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            "a named pipe (FIFO)"
        } else if kind.is_char_device() {
            "a character device"
        } else if kind.is_block_device() {
            "a block device"
        } else if kind.is_socket() {
            "a socket"
        } else {
            "special"
        }
    };
    #[cfg(not(unix))]
    let what = if kind.is_symlink() {
        "a link"
    } else {
        "special"
    };
    format!("is {what}, not a regular file; a scenario is a TOML text file")
}
