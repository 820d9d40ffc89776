//! Statistics over trials: percentiles (linear interpolation between order statistics, numpy's
//! default and Excel's PERCENTILE.INC), mean, sd (n - 1), standard error and CVaR.

/// Mean; `None` for an empty slice.
pub fn mean(x: &[f64]) -> Option<f64> {
    if x.is_empty() {
        None
    } else {
        Some(x.iter().sum::<f64>() / x.len() as f64)
    }
}

/// Sample standard deviation (n - 1 in the denominator); `None` when n < 2.
pub fn sd(x: &[f64]) -> Option<f64> {
    if x.len() < 2 {
        return None;
    }
    let m = mean(x)?;
    let ss: f64 = x.iter().map(|v| (v - m) * (v - m)).sum();
    Some((ss / (x.len() - 1) as f64).sqrt())
}

/// Standard error of the mean, sd / sqrt(n); `None` when n < 2.
pub fn se(x: &[f64]) -> Option<f64> {
    sd(x).map(|s| s / (x.len() as f64).sqrt())
}

/// Percentile `q` in [0, 100] of already sorted values, by linear interpolation between order
/// statistics at position (n - 1) q / 100; `None` for an empty slice.
/// numpy's default (`numpy.percentile([1, 2, 3, 4], 10) == 1.3`) and Excel's PERCENTILE.INC
/// (`=PERCENTILE.INC({1,2,3,4}, 0.1)`); the unit test `percentile_is_numpy_and_excel_inclusive`
/// checks that example.
pub fn percentile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    let pos = (n - 1) as f64 * q / 100.0;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    let frac = pos - lo as f64;
    Some(if frac == 0.0 {
        sorted[lo]
    } else {
        sorted[lo] + (sorted[hi] - sorted[lo]) * frac
    })
}

/// A sorted copy of the values.
pub fn sorted(x: &[f64]) -> Vec<f64> {
    let mut v = x.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// Mean of the k = max(1, ceil(0.05 n)) lowest values of a sorted slice; `None` if empty.
pub fn cvar_05_sorted(sorted: &[f64]) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let k = ((0.05 * sorted.len() as f64).ceil() as usize).max(1);
    mean(&sorted[..k])
}

/// Share of values < 0; `None` if empty.
pub fn share_negative(x: &[f64]) -> Option<f64> {
    if x.is_empty() {
        None
    } else {
        Some(x.iter().filter(|v| **v < 0.0).count() as f64 / x.len() as f64)
    }
}

/// `num / den`, `None` when `den` is 0.
pub fn ratio(num: f64, den: f64) -> Option<f64> {
    if den == 0.0 { None } else { Some(num / den) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sd_of_two_values_is_defined() {
        // numpy.std([1, 3], ddof=1) == sqrt(2): n = 2 is the smallest sample with an sd.
        assert_eq!(sd(&[1.0, 3.0]), Some(2f64.sqrt()));
        assert_eq!(sd(&[1.0]), None);
        assert_eq!(se(&[1.0, 3.0]), Some(1.0));
    }

    #[test]
    fn percentile_is_numpy_and_excel_inclusive() {
        assert_eq!(percentile_sorted(&[1.0, 2.0, 3.0, 4.0], 10.0), Some(1.3));
    }

    #[test]
    fn percentiles_match_numpy_linear() {
        // numpy.percentile([3, 1, 4, 1, 5], [0, 10, 25, 50, 90, 100]) = 1, 1, 1, 3, 4.6, 5
        let s = sorted(&[3.0, 1.0, 4.0, 1.0, 5.0]);
        let got: Vec<f64> = [0.0, 10.0, 25.0, 50.0, 90.0, 100.0]
            .iter()
            .map(|q| percentile_sorted(&s, *q).unwrap())
            .collect();
        let want = [1.0, 1.0, 1.0, 3.0, 4.6, 5.0];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?}");
        }
    }

    #[test]
    fn single_value_has_no_spread() {
        assert_eq!(sd(&[2.0]), None);
        assert_eq!(se(&[2.0]), None);
        assert_eq!(percentile_sorted(&[2.0], 5.0), Some(2.0));
        assert_eq!(cvar_05_sorted(&[2.0]), Some(2.0));
    }

    #[test]
    fn cvar_takes_ceil_of_five_percent() {
        let v: Vec<f64> = (1..=41).map(f64::from).collect();
        // k = ceil(2.05) = 3: mean(1, 2, 3) = 2
        assert_eq!(cvar_05_sorted(&v), Some(2.0));
    }
}
