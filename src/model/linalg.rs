//! Small dense linear algebra for correlation matrices (a few dozen rows at most): symmetric
//! eigenvalues by the cyclic Jacobi method, the Cholesky factor of a positive definite matrix,
//! and the inverse of a lower-triangular matrix. Matrices are row-major `Vec<Vec<f64>>`.

// Index loops read as the textbook algorithms they implement.
#![allow(clippy::needless_range_loop)]

/// A square matrix, row-major.
pub type Matrix = Vec<Vec<f64>>;

/// The eigenvalues and eigenvectors of the symmetric matrix `a` by cyclic Jacobi rotations:
/// `(values, vectors)` with `vectors[i][j]` the i-th component of the j-th eigenvector
/// (columns), so `a = V diag(values) V'`. Deterministic; accurate to about 1e-14 x the norm.
pub fn symmetric_eigen(a: &[Vec<f64>]) -> (Vec<f64>, Matrix) {
    let n = a.len();
    let mut a: Matrix = a.to_vec();
    let mut v = identity(n);
    let norm: f64 = a.iter().flatten().map(|x| x * x).sum::<f64>().sqrt();
    for _sweep in 0..100 {
        let off: f64 = (0..n)
            .flat_map(|i| (0..n).filter(move |&j| j != i).map(move |j| (i, j)))
            .map(|(i, j)| a[i][j] * a[i][j])
            .sum::<f64>()
            .sqrt();
        if off <= 1e-15 * norm.max(f64::MIN_POSITIVE) {
            break;
        }
        for p in 0..n {
            for q in p + 1..n {
                if a[p][q] == 0.0 {
                    continue;
                }
                // The rotation that zeroes a[p][q] (Golub and Van Loan, algorithm 8.4.1).
                let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
                let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
                let t = if theta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (t * t + 1.0).sqrt();
                let s = t * c;
                for k in 0..n {
                    let (akp, akq) = (a[k][p], a[k][q]);
                    a[k][p] = c * akp - s * akq;
                    a[k][q] = s * akp + c * akq;
                }
                for k in 0..n {
                    let (apk, aqk) = (a[p][k], a[q][k]);
                    a[p][k] = c * apk - s * aqk;
                    a[q][k] = s * apk + c * aqk;
                }
                for row in v.iter_mut() {
                    let (vkp, vkq) = (row[p], row[q]);
                    row[p] = c * vkp - s * vkq;
                    row[q] = s * vkp + c * vkq;
                }
            }
        }
    }
    ((0..n).map(|i| a[i][i]).collect(), v)
}

/// The lower-triangular `L` with `L L' = a`, or `None` when a pivot is not above
/// `1e-12` (the matrix is not safely positive definite).
pub fn cholesky(a: &[Vec<f64>]) -> Option<Matrix> {
    let n = a.len();
    let mut l = vec![vec![0.0; n]; n];
    for j in 0..n {
        let d = a[j][j] - (0..j).map(|k| l[j][k] * l[j][k]).sum::<f64>();
        if d.is_nan() || d <= 1e-12 {
            return None;
        }
        l[j][j] = d.sqrt();
        for i in j + 1..n {
            let s = a[i][j] - (0..j).map(|k| l[i][k] * l[j][k]).sum::<f64>();
            l[i][j] = s / l[j][j];
        }
    }
    Some(l)
}

/// The inverse of a lower-triangular matrix with a non-zero diagonal (forward substitution).
pub fn lower_inverse(l: &[Vec<f64>]) -> Matrix {
    let n = l.len();
    let mut x = vec![vec![0.0; n]; n];
    for c in 0..n {
        for i in c..n {
            let rhs = if i == c { 1.0 } else { 0.0 };
            let s: f64 = (c..i).map(|k| l[i][k] * x[k][c]).sum();
            x[i][c] = (rhs - s) / l[i][i];
        }
    }
    x
}

/// `a b`.
pub fn mul(a: &[Vec<f64>], b: &[Vec<f64>]) -> Matrix {
    let (n, m, inner) = (a.len(), b.first().map_or(0, Vec::len), b.len());
    (0..n)
        .map(|i| {
            (0..m)
                .map(|j| (0..inner).map(|k| a[i][k] * b[k][j]).sum())
                .collect()
        })
        .collect()
}

/// `a'`.
pub fn transpose(a: &[Vec<f64>]) -> Matrix {
    let m = a.first().map_or(0, Vec::len);
    (0..m)
        .map(|j| a.iter().map(|row| row[j]).collect())
        .collect()
}

/// The n x n identity.
pub fn identity(n: usize) -> Matrix {
    (0..n)
        .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[Vec<f64>], b: &[Vec<f64>], tol: f64) -> bool {
        a.iter()
            .flatten()
            .zip(b.iter().flatten())
            .all(|(x, y)| (x - y).abs() <= tol)
    }

    #[test]
    fn eigen_of_a_known_matrix() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
        let (mut vals, v) = symmetric_eigen(&[vec![2.0, 1.0], vec![1.0, 2.0]]);
        let back = mul(
            &mul(&v, &[vec![vals[0], 0.0], vec![0.0, vals[1]]]),
            &transpose(&v),
        );
        assert!(close(&back, &[vec![2.0, 1.0], vec![1.0, 2.0]], 1e-12));
        vals.sort_by(f64::total_cmp);
        assert!((vals[0] - 1.0).abs() < 1e-12 && (vals[1] - 3.0).abs() < 1e-12);
    }

    #[test]
    fn eigen_reconstructs_a_3x3_and_finds_a_negative_eigenvalue() {
        // Pairwise 0.9, 0.9 and -0.9: not positive semi-definite (1 - 0.9 - 0.9 - 0.9 ... ).
        let a = vec![
            vec![1.0, 0.9, 0.9],
            vec![0.9, 1.0, -0.9],
            vec![0.9, -0.9, 1.0],
        ];
        let (vals, v) = symmetric_eigen(&a);
        let d: Matrix = (0..3)
            .map(|i| (0..3).map(|j| if i == j { vals[i] } else { 0.0 }).collect())
            .collect();
        assert!(close(&mul(&mul(&v, &d), &transpose(&v)), &a, 1e-12));
        let min = vals.iter().copied().fold(f64::INFINITY, f64::min);
        // det = 1 - 3(0.81) + 2(0.9)(0.9)(-0.9) < 0, so one eigenvalue is negative: -0.8 exactly.
        assert!((min + 0.8).abs() < 1e-12, "{min}");
    }

    #[test]
    fn cholesky_and_its_inverse() {
        let a = vec![
            vec![4.0, 2.0, 0.4],
            vec![2.0, 2.0, 0.6],
            vec![0.4, 0.6, 1.0],
        ];
        let l = cholesky(&a).expect("positive definite");
        assert!(close(&mul(&l, &transpose(&l)), &a, 1e-12));
        assert!(close(&mul(&l, &lower_inverse(&l)), &identity(3), 1e-12));
        assert!(cholesky(&[vec![1.0, 1.0], vec![1.0, 1.0]]).is_none());
    }
}
