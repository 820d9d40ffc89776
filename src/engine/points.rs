//! Several points of a sweep on common random numbers: every point sees the same users and the
//! same draws (streams are keyed by field path and purpose, never by position), so a point's
//! results are exactly those of a run of that point's scenario alone.
//!
//! For now each point is run on its own through [`super::run_trials`]; sharing the users'
//! lives between points whose populations are the same is the next step (issue 12).

use std::ops::Range;
use std::sync::atomic::AtomicBool;

use super::{EngineError, RunOptions, run_trials};
use crate::model::Scenario;
use crate::results::RunResults;

/// Runs trials `range` of every point; `results[i]` equals `run_trials(&points[i], ..)`.
/// `progress` counts users simulated summed over points (total: the sum over points of
/// trials x largest population). `Ok(None)` once `stop` is set.
///
/// # Errors
/// As [`run_trials`], for the first point that fails.
pub fn run_points(
    points: &[Scenario],
    range: Range<u64>,
    opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Result<Option<Vec<RunResults>>, EngineError> {
    let mut out = Vec::with_capacity(points.len());
    for scn in points {
        match run_trials(scn, range.clone(), opts, progress, stop)? {
            Some(r) => out.push(r),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}
