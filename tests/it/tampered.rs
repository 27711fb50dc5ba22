//! Saved results edited by hand are refused by `diff` and `trend`: the
//! arithmetic a result claims (score from base, bonus and penalty; bounds;
//! grade from the bands; ranks from the scores) must add up, and a problem
//! names the file, the unit and the field.

use crate::fixtures::{MINI, mini_evidence, mini_row};
use crate::util::{Output, Workdir};
use serde_json::{Value, json};

/// Three units of `MINI`, worked out by hand:
/// - U1 (县): every base point (100.00), J1 = 2 → bonus 2 × 1 = 2.00,
///   K1 = 1 → penalty 1 × 2 = 2.00; score 100 + 2 − 2 = 100.00, 好, rank 1;
/// - U2 (县): A1 = 否 loses 10 → base 90.00, score 90.00, 好 (≥ 90), rank 2;
/// - U3 (乡): V1 triggered → score 100.00 but vetoed: 差, ranked after
///   the others, rank 3; category ranks U1 1, U2 2, U3 1.
fn setup() -> (Workdir, Value) {
    let wd = Workdir::new();
    wd.create("mini.toml", MINI);
    wd.create("units.csv", "unit,name,category\nU1,甲,县\nU2,乙,县\nU3,丙,乡\n");
    wd.create(
        "e.csv",
        &mini_evidence(&[
            mini_row("U1", &[("J1", "2"), ("K1", "1")]),
            mini_row("U2", &[("A1", "否")]),
            mini_row("U3", &[("V1", "是")]),
        ]),
    );
    let out = wd.run(&[
        "score",
        "-f",
        "$WD/mini.toml",
        "-u",
        "$WD/units.csv",
        "--format",
        "json",
        "$WD/e.csv",
    ]);
    out.assert_ok();
    wd.create("old.json", &out.stdout);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    // The figures above, as the result gives them.
    let got: Vec<(String, String, String, u64, Value)> = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["unit"].as_str().unwrap().to_string(),
                u["score"].to_string(),
                u["grade"].as_str().unwrap().to_string(),
                u["rank"].as_u64().unwrap(),
                u["category_rank"].clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("U1".into(), "100.00".into(), "好".into(), 1, json!(1)),
            ("U2".into(), "90.00".into(), "好".into(), 2, json!(2)),
            ("U3".into(), "100.00".into(), "差".into(), 3, json!(1)),
        ]
    );
    (wd, doc)
}

/// Save `doc` with `edit` applied to its units as `new.json`, then run
/// `diff` and `trend` on it; also the file's text.
fn tampered(wd: &Workdir, doc: &Value, edit: impl Fn(&str, &mut Value)) -> (Output, Output, String) {
    let mut doc = doc.clone();
    for u in doc["units"].as_array_mut().unwrap() {
        let id = u["unit"].as_str().unwrap().to_string();
        edit(&id, u);
    }
    let text = serde_json::to_string_pretty(&doc).unwrap();
    wd.create("new.json", &text);
    let diff = wd.run(&["diff", "$WD/old.json", "$WD/new.json"]);
    let trend = wd.run(&["trend", "$WD/old.json", "$WD/new.json"]);
    (diff, trend, text)
}

/// Both commands refuse with exactly these problems, each (unit, what),
/// located at the unit's record.
#[track_caller]
fn refused(outs: (Output, Output, String), problems: &[(&str, &str)]) {
    let (diff, trend, text) = outs;
    let line = |id: &str| {
        text.lines()
            .position(|l| l.contains(&format!("\"unit\": \"{id}\"")))
            .unwrap()
            + 1
    };
    let mut lines: Vec<String> = problems
        .iter()
        .map(|(id, p)| {
            format!(
                "error: $WD/new.json:{}: the result does not add up: unit {id}, field {p} (the file was edited or damaged; score the evidence again)",
                line(id)
            )
        })
        .collect();
    if lines.len() > 1 {
        lines.push(format!("error: {} problems found; nothing was written", lines.len()));
    }
    let want: Vec<&str> = lines.iter().map(String::as_str).collect();
    diff.assert_input_errors(&want);
    trend.assert_input_errors(&want);
}

#[test]
fn the_untouched_result_is_accepted() {
    let (wd, doc) = setup();
    let (diff, trend, _) = tampered(&wd, &doc, |_, _| {});
    diff.assert_ok();
    trend.assert_ok();
}

#[test]
fn an_edited_score_is_refused() {
    let (wd, doc) = setup();
    // U2's 90.00 made 121.06 (the biggest riser): it no longer follows from
    // base 90 + 0 − 0, and it would now rank first, ahead of U1's 100.00,
    // which would be second.
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U2" {
                u["score"] = json!(121.06)
            }
        }),
        &[
            (
                "U2",
                "score: is 121.06, but max(base 90.00 + bonus 0.00 − penalty 0.00, 0) = 90.00",
            ),
            ("U1", "rank: is 1, but the scores give rank 2"),
            ("U2", "rank: is 2, but the scores give rank 1"),
            // Both are 县: the same within the category.
            (
                "U1",
                "category_rank: is 1, but the scores within its category give rank 2",
            ),
            (
                "U2",
                "category_rank: is 2, but the scores within its category give rank 1",
            ),
        ],
    );
}

#[test]
fn out_of_bounds_figures_are_refused() {
    let (wd, doc) = setup();
    // A negative score that still "adds up" (base −5): both negative.
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U2" {
                u["base"] = json!(-5);
                u["score"] = json!(0);
                u["grade"] = json!("差");
            }
        }),
        &[
            ("U2", "base: -5 is negative"),
            // max(−5 + 0 − 0, 0) = 0, the score given, so only the base is wrong;
            // U2 at 0.00 is still second of the two not vetoed.
        ],
    );
    // Base above the total of 100, score to match, grade to match.
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U2" {
                u["base"] = json!(120);
                u["score"] = json!(120);
                u["rank"] = json!(1);
            }
            if id == "U1" {
                u["rank"] = json!(2);
            }
        }),
        &[
            ("U2", "base: 120 is above the total 100"),
            // The ranks were edited to match, the category ranks (县) not.
            (
                "U1",
                "category_rank: is 1, but the scores within its category give rank 2",
            ),
            (
                "U2",
                "category_rank: is 2, but the scores within its category give rank 1",
            ),
        ],
    );
    // Bonus above its cap of 4 (U1: 100 + 6 − 2 = 104).
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U1" {
                u["bonus"] = json!(6);
                u["score"] = json!(104);
            }
        }),
        &[("U1", "bonus: 6 is above the bonus cap 4")],
    );
    // Penalty above its cap of 8 (U1: 100 + 2 − 9 = 93).
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U1" {
                u["penalty"] = json!(9);
                u["score"] = json!(93);
            }
        }),
        &[("U1", "penalty: 9 is above the penalty cap 8")],
    );
    // Three decimal places: no amount kaohe writes has them.
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U2" {
                u["base"] = json!(90.004);
                u["score"] = json!(90.004);
            }
        }),
        &[
            ("U2", "score: 90.004 has more than two decimal places"),
            ("U2", "base: 90.004 has more than two decimal places"),
            (
                "U2",
                "score: is 90.004, but max(base 90.004 + bonus 0.00 − penalty 0.00, 0) = 90.00",
            ),
        ],
    );
}

#[test]
fn grades_and_ranks_must_follow_from_the_scores() {
    let (wd, doc) = setup();
    // Rank 0.
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U1" {
                u["rank"] = json!(0);
            }
        }),
        &[("U1", "rank: is 0, but the scores give rank 1")],
    );
    // 90.00 is 好 (min 90), not 较好.
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U2" {
                u["grade"] = json!("较好");
            }
        }),
        &[("U2", "grade: is \"较好\", but a score of 90.00 gives \"好\"")],
    );
    // A vetoed unit is the lowest grade whatever its score.
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U3" {
                u["grade"] = json!("好");
            }
        }),
        &[("U3", "grade: is \"好\", but a vetoed unit has the lowest grade \"差\"")],
    );
    // The veto removed: U3's 100.00 ties U1 for first, so rank 1, not 3,
    // and U2's 90.00 is third; the category ranks stand (乡: U3 alone).
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U3" {
                u["veto"] = json!([]);
                u["grade"] = json!("好");
            }
        }),
        &[
            ("U2", "rank: is 2, but the scores give rank 3"),
            ("U3", "rank: is 3, but the scores give rank 1"),
        ],
    );
    // Category ranks: U2 second within 县 (behind U1), not first.
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U2" {
                u["category_rank"] = json!(1);
            }
        }),
        &[(
            "U2",
            "category_rank: is 1, but the scores within its category give rank 2",
        )],
    );
}

#[test]
fn a_grade_rule_with_its_reason_may_lower_the_grade() {
    let (wd, doc) = setup();
    // A quota (docs/framework.md, grade rules) moved U2 from 好 to 较好: accepted, since the
    // reason is given and 好 is what 90.00 gives.
    let (diff, trend, _) = tampered(&wd, &doc, |id, u| {
        if id == "U2" {
            u["grade"] = json!("较好");
            u["grade_by_score"] = json!("好");
            u["grade_reason"] = json!("quota");
        }
    });
    diff.assert_ok();
    trend.assert_ok();
    // But not the grade the score alone gives misstated …
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U2" {
                u["grade"] = json!("一般");
                u["grade_by_score"] = json!("较好");
                u["grade_reason"] = json!("quota");
            }
        }),
        &[("U2", "grade_by_score: is \"较好\", but a score of 90.00 gives \"好\"")],
    );
    // … nor a grade above it: 差 by its score (0.00 < 60), yet 一般.
    refused(
        tampered(&wd, &doc, |id, u| {
            if id == "U2" {
                u["base"] = json!(0);
                u["score"] = json!(0);
                u["grade"] = json!("一般");
                u["grade_by_score"] = json!("差");
                u["grade_reason"] = json!("cap");
            }
        }),
        &[("U2", "grade: is \"一般\", above \"差\" that a score of 0 gives")],
    );
}
