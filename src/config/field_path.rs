//! An override's identity: the field path it names (written like TOML dotted keys) and its
//! value's place in the span space after the file text, so a located error can point at the
//! override instead of a line of the file. Applying overrides to the tree is
//! [`super::overrides`].

use toml::Spanned;
use toml::de::DeValue;

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
pub(super) fn render(path: &[String]) -> String {
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
pub(super) fn base(text_len: usize, overrides: &[Override], i: usize) -> usize {
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
