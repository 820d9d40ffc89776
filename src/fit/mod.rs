//! `plansim fit`: from a usage export ([`crate::usage::Panel`]) to `[[segment]]` tables.
//!
//! - [`models`]: the candidate distributions of monthly output tokens across users (lognormal,
//!   gamma, Weibull, Pareto above an xmin chosen by Kolmogorov-Smirnov distance, lognormal
//!   mixtures with K = 1..6 components by EM), their likelihood, BIC, KS and Anderson-Darling
//!   distances, and bootstrap intervals (resampling users).
//! - [`users`]: per user, the typical month, prompt ratio, cache shares, volatility, inactive
//!   share and last active period; pooled over a group of users.
//! - [`segments`]: the segments (one, K, or one per mixture component) with their fields.
//! - [`pipeline`]: the whole fit of a panel: candidates, the chosen one, its bootstrap
//!   intervals, a ceiling for too heavy a tail, the segments and the notes.
//! - [`toml`]: the `[[segment]]` tables and the scenario written out (fit_users.csv is
//!   `crate::export::fit_users`).

pub mod bootstrap;
pub mod candidates;
pub mod gof;
pub mod models;
pub mod pipeline;
pub mod report;
pub mod segments;
mod special;
#[cfg(test)]
mod tests;
pub mod toml;
pub mod users;
