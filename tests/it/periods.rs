//! Fixtures for comparing periods: a small town framework revised between
//! 2022 and 2023 (A1 re-pointed 4 → 3, A2 dropped, A3 added, B1 deducting
//! twice as hard), units that come and go, and a third year for trends.

use crate::util::Workdir;
use std::path::{Path, PathBuf};

pub const FRAMEWORK_2022: &str = r#"
[framework]
id = "town-2022"
title = "乡镇意识形态工作考核（2022年度）"
total = 10

[[grade]]
name = "好"
min = 9
[[grade]]
name = "一般"
min = 6
[[grade]]
name = "差"
min = 0

[[group]]
id = "A"
name = "理论学习"
[[group]]
id = "B"
name = "阵地管理"

[[indicator]]
id = "A1"
group = "A"
name = "中心组专题学习"
points = 4
rule = { type = "target", target = 4, per = 1 }

[[indicator]]
id = "A2"
group = "A"
name = "年度学习计划"
points = 2
rule = { type = "check" }

[[indicator]]
id = "B1"
group = "B"
name = "宣传阵地管理"
points = 4
rule = { type = "deduct", per = 1 }

[[indicator]]
id = "V1"
kind = "veto"
name = "发生重大意识形态事件"
"#;

pub const FRAMEWORK_2023: &str = r#"
[framework]
id = "town-2023"
title = "乡镇意识形态工作考核（2023年度）"
total = 10

[[grade]]
name = "好"
min = 9
[[grade]]
name = "一般"
min = 6
[[grade]]
name = "差"
min = 0

[[group]]
id = "A"
name = "理论学习"
[[group]]
id = "B"
name = "阵地管理"

[[indicator]]
id = "A1"
group = "A"
name = "中心组专题学习"
points = 3
rule = { type = "target", target = 4, per = 1 }

[[indicator]]
id = "A3"
group = "A"
name = "“学习强国”平台使用"
points = 3
rule = { type = "check" }

[[indicator]]
id = "B1"
group = "B"
name = "宣传阵地管理"
points = 4
rule = { type = "deduct", per = 2 }

[[indicator]]
id = "V1"
kind = "veto"
name = "发生重大意识形态事件"
"#;

/// U1 6.00, U2 8.00, U3 8.00 (all 一般).
pub const EVIDENCE_2022: &str = "\
unit,indicator,value
U1,A1,3
U1,A2,否
U1,B1,1
U2,A1,4
U2,A2,是
U2,B1,2
U3,A1,2
U3,A2,是
U3,B1,0
";

/// U1 8.00 一般, U2 6.00 vetoed (差), U4 10.00 好; U3 gone.
pub const EVIDENCE_2023: &str = "\
unit,indicator,value
U1,A1,4
U1,A3,是
U1,B1,1
U2,A1,3
U2,A3,否
U2,B1,0
U2,V1,是
U4,A1,4
U4,A3,是
U4,B1,0
";

/// U1 10.00 好, U2 8.00, U4 8.00, U3 back with 7.00 (一般).
pub const EVIDENCE_2024: &str = "\
unit,indicator,value
U1,A1,4
U1,A3,是
U1,B1,0
U2,A1,4
U2,A3,是
U2,B1,1
U3,A1,4
U3,A3,否
U3,B1,0
U4,A1,2
U4,A3,是
U4,B1,0
";

pub const UNITS_2022: &str = "unit,name\nU1,城关镇\nU2,河西街道\nU3,青山乡\n";
pub const UNITS_2023: &str = "unit,name\nU1,城关镇\nU2,河西街道\nU4,柳林镇\n";
pub const UNITS_2024: &str = "unit,name\nU1,城关镇\nU2,河西街道\nU3,青山乡\nU4,柳林镇\n";

/// Paths of the fixture files in a work directory.
pub struct Town {
    pub fw2022: PathBuf,
    pub fw2023: PathBuf,
    pub ev2022: PathBuf,
    pub ev2023: PathBuf,
    pub ev2024: PathBuf,
    pub units2022: PathBuf,
    pub units2023: PathBuf,
    pub units2024: PathBuf,
}

pub fn town(wd: &Workdir) -> Town {
    Town {
        fw2022: wd.create("town-2022.toml", FRAMEWORK_2022),
        fw2023: wd.create("town-2023.toml", FRAMEWORK_2023),
        ev2022: wd.create("2022.csv", EVIDENCE_2022),
        ev2023: wd.create("2023.csv", EVIDENCE_2023),
        ev2024: wd.create("2024.csv", EVIDENCE_2024),
        units2022: wd.create("units-2022.csv", UNITS_2022),
        units2023: wd.create("units-2023.csv", UNITS_2023),
        units2024: wd.create("units-2024.csv", UNITS_2024),
    }
}

/// Score evidence into a saved result `$WD/NAME`; returns that name (as
/// arguments and messages spell it).
pub fn save(wd: &Workdir, name: &str, framework: &Path, units: &Path, period: &str, evidence: &Path) -> String {
    let out = wd.path(name);
    wd.run(&[
        "score",
        "-f",
        s(framework),
        "-u",
        s(units),
        "--period",
        period,
        "-o",
        s(&out),
        s(evidence),
    ])
    .assert_ok();
    format!("$WD/{name}")
}

pub fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// The shipped examples scored into `$WD/2022.json` and `$WD/2023.json`
/// (the names returned).
pub fn shipped(wd: &Workdir) -> (String, String) {
    let mut paths = Vec::new();
    for year in ["2022", "2023"] {
        let out = wd.path(&format!("{year}.json"));
        wd.run(&[
            "score",
            "-u",
            "examples/units.csv",
            "--period",
            year,
            "-o",
            s(&out),
            &format!("examples/{year}.csv"),
        ])
        .assert_ok();
        paths.push(format!("$WD/{year}.json"));
    }
    (paths.remove(0), paths.remove(0))
}

/// Parse JSON output.
pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("valid JSON")
}

#[test]
fn chinese_periods_and_reasons_are_the_same_run() {
    let wd = crate::util::Workdir::new();
    let run = |args: &[&str]| {
        let out = wd.run(args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    let base = [
        "score",
        "-u",
        "examples/units.csv",
        "--format",
        "json",
        "examples/2023.csv",
    ];
    let with = |p: &'static str| {
        let mut v = base.to_vec();
        v.extend(["--period", p]);
        v
    };
    // The same bytes: the period is written in its canonical form.
    assert_eq!(run(&with("2023年")), run(&with("2023")));
    assert_eq!(run(&with("2023年第四季度")), run(&with("2023Q4")));
    assert_eq!(run(&with("2023年上半年")), run(&with("2023H1")));
    assert_eq!(run(&with("2023年6月")), run(&with("2023-06")));
    let list = |reason: &str| {
        run(&[
            "deficiencies",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "--reason",
            reason,
            "--format",
            "json",
            "examples/2023.csv",
        ])
    };
    assert_eq!(list("扣分"), list("shortfall"));
    assert_eq!(list("缺佐证"), list("missing"));
    assert_eq!(list("一票否决"), list("veto"));
    assert_ne!(list("扣分"), list("veto"), "the reasons select different items");
}
