//! The fitted segments: one (`--segments 1`, the chosen candidate as the segment's
//! `output_tokens`), or one per component of a lognormal mixture (`--segments K` and `auto`),
//! each with the users it claims (their most probable component), its share (the component's
//! weight), and the prompt mix, volatility, inactive share and churn of those users
//! ([`super::users::group`]).
//!
//! Users with no output in any month are not fitted; they enter every segment's `zero` as
//! users at zero, so the mean usage of the population is kept: a segment's `zero` is
//! 1 − (1 − its inactive share) × (1 − the share of users without output).

use super::models::responsibilities;
use super::models::{Component, Model, ParamInterval};
use super::users::{GroupFit, Has, UserFit, group};

/// How many segments `--segments` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SegmentsArg {
    /// Exactly K (1 to [`MAX_SEGMENTS`]).
    Count(usize),
    /// The lognormal mixture (K = 1 to [`MAX_SEGMENTS`]) with the lowest BIC.
    Auto,
}

/// Most segments `--segments` takes (the largest mixture fitted).
pub const MAX_SEGMENTS: usize = 6;

impl SegmentsArg {
    /// Parses `--segments`: a whole number from 1 to [`MAX_SEGMENTS`], or `auto`.
    ///
    /// # Errors
    /// A message naming the flag.
    pub fn parse(s: &str) -> Result<Self, String> {
        if s == "auto" {
            return Ok(SegmentsArg::Auto);
        }
        match s.parse::<usize>() {
            Ok(k) if (1..=MAX_SEGMENTS).contains(&k) => Ok(SegmentsArg::Count(k)),
            _ => Err(format!(
                "--segments {s}: expected a whole number from 1 to {MAX_SEGMENTS}, or auto"
            )),
        }
    }
}

/// One fitted segment.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentFit {
    /// Its name.
    pub name: String,
    /// Its share of the users.
    pub share: f64,
    /// The distribution of a user's typical month (never a Pareto).
    pub output: Model,
    /// Bootstrap 90% intervals of `output`'s parameters, named as [`Model::params`] names
    /// them for `output` (`mu`, `sigma`; `shape`, `scale`; `mu1`, `sigma1`, ... for a
    /// mixture).
    pub intervals: Vec<ParamInterval>,
    /// The pooled quantities of the users it claims.
    pub group: GroupFit,
    /// The `zero` modifier of `output_tokens` (see the module notes).
    pub zero: f64,
    /// A `ceiling` on `output_tokens`, when the tail is too heavy for a finite mean.
    pub ceiling: Option<f64>,
}

/// What the segments are made from.
pub enum Parts {
    /// One segment with this distribution and the intervals of its parameters.
    Single(Model, Vec<ParamInterval>),
    /// One segment per component (in increasing mu), with the intervals of the mixture's
    /// parameters (`w1`, `mu1`, `sigma1`, ...).
    Components(Vec<Component>, Vec<ParamInterval>),
}

/// The segment names for `k` segments, lightest first.
pub fn names(k: usize) -> Vec<String> {
    let fixed: &[&str] = match k {
        1 => &["all"],
        2 => &["light", "heavy"],
        3 => &["light", "medium", "heavy"],
        _ => &[],
    };
    if fixed.is_empty() {
        (1..=k).map(|i| format!("seg{i}")).collect()
    } else {
        fixed.iter().map(|s| (*s).to_string()).collect()
    }
}

/// The segments of `parts` over `users` (an export of `months` months with the columns
/// `has`), each with `ceiling`, and each user's segment (`None` for a user without output).
/// A component that claims no user takes its prompt mix and volatility from all users.
pub fn build(
    users: &[UserFit],
    months: usize,
    has: Has,
    parts: Parts,
    ceiling: Option<f64>,
) -> (Vec<SegmentFit>, Vec<Option<usize>>) {
    let without = users.iter().filter(|u| u.typical <= 0.0).count();
    let z0 = if users.is_empty() {
        0.0
    } else {
        without as f64 / users.len() as f64
    };
    let fitted: Vec<&UserFit> = users.iter().filter(|u| u.typical > 0.0).collect();
    let everyone = group(&fitted, months, has);
    let segment = |name: String, share: f64, output: Model, intervals, members: &[&UserFit]| {
        let group = if members.is_empty() {
            everyone.clone()
        } else {
            group(members, months, has)
        };
        SegmentFit {
            name,
            share,
            output,
            intervals,
            zero: 1.0 - (1.0 - group.inactive_share) * (1.0 - z0),
            group,
            ceiling,
        }
    };
    match parts {
        Parts::Single(model, intervals) => {
            let name = names(1).remove(0);
            let assigned = users
                .iter()
                .map(|u| (u.typical > 0.0).then_some(0))
                .collect();
            (
                vec![segment(name, 1.0, model, intervals, &fitted)],
                assigned,
            )
        }
        Parts::Components(components, intervals) => {
            let assigned: Vec<Option<usize>> = users
                .iter()
                .map(|u| (u.typical > 0.0).then(|| most_probable(&components, u.typical)))
                .collect();
            let segments = names(components.len())
                .into_iter()
                .zip(shares(&components))
                .enumerate()
                .map(|(i, (name, share))| {
                    let c = components[i];
                    let members: Vec<&UserFit> = users
                        .iter()
                        .zip(&assigned)
                        .filter(|(_, a)| **a == Some(i))
                        .map(|(u, _)| u)
                        .collect();
                    let output = Model::LogNormal {
                        mu: c.mu,
                        sigma: c.sigma,
                    };
                    segment(
                        name,
                        share,
                        output,
                        component_intervals(&intervals, i),
                        &members,
                    )
                })
                .collect();
            (segments, assigned)
        }
    }
}

/// The component of `components` most probable for `x` (the first of equals).
fn most_probable(components: &[Component], x: f64) -> usize {
    let r = responsibilities(components, x);
    let mut best = 0;
    for (i, p) in r.iter().enumerate() {
        if *p > r[best] {
            best = i;
        }
    }
    best
}

/// The components' weights rounded to 4 decimals, the last taking the rest so they sum to 1.
pub fn shares(components: &[Component]) -> Vec<f64> {
    let total: f64 = components.iter().map(|c| c.weight).sum();
    let mut out: Vec<f64> = components
        .iter()
        .map(|c| (c.weight / total * 1e4).round() / 1e4)
        .collect();
    if let Some((last, rest)) = out.split_last_mut() {
        let rest = ((1.0 - rest.iter().sum::<f64>()) * 1e4).round() / 1e4;
        *last = if rest > 0.0 { rest } else { 0.0 };
    }
    out
}

/// Component `i`'s `mu{i+1}` and `sigma{i+1}` intervals, renamed `mu` and `sigma`.
fn component_intervals(intervals: &[ParamInterval], i: usize) -> Vec<ParamInterval> {
    [
        ("mu", format!("mu{}", i + 1)),
        ("sigma", format!("sigma{}", i + 1)),
    ]
    .into_iter()
    .filter_map(|(to, from)| {
        let iv = intervals.iter().find(|iv| iv.name == from)?;
        Some(ParamInterval {
            name: to.to_string(),
            ..iv.clone()
        })
    })
    .collect()
}

#[cfg(test)]
#[path = "segments_tests.rs"]
mod tests;
