//! The command line, defined in one place.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Monte Carlo simulator for the economics of AI product pricing plans.
#[derive(Debug, Parser)]
#[command(name = "plansim", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Simulate a scenario and write per-plan profit distributions to CSV.
    Run(RunArgs),
    /// Validate a scenario and show each segment's usage and its retail vs cost value.
    Check(CheckArgs),
}

/// Arguments of `plansim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML).
    pub config: PathBuf,
    /// Output folder [default: output/<scenario name>/].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Override [simulation] trials.
    #[arg(long, value_name = "N")]
    pub trials: Option<u64>,
    /// Override [simulation] users.
    #[arg(long, value_name = "N")]
    pub users: Option<u64>,
    /// Override [simulation] months.
    #[arg(long, value_name = "N")]
    pub months: Option<u32>,
    /// Override [simulation] seed.
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// Arguments of `plansim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML).
    pub config: PathBuf,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
