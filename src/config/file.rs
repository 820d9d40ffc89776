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

/// The file name that means stdin (`plansim run -`).
pub const STDIN_PATH: &str = "-";
/// How stdin is named in messages and in run.json.
pub const STDIN_NAME: &str = "<stdin>";

/// How a scenario path is named in messages and run.json: as given, or [`STDIN_NAME`] for `-`.
pub fn source_name(path: &Path) -> String {
    if path.as_os_str() == STDIN_PATH {
        STDIN_NAME.to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads and validates a scenario file; the path `-` reads stdin (named `<stdin>`).
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
    let text = read_text(path)?;
    Ok(parse_with(&text, &source_name(path), overrides)?)
}

/// The text of the scenario file at `path` (`-`: stdin), as [`load`] reads it.
///
/// # Errors
/// As [`load`], for everything but the scenario's contents.
pub(crate) fn read_text(path: &Path) -> Result<String, Error> {
    let file = source_name(path);
    let at_file = |message: String| ConfigError {
        file: file.clone(),
        line: 1,
        column: 1,
        path: String::new(),
        message,
        origin: None,
    };
    let bytes = if path.as_os_str() == STDIN_PATH {
        read_stdin(&at_file)?
    } else {
        read_file(path, &at_file)?
    };
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
    Ok(text)
}

/// A read error as the user reads it.
fn read_error(at_file: &dyn Fn(String) -> ConfigError, e: std::io::Error) -> ConfigError {
    at_file(match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "cannot read the file: permission denied".into(),
        _ => format!("cannot read the file: {e}"),
    })
}

/// At most one byte past the limit of stdin, which must not be a terminal (it would wait for
/// typing).
fn read_stdin(at_file: &dyn Fn(String) -> ConfigError) -> Result<Vec<u8>, ConfigError> {
    use std::io::{IsTerminal, Read};
    if std::io::stdin().is_terminal() {
        return Err(at_file(
            "`-` reads the scenario from stdin, but stdin is a terminal: pipe a scenario in \
             (`plansim run - < scenario.toml`)"
                .into(),
        ));
    }
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(at_file, e))?;
    Ok(bytes)
}

/// At most one byte past the limit of the regular file at `path`, so a huge file is refused
/// without being read whole. Only a regular file is opened (opening a FIFO for reading would
/// wait for a writer), and the opened file is checked again, in case the path changed since.
fn read_file(path: &Path, at_file: &dyn Fn(String) -> ConfigError) -> Result<Vec<u8>, ConfigError> {
    use std::io::Read;
    let kind = std::fs::metadata(path)
        .map_err(|e| read_error(at_file, e))?
        .file_type();
    if kind.is_dir() {
        return Err(at_file("is a directory, not a scenario file".into()));
    }
    if !kind.is_file() {
        return Err(at_file(not_regular(kind)));
    }
    let f = std::fs::File::open(path).map_err(|e| read_error(at_file, e))?;
    let kind = f
        .metadata()
        .map_err(|e| read_error(at_file, e))?
        .file_type();
    if !kind.is_file() {
        return Err(at_file(not_regular(kind)));
    }
    let mut bytes = Vec::new();
    f.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_error(at_file, e))?;
    Ok(bytes)
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
