//! Cohort rules and categories in the framework: every amount below is
//! worked out by hand in the comments.

use crate::util::Workdir;
use serde_json::Value;

const FW: &str = r#"
[framework]
id = "co"
title = "县级考核"
total = 30

[[grade]]
name = "好"
min = 25
[[grade]]
name = "差"
min = 0

[[indicator]]
id = "R1"
name = "发稿量排名"
points = 10
rule = { type = "rank_points", points = [10, 8, 6], rest = 3 }

[[indicator]]
id = "R2"
name = "网评员人数"
points = 10
rule = { type = "target", target = 10, by_category = { "开发区" = { target = 4 } } }

[[indicator]]
id = "R3"
name = "信息报送"
points = 10
rule = { type = "vs_mean", above = 10, equal = 6, below = 3, within = "category" }

[[indicator]]
id = "R4"
name = "乡镇阵地"
kind = "bonus"
points = 2
applies_to = ["乡镇"]
rule = { type = "relative" }

[[indicator]]
id = "P1"
name = "报送排名靠后"
kind = "penalty"
points = 2
rule = { type = "rank_points", points = [2], order = "asc" }

[[indicator]]
id = "V1"
name = "重大舆情"
kind = "veto"
"#;

const UNITS: &str = "unit,name,category\nA,甲镇,乡镇\nB,乙镇,乡镇\nC,丙镇,乡镇\nK,开发区,开发区\nL,高新区,开发区\n";

// R1 (all units, larger first): A 30, B 25, C 25, K 10, L none.
//    Ranks 1, 2, 2, 4 → 10, 8, 8, rest 3; L has no value: missing, 0.
// R2 (target 10; 开发区 target 4, pro rata): A 10/10 → 10, B 5/10 → 5,
//    C 8/10 → 8, K 4/4 → 10, L 2/4 → 5.
// R3 (within the category): 乡镇 6, 3, 3, mean 4 → A above 10, B and C
//    below 3; 开发区 5, 5, mean 5 → equal 6 each.
// R4 (bonus, 乡镇 only, relative to the highest 4 of 2 points): A 4 → 2,
//    B 2 → 2 × 2/4 = 1, C 0 → 0; K and L 不适用.
// P1 (penalty, smallest first, the first rank loses 2): A 9, B 1, C 1,
//    K 5, L 12 → B and C share rank 1: −2 each.
// V1: C vetoed, still in every cohort above.
// Scores: A 10+10+10 + 2 = 32; B 8+5+3 + 1 − 2 = 15; C 8+8+3 − 2 = 17 (vetoed);
//         K 3+10+6 = 19; L 0+5+6 = 11.
const EVIDENCE: &str = "unit,indicator,value
A,R1,30
B,R1,25
C,R1,25
K,R1,10
A,R2,10
B,R2,5
C,R2,8
K,R2,4
L,R2,2
A,R3,6
B,R3,3
C,R3,3
K,R3,5
L,R3,5
A,R4,4
B,R4,2
C,R4,0
A,P1,9
B,P1,1
C,P1,1
K,P1,5
L,P1,12
A,V1,否
B,V1,否
C,V1,是
K,V1,否
L,V1,否
";

fn setup() -> Workdir {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    wd.create("units.csv", UNITS);
    wd.create("e.csv", EVIDENCE);
    wd
}

fn amounts(u: &Value) -> Vec<(String, Option<f64>)> {
    u["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] != "veto")
        .map(|i| (i["id"].as_str().unwrap().to_string(), i["amount"].as_f64()))
        .collect()
}

/// `score --format json` of `e.csv` by `fw.toml` with `units.csv`, read
/// back; the run must succeed.
fn result(wd: &Workdir) -> Value {
    let json = wd.stdout(&[
        "score",
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/units.csv",
        "--format",
        "json",
        "$WD/e.csv",
    ]);
    serde_json::from_str(&json).unwrap()
}

#[test]
fn every_cohort_rule_by_hand() {
    let wd = setup();
    let doc = result(&wd);
    let units = doc["units"].as_array().unwrap();
    let get = |id: &str| units.iter().find(|u| u["unit"] == id).unwrap();
    let want: [(&str, [Option<f64>; 5], f64); 5] = [
        ("A", [Some(10.0), Some(10.0), Some(10.0), Some(2.0), Some(0.0)], 32.0),
        ("B", [Some(8.0), Some(5.0), Some(3.0), Some(1.0), Some(2.0)], 15.0),
        ("C", [Some(8.0), Some(8.0), Some(3.0), Some(0.0), Some(2.0)], 17.0),
        ("K", [Some(3.0), Some(10.0), Some(6.0), None, Some(0.0)], 19.0),
        ("L", [Some(0.0), Some(5.0), Some(6.0), None, Some(0.0)], 11.0),
    ];
    for (id, items, score) in want {
        let u = get(id);
        let got: Vec<Option<f64>> = amounts(u).into_iter().map(|(_, a)| a).collect();
        assert_eq!(got, items, "{id}");
        assert_eq!(u["score"].as_f64(), Some(score), "{id}");
    }
    // Ranks: A 32, K 19, B 15, L 11, then the vetoed C.
    let order: Vec<&str> = units.iter().map(|u| u["unit"].as_str().unwrap()).collect();
    assert_eq!(order, ["A", "K", "B", "L", "C"]);
    // The facts behind each amount, as explain and the result give them.
    let b = get("B");
    let r1 = &b["indicators"][0]["cohort"];
    assert_eq!((r1["n"].as_u64(), r1["rank"].as_u64()), (Some(4), Some(2)));
    assert_eq!(r1["scope"], Value::Null);
    // Mean of 30, 25, 25, 10 = 90 / 4 = 22.5.
    assert_eq!(r1["mean"].as_f64(), Some(22.5));
    assert_eq!(r1["max"].as_f64(), Some(30.0));
    let r3 = &b["indicators"][2]["cohort"];
    assert_eq!(r3["scope"], "乡镇");
    assert_eq!(r3["mean"].as_f64(), Some(4.0));
    assert_eq!(get("L")["indicators"][0]["status"], "missing");
    assert!(get("L")["indicators"][0].get("cohort").is_none());
    assert_eq!(get("K")["indicators"][3]["status"], "exempt");

    // explain says where each amount came from.
    let ex = wd.run(&[
        "explain",
        "K",
        "--lang",
        "zh",
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ]);
    ex.assert_ok();
    for shown in [
        "全部 4 个单位中第 4 名；最高 30，平均 22.5",
        "按完成比例折算（目标4）（开发区的参数）",
        "“开发区”类 2 个单位中第 1 名；最高 5，平均 5",
        "（仅考核乡镇）",
    ] {
        assert!(ex.stdout.contains(shown), "{shown}\n{}", ex.stdout);
    }
}

#[test]
fn mean_that_is_not_a_decimal_is_compared_exactly() {
    let wd = Workdir::new();
    wd.create(
        "fw.toml",
        r#"
[framework]
id = "m"
title = "平均"
total = 1
[[grade]]
name = "合格"
min = 0
[[indicator]]
id = "M"
name = "高于平均"
points = 1
rule = { type = "vs_mean", above = 1, equal = 0.5, below = 0 }
"#,
    );
    // Mean of 1, 1, 1.34 = 3.34 / 3 = 1.11333…: 1 below, 1.34 above; no
    // value equals it.
    wd.create("e.csv", "unit,indicator,value\nA,M,1\nB,M,1\nC,M,1.34\n");
    let out = wd.run(&["score", "-f", "$WD/fw.toml", "--format", "json", "$WD/e.csv"]);
    out.assert_ok();
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let scores: Vec<(String, f64)> = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["unit"].as_str().unwrap().to_string(), u["score"].as_f64().unwrap()))
        .collect();
    assert_eq!(
        scores,
        [("C".to_string(), 1.0), ("A".to_string(), 0.0), ("B".to_string(), 0.0)]
    );
    let fact = &doc["units"][0]["indicators"][0]["cohort"];
    assert_eq!(fact["mean"].as_f64(), Some(1.11));
    assert_eq!(fact["mean_exact"], false);
}

#[test]
fn category_mistakes_are_located() {
    let wd = setup();
    // Evidence for a unit outside applies_to.
    wd.create("bad.csv", &format!("{EVIDENCE}K,R4,3\n"));
    wd.run(&["score", "-f", "$WD/fw.toml", "-u", "$WD/units.csv", "$WD/bad.csv"])
        .assert_input_errors(&[
            "error: $WD/bad.csv:29: unit K is in category \"开发区\", and indicator R4 concerns 乡镇 only: it takes no evidence (it is not applicable to this unit)",
        ]);
    // A category the units file does not have, and no units file at all.
    wd.create("typo.toml", &FW.replace("\"开发区\" = {", "\"开发小区\" = {"));
    wd.run(&["score", "-f", "$WD/typo.toml", "-u", "$WD/units.csv", "$WD/e.csv"])
        .assert_input_errors(&[
            "error: $WD/typo.toml:20: indicator R2: the units file $WD/units.csv has no category \"开发小区\" (did you mean \"开发区\"?); its categories are 乡镇, 开发区",
        ]);
    let out = wd.run(&["check", "-f", "$WD/fw.toml", "$WD/e.csv"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("$WD/fw.toml:26: indicator R3 is scored by category (applies_to, by_category or within = \"category\"): give a units file with a category column (-u)"),
        "{}",
        out.stderr
    );
    // Amounts above the points and unknown keys in the framework.
    wd.create(
        "over.toml",
        &FW.replace(
            "points = [10, 8, 6], rest = 3",
            "points = [12, 8], rest = 3, ordr = \"asc\"",
        )
        .replace(
            "within = \"category\" }",
            "within = \"category\", by_category = { \"开发区\" = { within = \"all\" } } }",
        ),
    );
    let out = wd.run(&["check", "-f", "$WD/over.toml"]);
    assert_eq!(out.code, 1);
    for want in [
        "R1: rule: unknown key \"ordr\" in a rank_points rule (did you mean \"order\"?)",
        "R3: rule: by_category: \"开发区\" cannot change within, only the rule's parameters",
        "R1: rule: points: the amount of rank 1, 12, must be between 0 and the indicator's 10 points",
    ] {
        assert!(out.stderr.contains(want), "{want}\n{}", out.stderr);
    }
}

/// Levels, survey options and clauses set per category in another order
/// than the rule's own.
const BY_NAME: &str = r#"
[framework]
id = "order"
title = "分类参数"
total = 30

[[grade]]
name = "好"
min = 20
[[grade]]
name = "一般"
min = 0

[[indicator]]
id = "L1"
name = "评价"
points = 10
rule = { type = "levels", levels = { "好" = 10, "较好" = 8, "一般" = 5 }, by_category = { "开发区" = { levels = { "一般" = 3, "好" = 10, "较好" = 6 } } } }

[[indicator]]
id = "S1"
name = "测评"
points = 10
rule = { type = "survey", survey = [["好", 100], ["较好", 80], ["一般", 60]], by_category = { "开发区" = { survey = [["一般", 50], ["好", 100], ["较好", 80]] } } }

[[indicator]]
id = "C1"
name = "活动"
points = 10
rule = { type = "clauses", clauses = [
  { id = "a", per = 1, max = 5, text = "每缺1次扣1分" },
  { id = "b", per = 2.5, text = "每缺1次扣2.5分" },
], by_category = { "开发区" = { clauses = [ { id = "b", per = 1 }, { id = "a", per = 3 } ] } } }
"#;

#[test]
fn a_category_s_levels_options_and_clauses_are_taken_by_name() {
    let wd = Workdir::new();
    wd.create("fw.toml", BY_NAME);
    wd.create("units.csv", "unit,name,category\nU1,一,乡镇\nU2,二,开发区\n");
    wd.create(
        "e.csv",
        "unit,indicator,value\n\
         U1,L1,较好\nU1,S1,2/1/1\nU1,C1/a,1\nU1,C1/b,2\n\
         U2,L1,较好\nU2,S1,2/1/1\nU2,C1/a,2\nU2,C1/b,2\n",
    );
    // By hand. U1 (乡镇), the rule's own: 较好 8; (2×100 + 1×80 + 1×60) /
    // (100 × 4) × 10 = 8.50; 10 − 1×1 − 2×2.5 = 4; 20.50.
    // U2 (开发区), its own by name: 较好 6 (not 好 10, second in its list);
    // (2×100 + 1×80 + 1×50) / 400 × 10 = 8.25 (not 7.00 by place);
    // 10 − a min(2×3, 5) − b 2×1 = 3, the rule's max of 5 kept for a
    // (not 2 with a's max the points, nor by place); 17.25.
    let out = wd.run(&[
        "score",
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/units.csv",
        "--format",
        "csv",
        "$WD/e.csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Rank,Unit,Name,Category,Cat. rank,Score,Grade,Veto,Base,Bonus,Penalty\r\n\
         1,U1,一,乡镇,1,20.50,好,,20.50,0.00,0.00\r\n\
         2,U2,二,开发区,1,17.25,一般,,17.25,0.00,0.00\r\n"
    );
    let result = result(&wd);
    let u2 = &result["units"][1];
    assert_eq!(u2["unit"], "U2");
    assert_eq!(
        amounts(u2),
        [
            ("L1".to_string(), Some(6.0)),
            ("S1".to_string(), Some(8.25)),
            ("C1".to_string(), Some(3.0))
        ]
    );
    // A category's clause keeps what it does not give (max, text) from the
    // rule's clause of that id, in the rule's order.
    let fw = wd.stdout(&[
        "check",
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/units.csv",
        "--lang",
        "en",
        "$WD/e.csv",
    ]);
    assert!(fw.contains("开发区: a: −3 each (max 5); b: −1 each; floor 0"), "{fw}");
}

#[test]
fn the_same_clause_counts_in_two_categories_are_scored_by_each_one_s_rule() {
    // The JSON result works a clause item's amount out once for counts
    // seen before: by the item, the counts and the unit's category's rule.
    let wd = Workdir::new();
    wd.create("fw.toml", BY_NAME);
    wd.create(
        "units.csv",
        "unit,name,category\nU1,一,乡镇\nU2,二,开发区\nU3,三,乡镇\n",
    );
    let rows = |u: &str| format!("{u},L1,好\n{u},S1,4/0/0\n{u},C1/a,1\n{u},C1/b,2\n");
    wd.create(
        "e.csv",
        &format!("unit,indicator,value\n{}{}{}", rows("U1"), rows("U2"), rows("U3")),
    );
    // By hand, C1: 乡镇 10 − 1×1 − 2×2.5 = 4.00; 开发区 10 − min(1×3, 5)
    // − 2×1 = 5.00. L1 10 and S1 10 everywhere: U2 25.00, U1 and U3 24.00.
    let result = result(&wd);
    let got: Vec<(String, String, Option<f64>)> = result["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let c1 = amounts(u).into_iter().find(|(id, _)| id == "C1").unwrap().1;
            (u["unit"].as_str().unwrap().to_string(), u["score"].to_string(), c1)
        })
        .collect();
    let want = [("U2", "25.00", 5.0), ("U1", "24.00", 4.0), ("U3", "24.00", 4.0)];
    assert_eq!(got, want.map(|(u, s, c)| (u.to_string(), s.to_string(), Some(c))));
}

#[test]
fn a_category_may_not_change_which_levels_options_or_clauses_there_are() {
    // Evidence is read by the rule's own names, so a category's other
    // level could never be given, and one it leaves out could not be
    // scored: the framework is refused, each place said.
    let wd = Workdir::new();
    wd.create(
        "fw.toml",
        &BY_NAME
            .replace(r#""一般" = 3, "好" = 10, "较好" = 6"#, r#""优" = 10, "良" = 6"#)
            .replace(
                r#"[["一般", 50], ["好", 100], ["较好", 80]]"#,
                r#"[["好", 100], ["一般", 50]]"#,
            )
            .replace(
                r#"{ id = "a", per = 3 } ]"#,
                r#"{ id = "a", per = 3 }, { id = "c", per = 1 } ]"#,
            ),
    );
    let out = wd.run(&["check", "-f", "$WD/fw.toml", "--lang", "en"]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: $WD/fw.toml:18: L1: rule: by_category \"开发区\": the levels must be the rule's own (好, 较好, 一般), only their parameters changed; here: 优, 良. Evidence names the rule's own levels: another could never be given, and one left out could not be scored\n\
         error: $WD/fw.toml:24: S1: rule: by_category \"开发区\": the survey options must be the rule's own (好, 较好, 一般), only their parameters changed; here: 好, 一般. Evidence names the rule's own survey options: another could never be given, and one left out could not be scored\n\
         error: $WD/fw.toml:30: C1: rule: by_category \"开发区\": the clauses must be the rule's own (a, b), only their parameters changed; here: b, a, c. Evidence names the rule's own clauses: another could never be given, and one left out could not be scored\n\
         error: 3 problems found; nothing was written\n"
    );
    let out = wd.run(&["check", "-f", "$WD/fw.toml", "--lang", "zh"]);
    assert!(
        out.stderr.contains("$WD/fw.toml:18: L1：rule：by_category“开发区”：等级须与规则本身的一致（好、较好、一般），只可改各自的参数；此处为 优、良。证据按规则本身的等级填写：多出的无从填写，缺少的无法计分"),
        "{}",
        out.stderr
    );
    // One level twice ("好" and "好 " are one name once trimmed): which
    // amount is meant cannot be told.
    wd.create(
        "twice.toml",
        &BY_NAME.replace(r#""一般" = 3, "好" = 10,"#, r#""一般" = 3, "好" = 10, "好 " = 2,"#),
    );
    let out = wd.run(&["check", "-f", "$WD/twice.toml", "--lang", "en"]);
    assert_eq!(
        out.stderr,
        "error: $WD/twice.toml:18: L1: rule: by_category \"开发区\": level \"好\" is given twice\n"
    );
}

#[test]
fn a_value_without_an_amount_outside_a_unit_s_category_is_said() {
    // 0/0/0 is a survey without votes: written, but no amount. For a unit
    // of a category the item does not concern it is evidence all the same,
    // which is refused.
    let wd = Workdir::new();
    wd.create(
        "fw.toml",
        r#"[framework]
id = "sv"
title = "测评"
total = 20

[[grade]]
name = "好"
min = 0

[[indicator]]
id = "A1"
name = "扣分"
points = 10
rule = { type = "deduct", per = 1 }

[[indicator]]
id = "S1"
name = "测评"
points = 10
applies_to = ["乡镇"]
rule = { type = "survey", survey = [["好", 100], ["较好", 80], ["一般", 60]] }
"#,
    );
    wd.create("units.csv", "unit,name,category\nU1,一,乡镇\nU2,二,部门\n");
    wd.create(
        "e.csv",
        "unit,indicator,value\nU1,A1,1\nU1,S1,2/1/1\nU2,A1,3\nU2,S1,0/0/0\n",
    );
    for cmd in ["score", "check"] {
        let out = wd.run(&[
            cmd,
            "--lang",
            "en",
            "-f",
            "$WD/fw.toml",
            "-u",
            "$WD/units.csv",
            "$WD/e.csv",
        ]);
        assert_eq!(
            out.stderr,
            "error: $WD/e.csv:5: unit U2 is in category \"部门\", and indicator S1 concerns 乡镇 only: it takes no evidence (it is not applicable to this unit)\n",
            "{cmd}"
        );
    }
}
