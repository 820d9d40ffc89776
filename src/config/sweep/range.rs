//! A range's values. `from..to:step` gives from + i x step for i = 0, 1, ... while the value
//! is at most `to` (at least, for a negative step) within 1e-9 x |step|, so `0..1:0.1` ends at
//! 1 despite rounding; the last value is then `to` itself. With integers for all three the
//! values are exact integers; otherwise each is written with 15 significant digits when that
//! moves it by at most 1e-9 x |step| (`0.3`, not `0.30000000000000004`).

use super::MAX_POINTS;

/// A number in the shortest form that reads back as the same number, as export::num writes it
/// (`100`, `137.5`, `0`).
pub(super) fn number_text(x: f64) -> String {
    if x == 0.0 { "0".into() } else { format!("{x}") }
}

/// Why a range gives no grid.
#[derive(Debug, PartialEq)]
pub(super) enum RangeError {
    ZeroStep,
    AwayFromTo,
    /// More than [`MAX_POINTS`] points: how many, when countable.
    TooMany(Option<u64>),
}

/// The values of the range from..to:step, each as its sweep.csv text and its TOML text; exact
/// integers when `ints` holds all three as integers.
pub(super) fn grid(
    from: f64,
    to: f64,
    step: f64,
    ints: (Option<i64>, Option<i64>, Option<i64>),
) -> Result<Vec<(String, String)>, RangeError> {
    const TOLERANCE: f64 = 1e-9;
    if step == 0.0 {
        return Err(RangeError::ZeroStep);
    }
    if (to - from) * step < 0.0 {
        return Err(RangeError::AwayFromTo);
    }
    let last = (to - from) / step + TOLERANCE;
    if last.is_nan() || last >= MAX_POINTS as f64 {
        let n = (last.is_finite() && last < 1e18).then(|| last.floor() as u64 + 1);
        return Err(RangeError::TooMany(n));
    }
    if let (Some(from), Some(to), Some(step)) = ints {
        // Exact: the last value is the last multiple of step from `from` not past `to`.
        let n = (i128::from(to) - i128::from(from)) / i128::from(step) + 1;
        return Ok((0..n)
            .map(|i| (i128::from(from) + i * i128::from(step)).to_string())
            .map(|t| (t.clone(), t))
            .collect());
    }
    let n = last.floor() as i64 + 1;
    Ok((0..n)
        .map(|i| {
            let exact = from + i as f64 * step;
            let mut x = if i == n - 1 && (exact - to).abs() <= TOLERANCE * step.abs() {
                to
            } else {
                exact
            };
            let short: f64 = format!("{x:.14e}").parse().unwrap_or(x);
            if (short - x).abs() <= TOLERANCE * step.abs() {
                x = short;
            }
            (number_text(x), format!("{:?}", x + 0.0))
        })
        .collect())
}
