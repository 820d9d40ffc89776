//! The `plansim` binary: parse the command line, run, map errors to exit codes.
//!
//! Nothing here panics when stdout or stderr cannot be written: a closed stdout ends the
//! program quietly with exit code 141, a full one with exit code 1 and a message; a message
//! that cannot be written to stderr is dropped, and the exit code stays the error's own.

use std::io::Write;

use clap::Parser;

fn main() {
    let cli = match plansim::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // 0 for --help/--version, 2 for bad arguments.
        Err(e) => {
            let printed = e.print().and_then(|()| std::io::stdout().flush());
            match printed {
                Err(io) if !e.use_stderr() => fail(plansim::Error::stdout(io)),
                _ => std::process::exit(e.exit_code()),
            }
        }
    };
    if let Err(e) = plansim::run_command(cli) {
        fail(e);
    }
}

fn fail(e: plansim::Error) -> ! {
    if e.is_shown() {
        let _ = writeln!(std::io::stderr(), "error: {e}");
    }
    std::process::exit(e.exit_code());
}
