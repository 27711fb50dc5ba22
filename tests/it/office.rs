//! For an assessment office's PCs and habits: the language chosen from the
//! environment, Chinese input where users type it, one consistent word.

use crate::util::Workdir;
use kaohe::base::lang::Lang;
use kaohe::model::framework::Framework;

/// `KAOHE_LANG` chooses the language when `--lang` is not given, before
/// `LANG`; `--lang` wins over both.
#[test]
fn kaohe_lang_sets_the_default_language() {
    let wd = Workdir::new();
    let out = wd.run_env(
        &["score", "$WD/none.csv"],
        &[("KAOHE_LANG", "zh"), ("LANG", "en_US.UTF-8")],
    );
    assert_eq!(out.code, 1);
    assert!(out.stderr.starts_with("错误：$WD/none.csv: 无法读取"), "{}", out.stderr);
    let out = wd.run_env(&["score", "--lang", "en", "$WD/none.csv"], &[("KAOHE_LANG", "zh")]);
    assert!(out.stderr.starts_with("error: $WD/none.csv: "), "{}", out.stderr);
    let out = wd.run_env(
        &["score", "$WD/none.csv"],
        &[("KAOHE_LANG", "en"), ("LANG", "zh_CN.UTF-8")],
    );
    assert!(out.stderr.starts_with("error: $WD/none.csv: "), "{}", out.stderr);
}

/// `--min-lost -1` is a value, refused as such, not an unknown flag.
#[test]
fn a_negative_min_lost_is_refused_as_a_value() {
    let wd = Workdir::new();
    wd.run(&["deficiencies", "--lang", "zh", "--min-lost", "-1", "examples/2023.csv"])
        .assert_usage_error("错误：参数“--min-lost <X>”：“-1”不是 ≥ 0 的分数");
    wd.run(&["deficiencies", "--lang", "en", "--min-lost", "-1", "examples/2023.csv"])
        .assert_usage_error("error: invalid value '-1' for '--min-lost <X>': \"-1\" is not a number of points ≥ 0");
}

/// The sheet's hint on how to write a rate is on rate items only: B2 (a
/// 达标率, pro rata to 100) and B6 (a 学习强国 rate in tiers), not A1 (at
/// least 2 meetings, 2 points off for each one short).
#[test]
fn the_rate_hint_is_on_rate_items_only() {
    let fw = Framework::embedded().unwrap();
    let slots = kaohe::engine::template::slots(&fw);
    let hint = |key: &str| slots.iter().find(|s| s.key == key).unwrap().hint(Lang::Zh);
    assert_eq!(hint("A1"), "填数值");
    assert_eq!(hint("B2"), "填百分数，可填 95 或 95%（不填 0.95）");
    assert!(
        fw.indicators
            .iter()
            .find(|i| i.id == "B6")
            .unwrap()
            .standard
            .contains('%')
    );
    assert_eq!(hint("B6"), "填百分数，可填 95 或 95%（不填 0.95）");
    for s in &slots {
        let rate = s.hint(Lang::Zh).contains("95%");
        let count = matches!(
            s.indicator.rule,
            Some(
                kaohe::model::rule::Rule::Count { .. }
                    | kaohe::model::rule::Rule::Deduct { .. }
                    | kaohe::model::rule::Rule::Clauses(_)
            )
        );
        assert!(!(rate && count), "{}", s.key);
    }
}

/// `method` (考核方式) is shown where the rule is: in `check`'s tree.
#[test]
fn check_shows_each_items_method_beside_its_rule() {
    let wd = Workdir::new();
    let zh = wd.stdout(&["check", "--lang", "zh"]);
    assert!(
        zh.lines()
            .any(|l| l == "  A1 党委（党组）专题研究意识形态工作  4分  — 目标2，每少1扣2分，扣完为止；考核方式：查阅会议记录、会议纪要"),
        "{zh}"
    );
    let en = wd.stdout(&["check", "--lang", "en"]);
    assert!(en.contains("; method: 查阅会议记录、会议纪要\n"), "{en}");
}

/// `--help` offers each command the formats it writes, from the one table
/// the parser reads too.
#[test]
fn help_offers_only_the_formats_a_command_writes() {
    let cmd = kaohe::command(Lang::En);
    for sub in cmd.get_subcommands() {
        let Some(arg) = sub.get_arguments().find(|a| a.get_id() == "format") else {
            continue;
        };
        let offered: Vec<String> = arg
            .get_possible_values()
            .iter()
            .map(|v| v.get_name().to_string())
            .collect();
        let table: Vec<&str> = kaohe::render::formats_of(sub.get_name())
            .iter()
            .map(|f| f.name())
            .collect();
        assert_eq!(offered, table, "{}", sub.get_name());
    }
    let wd = Workdir::new();
    for (cmd, refused) in [("template", "md"), ("explain", "xlsx"), ("trend", "html")] {
        let help = wd.stdout(&[cmd, "--help"]);
        let formats = help
            .split("--format <FORMAT>")
            .nth(1)
            .unwrap()
            .split("\n\n  ")
            .nth(1)
            .unwrap_or("");
        assert!(
            !formats.contains(&format!("- {refused}:")),
            "{cmd} offers {refused}:\n{help}"
        );
    }
    let trend = wd.stdout(&["trend", "--help"]);
    assert!(trend.contains("- xlsx:") && !trend.contains("- html:"), "{trend}");
}

/// Columns of the office's own are left aside with a notice; a unit typed
/// by its name is pointed to its id.
#[test]
fn extra_columns_are_noticed_and_names_point_to_ids() {
    let wd = crate::util::Workdir::new();
    wd.create(
        "e.csv",
        "unit,indicator,value,联系人,填报时间\nT01,A1,2,张三,2024-01-05\n",
    );
    let out = wd.run(&[
        "check",
        "--lang",
        "zh",
        "-u",
        "examples/units.csv",
        "--period",
        "2023",
        "$WD/e.csv",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("警告：$WD/e.csv:1: 未使用的列 “联系人”、“填报时间”：不是佐证列，已忽略"),
        "{}",
        out.stderr
    );
    wd.create("n.csv", "unit,indicator,value\n城关镇党委,A1,2\n河西街道,A1,2\n");
    let out = wd.run(&[
        "score",
        "--lang",
        "zh",
        "-u",
        "examples/units.csv",
        "--period",
        "2023",
        "$WD/n.csv",
    ]);
    out.assert_input_errors(&[
        "错误：$WD/n.csv:2: “unit”列：单位“城关镇党委”不在单位文件 examples/units.csv 中（是否应为单位编号“T01”（城关镇党委）？单位列应填编号，不填名称）",
        "错误：$WD/n.csv:3: “unit”列：单位“河西街道”不在单位文件 examples/units.csv 中（是否应为单位编号“T02”（河西街道党工委）？单位列应填编号，不填名称）",
        "错误：共发现 2 个问题，未写出任何文件",
    ]);
}

/// Excel saves its used range: once a cell right of the table was touched,
/// every line of the CSV, the header's included, ends in empty cells. Those
/// are no columns: the file scores as it would without them, on the fast
/// path as on the general one; a value given under them is named.
#[test]
fn empty_cells_closing_the_header_are_no_columns() {
    let wd = crate::util::Workdir::new();
    wd.create("mini.toml", crate::fixtures::MINI);
    let with = |text: &str, tail: &str| text.lines().map(|l| format!("{l}{tail}\n")).collect::<String>();
    let long = "unit,indicator,value\nU01,A1,是\nU01,B1,3\nU02,A1,否\nU02,B1,1";
    let wide = "unit,A1,B1\nU01,是,3\nU02,否,1";
    for (name, text) in [("long", long), ("wide", wide)] {
        let plain = wd.create(&format!("{name}.csv"), &with(text, ""));
        let padded = wd.create(&format!("{name}-used.csv"), &with(text, ",,"));
        let fw = Framework::parse(crate::fixtures::MINI, "mini.toml").unwrap();
        assert!(
            kaohe::engine::bulk::assess(&fw, None, std::slice::from_ref(&padded), None).is_some(),
            "{name}: the fast path reads it"
        );
        let run = |file: &std::path::Path| {
            let file = file.to_str().unwrap();
            wd.run(&["score", "--lang", "en", "-f", "$WD/mini.toml", "--format", "csv", file])
        };
        let want = run(&plain);
        want.assert_ok();
        let got = run(&padded);
        assert_eq!(
            (got.code, &got.stdout, &got.stderr),
            (0, &want.stdout, &want.stderr),
            "{name}"
        );
        // A value under the unnamed columns would be lost: named, on both.
        let mut lines: Vec<String> = with(text, ",,").lines().map(str::to_string).collect();
        lines[2] = format!("{},x", &lines[2][..lines[2].len() - 1]);
        let given = wd.create(&format!("{name}-given.csv"), &(lines.join("\n") + "\n"));
        let got = run(&given);
        assert_eq!(got.code, 1, "{name}");
        assert_eq!(
            got.stderr,
            format!(
                "error: $WD/{name}-given.csv:3: the row has 5 fields but the header has 3: \"x\" has no heading above it (a comma inside a value or note, without quotes?)\n"
            ),
            "{name}"
        );
    }
}
