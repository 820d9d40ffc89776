//! Reading a usage export: one row per user and period (a day or a month) with output tokens
//! and optionally input, cache-read and cache-write tokens, cost and a segment label, into a
//! [`Panel`] of users by month. Used by `plansim fit` and by a scenario's `[population]`.
//!
//! Columns are found by common names or given by name ([`Columns`]); `--where COLUMN=VALUE`
//! ([`ReadOptions::filters`]) selects rows. Days are summed into months of 30.44 days counted
//! from the export's first day; a month the export covers only in part is scaled up to 30.44
//! days and flagged. Blank token cells are missing data: such rows are skipped and counted.
//! Everything else that is wrong (a missing column, a negative or non-numeric value, a user and
//! period twice) is a [`ConfigError`] naming the file, the line and the column (exit code 2).

pub mod column;

use std::path::Path;

use crate::error::ConfigError;

pub(crate) mod columns;
pub(crate) mod header;
mod months;
mod period;
mod reader;
#[cfg(test)]
mod tests;

/// Days in a month when days are summed into months.
pub const DAYS_PER_MONTH: f64 = 30.44;

/// What a period cell is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PeriodKind {
    /// Decide from the cells: `YYYY-MM` is a month, `YYYY-MM-DD` a day, an integer a day.
    #[default]
    Auto,
    /// A day: an integer (day number) or an ISO date `YYYY-MM-DD`.
    Day,
    /// A month: an integer (month number) or `YYYY-MM`.
    Month,
}

/// Column names given by the user; `None` means "find it by its common names".
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Columns {
    /// The user id column.
    pub user: Option<String>,
    /// The period column.
    pub period: Option<String>,
    /// Output tokens (required).
    pub output: Option<String>,
    /// Input (prompt) tokens.
    pub input: Option<String>,
    /// Cache-read tokens.
    pub cache_read: Option<String>,
    /// Cache-write tokens.
    pub cache_write: Option<String>,
    /// Cost (money).
    pub cost: Option<String>,
    /// A segment label.
    pub segment: Option<String>,
}

/// How to read an export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadOptions {
    /// Column names given by the user.
    pub columns: Columns,
    /// Keep only rows whose COLUMN equals VALUE, for every pair (all must hold).
    pub filters: Vec<(String, String)>,
    /// What a period is.
    pub period: PeriodKind,
    /// Whether the input column already counts cache-read and cache-write tokens
    /// (OpenAI-style); if so they are subtracted to get fresh input.
    pub input_includes_cache: bool,
}

/// One user's usage in one month of the export (summed over its days, scaled when the month
/// is covered in part). Token counts are fresh input (without cache), cache reads, cache writes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MonthUsage {
    /// Output tokens.
    pub output: f64,
    /// Fresh input tokens (cache tokens not included).
    pub input: f64,
    /// Cache-read tokens.
    pub cache_read: f64,
    /// Cache-write tokens.
    pub cache_write: f64,
    /// Cost, when the export has it (0 otherwise).
    pub cost: f64,
    /// Whether the user had a row with usage in this month (output + input > 0).
    pub active: bool,
}

/// One user of the export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PanelUser {
    /// The user id as written.
    pub id: String,
    /// The segment label, when the export has a segment column.
    pub segment: Option<String>,
    /// One entry per month of the export (index 0 = the export's first month), zeros where
    /// the user has no row.
    pub months: Vec<MonthUsage>,
    /// Output tokens per day from the export's first day (zeros where no row), when periods
    /// are days; empty for a monthly export.
    pub daily_output: Vec<f64>,
}

/// What reading found.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadStats {
    /// Data rows in the file.
    pub rows: u64,
    /// Rows left out by `filters`.
    pub filtered: u64,
    /// Rows skipped because a token cell was blank.
    pub skipped_blank: u64,
    /// Rows used.
    pub used: u64,
    /// Distinct periods among the rows used.
    pub periods: u64,
}

/// A usage export read into months.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Panel {
    /// The file as given.
    pub file: String,
    /// Users in order of first appearance.
    pub users: Vec<PanelUser>,
    /// Months the export spans.
    pub months: usize,
    /// Days the export spans (first to last day), when periods are days.
    pub days: Option<usize>,
    /// Days of the export each month covers (30.44 for whole months; fewer for a month
    /// covered in part, whose sums were scaled up by 30.44 / covered).
    pub covered_days: Vec<f64>,
    /// The column names used, after finding them: user, period, output, then the optional
    /// ones found (input, cache_read, cache_write, cost, segment; `None` when absent).
    pub columns: Columns,
    /// What reading found.
    pub stats: ReadStats,
}

impl Panel {
    /// Whether some month was covered in part and scaled up to 30.44 days.
    #[cfg(test)]
    pub fn scaled(&self) -> bool {
        self.covered_days.iter().any(|&d| d < DAYS_PER_MONTH)
    }

    /// A short account of the reading, for `plansim fit` and replay to print, e.g.
    /// `usage.csv: 4504 rows read, 2236 filtered out, 209 skipped (blank token cells), 2059
    /// used; 148 users, 14 periods (days) in 1 month of 30.44 days, 1 scaled up (the last
    /// covers 14 days, scaled by 30.44/14)`.
    pub fn summary(&self) -> String {
        let s = &self.stats;
        let unit = if self.days.is_some() {
            "days"
        } else {
            "months"
        };
        let scaled = self
            .covered_days
            .iter()
            .filter(|&&d| d < DAYS_PER_MONTH)
            .count();
        let mut text = format!(
            "{}: {} rows read, {} filtered out, {} skipped (blank token cells), {} used; \
             {} users, {} periods ({unit}) in {} month{} of {DAYS_PER_MONTH} days",
            self.file,
            s.rows,
            s.filtered,
            s.skipped_blank,
            s.used,
            self.users.len(),
            s.periods,
            self.months,
            if self.months == 1 { "" } else { "s" },
        );
        if let Some(last) = self.covered_days.last().filter(|_| scaled > 0) {
            text.push_str(&format!(
                ", {scaled} scaled up (the last covers {last} days, scaled by 30.44/{last})"
            ));
        }
        text
    }
}

/// Reads the usage export at `path`: a CSV with a header row, one row per user and period.
///
/// Columns are those named in `opts.columns`, else found by their common names
/// ([`columns::USER_NAMES`], [`columns::PERIOD_NAMES`], ...: the first name of the list the
/// header has, ignoring case); user, period and output are required. Rows failing a filter
/// are left out; a row with a blank token or cost cell is skipped and counted. Days are summed
/// into months of [`DAYS_PER_MONTH`] days from the first day, a last month covered in part is
/// scaled up; monthly exports run from the first to the last month seen. Users are in order
/// of their first used row. The rows are streamed; only their numbers are kept.
///
/// # Errors
/// A [`ConfigError`] naming the file, line (header = 1) and field (1-based) for anything but
/// blank token cells: a missing column, a negative, non-numeric or non-finite value, a bad or
/// mixed period, a user and period twice, a user changing segment, fewer input tokens than
/// cached ones with `input_includes_cache`; and for a file with no used rows.
pub fn read(path: &Path, opts: &ReadOptions) -> Result<Panel, ConfigError> {
    let opened = header::open(path)?;
    let file = opened.file.clone();
    let (fields, names) = columns::resolve(&file, &opened.header, &opts.columns)?;
    let filters = header::filters(&file, &opened.header, &opts.filters)?;
    let rows = reader::read_rows(opened, &fields, &filters, opts)?;
    let built = months::build(&rows).map_err(|m| header::at(&file, 1, 1, "", m))?;
    Ok(Panel {
        file,
        users: built.users,
        months: built.months,
        days: built.days,
        covered_days: built.covered_days,
        columns: names,
        stats: rows.stats,
    })
}
