//! A plan's committed-use terms as configured and as resolved for one trial: the data only.
//! Running a user's terms (true-ups, exits, open terms) is [`crate::model::commitment`].

use serde::Serialize;

use crate::dist::{Param, PerUser, Sampler};

/// A plan's configured commitment.
#[derive(Clone, Debug, Serialize)]
pub struct CommitmentSpec {
    /// $ the customer commits to spend per term (per user: drawn at signing).
    pub amount: PerUser,
    /// Months per term, >= 1.
    pub term_months: u64,
    /// Share taken off usage charged at the plan's rates, in [0, 1).
    pub discount: Param,
    /// Whether a customer leaving mid-term owes only the elapsed share of the amount.
    pub prorate_on_exit: bool,
}

/// A plan's commitment in one trial.
pub struct CommitTrial {
    /// The per-user amount's sampler.
    pub amount: Sampler,
    /// The key of the plan's amount stream: the FNV-1a 64 hash of the plan's name.
    pub key: u64,
    /// Months per term.
    pub term: u64,
    /// Whether an exit owes only the elapsed share of the amount.
    pub prorate: bool,
}
