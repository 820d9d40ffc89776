//! A shard's fingerprint: SHA-256 over parts that must agree for shards to merge, each part
//! itself a SHA-256 kept in the manifest, so a merge of shards that disagree can say which
//! part differs (the seed, the plansim version, the platform maths, ...).
//!
//! The platform maths part hashes the target (architecture, OS, C library) and the bits of
//! `exp`, `ln`, `powf`, `sin`, `cos`, `tan`, `ln_1p` and `exp_m1` on fixed inputs, computed at
//! run time (the inputs go through [`std::hint::black_box`], so the compiler cannot fold them):
//! a machine whose libm rounds one of them differently has another fingerprint, since the same
//! seed may then draw other numbers there (docs/reproducibility.md, "Platform math").

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The parts of a fingerprint, each the lowercase hex SHA-256 of what it covers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parts {
    /// The plansim version.
    pub version: String,
    /// The shard format version.
    pub format: String,
    /// The target and the probe of its maths library ([`maths`]).
    pub maths: String,
    /// N, the number of shards.
    pub shards: String,
    /// The seed of the run.
    pub seed: String,
    /// The bytes of each data file the scenario reads, in the order read.
    pub data: String,
    /// The config text as read, its name, the overrides and sweeps in order, and the flags
    /// that shape the outputs (`--baseline`, `--baseline-point`, `--rank-by`).
    pub inputs: String,
    /// The resolved scenario of every point (as run.json writes it) and the swept values.
    pub scenario: String,
}

impl Parts {
    /// The parts in the order they are compared and hashed, each with how messages name it.
    pub fn named(&self) -> [(&'static str, &str); 8] {
        [
            ("plansim version", &self.version),
            ("shard format version", &self.format),
            (
                "platform maths (target or libm results differ)",
                &self.maths,
            ),
            ("shard count N", &self.shards),
            ("seed", &self.seed),
            ("data files read (their contents differ)", &self.data),
            (
                "inputs (config text, --set/--sweep/size flags, --baseline, --rank-by)",
                &self.inputs,
            ),
            ("resolved scenario", &self.scenario),
        ]
    }

    /// The fingerprint: SHA-256 over the parts, `name=hex` lines in [`Parts::named`] order.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        for (name, hex) in self.named() {
            h.update(format!("{name}={hex}\n").as_bytes());
        }
        hex(&h.finalize())
    }

    /// How the first part that differs between `self` and `other` is named, if one does.
    pub fn first_difference(&self, other: &Parts) -> Option<&'static str> {
        self.named()
            .into_iter()
            .zip(other.named())
            .find(|((_, a), (_, b))| a != b)
            .map(|((name, _), _)| name)
    }
}

/// The lowercase hex SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The target plansim runs on: architecture, OS and C library (`x86_64-linux-gnu`).
pub fn target() -> String {
    let env = if cfg!(target_env = "gnu") {
        "gnu"
    } else if cfg!(target_env = "musl") {
        "musl"
    } else if cfg!(target_env = "msvc") {
        "msvc"
    } else {
        "other"
    };
    format!("{}-{}-{env}", std::env::consts::ARCH, std::env::consts::OS)
}

/// The maths part's text: the target and the hex SHA-256 of the probe's result bits.
pub fn maths() -> String {
    let inputs = [
        1e-300, 1e-8, 0.1, 0.3, 0.5, 0.7, 0.999_999, 1.5, 2.75, 3.3, 7.25, 42.0, 123.456, 700.0,
    ];
    let mut h = Sha256::new();
    for x in inputs {
        let x: f64 = std::hint::black_box(x);
        let y: f64 = std::hint::black_box(1.0 / 3.0);
        let r = [
            x.exp(),
            (-x).exp(),
            x.ln(),
            x.powf(y),
            x.powf(2.5),
            (x / 2.0).powf(-1.7),
            x.sin(),
            x.cos(),
            x.tan(),
            x.ln_1p(),
            x.exp_m1(),
            (-x).exp_m1(),
        ];
        for v in r {
            h.update(v.to_bits().to_le_bytes());
        }
    }
    format!("{} {}", target(), hex(&h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_probe_is_stable_and_parts_name_their_first_difference() {
        assert_eq!(maths(), maths());
        assert!(maths().starts_with(&target()));
        let a = Parts {
            seed: sha256(b"1"),
            ..Parts::default()
        };
        let mut b = a.clone();
        assert_eq!(a.first_difference(&b), None);
        assert_eq!(a.fingerprint(), b.fingerprint());
        b.seed = sha256(b"2");
        b.scenario = sha256(b"x");
        assert_eq!(a.first_difference(&b), Some("seed"));
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
