//! Precision mode: run trials in batches on a fixed schedule until every row's metric has a
//! 95% confidence interval narrow enough, `trials` being the maximum.
//!
//! The schedule ([`schedule`]) is 100 trials, then doubling: 100, 200, 400, 800, ..., capped
//! at the scenario's `trials` (the maximum), which is always the last point. The intervals are
//! checked at schedule points only, on every row of every point of a sweep ([`assess`]); the
//! run stops at the first schedule point where each row's half-width is within its target,
//! else at the maximum. A row with no subscribers in any trial (a plan nobody chose) does not
//! hold the run back. Each batch `a..b` is run with its trials' group sums kept (in pieces of
//! at most [`GROUP_BYTES`] of them) and appended to the results so far
//! ([`crate::results::merge::append`]), which drops them: the results of N trials are
//! bit-identical to those of a run of N trials, so once the scenario's `trials` is set to the
//! N used, every output equals that of `--trials N`, for any thread count.

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use crate::analysis::quantile_ci::{Z_95, percentile_ci_sorted};
use crate::analysis::stats::{mean, percentile_sorted, se, sorted};
use crate::analysis::summary::PROFIT_LEVELS;
use crate::engine::{EngineError, RunOptions, run_points};
use crate::model::Scenario;
use crate::model::precision::{Metric, Precision, Target};
use crate::results::RunResults;
use crate::results::merge::append;

/// Trials of the first batch.
pub const FIRST_BATCH: u64 = 100;

/// Bound on the per-trial group sums held at once while a batch is appended (a piece of a
/// batch is run at a time).
pub const GROUP_BYTES: u64 = 256 << 20;

/// Trials per piece of a batch: as many as keep their group sums within [`GROUP_BYTES`] on
/// every point, at least one.
fn piece(points: &[Scenario]) -> u64 {
    use crate::results::{ChoiceTotals, GroupTotals, MonthTotals, PopulationMonth};
    let per_trial = |s: &Scenario| {
        let (rows, segs) = (s.rows().len(), s.segments.len());
        let months = s.simulation.months as usize;
        rows * (segs + crate::results::DECILES) * size_of::<GroupTotals>()
            + rows * months * size_of::<MonthTotals>()
            + s.options().len() * segs * size_of::<ChoiceTotals>()
            + months * size_of::<PopulationMonth>()
            + 64
    };
    let most = points.iter().map(per_trial).max().unwrap_or(1) as u64;
    (GROUP_BYTES / most).max(1)
}

/// The schedule points for at most `max` trials: 100, 200, 400, ... (doubling), then `max`.
pub fn schedule(max: u64) -> Vec<u64> {
    let mut points = Vec::new();
    let mut n = FIRST_BATCH;
    while n < max {
        points.push(n);
        n = n.saturating_mul(2);
    }
    points.push(max);
    points
}

/// One row's precision at one point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RowPrecision {
    /// Row name (plan, or `portfolio`).
    pub plan: String,
    /// The metric's estimate.
    pub value: f64,
    /// Half the width of its 95% interval, (hi - lo) / 2 (1.96 standard errors for the
    /// mean); `None` when the trials are too few for one.
    pub half_width: Option<f64>,
    /// The half-width accepted ([`crate::model::precision::Target::half_width`] of `value`).
    pub target: f64,
    /// Whether the row has no subscribers in any trial (it then does not hold the run back).
    pub no_subscribers: bool,
    /// Whether it is within the target, or has no subscribers.
    pub met: bool,
}

/// The precision of each row of `scn` in `res`, in row order.
pub fn assess(scn: &Scenario, res: &RunResults, precision: &Precision) -> Vec<RowPrecision> {
    scn.rows()
        .into_iter()
        .enumerate()
        .map(|(p, (name, _))| {
            let profit: Vec<f64> = res
                .trials
                .iter()
                .map(|t| t.plans[p].totals.profit)
                .collect();
            let (value, half_width) = match precision.metric {
                Metric::Percentile(i) => {
                    let s = sorted(&profit);
                    let q = PROFIT_LEVELS[i];
                    let value = percentile_sorted(&s, q).unwrap_or(0.0);
                    let ci = percentile_ci_sorted(&s, q);
                    (value, ci.map(|(lo, hi)| (hi - lo) / 2.0))
                }
                Metric::Mean => (mean(&profit).unwrap_or(0.0), se(&profit).map(|s| Z_95 * s)),
            };
            let target = precision.target.half_width(value);
            let no_subscribers = res.plan_users(p) == 0;
            let met = no_subscribers || half_width.is_some_and(|h| h <= target);
            RowPrecision {
                plan: name.to_string(),
                value,
                half_width,
                target,
                no_subscribers,
                met,
            }
        })
        .collect()
}

/// What [`run_to_precision`] ran.
#[derive(Clone, Debug)]
pub struct PrecisionRun {
    /// Each point's results over trials `0..trials_used`, bit-identical to a run of that many.
    pub results: Vec<RunResults>,
    /// Trials run: a schedule point.
    pub trials_used: u64,
    /// Whether every row of every point met the target (else `trials_used` is the maximum).
    pub reached: bool,
    /// Each point's rows at `trials_used`.
    pub rows: Vec<Vec<RowPrecision>>,
}

/// Runs the points (sharing the first point's `trials` as the maximum; a point with fewer is
/// [`EngineError::TrialRange`]) in batches on the schedule (100, 200, 400, ..., the maximum)
/// until every row of every point meets `precision`, or the maximum is run.
/// The caller sets each scenario's `trials` to [`PrecisionRun::trials_used`] before writing
/// outputs. `progress` counts users as [`run_points`] does. `Ok(None)` once `stop` is set.
///
/// # Errors
/// As [`run_points`].
pub fn run_to_precision(
    points: &[Scenario],
    precision: &Precision,
    progress: &(dyn Fn(u64) + Sync),
    stop: &AtomicBool,
) -> Result<Option<PrecisionRun>, EngineError> {
    let max = points.first().map_or(0, |s| s.simulation.trials);
    let piece = piece(points);
    let mut results: Vec<RunResults> = Vec::new();
    let mut done = 0;
    for n in schedule(max) {
        while done < n {
            // The first piece is the results' start: its group sums need not be kept.
            let end = n.min(done.saturating_add(if done == 0 { n } else { piece }));
            let opts = RunOptions {
                keep_trial_groups: done > 0,
            };
            let Some(batch) = run_points(points, done..end, &opts, progress, stop)? else {
                return Ok(None);
            };
            if done == 0 {
                results = batch;
            } else {
                for (acc, part) in results.iter_mut().zip(batch) {
                    append(acc, part).expect("consecutive trials of the same scenario");
                }
            }
            done = end;
        }
        let rows: Vec<Vec<RowPrecision>> = points
            .iter()
            .zip(&results)
            .map(|(scn, res)| assess(scn, res, precision))
            .collect();
        let reached = rows.iter().flatten().all(|r| r.met);
        if reached || n == max {
            return Ok(Some(PrecisionRun {
                results,
                trials_used: n,
                reached,
                rows,
            }));
        }
    }
    unreachable!("the schedule ends at the maximum")
}

/// The target in words: `±1% of its value (at least $1)` or `±$500`.
pub fn target_text(precision: &Precision) -> String {
    match precision.target {
        Target::Relative { relative, floor } => {
            format!("±{}% of its value (at least ${floor})", relative * 100.0)
        }
        Target::Absolute { absolute } => format!("±${absolute}"),
    }
}

/// What the run reports: the stdout line, and a `warning: ` line on stderr per row short of
/// the target (none when it was reached). `max` is the maximum number of trials.
pub fn describe(run: &PrecisionRun, precision: &Precision, max: u64) -> (String, Vec<String>) {
    let metric = precision.metric.name();
    let target = target_text(precision);
    let n = run.trials_used;
    if run.reached {
        let line = format!(
            "Precision reached: {metric} within {target} (95% interval) on every row after {n} \
             trials (at most {max}).\n"
        );
        return (line, Vec::new());
    }
    let line = format!(
        "Precision not reached: {metric} within {target} (95% interval) after {n} trials, the \
         maximum.\n"
    );
    let several = run.rows.len() > 1;
    let warnings = run
        .rows
        .iter()
        .enumerate()
        .flat_map(|(i, rows)| rows.iter().map(move |r| (i, r)))
        .filter(|(_, r)| !r.met)
        .map(|(i, r)| {
            let at = if several {
                format!("point {}, ", i + 1)
            } else {
                String::new()
            };
            let got = match r.half_width {
                Some(h) => format!("its 95% interval is ±{h:.2}, wider than ±{:.2}", r.target),
                None => "order statistics give no 95% interval with so few trials".to_string(),
            };
            format!(
                "warning: precision not reached after {n} trials (the maximum): {metric} of \
                 {at}`{}`: {got}; raise [simulation] trials or loosen the target",
                r.plan
            )
        })
        .collect();
    (line, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::precision::Target;
    use crate::results::{PlanTrial, Provenance, TrialGroups, TrialResult};

    /// Results of `trials` trials of two plans: plan 0 with no users, plan 1 with one; both
    /// with profits that vary.
    fn results(trials: u64) -> RunResults {
        let mut r = RunResults::new(Provenance::default(), 2, 1, 1);
        for t in 0..trials {
            let plan = |users: u64| {
                let totals = crate::results::Totals {
                    users,
                    profit: (t * 37 % 101) as f64,
                    ..Default::default()
                };
                PlanTrial {
                    totals,
                    month_profit: vec![totals.profit],
                    npv: totals.profit,
                    segments: vec![Default::default()],
                }
            };
            let trial = TrialResult {
                trial: t,
                draws: vec![],
                plans: vec![plan(0), plan(1)],
                groups: None,
            };
            r.push(trial, TrialGroups::default(), false);
        }
        r
    }

    const TWO_PLANS: &str = r#"name = "two"
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
[[segment]]
name = "all"
share = 1
output_tokens = 1000
[[plan]]
name = "nobody"
kind = "flat"
price = 20
[[plan]]
name = "some"
kind = "flat"
price = 20
"#;

    #[test]
    fn rows_without_subscribers_do_not_hold_the_run_back() {
        let scn = crate::config::parse(TWO_PLANS, "two.toml").expect("valid");
        let wide = Target::Absolute { absolute: 1e6 };
        // 30 trials: no 95% interval of p05 (59 needed), one of p50.
        let p05 = Precision {
            metric: Metric::Percentile(1),
            target: wide,
        };
        let rows = assess(&scn, &results(30), &p05);
        assert!(rows[0].no_subscribers && rows[0].met && rows[0].half_width.is_none());
        assert!(!rows[1].no_subscribers && !rows[1].met && rows[1].half_width.is_none());
        let rows = assess(&scn, &results(59), &p05);
        assert!(rows[1].met && rows[1].half_width.is_some());
        let p50 = Precision {
            metric: Metric::Percentile(4),
            target: Target::Absolute { absolute: 0.5 },
        };
        let rows = assess(&scn, &results(30), &p50);
        assert!(rows[0].met, "no subscribers: met whatever its interval");
        assert!(!rows[1].met && rows[1].half_width.is_some_and(|h| h > 0.5));
    }

    #[test]
    fn schedule_doubles_from_100_up_to_the_maximum() {
        assert_eq!(schedule(1000), [100, 200, 400, 800, 1000]);
        assert_eq!(schedule(800), [100, 200, 400, 800]);
        assert_eq!(schedule(100), [100]);
        assert_eq!(schedule(30), [30]);
        assert_eq!(schedule(101), [100, 101]);
        // 100 x 2^56 is the last doubling below 2^63 - 1.
        assert_eq!(schedule(i64::MAX as u64).len(), 58);
    }
}
