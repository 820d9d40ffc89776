//! Teams in menu mode: one 3-seat account of unequal seat demand choosing for its seats, with
//! every plan's offer worked out by hand (pooled per_seat plans against the same terms billed
//! per seat; anxiety counted once per account); the chosen plan's pooled bills split over the
//! seats; the shock test on the account's bill, with the whole team leaving; and the engine's
//! choices counting accounts while the population counts seats.
//!
//! Every expected number is worked out in the comments from the spec (docs/model.md).

use proptest::prelude::*;

use crate::config::parse;
use crate::engine::run;
use crate::model::choice::{Offer, Taste};
use crate::model::team_menu::{TeamMenuScratch, TeamSinks, live_team_menu};
use crate::model::team_month::arrival_offers;
use crate::model::user::UserLife;
use crate::model::{Mix, Trial};
use crate::results::{ChoiceTotals, MonthTotals, PopulationMonth, Totals};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Retail $10 per M output tokens (no prompt tokens), cost $1 per M, no fees or overhead; menu
/// mode, best choice. Plans 0-2 are per_seat, 3-5 the same terms billed per seat: flat $20 with
/// a $15 fair-use cap; hybrid $10 base, $5 included, overage x2; credit $10 for 20 credits,
/// burning 10 credits per M output tokens, no rollover, no top-ups.
const SCN: &str = r#"
name = "team-menu"
[simulation]
trials = 1
users = 3
months = 3
[market]
mode = "menu"
shock_threshold = 0.5
[retail]
input = 0
output = 10
[cost]
input = 0
output = 1
[[segment]]
name = "team"
share = 1
output_tokens = 1_000_000
team_size = 3
monthly_churn = 0
shock_churn = 1
value = 20
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
ANXIETY
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

fn trial(anxiety: &str) -> Trial {
    let scn = parse(&SCN.replace("ANXIETY", anxiety), "team-menu.toml").expect("valid");
    crate::engine::trial(&scn, 0).expect("trial")
}

/// A seat arriving at month 0 with `demand[i]` M output tokens in month i (noise 1: its
/// expected month is its month-0 demand), never leaving on its own.
fn seat(trial: &Trial, demand: &[f64]) -> UserLife {
    let mut l = UserLife::with_capacity(demand.len());
    l.mix = Mix::new(0.0, 0.0, 0.0);
    l.demand = demand.iter().map(|d| d * 1e6).collect();
    l.base = l.demand[0];
    l.noise = vec![1.0; demand.len()];
    l.leave_u = vec![0.5; demand.len()];
    l.top_up_u = 0.99;
    l.k_retail = trial.retail.per_output_token(&l.mix);
    l.k_cost = trial.cost.per_output_token(&l.mix);
    l
}

/// Seats of 0.2M, 1M and 4M output tokens ($2, $10 and $40 at retail; $52 together) every
/// month; values $20 each, $60 for the account.
fn unequal(trial: &Trial, months: usize) -> Vec<UserLife> {
    [0.2, 1.0, 4.0]
        .iter()
        .map(|&d| seat(trial, &vec![d; months]))
        .collect()
}

const VALUES: [f64; 3] = [20.0, 20.0, 20.0];

/// One account's life on the menu: (seat rows, month sums, choices, population).
struct Lived {
    rows: Vec<Vec<Totals>>,
    months: Vec<MonthTotals>,
    choices: Vec<ChoiceTotals>,
    population: Vec<PopulationMonth>,
}

fn live(t: &Trial, lives: &[UserLife]) -> Lived {
    let n_rows = t.plans() + 1;
    let mut l = Lived {
        rows: vec![vec![Totals::default(); n_rows]; lives.len()],
        months: vec![MonthTotals::default(); n_rows * t.months()],
        choices: vec![ChoiceTotals::default(); t.plans() + 1],
        population: vec![PopulationMonth::default(); t.months()],
    };
    let mut sinks = TeamSinks {
        rows: &mut l.rows,
        months: &mut l.months,
        choices: &mut l.choices,
        population: &mut l.population,
    };
    let leave_u = lives[0].leave_u.clone();
    let mut scratch = TeamMenuScratch::default();
    live_team_menu(
        t,
        lives,
        &leave_u,
        &VALUES,
        &Taste::default(),
        &mut scratch,
        &mut sinks,
    );
    l
}

#[test]
fn the_account_chooses_the_pooled_plan_its_surpluses_favour() {
    let t = trial("");
    let lives = unequal(&t, 3);
    let mut offers = vec![Offer::default(); t.plans()];
    arrival_offers(&t, &lives, &VALUES, &mut offers);
    // V = $60, quality 1, curvature 1, anxiety 0. The account's demand is 5.2M tokens.
    // flat-seat: 3 x $20 = $60, a pooled cap of 3 x $15 = $45 of $52: share 45/52,
    //   surplus 60 x 45/52 - 60 = -8.0769...
    // hybrid-seat: base 3 x $10, included 3 x $5 = $15 of $52, overage (52 - 15) x 2 = $74:
    //   $104, share 1, surplus -44.
    // credit-seat: 3 x $10 for 60 credits, 52 burned: $30, share 1, surplus +30.
    // flat: $60; caps of $15 serve 0.2 + 1 + 1.5 = 2.7M of 5.2M: surplus 60 x 2.7/5.2 - 60.
    // hybrid: 10 + (10 + 2 x 5) + (10 + 2 x 35) = $110, share 1, surplus -50.
    // credit: $30; 20 credits serve 0.2 + 1 + 2 = 3.2M of 5.2M: surplus 60 x 3.2/5.2 - 30.
    let want = [
        (60.0, 45.0 / 52.0),
        (104.0, 1.0),
        (30.0, 1.0),
        (60.0, 2.7 / 5.2),
        (110.0, 1.0),
        (30.0, 3.2 / 5.2),
    ];
    for (o, (bill, share)) in offers.iter().zip(want) {
        assert!(close(o.bill, bill), "{o:?} {bill}");
        assert!(close(o.served, share), "{o:?} {share}");
        assert!(close(o.surplus, 60.0 * share - bill), "{o:?}");
    }
    // The pooled credit plan (+30) beats the same credits per seat (+6.92): it is chosen, and
    // choices.csv counts one account with the summed value.
    let l = live(&t, &lives);
    let c = &l.choices;
    assert!(c.iter().all(|c| c.choosers == 1));
    assert_eq!(c[2].chosen_at_start, 1);
    assert_eq!(c.iter().map(|c| c.chosen_at_start).sum::<u64>(), 1);
    assert!(close(c[2].value, 60.0) && close(c[2].expected_bill, 30.0));
    assert!(close(c[2].surplus, 30.0));
    assert_eq!(c[2].subscribers_end, 1);
    // Billed pooled each month: $30, 5.2M served; the seats' shares by demand; every seat on
    // our plan in the population; the account counted once, on its first seat.
    for m in 0..3 {
        let mt = &l.months[2 * 3 + m];
        assert!(close(mt.revenue, 30.0) && close(mt.served_output_tokens, 5.2e6));
        assert_eq!((mt.active_users, mt.shock_users), (3, 0));
        assert_eq!(l.population[m].ours, 3);
        assert_eq!(l.population[m].arrived, 3);
    }
    for (j, (row, d)) in l.rows.iter().zip([0.2, 1.0, 4.0]).enumerate() {
        let s = &row[2];
        assert_eq!((s.users, s.accounts), (1, u64::from(j == 0)));
        assert!(close(s.revenue, 90.0 * d / 5.2), "{s:?}");
        assert!(close(s.profit, 90.0 * d / 5.2 - 3.0 * d), "{s:?}");
        assert_eq!(s.active_user_months, 3);
        for (p, r) in row.iter().enumerate() {
            assert_eq!(r.users, u64::from(p == 2 || p == 6), "seat {j} row {p}");
        }
        // The portfolio row: the seat once, the account once.
        assert_eq!(row[6].accounts, u64::from(j == 0));
    }
}

#[test]
fn anxiety_is_counted_once_per_account() {
    // $25 of anxiety on credit-seat: 30 - 25 = +5 < 60 x 3.2/5.2 - 30 = +6.92, so the account
    // takes the credits per seat (plan 5). Counted per seat ($75) would give -45: the same
    // choice, so the surplus itself is checked.
    let t = trial("anxiety = 25");
    let lives = unequal(&t, 3);
    let mut offers = vec![Offer::default(); t.plans()];
    arrival_offers(&t, &lives, &VALUES, &mut offers);
    assert!(close(offers[2].surplus, 5.0), "{:?}", offers[2]);
    let l = live(&t, &lives);
    assert_eq!(l.choices[5].chosen_at_start, 1);
    assert!(close(l.choices[5].surplus, 60.0 * 3.2 / 5.2 - 30.0));
    // Per seat: $10 each; the 4M seat is served 2M.
    let mt = &l.months[5 * 3];
    assert!(close(mt.revenue, 30.0) && close(mt.served_output_tokens, 3.2e6));
}

#[test]
fn a_shock_on_the_account_bill_takes_the_whole_team() {
    // hybrid-seat alone on the menu; values $200 each ($600): surplus 600 - 104 > 0. Month 0
    // bills the expected $104. In month 1 the 4M seat uses 12M: retail $2 + $10 + $120 = $132,
    // overage (132 - 15) x 2 = $234, bill $264 > 1.5 x $104 (the expected bill at the demands
    // of the choice): a shock, and with shock_churn 1 the whole team leaves after month 1 (the
    // first seat's uniform 0.5 < 0 + 1). Month 2: every seat gone, nothing billed.
    let text = SCN.replace("ANXIETY", "");
    let cut = text.find("[[plan]]\nname = \"credit-seat\"").expect("plan");
    let text = text[..cut].replace(
        "[[plan]]\nname = \"flat-seat\"\nkind = \"flat\"\nprice = 20\ncap = 15\nper_seat = true\n",
        "",
    );
    let scn = parse(&text, "team-menu.toml").expect("valid");
    let t = crate::engine::trial(&scn, 0).expect("trial");
    assert_eq!(t.plans(), 1);
    let lives = vec![
        seat(&t, &[0.2, 0.2, 0.2]),
        seat(&t, &[1.0, 1.0, 1.0]),
        seat(&t, &[4.0, 12.0, 4.0]),
    ];
    let mut rows = vec![vec![Totals::default(); 2]; 3];
    let mut months = vec![MonthTotals::default(); 2 * 3];
    let mut choices = vec![ChoiceTotals::default(); 2];
    let mut population = vec![PopulationMonth::default(); 3];
    let mut sinks = TeamSinks {
        rows: &mut rows,
        months: &mut months,
        choices: &mut choices,
        population: &mut population,
    };
    let leave_u = lives[0].leave_u.clone();
    live_team_menu(
        &t,
        &lives,
        &leave_u,
        &[200.0; 3],
        &Taste::default(),
        &mut TeamMenuScratch::default(),
        &mut sinks,
    );
    assert_eq!(choices[0].chosen_at_start, 1);
    assert!(close(choices[0].surplus, 600.0 - 104.0));
    assert_eq!(choices[0].subscribers_end, 0);
    assert!(close(months[0].revenue, 104.0) && months[0].shock_users == 0);
    assert!(close(months[1].revenue, 264.0), "{:?}", months[1]);
    assert_eq!(months[1].shock_users, 3);
    assert_eq!(months[2], MonthTotals::default());
    assert_eq!((population[1].ours, population[2].gone), (3, 3));
    for r in &rows {
        assert_eq!((r[0].churned_users, r[0].active_user_months), (1, 2));
    }
    // The seats' revenue: month 0 by 0.2/5.2, 1/5.2, 4/5.2 of $104; month 1 by 0.2/13.2,
    // 1/13.2, 12/13.2 of $264.
    for (r, (d0, d1)) in rows.iter().zip([(0.2, 0.2), (1.0, 1.0), (4.0, 12.0)]) {
        assert!(
            close(r[0].revenue, 104.0 * d0 / 5.2 + 264.0 * d1 / 13.2),
            "{r:?}"
        );
    }
}

#[test]
fn check_estimates_a_team_segments_shares_per_account() {
    // Every seat 1M tokens ($10): the account's $30 burns 30 of credit-seat's 60 credits ($30,
    // surplus 60 - 30), ties with credit per seat (3 x $10, every seat served) and is listed
    // first, so every account takes it; 300 seats make 100 accounts of 3.
    let scn = parse(&SCN.replace("ANXIETY", ""), "team-menu.toml").expect("valid");
    let s = crate::analysis::shares::shares(&scn, 300)
        .expect("draws")
        .expect("menu mode");
    let team = &s.segments[0];
    assert_eq!(team.method, crate::analysis::shares::Method::Accounts(100));
    assert_eq!(team.shares, [0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0]);
}

/// [`super::seats::random_teams`] in menu mode: logit choice, re-choices `rechoose`, shocks
/// above 1.3 x the expected bill, values of 1.5 x the retail value of the typical month.
fn random_menu(
    team: &str,
    seat_churn: f64,
    churn: f64,
    users: u64,
    months: u32,
    re: &str,
) -> String {
    super::seats::random_teams(team, seat_churn, churn, users, months)
        .replace(
            "seed = 3\n",
            &format!(
                "seed = 3\n[market]\nmode = \"menu\"\nchoice = \"logit\"\nlogit_scale = 5\n\
                 rechoose = \"{re}\"\nshock_threshold = 0.3\n"
            ),
        )
        .replace(
            &format!("monthly_churn = {churn}\n"),
            &format!("monthly_churn = {churn}\nvalue_per_retail = 1.5\nshock_churn = 0.3\n"),
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Through the engine in menu mode, with random teams: money >= 0 and profit is revenue -
    /// cost - fees - overhead on every row; month sums add up to the totals; served <= demanded
    /// every month; every seat is in exactly one state every month, and the seats active on our
    /// plans are the population's `ours`; choices count each account once per option; accounts
    /// never exceed users on any row; with a commitment on the per-seat-billed payg plan (whole
    /// or prorated exits), true-ups are part of revenue and open shortfalls are >= 0.
    #[test]
    fn teams_on_the_menu_keep_the_books(
        team in prop_oneof![
            (1u32..6).prop_map(|k| k.to_string()),
            (1.0f64..3.0, 3.0f64..9.0)
                .prop_map(|(a, b)| format!("{{ dist = \"uniform\", min = {a}, max = {b} }}")),
        ],
        seat_churn in prop_oneof![Just(0.0), 0.0f64..1.0],
        churn in prop_oneof![Just(0.0), 0.0f64..1.0],
        users in 1u64..60,
        months in 1u32..6,
        re in prop_oneof![Just("never"), Just("after_shock"), Just("monthly")],
        commit in prop_oneof![Just(None), any::<bool>().prop_map(Some)],
    ) {
        let mut text = random_menu(&team, seat_churn, churn, users, months, re);
        if let Some(prorate) = commit {
            text = text.replace(
                "name = \"ref\"\nkind = \"payg\"\n",
                &format!(
                    "name = \"ref\"\nkind = \"payg\"\ncommitment = {{ amount = 40, term_months = 2, \
                     discount = 0.3, prorate_on_exit = {prorate} }}\n"
                ),
            );
            prop_assert!(text.contains("commitment"));
        }
        let scn = parse(&text, "teams.toml").expect("valid");
        let res = run(&scn, &|_| {}).expect("runs");
        let trials = res.trials.len() as u64;
        for t in &res.trials {
            for plan in &t.plans {
                let x = &plan.totals;
                prop_assert!(x.is_finite());
                prop_assert!(x.users <= users && x.accounts <= x.users);
                prop_assert!(x.revenue >= 0.0 && x.cost >= 0.0 && x.fees >= 0.0);
                prop_assert!(x.overhead >= 0.0 && x.breakage_credits >= 0.0);
                prop_assert!(x.trueup_revenue >= 0.0 && x.trueup_open >= 0.0);
                prop_assert!(x.trueup_revenue <= x.revenue * (1.0 + 1e-9) + 1e-9);
                prop_assert!(close(x.profit, x.revenue - x.cost - x.fees - x.overhead));
            }
        }
        let n_plans = scn.plans.len();
        for (p, months) in res.months.iter().enumerate() {
            let sum = |f: &dyn Fn(&Totals) -> f64| -> f64 {
                res.trials.iter().map(|t| f(&t.plans[p].totals)).sum()
            };
            let active: u64 = months.iter().map(|m| m.active_users).sum();
            prop_assert_eq!(active as f64, sum(&|t| t.active_user_months as f64));
            let revenue: f64 = months.iter().map(|m| m.revenue).sum();
            prop_assert!(close(revenue, sum(&|t| t.revenue)));
            let served: f64 = months.iter().map(|m| m.served_output_tokens).sum();
            prop_assert!(close(served, sum(&|t| t.served_output_tokens)));
            for m in months {
                prop_assert!(m.served_output_tokens <= m.demanded_output_tokens * (1.0 + 1e-9));
                prop_assert!(m.shock_users <= m.active_users);
            }
        }
        for (m, pop) in res.population.iter().enumerate() {
            prop_assert_eq!(pop.arrived, users * trials);
            prop_assert_eq!(pop.ours + pop.external + pop.non_adopters + pop.gone, pop.arrived);
            let on_ours: u64 = (0..n_plans).map(|p| res.months[p][m].active_users).sum();
            prop_assert_eq!(on_ours, pop.ours);
            prop_assert_eq!(res.months[n_plans][m].active_users, pop.ours);
        }
        for seg in 0..2 {
            let choosers = res.choices[0][seg].choosers;
            let chosen: u64 = res.choices.iter().map(|o| o[seg].chosen_at_start).sum();
            prop_assert_eq!(chosen, choosers);
            prop_assert!(res.choices.iter().all(|o| o[seg].choosers == choosers));
            let end: u64 = res.choices.iter().map(|o| o[seg].subscribers_end).sum();
            prop_assert!(end <= choosers);
        }
        let all: u64 = (0..2).map(|s| res.choices[0][s].choosers).sum();
        prop_assert!(all <= users * trials);
    }
}

/// Two options: pooled credits with rollover (per_seat) and payg per seat; re-choices monthly.
const SWITCH: &str = r#"
name = "team-switch"
[simulation]
trials = 1
users = 3
months = 2
[market]
mode = "menu"
rechoose = "monthly"
[retail]
input = 0
output = 10
[cost]
input = 0
output = 1
[[segment]]
name = "team"
share = 1
output_tokens = 1_000_000
team_size = 3
monthly_churn = 0
value = 20
[[plan]]
name = "credit-seat"
kind = "credit"
price = 10
credits = 20
rollover = 20
burn = { input = 0, output = 10 }
per_seat = true
[[plan]]
name = "payg"
kind = "payg"
"#;

#[test]
fn a_switch_moves_the_whole_account_and_expires_its_pooled_credits() {
    let scn = parse(SWITCH, "team-switch.toml").expect("valid");
    let t = crate::engine::trial(&scn, 0).expect("trial");
    // Each seat 1.5M tokens in month 0, then a month-0 noise of 0.2 (typical 0.3M) and 0.3M.
    let mut lives: Vec<UserLife> = (0..3).map(|_| seat(&t, &[1.5, 0.3])).collect();
    for l in &mut lives {
        l.noise[0] = 0.2;
    }
    let values = [100.0 / 3.0; 3];
    // Arrival, V = $100: credit-seat $30 for 60 credits, 45 burned (surplus 70); payg
    // 3 x $15 = $45 (surplus 55): the account takes the pooled credits, 15 left over.
    // Month 1 re-choice at 0.3M a seat: credit-seat on the held account (60 + 15 credits, 9
    // burned) $30, surplus 70; payg 3 x $3 = $9, surplus 91: the whole account moves, and the
    // 15 credits left on the pooled account expire (breakage on credit-seat, 5 a seat).
    let n_rows = t.plans() + 1;
    let mut rows = vec![vec![Totals::default(); n_rows]; 3];
    let mut months = vec![MonthTotals::default(); n_rows * 2];
    let mut choices = vec![ChoiceTotals::default(); t.plans() + 1];
    let mut population = vec![PopulationMonth::default(); 2];
    let mut sinks = TeamSinks {
        rows: &mut rows,
        months: &mut months,
        choices: &mut choices,
        population: &mut population,
    };
    let leave_u = lives[0].leave_u.clone();
    live_team_menu(
        &t,
        &lives,
        &leave_u,
        &values,
        &Taste::default(),
        &mut TeamMenuScratch::default(),
        &mut sinks,
    );
    assert_eq!(
        (choices[0].chosen_at_start, choices[0].switched_out),
        (1, 1)
    );
    assert!(close(choices[0].surplus, 70.0) && close(choices[0].expected_bill, 30.0));
    assert_eq!((choices[1].switched_in, choices[1].subscribers_end), (1, 1));
    assert_eq!(choices[0].subscribers_end, 0);
    assert!(close(months[0].revenue, 30.0) && months[1] == MonthTotals::default());
    assert!(close(months[2 + 1].revenue, 9.0) && months[2].revenue == 0.0);
    assert_eq!((months[2 + 1].active_users, population[1].ours), (3, 3));
    for r in &rows {
        assert!(close(r[0].breakage_credits, 5.0), "{:?}", r[0]);
        assert!(close(r[1].revenue, 3.0) && r[1].breakage_credits == 0.0);
        assert_eq!((r[0].users, r[1].users, r[2].users), (1, 1, 1));
        assert_eq!(r[2].active_user_months, 2);
    }
    // The account counted once on each plan, and once in the portfolio.
    assert_eq!(
        (
            rows[0][0].accounts,
            rows[0][1].accounts,
            rows[0][2].accounts
        ),
        (1, 1, 1)
    );
    assert!(rows[1..].iter().all(|r| r.iter().all(|x| x.accounts == 0)));
}

/// In menu mode the memory estimate adds, per seat of the largest account on every thread,
/// at least its totals on every plan beside what each mode counts.
#[test]
fn the_memory_estimate_counts_a_menu_accounts_per_plan_totals() {
    use crate::engine::Footprint;
    let menu = parse(
        &SCN.replace("ANXIETY", "")
            .replace("team_size = 3", "team_size = 1000"),
        "team-menu.toml",
    )
    .expect("valid");
    let mut each = menu.clone();
    each.market = crate::model::Market::default();
    for threads in [1, 4] {
        let extra = Footprint::of(&menu, threads).bytes - Footprint::of(&each, threads).bytes;
        let totals = threads as f64 * 1000.0 * 6.0 * size_of::<Totals>() as f64;
        assert!(extra >= totals, "{extra} < {totals}");
    }
}
