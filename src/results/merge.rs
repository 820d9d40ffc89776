//! Exact merge of results computed over disjoint ranges of trials (shards).
//!
//! Each part must have kept its trials' own group sums ([`super::TrialResult::groups`]). The
//! parts are ordered by their first trial, must cover one contiguous range with no gap or
//! overlap, and their trials are pushed again in trial order, so every run-level sum is formed
//! by the same additions in the same order as in a single run over the whole range: the merged
//! results are bit-identical to it. [`append`] does the same one part at a time into results
//! that keep no per-trial group sums (a run growing batch by batch, at a plain run's memory).

use super::RunResults;

/// Why results cannot be merged.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum MergeError {
    /// There was nothing to merge.
    #[error("nothing to merge")]
    Empty,
    /// A part did not keep its per-trial group sums.
    #[error("trial {trial} did not keep its group sums (run the range with keep_trial_groups)")]
    NoGroups {
        /// The first such trial.
        trial: u64,
    },
    /// Parts of different scenarios (plan, segment or month counts differ) or engines.
    #[error("the parts differ in shape (plans, segments or months) or in how they were produced")]
    Shape,
    /// Trial ranges overlap or leave a gap.
    #[error(
        "trial {found} follows trial {after}: the parts must cover one contiguous range of trials"
    )]
    NotContiguous {
        /// The last trial before the problem.
        after: u64,
        /// The trial found instead of `after + 1`.
        found: u64,
    },
}

/// Merges parts computed over disjoint trial ranges into the results of the whole range.
///
/// # Errors
/// [`MergeError`] when a part lacks its group sums, the parts differ in shape, or their trials
/// are not one contiguous range.
pub fn merge(mut parts: Vec<RunResults>) -> Result<RunResults, MergeError> {
    parts.retain(|p| !p.trials.is_empty());
    parts.sort_by_key(|p| p.trials[0].trial);
    let first = parts.first().ok_or(MergeError::Empty)?;
    let shape = |r: &RunResults| {
        (
            r.plans(),
            r.segments.first().map_or(0, Vec::len),
            r.months.first().map_or(0, Vec::len),
            r.choices.len(),
        )
    };
    let (plans, segments, months, options) = shape(first);
    let mut out = RunResults::new(first.provenance.clone(), plans, segments, months);
    if options > 0 {
        out = out.with_menu(options);
    }
    let mut last: Option<u64> = None;
    for part in parts {
        if shape(&part) != (plans, segments, months, options) || part.provenance != out.provenance {
            return Err(MergeError::Shape);
        }
        for mut t in part.trials {
            if let Some(after) = last
                && t.trial != after + 1
            {
                return Err(MergeError::NotContiguous {
                    after,
                    found: t.trial,
                });
            }
            last = Some(t.trial);
            let groups = t
                .groups
                .take()
                .ok_or(MergeError::NoGroups { trial: t.trial })?;
            out.push(t, groups, true);
        }
    }
    Ok(out)
}

/// Appends `part`, whose trials must directly follow those of `into`, pushing its trials in
/// trial order without keeping their group sums: `into` becomes bit-identical to a plain run
/// (no group sums kept) over both ranges. `part` must have kept its group sums; `into` need
/// not have. An empty `into` takes the part whole.
///
/// # Errors
/// As [`merge`]; `into` is unchanged on error.
pub fn append(into: &mut RunResults, part: RunResults) -> Result<(), MergeError> {
    let shape = |r: &RunResults| {
        (
            r.plans(),
            r.segments.first().map_or(0, Vec::len),
            r.months.first().map_or(0, Vec::len),
            r.choices.len(),
        )
    };
    if shape(into) != shape(&part) || into.provenance != part.provenance {
        return Err(MergeError::Shape);
    }
    let mut last = into.trials.last().map(|t| t.trial);
    for t in &part.trials {
        if let Some(after) = last
            && t.trial != after + 1
        {
            return Err(MergeError::NotContiguous {
                after,
                found: t.trial,
            });
        }
        if t.groups.is_none() {
            return Err(MergeError::NoGroups { trial: t.trial });
        }
        last = Some(t.trial);
    }
    for mut t in part.trials {
        let groups = t.groups.take().expect("checked above");
        into.push(t, groups, false);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::{PlanTrial, Provenance, Totals, TrialGroups, TrialResult};

    fn part(trials: std::ops::Range<u64>, keep: bool) -> RunResults {
        let mut r = RunResults::new(Provenance::default(), 1, 0, 1);
        for t in trials {
            let profit = 0.1 * t as f64 + 0.7;
            let mut groups = TrialGroups {
                segments: vec![vec![]],
                deciles: vec![vec![Default::default(); crate::results::DECILES]],
                months: vec![vec![Default::default()]],
                ..TrialGroups::default()
            };
            groups.months[0][0].profit = profit;
            let totals = Totals {
                profit,
                ..Totals::default()
            };
            let plan = PlanTrial {
                totals,
                month_profit: vec![profit],
                npv: profit,
                segments: vec![],
            };
            let trial = TrialResult {
                trial: t,
                draws: vec![],
                plans: vec![plan],
                groups: None,
            };
            r.push(trial, groups, keep);
        }
        r
    }

    #[test]
    fn appending_batches_equals_one_plain_run() {
        let mut grown = part(0..3, false);
        append(&mut grown, part(3..7, true)).expect("contiguous");
        append(&mut grown, part(7..20, true)).expect("contiguous");
        assert_eq!(grown, part(0..20, false));
        let gap = append(&mut grown, part(21..22, true));
        assert_eq!(
            gap,
            Err(MergeError::NotContiguous {
                after: 19,
                found: 21
            })
        );
        assert_eq!(grown, part(0..20, false), "unchanged on error");
        assert_eq!(
            append(&mut grown, part(20..21, false)),
            Err(MergeError::NoGroups { trial: 20 })
        );
    }
}
