//! `plansim check`'s expected choice shares (menu mode) against hand computation.
//!
//! Retail is $25 per M output tokens and the segments send no prompt tokens, so a month of D
//! output tokens is worth D x $25 / 1e6 at list price: a payg plan bills that. `flat` and
//! `twin` are the same uncapped $20 flat plan (a tie between plans goes to the one listed
//! first). Surplus = value x quality x served share - bill - anxiety; `none` has surplus 0.

use crate::analysis::check::report_with;
use crate::analysis::shares::{Method, logit_shares, shares, top_up_cells};
use crate::config::parse;

const MENU: &str = r#"
name = "shares"
[simulation]
trials = 3
users = 100
months = 2
seed = 5
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
[market]
mode = "menu"
CHOICE
# heavy: api 100 - 25 = 75, flat 100 - 20 = 80 (twin ties with flat): flat.
[[segment]]
name = "heavy"
share = 0.5
output_tokens = 1_000_000
value = 100
# light: api 100 - 2.5 = 97.5, flat 80: api.
[[segment]]
name = "light"
share = 0.25
output_tokens = 100_000
value = 100
# even: api 20 - 25 = -5, flat 20 - 20 = 0 ties with none: none.
[[segment]]
name = "even"
share = 0.25
output_tokens = 1_000_000
value = 20
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "flat"
kind = "flat"
price = 20
[[plan]]
name = "twin"
kind = "flat"
price = 20
"#;

fn menu(choice: &str) -> crate::model::Scenario {
    parse(&MENU.replace("CHOICE", choice), "shares.toml").unwrap()
}

#[test]
fn logit_shares_are_mcfadden_with_an_outside_option() {
    // exp(0) = 1, exp(10 ln 3 / 10) = 3, none exp(0) = 1: 1/5, 3/5, 1/5.
    let p = logit_shares(&[0.0, 10.0 * 3f64.ln()], 10.0);
    for (got, want) in p.iter().zip([0.2, 0.6, 0.2]) {
        assert!((got - want).abs() < 1e-15, "{p:?}");
    }
    // Huge surpluses neither overflow nor lose the order.
    let p = logit_shares(&[1e6, -1e6], 1.0);
    assert_eq!(p, vec![1.0, 0.0, 0.0]);
}

#[test]
fn best_with_fixed_inputs_sends_every_user_of_a_segment_to_one_option() {
    let got = shares(&menu(r#"choice = "best""#), 10).unwrap().unwrap();
    assert_eq!(got.logit_scale, None);
    // Options: api, flat, twin, none.
    let want = [
        ("heavy", [0.0, 1.0, 0.0, 0.0]),
        ("light", [1.0, 0.0, 0.0, 0.0]),
        ("even", [0.0, 0.0, 0.0, 1.0]),
    ];
    for (s, (name, shares)) in got.segments.iter().zip(want) {
        assert_eq!(s.segment, name);
        assert_eq!(s.method, Method::Best);
        assert_eq!(s.shares, shares, "{name}");
        assert_eq!(s.std_err, [0.0; 4], "{name}");
    }
}

#[test]
fn logit_with_fixed_inputs_is_the_closed_form() {
    let got = shares(&menu("choice = \"logit\"\nlogit_scale = 10"), 10)
        .unwrap()
        .unwrap();
    assert_eq!(got.logit_scale, Some(10.0));
    let e = f64::exp;
    // Surpluses / 10: heavy 7.5, 8, 8; light 9.75, 8, 8; even -0.5, 0, 0 (none 0).
    let want = [
        [e(7.5), e(8.0), e(8.0), 1.0],
        [e(9.75), e(8.0), e(8.0), 1.0],
        [e(-0.5), 1.0, 1.0, 1.0],
    ];
    for (s, w) in got.segments.iter().zip(want) {
        assert_eq!(s.method, Method::Logit);
        let sum: f64 = w.iter().sum();
        for (got, want) in s.shares.iter().zip(w.map(|x| x / sum)) {
            assert!((got - want).abs() < 1e-12, "{}: {:?}", s.segment, s.shares);
        }
    }
}

#[test]
fn an_estimate_agrees_with_the_closed_form_within_4_standard_errors() {
    // The same heavy segment, its value drawn from a normal of spread 1e-9: estimated.
    let choice = "choice = \"logit\"\nlogit_scale = 10";
    let text = MENU.replace("CHOICE", choice).replacen(
        "value = 100",
        "value = { dist = \"normal\", mean = 100, sd = 1e-9, floor = 0 }",
        1,
    );
    let est = shares(&parse(&text, "e.toml").unwrap(), 20_000)
        .unwrap()
        .unwrap();
    let exact = shares(&menu(choice), 10).unwrap().unwrap();
    let (est, exact) = (&est.segments[0], &exact.segments[0]);
    assert_eq!(est.method, Method::Estimated(20_000));
    assert!((est.shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    for o in 0..4 {
        let p = exact.shares[o];
        let se = (p * (1.0 - p) / 20_000.0).sqrt();
        assert!((est.std_err[o] - se).abs() < 0.1 * se, "{o}: {est:?}");
        assert!((est.shares[o] - p).abs() < 4.0 * se, "{o}: {est:?} vs {p}");
    }
}

#[test]
fn top_up_cells_cut_the_uniform_at_each_probability() {
    let cells = top_up_cells(&[0.3, 0.7, 0.3, 0.0, 1.0]);
    let want = [(0.3, 0.15), (0.4, 0.5), (0.3, 0.85)];
    assert_eq!(cells.len(), 3);
    for ((l, u), (wl, wu)) in cells.into_iter().zip(want) {
        assert!((l - wl).abs() < 1e-15 && (u - wu).abs() < 1e-15);
    }
    assert_eq!(top_up_cells(&[]), vec![(1.0, 0.5)]);
}

#[test]
fn best_splits_a_fixed_segment_only_by_whether_users_top_up() {
    // 2M output tokens: credits needs 2000 credits (1000 per M), the grant is 1000. A user who
    // tops up buys two packs: bill 10 + 2 x 5 = 20, all served, surplus 100 - 20 = 80; one who
    // does not: bill 10, half served, 50 - 10 = 40. flat: 100 - 30 = 70; api: 100 - 50 = 50.
    // 30% top up and take credits, the rest take flat.
    let text = r#"
name = "topups"
[simulation]
trials = 1
users = 10
months = 1
[retail]
input = 5
output = 25
[cost]
input = 0.5
output = 2.5
[market]
mode = "menu"
[[segment]]
name = "s"
share = 1
output_tokens = 2_000_000
value = 100
[[plan]]
name = "api"
kind = "payg"
[[plan]]
name = "flat"
kind = "flat"
price = 30
[[plan]]
name = "credits"
kind = "credit"
price = 10
credits = 1000
burn = { input = 0, output = 1000 }
top_up = { price = 5, credits = 500, probability = 0.3 }
"#;
    let got = shares(&parse(text, "t.toml").unwrap(), 10)
        .unwrap()
        .unwrap();
    let s = &got.segments[0];
    assert_eq!((s.method, s.cells), (Method::Best, 2));
    for (got, want) in s.shares.iter().zip([0.0, 0.7, 0.3, 0.0]) {
        assert!((got - want).abs() < 1e-15, "{:?}", s.shares);
    }
}

#[test]
fn each_mode_has_no_shares_and_check_prints_none() {
    let text = MENU
        .replace("mode = \"menu\"", "mode = \"each\"")
        .replace("CHOICE", "");
    let scn = parse(&text, "each.toml").unwrap();
    assert_eq!(shares(&scn, 10).unwrap(), None);
    assert!(!report_with(&scn, 10).contains("choice shares"));
    let menu = report_with(&menu(r#"choice = "best""#), 10);
    assert!(
        menu.contains("\nexpected choice shares at arrival"),
        "{menu}"
    );
    assert!(menu.contains("segment heavy: closed form"), "{menu}");
}
