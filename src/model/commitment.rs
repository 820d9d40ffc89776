//! Committed-use discounts with a true-up (payg and hybrid): the customer commits to spend a
//! per-user `amount` per term of `term_months` months and gets `discount` off usage charged at
//! the plan's rates.
//!
//! The discount is a factor 1 - discount on the plan's rate factor
//! ([`crate::model::prices::PlanPrices`]), so it applies after tiers and before the monthly
//! minimum and loyalty. Terms run from the user's start on the plan (arrival, or a switch in
//! menu mode): tenure months 0..term-1, term..2 term-1, and so on. A [`Term`] adds up what a
//! term billed (each month's whole bill after discount, minimum and loyalty, true-ups
//! excluded); in its last month the shortfall max(amount - billed, 0) is billed as a true-up.
//! A user who leaves (churn) or switches plans mid-term owes the shortfall against the whole
//! amount, or with `prorate_on_exit` against amount x months billed in the term / term_months,
//! billed in their last month on the plan. A term still open at the horizon is not billed; its
//! shortfall so far, max(amount - billed so far, 0) against the whole amount (never prorated:
//! what the customer would owe if the term ended with no more usage), is reported as
//! `trueup_open`. Amounts are drawn once per user, one per committed plan, each from the user's
//! commitment stream keyed by the plan's name ([`draw_amounts`]): adding or reordering plans
//! moves no plan's amounts, and a copy of a plan under the same name draws the same amounts.
//! They never move with price schedules.

use super::plans::commitment::CommitTrial;
use super::purpose::{Purpose, Streams};
use super::trial::Trial;
use super::user::UserLife;

/// The shortfall of `billed` against `owed`: what a true-up bills.
#[inline]
pub fn shortfall(owed: f64, billed: f64) -> f64 {
    (owed - billed).max(0.0)
}

/// One user's running term on one committed plan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Term {
    amount: f64,
    term: u64,
    prorate: bool,
    /// Months billed in the current term.
    months: u64,
    /// What the current term billed so far (true-ups excluded).
    billed: f64,
}

impl Term {
    /// A term starting now, on `commit` with the user's `amount`.
    pub fn new(commit: &CommitTrial, amount: f64) -> Term {
        Term {
            amount,
            term: commit.term,
            prorate: commit.prorate,
            months: 0,
            billed: 0.0,
        }
    }

    /// Records a month's `bill` (after discount, minimum and loyalty); returns the true-up
    /// when the month is the term's last (0 otherwise), and starts the next term.
    #[inline]
    pub fn month(&mut self, bill: f64) -> f64 {
        self.months += 1;
        self.billed += bill;
        if self.months < self.term {
            return 0.0;
        }
        let trueup = shortfall(self.amount, self.billed);
        self.months = 0;
        self.billed = 0.0;
        trueup
    }

    /// The user leaves the plan after the months recorded: the shortfall owed on the open
    /// term (0 when none is open), against the amount or, prorated, against amount x months /
    /// term. The term is closed.
    pub fn exit(&mut self) -> f64 {
        if self.months == 0 {
            return 0.0;
        }
        let owed = if self.prorate {
            self.amount * self.months as f64 / self.term as f64
        } else {
            self.amount
        };
        let trueup = shortfall(owed, self.billed);
        self.months = 0;
        self.billed = 0.0;
        trueup
    }

    /// The shortfall so far of a term open at the horizon (never prorated; 0 when none is
    /// open).
    pub fn open(&self) -> f64 {
        if self.months == 0 {
            0.0
        } else {
            shortfall(self.amount, self.billed)
        }
    }
}

/// Draws the commitment amounts of a user from their `streams` into `life.commit`: one per
/// committed plan, in plan order (0 for plans without a commitment), each from the user's
/// commitment stream keyed by the plan name's hash (a fixed amount draws nothing). Leaves it
/// empty when no plan has a commitment.
pub fn draw_amounts<S: Streams>(trial: &Trial, streams: &S, life: &mut UserLife) {
    life.commit.clear();
    for c in &trial.commits {
        life.commit.push(c.as_ref().map_or(0.0, |c| {
            match c.amount.fixed() {
                Some(v) => v,
                None => c
                    .amount
                    .sample(&mut streams.keyed(Purpose::Commitment, c.key)),
            }
        }));
    }
}

/// Plan `p`'s term for a user living `life` who starts on it now (`None` without a
/// commitment).
#[inline]
pub fn start(trial: &Trial, p: usize, life: &UserLife) -> Option<Term> {
    trial.commits[p]
        .as_ref()
        .map(|c| Term::new(c, life.commit[p]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Sampler;

    fn commit(term: u64, prorate: bool) -> CommitTrial {
        CommitTrial {
            amount: Sampler::constant(1200.0),
            key: 0,
            term,
            prorate,
        }
    }

    #[test]
    fn a_term_bills_its_shortfall_in_its_last_month_only() {
        let mut t = Term::new(&commit(3, false), 1200.0);
        assert_eq!(
            [t.month(100.0), t.month(200.0), t.month(300.0)],
            [0.0, 0.0, 600.0]
        );
        // The next term starts afresh; a term that billed enough owes nothing.
        assert_eq!(
            [t.month(500.0), t.month(500.0), t.month(500.0)],
            [0.0, 0.0, 0.0]
        );
        assert_eq!((t.open(), t.exit()), (0.0, 0.0));
        assert_eq!(t.month(100.0), 0.0);
        assert_eq!(t.open(), 1100.0);
    }

    #[test]
    fn an_exit_owes_the_whole_or_the_prorated_shortfall() {
        for (prorate, owed) in [(false, 1200.0 - 30.0), (true, 1200.0 * 2.0 / 12.0 - 30.0)] {
            let mut t = Term::new(&commit(12, prorate), 1200.0);
            t.month(10.0);
            t.month(20.0);
            assert_eq!(t.exit(), owed);
            assert_eq!(t.exit(), 0.0, "the term is closed");
        }
        let mut t = Term::new(&commit(12, true), 1200.0);
        t.month(250.0);
        assert_eq!(t.exit(), 0.0, "billed above the prorated amount");
    }
}
