//! The fuzz targets' kept inputs, run in CI (the fuzzers themselves are not): every file in
//! `tests/fuzz_regressions/parse_bytes/` is raw scenario bytes, every file in
//! `tests/fuzz_regressions/scenario/` is input to the scenario generator. Each once crashed
//! plansim or broke a promise checked by [`fuzz_support::exercise`]; a file's name says what
//! it found. A fixed sweep of generated scenarios is run as well, as a smoke test of the
//! harness itself.

mod fuzz_support;

use std::path::Path;

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
    files
}

#[test]
fn kept_parse_bytes_inputs() {
    for (name, bytes) in kept("parse_bytes") {
        eprintln!("parse_bytes/{name}");
        if let Ok(text) = std::str::from_utf8(&bytes) {
            fuzz_support::exercise(text);
        }
    }
}

#[test]
fn kept_scenario_inputs() {
    for (name, bytes) in kept("scenario") {
        eprintln!("scenario/{name}");
        fuzz_support::exercise(&fuzz_support::scenario(&bytes));
    }
}

/// 3000 generated scenarios from a fixed byte stream: the harness runs, and a fair share of
/// them pass validation (otherwise the generator would only test error paths).
#[test]
fn generated_scenarios_sweep() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut accepted = 0;
    for _ in 0..3000 {
        let bytes: Vec<u8> = (0..200)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 56) as u8
            })
            .collect();
        let text = fuzz_support::scenario(&bytes);
        if plansim::config::parse(&text, fuzz_support::FILE).is_ok() {
            accepted += 1;
        }
        fuzz_support::exercise(&text);
    }
    eprintln!("{accepted} of 3000 generated scenarios accepted");
    assert!(
        accepted > 0,
        "the generator never produces a valid scenario"
    );
}
