//! A simulated usage panel as the CSV text of a usage export ([`crate::model::panel_sim`]):
//! the columns `user, segment, month, output_tokens, input_tokens, cache_read_tokens,
//! cache_write_tokens`, one row per user and month lived, users in index order. `user` is the
//! user's index in the trial, `segment` the segment's name, `month` a year-month counted from
//! [`FIRST_MONTH`] (month 0 of the horizon is `2025-01`), and the token counts whole numbers
//! written without a decimal point; `input_tokens` is fresh input (cache tokens not included),
//! so the export is read with `--input-includes-cache` off (the default).

use std::io::Write;

use super::csv_writer;
use crate::model::panel_sim::PanelRow;

/// The year and month written for month 0 of the horizon.
pub const FIRST_MONTH: (u32, u32) = (2025, 1);

/// Column names, in order.
pub const COLUMNS: [&str; 7] = [
    "user",
    "segment",
    "month",
    "output_tokens",
    "input_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
];

/// The CSV text of `rows`, segments named by `segments` (in segment-index order).
pub fn usage_csv(segments: &[&str], rows: &[PanelRow]) -> String {
    let mut out = Vec::with_capacity(48 * (rows.len() + 1));
    write(&mut out, segments, rows).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the rows are UTF-8")
}

/// Writes the CSV text of `rows` to `out`.
fn write(out: &mut dyn Write, segments: &[&str], rows: &[PanelRow]) -> csv::Result<()> {
    let mut w = csv_writer(out);
    w.write_record(COLUMNS)?;
    for r in rows {
        w.write_record([
            r.user.to_string(),
            segments[r.segment].to_string(),
            year_month(r.month),
            whole(r.output),
            whole(r.input),
            whole(r.cache_read),
            whole(r.cache_write),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Month `m` of the horizon as `YYYY-MM`.
fn year_month(m: usize) -> String {
    let (y, first) = FIRST_MONTH;
    let k = (first - 1) as usize + m;
    format!("{:04}-{:02}", y as usize + k / 12, k % 12 + 1)
}

/// A whole number of tokens without a decimal point.
fn whole(x: f64) -> String {
    format!("{x:.0}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_count_from_january_2025_and_tokens_are_whole() {
        assert_eq!(year_month(0), "2025-01");
        assert_eq!(year_month(11), "2025-12");
        assert_eq!(year_month(12), "2026-01");
        assert_eq!(year_month(25), "2027-02");
        let row = PanelRow {
            user: 7,
            segment: 1,
            month: 2,
            output: 1234.0,
            input: 0.0,
            cache_read: 1e15,
            cache_write: 3.0,
        };
        let text = usage_csv(&["a", "b"], &[row]);
        assert_eq!(
            text,
            "user,segment,month,output_tokens,input_tokens,cache_read_tokens,cache_write_tokens\n\
             7,b,2025-03,1234,0,1000000000000000,3\n"
        );
    }
}
