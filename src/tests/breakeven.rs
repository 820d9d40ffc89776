//! `plansim check`'s break-even section against hand-computed numbers.
//!
//! The segment has 10 prompt tokens per output token, half fresh input and half cache reads.
//! Retail: $25 output, $5 input, $0.50 cache read per M, so an output token with its prompt is
//! worth (25 + 5 x 5 + 5 x 0.5) / 1e6 = $52.5 per M; serving cost: $2 output, $1 input, $0.10
//! cache read, (2 + 5 + 0.5) / 1e6 = $7.5 per M: $1/7 per $ of retail value. Fees 3% + $0.30,
//! overhead $0.20 a month.

use crate::analysis::breakeven::{PlanBreakeven, breakeven};
use crate::analysis::check::{report_with, segments_with};
use crate::analysis::stats::{percentile_sorted, sorted};
use crate::config::parse;
use crate::engine::run;

const BASE: &str = r#"
name = "be"
[simulation]
trials = 50
users = 10
months = 1
seed = 9
[retail]
input = 5
cache_write = 6.25
cache_read = 0.5
output = 25
[cost]
input = 1
cache_write = 1
cache_read = 0.1
output = 2
per_user_month = 0.2
payment_fee_rate = 0.03
payment_fee_fixed = 0.3
[[segment]]
name = "s"
share = 1
output_tokens = 1_000_000
input_per_output = 10
cache_read_share = 0.5
"#;

const PLANS: &str = r#"
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "pro"
kind = "flat"
price = 20
cap = 100
[[plan]]
name = "unl"
kind = "flat"
price = 10
[[plan]]
name = "cheap"
kind = "flat"
price = 0.4
cap = 10
[[plan]]
name = "cr"
kind = "credit"
price = 20
credits = 2000
burn = { input = 500, output = 2500, cache_read = 50 }
[[plan]]
name = "hy"
kind = "hybrid"
base_fee = 10
included = 35
overage_multiplier = 2
[[plan]]
name = "hr"
kind = "hybrid"
rates = { input = 10, output = 50, cache_read = 1 }
base_fee = 10
included = 35
"#;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

fn plan<'a>(all: &'a [PlanBreakeven], name: &str) -> &'a PlanBreakeven {
    all.iter().find(|p| p.plan == name).unwrap()
}

/// The one value of a figure that does not vary.
fn one(f: &crate::analysis::breakeven::Figure) -> f64 {
    assert!(f.is_fixed(), "{f:?}");
    f.0[0]
}

/// The whitespace-separated cells of the row of `segment` under the plan's heading `head`.
fn row(report: &str, head: &str, segment: &str) -> Vec<String> {
    let mut lines = report.lines().skip_while(|l| !l.starts_with(head)).skip(2);
    let line = lines
        .find(|l| l.split_whitespace().next() == Some(segment))
        .unwrap_or_else(|| panic!("no row {segment} under {head} in\n{report}"));
    line.split_whitespace().map(String::from).collect()
}

#[test]
fn figures_match_hand_computed_values() {
    let scn = parse(&format!("{BASE}{PLANS}"), "be.toml").unwrap();
    let checks = segments_with(&scn, 10);
    let all = breakeven(&scn, &checks);
    // payg has nothing that the price covers: no entry.
    let names: Vec<&str> = all.iter().map(|p| p.plan.as_str()).collect();
    assert_eq!(names, ["pro", "unl", "cheap", "cr", "hy", "hr"]);
    let s = |name: &str| &plan(&all, name).segments[0];
    let c = 7.5 / 52.5;
    // Flat $20, cap $100 of retail: $100/7 to serve at the cap; cost = price at a $140 cap;
    // net of fees and overhead, 20 - 0.6 - 0.3 - 0.2 = $18.90: a $132.30 cap.
    let pro = s("pro");
    assert!(close(one(&pro.cost_per_unit), c));
    assert!(close(one(&pro.cost_at_limit), 100.0 * c));
    assert!(close(one(&pro.breakeven), 140.0));
    assert!(close(one(&pro.breakeven_net), 132.3));
    assert!(pro.overage_cost_per_dollar.is_none());
    // Uncapped $10: unbounded cost; breaks even up to $70 ($9.20 net: $64.40).
    let unl = s("unl");
    assert!(one(&unl.cost_at_limit).is_infinite());
    assert!(close(one(&unl.breakeven), 70.0));
    assert!(close(one(&unl.breakeven_net), 64.4));
    // $0.40 does not cover fees and overhead: 0.4 - 0.012 - 0.3 - 0.2 < 0.
    assert!(close(one(&s("cheap").breakeven_net), -0.112 * 7.0));
    // Credits burn (2500 + 5 x 500 + 5 x 50) / 1e6 = 5250 per M output tokens: $7.5 / 5250 =
    // $1/700 per credit; the 2000-credit grant costs $2.857; cost = price at 14,000 credits,
    // 13,230 net.
    let cr = s("cr");
    assert!(close(one(&cr.cost_per_unit), 1.0 / 700.0));
    assert!(close(one(&cr.cost_at_limit), 2000.0 / 700.0));
    assert!(close(one(&cr.breakeven), 14_000.0));
    assert!(close(one(&cr.breakeven_net), 13_230.0));
    // Hybrid at the retail card: $35 included costs $5; base fee $10 breaks even at $70
    // included ($64.40 net); overage at 2x: each $ billed costs $1/14.
    let hy = s("hy");
    assert!(close(one(&hy.cost_at_limit), 5.0));
    assert!(close(one(&hy.breakeven), 70.0));
    assert!(close(one(&hy.breakeven_net), 64.4));
    assert!(close(
        one(hy.overage_cost_per_dollar.as_ref().unwrap()),
        c / 2.0
    ));
    // Hybrid with its own card at twice retail ($105 per M): $1/14 per $ at its rates.
    let hr = s("hr");
    assert!(close(one(&hr.cost_per_unit), 7.5 / 105.0));
    assert!(close(one(&hr.cost_at_limit), 2.5));
    assert!(close(one(&hr.breakeven), 140.0));
}

#[test]
fn report_prints_the_hand_computed_lines() {
    let scn = parse(&format!("{BASE}{PLANS}"), "be.toml").unwrap();
    let out = report_with(&scn, 10);
    assert!(out.contains("what breaks even at month 0"), "{out}");
    // Nothing is drawn: no ranges, no note about them.
    assert!(!out.contains(" to $") && !out.contains("a to b"), "{out}");
    let head = |p: &str| format!("flat {p}: ");
    assert_eq!(
        row(&out, &head("pro"), "s"),
        ["s", "$0.143", "$14.29", "$140.00", "$132.30"]
    );
    assert!(out.contains("flat pro: price $20.00 a month, cap $100.00 of retail value"));
    assert_eq!(
        row(&out, &head("unl"), "s"),
        ["s", "$0.143", "no", "cap", "$70.00", "$64.40"]
    );
    assert_eq!(
        row(&out, &head("cheap"), "s"),
        ["s", "$0.143", "$1.43", "$2.80", "never"]
    );
    assert_eq!(
        row(&out, "credit cr: ", "s"),
        ["s", "$0.00143", "$2.86", "14000", "13230"]
    );
    assert_eq!(
        row(&out, "hybrid hy: ", "s"),
        ["s", "$0.143", "$5.00", "$70.00", "$64.40", "$0.0714"]
    );
    assert!(!out.contains("payg api"), "{out}");
}

/// A drawn price gives a range: the 5th to 95th percentile of price x 7 over the draws of the
/// run's own trials.
#[test]
fn drawn_values_show_the_range_over_the_runs_trials() {
    let text = format!(
        "{BASE}[[plan]]\nname = \"d\"\nkind = \"flat\"\n\
         price = {{ dist = \"uniform\", min = 10, max = 30 }}\ncap = 100\n"
    );
    let scn = parse(&text, "be.toml").unwrap();
    let prices: Vec<f64> = run(&scn, &|_| {})
        .unwrap()
        .trials
        .iter()
        .map(|t| t.draws[0])
        .collect();
    let s = sorted(&prices);
    let at = |q| percentile_sorted(&s, q).unwrap() * 7.0;
    let out = report_with(&scn, 10);
    assert!(
        out.contains("5th to 95th percentile over the first 50 trials"),
        "{out}"
    );
    let want = format!("${:.2} to ${:.2}", at(5.0), at(95.0));
    let line = row(&out, "flat d: ", "s").join(" ");
    // The cost at the cap does not depend on the price: one value.
    assert!(
        line.starts_with(&format!("s $0.143 $14.29 {want} ")),
        "{want} in {line}"
    );
}

/// A per-user prompt ratio is taken at its mean (uniform 0 to 20: 10, as the fixed case), and
/// a fixed field exactly.
#[test]
fn a_drawn_prompt_mix_is_taken_at_its_mean() {
    let text = format!("{BASE}{PLANS}").replace(
        "input_per_output = 10",
        "input_per_output = { dist = \"uniform\", min = 0, max = 20 }",
    );
    let scn = parse(&text, "be.toml").unwrap();
    let checks = segments_with(&scn, 200_000);
    let mix = checks[0].mix;
    // The fixed cache read share stays exactly 0.5: as many fresh input as cache read tokens.
    assert_eq!(mix.cache_read, mix.input);
    assert!((mix.input + mix.cache_read - 10.0).abs() < 0.05, "{mix:?}");
    let got = one(&breakeven(&scn, &checks)[0].segments[0].breakeven);
    assert!((got - 140.0).abs() < 0.5, "{got}");
}

/// With more than ten segments only the lowest and highest cost per $ are listed.
#[test]
fn many_segments_show_the_extremes() {
    let mut text = BASE[..BASE.find("[[segment]]").unwrap()].to_string();
    for i in 0..12 {
        // The cost share rises with the prompt ratio (cache-heavy prompts are cheap to list).
        let r = [7, 3, 20, 11, 5, 9, 1, 13, 15, 17, 19, 2][i];
        text.push_str(&format!(
            "[[segment]]\nname = \"g{i}\"\nshare = {}\noutput_tokens = 1000\n\
             input_per_output = {r}\ncache_read_share = 0.5\n",
            1.0 / 12.0
        ));
    }
    text.push_str("[[plan]]\nname = \"pro\"\nkind = \"flat\"\nprice = 20\ncap = 100\n");
    let scn = parse(&text, "be.toml").unwrap();
    let out = report_with(&scn, 10);
    let rows: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("flat pro"))
        .skip(2)
        .collect();
    assert_eq!(rows.len(), 3, "{out}");
    assert!(rows[0].trim_start().starts_with("g6 "), "{out}");
    assert!(rows[1].trim_start().starts_with("g2 "), "{out}");
    assert!(rows[2].contains("12 segments"), "{out}");
}
