//! Flat rate: a fixed monthly price, usage served up to a fair-use cap in $ of retail value.

use serde::Serialize;

use super::schema::{Field, FieldValues};
use super::{Account, Billing, MonthBill, PlanDesign, Usage};
use crate::dist::{Param, Range};
use crate::model::rates::Rates;

/// Configured terms.
#[derive(Clone, Debug, Serialize)]
pub struct FlatSpec {
    /// $ per month.
    pub price: Param,
    /// Fair-use cap in $ of retail-equivalent usage per month; `None` is unlimited.
    pub cap: Option<Param>,
}

/// Resolved rule.
#[derive(Clone, Debug)]
pub struct Flat {
    retail: Rates,
    price: f64,
    cap: f64,
}

impl PlanDesign for FlatSpec {
    const KIND: &'static str = "flat";
    const FIELDS: &'static [Field] = &[
        Field::param("price", Range::NonNeg),
        Field::opt_param("cap", Range::NonNeg),
    ];
    type Rule = Flat;
    fn build(v: &mut FieldValues) -> Self {
        FlatSpec {
            price: v.param("price"),
            cap: v.opt_param("cap"),
        }
    }
    fn resolve(&self, d: &[f64], retail: &Rates) -> Flat {
        Flat {
            retail: *retail,
            price: self.price.value(d),
            cap: self.cap.map_or(f64::INFINITY, |c| c.value(d)),
        }
    }
}

impl Billing for Flat {
    /// The price, whatever the usage.
    const USAGE_FREE: bool = true;
    /// Usage is measured at the retail card, the unit of the cap.
    fn meter(&self) -> &Rates {
        &self.retail
    }
    #[inline]
    fn month(&self, _: &mut Account, usage: Usage<'_>) -> MonthBill {
        // Branch-free: min(1, cap / metered) is 1 whenever the cap does not bind (including
        // metered = 0, where the ratio is inf or NaN and `min` returns 1).
        MonthBill {
            bill: self.price * usage.price_factor,
            served: 1f64.min(self.cap / usage.metered),
        }
    }
    fn seats(&self, n: f64) -> Flat {
        Flat {
            retail: self.retail,
            price: self.price * n,
            cap: self.cap * n,
        }
    }
}
