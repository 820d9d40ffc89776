//! Segments from hand-made users and components.

use super::{Parts, SegmentsArg, build, names, shares};
use crate::fit::models::{Component, Model};
use crate::fit::users::{Has, UserFit};

fn user(id: &str, typical: f64, active: &[bool]) -> UserFit {
    let months: Vec<usize> = (0..active.len()).filter(|&m| active[m]).collect();
    let first_last = months.first().map(|&f| (f, *months.last().unwrap()));
    UserFit {
        id: id.to_string(),
        typical,
        output: typical * months.len() as f64,
        prompt: 10.0 * typical * months.len() as f64,
        cache_read: 0.0,
        cache_write: 0.0,
        log_months: months.iter().map(|_| typical.ln()).collect(),
        daily_volatility: None,
        active_months: months.len(),
        inactive_months: first_last.map_or(0, |(a, b)| b - a + 1 - months.len()),
        first_last,
        scaled: false,
    }
}

#[test]
fn segments_argument() {
    assert_eq!(SegmentsArg::parse("auto"), Ok(SegmentsArg::Auto));
    assert_eq!(SegmentsArg::parse("3"), Ok(SegmentsArg::Count(3)));
    for bad in ["0", "7", "-1", "two", ""] {
        assert!(SegmentsArg::parse(bad).unwrap_err().contains("--segments"));
    }
}

#[test]
fn names_and_shares() {
    assert_eq!(names(2), ["light", "heavy"]);
    assert_eq!(names(4), ["seg1", "seg2", "seg3", "seg4"]);
    let c = |weight| Component {
        weight,
        mu: 0.0,
        sigma: 1.0,
    };
    let s = shares(&[c(0.333_33), c(0.333_33), c(0.333_34)]);
    assert_eq!(s, [0.3333, 0.3333, 0.3334]);
    assert!((s.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert_eq!(shares(&[c(0.499_96), c(0.499_96), c(0.000_08)])[2], 0.0);
}

#[test]
fn users_without_output_are_zeros_of_every_segment() {
    // Four users over 4 months: one inactive month in 8 user-months of span, and one user of
    // five without output: zero = 1 - (1 - 1/8)(1 - 1/5) = 0.3.
    let users = vec![
        user("a", 100.0, &[true, false, true, true]),
        user("b", 200.0, &[true, true, true, true]),
        user("c", 0.0, &[false; 4]),
    ];
    let parts = Parts::Single(
        Model::LogNormal {
            mu: 5.0,
            sigma: 1.0,
        },
        Vec::new(),
    );
    let has = Has {
        input: true,
        ..Has::default()
    };
    let (segs, assigned) = build(&users, 4, has, parts, Some(1e4));
    assert_eq!(assigned, [Some(0), Some(0), None]);
    assert_eq!(segs.len(), 1);
    let s = &segs[0];
    assert!((s.zero - (1.0 - (1.0 - 1.0 / 8.0) * (1.0 - 1.0 / 3.0))).abs() < 1e-12);
    assert_eq!(s.group.users, 2);
    assert!((s.group.input_per_output.unwrap() - 10.0).abs() < 1e-12);
    assert_eq!(s.ceiling, Some(1e4));
}

#[test]
fn components_claim_their_users() {
    let users = vec![
        user("a", 100.0, &[true]),
        user("b", 130.0, &[true]),
        user("c", 1e6, &[true]),
        user("d", 0.0, &[false]),
    ];
    let comps = vec![
        Component {
            weight: 0.6,
            mu: 110f64.ln(),
            sigma: 0.3,
        },
        Component {
            weight: 0.4,
            mu: 1e6f64.ln(),
            sigma: 0.3,
        },
    ];
    let (segs, assigned) = build(
        &users,
        1,
        Has::default(),
        Parts::Components(comps, Vec::new()),
        None,
    );
    assert_eq!(assigned, [Some(0), Some(0), Some(1), None]);
    assert_eq!(
        (segs[0].name.as_str(), segs[0].share, segs[0].group.users),
        ("light", 0.6, 2)
    );
    assert_eq!(
        (segs[1].name.as_str(), segs[1].share, segs[1].group.users),
        ("heavy", 0.4, 1)
    );
    assert!(matches!(segs[1].output, Model::LogNormal { sigma, .. } if sigma == 0.3));
}
