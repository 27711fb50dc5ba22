//! Bulk scoring (全省规模): the compact, parallel path for large evidence.
//!
//! A province-wide run has 100,000+ units × 60 indicators — millions of
//! long-format rows, or 100,000 wide rows of 60 values. Keeping every
//! cell as strings (its text, note and place) is the right model for a
//! few hundred units and far too heavy for millions of rows. This path
//! keeps a cell of two or four bytes per value instead, and reads a unit's
//! rows again for what it shows in full:
//!
//! * files are streamed in blocks and cut at line ends; the blocks are parsed
//!   on every core (`std::thread::scope`), each worker keeping its own unit
//!   table, merged and scored at the end, again on every core;
//! * a row is split in place (quoted rows go through `csv_core`, the engine
//!   of the `csv` crate, so every reading sees the same fields), unit ids are
//!   packed into integers and looked up in batches whose memory accesses are
//!   prefetched, indicator keys resolved through a small map — no
//!   allocation per row;
//! * a value is parsed straight from its bytes to an exact fixed-point
//!   integer and the indicator's amount computed in integer cents with the
//!   rounding of [`Rule::amount`](crate::model::rule::Rule::amount); anything unusual (full-width digits,
//!   signs, yes/no spellings the fast matcher does not know, huge numbers,
//!   `levels` and `survey` rules) goes through the rule's own reading for that one
//!   cell (`Indicator::parse_value`, `Rule::amount`), so every cell gets
//!   exactly the amount the rule defines;
//! * per (unit, indicator slot) only a `u16` (`u32` for frameworks with
//!   items over 655 points) is kept: unseen, empty, 不适用, or the amount (a
//!   clause count, a veto flag).
//!
//! Files in GBK/GB18030 or UTF-16 (with its byte-order mark), or in an
//! encoding forced with `--encoding` ([`Files`]), are transcoded to UTF-8
//! in blocks as they are read (`source`), their encoding decided as for
//! a file read whole; lines and offsets are counted in the
//! transcoded text, whose lines are the file's.
//!
//! A workbook is read by the workbook reader into the worksheet chosen (the one chosen with `--sheet`, else the first
//! with a header), and that sheet given as CSV text ([`Book`],
//! [`Files::with_books`]): each row on the line of its number, unless a
//! cell of several lines above pushed it down (the book says to which
//! row each line belongs). Its values are located by row and column.
//!
//! Errors are the rare case. The common mistakes of an office's files
//! (the `problems` module lists them: a value or key the framework does
//! not take, a value given twice, a unit not in the units file, a file
//! given twice, evidence missing under `missing = "error"`, …) are worded
//! here, told to the caller ([`Told::problems`]) with nothing else
//! produced; so are a header the framework does not fit, an empty file,
//! a file with a header but no rows, and a file that cannot be read or
//! decoded ([`read_and_run`]). A
//! unit of the units file without any value is no problem: it is scored,
//! every item missing, and told to the caller for its warning
//! ([`Files::telling`]), as are the columns of a long file left aside.
//!
//! The entry points:
//!
//! * [`assess`] returns a *summary* assessment: every unit's totals, grade,
//!   groups and rank, as the ranking needs, without per-indicator results or
//!   deficiencies (`indicators` and `deficiencies` are empty) and without
//!   input digests (`sha256` is empty);
//! * [`assess_unit`] adds one unit in full, as `explain` shows it: its
//!   outcomes from its merged cells, as every unit's, and its values,
//!   notes, sources, lines and raters from its rows, kept whole while
//!   parsing;
//! * [`write_json`] streams the canonical JSON result, every unit in full:
//!   each cell's offset is kept (a wide file's cells, their row's; the
//!   layout gives each slot's column), and each unit's rows are read again;
//! * [`write_deficiencies`] streams the rectification list (sections per
//!   unit) the same way;
//! * [`assess_full`] returns every unit in full, read again the same way,
//!   for the outputs built whole (workbooks, web pages, lists by owner,
//!   letters);
//! * [`summary_list`] finds the rectification list's items from the cells
//!   alone, for its summary;
//! * [`check`] counts the values read and the items missing or 不适用.
//!
//! The stages, one module each: `source` (bytes, transcoded), `read`
//! (blocks cut at line ends, the header's layout), `kernel` (the plan of
//! slots and a value's amount in cents), `parse` (rows into each worker's
//! table of cells), `problems` (the evidence's problems, worded), `merge`
//! (the tables joined, deferred items settled,
//! units put in order), `tally` (a unit's sums and totals), `detail` (a
//! unit's rows read again for what it shows in full), then the writers
//! `json` and `rectify`. This file runs them.

mod detail;
mod early;
mod full;
mod json;
mod kernel;
mod merge;
mod parse;
mod problems;
mod read;
mod rectify;
mod source;
mod tally;

use merge::*;
use parse::*;
use read::*;
use tally::*;

pub use early::{Early, hashing_early};
pub use full::assess_full;
pub use json::write_json;
use kernel::{NA, OUTSIDE, Plan, UNSEEN, VALUE, cents, exempt, trim};
pub use rectify::{ListArgs, summary_list, write_deficiencies};

use crate::engine::score::{Assessment, Checked, Outcome, Totals, UnitResult};
use crate::model::framework::{Framework, Kind, Missing};
use crate::model::rule::Value;
use crate::reading::evidence::{Cell, InputFile, UnitEvidence};
use crate::reading::heading::{Column, Shape, heading};
use crate::reading::input::ForcedEncoding;
use crate::reading::units::Units;
pub use crate::reading::workbook::Book;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};

/// foldhash: several times faster than SipHash on short keys such as unit
/// ids; the inputs are the user's own files, so hash flooding is no concern.
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Unit ids, as a set.
type Ids = FastMap<Box<[u8]>, ()>;

/// The bulk path gives up: on a file it must read whole
/// ([`read_and_run`]), or a problem it tells ([`Told::problems`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GiveUp;

type Res<T> = Result<T, GiveUp>;

/// `$run::<W>(…)` with the cells as narrow as `$plan` allows: `u16` when
/// every cell fits in 16 bits, else `u32`.
macro_rules! by_width {
    ($plan:expr, $run:ident($($arg:expr),* $(,)?)) => {
        if $plan.fits_u16() {
            $run::<u16>($($arg),*)
        } else {
            $run::<u32>($($arg),*)
        }
    };
}
use by_width;

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

/// The evidence files, each with the encoding forced for it with
/// `--encoding`, if any (else its encoding is told from its bytes). A
/// slice of paths is these files with none forced.
#[derive(Debug, Clone, Copy)]
pub struct Files<'a> {
    paths: &'a [PathBuf],
    /// One per path, or none at all.
    forced: &'a [Option<ForcedEncoding>],
    tuning: Tuning,
    /// Where to put what the caller warns of (see [`Told`]).
    told: Option<&'a Mutex<Told>>,
    /// Only the files' problems are wanted: nothing is scored or written
    /// (other files of the run cannot be read).
    problems_only: bool,
    /// One per path, or none at all: a workbook's worksheet as CSV text,
    /// read in place of the file.
    books: &'a [Option<Book>],
    /// The files being mapped and hashed since the run started, if they
    /// are: read again from there.
    early: Option<&'a Early>,
}

/// What the bulk path tells the caller of the evidence it read: what to
/// warn of, or its problems.
#[derive(Debug, Default)]
pub struct Told {
    /// Columns of a long file left aside (the office's own), a notice per
    /// file, at its header.
    pub notices: Vec<crate::base::diag::Diagnostic>,
    /// The units of the units file without any value in these files
    /// (scored 0 on every item), in the units file's order.
    pub silent: Vec<String>,
    /// Of these, those no row names, in the units file's order.
    pub unnamed: Vec<String>,
    /// The problems of the evidence this path words (those the `problems`
    /// module lists), located and worded, in the order of the files: when the evidence has no other problem, the run's
    /// problems (and it gives nothing else).
    pub problems: Vec<crate::base::diag::Diagnostic>,
    /// The `problems` are those found while scoring (evidence for an item
    /// outside a unit's categories, 不适用 in part or for every base item,
    /// evidence missing under `missing = "error"`): the evidence itself
    /// reads without a problem.
    pub scoring: bool,
    /// Read for their problems only (beside a file that cannot be read), the files
    /// were read through, and have none.
    pub read_through: bool,
}

impl<'a> Files<'a> {
    /// `paths`, with `forced[i]` forced for `paths[i]`. `forced` is empty
    /// (none forced) or one per path.
    pub fn new(paths: &'a [PathBuf], forced: &'a [Option<ForcedEncoding>]) -> Files<'a> {
        assert!(
            forced.is_empty() || forced.len() == paths.len(),
            "one encoding per file"
        );
        Files {
            paths,
            forced,
            tuning: Tuning::default(),
            told: None,
            problems_only: false,
            books: &[],
            early: None,
        }
    }

    /// These files, the workbooks among them read from `books` (one per
    /// path, `None` for a CSV file; see [`Book`]).
    pub fn with_books(self, books: &'a [Option<Book>]) -> Files<'a> {
        assert!(books.len() == self.paths.len(), "one book or none per file");
        Files { books, ..self }
    }

    /// These files, read again (mapped, their digests) from `early`,
    /// where they have been hashed since the run started.
    pub fn hashed_early(self, early: &'a Early) -> Files<'a> {
        Files {
            early: Some(early),
            ..self
        }
    }

    /// The workbook at `i`, read as CSV text.
    fn book(&self, i: usize) -> Option<&'a Book> {
        self.books.get(i).and_then(Option::as_ref)
    }

    /// The inputs as the results name them: each file's path, and a
    /// workbook's worksheet and digest.
    fn inputs(&self) -> Vec<InputFile> {
        (self.paths.iter().enumerate())
            .map(|(i, p)| match self.book(i) {
                Some(b) => b.input.clone(),
                None => InputFile {
                    path: p.display().to_string(),
                    sha256: String::new(),
                    ..Default::default()
                },
            })
            .collect()
    }

    /// These files, what the caller warns of put in `told` when they are
    /// scored.
    /// These files, read for their problems only: the run gives nothing,
    /// and writes nothing.
    fn problems_only(self) -> Files<'a> {
        Files {
            problems_only: true,
            ..self
        }
    }

    pub fn telling(self, told: &'a Mutex<Told>) -> Files<'a> {
        Files {
            told: Some(told),
            ..self
        }
    }

    /// These files read with the work cut up as `tuning` says (tests force
    /// many blocks, cuts and batches out of small files with it).
    #[doc(hidden)]
    pub fn tuned(self, tuning: Tuning) -> Files<'a> {
        Files { tuning, ..self }
    }

    /// The encoding forced for the file at `i`.
    fn forced(&self, i: usize) -> Option<ForcedEncoding> {
        self.forced.get(i).copied().flatten()
    }
}

impl std::ops::Deref for Files<'_> {
    type Target = [PathBuf];
    fn deref(&self) -> &[PathBuf] {
        self.paths
    }
}

impl<'a> From<&'a [PathBuf]> for Files<'a> {
    fn from(paths: &'a [PathBuf]) -> Files<'a> {
        Files::new(paths, &[])
    }
}

impl<'a, const N: usize> From<&'a [PathBuf; N]> for Files<'a> {
    fn from(paths: &'a [PathBuf; N]) -> Files<'a> {
        Files::new(paths, &[])
    }
}

impl<'a> From<&'a Vec<PathBuf>> for Files<'a> {
    fn from(paths: &'a Vec<PathBuf>) -> Files<'a> {
        Files::new(paths, &[])
    }
}

/// `run` over `evidence` as the commands read it, with what it tells
/// back: each workbook as its worksheet's text, a pipe or a file of CR line
/// ends as text ([`crate::reading::read::text_of`]), `forced` as
/// `--encoding` says. Given up without a word (a file turned out other
/// than its first 64 KiB say: a GBK file whose first lines are ASCII, a
/// line ended by CR alone further down), `run` runs once more, each CSV
/// file read whole and decoded ([`crate::reading::read::late_text`]).
/// A file that cannot be read (not found, a workbook damaged, bytes not
/// valid in its encoding) is a problem told back, beside those `run`
/// tells of the others, in the order of the files; nothing is scored then.
pub fn read_and_run<T>(
    evidence: &[PathBuf],
    forced: &[Option<ForcedEncoding>],
    opts: &crate::reading::input::ReadOptions,
    mut run: impl FnMut(Files) -> Option<T>,
) -> (Option<T>, Told) {
    // The files read, by their place in `evidence`; each one's text, if
    // read as text; and the place of the file it is again, if it is.
    let (mut read, mut books, mut twin): (Vec<usize>, Vec<Option<Book>>, Vec<Option<usize>>) = Default::default();
    let mut unread = Vec::new();
    let mut seen: Vec<(crate::base::file::FileId, usize)> = Vec::new();
    for (i, p) in evidence.iter().enumerate() {
        // A file given again is read once (`problems::given_again` says it
        // is given again); one that cannot be read is said once.
        let id = crate::base::file::identity(p);
        if let Some(&(_, first)) = seen.iter().find(|(f, _)| Some(f) == id.as_ref()) {
            match read.iter().position(|&r| r == first) {
                Some(k) => {
                    read.push(i);
                    books.push(books[k].clone());
                    twin.push(Some(first));
                }
                None => unread.push((i, crate::reading::evidence::same_file_problem(p, &evidence[first]))),
            }
            continue;
        }
        seen.extend(id.map(|f| (f, i)));
        match crate::reading::read::text_of(p, opts) {
            Ok(book) => {
                read.push(i);
                books.push(book);
                twin.push(None);
            }
            Err(d) => unread.push((i, d)),
        }
    }
    let (mut found, mut told) = (None, Told::default());
    while !read.is_empty() {
        let paths: Vec<PathBuf> = read.iter().map(|&i| evidence[i].clone()).collect();
        let forced: Vec<_> = read.iter().filter_map(|&i| forced.get(i).copied()).collect();
        let telling = Mutex::new(Told::default());
        let files = Files::new(&paths, &forced).with_books(&books).telling(&telling);
        // Beside a file that cannot be read, nothing is scored or written:
        // the others are read for their problems.
        found = run(if unread.is_empty() {
            files
        } else {
            files.problems_only()
        });
        told = telling.into_inner().unwrap_or_default();
        if found.is_some() || !told.problems.is_empty() || told.read_through {
            break;
        }
        // Given up without a word: each CSV file read whole, once (a file
        // given again as its first is); those that cannot be are left out
        // of the next run, and said.
        let (mut again, mut k) = (false, 0);
        while k < read.len() {
            if books[k].is_none() {
                let (i, first) = (read[k], twin[k]);
                let text = match first.map(|f| read.iter().position(|&r| r == f)) {
                    Some(Some(j)) => Ok(books[j].clone()),
                    Some(None) => Err(crate::reading::evidence::same_file_problem(
                        &evidence[i],
                        &evidence[first.unwrap_or(i)],
                    )),
                    None => crate::reading::read::late_text(&evidence[i], opts),
                };
                match text {
                    Ok(text) => {
                        again |= text.is_some();
                        books[k] = text;
                    }
                    Err(d) => {
                        unread.push((i, d));
                        read.remove(k);
                        books.remove(k);
                        twin.remove(k);
                        again = true;
                        continue;
                    }
                }
            }
            k += 1;
        }
        if !again {
            break;
        }
    }
    if unread.is_empty() {
        return (found, told);
    }
    // Files not read: the run is not scored, and what was found wanting
    // once scored is not said.
    if std::mem::take(&mut told.scoring) {
        told.problems.clear();
    }
    let place = |file: &str| evidence.iter().position(|p| p.display().to_string() == file);
    let mut problems: Vec<_> = unread.into_iter().map(|(i, d)| (Some(i), d)).collect();
    problems.extend(told.problems.into_iter().map(|d| (place(&d.file), d)));
    problems.sort_by_key(|(i, _)| *i);
    told.problems = problems.into_iter().map(|(_, d)| d).collect();
    (None, told)
}

/// Score and rank every unit from long-format evidence files, or `None`
/// when it gives up (see the module documentation).
pub fn assess<'a>(
    fw: &Framework,
    units: Option<&Units>,
    paths: impl Into<Files<'a>>,
    period: Option<String>,
) -> Option<Assessment> {
    assess_with(fw, units, paths.into(), period, None)
}

/// [`assess`], with each unit's amount awarded per item, as
/// `IndicatorResult::amount` gives it (0 for missing evidence, `None` for
/// an item exempt or a veto): what `robust` draws on and a self-assessment
/// shows.
pub fn assess_amounts<'a>(
    fw: &Framework,
    units: Option<&Units>,
    paths: impl Into<Files<'a>>,
    period: Option<String>,
) -> Option<(Assessment, Vec<Vec<Option<Decimal>>>)> {
    let paths = &paths.into();
    let plan = plan_for(fw, units, paths)?;
    by_width!(plan, amounts(&plan, units, paths, period))
}

fn amounts<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    period: Option<String>,
) -> Option<(Assessment, Vec<Vec<Option<Decimal>>>)> {
    let parsed = parse::<W>(plan, units, paths, None, Reread::No)?;
    let tally = |row: &[u32], u: &UnitResult, known: &mut Known| -> Res<Vec<Option<Decimal>>> {
        (0..plan.fw.indicators.len())
            .map(|i| {
                let cells = row.get(plan.first[i]..plan.first[i] + plan.fw.indicators[i].slots());
                Ok(known
                    .outcome(plan, i, cells.ok_or(GiveUp)?, &u.category)?
                    .map(dec)
                    .awarded())
            })
            .collect()
    };
    let parts = merge_tallied(plan, units, paths, &parsed, Some(&tally)).ok()?;
    drop(parsed);
    finish_parts(plan.fw, parts, units, paths, period).ok()
}

/// [`assess`], with the unit `unit` (when it is assessed) in full: its
/// per-indicator results with values, notes, sources and lines, and its
/// deficiencies — what `explain` shows.
pub fn assess_unit<'a>(
    fw: &Framework,
    units: Option<&Units>,
    paths: impl Into<Files<'a>>,
    period: Option<String>,
    unit: &str,
) -> Option<Assessment> {
    assess_with(fw, units, paths.into(), period, Some(unit))
}

/// [`assess`], with the unit `detail` in full ([`assess_unit`]).
fn assess_with(
    fw: &Framework,
    units: Option<&Units>,
    paths: Files,
    period: Option<String>,
    detail: Option<&str>,
) -> Option<Assessment> {
    let paths = &paths;
    let plan = plan_for(fw, units, paths)?;
    by_width!(plan, run(&plan, units, paths, detail, period))
}

/// What `check` says of evidence that scores: how many files, units and
/// values were read, and how many items lack evidence or do not apply.
/// `None` when it gives up (its problems told, [`Told::problems`]).
pub fn check<'a>(fw: &Framework, units: Option<&Units>, paths: impl Into<Files<'a>>) -> Option<Checked> {
    let paths = &paths.into();
    let plan = plan_for(fw, units, paths)?;
    by_width!(plan, checked(&plan, units, paths))
}

fn checked<W: Word>(plan: &Plan, units: Option<&Units>, paths: &Files) -> Option<Checked> {
    let parsed = parse::<W>(plan, units, paths, None, Reread::No)?;
    let values = parsed.tables.iter().map(|t| t.values).sum();
    // Per unit: its base items without evidence, and its items 不适用.
    let tally = |row: &[u32], u: &UnitResult, known: &mut Known| -> Res<(usize, usize)> {
        let (mut missing, mut exempt) = (0, 0);
        for (i, ind) in plan.fw.indicators.iter().enumerate() {
            let cells = row.get(plan.first[i]..plan.first[i] + ind.slots()).ok_or(GiveUp)?;
            match known.outcome(plan, i, cells, &u.category)? {
                Outcome::Missing if ind.kind == Kind::Base => missing += 1,
                Outcome::Exempt => exempt += 1,
                _ => {}
            }
        }
        Ok((missing, exempt))
    };
    let parts = merge_tallied(plan, units, paths, &parsed, Some(&tally)).ok()?;
    let mut c = Checked {
        files: paths.len(),
        values,
        ..Checked::default()
    };
    for (_, (missing, exempt)) in parts.iter().flatten() {
        c.units += 1;
        c.missing += missing;
        c.exempt += exempt;
    }
    Some(c)
}

/// Does the bulk path hold the items of `fw` in its cells? (Where it
/// does not, nothing need be read for it. Every framework that loads is
/// held: the framework's own checks refuse what it could not hold.)
pub fn holds(fw: &Framework) -> bool {
    Plan::new(fw).is_ok()
}

/// The plan for `fw` and `units` when the bulk path reads `paths` (see
/// [`eligible`]).
fn plan_for<'f>(fw: &'f Framework, units: Option<&Units>, paths: &Files) -> Option<Plan<'f>> {
    if !eligible(paths) {
        return None;
    }
    Some(Plan::new(fw).ok()?.with_units(units))
}

/// Can the bulk path read these files at all? Workbooks only as their
/// worksheet's text, pipes only as text ([`Files::with_books`]); a file
/// that cannot be read, or is named as a workbook without being one, is
/// worded by [`read_and_run`] before.
fn eligible(paths: &Files) -> bool {
    paths.iter().enumerate().all(|(i, p)| {
        paths.book(i).is_some()
            || (crate::reading::read::workbook_extension(p).is_none()
                && crate::base::file::head(p, 8).is_some_and(|h| !crate::reading::input::is_workbook(&h)))
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
            // The next element of the cycle, asked for while this one
            // moves.
            if let Some(&n) = order.get(k)
                && n != DONE
            {
                prefetch(&v[n]);
            }
            v.swap(j, k);
            j = k;
        }
    }
}

/// A unit's place in the ranking's order (`score::rank_order`: no veto
/// first, the score highest first, ties by id): its veto, its score, its
/// id's [`id_prefix`] and its index in its part.
type RankKey = (bool, std::cmp::Reverse<Decimal>, u128, u32);

/// Rank the units merged in parts ([`merge::merge_tallied`]), each with
/// what its tally found: the summary assessment, and the tallies in its
/// order.
fn finish_parts<T: Default + Send + Sync>(
    fw: &Framework,
    parts: Vec<Vec<(UnitResult, T)>>,
    units: Option<&Units>,
    paths: &Files,
    period: Option<String>,
) -> Res<(Assessment, Vec<T>)> {
    let (a, tallies, _) = finish_placed(fw, parts, units, paths, period)?;
    Ok((a, tallies))
}

/// [`finish_parts`], with each ranked unit's place in the parts one after
/// another, which is its place in [`Parsed::order`] (the parts are that
/// order cut in turn).
fn finish_placed<T: Default + Send + Sync>(
    fw: &Framework,
    parts: Vec<Vec<(UnitResult, T)>>,
    units: Option<&Units>,
    paths: &Files,
    period: Option<String>,
) -> Res<(Assessment, Vec<T>, Vec<usize>)> {
    let (results, tallies, placed) = in_rank_order(parts)?;
    let a = crate::engine::score::ranked(fw, results, units, paths.inputs(), period);
    Ok((a, tallies, placed))
}

/// The units of `parts`, with what each is paired with, in the ranking's
/// order.
///
/// Each part's keys are sorted on a core of its own (reading every unit's
/// id is a cache miss), and merged; the parts are then joined and put in
/// that order in place: the results are a few hundred bytes each, tens of
/// MB in all, and fresh memory costs page faults.
#[allow(clippy::type_complexity)]
fn in_rank_order<T: Default + Send + Sync>(
    parts: Vec<Vec<(UnitResult, T)>>,
) -> Res<(Vec<UnitResult>, Vec<T>, Vec<usize>)> {
    fn unit<'p, T>(parts: &'p [Vec<(UnitResult, T)>], p: usize, k: &RankKey) -> &'p [u8] {
        parts[p][k.3 as usize].0.unit.as_bytes()
    }
    // Ids compare as bytes, by their packed prefix first.
    fn cmp<T>(
        parts: &[Vec<(UnitResult, T)>],
        (p, a): (usize, &RankKey),
        (q, b): (usize, &RankKey),
    ) -> std::cmp::Ordering {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| by_id(a.2, unit(parts, p, a), b.2, unit(parts, q, b)))
    }
    let sorted: Vec<Vec<RankKey>> = std::thread::scope(|s| {
        let parts = &parts;
        let handles: Vec<_> = (0..parts.len())
            .map(|p| {
                s.spawn(move || {
                    let mut keys: Vec<RankKey> = (parts[p].iter().enumerate())
                        .map(|(i, (u, _))| {
                            let score = std::cmp::Reverse(u.totals.score);
                            (!u.totals.veto.is_empty(), score, id_prefix(u.unit.as_bytes()), i as u32)
                        })
                        .collect();
                    keys.sort_unstable_by(|a, b| cmp(parts, (p, a), (p, b)));
                    keys
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| GiveUp))
            .collect::<Res<_>>()
    })?;
    // The parts' orders merged: each unit's place in the parts one after
    // another.
    let offsets: Vec<usize> = (parts.iter())
        .scan(0, |at, p| {
            let from = *at;
            *at += p.len();
            Some(from)
        })
        .collect();
    let lens: Vec<usize> = sorted.iter().map(Vec::len).collect();
    let mut order: Vec<usize> = merged(&lens, |(p, i), (q, j)| {
        cmp(&parts, (p, &sorted[p][i]), (q, &sorted[q][j])).is_lt()
    })
    .into_iter()
    .map(|(p, i)| offsets[p] + sorted[p][i].3 as usize)
    .collect();
    // The parts in one, in place: the first grows (a large vector is
    // remapped, not copied) to take the others.
    let mut parts = parts.into_iter();
    let mut all = parts.next().unwrap_or_default();
    let rest: Vec<_> = parts.collect();
    all.reserve_exact(rest.iter().map(Vec::len).sum());
    rest.into_iter().for_each(|p| all.extend(p));
    let placed = order.clone();
    permute(&mut all, &mut order);
    let tallies: Vec<T> = all.iter_mut().map(|(_, t)| std::mem::take(t)).collect();
    let results: Vec<UnitResult> = all.into_iter().map(|(u, _)| u).collect();
    Ok((results, tallies, placed))
}

/// Read, parse, merge and rank with cells of type `W`: the summary
/// assessment, the unit `detail` (when assessed) in full.
fn run<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    detail: Option<&str>,
    period: Option<String>,
) -> Option<Assessment> {
    let mut parsed = parse::<W>(plan, units, paths, detail, Reread::No)?;
    let Some(id) = detail else {
        let parts = merge_tallied::<W, ()>(plan, units, paths, &parsed, None).ok()?;
        // The tables are let go of before the ranking takes memory of its
        // own.
        drop(parsed);
        return Some(finish_parts(plan.fw, parts, units, paths, period).ok()?.0);
    };
    // The unit explained: its cells as merged, found among every unit's.
    let cells_of = |cells: &[u32], u: &UnitResult, _: &mut Known| -> Res<Option<Box<[u32]>>> {
        Ok((u.unit == id).then(|| cells.into()))
    };
    let parts = merge_tallied(plan, units, paths, &parsed, Some(&cells_of)).ok()?;
    let captured: Vec<Captured> = parsed
        .tables
        .iter_mut()
        .flat_map(|t| std::mem::take(&mut t.captured))
        .collect();
    let mut facts = std::mem::take(&mut parsed.facts);
    let layouts = std::mem::take(&mut parsed.layouts);
    drop(parsed);
    let (mut a, cells) = finish_parts(plan.fw, parts, units, paths, period).ok()?;
    // (Each unit's grade is decided by its totals, which are whole.)
    if let Some((k, cells)) = cells.into_iter().enumerate().find_map(|(k, c)| Some((k, c?))) {
        detailed(plan, &layouts, &mut a.units[k], &cells, captured, &mut facts).ok()?;
    }
    Some(a)
}

/// What the reader and the workers produced.
struct Parsed<W: Word> {
    tables: Vec<Table<W>>,
    /// The units in the order of the results, with their places in
    /// `tables`.
    order: Places,
    /// Once ranked, where each unit of the ranking is in `order`.
    ranked: Vec<usize>,
    /// Per unit, what each of its cohort amounts followed from.
    facts: Facts,
    /// Per file: bytes in the files before it.
    bases: Vec<u64>,
    layouts: Vec<Arc<Layout>>,
    /// Per file, with [`Reread::Files`]: a file transcoded, as it was
    /// decoded (see [`detail::read_again`]).
    kept: Vec<Option<Vec<u8>>>,
}

/// Whether the rows are read again after parsing, and from where.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reread {
    /// Never: only the cells are kept.
    No,
    /// From the files read again once parsing is done: each cell keeps
    /// its row's offset, and a file transcoded is kept as decoded, not
    /// decoded a second time.
    Files,
}

/// Read and parse every file on every core: the workers' tables, every
/// unit settled. `None` when a file must be read whole first
/// ([`read_and_run`]). The problems it finds (see `problems`) are told back instead
/// ([`Told::problems`]), and `None` returned.
fn parse<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    detail: Option<&str>,
    reread: Reread,
) -> Option<Parsed<W>> {
    // Only regular files, and pipes read once as text (`Files::with_books`):
    // a pipe read here could not be read again.
    if !(paths.iter().enumerate()).all(|(i, p)| paths.book(i).is_some() || crate::base::file::is_regular(p)) {
        return None;
    }
    let (again, once) = problems::given_again(paths);
    if !again.is_empty() {
        return parse_once_each::<W>(plan, units, paths, again, &once);
    }
    let (mut tables, bases, layouts, kept) = read_tables::<W>(plan, paths, detail, reread, None)?;
    // A file with a header and not one row with anything on it (a title
    // row and the header, cells of white space alone): most likely a
    // truncated or wrong export, which would score nothing.
    let read_from = |file: usize| tables.iter().any(|t| t.rows_in.get(file).copied().unwrap_or(false));
    let rowless: Vec<_> = (paths.inputs().into_iter().zip(&layouts).enumerate())
        .filter(|(file, _)| !read_from(*file))
        .map(|(file, (input, l))| {
            let no_rows = crate::reading::heading::no_rows();
            (file, at_header(input, l, no_rows.to_string()))
        })
        .collect();
    if let Some(told) = paths.told {
        let notices = paths
            .inputs()
            .into_iter()
            .zip(&layouts)
            .filter(|(_, l)| !l.ignored.is_empty());
        let notices =
            notices.map(|(input, l)| at_header(input, l, crate::reading::heading::ignored_columns(&l.ignored)));
        told.lock().ok()?.notices = notices.collect();
    }
    // Every unit in the order of the results, each with its places in the
    // tables: the units file's order, else the ids'.
    let (mut order, unknown) = match units {
        Some(list) => Places::by_id(&tables).in_list(list, &tables),
        None => (Places::by_id(&tables), Vec::new()),
    };
    // Units given a value twice across the tables are found as they are
    // merged (`merge::gather`): looked for here only when nothing will be,
    // every problem of the run said at once.
    let bad = tables.iter().any(|t| !t.bad.is_empty()) || !rowless.is_empty();
    let unmerged = bad || paths.problems_only;
    let mut found = problems::Found::in_tables(&tables, &order, &unknown, unmerged)?;
    if !found.is_empty() && !unmerged {
        found = problems::Found::in_tables(&tables, &order, &unknown, true)?;
    }
    if !found.is_empty() || bad {
        // Where the rows of the units concerned are: read again, noting
        // them (these tables' own problems are those of the rows).
        let tables = if found.is_empty() { tables } else { Vec::new() };
        tell(plan, units, paths, &layouts, &tables, &found, rowless);
        return None;
    }
    // A unit of the units file no row names is a unit without cells, as
    // one whose rows give no value.
    let unnamed = match units {
        Some(list) => order.place_silent(list, &mut tables).ok()?,
        None => Vec::new(),
    };
    let settled = settle(plan, units, &mut tables);
    let (facts, _) = match settled {
        Ok(s) if s.1.is_empty() => s,
        settled => {
            // A unit given twice across the tables first, as when nothing
            // is settled.
            if !tell_twice(plan, units, paths, &layouts, &tables, &order)? {
                problems::after_scoring(plan, units, paths, &tables, &order, settled.ok()?.1);
            }
            return None;
        }
    };
    if let (Some(list), Some(told)) = (units, paths.told) {
        let mut heard: std::collections::HashSet<&[u8]> = std::collections::HashSet::new();
        for t in &tables {
            for (u, id) in t.units.iter().enumerate() {
                // A value given (不适用 and one scoring as missing
                // included), not an item of other categories.
                if t.cells(u).iter().any(|c| kernel::given(c.get())) {
                    heard.insert(id);
                }
            }
            // A rater's value, whatever the item's cell settled to.
            heard.extend(t.rated.iter().filter(|r| kernel::given(r.3)).map(|r| &*r.0));
        }
        let ids = list.units.keys().filter(|id| !heard.contains(id.as_bytes()));
        let mut told = told.lock().ok()?;
        told.silent = ids.cloned().collect();
        told.unnamed = unnamed;
    }
    if paths.problems_only {
        // Read through without a problem: the run's problems are those of
        // other files.
        paths.told?.lock().ok()?.read_through = true;
        return None;
    }
    Some(Parsed {
        tables,
        order,
        ranked: Vec::new(),
        facts,
        bases,
        layouts,
        kept,
    })
}

/// `message` at the header of the file `input`, which `layout` reads.
fn at_header(input: InputFile, layout: &Layout, message: String) -> crate::base::diag::Diagnostic {
    let d = crate::base::diag::Diagnostic::at(input.path, layout.line, message);
    match &input.worksheet {
        Some(ws) => d.in_sheet(ws, None),
        None => d,
    }
}

/// Tell back the run's problems: those of the units `found` (every file
/// read again, their rows noted where they are), else those of the rows
/// of `tables`; and each file's want of rows (`rowless`, by file) before
/// its others.
fn tell<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    layouts: &[Arc<Layout>],
    tables: &[Table<W>],
    found: &problems::Found,
    rowless: Vec<(usize, crate::base::diag::Diagnostic)>,
) -> Option<()> {
    let told = paths.told?;
    let watched;
    let tables = if found.is_empty() {
        tables
    } else {
        let watch = Some(Arc::new(found.watch()));
        watched = read_tables::<W>(plan, paths, None, Reread::No, watch)?.0;
        &watched
    };
    let inputs = paths.inputs();
    let mut worded = problems::word(plan, units, &inputs, layouts, tables, found)?;
    // Each file's want of rows before its other problems.
    for (file, d) in rowless.into_iter().rev() {
        let at = worded
            .iter()
            .position(|w| inputs.iter().position(|i| i.path == w.file) >= Some(file));
        worded.insert(at.unwrap_or(worded.len()), d);
    }
    told.lock().ok()?.problems = worded;
    Some(())
}

/// Units given a value twice across the tables, found only once they are
/// merged (or settled): their problems told back ([`tell`]), and `true`;
/// `false` when there is none.
fn tell_twice<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    layouts: &[Arc<Layout>],
    tables: &[Table<W>],
    order: &Places,
) -> Option<bool> {
    let found = problems::Found::in_tables(tables, order, &[], true)?;
    if found.is_empty() {
        return Some(false);
    }
    tell::<W>(plan, units, paths, layouts, &[], &found, Vec::new())?;
    Some(true)
}

/// `paths` with each file given again (`again`, its problem) read once,
/// the files at `once`: the problems of the run told back, those of the
/// files given again first. `None`
/// always: a file given twice is a problem of the run.
fn parse_once_each<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    again: Vec<crate::base::diag::Diagnostic>,
    once: &[usize],
) -> Option<Parsed<W>> {
    let told = paths.told?;
    let pick = |n: usize| once.iter().copied().filter(move |_| n > 0);
    let kept: Vec<PathBuf> = pick(paths.paths.len()).map(|i| paths.paths[i].clone()).collect();
    let forced: Vec<_> = pick(paths.forced.len()).map(|i| paths.forced[i]).collect();
    let books: Vec<Option<Book>> = pick(paths.books.len()).map(|i| paths.books[i].clone()).collect();
    // Read for their problems only: a run with a file given twice is not
    // scored.
    let files = Files {
        paths: &kept,
        forced: &forced,
        books: &books,
        problems_only: true,
        ..*paths
    };
    let read = parse::<W>(plan, units, &files, None, Reread::No);
    let mut told = told.lock().ok()?;
    let through = std::mem::take(&mut told.read_through);
    if read.is_none() && told.problems.is_empty() && !through {
        return None; // given up: a file to read whole first
    }
    let mut rest = std::mem::take(&mut told.problems);
    if std::mem::take(&mut told.scoring) {
        // Found while scoring: a run with a file given twice is not scored.
        rest.clear();
    }
    told.problems = again.into_iter().chain(rest).collect();
    None
}

/// What [`read_tables`] gives: the workers' tables, and per file the
/// bytes before it, its layout and (with [`Reread::Files`]) its text
/// as decoded.
type ReadTables<W> = (Vec<Table<W>>, Vec<u64>, Vec<Arc<Layout>>, Vec<Option<Vec<u8>>>);

/// Read every file and parse it on every core, the rows of the units of
/// `watch` noted where they were read.
fn read_tables<W: Word>(
    plan: &Plan,
    paths: &Files,
    detail: Option<&str>,
    reread: Reread,
    watch: Option<Arc<Watch>>,
) -> Option<ReadTables<W>> {
    let tuning = paths.tuning;
    let workers = tuning.workers.max(1);
    let failed = AtomicBool::new(false);
    let (tx, rx) = mpsc::sync_channel::<Chunk>(workers * 2);
    let rx = Mutex::new(rx);
    let (pool_tx, pool_rx) = mpsc::channel::<Vec<u8>>();
    let (mut bases, mut layouts, mut kept) = (Vec::new(), Vec::new(), Vec::new());
    let tables: Vec<Table<W>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (rx, failed, pool) = (&rx, &failed, pool_tx.clone());
                let offsets = reread != Reread::No;
                let watch = watch.clone();
                s.spawn(move || worker::<W>(plan, rx, pool, failed, (detail, watch), offsets))
            })
            .collect();
        drop(pool_tx);
        // The reader's verdict counts whatever the workers say: they may
        // have seen the channel close before a failure was flagged.
        // Lines are counted for the unit `explain` shows, and to locate a
        // problem.
        let count_lines = detail.is_some() || paths.told.is_some();
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
            (reread == Reread::Files).then_some(&mut kept),
        );
        if read.is_err() {
            failed.store(true, Ordering::Relaxed);
        }
        let tables: Vec<Res<Table<W>>> = handles.into_iter().map(|h| h.join().unwrap_or(Err(GiveUp))).collect();
        read?;
        tables.into_iter().collect::<Res<Vec<Table<W>>>>()
    })
    .ok()?;
    Some((tables, bases, layouts, kept))
}

#[cfg(test)]
mod tests {
    use super::{Interner, Places, Scan, Table, by_id, id_prefix, in_rank_order, pack, pack_in, scan_line};

    /// The units of several tables in id order, each with its places in
    /// table order, as sorting every (id, table, local index) gives them:
    /// ids shared by some tables, short, of 15 to 17 bytes, sharing their
    /// first 16, multi-byte.
    #[test]
    fn places_by_id_merge_the_tables_orders() {
        let ids: Vec<String> = (0..40)
            .map(|i| match i % 5 {
                0 => format!("U{i:03}"),
                1 => format!("ABCDEFGHIJKLMN{i}"),
                2 => format!("ABCDEFGHIJKLMNOP{i}"),
                3 => format!("单位{i}"),
                _ => format!("{i}"),
            })
            .collect();
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            seed >> 33
        };
        for case in 0..50 {
            let n = 1 + case % 4;
            let mut tables: Vec<Table<u16>> = (0..n).map(|_| Table::new(1)).collect();
            for t in tables.iter_mut() {
                for id in &ids {
                    if next() % 3 == 0 {
                        t.add_silent(id.as_bytes());
                    }
                }
                t.sort_units();
            }
            let mut all: Vec<(&[u8], u32, u32)> = (tables.iter().enumerate())
                .flat_map(|(t, table)| (table.units.iter().enumerate()).map(move |(u, id)| (&**id, t as u32, u as u32)))
                .collect();
            all.sort();
            let places = Places::by_id(&tables);
            let got: Vec<(&[u8], u32, u32)> = (0..places.units.len())
                .flat_map(|k| {
                    let id = places.id(&tables, k);
                    places.locals[places.units[k].clone()]
                        .iter()
                        .map(move |&(t, u)| (id, t, u))
                })
                .collect();
            assert_eq!(got, all, "case {case}");
            // Each unit once.
            let distinct: std::collections::BTreeSet<&[u8]> = all.iter().map(|a| a.0).collect();
            assert_eq!(places.units.len(), distinct.len(), "case {case}");
        }
    }

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

    /// Units in parts, each part in any order, come out in the ranking's
    /// order as `score::rank_order` sorts them all, each with what it was
    /// paired with and its place in the parts: vetoed or not, equal scores at several scales, ids
    /// sharing their first 16 bytes, parts of every size.
    #[test]
    fn parts_come_out_in_rank_order() {
        use crate::engine::score::UnitResult;
        use rust_decimal::Decimal;
        let mut seed = 11u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for case in 0..200 {
            let parts_n = 1 + next(4) as usize;
            let mut parts: Vec<Vec<(UnitResult, usize)>> = vec![Vec::new(); parts_n];
            let n = next(60) as usize;
            for i in 0..n {
                let mut u = UnitResult {
                    unit: match next(3) {
                        0 => format!("U{:02}", i),
                        1 => format!("ABCDEFGHIJKLMNOP{i}"),
                        _ => format!("单位{i}"),
                    },
                    ..UnitResult::default()
                };
                // 0 to 3 points, as 2 or 3 places: equal scores abound.
                let cents = next(4) as i64 * 50;
                u.totals.score = match next(2) {
                    0 => Decimal::new(cents, 2),
                    _ => Decimal::new(cents * 10, 3),
                };
                if next(5) == 0 {
                    u.totals.veto.push(0);
                }
                parts[next(parts_n as u64) as usize].push((u, i));
            }
            let mut want: Vec<(UnitResult, usize)> = parts.iter().flatten().cloned().collect();
            want.sort_by(|a, b| crate::engine::score::rank_order(&a.0, &b.0));
            // Each unit's place in the parts one after another.
            let flat: std::collections::HashMap<String, usize> = (parts.iter().flatten().enumerate())
                .map(|(k, (u, _))| (u.unit.clone(), k))
                .collect();
            let (units, paired, placed) = in_rank_order(parts).unwrap();
            let places: Vec<usize> = units.iter().map(|u| flat[&u.unit]).collect();
            assert_eq!(placed, places, "case {case}");
            let got: Vec<(String, usize)> = units.into_iter().map(|u| u.unit).zip(paired).collect();
            let want: Vec<(String, usize)> = want.into_iter().map(|(u, i)| (u.unit, i)).collect();
            assert_eq!(got, want, "case {case}");
        }
    }
}
