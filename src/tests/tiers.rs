//! Hand-computed tiered bills (docs/model.md, "Tiers"): payg and hybrid, graduated and volume,
//! at, just below and just above every bound, with a monthly minimum, an overage multiplier
//! and a spend cap (its inverse included: the served share); the same through the engine for
//! one user; and a tiered plan chosen in menu mode by its tiered bill.
//!
//! Every expected number is worked out in the comments from the spec, never taken from the
//! code.

use crate::config::parse;
use crate::engine::run;
use crate::model::plans::Usage;
use crate::model::{Billing, Mix, Rule};

/// Retail $10 per M output tokens, no prompt tokens: a month of Q M output tokens meters $10 Q.
const HEAD: &str = r#"
name = "tiers"
[simulation]
trials = 1
users = 1
months = 3
[retail]
input = 5
output = 10
[cost]
input = 0.5
output = 1
[[segment]]
name = "one"
share = 1
output_tokens = 1_000_000
monthly_growth = 1.0
"#;

/// Three bands: $1 per $ up to 100, $0.5 up to 300, $0.25 beyond (graduated: 100 at the
/// first bound, 100 + 0.5 x 200 = 200 at the second).
const BANDS: &str = "[{ up_to = 100, rate = 1.0 }, { up_to = 300, rate = 0.5 }, { rate = 0.25 }]";

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// The rule of the only plan `terms` describes (a `[[plan]]` body).
fn rule(terms: &str) -> Rule {
    let text = format!("{HEAD}[[plan]]\nname = \"p\"\n{terms}\n");
    let scn = parse(&text, "tiers.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let retail = scn.retail.resolve(&[]);
    scn.plans[0].kind.resolve(&[], &retail)
}

/// Bills `rule` for a month metered at `x` $ and checks the bill and the served share.
fn check(rule: &Rule, cases: &[(f64, f64, f64)], what: &str) {
    const NO_PROMPT: Mix = Mix {
        input: 0.0,
        cache_write: 0.0,
        cache_read: 0.0,
    };
    for &(x, bill, served) in cases {
        let usage = Usage {
            output_tokens: x,
            mix: &NO_PROMPT,
            metered: x,
            price_factor: 1.0,
            rate_factor: 1.0,
            tasks: 0.0,
            successes: 0.0,
        };
        let mb = rule.month(&mut rule.open(0.5), usage);
        assert!(
            close(mb.bill, bill) && close(mb.served, served),
            "{what} at {x}: bill {} served {} != {bill}, {served}",
            mb.bill,
            mb.served
        );
    }
}

#[test]
fn payg_graduated_at_around_and_between_every_bound() {
    let r = rule(&format!(
        "kind = \"payg\"\nmonthly_minimum = 20\ntiers = {BANDS}"
    ));
    check(
        &r,
        &[
            (0.0, 20.0, 1.0),  // the minimum
            (19.0, 20.0, 1.0), // the minimum
            (21.0, 21.0, 1.0),
            (99.0, 99.0, 1.0),
            (100.0, 100.0, 1.0),
            (101.0, 100.5, 1.0),  // 100 + 0.5 x 1
            (299.0, 199.5, 1.0),  // 100 + 0.5 x 199
            (300.0, 200.0, 1.0),  // 100 + 0.5 x 200
            (301.0, 200.25, 1.0), // 200 + 0.25 x 1
            (1300.0, 450.0, 1.0), // 200 + 0.25 x 1000
        ],
        "payg graduated",
    );
    // graduated is the default mode
    let explicit = rule(&format!(
        "kind = \"payg\"\nmonthly_minimum = 20\ntiers = {BANDS}\ntier_mode = \"graduated\""
    ));
    let month = |r: &Rule| {
        let mix = Mix::new(0.0, 0.0, 0.0);
        r.month(
            &mut r.open(0.5),
            Usage {
                output_tokens: 1.0,
                mix: &mix,
                metered: 250.0,
                price_factor: 1.0,
                rate_factor: 1.0,
                tasks: 0.0,
                successes: 0.0,
            },
        )
    };
    assert_eq!(month(&explicit), month(&r));
}

#[test]
fn payg_volume_at_around_and_between_every_bound_falls_across_them() {
    let r = rule(&format!(
        "kind = \"payg\"\nmonthly_minimum = 20\ntiers = {BANDS}\ntier_mode = \"volume\""
    ));
    check(
        &r,
        &[
            (0.0, 20.0, 1.0),
            (19.0, 20.0, 1.0),
            (99.0, 99.0, 1.0),
            (100.0, 100.0, 1.0), // bounds are inclusive: still $1 per $
            (100.000_001, 50.000_000_5, 1.0), // past it: all of it at 0.5
            (101.0, 50.5, 1.0),
            (299.0, 149.5, 1.0),
            (300.0, 150.0, 1.0),
            (301.0, 75.25, 1.0), // all at 0.25
            (1300.0, 325.0, 1.0),
        ],
        "payg volume",
    );
}

/// Hybrid: base fee $10, $50 included, overage x 2, so the overage y = 2 (x - 50) meets the
/// bounds 100 and 300 at x = 100 and x = 200.
const HYBRID: &str = "kind = \"hybrid\"\nbase_fee = 10\nincluded = 50\noverage_multiplier = 2";

#[test]
fn hybrid_graduated_over_the_overage_after_the_multiplier() {
    let r = rule(&format!("{HYBRID}\ntiers = {BANDS}"));
    check(
        &r,
        &[
            (40.0, 10.0, 1.0),    // within the allowance
            (99.5, 109.0, 1.0),   // y = 99
            (100.0, 110.0, 1.0),  // y = 100
            (100.5, 110.5, 1.0),  // y = 101: 100 + 0.5
            (199.5, 209.5, 1.0),  // y = 299: 100 + 0.5 x 199
            (200.0, 210.0, 1.0),  // y = 300
            (200.5, 210.25, 1.0), // y = 301: 200 + 0.25
        ],
        "hybrid graduated",
    );
}

#[test]
fn hybrid_volume_over_the_overage_after_the_multiplier() {
    let r = rule(&format!(
        "{HYBRID}\ntiers = {BANDS}\ntier_mode = \"volume\""
    ));
    check(
        &r,
        &[
            (40.0, 10.0, 1.0),
            (99.5, 109.0, 1.0),  // y = 99 at 1
            (100.0, 110.0, 1.0), // y = 100 at 1
            (100.5, 60.5, 1.0),  // y = 101 at 0.5
            (199.5, 159.5, 1.0), // y = 299 at 0.5
            (200.0, 160.0, 1.0), // y = 300 at 0.5
            (200.5, 85.25, 1.0), // y = 301 at 0.25
        ],
        "hybrid volume",
    );
}

#[test]
fn hybrid_graduated_spend_cap_serves_the_usage_whose_tiered_overage_reaches_it() {
    // Cap 150: 100 + 0.5 (y - 100) = 150 at y = 200, x = 50 + 200 / 2 = 150. Past it the bill
    // is 10 + 150 and the served share 150 / x.
    let r = rule(&format!("{HYBRID}\nspend_cap = 150\ntiers = {BANDS}"));
    check(
        &r,
        &[
            (99.5, 109.0, 1.0),
            (100.0, 110.0, 1.0),
            (100.5, 110.5, 1.0),
            (149.5, 159.5, 1.0), // y = 199: 100 + 0.5 x 99
            (150.0, 160.0, 1.0), // exactly the cap
            (150.5, 160.0, 150.0 / 150.5),
            (199.5, 160.0, 150.0 / 199.5),
            (200.0, 160.0, 0.75),
            (200.5, 160.0, 150.0 / 200.5),
            (400.0, 160.0, 0.375),
        ],
        "hybrid graduated capped",
    );
    // A cap inside the third band: 200 + 0.25 (y - 300) = 225 at y = 400, x = 250.
    let r = rule(&format!("{HYBRID}\nspend_cap = 225\ntiers = {BANDS}"));
    check(
        &r,
        &[(250.0, 235.0, 1.0), (500.0, 235.0, 0.5)],
        "hybrid graduated capped in the last band",
    );
}

#[test]
fn hybrid_volume_spend_cap_serves_the_largest_usage_within_it_below_the_demand() {
    // Cap 80. Within it: y <= 80 at 1, y in (100, 160] at 0.5, y in (300, 320] at 0.25.
    // Served overage: the largest y' <= y within it; served share (50 + y' / 2) / x.
    let r = rule(&format!(
        "{HYBRID}\nspend_cap = 80\ntiers = {BANDS}\ntier_mode = \"volume\""
    ));
    check(
        &r,
        &[
            (90.0, 90.0, 1.0),            // y = 80: 80, exactly the cap
            (95.0, 90.0, 90.0 / 95.0),    // y = 90: 90 > 80, cut to y' = 80 (x = 90)
            (99.5, 90.0, 90.0 / 99.5),    // y = 99
            (100.0, 90.0, 0.9),           // y = 100: 100 > 80, cut to 80
            (100.5, 60.5, 1.0),           // y = 101: 50.5, served in full
            (130.0, 90.0, 1.0),           // y = 160: 80
            (150.0, 90.0, 130.0 / 150.0), // y = 200: 100 > 80, cut to y' = 160 (x = 130)
            (199.5, 90.0, 130.0 / 199.5), // y = 299
            (200.0, 90.0, 0.65),          // y = 300: 150, cut to 160
            (200.5, 85.25, 1.0),          // y = 301: 75.25, served in full
            (210.0, 90.0, 1.0),           // y = 320: 80
            (250.0, 90.0, 0.84),          // y = 400: 100, cut to y' = 320 (x = 210)
        ],
        "hybrid volume capped",
    );
}

/// Through the engine: one user metering $10, $20, $40 (1M, 2M, 4M output tokens).
#[test]
fn tiered_bills_and_served_tokens_through_the_engine() {
    let text = format!(
        r#"{HEAD}
[[plan]]
name = "payg-graduated"
kind = "payg"
tiers = [{{ up_to = 20, rate = 1 }}, {{ rate = 0.5 }}]
[[plan]]
name = "payg-volume"
kind = "payg"
tiers = [{{ up_to = 20, rate = 1 }}, {{ rate = 0.5 }}]
tier_mode = "volume"
[[plan]]
name = "hybrid-graduated"
kind = "hybrid"
base_fee = 5
included = 5
overage_multiplier = 2
spend_cap = 25
tiers = [{{ up_to = 30, rate = 1 }}, {{ rate = 0.5 }}]
[[plan]]
name = "hybrid-volume"
kind = "hybrid"
base_fee = 5
included = 5
overage_multiplier = 2
spend_cap = 25
tiers = [{{ up_to = 30, rate = 1 }}, {{ rate = 0.5 }}]
tier_mode = "volume"
"#
    );
    let scn = parse(&text, "tiers.toml").unwrap();
    let res = run(&scn, &|_| {}).unwrap();
    // payg graduated: 10, 20, 20 + 0.5 x 20 = 30. volume: 10, 20 (inclusive), 40 x 0.5 = 20.
    // hybrid: overage y = 2 (x - 5) = 10, 30, 70.
    //   graduated: 10 -> 15; 30 > 25: y' = 25, x' = 5 + 12.5 = 17.5 -> 1.75M, bill 30;
    //              70: 30 + 0.5 x 40 = 50 > 25: y' = 25 again -> 1.75M, bill 30.
    //   volume:    10 -> 15; 30 > 25: y' = 25 (the first band) -> 1.75M, bill 30;
    //              70: 35 > 25: second band up to 25 / 0.5 = 50 > 30: x' = 5 + 25 = 30
    //              -> 3M, bill 5 + 25 = 30.
    let want: [([f64; 3], f64); 4] = [
        ([10.0, 20.0, 30.0], 7.0),
        ([10.0, 20.0, 20.0], 7.0),
        ([15.0, 30.0, 30.0], 1.0 + 1.75 + 1.75),
        ([15.0, 30.0, 30.0], 1.0 + 1.75 + 3.0),
    ];
    for (p, (bills, served_m)) in want.iter().enumerate() {
        let name = &scn.plans[p].name;
        for (m, bill) in bills.iter().enumerate() {
            let got = res.months[p][m].revenue;
            assert!(close(got, *bill), "{name} month {m}: {got} != {bill}");
        }
        let t = &res.trials[0].plans[p].totals;
        assert!(close(t.revenue, bills.iter().sum()), "{name}: {t:?}");
        assert!(
            close(t.served_output_tokens, served_m * 1e6),
            "{name}: served {} != {served_m}M",
            t.served_output_tokens
        );
    }
}

/// Menu mode needs nothing special: the offer bills the expected month with the plan's rule,
/// tiers included. 1M output tokens at $25 per M is $25 a month, worth $100: the untiered payg
/// leaves 75, the flat plan 80; the tiered payg bills 25 x 0.6 = 15 by volume (surplus 85,
/// chosen by everyone) but 20 + 0.6 x 5 = 23 graduated (surplus 77: the flat plan wins).
#[test]
fn a_tiered_plan_is_chosen_by_its_tiered_bill_in_menu_mode() {
    let menu = |mode: &str| {
        format!(
            r#"
name = "menu-tiers"
[simulation]
trials = 2
users = 50
months = 2
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
[market]
mode = "menu"
[[segment]]
name = "one"
share = 1
output_tokens = 1_000_000
value = 100
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "tiered"
kind = "payg"
tiers = [{{ up_to = 20, rate = 1.0 }}, {{ rate = 0.6 }}]
tier_mode = "{mode}"
[[plan]]
name = "flat"
kind = "flat"
price = 20
"#
        )
    };
    for (mode, chosen, bill) in [("volume", 1, 15.0), ("graduated", 2, 20.0)] {
        let scn = parse(&menu(mode), "menu.toml").unwrap();
        let res = run(&scn, &|_| {}).unwrap();
        for tr in &res.trials {
            for (p, plan) in scn.plans.iter().enumerate() {
                let t = &tr.plans[p].totals;
                let users = if p == chosen { 50 } else { 0 };
                assert_eq!(t.users, users, "{mode}: {} users", plan.name);
                assert!(
                    close(t.revenue, users as f64 * 2.0 * bill),
                    "{mode}: {} revenue {}",
                    plan.name,
                    t.revenue
                );
            }
        }
    }
}
