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

/// One CSV table, read once to settle its columns; its rows are read again as they are
/// written, so the workbook never holds them all as strings.
struct Table<'a> {
    path: &'a str,
    text: &'a str,
    header: Vec<String>,
    styles: Vec<Style>,
    widths: Vec<f64>,
    rows: usize,
    /// The first [`SAMPLE`] rows: the column widths, and the charts of small tables.
    sample: Vec<Vec<String>>,
}

/// Rows looked at for the column widths.
const SAMPLE: usize = 2000;

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
        .map(|(path, text)| scan(path, text))
        .collect::<Result<Vec<_>, _>>()?;
    tables.sort_by_cached_key(|t| order_key(t.path));
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
        let base = names::base_name(table.path);
        let sheets = table.rows.div_ceil(per_sheet).max(1);
        let mut records = reader(table.text).into_records();
        for i in 0..sheets {
            let name = namer.name(&base, i == 0);
            let rows = per_sheet.min(table.rows - i * per_sheet);
            // Rows go straight to a temporary file; where none can be made (too many open
            // files, say), the sheet is kept in memory: the same cells either way.
            let ws = if wb.add_worksheet_with_constant_memory().is_ok() {
                wb.worksheets_mut().last_mut().expect("just added")
            } else {
                wb.add_worksheet()
            };
            ws.set_name(&name)?;
            write_sheet(ws, table, rows, &mut records, &formats)?;
            if sheets == 1 && table.rows == table.sample.len() {
                charts::add(ws, &name, table.path, &table.header, &table.sample)?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes())
}

fn csv_error(path: &str) -> impl Fn(csv::Error) -> WorkbookError + '_ {
    move |e| WorkbookError::Csv {
        file: path.to_string(),
        message: e.to_string(),
    }
}

/// Reads one CSV text through: its header, the style of each column, the rows' count and
/// the first rows.
fn scan<'a>(path: &'a str, text: &'a str) -> Result<Table<'a>, WorkbookError> {
    let bad = csv_error(path);
    let mut reader = reader(text);
    let header: Vec<String> = reader
        .headers()
        .map_err(&bad)?
        .iter()
        .map(String::from)
        .collect();
    let mut all_numbers = vec![true; header.len()];
    let mut rows = 0;
    let mut sample = Vec::new();
    for record in reader.records() {
        let record = record.map_err(&bad)?;
        for (c, cell) in record.iter().enumerate() {
            if all_numbers[c] && !cell.is_empty() && columns::number(cell).is_none() {
                all_numbers[c] = false;
            }
        }
        if rows < SAMPLE {
            sample.push(record.iter().map(String::from).collect::<Vec<_>>());
        }
        rows += 1;
    }
    let styles: Vec<Style> = header
        .iter()
        .zip(&all_numbers)
        .map(|(name, all)| columns::settle(name, *all))
        .collect();
    let widths = header
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let widest = sample
                .iter()
                .map(|row: &Vec<String>| shown_len(&row[c], styles[c]))
                .chain([name.chars().count() + 3]) // room for the filter button
                .max()
                .unwrap_or(0);
            (widest + 2).clamp(6, 60) as f64
        })
        .collect();
    Ok(Table {
        path,
        text,
        header,
        styles,
        widths,
        rows,
        sample,
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

/// Writes the header and the next `rows` records of `table` into `ws`, with the column
/// widths, the frozen header and the autofilter.
fn write_sheet(
    ws: &mut Worksheet,
    table: &Table<'_>,
    rows: usize,
    records: &mut csv::StringRecordsIntoIter<&[u8]>,
    formats: &Formats,
) -> Result<(), WorkbookError> {
    for (c, width) in table.widths.iter().enumerate() {
        ws.set_column_width(col(c), *width)?;
    }
    if !table.header.is_empty() {
        ws.set_freeze_panes(1, 0)?;
        ws.autofilter(0, 0, rows as u32, col(table.header.len() - 1))?;
    }
    for (c, name) in table.header.iter().enumerate() {
        ws.write_string_with_format(0, col(c), name, &formats.header)?;
    }
    for r in 1..=rows as u32 {
        let Some(record) = records.next() else {
            break;
        };
        let record = record.map_err(csv_error(table.path))?;
        for (c, cell) in record.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let at = col(c);
            match (table.styles[c], columns::number(cell)) {
                (Style::Money, Some(x)) => ws.write_number_with_format(r, at, x, &formats.money)?,
                (Style::Percent, Some(x)) => {
                    ws.write_number_with_format(r, at, x, &formats.percent)?
                }
                (Style::Plain, Some(x)) => ws.write_number(r, at, x)?,
                _ => ws.write_string(r, at, cell)?,
            };
        }
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
