//! End to end: fuzzed evidence rows scored against fixed frameworks (the
//! built-in one, or a small one with every rule type), rendered in every
//! format, with the scoring invariants checked on every unit.
//!
//! The first byte picks the framework, the evidence shape (a ready-made long
//! or wide header is prepended so the fuzzer spends its time on the rows)
//! and whether a units file is given.

use super::common;

use kaohe::base::lang::Lang;
use kaohe::engine::score::Outcome;
use kaohe::model::framework::{Framework, Kind};
use kaohe::reading::input::read_csv_bytes;
use kaohe::reading::units::Units;
use kaohe::render::Format;
use rust_decimal::Decimal;
use std::sync::OnceLock;

const MINI: &str = include_str!("../../tests/fixtures/every-rule.toml");

fn frameworks() -> &'static [Framework; 2] {
    static FW: OnceLock<[Framework; 2]> = OnceLock::new();
    FW.get_or_init(|| {
        [
            Framework::embedded().expect("built-in framework"),
            Framework::parse(MINI, "mini.toml").expect("mini framework"),
        ]
    })
}

fn units() -> &'static Units {
    static U: OnceLock<Units> = OnceLock::new();
    U.get_or_init(|| {
        let text =
            "unit,name,category\nT01,城关镇,乡镇\nT02,河西街道,乡镇\nD01,教育局,部门\nD02,=cmd|' /C calc'!A0,部门\n";
        Units::from_sheet(read_csv_bytes("u.csv", text.as_bytes()).unwrap()).unwrap()
    })
}

fn wide_header(fw: &Framework) -> String {
    let mut h = String::from("unit,name");
    for i in &fw.indicators {
        for s in 0..i.slots() {
            h.push(',');
            h.push_str(&i.slot_key(s));
        }
    }
    h.push('\n');
    h
}

pub fn check(data: &[u8]) {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let fw = &frameworks()[usize::from(mode & 1)];
    let header = if mode & 2 == 0 {
        "unit,indicator,value,note,source\n".to_string()
    } else {
        wide_header(fw)
    };
    let bytes = [header.as_bytes(), body].concat();
    let u = (mode & 4 == 4).then(units);
    let Ok(a) = common::assess(fw, u, &bytes, Some("2023Q4")) else {
        return;
    };
    let cap = fw.bonus_cap.unwrap_or(Decimal::MAX);
    for (i, unit) in a.units.iter().enumerate() {
        let t = &unit.totals;
        assert!(t.score >= Decimal::ZERO);
        let bonus_max: Decimal = fw
            .indicators
            .iter()
            .filter(|x| x.kind == Kind::Bonus)
            .map(|x| x.points)
            .sum();
        assert!(t.score <= fw.total + cap.min(bonus_max), "{t:?}");
        for r in &unit.indicators {
            let ind = &fw.indicators[r.index];
            if let Outcome::Amount(x) = r.outcome {
                assert!(x >= Decimal::ZERO && x <= ind.points, "{} {x}", ind.id);
            }
        }
        // Ranks: non-decreasing, 1-based, shared only by equal scores.
        assert!(unit.rank >= 1 && unit.rank <= i + 1);
        if i > 0 {
            let p = &a.units[i - 1];
            assert!(p.rank <= unit.rank);
            assert!(p.totals.veto.is_empty() || !t.veto.is_empty(), "vetoed units come last");
        }
    }
    // The same evidence scores the same, byte for byte.
    let json = kaohe::render::report::ranking(fw, &a, Lang::En, Format::Json);
    let again = common::assess(fw, u, &bytes, Some("2023Q4")).expect("scored once, refused once");
    assert_eq!(json, kaohe::render::report::ranking(fw, &again, Lang::En, Format::Json));
    // What kaohe writes it reads back: the result adds up.
    if let Err(d) = kaohe::reading::result::PeriodResult::parse(&json, "r.json") {
        panic!("a written result is refused: {d}");
    }
    for lang in [Lang::Zh, Lang::En] {
        for format in [Format::Table, Format::Csv, Format::Json, Format::Md] {
            let out = kaohe::render::report::ranking(fw, &a, lang, format);
            if format == Format::Md {
                common::assert_inert_markdown(&out);
            }
            if let Some(first) = a.units.first() {
                let out = kaohe::render::report::explain(fw, &a, first, lang, format);
                if format == Format::Md {
                    common::assert_inert_markdown(&out);
                }
            }
        }
        if let Ok(book) = kaohe::render::xlsx::score(fw, &a, lang) {
            common::assert_xml_chars(&book);
        }
    }
}
