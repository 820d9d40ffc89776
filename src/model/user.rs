//! The user behaviour model: one user's life in one trial, independent of plans.
//!
//! A user of segment s has a base demand D (drawn first, so users can be ranked into demand
//! deciles before anything else is drawn), a top-up uniform, a prompt ratio, a cache read
//! share, a cache write share, and per month from their arrival month a standard normal (the
//! mean-one lognormal noise) and a churn uniform, until the segment's monthly churn makes them
//! leave. Each of these purposes draws from its own stream of the user
//! ([`super::purpose::Purpose`]): a fixed value draws nothing, no noise is drawn at zero
//! volatility, and the i-th month's normal and uniform are the i-th draws of their streams. Nothing here depends on
//! the plans, so every plan sees the same life (common random numbers). In menu mode a shock
//! month can make a user leave earlier (a larger probability tested with the same churn
//! uniform), never later, so the life drawn here holds every month a user can live.
//!
//! On a task segment the tasks of a typical month N and the output tokens per task k come from
//! their own streams, and D = N x k. A month's tasks are round(T_m), T_m = N x growth x noise
//! (half away from zero), and its output tokens round(T_m) x k. The success rate p and the
//! monthly successes, one Binomial(round(T_m), p) per month lived, have a stream each. Token
//! segments draw none of these.

use rand::{Rng, RngExt};
use rand_distr::{Binomial, Distribution, StandardNormal};

use super::Mix;
use super::plans::Usage;
use super::purpose::{Purpose, Streams, sample};
use super::trial::Trial;

/// A user's size (base demand; tasks and tokens per task on a task segment).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Size {
    /// Base demand D: output tokens in a typical month.
    pub demand: f64,
    /// Tasks in a typical month (0 on a token segment).
    pub tasks: f64,
    /// Output tokens per task (0 on a token segment).
    pub per_task: f64,
}

impl Size {
    /// The size of a user of a token segment with base demand `d`.
    pub fn tokens(d: f64) -> Size {
        Size {
            demand: d,
            ..Size::default()
        }
    }
}

/// One month of a user's work before any plan: output tokens and, on a task segment, tasks and
/// successes (for an expected month: the expected successes, tasks x success rate).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Work {
    /// Output tokens (before the plan's usage_response).
    pub output_tokens: f64,
    /// Tasks (0 on a token segment).
    pub tasks: f64,
    /// Successful tasks (0 on a token segment).
    pub successes: f64,
}

impl Work {
    /// The usage a plan sees: output tokens x `response` (1 on a task segment, see
    /// [`UserLife::response`]), metered at `k_meter` per output token, at prices that do not
    /// move (factors 1; [`crate::model::Trial::priced`] sets a month's).
    #[inline(always)]
    pub fn usage<'a>(&self, response: f64, mix: &'a Mix, k_meter: f64) -> Usage<'a> {
        let out = self.output_tokens * response;
        Usage {
            output_tokens: out,
            mix,
            metered: out * k_meter,
            price_factor: 1.0,
            rate_factor: 1.0,
            tasks: self.tasks,
            successes: self.successes,
        }
    }
}

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
    /// Whether the user's work is tasks (a task segment).
    pub is_tasks: bool,
    /// Tasks in a typical month, before growth and noise (0 on a token segment).
    pub base_tasks: f64,
    /// Output tokens per task (0 on a token segment).
    pub per_task: f64,
    /// Probability that a task succeeds (0 on a token segment).
    pub success_rate: f64,
    /// Tasks, round(T_m), in each active month (empty on a token segment).
    pub tasks: Vec<f64>,
    /// Successful tasks in each active month (empty on a token segment).
    pub successes: Vec<f64>,
    /// The commitment amount on each plan, in plan order (0 on a plan without one; empty
    /// when no plan has one), each from its plan's stream ([`crate::model::commitment`]).
    pub commit: Vec<f64>,
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
            is_tasks: false,
            base_tasks: 0.0,
            per_task: 0.0,
            success_rate: 0.0,
            tasks: Vec::new(),
            successes: Vec::new(),
            commit: Vec::new(),
        }
    }

    /// The work of active month `i` (counted from the arrival month).
    #[inline(always)]
    pub fn work(&self, i: usize) -> Work {
        if self.is_tasks {
            self.work_as::<true>(i)
        } else {
            self.work_as::<false>(i)
        }
    }

    /// [`UserLife::work`] for a life known to be of a task segment (`TASKS`) or not, so a loop
    /// over months can be compiled without the test.
    #[inline(always)]
    pub fn work_as<const TASKS: bool>(&self, i: usize) -> Work {
        if TASKS {
            Work {
                output_tokens: self.demand[i],
                tasks: self.tasks[i],
                successes: self.successes[i],
            }
        } else {
            Work {
                output_tokens: self.demand[i],
                ..Work::default()
            }
        }
    }

    /// The expected work of a month at `scale` x the typical month and `growth` (noise at its
    /// mean): output tokens D x scale x growth; on a task segment, tasks round(N x scale x
    /// growth), their output tokens, and the expected successes, tasks x success rate.
    #[inline(always)]
    pub fn expected(&self, scale: f64, growth: f64) -> Work {
        if self.is_tasks {
            self.expected_as::<true>(scale, growth)
        } else {
            self.expected_as::<false>(scale, growth)
        }
    }

    /// [`UserLife::expected`] for a life known to be of a task segment (`TASKS`) or not.
    #[inline(always)]
    pub fn expected_as<const TASKS: bool>(&self, scale: f64, growth: f64) -> Work {
        if TASKS {
            let tasks = (self.base_tasks * scale * growth).round();
            Work {
                output_tokens: tasks * self.per_task,
                tasks,
                successes: tasks * self.success_rate,
            }
        } else {
            Work {
                output_tokens: self.base * scale * growth,
                ..Work::default()
            }
        }
    }

    /// The multiplier a plan's `usage_response` puts on this user's demand: the response itself,
    /// or 1 on a task segment, whose tasks are the same on every plan.
    #[inline(always)]
    pub fn response(&self, usage_response: f64) -> f64 {
        if self.is_tasks { 1.0 } else { usage_response }
    }
}

/// The size of a user of segment `seg`: D, or on a task segment the tasks N and the output
/// tokens per task k (each from its own stream), with D = N x k.
#[inline]
pub fn draw_size<S: Streams>(trial: &Trial, seg: usize, streams: &S) -> Size {
    let s = &trial.segments[seg];
    match &s.tasks {
        None => Size::tokens(sample(&s.demand, streams, Purpose::BaseDemand)),
        Some(t) => {
            let tasks = sample(&s.demand, streams, Purpose::Tasks);
            let per_task = sample(&t.per_task, streams, Purpose::PerTask);
            Size {
                demand: tasks * per_task,
                tasks,
                per_task,
            }
        }
    }
}

/// Base demand D of a user of segment `seg`.
#[inline]
pub fn base_demand<S: Streams>(trial: &Trial, seg: usize, streams: &S) -> f64 {
    draw_size(trial, seg, streams).demand
}

/// Lives one user of segment `seg` who arrives at month `start` with `size`, from their
/// `streams`, into `life` (its buffers reused). Growth counts from `start`. On a task segment,
/// [`draw_successes`] completes the life.
#[inline]
pub fn live<S: Streams>(
    trial: &Trial,
    seg: usize,
    start: usize,
    size: Size,
    streams: &S,
    life: &mut UserLife,
) {
    live_with_churn(
        trial,
        seg,
        start,
        size,
        streams,
        life,
        trial.segments[seg].churn,
    );
}

/// [`live`] with the monthly churn `churn` in place of the segment's: a team's seats are lived
/// with 0 (every month to the horizon, the same draws in the same order) and then ended by the
/// team's and the seat's churn ([`super::team`]).
pub fn live_with_churn<S: Streams>(
    trial: &Trial,
    seg: usize,
    start: usize,
    size: Size,
    streams: &S,
    life: &mut UserLife,
    churn: f64,
) {
    let s = &trial.segments[seg];
    let d = size.demand;
    life.segment = seg;
    life.is_tasks = s.tasks.is_some();
    life.base_tasks = size.tasks;
    life.per_task = size.per_task;
    life.success_rate = 0.0;
    life.tasks.clear();
    life.successes.clear();
    life.top_up_u = streams.rng(Purpose::TopUp).random();
    let r = sample(&s.ratio, streams, Purpose::Ratio);
    let cr = sample(&s.cache_read, streams, Purpose::CacheRead);
    let cw = sample(&s.cache_write, streams, Purpose::CacheWrite);
    life.mix = Mix::new(r, cr, cw);
    let half_var = s.vol * s.vol / 2.0;
    let n_months = trial.months();
    life.base = d;
    life.start = start;
    life.left = false;
    // Every month to the horizon is written, then the months after the one the user leaves
    // in are cut: the same values as pushing month by month, without a capacity check each
    // (the buffers keep the previous user's months, all overwritten; only growth is filled).
    let len = n_months.saturating_sub(start);
    for v in [&mut life.demand, &mut life.noise, &mut life.leave_u] {
        v.resize(len, 0.0);
    }
    if life.is_tasks {
        life.tasks.resize(len, 0.0);
    }
    // No noise stream at zero volatility: the noise is 1 and nothing is drawn.
    let mut noise_rng = (s.vol > 0.0).then(|| streams.rng(Purpose::Noise));
    let mut churn_rng = streams.rng(Purpose::Churn);
    let mut lived = len;
    let months = life.demand[..len]
        .iter_mut()
        .zip(&mut life.noise[..len])
        .zip(&mut life.leave_u[..len])
        .zip(&s.growth[..len])
        .enumerate();
    for (i, (((demand, noise_i), leave_i), &growth)) in months {
        let noise = match &mut noise_rng {
            Some(rng) => {
                let z: f64 = StandardNormal.sample(rng);
                (s.vol * z - half_var).exp()
            }
            None => 1.0,
        };
        let leave_u: f64 = churn_rng.random();
        if life.is_tasks {
            let tasks = (size.tasks * growth * noise).round();
            life.tasks[i] = tasks;
            *demand = tasks * size.per_task;
        } else {
            *demand = d * growth * noise;
        }
        *noise_i = noise;
        *leave_i = leave_u;
        if i + 1 < len && leave_u < churn {
            life.left = true;
            lived = i + 1;
            break;
        }
    }
    life.demand.truncate(lived);
    life.noise.truncate(lived);
    life.leave_u.truncate(lived);
    if life.is_tasks {
        life.tasks.truncate(lived);
    }
    life.k_retail = trial.retail.per_output_token(&life.mix);
    life.k_cost = trial.cost.per_output_token(&life.mix);
}

/// Completes the life of a user of a task segment from their `streams`: the success rate p
/// (its stream), then the successes of each month lived, Binomial(tasks, p) (theirs). Draws
/// nothing on a token segment.
pub fn draw_successes<S: Streams>(trial: &Trial, streams: &S, life: &mut UserLife) {
    let Some(t) = &trial.segments[life.segment].tasks else {
        return;
    };
    let p = sample(&t.success_rate, streams, Purpose::SuccessRate);
    life.success_rate = p;
    life.successes.clear();
    // The stream is created only when p is strictly between 0 and 1 (else nothing is drawn).
    let mut rng = (p > 0.0 && p < 1.0).then(|| streams.rng(Purpose::Successes));
    for &n in &life.tasks {
        life.successes.push(match &mut rng {
            Some(rng) => successes(n, p, rng),
            None if p >= 1.0 => n,
            None => 0.0,
        });
    }
}

/// Most tasks in a month drawn exactly as a binomial (2^53, the largest whole number every
/// smaller one of which an f64 holds exactly); above it the successes are round(n x p).
pub const MAX_EXACT_TASKS: f64 = 9_007_199_254_740_992.0;

/// Successes among `n` tasks (a whole number) that each succeed with probability `p`: a
/// Binomial(n, p) draw; exactly 0 for p = 0 and n for p = 1 (no draw either way).
fn successes<R: Rng>(n: f64, p: f64, rng: &mut R) -> f64 {
    if p.is_nan() || p <= 0.0 || n == 0.0 {
        0.0
    } else if p >= 1.0 {
        n
    } else if n > MAX_EXACT_TASKS {
        (n * p).round()
    } else {
        match Binomial::new(n as u64, p) {
            Ok(b) => b.sample(rng) as f64,
            Err(_) => (n * p).round(), // p in (0, 1) here: a guard only
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stream;

    #[test]
    fn successes_are_whole_within_the_tasks_and_exact_at_the_ends() {
        let mut rng = stream(1, 0, 0, 3);
        assert_eq!(successes(0.0, 0.5, &mut rng), 0.0);
        assert_eq!(successes(7.0, 0.0, &mut rng), 0.0);
        assert_eq!(successes(7.0, 1.0, &mut rng), 7.0);
        assert_eq!(successes(1e300, 1.0, &mut rng), 1e300);
        assert_eq!(successes(1e20, 0.25, &mut rng), 2.5e19);
        for n in [1.0, 3.0, 40.0, 1e6] {
            for _ in 0..200 {
                let k = successes(n, 0.3, &mut rng);
                assert!(k >= 0.0 && k <= n && k.fract() == 0.0, "{k} of {n}");
            }
        }
    }
}
