//! The collection template: any framework that loads gives the same
//! workbook every time, well-formed whatever its texts hold (U+000B, ESC,
//! U+FFFE…), that reads back as evidence or is refused with a located
//! problem. The first byte picks the layout, the language, whether units
//! are listed and whether it is a rater's sheet.

use super::common;

use kaohe::base::lang::Lang;
use kaohe::model::framework::Framework;

pub fn check(data: &[u8]) {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let Ok(fw) = Framework::from_bytes(bytes, "f.toml") else {
        return;
    };
    let units: kaohe::engine::template::UnitList = if mode & 1 == 1 {
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
    // A rater's sheet (of a framework with rater items, not wide).
    let rater = (mode & 16 == 16 && !wide && !kaohe::engine::template::rater_slots(&fw).is_empty()).then_some("张三");
    let Ok(book) = kaohe::render::template::xlsx(&fw, &units, period, wide, rater, lang) else {
        return;
    };
    let again = kaohe::render::template::xlsx(&fw, &units, period, wide, rater, lang).expect("deterministic");
    assert!(book == again, "deterministic");
    common::assert_xml_chars(&book);
    if let Err(d) = kaohe::reading::workbook::read_bytes("t.xlsx", &book, None) {
        assert!(d.to_string().starts_with("t.xlsx"), "{d}");
    }
}
