//! Replay (`[population]`): the users of a usage export billed as they were, month by month,
//! in place of users drawn from `[[segment]]` distributions.
//!
//! The export, read and validated by the config reader, becomes plain per-user data ([`Replay`]): each
//! user's output tokens per export month, the prompt mix from their totals over the export
//! (prompt ratio = (input + cache_read + cache_write) / output, and the cache shares of the
//! prompt), their mean active-month output tokens (the demand deciles rank by it) and their
//! first and last active months. Users are grouped by segment (one `population` segment, or one
//! per value of the segment column, in order of first appearance), in the export's order within
//! a segment. A user with no active month, or whose first active month is past the horizon, is
//! not in the population.
//!
//! In a trial, user index u is export user u (without bootstrap: each user exactly once), or
//! (with bootstrap) a user drawn uniformly with replacement from the segment of u's cohort with
//! u's own [`Purpose::Replay`] stream. A user arrives at their first active month f and lives to
//! their last active month l (leaving after it when l + 1 is before the horizon), month m
//! demanding export month m's output tokens (0 in an inactive month inside the span); with
//! `cycle`, month m demands export month m mod E and the user stays to the horizon. Nothing
//! else is drawn for the life but the top-up uniform (its own stream, as for any user): no
//! growth, noise or churn. Menu mode reads a month's demand as a multiple of the mean (the
//! "noise" of the month), so a user re-choosing expects last month's usage again.

use std::fmt;
use std::ops::Range;

use rand::RngExt;
use serde::Serialize;

use super::Mix;
use super::arrivals::Cohort;
use super::purpose::{Purpose, Streams};
use super::segment_sizes;

/// The name of the one segment of an export without a segment column.
pub const POPULATION: &str = "population";

/// One user of the export, as replayed.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayUser {
    /// The user id as written.
    pub id: String,
    /// Segment index.
    pub segment: usize,
    /// Output tokens in each export month (index 0 = the export's first month).
    pub output: Vec<f64>,
    /// Prompt tokens of each kind per output token, from the user's totals.
    pub mix: Mix,
    /// Mean output tokens of the user's active months.
    pub mean: f64,
    /// First active month.
    pub first: usize,
    /// Last active month.
    pub last: usize,
}

/// The export's users, ready to replay. Written to run.json as its summary (file, options,
/// counts and a digest of the numbers), not user by user.
#[derive(Clone, PartialEq, Serialize)]
pub struct Replay {
    /// The export as the scenario names it.
    pub file: String,
    /// Months the export spans (E).
    pub export_months: usize,
    /// Resample users with replacement in each trial.
    pub bootstrap: bool,
    /// Repeat the export's months past its end.
    pub cycle: bool,
    /// Users in the population.
    pub users: usize,
    /// Export users left out: no active month, or first active past the horizon.
    pub left_out: usize,
    /// FNV-1a over every replayed number: points of a sweep share users only when equal.
    pub digest: String,
    /// Segment names, in order.
    #[serde(skip)]
    pub segments: Vec<String>,
    /// The users, grouped by segment (segment order), in export order within a segment.
    #[serde(skip)]
    pub people: Vec<ReplayUser>,
    /// Each segment's users: a range of `people`.
    #[serde(skip)]
    pub by_segment: Vec<Range<usize>>,
    /// A note for stderr about the scenario (`[simulation] users` ignored).
    #[serde(skip)]
    pub note: Option<String>,
}

impl fmt::Debug for Replay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Replay")
            .field("file", &self.file)
            .field("users", &self.users)
            .field("export_months", &self.export_months)
            .field("segments", &self.segments)
            .finish_non_exhaustive()
    }
}

/// Why an export cannot be replayed.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplayProblem {
    /// No user has an active month within the horizon.
    Empty,
    /// A segment label that is not a valid name (or blank): the label and the user's id.
    BadLabel(String, String),
}

impl Replay {
    /// The population of `people` (in the export's order, each with its segment's index into
    /// `segments`), from the export `file` spanning `export_months` months, `left_out` of its
    /// users not replayable (no active month within the horizon).
    ///
    /// # Errors
    /// [`ReplayProblem::Empty`] when there is no one to replay.
    pub fn new(
        (file, export_months): (String, usize),
        (bootstrap, cycle): (bool, bool),
        segments: Vec<String>,
        mut people: Vec<ReplayUser>,
        left_out: usize,
    ) -> Result<Replay, ReplayProblem> {
        if people.is_empty() {
            return Err(ReplayProblem::Empty);
        }
        // Grouped by segment, in export order within each (a stable sort).
        people.sort_by_key(|p| p.segment);
        let by_segment = (0..segments.len())
            .map(|s| {
                let start = people.partition_point(|p| p.segment < s);
                start..people.partition_point(|p| p.segment <= s)
            })
            .collect();
        Ok(Replay {
            file,
            export_months,
            bootstrap,
            cycle,
            users: people.len(),
            left_out,
            digest: format!("{:016x}", digest(&people)),
            segments,
            people,
            by_segment,
            note: None,
        })
    }

    /// Each segment's share of the population's users.
    pub fn shares(&self) -> Vec<f64> {
        self.by_segment
            .iter()
            .map(|r| r.len() as f64 / self.users as f64)
            .collect()
    }

    /// The cohorts of a trial of `users` users, all at month 0 (each user's life sets their
    /// arrival): without bootstrap every user once, segment by segment; with bootstrap `users`
    /// split over the segments by their shares (largest remainder).
    pub fn cohorts(&self, users: u64) -> Vec<Cohort> {
        let sizes: Vec<u64> = if self.bootstrap {
            segment_sizes(&self.shares(), users)
        } else {
            self.by_segment.iter().map(|r| r.len() as u64).collect()
        };
        let mut end = 0;
        let mut out = Vec::new();
        for (segment, n) in sizes.into_iter().enumerate().filter(|(_, n)| *n > 0) {
            end += n;
            out.push(Cohort {
                end,
                segment,
                month: 0,
            });
        }
        out
    }

    /// The export user that trial user `u` of segment `seg` replays: user `u` itself, or with
    /// bootstrap a uniform draw among the segment's users from `u`'s [`Purpose::Replay`]
    /// stream.
    #[inline]
    pub fn pick<S: Streams>(&self, seg: usize, u: u64, streams: &S) -> &ReplayUser {
        if self.bootstrap {
            let r = &self.by_segment[seg];
            let i = streams.rng(Purpose::Replay).random_range(0..r.len());
            &self.people[r.start + i]
        } else {
            &self.people[u as usize]
        }
    }
}

/// Writes a scenario's `population` (run.json): the replay's summary.
pub(super) fn serialize<S: serde::Serializer>(
    r: &Option<std::sync::Arc<Replay>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    r.as_deref().serialize(s)
}

/// FNV-1a over the users' segments, months and mixes.
fn digest(people: &[ReplayUser]) -> u64 {
    let mut bytes = Vec::new();
    for p in people {
        bytes.extend_from_slice(p.id.as_bytes());
        bytes.push(0);
        bytes.extend_from_slice(&(p.segment as u64).to_le_bytes());
        for x in
            p.output
                .iter()
                .chain([&p.mix.input, &p.mix.cache_read, &p.mix.cache_write, &p.mean])
        {
            bytes.extend_from_slice(&x.to_bits().to_le_bytes());
        }
    }
    super::purpose::fnv1a(&bytes)
}
