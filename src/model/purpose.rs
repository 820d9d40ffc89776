//! What each random number is for: the purposes of a user's draws, each with its own stream,
//! and the stable hash that keys a trial-level input's stream by its field path.
//!
//! A user's draws are split by purpose ([`Purpose`]), one stream each, so the number of draws
//! one purpose takes (which depends on a distribution's kind and parameters: a fixed value
//! draws nothing, a gamma a variable number of u64s, a binomial as many as its sampler needs)
//! never moves another purpose's numbers. The engine keys the streams
//! ([`crate::engine::streams`]); the model only asks for them through [`Streams`], so data
//! still flows one way. A stream is created only when its purpose draws ([`sample`]).

use rand::Rng;

use crate::dist::Sampler;

/// The purpose of a user's draws. The numbers are part of the stream keys: they are stable
/// (never renumber one; a new purpose takes a new number).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Base demand D on a token segment (one draw of `output_tokens`).
    BaseDemand = 0,
    /// Tasks in a typical month N on a task segment (one draw of `tasks`).
    Tasks = 1,
    /// Output tokens per task k on a task segment (one draw of `output_per_task`).
    PerTask = 2,
    /// The top-up uniform (shared by every credit plan).
    TopUp = 3,
    /// The prompt ratio.
    Ratio = 4,
    /// The cache-read share.
    CacheRead = 5,
    /// The cache-write share.
    CacheWrite = 6,
    /// The standard normals of the monthly noise, one per month lived from arrival.
    Noise = 7,
    /// The churn uniforms, one per month lived from arrival.
    Churn = 8,
    /// The value of the product to the user (menu mode).
    Value = 9,
    /// The Gumbel draws of a logit choice, one per plan then one for `none` (menu mode).
    Gumbel = 10,
    /// The success rate p (task segments).
    SuccessRate = 11,
    /// The monthly successes, one binomial per month lived (task segments).
    Successes = 12,
    /// The team size of the account the user opens (team segments).
    TeamSize = 13,
    /// The seat-churn uniforms (team segments).
    SeatChurn = 14,
    /// A commitment amount, keyed further by the plan's name ([`Streams::keyed`]).
    Commitment = 15,
    /// The export user a trial user replays with `[population] bootstrap = true` (one uniform
    /// index, [`crate::model::replay`]).
    Replay = 16,
}

/// The streams of one user: one generator per purpose (and per key within a purpose).
pub trait Streams {
    /// The generator type.
    type Rng: Rng;
    /// The stream of `purpose`.
    fn rng(&self, purpose: Purpose) -> Self::Rng;
    /// The stream of `purpose` for `key` (a plan name's [`fnv1a`] for commitment amounts).
    fn keyed(&self, purpose: Purpose, key: u64) -> Self::Rng;
}

/// One draw of `s` for `purpose`: a fixed value creates no stream and draws nothing.
#[inline(always)]
pub fn sample<S: Streams>(s: &Sampler, streams: &S, purpose: Purpose) -> f64 {
    match s.fixed() {
        Some(v) => v,
        None => s.sample(&mut streams.rng(purpose)),
    }
}

/// FNV-1a (64-bit) of `bytes`: the stable key of a field path or a plan name.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // The published FNV-1a 64 test vectors.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
