//! Every unit in full on the bulk path: the assessment the workbooks, web
//! pages, letters and lists by owner are made from, with each item's
//! outcome, status, value, note, source, the line it was given on, each
//! rater's amount and its cohort facts, and each unit's deficiencies. The
//! units are scored and ranked from their
//! cells, then each unit's rows are read again, as for the JSON result.

use super::detail::{Full, Rows, Whole, scored_with_files};
use super::*;
use crate::model::IndicatorResult;

/// Score and rank every unit with every unit in full (see the module
/// documentation), or `None` when it gives up.
pub fn assess_full<'a>(
    fw: &Framework,
    units: Option<&Units>,
    paths: impl Into<Files<'a>>,
    period: Option<String>,
) -> Option<Assessment> {
    let paths = &paths.into();
    let plan = super::plan_for(fw, units, paths)?;
    by_width!(plan, full(&plan, units, paths, period))
}

/// The most results (units × items) an assessment in full holds: each
/// takes a few hundred bytes (its amount, status, text, note and place),
/// so this many fit in about 3 GB, under a 4 GiB address space.
const MAX_DETAILED_RESULTS: usize = 10_000_000;

fn full<W: Word>(plan: &Plan, units: Option<&Units>, paths: &Files, period: Option<String>) -> Option<Assessment> {
    let tuning = paths.tuning;
    let (parsed, mut a, files) = scored_with_files::<W>(plan, units, paths, period)?;
    // Every unit gets a result per item: a units file of millions would
    // need more memory than there is, however little evidence is given.
    let results = a.units.len().saturating_mul(plan.fw.indicators.len());
    if results > MAX_DETAILED_RESULTS {
        let told = paths.told?;
        let mut told = told.lock().ok()?;
        let file = units.map_or_else(|| paths.inputs()[0].path.clone(), |u| u.path.clone());
        let (n, items, max) = (a.units.len(), plan.fw.indicators.len(), MAX_DETAILED_RESULTS);
        told.problems = vec![crate::base::diag::Diagnostic::file(
            file,
            crate::base::lang::msg!(
                zh: "{n} 个单位 × {items} 项指标，共 {results} 项结果，超过逐项计分一次最多容纳的 {max} 项：请将单位分成几批分别运行",
                en: "{n} units × {items} items make {results} results, more than scoring in detail holds at once ({max}): run the units in several batches"
            ),
        )];
        told.scoring = true;
        return None;
    }
    let lines = Lines::of(&files);
    let rows = Rows::new(plan, &parsed, &files);
    let part = a.units.len().div_ceil(tuning.workers.max(1)).max(1);
    let done = std::thread::scope(|s| {
        let handles: Vec<_> = (a.units.chunks_mut(part).enumerate())
            .map(|(c, units)| {
                let (rows, lines) = (&rows, &lines);
                s.spawn(move || {
                    let mut f = Full::new();
                    // Each unit with its place in the ranking.
                    (units.iter_mut().enumerate())
                        .try_for_each(|(i, u)| in_full(rows, lines, &mut f, (c * part + i, u)))
                })
            })
            .collect();
        handles.into_iter().all(|h| h.join().is_ok_and(|r| r.is_ok()))
    });
    drop(rows);
    crate::base::drop_aside((parsed, files));
    done.then_some(a)
}

/// Unit `u`'s results per item and its deficiencies, from its rows read
/// again (into `f`).
fn in_full<W: Word>(rows: &Rows<W>, lines: &Lines, f: &mut Full, (k, u): (usize, &mut UnitResult)) -> Res<()> {
    let fw = rows.plan.fw;
    f.gather(rows, (k, &u.unit), true)?;
    f.finish(rows, &u.unit, &u.category, true)?;
    let facts = rows.facts.get(u.unit.as_str()).map_or(&[][..], Vec::as_slice);
    let text = |b: &[u8]| std::str::from_utf8(b).map(str::to_string).map_err(|_| GiveUp);
    u.indicators = fw
        .indicators
        .iter()
        .zip(&f.outcomes)
        .enumerate()
        .map(|(index, (ind, o))| {
            let origin = match f.origin(rows, &u.unit, index) {
                Some((offset, slot)) => {
                    let (file, line) = lines.origin(offset).ok_or(GiveUp)?;
                    let layout = rows.layout(file).ok_or(GiveUp)?;
                    Some((file, layout.line(line), layout.origin_col(slot)?))
                }
                None => None,
            };
            Ok(IndicatorResult {
                index,
                outcome: o.clone(),
                status: crate::engine::score::status_in(ind, o, &u.totals),
                value: f.value(index).map(text).transpose()?,
                note: text(f.note(index))?,
                source: text(f.source(index))?,
                origin,
                cohort: facts
                    .iter()
                    .find(|(i, _)| *i == index)
                    .map(|(_, fact)| Box::new(fact.clone())),
                raters: f.raters(index).to_vec(),
            })
        })
        .collect::<Res<_>>()?;
    u.deficiencies = crate::engine::score::deficiencies(fw, &f.outcomes);
    Ok(())
}

/// Line numbers of rows by where they start over all files: per file, the
/// line ends before each block of [`Lines::BLOCK`] bytes, so that finding
/// a row's line counts at most one block.
struct Lines<'a> {
    /// Per file: where it starts over all files, its bytes, and the line
    /// ends before each block.
    files: Vec<(u64, &'a [u8], Vec<u32>)>,
}

impl<'a> Lines<'a> {
    const BLOCK: usize = 256;

    fn of(files: &'a [Whole]) -> Lines<'a> {
        let mut start = 0u64;
        let files = files
            .iter()
            .map(|f| {
                let data: &[u8] = f;
                let mut before = Vec::with_capacity(data.len() / Self::BLOCK + 1);
                let mut n = 0u32;
                for block in data.chunks(Self::BLOCK) {
                    before.push(n);
                    n += memchr::memchr_iter(b'\n', block).count() as u32;
                }
                let at = start;
                start += data.len() as u64;
                (at, data, before)
            })
            .collect();
        Lines { files }
    }

    /// The file and line of the row at `offset`: the line of the row's first byte past any line ends.
    /// (Offsets and line ends fit in `u32`: the files together are
    /// smaller, or the bulk path does not keep them.)
    fn origin(&self, offset: u64) -> Option<(usize, u64)> {
        let file = self.files.partition_point(|f| f.0 <= offset).checked_sub(1)?;
        let (start, data, before) = &self.files[file];
        let local = usize::try_from(offset - start).ok()?;
        let block = local / Self::BLOCK;
        let skip = data
            .get(local..)?
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        let within = memchr::memchr_iter(b'\n', data.get(block * Self::BLOCK..local + skip)?).count();
        Some((file, u64::from(*before.get(block)?) + within as u64 + 1))
    }
}
