//! Reading a `dist = "empirical"` table: `file` and `column` (strings) and an optional
//! `where = { COLUMN = "VALUE", ... }`, whose pairs must all hold for a row to count. The
//! column is read once, here, when the scenario is loaded ([`crate::usage::column`]); the
//! values then travel inside the [`Shape`].
//!
//! A relative `file` is read relative to the folder of the scenario file (for a scenario read
//! from stdin, `-`, relative to the current folder). A file that cannot be opened is an error
//! at the scenario's `file` key naming the path tried; a problem inside the data is an error at
//! the data file's line and column.

use std::path::{Path, PathBuf};

use toml::de::DeValue;

use super::super::file::STDIN_NAME;
use super::super::reader::{Tbl, as_str, type_name};
use crate::dist::{Empirical, Shape};
use crate::error::ConfigError;
use crate::usage::{column, header};

/// The shape of the empirical table `t`, whose keys were checked.
///
/// # Errors
/// A missing or wrongly typed key, a file that cannot be opened (at `file`), a problem in the
/// data (at its line and column in the data file).
pub(super) fn shape(t: &Tbl<'_, '_>) -> Result<Shape, ConfigError> {
    let (file_v, file) = text(t, "file")?;
    let (_, column) = text(t, "column")?;
    let filters = filters(t)?;
    let path = data_path(t.src.file, file);
    let shown = path.display().to_string();
    let f = header::open_file(&path).map_err(|m| {
        t.src
            .err(&file_v.span(), &t.child("file"), format!("{shown}: {m}"))
    })?;
    t.src.note_data_file(&path);
    let values = column::read_column_from(f, &shown, column, &filters)?;
    let data = Empirical::new(shown, column.to_string(), filters, values).map_err(|m| t.err(m))?;
    Ok(Shape::Empirical(data))
}

/// The required non-empty string `key`, with its value.
fn text<'a, 'i>(
    t: &Tbl<'a, 'i>,
    key: &str,
) -> Result<(&'a super::super::reader::Value<'i>, &'a str), ConfigError> {
    let v = t.req(key)?;
    let s = as_str(t.src, v, &t.child(key))?;
    if s.trim().is_empty() {
        return Err(t.src.err(&v.span(), &t.child(key), "must not be empty"));
    }
    Ok((v, s))
}

/// The `where` pairs, in file order (none without `where`).
fn filters(t: &Tbl<'_, '_>) -> Result<Vec<(String, String)>, ConfigError> {
    let Some(w) = t.table("where")? else {
        return Ok(Vec::new());
    };
    w.keys()
        .map(|k| {
            let v = w.get(k).expect("a key of the table");
            match v.get_ref() {
                DeValue::String(s) => Ok((k.to_string(), s.to_string())),
                other => Err(t.src.err(
                    &v.span(),
                    &w.child(k),
                    format!(
                        "expected a string (the cell's text, as in `{k} = \"...\"`), found {}",
                        type_name(other)
                    ),
                )),
            }
        })
        .collect()
}

/// Where a data file named `file` in the scenario `scenario` (as [`Src::file`] names it) is:
/// `file` itself when absolute or when the scenario came from stdin, else `file` in the
/// scenario's folder.
///
/// [`Src::file`]: super::super::reader::Src::file
pub(crate) fn data_path(scenario: &str, file: &str) -> PathBuf {
    let file = Path::new(file);
    if file.is_absolute() || scenario == STDIN_NAME {
        return file.to_path_buf();
    }
    match Path::new(scenario).parent() {
        Some(folder) => folder.join(file),
        None => file.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::data_path;
    use std::path::PathBuf;

    #[test]
    fn relative_files_are_in_the_scenario_folder_stdin_in_the_current_one() {
        assert_eq!(
            data_path("configs/a.toml", "u.csv"),
            PathBuf::from("configs/u.csv")
        );
        assert_eq!(
            data_path("configs/a.toml", "../d/u.csv"),
            PathBuf::from("configs/../d/u.csv")
        );
        assert_eq!(data_path("a.toml", "d/u.csv"), PathBuf::from("d/u.csv"));
        assert_eq!(data_path("<stdin>", "d/u.csv"), PathBuf::from("d/u.csv"));
        assert_eq!(
            data_path("configs/a.toml", "/x/u.csv"),
            PathBuf::from("/x/u.csv")
        );
    }
}
