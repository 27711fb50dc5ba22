//! The `framework` target: see `fuzz/checks/framework.rs`.
#![no_main]

#[allow(dead_code)] // each binary runs one target's check
#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::framework::check(data));
