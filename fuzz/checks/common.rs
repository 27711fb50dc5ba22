//! Checks shared by the targets.

#![allow(dead_code)] // each target uses some of these

use std::io::Read;

/// Every part of a workbook is well-formed as far as characters go: none
/// that XML 1.0 forbids, raw or as a character reference (Excel "repairs"
/// such a file and drops its validations).
pub fn assert_xml_chars(book: &[u8]) {
    let allowed =
        |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).expect("a workbook is a zip archive");
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("a readable part");
        let name = f.name().map(|n| n.to_string()).unwrap_or_default();
        if !(name.ends_with(".xml") || name.ends_with(".rels")) {
            continue;
        }
        let mut text = String::new();
        f.read_to_string(&mut text).expect("a part in UTF-8");
        if let Some(c) = text.chars().find(|c| !allowed(*c)) {
            panic!("{name}: U+{:04X}", c as u32);
        }
        for (at, _) in text.match_indices("&#") {
            let reference = &text[at + 2..at + text[at..].find(';').unwrap_or(2)];
            let code = match reference.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => reference.parse().ok(),
            };
            assert!(
                code.and_then(char::from_u32).is_some_and(allowed),
                "{name}: &#{reference};"
            );
        }
    }
}

/// Problems are located in `file` and one line each.
pub fn assert_located(d: &kaohe::base::diag::Diagnostics, file: &str) {
    assert!(!d.is_empty());
    for p in &d.0 {
        let s = p.to_string();
        assert!(s.starts_with(file) && !s.contains('\n') && !s.contains('\r'), "{s:?}");
    }
}

/// No Markdown link or image whose bracket is not escaped, and no raw
/// HTML tag, in Markdown output.
pub fn assert_inert_markdown(md: &str) {
    for (at, _) in md.match_indices("](") {
        assert!(md[..at].ends_with('\\'), "an active link at {at}: {md}");
    }
    assert!(!md.contains("<img") && !md.contains("<script"), "{md}");
}

/// `bytes` scored by the engine as the evidence file `e.csv` (in a folder
/// of this thread's own), read as the commands read it, with every unit in
/// full: the assessment, else the problems found. The engine words every
/// problem; giving up without one is a fault.
pub fn assess(
    fw: &kaohe::model::framework::Framework,
    units: Option<&kaohe::reading::units::Units>,
    bytes: &[u8],
    period: Option<&str>,
) -> Result<kaohe::engine::score::Assessment, kaohe::base::diag::Diagnostics> {
    let dir = std::env::temp_dir().join(format!(
        "kaohe-fuzz-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    std::fs::create_dir_all(&dir).expect("a folder of its own");
    let path = [dir.join("e.csv")];
    std::fs::write(&path[0], bytes).expect("the evidence written");
    let opts = kaohe::reading::input::ReadOptions::default();
    let (scored, told) = kaohe::engine::bulk::read_and_run(&path, &[], &opts, |files| {
        kaohe::engine::bulk::assess_full(fw, units, files, period.map(String::from))
    });
    match scored {
        Some(a) => Ok(a),
        None if !told.problems.is_empty() => Err(kaohe::base::diag::Diagnostics(told.problems)),
        None => panic!("given up without a word"),
    }
}
