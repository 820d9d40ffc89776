//! A per-user field: a fixed number, or a distribution sampled once per user per trial.

use serde::Serialize;

use super::{DistSpec, Sampler};

/// A per-user field: fixed, or drawn once per user per trial.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum PerUser {
    /// The same value for every user.
    Fixed(f64),
    /// A distribution sampled for each user (its parameters may be per-trial draws).
    Dist(DistSpec),
}

impl PerUser {
    /// The sampler for one trial.
    ///
    /// # Errors
    /// When a drawn parameter is out of range (a guard; validation prevents it).
    pub fn resolve(&self, draws: &[f64]) -> Result<Sampler, String> {
        match self {
            PerUser::Fixed(v) => Ok(Sampler::constant(*v)),
            PerUser::Dist(d) => d.resolve(draws),
        }
    }
}
