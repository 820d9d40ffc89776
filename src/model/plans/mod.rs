//! Plans: one kind per file, each a configured design ([`PlanDesign`]) that declares its fields
//! ([`schema`]), builds itself from their values and resolves per trial into a billing rule
//! ([`Billing`]). One registry line per kind (`plan_kinds!` below) generates everything that
//! dispatches on the kind: [`PlanKind`], [`Rule`], the kind list the config reader looks names up
//! in ([`KINDS`]) and the static dispatch of the engine ([`Rule::visit`]). A new kind is a new
//! file (its spec with `KIND`, `FIELDS`, `build` and `resolve`; its rule with [`Billing`]), its
//! `pub mod` line and its registry line.
//!
//! A rule sees one user-month at a time: its [`Usage`] (the output tokens the user demands
//! under the plan, their prompt mix, their value measured with the plan's own month-0 meter
//! card: API rates, retail value for fair-use caps, credit burn; the month's price factors,
//! [`crate::model::prices`]; and on a task segment the month's tasks and successes) and the
//! user's [`Account`] (credit balance, ledger). It returns the bill and the share of the demand
//! that is served; a served share below 1 applies equally to every token kind.

pub mod commitment;
pub mod credit;
pub mod flat;
pub mod hybrid;
pub mod outcome;
pub mod payg;
pub mod schema;
pub mod tiers;

use serde::Serialize;

use self::commitment::CommitmentSpec;
use self::schema::{Field, FieldValues};
use super::prices::{LoyaltySpec, ScheduleStep};
use super::rates::{Mix, Rates};
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

/// One user-month of demand on a plan, as a rule sees it. Copy and allocation-free: it is
/// built in the engine's innermost loop.
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)] // the token counts are for kinds that price tokens; none does yet
pub struct Usage<'a> {
    /// Output tokens demanded (after the plan's usage_response).
    pub output_tokens: f64,
    /// The user's prompt tokens per output token.
    pub mix: &'a Mix,
    /// The demand valued at the rule's [`Billing::meter`] card (its month-0 values).
    pub metered: f64,
    /// This month's factor on per-period prices (price, base fee, minimum, top-up price, price
    /// per success).
    pub price_factor: f64,
    /// This month's factor on usage charged at the plan's rates.
    pub rate_factor: f64,
    /// Tasks (a task segment's whole number of tasks this month; 0 on a token segment).
    pub tasks: f64,
    /// Successful tasks (a whole number; at an expected month, tasks x success rate; 0 on a
    /// token segment).
    pub successes: f64,
}

#[allow(dead_code)] // for kinds that price tokens; tested below
impl Usage<'_> {
    /// Fresh input tokens demanded.
    #[inline]
    pub fn input_tokens(&self) -> f64 {
        self.output_tokens * self.mix.input
    }
    /// Cache write tokens demanded.
    #[inline]
    pub fn cache_write_tokens(&self) -> f64 {
        self.output_tokens * self.mix.cache_write
    }
    /// Cache read tokens demanded.
    #[inline]
    pub fn cache_read_tokens(&self) -> f64 {
        self.output_tokens * self.mix.cache_read
    }
}

/// A billing rule with concrete values for one trial.
pub trait Billing {
    /// Whether [`Billing::month`]'s bill ignores the usage but for its price factor (the same
    /// bill at every demand), so the engine bills the expected demand once per user.
    const USAGE_FREE: bool = false;
    /// The card that meters demand for this plan.
    fn meter(&self) -> &Rates;
    /// A user's account at sign-up; `top_up_u` is the user's uniform shared by credit plans.
    fn open(&self, top_up_u: f64) -> Account {
        let _ = top_up_u;
        Account::default()
    }
    /// Bills one month of `usage`.
    fn month(&self, acct: &mut Account, usage: Usage<'_>) -> MonthBill;
    /// The user leaves: whatever the account holds expires.
    fn close(&self, acct: &mut Account) {
        acct.expired += acct.balance;
        acct.balance = 0.0;
    }
    /// The rule for a team account of `n` active seats on a `per_seat` plan: the kind's
    /// per-seat amounts (price, base_fee, included, credits, rollover, cap, spend_cap,
    /// monthly_minimum) multiplied by `n`; unit prices, rates, tiers' bands and top-up packs
    /// stay as they are. A kind with no per-seat amount keeps this default (itself).
    fn seats(&self, n: f64) -> Self
    where
        Self: Clone,
    {
        let _ = n;
        self.clone()
    }
    /// Calls `v` with this rule, or with a rule of the same bills whose month skips a test
    /// fixed for the trial (payg and hybrid without tiers: no call in the months' loop).
    #[inline(always)]
    fn visit_plain<V: RuleVisitor>(&self, v: V) -> V::Out
    where
        Self: Sized,
    {
        v.visit(self)
    }
}

/// A plan design as configured, before per-trial draws.
pub trait PlanDesign: Sized {
    /// The `kind` string of the config (the snake_case name of its [`PlanKind`] variant).
    const KIND: &'static str;
    /// Its fields besides `name`, `kind` and `usage_response`, in draw order.
    const FIELDS: &'static [Field];
    /// The design from the values read for [`PlanDesign::FIELDS`].
    fn build(values: &mut FieldValues) -> Self;
    /// The resolved rule.
    type Rule: Billing;
    /// Concrete values for one trial; `retail` is the trial's list card.
    fn resolve(&self, draws: &[f64], retail: &Rates) -> Self::Rule;
    /// Whether the plan charges usage at the `[retail]` card, so that the retail decline moves
    /// its rates.
    fn bills_at_retail(&self) -> bool {
        false
    }
}

/// A configured plan of any kind.
#[derive(Clone, Debug, Serialize)]
pub struct PlanSpec {
    /// Name (safe characters only).
    pub name: String,
    /// Multiplier on demand under this plan.
    pub usage_response: Param,
    /// $ per month a user feels on this plan when choosing; never billed (menu mode).
    pub anxiety: Param,
    /// A competitor's offer: users may choose it, it earns and costs us nothing (menu mode).
    pub external: bool,
    /// Share of the value this plan delivers, in [0, 1] (menu mode).
    pub quality: Param,
    /// Steps of the price schedule (empty: none).
    pub price_schedule: Vec<ScheduleStep>,
    /// The loyalty discount, if any.
    pub loyalty: Option<LoyaltySpec>,
    /// A committed-use discount with true-up, if any (payg and hybrid).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commitment: Option<CommitmentSpec>,
    /// Bills per account of a team: the account's seats share one meter, and the plan's
    /// per-seat amounts are multiplied by its active seats ([`Billing::seats`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub per_seat: bool,
    /// Kind-specific terms.
    pub kind: PlanKind,
}

/// Works on a rule of whichever kind, statically: [`Rule::visit`] calls `visit` with the
/// concrete rule, so the code is monomorphised per kind (the engine's hot loop).
pub trait RuleVisitor {
    /// What the visit returns.
    type Out;
    /// Works on the concrete rule.
    fn visit<B: Billing>(self, rule: &B) -> Self::Out;
}

/// Generates every dispatch on the kind from the list of kinds: `Variant(spec type)`, each with
/// its doc comment; the variant name in snake_case is the config's `kind` string.
macro_rules! plan_kinds {
    ($($(#[$doc:meta])* $kind:ident($spec:ty)),+ $(,)?) => {
        /// The terms of each plan kind.
        #[derive(Clone, Debug, Serialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum PlanKind {
            $($(#[$doc])* $kind($spec),)+
        }

        /// A resolved rule of any kind (static dispatch for the hot loop).
        #[derive(Clone, Debug)]
        pub enum Rule {
            $($(#[$doc])* $kind(<$spec as PlanDesign>::Rule),)+
        }

        /// A registered plan kind, for the config reader: its name, fields and builder.
        pub struct KindSchema {
            /// The `kind` string.
            pub name: &'static str,
            /// Its fields, in draw order.
            pub fields: &'static [Field],
            /// Builds the design from the values read for `fields`.
            pub build: fn(&mut FieldValues) -> PlanKind,
        }

        /// Every plan kind, in registry order.
        pub static KINDS: &[KindSchema] = &[$(KindSchema {
            name: <$spec as PlanDesign>::KIND,
            fields: <$spec as PlanDesign>::FIELDS,
            build: |v| PlanKind::$kind(<$spec as PlanDesign>::build(v)),
        },)+];

        /// The `kind` strings, in registry order (for messages).
        pub const KIND_NAMES: &[&str] = &[$(<$spec as PlanDesign>::KIND,)+];

        impl PlanKind {
            /// The config's `kind` string.
            pub fn name(&self) -> &'static str {
                match self {
                    $(PlanKind::$kind(_) => <$spec as PlanDesign>::KIND,)+
                }
            }

            /// Whether the plan charges usage at the `[retail]` card.
            pub fn bills_at_retail(&self) -> bool {
                match self {
                    $(PlanKind::$kind(s) => s.bills_at_retail(),)+
                }
            }

            /// The rule for one trial.
            pub fn resolve(&self, draws: &[f64], retail: &Rates) -> Rule {
                match self {
                    $(PlanKind::$kind(s) => Rule::$kind(s.resolve(draws, retail)),)+
                }
            }
        }

        impl Rule {
            /// Calls `v` with the concrete rule (monomorphised per kind). Always inlined, so the
            /// engine's per-user loop compiles as if it matched on the kind itself.
            #[inline(always)]
            pub fn visit<V: RuleVisitor>(&self, v: V) -> V::Out {
                match self {
                    $(Rule::$kind(r) => r.visit_plain(v),)+
                }
            }
        }

        impl Billing for Rule {
            fn meter(&self) -> &Rates {
                match self {
                    $(Rule::$kind(r) => r.meter(),)+
                }
            }
            fn open(&self, top_up_u: f64) -> Account {
                match self {
                    $(Rule::$kind(r) => r.open(top_up_u),)+
                }
            }
            #[inline]
            fn month(&self, acct: &mut Account, usage: Usage<'_>) -> MonthBill {
                match self {
                    $(Rule::$kind(r) => r.month(acct, usage),)+
                }
            }
            fn close(&self, acct: &mut Account) {
                match self {
                    $(Rule::$kind(r) => r.close(acct),)+
                }
            }
            fn seats(&self, n: f64) -> Rule {
                match self {
                    $(Rule::$kind(r) => Rule::$kind(r.seats(n)),)+
                }
            }
        }
    };
}

// The registry: one line per kind.
plan_kinds! {
    /// Pay as you go.
    Payg(payg::PaygSpec),
    /// Flat rate with an optional fair-use cap.
    Flat(flat::FlatSpec),
    /// Prepaid credits.
    Credit(credit::CreditSpec),
    /// Base fee with included usage and overage.
    Hybrid(hybrid::HybridSpec),
    /// A price per successful task.
    Outcome(outcome::OutcomeSpec),
}

/// The registered kind named `name`.
pub fn kind(name: &str) -> Option<&'static KindSchema> {
    KINDS.iter().find(|k| k.name == name)
}

#[cfg(test)]
mod tests;
