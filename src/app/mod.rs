//! The commands, each a straight line: load, validate, run, export, report. One file per
//! command ([`run`], [`check`], [`report`], [`init`]; [`completions`] holds `completions` and `man`); the
//! table printed after a run is [`table`].

mod best;
mod check;
mod common;
mod completions;
mod decide;
mod finish;
mod fit;
mod fit_text;
mod init;
mod merge;
mod print;
mod progress;
mod report;
mod run;
mod shard;
mod table;

use crate::cli::{Cli, Command};
use crate::error::Error;

/// Runs the command the user asked for.
///
/// # Errors
/// Whatever stopped it; [`Error::exit_code`] gives the process exit code.
pub fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run(args) => run::run_scenario(&args),
        Command::Merge(args) => merge::merge_shards(&args),
        Command::Check(args) => check::check_scenario(&args),
        Command::Report(args) => report::report_folder(&args),
        Command::Fit(args) => fit::fit_export(&args),
        Command::Init(args) => init::init_scenario(&args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args),
    }
}

/// The `--set` overrides, in order, and the `--sweep` arguments of `fields`.
///
/// # Errors
/// [`Error::Usage`] for an argument without `=` or with a malformed path.
pub(crate) fn field_args(
    fields: &crate::cli::FieldArgs,
) -> Result<
    (
        Vec<crate::config::Override>,
        Vec<crate::config::sweep::SweepArg>,
    ),
    Error,
> {
    let set = fields
        .set
        .iter()
        .map(|a| crate::config::Override::from_set(a).map_err(Error::Usage))
        .collect::<Result<_, _>>()?;
    let sweeps = fields
        .sweep
        .iter()
        .map(|a| crate::config::sweep::SweepArg::parse(a).map_err(Error::Usage))
        .collect::<Result<_, _>>()?;
    Ok((set, sweeps))
}

/// Most worker threads `--threads` accepts.
pub const MAX_THREADS: usize = 1024;

pub(crate) fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_THREADS))
}
