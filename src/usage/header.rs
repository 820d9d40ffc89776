//! The parts of reading a usage export that any reader of such a CSV shares: opening it with
//! its header row, finding a column by name (case-insensitive) or by a list of common names,
//! `COLUMN=VALUE` row filters, reading a token or money cell, and turning the csv crate's
//! errors into a [`ConfigError`] at the line and field (header = line 1, fields from 1).

use std::fs::File;
use std::path::Path;

use csv::StringRecord;

use crate::error::ConfigError;

/// A usage export opened for reading: the csv reader (positioned after the header row) and
/// the header.
pub(crate) struct Opened {
    /// Reads the data rows, one at a time (the file is streamed, never held).
    pub reader: csv::Reader<File>,
    /// The header row.
    pub header: Header,
    /// The file as given, for errors.
    pub file: String,
    /// The true line of a record from its byte offset (counted only for an error).
    pub lines: Lines,
}

/// The line a record starts on, from the byte offset the csv reader gives. The csv crate's
/// own line count starts a record at the blank lines before it (and, in a CRLF file, one line
/// early), so the file is read again, forward only, when an error needs a line: the record's
/// line is that of the first byte at or after its offset that does not end a line. Readers
/// keep byte offsets and count lines only for an error.
pub(crate) struct Lines<R = File> {
    reader: std::io::BufReader<R>,
    offset: u64,
    line: u64,
}

impl<R: std::io::Read> Lines<R> {
    /// Counts the lines of `reader`, read from its current position (its start).
    pub(crate) fn new(reader: R) -> Self {
        Lines {
            reader: std::io::BufReader::new(reader),
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record that starts at `byte` (offsets must not go back; an
    /// earlier one gives the line reached). A read failure gives the line reached.
    pub(crate) fn of(&mut self, byte: u64) -> u64 {
        use std::io::BufRead;
        loop {
            let Ok(buf) = self.reader.fill_buf() else {
                return self.line;
            };
            if buf.is_empty() {
                return self.line;
            }
            let mut used = 0;
            let mut found = false;
            for &b in buf {
                if self.offset >= byte && b != b'\n' && b != b'\r' {
                    found = true;
                    break;
                }
                self.line += u64::from(b == b'\n');
                self.offset += 1;
                used += 1;
            }
            self.reader.consume(used);
            if found {
                return self.line;
            }
        }
    }

    /// [`csv_error`] at the true line of the error's position.
    pub(crate) fn csv_error(&mut self, file: &str, e: csv::Error) -> ConfigError {
        let line = e.position().map(|p| self.of(p.byte()));
        let mut err = csv_error(file, e);
        if let Some(line) = line {
            err.line = usize::try_from(line).unwrap_or(usize::MAX);
        }
        err
    }
}

/// Opens the CSV at `path` and reads its header row (required). Cells are trimmed of
/// surrounding white space; a UTF-8 byte order mark is ignored.
///
/// # Errors
/// The file cannot be read, is empty, or its header row is not CSV text.
pub(crate) fn open(path: &Path) -> Result<Opened, ConfigError> {
    let file = path.display().to_string();
    // A regular file only: a folder is no CSV, and a named pipe would block the read.
    let handle = open_file(path).map_err(|m| at(&file, 1, 1, "", m))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(handle);
    let record = reader.headers().map_err(|e| csv_error(&file, e))?.clone();
    if record.is_empty() || record.iter().all(str::is_empty) {
        return Err(at(
            &file,
            1,
            1,
            "",
            "the file is empty: a usage export needs a header row naming its columns \
             (e.g. user_id,day,output_tokens)"
                .to_string(),
        ));
    }
    let lines = File::open(path)
        .map(Lines::new)
        .map_err(|e| at(&file, 1, 1, "", format!("cannot read the file: {e}")))?;
    Ok(Opened {
        reader,
        header: Header::new(&record),
        file,
        lines,
    })
}

/// Opens the regular file at `path` for reading (a named pipe would block the read; a folder
/// is no CSV file).
///
/// # Errors
/// What is wrong, in words, naming no path.
pub fn open_file(path: &Path) -> Result<File, String> {
    let words = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "cannot read the file: permission denied".into(),
        _ => format!("cannot read the file: {e}"),
    };
    let kind = std::fs::metadata(path).map_err(words)?.file_type();
    if kind.is_dir() {
        return Err("is a folder, not a CSV file".into());
    }
    if !kind.is_file() {
        return Err("is not a regular file; a CSV file is expected".into());
    }
    File::open(path).map_err(words)
}

/// A [`ConfigError`] in `file` at `line` (1-based; the header is line 1) and field `column`
/// (1-based), about the column named `path`.
pub(crate) fn at(file: &str, line: u64, column: usize, path: &str, message: String) -> ConfigError {
    ConfigError {
        file: file.to_string(),
        line: usize::try_from(line).unwrap_or(usize::MAX),
        column,
        path: path.to_string(),
        message,
        origin: None,
    }
}

/// The csv crate's error as a [`ConfigError`] at its line and field.
pub(crate) fn csv_error(file: &str, e: csv::Error) -> ConfigError {
    let line = e.position().map_or(1, csv::Position::line);
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => at(
            file,
            line,
            err.field() + 1,
            "",
            "not UTF-8 text (is this a binary file? a usage export is a CSV text file)".into(),
        ),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => at(
            file,
            line,
            1,
            "",
            format!("this row has {len} fields but the header has {expected_len}"),
        ),
        _ => at(file, line, 1, "", format!("cannot read the file: {e}")),
    }
}

/// A header row: the column names as written (trimmed).
#[derive(Clone, Debug)]
pub(crate) struct Header {
    names: Vec<String>,
}

impl Header {
    /// The header of `record`.
    pub(crate) fn new(record: &StringRecord) -> Header {
        Header {
            names: record.iter().map(str::to_string).collect(),
        }
    }

    /// The name of field `index` (0-based) as written.
    pub(crate) fn name(&self, index: usize) -> &str {
        &self.names[index]
    }

    /// The first field (0-based) named `name`, ignoring case.
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.names.iter().position(|n| n.eq_ignore_ascii_case(name))
    }

    /// The field of the first name in `common` the header has (list order, not header order),
    /// leaving out the fields in `taken`.
    pub(crate) fn find_common(&self, common: &[&str], taken: &[usize]) -> Option<usize> {
        common.iter().find_map(|c| {
            (0..self.names.len())
                .find(|i| self.names[*i].eq_ignore_ascii_case(c) && !taken.contains(i))
        })
    }

    /// The field named `name` (see [`Header::find`]).
    ///
    /// # Errors
    /// No such column: the error lists the header.
    pub(crate) fn require(&self, file: &str, name: &str, what: &str) -> Result<usize, ConfigError> {
        self.find(name).ok_or_else(|| {
            at(
                file,
                1,
                1,
                name,
                format!(
                    "no column `{name}` ({what}); the header has {}",
                    self.listing()
                ),
            )
        })
    }

    /// The column names, for messages: `a, b, c`.
    pub(crate) fn listing(&self) -> String {
        self.names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One `COLUMN=VALUE` row filter: a row passes when its cell in the column equals the value
/// exactly (after trimming white space; case matters in the value, not in the column name).
#[derive(Clone, Debug)]
pub(crate) struct Filter {
    field: usize,
    value: String,
}

/// The filters `pairs` against `header`.
///
/// # Errors
/// A column the header does not have (the error lists the header).
pub(crate) fn filters(
    file: &str,
    header: &Header,
    pairs: &[(String, String)],
) -> Result<Vec<Filter>, ConfigError> {
    pairs
        .iter()
        .map(|(column, value)| {
            Ok(Filter {
                field: header.require(file, column, "a filter's column")?,
                value: value.trim().to_string(),
            })
        })
        .collect()
}

/// Whether `record` passes every filter.
pub(crate) fn matches(filters: &[Filter], record: &StringRecord) -> bool {
    filters
        .iter()
        .all(|f| record.get(f.field).is_some_and(|cell| cell == f.value))
}

/// The largest token count or amount one cell may hold (sums stay finite).
pub(crate) const MAX_CELL: f64 = 1e15;

/// A token or money cell: `None` when blank, else a finite number `>= 0` and `<= 1e15`.
///
/// # Errors
/// What is wrong with the cell, as a message.
pub(crate) fn amount(cell: &str) -> Result<Option<f64>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    let value: f64 = cell
        .parse()
        .map_err(|_| format!("`{cell}` is not a number (a blank cell is read as missing data)"))?;
    if !value.is_finite() {
        return Err(format!("`{cell}` is not a finite number"));
    }
    if value < 0.0 {
        return Err(format!("`{cell}` is negative"));
    }
    if value > MAX_CELL {
        return Err(format!(
            "`{cell}` is larger than 1e15 (is this the right column?)"
        ));
    }
    Ok(Some(value + 0.0))
}
