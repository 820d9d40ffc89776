//! Pay as you go: usage at the plan's rates, with an optional monthly minimum.

use serde::Serialize;

use super::{Account, Billing, MonthBill, PlanDesign};
use crate::dist::Param;
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
    type Rule = Payg;
    fn resolve(&self, d: &[f64], retail: &Rates) -> Payg {
        Payg {
            rates: self.rates.map_or(*retail, |c| c.resolve(d)),
            minimum: self.monthly_minimum.value(d),
        }
    }
}

impl Billing for Payg {
    fn meter(&self) -> &Rates {
        &self.rates
    }
    #[inline]
    fn month(&self, _: &mut Account, metered: f64) -> MonthBill {
        MonthBill {
            bill: metered.max(self.minimum),
            served: 1.0,
        }
    }
}
