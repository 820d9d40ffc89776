//! The command line, defined in one place.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// Merge the shard folders of `plansim run --shard K/N` into the outputs of a single run.
    Merge(MergeArgs),
    /// Validate a scenario and show each segment's usage and its retail vs cost value.
    Check(CheckArgs),
    /// Write report.html (tables and charts, one self-contained page) from an output folder.
    Report(ReportArgs),
    /// Fit [[segment]] tables to a usage export (one row per user and day or month) and judge
    /// the fit (fit_report.csv).
    Fit(FitArgs),
    /// Write a commented starter scenario, NAME.toml, into the current folder.
    Init(InitArgs),
    /// Print a shell completion script to stdout.
    Completions(CompletionsArgs),
    /// Print a man page (roff) to stdout.
    Man(ManArgs),
}

/// Arguments of `plansim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML), or `-` to read it from stdin.
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
    /// Override [simulation] seed (any 64-bit unsigned integer; wins over --set).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Precision mode: run trials in batches (100, 200, 400, ...) until every plan's METRIC
    /// has a 95% interval within TARGET, `trials` at most: `profit_p05:1%` (relative, floor $1)
    /// or `profit_p05:500` (dollars). Overrides [simulation] precision.
    #[arg(long, value_name = "METRIC:TARGET")]
    pub precision: Option<String>,
    /// `--set` and `--sweep`.
    #[command(flatten)]
    pub fields: FieldArgs,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Compare every plan with PLAN (a plan, or `portfolio` in menu mode) at the same point,
    /// trial by trial: writes compare.csv.
    #[arg(long, value_name = "PLAN")]
    pub baseline: Option<String>,
    /// In a sweep without --baseline, compare every plan with itself at point K [default: 1].
    #[arg(long, value_name = "K")]
    pub baseline_point: Option<usize>,
    /// Order the table by a summary.csv column, highest first (`-COLUMN`: lowest first); in a
    /// sweep, also the column each plan's best point is picked by [default: profit_p50].
    #[arg(long, value_name = "COLUMN", allow_hyphen_values = true)]
    pub rank_by: Option<String>,
    /// Also write results.xlsx: every CSV table as a sheet, with charts.
    #[arg(long)]
    pub xlsx: bool,
    /// Also write report.html (tables and charts) into the output folder.
    #[arg(long)]
    pub report: bool,
    /// Run only shard K of N: trials [floor((K-1)T/N), floor(KT/N)) of T, into a shard folder
    /// [default --out: output/<scenario name>-shards/shard-K-of-N/] for `plansim merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,
}

/// Arguments of `plansim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard folders, 1 to N each once, in any order.
    #[arg(value_name = "SHARD_DIR", required = true)]
    pub shards: Vec<PathBuf>,
    /// Output folder: written as `plansim run` of the same scenario writes it.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// Also write report.html (tables and charts) into the output folder.
    #[arg(long)]
    pub report: bool,
    /// Also write results.xlsx: every CSV table as a sheet, with charts.
    #[arg(long)]
    pub xlsx: bool,
    /// Say nothing on stderr while verifying and merging.
    #[arg(long)]
    pub quiet: bool,
}

/// Arguments of `plansim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML), or `-` to read it from stdin.
    pub config: PathBuf,
    /// `--set` and `--sweep`.
    #[command(flatten)]
    pub fields: FieldArgs,
}

/// Fields set or swept from the command line, shared by `run` and `check`.
#[derive(Debug, Args)]
pub struct FieldArgs {
    /// Set a field: plan.max.price=25, market.mode=menu (repeatable).
    ///
    /// PATH names the field as trials.csv does (plan.NAME.FIELD, segment.NAME.FIELD,
    /// cost.FIELD, retail.FIELD, market.FIELD, simulation.FIELD, dots into inline tables).
    /// VALUE is TOML: a number, a string, a table such as a distribution
    /// ('cost.annual_decline={ dist = "uniform", min = 0.3, max = 0.8 }'); a bare word that is
    /// not TOML is a string. Applied in order (a later one wins); --trials, --users, --months
    /// and --seed win over it, and a swept field's values over it.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Sweep a field: 'plan.max.price=[100, 150]', plan.max.price=100..300:25 (repeatable).
    ///
    /// VALUES is a TOML array (any TOML values: '["each", "menu"]') or a range FROM..TO:STEP
    /// (TO included when on the grid). Several sweeps form a grid, the first one slowest. A
    /// --sweep of a path the file's [[sweep]] also sweeps replaces it, in its place; others
    /// come after the file's. Every point is validated before anything runs.
    #[arg(long = "sweep", value_name = "PATH=VALUES")]
    pub sweep: Vec<String>,
}

/// Arguments of `plansim report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// An output folder of `plansim run` (a sweep's too); report.html is written into it.
    pub dir: PathBuf,
}

/// Arguments of `plansim fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// The usage export (CSV): one row per user and period.
    pub usage: PathBuf,
    /// Write a scenario with the fitted segments here [default: print the [[segment]] tables
    /// to stdout].
    #[arg(long, value_name = "FILE.toml")]
    pub out: Option<PathBuf>,
    /// Folder for fit_report.csv (and fit_report.html with --report)
    /// [default: output/fit-<usage file stem>/].
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Take [simulation], the cards, [market] and the plans from this scenario (its segments
    /// are replaced by the fitted ones) [default: a starter scenario with one plan of each
    /// kind].
    #[arg(long, value_name = "SCENARIO.toml")]
    pub plans: Option<PathBuf>,
    /// Segments: a number K (users split into K by their typical month), or `auto` (each
    /// component of the lognormal mixture BIC picks becomes a segment).
    #[arg(long, value_name = "K|auto", default_value = "1")]
    pub segments: String,
    /// What a period is [default: from the cells: YYYY-MM a month, YYYY-MM-DD or an integer a
    /// day].
    #[arg(long, value_enum)]
    pub period: Option<PeriodArg>,
    /// Column options.
    #[command(flatten)]
    pub columns: UsageColumnArgs,
    /// Also write the fitted parameters' bootstrap uncertainty as trial-level distributions
    /// (drawn independently per trial).
    #[arg(long)]
    pub uncertain: bool,
    /// Bootstrap resamples of the users for the 90% intervals.
    #[arg(long, value_name = "N", default_value_t = 200)]
    pub bootstrap: u32,
    /// Seed of the bootstrap and of the EM starts.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub seed: u64,
    /// Also write fit_report.html (QQ and CDF charts, data against each fit).
    #[arg(long)]
    pub report: bool,
    /// A line for the written scenario's header comment, e.g. the data's source and licence
    /// (repeatable).
    #[arg(long = "note", value_name = "TEXT")]
    pub notes: Vec<String>,
}

/// What a period cell of a usage export is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    /// A day: an integer day number or YYYY-MM-DD.
    Day,
    /// A month: an integer month number or YYYY-MM.
    Month,
}

/// The columns of a usage export, and which rows to use.
#[derive(Debug, Args)]
pub struct UsageColumnArgs {
    /// The user id column [default: user, user_id, client_id, customer_id, account_id, ...].
    #[arg(long, value_name = "NAME")]
    pub user_col: Option<String>,
    /// The period column [default: period, day, date, month, ...].
    #[arg(long, value_name = "NAME")]
    pub period_col: Option<String>,
    /// The output tokens column [default: output_tokens, output, completion_tokens, ...].
    #[arg(long, value_name = "NAME")]
    pub output_col: Option<String>,
    /// The input tokens column [default: input_tokens, input, prompt_tokens, ...].
    #[arg(long, value_name = "NAME")]
    pub input_col: Option<String>,
    /// The cache-read tokens column [default: cache_read_tokens, cache_read, cached_tokens, ...].
    #[arg(long, value_name = "NAME")]
    pub cache_read_col: Option<String>,
    /// The cache-write tokens column [default: cache_write_tokens, cache_write,
    /// cache_creation_tokens, ...].
    #[arg(long, value_name = "NAME")]
    pub cache_write_col: Option<String>,
    /// The cost column [default: cost, cost_usd, spend, ...].
    #[arg(long, value_name = "NAME")]
    pub cost_col: Option<String>,
    /// A segment label column [default: segment].
    #[arg(long, value_name = "NAME")]
    pub segment_col: Option<String>,
    /// Use only rows whose COLUMN equals VALUE (repeatable; all must hold).
    #[arg(long = "where", value_name = "COLUMN=VALUE")]
    pub filters: Vec<String>,
    /// The input column already counts cache-read and cache-write tokens (OpenAI-style); by
    /// default it does not (Anthropic-style).
    #[arg(long)]
    pub input_includes_cache: bool,
}

/// Arguments of `plansim init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Scenario name (A-Z a-z 0-9 _ . -); the file is NAME.toml, never overwritten
    /// [default: the template's name].
    pub name: Option<String>,
    /// What to start from.
    #[arg(long, value_enum, default_value_t = Template::Minimal)]
    pub template: Template,
}

/// The starter scenarios `plansim init` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Template {
    /// One segment and one plan of each kind, every field written out.
    Minimal,
    /// Four usage segments and five plans priced against Opus-class list prices.
    CodingAgent,
}

/// Arguments of `plansim completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    pub shell: clap_complete::Shell,
}

/// Arguments of `plansim man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command's own page (plansim-COMMAND) instead of plansim's.
    #[arg(value_name = "COMMAND", value_parser = MAN_PAGES)]
    pub command: Option<String>,
}

/// The commands `plansim man COMMAND` has a page for: all of them, clap's `help` included.
pub const MAN_PAGES: [&str; 9] = [
    "run",
    "merge",
    "check",
    "report",
    "fit",
    "init",
    "completions",
    "man",
    "help",
];

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    #[test]
    fn every_command_has_a_man_page() {
        let mut cmd = super::Cli::command();
        cmd.build();
        let names: Vec<_> = cmd
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        assert_eq!(names, super::MAN_PAGES);
    }
}
