//! Overrides by field path, applied to the parsed TOML tree before validation.
//!
//! An [`Override`] names a field by its path, as trials.csv names draw columns
//! (`simulation.trials`, `plan.max.price`, `plan."pro.v2".top_up.price`), and gives its value
//! as TOML text (`5`, `"x"`, `{ dist = "uniform", min = 0.3, max = 0.8 }`). [`apply`] parses
//! each value and puts it into the file's tree, creating the field (and any table on the way)
//! when absent, so the reader checks it exactly as if the file had said it. Each value's spans
//! are moved past the end of the file text, one value after another with a gap of one byte
//! (see [`locate`]), so [`Src::err`] reports an error there at the override (`--trials 0`)
//! rather than at a line of the file.
//!
//! Each value is parsed on its own rather than appended to the file text and parsed with it:
//! a value cannot then add other keys (`5\n[[plan]]...`), a file that ends inside a comment or
//! an unterminated string gives exactly the error it gives without overrides, and no key name
//! is reserved for the values.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::reader::{Src, suggest, type_name};
use crate::error::ConfigError;

/// One field set from outside the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The field path, one key per segment (`["plan", "pro.v2", "price"]`).
    pub path: Vec<String>,
    /// The value as TOML value text.
    pub value: String,
    /// What the user typed, for errors (`--trials 5`).
    pub origin: String,
}

impl Override {
    /// An override of the field at `path`, written as TOML dotted keys (see [`parse_path`]).
    ///
    /// # Errors
    /// A malformed path, in a message that starts with `origin`.
    pub fn new(
        path: &str,
        value: impl Into<String>,
        origin: impl Into<String>,
    ) -> Result<Self, String> {
        let origin = origin.into();
        let path = parse_path(path).map_err(|e| format!("{origin}: {e}"))?;
        Ok(Override {
            path,
            value: value.into(),
            origin,
        })
    }

    /// The path as text, segments quoted where they need it.
    pub fn path_text(&self) -> String {
        render(&self.path)
    }
}

/// Splits a path written like a TOML dotted key: segments separated by dots (spaces or tabs
/// around them are ignored), each bare (`A-Za-z0-9_-`) or quoted as a basic (`"..."`, with
/// TOML's escapes) or literal (`'...'`) string.
///
/// # Errors
/// What is wrong with the path.
pub fn parse_path(text: &str) -> Result<Vec<String>, String> {
    let bare = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut segments = Vec::new();
    let mut rest = text.trim_start_matches([' ', '\t']);
    loop {
        let (segment, after) = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => quoted(rest, q)?,
            first => {
                let end = rest.find(|c: char| !bare(c)).unwrap_or(rest.len());
                if end == 0 {
                    return Err(match first {
                        None if segments.is_empty() => "empty field path".to_string(),
                        None => format!("field path `{text}` ends with a dot"),
                        Some(c) => format!(
                            "unexpected `{c}` in field path `{text}`: keys are bare \
                             (A-Z a-z 0-9 _ -) or quoted (\"...\" or '...')"
                        ),
                    });
                }
                (rest[..end].to_string(), &rest[end..])
            }
        };
        segments.push(segment);
        rest = after.trim_start_matches([' ', '\t']);
        match rest.chars().next() {
            None => return Ok(segments),
            Some('.') => rest = rest[1..].trim_start_matches([' ', '\t']),
            Some(c) => {
                return Err(format!(
                    "unexpected `{c}` in field path `{text}`: expected `.` between keys"
                ));
            }
        }
    }
}

/// A quoted key at the start of `rest`, decoded by toml's own string parser, and the text
/// after it.
fn quoted(rest: &str, quote: char) -> Result<(String, &str), String> {
    let bytes = rest.as_bytes();
    let mut i = 1;
    while i < bytes.len() && bytes[i] != quote as u8 {
        // An escape in a basic string skips the next byte (never a quote or a backslash
        // inside a multi-byte character).
        i += if quote == '"' && bytes[i] == b'\\' {
            2
        } else {
            1
        };
    }
    if i >= bytes.len() {
        return Err(format!("unterminated quoted key {rest}"));
    }
    let key = &rest[..=i];
    match DeValue::parse(key).map(Spanned::into_inner) {
        Ok(DeValue::String(s)) => Ok((s.into_owned(), &rest[i + 1..])),
        Ok(_) => Err(format!("invalid quoted key {key}")),
        Err(e) => Err(format!("invalid quoted key {key}: {}", e.message().trim())),
    }
}

/// A path as text: bare segments as they are, others quoted as TOML basic strings.
fn render(path: &[String]) -> String {
    let bare = |s: &String| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let quote = |s: &String| {
        let mut q = String::from('"');
        for c in s.chars() {
            match c {
                '"' => q.push_str("\\\""),
                '\\' => q.push_str("\\\\"),
                c if c.is_control() => q.push_str(&format!("\\u{:04X}", u32::from(c))),
                c => q.push(c),
            }
        }
        q.push('"');
        q
    };
    let parts: Vec<String> = path
        .iter()
        .map(|s| if bare(s) { s.clone() } else { quote(s) })
        .collect();
    parts.join(".")
}

/// The span offset where override `i`'s value starts: past the end of the file text (a span
/// at the very end is the file's, e.g. an unexpected end of input), each value one byte after
/// the previous one.
fn base(text_len: usize, overrides: &[Override], i: usize) -> usize {
    text_len
        + 1
        + overrides[..i]
            .iter()
            .map(|o| o.value.len() + 1)
            .sum::<usize>()
}

/// The override whose value holds span offset `offset`, and the 1-based column (in characters)
/// of the offset in that value; `None` for an offset in the file text.
pub(crate) fn locate(
    text_len: usize,
    overrides: &[Override],
    offset: usize,
) -> Option<(&Override, usize)> {
    let mut start = text_len + 1;
    for o in overrides {
        if (start..=start + o.value.len()).contains(&offset) {
            let mut within = offset - start;
            while !o.value.is_char_boundary(within) {
                within -= 1;
            }
            return Some((o, o.value[..within].chars().count() + 1));
        }
        start += o.value.len() + 1;
    }
    None
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
        let leaf = o
            .path
            .last()
            .ok_or_else(|| src.err(&whole, "", "empty field path"))?;
        let table = parent(src, doc, o, &whole)?;
        // An existing key keeps its place and span; a new one is located at the override.
        table.insert(Spanned::new(whole.clone(), Cow::Owned(leaf.clone())), value);
    }
    Ok(())
}

/// Scenario sections an override can name, and the top-level fields.
const ROOTS: [&str; 7] = [
    "simulation",
    "retail",
    "cost",
    "segment",
    "plan",
    "name",
    "description",
];

/// The table that holds the field `o` names, created (with the tables on the way) when absent.
fn parent<'t, 'i>(
    src: &Src<'_>,
    root: &'t mut DeTable<'i>,
    o: &Override,
    whole: &Range<usize>,
) -> Result<&'t mut DeTable<'i>, ConfigError> {
    let p = &o.path;
    let head = p[0].as_str();
    let fail = |depth: usize, msg: String| src.err(whole, &render(&p[..depth]), msg);
    let (mut table, from) = match head {
        "name" | "description" if p.len() == 1 => return Ok(root),
        "name" | "description" => {
            return Err(fail(1, format!("`{head}` is a string: it has no fields")));
        }
        "simulation" | "retail" | "cost" if p.len() >= 2 => (child(src, root, p, 0, whole)?, 1),
        "segment" | "plan" if p.len() >= 3 => (entry(src, root, head, &p[1], whole)?, 2),
        "simulation" | "retail" | "cost" => {
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
                    "; expected one of: simulation, retail, cost, segment.<name>, \
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
fn shift(v: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
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
