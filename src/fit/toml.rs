//! The fitted segments written as TOML: the `[[segment]]` tables ([`segment_tables`]), and a
//! whole scenario ([`scenario`]) made of a header comment, the name, and either another
//! scenario's tables with its `[[segment]]` tables replaced by the fitted ones, or a starter
//! ([`STARTER`]).
//!
//! The segment tables of another scenario are found from toml's spanned tree: each table
//! header's span, the region of a header running from the comment lines just above it to the
//! next header's comment lines. Those of `segment` and its sub-tables are cut out, and the
//! fitted tables go where the first was.

use std::fmt::Write as _;

use toml::de::{DeTable, DeValue};

use super::models::{Model, ParamInterval};
use super::segments::SegmentFit;

/// A number as TOML, to 6 significant digits: plain within [1e-4, 1e15), else with an
/// exponent.
pub fn num(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return "0".to_string();
    }
    let y: f64 = format!("{x:.5e}").parse().unwrap_or(x);
    if (1e-4..1e15).contains(&y.abs()) {
        format!("{y}")
    } else {
        format!("{y:e}")
    }
}

/// `x` rounded up to 3 significant digits (a ceiling that stays above what it bounds).
pub fn round_up(x: f64) -> f64 {
    if x <= 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(x.log10().floor() as i32 - 2);
    (x / scale).ceil() * scale
}

/// A parameter as written: its estimate, or with `uncertain` and an interval of positive
/// width a distribution drawn once per trial. `positive` parameters get a lognormal with the
/// estimate as median and sigma (ln hi − ln lo) / 3.29, others a normal with sd
/// (hi − lo) / 3.29 (the sd of a normal whose 90% interval is that wide).
fn param(name: &str, value: f64, intervals: &[ParamInterval], uncertain: bool) -> String {
    let width = 2.0 * 1.644_853_626_951_472_2;
    let found = intervals.iter().find(|iv| iv.name == name);
    match found.filter(|iv| uncertain && iv.hi > iv.lo) {
        Some(iv) if name.starts_with("mu") => format!(
            "{{ dist = \"normal\", mean = {}, sd = {} }}",
            num(value),
            num((iv.hi - iv.lo) / width)
        ),
        Some(iv) if iv.lo > 0.0 => format!(
            "{{ dist = \"lognormal\", median = {}, sigma = {} }}",
            num(value),
            num((iv.hi.ln() - iv.lo.ln()) / width)
        ),
        _ => num(value),
    }
}

/// A distribution's parameters as `key = value` pairs (`uncertain`: see [`param`]); `suffix`
/// names a mixture component's intervals (`1` for `mu1`).
fn params(model: &Model, intervals: &[ParamInterval], uncertain: bool, suffix: &str) -> String {
    let p = |name: &str, v: f64| {
        let at = format!("{name}{suffix}");
        let written = param(&at, v, intervals, uncertain);
        format!("{name} = {written}")
    };
    match model {
        Model::LogNormal { mu, sigma } => {
            format!(
                "dist = \"lognormal\", {}, {}",
                p("mu", *mu),
                p("sigma", *sigma)
            )
        }
        Model::Gamma { shape, scale } => {
            format!(
                "dist = \"gamma\", {}, {}",
                p("shape", *shape),
                p("scale", *scale)
            )
        }
        Model::Weibull { shape, scale } => {
            format!(
                "dist = \"weibull\", {}, {}",
                p("shape", *shape),
                p("scale", *scale)
            )
        }
        Model::Pareto { alpha, xmin } => format!(
            "dist = \"pareto\", min = {}, alpha = {}",
            num(*xmin),
            num(*alpha)
        ),
        Model::Mixture(_) => String::new(),
    }
}

/// The modifiers of a segment's `output_tokens`, each as `, key = value`.
fn modifiers(s: &SegmentFit) -> String {
    let mut out = String::new();
    if let Some(c) = s.ceiling {
        let _ = write!(out, ", ceiling = {}", num(c));
    }
    if s.zero > 0.0 {
        let _ = write!(out, ", zero = {}", num(s.zero));
    }
    out
}

/// The `[[segment]]` tables of `segments`; with `uncertain`, the output distribution's
/// parameters are drawn per trial (see [`param`]).
pub fn segment_tables(segments: &[SegmentFit], uncertain: bool) -> String {
    let mut out = String::new();
    for (i, s) in segments.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let g = &s.group;
        let _ = writeln!(
            out,
            "# {} users; the typical month: {}{}.",
            g.users,
            s.output.name(),
            describe(&s.output.params())
        );
        if uncertain {
            out.push_str(
                "# Its parameters are drawn once per trial from their bootstrap uncertainty, \
                 each independently of the others.\n",
            );
        }
        let _ = writeln!(
            out,
            "[[segment]]\nname = \"{}\"\nshare = {}",
            s.name,
            num(s.share)
        );
        let fields = [
            ("input_per_output", g.input_per_output),
            ("cache_read_share", g.cache_read_share),
            ("cache_write_share", g.cache_write_share),
            ("monthly_volatility", g.volatility),
            ("monthly_churn", g.churn),
        ];
        match &s.output {
            Model::Mixture(components) => {
                for (k, v) in fields.iter().filter_map(|(k, v)| v.map(|v| (k, v))) {
                    let _ = writeln!(out, "{k} = {}", num(v));
                }
                out.push_str("\n[segment.output_tokens]\ndist = \"mixture\"\ncomponents = [\n");
                for (j, c) in components.iter().enumerate() {
                    let model = Model::LogNormal {
                        mu: c.mu,
                        sigma: c.sigma,
                    };
                    let p = params(&model, &s.intervals, uncertain, &(j + 1).to_string());
                    let _ = writeln!(out, "  {{ weight = {}, {p} }},", num(c.weight));
                }
                out.push_str("]\n");
                let m = modifiers(s);
                for pair in m.split(", ").filter(|p| !p.is_empty()) {
                    let _ = writeln!(out, "{pair}");
                }
            }
            model => {
                let p = params(model, &s.intervals, uncertain, "");
                let _ = writeln!(out, "output_tokens = {{ {p}{} }}", modifiers(s));
                for (k, v) in fields.iter().filter_map(|(k, v)| v.map(|v| (k, v))) {
                    let _ = writeln!(out, "{k} = {}", num(v));
                }
            }
        }
    }
    out
}

/// ` (mu 13.2, sigma 1.1)` from a model's parameters.
fn describe(params: &[(String, f64)]) -> String {
    let parts: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k} {}", num(*v)))
        .collect();
    format!(" ({})", parts.join(", "))
}

/// The starter's tables when no `--plans` scenario is given: a month-long run, an
/// Anthropic-like list card ($3 / $15 per million input / output tokens, cache reads $0.30,
/// cache writes $3.75), a serving cost at 20% of list, one payg and one flat plan.
pub const STARTER: &str = include_str!("starter.toml");

/// A whole scenario: `header` lines as comments, `name`, `description`, then `base`'s tables
/// (the [`STARTER`] for `None`) with its `[[segment]]` tables replaced by `segments`.
///
/// # Errors
/// A message when `base` is not TOML or has no `[[segment]]` tables to replace.
pub fn scenario(
    header: &[String],
    name: &str,
    description: &str,
    base: Option<&str>,
    segments: &str,
) -> Result<String, String> {
    let mut out = String::new();
    for line in header {
        let _ = writeln!(out, "# {line}");
    }
    let _ = writeln!(
        out,
        "name = \"{name}\"\ndescription = {}",
        quote(description)
    );
    let text = base.unwrap_or(STARTER);
    let (before, after) = without_segments(text)?;
    out.push_str(&before);
    if !before.is_empty() && !before.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str(segments);
    if !after.is_empty() && !after.starts_with('\n') {
        out.push('\n');
    }
    out.push_str(&after);
    Ok(out)
}

/// `text` without its root `name` and `description` and its `[[segment]]` tables: the text
/// before the first segment table and the text after it (other tables that followed it
/// included).
fn without_segments(text: &str) -> Result<(String, String), String> {
    let doc = DeTable::parse(text).map_err(|e| format!("malformed TOML: {}", e.message()))?;
    let root = doc.get_ref();
    let mut headers: Vec<(usize, bool)> = Vec::new();
    for (key, value) in root {
        let segment = key.get_ref().as_ref() == "segment";
        collect_headers(text, value, segment, &mut headers);
    }
    headers.sort_unstable();
    if !headers.iter().any(|h| h.1) {
        return Err("it has no [[segment]] tables to replace".to_string());
    }
    // Root key-value lines end before the first header; drop the lines of `name` and
    // `description` among them (a value may span lines).
    let cut: Vec<(usize, usize)> = ["name", "description"]
        .iter()
        .filter_map(|k| root.get_key_value(*k))
        .map(|(k, v)| (line_start(text, k.span().start), v.span().end))
        .collect();
    let starts: Vec<usize> = headers.iter().map(|h| region_start(text, h.0)).collect();
    let (mut before, mut after) = (String::new(), String::new());
    let mut seen_segment = false;
    let first = starts.first().copied().unwrap_or(text.len());
    for line in text[..first].split_inclusive('\n') {
        let at = line.as_ptr() as usize - text.as_ptr() as usize;
        if !cut.iter().any(|&(a, b)| (a..b).contains(&at)) {
            before.push_str(line);
        }
    }
    for (i, &(_, segment)) in headers.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(text.len());
        if segment {
            seen_segment = true;
        } else if seen_segment {
            after.push_str(&text[starts[i]..end]);
        } else {
            before.push_str(&text[starts[i]..end]);
        }
    }
    Ok((before, after))
}

/// `s` as a TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The header spans under `value` (a table from a header starts with `[`), each with whether
/// it is a segment's.
fn collect_headers(
    text: &str,
    value: &toml::Spanned<DeValue<'_>>,
    segment: bool,
    out: &mut Vec<(usize, bool)>,
) {
    match value.get_ref() {
        DeValue::Table(t) => {
            let at = value.span().start;
            if text[at..].starts_with('[') && value.span().end > at {
                out.push((at, segment));
            }
            for (_, v) in t {
                collect_headers(text, v, segment, out);
            }
        }
        DeValue::Array(a) => {
            for v in a {
                collect_headers(text, v, segment, out);
            }
        }
        _ => {}
    }
}

/// The start of the line holding byte `at`.
fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |i| i + 1)
}

/// Where the region of the header at `at` starts: its line, or the first of the comment and
/// blank lines just above it.
fn region_start(text: &str, at: usize) -> usize {
    let mut start = line_start(text, at);
    while start > 0 {
        let prev = line_start(text, start - 1);
        let line = text[prev..start].trim();
        if line.is_empty() || line.starts_with('#') {
            start = prev;
        } else {
            break;
        }
    }
    start
}

#[cfg(test)]
#[path = "toml_tests.rs"]
mod tests;
