//! A zipped workbook (XLSX, XLSM, XLSB, ODS) checked before calamine reads
//! it.
//!
//! The 512 MiB limit on an input file bounds what lies on disk, not what it
//! inflates to: a 5 MB XLSX can hold 5 GB of whitespace, a 5 KB one can
//! declare 4 billion shared strings (which calamine reserves room for).
//! Every part is inflated here once, in a fixed buffer, and refused past
//! [`MAX_PART`] bytes, past [`MAX_RUN`] bytes of XML without markup (the
//! text or tag an XML reader would have to hold whole) and, for the shared
//! strings, past [`MAX_STRINGS`] strings, declared or real.
//!
//! The worksheets are read for what calamine would silently misread: a
//! formula without a stored result (read as an empty cell: missing
//! evidence, 0 points) and a shared-string reference that is not an index
//! of the table (`-1` reads string 0: a phantom unit).

use crate::base::diag::Diagnostic;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

mod plain;

/// Most bytes one part of a workbook may inflate to. A worksheet of
/// [`super::MAX_SPAN`] (16M) cells at ~40 bytes of XML each is ~640 MiB.
pub const MAX_PART: u64 = 1 << 30;

/// Most bytes of XML between two markup characters (`<`, `>`): one text or
/// one tag. Excel keeps a cell's text to 32,767 characters (~100 KB of
/// UTF-8) and a formula to 8,192.
pub const MAX_RUN: u64 = 1 << 20;

/// Most shared strings a workbook may declare or hold: as many as the cells
/// a sheet may span ([`super::MAX_SPAN`]), ~55 bytes each once read.
pub const MAX_STRINGS: u64 = super::MAX_SPAN;

/// Cells calamine would misread, by worksheet name, in sheet order.
#[derive(Debug, Default)]
pub struct Found {
    sheets: HashMap<String, Vec<Cell>>,
}

/// A cell that cannot be read as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    row: u32,
    col: u32,
    what: Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Problem {
    /// A formula whose result was never stored.
    Uncalculated,
    /// A shared-string reference outside the table (or not a number).
    BadString,
}

impl Found {
    /// A shared-string reference in worksheet `ws` that is not in the
    /// table, if any: the sheet is damaged, header or not.
    pub fn check_damage(&self, name: &str, ws: &str) -> Result<(), Diagnostic> {
        self.report(name, ws, Problem::BadString)
    }

    /// Any cell of worksheet `ws` that cannot be read as it stands.
    pub fn check(&self, name: &str, ws: &str) -> Result<(), Diagnostic> {
        self.check_damage(name, ws)?;
        self.report(name, ws, Problem::Uncalculated)
    }

    /// The cells of worksheet `ws` with this problem, if any: located at
    /// the first, naming a few more and how many there are.
    fn report(&self, name: &str, ws: &str, what: Problem) -> Result<(), Diagnostic> {
        let Some(cells) = self.sheets.get(ws) else {
            return Ok(());
        };
        let Some(first) = cells.iter().find(|c| c.what == what) else {
            return Ok(());
        };
        let same: Vec<&Cell> = cells.iter().filter(|c| c.what == first.what).collect();
        let at = |c: &Cell| {
            format!(
                "{}{}",
                crate::base::diag::column_letters(c.col + 1),
                u64::from(c.row) + 1
            )
        };
        let more = if same.len() > 1 {
            let shown: Vec<String> = same.iter().skip(1).take(5).map(|c| at(c)).collect();
            crate::base::lang::msg!(
                zh: "（另有 {}{}，共 {} 个单元格）",
                en: " (also {}{}; {} cells in all)",
                shown.join(crate::base::lang::m("、", ", ")),
                if same.len() > 6 { "…" } else { "" },
                same.len()
            )
        } else {
            String::new()
        };
        let message = match first.what {
            Problem::Uncalculated => crate::base::lang::msg!(
                zh: "此单元格的公式没有保存计算结果（文件由不计算公式的程序生成），无法当作空白或 0 处理{more}；请用 Excel 或 WPS 打开后保存，或把公式换成数值",
                en: "the formula in this cell has no stored result (the file was written by a program that does not calculate formulas); it is not read as blank or 0{more}: open the file in Excel or WPS and save it, or replace the formula with its value"
            ),
            Problem::BadString => crate::base::lang::msg!(
                zh: "此单元格引用了不存在的共享字符串{more}；文件已损坏，请用 Excel 或 WPS 打开后重新保存",
                en: "this cell refers to a shared string that does not exist{more}; the file is damaged: open it in Excel or WPS and save it again"
            ),
        };
        Err(Diagnostic::at(name, u64::from(first.row) + 1, message).in_sheet(ws, Some(first.col + 1)))
    }
}

/// Why a part was refused.
#[derive(Debug)]
enum Refusal {
    Part,
    Run,
}

/// A reader of one inflated part that refuses it past the limits.
struct Guard<R> {
    inner: R,
    read: u64,
    run: u64,
    xml: bool,
    refused: Option<Refusal>,
}

impl<R: Read> Guard<R> {
    fn new(inner: R, xml: bool) -> Self {
        Guard {
            inner,
            read: 0,
            run: 0,
            xml,
            refused: None,
        }
    }

    fn refuse(&mut self, why: Refusal) -> std::io::Error {
        self.refused = Some(why);
        std::io::Error::other("limit")
    }
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > MAX_PART {
            return Err(self.refuse(Refusal::Part));
        }
        if self.xml && n as u64 <= MAX_RUN {
            // No run between two markup characters of this piece can be too
            // long: only the runs at its ends count.
            let piece = &buf[..n];
            match memchr::memchr2(b'<', b'>', piece) {
                Some(first) => {
                    if self.run + first as u64 > MAX_RUN {
                        return Err(self.refuse(Refusal::Run));
                    }
                    let last = memchr::memrchr2(b'<', b'>', piece).unwrap_or(first);
                    self.run = (n - last - 1) as u64;
                }
                None => {
                    self.run += n as u64;
                    if self.run > MAX_RUN {
                        return Err(self.refuse(Refusal::Run));
                    }
                }
            }
        } else if self.xml {
            let mut rest = &buf[..n];
            while let Some(i) = memchr::memchr2(b'<', b'>', rest) {
                if self.run + i as u64 > MAX_RUN {
                    return Err(self.refuse(Refusal::Run));
                }
                self.run = 0;
                rest = &rest[i + 1..];
            }
            self.run += rest.len() as u64;
            if self.run > MAX_RUN {
                return Err(self.refuse(Refusal::Run));
            }
        }
        Ok(n)
    }
}

/// Check a zipped workbook's parts; the cells calamine would misread. A
/// file that is not a readable archive passes (calamine says it is
/// damaged).
pub fn scan(name: &str, bytes: &[u8]) -> Result<Found, Diagnostic> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(Found::default());
    };
    let refused = |part: &str, message: String| Diagnostic::file(name, message).in_sheet(part, None);
    let too_big = |part: &str| {
        refused(
            part,
            crate::base::lang::msg!(
                zh: "工作簿的这一部分解压后超过 {} MiB，无法读取（正常的佐证表远小于此；文件可能是恶意构造的“压缩炸弹”）；请只保留佐证表格后重新保存",
                en: "this part of the workbook inflates to more than {} MiB, more than can be read (real evidence is far smaller; the file may be a zip bomb): keep only the evidence table and save it again",
                MAX_PART >> 20
            ),
        )
    };
    // Declared sizes first: a bomb that says what it is costs nothing.
    for i in 0..zip.len() {
        if let Ok(f) = zip.by_index_raw(i)
            && f.size() > MAX_PART
        {
            return Err(too_big(&f.name().map(|n| n.into_owned()).unwrap_or_default()));
        }
    }
    let mut strings = None;
    let mut cells: HashMap<String, Vec<(u32, u32, Seen)>> = HashMap::new();
    let xlsx = zip.index_for_name("xl/workbook.xml").is_some();
    for i in 0..zip.len() {
        let Ok(file) = zip.by_index(i) else {
            continue; // calamine says what is wrong with it
        };
        if file.is_dir() {
            continue;
        }
        let part = file.name().map(|n| n.into_owned()).unwrap_or_default();
        let lower = part.to_ascii_lowercase();
        let xml = lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml");
        let mut guard = Guard::new(file, xml);
        let outcome = if xlsx && lower == "xl/sharedstrings.xml" {
            count_strings(name, &part, &mut guard).map(|n| {
                strings = Some(n);
            })
        } else if xlsx && lower.starts_with("xl/worksheets/") && lower.ends_with(".xml") {
            // Inflated whole (as far as it goes), then read in place: the
            // XML reader then copies nothing.
            let mut text = Vec::with_capacity(guard.inner.size().min(MAX_PREALLOC) as usize);
            let _ = guard.read_to_end(&mut text);
            let found = plain::read_cells(&text).unwrap_or_else(|| read_cells(&text));
            cells.insert(part.clone(), found);
            Ok(())
        } else {
            let _ = std::io::copy(&mut guard, &mut std::io::sink());
            Ok(())
        };
        match guard.refused {
            Some(Refusal::Part) => return Err(too_big(&part)),
            Some(Refusal::Run) => {
                return Err(refused(
                    &part,
                    crate::base::lang::msg!(
                        zh: "工作簿的这一部分含有超过 {} MiB 的连续文本或空白，无法读取（Excel 单元格最多 32767 个字符；文件已损坏或是恶意构造的）；请用 Excel 或 WPS 打开后重新保存",
                        en: "this part of the workbook holds a run of more than {} MiB of text or whitespace, more than can be read (an Excel cell holds at most 32,767 characters; the file is damaged or crafted): open it in Excel or WPS and save it again",
                        MAX_RUN >> 20
                    ),
                ));
            }
            None => outcome?,
        }
    }
    if !xlsx {
        return Ok(Found::default());
    }
    let strings = strings.unwrap_or(0);
    let mut found = Found::default();
    for (sheet, part) in sheet_parts(&mut zip) {
        let Some(list) = cells.get(&part) else { continue };
        let bad: Vec<Cell> = list
            .iter()
            .filter_map(|&(row, col, what)| match what {
                Seen::Uncalculated => Some(Cell {
                    row,
                    col,
                    what: Problem::Uncalculated,
                }),
                Seen::String(Some(i)) if i < strings => None,
                Seen::String(_) => Some(Cell {
                    row,
                    col,
                    what: Problem::BadString,
                }),
            })
            .collect();
        if !bad.is_empty() {
            found.sheets.insert(sheet, bad);
        }
    }
    Ok(found)
}

/// How many shared strings `xl/sharedStrings.xml` holds (as calamine
/// counts them: each `si` element with content), refusing a declared or
/// real count past [`MAX_STRINGS`].
fn count_strings<R: Read>(name: &str, part: &str, input: &mut R) -> Result<u64, Diagnostic> {
    let too_many = |n: String| {
        Diagnostic::file(
            name,
            crate::base::lang::msg!(
                zh: "工作簿的共享字符串表有 {n} 项，超过可读取的 {} 项（文件已损坏或是恶意构造的）；请用 Excel 或 WPS 打开后重新保存，或只保留佐证表格",
                en: "the workbook's shared-string table has {n} entries, more than the {} that can be read (the file is damaged or crafted): open it in Excel or WPS and save it again, or keep only the evidence table",
                MAX_STRINGS
            ),
        )
        .in_sheet(part, None)
    };
    let mut xml = Reader::from_reader(BufReader::new(input));
    let mut buf = Vec::new();
    let mut count = 0u64;
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                for key in ["uniqueCount", "count"] {
                    if let Some(v) = attr(&e, key) {
                        let v = v.trim();
                        // Digits too many for a u64 are a count past any limit.
                        let declared = v
                            .parse::<u64>()
                            .ok()
                            .or_else(|| (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())).then_some(u64::MAX));
                        if key == "uniqueCount" && declared.is_some_and(|n| n > MAX_STRINGS) {
                            return Err(too_many(v.to_string()));
                        }
                    }
                }
            }
            Ok(Event::Start(e)) if e.local_name().as_ref() == "si" => {
                count += 1;
                if count > MAX_STRINGS {
                    return Err(too_many(format!("{count}+")));
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(count),
            _ => {}
        }
        buf.clear();
    }
}

/// Most bytes reserved up front for a worksheet from the size its archive
/// declares (which a damaged file may overstate).
const MAX_PREALLOC: u64 = 64 << 20;

/// What a worksheet cell was seen to be.
#[derive(Debug, Clone, Copy)]
enum Seen {
    Uncalculated,
    /// A shared-string reference: its index, if it is one.
    String(Option<u64>),
}

/// The cells of a worksheet that are formulas without a result or
/// shared-string references, as (row, column, what), 0-based. Nothing is
/// kept of a cell but what these need: a sheet of millions of cells is
/// read without a string made for each.
fn read_cells(input: &[u8]) -> Vec<(u32, u32, Seen)> {
    let mut xml = Reader::from_reader(input);
    let mut out = Vec::new();
    let (mut row, mut col) = (0u32, 0u32);
    let mut next_row = 0u32;
    // The cell being read: its type, whether it has a formula; its value
    // (once a `v` element is met), in a buffer kept from cell to cell.
    let mut cell: Option<(CellType, bool)> = None;
    let mut value = String::new();
    let mut has_value = false;
    let mut in_v = false;
    loop {
        let event = match xml.read_event() {
            Ok(Event::Eof) | Err(_) => return out,
            Ok(e) => e,
        };
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "row" => {
                row = with_attr(&e, "r", |r| r.trim().parse::<u32>().ok())
                    .flatten()
                    .map_or(next_row, |r| r.saturating_sub(1));
                next_row = row.saturating_add(1);
                col = 0;
            }
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                if let Some((r, c)) = with_attr(&e, "r", cell_ref).flatten() {
                    (row, col) = (r, c);
                }
                let t = with_attr(&e, "t", |t| CellType::of(Some(t)));
                cell = Some((t.unwrap_or(CellType::of(None)), false));
                value.clear();
                has_value = false;
            }
            Event::Empty(e) if e.local_name().as_ref() == "c" => {
                if let Some((r, c)) = with_attr(&e, "r", cell_ref).flatten() {
                    (row, col) = (r, c);
                }
                col = col.saturating_add(1);
            }
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "f" => {
                if let Some(c) = cell.as_mut() {
                    c.1 = true;
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "v" => {
                in_v = true;
                if cell.is_some() {
                    has_value = true;
                }
            }
            Event::Text(t) if in_v && cell.is_some() => {
                has_value = true;
                value.push_str(&t);
            }
            Event::GeneralRef(_) if in_v && cell.is_some() => {
                has_value = true;
                value.push('&');
            }
            Event::End(e) if e.local_name().as_ref() == "v" => in_v = false,
            Event::End(e) if e.local_name().as_ref() == "c" => {
                if let Some(seen) = cell.take().and_then(|c| seen(c, has_value.then_some(value.as_str()))) {
                    out.push((row, col, seen));
                }
                col = col.saturating_add(1);
            }
            _ => {}
        }
    }
}

/// What a cell of type `t`, with a formula or not, and with its value
/// (`None` without a `v` element), is seen to be, if anything.
fn seen((t, formula): (CellType, bool), value: Option<&str>) -> Option<Seen> {
    let empty = value.is_none_or(|v| v.trim().is_empty());
    if t == CellType::Shared && !empty {
        Some(Seen::String(value?.parse::<u64>().ok()))
    } else if formula && (value.is_none() || (empty && t != CellType::FormulaString)) {
        Some(Seen::Uncalculated)
    } else {
        None
    }
}

/// A cell's type (`t`), as far as [`read_cells`] tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellType {
    /// `s`: a shared-string reference.
    Shared,
    /// `str`: a formula's text result.
    FormulaString,
    /// Any other (a number by default).
    Other,
}

impl CellType {
    /// The type a cell's `t` attribute (if any) says.
    fn of(t: Option<&str>) -> CellType {
        match t {
            Some("s") => CellType::Shared,
            Some("str") => CellType::FormulaString,
            _ => CellType::Other,
        }
    }
}

/// `f` of an attribute's value by local name, unescaped (without a copy
/// unless it holds an entity).
fn with_attr<T>(e: &BytesStart, key: &str, f: impl FnOnce(&str) -> T) -> Option<T> {
    let a = e
        .attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)?;
    let text = quick_xml::escape::unescape(&a.value).ok()?;
    Some(f(&text))
}

/// `B12` as 0-based (row, column).
fn cell_ref(r: &str) -> Option<(u32, u32)> {
    let letters = r.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    let (l, d) = r.split_at(letters);
    if l.is_empty() || l.len() > 3 {
        return None;
    }
    let col = l
        .bytes()
        .fold(0u32, |acc, b| acc * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1));
    let row = d.parse::<u32>().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// An attribute's value by local name, unescaped.
fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find_map(|a| {
        (a.key.local_name().as_ref() == key)
            .then(|| quick_xml::escape::unescape(&a.value).map(|v| v.into_owned()))
            .and_then(Result::ok)
    })
}

/// Each worksheet's name and part, from `xl/workbook.xml` and its
/// relationships.
fn sheet_parts<R: Read + std::io::Seek>(zip: &mut zip::ZipArchive<R>) -> Vec<(String, String)> {
    let mut targets = HashMap::new();
    if let Ok(rels) = zip.by_name("xl/_rels/workbook.xml.rels") {
        each_element(rels, "Relationship", |e| {
            if let (Some(id), Some(target)) = (attr(e, "Id"), attr(e, "Target")) {
                let part = match target.strip_prefix('/') {
                    Some(abs) => abs.to_string(),
                    None => format!("xl/{target}"),
                };
                targets.insert(id, part);
            }
        });
    }
    let mut out = Vec::new();
    if let Ok(book) = zip.by_name("xl/workbook.xml") {
        each_element(book, "sheet", |e| {
            if let (Some(name), Some(id)) = (attr(e, "name"), attr(e, "id"))
                && let Some(part) = targets.get(&id)
            {
                out.push((name, part.clone()));
            }
        });
    }
    out
}

/// Call `f` with every element named `local` in a (small) XML part.
fn each_element(input: impl Read, local: &str, mut f: impl FnMut(&BytesStart)) {
    let mut xml = Reader::from_reader(BufReader::new(Guard::new(input, true)));
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == local => f(&e),
            Ok(Event::Eof) | Err(_) => return,
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref("A1"), Some((0, 0)));
        assert_eq!(cell_ref("AB12"), Some((11, 27)));
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(cell_ref("12"), None);
    }

    #[test]
    fn a_long_run_is_refused_wherever_the_reads_split_it() {
        // MAX_RUN + 1 spaces between two tags, read in 4 KiB pieces.
        let mut text = b"<a>".to_vec();
        text.extend(std::iter::repeat_n(b' ', MAX_RUN as usize + 1));
        text.extend(b"</a>");
        let mut g = Guard::new(&text[..], true);
        assert!(std::io::copy(&mut g, &mut std::io::sink()).is_err());
        assert!(matches!(g.refused, Some(Refusal::Run)));
        // Exactly MAX_RUN passes.
        let mut ok = b"<a>".to_vec();
        ok.extend(std::iter::repeat_n(b' ', MAX_RUN as usize));
        ok.extend(b"</a>");
        let mut g = Guard::new(&ok[..], true);
        assert!(std::io::copy(&mut g, &mut std::io::sink()).is_ok());
    }
}
