//! Every distribution and parametrisation, parsed from TOML and sampled, against closed-form
//! quantiles and means. Tolerances are 4.5 standard errors: for a quantile q_p the empirical
//! CDF at q_p has standard error sqrt(p (1 - p) / n); for a mean, sd / sqrt(n).

use plansim::config::parse_distribution;
use plansim::dist::Sampler;
use plansim::model::PerUser;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use statrs::distribution::{
    Beta, ContinuousCDF, Exp, Gamma, LogNormal, Normal, Pareto, Triangular, Uniform, Weibull,
};

const N: usize = 200_000;
const Z: f64 = 4.5;

fn sampler(text: &str) -> Sampler {
    let (spec, slots) = parse_distribution(&format!("x = {text}")).expect("valid distribution");
    assert!(slots.is_empty(), "fixed parameters only");
    match spec {
        PerUser::Dist(d) => d.resolve(&[]).expect("resolves"),
        PerUser::Fixed(v) => Sampler::constant(v),
    }
}

fn draws(text: &str, seed: u64) -> Vec<f64> {
    let s = sampler(text);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..N).map(|_| s.sample(&mut rng)).collect()
}

/// Empirical CDF at `x` must be within Z standard errors of `p`.
fn assert_cdf(x: &[f64], at: f64, p: f64, what: &str) {
    let f = x.iter().filter(|v| **v <= at).count() as f64 / x.len() as f64;
    let se = (p * (1.0 - p) / x.len() as f64).sqrt();
    assert!(
        (f - p).abs() <= Z * se,
        "{what}: empirical CDF at {at} is {f}, expected {p} (se {se})"
    );
}

fn assert_mean(x: &[f64], mean: f64, sd: f64, what: &str) {
    let m = x.iter().sum::<f64>() / x.len() as f64;
    let se = sd / (x.len() as f64).sqrt();
    assert!(
        (m - mean).abs() <= Z * se,
        "{what}: sample mean {m}, expected {mean} (se {se})"
    );
}

/// Checks quantiles at several levels and the mean against a statrs distribution.
fn check<D: ContinuousCDF<f64, f64>>(text: &str, d: &D, mean: f64, sd: f64) {
    let x = draws(text, 7);
    for p in [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99] {
        assert_cdf(&x, d.inverse_cdf(p), p, text);
    }
    assert_mean(&x, mean, sd, text);
}

#[test]
fn uniform() {
    let d = Uniform::new(2.0, 5.0).unwrap();
    check(
        r#"{ dist = "uniform", min = 2, max = 5 }"#,
        &d,
        3.5,
        3.0 / 12f64.sqrt(),
    );
}

#[test]
fn normal() {
    let d = Normal::new(-3.0, 2.0).unwrap();
    check(r#"{ dist = "normal", mean = -3, sd = 2 }"#, &d, -3.0, 2.0);
}

fn lognormal_moments(mu: f64, s: f64) -> (f64, f64) {
    let mean = (mu + s * s / 2.0).exp();
    (mean, mean * ((s * s).exp() - 1.0).sqrt())
}

#[test]
fn lognormal_mu_sigma() {
    let (mu, s) = (1.0, 0.5);
    let (m, sd) = lognormal_moments(mu, s);
    check(
        r#"{ dist = "lognormal", mu = 1, sigma = 0.5 }"#,
        &LogNormal::new(mu, s).unwrap(),
        m,
        sd,
    );
}

#[test]
fn lognormal_median_sigma() {
    let (mu, s) = (1000f64.ln(), 0.8);
    let (m, sd) = lognormal_moments(mu, s);
    check(
        r#"{ dist = "lognormal", median = 1000, sigma = 0.8 }"#,
        &LogNormal::new(mu, s).unwrap(),
        m,
        sd,
    );
}

#[test]
fn lognormal_mean_sd() {
    // mean 100, sd 50: sigma^2 = ln(1.25), mu = ln(100) - sigma^2 / 2
    let s2 = 1.25f64.ln();
    check(
        r#"{ dist = "lognormal", mean = 100, sd = 50 }"#,
        &LogNormal::new(100f64.ln() - s2 / 2.0, s2.sqrt()).unwrap(),
        100.0,
        50.0,
    );
}

#[test]
fn lognormal_from_two_percentiles() {
    // Every pair shape: median with p99, and two off-median percentiles.
    for (text, (k1, p1, v1), (k2, p2, v2)) in [
        (
            r#"{ dist = "lognormal", median = 250_000, p99 = 2_000_000 }"#,
            ("median", 0.5, 250_000.0),
            ("p99", 0.99, 2_000_000.0),
        ),
        (
            r#"{ dist = "lognormal", p10 = 5, p90 = 80 }"#,
            ("p10", 0.10, 5.0),
            ("p90", 0.90, 80.0),
        ),
        (
            r#"{ dist = "lognormal", p25 = 2, p75 = 3 }"#,
            ("p25", 0.25, 2.0),
            ("p75", 0.75, 3.0),
        ),
        (
            r#"{ dist = "lognormal", p01 = 1, p95 = 50 }"#,
            ("p01", 0.01, 1.0),
            ("p95", 0.95, 50.0),
        ),
        (
            r#"{ dist = "lognormal", p05 = 3, median = 9 }"#,
            ("p05", 0.05, 3.0),
            ("median", 0.5, 9.0),
        ),
    ] {
        let x = draws(text, 11);
        assert_cdf(&x, v1, p1, &format!("{text} at {k1}"));
        assert_cdf(&x, v2, p2, &format!("{text} at {k2}"));
        // And the implied distribution's other quantiles.
        let z1 = statrs::function::erf::erfc_inv(2.0 * p1) * -std::f64::consts::SQRT_2;
        let z2 = statrs::function::erf::erfc_inv(2.0 * p2) * -std::f64::consts::SQRT_2;
        let sigma = (v2.ln() - v1.ln()) / (z2 - z1);
        let mu = v1.ln() - z1 * sigma;
        let d = LogNormal::new(mu, sigma).unwrap();
        for p in [0.2, 0.6, 0.95] {
            assert_cdf(&x, d.inverse_cdf(p), p, text);
        }
    }
}

#[test]
fn pareto() {
    // alpha 3: finite variance. mean = alpha xm / (alpha - 1), var = xm^2 alpha / ((a-1)^2 (a-2))
    let (xm, a): (f64, f64) = (2.0, 3.0);
    let sd = (xm * xm * a / ((a - 1.0).powi(2) * (a - 2.0))).sqrt();
    check(
        r#"{ dist = "pareto", min = 2, alpha = 3 }"#,
        &Pareto::new(xm, a).unwrap(),
        a * xm / (a - 1.0),
        sd,
    );
}

#[test]
fn gamma_shape_scale_and_moments() {
    // shape 2, scale 3: mean 6, sd sqrt(18)
    check(
        r#"{ dist = "gamma", shape = 2, scale = 3 }"#,
        &Gamma::new(2.0, 1.0 / 3.0).unwrap(),
        6.0,
        18f64.sqrt(),
    );
    // mean 6, sd sqrt(18) is the same distribution
    check(
        r#"{ dist = "gamma", mean = 6, sd = 4.242640687119285 }"#,
        &Gamma::new(2.0, 1.0 / 3.0).unwrap(),
        6.0,
        18f64.sqrt(),
    );
    // small shape (< 1) takes another sampling path
    check(
        r#"{ dist = "gamma", shape = 0.5, scale = 2 }"#,
        &Gamma::new(0.5, 0.5).unwrap(),
        1.0,
        2f64.sqrt(),
    );
}

#[test]
fn weibull() {
    let (k, l): (f64, f64) = (1.5, 10.0);
    let g1 = plansim::dist::gamma_fn(1.0 + 1.0 / k);
    let g2 = plansim::dist::gamma_fn(1.0 + 2.0 / k);
    check(
        r#"{ dist = "weibull", shape = 1.5, scale = 10 }"#,
        &Weibull::new(k, l).unwrap(),
        l * g1,
        l * (g2 - g1 * g1).sqrt(),
    );
}

#[test]
fn exponential() {
    check(
        r#"{ dist = "exponential", mean = 4 }"#,
        &Exp::new(0.25).unwrap(),
        4.0,
        4.0,
    );
}

#[test]
fn beta() {
    let (a, b): (f64, f64) = (2.0, 5.0);
    let var = a * b / ((a + b).powi(2) * (a + b + 1.0));
    check(
        r#"{ dist = "beta", alpha = 2, beta = 5 }"#,
        &Beta::new(a, b).unwrap(),
        a / (a + b),
        var.sqrt(),
    );
}

#[test]
fn triangular() {
    let (a, c, b): (f64, f64, f64) = (1.0, 2.0, 6.0);
    let var = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
    check(
        r#"{ dist = "triangular", min = 1, mode = 2, max = 6 }"#,
        &Triangular::new(a, b, c).unwrap(),
        (a + b + c) / 3.0,
        var.sqrt(),
    );
}

#[test]
fn pert() {
    // PERT(min, mode, max) = min + (max - min) Beta(1 + 4 (mode-min)/(max-min), 1 + 4 (max-mode)/(max-min))
    let (a, c, b): (f64, f64, f64) = (0.0, 3.0, 10.0);
    let (al, be) = (1.0 + 4.0 * (c - a) / (b - a), 1.0 + 4.0 * (b - c) / (b - a));
    let beta = Beta::new(al, be).unwrap();
    let x = draws(r#"{ dist = "pert", min = 0, mode = 3, max = 10 }"#, 5);
    for p in [0.05, 0.25, 0.5, 0.75, 0.95] {
        assert_cdf(&x, a + (b - a) * beta.inverse_cdf(p), p, "pert");
    }
    let var = al * be / ((al + be).powi(2) * (al + be + 1.0)) * (b - a) * (b - a);
    assert_mean(&x, (a + 4.0 * c + b) / 6.0, var.sqrt(), "pert");
}

#[test]
fn mixture() {
    let text = r#"{ dist = "mixture", components = [
        { weight = 0.7, dist = "normal", mean = 0, sd = 1 },
        { weight = 0.3, dist = "uniform", min = 10, max = 20 } ] }"#;
    let x = draws(text, 3);
    let n = Normal::new(0.0, 1.0).unwrap();
    let u = Uniform::new(10.0, 20.0).unwrap();
    for at in [-1.0, 0.0, 1.5, 12.0, 17.5] {
        let p = 0.7 * n.cdf(at) + 0.3 * u.cdf(at);
        assert_cdf(&x, at, p, "mixture");
    }
    // mean 0.7*0 + 0.3*15 = 4.5; E[X^2] = 0.7*1 + 0.3*(225 + 100/12)
    let ex2 = 0.7 + 0.3 * (225.0 + 100.0 / 12.0);
    assert_mean(&x, 4.5, (ex2 - 4.5f64 * 4.5).sqrt(), "mixture");
    // Weights need not sum to 1: 7 and 3 is the same mixture.
    let y = draws(&text.replace("0.7", "7").replace("0.3", "3"), 3);
    assert_eq!(x, y);
}

#[test]
fn floor_ceiling_then_zero() {
    let x = draws(
        r#"{ dist = "normal", mean = 0, sd = 1, floor = -1, ceiling = 1.5, zero = 0.25 }"#,
        9,
    );
    let n = Normal::new(0.0, 1.0).unwrap();
    let share =
        |pred: &dyn Fn(f64) -> bool| x.iter().filter(|v| pred(**v)).count() as f64 / N as f64;
    let tol = |p: f64| Z * (p * (1.0 - p) / N as f64).sqrt();
    // Clamping: mass at the floor and the ceiling, scaled by the 75% not zeroed.
    let p_floor = 0.75 * n.cdf(-1.0);
    let p_ceil = 0.75 * (1.0 - n.cdf(1.5));
    assert!((share(&|v| v == -1.0) - p_floor).abs() <= tol(p_floor));
    assert!((share(&|v| v == 1.5) - p_ceil).abs() <= tol(p_ceil));
    assert!((share(&|v| v == 0.0) - 0.25).abs() <= tol(0.25));
    assert!(x.iter().all(|v| (-1.0..=1.5).contains(v)));
}

#[test]
fn closed_forms_used_by_check_agree_with_statrs() {
    let s = sampler(r#"{ dist = "lognormal", median = 250_000, p99 = 2_000_000 }"#);
    let sigma = (2_000_000f64 / 250_000.0).ln() / 2.326_347_874_040_840_8;
    let d = LogNormal::new(250_000f64.ln(), sigma).unwrap();
    for p in [0.01, 0.5, 0.9, 0.99] {
        let q = s.closed_quantile(p).unwrap();
        assert!((q / d.inverse_cdf(p) - 1.0).abs() < 1e-9, "p = {p}");
    }
    let mean = s.closed_mean().unwrap();
    assert!((mean / (250_000f64.ln() + sigma * sigma / 2.0).exp() - 1.0).abs() < 1e-12);
    let p = sampler(r#"{ dist = "pareto", min = 1, alpha = 0.9 }"#);
    assert_eq!(p.closed_mean(), Some(f64::INFINITY));
}

#[test]
fn norm_inv_matches_statrs() {
    let n = Normal::new(0.0, 1.0).unwrap();
    for p in [1e-10, 1e-4, 0.01, 0.02425, 0.3, 0.5, 0.77, 0.975, 0.9999] {
        let a = plansim::dist::norm_inv(p);
        assert!((a - n.inverse_cdf(p)).abs() < 1e-9, "p = {p}: {a}");
    }
}

#[test]
fn drawn_parameters_are_slots_named_by_path() {
    let (spec, slots) = parse_distribution(
        r#"x = { dist = "lognormal", median = { dist = "uniform", min = 2e5, max = 3e5 }, sigma = 1 }"#,
    )
    .unwrap();
    assert!(matches!(spec, PerUser::Dist(_)));
    let names: Vec<&str> = slots.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(names, ["x.median"]);
}
