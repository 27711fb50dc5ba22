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
            .contains("$WD/e.csv:1: column 2: indicator S1 is scored by several raters; give it in long format"),
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

/// `template --rater NAME`: one sheet per rater with every unit's rater
/// items and the rater's name filled in; the units' own template leaves
/// those items out. Filled in and read back together, they score as by
/// hand.
#[test]
fn each_rater_fills_a_sheet_of_their_own() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    wd.create("units.csv", "unit,name\nA,甲单位\nB,乙单位\n");
    let base = ["template", "--lang", "zh", "-f", "$WD/fw.toml", "-u", "$WD/units.csv"];
    let run = |extra: &[&str]| {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        wd.run(&args)
    };
    // The units' own sheet: S3 only, for A and B.
    let own = run(&["--format", "csv"]);
    assert_eq!(own.code, 0, "{}", own.stderr);
    let rows: Vec<&str> = own.stdout.lines().skip(1).collect();
    assert_eq!(rows.len(), 2, "{}", own.stdout);
    assert!(rows.iter().all(|r| r.contains(",S3,")), "{}", own.stdout);
    // Five raters' sheets: S1 and S2 for A and B, the rater named.
    // Scores: A S1 8, 9, 7, 10, 6 → drop 10 and 6 → 8; S2 好 ×3, 较好, 差 →
    // median 10. B S1 5 each → 5; S2 一般 ×5 → 6.
    let scores = [
        ("张", ["8", "好", "5", "一般"]),
        ("王", ["9", "好", "5", "一般"]),
        ("李", ["7", "好", "5", "一般"]),
        ("赵", ["10", "较好", "5", "一般"]),
        ("钱", ["6", "差", "5", "一般"]),
    ];
    let mut files = Vec::new();
    for (name, values) in scores {
        let sheet = run(&["--format", "csv", "--rater", name]);
        assert_eq!(sheet.code, 0, "{}", sheet.stderr);
        let mut lines = sheet.stdout.lines();
        let header = lines.next().unwrap();
        assert_eq!(
            header.trim_start_matches('\u{feff}'),
            "单位,单位名称,指标,指标名称,评分标准,完成情况,评分人,备注"
        );
        let mut filled = vec![header.to_string()];
        let body: Vec<&str> = lines.collect();
        assert_eq!(body.len(), 4, "{}", sheet.stdout);
        for (line, v) in body.iter().zip(values) {
            let mut cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells[6], name, "{line}");
            cells[5] = v;
            filled.push(cells.join(","));
        }
        files.push(wd.create(&format!("{name}.csv"), &(filled.join("\n") + "\n")));
    }
    wd.create("own.csv", "unit,indicator,value\nA,S3,是\nB,S3,否\n");
    let mut args = vec![
        "score",
        "--format",
        "json",
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/units.csv",
        "$WD/own.csv",
    ];
    let paths: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(paths.iter().map(String::as_str));
    let out = wd.run(&args);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let score = |u: &str| {
        doc["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["unit"] == u)
            .unwrap()["score"]
            .as_f64()
            .unwrap()
    };
    // A: 8 + 10 + 10 = 28; B: 5 + 6 + 0 = 11.
    assert_eq!((score("A"), score("B")), (28.0, 11.0));
    // The workbook: the rater's name in its column, the title says whose.
    assert_eq!(run(&["--rater", "张", "-o", "$WD/张.xlsx"]).code, 0);
    let book = crate::util::Book::open(&wd.path("张.xlsx"));
    let sheet = book.sheet("佐证");
    let cells: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert!(cells[0][0].contains("评委评分表（评分人：张）"), "{:?}", cells[0]);
    assert_eq!(cells[1][6], "评分人");
    assert!(cells[2..].iter().all(|r| r[6] == "张"), "{cells:?}");
    // No rater items, or a name missing: usage errors.
    wd.create(
        "plain.toml",
        &FW.replace("raters = { drop = 1, min_raters = 5 }\n", "")
            .replace("raters = \"median\"\n", ""),
    );
    let none = wd.run(&["template", "-f", "$WD/plain.toml", "--rater", "张", "--format", "csv"]);
    none.assert_usage_error("error: framework ra has no item scored by raters (raters): there is no rater's sheet to write; without --rater the template is the units' own");
}
