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
#[path = "fit_report_tests.rs"]
mod tests;
