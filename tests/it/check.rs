//! `kaohe check`: the framework tree, every framework error, and evidence
//! validation.

use crate::fixtures::{mini_evidence, mini_row};
use crate::util::Workdir;

/// A valid framework of one group and one indicator. Line numbers: header
/// 1–4, grades 6–11, group A 13–16, indicator A1 18–23; text appended with
/// [`tiny`] starts on line 24.
const TINY: &str = r#"[framework]
id = "t"
title = "小"
total = 10

[[grade]]
name = "好"
min = 9
[[grade]]
name = "差"
min = 0

[[group]]
id = "A"
name = "甲"
points = 10

[[indicator]]
id = "A1"
group = "A"
name = "一"
points = 10
rule = { type = "check" }
"#;

/// `TINY` with `replace` applied (pairs of from, to) and `extra` appended.
fn tiny(replace: &[(&str, &str)], extra: &str) -> String {
    let mut s = TINY.to_string();
    for (from, to) in replace {
        assert!(s.contains(from), "{from}");
        s = s.replacen(from, to, 1);
    }
    s.push_str(extra);
    s
}

/// Run `check -f` on this framework text and expect these errors (the
/// summary line is added when there are several).
#[track_caller]
fn check_errors(framework: &str, lines: &[&str]) {
    let wd = Workdir::new();
    wd.create("f.toml", framework);
    let mut expected: Vec<String> = lines.iter().map(|l| format!("error: $WD/f.toml:{l}")).collect();
    if lines.len() > 1 {
        expected.push(format!("error: {} problems found; nothing was written", lines.len()));
    }
    let out = wd.run(&["check", "-f", "$WD/f.toml"]);
    out.assert_input_errors(&expected.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn tiny_is_valid() {
    let wd = Workdir::new();
    wd.create("f.toml", TINY);
    assert_eq!(
        wd.stdout(&["check", "--lang", "en", "-f", "$WD/f.toml"]),
        "小 [t]\ntotal 10 · 1 indicators, base: 1\n\nA 甲（10）\n  A1 一  10  — yes 10, no 0\nGrades: 好 ≥9 · 差 ≥0\nMissing: missing evidence scores 0\n"
    );
}

#[test]
fn prints_the_framework_tree() {
    let wd = Workdir::mini();
    assert_eq!(
        wd.stdout(&["check", "--lang", "en", "-f", "$WD/mini.toml"]),
        "迷你考核 [mini]
total 100 · 15 indicators, base: 10

A 思想引领（50）
  A1 专题研究  10  — yes 10, no 0
  A2 舆情处置  10  — −2 per occurrence, floor 0
  A3 主题宣讲  10  — +2.5 per occurrence, up to 10
  A4 形势研判  10  — target 4, −2 per 1 short, floor 0
  A5 支部达标率  10  — pro rata to target 100
B 责任落实（50）
  B1 学习平台  10  — ≥95: 10; ≥80: 6; ≥60: 3; else 0
  B2 牵头抓总  10  — 好 10, 较好 8, 一般 5, 差 0
  B3 品牌创建  15  — assessed amount 0–15 (may be N/A)
  B4 书记责任  5  — a: −1 each (max 3); b: −2.5 each; floor 0
  B5 民主测评  10  — survey, weighted (好100/较好80/一般60/较差40) (may be N/A)
bonus (capped at 4)
  J1 经验推广  3  — +1 per occurrence, up to 3
  J2 上级表彰  2  — yes 2, no 0
penalty (capped at 8)
  K1 通报批评  6  — −2 per occurrence, at most −6
  K2 巡察问题  5  — −5 if yes
veto
  V1 严重错误导向  — veto when triggered
Grades: 好 ≥90 · 较好 ≥80 · 一般 ≥60 · 差 ≥0
Missing: missing evidence scores 0 · rectification within 30 days
"
    );
    let zh = wd.stdout(&["check", "--lang", "zh", "-f", "$WD/mini.toml"]);
    let lines: Vec<&str> = zh.lines().collect();
    assert_eq!(lines[1], "总分 100 · 15 项指标，其中基础指标 10");
    assert_eq!(lines[3], "A 思想引领（50分）");
    assert_eq!(lines[12], "  B3 品牌创建  15分  — 直接评定得分（0–15分）（可不适用）");
    assert_eq!(lines[15], "加分项（合计封顶 4分）");
    assert_eq!(lines[lines.len() - 1], "缺项：无佐证材料不得分 · 整改时限 30 天");
}

#[test]
fn nested_groups_and_ungrouped_items_in_the_tree() {
    let wd = Workdir::new();
    let src = tiny(
        &[
            (
                "points = 10\n\n[[indicator]]",
                "points = 6\n\n[[group]]\nid = \"A.1\"\nname = \"子\"\nparent = \"A\"\n\n[[indicator]]",
            ),
            ("points = 10\nrule", "points = 4\nrule"),
        ],
        "\n[[indicator]]\nid = \"A2\"\ngroup = \"A.1\"\nname = \"二\"\npoints = 2\nrule = { type = \"check\" }\n\
         \n[[indicator]]\nid = \"Z1\"\nname = \"散\"\npoints = 4\nrule = { type = \"deduct\", per = 1 }\n",
    );
    // A = A1 4 + A.1 2 = 6; total 4 + 2 + 4 = 10.
    wd.create("f.toml", &src);
    assert_eq!(
        wd.stdout(&["check", "--lang", "en", "-f", "$WD/f.toml"]),
        "小 [t]\ntotal 10 · 3 indicators, base: 3\n\n\
         A 甲（6）\n  A1 一  4  — yes 4, no 0\n  A.1 子（2）\n    A2 二  2  — yes 2, no 0\n\
         (no group)\n  Z1 散  4  — −1 per occurrence, floor 0\n\
         Grades: 好 ≥9 · 差 ≥0\nMissing: missing evidence scores 0\n"
    );
}

#[test]
fn the_embedded_framework_is_valid() {
    let wd = Workdir::new();
    let out = wd.stdout(&["check", "--lang", "en"]);
    assert_eq!(
        out.lines().take(2).collect::<Vec<_>>(),
        [
            "全省意识形态工作责任制考核评价指标体系（2023年度） [ideology-2023]",
            "total 100 · 48 indicators, base: 39"
        ]
    );
    // Without -f the newest is the default, and the list says so.
    assert_eq!(
        out.lines().last().unwrap(),
        "Built-in frameworks: ideology-2022 (2022) · ideology-2023 (2023, default)"
    );
    // K1 (6) + K2 (4) exceed the 2023 penalty_cap of 8: no note there.
    assert!(!out.contains("can never bind"), "{out}");
}

#[test]
fn a_built_in_framework_by_id_or_by_year() {
    let wd = Workdir::new();
    let by_id = wd.stdout(&["check", "--lang", "zh", "-f", "ideology-2022"]);
    assert!(by_id.starts_with("全省意识形态工作责任制考核评价指标体系（2022年度） [ideology-2022]\n"));
    // In 2022 K1 (6) + K2 (4) = 10 = penalty_cap: the cap can never bind.
    assert!(
        by_id.contains(
            "扣分项（合计封顶 10分）\n  注意：各项上限合计 10分，不超过 penalty_cap = 10，封顶永远不会起作用\n"
        ),
        "{by_id}"
    );
    assert!(
        by_id.contains("\n整改起点：失分不足 0.5分的不列入整改（单项另定：F6 1）\n"),
        "{by_id}"
    );
    // The year of --period chooses, and the list marks the one chosen.
    let by_year = wd.stdout(&["check", "--lang", "zh", "--period", "2022H1"]);
    let framework = |s: &str| s.split("\n内置考核方案").next().unwrap().to_string();
    assert_eq!(framework(&by_year), framework(&by_id));
    assert!(by_year.ends_with("内置考核方案：ideology-2022（2022年度，默认） · ideology-2023（2023年度）\n"));
    // A year without its own: the newest.
    assert!(wd.stdout(&["check", "--period", "2021"]).contains("[ideology-2023]"));
    wd.run(&["check", "-f", "ideology-2032"]).assert_input_errors(&[
        "error: ideology-2032: is neither a file nor a built-in framework (did you mean \"ideology-2022\"?); the built-in ones are ideology-2022, ideology-2023",
    ]);
}

#[test]
fn duplicate_and_unknown_ids() {
    check_errors(
        &tiny(
            &[(
                "points = 10\n\n[[indicator]]",
                "points = 10\n\n[[group]]\nid = \"A\"\nname = \"又\"\n\n[[indicator]]",
            )],
            "\n[[indicator]]\nid = \"A1\"\ngroup = \"B\"\nname = \"二\"\npoints = 1\nrule = { type = \"check\" }\n",
        ),
        &[
            // line 4: the duplicate A1 also throws the total off
            "4: total = 10 but the base indicators add up to 11",
            "19: duplicate group id \"A\" (first at line 14)",
            "30: duplicate indicator id \"A1\" (first at line 23)",
            "31: A1: unknown group \"B\"",
        ],
    );
    check_errors(
        &tiny(
            &[(
                "points = 10\n\n",
                "points = 10\n\n[[group]]\nid = \"C\"\nname = \"丙\"\nparent = \"X\"\n\n",
            )],
            "",
        ),
        &["21: unknown parent group \"X\""],
    );
    check_errors(
        &tiny(
            &[("id = \"A1\"", "id = \"A/1\"")],
            "\n[[group]]\nid = \"G/1\"\nname = \"斜\"\n",
        ),
        &[
            "19: indicator id \"A/1\" may not contain \"/\"",
            "26: group id \"G/1\" may not contain \"/\"",
        ],
    );
    check_errors(
        &tiny(&[("id = \"A1\"", "id = \"A 1\"")], ""),
        &["19: indicator id \"A 1\" may not contain spaces"],
    );
}

#[test]
fn group_cycles() {
    check_errors(
        &tiny(
            &[(
                "points = 10\n\n",
                "parent = \"C\"\n\n[[group]]\nid = \"B\"\nname = \"乙\"\nparent = \"A\"\n\n[[group]]\nid = \"C\"\nname = \"丙\"\nparent = \"B\"\n\n",
            )],
            "",
        ),
        &[
            "16: group \"A\" is its own ancestor (cycle in parent links)",
            "21: group \"B\" is its own ancestor (cycle in parent links)",
            "26: group \"C\" is its own ancestor (cycle in parent links)",
        ],
    );
    check_errors(
        &tiny(&[("points = 10\n\n", "points = 10\nparent = \"A\"\n\n")], ""),
        &["17: group \"A\" is its own ancestor (cycle in parent links)"],
    );
}

#[test]
fn points_must_add_up() {
    check_errors(
        &tiny(&[("points = 10\n\n", "points = 9\n\n")], ""),
        &["16: group \"A\" has points = 9 but its base indicators add up to 10"],
    );
    // Bonus items do not count toward the total.
    check_errors(
        &tiny(
            &[("total = 10", "total = 12")],
            "\n[[indicator]]\nid = \"J1\"\nkind = \"bonus\"\nname = \"加\"\npoints = 2\nrule = { type = \"check\" }\n",
        ),
        &["4: total = 12 but the base indicators add up to 10"],
    );
    // Unreadable points are reported alone: sums over them would be noise.
    check_errors(
        &tiny(&[("points = 10\nrule", "points = 2.555\nrule")], ""),
        &["22: A1: points: 2.555 has more than two decimal places"],
    );
}

#[test]
fn grades_descend_to_zero() {
    check_errors(
        &tiny(&[("min = 9", "min = 0"), ("min = 0\n\n", "min = 5\n\n")], ""),
        &[
            "11: grades must be listed highest first with strictly descending min: \"差\" (5) follows \"好\" (0)",
            "11: the lowest grade \"差\" must have min = 0, not 5",
        ],
    );
    check_errors(
        &tiny(
            &[
                ("min = 9", "min = 6"),
                ("min = 0\n\n", "min = 6\n[[grade]]\nname = \"差\"\nmin = 0\n\n"),
            ],
            "",
        ),
        &[
            "11: grades must be listed highest first with strictly descending min: \"差\" (6) follows \"好\" (6)",
            "13: duplicate grade \"差\"",
        ],
    );
    check_errors(
        &tiny(
            &[(
                "[[grade]]\nname = \"好\"\nmin = 9\n[[grade]]\nname = \"差\"\nmin = 0\n",
                "",
            )],
            "",
        ),
        &["1: no [[grade]] given (e.g. 好 ≥ 90 … 差 ≥ 0)"],
    );
}

/// Every kind of bad rule parameter, one indicator each (each worth 10, so
/// the total and the group still add up).
#[test]
fn rule_parameters() {
    let cases = [
        (r#"{ type = "deduct", per = 0 }"#, "per must be > 0, not 0"),
        (r#"{ type = "count", per = -1 }"#, "per must be > 0, not -1"),
        (r#"{ type = "count" }"#, "count rule needs per"),
        (r#"{ type = "target", target = 0 }"#, "target must be > 0, not 0"),
        (
            r#"{ type = "target", target = 4, per = -0.5 }"#,
            "per must be > 0, not -0.5",
        ),
        (
            r#"{ type = "tiers", tiers = [[60, 2], [80, 4]] }"#,
            "tier min_values must be strictly descending: 80 follows 60",
        ),
        (
            r#"{ type = "tiers", tiers = [[90, 11]] }"#,
            "tier 1 amount 11 exceeds the indicator's 10 points",
        ),
        (
            r#"{ type = "tiers", tiers = [] }"#,
            "tiers rule needs tiers = [[min_value, amount], …]",
        ),
        (
            r#"{ type = "levels", levels = { "好" = 12, "差" = 0 } }"#,
            "level \"好\" 12 exceeds the indicator's 10 points",
        ),
        (
            r#"{ type = "levels", levels = { "好" = -1 } }"#,
            "level \"好\" -1 is negative",
        ),
        (
            r#"{ type = "survey", survey = [["好", 120], ["差", 0]] }"#,
            "survey weight of \"好\" must be within 0–100, not 120",
        ),
        (
            r#"{ type = "survey", survey = [["好", 100], ["差", -1]] }"#,
            "survey weight of \"差\" must be within 0–100, not -1",
        ),
        (
            r#"{ type = "clauses", clauses = [{ id = "a", per = 1 }, { id = "a", per = 2 }] }"#,
            "duplicate clause id \"a\"",
        ),
        (
            r#"{ type = "clauses", clauses = [{ id = "a/b", per = 1 }] }"#,
            "clause id \"a/b\" may not contain \"/\"",
        ),
        (
            r#"{ type = "clauses", clauses = [{ id = "a", per = 1, max = 11 }] }"#,
            "clause 1 max 11 exceeds the indicator's 10 points",
        ),
        (
            r#"{ type = "clauses", clauses = [{ id = "a", per = 0 }] }"#,
            "clause 1: per must be > 0, not 0",
        ),
        (
            r#"{ type = "chek" }"#,
            "unknown rule type \"chek\" (did you mean \"check\"?); expected one of check, deduct, count, target, tiers, levels, direct, clauses, survey, rank_points, relative, vs_mean",
        ),
        (
            r#"{ type = "deduct", per = 1, pre = 2 }"#,
            "unknown key \"pre\" in a deduct rule (did you mean \"per\"?)",
        ),
        (
            r#"{ per = 1 }"#,
            "rule has no type (one of check, deduct, count, target, tiers, levels, direct, clauses, survey, rank_points, relative, vs_mean)",
        ),
    ];
    for (rule, message) in cases {
        let src = tiny(&[("rule = { type = \"check\" }", &format!("rule = {rule}"))], "");
        check_errors(&src, &[&format!("23: A1: rule: {message}")]);
    }
    check_errors(
        &tiny(&[("rule = { type = \"check\" }\n", "")], ""),
        &["19: A1: rule is required (e.g. rule = { type = \"check\" })"],
    );
    check_errors(
        &tiny(
            &[
                ("total = 10", "total = 0"),
                ("points = 10\n\n", "\n"),
                ("points = 10\nrule", "rule"),
            ],
            "",
        ),
        &["4: total must be > 0", "18: A1: points is required"],
    );
}

#[test]
fn veto_bonus_and_penalty_items() {
    check_errors(
        &tiny(
            &[("total = 10", "total = 10\nbonus_cap = 3\npenalty_cap = 5")],
            "\n[[indicator]]\nid = \"V1\"\nkind = \"veto\"\nname = \"否\"\npoints = 2\nrule = { type = \"check\" }\n\
             \n[[indicator]]\nid = \"X1\"\nkind = \"extra\"\nname = \"怪\"\npoints = 1\nrule = { type = \"check\" }\nexempt = true\n",
        ),
        &[
            // An unknown kind is read as base, so the total is off too.
            "4: total = 10 but the base indicators add up to 11",
            "5: bonus_cap is set but no indicator has kind = \"bonus\"",
            "6: penalty_cap is set but no indicator has kind = \"penalty\"",
            "31: V1: a veto item has no points",
            "32: V1: a veto item has no rule (it is triggered by 是 or a count > 0)",
            "36: X1: unknown kind \"extra\"; expected base, bonus, penalty, veto or cap",
        ],
    );
}

#[test]
fn unknown_keys_and_syntax_errors() {
    check_errors(
        &tiny(&[("points = 10\nrule", "ponts = 10\nrule")], ""),
        &[
            "22: unknown field `ponts` (did you mean `points`?), expected one of `id`, `name`, `group`, `kind`, `points`, `standard`, `rule`, `remedy`, `owner`, `assessor`, `min_rectify`, `exempt`, `method`, `max_grade`, `score`, `range`, `fractions`, `applies_to`, `raters`",
        ],
    );
    check_errors(
        &tiny(&[("total = 10", "totl = 10")], ""),
        &[
            "4: unknown field `totl` (did you mean `total`?), expected one of `id`, `title`, `total`, `bonus_cap`, `penalty_cap`, `bonus_gate`, `max_score`, `quota_scope`, `quota_round`, `quota_ties`, `missing`, `rectify_days`, `min_rectify`, `issuer`",
        ],
    );
    check_errors(
        &tiny(&[("total = 10", "total = 10\nmissing = \"skip\"")], ""),
        &["5: missing must be \"zero\" or \"error\", not \"skip\""],
    );
    check_errors(
        &tiny(&[("name = \"一\"", "name = \"一")], ""),
        &["21: a string is left open: add the closing ASCII double quote \" on the same line"],
    );
}

/// A broken framework stops `score` too, before any evidence is read.
#[test]
fn score_refuses_a_broken_framework() {
    let wd = Workdir::new();
    wd.create("f.toml", &tiny(&[("points = 10\n\n", "points = 9\n\n")], ""));
    wd.create("e.csv", "unit,indicator,value\nU01,ZZ,1\n");
    wd.run(&["score", "-f", "$WD/f.toml", "-o", "$WD/out.csv", "$WD/e.csv"])
        .assert_input_errors(&[
            "error: $WD/f.toml:16: group \"A\" has points = 9 but its base indicators add up to 10",
        ]);
    assert!(!wd.path("out.csv").exists());
    wd.run(&["check", "-f", "$WD/nothing.toml"])
        .assert_input_errors(&["error: $WD/nothing.toml: cannot read: No such file or directory (os error 2)"]);
}

#[test]
fn checks_evidence_too() {
    let wd = Workdir::mini();
    wd.create("units.csv", "unit,name\nU01,甲\nU02,乙\nU03,丙\n");
    wd.create(
        "e.csv",
        &mini_evidence(&[
            mini_row("U01", &[("B4/b", "")]),
            mini_row("U02", &[("A2", ""), ("B3", "不适用"), ("J1", "1")]),
        ]),
    );
    // U01 10 values (B4/b missing), U02 10 values + J1; U03 has none:
    // missing U01 B4, U02 A2, U03 × 10; B3 of U02 not applicable.
    wd.allow_warnings(&[
        "warning: $WD/units.csv:4: unit U03 (丙) has no evidence at all (was its file left out?); every item scores 0 as missing",
    ]);
    let out = wd.stdout(&[
        "check",
        "--lang",
        "en",
        "-f",
        "$WD/mini.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ]);
    assert_eq!(
        out.lines().last().unwrap(),
        "Evidence OK: 1 file(s), 3 units, 21 values; 12 missing, 1 not applicable"
    );
    assert!(out.starts_with("迷你考核 [mini]\n"), "{out}");
    let out = wd.stdout(&["check", "--lang", "zh", "-f", "$WD/mini.toml", "$WD/e.csv"]);
    assert_eq!(
        out.lines().last().unwrap(),
        "佐证检查通过：1 个文件，2 个单位，21 个值；2 项缺佐证，1 项不适用"
    );
    wd.create("bad.csv", "unit,indicator,value\nU01,A1,也许\nU01,A12,1\n");
    wd.run(&["check", "-f", "$WD/mini.toml", "$WD/bad.csv"])
        .assert_input_errors(&[
            "error: $WD/bad.csv:2: column \"value\": unit U01, indicator A1: \"也许\" is not yes/no (是/否)",
            "error: $WD/bad.csv:3: column \"indicator\": unit U01: unknown indicator \"A12\" (did you mean \"A1\"?)",
            "error: 2 problems found; nothing was written",
        ]);
}

/// Evidence of another year, scored without -f or a fitting --period: the
/// problems, then which built-in framework it fits and how to choose it.
#[test]
fn evidence_of_another_year_names_the_framework_it_fits() {
    let wd = Workdir::new();
    let out = wd.run(&["score", "-u", "examples/units.csv", "examples/2022.csv"]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stderr.lines().collect();
    // B4 (党史学习教育) is gone from 2023: one problem per unit, then the hint.
    assert_eq!(lines.len(), 15 + 2, "{}", out.stderr);
    assert!(
        lines[0].starts_with("error: examples/2022.csv:") && lines[0].ends_with("unknown indicator \"B4\""),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines[15],
        "error: examples/2022.csv: checked against the built-in framework ideology-2023 (no --period given: the newest); \
         this evidence fits ideology-2022: give --period 2022 or -f ideology-2022"
    );
    let zh = wd.run(&["score", "--lang", "zh", "--period", "2023", "examples/2022.csv"]);
    assert_eq!(
        zh.stderr.lines().nth(15),
        Some(
            "错误：examples/2022.csv: 以上按内置考核方案 ideology-2023（--period 所在的 2023 年度）核对；\
             这些佐证材料与 ideology-2022 相符：请加 --period 2022 或 -f ideology-2022"
        )
    );
    // A framework named with -f is taken as meant: no hint.
    let named = wd.run(&["score", "-f", "ideology-2023", "examples/2022.csv"]);
    assert_eq!(named.stderr.lines().count(), 15 + 1);
    // The evidence of its own year scores.
    wd.run(&["score", "--period", "2022", "examples/2022.csv"]).assert_ok();
    // (The fit is asked of the engine first.)
    let both = wd.run(&["score", "-u", "examples/units.csv", "examples/2022.csv"]);
    assert_eq!(both.stderr, out.stderr);
    // With a row given twice it fits no framework: the problems alone.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("examples/2022.csv")).unwrap();
    let second = text.lines().nth(1).unwrap();
    wd.create("twice.csv", &format!("{text}{second}\n"));
    let twice = wd.run(&["score", "-u", "examples/units.csv", "$WD/twice.csv"]);
    assert_eq!(twice.code, 1);
    let lines: Vec<&str> = twice.stderr.lines().collect();
    assert_eq!(lines.len(), 15 + 2, "{}", twice.stderr);
    assert!(
        lines[15].contains("duplicate evidence (first at $WD/twice.csv:2)"),
        "{}",
        lines[15]
    );
    assert!(!twice.stderr.contains("fits"), "{}", twice.stderr);
}

#[test]
fn a_built_in_framework_is_written_out_to_start_from() {
    let wd = Workdir::new();
    let out = wd.run(&["check", "-f", "ideology-2022", "--export", "$WD/mine.toml"]);
    out.assert_ok();
    assert_eq!(
        out.stdout,
        "wrote the built-in framework ideology-2022 to $WD/mine.toml; edit it, check it with kaohe check -f $WD/mine.toml and score with -f $WD/mine.toml\n"
    );
    let shipped =
        std::fs::read(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("indicators/ideology-2022.toml")).unwrap();
    assert_eq!(wd.read_bytes("mine.toml"), shipped);
    // Scored with the file, the result is the built-in's, byte for byte.
    let score = |f: &str| {
        let out = wd.run(&[
            "score",
            "-f",
            f,
            "-u",
            "examples/units.csv",
            "--period",
            "2022",
            "--format",
            "json",
            "examples/2022.csv",
        ]);
        out.assert_ok();
        out.stdout
    };
    assert_eq!(score("$WD/mine.toml"), score("ideology-2022"));
    // Never over a file that exists (a framework being edited, most likely).
    wd.run(&["check", "--export", "$WD/mine.toml"])
        .assert_usage_error("error: $WD/mine.toml: the file exists and was left as it is; choose another name");
    wd.run(&["check", "-f", "$WD/mine.toml", "--export", "$WD/x.toml"]).assert_usage_error(
        "error: --export writes a built-in framework: -f must be one of ideology-2022, ideology-2023, not $WD/mine.toml",
    );
}
