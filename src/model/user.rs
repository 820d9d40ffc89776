//! The user behaviour model: one user's life in one trial, independent of plans.
//!
//! A user of segment s has a base demand D (drawn first, phase 0, so users can be ranked into
//! demand deciles before anything else is drawn), then from their own phase-1 stream, in this
//! order: the top-up uniform, the prompt ratio, the cache read share, the cache write share,
//! and per month from their arrival month a standard normal (the mean-one lognormal noise) and
//! a churn uniform, until the segment's monthly churn makes them leave. Nothing here depends on
//! the plans, so every plan sees the same life (common random numbers). In menu mode a shock
//! month can make a user leave earlier (a larger probability tested with the same churn
//! uniform), never later, so the life drawn here holds every month a user can live.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, StandardNormal};

use super::Mix;
use super::trial::Trial;

/// One user's life, plan-independent.
#[derive(Clone, Debug)]
pub struct UserLife {
    /// Segment index.
    pub segment: usize,
    /// The user's uniform for credit top-ups (shared by every credit plan).
    pub top_up_u: f64,
    /// Prompt tokens of each kind per output token.
    pub mix: Mix,
    /// Base demand D: output tokens in a typical month, before growth and noise.
    pub base: f64,
    /// The month the user arrived (0 for the users present at the start).
    pub start: usize,
    /// Demand (output tokens before usage_response) in each active month, from `start`.
    pub demand: Vec<f64>,
    /// The mean-one monthly noise factor of each active month.
    pub noise: Vec<f64>,
    /// The churn uniform of each active month.
    pub leave_u: Vec<f64>,
    /// Whether the user left before the horizon ended.
    pub left: bool,
    /// Retail value of one output token with its prompt tokens.
    pub k_retail: f64,
    /// Serving cost of one output token with its prompt tokens, at month 0.
    pub k_cost: f64,
}

impl UserLife {
    /// An empty life with room for `months` months (reused from user to user).
    pub fn with_capacity(months: usize) -> Self {
        UserLife {
            segment: 0,
            top_up_u: 0.0,
            mix: Mix::new(0.0, 0.0, 0.0),
            base: 0.0,
            start: 0,
            demand: Vec::with_capacity(months),
            noise: Vec::with_capacity(months),
            leave_u: Vec::with_capacity(months),
            left: false,
            k_retail: 0.0,
            k_cost: 0.0,
        }
    }
}

/// Base demand D of a user of segment `seg` (the user's phase-0 stream).
#[inline]
pub fn base_demand<R: Rng + ?Sized>(trial: &Trial, seg: usize, rng: &mut R) -> f64 {
    trial.segments[seg].demand.sample(rng)
}

/// Lives one user of segment `seg` who arrives at month `start` with base demand `d`, from
/// their phase-1 stream `rng`, into `life` (its buffers reused). Growth counts from `start`.
pub fn live<R: Rng>(
    trial: &Trial,
    seg: usize,
    start: usize,
    d: f64,
    rng: &mut R,
    life: &mut UserLife,
) {
    let s = &trial.segments[seg];
    life.segment = seg;
    life.top_up_u = rng.random();
    let r = s.ratio.sample(rng);
    let cr = s.cache_read.sample(rng);
    let cw = s.cache_write.sample(rng);
    life.mix = Mix::new(r, cr, cw);
    let half_var = s.vol * s.vol / 2.0;
    let n_months = trial.months();
    life.base = d;
    life.start = start;
    life.demand.clear();
    life.noise.clear();
    life.leave_u.clear();
    life.left = false;
    for m in start..n_months {
        let z: f64 = StandardNormal.sample(rng);
        let leave_u: f64 = rng.random();
        let noise = if s.vol > 0.0 {
            (s.vol * z - half_var).exp()
        } else {
            1.0
        };
        life.demand.push(d * s.growth[m - start] * noise);
        life.noise.push(noise);
        life.leave_u.push(leave_u);
        if m + 1 < n_months && leave_u < s.churn {
            life.left = true;
            break;
        }
    }
    life.k_retail = trial.retail.per_output_token(&life.mix);
    life.k_cost = trial.cost.per_output_token(&life.mix);
}
