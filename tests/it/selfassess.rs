//! `--self`: the units' self-assessment beside the team's score, worked out
//! by hand.

use crate::util::Workdir;
use serde_json::Value;

const FW: &str = r#"
[framework]
id = "s"
title = "自评对照"
total = 20

[[grade]]
name = "好"
min = 18
[[grade]]
name = "差"
min = 0

[[indicator]]
id = "A1"
name = "学习次数"
points = 10
rule = { type = "target", target = 4, per = 2 }

[[indicator]]
id = "A2"
name = "制度建设"
points = 10
rule = { type = "check" }

[[indicator]]
id = "K1"
name = "被通报"
kind = "penalty"
points = 4
rule = { type = "count", per = 2 }
"#;

// Team:  U1 A1 3 → 10 − 2 × 1 = 8, A2 是 10, K1 1 → −2: 16.
//        U2 A1 4 → 10, A2 否 0, K1 0: 10.
//        U3 A1 4 → 10, A2 是 10: 20.
// Self:  U1 A1 4 → 10, A2 是 10, K1 0 → 0: 20 (gap +4; A1 +2, and K1 taken
//        off 0 where the team took 2).
//        U2 A1 4 → 10, A2 是 10: 20 (gap +10; A2 +10).
//        U3: no self-assessment.
const TEAM: &str =
    "unit,indicator,value\nU1,A1,3\nU1,A2,是\nU1,K1,1\nU2,A1,4\nU2,A2,否\nU2,K1,0\nU3,A1,4\nU3,A2,是\nU3,K1,0\n";
const MINE: &str = "unit,indicator,value\nU1,A1,4\nU1,A2,是\nU1,K1,0\nU2,A1,4\nU2,A2,是\nU2,K1,0\n";

fn setup() -> Workdir {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    wd.create("team.csv", TEAM);
    wd.create("self.csv", MINE);
    wd
}

#[test]
fn self_scores_and_gaps_by_hand() {
    let wd = setup();
    let out = wd.run(&[
        "score",
        "-f",
        "$WD/fw.toml",
        "--self",
        "$WD/self.csv",
        "--format",
        "json",
        "$WD/team.csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "warning: $WD/self.csv: unit U3 has no self-assessment: the team's score only\n"
    );
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let units = doc["units"].as_array().unwrap();
    let get = |id: &str| units.iter().find(|u| u["unit"] == id).unwrap();
    for (id, score, mine, gap) in [("U1", 16.0, 20.0, 4.0), ("U2", 10.0, 20.0, 10.0)] {
        let u = get(id);
        assert_eq!(u["score"].as_f64(), Some(score), "{id}");
        assert_eq!(u["self_score"].as_f64(), Some(mine), "{id}");
        assert_eq!(u["self_gap"].as_f64(), Some(gap), "{id}");
    }
    assert!(get("U3").get("self_score").is_none());
    let u1 = get("U1");
    assert_eq!(u1["indicators"][0]["self_amount"].as_f64(), Some(10.0));
    assert_eq!(u1["indicators"][0]["amount"].as_f64(), Some(8.0));
    assert_eq!(u1["indicators"][2]["self_amount"].as_f64(), Some(0.0));

    // The table shows both, and explain the reconciliation.
    let t = wd.run(&[
        "score",
        "--lang",
        "zh",
        "-f",
        "$WD/fw.toml",
        "--self",
        "$WD/self.csv",
        "$WD/team.csv",
    ]);
    let header = t.stdout.lines().find(|l| l.contains("排名")).expect("a header line");
    let at = |name: &str| header.find(name).unwrap_or_else(|| panic!("no {name} in {header}"));
    assert!(at("得分") < at("自评分") && at("自评分") < at("差值"), "{header}");
    assert!(t.stdout.contains("| 16.00 |  20.00 |  +4.00 |"), "{}", t.stdout);
    let ex = wd.run(&[
        "explain",
        "U1",
        "--lang",
        "zh",
        "-f",
        "$WD/fw.toml",
        "--self",
        "$WD/self.csv",
        "$WD/team.csv",
    ]);
    assert!(
        ex.stdout.contains("自评分 20.00（好）· 考核组评分 16.00 · 差值 +4.00"),
        "{}",
        ex.stdout
    );
}

#[test]
fn items_self_assessed_higher_are_listed_for_feedback() {
    let wd = setup();
    let out = wd.run(&[
        "deficiencies",
        "--lang",
        "zh",
        "-f",
        "$WD/fw.toml",
        "--self",
        "$WD/self.csv",
        "$WD/team.csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let section = out.stdout.split("自评偏高").nth(1).expect("the section");
    // U1 A1 10 against 8; U1 K1 took off 0 against 2; U2 A2 10 against 0.
    for row in [
        "| U1   |      | A1   | 学习次数 | 10.00 |   8.00 |  +2.00 |",
        "| U1   |      | K1   | 被通报   |  0.00 |  -2.00 |  +2.00 |",
        "| U2   |      | A2   | 制度建设 | 10.00 |   0.00 | +10.00 |",
    ] {
        assert!(section.contains(row), "{row}\n{section}");
    }
    assert_eq!(section.matches("| U").count(), 3, "{section}");
    let base = [
        "deficiencies",
        "--lang",
        "zh",
        "-f",
        "$WD/fw.toml",
        "--self",
        "$WD/self.csv",
    ];
    let run = |extra: &[&str]| {
        let args: Vec<&str> = base.iter().chain(extra).copied().collect();
        let out = wd.run(&args);
        assert_eq!(out.code, 0, "{}", out.stderr);
        out.stdout
    };
    // JSON: the same three items, self against team (a penalty as what was
    // taken off, negated), gap = self − team.
    let json = run(&["--format", "json", "$WD/team.csv"]);
    let doc: Value = serde_json::from_str(&json).unwrap();
    // Layout and escapes are serde_json's own, read and printed back by it.
    assert_eq!(serde_json::to_string_pretty(&doc).unwrap() + "\n", json);
    let items: Vec<(String, String, f64, f64, f64)> = doc["self_higher"]
        .as_array()
        .expect("self_higher")
        .iter()
        .map(|x| {
            (
                x["unit"].as_str().unwrap().to_string(),
                x["indicator"].as_str().unwrap().to_string(),
                x["self"].as_f64().unwrap(),
                x["team"].as_f64().unwrap(),
                x["gap"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            ("U1".into(), "A1".into(), 10.0, 8.0, 2.0),
            ("U1".into(), "K1".into(), 0.0, -2.0, 2.0),
            ("U2".into(), "A2".into(), 10.0, 0.0, 10.0),
        ]
    );
    // Without --self there is no such field.
    let plain = wd.run(&["deficiencies", "-f", "$WD/fw.toml", "--format", "json", "$WD/team.csv"]);
    assert!(!plain.stdout.contains("self_higher"), "{}", plain.stdout);
    // CSV: each listed item's self amount in a last column (U1 A1 lost 2
    // self-assessed 10; U1 K1 took 2 off, self 0; U2 A2 lost 10, self 10).
    let csv = run(&["--format", "csv", "$WD/team.csv"]);
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().ends_with(",状态,自评得分"), "{csv}");
    let cells: Vec<(String, String)> = lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (format!("{} {}", c[1], c[4]), c.last().unwrap().to_string())
        })
        .collect();
    for want in [("U1 A1", "10.00"), ("U1 K1", "0.00"), ("U2 A2", "10.00")] {
        assert!(
            cells.contains(&(want.0.to_string(), want.1.to_string())),
            "{want:?}\n{csv}"
        );
    }
    // The workbook has a sheet of them, the HTML page a section.
    run(&["-o", "$WD/l.xlsx", "$WD/team.csv"]);
    let book = crate::util::Book::open(&wd.path("l.xlsx"));
    let sheet = book.sheet("自评偏高");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let u2 = rows
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "U2"))
        .expect("U2's row");
    // Number cells: self 10, team 0, gap 10.
    assert_eq!(&u2[2..], ["A2", "制度建设", "10", "0", "10"], "{rows:?}");
    assert_eq!(
        rows.iter()
            .filter(|r| r.first().is_some_and(|c| c.starts_with('U')))
            .count(),
        3
    );
    run(&["-o", "$WD/l.html", "$WD/team.csv"]);
    let html = std::fs::read_to_string(wd.path("l.html")).unwrap();
    let section = html.split("自评偏高").nth(1).expect("the section");
    assert!(
        section.contains("<td class=\"num\">+10.00</td>") || section.contains(">+10.00<"),
        "{section}"
    );
}

/// 自评偏高 covers the listed units only, in every format: with
/// `--category 市直部门` only D02 of the four units that rated items higher
/// in the shipped self-assessment (T01, T03, D02, E04) is a 市直部门.
#[test]
fn items_self_assessed_higher_follow_the_selection() {
    let wd = Workdir::new();
    let args = |format: &'static str| {
        vec![
            "deficiencies",
            "--lang",
            "zh",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "--self",
            "examples/2023自评.csv",
            "--category",
            "市直部门",
            "--format",
            format,
            "examples/2023.csv",
        ]
    };
    let table = wd.run(&args("table"));
    assert_eq!(table.code, 0, "{}", table.stderr);
    let section = table.stdout.split("自评偏高").nth(1).expect("the section");
    let units: std::collections::BTreeSet<&str> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split_whitespace().next())
        .filter(|c| c.starts_with(['T', 'D', 'E']))
        .collect();
    assert_eq!(units.into_iter().collect::<Vec<_>>(), ["D02"], "{section}");
    let json = wd.run(&args("json"));
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let listed: Vec<&str> = doc["self_higher"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["unit"].as_str().unwrap())
        .collect();
    assert_eq!(listed, ["D02", "D02"]);
}

/// `--encoding gbk` for every file, the team's evidence in GBK and the
/// self-assessment saved as UTF-8: the self-assessment would be read as
/// GBK. Refused, naming its file, as an evidence or units file is.
#[test]
fn an_encoding_for_every_file_does_not_garble_the_self_assessment() {
    let wd = setup();
    wd.create_bytes("team.csv", &encoding_rs::GBK.encode(TEAM).0);
    let out = wd.run(&[
        "score",
        "-f",
        "$WD/fw.toml",
        "--encoding",
        "gbk",
        "--self",
        "$WD/self.csv",
        "$WD/team.csv",
    ]);
    out.assert_input_errors(&[
        "error: $WD/self.csv: the file is UTF-8, but --encoding gbk reads every CSV file as gbk, which would garble its Chinese text: give the encoding for the gbk files only (--encoding FILE=gbk); this one needs none",
    ]);
}

/// A unit self-assessed but not assessed is named, as is a unit assessed
/// without a self-assessment.
#[test]
fn a_self_assessment_of_a_unit_not_assessed_is_named() {
    let wd = setup();
    wd.create("self.csv", &format!("{MINE}U9,A1,4\nU9,A2,是\n"));
    let out = wd.run(&[
        "score",
        "-f",
        "$WD/fw.toml",
        "--self",
        "$WD/self.csv",
        "--format",
        "csv",
        "$WD/team.csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "warning: $WD/self.csv: unit U3 has no self-assessment: the team's score only\n\
         warning: $WD/self.csv: unit U9 has a self-assessment but is not assessed: it is left out\n"
    );
    assert!(!out.stdout.contains("U9"), "{}", out.stdout);
}
