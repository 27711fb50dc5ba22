//! Several raters per item (评委打分): every amount worked out by hand.

use crate::util::Workdir;
use serde_json::Value;

const FW: &str = r#"
[framework]
id = "ra"
title = "评委打分"
total = 30

[[grade]]
name = "合格"
min = 0

[[indicator]]
id = "S1"
name = "述职评议"
points = 10
raters = { drop = 1, min_raters = 5 }
rule = { type = "direct" }

[[indicator]]
id = "S2"
name = "现场答辩"
points = 10
raters = "median"
rule = { type = "levels", levels = { "好" = 10, "较好" = 8, "一般" = 6, "差" = 0 } }

[[indicator]]
id = "S3"
name = "材料"
points = 10
rule = { type = "check" }
"#;

// A, S1: 8, 9, 7, 10, 6 — five raters: drop 10 and 6, (8 + 9 + 7) / 3 = 8.
// B, S1: 8, 9, 7, 10 — fewer than five: nothing dropped, 34 / 4 = 8.5.
// C, S1: 9, 9, 9, 8, 8.5 — the 9s tie at the top: one dropped, and 8:
//        (9 + 9 + 8.5) / 3 = 8.8333… → 8.83.
// A, S2: 好 10, 较好 8 → median (10 + 8) / 2 = 9.
// B, S2: 一般 6, 差 0, 好 10 → median 6.
// C, S2: none → missing, 0.
// S3: 是 10 for all.
const EVIDENCE: &str = "unit,indicator,评分人,value
A,S1,张,8
A,S1,王,9
A,S1,李,7
A,S1,赵,10
A,S1,钱,6
B,S1,张,8
B,S1,王,9
B,S1,李,7
B,S1,赵,10
C,S1,张,9
C,S1,王,9
C,S1,李,9
C,S1,赵,8
C,S1,钱,8.5
A,S2,张,好
A,S2,王,较好
B,S2,张,一般
B,S2,王,差
B,S2,李,好
A,S3,,是
B,S3,,是
C,S3,,是
";

fn setup(evidence: &str) -> Workdir {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    wd.create("e.csv", evidence);
    wd
}

#[test]
fn mean_median_and_trimmed_mean_by_hand() {
    let wd = setup(EVIDENCE);
    let out = wd.run(&["score", "-f", "$WD/fw.toml", "--format", "json", "$WD/e.csv"]);
    out.assert_ok();
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let units = doc["units"].as_array().unwrap();
    let get = |id: &str| units.iter().find(|u| u["unit"] == id).unwrap();
    let amount = |u: &Value, i: usize| u["indicators"][i]["amount"].as_f64();
    assert_eq!((amount(get("A"), 0), amount(get("A"), 1)), (Some(8.0), Some(9.0)));
    assert_eq!((amount(get("B"), 0), amount(get("B"), 1)), (Some(8.5), Some(6.0)));
    assert_eq!((amount(get("C"), 0), amount(get("C"), 1)), (Some(8.83), Some(0.0)));
    assert_eq!(get("C")["indicators"][1]["status"], "missing");
    // Scores: A 8 + 9 + 10 = 27; B 8.5 + 6 + 10 = 24.5; C 8.83 + 0 + 10 = 18.83.
    for (id, score) in [("A", 27.0), ("B", 24.5), ("C", 18.83)] {
        assert_eq!(get(id)["score"].as_f64(), Some(score), "{id}");
    }
    // Which were dropped: A's 10 (赵) and 6 (钱); none of B's.
    let dropped = |u: &Value| -> Vec<String> {
        u["indicators"][0]["raters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["dropped"] == true)
            .map(|r| r["rater"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(dropped(get("A")), ["赵", "钱"]);
    assert!(dropped(get("B")).is_empty());
    assert_eq!(dropped(get("C")).len(), 2);
    // Items without raters carry no rater list.
    assert!(get("A")["indicators"][2].get("raters").is_none());

    let ex = wd.run(&["explain", "A", "--lang", "zh", "-f", "$WD/fw.toml", "$WD/e.csv"]);
    ex.assert_ok();
    assert!(
        ex.stdout.contains(
            "评委：张 8.00、王 9.00、李 7.00、赵 10.00（去掉）、钱 6.00（去掉）；去掉1个最高分和1个最低分后取平均"
        ),
        "{}",
        ex.stdout
    );
}

#[test]
fn rater_rows_that_do_not_fit_are_located() {
    let wd = setup(&format!("{EVIDENCE}A,S1,张,5\nA,S3,张,是\nB,S2,,好\n"));
    wd.run(&["score", "-f", "$WD/fw.toml", "$WD/e.csv"]).assert_input_errors(&[
        "error: $WD/e.csv:24: unit A, indicator S1, rater 张: duplicate evidence (first at $WD/e.csv:2)",
        "error: $WD/e.csv:25: unit A, indicator S3: the item is not scored by several raters (no raters in the framework), so rater \"张\" does not belong here",
        "error: $WD/e.csv:26: unit B, indicator S2: the item is scored by several raters (raters in the framework), and this row names none (a rater/评分人 column)",
        "error: 3 problems found; nothing was written",
    ]);
    // A wide file cannot say who rated.
    let wd = setup("unit,S1,S2,S3\nA,8,好,是\n");
    let out = wd.run(&["score", "-f", "$WD/fw.toml", "$WD/e.csv"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("the item is scored by several raters; give it in long format"),
        "{}",
        out.stderr
    );
    // The framework key is checked.
    wd.create("bad.toml", &FW.replace("raters = \"median\"", "raters = \"avg\""));
    let out = wd.run(&["check", "-f", "$WD/bad.toml"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("S2: raters must be \"mean\", \"median\""),
        "{}",
        out.stderr
    );
}
