//! Sheet names: one per table (or part of a split table), Excel-legal and unique.
//!
//! A file's sheet name is its path in the output folder without `.csv`: `summary.csv` is
//! `summary`; a sweep point's `points/001/summary.csv` is `p001 summary`; any other folder's
//! file joins the path's parts with spaces. Characters Excel refuses in a sheet name
//! (`[ ] : * ? / \`) become `_`, a leading or trailing apostrophe is dropped, and the name is
//! cut to 31 UTF-16 units. A name already taken (Excel compares them case-insensitively, and
//! refuses `History`), or the second and later parts of a split table, get ` (2)`, ` (3)`...,
//! cutting the base so that the whole stays within 31.

/// Excel's longest sheet name, in UTF-16 code units.
const MAX_LEN: usize = 31;

/// The base sheet name of the CSV file at `path` (relative, `/`-separated).
pub(super) fn base_name(path: &str) -> String {
    let stem = path.strip_suffix(".csv").unwrap_or(path);
    let parts: Vec<&str> = stem.split('/').filter(|p| !p.is_empty()).collect();
    let joined = match parts.as_slice() {
        ["points", point, file] if point.bytes().all(|b| b.is_ascii_digit()) => {
            format!("p{point} {file}")
        }
        _ => parts.join(" "),
    };
    let cleaned: String = joined
        .chars()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim_matches('\'').trim();
    if trimmed.is_empty() {
        "table".into()
    } else {
        trimmed.to_string()
    }
}

/// The sheet names given so far, to keep new ones unique.
#[derive(Default)]
pub(super) struct Namer {
    taken: Vec<String>,
}

impl Namer {
    /// A fresh name from `base`: `base` itself when free and `first`, else the first free
    /// `base (k)` with k from 2.
    pub fn name(&mut self, base: &str, first: bool) -> String {
        let start = if first { 1 } else { 2 };
        for k in start.. {
            let suffix = if k == 1 {
                String::new()
            } else {
                format!(" ({k})")
            };
            let candidate = format!("{}{suffix}", cut(base, MAX_LEN - suffix.len()));
            let folded = candidate.to_lowercase();
            if folded != "history" && !self.taken.contains(&folded) {
                self.taken.push(folded);
                return candidate;
            }
        }
        unreachable!("some suffix is free")
    }
}

/// `s` cut to at most `max` UTF-16 units, without a trailing space or apostrophe.
fn cut(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut len = 0;
    for c in s.chars() {
        len += c.len_utf16();
        if len > max {
            break;
        }
        out.push(c);
    }
    out.trim_end_matches([' ', '\'']).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_paths_and_are_legal_and_unique() {
        assert_eq!(base_name("summary.csv"), "summary");
        assert_eq!(base_name("points/001/summary.csv"), "p001 summary");
        assert_eq!(base_name("points/1000/deciles.csv"), "p1000 deciles");
        assert_eq!(base_name("a/b:c?.csv"), "a b_c_");
        assert_eq!(base_name("'quoted'.csv"), "quoted");
        let mut n = Namer::default();
        assert_eq!(n.name("trials", true), "trials");
        assert_eq!(n.name("trials", false), "trials (2)");
        assert_eq!(n.name("trials", false), "trials (3)");
        assert_eq!(n.name("Trials", true), "Trials (4)");
        assert_eq!(n.name("history", true), "history (2)");
        let long = "a_very_long_table_name_that_goes_on_and_on";
        let first = n.name(long, true);
        assert_eq!(first, &long[..31]);
        let second = n.name(long, false);
        assert_eq!(second, format!("{} (2)", &long[..27]));
        for name in [first, second] {
            rust_xlsxwriter::utility::check_sheet_name(&name).unwrap();
        }
    }
}
