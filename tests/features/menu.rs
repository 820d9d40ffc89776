//! Menu mode (issue 10, section 5): users choose one plan of a menu, or none.
//!
//! Each test builds a scenario whose answer is known in closed form: hand-computed surpluses
//! for `best` choice, McFadden's logit shares for `logit`, the lognormal tail for bill shocks
//! and the survival they cause, exact arrival counts, and exact identities between the
//! portfolio and our plan rows. Statistical checks hold within 4 standard errors of the
//! closed form, each standard error computed from the binomial variance of the number it
//! checks (sqrt(P(1 - P) / n), n the independent users or user-months behind it), and each is
//! sized so it is decisive (its 4 SE is small against the effect) while the file runs in a few
//! seconds. The last tests run the binary: no NaN or inf in any CSV, and byte-identical files
//! for 1, 2 and 8 threads.

use crate::common;

use std::path::Path;
use std::process::Command;

use plansim::results::{MonthTotals, RunResults, Totals};
use plansim::{Scenario, parse, run};
use statrs::distribution::{ContinuousCDF, Normal};

/// A scenario: `trials` x `users` over `months`, the cards (retail $5 input / $25 output per
/// million tokens, cost a tenth of that, no decline, overhead or fees), `[market]` with
/// `market`, then the segments and plans of `body`.
fn toml(trials: u64, users: u64, months: u32, market: &str, body: &str) -> String {
    format!(
        "name = \"menu-test\"\n\
         [simulation]\ntrials = {trials}\nusers = {users}\nmonths = {months}\nseed = 11\n\
         [retail]\ninput = 5\noutput = 25\n\
         [cost]\ninput = 0.5\noutput = 2.5\nannual_decline = 0\nper_user_month = 0\n\
         payment_fee_rate = 0\npayment_fee_fixed = 0\n\
         [market]\n{market}\n{body}"
    )
}

fn go(text: &str) -> (Scenario, RunResults) {
    let scn = parse(text, "menu-test.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let res = run(&scn, &|_| {}).unwrap();
    (scn, res)
}

/// The index of row `name` among the output rows.
fn row(scn: &Scenario, name: &str) -> usize {
    scn.rows().iter().position(|r| r.0 == name).unwrap()
}

/// The index of option `name` (a plan or `none`) in choices.
fn option(scn: &Scenario, name: &str) -> usize {
    scn.options().iter().position(|o| *o == name).unwrap()
}

/// The index of segment `name`.
fn segment(scn: &Scenario, name: &str) -> usize {
    scn.segment_names().iter().position(|s| *s == name).unwrap()
}

/// Row `r`'s totals summed over trials.
fn sum_totals(res: &RunResults, r: usize) -> Totals {
    let mut t = Totals::default();
    for tr in &res.trials {
        t.add(&tr.plans[r].totals);
    }
    t
}

/// Standard normal CDF.
fn phi(x: f64) -> f64 {
    Normal::new(0.0, 1.0).unwrap().cdf(x)
}

/// Asserts that `count` successes of `n` independent trials match probability `p` within 4
/// standard errors sqrt(p (1 - p) / n).
fn assert_share(what: &str, count: u64, n: u64, p: f64) {
    assert!(n > 0, "{what}: no trials");
    let share = count as f64 / n as f64;
    let se = (p * (1.0 - p) / n as f64).sqrt();
    assert!(
        (share - p).abs() <= 4.0 * se,
        "{what}: share {share} ({count} of {n}) against {p}, 4 SE = {}",
        4.0 * se
    );
}

/// `a` and `b` equal within 1e-9 relative (absolute near 0).
fn assert_close(what: &str, a: f64, b: f64) {
    let tol = 1e-9 * a.abs().max(b.abs()).max(1.0);
    assert!((a - b).abs() <= tol, "{what}: {a} != {b}");
}

/// Every number in the results is finite.
fn assert_all_finite(res: &RunResults) {
    assert_eq!(res.non_finite_plan(), None);
    for t in &res.trials {
        assert!(t.draws.iter().all(|x| x.is_finite()));
        for pt in &t.plans {
            assert!(pt.totals.is_finite(), "{:?}", pt.totals);
            assert!(pt.month_profit.iter().all(|x| x.is_finite()));
            assert!(pt.segments.iter().all(|s| s.profit.is_finite()));
        }
    }
    assert!(res.months.iter().flatten().all(MonthTotals::is_finite));
    assert!(res.segments.iter().flatten().all(|g| g.is_finite()));
    assert!(res.deciles.iter().flatten().all(|g| g.is_finite()));
    assert!(res.choices.iter().flatten().all(|c| c.is_finite()));
}

/// At every month the four states add up to the users arrived so far, and the arrived are
/// `users + round(m x rate)` per trial.
fn assert_population_adds_up(res: &RunResults, users: u64, rate: f64) {
    let trials = res.trial_count();
    assert!(!res.population.is_empty());
    for (m, p) in res.population.iter().enumerate() {
        let arrived = users + (m as f64 * rate).round() as u64;
        assert_eq!(p.arrived, trials * arrived, "month {m}: {p:?}");
        assert_eq!(
            p.ours + p.external + p.non_adopters + p.gone,
            p.arrived,
            "month {m}: {p:?}"
        );
    }
}

// 1. Adverse selection.
//
// No prompt tokens, so a month of D output tokens is worth D x $25/M at retail and costs
// D x $2.5/M to serve. Menu: `api` (payg at list) and `flat` ($20, fair-use cap $300 of retail).
//   light: D = 200k, value $30.   api: bill $5, surplus 30 - 5 = 25.
//                                 flat: $5 < cap, served 1, surplus 30 - 20 = 10.  -> api
//   heavy: D = 10M, value $1000.  api: bill $250, surplus 1000 - 250 = 750.
//                                 flat: $250 < cap, served 1, surplus 1000 - 20 = 980. -> flat
// Profit a month: flat earns 20 - 0.5 = $19.5 on a light user and 20 - 25 = -$5 on a heavy
// one; over 3 months, -$15 per subscriber in menu mode (heavy users only) against
// (19.5 - 5) / 2 x 3 = $21.75 per user in each mode (everyone, half of them light).
const ADVERSE: &str = r#"
[[segment]]
name = "light"
share = 0.5
output_tokens = 200_000
value = 30

[[segment]]
name = "heavy"
share = 0.5
output_tokens = 10_000_000
value = 1000

[[plan]]
name = "api"
kind = "payg"

[[plan]]
name = "flat"
kind = "flat"
price = 20
cap = 300
"#;

#[test]
fn heavy_users_choose_the_flat_plan_and_its_profit_per_subscriber_falls() {
    let menu = toml(2, 1000, 3, "mode = \"menu\"", ADVERSE);
    let (scn, res) = go(&menu);
    let (light, heavy) = (segment(&scn, "light"), segment(&scn, "heavy"));
    let share = |o: &str, s: usize| {
        let c = &res.choices[option(&scn, o)][s];
        c.chosen_at_start as f64 / c.choosers as f64
    };
    assert_eq!(share("api", light), 1.0);
    assert_eq!(share("flat", light), 0.0);
    assert_eq!(share("none", light), 0.0);
    assert_eq!(share("flat", heavy), 1.0);
    assert_eq!(share("api", heavy), 0.0);
    assert_eq!(share("none", heavy), 0.0);
    // The surpluses at the choice, as computed above.
    let c = &res.choices[option(&scn, "flat")][heavy];
    assert_close(
        "heavy surplus on flat",
        c.surplus / c.chosen_at_start as f64,
        980.0,
    );
    let c = &res.choices[option(&scn, "api")][light];
    assert_close(
        "light surplus on api",
        c.surplus / c.chosen_at_start as f64,
        25.0,
    );

    let per_subscriber = |res: &RunResults, r: usize| {
        let t = sum_totals(res, r);
        t.profit / t.users as f64
    };
    let flat_menu = per_subscriber(&res, row(&scn, "flat"));
    assert_eq!(sum_totals(&res, row(&scn, "flat")).users, 2 * 500);
    assert_close("flat per subscriber, menu", flat_menu, -15.0);
    assert_close(
        "api per subscriber, menu",
        per_subscriber(&res, row(&scn, "api")),
        3.0 * (5.0 - 0.5),
    );

    let each = menu.replace("mode = \"menu\"", "mode = \"each\"");
    assert_ne!(each, menu);
    let (scn_each, res_each) = go(&each);
    assert!(!scn_each.is_menu());
    let flat_each = per_subscriber(&res_each, row(&scn_each, "flat"));
    assert_eq!(
        sum_totals(&res_each, row(&scn_each, "flat")).users,
        2 * 1000
    );
    assert_close("flat per user, each", flat_each, 21.75);
    assert!(flat_menu < flat_each);
}

// Ties under best: two identical flat plans ($20, no prompt tokens, demand within the cap).
//   keen: value $30: surplus 10 on both -> the plan listed first, `a`.
//   even: value $20: surplus 0 on both, and 0 for none -> none.
const TIES: &str = r#"
[[segment]]
name = "keen"
share = 0.5
output_tokens = 200_000
value = 30

[[segment]]
name = "even"
share = 0.5
output_tokens = 200_000
value = 20

[[plan]]
name = "a"
kind = "flat"
price = 20
cap = 300

[[plan]]
name = "b"
kind = "flat"
price = 20
cap = 300
"#;

#[test]
fn ties_go_to_none_then_to_the_plan_listed_first() {
    let (scn, res) = go(&toml(1, 100, 1, "mode = \"menu\"", TIES));
    let chosen = |o: &str, s: &str| res.choices[option(&scn, o)][segment(&scn, s)].chosen_at_start;
    assert_eq!(
        (
            chosen("a", "keen"),
            chosen("b", "keen"),
            chosen("none", "keen")
        ),
        (50, 0, 0)
    );
    assert_eq!(
        (
            chosen("a", "even"),
            chosen("b", "even"),
            chosen("none", "even")
        ),
        (0, 0, 50)
    );
}

// 2. Logit shares.
//
// Prompt mix fixed at 4 input tokens per output token (no cache), so a month of D output
// tokens is worth D x (25 + 4 x 5) = D x $45/M at retail. value_curvature = 0.5. Menu:
//   api: payg at list, anxiety $5:  S = value - 45 D/M - 5
//   pro: flat $20, cap $30:         S = value x min(1, 30 / (45 D/M))^0.5 - 20
//   max: flat $60, quality 0.9:     S = 0.9 value - 60
// Segments (D, value) and the surpluses (api, pro, max; none is 0):
//   light (200k, 40):  26, 20, -24          -> api by 6
//   mid   (1M, 100):   50, 61.65, 30        -> pro by 11.65
//   heavy (4M, 300):   115, 102.47, 210     -> max by 95
//   poor  (1M, 20):    -30, -3.67, -42      -> none by 3.67
const LOGIT: &str = r#"
[[segment]]
name = "light"
share = 0.25
output_tokens = 200_000
input_per_output = 4
value = 40

[[segment]]
name = "mid"
share = 0.25
output_tokens = 1_000_000
input_per_output = 4
value = 100

[[segment]]
name = "heavy"
share = 0.25
output_tokens = 4_000_000
input_per_output = 4
value = 300

[[segment]]
name = "poor"
share = 0.25
output_tokens = 1_000_000
input_per_output = 4
value = 20

[[plan]]
name = "api"
kind = "payg"
anxiety = 5

[[plan]]
name = "pro"
kind = "flat"
price = 20
cap = 30

[[plan]]
name = "max"
kind = "flat"
price = 60
quality = 0.9
"#;

/// The (D, value) of LOGIT's segments, in order.
const LOGIT_SEGMENTS: [(&str, f64, f64); 4] = [
    ("light", 0.2e6, 40.0),
    ("mid", 1e6, 100.0),
    ("heavy", 4e6, 300.0),
    ("poor", 1e6, 20.0),
];

/// The surpluses of api, pro and max in LOGIT for a user with demand `d` and `value`.
fn logit_surpluses(d: f64, value: f64) -> [f64; 3] {
    let retail = d * 45e-6;
    [
        value - retail - 5.0,
        value * (30.0 / retail).min(1.0).sqrt() - 20.0,
        0.9 * value - 60.0,
    ]
}

#[test]
fn the_hand_computed_surpluses_are_the_ones_the_comments_give() {
    let want = [
        [26.0, 20.0, -24.0],
        [50.0, 61.65, 30.0],
        [115.0, 102.47, 210.0],
        [-30.0, -3.67, -42.0],
    ];
    for ((_, d, v), w) in LOGIT_SEGMENTS.iter().zip(want) {
        for (s, w) in logit_surpluses(*d, *v).iter().zip(w) {
            assert!((s - w).abs() < 0.01, "{s} against {w}");
        }
    }
}

#[test]
fn logit_shares_match_the_closed_form() {
    let scale = 20.0;
    let market = format!(
        "mode = \"menu\"\nchoice = \"logit\"\nlogit_scale = {scale}\nvalue_curvature = 0.5"
    );
    let (scn, res) = go(&toml(5, 40_000, 1, &market, LOGIT));
    let options = ["api", "pro", "max", "none"];
    for (name, d, v) in LOGIT_SEGMENTS {
        let s = segment(&scn, name);
        let surplus = logit_surpluses(d, v);
        // The mean surplus of each chosen plan is its surplus (fixed demand and value).
        let e: Vec<f64> = surplus.iter().map(|x| (x / scale).exp()).collect();
        let denom = 1.0 + e.iter().sum::<f64>();
        let n = res.choices[0][s].choosers;
        assert_eq!(n, 5 * 10_000);
        for (o, &opt) in options.iter().enumerate() {
            let p = if o < 3 { e[o] / denom } else { 1.0 / denom };
            let c = &res.choices[option(&scn, opt)][s];
            assert_eq!(c.choosers, n);
            assert_share(&format!("{name} -> {opt}"), c.chosen_at_start, n, p);
            if o < 3 && c.chosen_at_start > 0 {
                assert_close(
                    &format!("{name} -> {opt} surplus"),
                    c.surplus / c.chosen_at_start as f64,
                    surplus[o],
                );
            }
        }
    }
    // With rechoose never and no churn the subscribers of each row are its choosers.
    for plan in ["api", "pro", "max"] {
        let chosen: u64 = res.choices[option(&scn, plan)]
            .iter()
            .map(|c| c.chosen_at_start)
            .sum();
        assert_eq!(sum_totals(&res, row(&scn, plan)).users, chosen);
    }
}

#[test]
fn a_tiny_logit_scale_chooses_as_best_does() {
    let best = toml(2, 4000, 2, "mode = \"menu\"\nvalue_curvature = 0.5", LOGIT);
    let (scn, res_best) = go(&best);
    // Best: every user of a segment takes the option the comments give, shares 1 and 0.
    let winners = [
        ("light", "api"),
        ("mid", "pro"),
        ("heavy", "max"),
        ("poor", "none"),
    ];
    for (seg, winner) in winners {
        let s = segment(&scn, seg);
        for o in scn.options() {
            let c = &res_best.choices[option(&scn, o)][s];
            let want = if o == winner { c.choosers } else { 0 };
            assert_eq!(c.chosen_at_start, want, "{seg} -> {o}");
        }
    }
    let logit = toml(
        2,
        4000,
        2,
        "mode = \"menu\"\nvalue_curvature = 0.5\nchoice = \"logit\"\nlogit_scale = 1e-6",
        LOGIT,
    );
    let (_, res_logit) = go(&logit);
    assert_eq!(res_logit.choices, res_best.choices);
    for (a, b) in res_logit.trials.iter().zip(&res_best.trials) {
        assert_eq!(a.plans, b.plans);
    }
    assert_eq!(res_logit.months, res_best.months);
    // ...while a scale of $10 makes some users choose otherwise.
    let wide = logit.replace("logit_scale = 1e-6", "logit_scale = 10");
    assert_ne!(go(&wide).1.choices, res_best.choices);
}

// 3. Prices above every value: every user's value is $10 a month, and every plan costs more
// (payg has a $15 minimum; flat $12; credits $20; hybrid $11 base fee), so every surplus is
// negative and everyone chooses none, at arrival and at every monthly re-choice.
const PRICEY: &str = r#"
[[segment]]
name = "casual"
share = 0.7
output_tokens = { dist = "lognormal", median = 1_000_000, p95 = 5_000_000 }
input_per_output = 10
cache_read_share = 0.5
monthly_volatility = 0.5
monthly_churn = 0.1
monthly_growth = 0.05
value = 10

[[segment]]
name = "power"
share = 0.3
output_tokens = 20_000_000
value = { dist = "uniform", min = 1, max = 10 }

[[plan]]
name = "api"
kind = "payg"
monthly_minimum = 15

[[plan]]
name = "flat"
kind = "flat"
price = 12
cap = 100

[[plan]]
name = "credits"
kind = "credit"
price = 20
credits = 2000
burn = { input = 500, output = 2500, cache_read = 50 }

[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 11
included = 20
"#;

const PRICEY_MARKET: &str = "mode = \"menu\"\nrechoose = \"monthly\"\nnew_users_per_month = 7.5";

#[test]
fn nobody_buys_when_every_price_is_above_every_value() {
    let (scn, res) = go(&toml(3, 500, 4, PRICEY_MARKET, PRICEY));
    assert_all_finite(&res);
    let none = option(&scn, "none");
    for s in 0..scn.segment_names().len() {
        let c = &res.choices[none][s];
        assert!(c.choosers > 0);
        assert_eq!(c.chosen_at_start, c.choosers);
        for plan in ["api", "flat", "credits", "hybrid"] {
            let c = &res.choices[option(&scn, plan)][s];
            assert_eq!((c.chosen_at_start, c.switched_in), (0, 0), "{plan}");
        }
    }
    for r in 0..scn.rows().len() {
        let t = sum_totals(&res, r);
        assert_eq!((t.users, t.active_user_months), (0, 0));
        assert_eq!((t.revenue, t.cost, t.profit), (0.0, 0.0, 0.0));
        assert!(
            res.months[r]
                .iter()
                .all(|m| m.active_users == 0 && m.revenue == 0.0)
        );
    }
    assert_population_adds_up(&res, 500, 7.5);
    assert!(
        res.population
            .iter()
            .all(|p| p.ours == 0 && p.external == 0)
    );
    // Users leave (churn applies to non-adopters too).
    assert!(res.population.last().unwrap().gone > 0);
}

/// Runs the binary on `config` into `out` with `threads`.
fn run_binary(config: &Path, out: &Path, threads: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_plansim"))
        .args(["run", "--quiet", "--threads", threads, "--out"])
        .arg(out)
        .arg(config)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "plansim run failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// The CSV files of an output folder, by name, sorted.
fn csv_files(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    names
}

#[test]
fn nobody_buys_and_no_file_has_nan_or_inf() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("pricey.toml");
    std::fs::write(&config, toml(3, 500, 4, PRICEY_MARKET, PRICEY)).unwrap();
    let out = dir.path().join("out");
    run_binary(&config, &out, "2");
    let files = csv_files(&out);
    assert!(
        files.len() >= 6 && files.contains(&"choices.csv".into()),
        "{files:?}"
    );
    for f in &files {
        let (header, rows) = common::read_csv(&out.join(f));
        // The scenario draws nothing per trial: sensitivity.csv and tail.csv are headers only.
        let header_only = f == "sensitivity.csv" || f == "tail.csv";
        assert_eq!(rows.is_empty(), header_only, "{f}: {} rows", rows.len());
        for r in &rows {
            for (col, cell) in header.iter().zip(r) {
                let lower = cell.to_ascii_lowercase();
                assert!(
                    !lower.contains("nan") && !lower.contains("inf"),
                    "{f}: {col} = {cell}"
                );
            }
        }
    }
    // Per-subscriber cells are empty: no row has a subscriber.
    let (header, rows) = common::read_csv(&out.join("summary.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for name in ["profit_per_user", "loss_user_share"] {
        for r in &rows {
            assert_eq!(r[col(name)], "", "summary.csv {} {name}", r[0]);
        }
    }
    for r in &rows {
        assert_eq!(r[col("revenue_mean")].parse::<f64>().unwrap(), 0.0);
        assert_eq!(r[col("subscribers_mean")].parse::<f64>().unwrap(), 0.0);
    }
    let (header, rows) = common::read_csv(&out.join("segments.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    assert_eq!(rows.len(), 5 * 2);
    for r in &rows {
        assert_eq!(
            r[col("profit_per_user")],
            "",
            "segments.csv {} {}",
            r[0],
            r[1]
        );
    }
}

// 4. Shocks. A payg month of D x noise output tokens, noise = exp(v z - v^2 / 2), bills
// noise x the expected bill (g = 0, no minimum); it is a shock when noise > 1 + threshold,
// that is z > (ln(1 + threshold) + v^2 / 2) / v. A flat bill is its price every month: never a
// shock. The segment `metered` takes payg (surplus 200 - 25 = 175 against 200 - 100 = 100);
// `unmetered` takes flat (1000 - 100 = 900 against 1000 - 250 = 750).
const SHOCKS: &str = r#"
[[segment]]
name = "metered"
share = 0.5
output_tokens = 1_000_000
monthly_volatility = 0.8
monthly_churn = 0.05
shock_churn = 1
value = 200

[[segment]]
name = "unmetered"
share = 0.5
output_tokens = 10_000_000
monthly_volatility = 0.8
monthly_churn = 0.05
shock_churn = 1
value = 1000

[[plan]]
name = "api"
kind = "payg"

[[plan]]
name = "flat"
kind = "flat"
price = 100
"#;

/// The probability that a month of the SHOCKS segments is a shock on payg.
fn shock_probability() -> f64 {
    let (v, threshold) = (0.8f64, 0.5f64);
    1.0 - phi(((1.0 + threshold).ln() + v * v / 2.0) / v)
}

#[test]
fn payg_shocks_at_the_lognormal_tail_and_shocked_users_leave() {
    let (users, trials, months, churn) = (40_000u64, 3u64, 6usize, 0.05f64);
    let (scn, res) = go(&toml(
        trials,
        users,
        months as u32,
        "mode = \"menu\"",
        SHOCKS,
    ));
    let (api, flat) = (row(&scn, "api"), row(&scn, "flat"));
    let p_s = shock_probability();
    assert!(p_s > 0.1 && p_s < 0.3, "{p_s}");
    let month = |r: usize, m: usize| res.months[r][m];
    // Shocks among the payg user-months.
    let shocked: u64 = (0..months).map(|m| month(api, m).shock_users).sum();
    let active: u64 = (0..months).map(|m| month(api, m).active_users).sum();
    assert_share("payg user-months that shock", shocked, active, p_s);
    // A flat plan never shocks.
    assert!((0..months).all(|m| month(flat, m).shock_users == 0));
    // Survivors: payg users leave after every shock (shock_churn = 1) and otherwise with
    // monthly_churn; flat users only with monthly_churn.
    let half = trials * users / 2;
    assert_eq!(month(api, 0).active_users, half);
    assert_eq!(month(flat, 0).active_users, half);
    for m in 1..months {
        let q = ((1.0 - p_s) * (1.0 - churn)).powi(m as i32);
        assert_share(
            &format!("payg survivors after {m} months"),
            month(api, m).active_users,
            half,
            q,
        );
        assert_share(
            &format!("flat survivors after {m} months"),
            month(flat, m).active_users,
            half,
            (1.0 - churn).powi(m as i32),
        );
    }
    assert_population_adds_up(&res, users, 0.0);
    for (m, p) in res.population.iter().enumerate() {
        assert_eq!(
            p.ours,
            month(api, m).active_users + month(flat, m).active_users
        );
        assert_eq!(p.non_adopters, 0);
    }
}

#[test]
fn in_each_mode_shocks_are_counted_but_churn_stays_plan_independent() {
    let (users, trials, months, churn) = (20_000u64, 3u64, 6usize, 0.05f64);
    let each = toml(trials, users, months as u32, "mode = \"each\"", SHOCKS);
    let (scn, res) = go(&each);
    let (api, flat) = (row(&scn, "api"), row(&scn, "flat"));
    let shocked: u64 = (0..months).map(|m| res.months[api][m].shock_users).sum();
    let active: u64 = (0..months).map(|m| res.months[api][m].active_users).sum();
    assert_share(
        "each mode: payg user-months that shock",
        shocked,
        active,
        shock_probability(),
    );
    assert!(res.months[flat].iter().all(|m| m.shock_users == 0));
    for m in 0..months {
        // Every user on both plans, churning alike.
        assert_eq!(
            res.months[api][m].active_users,
            res.months[flat][m].active_users
        );
        assert_share(
            &format!("each mode: survivors after {m} months"),
            res.months[api][m].active_users,
            trials * users,
            (1.0 - churn).powi(m as i32),
        );
    }
}

// Monthly re-choice with growing demand, no noise, no churn. A month of D output tokens is worth
// D x $25/M at retail and grows 30% a month. `lite` ($10, cap $30) serves min(1, 30 / retail),
// so its surplus is 100 x that - 10; `max` ($60, no cap) gives 100 - 60 = 40. A user is on
// lite in month m while 100 x 30 / (25 D/M x 1.3^m) - 10 >= 40, i.e. D x 1.3^m <= 2.4M, and
// moves to max (for good) at the first month it is not. With D lognormal (median 1M, p95 3M),
// the share on lite in month m is Phi(ln(2.4 / 1.3^m) / sigma), sigma = ln 3 / z_0.95.
const GROWING: &str = r#"
[[segment]]
name = "growing"
share = 1
output_tokens = { dist = "lognormal", median = 1_000_000, p95 = 3_000_000 }
monthly_growth = 0.3
value = 100

[[plan]]
name = "lite"
kind = "flat"
price = 10
cap = 30

[[plan]]
name = "max"
kind = "flat"
price = 60
"#;

#[test]
fn monthly_rechoice_moves_growing_users_to_the_dearer_plan() {
    let (users, trials, months) = (20_000u64, 2u64, 6usize);
    let market = "mode = \"menu\"\nrechoose = \"monthly\"";
    let (scn, res) = go(&toml(trials, users, months as u32, market, GROWING));
    let (lite, max) = (row(&scn, "lite"), row(&scn, "max"));
    let n = trials * users;
    let sigma = 3f64.ln() / Normal::new(0.0, 1.0).unwrap().inverse_cdf(0.95);
    let on = |r: usize, m: usize| res.months[r][m].active_users;
    for m in 0..months {
        assert_eq!(on(lite, m) + on(max, m), n, "month {m}");
        let p = phi((2.4 / 1.3f64.powi(m as i32)).ln() / sigma);
        assert_share(&format!("on lite in month {m}"), on(lite, m), n, p);
        if m > 0 {
            assert!(on(lite, m) < on(lite, m - 1), "month {m}");
            assert!(on(max, m) > on(max, m - 1), "month {m}");
        }
    }
    assert!(on(lite, 0) > on(max, 0) && on(lite, months - 1) < on(max, months - 1));
    // Every move is out of lite and into max, counted once.
    let moved = on(lite, 0) - on(lite, months - 1);
    let total = |o: &str, f: fn(&plansim::results::ChoiceTotals) -> u64| -> u64 {
        res.choices[option(&scn, o)].iter().map(f).sum()
    };
    assert_eq!(total("lite", |c| c.switched_out), moved);
    assert_eq!(total("max", |c| c.switched_in), moved);
    assert_eq!(
        (
            total("lite", |c| c.switched_in),
            total("max", |c| c.switched_out)
        ),
        (0, 0)
    );
    assert_eq!(total("max", |c| c.subscribers_end), on(max, months - 1));
    assert_population_adds_up(&res, users, 0.0);
    // A user who switched is a subscriber of both plans, and one user of the portfolio.
    let subscribers = |r: usize| sum_totals(&res, r).users;
    assert_eq!(subscribers(lite) + subscribers(max), n + moved);
    assert_eq!(subscribers(row(&scn, "portfolio")), n);
}

// 5. Arrivals: 2.5 a month, so round(m x 2.5) half away from zero to date (3, 5, 8, 10, 13 at
// months 1..5), split over segments by largest remainder on the cumulative arrivals: the 13
// arrivals to month 5 split 0.5/0.3/0.2 as 6.5/3.9/2.6 -> 6, 4, 3.
const ARRIVALS: &str = r#"
[[segment]]
name = "a"
share = 0.5
output_tokens = { dist = "lognormal", median = 500_000, p95 = 5_000_000 }
monthly_volatility = 0.3
value = 60

[[segment]]
name = "b"
share = 0.3
output_tokens = 2_000_000
value = 200

[[segment]]
name = "c"
share = 0.2
output_tokens = 100_000
value = 2

[[plan]]
name = "api"
kind = "payg"

[[plan]]
name = "flat"
kind = "flat"
price = 20
cap = 100

[[plan]]
name = "credits"
kind = "credit"
price = 20
credits = 2000
burn = { input = 500, output = 2500, cache_read = 50 }
"#;

#[test]
fn arrivals_join_every_plan_in_each_mode() {
    let (users, trials, months, rate) = (1000u64, 3u64, 6usize, 2.5);
    let market = format!("mode = \"each\"\nnew_users_per_month = {rate}");
    let (scn, res) = go(&toml(trials, users, months as u32, &market, ARRIVALS));
    let to_date = [0u64, 3, 5, 8, 10, 13];
    for r in 0..scn.rows().len() {
        for (m, a) in to_date.iter().enumerate() {
            assert_eq!(
                res.months[r][m].active_users,
                trials * (users + a),
                "row {r} month {m}"
            );
        }
        for t in &res.trials {
            assert_eq!(t.plans[r].totals.users, users + 13);
            let seg: Vec<u64> = t.plans[r].segments.iter().map(|s| s.users).collect();
            assert_eq!(seg, vec![500 + 6, 300 + 4, 200 + 3]);
        }
        // Deciles rank the whole population, arrivals included.
        let deciles: u64 = res.deciles[r].iter().map(|g| g.users).sum();
        assert_eq!(deciles, trials * (users + 13));
    }
}

#[test]
fn arrivals_choose_in_menu_mode_and_the_states_add_up() {
    let (users, trials, months, rate) = (1000u64, 3u64, 6usize, 2.5);
    let market = format!("mode = \"menu\"\nnew_users_per_month = {rate}");
    let (scn, res) = go(&toml(trials, users, months as u32, &market, ARRIVALS));
    assert_population_adds_up(&res, users, rate);
    // Segment c (value $2) never buys; everyone else does, and no one leaves.
    let none = option(&scn, "none");
    let c = segment(&scn, "c");
    assert_eq!(res.choices[none][c].chosen_at_start, trials * (200 + 3));
    for (m, p) in res.population.iter().enumerate() {
        let ours: u64 = (0..scn.rows().len() - 1)
            .map(|r| res.months[r][m].active_users)
            .sum();
        assert_eq!(p.ours, ours);
        assert_eq!(p.gone, 0);
        assert_eq!(p.ours + p.non_adopters, p.arrived);
    }
    let choosers: u64 = res.choices[none].iter().map(|c| c.choosers).sum();
    assert_eq!(choosers, trials * (users + 13));
}

// 6 and 7. A menu with everything: logit, re-choice after a shock, arrivals, churn and shock
// churn, growth, cost decline, fees and overhead, every kind of plan, and an external host at
// a tenth of the list price with a quality below 1.
const RICH: &str = r#"
[[segment]]
name = "casual"
share = 0.6
output_tokens = { dist = "lognormal", median = 300_000, p95 = 3_000_000 }
input_per_output = 20
cache_read_share = 0.6
monthly_volatility = 0.6
monthly_growth = 0.03
monthly_churn = 0.04
shock_churn = 0.3
value = { dist = "lognormal", median = 25, p95 = 80 }

[[segment]]
name = "power"
share = 0.4
output_tokens = { dist = "lognormal", median = 5_000_000, p95 = 30_000_000 }
input_per_output = 40
cache_read_share = 0.9
monthly_volatility = 0.4
monthly_churn = 0.02
shock_churn = 0.5
value_per_retail = { dist = "uniform", min = 0.3, max = 1.2 }

[[plan]]
name = "api"
kind = "payg"
anxiety = 8

[[plan]]
name = "pro"
kind = "flat"
price = 20
cap = 60

[[plan]]
name = "host"
kind = "payg"
rates = { input = 0.5, output = 2.5 }
quality = 0.85
external = true

[[plan]]
name = "credits"
kind = "credit"
price = 50
credits = 5000
burn = { input = 500, output = 2500, cache_read = 50 }
rollover = 2500
top_up = { price = 20, credits = 2000, probability = 0.6 }
anxiety = 3

[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 40
included = 40

[[plan]]
name = "max"
kind = "flat"
price = 200
cap = 2000
"#;

const RICH_MARKET: &str = "mode = \"menu\"\nchoice = \"logit\"\nlogit_scale = 15\n\
     rechoose = \"after_shock\"\nshock_threshold = 0.5\nnew_users_per_month = 37.5\n\
     value_curvature = 0.8";

/// RICH with a cost decline, overhead and fees.
fn rich(trials: u64, users: u64, months: u32) -> String {
    toml(trials, users, months, RICH_MARKET, RICH)
        .replace("annual_decline = 0", "annual_decline = 0.4")
        .replace("per_user_month = 0", "per_user_month = 0.7")
        .replace("payment_fee_rate = 0", "payment_fee_rate = 0.03")
        .replace("payment_fee_fixed = 0", "payment_fee_fixed = 0.3")
}

#[test]
fn the_portfolio_is_the_sum_of_our_plans_and_the_external_plan_adds_nothing() {
    let (users, trials, months) = (3000u64, 4u64, 6usize);
    let (scn, res) = go(&rich(trials, users, months as u32));
    let rows = scn.rows();
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        ["api", "pro", "credits", "hybrid", "max", "portfolio"],
        "the external plan has no row"
    );
    let port = row(&scn, "portfolio");
    assert_eq!(rows[port].1, "portfolio");
    let ours = 0..port;
    // Every option is taken by someone, users switch, and some choose the external host.
    for o in scn.options() {
        let chosen: u64 = res.choices[option(&scn, o)]
            .iter()
            .map(|c| c.chosen_at_start)
            .sum();
        assert!(chosen > 0, "nobody chose {o}");
    }
    let switched: u64 = res.choices.iter().flatten().map(|c| c.switched_in).sum();
    assert!(switched > 0);
    assert!(res.population.iter().all(|p| p.external > 0));
    assert_population_adds_up(&res, users, 37.5);

    let money = |t: &Totals| {
        [
            t.revenue,
            t.cost,
            t.fees,
            t.overhead,
            t.profit,
            t.served_output_tokens,
            t.retail_value,
            t.breakage_credits,
        ]
    };
    for t in &res.trials {
        let p = &t.plans[port].totals;
        let mut sum = Totals::default();
        for r in ours.clone() {
            sum.add(&t.plans[r].totals);
        }
        for (i, (a, b)) in money(p).iter().zip(money(&sum)).enumerate() {
            assert_close(&format!("trial {} sum {i}", t.trial), *a, b);
        }
        assert_eq!(p.active_user_months, sum.active_user_months);
        // Each user counted once however often they switched.
        assert!(p.users <= sum.users);
        assert!(ours.clone().all(|r| t.plans[r].totals.users <= p.users));
        assert!(p.loss_users <= p.users && p.churned_users <= p.users);
        for m in 0..months {
            let sum: f64 = ours.clone().map(|r| t.plans[r].month_profit[m]).sum();
            assert_close("month profit", t.plans[port].month_profit[m], sum);
        }
        for (s, seg) in t.plans[port].segments.iter().enumerate() {
            let sum: f64 = ours.clone().map(|r| t.plans[r].segments[s].profit).sum();
            assert_close("segment profit", seg.profit, sum);
        }
    }
    for m in 0..months {
        let p = &res.months[port][m];
        let mut sum = MonthTotals::default();
        for r in ours.clone() {
            sum.add(&res.months[r][m]);
        }
        for (a, b) in [
            (p.revenue, sum.revenue),
            (p.cost, sum.cost),
            (p.fees, sum.fees),
            (p.overhead, sum.overhead),
            (p.profit, sum.profit),
            (p.demanded_output_tokens, sum.demanded_output_tokens),
            (p.served_output_tokens, sum.served_output_tokens),
        ] {
            assert_close(&format!("month {m}"), a, b);
        }
        assert_eq!(
            (p.active_users, p.shock_users),
            (sum.active_users, sum.shock_users)
        );
        // The users billed this month are the users on our plans: the external plan's users
        // are in no row.
        assert_eq!(p.active_users, res.population[m].ours);
    }
}

#[test]
fn menu_mode_files_are_identical_for_one_two_and_eight_threads() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("rich.toml");
    // Over two engine blocks of 4096 users, arrivals included.
    std::fs::write(&config, rich(5, 9000, 4)).unwrap();
    let outs: Vec<_> = ["1", "2", "8"]
        .iter()
        .map(|t| {
            let out = dir.path().join(format!("t{t}"));
            run_binary(&config, &out, t);
            out
        })
        .collect();
    let files = csv_files(&outs[0]);
    assert!(
        files.len() >= 6 && files.contains(&"choices.csv".into()),
        "{files:?}"
    );
    for out in &outs[1..] {
        assert_eq!(csv_files(out), files);
        for f in &files {
            let (a, b) = (
                std::fs::read(outs[0].join(f)).unwrap(),
                std::fs::read(out.join(f)).unwrap(),
            );
            assert!(!a.is_empty());
            assert!(a == b, "{f} differs between thread counts");
        }
    }
}

/// A user who leaves a plan for nothing at a re-choice has left the product: they count in the
/// plan's `churned_users`. Fixed demand of 1M output tokens ($25 at list) growing 50% a month,
/// a value of $40: payg's surplus is 40 - 25 = 15 at month 0 and 40 - 37.5 = 2.5 at month 1,
/// then 40 - 56.25 < 0 at month 2, so every user chooses none at the start of month 2.
#[test]
fn leaving_a_plan_for_none_is_churn_on_that_plan() {
    let scn = parse(
        r#"
name = "leave"
[simulation]
trials = 2
users = 50
months = 4
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
[[segment]]
name = "all"
share = 1
output_tokens = 1_000_000
monthly_growth = 0.5
value = 40
[[plan]]
name = "api"
kind = "payg"
[market]
mode = "menu"
rechoose = "monthly"
"#,
        "leave.toml",
    )
    .unwrap();
    let res = run(&scn, &|_| {}).unwrap();
    for t in &res.trials {
        let api = &t.plans[0].totals;
        assert_eq!((api.users, api.churned_users), (50, 50));
        assert_eq!(api.active_user_months, 100, "months 0 and 1 only");
        assert_eq!(t.plans[1].totals.churned_users, 50, "portfolio");
    }
    assert_eq!(res.population[2].gone, 100);
}
