//! `kaohe diff`: two periods compared, from saved results or evidence.

use crate::periods::{json, s, save, shipped, town};
use crate::util::Workdir;

/// The shipped examples, scored on the fly with their periods, so output
/// names only repository paths and snapshots are stable.
fn shipped_diff(wd: &Workdir, extra: &[&str]) -> crate::util::Output {
    let mut args = vec![
        "diff",
        "-u",
        "examples/units.csv",
        "--old-period",
        "2022",
        "--new-period",
        "2023",
        "examples/2022.csv",
        "examples/2023.csv",
    ];
    args.extend_from_slice(extra);
    let out = wd.run(&args);
    out.assert_ok();
    out
}

fn unit<'a>(doc: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == id)
        .unwrap_or_else(|| panic!("no unit {id}"))
}

fn ids(v: &serde_json::Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect()
}

/// Every figure below agrees with tests/reference/score.py, an independent
/// scorer, given both periods (its command is in its header); D02's are
/// worked out by hand.
#[test]
fn shipped_periods_exact_figures() {
    let wd = Workdir::new();
    let doc = json(&shipped_diff(&wd, &["--format", "json"]).stdout);
    assert_eq!(doc["old"]["period"], "2022");
    // Each period scored on its own year's framework.
    assert_eq!(doc["old"]["framework"], "ideology-2022");
    assert_eq!(doc["new"]["framework"], "ideology-2023");

    let d02 = unit(&doc, "D02");
    assert_eq!(d02["old_score"].to_string(), "79.72");
    assert_eq!(d02["new_score"].to_string(), "79.20");
    assert_eq!(d02["delta"].to_string(), "-0.52");
    assert_eq!(
        (d02["old_rank"].as_u64(), d02["new_rank"].as_u64()),
        (Some(11), Some(13))
    );
    assert_eq!(d02["rank_change"], -2);
    assert_eq!(
        (d02["old_grade"].as_str(), d02["new_grade"].as_str()),
        (Some("一般"), Some("一般"))
    );
    assert_eq!(d02["grade_change"], "same");
    // 2022's A4 (a report short) and A5 (duty lapses) were fixed; B4 is no
    // longer assessed; 16 problems persist: 2 / (2 + 16) = 0.1111.
    assert_eq!(ids(&d02["resolved"]), ["A4", "A5"]);
    assert_eq!(ids(&d02["dropped"]), ["B4"]);
    assert_eq!(ids(&d02["persisting"]).len(), 16);
    assert_eq!(ids(&d02["new"]), ["B8", "B9", "F10"]);
    assert_eq!(d02["rectification_rate"].to_string(), "0.1111");

    let t06 = unit(&doc, "T06");
    assert_eq!(
        (t06["old_grade"].as_str(), t06["new_grade"].as_str()),
        (Some("一般"), Some("较好"))
    );
    assert_eq!(t06["grade_change"], "up");
    assert_eq!(t06["delta"].to_string(), "10.08");

    // E03 scores higher but is vetoed: lowest grade, last place.
    let e03 = unit(&doc, "E03");
    assert_eq!(e03["delta"].to_string(), "9.06");
    assert_eq!(e03["new_grade"], "差");
    assert_eq!(e03["new_rank"], 15);
    assert_eq!(ids(&e03["new_veto"]), ["V1"]);
    assert!(ids(&e03["new"]).contains(&"V1"));

    let sum = &doc["summary"];
    assert_eq!((sum["compared"].as_u64(), sum["added"].as_u64()), (Some(15), Some(0)));
    assert_eq!(sum["mean_delta"].to_string(), "4.63");
    assert_eq!(sum["median_delta"].to_string(), "3.33");
    assert_eq!(
        (
            sum["resolved"].as_u64(),
            sum["new"].as_u64(),
            sum["persisting"].as_u64()
        ),
        (Some(63), Some(38), Some(145))
    );
    // 63 / (63 + 145) = 0.30288…
    assert_eq!(sum["rectification_rate"].to_string(), "0.3029");
    assert_eq!(
        (sum["grade_up"].as_u64(), sum["grade_down"].as_u64()),
        // Up: D01, T02 (较好 → 好), T06 (一般 → 较好), E04 (差 → 一般); down:
        // D03 (好 → 较好, its cap), E03 (一般 → 差, its veto).
        (Some(4), Some(2))
    );
    assert_eq!(sum["risers"][0]["unit"], "E04");
    assert_eq!(sum["fallers"][0]["unit"], "D03");
    // The 2023 revision: B8, B9, E5, F9, F10 and the cap Q1 added, B4
    // (党史学习教育) removed.
    let fw = &sum["framework"];
    assert_eq!(fw["same"], false);
    assert_eq!((fw["added"].as_u64(), fw["removed"].as_u64()), (Some(6), Some(1)));
    let changes: Vec<String> = fw["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] != "changed")
        .map(|c| format!("{} {}", c["id"].as_str().unwrap(), c["change"].as_str().unwrap()))
        .collect();
    assert_eq!(
        changes,
        [
            "B8 added",
            "B9 added",
            "E5 added",
            "F9 added",
            "F10 added",
            "Q1 added",
            "B4 removed"
        ]
    );
}

#[test]
fn saved_results_and_evidence_compare_the_same() {
    let wd = Workdir::new();
    let (old, new) = shipped(&wd);
    let saved = wd.run(&["diff", "--format", "json", &old, &new]);
    saved.assert_ok();
    let fly = json(&shipped_diff(&wd, &["--format", "json"]).stdout);
    let saved = json(&saved.stdout);
    assert_eq!(saved["units"], fly["units"]);
    assert_eq!(saved["summary"], fly["summary"]);
    assert_eq!(saved["old"]["source"], old.as_str());
}

#[test]
fn shipped_periods_table() {
    let wd = Workdir::new();
    insta::assert_snapshot!(shipped_diff(&wd, &["--lang", "zh"]).stdout);
}

#[test]
fn shipped_periods_markdown() {
    let wd = Workdir::new();
    insta::assert_snapshot!(shipped_diff(&wd, &["--lang", "en", "--format", "md"]).stdout);
}

#[test]
fn shipped_periods_json() {
    let wd = Workdir::new();
    insta::assert_snapshot!(shipped_diff(&wd, &["--format", "json"]).stdout);
}

#[test]
fn shipped_periods_csv_lists_indicators() {
    let wd = Workdir::new();
    let out = shipped_diff(&wd, &["--lang", "en", "--format", "csv", "--sort", "unit"]);
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "Unit,Name,Status,Score 2022,Score 2023,Change,Rank 2022,Rank 2023,Rank ±,Grade 2022,Grade 2023,\
         Grade change,Rect. rate,Moved by,Persisting,Resolved,New,Dropped"
    );
    let d02 = out.stdout.lines().find(|l| l.starts_with("D02,")).unwrap();
    assert_eq!(
        d02,
        "D02,市卫生健康委党组,present,79.72,79.20,-0.52,11,13,-2,一般,一般,same,11.11%,\
         \"'-2.00 C 网络意识形态工作责任制, +1.98 F 责任落实与监督问责, -1.50 B 思想引领与学习型党组织建设, \
         +1.50 E 新闻宣传发布审批与阵地管理, -0.50 A 认清形势、分析研判\",\
         A1 A2 B1 B2 B3 B6 B7 C3 C4 C6 D2 D4 E2 E3 F2 F3,A4 A5,B8 B9 F10,B4"
    );
    assert_eq!(lines.next().unwrap().split(',').next(), Some("D01"));
}

#[test]
fn sort_orders() {
    let wd = Workdir::new();
    let first = |sort: &str| {
        let out = shipped_diff(&wd, &["--format", "csv", "--sort", sort]);
        out.stdout
            .lines()
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .to_string()
    };
    assert_eq!(first("rank"), "T01");
    assert_eq!(first("delta"), "E04");
    assert_eq!(first("unit"), "D01");
}

#[test]
fn a_result_against_itself_changes_nothing() {
    let wd = Workdir::new();
    let (old, _) = shipped(&wd);
    let out = wd.run(&["diff", "--format", "json", &old, &old]);
    out.assert_ok();
    let doc = json(&out.stdout);
    let before = json(&wd.read("2022.json"));
    let problems: usize = before["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["deficiencies"].as_array().unwrap().len())
        .sum();
    for u in doc["units"].as_array().unwrap() {
        assert_eq!(u["delta"].to_string(), "0.00");
        assert_eq!(u["rank_change"], 0);
        assert_eq!(u["grade_change"], "same");
        assert!(ids(&u["resolved"]).is_empty() && ids(&u["new"]).is_empty());
    }
    let sum = &doc["summary"];
    assert_eq!(sum["persisting"].as_u64(), Some(problems as u64));
    assert_eq!((sum["resolved"].as_u64(), sum["new"].as_u64()), (Some(0), Some(0)));
    assert_eq!(sum["rectification_rate"].to_string(), "0.0000");
    assert_eq!(sum["unchanged"], 15);
    // With nothing to tell the sides apart, columns say 原/现.
    let table = wd.run(&["diff", "--lang", "zh", &old, &old]);
    assert!(table.stdout.contains("| 原得分 | 现得分 |"), "{}", table.stdout);
}

/// The town fixture, each side scored against its own framework and units.
fn town_diff(wd: &Workdir, extra: &[&str]) -> crate::util::Output {
    let t = town(wd);
    let mut args = vec![
        "diff",
        "--old-framework",
        s(&t.fw2022),
        "--new-framework",
        s(&t.fw2023),
        "--old-units",
        s(&t.units2022),
        "--new-units",
        s(&t.units2023),
        "--old-period",
        "2022",
        "--new-period",
        "2023",
        s(&t.ev2022),
        s(&t.ev2023),
    ];
    args.extend_from_slice(extra);
    let out = wd.run(&args);
    out.assert_ok();
    out
}

#[test]
fn framework_revision_and_units_coming_and_going() {
    let wd = Workdir::new();
    let doc = json(&town_diff(&wd, &["--format", "json"]).stdout);
    let order: Vec<(&str, &str)> = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["unit"].as_str().unwrap(), u["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        order,
        [("U4", "added"), ("U1", "present"), ("U2", "present"), ("U3", "removed")]
    );

    let u1 = unit(&doc, "U1");
    assert_eq!(u1["delta"].to_string(), "2.00");
    assert_eq!(ids(&u1["resolved"]), ["A1"]);
    assert_eq!(ids(&u1["persisting"]), ["B1"]);
    assert_eq!(ids(&u1["dropped"]), ["A2"]);
    assert_eq!(u1["rectification_rate"].to_string(), "0.5000");
    assert_eq!(u1["groups"][0]["delta"].to_string(), "3.00");
    assert_eq!(u1["groups"][1]["delta"].to_string(), "-1.00");

    let u2 = unit(&doc, "U2");
    assert_eq!(u2["delta"].to_string(), "-2.00");
    assert_eq!((u2["old_rank"].as_u64(), u2["new_rank"].as_u64()), (Some(1), Some(3)));
    assert_eq!(u2["new_grade"], "差");
    assert_eq!(ids(&u2["new"]), ["A1", "A3", "V1"]);
    assert_eq!(ids(&u2["resolved"]), ["B1"]);

    let u4 = unit(&doc, "U4");
    assert!(u4["old_score"].is_null() && u4["delta"].is_null());
    assert_eq!(u4["new_score"].to_string(), "10.00");

    let sum = &doc["summary"];
    assert_eq!(
        (sum["compared"].as_u64(), sum["added"].as_u64(), sum["removed"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(
        (
            sum["resolved"].as_u64(),
            sum["persisting"].as_u64(),
            sum["new"].as_u64(),
            sum["dropped"].as_u64()
        ),
        (Some(2), Some(1), Some(3), Some(1))
    );
    assert_eq!(sum["rectification_rate"].to_string(), "0.6667");
    assert_eq!(sum["mean_delta"].to_string(), "0.00");

    let fw = &sum["framework"];
    assert_eq!(fw["same"], false);
    assert_eq!(
        (
            fw["added"].as_u64(),
            fw["removed"].as_u64(),
            fw["repointed"].as_u64(),
            fw["rule_changed"].as_u64()
        ),
        (Some(1), Some(1), Some(1), Some(1))
    );
    assert_eq!(fw["changed"], 4);
    let revised: Vec<(&str, &str)> = fw["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["change"].as_str().unwrap()))
        .collect();
    assert_eq!(
        revised,
        [("A1", "changed"), ("A3", "added"), ("B1", "changed"), ("A2", "removed")]
    );
    assert_eq!(fw["indicators"][0]["old"]["points"], 4);
    assert_eq!(fw["indicators"][0]["new"]["points"], 3);
}

#[test]
fn framework_revision_table() {
    let wd = Workdir::new();
    insta::assert_snapshot!(town_diff(&wd, &["--lang", "en"]).stdout);
}

#[test]
fn results_from_different_frameworks() {
    let wd = Workdir::new();
    let t = town(&wd);
    let old = save(&wd, "r2022.json", &t.fw2022, &t.units2022, "2022", &t.ev2022);
    let new = save(&wd, "r2023.json", &t.fw2023, &t.units2023, "2023", &t.ev2023);
    let out = wd.run(&["diff", "--format", "json", &old, &new]);
    out.assert_ok();
    let saved = json(&out.stdout);
    let fly = json(&town_diff(&wd, &["--format", "json"]).stdout);
    assert_eq!(saved["old"]["framework"], "town-2022");
    assert_eq!(saved["new"]["framework"], "town-2023");
    assert_ne!(saved["old"]["sha256"], saved["new"]["sha256"]);
    assert_eq!(saved["units"], fly["units"]);
    assert_eq!(saved["summary"], fly["summary"]);
    // One side saved, the other evidence.
    let mixed = wd.run(&[
        "diff",
        "--new-framework",
        s(&t.fw2023),
        "--new-units",
        s(&t.units2023),
        "--new-period",
        "2023",
        "--format",
        "json",
        &old,
        s(&t.ev2023),
    ]);
    mixed.assert_ok();
    assert_eq!(json(&mixed.stdout)["summary"], fly["summary"]);
}

#[test]
fn corrupt_json_is_located() {
    let wd = Workdir::new();
    let (_, new) = shipped(&wd);
    let text = wd.read("2022.json");
    // Cut off just after `"units": [`, as an interrupted copy would be.
    let head = &text[..text.find("\"units\": [").unwrap() + 10];
    let cut = wd.create("cut.json", head);
    let out = wd.run(&["diff", s(&cut), &new]);
    out.assert_input_errors(&[&format!(
        "error: {}:{}: not a kaohe result: the JSON ends early (EOF while parsing a list)",
        "$WD/cut.json",
        head.lines().count()
    )]);

    let broken = wd.create("broken.json", &text.replacen("\"rank\": 1,", "\"rank\": 1", 1));
    let out = wd.run(&["diff", s(&broken), &new]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.starts_with("error: $WD/broken.json:")
            && out
                .stderr
                .contains(": not a kaohe result: invalid JSON: expected `,` or `}` (column "),
        "{}",
        out.stderr
    );
}

#[test]
fn foreign_json_is_refused() {
    let wd = Workdir::new();
    let (_, new) = shipped(&wd);
    let foreign = wd.create(
        "package.json",
        "{\n  \"name\": \"kaohe\",\n  \"version\": \"1.0.0\"\n}\n",
    );
    let out = wd.run(&["diff", s(&foreign), &new]);
    out.assert_input_errors(&[&format!(
        "error: {}:1: not a kaohe result: no \"schema\" field (results are written by `kaohe score --format json`)",
        "$WD/package.json"
    )]);

    let future = wd.create(
        "future.json",
        &wd.read("2023.json").replacen("\"schema\": 1", "\"schema\": 2", 1),
    );
    let out = wd.run(&["diff", s(&future), &new]);
    out.assert_input_errors(&[&format!(
        "error: {}:2: result schema 2 is not supported: this kaohe reads schema 1",
        "$WD/future.json"
    )]);

    // A diff's own output is not a result.
    let d = wd.run(&["diff", "--format", "json", "-o", "$WD/d.json", &new, &new]);
    d.assert_ok();
    let out = wd.run(&["diff", "$WD/d.json", &new]);
    out.assert_input_errors(&[&format!(
        "error: {}:1: not a kaohe result: this is the output of `kaohe diff`; give the results it was made from",
        "$WD/d.json"
    )]);
}

#[test]
fn problems_on_both_sides_are_reported_together() {
    let wd = Workdir::new();
    let bad = wd.create("bad.csv", "unit,indicator,value\nT01,A3,也许\n");
    let missing = wd.path("missing.json");
    let out = wd.run(&["diff", s(&missing), s(&bad)]);
    assert_eq!(out.code, 1);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", out.stderr);
    assert!(lines[0].starts_with("error: $WD/missing.json: cannot read:"));
    assert!(lines[1].starts_with("error: $WD/bad.csv:2: "));
    assert_eq!(lines[2], "error: 2 problems found; nothing was written");
    assert_eq!(out.stdout, "");
}

/// The same file with problems on both sides: each problem said once, in
/// the order the file gives them; two problems alike in two files are two.
#[test]
fn the_same_problems_on_both_sides_are_said_once() {
    let wd = Workdir::new();
    let bad = wd.create(
        "bad.csv",
        "unit,indicator,value\nT01,A3,也许\nT01,A1,也许\nT02,A3,也许\n",
    );
    let other = wd.create("other.csv", "unit,indicator,value\nT01,A3,也许\n");
    wd.run(&["diff", s(&bad), s(&bad)]).assert_input_errors(&[
        "error: $WD/bad.csv:2: column \"value\": unit T01, indicator A3: \"也许\" is not yes/no (是/否)",
        "error: $WD/bad.csv:3: column \"value\": unit T01, indicator A1: \"也许\" is not a number",
        "error: $WD/bad.csv:4: column \"value\": unit T02, indicator A3: \"也许\" is not yes/no (是/否)",
        "error: 3 problems found; nothing was written",
    ]);
    wd.run(&["diff", s(&bad), s(&other)]).assert_input_errors(&[
        "error: $WD/bad.csv:2: column \"value\": unit T01, indicator A3: \"也许\" is not yes/no (是/否)",
        "error: $WD/bad.csv:3: column \"value\": unit T01, indicator A1: \"也许\" is not a number",
        "error: $WD/bad.csv:4: column \"value\": unit T02, indicator A3: \"也许\" is not yes/no (是/否)",
        "error: $WD/other.csv:2: column \"value\": unit T01, indicator A3: \"也许\" is not yes/no (是/否)",
        "error: 4 problems found; nothing was written",
    ]);
}

#[test]
fn side_options_for_a_saved_result_are_a_usage_error() {
    let wd = Workdir::new();
    let (old, new) = shipped(&wd);
    let out = wd.run(&["diff", "--old-units", "examples/units.csv", &old, &new]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!("error: --old-units applies only when OLD is evidence; {old} is a saved result, scored already\n")
    );
}

#[test]
fn writes_a_file_whole() {
    let wd = Workdir::new();
    let (old, new) = shipped(&wd);
    wd.run(&["diff", "-o", "$WD/diff.csv", &old, &new]).assert_ok();
    let bytes = std::fs::read(wd.path("diff.csv")).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "CSV files start with a BOM for Excel"
    );
    let out = wd.run(&["diff", "-o", &old, &old, &new]);
    assert_eq!(out.code, 2, "refuses to write over an input");
}

#[test]
fn framework_revision_in_chinese() {
    let wd = Workdir::new();
    let out = town_diff(&wd, &["--lang", "zh"]).stdout;
    assert!(
        out.contains(
            "\n指标体系：有修订（town-2022 → town-2023）：新增 1 · 删除 1 · 调整分值 1 · 调整规则 1 · 调整分组 0 · 合计 4\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("| A3   | “学习强国”平台使用 | 新增（A组，3分，基础）"),
        "{out}"
    );
    assert!(
        out.contains(
            "问题整改：原问题 4 项（已整改 2 · 整改不到位 1 · 不再考核 1）· 新增问题 3 · 整改率 66.67%（2/3）"
        ),
        "{out}"
    );
}

/// Evidence sides are read with `--encoding` (and `--sheet`) as `score`
/// reads them.
#[test]
fn evidence_sides_honour_the_encoding() {
    let wd = Workdir::new();
    // "unit,indicator,value\nT01,A3,是\n" and "…否" in GBK.
    wd.create_bytes("old.csv", b"unit,indicator,value\nT01,A3,\xb7\xf1\n");
    wd.create_bytes("new.csv", b"unit,indicator,value\nT01,A3,\xca\xc7\n");
    let out = wd.run(&[
        "diff",
        "--lang",
        "en",
        "--format",
        "csv",
        "--encoding",
        "gbk",
        "$WD/old.csv",
        "$WD/new.csv",
    ]);
    out.assert_ok();
    assert!(
        out.stdout.contains("\r\nT01,,present,0.00,2.00,+2.00,"),
        "{}",
        out.stdout
    );
    wd.run(&["diff", "--encoding", "utf-8", "$WD/old.csv", "$WD/new.csv"])
        .assert_input_errors(&[
            "error: $WD/old.csv:2: the file is not UTF-8 (byte 0xB7 cannot be read), but --encoding utf-8 was given",
            "error: $WD/new.csv:2: the file is not UTF-8 (byte 0xCA cannot be read), but --encoding utf-8 was given",
            "error: 2 problems found; nothing was written",
        ]);
}
