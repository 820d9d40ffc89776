//! Plans: one kind per file, each a configured design ([`PlanDesign`]) that resolves per trial
//! into a billing rule ([`Billing`]).
//!
//! A rule sees one user-month at a time: the value of the tokens the user demands under the
//! plan, measured with the plan's own meter card (API rates, retail value for fair-use caps,
//! credit burn), and the user's [`Account`] (credit balance, ledger). It returns the bill and
//! the share of the demand that is served; a served share below 1 applies equally to every
//! token kind.

pub mod credit;
pub mod flat;
pub mod hybrid;
pub mod payg;

use serde::Serialize;

use super::rates::Rates;
use crate::dist::Param;

/// Per-user, per-plan state carried across months.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Account {
    /// Whether this user buys top-ups when short (credit plans).
    pub tops_up: bool,
    /// Credits available now.
    pub balance: f64,
    /// Credits granted by renewals so far.
    pub granted: f64,
    /// Credits bought as top-ups so far.
    pub bought: f64,
    /// Credits burned by served usage so far.
    pub burned: f64,
    /// Credits expired so far (above rollover, or on leaving).
    pub expired: f64,
}

/// The outcome of one user-month on a plan.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MonthBill {
    /// Amount billed, $.
    pub bill: f64,
    /// Share of demanded tokens served, in [0, 1].
    pub served: f64,
}

/// A billing rule with concrete values for one trial.
pub trait Billing {
    /// The card that meters demand for this plan.
    fn meter(&self) -> &Rates;
    /// A user's account at sign-up; `top_up_u` is the user's uniform shared by credit plans.
    fn open(&self, top_up_u: f64) -> Account {
        let _ = top_up_u;
        Account::default()
    }
    /// Bills one month; `metered` is the demand valued at [`Billing::meter`].
    fn month(&self, acct: &mut Account, metered: f64) -> MonthBill;
    /// The user leaves: whatever the account holds expires.
    fn close(&self, acct: &mut Account) {
        acct.expired += acct.balance;
        acct.balance = 0.0;
    }
}

/// A plan design as configured, before per-trial draws.
pub trait PlanDesign {
    /// The `kind` string of the config.
    const KIND: &'static str;
    /// The resolved rule.
    type Rule: Billing;
    /// Concrete values for one trial; `retail` is the trial's list card.
    fn resolve(&self, draws: &[f64], retail: &Rates) -> Self::Rule;
}

/// A configured plan of any kind.
#[derive(Clone, Debug, Serialize)]
pub struct PlanSpec {
    /// Name (safe characters only).
    pub name: String,
    /// Multiplier on demand under this plan.
    pub usage_response: Param,
    /// Kind-specific terms.
    pub kind: PlanKind,
}

/// The terms of each plan kind.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanKind {
    /// Pay as you go.
    Payg(payg::PaygSpec),
    /// Flat rate with an optional fair-use cap.
    Flat(flat::FlatSpec),
    /// Prepaid credits.
    Credit(credit::CreditSpec),
    /// Base fee with included usage and overage.
    Hybrid(hybrid::HybridSpec),
}

impl PlanKind {
    /// The config's `kind` string.
    pub fn name(&self) -> &'static str {
        match self {
            PlanKind::Payg(_) => payg::PaygSpec::KIND,
            PlanKind::Flat(_) => flat::FlatSpec::KIND,
            PlanKind::Credit(_) => credit::CreditSpec::KIND,
            PlanKind::Hybrid(_) => hybrid::HybridSpec::KIND,
        }
    }

    /// The rule for one trial.
    pub fn resolve(&self, draws: &[f64], retail: &Rates) -> Rule {
        match self {
            PlanKind::Payg(s) => Rule::Payg(s.resolve(draws, retail)),
            PlanKind::Flat(s) => Rule::Flat(s.resolve(draws, retail)),
            PlanKind::Credit(s) => Rule::Credit(s.resolve(draws, retail)),
            PlanKind::Hybrid(s) => Rule::Hybrid(s.resolve(draws, retail)),
        }
    }
}

/// A resolved rule of any kind (static dispatch for the hot loop).
#[derive(Clone, Debug)]
pub enum Rule {
    /// Pay as you go.
    Payg(payg::Payg),
    /// Flat rate.
    Flat(flat::Flat),
    /// Prepaid credits.
    Credit(credit::Credit),
    /// Hybrid.
    Hybrid(hybrid::Hybrid),
}

macro_rules! each_rule {
    ($self:expr, $r:ident => $e:expr) => {
        match $self {
            Rule::Payg($r) => $e,
            Rule::Flat($r) => $e,
            Rule::Credit($r) => $e,
            Rule::Hybrid($r) => $e,
        }
    };
}

impl Billing for Rule {
    fn meter(&self) -> &Rates {
        each_rule!(self, r => r.meter())
    }
    fn open(&self, top_up_u: f64) -> Account {
        each_rule!(self, r => r.open(top_up_u))
    }
    #[inline]
    fn month(&self, acct: &mut Account, metered: f64) -> MonthBill {
        each_rule!(self, r => r.month(acct, metered))
    }
    fn close(&self, acct: &mut Account) {
        each_rule!(self, r => r.close(acct))
    }
}
