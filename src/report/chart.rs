//! What every chart shares: the SVG canvas (plotters' SVG backend into a string, with the
//! namespace URL left out, which inline SVG in HTML does not need), the palette, the fonts
//! (generic family names only: no font file), money and share labels, axis ranges, and the
//! text of a name taken from a file.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ReportError;

/// The result a drawing closure returns: plotters' errors, boxed.
pub(super) type Drawn = Result<(), Box<dyn std::error::Error>>;

/// A chart's drawing area.
pub(super) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// Width of a chart that spans the page, pixels.
pub(super) const WIDE: u32 = 940;
/// Width of a chart in a grid of two, pixels.
pub(super) const HALF: u32 = 460;

/// The font of every text: a generic family, so the browser's own sans-serif font is used.
pub(super) const FONT: &str = "sans-serif";

/// Plan colours, in row order (Tableau 10); a plan keeps its colour in every chart.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Bars above zero.
pub(super) const GAIN: RGBColor = RGBColor(44, 160, 44);
/// Bars below zero.
pub(super) const LOSS: RGBColor = RGBColor(214, 39, 40);

/// The colour of the `i`-th plan (or series).
pub(super) fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// Draws one chart of `w` x `h` pixels on a white background and returns its `<svg>`
/// element.
///
/// # Errors
/// What plotters reports (a range it cannot map, for instance).
pub(super) fn svg(
    w: u32,
    h: u32,
    draw: impl FnOnce(&Area<'_>) -> Drawn,
) -> Result<String, ReportError> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
        let drawn = root
            .fill(&WHITE)
            .map_err(Into::into)
            .and_then(|()| draw(&root))
            .and_then(|()| root.present().map_err(Into::into));
        drawn.map_err(|e| ReportError(format!("drawing a chart failed: {e}")))?;
    }
    // Inline SVG in HTML is in the SVG namespace without it; leaving the URL out keeps the
    // page free of any address.
    let out = out.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
    Ok(out.replacen("<svg ", "<svg role=\"img\" ", 1))
}

/// A linear f64 axis with the ticks given (deciles, swept values, categories at 1, 2, ...)
/// and no light grid lines.
pub(super) struct Ticked {
    range: Range<f64>,
    ticks: Vec<f64>,
}

impl Ticked {
    /// The axis over `range` with ticks at `ticks`.
    pub fn new(range: Range<f64>, ticks: Vec<f64>) -> Self {
        Ticked { range, ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let t = if span == 0.0 {
            0.5
        } else {
            (v - self.range.start) / span
        };
        limit.0 + (t * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// A money amount for an axis or a label: `$1.25M`, `-$340k`, `$12.5`, three significant
/// digits at most.
pub(super) fn money(x: f64) -> String {
    let (sign, digits) = scaled(x);
    format!("{sign}${digits}")
}

/// A plain number for an axis, as [`money`] writes it without the `$`: `150`, `0.35`, `2.5M`.
pub(super) fn number(x: f64) -> String {
    let (sign, digits) = scaled(x);
    format!("{sign}{digits}")
}

/// The sign of `x` and its magnitude in at most three significant digits with a k, M, B or T
/// suffix.
fn scaled(x: f64) -> (&'static str, String) {
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    let (v, unit) = if a >= 1e12 {
        (a / 1e12, "T")
    } else if a >= 1e9 {
        (a / 1e9, "B")
    } else if a >= 1e6 {
        (a / 1e6, "M")
    } else if a >= 1e3 {
        (a / 1e3, "k")
    } else {
        (a, "")
    };
    let digits = short(v);
    (
        if digits == "0" { "" } else { sign },
        format!("{digits}{unit}"),
    )
}

/// Tick labels for a money axis over `range` with about `ticks` ticks: one unit (k, M, B, T)
/// for the whole axis, from its largest magnitude, and as many decimals as the tick step
/// needs, so that neighbouring ticks never read the same.
pub(super) fn money_axis(range: &Range<f64>, ticks: usize) -> impl Fn(&f64) -> String {
    let big = range.start.abs().max(range.end.abs());
    let (scale, unit) = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]
        .into_iter()
        .find(|(s, _)| big >= *s)
        .unwrap_or((1.0, ""));
    let step = (range.end - range.start).abs() / ticks.max(1) as f64 / scale;
    let decimals = if step > 0.0 {
        (-step.log10().floor()).clamp(0.0, 6.0) as usize
    } else {
        0
    };
    move |v: &f64| {
        let x = v / scale;
        let text = format!("{:.decimals$}", x.abs());
        if text.bytes().all(|b| b == b'0' || b == b'.') {
            return "$0".into();
        }
        let sign = if *v < 0.0 { "-" } else { "" };
        format!("{sign}${text}{unit}")
    }
}

/// A number of at most three significant digits with trailing zeros dropped.
fn short(v: f64) -> String {
    let digits = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A money amount written out for a table: `$1,234,567` (cents below $100).
pub(super) fn money_full(x: f64) -> String {
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a < 100.0 {
        return format!("{sign}${a:.2}");
    }
    let whole = format!("{:.0}", a);
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}")
}

/// A share (0.25) as a percentage (`25%`, `2.5%`, `0.25%`).
pub(super) fn percent(x: f64) -> String {
    let p = x * 100.0;
    let s = if p.abs() >= 10.0 {
        format!("{p:.0}")
    } else if p.abs() >= 1.0 {
        format!("{p:.1}")
    } else {
        format!("{p:.2}")
    };
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0%".into()
    } else {
        format!("{s}%")
    }
}

/// `lo..hi` widened by 5% on each side, and to a unit around a single value, so that every
/// range plotters maps is non-empty.
pub(super) fn padded(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    let span = hi - lo;
    let pad = if span > 0.0 {
        span * 0.05
    } else if lo != 0.0 {
        lo.abs() * 0.05
    } else {
        1.0
    };
    (lo - pad)..(hi + pad)
}

/// The smallest and largest of `values` (`None` when there are none).
pub(super) fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// A name taken from a file, for a chart's text: control characters written as escapes
/// (plotters escapes `<`, `&` and quotes itself) and cut to `max` characters with an ellipsis.
pub(super) fn label(text: &str, max: usize) -> String {
    let text = crate::error::escaped(text);
    if text.chars().count() <= max {
        text.into_owned()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

/// Font size of tick labels and axis names (plotters writes 1/1.24 of it as CSS pixels: 12).
pub(super) const SMALL: f64 = 15.0;
/// Font size of a chart's title (16 CSS pixels).
const TITLE: f64 = 20.0;

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
pub(super) enum Key {
    /// A line of the colour.
    Line(RGBColor),
    /// A filled box of the colour (a band, or bars), at this opacity.
    Fill(RGBColor, f64),
}

/// Draws the chart's title and its legend (rows of entries, wrapped to the width) at the top
/// of `area`, so that the legend never covers the data, and returns the area left for the
/// chart.
pub(super) fn header<'a>(
    area: &Area<'a>,
    title: &str,
    keys: &[(String, Key)],
) -> Result<Area<'a>, Box<dyn std::error::Error>> {
    let (w, _) = area.dim_in_pixel();
    let w = i32::try_from(w).unwrap_or(i32::MAX);
    let mut rows: Vec<Vec<(i32, &(String, Key))>> = Vec::new();
    let mut x = 0;
    for key in keys {
        let width = 30 + 7 * i32::try_from(key.0.chars().count()).unwrap_or(200) + 20;
        if rows.is_empty() || (x + width > w - 60 && x > 0) {
            rows.push(Vec::new());
            x = 0;
        }
        rows.last_mut().expect("a row").push((x, key));
        x += width;
    }
    let title_h = 28;
    let row_h = 20;
    let h = title_h + row_h * i32::try_from(rows.len()).unwrap_or(0) + 4;
    let (top, rest) = area.split_vertically(h);
    let centre = Pos::new(HPos::Center, VPos::Top);
    top.draw(&Text::new(
        title.to_string(),
        (w / 2, 6),
        TextStyle::from((FONT, TITLE).into_font()).pos(centre),
    ))?;
    for (r, row) in rows.iter().enumerate() {
        let used = row
            .last()
            .map_or(0, |(x, k)| x + 30 + 7 * k.0.chars().count() as i32);
        let x0 = ((w - used) / 2).max(0);
        let y = title_h + row_h * r as i32 + row_h / 2;
        for (x, (text, key)) in row {
            let x = x0 + x;
            match *key {
                Key::Line(c) => top.draw(&PathElement::new(
                    vec![(x, y), (x + 22, y)],
                    c.stroke_width(3),
                ))?,
                Key::Fill(c, a) => top.draw(&Rectangle::new(
                    [(x, y - 6), (x + 22, y + 6)],
                    c.mix(a).filled(),
                ))?,
            }
            top.draw(&Text::new(
                text.clone(),
                (x + 28, y),
                TextStyle::from((FONT, SMALL).into_font()).pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
    }
    Ok(rest)
}

/// The grid and axes of every chart: ticks and axis names at [`SMALL`], faint bold grid
/// lines, no light ones.
pub(super) fn mesh<'a, 'b, X, Y, DB>(
    c: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> plotters::chart::MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged + plotters::coord::ranged1d::ValueFormatter<X::ValueType>,
    Y: Ranged + plotters::coord::ranged1d::ValueFormatter<Y::ValueType>,
{
    let mut m = c.configure_mesh();
    m.light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.12))
        .label_style((FONT, SMALL))
        .axis_desc_style((FONT, SMALL));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_labels_are_short_and_signed() {
        assert_eq!(money(0.0), "$0");
        assert_eq!(money(12.5), "$12.5");
        assert_eq!(money(1234.0), "$1.23k");
        assert_eq!(money(-340_000.0), "-$340k");
        assert_eq!(money(2_500_000.0), "$2.5M");
        assert_eq!(money(7.0e9), "$7B");
        assert_eq!(money(-0.001), "$0");
        assert_eq!(number(150.0), "150");
        assert_eq!(number(0.35), "0.35");
        assert_eq!(money_full(1_234_567.4), "$1,234,567");
        assert_eq!(money_full(-999.6), "-$1,000");
        assert_eq!(money_full(12.345), "$12.35");
        assert_eq!(percent(0.25), "25%");
        assert_eq!(percent(0.025), "2.5%");
        assert_eq!(percent(0.0025), "0.25%");
        assert_eq!(percent(-0.0), "0%");
    }

    #[test]
    fn money_axes_tell_neighbouring_ticks_apart() {
        let f = money_axis(&(2_450_000.0..2_480_000.0), 6);
        assert_eq!(f(&2_455_000.0), "$2.455M");
        assert_eq!(f(&2_460_000.0), "$2.460M");
        let f = money_axis(&(-200_000.0..800_000.0), 5);
        assert_eq!(f(&-200_000.0), "-$200k");
        assert_eq!(f(&0.0), "$0");
        let f = money_axis(&(0.0..50.0), 5);
        assert_eq!(f(&20.0), "$20");
        let f = money_axis(&(0.0..2.0), 5);
        assert_eq!(f(&0.5), "$0.5");
    }

    #[test]
    fn ranges_are_never_empty() {
        assert_eq!(padded(0.0, 0.0), -1.0..1.0);
        assert_eq!(padded(10.0, 0.0), -0.5..10.5);
        let r = padded(100.0, 100.0);
        assert!(r.start < 100.0 && r.end > 100.0);
    }

    #[test]
    fn labels_show_control_characters_and_are_cut() {
        assert_eq!(label("a\u{1b}b", 20), "a\\u{1b}b");
        assert_eq!(label("abcdef", 4), "abc…");
    }
}
