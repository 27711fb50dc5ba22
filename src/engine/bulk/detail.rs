//! A unit in full on the bulk path, for the outputs that show every
//! indicator (the JSON result, the rectification list): its cells, merged
//! from the workers' tables, give its outcomes exactly as
//! [`crate::engine::score::evaluate`] does; its rows, read again from the files
//! held in memory where each cell's row starts, give the values, notes and
//! sources as [`crate::engine::score::indicator_results`] describes them.

use super::kernel::has_row;
use super::*;
use crate::engine::score::Outcome;
use crate::model::raters::RaterAmount;

/// Everything reading a unit in full needs: the parsed tables (with each
/// cell's offset) and the files read again.
pub(super) struct Rows<'a, W: Word> {
    pub(super) plan: &'a Plan<'a>,
    tables: &'a [Table<W>],
    /// The files, in order: where each starts over all files, its index,
    /// its bytes.
    pieces: Vec<(u64, usize, &'a [u8])>,
    layouts: &'a [Arc<Layout>],
    /// Per slot: the clause's own key (`a` of `B1/a`), for clause values.
    clauses: Vec<String>,
    /// Per unit, what its cohort amounts followed from.
    pub(super) facts: &'a Facts,
    /// Per unit and item scored by several raters: each rater's row, in
    /// the order given (which of two equal amounts is dropped follows
    /// it).
    rated: FastMap<(&'a [u8], u32), Vec<&'a RatedRow>>,
    /// Per unit of the ranking, its places in `tables` ([`Places`]).
    places: Vec<&'a [(u32, u32)]>,
}

impl<'a, W: Word> Rows<'a, W> {
    /// Rows read from `files`, the evidence held whole again.
    pub(super) fn new(plan: &'a Plan<'a>, parsed: &'a Parsed<W>, files: &'a [Whole]) -> Rows<'a, W> {
        let clauses = plan
            .slots
            .iter()
            .enumerate()
            .map(|(s, slot)| {
                let ind = &plan.fw.indicators[slot.ind];
                let key = ind.slot_key(s - plan.first[slot.ind]);
                key.rsplit('/').next().unwrap_or("").to_string()
            })
            .collect();
        let pieces = parsed
            .bases
            .iter()
            .zip(files)
            .enumerate()
            .map(|(i, (&b, f))| (b, i, &f[..]))
            .collect();
        let mut rated: FastMap<(&[u8], u32), Vec<&RatedRow>> = FastMap::default();
        for r in parsed.tables.iter().flat_map(|t| &t.rated) {
            rated.entry((&*r.0, r.1)).or_default().push(r);
        }
        for rows in rated.values_mut() {
            rows.sort_by_key(|r| r.4);
        }
        let order = &parsed.order;
        let places = (parsed.ranked.iter())
            .map(|&k| {
                order
                    .units
                    .get(k)
                    .and_then(|r| order.locals.get(r.clone()))
                    .unwrap_or(&[])
            })
            .collect();
        Rows {
            plan,
            places,
            tables: &parsed.tables,
            pieces,
            layouts: &parsed.layouts,
            clauses,
            facts: &parsed.facts,
            rated,
        }
    }
}

impl<W: Word> Rows<'_, W> {
    /// Start loading the cells of the `k`-th unit of the ranking (with
    /// `offsets`, where their rows start) into cache.
    pub(super) fn prefetch_cells(&self, k: usize, offsets: bool) {
        for &(t, u) in self.places.get(k).copied().unwrap_or_default() {
            let t = &self.tables[t as usize];
            let (page, off) = t.at(u as usize);
            let cells = &t.pages[page][off..off + t.nslots];
            for line in cells.chunks(64 / std::mem::size_of::<W>()) {
                prefetch(line.as_ptr());
            }
            if let Some(o) = t.offsets.as_ref().filter(|_| offsets) {
                for line in o[page][off..off + t.nslots].chunks(16) {
                    prefetch(line.as_ptr());
                }
            }
        }
    }

    /// Start loading the row at `offset` into cache.
    fn prefetch(&self, offset: u64) {
        if let Some((_, data)) = self.at(offset) {
            // Rows are short, but a row is split 64 bytes at a time
            // (`scan_line`): the cache lines of the first two windows.
            if let Some(b) = data.first() {
                prefetch(b);
                let start = b as *const u8 as usize;
                for ahead in [64, 128] {
                    if let Some(next) = data.get(ahead - start % 64) {
                        prefetch(next);
                    }
                }
            }
        }
    }

    /// The layout of file `file`.
    pub(super) fn layout(&self, file: usize) -> Option<&Layout> {
        self.layouts.get(file).map(|l| &**l)
    }

    /// Where the row of item `i` of unit `id` that the item's results name
    /// (their `origin`) starts over all files, and its slot:
    /// the first rater who gave a value (or 不适用) of an item scored by
    /// several raters, else the first slot with a row. `cells` and
    /// `offsets` are the unit's (see [`Full`]).
    pub(super) fn origin(&self, id: &str, i: usize, cells: &[u32], offsets: &[u32]) -> Option<(u64, usize)> {
        let plan = self.plan;
        let first = plan.first[i];
        if plan.fw.indicators[i].raters.is_some() {
            let given = self.rated.get(&(id.as_bytes(), first as u32))?;
            return given
                .iter()
                .find(|r| super::kernel::given(r.3))
                .map(|r| (u64::from(r.4), first));
        }
        (first..first + plan.fw.indicators[i].slots())
            .find(|&s| has_row(cells[s]))
            .map(|s| (u64::from(offsets[s]), s))
    }

    /// The bytes from `offset` (over all files) to the end of its piece,
    /// with the file they are in.
    pub(super) fn at(&self, offset: u64) -> Option<(usize, &[u8])> {
        let i = self.pieces.partition_point(|p| p.0 <= offset).checked_sub(1)?;
        let &(start, file, data) = self.pieces.get(i)?;
        Some((file, data.get((offset - start) as usize..)?))
    }
}

/// Every evidence file again, mapped (the rows of each unit are found by
/// offset), or `None` when one changed size or is too large for the
/// offsets kept. A file transcoded is taken from `kept`, what it was
/// decoded to as it was parsed (when there), not decoded again.
pub(super) fn read_again(paths: &Files, bases: &[u64], kept: Vec<Option<Vec<u8>>>) -> Option<Vec<Whole>> {
    read_whole_with(paths, kept).filter(|files| as_parsed(files, bases))
}

/// An evidence file held whole for its rows to be found again.
pub(super) enum Whole {
    /// Mapped from the page cache, where the parse has just left it, with
    /// its SHA-256 if hashed already ([`super::early`]).
    Mapped(memmap2::Mmap, Option<String>),
    /// Read into memory, where a file cannot be mapped.
    Read(Vec<u8>),
    /// Transcoded to UTF-8 (GBK, UTF-16), or a workbook's worksheet as CSV
    /// text, with the SHA-256 of the file.
    Decoded(Vec<u8>, Digest),
}

/// The SHA-256 of a file transcoded: known, or worked out from the file,
/// mapped, when asked for. Hashing a file of hundreds of MB takes a core
/// a quarter of a second, and the list, which shows no digest, never asks.
pub(super) enum Digest {
    Known(String),
    Of(memmap2::Mmap),
}

impl std::ops::Deref for Whole {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Whole::Mapped(m, _) => m,
            Whole::Read(v) | Whole::Decoded(v, _) => v,
        }
    }
}

impl Whole {
    /// The SHA-256 of the file, in hex.
    pub(super) fn sha256(&self) -> String {
        match self {
            Whole::Decoded(_, Digest::Known(d)) | Whole::Mapped(_, Some(d)) => d.clone(),
            Whole::Decoded(_, Digest::Of(file)) => crate::base::file::sha256_hex(file),
            _ => crate::base::file::sha256_hex(self),
        }
    }

    /// The file as the workers parsed it: transcoded to UTF-8 when it is
    /// not UTF-8 already (or `forced` says it is not), or `kept` when given.
    fn into_parsed(self, forced: Option<ForcedEncoding>, kept: Option<Vec<u8>>) -> std::io::Result<Whole> {
        let invalid = || std::io::Error::from(std::io::ErrorKind::InvalidData);
        match super::source::text_encoding(&self, true, forced).map_err(|_| invalid())? {
            None => Ok(self),
            Some(encoding) => {
                let text = match kept {
                    Some(text) => text,
                    None => super::source::decode_whole(&self, encoding).ok_or_else(invalid)?,
                };
                let digest = match self {
                    Whole::Mapped(_, Some(d)) => Digest::Known(d),
                    Whole::Mapped(file, None) => Digest::Of(file),
                    raw => Digest::Known(crate::base::file::sha256_hex(&raw)),
                };
                Ok(Whole::Decoded(text, digest))
            }
        }
    }
}

/// Every unit scored and ranked, with the evidence files read again whole
/// (each cell keeping its row's offset): what every output showing every
/// unit in full starts from. The inputs carry their digests. `None` when
/// the bulk path does not apply, or a file changed since it was parsed.
pub(super) fn scored_with_files<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    period: Option<String>,
) -> Option<(Parsed<W>, Assessment, Vec<Whole>)> {
    let mut parsed = parse::<W>(plan, units, paths, None, Reread::Files)?;
    let kept = std::mem::take(&mut parsed.kept);
    // The files are mapped again, and hashed, while the units are merged
    // and ranked, on a core the ranking leaves idle: a file hashed since
    // the run started ([`super::early`]) is taken as it is, one
    // transcoded is taken as decoded for the parse.
    let (mut a, placed, files, digests) = std::thread::scope(|s| {
        let bases = &parsed.bases;
        let again = s.spawn(move || {
            let files = read_again(paths, bases, kept)?;
            let digests: Vec<String> = files.iter().map(Whole::sha256).collect();
            Some((files, digests))
        });
        let ranked = merge_tallied::<W, ()>(plan, units, paths, &parsed, None)
            .and_then(|parts| finish_placed(plan.fw, parts, units, paths, period));
        let again = again.join().ok().flatten();
        let ((a, _, placed), (files, digests)) = (ranked.ok()?, again?);
        Some((a, placed, files, digests))
    })?;
    parsed.ranked = placed;
    for (input, d) in a.inputs.iter_mut().zip(digests) {
        input.sha256 = d;
    }
    Some((parsed, a, files))
}

/// Every evidence file whole, or `None` when one cannot be read, is not
/// UTF-8 throughout (as when parsed, so that every field cut at its
/// delimiters is too) or is too large for the offsets kept; each file
/// transcoded taken from `kept` where given.
fn read_whole_with(paths: &Files, mut kept: Vec<Option<Vec<u8>>>) -> Option<Vec<Whole>> {
    kept.resize_with(paths.len(), || None);
    // Each file, and whether it is known to be UTF-8 throughout: hashed
    // early and found so then.
    let read = |p: &PathBuf| -> std::io::Result<(Whole, bool)> {
        let hashed = paths.early.and_then(|e| e.take(p));
        let sha256 = match hashed {
            Some(super::early::Hashed {
                map: Some(map), sha256, ..
            }) => return Ok((Whole::Mapped(map, Some(sha256)), true)),
            Some(h) => Some(h.sha256),
            None => None,
        };
        let mut f = std::fs::File::open(p)?;
        // The file was just parsed, so its pages are in the page cache:
        // mapping them costs no copy and no fresh memory (which, zeroed
        // page by page, took longer than the copy). Reading it instead
        // takes a second copy of the file in memory.
        //
        // SAFETY: the map is only read, as bytes. Were the file changed
        // while mapped, the bytes seen could change: every row read again
        // is checked to be the row parsed (same unit), and a file cut
        // short underneath would end the process with SIGBUS — before
        // the output, written to a temporary file, is put in place.
        if let Ok(m) = unsafe { memmap2::Mmap::map(&f) } {
            // Rows are read in no order: ask for read-ahead off.
            let _ = m.advise(memmap2::Advice::Random);
            return Ok((Whole::Mapped(m, sha256), false));
        }
        let len = f.metadata()?.len() as usize;
        // Rows are read in no order: huge pages spare most TLB misses.
        let mut v = Vec::with_capacity(len + 1);
        huge_pages_raw(v.as_ptr() as usize, v.capacity());
        f.read_to_end(&mut v)?;
        Ok((Whole::Read(v), false))
    };
    let (files, checked): (Vec<Whole>, Vec<bool>) = (paths.iter().enumerate())
        .zip(kept)
        .map(|((i, p), kept)| match paths.book(i) {
            Some(book) => Ok((
                Whole::Decoded(book.text.clone(), Digest::Known(book.input.sha256.clone())),
                false,
            )),
            None => read(p).and_then(|(f, checked)| {
                let f = f.into_parsed(paths.forced(i), kept)?;
                // What a decoder wrote is UTF-8 (`encoding_rs`'s promise).
                let decoded = matches!(f, Whole::Decoded(..));
                Ok((f, checked || decoded))
            }),
        })
        .collect::<std::io::Result<Vec<_>>>()
        .ok()?
        .into_iter()
        .unzip();
    if (files.iter().zip(&checked)).any(|(f, &c)| !c && simdutf8::basic::from_utf8(f).is_err()) {
        return None;
    }
    let total: u64 = files.iter().map(|f| f.len() as u64).sum();
    (total < u32::MAX as u64).then_some(files)
}

/// Are these the files as parsed: each starting where the ones before it
/// end?
pub(super) fn as_parsed(files: &[Whole], bases: &[u64]) -> bool {
    let mut at = 0u64;
    bases.len() == files.len()
        && files.iter().zip(bases).all(|(f, &b)| {
            let ok = b == at;
            at += f.len() as u64;
            ok
        })
}

/// A text of the unit: a range of `Full::text`.
type Span = (u32, u32);

/// One unit in full. Reused from unit to unit, so that reading a unit
/// allocates nothing once the buffers have grown.
pub(super) struct Full {
    /// Cells per slot, merged over the tables.
    pub(super) cells: Vec<u32>,
    offsets: Vec<u32>,
    /// Per indicator, as `crate::engine::score::evaluate` gives it.
    pub(super) outcomes: Vec<Outcome>,
    /// UTF-8: pieces of the files, which are, cut at ASCII bytes.
    text: Vec<u8>,
    /// Per slot: value as given, note, source.
    slot_text: Vec<[Span; 3]>,
    /// Per indicator: value (`None` without rows), note, source.
    ind_text: Vec<(Option<Span>, Span, Span)>,
    /// Per indicator scored by several raters: each rater's amount.
    raters: Vec<Vec<RaterAmount>>,
    /// Scratch of `describe`: the slots of an item with a row, and the
    /// texts already joined (kept so that no unit allocates them).
    present: Vec<usize>,
    seen: Vec<Span>,
    pub(super) known: super::tally::Known,
    sc: Scratch,
    /// Where the row whose fields `sc` holds, split in place, starts: a
    /// wide row gives each of its cells, and is split once for them all.
    split: Option<u64>,
}

impl Full {
    pub(super) fn new() -> Full {
        Full {
            cells: Vec::new(),
            offsets: Vec::new(),
            outcomes: Vec::new(),
            text: Vec::new(),
            slot_text: Vec::new(),
            ind_text: Vec::new(),
            raters: Vec::new(),
            present: Vec::new(),
            seen: Vec::new(),
            known: super::tally::Known::default(),
            split: None,
            sc: Scratch {
                core: csv_reader(b','),
                delim: b',',
                out: vec![0; 4096],
                ends: vec![0; 64],
                fields: Vec::new(),
            },
        }
    }

    /// Where the row of the cell at `slot` starts (kept with `text`).
    pub(super) fn offset(&self, slot: usize) -> u64 {
        self.offsets.get(slot).map_or(0, |&o| o as u64)
    }

    /// Where the row of item `i`'s results starts (see [`Rows::origin`]).
    pub(super) fn origin<W: Word>(&self, rows: &Rows<W>, id: &str, i: usize) -> Option<(u64, usize)> {
        rows.origin(id, i, &self.cells, &self.offsets)
    }

    /// The value and note of the unit's row at `offset`, read on their
    /// own (the texts read before are dropped).
    pub(super) fn value_note<W: Word>(
        &mut self,
        rows: &Rows<W>,
        id: &str,
        offset: u64,
        slot: usize,
    ) -> Res<(&[u8], &[u8])> {
        self.text.clear();
        let [value, note, _] = self.row(rows, id, offset, slot)?;
        Ok((self.get(value), self.get(note)))
    }

    fn get(&self, s: Span) -> &[u8] {
        self.text.get(s.0 as usize..s.1 as usize).unwrap_or(b"")
    }

    /// An indicator's evidence as given (`a=1;b=0` for clause items),
    /// `None` when no row names it; UTF-8.
    pub(super) fn value(&self, i: usize) -> Option<&[u8]> {
        self.ind_text[i].0.map(|s| self.get(s))
    }

    /// An indicator's notes: each distinct one once, joined by `；`; UTF-8.
    pub(super) fn note(&self, i: usize) -> &[u8] {
        self.get(self.ind_text[i].1)
    }

    /// An indicator's sources, as its notes.
    pub(super) fn source(&self, i: usize) -> &[u8] {
        self.get(self.ind_text[i].2)
    }

    /// Each rater's amount of an item scored by several raters, in the
    /// order given; empty for any other item.
    pub(super) fn raters(&self, i: usize) -> &[RaterAmount] {
        self.raters.get(i).map_or(&[], Vec::as_slice)
    }

    /// Read unit `id`, first half: its cells, and with `text` a request to
    /// load its rows into cache, so that the rows of one unit
    /// load while the one before it is finished.
    pub(super) fn gather<W: Word>(&mut self, rows: &Rows<W>, (k, id): (usize, &str), text: bool) -> Res<()> {
        // The next unit's cells, asked for while this one's are read.
        rows.prefetch_cells(k + 1, text);
        self.cells_of(rows, (k, id), text)?;
        if text {
            self.prefetch(rows, None);
        }
        Ok(())
    }

    /// The cells of unit `id`, `k`-th in the ranking, and with `text`
    /// where their rows start.
    pub(super) fn cells_of<W: Word>(&mut self, rows: &Rows<W>, (k, id): (usize, &str), text: bool) -> Res<()> {
        let n = rows.plan.slots.len();
        let places = *rows.places.get(k).ok_or(GiveUp)?;
        // The unit the ranking has there (and so for every unit).
        let &(t, u) = places.first().ok_or(GiveUp)?;
        if rows.tables[t as usize].units.get(u as usize).map(|b| &**b) != Some(id.as_bytes()) {
            return Err(GiveUp);
        }
        self.cells.clear();
        self.cells.resize(n, UNSEEN);
        super::merge::gather(rows.tables, places, &mut self.cells)?;
        self.offsets.clear();
        self.offsets.resize(n, 0);
        if text {
            // Where the rows of each place's cells start.
            for &(t, u) in places {
                let t = &rows.tables[t as usize];
                let (page, off) = t.at(u as usize);
                let cells = &t.pages[page][off..off + t.nslots];
                let offsets = &t.offsets.as_ref().ok_or(GiveUp)?[page][off..off + t.nslots];
                for ((o, &c), &at) in self.offsets.iter_mut().zip(cells).zip(offsets) {
                    if has_row(c.get()) {
                        *o = at;
                    }
                }
            }
        }
        Ok(())
    }

    /// Request to load the rows of the unit's cells into cache (with
    /// `wanted`, per indicator, only those of the indicators wanted).
    pub(super) fn prefetch<W: Word>(&self, rows: &Rows<W>, wanted: Option<&[bool]>) {
        for (slot, s) in rows.plan.slots.iter().enumerate() {
            if has_row(self.cells[slot]) && wanted.is_none_or(|w| w.get(s.ind).copied().unwrap_or(false)) {
                rows.prefetch(self.offsets[slot] as u64);
            }
        }
    }

    /// Read unit `id` of `category`, second half, once gathered: its
    /// outcomes, and with `text` its values, notes and sources.
    pub(super) fn finish<W: Word>(&mut self, rows: &Rows<W>, id: &str, category: &str, text: bool) -> Res<()> {
        let plan = rows.plan;
        self.outcomes.clear();
        for (i, ind) in plan.fw.indicators.iter().enumerate() {
            let cells = &self.cells[plan.first[i]..plan.first[i] + ind.slots()];
            self.outcomes
                .push(self.known.outcome(plan, i, cells, category)?.map(dec));
        }
        if text {
            self.describe(rows, id, None)?;
        }
        Ok(())
    }

    /// The unit's rows read again: each slot's texts, then each
    /// indicator's as `crate::engine::score::indicator_results` describes them; with `wanted`
    /// (per indicator) only those of the indicators wanted, the others
    /// left without rows.
    pub(super) fn describe<W: Word>(&mut self, rows: &Rows<W>, id: &str, wanted: Option<&[bool]>) -> Res<()> {
        let plan = rows.plan;
        self.text.clear();
        self.slot_text.clear();
        for slot in 0..plan.slots.len() {
            let ind = plan.slots[slot].ind;
            let skip = wanted.is_some_and(|w| !w.get(ind).copied().unwrap_or(false));
            // A rater item's cell is settled from several rows: read below.
            if !has_row(self.cells[slot]) || skip || plan.fw.indicators[ind].raters.is_some() {
                self.slot_text.push([(0, 0); 3]);
                continue;
            }
            let spans = self.row(rows, id, self.offsets[slot] as u64, slot)?;
            self.slot_text.push(spans);
        }
        self.ind_text.clear();
        self.raters.iter_mut().for_each(Vec::clear);
        self.raters.resize_with(plan.fw.indicators.len(), Vec::new);
        for (i, ind) in plan.fw.indicators.iter().enumerate() {
            let slots = plan.first[i]..plan.first[i] + ind.slots();
            if wanted.is_some_and(|w| !w.get(i).copied().unwrap_or(false)) {
                self.ind_text.push((None, (0, 0), (0, 0)));
                continue;
            }
            if let Some(raters) = ind.raters {
                let texts = self.describe_raters(rows, id, i, raters)?;
                self.ind_text.push(texts);
                continue;
            }
            if slots.len() == 1 {
                // One slot (nearly every indicator): its texts as they are.
                let s = slots.start;
                let t = self.slot_text[s];
                self.ind_text.push(if !has_row(self.cells[s]) {
                    (None, (0, 0), (0, 0))
                } else {
                    (Some(t[0]), t[1], t[2])
                });
                continue;
            }
            let mut present = std::mem::take(&mut self.present);
            present.clear();
            present.extend(slots.clone().filter(|&s| has_row(self.cells[s])));
            if present.is_empty() {
                self.ind_text.push((None, (0, 0), (0, 0)));
                self.present = present;
                continue;
            }
            let start = self.text.len() as u32;
            for s in slots.clone() {
                if s > slots.start {
                    self.text.push(b';');
                }
                self.text.extend_from_slice(rows.clauses[s].as_bytes());
                self.text.push(b'=');
                if has_row(self.cells[s]) {
                    let (a, b) = self.slot_text[s][0];
                    self.text.extend_from_within(a as usize..b as usize);
                }
            }
            let value = (start, self.text.len() as u32);
            let note = self.join(&present, 1);
            let source = self.join(&present, 2);
            self.present = present;
            self.ind_text.push((Some(value), note, source));
        }
        Ok(())
    }

    /// An item scored by several raters, as `score::indicator_results` shows it:
    /// each rater's amount, in the order given, and whether it was
    /// dropped; the value `张三 8；李四 9`, the notes `张三：…` and the
    /// sources of the raters who gave a value (or 不适用), joined.
    fn describe_raters<W: Word>(
        &mut self,
        rows: &Rows<W>,
        id: &str,
        i: usize,
        raters: crate::model::raters::Raters,
    ) -> Res<(Option<Span>, Span, Span)> {
        let slot = rows.plan.first[i];
        let given = rows
            .rated
            .get(&(id.as_bytes(), slot as u32))
            .map_or(&[][..], Vec::as_slice);
        let text = |b: &[u8]| std::str::from_utf8(b).map(str::to_string).map_err(|_| GiveUp);
        let (mut each, mut amounts, mut exempt) = (Vec::new(), Vec::new(), 0);
        let mut present: Vec<crate::model::raters::RaterTexts> = Vec::new();
        for r in given {
            // A row without a value is counted among the raters, not
            // shown; a value without an amount is shown, not counted.
            if !super::kernel::given(r.3) {
                continue;
            }
            let gives = super::merge::rater_gives(r.3);
            let [value, note, source] = self
                .row(rows, id, u64::from(r.4), slot)?
                .map(|(a, b)| a as usize..b as usize);
            let name = self.text.len()..self.text.len() + r.2.len();
            self.text.extend_from_slice(&r.2);
            present.push([name, value.clone(), note, source]);
            let amount = match gives {
                Outcome::Amount(amount) => amount,
                Outcome::Exempt => {
                    exempt += 1;
                    continue;
                }
                _ => continue,
            };
            amounts.push(amount);
            each.push(RaterAmount {
                rater: text(&r.2)?,
                value: text(&self.text[value])?,
                amount,
                dropped: false,
            });
        }
        for (r, d) in each.iter_mut().zip(raters.outcome(given.len(), exempt, &amounts).1) {
            r.dropped = d;
        }
        self.raters[i] = each;
        if present.is_empty() {
            return Ok((None, (0, 0), (0, 0)));
        }
        let span = |r: std::ops::Range<usize>| (r.start as u32, r.end as u32);
        let [value, note, source] = crate::model::raters::describe_texts(&mut self.text, &present).map(span);
        Ok((Some(value), note, source))
    }

    /// Texts joined by `；`, each distinct non-empty one once: text
    /// `field` (1 the note, 2 the source) of each slot in `slots`.
    fn join(&mut self, slots: &[usize], field: usize) -> Span {
        let start = self.text.len();
        let mut seen = std::mem::take(&mut self.seen);
        seen.clear();
        for &slot in slots {
            let s = self.slot_text[slot][field];
            if s.1 == s.0 || seen.iter().any(|&t| self.get(t) == self.get(s)) {
                continue;
            }
            if !seen.is_empty() {
                self.text.extend_from_slice("；".as_bytes());
            }
            self.text.extend_from_within(s.0 as usize..s.1 as usize);
            seen.push(s);
        }
        let joined = match seen[..] {
            [one] => {
                self.text.truncate(start);
                one
            }
            _ => (start as u32, self.text.len() as u32),
        };
        self.seen = seen;
        joined
    }

    /// The row starting at `offset` (over all files): its value for
    /// `slot`, note and source, added to `text`. The row must be the
    /// unit's.
    fn row<W: Word>(&mut self, rows: &Rows<W>, id: &str, offset: u64, slot: usize) -> Res<[Span; 3]> {
        let (file, data) = rows.at(offset).ok_or(GiveUp)?;
        let l = &**rows.layouts.get(file).ok_or(GiveUp)?;
        if self.split == Some(offset) {
            return spans(&mut self.text, l, data, &self.sc.fields, id, slot);
        }
        // A plain line splits in place; anything else (quotes, a lone CR)
        // goes through csv_core, as when it was first read.
        let mut fields = std::mem::take(&mut self.sc.fields);
        fields.clear();
        let plain = match scan_line(data, 0, l.delim, &mut fields) {
            Scan::Plain { end, last, .. } if end > 0 => {
                fields.push((last, end));
                true
            }
            _ => false,
        };
        let spans = if plain {
            spans(&mut self.text, l, data, &fields, id, slot)
        } else {
            Err(GiveUp)
        };
        self.sc.fields = fields;
        if plain {
            self.split = Some(offset);
            spans
        } else {
            self.split = None;
            self.row_slow(rows, id, offset, slot)
        }
    }

    /// [`Full::row`] for a row that is not plain (quotes, a lone CR) or
    /// runs to the end of its piece.
    #[cold]
    fn row_slow<W: Word>(&mut self, rows: &Rows<W>, id: &str, offset: u64, slot: usize) -> Res<[Span; 3]> {
        let (file, data) = rows.at(offset).ok_or(GiveUp)?;
        let l = &**rows.layouts.get(file).ok_or(GiveUp)?;
        let sc = &mut self.sc;
        // The line end, looked for near the start first: a search over the
        // whole rest would load cache lines past the row.
        let near = &data[..data.len().min(64)];
        let line_end = memchr::memchr(b'\n', near)
            .or_else(|| memchr::memchr(b'\n', &data[near.len()..]).map(|p| p + near.len()))
            .unwrap_or(data.len());
        let text = data[..line_end].strip_suffix(b"\r").unwrap_or(&data[..line_end]);
        let base: &[u8] = if memchr::memchr2(b'"', b'\r', text).is_none() && !text.is_empty() {
            sc.fields.clear();
            let mut from = 0;
            for p in memchr::memchr_iter(l.delim, text) {
                sc.fields.push((from, p));
                from = p + 1;
            }
            sc.fields.push((from, text.len()));
            text
        } else {
            let (_, found) = sc.record(l.delim, data, true)?;
            if !found {
                return Err(GiveUp);
            }
            &sc.out
        };
        spans(&mut self.text, l, base, &sc.fields, id, slot)
    }
}

/// Field `col` of a row read again (`fields` of `base`), trimmed: a
/// byte-order mark starting the row's first cell, inside quotes or not,
/// dropped, as when the row was parsed (`Table::row`).
pub(super) fn field_of<'a>(base: &'a [u8], fields: &[(usize, usize)], col: usize) -> Res<&'a [u8]> {
    let &(a, b) = fields.get(col).ok_or(GiveUp)?;
    let mut cell = base.get(a..b).ok_or(GiveUp)?;
    while col == 0 && cell.starts_with(b"\xEF\xBB\xBF") {
        cell = &cell[3..];
    }
    Ok(trim(cell))
}

/// The fields wanted of a row (`fields` of `base`), split: its value for
/// `slot`, note and source, added to `text`. The row must be the unit's.
fn spans(
    text: &mut Vec<u8>,
    l: &Layout,
    base: &[u8],
    fields: &[(usize, usize)],
    id: &str,
    slot: usize,
) -> Res<[Span; 3]> {
    let field = |col: usize| field_of(base, fields, col);
    if field(l.unit)? != id.as_bytes() {
        return Err(GiveUp); // not the row parsed: the file changed
    }
    let mut spans = [(0, 0); 3];
    for (k, col) in [Some(l.value_col(slot)?), l.note, l.source].into_iter().enumerate() {
        if let Some(c) = col {
            let start = text.len() as u32;
            text.extend_from_slice(field(c)?);
            spans[k] = (start, text.len() as u32);
        }
    }
    Ok(spans)
}

/// Format `batches` on `workers` threads and hand the bytes of each to
/// `write`, in order. Each worker takes the next batch as soon as it is
/// done with one; at most two batches per worker are formatted and not yet
/// written (which bounds the memory held), and their buffers go round
/// again.
pub(super) fn in_order<T: Sync>(
    batches: &[T],
    workers: usize,
    format: impl Fn(&T, Vec<u8>) -> Res<Vec<u8>> + Sync,
    write: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    in_order_with(batches, workers, || (), |_, batch, buf| format(batch, buf), write)
}

/// [`in_order`], each worker keeping what `start` gives it from batch to
/// batch (buffers that have grown, what it has worked out).
pub(super) fn in_order_with<T: Sync, S>(
    batches: &[T],
    workers: usize,
    start: impl Fn() -> S + Sync,
    format: impl Fn(&mut S, &T, Vec<u8>) -> Res<Vec<u8>> + Sync,
    mut write: impl FnMut(&[u8]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Mutex, mpsc};
    let workers = workers.max(1);
    let failed = || std::io::Error::other("internal error: a unit could not be read again");
    // A worker holds a buffer before it takes a batch: the buffers bound
    // the batches in hand, and the one written next is always among them.
    let (give, buffers) = mpsc::channel::<Vec<u8>>();
    for _ in 0..2 * workers {
        let _ = give.send(Vec::new());
    }
    let buffers = Mutex::new(buffers);
    let (next, stop) = (AtomicUsize::new(0), AtomicBool::new(false));
    let (done, formatted) = mpsc::channel::<(usize, Res<Vec<u8>>)>();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let (buffers, next, stop, done, format, start) = (&buffers, &next, &stop, done.clone(), &format, &start);
            s.spawn(move || {
                let mut state = start();
                loop {
                    let buf = match buffers.lock().map(|b| b.recv()) {
                        Ok(Ok(buf)) => buf,
                        _ => return,
                    };
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let Some(batch) = batches.get(i) else { return };
                    // A panic is reported as the batch failing: the writer
                    // waits for every batch in turn.
                    let text =
                        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| format(&mut state, batch, buf)))
                            .unwrap_or(Err(GiveUp));
                    if done.send((i, text)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done);
        let result = (|| {
            // Formatted out of turn, waiting for the ones before (a batch
            // that failed, too: the ones before it are written first).
            let mut waiting: std::collections::BTreeMap<usize, Res<Vec<u8>>> = Default::default();
            for at in 0..batches.len() {
                let text = loop {
                    if let Some(text) = waiting.remove(&at) {
                        break text.map_err(|_| failed())?;
                    }
                    let (i, text) = formatted.recv().map_err(|_| failed())?;
                    waiting.insert(i, text);
                };
                write(&text)?;
                let _ = give.send(text);
            }
            Ok(())
        })();
        // Workers waiting for a buffer, or about to take a batch, stop.
        stop.store(true, Ordering::Relaxed);
        drop(give);
        result
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Batches of uneven cost, formatted on 1–3 workers: written in order,
    /// each once, the buffers reused.
    #[test]
    fn in_order_writes_every_batch_in_order() {
        let batches: Vec<u32> = (0..200).collect();
        for workers in 1..=3 {
            let mut out = Vec::new();
            in_order(
                &batches,
                workers,
                |&b, mut buf| {
                    buf.clear();
                    // Some batches take far longer than the ones after them.
                    if b % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(2));
                    }
                    buf.extend_from_slice(format!("{b};").as_bytes());
                    Ok(buf)
                },
                |text| {
                    out.extend_from_slice(text);
                    Ok(())
                },
            )
            .unwrap();
            let want: String = batches.iter().map(|b| format!("{b};")).collect();
            assert_eq!(String::from_utf8(out).unwrap(), want, "{workers} workers");
        }
    }

    /// A batch that cannot be formatted, or whose formatting panics, or a
    /// write that fails: an error, the batches before it written and none
    /// after, and no thread left waiting.
    #[test]
    fn in_order_stops_at_the_first_failure() {
        let batches: Vec<u32> = (0..50).collect();
        for workers in 1..=3 {
            for how in ["error", "panic", "write"] {
                let mut out = Vec::new();
                let r = in_order(
                    &batches,
                    workers,
                    |&b, mut buf| {
                        // The batch before the failing one is still being
                        // formatted when the failure comes in.
                        if b == 19 && workers > 1 {
                            std::thread::sleep(std::time::Duration::from_millis(20));
                        }
                        if b == 20 && how == "error" {
                            return Err(GiveUp);
                        }
                        if b == 20 && how == "panic" {
                            panic!("batch 20");
                        }
                        buf.clear();
                        buf.extend_from_slice(format!("{b};").as_bytes());
                        Ok(buf)
                    },
                    |text| {
                        if text == b"20;" {
                            return Err(std::io::Error::other("disk full"));
                        }
                        out.extend_from_slice(text);
                        Ok(())
                    },
                );
                let e = r.expect_err(how);
                let want = if how == "write" {
                    "disk full"
                } else {
                    "internal error: a unit could not be read again"
                };
                assert_eq!(e.to_string(), want, "{how}, {workers} workers");
                let written: String = (0..20).map(|b| format!("{b};")).collect();
                assert_eq!(String::from_utf8(out).unwrap(), written, "{how}, {workers} workers");
            }
        }
    }
}
