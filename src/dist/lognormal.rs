//! Lognormal: `dist = "lognormal"` with `{mu, sigma}`, `{median, sigma}`, `{mean, sd}` or two
//! percentiles.

use rand::Rng;
use rand_distr::Distribution;
use serde::Serialize;

use super::family::{Order, found};
use super::sampler::ClosedForm;
use super::{Family, Form, Param, Range, Shape, Support, norm_inv, require_positive};

/// Standard normal quantiles of the percentile keys a lognormal may be given by.
pub const PERCENTILE_KEYS: [(&str, f64, f64); 10] = [
    ("p01", 0.01, -2.326_347_874_040_840_8),
    ("p05", 0.05, -1.644_853_626_951_472_2),
    ("p10", 0.10, -1.281_551_565_544_600_4),
    ("p25", 0.25, -0.674_489_750_196_081_7),
    ("median", 0.50, 0.0),
    ("p50", 0.50, 0.0),
    ("p75", 0.75, 0.674_489_750_196_081_7),
    ("p90", 0.90, 1.281_551_565_544_600_4),
    ("p95", 0.95, 1.644_853_626_951_472_2),
    ("p99", 0.99, 2.326_347_874_040_840_8),
];

pub(super) const FAMILY: Family = Family {
    name: "lognormal",
    keys: &[
        "mu", "sigma", "median", "mean", "sd", "p01", "p05", "p10", "p25", "p50", "p75", "p90",
        "p95", "p99",
    ],
    form,
};

const USAGE: &str = "lognormal takes exactly one of {mu, sigma}, {median, sigma}, {mean, sd} \
                     or two percentiles among p01 p05 p10 p25 median (or p50) p75 p90 p95 p99";

fn form(present: &[&str]) -> Result<Form, String> {
    let has = |k: &str| present.contains(&k);
    if present.len() != 2 {
        return Err(found(USAGE, present));
    }
    if has("mu") && has("sigma") {
        return Ok(Form::new(
            &[("mu", Range::Any), ("sigma", Range::Positive)],
            |v| {
                lognormal(LogNormalSpec::MuSigma {
                    mu: v.at("mu"),
                    sigma: v.at("sigma"),
                })
            },
        ));
    }
    if has("median") && has("sigma") {
        return Ok(Form::new(
            &[("median", Range::Positive), ("sigma", Range::Positive)],
            |v| {
                lognormal(LogNormalSpec::MedianSigma {
                    median: v.at("median"),
                    sigma: v.at("sigma"),
                })
            },
        ));
    }
    if has("mean") && has("sd") {
        return Ok(Form::new(
            &[("mean", Range::Positive), ("sd", Range::Positive)],
            |v| {
                lognormal(LogNormalSpec::MeanSd {
                    mean: v.at("mean"),
                    sd: v.at("sd"),
                })
            },
        ));
    }
    let pcts: Vec<(&'static str, f64)> = PERCENTILE_KEYS
        .iter()
        .filter(|(k, _, _)| has(k))
        .map(|(k, _, z)| (*k, *z))
        .collect();
    if pcts.len() != 2 {
        return Err(found(USAGE, present));
    }
    if pcts[0].1 == pcts[1].1 {
        return Err("`median` and `p50` are the same percentile; give two different levels".into());
    }
    let (lo, hi) = (pcts[0].0, pcts[1].0);
    let mut form = Form::new(&[(lo, Range::Positive), (hi, Range::Positive)], |v| {
        let at = |i: usize| (z_of(v.params[i].0), v.params[i].1);
        lognormal(LogNormalSpec::Percentiles {
            low: at(0),
            high: at(1),
        })
    });
    form.order.push(Order {
        lo,
        hi,
        strict: true,
        context: Some("percentiles must increase with their level"),
    });
    Ok(form)
}

fn lognormal(spec: LogNormalSpec) -> Shape {
    Shape::Lognormal { spec }
}

/// The standard normal quantile of a percentile key.
fn z_of(key: &str) -> f64 {
    PERCENTILE_KEYS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, _, z)| *z)
        .expect("a percentile key")
}

/// How a lognormal is parametrised.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LogNormalSpec {
    /// `{mu, sigma}` of the underlying normal.
    MuSigma {
        /// Mean of ln X.
        mu: Param,
        /// Standard deviation of ln X.
        sigma: Param,
    },
    /// `{median, sigma}`.
    MedianSigma {
        /// Median of X.
        median: Param,
        /// Standard deviation of ln X.
        sigma: Param,
    },
    /// `{mean, sd}` of X itself.
    MeanSd {
        /// Mean of X.
        mean: Param,
        /// Standard deviation of X.
        sd: Param,
    },
    /// Two percentiles, lower level first: (standard normal quantile, value).
    Percentiles {
        /// Lower percentile: (z, value).
        low: (f64, Param),
        /// Upper percentile: (z, value).
        high: (f64, Param),
    },
}

impl LogNormalSpec {
    /// `(mu, sigma)` for concrete parameter values.
    pub fn mu_sigma(&self, d: &[f64]) -> (f64, f64) {
        match self {
            LogNormalSpec::MuSigma { mu, sigma } => (mu.value(d), sigma.value(d)),
            LogNormalSpec::MedianSigma { median, sigma } => (median.value(d).ln(), sigma.value(d)),
            LogNormalSpec::MeanSd { mean, sd } => {
                let (m, s) = (mean.value(d), sd.value(d));
                let s2 = (1.0 + (s / m) * (s / m)).ln();
                (m.ln() - s2 / 2.0, s2.sqrt())
            }
            LogNormalSpec::Percentiles { low, high } => {
                let (l1, l2) = (low.1.value(d).ln(), high.1.value(d).ln());
                let sigma = (l2 - l1) / (high.0 - low.0);
                (l1 - low.0 * sigma, sigma)
            }
        }
    }

    pub(super) fn is_fixed(&self) -> bool {
        match self {
            LogNormalSpec::MuSigma { mu: a, sigma: b }
            | LogNormalSpec::MedianSigma {
                median: a,
                sigma: b,
            }
            | LogNormalSpec::MeanSd { mean: a, sd: b } => a.is_fixed() && b.is_fixed(),
            LogNormalSpec::Percentiles { low, high } => low.1.is_fixed() && high.1.is_fixed(),
        }
    }
}

/// `(0, inf)`.
pub(super) fn support() -> Support {
    Support::positive()
}

/// A lognormal with concrete `mu` and `sigma`.
#[derive(Clone, Debug)]
pub(super) struct LogNormal {
    d: rand_distr::LogNormal<f64>,
    mu: f64,
    sigma: f64,
}

impl LogNormal {
    pub(super) fn new((mu, sigma): (f64, f64)) -> Result<Self, String> {
        if !mu.is_finite() || !sigma.is_finite() {
            return Err(format!(
                "lognormal parameters give mu = {mu}, sigma = {sigma}"
            ));
        }
        Ok(LogNormal {
            d: rand_distr::LogNormal::new(mu, require_positive("sigma", sigma)?)
                .map_err(|e| e.to_string())?,
            mu,
            sigma,
        })
    }
}

impl Distribution<f64> for LogNormal {
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.d.sample(rng)
    }
}

impl ClosedForm for LogNormal {
    fn mean(&self) -> Option<f64> {
        Some((self.mu + self.sigma * self.sigma / 2.0).exp())
    }
    fn quantile(&self, p: f64) -> Option<f64> {
        Some((self.mu + self.sigma * norm_inv(p)).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{assert_cdf, check, draws, sampler};
    use statrs::distribution::{ContinuousCDF, LogNormal};

    fn moments(mu: f64, s: f64) -> (f64, f64) {
        let mean = (mu + s * s / 2.0).exp();
        (mean, mean * ((s * s).exp() - 1.0).sqrt())
    }

    #[test]
    fn mu_sigma_draws_match_closed_form_quantiles_and_mean() {
        let (mu, s) = (1.0, 0.5);
        let (m, sd) = moments(mu, s);
        check(
            r#"{ dist = "lognormal", mu = 1, sigma = 0.5 }"#,
            &LogNormal::new(mu, s).unwrap(),
            m,
            sd,
        );
    }

    #[test]
    fn median_sigma_is_mu_ln_median_and_draws_match_closed_form() {
        let (mu, s) = (1000f64.ln(), 0.8);
        let (m, sd) = moments(mu, s);
        check(
            r#"{ dist = "lognormal", median = 1000, sigma = 0.8 }"#,
            &LogNormal::new(mu, s).unwrap(),
            m,
            sd,
        );
    }

    #[test]
    fn mean_sd_draws_have_that_mean_and_closed_form_quantiles() {
        // mean 100, sd 50: sigma^2 = ln(1.25), mu = ln(100) - sigma^2 / 2
        let s2 = 1.25f64.ln();
        check(
            r#"{ dist = "lognormal", mean = 100, sd = 50 }"#,
            &LogNormal::new(100f64.ln() - s2 / 2.0, s2.sqrt()).unwrap(),
            100.0,
            50.0,
        );
    }

    /// Draws from a lognormal given by two percentiles: the empirical CDF is right at both
    /// given levels and at other quantiles of the distribution they imply.
    fn check_two_percentiles(
        text: &str,
        (k1, p1, v1): (&str, f64, f64),
        (k2, p2, v2): (&str, f64, f64),
    ) {
        let x = draws(text, 11);
        assert_cdf(&x, v1, p1, &format!("{text} at {k1}"));
        assert_cdf(&x, v2, p2, &format!("{text} at {k2}"));
        let z1 = statrs::function::erf::erfc_inv(2.0 * p1) * -std::f64::consts::SQRT_2;
        let z2 = statrs::function::erf::erfc_inv(2.0 * p2) * -std::f64::consts::SQRT_2;
        let sigma = (v2.ln() - v1.ln()) / (z2 - z1);
        let mu = v1.ln() - z1 * sigma;
        let d = LogNormal::new(mu, sigma).unwrap();
        for p in [0.2, 0.6, 0.95] {
            assert_cdf(&x, d.inverse_cdf(p), p, text);
        }
    }

    #[test]
    fn median_and_p99_match_closed_form_cdf() {
        check_two_percentiles(
            r#"{ dist = "lognormal", median = 250_000, p99 = 2_000_000 }"#,
            ("median", 0.5, 250_000.0),
            ("p99", 0.99, 2_000_000.0),
        );
    }

    #[test]
    fn p10_and_p90_match_closed_form_cdf() {
        check_two_percentiles(
            r#"{ dist = "lognormal", p10 = 5, p90 = 80 }"#,
            ("p10", 0.10, 5.0),
            ("p90", 0.90, 80.0),
        );
    }

    #[test]
    fn p25_and_p75_match_closed_form_cdf() {
        check_two_percentiles(
            r#"{ dist = "lognormal", p25 = 2, p75 = 3 }"#,
            ("p25", 0.25, 2.0),
            ("p75", 0.75, 3.0),
        );
    }

    #[test]
    fn p01_and_p95_match_closed_form_cdf() {
        check_two_percentiles(
            r#"{ dist = "lognormal", p01 = 1, p95 = 50 }"#,
            ("p01", 0.01, 1.0),
            ("p95", 0.95, 50.0),
        );
    }

    #[test]
    fn p05_and_median_match_closed_form_cdf() {
        check_two_percentiles(
            r#"{ dist = "lognormal", p05 = 3, median = 9 }"#,
            ("p05", 0.05, 3.0),
            ("median", 0.5, 9.0),
        );
    }

    #[test]
    fn closed_quantile_and_mean_used_by_check_agree_with_statrs() {
        let s = sampler(r#"{ dist = "lognormal", median = 250_000, p99 = 2_000_000 }"#);
        let sigma = (2_000_000f64 / 250_000.0).ln() / 2.326_347_874_040_840_8;
        let d = LogNormal::new(250_000f64.ln(), sigma).unwrap();
        for p in [0.01, 0.5, 0.9, 0.99] {
            let q = s.closed_quantile(p).unwrap();
            assert!((q / d.inverse_cdf(p) - 1.0).abs() < 1e-9, "p = {p}");
        }
        let mean = s.closed_mean().unwrap();
        assert!((mean / (250_000f64.ln() + sigma * sigma / 2.0).exp() - 1.0).abs() < 1e-12);
    }
}
