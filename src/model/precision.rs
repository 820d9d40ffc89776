//! Precision mode's terms (`[simulation] precision`): the metric whose 95% confidence interval
//! must be narrow enough on every row, and the target half-width, absolute or relative to the
//! metric's value with an absolute floor. What a run does with them is in
//! [`crate::analysis::precision`].

use serde::{Serialize, Serializer};

/// The metrics precision mode can target, by their summary.csv column names: the nine profit
/// percentiles (interval from order statistics), then `profit_mean` (interval from its
/// standard error).
pub const METRICS: [&str; 10] = [
    "profit_p01",
    "profit_p05",
    "profit_p10",
    "profit_p25",
    "profit_p50",
    "profit_p75",
    "profit_p90",
    "profit_p95",
    "profit_p99",
    "profit_mean",
];

/// The floor of a relative target when none is given: $1.
pub const DEFAULT_FLOOR: f64 = 1.0;

/// A metric of summary.csv with a 95% confidence interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// A profit percentile: the index into summary's profit levels (0 = p01 ... 8 = p99).
    Percentile(usize),
    /// `profit_mean`.
    Mean,
}

impl Metric {
    /// The metric named `name` (a summary.csv column), if precision mode supports it.
    pub fn from_name(name: &str) -> Option<Metric> {
        let i = METRICS.iter().position(|m| *m == name)?;
        Some(if i < 9 {
            Metric::Percentile(i)
        } else {
            Metric::Mean
        })
    }

    /// Its summary.csv column name.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Percentile(i) => METRICS[i],
            Metric::Mean => METRICS[9],
        }
    }
}

impl Serialize for Metric {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The largest 95% half-width accepted.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Target {
    /// `relative` x |value|, but never below `floor` dollars.
    Relative {
        /// Share of the metric's absolute value (0.01 = 1%).
        relative: f64,
        /// Dollars: the target when the value is near 0.
        floor: f64,
    },
    /// A half-width in dollars.
    Absolute {
        /// Dollars.
        absolute: f64,
    },
}

impl Target {
    /// The half-width accepted for a metric whose estimate is `value`.
    pub fn half_width(self, value: f64) -> f64 {
        match self {
            Target::Relative { relative, floor } => (relative * value.abs()).max(floor),
            Target::Absolute { absolute } => absolute,
        }
    }
}

/// `[simulation] precision`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Precision {
    /// What must be precise.
    pub metric: Metric,
    /// How precise.
    #[serde(flatten)]
    pub target: Target,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_targets_floor() {
        for name in METRICS {
            assert_eq!(Metric::from_name(name).map(Metric::name), Some(name));
        }
        assert_eq!(Metric::from_name("profit_p05"), Some(Metric::Percentile(1)));
        assert_eq!(Metric::from_name("profit_p5"), None);
        let rel = Target::Relative {
            relative: 0.01,
            floor: 1.0,
        };
        assert_eq!(rel.half_width(-5000.0), 50.0);
        assert_eq!(rel.half_width(20.0), 1.0);
        assert_eq!(Target::Absolute { absolute: 500.0 }.half_width(1e9), 500.0);
    }
}
