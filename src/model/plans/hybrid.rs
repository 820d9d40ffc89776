//! Hybrid: a base fee that includes some usage, overage billed at the plan's rates times a
//! multiplier, optionally tiered ([`super::tiers`]) and limited by a monthly spend cap beyond
//! which usage is not served.

use serde::Serialize;

use super::schema::{Field, FieldValues};
use super::tiers::{self, Tiers, TiersSpec};
use super::{Account, Billing, MonthBill, PlanDesign, RuleVisitor, Usage};
use crate::dist::{Param, Range};
use crate::model::rates::{Card, Rates};

/// Configured terms.
#[derive(Clone, Debug, Serialize)]
pub struct HybridSpec {
    /// The plan's own card; `None` bills at the retail card.
    pub rates: Option<Card>,
    /// $ per month.
    pub base_fee: Param,
    /// $ of usage at `rates` covered by the base fee.
    pub included: Param,
    /// Overage is billed at rates x this.
    pub overage_multiplier: Param,
    /// Maximum overage $ per month; `None` is unlimited.
    pub spend_cap: Option<Param>,
    /// Volume tiers over the overage (after the multiplier); `None` bills it as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tiers: Option<TiersSpec>,
}

/// Resolved rule.
#[derive(Clone, Debug)]
pub struct Hybrid {
    rates: Rates,
    base_fee: f64,
    included: f64,
    multiplier: f64,
    spend_cap: f64,
    /// Usage ($ at `rates`) served in full at a rate factor of 1 (untiered).
    served_limit: f64,
    tiers: Option<Tiers>,
}

impl PlanDesign for HybridSpec {
    const KIND: &'static str = "hybrid";
    const FIELDS: &'static [Field] = &[
        Field::opt_card("rates"),
        Field::param("base_fee", Range::NonNeg),
        Field::param_or("included", Range::NonNeg, 0.0),
        Field::param_or("overage_multiplier", Range::NonNeg, 1.0),
        Field::opt_param("spend_cap", Range::NonNeg),
        tiers::TIERS,
        tiers::TIER_MODE,
    ];
    type Rule = Hybrid;
    fn build(v: &mut FieldValues) -> Self {
        HybridSpec {
            rates: v.opt_card("rates"),
            base_fee: v.param("base_fee"),
            included: v.param("included"),
            overage_multiplier: v.param("overage_multiplier"),
            spend_cap: v.opt_param("spend_cap"),
            tiers: TiersSpec::build(v),
        }
    }
    fn resolve(&self, d: &[f64], retail: &Rates) -> Hybrid {
        let included = self.included.value(d);
        let multiplier = self.overage_multiplier.value(d);
        let spend_cap = self.spend_cap.map_or(f64::INFINITY, |c| c.value(d));
        Hybrid {
            rates: self.rates.map_or(*retail, |c| c.resolve(d)),
            base_fee: self.base_fee.value(d),
            included,
            multiplier,
            spend_cap,
            served_limit: served_limit(included, multiplier, spend_cap),
            tiers: self.tiers.as_ref().map(|t| t.resolve(d)),
        }
    }
    fn bills_at_retail(&self) -> bool {
        self.rates.is_none()
    }
}

impl Billing for Hybrid {
    fn meter(&self) -> &Rates {
        &self.rates
    }
    #[inline]
    fn month(&self, _: &mut Account, usage: Usage<'_>) -> MonthBill {
        let charge = usage.metered;
        if let Some(t) = &self.tiers {
            return self.tiered(t, charge, usage.price_factor, usage.rate_factor);
        }
        self.untiered(usage)
    }
    fn seats(&self, n: f64) -> Hybrid {
        let (included, spend_cap) = (self.included * n, self.spend_cap * n);
        Hybrid {
            base_fee: self.base_fee * n,
            included,
            spend_cap,
            served_limit: served_limit(included, self.multiplier, spend_cap),
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

/// A hybrid rule without tiers: the same bills, without the tiers' test in each month.
struct Untiered<'a>(&'a Hybrid);

impl Billing for Untiered<'_> {
    fn meter(&self) -> &Rates {
        &self.0.rates
    }
    #[inline]
    fn month(&self, _: &mut Account, usage: Usage<'_>) -> MonthBill {
        self.0.untiered(usage)
    }
}

impl Hybrid {
    /// A month without tiers.
    #[inline(always)]
    fn untiered(&self, usage: Usage<'_>) -> MonthBill {
        let charge = usage.metered;
        let overage = (charge - self.included).max(0.0) * self.multiplier * usage.rate_factor;
        // When the spend cap binds, serve exactly the usage whose overage reaches it:
        // served_limit / charge, which is >= 1 (so `min` gives 1) whenever it does not bind.
        // Branch-free, as binding varies from user to user.
        MonthBill {
            bill: self.base_fee * usage.price_factor + overage.min(self.spend_cap),
            served: 1f64.min(self.served_limit(usage.rate_factor) / charge),
        }
    }
}

/// Usage ($ at `rates`) served in full when overage is billed at `per_dollar` x its charge
/// (the multiplier x the rate factor): included + spend_cap / per_dollar. The spend cap does
/// not move with the price, so a lower price serves more. A zero overage price never reaches
/// the cap: everything is served.
fn served_limit(included: f64, per_dollar: f64, spend_cap: f64) -> f64 {
    if per_dollar > 0.0 {
        included + spend_cap / per_dollar
    } else {
        f64::INFINITY
    }
}

impl Hybrid {
    /// [`served_limit`] at `rate_factor` (precomputed at 1, the factor of prices that do not
    /// move).
    #[inline]
    fn served_limit(&self, rate_factor: f64) -> f64 {
        if rate_factor == 1.0 {
            self.served_limit
        } else {
            served_limit(self.included, self.multiplier * rate_factor, self.spend_cap)
        }
    }

    /// A month on tiered overage: the overage y = max(charge - included, 0) x multiplier is
    /// billed as the tiered charge of y (at the month-0 rates) x `rate_factor`, at most the
    /// spend cap; above it, the served overage is the largest y' <= y whose tiered charge is
    /// within spend_cap / rate_factor ([`Tiers::capped`]) and the served share is
    /// (included + y' / multiplier) / charge. The base fee is billed x `price_factor`.
    fn tiered(&self, t: &Tiers, charge: f64, price_factor: f64, rate_factor: f64) -> MonthBill {
        let overage = (charge - self.included).max(0.0) * self.multiplier;
        // The cap in month-0 $ of tiered charge (exactly the cap at factor 1; none at 0).
        let cap0 = if rate_factor > 0.0 {
            self.spend_cap / rate_factor
        } else {
            f64::INFINITY
        };
        let (billed, served) = t.capped(overage, cap0);
        MonthBill {
            bill: self.base_fee * price_factor + (billed * rate_factor).min(self.spend_cap),
            // Everything is served when nothing is cut (then the multiplier may be 0).
            served: if served == overage {
                1.0
            } else {
                1f64.min((self.included + served / self.multiplier) / charge)
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Hybrid, Untiered, served_limit};
    use crate::model::plans::tests::assert_same_bills;
    use crate::model::rates::Rates;

    #[test]
    fn the_untiered_view_bills_as_the_rule_bit_for_bit() {
        let rule = Hybrid {
            rates: Rates::default(),
            base_fee: 20.0,
            included: 20.0,
            multiplier: 1.5,
            spend_cap: 500.0,
            served_limit: served_limit(20.0, 1.5, 500.0),
            tiers: None,
        };
        assert_same_bills(
            &rule,
            &Untiered(&rule),
            &[
                0.0,
                1e-9,
                19.99,
                20.0,
                20.01,
                353.3,
                1e12,
                f64::INFINITY,
                f64::NAN,
            ],
        );
    }
}
