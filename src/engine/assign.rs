//! Who is billed on which plan: the one seam between a user's life and the accounting.
//!
//! The engine lives each user once (plan-independent draws) and hands the life to an
//! [`Assign`], which decides which plans bill the user in which months and bills them through
//! [`crate::model::accounting`] or [`crate::model::menu`]. Every count downstream (users and
//! active user-months per plan, per segment, per decile, per month) is counted from what the
//! assignment billed, never from the scenario. [`EveryPlan`] bills every user on every plan,
//! side by side (each mode); [`Menu`] lets each user choose one (menu mode). A team
//! segment's accounts are lived by `engine/teams.rs` beside this seam: billed on every plan in
//! each mode, as [`EveryPlan`] bills a user, with `per_seat` plans billing the account; and in
//! menu mode (when the assignment needs a taste) choosing for their seats
//! ([`crate::model::team_menu`]).

use crate::model::Trial;
use crate::model::accounting::bill_every_plan;
use crate::model::choice::Taste;
use crate::model::menu::{Scratch, Sinks, live_menu};
use crate::model::user::UserLife;

/// Decides which plans bill a user, and bills them.
pub trait Assign: Sync {
    /// Whether the assignment needs the user's taste (value and choice draws).
    const NEEDS_TASTE: bool;
    /// Bills `life` on the plans (and months) it is assigned to: `sinks.rows[r]` becomes the
    /// user's totals on row `r` (`users` 0 when no month was billed on it), and the month,
    /// choice and population sums are added to `sinks`.
    fn bill(
        &self,
        trial: &Trial,
        life: &UserLife,
        taste: &Taste,
        scratch: &mut Scratch,
        sinks: &mut Sinks<'_>,
    );
}

/// Every user on every plan, all of their months (the "each" view: what this population would
/// earn and cost on each plan).
pub struct EveryPlan;

impl Assign for EveryPlan {
    const NEEDS_TASTE: bool = false;
    #[inline]
    fn bill(
        &self,
        trial: &Trial,
        life: &UserLife,
        _taste: &Taste,
        _scratch: &mut Scratch,
        sinks: &mut Sinks<'_>,
    ) {
        bill_every_plan(trial, life, sinks.rows, sinks.months);
    }
}

/// Each user chooses one option of the menu at arrival, and may choose again.
pub struct Menu;

impl Assign for Menu {
    const NEEDS_TASTE: bool = true;
    fn bill(
        &self,
        trial: &Trial,
        life: &UserLife,
        taste: &Taste,
        scratch: &mut Scratch,
        sinks: &mut Sinks<'_>,
    ) {
        live_menu(trial, life, taste, scratch, sinks);
    }
}
