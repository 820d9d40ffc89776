//! Empirical (bootstrap): `dist = "empirical", file, column, where = { COLUMN = "VALUE" }`:
//! each draw is one of the n values of a data column, each with probability 1/n (a value
//! written k times has probability k/n).
//!
//! Unlike the other families its data comes from a file, not from numbers in the scenario, so
//! the config reader reads the table itself (`config/dist/empirical.rs`) rather than through a
//! [`Family`](super::Family), and hands the values to [`Empirical::new`]. The values are read
//! once, when the scenario is loaded, and kept sorted behind one shared [`Arc`]: every trial's
//! sampler points at them. A draw takes exactly one `u64` `x` from the stream and returns the
//! value at index `floor(x * n / 2^64)` of the sorted values (a multiply-shift: every index has
//! probability 1/n within a relative error below n / 2^64, under 1e-12 for the largest
//! allowed n). The mean is the sample mean and the quantile at level p the inverse of the
//! empirical CDF, the smallest value v with (values <= v) / n >= p, exactly those of the
//! distribution the draws follow.
//!
//! run.json shows where the values came from and their summary (`file`, `column`, `where`,
//! `n`, `min`, `max`, `mean`), not the values.

use std::sync::Arc;

use rand::Rng;
use rand_distr::Distribution;
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::sampler::ClosedForm;
use super::{MAX_MAGNITUDE, Support};

/// The name in `dist = "..."`.
pub(crate) const NAME: &str = "empirical";

/// The keys of an empirical table besides the modifiers, in the order messages list them.
pub(crate) const KEYS: &[&str] = &["file", "column", "where"];

/// The data of an empirical distribution and where it came from, shared (one pointer: a
/// [`Shape`](super::Shape) is no larger for it).
#[derive(Clone)]
pub struct Empirical(Arc<Data>);

/// What an [`Empirical`] shares with every trial's sampler.
struct Data {
    /// The file read, as plansim found it (the scenario's folder joined to a relative path).
    file: String,
    /// The column read.
    column: String,
    /// The `where` pairs, in the scenario's order.
    filters: Vec<(String, String)>,
    /// The values, sorted ascending (at least one, all finite).
    values: Box<[f64]>,
    /// Their mean.
    mean: f64,
}

impl Empirical {
    /// The distribution of `values`, read from `column` of `file` in the rows where `filters`
    /// hold.
    ///
    /// # Errors
    /// When there is no value, or a value is not finite or beyond [`MAX_MAGNITUDE`] (the
    /// column reader refuses both with their line: a guard).
    pub(crate) fn new(
        file: String,
        column: String,
        filters: Vec<(String, String)>,
        mut values: Vec<f64>,
    ) -> Result<Self, String> {
        if values.is_empty() {
            return Err(format!("no values in column `{column}`"));
        }
        if let Some(x) = values
            .iter()
            .find(|x| x.is_nan() || x.abs() > MAX_MAGNITUDE)
        {
            return Err(format!("the value {x} is beyond {MAX_MAGNITUDE:e}"));
        }
        values.sort_by(f64::total_cmp);
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        Ok(Empirical(Arc::new(Data {
            file,
            column,
            filters,
            values: values.into(),
            mean,
        })))
    }

    /// The number of values.
    pub fn n(&self) -> usize {
        self.0.values.len()
    }

    /// The smallest value.
    pub fn min(&self) -> f64 {
        self.0.values[0]
    }

    /// The largest value.
    pub fn max(&self) -> f64 {
        self.0.values[self.n() - 1]
    }

    /// The sample mean.
    pub fn mean(&self) -> f64 {
        self.0.mean
    }

    /// Every value a draw can give: from the smallest value to the largest.
    pub(super) fn support(&self) -> Support {
        Support::closed(self.min(), self.max())
    }

    /// The trial-ready sampler: it shares the values.
    pub(super) fn sampler(&self) -> Resample {
        Resample(Arc::clone(&self.0))
    }
}

/// The summary, not the values (which may be millions).
impl std::fmt::Debug for Empirical {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Empirical")
            .field("file", &self.0.file)
            .field("column", &self.0.column)
            .field("where", &self.0.filters)
            .field("n", &self.n())
            .field("min", &self.min())
            .field("max", &self.max())
            .field("mean", &self.mean())
            .finish()
    }
}

/// `{ file, column, where: { COLUMN: VALUE, ... }, n, min, max, mean }`.
impl Serialize for Empirical {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Where<'a>(&'a [(String, String)]);
        impl Serialize for Where<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("file", &self.0.file)?;
        m.serialize_entry("column", &self.0.column)?;
        m.serialize_entry("where", &Where(&self.0.filters))?;
        m.serialize_entry("n", &self.n())?;
        m.serialize_entry("min", &self.min())?;
        m.serialize_entry("max", &self.max())?;
        m.serialize_entry("mean", &self.mean())?;
        m.end()
    }
}

/// Draws one of the sorted values uniformly.
#[derive(Clone)]
pub(super) struct Resample(Arc<Data>);

impl std::fmt::Debug for Resample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (n, mean) = (self.0.values.len(), self.0.mean);
        write!(f, "Resample {{ n: {n}, mean: {mean} }}")
    }
}

impl Distribution<f64> for Resample {
    /// One `u64` x from the stream; the value at index `floor(x * n / 2^64)`.
    #[inline]
    fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let values = &self.0.values;
        values[index(rng.next_u64(), values.len())]
    }
}

/// `floor(x * n / 2^64)`: in `0..n` for every `x`.
#[inline]
fn index(x: u64, n: usize) -> usize {
    ((u128::from(x) * n as u128) >> 64) as usize
}

impl ClosedForm for Resample {
    fn mean(&self) -> Option<f64> {
        Some(self.0.mean)
    }
    /// The smallest value v with (values <= v) / n >= p (the smallest value at p = 0).
    fn quantile(&self, p: f64) -> Option<f64> {
        let values = &self.0.values;
        let n = values.len();
        let k = (p.clamp(0.0, 1.0) * n as f64).ceil() as usize;
        Some(values[k.clamp(1, n) - 1])
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    use super::super::testing::Z;
    use super::*;
    use crate::dist::{DistSpec, Shape};

    fn spec(values: &[f64]) -> DistSpec {
        let e = Empirical::new("d.csv".into(), "v".into(), Vec::new(), values.to_vec()).unwrap();
        DistSpec {
            shape: Shape::Empirical(e),
            floor: None,
            ceiling: None,
            zero: None,
        }
    }

    #[test]
    fn draws_follow_the_multiplicities_of_the_values() {
        // 7 written three times, 1 twice, -2 and 40 once: probabilities 3/7, 2/7, 1/7, 1/7.
        let values = [7.0, 1.0, 40.0, 7.0, -2.0, 1.0, 7.0];
        let s = spec(&values).resolve(&[]).unwrap();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        let n = 140_000;
        let x: Vec<f64> = (0..n).map(|_| s.sample(&mut rng)).collect();
        for (v, k) in [(-2.0, 1.0), (1.0, 2.0), (7.0, 3.0), (40.0, 1.0)] {
            let p = k / 7.0;
            let share = x.iter().filter(|&&y| y == v).count() as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!(
                (share - p).abs() <= Z * se,
                "{v}: share {share}, expected {p}"
            );
        }
        assert!(x.iter().all(|y| values.contains(y)));
    }

    #[test]
    fn a_draw_takes_exactly_one_u64_from_the_stream() {
        let s = spec(&[1.0, 2.0, 3.0]).resolve(&[]).unwrap();
        let mut a = Xoshiro256PlusPlus::seed_from_u64(3);
        let mut b = a.clone();
        for _ in 0..100 {
            let x = s.sample(&mut a);
            let i = index(b.next_u64(), 3);
            assert_eq!(x, [1.0, 2.0, 3.0][i]);
        }
    }

    #[test]
    fn the_index_covers_every_value_and_stays_in_range() {
        assert_eq!(index(0, 5), 0);
        assert_eq!(index(u64::MAX, 5), 4);
        assert_eq!(index(u64::MAX / 5, 5), 0);
        assert_eq!(index(u64::MAX / 5 + 1, 5), 1);
        assert_eq!(index(u64::MAX, 1), 0);
    }

    #[test]
    fn support_mean_and_quantiles_are_those_of_the_values() {
        let d = spec(&[4.0, 1.0, 3.0, 2.0]);
        assert_eq!(d.support(&[]), Support::closed(1.0, 4.0));
        let s = d.resolve(&[]).unwrap();
        assert_eq!(s.closed_mean(), Some(2.5));
        // Inverse of the empirical CDF: F(1) = 0.25, F(2) = 0.5, F(3) = 0.75, F(4) = 1.
        let q: Vec<f64> = [0.0, 0.25, 0.26, 0.5, 0.51, 0.99, 1.0]
            .iter()
            .map(|&p| s.closed_quantile(p).unwrap())
            .collect();
        assert_eq!(q, [1.0, 1.0, 2.0, 2.0, 3.0, 4.0, 4.0]);
        // With a modifier there is no closed form (as for every family).
        let mut clamped = d.clone();
        clamped.floor = Some(crate::dist::Param::Fixed(2.0));
        assert_eq!(clamped.resolve(&[]).unwrap().closed_mean(), None);
        assert_eq!(clamped.support(&[]), Support::closed(2.0, 4.0));
    }

    #[test]
    fn run_json_shows_the_summary_not_the_values() {
        let e = Empirical::new(
            "data/u.csv".into(),
            "tokens".into(),
            vec![("model".into(), "x".into())],
            vec![10.0, 30.0, 20.0],
        )
        .unwrap();
        let json = serde_json::to_string(&spec(&[1.0]).shape).unwrap();
        assert!(
            json.starts_with(r#"{"dist":"empirical","file":"d.csv""#),
            "{json}"
        );
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "file": "data/u.csv", "column": "tokens",
                "where": { "model": "x" }, "n": 3, "min": 10.0, "max": 30.0, "mean": 20.0 })
        );
    }

    #[test]
    fn a_shape_and_a_sampler_hold_one_pointer_to_the_values() {
        assert_eq!(size_of::<Empirical>(), size_of::<usize>());
        assert_eq!(size_of::<Resample>(), size_of::<usize>());
    }

    #[test]
    fn no_values_or_values_past_the_magnitude_limit_are_refused() {
        let new = |v: Vec<f64>| Empirical::new("f".into(), "c".into(), Vec::new(), v);
        assert!(new(Vec::new()).is_err());
        assert!(new(vec![1.0, 2e15]).is_err());
        assert!(new(vec![f64::NAN]).is_err());
        assert!(new(vec![-1e15, 1e15]).is_ok());
    }
}
