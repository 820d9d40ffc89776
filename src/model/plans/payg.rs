//! Pay as you go: usage at the plan's rates, optionally tiered ([`super::tiers`]), with an
//! optional monthly minimum.

use serde::Serialize;

use super::schema::{Field, FieldValues};
use super::tiers::{self, Tiers, TiersSpec};
use super::{Account, Billing, MonthBill, PlanDesign, RuleVisitor, Usage};
use crate::dist::{Param, Range};
use crate::model::rates::{Card, Rates};

/// Configured terms.
#[derive(Clone, Debug, Serialize)]
pub struct PaygSpec {
    /// The plan's own card; `None` bills at the retail card.
    pub rates: Option<Card>,
    /// Minimum bill per month.
    pub monthly_minimum: Param,
    /// Volume tiers over the month's charge; `None` bills the charge as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tiers: Option<TiersSpec>,
}

/// Resolved rule.
#[derive(Clone, Debug)]
pub struct Payg {
    rates: Rates,
    minimum: f64,
    tiers: Option<Tiers>,
}

impl PlanDesign for PaygSpec {
    const KIND: &'static str = "payg";
    const FIELDS: &'static [Field] = &[
        Field::opt_card("rates"),
        Field::param_or("monthly_minimum", Range::NonNeg, 0.0),
        tiers::TIERS,
        tiers::TIER_MODE,
    ];
    type Rule = Payg;
    fn build(v: &mut FieldValues) -> Self {
        PaygSpec {
            rates: v.opt_card("rates"),
            monthly_minimum: v.param("monthly_minimum"),
            tiers: TiersSpec::build(v),
        }
    }
    fn resolve(&self, d: &[f64], retail: &Rates) -> Payg {
        Payg {
            rates: self.rates.map_or(*retail, |c| c.resolve(d)),
            minimum: self.monthly_minimum.value(d),
            tiers: self.tiers.as_ref().map(|t| t.resolve(d)),
        }
    }
    fn bills_at_retail(&self) -> bool {
        self.rates.is_none()
    }
}

impl Billing for Payg {
    fn meter(&self) -> &Rates {
        &self.rates
    }
    #[inline]
    fn month(&self, _: &mut Account, usage: Usage<'_>) -> MonthBill {
        let charge = match &self.tiers {
            None => usage.metered,
            Some(t) => t.charge(usage.metered),
        };
        self.bill(charge, usage.rate_factor, usage.price_factor)
    }
    fn seats(&self, n: f64) -> Payg {
        Payg {
            minimum: self.minimum * n,
            ..self.clone()
        }
    }
    #[inline(always)]
    fn visit_plain<V: RuleVisitor>(&self, v: V) -> V::Out {
        match self.tiers {
            None => v.visit(&Untiered(self)),
            Some(_) => v.visit(self),
        }
    }
}

/// A payg rule without tiers: the same bills, without the tiers' test in each month.
struct Untiered<'a>(&'a Payg);

impl Billing for Untiered<'_> {
    fn meter(&self) -> &Rates {
        &self.0.rates
    }
    #[inline]
    fn month(&self, _: &mut Account, usage: Usage<'_>) -> MonthBill {
        self.0
            .bill(usage.metered, usage.rate_factor, usage.price_factor)
    }
}

impl Payg {
    /// The month's bill for `charge` ($ at the month-0 rates, after any tiers): the charge x
    /// the rate factor, at least the minimum x the price factor; everything is served.
    #[inline(always)]
    fn bill(&self, charge: f64, rate_factor: f64, price_factor: f64) -> MonthBill {
        MonthBill {
            bill: (charge * rate_factor).max(self.minimum * price_factor),
            served: 1.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Payg, Untiered};
    use crate::model::plans::tests::assert_same_bills;
    use crate::model::rates::Rates;

    #[test]
    fn the_untiered_view_bills_as_the_rule_bit_for_bit() {
        let rule = Payg {
            rates: Rates::default(),
            minimum: 5.0,
            tiers: None,
        };
        assert_same_bills(
            &rule,
            &Untiered(&rule),
            &[
                0.0,
                1e-9,
                4.999,
                5.0,
                5.000001,
                123.4,
                1e12,
                f64::INFINITY,
                f64::NAN,
            ],
        );
    }
}
