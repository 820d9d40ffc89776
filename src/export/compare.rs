//! compare.csv: the paired comparisons of [`crate::analysis::compare`], one row per (point,
//! row) in point order, rows as in [`crate::Scenario::rows`].

use std::io::Write;

use super::{csv_writer, num, opt};
use crate::analysis::compare::Comparison;

/// File name of the comparison.
pub const FILE: &str = "compare.csv";

/// Column names of compare.csv.
pub const COLUMNS: [&str; 11] = [
    "point",
    "plan",
    "vs_point",
    "vs_plan",
    "diff_mean",
    "diff_se",
    "diff_p05",
    "diff_p50",
    "diff_p95",
    "prob_better",
    "prob_worse",
];

/// compare.csv's bytes.
///
/// # Errors
/// A write error (none in memory).
pub fn render(rows: &[Comparison]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut w = csv_writer(&mut out);
    w.write_record(COLUMNS)?;
    for c in rows {
        let mut row = vec![
            c.point.to_string(),
            c.plan.clone(),
            c.vs_point.to_string(),
            c.vs_plan.clone(),
            num(c.diff_mean),
            opt(c.diff_se),
        ];
        row.extend(c.diff_pct.iter().map(|v| num(*v)));
        row.extend([num(c.prob_better), num(c.prob_worse)]);
        w.write_record(&row)?;
    }
    w.flush()?;
    drop(w);
    out.flush()?;
    Ok(out)
}
