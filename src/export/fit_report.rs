//! fit_report.csv and fit_params.csv of `plansim fit`, from a [`FitReport`]: per fitted
//! quantity, every candidate with its parameters, likelihood, BIC, KS and AD distances, and the
//! data against the fit at p10, p50, p90, p99 and p99.9 and in the share of usage of the top 1%
//! and top 10% of users; and the bootstrap intervals of the chosen candidate's parameters.
//!
//! Data quantiles use summary.csv's percentile rule ([`percentile_sorted`]: linear between order
//! statistics); a data top share is the sum of the largest ceil(n / 100) (top 1%) or
//! ceil(n / 10) (top 10%) observations over the sum of all. The Pareto candidate is a tail
//! model fitted to the `n_tail` observations at or above its xmin: its quantiles are read as
//! the whole sample's with the tail holding the observed share s = n_tail / n of users, so its
//! p-quantile is the tail model's quantile at 1 - (1 - p) / s where p >= 1 - s and empty
//! below; its top shares are empty (they need the total of the body, which it does not model).
//! [`fit_quantile`] and [`fit_cdf`] give the same reading to fit_report.html.

use super::{csv_writer, num, opt};
use crate::analysis::stats::{percentile_sorted, sorted};
use crate::fit::models::{Fitted, Model};
use crate::fit::report::{FitReport, QuantityFit};

/// Column names of fit_report.csv.
pub(crate) const COLUMNS: [&str; 24] = [
    "quantity",
    "candidate",
    "rank",
    "chosen",
    "n",
    "params",
    "log_lik",
    "bic",
    "ks",
    "ad",
    "data_p10",
    "fit_p10",
    "data_p50",
    "fit_p50",
    "data_p90",
    "fit_p90",
    "data_p99",
    "fit_p99",
    "data_p99_9",
    "fit_p99_9",
    "data_top1_share",
    "fit_top1_share",
    "data_top10_share",
    "fit_top10_share",
];

/// Column names of fit_params.csv.
pub(crate) const PARAMS_COLUMNS: [&str; 6] =
    ["quantity", "candidate", "param", "estimate", "lo", "hi"];

/// The quantile columns: the level in percent and the column suffix.
pub(crate) const LEVELS: [(f64, &str); 5] = [
    (10.0, "p10"),
    (50.0, "p50"),
    (90.0, "p90"),
    (99.0, "p99"),
    (99.9, "p99_9"),
];

/// The top-share columns: the top 1 / `k` of users and the column infix.
pub(crate) const TOPS: [(usize, &str); 2] = [(100, "top1"), (10, "top10")];

/// fit_report.csv: one row per quantity and candidate, candidates in the report's order.
pub(crate) fn fit_report_csv(r: &FitReport) -> String {
    let mut rows = Vec::new();
    for q in &r.quantities {
        let data = sorted(&q.data);
        let ranks = ranks(q);
        for (i, f) in q.candidates.iter().enumerate() {
            rows.push(row(q, &data, f, ranks[i], i == q.chosen));
        }
    }
    csv_text(&COLUMNS, rows)
}

/// fit_params.csv: one row per parameter of each quantity's chosen candidate, with its
/// bootstrap 90% interval.
pub(crate) fn fit_params_csv(r: &FitReport) -> String {
    let mut rows = Vec::new();
    for q in &r.quantities {
        let candidate = q
            .candidates
            .get(q.chosen)
            .map(|f| f.model.name())
            .unwrap_or_default();
        for iv in &q.intervals {
            rows.push(vec![
                q.quantity.clone(),
                candidate.clone(),
                iv.name.clone(),
                num(iv.estimate),
                num(iv.lo),
                num(iv.hi),
            ]);
        }
    }
    csv_text(&PARAMS_COLUMNS, rows)
}

/// The CSV text of `header` and `rows`, as plansim's writers write it.
fn csv_text(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut buf: Vec<u8> = Vec::new();
    {
        let mut w = csv_writer(&mut buf);
        let written: csv::Result<()> = (|| {
            w.write_record(header)?;
            for r in &rows {
                w.write_record(r)?;
            }
            Ok(w.flush()?)
        })();
        written.expect("writing CSV into memory cannot fail");
    }
    String::from_utf8(buf).expect("the cells are strings")
}

/// Whether `f` is the Pareto tail model.
pub(crate) fn is_tail(f: &Fitted) -> bool {
    matches!(f.model, Model::Pareto { .. })
}

/// The 1-based BIC rank of each candidate among the whole-sample ones (lowest BIC first, ties
/// in report order); `None` for the Pareto tail model.
pub(crate) fn ranks(q: &QuantityFit) -> Vec<Option<usize>> {
    let mut order: Vec<usize> = (0..q.candidates.len())
        .filter(|&i| !is_tail(&q.candidates[i]))
        .collect();
    order.sort_by(|&a, &b| q.candidates[a].bic.total_cmp(&q.candidates[b].bic));
    let mut out = vec![None; q.candidates.len()];
    for (r, &i) in order.iter().enumerate() {
        out[i] = Some(r + 1);
    }
    out
}

/// One row of fit_report.csv.
fn row(
    q: &QuantityFit,
    data: &[f64],
    f: &Fitted,
    rank: Option<usize>,
    chosen: bool,
) -> Vec<String> {
    let params: Vec<String> = f
        .model
        .params()
        .iter()
        .map(|(k, v)| format!("{k}={}", num(*v)))
        .collect();
    let mut cells = vec![
        q.quantity.clone(),
        f.model.name(),
        rank.map(|r| r.to_string()).unwrap_or_default(),
        if chosen { "1" } else { "0" }.to_string(),
        f.n.to_string(),
        params.join(";"),
        num(f.log_lik),
        num(f.bic),
        num(f.ks),
        num(f.ad),
    ];
    for (pct, _) in LEVELS {
        cells.push(opt(percentile_sorted(data, pct)));
        cells.push(opt(fit_quantile(f, data.len(), pct / 100.0)));
    }
    for (k, _) in TOPS {
        cells.push(opt(data_top_share(data, k)));
        cells.push(opt(fit_top_share(f, k)));
    }
    debug_assert_eq!(cells.len(), COLUMNS.len());
    cells
}

/// The share of the sum of the sorted `data` held by its largest ceil(n / `k`) values;
/// `None` when there are no data or their sum is not positive.
pub(crate) fn data_top_share(sorted: &[f64], k: usize) -> Option<f64> {
    let n = sorted.len();
    let total: f64 = sorted.iter().sum();
    if n == 0 || total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return None;
    }
    let top: f64 = sorted[n - n.div_ceil(k)..].iter().sum();
    Some(top / total)
}

/// The share of the total the fit gives to the top 1 / `k` of users; `None` for the tail model
/// or an infinite mean.
fn fit_top_share(f: &Fitted, k: usize) -> Option<f64> {
    if is_tail(f) {
        return None;
    }
    f.model.top_share(1.0 / k as f64).filter(|s| s.is_finite())
}

/// The tail's share of the `n` observations for the Pareto tail model (`None` for the others,
/// or when there is no observation).
fn tail_share(f: &Fitted, n: usize) -> Option<f64> {
    (is_tail(f) && n > 0 && f.n > 0).then(|| f.n.min(n) as f64 / n as f64)
}

/// Rounding allowed when deciding whether a level lies in the tail.
const EDGE: f64 = 1e-9;

/// The whole-sample `p`-quantile of candidate `f` fitted to `n` observations: the model's
/// quantile, or for the Pareto tail model (holding the share s of the observations) the tail's
/// quantile at 1 - (1 - p) / s when p >= 1 - s. `None` where undefined or not finite.
pub(crate) fn fit_quantile(f: &Fitted, n: usize, p: f64) -> Option<f64> {
    let p = match tail_share(f, n) {
        None if is_tail(f) => return None,
        None => p,
        Some(s) => {
            let c = 1.0 - (1.0 - p) / s;
            if c < -EDGE {
                return None;
            }
            c.max(0.0)
        }
    };
    Some(f.model.quantile(p)).filter(|x| x.is_finite())
}

/// The whole-sample CDF at `x` of candidate `f` fitted to `n` observations: the model's, or for
/// the Pareto tail model (share s) 1 - s + s F_tail(x) at and above xmin. `None` where
/// undefined or not finite.
pub(crate) fn fit_cdf(f: &Fitted, n: usize, x: f64) -> Option<f64> {
    let v = match (&f.model, tail_share(f, n)) {
        (Model::Pareto { xmin, .. }, Some(s)) if x >= *xmin => 1.0 - s + s * f.model.cdf(x),
        (Model::Pareto { .. }, _) => return None,
        (m, _) => m.cdf(x),
    };
    Some(v).filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
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
}
