//! Rate cards: $ (or credits) per million tokens of each kind, and the per-user token mix.

use serde::Serialize;

use crate::dist::Param;

/// A rate card as configured: each rate fixed or drawn per trial.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Card {
    /// Fresh input tokens.
    pub input: Param,
    /// Cache write tokens.
    pub cache_write: Param,
    /// Cache read tokens.
    pub cache_read: Param,
    /// Output tokens.
    pub output: Param,
}

impl Card {
    /// Concrete rates for one trial.
    pub fn resolve(&self, d: &[f64]) -> Rates {
        Rates {
            input: self.input.value(d),
            cache_write: self.cache_write.value(d),
            cache_read: self.cache_read.value(d),
            output: self.output.value(d),
        }
    }
}

/// Concrete rates, per million tokens.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rates {
    /// Fresh input.
    pub input: f64,
    /// Cache writes.
    pub cache_write: f64,
    /// Cache reads.
    pub cache_read: f64,
    /// Output.
    pub output: f64,
}

/// A user's prompt mix: how many prompt tokens of each kind come with one output token.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mix {
    /// Fresh input tokens per output token.
    pub input: f64,
    /// Cache write tokens per output token.
    pub cache_write: f64,
    /// Cache read tokens per output token.
    pub cache_read: f64,
}

impl Mix {
    /// The mix for prompt ratio `r`, cache read share `cr` and cache write share `cw`; when
    /// `cr + cw > 1`, `cw` becomes `1 - cr`.
    pub fn new(r: f64, cr: f64, cw: f64) -> Self {
        let cw = if cr + cw > 1.0 { 1.0 - cr } else { cw };
        let fresh = (1.0 - cr - cw).max(0.0);
        Mix {
            input: r * fresh,
            cache_write: r * cw,
            cache_read: r * cr,
        }
    }
}

impl Rates {
    /// Value of one output token with its prompt tokens, in $ (or credits).
    #[inline]
    pub fn per_output_token(&self, m: &Mix) -> f64 {
        (self.output
            + m.input * self.input
            + m.cache_write * self.cache_write
            + m.cache_read * self.cache_read)
            / 1e6
    }
}
