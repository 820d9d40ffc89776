//! fit_users.csv: one row per user of the export, in its order, with the segment the user
//! went to and the per-user quantities the segments were pooled from ([`crate::fit::users`]);
//! empty cells where a quantity is not estimable (a ratio without output, a share without
//! prompt tokens or without the column, a volatility from fewer than two months or days).

use super::{csv_writer, opt};
use crate::fit::users::{Has, UserFit};

/// Column names of fit_users.csv.
pub const COLUMNS: [&str; 11] = [
    "user",
    "segment",
    "typical_output_tokens",
    "input_per_output",
    "cache_read_share",
    "cache_write_share",
    "monthly_volatility",
    "inactive_share",
    "active_months",
    "last_active_month",
    "scaled",
];

/// fit_users.csv of `users`, each in the segment named by `segments[assigned[i]]` (empty for
/// a user without output). `last_active_month` counts from 0, the export's first month.
///
/// # Errors
/// The CSV writer's error (none in memory).
pub fn users_csv(
    users: &[UserFit],
    assigned: &[Option<usize>],
    segments: &[String],
    has: Has,
) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut w = csv_writer(&mut out);
        w.write_record(COLUMNS)?;
        for (u, a) in users.iter().zip(assigned) {
            let active = u.first_last.is_some();
            w.write_record([
                u.id.clone(),
                a.and_then(|i| segments.get(i)).cloned().unwrap_or_default(),
                opt(active.then_some(u.typical)),
                opt(u.input_per_output().filter(|_| has.input)),
                opt(u.cache_read_share().filter(|_| has.cache_read)),
                opt(u.cache_write_share().filter(|_| has.cache_write)),
                opt(u.volatility()),
                opt(u.inactive_share()),
                u.active_months.to_string(),
                u.first_last.map(|(_, l)| l.to_string()).unwrap_or_default(),
                u8::from(u.scaled).to_string(),
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}
