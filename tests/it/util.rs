//! A scratch directory and a way to run the binary in it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary directory; relative paths in `run` resolve against the
/// repository root, files created with `create*` live in the directory.
pub struct Workdir {
    dir: tempfile::TempDir,
    /// Warnings [`Workdir::stdout`] accepts on stderr (a fixture with a
    /// unit deliberately left without evidence).
    warnings: std::cell::RefCell<Vec<String>>,
}

/// What a run printed and returned. The scratch directory's path is
/// written as `$WD` in both streams, so expected messages read the same on
/// every machine.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(self.code, 0, "stderr:\n{}\nstdout:\n{}", self.stderr, self.stdout);
        assert_eq!(self.stderr, "", "nothing on stderr after success");
        self
    }

    /// Exit code 1 and exactly these stderr lines.
    #[track_caller]
    pub fn assert_input_errors(&self, lines: &[&str]) {
        assert_eq!(self.code, 1, "stderr:\n{}\nstdout:\n{}", self.stderr, self.stdout);
        let got: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(got, lines);
        assert_eq!(self.stdout, "", "nothing on stdout after an input error");
    }

    /// Exit code 2, nothing on stdout, and this first stderr line.
    #[track_caller]
    pub fn assert_usage_error(&self, first_line: &str) {
        assert_eq!(self.code, 2, "stderr:\n{}\nstdout:\n{}", self.stderr, self.stdout);
        assert_eq!(self.stderr.lines().next(), Some(first_line), "stderr:\n{}", self.stderr);
        assert_eq!(self.stdout, "", "nothing on stdout after a usage error");
    }
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
            warnings: Default::default(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Create a file from text.
    pub fn create(&self, name: &str, text: &str) -> PathBuf {
        self.create_bytes(name, text.as_bytes())
    }

    /// Create a file from raw bytes (GBK fixtures and the like).
    pub fn create_bytes(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// [`Workdir::run`], keeping stdout as bytes (for binary output).
    pub fn run_raw(&self, args: &[&str]) -> (i32, Vec<u8>) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .args(args)
            .current_dir(root)
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .expect("run kaohe");
        (out.status.code().unwrap_or(-1), out.stdout)
    }

    /// The bytes of a file in the directory.
    pub fn read_bytes(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// A file in the directory as text, its path written as `$WD` (as in
    /// [`Output`]).
    pub fn read(&self, name: &str) -> String {
        let dir = self.dir.path().display().to_string();
        String::from_utf8(self.read_bytes(name))
            .expect("UTF-8")
            .replace(&dir, "$WD")
    }

    /// Names of the files in the directory, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// Run `kaohe` with the repository root as working directory and
    /// `$WD` in arguments replaced by this directory.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    /// [`Workdir::run`] with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = self.dir.path().display().to_string();
        let args: Vec<String> = args.iter().map(|a| a.replace("$WD", &dir)).collect();
        let out = Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .args(&args)
            .current_dir(root)
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .envs(env.iter().copied())
            .output()
            .expect("run kaohe");
        let text = |b: Vec<u8>| String::from_utf8(b).expect("output is UTF-8").replace(&dir, "$WD");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: text(out.stdout),
            stderr: text(out.stderr),
        }
    }

    /// Run, expect success, return stdout.
    #[track_caller]
    pub fn stdout(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let allowed = self.warnings.borrow();
        if allowed.is_empty() {
            out.assert_ok();
        } else {
            assert_eq!(out.code, 0, "stderr:\n{}\nstdout:\n{}", out.stderr, out.stdout);
            for line in out.stderr.lines() {
                assert!(allowed.iter().any(|w| w == line), "unexpected on stderr: {line}");
            }
        }
        out.stdout
    }

    /// Let [`Workdir::stdout`] accept these warnings (each language's).
    pub fn allow_warnings(&self, lines: &[&str]) {
        self.warnings.borrow_mut().extend(lines.iter().map(|l| l.to_string()));
    }

    /// Run `score --format json`, expect success and parse the result.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["score", "--format", "json"];
        all.extend_from_slice(args);
        let text = self.stdout(&all);
        serde_json::from_str(&text).expect("valid JSON")
    }
}

/// A cell to put in a test workbook.
#[derive(Debug, Clone)]
pub enum Xl {
    Text(String),
    Num(f64),
    /// A number shown as a percentage (`0.95` shows as `95%`).
    Percent(f64),
    Blank,
}

/// A text cell.
pub fn t(s: &str) -> Xl {
    Xl::Text(s.to_string())
}

/// A row of text cells.
pub fn texts(cells: &[&str]) -> Vec<Xl> {
    cells
        .iter()
        .map(|c| if c.is_empty() { Xl::Blank } else { t(c) })
        .collect()
}

/// Write a workbook with these sheets (name, rows) — the way Excel or WPS
/// would save what a person typed.
pub fn write_xlsx(path: &Path, sheets: &[(&str, Vec<Vec<Xl>>)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let pct = rust_xlsxwriter::Format::new().set_num_format("0%");
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Xl::Text(s) => ws.write_string(r, c, s).map(|_| ()).unwrap(),
                    Xl::Num(n) => ws.write_number(r, c, *n).map(|_| ()).unwrap(),
                    Xl::Percent(n) => ws.write_number_with_format(r, c, *n, &pct).map(|_| ()).unwrap(),
                    Xl::Blank => {}
                }
            }
        }
    }
    book.save(path).unwrap();
}

/// Write a minimal OpenDocument spreadsheet with one sheet of text, float
/// and percentage cells (LibreOffice and WPS save this shape).
pub fn write_ods(path: &Path, sheet: &str, rows: &[Vec<Xl>]) {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
    let mut body = String::new();
    for row in rows {
        body.push_str("<table:table-row>");
        for cell in row {
            match cell {
                Xl::Text(s) => body.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                    esc(s)
                )),
                Xl::Num(n) => body.push_str(&format!(
                    "<table:table-cell office:value-type=\"float\" office:value=\"{n}\"><text:p>{n}</text:p></table:table-cell>"
                )),
                Xl::Percent(n) => body.push_str(&format!(
                    "<table:table-cell office:value-type=\"percentage\" office:value=\"{n}\"><text:p>{}%</text:p></table:table-cell>",
                    n * 100.0
                )),
                Xl::Blank => body.push_str("<table:table-cell/>"),
            }
        }
        body.push_str("</table:table-row>");
    }
    write_ods_xml(path, sheet, &body);
}

/// An ODS file whose one sheet holds this XML (`table:table-row`s).
pub fn write_ods_xml(path: &Path, sheet: &str, body: &str) {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;");
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="{}">{body}</table:table></office:spreadsheet></office:body></office:document-content>"#,
        esc(sheet)
    );
    write_ods_content(path, &content);
}

/// An ODS file whose `content.xml` is `content`, as it is.
pub fn write_ods_content(path: &Path, content: &str) {
    use std::io::Write;
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap();
}

/// A workbook read back: each sheet's name and cells.
pub struct Book {
    pub path: PathBuf,
    pub sheets: Vec<(String, calamine::Range<calamine::Data>)>,
}

impl Book {
    pub fn open(path: &Path) -> Book {
        use calamine::Reader;
        let mut wb = calamine::open_workbook_auto(path).expect("a readable workbook");
        let names = wb.sheet_names();
        let sheets = names
            .into_iter()
            .map(|n| {
                let r = wb.worksheet_range(&n).unwrap();
                (n, r)
            })
            .collect();
        Book {
            path: path.to_path_buf(),
            sheets,
        }
    }

    pub fn names(&self) -> Vec<&str> {
        self.sheets.iter().map(|(n, _)| n.as_str()).collect()
    }

    pub fn sheet(&self, name: &str) -> &calamine::Range<calamine::Data> {
        &self.sheets.iter().find(|(n, _)| n == name).expect("sheet").1
    }

    /// The raw XML of a part (`xl/worksheets/sheet1.xml`).
    pub fn xml(&self, part: &str) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&self.path).unwrap()).unwrap();
        let mut s = String::new();
        zip.by_name(part).unwrap().read_to_string(&mut s).unwrap();
        s
    }
}

/// Does a workbook cell hold what a CSV cell shows? Text must be a string
/// cell with that text; a number must be a number cell (`92.50` with two
/// decimals, `3` whole).
pub fn same_cell(c: &calamine::Data, text: &str) -> bool {
    match c {
        calamine::Data::Empty => text.is_empty(),
        calamine::Data::String(s) => s == text && text.parse::<f64>().is_err(),
        calamine::Data::Float(f) if text.contains('.') => format!("{f:.2}") == text,
        calamine::Data::Float(f) => f.fract() == 0.0 && format!("{f:.0}") == text,
        _ => false,
    }
}

impl Workdir {
    /// Run another program (a shell that sets limits, then runs kaohe)
    /// with `$WD` in its arguments replaced, as [`Workdir::run`] does.
    pub fn run_env_cmd(&self, program: &str, args: &[&str]) -> Output {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = self.dir.path().display().to_string();
        let args: Vec<String> = args.iter().map(|a| a.replace("$WD", &dir)).collect();
        let out = Command::new(program)
            .args(&args)
            .current_dir(root)
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .expect("run");
        let text = |b: Vec<u8>| String::from_utf8(b).expect("output is UTF-8").replace(&dir, "$WD");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: text(out.stdout),
            stderr: text(out.stderr),
        }
    }
}

/// `evidence` scored by the engine in process as the commands score it,
/// every unit in full (the assessment the workbooks, letters and lists are
/// made from), else the problems it tells. It never gives up without a word on input it is
/// given here: that would be a fault.
#[track_caller]
pub fn assess(
    fw: &kaohe::model::framework::Framework,
    units: Option<&kaohe::reading::units::Units>,
    evidence: &[PathBuf],
    period: Option<&str>,
) -> Result<kaohe::engine::score::Assessment, Vec<String>> {
    let (scored, told) = as_the_commands(evidence, None, |files| {
        kaohe::engine::bulk::assess_full(fw, units, files, period.map(String::from))
    });
    match scored {
        Some(a) => Ok(a),
        None => {
            assert!(
                !told.problems.is_empty(),
                "the engine gave up without a word: {evidence:?}"
            );
            Err(told.problems.iter().map(ToString::to_string).collect())
        }
    }
}

/// `run` on the engine over `evidence` (cut up as `tuning` says) as the
/// commands run it (`bulk::read_and_run`).
pub fn as_the_commands<T>(
    evidence: &[PathBuf],
    tuning: Option<kaohe::engine::bulk::Tuning>,
    mut run: impl FnMut(kaohe::engine::bulk::Files) -> Option<T>,
) -> (Option<T>, kaohe::engine::bulk::Told) {
    let opts = kaohe::reading::input::ReadOptions::default();
    kaohe::engine::bulk::read_and_run(evidence, &[], &opts, |files| {
        run(tuning.map_or(files, |t| files.tuned(t)))
    })
}

/// The file at `path` as the engine is given it to read as text (a
/// workbook's worksheet, `sheet`'s or the first with a header), if it is
/// one; `None` for a CSV file, or a file that cannot be read.
pub fn as_text(path: &std::path::Path, sheet: Option<&str>) -> Option<kaohe::reading::workbook::Book> {
    let opts = kaohe::reading::input::ReadOptions {
        sheet: sheet.map(String::from),
        ..Default::default()
    };
    kaohe::reading::read::text_of(path, &opts).ok().flatten()
}
