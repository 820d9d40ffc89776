//! Trial-level draws: each slot from its own stream ([`slot_stream`]), and the correlated slots
//! (`[[correlation]]`) from their block of [`BLOCK`] trials ([`crate::model::correlation`]).
//!
//! A block is always computed whole: its correlated inputs' values for all [`BLOCK`] trials are
//! drawn (also for trials past the run's end) and reordered by Iman-Conover, so a trial's
//! values depend only on (seed, its block), never on the run's length, chunks, batches or
//! shards. The score permutation of input j in block b comes from
//! `stream(seed, b, CORRELATION_UNIT, key_j)` (Fisher-Yates). Slots that are not correlated
//! (and slots whose parameters are correlated slots) are drawn per trial as without
//! correlation, from the correlated values of their trial. The schedule computes each block
//! needed by a chunk once ([`Blocks`]).

use rand::RngExt;
use rayon::prelude::*;

use super::EngineError;
use super::streams::{CORRELATION_UNIT, slot_stream, stream};
use crate::model::correlation::BLOCK;
use crate::model::{DrawError, Scenario, Trial};

/// The correlated inputs' values of one block: `values[j][r]` is input j's value in trial
/// `BLOCK x b + r`.
#[derive(Debug)]
pub(super) struct Block {
    index: u64,
    values: Vec<Vec<f64>>,
}

/// Block `b` of a scenario with correlations (`None` without).
///
/// # Errors
/// [`EngineError::Draw`] when a draw is out of range (validation prevents it).
fn block(scn: &Scenario, b: u64) -> Result<Option<Block>, EngineError> {
    let Some(c) = &scn.correlation else {
        return Ok(None);
    };
    let seed = scn.simulation.seed;
    let keys = scn.slot_keys();
    let n = BLOCK as usize;
    let mut values = Vec::with_capacity(c.slots.len());
    let mut perms = Vec::with_capacity(c.slots.len());
    for &slot in &c.slots {
        let column = (0..BLOCK)
            .map(|r| {
                let t = b * BLOCK + r;
                let mut rng = slot_stream(seed, t, keys[slot]);
                // A correlated slot's distribution has fixed parameters (config checks it).
                scn.draw_slot(slot, &[], &mut rng)
                    .map_err(|source| EngineError::Draw { trial: t, source })
            })
            .collect::<Result<Vec<f64>, EngineError>>()?;
        values.push(column);
        let mut rng = stream(seed, b, CORRELATION_UNIT, keys[slot]);
        let mut perm: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            perm.swap(i, rng.random_range(0..=i));
        }
        perms.push(perm);
    }
    c.reorder(&mut values, &perms);
    Ok(Some(Block { index: b, values }))
}

/// Trial `t`'s draws, one per slot in slot order; the correlated slots' values from `block`
/// (trial `t`'s block, `None` without correlations).
fn draws_in(scn: &Scenario, t: u64, block: Option<&Block>) -> Result<Vec<f64>, DrawError> {
    let seed = scn.simulation.seed;
    let (Some(c), Some(block)) = (&scn.correlation, block) else {
        return scn.draw_slots(|key| slot_stream(seed, t, key));
    };
    debug_assert_eq!(block.index, t / BLOCK);
    let r = (t % BLOCK) as usize;
    let mut draws = Vec::with_capacity(scn.slots.len());
    for (i, key) in scn.slot_keys().into_iter().enumerate() {
        let x = match c.slots.iter().position(|&s| s == i) {
            Some(j) => block.values[j][r],
            None => scn.draw_slot(i, &draws, &mut slot_stream(seed, t, key))?,
        };
        draws.push(x);
    }
    Ok(draws)
}

/// Trial `t`'s trial-level draws, as a run makes them: each slot from its own stream, the
/// correlated ones from trial `t`'s block (computed here; a run computes each block once).
///
/// # Errors
/// As [`Scenario::draw_slots`].
pub fn trial_draws(scn: &Scenario, t: u64) -> Result<Vec<f64>, DrawError> {
    let block = block(scn, t / BLOCK).map_err(draw_error)?;
    draws_in(scn, t, block.as_ref())
}

/// The trial-level draws of trials `trials`, in order, each block computed once (for
/// diagnostics over many trials).
pub fn trials_draws(
    scn: &Scenario,
    trials: std::ops::Range<u64>,
) -> Vec<Result<Vec<f64>, DrawError>> {
    let mut held: Option<(u64, Result<Option<Block>, DrawError>)> = None;
    trials
        .map(|t| {
            let b = t / BLOCK;
            if held.as_ref().is_none_or(|(i, _)| *i != b) {
                held = Some((b, block(scn, b).map_err(draw_error)));
            }
            match held.as_ref().map(|(_, x)| x) {
                Some(Ok(block)) => draws_in(scn, t, block.as_ref()),
                Some(Err(e)) => Err(e.clone()),
                None => unreachable!("held is set above"),
            }
        })
        .collect()
}

/// The draw error inside an engine error.
fn draw_error(e: EngineError) -> DrawError {
    match e {
        EngineError::Draw { source, .. } => source,
        other => DrawError {
            path: String::new(),
            reason: other.to_string(),
        },
    }
}

/// The scenario with trial `t`'s draws applied.
pub(super) fn trial(scn: &Scenario, t: u64) -> Result<Trial, EngineError> {
    let at = |source| EngineError::Draw { trial: t, source };
    let draws = trial_draws(scn, t).map_err(at)?;
    Trial::resolve(scn, draws).map_err(at)
}

/// The blocks of the trials in flight, each computed once and kept while later chunks need it.
#[derive(Default)]
pub(super) struct Blocks(Vec<Block>);

impl Blocks {
    /// Makes sure every block of trials `first..last` is held (computing the missing ones in
    /// parallel) and drops the blocks before them.
    ///
    /// # Errors
    /// As [`block`].
    pub(super) fn prepare(
        &mut self,
        scn: &Scenario,
        first: u64,
        last: u64,
    ) -> Result<(), EngineError> {
        if scn.correlation.is_none() || first >= last {
            return Ok(());
        }
        let (lo, hi) = (first / BLOCK, (last - 1) / BLOCK);
        self.0.retain(|b| b.index >= lo);
        let missing: Vec<u64> = (lo..=hi)
            .filter(|&b| !self.0.iter().any(|x| x.index == b))
            .collect();
        let new = missing
            .into_par_iter()
            .map(|b| block(scn, b))
            .collect::<Result<Vec<_>, EngineError>>()?;
        self.0.extend(new.into_iter().flatten());
        Ok(())
    }

    /// The scenario with trial `t`'s draws applied, from its prepared block.
    pub(super) fn trial(&self, scn: &Scenario, t: u64) -> Result<Trial, EngineError> {
        let at = |source| EngineError::Draw { trial: t, source };
        let block = self.0.iter().find(|b| b.index == t / BLOCK);
        if scn.correlation.is_some() && block.is_none() {
            return trial(scn, t); // not prepared: computed alone (never in a run)
        }
        let draws = draws_in(scn, t, block).map_err(at)?;
        Trial::resolve(scn, draws).map_err(at)
    }
}
