//! Choosing among hand-made candidate lists, and the ceiling for too heavy a tail.

use super::{Options, choose, heavy_tail};
use crate::fit::models::{Component, Fitted, Model};
use crate::fit::segments::SegmentsArg;

fn fitted(model: Model, bic: f64) -> Fitted {
    Fitted {
        model,
        n: 100,
        log_lik: -bic / 2.0,
        bic,
        ks: 0.05,
        ad: 0.5,
    }
}

fn mixture(k: usize) -> Model {
    Model::Mixture(
        (0..k)
            .map(|i| Component {
                weight: 1.0 / k as f64,
                mu: 10.0 + i as f64,
                sigma: 0.5,
            })
            .collect(),
    )
}

/// Gamma best by BIC, then the mixtures, the lognormal, and the Pareto tail (BIC of its tail).
fn candidates(alpha: f64) -> Vec<Fitted> {
    vec![
        fitted(
            Model::Gamma {
                shape: 0.5,
                scale: 1e6,
            },
            100.0,
        ),
        fitted(mixture(2), 110.0),
        fitted(
            Model::LogNormal {
                mu: 12.0,
                sigma: 2.0,
            },
            120.0,
        ),
        fitted(mixture(3), 125.0),
        fitted(Model::Pareto { alpha, xmin: 1e6 }, 10.0),
    ]
}

fn opts(segments: SegmentsArg) -> Options {
    Options {
        segments,
        bootstrap: 0,
        seed: 1,
    }
}

#[test]
fn segments_choose_among_the_candidates() {
    let x = [1.0, 2.0, 3.0];
    let mut c = candidates(2.0);
    // One segment: the best whole-sample candidate, never the Pareto tail.
    assert_eq!(choose(&mut c, &x, &opts(SegmentsArg::Count(1))), Ok(0));
    // auto: the best of the lognormal family.
    assert_eq!(choose(&mut c, &x, &opts(SegmentsArg::Auto)), Ok(1));
    assert_eq!(choose(&mut c, &x, &opts(SegmentsArg::Count(3))), Ok(3));
    assert_eq!(c.len(), 5, "nothing added");
}

#[test]
fn a_tail_with_alpha_at_most_one_asks_for_a_ceiling() {
    assert!(heavy_tail(&candidates(2.0), 0).is_none());
    let why = heavy_tail(&candidates(0.8), 0).unwrap();
    assert!(
        why.contains("alpha = 0.8 <= 1") && why.contains("infinite"),
        "{why}"
    );
    assert!(heavy_tail(&candidates(1.0), 0).is_some());
}
