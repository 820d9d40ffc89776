//! The features of issues 10 and 11 end to end, in one test binary (one link instead of
//! seven): menu mode ([`menu`], its outputs [`menu_outputs`] and `check`'s choice shares
//! [`check_menu`]), NPV ([`npv`]), prices that move over time ([`prices`]), committed use with
//! true-up ([`commitment`]), every shipped scenario ([`shipped_configs`]), and issue 12's
//! sensitivity.csv and tail.csv ([`sensitivity`]), sweeps and paired comparison ([`sweep`]).

#[path = "../common/mod.rs"]
mod common;

mod check_menu;
mod commitment;
mod menu;
mod menu_outputs;
mod npv;
mod prices;
mod sensitivity;
mod shipped_configs;
mod sweep;
