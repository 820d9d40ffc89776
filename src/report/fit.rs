//! fit_report.html: what `plansim fit` found, as one self-contained page made the way
//! report.html is (inline SVG charts by plotters, no script, the same Content-Security-Policy,
//! nothing that depends on when it was made).
//!
//! Per fitted quantity: a QQ chart (log-log: the data's order statistics against the chosen
//! fit's quantiles at the plotting positions (i - 0.5) / n, at most [`MAX_QQ_POINTS`] of them,
//! with the line y = x), a CDF chart (x on a log scale: the empirical CDF against the chosen
//! fit's and the runner-up's, the best-ranked other candidate), the candidates with their BIC,
//! KS and AD, the data against the fits at the quantiles and top shares of fit_report.csv,
//! and the bootstrap intervals of the chosen fit's parameters; then the notes. The Pareto tail
//! model is read as fit_report.csv reads it ([`crate::export::fit_report`]): only above its
//! xmin, holding the observed share of users.

use plotters::prelude::*;

use super::chart::{HALF, Key, color, header, label, mesh, number, percent, svg};
use super::distribution::cdf_points;
use super::{ReportError, Section, html, page};
use crate::analysis::stats::{percentile_sorted, sorted};
use crate::export::fit_report::{
    LEVELS, TOPS, data_top_share, fit_cdf, fit_quantile, is_tail, ranks,
};
use crate::fit::models::Fitted;
use crate::fit::report::{FitReport, QuantityFit};

/// The page's file name in `plansim fit`'s folder.
pub const FIT_FILE_NAME: &str = "fit_report.html";

/// Most points of a QQ chart.
pub(super) const MAX_QQ_POINTS: usize = 500;
/// Points of a fitted CDF line.
const CDF_GRID: usize = 200;
/// The colour of the data's empirical CDF.
const DATA: RGBColor = RGBColor(40, 40, 40);

/// The fit report page of `r`.
///
/// # Errors
/// A chart plotters could not draw.
pub fn render_fit(r: &FitReport) -> Result<String, ReportError> {
    let mut body = String::new();
    for (k, q) in r.quantities.iter().enumerate() {
        body.push_str(&quantity(k, q)?);
    }
    let links: Vec<String> = r
        .quantities
        .iter()
        .enumerate()
        .map(|(k, q)| format!("<a href=\"#q{}\">{}</a>", k + 1, html(&q.quantity)))
        .collect();
    let mut sections = vec![Section {
        id: "fits",
        title: "Fits".into(),
        intro: format!(
            "<p>For each fitted quantity ({}), one value per user. The <em>QQ</em> chart plots \
             the data's sorted values against the chosen fit's quantiles at the same ranks \
             (plotting positions (i − 0.5) / n): points on the line y = x mean the fit \
             matches; points above it at the right mean the data's tail is heavier than the \
             fit's. The <em>CDF</em> chart shows the share of users at or below each value, \
             the data against the chosen fit and the runner-up. Rank is by BIC (lower is \
             better) among the whole-sample candidates; the Pareto tail model describes only \
             the users at or above its xmin (its n), so it has no rank and is compared with \
             the data only there. KS is the largest gap between the CDFs, AD weighs the tails \
             more. The intervals are bootstrap 90% intervals (resampling users).</p>",
            links.join(", ")
        ),
        body,
    }];
    if !r.notes.is_empty() {
        let items: String = r
            .notes
            .iter()
            .map(|n| format!("<li>{}</li>\n", html(n)))
            .collect();
        sections.push(Section {
            id: "notes",
            title: "Notes".into(),
            intro: String::new(),
            body: format!("<ul>\n{items}</ul>\n"),
        });
    }
    let heading = format!(
        "<h1>plansim fit: {}</h1>\n<p class=\"meta\">{} fitted quantit{} · plansim {}</p>\n",
        html(&r.file),
        r.quantities.len(),
        if r.quantities.len() == 1 { "y" } else { "ies" },
        env!("CARGO_PKG_VERSION")
    );
    Ok(page::page(&heading, &sections))
}

/// The runner-up of `q`: the best-ranked whole-sample candidate other than the chosen one.
pub(super) fn runner_up(q: &QuantityFit) -> Option<usize> {
    ranks(q)
        .iter()
        .enumerate()
        .filter(|&(i, r)| i != q.chosen && r.is_some())
        .min_by_key(|&(_, r)| *r)
        .map(|(i, _)| i)
}

/// One quantity's part of the page.
fn quantity(k: usize, q: &QuantityFit) -> Result<String, ReportError> {
    let data = sorted(&q.data);
    let mut s = format!(
        "<h3 id=\"q{}\">{} <small>({} users)</small></h3>\n",
        k + 1,
        html(&q.quantity),
        data.len()
    );
    let Some(chosen) = q.candidates.get(q.chosen) else {
        s.push_str("<p class=\"note\">No candidate could be fitted.</p>\n");
        return Ok(s);
    };
    let second = runner_up(q).map(|i| &q.candidates[i]);
    s.push_str(&format!(
        "<div class=\"grid\">\n<figure>{}</figure>\n<figure>{}</figure>\n</div>\n",
        qq_chart(&q.quantity, &data, chosen)?,
        cdf_chart(&q.quantity, &data, chosen, second)?
    ));
    s.push_str(&candidates_table(q));
    s.push_str(&against_table(&data, chosen, second));
    if !q.intervals.is_empty() {
        s.push_str(&format!(
            "<table>\n<tr><th>{} parameter</th><th>estimate</th><th>5%</th><th>95%</th></tr>\n",
            html(&chosen.model.name())
        ));
        for iv in &q.intervals {
            s.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                html(&iv.name),
                sig(iv.estimate),
                sig(iv.lo),
                sig(iv.hi)
            ));
        }
        s.push_str("</table>\n");
    }
    Ok(s)
}

/// The candidates: rank, parameters, likelihood, BIC (and its gap to the best), KS, AD.
fn candidates_table(q: &QuantityFit) -> String {
    let ranks = ranks(q);
    let best = q
        .candidates
        .iter()
        .filter(|f| !is_tail(f))
        .map(|f| f.bic)
        .min_by(f64::total_cmp);
    let mut s = String::from(
        "<div class=\"scroll\"><table>\n<tr><th>candidate</th><th>rank</th><th>n</th>\
         <th>log-likelihood</th><th>BIC</th><th>ΔBIC</th><th>KS</th><th>AD</th>\
         <th>parameters</th></tr>\n",
    );
    for (i, f) in q.candidates.iter().enumerate() {
        let name = if i == q.chosen {
            format!("<strong>{}</strong> (chosen)", html(&f.model.name()))
        } else {
            html(&f.model.name())
        };
        // A mixture's parameters one component (w, mu, sigma) a line.
        let params: Vec<String> = f
            .model
            .params()
            .chunks(3)
            .map(|c| {
                c.iter()
                    .map(|(k, v)| format!("{}={}", html(k), sig(*v)))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let delta = match (ranks[i], best) {
            (Some(_), Some(b)) => sig(f.bic - b),
            _ => "–".into(),
        };
        s.push_str(&format!(
            "<tr><td class=\"text\">{name}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{delta}</td><td>{}</td><td>{}</td><td class=\"text\">{}</td></tr>\n",
            ranks[i].map_or("tail".into(), |r| r.to_string()),
            f.n,
            sig(f.log_lik),
            sig(f.bic),
            sig(f.ks),
            sig(f.ad),
            params.join("<br>")
        ));
    }
    s.push_str("</table></div>\n");
    s
}

/// The data against the chosen fit (and the runner-up) at fit_report.csv's quantiles and top
/// shares.
fn against_table(data: &[f64], chosen: &Fitted, second: Option<&Fitted>) -> String {
    let fits: Vec<&Fitted> = std::iter::once(chosen).chain(second).collect();
    let mut s = String::from("<table>\n<tr><th></th><th>data</th>");
    for (j, f) in fits.iter().enumerate() {
        let role = if j == 0 { "chosen" } else { "runner-up" };
        s.push_str(&format!("<th>{} ({role})</th>", html(&f.model.name())));
    }
    s.push_str("</tr>\n");
    let cell = |v: Option<String>| v.unwrap_or_else(|| "–".into());
    for (pct, name) in LEVELS {
        s.push_str(&format!(
            "<tr><td>{}</td><td>{}</td>",
            name.replace('_', "."),
            cell(percentile_sorted(data, pct).map(number))
        ));
        for f in &fits {
            let v = fit_quantile(f, data.len(), pct / 100.0).map(number);
            s.push_str(&format!("<td>{}</td>", cell(v)));
        }
        s.push_str("</tr>\n");
    }
    for (k, _) in TOPS {
        s.push_str(&format!(
            "<tr><td>top {}% share</td><td>{}</td>",
            100 / k,
            cell(data_top_share(data, k).map(percent))
        ));
        for f in &fits {
            let v = (!is_tail(f))
                .then(|| f.model.top_share(1.0 / k as f64))
                .flatten()
                .filter(|v| v.is_finite())
                .map(percent);
            s.push_str(&format!("<td>{}</td>", cell(v)));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
    s
}

/// A number to four significant digits, trailing zeros dropped; `–` when not finite.
fn sig(x: f64) -> String {
    if !x.is_finite() {
        return "–".into();
    }
    let mag = if x == 0.0 {
        0.0
    } else {
        x.abs().log10().floor()
    };
    let decimals = (3.0 - mag).clamp(0.0, 8.0) as usize;
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".into() } else { s }
}

/// The QQ points (fit quantile, data value) of the sorted `data` against `f`: the order
/// statistics the fit describes (all, or the tail's for the Pareto tail model), at most
/// [`MAX_QQ_POINTS`] of them evenly spaced (the first and the last included), positive only.
pub(super) fn qq_points(data: &[f64], f: &Fitted) -> Vec<(f64, f64)> {
    let n = data.len();
    let start = if is_tail(f) { n - f.n.min(n) } else { 0 };
    let len = n - start;
    let m = len.min(MAX_QQ_POINTS);
    (0..m)
        .map(|j| start + if m == 1 { 0 } else { j * (len - 1) / (m - 1) })
        .filter_map(|i| {
            let p = (i as f64 + 0.5) / n as f64;
            fit_quantile(f, n, p).map(|x| (x, data[i]))
        })
        .filter(|&(x, y)| x > 0.0 && y > 0.0)
        .collect()
}

/// A log axis over the positive `values`, widened by a fifth on each side.
fn log_range(values: impl IntoIterator<Item = f64>) -> std::ops::Range<f64> {
    let pos = values.into_iter().filter(|v| *v > 0.0 && v.is_finite());
    match super::chart::extent(pos) {
        Some((lo, hi)) if hi > lo => lo / 1.2..hi * 1.2,
        Some((v, _)) => v / 2.0..v * 2.0,
        None => 1.0..10.0,
    }
}

/// The QQ chart of `data` against the chosen fit `f`.
fn qq_chart(quantity: &str, data: &[f64], f: &Fitted) -> Result<String, ReportError> {
    let points = qq_points(data, f);
    let range = log_range(points.iter().flat_map(|&(x, y)| [x, y]));
    let keys = [
        ("users (data)".to_string(), Key::Fill(color(0), 0.8)),
        ("y = x".to_string(), Key::Line(BLACK)),
    ];
    let title = format!("QQ: {} against {}", label(quantity, 28), f.model.name());
    svg(HALF, 420, |area| {
        let rest = header(area, &title, &keys)?;
        let mut c = ChartBuilder::on(&rest)
            .margin(8)
            .margin_right(16)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(range.clone().log_scale(), range.clone().log_scale())?;
        mesh(&mut c)
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|v| number(*v))
            .y_label_formatter(&|v| number(*v))
            .x_desc(format!("{} quantile", f.model.name()))
            .y_desc("data")
            .draw()?;
        c.draw_series(std::iter::once(PathElement::new(
            vec![(range.start, range.start), (range.end, range.end)],
            BLACK.mix(0.6),
        )))?;
        c.draw_series(
            points
                .iter()
                .map(|&(x, y)| Circle::new((x, y), 2, color(0).mix(0.8).filled())),
        )?;
        Ok(())
    })
}

/// The points of the fitted CDF of `f` on [`CDF_GRID`] log-spaced values over `range`.
fn fit_cdf_line(f: &Fitted, n: usize, range: &std::ops::Range<f64>) -> Vec<(f64, f64)> {
    let (a, b) = (range.start.ln(), range.end.ln());
    (0..CDF_GRID)
        .filter_map(|j| {
            let x = (a + (b - a) * j as f64 / (CDF_GRID - 1) as f64).exp();
            fit_cdf(f, n, x).map(|y| (x, y.clamp(0.0, 1.0)))
        })
        .collect()
}

/// The CDF chart: the data's empirical CDF against the chosen fit's and the runner-up's.
fn cdf_chart(
    quantity: &str,
    data: &[f64],
    chosen: &Fitted,
    second: Option<&Fitted>,
) -> Result<String, ReportError> {
    let empirical: Vec<(f64, f64)> = cdf_points(data)
        .into_iter()
        .filter(|&(x, _)| x > 0.0)
        .collect();
    let range = log_range(empirical.iter().map(|&(x, _)| x));
    let fits: Vec<(&Fitted, RGBColor)> = std::iter::once((chosen, color(0)))
        .chain(second.map(|f| (f, color(1))))
        .collect();
    let mut keys = vec![("data".to_string(), Key::Line(DATA))];
    for (j, (f, col)) in fits.iter().enumerate() {
        let role = if j == 0 { "chosen" } else { "runner-up" };
        keys.push((format!("{} ({role})", f.model.name()), Key::Line(*col)));
    }
    let title = format!("CDF: {}", label(quantity, 36));
    svg(HALF, 420, |area| {
        let rest = header(area, &title, &keys)?;
        let mut c = ChartBuilder::on(&rest)
            .margin(8)
            .margin_right(16)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d(range.clone().log_scale(), 0.0..1.0)?;
        mesh(&mut c)
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|v| number(*v))
            .y_label_formatter(&|v| percent(*v))
            .x_desc("value per user (log scale)")
            .y_desc("share of users at or below")
            .draw()?;
        // The data under the fits, wider: where a fit matches, a dark edge shows on both sides.
        c.draw_series(LineSeries::new(empirical.clone(), DATA.stroke_width(4)))?;
        for (f, col) in &fits {
            let line = fit_cdf_line(f, data.len(), &range);
            c.draw_series(LineSeries::new(line, col.stroke_width(2)))?;
        }
        Ok(())
    })
}
