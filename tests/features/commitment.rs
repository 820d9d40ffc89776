//! Committed-use discounts with true-up (issue 11, section 3), hand-computed through the public
//! API: a term's true-up is amount - billed usage when usage falls short and 0 otherwise, for
//! 12- and 6-month terms; a user who leaves mid-term owes the whole or the prorated shortfall;
//! a term open at the horizon is reported as `trueup_open`, not billed; the discount comes
//! before the monthly minimum and loyalty, and loyalty never cuts a true-up; fees are paid on
//! the true-up month's whole bill; a true-up month is not a shock by itself; in menu mode a
//! switch owes the shortfall in the last month on the plan, and a commitment's offer is
//! max(amount / term_months, the discounted expected bill); the seats of a team each hold
//! their own commitment on a plan without `per_seat`.
//!
//! Every scenario has one segment of users with D = 1M output tokens a month and no prompt
//! tokens, and a retail card of $10 per M output tokens: a month's usage is $10 at list
//! price, $6 at a discount of 0.4. No fees or overhead unless a test says otherwise.

use plansim::results::{RunResults, Totals};
use plansim::{Scenario, parse, run};

/// A scenario of `months` months, one trial and one user of [D = 1M, no noise] with
/// `segment` extra lines, `cost` extra `[cost]` lines, the `[market]` lines `market` and the
/// plans `plans`.
fn scenario(months: u32, cost: &str, market: &str, segment: &str, plans: &str) -> String {
    format!(
        "name = \"commit\"\n\
         [simulation]\ntrials = 1\nusers = 1\nmonths = {months}\nseed = 5\n\
         [retail]\ninput = 5\noutput = 10\n\
         [cost]\ninput = 0.5\noutput = 1\n{cost}\n\
         [market]\n{market}\n\
         [[segment]]\nname = \"one\"\nshare = 1\noutput_tokens = 1_000_000\n{segment}\n{plans}"
    )
}

fn run_text(text: &str) -> (Scenario, RunResults) {
    let scn = parse(text, "commit.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    let res = run(&scn, &|_| {}).expect("runs");
    (scn, res)
}

/// A payg plan `name` with the commitment `terms` and `extra` lines.
fn payg(name: &str, terms: &str, extra: &str) -> String {
    format!("[[plan]]\nname = \"{name}\"\nkind = \"payg\"\ncommitment = {{ {terms} }}\n{extra}\n")
}

fn row(scn: &Scenario, name: &str) -> usize {
    scn.rows()
        .iter()
        .position(|r| r.0 == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

fn totals<'a>(scn: &Scenario, res: &'a RunResults, name: &str) -> &'a Totals {
    &res.trials[0].plans[row(scn, name)].totals
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
}

/// Asserts plan `name`'s month revenues are `want`, its true-ups `trueup` and its open
/// shortfall `open`, and that the true-ups are part of its revenue.
fn expect(scn: &Scenario, res: &RunResults, name: &str, want: &[f64], trueup: f64, open: f64) {
    let got: Vec<f64> = res.months[row(scn, name)]
        .iter()
        .map(|m| m.revenue)
        .collect();
    assert_eq!(got.len(), want.len(), "{name}");
    for (m, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(close(*g, *w), "{name} month {m}: {g} != {w} (all: {got:?})");
    }
    let t = totals(scn, res, name);
    assert!(close(t.trueup_revenue, trueup), "{name} trueup: {t:?}");
    assert!(close(t.trueup_open, open), "{name} open: {t:?}");
    assert!(close(t.revenue, want.iter().sum()), "{name} revenue: {t:?}");
}

/// `n` months of `x`, then `tail`.
fn months(n: usize, x: f64, tail: &[f64]) -> Vec<f64> {
    let mut v = vec![x; n];
    v.extend_from_slice(tail);
    v
}

#[test]
fn a_twelve_month_term_bills_its_shortfall_in_its_last_month_and_nothing_when_met() {
    let plans = [
        payg(
            "short",
            "amount = 200, term_months = 12, discount = 0.4",
            "",
        ),
        payg("met", "amount = 50, term_months = 12, discount = 0.4", ""),
        payg("exact", "amount = 72, term_months = 12, discount = 0.4", ""),
    ]
    .concat();
    let (scn, res) = run_text(&scenario(12, "", "", "", &plans));
    // $6 a month for 12 months = $72 billed for usage. short: 200 - 72 = 128 in month 11.
    expect(
        &scn,
        &res,
        "short",
        &months(11, 6.0, &[6.0 + 128.0]),
        128.0,
        0.0,
    );
    // met: 72 >= 50, exact: 72 >= 72: no true-up.
    expect(&scn, &res, "met", &months(12, 6.0, &[]), 0.0, 0.0);
    expect(&scn, &res, "exact", &months(12, 6.0, &[]), 0.0, 0.0);
}

#[test]
fn six_month_terms_each_bill_their_own_shortfall_and_an_open_term_is_reported() {
    let plans = [
        payg("short", "amount = 50, term_months = 6, discount = 0.4", ""),
        payg("met", "amount = 30, term_months = 6, discount = 0.4", ""),
    ]
    .concat();
    // Twelve months: two terms of 6 x $6 = $36; short owes 50 - 36 = 14 at months 5 and 11.
    let (scn, res) = run_text(&scenario(12, "", "", "", &plans));
    let short = [months(5, 6.0, &[20.0]), months(5, 6.0, &[20.0])].concat();
    expect(&scn, &res, "short", &short, 28.0, 0.0);
    expect(&scn, &res, "met", &months(12, 6.0, &[]), 0.0, 0.0);
    // Eight months: the second term is open at the horizon after $12: 50 - 12 = 38 is
    // reported (against the whole amount), not billed; met's open term: 30 - 12 = 18.
    let (scn, res) = run_text(&scenario(8, "", "", "", &plans));
    expect(
        &scn,
        &res,
        "short",
        &months(5, 6.0, &[20.0, 6.0, 6.0]),
        14.0,
        38.0,
    );
    expect(&scn, &res, "met", &months(8, 6.0, &[]), 0.0, 18.0);
}

#[test]
fn a_leaver_owes_the_whole_or_the_prorated_shortfall_in_their_last_month() {
    let plans = [
        payg(
            "whole",
            "amount = 120, term_months = 12, discount = 0.4",
            "",
        ),
        payg(
            "prorated",
            "amount = 120, term_months = 12, discount = 0.4, prorate_on_exit = true",
            "",
        ),
        payg(
            "prorated-met",
            "amount = 60, term_months = 12, discount = 0.4, prorate_on_exit = true",
            "",
        ),
    ]
    .concat();
    // monthly_churn = 1: the user is billed month 0 ($6) and leaves. whole: 120 - 6 = 114;
    // prorated: 120 x 1/12 - 6 = 4; prorated-met: 60 x 1/12 = 5 <= 6, nothing.
    let (scn, res) = run_text(&scenario(12, "", "", "monthly_churn = 1", &plans));
    let zeros = |first: f64| [&[first][..], &[0.0; 11]].concat();
    expect(&scn, &res, "whole", &zeros(120.0), 114.0, 0.0);
    expect(&scn, &res, "prorated", &zeros(10.0), 4.0, 0.0);
    expect(&scn, &res, "prorated-met", &zeros(6.0), 0.0, 0.0);
    assert_eq!(totals(&scn, &res, "whole").churned_users, 1);
}

#[test]
fn the_discount_comes_before_the_minimum_and_loyalty_which_never_cuts_a_true_up() {
    // $10 x (1 - 0.5) = $5 < the minimum of $8 (not discounted); loyalty takes 25% from tenure
    // 2: 8, 8, 6, 6 = 28 billed for usage; the true-up 40 - 28 = 12 is billed whole in month 3.
    let plans = payg(
        "api",
        "amount = 40, term_months = 4, discount = 0.5",
        "monthly_minimum = 8\nloyalty = { after_months = 2, discount = 0.25 }",
    );
    let (scn, res) = run_text(&scenario(4, "", "", "", &plans));
    expect(&scn, &res, "api", &[8.0, 8.0, 6.0, 18.0], 12.0, 0.0);
}

#[test]
fn fees_are_paid_on_the_true_up_months_whole_bill_and_it_is_no_shock() {
    let plans = payg("api", "amount = 50, term_months = 6, discount = 0.4", "");
    let cost = "payment_fee_rate = 0.1\npayment_fee_fixed = 0.5";
    let (scn, res) = run_text(&scenario(6, cost, "", "", &plans));
    expect(&scn, &res, "api", &months(5, 6.0, &[20.0]), 14.0, 0.0);
    let m = &res.months[row(&scn, "api")];
    // 0.1 x 6 + 0.5 = 1.1 a month, 0.1 x 20 + 0.5 = 2.5 in the true-up month.
    for (i, want) in months(5, 1.1, &[2.5]).iter().enumerate() {
        assert!(close(m[i].fees, *want), "month {i}: {:?}", m[i]);
    }
    // The bill without the true-up is the expected bill: no month is a shock.
    assert!(m.iter().all(|x| x.shock_users == 0), "{m:?}");
    let t = totals(&scn, &res, "api");
    assert!(close(t.profit, 50.0 - 6.0 - (5.0 * 1.1 + 2.5)), "{t:?}");
}

#[test]
fn a_hybrid_commitment_discounts_the_overage_and_counts_the_base_fee() {
    // Base fee 3 with $4 included: overage (10 - 4) x 0.5 = 3, bill 6 a month; a 3-month term
    // of 25 owes 25 - 18 = 7.
    let plans = "[[plan]]\nname = \"hyb\"\nkind = \"hybrid\"\nbase_fee = 3\nincluded = 4\n\
                 commitment = { amount = 25, term_months = 3, discount = 0.5 }\n";
    let (scn, res) = run_text(&scenario(3, "", "", "", plans));
    expect(&scn, &res, "hyb", &[6.0, 6.0, 13.0], 7.0, 0.0);
}

/// Menu mode, everyone re-choosing monthly, a user worth $1000 a month.
const MENU: &str = "mode = \"menu\"\nrechoose = \"monthly\"";

#[test]
fn in_menu_mode_a_switch_owes_the_shortfall_in_the_last_month_on_the_plan() {
    // committed: $10 x 0.5 = $5 a month, offer max(120 / 12, 5) = 10 < other's 12, so the user
    // joins it; from month 2 its price is x4: $20 > 12, so at month 2 the user moves to
    // `other`. Months 0 and 1 billed 5 + 5 = 10: the exit owes 120 - 10 = 110 in month 1,
    // or prorated 120 x 2/12 - 10 = 10.
    for (prorate, trueup) in [(false, 110.0), (true, 10.0)] {
        let plans = [
            payg(
                "committed",
                &format!(
                    "amount = 120, term_months = 12, discount = 0.5, prorate_on_exit = {prorate}"
                ),
                "price_schedule = [{ from_month = 0, factor = 1 }, { from_month = 2, factor = 4 }]",
            ),
            "[[plan]]\nname = \"other\"\nkind = \"flat\"\nprice = 12\n".to_string(),
        ]
        .concat();
        let (scn, res) = run_text(&scenario(4, "", MENU, "value = 1000", &plans));
        expect(
            &scn,
            &res,
            "committed",
            &[5.0, 5.0 + trueup, 0.0, 0.0],
            trueup,
            0.0,
        );
        expect(&scn, &res, "other", &[0.0, 0.0, 12.0, 12.0], 0.0, 0.0);
        let portfolio = totals(&scn, &res, "portfolio");
        assert!(close(portfolio.trueup_revenue, trueup), "{portfolio:?}");
    }
}

#[test]
fn in_menu_mode_a_commitment_offers_at_least_its_amount_per_month() {
    // The discounted usage bill is $5 a month; a flat plan costs $15. An amount of 240 a year
    // offers max(20, 5) = 20 > 15: the user takes the flat plan. An amount of 120 offers 10.
    for (amount, chosen) in [(240, "flat"), (120, "committed")] {
        let plans = [
            payg(
                "committed",
                &format!("amount = {amount}, term_months = 12, discount = 0.5"),
                "",
            ),
            "[[plan]]\nname = \"flat\"\nkind = \"flat\"\nprice = 15\n".to_string(),
        ]
        .concat();
        let (scn, res) = run_text(&scenario(3, "", "mode = \"menu\"", "value = 1000", &plans));
        assert_eq!(totals(&scn, &res, chosen).users, 1, "amount {amount}");
        // A user still on the plan at the horizon: the open term is reported, not billed.
        if chosen == "committed" {
            expect(&scn, &res, "committed", &[5.0, 5.0, 5.0], 0.0, 105.0);
        }
    }
}

#[test]
fn each_seat_of_a_team_holds_its_own_commitment_on_a_plan_without_per_seat() {
    // Two users dealt into one team of 2: each seat is billed $6 a month and owes its own
    // 200 - 72 = 128 at month 11, as a user alone does.
    let plans = payg("api", "amount = 200, term_months = 12, discount = 0.4", "");
    let text = scenario(12, "", "", "team_size = 2", &plans).replace("users = 1\n", "users = 2\n");
    let (scn, res) = run_text(&text);
    expect(
        &scn,
        &res,
        "api",
        &months(11, 12.0, &[12.0 + 256.0]),
        256.0,
        0.0,
    );
}
