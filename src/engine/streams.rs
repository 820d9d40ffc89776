//! Random streams: one generator per work unit, keyed by `(seed, trial, unit, phase)`.
//!
//! The unit is a user, or [`TRIAL_UNIT`] for the trial-level draws; phase 0 of a user draws its
//! base demand (on a task segment its tasks and output tokens per task), phase 1 the rest of
//! its life, phase 2 its taste (menu mode), phase 3 its success rate and successes (task
//! segments), phase 4 the team size of the account it opens and phase 5 its seat-churn
//! uniforms (team segments, `engine/teams.rs`), and phase 6 its commitment amounts (plans with
//! a `commitment`). A stream never depends on the thread that runs
//! it or on any other unit, so results do not depend on scheduling.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Name of the generator, for run.json.
pub const RNG_NAME: &str = "Xoshiro256PlusPlus (rand_xoshiro 0.8), one stream per (seed, trial, user, phase) via SplitMix64";

/// Unit id of the trial-level stream.
pub const TRIAL_UNIT: u64 = u64::MAX;

/// The generator for one work unit.
pub fn stream(seed: u64, trial: u64, unit: u64, phase: u64) -> Xoshiro256PlusPlus {
    let mut h = splitmix(seed ^ 0x005E_ED0F_914A_5157);
    h = splitmix(h ^ trial);
    h = splitmix(h ^ unit);
    h = splitmix(h ^ phase);
    Xoshiro256PlusPlus::seed_from_u64(h)
}

#[inline]
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
