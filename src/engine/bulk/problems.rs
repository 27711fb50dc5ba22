//! The problems of the evidence this path words itself, as the general
//! loader words them:
//! - noted by `parse` where it reads them: a value its item does not take,
//!   an indicator key the framework does not have, a row of more or fewer
//!   cells than the header, a value without its unit, a row naming a
//!   rater where the item has none (or none where it has);
//! - found once every file is read, then located by reading the files
//!   again, noting the rows or cells of the units concerned: a unit id
//!   refused (a column heading, an invisible character), a unit not in
//!   the units file, a value given twice (in one worker's table; across
//!   the tables, as they are merged or settled, unless the run has other
//!   problems: `tell_twice`);
//! - found before any file is read: a file given twice ([`given_again`]);
//! - found while scoring, then located by reading the files again
//!   ([`after_scoring`]): a value for an item outside the unit's
//!   categories, 不适用 for some clauses of an item only, every base item
//!   不适用, a base item missing under `missing = "error"` ([`Flaw`]).

use super::*;

/// The files given again (by another name, or the same), each a problem
/// worded, and the places of the others:
/// each of a repeat's rows would be a duplicate of itself.
pub(super) fn given_again(paths: &Files) -> (Vec<crate::base::diag::Diagnostic>, Vec<usize>) {
    let mut seen: Vec<(crate::base::file::FileId, &PathBuf)> = Vec::new();
    let (mut again, mut once) = (Vec::new(), Vec::new());
    for (i, p) in paths.iter().enumerate() {
        if let Some(real) = crate::base::file::identity(p) {
            if let Some((_, first)) = seen.iter().find(|(r, _)| *r == real) {
                again.push(crate::reading::evidence::same_file_problem(p, first));
                continue;
            }
            seen.push((real, p));
        }
        once.push(i);
    }
    (again, once)
}

/// What is wrong with a unit the tables show a problem of.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Wrong {
    /// An id refused whatever the units file says (a
    /// column heading, an invisible character).
    Refused,
    /// Not in the units file.
    Unknown,
    /// A value given twice (in one table, across tables, or by one rater
    /// twice).
    Doubled,
}

/// The units the tables show a problem of, each with the first of
/// [`Wrong`] that holds for it, numbered by their place here.
pub(super) struct Found(pub(super) Vec<(Box<[u8]>, Wrong)>);

impl Found {
    /// The units `tables` show a problem of: `order` holds every unit of
    /// the tables' rows but those not in the units file, whose places are
    /// `unknown` ([`merge::Places::in_list`]). With `across`, units given
    /// a value twice across the tables too (which merging finds itself).
    pub(super) fn in_tables<W: Word>(
        tables: &[Table<W>],
        order: &merge::Places,
        unknown: &[std::ops::Range<usize>],
        across: bool,
    ) -> Option<Found> {
        let mut refused = Ids::default();
        let mut doubled = Ids::default();
        for table in tables {
            for &u in &table.refused {
                refused.insert(table.units.get(u as usize)?.clone(), ());
            }
            for &u in &table.doubled {
                doubled.insert(table.units.get(u as usize)?.clone(), ());
            }
        }
        let id = |(t, u): (u32, u32)| tables[t as usize].units.get(u as usize);
        let mut not_listed = Ids::default();
        for r in unknown {
            let id = id(*order.locals.get(r.start)?)?;
            if !refused.contains_key(id) {
                not_listed.insert(id.clone(), ());
            }
        }
        let unknown = not_listed;
        // A unit whose rows lie in several tables, with a slot given in two:
        // given twice across blocks.
        let given = |c: &W| c.get() != UNSEEN;
        for r in order.units.iter().filter(|r| across && r.len() > 1) {
            let places = order.locals.get(r.clone())?;
            let cells = |&(t, u): &(u32, u32)| tables[t as usize].cells(u as usize);
            let twice = (places.iter().enumerate()).any(|(i, a)| {
                places[i + 1..]
                    .iter()
                    .any(|b| cells(a).iter().zip(cells(b)).any(|(x, y)| given(x) & given(y)))
            });
            if twice {
                doubled.insert(id(places[0])?.clone(), ());
            }
        }
        let mut rated: FastMap<(&[u8], u32, &[u8]), ()> = FastMap::default();
        for (unit, slot, rater, _, _) in tables.iter().flat_map(|t| &t.rated) {
            if rated.insert((unit, *slot, rater), ()).is_some() {
                doubled.insert(unit.clone(), ());
            }
        }
        doubled.retain(|id, ()| !refused.contains_key(id) && !unknown.contains_key(id));
        let mut all = Vec::new();
        for (set, wrong) in [
            (refused, Wrong::Refused),
            (unknown, Wrong::Unknown),
            (doubled, Wrong::Doubled),
        ] {
            let mut ids: Vec<Box<[u8]>> = set.into_keys().collect();
            ids.sort_unstable();
            all.extend(ids.into_iter().map(|id| (id, wrong)));
        }
        Some(Found(all))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The units to watch on a second reading, and what of each.
    pub(super) fn watch(&self) -> Watch {
        (self.0.iter().enumerate())
            .map(|(n, (id, wrong))| {
                let noted = if *wrong == Wrong::Doubled {
                    Noted::Cells
                } else {
                    Noted::Rows
                };
                (id.clone(), (n as u32, noted))
            })
            .collect()
    }
}

/// The run's problems from the tables (read with `found`'s units
/// watched, if any), in file, line and column order, located and
/// worded. A problem is the row's first only:
/// the row of a unit not in the units file has no other, a value given
/// again is not read.
pub(super) fn word<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    inputs: &[InputFile],
    layouts: &[Arc<Layout>],
    tables: &[Table<W>],
    found: &Found,
) -> Option<Vec<crate::base::diag::Diagnostic>> {
    use crate::reading::evidence::{duplicate_problem, key_problem, resolve, unit_id_problem, unknown_unit_problem};
    // Each problem: its row and column (for the order), whether it counts
    // among a file's first problems (which a key's hint depends on), and
    // the diagnostic or the key to word.
    enum Told {
        Said(crate::base::diag::Diagnostic),
        Key(usize, u64, usize, String, String),
    }
    let mut all: Vec<(RowAt, Option<usize>, bool, Told)> = Vec::new();
    // A file that is not text (a NUL byte) says nothing else, nor is a
    // value in it the first of one given again elsewhere.
    let not_text: std::collections::HashSet<u32> = (tables.iter().flat_map(|t| &t.bad))
        .filter(|b| matches!(b.said, Said::Nul))
        .map(|b| b.at.0)
        .collect();
    let mut watched: Vec<&Watched> = (tables.iter().flat_map(|t| &t.watched))
        .filter(|w| !not_text.contains(&w.at.0))
        .collect();
    // In reading order; a row noted before its cells, in column order.
    watched.sort_by_key(|w| w.at);
    // A unit not in the units file: once per file, at its first row, with
    // its number of rows.
    // (file, unit) → its first row and line, and its rows.
    type Rows = (RowAt, u64, usize);
    let mut unknown: Vec<((u32, u32), Rows)> = Vec::new();
    let mut index: FastMap<(u32, u32), usize> = FastMap::default();
    let mut skipped: std::collections::HashSet<RowAt> = std::collections::HashSet::new();
    let wrong = |w: &Watched| found.0.get(w.unit as usize).map(|f| f.1);
    let id = |n: u32| -> Option<&str> { std::str::from_utf8(&found.0.get(n as usize)?.0).ok() };
    for w in watched
        .iter()
        .filter(|w| w.slot == NO_SLOT && wrong(w) == Some(Wrong::Unknown))
    {
        skipped.insert(w.at);
        let key = (w.at.0, w.unit);
        match index.get(&key) {
            Some(&k) => unknown[k].1.2 += 1,
            None => {
                index.insert(key, unknown.len());
                unknown.push((key, (w.at, w.line, 1)));
            }
        }
    }
    // A unit id refused: each of its rows, as a problem counted among the
    // file's.
    for w in watched
        .iter()
        .filter(|w| w.slot == NO_SLOT && wrong(w) == Some(Wrong::Refused))
    {
        skipped.insert(w.at);
        let (input, layout) = (inputs.get(w.at.0 as usize)?, layouts.get(w.at.0 as usize)?);
        let message = unit_id_problem(layout.heads.get(layout.unit)?, id(w.unit)?)?;
        let d = input.diag_in(layout.line(w.line), Some(layout.unit as u32), message);
        all.push((w.at, Some(layout.unit), true, Told::Said(d)));
    }
    let mut hinted = vec![0usize; inputs.len()];
    for ((file, unit), (at, line, rows)) in unknown {
        let (f, list) = (file as usize, units?);
        let layout = layouts.get(f)?;
        let hint = *hinted.get(f)? < crate::base::diag::MAX_PROBLEMS_PER_FILE;
        hinted[f] += usize::from(hint);
        let message = unknown_unit_problem(layout.heads.get(layout.unit)?, id(unit)?, list, hint, rows);
        let d = inputs
            .get(f)?
            .diag_in(layout.line(line), Some(layout.unit as u32), message);
        all.push((at, Some(layout.unit), false, Told::Said(d)));
    }
    // A value given again: located where it was given first.
    // (unit, slot, rater) → the file, line and column of its first value.
    type Place = (u32, u64, u32);
    let mut first: FastMap<(u32, u32, &[u8]), Place> = FastMap::default();
    let mut again: std::collections::HashSet<(RowAt, usize)> = std::collections::HashSet::new();
    for w in watched
        .iter()
        .filter(|w| w.slot != NO_SLOT && wrong(w) == Some(Wrong::Doubled))
    {
        let here = (w.at.0, w.line, w.col);
        let Some(&(f0, l0, c0)) = first.get(&(w.unit, w.slot, &*w.rater)) else {
            first.insert((w.unit, w.slot, &w.rater), here);
            continue;
        };
        let (slot, col) = (w.slot as usize, w.col as usize);
        again.insert((w.at, col));
        let ind = plan.slots.get(slot)?.ind;
        let key = plan.fw.indicators[ind].slot_key(slot - plan.first[ind]);
        let (in0, layout0) = (inputs.get(f0 as usize)?, layouts.get(f0 as usize)?);
        let at_first = in0.location(layout0.line(l0), c0);
        let message = duplicate_problem(id(w.unit)?, &key, std::str::from_utf8(&w.rater).ok()?, &at_first);
        let (input, layout) = (inputs.get(w.at.0 as usize)?, layouts.get(w.at.0 as usize)?);
        let d = input.diag_in(layout.line(w.line), Some(w.col), message);
        all.push((w.at, Some(col), true, Told::Said(d)));
    }
    // A file's first NUL byte, by where it is read.
    let mut nul: FastMap<u32, (RowAt, u64)> = FastMap::default();
    for t in tables {
        for b in &t.bad {
            if skipped.contains(&b.at) || b.col.is_some_and(|c| again.contains(&(b.at, c))) {
                continue;
            }
            let (input, layout) = (inputs.get(b.at.0 as usize)?, layouts.get(b.at.0 as usize)?);
            let line = layout.line(b.line);
            let told = match &b.said {
                Said::Worded(m) => Told::Said(input.diag_in(line, b.col.map(|c| c as u32), m.clone())),
                Said::Key { unit, key } => Told::Key(b.at.0 as usize, line, b.col?, unit.clone(), key.clone()),
                Said::Nul => {
                    let first = nul.entry(b.at.0).or_insert((b.at, line));
                    *first = (*first).min((b.at, line));
                    continue;
                }
            };
            all.push((b.at, b.col, true, told));
        }
    }
    all.retain(|p| !not_text.contains(&p.0.0));
    for (file, (at, line)) in nul {
        let d = crate::reading::input::nul_bytes(&inputs.get(file as usize)?.path, line);
        all.push((at, None, true, Told::Said(d)));
    }
    all.sort_by_key(|p| (p.0, p.1));
    // An unknown key's hint for a file's first problems only (a unit not
    // in the units file not counted).
    let mut before = vec![0usize; inputs.len()];
    all.into_iter()
        .map(|(at, _, counts, told)| {
            let file = at.0 as usize;
            let listing = *before.get(file)? < crate::base::diag::MAX_PROBLEMS_PER_FILE;
            before[file] += usize::from(counts);
            Some(match told {
                Told::Said(d) => d,
                Told::Key(file, line, col, unit, key) => {
                    let m = resolve(plan.fw, &key, listing).err()?;
                    let layout = layouts.get(file)?;
                    let message = key_problem(layout.heads.get(col)?, &unit, &m);
                    inputs.get(file)?.diag_in(line, Some(col as u32), message)
                }
            })
        })
        .collect()
}

/// The problems found while scoring ([`Flaw`]), when
/// the units' cells (`tables`, settled) have any: `outside`, the values
/// `settle` found for items outside a unit's categories, then each unit's
/// clauses 不适用 in part, every base item 不适用, and base items missing
/// under `missing = "error"`. The files are read again noting the cells of
/// the units concerned, and the problems told back located and worded as
/// every unit in the order of the results ([`Told::scoring`] set).
/// Nothing is told when no unit has one (something else gave up).
pub(super) fn after_scoring<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    tables: &[Table<W>],
    order: &merge::Places,
    outside: merge::Outside,
) -> Option<()> {
    use crate::engine::score::{all_exempt_problem, missing_problem, outside_problem, partial_exemption_problem};
    let told = paths.told?;
    let fw = plan.fw;
    let order = order.named(units, tables).ok()?;
    let place: FastMap<&[u8], usize> = (order.iter().enumerate())
        .map(|(k, (id, _))| (id.as_bytes(), k))
        .collect();
    // Evidence outside a unit's categories for every unit first, then
    // each unit's own, in the order of the results.
    let mut flaws: Vec<(usize, Flaw)> = Vec::with_capacity(outside.len());
    for (id, f) in outside {
        flaws.push((*place.get(&*id)?, f));
    }
    flaws.sort_by_key(|(k, f)| (*k, if let Flaw::Outside { ind, .. } = f { *ind } else { 0 }));
    let mut row = vec![UNSEEN; plan.slots.len()];
    let mut groups = vec![0u64; fw.groups.len()];
    let (mut veto, mut caps, mut own) = (Vec::new(), Vec::new(), Vec::new());
    for (k, (id, places)) in order.iter().enumerate() {
        row.fill(UNSEEN);
        merge::gather(tables, places, &mut row).ok()?;
        own.clear();
        let category = units
            .and_then(|l| l.units.get(&**id))
            .map_or("", |i| i.category.as_str());
        let sums = tally::sums_noting(
            plan,
            &row,
            category,
            &mut groups,
            &mut veto,
            &mut caps,
            &mut own,
            &mut tally::Known::default(),
        )
        .ok()?;
        // 不适用 in part first; a unit with every base item 不适用 is not
        // scored, so its items missing are not said.
        let (partial, missing): (Vec<Flaw>, Vec<Flaw>) = own.drain(..).partition(|f| matches!(f, Flaw::Partial { .. }));
        flaws.extend(partial.into_iter().map(|f| (k, f)));
        match sums.applicable {
            0 => flaws.push((k, Flaw::AllExempt)),
            _ => flaws.extend(missing.into_iter().map(|f| (k, f))),
        }
    }
    if flaws.is_empty() {
        return None;
    }
    // Each unit said at one of its cells, by its place in `order`,
    // watched for its cells on a second reading. (Without any, as when
    // units without a row lack items, the files are not read again.)
    let mut number: FastMap<usize, u32> = FastMap::default();
    for (k, f) in &flaws {
        if matches!(
            f,
            Flaw::Outside { .. } | Flaw::Partial { .. } | Flaw::Missing { at: Some(_), .. }
        ) {
            let n = number.len() as u32;
            number.entry(*k).or_insert(n);
        }
    }
    let (again, layouts) = match number.is_empty() {
        true => (Vec::new(), Vec::new()),
        false => {
            let watch: Watch = (number.iter())
                .map(|(&k, &n)| (order[k].0.as_bytes().into(), (n, Noted::Cells)))
                .collect();
            let (again, _, layouts, _) = read_tables::<W>(plan, paths, None, Reread::No, Some(Arc::new(watch)))?;
            (again, layouts)
        }
    };
    let inputs = paths.inputs();
    // (unit's number, slot) → where its cell was first read; on a rater
    // item, where a rater first gave a value.
    let mut cells: FastMap<(u32, u32), &Watched> = FastMap::default();
    for w in again.iter().flat_map(|t| &t.watched) {
        if w.slot != NO_SLOT && (w.rater.is_empty() || w.given) {
            let first = cells.entry((w.unit, w.slot)).or_insert(w);
            if w.at < first.at {
                *first = w;
            }
        }
    }
    let first_file = inputs.first().map_or("", |f| f.path.as_str());
    let mut said = Vec::with_capacity(flaws.len());
    for (k, flaw) in flaws {
        let id = order[k].0;
        let at = |ind: usize, slot: usize, message: String| -> Option<crate::base::diag::Diagnostic> {
            let w = cells.get(&(*number.get(&k)?, (plan.first[ind] + slot) as u32))?;
            let (input, layout) = (inputs.get(w.at.0 as usize)?, layouts.get(w.at.0 as usize)?);
            Some(input.diag_in(layout.line(w.line), Some(w.col), message))
        };
        let unit = |message: String| {
            let (file, line) = crate::engine::score::where_unit(units, first_file, id);
            crate::base::diag::Diagnostic::new(file, line, message)
        };
        said.push(match flaw {
            Flaw::Outside { ind, slot } => {
                let category = units.and_then(|l| l.units.get(id)).map_or("", |i| i.category.as_str());
                at(ind, slot, outside_problem(id, category, &fw.indicators[ind]))?
            }
            Flaw::Partial { ind, slot } => at(ind, slot, partial_exemption_problem(id, &fw.indicators[ind].id))?,
            Flaw::AllExempt => unit(all_exempt_problem(id)),
            Flaw::Missing { ind, lacking, at: slot } => {
                let message = missing_problem(fw, id, &fw.indicators[ind], &lacking);
                match slot {
                    Some(slot) => at(ind, slot, message)?,
                    None => unit(message),
                }
            }
        });
    }
    let mut told = told.lock().ok()?;
    told.problems = said;
    told.scoring = true;
    Some(())
}
