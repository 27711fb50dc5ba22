//! Reading tabular input files: bytes → text → rows.
//!
//! Evidence and units come as CSV saved by Excel/WPS, often GBK on Chinese
//! Windows. This module decides the encoding (UTF-8 with or without BOM,
//! UTF-16 with BOM, else GBK/GB18030 when the bytes are valid as such),
//! the delimiter (comma, or tab for "Unicode text" exports), and yields rows
//! with their 1-based line numbers. It never guesses silently: bytes that are
//! neither UTF-8 nor GB18030 are an error naming the line.

use crate::diag::{Diagnostic, line_of};
use crate::framework::hex;
use sha2::{Digest, Sha256};

/// Text encodings we read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Gb18030,
}

/// One row of a sheet: its line and its cells (trimmed of nothing).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

/// A file read into rows: the first row is the header.
#[derive(Debug, Clone)]
pub struct Sheet {
    /// The path as the user named it.
    pub path: String,
    pub sha256: String,
    pub encoding: Encoding,
    pub rows: Vec<Row>,
}

/// Decode bytes: BOM first, then strict UTF-8, then strict GB18030.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest)
            .map(|s| (s.to_string(), Encoding::Utf8))
            .map_err(|e| {
                let text = String::from_utf8_lossy(rest);
                format!(
                    "line {}: invalid UTF-8 after a UTF-8 byte-order mark",
                    line_of(&text, e.valid_up_to())
                )
            });
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (enc, _) = encoding_rs::Encoding::for_bom(bytes).expect("checked BOM");
        let (text, had_errors) = enc.decode_with_bom_removal(bytes);
        if had_errors {
            return Err("invalid UTF-16 text".to_string());
        }
        return Ok((text.into_owned(), Encoding::Utf16));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((s.to_string(), Encoding::Utf8)),
        Err(utf8_err) => match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
            Some(text) => Ok((text.into_owned(), Encoding::Gb18030)),
            None => {
                let at = utf8_err.valid_up_to();
                let text = String::from_utf8_lossy(&bytes[..at]);
                Err(format!(
                    "line {}: the file is neither UTF-8 nor GBK/GB18030 (byte 0x{:02X} cannot be read); save it as CSV UTF-8",
                    line_of(&text, at),
                    bytes[at]
                ))
            }
        },
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

/// Read a CSV file into rows. Rows whose cells are all blank are dropped
/// (Excel leaves them at the end of exports); every other row is kept,
/// ragged or not, for the caller to judge.
pub fn read_csv(path: &std::path::Path) -> Result<Sheet, Diagnostic> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::file(&name, format!("cannot read: {e}")))?;
    read_csv_bytes(&name, &bytes)
}

/// [`read_csv`] on bytes already in memory.
pub fn read_csv_bytes(name: &str, bytes: &[u8]) -> Result<Sheet, Diagnostic> {
    let sha256 = hex(&Sha256::digest(bytes));
    let (text, encoding) = decode(bytes).map_err(|m| {
        // decode() says "line N: …"; lift N into the location.
        match m.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
            Some((n, rest)) => Diagnostic::at(name, n.parse().unwrap_or(1), rest),
            None => Diagnostic::file(name, m),
        }
    })?;
    if text.contains('\0') {
        let at = text.find('\0').unwrap_or(0);
        return Err(Diagnostic::at(
            name,
            line_of(&text, at),
            "the file contains NUL bytes; it is not a text CSV file",
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(&text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // Lines are counted incrementally from the previous record: counting
    // from the start of the text for every row made big files quadratic.
    let mut counted = (0usize, 1u64);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                // csv's own line count lags after CRLF; derive the line from
                // the byte offset, past any line breaks before the record.
                let start = record.position().map_or(0, |p| p.byte() as usize);
                let skip = text.as_bytes()[start.min(text.len())..]
                    .iter()
                    .take_while(|b| matches!(b, b'\r' | b'\n'))
                    .count();
                let at = (start + skip).min(text.len());
                let (from, line_from) = counted;
                let line = line_from
                    + text.as_bytes()[from.min(at)..at]
                        .iter()
                        .filter(|&&b| b == b'\n')
                        .count() as u64;
                counted = (at, line);
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                rows.push(Row {
                    line,
                    cells: record.iter().map(str::to_string).collect(),
                });
            }
            Err(e) => {
                let line = e.position().map_or(1, |p| line_of(&text, p.byte() as usize));
                return Err(Diagnostic::at(name, line, format!("cannot read CSV: {e}")));
            }
        }
    }
    Ok(Sheet {
        path: name.to_string(),
        sha256,
        encoding,
        rows,
    })
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
    fn keeps_line_numbers_across_quoted_newlines_and_blank_rows() {
        let s = read_csv_bytes("q.csv", b"a,b\r\n\"x\ny\",1\r\n,\r\n\r\nz,2\r\n").unwrap();
        assert_eq!(s.rows.len(), 3);
        assert_eq!(s.rows[1].cells, vec!["x\ny", "1"]);
        assert_eq!(s.rows[2].line, 6);
    }

    #[test]
    fn tab_separated_is_detected() {
        let s = read_csv_bytes("t.txt", b"unit\tA1\nU1\t1\n").unwrap();
        assert_eq!(s.rows[1].cells, vec!["U1", "1"]);
    }

    #[test]
    fn header_keys_are_normalised() {
        assert_eq!(header_key("\u{feff} Unit ID "), "unit_id");
        assert_eq!(header_key("\u{3000}单位\u{3000}"), "单位");
    }
}
