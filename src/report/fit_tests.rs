//! Unit tests of fit_report.html on hand-made fits: the QQ points of a lognormal sample made
//! of its own quantiles lie on y = x, the charts are there and the page makes no request.

use super::fit::{MAX_QQ_POINTS, qq_points, render_fit, runner_up};
use crate::dist::norm_inv;
use crate::fit::models::{Component, Fitted, Model, ParamInterval};
use crate::fit::report::{FitReport, QuantityFit};

const ODD: &str = "x<&>\"y'";

fn fitted(model: Model, n: usize, bic: f64) -> Fitted {
    Fitted {
        model,
        n,
        log_lik: -bic / 2.0,
        bic,
        ks: 0.02,
        ad: 0.4,
    }
}

/// The lognormal(mu, sigma) quantiles at the plotting positions (i - 0.5) / n, i = 1..=n.
fn lognormal_sample(mu: f64, sigma: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| (mu + sigma * norm_inv((i as f64 + 0.5) / n as f64)).exp())
        .collect()
}

fn lognormal(mu: f64, sigma: f64) -> Model {
    Model::LogNormal { mu, sigma }
}

/// Two quantities: a lognormal sample with a lognormal (chosen), a Weibull, a mixture and a
/// Pareto tail; and a small one whose name needs escaping, with a mixture chosen.
fn report() -> FitReport {
    let data = lognormal_sample(7.0, 1.5, 800);
    let mixture = Model::Mixture(vec![
        Component {
            weight: 0.5,
            mu: 6.0,
            sigma: 1.0,
        },
        Component {
            weight: 0.5,
            mu: 8.0,
            sigma: 1.0,
        },
    ]);
    let xmin = data[600];
    let first = QuantityFit {
        quantity: "output_tokens".into(),
        data,
        candidates: vec![
            fitted(lognormal(7.0, 1.5), 800, 1000.0),
            fitted(mixture.clone(), 800, 1010.0),
            fitted(
                Model::Weibull {
                    shape: 0.8,
                    scale: 2000.0,
                },
                800,
                1100.0,
            ),
            fitted(Model::Pareto { alpha: 1.7, xmin }, 200, 300.0),
        ],
        chosen: 0,
        intervals: vec![ParamInterval {
            name: "mu".into(),
            estimate: 7.0,
            lo: 6.9,
            hi: 7.1,
        }],
    };
    let second = QuantityFit {
        quantity: format!("segment.{ODD}.output_tokens"),
        data: lognormal_sample(7.0, 1.0, 40),
        candidates: vec![
            fitted(lognormal(7.0, 1.0), 40, 90.0),
            fitted(mixture, 40, 95.0),
        ],
        chosen: 1,
        intervals: vec![],
    };
    FitReport {
        file: format!("usage {ODD}.csv"),
        quantities: vec![first, second],
        notes: vec![format!("a note with {ODD}"), "second note".into()],
    }
}

#[test]
fn a_sample_of_its_own_quantiles_lies_on_the_qq_diagonal() {
    let data = lognormal_sample(7.0, 1.5, 300);
    let points = qq_points(&data, &fitted(lognormal(7.0, 1.5), 300, 0.0));
    assert_eq!(points.len(), 300);
    for ((x, y), d) in points.iter().zip(&data) {
        assert_eq!(y, d);
        assert!((x - y).abs() <= 1e-9 * y, "{x} against {y}");
    }
    // Against another lognormal the points leave the diagonal: data twice the fit's.
    let points = qq_points(&data, &fitted(lognormal(7.0 - 2f64.ln(), 1.5), 300, 0.0));
    for (x, y) in points {
        assert!((y / x - 2.0).abs() < 1e-9, "{x} {y}");
    }
}

#[test]
fn qq_points_are_thinned_to_the_limit_keeping_both_ends() {
    let data = lognormal_sample(0.0, 1.0, 2001);
    let points = qq_points(&data, &fitted(lognormal(0.0, 1.0), 2001, 0.0));
    assert_eq!(points.len(), MAX_QQ_POINTS);
    assert_eq!(points[0].1, data[0]);
    assert_eq!(points[MAX_QQ_POINTS - 1].1, data[2000]);
}

#[test]
fn the_pareto_tail_is_compared_with_the_tail_only() {
    // 1..=1001, a Pareto tail of the 301 largest (701..=1001) above xmin 700.
    let data: Vec<f64> = (1..=1001).map(f64::from).collect();
    let tail = fitted(
        Model::Pareto {
            alpha: 2.0,
            xmin: 700.0,
        },
        301,
        0.0,
    );
    let points = qq_points(&data, &tail);
    assert_eq!(points.len(), 301);
    assert_eq!(points[0].1, 701.0);
    // The first tail user sits at the tail's level 0.5 / 301: x = 700 (1 - 0.5/301)^(-1/2).
    let want = 700.0 * (1.0 - 0.5 / 301.0f64).powf(-0.5);
    assert!((points[0].0 - want).abs() < 1e-9 * want);
}

#[test]
fn the_runner_up_is_the_best_ranked_other_whole_sample_candidate() {
    let r = report();
    assert_eq!(runner_up(&r.quantities[0]), Some(1));
    assert_eq!(runner_up(&r.quantities[1]), Some(0));
    let mut q = r.quantities[0].clone();
    q.chosen = 3; // the tail model chosen: the runner-up is the best by BIC
    assert_eq!(runner_up(&q), Some(0));
}

/// How plotters writes a text element's content.
fn svg_text(content: &str) -> String {
    format!(">\n{content}\n</text>")
}

#[test]
fn the_page_has_two_charts_per_quantity_and_makes_no_request() {
    let r = report();
    let page = render_fit(&r).unwrap();
    assert_eq!(
        page,
        render_fit(&r).unwrap(),
        "the same fit, the same bytes"
    );
    assert_eq!(page.matches("<svg ").count(), 4);
    assert_eq!(page.matches("</svg>").count(), 4);
    assert!(page.contains(&svg_text("QQ: output_tokens against lognormal")));
    assert!(page.contains(&svg_text("CDF: output_tokens")));
    assert!(page.contains(&svg_text("lognormal (chosen)")));
    assert!(page.contains(&svg_text("mixture-2 (runner-up)")));
    assert!(
        page.contains(" against mixture-2\n</text>"),
        "the second quantity's choice"
    );
    let lower = page.to_lowercase();
    for bad in [
        "http:", "https:", "//", "src=", "url(", "@import", "<script", "<img", "<link",
    ] {
        assert!(!lower.contains(bad), "{bad}");
    }
    assert!(page.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""));
    assert!(!page.contains(ODD), "a raw name");
    assert!(page.contains("usage x&lt;&amp;&gt;&quot;y&#39;.csv"));
    assert!(page.contains("<li>a note with x&lt;&amp;&gt;&quot;y&#39;</li>"));
    // The tables: every candidate, the tail without a rank, the chosen one's intervals.
    for name in ["<strong>lognormal</strong>", "<strong>mixture-2</strong>"] {
        assert_eq!(page.matches(name).count(), 1, "{name}");
    }
    for name in ["weibull", "pareto", "lognormal"] {
        assert!(
            page.contains(&format!("<td class=\"text\">{name}</td>")),
            "{name}"
        );
    }
    assert!(page.contains("<td>tail</td>"));
    assert!(page.contains("<th>lognormal parameter</th>"));
    assert!(page.contains("<tr><td>p99.9</td>") && page.contains("<tr><td>top 10% share</td>"));
    assert!(page.contains("<tr><td>mu</td><td>7</td><td>6.9</td><td>7.1</td></tr>"));
}

#[test]
fn degenerate_fits_give_a_page_not_a_panic() {
    let mut r = report();
    r.quantities[0].data = vec![5.0; 3];
    r.quantities[1].data.clear();
    r.quantities.push(QuantityFit {
        quantity: "nothing".into(),
        data: vec![1.0, 2.0],
        candidates: vec![],
        chosen: 0,
        intervals: vec![],
    });
    r.notes.clear();
    let page = render_fit(&r).unwrap();
    assert!(page.contains("No candidate could be fitted."));
    assert!(!page.contains("id=\"notes\""));
    assert_eq!(page.matches("<svg ").count(), 4);
}

#[test]
fn the_candidates_fitted_to_a_lognormal_sample_make_a_report_and_a_page() {
    use crate::export::fit_report::fit_report_csv;
    use crate::fit::candidates::fit_candidates;
    let data = lognormal_sample(8.0, 1.2, 400);
    let candidates = fit_candidates(&data, 7);
    assert!(candidates.len() >= 4, "{candidates:?}");
    let r = FitReport {
        file: "usage.csv".into(),
        quantities: vec![QuantityFit {
            quantity: "output_tokens".into(),
            data: data.clone(),
            candidates: candidates.clone(),
            chosen: 0,
            intervals: vec![],
        }],
        notes: vec![],
    };
    let csv = fit_report_csv(&r);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), candidates.len());
    let whole = candidates
        .iter()
        .filter(|f| !matches!(f.model, Model::Pareto { .. }))
        .count();
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(&row[3], if i == 0 { "1" } else { "0" });
        if i < whole {
            // Report order is BIC order: the ranks are 1, 2, ... in file order.
            assert_eq!(row[2].parse::<usize>().unwrap(), i + 1);
            // Every whole-sample fit has every quantile of the table.
            for col in [11, 13, 15, 17, 19] {
                assert!(row[col].parse::<f64>().unwrap() > 0.0, "{row:?}");
            }
        } else {
            assert_eq!(&row[1], "pareto");
            assert_eq!(&row[2], "");
        }
        assert_eq!(
            &row[12], &rows[0][12],
            "the data's p50 is the same on every row"
        );
    }
    // The sample is the lognormal's own quantiles: its fit gives back the median exp(8).
    let ln = rows.iter().find(|r| &r[1] == "lognormal").unwrap();
    let (fit, data_p50) = (
        ln[13].parse::<f64>().unwrap(),
        ln[12].parse::<f64>().unwrap(),
    );
    assert!((fit / 8f64.exp() - 1.0).abs() < 1e-6, "{fit}");
    assert!((data_p50 / 8f64.exp() - 1.0).abs() < 1e-2, "{data_p50}");
    let page = render_fit(&r).unwrap();
    assert_eq!(page.matches("<svg ").count(), 2);
}
