//! The written numbers, segment tables and scenarios: each table must load as plansim loads a
//! scenario.

use super::{STARTER, num, round_up, scenario, segment_tables, without_segments};
use crate::fit::models::{Component, Model, ParamInterval};
use crate::fit::segments::SegmentFit;
use crate::fit::users::{GroupFit, VolSource};

fn group() -> GroupFit {
    GroupFit {
        users: 10,
        input_per_output: Some(12.5),
        cache_read_share: Some(0.8),
        cache_write_share: None,
        volatility: Some(0.4),
        vol_source: VolSource::Months,
        inactive_share: 0.1,
        churn: Some(0.02),
    }
}

fn segment(name: &str, share: f64, output: Model) -> SegmentFit {
    SegmentFit {
        name: name.to_string(),
        share,
        output,
        intervals: Vec::new(),
        group: group(),
        zero: 0.1,
        ceiling: Some(3.5e10),
    }
}

fn iv(name: &str, estimate: f64, lo: f64, hi: f64) -> ParamInterval {
    ParamInterval {
        name: name.to_string(),
        estimate,
        lo,
        hi,
    }
}

/// `tables` in the starter scenario, loaded as `plansim check` loads it.
fn load(tables: &str) -> crate::model::Scenario {
    let text = scenario(
        &["test".to_string()],
        "fitted",
        "a \"test\"\n",
        None,
        tables,
    )
    .unwrap();
    match crate::config::parse(&text, "fitted.toml") {
        Ok(s) => s,
        Err(e) => panic!("{e}\n{text}"),
    }
}

#[test]
fn numbers_are_toml_to_six_digits() {
    assert_eq!(num(0.5), "0.5");
    assert_eq!(num(13.123_456_789), "13.1235");
    assert_eq!(num(-2.0), "-2");
    assert_eq!(num(3.5e10), "35000000000");
    assert_eq!(num(1e20), "1e20");
    assert_eq!(num(1.234_567_89e-7), "1.23457e-7");
    assert_eq!(num(0.0), "0");
    for x in [0.5, 13.1235, 3.5e10, 1e20, 1.23457e-7] {
        let written = num(x);
        assert!(toml::de::DeTable::parse(&format!("x = {written}")).is_ok());
        let back: f64 = written.parse().unwrap();
        assert!((back - x).abs() <= 1e-12 * x.abs());
    }
}

#[test]
fn ceilings_round_up_to_three_digits() {
    assert_eq!(round_up(123_456.0), 124_000.0);
    assert_eq!(round_up(1000.0), 1000.0);
    assert!((round_up(3.456e10) - 3.46e10).abs() < 1.0);
}

#[test]
fn every_family_writes_a_table_that_loads() {
    let segments = vec![
        segment(
            "ln",
            0.25,
            Model::LogNormal {
                mu: 13.2,
                sigma: 1.1,
            },
        ),
        segment(
            "g",
            0.25,
            Model::Gamma {
                shape: 0.7,
                scale: 2e6,
            },
        ),
        segment(
            "w",
            0.25,
            Model::Weibull {
                shape: 0.6,
                scale: 1e6,
            },
        ),
        segment(
            "mix",
            0.25,
            Model::Mixture(vec![
                Component {
                    weight: 0.7,
                    mu: 12.0,
                    sigma: 1.0,
                },
                Component {
                    weight: 0.3,
                    mu: 16.0,
                    sigma: 0.8,
                },
            ]),
        ),
    ];
    let tables = segment_tables(&segments, false);
    let scn = load(&tables);
    let names: Vec<&str> = scn.segments.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["ln", "g", "w", "mix"]);
    assert_eq!(scn.description.as_deref(), Some("a \"test\"\n"), "quoted");
    assert!(tables.contains("output_tokens = { dist = \"lognormal\", mu = 13.2, sigma = 1.1, ceiling = 35000000000, zero = 0.1 }"), "{tables}");
    assert!(tables.contains("monthly_churn = 0.02"));
    assert!(
        !tables.contains("cache_write_share"),
        "not estimated: not written"
    );
}

#[test]
fn uncertain_parameters_are_normal_and_lognormal_and_load() {
    let mut s = segment(
        "all",
        1.0,
        Model::LogNormal {
            mu: 13.0,
            sigma: 1.2,
        },
    );
    s.intervals = vec![iv("mu", 13.0, 12.5, 13.6), iv("sigma", 1.2, 1.0, 1.5)];
    let tables = segment_tables(&[s.clone()], true);
    let scn = load(&tables);
    assert!(
        !scn.slots.is_empty(),
        "the parameters are trial-level draws"
    );
    // sd = (13.6 - 12.5) / 3.29; sigma's log-sd = ln(1.5 / 1.0) / 3.29.
    let z = 2.0 * 1.644_853_626_951_472_2;
    let mu = format!(
        "mu = {{ dist = \"normal\", mean = 13, sd = {} }}",
        num(1.1 / z)
    );
    let sigma = format!(
        "sigma = {{ dist = \"lognormal\", median = 1.2, sigma = {} }}",
        num(1.5f64.ln() / z)
    );
    assert!(tables.contains(&mu) && tables.contains(&sigma), "{tables}");
    assert!(tables.contains("independently"));
    // Without --uncertain, or with an interval of no width, the estimate is written.
    assert!(segment_tables(&[s.clone()], false).contains("mu = 13, sigma = 1.2"));
    s.intervals[1] = iv("sigma", 1.2, 1.2, 1.2);
    assert!(segment_tables(&[s], true).contains("sigma = 1.2,"));
}

#[test]
fn an_uncertain_mixture_draws_each_component() {
    let mut s = segment(
        "all",
        1.0,
        Model::Mixture(vec![
            Component {
                weight: 0.6,
                mu: 11.0,
                sigma: 0.9,
            },
            Component {
                weight: 0.4,
                mu: 15.0,
                sigma: 1.1,
            },
        ]),
    );
    s.intervals = vec![
        iv("mu1", 11.0, 10.5, 11.4),
        iv("sigma1", 0.9, 0.8, 1.0),
        iv("mu2", 15.0, 14.2, 15.9),
        iv("sigma2", 1.1, 0.9, 1.3),
    ];
    let tables = segment_tables(&[s], true);
    load(&tables);
    assert_eq!(tables.matches("dist = \"normal\"").count(), 2, "{tables}");
}

#[test]
fn plans_keep_their_tables_and_lose_their_segments() {
    let base = include_str!("../../configs/coding-agent.toml");
    let tables = segment_tables(
        &[segment(
            "all",
            1.0,
            Model::LogNormal {
                mu: 14.0,
                sigma: 2.0,
            },
        )],
        false,
    );
    let text = scenario(&["from a test".into()], "fitted", "d", Some(base), &tables).unwrap();
    let scn = crate::config::parse(&text, "fitted.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(scn.segments.len(), 1);
    assert_eq!(scn.plans.len(), 5);
    assert_eq!(scn.name, "fitted");
    assert!(text.starts_with("# from a test\nname = \"fitted\"\ndescription = \"d\"\n"));
    assert!(
        !text.contains("on four usage segments"),
        "the old description goes"
    );
    assert_eq!(text.matches("[[segment]]").count(), 1);
    assert!(
        !text.contains("Four segments"),
        "the segments' comment goes with them"
    );
    assert!(
        text.contains("# Pay as you go at list prices."),
        "the plans' comments stay"
    );
    assert!(text.contains("[cost]") && text.contains("annual_decline = { dist = \"uniform\""));
    // The starter too, and a scenario without segments is refused.
    assert_eq!(
        without_segments(STARTER)
            .unwrap()
            .0
            .matches("[[plan]]")
            .count(),
        0
    );
    assert!(without_segments("name = \"x\"\n[retail]\ninput = 1\n").is_err());
}

#[test]
fn segment_sub_tables_go_with_their_segment() {
    let base = "name = \"b\"\n[simulation]\nusers = 10\n\n[[segment]]\nname = \"s\"\nshare = 1\n\n\
                [segment.output_tokens]\ndist = \"lognormal\"\nmedian = 5\nsigma = 1\n\n\
                # the plan\n[[plan]]\nname = \"p\"\nkind = \"payg\"\n";
    let (before, after) = without_segments(base).unwrap();
    assert_eq!(before, "[simulation]\nusers = 10\n");
    assert_eq!(
        after,
        "\n# the plan\n[[plan]]\nname = \"p\"\nkind = \"payg\"\n"
    );
}
