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

/// `MINI` with Word's soft line break (U+000B), ESC and U+FFFE in its
/// title, an indicator's name and a clause's text, and a title Excel would
/// take for a formula.
fn mini_with_invisibles() -> String {
    crate::fixtures::MINI
        .replace(r#"title = "迷你考核""#, r#"title = "=迷你\u000B考核\u001B\uFFFE""#)
        .replace(r#"name = "专题研究""#, r#"name = "专题\u000B研究""#)
        .replace("每缺1次扣1分，最多扣3分", r"每缺1次\u000B扣1分\u001B，最多扣3分")
}

/// Characters XML 1.0 forbids, raw or as a character reference, in any
/// part of a workbook: (part, what).
fn forbidden_xml(path: &Path) -> Vec<(String, String)> {
    use std::io::Read;
    let allowed =
        |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut bad = Vec::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut text = String::new();
        f.read_to_string(&mut text).unwrap();
        for c in text.chars().filter(|c| !allowed(*c)) {
            bad.push((name.clone(), format!("U+{:04X}", c as u32)));
        }
        for (at, _) in text.match_indices("&#") {
            let reference = &text[at + 2..at + text[at..].find(';').unwrap_or(2)];
            let code = match reference.strip_prefix('x') {
                Some(hex) => u32::from_str_radix(hex, 16).ok(),
                None => reference.parse().ok(),
            };
            if !code.and_then(char::from_u32).is_some_and(allowed) {
                bad.push((name.clone(), format!("&#{reference};")));
            }
        }
    }
    bad
}

#[test]
fn a_template_from_a_framework_pasted_from_word_is_well_formed() {
    let wd = Workdir::new();
    wd.create("m.toml", &mini_with_invisibles());
    for (file, layout) in [("long.xlsx", None), ("wide.xlsx", Some("--wide"))] {
        let target = format!("$WD/{file}");
        let mut args = vec!["template", "-f", "$WD/m.toml", "-o", &target];
        args.extend(layout);
        let out = wd.run(&args);
        out.assert_ok();
        assert_eq!(forbidden_xml(&wd.path(file)), Vec::<(String, String)>::new(), "{file}");
        // The soft line break reads as the line break it stands for; ESC
        // and U+FFFE as a visible U+FFFD.
        let book = crate::util::Book::open(&wd.path(file));
        let cover = book.sheet(book.names()[0]);
        assert_eq!(
            cover.get_value((0, 1)),
            Some(&calamine::Data::String("=迷你\n考核\u{FFFD}\u{FFFD}".into()))
        );
        // The evidence sheet's title (`=…`) has the quote prefix that
        // keeps Excel from taking it for a formula, as every text cell has.
        let sheet = book.xml("xl/worksheets/sheet2.xml");
        let a1 = &sheet[sheet.find(r#"<c r="A1""#).expect("title cell")..];
        let style: usize = a1[a1.find(" s=\"").unwrap() + 4..]
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let styles = book.xml("xl/styles.xml");
        let xfs = &styles[styles.find("<cellXfs").unwrap()..];
        let xf = xfs.split("<xf ").nth(style + 1).expect("the title's style");
        assert!(xf.contains(r#"quotePrefix="1""#), "{file}: title style {xf}");
    }
}

/// Names of the hidden temporary files kaohe writes outputs through.
fn temporaries(wd: &Workdir) -> Vec<String> {
    wd.files().into_iter().filter(|f| f.starts_with(".kaohe-")).collect()
}

#[cfg(target_os = "linux")]
#[test]
fn an_interrupted_run_leaves_no_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    let wd = Workdir::mini();
    // Enough units that the JSON takes seconds to write in a debug build;
    // the temporary file appears within ~0.1 s, and the signal follows.
    let rows: Vec<String> = (0..3000)
        .map(|i| crate::fixtures::mini_row(&format!("U{i:05}"), &[]))
        .collect();
    wd.create("ev.csv", &crate::fixtures::mini_evidence(&rows));
    for (sig, name) in [(2, "INT"), (15, "TERM"), (1, "HUP")] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kaohe"));
        cmd.args(["score", "-f", "mini.toml", "ev.csv", "-o", "out.json"])
            .current_dir(wd.path(""))
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // A hang-up ignored by whoever started the tests (`nohup`) would be
        // ignored by kaohe too: the child starts with it at its default.
        // SAFETY: `signal` is async-signal-safe, and nothing else runs
        // between fork and exec.
        unsafe {
            std::os::unix::process::CommandExt::pre_exec(&mut cmd, || {
                libc::signal(libc::SIGHUP, libc::SIG_DFL);
                Ok(())
            });
        }
        let mut child = cmd.spawn().unwrap();
        let started = std::time::Instant::now();
        while temporaries(&wd).is_empty() {
            assert!(
                child.try_wait().unwrap().is_none(),
                "SIG{name}: finished before its temporary file was seen"
            );
            assert!(started.elapsed().as_secs() < 120, "no temporary file");
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        let killed = Command::new("kill")
            .args([format!("-{name}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = child.wait().unwrap();
        // A shell running the tests in the background hands its children
        // SIGINT ignored, and kaohe leaves an ignored signal ignored: then
        // the run finishes, whole.
        if sig == 2 && status.success() {
            assert!(wd.path("out.json").exists());
            std::fs::remove_file(wd.path("out.json")).unwrap();
        } else {
            // The signal still ends the process as it would have.
            assert_eq!(status.signal(), Some(sig), "SIG{name}: {status:?}");
            assert!(!wd.path("out.json").exists(), "no partial output");
        }
        assert_eq!(
            temporaries(&wd),
            Vec::<String>::new(),
            "SIG{name} left its temporary file"
        );
    }
}

#[cfg(unix)]
#[test]
fn replacing_an_output_keeps_its_permissions_and_refuses_a_read_only_one() {
    use std::os::unix::fs::PermissionsExt;
    let wd = Workdir::mini();
    wd.create(
        "ev.csv",
        &crate::fixtures::mini_evidence(&[crate::fixtures::mini_row("U1", &[])]),
    );
    let mode = |name: &str| std::fs::metadata(wd.path(name)).unwrap().permissions().mode() & 0o7777;
    // A private report stays private when it is written again.
    let private = wd.create("private.csv", "old");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    wd.run(&["score", "-f", "$WD/mini.toml", "$WD/ev.csv", "-o", "$WD/private.csv"])
        .assert_ok();
    assert_ne!(wd.read("private.csv"), "old");
    assert_eq!(mode("private.csv"), 0o600);
    // A read-only file is not replaced (which the rename would do even
    // though the file itself cannot be written).
    let locked = wd.create("locked.csv", "old");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = wd.run(&[
        "score",
        "--lang",
        "en",
        "-f",
        "$WD/mini.toml",
        "$WD/ev.csv",
        "-o",
        "$WD/locked.csv",
    ]);
    out.assert_input_errors(&[
        "error: $WD/locked.csv: cannot write: the file is read-only; refusing to replace it: make it writable \
         first, or name another file",
    ]);
    assert_eq!(wd.read("locked.csv"), "old");
    assert_eq!(mode("locked.csv"), 0o444);
    assert_eq!(temporaries(&wd), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn an_output_on_a_link_to_nothing_is_refused() {
    let wd = Workdir::mini();
    wd.create(
        "ev.csv",
        &crate::fixtures::mini_evidence(&[crate::fixtures::mini_row("U1", &[])]),
    );
    std::os::unix::fs::symlink(wd.path("nowhere/x.csv"), wd.path("dangling.csv")).unwrap();
    std::os::unix::fs::symlink(wd.path("loop-b.csv"), wd.path("loop-a.csv")).unwrap();
    std::os::unix::fs::symlink(wd.path("loop-a.csv"), wd.path("loop-b.csv")).unwrap();
    for link in ["dangling.csv", "loop-a.csv"] {
        let out = wd.run(&[
            "score",
            "--lang",
            "en",
            "-f",
            "$WD/mini.toml",
            "$WD/ev.csv",
            "-o",
            &format!("$WD/{link}"),
        ]);
        out.assert_input_errors(&[&format!(
            "error: $WD/{link}: cannot write: it is a symbolic link that leads to nothing (dangling, or a loop of \
             links); refusing to replace the link: remove it or name another file"
        )]);
        let meta = std::fs::symlink_metadata(wd.path(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is still the link");
    }
    // A link to a file is written through: the file changes, the link stays.
    wd.create("real.csv", "old");
    std::os::unix::fs::symlink(wd.path("real.csv"), wd.path("via.csv")).unwrap();
    wd.run(&["score", "-f", "$WD/mini.toml", "$WD/ev.csv", "-o", "$WD/via.csv"])
        .assert_ok();
    assert_ne!(wd.read("real.csv"), "old");
    assert!(
        std::fs::symlink_metadata(wd.path("via.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[test]
fn check_shows_line_breaks_in_framework_texts_escaped() {
    let wd = Workdir::new();
    let fw = crate::fixtures::MINI.replace(r#"name = "专题研究""#, r#"name = "专题\n研究\u001B[31m""#);
    wd.create("m.toml", &fw);
    let out = wd.stdout(&["check", "--lang", "en", "-f", "$WD/m.toml"]);
    assert!(out.contains("  A1 专题\\n研究\\u{1b}[31m  10  — "), "{out}");
    assert!(!out.contains('\u{1b}'));
    // Every line of the tree is an item of it: none starts with the rest
    // of a broken name.
    assert!(!out.lines().any(|l| l.starts_with("研究")), "{out}");
}

#[test]
fn a_period_whose_deadline_overflows_the_calendar_is_an_error() {
    let wd = Workdir::mini();
    wd.create(
        "ev.csv",
        &crate::fixtures::mini_evidence(&[crate::fixtures::mini_row("U1", &[("A1", "否")])]),
    );
    // 9999 ends on 9999-12-31; + 30 days (MINI's rectify_days) is past the
    // last date there is, and the deadline would silently vanish.
    let out = wd.run(&[
        "deficiencies",
        "--lang",
        "en",
        "-f",
        "$WD/mini.toml",
        "--period",
        "9999",
        "$WD/ev.csv",
    ]);
    out.assert_usage_error(
        "error: --period 9999: the rectification deadline (30 days after the period ends) falls after 9999-12-31, \
         the last date that can be held; check the period",
    );
    // 9999Q3 ends on 9999-09-30: + 30 days is 9999-10-30, listed.
    let ok = wd.stdout(&[
        "deficiencies",
        "--lang",
        "en",
        "-f",
        "$WD/mini.toml",
        "--period",
        "9999Q3",
        "$WD/ev.csv",
    ]);
    assert!(ok.contains("9999-10-30"), "{ok}");
}

#[test]
fn messages_do_not_show_library_internals() {
    let wd = Workdir::mini();
    let leaks = [
        "i128",
        "i64",
        "Scale exceeds",
        "Failed to parse",
        "000000000000000000000000000000",
    ];
    let mut seen = Vec::new();
    let mut check = |out: crate::util::Output, what: &str| {
        assert_eq!(out.code, 1, "{what}: {}", out.stderr);
        assert!(!leaks.iter().any(|l| out.stderr.contains(l)), "{what}: {}", out.stderr);
        seen.push(out.stderr);
    };
    // Framework numbers past 128 bits, or a float where a whole number goes.
    let big = crate::fixtures::MINI.replace("bonus_cap = 4", "bonus_cap = 79228162514264337593543950336");
    wd.create("big.toml", &big);
    check(wd.run(&["check", "--lang", "en", "-f", "$WD/big.toml"]), "big");
    let float = crate::fixtures::MINI.replace("rectify_days = 30", "rectify_days = 1e300");
    wd.create("float.toml", &float);
    check(wd.run(&["check", "--lang", "en", "-f", "$WD/float.toml"]), "float");
    // A result whose score has more decimals than a decimal holds.
    wd.create(
        "ev.csv",
        &crate::fixtures::mini_evidence(&[crate::fixtures::mini_row("U1", &[])]),
    );
    let json = wd.stdout(&[
        "score",
        "-f",
        "$WD/mini.toml",
        "--format",
        "json",
        "--period",
        "2023",
        "$WD/ev.csv",
    ]);
    wd.create("a.json", &json);
    let at = json.find("\"score\": ").expect("a score") + "\"score\": ".len();
    let end = at + json[at..].find([',', '\n']).unwrap();
    // Where serde_json stops: the score's line, the column of its last
    // character.
    let line = json[..at].matches('\n').count() + 1;
    let column = |score: &str| at - json[..at].rfind('\n').unwrap() - 1 + score.len();
    for (name, score) in [("tiny.json", "1e-40"), ("huge.json", "1e300")] {
        wd.create(name, &format!("{}{score}{}", &json[..at], &json[end..]));
        check(
            wd.run(&["diff", "--lang", "en", "$WD/a.json", &format!("$WD/{name}")]),
            name,
        );
    }
    // A workbook cell holding 1e300 as a number.
    crate::util::write_xlsx(
        &wd.path("n.xlsx"),
        &[(
            "Sheet1",
            vec![
                crate::util::texts(&["unit", "A3"]),
                vec![crate::util::t("U1"), crate::util::Xl::Num(1e300)],
            ],
        )],
    );
    check(
        wd.run(&["score", "--lang", "en", "-f", "$WD/mini.toml", "$WD/n.xlsx"]),
        "xlsx",
    );
    let decimal = |name: &str, score: &str| {
        format!(
            "error: $WD/{name}:{line}: not a valid kaohe result: a number beyond what can be held exactly (at most \
             28 decimal places and 29 digits) (column {})\n",
            column(score)
        )
    };
    assert_eq!(
        seen,
        [
            "error: $WD/big.toml:5: the number 79228162514264337593543950336 is out of range\n".to_string(),
            "error: $WD/float.toml:7: expected a whole number here, not 1e300\n".to_string(),
            decimal("tiny.json", "1e-40"),
            decimal("huge.json", "1e300"),
            "error: $WD/n.xlsx!Sheet1!B2: column \"A3\": unit U1, indicator A3: \"1e300\" is not a number\n"
                .to_string(),
        ]
    );
}

/// Markdown that would run or fetch something if rendered as markup: a
/// link or image (`](` whose `]` is not escaped), raw HTML.
fn active(out: &str) -> Vec<String> {
    let mut found: Vec<String> = ["![", "<img", "<script"]
        .into_iter()
        .filter(|a| out.contains(a))
        .map(String::from)
        .collect();
    for (at, _) in out.match_indices("](") {
        if !out[..at].ends_with('\\') {
            found.push(out[at.saturating_sub(20)..].chars().take(40).collect());
        }
    }
    found
}

#[test]
fn markdown_outside_tables_is_text_not_markup() {
    let wd = Workdir::new();
    let fw = crate::fixtures::MINI
        .replace(
            r#"title = "迷你考核""#,
            r#"title = "<img src=x onerror=alert(1)> [点此](javascript:alert(1))""#,
        )
        .replace(r#"name = "较好""#, r#"name = "![](http://evil.example/t.png)""#)
        .replace(r#""较好" = 8"#, r#""![](http://evil.example/t.png)" = 8"#);
    wd.create("m.toml", &fw);
    let unit = "[U1](javascript:alert(1))";
    wd.create(
        "ev.csv",
        &crate::fixtures::mini_evidence(&[crate::fixtures::mini_row(&format!("\"{unit}\""), &[("A2", "5")])]),
    );
    wd.create(
        "ev2.csv",
        &crate::fixtures::mini_evidence(&[crate::fixtures::mini_row(&format!("\"{unit}\""), &[("A2", "1")])]),
    );
    let f = ["-f", "$WD/m.toml"];
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--lang", "en", "--period", "2023"]);
        all.extend(f);
        all.push("$WD/ev.csv");
        wd.stdout(&all)
    };
    let outputs = [
        ("score", run(&["score", "--format", "md"])),
        ("explain", run(&["explain", "--format", "md", unit])),
        ("deficiencies", run(&["deficiencies", "--format", "md"])),
        (
            "deficiencies --by owner",
            run(&["deficiencies", "--format", "md", "--by", "owner"]),
        ),
    ];
    for (what, out) in &outputs {
        assert_eq!(active(out), Vec::<String>::new(), "{what}:\n{out}");
        assert!(
            out.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{what}: the title shown\n{out}"
        );
    }
    // The unit's heading in the rectification list, its brackets escaped.
    assert!(
        outputs[2].1.contains("## \\[U1\\](javascript:alert(1))"),
        "{}",
        outputs[2].1
    );
    // diff and trend: titles, grades and periods come from result files.
    for (name, ev) in [("a.json", "$WD/ev.csv"), ("b.json", "$WD/ev2.csv")] {
        let json = wd.stdout(&["score", "-f", "$WD/m.toml", "--format", "json", "--period", "2023", ev]);
        wd.create(name, &json);
    }
    for cmd in ["diff", "trend"] {
        let out = wd.stdout(&[cmd, "--lang", "en", "--format", "md", "$WD/a.json", "$WD/b.json"]);
        assert_eq!(active(&out), Vec::<String>::new(), "{cmd}:\n{out}");
        assert!(out.contains("&lt;img src=x"), "{cmd}: the title shown\n{out}");
    }
}

#[test]
fn markdown_text_escapes_what_would_be_markup() {
    use kaohe::render::markdown_text as md;
    assert_eq!(md("# 标题"), "\\# 标题");
    assert_eq!(md("1. 第一"), "1\\. 第一");
    assert_eq!(md("a*b*_c_ `d`"), "a\\*b\\*\\_c\\_ \\`d\\`");
    assert_eq!(md("[x](javascript:y)"), "\\[x\\](javascript:y)");
    assert_eq!(md("<b>&"), "&lt;b&gt;&amp;");
    assert_eq!(md("一\n# 二"), "一 # 二");
    assert_eq!(md("2023"), "2023");
}

/// The template and result fuzz targets' invariants, replayed on stable
/// Rust over their seeds (the fixture frameworks, with invisibles added,
/// in every mode; the example results): a workbook byte-identical twice,
/// well-formed, read back as evidence; a written result read back, the
/// same twice, ranks 1..=n, compared with itself into inert Markdown.
#[test]
fn the_fuzz_seeds_hold_the_targets_invariants() {
    use kaohe::base::lang::Lang;
    use kaohe::model::framework::Framework;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let every = std::fs::read_to_string(root.join("tests/fixtures/every-rule.toml")).unwrap();
    let frameworks = [
        Framework::embedded().expect("built-in"),
        Framework::parse(&every, "every-rule.toml").expect("every-rule"),
        Framework::parse(&mini_with_invisibles(), "m.toml").expect("invisibles"),
    ];
    let wd = Workdir::new();
    for fw in &frameworks {
        for mode in 0u8..16 {
            let units: kaohe::engine::template::UnitList = if mode & 1 == 1 {
                vec![
                    ("T01".into(), "城关镇".into()),
                    ("D02".into(), "=cmd|' /C calc'!A0\u{b}\u{1b}".into()),
                ]
            } else {
                Vec::new()
            };
            let (wide, period) = (mode & 2 == 2, (mode & 8 == 8).then_some("2023"));
            let lang = if mode & 4 == 4 { Lang::En } else { Lang::Zh };
            let book = kaohe::render::template::xlsx(fw, &units, period, wide, None, lang).expect("a template");
            let again = kaohe::render::template::xlsx(fw, &units, period, wide, None, lang).expect("a template");
            assert!(book == again, "{} mode {mode}: deterministic", fw.id);
            let path = wd.create_bytes("t.xlsx", &book);
            assert_eq!(
                forbidden_xml(&path),
                Vec::<(String, String)>::new(),
                "{} mode {mode}",
                fw.id
            );
            if let Err(d) = kaohe::reading::workbook::read_bytes("t.xlsx", &book, None) {
                panic!("{} mode {mode}: the template does not read back: {d}", fw.id);
            }
        }
    }
    for year in ["2022", "2023"] {
        let json = wd.stdout(&[
            "score",
            "-u",
            "examples/units.csv",
            "--period",
            year,
            "--format",
            "json",
            &format!("examples/{year}.csv"),
        ]);
        let r = kaohe::reading::result::PeriodResult::parse(&json, "r.json").expect("a written result reads back");
        assert_eq!(r, kaohe::reading::result::PeriodResult::parse(&json, "r.json").unwrap());
        let n = r.units.len();
        assert!(r.units.iter().all(|u| u.rank >= 1 && u.rank <= n));
        let c = kaohe::engine::compare::compare(&r, &r);
        for lang in [Lang::Zh, Lang::En] {
            let md = kaohe::render::compare::diff(&c, lang, kaohe::render::Format::Md);
            assert_eq!(active(&md), Vec::<String>::new());
        }
    }
}

/// A wide file of 2,000 items × 5,001 units (10,002,000 values, 20 MB)
/// with one bad cell, in the last row: the engine, which keeps a few
/// bytes a value, finds and locates it (a reader keeping each value's
/// text, note and place took a few hundred bytes a value and had to stop
/// at 10,000,000), under the memory limit of `run_limited`, beside a file
/// that cannot be read; nothing is written.
#[test]
fn one_bad_value_among_ten_million_is_located() {
    let wd = Workdir::new();
    let items = 2_000;
    let mut fw =
        String::from("[framework]\nid = \"w\"\ntitle = \"w\"\ntotal = 2000\n\n[[grade]]\nname = \"好\"\nmin = 0\n\n");
    for i in 0..items {
        fw.push_str(&format!(
            "[[indicator]]\nid = \"I{i}\"\nname = \"i\"\npoints = 1\nrule = {{ type = \"check\" }}\n\n"
        ));
    }
    wd.create("w.toml", &fw);
    let mut csv = String::from("unit");
    for i in 0..items {
        csv.push_str(&format!(",I{i}"));
    }
    csv.push('\n');
    let row = ",1".repeat(items);
    let units = 5_001;
    for u in 0..units {
        csv.push_str(&format!("U{u}{row}\n"));
    }
    // The last unit's first value cannot be read.
    let bad = csv.rfind("\nU").unwrap() + 1 + format!("U{},", units - 1).len();
    csv.replace_range(bad..bad + 1, "x");
    wd.create("wide.csv", &csv);
    // A file after it that cannot be read is named too.
    let out = run_limited(
        &wd,
        "score --lang en -f $WD/w.toml $WD/wide.csv $WD/absent.csv -o $WD/out.csv",
    );
    // Unit 5,000 is on line 5,002 (the header, then units 0 to 5,000).
    assert_eq!(
        out.stderr,
        "error: $WD/wide.csv:5002: column \"I0\": unit U5000, indicator I0: \"x\" is not yes/no (是/否)\n\
         error: $WD/absent.csv: cannot read: No such file or directory (os error 2)\n\
         error: 2 problems found; nothing was written\n"
    );
    assert_eq!(out.code, 1);
    assert!(!wd.path("out.csv").exists(), "nothing written");
}

/// A framework of 2,000 check items, and a units file of `units` units,
/// each with one value (its I0) in `e.csv`.
fn many_units(wd: &Workdir, units: usize) {
    let mut fw =
        String::from("[framework]\nid = \"w\"\ntitle = \"w\"\ntotal = 2000\n\n[[grade]]\nname = \"好\"\nmin = 0\n\n");
    for i in 0..2_000 {
        fw.push_str(&format!(
            "[[indicator]]\nid = \"I{i}\"\nname = \"i\"\npoints = 1\nrule = {{ type = \"check\" }}\n\n"
        ));
    }
    wd.create("w.toml", &fw);
    let list: String = (0..units).map(|u| format!("U{u},单位{u}\n")).collect();
    wd.create("units.csv", &format!("unit,name\n{list}"));
    let rows: String = (0..units).map(|u| format!("U{u},1\n")).collect();
    wd.create("e.csv", &format!("unit,I0\n{rows}"));
}

/// Every unit gets a result per item: 5,001 units × 2,000 items are more
/// results than the detailed path holds (10,000,000), refused before
/// scoring, at the units file, however little evidence there is.
#[test]
fn more_results_than_scoring_in_detail_holds_are_refused() {
    let wd = Workdir::new();
    many_units(&wd, 5_001);
    let out = run_limited(
        &wd,
        "deficiencies --lang en -f $WD/w.toml -u $WD/units.csv $WD/e.csv --by owner --format csv -o $WD/out.csv",
    );
    assert_eq!(
        out.stderr,
        "error: $WD/units.csv: 5001 units × 2000 items make 10002000 results, more than scoring in detail holds \
         at once (10000000): run the units in several batches\n"
    );
    assert_eq!(out.code, 1);
    assert!(!wd.path("out.csv").exists());
    // A ranking's web page of as many is refused first as a document too
    // large, with the units file's count, before any evidence is read.
    let out = run_limited(
        &wd,
        "score --lang en -f $WD/w.toml -u $WD/units.csv $WD/e.csv -o $WD/out.html",
    );
    assert_eq!(
        out.stderr,
        "error: $WD/out.html: 5001 units × 2000 items make 10002000 results, more than a workbook, web page or \
         text list holds (2500000); write CSV or JSON instead (--format csv, --format json), or list some units \
         only (deficiencies --category, --unit)\n"
    );
    assert_eq!(out.code, 1);
    assert!(!wd.path("out.html").exists());
}

/// A worksheet holds 1,048,576 rows (Excel and WPS): 525 units × 2,000
/// items are 1,050,000 rows of 明细, and as many items to rectify, which
/// is refused before the workbook is built, in the user's language, where
/// it used to fail once built with the workbook library's English message.
#[test]
fn a_sheet_of_more_rows_than_excel_holds_is_refused_before_it_is_built() {
    let wd = Workdir::new();
    many_units(&wd, 525);
    for (cmd, lang, want) in [
        (
            "score",
            "en",
            "error: a sheet of the workbook would pass the 1048576 rows Excel and WPS hold: write CSV instead \
             (--format csv), or list some units only (--category, --unit) or run them in batches\n",
        ),
        (
            "deficiencies",
            "zh",
            "错误：工作簿的一张表将超过 Excel 和 WPS 每表最多的 1048576 行：请改用 CSV（--format csv），\
             或只列出部分单位（--category、--unit）、分批运行\n",
        ),
    ] {
        let out = run_limited(
            &wd,
            &format!("{cmd} --lang {lang} -f $WD/w.toml -u $WD/units.csv $WD/e.csv -o $WD/out.xlsx"),
        );
        assert_eq!(out.stderr, want, "{cmd}");
        assert_eq!(out.code, 1);
        assert!(!wd.path("out.xlsx").exists());
    }
    // The units file says how many units a ranking has: refused before
    // any evidence is read (the file named here does not exist).
    let out = run_limited(
        &wd,
        "score --lang en -f $WD/w.toml -u $WD/units.csv $WD/absent.csv -o $WD/out.xlsx",
    );
    assert!(
        out.stderr.starts_with("error: a sheet of the workbook would pass"),
        "{}",
        out.stderr
    );
    assert_eq!(out.code, 1);
}

/// A workbook, web page or text list is built whole: 1,251 units × 2,000
/// items (2,502,000 results, over 2,500,000) is refused before it is built;
/// 1,250 units (2,500,000) are written. The JSON list of as many is written.
#[test]
fn a_document_of_too_many_results_is_refused_before_it_is_built() {
    let wd = Workdir::new();
    many_units(&wd, 1_251);
    let out = run_limited(
        &wd,
        "score --lang en -f $WD/w.toml -u $WD/units.csv $WD/e.csv -o $WD/out.xlsx",
    );
    assert_eq!(
        out.stderr,
        "error: $WD/out.xlsx: 1251 units × 2000 items make 2502000 results, more than a workbook, web page or text \
         list holds (2500000); write CSV or JSON instead (--format csv, --format json), or list some units only \
         (deficiencies --category, --unit)\n"
    );
    assert_eq!(out.code, 1);
    assert!(!wd.path("out.xlsx").exists());
    let out = run_limited(
        &wd,
        "deficiencies --lang en -f $WD/w.toml -u $WD/units.csv $WD/e.csv --by owner --format md",
    );
    assert!(
        out.stderr
            .starts_with("error: standard output: 1251 units × 2000 items"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    // The JSON list, like the CSV ledger, is written a piece at a time and
    // not refused, as the message above advises.
    let out = run_limited(
        &wd,
        "deficiencies --lang en -f $WD/w.toml -u $WD/units.csv $WD/e.csv --by owner --reason veto --format json",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["units"].as_array().map(Vec::len), Some(1_251));
    assert_eq!(doc["deficiencies"], serde_json::json!([]));
    // One unit fewer is at the limit, and written.
    let fewer = |name: &str| {
        let lines: String = wd.read(name).lines().take(1_251).map(|l| format!("{l}\n")).collect();
        wd.create(name, &lines);
    };
    fewer("units.csv");
    fewer("e.csv");
    let out = run_limited(
        &wd,
        "score --lang en -f $WD/w.toml -u $WD/units.csv $WD/e.csv -o $WD/out.html",
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(wd.path("out.html").exists());
}
