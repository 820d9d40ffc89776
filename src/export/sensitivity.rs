//! sensitivity.csv: what drives profit. For each row of [`crate::Scenario::rows`] and each
//! trial-level input (trials.csv's draw columns), the Spearman rank correlation of the input
//! with the row's per-trial profit and its share of variance
//! ([`crate::analysis::sensitivity`]); rows grouped by plan in row order, inputs by
//! |spearman| descending. Header only when the scenario draws nothing per trial.

use std::io::Write;

use super::{Exporter, Report, csv_writer, num, opt};
use crate::analysis::sensitivity::{drivers, ranks};
use crate::results::RunResults;

/// The sensitivity.csv exporter.
pub struct Sensitivity;

/// Column names of sensitivity.csv.
pub const COLUMNS: [&str; 4] = ["plan", "input", "spearman", "variance_share"];

/// Each trial-level input's values over the trials, in trials.csv's column order.
pub(super) fn input_values(results: &RunResults, inputs: usize) -> Vec<Vec<f64>> {
    (0..inputs)
        .map(|i| results.trials.iter().map(|t| t.draws[i]).collect())
        .collect()
}

/// Row `row`'s profit in each trial: trials.csv's `profit`.
pub(super) fn row_profit(results: &RunResults, row: usize) -> Vec<f64> {
    results
        .trials
        .iter()
        .map(|t| t.plans[row].totals.profit)
        .collect()
}

impl Exporter for Sensitivity {
    fn file_name(&self) -> &'static str {
        "sensitivity.csv"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(COLUMNS)?;
        let slots = &r.scenario.slots;
        if !slots.is_empty() {
            let input_ranks: Vec<Vec<f64>> = input_values(r.results, slots.len())
                .iter()
                .map(|x| ranks(x))
                .collect();
            for (row, (plan, _)) in r.scenario.rows().iter().enumerate() {
                for d in drivers(&input_ranks, &row_profit(r.results, row)) {
                    w.write_record([
                        plan.to_string(),
                        slots[d.input].path.clone(),
                        opt(d.spearman),
                        num(d.variance_share),
                    ])?;
                }
            }
        }
        w.flush()
    }
}
