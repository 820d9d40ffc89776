//! segments.csv: who loses money, by segment, over all trials: means over user-trials, then
//! the spread over trials of the segment's profit per user and how often it loses money. One
//! block of rows per row of [`crate::Scenario::rows`]; users are the row's subscribers.

use std::io::Write;

use super::{Exporter, Report, csv_writer, opt, per_user};
use crate::analysis::summary::segment_risk;
use crate::results::per_trial;

/// The segments.csv exporter.
pub struct Segments;

/// Column names of segments.csv.
pub const COLUMNS: [&str; 11] = [
    "plan",
    "segment",
    "users",
    "revenue_per_user",
    "cost_per_user",
    "profit_per_user",
    "loss_user_share",
    "profit_per_user_p05",
    "profit_per_user_p50",
    "profit_per_user_p95",
    "prob_loss",
];

impl Exporter for Segments {
    fn file_name(&self) -> &'static str {
        "segments.csv"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(COLUMNS)?;
        let trials = r.results.trial_count();
        let rows = r.scenario.rows();
        for (p, ((plan, _), groups)) in rows.iter().zip(&r.results.segments).enumerate() {
            for (s, (seg, g)) in r.scenario.segments.iter().zip(groups).enumerate() {
                let per = |x: f64| per_user(x, g.users);
                let risk = segment_risk(r.results, p, s);
                let [p05, p50, p95] = risk.profit_per_user_pct.map(opt);
                w.write_record([
                    plan.to_string(),
                    seg.name.clone(),
                    opt(per_trial(g.users, trials)),
                    per(g.revenue),
                    per(g.cost),
                    per(g.profit),
                    per(g.loss_users as f64),
                    p05,
                    p50,
                    p95,
                    opt(risk.prob_loss),
                ])?;
            }
        }
        w.flush()
    }
}
