//! The human-readable table printed after a run.

use crate::analysis::summary::PlanSummary;
use crate::model::Scenario;

/// The human-readable table printed after a run.
pub fn summary_table(scn: &Scenario, rows: &[PlanSummary]) -> String {
    let width = scn
        .plans
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let mut s = format!(
        "{:<width$}  {:>14}  {:>14}  {:>14}  {:>10}  {:>9}  {:>15}\n",
        "plan",
        "profit_p05",
        "profit_p50",
        "profit_p95",
        "margin_p50",
        "prob_loss",
        "loss_user_share"
    );
    for r in rows {
        let margin = r.margin_pct[1].map_or("-".to_string(), |m| format!("{:.1}%", 100.0 * m));
        s.push_str(&format!(
            "{:<width$}  {:>14.0}  {:>14.0}  {:>14.0}  {:>10}  {:>9.3}  {:>15.3}\n",
            r.plan,
            r.profit_pct[1],
            r.profit_pct[4],
            r.profit_pct[7],
            margin,
            r.prob_loss,
            r.loss_user_share
        ));
    }
    s
}
