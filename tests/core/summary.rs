//! Summary statistics against values computed independently with numpy, and the promise that a
//! spreadsheet recomputes summary.csv from trials.csv.

use plansim::parse;
use plansim::results::{PlanTrial, RunResults, Totals, TrialResult};
use plansim::summarize;

use crate::common::read_csv;

const ONE_PLAN: &str = r#"
name = "s"
[simulation]
users = 4
months = 1
[retail]
input = 1
output = 1
[cost]
input = 0
output = 0
[[segment]]
name = "a"
share = 1
output_tokens = 1
[[plan]]
name = "p"
kind = "flat"
price = 1
"#;

/// numpy 2.4 on this list:
/// np.percentile(x, [1, 5, 10, 25, 50, 75, 90, 95, 99]), x.mean(), x.std(ddof=1),
/// x.std(ddof=1) / sqrt(11), (x < 0).mean(); CVaR: k = max(1, ceil(0.05 * 11)) = 1 lowest.
const PROFITS: [f64; 11] = [
    120.5, -30.25, 88.0, 15.0, 240.75, -5.5, 60.0, 33.3, 101.1, -80.0, 12.0,
];
const NUMPY_PCT: [f64; 9] = [
    -75.025,
    -55.125,
    -30.25,
    3.25,
    33.3,
    94.55,
    120.5,
    180.625,
    228.72500000000005,
];

fn results(profits: &[f64], revenues: &[f64]) -> RunResults {
    RunResults {
        provenance: Default::default(),
        trials: profits
            .iter()
            .zip(revenues)
            .enumerate()
            .map(|(i, (p, r))| TrialResult {
                trial: i as u64,
                draws: vec![],
                plans: vec![PlanTrial {
                    totals: Totals {
                        profit: *p,
                        revenue: *r,
                        users: 4,
                        active_user_months: 4,
                        loss_users: u64::from(*p < 0.0),
                        ..Totals::default()
                    },
                    month_profit: vec![*p],
                    // Minus the profit, so a mix-up of the two shows.
                    npv: -*p,
                    segments: vec![],
                }],
                groups: None,
            })
            .collect(),
        segments: vec![vec![Default::default()]],
        deciles: vec![vec![Default::default(); 10]],
        months: vec![vec![Default::default()]],
        choices: vec![],
        population: vec![],
    }
}

#[test]
fn percentiles_moments_and_tail_match_numpy() {
    let scn = parse(ONE_PLAN, "s.toml").unwrap();
    let s = &summarize(&scn, &results(&PROFITS, &[200.0; 11]))[0];
    for (got, want) in s.profit_pct.iter().zip(NUMPY_PCT) {
        assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    }
    assert!((s.profit_mean - 50.445454545454545).abs() < 1e-9);
    assert!((s.profit_sd.unwrap() - 86.53152158186477).abs() < 1e-9);
    assert!((s.profit_se.unwrap() - 26.090235420507817).abs() < 1e-9);
    assert_eq!(s.cvar_05, -80.0);
    assert!((s.prob_loss - 3.0 / 11.0).abs() < 1e-15);
    // margins: profit / revenue with revenue 200 for every trial
    assert!((s.margin_pct[1].unwrap() - 33.3 / 200.0).abs() < 1e-12);
    // loss users: 3 of 11 x 4 user-trials
    assert!((s.loss_user_share.unwrap() - 3.0 / 44.0).abs() < 1e-15);
    assert_eq!(s.arpu, Some(200.0 / 4.0));
    // NPV by the same rule: each trial's NPV is minus its profit here, so its percentiles at
    // 5, 50, 95 are minus numpy's profit percentiles at 95, 50, 5, and its mean minus theirs.
    for (got, want) in s
        .npv_pct
        .iter()
        .zip([-NUMPY_PCT[7], -NUMPY_PCT[4], -NUMPY_PCT[1]])
    {
        assert!((got - want).abs() < 1e-9, "npv {got} vs {want}");
    }
    assert!((s.npv_mean + 50.445454545454545).abs() < 1e-9);
}

/// The spread does not lose precision to a large mean: the same profits shifted by $100M (a
/// large scenario's trial profit) have numpy's sd and se, within 1e-9; and two trials are
/// enough for a spread (profits 1 and 3: sd sqrt(2), se 1).
#[test]
fn spread_is_exact_for_two_trials_and_for_a_large_mean() {
    let scn = parse(ONE_PLAN, "s.toml").unwrap();
    let shifted: Vec<f64> = PROFITS.iter().map(|p| p + 1e8).collect();
    let s = &summarize(&scn, &results(&shifted, &[2e8; 11]))[0];
    let rel = |a: f64, b: f64| ((a - b) / b).abs();
    assert!(rel(s.profit_sd.unwrap(), 86.53152158186477) < 1e-9, "{s:?}");
    assert!(
        rel(s.profit_se.unwrap(), 26.090235420507817) < 1e-9,
        "{s:?}"
    );
    let two = &summarize(&scn, &results(&[1.0, 3.0], &[10.0, 10.0]))[0];
    assert_eq!(two.profit_sd, Some(2f64.sqrt()));
    assert_eq!(two.profit_se, Some(1.0));
}

/// Ratios of sums over trials, by hand: cost_to_retail = sum of cost / sum of retail value
/// (not its inverse, nor a mean of per-trial ratios), arpu = sum of revenue / sum of active
/// user-months, and the means of each component.
#[test]
fn ratios_are_ratios_of_sums_over_trials() {
    let scn = parse(ONE_PLAN, "s.toml").unwrap();
    let mut res = results(&[10.0, 20.0], &[100.0, 300.0]);
    for (t, (cost, retail, months)) in res
        .trials
        .iter_mut()
        .zip([(30.0, 100.0, 4), (10.0, 300.0, 12)])
    {
        let x = &mut t.plans[0].totals;
        (x.cost, x.retail_value, x.active_user_months) = (cost, retail, months);
    }
    let s = &summarize(&scn, &res)[0];
    // (30 + 10) / (100 + 300) = 0.1; the mean of the trials' ratios would be (0.3 + 1/30) / 2.
    assert_eq!(s.cost_to_retail, Some(0.1));
    // (100 + 300) / (4 + 12) = 25
    assert_eq!(s.arpu, Some(25.0));
    assert_eq!((s.revenue_mean, s.cost_mean), (200.0, 20.0));
    assert_eq!(s.retail_value_mean, 200.0);
    // profit per user: mean profit 15 over 4 users
    assert_eq!(s.profit_per_user, Some(15.0 / 4.0));
}

#[test]
fn margins_skip_trials_without_revenue_and_single_trials_have_no_spread() {
    let scn = parse(ONE_PLAN, "s.toml").unwrap();
    let s = &summarize(&scn, &results(&[-5.0, 10.0, 30.0], &[0.0, 100.0, 100.0]))[0];
    // margins over the two trials with revenue: 0.1 and 0.3 -> p50 = 0.2
    assert!((s.margin_pct[1].unwrap() - 0.2).abs() < 1e-12);
    let one = &summarize(&scn, &results(&[7.0], &[0.0]))[0];
    assert_eq!((one.profit_sd, one.profit_se), (None, None));
    assert_eq!(one.margin_pct, [None, None, None]);
    assert_eq!(one.cvar_05, 7.0);
}

#[test]
fn a_spreadsheet_recomputes_summary_from_trials() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args([
            "run",
            "configs/minimal.toml",
            "--trials",
            "37",
            "--users",
            "300",
        ])
        .args(["--quiet", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let (th, trows) = read_csv(&out.join("trials.csv"));
    let (sh, srows) = read_csv(&out.join("summary.csv"));
    let col = |h: &[String], name: &str| h.iter().position(|c| c == name).unwrap();
    for srow in &srows {
        let plan = &srow[0];
        let mut profits: Vec<f64> = trows
            .iter()
            .filter(|r| &r[col(&th, "plan")] == plan)
            .map(|r| r[col(&th, "profit")].parse().unwrap())
            .collect();
        assert_eq!(profits.len(), 37);
        profits.sort_by(f64::total_cmp);
        // PERCENTILE.INC(x, 0.25): position (n - 1) * 0.25 = 9 -> the 10th smallest exactly.
        let p25: f64 = srow[col(&sh, "profit_p25")].parse().unwrap();
        assert_eq!(p25, profits[9], "{plan}");
        // p10: position 3.6 -> x[3] + 0.6 (x[4] - x[3])
        let p10: f64 = srow[col(&sh, "profit_p10")].parse().unwrap();
        let want = profits[3] + 0.6 * (profits[4] - profits[3]);
        assert!(
            (p10 - want).abs() <= 1e-9 * want.abs(),
            "{plan}: {p10} vs {want}"
        );
        let mean: f64 = srow[col(&sh, "profit_mean")].parse().unwrap();
        let want = profits.iter().sum::<f64>() / 37.0;
        assert!((mean - want).abs() <= 1e-9 * want.abs());
        // NPV (no discount_rate: each trial's NPV is its profit, summed by month instead of
        // by user, so equal within 1e-9 relative), by the same percentile rule.
        let mut npvs: Vec<f64> = trows
            .iter()
            .filter(|r| &r[col(&th, "plan")] == plan)
            .map(|r| {
                let npv: f64 = r[col(&th, "npv")].parse().unwrap();
                let profit: f64 = r[col(&th, "profit")].parse().unwrap();
                assert!(
                    (npv - profit).abs() <= 1e-9 * profit.abs().max(1.0),
                    "{plan}: npv {npv} vs profit {profit}"
                );
                npv
            })
            .collect();
        npvs.sort_by(f64::total_cmp);
        // p50: position 18 exactly; p05: position 1.8 -> x[1] + 0.8 (x[2] - x[1]).
        let p50: f64 = srow[col(&sh, "npv_p50")].parse().unwrap();
        assert_eq!(p50, npvs[18], "{plan}");
        let p05: f64 = srow[col(&sh, "npv_p05")].parse().unwrap();
        let want = npvs[1] + 0.8 * (npvs[2] - npvs[1]);
        assert!(
            (p05 - want).abs() <= 1e-9 * want.abs(),
            "{plan}: {p05} vs {want}"
        );
        let mean: f64 = srow[col(&sh, "npv_mean")].parse().unwrap();
        let want = npvs.iter().sum::<f64>() / 37.0;
        assert!((mean - want).abs() <= 1e-9 * want.abs());
    }
    // Shortest round-trip floats: every numeric cell parses back to itself.
    for row in &trows {
        for cell in &row[2..] {
            if !cell.is_empty() {
                let v: f64 = cell.parse().unwrap();
                assert_eq!(format!("{v}"), *cell);
            }
        }
    }
}
