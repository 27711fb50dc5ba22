//! Spreadsheet evidence: any bytes given as a workbook (XLSX, XLS, ODS —
//! calamine's readers, and the project's own reading of XLS records and ODS
//! percentage cells) must load or be rejected with a located problem,
//! never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(sheet) = kaohe::workbook::read_bytes("e.xlsx", data, None) {
        let _ = kaohe::units::Units::from_sheet(sheet);
    }
});
