//! The axes of a grid: each `[[sweep]]` table (read strictly: unknown fields refused, errors at
//! `sweep[i].range.step` and the like) and each `--sweep PATH=VALUES` argument becomes an
//! [`Axis`], a field path and its values; [`merge`] puts the command line's in (replacing the
//! file's sweep of a path in its place), refuses a path swept twice, paths inside one another,
//! fields a sweep may not vary, and grids of more than [`MAX_POINTS`] points.
//!
//! A range `from..to:step` gives from + i x step for i = 0, 1, ... while the value is at most
//! `to` (at least, for a negative step) within 1e-9 x |step|, so `0..1:0.1` ends at 1 despite
//! rounding; the last value is then `to` itself. With integers for all three the values are
//! exact integers; otherwise each is written with 15 significant digits when that moves it by
//! at most 1e-9 x |step| (`0.3`, not `0.30000000000000004`).

use std::ops::Range;

use toml::Spanned;
use toml::de::DeValue;

use super::MAX_POINTS;
use super::SweepArg;
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
    source: String,
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

/// A number in the shortest form that reads back as the same number, as export::num writes it
/// (`100`, `137.5`, `0`).
pub(super) fn number_text(x: f64) -> String {
    if x == 0.0 { "0".into() } else { format!("{x}") }
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

/// Why a range gives no grid.
#[derive(Debug, PartialEq)]
pub(super) enum RangeError {
    ZeroStep,
    AwayFromTo,
    /// More than [`MAX_POINTS`] points: how many, when countable.
    TooMany(Option<u64>),
}

/// The values of the range from..to:step, each as its sweep.csv text and its TOML text; exact
/// integers when `ints` holds all three as integers (see the module's documentation).
pub(super) fn grid(
    from: f64,
    to: f64,
    step: f64,
    ints: (Option<i64>, Option<i64>, Option<i64>),
) -> Result<Vec<(String, String)>, RangeError> {
    const TOLERANCE: f64 = 1e-9;
    if step == 0.0 {
        return Err(RangeError::ZeroStep);
    }
    if (to - from) * step < 0.0 {
        return Err(RangeError::AwayFromTo);
    }
    let last = (to - from) / step + TOLERANCE;
    if !(last < MAX_POINTS as f64) {
        let n = (last.is_finite() && last < 1e18).then(|| last.floor() as u64 + 1);
        return Err(RangeError::TooMany(n));
    }
    if let (Some(from), Some(to), Some(step)) = ints {
        // Exact: the last value is the last multiple of step from `from` not past `to`.
        let n = (i128::from(to) - i128::from(from)) / i128::from(step) + 1;
        return Ok((0..n)
            .map(|i| (i128::from(from) + i * i128::from(step)).to_string())
            .map(|t| (t.clone(), t))
            .collect());
    }
    let n = last.floor() as i64 + 1;
    Ok((0..n)
        .map(|i| {
            let exact = from + i as f64 * step;
            let mut x = if i == n - 1 && (exact - to).abs() <= TOLERANCE * step.abs() {
                to
            } else {
                exact
            };
            let short: f64 = format!("{x:.14e}").parse().unwrap_or(x);
            if (short - x).abs() <= TOLERANCE * step.abs() {
                x = short;
            }
            (number_text(x), format!("{:?}", x + 0.0))
        })
        .collect())
}

/// Puts the command line's axes `args` into the file's `axes`: one replaces the file's sweep of
/// the same path, in its place; the others follow, in order. Then checks the whole grid.
///
/// # Errors
/// A path swept twice in the file or on the command line, paths inside one another, a field a
/// sweep may not vary, more than [`MAX_POINTS`] points; located at the later sweep's path.
pub(super) fn merge<'i>(
    src: &Src<'_>,
    axes: &mut Vec<Axis<'i>>,
    args: Vec<Axis<'i>>,
) -> Result<(), ConfigError> {
    twice(src, axes, "give each path one [[sweep]]")?;
    twice(src, &args, "give each path one --sweep")?;
    for arg in args {
        match axes.iter().position(|a| a.path == arg.path) {
            Some(i) => axes[i] = arg,
            None => axes.push(arg),
        }
    }
    for (j, b) in axes.iter().enumerate() {
        let name = render(&b.path);
        if let Some(why) = refusal(&b.path) {
            return Err(src.err(&b.key, &name, format!("cannot sweep `{name}`: {why}")));
        }
        if let Some(a) = axes.iter().take(j).find(|a| nested(&a.path, &b.path)) {
            let (outer, inner) = if a.path.len() < b.path.len() {
                (a, b)
            } else {
                (b, a)
            };
            return Err(src.err(
                &b.key,
                &name,
                format!(
                    "`{}` ({}) lies inside `{}` ({}): sweep one or the other",
                    render(&inner.path),
                    inner.source,
                    render(&outer.path),
                    outer.source
                ),
            ));
        }
    }
    let mut total: u64 = 1;
    for b in axes.iter() {
        total = total.saturating_mul(b.values.len() as u64);
        if total > MAX_POINTS as u64 {
            let sizes: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
            let all: u64 = axes
                .iter()
                .fold(1, |n: u64, a| n.saturating_mul(a.values.len() as u64));
            return Err(src.err(
                &b.key,
                &render(&b.path),
                format!(
                    "the sweeps form a grid of {} = {all} points: at most {MAX_POINTS}",
                    sizes.join(" x ")
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a path two of `axes` sweep, at the later one.
fn twice(src: &Src<'_>, axes: &[Axis<'_>], hint: &str) -> Result<(), ConfigError> {
    for (j, b) in axes.iter().enumerate() {
        if let Some(a) = axes.iter().take(j).find(|a| a.path == b.path) {
            let name = render(&b.path);
            return Err(src.err(
                &b.key,
                &name,
                format!(
                    "`{name}` is swept twice, by {} and {}: {hint}",
                    a.source, b.source
                ),
            ));
        }
    }
    Ok(())
}

/// Whether one path lies inside the other (`plan.p.top_up` and `plan.p.top_up.price`).
fn nested(a: &[String], b: &[String]) -> bool {
    let n = a.len().min(b.len());
    a.len() != b.len() && a[..n] == b[..n]
}

/// Why a sweep may not vary the field at `path`, if it may not.
fn refusal(path: &[String]) -> Option<String> {
    let segments: Vec<&str> = path.iter().map(String::as_str).collect();
    Some(match segments.as_slice() {
        ["simulation", "seed", ..] => "the points of a sweep share their random draws (common \
             random numbers); to vary the seed, run once per seed with --seed"
            .into(),
        ["simulation", "users", ..] => "the points of a sweep simulate the same users; set \
             their number with --users or [simulation] users"
            .into(),
        ["simulation", "trials", ..] => "the points of a sweep run the same trials; set their \
             number with --trials or [simulation] trials"
            .into(),
        ["simulation", "months", ..] => "the points of a sweep simulate the same months; set \
             them with --months or [simulation] months"
            .into(),
        ["simulation", ..] => "[simulation] is shared by every point of a sweep".into(),
        ["name", ..] => "the points of a sweep are one scenario, with one name".into(),
        [what @ ("plan" | "segment"), _, "name", ..] => {
            format!("a {what}'s name identifies its rows at every point of a sweep")
        }
        _ => return None,
    })
}
