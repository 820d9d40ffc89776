//! `--baseline`, `--baseline-point` and `--rank-by`, checked against the points before
//! anything runs (each mistake is exit 2, with a suggestion where one is close), and the
//! ranking they ask for.

use crate::analysis::compare::Baseline;
use crate::cli::RunArgs;
use crate::config::reader::suggest;
use crate::error::Error;
use crate::export::summary_columns;
use crate::model::Scenario;

/// The column the stdout table ranks by, and in which direction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Rank {
    /// A numeric summary.csv column.
    pub column: String,
    /// `-COLUMN`: lowest first.
    pub lowest_first: bool,
}

/// What a run compares and how its table is ordered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Decide {
    /// compare.csv's comparator: `--baseline`, else in a sweep the baseline point; `None`
    /// for a plain run without `--baseline` (no compare.csv).
    pub baseline: Option<Baseline>,
    /// `--rank-by`, if given.
    pub rank: Option<Rank>,
}

/// The rank column a sweep's table picks each plan's best point by, without `--rank-by`.
pub(super) const DEFAULT_RANK: &str = "profit_p50";

/// Checks the flags against `scenarios` (the points, in order; a sweep when `sweep`).
///
/// # Errors
/// [`Error::Usage`] for an unknown plan or column, a point out of range, or
/// `--baseline-point` where it means nothing.
pub(super) fn resolve(
    args: &RunArgs,
    sweep: bool,
    scenarios: &[Scenario],
) -> Result<Decide, Error> {
    let rank = args.rank_by.as_deref().map(rank).transpose()?;
    let baseline = match (&args.baseline, args.baseline_point) {
        (Some(_), Some(_)) => {
            return Err(Error::Usage(
                "--baseline-point compares each plan with itself at a point; --baseline \
                 compares with a plan at the same point: give one of them"
                    .into(),
            ));
        }
        (None, Some(_)) if !sweep => {
            return Err(Error::Usage(
                "--baseline-point needs a sweep ([[sweep]] or --sweep): without one there is \
                 a single point"
                    .into(),
            ));
        }
        (Some(plan), None) => Some(Baseline::Plan(baseline_plan(plan, scenarios)?)),
        (None, k) if sweep => {
            let k = k.unwrap_or(1);
            if k == 0 || k > scenarios.len() {
                return Err(Error::Usage(format!(
                    "--baseline-point {k} is not a point of the sweep: its points are 1 to {}",
                    scenarios.len()
                )));
            }
            Some(Baseline::Point(k))
        }
        (None, _) => None,
    };
    Ok(Decide { baseline, rank })
}

/// `COLUMN` or `-COLUMN`, a numeric summary.csv column.
fn rank(text: &str) -> Result<Rank, Error> {
    let (column, lowest_first) = match text.strip_prefix('-') {
        Some(c) => (c, true),
        None => (text, false),
    };
    let numeric: Vec<&str> = summary_columns()
        .into_iter()
        .filter(|c| !matches!(*c, "plan" | "kind"))
        .collect();
    if numeric.contains(&column) {
        return Ok(Rank {
            column: column.to_string(),
            lowest_first,
        });
    }
    let mut msg = if matches!(column, "plan" | "kind") {
        format!(
            "--rank-by {text}: `{column}` is not a number; rank by a numeric summary.csv column"
        )
    } else {
        format!("--rank-by {text}: summary.csv has no column `{column}`")
    };
    match suggest(column, &numeric) {
        Some(s) => msg.push_str(&format!("; did you mean `{s}`?")),
        None => msg.push_str(" (see docs/outputs.md for summary.csv's columns)"),
    }
    Err(Error::Usage(msg))
}

/// The baseline's row name, after checking it is a row (a plan of ours, or `portfolio` in
/// menu mode) at every point.
fn baseline_plan(plan: &str, scenarios: &[Scenario]) -> Result<String, Error> {
    for (i, scn) in scenarios.iter().enumerate() {
        let rows: Vec<&str> = scn.rows().iter().map(|(n, _)| *n).collect();
        if rows.contains(&plan) {
            continue;
        }
        let at = if scenarios.len() > 1 {
            format!(" at point {}", i + 1)
        } else {
            String::new()
        };
        let mut msg = format!("--baseline {plan}: no plan named `{plan}`{at}");
        match suggest(plan, &rows) {
            Some(s) => msg.push_str(&format!("; did you mean `{s}`?")),
            None => msg.push_str(&format!("; the plans are {}", rows.join(", "))),
        }
        return Err(Error::Usage(msg));
    }
    Ok(plan.to_string())
}

/// Each row's value in the rank column (`None` for an empty cell), from a point's summary.csv
/// cells.
pub(super) fn values(cells: &[Vec<String>], column: &str) -> Vec<Option<f64>> {
    let at = summary_columns().iter().position(|c| *c == column);
    cells
        .iter()
        .map(|row| at.and_then(|i| row.get(i)).and_then(|c| c.parse().ok()))
        .collect()
}

/// Whether `a` ranks strictly before `b`: a value before an empty cell, then the higher (or
/// with `lowest_first` the lower) value.
pub(super) fn before(a: Option<f64>, b: Option<f64>, lowest_first: bool) -> bool {
    match (a, b) {
        (Some(_), None) => true,
        (Some(x), Some(y)) if lowest_first => x < y,
        (Some(x), Some(y)) => x > y,
        _ => false,
    }
}

/// Indices of `values` in rank order; ties (and empty cells, last) keep file order.
pub(super) fn order(values: &[Option<f64>], lowest_first: bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| {
        if before(values[a], values[b], lowest_first) {
            std::cmp::Ordering::Less
        } else if before(values[b], values[a], lowest_first) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    idx
}

#[cfg(test)]
mod tests {
    use super::{order, rank};

    #[test]
    fn rank_order_is_highest_first_or_lowest_first_with_empty_cells_last() {
        let v = [Some(1.0), None, Some(3.0), Some(1.0), Some(-2.0)];
        assert_eq!(order(&v, false), [2, 0, 3, 4, 1]);
        assert_eq!(order(&v, true), [4, 0, 3, 2, 1]);
    }

    #[test]
    fn rank_columns_are_summary_columns_with_suggestions() {
        let r = rank("-profit_p05").unwrap();
        assert_eq!((r.column.as_str(), r.lowest_first), ("profit_p05", true));
        let e = rank("profit_p5O").unwrap_err().to_string();
        assert!(e.contains("did you mean `profit_p50`?"), "{e}");
        let e = rank("kind").unwrap_err().to_string();
        assert!(e.contains("is not a number"), "{e}");
    }
}
