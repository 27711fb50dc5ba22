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
use crate::score::IndicatorResult;

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
    let parsed = parse::<W>(plan, paths, tuning, None, true)?;
    let parts = merge(plan, units, &parsed.tables, tuning.workers).ok()?;
    let a = finish(join(parts), units, paths, args.period.map(|p| p.to_string()));
    let mut selected = args.selection.units(&a).ok()?;
    crate::rectify::sort_units(&a, &mut selected, args.order);
    let files = read_again(paths, &parsed.bases)?;
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
            let mut no = 0u64;
            in_order(
                &jobs,
                tuning.workers,
                |j, buf| ctx.batch(j, buf, Part::Items),
                |mut b| {
                    // Rows, each after its length: numbered here, in order.
                    while let [a, b0, c, d, rest @ ..] = b {
                        let len = u32::from_le_bytes([*a, *b0, *c, *d]) as usize;
                        let (row, after) = rest.split_at(len.min(rest.len()));
                        no += 1;
                        w.write_all(no.to_string().as_bytes())?;
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
