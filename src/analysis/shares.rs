//! Expected choice shares at arrival, for `plansim check` in menu mode: per segment, the share
//! of its users who choose each option (every plan, ours and external, in config order, then
//! `none`) when they arrive, by the model's own choice rule ([`crate::model::choice`]: `offer`,
//! `pick`, `draw_taste`) at month 0 with fresh accounts, as the engine does, and with the values
//! of trial 0 (the run's first trial) for whatever is drawn per trial.
//!
//! Closed form when every per-user input of the segment is a plain number (`output_tokens`, or
//! `tasks`, `output_per_task` and `success_rate`; the three prompt-mix fields, `value` or `value_per_retail`): every user then has the same expected
//! month and offers, except for the top-up uniform, the only per-user draw a fresh account
//! depends on (a user tops up on a credit plan when it is below the plan's probability). The
//! probabilities cut [0, 1) into cells in which every user holds the same accounts; the shares
//! are the cells' shares weighted by their lengths. In a cell `best` sends every user to the
//! same option (shares 1 and 0; with a single cell, the segment's shares are exactly 1 and 0),
//! and `logit` gives McFadden's P_p = exp(S_p/scale) / (1 + sum_k exp(S_k/scale)), `none`
//! 1 / (1 + sum_k exp(S_k/scale)). Otherwise the shares are estimated from simulated users of the
//! segment (the command uses [`super::check::CHECK_DRAWS`]), each with their own streams, with
//! the standard error sqrt(P (1 - P) / n). A team segment's shares are of accounts, always
//! estimated: simulated accounts (a team size from the first seat's streams, then each seat's
//! life and taste from its own streams) choose by [`crate::model::team_month::arrival_offers`] and `pick`, until the
//! draws' number of seats is used; n is then the number of accounts. A replayed export's
//! segment (`[population]`) chooses as estimated, with each of its users once (n = its users).

use std::fmt::Write;

use crate::engine::{self, EngineError, UserStreams};
use crate::model::choice::{At, Offer, Taste, draw_taste, offer, pick};
use crate::model::commitment::draw_amounts;
use crate::model::plans::PlanKind;
use crate::model::purpose::{Purpose, sample};
use crate::model::team::seats_of;
use crate::model::team_month::arrival_offers;
use crate::model::user::{UserLife, draw_size, draw_successes, live};
use crate::model::{Billing, PerUser, Scenario, Segment, SegmentValue, Trial};

/// The trial whose draws are used.
pub const TRIAL: u64 = 0;
/// The bit set in the unit of every simulated user, so they are none of a run's users (whose
/// units stay far below it).
const UNIT_BIT: u64 = 1 << 63;

/// The streams of simulated user `u` of segment `seg` (the unit packs the segment and the
/// user, so every segment has its own users).
fn user_streams(scn: &Scenario, seg: usize, u: u64) -> UserStreams {
    UserStreams::new(
        scn.simulation.seed,
        TRIAL,
        UNIT_BIT | ((seg as u64) << 32) | u,
    )
}

/// How a segment's shares were found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Closed form, best choice: every user in a top-up cell makes the same choice.
    Best,
    /// Closed form, logit choice: McFadden's shares.
    Logit,
    /// Estimated from this many simulated users.
    Estimated(usize),
    /// Estimated from this many simulated accounts of a team segment (each choosing for its
    /// seats, [`crate::model::team_menu`]).
    Accounts(usize),
}

/// One segment's expected shares at arrival.
#[derive(Clone, Debug, PartialEq)]
pub struct SegmentShares {
    /// Segment name.
    pub segment: String,
    /// How they were found.
    pub method: Method,
    /// Per option, in [`Scenario::options`] order.
    pub shares: Vec<f64>,
    /// The standard error of each share (0 for a closed form).
    pub std_err: Vec<f64>,
    /// Top-up cells with different accounts (closed forms; 1 without top-ups that split users).
    pub cells: usize,
}

/// The expected shares of a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct Shares {
    /// Trial 0's logit scale, `None` for best choice.
    pub logit_scale: Option<f64>,
    /// Per segment, in config order.
    pub segments: Vec<SegmentShares>,
}

/// The expected shares of every segment with `draws` simulated users where no closed form
/// applies (at least 1); `None` in each mode.
///
/// # Errors
/// [`EngineError::Draw`] when trial 0's draws are out of range (validation prevents it).
pub fn shares(scn: &Scenario, draws: usize) -> Result<Option<Shares>, EngineError> {
    if !scn.is_menu() {
        return Ok(None);
    }
    let mut trial = engine::trial(scn, TRIAL)?;
    // The choice at arrival sees month 0 only; a one-month horizon keeps `live` from drawing
    // every later month (its month-0 values and the taste stream do not change).
    trial.decline.truncate(1);
    let draws = draws.max(1);
    let segments = scn
        .segments
        .iter()
        .enumerate()
        .map(|(seg, s)| {
            if s.team_size.is_some() {
                accounts(scn, &trial, seg, draws)
            } else if trial.replay.is_none() && fixed_inputs(scn, s) {
                closed_form(scn, &trial, seg)
            } else {
                estimated(scn, &trial, seg, draws)
            }
        })
        .collect();
    Ok(Some(Shares {
        logit_scale: trial.market.logit_scale,
        segments,
    }))
}

/// Whether every per-user input of the segment is a plain number (commitment amounts
/// included).
fn fixed_inputs(scn: &Scenario, s: &Segment) -> bool {
    let fixed = |p: &PerUser| matches!(p, PerUser::Fixed(_));
    let value = match &s.value {
        None => true,
        Some(SegmentValue::Value(v) | SegmentValue::ValuePerRetail(v)) => fixed(v),
    };
    let amounts = scn
        .plans
        .iter()
        .filter_map(|p| p.commitment.as_ref())
        .all(|c| fixed(&c.amount));
    value
        && amounts
        && s.work.fields().into_iter().all(|(_, p)| fixed(p))
        && [
            &s.input_per_output,
            &s.cache_read_share,
            &s.cache_write_share,
        ]
        .into_iter()
        .all(fixed)
}

/// McFadden's logit shares with an outside option of surplus 0: for plans with surpluses
/// `surplus`, P_p = exp(S_p/scale) / (1 + sum_k exp(S_k/scale)), then `none` (last),
/// 1 / (1 + sum_k exp(S_k/scale)).
pub fn logit_shares(surplus: &[f64], scale: f64) -> Vec<f64> {
    let z: Vec<f64> = surplus.iter().map(|s| s / scale).chain([0.0]).collect();
    // Shifted by the largest, so no term overflows (the ratios are unchanged).
    let top = z.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = z.iter().map(|x| (x - top).exp()).collect();
    let sum: f64 = e.iter().sum();
    e.iter().map(|x| x / sum).collect()
}

/// The cells of the top-up uniform in which every credit plan's top-up status is the same, for
/// the plans' top-up `probabilities`: `(length, a uniform inside)`, in order.
pub fn top_up_cells(probabilities: &[f64]) -> Vec<(f64, f64)> {
    let mut cuts: Vec<f64> = probabilities
        .iter()
        .copied()
        .filter(|p| *p > 0.0 && *p < 1.0)
        .chain([0.0, 1.0])
        .collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    cuts.windows(2)
        .map(|w| (w[1] - w[0], (w[0] + w[1]) / 2.0))
        .collect()
}

/// Each plan's offers to `life` with `value` at arrival: month 0, fresh accounts.
fn offers_at_arrival(trial: &Trial, life: &UserLife, value: f64, offers: &mut Vec<Offer>) {
    offers.clear();
    for p in 0..trial.plans() {
        let fresh = trial.rules[p].open(life.top_up_u);
        offers.push(offer(
            trial,
            p,
            At::default(),
            life.expected(1.0, 1.0),
            value,
            life,
            &fresh,
        ));
    }
}

/// The closed-form shares of segment `seg`, whose per-user inputs are all fixed.
fn closed_form(scn: &Scenario, trial: &Trial, seg: usize) -> SegmentShares {
    let n = trial.plans();
    // Every draw that matters is constant; the streams only feed the top-up uniform (replaced
    // below) and the taste draws (not used: the closed form integrates them).
    let streams = user_streams(scn, seg, 0);
    let mut life = UserLife::with_capacity(1);
    let size = draw_size(trial, seg, &streams);
    live(trial, seg, 0, size, &streams, &mut life);
    draw_successes(trial, &streams, &mut life);
    let mut taste = Taste::default();
    draw_taste(trial, &life, &streams, &mut taste);
    draw_amounts(trial, &streams, &mut life);
    let probabilities: Vec<f64> = scn
        .plans
        .iter()
        .filter_map(|p| match &p.kind {
            PlanKind::Credit(c) => c.top_up.map(|t| t.probability.value(&trial.draws)),
            _ => None,
        })
        .collect();
    let cells = top_up_cells(&probabilities);
    let mut shares = vec![0.0; n + 1];
    let mut offers = Vec::with_capacity(n);
    for &(weight, u) in &cells {
        life.top_up_u = u;
        offers_at_arrival(trial, &life, taste.value, &mut offers);
        match trial.market.logit_scale {
            None => shares[pick(trial, &offers, &Taste::default()).unwrap_or(n)] += weight,
            Some(scale) => {
                let surplus: Vec<f64> = offers.iter().map(|o| o.surplus).collect();
                for (s, p) in shares.iter_mut().zip(logit_shares(&surplus, scale)) {
                    *s += weight * p;
                }
            }
        }
    }
    SegmentShares {
        segment: scn.segments[seg].name.clone(),
        method: match trial.market.logit_scale {
            None => Method::Best,
            Some(_) => Method::Logit,
        },
        shares,
        std_err: vec![0.0; n + 1],
        cells: cells.len(),
    }
}

/// The shares of segment `seg` estimated from `draws` simulated users, each living from their
/// own streams: base demand, life (top-up uniform, prompt mix), taste, then the choice.
fn estimated(scn: &Scenario, trial: &Trial, seg: usize, draws: usize) -> SegmentShares {
    let n = trial.plans();
    let mut counts = vec![0u64; n + 1];
    let mut life = UserLife::with_capacity(1);
    let mut taste = Taste::default();
    let mut offers = Vec::with_capacity(n);
    // A replayed export's segment: each of its users once.
    let users = trial
        .replay
        .as_ref()
        .map(|r| &r.people[r.by_segment[seg].clone()]);
    for u in 0..users.map_or(draws, <[_]>::len) as u64 {
        let streams = user_streams(scn, seg, u);
        match (&trial.replay, users) {
            (Some(r), Some(people)) => r.live_as(trial, &people[u as usize], &streams, &mut life),
            _ => live(
                trial,
                seg,
                0,
                draw_size(trial, seg, &streams),
                &streams,
                &mut life,
            ),
        }
        draw_successes(trial, &streams, &mut life);
        draw_taste(trial, &life, &streams, &mut taste);
        draw_amounts(trial, &streams, &mut life);
        offers_at_arrival(trial, &life, taste.value, &mut offers);
        counts[pick(trial, &offers, &taste).unwrap_or(n)] += 1;
    }
    let total = counts.iter().sum::<u64>() as f64;
    let shares: Vec<f64> = counts.iter().map(|&c| c as f64 / total).collect();
    SegmentShares {
        segment: scn.segments[seg].name.clone(),
        method: Method::Estimated(total as usize),
        std_err: shares
            .iter()
            .map(|p| (p * (1.0 - p) / total).sqrt())
            .collect(),
        shares,
        cells: 1,
    }
}

/// The shares of team segment `seg` estimated from simulated accounts until `draws` seats
/// are simulated (at least one account): each account's team size, then each seat's base
/// demand, life, taste and commitment amounts from the seat's own streams (simulated users in
/// seat order; the team size from the account's first seat's); the account chooses with the
/// summed value of its seats and its first seat's Gumbel draws.
fn accounts(scn: &Scenario, trial: &Trial, seg: usize, draws: usize) -> SegmentShares {
    let n = trial.plans();
    let mut counts = vec![0u64; n + 1];
    let mut lives: Vec<UserLife> = Vec::new();
    let (mut values, mut tastes) = (Vec::new(), Vec::new());
    let mut offers = vec![Offer::default(); n];
    let (mut seats, mut total) = (0, 0u64);
    let size = trial.segments[seg].team_size.as_ref();
    while seats < draws {
        let first = user_streams(scn, seg, seats as u64);
        let k = size.map_or(1, |d| seats_of(sample(d, &first, Purpose::TeamSize))) as usize;
        lives.resize_with(k, || UserLife::with_capacity(1));
        tastes.resize_with(k, Taste::default);
        values.clear();
        for (j, (life, taste)) in lives.iter_mut().zip(tastes.iter_mut()).enumerate() {
            let streams = user_streams(scn, seg, (seats + j) as u64);
            let size = draw_size(trial, seg, &streams);
            live(trial, seg, 0, size, &streams, life);
            draw_successes(trial, &streams, life);
            draw_taste(trial, life, &streams, taste);
            draw_amounts(trial, &streams, life);
            values.push(taste.value);
        }
        arrival_offers(trial, &lives[..k], &values, &mut offers);
        counts[pick(trial, &offers, &tastes[0]).unwrap_or(n)] += 1;
        seats += k;
        total += 1;
    }
    let t = total as f64;
    let shares: Vec<f64> = counts.iter().map(|&c| c as f64 / t).collect();
    SegmentShares {
        segment: scn.segments[seg].name.clone(),
        method: Method::Accounts(total as usize),
        std_err: shares.iter().map(|p| (p * (1.0 - p) / t).sqrt()).collect(),
        shares,
        cells: 1,
    }
}

/// Writes the choice-share section of `plansim check` (menu mode only; nothing in each mode),
/// with `draws` simulated users per segment where no closed form applies.
pub fn write_report(out: &mut String, scn: &Scenario, draws: usize) {
    let shares = match shares(scn, draws) {
        Ok(Some(s)) => s,
        Ok(None) => return,
        Err(e) => {
            let _ = writeln!(out, "\nexpected choice shares: not computed: {e}");
            return;
        }
    };
    let rule = match shares.logit_scale {
        Some(scale) => format!("choice = \"logit\", logit_scale ${scale:.2}"),
        None => "choice = \"best\"".to_string(),
    };
    let _ = writeln!(
        out,
        "\nexpected choice shares at arrival ({rule}; month 0, fresh accounts), per segment:"
    );
    if !scn.slots.is_empty() {
        let _ = writeln!(
            out,
            "  values drawn per trial are trial {TRIAL}'s draws (the run's first trial)"
        );
    }
    let options = scn.options();
    let external: Vec<bool> = scn.plans.iter().map(|p| p.external).collect();
    for s in &shares.segments {
        let estimated = matches!(s.method, Method::Estimated(_) | Method::Accounts(_));
        let _ = writeln!(out, "segment {}: {}", s.segment, describe(s));
        // option, share, [std_err], a tag for external plans.
        let mut rows = vec![vec!["option".to_string(), "share".to_string()]];
        if estimated {
            rows[0].push("std_err".to_string());
        }
        for (o, name) in options.iter().enumerate() {
            let mut row = vec![(*name).to_string(), format!("{:.4}", s.shares[o])];
            if estimated {
                row.push(format!("{:.5}", s.std_err[o]));
            }
            rows.push(row);
        }
        let width: Vec<usize> = (0..rows[0].len())
            .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
            .collect();
        for (i, r) in rows.iter().enumerate() {
            let mut line = format!("  {:<w$}", r[0], w = width[0]);
            for (cell, w) in r.iter().zip(&width).skip(1) {
                let _ = write!(line, "  {cell:>w$}");
            }
            if i > 0 && external.get(i - 1).copied().unwrap_or(false) {
                line.push_str("  external");
            }
            let _ = writeln!(out, "{line}");
        }
    }
}

/// The method line of a segment.
fn describe(s: &SegmentShares) -> String {
    let split = if s.cells > 1 {
        ", given whether they top up on each credit plan"
    } else {
        ""
    };
    match s.method {
        Method::Best => format!(
            "closed form (every per-user input fixed: every user makes the same choice{split})"
        ),
        Method::Logit => format!(
            "closed form (every per-user input fixed: P_p = exp(S_p/scale) / (1 + sum_k \
             exp(S_k/scale)){split})"
        ),
        Method::Estimated(n) => format!(
            "estimated from {n} simulated users (a per-user input is drawn); std_err = \
             sqrt(share x (1 - share) / {n})"
        ),
        Method::Accounts(n) => format!(
            "estimated from {n} simulated accounts (a team segment: an account chooses for \
             its seats, with their summed value; shares of accounts); std_err = sqrt(share x \
             (1 - share) / {n})"
        ),
    }
}
