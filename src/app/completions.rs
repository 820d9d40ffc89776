//! `plansim completions SHELL` and `plansim man [COMMAND]`: a shell completion script
//! (clap_complete) and a man page in roff (clap_mangen), both generated from the one command
//! line definition in [`crate::cli`], printed to stdout.

use std::io::Write;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::error::Error;

pub(super) fn completions(args: &CompletionsArgs) -> Result<(), Error> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "plansim", &mut buf);
    print_bytes(&buf)
}

pub(super) fn man(args: &ManArgs) -> Result<(), Error> {
    print_bytes(&man_page(args.command.as_deref())?)
}

/// The roff text of plansim(1), or of plansim-COMMAND(1) for a command.
pub(crate) fn man_page(command: Option<&str>) -> Result<Vec<u8>, Error> {
    let mut cmd = Cli::command();
    // Gives each command its page name (`plansim-run`) and its usage name (`plansim run`).
    cmd.build();
    let page = match command {
        None => cmd,
        Some(name) => cmd
            .find_subcommand(name)
            .cloned()
            .ok_or_else(|| Error::Usage(format!("no man page for `{name}`")))?,
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page)
        .source(format!("plansim {}", env!("CARGO_PKG_VERSION")))
        .manual("plansim manual")
        .render(&mut buf)
        .map_err(|e| Error::System(format!("cannot render the man page: {e}")))?;
    Ok(buf)
}

fn print_bytes(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("stdout", e))
}
