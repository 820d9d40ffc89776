//! The simulated usage panel ([`crate::engine::simulate_panel`], its CSV text
//! [`crate::export::usage_csv`]): exact rows of fixed segments (tokens, tasks, growth from
//! arrival, the mix), the months lived and the mean active month of a drawn segment against
//! their closed forms, the panel's demand against what a run of the same trial bills, and the
//! refusals.

use crate::config::parse;
use crate::engine::{PanelError, run, simulate_panel};
use crate::export::usage_csv::usage_csv;
use crate::model::panel_sim::PanelRow;

const HEAD: &str = r#"
name = "panel"
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
[[plan]]
name = "api"
kind = "payg"
"#;

fn scenario(sim: &str, segments: &str) -> crate::model::Scenario {
    parse(&format!("{HEAD}{sim}\n{segments}"), "panel.toml").expect("valid")
}

#[test]
fn fixed_segments_give_exact_rows_from_each_arrival() {
    // Two users at month 0 (one per segment), then one arrival a month: month 1's goes to
    // `tok` (largest remainder, ties to the earlier), month 2's to `job`.
    let scn = scenario(
        "[simulation]\ntrials = 1\nusers = 2\nmonths = 3\n[market]\nnew_users_per_month = 1",
        r#"
[[segment]]
name = "tok"
share = 0.5
output_tokens = 1000
input_per_output = 3
cache_read_share = 0.5
cache_write_share = 0.1
monthly_growth = 0.1
[[segment]]
name = "job"
share = 0.5
tasks = 10
output_per_task = 15
success_rate = 0.5
input_per_output = 2
cache_read_share = 0.25
"#,
    );
    let rows = simulate_panel(&scn, 0).expect("simulated");
    let text = usage_csv(&scn.segment_names(), &rows);
    // tok: 1000 x 1.1^i output; input 3 x 0.4, reads 3 x 0.5, writes 3 x 0.1 per output token.
    // job: 10 tasks x 15 tokens; input 2 x 0.75, reads 2 x 0.25, writes 0.
    let want = "user,segment,month,output_tokens,input_tokens,cache_read_tokens,cache_write_tokens\n\
                0,tok,2025-01,1000,1200,1500,300\n\
                0,tok,2025-02,1100,1320,1650,330\n\
                0,tok,2025-03,1210,1452,1815,363\n\
                1,job,2025-01,150,225,75,0\n\
                1,job,2025-02,150,225,75,0\n\
                1,job,2025-03,150,225,75,0\n\
                2,tok,2025-02,1000,1200,1500,300\n\
                2,tok,2025-03,1100,1320,1650,330\n\
                3,job,2025-03,150,225,75,0\n";
    assert_eq!(text, want);
}

#[test]
fn tokens_round_half_away_from_zero_each_from_the_unrounded_month() {
    // 0.5 output tokens a month; the mix puts 2.5 fresh input tokens with each output token.
    let scn = scenario(
        "[simulation]\ntrials = 1\nusers = 1\nmonths = 1",
        "[[segment]]\nname = \"a\"\nshare = 1\noutput_tokens = 0.5\ninput_per_output = 2.5",
    );
    let rows = simulate_panel(&scn, 0).expect("simulated");
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].output, rows[0].input), (1.0, 1.0)); // 0.5 -> 1, 1.25 -> 1
}

/// Per user: months lived and the mean of the active months' output tokens.
fn per_user(rows: &[PanelRow]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut last = None;
    for r in rows {
        if last != Some(r.user) {
            out.push((0.0, 0.0));
            last = Some(r.user);
        }
        let u = out.last_mut().expect("pushed");
        u.0 += 1.0;
        u.1 += r.output;
    }
    out.iter().map(|&(n, sum)| (n, sum / n)).collect()
}

fn mean_se(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let var = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

#[test]
fn months_lived_and_the_mean_active_month_match_their_closed_forms() {
    // ln D ~ N(10, 0.6^2), mean-one noise, churn 0.2 over 6 months, no growth:
    // E[month] = exp(10 + 0.18); months lived L with P(L >= k) = 0.8^(k-1), k <= 6.
    let scn = scenario(
        "[simulation]\ntrials = 2\nusers = 20000\nmonths = 6\nseed = 9",
        r#"
[[segment]]
name = "a"
share = 1
output_tokens = { dist = "lognormal", mu = 10, sigma = 0.6 }
monthly_volatility = 0.5
monthly_churn = 0.2
"#,
    );
    for trial in 0..2 {
        let users = per_user(&simulate_panel(&scn, trial).expect("simulated"));
        assert_eq!(users.len(), 20000);
        let lived: Vec<f64> = users.iter().map(|u| u.0).collect();
        let means: Vec<f64> = users.iter().map(|u| u.1).collect();
        let (m, se) = mean_se(&lived);
        let want: f64 = (0..6).map(|k| 0.8f64.powi(k)).sum();
        assert!(
            (m - want).abs() < 4.0 * se,
            "months lived {m} vs {want} (se {se})"
        );
        let (m, se) = mean_se(&means);
        let want = (10.0f64 + 0.18).exp();
        assert!(
            (m - want).abs() < 4.0 * se,
            "mean month {m} vs {want} (se {se})"
        );
    }
}

#[test]
fn the_panel_holds_the_demand_a_run_of_the_same_trial_bills() {
    let scn = scenario(
        "[simulation]\ntrials = 3\nusers = 3000\nmonths = 4\nseed = 5\n[market]\nnew_users_per_month = 100",
        r#"
[[segment]]
name = "a"
share = 0.7
output_tokens = { dist = "lognormal", median = 1e5, sigma = 1 }
monthly_volatility = 0.3
monthly_churn = 0.1
monthly_growth = 0.05
[[segment]]
name = "b"
share = 0.3
tasks = { dist = "lognormal", median = 20, sigma = 0.5 }
output_per_task = { dist = "uniform", min = 100, max = 900 }
success_rate = 0.5
monthly_volatility = 0.2
monthly_churn = 0.05
"#,
    );
    let res = run(&scn, &|_| {}).expect("runs");
    for t in 0..3 {
        let rows = simulate_panel(&scn, t).expect("simulated");
        let billed = &res.trials[t as usize].plans[0].totals;
        assert_eq!(rows.len() as u64, billed.active_user_months, "trial {t}");
        let sum: f64 = rows.iter().map(|r| r.output).sum();
        let tol = 0.5 * rows.len() as f64 + 1e-12 * sum;
        assert!(
            (sum - billed.served_output_tokens).abs() <= tol,
            "trial {t}: {sum} vs {}",
            billed.served_output_tokens
        );
        let users: std::collections::BTreeSet<u64> = rows.iter().map(|r| r.user).collect();
        assert_eq!(users.len() as u64, billed.users, "trial {t}");
    }
}

#[test]
fn teams_and_trials_outside_the_scenario_are_refused() {
    let scn = scenario(
        "[simulation]\ntrials = 2\nusers = 10\nmonths = 2",
        r#"
[[segment]]
name = "solo"
share = 0.5
output_tokens = 1000
[[segment]]
name = "acme"
share = 0.5
output_tokens = 1000
team_size = 3
"#,
    );
    let err = simulate_panel(&scn, 0).unwrap_err();
    assert_eq!(err, PanelError::Team("acme".into()));
    assert!(err.to_string().starts_with("segment.acme: a team segment"));
    let scn = scenario(
        "[simulation]\ntrials = 2\nusers = 10\nmonths = 2",
        "[[segment]]\nname = \"a\"\nshare = 1\noutput_tokens = 1000",
    );
    assert!(matches!(
        simulate_panel(&scn, 2),
        Err(PanelError::Engine(
            crate::engine::EngineError::TrialRange { .. }
        ))
    ));
}
