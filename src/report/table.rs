//! A CSV file read by column name: the header, the rows as text, and typed access to a cell
//! that tolerates extra columns and reads an empty cell as missing.

use super::ReportError;

/// One CSV file, read whole.
pub(super) struct Table {
    /// The file's path in the output folder, for messages.
    pub name: String,
    /// Column names, in file order.
    pub header: Vec<String>,
    /// Rows of cells, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Parses `text` (the file `name`).
    ///
    /// # Errors
    /// A CSV error (a row of another length than the header, bad UTF-8 cannot happen: the
    /// text is a `str`).
    pub fn parse(name: &str, text: &str) -> Result<Table, ReportError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let bad = |e: csv::Error| ReportError(format!("{name}: {e}"));
        let header = reader
            .headers()
            .map_err(bad)?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for record in reader.records() {
            rows.push(record.map_err(bad)?.iter().map(str::to_string).collect());
        }
        Ok(Table {
            name: name.to_string(),
            header,
            rows,
        })
    }

    /// The index of column `col`, if the file has it.
    pub fn find(&self, col: &str) -> Option<usize> {
        self.header.iter().position(|h| h == col)
    }

    /// The index of column `col`.
    ///
    /// # Errors
    /// The file has no such column.
    pub fn col(&self, col: &str) -> Result<usize, ReportError> {
        self.find(col)
            .ok_or_else(|| ReportError(format!("{}: no column `{col}`", self.name)))
    }

    /// The number in cell `(row, col)`: `None` when it is empty.
    ///
    /// # Errors
    /// A cell that is neither empty nor a finite number.
    pub fn num(&self, row: usize, col: usize) -> Result<Option<f64>, ReportError> {
        let cell = self.rows[row][col].trim();
        if cell.is_empty() {
            return Ok(None);
        }
        match cell.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(ReportError(format!(
                "{}: row {}, column `{}`: {:?} is not a number",
                self.name,
                row + 2,
                self.header[col],
                cell
            ))),
        }
    }

    /// The text of cell `(row, col)`.
    pub fn text(&self, row: usize, col: usize) -> &str {
        &self.rows[row][col]
    }

    /// The distinct values of column `col`, in order of first appearance.
    pub fn distinct(&self, col: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for row in &self.rows {
            if !out.contains(&row[col]) {
                out.push(row[col].clone());
            }
        }
        out
    }
}
