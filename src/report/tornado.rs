//! The tornado of sensitivity (sensitivity.csv): per plan, each trial-level input's Spearman
//! rank correlation with the plan's trial profit, largest first, labelled with its share of
//! the variance.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{self, FONT, Ticked, WIDE, header, label, mesh, percent, svg};
use super::table::Table;
use super::{ReportError, Section, plans_in};

/// Most inputs drawn per plan (the file's first, the strongest).
pub(super) const MAX_INPUTS: usize = 12;

/// The sensitivity section.
///
/// # Errors
/// sensitivity.csv without `plan`, `input`, `spearman`, or a cell there that is not a number.
pub(super) fn section(t: &Table, plans: &[String]) -> Result<Section, ReportError> {
    let (plan_col, input_col, rho_col) = (t.col("plan")?, t.col("input")?, t.col("spearman")?);
    let share_col = t.find("variance_share");
    let mut body = String::new();
    for plan in plans_in(t, plan_col, plans) {
        let mut bars = Vec::new();
        for row in 0..t.rows.len() {
            if t.text(row, plan_col) != plan || bars.len() == MAX_INPUTS {
                continue;
            }
            let share = match share_col {
                Some(c) => t.num(row, c)?,
                None => None,
            };
            bars.push((
                t.text(row, input_col).to_string(),
                t.num(row, rho_col)?,
                share,
            ));
        }
        if !bars.is_empty() {
            body.push_str(&format!("<figure>{}</figure>\n", tornado(&plan, &bars)?));
        }
    }
    if body.is_empty() {
        body = "<p class=\"note\">No trial-level inputs: every trial had the same values, so \
                nothing to rank.</p>\n"
            .into();
    }
    Ok(Section {
        id: "sensitivity",
        title: "What drives profit: sensitivity tornado".into(),
        intro: "<p>For each plan, the uncertain inputs (drawn once per trial) ranked by how \
                strongly they move the plan's profit (<code>sensitivity.csv</code>): the bar is \
                the Spearman rank correlation between the input and the trial's profit, from \
                −1 to 1; right (green) means more of the input, more profit. The percentage is \
                the input's share of the variance explained (squared correlations normalised to \
                100%). Correlated inputs share the credit.</p>"
            .into(),
        body,
    })
}

/// One plan's tornado: (input, spearman, variance share), strongest first, drawn top down.
fn tornado(plan: &str, bars: &[(String, Option<f64>, Option<f64>)]) -> Result<String, ReportError> {
    let n = bars.len();
    let names: Vec<String> = bars.iter().map(|b| label(&b.0, 48)).collect();
    let longest = names.iter().map(|s| s.chars().count()).max().unwrap_or(0);
    let label_area = (longest as u32 * 8 + 20).clamp(60, 380);
    // Input j at y = n - j, so the first is on top.
    let keys: Vec<f64> = (1..=n).map(|k| k as f64).collect();
    let height = 90 + 30 * n as u32;
    svg(WIDE, height, |area| {
        let rest = header(area, &label(plan, 60), &[])?;
        let mut c = ChartBuilder::on(&rest)
            .margin(8)
            .margin_right(56)
            .x_label_area_size(44)
            .y_label_area_size(label_area)
            .build_cartesian_2d(-1.0..1.0, Ticked::new(0.4..n as f64 + 0.6, keys.clone()))?;
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
            .x_label_formatter(&|v| format!("{v:.1}"))
            .y_label_formatter(&name_of)
            .x_desc("Spearman rank correlation with the plan's trial profit")
            .draw()?;
        c.draw_series(bars.iter().enumerate().filter_map(|(j, b)| {
            let rho = b.1?;
            let y = (n - j) as f64;
            let col = if rho < 0.0 { chart::LOSS } else { chart::GAIN };
            Some(Rectangle::new(
                [(0.0, y - 0.32), (rho, y + 0.32)],
                col.mix(0.8).filled(),
            ))
        }))?;
        c.draw_series(bars.iter().enumerate().filter_map(|(j, b)| {
            let (rho, share) = (b.1?, b.2?);
            let y = (n - j) as f64;
            let (x, h) = if rho < 0.0 {
                (rho - 0.02, HPos::Right)
            } else {
                (rho + 0.02, HPos::Left)
            };
            let style =
                TextStyle::from((FONT, chart::SMALL).into_font()).pos(Pos::new(h, VPos::Center));
            Some(Text::new(percent(share), (x, y), style))
        }))?;
        c.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.4), (0.0, n as f64 + 0.6)],
            BLACK.mix(0.6),
        )))?;
        Ok(())
    })
}
