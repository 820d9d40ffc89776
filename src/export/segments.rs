//! segments.csv: who loses money, by segment, over all trials.

use std::io::Write;

use super::{Exporter, Report, csv_writer, opt, per_user};
use crate::results::per_trial;

/// The segments.csv exporter.
pub struct Segments;

/// Column names of segments.csv.
pub const COLUMNS: [&str; 7] = [
    "plan",
    "segment",
    "users",
    "revenue_per_user",
    "cost_per_user",
    "profit_per_user",
    "loss_user_share",
];

impl Exporter for Segments {
    fn file_name(&self) -> &'static str {
        "segments.csv"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(COLUMNS)?;
        let trials = r.results.trial_count();
        for (plan, groups) in r.scenario.plans.iter().zip(&r.results.segments) {
            for (seg, g) in r.scenario.segments.iter().zip(groups) {
                let per = |x: f64| per_user(x, g.users);
                w.write_record([
                    plan.name.clone(),
                    seg.name.clone(),
                    opt(per_trial(g.users, trials)),
                    per(g.revenue),
                    per(g.cost),
                    per(g.profit),
                    per(g.loss_users as f64),
                ])?;
            }
        }
        w.flush()
    }
}
