//! Prepaid credits: a monthly price buys a grant of credits; usage burns credits at the burn
//! card; users who top up buy the fewest packs that cover a shortfall; unused credits above
//! `rollover` expire at the end of each month (breakage), and a leaving user's balance expires.

use serde::Serialize;

use super::schema::{Field, FieldValues};
use super::{Account, Billing, MonthBill, PlanDesign, Usage};
use crate::dist::{Param, Range};
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

impl TopUpSpec {
    const FIELDS: &'static [Field] = &[
        Field::param("price", Range::NonNeg),
        Field::param("credits", Range::Positive),
        Field::param("probability", Range::Unit),
    ];
    fn build(v: &mut FieldValues) -> Self {
        TopUpSpec {
            price: v.param("price"),
            credits: v.param("credits"),
            probability: v.param("probability"),
        }
    }
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
    const FIELDS: &'static [Field] = &[
        Field::param("price", Range::NonNeg),
        Field::param("credits", Range::NonNeg),
        Field::card("burn"),
        Field::param_or("rollover", Range::NonNeg, 0.0),
        Field::opt_table("top_up", TopUpSpec::FIELDS),
    ];
    type Rule = Credit;
    fn build(v: &mut FieldValues) -> Self {
        CreditSpec {
            price: v.param("price"),
            credits: v.param("credits"),
            burn: v.card("burn"),
            rollover: v.param("rollover"),
            top_up: v.opt_table("top_up").as_mut().map(TopUpSpec::build),
        }
    }
    fn resolve(&self, d: &[f64], _retail: &Rates) -> Credit {
        let top_up = self
            .top_up
            .map(|t| (t.price.value(d), t.credits.value(d), t.probability.value(d)));
        Credit {
            burn: self.burn.resolve(d),
            price: self.price.value(d),
            credits: self.credits.value(d),
            rollover: self.rollover.value(d),
            top_up,
        }
    }
}

/// `x.ceil()` for `x` >= 0 (or -0), inlined: below 2^52 from x rounded to the nearest whole
/// number by adding and subtracting 2^52 (exact there; the target may lack a rounding
/// instruction, and `ceil` is then a call), else `ceil` itself. Equal to `x.ceil()` bit for
/// bit, but -0 gives +0: the caller adds 0 or 1 to it next, which gives +0 or 1 from either.
#[inline(always)]
fn ceil_nonneg(x: f64) -> f64 {
    const TWO_52: f64 = 4_503_599_627_370_496.0;
    if x < TWO_52 {
        // The nearest whole number t is within 1/2 of x: ceil(x) is t, or t + 1 when t < x.
        let t = (x + TWO_52) - TWO_52;
        t + f64::from(u8::from(t < x))
    } else {
        x.ceil()
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
    fn month(&self, a: &mut Account, usage: Usage<'_>) -> MonthBill {
        let need = usage.metered;
        let mut bill = self.price * usage.price_factor;
        a.balance += self.credits;
        a.granted += self.credits;
        // Whether a user tops up is fixed for the user, so this branch predicts well; the
        // arithmetic inside is branch-free (0 packs when nothing is short).
        if a.tops_up
            && let Some((pack_price, pack_credits, _)) = self.top_up
        {
            let short = (need - a.balance).max(0.0);
            let mut packs = ceil_nonneg(short / pack_credits);
            // guard against rounding in the division
            packs += f64::from(u8::from(a.balance + packs * pack_credits < need));
            bill += packs * pack_price * usage.price_factor;
            a.balance += packs * pack_credits;
            a.bought += packs * pack_credits;
        }
        let burn = need.min(a.balance);
        // min(1, balance / need): 1 when the balance covers the need (or need = 0).
        let served = 1f64.min(a.balance / need);
        a.balance -= burn;
        a.burned += burn;
        a.expired += (a.balance - self.rollover).max(0.0);
        a.balance = a.balance.min(self.rollover);
        MonthBill { bill, served }
    }
    fn seats(&self, n: f64) -> Credit {
        Credit {
            price: self.price * n,
            credits: self.credits * n,
            rollover: self.rollover * n,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ceil_nonneg;

    #[test]
    fn the_inlined_ceil_is_ceil_on_non_negative_values() {
        let big = 4_503_599_627_370_496.0;
        for x in [
            0.0,
            1e-300,
            0.5,
            1.5,
            2.5000000000000004,
            3.5,
            0.49999999999999994,
            1.0,
            1.0 + f64::EPSILON,
            2.5,
            7.0,
            1e15 + 0.5,
            big - 0.5,
            big,
            big + 2.0,
            1e300,
            f64::INFINITY,
        ] {
            assert_eq!(ceil_nonneg(x).to_bits(), x.ceil().to_bits(), "{x}");
        }
        assert!(ceil_nonneg(f64::NAN).is_nan());
        // -0 gives +0, which the caller's next addition of 0 or 1 makes equal.
        assert_eq!(
            (ceil_nonneg(-0.0) + 0.0).to_bits(),
            ((-0.0f64).ceil() + 0.0).to_bits()
        );
    }
}
