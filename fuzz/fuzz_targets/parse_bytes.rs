//! Arbitrary bytes as a scenario file: parse, validate and, when accepted, a tiny run.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_support/mod.rs"]
mod fuzz_support;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        fuzz_support::exercise(text);
    }
});
