//! Invisible characters (zero-width spaces, a byte-order mark in the middle
//! of a file) must never make a second unit or indicator that prints like
//! the first: a row-start U+FEFF is dropped, an id holding one is refused
//! by name.

use crate::fixtures::{MINI, WIDE, mini_evidence, mini_row};
use crate::util::Workdir;

/// Unit ids of a CSV ranking, in order.
fn ranked_units(csv: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().to_string())
        .collect()
}

#[test]
fn a_byte_order_mark_starting_a_row_is_dropped() {
    // Two exports pasted together: the second one's BOM starts line 3.
    let wd = Workdir::mini();
    let text = mini_evidence(&[
        mini_row("U1", &[]),
        format!("\u{feff}{}", mini_row("U2", &[("A1", "否")])),
    ]);
    wd.create("e.csv", &text);
    wd.create("units.csv", "unit,name\nU1,甲\nU2,乙\n");
    for extra in [&[][..], &["-u", "$WD/units.csv"][..]] {
        let mut args = vec!["score", "-f", "$WD/mini.toml", "--format", "csv", "$WD/e.csv"];
        args.extend_from_slice(extra);
        let out = wd.run(&args);
        out.assert_ok();
        // U2 is the real U2 (matched in the units file) and lost A1's
        // 10 points: 100 − 10 = 90.00.
        assert_eq!(ranked_units(&out.stdout), ["U1", "U2"]);
        assert!(out.stdout.lines().nth(2).unwrap().contains(",90.00,"), "{}", out.stdout);
    }
    // Long format, read by the bulk JSON writer as well.
    wd.create(
        "long.csv",
        "unit,indicator,value\nU1,A1,是\n\u{feff}U2,A1,否\nU2,A2,0\n",
    );
    let out = wd.run(&["score", "-f", "$WD/mini.toml", "--format", "json", "$WD/long.csv"]);
    out.assert_ok();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let ids: Vec<&str> = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["U1", "U2"]);
}

#[test]
fn a_zero_width_character_in_a_unit_id_is_refused_by_name() {
    let wd = Workdir::mini();
    for (c, name) in [
        ('\u{200b}', "U+200B (zero width space)"),
        ('\u{200c}', "U+200C (zero width non-joiner)"),
        ('\u{200d}', "U+200D (zero width joiner)"),
        ('\u{2060}', "U+2060 (word joiner)"),
        ('\u{feff}', "U+FEFF (byte order mark)"),
        ('\u{00ad}', "U+00AD (soft hyphen)"),
    ] {
        let text = mini_evidence(&[
            mini_row("U1", &[]),
            mini_row("U2", &[]),
            mini_row(&format!("U2{c}"), &[]),
        ]);
        wd.create("e.csv", &text);
        let out = wd.run(&["score", "-f", "$WD/mini.toml", "$WD/e.csv"]);
        out.assert_input_errors(&[&format!(
            "error: $WD/e.csv:4: column \"unit\": the unit id \"U2\\u{{{:x}}}\" contains the invisible character {name}, which makes it a different id that looks the same; delete the character",
            c as u32
        )]);
    }
    // In Chinese, and in the units file too.
    wd.create("e.csv", &mini_evidence(&[mini_row("U1", &[])]));
    wd.create("units.csv", "单位,名称\nU1,甲\nU1\u{200b},乙\n");
    let out = wd.run_env(
        &["score", "-f", "$WD/mini.toml", "-u", "$WD/units.csv", "$WD/e.csv"],
        &[("LANG", "zh_CN.UTF-8")],
    );
    out.assert_input_errors(&[
        "错误：$WD/units.csv:3: “单位”列：单位编号“U1\\u{200b}”含不可见字符 U+200B（零宽空格），看起来相同的编号会被当作另一个；请删除该字符",
    ]);
    // The evidence's unit column named as the file heads it.
    wd.create("long.csv", "单位编号,指标,值\nU1,A1,是\nU1\u{200b},A2,0\n");
    let out = wd.run(&["score", "--lang", "en", "-f", "$WD/mini.toml", "$WD/long.csv"]);
    out.assert_input_errors(&[
        "error: $WD/long.csv:3: column \"单位编号\": the unit id \"U1\\u{200b}\" contains the invisible character U+200B (zero width space), which makes it a different id that looks the same; delete the character",
    ]);
}

#[test]
fn a_zero_width_character_in_an_indicator_key_is_refused_by_name() {
    let wd = Workdir::mini();
    // Wide header.
    let header = WIDE.replace("A2,", "A2\u{200b},");
    wd.create("e.csv", &format!("{header}\n{}\n", mini_row("U1", &[]).as_str()));
    let out = wd.run(&["score", "-f", "$WD/mini.toml", "$WD/e.csv"]);
    out.assert_input_errors(&[
        "error: $WD/e.csv:1: column 3: the indicator id \"A2\\u{200b}\" contains the invisible character U+200B (zero width space), which makes it a different id that looks the same; delete the character",
    ]);
    // Long format: A1 given twice, once with a zero-width joiner.
    wd.create("long.csv", "unit,indicator,value\nU1,A1,是\nU1,A1\u{200d},否\n");
    let out = wd.run(&["score", "-f", "$WD/mini.toml", "$WD/long.csv"]);
    out.assert_input_errors(&[
        "error: $WD/long.csv:3: column \"indicator\": unit U1: the indicator id \"A1\\u{200d}\" contains the invisible character U+200D (zero width joiner), which makes it a different id that looks the same; delete the character",
    ]);
}

#[test]
fn framework_ids_differing_by_an_invisible_character_are_refused() {
    let wd = Workdir::new();
    // A second A1 with a zero-width space: not a second indicator.
    let fw = MINI.replacen("[[indicator]]\nid = \"A2\"", "[[indicator]]\nid = \"A1\u{200b}\"", 1);
    wd.create("f.toml", &fw);
    let out = wd.run(&["check", "-f", "$WD/f.toml"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("indicator id \"A1\\u{200b}\" contains the invisible character U+200B (zero width space)"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains('\u{200b}'), "shown escaped: {}", out.stderr);
    assert_eq!(out.stdout, "");
}

#[test]
fn messages_escape_invisible_characters_in_user_text() {
    let wd = Workdir::mini();
    // An unknown value quoted back: the word joiner and the BOM inside are
    // shown as escapes, never raw.
    wd.create(
        "e.csv",
        &mini_evidence(&[mini_row("U1", &[("A1", "是\u{2060}\u{feff}x")])]),
    );
    let out = wd.run(&["score", "-f", "$WD/mini.toml", "$WD/e.csv"]);
    assert_eq!(out.code, 1);
    assert!(out.stderr.contains("\\u{2060}\\u{feff}x"), "{}", out.stderr);
    assert!(
        !out.stderr.contains('\u{2060}') && !out.stderr.contains('\u{feff}'),
        "{}",
        out.stderr
    );
}

/// Two exports pasted together whole: the second one's header, below the
/// first one's rows, is named as a repeated header, once —
/// not as an unknown unit beside an unknown indicator or a bad value.
#[test]
fn a_header_repeated_below_the_rows_is_named_as_such() {
    let wd = Workdir::mini();
    wd.create("units.csv", "unit,name\nU1,甲\nU2,乙\n");
    wd.create(
        "long.csv",
        "\u{feff}单位,指标,值\nU1,A1,是\n\u{feff}单位,指标,值\nU2,A1,否\n",
    );
    let one = |u: &str| mini_evidence(&[mini_row(u, &[])]);
    wd.create("wide.csv", &format!("{}{}", one("U1"), one("U2")));
    for (file, header) in [("long.csv", "单位"), ("wide.csv", "unit")] {
        for units in [&[][..], &["-u", "$WD/units.csv"][..]] {
            let path = format!("$WD/{file}");
            let mut args = vec!["score", "--lang", "en", "-f", "$WD/mini.toml", "--format", "csv", &path];
            args.extend_from_slice(units);
            let out = wd.run(&args);
            assert_eq!(out.code, 1, "{}", out.stderr);
            let lines: Vec<&str> = out.stderr.lines().collect();
            let want = format!(
                "{file}:3: column \"{header}\": \"{header}\" is a column heading, so this row repeats the header (two files pasted together?); delete the row"
            );
            assert_eq!(lines.len(), 1, "{}", out.stderr);
            assert!(lines[0].ends_with(&want), "{}", out.stderr);
        }
    }
}
