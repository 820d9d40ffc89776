//! Property tests over random scenarios and random users (proptest).
//!
//! Every case writes a random scenario as TOML text, parses it with `crate::config::parse`
//! and runs it through the public API (`engine::run`, `engine::simulate_user`, or the
//! [`Billing`] rules resolved from the scenario's plans). A scenario has random retail and cost
//! cards (fixed or drawn per trial), fees, overhead and cost decline; one to three segments
//! with fixed or distributed demand (lognormal, Pareto with and without a ceiling, uniform,
//! a lognormal with a drawn median, a `zero` modifier), prompt mix, volatility, growth and
//! churn (0, 1 or in between); and five plans in a fixed order:
//!
//! | index | plan | |
//! |---|---|---|
//! | 0 | `ref` | payg at the retail card, `usage_response = 1`: bills and serves exactly the demand |
//! | 1 | `payg` | random card, minimum, `usage_response`, optional tiers (graduated or volume) |
//! | 2 | `flat` | random price, optional cap |
//! | 3 | `credit` | random grant, burn card, rollover, optional top-up packs (probability 0, 1 or in between) |
//! | 4 | `hybrid` | random card, base fee, allowance, multiplier, optional spend cap, optional tiers |
//!
//! Properties:
//!
//! 1. Served output tokens never exceed demand (`usage_response` x the demand that `ref`
//!    serves), per trial and per user; revenue, cost, fees, overhead are >= 0; month by month
//!    through [`Billing::month`], bills are >= 0 and finite and the served share is in [0, 1],
//!    and each rule does what docs/model.md says: payg bills max(usage, minimum); flat bills
//!    its price and serves everything up to the cap and exactly the cap beyond it; hybrid
//!    bills base + min(overage, spend cap) and serves up to included + cap / multiplier;
//!    with tiers (1 to 4 bands, bounds fixed or drawn, rates 0 included), payg and hybrid bill
//!    the spec's tiered charge ([`tiered`], written out here) and a capped hybrid serves the
//!    largest overage up to the demand whose tiered charge is within the cap
//!    ([`largest_within`]: bisection for graduated, the bands' candidate points for volume);
//!    credit bills its price plus the fewest packs that cover the shortfall (a topper only),
//!    burns exactly the served share of the need and keeps its balance within [0, rollover].
//!    The accounting, component by component: each user's revenue, serving cost, fees,
//!    overhead, profit, served tokens, retail value, churn, loss and breakage equal the spec's
//!    month-by-month formulas written out here ([`spec_totals`], not `model::accounting`),
//!    with each plan kind's meter card taken from the scenario; and every trial's month sums
//!    (revenue, cost, fees, overhead, profit, active users) add up to its totals, its month
//!    profits are its month sums' revenue - cost - fees - overhead, and its month overhead is
//!    `per_user_month` x the month's active users.
//! 2. Credit conservation, per user and trial (churners included, rollover often binding) and
//!    month by month through [`Billing`]: granted + bought = burned + expired + balance.
//! 3. Flat revenue = price x active user-months; raising a flat price by d raises profit by
//!    d x active user-months minus the extra fees, and changes nothing else.
//! 4. Raising a flat cap, a hybrid allowance or spend cap, or a credit grant never lowers
//!    served usage (per trial and per user), except a larger allowance under volume tiers
//!    (the overage may fall back into a dearer band); a hybrid (and payg) bill never falls
//!    as demand rises (through [`Billing::month`] and per user through `simulate_user`)
//!    unless the plan has volume tiers, whose bill may fall across a bound.
//! 5. Results and every output file are byte-identical for 1 and 3 threads, with populations
//!    of several engine blocks in some cases.
//!
//! Cases: 1024 per property for the five properties on small scenarios (1-48 users, 1-3
//! trials, 1-24 months) and 40 for the thread-count property (1-300 or 4097-9000 users, 1-6
//! months); a few seconds in release mode on two cores. The seed is fixed, so every CI run
//! tries the same cases; `PROPTEST_RNG_SEED=N cargo test --release --test properties` tries
//! others.
//!
//! Tolerances are relative 1e-9 of the magnitudes involved unless a comment says otherwise;
//! monotonicity is checked exactly, since every operation on the paths compared is monotone in
//! floating point too. No regression files are written (`failure_persistence: None`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use crate::config::parse;
use crate::engine::{RunOptions, run, run_trials, simulate_user, stream};
use crate::export::{Report, write_all};
use crate::model::accounting::UserOutcome;
use crate::model::plans::tiers::{TierMode, TiersSpec};
use crate::model::plans::{MonthBill, PlanKind, Usage};
use crate::model::user::{Size, UserLife, live};
use crate::model::{Account, Billing, Mix, Rates, Rule, Scenario, Trial};
use crate::results::{MonthTotals, RunResults, Totals};
use proptest::option;
use proptest::prelude::*;

const REF: usize = 0;
const PAYG: usize = 1;
const FLAT: usize = 2;
const CREDIT: usize = 3;
const HYBRID: usize = 4;
const PLANS: usize = 5;
const NAMES: [&str; PLANS] = ["ref", "payg", "flat", "credit", "hybrid"];

/// Relative tolerance of sums that are equal in exact arithmetic.
const REL: f64 = 1e-9;

/// `cases` cases from a fixed seed, so CI runs are repeatable; set `PROPTEST_RNG_SEED` to
/// explore others.
fn config(cases: u32) -> ProptestConfig {
    let defaults = ProptestConfig::default();
    let seed = match std::env::var("PROPTEST_RNG_SEED") {
        Ok(_) => defaults.rng_seed,
        Err(_) => proptest::test_runner::RngSeed::Fixed(20_261_128),
    };
    ProptestConfig {
        cases,
        failure_persistence: None,
        rng_seed: seed,
        ..defaults
    }
}

// ---------------------------------------------------------------------------------------------
// Random scenarios, written as TOML.
// ---------------------------------------------------------------------------------------------

/// A float as a TOML literal (Debug always has a `.` or an exponent, and round-trips).
fn lit(x: f64) -> String {
    assert!(x.is_finite());
    format!("{x:?}")
}

/// A trial-level number: fixed, or a uniform draw per trial.
#[derive(Clone, Debug)]
enum Num {
    Fixed(f64),
    Uniform(f64, f64),
}

impl Num {
    fn toml(&self) -> String {
        match self {
            Num::Fixed(x) => lit(*x),
            Num::Uniform(a, b) => format!(
                "{{ dist = \"uniform\", min = {}, max = {} }}",
                lit(*a),
                lit(*b)
            ),
        }
    }
}

/// A number from `lo` up: fixed in [lo, hi], or uniform on [a, b] with lo <= a <= hi and
/// b <= 2 hi - lo (so `hi <= 0.5` keeps a [0, 1] field in range).
fn num(lo: f64, hi: f64) -> BoxedStrategy<Num> {
    prop_oneof![
        1 => Just(Num::Fixed(lo)),
        4 => (lo..=hi).prop_map(Num::Fixed),
        2 => (lo..=hi, 0.01..=1.0f64).prop_map(move |(a, w)| Num::Uniform(a, a + w * (hi - lo))),
    ]
    .boxed()
}

/// A rate card; cache rates default to `input` when absent.
#[derive(Clone, Debug)]
struct Card {
    input: Num,
    cache_write: Option<Num>,
    cache_read: Option<Num>,
    output: Num,
}

impl Card {
    fn fields(&self) -> Vec<String> {
        let mut f = vec![format!("input = {}", self.input.toml())];
        if let Some(c) = &self.cache_write {
            f.push(format!("cache_write = {}", c.toml()));
        }
        if let Some(c) = &self.cache_read {
            f.push(format!("cache_read = {}", c.toml()));
        }
        f.push(format!("output = {}", self.output.toml()));
        f
    }
    fn inline(&self) -> String {
        format!("{{ {} }}", self.fields().join(", "))
    }
}

/// A card whose output rate is at most about `hi` per million tokens.
fn card(hi: f64) -> impl Strategy<Value = Card> {
    (
        num(0.0, hi / 5.0),
        option::of(num(0.0, hi / 4.0)),
        option::of(num(0.0, hi / 50.0)),
        num(0.0, hi),
    )
        .prop_map(|(input, cache_write, cache_read, output)| Card {
            input,
            cache_write,
            cache_read,
            output,
        })
}

/// A per-user value (drawn for every user).
#[derive(Clone, Debug)]
enum PerUser {
    Fixed(f64),
    Uniform(f64, f64),
    LogNormal {
        median: f64,
        sigma: f64,
        zero: Option<f64>,
    },
    Pareto {
        min: f64,
        alpha: f64,
        ceiling: Option<f64>,
    },
    /// A lognormal whose median is itself drawn per trial.
    DrawnMedian {
        lo: f64,
        hi: f64,
        sigma: f64,
    },
}

impl PerUser {
    fn toml(&self) -> String {
        match self {
            PerUser::Fixed(x) => lit(*x),
            PerUser::Uniform(a, b) => format!(
                "{{ dist = \"uniform\", min = {}, max = {} }}",
                lit(*a),
                lit(*b)
            ),
            PerUser::LogNormal {
                median,
                sigma,
                zero,
            } => {
                let zero = zero.map_or(String::new(), |z| format!(", zero = {}", lit(z)));
                format!(
                    "{{ dist = \"lognormal\", median = {}, sigma = {}{zero} }}",
                    lit(*median),
                    lit(*sigma)
                )
            }
            PerUser::Pareto {
                min,
                alpha,
                ceiling,
            } => {
                let ceiling = ceiling.map_or(String::new(), |c| format!(", ceiling = {}", lit(c)));
                format!(
                    "{{ dist = \"pareto\", min = {}, alpha = {}{ceiling} }}",
                    lit(*min),
                    lit(*alpha)
                )
            }
            PerUser::DrawnMedian { lo, hi, sigma } => format!(
                "{{ dist = \"lognormal\", median = {{ dist = \"uniform\", min = {}, max = {} }}, \
                 sigma = {} }}",
                lit(*lo),
                lit(*hi),
                lit(*sigma)
            ),
        }
    }
}

/// Monthly output tokens per user: up to a few million typically, heavy tails included.
fn demand() -> BoxedStrategy<PerUser> {
    prop_oneof![
        1 => Just(PerUser::Fixed(0.0)),
        2 => (0.0..5e6f64).prop_map(PerUser::Fixed),
        2 => (0.0..1e6f64, 1e3..5e6f64).prop_map(|(a, w)| PerUser::Uniform(a, a + w)),
        3 => (1e3..5e6f64, 0.1..2.0f64, option::of(0.05..0.5f64)).prop_map(
            |(median, sigma, zero)| PerUser::LogNormal { median, sigma, zero }
        ),
        3 => (1e3..1e6f64, 0.8..3.0f64, option::of(10.0..1000.0f64)).prop_map(
            |(min, alpha, c)| PerUser::Pareto { min, alpha, ceiling: c.map(|c| min * c) }
        ),
        1 => (1e3..1e6f64, 1.01..10.0f64, 0.1..1.5f64).prop_map(|(lo, k, sigma)| {
            PerUser::DrawnMedian { lo, hi: lo * k, sigma }
        }),
    ]
    .boxed()
}

/// A per-user value in [0, 1].
fn unit_per_user() -> BoxedStrategy<PerUser> {
    prop_oneof![
        (0.0..=1.0f64).prop_map(PerUser::Fixed),
        (0.0..0.5f64, 0.01..0.5f64).prop_map(|(a, w)| PerUser::Uniform(a, a + w)),
    ]
    .boxed()
}

#[derive(Clone, Debug)]
struct Seg {
    weight: f64,
    demand: PerUser,
    input_per_output: PerUser,
    cache_read: PerUser,
    cache_write: f64,
    volatility: Num,
    growth: Num,
    churn: Num,
}

fn segment() -> impl Strategy<Value = Seg> {
    (
        0.05..=1.0f64,
        demand(),
        prop_oneof![
            (0.0..100.0f64).prop_map(PerUser::Fixed),
            (0.0..50.0f64, 1.0..50.0f64).prop_map(|(a, w)| PerUser::Uniform(a, a + w)),
        ],
        unit_per_user(),
        0.0..=1.0f64,
        num(0.0, 0.75),
        num(-0.3, 0.3),
        prop_oneof![Just(Num::Fixed(0.0)), Just(Num::Fixed(1.0)), num(0.0, 0.5),],
    )
        .prop_map(
            |(
                weight,
                demand,
                input_per_output,
                cache_read,
                cache_write,
                volatility,
                growth,
                churn,
            )| {
                Seg {
                    weight,
                    demand,
                    input_per_output,
                    cache_read,
                    cache_write,
                    volatility,
                    growth,
                    churn,
                }
            },
        )
}

/// `usage_response`: often 1, else fixed or drawn in [0, 4].
fn response() -> BoxedStrategy<Num> {
    prop_oneof![Just(Num::Fixed(1.0)), num(0.0, 2.0)].boxed()
}

/// Tiers: bands of (upper bound, rate), the last without a bound; by volume or graduated.
#[derive(Clone, Debug)]
struct Tiers {
    volume: bool,
    bands: Vec<(Option<Num>, Num)>,
}

impl Tiers {
    fn lines(&self) -> Vec<String> {
        let bands: Vec<String> = self
            .bands
            .iter()
            .map(|(up_to, rate)| match up_to {
                Some(u) => format!("{{ up_to = {}, rate = {} }}", u.toml(), rate.toml()),
                None => format!("{{ rate = {} }}", rate.toml()),
            })
            .collect();
        let mut l = vec![format!("tiers = [{}]", bands.join(", "))];
        if self.volume {
            l.push("tier_mode = \"volume\"".into());
        }
        l
    }
}

/// 1 to 4 bands: bounds strictly increasing from above 0 by steps of 1 to 100 (about), fixed
/// or uniform draws whose ranges do not overlap; rates in [0, 4], 0 sometimes.
fn tiers() -> impl Strategy<Value = Tiers> {
    let band = (0.01..=1.0f64, option::of(0.01..=1.0f64), num(0.0, 2.0));
    (any::<bool>(), prop::collection::vec(band, 1..=4)).prop_map(|(volume, raw)| {
        let mut lo = 0.0;
        let last = raw.len() - 1;
        let bands = raw
            .into_iter()
            .enumerate()
            .map(|(i, (step, width, rate))| {
                if i == last {
                    return (None, rate);
                }
                let a = lo + step * 100.0;
                let bound = match width {
                    Some(w) => Num::Uniform(a, a + w * 100.0),
                    None => Num::Fixed(a),
                };
                lo = match bound {
                    Num::Uniform(_, b) | Num::Fixed(b) => b,
                };
                (Some(bound), rate)
            })
            .collect();
        Tiers { volume, bands }
    })
}

#[derive(Clone, Debug)]
struct Payg {
    response: Num,
    rates: Option<Card>,
    minimum: Num,
    tiers: Option<Tiers>,
}

#[derive(Clone, Debug)]
struct Flat {
    response: Num,
    price: f64,
    cap: Option<f64>,
}

#[derive(Clone, Debug)]
struct TopUp {
    price: Num,
    credits: Num,
    probability: Num,
}

#[derive(Clone, Debug)]
struct Credit {
    response: Num,
    price: Num,
    credits: f64,
    burn: Card,
    rollover: Num,
    top_up: Option<TopUp>,
}

#[derive(Clone, Debug)]
struct Hybrid {
    response: Num,
    rates: Option<Card>,
    base_fee: Num,
    included: f64,
    multiplier: Num,
    spend_cap: Option<f64>,
    tiers: Option<Tiers>,
}

/// A non-negative amount: exactly 0 sometimes, else in [0, hi).
fn amount(hi: f64) -> BoxedStrategy<f64> {
    prop_oneof![1 => Just(0.0), 4 => 0.0..hi].boxed()
}

fn plans() -> impl Strategy<Value = (Payg, Flat, Credit, Hybrid)> {
    let payg = (
        response(),
        option::of(card(50.0)),
        num(0.0, 50.0),
        option::of(tiers()),
    )
        .prop_map(|(response, rates, minimum, tiers)| Payg {
            response,
            rates,
            minimum,
            tiers,
        });
    let flat = (response(), amount(200.0), option::of(amount(500.0))).prop_map(
        |(response, price, cap)| Flat {
            response,
            price,
            cap,
        },
    );
    let top_up = (
        num(0.0, 50.0),
        num(1.0, 5000.0),
        prop_oneof![Just(Num::Fixed(0.0)), Just(Num::Fixed(1.0)), num(0.0, 0.5),],
    )
        .prop_map(|(price, credits, probability)| TopUp {
            price,
            credits,
            probability,
        });
    let credit = (
        response(),
        num(0.0, 100.0),
        amount(20_000.0),
        card(3000.0),
        num(0.0, 3000.0),
        option::weighted(0.75, top_up),
    )
        .prop_map(
            |(response, price, credits, burn, rollover, top_up)| Credit {
                response,
                price,
                credits,
                burn,
                rollover,
                top_up,
            },
        );
    let hybrid = (
        response(),
        option::of(card(50.0)),
        num(0.0, 50.0),
        amount(200.0),
        num(0.0, 3.0),
        option::of(amount(300.0)),
        option::of(tiers()),
    )
        .prop_map(
            |(response, rates, base_fee, included, multiplier, spend_cap, tiers)| Hybrid {
                response,
                rates,
                base_fee,
                included,
                multiplier,
                spend_cap,
                tiers,
            },
        );
    (payg, flat, credit, hybrid)
}

/// A whole random scenario.
#[derive(Clone, Debug)]
struct World {
    trials: u64,
    users: u64,
    months: u64,
    seed: u64,
    retail: Card,
    cost: Card,
    annual_decline: Num,
    per_user_month: Num,
    fee_rate: Num,
    fee_fixed: Num,
    segments: Vec<Seg>,
    payg: Payg,
    flat: Flat,
    credit: Credit,
    hybrid: Hybrid,
}

fn world(
    users: impl Strategy<Value = u64>,
    trials: std::ops::RangeInclusive<u64>,
    months: std::ops::RangeInclusive<u64>,
) -> impl Strategy<Value = World> {
    let sim = (trials, users, months, 0..1_000_000u64);
    let costs = (
        card(50.0),
        card(10.0),
        num(0.0, 0.5),
        num(0.0, 2.0),
        num(0.0, 0.1),
        num(0.0, 0.5),
    );
    (sim, costs, prop::collection::vec(segment(), 1..=3), plans()).prop_map(
        |(
            (trials, users, months, seed),
            (retail, cost, annual_decline, per_user_month, fee_rate, fee_fixed),
            segments,
            (payg, flat, credit, hybrid),
        )| World {
            trials,
            users,
            months,
            seed,
            retail,
            cost,
            annual_decline,
            per_user_month,
            fee_rate,
            fee_fixed,
            segments,
            payg,
            flat,
            credit,
            hybrid,
        },
    )
}

/// A small world for the per-case engine runs.
fn small_world() -> impl Strategy<Value = World> {
    world(1..=48u64, 1..=3, 1..=24)
}

impl World {
    fn toml(&self) -> String {
        let mut s = String::from("name = \"prop\"\n");
        let mut line = |l: String| {
            s.push_str(&l);
            s.push('\n');
        };
        line("[simulation]".into());
        line(format!("trials = {}", self.trials));
        line(format!("users = {}", self.users));
        line(format!("months = {}", self.months));
        line(format!("seed = {}", self.seed));
        line("[retail]".into());
        self.retail.fields().into_iter().for_each(&mut line);
        line("[cost]".into());
        self.cost.fields().into_iter().for_each(&mut line);
        line(format!("annual_decline = {}", self.annual_decline.toml()));
        line(format!("per_user_month = {}", self.per_user_month.toml()));
        line(format!("payment_fee_rate = {}", self.fee_rate.toml()));
        line(format!("payment_fee_fixed = {}", self.fee_fixed.toml()));
        let total: f64 = self.segments.iter().map(|g| g.weight).sum();
        for (i, g) in self.segments.iter().enumerate() {
            line("[[segment]]".into());
            line(format!("name = \"s{i}\""));
            line(format!("share = {}", lit(g.weight / total)));
            line(format!("output_tokens = {}", g.demand.toml()));
            line(format!("input_per_output = {}", g.input_per_output.toml()));
            line(format!("cache_read_share = {}", g.cache_read.toml()));
            line(format!("cache_write_share = {}", lit(g.cache_write)));
            line(format!("monthly_volatility = {}", g.volatility.toml()));
            line(format!("monthly_growth = {}", g.growth.toml()));
            line(format!("monthly_churn = {}", g.churn.toml()));
        }
        let (p, f, c, h) = (&self.payg, &self.flat, &self.credit, &self.hybrid);
        let mut payg = Vec::new();
        if let Some(r) = &p.rates {
            payg.push(format!("rates = {}", r.inline()));
        }
        payg.push(format!("monthly_minimum = {}", p.minimum.toml()));
        payg.extend(p.tiers.iter().flat_map(Tiers::lines));
        let mut flat = vec![format!("price = {}", lit(f.price))];
        if let Some(cap) = f.cap {
            flat.push(format!("cap = {}", lit(cap)));
        }
        let mut credit = vec![
            format!("price = {}", c.price.toml()),
            format!("credits = {}", lit(c.credits)),
            format!("burn = {}", c.burn.inline()),
            format!("rollover = {}", c.rollover.toml()),
        ];
        if let Some(t) = &c.top_up {
            credit.push(format!(
                "top_up = {{ price = {}, credits = {}, probability = {} }}",
                t.price.toml(),
                t.credits.toml(),
                t.probability.toml()
            ));
        }
        let mut hybrid = Vec::new();
        if let Some(r) = &h.rates {
            hybrid.push(format!("rates = {}", r.inline()));
        }
        hybrid.push(format!("base_fee = {}", h.base_fee.toml()));
        hybrid.push(format!("included = {}", lit(h.included)));
        hybrid.push(format!("overage_multiplier = {}", h.multiplier.toml()));
        if let Some(cap) = h.spend_cap {
            hybrid.push(format!("spend_cap = {}", lit(cap)));
        }
        hybrid.extend(h.tiers.iter().flat_map(Tiers::lines));
        let plans = [
            ("payg", &Num::Fixed(1.0), Vec::new()),
            ("payg", &p.response, payg),
            ("flat", &f.response, flat),
            ("credit", &c.response, credit),
            ("hybrid", &h.response, hybrid),
        ];
        for (name, (kind, response, terms)) in NAMES.iter().zip(plans) {
            line("[[plan]]".into());
            line(format!("name = \"{name}\""));
            line(format!("kind = \"{kind}\""));
            line(format!("usage_response = {}", response.toml()));
            terms.into_iter().for_each(&mut line);
        }
        s
    }

    fn scenario(&self) -> Scenario {
        let text = self.toml();
        match parse(&text, "prop.toml") {
            Ok(s) => s,
            Err(e) => panic!("generated scenario refused: {e}\n{text}"),
        }
    }
}

/// A user to simulate directly: trial and segment are taken modulo the scenario's counts.
#[derive(Clone, Debug)]
struct Probe {
    trial: u64,
    seg: usize,
    user: u64,
    d: f64,
}

fn probes() -> impl Strategy<Value = Vec<Probe>> {
    prop::collection::vec(
        (
            0..3u64,
            0..3usize,
            0..1_000_000u64,
            prop_oneof![Just(0.0), 0.0..1e4f64, 0.0..1e7f64],
        )
            .prop_map(|(trial, seg, user, d)| Probe {
                trial,
                seg,
                user,
                d,
            }),
        1..=6,
    )
}

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

fn run_ok(scn: &Scenario) -> RunResults {
    run(scn, &|_| {}).expect("the engine runs a valid scenario")
}

fn user(scn: &Scenario, p: &Probe) -> (usize, Vec<UserOutcome>) {
    let trial = p.trial % scn.simulation.trials;
    let seg = p.seg % scn.segments.len();
    let o = simulate_user(scn, trial, seg, p.user, p.d).expect("simulate_user runs");
    (trial as usize, o)
}

/// `a <= b` up to the relative tolerance (both sides are sums of the same non-negative terms
/// rounded differently).
fn le(a: f64, b: f64) -> bool {
    a <= b + REL * (a.abs() + b.abs())
}

/// `a == b` up to `REL` of `scale`.
fn near(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= REL * scale
}

/// A rule that serves usage up to `limit` (in metered units): everything at or below it, and
/// exactly `limit` above it. The served share is one division, limit / metered, so the served
/// amount is `limit` within two roundings; 1e-12 relative leaves room.
fn served_up_to(metered: f64, served: f64, limit: f64, name: &str) -> Result<(), TestCaseError> {
    if metered <= limit {
        prop_assert!(
            served == 1.0,
            "{name}: served {served} of {metered} below the limit {limit}"
        );
    } else {
        prop_assert!(
            (metered * served - limit).abs() <= 1e-12 * limit,
            "{name}: served {} of {metered} above the limit {limit}",
            metered * served
        );
    }
    Ok(())
}

/// The credit identity: granted + bought = burned + expired + balance.
fn conserved(a: &Account) -> bool {
    let inflow = a.granted + a.bought;
    let outflow = a.burned + a.expired + a.balance;
    near(inflow, outflow, inflow + outflow)
}

/// Checks of one set of totals (a trial's or a user's), one per plan; the demand is what the
/// `ref` plan served (usage_response 1, everything served).
fn totals_sane(
    scn: &Scenario,
    draws: &[f64],
    plans: &[&Totals],
    what: &str,
) -> Result<(), TestCaseError> {
    let demand = plans[REF].served_output_tokens;
    for (p, t) in plans.iter().enumerate() {
        let name = NAMES[p];
        let money = [
            t.revenue,
            t.cost,
            t.fees,
            t.overhead,
            t.served_output_tokens,
            t.retail_value,
            t.breakage_credits,
        ];
        prop_assert!(
            money.iter().all(|x| x.is_finite() && *x >= 0.0),
            "{what} {name}: a negative or non-finite total: {t:?}"
        );
        prop_assert!(t.profit.is_finite(), "{what} {name}: profit {t:?}");
        let response = scn.plans[p].usage_response.value(draws);
        prop_assert!(
            le(t.served_output_tokens, response * demand),
            "{what} {name}: served {} > usage_response {response} x demand {demand}",
            t.served_output_tokens
        );
        prop_assert_eq!(t.active_user_months, plans[REF].active_user_months);
        prop_assert_eq!(t.churned_users, plans[REF].churned_users);
    }
    Ok(())
}

/// Value of one output token with its prompt tokens at card `c` (docs/model.md, "Setup").
fn k(c: &Rates, m: &Mix) -> f64 {
    (c.output + m.input * c.input + m.cache_write * c.cache_write + m.cache_read * c.cache_read)
        / 1e6
}

/// The spec's accounting (docs/model.md, "Each month") of one user's life on every plan,
/// written out here rather than taken from `model::accounting`: demand x usage_response
/// metered at the plan kind's card (the plan's own `rates` or retail for payg and hybrid,
/// retail for flat, the burn card for credit), the bill and served share from the plan's
/// rule, serving cost at the cost card times (1 - annual_decline)^(m/12), a fee on each
/// positive bill, overhead for each active month, profit < 0 for a loss user, and on leaving
/// the balance expires.
fn spec_totals(scn: &Scenario, draws: &[f64], life: &UserLife) -> Vec<(Totals, Account)> {
    let v = |p: &crate::dist::Param| p.value(draws);
    let retail = scn.retail.resolve(draws);
    let k_cost = k(&scn.cost.card.resolve(draws), &life.mix);
    let k_retail = k(&retail, &life.mix);
    let decline = v(&scn.cost.annual_decline);
    let (fee_rate, fee_fixed) = (
        v(&scn.cost.payment_fee_rate),
        v(&scn.cost.payment_fee_fixed),
    );
    let per_user_month = v(&scn.cost.per_user_month);
    scn.plans
        .iter()
        .map(|plan| {
            let meter = match &plan.kind {
                PlanKind::Payg(s) => s.rates.map_or(retail, |c| c.resolve(draws)),
                PlanKind::Hybrid(s) => s.rates.map_or(retail, |c| c.resolve(draws)),
                PlanKind::Flat(_) => retail,
                PlanKind::Credit(s) => s.burn.resolve(draws),
                PlanKind::Outcome(_) => unreachable!("the random scenarios have no outcome plan"),
            };
            let k_meter = k(&meter, &life.mix);
            let rule = plan.kind.resolve(draws, &retail);
            let response = v(&plan.usage_response);
            let mut acct = rule.open(life.top_up_u);
            let mut t = Totals {
                users: 1,
                active_user_months: life.demand.len() as u64,
                ..Totals::default()
            };
            for (m, demand) in life.demand.iter().enumerate() {
                let out = demand * response;
                let mb = rule.month(
                    &mut acct,
                    Usage {
                        tasks: 0.0,
                        successes: 0.0,
                        output_tokens: out,
                        mix: &life.mix,
                        metered: out * k_meter,
                        price_factor: 1.0,
                        rate_factor: 1.0,
                    },
                );
                let served = out * mb.served;
                t.revenue += mb.bill;
                t.cost += served * k_cost * (1.0 - decline).powf(m as f64 / 12.0);
                if mb.bill > 0.0 {
                    t.fees += fee_rate * mb.bill + fee_fixed;
                }
                t.served_output_tokens += served;
            }
            t.overhead = per_user_month * life.demand.len() as f64;
            t.profit = t.revenue - t.cost - t.fees - t.overhead;
            t.retail_value = t.served_output_tokens * k_retail;
            t.loss_users = u64::from(t.profit < 0.0);
            if life.left {
                t.churned_users = 1;
                acct.expired += acct.balance;
                acct.balance = 0.0;
            }
            t.breakage_credits = acct.expired;
            (t, acct)
        })
        .collect()
}

/// `got` equals the spec's totals `want`, component by component (up to `REL` of the
/// magnitudes that make up the profit).
fn totals_match(got: &Totals, want: &Totals, what: &str) -> Result<(), TestCaseError> {
    let scale = want.revenue + want.cost + want.fees + want.overhead;
    for (name, g, w, s) in [
        ("revenue", got.revenue, want.revenue, want.revenue),
        ("cost", got.cost, want.cost, want.cost),
        ("fees", got.fees, want.fees, want.fees),
        ("overhead", got.overhead, want.overhead, want.overhead),
        ("profit", got.profit, want.profit, scale),
        (
            "served tokens",
            got.served_output_tokens,
            want.served_output_tokens,
            want.served_output_tokens,
        ),
        (
            "retail value",
            got.retail_value,
            want.retail_value,
            want.retail_value,
        ),
        (
            "breakage",
            got.breakage_credits,
            want.breakage_credits,
            want.breakage_credits,
        ),
    ] {
        prop_assert!(near(g, w, s), "{what}: {name} {g} != spec {w}");
    }
    prop_assert_eq!(
        (got.users, got.active_user_months, got.churned_users),
        (want.users, want.active_user_months, want.churned_users),
        "{}: counts",
        what
    );
    // A profit within rounding of 0 may fall either side.
    if want.profit.abs() > REL * scale {
        prop_assert_eq!(got.loss_users, want.loss_users, "{}: loss user", what);
    }
    Ok(())
}

/// One trial's month sums of one plan against its totals: revenue, cost, fees, overhead and
/// profit add up over months, active users add up to active user-months, each month's overhead
/// is `per_user_month` x its active users and its profit is revenue - cost - fees - overhead
/// (and is the trial's month profit).
fn months_match(
    months: &[MonthTotals],
    month_profit: &[f64],
    t: &Totals,
    per_user_month: f64,
    what: &str,
) -> Result<(), TestCaseError> {
    let scale = t.revenue + t.cost + t.fees + t.overhead;
    let sum = |f: fn(&MonthTotals) -> f64| months.iter().map(f).sum::<f64>();
    for (name, g, w) in [
        ("revenue", sum(|m| m.revenue), t.revenue),
        ("cost", sum(|m| m.cost), t.cost),
        ("fees", sum(|m| m.fees), t.fees),
        ("overhead", sum(|m| m.overhead), t.overhead),
        ("profit", sum(|m| m.profit), t.profit),
    ] {
        prop_assert!(near(g, w, scale), "{what}: months' {name} {g} != total {w}");
    }
    prop_assert_eq!(
        months.iter().map(|m| m.active_users).sum::<u64>(),
        t.active_user_months,
        "{}: active users",
        what
    );
    for (m, (mt, profit)) in months.iter().zip(month_profit).enumerate() {
        let scale = mt.revenue + mt.cost + mt.fees + mt.overhead;
        prop_assert!(
            near(mt.overhead, per_user_month * mt.active_users as f64, scale),
            "{what} month {m}: overhead {mt:?}"
        );
        prop_assert!(
            near(
                mt.profit,
                mt.revenue - mt.cost - mt.fees - mt.overhead,
                scale
            ),
            "{what} month {m}: profit {mt:?}"
        );
        prop_assert!(*profit == mt.profit, "{what} month {m}: month profit");
    }
    Ok(())
}

/// The fewest packs of `pack` credits that bring `have` up to `need` (0 when it covers it).
fn fewest_packs(have: f64, need: f64, pack: f64) -> f64 {
    let mut k = ((need - have).max(0.0) / pack).ceil();
    while k > 0.0 && have + (k - 1.0) * pack >= need {
        k -= 1.0;
    }
    while have + k * pack < need {
        k += 1.0;
    }
    k
}

/// No prompt tokens.
const NO_PROMPT: Mix = Mix {
    input: 0.0,
    cache_write: 0.0,
    cache_read: 0.0,
};

/// A month metered at `x` (as `x` output tokens with no prompt tokens): what the rules bill on.
fn usage(x: f64) -> Usage<'static> {
    Usage {
        output_tokens: x,
        mix: &NO_PROMPT,
        metered: x,
        price_factor: 1.0,
        rate_factor: 1.0,
        tasks: 0.0,
        successes: 0.0,
    }
}

/// A plan's tiers in one trial (docs/model.md, "Tiers"): (inclusive upper bound, rate) per
/// band, the last bound infinite; and whether they apply by volume.
fn spec_tiers(t: &TiersSpec, d: &[f64]) -> (Vec<(f64, f64)>, bool) {
    let bands = t
        .bands
        .iter()
        .map(|b| {
            (
                b.up_to.map_or(f64::INFINITY, |u| u.value(d)),
                b.rate.value(d),
            )
        })
        .collect();
    (bands, t.mode == TierMode::Volume)
}

/// The spec's tiered charge of `x`: by volume, `x` x the rate of the first band whose bound
/// is >= `x`; graduated, the sum over bands of rate x the part of `x` in the band.
fn tiered(bands: &[(f64, f64)], volume: bool, x: f64) -> f64 {
    if volume {
        let (_, rate) = bands.iter().find(|(u, _)| x <= *u).expect("an open band");
        return rate * x;
    }
    let (mut lo, mut sum) = (0.0, 0.0);
    for &(u, rate) in bands {
        sum += rate * (x.min(u) - lo).max(0.0);
        lo = u;
    }
    sum
}

/// The spec's largest charge u <= `y` whose tiered charge is within `cap`, found without the
/// rule's inverse: graduated (continuous, non-decreasing) by bisection; volume among the
/// points where the set of such u can end (`y`, 0, each bound, each cap / rate), keeping
/// those within the cap up to 1e-12 relative (cap / rate x rate may round above the cap).
fn largest_within(bands: &[(f64, f64)], volume: bool, y: f64, cap: f64) -> f64 {
    let within = |u: f64| tiered(bands, volume, u) <= cap * (1.0 + 1e-12);
    if tiered(bands, volume, y) <= cap {
        return y;
    }
    if !volume {
        let (mut lo, mut hi) = (0.0, y);
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if tiered(bands, volume, mid) <= cap {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
    let bounds = bands.iter().map(|b| b.0);
    let crossings = bands.iter().filter(|b| b.1 > 0.0).map(|b| cap / b.1);
    bounds
        .chain(crossings)
        .chain([0.0])
        .filter(|&u| u <= y && within(u))
        .fold(0.0, f64::max)
}

/// Whether plan `p` has volume tiers (its bill may fall as usage rises).
fn volume_tiers(scn: &Scenario, p: usize) -> bool {
    let tiers = match &scn.plans[p].kind {
        PlanKind::Payg(s) => &s.tiers,
        PlanKind::Hybrid(s) => &s.tiers,
        _ => return false,
    };
    tiers.as_ref().is_some_and(|t| t.mode == TierMode::Volume)
}

/// A tiered hybrid month metered at `x` against the spec, with the plan's base fee, allowance,
/// multiplier and spend cap: the largest overage up to the demand whose tiered charge is
/// within the cap is served ([`largest_within`]), and the bill is the base fee plus, by
/// volume, the served overage's tiered charge, graduated, min(tiered charge, cap).
fn hybrid_tiered(
    t: &TiersSpec,
    d: &[f64],
    x: f64,
    (base, included, mult, cap): (f64, f64, f64, f64),
    mb: MonthBill,
) -> Result<(), TestCaseError> {
    let (bands, volume) = spec_tiers(t, d);
    let overage = (x - included).max(0.0) * mult;
    let served = largest_within(&bands, volume, overage, cap);
    let billed = tiered(&bands, volume, if volume { served } else { overage });
    let bill = base + billed.min(cap);
    let what =
        format!("hybrid at {x}: overage {overage}, tiers {bands:?}, volume {volume}, cap {cap}");
    prop_assert!(
        near(mb.bill, bill, bill) && mb.bill >= base && mb.bill <= base + cap,
        "{what}: bill {} != {bill}",
        mb.bill
    );
    let share = if served == overage {
        1.0
    } else {
        (included + served / mult) / x
    };
    prop_assert!(
        near(mb.served, share, 1.0),
        "{what}: served {} != {share}",
        mb.served
    );
    Ok(())
}

/// The trial's rules through the [`Billing`] trait, with the draws they were resolved with.
fn rules(scn: &Scenario, seed: u64) -> (Vec<f64>, Vec<Rule>) {
    let draws = scn
        .draw_slots(|key| stream(seed, 1, 2, key))
        .expect("valid draws");
    let retail = scn.retail.resolve(&draws);
    let rules = scn
        .plans
        .iter()
        .map(|p| p.kind.resolve(&draws, &retail))
        .collect();
    (draws, rules)
}

fn read_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Runs on a pool of `threads` threads and writes every output file into `dir`.
fn run_and_write(scn: &Scenario, threads: usize, dir: &Path) -> RunResults {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let res = pool.install(|| run_ok(scn));
    let summaries = crate::analysis::summary::summarize(scn, &res);
    // The same run facts for both thread counts, so run.json must match too: only the
    // results may differ, and they must not.
    let report = Report {
        scenario: scn,
        results: &res,
        summaries: &summaries,
        config_path: "prop.toml".into(),
        threads: 1,
        wall_seconds: 0.0,
        started_at: std::time::UNIX_EPOCH,
    };
    let written = write_all(dir, &report, &AtomicBool::new(false)).expect("outputs are written");
    assert!(written, "write_all stopped without a stop request");
    res
}

// ---------------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(1024))]

    /// Property 1 on engine totals and on single users: served <= demand x usage_response;
    /// money totals >= 0 and finite; month sums >= 0; each trial's month sums add up to its
    /// totals; each user's totals are the spec's, component by component.
    #[test]
    fn accounting_is_the_specs_and_served_never_exceeds_demand(
        w in small_world(),
        probes in probes(),
    ) {
        let scn = w.scenario();
        let opts = RunOptions { keep_trial_groups: true };
        let res = run_trials(&scn, 0..scn.simulation.trials, &opts, &|_| {}, &AtomicBool::new(false))
            .expect("the engine runs a valid scenario")
            .expect("not stopped");
        for tr in &res.trials {
            let what = format!("trial {}", tr.trial);
            let totals: Vec<&Totals> = tr.plans.iter().map(|p| &p.totals).collect();
            totals_sane(&scn, &tr.draws, &totals, &what)?;
            let groups = tr.groups.as_ref().expect("kept");
            let per_user_month = scn.cost.per_user_month.value(&tr.draws);
            for (p, plan) in tr.plans.iter().enumerate() {
                months_match(
                    &groups.months[p],
                    &plan.month_profit,
                    &plan.totals,
                    per_user_month,
                    &format!("{what} {}", NAMES[p]),
                )?;
            }
        }
        for (p, months) in res.months.iter().enumerate() {
            for (m, mt) in months.iter().enumerate() {
                prop_assert!(
                    [mt.revenue, mt.cost, mt.fees, mt.overhead].iter().all(|x| *x >= 0.0),
                    "{} month {m}: {mt:?}", NAMES[p]
                );
            }
        }
        for probe in &probes {
            let (trial, o) = user(&scn, probe);
            let draws = &res.trials[trial].draws;
            let totals: Vec<&Totals> = o.iter().map(|u| &u.totals).collect();
            totals_sane(&scn, draws, &totals, &format!("{probe:?}"))?;
            prop_assert!(totals.iter().all(|t| t.churned_users <= 1 && t.loss_users <= 1));
            // The same user's life, billed by the spec.
            let st = Trial::resolve(&scn, draws.clone()).expect("valid draws");
            let mut life = UserLife::with_capacity(st.months());
            let seg = probe.seg % scn.segments.len();
            let streams = crate::engine::UserStreams::new(scn.simulation.seed, trial as u64, probe.user);
            live(&st, seg, 0, Size::tokens(probe.d), &streams, &mut life);
            for (p, ((want, acct), got)) in spec_totals(&scn, draws, &life).iter().zip(&o).enumerate() {
                totals_match(&got.totals, want, &format!("{probe:?} {}", NAMES[p]))?;
                prop_assert!(
                    near(got.account.balance, acct.balance, acct.granted + acct.bought),
                    "{probe:?} {}: balance {} != spec {}", NAMES[p], got.account.balance, acct.balance
                );
            }
        }
    }

    /// Properties 1, 2 and 4 month by month through the `Billing` trait: bills >= 0, served
    /// share in [0, 1], each kind's bounds, the credit ledger after every month and on
    /// closing, and hybrid and payg bills monotone in the metered value.
    #[test]
    fn billing_rules_month_by_month(
        w in small_world(),
        top_up_u in prop_oneof![1 => Just(0.0), 4 => 0.0..1.0f64],
        metered in prop::collection::vec(
            prop_oneof![1 => Just(0.0), 3 => 0.0..1e3f64, 2 => 0.0..1e5f64, 1 => 0.0..1e9f64],
            1..=24,
        ),
    ) {
        let scn = w.scenario();
        let (d, rules) = rules(&scn, w.seed);
        for (p, rule) in rules.iter().enumerate() {
            let name = NAMES[p];
            let mut acct = rule.open(top_up_u);
            // A topper is a user whose top-up uniform is below the probability.
            if let PlanKind::Credit(s) = &scn.plans[p].kind {
                let topper = s.top_up.is_some_and(|t| top_up_u < t.probability.value(&d));
                prop_assert_eq!(acct.tops_up, topper, "credit: topper for u = {}", top_up_u);
            }
            for (m, &x) in metered.iter().enumerate() {
                let (burned_before, bought_before) = (acct.burned, acct.bought);
                let balance_before = acct.balance;
                let mb = rule.month(&mut acct, usage(x));
                prop_assert!(
                    mb.bill.is_finite() && mb.bill >= 0.0,
                    "{name} month {m}: bill {} for metered {x}", mb.bill
                );
                prop_assert!(
                    (0.0..=1.0).contains(&mb.served),
                    "{name} month {m}: served share {} for metered {x}", mb.served
                );
                match &scn.plans[p].kind {
                    PlanKind::Payg(s) => {
                        prop_assert!(mb.served == 1.0);
                        let minimum = s.monthly_minimum.value(&d);
                        match &s.tiers {
                            None => prop_assert!(mb.bill == x.max(minimum)),
                            Some(t) => {
                                let (bands, volume) = spec_tiers(t, &d);
                                let bill = tiered(&bands, volume, x).max(minimum);
                                prop_assert!(
                                    near(mb.bill, bill, bill),
                                    "payg: bill {} for metered {x}, tiers {bands:?} volume {volume}, \
                                     expected {bill}", mb.bill
                                );
                            }
                        }
                    }
                    PlanKind::Flat(s) => {
                        prop_assert!(mb.bill == s.price.value(&d));
                        let cap = s.cap.map_or(f64::INFINITY, |c| c.value(&d));
                        served_up_to(x, mb.served, cap, name)?;
                    }
                    PlanKind::Hybrid(s) => {
                        let base = s.base_fee.value(&d);
                        let included = s.included.value(&d);
                        let mult = s.overage_multiplier.value(&d);
                        let cap = s.spend_cap.map_or(f64::INFINITY, |c| c.value(&d));
                        let overage = (x - included).max(0.0) * mult;
                        if let Some(t) = &s.tiers {
                            hybrid_tiered(t, &d, x, (base, included, mult, cap), mb)?;
                        } else {
                            let bill = base + overage.min(cap);
                            prop_assert!(
                                near(mb.bill, bill, bill),
                                "hybrid: bill {} for metered {x}, expected {bill}", mb.bill
                            );
                            prop_assert!(mb.bill >= base && mb.bill <= base + cap);
                            // The usage whose overage reaches the spend cap is served in full.
                            let limit = if mult > 0.0 { included + cap / mult } else { f64::INFINITY };
                            served_up_to(x, mb.served, limit, name)?;
                        }
                    }
                    PlanKind::Credit(s) => {
                        // The price, plus (for a topper) the fewest packs that cover the need.
                        let have = balance_before + s.credits.value(&d);
                        let (bill, bought) = match s.top_up {
                            Some(t) if acct.tops_up => {
                                let pack = t.credits.value(&d);
                                let packs = fewest_packs(have, x, pack);
                                (s.price.value(&d) + packs * t.price.value(&d), packs * pack)
                            }
                            _ => (s.price.value(&d), 0.0),
                        };
                        prop_assert!(
                            near(mb.bill, bill, bill) && near(acct.bought - bought_before, bought, bought),
                            "credit month {m}: bill {} (bought {}) for need {x} with {have} credits, \
                             expected {bill} ({bought})",
                            mb.bill, acct.bought - bought_before
                        );
                        prop_assert!(
                            acct.balance >= 0.0 && acct.balance <= s.rollover.value(&d),
                            "credit month {m}: balance {} outside [0, rollover]", acct.balance
                        );
                        // The served share of the need is what was burned.
                        let burned = acct.burned - burned_before;
                        prop_assert!(
                            near(burned, x * mb.served, x + acct.burned),
                            "credit month {m}: burned {burned} for need {x} served {}", mb.served
                        );
                    }
                    PlanKind::Outcome(_) => unreachable!("the random scenarios have no outcome plan"),
                }
                prop_assert!(conserved(&acct), "{name} month {m}: ledger {acct:?}");
            }
            rule.close(&mut acct);
            prop_assert!(acct.balance == 0.0, "{name}: balance left after closing");
            prop_assert!(conserved(&acct), "{name} closed: ledger {acct:?}");
        }
        // Monotone in the metered value: a fresh account each time (no carried state); not
        // with volume tiers, whose bill may fall across a bound.
        let mut sorted = metered.clone();
        sorted.sort_by(f64::total_cmp);
        for p in [REF, PAYG, HYBRID].into_iter().filter(|&p| !volume_tiers(&scn, p)) {
            let bills: Vec<f64> = sorted
                .iter()
                .map(|&x| rules[p].month(&mut rules[p].open(top_up_u), usage(x)).bill)
                .collect();
            prop_assert!(
                bills.windows(2).all(|b| b[0] <= b[1]),
                "{}: bills {bills:?} fall for metered {sorted:?}", NAMES[p]
            );
        }
    }

    /// Property 2 per user and trial: the credit ledger balances for whole lives, churners
    /// (whose balance expires on leaving) included; breakage is the expired credits; a
    /// stayer's final balance is within the rollover.
    #[test]
    fn credit_ledger_balances_per_user(
        w in small_world(),
        probes in prop::collection::vec(
            (0..3u64, 0..3usize, 0..1_000_000u64, prop_oneof![0.0..1e5f64, 0.0..1e7f64]),
            1..=12,
        ),
    ) {
        let scn = w.scenario();
        // The trials' draws, for the rollover bound.
        let res = run_ok(&scn);
        let PlanKind::Credit(spec) = &scn.plans[CREDIT].kind else {
            unreachable!("plan 3 is the credit plan")
        };
        for (trial, seg, user_id, d) in probes {
            let probe = Probe { trial, seg, user: user_id, d };
            let (trial, o) = user(&scn, &probe);
            let o = o[CREDIT];
            let a = o.account;
            prop_assert!(conserved(&a), "{probe:?}: {a:?}");
            prop_assert!(o.totals.breakage_credits == a.expired);
            if o.totals.churned_users == 1 {
                prop_assert!(a.balance == 0.0, "{probe:?}: a churner kept {}", a.balance);
            } else {
                prop_assert!(a.balance <= spec.rollover.value(&res.trials[trial].draws));
            }
            prop_assert!(
                [a.balance, a.granted, a.bought, a.burned, a.expired].iter().all(|x| *x >= 0.0)
            );
        }
    }

    /// Property 3: flat revenue = price x active user-months; a price higher by `rise` adds
    /// rise x active user-months to revenue, changes fees by exactly the fee formula, profit
    /// by the difference of the two, and nothing else (cost, serving, other plans).
    #[test]
    fn flat_price_passes_through_to_revenue_and_profit(
        w in small_world(),
        rise in prop_oneof![Just(0.0), 0.0..100.0f64],
    ) {
        let mut w2 = w.clone();
        w2.flat.price = w.flat.price + rise;
        let (s1, s2) = (w.scenario(), w2.scenario());
        let (r1, r2) = (run_ok(&s1), run_ok(&s2));
        for (t1, t2) in r1.trials.iter().zip(&r2.trials) {
            prop_assert_eq!(&t1.draws, &t2.draws);
            let d = &t1.draws;
            let rate = s1.cost.payment_fee_rate.value(d);
            let fixed = s1.cost.payment_fee_fixed.value(d);
            let (a, b) = (&t1.plans[FLAT].totals, &t2.plans[FLAT].totals);
            prop_assert_eq!(a.active_user_months, b.active_user_months);
            let months = a.active_user_months as f64;
            // fee on each bill > 0: rate x price + fixed
            let fees = |price: f64| if price > 0.0 { (rate * price + fixed) * months } else { 0.0 };
            for (t, price) in [(a, w.flat.price), (b, w2.flat.price)] {
                prop_assert!(
                    near(t.revenue, price * months, t.revenue),
                    "revenue {} != {price} x {months}", t.revenue
                );
                prop_assert!(
                    near(t.fees, fees(price), t.fees),
                    "fees {} != {} at price {price}", t.fees, fees(price)
                );
            }
            // Profit is a sum of per-user differences of revenue, cost, fees and overhead, so
            // its rounding error is relative to those magnitudes, not to the profit change.
            let scale = [a, b]
                .iter()
                .map(|t| t.revenue + t.cost + t.fees + t.overhead + t.profit.abs())
                .sum::<f64>();
            let expected = rise * months - (b.fees - a.fees);
            prop_assert!(
                near(b.profit - a.profit, expected, scale),
                "profit rose by {} instead of {expected} (rise {rise}, {months} user-months)",
                b.profit - a.profit
            );
            prop_assert!(a.cost == b.cost && a.served_output_tokens == b.served_output_tokens);
            for p in (0..PLANS).filter(|&p| p != FLAT) {
                prop_assert_eq!(&t1.plans[p], &t2.plans[p], "plan {} changed", NAMES[p]);
            }
        }
    }

    /// Property 4: raising a flat cap (or removing it), a hybrid allowance or spend cap (or
    /// removing it), or a credit grant never lowers served usage, per trial and per user (same
    /// seed, same users); the other plans do not change.
    #[test]
    fn raising_limits_never_lowers_served_usage(
        w in small_world(),
        cap in option::of(amount(500.0)),
        included in amount(200.0),
        spend_cap in option::of(amount(300.0)),
        credits in amount(20_000.0),
        probes in probes(),
    ) {
        let mut w2 = w.clone();
        w2.flat.cap = w.flat.cap.zip(cap).map(|(c, r)| c + r);
        w2.hybrid.included = w.hybrid.included + included;
        w2.hybrid.spend_cap = w.hybrid.spend_cap.zip(spend_cap).map(|(c, r)| c + r);
        w2.credit.credits = w.credit.credits + credits;
        let (s1, s2) = (w.scenario(), w2.scenario());
        let (r1, r2) = (run_ok(&s1), run_ok(&s2));
        // A larger allowance may serve less under volume tiers (the overage falls back into a
        // dearer band); a larger spend cap never does.
        let limited: Vec<usize> = [FLAT, CREDIT, HYBRID]
            .into_iter()
            .filter(|&p| p != HYBRID || included == 0.0 || !volume_tiers(&s1, HYBRID))
            .collect();
        for (t1, t2) in r1.trials.iter().zip(&r2.trials) {
            for &p in &limited {
                let (a, b) = (&t1.plans[p].totals, &t2.plans[p].totals);
                prop_assert!(
                    b.served_output_tokens >= a.served_output_tokens,
                    "trial {} {}: served fell from {} to {}",
                    t1.trial, NAMES[p], a.served_output_tokens, b.served_output_tokens
                );
            }
            for p in [REF, PAYG] {
                prop_assert_eq!(&t1.plans[p], &t2.plans[p]);
            }
        }
        for probe in &probes {
            let ((_, o1), (_, o2)) = (user(&s1, probe), user(&s2, probe));
            for &p in &limited {
                let (a, b) = (&o1[p].totals, &o2[p].totals);
                prop_assert!(
                    b.served_output_tokens >= a.served_output_tokens,
                    "{probe:?} {}: served fell from {} to {}",
                    NAMES[p], a.served_output_tokens, b.served_output_tokens
                );
            }
        }
    }

    /// Property 4, demand side: the same user (same noise, churn and mix) with a larger base
    /// demand is never billed less on the hybrid (or a payg) plan unless it has volume tiers,
    /// and is served more on `ref`.
    #[test]
    fn hybrid_bill_never_falls_as_demand_rises(
        w in small_world(),
        probes in probes(),
        more in prop::collection::vec(prop_oneof![Just(0.0), 0.0..1e6f64], 6),
    ) {
        let scn = w.scenario();
        for (probe, extra) in probes.iter().zip(more) {
            let bigger = Probe { d: probe.d + extra, ..probe.clone() };
            let ((_, lo), (_, hi)) = (user(&scn, probe), user(&scn, &bigger));
            for p in [REF, PAYG, HYBRID].into_iter().filter(|&p| !volume_tiers(&scn, p)) {
                prop_assert!(
                    hi[p].totals.revenue >= lo[p].totals.revenue,
                    "{} revenue fell from {} to {} as D rose from {} to {}",
                    NAMES[p], lo[p].totals.revenue, hi[p].totals.revenue, probe.d, bigger.d
                );
            }
            prop_assert!(
                hi[REF].totals.served_output_tokens >= lo[REF].totals.served_output_tokens
            );
        }
    }
}

proptest! {
    #![proptest_config(config(40))]

    /// Property 5: the same results (`==`) and byte-identical output files for 1 and 3
    /// threads; about half the cases have more than one engine block (users > 4096).
    #[test]
    fn one_and_three_threads_give_identical_results_and_files(
        w in world(prop_oneof![1..=300u64, 4097..=9000u64], 1..=3, 1..=6),
    ) {
        let scn = w.scenario();
        let dir = tempfile::tempdir().unwrap();
        let (out1, out3) = (dir.path().join("t1"), dir.path().join("t3"));
        let r1 = run_and_write(&scn, 1, &out1);
        let r3 = run_and_write(&scn, 3, &out3);
        prop_assert!(r1 == r3, "results differ between 1 and 3 threads");
        let (f1, f3) = (read_files(&out1), read_files(&out3));
        prop_assert_eq!(f1.len(), 9, "eight outputs and the manifest");
        prop_assert_eq!(f1.keys().collect::<Vec<_>>(), f3.keys().collect::<Vec<_>>());
        for (name, bytes) in &f1 {
            prop_assert!(!bytes.is_empty(), "{name} is empty");
            prop_assert!(bytes == &f3[name], "{name} differs between 1 and 3 threads");
        }
    }
}
