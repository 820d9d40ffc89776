//! `plansim check`: validate a scenario (with `--set`, and every point of its sweeps), apply
//! the run's size limits, and print what a typical user-month of each segment is worth and
//! costs, what breaks even and, in menu mode, the expected choice shares per segment
//! ([`crate::analysis::shares`], a section of the report). With sweeps, the report is of the
//! first point, followed by the grid: one line per point, the first [`POINTS_SHOWN`].

use super::{default_threads, field_args, print};
use crate::analysis::check;
use crate::cli::CheckArgs;
use crate::config::sweep::Points;
use crate::error::Error;
use crate::{config, engine};

/// Most points of a sweep listed one per line.
pub const POINTS_SHOWN: usize = 20;

pub(super) fn check_scenario(args: &CheckArgs) -> Result<(), Error> {
    let (overrides, sweeps) = field_args(&args.fields)?;
    let points = config::sweep::load_points(&args.config, &overrides, &sweeps)?;
    // The same size limits as `run` (which can override sizes from the command line).
    for (i, point) in points.points.iter().enumerate() {
        if let Some(problem) = engine::size_problem(&point.scenario, default_threads()) {
            let name = config::source_name(&args.config);
            return Err(Error::TooLarge {
                config: Some(if points.is_sweep() {
                    format!("{name}: {}", points.label(i))
                } else {
                    name
                }),
                problem,
            });
        }
    }
    // Then the sweep's points together, as `run` would simulate them.
    if points.is_sweep() {
        let scns: Vec<_> = points.points.iter().map(|p| p.scenario.clone()).collect();
        if let Some(problem) = engine::size_problem_points(&scns, default_threads()) {
            return Err(Error::TooLarge {
                config: Some(config::source_name(&args.config)),
                problem,
            });
        }
    }
    let mut text = check::report(&points.points[0].scenario);
    if points.is_sweep() {
        text.push_str(&grid(&points));
    }
    print::stdout(&text)
}

/// The sweep's grid: how many points over which paths, then one line per point.
fn grid(points: &Points) -> String {
    let n = points.points.len();
    let mut out = format!(
        "\nsweep: {n} point{} over {} (first slowest), every one valid; the report above is \
         of point 1:\n",
        if n == 1 { "" } else { "s" },
        points.paths.join(" x ")
    );
    for i in 0..n.min(POINTS_SHOWN) {
        out.push_str(&format!("  {}\n", points.label(i)));
    }
    if n > POINTS_SHOWN {
        out.push_str(&format!("  ... and {} more\n", n - POINTS_SHOWN));
    }
    out
}
