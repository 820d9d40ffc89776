//! Sweeps: `[[sweep]]` tables and `--sweep` arguments -> the points of a grid, each a validated
//! [`Scenario`] built from the file with that point's values applied as overrides by field path.
//!
//! For now only the single point of a file without sweeps is built (issue 12 fills this in).

use std::path::Path;

use super::{Override, load_with};
use crate::error::Error;
use crate::model::Scenario;

/// One swept field from the command line (`--sweep PATH=VALUES`), before parsing its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepArg {
    /// The field path, as `--set` names it.
    pub path: String,
    /// The values: a TOML array or `from..to:step`.
    pub values: String,
}

/// One point of a grid.
#[derive(Debug, Clone)]
pub struct Point {
    /// Each swept path's value at this point, as written in sweep.csv (same order as
    /// [`Points::paths`]).
    pub values: Vec<String>,
    /// The validated scenario of this point.
    pub scenario: Scenario,
}

/// The points of a run: one point without sweeps (and no swept paths), else the grid in order
/// (first sweep slowest).
#[derive(Debug, Clone)]
pub struct Points {
    /// The swept field paths (sweep.csv's columns after `point`); empty without sweeps.
    pub paths: Vec<String>,
    /// The points, 1-based in outputs.
    pub points: Vec<Point>,
}

impl Points {
    /// Whether this is a sweep (at least one swept path).
    pub fn is_sweep(&self) -> bool {
        !self.paths.is_empty()
    }
}

/// Reads the scenario at `path` with `overrides` (`--set` and the size flags), and its sweeps
/// (`[[sweep]]`, where `sweeps` from the command line replace the file's of the same path), and
/// builds and validates every point before anything runs.
///
/// # Errors
/// As [`load_with`]; an invalid point names the point.
pub fn load_points(
    path: &Path,
    overrides: &[Override],
    sweeps: &[SweepArg],
) -> Result<Points, Error> {
    let _ = sweeps;
    let scenario = load_with(path, overrides)?;
    Ok(Points {
        paths: Vec::new(),
        points: vec![Point {
            values: Vec::new(),
            scenario,
        }],
    })
}
