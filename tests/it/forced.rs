//! An encoding forced with `--encoding` (for every CSV input, or
//! `FILE=ENC` for one) is read by the engine, which ranks the units as it
//! ranks the same text saved as UTF-8; bytes not valid in the encoding
//! forced are left to the detailed reader, which locates them.
//!
//! That the engine really reads them is shown from the library: the
//! options are parsed as `kaohe` parses them, and the engine's own entry
//! points (`InputArgs::bulk_inputs`, then `bulk::assess`,
//! `bulk::write_json`, `bulk::write_deficiencies`, which `score` and
//! `deficiencies` call in that order) must answer (`Some`) and give the
//! bytes the command printed. Were a forced encoding not taken, either by
//! the command or by the reader, the `expect`s below fail.

use crate::scale::synth;
use crate::util::Workdir;
use clap::Parser;
use kaohe::base::lang::Lang;
use kaohe::engine::bulk;
use kaohe::engine::rectify::{Order, Selection};
use kaohe::reading::input::ForcedEncoding;
use kaohe::render::Format;
use std::path::PathBuf;

/// The options `score` and `deficiencies` read their inputs with.
#[derive(Parser)]
struct Cli {
    #[command(flatten)]
    input: kaohe::cmd::InputArgs,
}

/// `text` in `encoding`, every character of it encoded.
fn encode(text: &str, encoding: &'static encoding_rs::Encoding) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{text:?} is not all {}", encoding.name());
    bytes.into_owned()
}

/// `text` with every character that Big5 or Shift_JIS cannot hold (the
/// generator writes simplified Chinese) replaced by 字, which both hold;
/// the words for "not applicable" spelt N/A.
fn big5_and_sjis(text: &str) -> String {
    let text = text.replace("不适用", "N/A").replace("不涉及", "n/a");
    let holds = |c: char, e: &'static encoding_rs::Encoding| {
        let s = c.to_string();
        let (b, _, bad) = e.encode(&s);
        !bad && e.decode_without_bom_handling(&b).0 == s
    };
    text.chars()
        .map(|c| {
            if holds(c, encoding_rs::BIG5) && holds(c, encoding_rs::SHIFT_JIS) {
                c
            } else {
                '字'
            }
        })
        .collect()
}

/// The generated data's texts (UTF-8, no byte-order mark): framework,
/// units, evidence.
fn data() -> (String, String, String) {
    let data = synth::generate(synth::Shape::Mixed, 80, 3);
    let text = |b: &[u8]| {
        String::from_utf8(b.to_vec())
            .unwrap()
            .trim_start_matches('\u{feff}')
            .to_string()
    };
    (
        data.framework.clone(),
        text(data.units.as_ref().unwrap().as_bytes()),
        text(&data.evidence),
    )
}

/// The three outputs, as printed. `args` go between the command and its
/// format.
fn printed(wd: &Workdir, args: &[&str], evidence: &[&str]) -> [String; 3] {
    let commands: [&[&str]; 3] = [
        &["score", "--format", "csv"],
        &["score", "--format", "json"],
        &["deficiencies", "--format", "csv"],
    ];
    commands.map(|c| {
        let all: Vec<&str> = c.iter().chain(args).chain(evidence).copied().collect();
        let out = wd.run_env(&all, &[("KAOHE_LANG", "zh")]);
        out.assert_ok();
        assert!(out.stdout.lines().count() > 80, "{all:?}: a unit or more per line");
        out.stdout
    })
}

/// The bulk path's outputs from the library, for the options `args` (with
/// `$WD` for `wd`), each `expect`ed to be given on the bulk path; the
/// encodings it found forced for each evidence file.
fn on_the_bulk_path(wd: &Workdir, args: &[&str], evidence: &[&str]) -> ([String; 3], Vec<Option<ForcedEncoding>>) {
    let dir = wd.path("");
    let dir = dir.to_str().unwrap().trim_end_matches('/');
    let args: Vec<String> = args.iter().map(|a| a.replace("$WD", dir)).collect();
    let cli = Cli::try_parse_from(std::iter::once("kaohe".to_string()).chain(args)).unwrap();
    let evidence: Vec<PathBuf> = evidence.iter().map(|e| e.replace("$WD", dir).into()).collect();
    let (fw, units, forced) = cli
        .input
        .bulk_inputs(&evidence)
        .unwrap()
        .expect("the bulk path is tried");
    let files = bulk::Files::new(&evidence, &forced);
    let period = cli.input.period_text();
    let a = bulk::assess(&fw, units.as_ref(), files, period.clone()).expect("scored on the bulk path");
    let mut csv = Vec::new();
    kaohe::render::report::write_ranking_csv(&mut csv, &fw, &a, Lang::Zh).unwrap();
    let mut json = Vec::new();
    bulk::write_json(&fw, units.as_ref(), files, period, &mut json)
        .expect("the JSON result on the bulk path")
        .unwrap();
    let selection = Selection::default();
    let list = bulk::ListArgs {
        period: cli.input.period,
        selection: &selection,
        order: Order::Rank,
        format: Format::Csv,
        lang: Lang::Zh,
    };
    let mut deficiencies = Vec::new();
    bulk::write_deficiencies(&fw, units.as_ref(), files, &list, &mut deficiencies)
        .expect("the list on the bulk path")
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap().replace(dir, "$WD");
    ([text(csv), text(json), text(deficiencies)], forced.clone())
}

#[test]
fn forced_encodings_are_read_on_the_bulk_path() {
    let (framework, units, evidence) = data();
    // A character GBK does not have, four bytes in GB18030.
    assert!(evidence.contains("另附说明"));
    let beyond_gbk = evidence.replace("另附说明", "另附说明𠀀");
    let (fw_cjk, units_cjk, evidence_cjk) = (
        big5_and_sjis(&framework),
        big5_and_sjis(&units),
        big5_and_sjis(&evidence),
    );
    assert_ne!(evidence_cjk, evidence, "characters replaced");
    let bom = |s: &str| [b"\xEF\xBB\xBF".as_slice(), s.as_bytes()].concat();
    let gbk = encoding_rs::GBK;
    // --encoding, framework, units, evidence, the encoding forced.
    type Case<'a> = (&'a str, &'a str, Vec<u8>, Vec<u8>, ForcedEncoding);
    let cases: [Case; 6] = [
        (
            "gbk",
            &framework,
            encode(&units, gbk),
            encode(&evidence, gbk),
            ForcedEncoding::Gbk,
        ),
        (
            "gb18030",
            &framework,
            encode(&units, gbk),
            encode(&beyond_gbk, encoding_rs::GB18030),
            ForcedEncoding::Gb18030,
        ),
        (
            "utf-8",
            &framework,
            units.clone().into_bytes(),
            evidence.clone().into_bytes(),
            ForcedEncoding::Utf8,
        ),
        ("utf8", &framework, bom(&units), bom(&evidence), ForcedEncoding::Utf8),
        (
            "big5",
            &fw_cjk,
            encode(&units_cjk, encoding_rs::BIG5),
            encode(&evidence_cjk, encoding_rs::BIG5),
            ForcedEncoding::Big5,
        ),
        (
            "shift_jis",
            &fw_cjk,
            encode(&units_cjk, encoding_rs::SHIFT_JIS),
            encode(&evidence_cjk, encoding_rs::SHIFT_JIS),
            ForcedEncoding::ShiftJis,
        ),
    ];
    for (label, fw, units, evidence, forced) in cases {
        let wd = Workdir::new();
        wd.create("fw.toml", fw);
        wd.create_bytes("units.csv", &units);
        wd.create_bytes("e.csv", &evidence);
        if forced != ForcedEncoding::Utf8 {
            assert!(std::str::from_utf8(&evidence).is_err(), "{label}: not UTF-8");
        }
        let args = [
            "-f",
            "$WD/fw.toml",
            "-u",
            "$WD/units.csv",
            "--period",
            "2023",
            "--encoding",
            label,
        ];
        let cli = printed(&wd, &args, &["$WD/e.csv"]);
        let (bulk, found) = on_the_bulk_path(&wd, &args, &["$WD/e.csv"]);
        assert_eq!(found, [Some(forced)], "{label}");
        for (b, c) in bulk.iter().zip(&cli) {
            assert_eq!(b, c, "{label}");
        }
        // The same text as UTF-8, no encoding forced: the same ranking.
        let encoding = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap();
        wd.create("plain-units.csv", &encoding.decode(&units).0);
        wd.create("plain.csv", &encoding.decode(&evidence).0);
        let plain = wd.run_env(
            &[
                "score",
                "--format",
                "csv",
                "-f",
                "$WD/fw.toml",
                "-u",
                "$WD/plain-units.csv",
                "--period",
                "2023",
                "$WD/plain.csv",
            ],
            &[("KAOHE_LANG", "zh")],
        );
        assert_eq!(plain.stdout, cli[0], "{label}");
        // A unit in full, its rows' lines counted in the text decoded.
        let explain = [&["explain", "T1", "--format", "csv"][..], &args, &["$WD/e.csv"]].concat();
        let out = wd.run(&explain);
        out.assert_ok();
        assert!(out.stdout.contains("$WD/e.csv:"), "{label}: lines shown");
    }
}

/// A forced encoding the bytes are not in: the engine gives up before
/// writing anything, and the detailed reader names the line.
#[test]
fn bytes_not_in_the_forced_encoding_are_located() {
    let (framework, units, evidence) = data();
    let gbk = encode(&evidence, encoding_rs::GBK);
    // A byte no GBK character starts with, at the start of line 1000.
    let at = gbk.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(998).unwrap().0 + 1;
    let mut bad = gbk.clone();
    bad.insert(at, 0xFF);
    // The first byte of the first Chinese character, on line 2 (after the
    // header of ASCII names).
    let first = gbk.iter().position(|b| *b >= 0x80).unwrap();
    assert_eq!(gbk[..first].iter().filter(|b| **b == b'\n').count(), 1);
    let cases = [
        (
            gbk,
            "utf-8",
            format!(
                "error: $WD/e.csv:2: the file is not UTF-8 (byte 0x{:02X} cannot be read), but --encoding utf-8 was given",
                encode(&evidence, encoding_rs::GBK)[first]
            ),
        ),
        (
            bad,
            "gbk",
            "error: $WD/e.csv:1000: the file is not valid GBK text, but --encoding gbk was given".to_string(),
        ),
    ];
    for (bytes, label, want) in cases {
        let wd = Workdir::new();
        wd.create("fw.toml", &framework);
        wd.create("units.csv", &units);
        wd.create_bytes("e.csv", &bytes);
        let forced = format!("$WD/e.csv={label}");
        for command in [
            &["score", "--format", "csv"][..],
            &["score", "-o", "$WD/out.json"],
            &["deficiencies", "-o", "$WD/out.csv"],
        ] {
            let mut args = command.to_vec();
            args.extend([
                "-f",
                "$WD/fw.toml",
                "-u",
                "$WD/units.csv",
                "--encoding",
                &forced,
                "$WD/e.csv",
            ]);
            wd.run_env(&args, &[("KAOHE_LANG", "en")]).assert_input_errors(&[&want]);
            assert!(
                !wd.path("out.json").exists() && !wd.path("out.csv").exists(),
                "nothing written"
            );
        }
        // The bulk path gave up, in blocks of any size.
        let dir = wd.path("");
        let e = [dir.join("e.csv")];
        let fw = kaohe::model::framework::Framework::load(Some(&dir.join("fw.toml")), None).unwrap();
        let forced = [Some(if label == "gbk" {
            ForcedEncoding::Gbk
        } else {
            ForcedEncoding::Utf8
        })];
        for block in [1 << 20, 4096] {
            let tuning = bulk::Tuning {
                block,
                workers: 2,
                batch: None,
            };
            let files = bulk::Files::new(&e, &forced);
            assert!(bulk::assess(&fw, None, files.tuned(tuning), None).is_none(), "{label}");
            let mut out = Vec::new();
            assert!(bulk::write_json(&fw, None, files.tuned(tuning), None, &mut out).is_none() && out.is_empty());
        }
    }
}

/// `FILE=ENC` for each of two files in different encodings, or for one
/// beside a file whose encoding is detected.
#[test]
fn each_file_in_its_own_encoding() {
    let (framework, units, evidence) = data();
    let (framework, units, evidence) = (
        big5_and_sjis(&framework),
        big5_and_sjis(&units),
        big5_and_sjis(&evidence),
    );
    // Cut between records: before a line that starts a row (a unit id),
    // not one inside a quoted note.
    let lines: Vec<&str> = evidence.split_inclusive('\n').collect();
    let cut = (lines.len() / 2..lines.len())
        .find(|&i| lines[i].starts_with(['T', 'D', 'E']) && lines[i - 1].ends_with("\n"))
        .unwrap();
    let header = lines[0];
    let (a, b) = (lines[..cut].concat(), header.to_string() + &lines[cut..].concat());
    let wd = Workdir::new();
    wd.create("fw.toml", &framework);
    wd.create("units.csv", &units);
    wd.create_bytes("a.csv", &encode(&a, encoding_rs::GBK));
    wd.create_bytes("b.csv", &encode(&b, encoding_rs::SHIFT_JIS));
    let files = ["$WD/a.csv", "$WD/b.csv"];
    let both = [
        "-f",
        "$WD/fw.toml",
        "-u",
        "$WD/units.csv",
        "--period",
        "2023",
        "--encoding",
        "$WD/a.csv=gbk",
        "--encoding",
        "$WD/b.csv=shift_jis",
    ];
    let cli = printed(&wd, &both, &files);
    let (bulk, found) = on_the_bulk_path(&wd, &both, &files);
    assert_eq!(found, [Some(ForcedEncoding::Gbk), Some(ForcedEncoding::ShiftJis)]);
    assert_eq!(bulk, cli);
    // a.csv's GBK told from its bytes; the same outputs.
    let one = &both[..6];
    let one = [one, &["--encoding", "$WD/b.csv=shift_jis"]].concat();
    assert_eq!(printed(&wd, &one, &files), cli);
    let (bulk, found) = on_the_bulk_path(&wd, &one, &files);
    assert_eq!(found, [None, Some(ForcedEncoding::ShiftJis)]);
    assert_eq!(bulk, cli);
    // Without it, b.csv is not read as Shift_JIS: the bulk path must have
    // honoured it.
    let none = &both[..6];
    let out = wd.run(&[&["score", "--format", "csv"], none, &files].concat());
    assert_ne!(out.stdout, cli[0]);
    // A FILE=ENC that names no input is a mistake.
    let stray = [&both[..6], &["--encoding", "$WD/c.csv=gbk"]].concat();
    let out = wd.run(&[&["score", "--format", "csv"], &stray[..], &files].concat());
    out.assert_usage_error("error: --encoding $WD/c.csv=gbk: $WD/c.csv is not one of the input files");
}
