//! Which cells of an ODS worksheet show a percentage.
//!
//! calamine gives ODS cells without their number formats, so a cell showing
//! `95%` arrives as 0.95 with nothing to tell. The file does say it: the
//! cell has `office:value-type="percentage"`. This reader finds those cells,
//! numbered the way calamine numbers them (0-based, absolute).
//!
//! It is lenient in one direction only: anything it cannot follow gives
//! `None`, and the caller then treats the formats as unknown (refusing
//! fractions on rates) rather than guessing.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;
use std::io::{BufRead, BufReader, Cursor};
use std::ops::Range;

/// The percentage cells of one worksheet: blocks of cells in row order.
#[derive(Debug, Default)]
pub struct Percents(Vec<Block>);

#[derive(Debug, Clone)]
struct Block {
    rows: Range<u64>,
    cols: Range<u64>,
}

impl Percents {
    /// Is the cell at this (0-based) row and column a percentage?
    pub fn contains(&self, row: u32, col: u32) -> bool {
        let (row, col) = (u64::from(row), u64::from(col));
        // Blocks are sorted by rows, and rows of different blocks either
        // coincide (one ODS row) or do not overlap.
        let first = self.0.partition_point(|b| b.rows.end <= row);
        self.0[first..]
            .iter()
            .take_while(|b| b.rows.start <= row)
            .any(|b| b.cols.contains(&col))
    }

    fn push(&mut self, rows: Range<u64>, cols: Range<u64>) {
        if !rows.is_empty() && !cols.is_empty() {
            self.0.push(Block { rows, cols });
        }
    }
}

// ---- ODS ----

/// The cells of worksheet `sheet` whose value type is `percentage`, from an
/// ODS file's `content.xml`.
pub fn ods(bytes: &[u8], sheet: &str) -> Option<Percents> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let file = zip.by_name("content.xml").ok()?;
    let mut xml = Reader::from_reader(BufReader::new(file));
    // As calamine reads it, so rows and cells are counted alike.
    let config = xml.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.check_comments = false;
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut found = None;
    loop {
        match xml.read_event_into(&mut buf).ok()? {
            // calamine keeps the last of two tables with one name.
            Event::Start(e)
                if e.name() == QName("table:table") && attr(&e, "table:name")?.as_deref() == Some(sheet) =>
            {
                found = Some(ods_table(&mut xml)?);
            }
            Event::Eof => return found,
            _ => {}
        }
        buf.clear();
    }
}

/// The rest of a `table:table`: every `table:table-row` in it (also inside
/// row groups and header rows) is `table:number-rows-repeated` rows.
fn ods_table<R: BufRead>(xml: &mut Reader<R>) -> Option<Percents> {
    let mut out = Percents::default();
    let mut buf = Vec::new();
    let mut row = 0u64;
    loop {
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.name() == QName("table:table-row") => {
                let repeats = count(&e, "table:number-rows-repeated")?;
                ods_row(xml, row..row.saturating_add(repeats), &mut out)?;
                row = row.saturating_add(repeats);
            }
            Event::End(e) if e.name() == QName("table:table") => return Some(out),
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// The cells of a `table:table-row`; covered cells (under a merge) take a
/// column as calamine counts them.
fn ods_row<R: BufRead>(xml: &mut Reader<R>, rows: Range<u64>, out: &mut Percents) -> Option<()> {
    let mut buf = Vec::new();
    let mut skip = Vec::new();
    let mut col = 0u64;
    loop {
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e)
                if e.name() == QName("table:table-cell") || e.name() == QName("table:covered-table-cell") =>
            {
                let repeats = count(&e, "table:number-columns-repeated")?;
                if attr(&e, "office:value-type")?.as_deref() == Some("percentage") {
                    out.push(rows.clone(), col..col.saturating_add(repeats));
                }
                col = col.saturating_add(repeats);
                let end = e.name().as_ref().to_string();
                xml.read_to_end_into(QName(&end), &mut skip).ok()?;
                skip.clear();
            }
            Event::End(e) if e.name() == QName("table:table-row") => return Some(()),
            Event::Eof => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// An attribute's value, unescaped; `Some(None)` when it is absent, `None`
/// when it cannot be read.
fn attr(e: &BytesStart, key: &str) -> Option<Option<String>> {
    for a in e.attributes().with_checks(false) {
        let a = a.ok()?;
        if a.key.as_ref() == key {
            return Some(Some(quick_xml::escape::unescape(&a.value).ok()?.into_owned()));
        }
    }
    Some(None)
}

/// A repeat count (1 when absent).
fn count(e: &BytesStart, key: &str) -> Option<u64> {
    match attr(e, key)? {
        Some(v) => v.trim().parse().ok(),
        None => Some(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ODS file holding this `office:spreadsheet` body.
    fn ods_file(tables: &str) -> Vec<u8> {
        use std::io::Write;
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
        );
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        zip.start_file("META-INF/manifest.xml", stored).unwrap();
        zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>"#)
            .unwrap();
        zip.start_file("content.xml", stored).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap().into_inner()
    }

    fn pct(v: &str) -> String {
        format!(
            r#"<table:table-cell office:value-type="percentage" office:value="{v}"><text:p>x</text:p></table:table-cell>"#
        )
    }

    #[test]
    fn ods_percentages_by_position() {
        let rows = format!(
            r#"<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
            <table:table-header-rows><table:table-row><table:table-cell table:number-columns-repeated="3"/>{p}</table:table-row></table:table-header-rows>
            <table:table-row-group><table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-spanned="2"/><table:covered-table-cell/>{p2}</table:table-row></table:table-row-group>"#,
            p = pct("0.5"),
            p2 = pct("0.25").replace(
                "<table:table-cell ",
                "<table:table-cell table:number-columns-repeated=\"2\" "
            )
        );
        let file = ods_file(&format!(
            r#"<table:table table:name="a&amp;b">{rows}</table:table><table:table table:name="other"><table:table-row>{}</table:table-row></table:table>"#,
            pct("1")
        ));
        let p = ods(&file, "a&b").unwrap();
        let hits: Vec<(u32, u32)> = (0..8)
            .flat_map(|r| (0..8).map(move |c| (r, c)))
            .filter(|&(r, c)| p.contains(r, c))
            .collect();
        assert_eq!(hits, [(2, 3), (3, 2), (3, 3), (4, 2), (4, 3)]);
        assert!(ods(&file, "other").unwrap().contains(0, 0));
        assert!(ods(&file, "missing").is_none());
    }

    /// Cells land where calamine puts them: after repeated empty rows, on
    /// repeated rows, past covered and repeated cells, in a table that
    /// starts in column B.
    #[test]
    fn ods_percentages_read_as_percentages_in_place() {
        let file = ods_file(&format!(
            r#"<table:table table:name="s"><table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
            <table:table-row><table:table-cell/><table:table-cell office:value-type="string"><text:p>unit</text:p></table:table-cell><table:table-cell table:number-columns-repeated="2"/>{}</table:table-row>
            <table:table-row table:number-rows-repeated="2"><table:table-cell/><table:table-cell table:number-columns-spanned="2" office:value-type="float" office:value="0.95"><text:p>0.95</text:p></table:table-cell><table:covered-table-cell/>{}</table:table-row>
            </table:table>"#,
            pct("0.5"),
            pct("0.875").replace(
                "<table:table-cell ",
                "<table:table-cell table:number-columns-repeated=\"2\" "
            )
        ));
        let sheet = crate::workbook::read_bytes("e.ods", &file, Some("s")).unwrap();
        assert!(!sheet.fractions_unknown);
        assert_eq!(sheet.first_col, 1);
        let rows: Vec<(u64, Vec<&str>)> = sheet
            .rows
            .iter()
            .map(|r| (r.line, r.cells.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            rows,
            [
                (3, vec!["unit", "", "", "50%"]),
                (4, vec!["0.95", "", "87.5%", "87.5%"]),
                (5, vec!["0.95", "", "87.5%", "87.5%"]),
            ]
        );
    }

    #[test]
    fn malformed_ods_gives_none() {
        for tables in [
            r#"<table:table table:name="s"><table:table-row><table:table-cell office:value-type="percentage""#.to_string(),
            r#"<table:table table:name="s"><table:table-row table:number-rows-repeated="many"></table:table-row></table:table>"#.to_string(),
            format!(r#"<table:table table:name="s"><table:table-row>{}"#, pct("0.5")),
            r#"<table:table table:name="s&bogus;">"#.to_string(),
        ] {
            assert!(ods(&ods_file(&tables), "s").is_none(), "{tables}");
        }
        assert!(ods(b"PK\x03\x04 not a zip", "s").is_none());
    }

    /// Scramble a few bytes, some within the first `head` bytes.
    fn scrambled(bytes: &[u8], seed: &mut u64, head: usize) -> Vec<u8> {
        let mut out = bytes.to_vec();
        for k in 0..6 {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            let span = if k % 2 == 0 { head.min(out.len()) } else { out.len() };
            out[(*seed % span as u64) as usize] = (*seed >> 32) as u8;
        }
        out
    }

    /// Truncated or scrambled files give an answer or None, never a panic
    /// or a hang.
    #[test]
    fn damaged_files_never_panic() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let file = ods_file(&format!(
            r#"<table:table table:name="s"><table:table-row table:number-rows-repeated="2">{}<table:covered-table-cell/></table:table-row></table:table>"#,
            pct("0.5")
        ));
        for len in 0..file.len() {
            let _ = ods(&file[..len], "s");
        }
        for _ in 0..1500 {
            let _ = ods(&scrambled(&file, &mut seed, file.len()), "s");
        }
    }
}
