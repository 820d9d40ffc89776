//! Errors, one enum per area, each mapped to an exit code by the binary.

use std::path::PathBuf;

/// A problem with a scenario file, or with a value set from outside it: where it is and what
/// is wrong.
///
/// Shown as `FILE:LINE:COLUMN: PATH: MESSAGE`, or, when the problem is in an override, as
/// `FILE: ORIGIN: PATH: MESSAGE` (e.g. `s.toml: --trials 0: simulation.trials: ...`); the path
/// and its `: ` are left out when empty.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// The config file as given.
    pub file: String,
    /// 1-based line (1 in an override).
    pub line: usize,
    /// 1-based column (characters), in the file or in the override's value.
    pub column: usize,
    /// Field path, e.g. `segment.power.output_tokens.sigma` (empty for file-level problems).
    pub path: String,
    /// What is wrong, and where possible how to fix it.
    pub message: String,
    /// The override the problem is in, as the user gave it (e.g. `--trials 0`); `None` for a
    /// problem in the file.
    pub origin: Option<String>,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.origin {
            None => write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?,
            Some(origin) => write!(f, "{}: {origin}: ", self.file)?,
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Anything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario is invalid (exit code 2).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A command-line value is invalid (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// Reading or writing a file failed (exit code 1).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The simulation itself failed (exit code 1).
    #[error("simulation failed: {0}")]
    Engine(String),
    /// A signal asked the run to stop (exit code 128 + the signal: 130 for Ctrl-C, 143 for
    /// SIGTERM).
    #[error("interrupted by {}: stopped without writing; {}", signal_name(*signal), what)]
    Interrupted {
        /// The signal number.
        signal: i32,
        /// What was left as it was.
        what: String,
    },
}

fn signal_name(signal: i32) -> String {
    match signal {
        2 => "SIGINT (Ctrl-C)".into(),
        15 => "SIGTERM".into(),
        n => format!("signal {n}"),
    }
}

impl Error {
    /// The process exit code for this error: 2 for bad input, 128 + the signal when
    /// interrupted, 1 for everything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_) | Error::Usage(_) => 2,
            Error::Io { .. } | Error::Engine(_) => 1,
            Error::Interrupted { signal, .. } => 128 + signal,
        }
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
