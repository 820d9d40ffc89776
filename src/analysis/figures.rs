//! What `plansim check` reports for one segment: usage and value figures, plain data shared by
//! the check report ([`super::check`]) and the break-even lines ([`super::breakeven`]); and
//! the figures of a replayed export's segment, from its users.

use crate::analysis::stats::{percentile_sorted, sorted};
use crate::engine::stream;
use crate::model::replay::Replay;
use crate::model::{Mix, PerUser, Scenario, Segment};

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

/// The figures of segment `seg` of a replayed export (`[population]`): over its users' mean
/// active months, each valued with the user's own prompt mix, at the cards of trial 0's draws;
/// the mix is the segment's (output-weighted, as its fixed fields hold it).
pub(super) fn replayed(scn: &Scenario, r: &Replay, seg: usize, s: &Segment) -> SegmentCheck {
    let draws = scn
        .draw_slots(|key| stream(scn.simulation.seed, 0, 0, key))
        .unwrap_or_else(|_| vec![f64::NAN; scn.slots.len()]);
    let (retail, cost) = (scn.retail.resolve(&draws), scn.cost.card.resolve(&draws));
    let users = &r.people[r.by_segment[seg].clone()];
    let tokens: Vec<f64> = users.iter().map(|u| u.mean).collect();
    let value: Vec<f64> = users
        .iter()
        .map(|u| u.mean * retail.per_output_token(&u.mix))
        .collect();
    let served: Vec<f64> = users
        .iter()
        .map(|u| u.mean * cost.per_output_token(&u.mix))
        .collect();
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let (st, sr, sc) = (sorted(&tokens), sorted(&value), sorted(&served));
    let med = |x: &[f64]| percentile_sorted(x, 50.0).unwrap_or(f64::NAN);
    let fixed = |p: &PerUser| match p {
        PerUser::Fixed(v) => *v,
        PerUser::Dist(_) => f64::NAN,
    };
    SegmentCheck {
        segment: s.name.clone(),
        closed_form: true,
        mean_tokens: mean(&tokens),
        median_tokens: med(&st),
        p99_tokens: percentile_sorted(&st, 99.0).unwrap_or(f64::NAN),
        median_retail: med(&sr),
        median_cost: med(&sc),
        mean_retail: mean(&value),
        mean_cost: mean(&served),
        mix: Mix::new(
            fixed(&s.input_per_output),
            fixed(&s.cache_read_share),
            fixed(&s.cache_write_share),
        ),
        warnings: Vec::new(),
    }
}
