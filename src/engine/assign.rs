//! Who is billed on which plan: the one seam between a user's life and the accounting.
//!
//! The engine lives each user once (plan-independent draws) and hands the life to an
//! [`Assign`], which decides which plans bill the user in which months and bills them through
//! [`crate::model::accounting`]. Every count downstream (users and active user-months per plan,
//! per segment, per decile, per month) is counted from what the assignment billed, never from
//! the scenario. Today there is one assignment, [`EveryPlan`]: every user on every plan, side by
//! side. A market where each user chooses one plan is one more implementation of this trait.

use crate::model::Trial;
use crate::model::accounting::{UserOutcome, bill_plan};
use crate::model::user::UserLife;
use crate::results::MonthTotals;

/// Decides which plans bill a user, and bills them.
pub trait Assign: Sync {
    /// Bills `life` on the plans (and months) it is assigned to: `out[p]` becomes the user's
    /// outcome on plan `p`, or `None` when no month of the user was billed on `p`; the month
    /// sums go to `months[p * n_months + m]`.
    fn bill(
        &self,
        trial: &Trial,
        life: &UserLife,
        out: &mut [Option<UserOutcome>],
        months: &mut [MonthTotals],
    );
}

/// Every user on every plan, all of their months (the "each" view: what this population would
/// earn and cost on each plan).
pub struct EveryPlan;

impl Assign for EveryPlan {
    #[inline]
    fn bill(
        &self,
        trial: &Trial,
        life: &UserLife,
        out: &mut [Option<UserOutcome>],
        months: &mut [MonthTotals],
    ) {
        let n_months = trial.months();
        for (p, (o, acc)) in out.iter_mut().zip(months.chunks_mut(n_months)).enumerate() {
            *o = Some(bill_plan(trial, p, life, acc));
        }
    }
}
