//! Pay as you go: usage at the plan's rates, with an optional monthly minimum.

use serde::Serialize;

use super::schema::{Field, FieldValues};
use super::{Account, Billing, MonthBill, PlanDesign, Usage};
use crate::dist::{Param, Range};
use crate::model::rates::{Card, Rates};

/// Configured terms.
#[derive(Clone, Debug, Serialize)]
pub struct PaygSpec {
    /// The plan's own card; `None` bills at the retail card.
    pub rates: Option<Card>,
    /// Minimum bill per month.
    pub monthly_minimum: Param,
}

/// Resolved rule.
#[derive(Clone, Debug)]
pub struct Payg {
    rates: Rates,
    minimum: f64,
}

impl PlanDesign for PaygSpec {
    const KIND: &'static str = "payg";
    const FIELDS: &'static [Field] = &[
        Field::opt_card("rates"),
        Field::param_or("monthly_minimum", Range::NonNeg, 0.0),
    ];
    type Rule = Payg;
    fn build(v: &mut FieldValues) -> Self {
        PaygSpec {
            rates: v.opt_card("rates"),
            monthly_minimum: v.param("monthly_minimum"),
        }
    }
    fn resolve(&self, d: &[f64], retail: &Rates) -> Payg {
        Payg {
            rates: self.rates.map_or(*retail, |c| c.resolve(d)),
            minimum: self.monthly_minimum.value(d),
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
        MonthBill {
            bill: (usage.metered * usage.rate_factor).max(self.minimum * usage.price_factor),
            served: 1.0,
        }
    }
}
