//! Menu mode (choices.csv): how each segment's first choices split over the options, as one
//! stacked bar per segment.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{FONT, Key, SMALL, Ticked, WIDE, color, header, label, mesh, percent, svg};
use super::table::Table;
use super::{ReportError, Section};

/// The outside option's colour.
const NONE: RGBColor = RGBColor(200, 200, 200);

/// The choices section.
///
/// # Errors
/// choices.csv without `option`, `segment`, `share_of_segment`, or a share that is not a
/// number.
pub(super) fn section(t: &Table, plans: &[String]) -> Result<Section, ReportError> {
    let (opt_col, seg_col, share_col) = (
        t.col("option")?,
        t.col("segment")?,
        t.col("share_of_segment")?,
    );
    let options = t.distinct(opt_col);
    let segments = t.distinct(seg_col);
    // Our plans keep their colours; other options (external plans) follow them.
    let others: Vec<&String> = options
        .iter()
        .filter(|o| !plans.contains(o) && o.as_str() != "none")
        .collect();
    let colour = |o: &str| {
        if o == "none" {
            NONE
        } else if let Some(i) = plans.iter().position(|p| p == o) {
            color(i)
        } else {
            color(plans.len() + others.iter().position(|x| *x == o).unwrap_or(0))
        }
    };
    let legend: Vec<(String, Key)> = options
        .iter()
        .map(|o| (label(o, 30), Key::Fill(colour(o), 1.0)))
        .collect();
    // (segment index, option, share)
    let mut cells = Vec::new();
    for row in 0..t.rows.len() {
        if let Some(share) = t.num(row, share_col)? {
            let s = segments
                .iter()
                .position(|x| x == t.text(row, seg_col))
                .unwrap_or(0);
            cells.push((s, t.text(row, opt_col).to_string(), share));
        }
    }
    let n = segments.len();
    let names: Vec<String> = segments.iter().map(|s| label(s, 30)).collect();
    let longest = names.iter().map(|s| s.chars().count()).max().unwrap_or(0);
    let label_area = (longest as u32 * 8 + 20).clamp(60, 260);
    let keys: Vec<f64> = (1..=n).map(|k| k as f64).collect();
    let chart = svg(WIDE, 110 + 40 * n.max(1) as u32, |area| {
        let rest = header(area, "First choice by segment", &legend)?;
        let mut c = ChartBuilder::on(&rest)
            .margin(8)
            .margin_right(24)
            .x_label_area_size(44)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0.0..1.0, Ticked::new(0.4..n as f64 + 0.6, keys.clone()))?;
        let name_of = |y: &f64| {
            let j = n as i64 - y.round() as i64;
            usize::try_from(j)
                .ok()
                .and_then(|j| names.get(j).cloned())
                .unwrap_or_default()
        };
        mesh(&mut c)
            .disable_y_mesh()
            .x_labels(11)
            .x_label_formatter(&|v| percent(*v))
            .y_label_formatter(&name_of)
            .x_desc("share of the segment's users (first choice)")
            .draw()?;
        let mut start = vec![0.0; n];
        let mut bars = Vec::new();
        for (s, option, share) in &cells {
            let y = (n - s) as f64;
            let x0 = start[*s];
            start[*s] += share;
            bars.push((x0, start[*s], y, colour(option), *share));
        }
        c.draw_series(bars.iter().map(|&(x0, x1, y, col, _)| {
            Rectangle::new([(x0, y - 0.34), (x1, y + 0.34)], col.filled())
        }))?;
        // The share inside its bar where there is room.
        c.draw_series(
            bars.iter()
                .filter(|b| b.4 >= 0.06)
                .map(|&(x0, x1, y, _, share)| {
                    let style = TextStyle::from((FONT, SMALL).into_font())
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Center));
                    Text::new(percent(share), ((x0 + x1) / 2.0, y), style)
                }),
        )?;
        Ok(())
    })?;
    Ok(Section {
        id: "choices",
        title: "Menu mode: choice shares by segment".into(),
        intro: "<p>Which option each segment's users chose first (<code>choices.csv</code>, \
                <code>share_of_segment</code>): our plans, competitors' (external) plans, and \
                <code>none</code>, the outside option of not buying. Re-choices later in the \
                horizon are in the file's switch columns.</p>"
            .into(),
        body: format!("<figure>{chart}</figure>\n"),
    })
}
