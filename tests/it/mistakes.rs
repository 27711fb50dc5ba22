//! Plausible mistakes that used to give a wrong score without a word: a
//! unit whose evidence was forgotten, a rate typed as a fraction, a value
//! outside the range the framework declares. Each is reported by every
//! scoring command and by `check`.

use crate::util::{Workdir, Xl, t, texts, write_xlsx};
use kaohe::model::framework::Framework;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Two rates above 1 (a target of 100 and tiers from 80) and a count.
const SAFETY: &str = r#"[framework]
id = "safety"
title = "安全生产考核"
total = 20

[[grade]]
name = "好"
min = 18

[[grade]]
name = "差"
min = 0

[[indicator]]
id = "R1"
name = "隐患整改率"
points = 10
rule = { type = "target", target = 100 }

[[indicator]]
id = "R2"
name = "培训覆盖率"
points = 6
rule = { type = "tiers", tiers = [[95, 6], [80, 3]] }

[[indicator]]
id = "C1"
name = "事故起数"
points = 4
rule = { type = "deduct", per = 2 }
"#;

const UNITS: &str = "unit,name,category\nT01,城关镇,乡镇\nT02,河西街道,乡镇\nT03,新城镇,乡镇\n";

fn fw_with(extra: &[(&str, &str)]) -> String {
    let mut text = SAFETY.to_string();
    for (after, add) in extra {
        assert!(text.contains(after), "{after}");
        text = text.replacen(after, &format!("{after}\n{add}"), 1);
    }
    text
}

/// The commands that score, each with the same inputs.
fn scoring(rest: &[&str]) -> Vec<Vec<String>> {
    let mut v: Vec<Vec<String>> = Vec::new();
    for cmd in [&["score"][..], &["explain", "T01"], &["deficiencies"], &["check"]] {
        let mut a: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
        a.extend(rest.iter().map(|s| s.to_string()));
        v.push(a);
    }
    v
}

#[track_caller]
fn every_command_fails_with(wd: &Workdir, rest: &[&str], lines: &[&str]) {
    for args in scoring(rest) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = wd.run(&args);
        assert_eq!(out.code, 1, "{args:?}\n{}", out.stderr);
        assert_eq!(out.stderr.lines().collect::<Vec<_>>(), lines, "{args:?}");
        assert_eq!(out.stdout, "", "{args:?}");
    }
}

/// `csv` scored against `fw_text`, ranked and in full (the two ways the
/// engine gives an assessment).
fn ranked_and_in_full(fw_text: &str, csv: &std::path::Path) -> [kaohe::engine::score::Assessment; 2] {
    let fw = Framework::parse(fw_text, "fw.toml").unwrap();
    let ranked = kaohe::engine::bulk::assess(&fw, None, &[csv.to_path_buf()], None).expect("scored");
    let full = crate::util::assess(&fw, None, &[csv.to_path_buf()], None).expect("scored in full");
    [ranked, full]
}

fn score_of(a: &kaohe::engine::score::Assessment, unit: &str) -> Decimal {
    a.units.iter().find(|u| u.unit == unit).unwrap().totals.score
}

const FRACTIONS: &str = "unit,indicator,value\nT01,R1,0.75\nT01,R2,96\nT01,C1,0\nT02,R1,80\nT02,R2,0.9\nT02,C1,1\n";

#[test]
fn a_rate_typed_as_a_fraction_is_a_located_error() {
    let wd = Workdir::new();
    wd.create("fw.toml", SAFETY);
    let e = wd.create("e.csv", FRACTIONS);
    every_command_fails_with(
        &wd,
        &["--lang", "zh", "-f", "$WD/fw.toml", "$WD/e.csv"],
        &[
            "错误：$WD/e.csv:2: “value”列：单位 T01，指标 R1：0.75 像是把百分比写成了小数（75% 应填 75，不填 0.75）：\
             本指标的目标值大于 1；如确为 0.75，请填“0.75%”，或在考核方案中为该指标加上 fractions = true",
            "错误：$WD/e.csv:6: “value”列：单位 T02，指标 R2：0.9 像是把百分比写成了小数（75% 应填 75，不填 0.75）：\
             本指标的档次门槛大于 1；如确为 0.9，请填“0.9%”，或在考核方案中为该指标加上 fractions = true",
            "错误：共发现 2 个问题，未写出任何文件",
        ],
    );
    // The engine does not score it.
    let fw = Framework::parse(SAFETY, "fw.toml").unwrap();
    assert!(kaohe::engine::bulk::assess(&fw, None, &[e], None).is_none());
}

#[test]
fn a_fraction_meant_as_written_is_taken() {
    let wd = Workdir::new();
    // With `%` in the cell: T01 R1 = 10 × 0.75 / 100 = 0.075 → 0.08;
    // R2 96 ≥ 95 → 6; C1 0 → 4: 10.08. T02 R1 = 10 × 80 / 100 = 8; R2
    // 0.9% is below 80 → 0; C1 one → 4 − 2 = 2: 10.00.
    let e = wd.create("e.csv", &FRACTIONS.replace("0.75", "0.75%").replace("0.9\n", "0.9%\n"));
    for a in &ranked_and_in_full(SAFETY, &e) {
        assert_eq!(score_of(a, "T01"), Decimal::from_str("10.08").unwrap());
        assert_eq!(score_of(a, "T02"), Decimal::from_str("10.00").unwrap());
    }
    // `fractions = true` on both indicators says the same for every cell.
    let meant = fw_with(&[
        ("rule = { type = \"target\", target = 100 }", "fractions = true"),
        (
            "rule = { type = \"tiers\", tiers = [[95, 6], [80, 3]] }",
            "fractions = true",
        ),
    ]);
    let e = wd.create("plain.csv", FRACTIONS);
    for a in &ranked_and_in_full(&meant, &e) {
        assert_eq!(score_of(a, "T01"), Decimal::from_str("10.08").unwrap());
        assert_eq!(score_of(a, "T02"), Decimal::from_str("10.00").unwrap());
    }
    wd.create("meant.toml", &meant);
    wd.run(&["check", "-f", "$WD/meant.toml", "$WD/plain.csv"]).assert_ok();
}

#[test]
fn a_fraction_in_an_unformatted_xlsx_cell_is_located_at_its_cell() {
    let wd = Workdir::new();
    wd.create("fw.toml", SAFETY);
    let rows = vec![
        texts(&["unit", "indicator", "完成情况"]),
        vec![t("T01"), t("R1"), Xl::Num(0.75)],
        vec![t("T01"), t("R2"), Xl::Percent(0.96)],
        vec![t("T01"), t("C1"), Xl::Num(0.0)],
    ];
    write_xlsx(&wd.path("e.xlsx"), &[("佐证", rows)]);
    for cmd in ["score", "check"] {
        wd.run(&[cmd, "--lang", "en", "-f", "$WD/fw.toml", "$WD/e.xlsx"])
            .assert_input_errors(&[
                "error: $WD/e.xlsx!佐证!C2: column \"完成情况\": unit T01, indicator R1: 0.75 looks like a percentage \
                 written as a fraction (75% is 75, not 0.75): this indicator's target is above 1; if 0.75 is meant, \
                 write \"0.75%\", or set fractions = true on the indicator in the framework",
            ]);
    }
}

#[test]
fn a_value_outside_the_declared_range_is_a_located_error() {
    let wd = Workdir::new();
    let ranged = fw_with(&[("rule = { type = \"target\", target = 100 }", "range = [0, 100]")]);
    wd.create("fw.toml", &ranged);
    let csv = "unit,indicator,value\nT01,R1,120\nT01,R2,96\nT01,C1,0\nT02,R1,100\nT02,R2,85\nT02,C1,0\n";
    let e = wd.create("e.csv", csv);
    every_command_fails_with(
        &wd,
        &["--lang", "zh", "-f", "$WD/fw.toml", "$WD/e.csv"],
        &[
            "错误：$WD/e.csv:2: “value”列：单位 T01，指标 R1：120 超出本指标的有效范围 0–100（考核方案中 range = [0, 100]）",
        ],
    );
    let fw = Framework::parse(&ranged, "fw.toml").unwrap();
    assert!(kaohe::engine::bulk::assess(&fw, None, &[e], None).is_none());
    // At the bound it is taken: T02 = 10 + 3 + 4.
    let e = wd.create("ok.csv", &csv.replace("T01,R1,120", "T01,R1,100"));
    for a in &ranked_and_in_full(&ranged, &e) {
        assert_eq!(score_of(a, "T02"), Decimal::from_str("17").unwrap());
    }
}

#[test]
fn check_validates_the_range_and_fractions_keys() {
    let wd = Workdir::new();
    let bad = fw_with(&[
        ("rule = { type = \"target\", target = 100 }", "range = [100, 0]"),
        (
            "rule = { type = \"tiers\", tiers = [[95, 6], [80, 3]] }",
            "range = \"0-100\"",
        ),
        ("name = \"事故起数\"", "fractions = true"),
    ]);
    // Lines, counted in `bad`: the range of R1, R2's, C1's fractions.
    let line = |needle: &str| bad.lines().position(|l| l == needle).unwrap() + 1;
    let (l1, l2, l3) = (
        line("range = [100, 0]"),
        line("range = \"0-100\""),
        line("fractions = true"),
    );
    wd.create("bad.toml", &bad);
    wd.run(&["check", "--lang", "zh", "-f", "$WD/bad.toml"])
        .assert_input_errors(&[
            &format!("错误：$WD/bad.toml:{l1}: R1：range 的下限 100 大于上限 0"),
            &format!(
                "错误：$WD/bad.toml:{l2}: R2：range 应写成两个数的列表：range = [最小值, 最大值]，例如 range = [0, 100]"
            ),
            &format!("错误：$WD/bad.toml:{l3}: C1：fractions 只用于读比率的指标（target、tiers 规则）"),
            "错误：共发现 3 个问题，未写出任何文件",
        ]);
    let on_check = SAFETY.replace(
        "rule = { type = \"deduct\", per = 2 }",
        "rule = { type = \"check\" }\nrange = [0, 1]",
    );
    wd.create("check.toml", &on_check);
    let l = on_check.lines().position(|l| l == "range = [0, 1]").unwrap() + 1;
    wd.run(&["check", "--lang", "zh", "-f", "$WD/check.toml"]).assert_input_errors(&[&format!(
        "错误：$WD/check.toml:{l}: C1：range 只用于填数值的指标（target、tiers、count、deduct、direct 规则），本指标为 check"
    )]);
}

const PARTIAL: &str = "unit,indicator,value\nT01,R1,100\nT01,R2,96\nT01,C1,0\nT02,R1,90\nT02,R2,85\n";

#[test]
fn a_unit_without_any_evidence_is_named_by_every_scoring_command() {
    let wd = Workdir::new();
    wd.create("u.csv", UNITS);
    wd.create("fw.toml", SAFETY);
    let e = wd.create("e.csv", PARTIAL);
    let warning = "警告：$WD/u.csv:4: 单位 T03（新城镇）在佐证中没有任何数据（是否漏交？），各项均按无佐证计 0 分";
    for args in scoring(&["--lang", "zh", "-f", "$WD/fw.toml", "-u", "$WD/u.csv", "$WD/e.csv"]) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = wd.run(&args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
        assert_eq!(out.stderr.lines().collect::<Vec<_>>(), [warning], "{args:?}");
        assert!(!out.stdout.is_empty());
    }
    // diff on evidence scores both sides: each names it.
    let out = wd.run(&[
        "diff",
        "--lang",
        "zh",
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/u.csv",
        "$WD/e.csv",
        "$WD/e.csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr.lines().collect::<Vec<_>>(), [warning, warning]);
    // In English too; and no warning when every unit has evidence.
    let out = wd.run(&["score", "-f", "$WD/fw.toml", "-u", "$WD/u.csv", "$WD/e.csv"]);
    assert_eq!(
        out.stderr,
        "warning: $WD/u.csv:4: unit T03 (新城镇) has no evidence at all (was its file left out?); every item scores 0 as missing\n"
    );
    wd.create("u2.csv", "unit,name\nT01,城关镇\nT02,河西街道\n");
    wd.run(&["score", "-f", "$WD/fw.toml", "-u", "$WD/u2.csv", "$WD/e.csv"])
        .assert_ok();
    let fw = Framework::parse(SAFETY, "fw.toml").unwrap();
    let units = kaohe::reading::units::Units::load(&wd.path("u.csv")).unwrap();
    // The bulk path scores it, every item missing (0 points), and tells
    // it for the warning.
    let told = std::sync::Mutex::new(kaohe::engine::bulk::Told::default());
    let e = [e];
    let files = kaohe::engine::bulk::Files::from(&e).telling(&told);
    let a = kaohe::engine::bulk::assess(&fw, Some(&units), files, None).expect("the bulk path scores it");
    assert_eq!(told.lock().unwrap().silent, ["T03"]);
    let t03 = a.units.iter().find(|u| u.unit == "T03").unwrap();
    assert_eq!(
        (t03.name.as_str(), t03.totals.score),
        ("新城镇", rust_decimal::Decimal::ZERO)
    );
    assert_eq!(a.units.len(), 3);
}

#[test]
fn missing_error_lists_every_missing_item_with_the_units_line() {
    let wd = Workdir::new();
    wd.create("u.csv", UNITS);
    wd.create("fw.toml", SAFETY);
    wd.create("e.csv", PARTIAL);
    // T02 lacks C1; T03 lacks everything: each (unit, indicator) at the
    // unit's line of the units file.
    every_command_fails_with(
        &wd,
        &[
            "--lang",
            "zh",
            "--missing",
            "error",
            "-f",
            "$WD/fw.toml",
            "-u",
            "$WD/u.csv",
            "$WD/e.csv",
        ],
        &[
            "错误：$WD/u.csv:3: 单位 T02，指标 C1：缺少佐证（--missing error）",
            "错误：$WD/u.csv:4: 单位 T03，指标 R1：缺少佐证（--missing error）",
            "错误：$WD/u.csv:4: 单位 T03，指标 R2：缺少佐证（--missing error）",
            "错误：$WD/u.csv:4: 单位 T03，指标 C1：缺少佐证（--missing error）",
            "错误：共发现 4 个问题，未写出任何文件",
        ],
    );
    // `--missing zero` overrides a framework's missing = "error".
    let strict = SAFETY.replace("total = 20", "total = 20\nmissing = \"error\"");
    wd.create("strict.toml", &strict);
    let out = wd.run(&[
        "score",
        "--missing",
        "zero",
        "-f",
        "$WD/strict.toml",
        "-u",
        "$WD/u.csv",
        "$WD/e.csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

/// A rate with a declared range, and targets and tiers set per category
/// on another scale than the rule's own.
pub(crate) const RATES: &str = r#"[framework]
id = "rates"
title = "比率"
total = 30

[[grade]]
name = "好"
min = 18
[[grade]]
name = "差"
min = 0

[[indicator]]
id = "B6"
name = "学习强国注册率"
points = 10
range = [0, 100]
rule = { type = "target", target = 100 }

[[indicator]]
id = "T1"
name = "达标率"
points = 10
rule = { type = "target", target = 1, by_category = { "乡镇" = { target = 100 } } }

[[indicator]]
id = "T2"
name = "覆盖率"
points = 10
rule = { type = "tiers", tiers = [[95, 10], [80, 5]], by_category = { "部门" = { tiers = [[0.9, 10], [0.8, 5]] } } }
"#;

#[test]
fn a_fraction_for_a_rate_is_refused_within_a_range_and_by_the_unit_s_category() {
    // 0.96 typed for 96 %: within B6's range [0, 100] it is still 0.096 of
    // the target (0.10 points); for a unit of 乡镇, T1's target is 100,
    // not the rule's 1; a unit of 部门 is scored on T2 by thresholds of
    // 0.9 and 0.8, where 0.96 is what is meant.
    let wd = Workdir::new();
    wd.create("fw.toml", RATES);
    wd.create("units.csv", "unit,name,category\nA,甲镇,乡镇\nB,乙局,部门\n");
    wd.create(
        "e.csv",
        "unit,indicator,value\nA,B6,0.96\nA,T1,0.96\nA,T2,96\nB,B6,96\nB,T1,0.96\nB,T2,0.96\n",
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
        assert_eq!(out.code, 1, "{cmd}");
        assert_eq!(
            out.stderr,
            "error: $WD/e.csv:2: column \"value\": unit A, indicator B6: 0.96 looks like a percentage written as a fraction (75% is 75, not 0.75): this indicator's target is above 1; if 0.96 is meant, write \"0.96%\", or set fractions = true on the indicator in the framework\n\
             error: $WD/e.csv:3: column \"value\": unit A, indicator T1: 0.96 looks like a percentage written as a fraction (75% is 75, not 0.75): this indicator's target is above 1 for 乡镇; if 0.96 is meant, write \"0.96%\", or set fractions = true on the indicator in the framework\n\
             error: 2 problems found; nothing was written\n",
            "{cmd}"
        );
    }
    // Typed as meant, by hand: A 10 × 96/100 = 9.60, 10 × min(96/100, 1)
    // = 9.60, 96 ≥ 95: 10; 29.20. B 9.60, 10 × min(0.96/1, 1) = 9.60,
    // 0.96 ≥ 0.9: 10; 29.20.
    wd.create(
        "meant.csv",
        "unit,indicator,value\nA,B6,96\nA,T1,96\nA,T2,96\nB,B6,96\nB,T1,0.96\nB,T2,0.96\n",
    );
    let out = wd.run(&[
        "score",
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/units.csv",
        "--format",
        "csv",
        "$WD/meant.csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "Rank,Unit,Name,Category,Cat. rank,Score,Grade,Veto,Base,Bonus,Penalty\r\n\
         1,A,甲镇,乡镇,1,29.20,好,,29.20,0.00,0.00\r\n\
         1,B,乙局,部门,1,29.20,好,,29.20,0.00,0.00\r\n"
    );
}

#[test]
fn a_fraction_refused_by_a_category_s_target_names_the_category() {
    let wd = Workdir::new();
    wd.create("fw.toml", RATES);
    wd.create("units.csv", "unit,name,category\nA,甲镇,乡镇\nB,乙局,部门\n");
    wd.create(
        "e.csv",
        "unit,indicator,value\nA,B6,96\nA,T1,0.96\nA,T2,96\nB,B6,96\nB,T1,1\nB,T2,1\n",
    );
    let out = wd.run(&[
        "score",
        "--lang",
        "zh",
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ]);
    assert_eq!(
        out.stderr,
        "错误：$WD/e.csv:3: “value”列：单位 A，指标 T1：0.96 像是把百分比写成了小数（75% 应填 75，不填 0.75）：本指标对乡镇的目标值大于 1；如确为 0.96，请填“0.96%”，或在考核方案中为该指标加上 fractions = true\n"
    );
}
