//! Property tests of prices that move over time (proptest), on random scenarios written as
//! TOML: a `ref` payg plan at the retail card with no schedule (it bills and serves exactly the
//! demand), then payg at retail with a minimum, payg with its own card, flat with an optional
//! cap, credit with optional top-ups and hybrid at retail with an optional spend cap, each
//! with an optional random price schedule (factors in [0, 3], some drawn per trial) and loyalty
//! discount, under a random retail decline, with arrivals, in each mode and in menu mode.
//!
//! Properties:
//!
//! 1. Money >= 0 and finite, served <= demand, per trial and per month, in both modes.
//! 2. Through [`Billing::month`] with random factors: bills >= 0, served shares in [0, 1], and
//!    each kind's rule as docs/model.md states it (payg max(usage x rate factor, minimum x price
//!    factor); flat price x factor; hybrid base x price factor + min(overage x rate factor,
//!    spend cap), serving up to included + cap / (multiplier x rate factor); credit price and
//!    packs x factor); a credit account (grants, packs, burn, expiry) and every served share
//!    but a hybrid's are exactly what they are at factor 1: prices never move the meter.
//! 3. A constant schedule factor c and loyalty from tenure 0 with discount d scale every
//!    payg, flat and credit bill by c (1 - d) and change no served token; under a retail
//!    decline payg at retail bills month m at c (1 - d) x the decline factor of m; a hybrid
//!    serves at least as much when c <= 1 and at most as much when c >= 1 (no decline).

use proptest::prelude::*;

use crate::config::parse;
use crate::engine::{run, stream};
use crate::model::plans::{PlanKind, Usage};
use crate::model::prices::decline;
use crate::model::{Billing, Mix, Scenario, Trial};
use crate::results::RunResults;

const NAMES: [&str; 6] = ["ref", "api", "own", "flat", "credit", "hybrid"];

/// The name of output row `r` (the portfolio row of menu mode last).
fn name(r: usize) -> &'static str {
    NAMES.get(r).copied().unwrap_or("portfolio")
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_129),
        ..ProptestConfig::default()
    }
}

/// A float as a TOML literal.
fn lit(x: f64) -> String {
    format!("{x:?}")
}

/// A price schedule: steps (month gap, factor, drawn) with strictly increasing months from 0.
#[derive(Clone, Debug)]
struct Schedule(Vec<(u64, f64, bool)>);

impl Schedule {
    fn toml(&self) -> String {
        let mut month = 0;
        let steps: Vec<String> = self
            .0
            .iter()
            .enumerate()
            .map(|(i, &(gap, f, drawn))| {
                if i > 0 {
                    month += gap;
                }
                let factor = if drawn {
                    format!(
                        "{{ dist = \"uniform\", min = {}, max = {} }}",
                        lit(f),
                        lit(f + 0.5)
                    )
                } else {
                    lit(f)
                };
                format!("{{ from_month = {month}, factor = {factor} }}")
            })
            .collect();
        format!("price_schedule = [{}]", steps.join(", "))
    }
}

fn schedule() -> impl Strategy<Value = Schedule> {
    prop::collection::vec(
        (
            1..8u64,
            prop_oneof![1 => Just(0.0), 1 => Just(1.0), 4 => 0.0..3.0f64],
            prop::bool::weighted(0.2),
        ),
        1..=4,
    )
    .prop_map(Schedule)
}

/// A plan's price terms: schedule and loyalty (after, discount), each optional.
#[derive(Clone, Debug)]
struct Terms {
    schedule: Option<Schedule>,
    loyalty: Option<(u64, f64)>,
}

impl Terms {
    fn toml(&self) -> String {
        let mut s = String::new();
        if let Some(sch) = &self.schedule {
            s += &sch.toml();
            s += "\n";
        }
        if let Some((after, d)) = self.loyalty {
            s += &format!(
                "loyalty = {{ after_months = {after}, discount = {} }}\n",
                lit(d)
            );
        }
        s
    }
}

fn terms() -> impl Strategy<Value = Terms> {
    (
        prop::option::weighted(0.7, schedule()),
        prop::option::weighted(0.5, (0..10u64, prop_oneof![Just(1.0), 0.0..1.0f64])),
    )
        .prop_map(|(schedule, loyalty)| Terms { schedule, loyalty })
}

/// A random scenario.
#[derive(Clone, Debug)]
struct World {
    menu: bool,
    months: u32,
    users: u64,
    arrivals: f64,
    retail_decline: f64,
    median: f64,
    sigma: f64,
    ratio: f64,
    vol: f64,
    growth: f64,
    churn: f64,
    minimum: f64,
    cap: Option<f64>,
    top_up: f64,
    spend_cap: Option<f64>,
    terms: [Terms; 5],
}

fn world() -> impl Strategy<Value = World> {
    let shape = (
        any::<bool>(),
        1..30u32,
        1..25u64,
        prop_oneof![Just(0.0), 0.0..3.0f64],
        prop_oneof![Just(0.0), Just(1.0), 0.0..1.0f64],
    );
    let demand = (
        1e3..1e7f64,
        0.01..2.0f64,
        0.0..30.0f64,
        0.0..1.0f64,
        -0.1..0.3f64,
        prop_oneof![Just(0.0), 0.0..0.3f64],
    );
    let plans = (
        prop_oneof![Just(0.0), 0.0..50.0f64],
        prop::option::of(0.0..100.0f64),
        prop_oneof![Just(0.0), Just(1.0), 0.0..1.0f64],
        prop::option::of(0.0..80.0f64),
        [terms(), terms(), terms(), terms(), terms()],
    );
    (shape, demand, plans).prop_map(
        |(
            (menu, months, users, arrivals, retail_decline),
            (median, sigma, ratio, vol, growth, churn),
            (minimum, cap, top_up, spend_cap, terms),
        )| World {
            menu,
            months,
            users,
            arrivals,
            retail_decline,
            median,
            sigma,
            ratio,
            vol,
            growth,
            churn,
            minimum,
            cap,
            top_up,
            spend_cap,
            terms,
        },
    )
}

impl World {
    fn toml(&self) -> String {
        let t = |i: usize| self.terms[i].toml();
        let market = if self.menu {
            "mode = \"menu\"\nrechoose = \"monthly\"\n"
        } else {
            ""
        };
        let opt =
            |key: &str, v: Option<f64>| v.map_or(String::new(), |x| format!("{key} = {}", lit(x)));
        format!(
            r#"name = "prices-prop"
[simulation]
trials = 2
users = {users}
months = {months}
seed = 3
[retail]
input = 3
output = 15
cache_read = 0.3
annual_decline = {decline}
[cost]
input = 0.3
output = 1.5
payment_fee_rate = 0.03
payment_fee_fixed = 0.3
per_user_month = 0.1
[market]
{market}new_users_per_month = {arrivals}
[[segment]]
name = "s"
share = 1
output_tokens = {{ dist = "lognormal", median = {median}, sigma = {sigma} }}
input_per_output = {ratio}
cache_read_share = 0.6
monthly_volatility = {vol}
monthly_growth = {growth}
monthly_churn = {churn}
value = {{ dist = "uniform", min = 0, max = 300 }}

[[plan]]
name = "ref"
kind = "payg"

[[plan]]
name = "api"
kind = "payg"
monthly_minimum = {minimum}
{t0}
[[plan]]
name = "own"
kind = "payg"
rates = {{ input = 2, output = 10 }}
{t1}
[[plan]]
name = "flat"
kind = "flat"
price = 40
{cap}
{t2}
[[plan]]
name = "credit"
kind = "credit"
price = 20
credits = 3000
burn = {{ input = 100, output = 500 }}
rollover = 500
top_up = {{ price = 10, credits = 1000, probability = {top_up} }}
{t3}
[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 25
included = 15
overage_multiplier = 1.3
{spend_cap}
{t4}"#,
            users = self.users,
            months = self.months,
            decline = lit(self.retail_decline),
            arrivals = lit(self.arrivals),
            median = lit(self.median),
            sigma = lit(self.sigma),
            ratio = lit(self.ratio),
            vol = lit(self.vol),
            growth = lit(self.growth),
            churn = lit(self.churn),
            minimum = lit(self.minimum),
            cap = opt("cap", self.cap),
            top_up = lit(self.top_up),
            spend_cap = opt("spend_cap", self.spend_cap),
            t0 = t(0),
            t1 = t(1),
            t2 = t(2),
            t3 = t(3),
            t4 = t(4),
        )
    }

    fn scenario(&self) -> Scenario {
        let text = self.toml();
        parse(&text, "prop.toml").unwrap_or_else(|e| panic!("refused: {e}\n{text}"))
    }
}

fn run_ok(scn: &Scenario) -> RunResults {
    run(scn, &|_| {}).expect("runs")
}

/// `a <= b` up to 1e-9 relative.
fn le(a: f64, b: f64) -> bool {
    a <= b + 1e-9 * (a.abs() + b.abs())
}

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-300)
}

proptest! {
    #![proptest_config(config(256))]

    /// Property 1.
    #[test]
    fn money_is_non_negative_and_served_never_exceeds_demand(w in world()) {
        let scn = w.scenario();
        let res = run_ok(&scn);
        for t in &res.trials {
            for (p, pt) in t.plans.iter().enumerate() {
                let x = &pt.totals;
                for v in [x.revenue, x.cost, x.fees, x.overhead, x.retail_value, x.breakage_credits] {
                    prop_assert!(v.is_finite() && v >= 0.0, "{}: {x:?}", name(p));
                }
                prop_assert!(pt.npv.is_finite());
                // In each mode `ref` serves every user's whole demand; in menu mode each plan
                // serves at most what its own subscribers demanded (below).
                if !w.menu {
                    let demand = t.plans[0].totals.served_output_tokens;
                    prop_assert!(le(x.served_output_tokens, demand), "{}: {x:?}", name(p));
                }
            }
        }
        for (p, months) in res.months.iter().enumerate() {
            for (m, mt) in months.iter().enumerate() {
                let money = [mt.revenue, mt.cost, mt.fees, mt.overhead];
                prop_assert!(
                    money.iter().all(|v| v.is_finite() && *v >= 0.0),
                    "{} month {m}: {mt:?}", name(p)
                );
                prop_assert!(
                    le(mt.served_output_tokens, mt.demanded_output_tokens),
                    "{} month {m}: {mt:?}", name(p)
                );
            }
        }
    }

    /// Property 2.
    #[test]
    fn rules_bill_the_factors_and_never_move_the_meter(
        w in world(),
        top_up_u in 0.0..1.0f64,
        months in prop::collection::vec(
            (
                prop_oneof![Just(0.0), 0.0..1e3f64, 0.0..1e6f64],
                prop_oneof![Just(0.0), Just(1.0), 0.0..3.0f64],
                prop_oneof![Just(0.0), Just(1.0), 0.0..3.0f64],
            ),
            1..=12,
        ),
    ) {
        let scn = w.scenario();
        let draws = scn.draw_slots(|key| stream(3, 0, 0, key)).expect("valid draws");
        let trial = Trial::resolve(&scn, draws.clone()).expect("resolves");
        let mix = Mix::new(0.0, 0.0, 0.0);
        for (p, rule) in trial.rules.iter().enumerate() {
            let name = name(p);
            let (mut acct, mut acct1) = (rule.open(top_up_u), rule.open(top_up_u));
            for &(x, pf, rf) in &months {
                let usage = |price_factor, rate_factor| Usage {
                    output_tokens: x,
                    mix: &mix,
                    metered: x,
                    price_factor,
                    rate_factor,
                    tasks: 0.0,
                    successes: 0.0,
                };
                let mb = rule.month(&mut acct, usage(pf, rf));
                let mb1 = rule.month(&mut acct1, usage(1.0, 1.0));
                prop_assert!(mb.bill.is_finite() && mb.bill >= 0.0, "{name}: {mb:?}");
                prop_assert!((0.0..=1.0).contains(&mb.served), "{name}: {mb:?}");
                prop_assert_eq!(acct, acct1, "{}: the account moved with the price", name);
                let v = |p: &crate::dist::Param| p.value(&draws);
                match &scn.plans[p].kind {
                    PlanKind::Payg(s) => {
                        prop_assert_eq!(mb.bill, (x * rf).max(v(&s.monthly_minimum) * pf));
                        prop_assert_eq!(mb.served, 1.0);
                    }
                    PlanKind::Flat(s) => {
                        prop_assert_eq!(mb.bill, v(&s.price) * pf);
                        prop_assert_eq!(mb.served, mb1.served);
                    }
                    PlanKind::Credit(_) => {
                        prop_assert!(near(mb.bill, mb1.bill * pf), "{mb:?} {mb1:?} x {pf}");
                        prop_assert_eq!(mb.served, mb1.served);
                    }
                    PlanKind::Outcome(_) => prop_assert!(false, "no outcome plan in these worlds"),
                    PlanKind::Hybrid(s) => {
                        let (inc, mult) = (v(&s.included), v(&s.overage_multiplier));
                        let cap = s.spend_cap.map_or(f64::INFINITY, |c| v(&c));
                        let overage = (x - inc).max(0.0) * mult * rf;
                        prop_assert_eq!(mb.bill, v(&s.base_fee) * pf + overage.min(cap));
                        let limit = if mult * rf > 0.0 { inc + cap / (mult * rf) } else { f64::INFINITY };
                        if x <= limit {
                            prop_assert_eq!(mb.served, 1.0, "below the limit {}", limit);
                        } else {
                            prop_assert!(((x * mb.served) - limit).abs() <= 1e-12 * limit);
                        }
                    }
                }
            }
        }
    }

    /// Property 3 (each mode, so every plan bills the same users).
    #[test]
    fn constant_factors_and_loyalty_from_tenure_0_scale_bills_exactly(
        w in world(),
        c in prop_oneof![Just(0.0), Just(1.0), 0.0..3.0f64],
        d in prop_oneof![Just(0.0), 0.0..1.0f64],
    ) {
        let mut plain = w.clone();
        plain.menu = false;
        plain.retail_decline = 0.0;
        for t in &mut plain.terms {
            *t = Terms { schedule: None, loyalty: None };
        }
        let mut priced = plain.clone();
        priced.retail_decline = w.retail_decline;
        for t in &mut priced.terms {
            *t = Terms {
                schedule: Some(Schedule(vec![(0, c, false)])),
                loyalty: Some((0, d)),
            };
        }
        let (s0, s1) = (plain.scenario(), priced.scenario());
        let (r0, r1) = (run_ok(&s0), run_ok(&s1));
        let k = c * (1.0 - d);
        let f = decline(w.retail_decline, w.months as usize);
        for (name, (months0, months1)) in NAMES.iter().zip(r0.months.iter().zip(&r1.months)) {
            for (m, ((a, b), f)) in months0.iter().zip(months1).zip(&f).enumerate() {
                let name = *name;
                match name {
                    // no schedule or loyalty: the retail decline alone
                    "ref" => prop_assert!(near(b.revenue, a.revenue * f), "ref {m}: {a:?} {b:?}"),
                    "api" if plain.minimum == 0.0 => {
                        prop_assert!(near(b.revenue, a.revenue * f * k), "{name} {m}: {a:?} {b:?}");
                    }
                    "own" | "flat" | "credit" => {
                        prop_assert!(near(b.revenue, a.revenue * k), "{name} {m}: {a:?} {b:?}");
                    }
                    "hybrid" if c <= 1.0 => {
                        prop_assert!(b.served_output_tokens >= a.served_output_tokens, "{m}");
                    }
                    "hybrid" if w.retail_decline == 0.0 => {
                        prop_assert!(b.served_output_tokens <= a.served_output_tokens, "{m}");
                    }
                    _ => {}
                }
                if name != "hybrid" {
                    prop_assert_eq!(a.served_output_tokens, b.served_output_tokens, "{} {}", name, m);
                }
            }
        }
    }
}
