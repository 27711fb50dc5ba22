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

fn in_encoding(e: &'static encoding_rs::Encoding, s: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = e.encode(s);
    assert!(!unmappable, "{s} is not all {}", e.name());
    bytes.into_owned()
}

/// A short GBK file whose bytes are also valid UTF-8 is read as GBK: its
/// names are made of Hanzi whose GBK pairs (lead C2–DF, trail A1–BF) are
/// two-byte UTF-8 sequences, which read as Cyrillic and Armenian letters.
#[test]
fn short_gbk_that_is_valid_utf8_is_read_as_gbk() {
    let wd = Workdir::mini();
    // 一 D2BB, 学 D1A7, 校 D0A3, 医 D2BD, 院 D4BA.
    let units = gbk("unit,name\r\nU01,一学校医院\r\n");
    assert_eq!(&units[15..25], b"\xD2\xBB\xD1\xA7\xD0\xA3\xD2\xBD\xD4\xBA");
    assert!(std::str::from_utf8(&units).is_ok(), "the fixture must be valid UTF-8");
    wd.create_bytes("units.csv", &units);
    wd.create("e.csv", &mini_evidence(&[mini_row("U01", &[])]));
    let doc = wd.json(&["-f", "$WD/mini.toml", "-u", "$WD/units.csv", "$WD/e.csv"]);
    assert_eq!(unit(&doc, "U01")["name"], "一学校医院");
    // A UTF-8 file whose bytes are also valid GBK stays UTF-8.
    let utf8 = "unit,name\nU01,单位\n";
    assert!(
        encoding_rs::GBK
            .decode_without_bom_handling_and_without_replacement(utf8.as_bytes())
            .is_some()
    );
    wd.create("units8.csv", utf8);
    let doc = wd.json(&["-f", "$WD/mini.toml", "-u", "$WD/units8.csv", "$WD/e.csv"]);
    assert_eq!(unit(&doc, "U01")["name"], "单位");
}

/// Big5, EUC-KR and Shift_JIS text is nearly always valid GBK: it is
/// refused, located, naming the encoding it reads in and the option to
/// pass, instead of being read as garbled Chinese; with that option, it
/// is read (one file's encoding given, the other file detected).
#[test]
fn other_east_asian_encodings_are_refused_then_read_when_named() {
    let wd = Workdir::mini();
    wd.create_bytes(
        "big5.csv",
        &in_encoding(encoding_rs::BIG5, "unit,name\r\nU01,臺北市政府\r\n"),
    );
    wd.create_bytes(
        "kr.csv",
        &in_encoding(encoding_rs::EUC_KR, "unit,name\r\nU01,서울특별시청\r\n"),
    );
    wd.create_bytes(
        "sj.csv",
        &in_encoding(encoding_rs::SHIFT_JIS, "unit,name\r\nU01,とうきょうと\r\n"),
    );
    wd.create("e.csv", &mini_evidence(&[mini_row("U01", &[])]));
    for (file, line, reads) in [
        ("big5", 2, "it reads as Big5 (\"U01,臺北市政府\")"),
        ("kr", 2, "it reads as EUC-KR (\"U01,서울특별시청\")"),
        ("sj", 2, "it reads as Shift_JIS (\"U01,とうきょうと\")"),
    ] {
        let out = wd.run(&[
            "score",
            "-f",
            "$WD/mini.toml",
            "-u",
            &format!("$WD/{file}.csv"),
            "$WD/e.csv",
        ]);
        assert_eq!(out.code, 1, "{file}: {}", out.stderr);
        let first = out.stderr.lines().next().unwrap();
        let at = format!("error: $WD/{file}.csv:{line}: the file does not read as Chinese in GBK");
        assert!(first.starts_with(&at), "{first}");
        assert!(first.contains(reads), "{first}");
    }
    let doc = wd.json(&[
        "-f",
        "$WD/mini.toml",
        "--encoding",
        "$WD/big5.csv=big5",
        "-u",
        "$WD/big5.csv",
        "$WD/e.csv",
    ]);
    assert_eq!(unit(&doc, "U01")["name"], "臺北市政府");
    // A FILE=ENC naming no input is a usage error.
    wd.run(&[
        "score",
        "-f",
        "$WD/mini.toml",
        "--encoding",
        "$WD/nope.csv=gbk",
        "$WD/e.csv",
    ])
    .assert_usage_error("error: --encoding $WD/nope.csv=gbk: $WD/nope.csv is not one of the input files");
}

/// Bytes that read as UTF-8 Latin letters and as GBK Hanzi alike cannot be
/// told apart: refused at the line they differ on, both readings quoted,
/// until the encoding is given.
#[test]
fn what_cannot_be_told_apart_is_refused_until_given() {
    let wd = Workdir::mini();
    // 路 C2B7 and 目 C4BF: "·Ŀ" in UTF-8.
    wd.create_bytes("units.csv", &gbk("unit,name\r\nU01,路目\r\n"));
    wd.create("e.csv", &mini_evidence(&[mini_row("U01", &[])]));
    wd.run(&["score", "-f", "$WD/mini.toml", "-u", "$WD/units.csv", "$WD/e.csv"])
        .assert_input_errors(&[
            "error: $WD/units.csv:2: cannot tell the file's encoding: as UTF-8 it reads \"U01,·Ŀ\", as GBK \"U01,路目\"; pass --encoding $WD/units.csv=utf-8 or --encoding $WD/units.csv=gbk",
        ]);
    for (enc, name) in [("gbk", "路目"), ("utf-8", "·Ŀ")] {
        let given = format!("$WD/units.csv={enc}");
        let doc = wd.json(&[
            "-f",
            "$WD/mini.toml",
            "--encoding",
            &given,
            "-u",
            "$WD/units.csv",
            "$WD/e.csv",
        ]);
        assert_eq!(unit(&doc, "U01")["name"], name);
    }
}

/// `diff` takes `FILE=ENC` for a file of either side, and reads the other
/// side as detected; a `FILE=` naming neither side is a usage error.
#[test]
fn diff_takes_the_encoding_of_one_side() {
    let wd = Workdir::mini();
    // 路 C2B7, 目 C4BF: valid UTF-8 too, and told apart by nothing.
    wd.create_bytes("old.csv", &gbk("unit,name,A1\r\nU01,路目,1\r\n"));
    wd.create("new.csv", "unit,name,A1\nU01,路目,0\n");
    let out = wd.run(&["diff", "-f", "$WD/mini.toml", "$WD/old.csv", "$WD/new.csv"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: $WD/old.csv:2: cannot tell the file's encoding"),
        "{}",
        out.stderr
    );
    let out = wd.run(&[
        "diff",
        "--format",
        "csv",
        "-f",
        "$WD/mini.toml",
        "--encoding",
        "$WD/old.csv=gbk",
        "$WD/old.csv",
        "$WD/new.csv",
    ]);
    out.assert_ok();
    assert!(out.stdout.contains("U01"), "{}", out.stdout);
    wd.run(&[
        "diff",
        "-f",
        "$WD/mini.toml",
        "--encoding",
        "$WD/x.csv=gbk",
        "$WD/old.csv",
        "$WD/new.csv",
    ])
    .assert_usage_error("error: --encoding $WD/x.csv=gbk: $WD/x.csv is not one of the input files");
}

/// `--encoding gbk` for every file while the units file is saved as UTF-8
/// (WPS and Excel both offer it): read as GBK, its names would come out
/// garbled without a word (the six bytes of 宣传 in UTF-8 are three valid
/// GBK characters, 瀹ｄ紶). Refused, naming the file and how to give the
/// encoding for the GBK file only; given so, the names read right. A file
/// named with its own encoding is taken as meant.
#[test]
fn an_encoding_for_every_file_does_not_garble_a_utf8_one() {
    let wd = Workdir::mini();
    wd.create("units.csv", "unit,name\nU01,宣传\n");
    wd.create_bytes("e.csv", &gbk(&mini_evidence(&[mini_row("U01", &[])])));
    let args = |enc: &str| {
        let enc = enc.to_string();
        move |wd: &Workdir| {
            wd.run(&[
                "score",
                "--format",
                "json",
                "-f",
                "$WD/mini.toml",
                "--encoding",
                &enc,
                "-u",
                "$WD/units.csv",
                "$WD/e.csv",
            ])
        }
    };
    args("gbk")(&wd).assert_input_errors(&[
        "error: $WD/units.csv: the file is UTF-8, but --encoding gbk reads every CSV file as gbk, which would garble its Chinese text: give the encoding for the gbk files only (--encoding FILE=gbk); this one needs none",
    ]);
    for given in ["$WD/e.csv=gbk", "$WD/units.csv=utf-8"] {
        let out = args(given)(&wd);
        out.assert_ok();
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(unit(&doc, "U01")["name"], "宣传", "{given}");
    }
    // A short GBK file whose bytes are valid UTF-8 too (路目: "·Ŀ") is
    // GBK as detection reads it, and is read as given.
    wd.create_bytes("units.csv", &gbk("unit,name\r\nU01,路目\r\n"));
    let out = args("gbk")(&wd);
    out.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(unit(&doc, "U01")["name"], "路目");
}
