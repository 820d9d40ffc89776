//! `plansim fit`: from a usage export ([`crate::usage::Panel`]) to `[[segment]]` tables.
//!
//! - [`models`]: the candidate distributions of monthly output tokens across users (lognormal,
//!   gamma, Weibull, Pareto above an xmin chosen by Kolmogorov-Smirnov distance, lognormal
//!   mixtures with K = 1..6 components by EM), their likelihood, BIC, KS and Anderson-Darling
//!   distances, and bootstrap intervals (resampling users).
//! - `users`: per user, the typical month, prompt ratio, cache shares, volatility, inactive
//!   share and last active period.
//! - `segments`: the segments (one, K, or one per mixture component) with their fields.
//! - `toml`: the `[[segment]]` tables written out.

pub mod bootstrap;
pub mod candidates;
pub mod gof;
pub mod models;
pub mod report;
mod special;
#[cfg(test)]
mod tests;
