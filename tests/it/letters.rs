//! Feedback letters (考核结果反馈意见书) as DOCX: the package is unzipped
//! here and every part parsed as XML, the letter's text read back in
//! order; an ignored test opens the file with python-docx, a real reader
//! (`.ci/run` installs python3-docx and runs it).

use crate::fixtures::{mini_evidence, mini_row};
use crate::util::Workdir;
use quick_xml::events::Event;
use std::io::Read;
use std::path::Path;

/// Two units worked out by hand on MINI (100 points, groups A and B of 50):
/// T01 full marks but B3 5 of 15: 100 − 10 = 90.00, 好 (≥ 90), rank 1;
/// group A 50.00/50 = 100.00%, B 40.00/50 = 80.00%.
/// T02 also A1 否 (0 of 10): 100 − 10 − 10 = 80.00, 较好 (≥ 80), rank 2;
/// A 40.00/50 = 80.00%, B 40.00/50 = 80.00%; 10.00 short of 好, which
/// fixing A1 alone (10 points, first in framework order) reaches.
fn setup() -> (Workdir, Vec<String>) {
    let wd = Workdir::mini();
    wd.create("units.csv", "unit,name\nT01,城关镇\nT02,河西街道\n");
    wd.create(
        "e.csv",
        &mini_evidence(&[
            mini_row("T01", &[("B3", "5")]),
            mini_row("T02", &[("B3", "5"), ("A1", "否")]),
        ]),
    );
    let (fw, units) = (wd.path("mini.toml"), wd.path("units.csv"));
    let common = [
        "--lang",
        "zh",
        "-f",
        fw.to_str().unwrap(),
        "-u",
        units.to_str().unwrap(),
        "--period",
        "2023",
    ]
    .map(String::from)
    .to_vec();
    (wd, common)
}

fn letters(wd: &Workdir, common: &[String], extra: &[&str]) {
    let mut args: Vec<&str> = vec!["letters"];
    args.extend(common.iter().map(String::as_str));
    args.extend_from_slice(extra);
    let ev = wd.path("e.csv");
    args.push(ev.to_str().unwrap());
    wd.run(&args).assert_ok();
}

/// Every part of the package, parsed as XML (well-formed or the test
/// fails); the document's paragraphs as text, `\f` before a paragraph
/// that starts a new page.
fn read_docx(path: &Path) -> (Vec<String>, Vec<(String, String)>) {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        parts.push((f.name().unwrap().into_owned(), text));
    }
    let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
    for needed in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/styles.xml",
    ] {
        assert!(names.contains(&needed), "{needed} missing from {names:?}");
    }
    let mut paragraphs = Vec::new();
    for (name, text) in &parts {
        let mut r = quick_xml::Reader::from_str(text);
        let mut current: Option<String> = None;
        let mut in_text = false;
        loop {
            match r.read_event() {
                Err(e) => panic!("{name} is not well-formed XML: {e}"),
                Ok(Event::Eof) => break,
                Ok(Event::Start(e)) if e.name().as_ref() == "w:p" => current = Some(String::new()),
                Ok(Event::Start(e)) if e.name().as_ref() == "w:t" => in_text = true,
                Ok(Event::Empty(e)) if e.name().as_ref() == "w:pageBreakBefore" => {
                    if let Some(c) = &mut current {
                        c.push('\u{c}');
                    }
                }
                Ok(Event::Text(t)) if in_text => {
                    if let Some(c) = &mut current {
                        c.push_str(&t);
                    }
                }
                Ok(Event::GeneralRef(g)) if in_text => {
                    let s = match &*g {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        _ => "?",
                    };
                    if let Some(c) = &mut current {
                        c.push_str(s);
                    }
                }
                Ok(Event::End(e)) if e.name().as_ref() == "w:t" => in_text = false,
                Ok(Event::End(e)) if e.name().as_ref() == "w:p" && name == "word/document.xml" => {
                    paragraphs.push(current.take().unwrap_or_default());
                }
                _ => {}
            }
        }
    }
    (paragraphs, parts)
}

#[test]
fn one_document_holds_every_letter_with_page_breaks() {
    let (wd, common) = setup();
    let out = wd.path("letters.docx");
    letters(
        &wd,
        &common,
        &[
            "--issuer",
            "某县考核办",
            "--date",
            "2024-01-05",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    let (paras, parts) = read_docx(&out);
    let text = paras.join("\n");
    // Two letters, the second on a new page.
    assert_eq!(text.matches("考核结果反馈意见书").count(), 2, "{text}");
    assert_eq!(text.matches('\u{c}').count(), 1);
    let (t01, t02) = text.split_once('\u{c}').unwrap();
    for (letter, want) in [
        (
            t01,
            &[
                "城关镇：",
                "单位\nT01 城关镇",
                "考核期\n2023",
                "得分\n90.00",
                "排名\n第1名（共2个单位）",
                "等次\n好",
                "A 思想引领\n50\n50.00\n100.00%",
                "B 责任落实\n50\n40.00\n80.00%",
                "B3 品牌创建",
                "10.00",
                "2024-01-30",
                "已是最高等次。",
            ][..],
        ),
        (
            t02,
            &[
                "河西街道：",
                "得分\n80.00",
                "排名\n第2名（共2个单位）",
                "等次\n较好",
                "A 思想引领\n50\n40.00\n80.00%",
                "1\nA1 专题研究",
                "2\nB3 品牌创建",
                "距好差10.00分：整改 A1（10.00分）即可",
                "于2024年1月30日前将整改情况书面报送某县考核办。",
                "某县考核办\n2024年1月5日",
            ][..],
        ),
    ] {
        for w in want {
            assert!(letter.contains(w), "{w:?} not in:\n{letter}");
        }
    }
    // East Asian fonts that WPS and Word render, with their substitutes.
    let part = |n: &str| &parts.iter().find(|(name, _)| name == n).unwrap().1;
    assert!(part("word/styles.xml").contains(r#"w:eastAsia="仿宋_GB2312""#));
    assert!(
        part("word/fontTable.xml")
            .contains(r#"<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/><w:charset w:val="86"/>"#)
    );
    // Deterministic: the same inputs give the same bytes.
    let first = std::fs::read(&out).unwrap();
    letters(
        &wd,
        &common,
        &[
            "--issuer",
            "某县考核办",
            "--date",
            "2024-01-05",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(std::fs::read(&out).unwrap(), first);
}

#[test]
fn a_directory_gets_a_document_per_unit() {
    let (wd, common) = setup();
    let dir = wd.path("out");
    let arg = format!("{}/", dir.display());
    letters(&wd, &common, &["--unit", "T02", "-o", &arg]);
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["T02 河西街道.docx"]);
    let (paras, _) = read_docx(&dir.join("T02 河西街道.docx"));
    let text = paras.join("\n");
    assert!(text.contains("河西街道：") && !text.contains('\u{c}'), "{text}");
    // Nothing printed when no issuer or date is given.
    assert!(text.contains("报送考核部门。"), "{text}");
}

#[test]
fn unit_text_cannot_break_the_document_and_bad_targets_are_refused() {
    let wd = Workdir::mini();
    wd.create("units.csv", "unit,name\nT01,\"<w:p>&城关镇\"\"\"\n");
    let ev = wd.create("e.csv", &mini_evidence(&[mini_row("T01", &[])]));
    let (fw, units) = (wd.path("mini.toml"), wd.path("units.csv"));
    let out = wd.path("x.docx");
    let args = |o: &str| {
        vec![
            "letters".to_string(),
            "-f".into(),
            fw.display().to_string(),
            "-u".into(),
            units.display().to_string(),
            "-o".into(),
            o.to_string(),
            ev.display().to_string(),
        ]
    };
    let run = |o: &str| {
        let a = args(o);
        wd.run(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    run(out.to_str().unwrap()).assert_ok();
    let (paras, _) = read_docx(&out);
    assert!(paras.iter().any(|p| p == "<w:p>&城关镇\":"), "{paras:?}");
    run("x.pdf").assert_usage_error(
        "error: letters -o takes a directory (ending in /, a file per unit) or a .docx file (every unit in one): \"x.pdf\"",
    );
}

/// python3 with python-docx: `KAOHE_PYTHON`, else /usr/bin/python3
/// (Debian's python3-docx installs there).
fn python() -> String {
    std::env::var("KAOHE_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_string())
}

#[test]
#[ignore = "needs python3-docx; .ci/run runs it"]
fn python_docx_reads_the_letters() {
    let (wd, common) = setup();
    let out = wd.path("letters.docx");
    letters(&wd, &common, &["--issuer", "某县考核办", "-o", out.to_str().unwrap()]);
    let script = r#"
import sys, docx
d = docx.Document(sys.argv[1])
breaks = sum(1 for p in d.paragraphs if p.paragraph_format.page_break_before)
print("breaks", breaks)
for p in d.paragraphs:
    print("P", p.text)
for t in d.tables:
    for r in t.rows:
        print("R", "|".join(c.text for c in r.cells))
"#;
    let run = std::process::Command::new(python())
        .args(["-c", script])
        .arg(&out)
        .output()
        .expect("run python3");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = String::from_utf8(run.stdout).unwrap();
    for want in [
        "breaks 1",
        "P 城关镇：",
        "P 河西街道：",
        "R 得分|90.00",
        "R 得分|80.00",
        "R 等次|较好",
        "R B 责任落实|50|40.00|80.00%",
        "R 1|A1 专题研究|",
        "P 距好差10.00分：整改 A1（10.00分）即可",
        "P 某县考核办",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
}
