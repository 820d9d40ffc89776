//! Errors, one enum per area, each mapped to an exit code by the binary.

use std::path::PathBuf;

use crate::engine::{EngineError, SizeProblem};

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

/// Anything that can stop a command, by cause; [`Error::exit_code`] maps each cause to the
/// exit code documented in the README's exit-code table.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario is invalid (exit code 2).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A command-line value is invalid (exit code 2).
    #[error("{0}")]
    Usage(String),
    /// The output folder cannot receive outputs: not a folder, holds files plansim did not
    /// write, a symbolic link, a mount point, an unwritable or missing parent; or it changed
    /// during the run in a way plansim may not touch (exit code 2).
    #[error("{0}")]
    Output(String),
    /// The run is over the size limits (exit code 2); `config` names the file when the message
    /// should.
    #[error("{}{problem}", config.as_ref().map_or(String::new(), |c| format!("{c}: ")))]
    TooLarge {
        /// The config file, when named in the message.
        config: Option<String>,
        /// The limit and the estimate.
        problem: SizeProblem,
    },
    /// The scenario made the engine fail (a drawn parameter out of range, a trial range outside
    /// the scenario): the scenario's fault, though only a draw shows it (exit code 2).
    #[error("{config}: {source}")]
    Engine {
        /// The config file.
        config: String,
        /// What failed.
        source: EngineError,
    },
    /// Sums overflowed f64: the scenario's values are too extreme (exit code 2).
    #[error(
        "{config}: plan {plan}: totals overflowed (values beyond the range of f64); the \
         scenario's values are too extreme to simulate: scale them down"
    )]
    Overflow {
        /// The config file.
        config: String,
        /// The first plan whose sums overflowed.
        plan: String,
    },
    /// Reading or writing a file failed (exit code 1).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The system refused what the run needs: threads, signal handlers (exit code 1).
    #[error("simulation failed: {0}")]
    System(String),
    /// Writing to stdout failed for a reason other than a closed pipe, e.g. a full disk
    /// (exit code 1).
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
    /// The reader of stdout went away (a closed pipe, as in `plansim check s.toml | head -1`):
    /// the command stops quietly, without a message, like a Unix tool killed by SIGPIPE, with
    /// exit code 141 (128 + SIGPIPE, what a shell reports for such a tool). Whatever was done
    /// before, such as writing the output files, stands.
    #[error("stdout was closed before everything was written")]
    StdoutClosed,
    /// Another plansim run holds the output folder's lock (exit code 75, `EX_TEMPFAIL`: try
    /// again later). Refused before simulating; the folder is untouched.
    #[error(
        "output folder {} is in use by another plansim run (it holds {}); wait for that run \
         to end, or choose another --out",
        dir.display(),
        busy_lock(dir)
    )]
    Busy {
        /// The output folder.
        dir: PathBuf,
    },
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

fn busy_lock(dir: &std::path::Path) -> String {
    let name = dir.file_name().unwrap_or_default().to_string_lossy();
    dir.with_file_name(format!(".{name}.plansim-lock"))
        .display()
        .to_string()
}

fn signal_name(signal: i32) -> String {
    match signal {
        2 => "SIGINT (Ctrl-C)".into(),
        15 => "SIGTERM".into(),
        n => format!("signal {n}"),
    }
}

impl Error {
    /// The process exit code for this error: 2 for input the user can fix, 1 for the
    /// environment, 75 for an output folder another run is writing into, 141 for a closed
    /// stdout, 128 + the signal when interrupted.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_)
            | Error::Usage(_)
            | Error::Output(_)
            | Error::TooLarge { .. }
            | Error::Engine { .. }
            | Error::Overflow { .. } => 2,
            Error::Io { .. } | Error::System(_) | Error::Stdout(_) => 1,
            Error::Busy { .. } => 75,
            Error::StdoutClosed => 141,
            Error::Interrupted { signal, .. } => 128 + signal,
        }
    }

    /// Whether the binary should print this error. Not for [`Error::StdoutClosed`]: the reader
    /// went away, and a Unix tool ends quietly then.
    pub fn is_shown(&self) -> bool {
        !matches!(self, Error::StdoutClosed)
    }

    /// A failed write to stdout: [`Error::StdoutClosed`] for a closed pipe, else
    /// [`Error::Stdout`].
    pub fn stdout(source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::BrokenPipe {
            Error::StdoutClosed
        } else {
            Error::Stdout(source)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{EngineError, Footprint, SizeLimit};

    fn size() -> SizeProblem {
        SizeProblem {
            limit: SizeLimit::Memory,
            estimate: Footprint {
                work: 1.0,
                bytes: 2e10,
                seconds: 1.0,
            },
            trials: 1,
            users: 1,
            months: 1,
            plans: 1,
            threads: 1,
        }
    }

    #[test]
    fn each_cause_has_its_documented_exit_code() {
        let io = || std::io::Error::other("x");
        let cases: Vec<(Error, i32)> = vec![
            (Error::Usage("x".into()), 2),
            (Error::Output("x".into()), 2),
            (
                Error::TooLarge {
                    config: None,
                    problem: size(),
                },
                2,
            ),
            (
                Error::Engine {
                    config: "s.toml".into(),
                    source: EngineError::TooLarge(size()),
                },
                2,
            ),
            (
                Error::Overflow {
                    config: "s.toml".into(),
                    plan: "p".into(),
                },
                2,
            ),
            (Error::io("f", io()), 1),
            (Error::System("x".into()), 1),
            (Error::stdout(io()), 1),
            (Error::stdout(std::io::ErrorKind::BrokenPipe.into()), 141),
            (Error::Busy { dir: "out".into() }, 75),
            (
                Error::Interrupted {
                    signal: 2,
                    what: "x".into(),
                },
                130,
            ),
            (
                Error::Interrupted {
                    signal: 15,
                    what: "x".into(),
                },
                143,
            ),
        ];
        for (e, code) in cases {
            assert_eq!(e.exit_code(), code, "{e}");
        }
    }

    #[test]
    fn a_size_problem_names_the_config_only_when_asked() {
        let plain = Error::TooLarge {
            config: None,
            problem: size(),
        };
        let named = Error::TooLarge {
            config: Some("s.toml".into()),
            problem: size(),
        };
        assert!(
            plain
                .to_string()
                .starts_with("the run is too large for memory")
        );
        assert_eq!(named.to_string(), format!("s.toml: {plain}"));
    }
}
