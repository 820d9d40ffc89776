//! Prices that move over time (issue 11, section 1), hand-computed through the public API: a
//! price schedule changes every kind's bill exactly from its month (tiered charges and prices
//! per success included) and moves no cap, allowance, tier bound, spend cap or credit grant; with fixed demand a retail decline lowers list-price bills and the
//! retail value by exactly its factor each month, and leaves a plan's own rates, fair-use caps
//! and hybrid allowances (in tokens) alone; a hybrid spend cap stays put in $ under a factor, so
//! the served share follows from it; loyalty starts exactly at its tenure index, counted from
//! each user's arrival, after the minimum and before fees; in menu mode tenure restarts on a
//! switch, offers use the tenure the user would have, and one plan chosen by everyone bills
//! exactly what each mode bills.
//!
//! Every scenario has one segment of users with D = 1M output tokens a month and no prompt
//! tokens, a retail card of $10 per M output tokens (so a month's usage is worth $10 at month
//! 0), a cost card of $1 per M, and no fees or overhead unless a test says otherwise. Every
//! expected number is worked out in the comments from docs/model.md.

use plansim::results::{MonthTotals, RunResults};
use plansim::{Scenario, parse, run};

/// A scenario of `months` months, one trial and `users` users of [D = 1M, no noise] with
/// `segment` extra lines, `retail` extra `[retail]` lines, `cost` extra `[cost]` lines, the
/// `[market]` lines `market` and the plans `plans`.
struct Case<'a> {
    months: u32,
    users: u64,
    retail: &'a str,
    cost: &'a str,
    segment: &'a str,
    market: &'a str,
    plans: &'a str,
}

impl Case<'_> {
    fn text(&self) -> String {
        format!(
            "name = \"prices\"\n\
             [simulation]\ntrials = 1\nusers = {}\nmonths = {}\nseed = 5\n\
             [retail]\ninput = 5\noutput = 10\n{}\n\
             [cost]\ninput = 0.5\noutput = 1\n{}\n\
             [market]\n{}\n\
             [[segment]]\nname = \"one\"\nshare = 1\noutput_tokens = 1_000_000\n{}\n{}",
            self.users, self.months, self.retail, self.cost, self.market, self.segment, self.plans
        )
    }

    fn run(&self) -> (Scenario, RunResults) {
        let text = self.text();
        let scn = parse(&text, "prices.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        let res = run(&scn, &|_| {}).expect("runs");
        (scn, res)
    }
}

const ONE_USER: Case<'static> = Case {
    months: 4,
    users: 1,
    retail: "",
    cost: "",
    segment: "",
    market: "",
    plans: "",
};

/// The output row of plan `name`.
fn row(scn: &Scenario, name: &str) -> usize {
    scn.rows()
        .iter()
        .position(|r| r.0 == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

/// Plan `name`'s month sums of `f`, one per month.
fn per_month(res: &RunResults, r: usize, f: fn(&MonthTotals) -> f64) -> Vec<f64> {
    res.months[r].iter().map(f).collect()
}

/// Asserts that plan `name`'s month sums of `what` (`f`) are `want`, each within 1e-12.
fn expect(
    scn: &Scenario,
    res: &RunResults,
    name: &str,
    what: &str,
    f: fn(&MonthTotals) -> f64,
    want: &[f64],
) {
    let got = per_month(res, row(scn, name), f);
    assert_eq!(got.len(), want.len(), "{name} {what}");
    for (m, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            close(*g, *w),
            "{name} month {m} {what}: {g} != {w} (all: {got:?})"
        );
    }
}

fn revenue(m: &MonthTotals) -> f64 {
    m.revenue
}

/// Served output tokens, in millions.
fn served(m: &MonthTotals) -> f64 {
    m.served_output_tokens / 1e6
}

fn fees(m: &MonthTotals) -> f64 {
    m.fees
}

/// The schedule of the first test: full price in months 0 and 1, half price from month 2.
const HALF_FROM_2: &str =
    "price_schedule = [{ from_month = 0, factor = 1.0 }, { from_month = 2, factor = 0.5 }]";

#[test]
fn a_price_schedule_changes_every_kind_of_bill_exactly_from_its_month() {
    let plans = format!(
        r#"
[[plan]]
name = "payg-min"
kind = "payg"
monthly_minimum = 15
{HALF_FROM_2}

[[plan]]
name = "payg-own"
kind = "payg"
rates = {{ input = 5, output = 20 }}
{HALF_FROM_2}

[[plan]]
name = "flat"
kind = "flat"
price = 30
cap = 25
{HALF_FROM_2}

[[plan]]
name = "credit"
kind = "credit"
price = 10
credits = 800
burn = {{ input = 0, output = 1000 }}
top_up = {{ price = 5, credits = 400, probability = 1.0 }}
{HALF_FROM_2}

[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 20
included = 5
overage_multiplier = 1.5
spend_cap = 6
{HALF_FROM_2}

[[plan]]
name = "control"
kind = "flat"
price = 30
"#
    );
    let (scn, res) = Case {
        plans: &plans,
        ..ONE_USER
    }
    .run();
    // payg at retail: usage $10 under the $15 minimum -> 15, 15, then x 0.5 -> 7.5, 7.5.
    expect(
        &scn,
        &res,
        "payg-min",
        "revenue",
        revenue,
        &[15.0, 15.0, 7.5, 7.5],
    );
    // own rates, $20 per M: 20, 20, 10, 10.
    expect(
        &scn,
        &res,
        "payg-own",
        "revenue",
        revenue,
        &[20.0, 20.0, 10.0, 10.0],
    );
    // flat: price x factor; usage $10 within the $25 cap, served in full.
    expect(
        &scn,
        &res,
        "flat",
        "revenue",
        revenue,
        &[30.0, 30.0, 15.0, 15.0],
    );
    expect(&scn, &res, "flat", "served", served, &[1.0; 4]);
    // credit: 800 credits a month against a need of 1000: one 400-credit pack, so 10 + 5 = 15
    // at full price and 7.5 at half; 1200 - 1000 = 200 credits expire each month whatever the
    // price (the grant and the pack's credits do not move).
    expect(
        &scn,
        &res,
        "credit",
        "revenue",
        revenue,
        &[15.0, 15.0, 7.5, 7.5],
    );
    expect(&scn, &res, "credit", "served", served, &[1.0; 4]);
    let credit = &res.trials[0].plans[row(&scn, "credit")].totals;
    assert_eq!(credit.breakage_credits, 4.0 * 200.0);
    // hybrid: overage (10 - 5) x 1.5 = 7.5 > cap 6 -> 20 + 6 = 26, served (5 + 6/1.5)/10 = 0.9
    // of 1M; at half price the overage is 3.75 < 6 -> 10 + 3.75 = 13.75, served in full.
    expect(
        &scn,
        &res,
        "hybrid",
        "revenue",
        revenue,
        &[26.0, 26.0, 13.75, 13.75],
    );
    expect(
        &scn,
        &res,
        "hybrid",
        "served",
        served,
        &[0.9, 0.9, 1.0, 1.0],
    );
    expect(&scn, &res, "control", "revenue", revenue, &[30.0; 4]);
}

#[test]
fn a_hybrid_spend_cap_stays_in_dollars_under_a_factor_and_the_served_share_follows() {
    let plans = r#"
[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 20
included = 5
overage_multiplier = 1.5
spend_cap = 6
price_schedule = [{ from_month = 0, factor = 1 }, { from_month = 1, factor = 0.5 }, { from_month = 2, factor = 2 }, { from_month = 3, factor = 0 }]
"#;
    let (scn, res) = Case { plans, ..ONE_USER }.run();
    // factor 1: overage 7.5 > 6 -> 26, served (5 + 6 / 1.5) / 10 = 0.9.
    // factor 0.5: overage 3.75 -> 10 + 3.75 = 13.75, all served.
    // factor 2: overage 15 > 6 -> 40 + 6 = 46, served (5 + 6 / (1.5 x 2)) / 10 = 0.7.
    // factor 0: nothing to pay, nothing refused.
    expect(
        &scn,
        &res,
        "hybrid",
        "revenue",
        revenue,
        &[26.0, 13.75, 46.0, 0.0],
    );
    expect(
        &scn,
        &res,
        "hybrid",
        "served",
        served,
        &[0.9, 1.0, 0.7, 1.0],
    );
}

/// The retail card's factor in month m at a 36% annual decline, as docs/model.md defines it.
fn retail_factor(m: usize) -> f64 {
    (1.0 - 0.36f64).powf(m as f64 / 12.0)
}

#[test]
fn a_retail_decline_lowers_list_price_bills_by_its_factor_and_leaves_the_meter_alone() {
    let plans = r#"
[[plan]]
name = "api"
kind = "payg"

[[plan]]
name = "own"
kind = "payg"
rates = { input = 5, output = 10 }

[[plan]]
name = "api-min"
kind = "payg"
monthly_minimum = 8

[[plan]]
name = "flat"
kind = "flat"
price = 20
cap = 8

[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 20
included = 5

[[plan]]
name = "hybrid-cap"
kind = "hybrid"
base_fee = 20
included = 5
spend_cap = 2

[[plan]]
name = "own-scheduled"
kind = "payg"
rates = { input = 5, output = 10 }
price_schedule = [{ from_month = 0, factor = 1 }, { from_month = 12, factor = 0.5 }]
"#;
    let months = 25;
    let (scn, res) = Case {
        months: months as u32,
        retail: "annual_decline = 0.36",
        plans,
        ..ONE_USER
    }
    .run();
    let f: Vec<f64> = (0..months).map(retail_factor).collect();
    let each = |g: &dyn Fn(usize) -> f64| (0..months).map(g).collect::<Vec<f64>>();
    // payg at retail: $10 of month-0 usage billed at month m's card, exactly 10 x factor; so
    // month m's revenue is month 0's times the factor.
    expect(
        &scn,
        &res,
        "api",
        "revenue",
        revenue,
        &each(&|m| 10.0 * f[m]),
    );
    let api = per_month(&res, row(&scn, "api"), revenue);
    for m in 0..months {
        assert!(
            close(api[m] / api[0], f[m]),
            "month {m}: {} / {} != {}",
            api[m],
            api[0],
            f[m]
        );
    }
    assert!(api[12] < 0.65 * api[0] && api[24] < 0.42 * api[0]);
    // its own card, equal to retail at month 0, does not move.
    expect(&scn, &res, "own", "revenue", revenue, &[10.0; 25]);
    // the minimum is not a list price: max(10 x factor, 8).
    expect(
        &scn,
        &res,
        "api-min",
        "revenue",
        revenue,
        &each(&|m| (10.0 * f[m]).max(8.0)),
    );
    // a fair-use cap of $8 at the month-0 card serves 0.8M every month.
    expect(&scn, &res, "flat", "served", served, &[0.8; 25]);
    expect(&scn, &res, "flat", "revenue", revenue, &[20.0; 25]);
    // the $5 allowance covers 0.5M every month; the base fee does not move, the overage of
    // 0.5M is billed at month m's card.
    expect(
        &scn,
        &res,
        "hybrid",
        "revenue",
        revenue,
        &each(&|m| 20.0 + 5.0 * f[m]),
    );
    expect(&scn, &res, "hybrid", "served", served, &[1.0; 25]);
    // with a $2 spend cap: overage 5 x factor > 2 every month (the factor stays above 0.4), so
    // the bill is 22 and the served usage is (5 + 2 / factor) $ of month-0 usage: it grows as
    // the price falls.
    expect(&scn, &res, "hybrid-cap", "revenue", revenue, &[22.0; 25]);
    expect(
        &scn,
        &res,
        "hybrid-cap",
        "served",
        served,
        &each(&|m| (5.0 + 2.0 / f[m]) / 10.0),
    );
    // an own card moves with the plan's own schedule only.
    expect(
        &scn,
        &res,
        "own-scheduled",
        "revenue",
        revenue,
        &each(&|m| if m < 12 { 10.0 } else { 5.0 }),
    );
    // retail value: each month's served tokens at that month's card.
    let retail_value = |name: &str| res.trials[0].plans[row(&scn, name)].totals.retail_value;
    let want: f64 = f.iter().map(|x| 10.0 * x).sum();
    assert!(
        close(retail_value("api"), want),
        "{} != {want}",
        retail_value("api")
    );
    assert!(close(retail_value("own"), want));
    let flat_want: f64 = f.iter().map(|x| 0.8 * 10.0 * x).sum();
    assert!(close(retail_value("flat"), flat_want));
    // serving cost does not depend on the list card: $1 per M served.
    let cost = res.trials[0].plans[row(&scn, "api")].totals.cost;
    assert!(close(cost, 25.0), "{cost}");
}

#[test]
fn no_decline_is_exactly_the_month_0_card() {
    let plans = "[[plan]]\nname = \"api\"\nkind = \"payg\"\n";
    let (scn, res) = Case {
        months: 30,
        retail: "annual_decline = 0",
        plans,
        ..ONE_USER
    }
    .run();
    let api = per_month(&res, row(&scn, "api"), revenue);
    assert!(api.iter().all(|&b| b == 10.0), "{api:?}");
    let (scn, res) = Case {
        months: 30,
        retail: "annual_decline = 1",
        plans,
        ..ONE_USER
    }
    .run();
    // a card that falls to nothing within the year: 0^(m/12) is 0 from month 1.
    let api = per_month(&res, row(&scn, "api"), revenue);
    assert_eq!(api[0], 10.0);
    assert!(api[1..].iter().all(|&b| b == 0.0), "{api:?}");
}

#[test]
fn loyalty_starts_exactly_at_its_tenure_index_from_each_users_arrival() {
    // One user at month 0 and one more at the start of each month (round(m x 1) to date), so at
    // month m the user who arrived at month a has tenure index m - a. Fees 10% + $0.30 a bill.
    let plans = r#"
[[plan]]
name = "flat"
kind = "flat"
price = 10
loyalty = { after_months = 2, discount = 0.25 }

[[plan]]
name = "payg-min"
kind = "payg"
monthly_minimum = 15
loyalty = { after_months = 1, discount = 0.5 }

[[plan]]
name = "free-later"
kind = "flat"
price = 10
loyalty = { after_months = 3, discount = 1 }
"#;
    let (scn, res) = Case {
        cost: "payment_fee_rate = 0.1\npayment_fee_fixed = 0.3",
        market: "new_users_per_month = 1",
        plans,
        ..ONE_USER
    }
    .run();
    // flat: 10 a user, 7.5 from tenure 2: month 0 (t 0) 10; month 1 (t 1, 0) 20;
    // month 2 (t 2, 1, 0) 7.5 + 20; month 3 (t 3, 2, 1, 0) 7.5 + 7.5 + 20.
    expect(
        &scn,
        &res,
        "flat",
        "revenue",
        revenue,
        &[10.0, 20.0, 27.5, 35.0],
    );
    // fees on the discounted bills: 10% of the month's bills + 0.30 per bill.
    expect(&scn, &res, "flat", "fees", fees, &[1.3, 2.6, 3.65, 4.7]);
    // payg: usage $10 under the $15 minimum; the discount applies to the minimum: 15 at
    // tenure 0, 7.5 after.
    expect(
        &scn,
        &res,
        "payg-min",
        "revenue",
        revenue,
        &[15.0, 22.5, 30.0, 37.5],
    );
    // a 100% discount from tenure 3: only the first user reaches it, in month 3; a zero bill
    // pays no fee.
    expect(
        &scn,
        &res,
        "free-later",
        "revenue",
        revenue,
        &[10.0, 20.0, 30.0, 30.0],
    );
    expect(
        &scn,
        &res,
        "free-later",
        "fees",
        fees,
        &[1.3, 2.6, 3.9, 3.9],
    );
}

/// A menu-mode case with monthly re-choice, the segment lines `segment` (its value) and `plans`.
fn menu_case<'a>(segment: &'a str, plans: &'a str) -> Case<'a> {
    Case {
        segment,
        market: "mode = \"menu\"\nrechoose = \"monthly\"",
        plans,
        ..ONE_USER
    }
}

#[test]
fn loyalty_restarts_on_a_switch() {
    // Usage grows 40% a month: $10, $14, $19.6, $27.44. Value $1000; both plans cut the bill
    // in half from tenure 1.
    // Month 0: small serves all: 1000 - 10 = 990 > big 1000 - 30 = 970 -> small, bills 10.
    // Month 1: small (held, tenure 1) 1000 - 5 = 995 > big 970 -> stays, bills 5.
    // Month 2: small serves 15 / 19.6 of the usage: 765.3 - 5 < 970 -> big, tenure 0: 30.
    // Month 3: big (held, tenure 1) 1000 - 15 > small 1000 x 15 / 27.44 - 10 -> stays: 15.
    // Had the tenure carried over from small, month 2 would bill 15.
    let plans = r#"
[[plan]]
name = "small"
kind = "flat"
price = 10
cap = 15
loyalty = { after_months = 1, discount = 0.5 }

[[plan]]
name = "big"
kind = "flat"
price = 30
loyalty = { after_months = 1, discount = 0.5 }
"#;
    let (scn, res) = menu_case("value = 1000\nmonthly_growth = 0.4", plans).run();
    expect(
        &scn,
        &res,
        "small",
        "revenue",
        revenue,
        &[10.0, 5.0, 0.0, 0.0],
    );
    expect(
        &scn,
        &res,
        "big",
        "revenue",
        revenue,
        &[0.0, 0.0, 30.0, 15.0],
    );
}

#[test]
fn offers_use_the_tenure_the_user_would_have_and_this_months_prices() {
    // One user at month 0, one more at the start of months 1, 2 and 3. Value $100.
    // Plan a: $10, half price from tenure 1. Plan b: $10, x 0.6 from month 1 ($6).
    // Month 0: a 90 = b 90, a tie goes to the plan listed first: a, bills 10.
    // Month 1: the first user holds a at tenure 1: 95 > b 94, stays (at tenure 0 a would be
    // 90 < 94); the new user sees a at tenure 0: 90 < 94 -> b, bills 6.
    // Month 2 and 3: the same, one more user on b each month.
    let plans = r#"
[[plan]]
name = "a"
kind = "flat"
price = 10
loyalty = { after_months = 1, discount = 0.5 }

[[plan]]
name = "b"
kind = "flat"
price = 10
price_schedule = [{ from_month = 0, factor = 1 }, { from_month = 1, factor = 0.6 }]
"#;
    let mut case = menu_case("value = 100", plans);
    case.market = "mode = \"menu\"\nrechoose = \"monthly\"\nnew_users_per_month = 1";
    let (scn, res) = case.run();
    expect(&scn, &res, "a", "revenue", revenue, &[10.0, 5.0, 5.0, 5.0]);
    expect(&scn, &res, "b", "revenue", revenue, &[0.0, 6.0, 12.0, 18.0]);
    let on = |name: &str| per_month(&res, row(&scn, name), |m| m.active_users as f64);
    assert_eq!(on("a"), [1.0; 4]);
    assert_eq!(on("b"), [0.0, 1.0, 2.0, 3.0]);
}

#[test]
fn menu_mode_bills_at_the_same_prices_as_each_mode() {
    // One plan worth far more than it costs: every user takes it and keeps it, so menu mode
    // bills exactly the users each mode bills, month by month, at the same prices (noise,
    // churn, arrivals, a retail decline, a schedule and loyalty all in play).
    let plans = r#"
[[plan]]
name = "hybrid"
kind = "hybrid"
base_fee = 20
included = 5
spend_cap = 30
price_schedule = [{ from_month = 0, factor = 1.2 }, { from_month = 3, factor = 0.9 }, { from_month = 7, factor = 0.7 }]
loyalty = { after_months = 4, discount = 0.15 }
"#;
    let segment = "monthly_volatility = 0.8\nmonthly_churn = 0.05\nvalue = 1e9";
    let each = Case {
        months: 12,
        users: 400,
        retail: "annual_decline = 0.4",
        segment,
        market: "new_users_per_month = 7",
        plans,
        ..ONE_USER
    };
    let menu = Case {
        market: "mode = \"menu\"\nnew_users_per_month = 7",
        ..each
    };
    let (scn_e, e) = each.run();
    let (scn_m, m) = menu.run();
    let (re, rm) = (row(&scn_e, "hybrid"), row(&scn_m, "hybrid"));
    for month in 0..12 {
        let (a, b) = (&e.months[re][month], &m.months[rm][month]);
        assert_eq!(a.active_users, b.active_users, "month {month}");
        // Most users stay on it: the expected active users are at least 288 in every month
        // (400 x 0.95^11 + 7 x (1 + 0.95 + ... + 0.95^10) at month 11), sd about 10.
        assert!(a.active_users > 250, "month {month}");
        for (what, x, y) in [
            ("revenue", a.revenue, b.revenue),
            ("served", a.served_output_tokens, b.served_output_tokens),
            ("cost", a.cost, b.cost),
        ] {
            assert!(
                (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                "month {month} {what}: {x} != {y}"
            );
        }
    }
    let (te, tm) = (&e.trials[0].plans[re].totals, &m.trials[0].plans[rm].totals);
    assert!((te.retail_value - tm.retail_value).abs() <= 1e-9 * te.retail_value);
}

#[test]
fn tiered_charges_move_with_the_factor_and_the_spend_cap_stays_in_dollars() {
    let plans = r#"
[[plan]]
name = "payg-tiered"
kind = "payg"
tiers = [{ up_to = 5, rate = 1.0 }, { rate = 0.5 }]
price_schedule = [{ from_month = 0, factor = 1 }, { from_month = 1, factor = 0.5 }, { from_month = 2, factor = 2 }]

[[plan]]
name = "hybrid-tiered"
kind = "hybrid"
base_fee = 20
included = 5
overage_multiplier = 1.5
spend_cap = 10
tiers = [{ up_to = 3, rate = 1.0 }, { rate = 2.0 }]
price_schedule = [{ from_month = 0, factor = 1 }, { from_month = 1, factor = 0.5 }, { from_month = 2, factor = 2 }]
"#;
    let (scn, res) = Case {
        months: 3,
        plans,
        ..ONE_USER
    }
    .run();
    // payg: $10 of usage tiers to 5 x 1 + 5 x 0.5 = 7.5 (the bands at month-0 rates), then x
    // the factor: 7.5, 3.75, 15.
    expect(
        &scn,
        &res,
        "payg-tiered",
        "revenue",
        revenue,
        &[7.5, 3.75, 15.0],
    );
    // hybrid: overage (10 - 5) x 1.5 = 7.5 tiers to 3 + 4.5 x 2 = 12.
    // factor 1: 12 > cap 10 -> 20 + 10; served overage u with T(u) = 10: u = 3 + 7 / 2 = 6.5,
    //   served (5 + 6.5 / 1.5) / 10 of 1M.
    // factor 0.5: 12 x 0.5 = 6 <= 10 -> 10 + 6 = 16, all served.
    // factor 2: 24 > 10 -> 40 + 10; T(u) = 10 / 2 = 5: u = 3 + 2 / 2 = 4, served (5 + 4 / 1.5) / 10.
    expect(
        &scn,
        &res,
        "hybrid-tiered",
        "revenue",
        revenue,
        &[30.0, 16.0, 50.0],
    );
    let served_want = [(5.0 + 6.5 / 1.5) / 10.0, 1.0, (5.0 + 4.0 / 1.5) / 10.0];
    expect(&scn, &res, "hybrid-tiered", "served", served, &served_want);
}

#[test]
fn a_price_per_success_and_its_minimum_move_with_the_schedule() {
    // Ten tasks a month, every one a success (success_rate 1): $2 each bills 20 over the $15
    // minimum; $1 each bills the minimum. Half price from month 2; loyalty does the rest.
    let text = r#"
name = "outcome-prices"
[simulation]
trials = 1
users = 1
months = 4
[retail]
input = 5
output = 10
[cost]
input = 0.5
output = 1
[[segment]]
name = "tasks"
share = 1
tasks = 10
output_per_task = 100_000

[[plan]]
name = "per-success"
kind = "outcome"
price_per_success = 2
monthly_minimum = 15
price_schedule = [{ from_month = 0, factor = 1 }, { from_month = 2, factor = 0.5 }]

[[plan]]
name = "minimum"
kind = "outcome"
price_per_success = 1
monthly_minimum = 15
price_schedule = [{ from_month = 0, factor = 1 }, { from_month = 2, factor = 0.5 }]
loyalty = { after_months = 3, discount = 0.2 }
"#;
    let scn = parse(text, "outcome-prices.toml").unwrap_or_else(|e| panic!("{e}"));
    let res = run(&scn, &|_| {}).expect("runs");
    expect(
        &scn,
        &res,
        "per-success",
        "revenue",
        revenue,
        &[20.0, 20.0, 10.0, 10.0],
    );
    // max(10, 15) = 15, then x 0.5 = 7.5, and x 0.8 from tenure 3: 6.
    expect(
        &scn,
        &res,
        "minimum",
        "revenue",
        revenue,
        &[15.0, 15.0, 7.5, 6.0],
    );
    expect(&scn, &res, "per-success", "served", served, &[1.0; 4]);
}
