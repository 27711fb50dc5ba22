//! Reading an input file of any kind — CSV in any encoding, or a
//! workbook — into rows: the one entry above the CSV reader
//! ([`crate::reading::input`]) and the workbook reader ([`crate::reading::workbook`]), so
//! that neither needs the other.

use crate::base::diag::Diagnostic;
use crate::reading::input::{ReadOptions, Row, Sheet};

/// Read an input file — CSV or a spreadsheet — into rows, with any title
/// rows above the header dropped.
pub fn read(path: &std::path::Path, opts: &ReadOptions) -> Result<Sheet, Diagnostic> {
    let name = path.display().to_string();
    let bytes = crate::base::file::read_file(path).map_err(|m| Diagnostic::file(&name, m))?;
    if crate::reading::input::is_workbook(&bytes) {
        let sheet = crate::reading::workbook::read_bytes(&name, &bytes, opts.sheet.as_deref())?;
        return Ok(ready(sheet));
    }
    if let Some(ext) = workbook_extension(path) {
        return Err(not_a_workbook(&name, &ext));
    }
    let (text, encoding) = crate::reading::input::decode_file(&name, &bytes, opts.encoding_for(path))?;
    let text = lf_lines(text);
    let rows = crate::reading::input::CsvRows::new(&name, &text)?.next_rows(usize::MAX)?;
    Ok(ready(Sheet {
        sha256: crate::base::file::sha256_hex(&bytes),
        path: name,
        encoding,
        rows,
        worksheet: None,
        first_col: 0,
        fractions_unknown: false,
    }))
}

/// The problem of the file `name`, named as a workbook (`.{ext}`) without
/// being one.
fn not_a_workbook(name: &str, ext: &str) -> Diagnostic {
    Diagnostic::file(
        name,
        crate::base::lang::msg!(
            zh: "该文件不是有效的 .{ext} 工作簿（可能已损坏或尚未下载完成）",
            en: "the file is not a valid .{ext} workbook (it may be damaged or still downloading)"
        ),
    )
}

/// The evidence file at `path` as CSV text for the fast reader
/// (`engine::bulk::Files::with_books`), where it does not read the file
/// itself: a workbook's worksheet ([`crate::reading::workbook::book_of`]),
/// or, decoded as [`read`] decodes them, a pipe's bytes (read once, and
/// kept for a second reader: [`crate::base::file::read_file`]) or those
/// of a CSV file whose lines end in CR alone. `None` for a CSV file the
/// fast reader reads itself; the problem when the file cannot be read
/// (not found, a directory, a workbook damaged, bytes of a pipe not
/// valid in its encoding).
pub fn text_of(
    path: &std::path::Path,
    opts: &ReadOptions,
) -> Result<Option<crate::reading::workbook::Book>, Diagnostic> {
    let name = path.display().to_string();
    let unread = |m: String| Diagnostic::file(&name, m);
    if crate::base::file::is_regular(path) {
        let Some(head) = crate::base::file::head(path, 64 << 10) else {
            return Err(unread(crate::base::file::read_file(path).err().unwrap_or_default()));
        };
        if crate::reading::input::is_workbook(&head) {
            let bytes = crate::base::file::read_file(path).map_err(unread)?;
            return crate::reading::workbook::book_of(path, bytes, opts.sheet.as_deref()).map(Some);
        }
        if let Some(ext) = workbook_extension(path) {
            return Err(not_a_workbook(&name, &ext));
        }
        // Lines ended by CR alone ("CSV (Macintosh)"): the fast reader cuts
        // lines at LF, so the file is given to it as text, its line ends
        // made LF.
        if !lone_cr(&head) {
            return Ok(None);
        }
    }
    let bytes: std::sync::Arc<[u8]> = match crate::base::file::read_pipe(path) {
        Some(kept) => kept.map_err(unread)?,
        None => crate::base::file::read_file(path).map_err(unread)?.into(),
    };
    if crate::reading::input::is_workbook(&bytes) {
        return crate::reading::workbook::book_of(path, bytes.to_vec(), opts.sheet.as_deref()).map(Some);
    }
    if let Some(ext) = workbook_extension(path) {
        return Err(not_a_workbook(&name, &ext));
    }
    let (text, _) = crate::reading::input::decode_file(&name, &bytes, opts.encoding_for(path))?;
    if crate::base::file::is_regular(path) && cr_line_ends(&text).is_none() {
        crate::reading::input::without_nul(&name, &text)?;
        return Ok(None); // lines ended by LF after all: read as they are
    }
    text_book(path, &bytes, text).map(Some)
}

/// A CSV file by name, read whole and decoded as [`read`] decodes it, as
/// CSV text for the fast reader where it gave up on the file as it reads
/// it: its head misled it (its first [`crate::reading::input::SAMPLE`]
/// bytes UTF-8 and later ones not, as in a GBK file whose first lines are
/// ASCII; a line ended by CR alone past the head, made LF by
/// [`lf_lines`]), or did not tell its encoding. `None` for a workbook or a
/// pipe ([`text_of`] gives them); the problem when the file cannot be
/// read or its bytes are not valid in its encoding.
pub fn late_text(
    path: &std::path::Path,
    opts: &ReadOptions,
) -> Result<Option<crate::reading::workbook::Book>, Diagnostic> {
    if !crate::base::file::is_regular(path) || workbook_extension(path).is_some() {
        return Ok(None);
    }
    let name = path.display().to_string();
    let bytes = crate::base::file::read_file(path).map_err(|m| Diagnostic::file(&name, m))?;
    if crate::reading::input::is_workbook(&bytes) {
        return Ok(None);
    }
    let (text, _) = crate::reading::input::decode_file(&name, &bytes, opts.encoding_for(path))?;
    text_book(path, &bytes, text).map(Some)
}

/// `text`, decoded from `bytes`, the file at `path`, as the fast reader's
/// text, with the lines [`lf_lines`] makes; the problem of a NUL byte,
/// at its line.
fn text_book(path: &std::path::Path, bytes: &[u8], text: String) -> Result<crate::reading::workbook::Book, Diagnostic> {
    let text = lf_lines(text);
    // A NUL byte at its line, the lines made.
    crate::reading::input::without_nul(&path.display().to_string(), &text)?;
    Ok(crate::reading::workbook::Book {
        input: crate::model::InputFile {
            path: path.display().to_string(),
            sha256: crate::base::file::sha256_hex(bytes),
            worksheet: None,
            first_col: 0,
        },
        text: text.into_bytes(),
        rows: std::sync::Arc::from([]),
        fractions_unknown: false,
    })
}

/// The text of a CSV file with lines ending in CR alone ("CSV
/// (Macintosh)", or such lines among LF and CRLF ones), each such line end
/// made LF, so that a record's line is its row, on both readers; a CR or
/// LF within a quoted cell stays. Any other text as it is.
pub fn lf_lines(text: String) -> String {
    let bytes = text.as_bytes();
    if !memchr::memchr_iter(b'\r', bytes).any(|i| bytes.get(i + 1) != Some(&b'\n')) {
        return text;
    }
    let Some(ends) = cr_line_ends(&text) else {
        return text;
    };
    let mut bytes = text.into_bytes();
    for at in ends {
        bytes[at] = b'\n';
    }
    // Only ASCII bytes were changed, for ASCII bytes.
    String::from_utf8(bytes).unwrap_or_default()
}

/// Where the lines of `text` that end in a CR alone end: the CRs outside
/// quoted cells not followed by an LF, read as the CSV reader reads a cell
/// (a quote opens one only where a cell starts; `""` within it is a
/// quote). `None` when there are none.
fn cr_line_ends(text: &str) -> Option<Vec<usize>> {
    let bytes = text.as_bytes();
    // The delimiter as the CSV reader is given it: a tab when the first
    // line has tabs and no commas.
    let first = &bytes[..memchr::memchr2(b'\r', b'\n', bytes).unwrap_or(bytes.len())];
    let delim = match first.contains(&b'\t') && !first.contains(&b',') {
        true => b'\t',
        false => b',',
    };
    let (mut ends, mut quoted, mut start) = (Vec::new(), false, true);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if quoted {
            if b == b'"' {
                match bytes.get(i + 1) {
                    Some(b'"') => i += 1,
                    _ => quoted = false,
                }
            }
        } else {
            match b {
                b'"' if start => quoted = true,
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => ends.push(i),
                _ => {}
            }
            start = b == delim || matches!(b, b'\r' | b'\n');
        }
        i += 1;
    }
    (!ends.is_empty()).then_some(ends)
}

/// Does `head`, the start of a file, have a line end that is a CR alone?
/// Read by 16-bit units in UTF-16, where a character may hold a byte 0x0A
/// or 0x0D. A CR closing `head` does not count: the head may cut a CRLF,
/// and taking it for a lone CR would decode a whole file of CRLF lines
/// for nothing.
fn lone_cr(head: &[u8]) -> bool {
    let unit = |i: usize| -> u16 {
        match head.starts_with(b"\xFE\xFF") {
            true => u16::from_be_bytes([head[i], head[i + 1]]),
            false => u16::from_le_bytes([head[i], head[i + 1]]),
        }
    };
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        let n = head.len() / 2;
        return (1..n.saturating_sub(1)).any(|k| unit(2 * k) == 0x0D && unit(2 * k + 2) != 0x0A);
    }
    (memchr::memchr_iter(b'\r', head)).any(|i| head.get(i + 1).is_some_and(|&b| b != b'\n'))
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

#[cfg(test)]
mod tests {
    use super::{lf_lines, lone_cr};

    #[test]
    fn a_lone_cr_is_found_in_a_head_but_not_where_it_cuts_a_crlf() {
        assert!(lone_cr(b"a,b\r1,2\r"));
        assert!(!lone_cr(b"a,b\r\n1,2\r\n"));
        // The head ends between the CR and the LF of a CRLF.
        assert!(!lone_cr(b"a,b\r\n1,2\r"));
        let utf16 = |t: &str| {
            let mut b = vec![0xFF, 0xFE];
            b.extend(t.encode_utf16().flat_map(u16::to_le_bytes));
            b
        };
        assert!(lone_cr(&utf16("a,上\r1,2\r")));
        assert!(!lone_cr(&utf16("a,上\r\n1,2\r\n")));
        assert!(!lone_cr(&utf16("a,上\r\n1,2\r")));
        let mut be = vec![0xFE, 0xFF];
        be.extend("a\r1\r".encode_utf16().flat_map(u16::to_be_bytes));
        assert!(lone_cr(&be));
    }

    #[test]
    fn line_ends_of_cr_alone_are_made_lf_outside_quoted_cells() {
        let lf = |t: &str| lf_lines(t.to_string());
        assert_eq!(lf("a,b\r1,2\r"), "a,b\n1,2\n");
        // A CR or an LF within a quoted cell stays; "" is a quote there.
        assert_eq!(lf("a,b\r1,\"x\ry\"\r"), "a,b\n1,\"x\ry\"\n");
        assert_eq!(lf("a,b\r1,\"x\ny\"\r2,3\r"), "a,b\n1,\"x\ny\"\n2,3\n");
        assert_eq!(
            lf("a,b\r1,\"say \"\"hi\r\"\"\"\r2,3"),
            "a,b\n1,\"say \"\"hi\r\"\"\"\n2,3"
        );
        // A quote inside a cell opens nothing: 5" is five inches.
        assert_eq!(lf("a,b\r1,5\"\r2,3\r"), "a,b\n1,5\"\n2,3\n");
        assert_eq!(lf("a\tb\r1\t\"x\ry\"\r"), "a\tb\n1\t\"x\ry\"\n");
        // A tab in a file of commas is no delimiter: a quote after it opens
        // nothing.
        assert_eq!(lf("a,b\r1,x\t\"in\r2,3\r"), "a,b\n1,x\t\"in\n2,3\n");
        // A CR alone among lines ended by LF or CRLF is made LF too.
        assert_eq!(lf("a,b\n1,2\r"), "a,b\n1,2\n");
        assert_eq!(lf("a,b\r\n1,2\r3,4\r\n"), "a,b\r\n1,2\n3,4\r\n");
        assert_eq!(lf("u,v\nT01,A1,2,\rT01,A1\n"), "u,v\nT01,A1,2,\nT01,A1\n");
        // Lines ended by LF or CRLF alone: the text as it is.
        for t in ["a,b\n1,2\n", "a,b\r\n1,2\r\n", "a,b,c", ""] {
            assert_eq!(lf(t), t);
        }
    }
}
