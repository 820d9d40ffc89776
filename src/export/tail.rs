//! tail.csv: which inputs make the bad tail. For each row of [`crate::Scenario::rows`] and
//! each trial-level input (trials.csv's draw columns, in their order), the input's mean over
//! the worst 5% of trials by the row's profit against its mean and sd over all trials
//! ([`crate::analysis::sensitivity::tail`]). Header only when the scenario draws nothing per
//! trial.

use std::io::Write;

use super::sensitivity::{input_values, row_profit};
use super::{Exporter, Report, csv_writer, opt};
use crate::analysis::sensitivity::{tail, worst_trials};

/// The tail.csv exporter.
pub struct Tail;

/// Column names of tail.csv.
pub const COLUMNS: [&str; 7] = [
    "plan",
    "input",
    "tail_trials",
    "tail_mean",
    "mean",
    "sd",
    "tail_shift_sd",
];

impl Exporter for Tail {
    fn file_name(&self) -> &'static str {
        "tail.csv"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(COLUMNS)?;
        let slots = &r.scenario.slots;
        if !slots.is_empty() {
            let inputs = input_values(r.results, slots.len());
            for (row, (plan, _)) in r.scenario.rows().iter().enumerate() {
                let worst = worst_trials(&row_profit(r.results, row));
                for (slot, x) in slots.iter().zip(&inputs) {
                    let t = tail(x, &worst);
                    w.write_record([
                        plan.to_string(),
                        slot.path.clone(),
                        t.tail_trials.to_string(),
                        opt(t.tail_mean),
                        opt(t.mean),
                        opt(t.sd),
                        opt(t.shift_sd),
                    ])?;
                }
            }
        }
        w.flush()
    }
}
