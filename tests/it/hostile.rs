//! Hostile input (issue 19): what an attacker, a broken disk or a careless
//! export throws at kaohe gets exit 0, 1 or 2 and a located message —
//! never a panic, an abort or a half-truth.

use crate::util::Workdir;
use std::path::Path;
use std::process::{Command, Stdio};

/// Run kaohe with stderr going to `stderr`; the exit code.
fn code_with_stderr(args: &[&str], stderr: Stdio) -> i32 {
    Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .stdout(Stdio::null())
        .stderr(stderr)
        .status()
        .expect("run kaohe")
        .code()
        .unwrap_or(-1)
}

#[test]
fn an_unwritable_stderr_keeps_the_exit_code() {
    let wd = Workdir::new();
    let missing = wd.path("missing.csv");
    let missing = missing.to_str().unwrap();
    // Input error (exit 1) and usage error (exit 2), their message going
    // to a full device: the code still says what happened, no panic (101).
    if Path::new("/dev/full").exists() {
        let full = || Stdio::from(std::fs::File::create("/dev/full").unwrap());
        assert_eq!(code_with_stderr(&["score", missing], full()), 1);
        assert_eq!(code_with_stderr(&["score", "--no-such-flag"], full()), 2);
    }
    // A pipe whose reader has gone (`kaohe … 2>&1 | head -1`): the write
    // fails with EPIPE.
    let closed = || {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        Stdio::from(writer)
    };
    assert_eq!(code_with_stderr(&["score", missing], closed()), 1);
    assert_eq!(code_with_stderr(&["score", "--period", "20x3", missing], closed()), 2);
}

/// A copy of a workbook with some parts rewritten (`part`, new text from
/// old) — the way a crafted or careless writer would leave it.
fn rewrite_xlsx(from: &Path, to: &Path, edits: &[(&str, &dyn Fn(String) -> String)]) {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut zout = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut text = Vec::new();
        f.read_to_end(&mut text).unwrap();
        if let Some((_, edit)) = edits.iter().find(|(p, _)| *p == name) {
            text = edit(String::from_utf8(text).unwrap()).into_bytes();
        }
        zout.start_file(name, opts).unwrap();
        zout.write_all(&text).unwrap();
    }
    zout.finish().unwrap();
}

/// Wide evidence for `MINI` as a workbook: a header row and these units
/// with full evidence (`A3`, column D, is 4 for each).
fn mini_workbook(wd: &Workdir, name: &str, units: &[&str]) -> std::path::PathBuf {
    use crate::fixtures::{FULL, WIDE};
    use crate::util::{t, write_xlsx};
    let mut rows = vec![WIDE.split(',').map(t).collect::<Vec<_>>()];
    for u in units {
        let mut row = vec![t(u)];
        row.extend(
            FULL.iter()
                .map(|c| if c.is_empty() { crate::util::Xl::Blank } else { t(c) }),
        );
        rows.push(row);
    }
    let p = wd.path(name);
    write_xlsx(&p, &[("Sheet1", rows)]);
    p
}

#[test]
fn a_formula_without_a_stored_result_is_not_missing_evidence() {
    let wd = Workdir::mini();
    let plain = mini_workbook(&wd, "plain.xlsx", &["U1", "U2"]);
    // U1's A3 (cell D2) becomes `=2+2` as a program that does not calculate
    // formulas writes it: no <v>. Read as empty, A3 would lose its 10 points.
    let bad = wd.path("formula.xlsx");
    let sheet = |x: String| {
        let d2 = regex_cell(&x, "D2");
        x.replace(&d2, r#"<c r="D2"><f>2+2</f></c>"#)
    };
    rewrite_xlsx(&plain, &bad, &[("xl/worksheets/sheet1.xml", &sheet)]);
    let out = wd.run(&["score", "--lang", "en", "-f", "$WD/mini.toml", "$WD/formula.xlsx"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr
            .starts_with("error: $WD/formula.xlsx!Sheet1!D2: the formula in this cell has no stored result"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    // With its result stored (as Excel saves it) the formula reads as 4.
    let calculated = wd.path("calculated.xlsx");
    let sheet = |x: String| {
        let d2 = regex_cell(&x, "D2");
        x.replace(&d2, r#"<c r="D2"><f>2+2</f><v>4</v></c>"#)
    };
    rewrite_xlsx(&plain, &calculated, &[("xl/worksheets/sheet1.xml", &sheet)]);
    wd.run(&["score", "-f", "$WD/mini.toml", "$WD/calculated.xlsx"])
        .assert_ok();
}

/// The XML of cell `r` (`<c r="D2" …>…</c>`) in a worksheet.
fn regex_cell(xml: &str, r: &str) -> String {
    let start = xml
        .find(&format!("<c r=\"{r}\""))
        .unwrap_or_else(|| panic!("no cell {r}"));
    let rest = &xml[start..];
    let end = match (rest.find("/>"), rest.find("</c>")) {
        (Some(a), Some(b)) if a < rest.find('>').unwrap_or(usize::MAX) + 1 && a < b => a + 2,
        (_, Some(b)) => b + 4,
        (Some(a), None) => a + 2,
        _ => panic!("cell {r} not closed"),
    };
    rest[..end].to_string()
}

#[test]
fn a_shared_string_index_out_of_the_table_is_not_string_zero() {
    let wd = Workdir::mini();
    let plain = mini_workbook(&wd, "plain.xlsx", &["U1", "U2"]);
    for (file, index) in [("minus.xlsx", "-1"), ("past.xlsx", "999999")] {
        // U2's name (A3) refers to shared string `index`; calamine's parser
        // reads what is not a usize as 0, the header "unit".
        let sheet = |x: String| {
            let a3 = regex_cell(&x, "A3");
            x.replace(&a3, &format!(r#"<c r="A3" t="s"><v>{index}</v></c>"#))
        };
        rewrite_xlsx(&plain, &wd.path(file), &[("xl/worksheets/sheet1.xml", &sheet)]);
        let out = wd.run(&["score", "--lang", "en", "-f", "$WD/mini.toml", &format!("$WD/{file}")]);
        assert_eq!(out.code, 1, "{file}: {}", out.stderr);
        assert!(
            out.stderr.starts_with(&format!(
                "error: $WD/{file}!Sheet1!A3: this cell refers to a shared string that does not exist"
            )),
            "{}",
            out.stderr
        );
    }
}

/// Run kaohe under an address-space limit of 4 GiB (the issue's bar: no
/// abort there on any input of at most 64 MiB).
fn run_limited(wd: &Workdir, args: &str) -> crate::util::Output {
    let kaohe = env!("CARGO_BIN_EXE_kaohe");
    wd.run_env_cmd("bash", &["-c", &format!("ulimit -v 4194304 && exec {kaohe} {args}")])
}

#[test]
fn a_declared_shared_string_count_does_not_reserve_memory() {
    let wd = Workdir::mini();
    let plain = mini_workbook(&wd, "plain.xlsx", &["U1"]);
    // 4,000,000,000 strings declared, a handful held: calamine would
    // reserve 4e9 × 24 bytes = 96 GB for them and abort.
    let strings = |x: String| {
        let at = x.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
        let end = at + x[at..].find('"').unwrap();
        format!("{}4000000000{}", &x[..at], &x[end..])
    };
    rewrite_xlsx(&plain, &wd.path("bomb.xlsx"), &[("xl/sharedStrings.xml", &strings)]);
    let out = run_limited(&wd, "score --lang en -f $WD/mini.toml $WD/bomb.xlsx");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        out.stderr,
        "error: $WD/bomb.xlsx!xl/sharedStrings.xml: the workbook's shared-string table has 4000000000 entries, \
         more than the 16777216 that can be read (the file is damaged or crafted): open it in Excel or WPS and \
         save it again, or keep only the evidence table\n"
    );
}

#[test]
fn a_part_that_inflates_too_far_is_refused_before_it_is_read() {
    let wd = Workdir::mini();
    let plain = mini_workbook(&wd, "plain.xlsx", &["U1"]);
    // 2 MiB of whitespace in one run (a 5 GB one made the reader hold it
    // whole and abort): more than any cell's text, refused at its part.
    let sheet = |x: String| x.replacen("<sheetData>", &format!("<sheetData>{}", " ".repeat(2 << 20)), 1);
    rewrite_xlsx(&plain, &wd.path("blank.xlsx"), &[("xl/worksheets/sheet1.xml", &sheet)]);
    let out = run_limited(&wd, "score --lang en -f $WD/mini.toml $WD/blank.xlsx");
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(
        out.stderr.starts_with(
            "error: $WD/blank.xlsx!xl/worksheets/sheet1.xml: this part of the workbook holds a run of more than 1 MiB"
        ),
        "{}",
        out.stderr
    );
    // A part whose size is declared past 1 GiB (the archive's central
    // directory says so) is refused without inflating a byte of it.
    let mut bytes = std::fs::read(wd.path("plain.xlsx")).unwrap();
    let central = memchr_all(&bytes, b"PK\x01\x02");
    let sheet_entry = central
        .into_iter()
        .find(|&at| {
            let len = u16::from_le_bytes([bytes[at + 28], bytes[at + 29]]) as usize;
            &bytes[at + 46..at + 46 + len] == b"xl/worksheets/sheet1.xml"
        })
        .expect("the sheet's central directory entry");
    bytes[sheet_entry + 24..sheet_entry + 28].copy_from_slice(&0xF000_0000u32.to_le_bytes());
    std::fs::write(wd.path("declared.xlsx"), &bytes).unwrap();
    let out = wd.run(&["score", "--lang", "en", "-f", "$WD/mini.toml", "$WD/declared.xlsx"]);
    assert_eq!(
        out.stderr,
        "error: $WD/declared.xlsx!xl/worksheets/sheet1.xml: this part of the workbook inflates to more than \
         1024 MiB, more than can be read (real evidence is far smaller; the file may be a zip bomb): keep only \
         the evidence table and save it again\n"
    );
    assert_eq!(out.code, 1);
}

/// Offsets of every occurrence of `needle`.
fn memchr_all(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    (0..hay.len().saturating_sub(needle.len()))
        .filter(|&i| &hay[i..i + needle.len()] == needle)
        .collect()
}

#[test]
fn an_encrypted_workbook_is_called_encrypted() {
    let wd = Workdir::mini();
    // What Excel saves with a password to open: a compound file holding
    // EncryptionInfo and EncryptedPackage streams (here just the header
    // and the stream name, which is what tells it apart).
    let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    bytes.resize(512, 0);
    bytes.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    bytes.resize(2048, 0);
    wd.create_bytes("locked.xlsx", &bytes);
    let out = wd.run(&["score", "--lang", "en", "-f", "$WD/mini.toml", "$WD/locked.xlsx"]);
    out.assert_input_errors(&[
        "error: $WD/locked.xlsx: the workbook is encrypted (it has a password to open), so it cannot be read: \
         remove the password in Excel or WPS and save a copy",
    ]);
}
