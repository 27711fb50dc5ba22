//! Bulk scoring (全省规模): the compact, parallel path for large evidence.
//!
//! A province-wide run has 100,000+ units × 60 indicators — millions of
//! long-format rows, or 100,000 wide rows of 60 values. The general loader ([`crate::evidence`]) keeps every
//! cell as strings for explanations and diagnostics, which is the right
//! model for a few hundred units and far too heavy for millions of rows.
//! This path computes the same results with a fraction of the time and
//! memory:
//!
//! * files are streamed in blocks and cut at line ends; the blocks are parsed
//!   on every core (`std::thread::scope`), each worker keeping its own unit
//!   table, merged and scored at the end, again on every core;
//! * a row is split in place (quoted rows go through `csv_core`, the engine
//!   of the general loader, so both see the same fields), unit ids are
//!   packed into integers and looked up in batches whose memory accesses are
//!   prefetched, indicator keys resolved through a small map — no
//!   allocation per row;
//! * a value is parsed straight from its bytes to an exact fixed-point
//!   integer and the indicator's amount computed in integer cents with the
//!   rounding of [`Rule::amount`](crate::rule::Rule::amount); anything unusual (full-width digits,
//!   signs, yes/no spellings the fast matcher does not know, huge numbers,
//!   `levels` and `survey` rules) goes through the general code for that one
//!   cell, so every cell gets exactly the amount the general path gives;
//! * per (unit, indicator slot) only a `u16` (`u32` for frameworks with
//!   items over 655 points) is kept: unseen, empty, 不适用, or the amount (a
//!   clause count, a veto flag).
//!
//! Files in GBK/GB18030 or UTF-16 (with its byte-order mark) are transcoded
//! to UTF-8 in blocks as they are read (`source`), their encoding decided
//! as the general loader decides it; lines and offsets are counted in the
//! transcoded text, whose lines are the file's.
//!
//! Errors are the rare case, and the general loader words them: on any
//! problem — a bad value, an unknown unit or indicator, a duplicate, a ragged
//! row, bytes that are not valid in the file's encoding — and on anything
//! this path does not read (an encoding forced with `--encoding`) it gives
//! up, before any output, and the caller runs the general path, which
//! produces the same result or the diagnostics.
//!
//! Four entry points:
//!
//! * [`assess`] returns a *summary* assessment: every unit's totals, grade,
//!   groups and rank, as the ranking needs, without per-indicator results or
//!   deficiencies (`indicators` and `deficiencies` are empty) and without
//!   input digests (`sha256` is empty);
//! * [`assess_unit`] adds one unit in full, as `explain` shows it: its rows
//!   are kept whole while parsing and scored by the general code;
//! * [`write_json`] streams the canonical JSON result, every unit in full:
//!   each cell's offset is kept (a wide file's cells, their row's; the
//!   layout gives each slot's column), and each unit's rows are read again;
//! * [`write_deficiencies`] streams the rectification list (sections per
//!   unit) the same way.

mod detail;
mod json;
mod kernel;
mod rectify;
mod source;

pub use json::{write_json, write_json_tuned};
use kernel::{NA, OUTSIDE, Plan, UNSEEN, VALUE, cents, exempt, trim};
pub use rectify::{ListArgs, write_deficiencies, write_deficiencies_tuned};

use crate::evidence::{Cell, Column, Evidence, InputFile, UnitEvidence, resolve_key};
use crate::framework::{Framework, Kind, Missing};
use crate::rule::Value;
use crate::score::{Assessment, Totals, UnitResult};
use crate::units::Units;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

/// foldhash: several times faster than SipHash on short keys such as unit
/// ids; the inputs are the user's own files, so hash flooding is no concern.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// The bulk path does not apply, or found a problem: use the general path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GiveUp;

type Res<T> = Result<T, GiveUp>;

// ---- reading -----------------------------------------------------------------

/// Bytes read from a file at a time.
const BLOCK: usize = 1 << 20;
/// Bytes read for the header (which must fit).
const BLOCK_HEADER: usize = 64 << 10;
/// A block with no line end in this many bytes is left to the general path.
const MAX_RECORD: usize = 64 << 20;

/// Where the columns of one evidence file are (long or wide).
struct Layout {
    width: usize,
    unit: usize,
    indicator: usize,
    value: usize,
    name: Option<usize>,
    note: Option<usize>,
    source: Option<usize>,
    /// The rater column (评分人) of a long file.
    rater: Option<usize>,
    delim: u8,
    /// Wide files (one row per unit): each indicator column and its slot.
    /// `indicator` and `value` are unused then.
    wide: Option<Vec<(usize, u32)>>,
    /// Wide files: per slot, its column (`u32::MAX` for none).
    slot_col: Vec<u32>,
}

impl Layout {
    /// The column holding the value of a cell of `slot`: the value column
    /// of a long file, the slot's own column of a wide one.
    fn value_col(&self, slot: usize) -> Res<usize> {
        if self.wide.is_none() {
            return Ok(self.value);
        }
        match self.slot_col.get(slot) {
            Some(&c) if c != u32::MAX => Ok(c as usize),
            _ => Err(GiveUp),
        }
    }
}

/// A run of whole lines of one file.
struct Chunk {
    layout: Arc<Layout>,
    file: u32,
    seq: u32,
    /// The file's last chunk: it may end without a line end.
    last: bool,
    /// Line ends in the file before the chunk (counted only when lines are
    /// needed: a unit's rows captured for `explain`).
    lines_before: u64,
    /// Where the chunk starts, in bytes over all files read one after the
    /// other.
    offset: u64,
    data: Vec<u8>,
}

fn csv_reader(delim: u8) -> csv_core::Reader {
    // The general loader's settings (csv::ReaderBuilder defaults).
    csv_core::ReaderBuilder::new().delimiter(delim).build()
}

/// Read the header of a file from its first block: the layout and the
/// number of bytes it took (BOM included). Only long-format files with
/// known, distinct columns are taken.
fn header(block: &[u8], eof: bool, plan: &Plan) -> Res<(Layout, usize)> {
    let (bom, text) = match block.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None if block.starts_with(b"\xFF\xFE") || block.starts_with(b"\xFE\xFF") => return Err(GiveUp),
        None => (0, block),
    };
    // The general loader's rule: tab when the first line has tabs and no commas.
    let first_line = text.split(|&b| b == b'\n').next().unwrap_or(b"");
    let delim = if !first_line.contains(&b',') && first_line.contains(&b'\t') {
        b'\t'
    } else {
        b','
    };
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
            csv_core::ReadRecordResult::OutputFull if out.len() < 1 << 24 => out.resize(out.len() * 2, 0),
            csv_core::ReadRecordResult::OutputEndsFull if ends.len() < 1 << 20 => ends.resize(ends.len() * 2, 0),
            csv_core::ReadRecordResult::InputEmpty if eof && nin == text.len() => {
                let (res, _, o, e) = core.read_record(b"", &mut out[nout..], &mut ends[nend..]);
                if res != csv_core::ReadRecordResult::Record {
                    return Err(GiveUp);
                }
                (nout, nend) = (nout + o, nend + e);
                break;
            }
            _ => return Err(GiveUp),
        }
    }
    if memchr::memchr(0, &text[..nin]).is_some() {
        return Err(GiveUp);
    }
    let out = std::str::from_utf8(&out[..nout]).map_err(|_| GiveUp)?;
    let mut cells = Vec::new();
    let mut start = 0;
    for &end in &ends[..nend] {
        cells.push(out.get(start..end).ok_or(GiveUp)?);
        start = end;
    }
    if cells.iter().all(|c| c.trim().is_empty()) {
        return Err(GiveUp);
    }
    // The general loader's reading of a header (evidence::Loader::sheet):
    // each role at most once; long with an indicator column, else wide.
    let roles: Vec<Option<Column>> = cells.iter().map(|c| Column::of(c)).collect();
    for (i, c) in roles.iter().enumerate() {
        if let Some(c) = c
            && *c != Column::Ignored
            && roles[..i].contains(&Some(*c))
        {
            return Err(GiveUp);
        }
    }
    let pos = |c: Column| roles.iter().position(|x| *x == Some(c));
    let wide = if roles.contains(&Some(Column::Indicator)) {
        if roles.contains(&None) {
            return Err(GiveUp); // an unknown column in a long file
        }
        None
    } else if roles.contains(&Some(Column::Value)) {
        return Err(GiveUp); // a value column without an indicator column
    } else {
        // One column per indicator key; only unit, name and ignored
        // columns beside them.
        let mut keys: Vec<(usize, u32)> = Vec::new();
        for (i, role) in roles.iter().enumerate() {
            match role {
                Some(Column::Unit | Column::Name | Column::Ignored) => {}
                Some(_) => return Err(GiveUp),
                None => {
                    let (ind, clause) = resolve_key(plan.fw, cells[i]).map_err(|_| GiveUp)?;
                    // A rater item in a wide file cannot say who rated:
                    // the general path words it.
                    if plan.fw.indicators[ind].raters.is_some() {
                        return Err(GiveUp);
                    }
                    let slot = (plan.first[ind] + clause) as u32;
                    if keys.iter().any(|k| k.1 == slot) {
                        return Err(GiveUp);
                    }
                    keys.push((i, slot));
                }
            }
        }
        Some(keys)
    };
    let mut slot_col = Vec::new();
    if let Some(keys) = &wide {
        slot_col = vec![u32::MAX; plan.slots.len()];
        for &(c, slot) in keys {
            slot_col[slot as usize] = c as u32;
        }
    }
    let layout = Layout {
        slot_col,
        width: roles.len(),
        unit: pos(Column::Unit).ok_or(GiveUp)?,
        indicator: pos(Column::Indicator).unwrap_or(0),
        value: if wide.is_some() {
            0
        } else {
            pos(Column::Value).ok_or(GiveUp)?
        },
        name: pos(Column::Name),
        note: pos(Column::Note),
        source: pos(Column::Source),
        rater: pos(Column::Rater),
        delim,
        wide,
    };
    Ok((layout, bom + nin))
}

/// Read until `buf` holds `want` bytes or the file ends; true at the end.
fn fill(f: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> Res<bool> {
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

/// Where to cut a block: after a line end, preferring one with no quote on
/// the lines either side, so that the cut is very unlikely to fall inside a
/// quoted field. Workers check it all the same: a chunk must end between
/// records, or the bulk path gives up.
fn cut_point(buf: &[u8]) -> Option<usize> {
    let mut after_end = buf.len();
    let mut fallback = None;
    for (tries, nl) in memchr::memrchr_iter(b'\n', buf).enumerate() {
        fallback.get_or_insert(nl + 1);
        let after = &buf[nl + 1..after_end];
        let before_start = memchr::memrchr(b'\n', &buf[..nl]).map_or(0, |p| p + 1);
        let before = &buf[before_start..nl];
        if memchr::memchr(b'"', after).is_none() && memchr::memchr(b'"', before).is_none() {
            return Some(nl + 1);
        }
        if tries > 256 {
            break;
        }
        after_end = nl;
    }
    fallback
}

/// Stream every file to the workers as chunks of whole lines; note each
/// file's layout and where it starts over all files (in bytes).
#[allow(clippy::too_many_arguments)]
fn read_files(
    paths: &[PathBuf],
    tx: mpsc::SyncSender<Chunk>,
    pool: &mpsc::Receiver<Vec<u8>>,
    failed: &AtomicBool,
    block: usize,
    count_lines: bool,
    bases: &mut Vec<u64>,
    layouts: &mut Vec<Arc<Layout>>,
    plan: &Plan,
) -> Res<()> {
    let mut global = 0u64;
    let take = || pool.try_recv().unwrap_or_else(|_| Vec::with_capacity(block + 4096));
    for (file, path) in paths.iter().enumerate() {
        let mut f = std::fs::File::open(path).map_err(|_| GiveUp)?;
        let len = f.metadata().map_or(0, |m| m.len());
        let progress = crate::progress::bytes(&path.display().to_string(), len);
        let mut buf = take();
        // The sample the encoding is told from, and a little more.
        let mut eof = fill(&mut f, &mut buf, block.max(BLOCK_HEADER + 1))?;
        let encoding = source::text_encoding(&buf, eof)?;
        let mut f = source::Source::new(f, encoding, &mut buf, eof)?;
        let (layout, consumed) = header(&buf, eof, plan)?;
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
            let cut = if eof { None } else { cut_point(&buf) };
            let data = match cut {
                None if !eof => {
                    if buf.len() > MAX_RECORD {
                        return Err(GiveUp);
                    }
                    let want = buf.len() + block;
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
        if let Some(pb) = progress {
            pb.finish_and_clear();
        }
    }
    Ok(())
}

// ---- parsing -----------------------------------------------------------------

/// Short keys (up to 15 bytes, as unit ids and indicator keys nearly always
/// are) packed into an integer with their length: hashing and comparing
/// them costs a couple of instructions and no `memcmp`. Never 0.
fn pack(b: &[u8]) -> Option<u128> {
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
fn pack_in(within: &[u8], b: &[u8]) -> Option<u128> {
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

fn unpack(k: u128) -> Box<[u8]> {
    let a = k.to_le_bytes();
    a[..a[15] as usize].into()
}

/// Ask the processor to start loading `p` into cache: a batch of rows
/// issues all its loads before it needs any, instead of waiting for each.
#[inline(always)]
fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Byte strings → small dense indices (indicator keys): a few dozen keys
/// looked up once per row, short ones in a small open-addressing table
/// (a multiply and a compare), long ones in a hash map.
struct Interner {
    /// `(packed key, index)`; a zero key is an empty entry.
    short: Vec<(u128, u32)>,
    len: usize,
    long: FastMap<Box<[u8]>, u32>,
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
    fn home(&self, k: u128) -> usize {
        let folded = (k as u64) ^ ((k >> 64) as u64).rotate_left(29);
        (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & (self.short.len() - 1)
    }

    fn get(&self, within: &[u8], b: &[u8]) -> Option<u32> {
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

    fn insert(&mut self, b: &[u8], v: u32) {
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

    fn put(&mut self, k: u128, v: u32) {
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
struct UnitMap {
    /// `(packed id halves, index)`; an all-zero key is an empty slot.
    entries: Vec<(u64, u64, u32)>,
    mask: usize,
    len: usize,
    hasher: foldhash::fast::FixedState,
}

impl UnitMap {
    fn new() -> UnitMap {
        UnitMap {
            entries: vec![(0, 0, 0); 1024],
            mask: 1023,
            len: 0,
            hasher: foldhash::fast::FixedState::default(),
        }
    }

    #[inline]
    fn home(&self, k: u128) -> usize {
        use std::hash::BuildHasher;
        self.hasher.hash_one(k) as usize & self.mask
    }

    #[inline]
    fn prefetch(&self, k: u128) {
        prefetch(&self.entries[self.home(k)]);
    }

    /// The index of `k`, inserting `next` when it is new (then `true`).
    fn get_or_insert(&mut self, k: u128, next: u32) -> (u32, bool) {
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

    fn grow(&mut self) {
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
const PAGE_CELLS: usize = 1 << 20;

/// log₂ of the units per page of a table with `nslots` cells per unit.
fn page_shift(nslots: usize) -> u32 {
    (PAGE_CELLS / nslots.max(1)).max(1).ilog2().min(16)
}

/// A table of `n` copies of `value`, its memory written before use (and
/// backed by huge pages where it is large). Memory that is only zeroed
/// lazily maps the shared zero page on the first read, and the first write
/// after that is a copy-on-write fault that must flush the TLBs of every
/// core running a worker; the random lookups of the tables read first.
fn touched<T: Copy>(n: usize, value: T) -> Box<[T]> {
    let mut v: Vec<T> = Vec::with_capacity(n);
    huge_pages(v.spare_capacity_mut());
    // Opaque to the optimiser, so that allocating and filling with zeros
    // is not turned back into a lazily zeroed allocation.
    v.resize(n, std::hint::black_box(value));
    v.into_boxed_slice()
}

/// Ask for transparent huge pages on a large table that is accessed at
/// random: with 4 KiB pages nearly every access also misses the TLB.
fn huge_pages<T>(v: &[T]) {
    huge_pages_raw(v.as_ptr() as usize, std::mem::size_of_val(v));
}

/// [`huge_pages`] for the `len` bytes at `start`, which must be memory the
/// caller owns (a vector's spare capacity, say).
fn huge_pages_raw(start: usize, len: usize) {
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
type RowAt = (u32, u32, u32);

/// A row parsed and valued, waiting for its unit to be looked up.
struct Pending {
    /// Packed unit id, or 0 when `unit` is already known (a long id).
    key: u128,
    unit: u32,
    slot: u32,
    value: u32,
    at: RowAt,
    /// The row's name cell, as a range of `Table::name_buf`.
    name: Option<(u32, u32)>,
    /// Where the row starts over all files (when offsets are kept).
    offset: u32,
}

/// A pending entry that only names its unit (a wide row with no values).
const NO_SLOT: u32 = u32::MAX;

/// Rows looked up together: enough to cover memory latency.
const BATCH: usize = 16;

/// The word a cell is stored in: `u16` when every amount fits (points up
/// to 655 — every real framework), halving the tables and their cache
/// footprint, else `u32`.
trait Word: Copy + Eq + Send + Sync + 'static {
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
struct Table<W: Word> {
    nslots: usize,
    /// log₂ of the units per page ([`page_shift`]).
    page_shift: u32,
    /// Unit id → local index.
    ids: UnitMap,
    /// Ids longer than 15 bytes.
    long_ids: FastMap<Box<[u8]>, u32>,
    /// Unit ids by local index.
    units: Vec<Box<[u8]>>,
    /// `nslots` cells per local unit, `1 << page_shift` units per page.
    pages: Vec<Box<[W]>>,
    /// First non-empty name per local unit, with where it was given.
    names: Vec<Option<(RowAt, Box<str>)>>,
    /// Indicator key as written → slot.
    keys: Interner,
    pending: Vec<Pending>,
    name_buf: Vec<u8>,
    /// The unit whose rows are kept whole (`explain`), and its rows.
    detail: Option<Box<[u8]>>,
    captured: Vec<Captured>,
    /// Where each cell's row starts over all files, paged like the cells
    /// (kept when every row is read again: the JSON result, the
    /// rectification list).
    offsets: Option<Vec<Box<[u32]>>>,
    /// A unit id holds an invisible character: give up.
    invisible_id: bool,
    /// Rows of items scored by several raters: (unit id, slot, rater,
    /// cell with the rater's amount), settled once every row is read.
    rated: Vec<RatedRow>,
}

/// A row of an item scored by several raters: unit id, slot, rater, and
/// the cell of the rater's amount.
type RatedRow = (Box<[u8]>, u32, Box<[u8]>, u32);

/// One row of the unit being explained, kept whole.
struct Captured {
    slot: u32,
    at: RowAt,
    file: u32,
    line: u64,
    raw: String,
    note: String,
    source: String,
    name: String,
}

impl<W: Word> Table<W> {
    fn new(nslots: usize) -> Table<W> {
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
            invisible_id: false,
            rated: Vec::new(),
        }
    }

    /// Keep a row of the unit being explained, with its line: the general
    /// loader's, counted from the record's first byte past any line ends.
    fn capture<'b>(
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
            name: text(l.name)?,
        });
        Ok(())
    }

    /// Local unit `u`'s page, and where its cells start in it.
    fn at(&self, u: usize) -> (usize, usize) {
        (u >> self.page_shift, (u & ((1 << self.page_shift) - 1)) * self.nslots)
    }

    fn cells(&self, u: usize) -> &[W] {
        let (page, off) = self.at(u);
        &self.pages[page][off..off + self.nslots]
    }

    fn cells_mut(&mut self, u: usize) -> &mut [W] {
        let (page, off) = self.at(u);
        &mut self.pages[page][off..off + self.nslots]
    }

    /// A new local unit. An id with an invisible character (U+200B …)
    /// is marked, for the general loader to refuse by name.
    fn add_unit(&mut self, id: Box<[u8]>) -> u32 {
        if id.iter().any(|b| !(0x20..0x7f).contains(b))
            && std::str::from_utf8(&id).is_ok_and(|s| crate::diag::first_invisible(s).is_some())
        {
            self.invisible_id = true;
        }
        let u = self.units.len();
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

    fn row(
        &mut self,
        plan: &Plan,
        l: &Layout,
        base: &[u8],
        fields: &[(usize, usize)],
        at: RowAt,
        (line, offset): (u64, u64),
    ) -> Res<()> {
        let cell = |c: usize| trim(&base[fields[c].0..fields[c].1]);
        let blank = || fields.iter().all(|&(a, b)| trim(&base[a..b]).is_empty());
        if fields.len() != l.width {
            if blank() {
                return Ok(());
            }
            // Extra cells are fine when empty; missing cells are not.
            if fields.len() < l.width || fields[l.width..].iter().any(|&(a, b)| !trim(&base[a..b]).is_empty()) {
                return Err(GiveUp);
            }
        }
        let unit = cell(l.unit);
        if unit.is_empty() {
            return if blank() { Ok(()) } else { Err(GiveUp) };
        }
        // A byte-order mark starting a row (two exports pasted together):
        // the general loader drops it.
        if fields
            .first()
            .is_some_and(|&(a, _)| base[a..].starts_with(b"\xEF\xBB\xBF"))
        {
            return Err(GiveUp);
        }
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
                    let value = plan.encode(slot as usize, raw)?;
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
                let (ind, clause) = resolve_key(plan.fw, text).map_err(|_| GiveUp)?;
                let s = (plan.first[ind] + clause) as u32;
                self.keys.insert(key, s);
                s
            }
        };
        let value = plan.encode(slot as usize, cell(l.value))?;
        if self.detail.as_deref() == Some(unit) {
            self.capture(l, l.value, slot, at, line, cell)?;
        }
        // One row per rater on a rater item, none on another: otherwise
        // the general path words the problem.
        let rater = l.rater.map(cell).unwrap_or_default();
        let rated = plan.fw.indicators[plan.slots[slot as usize].ind].raters.is_some();
        if rated == rater.is_empty() {
            return Err(GiveUp);
        }
        if rated {
            self.rated.push((unit.into(), slot, rater.into(), value));
            return self.push(base, unit, NO_SLOT, 0, at, name, offset);
        }
        self.push(base, unit, slot, value, at, name, offset)
    }

    /// Queue a cell (or, with `NO_SLOT`, only its unit) for the next flush.
    #[allow(clippy::too_many_arguments)]
    fn push(
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
                    if self.invisible_id {
                        return Err(GiveUp);
                    }
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
    fn flush(&mut self) -> Res<()> {
        let mut pending = std::mem::take(&mut self.pending);
        for p in pending.iter_mut() {
            if p.key != 0 {
                let next = self.units.len() as u32;
                let (u, new) = self.ids.get_or_insert(p.key, next);
                if new {
                    self.add_unit(unpack(p.key));
                    if self.invisible_id {
                        return Err(GiveUp);
                    }
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
                    return Err(GiveUp); // duplicate: the general path names both lines
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
struct Scratch {
    core: csv_core::Reader,
    delim: u8,
    out: Vec<u8>,
    ends: Vec<usize>,
    fields: Vec<(usize, usize)>,
}

impl Scratch {
    /// Parse one record with `csv_core` from the start of `input`: the bytes
    /// taken and whether a record was found (not just blank lines).
    fn record(&mut self, delim: u8, input: &[u8], last: bool) -> Res<(usize, bool)> {
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
fn window_masks(w: &[u8; 64], delim: u8) -> [u64; 4] {
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
fn parse_chunk<W: Word>(plan: &Plan, t: &mut Table<W>, sc: &mut Scratch, c: &Chunk) -> Res<()> {
    let data = &c.data[..];
    // Any byte the general loader would not read as UTF-8 text (GBK, NUL):
    // leave the file to it.
    if memchr::memchr(0, data).is_some() || simdutf8::basic::from_utf8(data).is_err() {
        return Err(GiveUp);
    }
    let l = &*c.layout;
    let mut pos = 0;
    let mut row = 0u32;
    // Line ends in data[..pos]: a record's line is the general loader's,
    // that of its first byte past any line ends.
    let mut nl = 0u64;
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

fn worker<W: Word>(
    plan: &Plan,
    rx: &Mutex<mpsc::Receiver<Chunk>>,
    pool: mpsc::Sender<Vec<u8>>,
    failed: &AtomicBool,
    detail: Option<&str>,
    offsets: bool,
) -> Res<Table<W>> {
    let mut t = Table::new(plan.slots.len());
    t.detail = detail.map(|d| d.as_bytes().into());
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
        Err(GiveUp)
    } else {
        Ok(t)
    }
}

// ---- scoring -----------------------------------------------------------------

/// What scoring one unit's cells gives, in cents.
struct Scored {
    totals: Totals,
    groups: Vec<Decimal>,
}

fn dec(c: u64) -> Decimal {
    Decimal::new(c as i64, 2)
}

/// A unit's sums in cents, from which its totals follow.
#[derive(Debug, Clone, Copy)]
struct Sums {
    base_sum: u64,
    applicable: u64,
    bonus_sum: u64,
    penalty_sum: u64,
    zeros: u32,
}

/// Score one unit from its cells exactly as [`crate::score::evaluate`]
/// does, summed in integer cents; the totals follow from the sums by
/// [`Totals::from_sums`], as on every path.
fn score_unit(plan: &Plan, row: &[u32]) -> Res<Scored> {
    let mut groups = vec![0u64; plan.fw.groups.len()];
    let (mut veto, mut caps) = (Vec::new(), Vec::new());
    let sums = unit_sums(plan, row, &mut groups, &mut veto, &mut caps)?;
    if sums.applicable == 0 {
        return Err(GiveUp); // every base item 不适用: the general path says so
    }
    let sums = crate::score::Sums {
        base_sum: dec(sums.base_sum),
        applicable: dec(sums.applicable),
        bonus_sum: dec(sums.bonus_sum),
        penalty_sum: dec(sums.penalty_sum),
        zeros: sums.zeros,
    };
    Ok(Scored {
        totals: Totals::from_sums(plan.fw, sums, veto, caps),
        groups: groups.into_iter().map(dec).collect(),
    })
}

/// A unit's sums from its cells, with its amounts per group added to
/// `groups` and its triggered vetoes and caps to `veto` and `caps`.
fn unit_sums(plan: &Plan, row: &[u32], groups: &mut [u64], veto: &mut Vec<usize>, caps: &mut Vec<usize>) -> Res<Sums> {
    let fw = plan.fw;
    // A unit without any evidence (every cell unseen or empty): the
    // general path warns of it.
    if row.iter().all(|&c| c < NA) {
        return Err(GiveUp);
    }
    let (mut base_sum, mut applicable, mut bonus_sum, mut penalty_sum) = (0u64, 0u64, 0u64, 0u64);
    let mut zeros = 0u32;
    for (i, ind) in fw.indicators.iter().enumerate() {
        let cells = row.get(plan.first[i]..plan.first[i] + ind.slots()).ok_or(GiveUp)?;
        let na = cells.iter().filter(|&&c| exempt(c)).count();
        if na > 0 {
            // 不适用 must cover every clause given.
            let given = cells.iter().filter(|&&c| exempt(c) || c >= VALUE).count();
            if na < given {
                return Err(GiveUp);
            }
            continue; // exempt: not applicable, no amount
        }
        if ind.kind.is_trigger() {
            if cells[0] == VALUE + 1 {
                if ind.kind == Kind::Veto {
                    veto.push(i)
                } else {
                    caps.push(i)
                }
            }
            continue;
        }
        let amount = if cells.iter().any(|&c| c < VALUE) {
            if ind.kind == Kind::Base && fw.missing == Missing::Error {
                return Err(GiveUp);
            }
            0
        } else if plan.amount_cell(i) {
            (cells[0] - VALUE) as u64
        } else {
            // Clause cells hold counts: the amount is the rule's.
            let values: Vec<Value> = cells
                .iter()
                .map(|&c| Value::Number(crate::num::Exact::from(u64::from(c - VALUE))))
                .collect();
            let refs: Vec<&Value> = values.iter().collect();
            match ind.amount(&refs) {
                Some(a) => cents(a)?,
                None => 0,
            }
        };
        match ind.kind {
            Kind::Base => {
                applicable += plan.slots[plan.first[i]].pc;
                base_sum += amount;
                zeros += u32::from(amount == 0);
                for &g in &plan.groups_of[i] {
                    groups[g] += amount;
                }
            }
            Kind::Bonus => bonus_sum += amount,
            Kind::Penalty => penalty_sum += amount,
            Kind::Veto | Kind::Cap => {}
        }
    }
    Ok(Sums {
        base_sum,
        applicable,
        bonus_sum,
        penalty_sum,
        zeros,
    })
}

/// How the work is cut up: block size, number of workers and units per
/// batch of output (`None`: the output's own). Only tests change it, to
/// force many blocks, cuts and batches out of small files.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Tuning {
    pub block: usize,
    pub workers: usize,
    pub batch: Option<usize>,
}

impl Default for Tuning {
    fn default() -> Tuning {
        Tuning {
            block: BLOCK,
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8),
            batch: None,
        }
    }
}

/// Score and rank every unit from long-format evidence files, or `None`
/// when the general path must do it (see the module documentation).
pub fn assess(fw: &Framework, units: Option<&Units>, paths: &[PathBuf], period: Option<String>) -> Option<Assessment> {
    assess_tuned(fw, units, paths, period, Tuning::default(), None)
}

/// A unit's base amounts: `(indicator index, amount)`.
pub type BaseAmounts = Vec<(usize, Decimal)>;

/// [`assess`], with each unit's base amounts: `(indicator index, amount)`
/// for the base items that apply to it, a missing one with 0 — what
/// `robust` draws on.
pub fn assess_amounts(
    fw: &Framework,
    units: Option<&Units>,
    paths: &[PathBuf],
    period: Option<String>,
) -> Option<(Assessment, Vec<BaseAmounts>)> {
    assess_amounts_tuned(fw, units, paths, period, Tuning::default())
}

#[doc(hidden)]
pub fn assess_amounts_tuned(
    fw: &Framework,
    units: Option<&Units>,
    paths: &[PathBuf],
    period: Option<String>,
    tuning: Tuning,
) -> Option<(Assessment, Vec<BaseAmounts>)> {
    if !eligible(paths) {
        return None;
    }
    let plan = Plan::new(fw).ok()?;
    if plan.fits_u16() {
        amounts::<u16>(&plan, units, paths, period, tuning)
    } else {
        amounts::<u32>(&plan, units, paths, period, tuning)
    }
}

fn amounts<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &[PathBuf],
    period: Option<String>,
    tuning: Tuning,
) -> Option<(Assessment, Vec<BaseAmounts>)> {
    let parsed = parse::<W>(plan, units, paths, tuning, None, Reread::No)?;
    let tally = |row: &[u32], _: &UnitResult| -> Res<BaseAmounts> {
        let mut out = Vec::new();
        for (i, ind) in plan.fw.indicators.iter().enumerate() {
            if ind.kind != Kind::Base {
                continue;
            }
            let cells = row.get(plan.first[i]..plan.first[i] + ind.slots()).ok_or(GiveUp)?;
            match detail::outcome(plan, i, cells)? {
                crate::score::Outcome::Amount(a) => out.push((i, a)),
                crate::score::Outcome::Missing => out.push((i, Decimal::ZERO)),
                _ => {}
            }
        }
        Ok(out)
    };
    let parts = merge_tallied(plan, units, &parsed.tables, tuning.workers, Some(&tally)).ok()?;
    drop(parsed);
    let (merged, mut amounts): (Vec<UnitResult>, Vec<BaseAmounts>) = parts.into_iter().flatten().unzip();
    let a = finish_paired(plan.fw, merged, &mut amounts, units, paths, period).ok()?;
    Some((a, amounts))
}

/// [`assess`], with the unit `unit` (when it is assessed) in full: its
/// per-indicator results with values, notes, sources and lines, and its
/// deficiencies — what `explain` shows.
pub fn assess_unit(
    fw: &Framework,
    units: Option<&Units>,
    paths: &[PathBuf],
    period: Option<String>,
    unit: &str,
) -> Option<Assessment> {
    assess_tuned(fw, units, paths, period, Tuning::default(), Some(unit))
}

#[doc(hidden)]
pub fn assess_tuned(
    fw: &Framework,
    units: Option<&Units>,
    paths: &[PathBuf],
    period: Option<String>,
    tuning: Tuning,
    detail: Option<&str>,
) -> Option<Assessment> {
    if !eligible(paths) {
        return None;
    }
    let plan = Plan::new(fw).ok()?;
    // The unit explained in full needs its category and cohort facts: the
    // general path.
    if detail.is_some() && plan.has_deferred() {
        return None;
    }
    let (mut results, captured) = if plan.fits_u16() {
        run::<u16>(&plan, units, paths, tuning, detail)?
    } else {
        run::<u32>(&plan, units, paths, tuning, detail)?
    };
    if let Some(id) = detail
        && let Some(u) = results.iter_mut().find(|u| u.unit == id)
    {
        let full = detailed(&plan, paths, id, captured).ok()?;
        // Both paths scored this unit: they must agree.
        if full.totals != u.totals || full.groups != u.groups {
            return None;
        }
        u.indicators = full.indicators;
        u.deficiencies = full.deficiencies;
    }
    finish(fw, results, units, paths, period).ok()
}

/// Can the bulk path read these files at all? Workbooks, and files with
/// no data rows (an empty file, a header alone), are the general path's:
/// it reads the one and reports the other.
pub(crate) fn eligible(paths: &[PathBuf]) -> bool {
    use std::io::Read;
    paths.iter().all(|p| {
        let Ok(f) = std::fs::File::open(p) else { return false };
        let mut head = Vec::with_capacity(64 << 10);
        if f.take(64 << 10).read_to_end(&mut head).is_err() || crate::input::is_workbook(&head) {
            return false;
        }
        // A data row means a second line with something on it.
        head.split(|&b| b == b'\n')
            .filter(|l| l.iter().any(|b| !b.is_ascii_whitespace() && *b != b','))
            .nth(1)
            .is_some()
    })
}

/// The first 16 bytes of a unit id as a big-endian integer: ids have no
/// NUL bytes, so zero padding sorts first, and ids compare as their
/// prefixes do unless these are equal.
fn id_prefix(id: &[u8]) -> u128 {
    let mut a = [0u8; 16];
    let n = id.len().min(16);
    a[..n].copy_from_slice(&id[..n]);
    u128::from_be_bytes(a)
}

/// Two ids in byte order, given their [`id_prefix`]es: equal prefixes are
/// equal ids unless both ids fill them (the zero padding of a shorter id
/// matches no byte of another id).
fn by_id(pa: u128, a: &[u8], pb: u128, b: &[u8]) -> std::cmp::Ordering {
    pa.cmp(&pb).then_with(|| {
        if a.len().min(b.len()) >= 16 {
            a.cmp(b)
        } else {
            std::cmp::Ordering::Equal
        }
    })
}

/// Let go of `x` on a thread of its own: freeing a province's results and
/// tables takes tens of milliseconds the caller need not wait for (and a
/// process about to exit does not wait at all).
fn drop_aside<T: Send + 'static>(x: T) {
    // Were no thread to be had, the closure, and `x` with it, is dropped
    // here.
    let _ = std::thread::Builder::new().spawn(move || drop(x));
}

/// Put `v[order[k]]` at `k` for every `k`, in place: swaps along each cycle
/// of the permutation, no second copy of the results (100,000 of them are
/// tens of MB, and fresh memory costs page faults). `order` is used up.
fn permute<T>(v: &mut [T], order: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for i in 0..order.len() {
        let mut j = i;
        while order[j] != DONE {
            let k = std::mem::replace(&mut order[j], DONE);
            if k == i {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

/// Rank the units and add the inputs: the summary assessment.
fn finish(
    fw: &Framework,
    results: Vec<UnitResult>,
    units: Option<&Units>,
    paths: &[PathBuf],
    period: Option<String>,
) -> Res<Assessment> {
    finish_paired(fw, results, &mut [(); 0], units, paths, period)
}

/// [`finish`], and `paired` (one per unit, or empty) put in the same order.
fn finish_paired<T>(
    fw: &Framework,
    mut results: Vec<UnitResult>,
    paired: &mut [T],
    units: Option<&Units>,
    paths: &[PathBuf],
    period: Option<String>,
) -> Res<Assessment> {
    // Rank order by integer keys (score mantissas are cents), checked
    // against the general ranking's order. The keys are sorted, not the
    // results (a few hundred bytes each), which are then put in order in
    // place.
    let mut order: Vec<_> = results
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let id = u.unit.as_bytes();
            (
                !u.totals.veto.is_empty(),
                std::cmp::Reverse(u.totals.score.mantissa()),
                id_prefix(id),
                id,
                i,
            )
        })
        .collect();
    order.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then_with(|| by_id(a.2, a.3, b.2, b.3)));
    let mut order: Vec<usize> = order.into_iter().map(|o| o.4).collect();
    if paired.len() == results.len() {
        permute(paired, &mut order.clone());
    } else if !paired.is_empty() {
        return Err(GiveUp);
    }
    permute(&mut results, &mut order);
    if !results.is_sorted_by(|a, b| crate::score::rank_order(a, b).is_le()) {
        return Err(GiveUp);
    }
    crate::score::rank_sorted(&mut results, units.is_some_and(Units::has_categories));
    crate::grade::apply(fw, &mut results);
    let mut inputs: Vec<InputFile> = paths
        .iter()
        .map(|p| InputFile {
            path: p.display().to_string(),
            sha256: String::new(),
            ..Default::default()
        })
        .collect();
    if let Some(u) = units {
        inputs.push(InputFile {
            path: u.path.clone(),
            sha256: u.sha256.clone(),
            ..Default::default()
        });
    }
    Ok(Assessment {
        period,
        inputs,
        units: results,
    })
}

/// Read, parse and merge with cells of type `W`: every unit's result, not
/// yet ranked. The worker tables are gone when this returns, before ranking
/// sorts, which takes memory of its own.
fn run<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &[PathBuf],
    tuning: Tuning,
    detail: Option<&str>,
) -> Option<(Vec<UnitResult>, Vec<Captured>)> {
    let mut parsed = parse::<W>(plan, units, paths, tuning, detail, Reread::No)?;
    let parts = merge(plan, units, &parsed.tables, tuning.workers).ok()?;
    let captured = parsed
        .tables
        .iter_mut()
        .flat_map(|t| std::mem::take(&mut t.captured))
        .collect();
    drop(parsed); // before the parts are joined
    Some((join(parts), captured))
}

/// Items whose amount depends on more than the unit's own cells, once
/// every row is read, as the general path scores them:
/// - outside `applies_to`: the item is 不适用 (evidence for it is the
///   general path's to report);
/// - `by_category`: the value scored by the rule for the unit's category;
/// - cohort rules (按排名赋分, 按比例, 与平均比较): the amounts decided over
///   every unit's value by [`crate::cohort::resolve`] — the general path's
///   function, over the same scope (the units with a number for the item,
///   per category when the rule says so).
///
/// Each value cell becomes an amount cell like any other; the cohort facts
/// are kept per unit for the JSON result.
fn settle<W: Word>(plan: &Plan, units: Option<&Units>, tables: &mut [Table<W>]) -> Res<Facts> {
    let fw = plan.fw;
    let items: Vec<usize> = (0..fw.indicators.len())
        .filter(|&i| {
            fw.indicators[i].applies_to.is_some()
                || matches!(plan.slots[plan.first[i]].kernel, kernel::Kernel::Deferred)
        })
        .collect();
    let mut facts = Facts::default();
    if items.is_empty() && tables.iter().all(|t| t.rated.is_empty()) {
        return Ok(facts);
    }
    let mut writes: Vec<(usize, usize, usize, u32)> = Vec::new();
    {
        // Each unit's places in the tables (its rows may lie in several).
        let mut index: HashMap<&[u8], usize> = HashMap::new();
        let mut places: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut categories: Vec<&str> = Vec::new();
        for (t, table) in tables.iter().enumerate() {
            for (u, id) in table.units.iter().enumerate() {
                let k = *index.entry(&**id).or_insert_with(|| {
                    places.push(Vec::new());
                    let id = std::str::from_utf8(id).unwrap_or_default();
                    categories.push(units.and_then(|l| l.units.get(id)).map_or("", |i| i.category.as_str()));
                    places.len() - 1
                });
                places[k].push((t, u));
            }
        }
        // The one place holding a unit's cell for `slot`, with the cell.
        let cell_of = |p: &[(usize, usize)], slot: usize| -> Res<Option<(usize, usize, u32)>> {
            let mut seen = p
                .iter()
                .map(|&(t, u)| (t, u, tables[t].cells(u)[slot].get()))
                .filter(|c| c.2 != UNSEEN);
            let (first, second) = (seen.next(), seen.next());
            if second.is_some() {
                return Err(GiveUp); // a duplicate: the general path names both lines
            }
            Ok(first)
        };
        // One item's cells and facts: the items are settled side by side.
        type Settled = (
            Vec<(usize, usize, usize, u32)>,
            Vec<(usize, usize, usize, crate::cohort::Fact)>,
        );
        let item = |i: usize| -> Res<Settled> {
            let (mut writes, mut found) = (Vec::new(), Vec::new());
            let (ind, first) = (&fw.indicators[i], plan.first[i]);
            let deferred = matches!(plan.slots[first].kernel, kernel::Kernel::Deferred);
            let cohort = ind.rule.as_ref().is_some_and(crate::rule::Rule::is_cohort);
            let mut values: Vec<Option<crate::num::Exact>> = Vec::with_capacity(places.len());
            let mut at: Vec<Option<(usize, usize)>> = Vec::with_capacity(places.len());
            for (p, category) in places.iter().zip(&categories) {
                let (mut value, mut place) = (None, None);
                if !ind.applies(category) {
                    // 不适用. A row for it (evidence, an error; or an empty
                    // value with a note) is the general path's to word.
                    for slot in first..first + ind.slots() {
                        if cell_of(p, slot)?.is_some() {
                            return Err(GiveUp);
                        }
                        writes.push((p[0].0, p[0].1, slot, OUTSIDE));
                    }
                } else if deferred
                    && let Some((t, u, c)) = cell_of(p, first)?
                    && c >= VALUE
                {
                    let x = crate::num::Exact::from_cents(u64::from(c - VALUE));
                    if cohort {
                        (value, place) = (Some(x), Some((t, u)));
                    } else {
                        let cell = match ind.amount_in(category, &[&Value::Number(x)]) {
                            Some(a) => VALUE
                                .checked_add(u32::try_from(cents(a)?).map_err(|_| GiveUp)?)
                                .ok_or(GiveUp)?,
                            None => kernel::EMPTY,
                        };
                        writes.push((t, u, first, cell));
                    }
                }
                values.push(value);
                at.push(place);
            }
            if cohort {
                let refs: Vec<Option<&crate::num::Exact>> = values.iter().map(Option::as_ref).collect();
                let rule_of = |u: usize| ind.rule_for(categories[u]).expect("a cohort item has a rule");
                for (got, place) in crate::cohort::resolve(&refs, &categories, ind.points, rule_of)
                    .into_iter()
                    .zip(&at)
                {
                    if let (Some((amount, fact)), Some((t, u))) = (got, place) {
                        let c = u32::try_from(cents(amount)?).map_err(|_| GiveUp)?;
                        writes.push((*t, *u, first, VALUE.checked_add(c).ok_or(GiveUp)?));
                        found.push((*t, *u, i, fact));
                    }
                }
            }
            Ok((writes, found))
        };
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(items.len());
        let settled: Vec<Res<Settled>> = std::thread::scope(|s| {
            let (item, items) = (&item, &items);
            let handles: Vec<_> = (0..threads)
                .map(|k| {
                    s.spawn(move || {
                        items
                            .iter()
                            .skip(k)
                            .step_by(threads)
                            .map(|&i| item(i))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_else(|_| vec![Err(GiveUp)]))
                .collect()
        });
        for one in settled {
            let (w, found) = one?;
            writes.extend(w);
            for (t, u, i, fact) in found {
                let id = std::str::from_utf8(&tables[t].units[u]).map_err(|_| GiveUp)?;
                facts.entry(id.into()).or_default().push((i, fact));
            }
        }
        // Items scored by several raters: each unit's raters' amounts
        // aggregated as the general path does (`Raters::aggregate`); empty
        // values do not count, 不适用 from every rater is 不适用.
        type Given<'t> = Vec<(&'t [u8], u32)>;
        let mut by_item: std::collections::BTreeMap<(&[u8], u32), Given> = Default::default();
        for t in tables.iter() {
            for (unit, slot, rater, cell) in &t.rated {
                by_item.entry((&**unit, *slot)).or_default().push((&**rater, *cell));
            }
        }
        for ((unit, slot), mut given) in by_item {
            given.sort_by(|a, b| a.0.cmp(b.0));
            if given.windows(2).any(|w| w[0].0 == w[1].0) {
                return Err(GiveUp); // a rater twice: the general path names both rows
            }
            let ind = &fw.indicators[plan.slots[slot as usize].ind];
            let amounts: Vec<Decimal> = given
                .iter()
                .filter(|(_, c)| *c >= VALUE)
                .map(|(_, c)| dec(u64::from(c - VALUE)))
                .collect();
            let exempt = given.iter().filter(|(_, c)| *c == NA).count();
            let cell = if amounts.is_empty() {
                if exempt == given.len() { NA } else { kernel::EMPTY }
            } else {
                let raters = ind.raters.ok_or(GiveUp)?;
                let (amount, _) = raters.aggregate(&amounts).ok_or(GiveUp)?;
                VALUE
                    .checked_add(u32::try_from(cents(amount)?).map_err(|_| GiveUp)?)
                    .ok_or(GiveUp)?
            };
            let k = *index.get(unit).ok_or(GiveUp)?;
            let (t, u) = places[k][0];
            if cell_of(&places[k], slot as usize)?.is_some() {
                return Err(GiveUp);
            }
            writes.push((t, u, slot as usize, cell));
        }
    }
    for (t, u, slot, cell) in writes {
        tables[t].cells_mut(u)[slot] = W::of(cell).ok_or(GiveUp)?;
    }
    Ok(facts)
}

/// Per unit id, its cohort items' facts: (indicator index, fact).
type Facts = HashMap<Box<str>, Vec<(usize, crate::cohort::Fact)>>;

fn join(parts: Vec<Vec<UnitResult>>) -> Vec<UnitResult> {
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for p in parts {
        out.extend(p);
    }
    out
}

/// What the reader and the workers produced.
struct Parsed<W: Word> {
    tables: Vec<Table<W>>,
    /// Per unit, what each of its cohort amounts followed from.
    facts: Facts,
    /// Per file: bytes in the files before it.
    bases: Vec<u64>,
    layouts: Vec<Arc<Layout>>,
}

/// Whether the rows are read again after parsing, and from where.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reread {
    /// Never: only the cells are kept.
    No,
    /// From the files read again: each cell keeps its row's offset.
    Files,
}

/// Read and parse every file on every core: the workers' tables.
fn parse<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &[PathBuf],
    tuning: Tuning,
    detail: Option<&str>,
    reread: Reread,
) -> Option<Parsed<W>> {
    // Only regular files: a pipe read here could not be read again by the
    // general path (nor twice for the JSON result).
    if !paths.iter().all(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file())) {
        return None;
    }
    let workers = tuning.workers.max(1);
    let failed = AtomicBool::new(false);
    let (tx, rx) = mpsc::sync_channel::<Chunk>(workers * 2);
    let rx = Mutex::new(rx);
    let (pool_tx, pool_rx) = mpsc::channel::<Vec<u8>>();
    let (mut bases, mut layouts) = (Vec::new(), Vec::new());
    let mut tables: Vec<Table<W>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (rx, failed, pool) = (&rx, &failed, pool_tx.clone());
                let offsets = reread == Reread::Files;
                s.spawn(move || worker::<W>(plan, rx, pool, failed, detail, offsets))
            })
            .collect();
        drop(pool_tx);
        // The reader's verdict counts whatever the workers say: they may
        // have seen the channel close before a failure was flagged.
        let count_lines = detail.is_some();
        let block = tuning.block.max(64);
        let read = read_files(
            paths,
            tx,
            &pool_rx,
            &failed,
            block,
            count_lines,
            &mut bases,
            &mut layouts,
            plan,
        );
        if read.is_err() {
            failed.store(true, Ordering::Relaxed);
        }
        let tables: Vec<Res<Table<W>>> = handles.into_iter().map(|h| h.join().unwrap_or(Err(GiveUp))).collect();
        read?;
        tables.into_iter().collect::<Res<Vec<Table<W>>>>()
    })
    .ok()?;
    let facts = settle(plan, units, &mut tables).ok()?;
    Some(Parsed {
        tables,
        facts,
        bases,
        layouts,
    })
}

/// Join the workers' tables unit by unit and score each unit, the units
/// split between `workers` threads: the results in parts, in order.
fn merge<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    tables: &[Table<W>],
    workers: usize,
) -> Res<Vec<Vec<UnitResult>>> {
    let parts = merge_tallied::<W, ()>(plan, units, tables, workers, None)?;
    Ok(parts
        .into_iter()
        .map(|p| p.into_iter().map(|(u, _)| u).collect())
        .collect())
}

/// Something found from each unit's cells (and its result) while they are
/// merged: a second look at every unit's cells later would cost a second
/// gather.
type Tally<'a, T> = &'a (dyn Fn(&[u32], &UnitResult) -> Res<T> + Sync);

/// [`merge`], each unit with what `tally` finds (the default without one).
fn merge_tallied<W: Word, T: Send + Default>(
    plan: &Plan,
    units: Option<&Units>,
    tables: &[Table<W>],
    workers: usize,
    tally: Option<Tally<T>>,
) -> Res<Vec<Vec<(UnitResult, T)>>> {
    // Every (unit id, table, local index), sorted by id.
    let mut all: Vec<(u128, &[u8], (u32, u32))> = Vec::with_capacity(tables.iter().map(|t| t.units.len()).sum());
    for (t, table) in tables.iter().enumerate() {
        for (u, id) in table.units.iter().enumerate() {
            all.push((id_prefix(id), &**id, (t as u32, u as u32)));
        }
    }
    all.sort_unstable_by(|a, b| by_id(a.0, a.1, b.0, b.1).then(a.2.cmp(&b.2)));
    let locals: Vec<(u32, u32)> = all.iter().map(|a| a.2).collect();
    let mut evidence: Vec<(&str, std::ops::Range<usize>)> = Vec::new();
    for (i, (_, id, _)) in all.iter().enumerate() {
        match evidence.last_mut() {
            Some((last, r)) if last.as_bytes() == *id => r.end = i + 1,
            _ => evidence.push((std::str::from_utf8(id).map_err(|_| GiveUp)?, i..i + 1)),
        }
    }
    // The units to score: the units file's (each evidence unit must be in
    // it), else those the evidence names, in id order.
    let order: Vec<(&str, &[(u32, u32)])> = match units {
        Some(list) => {
            let mut found: Vec<&[(u32, u32)]> = vec![&[]; list.units.len()];
            for (id, r) in &evidence {
                let i = list.units.get_index_of(*id).ok_or(GiveUp)?;
                found[i] = &locals[r.clone()];
            }
            list.units.keys().map(String::as_str).zip(found).collect()
        }
        None => evidence.iter().map(|(id, r)| (*id, &locals[r.clone()])).collect(),
    };
    let part = order.len().div_ceil(workers.max(1)).max(1);
    let parts: Vec<Res<Vec<(UnitResult, T)>>> = std::thread::scope(|s| {
        let handles: Vec<_> = order
            .chunks(part)
            .map(|part| {
                s.spawn(move || {
                    // A unit's cells lie anywhere in the tables: ask for
                    // those of a unit a few ahead while scoring this one.
                    const AHEAD: usize = 8;
                    let fetch = |locals: &[(u32, u32)]| {
                        for &(t, u) in locals {
                            let cells = tables[t as usize].cells(u as usize);
                            for line in (0..cells.len()).step_by(64 / std::mem::size_of::<W>()) {
                                prefetch(&cells[line]);
                            }
                        }
                    };
                    part.iter().take(AHEAD).for_each(|(_, l)| fetch(l));
                    part.iter()
                        .enumerate()
                        .map(|(i, (id, l))| {
                            if let Some((_, next)) = part.get(i + AHEAD) {
                                fetch(next);
                            }
                            unit_result(plan, units, tables, id, l, tally)
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(Err(GiveUp))).collect()
    });
    parts.into_iter().collect()
}

/// One unit's result from its cells in the workers' tables, with what
/// `tally` finds from them.
fn unit_result<W: Word, T: Default>(
    plan: &Plan,
    units: Option<&Units>,
    tables: &[Table<W>],
    id: &str,
    locals: &[(u32, u32)],
    tally: Option<Tally<T>>,
) -> Res<(UnitResult, T)> {
    let mut row = [UNSEEN; 256];
    let mut heap;
    let row: &mut [u32] = if plan.slots.len() <= row.len() {
        &mut row[..plan.slots.len()]
    } else {
        heap = vec![UNSEEN; plan.slots.len()];
        &mut heap
    };
    let mut name: Option<&(RowAt, Box<str>)> = None;
    for &(t, u) in locals {
        let (table, u) = (&tables[t as usize], u as usize);
        for (dst, &c) in row.iter_mut().zip(table.cells(u)) {
            let c = c.get();
            if c != UNSEEN {
                if *dst != UNSEEN {
                    return Err(GiveUp); // duplicate across blocks
                }
                *dst = c;
            }
        }
        if let Some(n) = &table.names[u]
            && name.is_none_or(|m| n.0 < m.0)
        {
            name = Some(n);
        }
    }
    let scored = score_unit(plan, row)?;
    let info = units.and_then(|u| u.units.get(id));
    let name = info
        .map(|i| i.name.clone())
        .filter(|n| !n.is_empty())
        .or_else(|| name.map(|n| n.1.to_string()))
        .unwrap_or_default();
    let result = UnitResult {
        unit: id.to_string(),
        name,
        category: info.map(|i| i.category.clone()).unwrap_or_default(),
        rank: 0,
        category_rank: None,
        grade: crate::score::grade_of(plan.fw, &scored.totals),
        grade_change: None,
        totals: scored.totals,
        groups: scored.groups,
        indicators: Vec::new(),
        deficiencies: Vec::new(),
        self_assessed: None,
    };
    let found = match tally {
        Some(t) => t(row, &result)?,
        None => T::default(),
    };
    Ok((result, found))
}

/// The unit being explained, scored by the general code from its captured
/// rows: per-indicator results with values, notes, sources and lines.
fn detailed(plan: &Plan, paths: &[PathBuf], id: &str, mut rows: Vec<Captured>) -> Res<UnitResult> {
    let fw = plan.fw;
    rows.sort_by_key(|r| r.at);
    let mut ue = UnitEvidence::empty(fw);
    for r in rows {
        if ue.name.is_none() && !r.name.is_empty() {
            ue.name = Some(r.name);
        }
        let index = plan.slots[r.slot as usize].ind;
        let slot = r.slot as usize - plan.first[index];
        let value = fw.indicators[index].parse_value(&r.raw).map_err(|_| GiveUp)?;
        *ue.cell_mut(index, slot) = Some(Cell {
            value,
            raw: r.raw,
            note: r.note,
            source: r.source,
            file: r.file as usize,
            line: r.line,
            col: 0,
        });
    }
    let ev = Evidence {
        files: paths
            .iter()
            .map(|p| InputFile {
                path: p.display().to_string(),
                sha256: String::new(),
                ..Default::default()
            })
            .collect(),
        units: [(id.to_string(), ue)].into_iter().collect(),
    };
    let a = crate::score::assess(fw, None, ev, None).map_err(|_| GiveUp)?;
    a.units.into_iter().next().ok_or(GiveUp)
}

#[cfg(test)]
mod tests {
    use super::{Interner, Scan, by_id, id_prefix, pack, pack_in, permute, scan_line};

    /// The windowed line splitter agrees with a byte-by-byte reading on
    /// lines of every length around the 64-byte windows, with delimiters,
    /// quotes, CRs and CRLFs at every position, including across windows.
    #[test]
    fn scan_line_matches_a_plain_reading() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for case in 0..20_000 {
            let len = (next() % 200) as usize;
            let data: Vec<u8> = (0..len)
                .map(|_| match next() % 40 {
                    0..=3 => b',',
                    4 => b'\n',
                    5 if case % 3 == 0 => b'"',
                    6 if case % 2 == 0 => b'\r',
                    7 => 0xe4,
                    _ => b'a',
                })
                .collect();
            let pos = (next() % (len as u64 + 1)) as usize;
            let mut fields = Vec::new();
            let got = scan_line(&data, pos, b',', &mut fields);
            // The reading by bytes.
            let mut want_fields = Vec::new();
            let mut field = pos;
            let mut want = Scan::Unknown;
            for i in pos..data.len() {
                match data[i] {
                    b',' => {
                        want_fields.push((field, i));
                        field = i + 1;
                    }
                    b'\n' => {
                        want = Scan::Plain {
                            end: i,
                            next: i + 1,
                            last: field,
                        };
                        break;
                    }
                    b'\r' if data.get(i + 1) == Some(&b'\n') => {
                        want = Scan::Plain {
                            end: i,
                            next: i + 2,
                            last: field,
                        };
                        break;
                    }
                    b'"' | b'\r' => {
                        want = Scan::Special;
                        break;
                    }
                    _ => {}
                }
            }
            match (got, want) {
                (Scan::Unknown, _) => {
                    // Only when the window holding the line's end (or the
                    // last one) runs past the data.
                    let first = data[pos..]
                        .iter()
                        .position(|b| matches!(b, b'\n' | b'"' | b'\r'))
                        .map_or(data.len(), |p| pos + p);
                    let k = (first - pos) / 64;
                    assert!(pos + 64 * (k + 1) > data.len(), "case {case}: {data:?} from {pos}");
                }
                (
                    Scan::Plain { end, next, last },
                    Scan::Plain {
                        end: e,
                        next: n,
                        last: l,
                    },
                ) => {
                    assert_eq!((end, next, last), (e, n, l), "case {case}");
                    assert_eq!(fields, want_fields, "case {case}");
                }
                (Scan::Special, Scan::Special) => {}
                _ => panic!("case {case}: {data:?} from {pos}"),
            }
        }
    }

    /// The key table finds every key it was given, across its growth, and
    /// no other.
    #[test]
    fn interner_finds_its_keys() {
        let mut t = Interner::default();
        let key = |i: usize| {
            if i.is_multiple_of(7) {
                format!("long-indicator-key-{i}")
            } else {
                format!("K{i}")
            }
        };
        for i in 0..1000 {
            let k = key(i);
            assert_eq!(t.get(k.as_bytes(), k.as_bytes()), None);
            t.insert(k.as_bytes(), i as u32);
            for j in (0..=i).step_by(37) {
                let k = key(j);
                assert_eq!(t.get(k.as_bytes(), k.as_bytes()), Some(j as u32), "{k} after {i}");
            }
        }
        t.insert(b"K1", 5000);
        assert_eq!(t.get(b"K1", b"K1"), Some(5000));
        assert_eq!(t.get(b"K1000", b"K1000"), None);
    }

    /// Packing in place gives what copying gives, at every position —
    /// near the end of the buffer too — and for slices from elsewhere.
    #[test]
    fn pack_in_place_matches_pack() {
        let buf: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        for a in 0..=buf.len() {
            for b in a..=buf.len() {
                assert_eq!(pack_in(&buf, &buf[a..b]), pack(&buf[a..b]), "{a}..{b}");
            }
        }
        let other = b"U000001".to_vec();
        assert_eq!(pack_in(&buf, &other), pack(&other));
        assert_eq!(pack_in(&buf[..3], &buf[2..6]), pack(&buf[2..6]));
    }

    /// Ids sort by their prefixes as by their bytes: short, exactly 16
    /// bytes, longer, sharing 16 bytes, multi-byte characters.
    #[test]
    fn ids_compare_by_prefix_as_bytes() {
        let ids: Vec<&[u8]> = vec![
            b"",
            b"A",
            b"AB",
            b"B",
            b"U000001",
            b"U0000010",
            b"ABCDEFGHIJKLMNO",
            b"ABCDEFGHIJKLMNOP",
            b"ABCDEFGHIJKLMNOPQ",
            b"ABCDEFGHIJKLMNOPR",
            b"ABCDEFGHIJKLMNOPQR",
            b"ABCDEFGHIJKLMNOQ",
            "单位一".as_bytes(),
            "宣传部第一党支部第二小组".as_bytes(),
            "宣传部第一党支部第三小组".as_bytes(),
            b"\xff",
        ];
        for a in &ids {
            for b in &ids {
                assert_eq!(
                    by_id(id_prefix(a), a, id_prefix(b), b),
                    a.cmp(b),
                    "{:?} vs {:?}",
                    String::from_utf8_lossy(a),
                    String::from_utf8_lossy(b)
                );
            }
        }
    }

    /// Every permutation of up to 6 elements, and a long one with large
    /// cycles, against a copy made the plain way.
    #[test]
    fn permute_in_place_matches_a_copy() {
        fn check(order: &[usize]) {
            let v: Vec<String> = (0..order.len()).map(|i| format!("u{i}")).collect();
            let want: Vec<String> = order.iter().map(|&i| v[i].clone()).collect();
            let (mut got, mut o) = (v, order.to_vec());
            permute(&mut got, &mut o);
            assert_eq!(got, want, "order {order:?}");
        }
        fn all(prefix: &mut Vec<usize>, n: usize) {
            if prefix.len() == n {
                return check(prefix);
            }
            for i in 0..n {
                if !prefix.contains(&i) {
                    prefix.push(i);
                    all(prefix, n);
                    prefix.pop();
                }
            }
        }
        for n in 0..=6 {
            all(&mut Vec::new(), n);
        }
        // i ↦ 7919·i mod 10007 (a prime): a few long cycles.
        let order: Vec<usize> = (0..10007).map(|i| i * 7919 % 10007).collect();
        check(&order);
    }
}
