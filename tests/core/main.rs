//! The core's end-to-end checks, in one test binary (one link instead of nine): the command
//! line's conveniences ([`cli_conveniences`]), byte-identical outputs for any thread count
//! ([`determinism`]), expected profits against closed forms ([`expected_profit`]), the memory
//! estimate against measured peaks ([`memory_estimate`]), the output files' shape
//! ([`outputs`]), segment and decile sums ([`segments`]), the stdout table ([`stdout`]),
//! summary statistics ([`summary`]) and runs of trial ranges ([`trial_ranges`]).

#[path = "../common/mod.rs"]
mod common;

mod cli_conveniences;
mod determinism;
mod expected_profit;
mod memory_estimate;
mod outputs;
mod segments;
mod stdout;
mod summary;
mod trial_ranges;
