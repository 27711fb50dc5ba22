//! Reading spreadsheets (XLSX, XLSM, XLSB, XLS, ODS) into a [`Sheet`].
//!
//! The people who collect evidence keep it in Excel or WPS, so a workbook
//! must read exactly like the CSV it would save: every cell becomes the text
//! Excel shows for it. Numbers stored as numbers and numbers stored as text
//! both work; a number formatted as a percentage reads as `95%` (the README's
//! trailing `%`), not `0.95`; dates read as `2023-06-30`; error cells as
//! `#N/A`, which the rules then reject with their cell named.
//!
//! Without `--sheet`, the first visible worksheet that has a header row (a
//! cell naming the unit column) is read, so a cover sheet of instructions in
//! front — as in `kaohe template`'s workbooks — is passed over.

use crate::base::diag::Diagnostic;
use crate::reading::input::{Encoding, Row, Sheet, header_key};
use calamine::{Data, Reader, SheetType, SheetVisible};
use std::io::Cursor;

mod percents;
mod zipscan;

/// Read one worksheet of a workbook held in memory.
pub fn read_bytes(name: &str, bytes: &[u8], wanted: Option<&str>) -> Result<Sheet, Diagnostic> {
    let sha256 = crate::base::file::sha256_hex(bytes);
    let progress = crate::base::progress::spinner(name, bytes.len() as u64);
    // calamine's readers can panic on a damaged file (a slice out of
    // bounds in its compound-file reader, found by fuzzing): that is a
    // damaged workbook to report, not a crash. The panic's own message is
    // kept off the screen while it is caught.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_book(name, bytes, wanted, &sha256)));
    std::panic::set_hook(hook);
    let result = caught.unwrap_or_else(|_| Err(damaged(name))).and_then(without_nul);
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    result
}

/// A cell holding a NUL character (`_x0000_` in the file) is refused, as a
/// CSV file with a NUL byte is: it is not text, and nothing typed in Excel
/// or WPS makes one.
fn without_nul(sheet: Sheet) -> Result<Sheet, Diagnostic> {
    let nul = (sheet.rows.iter()).find_map(|r| r.cells.iter().position(|c| c.contains('\0')).map(|c| (r.line, c)));
    match nul {
        None => Ok(sheet),
        Some((line, col)) => Err(sheet.diag(
            line,
            Some(col),
            crate::base::lang::m(
                "单元格含有 NUL 字符（不是文本）：请删除该字符后重新保存",
                "the cell holds a NUL character (not text): delete it and save again",
            ),
        )),
    }
}

fn read_book(name: &str, bytes: &[u8], wanted: Option<&str>, sha256: &str) -> Result<Sheet, Diagnostic> {
    // A password-protected XLSX is a compound file holding the encrypted
    // package: say so, rather than call it damaged.
    if is_encrypted(bytes) {
        return Err(Diagnostic::file(
            name,
            crate::base::lang::m(
                "工作簿设有打开密码（已加密），无法读取；请在 Excel 或 WPS 中取消密码后另存一份",
                "the workbook is encrypted (it has a password to open), so it cannot be read: remove the password in Excel or WPS and save a copy",
            ),
        ));
    }
    // What a zipped workbook inflates to is bounded before calamine reads
    // it; the cells it would misread are found on the way.
    let found = if bytes.starts_with(b"PK\x03\x04") {
        zipscan::scan(name, bytes)?
    } else {
        zipscan::Found::default()
    };
    // A compound file (XLS) whose chains do not end is damaged: the reader
    // would follow them without end.
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) && !percents::xls_sound(bytes) {
        return Err(damaged(name));
    }
    // XLS files are read whole when opened, every sheet made a grid.
    if let Some((index, cells, far)) = percents::xls_extent(bytes)
        && cells > MAX_SPAN
    {
        return Err(Diagnostic::file(
            name,
            crate::base::lang::msg!(
                zh: "第 {} 个工作表的数据延伸到第 {} 行第 {} 列，超出可读取的范围（{} 个单元格）；请删除远离表格的单元格内容；若并无此类内容，说明文件已损坏，请用 Excel 或 WPS 打开后重新保存",
                en: "worksheet {} runs to row {}, column {}, more than can be read ({} cells); delete the stray values far from the table, or, if there are none, the file is damaged: open it in Excel or WPS and save it again",
                index + 1,
                far.0 + 1,
                crate::base::diag::column_letters(far.1 + 1),
                MAX_SPAN
            ),
        ));
    }
    // ODS files are read whole when opened, every sheet made a grid (of up
    // to 100 million cells: several GB); a table whose end tag is missing
    // (the file cut short or damaged) would be read without end.
    let (extents, cut) = percents::ods_extents(bytes);
    if cut {
        return Err(damaged(name));
    }
    if let Some((ws, seen)) = extents.iter().find(|(_, seen)| seen.cells() > MAX_SPAN) {
        return Err(too_far(name, ws, seen));
    }
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        Diagnostic::file(
            name,
            crate::base::lang::msg!(
                zh: "无法读取工作簿：{e}（文件是否已损坏或设有密码？）",
                en: "cannot read the workbook: {e} (is it damaged or password-protected?)"
            ),
        )
    })?;
    let sheets: Vec<(String, bool)> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect();
    let names = || {
        sheets
            .iter()
            .map(|(n, _)| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let candidates: Vec<&str> = match wanted {
        Some(w) => match sheets.iter().find(|(n, _)| n == w).or_else(|| {
            // Sheet names are case-insensitive in Excel.
            sheets.iter().find(|(n, _)| n.to_lowercase() == w.to_lowercase())
        }) {
            Some((n, _)) => vec![n.as_str()],
            None => {
                return Err(Diagnostic::file(
                    name,
                    crate::base::lang::msg!(
                        zh: "没有名为“{w}”的工作表{}；工作簿中的工作表为 {}",
                        en: "there is no worksheet \"{w}\"{}; the workbook has {}",
                        crate::base::diag::hint(w, sheets.iter().map(|(n, _)| n.as_str())),
                        names()
                    ),
                ));
            }
        },
        None => sheets.iter().filter(|(_, v)| *v).map(|(n, _)| n.as_str()).collect(),
    };
    if candidates.is_empty() {
        return Err(Diagnostic::file(
            name,
            crate::base::lang::m("工作簿中没有可见的工作表", "the workbook has no visible worksheet"),
        ));
    }
    let mut first = None;
    for ws in &candidates {
        found.check_damage(name, ws)?;
        let sheet = if let calamine::Sheets::Xlsx(x) = &mut book {
            read_xlsx_sheet(name, sha256, ws, x)?
        } else {
            let range = book.worksheet_range(ws).map_err(|e| {
                Diagnostic::file(
                    name,
                    crate::base::lang::msg!(zh: "无法读取工作表“{ws}”：{e}", en: "cannot read worksheet \"{ws}\": {e}"),
                )
            })?;
            to_sheet(name, sha256, ws, &range, &formats(&mut book, bytes, ws, &range))
        };
        // Whether the header is among the rows `skip_title_rows` looks at.
        let has_header = sheet.rows.iter().take(crate::reading::input::TITLE_LOOK).any(|r| {
            r.cells
                .iter()
                .any(|c| crate::reading::input::UNIT_ALIASES.contains(&header_key(c).as_str()))
        });
        if wanted.is_some() || has_header {
            found.check(name, ws)?;
            return Ok(sheet);
        }
        first.get_or_insert((ws, sheet));
    }
    // No sheet has a header: read the first, whose header the loaders will
    // then describe.
    let (ws, sheet) = first.expect("at least one candidate");
    found.check(name, ws)?;
    Ok(sheet)
}

/// Is this an encrypted Office document (a compound file holding an
/// `EncryptedPackage` stream, or an XLS whose workbook stream starts with a
/// `FILEPASS` record is reported by calamine itself)?
fn is_encrypted(bytes: &[u8]) -> bool {
    const NAME: &str = "EncryptedPackage";
    if !bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return false;
    }
    let utf16: Vec<u8> = NAME.encode_utf16().flat_map(u16::to_le_bytes).collect();
    memchr::memmem::find(bytes, &utf16).is_some()
}

/// A workbook too damaged to read, and what to do.
fn damaged(name: &str) -> Diagnostic {
    Diagnostic::file(
        name,
        crate::base::lang::m(
            "无法读取工作簿：文件已损坏（请用 Excel 或 WPS 打开后重新保存）",
            "cannot read the workbook: the file is damaged (open it in Excel or WPS and save it again)",
        ),
    )
}

/// Most cells a worksheet may span, from its first to its last cell with a
/// value: a grid is made of that many (a few tens of bytes each, so at
/// most ~1 GB). Evidence never comes near: a sheet holds 1,048,576 rows,
/// and 100,000 units × 60 indicators wide is 6M cells.
const MAX_SPAN: u64 = 16 << 20;

/// Read an XLSX worksheet in one pass over its XML: each cell's value and
/// style together, made the text Excel shows as it is read (no grid of
/// values beside the rows). A worksheet whose cells with values lie too far
/// apart to hold as a grid — a stray value at XFD1048576 would make it 17
/// billion cells — is refused at its farthest cell before the grid is made.
fn read_xlsx_sheet(
    name: &str,
    sha256: &str,
    ws: &str,
    x: &mut calamine::Xlsx<Cursor<&[u8]>>,
) -> Result<Sheet, Diagnostic> {
    let cannot = |e: calamine::XlsxError| {
        Diagnostic::file(
            name,
            crate::base::lang::msg!(zh: "无法读取工作表“{ws}”：{e}", en: "cannot read worksheet \"{ws}\": {e}"),
        )
    };
    let mut reader = x.worksheet_cells_reader(ws).map_err(cannot)?;
    // Whether each style shows a percentage, decided once per style.
    let percent_styles: Vec<bool> = reader
        .styles()
        .iter()
        .map(|s| {
            s.number_format
                .as_ref()
                .is_some_and(|f| is_percent_format(&f.format_code))
        })
        .collect();
    let mut seen = percents::Extent::default();
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    while let Some((cell, style)) = reader.next_cell_with_style_id().map_err(cannot)? {
        let (r, c) = cell.get_position();
        // Style 0 is the default format.
        let percent = style > 0 && percent_styles.get(style).copied().unwrap_or(false);
        let text = match cell.get_value() {
            calamine::DataRef::Empty => continue,
            calamine::DataRef::String(s) => s.clone(),
            calamine::DataRef::SharedString(s) => (*s).to_string(),
            v => cell_text(&Data::from(v.clone()), percent),
        };
        seen.add(r, c);
        cells.push((r, c, text));
    }
    if seen.cells() > MAX_SPAN {
        return Err(too_far(name, ws, &seen));
    }
    // The rows of the grid the cells span (the last of two values for one
    // cell wins), blank rows left out.
    let (row0, col0) = cells
        .iter()
        .fold((u32::MAX, u32::MAX), |(r0, c0), &(r, c, _)| (r0.min(r), c0.min(c)));
    let (row1, col1) = cells.iter().fold((0, 0), |(r1, c1), &(r, c, _)| (r1.max(r), c1.max(c)));
    let mut grid: Vec<Vec<String>> = Vec::new();
    if !cells.is_empty() {
        let width = (col1 - col0 + 1) as usize;
        grid.resize_with((row1 - row0 + 1) as usize, || vec![String::new(); width]);
    }
    for (r, c, text) in cells {
        grid[(r - row0) as usize][(c - col0) as usize] = text;
    }
    let rows = grid
        .into_iter()
        .enumerate()
        .filter(|(_, texts)| !texts.iter().all(|c| c.trim().is_empty()))
        .map(|(i, cells)| Row {
            line: u64::from(row0) + i as u64 + 1,
            cells,
        })
        .collect();
    Ok(Sheet {
        path: name.to_string(),
        sha256: sha256.to_string(),
        encoding: Encoding::Utf8,
        rows,
        worksheet: Some(ws.to_string()),
        first_col: if row0 == u32::MAX { 0 } else { col0 },
        fractions_unknown: false,
    })
}

/// A worksheet whose cells span more than [`MAX_SPAN`], refused at its
/// farthest cell.
fn too_far(name: &str, ws: &str, seen: &percents::Extent) -> Diagnostic {
    let ((rows, cols), first, far) = (seen.rows_cols(), seen.first(), seen.far);
    Diagnostic::at(
        name,
        u64::from(far.0) + 1,
        crate::base::lang::msg!(
            zh: "工作表的数据从第 {} 行第 {} 列延伸到此单元格，共 {rows} 行 × {cols} 列，超出可读取的范围（{} 个单元格）；请删除远离表格的单元格内容，或只保留佐证表格",
            en: "the sheet's cells run from row {}, column {} to this cell, {rows} rows × {cols} columns, more than can be read ({} cells); delete the stray values far from the table, or keep only the evidence table",
            first.0 + 1,
            crate::base::diag::column_letters(first.1 + 1),
            MAX_SPAN
        ),
    )
    .in_sheet(ws, Some(far.1 + 1))
}

/// How a worksheet tells which cells show a percentage.
enum Formats {
    /// XLS and ODS: the cells [`percents`] finds.
    Cells(percents::Percents),
    /// Not known (XLSB, or an XLS or ODS file whose formats could not be
    /// read): a number between 0 and 1 may be a percentage.
    Unknown,
}

impl Formats {
    fn percent(&self, row: u32, col: u32) -> bool {
        match self {
            Formats::Cells(cells) => cells.contains(row, col),
            Formats::Unknown => false,
        }
    }
}

/// The percentage cells of worksheet `ws`, read only when some cell is a
/// number (they change nothing else).
fn formats(
    book: &mut calamine::Sheets<Cursor<&[u8]>>,
    bytes: &[u8],
    ws: &str,
    range: &calamine::Range<Data>,
) -> Formats {
    let numbers = range
        .used_cells()
        .any(|(_, _, c)| matches!(c, Data::Float(_) | Data::Int(_)));
    let known = |cells: Option<percents::Percents>| cells.map_or(Formats::Unknown, Formats::Cells);
    match book {
        calamine::Sheets::Ods(_) if numbers => known(percents::ods(bytes, ws)),
        calamine::Sheets::Xls(x) if numbers => {
            let sheets = x.sheets_metadata();
            let index = sheets.iter().position(|s| s.name == ws);
            known(index.and_then(|i| percents::xls(bytes, i, sheets.len())))
        }
        calamine::Sheets::Xlsb(_) => Formats::Unknown,
        _ => Formats::Cells(percents::Percents::default()),
    }
}

fn to_sheet(name: &str, sha256: &str, ws: &str, range: &calamine::Range<Data>, formats: &Formats) -> Sheet {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        let r = row0 + i as u32;
        let texts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(j, c)| cell_text(c, formats.percent(r, col0 + j as u32)))
            .collect();
        if texts.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        rows.push(Row {
            line: u64::from(r) + 1,
            cells: texts,
        });
    }
    Sheet {
        path: name.to_string(),
        sha256: sha256.to_string(),
        encoding: Encoding::Utf8,
        rows,
        worksheet: Some(ws.to_string()),
        first_col: col0,
        fractions_unknown: matches!(formats, Formats::Unknown),
    }
}

/// Does a number format show a percentage (`0%`, `0.00%`, outside quotes)?
fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '%' if !quoted => return true,
            ';' => return false, // only the positive section matters
            _ => {}
        }
    }
    false
}

/// The text of a cell as Excel shows it (to 15 significant digits).
pub fn cell_text(cell: &Data, percent: bool) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) if percent => format!("{}%", i128::from(*i) * 100),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if percent => format!("{}%", number_text(f * 100.0)),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            if d.is_duration() {
                number_text(d.as_f64())
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A float as Excel displays it in a General cell: at most 15 significant
/// digits, no trailing zeros (`0.1 + 0.2` is `0.3`, `2.0` is `2`).
pub fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f == 0.0 {
        return "0".to_string();
    }
    let magnitude = f.abs().log10().floor() as i32;
    // Past what any evidence holds, the shortest form (`1e300`) rather than
    // 301 digits quoted back in a message.
    if !(-20..=20).contains(&magnitude) {
        return format!("{f:e}");
    }
    // The shortest text that reads back as `f`, when it has at most 14
    // significant digits, is what rounding to 15 gives: `f` differs from it
    // by less than half a binary unit in its last place, far less than half
    // a unit of the 15th digit. It costs far less to make. Only where the
    // places kept are not cut at 20 (from 1e-6 up).
    if (-6..=14).contains(&magnitude) {
        let short = f.to_string();
        if significant_digits(&short) <= 14 {
            return short;
        }
    }
    let decimals = (14 - magnitude).clamp(0, 20) as usize;
    let s = format!("{f:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" { "0".to_string() } else { s }
}

/// The digits of a plain decimal (`-0.0120`) from its first to its last
/// that is not zero.
fn significant_digits(text: &str) -> usize {
    let (mut seen, mut zeros, mut count) = (false, 0, 0);
    for d in text.bytes().filter(u8::is_ascii_digit) {
        match d {
            b'0' if !seen => {}
            b'0' => zeros += 1,
            _ => {
                count += zeros + 1;
                (seen, zeros) = (true, 0);
            }
        }
    }
    count
}

/// A worksheet of evidence as CSV text, for the CSV reader of the bulk
/// path to read as it reads a file: each row of the sheet on the line of
/// its row number where it can be (blank lines between), `input` naming
/// the file and worksheet, and the column of the sheet each row starts
/// in, which name the cells of its problems.
#[derive(Debug, Clone)]
pub struct Book {
    pub input: crate::model::InputFile,
    pub text: Vec<u8>,
    /// Per line of `text`, the row of the sheet it is in, where a cell of
    /// several lines put rows below their own row number; empty where every
    /// line is its row.
    pub rows: std::sync::Arc<[u64]>,
    /// The worksheet's cell formats could not be read: a fraction on a
    /// rate may be a percentage stored as one, and is refused
    /// (`evidence::unread_format_fraction`).
    pub fractions_unknown: bool,
}

impl Book {
    /// The row of the sheet a record starting on line `line` of the text
    /// is.
    pub fn row(&self, line: u64) -> u64 {
        sheet_row(&self.rows, line)
    }
}

/// The row of the sheet on line `line` of a [`Book`]'s text, given its
/// `rows`.
pub fn sheet_row(rows: &[u64], line: u64) -> u64 {
    match line.checked_sub(1).and_then(|i| rows.get(i as usize)) {
        Some(&row) => row,
        None => line,
    }
}

/// The worksheet of evidence in the workbook `bytes`, read from `path` —
/// the one `wanted` (`--sheet`), else the first with a header — as CSV
/// text ([`Book`]); the problem when it cannot be read.
pub fn book_of(path: &std::path::Path, bytes: Vec<u8>, wanted: Option<&str>) -> Result<Book, Diagnostic> {
    let sheet = read_bytes(&path.display().to_string(), &bytes, wanted)?;
    drop(bytes);
    let (text, rows) = sheet_text(&sheet.rows);
    Ok(Book {
        input: crate::model::InputFile {
            path: sheet.path,
            sha256: sheet.sha256,
            worksheet: sheet.worksheet,
            first_col: sheet.first_col,
        },
        text,
        rows: rows.into(),
        fractions_unknown: sheet.fractions_unknown,
    })
}

/// `rows` as CSV text, each on the line of its row number unless a cell
/// of several lines above pushed it down, and the row of each line when
/// one did (see [`Book::rows`]). A cell with a comma, quote, tab or line
/// end is quoted. (No cell holds a NUL: [`read_bytes`] refuses it. The
/// text is read as comma-separated whatever its first line holds.)
fn sheet_text(rows: &[Row]) -> (Vec<u8>, Vec<u64>) {
    let mut text = Vec::with_capacity(
        rows.iter()
            .map(|r| r.cells.iter().map(|c| c.len() + 1).sum::<usize>())
            .sum(),
    );
    // Per line written, its row; the text's next line.
    let (mut of_line, mut line) = (Vec::new(), 1u64);
    let mut moved = false;
    for row in rows {
        while line < row.line {
            text.push(b'\n');
            of_line.push(line);
            line += 1;
        }
        moved |= line != row.line;
        let mut ends = 1;
        for (i, cell) in row.cells.iter().enumerate() {
            if i > 0 {
                text.push(b',');
            }
            if cell.contains([',', '"', '\t', '\n', '\r']) {
                ends += cell.bytes().filter(|&b| b == b'\n').count() as u64;
                text.push(b'"');
                text.extend_from_slice(cell.replace('"', "\"\"").as_bytes());
                text.push(b'"');
            } else {
                text.extend_from_slice(cell.as_bytes());
            }
        }
        text.push(b'\n');
        of_line.extend(std::iter::repeat_n(row.line, ends as usize));
        line += ends;
    }
    if !moved {
        of_line.clear();
    }
    (text, of_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows on the lines of their numbers, blank lines between; a note of
    /// two lines pushes the row below it down a line, until a blank row
    /// takes the line back; cells quoted as CSV quotes them.
    #[test]
    fn a_sheet_as_text_keeps_each_row_on_its_line_or_says_where_it_went() {
        let row = |line: u64, cells: &[&str]| Row {
            line,
            cells: cells.iter().map(|c| c.to_string()).collect(),
        };
        let rows = [
            row(2, &["unit", "note"]),
            row(3, &["U1", "a,\"b\""]),
            row(4, &["U2", "one\ntwo"]),
            row(5, &["U3", ""]),
            row(7, &["U4", "x\ty"]),
        ];
        let (text, lines) = sheet_text(&rows);
        assert_eq!(
            String::from_utf8(text).unwrap(),
            "\nunit,note\nU1,\"a,\"\"b\"\"\"\nU2,\"one\ntwo\"\nU3,\nU4,\"x\ty\"\n"
        );
        // Lines 1–7 of the text: blank, rows 2, 3, 4 (two lines), 5 on
        // line 6, 7 back on its own line.
        assert_eq!(lines, [1, 2, 3, 4, 4, 5, 7]);
        assert_eq!(sheet_row(&lines, 6), 5);
        assert_eq!(sheet_row(&lines, 7), 7);
        // No row moved: no table, every line its row.
        let (_, lines) = sheet_text(&rows[..3]);
        assert!(lines.is_empty());
        assert_eq!(sheet_row(&lines, 9), 9);
        // A byte-order mark is text like any other (dropped starting a row,
        // by both readers).
        let (text, _) = sheet_text(&[row(1, &["U1\u{feff}", "\u{feff}x"])]);
        assert_eq!(String::from_utf8(text).unwrap(), "U1\u{feff},\u{feff}x\n");
        // A tab in a first line alone is quoted, as any tab is.
        let (text, _) = sheet_text(&[row(1, &["unit\tvalue"])]);
        assert_eq!(String::from_utf8(text).unwrap(), "\"unit\tvalue\"\n");
    }

    /// The text rounded to 15 significant digits the long way, as
    /// `number_text` made it before taking the shortest text first.
    fn rounded_text(f: f64) -> String {
        let magnitude = f.abs().log10().floor() as i32;
        let decimals = (14 - magnitude).clamp(0, 20) as usize;
        let s = format!("{f:.decimals$}");
        let s = if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        };
        if s == "-0" { "0".to_string() } else { s }
    }

    #[test]
    fn shortest_text_agrees_with_rounding() {
        assert_eq!(significant_digits("-0.0120"), 2);
        assert_eq!(significant_digits("1200"), 2);
        assert_eq!(significant_digits("0"), 0);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..300_000 {
            let r = next();
            // Values as evidence holds them (a few places, percentages
            // stored as fractions and read times 100), and any bits at all.
            let places = 10f64.powi((r % 9) as i32);
            let f = match (r >> 8) % 4 {
                0 => ((r >> 16) % 10_000_000) as f64 / places,
                1 => ((r >> 16) % 10_000) as f64 / places * 100.0,
                2 => -(((r >> 16) % 1_000_000) as f64) / places,
                _ => f64::from_bits((r & 0x800F_FFFF_FFFF_FFFF) | ((1023 - 66 + (r >> 20) % 132) << 52)),
            };
            if !f.is_finite() || f == 0.0 || !(-20..=20).contains(&(f.abs().log10().floor() as i32)) {
                continue;
            }
            assert_eq!(number_text(f), rounded_text(f), "{f:?}");
        }
        for f in [
            0.1 + 0.2,
            1e-6,
            9.999_999_999_999_99e14,
            1e15,
            0.000_001_234_5,
            99.999_999_999_999_9,
        ] {
            assert_eq!(number_text(f), rounded_text(f), "{f:?}");
        }
    }

    #[test]
    fn numbers_read_as_excel_shows_them() {
        assert_eq!(number_text(2.0), "2");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(95.5), "95.5");
        assert_eq!(number_text(-3.25), "-3.25");
        assert_eq!(number_text(123456789012.0), "123456789012");
        assert_eq!(number_text(0.000123), "0.000123");
        assert_eq!(number_text(1e300), "1e300");
        assert_eq!(number_text(-2.5e-40), "-2.5e-40");
        assert_eq!(cell_text(&Data::Float(0.955), true), "95.5%");
        assert_eq!(cell_text(&Data::Int(1), true), "100%");
        assert_eq!(cell_text(&Data::Bool(true), false), "TRUE");
    }

    #[test]
    fn percent_formats() {
        assert!(is_percent_format("0%"));
        assert!(is_percent_format("0.00%"));
        assert!(!is_percent_format("0.00"));
        assert!(!is_percent_format("General"));
        assert!(!is_percent_format("0\"%\""));
        assert!(!is_percent_format("0;\"-\"%"));
    }
}
