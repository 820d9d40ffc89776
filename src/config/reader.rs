//! A strict reader over toml's spanned parse tree: typed access to fields, unknown-field
//! detection with "did you mean" suggestions, and errors that carry file, line:column and the
//! field path.
//!
//! A required field read with [`Tbl::need`] that is missing is recorded in its [`Src`] and
//! reading goes on, so every missing field of a half-written scenario is reported at once
//! ([`Src::finish`]); any other problem is returned as an error and ends the reading.

use std::cell::RefCell;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::field_path::{self, Override};
use crate::error::{ConfigError, ConfigErrors};

/// A spanned TOML value.
pub type Value<'i> = Spanned<DeValue<'i>>;

/// The config text and its file name, for locating errors, and the missing required fields
/// found so far.
pub struct Src<'a> {
    /// File name as the user gave it.
    pub file: &'a str,
    /// Whole text.
    pub text: &'a str,
    /// Overrides applied to the parsed text: spans past the end of `text` are in their values
    /// ([`field_path::locate`]).
    pub overrides: &'a [Override],
    /// Missing required fields, in the order found (at most [`ConfigErrors::MAX`]), and how
    /// many more were found.
    missing: RefCell<(Vec<ConfigError>, usize)>,
    /// The data files read while reading the scenario (empirical `file`s, `[population]`
    /// `file`), as opened, in the order first read: a shard's fingerprint hashes them.
    data_files: RefCell<Vec<std::path::PathBuf>>,
}

impl<'a> Src<'a> {
    /// The source of `text`, with `overrides` applied to it.
    pub fn with_overrides(file: &'a str, text: &'a str, overrides: &'a [Override]) -> Self {
        Src {
            file,
            text,
            overrides,
            missing: RefCell::default(),
            data_files: RefCell::default(),
        }
    }

    /// Records that the data file at `path` (as opened) is read for the scenario.
    pub(crate) fn note_data_file(&self, path: &std::path::Path) {
        let mut files = self.data_files.borrow_mut();
        if !files.iter().any(|f| f == path) {
            files.push(path.to_path_buf());
        }
    }

    /// The data files read so far ([`Src::note_data_file`]), in the order first read.
    pub(crate) fn data_files(&self) -> Vec<std::path::PathBuf> {
        self.data_files.borrow().clone()
    }

    /// The source of `text`, without overrides.
    #[cfg(test)]
    pub fn new(file: &'a str, text: &'a str) -> Self {
        Src::with_overrides(file, text, &[])
    }

    /// Records a missing required field (or section); reading goes on.
    pub fn record_missing(&self, e: ConfigError) {
        let mut missing = self.missing.borrow_mut();
        if missing.0.len() < ConfigErrors::MAX {
            missing.0.push(e);
        } else {
            missing.1 += 1;
        }
    }

    /// The outcome of reading: the value when nothing is missing; otherwise every missing
    /// field recorded, then `read`'s error if it stopped at one. `Ok(None)` (something is
    /// incomplete) always comes with a recorded missing field.
    pub fn finish<T>(&self, read: Result<Option<T>, ConfigError>) -> Result<T, ConfigErrors> {
        let (mut errors, not_shown) = self.missing.take();
        match read {
            Err(e) => errors.push(e),
            Ok(Some(value)) if errors.is_empty() => return Ok(value),
            Ok(_) => {}
        }
        if errors.is_empty() {
            // Unreachable: an incomplete value comes with a recorded missing field.
            errors.push(self.err(&(0..0), "", "the scenario is incomplete"));
        }
        let first = errors.remove(0);
        Err(ConfigErrors::new(first, errors, not_shown))
    }

    /// An error at byte offset `span.start`: in the file, or in the override that offset
    /// belongs to.
    pub fn err(&self, span: &Range<usize>, path: &str, msg: impl Into<String>) -> ConfigError {
        let (line, column, origin) =
            match field_path::locate(self.text.len(), self.overrides, span.start) {
                Some((o, column)) => (1, column, Some(o.origin.clone())),
                None => {
                    let (line, column) = line_col(self.text, span.start);
                    (line, column, None)
                }
            };
        ConfigError {
            file: self.file.to_string(),
            line,
            column,
            path: path.to_string(),
            message: msg.into(),
            origin,
        }
    }
}

/// 1-based line and column (in characters) of a byte offset. A UTF-8 byte-order mark at the
/// start is not a column: editors do not show it.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let before = before.strip_prefix('\u{feff}').unwrap_or(before);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// The TOML type name of a value, for messages.
pub fn type_name(v: &DeValue<'_>) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A table being read: its entries, span and path.
pub struct Tbl<'a, 'i> {
    /// Where errors point.
    pub src: &'a Src<'a>,
    map: &'a DeTable<'i>,
    span: Range<usize>,
    /// Field path of this table (empty at the root).
    pub path: String,
}

impl<'a, 'i> Tbl<'a, 'i> {
    /// The root table of a document.
    pub fn root(src: &'a Src<'a>, doc: &'a Spanned<DeTable<'i>>) -> Self {
        Tbl {
            src,
            map: doc.get_ref(),
            span: 0..0,
            path: String::new(),
        }
    }

    /// Reads `v` as a table at `path`.
    pub fn of(src: &'a Src<'a>, v: &'a Value<'i>, path: &str) -> Result<Self, ConfigError> {
        match v.get_ref() {
            DeValue::Table(map) => Ok(Tbl {
                src,
                map,
                span: v.span(),
                path: path.to_string(),
            }),
            other => Err(src.err(
                &v.span(),
                path,
                format!("expected a table, found {}", type_name(other)),
            )),
        }
    }

    /// The path of a child field.
    pub fn child(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// An error located at this table.
    pub fn err(&self, msg: impl Into<String>) -> ConfigError {
        self.src.err(&self.span, &self.path, msg)
    }

    /// An error about the field `key` (absent, or wrong with the table as a whole), located at
    /// this table.
    pub fn err_for(&self, key: &str, msg: impl Into<String>) -> ConfigError {
        self.src.err(&self.span, &self.child(key), msg)
    }

    /// Fails on the first key not in `allowed`, suggesting the closest allowed name.
    pub fn allow(&self, allowed: &[&str]) -> Result<(), ConfigError> {
        for (k, _) in self.map.iter() {
            let key: &str = k.get_ref();
            if !allowed.contains(&key) {
                let mut msg = format!("unknown field `{key}`");
                if let Some(s) = suggest(key, allowed) {
                    msg.push_str(&format!("; did you mean `{s}`?"));
                } else {
                    msg.push_str(&format!("; expected one of: {}", allowed.join(", ")));
                }
                return Err(self.src.err(&k.span(), &self.child(key), msg));
            }
        }
        Ok(())
    }

    /// A field, if present.
    pub fn get(&self, key: &str) -> Option<&'a Value<'i>> {
        self.map.get(key)
    }

    /// Whether a field is present.
    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// The keys present, in file order.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.map.iter().map(|(k, _)| -> &'a str { k.get_ref() })
    }

    /// A required field.
    pub fn req(&self, key: &str) -> Result<&'a Value<'i>, ConfigError> {
        self.get(key).ok_or_else(|| self.missing_error(key))
    }

    /// A required field, or `None` when it is missing, recorded by [`Src::record_missing`] so
    /// that reading goes on and every missing field is reported.
    pub fn need(&self, key: &str) -> Option<&'a Value<'i>> {
        let v = self.get(key);
        if v.is_none() {
            self.src.record_missing(self.missing_error(key));
        }
        v
    }

    /// A required sub-table, or `None` when it is missing (recorded as by [`Tbl::need`]).
    pub fn need_table(&self, key: &str) -> Result<Option<Tbl<'a, 'i>>, ConfigError> {
        self.need(key)
            .map(|v| Tbl::of(self.src, v, &self.child(key)))
            .transpose()
    }

    /// The error for a missing required field, located at this table.
    fn missing_error(&self, key: &str) -> ConfigError {
        self.src.err(
            &self.span,
            &self.child(key),
            format!(
                "missing required field `{key}`{}",
                if self.path.is_empty() {
                    String::new()
                } else {
                    format!(" in `{}`", self.path)
                }
            ),
        )
    }

    /// An optional string field.
    pub fn opt_string(&self, key: &str) -> Result<Option<&'a str>, ConfigError> {
        self.get(key)
            .map(|v| as_str(self.src, v, &self.child(key)))
            .transpose()
    }

    /// An optional boolean field.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, ConfigError> {
        self.get(key)
            .map(|v| match v.get_ref() {
                DeValue::Boolean(b) => Ok(*b),
                other => Err(self.src.err(
                    &v.span(),
                    &self.child(key),
                    format!("expected true or false, found {}", type_name(other)),
                )),
            })
            .transpose()
    }

    /// An optional array of tables.
    pub fn tables(&self, key: &str) -> Result<Vec<Tbl<'a, 'i>>, ConfigError> {
        let Some(v) = self.get(key) else {
            return Ok(Vec::new());
        };
        let path = self.child(key);
        match v.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| Tbl::of(self.src, item, &format!("{path}[{i}]")))
                .collect(),
            other => Err(self.src.err(
                &v.span(),
                &path,
                format!(
                    "expected an array of tables (write [[{key}]] sections), found {}",
                    type_name(other)
                ),
            )),
        }
    }

    /// An optional sub-table.
    pub fn table(&self, key: &str) -> Result<Option<Tbl<'a, 'i>>, ConfigError> {
        self.get(key)
            .map(|v| Tbl::of(self.src, v, &self.child(key)))
            .transpose()
    }
}

/// A string value.
pub fn as_str<'a>(src: &Src<'_>, v: &'a Value<'_>, path: &str) -> Result<&'a str, ConfigError> {
    match v.get_ref() {
        DeValue::String(s) => Ok(s.as_ref()),
        other => Err(src.err(
            &v.span(),
            path,
            format!("expected a string, found {}", type_name(other)),
        )),
    }
}

/// The closest of `options` to `word`, if it is close enough to be a likely typo.
pub fn suggest<'o>(word: &str, options: &[&'o str]) -> Option<&'o str> {
    let w = word.to_ascii_lowercase();
    options
        .iter()
        .map(|o| (edit_distance(&w, o), *o))
        .filter(|(d, o)| *d <= (o.len().max(w.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, o)| o)
}

/// Edit distance counting insertions, deletions, substitutions and swaps of neighbours
/// (optimal string alignment), so `sahre` is one edit from `share`.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(suggest("sahre", &["share", "name"]), Some("share"));
        assert_eq!(
            suggest("montly_churn", &["monthly_churn"]),
            Some("monthly_churn")
        );
        assert_eq!(suggest("zzzzzz", &["share", "name"]), None);
        assert_eq!(suggest("cpa", &["cap", "price"]), Some("cap"));
        assert_eq!(edit_distance("sahre", "share"), 1);
    }

    #[test]
    fn line_and_column_count_characters() {
        let t = "a = 1\nbé = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, t.find('=').unwrap()), (1, 3));
        assert_eq!(line_col(t, t.rfind('=').unwrap()), (2, 4));
    }
}
