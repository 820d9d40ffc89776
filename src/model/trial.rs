//! One trial of a scenario: every per-trial draw applied, so the values a user's life and
//! bills need are plain numbers and ready-built samplers.

use crate::dist::Sampler;
use crate::model::{PerUser, Rates, Rule, Scenario};

/// A per-trial draw that came out of range (validation prevents it for the scenarios it
/// accepts; kept as a guard): the field's path and why.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct DrawError {
    /// Field path, e.g. `segment.power.output_tokens`.
    pub path: String,
    /// What is wrong with the drawn value.
    pub reason: String,
}

/// A scenario with one trial's draws applied.
pub struct Trial {
    /// The trial-level draws, in slot order.
    pub draws: Vec<f64>,
    /// The list card.
    pub retail: Rates,
    /// The serving-cost card at month 0.
    pub cost: Rates,
    /// Cost multiplier per month: (1 - annual_decline)^(m/12).
    pub decline: Vec<f64>,
    /// Overhead, $ per active user-month.
    pub per_user_month: f64,
    /// Payment fee, share of each bill > 0.
    pub fee_rate: f64,
    /// Payment fee, $ per bill > 0.
    pub fee_fixed: f64,
    /// Per segment, in config order.
    pub segments: Vec<SegmentTrial>,
    /// Each plan's billing rule, in config order.
    pub rules: Vec<Rule>,
    /// Each plan's usage_response.
    pub response: Vec<f64>,
}

/// One segment's values in one trial.
pub struct SegmentTrial {
    /// Base demand D (output tokens in a typical month).
    pub demand: Sampler,
    /// Prompt tokens per output token.
    pub ratio: Sampler,
    /// Cache read share of prompt tokens.
    pub cache_read: Sampler,
    /// Cache write share of prompt tokens.
    pub cache_write: Sampler,
    /// Log-sigma of the monthly noise.
    pub vol: f64,
    /// (1 + growth)^m per month.
    pub growth: Vec<f64>,
    /// Probability of leaving after each month.
    pub churn: f64,
}

impl Trial {
    /// The scenario with the trial-level `draws` (one per slot, in slot order) applied.
    ///
    /// # Errors
    /// [`DrawError`] when a drawn parameter makes a per-user distribution invalid.
    pub fn resolve(scn: &Scenario, draws: Vec<f64>) -> Result<Trial, DrawError> {
        let d = &draws;
        let months = scn.simulation.months as usize;
        let decline_rate = scn.cost.annual_decline.value(d);
        let retail = scn.retail.resolve(d);
        let segments = scn
            .segments
            .iter()
            .map(|s| {
                let at = |what: &str, p: &PerUser| {
                    p.resolve(d).map_err(|reason| DrawError {
                        path: format!("segment.{}.{what}", s.name),
                        reason,
                    })
                };
                let g = s.monthly_growth.value(d);
                Ok(SegmentTrial {
                    demand: at("output_tokens", &s.output_tokens)?,
                    ratio: at("input_per_output", &s.input_per_output)?,
                    cache_read: at("cache_read_share", &s.cache_read_share)?,
                    cache_write: at("cache_write_share", &s.cache_write_share)?,
                    vol: s.monthly_volatility.value(d),
                    growth: (0..months).map(|m| (1.0 + g).powi(m as i32)).collect(),
                    churn: s.monthly_churn.value(d),
                })
            })
            .collect::<Result<Vec<_>, DrawError>>()?;
        Ok(Trial {
            retail,
            cost: scn.cost.card.resolve(d),
            decline: (0..months)
                .map(|m| (1.0 - decline_rate).powf(m as f64 / 12.0))
                .collect(),
            per_user_month: scn.cost.per_user_month.value(d),
            fee_rate: scn.cost.payment_fee_rate.value(d),
            fee_fixed: scn.cost.payment_fee_fixed.value(d),
            segments,
            rules: scn
                .plans
                .iter()
                .map(|p| p.kind.resolve(d, &retail))
                .collect(),
            response: scn
                .plans
                .iter()
                .map(|p| p.usage_response.value(d))
                .collect(),
            draws,
        })
    }

    /// Months in the horizon.
    pub fn months(&self) -> usize {
        self.decline.len()
    }

    /// Plans, in config order.
    pub fn plans(&self) -> usize {
        self.rules.len()
    }
}
