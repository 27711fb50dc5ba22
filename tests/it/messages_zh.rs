//! `--lang zh` turns the tool's own messages into Chinese; `--lang en` (and
//! the default without a Chinese LANG) keeps them exactly as they were.
//! The `error:` prefix stays in both: it is what scripts look for.

use crate::util::Workdir;

/// A one-indicator framework, `deduct` with a bad `per` and an unknown key.
const BAD_FRAMEWORK: &str = r#"[framework]
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
rule = { type = "deduct", per = 0, pre = 1 }
"#;

/// Evidence against `MINI` with a bad value, an unknown indicator, a
/// duplicate and a unit missing from the units file.
fn bad_evidence(wd: &Workdir) {
    wd.create("units.csv", "unit,name\nU01,甲\n");
    wd.create(
        "e.csv",
        "unit,indicator,value\nU01,A1,是\nU01,B1,abc\nU01,A12,是\nU01,A1,否\nU09,A1,是\n",
    );
}

#[test]
fn evidence_problems_in_chinese() {
    let wd = Workdir::mini();
    bad_evidence(&wd);
    wd.run(&[
        "score",
        "--lang",
        "zh",
        "-f",
        "$WD/mini.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ])
    .assert_input_errors(&[
        "错误：$WD/e.csv:3: “value”列：单位 U01，指标 B1：“abc”不是数字",
        "错误：$WD/e.csv:4: “indicator”列：单位 U01：未知指标“A12”（是否应为“A1”？）",
        "错误：$WD/e.csv:5: 单位 U01，指标 A1：佐证重复（首次出现在 $WD/e.csv:2）",
        "错误：$WD/e.csv:6: “unit”列：单位“U09”不在单位文件 $WD/units.csv 中（是否应为“U01”？）",
        "错误：共发现 4 个问题，未写出任何文件",
    ]);
}

#[test]
fn the_same_problems_stay_english_under_lang_en() {
    let wd = Workdir::mini();
    bad_evidence(&wd);
    let expected = [
        "error: $WD/e.csv:3: column \"value\": unit U01, indicator B1: \"abc\" is not a number",
        "error: $WD/e.csv:4: column \"indicator\": unit U01: unknown indicator \"A12\" (did you mean \"A1\"?)",
        "error: $WD/e.csv:5: unit U01, indicator A1: duplicate evidence (first at $WD/e.csv:2)",
        "error: $WD/e.csv:6: column \"unit\": unit \"U09\" is not in the units file $WD/units.csv (did you mean \"U01\"?)",
        "error: 4 problems found; nothing was written",
    ];
    let args = ["-f", "$WD/mini.toml", "-u", "$WD/units.csv", "$WD/e.csv"];
    let with = |lang: &[&'static str]| {
        let mut a = vec!["score"];
        a.extend_from_slice(lang);
        a.extend_from_slice(&args);
        a
    };
    wd.run(&with(&["--lang", "en"])).assert_input_errors(&expected);
    // Without --lang and without a Chinese LANG: English, as before.
    wd.run(&with(&[])).assert_input_errors(&expected);
    // A Chinese locale alone switches the messages too.
    let out = wd.run_env(&with(&[]), &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(out.stderr.lines().last(), Some("错误：共发现 4 个问题，未写出任何文件"));
}

#[test]
fn framework_problems_in_chinese() {
    let wd = Workdir::new();
    wd.create("f.toml", BAD_FRAMEWORK);
    wd.run(&["check", "--lang", "zh", "-f", "$WD/f.toml"])
        .assert_input_errors(&[
            "错误：$WD/f.toml:23: A1：rule：deduct 评分规则中有未知的键“pre”（是否应为“per”？）",
            "错误：$WD/f.toml:23: A1：rule：per 必须大于 0，不能为 0",
            "错误：共发现 2 个问题，未写出任何文件",
        ]);
    wd.create(
        "g.toml",
        &BAD_FRAMEWORK.replace("points = 10\nrule", "ponts = 10\nrule"),
    );
    wd.run(&["check", "--lang=zh", "-f", "$WD/g.toml"]).assert_input_errors(&[
        "错误：$WD/g.toml:22: 未知字段 `ponts`（是否应为 `points`？）；可用字段为 `id`, `name`, `group`, `kind`, `points`, `standard`, `rule`, `remedy`, `owner`, `assessor`, `min_rectify`, `exempt`, `method`, `max_grade`, `score`, `range`, `fractions`, `applies_to`, `raters`",
    ]);
}

#[test]
fn usage_errors_in_chinese() {
    let wd = Workdir::mini();
    wd.create("e.csv", "unit,indicator,value\nU01,A1,是\n");
    // Checked while clap parses, before `--lang` is acted on: read ahead.
    wd.run(&[
        "score",
        "-f",
        "$WD/mini.toml",
        "--period",
        "2023X",
        "--lang",
        "zh",
        "$WD/e.csv",
    ])
    .assert_usage_error("错误：参数“--period <P>”：“2023X”不是有效的考核期；请写作 2023、2023H1、2023Q4 或 2023-06（也可写 2023年、2023年上半年、2023年第四季度、2023年6月）");
    wd.run(&[
        "score",
        "--lang",
        "zh",
        "-f",
        "$WD/mini.toml",
        "-o",
        "$WD/out.pdf",
        "$WD/e.csv",
    ])
    .assert_usage_error(
        "错误：无法从“$WD/out.pdf”判断输出格式：请使用 .csv、.json、.md、.txt、.xlsx 或 .html 文件名，或指定 --format",
    );
}

#[test]
fn long_lists_are_cut_in_chinese() {
    let wd = Workdir::mini();
    let mut e = String::from("unit,indicator,value\n");
    for i in 0..105 {
        e.push_str(&format!("U{i:03},A1,x\n"));
    }
    wd.create("e.csv", &e);
    let out = wd.run(&["score", "--lang", "zh", "-f", "$WD/mini.toml", "$WD/e.csv"]);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines[lines.len() - 2..],
        [
            "错误：$WD/e.csv：…… 本文件另有 5 个问题",
            "错误：共发现 105 个问题，未写出任何文件"
        ]
    );
}

#[test]
fn system_errors_in_chinese() {
    let wd = Workdir::mini();
    // The operating system words these in English; the common kinds are
    // said in Chinese, with the system's error number.
    wd.run(&["score", "--lang", "zh", "-f", "$WD/mini.toml", "$WD/none.csv"])
        .assert_input_errors(&["错误：$WD/none.csv: 无法读取：文件或目录不存在（系统错误 2）"]);
    wd.run(&["score", "--lang", "en", "-f", "$WD/mini.toml", "$WD/none.csv"])
        .assert_input_errors(&["error: $WD/none.csv: cannot read: No such file or directory (os error 2)"]);
}

/// A framework typed with a Chinese input method: each slip gets a Chinese
/// message at its line saying what to type instead.
#[test]
fn framework_typed_with_a_chinese_input_method() {
    let base = "[framework]\nid = \"x\"\ntitle = \"t\"\ntotal = 10\n\n[[grade]]\nname = \"合格\"\nmin = 0\n\n[[indicator]]\nid = \"A1\"\nname = \"学习\"\npoints = 10\nrule = { type = \"check\" }\n";
    let wd = crate::util::Workdir::new();
    let cases: [(&str, String, &str); 8] = [
        (
            "quotes",
            base.replace("name = \"学习\"", "name = “学习”"),
            "12: 用了中文引号（“ ” 或 ‘ ’）：文字两边应为英文双引号 \"，例如 name = \"理论学习\"（可切换到英文输入法输入）",
        ),
        (
            "equals",
            base.replace("points = 10", "points ＝ 10"),
            "13: 用了全角等号“＝”：应为英文等号 =，例如 points = 4",
        ),
        (
            "table",
            base.replace("[[indicator]]", "[indicator]"),
            "10: [indicator] 应写作 [[indicator]]（两层方括号）：每一项各写一个 [[indicator]]",
        ),
        (
            "exempt",
            format!("{base}exempt = \"是\"\n"),
            "15: 此处应为 true 或 false（不加引号），不能写“是”；应写作 true",
        ),
        (
            "open",
            base.replace("name = \"学习\"", "name = \"学习"),
            "12: 字符串缺少结尾的英文双引号 \"：引号须成对，且在同一行内",
        ),
        (
            "digits",
            base.replace("points = 10", "points = １０"),
            "13: 用了全角数字或小数点（如 ４、０．５）：数字应为半角，例如 points = 4、per = 0.5",
        ),
        (
            "comma",
            base.replace("{ type = \"check\" }", "{ type = \"check\"， }"),
            "14: 用了中文逗号“，”或顿号“、”：列表和 { } 中各项之间应为英文逗号 ,",
        ),
        (
            "colon",
            base.replace("points = 10", "points：10"),
            "13: 用了中文冒号“：”：键和值之间应为英文等号 =，例如 points = 4",
        ),
    ];
    for (name, text, want) in cases {
        wd.create(&format!("{name}.toml"), &text);
        for cmd in ["check", "score"] {
            let mut args = vec![cmd, "--lang", "zh", "-f"];
            let path = format!("$WD/{name}.toml");
            args.push(&path);
            if cmd == "score" {
                args.push("examples/2023.csv");
            }
            wd.run(&args)
                .assert_input_errors(&[&format!("错误：$WD/{name}.toml:{want}")]);
        }
    }
    // Chinese punctuation inside a quoted text is as written, and another
    // mistake on that line is still said in Chinese.
    wd.create(
        "ok.toml",
        &base.replace("name = \"学习\"", "name = \"关于“三会一课”，制度\"\nkind = 5"),
    );
    wd.run(&["check", "--lang", "zh", "-f", "$WD/ok.toml"]).assert_input_errors(&[
        "错误：$WD/ok.toml:13: 类型不对：此处应为文字（加英文双引号），实为数字（invalid type: integer `5`, expected a string）",
    ]);
}

/// Chinese text takes the full-width colon (：) after a label: every line
/// the Chinese outputs print on the shipped examples is scanned for a Han
/// character (or a closing full-width bracket) followed by an ASCII colon,
/// outside the `FILE:LINE:` of a location.
#[test]
fn chinese_output_uses_full_width_colons() {
    let wd = Workdir::new();
    let ex = |a: &[&str]| {
        let out = wd.run(a);
        assert!(out.code == 0 || out.code == 1, "{a:?}: {}", out.stderr);
        out.stdout + &out.stderr
    };
    wd.run(&[
        "score",
        "-u",
        "examples/units.csv",
        "--period",
        "2022",
        "-o",
        "$WD/2022.json",
        "examples/2022.csv",
    ])
    .assert_ok();
    wd.run(&[
        "score",
        "-u",
        "examples/units.csv",
        "--period",
        "2023",
        "-o",
        "$WD/2023.json",
        "examples/2023.csv",
    ])
    .assert_ok();
    wd.create("bad.csv", "unit,indicator,value\nT01,B7,0.89\nT01,A1,x\nT99,A2,3\n");
    let common = ["--lang", "zh"];
    let runs: Vec<Vec<&str>> = vec![
        vec!["check"],
        vec!["check", "-f", "ideology-2022"],
        vec![
            "score",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "examples/2023.csv",
        ],
        vec![
            "explain",
            "T01",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "examples/2023.csv",
        ],
        vec![
            "explain",
            "E03",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "examples/2023.csv",
        ],
        vec![
            "deficiencies",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "examples/2023.csv",
        ],
        vec![
            "deficiencies",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "--summary",
            "examples/2023.csv",
        ],
        vec!["diff", "$WD/2022.json", "$WD/2023.json"],
        vec!["trend", "$WD/2022.json", "$WD/2023.json"],
        vec![
            "robust",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "--draws",
            "20",
            "examples/2023.csv",
        ],
        vec!["score", "-u", "examples/units.csv", "--period", "2023", "$WD/bad.csv"],
        vec![
            "score",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "examples/2023.csv",
            "--format",
            "html",
        ],
        vec![
            "deficiencies",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "--self",
            "examples/2023自评.csv",
            "examples/2023.csv",
        ],
        vec![
            "deficiencies",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "--by",
            "owner",
            "examples/2023.csv",
        ],
        vec![
            "deficiencies",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "--by",
            "assessor",
            "--format",
            "html",
            "examples/2023.csv",
        ],
        vec![
            "explain",
            "D03",
            "-u",
            "examples/units.csv",
            "--period",
            "2023",
            "--format",
            "html",
            "examples/2023.csv",
        ],
        vec!["--help"],
        vec!["score", "--help"],
    ];
    let is_han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || "）」》".contains(c);
    let mut bad = Vec::new();
    for args in runs {
        let all: Vec<&str> = args.iter().chain(&common).copied().collect();
        let text = ex(&all);
        for line in text.lines() {
            let chars: Vec<(usize, char)> = line.char_indices().collect();
            for w in chars.windows(2) {
                if w[1].1 == ':' && is_han(w[0].1) {
                    // A location: `… 2023.csv:4:` or `examples/units.csv:` ends in a path.
                    let before = &line[..w[1].0];
                    let token = before.rsplit(char::is_whitespace).next().unwrap_or("");
                    let path = [".csv", ".toml", ".json", ".xlsx"].iter().any(|e| token.contains(e));
                    if !path {
                        // The words around it (an HTML page is one long line).
                        let from = before.char_indices().rev().nth(30).map_or(0, |(i, _)| i);
                        let to = line[w[1].0..]
                            .char_indices()
                            .nth(20)
                            .map_or(line.len(), |(i, _)| w[1].0 + i);
                        bad.push(format!("{all:?}: {}", &line[from..to]));
                    }
                }
            }
        }
    }
    assert!(bad.is_empty(), "ASCII colons after Chinese text:\n{}", bad.join("\n"));
}
