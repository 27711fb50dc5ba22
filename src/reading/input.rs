//! Reading tabular input files: bytes → text → rows.
//!
//! Evidence and units come as CSV saved by Excel/WPS, often GBK on Chinese
//! Windows. This module decides the encoding (a byte-order mark for UTF-8
//! and UTF-16, else UTF-8 or GBK/GB18030 from evidence in the bytes, see
//! [`detect`]; or the one given with `--encoding`, per file or for all),
//! the delimiter (comma, or tab for "Unicode text" exports), and yields rows
//! with their 1-based line numbers. It never guesses silently: bytes that
//! are neither UTF-8 nor GB18030, or cannot be told apart, are an error
//! naming the line.
//!
//! Spreadsheets (XLSX/XLS/ODS, told by their bytes, not their name) are read
//! by [`crate::reading::workbook`] into the same [`Sheet`], with each row's number as
//! its line, so evidence and units loaders never know the difference — except
//! that a problem in a spreadsheet is located by cell (`e.xlsx!佐证!C12`).

use crate::base::diag::{Diagnostic, line_of};
use crate::base::file::sha256_hex;

mod detect;
pub(crate) use detect::KNOWN_HEADERS;
pub use detect::{SAMPLE, detect, sample_end};

/// Text encodings we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Gb18030,
    Big5,
    EucKr,
    ShiftJis,
}

/// One row of a sheet: its line and its cells (trimmed of nothing).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

/// An encoding forced with `--encoding`, overriding detection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ForcedEncoding {
    /// UTF-8 (a byte-order mark is skipped)
    #[value(name = "utf-8", alias = "utf8")]
    Utf8,
    /// GBK, what Excel on Chinese Windows saves
    Gbk,
    /// GB18030, the superset of GBK
    Gb18030,
    /// Big5 (Traditional Chinese)
    Big5,
    /// EUC-KR (Korean)
    #[value(name = "euc-kr")]
    EucKr,
    /// Shift_JIS (Japanese)
    #[value(name = "shift_jis", alias = "sjis")]
    ShiftJis,
}

impl ForcedEncoding {
    /// The decoder (GBK is read with GB18030's, its superset, as browsers
    /// do) and the encoding recorded.
    pub fn decoder(self) -> (&'static encoding_rs::Encoding, Encoding) {
        match self {
            ForcedEncoding::Utf8 => (encoding_rs::UTF_8, Encoding::Utf8),
            ForcedEncoding::Gbk | ForcedEncoding::Gb18030 => (encoding_rs::GB18030, Encoding::Gb18030),
            ForcedEncoding::Big5 => (encoding_rs::BIG5, Encoding::Big5),
            ForcedEncoding::EucKr => (encoding_rs::EUC_KR, Encoding::EucKr),
            ForcedEncoding::ShiftJis => (encoding_rs::SHIFT_JIS, Encoding::ShiftJis),
        }
    }

    /// The name given to `--encoding`.
    pub fn label(self) -> &'static str {
        match self {
            ForcedEncoding::Utf8 => "utf-8",
            ForcedEncoding::Gbk => "gbk",
            ForcedEncoding::Gb18030 => "gb18030",
            ForcedEncoding::Big5 => "big5",
            ForcedEncoding::EucKr => "euc-kr",
            ForcedEncoding::ShiftJis => "shift_jis",
        }
    }
}

/// One `--encoding`: `ENC` for every CSV input, or `FILE=ENC` for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodingArg {
    /// The file, as named on the command line; `None` for every file.
    pub file: Option<std::path::PathBuf>,
    pub encoding: ForcedEncoding,
}

/// Parses `--encoding` values, offering the encodings as its possible
/// values in `--help`.
#[derive(Debug, Clone, Copy)]
pub struct EncodingArgParser;

impl clap::builder::TypedValueParser for EncodingArgParser {
    type Value = EncodingArg;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<EncodingArg, clap::Error> {
        use clap::ValueEnum;
        let text = value.to_string_lossy();
        let name = |s: &str| ForcedEncoding::from_str(s.trim(), true).ok();
        if let Some(encoding) = name(&text) {
            return Ok(EncodingArg { file: None, encoding });
        }
        // FILE=ENC: the last `=`, as a file name may hold one.
        if let Some((file, enc)) = text.rsplit_once('=')
            && !file.is_empty()
            && let Some(encoding) = name(enc)
        {
            return Ok(EncodingArg {
                file: Some(file.into()),
                encoding,
            });
        }
        let mut err = clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd);
        if let Some(arg) = arg {
            err.insert(
                clap::error::ContextKind::InvalidArg,
                clap::error::ContextValue::String(arg.to_string()),
            );
        }
        err.insert(
            clap::error::ContextKind::InvalidValue,
            clap::error::ContextValue::String(text.into_owned()),
        );
        err.insert(
            clap::error::ContextKind::ValidValue,
            clap::error::ContextValue::Strings(
                ForcedEncoding::value_variants()
                    .iter()
                    .map(|v| v.label().to_string())
                    .chain(["FILE=ENC".to_string()])
                    .collect(),
            ),
        );
        Err(err)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        use clap::ValueEnum;
        Some(Box::new(
            ForcedEncoding::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value()),
        ))
    }
}

/// The headers a unit column goes by (lower-cased, as [`header_key`] makes
/// them): evidence, units files, ledgers and results all name it so.
pub(crate) const UNIT_ALIASES: &[&str] = &["unit", "unit_id", "单位", "单位编号", "单位代码", "单位id"];

/// How to read input files (`--encoding`, `--sheet`).
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Decode CSV in these encodings instead of detecting them: per file
    /// (`FILE=ENC`) or for every file (`ENC`); a file's own wins.
    pub encodings: Vec<EncodingArg>,
    /// The worksheet to read from a spreadsheet; by default the first
    /// visible one that has a header row.
    pub sheet: Option<String>,
}

impl ReadOptions {
    /// The encoding forced for `path`, if any.
    pub fn encoding_for(&self, path: &std::path::Path) -> Option<ForcedEncoding> {
        forced_for(&self.encodings, path)
    }
}

/// The encoding `args` force for `path`: its own (`FILE=ENC`, the last
/// given; the same file however named), else the one for every file.
pub fn forced_for(args: &[EncodingArg], path: &std::path::Path) -> Option<ForcedEncoding> {
    let same =
        |f: &std::path::Path| f == path || matches!((f.canonicalize(), path.canonicalize()), (Ok(a), Ok(b)) if a == b);
    args.iter()
        .rev()
        .find(|a| a.file.as_deref().is_some_and(same))
        .or_else(|| args.iter().rev().find(|a| a.file.is_none()))
        .map(|a| a.encoding)
}

/// The `FILE=ENC` of `args` that name none of `inputs`: a usage error
/// (most likely a typo), worded for the user.
pub fn unmatched_encoding(args: &[EncodingArg], inputs: &[std::path::PathBuf]) -> Option<String> {
    let a = args
        .iter()
        .find(|a| a.file.is_some() && !inputs.iter().any(|p| forced_for(std::slice::from_ref(a), p).is_some()))?;
    let f = a.file.as_deref()?.display();
    Some(crate::base::lang::msg!(
        zh: "--encoding {f}={}：{f} 不是本次读取的输入文件",
        en: "--encoding {f}={}: {f} is not one of the input files",
        a.encoding.label()
    ))
}

/// The files a blanket `--encoding` (one without `FILE=`) would read in a
/// legacy encoding although they are UTF-8 with non-ASCII text, as
/// detection tells it from their first bytes (a UTF-8 byte-order mark, or a
/// sample it reads as UTF-8 Chinese): read so, every Chinese character of
/// the file would come out garbled, names and notes without any error. Most
/// often a units file saved as UTF-8 beside evidence in GBK. Each is a
/// problem naming the file. An encoding given for the file itself
/// (`FILE=ENC`) is taken as meant, and so is a file detection cannot tell.
pub fn utf8_under_blanket(args: &[EncodingArg], paths: &[std::path::PathBuf]) -> Vec<Diagnostic> {
    let Some(blanket) = args.iter().rev().find(|a| a.file.is_none()).map(|a| a.encoding) else {
        return Vec::new();
    };
    if blanket == ForcedEncoding::Utf8 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for path in paths {
        let own = args
            .iter()
            .any(|a| a.file.is_some() && forced_for(std::slice::from_ref(a), path).is_some());
        if own {
            continue;
        }
        // The first MiB tells (a pipe's, of the bytes kept for the run);
        // a file that cannot be read is reported where it is read.
        let head = match crate::base::file::read_pipe(path) {
            Some(Ok(bytes)) => bytes[..bytes.len().min(1 << 20)].to_vec(),
            Some(Err(_)) => continue,
            None => match crate::base::file::head(path, 1 << 20) {
                Some(head) => head,
                None => continue,
            },
        };
        if head.is_ascii() || is_workbook(&head) {
            continue;
        }
        let utf8 = match head.strip_prefix(b"\xEF\xBB\xBF") {
            Some(_) => true,
            None => {
                // Valid up to a character the first MiB cuts.
                let valid = std::str::from_utf8(&head).map_or_else(|e| e.error_len().is_none(), |_| true);
                valid && matches!(detect("", &head[..sample_end(&head)], true), Ok(Encoding::Utf8))
            }
        };
        if utf8 {
            let (name, enc) = (path.display(), blanket.label());
            out.push(Diagnostic::file(
                name.to_string(),
                crate::base::lang::msg!(
                    zh: "文件是 UTF-8 编码，但 --encoding {enc} 要求把所有 CSV 文件按 {enc} 读取，其中的汉字会全部变成乱码：请只对 {enc} 编码的文件指定编码（--encoding 文件名={enc}），本文件不必指定",
                    en: "the file is UTF-8, but --encoding {enc} reads every CSV file as {enc}, which would garble its Chinese text: give the encoding for the {enc} files only (--encoding FILE={enc}); this one needs none"
                ),
            ));
        }
    }
    out
}

/// A file read into rows: the first row is the header.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The path as the user named it.
    pub path: String,
    pub sha256: String,
    pub encoding: Encoding,
    pub rows: Vec<Row>,
    /// The worksheet the rows come from, for spreadsheet input.
    pub worksheet: Option<String>,
    /// 0-based spreadsheet column of each row's first cell (0 for CSV).
    pub first_col: u32,
    /// Numbers may be percentages stored as fractions with no cell format
    /// to tell (XLSB, and XLS or ODS files whose formats cannot be read).
    pub fractions_unknown: bool,
}

impl Sheet {
    /// A problem at `line`, in the cell at index `col` of the row when given.
    /// CSV problems read `FILE:LINE: …`; spreadsheet ones name the cell,
    /// `FILE!SHEET!C12: …`.
    pub fn diag(&self, line: u64, col: Option<usize>, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::at(&self.path, line, message);
        match &self.worksheet {
            Some(ws) => d.in_sheet(ws, col.map(|c| self.first_col + c as u32 + 1)),
            None => d,
        }
    }

    /// Where a row (and cell) is, as [`Sheet::diag`] would name it.
    pub fn location(&self, line: u64, col: Option<usize>) -> String {
        let d = self.diag(line, col, "");
        crate::base::diag::location(&d.file, d.sheet.as_deref(), d.line, d.column)
    }

    /// Drop title rows above the header: the header is the first of the
    /// first rows that names a unit column (单位/unit); when none does, the
    /// first row stays the header and the loaders say what is missing.
    pub fn skip_title_rows(&mut self) {
        const LOOK: usize = TITLE_LOOK;
        let is_header = |r: &Row| r.cells.iter().any(|c| UNIT_ALIASES.contains(&header_key(c).as_str()));
        if let Some(i) = self.rows.iter().take(LOOK).position(is_header)
            && i > 0
        {
            self.rows.drain(..i);
        }
    }
}

/// How many rows at the top [`Sheet::skip_title_rows`] looks at for the
/// header.
pub const TITLE_LOOK: usize = 20;

/// A CSV file's `text` is text: no NUL byte.
pub fn without_nul(name: &str, text: &str) -> Result<(), Diagnostic> {
    match text.find('\0') {
        Some(at) => Err(nul_bytes(name, line_of(text, at))),
        None => Ok(()),
    }
}

/// The problem of a CSV file holding a NUL byte, the first on `line`.
pub fn nul_bytes(name: &str, line: u64) -> Diagnostic {
    Diagnostic::at(
        name,
        line,
        crate::base::lang::m(
            "文件含有 NUL 字节，不是文本 CSV 文件",
            "the file contains NUL bytes; it is not a text CSV file",
        ),
    )
}

/// Is this a spreadsheet (XLSX/XLSB/ODS are ZIP archives, XLS an OLE file)?
pub fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")
}

/// [`read_csv_bytes`], decoding as `forced` when given.
pub fn read_csv_forced(name: &str, bytes: &[u8], forced: Option<ForcedEncoding>) -> Result<Sheet, Diagnostic> {
    let (text, encoding) = decode_file(name, bytes, forced)?;
    rows_of(name, &text, sha256_hex(bytes), encoding)
}

/// A CSV file's bytes as text: in the encoding forced, else in the one
/// its bytes show ([`decode`]).
pub fn decode_file(name: &str, bytes: &[u8], forced: Option<ForcedEncoding>) -> Result<(String, Encoding), Diagnostic> {
    let Some(forced) = forced else {
        return decode(name, bytes);
    };
    if forced == ForcedEncoding::Utf8 {
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        return match std::str::from_utf8(body) {
            Ok(s) => Ok((s.to_string(), Encoding::Utf8)),
            Err(e) => {
                let text = String::from_utf8_lossy(&body[..e.valid_up_to()]);
                Err(Diagnostic::at(
                    name,
                    line_of(&text, e.valid_up_to()),
                    crate::base::lang::msg!(
                        zh: "文件不是 UTF-8 编码（字节 0x{:02X} 无法读取），但指定了 --encoding utf-8",
                        en: "the file is not UTF-8 (byte 0x{:02X} cannot be read), but --encoding utf-8 was given",
                        body[e.valid_up_to()]
                    ),
                ))
            }
        };
    }
    let (decoder, encoding) = forced.decoder();
    match decoder.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(t) => Ok((t.into_owned(), encoding)),
        None => {
            // '\n' is never part of a multi-byte character in these.
            let at = valid_up_to(decoder, bytes);
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let label = forced.label();
            Err(Diagnostic::at(
                name,
                line,
                crate::base::lang::msg!(
                    zh: "文件不是有效的 {} 文本，但指定了 --encoding {label}",
                    en: "the file is not valid {} text, but --encoding {label} was given",
                    label.to_uppercase()
                ),
            ))
        }
    }
}

/// Decode a CSV file's bytes: a byte-order mark (UTF-8, UTF-16) decides;
/// else the encoding its bytes show ([`detect`]): UTF-8 or GBK/GB18030,
/// or a located refusal when they cannot be told apart or read as
/// neither.
pub fn decode(name: &str, bytes: &[u8]) -> Result<(String, Encoding), Diagnostic> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), Encoding::Utf8))
            .map_err(|e| {
                let text = String::from_utf8_lossy(rest);
                Diagnostic::at(
                    name,
                    line_of(&text, e.valid_up_to()),
                    crate::base::lang::m(
                        "UTF-8 字节顺序标记（BOM）之后有无效的 UTF-8 内容",
                        "invalid UTF-8 after a UTF-8 byte-order mark",
                    ),
                )
            });
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (enc, _) = encoding_rs::Encoding::for_bom(bytes).expect("checked BOM");
        let (text, had_errors) = enc.decode_with_bom_removal(bytes);
        if had_errors {
            return Err(Diagnostic::file(
                name,
                crate::base::lang::m("UTF-16 文本无效", "invalid UTF-16 text"),
            ));
        }
        return Ok((text.into_owned(), Encoding::Utf16));
    }
    let utf8 = simdutf8::basic::from_utf8(bytes).ok();
    let encoding =
        detect(name, &bytes[..sample_end(bytes)], utf8.is_some()).map_err(|(line, m)| Diagnostic::at(name, line, m))?;
    // Only valid UTF-8 is detected as UTF-8.
    if let (Encoding::Utf8, Some(text)) = (encoding, utf8) {
        return Ok((text.to_string(), Encoding::Utf8));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text.into_owned(), Encoding::Gb18030)),
        // Not GBK after all, and valid UTF-8 throughout: read as such.
        None if let Some(text) = utf8 => Ok((text.to_string(), Encoding::Utf8)),
        None => {
            // Blame the byte where the encoding that reads further stops:
            // a GBK export with one stray byte fails as UTF-8 at its first
            // Hanzi, which is not where the damage is.
            let utf8_ok = std::str::from_utf8(bytes)
                .err()
                .map_or(bytes.len(), |e| e.valid_up_to());
            let at = utf8_ok.max(valid_up_to(encoding_rs::GB18030, bytes));
            // '\n' is never part of a multi-byte character in either.
            let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            Err(Diagnostic::at(
                name,
                line,
                crate::base::lang::msg!(
                    zh: "文件既不是 UTF-8 也不是 GBK/GB18030 编码（字节 0x{:02X} 无法读取）；请另存为“CSV UTF-8”",
                    en: "the file is neither UTF-8 nor GBK/GB18030 (byte 0x{:02X} cannot be read); save it as CSV UTF-8",
                    bytes[at]
                ),
            ))
        }
    }
}

/// Length of the longest prefix of `bytes` that is valid in `encoding`.
pub fn valid_up_to(encoding: &'static encoding_rs::Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(4));
    let mut out = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut out, true);
    match result {
        // `read` counts the malformed bytes and any consumed after them.
        encoding_rs::DecoderResult::Malformed(bad, after) => read - bad as usize - after as usize,
        _ => bytes.len(),
    }
}

/// Tab when the header line has tabs and no commas, else comma.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    if !header.contains(',') && header.contains('\t') {
        b'\t'
    } else {
        b','
    }
}

/// Read CSV bytes into rows. Rows whose cells are all blank are dropped
/// (Excel leaves them at the end of exports); every other row is kept,
/// ragged or not, for the caller to judge. Files are read through [`crate::reading::read::read`].
pub fn read_csv_bytes(name: &str, bytes: &[u8]) -> Result<Sheet, Diagnostic> {
    read_csv_forced(name, bytes, None)
}

/// The rows of a CSV file's text.
fn rows_of(name: &str, text: &str, sha256: String, encoding: Encoding) -> Result<Sheet, Diagnostic> {
    let rows = CsvRows::new(name, text)?.next_rows(usize::MAX)?;
    Ok(Sheet {
        path: name.to_string(),
        sha256,
        encoding,
        rows,
        worksheet: None,
        first_col: 0,
        fractions_unknown: false,
    })
}

/// A CSV file's rows, read a batch at a time: the evidence of a province
/// is millions of rows, and held all at once as rows it took several times
/// the file's size.
pub struct CsvRows<'t> {
    text: &'t str,
    reader: csv::Reader<&'t [u8]>,
    record: csv::StringRecord,
    lines: LineCounter<'t>,
    progress: Option<indicatif::ProgressBar>,
    read: usize,
    name: &'t str,
}

impl<'t> CsvRows<'t> {
    /// The rows of `text`, the file `name` decoded; refused when it holds
    /// a NUL byte (it is not text).
    pub fn new(name: &'t str, text: &'t str) -> Result<Self, Diagnostic> {
        without_nul(name, text)?;
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter(text))
            .from_reader(text.as_bytes());
        Ok(CsvRows {
            text,
            reader,
            record: csv::StringRecord::new(),
            lines: LineCounter::new(text),
            progress: crate::base::progress::bytes(name, text.len() as u64),
            read: 0,
            name,
        })
    }

    /// Up to `max` more rows; none at the end of the file. Rows whose
    /// cells are all blank are dropped (Excel leaves them at the end of
    /// exports); every other row is kept, ragged or not, for the caller to
    /// judge.
    pub fn next_rows(&mut self, max: usize) -> Result<Vec<Row>, Diagnostic> {
        let mut rows = Vec::new();
        self.refill(&mut rows, max)?;
        Ok(rows)
    }

    /// [`CsvRows::next_rows`] into `rows`, whose rows and cells are written
    /// over: a batch read after another reuses its room.
    pub fn refill(&mut self, rows: &mut Vec<Row>, max: usize) -> Result<(), Diagnostic> {
        let mut n = 0;
        while n < max {
            match self.reader.read_record(&mut self.record) {
                Ok(false) => break,
                Ok(true) => {
                    let record = &self.record;
                    if let Some(pb) = &self.progress
                        && self.read.is_multiple_of(4096)
                    {
                        pb.set_position(record.position().map_or(0, |p| p.byte()));
                    }
                    self.read += 1;
                    // csv's own line count lags after CRLF; derive the line from
                    // the byte offset, past any line breaks before the record.
                    let start = record.position().map_or(0, |p| p.byte() as usize);
                    let skip = self.text.as_bytes()[start.min(self.text.len())..]
                        .iter()
                        .take_while(|b| matches!(b, b'\r' | b'\n'))
                        .count();
                    let line = self.lines.line_at(start + skip);
                    if record.iter().all(|c| c.trim().is_empty()) {
                        continue;
                    }
                    if n == rows.len() {
                        rows.push(Row::default());
                    }
                    let row = &mut rows[n];
                    row.line = line;
                    row.cells.resize_with(record.len(), String::new);
                    for (cell, field) in row.cells.iter_mut().zip(record) {
                        cell.clear();
                        cell.push_str(field);
                    }
                    n += 1;
                }
                Err(e) => {
                    let line = e.position().map_or(1, |p| line_of(self.text, p.byte() as usize));
                    return Err(Diagnostic::at(
                        self.name,
                        line,
                        crate::base::lang::msg!(zh: "无法读取 CSV：{e}", en: "cannot read CSV: {e}"),
                    ));
                }
            }
        }
        rows.truncate(n);
        Ok(())
    }
}

/// The progress line goes with the rows: at the end of the file, or
/// where reading stopped part way (a header with problems, too many
/// values).
impl Drop for CsvRows<'_> {
    fn drop(&mut self) {
        if let Some(pb) = self.progress.take() {
            pb.finish_and_clear();
        }
    }
}

/// Line numbers of increasing byte offsets, counting each newline once, so
/// numbering every record stays linear in the file's size (counting from
/// the start for each record made a 200,000-row file take minutes).
struct LineCounter<'a> {
    text: &'a str,
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of `offset`, which must not be less than the last.
    fn line_at(&mut self, offset: usize) -> u64 {
        let end = offset.min(self.text.len());
        if end < self.offset {
            return line_of(self.text, end);
        }
        self.line += self.text.as_bytes()[self.offset..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.offset = end;
        self.line
    }
}

/// Normalise a header cell for matching: trimmed, lower-case, BOM and
/// full-width spaces removed, spaces and dashes as underscores.
pub fn header_key(cell: &str) -> String {
    cell.trim_start_matches('\u{feff}')
        .trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')
        .to_lowercase()
        .replace([' ', '-'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utf8_with_and_without_bom() {
        let s = read_csv_bytes("a.csv", "unit,值\nU1,是\n".as_bytes()).unwrap();
        assert_eq!(s.rows[1].cells, vec!["U1", "是"]);
        let s = read_csv_bytes("a.csv", "\u{feff}unit,值\nU1,是\n".as_bytes()).unwrap();
        assert_eq!(s.rows[0].cells, vec!["unit", "值"]);
        assert_eq!(s.encoding, Encoding::Utf8);
    }

    #[test]
    fn reads_gbk() {
        // "单位,值\r\nU1,是\r\n" in GBK.
        let bytes = b"\xb5\xa5\xce\xbb,\xd6\xb5\r\nU1,\xca\xc7\r\n";
        let s = read_csv_bytes("g.csv", bytes).unwrap();
        assert_eq!(s.encoding, Encoding::Gb18030);
        assert_eq!(s.rows[0].cells, vec!["单位", "值"]);
        assert_eq!(s.rows[1].cells, vec!["U1", "是"]);
        assert_eq!(s.rows[1].line, 2);
    }

    #[test]
    fn rejects_bytes_that_are_neither() {
        let e = read_csv_bytes("b.csv", b"unit\nU1\n\xff\xff\xff\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "b.csv:3: the file is neither UTF-8 nor GBK/GB18030 (byte 0xFF cannot be read); save it as CSV UTF-8"
        );
    }

    #[test]
    fn blames_the_stray_byte_in_an_otherwise_gbk_file() {
        // "单位\nU1,是\n" in GBK, then a byte GBK has no use for.
        let e = read_csv_bytes("g.csv", b"\xb5\xa5\xce\xbb\nU1,\xca\xc7\nU2,\xff\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "g.csv:3: the file is neither UTF-8 nor GBK/GB18030 (byte 0xFF cannot be read); save it as CSV UTF-8"
        );
        // And in an otherwise UTF-8 file.
        let mut utf8 = "单位\nU1,是\nU2,好".as_bytes().to_vec();
        utf8.push(0xff);
        let e = read_csv_bytes("u.csv", &utf8).unwrap_err();
        assert!(e.to_string().starts_with("u.csv:3: "), "{e}");
    }

    #[test]
    fn keeps_line_numbers_across_quoted_newlines_and_blank_rows() {
        let s = read_csv_bytes("q.csv", b"a,b\r\n\"x\ny\",1\r\n,\r\n\r\nz,2\r\n").unwrap();
        assert_eq!(s.rows.len(), 3);
        assert_eq!(s.rows[1].cells, vec!["x\ny", "1"]);
        assert_eq!(s.rows[2].line, 6);
    }

    #[test]
    fn many_rows_are_numbered_in_linear_time() {
        let mut text = String::from("unit,indicator,value\r\n");
        for i in 0..200_000 {
            text.push_str(&format!("U{i},A1,1\r\n"));
        }
        let s = read_csv_bytes("big.csv", text.as_bytes()).unwrap();
        assert_eq!(s.rows.len(), 200_001);
        assert_eq!(s.rows[200_000].line, 200_001);
    }

    #[test]
    fn tab_separated_is_detected() {
        let s = read_csv_bytes("t.txt", b"unit\tA1\nU1\t1\n").unwrap();
        assert_eq!(s.rows[1].cells, vec!["U1", "1"]);
    }

    #[test]
    fn forced_encodings() {
        let gbk = b"\xb5\xa5\xce\xbb,\xd6\xb5\r\nU1,\xca\xc7\r\n";
        let s = read_csv_forced("g.csv", gbk, Some(ForcedEncoding::Gbk)).unwrap();
        assert_eq!(s.rows[1].cells, vec!["U1", "是"]);
        let e = read_csv_forced("g.csv", gbk, Some(ForcedEncoding::Utf8)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "g.csv:1: the file is not UTF-8 (byte 0xB5 cannot be read), but --encoding utf-8 was given"
        );
        // Valid UTF-8 that is also valid GBK: forcing decides.
        let utf8 = "单位\n".as_bytes();
        let s = read_csv_forced("u.csv", utf8, Some(ForcedEncoding::Gb18030)).unwrap();
        assert_ne!(s.rows[0].cells, vec!["单位"]);
        let s = read_csv_forced("u.csv", utf8, Some(ForcedEncoding::Utf8)).unwrap();
        assert_eq!(s.rows[0].cells, vec!["单位"]);
    }

    #[test]
    fn title_rows_above_the_header_are_dropped() {
        let mut s = read_csv_bytes("t.csv", "2023年度自评表,,\n,,\n单位,指标,值\nT01,A1,2\n".as_bytes()).unwrap();
        s.skip_title_rows();
        assert_eq!(s.rows[0].cells, vec!["单位", "指标", "值"]);
        assert_eq!(s.rows[0].line, 3);
        let mut s = read_csv_bytes("t.csv", b"name,A1\nx,1\n").unwrap();
        s.skip_title_rows();
        assert_eq!(
            s.rows.len(),
            2,
            "no unit column anywhere: the first row stays the header"
        );
    }

    #[test]
    fn header_keys_are_normalised() {
        assert_eq!(header_key("\u{feff} Unit ID "), "unit_id");
        assert_eq!(header_key("\u{3000}单位\u{3000}"), "单位");
    }
}
