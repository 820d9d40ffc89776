//! The sums the engine forms: per-block accumulators ([`BlockAcc`]) summed in block order,
//! the per-user buffers of a trial in flight ([`TrialBuf`]), the shape of a run's sums
//! ([`Shape`]), and one trial's result from its summed blocks ([`finish_trial`]). Shared by the
//! single-scenario schedule ([`super::schedule`]) and the shared-points engine
//! ([`super::shared`]).

use crate::model::arrivals::Cohort;
use crate::model::{Scenario, Trial};
use crate::results::{
    ChoiceTotals, DECILES, GroupTotals, MonthTotals, PlanTrial, PopulationMonth, RunResults,
    SegmentProfit, Totals, TrialGroups, TrialResult,
};

/// Per-block accumulators.
pub(super) struct BlockAcc {
    pub(super) totals: Vec<Totals>,
    /// `[row * months + month]`.
    pub(super) months: Vec<MonthTotals>,
    /// `[row * segments + segment]`.
    pub(super) segments: Vec<GroupTotals>,
    /// `[row * 10 + decile]`.
    pub(super) deciles: Vec<GroupTotals>,
    /// `[option * segments + segment]` (menu mode).
    pub(super) choices: Vec<ChoiceTotals>,
    /// `[month]` (menu mode).
    pub(super) population: Vec<PopulationMonth>,
}

impl BlockAcc {
    pub(super) fn new(rows: usize, months: usize, segments: usize, options: usize) -> Self {
        let menu = options > 0;
        BlockAcc {
            totals: vec![Totals::default(); rows],
            months: vec![MonthTotals::default(); rows * months],
            segments: vec![GroupTotals::default(); rows * segments],
            deciles: vec![GroupTotals::default(); rows * DECILES],
            choices: vec![ChoiceTotals::default(); options * segments],
            population: vec![PopulationMonth::default(); if menu { months } else { 0 }],
        }
    }
    pub(super) fn add(&mut self, o: &BlockAcc) {
        for (a, b) in self.totals.iter_mut().zip(&o.totals) {
            a.add(b);
        }
        for (a, b) in self.months.iter_mut().zip(&o.months) {
            a.add(b);
        }
        for (a, b) in self.segments.iter_mut().zip(&o.segments) {
            a.add(b);
        }
        for (a, b) in self.deciles.iter_mut().zip(&o.deciles) {
            a.add(b);
        }
        for (a, b) in self.choices.iter_mut().zip(&o.choices) {
            a.add(b);
        }
        for (a, b) in self.population.iter_mut().zip(&o.population) {
            a.add(b);
        }
    }
}

/// Per-user state of one trial in flight.
pub(super) struct TrialBuf {
    /// Base demand D of each user.
    pub(super) demand: Vec<f64>,
    /// Demand decile (0..10) of each user.
    pub(super) decile: Vec<u8>,
    /// Scratch for ranking: only the users of the buckets a decile boundary falls in
    /// ([`super::ranking::rank_deciles`]), a few per bucket, so it starts empty.
    pub(super) keys: Vec<u128>,
    /// The first user of each account of the team segments ([`teams::deal`]).
    pub(super) starts: Vec<u64>,
}

impl TrialBuf {
    pub(super) fn new(users: usize) -> Self {
        TrialBuf {
            demand: vec![0.0; users],
            decile: vec![0; users],
            keys: Vec::new(),
            starts: Vec::new(),
        }
    }
}

/// The cohort of user `u`: the index of the first cohort that ends after it.
pub(super) fn cohort_of(cohorts: &[Cohort], u: u64) -> usize {
    cohorts.partition_point(|c| c.end <= u)
}

/// The shape of the sums: rows, months, segments and menu options.
#[derive(Clone, Copy)]
pub(super) struct Shape {
    pub(super) rows: usize,
    pub(super) months: usize,
    pub(super) segments: usize,
    pub(super) options: usize,
}

impl Shape {
    /// The shape of `scn`'s sums.
    pub(super) fn of(scn: &Scenario) -> Shape {
        Shape {
            rows: scn.rows().len(),
            months: scn.simulation.months as usize,
            segments: scn.segments.len(),
            options: scn.options().len(),
        }
    }

    /// Empty sums of this shape.
    pub(super) fn acc(self) -> BlockAcc {
        BlockAcc::new(self.rows, self.months, self.segments, self.options)
    }

    /// Empty results of this shape.
    pub(super) fn results(self) -> RunResults {
        let r = RunResults::new(super::provenance(), self.rows, self.segments, self.months);
        if self.options > 0 {
            r.with_menu(self.options)
        } else {
            r
        }
    }
}

/// One trial's result and group sums from its summed blocks.
pub(super) fn finish_trial(
    t: u64,
    st: Trial,
    mut acc: BlockAcc,
    shape: Shape,
) -> (TrialResult, TrialGroups) {
    for mt in &mut acc.months {
        mt.overhead = st.per_user_month * mt.active_users as f64;
        mt.profit = mt.revenue - mt.cost - mt.fees - mt.overhead;
    }
    let per_row = |v: &[GroupTotals], n: usize| -> Vec<Vec<GroupTotals>> {
        v.chunks(n).map(<[GroupTotals]>::to_vec).collect()
    };
    let groups = TrialGroups {
        segments: per_row(&acc.segments, shape.segments),
        deciles: per_row(&acc.deciles, DECILES),
        months: acc
            .months
            .chunks(shape.months)
            .map(<[MonthTotals]>::to_vec)
            .collect(),
        choices: acc
            .choices
            .chunks(shape.segments)
            .map(<[ChoiceTotals]>::to_vec)
            .collect(),
        population: acc.population,
    };
    // Each row's NPV discounts its month profits at the trial's rate.
    let plans = (0..shape.rows)
        .map(|p| {
            let month_profit: Vec<f64> = groups.months[p].iter().map(|m| m.profit).collect();
            PlanTrial {
                totals: acc.totals[p],
                npv: st.npv(&month_profit),
                month_profit,
                segments: groups.segments[p]
                    .iter()
                    .map(|g| SegmentProfit {
                        users: g.users,
                        profit: g.profit,
                    })
                    .collect(),
            }
        })
        .collect();
    let trial = TrialResult {
        trial: t,
        draws: st.draws,
        plans,
        groups: None,
    };
    (trial, groups)
}

/// Adds one user's totals on every row (`rows[r]`) to the block's sums, by segment and decile.
pub(super) fn add_user(acc: &mut BlockAcc, rows: &[Totals], seg: usize, decile: usize) {
    let n_segs = acc.segments.len() / rows.len().max(1);
    for (r, o) in rows.iter().enumerate() {
        if o.users == 0 {
            continue;
        }
        acc.totals[r].add(o);
        let g = GroupTotals::of_user(o);
        acc.segments[r * n_segs + seg].add(&g);
        acc.deciles[r * DECILES + decile].add(&g);
    }
}
