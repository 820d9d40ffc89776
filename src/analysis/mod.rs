//! Statistics over results and scenarios: the per-plan summary over trials ([`summary`]), the
//! statistics it uses ([`stats`]), what drives each row's profit ([`sensitivity`]) and what
//! `plansim check` computes from a scenario alone ([`check`], [`breakeven`], and in menu mode
//! the expected choice shares, [`shares`]). Reads results and the scenario; never the engine's
//! internals (the shares take one trial's values through [`crate::engine`]'s `trial`, the
//! run's own).

pub mod breakeven;
pub mod check;
pub mod compare;
pub mod figures;
pub mod sensitivity;
pub mod shares;
pub mod stats;
pub mod summary;
