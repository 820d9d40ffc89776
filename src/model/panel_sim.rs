//! A usage panel lived by the model: the rows a usage export of a scenario's users would hold,
//! one per user and month lived, for testing `plansim fit` against known segments.
//!
//! A user's row for a month holds the tokens of their life ([`UserLife`]) before any plan:
//! output tokens are the month's demand (D x growth x noise, or on a task segment the month's
//! tasks x tokens per task), and the prompt tokens are the user's mix times those output
//! tokens: fresh input `output x ratio x (1 - cache_read - cache_write)`, cache reads
//! `output x ratio x cache_read`, cache writes `output x ratio x cache_write` ([`Mix`]). Every
//! count is rounded to a whole token, half away from zero, each from the unrounded month (so
//! the prompt tokens are not computed from the rounded output). A user has a row for each month
//! from their arrival to the month they leave (the segment's churn; menu mode's shock churn is
//! not applied, as nothing is billed), zero-token months included. A plan's `usage_response`
//! does not apply: the panel is the demand, as an export of usage without the plan would hold.
//!
//! [`Mix`]: super::Mix

use super::user::UserLife;

/// One row of a simulated usage panel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PanelRow {
    /// The user's index in the trial.
    pub user: u64,
    /// The user's segment index.
    pub segment: usize,
    /// The calendar month (0 = the horizon's first).
    pub month: usize,
    /// Output tokens, a whole number.
    pub output: f64,
    /// Fresh input tokens (cache tokens not included), a whole number.
    pub input: f64,
    /// Cache-read tokens, a whole number.
    pub cache_read: f64,
    /// Cache-write tokens, a whole number.
    pub cache_write: f64,
}

/// Appends to `out` the rows of user `user` whose life is `life`: one per month lived.
pub fn push_rows(user: u64, life: &UserLife, out: &mut Vec<PanelRow>) {
    let mix = &life.mix;
    for (i, &d) in life.demand.iter().enumerate() {
        out.push(PanelRow {
            user,
            segment: life.segment,
            month: life.start + i,
            output: d.round(),
            input: (d * mix.input).round(),
            cache_read: (d * mix.cache_read).round(),
            cache_write: (d * mix.cache_write).round(),
        });
    }
}
