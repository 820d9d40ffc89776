//! monthly.csv: per row of [`crate::Scenario::rows`] and month, means over trials, profit
//! percentiles, the served share of demand and the shocked users.

use std::io::Write;

use super::{Exporter, Report, csv_writer, num, opt};
use crate::analysis::stats::{percentile_sorted, ratio, sorted};
use crate::results::MonthTotals;

/// The monthly.csv exporter.
pub struct Monthly;

/// Column names of monthly.csv.
pub const COLUMNS: [&str; 13] = [
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
    "served_share",
    "shock_users",
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
        for (p, (plan, _)) in r.scenario.rows().into_iter().enumerate() {
            for m in 0..r.results.months[p].len() {
                let sum = &r.results.months[p][m];
                let mean = |f: &dyn Fn(&MonthTotals) -> f64| num(f(sum) / n);
                let profits = sorted(
                    &trials
                        .iter()
                        .map(|t| t.plans[p].month_profit[m])
                        .collect::<Vec<_>>(),
                );
                let pct = |q| num(percentile_sorted(&profits, q).unwrap_or(0.0));
                // A ratio of the month's sums over all trials; empty when nothing was demanded.
                let served_share = ratio(sum.served_output_tokens, sum.demanded_output_tokens);
                w.write_record([
                    plan.to_string(),
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
                    opt(served_share),
                    mean(&|x| x.shock_users as f64),
                ])?;
            }
        }
        w.flush()
    }
}
