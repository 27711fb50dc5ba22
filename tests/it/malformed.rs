//! Hostile and broken input: every case states its exact outcome.
//!
//! Invalid input exits 1 with one located line per problem and nothing on
//! stdout; valid oddities (CRLF, quoted newlines, blank lines, full-width
//! digits) score exactly like their plain forms. The big cases (a 10 MB
//! cell, a 100,000-column header, a 5,000-deep group chain) assert their
//! outcome only: a hang or a blow-up fails the suite by never finishing.

use crate::util::{Output, Workdir};

/// The framework every evidence case is scored against: every rule type.
const FW: &str = "tests/fixtures/every-rule.toml";

/// The CSV ranking header for [`FW`] in English.
const HEAD: &str = "Rank,Unit,Name,Score,Grade,Veto,Base,Bonus,Penalty,A 甲,B 乙\r\n";

/// The directory as it appears in output (the harness writes it as `$WD`).
fn dir_of(_wd: &Workdir) -> String {
    "$WD".to_string()
}

/// `{e}` in expected lines is the evidence file's path, `{wd}` the directory.
#[track_caller]
fn expect_errors(wd: &Workdir, out: &Output, file: &str, lines: &[&str]) {
    let dir = dir_of(wd);
    let path = format!("{dir}/{file}");
    let want: Vec<String> = lines
        .iter()
        .map(|l| l.replace("{e}", &path).replace("{wd}", &dir))
        .collect();
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
    out.assert_input_errors(&want);
}

fn score(wd: &Workdir, files: &[&str]) -> Output {
    let mut args = vec!["score", "--lang", "en", "--format", "csv", "-f", FW];
    let paths: Vec<String> = files.iter().map(|f| format!("$WD/{f}")).collect();
    args.extend(paths.iter().map(String::as_str));
    wd.run(&args)
}

/// Evidence bytes scored against [`FW`] fail with exactly these lines.
#[track_caller]
fn evidence_fails(bytes: &[u8], lines: &[&str]) {
    let wd = Workdir::new();
    wd.create_bytes("e.csv", bytes);
    let out = score(&wd, &["e.csv"]);
    expect_errors(&wd, &out, "e.csv", lines);
}

/// Evidence bytes scored against [`FW`] give exactly these ranking rows.
#[track_caller]
fn evidence_scores(bytes: &[u8], rows: &str) {
    let wd = Workdir::new();
    wd.create_bytes("e.csv", bytes);
    let out = score(&wd, &["e.csv"]);
    out.assert_ok();
    assert_eq!(out.stderr, "");
    assert_eq!(out.stdout, format!("{HEAD}{rows}"));
}

/// One long-format row for unit T01.
fn row(indicator: &str, value: &str) -> Vec<u8> {
    format!("unit,indicator,value\nT01,{indicator},{value}\n").into_bytes()
}

macro_rules! fails {
    ($($name:ident: $bytes:expr => [$($line:expr),* $(,)?];)*) => {
        $(
            #[test]
            fn $name() {
                evidence_fails(&$bytes, &[$($line),*]);
            }
        )*
    };
}

macro_rules! scores {
    ($($name:ident: $bytes:expr => $rows:expr;)*) => {
        $(
            #[test]
            fn $name() {
                evidence_scores(&$bytes, $rows);
            }
        )*
    };
}

mod evidence_shape {
    use super::*;

    fails! {
        empty_file: *b"" => ["error: {e}: the evidence file is empty (expected a header row)"];
        byte_order_mark_only: *b"\xEF\xBB\xBF" => ["error: {e}: the evidence file is empty (expected a header row)"];
        blank_lines_only: *b"\n\r\n , \n" => ["error: {e}: the evidence file is empty (expected a header row)"];
        header_only_long: *b"unit,indicator,value\n" => ["error: {e}:1: the evidence file has a header but no rows"];
        header_only_wide: *b"unit,A1,A2\r\n\r\n" => ["error: {e}:1: the evidence file has a header but no rows"];
        missing_unit_column: *b"indicator,value\nA1,yes\n" => [
            "error: {e}:1: missing required column unit for long-format evidence",
        ];
        missing_value_column: *b"unit,indicator\nT01,A1\n" => [
            "error: {e}:1: missing required column value for long-format evidence",
        ];
        missing_indicator_column: *b"unit,value\nT01,yes\n" => [
            "error: {e}:1: missing required column indicator (指标) for long-format evidence",
        ];
        duplicated_unit_column: "unit,单位,indicator,value\nT01,T01,A1,是\n".as_bytes() => [
            "error: {e}:1: column \"单位\" appears twice in the header",
        ];
        duplicated_indicator_column: *b"unit,A1,a1\nT01,yes,yes\n" => [
            "error: {e}:1: column \"a1\" appears twice in the header (columns 2 and 3)",
        ];
        semicolon_separated: "unit;indicator;value\nT01;A1;是\n".as_bytes() => [
            "error: {e}:1: missing required column unit (单位); evidence needs either unit,indicator,value (long) or unit and one column per indicator id (wide); the header is: unit;indicator;value (separated by semicolons: save the file as comma-separated CSV)",
        ];
        row_with_too_few_fields: *b"unit,indicator,value\nT01,A1\n" => [
            "error: {e}:2: the row has 2 fields but the header has 3",
        ];
        row_with_too_many_fields: *b"unit,indicator,value\nT01,A1,yes,extra\n" => [
            "error: {e}:2: the row has 4 fields but the header has 3: \"extra\" has no heading above it (a comma inside a value or note, without quotes?)",
        ];
        // A misspelt known column would lose its values: an error (a column
        // of the office's own is ignored with a notice, tests/it/office.rs).
        unknown_column_in_long_form: *b"unit,indicator,value,sorce\nT01,A1,yes,x\n" => [
            "error: {e}:1: unknown column \"sorce\" (did you mean \"source\"?); long-format evidence has unit, indicator, value and optional name, note, source, indicator_name, standard, rater",
        ];
        long_form_column_in_wide_form: *b"unit,A1,note\nT01,yes,x\n" => [
            "error: {e}:1: column \"note\" (note) belongs to long-format evidence, which also needs an indicator column",
        ];
        every_problem_in_one_run: *b"unit,indicator,value\nT01,A1,maybe\n,A2,1\nT01,A9,1\nT01,A1,yes\nT02,A2,-1\n" => [
            "error: {e}:2: column \"value\": unit T01, indicator A1: \"maybe\" is not yes/no (是/否)",
            "error: {e}:3: column \"unit\": the unit id is empty",
            "error: {e}:4: column \"indicator\": unit T01: unknown indicator \"A9\"",
            "error: {e}:5: unit T01, indicator A1: duplicate evidence (first at {e}:2)",
            "error: {e}:6: column \"value\": unit T02, indicator A2: negative count -1",
            "error: 5 problems found; nothing was written",
        ];
    }

    scores! {
        tab_separated: *b"unit\tindicator\tvalue\nT01\tA1\tyes\n" => "1,T01,,4.00,差,,4.00,0.00,0.00,4.00,0.00\r\n";
        trailing_empty_cells: *b"unit,indicator,value\nT01,A1,yes,,\n" => "1,T01,,4.00,差,,4.00,0.00,0.00,4.00,0.00\r\n";
        crlf_line_ends: *b"unit,indicator,value\r\nT01,A1,yes\r\nT01,A2,1\r\n" => "1,T01,,7.50,差,,7.50,0.00,0.00,7.50,0.00\r\n";
        cr_only_line_ends: *b"unit,indicator,value\rT01,A1,yes\rT01,A2,1\r" => "1,T01,,7.50,差,,7.50,0.00,0.00,7.50,0.00\r\n";
        trailing_blank_lines: *b"unit,indicator,value\nT01,A1,yes\n\n\r\n,,\n\n" => "1,T01,,4.00,差,,4.00,0.00,0.00,4.00,0.00\r\n";
        blank_lines_between_rows: *b"unit,indicator,value\n\nT01,A1,yes\n\n\nT01,A2,1\n" => "1,T01,,7.50,差,,7.50,0.00,0.00,7.50,0.00\r\n";
        spaces_around_cells: *b" unit , indicator , value \n T01 , A1 , yes \n" => "1,T01,,4.00,差,,4.00,0.00,0.00,4.00,0.00\r\n";
        quoted_newline_in_a_note: "unit,indicator,value,note\r\nT01,A1,是,\"第一行\r\n第二行\"\r\nT01,A2,1,\r\n".as_bytes() => "1,T01,,7.50,差,,7.50,0.00,0.00,7.50,0.00\r\n";
        quoted_comma_in_a_name: *b"unit,name,A1\nT01,\"Town, East\",yes\n" => "1,T01,\"Town, East\",4.00,差,,4.00,0.00,0.00,4.00,0.00\r\n";
    }

    #[test]
    fn ten_megabyte_note_scores_normally() {
        let mut bytes = b"unit,indicator,value,note\nT01,A1,yes,".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', 10 << 20));
        bytes.extend(b"\nT01,A2,1,\n");
        evidence_scores(&bytes, "1,T01,,7.50,差,,7.50,0.00,0.00,7.50,0.00\r\n");
    }

    #[test]
    fn ten_megabyte_value_is_one_short_line() {
        let n = 10 << 20;
        let mut bytes = b"unit,indicator,value\nT01,A1,".to_vec();
        bytes.extend(std::iter::repeat_n(b'x', n));
        bytes.push(b'\n');
        // The message keeps its first 300 and last 100 characters.
        let prefix = "column \"value\": unit T01, indicator A1: \"";
        let suffix = "\" is not yes/no (是/否)";
        let total = prefix.chars().count() + n + suffix.chars().count();
        let line = format!(
            "error: {{e}}:2: {prefix}{}…[{} characters left out]…{}{suffix}",
            "x".repeat(300 - prefix.chars().count()),
            total - 400,
            "x".repeat(100 - suffix.chars().count()),
        );
        evidence_fails(&bytes, &[&line]);
    }

    #[test]
    fn millions_of_leading_zeros_are_still_a_number() {
        let mut bytes = b"unit,indicator,value\nT01,A2,".to_vec();
        bytes.extend(std::iter::repeat_n(b'0', 5_000_000));
        bytes.extend(b"1\n");
        evidence_scores(&bytes, "1,T01,,3.50,差,,3.50,0.00,0.00,3.50,0.00\r\n");
    }

    #[test]
    fn hundred_thousand_column_header_lists_a_hundred_problems() {
        let n = 100_000;
        let mut text = String::from("unit");
        for i in 0..n {
            text.push_str(&format!(",X{i}"));
        }
        text.push_str("\nT01");
        text.push_str(&",1".repeat(n));
        text.push('\n');
        let mut lines: Vec<String> = (0..100)
            .map(|i| format!("error: {{e}}:1: column {}: unknown indicator \"X{i}\"", i + 2))
            .collect();
        lines.push(format!("error: {{e}}: … and {} more problems in this file", n - 100));
        lines.push(format!("error: {n} problems found; nothing was written"));
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        evidence_fails(text.as_bytes(), &lines);
    }

    #[test]
    fn duplicates_across_files_name_both() {
        let wd = Workdir::new();
        wd.create("a.csv", "unit,indicator,value\nT01,A1,yes\n");
        wd.create("b.csv", "unit,indicator,value\nT02,A1,no\nT01,A1,no\n");
        let out = score(&wd, &["a.csv", "b.csv"]);
        expect_errors(
            &wd,
            &out,
            "b.csv",
            &["error: {e}:3: unit T01, indicator A1: duplicate evidence (first at {wd}/a.csv:2)"],
        );
    }

    #[test]
    fn unit_missing_from_the_units_file() {
        let wd = Workdir::new();
        wd.create("u.csv", "unit,name\nT01,城关镇\n");
        wd.create("e.csv", "unit,indicator,value\nT01,A1,yes\nT10,A1,yes\nT10,A2,1\n");
        let out = wd.run(&["score", "-f", FW, "-u", "$WD/u.csv", "$WD/e.csv"]);
        expect_errors(
            &wd,
            &out,
            "e.csv",
            &[
                "error: {e}:3: column \"unit\": unit \"T10\" is not in the units file {wd}/u.csv (did you mean \"T01\"?) (2 rows)",
            ],
        );
    }

    #[test]
    fn ten_thousand_units_each_in_a_category_of_its_own() {
        let wd = Workdir::new();
        let n = 10_000;
        let mut units = String::from("unit,category\n");
        let mut rows = String::from("unit,A1\n");
        for i in 0..n {
            units.push_str(&format!("U{i:05},C{i}\n"));
            rows.push_str(&format!("U{i:05},{}\n", if i % 2 == 0 { "yes" } else { "no" }));
        }
        wd.create("u.csv", &units);
        wd.create("e.csv", &rows);
        let out = wd.run(&[
            "score",
            "--lang",
            "en",
            "--format",
            "csv",
            "-f",
            FW,
            "-u",
            "$WD/u.csv",
            "$WD/e.csv",
        ]);
        out.assert_ok();
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines.len(), n + 1);
        assert_eq!(lines[1], "1,U00000,,C0,1,4.00,差,,4.00,0.00,0.00,4.00,0.00");
        assert_eq!(
            lines[n],
            format!("5001,U09999,,C9999,1,0.00,差,,0.00,0.00,0.00,0.00,0.00")
        );
    }

    #[test]
    fn ten_thousand_units_missing_from_the_units_file() {
        let wd = Workdir::new();
        let n = 10_000;
        let mut units = String::from("unit\n");
        let mut rows = String::from("unit,A1\n");
        for i in 0..n {
            units.push_str(&format!("U{i}\n"));
            rows.push_str(&format!("X{i},yes\n"));
        }
        wd.create("u.csv", &units);
        wd.create("e.csv", &rows);
        let out = wd.run(&["score", "-f", FW, "-u", "$WD/u.csv", "$WD/e.csv"]);
        let mut want: Vec<String> = (0..100)
            .map(|i| {
                // One edit away is a typo only from three characters on.
                let hint = if i < 10 {
                    String::new()
                } else {
                    format!(" (did you mean \"U{i}\"?)")
                };
                format!(
                    "error: {{e}}:{}: column \"unit\": unit \"X{i}\" is not in the units file {{wd}}/u.csv{hint}",
                    i + 2
                )
            })
            .collect();
        want.push(format!("error: {{e}}: … and {} more problems in this file", n - 100));
        want.push(format!("error: {n} problems found; nothing was written"));
        let want: Vec<&str> = want.iter().map(String::as_str).collect();
        expect_errors(&wd, &out, "e.csv", &want);
    }

    #[test]
    fn splitting_rows_across_files_changes_nothing() {
        let wd = Workdir::new();
        wd.create("all.csv", "unit,indicator,value\nT01,A1,yes\nT01,A2,1\nT02,B3,2.5\n");
        wd.create("a.csv", "unit,indicator,value\nT02,B3,2.5\nT01,A2,1\n");
        wd.create("b.csv", "unit,A1\nT01,yes\n");
        let one = score(&wd, &["all.csv"]);
        one.assert_ok();
        let two = score(&wd, &["a.csv", "b.csv"]);
        two.assert_ok();
        assert_eq!(one.stdout, two.stdout);
    }
}

mod unreadable_paths {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn an_endless_file_is_read_no_further_than_the_limit() {
        let wd = Workdir::new();
        let out = wd.run(&["score", "-f", FW, "/dev/zero"]);
        out.assert_input_errors(&[
            "error: /dev/zero: the file is larger than 512 MiB, the most kaohe reads (evidence may be split into several files)",
        ]);
        let out = wd.run(&["check", "-f", "/dev/zero"]);
        out.assert_input_errors(&[
            "error: /dev/zero: the file is larger than 512 MiB, the most kaohe reads (evidence may be split into several files)",
        ]);
    }

    #[test]
    fn the_same_file_twice() {
        let wd = Workdir::new();
        wd.create("e.csv", "unit,indicator,value\nT01,A1,yes\n");
        let out = score(&wd, &["e.csv", "./e.csv"]);
        expect_errors(
            &wd,
            &out,
            "./e.csv",
            &["error: {e}: the same file is given twice (first as {wd}/e.csv)"],
        );
    }

    #[test]
    fn a_directory_or_a_missing_file() {
        let wd = Workdir::new();
        std::fs::create_dir(wd.path("d.csv")).unwrap();
        let out = score(&wd, &["d.csv", "none.csv"]);
        expect_errors(
            &wd,
            &out,
            "d.csv",
            &[
                "error: {e}: cannot read: Is a directory (os error 21)",
                "error: {wd}/none.csv: cannot read: No such file or directory (os error 2)",
                "error: 2 problems found; nothing was written",
            ],
        );
    }
}

mod evidence_encoding {
    use super::*;

    fails! {
        neither_utf8_nor_gbk: *b"unit,indicator,value\nT01,A1,\xFF\xFF\n" => [
            "error: {e}:2: the file is neither UTF-8 nor GBK/GB18030 (byte 0xFF cannot be read); save it as CSV UTF-8",
        ];
        invalid_utf8_after_a_bom: *b"\xEF\xBB\xBFunit,indicator,value\nT01,A1,\xCA\xC7\n" => [
            "error: {e}:2: invalid UTF-8 after a UTF-8 byte-order mark",
        ];
        nul_bytes: *b"unit,indicator,value\nT01,A1,yes\x00\n" => [
            "error: {e}:2: the file contains NUL bytes; it is not a text CSV file",
        ];
        utf16_without_a_bom: *b"u\x00n\x00i\x00t\x00,\x00A\x001\x00\n\x00" => [
            "error: {e}:1: the file contains NUL bytes; it is not a text CSV file",
        ];
        terminal_escapes_are_shown_escaped: *b"unit,indicator,value\nT01,\x1b[2J\xe2\x80\xaeA1,yes\n" => [
            "error: {e}:2: column \"indicator\": unit T01: the indicator id \"\\u{1b}[2J\\u{202e}A1\" contains the invisible character U+001B (control character), which makes it a different id that looks the same; delete the character",
        ];
        quoted_newline_in_an_id_stays_on_one_line: *b"unit,indicator,value\nT01,\"A\r\n1\",yes\n" => [
            "error: {e}:2: column \"indicator\": unit T01: the indicator id \"A\\r\\n1\" contains the invisible character U+000D (control character), which makes it a different id that looks the same; delete the character",
        ];
    }

    scores! {
        gbk: *b"\xb5\xa5\xce\xbb,\xd6\xb8\xb1\xea,\xd6\xb5\r\nT01,A1,\xca\xc7\r\n" => "1,T01,,4.00,差,,4.00,0.00,0.00,4.00,0.00\r\n";
        utf16_with_a_bom: *b"\xFF\xFEu\x00n\x00i\x00t\x00,\x00A\x001\x00\n\x00T\x000\x001\x00,\x00y\x00e\x00s\x00\n\x00" => "1,T01,,4.00,差,,4.00,0.00,0.00,4.00,0.00\r\n";
        utf8_with_a_bom: *b"\xEF\xBB\xBFunit,A1\nT01,yes\n" => "1,T01,,4.00,差,,4.00,0.00,0.00,4.00,0.00\r\n";
    }
}

mod evidence_numbers {
    use super::*;

    const A5: &str = "column \"value\": unit T01, indicator A5";
    const A2: &str = "column \"value\": unit T01, indicator A2";

    #[track_caller]
    fn a5_fails(value: &str, problem: &str) {
        evidence_fails(&row("A5", value), &[&format!("error: {{e}}:2: {A5}: {problem}")]);
    }

    #[track_caller]
    fn a2_fails(value: &str, problem: &str) {
        evidence_fails(&row("A2", value), &[&format!("error: {{e}}:2: {A2}: {problem}")]);
    }

    #[test]
    fn decimal_comma_quoted() {
        a5_fails("\"1,5\"", "\"1,5\" is not a number");
    }

    #[test]
    fn decimal_comma_unquoted_is_a_ragged_row() {
        evidence_fails(
            &row("A5", "1,5"),
            &[
                "error: {e}:2: the row has 4 fields but the header has 3: \"5\" has no heading above it (a comma inside a value or note, without quotes?)",
            ],
        );
    }

    #[test]
    fn exponent() {
        a5_fails("1e3", "\"1e3\" is not a number");
    }

    #[test]
    fn exponent_beyond_f64() {
        a5_fails("1e309", "\"1e309\" is not a number");
    }

    #[test]
    fn forty_digit_count() {
        a2_fails(
            "1234567890123456789012345678901234567890",
            "\"1234567890123456789012345678901234567890\" is too large",
        );
    }

    #[test]
    fn just_over_the_largest_value() {
        a5_fails("1000000000001", "\"1000000000001\" is too large");
    }

    #[test]
    fn not_a_number() {
        a5_fails("NaN", "\"NaN\" is not a number");
    }

    #[test]
    fn infinity() {
        a5_fails("inf", "\"inf\" is not a number");
        a5_fails("-Infinity", "\"-Infinity\" is not a number");
    }

    #[test]
    fn thousands_separator_and_hex() {
        a5_fails("1 000", "\"1 000\" is not a number");
        a5_fails("0x10", "\"0x10\" is not a number");
    }

    #[test]
    fn percent_sign_alone() {
        a5_fails("%", "\"%\" is not a number");
    }

    #[test]
    fn unicode_minus_sign() {
        a5_fails("−1", "\"−1\" is not a number");
    }

    #[test]
    fn negative_count() {
        a2_fails("-1", "negative count -1");
    }

    #[test]
    fn fractional_count() {
        a2_fails("1.5", "count 1.5 is not a whole number");
    }

    #[test]
    fn negative_rate() {
        a5_fails("-0.5", "negative value -0.5");
    }

    fails! {
        // Above 0 however far out its digit is (it was once cut to 0).
        tiny_fraction_without_percent: row("A5", "0.0000000000001") => [
            "error: {e}:2: column \"value\": unit T01, indicator A5: 0.0000000000001 looks like a percentage written as a fraction (75% is 75, not 0.75): this indicator's target is above 1; if 0.0000000000001 is meant, write \"0.0000000000001%\", or set fractions = true on the indicator in the framework",
        ];
        yes_no_garbage: row("A1", "maybe") => [
            "error: {e}:2: column \"value\": unit T01, indicator A1: \"maybe\" is not yes/no (是/否)",
        ];
        unknown_level: row("B2", "优秀") => [
            "error: {e}:2: column \"value\": unit T01, indicator B2: \"优秀\" is not one of the levels 好, 较好, 一般, 差",
        ];
        direct_amount_above_points: row("B3", "3.5") => [
            "error: {e}:2: column \"value\": unit T01, indicator B3: amount 3.5 is outside 0–3",
        ];
        survey_with_too_few_counts: row("B5", "1/2") => [
            "error: {e}:2: column \"value\": unit T01, indicator B5: \"1/2\" has 2 vote count(s); this survey needs 4 (好/较好/一般/较差)",
        ];
        survey_with_a_negative_count: row("B5", "1/-1/0/0") => [
            "error: {e}:2: column \"value\": unit T01, indicator B5: negative count -1",
        ];
        survey_with_a_blank_count: row("B5", "1//0/0") => [
            "error: {e}:2: column \"value\": unit T01, indicator B5: a number is missing",
        ];
        not_applicable_where_not_exempt: row("A1", "不适用") => [
            "error: {e}:2: column \"value\": unit T01, indicator A1: \"不适用\" is not allowed: A1 is not marked exempt in the framework",
        ];
        veto_garbage: row("V1", "perhaps") => [
            "error: {e}:2: column \"value\": unit T01, indicator V1: \"perhaps\" is not yes/no (是/否) or a count for veto item V1",
        ];
        clause_item_without_its_clause: row("B4", "1") => [
            "error: {e}:2: column \"indicator\": unit T01: B4 is scored clause by clause: give B4/a, B4/b",
        ];
        unknown_clause: row("B4/c", "1") => [
            "error: {e}:2: column \"indicator\": unit T01: B4 has no clause \"c\"; its clauses are a, b",
        ];
    }

    // Full-width digits, point and percent sign (what a Chinese input method
    // types) are accepted as their ASCII forms: README "Evidence files".
    scores! {
        full_width_digits: row("A5", "９０．５％") => "1,T01,,2.72,差,,2.72,0.00,0.00,2.72,0.00\r\n";
        full_width_count: row("A2", "２") => "1,T01,,2.00,差,,2.00,0.00,0.00,2.00,0.00\r\n";
        // A1 (check, 4 points): full-width 1 and 0 as yes and no.
        full_width_yes: row("A1", "１") => "1,T01,,4.00,差,,4.00,0.00,0.00,4.00,0.00\r\n";
        full_width_no: row("A1", "０") => "1,T01,,0.00,差,,0.00,0.00,0.00,0.00,0.00\r\n";
        negative_zero_count: row("A2", "-0") => "1,T01,,5.00,差,,5.00,0.00,0.00,5.00,0.00\r\n";
        negative_zero_rate: row("A5", "-0.0") => "1,T01,,0.00,差,,0.00,0.00,0.00,0.00,0.00\r\n";
        largest_count: row("A2", "1000000000000") => "1,T01,,0.00,差,,0.00,0.00,0.00,0.00,0.00\r\n";
        largest_bonus_count: row("J1", "1000000000000") => "1,T01,,2.00,差,,0.00,2.00,0.00,0.00,0.00\r\n";
        largest_penalty_count: row("K1", "1000000000000") => "1,T01,,0.00,差,,0.00,0.00,4.00,0.00,0.00\r\n";
        largest_survey_counts: row("B5", "1000000000000/1000000000000/1000000000000/1000000000000") => "1,T01,,4.20,差,,4.20,0.00,0.00,0.00,4.20\r\n";
        // 3 × 10^-13 / 100 rounds to 0.00; written with % (a bare value
        // between 0 and 1 on this rate is refused, below).
        tiny_fraction: row("A5", "0.0000000000001%") => "1,T01,,0.00,差,,0.00,0.00,0.00,0.00,0.00\r\n";
        percent_with_spaces: row("A5", " 95 % ") => "1,T01,,2.85,差,,2.85,0.00,0.00,2.85,0.00\r\n";
    }
}

mod framework_files {
    use super::*;

    fn fixture() -> String {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(root.join(FW)).unwrap()
    }

    /// The fixture with `from` replaced by `to` (which must be there).
    fn edit(from: &str, to: &str) -> String {
        let src = fixture();
        assert!(src.contains(from), "{from}");
        src.replacen(from, to, 1)
    }

    #[track_caller]
    fn check_fails(bytes: &[u8], lines: &[&str]) {
        let wd = Workdir::new();
        wd.create_bytes("f.toml", bytes);
        let out = wd.run(&["check", "--lang", "en", "-f", "$WD/f.toml"]);
        expect_errors(&wd, &out, "f.toml", lines);
    }

    macro_rules! framework_fails {
        ($($name:ident: $bytes:expr => [$($line:expr),* $(,)?];)*) => {
            $(
                #[test]
                fn $name() {
                    check_fails(($bytes).as_ref(), &[$($line),*]);
                }
            )*
        };
    }

    framework_fails! {
        empty_file: b"" => [
            "error: {e}: the framework file is empty (expected [framework], [[grade]] and [[indicator]] tables)",
        ];
        byte_order_mark_and_blanks: b"\xEF\xBB\xBF\n \n" => [
            "error: {e}: the framework file is empty (expected [framework], [[grade]] and [[indicator]] tables)",
        ];
        not_utf8: b"[framework]\nid = \"\xB5\xA5\"\n" => [
            "error: {e}:2: framework file is not valid UTF-8 (save it as UTF-8)",
        ];
        toml_syntax: b"[framework\nid = \"x\"\n" => ["error: {e}:1: unclosed table, expected `]`"];
        nul_byte: b"[framework]\x00\n" => [
            "error: {e}:1: unexpected key or value, expected newline, `#`",
        ];
        no_framework_table: b"[[grade]]\nname = \"a\"\nmin = 0\n" => ["error: {e}:1: missing field `framework`"];
        points_as_a_string: edit("points = 4\nrule = { type = \"check\" }", "points = \"4\"\nrule = { type = \"check\" }") => [
            "error: {e}:42: A1: points: expected a number, found string",
        ];
        id_as_a_number: edit("id = \"every-rule\"", "id = 5") => [
            "error: {e}:5: invalid type: integer `5`, expected a string",
        ];
        exempt_as_a_string: edit("exempt = true", "exempt = \"yes\"") => [
            "error: {e}:65: this takes true or false (without quotes), not \"yes\"; write true",
        ];
        rule_as_a_string: edit("rule = { type = \"direct\" }", "rule = \"direct\"") => [
            "error: {e}:93: B3: rule: rule must be a table such as { type = \"check\" }",
        ];
        unknown_rule_type: edit("type = \"direct\"", "type = \"drect\"") => [
            "error: {e}:93: B3: rule: unknown rule type \"drect\" (did you mean \"direct\"?); expected one of check, deduct, count, target, tiers, levels, direct, clauses, survey, rank_points, relative, vs_mean",
        ];
        unknown_key: edit("points = 3\nrule = { type = \"direct\" }", "ponts = 3\nrule = { type = \"direct\" }") => [
            "error: {e}:92: unknown field `ponts` (did you mean `points`?), expected one of `id`, `name`, `group`, `kind`, `points`, `standard`, `rule`, `remedy`, `owner`, `assessor`, `min_rectify`, `exempt`, `method`, `max_grade`, `score`, `range`, `fractions`, `applies_to`, `raters`",
        ];
        zero_target: edit("target = 4, per = 2", "target = 0, per = 2") => [
            "error: {e}:64: A4: rule: target must be > 0, not 0",
        ];
        negative_per: edit("per = 1.5", "per = -1.5") => [
            "error: {e}:50: A2: rule: per must be > 0, not -1.5",
        ];
        nan_points: edit("points = 4\nrule = { type = \"check\" }", "points = nan\nrule = { type = \"check\" }") => [
            "error: {e}:42: A1: points: NaN is not a finite number",
        ];
        infinite_total: edit("total = 40", "total = inf") => [
            "error: {e}:7: total: inf is not a finite number",
        ];
        three_decimal_places: edit("points = 4\nrule = { type = \"check\" }", "points = 4.125\nrule = { type = \"check\" }") => [
            "error: {e}:42: A1: points: 4.125 has more than two decimal places",
        ];
        overflowing_numbers: edit("total = 40", "total = 9223372036854775807") => [
            "error: {e}:7: total: 9223372036854775807 is too large (at most 1000000)",
        ];
        negative_points: edit("points = 4\nrule = { type = \"tiers\"", "points = -4\nrule = { type = \"tiers\"") => [
            "error: {e}:78: B1: points must be > 0",
        ];
        tiny_float: edit("per = 1.5", "per = 1e-300") => [
            "error: {e}:50: A2: rule: per: 1e-300 is too small",
        ];
        huge_float: edit("per = 1.5", "per = 1e300") => [
            "error: {e}:50: A2: rule: per: 1e300 is out of range",
        ];
        no_grades: edit("[[grade]]\nname = \"好\"\nmin = 36\n[[grade]]\nname = \"较好\"\nmin = 32\n[[grade]]\nname = \"一般\"\nmin = 24\n[[grade]]\nname = \"差\"\nmin = 0\n", "") => [
            "error: {e}:4: no [[grade]] given (e.g. 好 ≥ 90 … 差 ≥ 0)",
        ];
        two_group_cycle: edit("id = \"A\"\nname = \"甲\"\n", "id = \"A\"\nname = \"甲\"\nparent = \"A9\"\n") => [
            "error: {e}:27: group \"A\" is its own ancestor (cycle in parent links)",
            "error: {e}:33: group \"A9\" is its own ancestor (cycle in parent links)",
            "error: 2 problems found; nothing was written",
        ];
    }

    fn chain(n: usize, cycle: bool) -> String {
        let mut src = fixture();
        for i in 0..n {
            let parent = match i {
                0 if cycle => format!("G{}", n - 1),
                0 => "B".to_string(),
                _ => format!("G{}", i - 1),
            };
            src.push_str(&format!(
                "\n[[group]]\nid = \"G{i}\"\nname = \"g\"\nparent = \"{parent}\"\n"
            ));
        }
        src
    }

    #[test]
    fn five_thousand_deep_group_chain() {
        check_fails(
            chain(5000, false).as_bytes(),
            &["error: {e}:213: group \"G15\" is nested 17 levels deep; groups may nest at most 16 levels"],
        );
    }

    #[test]
    fn five_thousand_group_cycle() {
        let mut lines: Vec<String> = (0..100)
            .map(|i| {
                format!(
                    "error: {{e}}:{}: group \"G{i}\" is its own ancestor (cycle in parent links)",
                    138 + 5 * i
                )
            })
            .collect();
        lines.push("error: {e}: … and 4900 more problems in this file".to_string());
        lines.push("error: 5000 problems found; nothing was written".to_string());
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        check_fails(chain(5000, true).as_bytes(), &lines);
    }

    #[test]
    fn four_thousand_groups_and_indicators() {
        let n = 4_000;
        let mut src =
            format!("[framework]\nid = \"w\"\ntitle = \"宽\"\ntotal = {n}\n[[grade]]\nname = \"a\"\nmin = 0\n");
        for i in 0..n {
            let parent = if i % 2 == 1 {
                format!("\nparent = \"G{}\"", i - 1)
            } else {
                String::new()
            };
            src.push_str(&format!("[[group]]\nid = \"G{i}\"\nname = \"g\"{parent}\n"));
        }
        for i in 0..n {
            src.push_str(&format!(
                "[[indicator]]\nid = \"A{i}\"\nname = \"a\"\ngroup = \"G{i}\"\npoints = 1\nrule = {{ type = \"check\" }}\n"
            ));
        }
        let wd = Workdir::new();
        wd.create("f.toml", &src);
        wd.create("e.csv", "unit,A0,A1,A2\nT01,yes,yes,no\n");
        let out = wd.run(&["check", "--lang", "en", "-f", "$WD/f.toml"]);
        out.assert_ok();
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(
            lines[..6],
            [
                "宽 [w]",
                "total 4000 · 4000 indicators, base: 4000",
                "",
                "G0 g（2）",
                "  A0 a  1  — yes 1, no 0",
                "  G1 g（1）"
            ]
        );
        let out = wd.run(&[
            "score",
            "--lang",
            "en",
            "--format",
            "csv",
            "-f",
            "$WD/f.toml",
            "$WD/e.csv",
        ]);
        out.assert_ok();
        assert!(
            out.stdout
                .starts_with("Rank,Unit,Name,Score,Grade,Veto,Base,Bonus,Penalty,G0 g,G2 g,"),
            "{}",
            &out.stdout[..200]
        );
        assert!(out.stdout.ends_with(
            &("\r\n1,T01,,2.00,a,,2.00,0.00,0.00,2.00,0.00,".to_string() + &"0.00,".repeat(n / 2 - 3) + "0.00\r\n")
        ));
    }

    #[test]
    fn sixteen_levels_are_fine() {
        let wd = Workdir::new();
        wd.create("f.toml", &chain(15, false));
        wd.run(&["check", "-f", "$WD/f.toml"]).assert_ok();
    }
}

mod units_files {
    use super::*;

    #[track_caller]
    fn units_fail(bytes: &[u8], lines: &[&str]) {
        let wd = Workdir::new();
        wd.create_bytes("u.csv", bytes);
        wd.create("e.csv", "unit,indicator,value\nT01,A1,yes\n");
        let out = wd.run(&["score", "-f", FW, "-u", "$WD/u.csv", "$WD/e.csv"]);
        expect_errors(&wd, &out, "u.csv", lines);
    }

    #[test]
    fn duplicate_units() {
        units_fail(
            "unit,name\nT01,城关镇\nT02,河西\nT01,城关镇\n".as_bytes(),
            &["error: {e}:4: duplicate unit \"T01\" (first at line 2)"],
        );
    }

    #[test]
    fn empty_units_file() {
        units_fail(
            b"",
            &["error: {e}: the units file is empty (expected a header: unit,name,category)"],
        );
    }

    #[test]
    fn units_file_without_a_unit_column() {
        units_fail(
            b"name,category\nx,y\n",
            &["error: {e}:1: missing required column unit (单位); the header is: name,category"],
        );
    }

    #[test]
    fn units_file_with_an_empty_id() {
        units_fail(
            b"unit,name\nT01,a\n  ,b\n",
            &["error: {e}:3: column \"unit\": the unit id is empty"],
        );
    }

    #[test]
    fn units_file_in_neither_encoding() {
        units_fail(
            b"unit,name\nT01,\xFF\n",
            &[
                "error: {e}:2: the file is neither UTF-8 nor GBK/GB18030 (byte 0xFF cannot be read); save it as CSV UTF-8",
            ],
        );
    }
}
