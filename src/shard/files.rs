//! Writing and reading a shard folder's files: the results and inputs serialised, the
//! manifest (`shard.json`) listing each file's length and SHA-256 and checksummed itself, and
//! the checks on reading: format version first, then the manifest's checksum, then each file's
//! length and SHA-256, before anything is parsed. Messages say which file failed; the caller
//! names the shard folder.

use std::path::Path;

use super::fingerprint::sha256;
use super::{FORMAT, FileSum, INPUTS, Inputs, MANIFEST, Manifest, results_file};
use crate::results::RunResults;

/// Largest shard.json read, bytes.
const MAX_MANIFEST: u64 = 1 << 24;

/// A shard read and verified.
#[derive(Debug)]
pub struct Shard {
    /// Its manifest.
    pub manifest: Manifest,
    /// Its inputs.
    pub inputs: Inputs,
    /// Each point's results over the shard's trials.
    pub results: Vec<RunResults>,
}

/// The files of a shard, in writing order (shard.json last): `manifest` completed with the
/// files' lengths and SHA-256 and its checksum.
///
/// # Errors
/// Results that do not read back equal (a value JSON cannot hold, such as a non-finite one).
pub fn shard_files(
    mut manifest: Manifest,
    inputs: &Inputs,
    results: &[RunResults],
) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut files = Vec::with_capacity(results.len() + 2);
    let mut text = serde_json::to_vec_pretty(inputs).map_err(|e| e.to_string())?;
    text.push(b'\n');
    files.push((INPUTS.to_string(), text));
    for (i, r) in results.iter().enumerate() {
        let bytes = serde_json::to_vec(r).map_err(|e| e.to_string())?;
        let back: RunResults = serde_json::from_slice(&bytes)
            .map_err(|e| format!("point {}: results do not read back: {e}", i + 1))?;
        if back != *r || !same_bits(&back, r) {
            return Err(format!(
                "point {}: results do not read back bit for bit (a value JSON cannot hold)",
                i + 1
            ));
        }
        files.push((results_file(i + 1), bytes));
    }
    manifest.files = files
        .iter()
        .map(|(path, bytes)| FileSum {
            path: path.clone(),
            bytes: bytes.len() as u64,
            sha256: sha256(bytes),
        })
        .collect();
    manifest.checksum = String::new();
    manifest.checksum = sha256(&render(&manifest)?);
    files.push((MANIFEST.to_string(), render(&manifest)?));
    Ok(files)
}

/// Whether the two serialise to the same bytes (PartialEq takes -0.0 for 0.0).
fn same_bits(a: &RunResults, b: &RunResults) -> bool {
    serde_json::to_vec(a).ok() == serde_json::to_vec(b).ok()
}

fn render(m: &Manifest) -> Result<Vec<u8>, String> {
    let mut out = serde_json::to_vec_pretty(m).map_err(|e| e.to_string())?;
    out.push(b'\n');
    Ok(out)
}

/// Reads and checks `dir`'s shard.json: its format version, then its checksum.
///
/// # Errors
/// A message: no readable shard.json, an unknown format version, a checksum mismatch.
pub fn read_manifest(dir: &Path) -> Result<Manifest, String> {
    let path = dir.join(MANIFEST);
    let bytes = read_limited(&path, MAX_MANIFEST)
        .map_err(|e| format!("no readable {MANIFEST} (is this a shard folder?): {e}"))?;
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{MANIFEST} is corrupted (not JSON: {e})"))?;
    match value.get("format").and_then(serde_json::Value::as_u64) {
        Some(f) if f == u64::from(FORMAT) => {}
        Some(f) => {
            return Err(format!(
                "unknown shard format version {f} (this plansim {} reads version {FORMAT}); \
                 merge with the plansim that wrote it",
                env!("CARGO_PKG_VERSION")
            ));
        }
        None => return Err(format!("{MANIFEST} is corrupted (no format version)")),
    }
    let mut m: Manifest =
        serde_json::from_value(value).map_err(|e| format!("{MANIFEST} is corrupted ({e})"))?;
    let said = std::mem::take(&mut m.checksum);
    if sha256(&render(&m)?) != said {
        return Err(format!("{MANIFEST} is corrupted (checksum mismatch)"));
    }
    m.checksum = said;
    Ok(m)
}

/// Reads the rest of the shard at `dir` whose manifest is `m`: each file checked against its
/// length and SHA-256, then parsed.
///
/// # Errors
/// A message naming the file: missing, unreadable, of another length or checksum, or not
/// what it should hold.
pub fn read_shard(dir: &Path, m: Manifest) -> Result<Shard, String> {
    let file = |name: &str| -> Result<Vec<u8>, String> {
        let sum = m
            .files
            .iter()
            .find(|f| f.path == name)
            .ok_or_else(|| format!("{MANIFEST} does not list {name}"))?;
        let bytes = read_limited(&dir.join(name), sum.bytes.saturating_add(1))
            .map_err(|e| format!("{name}: cannot read it: {e}"))?;
        if bytes.len() as u64 != sum.bytes || sha256(&bytes) != sum.sha256 {
            return Err(format!(
                "{name} is corrupted: checksum mismatch ({} bytes, {} expected)",
                bytes.len(),
                sum.bytes
            ));
        }
        Ok(bytes)
    };
    let inputs: Inputs = serde_json::from_slice(&file(INPUTS)?)
        .map_err(|e| format!("{INPUTS} is corrupted ({e})"))?;
    let mut results = Vec::with_capacity(m.points);
    for i in 1..=m.points {
        let name = results_file(i);
        let r: RunResults = serde_json::from_slice(&file(&name)?)
            .map_err(|e| format!("{name} is corrupted ({e})"))?;
        results.push(r);
    }
    Ok(Shard {
        manifest: m,
        inputs,
        results,
    })
}

/// The bytes of the regular file at `path`, at most `limit` of them.
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let f = std::fs::File::open(path)?;
    if !f.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut out = Vec::new();
    f.take(limit).read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::results::{PlanTrial, Provenance, RunResults, Totals, TrialGroups, TrialResult};

    #[test]
    fn awkward_floats_round_trip_bit_for_bit() {
        let awkward = [
            f64::MIN_POSITIVE / 3.0,
            5e-324,
            0.1 + 0.2,
            -0.0,
            1e308,
            f64::MAX,
            -1.234_567_890_123_456_7e-300,
            1.0 / 3.0,
            2f64.powi(60) + 1.0,
        ];
        let mut r = RunResults::new(Provenance::default(), 1, 0, 1);
        let trial = TrialResult {
            trial: 0,
            draws: awkward.to_vec(),
            plans: vec![PlanTrial {
                totals: Totals {
                    profit: awkward[2],
                    ..Totals::default()
                },
                month_profit: awkward.to_vec(),
                npv: awkward[3],
                segments: vec![],
            }],
            groups: None,
        };
        r.push(trial, TrialGroups::default(), true);
        let bytes = serde_json::to_vec(&r).unwrap();
        let back: RunResults = serde_json::from_slice(&bytes).unwrap();
        let bits = |r: &RunResults| -> Vec<u64> {
            r.trials[0].draws.iter().map(|x| x.to_bits()).collect()
        };
        assert_eq!(bits(&back), bits(&r));
        assert_eq!(back.trials[0].plans[0].npv.to_bits(), (-0.0f64).to_bits());
        assert_eq!(
            back.trials[0].plans[0].month_profit[1].to_bits(),
            5e-324f64.to_bits()
        );
        assert!(super::same_bits(&back, &r));
    }
}
