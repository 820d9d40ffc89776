//! Period cells: integer day numbers, ISO dates `YYYY-MM-DD` (turned into day numbers by a
//! hand-written civil calendar, 1970-01-01 = day 0), integer month numbers and year-months
//! `YYYY-MM` (month number = 12 * year + month - 1). An export uses one form throughout: the
//! first period read fixes it (or `--period` says whether periods are days or months).

use super::PeriodKind;

/// The forms a period cell can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// An integer day number.
    DayNumber,
    /// An ISO date `YYYY-MM-DD`.
    Date,
    /// An integer month number.
    MonthNumber,
    /// A year-month `YYYY-MM`.
    YearMonth,
}

impl Form {
    /// Whether periods of this form are days.
    pub(crate) fn is_day(self) -> bool {
        matches!(self, Form::DayNumber | Form::Date)
    }

    /// The form as the user reads it.
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Form::DayNumber => "an integer day number",
            Form::Date => "an ISO date (YYYY-MM-DD)",
            Form::MonthNumber => "an integer month number",
            Form::YearMonth => "a year-month (YYYY-MM)",
        }
    }
}

/// The largest integer period accepted (either sign); spans are limited separately.
const MAX_NUMBER: i64 = 1_000_000_000;

/// Reads a period cell as `kind` says; with `fixed`, the cell must have that form (the form
/// of the first period read).
///
/// # Errors
/// What is wrong with the cell, as a message.
pub(crate) fn parse(
    cell: &str,
    kind: PeriodKind,
    fixed: Option<Form>,
) -> Result<(Form, i64), String> {
    if cell.is_empty() {
        return Err("the period is blank".to_string());
    }
    let (form, value) = match kind {
        PeriodKind::Auto => {
            if let Some(v) = date(cell)? {
                (Form::Date, v)
            } else if let Some(v) = year_month(cell)? {
                (Form::YearMonth, v)
            } else if let Some(v) = integer(cell) {
                (Form::DayNumber, v)
            } else {
                return Err(format!(
                    "`{cell}` is not a period: expected an integer day number, an ISO date \
                     (YYYY-MM-DD) or a year-month (YYYY-MM)"
                ));
            }
        }
        PeriodKind::Day => {
            if let Some(v) = date(cell)? {
                (Form::Date, v)
            } else if let Some(v) = integer(cell) {
                (Form::DayNumber, v)
            } else {
                return Err(format!(
                    "`{cell}` is not a day: expected an integer day number or an ISO date \
                     (YYYY-MM-DD), as the period is a day"
                ));
            }
        }
        PeriodKind::Month => {
            if let Some(v) = year_month(cell)? {
                (Form::YearMonth, v)
            } else if let Some(v) = integer(cell) {
                (Form::MonthNumber, v)
            } else {
                return Err(format!(
                    "`{cell}` is not a month: expected an integer month number or a \
                     year-month (YYYY-MM), as the period is a month"
                ));
            }
        }
    };
    match fixed {
        Some(f) if f != form => Err(format!(
            "`{cell}` is {}, but the export's first period is {}: use one form throughout",
            form.describe(),
            f.describe()
        )),
        _ => Ok((form, value)),
    }
}

/// An optionally signed integer within [`MAX_NUMBER`].
fn integer(cell: &str) -> Option<i64> {
    let digits = cell.strip_prefix('-').unwrap_or(cell);
    if digits.is_empty() || digits.len() > 10 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    cell.parse::<i64>().ok().filter(|v| v.abs() <= MAX_NUMBER)
}

/// The fields of `cell` split at `-` when it has exactly the digit counts `widths`.
fn fields<'a>(cell: &'a str, widths: &[usize]) -> Option<Vec<&'a str>> {
    let parts: Vec<&str> = cell.split('-').collect();
    let shaped = parts.len() == widths.len()
        && parts
            .iter()
            .zip(widths)
            .all(|(p, &w)| p.len() == w && p.bytes().all(|b| b.is_ascii_digit()));
    shaped.then_some(parts)
}

/// A year-month `YYYY-MM` as a month number; `None` when the cell is not of that shape.
///
/// # Errors
/// The shape is right but the month is not 01-12.
fn year_month(cell: &str) -> Result<Option<i64>, String> {
    let Some(parts) = fields(cell, &[4, 2]) else {
        return Ok(None);
    };
    let (y, m) = (number(parts[0]), number(parts[1]));
    if !(1..=12).contains(&m) {
        return Err(format!("`{cell}`: there is no month {m}"));
    }
    Ok(Some(12 * y + m - 1))
}

/// An ISO date `YYYY-MM-DD` as a day number; `None` when the cell is not of that shape.
///
/// # Errors
/// The shape is right but the month or the day does not exist.
fn date(cell: &str) -> Result<Option<i64>, String> {
    let Some(parts) = fields(cell, &[4, 2, 2]) else {
        return Ok(None);
    };
    let (y, m, d) = (number(parts[0]), number(parts[1]), number(parts[2]));
    if !(1..=12).contains(&m) {
        return Err(format!("`{cell}`: there is no month {m}"));
    }
    let last = days_in_month(y, m);
    if !(1..=last).contains(&d) {
        return Err(format!("`{cell}`: month {m} of {y} has {last} days"));
    }
    Ok(Some(days_from_civil(y, m, d)))
}

/// A run of at most four ASCII digits as a number.
fn number(digits: &str) -> i64 {
    digits
        .bytes()
        .fold(0, |acc, b| acc * 10 + i64::from(b - b'0'))
}

/// Whether `y` is a leap year of the Gregorian calendar.
pub(crate) fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` (1-12) of year `y`.
pub(crate) fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The day number of the Gregorian date `y-m-d` (1970-01-01 = 0), by H. Hinnant's
/// `days_from_civil`: years counted from March, so the leap day ends a year; eras of 400
/// years (146,097 days).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}
