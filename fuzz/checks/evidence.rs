//! Evidence files: any bytes, in any encoding, must score against the
//! built-in framework, or be refused with located one-line problems.
//! The first byte picks whether a units file is given, so the unknown-unit
//! path is reached too.

use kaohe::model::framework::Framework;
use kaohe::reading::input::read_csv_bytes;
use kaohe::reading::units::Units;
use std::sync::OnceLock;

fn framework() -> &'static Framework {
    static FW: OnceLock<Framework> = OnceLock::new();
    FW.get_or_init(|| Framework::embedded().expect("built-in framework"))
}

fn units() -> &'static Units {
    static U: OnceLock<Units> = OnceLock::new();
    U.get_or_init(|| {
        let text = "unit,name,category\nT01,城关镇,乡镇\nT02,河西街道,乡镇\nD01,教育局,部门\n";
        Units::from_sheet(read_csv_bytes("u.csv", text.as_bytes()).unwrap()).unwrap()
    })
}

pub fn check(data: &[u8]) {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let sheet = match read_csv_bytes("e.csv", bytes) {
        Ok(s) => s,
        Err(d) => {
            let s = d.to_string();
            assert!(s.starts_with("e.csv") && !s.contains('\n'), "{s:?}");
            return;
        }
    };
    for row in &sheet.rows {
        assert!(row.line >= 1);
    }
    let u = (mode & 1 == 1).then(units);
    match super::common::assess(framework(), u, bytes, None) {
        Ok(a) => assert!(a.units.iter().all(|r| r.rank >= 1)),
        Err(d) => {
            assert!(!d.is_empty());
            for p in &d.0 {
                let s = p.to_string();
                assert!(s.contains("e.csv") && !s.contains('\n'), "{s:?}");
            }
        }
    }
}
