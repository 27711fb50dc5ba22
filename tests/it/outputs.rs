//! What kaohe writes: whole or not at all, never over an input, never a
//! formula or an escape sequence from user text, quiet on a closed pipe,
//! and byte-identical from run to run.

use crate::util::Workdir;
use std::path::Path;

const FW: &str = "tests/fixtures/every-rule.toml";

/// Names in the scratch directory, sorted.
fn listing(wd: &Workdir) -> Vec<String> {
    let dir = wd.path("x");
    let mut names: Vec<String> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn good(wd: &Workdir) {
    wd.create("e.csv", "unit,indicator,value\nT01,A1,yes\nT02,A2,1\n");
}

#[test]
fn failing_run_leaves_an_existing_output_untouched() {
    let wd = Workdir::new();
    wd.create("e.csv", "unit,indicator,value\nT01,A1,maybe\n");
    wd.create("out.csv", "previous report\n");
    let out = wd.run(&["score", "-f", FW, "-o", "$WD/out.csv", "$WD/e.csv"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(wd.path("out.csv")).unwrap(),
        "previous report\n"
    );
    assert_eq!(listing(&wd), ["e.csv", "out.csv"]);
}

#[test]
fn failing_run_creates_no_output() {
    let wd = Workdir::new();
    wd.create("e.csv", "unit,indicator,value\n");
    let out = wd.run(&["score", "-f", FW, "-o", "$WD/out.json", "$WD/e.csv"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(listing(&wd), ["e.csv"]);
}

#[test]
fn successful_run_leaves_only_the_output() {
    let wd = Workdir::new();
    good(&wd);
    wd.create("out.csv", "previous report\n");
    let out = wd.run(&["score", "-f", FW, "-o", "$WD/out.csv", "$WD/e.csv"]);
    out.assert_ok();
    assert_eq!(out.stdout, "");
    assert_eq!(listing(&wd), ["e.csv", "out.csv"]);
    let written = std::fs::read(wd.path("out.csv")).unwrap();
    assert!(written.starts_with(b"\xEF\xBB\xBFRank,") || written.starts_with("\u{feff}排名,".as_bytes()));
}

#[test]
fn unwritable_output_is_one_line_and_exit_1() {
    let wd = Workdir::new();
    good(&wd);
    let out = wd.run(&["score", "-f", FW, "-o", "$WD/no/such/dir/out.csv", "$WD/e.csv"]);
    let dir = "$WD";
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        format!("error: {dir}/no/such/dir/out.csv: cannot write: No such file or directory (os error 2)\n")
    );
    assert_eq!(listing(&wd), ["e.csv"]);
}

#[test]
fn refuses_to_write_over_an_input() {
    let wd = Workdir::new();
    good(&wd);
    let before = std::fs::read(wd.path("e.csv")).unwrap();
    let dir = "$WD";
    for (output, named) in [("$WD/e.csv", "e.csv"), ("$WD/./e.csv", "e.csv")] {
        let out = wd.run(&["score", "-f", FW, "-o", output, "$WD/e.csv"]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert_eq!(
            out.stderr,
            format!("error: refusing to write the output over the input file {dir}/{named}\n")
        );
    }
    // Nor over the framework or the units file.
    wd.create("u.csv", "unit\nT01\nT02\n");
    let out = wd.run(&["score", "-f", FW, "-u", "$WD/u.csv", "-o", "$WD/u.csv", "$WD/e.csv"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fw_copy = wd.create("fw.csv", &std::fs::read_to_string(root.join(FW)).unwrap());
    let out = wd.run(&[
        "score",
        "-f",
        "$WD/fw.csv",
        "--format",
        "csv",
        "-o",
        "$WD/fw.csv",
        "$WD/e.csv",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(std::fs::read(wd.path("e.csv")).unwrap(), before);
    assert!(fw_copy.exists());
    assert_eq!(listing(&wd), ["e.csv", "fw.csv", "u.csv"]);
}

#[test]
fn user_text_never_becomes_a_spreadsheet_formula() {
    let wd = Workdir::new();
    wd.create(
        "u.csv",
        "unit,name,category\nT01,\"=HYPERLINK(\"\"http://example.invalid\"\",\"\"点我\"\")\",+乡镇\nT02,@SUM(A1),-部门\n",
    );
    wd.create(
        "e.csv",
        "unit,indicator,value,note,source\nT01,A1,yes,@SUM(A1),=1+1\nT01,A2,1,-2+3,+cmd\nT02,A2,3,,\n",
    );
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
    assert_eq!(
        out.stdout,
        "Rank,Unit,Name,Category,Cat. rank,Score,Grade,Veto,Base,Bonus,Penalty,A 甲,B 乙\r\n\
         1,T01,\"'=HYPERLINK(\"\"http://example.invalid\"\",\"\"点我\"\")\",'+乡镇,1,7.50,差,,7.50,0.00,0.00,7.50,0.00\r\n\
         2,T02,'@SUM(A1),'-部门,1,0.50,差,,0.50,0.00,0.00,0.50,0.00\r\n"
    );
    let out = wd.run(&[
        "explain",
        "T01",
        "--lang",
        "en",
        "-f",
        FW,
        "-u",
        "$WD/u.csv",
        "-o",
        "$WD/t01.csv",
        "$WD/e.csv",
    ]);
    out.assert_ok();
    let text = std::fs::read_to_string(wd.path("t01.csv")).unwrap();
    let a1 = text.lines().find(|l| l.starts_with("A,A1,")).unwrap();
    let a2 = text.lines().find(|l| l.starts_with("A,A2,")).unwrap();
    assert!(a1.contains(",4.00,0.00,met,'@SUM(A1),'=1+1,"), "{a1}");
    assert!(a2.contains(",3.50,1.50,partial,'-2+3,'+cmd,"), "{a2}");
}

#[test]
fn terminal_escapes_in_user_text_are_shown_not_obeyed() {
    let wd = Workdir::new();
    wd.create("e.csv", "unit,name,A1\nT01,\"\u{1b}[2J\u{1b}]0;title\u{7}镇\",yes\n");
    let out = wd.run(&["score", "--lang", "en", "-f", FW, "$WD/e.csv"]);
    out.assert_ok();
    assert!(!out.stdout.contains('\u{1b}'), "{}", out.stdout);
    assert!(
        out.stdout.contains("| \\u{1b}[2J\\u{1b}]0;title\\u{7}镇 |"),
        "{}",
        out.stdout
    );
}

#[test]
fn closed_pipe_exits_quietly() {
    // Enough units that the report overflows the pipe's buffer after head
    // has gone: the write then fails with a broken pipe.
    let wd = Workdir::new();
    let mut text = String::from("unit,indicator,value,note\n");
    for i in 0..3000 {
        text.push_str(&format!("U{i:04},A1,yes,第{i}号佐证材料，内容较长以便超过管道缓冲区\n"));
    }
    wd.create("e.csv", &text);
    let dir = wd.path("x").parent().unwrap().display().to_string();
    let script = format!(
        "set -o pipefail; '{}' score --format json -f {FW} '{dir}/e.csv' | head -c 10 >/dev/null",
        env!("CARGO_BIN_EXE_kaohe")
    );
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn identical_runs_give_identical_bytes_in_every_format() {
    let wd = Workdir::new();
    wd.create(
        "u.csv",
        "unit,name,category\nT01,城关镇,乡镇\nT02,河西,乡镇\nD01,教育局,部门\n",
    );
    wd.create(
        "e.csv",
        "unit,indicator,value\nT01,A1,yes\nT01,B5,30/10/2/1\nT02,A2,1\nD01,A4,不适用\nD01,V1,是\n",
    );
    for format in ["table", "csv", "json", "md"] {
        let args = [
            "score",
            "--format",
            format,
            "-f",
            FW,
            "-u",
            "$WD/u.csv",
            "--period",
            "2023Q4",
            "$WD/e.csv",
        ];
        let first = wd.run(&args);
        first.assert_ok();
        let second = wd.run(&args);
        assert_eq!(first.stdout, second.stdout, "{format}");
        let explain = [
            "explain",
            "D01",
            "--format",
            format,
            "-f",
            FW,
            "-u",
            "$WD/u.csv",
            "$WD/e.csv",
        ];
        assert_eq!(wd.run(&explain).stdout, wd.run(&explain).stdout, "{format}");
    }
    for name in ["a.json", "b.json"] {
        let out = format!("$WD/{name}");
        wd.run(&["score", "-f", FW, "-u", "$WD/u.csv", "-o", &out, "$WD/e.csv"])
            .assert_ok();
    }
    assert_eq!(
        std::fs::read(wd.path("a.json")).unwrap(),
        std::fs::read(wd.path("b.json")).unwrap()
    );
}

/// A written report is readable by others (as the umask allows), not
/// owner-only like the temporary file it is renamed from.
#[cfg(unix)]
#[test]
fn written_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let wd = Workdir::new();
    good(&wd);
    let dir = wd.path("x").parent().unwrap().display().to_string();
    let script = format!(
        "umask 022; '{}' score -f {FW} -o '{dir}/out.csv' '{dir}/e.csv'",
        env!("CARGO_BIN_EXE_kaohe")
    );
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(status.success());
    let mode = std::fs::metadata(wd.path("out.csv")).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o644);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_is_written_through() {
    let wd = Workdir::new();
    good(&wd);
    wd.create("reports/real.csv", "previous report\n");
    std::os::unix::fs::symlink(wd.path("reports/real.csv"), wd.path("link.csv")).unwrap();
    wd.run(&["score", "-f", FW, "-o", "$WD/link.csv", "$WD/e.csv"])
        .assert_ok();
    assert!(
        std::fs::symlink_metadata(wd.path("link.csv"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let text = std::fs::read_to_string(wd.path("reports/real.csv")).unwrap();
    assert!(text.starts_with("\u{feff}"), "{text}");
    assert_eq!(listing(&wd), ["e.csv", "link.csv", "reports"]);
}

#[cfg(unix)]
#[test]
fn a_device_is_written_to_not_replaced() {
    let wd = Workdir::new();
    good(&wd);
    wd.run(&["score", "--format", "csv", "-f", FW, "-o", "/dev/null", "$WD/e.csv"])
        .assert_ok();
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());
}

#[test]
fn a_directory_is_not_an_output() {
    let wd = Workdir::new();
    good(&wd);
    std::fs::create_dir(wd.path("out.csv")).unwrap();
    let out = wd.run(&["score", "-f", FW, "-o", "$WD/out.csv", "$WD/e.csv"]);
    let dir = "$WD";
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        format!("error: {dir}/out.csv: cannot write: it is a directory\n")
    );
    assert_eq!(listing(&wd), ["e.csv", "out.csv"]);
}

#[test]
fn escapes_in_notes_are_shown_in_every_line_of_a_report() {
    let wd = Workdir::new();
    wd.create(
        "e.csv",
        "unit,indicator,value,note\nT01,V1,是,\"\u{1b}[2J\rhidden\"\nT01,A1,yes,\n",
    );
    for format in ["table", "md"] {
        let out = wd.run(&[
            "explain",
            "T01",
            "--lang",
            "en",
            "--format",
            format,
            "-f",
            FW,
            "$WD/e.csv",
        ]);
        out.assert_ok();
        assert!(!out.stdout.contains(['\u{1b}', '\r']), "{format}: {:?}", out.stdout);
        // Markdown also escapes the bracket, which could open a link.
        let bracket = if format == "md" { "\\[" } else { "[" };
        assert!(
            out.stdout.contains(&format!(
                "veto: V1 否决 (是; \\u{{1b}}{bracket}2J\\rhidden) → grade set to 差"
            )),
            "{format}: {}",
            out.stdout
        );
    }
}

/// A pipe is read once and its bytes kept for the run: given under two
/// names (`/dev/stdin`, `/dev/fd/0`) it is the same file given twice, and
/// UTF-8 in it is seen under `--encoding gbk`, as in a file.
#[cfg(unix)]
#[test]
fn a_pipe_is_known_by_its_bytes_and_under_any_name() {
    let wd = Workdir::new();
    wd.create("e.csv", "unit,indicator,value,note\nT01,A1,是,材料\n");
    let kaohe = env!("CARGO_BIN_EXE_kaohe");
    let run = |script: &str| {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(
                script
                    .replace("$K", &format!("'{kaohe}' "))
                    .replace("$E", &wd.path("e.csv").display().to_string()),
            )
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (code, stderr) = run(&format!("cat $E | $K score --lang en -f {FW} /dev/stdin /dev/fd/0"));
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        "error: /dev/fd/0: the same file is given twice (first as /dev/stdin)\n"
    );
    let (code, stderr) = run(&format!("$K score --lang en --encoding gbk -f {FW} <(cat $E)"));
    assert_eq!(code, Some(1));
    assert!(
        stderr.starts_with("error: /dev/fd/")
            && stderr.contains(": the file is UTF-8, but --encoding gbk reads every CSV file as gbk"),
        "{stderr}"
    );
}

/// A saved result or a `unit,score` table through a pipe: `diff`,
/// `trend` and `deficiencies` know a result by its first byte, as they
/// know one saved under another name; `combine` no longer takes a look that empties the pipe.
/// Each gives what the same files by name give.
#[cfg(unix)]
#[test]
fn results_and_tables_are_read_through_a_pipe() {
    let wd = Workdir::new();
    wd.run(&[
        "score",
        "-u",
        "examples/units.csv",
        "--period",
        "2023",
        "-o",
        "$WD/a.json",
        "examples/2023.csv",
    ])
    .assert_ok();
    std::fs::copy(wd.path("a.json"), wd.path("a.result")).unwrap();
    wd.create("p.csv", "unit,score\nT01,90\nT02,80\n");
    wd.create(
        "y.toml",
        "[composite]\nid = \"y\"\ntitle = \"年度\"\n\n[[component]]\nid = \"P\"\nname = \"平时\"\nweight = 1\n\n\
         [[grade]]\nname = \"好\"\nmin = 0\n",
    );
    let kaohe = env!("CARGO_BIN_EXE_kaohe");
    let run = |args: &str| {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "'{kaohe}' {}",
                args.replace("$WD", &wd.path("").display().to_string())
            ))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(0), "{args}: {stderr}");
        out.stdout
    };
    for (piped, named) in [
        (
            "diff --format csv <(cat $WD/a.json) <(cat $WD/a.json)",
            "diff --format csv $WD/a.json $WD/a.json",
        ),
        (
            "trend <(cat $WD/a.json) <(cat $WD/a.json)",
            "trend $WD/a.json $WD/a.json",
        ),
        (
            "combine --format csv -c $WD/y.toml P=<(cat $WD/p.csv)",
            "combine --format csv -c $WD/y.toml P=$WD/p.csv",
        ),
    ] {
        let named = run(named);
        assert!(!named.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&run(piped)),
            String::from_utf8_lossy(&named),
            "{piped}"
        );
    }
    // deficiencies takes a combined result: one period's, through a
    // pipe, is known as a result and refused as such, as by name.
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{kaohe}' deficiencies --lang en <(cat '{}')",
            wd.path("a.json").display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is one period's saved result: deficiencies lists from the evidence"),
        "{stderr}"
    );
    // A result saved under another name is a result.
    assert_eq!(
        run("diff --format csv $WD/a.result $WD/a.json"),
        run("diff --format csv $WD/a.json $WD/a.json")
    );
}

/// Evidence given as a pipe (`<(iconv …)`, a process substitution) is read
/// once, whole: nothing looks at its head first (whether it is a saved
/// result, a workbook, UTF-8 under `--encoding gbk`), which would take
/// those bytes from the reader. Each command gives what the same bytes in
/// a file give; the GBK copy with `--encoding gbk` too.
#[cfg(unix)]
#[test]
fn evidence_from_a_pipe_is_read_whole() {
    let wd = Workdir::new();
    let mut text = String::from("unit,indicator,value,note\n");
    for i in 0..2000 {
        text.push_str(&format!(
            "U{i:04},A1,{},第{i}号佐证材料\n",
            if i % 3 == 0 { "否" } else { "是" }
        ));
    }
    let file = wd.create("e.csv", &text);
    let gbk = wd.create_bytes("gbk.csv", &encoding_rs::GBK.encode(&text).0);
    let kaohe = env!("CARGO_BIN_EXE_kaohe");
    let run = |args: &str| {
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(format!("'{kaohe}' {args}"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let (f, g) = (file.display(), gbk.display());
    for command in ["score --format csv", "deficiencies --format csv"] {
        let whole = run(&format!("{command} -f {FW} '{f}'"));
        assert!(whole.len() > 2000 * 6, "{command}: every unit listed");
        assert_eq!(run(&format!("{command} -f {FW} <(cat '{f}')")), whole, "{command}");
        assert_eq!(
            run(&format!("{command} -f {FW} --encoding gbk <(cat '{g}')")),
            whole,
            "{command}, GBK"
        );
    }
}
