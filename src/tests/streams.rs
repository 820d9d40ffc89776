//! Common random numbers (issue 12): each trial-level input draws from its own stream keyed by
//! its path, each purpose of a user's draws from its own stream, and commitment amounts from a
//! stream keyed by the plan's name, so changing, fixing, adding or reordering one thing moves
//! no other thing's draws.

use crate::config::parse;
use crate::engine::{UserStreams, trial, trial_draws};
use crate::model::Scenario;
use crate::model::commitment::draw_amounts;
use crate::model::user::{UserLife, draw_size, draw_successes, live};

const HEAD: &str = "name = \"crn\"\n[simulation]\ntrials = 30\nusers = 10\nmonths = 6\nseed = 11\n";

/// A scenario with `decline` as the cost's annual_decline, and `extra` before the segment.
fn scenario(decline: &str, extra: &str, segment: &str, plans: &str) -> Scenario {
    let text = format!(
        "{HEAD}[retail]\ninput = 5\noutput = 10\n\
         annual_decline = {{ dist = \"uniform\", min = 0.1, max = 0.5 }}\n\
         [cost]\ninput = 0.5\noutput = 1\nannual_decline = {decline}\n{extra}\n\
         [[segment]]\nname = \"one\"\nshare = 1\n{segment}\n{plans}"
    );
    parse(&text, "crn.toml").expect("valid")
}

const SEGMENT: &str = "output_tokens = { dist = \"lognormal\", median = 1e6, p90 = 5e6 }\n\
                       monthly_volatility = 0.4\nmonthly_churn = 0.2";
const PLAN: &str = "[[plan]]\nname = \"max\"\nkind = \"flat\"\n\
                    price = { dist = \"uniform\", min = 100, max = 300 }\n";

/// Every trial's draw of input `path` (trials.csv's column), for trials 0..30.
fn column(scn: &Scenario, path: &str) -> Vec<f64> {
    let i = scn
        .draw_names()
        .iter()
        .position(|p| *p == path)
        .expect("a drawn input");
    (0..30)
        .map(|t| trial_draws(scn, t).expect("valid draws")[i])
        .collect()
}

#[test]
fn changing_fixing_or_adding_one_input_moves_no_other_inputs_draws() {
    let base = scenario(
        "{ dist = \"uniform\", min = 0.2, max = 0.6 }",
        "",
        SEGMENT,
        PLAN,
    );
    let others = ["retail.annual_decline", "plan.max.price"];
    let variants = [
        // The input's distribution changed.
        scenario(
            "{ dist = \"triangular\", min = 0, mode = 0.1, max = 0.9 }",
            "",
            SEGMENT,
            PLAN,
        ),
        // The input fixed (one column fewer, drawn before the others).
        scenario("0.3", "", SEGMENT, PLAN),
        // A new input, drawn between them.
        scenario(
            "{ dist = \"uniform\", min = 0.2, max = 0.6 }",
            "per_user_month = { dist = \"uniform\", min = 0, max = 2 }",
            SEGMENT,
            PLAN,
        ),
    ];
    let changed = column(&base, "cost.annual_decline");
    for (k, v) in variants.iter().enumerate() {
        for path in others {
            assert_eq!(
                column(v, path),
                column(&base, path),
                "variant {k}: {path} moved"
            );
        }
    }
    // The changed input itself did move (the test can fail).
    assert_ne!(column(&variants[0], "cost.annual_decline"), changed);
}

/// The lives of users 0..10 of trial 0.
fn lives(scn: &Scenario) -> Vec<UserLife> {
    let st = trial(scn, 0).expect("draws");
    (0..10u64)
        .map(|u| {
            let streams = UserStreams::new(scn.simulation.seed, 0, u);
            let mut life = UserLife::with_capacity(st.months());
            let size = draw_size(&st, 0, &streams);
            live(&st, 0, 0, size, &streams, &mut life);
            draw_successes(&st, &streams, &mut life);
            draw_amounts(&st, &streams, &mut life);
            life
        })
        .collect()
}

#[test]
fn a_per_user_input_turned_into_a_distribution_moves_no_other_purposes_draws() {
    let fixed = scenario("0.3", "", SEGMENT, PLAN);
    let drawn = scenario(
        "0.3",
        "",
        &format!(
            "{SEGMENT}\ninput_per_output = {{ dist = \"gamma\", mean = 3, sd = 2 }}\n\
             cache_read_share = {{ dist = \"beta\", alpha = 2, beta = 3 }}"
        ),
        PLAN,
    );
    let (a, b) = (lives(&fixed), lives(&drawn));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.base, y.base);
        assert_eq!(x.noise, y.noise);
        assert_eq!(x.leave_u, y.leave_u);
        assert_eq!(x.demand, y.demand);
        assert_eq!(x.top_up_u, y.top_up_u);
    }
    // The mix did change (the test can fail).
    assert!(a.iter().zip(&b).any(|(x, y)| x.mix != y.mix));
}

#[test]
fn a_task_users_success_rate_moves_neither_their_tasks_nor_their_noise() {
    let seg = |rate: &str| {
        format!(
            "tasks = {{ dist = \"uniform\", min = 10, max = 50 }}\noutput_per_task = 2000\n\
             success_rate = {rate}\nmonthly_volatility = 0.3\nmonthly_churn = 0.1"
        )
    };
    let plan = "[[plan]]\nname = \"api\"\nkind = \"payg\"\n";
    let a = lives(&scenario("0.3", "", &seg("0.5"), plan));
    let b = lives(&scenario(
        "0.3",
        "",
        &seg("{ dist = \"beta\", alpha = 2, beta = 2 }"),
        plan,
    ));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(
            (x.base_tasks, &x.tasks, &x.noise),
            (y.base_tasks, &y.tasks, &y.noise)
        );
        assert_eq!(x.leave_u, y.leave_u);
    }
    assert!(a.iter().zip(&b).any(|(x, y)| x.successes != y.successes));
}

#[test]
fn commitment_amounts_follow_the_plan_name_not_its_place() {
    let plan = |name: &str, max: u32| {
        format!(
            "[[plan]]\nname = \"{name}\"\nkind = \"payg\"\n\
             commitment = {{ amount = {{ dist = \"uniform\", min = 10, max = {max} }}, \
             term_months = 3, discount = 0.2 }}\n"
        )
    };
    let (a, b, c) = (plan("a", 100), plan("b", 500), plan("c", 300));
    let first = scenario("0.3", "", SEGMENT, &format!("{a}{b}"));
    let second = scenario("0.3", "", SEGMENT, &format!("{c}{b}{a}"));
    for (x, y) in lives(&first).iter().zip(&lives(&second)) {
        // a is plan 0 then 2, b plan 1 in both.
        assert_eq!(x.commit[0], y.commit[2]);
        assert_eq!(x.commit[1], y.commit[1]);
    }
}
