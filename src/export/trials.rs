//! trials.csv: one row per (trial, row), rows as in [`crate::Scenario::rows`] (our plans,
//! then in menu mode the portfolio), with the trial-level draws as extra columns.

use std::io::Write;

use super::{Exporter, Report, csv_writer, num};

/// The trials.csv exporter.
pub struct Trials;

/// Fixed column names of trials.csv (draw columns follow, named by path).
pub const COLUMNS: [&str; 18] = [
    "trial",
    "plan",
    "revenue",
    "cost",
    "fees",
    "overhead",
    "profit",
    "margin",
    "served_output_tokens",
    "retail_value",
    "loss_users",
    "churned_users",
    "breakage_credits",
    "subscribers",
    "npv",
    "successes",
    "trueup_revenue",
    "trueup_open",
];

impl Exporter for Trials {
    fn file_name(&self) -> &'static str {
        "trials.csv"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        let mut header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
        header.extend(r.scenario.slots.iter().map(|s| s.path.clone()));
        w.write_record(&header)?;
        let mut row: Vec<String> = Vec::with_capacity(header.len());
        let rows = r.scenario.rows();
        for t in &r.results.trials {
            for ((plan, _), pt) in rows.iter().zip(&t.plans) {
                let x = &pt.totals;
                row.clear();
                row.extend([
                    t.trial.to_string(),
                    plan.to_string(),
                    num(x.revenue),
                    num(x.cost),
                    num(x.fees),
                    num(x.overhead),
                    num(x.profit),
                    if x.revenue > 0.0 {
                        num(x.profit / x.revenue)
                    } else {
                        String::new()
                    },
                    num(x.served_output_tokens),
                    num(x.retail_value),
                    x.loss_users.to_string(),
                    x.churned_users.to_string(),
                    num(x.breakage_credits),
                    x.users.to_string(),
                    num(pt.npv),
                    num(x.successes),
                    num(x.trueup_revenue),
                    num(x.trueup_open),
                ]);
                row.extend(t.draws.iter().map(|d| num(*d)));
                w.write_record(&row)?;
            }
        }
        w.flush()
    }
}
