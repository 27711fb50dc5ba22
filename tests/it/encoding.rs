//! Encodings of input files: GBK (what Excel saves on Chinese Windows),
//! UTF-8 with a BOM, UTF-16; bytes that are none of these are an error.
//! GBK fixtures are made from raw bytes, never from files in an editor.

use crate::fixtures::{indicator, mini_evidence, mini_row, text, unit};
use crate::util::Workdir;

fn gbk(s: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
    assert!(!unmappable, "{s} is not all GBK");
    bytes.into_owned()
}

#[test]
fn gbk_long_evidence_with_chinese_headers() {
    let wd = Workdir::mini();
    let long = "单位,指标,完成情况,备注,佐证材料\r\n\
                U01,A1,否,未召开专题会议,会议记录\r\n\
                U01,B2,较好,牵头有力,考核组评定意见\r\n\
                U01,B3,不适用,无品牌创建任务,情况说明\r\n";
    let bytes = gbk(long);
    // Make sure the fixture really is GBK: "单位" is B5 A5 CE BB.
    assert_eq!(&bytes[..4], b"\xB5\xA5\xCE\xBB");
    wd.create_bytes("gbk.csv", &bytes);
    let doc = wd.json(&["-f", "$WD/mini.toml", "$WD/gbk.csv"]);
    let u = unit(&doc, "U01");
    let a1 = indicator(u, "A1");
    assert_eq!(
        [
            text(&a1["value"]),
            text(&a1["note"]),
            text(&a1["source"]),
            text(&a1["amount"])
        ],
        ["否", "未召开专题会议", "会议记录", "0.00"]
    );
    assert_eq!(text(&indicator(u, "B2")["amount"]), "8.00");
    assert_eq!(indicator(u, "B3")["status"], "exempt");
    // Errors point at the right GBK line, with the text decoded.
    wd.create_bytes("bad.csv", &gbk("单位,指标,值\r\nU01,A1,是\r\nU01,B2,优秀\r\n"));
    wd.run(&["score", "-f", "$WD/mini.toml", "$WD/bad.csv"]).assert_input_errors(&[
        "error: $WD/bad.csv:3: column \"值\": unit U01, indicator B2: \"优秀\" is not one of the levels 好, 较好, 一般, 差",
    ]);
}

#[test]
fn gbk_wide_evidence_and_units_file() {
    let wd = Workdir::mini();
    wd.create_bytes(
        "units.csv",
        &gbk("单位,单位名称,类别\r\nU01,城关镇党委,乡镇（街道）\r\n"),
    );
    wd.create_bytes(
        "wide.csv",
        &gbk(&mini_evidence(&[mini_row("U01", &[("B2", "一般"), ("V1", "否")])])),
    );
    let doc = wd.json(&["-f", "$WD/mini.toml", "-u", "$WD/units.csv", "$WD/wide.csv"]);
    let u = unit(&doc, "U01");
    assert_eq!(
        [text(&u["name"]), text(&u["category"]), text(&u["score"])],
        ["城关镇党委", "乡镇（街道）", "95.00"]
    );
}

#[test]
fn utf8_with_a_bom() {
    let wd = Workdir::mini();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(mini_evidence(&[mini_row("U01", &[("A1", "否")])]).as_bytes());
    wd.create_bytes("e.csv", &bytes);
    wd.create_bytes("units.csv", "\u{feff}unit,name\nU01,甲\n".as_bytes());
    let doc = wd.json(&["-f", "$WD/mini.toml", "-u", "$WD/units.csv", "$WD/e.csv"]);
    assert_eq!(text(&unit(&doc, "U01")["score"]), "90.00");
    assert_eq!(unit(&doc, "U01")["name"], "甲");
    // A CSV report written by kaohe (with its BOM) reads back as a units file.
    wd.run(&[
        "score",
        "-o",
        "$WD/r.csv",
        "-f",
        "$WD/mini.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ])
    .assert_ok();
    assert!(wd.read("r.csv").starts_with('\u{feff}'));
    let again = wd.json(&["-f", "$WD/mini.toml", "-u", "$WD/r.csv", "$WD/e.csv"]);
    assert_eq!(unit(&again, "U01")["name"], "甲");
}

#[test]
fn utf16_tab_separated() {
    // Excel's "Unicode text": UTF-16LE with a BOM, tab-separated.
    let wd = Workdir::mini();
    let text_ = "unit\tA1\tB2\r\nU01\t否\t好\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text_.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    wd.create_bytes("e.txt", &bytes);
    let doc = wd.json(&["-f", "$WD/mini.toml", "$WD/e.txt"]);
    let u = unit(&doc, "U01");
    assert_eq!(
        [text(&indicator(u, "A1")["amount"]), text(&indicator(u, "B2")["amount"])],
        ["0.00", "10.00"]
    );
}

/// Bytes that are neither UTF-8 nor GBK are an error naming the line and
/// the byte where reading fails.
#[test]
fn bytes_that_are_neither() {
    let wd = Workdir::mini();
    wd.create_bytes("a.csv", b"unit,indicator,value\nU01,A1,1\n\xFF\xFE,A2,0\n");
    // GBK throughout, one stray byte on line 3: blamed there, not at the
    // first Chinese character.
    let mut gbk_bytes = gbk("单位,指标,值\nU01,A1,是\n");
    gbk_bytes.extend(b"U01,B2,\xFF\n");
    wd.create_bytes("b.csv", &gbk_bytes);
    // UTF-8 throughout, one stray byte on line 3.
    let mut utf8 = "单位,指标,值\nU01,A1,是\nU01,B2,好".as_bytes().to_vec();
    utf8.extend(b"\xFF\n");
    wd.create_bytes("c.csv", &utf8);
    // GBK after a UTF-8 BOM.
    let mut bom_gbk = b"\xEF\xBB\xBF".to_vec();
    bom_gbk.extend(gbk("unit,A1\nU01,是\n"));
    wd.create_bytes("d.csv", &bom_gbk);
    wd.run(&["score", "-f", "$WD/mini.toml", "$WD/a.csv", "$WD/b.csv", "$WD/c.csv", "$WD/d.csv"])
        .assert_input_errors(&[
            "error: $WD/a.csv:3: the file is neither UTF-8 nor GBK/GB18030 (byte 0xFF cannot be read); save it as CSV UTF-8",
            "error: $WD/b.csv:3: the file is neither UTF-8 nor GBK/GB18030 (byte 0xFF cannot be read); save it as CSV UTF-8",
            "error: $WD/c.csv:3: the file is neither UTF-8 nor GBK/GB18030 (byte 0xFF cannot be read); save it as CSV UTF-8",
            "error: $WD/d.csv:2: invalid UTF-8 after a UTF-8 byte-order mark",
            "error: 4 problems found; nothing was written",
        ]);
}

#[test]
fn framework_must_be_utf8() {
    let wd = Workdir::new();
    let mut bytes = crate::fixtures::MINI
        .replace("title = \"迷你考核\"", "title = \"x\"")
        .into_bytes();
    bytes.extend(gbk("\n# 注释\n"));
    wd.create_bytes("f.toml", &bytes);
    wd.create("e.csv", "unit,A1\nU01,是\n");
    let n = crate::fixtures::MINI.lines().count() + 2;
    wd.run(&["score", "-f", "$WD/f.toml", "$WD/e.csv"])
        .assert_input_errors(&[&format!(
            "error: $WD/f.toml:{n}: framework file is not valid UTF-8 (save it as UTF-8)"
        )]);
}
