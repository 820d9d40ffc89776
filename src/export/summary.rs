//! summary.csv: one row per row of [`crate::Scenario::rows`] (our plans in config order, then
//! in menu mode the portfolio), from the per-row statistics. The last 18 columns are the 95%
//! confidence intervals of the nine profit percentiles (`profit_p01_lo`, `profit_p01_hi`, ...),
//! empty where the trials are too few ([`crate::analysis::quantile_ci`]). [`COLUMNS`] and
//! [`cells`] give a row to any file that repeats summary rows.

use std::io::Write;

use super::{Exporter, Report, csv_writer, num, opt};
use crate::analysis::summary::PlanSummary;

/// The summary.csv exporter.
pub struct Summary;

/// Column names of summary.csv.
pub const COLUMNS: [&str; 58] = [
    "plan",
    "kind",
    "trials",
    "users",
    "months",
    "revenue_mean",
    "cost_mean",
    "fees_mean",
    "overhead_mean",
    "profit_mean",
    "profit_sd",
    "profit_se",
    "profit_p01",
    "profit_p05",
    "profit_p10",
    "profit_p25",
    "profit_p50",
    "profit_p75",
    "profit_p90",
    "profit_p95",
    "profit_p99",
    "prob_loss",
    "cvar_05",
    "margin_p05",
    "margin_p50",
    "margin_p95",
    "loss_user_share",
    "retail_value_mean",
    "cost_to_retail",
    "arpu",
    "profit_per_user",
    "subscribers_mean",
    "npv_mean",
    "npv_p05",
    "npv_p50",
    "npv_p95",
    "cost_per_success",
    "accounts_mean",
    "trueup_revenue_mean",
    "trueup_open_mean",
    "profit_p01_lo",
    "profit_p01_hi",
    "profit_p05_lo",
    "profit_p05_hi",
    "profit_p10_lo",
    "profit_p10_hi",
    "profit_p25_lo",
    "profit_p25_hi",
    "profit_p50_lo",
    "profit_p50_hi",
    "profit_p75_lo",
    "profit_p75_hi",
    "profit_p90_lo",
    "profit_p90_hi",
    "profit_p95_lo",
    "profit_p95_hi",
    "profit_p99_lo",
    "profit_p99_hi",
];

impl Exporter for Summary {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(COLUMNS)?;
        for s in r.summaries {
            w.write_record(cells(s))?;
        }
        w.flush()
    }
}

/// One row of summary.csv: the cells of `s` in [`COLUMNS`] order.
pub fn cells(s: &PlanSummary) -> Vec<String> {
    let mut row = vec![
        s.plan.clone(),
        s.kind.to_string(),
        s.trials.to_string(),
        num(s.users),
        s.months.to_string(),
        num(s.revenue_mean),
        num(s.cost_mean),
        num(s.fees_mean),
        num(s.overhead_mean),
        num(s.profit_mean),
        opt(s.profit_sd),
        opt(s.profit_se),
    ];
    row.extend(s.profit_pct.iter().map(|v| num(*v)));
    row.extend([num(s.prob_loss), num(s.cvar_05)]);
    row.extend(s.margin_pct.iter().map(|v| opt(*v)));
    row.extend([
        opt(s.loss_user_share),
        num(s.retail_value_mean),
        opt(s.cost_to_retail),
        opt(s.arpu),
        opt(s.profit_per_user),
        num(s.subscribers_mean),
        num(s.npv_mean),
    ]);
    row.extend(s.npv_pct.iter().map(|v| num(*v)));
    row.push(opt(s.cost_per_success));
    row.push(num(s.accounts_mean));
    row.extend([num(s.trueup_revenue_mean), num(s.trueup_open_mean)]);
    row.extend(
        s.profit_ci
            .iter()
            .flat_map(|ci| [opt(ci.map(|c| c.0)), opt(ci.map(|c| c.1))]),
    );
    debug_assert_eq!(row.len(), COLUMNS.len());
    row
}
