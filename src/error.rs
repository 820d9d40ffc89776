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
            None => write!(f, "{}:{}:{}: ", escaped(&self.file), self.line, self.column)?,
            Some(origin) => write!(f, "{}: {}: ", escaped(&self.file), escaped(origin))?,
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", escaped(&self.path))?;
        }
        f.write_str(&escaped(&self.message))
    }
}

impl std::error::Error for ConfigError {}

/// `text` with every character a terminal could act on or that could break the line written
/// as an escape, the way Rust's `{:?}` writes it: `\n`, `\r`, `\t`, and `\u{1b}` for the
/// other control characters (C0, DEL, C1), the line and paragraph separators and the
/// bidirectional overrides. Keys, kinds and values taken from a scenario thus reach the
/// terminal as visible text, and a message stays one line.
pub fn escaped(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| {
        c.is_control()
            || matches!(
                c,
                '\u{2028}'
                    | '\u{2029}'
                    | '\u{200e}'
                    | '\u{200f}'
                    | '\u{202a}'..='\u{202e}'
                    | '\u{2066}'..='\u{2069}'
            )
    };
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Every problem found in a scenario, in the order found (never empty). Missing required
/// fields are collected across the whole file, so a half-written scenario is fixed in one
/// round; any other problem ends the reading (what follows it could be its consequence) and
/// comes last. At most [`ConfigErrors::MAX`] are kept; the rest are only counted.
///
/// Shown one problem a line, each as [`ConfigError`] shows it; the lines after the first start
/// with `error: `, as the binary starts the first, and a last line says how many were not
/// shown.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigErrors {
    errors: Vec<ConfigError>,
    not_shown: usize,
}

impl ConfigErrors {
    /// Most problems kept (and shown) for one scenario.
    pub const MAX: usize = 20;

    /// The problems `errors` (at least one), of which `not_shown` more were found but not kept.
    pub(crate) fn new(first: ConfigError, more: Vec<ConfigError>, not_shown: usize) -> Self {
        let mut errors = vec![first];
        errors.extend(more);
        ConfigErrors { errors, not_shown }
    }

    /// The first problem found.
    pub fn first(&self) -> &ConfigError {
        &self.errors[0]
    }

    /// The problems kept, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &ConfigError> {
        self.errors.iter()
    }

    /// How many more problems were found than kept.
    pub fn not_shown(&self) -> usize {
        self.not_shown
    }
}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        ConfigErrors::new(e, Vec::new(), 0)
    }
}

impl std::fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\nerror: ")?;
            }
            write!(f, "{e}")?;
        }
        if self.not_shown > 0 {
            let n = self.not_shown;
            write!(
                f,
                "\nerror: {}: {n} more missing required field{} not shown",
                escaped(&self.first().file),
                if n == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Anything that can stop a command, by cause; [`Error::exit_code`] maps each cause to the
/// exit code documented in the README's exit-code table.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The scenario is invalid (exit code 2): one line per problem.
    #[error(transparent)]
    Config(#[from] ConfigErrors),
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
    /// Shards that cannot be merged, or a shard run that cannot be: the message names the shard
    /// folder (exit code 2).
    #[error("{0}")]
    Shard(String),
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

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e.into())
    }
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
            | Error::Overflow { .. }
            | Error::Shard(_) => 2,
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

    fn config_error(file: &str, path: &str, message: &str) -> ConfigError {
        ConfigError {
            file: file.into(),
            line: 2,
            column: 3,
            path: path.into(),
            message: message.into(),
            origin: None,
        }
    }

    #[test]
    fn config_errors_are_shown_escaped_on_one_line_each() {
        assert_eq!(escaped("plain `key`"), "plain `key`");
        assert_eq!(
            escaped("a\nb\r\t\u{1b}[2J\u{7}\u{9b}\u{7f}\u{2028}\u{202e}x"),
            "a\\nb\\r\\t\\u{1b}[2J\\u{7}\\u{9b}\\u{7f}\\u{2028}\\u{202e}x"
        );
        let e = config_error("f\u{1b}.toml", "a\nb", "unknown field `a\nb`");
        assert_eq!(
            e.to_string(),
            "f\\u{1b}.toml:2:3: a\\nb: unknown field `a\\nb`"
        );
        let overridden = ConfigError {
            origin: Some("--set x=\u{7}".into()),
            ..config_error("s.toml", "x", "bad")
        };
        assert_eq!(overridden.to_string(), "s.toml: --set x=\\u{7}: x: bad");
        let all = ConfigErrors::new(
            config_error("s.toml", "a", "one"),
            vec![config_error("s.toml", "b", "two")],
            3,
        );
        assert_eq!(
            all.to_string(),
            "s.toml:2:3: a: one\nerror: s.toml:2:3: b: two\n\
             error: s.toml: 3 more missing required fields not shown"
        );
        assert_eq!(Error::from(all).exit_code(), 2);
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
