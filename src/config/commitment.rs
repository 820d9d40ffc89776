//! A plan's `commitment = { amount, term_months, discount, prorate_on_exit }` (payg and hybrid
//! only): `amount` a per-user number or distribution >= 0, `term_months` a whole number >= 1,
//! `discount` a number or trial-level distribution in [0, 1), `prorate_on_exit` a boolean
//! (default false). The amount's and discount's draws come after the plan's loyalty.

use super::dist::{Draws, Range};
use super::numbers::whole;
use super::reader::Tbl;
use crate::error::ConfigError;
use crate::model::plans::commitment::CommitmentSpec;

/// The kinds that take a commitment.
const KINDS: [&str; 2] = ["payg", "hybrid"];

/// The key.
pub(super) const KEY: &str = "commitment";

/// Whether plans of kind `kind` take a commitment.
pub(super) fn takes(kind: &str) -> bool {
    KINDS.contains(&kind)
}

/// Refuses a commitment on a plan of a kind that does not take one (before its keys are
/// checked, so the message says why rather than listing the kind's keys).
pub(super) fn check_kind(t: &Tbl<'_, '_>, kind: &str) -> Result<(), ConfigError> {
    match t.get(KEY) {
        Some(v) if !takes(kind) => Err(t.src.err(
            &v.span(),
            &t.child(KEY),
            format!(
                "a commitment (committed-use discount with true-up) applies only to payg and \
                 hybrid plans, not to kind = \"{kind}\""
            ),
        )),
        _ => Ok(()),
    }
}

/// Refuses a commitment on a `per_seat` plan: a team account's commitment is not simulated.
pub(super) fn check_per_seat(t: &Tbl<'_, '_>, per_seat: bool) -> Result<(), ConfigError> {
    match t.get(KEY) {
        Some(v) if per_seat => Err(t.src.err(
            &v.span(),
            &t.child(KEY),
            "a commitment is per user and is not simulated on a `per_seat` plan (billed per team \
             account): remove `per_seat` or the commitment",
        )),
        _ => Ok(()),
    }
}

/// The plan's `commitment` (its kind already checked by [`check_kind`]); `Ok(Some(None))`
/// when absent, `Ok(None)` when a required field is missing (recorded).
pub(super) fn commitment(
    draws: &mut Draws,
    t: &Tbl<'_, '_>,
) -> Result<Option<Option<CommitmentSpec>>, ConfigError> {
    let Some(ct) = t.table(KEY)? else {
        return Ok(Some(None));
    };
    ct.allow(&["amount", "term_months", "discount", "prorate_on_exit"])?;
    let amount = ct
        .need("amount")
        .map(|v| draws.per_user(ct.src, v, &ct.child("amount"), Range::NonNeg))
        .transpose()?;
    let term_months = match ct.need("term_months") {
        None => None,
        Some(v) => {
            let path = ct.child("term_months");
            let n = whole(ct.src, v, &path)?;
            if n == 0 {
                let msg = "a term lasts at least one month: term_months must be >= 1, got 0";
                return Err(ct.src.err(&v.span(), &path, msg));
            }
            Some(n)
        }
    };
    let discount = draws.param_need(&ct, "discount", Range::UnitBelowOne)?;
    let prorate_on_exit = ct.opt_bool("prorate_on_exit")?.unwrap_or(false);
    Ok(match (amount, term_months, discount) {
        (Some(amount), Some(term_months), Some(discount)) => Some(Some(CommitmentSpec {
            amount,
            term_months,
            discount,
            prorate_on_exit,
        })),
        _ => None,
    })
}
