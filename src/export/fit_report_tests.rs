//! Tests of fit_report.csv and fit_params.csv (`fit_report.rs`).

use super::*;
use crate::fit::models::ParamInterval;

/// z_p of the standard normal (Python's `statistics.NormalDist().inv_cdf`).
const Z90: f64 = 1.2815515655446008;
const Z99: f64 = 2.3263478740408408;
const Z999: f64 = 3.090232306167813;

fn fitted(model: Model, n: usize, bic: f64) -> Fitted {
    Fitted {
        model,
        n,
        log_lik: -bic / 2.0,
        bic,
        ks: 0.03,
        ad: 0.5,
    }
}

/// Data 1, 2, ..., 1001 (the percentile positions 1000 p are whole numbers); a lognormal
/// (chosen, though second by BIC), a Weibull and a Pareto tail above 500 (501 values).
pub(crate) fn report() -> FitReport {
    let lognormal = Model::LogNormal {
        mu: 6.0,
        sigma: 1.0,
    };
    let weibull = Model::Weibull {
        shape: 1.5,
        scale: 600.0,
    };
    let pareto = Model::Pareto {
        alpha: 2.0,
        xmin: 500.0,
    };
    FitReport {
        file: "usage.csv".into(),
        quantities: vec![QuantityFit {
            quantity: "output_tokens".into(),
            data: (1..=1001).map(f64::from).collect(),
            candidates: vec![
                fitted(lognormal, 1001, 100.5),
                fitted(weibull, 1001, 90.25),
                fitted(pareto, 501, 40.0),
            ],
            chosen: 0,
            intervals: vec![
                ParamInterval {
                    name: "mu".into(),
                    estimate: 6.0,
                    lo: 5.875,
                    hi: 6.125,
                },
                ParamInterval {
                    name: "sigma".into(),
                    estimate: 1.0,
                    lo: 0.9,
                    hi: 1.1,
                },
            ],
        }],
        notes: vec![],
    }
}

fn close(cell: &str, want: f64) {
    let got: f64 = cell
        .parse()
        .unwrap_or_else(|_| panic!("{cell:?} for {want}"));
    assert!(
        (got - want).abs() <= 1e-9 * want.abs(),
        "{got} against {want}"
    );
}

#[test]
fn fit_report_csv_has_the_columns_and_the_hand_computed_cells() {
    let text = fit_report_csv(&report());
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "quantity,candidate,rank,chosen,n,params,log_lik,bic,ks,ad,data_p10,fit_p10,\
         data_p50,fit_p50,data_p90,fit_p90,data_p99,fit_p99,data_p99_9,fit_p99_9,\
         data_top1_share,fit_top1_share,data_top10_share,fit_top10_share"
    );
    assert_eq!(lines.len(), 4);
    assert!(text.ends_with('\n') && !text.contains('\r'));
    let rows: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split(',').collect()).collect();
    // Data: p10 = x[100] = 101, ..., p99.9 = x[999] = 1000; top 1% = the 11 largest
    // (991..=1001, sum 10956), top 10% = the 101 largest (901..=1001, sum 96051), of 501501.
    let data = [
        "101",
        "501",
        "901",
        "991",
        "1000",
        &num(10956.0 / 501501.0),
        &num(96051.0 / 501501.0),
    ];
    for r in &rows {
        assert_eq!(r.len(), 24);
        for (j, col) in [10, 12, 14, 16, 18, 20, 22].into_iter().enumerate() {
            assert_eq!(r[col], data[j], "column {}", COLUMNS[col]);
        }
    }
    let ln = &rows[0];
    assert_eq!(
        ln[..10],
        [
            "output_tokens",
            "lognormal",
            "2",
            "1",
            "1001",
            "mu=6;sigma=1",
            "-50.25",
            "100.5",
            "0.03",
            "0.5"
        ]
    );
    for (col, z) in [(11, -Z90), (13, 0.0), (15, Z90), (17, Z99), (19, Z999)] {
        close(ln[col], (6.0 + z).exp());
    }
    // Top q of a lognormal: 1 - Phi(z_(1-q) - sigma) (Python's NormalDist).
    close(ln[21], 0.092362248073694);
    close(ln[23], 0.3891436916453609);
    let wb = &rows[1];
    assert_eq!(
        wb[..6],
        [
            "output_tokens",
            "weibull",
            "1",
            "0",
            "1001",
            "shape=1.5;scale=600"
        ]
    );
    for (col, p) in [(11, 0.1f64), (13, 0.5), (15, 0.9), (17, 0.99), (19, 0.999)] {
        close(wb[col], 600.0 * (-f64::ln_1p(-p)).powf(1.0 / 1.5));
    }
    // The tail holds s = 501/1001 of the users: p10 lies below it, p >= 500/1001 in it at
    // the tail's level 1 - (1 - p) / s, where x = 500 ((1 - p) / s)^(-1/2).
    let pa = &rows[2];
    assert_eq!(
        pa[..6],
        [
            "output_tokens",
            "pareto",
            "",
            "0",
            "501",
            "alpha=2;xmin=500"
        ]
    );
    assert_eq!(pa[11], "");
    for (col, p) in [(13, 0.5f64), (15, 0.9), (17, 0.99), (19, 0.999)] {
        close(pa[col], 500.0 * ((1.0 - p) * 1001.0 / 501.0).powf(-0.5));
    }
    assert_eq!((pa[21], pa[23]), ("", ""));
}

#[test]
fn fit_params_csv_lists_the_chosen_candidates_intervals() {
    assert_eq!(
        fit_params_csv(&report()),
        "quantity,candidate,param,estimate,lo,hi\n\
         output_tokens,lognormal,mu,6,5.875,6.125\n\
         output_tokens,lognormal,sigma,1,0.9,1.1\n"
    );
    assert_eq!(
        fit_params_csv(&FitReport::default()),
        "quantity,candidate,param,estimate,lo,hi\n"
    );
}

#[test]
fn top_shares_count_whole_users_rounding_up() {
    // n = 30: the top 10% is 3 users (0.1 * 30 in floating point is just above 3).
    let x: Vec<f64> = (1..=30).map(f64::from).collect();
    assert_eq!(data_top_share(&x, 10), Some(87.0 / 465.0));
    // n = 31: 4 users; the top 1% of any sample is at least one user.
    let x: Vec<f64> = (1..=31).map(f64::from).collect();
    assert_eq!(data_top_share(&x, 10), Some(118.0 / 496.0));
    assert_eq!(data_top_share(&x, 100), Some(31.0 / 496.0));
    assert_eq!(data_top_share(&[], 10), None);
    assert_eq!(data_top_share(&[0.0, 0.0], 10), None);
}

#[test]
fn names_with_commas_are_quoted_and_missing_values_are_empty_cells() {
    let mut r = report();
    r.quantities[0].quantity = "segment.a,b.output_tokens".into();
    r.quantities[0].candidates[0].ks = f64::NAN;
    let text = fit_report_csv(&r);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let first = reader.records().next().unwrap().unwrap();
    assert_eq!(&first[0], "segment.a,b.output_tokens");
    assert_eq!(&first[8], "");
}
