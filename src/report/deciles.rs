//! Who subsidises whom (deciles.csv): per plan, the profit per user of each demand decile,
//! green where the decile pays more than it costs and red where others pay for it.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{
    self, FONT, HALF, Ticked, header, label, mesh, money_axis, padded, percent, svg,
};
use super::table::Table;
use super::{ReportError, Section, plans_in};

/// The decile section.
///
/// # Errors
/// deciles.csv without the columns `plan`, `decile`, `profit_per_user`, or a cell there that
/// is not a number.
pub(super) fn section(t: &Table, plans: &[String]) -> Result<Section, ReportError> {
    let (plan_col, dec_col, ppu_col) =
        (t.col("plan")?, t.col("decile")?, t.col("profit_per_user")?);
    let share_col = t.find("share_of_profit");
    let mut body = String::from("<div class=\"grid\">\n");
    for plan in plans_in(t, plan_col, plans) {
        let mut bars = Vec::new();
        for (row, ppu) in super::plan_values(t, &plan, plan_col, ppu_col)? {
            let Some(d) = t.num(row, dec_col)? else {
                continue;
            };
            let share = match share_col {
                Some(c) => t.num(row, c)?,
                None => None,
            };
            bars.push((d, ppu, share));
        }
        if bars.is_empty() {
            continue;
        }
        body.push_str(&format!("<figure>{}</figure>\n", chart_of(&plan, &bars)?));
    }
    body.push_str("</div>\n");
    Ok(Section {
        id: "deciles",
        title: "Who subsidises whom: profit per user by demand decile".into(),
        intro: "<p>Users ranked by their demand within each trial, in ten equal groups: decile \
                1 the lightest tenth, decile 10 the heaviest (<code>deciles.csv</code>). Each \
                bar is the profit a user of that decile brings over the horizon; green deciles \
                pay for the red ones. The percentage over a bar is the decile's share of the \
                plan's total profit.</p>"
            .into(),
        body,
    })
}

/// One plan's bars: (decile, profit per user, share of profit).
fn chart_of(plan: &str, bars: &[(f64, f64, Option<f64>)]) -> Result<String, ReportError> {
    let (lo, hi) = chart::extent(bars.iter().map(|b| b.1)).unwrap_or((0.0, 1.0));
    let y = padded(lo.min(0.0), hi.max(0.0));
    let y = (y.start - (y.end - y.start) * 0.06)..(y.end + (y.end - y.start) * 0.06);
    let (first, last) = chart::extent(bars.iter().map(|b| b.0)).unwrap_or((1.0, 10.0));
    let keys: Vec<f64> = bars.iter().map(|b| b.0).collect();
    svg(HALF, 290, |area| {
        let rest = header(area, &label(plan, 40), &[])?;
        let mut c = ChartBuilder::on(&rest)
            .margin(8)
            .margin_right(16)
            .x_label_area_size(40)
            .y_label_area_size(72)
            .build_cartesian_2d(
                Ticked::new((first - 0.6)..(last + 0.6), keys.clone()),
                y.clone(),
            )?;
        mesh(&mut c)
            .disable_x_mesh()
            .y_labels(6)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&money_axis(&y, 6))
            .x_desc("demand decile (1 lightest, 10 heaviest)")
            .y_desc("profit per user ($)")
            .draw()?;
        c.draw_series(bars.iter().map(|&(d, v, _)| {
            let col = if v < 0.0 { chart::LOSS } else { chart::GAIN };
            Rectangle::new([(d - 0.38, 0.0), (d + 0.38, v)], col.mix(0.8).filled())
        }))?;
        c.draw_series(std::iter::once(PathElement::new(
            vec![(first - 0.6, 0.0), (last + 0.6, 0.0)],
            BLACK.mix(0.6),
        )))?;
        let pad = (y.end - y.start) * 0.01;
        c.draw_series(bars.iter().filter_map(|&(d, v, share)| {
            let share = share?;
            let (at, pos) = if v < 0.0 {
                (v - pad, Pos::new(HPos::Center, VPos::Top))
            } else {
                (v + pad, Pos::new(HPos::Center, VPos::Bottom))
            };
            let style = TextStyle::from((FONT, 12.5).into_font()).pos(pos);
            Some(Text::new(percent(share), (d, at), style))
        }))?;
        Ok(())
    })
}
