//! What a run produced, as plain data: per-trial totals and the run-level sums over trials.
//!
//! Results carry their own counts (users billed and active user-months per plan, users per
//! segment and decile, active users per month), so every consumer (summary, exporters, later
//! analyses) reads counts from here, never from the scenario. Each trial keeps, per plan, its
//! totals, its profit in each month and its users and profit in each segment
//! ([`PlanTrial`]), for statistics over trials. Everything here is serialisable.
//!
//! The run-level sums ([`RunResults::segments`], [`RunResults::deciles`],
//! [`RunResults::months`]) are formed by adding each trial's own sums in trial order
//! ([`RunResults::push`]). A trial can keep its own sums ([`TrialResult::groups`]); results
//! of disjoint trial ranges that kept them merge exactly ([`merge`]): the merge adds the same
//! numbers in the same order as a single run, so the merged results are bit-identical to it.

pub mod merge;
mod totals;

use serde::{Deserialize, Serialize};

pub use merge::{MergeError, merge};
pub use totals::{ChoiceTotals, GroupTotals, MonthTotals, PopulationMonth, Totals};

/// One plan's results in one trial.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanTrial {
    /// Whole-horizon totals.
    pub totals: Totals,
    /// Profit of each month, 0..months (for percentiles over trials).
    pub month_profit: Vec<f64>,
    /// Net present value: the month profits discounted at the trial's `discount_rate`,
    /// summed in month order (equal to the sum of `month_profit` at rate 0).
    #[serde(default)]
    pub npv: f64,
    /// Users and profit of each segment, in config order (for percentiles over trials of a
    /// segment's profit per user); 16 bytes per segment.
    pub segments: Vec<SegmentProfit>,
}

/// One segment's users and total profit on one plan in one trial.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SegmentProfit {
    /// Users of the segment billed on the plan.
    pub users: u64,
    /// Their total profit over the horizon.
    pub profit: f64,
}

/// One trial's own sums by segment, decile and month, per plan.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrialGroups {
    /// `[plan][segment]`.
    pub segments: Vec<Vec<GroupTotals>>,
    /// `[plan][decile]`.
    pub deciles: Vec<Vec<GroupTotals>>,
    /// `[plan][month]`.
    pub months: Vec<Vec<MonthTotals>>,
    /// `[option][segment]` (menu mode; empty in each mode).
    #[serde(default)]
    pub choices: Vec<Vec<ChoiceTotals>>,
    /// `[month]`: the population by state (menu mode; empty in each mode).
    #[serde(default)]
    pub population: Vec<PopulationMonth>,
}

/// One trial's results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrialResult {
    /// Trial index, from 0.
    pub trial: u64,
    /// The trial-level draws, in slot order.
    pub draws: Vec<f64>,
    /// Per plan, in config order.
    pub plans: Vec<PlanTrial>,
    /// The trial's own group sums, when kept (for an exact merge of trial ranges); already
    /// added into the run-level sums either way.
    pub groups: Option<TrialGroups>,
}

/// How the results were produced: what run.json records besides the scenario.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    /// The random generator and how its streams are keyed.
    pub rng: String,
    /// Users per block, the unit of parallel work.
    pub block_users: u64,
}

/// Everything a run (or a range of its trials) produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResults {
    /// How they were produced.
    pub provenance: Provenance,
    /// Per trial, in trial order.
    pub trials: Vec<TrialResult>,
    /// `[plan][segment]` sums over all trials.
    pub segments: Vec<Vec<GroupTotals>>,
    /// `[plan][decile]` sums over all trials.
    pub deciles: Vec<Vec<GroupTotals>>,
    /// `[plan][month]` sums over all trials.
    pub months: Vec<Vec<MonthTotals>>,
    /// `[option][segment]` sums over all trials: the options of
    /// [`crate::Scenario::options`] (every plan, then `none`); empty in each mode.
    #[serde(default)]
    pub choices: Vec<Vec<ChoiceTotals>>,
    /// `[month]` population by state, summed over all trials; empty in each mode.
    #[serde(default)]
    pub population: Vec<PopulationMonth>,
}

/// Demand deciles per trial.
pub const DECILES: usize = 10;

impl RunResults {
    /// Empty results for `plans` plans, `segments` segments and `months` months.
    pub fn new(provenance: Provenance, plans: usize, segments: usize, months: usize) -> Self {
        RunResults {
            provenance,
            trials: Vec::new(),
            segments: vec![vec![GroupTotals::default(); segments]; plans],
            deciles: vec![vec![GroupTotals::default(); DECILES]; plans],
            months: vec![vec![MonthTotals::default(); months]; plans],
            choices: Vec::new(),
            population: Vec::new(),
        }
    }

    /// These results with room for a menu's `options` per segment and a population per month.
    pub fn with_menu(mut self, options: usize) -> Self {
        let (segments, months) = (
            self.segments.first().map_or(0, Vec::len),
            self.months.first().map_or(0, Vec::len),
        );
        self.choices = vec![vec![ChoiceTotals::default(); segments]; options];
        self.population = vec![PopulationMonth::default(); months];
        self
    }

    /// Appends one trial (trials must come in trial order) and adds its group sums into the
    /// run-level sums. The trial keeps its own copy of them only when `keep_groups` is set.
    pub fn push(&mut self, mut trial: TrialResult, groups: TrialGroups, keep_groups: bool) {
        add_all(&mut self.segments, &groups.segments, GroupTotals::add);
        add_all(&mut self.deciles, &groups.deciles, GroupTotals::add);
        add_all(&mut self.months, &groups.months, MonthTotals::add);
        add_all(&mut self.choices, &groups.choices, ChoiceTotals::add);
        for (a, b) in self.population.iter_mut().zip(&groups.population) {
            a.add(b);
        }
        trial.groups = keep_groups.then_some(groups);
        self.trials.push(trial);
    }

    /// Number of plans.
    pub fn plans(&self) -> usize {
        self.months.len()
    }

    /// Trials in these results.
    pub fn trial_count(&self) -> u64 {
        self.trials.len() as u64
    }

    /// Users billed on plan `p`, summed over trials (user-trials).
    pub fn plan_users(&self, p: usize) -> u64 {
        self.trials.iter().map(|t| t.plans[p].totals.users).sum()
    }

    /// The first plan (index) with a sum that is not finite, anywhere in the results: values so
    /// extreme that f64 overflowed (or 0 x inf). Such results must not be written.
    pub fn non_finite_plan(&self) -> Option<usize> {
        let groups = |g: &[GroupTotals]| g.iter().all(GroupTotals::is_finite);
        (0..self.plans())
            .find(|&p| {
                let trials = self.trials.iter().all(|t| {
                    let pt = &t.plans[p];
                    pt.totals.is_finite()
                        && pt.npv.is_finite()
                        && pt.month_profit.iter().all(|x| x.is_finite())
                        && pt.segments.iter().all(|s| s.profit.is_finite())
                });
                let months = self.months[p].iter().all(MonthTotals::is_finite);
                !(trials && months && groups(&self.segments[p]) && groups(&self.deciles[p]))
            })
            .or_else(|| {
                // A menu's choice sums belong to no row; report them on the first.
                let choices = self.choices.iter().flatten().all(ChoiceTotals::is_finite);
                (!choices).then_some(0)
            })
    }
}

fn add_all<T>(into: &mut [Vec<T>], from: &[Vec<T>], add: fn(&mut T, &T)) {
    for (a, b) in into.iter_mut().zip(from) {
        for (x, y) in a.iter_mut().zip(b) {
            add(x, y);
        }
    }
}

/// A count per trial: `total / trials` (exact when every trial has the same count); `None`
/// when there are no trials.
pub fn per_trial(total: u64, trials: u64) -> Option<f64> {
    (trials > 0).then(|| total as f64 / trials as f64)
}
