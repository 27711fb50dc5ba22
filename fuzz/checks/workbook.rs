//! Spreadsheet evidence: any bytes given as a workbook (XLSX, XLS, ODS —
//! calamine's readers, the project's own bounds on what a zipped workbook
//! inflates to, and its reading of XLS records and ODS percentage cells)
//! must load or be rejected with a located problem, the same way every
//! time, never panic, hang or exhaust memory (run it under -rss_limit_mb).

pub fn check(data: &[u8]) {
    let first = kaohe::reading::workbook::read_bytes("e.xlsx", data, None);
    let again = kaohe::reading::workbook::read_bytes("e.xlsx", data, None);
    match (first, again) {
        (Ok(a), Ok(b)) => {
            assert!(a.rows == b.rows, "deterministic");
            for row in &a.rows {
                assert!(row.line >= 1);
            }
            let _ = kaohe::reading::units::Units::from_sheet(a);
        }
        (Err(a), Err(b)) => {
            let s = a.to_string();
            assert_eq!(s, b.to_string(), "deterministic");
            assert!(s.starts_with("e.xlsx") && !s.contains('\n'), "{s:?}");
        }
        _ => panic!("read once, refused once"),
    }
}
