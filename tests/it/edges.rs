//! Valid evidence at the edges of what the engine's reader takes in one
//! pass: counts past what a clause can deduct, quoted notes of many lines
//! across the blocks a large file is cut into, CR line ends among LF ones,
//! a GBK file whose first 64 KiB are ASCII, marks and characters in
//! workbook cells, blank rows. Each is scored (or, where it is not text,
//! refused at its cell), with the numbers worked by hand.

use crate::util::{Workdir, Xl, t, texts, write_xlsx};
use kaohe::engine::bulk::{self, Tuning};
use kaohe::model::framework::Framework;

/// A check worth 10, and a clause item worth 10: clause a deducts 1 each
/// (at most 6), clause b 0.5 each (at most the item's 10).
const FW: &str = r#"[framework]
id = "edges"
title = "边界"
total = 20

[[grade]]
name = "好"
min = 15
[[grade]]
name = "差"
min = 0

[[indicator]]
id = "A1"
name = "专题研究"
points = 10
rule = { type = "check" }

[[indicator]]
id = "C1"
name = "书记责任"
points = 10
rule = { type = "clauses", clauses = [{ id = "a", per = 1, max = 6 }, { id = "b", per = 0.5 }] }
"#;

fn framework() -> Framework {
    Framework::parse(FW, "fw.toml").unwrap()
}

/// Each unit's id and score, in rank order.
fn scores(a: &kaohe::engine::score::Assessment) -> Vec<(String, String)> {
    a.units
        .iter()
        .map(|u| (u.unit.clone(), u.totals.score.to_string()))
        .collect()
}

fn pairs(want: &[(&str, &str)]) -> Vec<(String, String)> {
    want.iter().map(|(u, s)| (u.to_string(), s.to_string())).collect()
}

#[test]
fn counts_past_what_a_clause_can_deduct_are_scored() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    // U1: 10 + (10 − min(70000, 6) − 0.5) = 13.50.
    // U2: 0 + max(10 − 2 − min(0.5 × 10¹¹, 10), 0) = 0.00.
    // U3: 10 + (10 − 3 − 2) = 15.00.
    let e = wd.create(
        "e.csv",
        "unit,indicator,value\nU1,A1,是\nU1,C1/a,70000\nU1,C1/b,1\n\
         U2,A1,否\nU2,C1/a,2\nU2,C1/b,100000000000\nU3,A1,是\nU3,C1/a,3\nU3,C1/b,4\n",
    );
    let a = crate::util::assess(&framework(), None, &[e], None).unwrap();
    assert_eq!(scores(&a), pairs(&[("U3", "15.00"), ("U1", "13.50"), ("U2", "0.00")]));
    // The value shown is the count given.
    let c1 = &a.units[1].indicators[1];
    assert_eq!(c1.value.as_deref(), Some("a=70000;b=1"));
    let out = wd.stdout(&["score", "--format", "csv", "-f", "$WD/fw.toml", "$WD/e.csv"]);
    assert!(out.contains("\n2,U1,,13.50,差,"), "{out}");
}

/// Units U0…U{n−1}: A1 是 for even units, 否 for odd ones, no clause
/// missed (20 or 10), every row with a note of `lines` lines.
fn many_lined_notes(n: usize, lines: usize) -> String {
    let mut csv = String::from("unit,indicator,value,note\n");
    for u in 0..n {
        let yes = if u % 2 == 0 { "是" } else { "否" };
        for (key, value) in [("A1", yes), ("C1/a", "0"), ("C1/b", "0")] {
            let note: Vec<String> = (1..=lines).map(|k| format!("第{k}行，{key}材料{u}")).collect();
            csv.push_str(&format!("U{u},{key},{value},\"{}\"\n", note.join("\n")));
        }
    }
    csv
}

#[test]
fn notes_of_many_lines_are_read_across_blocks() {
    let fw = framework();
    for lines in [2, 3, 4, 9] {
        let wd = Workdir::new();
        let e = [wd.create("e.csv", &many_lined_notes(300, lines))];
        for (block, workers) in [(2048, 3), (4096, 2), (1 << 20, 2)] {
            let tuning = Tuning {
                block,
                workers,
                batch: None,
            };
            let a = bulk::assess(&fw, None, bulk::Files::from(&e[..]).tuned(tuning), None)
                .unwrap_or_else(|| panic!("{lines} lines, block {block}: given up"));
            let twenty = a.units.iter().filter(|u| u.totals.score.to_string() == "20.00").count();
            let ten = a.units.iter().filter(|u| u.totals.score.to_string() == "10.00").count();
            assert_eq!(
                (a.units.len(), twenty, ten),
                (300, 150, 150),
                "{lines} lines, block {block}"
            );
            let full = bulk::assess_full(&fw, None, bulk::Files::from(&e[..]).tuned(tuning), None)
                .unwrap_or_else(|| panic!("{lines} lines, block {block}: given up in full"));
            let u7 = full.units.iter().find(|u| u.unit == "U7").unwrap();
            let want: Vec<String> = (1..=lines).map(|k| format!("第{k}行，A1材料7")).collect();
            assert_eq!(u7.indicators[0].note, want.join("\n"), "{lines} lines, block {block}");
            // U7's A1 starts on line 2 + 7 units × 3 rows of `lines` lines.
            let line = 2 + 7 * 3 * lines as u64;
            assert_eq!(u7.indicators[0].origin.map(|o| o.1), Some(line), "{lines} lines");
        }
    }
}

#[test]
fn cr_line_ends_among_lf_ones_are_read_as_lines() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    // Lines ended by CR, the last by LF; then by CR among CRLF.
    for (name, text) in [
        ("cr-lf.csv", "unit,indicator,value\rU1,A1,是\rU1,C1/a,2\rU1,C1/b,1\n"),
        (
            "cr-crlf.csv",
            "unit,indicator,value\r\nU1,A1,是\rU1,C1/a,2\r\nU1,C1/b,1\r\n",
        ),
    ] {
        let e = wd.create(name, text);
        // U1: 10 + (10 − 2 − 0.5) = 17.50.
        let a = crate::util::assess(&framework(), None, &[e], None).unwrap();
        assert_eq!(scores(&a), pairs(&[("U1", "17.50")]), "{name}");
        assert_eq!(
            a.units[0].indicators[1].origin.map(|o| o.1),
            Some(3),
            "{name}: C1/a on line 3"
        );
        let out = wd.stdout(&["score", "--format", "csv", "-f", "$WD/fw.toml", &format!("$WD/{name}")]);
        assert!(out.contains("\n1,U1,,17.50,好,"), "{name}: {out}");
    }
}

#[test]
fn a_gbk_file_whose_first_64_kib_are_ascii_is_read_as_gbk() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    // 3,000 units of ASCII (A1 1: 10; C1 none: 0), then one with a note
    // in Chinese, past the first 64 KiB.
    let mut text = String::from("unit,indicator,value,note\n");
    for u in 0..3000 {
        text.push_str(&format!("U{u:05},A1,1,ok\nU{u:05},C1/a,0,\nU{u:05},C1/b,0,\n"));
    }
    assert!(text.len() > 70 << 10);
    text.push_str("Z1,A1,0,会议纪要两份\nZ1,C1/a,1,\nZ1,C1/b,0,\n");
    wd.create_bytes("gbk.csv", &encoding_rs::GBK.encode(&text).0);
    wd.create("utf8.csv", &text);
    let run = |file: &str| wd.stdout(&["score", "--format", "csv", "-f", "$WD/fw.toml", file]);
    let gbk = run("$WD/gbk.csv");
    assert_eq!(gbk, run("$WD/utf8.csv"));
    // Z1: 0 + (10 − 1) = 9.00, last.
    assert!(
        gbk.ends_with("\n3001,Z1,,9.00,差,,9.00,0.00,0.00\r\n"),
        "{}",
        &gbk[gbk.len() - 200..]
    );
    let out = wd.stdout(&["explain", "Z1", "--format", "csv", "-f", "$WD/fw.toml", "$WD/gbk.csv"]);
    assert!(out.contains("会议纪要两份"), "{out}");
}

#[test]
fn byte_order_marks_in_workbook_cells_are_read_as_in_a_csv_file() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    let rows = vec![
        texts(&["\u{feff}unit", "indicator", "value", "note"]),
        vec![t("\u{feff}U1"), t("A1"), t("是"), t("\u{feff}会议纪要")],
        vec![t("U1"), t("C1/a"), Xl::Num(1.0), Xl::Blank],
        vec![t("U1"), t("C1/b"), Xl::Num(2.0), Xl::Blank],
    ];
    let e = wd.path("e.xlsx");
    write_xlsx(&e, &[("佐证", rows)]);
    let opts = kaohe::reading::input::ReadOptions::default();
    assert!(
        kaohe::reading::read::text_of(&e, &opts).ok().flatten().is_some(),
        "the worksheet is given as text"
    );
    // U1: 10 + (10 − 1 − 1) = 18.00; the note keeps its mark, as a CSV
    // file's does.
    let a = crate::util::assess(&framework(), None, &[e], None).unwrap();
    assert_eq!(scores(&a), pairs(&[("U1", "18.00")]));
    assert_eq!(a.units[0].indicators[0].note, "\u{feff}会议纪要");
    let csv = wd.create(
        "e.csv",
        "\u{feff}unit,indicator,value,note\n\u{feff}U1,A1,是,\u{feff}会议纪要\nU1,C1/a,1,\nU1,C1/b,2,\n",
    );
    let from_csv = crate::util::assess(&framework(), None, &[csv], None).unwrap();
    assert_eq!(a.units[0].indicators[0].note, from_csv.units[0].indicators[0].note);
}

#[test]
fn a_nul_in_a_workbook_cell_is_refused_at_its_cell() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    let rows = vec![
        texts(&["unit", "indicator", "value", "note"]),
        vec![t("U1"), t("A1"), t("是"), t("会议\0纪要")],
    ];
    write_xlsx(&wd.path("e.xlsx"), &[("佐证", rows)]);
    wd.run(&["score", "--lang", "en", "-f", "$WD/fw.toml", "$WD/e.xlsx"])
        .assert_input_errors(&[
            "error: $WD/e.xlsx!佐证!D2: the cell holds a NUL character (not text): delete it and save again",
        ]);
}

#[test]
fn a_byte_order_mark_inside_a_row_s_first_quotes_is_dropped() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    wd.create(
        "e.csv",
        "unit,indicator,value,note\nU1,A1,是,x\n\"\u{feff}U1\",C1/a,1,y\n\"U1\",C1/b,0,z\n",
    );
    // U1: 10 + (10 − 1) = 19.00, one unit.
    let json = wd.stdout(&["score", "--format", "json", "-f", "$WD/fw.toml", "$WD/e.csv"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["units"].as_array().unwrap().len(), 1);
    assert_eq!(json["units"][0]["score"].to_string(), "19.00");
    assert_eq!(json["units"][0]["indicators"][1]["note"], "y；z");
    let list = wd.stdout(&["deficiencies", "--format", "csv", "-f", "$WD/fw.toml", "$WD/e.csv"]);
    assert!(list.contains(",U1,") && list.contains(",C1,"), "{list}");
}

#[test]
fn blank_rows_past_the_first_64_kib_are_passed_over() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    let blank = ",,\n".repeat(30_000);
    wd.create(
        "gap.csv",
        &format!("unit,indicator,value\n{blank}U1,A1,是\nU1,C1/a,0\nU1,C1/b,0\n"),
    );
    wd.create("none.csv", &format!("unit,indicator,value\n{blank}"));
    // U1: 10 + 10.
    let out = wd.stdout(&["score", "--format", "csv", "-f", "$WD/fw.toml", "$WD/gap.csv"]);
    assert!(out.contains("\n1,U1,,20.00,好,"), "{out}");
    wd.run(&["score", "--lang", "en", "-f", "$WD/fw.toml", "$WD/none.csv"])
        .assert_input_errors(&["error: $WD/none.csv:1: the evidence file has a header but no rows"]);
}

/// Blank rows or a title row of more than the first block (1 MiB) above
/// the header: the header is looked for further down, and a value is
/// located at its own line.
#[test]
fn a_header_below_a_block_of_blank_rows_or_a_long_title_is_found() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    let blank = "\n".repeat(1_100_000);
    // (A title of Chinese text as long would not say its encoding within
    // the first 64 KiB: a line end is looked for there.)
    let title = format!("{}\n", "Assessment ".repeat(100_000));
    let rows = "unit,indicator,value\nU1,A1,是\nU1,C1/a,0\nU1,C1/b,x\n";
    wd.create("blank.csv", &format!("{blank}{rows}"));
    wd.create("title.csv", &format!("{title}{rows}"));
    // The header on line 1,100,001, the bad value three lines below.
    wd.run(&["score", "--lang", "en", "-f", "$WD/fw.toml", "$WD/blank.csv"])
        .assert_input_errors(&[
            "error: $WD/blank.csv:1100004: column \"value\": unit U1, indicator C1/b: \"x\" is not a number",
        ]);
    wd.run(&["score", "--lang", "en", "-f", "$WD/fw.toml", "$WD/title.csv"])
        .assert_input_errors(&[
            "error: $WD/title.csv:5: column \"value\": unit U1, indicator C1/b: \"x\" is not a number",
        ]);
}

#[test]
fn a_note_of_65_mib_is_read() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    // One note of 65 MiB over many lines, then more rows.
    let note = "会议纪要第一页\n".repeat((65 << 20) / 22);
    let text = format!("unit,indicator,value,note\nU1,A1,是,\"{note}\"\nU1,C1/a,1,\nU1,C1/b,0,\n");
    let e = wd.create("e.csv", &text);
    // U1: 10 + (10 − 1) = 19.00.
    let a = crate::util::assess(&framework(), None, &[e], None).unwrap();
    assert_eq!(scores(&a), pairs(&[("U1", "19.00")]));
    assert_eq!(a.units[0].indicators[0].note.len(), note.trim_end().len());
}

#[test]
fn a_line_ended_by_cr_alone_past_the_first_64_kib_is_a_line() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    // 6,000 rows ended by LF (lines 2–6001), the last by CR alone; then X1
    // on line 6002 with a quoted note of 2 MiB over two lines, across the
    // blocks a file is read in; then X2 on lines 6004 and 6005.
    let rows: Vec<String> = (0..6000).map(|u| format!("U{u},A1,是,")).collect();
    let note = "b".repeat(2 << 20);
    let text = format!(
        "unit,indicator,value,note\n{}\rX1,A1,是,\"a\n{note}\"\nX2,C1/a,2,\nX2,C1/b,0,\n",
        rows.join("\n")
    );
    wd.create("e.csv", &text);
    let out = wd.stdout(&["score", "--format", "csv", "-f", "$WD/fw.toml", "$WD/e.csv"]);
    // X1: 10; X2: 10 − 2 = 8.
    assert!(
        out.contains(",X1,,10.00,") && out.contains(",X2,,8.00,"),
        "{}",
        &out[..300]
    );
    let x2 = wd.stdout(&["explain", "X2", "--format", "csv", "-f", "$WD/fw.toml", "$WD/e.csv"]);
    assert!(x2.contains("$WD/e.csv:6004"), "X2 on line 6004: {x2}");
}

#[test]
fn a_header_without_a_row_is_refused() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    wd.create("title.csv", "2023年度考核佐证\nunit,indicator,value\n");
    // Cells of white space alone: a quoted empty cell, an ideographic space.
    wd.create("blank.csv", "unit,indicator,value\n\"\",,\n\u{3000},,\n");
    wd.create("e.csv", "unit,indicator,value\nU1,A1,是\n");
    let run = |files: &[&str]| {
        let mut args = vec!["score", "--lang", "en", "-f", "$WD/fw.toml"];
        args.extend(files);
        wd.run(&args)
    };
    run(&["$WD/title.csv"])
        .assert_input_errors(&["error: $WD/title.csv:2: the evidence file has a header but no rows"]);
    run(&["$WD/blank.csv"])
        .assert_input_errors(&["error: $WD/blank.csv:1: the evidence file has a header but no rows"]);
    run(&["$WD/e.csv", "$WD/title.csv"])
        .assert_input_errors(&["error: $WD/title.csv:2: the evidence file has a header but no rows"]);
}

#[test]
fn a_clause_s_per_under_a_thousandth_is_refused() {
    let wd = Workdir::new();
    wd.create(
        "fw.toml",
        &FW.replace("{ id = \"b\", per = 0.5 }", "{ id = \"b\", per = 0.0005 }"),
    );
    wd.create("e.csv", "unit,indicator,value\nU1,A1,是\n");
    let out = wd.run(&["score", "--lang", "en", "-f", "$WD/fw.toml", "$WD/e.csv"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.contains("clause 2: per must be at least 0.001, not 0.0005"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_byte_order_mark_before_a_row_s_opening_quote_is_read_alike_in_any_block() {
    let fw = framework();
    let wd = Workdir::new();
    // Rows of filler, then a row starting with a mark and a quoted note of
    // two lines, then U3: the mark row falls at many places in the blocks.
    let filler: String = (0..400).map(|u| format!("n,F{u},A1,否\n")).collect();
    let text = format!("note,unit,indicator,value\n{filler}\u{feff}\"x,\ny\",U2,A1,是\nn,U3,A1,否\n");
    let e = [wd.create("e.csv", &text)];
    for block in [512, 1000, 2048, 4096, 1 << 20] {
        let tuning = Tuning {
            block,
            workers: 2,
            batch: None,
        };
        let a = bulk::assess_full(&fw, None, bulk::Files::from(&e[..]).tuned(tuning), None)
            .unwrap_or_else(|| panic!("block {block}: given up"));
        let u2 = a
            .units
            .iter()
            .find(|u| u.unit == "U2")
            .unwrap_or_else(|| panic!("block {block}: no U2"));
        // U2: A1 是 = 10; its note the quoted cell's.
        assert_eq!(u2.totals.base.to_string(), "10.00", "block {block}");
        assert_eq!(u2.indicators[0].note, "x,\ny", "block {block}");
        assert_eq!(a.units.len(), 402, "block {block}");
    }
}

#[test]
fn a_byte_order_mark_starting_a_row_is_dropped_in_every_list() {
    let wd = Workdir::new();
    let text = std::fs::read("examples/2023.csv").unwrap();
    let mut lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    // T01's A2, an item it loses points on (two exports pasted together).
    assert!(lines[2].starts_with(b"T01,A2,"));
    let marked = [b"\xEF\xBB\xBF".as_slice(), lines[2]].concat();
    lines[2] = &marked;
    std::fs::create_dir_all(wd.path("a")).unwrap();
    std::fs::create_dir_all(wd.path("b")).unwrap();
    wd.create_bytes("a/e.csv", &text);
    wd.create_bytes("b/e.csv", &lines.join(&b'\n'));
    for format in ["csv", "table", "json"] {
        let list = |dir: &str| {
            let out = wd.stdout(&[
                "deficiencies",
                "--format",
                format,
                "-u",
                "examples/units.csv",
                &format!("$WD/{dir}/e.csv"),
            ]);
            out.replace(&format!("$WD/{dir}/"), "$WD/")
        };
        assert_eq!(list("b"), list("a"), "{format}");
    }
}

#[test]
fn a_file_of_units_alone_is_refused() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    wd.create("units-only.csv", "unit,name\nU1,城关镇\nU2,河西街道\n");
    wd.run(&["score", "--lang", "en", "-f", "$WD/fw.toml", "$WD/units-only.csv"])
        .assert_input_errors(&[
            "error: $WD/units-only.csv:1: the header has no indicator column: evidence needs either \
             unit,indicator,value (long) or unit and one column per indicator id (wide); the header is: unit,name",
        ]);
}

/// What the engine says of a file that is not text, wherever the bytes
/// are: a NUL or a byte not UTF-8 below a title row is the file's
/// problem, not the title read as its header; a NUL in a file of CR line
/// ends is at its own line; a file that is not text says nothing else;
/// a file that cannot be read, given twice, is said once, then as given
/// again; a header that does not read, with no row below it, says both.
#[test]
fn files_that_are_not_text_are_said_so_once_at_their_line() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    let run = |files: &[&str]| {
        let mut args = vec!["score", "--lang", "en", "-f", "$WD/fw.toml"];
        args.extend(files);
        wd.run(&args)
    };
    wd.create_bytes("title-nul.csv", b"Title\nx\0\nunit,indicator,value\nU1,A1,1\n");
    run(&["$WD/title-nul.csv"])
        .assert_input_errors(&["error: $WD/title-nul.csv:2: the file contains NUL bytes; it is not a text CSV file"]);
    // A title in UTF-8 after a byte-order mark, the rest in GBK.
    let mut mixed = b"\xEF\xBB\xBF2023\xE5\xB9\xB4\n".to_vec();
    mixed.extend_from_slice(&encoding_rs::GBK.encode("单位,指标,值\nU1,A1,是\n").0);
    wd.create_bytes("title-gbk.csv", &mixed);
    let out = run(&["$WD/title-gbk.csv"]);
    assert!(
        out.stderr.starts_with("error: $WD/title-gbk.csv:2: ") && !out.stderr.contains("header"),
        "{}",
        out.stderr
    );
    // Ten rows ended by CR alone, then a NUL on line 12.
    let rows: String = (0..10).map(|_| "U1,C1/a,1\r").collect();
    wd.create_bytes(
        "cr-nul.csv",
        format!("unit,indicator,value\r{rows}U1,A1,\0\r").as_bytes(),
    );
    run(&["$WD/cr-nul.csv"])
        .assert_input_errors(&["error: $WD/cr-nul.csv:12: the file contains NUL bytes; it is not a text CSV file"]);
    // Rows ended by LF past the first 64 KiB, two by CR alone (lines
    // 120002 and 120003), then a NUL on line 120004: a CR alone ends a line
    // there too.
    let filler: String = (0..120_000).map(|i| format!("U{i},A1,是\n")).collect();
    wd.create_bytes(
        "late-cr-nul.csv",
        format!("unit,indicator,value\n{filler}V1,A1,是\rV2,A1,是\rV3,A1,\0\n").as_bytes(),
    );
    run(&["$WD/late-cr-nul.csv"]).assert_input_errors(&[
        "error: $WD/late-cr-nul.csv:120004: the file contains NUL bytes; it is not a text CSV file",
    ]);
    // A NUL past the first block, a bad value on line 2: the NUL alone.
    let filler: String = (0..120_000).map(|i| format!("U{i},A1,是\n")).collect();
    wd.create_bytes(
        "late-nul.csv",
        format!("unit,indicator,value\nU1,C1/a,x\n{filler}U9,A1,\0\n").as_bytes(),
    );
    run(&["$WD/late-nul.csv"]).assert_input_errors(&[
        "error: $WD/late-nul.csv:120003: the file contains NUL bytes; it is not a text CSV file",
    ]);
    // Nor is a value in it the first of one given again in another file.
    wd.create("again.csv", "unit,indicator,value\nU1,C1/a,1\n");
    run(&["$WD/late-nul.csv", "$WD/again.csv"]).assert_input_errors(&[
        "error: $WD/late-nul.csv:120003: the file contains NUL bytes; it is not a text CSV file",
    ]);
    // Named as a workbook without being one, given twice.
    wd.create("fake.xlsx", "unit,indicator,value\nU1,A1,是\n");
    run(&["$WD/fake.xlsx", "$WD/fake.xlsx"]).assert_input_errors(&[
        "error: $WD/fake.xlsx: the file is not a valid .xlsx workbook (it may be damaged or still downloading)",
        "error: $WD/fake.xlsx: the same file is given twice (first as $WD/fake.xlsx)",
        "error: 2 problems found; nothing was written",
    ]);
    // A NUL in the header, given twice under two names.
    wd.create_bytes("nul-head.csv", b"unit,indic\0ator,value\nU1,A1,1\n");
    run(&["$WD/nul-head.csv", "$WD/./nul-head.csv"]).assert_input_errors(&[
        "error: $WD/nul-head.csv:1: the file contains NUL bytes; it is not a text CSV file",
        "error: $WD/./nul-head.csv: the same file is given twice (first as $WD/nul-head.csv)",
        "error: 2 problems found; nothing was written",
    ]);
    // A header misspelt, and nothing below it.
    wd.create("head-only.csv", "unit,indicator,valeu\n");
    run(&["$WD/head-only.csv"]).assert_input_errors(&[
        "error: $WD/head-only.csv:1: the evidence file has a header but no rows",
        "error: $WD/head-only.csv:1: missing required column value for long-format evidence",
        "error: $WD/head-only.csv:1: unknown column \"valeu\" (did you mean \"value\"?); long-format evidence has unit, indicator, value and optional name, note, source, indicator_name, standard, rater",
        "error: 3 problems found; nothing was written",
    ]);
}

/// Beside a file that cannot be read (not found, or bytes not valid in
/// its encoding, found once the engine reads it whole), nothing is
/// written, by any command, to standard output or to `-o`: the other
/// files are read for their problems only.
#[test]
fn nothing_is_written_beside_a_file_that_cannot_be_read() {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    wd.create("good.csv", "unit,indicator,value\nU1,A1,否\nU1,C1/a,1\nU1,C1/b,0\n");
    wd.create("bad.csv", "unit,indicator,value\nU2,A1,maybe\nU2,C1/a,1\nU2,C1/b,0\n");
    wd.create_bytes("invalid.csv", b"unit,indicator,value\nU9,A1,\xff\n");
    let missing = "error: $WD/nosuch.csv: cannot read: No such file or directory (os error 2)";
    let invalid = "error: $WD/invalid.csv:2: the file is neither UTF-8 nor GBK/GB18030 (byte 0xFF cannot be read); save it as CSV UTF-8";
    let commands: [&[&str]; 5] = [
        &["score", "--format", "json"],
        &["score", "--format", "json", "-o", "$WD/out.json"],
        &["score", "--format", "csv", "-o", "$WD/out.csv"],
        &["deficiencies"],
        &["deficiencies", "--format", "csv", "-o", "$WD/list.csv"],
    ];
    for command in commands {
        for (files, want) in [
            (["$WD/good.csv", "$WD/nosuch.csv"], vec![missing]),
            (["$WD/invalid.csv", "$WD/good.csv"], vec![invalid]),
            (
                ["$WD/bad.csv", "$WD/nosuch.csv"],
                vec![
                    "error: $WD/bad.csv:2: column \"value\": unit U2, indicator A1: \"maybe\" is not yes/no (是/否)",
                    missing,
                    "error: 2 problems found; nothing was written",
                ],
            ),
        ] {
            let mut args = vec!["--lang", "en"];
            args.extend(command);
            args.extend(["-f", "$WD/fw.toml"]);
            args.extend(files);
            let out = wd.run(&args);
            out.assert_input_errors(&want);
            assert_eq!(out.stdout, "", "{args:?}");
            for written in ["out.json", "out.csv", "list.csv"] {
                assert!(!wd.path(written).exists(), "{args:?}: {written} written");
            }
        }
    }
}
