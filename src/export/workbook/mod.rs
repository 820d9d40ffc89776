//! results.xlsx: every CSV table of a run as an Excel workbook, built from the CSV texts
//! alone (so it shows exactly what the CSVs hold), with rust_xlsxwriter.
//!
//! One sheet per table, named after its file ([`names`]); top-level tables first (sweep.csv,
//! compare.csv, then a run's files in their usual order), then each sweep point's tables in
//! point order. Each sheet has a bold, frozen header row and an autofilter over the table;
//! cells are numbers or text by the column rules of [`columns`] ($ and % formats by column
//! name), empty cells stay empty. A table with more rows than Excel's 1,048,576 (header
//! included) continues on `NAME (2)`, `NAME (3)`..., each with the header. summary.csv and
//! deciles.csv sheets carry native charts ([`charts`]). The creation date is fixed and the
//! zip entries carry a fixed time, so the same CSVs give the same bytes.

mod charts;
mod columns;
mod names;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use columns::{MONEY_FORMAT, PERCENT_FORMAT, Style};

/// Excel's rows per sheet, header included.
pub const EXCEL_MAX_ROWS: u32 = 1_048_576;

/// The workbook's fixed creation date (document properties), so that its bytes depend only
/// on the tables.
const CREATED: (u16, u8, u8) = (2000, 1, 1);

/// Why the workbook could not be built.
#[derive(Debug, thiserror::Error)]
pub enum WorkbookError {
    /// A file is not a CSV table (bad quoting, rows of different lengths, not UTF-8).
    #[error("{file} is not a CSV table: {message}")]
    Csv {
        /// The file's path in the output folder.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// The writer refused something (for example a cell over Excel's 32,767 characters).
    #[error("cannot write the workbook: {0}")]
    Xlsx(#[from] XlsxError),
}

/// The workbook of the CSV tables `files`, each as (path in the output folder, CSV text);
/// entries whose path does not end in `.csv` are skipped.
///
/// # Errors
/// [`WorkbookError`] when a file is not a CSV table or the writer refuses a cell.
pub fn build(files: &[(String, String)]) -> Result<Vec<u8>, WorkbookError> {
    build_with(files, EXCEL_MAX_ROWS)
}

/// One parsed CSV table.
struct Table {
    path: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    styles: Vec<Style>,
}

/// The cell formats, made once.
struct Formats {
    header: Format,
    money: Format,
    percent: Format,
}

/// [`build`] with at most `max_rows` rows per sheet, header included (at least 2).
fn build_with(files: &[(String, String)], max_rows: u32) -> Result<Vec<u8>, WorkbookError> {
    let per_sheet = max_rows.max(2) as usize - 1;
    let mut tables = files
        .iter()
        .filter(|(path, _)| path.ends_with(".csv"))
        .map(|(path, text)| parse(path, text))
        .collect::<Result<Vec<_>, _>>()?;
    tables.sort_by_cached_key(|t| order_key(&t.path));
    let mut wb = Workbook::new();
    let (y, m, d) = CREATED;
    wb.set_properties(
        &DocProperties::new().set_creation_datetime(&ExcelDateTime::from_ymd(y, m, d)?),
    );
    let formats = Formats {
        header: Format::new().set_bold(),
        money: Format::new().set_num_format(MONEY_FORMAT),
        percent: Format::new().set_num_format(PERCENT_FORMAT),
    };
    let mut namer = names::Namer::default();
    for table in &tables {
        let base = names::base_name(&table.path);
        let parts: Vec<&[Vec<String>]> = if table.rows.is_empty() {
            vec![&[]]
        } else {
            table.rows.chunks(per_sheet).collect()
        };
        for (i, rows) in parts.iter().enumerate() {
            let name = namer.name(&base, i == 0);
            let ws = wb.add_worksheet();
            ws.set_name(&name)?;
            write_sheet(ws, table, rows, &formats)?;
            if parts.len() == 1 {
                charts::add(ws, &name, &table.path, &table.header, rows)?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// Reads one CSV text: a header and rows of its length.
fn parse(path: &str, text: &str) -> Result<Table, WorkbookError> {
    let bad = |e: csv::Error| WorkbookError::Csv {
        file: path.to_string(),
        message: e.to_string(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(bad)?
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.map(|r| r.iter().map(String::from).collect()))
        .collect::<Result<Vec<Vec<String>>, _>>()
        .map_err(bad)?;
    let styles = (0..header.len())
        .map(|c| columns::column_style(&header[c], &rows, c))
        .collect();
    Ok(Table {
        path: path.to_string(),
        header,
        rows,
        styles,
    })
}

/// Sheet order: top-level files before those in folders, folders in path order, and within
/// a folder the files in the order of `RANK`, then any other by name.
fn order_key(path: &str) -> (bool, String, usize, String) {
    const RANK: [&str; 10] = [
        "sweep.csv",
        "compare.csv",
        "summary.csv",
        "trials.csv",
        "segments.csv",
        "deciles.csv",
        "monthly.csv",
        "choices.csv",
        "sensitivity.csv",
        "tail.csv",
    ];
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let rank = RANK.iter().position(|r| *r == file).unwrap_or(RANK.len());
    (!dir.is_empty(), dir.to_string(), rank, file.to_string())
}

/// Writes the header and `rows` of `table` into `ws`, with the frozen header, the autofilter
/// and the column widths.
fn write_sheet(
    ws: &mut Worksheet,
    table: &Table,
    rows: &[Vec<String>],
    formats: &Formats,
) -> Result<(), XlsxError> {
    for (c, name) in table.header.iter().enumerate() {
        ws.write_string_with_format(0, col(c), name, &formats.header)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let at = col(c);
            let x = columns::number(cell);
            match (table.styles[c], x) {
                (Style::Money, Some(x)) => ws.write_number_with_format(r, at, x, &formats.money)?,
                (Style::Percent, Some(x)) => {
                    ws.write_number_with_format(r, at, x, &formats.percent)?
                }
                (Style::Plain, Some(x)) => ws.write_number(r, at, x)?,
                _ => ws.write_string(r, at, cell)?,
            };
        }
    }
    if !table.header.is_empty() {
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, rows.len() as u32, col(table.header.len() - 1))?;
    }
    for (c, name) in table.header.iter().enumerate() {
        let widest = rows
            .iter()
            .take(2000)
            .map(|row| shown_len(&row[c], table.styles[c]))
            .chain([name.chars().count() + 3]) // room for the filter button
            .max()
            .unwrap_or(0);
        ws.set_column_width(col(c), (widest + 2).clamp(6, 60) as f64)?;
    }
    Ok(())
}

/// A column index as Excel's (at most 16,384 columns; the writer refuses more).
fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

/// About how many characters a cell shows in its format.
fn shown_len(cell: &str, style: Style) -> usize {
    let Some(x) = columns::number(cell) else {
        return cell.chars().count();
    };
    let digits = |v: f64| format!("{:.0}", v.abs().trunc()).len();
    let sign = usize::from(x < 0.0);
    match style {
        // $, thousands separators, cents.
        Style::Money => sign + 1 + digits(x) + (digits(x) - 1) / 3 + 3,
        Style::Percent => sign + digits(x * 100.0) + 3,
        // General shows at most 11 characters.
        _ => cell.len().min(11),
    }
}

#[cfg(test)]
mod tests;
