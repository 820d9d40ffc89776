//! Closed-form expected profit against the simulated mean, within 4 standard errors (the
//! standard error is the run's own profit_se over trials).
//!
//! Flat plans with a fair-use cap and hybrid plans with an allowance depend on the limited
//! expected value E[min(V, c)] of a user's monthly retail value V, which has a closed form for
//! lognormal and Pareto users. Caps and allowances are set so they bind for 20-80% of users.

use plansim::{PlanSummary, parse, run, summarize};
use statrs::distribution::{ContinuousCDF, Normal};

/// $ of retail value per output token ($10 per M, no prompt tokens).
const K_RETAIL: f64 = 10.0 / 1e6;
/// Serving cost / retail value ($1 per M output tokens).
const COST_SHARE: f64 = 0.1;

fn phi(x: f64) -> f64 {
    Normal::new(0.0, 1.0).unwrap().cdf(x)
}

/// E[min(V, c)] for ln V ~ N(mu, s).
fn lev_lognormal(mu: f64, s: f64, c: f64) -> f64 {
    (mu + s * s / 2.0).exp() * phi((c.ln() - mu - s * s) / s) + c * (1.0 - phi((c.ln() - mu) / s))
}

/// E[min(V, c)] for V ~ Pareto(xm, a), c >= xm, a != 1.
fn lev_pareto(xm: f64, a: f64, c: f64) -> f64 {
    a * xm / (a - 1.0) - xm.powf(a) * c.powf(1.0 - a) / (a - 1.0)
}

fn simulate(users_dist: &str, plans: &str, trials: u64, users: u64) -> Vec<PlanSummary> {
    let text = format!(
        r#"
name = "closed"
[simulation]
trials = {trials}
users = {users}
months = 1
seed = 2024
[retail]
input = 0
output = 10
[cost]
input = 0
output = 1
[[segment]]
name = "s"
share = 1
output_tokens = {users_dist}
{plans}
"#
    );
    let scn = parse(&text, "closed.toml").expect("valid");
    let res = run(&scn, &|_| {}).expect("runs");
    summarize(&scn, &res)
}

fn assert_close(s: &PlanSummary, expected_per_user: f64) {
    let expected = expected_per_user * s.users;
    let se = s.profit_se.expect("several trials");
    let z = (s.profit_mean - expected) / se;
    eprintln!(
        "{}: z = {z:.2}, se / expected = {:.2e}",
        s.plan,
        se / expected.abs()
    );
    assert!(
        z.abs() <= 4.0,
        "{}: mean profit {} vs closed form {expected} (se {se}, z = {z:.2})",
        s.plan,
        s.profit_mean
    );
    // The test is decisive: the standard error is small against the expected value.
    assert!(se < 0.01 * expected.abs(), "{}: se {se} too large", s.plan);
}

const LOGNORMAL_PLANS: &str = r#"
[[plan]]
name = "flat"
kind = "flat"
price = 30
cap = 26
[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 20
included = 15
overage_multiplier = 1.2
spend_cap = 24
"#;

#[test]
fn lognormal_users_on_a_capped_flat_plan_and_a_hybrid() {
    // D ~ lognormal(median 2M, sigma 1): V = D x $10/M has median $20.
    let (mu, s) = ((2e6 * K_RETAIL).ln(), 1.0);
    let out = simulate(
        r#"{ dist = "lognormal", median = 2_000_000, sigma = 1 }"#,
        LOGNORMAL_PLANS,
        400,
        2000,
    );
    // Flat: cap $26 binds for P(V > 26) = 1 - Phi(ln 1.3) = 40% of users.
    let binding = 1.0 - phi((26f64.ln() - mu) / s);
    assert!((0.2..=0.8).contains(&binding), "{binding}");
    assert_close(&out[0], 30.0 - COST_SHARE * lev_lognormal(mu, s, 26.0));
    // Hybrid: allowance $15 binds for P(V > 15) = 61%; the spend cap $24 of overage binds at
    // V = 15 + 24 / 1.2 = 35 (21% of users). Revenue = 20 + 1.2 (E[min(V,35)] - E[min(V,15)]),
    // served value E[min(V, 35)].
    let binding = 1.0 - phi((15f64.ln() - mu) / s);
    assert!((0.2..=0.8).contains(&binding), "{binding}");
    let served = lev_lognormal(mu, s, 35.0);
    let revenue = 20.0 + 1.2 * (served - lev_lognormal(mu, s, 15.0));
    assert_close(&out[1], revenue - COST_SHARE * served);
}

#[test]
fn pareto_users_on_a_capped_flat_plan_and_a_hybrid() {
    // D ~ Pareto(1M, 2.5): V >= $10, P(V > v) = (10 / v)^2.5, E[V] = 2.5 x 10 / 1.5.
    let (xm, a) = (10.0, 2.5);
    let plans = r#"
[[plan]]
name = "flat"
kind = "flat"
price = 20
cap = 15
[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 10
included = 14
overage_multiplier = 1.5
"#;
    let out = simulate(
        r#"{ dist = "pareto", min = 1_000_000, alpha = 2.5 }"#,
        plans,
        400,
        2000,
    );
    let binding = (xm / 15.0f64).powf(a);
    assert!((0.2..=0.8).contains(&binding), "{binding}");
    assert_close(&out[0], 20.0 - COST_SHARE * lev_pareto(xm, a, 15.0));
    let binding = (xm / 14.0f64).powf(a);
    assert!((0.2..=0.8).contains(&binding), "{binding}");
    let mean_v = a * xm / (a - 1.0);
    let revenue = 10.0 + 1.5 * (mean_v - lev_pareto(xm, a, 14.0));
    assert_close(&out[1], revenue - COST_SHARE * mean_v);
}

/// Pay as you go is linear in usage, so its expected profit over many months has a closed form
/// that exercises growth, mean-one monthly noise, churn, cost decline, fees and overhead.
#[test]
fn payg_over_twelve_months_with_churn_growth_noise_decline_and_fees() {
    let text = r#"
name = "payg12"
[simulation]
trials = 300
users = 2000
months = 12
seed = 77
[retail]
input = 4
cache_read = 0.4
output = 20
[cost]
input = 0.4
cache_read = 0.04
output = 2
annual_decline = 0.5
per_user_month = 0.25
payment_fee_rate = 0.03
payment_fee_fixed = 0.3
[[segment]]
name = "s"
share = 1
output_tokens = { dist = "lognormal", median = 500_000, sigma = 0.8 }
input_per_output = 30
cache_read_share = 0.9
monthly_volatility = 0.6
monthly_growth = 0.03
monthly_churn = 0.07
[[plan]]
name = "api"
kind = "payg"
usage_response = 0.8
"#;
    let scn = parse(text, "payg12.toml").unwrap();
    let res = run(&scn, &|_| {}).unwrap();
    let s = &summarize(&scn, &res)[0];
    let mean_d = (500_000f64.ln() + 0.32).exp();
    // $ per output token: 20 + 30 (0.1 x 4 + 0.9 x 0.4) = 42.8 per M at retail; cost is 10%.
    let k = 42.8 / 1e6;
    let mut per_user = 0.0;
    for m in 0..12 {
        let alive = 0.93f64.powi(m);
        let usage = mean_d * 1.03f64.powi(m) * 0.8;
        let revenue = usage * k;
        let cost = usage * 0.1 * k * 0.5f64.powf(m as f64 / 12.0);
        per_user += alive * (revenue - cost - 0.03 * revenue - 0.3 - 0.25);
    }
    assert_close(s, per_user);
    // arpu is revenue per active user-month: E[revenue] / E[active months].
    let months: f64 = (0..12).map(|m| 0.93f64.powi(m)).sum();
    let rev: f64 = (0..12)
        .map(|m| 0.93f64.powi(m) * mean_d * 1.03f64.powi(m) * 0.8 * k)
        .sum();
    let arpu = s.arpu.unwrap();
    assert!(
        (arpu / (rev / months) - 1.0).abs() < 0.02,
        "arpu {arpu} vs {}",
        rev / months
    );
}
