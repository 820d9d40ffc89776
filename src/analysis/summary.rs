//! Per-row statistics over trials: the numbers of summary.csv and of the table on stdout.
//!
//! A row is one of [`Scenario::rows`]: each of our plans, then in menu mode the portfolio; the
//! results' plan index is the row index. Per-user figures are over the row's subscribers (the
//! users billed on it in at least one month) and are `None` when it has none.

use crate::analysis::quantile_ci::percentile_ci_sorted;
use crate::analysis::stats::{
    cvar_05_sorted, mean, percentile_sorted, ratio, sd, se, share_negative, sorted,
};
use crate::model::Scenario;
use crate::results::{RunResults, Totals, per_trial};

/// Levels of the profit percentiles in summary.csv.
pub const PROFIT_LEVELS: [f64; 9] = [1.0, 5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0];

/// Levels of the NPV percentiles in summary.csv.
pub const NPV_LEVELS: [f64; 3] = [5.0, 50.0, 95.0];

/// One row of summary.csv. `None` is written as an empty cell.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanSummary {
    /// Plan name.
    pub plan: String,
    /// Plan kind.
    pub kind: &'static str,
    /// Trials.
    pub trials: u64,
    /// Users of the trial (month-0 users and arrivals), mean over trials: in each mode every
    /// one of them is billed on every plan; in menu mode they are the population that chose.
    pub users: f64,
    /// Months per trial.
    pub months: u32,
    /// Mean revenue per trial.
    pub revenue_mean: f64,
    /// Mean serving cost per trial.
    pub cost_mean: f64,
    /// Mean fees per trial.
    pub fees_mean: f64,
    /// Mean overhead per trial.
    pub overhead_mean: f64,
    /// Mean profit per trial.
    pub profit_mean: f64,
    /// Sample sd of profit (n - 1).
    pub profit_sd: Option<f64>,
    /// Standard error of the mean profit.
    pub profit_se: Option<f64>,
    /// Profit percentiles at `PROFIT_LEVELS`.
    pub profit_pct: [f64; 9],
    /// 95% confidence intervals `(lo, hi)` of the profit percentiles, from order statistics
    /// ([`crate::analysis::quantile_ci`]); `None` when the trials are too few for one.
    pub profit_ci: [Option<(f64, f64)>; 9],
    /// Share of trials with profit < 0.
    pub prob_loss: f64,
    /// Mean of the worst 5% of trial profits.
    pub cvar_05: f64,
    /// Percentiles 5, 50, 95 of profit / revenue over trials with revenue > 0.
    pub margin_pct: [Option<f64>; 3],
    /// Share of subscriber-trials with total profit < 0; `None` without subscribers.
    pub loss_user_share: Option<f64>,
    /// Mean retail value of served tokens per trial.
    pub retail_value_mean: f64,
    /// Serving cost / retail value (ratio of sums).
    pub cost_to_retail: Option<f64>,
    /// Revenue per active user-month (ratio of sums).
    pub arpu: Option<f64>,
    /// profit_mean / subscribers_mean: profit per subscriber; `None` without subscribers.
    pub profit_per_user: Option<f64>,
    /// Users billed on the row in at least one month of a trial, mean over trials.
    pub subscribers_mean: f64,
    /// Mean NPV per trial (month profits discounted at the trial's `discount_rate`).
    pub npv_mean: f64,
    /// NPV percentiles at `NPV_LEVELS`.
    pub npv_pct: [f64; 3],
    /// Serving cost / successful tasks (ratio of sums over trials); `None` without successes.
    pub cost_per_success: Option<f64>,
    /// Mean commitment true-ups billed per trial (part of `revenue_mean`).
    pub trueup_revenue_mean: f64,
    /// Mean shortfall of commitment terms open at the horizon per trial (not billed).
    pub trueup_open_mean: f64,
    /// Accounts billed on the row per trial, mean over trials: one per user, except that a
    /// team's seats on a `per_seat` plan are one account (= subscribers_mean without teams).
    pub accounts_mean: f64,
}

impl PlanSummary {
    /// Whether every number is finite (no overflow anywhere upstream).
    pub fn is_finite(&self) -> bool {
        let opts = [
            self.profit_sd,
            self.profit_se,
            self.cost_to_retail,
            self.arpu,
            self.loss_user_share,
            self.profit_per_user,
            self.cost_per_success,
        ]
        .into_iter()
        .chain(self.margin_pct)
        .chain(
            self.profit_ci
                .iter()
                .flatten()
                .flat_map(|&(lo, hi)| [Some(lo), Some(hi)]),
        )
        .flatten();
        [
            self.revenue_mean,
            self.cost_mean,
            self.fees_mean,
            self.overhead_mean,
            self.profit_mean,
            self.prob_loss,
            self.cvar_05,
            self.retail_value_mean,
            self.subscribers_mean,
            self.accounts_mean,
            self.npv_mean,
            self.trueup_revenue_mean,
            self.trueup_open_mean,
        ]
        .into_iter()
        .chain(self.profit_pct)
        .chain(self.npv_pct)
        .chain(opts)
        .all(f64::is_finite)
    }
}

/// Summarises every row of [`Scenario::rows`], in order. Names and kinds come from the
/// scenario; every count (trials, users, subscribers, months) comes from the results.
pub fn summarize(scn: &Scenario, res: &RunResults) -> Vec<PlanSummary> {
    let population = population_per_trial(res);
    scn.rows()
        .into_iter()
        .enumerate()
        .map(|(p, (name, kind))| {
            let col = |f: &dyn Fn(&Totals) -> f64| -> Vec<f64> {
                res.trials.iter().map(|t| f(&t.plans[p].totals)).collect()
            };
            let profit = col(&|t| t.profit);
            let sorted_profit = sorted(&profit);
            let npv: Vec<f64> = res.trials.iter().map(|t| t.plans[p].npv).collect();
            let sorted_npv = sorted(&npv);
            let margins: Vec<f64> = res
                .trials
                .iter()
                .map(|t| &t.plans[p].totals)
                .filter(|t| t.revenue > 0.0)
                .map(|t| t.profit / t.revenue)
                .collect();
            let sorted_margins = sorted(&margins);
            let sum = |f: &dyn Fn(&Totals) -> f64| -> f64 {
                res.trials.iter().map(|t| f(&t.plans[p].totals)).sum()
            };
            let n = res.trials.len() as f64;
            let user_trials = res.plan_users(p);
            let subscribers = per_trial(user_trials, res.trial_count()).unwrap_or(0.0);
            let profit_mean = mean(&profit).unwrap_or(0.0);
            PlanSummary {
                plan: name.to_string(),
                kind,
                trials: res.trials.len() as u64,
                users: population.unwrap_or(subscribers),
                months: res.months[p].len() as u32,
                revenue_mean: sum(&|t| t.revenue) / n,
                cost_mean: sum(&|t| t.cost) / n,
                fees_mean: sum(&|t| t.fees) / n,
                overhead_mean: sum(&|t| t.overhead) / n,
                profit_mean,
                profit_sd: sd(&profit),
                profit_se: se(&profit),
                profit_pct: PROFIT_LEVELS
                    .map(|q| percentile_sorted(&sorted_profit, q).unwrap_or(0.0)),
                profit_ci: PROFIT_LEVELS.map(|q| percentile_ci_sorted(&sorted_profit, q)),
                prob_loss: share_negative(&profit).unwrap_or(0.0),
                cvar_05: cvar_05_sorted(&sorted_profit).unwrap_or(0.0),
                margin_pct: [5.0, 50.0, 95.0].map(|q| percentile_sorted(&sorted_margins, q)),
                loss_user_share: (user_trials > 0)
                    .then(|| sum(&|t| t.loss_users as f64) / user_trials as f64),
                retail_value_mean: sum(&|t| t.retail_value) / n,
                cost_to_retail: ratio(sum(&|t| t.cost), sum(&|t| t.retail_value)),
                arpu: ratio(sum(&|t| t.revenue), sum(&|t| t.active_user_months as f64)),
                profit_per_user: (user_trials > 0).then(|| profit_mean / subscribers),
                subscribers_mean: subscribers,
                npv_mean: mean(&npv).unwrap_or(0.0),
                npv_pct: NPV_LEVELS.map(|q| percentile_sorted(&sorted_npv, q).unwrap_or(0.0)),
                cost_per_success: ratio(sum(&|t| t.cost), sum(&|t| t.successes)),
                trueup_revenue_mean: sum(&|t| t.trueup_revenue) / n,
                trueup_open_mean: sum(&|t| t.trueup_open) / n,
                accounts_mean: sum(&|t| t.accounts as f64) / n,
            }
        })
        .collect()
}

/// The users of a trial (month-0 users and arrivals), mean over trials, where the results
/// count the population (menu mode); `None` in each mode, where every user is billed on every
/// plan and a plan's subscribers are the population.
fn population_per_trial(res: &RunResults) -> Option<f64> {
    let arrived = res.population.last()?.arrived;
    per_trial(arrived, res.trial_count())
}

/// Levels of the per-user profit percentiles in segments.csv.
pub const SEGMENT_LEVELS: [f64; 3] = [5.0, 50.0, 95.0];

/// One segment's risk on one plan, over the trials in which it has users on the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentRisk {
    /// Percentiles at [`SEGMENT_LEVELS`] of the segment's profit per user in a trial.
    pub profit_per_user_pct: [Option<f64>; 3],
    /// Share of those trials in which the segment's total profit is < 0.
    pub prob_loss: Option<f64>,
}

/// The risk of segment `s` on plan `p`, from each trial's segment sums (same percentile rule as
/// summary.csv). Trials in which the segment has no users on the plan are left out; with none
/// left every figure is `None`.
pub fn segment_risk(res: &RunResults, p: usize, s: usize) -> SegmentRisk {
    let sums: Vec<_> = res
        .trials
        .iter()
        .map(|t| t.plans[p].segments[s])
        .filter(|g| g.users > 0)
        .collect();
    let per_user: Vec<f64> = sums.iter().map(|g| g.profit / g.users as f64).collect();
    let sorted = sorted(&per_user);
    let total: Vec<f64> = sums.iter().map(|g| g.profit).collect();
    SegmentRisk {
        profit_per_user_pct: SEGMENT_LEVELS.map(|q| percentile_sorted(&sorted, q)),
        prob_loss: share_negative(&total),
    }
}
