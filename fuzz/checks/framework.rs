//! Framework files: any bytes must load or be rejected with located,
//! one-line problems; a framework that loads must render and score.

use super::common;
use kaohe::base::diag::Diagnostics;
use kaohe::base::lang::Lang;
use kaohe::model::framework::Framework;

fn one_line_each(d: &Diagnostics) {
    assert!(!d.is_empty());
    for p in &d.0 {
        let s = p.to_string();
        assert!(!s.contains('\n') && !s.contains('\r'), "{s:?}");
        assert!(s.starts_with("f.toml"), "{s:?}");
    }
}

pub fn check(data: &[u8]) {
    let fw = match Framework::from_bytes(data, "f.toml") {
        Ok(fw) => fw,
        Err(d) => return one_line_each(&d),
    };
    let _ = kaohe::render::report::framework_tree(&fw, Lang::Zh);
    let _ = kaohe::render::report::framework_tree(&fw, Lang::En);
    // A unit with nothing but an empty value scores (or fails under
    // missing = "error").
    let Some(first) = fw.indicators.first() else {
        return;
    };
    let row = format!("unit,indicator,value\nU1,{},\n", first.slot_key(0));
    match common::assess(&fw, None, row.as_bytes(), None) {
        Ok(a) => {
            let u = &a.units[0];
            assert!(u.totals.score >= rust_decimal::Decimal::ZERO);
            let _ = kaohe::render::json::result_text(&fw, &a);
        }
        Err(d) => assert!(!d.is_empty()),
    }
}
