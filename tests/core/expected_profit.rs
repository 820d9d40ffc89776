//! Closed-form expected values against the simulated means, component by component: revenue,
//! serving cost, fees, overhead, active user-months and profit per trial, each within 4
//! standard errors of its own mean (the sample standard deviation over trials / sqrt(trials)),
//! and each decisive (its standard error under 1% of the expected value). Every trial must
//! also satisfy the identities the spec makes exact: overhead = per_user_month x active
//! user-months, fees = rate x revenue + fixed x active user-months (every bill here is > 0),
//! profit = revenue - cost - fees - overhead.
//!
//! Flat plans with a fair-use cap and hybrid plans with an allowance depend on the limited
//! expected value E[min(V, c)] of a user's monthly retail value V, which has a closed form for
//! lognormal and Pareto users. A lognormal user with mean-one lognormal monthly noise and
//! growth is lognormal in every month (ln V_m ~ N(mu + m ln(1 + g) - v^2/2, s^2 + v^2)); a
//! Pareto user with growth and no noise is Pareto with a growing minimum. Churn is
//! independent of demand, so month m counts with probability (1 - churn)^m. Caps and
//! allowances are set so they bind for 20-80% of users.

use plansim::results::{RunResults, Totals};
use plansim::{parse, run};
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
    assert!(c >= xm);
    a * xm / (a - 1.0) - xm.powf(a) * c.powf(1.0 - a) / (a - 1.0)
}

/// Expected totals of one user over the horizon.
#[derive(Debug, Default)]
struct Expected {
    revenue: f64,
    cost: f64,
    fees: f64,
    overhead: f64,
    months: f64,
}

/// The fees and overhead of the scenarios below.
struct Charges {
    fee_rate: f64,
    fee_fixed: f64,
    per_user_month: f64,
}

const CHARGES: Charges = Charges {
    fee_rate: 0.03,
    fee_fixed: 0.3,
    per_user_month: 0.25,
};

impl Expected {
    /// Adds month m, where a user is active with probability `alive` and an active user is
    /// billed `bill` (> 0) and costs `cost` to serve.
    fn month(&mut self, c: &Charges, alive: f64, bill: f64, cost: f64) {
        self.revenue += alive * bill;
        self.cost += alive * cost;
        self.fees += alive * (c.fee_rate * bill + c.fee_fixed);
        self.overhead += alive * c.per_user_month;
        self.months += alive;
    }
    fn profit(&self) -> f64 {
        self.revenue - self.cost - self.fees - self.overhead
    }
}

/// Checks plan `p` against `e` (per user): the exact identities in every trial, and each
/// component's mean over trials within 4 standard errors of `e` x users.
fn check(res: &RunResults, p: usize, c: &Charges, e: &Expected) {
    let plan: Vec<&Totals> = res.trials.iter().map(|t| &t.plans[p].totals).collect();
    let users = plan[0].users as f64;
    for (i, t) in plan.iter().enumerate() {
        assert_eq!(t.users as f64, users);
        let months = t.active_user_months as f64;
        let scale = t.revenue + t.cost + t.fees + t.overhead;
        for (name, got, want) in [
            ("overhead", t.overhead, c.per_user_month * months),
            (
                "fees",
                t.fees,
                c.fee_rate * t.revenue + c.fee_fixed * months,
            ),
            ("profit", t.profit, t.revenue - t.cost - t.fees - t.overhead),
        ] {
            assert!(
                (got - want).abs() <= 1e-9 * scale,
                "plan {p} trial {i}: {name} {got} != {want}"
            );
        }
    }
    for (name, f, want) in [
        ("revenue", (|t| t.revenue) as fn(&Totals) -> f64, e.revenue),
        ("cost", |t| t.cost, e.cost),
        ("fees", |t| t.fees, e.fees),
        ("overhead", |t| t.overhead, e.overhead),
        ("active months", |t| t.active_user_months as f64, e.months),
        ("profit", |t| t.profit, e.profit()),
    ] {
        let x: Vec<f64> = plan.iter().map(|t| f(t)).collect();
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let se = sd / n.sqrt();
        let expected = want * users;
        let z = (mean - expected) / se;
        eprintln!(
            "plan {p} {name}: z = {z:.2}, se / expected = {:.1e}",
            se / expected.abs()
        );
        assert!(
            z.abs() <= 4.0,
            "plan {p} {name}: mean {mean} vs closed form {expected} (se {se}, z = {z:.2})"
        );
        // Decisive: the standard error is small against the expected value.
        assert!(
            se < 0.01 * expected.abs(),
            "plan {p} {name}: se {se} too large"
        );
    }
}

/// A six-month scenario: users on `plans`, demand `users_dist` with monthly noise `vol`,
/// growth 5% and churn 5% a month, cost declining 30% a year, fees 3% + $0.30 and overhead
/// $0.25 per active month.
fn simulate(users_dist: &str, vol: f64, plans: &str) -> RunResults {
    let text = format!(
        r#"
name = "closed"
[simulation]
trials = 300
users = 1500
months = {MONTHS}
seed = 2024
[retail]
input = 0
output = 10
[cost]
input = 0
output = 1
annual_decline = {DECLINE}
per_user_month = 0.25
payment_fee_rate = 0.03
payment_fee_fixed = 0.3
[[segment]]
name = "s"
share = 1
output_tokens = {users_dist}
monthly_volatility = {vol}
monthly_growth = {GROWTH}
monthly_churn = {CHURN}
{plans}
"#
    );
    let scn = parse(&text, "closed.toml").expect("valid");
    run(&scn, &|_| {}).expect("runs")
}

const MONTHS: usize = 6;
const GROWTH: f64 = 0.05;
const CHURN: f64 = 0.05;
const DECLINE: f64 = 0.3;

/// (1 - churn)^m and the cost decline (1 - annual_decline)^(m/12) of month m.
fn alive_and_decline(m: usize) -> (f64, f64) {
    (
        (1.0 - CHURN).powi(m as i32),
        (1.0 - DECLINE).powf(m as f64 / 12.0),
    )
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
fn lognormal_users_with_noise_on_a_capped_flat_plan_and_a_hybrid_over_six_months() {
    // D ~ lognormal(median 2M, sigma 1): month 0's value before noise has median $20. With
    // noise v = 0.4, ln V_m ~ N(ln 20 + m ln 1.05 - 0.08, sqrt(1 + 0.16)).
    let v = 0.4;
    let res = simulate(
        r#"{ dist = "lognormal", median = 2_000_000, sigma = 1 }"#,
        v,
        LOGNORMAL_PLANS,
    );
    let s = (1.0f64 + v * v).sqrt();
    let (mut flat, mut hybrid) = (Expected::default(), Expected::default());
    for m in 0..MONTHS {
        let (alive, decline) = alive_and_decline(m);
        let mu = (2e6 * K_RETAIL).ln() + m as f64 * (1.0 + GROWTH).ln() - v * v / 2.0;
        // Flat: $30, served value E[min(V, 26)]; the cap binds for P(V > 26), 38% to 46%.
        let binding = 1.0 - phi((26f64.ln() - mu) / s);
        assert!((0.2..=0.8).contains(&binding), "{binding}");
        let served = lev_lognormal(mu, s, 26.0);
        flat.month(&CHARGES, alive, 30.0, COST_SHARE * served * decline);
        // Hybrid: the $15 allowance binds for 58% to 66% of users; the $24 spend cap binds at
        // V = 15 + 24 / 1.2 = 35 (28% to 36%). Bill 20 + 1.2 (E[min(V, 35)] - E[min(V, 15)]), served value
        // E[min(V, 35)].
        let binding = 1.0 - phi((15f64.ln() - mu) / s);
        assert!((0.2..=0.8).contains(&binding), "{binding}");
        let served = lev_lognormal(mu, s, 35.0);
        let bill = 20.0 + 1.2 * (served - lev_lognormal(mu, s, 15.0));
        hybrid.month(&CHARGES, alive, bill, COST_SHARE * served * decline);
    }
    check(&res, 0, &CHARGES, &flat);
    check(&res, 1, &CHARGES, &hybrid);
}

#[test]
fn pareto_users_with_growth_on_a_capped_flat_plan_and_a_hybrid_over_six_months() {
    // D ~ Pareto(1M, 2.5), no noise: V_m ~ Pareto(10 x 1.05^m, 2.5) in $, P(V > v) =
    // (x_m / v)^2.5, E[V] = 2.5 x_m / 1.5.
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
    let res = simulate(
        r#"{ dist = "pareto", min = 1_000_000, alpha = 2.5 }"#,
        0.0,
        plans,
    );
    let a = 2.5;
    let (mut flat, mut hybrid) = (Expected::default(), Expected::default());
    for m in 0..MONTHS {
        let (alive, decline) = alive_and_decline(m);
        let xm = 10.0 * (1.0 + GROWTH).powi(m as i32);
        let binding = (xm / 15.0f64).powf(a);
        assert!((0.2..=0.8).contains(&binding), "{binding}");
        let served = lev_pareto(xm, a, 15.0);
        flat.month(&CHARGES, alive, 20.0, COST_SHARE * served * decline);
        let binding = (xm / 14.0f64).powf(a);
        assert!((0.2..=0.8).contains(&binding), "{binding}");
        let mean_v = a * xm / (a - 1.0);
        let bill = 10.0 + 1.5 * (mean_v - lev_pareto(xm, a, 14.0));
        hybrid.month(&CHARGES, alive, bill, COST_SHARE * mean_v * decline);
    }
    check(&res, 0, &CHARGES, &flat);
    check(&res, 1, &CHARGES, &hybrid);
}

/// Pay as you go is linear in usage, so its expected totals over many months have a closed
/// form that exercises growth, mean-one monthly noise, churn, cost decline, prompt tokens
/// with cache reads, usage_response, fees and overhead.
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
    let mean_d = (500_000f64.ln() + 0.32).exp();
    // $ per output token: 20 + 30 (0.1 x 4 + 0.9 x 0.4) = 42.8 per M at retail; cost is 10%.
    let k = 42.8 / 1e6;
    let mut e = Expected::default();
    for m in 0..12 {
        let alive = 0.93f64.powi(m);
        let usage = mean_d * 1.03f64.powi(m) * 0.8;
        let cost = usage * 0.1 * k * 0.5f64.powf(m as f64 / 12.0);
        e.month(&CHARGES, alive, usage * k, cost);
    }
    check(&res, 0, &CHARGES, &e);
    // arpu is revenue per active user-month: E[revenue] / E[active months].
    let s = &plansim::summarize(&scn, &res)[0];
    let arpu = s.arpu.unwrap();
    assert!(
        (arpu / (e.revenue / e.months) - 1.0).abs() < 0.02,
        "arpu {arpu} vs {}",
        e.revenue / e.months
    );
}
