//! The stdout table of a sweep: one line per plan, at its best point by the rank column
//! (`--rank-by`, default profit_p50; `-COLUMN` picks the lowest), with the point's number and
//! swept values. Lines keep file order unless `--rank-by` is given; the baseline is flagged
//! (`--baseline`'s plan, or else the baseline point's number) with a legend line.

use super::decide::{DEFAULT_RANK, Rank, before, order, values};
use super::table::{Line, rows_text};
use crate::analysis::compare::Baseline;
use crate::analysis::summary::PlanSummary;
use crate::model::Scenario;

/// One point as the table sees it.
pub(super) struct PointView<'a> {
    /// Its swept values.
    pub values: &'a [String],
    /// Its scenario.
    pub scenario: &'a Scenario,
    /// Its summary rows.
    pub summaries: &'a [PlanSummary],
    /// Its summary.csv cells, row by row.
    pub cells: Vec<Vec<String>>,
}

/// The sweep's table and the lines under it.
pub(super) fn sweep_table(
    paths: &[String],
    points: &[PointView<'_>],
    rank: Option<&Rank>,
    baseline: Option<&Baseline>,
) -> String {
    let default = Rank {
        column: DEFAULT_RANK.into(),
        lowest_first: false,
    };
    let by = rank.unwrap_or(&default);
    let ranked: Vec<Vec<Option<f64>>> = points
        .iter()
        .map(|p| values(&p.cells, &by.column))
        .collect();
    // Every row name, in order of first appearance.
    let mut names: Vec<&str> = Vec::new();
    for p in points {
        for s in p.summaries {
            if !names.contains(&s.plan.as_str()) {
                names.push(&s.plan);
            }
        }
    }
    // Each name's best (point, row): strictly better than every earlier point.
    let best: Vec<(usize, usize)> = names
        .iter()
        .filter_map(|name| {
            let mut best: Option<(usize, usize)> = None;
            for (i, p) in points.iter().enumerate() {
                let Some(r) = p.summaries.iter().position(|s| s.plan == *name) else {
                    continue;
                };
                let better = best
                    .is_none_or(|(bi, br)| before(ranked[i][r], ranked[bi][br], by.lowest_first));
                if better {
                    best = Some((i, r));
                }
            }
            best
        })
        .collect();
    let shown: Vec<usize> = match rank {
        Some(r) => order(
            &best
                .iter()
                .map(|&(i, row)| ranked[i][row])
                .collect::<Vec<_>>(),
            r.lowest_first,
        ),
        None => (0..best.len()).collect(),
    };
    let base_point = match baseline {
        Some(Baseline::Point(k)) => Some(*k),
        _ => None,
    };
    let lines: Vec<Line<'_>> = shown
        .iter()
        .map(|&b| {
            let (i, r) = best[b];
            let row = &points[i].summaries[r];
            let star = if base_point == Some(i + 1) { "*" } else { "" };
            let mut lead = vec![format!("{}{star}", i + 1)];
            lead.extend(points[i].values.iter().cloned());
            let marked = matches!(baseline, Some(Baseline::Plan(p)) if *p == row.plan);
            Line { lead, row, marked }
        })
        .collect();
    let menu = points.iter().any(|p| p.scenario.is_menu());
    let mut head = vec!["point".to_string()];
    head.extend(paths.iter().cloned());
    let mut s = rows_text(menu, &head, &lines);
    match baseline {
        Some(Baseline::Plan(p)) => s.push_str(&format!(
            "* baseline: compare.csv compares every plan with {p} at the same point, trial by \
             trial.\n"
        )),
        Some(Baseline::Point(k)) => s.push_str(&format!(
            "* baseline point: compare.csv compares every plan with itself at point {k}, trial \
             by trial.\n"
        )),
        None => {}
    }
    let direction = if by.lowest_first { "lowest" } else { "highest" };
    s.push_str(&format!(
        "Each row is the plan at its best of the {} points by {} ({direction}); sweep.csv has \
         every point, points/NNN/ each point's own files.\n",
        points.len(),
        by.column
    ));
    if let Some(first) = points.first() {
        let sim = &first.scenario.simulation;
        let same = points.iter().all(|p| {
            let o = &p.scenario.simulation;
            (o.users, o.months) == (sim.users, sim.months)
        });
        if same {
            s.push_str(&format!(
                "Profit is in $, summed over a trial's users ({} at the start) and {} months.\n",
                sim.users, sim.months
            ));
        }
    }
    s
}
