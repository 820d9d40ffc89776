//! A replayed user's life ([`Replay::live`]): the export user a trial user replays, their
//! months billed as the export has them (model/replay.rs says what a replayed user is). Kept
//! apart from replay.rs, which the trial holds, so that the trial does not depend on the life.

use rand::RngExt;

use super::purpose::{Purpose, Streams};
use super::replay::{Replay, ReplayUser};
use super::trial::Trial;
use super::user::UserLife;

/// A churn uniform below every probability: the leaver's last month (the menu's churn test
/// `u < churn` then holds at churn 0).
const LEAVES: f64 = -1.0;

impl Replay {
    /// Lives trial user `u` of segment `seg` from their `streams` into `life` (its buffers
    /// reused), on `trial`'s cards.
    pub fn live<S: Streams>(
        &self,
        trial: &Trial,
        seg: usize,
        u: u64,
        streams: &S,
        life: &mut UserLife,
    ) {
        let p = self.pick(seg, u, streams);
        self.live_as(trial, p, streams, life);
    }

    /// Lives export user `p` from `streams` into `life` (what [`Replay::live`] does once the
    /// user is picked).
    pub fn live_as<S: Streams>(
        &self,
        trial: &Trial,
        p: &ReplayUser,
        streams: &S,
        life: &mut UserLife,
    ) {
        let seg = p.segment;
        let horizon = trial.months();
        life.segment = seg;
        life.is_tasks = false;
        life.base_tasks = 0.0;
        life.per_task = 0.0;
        life.success_rate = 0.0;
        life.tasks.clear();
        life.successes.clear();
        life.top_up_u = streams.rng(Purpose::TopUp).random();
        life.mix = p.mix;
        life.base = p.mean;
        life.start = p.first;
        life.demand.clear();
        life.noise.clear();
        life.leave_u.clear();
        let end = if self.cycle {
            horizon
        } else {
            (p.last + 1).min(horizon)
        };
        let e = self.export_months.max(1);
        for m in p.first..end {
            let d = p.output[m % e];
            life.demand.push(d);
            life.noise.push(if p.mean > 0.0 { d / p.mean } else { 1.0 });
            life.leave_u.push(1.0);
        }
        life.left = !self.cycle && end < horizon;
        if life.left
            && let Some(u) = life.leave_u.last_mut()
        {
            *u = LEAVES;
        }
        life.k_retail = trial.retail.per_output_token(&life.mix);
        life.k_cost = trial.cost.per_output_token(&life.mix);
    }
}
