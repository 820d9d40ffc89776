//! Monthly profit (monthly.csv): per plan, the band between the p05 and p95 of each month's
//! profit over trials, and its median.

use plotters::prelude::*;

use super::chart::{self, HALF, Key, color, header, label, mesh, money_axis, padded, svg};
use super::table::Table;
use super::{ReportError, Section, plan_index, plans_in};

/// The monthly section.
///
/// # Errors
/// monthly.csv without `plan`, `month`, `profit_p05`, `profit_p50`, `profit_p95`, or a cell
/// there that is not a number.
pub(super) fn section(t: &Table, plans: &[String]) -> Result<Section, ReportError> {
    let cols = (
        t.col("plan")?,
        t.col("month")?,
        t.col("profit_p05")?,
        t.col("profit_p50")?,
        t.col("profit_p95")?,
    );
    let (plan_col, month_col, p05, p50, p95) = cols;
    let mut body = String::from("<div class=\"grid\">\n");
    for plan in plans_in(t, plan_col, plans) {
        let mut months = Vec::new();
        for row in 0..t.rows.len() {
            if t.text(row, plan_col) != plan {
                continue;
            }
            if let (Some(m), Some(a), Some(b), Some(c)) = (
                t.num(row, month_col)?,
                t.num(row, p05)?,
                t.num(row, p50)?,
                t.num(row, p95)?,
            ) {
                months.push((m, a, b, c));
            }
        }
        if months.is_empty() {
            continue;
        }
        let i = plan_index(plans, &plan);
        body.push_str(&format!("<figure>{}</figure>\n", band(i, &plan, &months)?));
    }
    body.push_str("</div>\n");
    Ok(Section {
        id: "monthly",
        title: "Monthly profit: p05 to p95 band".into(),
        intro: "<p>Each month's profit over trials (<code>monthly.csv</code>): the shaded band \
                runs from p05 to p95, the line is the median. A band that widens over time is \
                uncertainty that grows with the horizon (usage growth, cost decline); a band \
                below $0 is a month that loses money in at least 5% of worlds.</p>"
            .into(),
        body,
    })
}

/// One plan's band: (month, p05, p50, p95).
fn band(i: usize, plan: &str, months: &[(f64, f64, f64, f64)]) -> Result<String, ReportError> {
    let (lo, hi) = chart::extent(months.iter().flat_map(|m| [m.1, m.3, 0.0])).unwrap_or((0.0, 1.0));
    let (m0, m1) = chart::extent(months.iter().map(|m| m.0)).unwrap_or((0.0, 1.0));
    let y = padded(lo, hi);
    let col = color(i);
    let keys = [
        ("p05 to p95".to_string(), Key::Fill(col, 0.25)),
        ("p50".to_string(), Key::Line(col)),
    ];
    svg(HALF, 300, |area| {
        let rest = header(area, &label(plan, 40), &keys)?;
        let mut c = ChartBuilder::on(&rest)
            .margin(8)
            .margin_right(16)
            .x_label_area_size(40)
            .y_label_area_size(72)
            .build_cartesian_2d(padded(m0, m1), y.clone())?;
        mesh(&mut c)
            .x_labels(12)
            .y_labels(6)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&money_axis(&y, 6))
            .x_desc("month")
            .y_desc("profit in the month ($)")
            .draw()?;
        let mut outline: Vec<(f64, f64)> = months.iter().map(|m| (m.0, m.3)).collect();
        outline.extend(months.iter().rev().map(|m| (m.0, m.1)));
        c.draw_series(std::iter::once(Polygon::new(
            outline,
            col.mix(0.25).filled(),
        )))?;
        c.draw_series(LineSeries::new(
            months.iter().map(|m| (m.0, m.2)),
            col.stroke_width(2),
        ))?;
        if lo < 0.0 {
            c.draw_series(std::iter::once(PathElement::new(
                vec![(m0, 0.0), (m1, 0.0)],
                BLACK.mix(0.5),
            )))?;
        }
        Ok(())
    })
}
