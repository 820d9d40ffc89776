//! Correlated trial-level inputs by the Iman-Conover method (Iman, R. L. and Conover, W. J.,
//! "A distribution-free approach to inducing rank correlation among input variables",
//! Communications in Statistics - Simulation and Computation 11(3), 311-334, 1982), the
//! method of @RISK and Crystal Ball.
//!
//! The trials are taken in fixed blocks of [`BLOCK`]: block b holds trials 100b..100b+99, so
//! a trial's correlated inputs depend only on its block, never on the run's length, batches or
//! shards. In a block, each correlated input's 100 values are drawn independently (each from
//! its own stream, exactly the values it would have without correlation); then the values are
//! only reordered among the block's trials, so each input's marginal distribution is untouched.
//! The order comes from a score matrix S (n x k): column j is a fixed random permutation of the
//! van der Waerden scores Phi^-1(i / (n + 1)), i = 1..n. With E the sample correlation of S
//! (Cholesky E = Q Q') and C the target correlation of the scores (C = P P'), the matrix
//! T = S (P Q^-1)' has sample correlation exactly C; each input's values are then given to the
//! trials in the rank order of T's column. The target of the scores is the normal-score
//! (Pearson) correlation 2 sin(pi rho / 6) of each rank correlation rho, so that the achieved
//! Spearman rank correlation is rho on average. This module is pure: values and permutations
//! in, reordered values out; the engine draws them ([`crate::engine`]).

use serde::Serialize;

use super::linalg::{Matrix, cholesky, lower_inverse, mul, symmetric_eigen, transpose};
use crate::dist::norm_inv;

/// Trials per block: a trial's correlated inputs depend only on its block of [`BLOCK`] trials.
pub const BLOCK: u64 = 100;
/// Most correlated inputs in one scenario (half a block, so the block's score correlation is
/// well conditioned).
pub const MAX_INPUTS: usize = (BLOCK / 2) as usize;
/// A matrix is positive semi-definite when its smallest eigenvalue is at least `-PSD_TOL`.
pub const PSD_TOL: f64 = 1e-9;

/// The correlated inputs of a scenario and their target rank correlations.
#[derive(Clone, Debug, Serialize)]
pub struct Correlation {
    /// The correlated inputs' paths (trials.csv columns), in order of first mention.
    pub paths: Vec<String>,
    /// Their slot indices in the scenario, in the same order.
    #[serde(skip)]
    pub slots: Vec<usize>,
    /// Target Spearman rank correlations (k x k; 0 for a pair no table gives).
    pub target: Matrix,
    /// A factor P of the normal-score correlation matrix: P P' = C.
    #[serde(skip)]
    factor: Matrix,
}

/// A target matrix that is not positive semi-definite.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NotPsd {
    /// Its smallest eigenvalue (below `-PSD_TOL`).
    pub min_eigenvalue: f64,
}

/// The smallest eigenvalue of a symmetric matrix (`+inf` for an empty one).
pub fn min_eigenvalue(m: &[Vec<f64>]) -> f64 {
    symmetric_eigen(m)
        .0
        .into_iter()
        .fold(f64::INFINITY, f64::min)
}

impl Correlation {
    /// The correlation of `slots` (named `paths`) with the target rank correlation matrix
    /// `target` (symmetric, unit diagonal, entries in [-1, 1]: the config checks that).
    ///
    /// # Errors
    /// [`NotPsd`] when `target` is not positive semi-definite.
    pub fn new(paths: Vec<String>, slots: Vec<usize>, target: Matrix) -> Result<Self, NotPsd> {
        let min = min_eigenvalue(&target);
        if min < -PSD_TOL {
            return Err(NotPsd {
                min_eigenvalue: min,
            });
        }
        let k = target.len();
        // Normal-score (Pearson) correlation of each rank correlation.
        let scores: Matrix = (0..k)
            .map(|i| {
                (0..k)
                    .map(|j| {
                        if i == j {
                            1.0
                        } else {
                            2.0 * (std::f64::consts::PI * target[i][j] / 6.0).sin()
                        }
                    })
                    .collect()
            })
            .collect();
        Ok(Correlation {
            paths,
            slots,
            target,
            factor: psd_factor(&scores),
        })
    }

    /// Reorders each column of `values` (k columns of n values, one per input, n >= 2) so
    /// that their ranks follow the target; `perms[j]` is a permutation of `0..n` giving
    /// column j of the score matrix (`scores[perms[j][r]]` in row r). Each column keeps its
    /// values (only their order changes).
    pub fn reorder(&self, values: &mut [Vec<f64>], perms: &[Vec<usize>]) {
        let k = values.len();
        let n = values.first().map_or(0, Vec::len);
        if n < 2 || k < 2 {
            return;
        }
        let a = scores(n);
        let s: Matrix = (0..n)
            .map(|r| (0..k).map(|j| a[perms[j][r]]).collect())
            .collect();
        // E = Q Q'; a block whose scores are degenerate keeps its order (never for n > k).
        let m = match cholesky(&sample_correlation(&s)) {
            Some(q) => mul(&self.factor, &lower_inverse(&q)),
            None => self.factor.clone(),
        };
        let t = mul(&s, &transpose(&m));
        for (j, column) in values.iter_mut().enumerate() {
            let mut sorted = column.clone();
            sorted.sort_by(f64::total_cmp);
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&x, &y| t[x][j].total_cmp(&t[y][j]).then(x.cmp(&y)));
            for (rank, &row) in order.iter().enumerate() {
                column[row] = sorted[rank];
            }
        }
    }
}

/// The van der Waerden scores Phi^-1(i / (n + 1)), i = 1..n.
pub fn scores(n: usize) -> Vec<f64> {
    (1..=n)
        .map(|i| norm_inv(i as f64 / (n + 1) as f64))
        .collect()
}

/// The sample (Pearson) correlation matrix of the columns of `s` (rows = observations).
fn sample_correlation(s: &[Vec<f64>]) -> Matrix {
    let k = s.first().map_or(0, Vec::len);
    let n = s.len() as f64;
    let means: Vec<f64> = (0..k)
        .map(|j| s.iter().map(|r| r[j]).sum::<f64>() / n)
        .collect();
    let cov = |i: usize, j: usize| -> f64 {
        s.iter()
            .map(|r| (r[i] - means[i]) * (r[j] - means[j]))
            .sum()
    };
    let sd: Vec<f64> = (0..k).map(|j| cov(j, j).sqrt()).collect();
    (0..k)
        .map(|i| (0..k).map(|j| cov(i, j) / (sd[i] * sd[j])).collect())
        .collect()
}

/// A factor P with P P' the correlation matrix nearest `c` by eigenvalue clipping: P = V
/// sqrt(max(L, 0)), each row scaled to unit length (P P' = c when c is positive semi-definite).
fn psd_factor(c: &[Vec<f64>]) -> Matrix {
    let (vals, v) = symmetric_eigen(c);
    let k = c.len();
    (0..k)
        .map(|i| {
            let row: Vec<f64> = (0..k).map(|j| v[i][j] * vals[j].max(0.0).sqrt()).collect();
            let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
            row.iter()
                .map(|x| if norm > 0.0 { x / norm } else { 0.0 })
                .collect()
        })
        .collect()
}

/// The Spearman rank correlation of `a` and `b` (the Pearson correlation of their ranks, ties
/// given their average rank); `None` with fewer than 2 pairs or when either is constant.
pub fn spearman(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    let (ra, rb) = (ranks(a), ranks(b));
    let n = a.len() as f64;
    let mean = (n + 1.0) / 2.0;
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in ra.iter().zip(&rb) {
        sab += (x - mean) * (y - mean);
        saa += (x - mean) * (x - mean);
        sbb += (y - mean) * (y - mean);
    }
    (saa > 0.0 && sbb > 0.0).then(|| sab / (saa * sbb).sqrt())
}

/// 1-based ranks, ties given their average rank.
fn ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &o in &order[i..=j] {
            r[o] = avg;
        }
        i = j + 1;
    }
    r
}
