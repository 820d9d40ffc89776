//! summary.csv: one row per row of [`crate::Scenario::rows`] (our plans in config order, then
//! in menu mode the portfolio), from the per-row statistics.

use std::io::Write;

use super::{Exporter, Report, csv_writer, num, opt};

/// The summary.csv exporter.
pub struct Summary;

/// Column names of summary.csv.
pub const COLUMNS: [&str; 40] = [
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
];

impl Exporter for Summary {
    fn file_name(&self) -> &'static str {
        "summary.csv"
    }
    fn write(&self, r: &Report<'_>, out: &mut dyn Write) -> std::io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(COLUMNS)?;
        for s in r.summaries {
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
            w.write_record(&row)?;
        }
        w.flush()
    }
}
