//! `kaohe template`: the collection sheet, filled in the way a person would
//! and given back to `score` with no edits.

use crate::util::{Book, Workdir};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// examples/2023.csv by (unit, key): value, note, source.
fn example_evidence() -> HashMap<(String, String), [String; 3]> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/2023.csv")).unwrap();
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                (r[0].to_string(), r[1].to_string()),
                [r[2].to_string(), r[3].to_string(), r[4].to_string()],
            )
        })
        .collect()
}

/// What a person types into a cell: numbers become number cells, the rest
/// text.
enum Typed {
    Number(String),
    Text(String),
}

fn typed(s: &str) -> Typed {
    if s.parse::<f64>().is_ok() {
        Typed::Number(s.to_string())
    } else {
        Typed::Text(s.to_string())
    }
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Set cells of one worksheet of a workbook by editing its XML in place —
/// everything else (validations, styles, other sheets) stays as written.
/// Each cell must exist in the sheet (the template writes its blank input
/// cells).
fn fill(template: &Path, part: &str, cells: &[(String, Typed)], out: &Path) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(template).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(out).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut bytes = Vec::new();
        f.read_to_end(&mut bytes).unwrap();
        if name == part {
            let mut xml = String::from_utf8(bytes).unwrap();
            for (at, value) in cells {
                let start = xml
                    .find(&format!("<c r=\"{at}\""))
                    .unwrap_or_else(|| panic!("no cell {at}"));
                let open_end = start + xml[start..].find('>').unwrap();
                let (attrs_end, end) = if xml[..open_end].ends_with('/') {
                    (open_end - 1, open_end + 1)
                } else {
                    (open_end, open_end + xml[open_end..].find("</c>").unwrap() + 4)
                };
                let attrs = xml[start + 2..attrs_end].trim().to_string();
                let cell = match value {
                    Typed::Number(n) => format!("<c {attrs}><v>{n}</v></c>"),
                    Typed::Text(t) => format!("<c {attrs} t=\"inlineStr\"><is><t>{}</t></is></c>", xml_escape(t)),
                };
                xml.replace_range(start..end, &cell);
            }
            bytes = xml.into_bytes();
        }
        zout.start_file(name, opts).unwrap();
        zout.write_all(&bytes).unwrap();
    }
    zout.finish().unwrap();
}

fn template(wd: &Workdir, name: &str, extra: &[&str]) -> PathBuf {
    let p = wd.path(name);
    let mut args = vec!["template", "--period", "2023", "-o", p.to_str().unwrap()];
    args.extend_from_slice(extra);
    wd.run(&args).assert_ok();
    p
}

fn ranking(wd: &Workdir, evidence: &str) -> String {
    let out = wd.run(&[
        "score",
        "--format",
        "csv",
        "-u",
        "examples/units.csv",
        "--period",
        "2023",
        evidence,
    ]);
    out.assert_ok();
    out.stdout
}

fn cell_text(c: Option<&calamine::Data>) -> String {
    c.map(|c| c.to_string()).unwrap_or_default()
}

#[test]
fn a_filled_long_template_scores_like_the_evidence_it_holds() {
    let wd = Workdir::new();
    let t = template(&wd, "t.xlsx", &["-u", "examples/units.csv", "--lang", "zh"]);
    let book = Book::open(&t);
    assert_eq!(book.names(), vec!["填表说明", "佐证", "指标"]);
    let sheet = book.sheet("佐证");
    assert_eq!(
        (0..8).map(|c| cell_text(sheet.get((1, c)))).collect::<Vec<_>>(),
        [
            "单位",
            "单位名称",
            "指标",
            "指标名称",
            "评分标准",
            "完成情况",
            "备注",
            "佐证材料"
        ]
    );
    // Fill every row from the example evidence, as typed by hand.
    let evidence = example_evidence();
    let mut cells = Vec::new();
    for r in 2..sheet.height() {
        let key = (cell_text(sheet.get((r, 0))), cell_text(sheet.get((r, 2))));
        if let Some([value, note, source]) = evidence.get(&key) {
            let row = r + 1;
            cells.push((format!("F{row}"), typed(value)));
            if !note.is_empty() {
                cells.push((format!("G{row}"), Typed::Text(note.clone())));
            }
            if !source.is_empty() {
                cells.push((format!("H{row}"), Typed::Text(source.clone())));
            }
        }
    }
    assert!(cells.len() > 1500, "the example fills most rows");
    let filled = wd.path("filled.xlsx");
    fill(&t, "xl/worksheets/sheet2.xml", &cells, &filled);
    assert_eq!(
        ranking(&wd, filled.to_str().unwrap()),
        ranking(&wd, "examples/2023.csv")
    );
}

#[test]
fn a_filled_wide_template_scores_like_the_evidence_it_holds() {
    let wd = Workdir::new();
    let t = template(&wd, "t.xlsx", &["-u", "examples/units.csv", "--wide", "--lang", "en"]);
    let book = Book::open(&t);
    assert_eq!(book.names(), vec!["Instructions", "Evidence", "Indicators"]);
    let sheet = book.sheet("Evidence");
    // Row 1 is the title, row 2 the indicator names, row 3 the header.
    assert_eq!(cell_text(sheet.get((2, 0))), "unit");
    assert_eq!(cell_text(sheet.get((2, 2))), "A1");
    assert_eq!(cell_text(sheet.get((1, 2))), "党委（党组）专题研究意识形态工作");
    let evidence = example_evidence();
    let mut cells = Vec::new();
    for r in 3..sheet.height() {
        for c in 2..sheet.width() {
            let key = (cell_text(sheet.get((r, 0))), cell_text(sheet.get((2, c))));
            if let Some([value, ..]) = evidence.get(&key) {
                let col = rust_xlsxwriter::utility::column_number_to_name(c as u16);
                cells.push((format!("{col}{}", r + 1), typed(value)));
            }
        }
    }
    let filled = wd.path("filled.xlsx");
    fill(&t, "xl/worksheets/sheet2.xml", &cells, &filled);
    assert_eq!(
        ranking(&wd, filled.to_str().unwrap()),
        ranking(&wd, "examples/2023.csv")
    );
}

#[test]
fn a_csv_template_without_units_is_filled_by_the_unit_itself() {
    let wd = Workdir::new();
    let t = template(&wd, "t.csv", &["--lang", "zh"]);
    let bytes = std::fs::read(&t).unwrap();
    assert!(bytes.starts_with("\u{feff}单位,单位名称,指标,指标名称,评分标准,完成情况,备注,佐证材料\r\n".as_bytes()));
    // T01 fills in its id and its values; rows it has no value for it leaves
    // as they are.
    let evidence = example_evidence();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(reader.headers().unwrap()).unwrap();
    for rec in reader.records() {
        let mut row: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        if let Some([value, note, source]) = evidence.get(&("T01".to_string(), row[2].clone())) {
            row[0] = "T01".into();
            row[1] = "城关镇党委".into();
            row[5] = value.clone();
            row[6] = note.clone();
            row[7] = source.clone();
        }
        w.write_record(&row).unwrap();
    }
    let filled = wd.create_bytes("filled.csv", &w.into_inner().unwrap());
    let json = |ev: &str| -> serde_json::Value {
        let out = wd.run(&["score", "--format", "json", ev]);
        out.assert_ok();
        let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        v["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit"] == "T01")
            .unwrap()
            .clone()
    };
    let (mine, example) = (json(filled.to_str().unwrap()), json("examples/2023.csv"));
    assert_eq!(mine["score"], example["score"]);
    assert_eq!(mine["indicators"], example["indicators"]);
}

#[test]
fn the_evidence_sheet_guides_the_hand() {
    let wd = Workdir::new();
    let t = template(&wd, "t.xlsx", &["-u", "examples/units.csv", "--lang", "zh"]);
    let xml = Book::open(&t).xml("xl/worksheets/sheet2.xml");
    // A3 (是/否): a dropdown in every unit's A3 row.
    assert!(xml.contains(r#"<formula1>"是,否"</formula1>"#), "yes/no dropdown");
    // B4 (levels): its level names.
    assert!(
        xml.contains(r#"<formula1>"好,较好,一般,差"</formula1>"#),
        "levels dropdown"
    );
    // C5 (deduct, may be N/A): a whole number ≥ 0, warning only.
    assert!(
        xml.contains(r#"type="whole" errorStyle="warning" operator="greaterThanOrEqual""#),
        "count validation"
    );
    // D4 (levels, may be N/A): 不适用 is in its list.
    assert!(xml.contains(r#"<formula1>"好,较好,一般,差,不适用"</formula1>"#));
    // Each validation covers that slot for all 15 units.
    let a3 = xml
        .split("<dataValidation ")
        .find(|d| d.contains("promptTitle=\"A3 "))
        .expect("A3's validation");
    let sqref = a3.split("sqref=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(sqref.split(' ').count(), 15, "{sqref}");
    // The header row is frozen under the title.
    assert!(xml.contains(r#"<pane ySplit="2" topLeftCell="A3" activePane="bottomLeft" state="frozen"/>"#));
}

#[test]
fn template_formats_and_misuse() {
    let wd = Workdir::new();
    let out = wd.run(&["template", "--format", "json"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: invalid value 'json' for '--format <FORMAT>'\n  [possible values: xlsx, csv]\n\n\
         For more information, try '--help'.\n"
    );
    let out = wd.run(&["template", "-o", "$WD/t.json"]);
    assert_eq!(out.stderr, "error: template cannot be written as json: use xlsx, csv\n");
    let (code, bytes) = wd.run_raw(&["template"]);
    assert_eq!(code, 0);
    assert!(bytes.starts_with(b"PK\x03\x04"), "XLSX by default, to a pipe");
    let out = wd.run(&["template", "--format", "csv", "--wide", "--lang", "en"]);
    out.assert_ok();
    assert!(
        out.stdout
            .starts_with("unit,name,A1,A2,A3,A4/a,A4/b,A5/a,A5/b,B1/a,B1/b,B1/c,B2,"),
        "{}",
        out.stdout
    );
}
