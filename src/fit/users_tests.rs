//! Hand-computed per-user and pooled quantities on small panels.

use super::{Has, VolSource, churn, daily_volatility, group, per_user};
use crate::usage::{Columns, DAYS_PER_MONTH, MonthUsage, Panel, PanelUser};

/// (output, fresh input, cache_read) of an active month; `None` for an inactive one.
type Cell = Option<(f64, f64, f64)>;

fn user(id: &str, cells: &[Cell]) -> PanelUser {
    PanelUser {
        id: id.to_string(),
        segment: None,
        months: cells
            .iter()
            .map(|c| match *c {
                Some((output, input, cache_read)) => MonthUsage {
                    output,
                    input,
                    cache_read,
                    active: true,
                    ..MonthUsage::default()
                },
                None => MonthUsage::default(),
            })
            .collect(),
        daily_output: Vec::new(),
    }
}

fn panel(users: Vec<PanelUser>, covered: Vec<f64>) -> Panel {
    Panel {
        file: "usage.csv".to_string(),
        months: covered.len(),
        users,
        days: None,
        covered_days: covered,
        columns: Columns {
            user: Some("user".into()),
            period: Some("month".into()),
            output: Some("output_tokens".into()),
            input: Some("input_tokens".into()),
            cache_read: Some("cache_read_tokens".into()),
            ..Columns::default()
        },
        stats: Default::default(),
    }
}

/// Three users over four whole months:
/// - a: 100, 200, -, 400 output; 300 fresh input each active month, 100 cache reads in month 0;
/// - b: 50, 50, -, - with 100 fresh input each month (leaves after month 1);
/// - c: -, -, 1000, 1000e with no input.
fn three_users() -> Panel {
    let e = std::f64::consts::E;
    panel(
        vec![
            user(
                "a",
                &[
                    Some((100.0, 300.0, 100.0)),
                    Some((200.0, 300.0, 0.0)),
                    None,
                    Some((400.0, 300.0, 0.0)),
                ],
            ),
            user(
                "b",
                &[
                    Some((50.0, 100.0, 0.0)),
                    Some((50.0, 100.0, 0.0)),
                    None,
                    None,
                ],
            ),
            user(
                "c",
                &[
                    None,
                    None,
                    Some((1000.0, 0.0, 0.0)),
                    Some((1000.0 * e, 0.0, 0.0)),
                ],
            ),
        ],
        vec![DAYS_PER_MONTH; 4],
    )
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * b.abs().max(1.0)
}

#[test]
fn per_user_quantities_by_hand() {
    let u = per_user(&three_users());
    let a = &u[0];
    assert!(close(a.typical, 700.0 / 3.0));
    assert!(close(a.input_per_output().unwrap(), 1000.0 / 700.0));
    assert!(close(a.cache_read_share().unwrap(), 0.1));
    assert_eq!(a.cache_write_share(), Some(0.0));
    // ln 100, ln 200, ln 400: deviations -ln 2, 0, ln 2, so the sd (n - 1) is ln 2.
    assert!(close(a.volatility().unwrap(), 2f64.ln()));
    assert_eq!((a.active_months, a.inactive_months), (3, 1));
    assert_eq!(a.first_last, Some((0, 3)));
    assert!(close(a.inactive_share().unwrap(), 0.25));
    assert!(!a.scaled);
    let b = &u[1];
    assert_eq!(b.volatility(), Some(0.0));
    assert_eq!(b.first_last, Some((0, 1)));
    assert_eq!(b.inactive_share(), Some(0.0));
    let c = &u[2];
    assert!(close(c.typical, 500.0 * (1.0 + std::f64::consts::E)));
    assert_eq!(c.cache_read_share(), None, "no prompt tokens: no share");
    assert!(close(c.volatility().unwrap(), 0.5f64.sqrt()));
}

#[test]
fn pooled_quantities_by_hand() {
    let p = three_users();
    let u = per_user(&p);
    let all: Vec<_> = u.iter().collect();
    let g = group(&all, p.months, Has::of(&p));
    assert_eq!(g.users, 3);
    // Pooled within-user variance: (2 ln²2 + 0 + 0.5) / (2 + 1 + 1).
    let ln2 = 2f64.ln();
    assert!(close(
        g.volatility.unwrap(),
        ((2.0 * ln2 * ln2 + 0.5) / 4.0).sqrt()
    ));
    assert_eq!(g.vol_source, VolSource::Months);
    // Token-weighted: (1000 + 200 + 0) prompt over (700 + 100 + 1000 (1 + e)) output.
    let output = 800.0 + 1000.0 * (1.0 + std::f64::consts::E);
    assert!(close(g.input_per_output.unwrap(), 1200.0 / output));
    assert!(close(g.cache_read_share.unwrap(), 100.0 / 1200.0));
    assert_eq!(g.cache_write_share, None, "no cache-write column");
    // Spans 4 + 2 + 2 months, one inactive.
    assert!(close(g.inactive_share, 1.0 / 8.0));
    // b leaves; at risk: a months 0-2, b 0-1, c 2: six user-months.
    assert!(close(g.churn.unwrap(), 1.0 / 6.0));
}

#[test]
fn churn_needs_three_months() {
    let p = three_users();
    let u = per_user(&p);
    let all: Vec<_> = u.iter().collect();
    assert_eq!(churn(&all, 2), None);
    assert!(churn(&all, 3).is_some());
}

#[test]
fn partial_months_flag_their_users() {
    let mut p = three_users();
    p.covered_days[3] = 14.0;
    let u = per_user(&p);
    assert!(u[0].scaled && !u[1].scaled && u[2].scaled);
}

#[test]
fn daily_volatility_formula() {
    // Days from the first with output: 10, 20, 30; mean 20, sample sd 10, CV 0.5.
    let v = daily_volatility(&[0.0, 0.0, 10.0, 20.0, 30.0]).unwrap();
    let cv = 0.5 / DAYS_PER_MONTH.sqrt();
    assert!(close(v, (1.0 + cv * cv).ln().sqrt()));
    assert_eq!(
        daily_volatility(&[0.0, 0.0, 5.0]),
        None,
        "one day is not a series"
    );
    assert_eq!(daily_volatility(&[0.0; 4]), None);
    assert_eq!(daily_volatility(&[7.0, 7.0, 7.0]), Some(0.0));
}

#[test]
fn one_month_exports_take_the_median_of_the_daily_estimates() {
    let mut users = vec![
        user("a", &[Some((60.0, 0.0, 0.0))]),
        user("b", &[Some((30.0, 0.0, 0.0))]),
        user("c", &[Some((60.0, 0.0, 0.0))]),
    ];
    users[0].daily_output = vec![10.0, 20.0, 30.0];
    users[1].daily_output = vec![0.0, 10.0, 10.0, 10.0];
    users[2].daily_output = vec![0.0, 0.0, 0.0, 60.0, 0.0];
    let p = panel(users, vec![5.0]);
    let u = per_user(&p);
    let all: Vec<_> = u.iter().collect();
    let g = group(&all, 1, Has::of(&p));
    assert_eq!(g.vol_source, VolSource::Days);
    // a: CV 0.5; b: CV 0; c: days 60, 0: mean 30, sd 30 sqrt(2), CV sqrt(2). Median: a's.
    assert!(close(g.volatility.unwrap(), u[0].daily_volatility.unwrap()));
    assert_eq!(u[1].daily_volatility, Some(0.0));
    assert!(u[2].daily_volatility.unwrap() > u[0].daily_volatility.unwrap());
    assert_eq!(g.churn, None);
    assert!(u.iter().all(|u| u.scaled), "5 of 30.44 days: scaled");
}
