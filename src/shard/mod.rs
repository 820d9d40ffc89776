//! Shards: a run's trials split into N contiguous blocks, each run on its own (`plansim run
//! CONFIG --shard K/N`, maybe on another machine) into a shard folder, and merged exactly
//! (`plansim merge`) into the outputs a single run writes.
//!
//! Shard K of N runs trials `[floor((K-1)T/N), floor(KT/N))` of T ([`Split::range`]). Its
//! folder holds `inputs.json` (what the merge needs to rebuild the scenario: the config text
//! as read, its name and folder, the overrides and sweeps in order, the seed, the flags that
//! shape the outputs, the data files read with their SHA-256), one `results/NNN.json` per
//! point (the point's [`crate::results::RunResults`] over the shard's trials, each trial
//! keeping its own group sums, so [`crate::results::merge`] adds the same numbers in the same
//! order as a single run), and `shard.json` last: the format version, K, N, the trial range,
//! the fingerprint and its parts ([`fingerprint`]), and every other file's length and
//! SHA-256, the whole checksummed ([`files`]). Floats are written by serde_json's shortest
//! round-trip form and read back with its exact (`float_roundtrip`) parser, and a shard
//! checks that its results read back equal before it is written.

pub mod files;
pub mod fingerprint;

use serde::{Deserialize, Serialize};

pub use files::{Shard, read_manifest, read_shard, shard_files};
pub use fingerprint::Parts;

/// The shard format this plansim writes and reads.
pub const FORMAT: u32 = 1;
/// The manifest's file name in a shard folder.
pub const MANIFEST: &str = "shard.json";
/// The inputs' file name in a shard folder.
pub const INPUTS: &str = "inputs.json";

/// The results file of point `point` (1-based) in a shard folder.
pub fn results_file(point: usize) -> String {
    format!("results/{point:03}.json")
}

/// `--shard K/N`: shard K (1-based) of N.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    /// Which shard, 1..=N.
    pub k: u64,
    /// How many.
    pub n: u64,
}

impl Split {
    /// Parses `K/N`.
    ///
    /// # Errors
    /// A message for a malformed `K/N`, N = 0, or K outside 1..=N.
    pub fn parse(s: &str) -> Result<Split, String> {
        let bad = || format!("--shard {s}: expected K/N with 1 <= K <= N, e.g. --shard 2/8");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let num = |t: &str| {
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            t.parse::<u64>().ok()
        };
        let (Some(k), Some(n)) = (num(k.trim()), num(n.trim())) else {
            return Err(bad());
        };
        if n == 0 || k == 0 || k > n {
            return Err(bad());
        }
        Ok(Split { k, n })
    }

    /// The trials of this shard out of `trials`: `[floor((K-1)T/N), floor(KT/N))`; the
    /// ranges of K = 1..=N are contiguous and cover `0..trials` (some empty when N > T).
    pub fn range(&self, trials: u64) -> std::ops::Range<u64> {
        let at = |k: u64| (u128::from(k) * u128::from(trials) / u128::from(self.n)) as u64;
        at(self.k - 1)..at(self.k)
    }
}

/// One file of a shard, as the manifest lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSum {
    /// Path inside the shard folder.
    pub path: String,
    /// Length, bytes.
    pub bytes: u64,
    /// Lowercase hex SHA-256 of its bytes.
    pub sha256: String,
}

/// `shard.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The shard format ([`FORMAT`]).
    pub format: u32,
    /// The plansim that wrote it.
    pub plansim_version: String,
    /// Which shard.
    pub k: u64,
    /// Of how many.
    pub n: u64,
    /// Trials of the whole run.
    pub trials: u64,
    /// The shard's first trial (0-based).
    pub first_trial: u64,
    /// One past its last trial.
    pub end_trial: u64,
    /// Points (1 without a sweep).
    pub points: usize,
    /// The seed of the run.
    pub seed: u64,
    /// The target it ran on.
    pub target: String,
    /// When it started, seconds since 1970 (UTC).
    pub started_at: u64,
    /// How long its simulation took, seconds.
    pub wall_seconds: f64,
    /// Worker threads.
    pub threads: usize,
    /// SHA-256 over the parts: equal for shards that merge.
    pub fingerprint: String,
    /// The fingerprint's parts.
    pub parts: Parts,
    /// Every other file of the shard.
    pub files: Vec<FileSum>,
    /// SHA-256 of this manifest written with `checksum` empty.
    pub checksum: String,
}

/// A data file the scenario reads, as recorded in `inputs.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataFile {
    /// The path as opened (relative to the folder plansim ran in, or absolute).
    pub path: String,
    /// Length, bytes.
    pub bytes: u64,
    /// Lowercase hex SHA-256 of its bytes.
    pub sha256: String,
}

/// One `--set` (or size flag) as recorded in `inputs.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetRecord {
    /// The field path's keys.
    pub path: Vec<String>,
    /// The value, TOML text.
    pub value: String,
    /// How messages name it.
    pub origin: String,
}

/// One `--sweep` as recorded in `inputs.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepRecord {
    /// The field path.
    pub path: String,
    /// The values as typed.
    pub values: String,
}

/// `inputs.json`: what the merge needs to rebuild the scenario and write its outputs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inputs {
    /// The config as named on the command line (`<stdin>` for `-`).
    pub config: String,
    /// The folder plansim ran in (relative paths are relative to it).
    pub cwd: String,
    /// The config text as read.
    pub text: String,
    /// `--set`, then the size flags, in order.
    pub overrides: Vec<SetRecord>,
    /// `--sweep`, in order.
    pub sweeps: Vec<SweepRecord>,
    /// `--seed`, if given.
    pub seed: Option<u64>,
    /// `--baseline`.
    pub baseline: Option<String>,
    /// `--baseline-point`.
    pub baseline_point: Option<usize>,
    /// `--rank-by`.
    pub rank_by: Option<String>,
    /// The data files read, in order.
    pub data_files: Vec<DataFile>,
}

#[cfg(test)]
mod tests {
    use super::Split;

    #[test]
    fn splits_are_contiguous_and_cover_every_trial() {
        for trials in [0, 1, 2, 5, 7, 100, 1001] {
            for n in 1..=9 {
                let mut next = 0;
                for k in 1..=n {
                    let r = Split { k, n }.range(trials);
                    assert_eq!(r.start, next);
                    assert!(r.end - r.start <= trials.div_ceil(n));
                    next = r.end;
                }
                assert_eq!(next, trials);
            }
        }
        assert_eq!(Split { k: 3, n: 7 }.range(1000), 285..428);
        assert_eq!(Split::parse("2/8"), Ok(Split { k: 2, n: 8 }));
        for bad in ["0/3", "4/3", "1/0", "1", "a/b", "-1/3", "1/3/4", "+1/3", ""] {
            assert!(Split::parse(bad).is_err(), "{bad}");
        }
    }
}
