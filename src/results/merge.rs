//! Exact merge of results computed over disjoint ranges of trials (shards).
//!
//! Each part must have kept its trials' own group sums ([`super::TrialResult::groups`]). The
//! parts are ordered by their first trial, must cover one contiguous range with no gap or
//! overlap, and their trials are pushed again in trial order, so every run-level sum is formed
//! by the same additions in the same order as in a single run over the whole range: the merged
//! results are bit-identical to it.

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
