//! Bootstrap intervals of fitted parameters: resample the observations (users) with
//! replacement, refit, and take the 5th and 95th percentiles of each parameter.

use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::models::{Model, ParamInterval};

/// Bootstrap intervals with the count of resamples whose fit failed.
#[derive(Clone, Debug, PartialEq)]
pub struct Bootstrap {
    /// One interval per parameter, in [`Model::params`] order; empty when the fit on the
    /// whole sample fails or no resample fits.
    pub intervals: Vec<ParamInterval>,
    /// Resamples dropped because the fit failed (or gave other parameter names, e.g. a
    /// different number of mixture components).
    pub failed: u32,
}

/// 90% percentile intervals of `fit`'s parameters; see [`bootstrap_counted`].
pub fn bootstrap(
    x: &[f64],
    reps: u32,
    seed: u64,
    fit: &dyn Fn(&[f64]) -> Option<Model>,
) -> Vec<ParamInterval> {
    bootstrap_counted(x, reps, seed, fit).intervals
}

/// `reps` resamples of `x` with replacement, each of `x.len()` draws: one
/// Xoshiro256PlusPlus stream seeded with `seed`, resample after resample, each index drawn
/// uniformly in order. `fit` is applied to each; a resample where it fails (None, or
/// parameters other than the whole sample's by name) is dropped and counted in `failed`.
/// Each interval's estimate is the fit on `x`, its lo and hi the 5th and 95th percentiles of
/// the kept estimates (linear interpolation between order statistics, as numpy's default).
pub fn bootstrap_counted(
    x: &[f64],
    reps: u32,
    seed: u64,
    fit: &dyn Fn(&[f64]) -> Option<Model>,
) -> Bootstrap {
    let Some(whole) = fit(x) else {
        return Bootstrap {
            intervals: Vec::new(),
            failed: 0,
        };
    };
    let names: Vec<(String, f64)> = whole.params();
    let mut draws: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut failed = 0;
    let mut sample = vec![0.0; x.len()];
    for _ in 0..reps {
        for s in sample.iter_mut() {
            *s = x[rng.random_range(0..x.len())];
        }
        let params = fit(&sample).map(|m| m.params());
        match params {
            Some(p) if p.len() == names.len() && p.iter().zip(&names).all(|(a, b)| a.0 == b.0) => {
                for (d, (_, v)) in draws.iter_mut().zip(p) {
                    d.push(v);
                }
            }
            _ => failed += 1,
        }
    }
    if draws.first().is_none_or(|d| d.is_empty()) {
        return Bootstrap {
            intervals: Vec::new(),
            failed,
        };
    }
    let intervals = names
        .into_iter()
        .zip(draws)
        .map(|((name, estimate), mut d)| {
            d.sort_by(f64::total_cmp);
            ParamInterval {
                name,
                estimate,
                lo: percentile(&d, 0.05),
                hi: percentile(&d, 0.95),
            }
        })
        .collect();
    Bootstrap { intervals, failed }
}

/// The p quantile of sorted, non-empty `d` by linear interpolation at (len - 1) p.
fn percentile(d: &[f64], p: f64) -> f64 {
    let h = (d.len() - 1) as f64 * p;
    let i = h.floor() as usize;
    let j = (i + 1).min(d.len() - 1);
    d[i] + (h - i as f64) * (d[j] - d[i])
}
