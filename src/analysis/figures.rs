//! What `plansim check` reports for one segment: usage and value figures, plain data shared by
//! the check report ([`super::check`]) and the break-even lines ([`super::breakeven`]).

use crate::model::Mix;

/// Monthly usage and value of one segment.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentCheck {
    /// Segment name.
    pub segment: String,
    /// Whether the numbers are closed-form (else from draws).
    pub closed_form: bool,
    /// Mean monthly output tokens (may be infinite).
    pub mean_tokens: f64,
    /// Median monthly output tokens.
    pub median_tokens: f64,
    /// 99th percentile of monthly output tokens.
    pub p99_tokens: f64,
    /// Retail value of a median user-month, $.
    pub median_retail: f64,
    /// Serving cost of a median user-month at month 0, $.
    pub median_cost: f64,
    /// Retail value of a mean user-month, $.
    pub mean_retail: f64,
    /// Serving cost of a mean user-month at month 0, $.
    pub mean_cost: f64,
    /// The segment's typical prompt mix: each prompt-mix field at its mean over users (and
    /// trials, where its parameters are drawn); exact for fixed fields, else from the draws.
    pub mix: Mix,
    /// Warnings (e.g. no finite mean).
    pub warnings: Vec<String>,
}
