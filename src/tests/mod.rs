//! Crate-level tests that need internals: hand-computed bills of every plan kind and the
//! property tests (random scenarios through the engine, the billing rules and the exporters).

mod plans;
mod properties;
