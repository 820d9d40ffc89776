//! Paired comparison on common random numbers: compare.csv's rows.
//!
//! A row compares one output row (a plan, or `portfolio` in menu mode) at one point with a
//! comparator row at a point, trial by trial: diff = the row's trial profit minus the
//! comparator's in the same trial. Every point of a run sees the same users and draws, so the
//! difference is that of the designs, not of the luck of the draw. A trial where either row
//! has no subscribers still counts (0 profit is a profit). Statistics are those of
//! summary.csv ([`super::stats`]): mean, standard error sd / sqrt(n) with the sample sd
//! (n - 1; none when n < 2), percentiles by linear interpolation; prob_better and prob_worse
//! are the shares of trials where the difference is strictly positive or negative.
//!
//! Which comparator ([`Baseline`]): with `--baseline PLAN`, the row PLAN at the same point
//! (its own row is included, with a difference of 0 in every trial); in a sweep without it,
//! the same row at the baseline point (whose own rows are included, with 0 differences).

use crate::analysis::stats::{mean, percentile_sorted, se, sorted};
use crate::model::Scenario;
use crate::results::RunResults;

/// Levels of the difference percentiles in compare.csv.
pub const DIFF_LEVELS: [f64; 3] = [5.0, 50.0, 95.0];

/// What each row is compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Baseline {
    /// The row of this name (a plan, or `portfolio`) at the same point.
    Plan(String),
    /// The same row at this point (1-based).
    Point(usize),
}

/// One row of compare.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The point (1-based).
    pub point: usize,
    /// The row compared.
    pub plan: String,
    /// The comparator's point (1-based).
    pub vs_point: usize,
    /// The comparator row.
    pub vs_plan: String,
    /// Trials compared.
    pub trials: u64,
    /// Mean of the per-trial differences.
    pub diff_mean: f64,
    /// Standard error of that mean; `None` with fewer than 2 trials.
    pub diff_se: Option<f64>,
    /// Percentiles 5, 50 and 95 of the differences (`DIFF_LEVELS`).
    pub diff_pct: [f64; 3],
    /// Share of trials where the row's profit is strictly higher.
    pub prob_better: f64,
    /// Share of trials where the row's profit is strictly lower.
    pub prob_worse: f64,
}

/// The per-trial profit differences of row `p` of `a` minus row `q` of `b`, over the trials
/// both hold (paired by trial number).
pub fn differences(a: &RunResults, p: usize, b: &RunResults, q: usize) -> Vec<f64> {
    a.trials
        .iter()
        .zip(&b.trials)
        .filter(|(x, y)| x.trial == y.trial)
        .map(|(x, y)| x.plans[p].totals.profit - y.plans[q].totals.profit)
        .collect()
}

/// compare.csv's rows for the points (their scenarios and results, in point order): point
/// by point, rows in [`Scenario::rows`] order. A row whose comparator is not a row of the
/// comparator's point (the portfolio where a sweep switches the market mode) or that shares
/// no trial with it is left out. The caller checks that a [`Baseline`] names a row and a
/// point that exist.
pub fn compare(points: &[(&Scenario, &RunResults)], baseline: &Baseline) -> Vec<Comparison> {
    let mut out = Vec::new();
    for (i, (scn, res)) in points.iter().enumerate() {
        for (p, (name, _)) in scn.rows().iter().enumerate() {
            let (j, vs_name) = match baseline {
                Baseline::Plan(b) => (i, b.as_str()),
                Baseline::Point(k) => (k - 1, *name),
            };
            let Some((vs_scn, vs_res)) = points.get(j) else {
                continue;
            };
            let Some(q) = vs_scn.rows().iter().position(|(n, _)| *n == vs_name) else {
                continue;
            };
            let diffs = differences(res, p, vs_res, q);
            if let Some(stats) = paired(&diffs) {
                out.push(Comparison {
                    point: i + 1,
                    plan: name.to_string(),
                    vs_point: j + 1,
                    vs_plan: vs_name.to_string(),
                    ..stats
                });
            }
        }
    }
    out
}

/// The statistics of paired differences (names left empty); `None` for no trials.
pub fn paired(diffs: &[f64]) -> Option<Comparison> {
    let n = diffs.len();
    let diff_mean = mean(diffs)?;
    let s = sorted(diffs);
    let pct = |q| percentile_sorted(&s, q).expect("not empty");
    let share = |f: fn(&f64) -> bool| diffs.iter().filter(|d| f(d)).count() as f64 / n as f64;
    Some(Comparison {
        point: 0,
        plan: String::new(),
        vs_point: 0,
        vs_plan: String::new(),
        trials: n as u64,
        diff_mean,
        diff_se: se(diffs),
        diff_pct: DIFF_LEVELS.map(pct),
        prob_better: share(|d| *d > 0.0),
        prob_worse: share(|d| *d < 0.0),
    })
}

#[cfg(test)]
mod tests {
    use super::paired;

    #[test]
    fn paired_statistics_by_hand() {
        // Differences 1, -2, 0, 4, 2: mean 1; sd = sqrt((0 + 9 + 1 + 9 + 1) / 4) = sqrt(5);
        // se = sqrt(5) / sqrt(5) = 1; sorted -2, 0, 1, 2, 4: p05 at position 0.2 = -1.6,
        // p50 = 1, p95 at 3.8 = 3.6; better 3 of 5 (1, 4, 2), worse 1 of 5.
        let c = paired(&[1.0, -2.0, 0.0, 4.0, 2.0]).unwrap();
        assert_eq!(c.trials, 5);
        assert_eq!(c.diff_mean, 1.0);
        assert!((c.diff_se.unwrap() - 1.0).abs() < 1e-15);
        assert!((c.diff_pct[0] + 1.6).abs() < 1e-12, "{:?}", c.diff_pct);
        assert_eq!(c.diff_pct[1], 1.0);
        assert!((c.diff_pct[2] - 3.6).abs() < 1e-12, "{:?}", c.diff_pct);
        assert_eq!((c.prob_better, c.prob_worse), (0.6, 0.2));
    }

    #[test]
    fn equal_profits_are_neither_better_nor_worse_and_one_trial_has_no_se() {
        let c = paired(&[0.0]).unwrap();
        assert_eq!((c.diff_mean, c.diff_se), (0.0, None));
        assert_eq!((c.prob_better, c.prob_worse), (0.0, 0.0));
        assert_eq!(c.diff_pct, [0.0; 3]);
        assert_eq!(paired(&[]), None);
    }
}
