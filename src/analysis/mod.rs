//! Statistics over results and scenarios: the per-plan summary over trials ([`summary`]), the
//! statistics it uses ([`stats`]) and what `plansim check` computes from a scenario alone
//! ([`check`]). Reads results and the scenario; never the engine's internals.

pub mod breakeven;
pub mod check;
pub mod figures;
pub mod stats;
pub mod summary;
