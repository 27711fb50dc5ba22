//! Reading an input file of any kind — CSV in any encoding, or a
//! workbook — into rows: the one entry above the CSV reader
//! ([`crate::reading::input`]) and the workbook reader ([`crate::reading::workbook`]), so
//! that neither needs the other.

use crate::base::diag::Diagnostic;
use crate::reading::input::{ReadOptions, Row, Sheet};

/// Read an input file — CSV or a spreadsheet — into rows, with any title
/// rows above the header dropped.
pub fn read(path: &std::path::Path, opts: &ReadOptions) -> Result<Sheet, Diagnostic> {
    match open(path, opts)? {
        Opened::Rows(sheet) => Ok(sheet),
        Opened::Csv { mut sheet, text } => {
            sheet.rows = crate::reading::input::CsvRows::new(&sheet.path, &text)?.next_rows(usize::MAX)?;
            Ok(ready(sheet))
        }
    }
}

/// An input file opened: a workbook's rows, or a CSV file's text with its
/// rows still to be read ([`crate::reading::input::CsvRows`], then
/// [`ready`]) a batch at a time.
pub enum Opened {
    Rows(Sheet),
    Csv { sheet: Sheet, text: String },
}

/// Open an input file: a workbook is read into rows (title rows dropped),
/// a CSV file decoded (its `sheet` without rows).
pub fn open(path: &std::path::Path, opts: &ReadOptions) -> Result<Opened, Diagnostic> {
    let name = path.display().to_string();
    let bytes = crate::base::file::read_file(path).map_err(|m| Diagnostic::file(&name, m))?;
    if crate::reading::input::is_workbook(&bytes) {
        let sheet = crate::reading::workbook::read_bytes(&name, &bytes, opts.sheet.as_deref())?;
        return Ok(Opened::Rows(ready(sheet)));
    }
    if let Some(ext) = workbook_extension(path) {
        return Err(Diagnostic::file(
            &name,
            crate::base::lang::msg!(
                zh: "该文件不是有效的 .{ext} 工作簿（可能已损坏或尚未下载完成）",
                en: "the file is not a valid .{ext} workbook (it may be damaged or still downloading)"
            ),
        ));
    }
    let (text, encoding) = crate::reading::input::decode_file(&name, &bytes, opts.encoding_for(path))?;
    let text = lf_lines(text);
    let sheet = Sheet {
        sha256: crate::base::file::sha256_hex(&bytes),
        path: name,
        encoding,
        rows: Vec::new(),
        worksheet: None,
        first_col: 0,
        fractions_unknown: false,
    };
    Ok(Opened::Csv { sheet, text })
}

/// The evidence file at `path` as CSV text for the fast reader
/// (`engine::bulk::Files::with_books`), where it does not read the file
/// itself: a workbook's worksheet ([`crate::reading::workbook::book`]),
/// or, decoded as [`open`] decodes them, a pipe's bytes (read once, and
/// kept for a second reader: [`crate::base::file::read_file`]) or those
/// of a CSV file whose lines end in CR alone.
/// `None` for a CSV file, and for what only [`open`] reads or words.
pub fn book(path: &std::path::Path, opts: &ReadOptions) -> Option<crate::reading::workbook::Book> {
    if crate::base::file::is_regular(path) {
        let head = crate::base::file::head(path, 64 << 10)?;
        if crate::reading::input::is_workbook(&head) {
            return crate::reading::workbook::book(path, opts.sheet.as_deref());
        }
        // Lines ended by CR alone ("CSV (Macintosh)"): the fast reader cuts
        // lines at LF, so the file is given to it as text, its line ends
        // made LF.
        if head.contains(&b'\n') || !head.contains(&b'\r') {
            return None;
        }
    }
    let bytes = crate::base::file::read_file(path).ok()?;
    if crate::reading::input::is_workbook(&bytes) {
        return crate::reading::workbook::book_of(path, bytes, opts.sheet.as_deref());
    }
    if workbook_extension(path).is_some() {
        return None;
    }
    let name = path.display().to_string();
    let (text, _) = crate::reading::input::decode_file(&name, &bytes, opts.encoding_for(path)).ok()?;
    if crate::base::file::is_regular(path) && text.contains('\n') {
        return None; // an LF within a quoted cell after all: read by lines
    }
    let text = lf_lines(text);
    Some(crate::reading::workbook::Book {
        input: crate::model::InputFile {
            path: name,
            sha256: crate::base::file::sha256_hex(&bytes),
            worksheet: None,
            first_col: 0,
        },
        text: text.into_bytes(),
        rows: std::sync::Arc::from([]),
        fractions_unknown: false,
    })
}

/// The text of a CSV file whose lines end in CR alone ("CSV (Macintosh)"),
/// each such line end made LF, so that a record's line is its row, on
/// both readers; a CR within a quoted cell stays. Any other text as it is
/// (with an LF anywhere, the CSV reader's own line ends count).
pub fn lf_lines(text: String) -> String {
    if text.contains('\n') || !text.contains('\r') {
        return text;
    }
    let mut bytes = text.into_bytes();
    let mut quoted = false;
    for b in &mut bytes {
        match *b {
            b'"' => quoted = !quoted,
            b'\r' if !quoted => *b = b'\n',
            _ => {}
        }
    }
    // Only ASCII bytes were changed, for ASCII bytes.
    String::from_utf8(bytes).unwrap_or_default()
}

/// The extension of a workbook's name (`xlsx`, `xls`, …, lower-cased) that
/// `path` has, if any: a file so named that is not a workbook is refused,
/// not read as CSV (a download cut short, a renamed file).
pub fn workbook_extension(path: &std::path::Path) -> Option<String> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    ["xlsx", "xlsm", "xlsb", "xls", "ods"]
        .contains(&ext.as_str())
        .then_some(ext)
}

/// A sheet's first rows made ready to read: any title rows above the
/// header dropped, and a byte-order mark at the start of a row.
pub fn ready(mut sheet: Sheet) -> Sheet {
    sheet.skip_title_rows();
    strip_row_boms(&mut sheet.rows);
    sheet
}

/// Drop a U+FEFF at the start of any row. Two exported CSV files pasted
/// together leave the second one's byte-order mark at the start of a line,
/// where it would become part of a unit id that looks like the real one.
pub fn strip_row_boms(rows: &mut [Row]) {
    for row in rows {
        if let Some(first) = row.cells.first_mut()
            && first.starts_with('\u{feff}')
        {
            *first = first.trim_start_matches('\u{feff}').to_string();
        }
    }
}
