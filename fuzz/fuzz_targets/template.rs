//! The collection template: any framework that loads gives the same
//! workbook every time, well-formed whatever its texts hold (U+000B, ESC,
//! U+FFFE…), that reads back as evidence or is refused with a located
//! problem. The first byte picks the layout, the language and whether
//! units are listed.
#![no_main]

#[path = "common.rs"]
mod common;

use kaohe::framework::Framework;
use kaohe::lang::Lang;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let Ok(fw) = Framework::from_bytes(bytes, "f.toml") else {
        return;
    };
    let units: kaohe::template::UnitList = if mode & 1 == 1 {
        vec![
            ("T01".into(), "城关镇".into()),
            ("D02".into(), "=cmd|' /C calc'!A0\u{b}\u{1b}".into()),
        ]
    } else {
        Vec::new()
    };
    let wide = mode & 2 == 2;
    let lang = if mode & 4 == 4 { Lang::En } else { Lang::Zh };
    let period = (mode & 8 == 8).then_some("2023");
    let Ok(book) = kaohe::render::template::xlsx(&fw, &units, period, wide, None, lang) else {
        return;
    };
    let again = kaohe::render::template::xlsx(&fw, &units, period, wide, None, lang).expect("deterministic");
    assert!(book == again, "deterministic");
    common::assert_xml_chars(&book);
    if let Err(d) = kaohe::workbook::read_bytes("t.xlsx", &book, None) {
        assert!(d.to_string().starts_with("t.xlsx"), "{d}");
    }
});
