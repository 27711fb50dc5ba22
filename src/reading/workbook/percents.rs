//! Which cells of an ODS or XLS worksheet show a percentage.
//!
//! calamine gives XLS and ODS cells without their number formats, so a cell
//! showing `95%` arrives as 0.95 with nothing to tell. The files do say it:
//! an ODS cell has `office:value-type="percentage"`, an XLS cell points to an
//! XF record whose number format shows `%`. These readers find those cells,
//! numbered the way calamine numbers them (0-based, absolute).
//!
//! Both are lenient in one direction only: anything they cannot follow gives
//! `None`, and the caller then treats the formats as unknown (refusing
//! fractions on rates) rather than guessing. Every read is bounds-checked and
//! every chain bounded, so no file can make them panic or loop.

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
        // coincide (one ODS row, one XLS row) or do not overlap.
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
    let mut found = None;
    ods_tables(bytes, |name, xml| {
        let mut out = Percents::default();
        // calamine keeps the last of two tables with one name.
        let wanted = name == sheet;
        ods_table(xml, |rows, cols, cell, _| {
            if wanted && attr(cell, "office:value-type")?.as_deref() == Some("percentage") {
                out.push(rows, cols);
            }
            Some(())
        })?
        .then_some(())?;
        if wanted {
            found = Some(out);
        }
        Some(())
    })?;
    found
}

/// Every worksheet of an ODS file with the cells its values span (a cell
/// with a value type or any content; repeated cells and rows counted as
/// calamine counts them), in file order; none when the file is not an ODS
/// file. calamine makes every worksheet a grid when it opens the file, and
/// one it cannot read to the end may already hold a grid by then: so
/// where `content.xml` stops making sense, what was seen up to there is
/// given, and a value type that cannot be read counts as a value.
///
/// Also whether a table runs to the end of the file (its end tag missing:
/// the file cut short or damaged). calamine reads a table until its end
/// tag, rows and cells as here, and waits for it past the end of the file
/// without end.
pub fn ods_extents(bytes: &[u8]) -> (Vec<(String, Extent)>, bool) {
    let mut out = Vec::new();
    let mut cut = false;
    let _ = ods_tables(bytes, |name, xml| {
        let mut seen = Extent::default();
        // Past u32, a position is as far as counting goes (one short of
        // the end, so that spans still fit).
        let at = |n: u64| u32::try_from(n).unwrap_or(u32::MAX).min(u32::MAX - 1);
        let read = ods_table(xml, |rows, cols, cell, content| {
            if content || attr(cell, "office:value-type").is_none_or(|t| t.is_some()) {
                seen.add(at(rows.start), at(cols.start));
                seen.add(at(rows.end - 1), at(cols.end - 1));
            }
            Some(())
        });
        out.push((name.to_string(), seen));
        cut |= read == Some(false);
        read?.then_some(())
    });
    (out, cut)
}

/// Each `table:table` of an ODS file's `content.xml`, by name, to `table`,
/// which reads it to its end.
fn ods_tables(
    bytes: &[u8],
    mut table: impl FnMut(&str, &mut Reader<BufReader<zip::read::ZipFile<'_, Cursor<&[u8]>>>>) -> Option<()>,
) -> Option<()> {
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
    loop {
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.name() == QName("table:table") => {
                let name = attr(&e, "table:name")?.unwrap_or_default();
                table(&name, &mut xml)?;
            }
            Event::Eof => return Some(()),
            _ => {}
        }
        buf.clear();
    }
}

/// The rest of a `table:table`: every `table:table-row` in it (also inside
/// row groups and header rows) is `table:number-rows-repeated` rows; each
/// cell goes to `cell` with the rows and columns it covers and whether it
/// has content. `false` when the file ends before the table does.
fn ods_table<R: BufRead>(
    xml: &mut Reader<R>,
    mut cell: impl FnMut(Range<u64>, Range<u64>, &BytesStart, bool) -> Option<()>,
) -> Option<bool> {
    let mut buf = Vec::new();
    let mut row = 0u64;
    loop {
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e) if e.name() == QName("table:table-row") => {
                let repeats = count(&e, "table:number-rows-repeated")?;
                ods_row(xml, row..row.saturating_add(repeats), &mut cell)?;
                row = row.saturating_add(repeats);
            }
            Event::End(e) if e.name() == QName("table:table") => return Some(true),
            Event::Eof => return Some(false),
            _ => {}
        }
        buf.clear();
    }
}

/// The cells of a `table:table-row`; covered cells (under a merge) take a
/// column as calamine counts them.
fn ods_row<R: BufRead>(
    xml: &mut Reader<R>,
    rows: Range<u64>,
    cell: &mut impl FnMut(Range<u64>, Range<u64>, &BytesStart, bool) -> Option<()>,
) -> Option<()> {
    let mut buf = Vec::new();
    let mut skip = Vec::new();
    let mut col = 0u64;
    loop {
        match xml.read_event_into(&mut buf).ok()? {
            Event::Start(e)
                if e.name() == QName("table:table-cell") || e.name() == QName("table:covered-table-cell") =>
            {
                let repeats = count(&e, "table:number-columns-repeated")?;
                let end = e.name().as_ref().to_string();
                let inside = xml.read_to_end_into(QName(&end), &mut skip).ok()?;
                skip.clear();
                let cols = col..col.saturating_add(repeats);
                if !rows.is_empty() && !cols.is_empty() {
                    cell(rows.clone(), cols, &e, inside.start < inside.end)?;
                }
                col = col.saturating_add(repeats);
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

// ---- XLS ----

/// The cells of the worksheet at `index` (in the workbook's sheet order,
/// of `sheets` sheets) whose number format shows a percentage, from a BIFF8
/// XLS file (Excel 97 to 2003, and what WPS and LibreOffice save as .xls).
pub fn xls(bytes: &[u8], index: usize, sheets: usize) -> Option<Percents> {
    let stream = cfb_stream(bytes, "Workbook")?;
    let mut records = Records {
        data: &stream,
        pos: 0,
        broken: false,
    };
    // BOF of the workbook globals: BIFF8 as calamine tells it (older
    // versions lay strings out differently; they are left as unknown).
    let (typ, bof) = records.next()?;
    let (version, kind) = (u16_at(bof, 0)?, u16_at(bof, 2).unwrap_or(0));
    if typ != 0x0809
        || matches!(version, 0x0002 | 0x0007 | 0x0200 | 0x0300 | 0x0400 | 0x0500)
        || (version, kind) == (0, 0x1000)
    {
        return None;
    }
    let mut custom = std::collections::HashMap::new();
    let mut xf_formats = Vec::new();
    let mut sheet_at = Vec::new();
    for (typ, data) in records.by_ref() {
        match typ {
            // Format: ifmt, then the format code.
            0x041E => {
                let code = xl_unicode_string(data.get(2..)?)?;
                custom.insert(u16_at(data, 0)?, super::is_percent_format(&code));
            }
            // XF: ifnt, ifmt, …
            0x00E0 => xf_formats.push(u16_at(data, 2)?),
            // BoundSheet8: the stream position of the sheet's BOF.
            0x0085 => sheet_at.push(u32_at(data, 0)?),
            0x000A => break,
            _ => {}
        }
    }
    if records.broken || sheet_at.len() != sheets {
        return None;
    }
    // Built-in formats 9 and 10 are 0% and 0.00%, unless the file restates them.
    let percent_xf: Vec<bool> = xf_formats
        .iter()
        .map(|f| custom.get(f).copied().unwrap_or(matches!(f, 9 | 10)))
        .collect();
    let is_percent = |xf: u16| percent_xf.get(usize::from(xf)).copied().unwrap_or(false);
    let mut out = Percents::default();
    let mut cell = |row: u16, col: u16, xf: u16| {
        if is_percent(xf) {
            let (r, c) = (u64::from(row), u64::from(col));
            out.push(r..r + 1, c..c + 1);
        }
    };
    let mut records = SheetRecords::at(&stream, *sheet_at.get(index)?)?;
    for (typ, data) in records.by_ref() {
        match typ {
            // Number, RK, Formula: row, column, XF, value.
            0x0203 | 0x027E | 0x0006 => cell(u16_at(data, 0)?, u16_at(data, 2)?, u16_at(data, 4)?),
            // MulRk: row, first column, (XF, RK) per column, last column.
            0x00BD => {
                let (row, first) = (u16_at(data, 0)?, u16_at(data, 2)?);
                let n = data.len().checked_sub(6)? / 6;
                for i in 0..n {
                    let col = first.checked_add(u16::try_from(i).ok()?)?;
                    cell(row, col, u16_at(data, 4 + 6 * i)?);
                }
            }
            _ => {}
        }
    }
    if !records.sound() {
        return None;
    }
    out.0.sort_by_key(|b| (b.rows.start, b.cols.start));
    Some(out)
}

/// The cells with values seen so far: the rectangle they span, and the
/// last of them in row order.
#[derive(Debug, Clone, Copy)]
pub struct Extent {
    lo: (u32, u32),
    hi: (u32, u32),
    /// The last cell (row, then column).
    pub far: (u32, u32),
}

impl Default for Extent {
    fn default() -> Extent {
        Extent {
            lo: (u32::MAX, u32::MAX),
            hi: (0, 0),
            far: (0, 0),
        }
    }
}

impl Extent {
    pub fn add(&mut self, row: u32, col: u32) {
        self.lo = (self.lo.0.min(row), self.lo.1.min(col));
        self.hi = (self.hi.0.max(row), self.hi.1.max(col));
        self.far = self.far.max((row, col));
    }

    /// Rows and columns spanned (0 × 0 when no cell was seen).
    pub fn rows_cols(&self) -> (u32, u32) {
        if self.lo.0 > self.hi.0 {
            (0, 0)
        } else {
            (self.hi.0 - self.lo.0 + 1, self.hi.1 - self.lo.1 + 1)
        }
    }

    /// Cells in the rectangle.
    pub fn cells(&self) -> u64 {
        let (rows, cols) = self.rows_cols();
        u64::from(rows) * u64::from(cols)
    }

    /// The first row and column (0-based).
    pub fn first(&self) -> (u32, u32) {
        self.lo
    }
}

/// Can the compound file holding an XLS workbook be followed: its
/// directory, mini stream and workbook stream chains each end, inside the
/// file? The spreadsheet reader follows a looping chain without end.
pub fn xls_sound(bytes: &[u8]) -> bool {
    cfb_stream(bytes, "Workbook")
        .or_else(|| cfb_stream(bytes, "Book"))
        .is_some()
}

/// The largest grid of cells calamine would make for a worksheet of an XLS
/// file, as it makes them: from the sheet's Dimensions record and from the
/// span of its cells with values. `(sheet index, cells, farthest cell)` of
/// the worst sheet; `None` where the records cannot be followed.
pub fn xls_extent(bytes: &[u8]) -> Option<(usize, u64, (u32, u32))> {
    let stream = cfb_stream(bytes, "Workbook").or_else(|| cfb_stream(bytes, "Book"))?;
    let mut records = Records {
        data: &stream,
        pos: 0,
        broken: false,
    };
    let mut sheet_at = Vec::new();
    for (typ, data) in records.by_ref() {
        match typ {
            0x0085 => sheet_at.push(u32_at(data, 0)?),
            0x000A => break,
            _ => {}
        }
    }
    let mut worst: Option<(usize, u64, (u32, u32))> = None;
    for (index, &at) in sheet_at.iter().enumerate() {
        let mut seen = Extent::default();
        let (mut reserved, mut reserved_far) = (0u64, (0u32, 0u32));
        let mut cell = |r: u16, c: u16| seen.add(u32::from(r), u32::from(c));
        for (typ, data) in SheetRecords::at(&stream, at)? {
            match typ {
                // Dimensions: the cells reserved up front, counted as the
                // reader counts them — in 32-bit arithmetic that wraps
                // around, so a first row past the last asks for ~4 billion
                // rows (row and column ends are one past the last).
                0x0200 => {
                    let (rf, rl, cf, cl) = match data.len() {
                        10 => (
                            u32::from(u16_at(data, 0)?),
                            u32::from(u16_at(data, 2)?),
                            u32::from(u16_at(data, 4)?),
                            u32::from(u16_at(data, 6)?),
                        ),
                        14 | 16 => (
                            u32_at(data, 0)?,
                            u32_at(data, 4)?,
                            u32::from(u16_at(data, 8)?),
                            u32::from(u16_at(data, 10)?),
                        ),
                        _ => continue,
                    };
                    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                    let end = if rl >= 1 && cl >= 1 { (rl - 1, cl - 1) } else { (rf, cf) };
                    let rows = u64::from(end.0.wrapping_sub(rf).wrapping_add(1));
                    let cols = u64::from(end.1.wrapping_sub(cf).wrapping_add(1));
                    if rows.saturating_mul(cols) > reserved {
                        reserved = rows.saturating_mul(cols);
                        reserved_far = end;
                    }
                }
                // Number, Label, RString, BoolErr, RK, LabelSst, Formula:
                // row, column, …
                0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 => {
                    cell(u16_at(data, 0)?, u16_at(data, 2)?)
                }
                // MulRk: row, first column, …, last column.
                0x00BD => {
                    let row = u16_at(data, 0)?;
                    cell(row, u16_at(data, 2)?);
                    cell(row, u16_at(data, data.len().checked_sub(2)?)?);
                }
                _ => {}
            }
        }
        let (size, far) = if reserved > seen.cells() {
            (reserved, reserved_far)
        } else {
            (seen.cells(), seen.far)
        };
        if worst.is_none_or(|w| size > w.1) {
            worst = Some((index, size, far));
        }
    }
    worst
}

/// BIFF records (type, data) from a position; stops, marking itself broken,
/// at a record that runs past the end.
struct Records<'a> {
    data: &'a [u8],
    pos: usize,
    broken: bool,
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.data.len() {
            return None;
        }
        let typ = u16_at(self.data, self.pos);
        let len = u16_at(self.data, self.pos + 2);
        let (Some(typ), Some(len)) = (typ, len) else {
            self.broken = true;
            return None;
        };
        let start = self.pos + 4;
        let Some(body) = self.data.get(start..start + usize::from(len)) else {
            self.broken = true;
            return None;
        };
        self.pos = start + usize::from(len);
        Some((typ, body))
    }
}

/// The records of one sheet's own substream, from its BOF to its EOF; the
/// substreams embedded in it (charts), BOF to EOF too, skipped.
struct SheetRecords<'a> {
    records: Records<'a>,
    depth: usize,
    seen_bof: bool,
}

impl<'a> SheetRecords<'a> {
    fn at(data: &'a [u8], pos: u32) -> Option<SheetRecords<'a>> {
        Some(SheetRecords {
            records: Records {
                data,
                pos: usize::try_from(pos).ok()?,
                broken: false,
            },
            depth: 0,
            seen_bof: false,
        })
    }

    /// Was the sheet read whole: its BOF found, every record complete?
    fn sound(&self) -> bool {
        self.seen_bof && !self.records.broken
    }
}

impl<'a> Iterator for SheetRecords<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (typ, data) = self.records.next()?;
            match typ {
                0x0809 if !self.seen_bof => self.seen_bof = true,
                0x0809 => self.depth += 1,
                0x000A if self.depth == 0 => return None,
                0x000A => self.depth -= 1,
                _ if self.depth > 0 => {}
                _ => return Some((typ, data)),
            }
        }
    }
}

/// An `XLUnicodeString`: a 16-bit count, a flag byte, then Latin-1 bytes or
/// UTF-16 units.
fn xl_unicode_string(data: &[u8]) -> Option<String> {
    let n = usize::from(u16_at(data, 0)?);
    let flags = *data.get(2)?;
    let body = data.get(3..)?;
    if flags & 1 == 0 {
        Some(body.get(..n)?.iter().map(|&b| char::from(b)).collect())
    } else {
        let units: Vec<u16> = body
            .get(..2 * n)?
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    }
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn u64_at(data: &[u8], at: usize) -> Option<u64> {
    let b = data.get(at..at.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

// ---- Compound files (MS-CFB) ----

/// Sector numbers at and above this are markers (end of chain, free, …).
const MAX_SECTOR: u32 = 0xFFFF_FFFA;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

/// A top-level stream of an OLE compound file, read whole.
fn cfb_stream(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    if bytes.get(..8)? != [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
        return None;
    }
    let shift = u16_at(bytes, 0x1E)?;
    let mini_shift = u16_at(bytes, 0x20)?;
    // 512- or 4096-byte sectors, 64-byte mini sectors in practice.
    if !(9..=12).contains(&shift) || !(2..shift).contains(&mini_shift) {
        return None;
    }
    let size = 1usize << shift;
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (usize::try_from(id).ok()?.checked_add(1)?).checked_mul(size)?;
        // A short last sector is read as far as it goes.
        bytes.get(start..start.checked_add(size)?.min(bytes.len()))
    };
    let sectors = bytes.len() / size;

    // The FAT: its sectors are listed in the header, then in DIFAT sectors.
    let mut fat_sectors: Vec<u32> = (0..109).map(|i| u32_at(bytes, 0x4C + 4 * i)).collect::<Option<_>>()?;
    let mut difat = u32_at(bytes, 0x44)?;
    for _ in 0..sectors {
        if difat >= MAX_SECTOR {
            break;
        }
        let s = sector(difat)?;
        let ids: Vec<u32> = s
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let (next, listed) = ids.split_last()?;
        fat_sectors.extend_from_slice(listed);
        difat = *next;
    }
    fat_sectors.retain(|&id| id < MAX_SECTOR);
    // Each FAT sector is a sector of the file: a longer list is a loop.
    if fat_sectors.len() > sectors {
        return None;
    }
    let mut fat = Vec::new();
    for &id in &fat_sectors {
        fat.extend(
            sector(id)?
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
    }
    let chain = |start: u32| -> Option<Vec<u8>> {
        let mut out = Vec::new();
        let mut seen = vec![false; fat.len()];
        let mut id = start;
        while id != END_OF_CHAIN {
            // A chain visits each sector at most once.
            let i = usize::try_from(id).ok()?;
            if std::mem::replace(seen.get_mut(i)?, true) {
                return None;
            }
            out.extend_from_slice(sector(id)?);
            id = fat[i];
        }
        Some(out)
    };

    // The directory: 128-byte entries; the root's children are a tree
    // linked by left and right siblings.
    let dir = chain(u32_at(bytes, 0x30)?)?;
    // The mini stream and the mini FAT, walked whenever the header counts
    // mini FAT sectors (as the spreadsheet reader does on opening): a chain
    // that loops there made it grow without end.
    if u32_at(bytes, 0x40)? > 0 {
        let root = dir.get(..128)?;
        chain(u32_at(root, 0x74)?)?;
        chain(u32_at(bytes, 0x3C)?)?;
    }
    let entry = |i: u32| {
        dir.get(usize::try_from(i).ok()?.checked_mul(128)?..)
            .and_then(|d| d.get(..128))
    };
    let root = entry(0)?;
    let mut seen = vec![false; dir.len() / 128];
    let mut stack = vec![u32_at(root, 0x4C)?];
    let found = loop {
        let id = stack.pop()?;
        if id >= MAX_SECTOR || std::mem::replace(seen.get_mut(usize::try_from(id).ok()?)?, true) {
            continue;
        }
        let e = entry(id)?;
        let len = usize::from(u16_at(e, 0x40)?).min(64) / 2;
        let units: Vec<u16> = e[..2 * len]
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .take_while(|&u| u != 0)
            .collect();
        if e[0x42] == 2 && String::from_utf16_lossy(&units).eq_ignore_ascii_case(name) {
            break e;
        }
        stack.push(u32_at(e, 0x44)?);
        stack.push(u32_at(e, 0x48)?);
    };
    let start = u32_at(found, 0x74)?;
    let mut len = u64_at(found, 0x78)?;
    if shift == 9 {
        // Version 3 files may leave garbage in the high half.
        len &= 0xFFFF_FFFF;
    }
    let len = usize::try_from(len).ok()?;
    let data = if (len as u64) < u64::from(u32_at(bytes, 0x38)?) {
        // A small stream lives in the mini stream, in 64-byte sectors
        // chained by the mini FAT.
        let mini = chain(u32_at(root, 0x74)?)?;
        let minifat: Vec<u32> = chain(u32_at(bytes, 0x3C)?)?
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let msize = 1usize << mini_shift;
        let mut out = Vec::new();
        let mut seen = vec![false; minifat.len()];
        let mut id = start;
        while id != END_OF_CHAIN && out.len() < len {
            let i = usize::try_from(id).ok()?;
            if std::mem::replace(seen.get_mut(i)?, true) {
                return None;
            }
            let at = i.checked_mul(msize)?;
            out.extend_from_slice(mini.get(at..at.checked_add(msize)?)?);
            id = minifat[i];
        }
        out
    } else {
        chain(start)?
    };
    if data.len() < len {
        return None;
    }
    let mut data = data;
    data.truncate(len);
    Some(data)
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
        let sheet = crate::reading::workbook::read_bytes("e.ods", &file, Some("s")).unwrap();
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

    const XLS: &[u8] = include_bytes!("../../../tests/fixtures/xls/percent.xls");

    #[test]
    fn xls_percentages_by_position() {
        // Sheet 1 of 2, 佐证: percentages at D4, D5 and D8 (a formula); the
        // plain 0.9 at D7 is not one.
        let p = xls(XLS, 1, 2).unwrap();
        let hits: Vec<(u32, u32)> = (0..12)
            .flat_map(|r| (0..6).map(move |c| (r, c)))
            .filter(|&(r, c)| p.contains(r, c))
            .collect();
        assert_eq!(hits, [(3, 3), (4, 3), (7, 3)]);
        assert!(xls(XLS, 1, 3).is_none(), "a sheet count that does not match");
        let cover = xls(XLS, 0, 2).unwrap();
        assert!(!cover.contains(3, 3));
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
        let big: &[u8] = include_bytes!("../../../tests/fixtures/xls/2023.xls");
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for file in [XLS, big] {
            for len in (0..file.len()).step_by(61) {
                let _ = xls(&file[..len], 1, 2);
            }
            for _ in 0..1500 {
                let _ = xls(&scrambled(file, &mut seed, 2048), 1, 2);
            }
        }
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
