//! Random streams: one generator per work unit and purpose, keyed by
//! `(seed, trial, unit, phase)`.
//!
//! Trial-level inputs: each slot (one column of trials.csv) has its own stream, unit
//! [`TRIAL_UNIT`] and phase the FNV-1a 64 hash of its field path ([`slot_stream`],
//! [`crate::model::Scenario::slot_keys`]), so fixing, adding or changing one input moves no
//! other input's draw. Users: unit = the user's index, phase = the [`Purpose`] of the draws
//! ([`UserStreams`]; commitment amounts are keyed further by the plan name's hash), so a
//! distribution's number of draws never moves another purpose's numbers. A stream never
//! depends on the thread that runs it or on any other unit, so results do not depend on
//! scheduling, and every point of a sweep sees the same draws.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::model::purpose::{Purpose, Streams};

/// Name of the generator, for run.json.
pub const RNG_NAME: &str = "Xoshiro256PlusPlus (rand_xoshiro 0.8), one stream per (seed, trial, unit, purpose) via SplitMix64; a trial-level input's purpose is the FNV-1a 64 hash of its path";

/// Unit id of the trial-level streams.
pub const TRIAL_UNIT: u64 = u64::MAX;

/// The generator for one work unit.
pub fn stream(seed: u64, trial: u64, unit: u64, phase: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(splitmix(unit_key(seed, trial, unit) ^ phase))
}

/// The key of a unit, before its phase.
#[inline]
fn unit_key(seed: u64, trial: u64, unit: u64) -> u64 {
    let mut h = splitmix(seed ^ 0x005E_ED0F_914A_5157);
    h = splitmix(h ^ trial);
    splitmix(h ^ unit)
}

/// The stream of the trial-level input whose key is `key` (its path's hash,
/// [`crate::model::Scenario::slot_keys`]) in trial `trial`.
pub fn slot_stream(seed: u64, trial: u64, key: u64) -> Xoshiro256PlusPlus {
    stream(seed, trial, TRIAL_UNIT, key)
}

/// The streams of one user: the unit's key is derived once, each purpose's stream with one
/// more mix (`rng(p)` is `stream(seed, trial, user, p as u64)`).
#[derive(Clone, Copy, Debug)]
pub struct UserStreams(u64);

impl UserStreams {
    /// The streams of unit `unit` (a user's index) of trial `trial`.
    #[inline]
    pub fn new(seed: u64, trial: u64, unit: u64) -> Self {
        UserStreams(unit_key(seed, trial, unit))
    }
}

impl Streams for UserStreams {
    type Rng = Xoshiro256PlusPlus;

    #[inline]
    fn rng(&self, purpose: Purpose) -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(splitmix(self.0 ^ purpose as u64))
    }

    #[inline]
    fn keyed(&self, purpose: Purpose, key: u64) -> Xoshiro256PlusPlus {
        Xoshiro256PlusPlus::seed_from_u64(splitmix(splitmix(self.0 ^ purpose as u64) ^ key))
    }
}

#[inline]
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn a_purpose_stream_is_the_unit_stream_of_its_phase() {
        let s = UserStreams::new(7, 3, 11);
        let a: u64 = s.rng(Purpose::Churn).random();
        let b: u64 = stream(7, 3, 11, Purpose::Churn as u64).random();
        assert_eq!(a, b);
        let c: u64 = s.keyed(Purpose::Commitment, 5).random();
        assert_ne!(a, c);
    }
}
