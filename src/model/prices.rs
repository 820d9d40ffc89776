//! Prices that move over time: the retail card's annual decline, a plan's price schedule and
//! its loyalty discount, and what they come to in one trial ([`PlanPrices`]).
//!
//! A rule meters usage at its month-0 card (so caps, allowances and credit burn stay fixed
//! amounts of usage) and multiplies only what it bills: per-period prices (price, base fee,
//! monthly minimum, top-up price) by the month's schedule factor, and usage charged at the
//! plan's rates by the rate factor, which for a payg or hybrid plan billing at the `[retail]`
//! card also carries the retail decline of the month. Loyalty cuts a user's bill from a tenure
//! on the plan; accounting applies it after the rule's bill, before fees.

use serde::Serialize;

use super::PlanSpec;
use crate::dist::Param;

/// One step of a price schedule: from calendar month `from_month` on, what the customer pays
/// is multiplied by `factor` (until the next step).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct ScheduleStep {
    /// The first month of the step (the first step's is 0; strictly increasing).
    pub from_month: u64,
    /// Multiplier on what the customer pays, >= 0.
    pub factor: Param,
}

/// A loyalty discount: from tenure index `after_months` on the plan (0-based), the user's bill
/// is multiplied by 1 - `discount`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LoyaltySpec {
    /// The first tenure index (billed months on the plan before this one) that is discounted.
    pub after_months: u64,
    /// Share of the bill taken off, in [0, 1].
    pub discount: Param,
}

/// One plan's prices in one trial.
#[derive(Clone, Debug)]
pub struct PlanPrices {
    /// Per calendar month: the schedule's factor on per-period prices.
    pub price: Vec<f64>,
    /// Per calendar month: the factor on usage charged at the plan's rates (the schedule's
    /// factor, times the retail decline when the plan bills at the `[retail]` card).
    pub rate: Vec<f64>,
    /// The first discounted tenure index (`u64::MAX` without loyalty).
    loyal_after: u64,
    /// 1 - discount (1 without loyalty).
    loyal_keep: f64,
    /// Whether anything moves: a factor (or the retail decline) other than 1, or loyalty.
    pub moves: bool,
}

impl PlanPrices {
    /// Plan `plan`'s prices for the trial's `draws`, where `retail_decline[m]` is the retail
    /// card's factor of month m (one entry per month of the horizon).
    pub fn resolve(plan: &PlanSpec, draws: &[f64], retail_decline: &[f64]) -> PlanPrices {
        let at_retail = plan.kind.bills_at_retail();
        let price: Vec<f64> = (0..retail_decline.len() as u64)
            .map(|m| schedule_factor(&plan.price_schedule, draws, m))
            .collect();
        let rate: Vec<f64> = price
            .iter()
            .zip(retail_decline)
            .map(|(&f, &r)| if at_retail { f * r } else { f })
            .collect();
        let (loyal_after, loyal_keep) = plan.loyalty.map_or((u64::MAX, 1.0), |l| {
            (l.after_months, 1.0 - l.discount.value(draws))
        });
        let moves = plan.loyalty.is_some()
            || [&price, &rate, retail_decline]
                .iter()
                .any(|v| v.iter().any(|&x| x != 1.0));
        PlanPrices {
            price,
            rate,
            loyal_after,
            loyal_keep,
            moves,
        }
    }

    /// What is kept of a bill at tenure index `tenure` on the plan: 1 - discount from
    /// `after_months` on, else 1.
    #[inline]
    pub fn keep(&self, tenure: usize) -> f64 {
        if tenure as u64 >= self.loyal_after {
            self.loyal_keep
        } else {
            1.0
        }
    }
}

/// The factor of `schedule` in month `m`: that of its last step starting at or before m; 1
/// without a schedule.
pub fn schedule_factor(schedule: &[ScheduleStep], draws: &[f64], m: u64) -> f64 {
    schedule
        .iter()
        .take_while(|s| s.from_month <= m)
        .last()
        .map_or(1.0, |s| s.factor.value(draws))
}

/// A card's factor in each of `months` months at an annual decline `rate`:
/// (1 - rate)^(m/12), exactly 1 at rate 0.
pub fn decline(rate: f64, months: usize) -> Vec<f64> {
    (0..months)
        .map(|m| (1.0 - rate).powf(m as f64 / 12.0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(from_month: u64, factor: f64) -> ScheduleStep {
        ScheduleStep {
            from_month,
            factor: Param::Fixed(factor),
        }
    }

    #[test]
    fn a_schedule_takes_the_last_step_started() {
        let s = [step(0, 1.0), step(3, 0.8), step(5, 0.5)];
        let f: Vec<f64> = (0..7).map(|m| schedule_factor(&s, &[], m)).collect();
        assert_eq!(f, [1.0, 1.0, 1.0, 0.8, 0.8, 0.5, 0.5]);
        assert_eq!(schedule_factor(&[], &[], 9), 1.0);
        let drawn = [ScheduleStep {
            from_month: 0,
            factor: Param::Drawn(1),
        }];
        assert_eq!(schedule_factor(&drawn, &[7.0, 0.25], 4), 0.25);
    }

    #[test]
    fn decline_is_exactly_one_at_rate_zero_and_compounds_yearly() {
        assert!(decline(0.0, 30).iter().all(|&x| x == 1.0));
        let d = decline(0.36, 25);
        assert_eq!(d[0], 1.0);
        assert!((d[12] - 0.64).abs() < 1e-15);
        assert!((d[24] - 0.64 * 0.64).abs() < 1e-15);
        assert!((d[6] - 0.8).abs() < 1e-15);
    }
}
