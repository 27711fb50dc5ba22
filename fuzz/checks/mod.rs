//! What each fuzz target checks, one module per target: `check` takes any
//! bytes and panics when an invariant does not hold. Compiled into the
//! libFuzzer binaries (`fuzz/fuzz_targets/`, coverage-guided, nightly
//! flags) and into the deterministic mutation driver CI runs on stable
//! (`tests/it/fuzzing.rs`), by `#[path]`, not as a crate of its own.

pub mod common;
pub mod evidence;
pub mod framework;
pub mod result;
pub mod score;
pub mod template;
pub mod workbook;
