//! deciles.csv: "who subsidises whom": users ranked by base demand within each trial (the
//! whole population), per row of [`crate::Scenario::rows`]; a row's users are its subscribers.

use std::io::Write;

use super::{Exporter, Report, csv_writer, num, opt, per_user};
use crate::results::per_trial;

/// The deciles.csv exporter.
pub struct Deciles;

/// Column names of deciles.csv.
pub const COLUMNS: [&str; 7] = [
    "plan",
    "decile",
    "users",
    "revenue_per_user",
    "cost_per_user",
    "profit_per_user",
    "share_of_profit",
];

impl Exporter for Deciles {
    fn file_name(&self) -> &'static str {
        "deciles.csv"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(COLUMNS)?;
        let trials = r.results.trial_count();
        // Our plans only: the issue puts the portfolio row in the other per-plan files.
        let rows = r.scenario.rows();
        let plans = rows.iter().filter(|(_, kind)| *kind != crate::model::PORTFOLIO);
        for ((plan, _), groups) in plans.zip(&r.results.deciles) {
            let total: f64 = groups.iter().map(|g| g.profit).sum();
            for (k, g) in groups.iter().enumerate() {
                let per = |x: f64| per_user(x, g.users);
                w.write_record([
                    plan.to_string(),
                    (k + 1).to_string(),
                    opt(per_trial(g.users, trials)),
                    per(g.revenue),
                    per(g.cost),
                    per(g.profit),
                    if total == 0.0 {
                        String::new()
                    } else {
                        num(g.profit / total)
                    },
                ])?;
            }
        }
        w.flush()
    }
}
