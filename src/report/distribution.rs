//! Each plan's profit over trials (trials.csv): a histogram per plan with its p05, p50 and
//! p95 marked, and the CDFs of all plans on one chart.

use plotters::prelude::*;

use super::chart::{
    self, HALF, Key, WIDE, color, header, label, mesh, money, money_axis, padded, percent, svg,
};
use super::table::Table;
use super::{ReportError, Section, plan_index, plans_in};
use crate::analysis::stats::percentile_sorted;

/// Most bars of a histogram.
pub(super) const MAX_BINS: usize = 60;
/// Most points of a CDF line.
pub(super) const MAX_CDF_POINTS: usize = 500;

/// The distribution and CDF sections.
///
/// # Errors
/// trials.csv without a `plan` or `profit` column, or with a profit that is not a number.
pub(super) fn sections(t: &Table, plans: &[String]) -> Result<Vec<Section>, ReportError> {
    let (plan_col, profit_col) = (t.col("plan")?, t.col("profit")?);
    let mut per_plan = Vec::new();
    for plan in plans_in(t, plan_col, plans) {
        let mut v: Vec<f64> = super::plan_values(t, &plan, plan_col, profit_col)?
            .into_iter()
            .map(|(_, x)| x)
            .collect();
        if v.is_empty() {
            continue;
        }
        v.sort_by(f64::total_cmp);
        per_plan.push((plan_index(plans, &plan), plan, v));
    }
    let mut hist = String::from("<div class=\"grid\">\n");
    for (i, plan, v) in &per_plan {
        hist.push_str(&format!("<figure>{}</figure>\n", histogram(*i, plan, v)?));
    }
    hist.push_str("</div>\n");
    let cdf_body = format!("<figure>{}</figure>\n", cdf(&per_plan)?);
    Ok(vec![
        Section {
            id: "distribution",
            title: "Profit distribution per plan".into(),
            intro: "<p>How a plan's total profit varies across the simulated worlds (trials, \
                    from <code>trials.csv</code>): each bar counts the trials whose profit falls \
                    in its range. The red, black and green lines mark p05, p50 (the median) and \
                    p95; a wide spread between them is risk, a left tail below $0 is the chance \
                    of a loss. Each chart has its own $ axis.</p>"
                .into(),
            body: hist,
        },
        Section {
            id: "cdf",
            title: "Profit CDFs, all plans".into(),
            intro: "<p>For each plan, the share of trials with profit at or below each amount. \
                    A curve further right is more profitable; where two curves cross, neither \
                    plan is better in every world. Read a percentile by going across from the \
                    left axis (5%, 50%, 95% are marked) to a curve and down.</p>"
                .into(),
            body: cdf_body,
        },
    ])
}

/// The number of bars for `n` values: about √n, between 5 and [`MAX_BINS`].
pub(super) fn bins(n: usize) -> usize {
    ((n as f64).sqrt().ceil() as usize).clamp(5, MAX_BINS)
}

/// One plan's histogram with p05, p50 and p95 as vertical lines.
fn histogram(i: usize, plan: &str, sorted: &[f64]) -> Result<String, ReportError> {
    let (lo, hi) = (sorted[0], sorted[sorted.len() - 1]);
    let k = if hi > lo { bins(sorted.len()) } else { 1 };
    let width = if hi > lo { (hi - lo) / k as f64 } else { 1.0 };
    let start = if hi > lo { lo } else { lo - 0.5 };
    let mut counts = vec![0u32; k];
    for &x in sorted {
        let b = (((x - start) / width) as usize).min(k - 1);
        counts[b] += 1;
    }
    let top = f64::from(counts.iter().copied().max().unwrap_or(1));
    let q = |p| percentile_sorted(sorted, p).unwrap_or(lo);
    let marks = [
        ("p05", q(5.0), chart::LOSS),
        ("p50", q(50.0), BLACK),
        ("p95", q(95.0), chart::GAIN),
    ];
    let x_range = padded(start, start + width * k as f64);
    let keys: Vec<(String, Key)> = marks
        .iter()
        .map(|(name, x, col)| (format!("{name} {}", money(*x)), Key::Line(*col)))
        .collect();
    svg(HALF, 300, |area| {
        let rest = header(area, &label(plan, 40), &keys)?;
        let mut c = ChartBuilder::on(&rest)
            .margin(8)
            .margin_right(16)
            .x_label_area_size(40)
            .y_label_area_size(48)
            .build_cartesian_2d(x_range.clone(), 0.0..top * 1.08)?;
        mesh(&mut c)
            .disable_x_mesh()
            .x_labels(5)
            .y_labels(5)
            .x_label_formatter(&money_axis(&x_range, 5))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .x_desc("profit per trial ($)")
            .y_desc("trials")
            .draw()?;
        let fill = color(i).mix(0.55).filled();
        c.draw_series(counts.iter().enumerate().map(|(b, &n)| {
            let x0 = start + width * b as f64;
            Rectangle::new([(x0, 0.0), (x0 + width, f64::from(n))], fill)
        }))?;
        for (_, x, col) in marks {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, top * 1.08)],
                col.stroke_width(2),
            )))?;
        }
        Ok(())
    })
}

/// The CDFs of all plans, each downsampled to at most [`MAX_CDF_POINTS`] points.
fn cdf(per_plan: &[(usize, String, Vec<f64>)]) -> Result<String, ReportError> {
    let (lo, hi) = chart::extent(per_plan.iter().flat_map(|(_, _, v)| [v[0], v[v.len() - 1]]))
        .unwrap_or((0.0, 1.0));
    let keys: Vec<(String, Key)> = per_plan
        .iter()
        .map(|(i, plan, _)| (label(plan, 40), Key::Line(color(*i))))
        .collect();
    let x_range = padded(lo, hi);
    svg(WIDE, 440, |area| {
        let rest = header(
            area,
            "Profit CDF: share of trials at or below each profit",
            &keys,
        )?;
        let mut c = ChartBuilder::on(&rest)
            .margin(10)
            .margin_right(20)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(x_range.clone(), 0.0..1.0)?;
        mesh(&mut c)
            .x_labels(8)
            .y_labels(11)
            .x_label_formatter(&money_axis(&x_range, 8))
            .y_label_formatter(&|v| percent(*v))
            .x_desc("profit per trial ($)")
            .y_desc("share of trials")
            .draw()?;
        for level in [0.05, 0.5, 0.95] {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(x_range.start, level), (x_range.end, level)],
                BLACK.mix(0.45),
            )))?;
        }
        for (i, _, v) in per_plan {
            c.draw_series(LineSeries::new(cdf_points(v), color(*i).stroke_width(2)))?;
        }
        Ok(())
    })
}

/// Points (value, share at or below it) of the empirical CDF of `sorted`: every value when
/// there are at most [`MAX_CDF_POINTS`], else that many evenly spaced order statistics (the
/// first and the last included).
pub(super) fn cdf_points(sorted: &[f64]) -> Vec<(f64, f64)> {
    let n = sorted.len();
    let m = n.min(MAX_CDF_POINTS);
    (0..m)
        .map(|j| {
            let idx = if m == 1 { 0 } else { j * (n - 1) / (m - 1) };
            (sorted[idx], (idx + 1) as f64 / n as f64)
        })
        .collect()
}
