//! Several points of a sweep on common random numbers: every point sees the same users and the
//! same draws (streams are keyed by field path and purpose, never by position), so a point's
//! results are exactly those of a run of that point's scenario alone.
//!
//! Points whose populations are written the same ([`super::keys`]: simulation,
//! segments but for their value and shock churn, mode and arrivals) form a group that shares
//! its users: each user is lived once and billed at every point of the group
//! ([`super::shared`]); a point alone in its group (a sweep of a segment's field, of the
//! arrivals or of the mode) runs on its own through [`super::run_trials`]. Groups run one after
//! the other, in the order of their first point.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

use super::keys::Keys;
use super::shared::run_shared;
use super::sizing::{MAX_MEMORY, MAX_WORK, in_flight_bytes, in_flight_bytes_shared};
use super::{
    EngineError, Footprint, RunOptions, SizeLimit, SizeProblem, check_range, run_trials,
    size_problem_trials,
};
use crate::model::Scenario;
use crate::results::RunResults;

/// Runs trials `range` of every point; `results[i]` equals `run_trials(&points[i], ..)`, for
/// any thread count. `progress` counts users simulated summed over points (total: the sum over
/// points of trials x largest population). `Ok(None)` once `stop` is set.
///
/// # Errors
/// [`EngineError::TrialRange`] for a range outside a point's trials and
/// [`EngineError::TooLarge`] as [`size_problem_points`] says, before anything runs; a per-trial
/// draw out of range ([`EngineError::Draw`], which validation prevents) of some point.
pub fn run_points(
    points: &[Scenario],
    range: Range<u64>,
    opts: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Result<Option<Vec<RunResults>>, EngineError> {
    for scn in points {
        check_range(scn, &range)?;
    }
    let trials = range.end.saturating_sub(range.start);
    let threads = rayon::current_num_threads();
    if let [one] = points {
        if let Some(problem) = size_problem_points_trials(points, threads, Some(trials)) {
            return Err(EngineError::TooLarge(problem));
        }
        if stop.load(Ordering::Relaxed) {
            return Ok(None);
        }
        // No keys to compare (they serialise the scenario): the run alone.
        return Ok(run_trials(one, range, opts, progress, stop)?.map(|r| vec![r]));
    }
    // The keys written once, for the sizing and the groups.
    let keys: Vec<Keys> = points.iter().map(Keys::of).collect();
    if let Some(problem) = size_problem_keyed(points, &keys, threads, Some(trials)) {
        return Err(EngineError::TooLarge(problem));
    }
    if stop.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let mut out: Vec<Option<RunResults>> = vec![None; points.len()];
    for group in groups(&keys) {
        let ran = if let [i] = group[..] {
            run_trials(&points[i], range.clone(), opts, progress, stop)?.map(|r| vec![r])
        } else {
            let scns: Vec<&Scenario> = group.iter().map(|&i| &points[i]).collect();
            let ks: Vec<&Keys> = group.iter().map(|&i| &keys[i]).collect();
            run_shared(&scns, &ks, range.clone(), opts, progress, stop)?
        };
        let Some(ran) = ran else {
            return Ok(None);
        };
        for (i, r) in group.into_iter().zip(ran) {
            out[i] = Some(r);
        }
    }
    Ok(Some(out.into_iter().flatten().collect()))
}

/// The points grouped by population, each group in point order, groups in the order of their
/// first point.
fn groups(keys: &[Keys]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        match groups
            .iter_mut()
            .find(|g| keys[g[0]].population == k.population)
        {
            Some(g) => g.push(i),
            None => groups.push(vec![i]),
        }
    }
    groups
}

/// The groups of `points` that share their users (point indices), for tests.
#[cfg(test)]
pub(crate) fn share_groups(points: &[Scenario]) -> Vec<Vec<usize>> {
    groups(&points.iter().map(Keys::of).collect::<Vec<_>>())
}

/// Why `points` cannot run together on `threads` threads, if they cannot: the first point over
/// a limit of its own ([`size_problem`]), else the whole over [`MAX_WORK`] or [`MAX_MEMORY`].
/// The whole's work and time are the sums over points (sharing users makes it faster than
/// that; the work is an upper bound); its memory is what every point keeps for its outputs
/// plus the largest state in flight of a group (the users' buffers once for a group that
/// shares them, each point's trial state). In the message, `plans` counts every point's plans.
pub fn size_problem_points(points: &[Scenario], threads: usize) -> Option<SizeProblem> {
    size_problem_points_trials(points, threads, None)
}

/// [`size_problem_points`] for `trials` trials of each point (a shard's range), or each
/// point's own trials (`None`).
pub fn size_problem_points_trials(
    points: &[Scenario],
    threads: usize,
    trials: Option<u64>,
) -> Option<SizeProblem> {
    let keys: Vec<Keys> = if points.len() < 2 {
        Vec::new()
    } else {
        points.iter().map(Keys::of).collect()
    };
    size_problem_keyed(points, &keys, threads, trials)
}

/// [`size_problem_points_trials`] with the points' keys (none for fewer than two points).
fn size_problem_keyed(
    points: &[Scenario],
    keys: &[Keys],
    threads: usize,
    trials: Option<u64>,
) -> Option<SizeProblem> {
    let count = |s: &Scenario| trials.unwrap_or(s.simulation.trials);
    if let Some(problem) = points
        .iter()
        .find_map(|s| size_problem_trials(s, threads, count(s)))
    {
        return Some(problem);
    }
    let first = points.first()?;
    if points.len() < 2 {
        return None;
    }
    let mut estimate = Footprint {
        work: 0.0,
        bytes: 0.0,
        seconds: 0.0,
    };
    for scn in points {
        let f = Footprint::of_trials(scn, threads, count(scn));
        estimate.work += f.work;
        estimate.seconds += f.seconds;
        estimate.bytes += f.bytes - in_flight_bytes(scn, threads);
    }
    let in_flight = groups(keys)
        .iter()
        .map(|g| {
            let scns: Vec<&Scenario> = g.iter().map(|&i| &points[i]).collect();
            if let [one] = scns[..] {
                in_flight_bytes(one, threads)
            } else {
                in_flight_bytes_shared(&scns, threads)
            }
        })
        .fold(0.0, f64::max);
    estimate.bytes += in_flight;
    let limit = if estimate.work > MAX_WORK {
        SizeLimit::Work(estimate.work)
    } else if estimate.bytes > MAX_MEMORY {
        SizeLimit::Memory
    } else {
        return None;
    };
    let sim = &first.simulation;
    Some(SizeProblem {
        limit,
        estimate,
        trials: count(first),
        users: sim.users,
        months: sim.months,
        plans: points.iter().map(|s| s.plans.len()).sum(),
        threads,
    })
}
