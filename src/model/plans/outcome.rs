//! Outcome pricing: a price per successful task, with an optional monthly minimum. Every task,
//! failed or not, is served (and costs its tokens); only successes are billed. Needs task
//! segments (the config reader refuses an outcome plan in a scenario with a token segment).

use serde::Serialize;

use super::schema::{Field, FieldValues};
use super::{Account, Billing, MonthBill, PlanDesign, Usage};
use crate::dist::{Param, Range};
use crate::model::rates::Rates;

/// Configured terms.
#[derive(Clone, Debug, Serialize)]
pub struct OutcomeSpec {
    /// $ per successful task.
    pub price_per_success: Param,
    /// Minimum bill per month.
    pub monthly_minimum: Param,
}

/// Resolved rule.
#[derive(Clone, Debug)]
pub struct Outcome {
    retail: Rates,
    price: f64,
    minimum: f64,
}

impl PlanDesign for OutcomeSpec {
    const KIND: &'static str = "outcome";
    const FIELDS: &'static [Field] = &[
        Field::param("price_per_success", Range::NonNeg),
        Field::param_or("monthly_minimum", Range::NonNeg, 0.0),
    ];
    type Rule = Outcome;
    fn build(v: &mut FieldValues) -> Self {
        OutcomeSpec {
            price_per_success: v.param("price_per_success"),
            monthly_minimum: v.param("monthly_minimum"),
        }
    }
    fn resolve(&self, d: &[f64], retail: &Rates) -> Outcome {
        Outcome {
            retail: *retail,
            price: self.price_per_success.value(d),
            minimum: self.monthly_minimum.value(d),
        }
    }
}

impl Billing for Outcome {
    /// The bill does not depend on the meter; the retail card is what the usage is worth.
    fn meter(&self) -> &Rates {
        &self.retail
    }
    #[inline]
    fn month(&self, _: &mut Account, usage: Usage<'_>) -> MonthBill {
        MonthBill {
            bill: (self.price * usage.successes * usage.price_factor)
                .max(self.minimum * usage.price_factor),
            served: 1.0,
        }
    }
    fn seats(&self, n: f64) -> Outcome {
        Outcome {
            minimum: self.minimum * n,
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rates::Mix;

    fn bill(price: f64, minimum: f64, tasks: f64, successes: f64) -> MonthBill {
        let rule = Outcome {
            retail: Rates::default(),
            price,
            minimum,
        };
        let mix = Mix::new(0.0, 0.0, 0.0);
        let usage = Usage {
            output_tokens: tasks * 1000.0,
            mix: &mix,
            metered: 99.0,
            price_factor: 1.0,
            rate_factor: 1.0,
            tasks,
            successes,
        };
        rule.month(&mut Account::default(), usage)
    }

    #[test]
    fn bills_successes_at_the_price_above_the_minimum_and_serves_every_task() {
        // 7 of 10 tasks succeed at $1.50: $10.50, above a $5 minimum.
        assert_eq!(
            bill(1.5, 5.0, 10.0, 7.0),
            MonthBill {
                bill: 10.5,
                served: 1.0
            }
        );
        // 2 successes make $3, below the minimum: $5.
        assert_eq!(
            bill(1.5, 5.0, 10.0, 2.0),
            MonthBill {
                bill: 5.0,
                served: 1.0
            }
        );
        // No success, no minimum: nothing billed, every task still served.
        assert_eq!(
            bill(1.5, 0.0, 10.0, 0.0),
            MonthBill {
                bill: 0.0,
                served: 1.0
            }
        );
        // An expected month: 0.7 x 10 expected successes.
        assert_eq!(
            bill(2.0, 0.0, 10.0, 7.0 * 1.0),
            MonthBill {
                bill: 14.0,
                served: 1.0
            }
        );
    }
}
