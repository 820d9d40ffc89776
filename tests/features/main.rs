//! The features of issues 10, 11 and 12 end to end, in one test binary (one link instead of
//! fifteen): menu mode ([`menu`], its outputs [`menu_outputs`] and `check`'s choice shares
//! [`check_menu`]), NPV ([`npv`]), prices that move over time ([`prices`]), committed use with
//! true-up ([`commitment`]), every shipped scenario ([`shipped_configs`]), and issue 12's
//! sensitivity.csv and tail.csv ([`sensitivity`]), sweeps and paired comparison ([`sweep`]),
//! `--set` and one-point sweeps ([`overrides`]), percentile intervals and precision mode
//! ([`precision`]), correlated inputs ([`correlation`]), report.html ([`report`]) and
//! results.xlsx ([`xlsx`]); issue 13's `dist = "empirical"` ([`empirical`]), replay of a
//! usage export ([`population`]), `plansim fit` ([`fit_cli`]), and its recovery of known
//! segments from exports plansim simulates and reproduction of the ServeGen file
//! ([`fit_recovery`]); issue 14's shards and their exact merge ([`shard`]).

#[path = "../common/mod.rs"]
mod common;

mod check_menu;
mod commitment;
mod correlation;
mod empirical;
mod fit_cli;
mod fit_recovery;
mod folders;
mod menu;
mod menu_outputs;
mod npv;
mod overrides;
mod population;
mod precision;
mod prices;
mod report;
mod sensitivity;
mod shard;
mod shipped_configs;
mod sweep;
mod xlsx;
