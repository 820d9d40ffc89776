//! `plansim check`: validate a scenario, apply the run's size limits, and print what a typical
//! user-month of each segment is worth and costs, what breaks even and, in menu mode, the
//! expected choice shares per segment ([`crate::analysis::shares`], a section of the report).

use super::{default_threads, print};
use crate::analysis::check;
use crate::cli::CheckArgs;
use crate::error::Error;
use crate::{config, engine};

pub(super) fn check_scenario(args: &CheckArgs) -> Result<(), Error> {
    let scn = config::load(&args.config)?;
    // The same size limits as `run` (which can override sizes from the command line).
    if let Some(problem) = engine::size_problem(&scn, default_threads()) {
        return Err(Error::TooLarge {
            config: Some(config::source_name(&args.config)),
            problem,
        });
    }
    print::stdout(&check::report(&scn))
}
