//! Supports: the interval of values a distribution can produce, used to validate a field
//! without sampling.

/// An interval `[lo, hi]` (or `(lo, hi]` when `lo_open`) holding every possible value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Support {
    /// Lower bound.
    pub lo: f64,
    /// Whether `lo` itself is excluded.
    pub lo_open: bool,
    /// Upper bound (inclusive; may be infinite).
    pub hi: f64,
}

impl Support {
    /// The single point `v`.
    pub fn point(v: f64) -> Self {
        Support {
            lo: v,
            lo_open: false,
            hi: v,
        }
    }
    /// `[lo, hi]`.
    pub(super) fn closed(lo: f64, hi: f64) -> Self {
        Support {
            lo,
            lo_open: false,
            hi,
        }
    }
    /// `(0, inf)`.
    pub(super) fn positive() -> Self {
        Support {
            lo: 0.0,
            lo_open: true,
            hi: f64::INFINITY,
        }
    }
    /// Whether every value is > 0.
    pub fn is_positive(&self) -> bool {
        self.lo > 0.0 || (self.lo == 0.0 && self.lo_open)
    }
    /// Whether every value is >= 0.
    pub fn is_non_negative(&self) -> bool {
        self.lo >= 0.0
    }
    /// Whether every value is in [0, 1].
    pub fn is_unit(&self) -> bool {
        self.lo >= 0.0 && self.hi <= 1.0
    }
    /// Human-readable form, e.g. `(0, inf)`.
    pub fn describe(&self) -> String {
        let b = if self.lo_open || self.lo.is_infinite() {
            "("
        } else {
            "["
        };
        let e = if self.hi.is_infinite() { ")" } else { "]" };
        format!("{b}{}, {}{e}", fmt_bound(self.lo), fmt_bound(self.hi))
    }
}

fn fmt_bound(v: f64) -> String {
    if v == f64::INFINITY {
        "inf".into()
    } else if v == f64::NEG_INFINITY {
        "-inf".into()
    } else {
        format!("{v}")
    }
}
