//! Well-formed-but-wrong scenarios built from the fuzz bytes: parse, validate and, when
//! accepted, a tiny run.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/fuzz_support/mod.rs"]
mod fuzz_support;

fuzz_target!(|data: &[u8]| {
    fuzz_support::exercise(&fuzz_support::scenario(data));
});
