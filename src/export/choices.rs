//! choices.csv (menu mode only): who chose which option of the menu, per segment, and how
//! users moved between options afterwards.
//!
//! One row per option of [`crate::Scenario::options`] (every plan, ours and external, in
//! config order, then `none`) and segment, from the results' [`ChoiceTotals`]. Counts are per
//! trial (sums over trials / trials); value, expected bill and surplus are means over the users
//! who chose the option at their first choice, empty when nobody did.

use std::io::Write;

use super::{Exporter, Report, csv_writer, opt};
use crate::analysis::stats::ratio;
use crate::model::NONE;
use crate::results::{ChoiceTotals, per_trial};

/// The choices.csv exporter.
pub struct Choices;

/// Column names of choices.csv.
pub const COLUMNS: [&str; 12] = [
    "option",
    "kind",
    "external",
    "segment",
    "chosen_at_start_mean",
    "share_of_segment",
    "value_mean",
    "expected_bill_mean",
    "surplus_mean",
    "switched_in_mean",
    "switched_out_mean",
    "subscribers_end_mean",
];

impl Exporter for Choices {
    fn file_name(&self) -> &'static str {
        "choices.csv"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(COLUMNS)?;
        let scn = r.scenario;
        let trials = r.results.trial_count();
        for (o, (option, by_segment)) in scn
            .options()
            .into_iter()
            .zip(&r.results.choices)
            .enumerate()
        {
            // The options are the plans in config order, then `none`.
            let (kind, external) = match scn.plans.get(o) {
                Some(plan) => (plan.kind.name(), plan.external),
                None => (NONE, false),
            };
            for (segment, c) in scn.segment_names().into_iter().zip(by_segment) {
                let count = |n: u64| opt(per_trial(n, trials));
                let chosen = c.chosen_at_start as f64;
                let per_chooser = |x: fn(&ChoiceTotals) -> f64| opt(ratio(x(c), chosen));
                w.write_record([
                    option.to_string(),
                    kind.to_string(),
                    external.to_string(),
                    segment.to_string(),
                    count(c.chosen_at_start),
                    opt(ratio(chosen, c.choosers as f64)),
                    per_chooser(|c| c.value),
                    per_chooser(|c| c.expected_bill),
                    per_chooser(|c| c.surplus),
                    count(c.switched_in),
                    count(c.switched_out),
                    count(c.subscribers_end),
                ])?;
            }
        }
        w.flush()
    }
}
