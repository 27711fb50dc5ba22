//! The rectification list (`deficiencies`) on the bulk path, streamed:
//! units scored and ranked from the compact cells, then taken in list
//! order in parallel batches. Each unit's items come straight from its
//! cells in integer cents, its way to the next grade is found in integer
//! cents, the values and notes its items show are read again from its
//! rows, and its part of the list is written by the writers the general
//! path uses too (`render::rectify`: `CsvLedger`, `ListJson`, `UnitRows`).
//!
//! Sections per unit (`--by unit`) in CSV, table, Markdown and JSON. A list
//! by owner, the summary and the workbook and HTML forms are the general
//! path's, as is a table laid out to the width of a terminal.

use super::detail::{Full, Rows, Whole, in_order, read_again};
use super::kernel::has_row;
use super::*;
use crate::base::lang::Lang;
use crate::base::period::Period;
use crate::engine::rectify::{Fixable, NextGrade, Order, Selection};
use crate::engine::score::{Outcome, Reason, UnitResult};
use crate::render::Format;
use crate::render::rectify::{CsvLedger, ListJson, RowScratch, SectionRow, UnitRows};

/// Units read and listed per batch: large batches keep both cores busy
/// (each round of batches waits for its slowest), small ones bound the
/// memory held in formatted output (a unit's JSON items take ~25 KB on the
/// provincial benchmark, its table ~8 KB).
fn batch_units(format: Format) -> usize {
    match format {
        Format::Json => 256,
        _ => 1024,
    }
}

/// What `deficiencies` asks for.
pub struct ListArgs<'a> {
    pub period: Option<Period>,
    pub selection: &'a Selection,
    pub order: Order,
    pub format: Format,
    pub lang: Lang,
}

/// `deficiencies` (sections per unit) on the bulk path: the same bytes as
/// the list `render::rectify` makes in `format` (CSV, table, Markdown or JSON),
/// written to `w` as the units are listed, never held whole. `None`, with
/// nothing written, when it gives up — including on an unknown `--unit`
/// or `--category`, which the list built in full reports.
pub fn write_deficiencies<'a>(
    fw: &Framework,
    units: Option<&Units>,
    paths: impl Into<Files<'a>>,
    args: &ListArgs,
    w: &mut dyn std::io::Write,
) -> Option<std::io::Result<()>> {
    let paths = &paths.into();
    if !matches!(args.format, Format::Csv | Format::Table | Format::Md | Format::Json) {
        return None;
    }
    if args.format == Format::Table && crate::render::fits_terminal() {
        return None; // laid out to the terminal's width
    }
    let plan = super::plan_for(fw, units, paths)?;
    by_width!(plan, list(&plan, units, paths, args, w))
}

fn list<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    args: &ListArgs,
    w: &mut dyn std::io::Write,
) -> Option<std::io::Result<()>> {
    let tuning = paths.tuning;
    let mut parsed = parse::<W>(plan, units, paths, None, Reread::Files)?;
    // Found as each unit's cells are merged: the number of items it
    // lists (where each batch's numbering starts, and the counts the text
    // forms open with; CSV numbers its rows as it writes them) and, for
    // JSON, whose units come before the items, its way to the next grade.
    let tallied = args.format != Format::Csv;
    let json = args.format == Format::Json;
    let tally = |cells: &[u32], u: &UnitResult, known: &mut Known| -> Res<Tallied> {
        if !json {
            let mut n = 0;
            each_item(plan, cells, &u.category, known, |it| {
                n += u32::from(keeps(args.selection, &it))
            })?;
            return Ok((n, None));
        }
        let mut all = Vec::new();
        short_items(plan, cells, &u.category, known, &mut all)?;
        let n = all.iter().filter(|it| keeps(args.selection, it)).count();
        // The grade before quotas: those are known once every unit is
        // ranked (below).
        let (grade, reason) = crate::engine::grade::own_grade(plan.fw, &u.totals);
        Ok((
            u32::try_from(n).map_err(|_| GiveUp)?,
            next_grade(plan, u, &all, grade, reason),
        ))
    };
    // The files are mapped and checked again while the units are merged
    // and ranked, on a core the ranking leaves idle.
    let (a, tallies, placed, files) = std::thread::scope(|s| {
        let (bases, kept) = (&parsed.bases, std::mem::take(&mut parsed.kept));
        let again = s.spawn(move || read_again(paths, bases, kept));
        let ranked = merge_tallied(plan, units, paths, &parsed, tallied.then_some(&tally)).and_then(|parts| {
            let period = args.period.map(|p| p.to_string());
            let (a, mut tallies, placed) = finish_placed(plan.fw, parts, units, paths, period)?;
            if json {
                // A unit moved by a quota is held there.
                for (u, t) in a.units.iter().zip(&mut tallies) {
                    if u.grade_change
                        .is_some_and(|c| c.1 == crate::engine::score::GradeReason::Quota)
                    {
                        t.1 = next_grade(plan, u, &[], u.grade, Some(crate::engine::score::GradeReason::Quota));
                    }
                }
            }
            Ok((a, tallies, placed))
        });
        let files = again.join().ok().flatten();
        let (a, tallies, placed) = ranked.ok()?;
        Some((a, tallies, placed, files?))
    })?;
    parsed.ranked = placed;
    let done = write_list(plan, &parsed, &files, &a, &tallies, args, tuning, w);
    // Freeing a province's results and tables takes tens of milliseconds
    // nobody need wait for.
    crate::base::drop_aside((a, tallies, files, parsed));
    done
}

/// The rectification list of `deficiencies --summary` on the bulk path:
/// every unit scored and ranked from its cells, with its input digests,
/// and its items found from its cells in integer cents — no row is read
/// again, since a summary shows no value or note. The list is built by
/// `rectify::build_with`, as a list built in full (sections per unit, ways
/// to the next grade left out: a summary counts items). `None` when the
/// list must be built in full, including for an unknown `--unit` or
/// `--category`, which it reports.
pub fn summary_list<'a>(
    fw: &Framework,
    units: Option<&Units>,
    paths: impl Into<Files<'a>>,
    period: Option<Period>,
    selection: &Selection,
    order: Order,
) -> Option<(Assessment, crate::engine::rectify::List)> {
    let paths = &paths.into();
    let plan = super::plan_for(fw, units, paths)?;
    by_width!(plan, summary(&plan, units, paths, period, selection, order))
}

fn summary<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    period: Option<Period>,
    selection: &Selection,
    order: Order,
) -> Option<(Assessment, crate::engine::rectify::List)> {
    let (a, tallies) = std::thread::scope(|s| {
        // The digests (a summary's web page names its inputs) while the
        // files are parsed.
        let digests = s.spawn(|| {
            (paths.iter().enumerate())
                .map(|(i, p)| match paths.book(i) {
                    Some(book) => Some(book.input.sha256.clone()),
                    None => crate::base::file::sha256_of_file(p).ok(),
                })
                .collect::<Option<Vec<String>>>()
        });
        let parsed = parse::<W>(plan, units, paths, None, Reread::No)?;
        let items = |cells: &[u32], u: &UnitResult, known: &mut Known| -> Res<Vec<Short>> {
            let mut all = Vec::new();
            short_items(plan, cells, &u.category, known, &mut all)?;
            Ok(all)
        };
        let parts = merge_tallied(plan, units, paths, &parsed, Some(&items)).ok()?;
        drop(parsed);
        let period = period.map(|p| p.to_string());
        let (mut a, tallies) = finish_parts(plan.fw, parts, units, paths, period).ok()?;
        for (input, d) in a.inputs.iter_mut().zip(digests.join().ok()??) {
            input.sha256 = d;
        }
        Some((a, tallies))
    })?;
    let deadline = crate::engine::rectify::deadline(plan.fw, period);
    let items_of = |u: usize| {
        tallies[u]
            .iter()
            .map(|it| {
                let points = !it.reason.no_points();
                crate::engine::rectify::Item {
                    unit: u,
                    index: it.index,
                    reason: it.reason,
                    lost: points.then(|| dec(it.lost)),
                    amount: points.then(|| dec(it.amount)),
                    deadline,
                    deducted: (it.reason == Reason::Penalty).then(|| dec(it.deducted)),
                }
            })
            .collect()
    };
    let list = crate::engine::rectify::build_with(
        plan.fw,
        &a,
        selection,
        order,
        crate::engine::rectify::By::Unit,
        items_of,
        |_| None,
    )
    .ok()?;
    drop(tallies);
    Some((a, list))
}

/// The list of these ranked units, written.
#[allow(clippy::too_many_arguments)]
fn write_list<W: Word>(
    plan: &Plan,
    parsed: &Parsed<W>,
    files: &[Whole],
    a: &Assessment,
    tallies: &[Tallied],
    args: &ListArgs,
    tuning: Tuning,
    w: &mut dyn std::io::Write,
) -> Option<std::io::Result<()>> {
    let fw = plan.fw;
    let mut selected = args.selection.units(a).ok()?;
    crate::engine::rectify::sort_units(a, &mut selected, args.order);
    let ctx = Ctx {
        rows: Rows::new(plan, parsed, files),
        a,
        args,
    };
    let batch = tuning.batch.unwrap_or_else(|| batch_units(args.format)).max(1);
    let batches: Vec<&[usize]> = selected.chunks(batch).collect();
    let deadline = crate::engine::rectify::deadline(fw, args.period);
    let workers = tuning.workers;
    if args.format == Format::Csv {
        return Some(ctx.csv(&batches, deadline, workers, w));
    }
    // Each batch with its units' tallies and the number of its first item.
    let mut jobs = Vec::with_capacity(batches.len());
    let mut total = 0;
    for b in &batches {
        let tallies = b.iter().map(|&u| tallies.get(u)).collect::<Option<Vec<&Tallied>>>()?;
        jobs.push(Job {
            units: b,
            first: total + 1,
            tallies,
        });
        total += jobs.last()?.tallies.iter().map(|t| t.0 as usize).sum::<usize>();
    }
    Some(match args.format {
        Format::Json => ctx.json(&jobs, deadline, workers, total, w),
        _ => ctx.text(&jobs, deadline, selected.len(), total, workers, w),
    })
}

/// What merging found of a unit: the number of items it lists and (for
/// JSON) its way to the next grade.
type Tallied = (u32, Option<NextGrade>);

/// A batch of units (indices into the assessment, in list order) to list,
/// with the number of its first item and each unit's tally.
struct Job<'a> {
    units: &'a [usize],
    first: usize,
    tallies: Vec<&'a Tallied>,
}

struct Ctx<'a, W: Word> {
    rows: Rows<'a, W>,
    a: &'a Assessment,
    args: &'a ListArgs<'a>,
}

/// A unit being listed: its cells, all its deficiencies (the way to the
/// next grade weighs them all) and the items listed, in list order.
struct Loaded {
    full: Full,
    all: Vec<Short>,
    shown: Vec<Short>,
    /// Per indicator: is it listed?
    wanted: Vec<bool>,
}

impl Loaded {
    fn new(indicators: usize) -> Loaded {
        Loaded {
            full: Full::new(),
            all: Vec::new(),
            shown: Vec::new(),
            wanted: vec![false; indicators],
        }
    }
}

/// The value (`None` when no row names the indicator) and note of each
/// item listed, as given; `plain` when they came from a comma-separated
/// line split where it lies, so hold no quote, comma or line end.
#[derive(Default)]
struct Texts {
    buf: Vec<u8>,
    items: Vec<(Option<Range>, Range, bool)>,
}

/// A range of `Texts::buf`.
type Range = (usize, usize);

impl Texts {
    fn clear(&mut self) {
        self.buf.clear();
        self.items.clear();
    }

    fn push(&mut self, value: Option<&[u8]>, note: &[u8], plain: bool) {
        let mut span = |b: &[u8]| {
            let start = self.buf.len();
            self.buf.extend_from_slice(b);
            (start, self.buf.len())
        };
        let value = value.map(&mut span);
        let note = span(note);
        self.items.push((value, note, plain));
    }

    fn value(&self, k: usize) -> Option<&[u8]> {
        let (v, _, _) = self.items.get(k)?;
        v.map(|(a, b)| &self.buf[a..b])
    }

    fn note(&self, k: usize) -> &[u8] {
        self.items.get(k).map_or(b"", |&(_, (a, b), _)| &self.buf[a..b])
    }

    fn plain(&self, k: usize) -> bool {
        self.items.get(k).is_some_and(|i| i.2)
    }
}

impl<W: Word> Ctx<'_, W> {
    /// Each unit of `units` (indices into the assessment, in list order)
    /// loaded, with the values and notes of its items listed: the rows of
    /// the next unit's items load while one is visited.
    fn each_unit(&self, units: &[usize], mut visit: impl FnMut(&UnitResult, &Loaded, &Texts) -> Res<()>) -> Res<()> {
        let rows = &self.rows;
        let plan = rows.plan;
        let sel = self.args.selection;
        let n = plan.fw.indicators.len();
        // Units in flight: this one, and the next ones whose rows load.
        const AHEAD: usize = 2;
        let mut ring: Vec<Loaded> = (0..=AHEAD).map(|_| Loaded::new(n)).collect();
        let mut t = Texts::default();
        let mut fields = Vec::new();
        let unit = |k: usize| units.get(k).and_then(|&u| self.a.units.get(u));
        let load = |k: usize, l: &mut Loaded| -> Res<()> {
            let Some(u) = unit(k) else { return Ok(()) };
            l.full.cells_of(rows, (units[k], &u.unit), true)?;
            short_items(plan, &l.full.cells, &u.category, &mut l.full.known, &mut l.all)?;
            l.shown.clear();
            l.shown.extend(l.all.iter().filter(|it| keeps(sel, it)));
            l.wanted.fill(false);
            for it in &l.shown {
                l.wanted[it.index] = true;
            }
            l.full.prefetch(rows, Some(&l.wanted));
            Ok(())
        };
        for (k, l) in ring.iter_mut().enumerate().take(AHEAD) {
            load(k, l)?;
        }
        for k in 0..units.len() {
            load(k + AHEAD, &mut ring[(k + AHEAD) % (AHEAD + 1)])?;
            let now = &mut ring[k % (AHEAD + 1)];
            let u = unit(k).ok_or(GiveUp)?;
            self.texts(now, &u.unit, &mut fields, &mut t)?;
            visit(u, now, &t)?;
        }
        Ok(())
    }

    /// The value and note of each item `l` lists, into `t`: plain lines
    /// split where they lie, anything else read as when first parsed.
    fn texts(&self, l: &mut Loaded, id: &str, fields: &mut Vec<(usize, usize)>, t: &mut Texts) -> Res<()> {
        t.clear();
        let plan = self.rows.plan;
        if l.shown.iter().any(|it| {
            let ind = &plan.fw.indicators[it.index];
            ind.slots() != 1 || ind.raters.is_some()
        }) {
            // Clause items and items scored by several raters: their texts
            // joined as every unit in full joins them.
            l.full.describe(&self.rows, id, Some(&l.wanted))?;
            for it in &l.shown {
                t.push(l.full.value(it.index), l.full.note(it.index), false);
            }
            return Ok(());
        }
        for it in &l.shown {
            let slot = plan.first[it.index];
            if !has_row(l.full.cells[slot]) {
                t.push(None, b"", true);
                continue;
            }
            let offset = l.full.offset(slot);
            let (file, data) = self.rows.at(offset).ok_or(GiveUp)?;
            let lay = self.rows.layout(file).ok_or(GiveUp)?;
            fields.clear();
            match scan_line(data, 0, lay.delim, fields) {
                Scan::Plain { end, last, .. } if end > 0 => fields.push((last, end)),
                _ => {
                    // Quotes, a lone CR: csv_core reads it.
                    let (value, note) = l.full.value_note(&self.rows, id, offset, slot)?;
                    t.push(Some(value), note, false);
                    continue;
                }
            }
            let field = |col: usize| super::detail::field_of(data, fields, col);
            if field(lay.unit)? != id.as_bytes() {
                return Err(GiveUp); // not the row parsed: the file changed
            }
            let note = match lay.note {
                Some(n) => field(n)?,
                None => b"",
            };
            // A plain line's fields hold no quote or line end, nor, split
            // at commas, a comma.
            t.push(Some(field(lay.value_col(slot)?)?), note, lay.delim == b',');
        }
        Ok(())
    }
}

/// Whether the selection lists an item (`--reason`, `--min-lost`; vetoes
/// lose no points and are kept), as `Selection::keeps`.
fn keeps(sel: &Selection, it: &Short) -> bool {
    (sel.reasons.is_empty() || sel.reasons.contains(&it.reason))
        && (it.reason.no_points() || sel.min_lost.is_none_or(|min| Decimal::new(it.lost as i64, 2) >= min))
}

// ---- the way to the next grade ----------------------------------------------

/// The way to the next grade of a scored unit with these deficiencies
/// (all of them), found by `rectify::way_up`.
/// `grade` and `reason` are the unit's grade and why a rule lowered it.
fn next_grade(
    plan: &Plan,
    u: &UnitResult,
    all: &[Short],
    grade: usize,
    reason: Option<crate::engine::score::GradeReason>,
) -> Option<NextGrade> {
    // In list order (most points lost first, ties in framework order),
    // which the search's own ordering keeps.
    let fixable: Vec<Fixable> = all
        .iter()
        .filter(|it| matches!(it.reason, Reason::Shortfall | Reason::Missing))
        .map(|it| Fixable {
            index: it.index,
            lost: dec(it.lost),
            zero: it.reason == Reason::Missing || it.amount == 0,
        })
        .collect();
    let mut holding: Vec<usize> = all
        .iter()
        .filter(|it| matches!(it.reason, Reason::Veto | Reason::Cap | Reason::Penalty))
        .map(|it| it.index)
        .collect();
    holding.sort_unstable();
    crate::engine::rectify::way_up(plan.fw, &u.totals, &fixable, holding, grade, reason)
}

// ---- CSV --------------------------------------------------------------------

impl<W: Word> Ctx<'_, W> {
    /// The CSV ledger: rows formatted per batch without their numbers,
    /// numbered here as they are written.
    fn csv(
        &self,
        batches: &[&[usize]],
        deadline: Option<jiff::civil::Date>,
        workers: usize,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let fw = self.rows.plan.fw;
        let lang = self.args.lang;
        let consts = CsvLedger::new(fw, deadline, lang, false);
        w.write_all(&consts.header(lang))?;
        let mut no = 0u64;
        // Per batch: every row's number, and where each ends.
        let (mut numbers, mut ends) = (Vec::new(), Vec::new());
        in_order(
            batches,
            workers,
            |units, buf| self.csv_batch(&consts, units, buf),
            |b| {
                // Each row numbered as it is written, the numbers and rows
                // handed on as they lie: not copied into the writer's
                // buffer (a province's list is a GB), nor read again.
                let (rows, lengths) =
                    batch_rows(b).ok_or_else(|| std::io::Error::other("internal error: a batch of rows"))?;
                numbers.clear();
                ends.clear();
                let mut digits = [0u8; 20];
                for _ in &lengths {
                    no += 1;
                    numbers.extend_from_slice(crate::base::num::uint(&mut digits, no));
                    ends.push(numbers.len());
                }
                let mut pieces = Vec::with_capacity(2 * ends.len());
                let (mut from, mut at) = (0, 0);
                for (len, &end) in lengths.iter().zip(&ends) {
                    pieces.push(std::io::IoSlice::new(&numbers[from..end]));
                    pieces.push(std::io::IoSlice::new(rows.get(at..at + len).unwrap_or_default()));
                    (from, at) = (end, at + len);
                }
                crate::render::output::write_all_vectored(w, &mut pieces)
            },
        )
    }

    /// A batch of units' CSV rows, each without its number (the bytes of
    /// the CSV ledger rows, see `render::rectify::full_rows`), then each
    /// row's length and their number ([`batch_rows`]): the rows are
    /// written as they lie, and only their lengths read.
    fn csv_batch(&self, c: &CsvLedger, units: &[usize], mut out: Vec<u8>) -> Res<Vec<u8>> {
        out.clear();
        let mut prefix = Vec::new();
        let mut lengths: Vec<u32> = Vec::new();
        self.each_unit(units, |u, l, t| {
            if l.shown.is_empty() {
                return Ok(());
            }
            prefix.clear();
            CsvLedger::unit_cells(&mut prefix, u);
            for (k, it) in l.shown.iter().enumerate() {
                let at = out.len();
                let amounts = (!it.reason.no_points()).then(|| (dec(it.amount), dec(it.lost)));
                let (value, note) = (t.value(k).unwrap_or(b""), t.note(k));
                c.row(
                    &mut out,
                    &prefix,
                    it.index,
                    it.reason,
                    amounts,
                    value,
                    note,
                    t.plain(k),
                    None,
                );
                lengths.push(u32::try_from(out.len() - at).map_err(|_| GiveUp)?);
            }
            Ok(())
        })?;
        for len in &lengths {
            out.extend_from_slice(&len.to_le_bytes());
        }
        out.extend_from_slice(&u32::try_from(lengths.len()).map_err(|_| GiveUp)?.to_le_bytes());
        Ok(out)
    }
}

/// A batch of [`Ctx::csv_batch`]: its rows, one after the other, and
/// each one's length; `None` when it is not such a batch.
fn batch_rows(b: &[u8]) -> Option<(&[u8], Vec<usize>)> {
    let word = |w: &[u8]| Some(u32::from_le_bytes(w.try_into().ok()?) as usize);
    let (rest, n) = b.split_at_checked(b.len().checked_sub(4)?)?;
    let (rows, lengths) = rest.split_at_checked(rest.len().checked_sub(4 * word(n)?)?)?;
    let lengths: Vec<usize> = lengths.chunks_exact(4).map(word).collect::<Option<_>>()?;
    (lengths.iter().sum::<usize>() == rows.len()).then_some((rows, lengths))
}

// ---- JSON -------------------------------------------------------------------

/// What a batch of the JSON document writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The units' entries (with the way to the next grade).
    Units,
    /// The items.
    Items,
}

impl<W: Word> Ctx<'_, W> {
    /// The JSON document: the units with the way to the next grade, then
    /// the items, each array streamed.
    fn json(
        &self,
        jobs: &[Job],
        deadline: Option<jiff::civil::Date>,
        workers: usize,
        total: usize,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let fw = self.rows.plan.fw;
        w.write_all(&ListJson::head(fw, self.a))?;
        let c = ListJson::new(fw, deadline);
        for (part, any, close) in [
            (Part::Units, !jobs.is_empty(), &b",\n  \"deficiencies\": "[..]),
            (Part::Items, total > 0, b"\n}\n"),
        ] {
            if any {
                w.write_all(b"[\n")?;
                let mut first = true;
                in_order(
                    jobs,
                    workers,
                    |j, buf| self.json_batch(&c, j, part, buf),
                    |b| {
                        if b.is_empty() {
                            return Ok(());
                        }
                        if !first {
                            w.write_all(b",\n")?;
                        }
                        first = false;
                        w.write_all(b)
                    },
                )?;
                w.write_all(b"\n  ]")?;
            } else {
                w.write_all(b"[]")?;
            }
            w.write_all(close)?;
        }
        Ok(())
    }

    /// A batch's entries of one of the document's arrays, separated by
    /// commas; items numbered on from the batch's first.
    fn json_batch(&self, c: &ListJson, job: &Job, part: Part, mut out: Vec<u8>) -> Res<Vec<u8>> {
        out.clear();
        if part == Part::Units {
            for (&u, t) in job.units.iter().zip(&job.tallies) {
                if !out.is_empty() {
                    out.extend_from_slice(b",\n");
                }
                c.unit(&mut out, self.a.units.get(u).ok_or(GiveUp)?, t.1.as_ref());
            }
            return Ok(out);
        }
        let mut no = job.first - 1;
        let mut members = Vec::new();
        self.each_unit(job.units, |u, l, t| {
            members.clear();
            ListJson::unit_members(&mut members, u);
            for (k, it) in l.shown.iter().enumerate() {
                no += 1;
                if !out.is_empty() {
                    out.extend_from_slice(b",\n");
                }
                let amounts = (!it.reason.no_points()).then(|| (dec(it.amount), dec(it.lost)));
                let deducted = (it.reason == Reason::Penalty).then(|| dec(it.deducted));
                c.item(
                    &mut out,
                    no,
                    &members,
                    it.index,
                    it.reason,
                    amounts,
                    deducted,
                    t.value(k),
                    t.note(k),
                );
            }
            Ok(())
        })?;
        Ok(out)
    }
}

// ---- table and Markdown -----------------------------------------------------

impl<W: Word> Ctx<'_, W> {
    /// The list as text (table or Markdown): its head, then each unit's
    /// section.
    fn text(
        &self,
        jobs: &[Job],
        deadline: Option<jiff::civil::Date>,
        units: usize,
        total: usize,
        workers: usize,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let fw = self.rows.plan.fw;
        let (lang, format) = (self.args.lang, self.args.format);
        let head = crate::render::rectify::text_head(fw, self.a, units, total, deadline, lang, format);
        w.write_all(crate::render::output::escape_lines(&head).as_bytes())?;
        let rows = UnitRows::new(fw, deadline, lang, format);
        in_order(
            jobs,
            workers,
            |j, buf| self.text_batch(&rows, j, buf),
            |b| w.write_all(b),
        )
    }

    /// A batch's sections, items numbered on from `first`.
    fn text_batch(&self, rows: &UnitRows, job: &Job, mut out: Vec<u8>) -> Res<Vec<u8>> {
        out.clear();
        let fw = self.rows.plan.fw;
        let (lang, format) = (self.args.lang, self.args.format);
        let mut no = job.first - 1;
        let mut scratch = RowScratch::default();
        self.each_unit(job.units, |u, l, t| {
            if l.shown.is_empty() {
                return Ok(());
            }
            let next = next_grade(self.rows.plan, u, &l.all, u.grade, u.grade_change.map(|c| c.1));
            let head = crate::render::rectify::unit_section_head(fw, u, l.shown.len(), next.as_ref(), lang, format);
            let items = l.shown.iter().enumerate().map(|(k, it)| SectionRow {
                index: it.index,
                reason: it.reason,
                amounts: (!it.reason.no_points()).then(|| (dec(it.amount), dec(it.lost))),
                value: t.value(k).unwrap_or(b""),
                note: t.note(k),
            });
            rows.write(&mut out, &mut scratch, &head, &mut no, items)
                .map_err(|_| GiveUp)
        })?;
        Ok(out)
    }
}

// ---- items from the cells ---------------------------------------------------

/// An item of a unit's list, from its cells: amounts in cents.
#[derive(Clone, Copy)]
struct Short {
    /// Where it comes in the unit's list (smallest first).
    key: u64,
    index: usize,
    reason: Reason,
    /// Points lost (0 for a veto, which shows none).
    lost: u64,
    amount: u64,
    /// A penalty's share of what penalties took off after the cap.
    deducted: u64,
}

/// A unit's deficiencies as items (as `rectify::items` gives them, in the
/// same order), from its cells alone: the outcomes of `tally::outcome`
/// (those worked out before taken from `known`)
/// and the deficiencies of `score::deficiencies`, in integer cents.
fn short_items(plan: &Plan, cells: &[u32], category: &str, known: &mut Known, out: &mut Vec<Short>) -> Res<()> {
    out.clear();
    each_item(plan, cells, category, known, |it| out.push(it))?;
    out.sort_unstable_by_key(|it| it.key);
    Ok(())
}

/// A unit's deficiencies as items, from its cells alone, in framework
/// order (see [`short_items`]).
fn each_item(plan: &Plan, cells: &[u32], category: &str, known: &mut Known, mut item: impl FnMut(Short)) -> Res<()> {
    let fw = plan.fw;
    let failed = std::cell::Cell::new(false);
    let outcomes = fw.indicators.iter().enumerate().map(|(i, ind)| {
        let first = plan.first[i];
        let o = cells
            .get(first..first + ind.slots())
            .ok_or(GiveUp)
            .and_then(|c| known.outcome(plan, i, c, category));
        o.unwrap_or_else(|_| {
            failed.set(true);
            Outcome::Missing
        })
    });
    crate::engine::score::each_deficiency(
        fw,
        outcomes,
        |i| plan.slots[plan.first[i]].pc,
        |i| plan.min_rectify[i],
        fw.penalty_cap.map(cents).transpose()?,
        |i, reason, found| {
            // Vetoes first, then the most points lost, then framework order:
            // in one integer (amounts are below 2^32 cents, as are indices).
            let lost = found.lost.unwrap_or(0);
            let (Some(index), Ok(lost32)) = (u32::try_from(i).ok().filter(|&i| i < 1 << 31), u32::try_from(lost))
            else {
                failed.set(true);
                return;
            };
            item(Short {
                key: (u64::from(!reason.no_points()) << 63) | (u64::from(u32::MAX - lost32) << 31) | u64::from(index),
                index: i,
                reason,
                lost,
                amount: found.amount.unwrap_or(0),
                deducted: found.deducted.unwrap_or(0),
            })
        },
    );
    if failed.get() { Err(GiveUp) } else { Ok(()) }
}
