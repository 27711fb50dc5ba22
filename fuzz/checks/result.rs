//! Saved results (`diff`, `trend`): any bytes as a result JSON must read or
//! be refused with located one-line problems, the same way every time; a
//! result that reads holds together (scores not negative, ranks 1..=n) and
//! compares with itself and renders in every format.

use super::common;

use kaohe::base::lang::Lang;
use kaohe::reading::result::PeriodResult;
use kaohe::render::Format;
use rust_decimal::Decimal;

pub fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let first = PeriodResult::parse(text, "r.json");
    let again = PeriodResult::parse(text, "r.json");
    let r = match (first, again) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "deterministic");
            a
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "deterministic");
            return common::assert_located(&a, "r.json");
        }
        _ => panic!("read once, refused once"),
    };
    let n = r.units.len();
    for u in &r.units {
        assert!(u.score >= Decimal::ZERO && u.base >= Decimal::ZERO, "{}", u.unit);
        assert!(u.rank >= 1 && u.rank <= n, "{}: rank {}", u.unit, u.rank);
    }
    let c = kaohe::engine::compare::compare(&r, &r);
    for lang in [Lang::Zh, Lang::En] {
        for format in [Format::Table, Format::Csv, Format::Json, Format::Md] {
            let out = kaohe::render::compare::diff(&c, lang, format);
            if format == Format::Md {
                common::assert_inert_markdown(&out);
            }
        }
        if let Ok(book) = kaohe::render::xlsx::diff(&c, lang) {
            common::assert_xml_chars(&book);
        }
    }
}
