//! Overrides by field path, applied to the parsed TOML tree before validation.
//!
//! An [`Override`] names a field by its path, as trials.csv names draw columns
//! (`simulation.trials`, `market.mode`, `plan.max.price`, `plan."pro.v2".top_up.price`), and
//! gives its value as TOML text (`5`, `"x"`, `{ dist = "uniform", min = 0.3, max = 0.8 }`).
//! [`apply`] parses each value and puts it into the file's tree, creating the field (and any
//! table on the way) when absent, so the reader checks it exactly as if the file had said it.
//! Each value's spans are moved past the end of the file text, one value after another with a
//! gap of one byte (see [`super::field_path::locate`]), so [`Src::err`] reports an error there
//! at the override (`--trials 0`) rather than at a line of the file.
//!
//! Each value is parsed on its own rather than appended to the file text and parsed with it:
//! a value cannot then add other keys (`5\n[[plan]]...`), a file that ends inside a comment or
//! an unterminated string gives exactly the error it gives without overrides, and no key name
//! is reserved for the values.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub use super::field_path::Override;
use super::field_path::{base, render};
use super::reader::{Src, suggest, type_name};
use crate::error::ConfigError;

impl Override {
    /// The override `--set PATH=VALUE` gives: PATH as in [`Override::new`], VALUE as TOML value
    /// text, except that a bare word that is not TOML (a letter or `_`, then letters, digits,
    /// `_`, `-` or `.`: `menu`, `max-20x`) is taken as a string. Anything else that is not
    /// TOML (`[1, 2`, `{ a = }`, `20$`) is kept as typed and refused when applied, at the
    /// override.
    ///
    /// # Errors
    /// No `=` (outside a quoted key), or a malformed path; the message starts with
    /// `--set ARG`.
    pub fn from_set(arg: &str) -> Result<Self, String> {
        let origin = format!("--set {arg}");
        let (path, value) = split_assignment(arg).ok_or_else(|| {
            format!("{origin}: expected PATH=VALUE, e.g. --set plan.max.price=25")
        })?;
        let word = value.trim();
        let value = if DeValue::parse(word).is_err() && bare_word(word) {
            format!("\"{word}\"")
        } else {
            value.to_string()
        };
        Override::new(path, value, origin)
    }
}

/// `PATH=VALUE` split at the first `=` outside a quoted key; `None` without one.
pub(crate) fn split_assignment(arg: &str) -> Option<(&str, &str)> {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in arg.char_indices() {
        match (quote, c) {
            (Some('"'), _) if escaped => escaped = false,
            (Some('"'), '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '=') => return Some((&arg[..i], &arg[i + 1..])),
            (None, _) => {}
        }
    }
    None
}

/// A word `--set` takes as a string when it is not TOML: a letter or `_`, then letters,
/// digits, `_`, `-` or `.`.
fn bare_word(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Puts each override's value into `doc`, in order (a later one wins). `src` must be the
/// document's source with these `overrides`, so errors point at them.
///
/// # Errors
/// A malformed value, or a path that names no plan, segment or section of a scenario, or
/// descends into something that is not a table; each located at its override.
pub(crate) fn apply<'i>(
    src: &Src<'_>,
    doc: &mut DeTable<'i>,
    overrides: &'i [Override],
) -> Result<(), ConfigError> {
    for (i, o) in overrides.iter().enumerate() {
        let at = base(src.text.len(), overrides, i);
        let whole = at..at + o.value.len();
        let lead = o.value.len() - o.value.trim_start().len();
        let value = DeValue::parse(o.value.trim())
            .map(|v| shift(v, at + lead))
            .map_err(|e| {
                let span = e.span().unwrap_or(0..0);
                src.err(
                    &(span.start + at + lead..span.end + at + lead),
                    &o.path_text(),
                    format!("malformed TOML value: {}", e.message().trim()),
                )
            })?;
        put(src, doc, &o.path, &whole, value)?;
    }
    Ok(())
}

/// Puts `value` into `doc` at the field `path` names, creating the field (and any table on the
/// way) when absent. Problems with the path, and a new key, are located at `key`.
///
/// # Errors
/// A path that names no plan, segment or section of a scenario, or descends into something
/// that is not a table.
pub(crate) fn put<'i>(
    src: &Src<'_>,
    doc: &mut DeTable<'i>,
    path: &[String],
    key: &Range<usize>,
    value: Spanned<DeValue<'i>>,
) -> Result<(), ConfigError> {
    let leaf = path
        .last()
        .ok_or_else(|| src.err(key, "", "empty field path"))?;
    let table = parent(src, doc, path, key)?;
    // An existing key keeps its place and span; a new one is located at `key`.
    table.insert(Spanned::new(key.clone(), Cow::Owned(leaf.clone())), value);
    Ok(())
}

/// Scenario sections an override can name, and the top-level fields.
const ROOTS: [&str; 8] = [
    "simulation",
    "retail",
    "cost",
    "market",
    "segment",
    "plan",
    "name",
    "description",
];

/// The table that holds the field `p` names, created (with the tables on the way) when absent.
fn parent<'t, 'i>(
    src: &Src<'_>,
    root: &'t mut DeTable<'i>,
    p: &[String],
    whole: &Range<usize>,
) -> Result<&'t mut DeTable<'i>, ConfigError> {
    let head = p[0].as_str();
    let fail = |depth: usize, msg: String| src.err(whole, &render(&p[..depth]), msg);
    let (mut table, from) = match head {
        "name" | "description" if p.len() == 1 => return Ok(root),
        "name" | "description" => {
            return Err(fail(1, format!("`{head}` is a string: it has no fields")));
        }
        "simulation" | "retail" | "cost" | "market" if p.len() >= 2 => {
            (child(src, root, p, 0, whole)?, 1)
        }
        "segment" | "plan" if p.len() >= 3 => (entry(src, root, head, &p[1], whole)?, 2),
        "simulation" | "retail" | "cost" | "market" => {
            return Err(fail(1, format!("name a field of `{head}`: {head}.<field>")));
        }
        "segment" | "plan" => {
            return Err(fail(
                p.len(),
                format!("name a {head} and its field: {head}.<name>.<field>"),
            ));
        }
        other => {
            let mut msg = format!("unknown section `{other}`");
            match suggest(other, &ROOTS) {
                Some(s) => msg.push_str(&format!("; did you mean `{s}`?")),
                None => msg.push_str(
                    "; expected one of: simulation, retail, cost, market, segment.<name>, \
                     plan.<name>, name, description",
                ),
            }
            return Err(fail(1, msg));
        }
    };
    for depth in from..p.len() - 1 {
        table = child(src, table, p, depth, whole)?;
    }
    Ok(table)
}

/// The sub-table `path[depth]` of `table` (created when absent), `table` being at
/// `path[..depth]`.
fn child<'t, 'i>(
    src: &Src<'_>,
    table: &'t mut DeTable<'i>,
    path: &[String],
    depth: usize,
    whole: &Range<usize>,
) -> Result<&'t mut DeTable<'i>, ConfigError> {
    let key = path[depth].as_str();
    if !table.contains_key(key) {
        table.insert(
            Spanned::new(whole.clone(), Cow::Owned(key.to_string())),
            Spanned::new(whole.clone(), DeValue::Table(DeTable::new())),
        );
    }
    match table.get_mut(key).map(Spanned::get_mut) {
        Some(DeValue::Table(t)) => Ok(t),
        other => Err(src.err(
            whole,
            &render(&path[..=depth]),
            format!(
                "`{}` is {}, not a table: it has no field `{}`",
                render(&path[..=depth]),
                other.map_or("absent", |v| type_name(v)),
                path[depth + 1]
            ),
        )),
    }
}

/// The `[[plan]]` or `[[segment]]` (`what`) whose `name` is `name`.
fn entry<'t, 'i>(
    src: &Src<'_>,
    root: &'t mut DeTable<'i>,
    what: &str,
    name: &str,
    whole: &Range<usize>,
) -> Result<&'t mut DeTable<'i>, ConfigError> {
    let names: Vec<Option<String>> = match root.get(what).map(Spanned::get_ref) {
        Some(DeValue::Array(items)) => items
            .iter()
            .map(|t| t.get_ref().get("name").and_then(|n| n.get_ref().as_str()))
            .map(|n| n.map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    if let Some(i) = names.iter().position(|n| n.as_deref() == Some(name))
        && let Some(DeValue::Array(items)) = root.get_mut(what).map(Spanned::get_mut)
        && let Some(DeValue::Table(t)) = items.get_mut(i).map(Spanned::get_mut)
    {
        return Ok(t);
    }
    let known: Vec<&str> = names.iter().flatten().map(String::as_str).collect();
    let mut msg = format!("no {what} named `{name}`");
    if known.is_empty() {
        msg.push_str(&format!(": the file has no named [[{what}]]"));
    } else if let Some(s) = suggest(name, &known) {
        msg.push_str(&format!("; did you mean `{s}`?"));
    } else {
        msg.push_str(&format!("; the {what}s are: {}", known.join(", ")));
    }
    Err(src.err(whole, &render(&[what.to_string(), name.to_string()]), msg))
}

/// `v` with every span in it moved `by` bytes on.
pub(crate) fn shift(v: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
    let moved = |s: Range<usize>| s.start + by..s.end + by;
    let span = moved(v.span());
    let mut inner = v.into_inner();
    match &mut inner {
        DeValue::Table(t) => {
            for (k, x) in std::mem::take(t) {
                let key_span = moved(k.span());
                t.insert(Spanned::new(key_span, k.into_inner()), shift(x, by));
            }
        }
        DeValue::Array(items) => {
            for x in items.iter_mut() {
                let taken = std::mem::replace(x, Spanned::new(0..0, DeValue::Boolean(false)));
                *x = shift(taken, by);
            }
        }
        _ => {}
    }
    Spanned::new(span, inner)
}

#[cfg(test)]
mod tests;
