//! From used rows to months. Days are summed into months of 30.44 days counted from the
//! export's first day: day `d` falls in month `floor((d - first) / 30.44)` (computed in
//! hundredths of a day, so a boundary is never missed by rounding). Month `m` covers days
//! `[30.44 m, 30.44 (m + 1))` of the export; the last month covers
//! `min(30.44, days - 30.44 m)` of them (`days` = last - first + 1) and, when that is less
//! than 30.44, its sums are scaled up by `30.44 / covered`. Monthly exports run from the first
//! to the last month seen, every month whole (a month no user has is a month of zeros).

use super::reader::Rows;
use super::{DAYS_PER_MONTH, MonthUsage, PanelUser};

/// [`DAYS_PER_MONTH`] in hundredths of a day.
pub(crate) const MONTH_HUNDREDTHS: i64 = 3044;

/// The most user-days (or user-months) a panel may hold (8 bytes each, about 1.6 GB).
pub(crate) const MAX_CELLS: usize = 200_000_000;

/// The months of a read export.
pub(crate) struct Months {
    /// The users.
    pub users: Vec<PanelUser>,
    /// Months spanned.
    pub months: usize,
    /// Days spanned, for a daily export.
    pub days: Option<usize>,
    /// Days each month covers.
    pub covered_days: Vec<f64>,
}

/// The month (0-based) of day offset `offset` (days since the export's first day).
pub(crate) fn month_of_offset(offset: i64) -> i64 {
    (offset * 100).div_euclid(MONTH_HUNDREDTHS)
}

/// Days (of 30.44) each month of an export of `days` days covers.
pub(crate) fn covered(days: i64) -> Vec<f64> {
    let months = month_of_offset(days - 1) + 1;
    (0..months)
        .map(|m| {
            let hundredths = (days * 100 - m * MONTH_HUNDREDTHS).min(MONTH_HUNDREDTHS);
            if hundredths == MONTH_HUNDREDTHS {
                DAYS_PER_MONTH
            } else {
                hundredths as f64 / 100.0
            }
        })
        .collect()
}

/// Sums `rows` into months (see the module doc).
///
/// # Errors
/// More than [`MAX_CELLS`] user-periods to hold, as a message.
pub(crate) fn build(rows: &Rows) -> Result<Months, String> {
    let span = usize::try_from(rows.last - rows.first + 1).unwrap_or(usize::MAX);
    if rows.users.len().saturating_mul(span) > MAX_CELLS {
        return Err(format!(
            "{} users over {span} periods is more than {MAX_CELLS} user-periods to hold",
            rows.users.len()
        ));
    }
    let daily = rows.form.is_day();
    let covered_days = if daily {
        covered(rows.last - rows.first + 1)
    } else {
        vec![DAYS_PER_MONTH; span]
    };
    let months = covered_days.len();
    let mut users: Vec<PanelUser> = rows
        .users
        .iter()
        .map(|(id, segment)| PanelUser {
            id: id.clone(),
            segment: segment.clone(),
            months: vec![MonthUsage::default(); months],
            daily_output: if daily { vec![0.0; span] } else { Vec::new() },
        })
        .collect();
    for row in &rows.rows {
        let offset = row.period - rows.first;
        let user = &mut users[row.user];
        let m = if daily {
            user.daily_output[offset as usize] = row.values[0];
            month_of_offset(offset) as usize
        } else {
            offset as usize
        };
        let month = &mut user.months[m];
        month.output += row.values[0];
        month.input += row.values[1];
        month.cache_read += row.values[2];
        month.cache_write += row.values[3];
        month.cost += row.values[4];
    }
    for user in &mut users {
        for (month, &days) in user.months.iter_mut().zip(&covered_days) {
            if days < DAYS_PER_MONTH {
                let scale = DAYS_PER_MONTH / days;
                month.output *= scale;
                month.input *= scale;
                month.cache_read *= scale;
                month.cache_write *= scale;
                month.cost *= scale;
            }
            month.active = month.output + month.input > 0.0;
        }
    }
    Ok(Months {
        users,
        months,
        days: daily.then_some(span),
        covered_days,
    })
}
