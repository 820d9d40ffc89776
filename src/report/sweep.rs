//! A sweep (sweep.csv): per plan, profit_p50 and profit_p05 against the swept value, one line
//! per combination of the other swept paths, each with its 95% confidence band where the file
//! has `_lo` and `_hi` columns.

use plotters::prelude::*;

use super::chart::{self, HALF, Key, Ticked, color, header, label, mesh, money_axis, padded, svg};
use super::table::Table;
use super::{ReportError, Section, html};

/// The metrics drawn, each in its own chart.
const METRICS: [(&str, &str); 2] = [("profit_p50", "p50"), ("profit_p05", "p05")];

/// One line of a chart: its label and points (x, metric, lo, hi).
type Line = (String, Vec<(f64, f64, Option<f64>, Option<f64>)>);

/// The sweep section.
///
/// # Errors
/// sweep.csv without `point` or `plan`, or with a cell of a metric that is not a number.
pub(super) fn section(t: &Table) -> Result<Section, ReportError> {
    let (point_col, plan_col) = (t.col("point")?, t.col("plan")?);
    // The swept paths sit between `point` and `plan`; those with one value do not vary.
    let paths: Vec<usize> = (point_col + 1..plan_col)
        .filter(|&c| t.distinct(c).len() > 1)
        .collect();
    let (x_col, others) = match paths.split_first() {
        Some((&x, rest)) => (x, rest.to_vec()),
        None => (point_col, Vec::new()),
    };
    let x_values = t.distinct(x_col);
    let numeric = x_values
        .iter()
        .all(|v| v.trim().parse::<f64>().is_ok_and(f64::is_finite));
    let x_of = |row: usize| -> f64 {
        let v = t.text(row, x_col);
        if numeric {
            v.trim().parse().unwrap_or(0.0)
        } else {
            x_values.iter().position(|x| x == v).unwrap_or(0) as f64
        }
    };
    let x_name = t.header[x_col].clone();
    let mut body = String::from("<div class=\"grid\">\n");
    for plan in t.distinct(plan_col) {
        for (metric, short) in METRICS {
            let Some(m_col) = t.find(metric) else {
                continue;
            };
            let (lo_col, hi_col) = (
                t.find(&format!("{metric}_lo")),
                t.find(&format!("{metric}_hi")),
            );
            let mut lines: Vec<Line> = Vec::new();
            for row in 0..t.rows.len() {
                if t.text(row, plan_col) != plan {
                    continue;
                }
                let Some(v) = t.num(row, m_col)? else {
                    continue;
                };
                let cell = |c: Option<usize>| c.map_or(Ok(None), |c| t.num(row, c));
                let key = others
                    .iter()
                    .map(|&c| format!("{}={}", t.header[c], t.text(row, c)))
                    .collect::<Vec<_>>()
                    .join(", ");
                let point = (x_of(row), v, cell(lo_col)?, cell(hi_col)?);
                match lines.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, pts)) => pts.push(point),
                    None => lines.push((key, vec![point])),
                }
            }
            if lines.is_empty() {
                continue;
            }
            for (_, pts) in &mut lines {
                pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            }
            let x_axis = XAxis {
                name: &x_name,
                categories: if numeric { None } else { Some(&x_values) },
            };
            body.push_str(&format!(
                "<figure>{}</figure>\n",
                chart_of(&plan, short, &x_axis, &lines)?
            ));
        }
    }
    body.push_str("</div>\n");
    let swept: Vec<String> = (point_col + 1..plan_col)
        .map(|c| format!("<code>{}</code>", html(&t.header[c])))
        .collect();
    let intro = format!(
        "<p>The decision table (<code>sweep.csv</code>), one chart per plan and metric: the \
         median profit (p50) and the bad-case profit (p05, exceeded in 95% of worlds) at each \
         value of {}, on common random numbers (every point sees the same users and draws, so \
         differences between points are the design's, not noise). The shaded band, where \
         present, is the metric's 95% confidence interval from the trials; where bands of two \
         points overlap, more trials would be needed to tell them apart. {}</p>",
        if swept.is_empty() {
            "the point".to_string()
        } else {
            swept.join(", ")
        },
        if others.is_empty() {
            ""
        } else {
            "With several swept paths, the first is on the x axis and each line is one \
             combination of the others."
        }
    );
    Ok(Section {
        id: "sweep",
        title: "Sweep: profit against the swept value".into(),
        intro,
        body,
    })
}

/// The x axis of a sweep chart: the swept path, and its values when they are not numbers.
struct XAxis<'a> {
    name: &'a str,
    categories: Option<&'a [String]>,
}

fn chart_of(
    plan: &str,
    metric: &str,
    x: &XAxis<'_>,
    lines: &[Line],
) -> Result<String, ReportError> {
    let all = || lines.iter().flat_map(|(_, pts)| pts.iter());
    let (x0, x1) = chart::extent(all().map(|p| p.0)).unwrap_or((0.0, 1.0));
    let (y0, y1) =
        chart::extent(all().flat_map(|p| [Some(p.1), p.2, p.3]).flatten()).unwrap_or((0.0, 1.0));
    let y = padded(y0, y1);
    let xr = if x.categories.is_some() {
        (x0 - 0.5)..(x1 + 0.5)
    } else {
        padded(x0, x1)
    };
    // Ticks at the swept values (or categories), at most about ten of them.
    let mut ticks: Vec<f64> = all().map(|p| p.0).collect();
    ticks.sort_by(f64::total_cmp);
    ticks.dedup();
    let every = ticks.len().div_ceil(10).max(1);
    let keys_x: Vec<f64> = ticks.into_iter().step_by(every).collect();
    let single = lines.len() == 1;
    let has_band = |pts: &[(f64, f64, Option<f64>, Option<f64>)]| {
        pts.iter()
            .filter(|p| p.2.is_some() && p.3.is_some())
            .count()
            > 1
    };
    let mut keys: Vec<(String, Key)> = Vec::new();
    for (k, (name, pts)) in lines.iter().enumerate() {
        if single {
            keys.push((format!("profit {metric}"), Key::Line(color(k))));
            if has_band(pts) {
                keys.push(("95% confidence band".into(), Key::Fill(color(k), 0.2)));
            }
        } else {
            keys.push((label(name, 40), Key::Line(color(k))));
        }
    }
    let x_label = |v: &f64| match x.categories {
        Some(c) => c
            .get(v.round().max(0.0) as usize)
            .map(|s| label(s, 14))
            .unwrap_or_default(),
        None => chart::number(*v),
    };
    let desc = label(x.name, 50);
    let y_desc = format!("profit {metric} per trial ($)");
    let title = format!("{}: profit {metric}", label(plan, 32));
    svg(HALF, 320, |area| {
        let rest = header(area, &title, &keys)?;
        let mut c = ChartBuilder::on(&rest)
            .margin(8)
            .margin_right(20)
            .x_label_area_size(44)
            .y_label_area_size(72)
            .build_cartesian_2d(Ticked::new(xr.clone(), keys_x.clone()), y.clone())?;
        mesh(&mut c)
            .y_labels(6)
            .x_label_formatter(&x_label)
            .y_label_formatter(&money_axis(&y, 6))
            .x_desc(desc.as_str())
            .y_desc(y_desc.as_str())
            .draw()?;
        for (k, (_, pts)) in lines.iter().enumerate() {
            let col = color(k);
            let band: Vec<(f64, f64, f64)> =
                pts.iter().filter_map(|p| Some((p.0, p.2?, p.3?))).collect();
            if band.len() > 1 {
                let mut outline: Vec<(f64, f64)> = band.iter().map(|b| (b.0, b.2)).collect();
                outline.extend(band.iter().rev().map(|b| (b.0, b.1)));
                c.draw_series(std::iter::once(Polygon::new(
                    outline,
                    col.mix(0.2).filled(),
                )))?;
            }
            c.draw_series(
                LineSeries::new(pts.iter().map(|p| (p.0, p.1)), col.stroke_width(2)).point_size(3),
            )?;
        }
        Ok(())
    })
}
