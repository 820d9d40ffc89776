//! One trial of a scenario: every per-trial draw applied, so the values a user's life and
//! bills need are plain numbers and ready-built samplers.

use std::sync::Arc;

use crate::dist::Sampler;
use crate::model::MAX_USERS;
use crate::model::arrivals::{Cohort, cohorts, population};
use crate::model::plans::Usage;
use crate::model::plans::commitment::CommitTrial;
use crate::model::prices::{self, PlanPrices};
use crate::model::replay::Replay;
use crate::model::{Choice, Mode, PerUser, Rates, Rechoose, Rule, Scenario, SegmentValue, Work};

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
    /// The list card at month 0.
    pub retail: Rates,
    /// List card multiplier per month: (1 - `[retail] annual_decline`)^(m/12).
    pub retail_decline: Vec<f64>,
    /// The serving-cost card at month 0.
    pub cost: Rates,
    /// Cost multiplier per month: (1 - annual_decline)^(m/12).
    pub decline: Vec<f64>,
    /// Discount factor per month: (1 + discount_rate)^(-m/12), exactly 1 at rate 0.
    pub discount: Vec<f64>,
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
    /// Each plan's price factors per month and loyalty discount, in config order.
    pub prices: Vec<PlanPrices>,
    /// Each plan's commitment (`None` without one), in config order.
    pub commits: Vec<Option<CommitTrial>>,
    /// Each plan's usage_response.
    pub response: Vec<f64>,
    /// Whether each plan bills per account of a team (`per_seat`).
    pub per_seat: Vec<bool>,
    /// Each plan's anxiety, $ a month felt when choosing.
    pub anxiety: Vec<f64>,
    /// Each plan's quality, the share of the value it delivers.
    pub quality: Vec<f64>,
    /// Each plan's output row ([`Scenario::rows`]), `None` for an external plan.
    pub row: Vec<Option<usize>>,
    /// The market's terms in this trial.
    pub market: MarketTrial,
    /// The population: runs of user indices by segment and arrival month.
    pub cohorts: Vec<Cohort>,
    /// The export's users when they are replayed (`[population]`): each user's life comes
    /// from it ([`crate::model::replay`]).
    pub replay: Option<Arc<Replay>>,
}

/// The market's terms in one trial.
pub struct MarketTrial {
    /// The logit scale, `None` for best choice.
    pub logit_scale: Option<f64>,
    /// When users choose again.
    pub rechoose: Rechoose,
    /// A bill above (1 + this) x the expected bill is a shock.
    pub shock_threshold: f64,
    /// Value curvature, in (0, 1].
    pub value_curvature: f64,
    /// The portfolio row (menu mode).
    pub portfolio: Option<usize>,
}

/// One segment's values in one trial.
pub struct SegmentTrial {
    /// The user's first draw: base demand D (output tokens in a typical month), or on a task
    /// segment the tasks in a typical month.
    pub demand: Sampler,
    /// A task segment's other per-user values (`None` on a token segment).
    pub tasks: Option<TasksTrial>,
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
    /// Extra probability of leaving after a shock month (menu mode).
    pub shock_churn: f64,
    /// The user's value: `(per_retail, sampler)` (menu mode; `None` when not given).
    pub value: Option<(bool, Sampler)>,
    /// Seats per account, before rounding (`None`: not a team segment).
    pub team_size: Option<Sampler>,
    /// Probability that a seat leaves alone after each month (team segments).
    pub seat_churn: f64,
}

/// A task segment's per-user values besides its tasks, in one trial.
pub struct TasksTrial {
    /// Output tokens per task.
    pub per_task: Sampler,
    /// Probability that a task succeeds.
    pub success_rate: Sampler,
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
        let discount_rate = scn.cost.discount_rate.value(d);
        let per_month = scn.market.new_users_per_month.value(d);
        let users = scn.simulation.users;
        let everyone = population(users, months, per_month);
        if everyone > MAX_USERS {
            return Err(DrawError {
                path: "market.new_users_per_month".into(),
                reason: format!(
                    "{per_month} arrivals a month make {everyone} users in the trial, over the \
                     limit of {MAX_USERS}"
                ),
            });
        }
        let shares: Vec<f64> = scn.segments.iter().map(|s| s.share).collect();
        let retail = scn.retail.resolve(d);
        let retail_decline = prices::decline(scn.retail_decline.value(d), months);
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
                let (demand, tasks) = match &s.work {
                    Work::Tokens { output_tokens } => (at("output_tokens", output_tokens)?, None),
                    Work::Tasks {
                        tasks,
                        output_per_task,
                        success_rate,
                    } => (
                        at("tasks", tasks)?,
                        Some(TasksTrial {
                            per_task: at("output_per_task", output_per_task)?,
                            success_rate: at("success_rate", success_rate)?,
                        }),
                    ),
                };
                Ok(SegmentTrial {
                    demand,
                    tasks,
                    ratio: at("input_per_output", &s.input_per_output)?,
                    cache_read: at("cache_read_share", &s.cache_read_share)?,
                    cache_write: at("cache_write_share", &s.cache_write_share)?,
                    vol: s.monthly_volatility.value(d),
                    growth: (0..months).map(|m| (1.0 + g).powi(m as i32)).collect(),
                    churn: s.monthly_churn.value(d),
                    shock_churn: s.shock_churn.value(d),
                    value: match &s.value {
                        None => None,
                        Some(SegmentValue::Value(v)) => Some((false, at("value", v)?)),
                        Some(SegmentValue::ValuePerRetail(v)) => {
                            Some((true, at("value_per_retail", v)?))
                        }
                    },
                    team_size: match &s.team_size {
                        None => None,
                        Some(t) => Some(at("team_size", t)?),
                    },
                    seat_churn: s.seat_churn.map_or(0.0, |p| p.value(d)),
                })
            })
            .collect::<Result<Vec<_>, DrawError>>()?;
        Ok(Trial {
            retail,
            cost: scn.cost.card.resolve(d),
            decline: (0..months)
                .map(|m| (1.0 - decline_rate).powf(m as f64 / 12.0))
                .collect(),
            discount: (0..months)
                .map(|m| (1.0 + discount_rate).powf(-(m as f64) / 12.0))
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
            prices: scn
                .plans
                .iter()
                .map(|p| PlanPrices::resolve(p, d, &retail_decline))
                .collect(),
            retail_decline,
            commits: scn
                .plans
                .iter()
                .map(|p| {
                    p.commitment
                        .as_ref()
                        .map(|c| {
                            let amount = c.amount.resolve(d).map_err(|reason| DrawError {
                                path: format!("plan.{}.commitment.amount", p.name),
                                reason,
                            })?;
                            Ok(CommitTrial {
                                amount,
                                key: crate::model::purpose::fnv1a(p.name.as_bytes()),
                                term: c.term_months,
                                prorate: c.prorate_on_exit,
                            })
                        })
                        .transpose()
                })
                .collect::<Result<Vec<_>, DrawError>>()?,
            response: scn
                .plans
                .iter()
                .map(|p| p.usage_response.value(d))
                .collect(),
            per_seat: scn.plans.iter().map(|p| p.per_seat).collect(),
            anxiety: scn.plans.iter().map(|p| p.anxiety.value(d)).collect(),
            quality: scn.plans.iter().map(|p| p.quality.value(d)).collect(),
            row: rows_of_plans(scn),
            market: {
                let m = &scn.market;
                let menu = m.mode == Mode::Menu;
                MarketTrial {
                    logit_scale: match m.choice {
                        Choice::Best => None,
                        Choice::Logit => m.logit_scale.map(|p| p.value(d)),
                    },
                    rechoose: m.rechoose,
                    shock_threshold: m.shock_threshold.value(d),
                    value_curvature: m.value_curvature.value(d),
                    portfolio: menu.then(|| scn.rows().len() - 1),
                }
            },
            cohorts: match &scn.population {
                Some(r) => r.cohorts(users),
                None => cohorts(&shares, users, months, per_month),
            },
            replay: scn.population.clone(),
            draws,
        })
    }

    /// Months in the horizon.
    pub fn months(&self) -> usize {
        self.decline.len()
    }

    /// The net present value of a row's month profits (`month_profit[m]` for month m):
    /// the sum over months, in month order, of profit x (1 + discount_rate)^(-m/12).
    pub fn npv(&self, month_profit: &[f64]) -> f64 {
        month_profit
            .iter()
            .zip(&self.discount)
            .fold(0.0, |npv, (p, f)| npv + p * f)
    }

    /// `usage` as plan `p` sees it in calendar month `m`: with the month's price factors.
    #[inline(always)]
    pub fn priced<'a>(&self, p: usize, m: usize, usage: Usage<'a>) -> Usage<'a> {
        let prices = &self.prices[p];
        Usage {
            price_factor: prices.price[m],
            rate_factor: prices.rate[m],
            ..usage
        }
    }

    /// Whether any plan has a commitment (users then draw their amounts).
    pub fn has_commitments(&self) -> bool {
        self.commits.iter().any(Option::is_some)
    }

    /// Plans, in config order.
    pub fn plans(&self) -> usize {
        self.rules.len()
    }

    /// Users in the trial: the month-0 users and every arrival.
    pub fn population(&self) -> u64 {
        self.cohorts.last().map_or(0, |c| c.end)
    }
}

/// Each plan's row among [`Scenario::rows`]: our plans in order; `None` for external plans.
fn rows_of_plans(scn: &Scenario) -> Vec<Option<usize>> {
    let mut next = 0;
    scn.plans
        .iter()
        .map(|p| {
            (!p.external).then(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}
