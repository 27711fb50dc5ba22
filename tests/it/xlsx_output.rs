//! Workbooks written by `score -o FILE.xlsx`, read back cell by cell; CSV
//! files Excel opens correctly.

use crate::util::{Book, Workdir, same_cell};

const EXAMPLE: &[&str] = &["-u", "examples/units.csv", "--period", "2023", "examples/2023.csv"];

fn score_to(wd: &Workdir, name: &str, extra: &[&str]) -> std::path::PathBuf {
    let out = wd.path(name);
    let mut args = vec!["score", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.extend_from_slice(EXAMPLE);
    wd.run(&args).assert_ok();
    out
}

#[test]
fn ranking_sheet_holds_the_csv_ranking_with_numbers_as_numbers() {
    let wd = Workdir::new();
    let book = Book::open(&score_to(&wd, "r.xlsx", &["--lang", "zh"]));
    assert_eq!(book.names(), vec!["排名", "明细", "扣分"]);
    let mut args = vec!["score", "--lang", "zh", "--format", "csv"];
    args.extend_from_slice(EXAMPLE);
    let csv = wd.run(&args).stdout;
    let sheet = book.sheet("排名");
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert_eq!(sheet.height(), lines.len());
    for (r, line) in lines.iter().enumerate() {
        for (c, text) in line.split(',').enumerate() {
            let cell = sheet.get((r, c)).unwrap();
            assert!(same_cell(cell, text), "row {r} column {c}: {cell:?} is not {text:?}");
        }
    }
}

#[test]
fn details_and_deductions_cover_every_unit() {
    let wd = Workdir::new();
    let book = Book::open(&score_to(&wd, "r.xlsx", &["--lang", "en"]));
    assert_eq!(book.names(), vec!["Ranking", "Details", "Deductions"]);
    let details = book.sheet("Details");
    // 15 units × 48 indicators, and the header.
    assert_eq!(details.height(), 15 * 48 + 1);
    let header: Vec<String> = (0..details.width())
        .map(|c| details.get((0, c)).unwrap().to_string())
        .collect();
    assert_eq!(
        header[..9],
        [
            "Rank",
            "Unit",
            "Unit name",
            "Group",
            "Indicator",
            "Name",
            "Points",
            "Value",
            "Rule"
        ]
    );
    // The JSON result lists the same deficiencies.
    let mut args = vec!["score", "--format", "json"];
    args.extend_from_slice(EXAMPLE);
    let json: serde_json::Value = serde_json::from_str(&wd.run(&args).stdout).unwrap();
    let count: usize = json["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["deficiencies"].as_array().unwrap().len())
        .sum();
    let deductions = book.sheet("Deductions");
    assert_eq!(deductions.height(), count + 1);
    assert_eq!(deductions.get((0, 8)).unwrap().to_string(), "Lost");
}

#[test]
fn sheets_open_ready_to_use() {
    let wd = Workdir::new();
    let book = Book::open(&score_to(&wd, "r.xlsx", &["--lang", "zh"]));
    let xml = book.xml("xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"<pane xSplit="3" ySplit="1" topLeftCell="D2" activePane="bottomRight" state="frozen"/>"#));
    assert!(xml.contains(r#"<autoFilter ref="A1:S16"/>"#), "{xml}");
    // Column C holds 市文化和旅游局党组 (18 columns on screen) and wider
    // names: it is sized by display width, not by characters.
    assert!(
        xml.contains(r#"<col min="3" max="3" width="28.7109375" customWidth="1"/>"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<pageSetup paperSize="9" fitToHeight="0" orientation="landscape""#),
        "{xml}"
    );
    // Grades are coloured: the top grade's cell has the green fill.
    let styles = book.xml("xl/styles.xml");
    assert!(styles.contains("FFC6EFCE") && styles.contains("FFFFC7CE"), "{styles}");
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let wd = Workdir::new();
    let a = std::fs::read(score_to(&wd, "a.xlsx", &[])).unwrap();
    let b = std::fs::read(score_to(&wd, "b.xlsx", &[])).unwrap();
    assert!(a == b, "two runs differ");
}

#[test]
fn user_text_never_becomes_a_formula() {
    let wd = Workdir::new();
    let ev = wd.create(
        "e.csv",
        "unit,indicator,value,note,source\n\
         T01,A1,2,\"=HYPERLINK(\"\"http://example.invalid\"\",\"\"点我\"\")\",@SUM(1)\n\
         T01,A3,是,+86 123,-1\n",
    );
    let out = wd.path("r.xlsx");
    wd.run(&[
        "score",
        "--lang",
        "en",
        "-o",
        out.to_str().unwrap(),
        ev.to_str().unwrap(),
    ])
    .assert_ok();
    let book = Book::open(&out);
    let details = book.sheet("Details");
    let note = |r: usize| details.get((r, 12)).unwrap().clone();
    let source = |r: usize| details.get((r, 13)).unwrap().clone();
    use calamine::Data::String as S;
    assert_eq!(note(1), S("=HYPERLINK(\"http://example.invalid\",\"点我\")".into()));
    assert_eq!(source(1), S("@SUM(1)".into()));
    assert_eq!(note(3), S("+86 123".into()));
    assert_eq!(source(3), S("-1".into()));
    for part in [
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
        "xl/worksheets/sheet3.xml",
    ] {
        assert!(!book.xml(part).contains("<f>"), "{part} has a formula");
    }
    // Numbers stay numbers: A1's value 2 and its amount 4.00.
    assert_eq!(details.get((1, 7)).unwrap(), &calamine::Data::String("2".into()));
    assert_eq!(details.get((1, 9)).unwrap(), &calamine::Data::Float(4.0));
}

#[test]
fn xlsx_goes_to_a_pipe_but_other_commands_refuse_it() {
    let wd = Workdir::new();
    let mut args = vec!["score", "--format", "xlsx"];
    args.extend_from_slice(EXAMPLE);
    let (code, bytes) = wd.run_raw(&args);
    assert_eq!(code, 0);
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let out = wd.run(&["explain", "T01", "-o", "$WD/x.xlsx", "examples/2023.csv"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: explain cannot be written as xlsx: use table, csv, json, md, html\n"
    );
}

#[test]
fn csv_files_carry_a_bom_unless_told_not_to() {
    let wd = Workdir::new();
    let with = std::fs::read(score_to(&wd, "a.csv", &[])).unwrap();
    assert!(with.starts_with(b"\xEF\xBB\xBFRank,"));
    let without = std::fs::read(score_to(&wd, "b.csv", &["--no-bom"])).unwrap();
    assert!(without.starts_with(b"Rank,"));
    let mut args = vec!["score", "--format", "csv"];
    args.extend_from_slice(EXAMPLE);
    assert!(wd.run(&args).stdout.starts_with("Rank,"), "no BOM on stdout");
}

#[test]
fn the_rectification_ledger_is_ready_to_keep() {
    let wd = Workdir::new();
    let out = wd.path("l.xlsx");
    let mut args = vec!["deficiencies", "--lang", "zh", "-o", out.to_str().unwrap()];
    args.extend_from_slice(EXAMPLE);
    wd.run(&args).assert_ok();
    let book = Book::open(&out);
    assert_eq!(book.names(), vec!["整改台账", "晋档路径", "明细"]);
    let ledger = book.sheet("整改台账");
    let header: Vec<String> = (0..ledger.width())
        .map(|c| ledger.get((0, c)).unwrap().to_string())
        .collect();
    assert_eq!(
        header,
        [
            "序号",
            "单位",
            "单位名称",
            "问题",
            "对应指标",
            "扣分",
            "整改措施",
            "责任人",
            "考核部门",
            "整改时限",
            "进展",
            "状态"
        ]
    );
    // As many rows as the CSV list has items.
    let mut csv_args = vec!["deficiencies", "--format", "csv"];
    csv_args.extend_from_slice(EXAMPLE);
    let items = wd.run(&csv_args).stdout.trim_end().split("\r\n").count() - 1;
    assert_eq!(ledger.height(), items + 1);
    use calamine::Data;
    for r in 1..ledger.height() {
        assert_eq!(ledger.get((r, 0)), Some(&Data::Float(r as f64)), "序号 is a number");
        assert_eq!(ledger.get((r, 11)), Some(&Data::String("未启动".into())));
        assert!(
            matches!(ledger.get((r, 9)), Some(Data::DateTime(_))),
            "整改时限 is a date"
        );
    }
    // The worst unit comes first: E03, vetoed.
    assert_eq!(ledger.get((1, 1)), Some(&Data::String("E03".into())));
    assert_eq!(ledger.get((1, 5)), Some(&Data::String("一票否决".into())));
    let xml = book.xml("xl/worksheets/sheet1.xml");
    assert!(
        xml.contains(r#"<formula1>"未启动,整改中,已完成,已销号"</formula1>"#),
        "状态 dropdown"
    );
    assert!(
        xml.contains(&format!(r#"sqref="L2:L{}""#, items + 1)),
        "over every item"
    );
}

/// The shipped examples' results of 2022 and 2023, saved as JSON.
fn two_results(wd: &Workdir) -> [std::path::PathBuf; 2] {
    ["2022", "2023"].map(|year| {
        let p = wd.path(&format!("r{year}.json"));
        let ev = format!("examples/{year}.csv");
        let args = [
            "score",
            "-u",
            "examples/units.csv",
            "--period",
            year,
            "-o",
            p.to_str().unwrap(),
            &ev,
        ];
        wd.run(&args).assert_ok();
        p
    })
}

#[test]
fn summary_diff_and_trend_workbooks() {
    let wd = Workdir::new();
    let out = wd.path("s.xlsx");
    let mut args = vec!["deficiencies", "--summary", "--lang", "en", "-o", out.to_str().unwrap()];
    args.extend_from_slice(EXAMPLE);
    wd.run(&args).assert_ok();
    assert_eq!(
        Book::open(&out).names(),
        vec!["Indicators most often lost", "By reason", "By owner"]
    );
    let [old, new] = two_results(&wd);
    let out = wd.path("d.xlsx");
    wd.run(&[
        "diff",
        "--lang",
        "zh",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ])
    .assert_ok();
    let book = Book::open(&out);
    assert_eq!(book.names()[..3], ["概况", "单位对比", "整改不到位"]);
    assert_eq!(book.sheet("单位对比").height(), 16);
    let out = wd.path("t.xlsx");
    wd.run(&[
        "trend",
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ])
    .assert_ok();
    let book = Book::open(&out);
    assert_eq!(book.names(), vec!["Trend"]);
    assert_eq!(book.sheet("Trend").height(), 16);
}

#[test]
fn the_sheets_that_grow_with_units_are_written_row_by_row() {
    // 排名 grows with units, 明细 and 扣分 with units × indicators: written
    // in rust_xlsxwriter's constant-memory mode, their text is inline (no
    // shared-string table or cell grid held in memory for them). Read back,
    // they hold what they always did (see
    // `details_and_deductions_cover_every_unit`), and the grade column is
    // still coloured in the same pass (see the grade-colour tests).
    let wd = Workdir::new();
    let book = Book::open(&score_to(&wd, "r.xlsx", &["--lang", "zh"]));
    for sheet in [
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
        "xl/worksheets/sheet3.xml",
    ] {
        let xml = book.xml(sheet);
        assert!(xml.contains(r#"t="inlineStr""#), "{sheet} is not written row by row");
        assert!(!xml.contains(r#"t="s""#), "{sheet} uses shared strings");
    }
    assert_eq!(book.sheet("明细").get((1, 1)).unwrap().to_string(), "T01");
}

/// Each `<row>` of every worksheet of `book`, by number, in the order
/// written; and whether that sheet's last row with cells was given a height.
fn rows_of(book: &Book) -> Vec<(String, Vec<u32>, bool)> {
    let zip = zip::ZipArchive::new(std::fs::File::open(&book.path).unwrap()).unwrap();
    let mut parts: Vec<String> = zip
        .file_names()
        .map(|n| n.unwrap().to_string())
        .filter(|n| n.starts_with("xl/worksheets/sheet"))
        .collect();
    parts.sort();
    parts
        .into_iter()
        .map(|part| {
            let xml = book.xml(&part);
            let mut rows = Vec::new();
            let mut last_tall = false;
            for tag in xml.split("<row ").skip(1) {
                let n = tag.split('"').nth(1).unwrap().parse().unwrap();
                rows.push(n);
                let head = &tag[..tag.find('>').unwrap()];
                if !head.ends_with('/') && tag.contains("<c ") {
                    last_tall = head.contains(" ht=");
                }
            }
            (part, rows, last_tall)
        })
        .collect()
}

#[test]
fn every_row_of_every_sheet_is_written_once_and_in_order() {
    // Excel reads a sheet's rows in order and may call a file damaged (and
    // offer to repair it) when a row number comes twice or goes back. The
    // sheets written row by row once wrote a last row with wrapped text
    // twice.
    let wd = Workdir::new();
    let mut books = vec![
        score_to(&wd, "zh.xlsx", &["--lang", "zh"]),
        score_to(&wd, "en.xlsx", &["--lang", "en"]),
    ];
    for (name, extra) in [("d.xlsx", &[][..]), ("s.xlsx", &["--summary"][..])] {
        let out = wd.path(name);
        let mut args = vec!["deficiencies", "--lang", "zh", "-o", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.extend_from_slice(EXAMPLE);
        wd.run(&args).assert_ok();
        books.push(out);
    }
    let results = two_results(&wd);
    let (old, new) = (results[0].to_str().unwrap(), results[1].to_str().unwrap());
    for (name, command) in [("diff.xlsx", "diff"), ("trend.xlsx", "trend")] {
        let out = wd.path(name);
        wd.run(&[command, "--lang", "zh", old, new, "-o", out.to_str().unwrap()])
            .assert_ok();
        books.push(out);
    }
    let out = wd.path("template.xlsx");
    wd.run(&[
        "template",
        "-u",
        "examples/units.csv",
        "--period",
        "2023",
        "-o",
        out.to_str().unwrap(),
    ])
    .assert_ok();
    books.push(out);

    let mut tall_last_rows = 0;
    for path in &books {
        for (part, rows, last_tall) in rows_of(&Book::open(path)) {
            assert!(!rows.is_empty(), "{} {part}: no rows", path.display());
            if let Some(w) = rows.windows(2).find(|w| w[0] >= w[1]) {
                panic!("{} {part}: row {} after row {}", path.display(), w[1], w[0]);
            }
            tall_last_rows += usize::from(last_tall);
        }
    }
    // The case that wrote a row twice is among them: a sheet written row by
    // row (扣分, its last deduction's rule wrapped) whose last row is tall.
    assert!(tall_last_rows > 0, "no sheet ends in a row given a height");
}
