//! Teams and `per_seat` plans: hand-computed pooled bills of one 3-seat account with unequal
//! seat demand (a flat plan's pooled cap, a hybrid's pooled allowance, a credit plan's pooled
//! balance), each against the same plan billing every seat on its own; one payment fee per
//! account bill; profit split over seats by demand (equally at zero demand); team churn and
//! seat churn; dealing and blocks of whole accounts; and a property test: pooled credits never
//! expire more than the same credits per seat, a pooled allowance never bills more overage, and
//! credits are conserved with pooling (granted + bought = burned + expired + balance); and a
//! property test of random team scenarios through the engine (every seat billed once, served
//! <= demand, money >= 0, month sums equal to the totals, accounts counted).
//!
//! Every expected number is worked out in the comments from the spec (docs/model.md).

use proptest::prelude::*;

use crate::config::parse;
use crate::engine::run;
use crate::model::accounting::bill_plan;
use crate::model::team::{bill_account, end_seats, seats_of};
use crate::model::user::UserLife;
use crate::model::{Mix, Trial};
use crate::results::{MonthTotals, Totals};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Retail $10 per M output tokens (no prompt tokens), cost $1 per M; a 10% + $0.30 payment fee
/// on every bill > 0; $0.20 overhead a seat-month. Plans 0-2 are per_seat, 3-5 the same terms
/// billed per seat:
/// flat $20 with a $15 fair-use cap; hybrid $10 base, $5 included, overage x2; credit $10 for
/// 20 credits, burning 10 credits per M output tokens, no rollover.
const SCN: &str = r#"
name = "seats"
[simulation]
trials = 1
users = USERS
months = MONTHS
[retail]
input = 0
output = 10
[cost]
input = 0
output = 1
per_user_month = 0.2
payment_fee_rate = 0.1
payment_fee_fixed = 0.3
[[segment]]
name = "team"
share = 1
output_tokens = 1_000_000
team_size = TEAM
monthly_churn = CHURN
EXTRA
[[plan]]
name = "flat-seat"
kind = "flat"
price = 20
cap = 15
per_seat = true
[[plan]]
name = "hybrid-seat"
kind = "hybrid"
base_fee = 10
included = 5
overage_multiplier = 2
per_seat = true
[[plan]]
name = "credit-seat"
kind = "credit"
price = 10
credits = 20
burn = { input = 0, output = 10 }
per_seat = true
[[plan]]
name = "flat"
kind = "flat"
price = 20
cap = 15
[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 10
included = 5
overage_multiplier = 2
[[plan]]
name = "credit"
kind = "credit"
price = 10
credits = 20
burn = { input = 0, output = 10 }
"#;

fn scenario(users: u64, months: u32, team: &str, churn: f64, extra: &str) -> crate::Scenario {
    let text = SCN
        .replace("USERS", &users.to_string())
        .replace("MONTHS", &months.to_string())
        .replace("TEAM", team)
        .replace("CHURN", &churn.to_string())
        .replace("EXTRA", extra);
    parse(&text, "seats.toml").expect("valid")
}

/// A seat of segment 0 arriving at month 0 with `demand` M output tokens each month (no noise,
/// no prompt tokens, staying to the horizon).
fn seat(trial: &Trial, demand: &[f64]) -> UserLife {
    let mut l = UserLife::with_capacity(demand.len());
    l.mix = Mix::new(0.0, 0.0, 0.0);
    l.demand = demand.iter().map(|d| d * 1e6).collect();
    l.base = l.demand[0];
    l.noise = vec![1.0; demand.len()];
    l.leave_u = vec![0.99; demand.len()];
    l.top_up_u = 0.5;
    l.k_retail = trial.retail.per_output_token(&l.mix);
    l.k_cost = trial.cost.per_output_token(&l.mix);
    l
}

/// Seats of 0.2M, 1M and 4M output tokens a month, for 2 months.
fn unequal(trial: &Trial) -> Vec<UserLife> {
    [0.2, 1.0, 4.0]
        .iter()
        .map(|&d| seat(trial, &[d, d]))
        .collect()
}

/// Bills `lives` on plan `p` as one pooled account: (month sums, seat totals, account).
fn pooled(trial: &Trial, p: usize, lives: &[UserLife]) -> (Vec<MonthTotals>, Vec<Totals>) {
    let mut months = vec![MonthTotals::default(); trial.months()];
    let mut seats = vec![Totals::default(); lives.len()];
    bill_account(trial, p, lives, &mut months, &mut seats);
    (months, seats)
}

/// Bills every seat of `lives` on its own on plan `p`: month sums and the seats' breakage.
fn alone(trial: &Trial, p: usize, lives: &[UserLife]) -> (Vec<MonthTotals>, f64) {
    let mut months = vec![MonthTotals::default(); trial.months()];
    let mut expired = 0.0;
    for l in lives {
        expired += bill_plan(trial, p, l, &mut months).account.expired;
    }
    (months, expired)
}

fn trial_of(scn: &crate::Scenario) -> Trial {
    crate::engine::trial(scn, 0).expect("trial")
}

#[test]
fn a_pooled_cap_serves_the_account_up_to_three_caps_with_one_fee() {
    let scn = scenario(3, 2, "3", 0.0, "");
    let t = trial_of(&scn);
    let lives = unequal(&t);
    // Pooled: price 3 x 20 = $60, cap 3 x 15 = $45 of retail value; demand 5.2M = $52, so every
    // seat is served 45/52: 4.5M tokens, $4.50 of cost. One fee: 0.1 x 60 + 0.3 = $6.30.
    // Overhead 3 x 0.2 = $0.60; profit 60 - 4.5 - 6.3 - 0.6 = $48.60 a month.
    let (m, seats) = pooled(&t, 0, &lives);
    for mt in &m {
        assert!(close(mt.revenue, 60.0), "{mt:?}");
        assert!(close(mt.served_output_tokens, 4.5e6), "{mt:?}");
        assert!(close(mt.cost, 4.5), "{mt:?}");
        assert!(close(mt.fees, 6.3), "{mt:?}");
        assert_eq!(mt.active_users, 3);
        assert!(close(mt.demanded_output_tokens, 5.2e6));
    }
    // Per seat: $20 each, caps of $15: the 4M seat ($40) is served 15/40 = 1.5M, the others in
    // full: 0.2 + 1 + 1.5 = 2.7M. Three fees: 3 x (0.1 x 20 + 0.3) = $6.90.
    let (m1, _) = alone(&t, 3, &lives);
    assert!(close(m1[0].revenue, 60.0) && close(m1[0].served_output_tokens, 2.7e6));
    assert!(close(m1[0].fees, 6.9), "{:?}", m1[0]);
    // The account's profit is split by demand: 0.2/5.2, 1/5.2, 4/5.2 of $48.60 a month; the
    // account is counted once, on its first seat; each seat keeps its own served tokens.
    let profit = 2.0 * 48.6;
    for (s, d) in seats.iter().zip([0.2, 1.0, 4.0]) {
        assert!(close(s.profit, profit * d / 5.2), "{s:?}");
        assert!(close(s.revenue, 120.0 * d / 5.2), "{s:?}");
        assert!(
            close(s.served_output_tokens, 2.0 * d * 1e6 * 45.0 / 52.0),
            "{s:?}"
        );
        assert!(close(s.revenue - s.cost - s.fees - s.overhead, s.profit));
        assert_eq!((s.users, s.active_user_months), (1, 2));
    }
    assert_eq!(
        seats.iter().map(|s| s.accounts).collect::<Vec<_>>(),
        [1, 0, 0]
    );
}

#[test]
fn a_pooled_allowance_bills_strictly_less_overage_with_unequal_seats() {
    let scn = scenario(3, 2, "3", 0.0, "");
    let t = trial_of(&scn);
    let lives = unequal(&t);
    // Pooled: base 3 x 10 = $30, included 3 x 5 = $15; usage $52: overage (52 - 15) x 2 = $74;
    // bill $104 a month.
    let (m, _) = pooled(&t, 1, &lives);
    assert!(
        close(m[0].revenue, 104.0) && close(m[1].revenue, 104.0),
        "{m:?}"
    );
    // Per seat: $2 (none over $5), $10 (5 over: $10), $40 (35 over: $70): overage $80, bill
    // 30 + 80 = $110. The small seat's unused allowance is what pooling gives the others.
    let (m1, _) = alone(&t, 4, &lives);
    assert!(close(m1[0].revenue, 110.0), "{m1:?}");
    assert!(m[0].revenue - 30.0 < m1[0].revenue - 30.0);
}

#[test]
fn pooled_credits_expire_strictly_less_and_are_conserved() {
    let scn = scenario(3, 2, "3", 0.0, "");
    let t = trial_of(&scn);
    let lives = unequal(&t);
    let mut months = vec![MonthTotals::default(); 2];
    let mut seats = vec![Totals::default(); 3];
    let a = bill_account(&t, 2, &lives, &mut months, &mut seats);
    // Pooled: 60 credits a month for 52 needed (10 per M): 8 expire each month: 16; all served.
    assert!(close(a.expired, 16.0) && close(a.granted, 120.0) && close(a.burned, 104.0));
    assert!(close(
        a.granted + a.bought,
        a.burned + a.expired + a.balance
    ));
    assert!(close(months[0].served_output_tokens, 5.2e6));
    assert!(close(
        seats.iter().map(|s| s.breakage_credits).sum::<f64>(),
        16.0
    ));
    // Per seat: 20 each for 2, 10 and 40: 18 + 10 + 0 expire a month (56), and the 4M seat is
    // served half.
    let (m1, expired) = alone(&t, 5, &lives);
    assert!(close(expired, 56.0), "{expired}");
    assert!(close(m1[0].served_output_tokens, 3.2e6));
}

#[test]
fn profit_is_split_equally_in_a_month_without_demand() {
    let scn = scenario(3, 2, "3", 0.0, "");
    let t = trial_of(&scn);
    let lives: Vec<UserLife> = (0..3).map(|_| seat(&t, &[0.0, 0.0])).collect();
    // Flat: $60 a month, no cost, fee 6.3, overhead 0.6: $53.10 a month, a third to each seat.
    let (_, seats) = pooled(&t, 0, &lives);
    for s in &seats {
        assert!(close(s.profit, 2.0 * 53.1 / 3.0), "{s:?}");
    }
}

#[test]
fn seats_that_leave_shrink_the_account_month_by_month() {
    let scn = scenario(3, 3, "3", 0.0, "");
    let t = trial_of(&scn);
    // The 4M seat stays 1 month, the 1M seat 2, the 0.2M seat 3 (cut by hand).
    let mut lives = vec![
        seat(&t, &[0.2, 0.2, 0.2]),
        seat(&t, &[1.0, 1.0]),
        seat(&t, &[4.0]),
    ];
    lives[1].left = true;
    lives[2].left = true;
    // Flat per seat: $60, then $40 (2 seats, cap $30 for $12: all served), then $20.
    let (m, seats) = pooled(&t, 0, &lives);
    let bills: Vec<f64> = m.iter().map(|x| x.revenue).collect();
    assert_eq!(bills, [60.0, 40.0, 20.0]);
    assert_eq!(
        m.iter().map(|x| x.active_users).collect::<Vec<_>>(),
        [3, 2, 1]
    );
    assert_eq!(
        seats
            .iter()
            .map(|s| s.active_user_months)
            .collect::<Vec<_>>(),
        [3, 2, 1]
    );
    assert_eq!(
        seats.iter().map(|s| s.churned_users).collect::<Vec<_>>(),
        [0, 1, 1]
    );
    // Credit: 60 granted for 52 needed, then 40 for 12, then 20 for 2: 8 + 28 + 18 expire.
    let mut months = vec![MonthTotals::default(); 3];
    let mut out = vec![Totals::default(); 3];
    let a = bill_account(&t, 2, &lives, &mut months, &mut out);
    assert!(close(a.expired, 54.0) && close(a.granted, 120.0), "{a:?}");
}

#[test]
fn the_first_seats_churn_uniform_ends_the_whole_team() {
    let scn = scenario(3, 4, "3", 0.3, "");
    let t = trial_of(&scn);
    let mut lives: Vec<UserLife> = (0..3).map(|_| seat(&t, &[1.0; 4])).collect();
    // The first seat's uniform of month 1 (0.1) is below 0.3; the others' (0.05) do not count.
    lives[0].leave_u = vec![0.9, 0.1, 0.9, 0.9];
    lives[1].leave_u = vec![0.05; 4];
    lives[2].leave_u = vec![0.05; 4];
    end_seats(&t, &mut lives, |_| -> rand_xoshiro::Xoshiro256PlusPlus {
        unreachable!("no seat churn: no seat-churn draw")
    });
    for l in &lives {
        assert_eq!(l.demand.len(), 2);
        assert!(l.left);
    }
}

#[test]
fn seat_churn_of_one_ends_every_seat_after_its_first_month() {
    let scn = scenario(3, 4, "3", 0.0, "seat_churn = 1");
    let t = trial_of(&scn);
    let mut lives: Vec<UserLife> = (0..3).map(|_| seat(&t, &[1.0; 4])).collect();
    end_seats(&t, &mut lives, |j| {
        use crate::model::purpose::{Purpose, Streams};
        crate::engine::UserStreams::new(1, 0, j as u64).rng(Purpose::SeatChurn)
    });
    assert!(lives.iter().all(|l| l.demand.len() == 1 && l.left));
}

#[test]
fn team_sizes_round_half_away_from_zero() {
    assert_eq!([1.0, 1.49, 1.5, 2.5, 3.0].map(seats_of), [1, 1, 2, 3, 3]);
}

/// Through the engine: 7 users in teams of 3 make accounts of 3, 3 and 1; a per_seat flat plan
/// bills 3 accounts (one fee each), the same plan per seat 7.
#[test]
fn the_engine_deals_accounts_and_counts_them() {
    let scn = scenario(7, 2, "3", 0.0, "");
    let res = run(&scn, &|_| {}).expect("runs");
    let seat_plan = &res.trials[0].plans[0].totals;
    let flat = &res.trials[0].plans[3].totals;
    assert_eq!((seat_plan.users, seat_plan.accounts), (7, 3));
    assert_eq!((flat.users, flat.accounts), (7, 7));
    // Equal demand of 1M ($10) per seat, caps of $15 a seat: everything served either way.
    // Bills 7 x $20 = $140 a month; fees: 3 accounts (0.1 x 60 + 0.3) x 2 + (0.1 x 20 + 0.3)
    // = 12.6 + 2.3 = $14.90 a month against 7 x 2.3 = $16.10.
    let m = &res.months[0][0];
    assert!(close(m.revenue, 140.0) && close(m.fees, 14.9), "{m:?}");
    assert!(close(res.months[3][0].fees, 16.1));
    // Team churn of 1: every account leaves after month 0.
    let scn = scenario(7, 3, "3", 1.0, "");
    let res = run(&scn, &|_| {}).expect("runs");
    let t = &res.trials[0].plans[0].totals;
    assert_eq!((t.active_user_months, t.churned_users), (7, 7));
}

/// A team of one lives and bills as the same user without teams: plans without per_seat
/// exactly, per_seat plans in the same month sums (whole-horizon sums are added month by month
/// there, so equal to rounding).
#[test]
fn teams_of_one_bill_as_users_alone() {
    let scn = scenario(50, 6, "1", 0.2, "");
    let text = serde_json::to_string(&scn.segments[0].team_size).unwrap();
    assert_eq!(text, "1.0");
    let teams = run(&scn, &|_| {}).expect("runs");
    let mut plain = scn.clone();
    plain.segments[0].team_size = None;
    let plain = run(&plain, &|_| {}).expect("runs");
    for p in 0..6 {
        let (a, b) = (
            &teams.trials[0].plans[p].totals,
            &plain.trials[0].plans[p].totals,
        );
        if p >= 3 {
            assert_eq!(a, b, "plan {p}");
        } else {
            assert!(
                close(a.profit, b.profit) && close(a.revenue, b.revenue),
                "plan {p}"
            );
            assert_eq!(
                (a.users, a.accounts, a.active_user_months),
                (b.users, b.accounts, b.active_user_months)
            );
        }
        assert_eq!(teams.months[p], plain.months[p], "plan {p}");
    }
    // Without teams a per_seat plan bills each user alone: the same as without per_seat.
    for p in 0..3 {
        assert_eq!(
            plain.trials[0].plans[p].totals,
            plain.trials[0].plans[p + 3].totals
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Pooled credits never expire more than the same credits billed per seat, a pooled
    /// allowance never bills more overage, a pooled cap serves at least as much, and credits are
    /// conserved with pooling (top-ups included).
    #[test]
    fn pooling_never_costs_the_customer_more(
        demand in prop::collection::vec(prop::collection::vec(0.0f64..5.0, 3), 1..6),
        rollover in 0.0f64..30.0,
        top_up in any::<bool>(),
    ) {
        let extra = if top_up {
            "top_up = { price = 5, credits = 7, probability = 1 }"
        } else { "" };
        let text = SCN.replace("burn = { input = 0, output = 10 }\nper_seat",
            &format!("burn = {{ input = 0, output = 10 }}\nrollover = {rollover}\n{extra}\nper_seat"));
        let text = text
            .replace("USERS", "3").replace("MONTHS", "3").replace("TEAM", "3")
            .replace("CHURN", "0").replace("EXTRA", "");
        let scn = parse(&text, "p.toml").expect("valid");
        let t = trial_of(&scn);
        let lives: Vec<UserLife> = demand.iter().map(|d| seat(&t, &d[..])).collect();
        let mut months = vec![MonthTotals::default(); t.months()];
        let mut seats = vec![Totals::default(); lives.len()];
        let a = bill_account(&t, 2, &lives, &mut months, &mut seats);
        prop_assert!((a.granted + a.bought - a.burned - a.expired - a.balance).abs()
            <= 1e-9 * (a.granted + a.bought).max(1.0), "{a:?}");
        if !top_up {
            // The per-seat plan has rollover 0: compare with the pooled plan's own terms.
            let mut per_seat_expired = 0.0;
            for l in &lives {
                let mut m = vec![MonthTotals::default(); t.months()];
                per_seat_expired += bill_account(&t, 2, std::slice::from_ref(l), &mut m,
                    &mut [Totals::default()]).expired;
            }
            prop_assert!(a.expired <= per_seat_expired + 1e-9, "{} > {}", a.expired, per_seat_expired);
        }
        let (pm, _) = pooled(&t, 1, &lives);
        let (am, _) = alone(&t, 4, &lives);
        for (x, y) in pm.iter().zip(&am) {
            prop_assert!(x.revenue <= y.revenue + 1e-9, "{} > {}", x.revenue, y.revenue);
        }
        // A pooled cap serves at least what the seats' own caps serve, for the same bill.
        let (pf, _) = pooled(&t, 0, &lives);
        let (af, _) = alone(&t, 3, &lives);
        for (x, y) in pf.iter().zip(&af) {
            prop_assert!(x.served_output_tokens >= y.served_output_tokens * (1.0 - 1e-12));
            prop_assert!(close(x.revenue, y.revenue));
        }
    }
}

/// Without teams every user billed is an account, in each mode and in menu mode (the portfolio
/// counts a user once).
#[test]
fn without_teams_accounts_are_users_in_both_modes() {
    for file in ["configs/menu.toml", "configs/minimal.toml"] {
        let text = std::fs::read_to_string(file).expect("shipped config");
        let mut scn = parse(&text, file).expect("valid");
        scn.simulation.trials = 2;
        scn.simulation.users = 300;
        let res = run(&scn, &|_| {}).expect("runs");
        for t in &res.trials {
            for p in &t.plans {
                assert_eq!(p.totals.accounts, p.totals.users, "{file}");
            }
        }
        assert!(res.trials[0].plans.iter().any(|p| p.totals.users > 0));
    }
}

/// A random team scenario: a segment of single users beside a team segment (team size fixed or
/// drawn, team and seat churn, noise), with the reference payg plan (index 0, each seat alone)
/// and per_seat plans of every kind (payg with a minimum, flat with a cap, credit with rollover
/// and top-ups, hybrid with a spend cap, in that order).
pub(super) fn random_teams(
    team: &str,
    seat_churn: f64,
    churn: f64,
    users: u64,
    months: u32,
) -> String {
    format!(
        r#"
name = "teams"
[simulation]
trials = 2
users = {users}
months = {months}
seed = 3
[retail]
input = 2
output = 10
[cost]
input = 0.2
output = 1
per_user_month = 0.1
payment_fee_rate = 0.03
payment_fee_fixed = 0.3
[[segment]]
name = "solo"
share = 0.3
output_tokens = {{ dist = "lognormal", median = 1_000_000, p99 = 10_000_000 }}
input_per_output = 3
monthly_churn = {churn}
[[segment]]
name = "teams"
share = 0.7
output_tokens = {{ dist = "lognormal", median = 1_000_000, p99 = 10_000_000 }}
input_per_output = 3
monthly_volatility = 0.5
monthly_churn = {churn}
team_size = {team}
seat_churn = {seat_churn}
[[plan]]
name = "ref"
kind = "payg"
[[plan]]
name = "payg"
kind = "payg"
monthly_minimum = 3
per_seat = true
[[plan]]
name = "flat"
kind = "flat"
price = 20
cap = 12
per_seat = true
[[plan]]
name = "credit"
kind = "credit"
price = 10
credits = 100
rollover = 40
burn = {{ input = 5, output = 10 }}
top_up = {{ price = 5, credits = 50, probability = 0.5 }}
per_seat = true
[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 10
included = 8
spend_cap = 30
per_seat = true
"#
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Through the engine, with random teams: every seat is billed once on every row and lives
    /// the same months on each; served tokens never exceed the demand (the reference plan serves
    /// it all); money is >= 0 and profit is revenue - cost - fees - overhead; the month sums add
    /// up to the totals; per_seat rows bill fewer accounts than seats, the same on each.
    #[test]
    fn teams_through_the_engine_keep_the_books(
        team in prop_oneof![
            (1u32..6).prop_map(|k| k.to_string()),
            (1.0f64..3.0, 3.0f64..9.0)
                .prop_map(|(a, b)| format!("{{ dist = \"uniform\", min = {a}, max = {b} }}")),
        ],
        seat_churn in prop_oneof![Just(0.0), 0.0f64..1.0],
        churn in prop_oneof![Just(0.0), Just(1.0), 0.0f64..1.0],
        users in 1u64..60,
        months in 1u32..6,
    ) {
        let text = random_teams(&team, seat_churn, churn, users, months);
        let scn = parse(&text, "teams.toml").expect("valid");
        let res = run(&scn, &|_| {}).expect("runs");
        for t in &res.trials {
            let r = &t.plans[0].totals;
            prop_assert_eq!(r.users, users);
            prop_assert_eq!(r.accounts, users);
            for (p, plan) in t.plans.iter().enumerate() {
                let x = &plan.totals;
                prop_assert!(x.is_finite());
                prop_assert_eq!(x.users, users);
                prop_assert_eq!(x.active_user_months, r.active_user_months);
                prop_assert_eq!(x.churned_users, r.churned_users);
                prop_assert!(x.accounts <= users && x.accounts >= 1);
                if p > 0 {
                    prop_assert_eq!(x.accounts, t.plans[1].totals.accounts);
                }
                prop_assert!(x.revenue >= 0.0 && x.cost >= 0.0 && x.fees >= 0.0);
                prop_assert!(x.overhead >= 0.0 && x.breakage_credits >= 0.0);
                prop_assert!(x.served_output_tokens <= r.served_output_tokens * (1.0 + 1e-9));
                prop_assert!(close(x.profit, x.revenue - x.cost - x.fees - x.overhead));
            }
        }
        for (p, months) in res.months.iter().enumerate() {
            // Month sums over both trials against the totals summed over both.
            let sum = |f: &dyn Fn(&Totals) -> f64| -> f64 {
                res.trials.iter().map(|t| f(&t.plans[p].totals)).sum()
            };
            let active: u64 = months.iter().map(|m| m.active_users).sum();
            prop_assert_eq!(active as f64, sum(&|t| t.active_user_months as f64));
            let revenue: f64 = months.iter().map(|m| m.revenue).sum();
            prop_assert!(close(revenue, sum(&|t| t.revenue)), "{} {}", revenue, sum(&|t| t.revenue));
            let served: f64 = months.iter().map(|m| m.served_output_tokens).sum();
            prop_assert!(close(served, sum(&|t| t.served_output_tokens)));
            let demanded: f64 = months.iter().map(|m| m.demanded_output_tokens).sum();
            let ref_demanded: f64 = res.months[0].iter().map(|m| m.demanded_output_tokens).sum();
            prop_assert!(close(demanded, ref_demanded));
        }
    }
}

/// The memory estimate counts the largest account's lives on every thread (three months'
/// vectors per seat) and an account start per user, and nothing without teams.
#[test]
fn the_memory_estimate_counts_the_largest_account_per_thread() {
    use crate::engine::Footprint;
    let teams = scenario(
        5000,
        120,
        "{ dist = \"uniform\", min = 1, max = 1000 }",
        0.0,
        "",
    );
    let mut plain = teams.clone();
    plain.segments[0].team_size = None;
    for threads in [1, 4] {
        let extra = Footprint::of(&teams, threads).bytes - Footprint::of(&plain, threads).bytes;
        let lives = threads as f64 * 1000.0 * 3.0 * 8.0 * 120.0;
        assert!(extra >= lives + 8.0 * 5000.0, "{extra} < {lives}");
        assert!(extra < 2.0 * lives + 1e6, "{extra}");
    }
}

/// The monthly minimum and the spend cap are per seat too: payg with a $5 minimum and a hybrid
/// with a $10 spend cap, per_seat, on the 0.2M / 1M / 4M seats.
#[test]
fn a_pooled_minimum_and_a_pooled_spend_cap() {
    let text = SCN
        .replace("USERS", "3")
        .replace("MONTHS", "1")
        .replace("TEAM", "3")
        .replace("CHURN", "0")
        .replace("EXTRA", "")
        .replace(
            "[[plan]]\nname = \"flat-seat\"",
            "[[plan]]\nname = \"payg-seat\"\nkind = \"payg\"\nmonthly_minimum = 5\nper_seat = true\n\
             [[plan]]\nname = \"capped-seat\"\nkind = \"hybrid\"\nbase_fee = 10\nincluded = 5\n\
             overage_multiplier = 2\nspend_cap = 10\nper_seat = true\n[[plan]]\nname = \"flat-seat\"",
        );
    let scn = parse(&text, "seats.toml").expect("valid");
    let t = trial_of(&scn);
    let lives: Vec<UserLife> = [0.2, 1.0, 4.0].iter().map(|&d| seat(&t, &[d])).collect();
    // payg: max($52, 3 x $5) = $52 pooled; alone $5 (for $2) + $10 + $40 = $55.
    let (m, _) = pooled(&t, 0, &lives);
    assert!(close(m[0].revenue, 52.0), "{m:?}");
    let mut alone = vec![MonthTotals::default(); 1];
    let bills: f64 = lives
        .iter()
        .map(|l| bill_plan(&t, 0, l, &mut alone).totals.revenue)
        .sum();
    assert!(close(bills, 55.0), "{bills}");
    // Two seats of 0.1M: max($2, $10) = $10, the minimum of two seats.
    let two: Vec<UserLife> = (0..2).map(|_| seat(&t, &[0.1])).collect();
    assert!(close(pooled(&t, 0, &two).0[0].revenue, 10.0));
    // Hybrid: overage (52 - 15) x 2 = $74, capped at 3 x $10 = $30: bill $60; served
    // (15 + 30 / 2) / 52 of every seat's demand: 30/52 of 5.2M = 3M.
    let (m, seats) = pooled(&t, 1, &lives);
    assert!(close(m[0].revenue, 60.0), "{m:?}");
    assert!(close(m[0].served_output_tokens, 3e6), "{m:?}");
    assert!(close(seats[2].served_output_tokens, 4e6 * 30.0 / 52.0));
}

/// A per_seat plan's price schedule and loyalty apply to the account's bill as to a user's: a
/// flat $20 a seat, halved from month 1 by the schedule and cut by half again from tenure index
/// 2 by loyalty, for 3 seats: $60, $30, $15; one fee on each ($6.30, $3.30, $1.80).
#[test]
fn a_per_seat_bill_moves_with_its_schedule_and_loyalty() {
    let text = SCN
        .replace("USERS", "3")
        .replace("MONTHS", "3")
        .replace("TEAM", "3")
        .replace("CHURN", "0")
        .replace("EXTRA", "")
        .replace(
            "cap = 15\nper_seat = true",
            "cap = 15\nper_seat = true\n\
             price_schedule = [{ from_month = 0, factor = 1 }, { from_month = 1, factor = 0.5 }]\n\
             loyalty = { after_months = 2, discount = 0.5 }",
        );
    let scn = parse(&text, "seats.toml").expect("valid");
    let res = run(&scn, &|_| {}).expect("runs");
    let bills: Vec<f64> = res.months[0].iter().map(|m| m.revenue).collect();
    let fees: Vec<f64> = res.months[0].iter().map(|m| m.fees).collect();
    assert_eq!(bills, [60.0, 30.0, 15.0]);
    for (f, want) in fees.iter().zip([6.3, 3.3, 1.8]) {
        assert!(close(*f, want), "{fees:?}");
    }
    assert_eq!(res.trials[0].plans[0].totals.accounts, 1);
}

/// Arrivals are dealt into accounts within their own cohort: 6 users at month 0 and 5 arrivals
/// in each of months 1 and 2, in teams of 3, make accounts of 3 + 3, then 3 + 2 twice: 6
/// accounts of 16 seats, each account arriving together.
#[test]
fn arrivals_are_dealt_within_their_cohort() {
    let text = SCN
        .replace("USERS", "6")
        .replace("MONTHS", "3")
        .replace("TEAM", "3")
        .replace("CHURN", "0")
        .replace("EXTRA", "")
        .replacen(
            "[[segment]]",
            "[market]\nnew_users_per_month = 5\n\n[[segment]]",
            1,
        );
    let scn = parse(&text, "seats.toml").expect("valid");
    let res = run(&scn, &|_| {}).expect("runs");
    let t = &res.trials[0].plans[0].totals;
    assert_eq!((t.users, t.accounts), (16, 6));
    // Seat-months: 6 x 3 + 5 x 2 + 5 x 1 = 33; the flat bills $20 a seat-month.
    assert_eq!(t.active_user_months, 33);
    assert!(close(t.revenue, 660.0));
    let active: Vec<u64> = res.months[0].iter().map(|m| m.active_users).collect();
    assert_eq!(active, [6, 11, 16]);
}
