//! Small frameworks and evidence whose numbers can be worked out by hand.
//!
//! `MINI` has one base indicator per rule type (100 points in two groups of
//! 50), two bonus items capped together at 4, two penalty items capped at 8
//! and one veto item. B3 (direct, 15) and B5 (survey, 10) may be 不适用, so a
//! unit marking both is scored on 75 points rescaled to 100.
//!
//! A unit with [`FULL`] evidence earns every base point (100.00); tests
//! change single cells with [`mini_row`] so the effect of each is plain.

use crate::util::Workdir;
use serde_json::Value;

pub const MINI: &str = r#"[framework]
id = "mini"
title = "迷你考核"
total = 100
bonus_cap = 4
penalty_cap = 8
rectify_days = 30

[[grade]]
name = "好"
min = 90
[[grade]]
name = "较好"
min = 80
[[grade]]
name = "一般"
min = 60
[[grade]]
name = "差"
min = 0

[[group]]
id = "A"
name = "思想引领"
points = 50

[[group]]
id = "B"
name = "责任落实"
points = 50

[[indicator]]
id = "A1"
group = "A"
name = "专题研究"
points = 10
rule = { type = "check" }

[[indicator]]
id = "A2"
group = "A"
name = "舆情处置"
points = 10
rule = { type = "deduct", per = 2 }

[[indicator]]
id = "A3"
group = "A"
name = "主题宣讲"
points = 10
rule = { type = "count", per = 2.5 }

[[indicator]]
id = "A4"
group = "A"
name = "形势研判"
points = 10
rule = { type = "target", target = 4, per = 2 }

[[indicator]]
id = "A5"
group = "A"
name = "支部达标率"
points = 10
rule = { type = "target", target = 100 }

[[indicator]]
id = "B1"
group = "B"
name = "学习平台"
points = 10
rule = { type = "tiers", tiers = [[95, 10], [80, 6], [60, 3]] }

[[indicator]]
id = "B2"
group = "B"
name = "牵头抓总"
points = 10
rule = { type = "levels", levels = { "好" = 10, "较好" = 8, "一般" = 5, "差" = 0 } }

[[indicator]]
id = "B3"
group = "B"
name = "品牌创建"
points = 15
rule = { type = "direct" }
exempt = true

[[indicator]]
id = "B4"
group = "B"
name = "书记责任"
points = 5
rule = { type = "clauses", clauses = [
  { id = "a", per = 1, max = 3, text = "每缺1次扣1分，最多扣3分" },
  { id = "b", per = 2.5, text = "未带头讲党课扣2.5分" },
] }

[[indicator]]
id = "B5"
group = "B"
name = "民主测评"
points = 10
rule = { type = "survey", survey = [["好", 100], ["较好", 80], ["一般", 60], ["较差", 40]] }
exempt = true

[[indicator]]
id = "J1"
kind = "bonus"
name = "经验推广"
points = 3
rule = { type = "count", per = 1 }

[[indicator]]
id = "J2"
kind = "bonus"
name = "上级表彰"
points = 2
rule = { type = "check" }

[[indicator]]
id = "K1"
kind = "penalty"
name = "通报批评"
points = 6
rule = { type = "count", per = 2 }

[[indicator]]
id = "K2"
kind = "penalty"
name = "巡察问题"
points = 5
rule = { type = "check" }

[[indicator]]
id = "V1"
kind = "veto"
name = "严重错误导向"
"#;

/// Header of wide evidence for `MINI`, clause columns included.
pub const WIDE: &str = "unit,A1,A2,A3,A4,A5,B1,B2,B3,B4/a,B4/b,B5,J1,J2,K1,K2,V1";

/// Evidence earning every base point, nothing else (same order as `WIDE`).
pub const FULL: [&str; 16] = [
    "是", "0", "4", "4", "100", "95", "好", "15", "0", "0", "10/0/0/0", "", "", "", "", "",
];

/// A framework whose items may be 不适用 (A1, and the clause item C1),
/// one of them for 乡镇 only (X1), and evidence missing an error: each
/// problem found while scoring can be made with it.
pub const SCORED_BY_CATEGORY: &str = r#"[framework]
id = "sp"
title = "评分中的问题"
total = 30
missing = "error"

[[grade]]
name = "好"
min = 0

[[indicator]]
id = "A1"
name = "学习"
points = 10
exempt = true
rule = { type = "check" }

[[indicator]]
id = "C1"
name = "活动"
points = 10
exempt = true
rule = { type = "clauses", clauses = [
  { id = "a", per = 1, max = 5, text = "每缺1次扣1分" },
  { id = "b", per = 2, text = "每缺1次扣2分" },
] }

[[indicator]]
id = "X1"
name = "乡镇专项"
points = 10
applies_to = ["乡镇"]
rule = { type = "direct" }
"#;

/// One wide row: `FULL` with some cells changed, e.g. `[("B3", "5")]`.
pub fn mini_row(unit: &str, changes: &[(&str, &str)]) -> String {
    let cols: Vec<&str> = WIDE.split(',').skip(1).collect();
    let mut cells: Vec<String> = FULL.iter().map(|c| c.to_string()).collect();
    for (col, value) in changes {
        let i = cols
            .iter()
            .position(|c| c == col)
            .unwrap_or_else(|| panic!("no column {col}"));
        cells[i] = value.to_string();
    }
    format!("{unit},{}", cells.join(","))
}

/// Wide evidence text: the header and these rows.
pub fn mini_evidence(rows: &[String]) -> String {
    let mut s = format!("{WIDE}\n");
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

impl Workdir {
    /// A directory holding `mini.toml`.
    pub fn mini() -> Workdir {
        let wd = Workdir::new();
        wd.create("mini.toml", MINI);
        wd
    }
}

/// The unit `id` in a result document.
#[track_caller]
pub fn unit<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["units"]
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit"] == id)
        .unwrap_or_else(|| panic!("no unit {id}"))
}

/// The indicator `id` in a unit's result.
#[track_caller]
pub fn indicator<'a>(unit: &'a Value, id: &str) -> &'a Value {
    unit["indicators"]
        .as_array()
        .expect("indicators")
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("no indicator {id}"))
}

/// A JSON value as written (numbers keep their exact text: `90.00`).
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `(unit, rank, score, grade)` of every unit, in the order written.
pub fn ranking(doc: &Value) -> Vec<(String, u64, String, String)> {
    doc["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| {
            (
                text(&u["unit"]),
                u["rank"].as_u64().expect("rank"),
                text(&u["score"]),
                text(&u["grade"]),
            )
        })
        .collect()
}

/// A unit's deficiencies as `indicator lost reason` lines.
pub fn deficiencies(unit: &Value) -> Vec<String> {
    unit["deficiencies"]
        .as_array()
        .expect("deficiencies")
        .iter()
        .map(|d| format!("{} {} {}", text(&d["indicator"]), text(&d["lost"]), text(&d["reason"])))
        .collect()
}
