//! The `plansim` binary: parse the command line, run, map errors to exit codes.

use clap::Parser;

fn main() {
    let cli = match plansim::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => e.exit(), // 0 for --help/--version, 2 for bad arguments
    };
    if let Err(e) = plansim::run_command(cli) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
