//! Reading one numeric column of a CSV file, for `dist = "empirical"`: the values of the
//! column named `column` in the rows where every `where` pair holds (`COLUMN` equals `VALUE`).
//!
//! The file needs a header line naming its columns. Cells are compared and parsed after
//! trimming surrounding whitespace; a blank cell is missing data and is skipped (and counted in
//! the error when no value remains); rows that a `where` pair leaves out are not looked at.
//! Everything else is a [`ConfigError`] naming the file, the line (the header is line 1), the
//! column (its 1-based field number) and, as the path, the column's name: a cell that is not a
//! finite number (`NaN` and `inf` included) or beyond plansim's limit of 1e15 on any value
//! ([`MAX_MAGNITUDE`]), a row with a different number of fields than the
//! header, bytes that are not UTF-8, an unknown or repeated column name, and more than
//! [`MAX_VALUES`] values.

use std::io::{Read, Seek, SeekFrom};

use super::header::{Lines, at};
use crate::dist::MAX_MAGNITUDE;
use crate::error::ConfigError;

/// The most values one column may give (80 MB of `f64`).
pub const MAX_VALUES: usize = 10_000_000;

/// How many header names an error about an unknown column lists.
const LISTED: usize = 40;

/// The values of `column` in the CSV file at `path`, in file order, from the rows where every
/// `(COLUMN, VALUE)` of `filters` holds.
///
/// # Errors
/// A [`ConfigError`] at the file's line and column (see the module documentation); a file that
/// cannot be opened at line 1, column 1.
#[cfg(test)] // the scenario reader opens the file itself, to place an open failure at `file`
pub fn read_column(
    path: &std::path::Path,
    column: &str,
    filters: &[(String, String)],
) -> Result<Vec<f64>, ConfigError> {
    let file = path.display().to_string();
    let f = super::header::open_file(path).map_err(|m| at(&file, 1, 1, column, m))?;
    read_column_from(f, &file, column, filters)
}

/// As [`read_column`], from `reader`; errors name the file `file`. The reader is read once;
/// it is read again from the start only to find the line of an error.
///
/// # Errors
/// As [`read_column`].
pub fn read_column_from<R: Read + Seek>(
    reader: R,
    file: &str,
    column: &str,
    filters: &[(String, String)],
) -> Result<Vec<f64>, ConfigError> {
    read_at_most(reader, file, column, filters, MAX_VALUES)
}

/// A problem found while reading: the position where csv began to read the record (before
/// the line ends it skips, so its line may be early: [`Lines`] finds the record's own), the
/// field number, the column's name, and what is wrong.
struct Bad {
    pos: csv::Position,
    field: usize,
    name: String,
    message: String,
}

/// As [`read_column_from`], refusing more than `max` values.
fn read_at_most<R: Read + Seek>(
    reader: R,
    file: &str,
    column: &str,
    filters: &[(String, String)],
    max: usize,
) -> Result<Vec<f64>, ConfigError> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(reader);
    values(&mut rdr, column, filters, max).map_err(|bad| {
        // The record's own line, counted from its byte offset (csv's count may be early).
        let r = rdr.get_mut();
        let line = match r.seek(SeekFrom::Start(0)) {
            Ok(_) => Lines::new(r).of(bad.pos.byte()),
            Err(_) => bad.pos.line(),
        };
        at(file, line, bad.field, &bad.name, bad.message)
    })
}

/// The values, as [`read_column`] describes them.
fn values<R: Read>(
    rdr: &mut csv::Reader<R>,
    column: &str,
    filters: &[(String, String)],
    max: usize,
) -> Result<Vec<f64>, Bad> {
    let bad = |pos: &csv::Position, field: usize, name: &str, message: String| Bad {
        pos: pos.clone(),
        field,
        name: name.to_string(),
        message,
    };
    let start = csv::Position::new();
    let header = rdr
        .headers()
        .map_err(|e| csv_error(column, &start, &e))?
        .clone();
    let top = header.position().unwrap_or(&start).clone();
    if header.iter().all(str::is_empty) {
        let why = "no header line: the first line must name the columns";
        return Err(bad(&top, 1, column, why.into()));
    }
    let find = |name: &str| find_column(&header, name).map_err(|m| bad(&top, 1, name, m));
    let target = find(column)?;
    let wanted = filters
        .iter()
        .map(|(name, value)| Ok((find(name)?, value.trim())))
        .collect::<Result<Vec<_>, Bad>>()?;

    let (mut rows, mut left_out, mut blank) = (0u64, 0u64, 0u64);
    let mut values = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let here = rdr.position().clone();
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(column, &here, &e)),
        }
        rows += 1;
        if !wanted.iter().all(|&(i, v)| record.get(i) == Some(v)) {
            left_out += 1;
            continue;
        }
        let cell = record.get(target).unwrap_or("");
        if cell.is_empty() {
            blank += 1;
            continue;
        }
        let pos = record.position().unwrap_or(&here);
        let x = number(cell).map_err(|m| bad(pos, target + 1, column, m))?;
        if values.len() == max {
            let why = format!(
                "more than {max} values: an empirical distribution resamples at most {max} \
                 (select fewer rows with `where`)"
            );
            return Err(bad(pos, target + 1, column, why));
        }
        values.push(x);
    }
    if values.is_empty() {
        let mut why = format!("no values in column `{column}`: {rows} data rows");
        if !filters.is_empty() {
            why.push_str(&format!(", {left_out} left out by `where`"));
        }
        why.push_str(&format!(", {blank} with a blank cell"));
        return Err(bad(&top, target + 1, column, why));
    }
    Ok(values)
}

/// The 0-based index of `name` in the header.
fn find_column(header: &csv::StringRecord, name: &str) -> Result<usize, String> {
    let name = name.trim();
    let mut at = header.iter().enumerate().filter(|(_, h)| *h == name);
    match (at.next(), at.next()) {
        (Some((i, _)), None) => Ok(i),
        (Some((i, _)), Some((j, _))) => Err(format!(
            "the header names `{name}` twice (fields {} and {}): rename one",
            i + 1,
            j + 1
        )),
        (None, _) => {
            let names: Vec<&str> = header.iter().take(LISTED).collect();
            let more = header.len().saturating_sub(LISTED);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            Err(format!(
                "no column `{name}`; the header has: {}{more}",
                names.join(", ")
            ))
        }
    }
}

/// A finite number, or why the cell is not one.
fn number(cell: &str) -> Result<f64, String> {
    match cell.parse::<f64>() {
        Ok(x) if x.abs() <= MAX_MAGNITUDE => Ok(x),
        Ok(x) if x.is_finite() => Err(format!(
            "`{cell}` is beyond {MAX_MAGNITUDE:e}, the largest magnitude plansim accepts"
        )),
        Ok(_) => Err(format!("`{cell}` is not a finite number")),
        Err(_) => Err(format!("`{cell}` is not a number")),
    }
}

/// A problem reading the CSV itself, at its record (at `here` when the error has none).
fn csv_error(column: &str, here: &csv::Position, e: &csv::Error) -> Bad {
    let (pos, field, message) = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => (
            pos.as_ref(),
            1,
            format!("this row has {len} fields, the header has {expected_len}"),
        ),
        csv::ErrorKind::Utf8 { pos, err } => (
            pos.as_ref(),
            err.field() + 1,
            "not UTF-8 text (is this a CSV file?)".into(),
        ),
        csv::ErrorKind::Io(err) => (None, 1, format!("cannot read the file: {err}")),
        _ => (None, 1, e.to_string()),
    };
    Bad {
        pos: pos.unwrap_or(here).clone(),
        field,
        name: column.to_string(),
        message,
    }
}

#[cfg(test)]
#[path = "column_tests.rs"]
mod tests;
