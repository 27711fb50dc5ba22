//! The rectification list (`deficiencies`) on the bulk path, streamed:
//! units scored and ranked from the compact cells, then taken in list
//! order in parallel batches, each unit read in full (its outcomes from its
//! cells, the values and notes its items show from its rows read again),
//! its items listed and written by the renderers of the general path, and
//! dropped.
//!
//! Sections per unit (`--by unit`) in CSV, table, Markdown and JSON. A list
//! by owner, the summary and the workbook and HTML forms are the general
//! path's.

use super::detail::{Full, Rows, in_order, read_again};
use super::*;
use crate::lang::Lang;
use crate::period::Period;
use crate::rectify::{Item, Key, List, Order, Section, Selection, UnitEntry};
use crate::render::Format;
use crate::score::{IndicatorResult, Reason};

/// Units read and listed per batch.
const BATCH: usize = 256;

/// What `deficiencies` asks for.
pub struct ListArgs<'a> {
    pub period: Option<Period>,
    pub selection: &'a Selection,
    pub order: Order,
    pub format: Format,
    pub lang: Lang,
}

/// `deficiencies` (sections per unit) on the bulk path: the same bytes as
/// the general path's list in `format` (CSV, table, Markdown or JSON),
/// written to `w` as the units are listed, never held whole. `None`, with
/// nothing written, when the general path must do it — including an
/// unknown `--unit` or `--category`, which it reports.
pub fn write_deficiencies(
    fw: &Framework,
    units: Option<&Units>,
    paths: &[PathBuf],
    args: &ListArgs,
    w: &mut dyn std::io::Write,
) -> Option<std::io::Result<()>> {
    write_deficiencies_tuned(fw, units, paths, args, Tuning::default(), w)
}

#[doc(hidden)]
pub fn write_deficiencies_tuned(
    fw: &Framework,
    units: Option<&Units>,
    paths: &[PathBuf],
    args: &ListArgs,
    tuning: Tuning,
    w: &mut dyn std::io::Write,
) -> Option<std::io::Result<()>> {
    if !matches!(args.format, Format::Csv | Format::Table | Format::Md | Format::Json) || !super::eligible(paths) {
        return None;
    }
    let plan = Plan::new(fw).ok()?;
    if plan.slots.iter().all(|s| s.pc + VALUE as u64 <= u16::MAX as u64) {
        list::<u16>(&plan, units, paths, args, tuning, w)
    } else {
        list::<u32>(&plan, units, paths, args, tuning, w)
    }
}

fn list<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &[PathBuf],
    args: &ListArgs,
    tuning: Tuning,
    w: &mut dyn std::io::Write,
) -> Option<std::io::Result<()>> {
    let fw = plan.fw;
    let parsed = parse::<W>(plan, paths, tuning, None, Reread::Files)?;
    let parts = merge(plan, units, &parsed.tables, tuning.workers).ok()?;
    let a = finish(join(parts), units, paths, args.period.map(|p| p.to_string()));
    let files = read_again(paths, &parsed.bases)?;
    let mut selected = args.selection.units(&a).ok()?;
    crate::rectify::sort_units(&a, &mut selected, args.order);
    let rows = Rows::new(plan, &parsed, &files);
    let ctx = Ctx { rows, a: &a, args };
    let batches: Vec<&[usize]> = selected.chunks(BATCH).collect();
    // Items per batch, counted from the cells alone: where each batch's
    // numbering starts, and the counts the text forms open with.
    // (CSV numbers its rows as it writes them.)
    let counts = match args.format {
        Format::Csv => vec![0; batches.len()],
        _ => counts(&ctx, &batches, tuning.workers).ok()?,
    };
    let mut first = Vec::with_capacity(batches.len());
    let mut total = 0;
    for c in &counts {
        first.push(total + 1);
        total += c;
    }
    let jobs: Vec<(&[usize], usize)> = batches.iter().copied().zip(first).collect();
    let deadline = crate::rectify::deadline(fw, args.period);
    let lang = args.lang;
    Some(match args.format {
        Format::Csv => (|| {
            w.write_all(crate::render::rectify::csv_header(lang).as_bytes())?;
            let consts = CsvConsts::new(fw, deadline, lang);
            let mut no = 0u64;
            let mut digits = [0u8; 20];
            in_order(
                &jobs,
                tuning.workers,
                |j, buf| ctx.csv_batch(&consts, j.0, buf),
                |mut b| {
                    // Rows, each after its length: numbered here, in order.
                    while let [a, b0, c, d, rest @ ..] = b {
                        let len = u32::from_le_bytes([*a, *b0, *c, *d]) as usize;
                        let (row, after) = rest.split_at(len.min(rest.len()));
                        no += 1;
                        w.write_all(uint(&mut digits, no))?;
                        w.write_all(row)?;
                        b = after;
                    }
                    Ok(())
                },
            )
        })(),
        Format::Table | Format::Md => (|| {
            let head = crate::render::rectify::text_head(fw, &a, selected.len(), total, deadline, lang, args.format);
            w.write_all(crate::output::escape_lines(&head).as_bytes())?;
            in_order(
                &jobs,
                tuning.workers,
                |j, buf| ctx.batch(j, buf, Part::Items),
                |b| w.write_all(b),
            )
        })(),
        _ => ctx.json(&jobs, tuning.workers, total, w),
    })
}

/// What a batch writes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The units' entries of the JSON document (with the way to the next
    /// grade).
    Units,
    /// The items: the CSV rows, the text sections, the JSON items.
    Items,
}

struct Ctx<'a, W: Word> {
    rows: Rows<'a, W>,
    a: &'a Assessment,
    args: &'a ListArgs<'a>,
}

/// Items of a unit's list (its deficiencies in the order to tackle them,
/// as selected), from its outcomes.
fn unit_items(fw: &Framework, a: &Assessment, index: usize, args: &ListArgs) -> Vec<Item> {
    crate::rectify::items(fw, a, index, args.period)
        .into_iter()
        .filter(|it| args.selection.keeps(it))
        .collect()
}

fn counts<W: Word>(ctx: &Ctx<W>, batches: &[&[usize]], workers: usize) -> Res<Vec<usize>> {
    let part = batches.len().div_ceil(workers.max(1)).max(1);
    let parts: Vec<Res<Vec<usize>>> = std::thread::scope(|s| {
        let handles: Vec<_> = batches
            .chunks(part)
            .map(|part| {
                s.spawn(move || {
                    let mut full = Full::new();
                    part.iter()
                        .map(|b| {
                            let a = ctx.full(b, &mut full, false)?;
                            Ok((0..a.units.len())
                                .map(|i| unit_items(ctx.rows.plan.fw, &a, i, ctx.args).len())
                                .sum())
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(Err(GiveUp))).collect()
    });
    Ok(parts.into_iter().collect::<Res<Vec<_>>>()?.concat())
}

impl<W: Word> Ctx<'_, W> {
    /// The units of a batch in full, as an assessment of their own (in
    /// list order), each with its indicators' outcomes and, with `text`,
    /// the values and notes of those it lost points on.
    fn full(&self, batch: &[usize], full: &mut Full, text: bool) -> Res<Assessment> {
        let fw = self.rows.plan.fw;
        let mut units = Vec::with_capacity(batch.len());
        for &i in batch {
            let u = &self.a.units[i];
            full.gather(&self.rows, &u.unit, text)?;
            full.finish(&self.rows, &u.unit, text)?;
            let deficiencies = crate::score::deficiencies(fw, &full.outcomes);
            let str_of = |b: &[u8]| std::str::from_utf8(b).map(str::to_string).map_err(|_| GiveUp);
            let mut indicators = Vec::with_capacity(fw.indicators.len());
            for (index, (ind, o)) in fw.indicators.iter().zip(&full.outcomes).enumerate() {
                // Only the items listed show their value and note.
                let shown = text && deficiencies.iter().any(|d| d.index == index);
                indicators.push(IndicatorResult {
                    index,
                    outcome: o.clone(),
                    status: crate::score::status(ind, o),
                    value: if shown {
                        full.value(index).map(str_of).transpose()?
                    } else {
                        None
                    },
                    note: if shown {
                        str_of(full.note(index))?
                    } else {
                        String::new()
                    },
                    source: String::new(),
                    origin: None,
                });
            }
            units.push(UnitResult {
                indicators,
                deficiencies,
                ..u.clone()
            });
        }
        Ok(Assessment {
            period: self.a.period.clone(),
            inputs: Vec::new(),
            units,
        })
    }

    /// A batch of units (indices into the assessment, in list order) with
    /// its first item number: its part of the output.
    fn batch(&self, (units, first): &(&[usize], usize), mut out: Vec<u8>, part: Part) -> Res<Vec<u8>> {
        out.clear();
        let fw = self.rows.plan.fw;
        let args = self.args;
        let mut full = Full::new();
        let a = self.full(units, &mut full, part == Part::Items)?;
        let next = |i: usize| match args.format {
            Format::Csv => None,
            _ => crate::rectify::next_grade_of(fw, &a.units[i]),
        };
        let list = List {
            units: (0..a.units.len())
                .map(|i| UnitEntry {
                    unit: i,
                    next: if part == Part::Units || args.format != Format::Json {
                        next(i)
                    } else {
                        None
                    },
                })
                .collect(),
            sections: if part == Part::Items {
                (0..a.units.len())
                    .map(|i| Section {
                        key: Key::Unit(i),
                        items: unit_items(fw, &a, i, args),
                    })
                    .filter(|s| !s.items.is_empty())
                    .collect()
            } else {
                Vec::new()
            },
        };
        match args.format {
            Format::Csv => {
                let items = list.sections.iter().flat_map(|s| &s.items);
                crate::render::rectify::csv_rows_unnumbered(fw, &a, items, args.lang, |row| {
                    out.extend_from_slice(&(row.len() as u32).to_le_bytes());
                    out.extend_from_slice(row);
                });
            }
            Format::Table | Format::Md => {
                let mut no = first - 1;
                for sec in &list.sections {
                    let Key::Unit(u) = sec.key else { return Err(GiveUp) };
                    let next = list.units[u].next.as_ref();
                    let text = crate::render::rectify::text_section(
                        fw,
                        &a,
                        sec,
                        next,
                        crate::rectify::By::Unit,
                        args.lang,
                        args.format,
                        &mut no,
                    );
                    out.extend_from_slice(crate::output::escape_lines(&text).as_bytes());
                }
            }
            _ => {
                let mut doc = crate::render::rectify::list_doc(fw, &a, &list);
                for d in &mut doc.deficiencies {
                    d.no += first - 1;
                }
                // Nested two deep, as in the document, the pretty printer
                // indents the elements as the document's arrays: `[[…]]`
                // less its first two and last two lines.
                let json = match part {
                    Part::Units => serde_json::to_vec_pretty(&[&doc.units]),
                    Part::Items => serde_json::to_vec_pretty(&[&doc.deficiencies]),
                }
                .map_err(|_| GiveUp)?;
                if let Some(inner) = json.strip_prefix(b"[\n  [\n").and_then(|x| x.strip_suffix(b"\n  ]\n]")) {
                    out.extend_from_slice(inner);
                }
            }
        }
        Ok(out)
    }

    /// The JSON document: the units with the way to the next grade, then
    /// the items, each array streamed.
    fn json(
        &self,
        jobs: &[(&[usize], usize)],
        workers: usize,
        total: usize,
        w: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let fw = self.rows.plan.fw;
        let empty = List {
            units: Vec::new(),
            sections: Vec::new(),
        };
        let doc = crate::render::json::to_string(&crate::render::rectify::list_doc(fw, self.a, &empty));
        let head = doc
            .strip_suffix("[],\n  \"deficiencies\": []\n}\n")
            .ok_or_else(|| std::io::Error::other("internal error: the list's JSON head"))?;
        w.write_all(head.as_bytes())?;
        for (part, any, close) in [
            (
                Part::Units,
                jobs.iter().any(|j| !j.0.is_empty()),
                &b",\n  \"deficiencies\": "[..],
            ),
            (Part::Items, total > 0, b"\n}\n"),
        ] {
            if any {
                w.write_all(b"[\n")?;
                let mut first = true;
                in_order(
                    jobs,
                    workers,
                    |j, buf| self.batch(j, buf, part),
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
}

/// What every CSV row repeats, formatted once.
struct CsvConsts {
    /// Per indicator: from the delimiter before its id through the one
    /// after its points, and from the delimiter after the note through the
    /// line end.
    parts: Vec<(Vec<u8>, Vec<u8>)>,
    /// Per reason (in `REASONS` order): its label as a cell.
    reasons: Vec<Vec<u8>>,
}

const REASONS: [Reason; 4] = [Reason::Veto, Reason::Shortfall, Reason::Missing, Reason::Penalty];

impl CsvConsts {
    fn new(fw: &Framework, deadline: Option<jiff::civil::Date>, lang: Lang) -> CsvConsts {
        CsvConsts {
            parts: crate::render::rectify::csv_indicator_parts(fw, deadline, lang),
            reasons: REASONS
                .iter()
                .map(|r| {
                    let mut v = Vec::new();
                    push_cell(&mut v, r.label(lang).as_bytes());
                    v
                })
                .collect(),
        }
    }
}

/// A text cell of the CSV ledger: formula-guarded as `render::csv_cell`
/// does for text, then quoted as the `csv` writer does (only when it holds
/// a delimiter, a quote or a line end; quotes doubled).
fn push_cell(out: &mut Vec<u8>, cell: &[u8]) {
    let guard = matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    let quote = memchr::memchr3(b',', b'"', b'\n', cell).is_some() || memchr::memchr(b'\r', cell).is_some();
    if quote {
        out.push(b'"');
    }
    if guard {
        out.push(b'\'');
    }
    if quote {
        let mut from = 0;
        for q in memchr::memchr_iter(b'"', cell) {
            out.extend_from_slice(&cell[from..=q]);
            out.push(b'"');
            from = q + 1;
        }
        out.extend_from_slice(&cell[from..]);
        out.push(b'"');
    } else {
        out.extend_from_slice(cell);
    }
}

/// `n` in decimal, in `buf`.
fn uint(buf: &mut [u8; 20], mut n: u64) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

/// Cents as `12.30`, as `num::fmt2` writes them.
fn push_cents(out: &mut Vec<u8>, c: u64) {
    let mut buf = [0u8; 20];
    out.extend_from_slice(uint(&mut buf, c / 100));
    let f = (c % 100) as u8;
    out.extend_from_slice(&[b'.', b'0' + f / 10, b'0' + f % 10]);
}

/// An item of a unit's list, from its cells: amounts in cents.
#[derive(Clone, Copy)]
struct Short {
    /// Where it comes in the unit's list (smallest first).
    key: u64,
    index: usize,
    /// Index into `REASONS`.
    reason: u8,
    /// Points lost (0 for a veto, which shows none).
    lost: u64,
    amount: u64,
}

const VETO: u8 = 0;
const SHORTFALL: u8 = 1;
const MISSING: u8 = 2;
const PENALTY: u8 = 3;

/// A unit's items (as `rectify::items` and the selection give them, in
/// the same order), from its cells alone: the outcomes of
/// `detail::outcome` and the deficiencies of `score::deficiencies`, in
/// integer cents.
fn short_items(plan: &Plan, cells: &[u32], sel: &Selection, out: &mut Vec<Short>) -> Res<()> {
    out.clear();
    for (i, ind) in plan.fw.indicators.iter().enumerate() {
        let first = plan.first[i];
        let cells = cells.get(first..first + ind.slots()).ok_or(GiveUp)?;
        if cells.contains(&NA) {
            continue; // exempt
        }
        let (reason, lost, amount) = match ind.kind {
            Kind::Bonus => continue,
            Kind::Veto if cells.first() == Some(&(VALUE + 1)) => (VETO, 0, 0),
            Kind::Veto => continue,
            Kind::Base | Kind::Penalty => {
                let amount = if cells.iter().any(|&c| c < VALUE) {
                    None
                } else if let [c] = cells {
                    Some((c - VALUE) as u64)
                } else {
                    match super::detail::outcome(plan, i, cells)? {
                        crate::score::Outcome::Amount(a) => Some(cents(a)?),
                        crate::score::Outcome::Missing => None,
                        _ => return Err(GiveUp),
                    }
                };
                let pc = plan.slots.get(first).ok_or(GiveUp)?.pc;
                match (ind.kind, amount) {
                    (Kind::Base, None) => (MISSING, pc, 0),
                    (Kind::Base, Some(a)) if a < pc => (SHORTFALL, pc - a, a),
                    (Kind::Penalty, Some(a)) if a > 0 => (PENALTY, a, a),
                    _ => continue,
                }
            }
        };
        if !sel.reasons.is_empty() && !sel.reasons.contains(&REASONS[reason as usize]) {
            continue;
        }
        if let Some(min) = sel.min_lost
            && reason != VETO
            && Decimal::from(lost) / Decimal::ONE_HUNDRED < min
        {
            continue;
        }
        // Vetoes first, then the most points lost, then framework order:
        // in one integer (amounts are below 2^32 cents, as are indices).
        let index = u32::try_from(i).map_err(|_| GiveUp)?;
        let lost32 = u32::try_from(lost).map_err(|_| GiveUp)?;
        out.push(Short {
            key: (u64::from(reason != VETO) << 63) | (u64::from(u32::MAX - lost32) << 31) | u64::from(index),
            index: i,
            reason,
            lost,
            amount,
        });
    }
    if out.iter().any(|it| it.index >= 1 << 31) {
        return Err(GiveUp);
    }
    out.sort_unstable_by_key(|it| it.key);
    Ok(())
}

impl<W: Word> Ctx<'_, W> {
    /// A batch of units' CSV rows, each without its number and after its
    /// length: the bytes of `render::rectify::csv_rows_unnumbered`, built
    /// from the cells and only the rows of the items listed.
    fn csv_batch(&self, c: &CsvConsts, units: &[usize], mut out: Vec<u8>) -> Res<Vec<u8>> {
        out.clear();
        let plan = self.rows.plan;
        let rows = &self.rows;
        // Two units in flight: the rows of the next one's items load while
        // this one is written.
        let n = plan.fw.indicators.len();
        let mut full = [Full::new(), Full::new()];
        let mut items = [Vec::new(), Vec::new()];
        let mut wanted = [vec![false; n], vec![false; n]];
        let mut prefix = Vec::new();
        let mut fields = Vec::new();
        let unit = |k: usize| units.get(k).and_then(|&u| self.a.units.get(u));
        let load = |k: usize, f: &mut Full, items: &mut Vec<Short>, wanted: &mut Vec<bool>| -> Res<()> {
            let Some(u) = unit(k) else { return Ok(()) };
            f.cells_of(rows, &u.unit, true)?;
            short_items(plan, &f.cells, self.args.selection, items)?;
            wanted.fill(false);
            for it in items.iter() {
                wanted[it.index] = true;
            }
            f.prefetch(rows, Some(wanted));
            Ok(())
        };
        load(0, &mut full[0], &mut items[0], &mut wanted[0])?;
        for k in 0..units.len() {
            let (now, next) = (k % 2, (k + 1) % 2);
            load(k + 1, &mut full[next], &mut items[next], &mut wanted[next])?;
            let u = unit(k).ok_or(GiveUp)?;
            let (f, items) = (&mut full[now], &items[now]);
            if items.is_empty() {
                continue;
            }
            prefix.clear();
            for cell in [&u.unit, &u.name, &u.category] {
                prefix.push(b',');
                push_cell(&mut prefix, cell.as_bytes());
            }
            if self.csv_rows_direct(c, f, items, &prefix, &u.unit, &mut fields, &mut out)? {
                continue;
            }
            f.describe(rows, &u.unit, Some(&wanted[now]))?;
            for it in items {
                let (value, note) = (f.value(it.index).unwrap_or(b""), f.note(it.index));
                write_row(&mut out, c, it, &prefix, value, note, false)?;
            }
        }
        Ok(out)
    }

    /// A unit's rows (see [`Ctx::csv_batch`]) written straight from its
    /// evidence rows, plain lines split where they lie: `false`, with
    /// nothing written, when an item's indicator has several slots, for
    /// [`Full::describe`] to read.
    #[allow(clippy::too_many_arguments)]
    fn csv_rows_direct(
        &self,
        c: &CsvConsts,
        f: &mut Full,
        items: &[Short],
        prefix: &[u8],
        id: &str,
        fields: &mut Vec<(usize, usize)>,
        out: &mut Vec<u8>,
    ) -> Res<bool> {
        let plan = self.rows.plan;
        let start = out.len();
        for it in items {
            let slot = plan.first[it.index];
            if plan.fw.indicators[it.index].slots() != 1 {
                out.truncate(start);
                return Ok(false);
            }
            // Value and note; whether they may need quotes.
            let (value, note, plain): (&[u8], &[u8], bool) = if f.cells[slot] == UNSEEN {
                (b"", b"", true)
            } else {
                let offset = f.offset(slot);
                let (file, data) = self.rows.at(offset).ok_or(GiveUp)?;
                let l = self.rows.layout(file).ok_or(GiveUp)?;
                fields.clear();
                match scan_line(data, 0, l.delim, fields) {
                    Scan::Plain { end, last, .. } if end > 0 => fields.push((last, end)),
                    _ => {
                        // Quotes, a lone CR: csv_core reads it.
                        let (value, note) = f.value_note(&self.rows, id, offset)?;
                        write_row(out, c, it, prefix, value, note, false)?;
                        continue;
                    }
                }
                let field = |col: usize| -> Res<&[u8]> {
                    let &(a, b) = fields.get(col).ok_or(GiveUp)?;
                    Ok(trim(data.get(a..b).ok_or(GiveUp)?))
                };
                if field(l.unit)? != id.as_bytes() {
                    return Err(GiveUp); // not the row parsed: the file changed
                }
                let note = match l.note {
                    Some(n) => field(n)?,
                    None => b"",
                };
                // A plain line's fields hold no quote or line end, nor,
                // split at commas, a comma.
                (field(l.value)?, note, l.delim == b',')
            };
            write_row(out, c, it, prefix, value, note, plain)?;
        }
        Ok(true)
    }
}

/// One item's CSV row, after its length (see [`Ctx::csv_batch`]);
/// `plain` when `value` and `note` need no quotes.
fn write_row(
    out: &mut Vec<u8>,
    c: &CsvConsts,
    it: &Short,
    prefix: &[u8],
    value: &[u8],
    note: &[u8],
    plain: bool,
) -> Res<()> {
    let at = out.len();
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(prefix);
    let (head, tail) = c.parts.get(it.index).ok_or(GiveUp)?;
    out.extend_from_slice(head);
    if it.reason != VETO {
        push_cents(out, it.amount);
        out.push(b',');
        push_cents(out, it.lost);
    } else {
        out.push(b',');
    }
    out.push(b',');
    out.extend_from_slice(&c.reasons[it.reason as usize]);
    for cell in [value, note] {
        out.push(b',');
        if plain {
            push_guarded(out, cell);
        } else {
            push_cell(out, cell);
        }
    }
    out.extend_from_slice(tail);
    let len = u32::try_from(out.len() - at - 4).map_err(|_| GiveUp)?;
    out[at..at + 4].copy_from_slice(&len.to_le_bytes());
    Ok(())
}

/// A text cell that needs no quotes, formula-guarded (see [`push_cell`]).
fn push_guarded(out: &mut Vec<u8>, cell: &[u8]) {
    if matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')) {
        out.push(b'\'');
    }
    out.extend_from_slice(cell);
}
