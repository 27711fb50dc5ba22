//! Input errors in evidence and units files (README, "Evidence files"): each located by
//! file and line, all of them in one run, exit code 1, nothing written.

use crate::fixtures::{SCORED_BY_CATEGORY, WIDE, mini_evidence, mini_row};
use crate::util::Workdir;

/// Score `files` (names in the directory) against `MINI` and expect exactly
/// these stderr lines (`$WD/` is added to each; the summary line when there
/// are several problems).
#[track_caller]
fn expect_errors(wd: &Workdir, files: &[&str], lines: &[&str]) {
    let paths: Vec<String> = files.iter().map(|f| format!("$WD/{f}")).collect();
    let mut args = vec!["score", "-f", "$WD/mini.toml"];
    args.extend(paths.iter().map(String::as_str));
    let mut expected: Vec<String> = lines.iter().map(|l| format!("error: $WD/{l}")).collect();
    if lines.len() > 1 {
        expected.push(format!("error: {} problems found; nothing was written", lines.len()));
    }
    wd.run(&args)
        .assert_input_errors(&expected.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn duplicates_name_both_lines() {
    let wd = Workdir::mini();
    wd.create(
        "e.csv",
        "unit,indicator,value\nU01,A1,是\nU01,A2,0\nU01,A1,否\nU01,B4/a,1\nU01,b4/A,1\n",
    );
    expect_errors(
        &wd,
        &["e.csv"],
        &[
            "e.csv:4: unit U01, indicator A1: duplicate evidence (first at $WD/e.csv:2)",
            "e.csv:6: column \"indicator\": unit U01: B4 has no clause \"A\" (did you mean \"a\"?); its clauses are a, b",
        ],
    );
    // Across files, and across shapes: wide then long.
    let wd = Workdir::mini();
    wd.create("a.csv", &mini_evidence(&[mini_row("U01", &[]), mini_row("U02", &[])]));
    wd.create("b.csv", "unit,indicator,value\nU03,A1,是\nU02,B4/b,0\nU02,J1,1\n");
    expect_errors(
        &wd,
        &["a.csv", "b.csv"],
        &["b.csv:3: unit U02, indicator B4/b: duplicate evidence (first at $WD/a.csv:3)"],
    );
}

#[test]
fn unknown_indicators_and_clauses() {
    let wd = Workdir::mini();
    wd.create(
        "e.csv",
        "unit,indicator,value\nU01,A12,是\nU01,B4,1\nU01,B4/z,1\nU01,A1/a,1\nU01,,1\nU01,Q7,1\nU01,a1,是\n",
    );
    expect_errors(
        &wd,
        &["e.csv"],
        &[
            "e.csv:2: column \"indicator\": unit U01: unknown indicator \"A12\" (did you mean \"A1\"?)",
            "e.csv:3: column \"indicator\": unit U01: B4 is scored clause by clause: give B4/a, B4/b",
            "e.csv:4: column \"indicator\": unit U01: B4 has no clause \"z\"; its clauses are a, b",
            "e.csv:5: column \"indicator\": unit U01: A1 has no clauses; write it as \"A1\"",
            "e.csv:6: column \"indicator\": unit U01: the indicator is empty",
            "e.csv:7: column \"indicator\": unit U01: unknown indicator \"Q7\"",
        ],
    );
    // Wide: the header names the column.
    let wd = Workdir::mini();
    wd.create("w.csv", "unit,A1,A12,B4\nU01,是,1,1\n");
    expect_errors(
        &wd,
        &["w.csv"],
        &[
            "w.csv:1: column 3: unknown indicator \"A12\" (did you mean \"A1\"?)",
            "w.csv:1: column 4: B4 is scored clause by clause: give B4/a, B4/b",
        ],
    );
}

/// A value that does not fit its rule, one of each kind.
#[test]
fn values_that_do_not_fit_the_rule() {
    let wd = Workdir::mini();
    wd.create(
        "e.csv",
        "unit,indicator,value\n\
         U01,A1,也许\n\
         U01,A2,-1\n\
         U01,A3,1.5\n\
         U01,A4,-2\n\
         U01,A5,很好\n\
         U01,B1,1e3\n\
         U01,B2,优秀\n\
         U01,B3,15.01\n\
         U01,B4/a,-3\n\
         U01,B5,1/2/3\n\
         U02,B3,-0.5\n\
         U02,B5,1/2/x/0\n\
         U02,J2,2\n\
         U02,K1,-1\n\
         U02,V1,maybe\n\
         U02,V1,\n",
    );
    expect_errors(
        &wd,
        &["e.csv"],
        &[
            "e.csv:2: column \"value\": unit U01, indicator A1: \"也许\" is not yes/no (是/否)",
            "e.csv:3: column \"value\": unit U01, indicator A2: negative count -1",
            "e.csv:4: column \"value\": unit U01, indicator A3: count 1.5 is not a whole number",
            "e.csv:5: column \"value\": unit U01, indicator A4: negative value -2",
            "e.csv:6: column \"value\": unit U01, indicator A5: \"很好\" is not a number",
            "e.csv:7: column \"value\": unit U01, indicator B1: \"1e3\" is not a number",
            "e.csv:8: column \"value\": unit U01, indicator B2: \"优秀\" is not one of the levels 好, 较好, 一般, 差",
            "e.csv:9: column \"value\": unit U01, indicator B3: amount 15.01 is outside 0–15",
            "e.csv:10: column \"value\": unit U01, indicator B4/a: negative count -3",
            "e.csv:11: column \"value\": unit U01, indicator B5: \"1/2/3\" has 3 vote count(s); this survey needs 4 (好/较好/一般/较差)",
            "e.csv:12: column \"value\": unit U02, indicator B3: amount -0.5 is outside 0–15",
            "e.csv:13: column \"value\": unit U02, indicator B5: \"x\" is not a number",
            "e.csv:14: column \"value\": unit U02, indicator J2: \"2\" is not yes/no (是/否)",
            "e.csv:15: column \"value\": unit U02, indicator K1: negative count -1",
            "e.csv:16: column \"value\": unit U02, indicator V1: \"maybe\" is not yes/no (是/否) or a count for veto item V1",
            "e.csv:17: unit U02, indicator V1: duplicate evidence (first at $WD/e.csv:16)",
        ],
    );
    // Wide: the column is the indicator's header.
    let wd = Workdir::mini();
    wd.create(
        "w.csv",
        &mini_evidence(&[mini_row("U01", &[("B4/b", "两次"), ("B2", "good")])]),
    );
    expect_errors(
        &wd,
        &["w.csv"],
        &[
            "w.csv:2: column \"B2\": unit U01, indicator B2: \"good\" is not one of the levels 好, 较好, 一般, 差",
            "w.csv:2: column \"B4/b\": unit U01, indicator B4/b: \"两次\" is not a number",
        ],
    );
}

#[test]
fn not_applicable_only_where_exempt() {
    let wd = Workdir::mini();
    wd.create(
        "e.csv",
        "unit,indicator,value\nU01,A2,不适用\nU01,A5,N/A\nU01,J1,不涉及\nU01,B3,na\nU02,B4/a,不适用\n",
    );
    expect_errors(
        &wd,
        &["e.csv"],
        &[
            "e.csv:2: column \"value\": unit U01, indicator A2: \"不适用\" is not allowed: A2 is not marked exempt in the framework",
            "e.csv:3: column \"value\": unit U01, indicator A5: \"N/A\" (不适用) is not allowed: A5 is not marked exempt in the framework",
            "e.csv:4: column \"value\": unit U01, indicator J1: \"不涉及\" (不适用) is not allowed: J1 is not marked exempt in the framework",
            "e.csv:6: column \"value\": unit U02, indicator B4/a: \"不适用\" is not allowed: B4 is not marked exempt in the framework",
        ],
    );
}

/// A framework whose every base item may be 不适用: a unit marking them all
/// cannot be scored.
#[test]
fn every_base_indicator_not_applicable() {
    let wd = Workdir::new();
    wd.create(
        "f.toml",
        "[framework]\nid = \"x\"\ntitle = \"x\"\ntotal = 10\n\n[[grade]]\nname = \"好\"\nmin = 0\n\n\
         [[indicator]]\nid = \"A1\"\nname = \"一\"\npoints = 10\nrule = { type = \"check\" }\nexempt = true\n",
    );
    wd.create("e.csv", "unit,A1\nU01,不适用\nU02,是\n");
    wd.create("units.csv", "unit\nU02\nU01\n");
    wd.run(&["score", "-f", "$WD/f.toml", "$WD/e.csv"])
        .assert_input_errors(&[
            "error: $WD/e.csv: unit U01: every base indicator is marked 不适用; the unit cannot be scored",
        ]);
    wd.run(&["score", "-f", "$WD/f.toml", "-u", "$WD/units.csv", "$WD/e.csv"])
        .assert_input_errors(&[
            "error: $WD/units.csv:3: unit U01: every base indicator is marked 不适用; the unit cannot be scored",
        ]);
}

#[test]
fn units_missing_from_the_units_file() {
    let wd = Workdir::mini();
    wd.create("units.csv", "unit,name\nU01,甲\n");
    wd.create(
        "a.csv",
        "unit,indicator,value\nU01,A1,是\nU09,A1,是\nU09,A2,0\nX1,A1,1\n",
    );
    wd.create("b.csv", &mini_evidence(&[mini_row("U09", &[])]));
    wd.run(&["score", "-f", "$WD/mini.toml", "-u", "$WD/units.csv", "$WD/a.csv", "$WD/b.csv"])
        .assert_input_errors(&[
            "error: $WD/a.csv:3: column \"unit\": unit \"U09\" is not in the units file $WD/units.csv (did you mean \"U01\"?) (2 rows)",
            "error: $WD/a.csv:5: column \"unit\": unit \"X1\" is not in the units file $WD/units.csv",
            "error: $WD/b.csv:2: column \"unit\": unit \"U09\" is not in the units file $WD/units.csv (did you mean \"U01\"?)",
            "error: 3 problems found; nothing was written",
        ]);
}

#[test]
fn bad_units_files() {
    let wd = Workdir::mini();
    wd.create("e.csv", &mini_evidence(&[mini_row("U01", &[])]));
    let run = |units: &str| {
        wd.create("units.csv", units);
        wd.run(&["score", "-f", "$WD/mini.toml", "-u", "$WD/units.csv", "$WD/e.csv"])
    };
    run("unit,name\nU01,甲\n,乙\nU01,丙\n").assert_input_errors(&[
        "error: $WD/units.csv:3: column \"unit\": the unit id is empty",
        "error: $WD/units.csv:4: duplicate unit \"U01\" (first at line 2)",
        "error: 2 problems found; nothing was written",
    ]);
    run("name,category\n甲,乡镇\n").assert_input_errors(&[
        "error: $WD/units.csv:1: missing required column unit (单位); the header is: name,category",
    ]);
    run("").assert_input_errors(&[
        "error: $WD/units.csv: the units file is empty (expected a header: unit,name,category)",
    ]);
}

#[test]
fn missing_and_unknown_columns() {
    let wd = Workdir::mini();
    wd.create("nv.csv", "unit,indicator\nU01,A1\n");
    wd.create("nu.csv", "indicator,value\nA1,是\n");
    wd.create("ni.csv", "unit,value\nU01,是\n");
    wd.create("wide.csv", "name,A1\n甲,是\n");
    wd.create("extra.csv", "unit,indicator,value,valeu\nU01,A1,是,x\n");
    wd.create("twice.csv", "unit,单位,indicator,value\nU01,U01,A1,是\n");
    wd.create("wtwice.csv", "unit,A1,a1\nU01,是,1\n");
    wd.create("mixed.csv", "unit,A1,note\nU01,是,x\n");
    expect_errors(
        &wd,
        &[
            "nv.csv",
            "nu.csv",
            "ni.csv",
            "wide.csv",
            "extra.csv",
            "twice.csv",
            "wtwice.csv",
            "mixed.csv",
        ],
        &[
            "nv.csv:1: missing required column value for long-format evidence",
            "nu.csv:1: missing required column unit for long-format evidence",
            "ni.csv:1: missing required column indicator (指标) for long-format evidence",
            "wide.csv:1: missing required column unit (单位); evidence needs either unit,indicator,value (long) or unit and one column per indicator id (wide); the header is: name,A1",
            "extra.csv:1: unknown column \"valeu\" (did you mean \"value\"?); long-format evidence has unit, indicator, value and optional name, note, source, indicator_name, standard, rater",
            "twice.csv:1: column \"单位\" appears twice in the header",
            "wtwice.csv:1: column \"a1\" appears twice in the header (columns 2 and 3)",
            "mixed.csv:1: column \"note\" (note) belongs to long-format evidence, which also needs an indicator column",
        ],
    );
}

#[test]
fn ragged_rows_and_bad_csv() {
    let wd = Workdir::mini();
    wd.create("e.csv", "unit,A1,A2\nU01,是\nU02,是,0,1\nU03,是,0,\nU04,是,0\n");
    expect_errors(
        &wd,
        &["e.csv"],
        &[
            "e.csv:2: the row has 2 fields but the header has 3",
            "e.csv:3: the row has 4 fields but the header has 3: \"1\" has no heading above it (a comma inside a value or note, without quotes?)",
        ],
    );
    let wd = Workdir::mini();
    wd.create("q.csv", "unit,indicator,value\nU01,A1,\"是\nU01,A2,0\n");
    // An unclosed quote swallows the rest of the file into one cell; the
    // message stays on one line.
    expect_errors(
        &wd,
        &["q.csv"],
        &["q.csv:2: column \"value\": unit U01, indicator A1: \"是\\nU01,A2,0\" is not yes/no (是/否)"],
    );
}

#[test]
fn empty_and_unreadable_files() {
    let wd = Workdir::mini();
    wd.create("empty.csv", "");
    wd.create("blank.csv", "\r\n,,\r\n\r\n");
    wd.create("nul.csv", "unit,A1\nU01,\0\n");
    expect_errors(
        &wd,
        &["empty.csv", "blank.csv", "nul.csv", "nosuch.csv"],
        // In the order of the files.
        &[
            "empty.csv: the evidence file is empty (expected a header row)",
            "blank.csv: the evidence file is empty (expected a header row)",
            "nul.csv:2: the file contains NUL bytes; it is not a text CSV file",
            "nosuch.csv: cannot read: No such file or directory (os error 2)",
        ],
    );
}

/// Problems in several files, of several kinds, all in one run; nothing is
/// written, and an existing output file is left as it was.
#[test]
fn all_problems_in_one_run_and_nothing_written() {
    let wd = Workdir::mini();
    wd.create("units.csv", "unit,name\nU01,甲\nU02,乙\n");
    wd.create("a.csv", "unit,indicator,value\nU01,A1,也许\nU01,A12,1\nU01,A2,3\n");
    wd.create(
        "b.csv",
        &format!(
            "{WIDE}\n{}\n{}\n",
            mini_row("U02", &[("A1", "不适用")]),
            mini_row("U03", &[])
        ),
    );
    wd.create("c.csv", "unit,indicator,value\nU01,A2,0\n");
    wd.create("out.csv", "previous report\n");
    let out = wd.run(&[
        "score",
        "-f",
        "$WD/mini.toml",
        "-u",
        "$WD/units.csv",
        "-o",
        "$WD/out.csv",
        "$WD/a.csv",
        "$WD/b.csv",
        "$WD/c.csv",
    ]);
    out.assert_input_errors(&[
        "error: $WD/a.csv:2: column \"value\": unit U01, indicator A1: \"也许\" is not yes/no (是/否)",
        "error: $WD/a.csv:3: column \"indicator\": unit U01: unknown indicator \"A12\" (did you mean \"A1\"?)",
        "error: $WD/b.csv:2: column \"A1\": unit U02, indicator A1: \"不适用\" is not allowed: A1 is not marked exempt in the framework",
        "error: $WD/b.csv:3: column \"unit\": unit \"U03\" is not in the units file $WD/units.csv (did you mean \"U01\"?)",
        "error: $WD/c.csv:2: unit U01, indicator A2: duplicate evidence (first at $WD/a.csv:4)",
        "error: 5 problems found; nothing was written",
    ]);
    assert_eq!(wd.read("out.csv"), "previous report\n");
    assert_eq!(
        wd.files(),
        ["a.csv", "b.csv", "c.csv", "mini.toml", "out.csv", "units.csv"]
    );
    // One problem: no summary line.
    wd.run(&[
        "score",
        "-f",
        "$WD/mini.toml",
        "-o",
        "$WD/new.json",
        "$WD/c.csv",
        "$WD/c.csv",
    ])
    .assert_input_errors(&["error: $WD/c.csv: the same file is given twice (first as $WD/c.csv)"]);
    assert!(!wd.path("new.json").exists());
}

/// Values are read generously where the README says so: spaces, `%`, case, the
/// many spellings of yes and no, full-width digits.
#[test]
fn lenient_values_are_accepted() {
    let wd = Workdir::mini();
    wd.create(
        "e.csv",
        "Unit , INDICATOR ,Value\n\
         U01 , a1 , YES \n\
         U01,A2, ０ \n\
         U01,A3,4\n\
         U01,A4, 4 \n\
         U01,A5,100 %\n\
         U01,B1,９５％\n\
         U01,B2, 好 \n\
         U01,B3,15\n\
         U01,B4/a,0\n\
         U01,B4/b,0\n\
         U01,B5,10／0／0／0\n\
         U01,J2,✓\n\
         U01,K2,✗\n\
         U01,V1,无\n",
    );
    let doc = wd.json(&["-f", "$WD/mini.toml", "$WD/e.csv"]);
    assert_eq!(
        crate::fixtures::ranking(&doc),
        [("U01".to_string(), 1, "102.00".to_string(), "好".to_string())]
    );
}

/// Values their items do not take, in a file otherwise fine: the notice of
/// the columns set aside, then each such value at its line under the
/// file's own heading, in both languages and for every output, on the
/// bulk path (which words them from its one reading) as on the general.
#[test]
fn values_items_do_not_take_follow_the_notice_of_columns_set_aside() {
    let wd = Workdir::mini();
    wd.create(
        "nb.csv",
        "单位,联系人,指标,值\nU01,张三,A1,也许\nU01,张三,A2,2\nU02,李四,A1,是\nU02,李四,A3,三次\n",
    );
    let en = [
        "warning: $WD/nb.csv:1: column(s) “联系人” not used: not evidence columns, ignored",
        "error: $WD/nb.csv:2: column \"值\": unit U01, indicator A1: \"也许\" is not yes/no (是/否)",
        "error: $WD/nb.csv:5: column \"值\": unit U02, indicator A3: \"三次\" is not a number",
        "error: 2 problems found; nothing was written",
    ];
    let zh = [
        "警告：$WD/nb.csv:1: 未使用的列 “联系人”：不是佐证列，已忽略",
        "错误：$WD/nb.csv:2: “值”列：单位 U01，指标 A1：“也许”不是“是/否”",
        "错误：$WD/nb.csv:5: “值”列：单位 U02，指标 A3：“三次”不是数字",
        "错误：共发现 2 个问题，未写出任何文件",
    ];
    every_command_says(&wd, &["-f", "$WD/mini.toml", "$WD/nb.csv"], &en, &zh);
}

/// `score` (CSV and JSON), `check`, `explain` and `deficiencies` on
/// `inputs` say `en` in English and `zh` in Chinese.
fn every_command_says(wd: &Workdir, inputs: &[&str], en: &[&str], zh: &[&str]) {
    for (lang, want) in [("en", en), ("zh", zh)] {
        for cmd in [
            &["score", "--format", "csv"][..],
            &["score", "--format", "json"],
            &["check"],
            &["explain", "U01"],
            &["deficiencies", "--format", "csv"],
        ] {
            let mut args = cmd.to_vec();
            args.extend(["--lang", lang]);
            args.extend(inputs);
            wd.run(&args).assert_input_errors(want);
        }
    }
}

/// A comma in a note without quotes (材料1,材料2) pushes a cell past the
/// header: the message names that cell and the likely cause, in Chinese as
/// in English.
#[test]
fn a_cell_past_the_header_is_named_with_its_likely_cause() {
    let wd = Workdir::mini();
    wd.create("rag.csv", "unit,indicator,value,note\nU01,A1,是,材料1,材料2\n");
    wd.run(&["score", "--lang", "zh", "-f", "$WD/mini.toml", "$WD/rag.csv"])
        .assert_input_errors(&[
            "错误：$WD/rag.csv:2: 该行有 5 个字段，但表头有 4 个：“材料2”上方没有表头（值或备注中有未加引号的逗号？）",
        ]);
}

/// A value given twice (in one file, across files, one with a value its
/// item does not take) and units not in the units file (on two rows, by
/// the unit's name): each located, said once per row, in line order, in
/// English and Chinese, alike for every command.
#[test]
fn values_given_twice_and_units_not_in_the_units_file_are_located_on_both_paths() {
    let wd = Workdir::mini();
    wd.create("units.csv", "unit,name,category\nU01,甲乡,乡镇\nU02,城关镇,乡镇\n");
    wd.create(
        "a.csv",
        "unit,indicator,value\n\
         U01,A1,是\n\
         U01,A2,1\n\
         U09,A1,是\n\
         U01,A1,否\n\
         U09,A2,abc\n\
         城关镇,A1,是\n\
         U02,A3,三次\n\
         U02,A3,4\n\
         U01,A2,x\n",
    );
    wd.create("b.csv", "unit,indicator,value\nU02,A1,是\nU01,A2,2\nU09,A12,1\n");
    // Line 6's `abc` is U09's, a unit not in the units file; line 10's `x`
    // is given twice: neither is said. Line 8 is the first of U02's A3,
    // though its value is not taken.
    let en = [
        "error: $WD/a.csv:4: column \"unit\": unit \"U09\" is not in the units file $WD/units.csv (did you mean \"U01\"?) (2 rows)",
        "error: $WD/a.csv:5: unit U01, indicator A1: duplicate evidence (first at $WD/a.csv:2)",
        "error: $WD/a.csv:7: column \"unit\": unit \"城关镇\" is not in the units file $WD/units.csv (did you mean unit id \"U02\" (城关镇)? the unit column takes the id, not the name)",
        "error: $WD/a.csv:8: column \"value\": unit U02, indicator A3: \"三次\" is not a number",
        "error: $WD/a.csv:9: unit U02, indicator A3: duplicate evidence (first at $WD/a.csv:8)",
        "error: $WD/a.csv:10: unit U01, indicator A2: duplicate evidence (first at $WD/a.csv:3)",
        "error: $WD/b.csv:3: unit U01, indicator A2: duplicate evidence (first at $WD/a.csv:3)",
        "error: $WD/b.csv:4: column \"unit\": unit \"U09\" is not in the units file $WD/units.csv (did you mean \"U01\"?)",
        "error: 8 problems found; nothing was written",
    ];
    let zh = [
        "错误：$WD/a.csv:4: “unit”列：单位“U09”不在单位文件 $WD/units.csv 中（是否应为“U01”？）（共 2 行）",
        "错误：$WD/a.csv:5: 单位 U01，指标 A1：佐证重复（首次出现在 $WD/a.csv:2）",
        "错误：$WD/a.csv:7: “unit”列：单位“城关镇”不在单位文件 $WD/units.csv 中（是否应为单位编号“U02”（城关镇）？单位列应填编号，不填名称）",
        "错误：$WD/a.csv:8: “value”列：单位 U02，指标 A3：“三次”不是数字",
        "错误：$WD/a.csv:9: 单位 U02，指标 A3：佐证重复（首次出现在 $WD/a.csv:8）",
        "错误：$WD/a.csv:10: 单位 U01，指标 A2：佐证重复（首次出现在 $WD/a.csv:3）",
        "错误：$WD/b.csv:3: 单位 U01，指标 A2：佐证重复（首次出现在 $WD/a.csv:3）",
        "错误：$WD/b.csv:4: “unit”列：单位“U09”不在单位文件 $WD/units.csv 中（是否应为“U01”？）",
        "错误：共发现 8 个问题，未写出任何文件",
    ];
    let inputs = ["-f", "$WD/mini.toml", "-u", "$WD/units.csv", "$WD/a.csv", "$WD/b.csv"];
    every_command_says(&wd, &inputs, &en, &zh);
}

/// The problems found while scoring: a value for an item outside the
/// unit's category, items missing under `missing = "error"` (at the units
/// file's line, at a clause given, at an empty value), 不适用 for one
/// clause only, every base item 不适用. Evidence outside a unit's category
/// first, then unit by unit in the units file's order, 不适用 in part before
/// items missing; in English and Chinese, alike for
/// every command.
#[test]
fn problems_found_while_scoring_are_located_on_both_paths() {
    let wd = Workdir::new();
    wd.create("f.toml", SCORED_BY_CATEGORY);
    wd.create(
        "units.csv",
        "unit,name,category\nU01,甲镇,乡镇\nU02,乙街道,街道\nU03,丙镇,乡镇\nU04,丁街道,街道\n",
    );
    wd.create(
        "e.csv",
        "unit,indicator,value\n\
         U01,A1,是\n\
         U01,C1/a,1\n\
         U01,C1/b,0\n\
         U02,A1,否\n\
         U02,C1/a,2\n\
         U02,X1,5\n\
         U03,A1,\n\
         U03,C1/a,不适用\n\
         U03,C1/b,1\n\
         U03,X1,6\n\
         U04,A1,不适用\n\
         U04,C1/a,不适用\n\
         U04,C1/b,不适用\n",
    );
    let en = [
        "error: $WD/e.csv:7: unit U02 is in category \"街道\", and indicator X1 concerns 乡镇 only: it takes no evidence (it is not applicable to this unit)",
        "error: $WD/units.csv:2: unit U01, indicator X1: no evidence (the framework sets missing = \"error\")",
        "error: $WD/e.csv:6: unit U02, indicator C1: no evidence for C1/b (the framework sets missing = \"error\")",
        "error: $WD/e.csv:9: unit U03, indicator C1: 不适用 must be given for the whole item, not for some clauses",
        "error: $WD/e.csv:8: unit U03, indicator A1: no evidence (the framework sets missing = \"error\")",
        "error: $WD/units.csv:5: unit U04: every base indicator is marked 不适用; the unit cannot be scored",
        "error: 6 problems found; nothing was written",
    ];
    let zh = [
        "错误：$WD/e.csv:7: 单位 U02 属于“街道”类，指标 X1 只考核 乡镇，不应填报（该指标对本单位按不适用处理）",
        "错误：$WD/units.csv:2: 单位 U01，指标 X1：缺少佐证（考核方案设定了 missing = \"error\"）",
        "错误：$WD/e.csv:6: 单位 U02，指标 C1：C1/b 缺少佐证（考核方案设定了 missing = \"error\"）",
        "错误：$WD/e.csv:9: 单位 U03，指标 C1：不适用只能针对整个指标填写，不能只填部分子项",
        "错误：$WD/e.csv:8: 单位 U03，指标 A1：缺少佐证（考核方案设定了 missing = \"error\"）",
        "错误：$WD/units.csv:5: 单位 U04：所有基础指标均标为不适用，无法评分",
        "错误：共发现 6 个问题，未写出任何文件",
    ];
    let inputs = ["-f", "$WD/f.toml", "-u", "$WD/units.csv", "$WD/e.csv"];
    every_command_says(&wd, &inputs, &en, &zh);
}
