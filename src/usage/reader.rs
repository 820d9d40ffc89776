//! The row loop of [`super::read`]: streams the export's rows one at a time, applies the
//! filters, checks every cell of the rows kept (user, period, token and money cells, segment),
//! skips and counts rows with a blank token cell, refuses a user and period seen twice, and
//! keeps each used row's numbers (the file's text is never held).

use std::collections::{HashMap, HashSet};

use csv::StringRecord;

use super::columns::Fields;
use super::header::{self, Filter, Opened, at};
use super::period::{self, Form};
use super::{ReadOptions, ReadStats};
use crate::error::ConfigError;

/// The longest span of a daily export (100 years of days) and of a monthly one (in months).
pub(crate) const MAX_SPAN_DAYS: i64 = 36_525;
/// The longest span of a monthly export, in months (100 years).
pub(crate) const MAX_SPAN_MONTHS: i64 = 1_200;

/// One used row: the user (index into [`Rows::users`]), the period (a day or month number)
/// and the numbers: output, fresh input, cache read, cache write, cost.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row {
    pub user: usize,
    pub period: i64,
    pub values: [f64; 5],
}

/// What the row loop found.
#[derive(Debug)]
pub(crate) struct Rows {
    /// The used rows in file order.
    pub rows: Vec<Row>,
    /// The users with a used row, in order of their first used row: id and segment.
    pub users: Vec<(String, Option<String>)>,
    /// The form of the periods (days or months).
    pub form: Form,
    /// The smallest and largest period used.
    pub first: i64,
    /// See `first`.
    pub last: i64,
    /// Counts.
    pub stats: ReadStats,
}

/// A user seen in a kept row (used or skipped): the segment of its first row and its index
/// among the users with a used row, once it has one.
struct Kept {
    segment: Option<String>,
    /// Where its first row starts (byte offset; its line is counted only for an error).
    segment_byte: u64,
    panel: Option<usize>,
}

/// Reads every row of `opened` (see the module doc).
///
/// # Errors
/// A [`ConfigError`] at the line and field of the first bad cell, or for an export with no
/// used rows.
pub(crate) fn read_rows(
    mut opened: Opened,
    fields: &Fields,
    filters: &[Filter],
    opts: &ReadOptions,
) -> Result<Rows, ConfigError> {
    let file = opened.file.clone();
    let header = opened.header.clone();
    let err = |line: u64, field: usize, message: String| {
        at(&file, line, field + 1, header.name(field), message)
    };
    // Token and money fields in the order of Row::values.
    let amounts: [Option<usize>; 5] = [
        Some(fields.output),
        fields.input,
        fields.cache_read,
        fields.cache_write,
        fields.cost,
    ];
    // Users of kept rows: their number (index into `kept`) by id.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut kept: Vec<Kept> = Vec::new();
    // Where each (user number, period) kept starts (byte offset), to name both lines of a
    // duplicate. Lines are counted only for an error ([`header::Lines`], forward only: each
    // error counts at most two, in file order, then reading stops).
    let mut starts: HashMap<(usize, i64), u64> = HashMap::new();
    let mut periods: HashSet<i64> = HashSet::new();
    let mut out = Rows {
        rows: Vec::new(),
        users: Vec::new(),
        form: Form::DayNumber,
        first: i64::MAX,
        last: i64::MIN,
        stats: ReadStats::default(),
    };
    let mut form: Option<Form> = None;
    let mut record = StringRecord::new();
    while opened
        .reader
        .read_record(&mut record)
        .map_err(|e| opened.lines.csv_error(&file, e))?
    {
        let byte = record.position().map_or(0, csv::Position::byte);
        out.stats.rows += 1;
        if !header::matches(filters, &record) {
            out.stats.filtered += 1;
            continue;
        }
        let cell = |field: usize| record.get(field).unwrap_or("");
        let user = cell(fields.user);
        if user.is_empty() {
            let line = opened.lines.of(byte);
            return Err(err(line, fields.user, "the user id is blank".into()));
        }
        let (f, p) = period::parse(cell(fields.period), opts.period, form)
            .map_err(|m| err(opened.lines.of(byte), fields.period, m))?;
        form = Some(f);
        let mut values = [0.0; 5];
        let mut blank = false;
        for (slot, field) in amounts.iter().enumerate() {
            if let Some(field) = *field {
                match header::amount(cell(field))
                    .map_err(|m| err(opened.lines.of(byte), field, m))?
                {
                    Some(v) => values[slot] = v,
                    None => blank = true,
                }
            }
        }
        let segment = match fields.segment {
            Some(field) if cell(field).is_empty() => {
                let line = opened.lines.of(byte);
                return Err(err(line, field, "the segment label is blank".into()));
            }
            Some(field) => Some(cell(field).to_string()),
            None => None,
        };
        let number = match seen.get(user) {
            Some(&n) => n,
            None => {
                seen.insert(user.to_string(), kept.len());
                kept.push(Kept {
                    segment: segment.clone(),
                    segment_byte: byte,
                    panel: None,
                });
                kept.len() - 1
            }
        };
        let entry = &mut kept[number];
        if entry.segment != segment {
            let field = fields.segment.unwrap_or(0);
            let before = opened.lines.of(entry.segment_byte);
            let line = opened.lines.of(byte);
            return Err(err(
                line,
                field,
                format!(
                    "user `{user}` is in segment `{}` here but in `{}` on line {}: a user \
                     keeps one segment",
                    segment.unwrap_or_default(),
                    entry.segment.clone().unwrap_or_default(),
                    before
                ),
            ));
        }
        if let Some(before) = starts.insert((number, p), byte) {
            let before = opened.lines.of(before);
            let line = opened.lines.of(byte);
            let unit = if f.is_day() { "day" } else { "month" };
            return Err(err(
                line,
                fields.period,
                format!(
                    "user `{user}` has this {unit} (`{}`) twice: lines {before} and {line} \
                     (one row per user and period; sum them, or select rows with a filter)",
                    cell(fields.period)
                ),
            ));
        }
        if blank {
            out.stats.skipped_blank += 1;
            continue;
        }
        if opts.input_includes_cache
            && let Some(input) = fields.input
        {
            let fresh = values[1] - values[2] - values[3];
            if fresh < 0.0 {
                let cache: Vec<&str> = [fields.cache_read, fields.cache_write]
                    .iter()
                    .flatten()
                    .map(|&f| header.name(f))
                    .collect();
                return Err(err(
                    opened.lines.of(byte),
                    input,
                    format!(
                        "input tokens {} are fewer than the cached tokens ({} = {}), but the \
                         input is said to include them (input_includes_cache)",
                        values[1],
                        cache.join(" + "),
                        values[2] + values[3]
                    ),
                ));
            }
            values[1] = fresh;
        }
        let next = out.users.len();
        let index = *entry.panel.get_or_insert(next);
        if index == next {
            out.users.push((user.to_string(), segment));
        }
        out.first = out.first.min(p);
        out.last = out.last.max(p);
        let (limit, unit) = if f.is_day() {
            (MAX_SPAN_DAYS, "days")
        } else {
            (MAX_SPAN_MONTHS, "months")
        };
        if out.last - out.first >= limit {
            return Err(err(
                opened.lines.of(byte),
                fields.period,
                format!(
                    "the export would span more than {limit} {unit} (100 years): is this the \
                     right period column?"
                ),
            ));
        }
        periods.insert(p);
        out.rows.push(Row {
            user: index,
            period: p,
            values,
        });
        out.stats.used += 1;
    }
    out.stats.periods = periods.len() as u64;
    out.form = form.unwrap_or(Form::DayNumber);
    if out.stats.used == 0 {
        return Err(at(&file, 1, 1, "", nothing_used(&out.stats, opts)));
    }
    Ok(out)
}

/// Why no row was used.
fn nothing_used(stats: &ReadStats, opts: &ReadOptions) -> String {
    if stats.rows == 0 {
        "the file has a header but no data rows".to_string()
    } else if stats.filtered == stats.rows {
        let filters: Vec<String> = opts
            .filters
            .iter()
            .map(|(c, v)| format!("{c}={v}"))
            .collect();
        format!(
            "no row matches the filters ({}) among the {} rows read",
            filters.join(", "),
            stats.rows
        )
    } else {
        format!(
            "every row kept ({}) has a blank token cell: no usage to read",
            stats.rows - stats.filtered
        )
    }
}
