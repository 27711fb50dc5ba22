//! Reading: files streamed in blocks, cut at line ends, their header
//! read into a layout of columns.

use super::*;

/// Bytes read from a file at a time.
pub(super) const BLOCK: usize = 1 << 20;
/// Bytes read for the header (which must fit).
pub(super) const BLOCK_HEADER: usize = 64 << 10;
/// A record longer than this is not read (most likely a quote left open).
pub(super) const MAX_RECORD: usize = 64 << 20;

/// Where the columns of one evidence file are (long or wide).
pub(super) struct Layout {
    pub(super) width: usize,
    pub(super) unit: usize,
    pub(super) indicator: usize,
    pub(super) value: usize,
    pub(super) name: Option<usize>,
    pub(super) note: Option<usize>,
    pub(super) source: Option<usize>,
    /// The rater column (评分人) of a long file.
    pub(super) rater: Option<usize>,
    pub(super) delim: u8,
    /// Wide files (one row per unit): each indicator column and its slot.
    /// `indicator` and `value` are unused then.
    pub(super) wide: Option<Vec<(usize, u32)>>,
    /// Wide files: per slot, its column (`u32::MAX` for none).
    pub(super) slot_col: Vec<u32>,
    /// Columns of a long file left aside (the office's own), as headed.
    pub(super) ignored: Vec<String>,
    /// Each column's heading, trimmed: a problem in a cell names it.
    pub(super) heads: Vec<String>,
    /// The header's line.
    pub(super) line: u64,
    /// A workbook's worksheet, with the row of each line of its text
    /// (`Book::rows`): each value is located by its cell, in its row and
    /// the column [`Layout::value_col`] gives (else by its line alone).
    pub(super) sheet: Option<Arc<[u64]>>,
    /// The worksheet's cell formats could not be read
    /// (`Book::fractions_unknown`): a fraction on a rate is refused.
    pub(super) fractions_unknown: bool,
}

impl Layout {
    /// The column holding the value of a cell of `slot`: the value column
    /// of a long file, the slot's own column of a wide one.
    pub(super) fn value_col(&self, slot: usize) -> Res<usize> {
        if self.wide.is_none() {
            return Ok(self.value);
        }
        match self.slot_col.get(slot) {
            Some(&c) if c != u32::MAX => Ok(c as usize),
            _ => Err(GiveUp),
        }
    }

    /// The column a value of `slot` is located by (`evidence::Cell::col`):
    /// its own in a worksheet, 0 in CSV.
    pub(super) fn origin_col(&self, slot: usize) -> Res<u32> {
        match self.sheet {
            Some(_) => Ok(self.value_col(slot)? as u32),
            None => Ok(0),
        }
    }

    /// The line a record starting on line `line` of the text is located
    /// at: its row, in a worksheet.
    pub(super) fn line(&self, line: u64) -> u64 {
        match &self.sheet {
            Some(rows) => crate::reading::workbook::sheet_row(rows, line),
            None => line,
        }
    }
}

/// A run of whole lines of one file.
pub(super) struct Chunk {
    pub(super) layout: Arc<Layout>,
    pub(super) file: u32,
    pub(super) seq: u32,
    /// The file's last chunk: it may end without a line end.
    pub(super) last: bool,
    /// Line ends in the file before the chunk (counted only when lines are
    /// needed: a unit's rows captured for `explain`).
    pub(super) lines_before: u64,
    /// Where the chunk starts, in bytes over all files read one after the
    /// other.
    pub(super) offset: u64,
    /// Read from a text given whole (a workbook's, a pipe's), whose line
    /// ends are its own: a CR alone in it is not a reason to read the file
    /// again ([`crate::engine::bulk::parse::parse_chunk`]).
    pub(super) whole: bool,
    pub(super) data: Vec<u8>,
}

pub(super) fn csv_reader(delim: u8) -> csv_core::Reader {
    // csv::ReaderBuilder's defaults, as `input::CsvRows` reads the units file.
    csv_core::ReaderBuilder::new().delimiter(delim).build()
}

/// Why [`record`] read no record.
enum Unread {
    /// It does not end in the block (which is not the file's last).
    Short,
    /// It is not text: a NUL byte, or bytes not UTF-8.
    Bad,
}

/// One record of `text` from `from`: its cells and the bytes it took, or
/// `None` at the end of the text.
fn record(text: &[u8], from: usize, delim: u8, eof: bool) -> Result<Option<(Vec<String>, usize)>, Unread> {
    let text = &text[from..];
    let mut core = csv_reader(delim);
    let mut out = vec![0u8; 4096];
    // A wide header has a column per evidence key: as many as it takes.
    let mut ends = vec![0usize; 64];
    let (mut nin, mut nout, mut nend) = (0, 0, 0);
    loop {
        let (res, i, o, e) = core.read_record(&text[nin..], &mut out[nout..], &mut ends[nend..]);
        (nin, nout, nend) = (nin + i, nout + o, nend + e);
        match res {
            csv_core::ReadRecordResult::Record => break,
            csv_core::ReadRecordResult::OutputFull => out.resize(out.len() * 2, 0),
            csv_core::ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
            // Empty input is the end to the reader.
            csv_core::ReadRecordResult::End if eof => return Ok(None),
            csv_core::ReadRecordResult::InputEmpty if eof && nin == text.len() => {
                let (res, _, o, e) = core.read_record(b"", &mut out[nout..], &mut ends[nend..]);
                match res {
                    csv_core::ReadRecordResult::Record => {}
                    csv_core::ReadRecordResult::End => return Ok(None),
                    _ => return Err(Unread::Short),
                }
                (nout, nend) = (nout + o, nend + e);
                break;
            }
            _ => return Err(Unread::Short),
        }
    }
    if memchr::memchr(0, &text[..nin]).is_some() {
        return Err(Unread::Bad);
    }
    let out = std::str::from_utf8(&out[..nout]).map_err(|_| Unread::Bad)?;
    let mut cells = Vec::with_capacity(nend);
    let mut start = 0;
    for &end in &ends[..nend] {
        cells.push(out.get(start..end).ok_or(Unread::Bad)?.to_string());
        start = end;
    }
    Ok(Some((cells, nin)))
}

/// A file's header, read from its first block.
pub(super) enum Head {
    /// The layout, and the number of bytes the header took (byte-order
    /// mark and title rows included).
    Read(Layout, usize),
    /// The header's line, every problem of it ([`heading`]), and the
    /// bytes it took.
    Wrong(u64, Vec<crate::reading::heading::Problem>, usize),
    /// No row with anything on it: the file is empty.
    Empty,
    /// The block ends before the header is found: read more.
    More,
}

/// Read the header of a file from its first block. The header is found
/// as [`crate::reading::input::Sheet::skip_title_rows`] finds it: the
/// first of the first rows not blank that names a unit column, else the
/// first; then read by [`heading`]. A worksheet's text (`sheet`) is
/// comma-separated whatever its first line holds.
pub(super) fn header(block: &[u8], eof: bool, plan: &Plan, sheet: bool) -> Res<Head> {
    let (bom, text) = match block.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None if block.starts_with(b"\xFF\xFE") || block.starts_with(b"\xFE\xFF") => return Err(GiveUp),
        None => (0, block),
    };
    // Tab when the first line has tabs and no commas.
    let first_line = text.split(|&b| b == b'\n').next().unwrap_or(b"");
    let delim = if !sheet && !first_line.contains(&b',') && first_line.contains(&b'\t') {
        b'\t'
    } else {
        b','
    };
    let names_unit = |cells: &[String]| {
        cells
            .iter()
            .any(|c| crate::reading::input::UNIT_ALIASES.contains(&crate::reading::input::header_key(c).as_str()))
    };
    let (mut at, mut rows, mut first) = (0, 0, None);
    let mut found = None;
    let (mut ended, mut short) = (false, false);
    while rows < crate::reading::input::TITLE_LOOK {
        // A record that does not end in the block ends the search.
        let record = match record(text, at, delim, eof) {
            Ok(record) => record,
            Err(Unread::Short) => {
                short = !eof;
                break;
            }
            // A row that is not text below a title: read whole, the file
            // says why (`read::late_text`), never its title a header.
            Err(Unread::Bad) => return Err(GiveUp),
        };
        let Some((cells, used)) = record else {
            ended = true;
            break;
        };
        if !cells.iter().all(|c| c.trim().is_empty()) {
            if names_unit(&cells) {
                found = Some((at, cells, used));
                break;
            }
            first.get_or_insert((at, cells, used));
            rows += 1;
        }
        at += used;
    }
    if found.is_none() && short {
        // Blank or title rows fill the block: the header may be below.
        return Ok(Head::More);
    }
    let Some((start, cells, used)) = found.or(first) else {
        return if ended && eof { Ok(Head::Empty) } else { Err(GiveUp) };
    };
    let nin = start + used;
    // The header's line: past the line ends the record starts with.
    let skip = text[start..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
    let line = 1 + memchr::memchr_iter(b'\n', &text[..start + skip]).count() as u64;
    let h = match heading(plan.fw, &cells) {
        Ok(h) => h,
        Err(problems) => return Ok(Head::Wrong(line, problems, bom + nin)),
    };
    let mut layout = Layout {
        slot_col: Vec::new(),
        width: h.heads.len(),
        unit: h.unit,
        indicator: 0,
        value: 0,
        name: h.name,
        note: None,
        source: None,
        rater: None,
        delim,
        wide: None,
        ignored: Vec::new(),
        heads: Vec::new(),
        line,
        sheet: None,
        fractions_unknown: false,
    };
    match h.shape {
        Shape::Long {
            indicator,
            value,
            note,
            source,
            rater,
            ignored,
        } => {
            (layout.indicator, layout.value, layout.note) = (indicator, value, note);
            (layout.source, layout.rater, layout.ignored) = (source, rater, ignored);
        }
        Shape::Wide { keys } => {
            let keys: Vec<(usize, u32)> = (keys.iter().enumerate())
                .filter_map(|(c, k)| k.map(|(ind, clause)| (c, (plan.first[ind] + clause) as u32)))
                .collect();
            layout.slot_col = vec![u32::MAX; plan.slots.len()];
            for &(c, slot) in &keys {
                layout.slot_col[slot as usize] = c as u32;
            }
            layout.wide = Some(keys);
        }
    }
    layout.heads = h.heads;
    Ok(Head::Read(layout, bom + nin))
}

/// Read until `buf` holds `want` bytes or the file ends; true at the end.
pub(super) fn fill(f: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> Res<bool> {
    let mut len = buf.len();
    if len >= want {
        return Ok(false);
    }
    buf.resize(want, 0);
    let end = loop {
        match f.read(&mut buf[len..]) {
            Ok(0) => break true,
            Ok(n) => {
                len += n;
                if len == want {
                    break false;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Err(GiveUp),
        }
    };
    buf.truncate(len);
    Ok(end)
}

/// Where to cut a block that starts at a record's start: just past the
/// line end of its last whole record, quotes read as the CSV reader reads
/// them (a quote opens a quoted cell only at the cell's start, `""` inside
/// one is a quote, and a line end inside one is the cell's), so that every
/// chunk holds whole records however many lines a quoted note takes.
/// `None` when the block holds no whole record.
pub(super) fn cut_point(buf: &[u8], delim: u8) -> Option<usize> {
    // The last line end in `buf[a..b]`, a stretch outside quotes.
    let line_end = |a: usize, b: usize| memchr::memrchr(b'\n', &buf[a..b]).map(|p| a + p + 1);
    // Only the quotes are looked at: between quoted cells, the last line
    // end is all that matters.
    let (mut last, mut outside, mut at) = (None, 0, 0);
    while let Some(q) = memchr::memchr(b'"', &buf[at..]).map(|q| at + q) {
        at = q + 1;
        // A quote within a cell is itself. One byte-order mark starting a
        // record is passed over first (the CSV reader, reset for each
        // record, drops it).
        let at_start = |p: usize| p == 0 || matches!(buf[p - 1], b'\n' | b'\r');
        let opens =
            at_start(q) || buf[q - 1] == delim || (q >= 3 && buf[q - 3..q] == *b"\xEF\xBB\xBF" && at_start(q - 3));
        if !opens {
            continue;
        }
        last = line_end(outside, q).or(last);
        // The quoted cell, to its closing quote (`""` is a quote).
        loop {
            let Some(c) = memchr::memchr(b'"', &buf[at..]).map(|c| at + c) else {
                return last; // it goes on past the block
            };
            at = c + 1;
            if buf.get(at) != Some(&b'"') {
                break;
            }
            at += 1;
        }
        outside = at;
    }
    line_end(outside, buf.len()).or(last)
}

/// Does `data` hold a CR not followed by an LF? (Without a branch per
/// byte: CRLF text has a CR on every line.)
pub(super) fn lone_cr(data: &[u8]) -> bool {
    if memchr::memchr(b'\r', data).is_none() {
        return false;
    }
    let pairs = data.iter().zip(&data[1..]);
    data.last() == Some(&b'\r') || pairs.fold(false, |lone, (&a, &b)| lone | ((a == b'\r') & (b != b'\n')))
}

/// What a file is read from: the file (transcoded when it must be), or a
/// workbook's text.
enum Input<'t> {
    File(source::Source),
    Text(&'t [u8]),
}

impl Read for Input<'_> {
    fn read(&mut self, dst: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Input::File(f) => f.read(dst),
            Input::Text(t) => t.read(dst),
        }
    }
}

/// Stream every file to the workers as chunks of whole lines; note each
/// file's layout and where it starts over all files (in bytes).
#[allow(clippy::too_many_arguments)]
pub(super) fn read_files(
    paths: &Files,
    tx: mpsc::SyncSender<Chunk>,
    pool: &mpsc::Receiver<Vec<u8>>,
    failed: &AtomicBool,
    block: usize,
    count_lines: bool,
    bases: &mut Vec<u64>,
    layouts: &mut Vec<Arc<Layout>>,
    plan: &Plan,
    mut kept: Option<&mut Vec<Option<Vec<u8>>>>,
) -> Res<()> {
    let mut global = 0u64;
    let take = || pool.try_recv().unwrap_or_else(|_| Vec::with_capacity(block + 4096));
    // The problems of the headers read: once there is one, only headers
    // are read, each file's problems said.
    let mut wrong = Vec::new();
    for (file, path) in paths.iter().enumerate() {
        let mut buf = take();
        // The sample the encoding is told from, and a little more.
        let want = block.max(BLOCK_HEADER + 1);
        let (mut f, mut eof, len) = match paths.book(file) {
            Some(book) => {
                let mut text = &book.text[..];
                let eof = fill(&mut text, &mut buf, want)?;
                (Input::Text(text), eof, book.text.len() as u64)
            }
            None => {
                let mut f = std::fs::File::open(path).map_err(|_| GiveUp)?;
                let len = f.metadata().map_or(0, |m| m.len());
                let eof = fill(&mut f, &mut buf, want)?;
                let encoding = source::text_encoding(&buf, eof, paths.forced(file))?;
                let f = source::Source::new(f, encoding, &mut buf, eof, kept.is_some())?;
                (Input::File(f), eof, len)
            }
        };
        let worksheet = paths.book(file).filter(|b| b.input.worksheet.is_some());
        let mut head = header(&buf, eof, plan, worksheet.is_some())?;
        while matches!(head, Head::More) && buf.len() <= MAX_RECORD {
            // Twice as much, as for a long record.
            let want = buf.len() * 2;
            eof = fill(&mut f, &mut buf, want)?;
            head = header(&buf, eof, plan, worksheet.is_some())?;
        }
        let (mut layout, consumed) = match head {
            Head::Read(layout, consumed) if wrong.is_empty() => (layout, consumed),
            Head::Read(..) => continue,
            Head::More => return Err(GiveUp),
            Head::Wrong(line, mut problems, consumed) => {
                // Nothing below the header either: said first, as it is
                // for a header that reads.
                let rest = &buf[consumed.min(buf.len())..];
                if eof && rest.iter().all(|&b| b.is_ascii_whitespace() || b == b',') {
                    problems.insert(0, (None, crate::reading::heading::no_rows().to_string()));
                }
                wrong.extend(header_problems(paths, file, line, problems));
                continue;
            }
            Head::Empty => {
                wrong.push(crate::base::diag::Diagnostic::file(
                    path.display().to_string(),
                    crate::base::lang::m(
                        "佐证文件为空（应有表头行）",
                        "the evidence file is empty (expected a header row)",
                    ),
                ));
                continue;
            }
        };
        let progress = crate::base::progress::bytes(&path.display().to_string(), len);
        // A worksheet's values are located by their cells; a pipe's
        // text (no worksheet), as a CSV file's are.
        if let Some(book) = worksheet {
            layout.sheet = Some(Arc::clone(&book.rows));
            layout.line = book.row(layout.line);
            layout.fractions_unknown = book.fractions_unknown;
        }
        if let Some(pb) = &progress {
            pb.inc(consumed as u64);
        }
        let layout = Arc::new(layout);
        layouts.push(Arc::clone(&layout));
        let newlines = |b: &[u8]| {
            if count_lines {
                memchr::memchr_iter(b'\n', b).count() as u64
            } else {
                0
            }
        };
        let mut lines_before = newlines(&buf[..consumed]);
        bases.push(global);
        let mut pos = consumed as u64;
        buf.drain(..consumed);
        let mut seq = 0u32;
        loop {
            if failed.load(Ordering::Relaxed) {
                return Err(GiveUp);
            }
            if !eof {
                let want = block.max(buf.len());
                eof = fill(&mut f, &mut buf, want)?;
            }
            let cut = if eof { None } else { cut_point(&buf, layout.delim) };
            let data = match cut {
                None if !eof => {
                    if buf.len() > MAX_RECORD {
                        // A record this long is most likely a quote left open.
                        if let Some(told) = paths.told
                            && let Ok(mut told) = told.lock()
                        {
                            let at = count_lines.then_some(lines_before + 1);
                            told.problems = vec![crate::base::diag::Diagnostic::new(
                                path.display().to_string(),
                                at,
                                crate::base::lang::msg!(
                                    zh: "从此行起的一条记录超过 64 MiB，无法读取：多半是某个引号没有成对（请检查该行的引号）",
                                    en: "the record starting here is longer than 64 MiB and cannot be read: most likely a quote is left open (check this line's quotes)"
                                ),
                            )];
                        }
                        return Err(GiveUp);
                    }
                    // Twice as much: each try reads the block from its start.
                    let want = buf.len() * 2;
                    eof = fill(&mut f, &mut buf, want)?;
                    continue;
                }
                None => std::mem::take(&mut buf),
                Some(cut) => {
                    let mut next = take();
                    next.extend_from_slice(&buf[cut..]);
                    buf.truncate(cut);
                    std::mem::replace(&mut buf, next)
                }
            };
            let chunk = Chunk {
                layout: Arc::clone(&layout),
                file: file as u32,
                seq,
                last: eof,
                lines_before,
                offset: global + pos,
                whole: paths.book(file).is_some(),
                data,
            };
            lines_before += newlines(&chunk.data);
            pos += chunk.data.len() as u64;
            if let Some(pb) = &progress {
                pb.inc(chunk.data.len() as u64);
            }
            tx.send(chunk).map_err(|_| GiveUp)?;
            seq += 1;
            if eof {
                break;
            }
        }
        global += pos;
        if let Some(kept) = &mut kept {
            kept.push(match f {
                Input::File(f) => f.into_kept(),
                Input::Text(_) => None,
            });
        }
        if let Some(pb) = progress {
            pb.finish_and_clear();
        }
    }
    if !wrong.is_empty() {
        if let Some(told) = paths.told
            && let Ok(mut told) = told.lock()
        {
            told.problems = wrong;
        }
        return Err(GiveUp);
    }
    Ok(())
}

/// The `problems` of the header on line `line` of the file at `file`,
/// each at its cell in a worksheet.
fn header_problems(
    paths: &Files,
    file: usize,
    line: u64,
    problems: Vec<crate::reading::heading::Problem>,
) -> Vec<crate::base::diag::Diagnostic> {
    let path = paths[file].display().to_string();
    let book = paths.book(file);
    let line = book.map_or(line, |b| b.row(line));
    (problems.into_iter())
        .map(|(col, m)| {
            let d = crate::base::diag::Diagnostic::at(path.clone(), line, m);
            match book.and_then(|b| b.input.worksheet.as_ref().map(|ws| (ws, b.input.first_col))) {
                Some((ws, first)) => d.in_sheet(ws, col.map(|c| first + c as u32 + 1)),
                None => d,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::cut_point;

    /// The records of `text`, read whole by `csv_core`.
    fn records(text: &[u8], delim: u8) -> Vec<Vec<u8>> {
        let mut r = csv_core::ReaderBuilder::new().delimiter(delim).build();
        let (mut out, mut ends) = (vec![0u8; text.len() + 16], vec![0usize; text.len() + 16]);
        let (mut nin, mut all) = (0, Vec::new());
        loop {
            let (res, i, o, e) = r.read_record(&text[nin..], &mut out, &mut ends);
            nin += i;
            match res {
                csv_core::ReadRecordResult::Record => all.push([&out[..o], format!("|{e}").as_bytes()].concat()),
                csv_core::ReadRecordResult::End => return all,
                _ => {}
            }
        }
    }

    /// Cutting `text` at `at` leaves its records as they are.
    fn whole(text: &[u8], at: usize, delim: u8) -> bool {
        let mut split = records(&text[..at], delim);
        split.extend(records(&text[at..], delim));
        split == records(text, delim)
    }

    #[test]
    fn a_block_is_cut_after_its_last_whole_record_as_the_csv_reader_reads_it() {
        assert_eq!(cut_point(b"a,b\n1,\"x\ny\"\n2,", b','), Some(12));
        assert_eq!(cut_point(b"a,b\n1,\"x\ny", b','), Some(4));
        assert_eq!(cut_point(b"1,5\"\n2,3\n4", b','), Some(9));
        assert_eq!(cut_point(b"\"no end", b','), None);
        // A byte-order mark starting a record, then a quoted cell.
        assert_eq!(cut_point(b"a\n\xEF\xBB\xBF\"x\ny\"\nb", b','), Some(11));
        // Random text of the characters that matter, cut as csv_core reads it.
        let alphabet = b"a,\"\n\r \t";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..4_000 {
            let mut buf = Vec::new();
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            for k in 0..(seed % 40) {
                buf.push(alphabet[((seed >> (k % 50)) as usize + k as usize * 7) % alphabet.len()]);
            }
            for delim in [b',', b'\t'] {
                let text = String::from_utf8_lossy(&buf);
                let cut = cut_point(&buf, delim);
                // A cut leaves every record whole, and no later line end
                // would, the block being followed by more.
                let more = [&buf[..], b"z\n"].concat();
                if let Some(at) = cut {
                    assert!(buf[at - 1] == b'\n' && whole(&more, at, delim), "{text:?}: {at}");
                }
                let after = cut.unwrap_or(0);
                for (p, _) in buf.iter().enumerate().skip(after).filter(|(_, b)| **b == b'\n') {
                    assert!(!whole(&more, p + 1, delim), "{text:?}: {cut:?}, but {}", p + 1);
                }
            }
        }
    }
}
