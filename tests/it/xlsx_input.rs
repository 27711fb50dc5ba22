//! Evidence and units kept in spreadsheets: XLSX, XLS and ODS read exactly
//! like the CSV they would save, and problems name their cell.

use crate::util::{Workdir, Xl, t, texts, write_ods, write_ods_content, write_ods_xml, write_xlsx};

/// `score --format csv` of these arguments.
fn ranking(wd: &Workdir, args: &[&str]) -> String {
    let mut all = vec!["score", "--lang", "en", "--format", "csv", "--period", "2023"];
    all.extend_from_slice(args);
    let out = wd.run(&all);
    out.assert_ok();
    out.stdout
}

/// A value cell the way a person leaves it in Excel: rates typed as `93%`
/// become numbers formatted as percentages, other numbers are numbers on
/// even rows and text on odd ones (both happen in real sheets).
fn as_typed(value: &str, row: usize) -> Xl {
    if let Some(p) = value.strip_suffix('%') {
        return Xl::Percent(p.parse::<f64>().unwrap() / 100.0);
    }
    match value.parse::<f64>() {
        Ok(n) if row.is_multiple_of(2) => Xl::Num(n),
        _ => t(value),
    }
}

/// examples/2023.csv as a worksheet: a title row above the header.
fn example_rows() -> Vec<Vec<Xl>> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/2023.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut rows = vec![texts(&["2023年度意识形态工作责任制考核佐证材料汇总表"]), texts(&[])];
    rows.push(texts(&["单位", "指标", "完成情况", "备注", "佐证材料"]));
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.unwrap();
        rows.push(vec![
            t(&rec[0]),
            t(&rec[1]),
            as_typed(&rec[2], i),
            t(&rec[3]),
            t(&rec[4]),
        ]);
    }
    rows
}

/// examples/2023.csv as a workbook: a cover sheet in front, a title row
/// above the header.
fn example_workbook(wd: &Workdir) -> std::path::PathBuf {
    let rows = example_rows();
    let cover = vec![texts(&["填表说明"]), texts(&["请在“佐证”表中逐项填写。"])];
    let p = wd.path("2023.xlsx");
    write_xlsx(&p, &[("填表说明", cover), ("佐证", rows)]);
    p
}

#[test]
fn a_workbook_scores_exactly_like_the_csv() {
    let wd = Workdir::new();
    let xlsx = example_workbook(&wd);
    let from_csv = ranking(&wd, &["-u", "examples/units.csv", "examples/2023.csv"]);
    let from_xlsx = ranking(&wd, &["-u", "examples/units.csv", xlsx.to_str().unwrap()]);
    assert_eq!(from_xlsx, from_csv);
    // The same typed into LibreOffice and saved as XLS (tests/fixtures/xls/make.py).
    // The workbook holds the 2023 example as it was before the 2023
    // framework (tests/fixtures/xls/2023.csv), scored on the framework of
    // then (tests/fixtures/xls/ideology-2022-v1.toml).
    let then = [
        "-u",
        "examples/units.csv",
        "-f",
        "tests/fixtures/xls/ideology-2022-v1.toml",
    ];
    let from_xls = ranking(&wd, &[&then[..], &["tests/fixtures/xls/2023.xls"]].concat());
    assert_eq!(
        from_xls,
        ranking(&wd, &[&then[..], &["tests/fixtures/xls/2023.csv"]].concat())
    );
    let ods = wd.path("2023.ods");
    write_ods(&ods, "佐证", &example_rows());
    let from_ods = ranking(&wd, &["-u", "examples/units.csv", ods.to_str().unwrap()]);
    assert_eq!(from_ods, from_csv);
}

#[test]
fn wide_workbook_with_units_workbook() {
    let wd = Workdir::new();
    let ev = wd.path("wide.xlsx");
    write_xlsx(
        &ev,
        &[(
            "Sheet1",
            vec![
                texts(&["unit", "name", "A1", "A3", "B2", "B8"]),
                vec![
                    t("T01"),
                    t("城关镇"),
                    Xl::Num(2.0),
                    t("是"),
                    Xl::Percent(0.9),
                    t("较好"),
                ],
                vec![t("T02"), t("河西街道"), t("1"), t("否"), t("80%"), t("好")],
            ],
        )],
    );
    let units = wd.path("units.xlsx");
    write_xlsx(
        &units,
        &[(
            "名单",
            vec![
                texts(&["单位", "单位名称", "类别"]),
                texts(&["T01", "城关镇党委", "乡镇"]),
                texts(&["T02", "河西街道党工委", "乡镇"]),
            ],
        )],
    );
    let out = ranking(&wd, &["-u", units.to_str().unwrap(), ev.to_str().unwrap()]);
    // A1 4 + A3 2 + B2 3 × 90% + B8 较好 2 = 10.70; A1 1 of 2 → 2, B2 2.4, B8 3 = 7.40.
    assert!(out.contains("\r\n1,T01,城关镇党委,乡镇,1,10.70,"), "{out}");
    assert!(out.contains("\r\n2,T02,河西街道党工委,乡镇,2,7.40,"), "{out}");
}

#[test]
fn ods_is_read_too() {
    let wd = Workdir::new();
    let ev = wd.path("e.ods");
    write_ods(
        &ev,
        "佐证",
        &[
            texts(&["unit", "indicator", "value"]),
            vec![t("T01"), t("A1"), Xl::Num(2.0)],
            vec![t("T01"), t("A3"), t("是")],
        ],
    );
    let out = ranking(&wd, &[ev.to_str().unwrap()]);
    assert!(out.contains("\r\n1,T01,,6.00,"), "{out}");
}

#[test]
fn problems_name_the_cell() {
    let wd = Workdir::new();
    let ev = wd.path("e.xlsx");
    // The table starts in column B, under a title row.
    write_xlsx(
        &ev,
        &[(
            "佐证",
            vec![
                texts(&["", "自评表"]),
                texts(&["", "unit", "indicator", "value"]),
                texts(&["", "T01", "A3", "也许"]),
                texts(&["", "T01", "A12", "1"]),
                texts(&["", "T01", "A1", "2"]),
                texts(&["", "T01", "A1", "2"]),
                texts(&["", "T09", "A2", "2"]),
            ],
        )],
    );
    let out = wd.run(&["score", "-u", "examples/units.csv", ev.to_str().unwrap()]);
    let p = "$WD/e.xlsx";
    out.assert_input_errors(&[
        &format!("error: {p}!佐证!D3: column \"value\": unit T01, indicator A3: \"也许\" is not yes/no (是/否)"),
        &format!("error: {p}!佐证!C4: column \"indicator\": unit T01: unknown indicator \"A12\" (did you mean \"A1\"?)"),
        &format!("error: {p}!佐证!D6: unit T01, indicator A1: duplicate evidence (first at {p}!佐证!D5)"),
        &format!(
            "error: {p}!佐证!B7: column \"unit\": unit \"T09\" is not in the units file examples/units.csv (did you mean \"T01\"?)"
        ),
        "error: 4 problems found; nothing was written",
    ]);
}

#[test]
fn sheet_chooses_the_worksheet() {
    let wd = Workdir::new();
    let ev = wd.path("e.xlsx");
    let sheet = |v: f64| {
        vec![
            texts(&["unit", "indicator", "value"]),
            vec![t("T01"), t("A1"), Xl::Num(v)],
        ]
    };
    write_xlsx(&ev, &[("2022", sheet(1.0)), ("2023", sheet(2.0))]);
    let e = ev.to_str().unwrap();
    assert!(ranking(&wd, &[e]).contains("\r\n1,T01,,2.00,"), "the first sheet");
    assert!(ranking(&wd, &["--sheet", "2023", e]).contains("\r\n1,T01,,4.00,"));
    let out = wd.run(&["score", "--sheet", "2023年", e]);
    out.assert_input_errors(&[
        "error: $WD/e.xlsx: there is no worksheet \"2023年\" (did you mean \"2023\"?); the workbook has \"2022\", \"2023\"",
    ]);
}

/// A file named as a workbook that is not one (a download cut short, a CSV
/// renamed) is refused, on the fast path as on the general one, even when
/// its text would read as CSV evidence.
#[test]
fn a_damaged_workbook_is_an_error_not_garbage() {
    let wd = Workdir::new();
    for (name, text, ext) in [
        ("e.xlsx", "unit,indicator,value\n", "xlsx"),
        ("f.xlsx", "unit,indicator,value\nT01,A3,是\n", "xlsx"),
        ("g.XLS", "unit,indicator,value\nT01,A3,是\n", "xls"),
        ("h.ods", "unit,indicator,value\nT01,A3,是\n", "ods"),
    ] {
        let ev = wd.create(name, text);
        let text = std::fs::read_to_string("indicators/ideology-2023.toml").unwrap();
        let fw = kaohe::model::framework::Framework::parse(&text, "ideology-2023.toml").unwrap();
        assert!(kaohe::engine::bulk::assess(&fw, None, std::slice::from_ref(&ev), None).is_none());
        let out = wd.run(&["score", "--period", "2023", ev.to_str().unwrap()]);
        out.assert_input_errors(&[&format!(
            "error: $WD/{name}: the file is not a valid .{ext} workbook (it may be damaged or still downloading)"
        )]);
    }
}

#[test]
fn encoding_can_be_forced() {
    let wd = Workdir::new();
    // "unit,indicator,value\nT01,A3,是\n" in GBK.
    let gbk = wd.create_bytes("g.csv", b"unit,indicator,value\nT01,A3,\xca\xc7\n");
    let g = gbk.to_str().unwrap();
    assert!(ranking(&wd, &["--encoding", "gbk", g]).contains("\r\n1,T01,,2.00,"));
    assert!(ranking(&wd, &["--encoding", "gb18030", g]).contains("\r\n1,T01,,2.00,"));
    let out = wd.run(&["score", "--encoding", "utf-8", g]);
    out.assert_input_errors(&[
        "error: $WD/g.csv:2: the file is not UTF-8 (byte 0xCA cannot be read), but --encoding utf-8 was given",
    ]);
}

/// Problems found while scoring, and `explain`'s source column, name the
/// spreadsheet cell too, not just the row.
#[test]
fn scoring_problems_and_explain_name_the_cell() {
    let wd = Workdir::new();
    let ev = wd.path("e.xlsx");
    write_xlsx(
        &ev,
        &[(
            "佐证",
            vec![
                texts(&["", "自评表"]),
                texts(&["", "unit", "indicator", "value"]),
                texts(&["", "T01", "A3", "是"]),
                texts(&["", "T01", "B1/a", "不适用"]),
                texts(&["", "T01", "B1/b", "0"]),
            ],
        )],
    );
    let e = ev.to_str().unwrap();
    wd.run(&["score", e]).assert_input_errors(&[
        "error: $WD/e.xlsx!佐证!D4: column \"value\": unit T01, indicator B1/a: \"不适用\" is not allowed: B1 is not marked exempt in the framework",
    ]);
    // A clause item given in part, under missing = "error".
    let fw = wd.path("fw.toml");
    std::fs::write(
        &fw,
        kaohe::model::framework::EMBEDDED.replace("missing = \"zero\"", "missing = \"error\""),
    )
    .unwrap();
    write_xlsx(
        &ev,
        &[(
            "佐证",
            vec![
                texts(&["", "自评表"]),
                texts(&["", "unit", "indicator", "value"]),
                texts(&["", "T01", "A3", "是"]),
                texts(&["", "T01", "B1/a", "0"]),
            ],
        )],
    );
    let out = wd.run(&["score", "-f", fw.to_str().unwrap(), e]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.lines().any(|l| l
            == "error: $WD/e.xlsx!佐证!D4: unit T01, indicator B1: no evidence for B1/b, B1/c (the framework sets missing = \"error\")"),
        "{}",
        out.stderr
    );
    let out = wd.run(&["explain", "T01", "--lang", "en", "--format", "csv", e]);
    out.assert_ok();
    assert!(out.stdout.contains(",$WD/e.xlsx!佐证!D3\r\n"), "{}", out.stdout);
}

/// The exact cases of tests/fixtures/xls/percent.xls (made by
/// tests/fixtures/xls/make.py), from D4 under a title row: rates as
/// percentage cells (87.5%, 95%, and 85% from a formula) and a plain 0.9.
const PERCENT_ROWS: [(&str, &str); 6] = [
    ("T01", "B2"),
    ("T01", "B6"),
    ("T01", "A1"),
    ("T02", "B2"),
    ("T02", "B6"),
    ("T02", "A1"),
];

/// `explain` lines of B2, B6 and A1 for both units, and the ranking, with
/// the framework `fw`.
fn percent_outcome(wd: &Workdir, fw: &str, file: &str) -> (Vec<String>, String) {
    let mut lines = Vec::new();
    for unit in ["T01", "T02"] {
        let out = wd.stdout(&["explain", unit, "--lang", "en", "--format", "csv", "-f", fw, file]);
        lines.extend(
            out.lines()
                .filter(|l| l.starts_with("B,B2,") || l.starts_with("B,B6,") || l.starts_with("A,A1,"))
                .map(|l| l.replace(file, "FILE")),
        );
    }
    (lines, ranking(wd, &["-f", fw, file]))
}

/// The plain 0.9 on B2 (a rate, target 100) is refused as a likely 90 %
/// typed as a fraction; with `fractions = true` on B2 it is taken as 0.9.
fn assert_percent_outcome(wd: &Workdir, file: &str, cells: [&str; 6]) {
    let c = |i: usize| cells[i];
    wd.run(&["score", "--lang", "en", file]).assert_input_errors(&[&format!(
        "error: {file}!佐证!{}: column \"value\": unit T02, indicator B2: 0.9 looks like a percentage written as a \
         fraction (75% is 75, not 0.75): this indicator's target is above 1; if 0.9 is meant, write \"0.9%\", or set \
         fractions = true on the indicator in the framework",
        c(3)
    )]);
    let meant = kaohe::model::framework::EMBEDDED.replace(
        "rule = { type = \"target\", target = 100 }\nremedy = \"对未达标党支部",
        "fractions = true\nrule = { type = \"target\", target = 100 }\nremedy = \"对未达标党支部",
    );
    assert_ne!(meant, kaohe::model::framework::EMBEDDED);
    wd.create("meant.toml", &meant);
    let (lines, ranking) = percent_outcome(wd, "$WD/meant.toml", file);
    assert_eq!(
        lines,
        [
            format!(
                "A,A1,党委（党组）专题研究意识形态工作,4,2,\"target 2, −2 per 1 short, floor 0\",4.00,0.00,met,,,FILE!佐证!{}",
                c(2)
            ),
            format!(
                "B,B2,党支部标准化规范化建设,3,87.5%,pro rata to target 100,2.63,0.37,partial,,,FILE!佐证!{}",
                c(0)
            ),
            format!(
                "B,B6,“学习强国”注册率,1,95%,≥100: 1; ≥95: 0.5; else 0,0.50,0.50,partial,,,FILE!佐证!{}",
                c(1)
            ),
            format!(
                "A,A1,党委（党组）专题研究意识形态工作,4,2,\"target 2, −2 per 1 short, floor 0\",4.00,0.00,met,,,FILE!佐证!{}",
                c(5)
            ),
            format!(
                "B,B2,党支部标准化规范化建设,3,0.9,pro rata to target 100,0.03,2.97,partial,,,FILE!佐证!{}",
                c(3)
            ),
            format!(
                "B,B6,“学习强国”注册率,1,85%,≥100: 1; ≥95: 0.5; else 0,0.00,1.00,failed,,,FILE!佐证!{}",
                c(4)
            ),
        ]
    );
    // T01: 4 + 3 × 87.5% (2.625 → 2.63) + 0.5 (95% ≥ 95) = 7.13;
    // T02: 4 + 3 × 0.9% (0.027 → 0.03) + 0 (85% < 95) = 4.03.
    assert!(ranking.contains("\r\n1,T01,,7.13,"), "{ranking}");
    assert!(ranking.contains("\r\n2,T02,,4.03,"), "{ranking}");
}

/// A cell formatted as a percentage in XLS reads as the percentage, as in
/// XLSX; a plain 0.9 is 0.9.
#[test]
fn percentages_in_xls_read_as_the_percentage() {
    let wd = Workdir::new();
    let file = "tests/fixtures/xls/percent.xls";
    assert_percent_outcome(&wd, file, ["D4", "D5", "D6", "D7", "D8", "D9"]);
}

/// ODS says it in the cell: `office:value-type="percentage"`.
#[test]
fn percentages_in_ods_read_as_the_percentage() {
    let wd = Workdir::new();
    let ev = wd.path("e.ods");
    let value = |unit: &str, ind: &str| match (unit, ind) {
        ("T01", "B2") => Xl::Percent(0.875),
        ("T01", "B6") => Xl::Percent(0.95),
        ("T02", "B2") => Xl::Num(0.9),
        ("T02", "B6") => Xl::Percent(0.85),
        _ => t("2"),
    };
    let mut rows = vec![texts(&["unit", "indicator", "value"])];
    rows.extend(PERCENT_ROWS.iter().map(|(u, i)| vec![t(u), t(i), value(u, i)]));
    write_ods(&ev, "佐证", &rows);
    assert_percent_outcome(&wd, "$WD/e.ods", ["C2", "C3", "C4", "C5", "C6", "C7"]);
}

/// percent.xls with the Format record of 0.0% given a length running past
/// its end: a workbook whose cell formats cannot be read.
pub(crate) fn percent_xls_of_unread_formats() -> Vec<u8> {
    let mut bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xls/percent.xls")).unwrap();
    let format = b"\x1e\x04\x09\x00\xa5\x00\x04\x00\x000.0%";
    let at = bytes
        .windows(format.len())
        .position(|w| w == format)
        .expect("the 0.0% format");
    bytes[at + 6] = 200;
    bytes
}

/// When a file's cell formats cannot be read (here a Format record of
/// percent.xls running past its end), 95% arriving as 0.95 is refused on a
/// rate, never scored as 0.95; the 2 on A1, not a rate, is taken.
#[test]
fn a_fraction_on_a_rate_is_refused_when_formats_cannot_be_read() {
    let wd = Workdir::new();
    let ev = wd.create_bytes("e.xls", &percent_xls_of_unread_formats());
    let msg = |cell: &str, unit: &str, ind: &str, raw: &str| {
        format!(
            "error: $WD/e.xls!佐证!{cell}: column \"value\": unit {unit}, indicator {ind}: {raw} may be a percentage stored as a fraction, and this file's cell formats cannot be read to tell; enter the number itself (95, not 95%), or save the file as XLSX"
        )
    };
    wd.run(&["score", ev.to_str().unwrap()]).assert_input_errors(&[
        &msg("D4", "T01", "B2", "0.875"),
        &msg("D5", "T01", "B6", "0.95"),
        &msg("D7", "T02", "B2", "0.9"),
        &msg("D8", "T02", "B6", "0.85"),
        "error: 4 problems found; nothing was written",
    ]);
    let out = wd.run(&["score", "--lang", "zh", ev.to_str().unwrap()]);
    assert!(
        out.stderr.lines().next().unwrap().ends_with(
            "0.875 可能是以小数存储的百分比，而本文件的单元格格式无法读取、无从区分；请直接填写数值（填 95，不填 95%），或将文件另存为 XLSX"
        ),
        "{}",
        out.stderr
    );
}

/// A stray value at the sheet's far corner would make the grid of cells
/// 17 billion cells (hundreds of GB): refused at that cell, before any
/// grid is made, instead of running out of memory. A sheet as wide and
/// long as real evidence reads as before.
#[test]
fn a_stray_far_cell_is_refused_not_allocated() {
    let wd = Workdir::new();
    let path = wd.path("far.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("佐证").unwrap();
    for (c, h) in ["unit", "indicator", "value"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["T01", "A1", "是"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    ws.write_number(1_048_575, 16_383, 1).unwrap();
    book.save(&path).unwrap();
    wd.run(&["score", "$WD/far.xlsx"]).assert_input_errors(&[
        "error: $WD/far.xlsx!佐证!XFD1048576: the sheet's cells run from row 1, column A to this cell, \
         1048576 rows × 16384 columns, more than can be read (16777216 cells); delete the stray values \
         far from the table, or keep only the evidence table",
    ]);
    // 2,000 rows × 4,000 columns (8M cells, the last one an empty string)
    // is still read, and scored: A3 is a check item of 2 points, so 是
    // gives T01 2.00 (and nothing else).
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    for (c, h) in ["unit", "indicator", "value"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (c, v) in ["T01", "A3", "是"].iter().enumerate() {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    ws.write_string(1999, 3999, "").unwrap();
    book.save(wd.path("wide.xlsx")).unwrap();
    let out = wd.run(&["score", "--format", "csv", "$WD/wide.xlsx"]);
    out.assert_ok();
    let rows: Vec<&str> = out.stdout.lines().skip(1).collect();
    assert_eq!(rows, ["1,T01,,2.00,差,,2.00,0.00,0.00,2.00,0.00,0.00,0.00,0.00,0.00"]);
}

/// The ODS reader makes a grid of every sheet when the file is opened, of
/// up to 100 million cells: a file of a few hundred bytes repeating a row
/// of values, or a stray value a million rows down, is refused at its
/// farthest cell instead (2,001 × 16,000 cells took the process past 3 GB
/// and aborted it). So is one whose values are followed by a row the file
/// cannot describe, or whose value types cannot be read (calamine holds or
/// reads those cells all the same). Trailing empty rows and columns, as
/// LibreOffice writes them, are no values and are still read.
#[test]
fn an_ods_repeating_cells_far_is_refused() {
    let wd = Workdir::new();
    let head = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>unit</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>indicator</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>value</text:p></table:table-cell></table:table-row>"#;
    let row = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>T01</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>A1</text:p></table:table-cell><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>"#;
    let repeated = r#"<table:table-row table:number-rows-repeated="2000"><table:table-cell table:number-columns-repeated="16000" office:value-type="float" office:value="1"/></table:table-row>"#;
    write_ods_xml(&wd.path("wide.ods"), "佐证", &format!("{head}{repeated}"));
    let stray = r#"<table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row><table:table-row><table:table-cell table:number-columns-repeated="100"/><table:table-cell><text:p>x</text:p></table:table-cell></table:table-row>"#;
    write_ods_xml(&wd.path("stray.ods"), "佐证", &format!("{head}{row}{stray}"));
    // Values repeated, then a row the file cannot describe: calamine holds
    // the grid before it stops there.
    let broken = r#"<table:table-row table:number-rows-repeated="many"><table:table-cell/></table:table-row>"#;
    write_ods_xml(&wd.path("broken.ods"), "佐证", &format!("{head}{repeated}{broken}"));
    // A value type that cannot be read counts as a value (calamine reads
    // the cell anyway).
    let unreadable = repeated.replace(r#"office:value-type="float""#, r#"office:value-type="&bogus;""#);
    write_ods_xml(&wd.path("unreadable.ods"), "佐证", &format!("{head}{unreadable}"));
    let endless = r#"<table:table-row table:number-rows-repeated="99999999999"><table:table-cell office:value-type="float" office:value="1"/></table:table-row>"#;
    write_ods_xml(&wd.path("endless.ods"), "佐证", &format!("{head}{endless}"));
    wd.run(&[
        "score",
        "$WD/wide.ods",
        "$WD/stray.ods",
        "$WD/endless.ods",
        "$WD/broken.ods",
        "$WD/unreadable.ods",
    ])
    .assert_input_errors(&[
        "error: $WD/wide.ods!佐证!WQJ2001: the sheet's cells run from row 1, column A to this cell, \
         2001 rows × 16000 columns, more than can be read (16777216 cells); delete the stray values \
         far from the table, or keep only the evidence table",
        "error: $WD/stray.ods!佐证!CW1048003: the sheet's cells run from row 1, column A to this cell, \
         1048003 rows × 101 columns, more than can be read (16777216 cells); delete the stray values \
         far from the table, or keep only the evidence table",
        "error: $WD/endless.ods!佐证!A4294967295: the sheet's cells run from row 1, column A to this cell, \
         4294967295 rows × 3 columns, more than can be read (16777216 cells); delete the stray values \
         far from the table, or keep only the evidence table",
        "error: $WD/broken.ods!佐证!WQJ2001: the sheet's cells run from row 1, column A to this cell, \
         2001 rows × 16000 columns, more than can be read (16777216 cells); delete the stray values \
         far from the table, or keep only the evidence table",
        "error: $WD/unreadable.ods!佐证!WQJ2001: the sheet's cells run from row 1, column A to this cell, \
         2001 rows × 16000 columns, more than can be read (16777216 cells); delete the stray values \
         far from the table, or keep only the evidence table",
        "error: 5 problems found; nothing was written",
    ]);
    // Empty rows and columns repeated to the sheet's edge, some styled.
    let tail = r#"<table:table-row table:number-rows-repeated="1048573"><table:table-cell table:style-name="ce1" table:number-columns-repeated="16384"/></table:table-row>"#;
    let row = row.replace(
        "</table:table-row>",
        r#"<table:table-cell table:number-columns-repeated="16381"/></table:table-row>"#,
    );
    write_ods_xml(&wd.path("edge.ods"), "佐证", &format!("{head}{row}{tail}"));
    let out = wd.run(&["explain", "T01", "--format", "csv", "$WD/edge.ods"]);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    assert!(out.stdout.contains("A1,"), "{}", out.stdout);
}

/// The XLS reader makes a grid of every sheet when the file is opened: a
/// damaged file (this one found by fuzzing) whose cells claim to lie 65,000
/// rows and columns apart is refused before that, instead of asking for
/// 137 GB.
#[test]
fn an_xls_with_far_apart_cells_is_refused() {
    let wd = Workdir::new();
    let far = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xls/far.xls")).unwrap();
    wd.create_bytes("far.xls", &far);
    wd.run(&["score", "$WD/far.xls"]).assert_input_errors(&[
        "error: $WD/far.xls: worksheet 2 runs to row 65335, column CRXN, more than can be read \
         (16777216 cells); delete the stray values far from the table, or, if there are none, the file is \
         damaged: open it in Excel or WPS and save it again",
    ]);
    // A Dimensions record whose first row lies past its last: the reader
    // counts the rows in wrapping 32-bit arithmetic, ~4 billion of them.
    let dims = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xls/dims.xls")).unwrap();
    wd.create_bytes("dims.xls", &dims);
    wd.run(&["score", "$WD/dims.xls"]).assert_input_errors(&[
        "error: $WD/dims.xls: worksheet 2 runs to row 2, column NK, more than can be read (16777216 cells); \
         delete the stray values far from the table, or, if there are none, the file is damaged: open it in \
         Excel or WPS and save it again",
    ]);
}

/// A damaged XLS on which the spreadsheet reader itself panics (found by
/// fuzzing: a slice out of bounds in its compound-file reader) is reported
/// as a damaged workbook, in the user's language, with no panic text.
#[test]
fn a_workbook_the_reader_panics_on_is_reported_as_damaged() {
    let wd = Workdir::new();
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xls/damaged.xls")).unwrap();
    wd.create_bytes("d.xls", &bytes);
    wd.run(&["score", "$WD/d.xls"]).assert_input_errors(&[
        "error: $WD/d.xls: cannot read the workbook: the file is damaged (open it in Excel or WPS and save it again)",
    ]);
    // A compound file whose sector chain loops (found by fuzzing): the
    // reader would follow it until memory ran out.
    let looping = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xls/loop.xls")).unwrap();
    wd.create_bytes("loop.xls", &looping);
    wd.run(&["score", "$WD/loop.xls"]).assert_input_errors(&[
        "error: $WD/loop.xls: cannot read the workbook: the file is damaged (open it in Excel or WPS and save it again)",
    ]);
    wd.run(&["score", "--lang", "zh", "$WD/d.xls"])
        .assert_input_errors(&["错误：$WD/d.xls: 无法读取工作簿：文件已损坏（请用 Excel 或 WPS 打开后重新保存）"]);
}

#[test]
fn an_ods_file_ending_inside_its_table_is_said_to_be_damaged() {
    // The table's end tag garbled: the file ends inside the table. The
    // workbook reader waits for the end tag past the end of the file, so
    // the run must be refused before it, and within a bound here.
    let wd = Workdir::new();
    let cell =
        |s: &str| format!(r#"<table:table-cell office:value-type="string"><text:p>{s}</text:p></table:table-cell>"#);
    let row = |cells: &[&str]| {
        format!(
            "<table:table-row>{}</table:table-row>",
            cells.iter().map(|c| cell(c)).collect::<String>()
        )
    };
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1">{}{}</table:uable></office:spreadsheet></office:body></office:document-content>"#,
        row(&["unit", "indicator", "value"]),
        row(&["T01", "A3", "是"]),
    );
    let ev = wd.path("e.ods");
    write_ods_content(&ev, &content);
    let before = std::fs::read(&ev).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .args(["score", "--lang", "en", ev.to_str().unwrap()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("still reading the workbook after 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("e.ods"), "{stderr}");
    assert!(stderr.contains("the file is damaged"), "{stderr}");
    assert_eq!(std::fs::read(&ev).unwrap(), before);
}
