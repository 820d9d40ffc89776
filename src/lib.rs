//! plansim: Monte Carlo simulation of the economics of AI product pricing plans.
//!
//! Data flows one way: [`config`] (TOML -> validated [`model::Scenario`]) -> [`engine`]
//! (trials in parallel, ordered merge) -> [`summary`] (statistics over trials) -> [`export`]
//! (one file per exporter, swapped in atomically). [`app`] wires them for the binary.
//!
//! ```
//! let text = r#"
//! name = "tiny"
//! [simulation]
//! trials = 20
//! users = 100
//! [retail]
//! input = 5
//! output = 25
//! [cost]
//! input = 0.5
//! output = 2.5
//! [[segment]]
//! name = "all"
//! share = 1
//! output_tokens = 1_000_000
//! [[plan]]
//! name = "pro"
//! kind = "flat"
//! price = 20
//! "#;
//! let scenario = plansim::config::parse(text, "tiny.toml").unwrap();
//! let results = plansim::engine::run(&scenario, &|_| {}).unwrap();
//! let summary = plansim::summary::summarize(&scenario, &results);
//! // 100 users pay $20 for 1M output tokens that cost $2.50 to serve: $1,750 a trial.
//! assert!((summary[0].profit_mean - 1750.0).abs() < 1e-6);
//! ```
#![deny(missing_docs)]

pub mod app;
pub mod check;
pub mod cli;
pub mod config;
pub mod dist;
pub mod engine;
pub mod error;
pub mod export;
pub mod interrupt;
pub mod model;
pub mod results;
pub mod stats;
pub mod summary;

pub use error::{ConfigError, Error};
