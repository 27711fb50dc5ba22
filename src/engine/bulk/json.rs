//! The canonical JSON result on the bulk path, streamed: every unit in
//! full, in rank order, its rows read again, each unit written by
//! `render::json` (the writer of every JSON result) as it stands in the
//! document's `units` array.

use super::detail::{Full, Rows, in_order_with, scored_with_files};
use super::*;
use crate::model::Deficiency;
use crate::render::json::{Item, UnitWriter};

/// `score --format json` on the bulk path: the canonical result (the same
/// bytes as `render::json` writes of an assessment), written to `w` unit by unit
/// in rank order, never held whole. Every row is read twice: once to score
/// and rank, then — the files held in memory — again per unit for its
/// values, notes and sources, units formatted in parallel batches.
/// `None`, with nothing written, when it gives up.
pub fn write_json<'a>(
    fw: &Framework,
    units: Option<&Units>,
    paths: impl Into<Files<'a>>,
    period: Option<String>,
    w: &mut dyn std::io::Write,
) -> Option<std::io::Result<()>> {
    let paths = &paths.into();
    let plan = super::plan_for(fw, units, paths)?;
    by_width!(plan, json(&plan, units, paths, period, w))
}

/// Units formatted per batch.
const JSON_BATCH: usize = 256;

/// Indicator slots formatted per batch, at most: fewer units per batch when
/// a framework has thousands of items (a unit of an 8,000-item framework
/// is over a megabyte of JSON).
const JSON_BATCH_SLOTS: usize = JSON_BATCH * 64;

fn json<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    period: Option<String>,
    w: &mut dyn std::io::Write,
) -> Option<std::io::Result<()>> {
    let tuning = paths.tuning;
    let (parsed, a, files) = scored_with_files::<W>(plan, units, paths, period)?;
    let rows = Rows::new(plan, &parsed, &files);
    let per = (JSON_BATCH_SLOTS / plan.slots.len().max(1)).clamp(1, JSON_BATCH);
    // Each batch with the place of its first unit in the ranking.
    let batches: Vec<(usize, &[UnitResult])> = (a.units.chunks(per).enumerate()).map(|(i, b)| (i * per, b)).collect();
    let writer = UnitWriter::new(plan.fw, UnitWriter::LISTED);
    let done = crate::render::json::write_result(w, plan.fw, &a, |put| {
        let start = || ([Full::new(), Full::new()], Vec::new());
        in_order_with(
            &batches,
            tuning.workers,
            start,
            |kept, b, buf| batch(&rows, &writer, kept, b, buf),
            put,
        )
    });
    crate::base::drop_aside((a, parsed, files));
    Some(done)
}

/// Units as their JSON objects, indented for the `units` array and
/// separated by commas: each unit's rows read again into its indicators and
/// deficiencies, then written by `render::json`.
fn batch<W: Word>(
    rows: &Rows<W>,
    writer: &UnitWriter,
    (full, deficiencies): &mut ([Full; 2], Vec<Deficiency>),
    &(first, units): &(usize, &[UnitResult]),
    mut out: Vec<u8>,
) -> Res<Vec<u8>> {
    out.clear();
    let fw = rows.plan.fw;
    // Two units in flight (`full`): the rows of the next load while this
    // one is written.
    if let Some(u) = units.first() {
        full[0].gather(rows, (first, &u.unit), true)?;
    }
    for (i, u) in units.iter().enumerate() {
        if let Some(next) = units.get(i + 1) {
            full[(i + 1) % 2].gather(rows, (first + i + 1, &next.unit), true)?;
        }
        let f = &mut full[i % 2];
        f.finish(rows, &u.unit, &u.category, true)?;
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        let facts = rows.facts.get(u.unit.as_str()).map_or(&[][..], Vec::as_slice);
        // The texts are the rows' own bytes, UTF-8 (the parse checked).
        let items = fw
            .indicators
            .iter()
            .zip(&f.outcomes)
            .enumerate()
            .map(|(index, (ind, o))| Item {
                index,
                outcome: o,
                status: crate::engine::score::status_in(ind, o, &u.totals),
                value: f.value(index),
                note: f.note(index),
                source: f.source(index),
                cohort: facts.iter().find(|(i, _)| *i == index).map(|(_, f)| f),
                raters: f.raters(index),
            });
        crate::engine::score::deficiencies_into(fw, &f.outcomes, deficiencies);
        writer.open_with(&mut out, u, items, deficiencies);
        writer.close(&mut out);
    }
    Ok(out)
}
