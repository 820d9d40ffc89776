//! Helpers for the distribution tests: each distribution is read from TOML text as a scenario
//! gives it (so its [`Family`](super::Family) is exercised too), sampled, and compared with
//! closed-form quantiles and means. Tolerances are 4.5 standard errors: for a quantile q_p the
//! empirical CDF at q_p has standard error sqrt(p (1 - p) / n); for a mean, sd / sqrt(n).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use statrs::distribution::ContinuousCDF;

use super::Sampler;
use crate::config::parse_distribution;
use crate::model::PerUser;

/// Draws per test.
pub const N: usize = 200_000;
/// Tolerance in standard errors.
pub const Z: f64 = 4.5;

/// The sampler for a distribution table (or number) with fixed parameters.
pub fn sampler(text: &str) -> Sampler {
    let (spec, slots) = parse_distribution(&format!("x = {text}")).expect("valid distribution");
    assert!(slots.is_empty(), "fixed parameters only");
    match spec {
        PerUser::Dist(d) => d.resolve(&[]).expect("resolves"),
        PerUser::Fixed(v) => Sampler::constant(v),
    }
}

/// `N` draws from `text` with a generator seeded by `seed`.
pub fn draws(text: &str, seed: u64) -> Vec<f64> {
    let s = sampler(text);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..N).map(|_| s.sample(&mut rng)).collect()
}

/// Empirical CDF at `at` must be within Z standard errors of `p`.
pub fn assert_cdf(x: &[f64], at: f64, p: f64, what: &str) {
    let f = x.iter().filter(|v| **v <= at).count() as f64 / x.len() as f64;
    let se = (p * (1.0 - p) / x.len() as f64).sqrt();
    assert!(
        (f - p).abs() <= Z * se,
        "{what}: empirical CDF at {at} is {f}, expected {p} (se {se})"
    );
}

/// Sample mean must be within Z standard errors of `mean`.
pub fn assert_mean(x: &[f64], mean: f64, sd: f64, what: &str) {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    let se = sd / (x.len() as f64).sqrt();
    assert!(
        (m - mean).abs() <= Z * se,
        "{what}: sample mean {m}, expected {mean} (se {se})"
    );
}

/// Checks quantiles at several levels and the mean against a statrs distribution.
pub fn check<D: ContinuousCDF<f64, f64>>(text: &str, d: &D, mean: f64, sd: f64) {
    let x = draws(text, 7);
    for p in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99] {
        assert_cdf(&x, d.inverse_cdf(p), p, text);
    }
    assert_mean(&x, mean, sd, text);
}
