//! monthly.csv: per plan and month, means over trials and profit percentiles.

use std::io::Write;

use super::{Exporter, Report, csv_writer, num};
use crate::analysis::stats::{percentile_sorted, sorted};

/// The monthly.csv exporter.
pub struct Monthly;

/// Column names of monthly.csv.
pub const COLUMNS: [&str; 11] = [
    "plan",
    "month",
    "active_users",
    "revenue_mean",
    "cost_mean",
    "fees_mean",
    "overhead_mean",
    "profit_mean",
    "profit_p05",
    "profit_p50",
    "profit_p95",
];

impl Exporter for Monthly {
    fn file_name(&self) -> &'static str {
        "monthly.csv"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(COLUMNS)?;
        let trials = &r.results.trials;
        let n = trials.len() as f64;
        for (p, plan) in r.scenario.plans.iter().enumerate() {
            for m in 0..r.results.months[p].len() {
                let sum = &r.results.months[p][m];
                let mean = |f: &dyn Fn(&crate::results::MonthTotals) -> f64| num(f(sum) / n);
                let profits = sorted(
                    &trials
                        .iter()
                        .map(|t| t.plans[p].month_profit[m])
                        .collect::<Vec<_>>(),
                );
                let pct = |q| num(percentile_sorted(&profits, q).unwrap_or(0.0));
                w.write_record([
                    plan.name.clone(),
                    m.to_string(),
                    mean(&|x| x.active_users as f64),
                    mean(&|x| x.revenue),
                    mean(&|x| x.cost),
                    mean(&|x| x.fees),
                    mean(&|x| x.overhead),
                    mean(&|x| x.profit),
                    pct(5.0),
                    pct(50.0),
                    pct(95.0),
                ])?;
            }
        }
        w.flush()
    }
}
