//! The `result` target: see `fuzz/checks/result.rs`.
#![no_main]

#[allow(dead_code)] // each binary runs one target's check
#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::result::check(data));
