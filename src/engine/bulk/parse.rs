//! Parsing: rows split in place, unit ids packed and looked up in
//! batches, values turned into compact cells per (unit, slot), on every
//! core.

use super::*;

/// Short keys (up to 15 bytes, as unit ids and indicator keys nearly always
/// are) packed into an integer with their length: hashing and comparing
/// them costs a couple of instructions and no `memcmp`. Never 0.
pub(super) fn pack(b: &[u8]) -> Option<u128> {
    if b.is_empty() || b.len() > 15 {
        return None;
    }
    let mut a = [0u8; 16];
    a[..b.len()].copy_from_slice(b);
    a[15] = b.len() as u8;
    Some(u128::from_le_bytes(a))
}

/// [`pack`] for a `b` that lies inside `within`: one 16-byte load and a
/// mask instead of a copy of variable length, when those 16 bytes are
/// inside `within` too.
#[inline]
pub(super) fn pack_in(within: &[u8], b: &[u8]) -> Option<u128> {
    let n = b.len();
    if n == 0 || n > 15 {
        return None;
    }
    let (start, end) = (within.as_ptr() as usize, within.as_ptr() as usize + within.len());
    let at = b.as_ptr() as usize;
    if at < start || at + n > end {
        return pack(b);
    }
    // `b` is `within[off..off + n]`: the same memory.
    let off = at - start;
    match within.get(off..off + 16) {
        Some(w) => {
            let mut a = [0u8; 16];
            a.copy_from_slice(w);
            let v = u128::from_le_bytes(a) & ((1u128 << (8 * n)) - 1);
            Some(v | (n as u128) << 120)
        }
        None => pack(b),
    }
}

pub(super) fn unpack(k: u128) -> Box<[u8]> {
    let a = k.to_le_bytes();
    a[..a[15] as usize].into()
}

pub(super) use crate::base::prefetch;

/// Byte strings → small dense indices (indicator keys): a few dozen keys
/// looked up once per row, short ones in a small open-addressing table
/// (a multiply and a compare), long ones in a hash map.
pub(super) struct Interner {
    /// `(packed key, index)`; a zero key is an empty entry.
    pub(super) short: Vec<(u128, u32)>,
    pub(super) len: usize,
    pub(super) long: FastMap<Box<[u8]>, u32>,
}

impl Default for Interner {
    fn default() -> Interner {
        Interner {
            short: vec![(0, 0); 256],
            len: 0,
            long: FastMap::default(),
        }
    }
}

impl Interner {
    #[inline]
    pub(super) fn home(&self, k: u128) -> usize {
        let folded = (k as u64) ^ ((k >> 64) as u64).rotate_left(29);
        (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & (self.short.len() - 1)
    }

    pub(super) fn get(&self, within: &[u8], b: &[u8]) -> Option<u32> {
        match pack_in(within, b) {
            Some(k) => {
                let mask = self.short.len() - 1;
                let mut i = self.home(k);
                loop {
                    let (key, v) = self.short[i];
                    if key == k {
                        return Some(v);
                    }
                    if key == 0 {
                        return None;
                    }
                    i = (i + 1) & mask;
                }
            }
            None => self.long.get(b).copied(),
        }
    }

    pub(super) fn insert(&mut self, b: &[u8], v: u32) {
        match pack(b) {
            Some(k) => {
                if (self.len + 1) * 2 > self.short.len() {
                    let bigger = vec![(0, 0); self.short.len() * 2];
                    let old = std::mem::replace(&mut self.short, bigger);
                    self.len = 0;
                    for (k, v) in old.into_iter().filter(|e| e.0 != 0) {
                        self.put(k, v);
                    }
                }
                self.put(k, v);
            }
            None => {
                self.long.insert(b.into(), v);
            }
        }
    }

    pub(super) fn put(&mut self, k: u128, v: u32) {
        let mask = self.short.len() - 1;
        let mut i = self.home(k);
        while self.short[i].0 != 0 && self.short[i].0 != k {
            i = (i + 1) & mask;
        }
        if self.short[i].0 == 0 {
            self.len += 1;
        }
        self.short[i] = (k, v);
    }
}

/// Packed unit ids → local indices: open addressing with linear probing, so
/// that the slot of an id can be prefetched before it is looked up.
pub(super) struct UnitMap {
    /// `(packed id halves, index)`; an all-zero key is an empty slot.
    pub(super) entries: Vec<(u64, u64, u32)>,
    pub(super) mask: usize,
    pub(super) len: usize,
    pub(super) hasher: foldhash::fast::FixedState,
}

impl UnitMap {
    pub(super) fn new() -> UnitMap {
        UnitMap {
            entries: vec![(0, 0, 0); 1024],
            mask: 1023,
            len: 0,
            hasher: foldhash::fast::FixedState::default(),
        }
    }

    #[inline]
    pub(super) fn home(&self, k: u128) -> usize {
        use std::hash::BuildHasher;
        self.hasher.hash_one(k) as usize & self.mask
    }

    #[inline]
    pub(super) fn prefetch(&self, k: u128) {
        prefetch(&self.entries[self.home(k)]);
    }

    /// The index of `k`, inserting `next` when it is new (then `true`).
    pub(super) fn get_or_insert(&mut self, k: u128, next: u32) -> (u32, bool) {
        let (lo, hi) = (k as u64, (k >> 64) as u64);
        let mut i = self.home(k);
        loop {
            let e = self.entries[i];
            if e.0 == lo && e.1 == hi {
                return (e.2, false);
            }
            if e.0 == 0 && e.1 == 0 {
                self.entries[i] = (lo, hi, next);
                self.len += 1;
                if self.len * 2 > self.entries.len() {
                    self.grow();
                }
                return (next, true);
            }
            i = (i + 1) & self.mask;
        }
    }

    pub(super) fn grow(&mut self) {
        let bigger = touched(self.entries.len() * 2, (0, 0, 0)).into_vec();
        let old = std::mem::replace(&mut self.entries, bigger);
        self.mask = self.entries.len() - 1;
        for e in old {
            if e.0 != 0 || e.1 != 0 {
                let mut i = self.home(e.0 as u128 | (e.1 as u128) << 64);
                while self.entries[i].0 != 0 || self.entries[i].1 != 0 {
                    i = (i + 1) & self.mask;
                }
                self.entries[i] = e;
            }
        }
    }
}

/// Cells per page, at most: pages are allocated whole and never moved, so
/// the table grows without copying and without a transient second copy.
/// Large enough (a few MB) for huge pages to cover most of a page. A page
/// holds a power of two of units (16,384 for the 60 slots of a typical
/// framework), fewer when a framework has thousands of slots: a fixed 2¹⁶
/// units × 8,000 slots was 1 GB a page for a file of 50 units.
pub(super) const PAGE_CELLS: usize = 1 << 20;

/// log₂ of the units per page of a table with `nslots` cells per unit.
pub(super) fn page_shift(nslots: usize) -> u32 {
    (PAGE_CELLS / nslots.max(1)).max(1).ilog2().min(16)
}

/// A table of `n` copies of `value`, its memory written before use (and
/// backed by huge pages where it is large). Memory that is only zeroed
/// lazily maps the shared zero page on the first read, and the first write
/// after that is a copy-on-write fault that must flush the TLBs of every
/// core running a worker; the random lookups of the tables read first.
pub(super) fn touched<T: Copy>(n: usize, value: T) -> Box<[T]> {
    let mut v: Vec<T> = Vec::with_capacity(n);
    huge_pages(v.spare_capacity_mut());
    // Opaque to the optimiser, so that allocating and filling with zeros
    // is not turned back into a lazily zeroed allocation.
    v.resize(n, std::hint::black_box(value));
    v.into_boxed_slice()
}

/// Ask for transparent huge pages on a large table that is accessed at
/// random: with 4 KiB pages nearly every access also misses the TLB.
pub(super) fn huge_pages<T>(v: &[T]) {
    huge_pages_raw(v.as_ptr() as usize, std::mem::size_of_val(v));
}

/// [`huge_pages`] for the `len` bytes at `start`, which must be memory the
/// caller owns (a vector's spare capacity, say).
pub(super) fn huge_pages_raw(start: usize, len: usize) {
    #[cfg(target_os = "linux")]
    {
        const HUGE: usize = 2 << 20;
        let end = start + len;
        let (a, b) = (start.next_multiple_of(HUGE), end / HUGE * HUGE);
        if a < b {
            // SAFETY: the range lies within memory the caller owns, and
            // MADV_HUGEPAGE only changes how the kernel backs it.
            unsafe {
                libc::madvise(a as *mut libc::c_void, b - a, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (start, len);
}

/// Where a row was read: file, chunk, row within the chunk (file order).
pub(super) type RowAt = (u32, u32, u32);

/// A row parsed and valued, waiting for its unit to be looked up.
pub(super) struct Pending {
    /// Packed unit id, or 0 when `unit` is already known (a long id).
    pub(super) key: u128,
    pub(super) unit: u32,
    pub(super) slot: u32,
    pub(super) value: u32,
    pub(super) at: RowAt,
    /// The row's name cell, as a range of `Table::name_buf`.
    pub(super) name: Option<(u32, u32)>,
    /// Where the row starts over all files (when offsets are kept).
    pub(super) offset: u32,
}

/// A pending entry that only names its unit (a wide row with no values).
pub(super) const NO_SLOT: u32 = u32::MAX;

/// Rows looked up together: enough to cover memory latency.
pub(super) const BATCH: usize = 16;

/// The word a cell is stored in: `u16` when every amount fits (points up
/// to 655 — every real framework), halving the tables and their cache
/// footprint, else `u32`.
pub(super) trait Word: Copy + Eq + Send + Sync + 'static {
    const UNSEEN: Self;
    fn of(v: u32) -> Option<Self>;
    fn get(self) -> u32;
}

impl Word for u16 {
    const UNSEEN: u16 = 0;
    fn of(v: u32) -> Option<u16> {
        u16::try_from(v).ok()
    }
    fn get(self) -> u32 {
        self as u32
    }
}

impl Word for u32 {
    const UNSEEN: u32 = 0;
    fn of(v: u32) -> Option<u32> {
        Some(v)
    }
    fn get(self) -> u32 {
        self
    }
}

/// A worker's own units and cells.
pub(super) struct Table<W: Word> {
    pub(super) nslots: usize,
    /// log₂ of the units per page ([`page_shift`]).
    pub(super) page_shift: u32,
    /// Unit id → local index.
    pub(super) ids: UnitMap,
    /// Ids longer than 15 bytes.
    pub(super) long_ids: FastMap<Box<[u8]>, u32>,
    /// Unit ids by local index.
    pub(super) units: Vec<Box<[u8]>>,
    /// `nslots` cells per local unit, `1 << page_shift` units per page.
    pub(super) pages: Vec<Box<[W]>>,
    /// First non-empty name per local unit, with where it was given.
    pub(super) names: Vec<Option<(RowAt, Box<str>)>>,
    /// Indicator key as written → slot.
    pub(super) keys: Interner,
    pub(super) pending: Vec<Pending>,
    pub(super) name_buf: Vec<u8>,
    /// The unit whose rows are kept whole (`explain`), and its rows.
    pub(super) detail: Option<Box<[u8]>>,
    pub(super) captured: Vec<Captured>,
    /// Where each cell's row starts over all files, paged like the cells
    /// (kept when every row is read again: the JSON result, the
    /// rectification list).
    pub(super) offsets: Option<Vec<Box<[u32]>>>,
    /// Local units whose ids are refused (one holding an
    /// invisible character, or a column heading: the header repeated),
    /// each of their rows a problem of the run.
    pub(super) refused: Vec<u32>,
    /// Rows of items scored by several raters, settled once every row is
    /// read.
    pub(super) rated: Vec<RatedRow>,
    /// Values given (cells not empty, raters' included), as `check` counts
    /// them.
    pub(super) values: usize,
    /// By file, whether a row with anything on it was read from it here.
    pub(super) rows_in: Vec<bool>,
    /// The values of deferred slots as read, each cell's payload its
    /// index here ([`kernel::Kernel::Deferred`]).
    pub(super) deferred: Vec<Value>,
    /// Values their items do not take and keys the framework does not
    /// have, each with where it was given: the run's problems, when it
    /// has no other.
    pub(super) bad: Vec<Problem>,
    /// Local units given a value twice for one slot (the first kept).
    pub(super) doubled: Vec<u32>,
    /// The units whose rows or cells are noted where they were read
    /// ([`Watched`]): those the problems of the run concern.
    pub(super) watch: Option<Arc<Watch>>,
    pub(super) watched: Vec<Watched>,
    /// The local units in id order, each with its id's [`id_prefix`]:
    /// sorted by the worker once every row is read, so that the tables'
    /// units are put in order by merging these ([`merge::Places::by_id`]).
    pub(super) sorted: Vec<(u128, u32)>,
}

/// Units watched on a second reading, each with its number and what is
/// noted of it: its rows (a unit not in the units file, an id refused:
/// every row of it a problem) or its cells (a value given twice).
pub(super) type Watch = FastMap<Box<[u8]>, (u32, Noted)>;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Noted {
    Rows,
    Cells,
}

/// A row of a watched unit, or one of its cells: where it was read.
pub(super) struct Watched {
    pub(super) at: RowAt,
    /// The unit's number in the [`Watch`].
    pub(super) unit: u32,
    pub(super) line: u64,
    /// A cell's slot ([`NO_SLOT`] for a row), column and rater (empty
    /// without).
    pub(super) slot: u32,
    pub(super) col: u32,
    pub(super) rater: Box<[u8]>,
    /// Whether the cell gives a value (not empty).
    pub(super) given: bool,
}

/// A problem in a row, and where: its row, line (of the text) and
/// column (none for the row as a whole).
pub(super) struct Problem {
    pub(super) at: RowAt,
    pub(super) line: u64,
    pub(super) col: Option<usize>,
    pub(super) said: Said,
}

/// What a [`Problem`] is.
pub(super) enum Said {
    /// A value its item does not take, or a row of more or fewer cells
    /// than the header: worded as the reader words it.
    Worded(String),
    /// An indicator key the framework does not have, worded once the
    /// problems are in order (its hint depends on how many came before).
    Key { unit: String, key: String },
    /// A NUL byte: the file is not text (said once, at the first).
    Nul,
}

/// A row of an item scored by several raters: unit id, slot, rater, the
/// cell of the rater's amount, and where the row starts over all files
/// (when rows are read again; else 0).
pub(super) type RatedRow = (Box<[u8]>, u32, Box<[u8]>, u32, u32);

/// One row of the unit being explained, kept whole.
pub(super) struct Captured {
    pub(super) slot: u32,
    pub(super) at: RowAt,
    pub(super) file: u32,
    pub(super) line: u64,
    pub(super) raw: String,
    pub(super) note: String,
    pub(super) source: String,
    /// Who gave it, on an item scored by several raters; else empty.
    pub(super) rater: String,
}

impl<W: Word> Table<W> {
    pub(super) fn new(nslots: usize) -> Table<W> {
        Table {
            nslots,
            page_shift: page_shift(nslots),
            ids: UnitMap::new(),
            long_ids: FastMap::default(),
            units: Vec::new(),
            pages: Vec::new(),
            names: Vec::new(),
            keys: Interner::default(),
            pending: Vec::with_capacity(BATCH),
            name_buf: Vec::new(),
            detail: None,
            captured: Vec::new(),
            offsets: None,
            refused: Vec::new(),
            rated: Vec::new(),
            values: 0,
            rows_in: Vec::new(),
            deferred: Vec::new(),
            bad: Vec::new(),
            doubled: Vec::new(),
            watch: None,
            watched: Vec::new(),
            sorted: Vec::new(),
        }
    }

    /// Put the local units in id order ([`Table::sorted`]).
    pub(super) fn sort_units(&mut self) {
        let units = &self.units;
        let mut sorted: Vec<(u128, u32)> = (units.iter().enumerate())
            .map(|(u, id)| (id_prefix(id), u as u32))
            .collect();
        sorted.sort_unstable_by(|a, b| by_id(a.0, &units[a.1 as usize], b.0, &units[b.1 as usize]));
        self.sorted = sorted;
    }

    /// Note a row (`cell` none) or a cell of `unit`'s where it was read, if
    /// the unit is watched for it.
    fn watching(&mut self, unit: &[u8], at: RowAt, line: u64, cell: Option<(u32, usize, &[u8], bool)>) {
        let Some(&(n, noted)) = self.watch.as_ref().and_then(|w| w.get(unit)) else {
            return;
        };
        let (slot, col, rater, given) = match (cell, noted) {
            (None, Noted::Rows) => (NO_SLOT, 0, &b""[..], false),
            (Some(c), Noted::Cells) => c,
            _ => return,
        };
        self.watched.push(Watched {
            at,
            unit: n,
            line,
            slot,
            col: col as u32,
            rater: rater.into(),
            given,
        });
    }

    /// Keep a row of the unit being explained, with its line: the general
    /// loader's, counted from the record's first byte past any line ends.
    pub(super) fn capture<'b>(
        &mut self,
        l: &Layout,
        value: usize,
        slot: u32,
        at: RowAt,
        line: u64,
        cell: impl Fn(usize) -> &'b [u8],
    ) -> Res<()> {
        let text = |col: Option<usize>| -> Res<String> {
            Ok(col
                .map_or(Ok(""), |i| std::str::from_utf8(cell(i)).map_err(|_| GiveUp))?
                .to_string())
        };
        self.captured.push(Captured {
            slot,
            at,
            file: at.0,
            line,
            raw: text(Some(value))?,
            note: text(l.note)?,
            source: text(l.source)?,
            rater: text(l.rater)?,
        });
        Ok(())
    }

    /// Local unit `u`'s page, and where its cells start in it.
    pub(super) fn at(&self, u: usize) -> (usize, usize) {
        (u >> self.page_shift, (u & ((1 << self.page_shift) - 1)) * self.nslots)
    }

    pub(super) fn cells(&self, u: usize) -> &[W] {
        let (page, off) = self.at(u);
        &self.pages[page][off..off + self.nslots]
    }

    pub(super) fn cells_mut(&mut self, u: usize) -> &mut [W] {
        let (page, off) = self.at(u);
        &mut self.pages[page][off..off + self.nslots]
    }

    /// A new local unit. An id with an invisible character (U+200B …),
    /// or a unit column's heading (单位, unit: the header again below the
    /// first), is noted, for each of its rows to be refused by name.
    pub(super) fn add_unit(&mut self, id: Box<[u8]>) -> u32 {
        let u = self.units.len();
        let invisible = || {
            id.iter().any(|b| !(0x20..0x7f).contains(b))
                && std::str::from_utf8(&id).is_ok_and(|s| crate::base::diag::first_invisible(s).is_some())
        };
        if invisible() || std::str::from_utf8(&id).is_ok_and(|s| Column::of(s) == Some(Column::Unit)) {
            self.refused.push(u as u32);
        }
        if u.is_multiple_of(1 << self.page_shift) {
            let cells = (1 << self.page_shift) * self.nslots;
            if let Some(offsets) = &mut self.offsets {
                offsets.push(touched(cells, 0));
            }
            self.pages.push(touched(cells, W::UNSEEN));
        }
        self.units.push(id);
        self.names.push(None);
        u as u32
    }

    /// A unit no row names (one of the units file without evidence),
    /// added without cells, to be found and scored as any other: its
    /// local index. (It is not among [`Table::sorted`], the units rows
    /// name.)
    pub(super) fn add_silent(&mut self, id: &[u8]) -> u32 {
        let next = self.units.len() as u32;
        match pack(id) {
            Some(k) => {
                self.ids.get_or_insert(k, next);
            }
            None => {
                self.long_ids.insert(id.into(), next);
            }
        }
        self.add_unit(id.into())
    }

    pub(super) fn row(
        &mut self,
        plan: &Plan,
        l: &Layout,
        base: &[u8],
        fields: &[(usize, usize)],
        at: RowAt,
        (line, offset): (u64, u64),
    ) -> Res<()> {
        // A byte-order mark starting a row's first cell (two exports pasted
        // together), inside quotes or not, is dropped (as when the row is
        // read again: `detail::spans`).
        const BOM: &[u8] = b"\xEF\xBB\xBF";
        let past_bom;
        let fields = match fields.first() {
            Some(&(a, b)) if base[a..b].starts_with(BOM) => {
                let skip = base[a..b].chunks(3).take_while(|c| *c == BOM).count() * 3;
                let mut f = fields.to_vec();
                f[0].0 += skip;
                past_bom = f;
                &past_bom[..]
            }
            _ => fields,
        };
        let cell = |c: usize| trim(&base[fields[c].0..fields[c].1]);
        let blank = || fields.iter().all(|&(a, b)| trim(&base[a..b]).is_empty());
        let file = at.0 as usize;
        if !self.rows_in.get(file).copied().unwrap_or(false) && !blank() {
            self.rows_in.resize(self.rows_in.len().max(file + 1), false);
            self.rows_in[file] = true;
        }
        if fields.len() != l.width {
            if blank() {
                return Ok(());
            }
            // Extra cells are fine when empty; missing cells are not. The
            // row is passed over, a problem of the run, as the general
            // loader passes it over.
            let used = fields
                .iter()
                .rposition(|&(a, b)| !trim(&base[a..b]).is_empty())
                .map_or(0, |p| p + 1);
            let problem = if used > l.width {
                let past = std::str::from_utf8(cell(used - 1)).map_err(|_| GiveUp)?;
                let message = crate::reading::evidence::too_many_fields(used, l.width, past);
                Some((Some(used - 1), message))
            } else if fields.len() < l.width {
                Some((None, crate::reading::evidence::too_few_fields(fields.len(), l.width)))
            } else {
                None // only empty cells past the header
            };
            if let Some((col, message)) = problem {
                let said = Said::Worded(message);
                self.bad.push(Problem { at, line, col, said });
                return Ok(());
            }
        }
        let unit = cell(l.unit);
        if unit.is_empty() {
            // A row of a filled-in template that nobody filled: no unit and
            // nothing given, only the item's own columns (a long file's),
            // passed over.
            let given = [Some(l.value), l.note, l.source]
                .into_iter()
                .flatten()
                .any(|c| !cell(c).is_empty());
            if !(blank() || (l.wide.is_none() && !given)) {
                // A value without its unit: a problem of the run.
                let message = crate::reading::evidence::unit_id_problem(l.heads.get(l.unit).ok_or(GiveUp)?, "");
                let said = Said::Worded(message.ok_or(GiveUp)?);
                self.bad.push(Problem {
                    at,
                    line,
                    col: Some(l.unit),
                    said,
                });
            }
            return Ok(());
        }
        self.watching(unit, at, line, None);
        let name = l.name.map(cell).unwrap_or_default();
        let offset = match self.offsets {
            Some(_) => u32::try_from(offset).map_err(|_| GiveUp)?,
            None => 0,
        };
        if let Some(keys) = &l.wide {
            // A cell per non-empty column, found again by its row and
            // column; a row with none still names its unit.
            let mut any = false;
            let detail = self.detail.as_deref() == Some(unit);
            for &(c, slot) in keys {
                let raw = cell(c);
                if !raw.is_empty() {
                    self.values += usize::from(!raw.is_empty());
                    let value = self.encode(plan, l, (slot, raw), unit, (at, line, c))?;
                    self.watching(unit, at, line, Some((slot, c, b"", true)));
                    if detail {
                        self.capture(l, c, slot, at, line, cell)?;
                    }
                    self.push(base, unit, slot, value, at, name, offset)?;
                    any = true;
                }
            }
            if !any {
                self.push(base, unit, NO_SLOT, 0, at, b"", 0)?;
            }
            return Ok(());
        }
        let key = cell(l.indicator);
        let slot = match self.keys.get(base, key) {
            Some(s) => s,
            None => {
                let text = std::str::from_utf8(key).map_err(|_| GiveUp)?;
                let Ok((ind, clause)) = crate::reading::evidence::resolve(plan.fw, text, false) else {
                    // Not a key of the framework: a problem of the run, the
                    // row passed over.
                    self.bad.push(Problem {
                        at,
                        line,
                        col: Some(l.indicator),
                        said: Said::Key {
                            unit: std::str::from_utf8(unit).map_err(|_| GiveUp)?.into(),
                            key: text.into(),
                        },
                    });
                    return self.push(base, unit, NO_SLOT, 0, at, b"", offset);
                };
                let s = (plan.first[ind] + clause) as u32;
                self.keys.insert(key, s);
                s
            }
        };
        // One row per rater on a rater item, none on another: otherwise a
        // problem of the run, the row passed over.
        let rater = l.rater.map(cell).unwrap_or_default();
        let ind = plan.slots[slot as usize].ind;
        let rated = plan.fw.indicators[ind].raters.is_some();
        if rated == rater.is_empty() {
            let text = |b: &[u8]| std::str::from_utf8(b).map(str::to_string).map_err(|_| GiveUp);
            let key = plan.fw.indicators[ind].slot_key(slot as usize - plan.first[ind]);
            let message = crate::reading::evidence::rater_problem(&text(unit)?, &key, &text(rater)?);
            let col = l.rater.filter(|_| !rater.is_empty());
            self.bad.push(Problem {
                at,
                line,
                col,
                said: Said::Worded(message),
            });
            return self.push(base, unit, NO_SLOT, 0, at, b"", offset);
        }
        let raw = cell(l.value);
        self.values += usize::from(!raw.is_empty());
        let value = self.encode(plan, l, (slot, raw), unit, (at, line, l.value))?;
        if self.detail.as_deref() == Some(unit) {
            self.capture(l, l.value, slot, at, line, cell)?;
        }
        self.watching(unit, at, line, Some((slot, l.value, rater, value != kernel::EMPTY)));
        if rated {
            self.rated.push((unit.into(), slot, rater.into(), value, offset));
            return self.push(base, unit, NO_SLOT, 0, at, name, offset);
        }
        self.push(base, unit, slot, value, at, name, offset)
    }

    /// A value's cell ([`Plan::encode`]). A value its item does not take
    /// (`abc` for a number, 不适用 where it is not allowed) is noted with
    /// the reader's words and where it was given, and its cell left
    /// without a value: the run then reports every such value.
    fn encode(
        &mut self,
        plan: &Plan,
        l: &Layout,
        (slot, raw): (u32, &[u8]),
        unit: &[u8],
        (at, line, col): (RowAt, u64, usize),
    ) -> Res<u32> {
        let ind = &plan.fw.indicators[plan.slots[slot as usize].ind];
        fn text(b: &[u8]) -> Res<&str> {
            std::str::from_utf8(b).map_err(|_| GiveUp)
        }
        let suspect = |raw: &str| {
            let category = plan.category_of(unit);
            let rule = category.and_then(|c| ind.rule_for(c)).or(ind.rule.as_ref());
            let v = crate::base::num::parse_exact(raw);
            rule.zip(v.ok())
                .is_some_and(|(rule, v)| ind.is_fraction_suspect(rule, raw, &v))
        };
        let refused = if l.fractions_unknown && suspect(text(raw)?) {
            // 95% may have arrived as 0.95: this worksheet's cell formats
            // could not be read to say.
            crate::reading::evidence::unread_format_fraction(text(raw)?)
        } else if plan.slots[slot as usize].rates_by_category && !raw.is_empty() && !kernel::is_not_applicable(raw) {
            // Whether a fraction is a rate typed as one depends on the rule
            // of the unit's category: read by it, and kept whole (the slot is deferred) until the
            // unit is scored by that rule.
            match ind.parse_value_in(plan.category_of(unit), text(raw)?) {
                Ok(Some(value)) => return Plan::defer(value, &mut self.deferred),
                Ok(None) => return Ok(kernel::EMPTY),
                Err(m) => m,
            }
        } else {
            match plan.encode(slot as usize, raw, &mut self.deferred) {
                Ok(cell) => return Ok(cell),
                Err(GiveUp) => match ind.parse_value_in(plan.category_of(unit), text(raw)?) {
                    Err(m) => m,
                    Ok(_) => return Err(GiveUp),
                },
            }
        };
        let key = ind.slot_key(slot as usize - plan.first[plan.slots[slot as usize].ind]);
        let head = l.heads.get(col).ok_or(GiveUp)?;
        self.bad.push(Problem {
            at,
            line,
            col: Some(col),
            said: Said::Worded(crate::reading::evidence::value_problem(
                head,
                text(unit)?,
                &key,
                &refused,
            )),
        });
        Ok(kernel::EMPTY)
    }

    /// Queue a cell (or, with `NO_SLOT`, only its unit) for the next flush.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn push(
        &mut self,
        within: &[u8],
        unit: &[u8],
        slot: u32,
        value: u32,
        at: RowAt,
        name: &[u8],
        offset: u32,
    ) -> Res<()> {
        let name = if name.is_empty() {
            None
        } else {
            let start = self.name_buf.len() as u32;
            self.name_buf.extend_from_slice(name);
            Some((start, self.name_buf.len() as u32))
        };
        let (key, unit) = match pack_in(within, unit) {
            Some(k) => {
                self.ids.prefetch(k);
                (k, 0)
            }
            None => match self.long_ids.get(unit) {
                Some(&u) => (0, u),
                None => {
                    let u = self.add_unit(unit.into());
                    self.long_ids.insert(unit.into(), u);
                    (0, u)
                }
            },
        };
        self.pending.push(Pending {
            key,
            unit,
            slot,
            value,
            at,
            name,
            offset,
        });
        if self.pending.len() == BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Look up the pending rows' units and store their cells: every load of
    /// a step is issued (prefetched) before the step needs it.
    pub(super) fn flush(&mut self) -> Res<()> {
        let mut pending = std::mem::take(&mut self.pending);
        for p in pending.iter_mut() {
            if p.key != 0 {
                let next = self.units.len() as u32;
                let (u, new) = self.ids.get_or_insert(p.key, next);
                if new {
                    self.add_unit(unpack(p.key));
                }
                p.unit = u;
            }
            let u = p.unit as usize;
            if p.slot != NO_SLOT {
                let (page, off) = self.at(u);
                prefetch(&self.pages[page][off + p.slot as usize]);
            }
        }
        for p in pending.drain(..) {
            let u = p.unit as usize;
            if p.slot != NO_SLOT {
                let (page, off) = self.at(u);
                let c = &mut self.pages[page][off + p.slot as usize];
                if *c != W::UNSEEN {
                    // Given twice: the first is kept, and the unit noted
                    // for both rows to be located.
                    self.doubled.push(p.unit);
                    continue;
                }
                *c = W::of(p.value).ok_or(GiveUp)?;
                if let Some(offsets) = &mut self.offsets {
                    offsets[page][off + p.slot as usize] = p.offset;
                }
            }
            if let Some((a, b)) = p.name
                && self.names[u].as_ref().is_none_or(|(at, _)| p.at < *at)
            {
                let name = std::str::from_utf8(&self.name_buf[a as usize..b as usize]).map_err(|_| GiveUp)?;
                self.names[u] = Some((p.at, name.into()));
            }
        }
        self.name_buf.clear();
        self.pending = pending;
        Ok(())
    }
}

/// Scratch space for records that need the full CSV parser.
pub(super) struct Scratch {
    pub(super) core: csv_core::Reader,
    pub(super) delim: u8,
    pub(super) out: Vec<u8>,
    pub(super) ends: Vec<usize>,
    pub(super) fields: Vec<(usize, usize)>,
}

impl Scratch {
    /// Parse one record with `csv_core` from the start of `input`: the bytes
    /// taken and whether a record was found (not just blank lines).
    pub(super) fn record(&mut self, delim: u8, input: &[u8], last: bool) -> Res<(usize, bool)> {
        if self.delim != delim {
            self.core = csv_reader(delim);
            self.delim = delim;
        }
        self.core.reset();
        let (mut nin, mut nout, mut nend) = (0, 0, 0);
        let mut eof = false;
        loop {
            let (res, i, o, e) = self
                .core
                .read_record(&input[nin..], &mut self.out[nout..], &mut self.ends[nend..]);
            nin += i;
            nout += o;
            nend += e;
            match res {
                csv_core::ReadRecordResult::InputEmpty => {
                    // A record running past the end of a chunk means the
                    // cut fell inside a quoted field; at the end of the file
                    // an empty input tells csv_core to finish the record.
                    if !last || eof {
                        return Err(GiveUp);
                    }
                    eof = true;
                }
                csv_core::ReadRecordResult::OutputFull => self.out.resize(self.out.len() * 2, 0),
                csv_core::ReadRecordResult::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                csv_core::ReadRecordResult::Record => {
                    self.fields.clear();
                    let mut start = 0;
                    for &end in &self.ends[..nend] {
                        self.fields.push((start, end));
                        start = end;
                    }
                    return Ok((nin, true));
                }
                csv_core::ReadRecordResult::End => return Ok((nin, false)),
            }
        }
    }
}

/// What [`scan_line`] found at the start of a line.
pub(super) enum Scan {
    /// A line without quotes or lone CRs: it ends at `end` (its `\n`, or
    /// the `\r` of its `\r\n`), the next starts at `next`; its fields up
    /// to the last are pushed, and the last starts at `last`.
    Plain { end: usize, next: usize, last: usize },
    /// A quote or a lone CR comes first: the record is csv_core's.
    Special,
    /// The line runs to the end of the data: the caller looks.
    Unknown,
}

/// Split the line starting at `pos` at its delimiters, 64 bytes at a time:
/// one pass of vector compares finds line ends, quotes, CRs and delimiters
/// together (most lines take one or two windows), where searching for the
/// end and then for each delimiter cost several calls per line.
#[inline]
pub(super) fn scan_line(data: &[u8], pos: usize, delim: u8, fields: &mut Vec<(usize, usize)>) -> Scan {
    let mut field = pos;
    let mut at = pos;
    while let Some(w) = data.get(at..at + 64).and_then(|w| <&[u8; 64]>::try_from(w).ok()) {
        let [nl, quote, cr, dl] = window_masks(w, delim);
        let special = nl | quote | cr;
        // Delimiters before the first special byte (all of them if none).
        let stop = if special == 0 {
            64
        } else {
            special.trailing_zeros() as usize
        };
        let mut d = if stop == 64 { dl } else { dl & ((1u64 << stop) - 1) };
        while d != 0 {
            let p = at + d.trailing_zeros() as usize;
            fields.push((field, p));
            field = p + 1;
            d &= d - 1;
        }
        if stop < 64 {
            let p = at + stop;
            return match data[p] {
                b'\n' => Scan::Plain {
                    end: p,
                    next: p + 1,
                    last: field,
                },
                b'\r' if data.get(p + 1) == Some(&b'\n') => Scan::Plain {
                    end: p,
                    next: p + 2,
                    last: field,
                },
                _ => Scan::Special,
            };
        }
        at += 64;
    }
    Scan::Unknown
}

/// Bit `i` of each mask is set when byte `i` of the window is a `\n`, a
/// `"`, a `\r`, or `delim`.
#[inline(always)]
pub(super) fn window_masks(w: &[u8; 64], delim: u8) -> [u64; 4] {
    let mut out = [0u64; 4];
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
        // SAFETY: SSE2 is part of the x86_64 baseline, so these intrinsics
        // are always available; each load reads 16 bytes (unaligned) that
        // lie within the 64-byte window.
        unsafe {
            let needles = [b'\n', b'"', b'\r', delim].map(|b| _mm_set1_epi8(b as i8));
            for i in 0..4 {
                let v = _mm_loadu_si128(w.as_ptr().add(16 * i).cast());
                for (o, &n) in out.iter_mut().zip(&needles) {
                    *o |= u64::from(_mm_movemask_epi8(_mm_cmpeq_epi8(v, n)) as u16) << (16 * i);
                }
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    for (i, &b) in w.iter().enumerate() {
        for (o, n) in out.iter_mut().zip([b'\n', b'"', b'\r', delim]) {
            *o |= u64::from(b == n) << i;
        }
    }
    out
}

/// Parse one chunk into the worker's table.
pub(super) fn parse_chunk<W: Word>(plan: &Plan, t: &mut Table<W>, sc: &mut Scratch, c: &Chunk) -> Res<()> {
    let data = &c.data[..];
    // A line ended by CR alone past the head `read::text_of` looks at: the
    // file is read again as text, those line ends made LF
    // (`read::late_text`). Such a CR is always in a record read by
    // `csv_core` (a line split in place ends at an LF), so a chunk is
    // looked at for one only when it has such a record, or a NUL byte.
    let cr_alone = || !c.whole && lone_cr(data);
    // A NUL byte: the file is not text, and the chunk is not read.
    if let Some(p) = memchr::memchr(0, data) {
        if cr_alone() {
            return Err(GiveUp);
        }
        let line = c.lines_before + memchr::memchr_iter(b'\n', &data[..p]).count() as u64 + 1;
        let (at, said) = ((c.file, c.seq, 0), Said::Nul);
        t.bad.push(Problem {
            at,
            line,
            col: None,
            said,
        });
        // Rows were given: not a file of a header alone.
        let file = c.file as usize;
        t.rows_in.resize(t.rows_in.len().max(file + 1), false);
        t.rows_in[file] = true;
        return Ok(());
    }
    // Bytes not UTF-8 (a GBK file whose head is ASCII): read whole, as
    // text (`read::late_text`).
    if simdutf8::basic::from_utf8(data).is_err() {
        return Err(GiveUp);
    }
    let l = &*c.layout;
    let mut pos = 0;
    let mut row = 0u32;
    // Line ends in data[..pos]: a record's line is that of its first byte
    // past any line ends.
    let mut nl = 0u64;
    // Whether the chunk was looked at for a CR alone.
    let mut cr_seen = false;
    // Short spans (a quoted record): a plain count beats a vector search.
    let newlines = |b: &[u8]| b.iter().filter(|&&b| b == b'\n').count() as u64;
    while pos < data.len() {
        let start = pos;
        sc.fields.clear();
        let mut field = pos;
        // Find the line's end; a quote or a lone CR first sends the record
        // to csv_core. Then split the line at its delimiters.
        let plain_end = match scan_line(data, pos, l.delim, &mut sc.fields) {
            Scan::Plain { end, next, last } => {
                field = last;
                Some((end, next))
            }
            Scan::Special => None,
            Scan::Unknown => {
                sc.fields.clear();
                let plain_end = match memchr::memchr3(b'\n', b'"', b'\r', &data[pos..]) {
                    None if !c.last => return Err(GiveUp),
                    None => Some((data.len(), data.len())),
                    Some(p) => match data[pos + p] {
                        b'\n' => Some((pos + p, pos + p + 1)),
                        b'\r' if data.get(pos + p + 1) == Some(&b'\n') => Some((pos + p, pos + p + 2)),
                        _ => None,
                    },
                };
                if let Some((end, _)) = plain_end {
                    for d in memchr::memchr_iter(l.delim, &data[pos..end]) {
                        sc.fields.push((field, pos + d));
                        field = pos + d + 1;
                    }
                }
                plain_end
            }
        };
        let at = (c.file, c.seq, row);
        match plain_end {
            Some((end, next)) => {
                let line = c.lines_before + nl + 1;
                pos = next;
                nl += (next > end) as u64;
                if end == start {
                    continue; // a blank line: no record
                }
                sc.fields.push((field, end));
                t.row(plan, l, data, &sc.fields, at, (line, c.offset + start as u64))?;
            }
            None => {
                if !cr_seen && cr_alone() {
                    return Err(GiveUp);
                }
                cr_seen = true;
                let skip = data[start..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
                let line = c.lines_before + nl + newlines(&data[start..start + skip]) + 1;
                let (taken, found) = sc.record(l.delim, &data[start..], c.last)?;
                pos = start + taken.max(1);
                nl += newlines(&data[start..pos.min(data.len())]);
                if !found {
                    continue;
                }
                t.row(plan, l, &sc.out, &sc.fields, at, (line, c.offset + start as u64))?;
            }
        }
        row += 1;
    }
    t.flush()
}

pub(super) fn worker<W: Word>(
    plan: &Plan,
    rx: &Mutex<mpsc::Receiver<Chunk>>,
    pool: mpsc::Sender<Vec<u8>>,
    failed: &AtomicBool,
    (detail, watch): (Option<&str>, Option<Arc<Watch>>),
    offsets: bool,
) -> Res<Table<W>> {
    let mut t = Table::new(plan.slots.len());
    t.detail = detail.map(|d| d.as_bytes().into());
    t.watch = watch;
    if offsets {
        t.offsets = Some(Vec::new());
    }
    let mut sc = Scratch {
        core: csv_reader(b','),
        delim: b',',
        out: vec![0; 4096],
        ends: vec![0; 64],
        fields: Vec::new(),
    };
    loop {
        let next = rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
        let Ok(mut chunk) = next else { break };
        if !failed.load(Ordering::Relaxed) && parse_chunk(plan, &mut t, &mut sc, &chunk).is_err() {
            failed.store(true, Ordering::Relaxed);
        }
        chunk.data.clear();
        let _ = pool.send(chunk.data);
    }
    if failed.load(Ordering::Relaxed) {
        return Err(GiveUp);
    }
    t.sort_units();
    Ok(t)
}
