//! plansim: Monte Carlo simulation of the economics of AI product pricing plans.
//!
//! Data flows one way: [`config`] (TOML -> validated [`model::Scenario`]) -> [`engine`]
//! (trials in parallel, ordered merge) -> [`summary`] (statistics over trials) -> [`export`]
//! (one file per exporter, swapped in atomically). [`app`] wires them for the binary.
#![deny(missing_docs)]

pub mod app;
pub mod check;
pub mod cli;
pub mod config;
pub mod dist;
pub mod engine;
pub mod error;
pub mod export;
pub mod model;
pub mod stats;
pub mod summary;

pub use error::{ConfigError, Error};
