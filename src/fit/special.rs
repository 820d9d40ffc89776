//! Special functions the fitting needs and `crate::dist` does not export: ln Gamma, digamma,
//! trigamma, the regularised incomplete gamma function and the standard normal CDF (through
//! erfc(t) = Q(1/2, t^2)). Accurate to about 1e-14 relative on the ranges the fits use.

use std::f64::consts::PI;

/// ln Gamma(x) for x > 0: the Lanczos approximation (g = 7, 9 terms) in log form, so it does not
/// overflow for large x (absolute error about 1e-15 for x >= 0.5); reflection below 0.5.
pub fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = crate::dist::LANCZOS;
    if x < 0.5 {
        return (PI / (PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// Digamma psi(x) for x > 0: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 8, then the
/// asymptotic series.
pub fn digamma(mut x: f64) -> f64 {
    let mut acc = 0.0;
    while x < 8.0 {
        acc -= 1.0 / x;
        x += 1.0;
    }
    let r = 1.0 / (x * x);
    let tail = r
        * (1.0 / 12.0
            - r * (1.0 / 120.0
                - r * (1.0 / 252.0
                    - r * (1.0 / 240.0 - r * (1.0 / 132.0 - r * (691.0 / 32760.0 - r / 12.0))))));
    acc + x.ln() - 0.5 / x - tail
}

/// Trigamma psi'(x) for x > 0: the recurrence psi'(x) = psi'(x + 1) + 1/x^2 up to x >= 8, then
/// the asymptotic series.
pub fn trigamma(mut x: f64) -> f64 {
    let mut acc = 0.0;
    while x < 8.0 {
        acc += 1.0 / (x * x);
        x += 1.0;
    }
    let r = 1.0 / (x * x);
    let series = 1.0 / x
        + r / 2.0
        + r / x
            * (1.0 / 6.0
                - r * (1.0 / 30.0
                    - r * (1.0 / 42.0
                        - r * (1.0 / 30.0
                            - r * (5.0 / 66.0 - r * (691.0 / 2730.0 - r * 7.0 / 6.0))))));
    acc + series
}

/// The regularised incomplete gamma functions (P(a, x), Q(a, x)) = (lower, upper) / Gamma(a),
/// for a > 0, x >= 0: the series for P when x < a + 1, else the continued fraction for Q
/// (modified Lentz), each to machine precision. Both are returned so a tail keeps its digits.
pub fn gamma_pq(a: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if x.is_infinite() {
        return (1.0, 0.0);
    }
    let front = (-x + a * x.ln() - ln_gamma(a)).exp();
    if x < a + 1.0 {
        let mut ap = a;
        let mut del = 1.0 / a;
        let mut sum = del;
        for _ in 0..100_000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        let p = (sum * front).min(1.0);
        (p, 1.0 - p)
    } else {
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..100_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        let q = (front * h).min(1.0);
        (1.0 - q, q)
    }
}

/// The standard normal CDF Phi(z), accurate in both tails.
pub fn norm_cdf(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    let (p, q) = gamma_pq(0.5, z * z / 2.0);
    if z < 0.0 { 0.5 * q } else { 0.5 + 0.5 * p }
}

#[cfg(test)]
mod tests {
    use super::*;
    use statrs::function::gamma as sg;

    #[test]
    fn special_functions_match_statrs() {
        for x in [1e-3, 0.1, 0.5, 1.0, 2.5, 7.9, 8.0, 30.0, 1e3, 1e6] {
            let close = |a: f64, b: f64, tol: f64| (a - b).abs() <= tol * (1.0 + b.abs());
            assert!(close(ln_gamma(x), sg::ln_gamma(x), 1e-13), "ln_gamma {x}");
            assert!(close(digamma(x), sg::digamma(x), 1e-12), "digamma {x}");
            // trigamma against the numerical derivative of digamma.
            let h = 1e-5 * x;
            let num = (sg::digamma(x + h) - sg::digamma(x - h)) / (2.0 * h);
            assert!((trigamma(x) / num - 1.0).abs() < 1e-6, "trigamma {x}");
        }
        assert!((trigamma(1.0) - std::f64::consts::PI.powi(2) / 6.0).abs() < 1e-14);
        for (a, x) in [
            (0.5, 0.1),
            (0.5, 9.0),
            (2.0, 1.0),
            (3.5, 10.0),
            (50.0, 45.0),
            (1e3, 1e3),
        ] {
            let (p, q) = gamma_pq(a, x);
            assert!((p - sg::gamma_lr(a, x)).abs() < 1e-12, "P({a}, {x}) = {p}");
            assert!((q - sg::gamma_ur(a, x)).abs() < 1e-12, "Q({a}, {x}) = {q}");
        }
    }

    #[test]
    fn norm_cdf_has_its_known_values_in_both_tails() {
        assert!((norm_cdf(0.0) - 0.5).abs() < 1e-15);
        assert!((norm_cdf(1.959_963_984_540_054) - 0.975).abs() < 1e-14);
        assert!((norm_cdf(-1.959_963_984_540_054) - 0.025).abs() < 1e-15);
        // Phi(-10) = 7.619853024160527e-24: relative accuracy in the far tail.
        assert!((norm_cdf(-10.0) / 7.619_853_024_160_527e-24 - 1.0).abs() < 1e-12);
    }
}
