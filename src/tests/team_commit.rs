//! Commitments of team accounts in menu mode: a 2-seat account on a committed payg plan, each
//! seat holding its own term. The account's offer sums each seat's max(amount / term_months,
//! discounted expected bill); a seat short of its commitment at a term's end pays its true-up
//! (the other does not); a switch mid-term makes each seat owe its own shortfall (whole or
//! prorated); a term running to its end at the horizon's last month bills both seats' true-ups.
//!
//! Every expected number is worked out in the comments from the spec (docs/model.md).

use crate::config::parse;
use crate::model::choice::Taste;
use crate::model::team_menu::{TeamMenuScratch, TeamSinks, live_team_menu};
use crate::model::user::UserLife;
use crate::model::{Mix, Trial};
use crate::results::{ChoiceTotals, MonthTotals, PopulationMonth, Totals};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Retail $10 per M output tokens (no prompt tokens), no fees or overhead; menu mode, best
/// choice, re-choices REchoose. Plan 0: payg committed to $30 per 2-month term at 50% off
/// (PRORATE); plan 1: payg at list.
const SCN: &str = r#"
name = "team-commit"
[simulation]
trials = 1
users = 2
months = 4
[market]
mode = "menu"
rechoose = "RECHOOSE"
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
team_size = 2
monthly_churn = 0
value = 100
[[plan]]
name = "committed"
kind = "payg"
commitment = { amount = 30, term_months = 2, discount = 0.5, prorate_on_exit = PRORATE }
[[plan]]
name = "payg"
kind = "payg"
"#;

fn trial(rechoose: &str, prorate: bool) -> Trial {
    let text = SCN
        .replace("RECHOOSE", rechoose)
        .replace("PRORATE", &prorate.to_string());
    let scn = parse(&text, "team-commit.toml").expect("valid");
    crate::engine::trial(&scn, 0).expect("trial")
}

/// A seat arriving at month 0 with `demand[i]` M output tokens in month i, noise 1 but 0.1 in
/// month 2 (so a re-choice at month 3 expects a tenth of its month-0 demand), a commitment of
/// $30 on plan 0, never leaving on its own.
fn seat(trial: &Trial, demand: &[f64]) -> UserLife {
    let mut l = UserLife::with_capacity(demand.len());
    l.mix = Mix::new(0.0, 0.0, 0.0);
    l.demand = demand.iter().map(|d| d * 1e6).collect();
    l.base = l.demand[0];
    l.noise = vec![1.0; demand.len()];
    l.noise[2] = 0.1;
    l.leave_u = vec![0.5; demand.len()];
    l.top_up_u = 0.99;
    l.k_retail = trial.retail.per_output_token(&l.mix);
    l.k_cost = trial.cost.per_output_token(&l.mix);
    l.commit = vec![30.0, 0.0];
    l
}

/// Lives the account (seat 0: 2M tokens a month, then 0.2M; seat 1: 6M, 6M, 4M, 0.6M; values
/// $100 each): (seat rows, month sums `[row * 4 + month]`, choices).
fn live(t: &Trial) -> (Vec<Vec<Totals>>, Vec<MonthTotals>, Vec<ChoiceTotals>) {
    let lives = vec![
        seat(t, &[2.0, 2.0, 2.0, 0.2]),
        seat(t, &[6.0, 6.0, 4.0, 0.6]),
    ];
    let n_rows = t.plans() + 1;
    let mut rows = vec![vec![Totals::default(); n_rows]; 2];
    let mut months = vec![MonthTotals::default(); n_rows * 4];
    let mut choices = vec![ChoiceTotals::default(); t.plans() + 1];
    let mut population = vec![PopulationMonth::default(); 4];
    let mut sinks = TeamSinks {
        rows: &mut rows,
        months: &mut months,
        choices: &mut choices,
        population: &mut population,
    };
    let leave_u = lives[0].leave_u.clone();
    live_team_menu(
        t,
        &lives,
        &leave_u,
        &[100.0, 100.0],
        &Taste::default(),
        &mut TeamMenuScratch::default(),
        &mut sinks,
    );
    (rows, months, choices)
}

#[test]
fn each_seat_of_a_committed_account_pays_its_own_trueups_and_exit_shortfall() {
    for prorate in [false, true] {
        let t = trial("monthly", prorate);
        let (rows, months, choices) = live(&t);
        // Arrival, V = $200: committed max(30 / 2, $20 x 0.5) + max(15, $60 x 0.5) = 15 + 30 =
        // $45 (surplus 155); payg $20 + $60 = $80 (surplus 120): the account commits.
        assert!(close(choices[0].expected_bill, 45.0) && close(choices[0].surplus, 155.0));
        // Re-choices at months 1 and 2 see the same months. At month 3 (typical 0.1: 0.2M and
        // 0.6M): committed max(15, 1) + max(15, 3) = $30 (surplus 170); payg $2 + $6 = $8
        // (surplus 192): the account switches, after month 2, one month into its second term.
        assert_eq!((choices[0].switched_out, choices[1].switched_in), (1, 1));
        // Seat 0 bills $10 a month: term 1 billed 20 < 30, a $10 true-up in month 1. Seat 1
        // bills $30, $30 (term 1 at 60, nothing owed), then $20 in month 2. At the switch the
        // whole amount is owed: seat 0 30 - 10 = 20, seat 1 30 - 20 = 10; prorated, against
        // 30 x 1/2 = 15: seat 0 5, seat 1 0.
        let (exit0, exit1) = if prorate { (5.0, 0.0) } else { (20.0, 10.0) };
        let committed = [(0, 40.0), (1, 50.0), (2, 30.0 + exit0 + exit1), (3, 0.0)];
        for (m, revenue) in committed {
            assert!(
                close(months[m].revenue, revenue),
                "{prorate} {m}: {:?}",
                months[m]
            );
        }
        assert!(
            close(months[4 + 3].revenue, 8.0),
            "payg: $2 + $6 in month 3"
        );
        let seat0 = &rows[0][0];
        let seat1 = &rows[1][0];
        assert!(close(seat0.trueup_revenue, 10.0 + exit0), "{seat0:?}");
        assert!(close(seat0.revenue, 30.0 + 10.0 + exit0), "{seat0:?}");
        assert!(close(seat1.trueup_revenue, exit1), "{seat1:?}");
        assert!(close(seat1.revenue, 80.0 + exit1), "{seat1:?}");
        assert_eq!(
            seat0.trueup_open + seat1.trueup_open,
            0.0,
            "no term left open"
        );
        assert!(
            rows.iter()
                .all(|r| r[1].trueup_revenue == 0.0 && r[1].users == 1)
        );
        // The shock test leaves the true-ups out: month 1's bill is the expected $40.
        assert!(months.iter().all(|m| m.shock_users == 0));
    }
}

#[test]
fn a_term_ending_at_the_horizon_bills_each_seats_trueup_and_an_open_one_is_reported() {
    // Without re-choices the account stays: its second term (months 2-3) ends in month 3,
    // seat 0 billing 10 + 1 = 11 (true-up 19) and seat 1 20 + 3 = 23 (true-up 7).
    let t = trial("never", false);
    let (rows, months, _) = live(&t);
    assert!(
        close(months[3].revenue, 1.0 + 19.0 + 3.0 + 7.0),
        "{:?}",
        months[3]
    );
    assert!(close(rows[0][0].trueup_revenue, 10.0 + 19.0));
    assert!(close(rows[1][0].trueup_revenue, 7.0));
    assert_eq!(rows[0][0].trueup_open + rows[1][0].trueup_open, 0.0);
    // A horizon of 3 months leaves the second term open after one month: seat 0 owes 30 - 10
    // = 20 so far, seat 1 30 - 20 = 10, reported as trueup_open and not billed.
    let scn = parse(
        &SCN.replace("RECHOOSE", "never")
            .replace("PRORATE", "false")
            .replace("months = 4", "months = 3"),
        "team-commit.toml",
    )
    .expect("valid");
    let t = crate::engine::trial(&scn, 0).expect("trial");
    let lives = vec![seat(&t, &[2.0, 2.0, 2.0]), seat(&t, &[6.0, 6.0, 4.0])];
    let mut rows = vec![vec![Totals::default(); 3]; 2];
    let mut months = vec![MonthTotals::default(); 3 * 3];
    let mut choices = vec![ChoiceTotals::default(); 3];
    let mut population = vec![PopulationMonth::default(); 3];
    let leave_u = lives[0].leave_u.clone();
    live_team_menu(
        &t,
        &lives,
        &leave_u,
        &[100.0, 100.0],
        &Taste::default(),
        &mut TeamMenuScratch::default(),
        &mut TeamSinks {
            rows: &mut rows,
            months: &mut months,
            choices: &mut choices,
            population: &mut population,
        },
    );
    assert!(close(rows[0][0].trueup_open, 20.0) && close(rows[1][0].trueup_open, 10.0));
    assert!(close(months[2].revenue, 30.0) && close(rows[0][0].trueup_revenue, 10.0));
}
