//! Grades as assessment rules decide them: the bonus gate, the score
//! ceiling, additive penalty clauses, fixed veto scores, conditions, caps
//! and quotas — each expectation worked out by hand in the comments.

use crate::util::Workdir;
use proptest::prelude::*;
use serde_json::Value;

/// 100 points over five items; bonus capped at 5 and gated at 80; the
/// score at most 100; a penalty with two additive clauses (诫勉1分、处分3分);
/// a veto fixing the score at 59; a cap at 良好. 优秀 needs no item at 0
/// and is held by at most 20 %; 良好 allows one item at 0.
const FW: &str = r#"
[framework]
id = "g"
title = "等次规则"
total = 100
bonus_cap = 5
penalty_cap = 10
bonus_gate = 80
max_score = 100

[[grade]]
name = "优秀"
min = 90
max_zero = 0
quota = "20%"
[[grade]]
name = "良好"
min = 80
max_zero = 1
[[grade]]
name = "合格"
min = 60
[[grade]]
name = "不合格"
min = 0

[[indicator]]
id = "A1"
name = "一"
points = 40
rule = { type = "direct" }
[[indicator]]
id = "A2"
name = "二"
points = 30
rule = { type = "direct" }
[[indicator]]
id = "A3"
name = "三"
points = 20
rule = { type = "direct" }
[[indicator]]
id = "A4"
name = "四"
points = 5
rule = { type = "direct" }
[[indicator]]
id = "A5"
name = "五"
points = 5
rule = { type = "direct" }
[[indicator]]
id = "J1"
kind = "bonus"
name = "加分"
points = 5
rule = { type = "direct" }
[[indicator]]
id = "K1"
kind = "penalty"
name = "违纪"
points = 10
rule = { type = "clauses", clauses = [{ id = "a", per = 1, text = "诫勉" }, { id = "b", per = 3, text = "处分" }] }
[[indicator]]
id = "V1"
kind = "veto"
name = "严重错误导向"
score = 59
[[indicator]]
id = "Q1"
kind = "cap"
name = "被问责"
max_grade = "良好"
"#;

/// Ten units, wide: A1..A5, J1, K1/a, K1/b, V1, Q1.
const EVIDENCE: &str = "\
unit,A1,A2,A3,A4,A5,J1,K1/a,K1/b,V1,Q1
U01,40,30,20,5,5,5,0,0,否,否
U02,40,30,20,5,5,0,0,0,否,否
U03,40,30,19,5,5,0,0,0,否,否
U04,40,30,19,5,5,0,0,0,否,否
U05,40,30,20,5,5,0,2,1,否,否
U06,40,30,20,0,5,0,0,0,否,否
U07,40,30,20,5,5,0,0,0,否,是
U08,38,20,15,5,0,3,0,0,否,否
U09,40,30,20,5,0,0,0,0,是,否
U10,30,20,10,5,5,0,0,0,否,否
";

const UNITS: &str = "\
unit,name,category
U01,一,乡镇
U02,二,乡镇
U03,三,乡镇
U04,四,乡镇
U05,五,乡镇
U06,六,部门
U07,七,部门
U08,八,部门
U09,九,部门
U10,十,部门
";

struct Case {
    wd: Workdir,
}

impl Case {
    fn new(fw: &str) -> Case {
        let wd = Workdir::new();
        wd.create("fw.toml", fw);
        wd.create("e.csv", EVIDENCE);
        wd.create("units.csv", UNITS);
        Case { wd }
    }

    fn json(&self, extra: &[&str]) -> Value {
        let mut args = vec!["score", "--format", "json", "-f", "$WD/fw.toml", "-u", "$WD/units.csv"];
        args.extend_from_slice(extra);
        args.push("$WD/e.csv");
        let out = self.wd.run(&args);
        out.assert_ok();
        serde_json::from_str(&out.stdout).unwrap()
    }
}

/// Every unit as `unit score rank grade by_score reason`, in rank order.
fn rows(doc: &Value) -> Vec<String> {
    doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let opt = |v: &Value| v.as_str().unwrap_or("-").to_string();
            format!(
                "{} {} {} {} {} {}",
                u["unit"].as_str().unwrap(),
                u["score"],
                u["rank"],
                u["grade"].as_str().unwrap(),
                opt(&u["grade_by_score"]),
                opt(&u["grade_reason"])
            )
        })
        .collect()
}

fn unit<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == id)
        .unwrap()
}

#[test]
fn every_rule_in_one_ranking() {
    let case = Case::new(FW);
    let doc = case.json(&[]);
    // U01: 100 + bonus 5 = 105, at most 100. U02: 100. U07: 100, capped at
    // 良好. U03, U04: 99. U05: 100 − (2 × 1 + 1 × 3) = 95. U06: 95 but A4
    // at 0 → not 优秀 (max_zero 0), 良好 allows one. U08: base 78 under the
    // gate of 80 → bonus 3 does not count → 78. U10: 70. U09: 95, vetoed →
    // score fixed at 59, the lowest grade, ranked last.
    // 优秀 by score and the other rules: U01 U02 U03 U04 U05; 20 % of the
    // 10 units (U09 included) is 2: U01, U02 keep it (99 < 100: no tie at
    // the limit), U03, U04, U05 move to 良好.
    assert_eq!(
        rows(&doc),
        [
            "U01 100.00 1 优秀 - -",
            "U02 100.00 1 优秀 - -",
            "U07 100.00 1 良好 优秀 cap",
            "U03 99.00 4 良好 优秀 quota",
            "U04 99.00 4 良好 优秀 quota",
            "U05 95.00 6 良好 优秀 quota",
            "U06 95.00 6 良好 优秀 condition",
            "U08 78.00 8 合格 - -",
            "U10 70.00 9 合格 - -",
            "U09 59.00 10 不合格 优秀 veto",
        ]
    );
    // The bonus gate: U08's bonus is 0 and its bonus item says why.
    let u08 = unit(&doc, "U08");
    assert_eq!(u08["bonus"].to_string(), "0.00");
    let j1 = u08["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "J1")
        .unwrap();
    assert_eq!(j1["status"], "gated");
    // The ceiling: U01 base 100, bonus 5, score 100.
    let u01 = unit(&doc, "U01");
    assert_eq!(
        (u01["base"].to_string(), u01["bonus"].to_string()),
        ("100.00".into(), "5.00".into())
    );
    // Additive clauses: a clean unit loses nothing; U05 loses 5, all of it
    // deducted (cap 10).
    assert_eq!(unit(&doc, "U02")["penalty"].to_string(), "0.00");
    let k1 = unit(&doc, "U05")["deficiencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["indicator"] == "K1")
        .unwrap()
        .clone();
    assert_eq!(
        k1.to_string(),
        r#"{"indicator":"K1","lost":5.00,"reason":"penalty","deducted":5.00}"#
    );
    // The cap is a deficiency without points.
    let q1 = unit(&doc, "U07")["deficiencies"].as_array().unwrap()[0].clone();
    assert_eq!(q1.to_string(), r#"{"indicator":"Q1","lost":null,"reason":"cap"}"#);
}

#[test]
fn the_table_says_what_each_quota_allowed_and_who_moved() {
    let case = Case::new(FW);
    let out = case.wd.run(&[
        "score",
        "--lang",
        "zh",
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ]);
    out.assert_ok();
    assert!(
        out.stdout
            .contains("\n等次比例：优秀不超过20%，10个单位最多2个；达到5个，U03、U04、U05 降为良好\n"),
        "{}",
        out.stdout
    );
    // The grade the score gave and the rule, as columns.
    let row = out.stdout.lines().find(|l| l.contains(" U06 ")).unwrap();
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    assert!(cells.windows(3).any(|w| w == ["良好", "优秀", "未达等次条件"]), "{row}");
}

#[test]
fn explain_reconciles_the_grade() {
    let case = Case::new(FW);
    let run = |unit: &str| {
        let out = case.wd.run(&[
            "explain",
            unit,
            "--lang",
            "zh",
            "-f",
            "$WD/fw.toml",
            "-u",
            "$WD/units.csv",
            "$WD/e.csv",
        ]);
        out.assert_ok();
        out.stdout
    };
    let u06 = run("U06");
    assert!(
        u06.contains("\n等次 良好（按分数为优秀，未达等次条件） · 排名 6/10"),
        "{u06}"
    );
    assert!(
        u06.contains("\n等次条件：优秀要求得0分的基础指标不超过0个，本单位有1个 → 良好\n"),
        "{u06}"
    );
    let u07 = run("U07");
    assert!(u07.contains("\n等次限制：Q1 被问责 → 最高评为良好\n"), "{u07}");
    assert!(u07.contains("等次限制（Q1，最高评为良好），本期等次不能提升"), "{u07}");
    let u04 = run("U04");
    assert!(
        u04.contains("\n等次比例：优秀在10个单位中最多2个，本单位未在其内 → 良好\n"),
        "{u04}"
    );
    assert!(u04.contains("得分已达优秀，但优秀等次名额已满（超出比例）"), "{u04}");
}

#[test]
fn quota_ties_rounding_and_scope() {
    let with = |from: &str, to: &str| Case::new(&FW.replace(from, to));
    let grades = |doc: &Value| -> Vec<String> {
        rows(doc)
            .iter()
            .map(|r| r.split(' ').collect::<Vec<&str>>())
            .filter(|f| f[3] == "优秀" || f[5] == "quota")
            .map(|f| format!("{} {}", f[0], f[3]))
            .collect()
    };
    // 30 % of 10 is 3: the limit falls between U03 and U04, both 99:
    // demoted together, so only two keep 优秀 …
    let doc = with("quota = \"20%\"", "quota = \"30%\"").json(&[]);
    assert_eq!(
        grades(&doc),
        ["U01 优秀", "U02 优秀", "U03 良好", "U04 良好", "U05 良好"]
    );
    // … or kept together, four holding it.
    let keep = Case::new(
        &FW.replace("quota = \"20%\"", "quota = 0.3")
            .replace("max_score = 100", "max_score = 100\nquota_ties = \"keep\""),
    );
    assert_eq!(
        grades(&keep.json(&[])),
        ["U01 优秀", "U02 优秀", "U03 优秀", "U04 优秀", "U05 良好"]
    );
    // 15 % of 10 is 1.5: down to 1, where U01 and U02 tie at 100 — both
    // demoted, nobody keeps 优秀; half up to 2, U01 and U02 keep it.
    let down = with("quota = \"20%\"", "quota = \"15%\"");
    assert_eq!(
        grades(&down.json(&[])),
        ["U01 良好", "U02 良好", "U03 良好", "U04 良好", "U05 良好"]
    );
    let up = Case::new(
        &FW.replace("quota = \"20%\"", "quota = \"15%\"")
            .replace("max_score = 100", "max_score = 100\nquota_round = \"half_up\""),
    );
    assert_eq!(
        grades(&up.json(&[])),
        ["U01 优秀", "U02 优秀", "U03 良好", "U04 良好", "U05 良好"]
    );
    // Per category, 40 %: 乡镇 (U01–U05) 2 of 5: U01, U02 keep it, U03–U05
    // move; 部门 (U06–U10) 2 of 5, and none of them reaches 优秀 (U06 by
    // condition, U07 by cap, U09 by veto).
    let cat = Case::new(
        &FW.replace("quota = \"20%\"", "quota = \"40%\"")
            .replace("max_score = 100", "max_score = 100\nquota_scope = \"category\""),
    );
    assert_eq!(
        grades(&cat.json(&[])),
        ["U01 优秀", "U02 优秀", "U03 良好", "U04 良好", "U05 良好"]
    );
    // The whole jurisdiction at 40 % would allow 4: U01–U04 (U04 and U05
    // at 99 and 95 do not tie).
    let all = with("quota = \"20%\"", "quota = \"40%\"");
    assert_eq!(
        grades(&all.json(&[])),
        ["U01 优秀", "U02 优秀", "U03 优秀", "U04 优秀", "U05 良好"]
    );
}

#[test]
fn category_quotas_need_categories() {
    let case = Case::new(&FW.replace("max_score = 100", "max_score = 100\nquota_scope = \"category\""));
    case.wd
        .create("plain.csv", "unit\nU01\nU02\nU03\nU04\nU05\nU06\nU07\nU08\nU09\nU10\n");
    let out = case.wd.run(&[
        "score",
        "--lang",
        "zh",
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/plain.csv",
        "$WD/e.csv",
    ]);
    out.assert_input_errors(&[
        "错误：$WD/fw.toml:10: quota_scope = \"category\" 要求按类别分别计算等次比例，需要带“类别”列的单位名单（-u 单位.csv）",
    ]);
}

#[test]
fn framework_errors_of_the_new_keys() {
    let wd = Workdir::new();
    let bad = FW
        .replace("quota = \"20%\"", "quota = \"120%\"")
        .replace("name = \"不合格\"\nmin = 0", "name = \"不合格\"\nmin = 0\nquota = \"10%\"")
        .replace("max_grade = \"良好\"", "max_grade = \"较好\"")
        .replace(
            "rule = { type = \"clauses\", clauses = [{ id = \"a\", per = 1, text = \"诫勉\" }, { id = \"b\", per = 3, text = \"处分\" }] }",
            "rule = { type = \"deduct\", per = 1 }",
        )
        .replace("score = 59", "score = 59\npoints = 1")
        .replace("max_score = 100", "max_score = 100\nquota_ties = \"demot\"");
    wd.create("bad.toml", &bad);
    let out = wd.run(&["check", "--lang", "en", "-f", "$WD/bad.toml"]);
    out.assert_input_errors(&[
        "error: $WD/bad.toml:10: quota_ties must be one of \"demote\", \"keep\", not \"demot\" (did you mean \"demote\"?)",
        "error: $WD/bad.toml:16: grade \"优秀\" quota: the share must be above 0 and at most 100%, not 120%",
        "error: $WD/bad.toml:27: the lowest grade \"不合格\" cannot have a quota (units over a quota move down to it; it takes everyone left)",
        "error: $WD/bad.toml:65: K1: a penalty item cannot use the deduct rule (it starts from the full points, so \"nothing happened\" would count in full); for a penalty use count (per occurrence, capped) or clauses (each case adds its deduction)",
        "error: $WD/bad.toml:71: V1: a veto item has no points",
        "error: $WD/bad.toml:76: Q1: max_grade names \"较好\", which is not a [[grade]] (the grades are 优秀, 良好, 合格, 不合格)",
        "error: 6 problems found; nothing was written",
    ]);
}

/// The framework without its grade rules (conditions, caps, quotas): the
/// cap item and its evidence go too.
fn without_rules(fw: &str) -> String {
    fw.replace("max_zero = 0\n", "")
        .replace("max_zero = 1\n", "")
        .replace("quota = \"20%\"\n", "")
        .replace(
            "[[indicator]]\nid = \"Q1\"\nkind = \"cap\"\nname = \"被问责\"\nmax_grade = \"良好\"\n",
            "",
        )
}

fn arb_unit() -> impl Strategy<Value = String> {
    (
        0..=40u32,
        0..=30u32,
        0..=20u32,
        0..=5u32,
        0..=5u32,
        0..=5u32,
        prop_oneof![3 => Just(0u32), 1 => 1..3u32],
        prop_oneof![3 => Just(0u32), 1 => 1..2u32],
        prop_oneof![6 => Just("否"), 1 => Just("是")],
        prop_oneof![5 => Just("否"), 1 => Just("是")],
    )
        .prop_map(|(a1, a2, a3, a4, a5, j, ka, kb, v, q)| format!("{a1},{a2},{a3},{a4},{a5},{j},{ka},{kb},{v},{q}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Grade rules decide grades, never scores or ranks: without them every
    /// score and rank is the same and no grade is lower.
    #[test]
    fn grade_rules_only_ever_lower_grades(units in proptest::collection::vec(arb_unit(), 1..14)) {
        let wd = Workdir::new();
        let mut with = String::from("unit,A1,A2,A3,A4,A5,J1,K1/a,K1/b,V1,Q1\n");
        let mut without = String::from("unit,A1,A2,A3,A4,A5,J1,K1/a,K1/b,V1\n");
        for (i, u) in units.iter().enumerate() {
            with.push_str(&format!("U{i:02},{u}\n"));
            let (rest, _cap) = u.rsplit_once(',').unwrap();
            without.push_str(&format!("U{i:02},{rest}\n"));
        }
        wd.create("fw.toml", FW);
        wd.create("plain.toml", &without_rules(FW));
        wd.create("with.csv", &with);
        wd.create("without.csv", &without);
        let run = |fw: &str, ev: &str| -> Value {
            let out = wd.run(&["score", "--format", "json", "-f", fw, ev]);
            out.assert_ok();
            serde_json::from_str(&out.stdout).unwrap()
        };
        let a = run("$WD/fw.toml", "$WD/with.csv");
        let b = run("$WD/plain.toml", "$WD/without.csv");
        let order = ["优秀", "良好", "合格", "不合格"];
        let pos = |g: &Value| order.iter().position(|x| *x == g.as_str().unwrap()).unwrap();
        for (x, y) in a["units"].as_array().unwrap().iter().zip(b["units"].as_array().unwrap()) {
            prop_assert_eq!(&x["unit"], &y["unit"]);
            prop_assert_eq!(&x["score"], &y["score"]);
            prop_assert_eq!(&x["rank"], &y["rank"]);
            prop_assert!(pos(&x["grade"]) >= pos(&y["grade"]), "{} {} {}", x["unit"], x["grade"], y["grade"]);
            // Without rules only a veto changes a grade.
            prop_assert!(y["grade_reason"].is_null() || y["grade_reason"] == "veto");
            // The grade by score is what the bands give the score (before a
            // veto's fixed 59).
            if !x["grade_by_score"].is_null() {
                prop_assert!(!x["grade_reason"].is_null());
            }
        }
    }
}

#[test]
fn diff_tells_moves_by_rule_from_moves_by_score() {
    // The same scores under a 20 % and a 40 % quota: U03 and U04 hold 优秀
    // only under 40 % (see quota_ties_rounding_and_scope), their scores
    // unchanged — grade moves by a rule, not by score.
    let case = Case::new(FW);
    case.wd
        .create("fw40.toml", &FW.replace("quota = \"20%\"", "quota = \"40%\""));
    for (fw, out) in [("$WD/fw.toml", "$WD/a.json"), ("$WD/fw40.toml", "$WD/b.json")] {
        case.wd
            .run(&["score", "-f", fw, "-u", "$WD/units.csv", "-o", out, "$WD/e.csv"])
            .assert_ok();
    }
    let out = case.wd.run(&["diff", "--format", "json", "$WD/a.json", "$WD/b.json"]);
    out.assert_ok();
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let moved: Vec<(String, String)> = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| !u["grade_rule"].is_null())
        .map(|u| {
            (
                u["unit"].as_str().unwrap().to_string(),
                u["grade_rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        moved,
        [
            ("U03".to_string(), "quota".to_string()),
            ("U04".to_string(), "quota".to_string())
        ]
    );
    assert_eq!(doc["summary"]["grade_by_rule"], 2);
    let table = case.wd.run(&["diff", "--lang", "zh", "$WD/a.json", "$WD/b.json"]);
    table.assert_ok();
    assert!(
        table.stdout.contains("（2 个单位的等次变化由等次规则而非得分引起）"),
        "{}",
        table.stdout
    );
}

#[test]
fn html_and_lists_show_the_rule_beside_the_grade() {
    let case = Case::new(FW);
    case.wd
        .run(&[
            "score",
            "--lang",
            "zh",
            "-f",
            "$WD/fw.toml",
            "-u",
            "$WD/units.csv",
            "-o",
            "$WD/r.html",
            "$WD/e.csv",
        ])
        .assert_ok();
    let html = std::fs::read_to_string(case.wd.path("r.html")).unwrap();
    assert!(html.contains("等次比例：优秀不超过20%，10个单位最多2个；达到5个，U03、U04、U05 降为良好"));
    assert!(html.contains("良好（按分数为优秀，超出比例）"), "the unit's section");
    let list = case.wd.run(&[
        "deficiencies",
        "--lang",
        "zh",
        "--unit",
        "U07",
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ]);
    list.assert_ok();
    assert!(
        list.stdout.contains("良好（按分数为优秀，等次限制）"),
        "{}",
        list.stdout
    );
    assert!(
        list.stdout.contains("等次限制（Q1，最高评为良好），本期等次不能提升"),
        "{}",
        list.stdout
    );
}

#[test]
fn trend_names_the_rule_behind_a_grade() {
    // Under the 20 % quota U03 is 良好 by quota; under 40 % it is 优秀.
    let case = Case::new(FW);
    case.wd
        .create("fw40.toml", &FW.replace("quota = \"20%\"", "quota = \"40%\""));
    for (fw, period, out) in [
        ("$WD/fw40.toml", "2023", "$WD/a.json"),
        ("$WD/fw.toml", "2024", "$WD/b.json"),
    ] {
        case.wd
            .run(&[
                "score",
                "-f",
                fw,
                "--period",
                period,
                "-u",
                "$WD/units.csv",
                "-o",
                out,
                "$WD/e.csv",
            ])
            .assert_ok();
    }
    let out = case.wd.run(&["trend", "--lang", "zh", "$WD/a.json", "$WD/b.json"]);
    out.assert_ok();
    let row = out.stdout.lines().find(|l| l.contains(" U03 ")).unwrap();
    assert!(row.contains("优秀→良好（超出比例）"), "{row}");
}

/// A score held at the ceiling (`max_score = 100`, written without
/// places) ranks above one just under it, on the bulk path itself: by hand,
/// U1 = min(100 + 5, 100) = 100; U0 and U2 = 99.50, tied, in id order.
#[test]
fn a_score_at_the_ceiling_ranks_first_on_the_bulk_path() {
    let toml = r#"
[framework]
id = "c"
title = "封顶"
total = 100
bonus_cap = 5
max_score = 100

[[grade]]
name = "好"
min = 90
[[grade]]
name = "差"
min = 0

[[indicator]]
id = "A1"
name = "一"
points = 100
rule = { type = "direct" }
[[indicator]]
id = "J1"
kind = "bonus"
name = "加分"
points = 5
rule = { type = "direct" }
"#;
    let wd = Workdir::new();
    let evidence = wd.create("e.csv", "unit,A1,J1\nU0,99.5,0\nU1,100,5\nU2,99.5,0\n");
    let fw = kaohe::model::framework::Framework::parse(toml, "fw.toml").unwrap();
    let a = kaohe::engine::bulk::assess(&fw, None, std::slice::from_ref(&evidence), None)
        .expect("the bulk path takes the file");
    let got: Vec<(String, String, usize)> = a
        .units
        .iter()
        .map(|u| (u.unit.clone(), u.totals.score.to_string(), u.rank))
        .collect();
    let want = [("U1", "100", 1), ("U0", "99.50", 2), ("U2", "99.50", 2)];
    assert_eq!(
        got,
        want.map(|(u, s, r)| (u.to_string(), s.to_string(), r)),
        "ranked by score, ties by id"
    );
}

#[test]
fn a_quota_passed_by_ties_kept_says_so() {
    // 优秀 for at most a third of 3 units, 1; A and B both reach it at 95,
    // tied, and ties are kept: 2 of 1, none moved. The line once said the
    // limit was not passed.
    let wd = Workdir::new();
    wd.create(
        "fw.toml",
        r#"[framework]
id = "q"
title = "并列"
total = 100
quota_ties = "keep"

[[grade]]
name = "优秀"
min = 90
quota = "34%"

[[grade]]
name = "合格"
min = 0

[[indicator]]
id = "D1"
name = "评定"
points = 100
rule = { type = "direct" }
"#,
    );
    wd.create(
        "e.csv",
        "unit,indicator,value
A,D1,95
B,D1,95
C,D1,80
",
    );
    for (lang, line) in [
        (
            "zh",
            "\n等次比例：优秀不超过34%，3个单位最多1个；达到2个，超出的与名额内的并列，均保留\n",
        ),
        (
            "en",
            "\nquota: 优秀 at most 34%, 1 of 3 units; 2 reached it, those past the limit tie with those within it and are kept\n",
        ),
    ] {
        let out = wd.run(&["score", "--lang", lang, "-f", "$WD/fw.toml", "$WD/e.csv"]);
        out.assert_ok();
        assert!(out.stdout.contains(line), "{}", out.stdout);
    }
}
