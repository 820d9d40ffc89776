//! Prepaid credits: a monthly price buys a grant of credits; usage burns credits at the burn
//! card; users who top up buy the fewest packs that cover a shortfall; unused credits above
//! `rollover` expire at the end of each month (breakage), and a leaving user's balance expires.

use serde::Serialize;

use super::{Account, Billing, MonthBill, PlanDesign};
use crate::dist::Param;
use crate::model::rates::{Card, Rates};

/// Optional top-up packs.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct TopUpSpec {
    /// $ per pack.
    pub price: Param,
    /// Credits per pack.
    pub credits: Param,
    /// Share of users who buy packs when short.
    pub probability: Param,
}

/// Configured terms.
#[derive(Clone, Debug, Serialize)]
pub struct CreditSpec {
    /// $ per month.
    pub price: Param,
    /// Credits granted at each monthly renewal.
    pub credits: Param,
    /// Credits per million tokens of each kind.
    pub burn: Card,
    /// At most this many unused credits carry to the next month.
    pub rollover: Param,
    /// Top-up packs, if sold.
    pub top_up: Option<TopUpSpec>,
}

/// Resolved rule.
#[derive(Clone, Debug)]
pub struct Credit {
    burn: Rates,
    price: f64,
    credits: f64,
    rollover: f64,
    /// (price, credits, probability) of a pack.
    top_up: Option<(f64, f64, f64)>,
}

impl PlanDesign for CreditSpec {
    const KIND: &'static str = "credit";
    type Rule = Credit;
    fn resolve(&self, d: &[f64], _retail: &Rates) -> Credit {
        Credit {
            burn: self.burn.resolve(d),
            price: self.price.value(d),
            credits: self.credits.value(d),
            rollover: self.rollover.value(d),
            top_up: self
                .top_up
                .map(|t| (t.price.value(d), t.credits.value(d), t.probability.value(d))),
        }
    }
}

impl Billing for Credit {
    fn meter(&self) -> &Rates {
        &self.burn
    }
    fn open(&self, top_up_u: f64) -> Account {
        Account {
            tops_up: self.top_up.is_some_and(|(_, _, p)| top_up_u < p),
            ..Account::default()
        }
    }
    #[inline]
    fn month(&self, a: &mut Account, need: f64) -> MonthBill {
        let mut bill = self.price;
        a.balance += self.credits;
        a.granted += self.credits;
        if let Some((pack_price, pack_credits, _)) = self.top_up
            && need > a.balance
            && a.tops_up
            && pack_credits > 0.0
        {
            let short = need - a.balance;
            let mut packs = (short / pack_credits).ceil();
            if a.balance + packs * pack_credits < need {
                packs += 1.0; // guard against rounding in the division
            }
            bill += packs * pack_price;
            a.balance += packs * pack_credits;
            a.bought += packs * pack_credits;
        }
        let (burn, served) = if need > a.balance {
            (a.balance, a.balance / need)
        } else {
            (need, 1.0)
        };
        a.balance -= burn;
        a.burned += burn;
        if a.balance > self.rollover {
            a.expired += a.balance - self.rollover;
            a.balance = self.rollover;
        }
        MonthBill { bill, served }
    }
}
