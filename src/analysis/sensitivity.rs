//! What drives profit: statistics of each trial-level input against a row's profit over the
//! trials, for sensitivity.csv and tail.csv. Pure functions over per-trial vectors (one value
//! per trial, in trial order): average ranks ([`ranks`]), the Spearman rank correlation
//! (Pearson's correlation of the ranks, [`rank_correlation`]; ties handled as scipy's
//! `spearmanr` and R's `cor(method = "spearman")` do), each input's share of variance (its
//! squared rank correlation over the sum of the squares, [`variance_shares`]), the inputs of one
//! row ordered by the size of their correlation ([`drivers`]), and an input's mean over the
//! worst 5% of trials by profit against its mean and sd over all trials ([`worst_trials`],
//! [`tail`]). docs/outputs.md states the formulas, the ties and the empty cells.

use super::stats;

/// Average ranks, from 1: the k-th smallest value gets rank k; tied values share the mean of
/// the ranks they span (`[10, 20, 20, 30]` gets `[1, 2.5, 2.5, 4]`). Values compare by
/// `f64::total_cmp` for the order and `==` for ties.
pub fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut out = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i + 1;
        while j < order.len() && x[order[j]] == x[order[i]] {
            j += 1;
        }
        // Positions i..j (from 0) hold ranks i + 1 ..= j, whose mean is (i + 1 + j) / 2.
        let rank = (i + 1 + j) as f64 / 2.0;
        for &k in &order[i..j] {
            out[k] = rank;
        }
        i = j;
    }
    out
}

/// Pearson's correlation of two rank vectors of the same length, as [`ranks`] gives them;
/// `None` when either is constant (every value tied, so its ranks have no variance) or there
/// are fewer than 2 values. Clamped to [-1, 1] against rounding.
///
/// The mean rank is (n + 1) / 2 exactly, whatever the ties, so it is not summed; a constant
/// vector's ranks all equal it and its sum of squares is exactly 0.
pub fn rank_correlation(rx: &[f64], ry: &[f64]) -> Option<f64> {
    assert_eq!(rx.len(), ry.len(), "one value per trial in both");
    if rx.len() < 2 {
        return None;
    }
    let mean = (rx.len() + 1) as f64 / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(ry) {
        let (dx, dy) = (a - mean, b - mean);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx == 0.0 || syy == 0.0 {
        return None;
    }
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Each input's share of variance: its squared rank correlation over the sum of the squares of
/// all of them, so the shares sum to 1. An empty correlation (a constant input or profit)
/// counts as 0. When every correlation is 0 or empty, every share is 0.
pub fn variance_shares(rho: &[Option<f64>]) -> Vec<f64> {
    let squares: Vec<f64> = rho.iter().map(|r| r.map_or(0.0, |r| r * r)).collect();
    let total: f64 = squares.iter().sum();
    if total == 0.0 {
        return vec![0.0; rho.len()];
    }
    squares.iter().map(|s| s / total).collect()
}

/// One input's line in sensitivity.csv for one row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Driver {
    /// The input's index among the trial-level inputs (trials.csv's draw columns).
    pub input: usize,
    /// Spearman rank correlation of the input with the row's profit; `None` when either is
    /// constant over the trials.
    pub spearman: Option<f64>,
    /// The input's share of variance ([`variance_shares`]).
    pub variance_share: f64,
}

/// Every input against one row's per-trial `profit`, given each input's ranks over the trials
/// (`input_ranks[i]`, from [`ranks`]): sorted by |spearman| descending, ties (and the inputs
/// with an empty correlation, which come last) in input order.
pub fn drivers(input_ranks: &[Vec<f64>], profit: &[f64]) -> Vec<Driver> {
    let profit_ranks = ranks(profit);
    let rho: Vec<Option<f64>> = input_ranks
        .iter()
        .map(|r| rank_correlation(r, &profit_ranks))
        .collect();
    let shares = variance_shares(&rho);
    let mut out: Vec<Driver> = rho
        .iter()
        .zip(shares)
        .enumerate()
        .map(|(input, (&spearman, variance_share))| Driver {
            input,
            spearman,
            variance_share,
        })
        .collect();
    // Stable: equal magnitudes keep input order. Empty sorts as -1, below every magnitude.
    out.sort_by(|a, b| {
        let key = |d: &Driver| d.spearman.map_or(-1.0, f64::abs);
        key(b).total_cmp(&key(a))
    });
    out
}

/// Trials in the tail: ceil(0.05 n), at least 1 (0 when there are no trials), as the summary's
/// `profit_cvar05` counts them.
pub fn tail_count(trials: usize) -> usize {
    if trials == 0 { 0 } else { trials.div_ceil(20) }
}

/// The indices of the worst [`tail_count`] trials by `profit`: the lowest profits, ties broken
/// by the lower trial index first.
pub fn worst_trials(profit: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..profit.len()).collect();
    order.sort_by(|&a, &b| profit[a].total_cmp(&profit[b]).then(a.cmp(&b)));
    order.truncate(tail_count(profit.len()));
    order
}

/// One input's line in tail.csv for one row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tail {
    /// Trials in the tail.
    pub tail_trials: usize,
    /// The input's mean over the tail's trials; `None` when there are none.
    pub tail_mean: Option<f64>,
    /// The input's mean over all trials; `None` when there are none.
    pub mean: Option<f64>,
    /// The input's sample sd (n - 1) over all trials; `None` under 2 trials, exactly 0 for a
    /// constant input.
    pub sd: Option<f64>,
    /// (tail_mean - mean) / sd; `None` when sd is 0 or `None`.
    pub shift_sd: Option<f64>,
}

/// An input's per-trial values `x` over the `worst` trials (from [`worst_trials`]) against all
/// of them.
pub fn tail(x: &[f64], worst: &[usize]) -> Tail {
    let tail_values: Vec<f64> = worst.iter().map(|&t| x[t]).collect();
    let tail_mean = stats::mean(&tail_values);
    let mean = stats::mean(x);
    // A constant input has sd 0 exactly (its mean may round away from its value).
    let constant = x.windows(2).all(|w| w[0] == w[1]);
    let sd = stats::sd(x).map(|s| if constant { 0.0 } else { s });
    let shift_sd = match (tail_mean, mean, sd) {
        (Some(t), Some(m), Some(s)) if s > 0.0 => Some((t - m) / s),
        _ => None,
    };
    Tail {
        tail_trials: worst.len(),
        tail_mean,
        mean,
        sd,
        shift_sd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Spearman rank correlation of `x` and `y`: Pearson's correlation of their average
    /// ranks, so ties are handled as scipy's `spearmanr` and R's `cor(method = "spearman")` do.
    fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
        rank_correlation(&ranks(x), &ranks(y))
    }

    #[test]
    fn ties_share_the_mean_of_their_ranks() {
        assert_eq!(ranks(&[10.0, 20.0, 20.0, 30.0]), [1.0, 2.5, 2.5, 4.0]);
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 3.0]), [3.0, 1.0, 3.0, 3.0]);
        assert_eq!(ranks(&[5.0, 5.0]), [1.5, 1.5]);
        assert_eq!(ranks(&[]), Vec::<f64>::new());
    }

    /// By hand: x = [10, 20, 20, 30] ranks [1, 2.5, 2.5, 4], y = [1, 3, 2, 4] ranks
    /// [1, 3, 2, 4]; about the mean rank 2.5 the deviations are [-1.5, 0, 0, 1.5] and
    /// [-1.5, 0.5, -0.5, 1.5], so sxy = 4.5, sxx = 4.5, syy = 5 and rho = 4.5 / sqrt(22.5) =
    /// sqrt(0.9) (scipy.stats.spearmanr gives 0.9486832980505138).
    #[test]
    fn spearman_with_ties_is_the_hand_computed_value() {
        let rho = spearman(&[10.0, 20.0, 20.0, 30.0], &[1.0, 3.0, 2.0, 4.0]).unwrap();
        assert!((rho - 0.9f64.sqrt()).abs() < 1e-15, "{rho}");
        let neg = spearman(&[10.0, 20.0, 20.0, 30.0], &[4.0, 2.0, 3.0, 1.0]).unwrap();
        assert!((neg + 0.9f64.sqrt()).abs() < 1e-15, "{neg}");
    }

    /// Without ties, Spearman's closed form 1 - 6 sum(d^2) / (n (n^2 - 1)) holds, d being the
    /// rank differences.
    #[test]
    fn spearman_without_ties_is_the_closed_form() {
        let x = [0.3, -2.0, 7.5, 1.0, 4.0, 2.5, 9.0];
        let y = [10.0, 3.0, 1.0, 8.0, 30.0, -4.0, 2.0];
        let (rx, ry) = (ranks(&x), ranks(&y));
        let n = x.len() as f64;
        let d2: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - b) * (a - b)).sum();
        let closed = 1.0 - 6.0 * d2 / (n * (n * n - 1.0));
        let rho = spearman(&x, &y).unwrap();
        assert!((rho - closed).abs() < 1e-12, "{rho} vs {closed}");
        assert!(closed != 0.0 && closed.abs() < 1.0);
    }

    #[test]
    fn monotone_is_one_and_constant_is_empty() {
        let x = [1.0, 5.0, 2.0, 8.0];
        let y: Vec<f64> = x.iter().map(|v: &f64| v.exp()).collect();
        assert_eq!(spearman(&x, &y), Some(1.0));
        let down: Vec<f64> = x.iter().map(|v| -v * v * v).collect();
        assert_eq!(spearman(&x, &down), Some(-1.0));
        assert_eq!(spearman(&x, &[0.1; 4]), None);
        assert_eq!(spearman(&[0.1; 4], &x), None);
        assert_eq!(spearman(&[1.0], &[2.0]), None);
    }

    #[test]
    fn shares_are_normalised_squares() {
        let s = variance_shares(&[Some(0.6), None, Some(-0.8), Some(0.0)]);
        // 0.36 and 0.64 over 1.0.
        assert!(
            (s[0] - 0.36).abs() < 1e-15 && (s[2] - 0.64).abs() < 1e-15,
            "{s:?}"
        );
        assert_eq!((s[1], s[3]), (0.0, 0.0));
        let s = variance_shares(&[Some(0.1), Some(0.1), Some(0.2)]);
        // 0.01, 0.01, 0.04 over 0.06.
        let want = [1.0 / 6.0, 1.0 / 6.0, 4.0 / 6.0];
        for (g, w) in s.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{s:?}");
        }
        assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(variance_shares(&[None, Some(0.0)]), [0.0, 0.0]);
        assert_eq!(variance_shares(&[]), Vec::<f64>::new());
    }

    #[test]
    fn drivers_sort_by_magnitude_ties_in_input_order_empty_last() {
        let profit = [1.0, 2.0, 3.0, 4.0];
        let inputs = [
            vec![5.0, 5.0, 5.0, 5.0], // constant: empty
            vec![4.0, 3.0, 2.0, 1.0], // -1
            vec![1.0, 3.0, 2.0, 4.0], // 0.8
            vec![1.0, 2.0, 3.0, 4.0], // 1
            vec![2.0, 1.0, 4.0, 3.0], // 0.6
            vec![4.0, 2.0, 3.0, 1.0], // -0.8
        ];
        let input_ranks: Vec<Vec<f64>> = inputs.iter().map(|x| ranks(x)).collect();
        let d = drivers(&input_ranks, &profit);
        let order: Vec<usize> = d.iter().map(|d| d.input).collect();
        assert_eq!(order, [1, 3, 2, 5, 4, 0]);
        assert_eq!(d[0].spearman, Some(-1.0));
        assert_eq!(d[5].spearman, None);
        assert_eq!(d[5].variance_share, 0.0);
        // Squares 1, 1, 0.64, 0.64, 0.36 over 3.64.
        assert!((d[0].variance_share - 1.0 / 3.64).abs() < 1e-12);
        assert!((d[4].variance_share - 0.36 / 3.64).abs() < 1e-12);
        let total: f64 = d.iter().map(|d| d.variance_share).sum();
        assert!((total - 1.0).abs() < 1e-12);
    }

    #[test]
    fn tail_counts_five_percent_rounded_up() {
        assert_eq!(tail_count(0), 0);
        assert_eq!(tail_count(1), 1);
        assert_eq!(tail_count(20), 1);
        assert_eq!(tail_count(21), 2);
        assert_eq!(tail_count(40), 2);
        assert_eq!(tail_count(41), 3);
        assert_eq!(tail_count(1000), 50);
    }

    #[test]
    fn worst_trials_break_ties_by_trial_index() {
        // 21 trials: the 2 worst. Trials 4, 9 and 13 tie at the lowest profit.
        let mut profit = vec![5.0; 21];
        profit[13] = -1.0;
        profit[9] = -1.0;
        profit[4] = -1.0;
        profit[2] = 0.0;
        assert_eq!(worst_trials(&profit), [4, 9]);
        assert_eq!(worst_trials(&[3.0]), [0]);
        assert!(worst_trials(&[]).is_empty());
    }

    #[test]
    fn tail_mean_shift_and_empty_cells() {
        // x = 1..=4, worst trial 2 (value 1): mean 2.5, sd sqrt(5/3), shift -1.5 / sd.
        let t = tail(&[3.0, 2.0, 1.0, 4.0], &[2]);
        assert_eq!(t.tail_trials, 1);
        assert_eq!(t.tail_mean, Some(1.0));
        assert_eq!(t.mean, Some(2.5));
        let sd = (5.0f64 / 3.0).sqrt();
        assert!((t.sd.unwrap() - sd).abs() < 1e-15);
        assert!((t.shift_sd.unwrap() + 1.5 / sd).abs() < 1e-12);
        // A constant input: sd exactly 0, no shift, even where the mean rounds.
        let t = tail(&[0.1, 0.1, 0.1], &[1]);
        assert_eq!((t.sd, t.shift_sd), (Some(0.0), None));
        // One trial: no sd, no shift.
        let t = tail(&[7.0], &[0]);
        assert_eq!(
            (t.tail_mean, t.mean, t.sd, t.shift_sd),
            (Some(7.0), Some(7.0), None, None)
        );
    }
}
