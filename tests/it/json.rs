//! The canonical JSON result (docs/result.md), field by field.

use crate::fixtures::{MINI, indicator, mini_evidence, mini_row, text, unit};
use crate::util::Workdir;
use serde_json::Value;
use sha2::{Digest, Sha256};

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().expect("an object").keys().map(String::as_str).collect()
}

/// The result document's layout (docs/result.md), written apart from
/// the program: serde_json's pretty layout, two spaces a level, except in
/// a unit, where an array of objects (`groups`, `indicators`,
/// `deficiencies`) has each object on a line of its own, and every other
/// array (`veto`) and each of those objects is written on one line, members
/// after `, `. Scalars are serde_json's, escapes included.
fn layout(doc: &Value) -> String {
    /// `open`, each item on a line of its own at `level + 1` (written by
    /// `each`), and `close` on a line at `level`.
    fn lines<T>(
        out: &mut String,
        level: usize,
        (open, close): (char, char),
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(T, &mut String),
    ) {
        out.push(open);
        for (i, x) in items.into_iter().enumerate() {
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&"  ".repeat(level + 1));
            each(x, out);
        }
        out.push('\n');
        out.push_str(&"  ".repeat(level));
        out.push(close);
    }
    fn pretty(v: &Value, level: usize, unit: bool, out: &mut String) {
        match v {
            Value::Object(m) if !m.is_empty() => lines(out, level, ('{', '}'), m, |(k, x), out| {
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push_str(": ");
                match x {
                    Value::Array(a) if unit && a.iter().all(Value::is_object) && !a.is_empty() => {
                        lines(out, level + 1, ('[', ']'), a, line);
                    }
                    Value::Array(_) if unit => line(x, out),
                    // The units: each one's members as a unit's.
                    Value::Array(a) if level == 0 && k == "units" && !a.is_empty() => {
                        lines(out, level + 1, ('[', ']'), a, |u, out| pretty(u, level + 2, true, out));
                    }
                    _ => pretty(x, level + 1, false, out),
                }
            }),
            Value::Array(a) if !a.is_empty() => {
                lines(out, level, ('[', ']'), a, |x, out| pretty(x, level + 1, false, out));
            }
            _ => line(v, out),
        }
    }
    /// A value on one line: `{"a": 1, "b": [2, 3]}`.
    fn line(v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                out.push('{');
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&serde_json::to_string(k).unwrap());
                    out.push_str(": ");
                    line(x, out);
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    line(x, out);
                }
                out.push(']');
            }
            _ => out.push_str(&serde_json::to_string(v).unwrap()),
        }
    }
    let mut out = String::new();
    pretty(doc, 0, false, &mut out);
    out.push('\n');
    out
}

/// Every status occurs: U01 met/partial/failed/missing/exempt/clear and a
/// bonus earned (triggered); U02 vetoed.
fn fixture() -> (Workdir, String) {
    let wd = Workdir::mini();
    wd.create("units.csv", "unit,name,category\nU01,甲镇,乡镇\nU02,乙局,部门\n");
    wd.create(
        "e.csv",
        &mini_evidence(&[
            mini_row(
                "U01",
                &[
                    ("A1", "否"),
                    ("A2", "1"),
                    ("A3", ""),
                    ("B5", "不适用"),
                    ("J2", "是"),
                    ("K1", "1"),
                ],
            ),
            mini_row("U02", &[("B3", "5"), ("V1", "是")]),
        ]),
    );
    let out = wd.stdout(&[
        "score",
        "--format",
        "json",
        "--period",
        "2023Q4",
        "-f",
        "$WD/mini.toml",
        "-u",
        "$WD/units.csv",
        "$WD/e.csv",
    ]);
    (wd, out)
}

#[test]
fn document_shape_matches_the_spec() {
    let (wd, raw) = fixture();
    assert!(raw.ends_with("}\n"));
    let doc: Value = serde_json::from_str(&raw).unwrap();
    // Layout and escapes as the reference below prints the document read
    // back, and serde_json's own where it is pretty.
    assert_eq!(layout(&doc), raw);
    let head = raw.split("\n  \"units\": [").next().unwrap();
    assert!(serde_json::to_string_pretty(&doc).unwrap().starts_with(head));
    assert_eq!(keys(&doc), ["schema", "period", "framework", "inputs", "units"]);
    assert_eq!(text(&doc["schema"]), "1");
    assert_eq!(doc["period"], "2023Q4");

    let fw = &doc["framework"];
    assert_eq!(
        keys(fw),
        [
            "id",
            "title",
            "total",
            "sha256",
            "bonus_cap",
            "penalty_cap",
            "grades",
            "groups",
            "indicators"
        ]
    );
    assert_eq!(
        [
            text(&fw["id"]),
            text(&fw["title"]),
            text(&fw["total"]),
            text(&fw["bonus_cap"]),
            text(&fw["penalty_cap"])
        ],
        ["mini", "迷你考核", "100", "4", "8"]
    );
    assert_eq!(fw["sha256"], sha256(MINI.as_bytes()));
    assert_eq!(fw["grades"][3], serde_json::json!({ "name": "差", "min": 0 }));
    assert_eq!(keys(&fw["groups"][0]), ["id", "name", "parent", "points"]);
    assert_eq!(
        keys(&fw["indicators"][0]),
        ["id", "name", "group", "kind", "points", "rule"]
    );
    let b4 = &fw["indicators"][8];
    assert_eq!(
        [
            text(&b4["id"]),
            text(&b4["group"]),
            text(&b4["kind"]),
            text(&b4["points"]),
            text(&b4["rule"])
        ],
        [
            "B4",
            "B",
            "base",
            "5",
            "clauses: a: −1 each (max 3); b: −2.5 each; floor 0"
        ]
    );
    assert_eq!(fw["indicators"][14]["rule"], "veto");
    assert_eq!(fw["indicators"][14]["group"], Value::Null);

    // Inputs: the evidence, then the units file, each with its SHA-256.
    let inputs = doc["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    for (input, name) in inputs.iter().zip(["e.csv", "units.csv"]) {
        assert_eq!(keys(input), ["path", "sha256"]);
        assert_eq!(input["path"], format!("$WD/{name}"));
        assert_eq!(input["sha256"], sha256(&wd.read_bytes(name)));
    }

    let units = doc["units"].as_array().unwrap();
    assert_eq!(units.len(), 2);
    let u = &units[0];
    assert_eq!(
        keys(u),
        [
            "unit",
            "name",
            "category",
            "rank",
            "category_rank",
            "score",
            "base",
            "bonus",
            "penalty",
            "grade",
            "grade_by_score",
            "grade_reason",
            "veto",
            "groups",
            "indicators",
            "deficiencies"
        ]
    );
    // U01: A1 −10, A2 −2, A3 missing −10 of 90 applicable: 68 × 100 / 90 =
    // 75.555… → 75.56; bonus 2, penalty 2.
    assert_eq!(
        [u["unit"].clone(), u["name"].clone(), u["category"].clone()],
        [Value::from("U01"), Value::from("甲镇"), Value::from("乡镇")]
    );
    assert_eq!(
        ["rank", "category_rank", "score", "base", "bonus", "penalty", "grade"].map(|k| text(&u[k])),
        ["1", "1", "75.56", "75.56", "2.00", "2.00", "一般"]
    );
    assert_eq!(u["veto"], serde_json::json!([]));
    assert_eq!(keys(&u["groups"][0]), ["id", "name", "points", "amount"]);
    assert_eq!(
        ["id", "name", "points", "amount"].map(|k| text(&u["groups"][0][k])),
        ["A", "思想引领", "50", "28.00"]
    );
    let a2 = indicator(u, "A2");
    assert_eq!(
        keys(a2),
        ["id", "kind", "points", "value", "amount", "status", "note", "source"]
    );
    let row = |id: &str| {
        let i = indicator(u, id);
        ["kind", "points", "value", "amount", "status"].map(|k| text(&i[k]))
    };
    assert_eq!(row("A1"), ["base", "10", "否", "0.00", "failed"]);
    assert_eq!(row("A2"), ["base", "10", "1", "8.00", "partial"]);
    assert_eq!(row("A3"), ["base", "10", "null", "0.00", "missing"]);
    assert_eq!(row("A4"), ["base", "10", "4", "10.00", "met"]);
    assert_eq!(row("B5"), ["base", "10", "不适用", "null", "exempt"]);
    assert_eq!(row("J1"), ["bonus", "3", "null", "0.00", "clear"]);
    assert_eq!(row("J2"), ["bonus", "2", "是", "2.00", "triggered"]);
    assert_eq!(row("K1"), ["penalty", "6", "1", "2.00", "triggered"]);
    assert_eq!(row("V1"), ["veto", "0", "null", "null", "clear"]);
    assert_eq!(keys(&u["deficiencies"][0]), ["indicator", "lost", "reason"]);
    assert_eq!(
        crate::fixtures::deficiencies(u),
        [
            "A1 10.00 shortfall",
            "A2 2.00 shortfall",
            "A3 10.00 missing",
            "K1 2.00 penalty"
        ]
    );

    let v = unit(&doc, "U02");
    assert_eq!(
        ["rank", "category_rank", "score", "grade"].map(|k| text(&v[k])),
        ["2", "1", "90.00", "差"]
    );
    assert_eq!(v["veto"], serde_json::json!(["V1"]));
    assert_eq!(indicator(v, "V1")["status"], "triggered");
}

/// Amounts are JSON numbers with exactly two places; framework constants
/// are written as in the framework.
#[test]
fn numbers_are_exact_decimals() {
    let (_, raw) = fixture();
    for line in [
        "\"score\": 90.00,",
        "\"score\": 75.56,",
        "\"bonus\": 2.00,",
        "\"amount\": 0.00,",
        "\"lost\": 10.00,",
        "\"total\": 100,",
        "\"points\": 15,",
        "\"min\": 90",
    ] {
        assert!(raw.contains(line), "{line} in\n{raw}");
    }
    assert!(!raw.contains("\"score\": \""), "scores are numbers, not strings");
    let doc: Value = serde_json::from_str(&raw).unwrap();
    let mut checked = 0;
    for u in doc["units"].as_array().unwrap() {
        let mut amounts: Vec<&Value> = ["score", "base", "bonus", "penalty"].iter().map(|k| &u[*k]).collect();
        amounts.extend(u["groups"].as_array().unwrap().iter().map(|g| &g["amount"]));
        amounts.extend(u["indicators"].as_array().unwrap().iter().map(|i| &i["amount"]));
        amounts.extend(u["deficiencies"].as_array().unwrap().iter().map(|d| &d["lost"]));
        for a in amounts.into_iter().filter(|a| !a.is_null()) {
            assert!(a.is_number(), "{a}");
            let t = a.to_string();
            let (int, frac) = t.split_once('.').unwrap_or_else(|| panic!("{t} has no decimals"));
            assert!(int.bytes().all(|b| b.is_ascii_digit()) && frac.len() == 2, "{t}");
            checked += 1;
        }
    }
    assert!(checked > 40, "{checked}");
}

/// Without a period or units file those fields are null.
#[test]
fn optional_fields_are_null() {
    let wd = Workdir::mini();
    wd.create("e.csv", &mini_evidence(&[mini_row("U01", &[])]));
    let doc = wd.json(&["-f", "$WD/mini.toml", "$WD/e.csv"]);
    assert_eq!(doc["period"], Value::Null);
    let u = unit(&doc, "U01");
    assert_eq!(
        [&u["name"], &u["category"], &u["category_rank"]],
        [&Value::from(""), &Value::Null, &Value::Null]
    );
    assert_eq!(doc["inputs"].as_array().unwrap().len(), 1);
}

/// An evidence file in GBK or UTF-16 is named in `inputs` by the SHA-256
/// of its bytes as given, not of the text it was read as.
#[test]
fn a_file_transcoded_is_named_by_the_digest_of_its_bytes() {
    let (wd, _) = fixture();
    let text = std::fs::read_to_string(wd.path("e.csv")).unwrap();
    let gbk = encoding_rs::GBK.encode(&text).0.into_owned();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    for (name, bytes) in [("e-gbk.csv", gbk), ("e-utf16.csv", utf16)] {
        wd.create_bytes(name, &bytes);
        let out = wd.stdout(&[
            "score",
            "--format",
            "json",
            "-f",
            "$WD/mini.toml",
            &format!("$WD/{name}"),
        ]);
        let doc: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["inputs"][0]["sha256"], sha256(&bytes), "{name}");
        assert_ne!(doc["inputs"][0]["sha256"], sha256(text.as_bytes()), "{name}");
    }
}
