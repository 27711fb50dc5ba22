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
    wd.run(&["deficiencies", "-f", "$WD/fw.toml", "--self", "$WD/self.csv", "--format", "csv", "$WD/team.csv"])
        .assert_usage_error(
            "error: deficiencies --self lists the items self-assessed higher after the list, written as table or md only, not csv; every item's self amount is in score --self --format json",
        );
}
