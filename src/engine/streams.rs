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
/// Unit id of the score permutations of correlated inputs: the stream of input j in block b
/// is `stream(seed, b, CORRELATION_UNIT, key_j)` ([`super::draws`]).
pub const CORRELATION_UNIT: u64 = u64::MAX - 1;

/// The generator for one work unit.
pub fn stream(seed: u64, trial: u64, unit: u64, phase: u64) -> Xoshiro256PlusPlus {
    seeded(splitmix(unit_key(seed, trial, unit) ^ phase))
}

/// `Xoshiro256PlusPlus::seed_from_u64(x)`, the same generator: its four state words are the
/// first four outputs of SplitMix64 seeded with `x` (rand_xoshiro fills the 32-byte seed with
/// them, little-endian, and `from_seed` reads them back and replaces an all-zero seed). Built
/// here word by word, without the byte-wise fill a generic `from_rng` makes; a test checks it
/// against the crate's.
#[inline(always)]
fn seeded(x: u64) -> Xoshiro256PlusPlus {
    const PHI: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut bytes = [0u8; 32];
    for (i, chunk) in bytes.chunks_exact_mut(8).enumerate() {
        let mut z = x.wrapping_add(PHI.wrapping_mul(i as u64 + 1));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    Xoshiro256PlusPlus::from_seed(bytes)
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
        seeded(splitmix(self.0 ^ purpose as u64))
    }

    #[inline]
    fn keyed(&self, purpose: Purpose, key: u64) -> Xoshiro256PlusPlus {
        seeded(splitmix(splitmix(self.0 ^ purpose as u64) ^ key))
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

    #[test]
    fn seeding_is_the_crates_seed_from_u64() {
        let mut rng = stream(1, 2, 3, 4);
        let edge = [
            0,
            1,
            u64::MAX,
            0x9E37_79B9_7F4A_7C15,
            0x9E37_79B9_7F4A_7C15_u64.wrapping_neg(),
        ];
        let random = (0..10_000).map(|_| rng.random::<u64>());
        for x in edge.into_iter().chain(random) {
            let mut ours = seeded(x);
            let mut theirs = Xoshiro256PlusPlus::seed_from_u64(x);
            for _ in 0..4 {
                assert_eq!(ours.random::<u64>(), theirs.random::<u64>(), "x = {x}");
            }
        }
    }
}
