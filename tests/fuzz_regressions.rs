//! The fuzz targets' kept inputs, run in CI (the fuzzers themselves are not): every file in
//! `tests/fuzz_regressions/parse_bytes/` is raw scenario bytes, every file in
//! `tests/fuzz_regressions/scenario/` is input to the scenario generator. Each once crashed
//! plansim or broke a promise checked by [`fuzz_support::exercise`]; a file's name says what
//! it found. A fixed sweep of generated scenarios is run as well, as a smoke test of the
//! harness itself.

mod fuzz_support;

use std::path::Path;

use fuzz_support::Outcome;

fn kept(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_regressions")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no kept inputs in {}", dir.display());
    files
}

/// Every kept raw input goes through the harness, UTF-8 or not: the `parse_bytes` target skips
/// bytes that are not UTF-8, so such a file is checked the way the binary reads it instead
/// (refused at the first bad byte, see [`fuzz_support::exercise_bytes`]), never skipped.
#[test]
fn kept_parse_bytes_inputs() {
    for (name, bytes) in kept("parse_bytes") {
        let outcome = fuzz_support::exercise_bytes(&bytes);
        eprintln!("parse_bytes/{name}: {outcome:?}");
    }
}

#[test]
fn kept_scenario_inputs() {
    for (name, bytes) in kept("scenario") {
        let outcome = fuzz_support::exercise(&fuzz_support::scenario(&bytes));
        eprintln!("scenario/{name}: {outcome:?}");
    }
}

/// Raw bytes that are not UTF-8 are exercised, not skipped: refused by the file reader at the
/// first bad byte, and valid UTF-8 still reaches the full harness.
#[test]
fn bytes_that_are_not_utf8_are_exercised_not_skipped() {
    let bad = b"name = \"x\"\nab\xc3(\xff\n";
    assert_eq!(fuzz_support::exercise_bytes(bad), Outcome::Refused);
    let good = fuzz_support::scenario(&[]);
    assert_eq!(
        fuzz_support::exercise_bytes(good.as_bytes()),
        Outcome::Written,
        "{good}"
    );
}

/// Scenarios the sweep generates.
const SWEEP: usize = 3000;

/// Fewest of the [`SWEEP`] generated scenarios that must pass validation: 5% (275 of 3000,
/// about 9%, did when this bound was set).
const MIN_ACCEPTED: usize = SWEEP / 20;

/// 3000 generated scenarios from a fixed byte stream: the harness runs on each, and a fair
/// share of them, at least [`MIN_ACCEPTED`], pass validation (otherwise the generator would
/// only test error paths).
#[test]
fn generated_scenarios_sweep() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut counts = [0usize; 4];
    for _ in 0..SWEEP {
        let bytes: Vec<u8> = (0..200)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 56) as u8
            })
            .collect();
        let outcome = fuzz_support::exercise(&fuzz_support::scenario(&bytes));
        counts[outcome as usize] += 1;
    }
    let accepted = SWEEP - counts[Outcome::Refused as usize];
    eprintln!(
        "{accepted} of {SWEEP} generated scenarios accepted; outcomes (refused, engine failed, \
         overflowed, written): {counts:?}"
    );
    assert!(
        accepted >= MIN_ACCEPTED,
        "only {accepted} of {SWEEP} generated scenarios pass validation (at least \
         {MIN_ACCEPTED} expected): the generator mostly tests error paths; outcomes (refused, \
         engine failed, overflowed, written): {counts:?}"
    );
}
