//! The `workbook` target: see `fuzz/checks/workbook.rs`.
#![no_main]

#[allow(dead_code)] // each binary runs one target's check
#[path = "../checks/mod.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::workbook::check(data));
