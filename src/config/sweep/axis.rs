//! The axes of a grid: each `[[sweep]]` table (read strictly: unknown fields refused, errors at
//! `sweep[i].range.step` and the like) and each `--sweep PATH=VALUES` argument becomes an
//! [`Axis`], a field path and its values, each value with its text for sweep.csv. A range's
//! values come from [`super::range`]; [`super::merge`] puts the axes together.

use std::ops::Range;

use toml::Spanned;
use toml::de::DeValue;

use super::range::{RangeError, grid, number_text};
use super::{MAX_POINTS, SweepArg};
use crate::config::field_path::{parse_path, render};
use crate::config::numbers::number;
use crate::config::overrides::shift;
use crate::config::reader::{Src, Tbl, as_str, type_name};
use crate::error::ConfigError;

/// One swept field and its values.
pub(super) struct Axis<'i> {
    /// The field path.
    pub path: Vec<String>,
    /// Where problems with the path point: the `path` string in the file, or the path in the
    /// `--sweep` argument.
    pub key: Range<usize>,
    /// How messages name the sweep: `sweep[0]`, `--sweep PATH=VALUES`.
    pub source: String,
    /// The values, in order.
    pub values: Vec<Value<'i>>,
}

/// One value of an axis: its TOML value, located where it was written, and its text in
/// sweep.csv.
pub(super) struct Value<'i> {
    text: String,
    tree: Tree<'i>,
}

/// A value as written (an element of `values`), or computed from a range: TOML number text,
/// located at the range.
enum Tree<'i> {
    Written(Spanned<DeValue<'i>>),
    Computed { toml: String, at: Range<usize> },
}

impl Axis<'_> {
    /// The `k`th value, to put into a point's tree.
    pub fn value(&self, k: usize) -> Spanned<DeValue<'_>> {
        match &self.values[k].tree {
            Tree::Written(v) => v.clone(),
            // Checked to parse when computed (see `computed`).
            Tree::Computed { toml, at } => match DeValue::parse(toml) {
                Ok(v) => Spanned::new(at.clone(), v.into_inner()),
                Err(_) => Spanned::new(at.clone(), DeValue::String(toml.clone().into())),
            },
        }
    }

    /// The `k`th value as written in sweep.csv.
    pub fn text(&self, k: usize) -> String {
        self.values[k].text.clone()
    }
}

/// The axes of the file's `[[sweep]]` tables (`sweep`, removed from the tree), in order.
pub(super) fn read_file<'i>(
    src: &Src<'_>,
    sweep: Option<&Spanned<DeValue<'i>>>,
) -> Result<Vec<Axis<'i>>, ConfigError> {
    let Some(v) = sweep else {
        return Ok(Vec::new());
    };
    let DeValue::Array(items) = v.get_ref() else {
        return Err(src.err(
            &v.span(),
            "sweep",
            format!(
                "expected an array of tables (write [[sweep]] sections), found {}",
                type_name(v.get_ref())
            ),
        ));
    };
    let mut axes = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let t = Tbl::of(src, item, &format!("sweep[{i}]"))?;
        t.allow(&["path", "values", "range"])?;
        let p = t.req("path")?;
        let path = parse_path(as_str(src, p, &t.child("path"))?)
            .map_err(|e| src.err(&p.span(), &t.child("path"), e))?;
        let values = match (t.get("values"), t.get("range")) {
            (Some(_), Some(_)) => {
                return Err(t.err("give `values` or `range`, not both"));
            }
            (None, None) => {
                return Err(t.err(
                    "a sweep needs `values = [...]` or `range = { from = ..., to = ..., step = ... }`",
                ));
            }
            (Some(list), None) => written(src, list, &t.child("values"), src.text, 0)?,
            (None, Some(range)) => {
                let r = Tbl::of(src, range, &t.child("range"))?;
                r.allow(&["from", "to", "step"])?;
                let parts = [
                    (r.req("from")?, r.child("from")),
                    (r.req("to")?, r.child("to")),
                    (r.req("step")?, r.child("step")),
                ];
                computed(src, &parts, &range.span(), &r.path)?
            }
        };
        axes.push(Axis {
            path,
            key: p.span(),
            source: format!("sweep[{i}]"),
            values,
        });
    }
    Ok(axes)
}

/// The axis of `--sweep PATH=VALUES`, the argument's text placed at span offset `at`.
pub(super) fn read_arg<'s>(
    src: &Src<'_>,
    arg: &'s SweepArg,
    at: usize,
) -> Result<Axis<'s>, ConfigError> {
    let key = at..at + arg.path.len();
    let path = parse_path(&arg.path).map_err(|e| src.err(&key, "", e))?;
    let name = render(&path);
    let start = at + arg.path.len() + 1;
    let (text, off) = trimmed(&arg.values, start);
    let whole = off..off + text.len();
    let values = if text.starts_with('[') {
        let list = toml_value(src, text, off, &name, "malformed TOML array")?;
        written(src, &list, &name, &arg.values, start)?
    } else if let Some((ends, step)) = text.rsplit_once(':')
        && let Some((from, to)) = ends.split_once("..")
    {
        let number_at = |part: &'s str, at: usize| {
            let (part, at) = trimmed(part, at);
            toml_value(src, part, at, &name, "malformed range: not a number")
        };
        let from = number_at(from, off)?;
        let to = number_at(to, off + ends.find("..").unwrap_or(0) + 2)?;
        let step = number_at(step, off + ends.len() + 1)?;
        let parts = [&from, &to, &step].map(|v| (v, name.clone()));
        computed(src, &parts, &whole, &name)?
    } else {
        return Err(src.err(
            &whole,
            &name,
            "expected a TOML array of values (`[100, 150, 200]`, `[\"each\", \"menu\"]`) or a \
             range from..to:step (`100..300:25`)",
        ));
    };
    Ok(Axis {
        path,
        key,
        source: format!("--sweep {}={}", arg.path, arg.values),
        values,
    })
}

/// `text` without the spaces around it, and the span offset of what is left, `text` being at
/// `at`.
fn trimmed(text: &str, at: usize) -> (&str, usize) {
    let lead = text.len() - text.trim_start().len();
    (text.trim(), at + lead)
}

/// `text` (at span offset `at`) parsed as one TOML value, located there.
fn toml_value<'s>(
    src: &Src<'_>,
    text: &'s str,
    at: usize,
    path: &str,
    what: &str,
) -> Result<Spanned<DeValue<'s>>, ConfigError> {
    DeValue::parse(text).map(|v| shift(v, at)).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        src.err(
            &(span.start + at..span.end + at),
            path,
            format!("{what}: {}", e.message().trim()),
        )
    })
}

/// The values of a `values` array `list` (at `path`), each with its text; `source` holds the
/// text they were written in, starting at span offset `offset`.
fn written<'i>(
    src: &Src<'_>,
    list: &Spanned<DeValue<'i>>,
    path: &str,
    source: &str,
    offset: usize,
) -> Result<Vec<Value<'i>>, ConfigError> {
    let DeValue::Array(items) = list.get_ref() else {
        return Err(src.err(
            &list.span(),
            path,
            format!(
                "expected an array of values (`values = [100, 150, 200]`), found {}",
                type_name(list.get_ref())
            ),
        ));
    };
    if items.is_empty() {
        return Err(src.err(&list.span(), path, "no values: give at least one"));
    }
    if items.len() > MAX_POINTS {
        return Err(src.err(
            &list.span(),
            path,
            format!(
                "{} values: a sweep has at most {MAX_POINTS} points",
                items.len()
            ),
        ));
    }
    Ok(items
        .iter()
        .map(|v| {
            let span = v.span();
            let written = source
                .get(span.start.saturating_sub(offset)..span.end.saturating_sub(offset))
                .unwrap_or("");
            Value {
                text: value_text(v.get_ref(), written.trim()),
                tree: Tree::Written(v.clone()),
            }
        })
        .collect())
}

/// How sweep.csv writes a value: numbers as [`number_text`], strings bare, booleans as
/// `true`/`false`, anything else as `written`, its TOML text.
pub(super) fn value_text(v: &DeValue<'_>, written: &str) -> String {
    match v {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix())
            .map_or_else(|_| written.to_string(), |n| n.to_string()),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .map_or_else(|_| written.to_string(), number_text),
        DeValue::Boolean(b) => b.to_string(),
        _ => written.to_string(),
    }
}

/// The values of the range `from`, `to`, `step` (`parts`, each with its path), located at `at`
/// (`range`, at `path`).
fn computed<'i>(
    src: &Src<'_>,
    parts: &[(&Spanned<DeValue<'_>>, String); 3],
    at: &Range<usize>,
    path: &str,
) -> Result<Vec<Value<'i>>, ConfigError> {
    let [(f, fp), (t, tp), (s, sp)] = parts;
    let (from, to, step) = (
        number(src, f, fp)?,
        number(src, t, tp)?,
        number(src, s, sp)?,
    );
    let integer = |v: &Spanned<DeValue<'_>>| match v.get_ref() {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    };
    let grid = grid(from, to, step, (integer(f), integer(t), integer(s)));
    let values = grid.map_err(|e| match e {
        RangeError::ZeroStep => src.err(&s.span(), sp, "step must not be 0"),
        RangeError::AwayFromTo => src.err(
            &s.span(),
            sp,
            format!(
                "step {} goes away from `to`: from {} to {} needs a {} step",
                number_text(step),
                number_text(from),
                number_text(to),
                if to > from { "positive" } else { "negative" }
            ),
        ),
        RangeError::TooMany(n) => src.err(
            at,
            path,
            format!(
                "the range gives {} points: a sweep has at most {MAX_POINTS}",
                n.map_or(format!("more than {MAX_POINTS}"), |n| n.to_string())
            ),
        ),
    })?;
    Ok(values
        .into_iter()
        .map(|(text, toml)| Value {
            text,
            tree: Tree::Computed {
                toml,
                at: at.clone(),
            },
        })
        .collect())
}
