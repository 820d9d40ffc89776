//! Tests of the candidate fits: closed forms and hand-computable cases, recovery of known
//! parameters from samples drawn with rand_distr (fixed seeds, tolerances of 4 standard
//! errors), BIC's choice of K, a wrong family's KS distance, and bootstrap coverage.

use rand::SeedableRng;
use rand_distr::Distribution;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::models::*;
use super::special::trigamma;

fn draw<D: Distribution<f64>>(d: D, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..n).map(|_| d.sample(&mut rng)).collect()
}

fn lognormal(mu: f64, sigma: f64, n: usize, seed: u64) -> Vec<f64> {
    draw(rand_distr::LogNormal::new(mu, sigma).unwrap(), n, seed)
}

/// n draws from a lognormal mixture of (weight, mu, sigma).
fn mixture(parts: &[(f64, f64, f64)], n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let z = rand_distr::StandardNormal;
    (0..n)
        .map(|_| {
            let u: f64 = rand::RngExt::random(&mut rng);
            let mut acc = 0.0;
            let &(_, mu, s) = parts
                .iter()
                .find(|p| {
                    acc += p.0;
                    u < acc
                })
                .unwrap_or(parts.last().unwrap());
            let e: f64 = z.sample(&mut rng);
            (mu + s * e).exp()
        })
        .collect()
}

fn within(what: &str, got: f64, want: f64, se: f64) {
    assert!(
        (got - want).abs() <= 4.0 * se,
        "{what}: {got}, expected {want} within 4 se ({se})"
    );
}

fn param(f: &Fitted, name: &str) -> f64 {
    f.model
        .params()
        .into_iter()
        .find(|p| p.0 == name)
        .unwrap()
        .1
}

#[test]
fn lognormal_mle_is_the_mean_and_population_sd_of_ln_x_with_the_jacobian_in_its_likelihood() {
    let e = std::f64::consts::E;
    let f = fit_lognormal(&[e * e, 1.0, e]).unwrap();
    assert!((param(&f, "mu") - 1.0).abs() < 1e-15);
    assert!((param(&f, "sigma") - (2.0_f64 / 3.0).sqrt()).abs() < 1e-15);
    // ln L = sum of -ln x - ln sigma - ln(2 pi)/2 - z^2/2, and z^2 sums to n = 3.
    let ll =
        -3.0 - 3.0 * (2.0_f64 / 3.0).sqrt().ln() - 1.5 * (2.0 * std::f64::consts::PI).ln() - 1.5;
    assert!((f.log_lik - ll).abs() < 1e-12, "{} vs {ll}", f.log_lik);
    assert!((f.bic - (2.0 * 3.0_f64.ln() - 2.0 * ll)).abs() < 1e-12);
    assert_eq!(
        (f.n, f.model.n_params(), f.model.name()),
        (3, 2, "lognormal".to_string())
    );
}

#[test]
fn ks_and_ad_of_hand_computable_samples() {
    let m = Model::LogNormal {
        mu: 0.0,
        sigma: 1.0,
    };
    // One observation at the median: the step from 0 to 1 is 1/2 away on both sides.
    assert!((ks_distance(&m, &[1.0]) - 0.5).abs() < 1e-15);
    assert!((anderson_darling(&m, &[1.0]) - (2.0 * 2.0_f64.ln() - 1.0)).abs() < 1e-14);
    // Observations at the (i - 1/2)/n quantiles, in any order: the distance is 1/(2n).
    let mut x: Vec<f64> = (0..10)
        .map(|i| m.quantile((i as f64 + 0.5) / 10.0))
        .collect();
    x.reverse();
    assert!((ks_distance(&m, &x) - 0.05).abs() < 1e-12);
    // Outside a Pareto's support: large but finite.
    let p = Model::Pareto {
        alpha: 2.0,
        xmin: 5.0,
    };
    assert!(anderson_darling(&p, &[1.0, 6.0]).is_finite());
    assert_eq!(ks_distance(&p, &[1.0, 2.0]), 1.0);
}

#[test]
fn quantile_inverts_cdf_and_means_have_their_closed_forms() {
    let c = |weight, mu, sigma| Component { weight, mu, sigma };
    let models = [
        Model::LogNormal {
            mu: 2.0,
            sigma: 1.5,
        },
        Model::Gamma {
            shape: 0.3,
            scale: 50.0,
        },
        Model::Gamma {
            shape: 40.0,
            scale: 0.1,
        },
        Model::Weibull {
            shape: 0.7,
            scale: 3.0,
        },
        Model::Pareto {
            alpha: 1.5,
            xmin: 10.0,
        },
        Model::Mixture(vec![c(0.3, 0.0, 0.5), c(0.7, 5.0, 1.0)]),
    ];
    for m in &models {
        for p in [1e-9, 0.01, 0.3, 0.5, 0.9, 0.999, 1.0 - 1e-9] {
            let x = m.quantile(p);
            assert!(
                (m.cdf(x) - p).abs() < 1e-12 * (1.0 + 1.0 / (1.0 - p)),
                "{m:?} at {p}: {x}"
            );
        }
    }
    assert!((models[1].mean().unwrap() - 15.0).abs() < 1e-12);
    let w = Model::Weibull {
        shape: 1.0,
        scale: 3.0,
    }; // exponential
    assert!((w.mean().unwrap() - 3.0).abs() < 1e-12);
    assert!((models[4].mean().unwrap() - 30.0).abs() < 1e-12);
    let mix = 0.3 * 0.125_f64.exp() + 0.7 * 5.5_f64.exp();
    assert!((models[5].mean().unwrap() / mix - 1.0).abs() < 1e-14);
    let heavy = Model::Pareto {
        alpha: 1.0,
        xmin: 1.0,
    };
    assert_eq!((heavy.mean(), heavy.top_share(0.1)), (None, None));
}

/// The top-q share by integrating the quantile function over [1 - q, 1] (p = 1 - q e^-u,
/// Simpson's rule on u up to where q e^-u is 1e-15), over the mean.
fn top_share_numeric(m: &Model, q: f64) -> f64 {
    let top = (q * 1e15).ln();
    let steps = 800;
    let h = top / steps as f64;
    let f = |u: f64| m.quantile(1.0 - q * (-u).exp()) * q * (-u).exp();
    let inner: f64 = (1..steps)
        .map(|i| if i % 2 == 1 { 4.0 } else { 2.0 } * f(i as f64 * h))
        .sum();
    (f(0.0) + inner + f(top)) * h / 3.0 / m.mean().unwrap()
}

#[test]
fn top_shares_match_the_integral_of_the_quantile_function_and_the_closed_forms() {
    let c = |weight, mu, sigma| Component { weight, mu, sigma };
    let models = [
        Model::LogNormal {
            mu: 1.0,
            sigma: 1.2,
        },
        Model::Gamma {
            shape: 0.5,
            scale: 4.0,
        },
        Model::Weibull {
            shape: 0.8,
            scale: 2.0,
        },
        Model::Pareto {
            alpha: 3.0,
            xmin: 2.0,
        },
        Model::Mixture(vec![c(0.6, 0.0, 0.7), c(0.4, 3.0, 0.9)]),
    ];
    for m in &models {
        for q in [0.01, 0.1, 0.5] {
            let s = m.top_share(q).unwrap();
            let num = top_share_numeric(m, q);
            assert!((s / num - 1.0).abs() < 1e-6, "{m:?} q {q}: {s} vs {num}");
        }
    }
    let p = Model::Pareto {
        alpha: 3.0,
        xmin: 2.0,
    };
    assert!((top_share_numeric(&p, 0.1) / 0.1_f64.powf(2.0 / 3.0) - 1.0).abs() < 1e-6);
    // Lognormal: 1 - Phi(Phi^-1(0.9) - sigma) with Phi^-1(0.9) = 1.2815515655446004.
    let ln = super::special::norm_cdf(1.2 - 1.281_551_565_544_600_4);
    assert!((models[0].top_share(0.1).unwrap() - ln).abs() < 1e-12);
}

#[test]
fn lognormal_gamma_and_weibull_recover_their_parameters() {
    let n = 4000;
    let x = lognormal(1.0, 0.8, n, 1);
    let f = fit_lognormal(&x).unwrap();
    let rn = (n as f64).sqrt();
    within("lognormal mu", param(&f, "mu"), 1.0, 0.8 / rn);
    within(
        "lognormal sigma",
        param(&f, "sigma"),
        0.8,
        0.8 / (2.0 * n as f64).sqrt(),
    );

    let (k, theta) = (2.5, 3.0);
    let x = draw(rand_distr::Gamma::new(k, theta).unwrap(), n, 2);
    let f = fit_gamma(&x).unwrap();
    // Fisher information: var k^ = k / (n (k psi'(k) - 1)); the MLE's mean equals the sample's.
    let se_k = (k / (n as f64 * (k * trigamma(k) - 1.0))).sqrt();
    within("gamma shape", param(&f, "shape"), k, se_k);
    let mean = x.iter().sum::<f64>() / n as f64;
    assert!((f.model.mean().unwrap() / mean - 1.0).abs() < 1e-12);

    let (k, lambda) = (1.5, 10.0);
    let x = draw(rand_distr::Weibull::new(lambda, k).unwrap(), n, 3);
    let f = fit_weibull(&x).unwrap();
    // Asymptotic variances: k^2 6/pi^2 / n and lambda^2 1.109 / (k^2 n).
    within("weibull shape", param(&f, "shape"), k, k * 0.7797 / rn);
    within(
        "weibull scale",
        param(&f, "scale"),
        lambda,
        lambda * 1.0531 / (k * rn),
    );
    // The MLE equations hold at the fit: sum x^k ln x / sum x^k - 1/k = mean ln x.
    let (ks, ls) = (param(&f, "shape"), param(&f, "scale"));
    let sxk: f64 = x.iter().map(|v| (v / ls).powf(ks)).sum();
    assert!((sxk / n as f64 - 1.0).abs() < 1e-9, "scale equation: {sxk}");
}

#[test]
fn a_pure_pareto_sample_recovers_alpha_and_xmin() {
    let (alpha, xmin) = (1.5, 100.0);
    let x = draw(rand_distr::Pareto::new(xmin, alpha).unwrap(), 5000, 4);
    let f = fit_pareto(&x).unwrap();
    let (a, m) = (param(&f, "alpha"), param(&f, "xmin"));
    assert!((m / xmin - 1.0).abs() < 0.05, "xmin {m}");
    within("pareto alpha", a, alpha, alpha / (f.n as f64).sqrt());
    assert_eq!(f.n, x.iter().filter(|v| **v >= m).count());
    assert_eq!(f.model.name(), "pareto");
    // AD leaves out the observation at xmin (F = 0 there): a right tail gives a small A^2.
    assert!(f.ad < 4.0, "AD {}", f.ad);
    // Below the tail, a lognormal body: xmin is found near where the tail starts.
    let mut y = lognormal(0.0, 0.5, 3000, 5);
    y.retain(|v| *v < 3.0);
    y.extend(x.iter().map(|v| v * 3.0 / xmin));
    let f = fit_pareto(&y).unwrap();
    assert!((param(&f, "xmin") / 3.0 - 1.0).abs() < 0.1, "{:?}", f.model);
    within(
        "pareto alpha above a body",
        param(&f, "alpha"),
        alpha,
        alpha / (f.n as f64).sqrt(),
    );
}

#[test]
fn bic_picks_the_true_number_of_components_on_well_separated_mixtures() {
    let truths: [&[(f64, f64, f64)]; 3] = [
        &[(1.0, 2.0, 0.6)],
        &[(0.4, 0.0, 0.5), (0.6, 4.0, 0.6)],
        &[(0.3, 0.0, 0.5), (0.4, 4.0, 0.5), (0.3, 8.0, 0.6)],
    ];
    for (i, parts) in truths.iter().enumerate() {
        let x = mixture(parts, 400, 10 + i as u64);
        let best = (1..=4)
            .filter_map(|k| fit_mixture(&x, k, 7))
            .min_by(|a, b| a.bic.total_cmp(&b.bic))
            .unwrap();
        assert_eq!(best.model.name(), format!("mixture-{}", parts.len()));
        let Model::Mixture(cs) = &best.model else {
            unreachable!()
        };
        for (c, p) in cs.iter().zip(parts.iter()) {
            within("component mu", c.mu, p.1, p.2 / (400.0 * p.0).sqrt());
            within(
                "weight",
                c.weight,
                p.0,
                (p.0 * (1.0 - p.0) / 400.0).sqrt().max(1e-9),
            );
        }
    }
}

#[test]
fn fit_candidates_ranks_by_bic_with_the_pareto_last_and_no_mixture_of_one() {
    let x = mixture(&[(0.5, 0.0, 0.5), (0.5, 5.0, 0.5)], 100, 20);
    let c = fit_candidates(&x, 1);
    let names: Vec<String> = c.iter().map(|f| f.model.name()).collect();
    assert_eq!(names.len(), 6, "{names:?}"); // lognormal, gamma, weibull, mixture-2, -3, pareto
    assert!(!names.contains(&"mixture-1".to_string()) && names[5] == "pareto");
    assert!(c[..5].windows(2).all(|w| w[0].bic <= w[1].bic));
    assert_eq!(names[0], "mixture-2");
    assert!(c[5].n < 100 && c[5].n >= 10);
    assert_eq!(fit_candidates(&x, 1), c, "deterministic for a seed");
    // A mixture with too few observations is skipped: 10 (3K - 1) are needed.
    assert!(fit_mixture(&x[..79], 3, 1).is_none() && fit_mixture(&x[..80], 3, 1).is_some());
}

#[test]
fn bad_samples_fit_nothing() {
    for x in [
        vec![],
        vec![1.0],
        vec![2.0; 50],
        vec![1.0, 0.0, 3.0],
        vec![1.0, f64::NAN],
    ] {
        assert!(
            fit_lognormal(&x).is_none() && fit_gamma(&x).is_none(),
            "{x:?}"
        );
        assert!(
            fit_weibull(&x).is_none() && fit_pareto(&x).is_none(),
            "{x:?}"
        );
        assert!(
            fit_mixture(&x, 1, 0).is_none() && fit_candidates(&x, 0).is_empty(),
            "{x:?}"
        );
    }
    assert!(fit_mixture(&[1.0, 2.0, 3.0], 0, 0).is_none());
}

#[test]
fn ks_tells_a_lognormal_sample_from_a_pareto_one() {
    let n = 2000;
    // 1.63 / sqrt(n) is KS's 1% critical value with known parameters; estimated ones only
    // make a right family's distance smaller.
    let crit = 1.63 / (n as f64).sqrt();
    let right = fit_lognormal(&lognormal(0.0, 1.0, n, 30)).unwrap();
    assert!(right.ks < crit, "{}", right.ks);
    let x = draw(rand_distr::Pareto::new(1.0, 1.2).unwrap(), n, 31);
    let wrong = fit_lognormal(&x).unwrap();
    assert!(wrong.ks > 2.0 * crit, "{}", wrong.ks);
    assert!(
        wrong.ad > 10.0 * right.ad.max(0.1),
        "{} vs {}",
        wrong.ad,
        right.ad
    );
}

#[test]
fn responsibilities_are_posterior_probabilities() {
    let c = |weight, mu| Component {
        weight,
        mu,
        sigma: 1.0,
    };
    let cs = [c(0.5, 0.0), c(0.5, 2.0)];
    let r = responsibilities(&cs, 1.0_f64.exp()); // ln x = 1, halfway
    assert!((r[0] - 0.5).abs() < 1e-15 && (r[1] - 0.5).abs() < 1e-15);
    let r = responsibilities(&cs, 1.0); // ln x = 0: odds e^(-0) / e^(-2)
    assert!((r[0] / r[1] - 2.0_f64.exp()).abs() < 1e-12);
    assert_eq!(
        responsibilities(&[c(1.0, 0.0), c(3.0, 1.0)], 0.0),
        vec![0.25, 0.75]
    );
}

/// Lognormal parameters from the moments of ln x (what fit_lognormal gives, tested above).
fn quick_lognormal(x: &[f64]) -> Option<Model> {
    let n = x.len() as f64;
    let mu = x.iter().map(|v| v.ln()).sum::<f64>() / n;
    let sigma = (x.iter().map(|v| (v.ln() - mu).powi(2)).sum::<f64>() / n).sqrt();
    Some(Model::LogNormal { mu, sigma })
}

#[test]
fn bootstrap_90_percent_intervals_of_mu_cover_the_truth_about_90_percent_of_the_time() {
    let seeds = 100;
    let mut covered = 0;
    for s in 0..seeds {
        let x = lognormal(1.0, 1.0, 200, 100 + s);
        let iv = bootstrap(&x, 200, s, &quick_lognormal);
        assert_eq!(iv[0].name, "mu");
        assert!(iv[0].lo <= iv[0].estimate && iv[0].estimate <= iv[0].hi);
        covered += usize::from(iv[0].lo <= 1.0 && 1.0 <= iv[0].hi);
    }
    // Binomial se at 90% of 100 is 3 points: [80, 97] is about -3.3 to +2.3 se.
    assert!((80..=97).contains(&covered), "covered {covered} of {seeds}");
}

#[test]
fn bootstrap_is_deterministic_and_counts_failed_resamples() {
    let x = lognormal(0.0, 1.0, 50, 40);
    let a = bootstrap_counted(&x, 100, 9, &quick_lognormal);
    assert_eq!(a, bootstrap_counted(&x, 100, 9, &quick_lognormal));
    assert_ne!(a, bootstrap_counted(&x, 100, 10, &quick_lognormal));
    assert_eq!((a.failed, a.intervals.len()), (0, 2));
    // Fails on resamples whose smallest value is not the sample's smallest.
    let min = x.iter().copied().fold(f64::INFINITY, f64::min);
    let picky = |s: &[f64]| s.contains(&min).then(|| quick_lognormal(s)).flatten();
    let b = bootstrap_counted(&x, 100, 9, &picky);
    // P(min drawn in 50 draws) = 1 - (49/50)^50 = 0.636: about 36 failures of 100, se 4.8.
    within("failures", b.failed as f64, 36.4, 4.8);
    assert_eq!(
        bootstrap_counted(&x, 10, 9, &|_: &[f64]| None).intervals,
        vec![]
    );
    let refuse_all = |s: &[f64]| {
        (s.len() == 50 && s == x.as_slice())
            .then(|| quick_lognormal(s))
            .flatten()
    };
    let c = bootstrap_counted(&x, 10, 9, &refuse_all);
    assert_eq!((c.failed, c.intervals.len()), (10, 0));
}
