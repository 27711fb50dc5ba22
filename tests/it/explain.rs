//! `kaohe explain UNIT`: the ledger and the lines that reconcile it.

use crate::fixtures::{mini_evidence, mini_row, unit};
use crate::util::Workdir;

/// U01: A1 否, B3 不适用, both caps biting; U02: 90.00 but vetoed.
fn ledger_fixture() -> Workdir {
    let wd = Workdir::mini();
    // U03 has no evidence on purpose.
    wd.allow_warnings(&[
        "warning: $WD/units.csv:4: unit U03 (丙局) has no evidence at all (was its file left out?); every item scores 0 as missing",
        "警告：$WD/units.csv:4: 单位 U03（丙局）在佐证中没有任何数据（是否漏交？），各项均按无佐证计 0 分",
    ]);
    wd.create(
        "units.csv",
        "unit,name,category\nU01,甲镇,乡镇\nU02,乙镇,乡镇\nU03,丙局,部门\n",
    );
    wd.create(
        "e.csv",
        &mini_evidence(&[
            mini_row(
                "U01",
                &[
                    ("A1", "否"),
                    ("B3", "不适用"),
                    ("J1", "3"),
                    ("J2", "是"),
                    ("K1", "3"),
                    ("K2", "是"),
                ],
            ),
            mini_row("U02", &[("B3", "5"), ("V1", "是")]),
        ]),
    );
    wd
}

fn tail(text: &str, n: usize) -> Vec<&str> {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len() - n..].to_vec()
}

#[test]
fn reconciles_a_rescaled_and_capped_score() {
    let wd = ledger_fixture();
    let args = [
        "explain",
        "U01",
        "--period",
        "2023",
        "-f",
        "$WD/mini.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ];
    let en = wd.stdout(&[&["--lang", "en"], &args[..]].concat());
    assert_eq!(en.lines().next().unwrap(), "U01 甲镇（乡镇） · 迷你考核 · 2023");
    // 85 applicable points, 75 earned: 75 × 100 / 85 = 88.235… → 88.24.
    assert_eq!(
        tail(&en, 4),
        [
            "base = 75.00 × 100 / 85 = 88.24 (B3 not applicable, rescaled)",
            "score = base 88.24 + bonus 4.00 (sum 5.00, capped at 4) − penalty 8.00 (sum 11.00, capped at 8) = 84.24",
            "grade 较好 · rank 1/3 · category rank 1/2 (乡镇)",
            "5.76 points short of 好: fix A1 (+11.76) (penalties K1, K2 stand: they are not fixes)",
        ]
    );
    let row = |text: &str, id: &str| {
        text.lines()
            .find(|l| l.split('|').nth(2).is_some_and(|c| c.trim() == id))
            .map(|l| {
                l.split('|')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .unwrap_or_else(|| panic!("no row {id}"))
    };
    assert_eq!(
        row(&en, "A1"),
        "A | A1 | 专题研究 | 10 | 否 | yes 10, no 0 | 0.00 | 10.00 | failed | $WD/e.csv:2"
    );
    assert_eq!(
        row(&en, "B3"),
        "B | B3 | 品牌创建 | 15 | 不适用 | assessed amount 0–15 | exempt | $WD/e.csv:2"
    );
    assert_eq!(
        row(&en, "K1"),
        "penalty | K1 | 通报批评 | 6 | 3 | −2 per occurrence, at most −6 | 6.00 | triggered | $WD/e.csv:2"
    );

    let zh = wd.stdout(&[&["--lang", "zh"], &args[..]].concat());
    assert_eq!(
        tail(&zh, 4),
        [
            "基础分 = 75.00 × 100 / 85 = 88.24（B3 不适用，按比例折算）",
            "得分 = 基础分 88.24 + 加分 4.00（合计 5.00，封顶 4） − 扣分 8.00（合计 11.00，封顶 8） = 84.24",
            "等次 较好 · 排名 1/3 · 分类排名 1/2（乡镇）",
            "距好差5.76分：整改 A1（11.76分）即可（扣分项 K1、K2 不属整改之列）",
        ]
    );
}

#[test]
fn names_the_veto_that_set_the_grade() {
    let wd = ledger_fixture();
    let args = [
        "explain",
        "U02",
        "-f",
        "$WD/mini.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ];
    assert_eq!(
        tail(&wd.stdout(&[&["--lang", "en"], &args[..]].concat()), 5),
        [
            "base = 90.00",
            "score = base 90.00 + bonus 0.00 − penalty 0.00 = 90.00",
            "grade 差 (score gives 好; veto) · rank 3/3 · category rank 2/2 (乡镇)",
            "veto: V1 严重错误导向 (是) → grade set to 差",
            "vetoed (V1): the grade cannot rise this period",
        ]
    );
    assert_eq!(
        tail(&wd.stdout(&[&["--lang", "zh"], &args[..]].concat()), 3),
        [
            "等次 差（按分数为好，一票否决） · 排名 3/3 · 分类排名 2/2（乡镇）",
            "一票否决：V1 严重错误导向（是）→ 等次为差",
            "一票否决（V1），本期等次不能提升",
        ]
    );
    // Markdown: the same lines as a list under the table.
    let md = wd.stdout(&[&["--lang", "zh"], &args[..2], &["--format", "md"], &args[2..]].concat());
    assert_eq!(md.lines().next().unwrap(), "# U02 乙镇（乡镇） · 迷你考核");
    assert_eq!(
        tail(&md, 6),
        [
            "",
            "- 基础分 = 90.00",
            "- 得分 = 基础分 90.00 + 加分 0.00 − 扣分 0.00 = 90.00",
            "- 等次 差（按分数为好，一票否决） · 排名 3/3 · 分类排名 2/2（乡镇）",
            "- 一票否决：V1 严重错误导向（是）→ 等次为差",
            "- 一票否决（V1），本期等次不能提升",
        ]
    );
}

/// A unit listed but without evidence can be explained: everything missing.
#[test]
fn explains_a_unit_without_evidence() {
    let wd = ledger_fixture();
    let csv = wd.stdout(&[
        "explain",
        "U03",
        "--lang",
        "en",
        "--format",
        "csv",
        "-f",
        "$WD/mini.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "Group,Indicator,Name,Points,Value,Rule,Amount,Lost,Status,Note,Source,Evidence at"
    );
    assert_eq!(lines[1], "A,A1,专题研究,10,,\"yes 10, no 0\",0.00,10.00,missing,,,");
    assert_eq!(lines[15], "veto,V1,严重错误导向,,,veto when triggered,,,clear,,,");
    assert_eq!(lines.len(), 16);
}

/// `explain --format json` is the unit's object of the result document.
#[test]
fn json_is_the_units_result_object() {
    let wd = ledger_fixture();
    let base = ["-f", "$WD/mini.toml", "-u", "$WD/units.csv", "$WD/e.csv"];
    let doc = wd.json(&base);
    for id in ["U01", "U02", "U03"] {
        let text = wd.stdout(&[&["explain", id, "--format", "json"], &base[..]].concat());
        let one: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(&one, unit(&doc, id), "{id}");
    }
}

#[test]
fn unknown_unit_is_an_input_error_with_a_suggestion() {
    let wd = ledger_fixture();
    wd.run(&[
        "explain",
        "u01",
        "-f",
        "$WD/mini.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ])
    .assert_input_errors(&[
        "warning: $WD/units.csv:4: unit U03 (丙局) has no evidence at all (was its file left out?); every item scores 0 as missing",
        "error: $WD/units.csv: no unit \"u01\" is assessed (did you mean \"U01\"?)",
    ]);
    wd.run(&[
        "explain",
        "X99",
        "-f",
        "$WD/mini.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ])
    .assert_input_errors(&[
        "warning: $WD/units.csv:4: unit U03 (丙局) has no evidence at all (was its file left out?); every item scores 0 as missing",
        "error: $WD/units.csv: no unit \"X99\" is assessed",
    ]);
    // Without a units file, the evidence files are named.
    wd.create("more.csv", "unit,indicator,value\nU07,A1,是\n");
    wd.run(&["explain", "U0", "-f", "$WD/mini.toml", "$WD/e.csv", "$WD/more.csv"])
        .assert_input_errors(&["error: $WD/e.csv, $WD/more.csv: no unit \"U0\" is assessed (did you mean \"U01\"?)"]);
    // Nothing is written on failure.
    wd.run(&["explain", "X99", "-o", "$WD/x.md", "-f", "$WD/mini.toml", "$WD/e.csv"])
        .assert_input_errors(&["error: $WD/e.csv: no unit \"X99\" is assessed"]);
    assert!(!wd.path("x.md").exists());
}

#[test]
fn shipped_example_rescaled_unit() {
    let wd = Workdir::new();
    let out = wd.stdout(&[
        "explain",
        "E02",
        "--lang",
        "en",
        "-u",
        "examples/units.csv",
        "--period",
        "2022",
        "examples/2022.csv",
    ]);
    // E02 marked C5 (3) and E2 (4) 不适用: 93 applicable points. It lost
    // A2 1, A4 0.5 (A4/a), B1 1 (B1/b 2 × 0.5), B3 1, C3 1, C4 1 (2 short × 0.5),
    // D2 0.5 (3 × 0.5 = 1.5 of 2), D5 1, F4 1, F5 1 (90% → 2 of 3), F8 1 and
    // F6 0.16 (3 × (40×100 + 10×80 + 2×60) / (100 × 52) = 2.8385 → 2.84):
    // 10.16 lost, 93 − 10.16 = 82.84, × 100 / 93 = 89.075… → 89.08.
    // Fixing one 1.00 loss gives (82.84 + 1) × 100 / 93 = 90.15 ≥ 90: the
    // first in framework order, A2, +1.07.
    assert_eq!(
        tail(&out, 4),
        [
            "base = 82.84 × 100 / 93 = 89.08 (C5, E2 not applicable, rescaled)",
            "score = base 89.08 + bonus 0.00 − penalty 0.00 = 89.08",
            "grade 较好 · rank 5/15 · category rank 1/4 (国有企业)",
            "0.92 points short of 好: fix A2 (+1.07)",
        ]
    );
    let out = wd.stdout(&[
        "explain",
        "D03",
        "--lang",
        "en",
        "-u",
        "examples/units.csv",
        "--period",
        "2022",
        "examples/2022.csv",
    ]);
    // J1 2 × 1 + J2 2 + J3 3 × 0.5 = 5.50, capped at 5.
    assert_eq!(
        tail(&out, 2)[0],
        "score = base 90.38 + bonus 5.00 (sum 5.50, capped at 5) − penalty 0.00 = 95.38"
    );
}
