//! Committed-use discounts through the engine's own accounting: a user who leaves after month
//! k (a life cut at k, for any k) owes the whole or the prorated shortfall of the open term in
//! month k, and nothing beyond a term's own true-up when k ends a term; and property tests on
//! random scenarios with commitments on payg and hybrid, in each mode (with or without a team
//! segment) and in menu mode: money
//! at least 0 and finite (true-ups and open shortfalls included), true-ups within revenue, and a
//! commitment of amount 0 and discount 0 bills exactly what the same plan bills without one.
//!
//! The hand-computed cases have one user of D = 1M output tokens a month, no prompt tokens and
//! a retail card of $10 per M output tokens: $6 a month at a discount of 0.4.

use proptest::prelude::*;

use crate::config::parse;
use crate::engine::{UserStreams, run, trial};
use crate::model::accounting::bill_plan;
use crate::model::commitment::draw_amounts;
use crate::model::user::{Size, UserLife, live};
use crate::results::{MonthTotals, Totals};

/// Three payg plans committing $120 a year at 40% off: whole, prorated, and prorated at $60.
const PLANS: &str = r#"
[[plan]]
name = "whole"
kind = "payg"
commitment = { amount = 120, term_months = 12, discount = 0.4 }

[[plan]]
name = "prorated"
kind = "payg"
commitment = { amount = 120, term_months = 12, discount = 0.4, prorate_on_exit = true }

[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 0
commitment = { amount = 120, term_months = 12, discount = 0.4, prorate_on_exit = true }
"#;

/// Each plan's totals and month sums for one user who is billed months 0..=k of a `months`
/// horizon and leaves after month k.
fn leaver(months: u32, k: usize) -> Vec<(Totals, Vec<MonthTotals>)> {
    let text = format!(
        "name = \"leaver\"\n[simulation]\ntrials = 1\nusers = 1\nmonths = {months}\nseed = 2\n\
         [retail]\ninput = 5\noutput = 10\n[cost]\ninput = 0.5\noutput = 1\n\
         [[segment]]\nname = \"one\"\nshare = 1\noutput_tokens = 1_000_000\n{PLANS}"
    );
    let scn = parse(&text, "leaver.toml").expect("valid");
    let st = trial(&scn, 0).expect("resolves");
    let mut life = UserLife::with_capacity(months as usize);
    let streams = UserStreams::new(2, 0, 0);
    live(&st, 0, 0, Size::tokens(1e6), &streams, &mut life);
    for v in [&mut life.demand, &mut life.noise, &mut life.leave_u] {
        v.truncate(k + 1);
    }
    life.left = true;
    draw_amounts(&st, &streams, &mut life);
    assert_eq!(life.commit, [120.0; 3]);
    (0..st.plans())
        .map(|p| {
            let mut m = vec![MonthTotals::default(); months as usize];
            let o = bill_plan(&st, p, &life, &mut m);
            (o.totals, m)
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn a_leaver_after_month_k_owes_the_whole_or_the_prorated_shortfall_in_month_k() {
    // (k, whole's true-up, prorated's): k + 1 months billed at $6 in the open term.
    // k = 3: 120 - 24 = 96; prorated 120 x 4/12 - 24 = 16. k = 7: 120 - 48 = 72; 80 - 48 = 32.
    for (k, whole, prorated) in [(0, 114.0, 4.0), (3, 96.0, 16.0), (7, 72.0, 32.0)] {
        let out = leaver(12, k);
        for (p, want) in [(0, whole), (1, prorated), (2, prorated)] {
            let (t, m) = &out[p];
            assert!(close(t.trueup_revenue, want), "k {k} plan {p}: {t:?}");
            assert!(
                close(t.revenue, 6.0 * (k + 1) as f64 + want),
                "k {k} plan {p}: {t:?}"
            );
            assert!(
                close(m[k].revenue, 6.0 + want),
                "k {k} plan {p}: {:?}",
                m[k]
            );
            assert_eq!((t.trueup_open, t.churned_users), (0.0, 1));
        }
    }
}

#[test]
fn a_leaver_at_a_terms_end_owes_its_true_up_and_no_exit_then_a_new_term_starts() {
    // k = 11 ends the first term: 120 - 72 = 48, and no term is open at the exit.
    for (t, m) in leaver(24, 11) {
        assert!(
            close(t.trueup_revenue, 48.0) && close(m[11].revenue, 54.0),
            "{t:?}"
        );
    }
    // k = 12: the first term's 48 in month 11, then one month of the second term: whole owes
    // 120 - 6 = 114, prorated 10 - 6 = 4, in month 12.
    let out = leaver(24, 12);
    for (p, exit) in [(0, 114.0), (1, 4.0), (2, 4.0)] {
        let (t, m) = &out[p];
        assert!(close(t.trueup_revenue, 48.0 + exit), "plan {p}: {t:?}");
        assert!(
            close(m[11].revenue, 54.0) && close(m[12].revenue, 6.0 + exit),
            "plan {p}"
        );
    }
}

/// A random scenario with commitments on payg and hybrid (amounts per user, drawn discounts,
/// both exit rules) beside the same plans without one.
#[derive(Clone, Debug)]
struct World {
    menu: bool,
    months: u32,
    churn: f64,
    vol: f64,
    amount: f64,
    term: u64,
    discount: f64,
    prorate: bool,
    minimum: f64,
    /// Team segment (each mode only: menu mode refuses teams).
    team: bool,
}

fn world() -> impl Strategy<Value = World> {
    (
        any::<bool>(),
        1u32..30,
        0.0..0.5f64,
        0.0..1.5f64,
        (0.0..500.0f64, 1u64..14, 0.0..0.95f64, any::<bool>()),
        0.0..20.0f64,
        any::<bool>(),
    )
        .prop_map(
            |(menu, months, churn, vol, (amount, term, discount, prorate), minimum, team)| World {
                menu,
                months,
                churn,
                vol,
                amount,
                term,
                discount,
                prorate,
                minimum,
                team: team && !menu,
            },
        )
}

impl World {
    /// The commitment line: amounts uniform on [0, `amount`] (the plain 0 when `amount` is 0).
    fn commitment(&self, amount: f64, discount: f64) -> String {
        let amount = if amount > 0.0 {
            format!("{{ dist = \"uniform\", min = 0, max = {amount:?} }}")
        } else {
            "0".to_string()
        };
        format!(
            "commitment = {{ amount = {amount}, term_months = {}, discount = {discount:?}, \
             prorate_on_exit = {} }}",
            self.term, self.prorate
        )
    }

    /// The scenario, with the line `commit` on both plans.
    fn toml(&self, commit: &str) -> String {
        let market = if self.menu {
            "mode = \"menu\"\nrechoose = \"monthly\"\nnew_users_per_month = 2\n"
        } else {
            "new_users_per_month = 2\n"
        };
        format!(
            r#"name = "commit-prop"
[simulation]
trials = 2
users = 12
months = {months}
seed = 4
[retail]
input = 3
output = 15
[cost]
input = 0.3
output = 1.5
payment_fee_rate = 0.03
payment_fee_fixed = 0.3
per_user_month = 0.1
[market]
{market}
[[segment]]
name = "s"
share = 1
output_tokens = {{ dist = "lognormal", median = 500000, sigma = 1 }}
input_per_output = 2
monthly_volatility = {vol:?}
monthly_churn = {churn:?}
value = {{ dist = "uniform", min = 0, max = 100 }}
{team}

[[plan]]
name = "api"
kind = "payg"
monthly_minimum = {minimum:?}
{commit}

[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 10
included = 5
spend_cap = 40
{commit}
"#,
            months = self.months,
            vol = self.vol,
            churn = self.churn,
            minimum = self.minimum,
            team = if self.team {
                "team_size = 3\nseat_churn = 0.1"
            } else {
                ""
            },
        )
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20_261_130),
        ..ProptestConfig::default()
    })]

    #[test]
    fn money_is_non_negative_and_true_ups_are_part_of_revenue(w in world()) {
        let text = w.toml(&w.commitment(w.amount, w.discount));
        let scn = parse(&text, "prop.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        let res = run(&scn, &|_| {}).expect("runs");
        for t in &res.trials {
            for pt in &t.plans {
                let x = &pt.totals;
                for v in [x.revenue, x.cost, x.fees, x.overhead, x.trueup_revenue, x.trueup_open] {
                    prop_assert!(v.is_finite() && v >= 0.0, "{x:?}");
                }
                prop_assert!(x.trueup_revenue <= x.revenue * (1.0 + 1e-12), "{x:?}");
            }
        }
        for months in &res.months {
            for mt in months {
                prop_assert!(mt.revenue >= 0.0 && mt.fees >= 0.0, "{mt:?}");
            }
        }
    }

    #[test]
    fn a_commitment_of_nothing_at_no_discount_bills_like_none(w in world()) {
        let with = parse(&w.toml(&w.commitment(0.0, 0.0)), "zero.toml").expect("valid");
        let without = parse(&w.toml(""), "plain.toml").expect("valid");
        let (a, b) = (run(&with, &|_| {}).expect("runs"), run(&without, &|_| {}).expect("runs"));
        for (ta, tb) in a.trials.iter().zip(&b.trials) {
            for (pa, pb) in ta.plans.iter().zip(&tb.plans) {
                prop_assert_eq!(pa.totals, pb.totals);
            }
        }
        prop_assert_eq!(a.months, b.months);
    }
}
