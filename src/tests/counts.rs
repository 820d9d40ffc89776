//! Counts taken from the engine, against hand-computed values: how users are split into
//! segments (largest remainder, ties to the earlier segment), and who counts as a loss user
//! (total profit < 0, so a user who breaks even exactly is not one).

use crate::analysis::summary::summarize;
use crate::config::parse;
use crate::engine::run;
use crate::results::RunResults;

fn engine(text: &str) -> RunResults {
    let scn = parse(text, "counts.toml").expect("valid");
    run(&scn, &|_| {}).expect("runs")
}

/// Three segments (shares summing to 1) whose users demand 1M, 2M and 3M output tokens a month, on payg at $10 per M
/// output tokens, so each segment's revenue says which users the engine put in it.
fn three_segments(users: u64, shares: [f64; 3]) -> String {
    let mut text = format!(
        r#"
name = "split"
[simulation]
trials = 2
users = {users}
months = 1
[retail]
input = 0
output = 10
[cost]
input = 0
output = 1
[[plan]]
name = "api"
kind = "payg"
"#
    );
    for (s, share) in shares.iter().enumerate() {
        text += &format!(
            "[[segment]]\nname = \"s{s}\"\nshare = {share:?}\noutput_tokens = {}\n",
            (s + 1) * 1_000_000
        );
    }
    text
}

/// The segment sizes the engine billed, per trial, checked against the revenue of each
/// segment (each user of segment s pays $10 x (s + 1) in the one month).
fn sizes(res: &RunResults) -> Vec<u64> {
    let trials = res.trials.len() as u64;
    res.segments[0]
        .iter()
        .enumerate()
        .map(|(s, g)| {
            assert_eq!(g.users % trials, 0);
            let n = g.users / trials;
            let revenue = 10.0 * (s + 1) as f64 * g.users as f64;
            assert!((g.revenue - revenue).abs() <= 1e-9 * revenue, "segment {s}");
            n
        })
        .collect()
}

#[test]
fn the_extra_users_go_to_the_largest_remainders() {
    // 7 users at 0.5, 0.3, 0.2: 3.5, 2.1, 1.4 -> floors 3 + 2 + 1 = 6; the seventh user goes
    // to the largest remainder (0.5, segment 0).
    assert_eq!(
        sizes(&engine(&three_segments(7, [0.5, 0.3, 0.2]))),
        [4, 2, 1]
    );
    // 10 users at 0.14, 0.43, 0.43: 1.4, 4.3, 4.3 -> 1 + 4 + 4 = 9; remainders 0.4, 0.3, 0.3:
    // the tenth goes to segment 0, although its share is the smallest.
    assert_eq!(
        sizes(&engine(&three_segments(10, [0.14, 0.43, 0.43]))),
        [2, 4, 4]
    );
    // 11 users, equal shares: 3.67 each -> 3 + 3 + 3 = 9; equal remainders, so the two extra
    // users go to the segments listed first.
    let third = 1.0 / 3.0;
    assert_eq!(
        sizes(&engine(&three_segments(11, [third, third, third]))),
        [4, 4, 3]
    );
}

#[test]
fn a_user_who_breaks_even_is_not_a_loss_user() {
    // Payg at a card equal to the cost card, without fees, overhead or decline: every user's
    // revenue equals their serving cost exactly, so profit is exactly 0 ("at" cost); a card
    // one cent per M output tokens below cost loses money, one cent above makes money.
    let text = r#"
name = "even"
[simulation]
trials = 3
users = 50
months = 4
[retail]
input = 2
output = 10
[cost]
input = 2
output = 10
[[segment]]
name = "s"
share = 1
output_tokens = { dist = "lognormal", median = 1_000_000, sigma = 1 }
input_per_output = 5
monthly_volatility = 0.5
[[plan]]
name = "at-cost"
kind = "payg"
[[plan]]
name = "below"
kind = "payg"
rates = { input = 2, output = 9.99 }
[[plan]]
name = "above"
kind = "payg"
rates = { input = 2, output = 10.01 }
"#;
    let scn = parse(text, "even.toml").unwrap();
    let res = run(&scn, &|_| {}).unwrap();
    for t in &res.trials {
        let at = &t.plans[0].totals;
        assert_eq!(at.profit, 0.0, "the test needs an exact break-even");
        assert_eq!(at.revenue, at.cost);
        assert_eq!(at.loss_users, 0, "break-even users counted as losing");
        assert_eq!(t.plans[1].totals.loss_users, 50);
        assert_eq!(t.plans[2].totals.loss_users, 0);
    }
    for (p, want) in [(0, 0), (1, 150), (2, 0)] {
        assert_eq!(res.segments[p][0].loss_users, want);
        assert_eq!(
            res.deciles[p].iter().map(|g| g.loss_users).sum::<u64>(),
            want
        );
    }
    let s = summarize(&scn, &res);
    assert_eq!(
        [
            s[0].loss_user_share,
            s[1].loss_user_share,
            s[2].loss_user_share
        ],
        [Some(0.0), Some(1.0), Some(0.0)]
    );
    assert_eq!(s[0].prob_loss, 0.0);
}
