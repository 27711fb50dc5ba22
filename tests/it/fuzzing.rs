//! The fuzz targets' checks (`fuzz/checks/`), run on stable Rust by a
//! deterministic mutation driver, one ignored test per target
//! (`fuzz_<target>`); CI runs them for a few seconds each under a 4 GiB
//! address-space limit.
//!
//! Not coverage-guided (that is what the libFuzzer binaries in `fuzz/` are
//! for): the driver takes the targets' seeds — the fixture and example
//! frameworks, the example evidence cut into slices, `fuzz/seeds/`, the
//! XLS fixtures, workbooks and results kaohe writes — and mutates them with
//! a fixed-seed ChaCha stream: bit flips, bytes and tokens that have
//! broken parsers before (BOM, zero-width space, quotes, separators, line
//! ends, long digit runs, huge counts), deletions, repeated chunks, lines
//! and chunks spliced in from other seeds, and for zipped workbooks the
//! same mutations applied to one part's XML before it is zipped again.
//! The inputs are the same on every run; how many are tried depends on
//! the time given.
//!
//! - `KAOHE_FUZZ_SECS` — seconds per target (default 20);
//!   `KAOHE_FUZZ_ITERS` — a fixed number of inputs instead.
//! - `KAOHE_FUZZ_SEED` — another stream of inputs (default 0).
//! - A failing input (a panic in the check, or one input taking longer than
//!   `KAOHE_FUZZ_SLOW_SECS`, default 10) is saved as
//!   `target/fuzz-failures/<target>-<hash>`; while an input runs it is
//!   also in `target/fuzz-failures/<target>-running` (a length, then the
//!   bytes), so one that aborts the process (memory exhausted, stack
//!   overflow) is left behind there.
//! - `KAOHE_FUZZ_REPLAY=<file>` runs the check on that one file, without
//!   catching anything; `cargo fuzz run <target> <file>` does the same
//!   under libFuzzer.

#[path = "../../fuzz/checks/mod.rs"]
mod checks;

use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use sha2::Digest as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The longest input tried: mutations that grow past it are cut.
const MAX_LEN: usize = 512 << 10;

/// Bytes and texts that have broken parsers before, inserted or written
/// over the input anywhere.
const TOKENS: &[&str] = &[
    "\u{FEFF}",
    "\u{200B}",
    "\u{200D}",
    "\u{2060}",
    "\u{3000}",
    "\u{00A0}",
    "\u{000B}",
    "\u{001B}",
    "\u{FFFE}",
    "\u{FFFD}",
    "\u{202E}",
    "\0",
    "\"",
    "\"\"",
    "'",
    ",",
    "，",
    ";",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\n\n",
    "%",
    "％",
    "-",
    "－",
    "−",
    "+",
    ".",
    "/",
    "\\",
    "0",
    "-1",
    "-0",
    "00000000000000000000000000000000000000000000000000",
    "99999999999999999999999999999999999999999999999999",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "9223372036854775807",
    "79228162514264337593543950335",
    "1e308",
    "1e-308",
    "1e400",
    "0.0000000000000000000000000001",
    "NaN",
    "inf",
    "１２３",
    "1,000",
    "1/2/3/4",
    "=",
    "=SUM(A1)",
    "=HYPERLINK(\"javascript:x\")",
    "@",
    "[",
    "]",
    "](javascript:x)",
    "![x](http://x/y.png)",
    "<script>",
    "<img src=x>",
    "&",
    "&amp;",
    "&#11;",
    "&#0;",
    "&#x1F;",
    "&#xFFFE;",
    "&#1114112;",
    "]]>",
    "<![CDATA[",
    "#",
    "*",
    "_",
    "`",
    "|",
    "是",
    "否",
    "不适用",
    "较好",
    "差",
    "T01",
    "T02",
    "D01",
    "U1",
    "A1",
    "B4/a",
    "unit",
    "indicator",
    "value",
    "单位",
    "指标",
    "\u{FEFF}unit,indicator,value\n",
];

/// XML a crafted workbook part may hold.
const WORKBOOK_TOKENS: &[&str] = &[
    " uniqueCount=\"4000000000\"",
    " count=\"4294967295\"",
    "<si><t>x</t></si>",
    "<c r=\"XFD1048576\"><v>1</v></c>",
    "<c r=\"A1\" t=\"s\"><v>-1</v></c>",
    "<c r=\"B2\" t=\"s\"><v>99999999</v></c>",
    "<c r=\"C3\" t=\"str\"><f>1+1</f></c>",
    "<c r=\"D4\" t=\"e\"><v>#DIV/0!</v></c>",
    "<c r=\"E5\" t=\"b\"><v>1</v></c>",
    "<c r=\"F6\" t=\"inlineStr\"><is><t>x</t></is></c>",
    "<row r=\"1048576\">",
    "<row r=\"0\">",
    "</row>",
    "<dimension ref=\"A1:XFD1048576\"/>",
    "<mergeCell ref=\"A1:XFD1048576\"/>",
    " table:number-columns-repeated=\"16384\"",
    " table:number-rows-repeated=\"1048576\"",
    " office:value-type=\"percentage\" office:value=\"0.95\"",
    " office:value-type=\"float\" office:value=\"1e308\"",
    "<table:table-cell/>",
    "<table:table-row>",
    "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\">]>",
    "&a;",
    " xml:space=\"preserve\"",
    "<numFmt numFmtId=\"164\" formatCode=\"0%\"/>",
    " s=\"1\"",
    "<sheet name=\"x\" sheetId=\"2\" r:id=\"rId9\"/>",
    " Target=\"../../../etc/passwd\"",
];

#[test]
#[ignore = "minutes; CI runs it for a few seconds (KAOHE_FUZZ_SECS)"]
fn fuzz_framework() {
    let seeds = frameworks().into_iter().map(|(_, f)| f.into_bytes()).collect();
    drive("framework", checks::framework::check, seeds, Shape::Text);
}

#[test]
#[ignore = "minutes; CI runs it for a few seconds (KAOHE_FUZZ_SECS)"]
fn fuzz_template() {
    // A mode byte (layout, language, units, period), then a framework.
    let seeds = frameworks()
        .into_iter()
        .enumerate()
        .flat_map(|(i, (_, f))| [(i * 5) % 16, (i * 5 + 11) % 16].map(|m| [&[m as u8], f.as_bytes()].concat()))
        .collect();
    drive("template", checks::template::check, seeds, Shape::Mode);
}

#[test]
#[ignore = "minutes; CI runs it for a few seconds (KAOHE_FUZZ_SECS)"]
fn fuzz_evidence() {
    let mut seeds = Vec::new();
    // Mode 0: no units file; mode 1: the check's units file.
    for (header, rows) in example_slices() {
        seeds.push([b"\x00", header.as_bytes(), rows.as_bytes()].concat());
        seeds.push([b"\x01", header.as_bytes(), rows.as_bytes()].concat());
    }
    for (_, bytes) in files(&["fuzz/seeds", "tests/fixtures/xls", "examples/quarters"], "csv")
        .into_iter()
        .chain(files(&["examples"], "units.csv"))
    {
        let bytes = &bytes[..bytes.len().min(16 << 10)];
        seeds.push([b"\x00", bytes].concat());
        seeds.push([b"\x01", bytes].concat());
    }
    seeds.push(
        [
            b"\x00",
            crate::fixtures::mini_evidence(&[crate::fixtures::mini_row("T01", &[])]).as_bytes(),
        ]
        .concat(),
    );
    drive("evidence", checks::evidence::check, seeds, Shape::Mode);
}

#[test]
#[ignore = "minutes; CI runs it for a few seconds (KAOHE_FUZZ_SECS)"]
fn fuzz_score() {
    // Mode bit 0: the built-in framework or every-rule; bit 1: long or
    // wide rows (the check adds the header); bit 2: a units file.
    // Every third slice: each input is scored and rendered in every
    // format twice (about 60 ms in the debug build), so 115 seeds would
    // take CI's whole budget before a single mutant.
    let mut seeds: Vec<Vec<u8>> = example_slices()
        .into_iter()
        .step_by(3)
        .flat_map(|(_, rows)| [[b"\x00", rows.as_bytes()].concat(), [b"\x04", rows.as_bytes()].concat()])
        .collect();
    seeds.push(
        "\x01T01,A1,是,\nT01,A2,2,\nT01,A3,3,\nT01,A4,不适用,\nT01,A5,95%,\nT01,B1,85,\nT01,B2,较好,\n\
         T01,B3,2.5,\nT01,B4/a,1,\nT01,B4/b,0,\nT01,B5,30/10/2/1,\nT01,J1,1,\nT01,K1,1,\nT01,V1,否,\n"
            .into(),
    );
    seeds.push(
        "\x03T01,城关镇,是,2,3,不适用,95%,85,较好,2.5,1,0,30/10/2/1,1,是,1,否\n\
         T02,河西,否,0,0,3,100,60,差,0,0,0,0/0/0/1,0,否,0,是\n"
            .into(),
    );
    seeds.push("\x07T01,A1,=HYPERLINK(\"x\"),@SUM(A1)\nD02,A3,是,+1\n".into());
    drive("score", checks::score::check, seeds, Shape::Mode);
}

#[test]
#[ignore = "minutes; CI runs it for a few seconds (KAOHE_FUZZ_SECS)"]
fn fuzz_workbook() {
    use crate::util::{Xl, t, texts, write_ods, write_xlsx};
    let mut seeds: Vec<Vec<u8>> = files(&["tests/fixtures/xls"], "xls")
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    let wd = crate::util::Workdir::new();
    let rows = vec![
        texts(&["unit", "indicator", "value", "note"]),
        texts(&["T01", "A1", "是", "=1+1"]),
        vec![t("T01"), t("A5"), Xl::Percent(0.95), Xl::Blank],
        vec![t("T02"), t("A2"), Xl::Num(2.0), t("河西\u{b}街道")],
    ];
    write_xlsx(
        &wd.path("e.xlsx"),
        &[("Sheet1", rows.clone()), ("说明", vec![texts(&["x"])])],
    );
    write_ods(&wd.path("e.ods"), "Sheet1", &rows);
    seeds.push(wd.read_bytes("e.xlsx"));
    seeds.push(wd.read_bytes("e.ods"));
    let fw = kaohe::model::framework::Framework::embedded().expect("built-in framework");
    let units = vec![("T01".to_string(), "城关镇".to_string())];
    for wide in [false, true] {
        let book = kaohe::render::template::xlsx(&fw, &units, Some("2023"), wide, None, kaohe::base::lang::Lang::Zh);
        seeds.push(book.expect("a template"));
    }
    drive("workbook", checks::workbook::check, seeds, Shape::Workbook);
}

#[test]
#[ignore = "minutes; CI runs it for a few seconds (KAOHE_FUZZ_SECS)"]
fn fuzz_result() {
    // Results as kaohe writes them, for the examples and the small
    // framework (as `diff` and `trend` read them).
    let wd = crate::util::Workdir::mini();
    wd.create(
        "ev.csv",
        &crate::fixtures::mini_evidence(&[
            crate::fixtures::mini_row("T01", &[]),
            crate::fixtures::mini_row("T02", &[("A1", "否"), ("V1", "是")]),
        ]),
    );
    let mut seeds = Vec::new();
    for year in ["2022", "2023"] {
        let ev = format!("examples/{year}.csv");
        let args = [
            "score",
            "-u",
            "examples/units.csv",
            "--period",
            year,
            "--format",
            "json",
            &ev,
        ];
        seeds.push(wd.stdout(&args).into_bytes());
    }
    let args = [
        "score",
        "-f",
        "$WD/mini.toml",
        "--period",
        "2023",
        "--format",
        "json",
        "$WD/ev.csv",
    ];
    seeds.push(wd.stdout(&args).into_bytes());
    drive("result", checks::result::check, seeds, Shape::Text);
}

/// What the inputs look like, for the mutations that know.
#[derive(Clone, Copy, PartialEq)]
enum Shape {
    /// Text (TOML, JSON).
    Text,
    /// A mode byte, then text.
    Mode,
    /// A workbook: a zip archive (XLSX, ODS) or a compound file (XLS).
    Workbook,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The files under these directories (of the repository) whose names end
/// in `suffix`, in name order.
fn files(dirs: &[&str], suffix: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_file() && p.to_string_lossy().ends_with(suffix) {
                found.push(p);
            }
        }
    }
    found.sort();
    found
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).expect("a seed");
            (p, bytes)
        })
        .collect()
}

/// Every framework file the project has, and the tests' small one.
fn frameworks() -> Vec<(PathBuf, String)> {
    let mut all: Vec<(PathBuf, String)> = files(
        &[
            "indicators",
            "tests/fixtures",
            "tests/fixtures/xls",
            "examples/quarters",
        ],
        ".toml",
    )
    .into_iter()
    .map(|(p, b)| (p, String::from_utf8(b).expect("a framework in UTF-8")))
    .collect();
    all.push(("mini.toml".into(), crate::fixtures::MINI.to_string()));
    all
}

/// The example evidence as (header, 30 rows) slices: small inputs run fast.
fn example_slices() -> Vec<(String, String)> {
    let mut slices = Vec::new();
    for (_, bytes) in files(&["examples"], ".csv") {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut lines = text.lines();
        let Some(header) = lines.next() else { continue };
        let rows: Vec<&str> = lines.collect();
        if !header.contains("indicator") && !header.contains("指标") {
            continue;
        }
        for chunk in rows.chunks(30) {
            slices.push((format!("{header}\n"), chunk.iter().map(|r| format!("{r}\n")).collect()));
        }
    }
    slices.dedup();
    slices
}

/// The settings from the environment.
struct Budget {
    time: Duration,
    iterations: Option<u64>,
    seed: u64,
    slow: Duration,
}

fn budget() -> Budget {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let number =
        |name: &str| var(name).map(|v| v.parse::<f64>().unwrap_or_else(|_| panic!("{name}={v}: not a number")));
    Budget {
        time: Duration::from_secs_f64(number("KAOHE_FUZZ_SECS").unwrap_or(20.0)),
        iterations: number("KAOHE_FUZZ_ITERS").map(|n| n as u64),
        seed: number("KAOHE_FUZZ_SEED").map_or(0, |n| n as u64),
        slow: Duration::from_secs_f64(number("KAOHE_FUZZ_SLOW_SECS").unwrap_or(10.0)),
    }
}

fn failures_dir() -> PathBuf {
    root().join("target/fuzz-failures")
}

/// The input being run, kept in a mapped file so that it is on disk even
/// if the check takes the whole process down.
struct Running {
    path: PathBuf,
    map: memmap2::MmapMut,
}

impl Running {
    fn new(target: &str) -> Running {
        std::fs::create_dir_all(failures_dir()).expect("target/fuzz-failures");
        let path = failures_dir().join(format!("{target}-running"));
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .expect("the running-input file");
        file.set_len(8 + MAX_LEN as u64).expect("room for an input");
        // SAFETY: the file is this run's own; nothing else maps or resizes it.
        let map = unsafe { memmap2::MmapMut::map_mut(&file) }.expect("map the running-input file");
        Running { path, map }
    }

    fn set(&mut self, input: &[u8]) {
        self.map[..8].copy_from_slice(&(input.len() as u64).to_le_bytes());
        self.map[8..8 + input.len()].copy_from_slice(input);
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A file given in `KAOHE_FUZZ_REPLAY`, if it is this target's: its input.
fn replay(target: &str) -> Option<Vec<u8>> {
    let path = PathBuf::from(std::env::var_os("KAOHE_FUZZ_REPLAY")?);
    let name = path.file_name()?.to_string_lossy().into_owned();
    if !name.starts_with(&format!("{target}-")) {
        return None;
    }
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if name.ends_with("-running") {
        let len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        return Some(bytes[8..8 + len].to_vec());
    }
    Some(bytes)
}

/// The address-space limit this process runs under, for the log.
fn address_space_limit() -> String {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap_or_default();
    let line = limits.lines().find(|l| l.starts_with("Max address space"));
    match line.and_then(|l| l.split_whitespace().nth(3)) {
        Some("unlimited") | None => "none".into(),
        Some(bytes) => bytes
            .parse::<u64>()
            .map_or(bytes.into(), |b| format!("{} MiB", b >> 20)),
    }
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else {
        "a panic without a message".into()
    }
}

/// Run `check` on the seeds, then on mutants of them, until the budget is
/// spent or an input fails.
fn drive(target: &str, check: fn(&[u8]), seeds: Vec<Vec<u8>>, shape: Shape) {
    if std::env::var_os("KAOHE_FUZZ_REPLAY").is_some() {
        if let Some(input) = replay(target) {
            check(&input);
            println!("fuzz {target}: the replayed input passes");
        }
        return;
    }
    assert!(!seeds.is_empty(), "{target}: no seeds");
    let budget = budget();
    let seed = budget.seed
        ^ target.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    let mut m = Mutator {
        rng: ChaCha8Rng::seed_from_u64(seed),
        seeds,
        recent: Vec::new(),
        dictionary: Vec::new(),
        shape,
    };
    m.dictionary = dictionary(&m.seeds);
    let mut running = Running::new(target);
    let start = Instant::now();
    let (mut done, mut slowest) = (0u64, (Duration::ZERO, 0usize));
    loop {
        let finished = match budget.iterations {
            Some(n) => done >= n,
            None => start.elapsed() >= budget.time,
        };
        if finished {
            break;
        }
        let input = m.next(done);
        running.set(&input);
        let t = Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&input)));
        let took = t.elapsed();
        let failure = match outcome {
            Err(payload) => Some(panic_text(&*payload)),
            Ok(()) if took > budget.slow => Some(format!("it took {:.1} s", took.as_secs_f64())),
            Ok(()) => None,
        };
        if let Some(why) = failure {
            let path = save_failure(target, &input);
            panic!(
                "fuzz {target}: input {done} ({} bytes) failed: {why}\nsaved as {}\nreplay: \
                 KAOHE_FUZZ_REPLAY={} cargo test --test it fuzz_{target} -- --ignored",
                input.len(),
                path.display(),
                path.display()
            );
        }
        if took > slowest.0 {
            slowest = (took, input.len());
        }
        m.remember(input);
        done += 1;
    }
    println!(
        "fuzz {target}: {done} inputs ({} seeds) in {:.1} s, none failed; slowest {:.3} s ({} bytes); \
         address-space limit {}",
        m.seeds.len(),
        start.elapsed().as_secs_f64(),
        slowest.0.as_secs_f64(),
        slowest.1,
        address_space_limit()
    );
}

/// Keep a failing input as `target/fuzz-failures/<target>-<hash>`.
fn save_failure(target: &str, input: &[u8]) -> PathBuf {
    let hash = sha2::Sha256::digest(input);
    let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
    let path = failures_dir().join(format!("{target}-{hex}"));
    std::fs::write(&path, input).expect("save the failing input");
    path
}

/// Lines and words of the seeds, to splice in elsewhere.
fn dictionary(seeds: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let mut words = std::collections::BTreeSet::new();
    for s in seeds {
        let Ok(text) = std::str::from_utf8(s) else { continue };
        for line in text.lines().take(400) {
            if line.len() <= 200 {
                words.insert(format!("{line}\n").into_bytes());
            }
            for w in line.split(|c: char| c.is_whitespace() || matches!(c, ',' | '=' | '"' | '<' | '>')) {
                if !w.is_empty() && w.len() <= 64 {
                    words.insert(w.as_bytes().to_vec());
                }
            }
        }
    }
    words.into_iter().collect()
}

struct Mutator {
    rng: ChaCha8Rng,
    seeds: Vec<Vec<u8>>,
    /// The last inputs tried, mutated further now and then so that
    /// changes pile up.
    recent: Vec<Vec<u8>>,
    dictionary: Vec<Vec<u8>>,
    shape: Shape,
}

impl Mutator {
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.rng.next_u64() % n as u64) as usize
        }
    }

    fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }

    /// Input number `i`: the seeds as they are first, then mutants.
    fn next(&mut self, i: u64) -> Vec<u8> {
        if let Some(s) = self.seeds.get(i as usize) {
            return s[..s.len().min(MAX_LEN)].to_vec();
        }
        let mut input = if !self.recent.is_empty() && self.chance(4) {
            let k = self.below(self.recent.len());
            self.recent[k].clone()
        } else {
            let k = self.below(self.seeds.len());
            self.seeds[k].clone()
        };
        if self.shape == Shape::Workbook
            && input.starts_with(b"PK")
            && !self.chance(4)
            && let Some(rezipped) = self.mutate_zip(&input)
        {
            return rezipped;
        }
        let rounds = 1 + self.below(4);
        for _ in 0..rounds {
            self.mutate(&mut input);
        }
        if self.shape == Shape::Mode && self.chance(16) {
            match input.first_mut() {
                Some(b) => *b = self.rng.next_u32() as u8,
                None => input.push(self.rng.next_u32() as u8),
            }
        }
        input.truncate(MAX_LEN);
        input
    }

    fn remember(&mut self, input: Vec<u8>) {
        if self.recent.len() < 64 {
            self.recent.push(input);
        } else {
            let k = self.below(64);
            self.recent[k] = input;
        }
    }

    /// Something to insert: a token, a piece of the dictionary or of
    /// another seed, or a long run.
    fn piece(&mut self) -> Vec<u8> {
        match self.below(8) {
            0 | 1 => TOKENS[self.below(TOKENS.len())].as_bytes().to_vec(),
            2 if self.shape == Shape::Workbook => {
                WORKBOOK_TOKENS[self.below(WORKBOOK_TOKENS.len())].as_bytes().to_vec()
            }
            2 | 3 if !self.dictionary.is_empty() => {
                let k = self.below(self.dictionary.len());
                self.dictionary[k].clone()
            }
            4 => {
                let k = self.below(self.seeds.len());
                let seed_len = self.seeds[k].len();
                let at = self.below(seed_len);
                let len = 1 + self.below((seed_len - at).min(64));
                self.seeds[k][at.min(seed_len)..(at + len).min(seed_len)].to_vec()
            }
            5 => {
                // A long run of one digit or character.
                let c = [b'0', b'9', b'1', b' ', b'x', b',', b'"', b'\n'][self.below(8)];
                let len = [16, 100, 400, 4096, 70_000][self.below(5)];
                vec![c; len]
            }
            _ => {
                let n = 1 + self.below(4);
                (0..n).map(|_| self.rng.next_u32() as u8).collect()
            }
        }
    }

    fn mutate(&mut self, data: &mut Vec<u8>) {
        let len = data.len();
        match self.below(12) {
            // Flip a bit.
            0 if len > 0 => {
                let at = self.below(len);
                data[at] ^= 1 << self.below(8);
            }
            // Write an interesting byte.
            1 if len > 0 => {
                let at = self.below(len);
                data[at] = [
                    0x00, 0xFF, 0x7F, 0x80, 0xC0, 0xEF, b'"', b',', b'\n', b'\r', b'%', b'-', b'.',
                ][self.below(13)];
            }
            // Delete a range.
            2 if len > 0 => {
                let at = self.below(len);
                let most = if self.chance(4) { 4096 } else { 16 };
                let n = 1 + self.below((len - at).min(most));
                data.drain(at..at + n);
            }
            // Repeat a chunk, a few times or many.
            3 if len > 0 => {
                let at = self.below(len);
                let n = 1 + self.below((len - at).min(256));
                let chunk = data[at..at + n].to_vec();
                let times = if self.chance(8) { 1000 } else { 1 + self.below(8) };
                let mut extra = Vec::with_capacity(n * times);
                for _ in 0..times {
                    extra.extend_from_slice(&chunk);
                }
                data.splice(at..at, extra);
            }
            // Replace a number with another.
            4 => {
                let digits: Vec<usize> = (0..len).filter(|&i| data[i].is_ascii_digit()).collect();
                if digits.is_empty() {
                    return self.insert(data);
                }
                let start = digits[self.below(digits.len())];
                let end = (start..len).find(|&i| !data[i].is_ascii_digit()).unwrap_or(len);
                let numbers = [
                    "0",
                    "-1",
                    "1",
                    "999999999999",
                    "4294967296",
                    "1e308",
                    "0.5",
                    "100",
                    "65536",
                    "1048577",
                ];
                let n = numbers[self.below(numbers.len())].as_bytes().to_vec();
                data.splice(start..end, n);
            }
            // Lines: swap two, or drop one.
            5 => {
                let ends: Vec<usize> = (0..len).filter(|&i| data[i] == b'\n').collect();
                if ends.len() < 2 {
                    return self.insert(data);
                }
                let a = self.below(ends.len() - 1);
                let (from, mid, to) = (if a == 0 { 0 } else { ends[a - 1] + 1 }, ends[a] + 1, ends[a + 1] + 1);
                if self.chance(2) {
                    data.drain(from..mid);
                } else {
                    data[from..to].rotate_left(mid - from);
                }
            }
            // Splice: this input's start, another seed's end.
            6 => {
                let k = self.below(self.seeds.len());
                let other = self.seeds[k].clone();
                let cut = self.below(len + 1);
                let from = self.below(other.len() + 1);
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            // Overwrite with a piece.
            7 if len > 0 => {
                let piece = self.piece();
                let at = self.below(len);
                let end = (at + piece.len()).min(len);
                data.splice(at..end, piece);
            }
            _ => self.insert(data),
        }
    }

    fn insert(&mut self, data: &mut Vec<u8>) {
        let piece = self.piece();
        let at = self.below(data.len() + 1);
        data.splice(at..at, piece);
    }

    /// A zipped workbook with one part changed (its XML mutated, or the
    /// part dropped, doubled or renamed), zipped again.
    fn mutate_zip(&mut self, data: &[u8]) -> Option<Vec<u8>> {
        use std::io::{Read, Write};
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(data)).ok()?;
        let mut parts = Vec::new();
        for i in 0..zip.len() {
            let f = zip.by_index(i).ok()?;
            let name = f.name().map(|n| n.to_string()).unwrap_or_default();
            let mut bytes = Vec::new();
            f.take(MAX_LEN as u64).read_to_end(&mut bytes).ok()?;
            parts.push((name, bytes));
        }
        if parts.is_empty() {
            return None;
        }
        // Mostly the parts that hold cells and strings.
        let mut k = self.below(parts.len());
        if !self.chance(4)
            && let Some(i) = parts
                .iter()
                .position(|(n, _)| n.contains("sheet1") || n.contains("content.xml") || n.contains("sharedStrings"))
        {
            k = i;
        }
        match self.below(16) {
            0 => {
                parts.remove(k);
            }
            1 => {
                let copy = parts[k].clone();
                parts.push(copy);
            }
            2 => {
                let mut name = parts[k].0.clone().into_bytes();
                self.mutate(&mut name);
                parts[k].0 = String::from_utf8_lossy(&name).into_owned();
            }
            _ => {
                let rounds = 1 + self.below(4);
                let mut bytes = std::mem::take(&mut parts[k].1);
                for _ in 0..rounds {
                    self.mutate(&mut bytes);
                }
                bytes.truncate(MAX_LEN);
                parts[k].1 = bytes;
            }
        }
        let method = if self.chance(2) {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        let opts = zip::write::SimpleFileOptions::default().compression_method(method);
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in parts {
            // A name used twice is refused by the writer: keep the first.
            if out.start_file(name, opts).is_ok() {
                out.write_all(&bytes).ok()?;
            }
        }
        Some(out.finish().ok()?.into_inner()).filter(|z| z.len() <= MAX_LEN)
    }
}
