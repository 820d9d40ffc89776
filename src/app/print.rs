//! Writing to the terminal without panicking: `print!` panics when stdout is a closed pipe or
//! a full disk. Here a closed pipe becomes [`Error::StdoutClosed`] (exit 141, no message),
//! any other stdout failure [`Error::Stdout`] (exit 1); a failing stderr is ignored, since
//! there is nowhere left to report it (the exit code still tells).

use std::io::Write;

use crate::error::Error;

/// Writes `text` to stdout and flushes it.
pub(super) fn stdout(text: &str) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(Error::stdout)
}

/// Writes each line to stderr, ignoring failures.
pub(super) fn stderr_lines(lines: &[String]) {
    let mut err = std::io::stderr().lock();
    for line in lines {
        let _ = writeln!(err, "{line}");
    }
}
