//! The problems of the evidence this path words itself, as the general
//! loader words them: a value its item does not take, an indicator key the
//! framework does not have, a row of more or fewer cells than the header,
//! a value without its unit (each noted by `parse` where it was read); a
//! unit id refused (a column heading, an invisible character), a unit not
//! in the units file and a value given twice (found once every file is
//! read, then located by reading the files again, noting the rows of the
//! units concerned).

use super::*;

/// Is a file given twice (by two names, or one)? Each of its rows would be
/// a duplicate of itself; the general loader says what happened instead.
pub(super) fn same_file_twice(paths: &Files) -> bool {
    let mut seen = std::collections::HashSet::new();
    paths
        .iter()
        .any(|p| p.canonicalize().is_ok_and(|real| !seen.insert(real)))
}

/// The units the tables show a problem of: an id the general loader
/// refuses whatever the units file says (a column heading, an invisible
/// character), one not in the units file, or one given a value twice (in
/// one table, across tables, or by one rater twice). Each unit is in one
/// set, the first that holds it.
pub(super) struct Found {
    pub(super) refused: Ids,
    pub(super) unknown: Ids,
    pub(super) doubled: Ids,
}

impl Found {
    pub(super) fn in_tables<W: Word>(tables: &[Table<W>], units: Option<&Units>) -> Option<Found> {
        let mut found = Found {
            refused: Ids::default(),
            unknown: Ids::default(),
            doubled: Ids::default(),
        };
        for table in tables {
            for &u in &table.refused {
                found.refused.insert(table.units.get(u as usize)?.clone(), ());
            }
        }
        let mut first: FastMap<&[u8], ()> = FastMap::default();
        let mut again: Vec<&[u8]> = Vec::new();
        for table in tables {
            for &u in &table.doubled {
                found.doubled.insert(table.units.get(u as usize)?.clone(), ());
            }
            for id in &table.units {
                if first.insert(&**id, ()).is_some() {
                    again.push(id);
                } else if let Some(list) = units
                    && !list.units.contains_key(std::str::from_utf8(id).ok()?)
                    && !found.refused.contains_key(id)
                {
                    found.unknown.insert(id.clone(), ());
                }
            }
        }
        // A unit whose rows lie in several tables: a slot given in two.
        again.sort_unstable();
        again.dedup();
        for id in again {
            let places: Vec<&[W]> = tables.iter().filter_map(|t| Some(t.cells(t.find(id)?))).collect();
            let twice =
                (0..places.first()?.len()).any(|slot| places.iter().filter(|c| c[slot].get() != UNSEEN).count() > 1);
            if twice {
                found.doubled.insert(id.into(), ());
            }
        }
        let mut rated: FastMap<(&[u8], u32, &[u8]), ()> = FastMap::default();
        for (unit, slot, rater, _, _) in tables.iter().flat_map(|t| &t.rated) {
            if rated.insert((unit, *slot, rater), ()).is_some() {
                found.doubled.insert(unit.clone(), ());
            }
        }
        found
            .doubled
            .retain(|id, ()| !found.refused.contains_key(id) && !found.unknown.contains_key(id));
        Some(found)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.refused.is_empty() && self.doubled.is_empty() && self.unknown.is_empty()
    }

    /// The units whose rows are to be located.
    pub(super) fn watch(&self) -> Ids {
        let mut ids = self.doubled.clone();
        for set in [&self.unknown, &self.refused] {
            ids.extend(set.iter().map(|(id, ())| (id.clone(), ())));
        }
        ids
    }
}

/// The run's problems from the tables (read with `found`'s units
/// watched, if any), in file, line and column order, located and worded
/// as the general loader gives them. A problem is the row's first only:
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
    let mut watched: Vec<&Watched> = tables.iter().flat_map(|t| &t.watched).collect();
    // In reading order; a row noted before its cells, in column order.
    watched.sort_by_key(|w| w.at);
    // A unit not in the units file: once per file, at its first row, with
    // its number of rows.
    // (file, unit) → its first row and line, and its rows.
    type Rows = (RowAt, u64, usize);
    let mut unknown: Vec<((u32, &[u8]), Rows)> = Vec::new();
    let mut index: FastMap<(u32, &[u8]), usize> = FastMap::default();
    let mut skipped: std::collections::HashSet<RowAt> = std::collections::HashSet::new();
    for w in watched
        .iter()
        .filter(|w| w.cell.is_none() && found.unknown.contains_key(&w.unit))
    {
        skipped.insert(w.at);
        let key = (w.at.0, &*w.unit);
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
        .filter(|w| w.cell.is_none() && found.refused.contains_key(&w.unit))
    {
        skipped.insert(w.at);
        let (input, layout) = (inputs.get(w.at.0 as usize)?, layouts.get(w.at.0 as usize)?);
        let id = std::str::from_utf8(&w.unit).ok()?;
        let message = unit_id_problem(layout.heads.get(layout.unit)?, id)?;
        let d = input.diag_in(layout.line(w.line), Some(layout.unit as u32), message);
        all.push((w.at, Some(layout.unit), true, Told::Said(d)));
    }
    let mut hinted = vec![0usize; inputs.len()];
    for ((file, unit), (at, line, rows)) in unknown {
        let (f, list) = (file as usize, units?);
        let layout = layouts.get(f)?;
        let hint = *hinted.get(f)? < crate::base::diag::MAX_PROBLEMS_PER_FILE;
        hinted[f] += usize::from(hint);
        let unit = std::str::from_utf8(unit).ok()?;
        let message = unknown_unit_problem(layout.heads.get(layout.unit)?, unit, list, hint, rows);
        let d = inputs
            .get(f)?
            .diag_in(layout.line(line), Some(layout.unit as u32), message);
        all.push((at, Some(layout.unit), false, Told::Said(d)));
    }
    // A value given again: located where it was given first.
    // (unit, slot, rater) → the file, line and column of its first value.
    type Place = (u32, u64, usize);
    let mut first: FastMap<(&[u8], u32, &[u8]), Place> = FastMap::default();
    let mut again: std::collections::HashSet<(RowAt, usize)> = std::collections::HashSet::new();
    for w in &watched {
        let Some((slot, col, rater)) = &w.cell else { continue };
        if !found.doubled.contains_key(&w.unit) {
            continue;
        }
        let here = (w.at.0, w.line, *col);
        let Some(&(f0, l0, c0)) = first.get(&(&*w.unit, *slot, &**rater)) else {
            first.insert((&w.unit, *slot, rater), here);
            continue;
        };
        again.insert((w.at, *col));
        let ind = plan.slots.get(*slot as usize)?.ind;
        let key = plan.fw.indicators[ind].slot_key(*slot as usize - plan.first[ind]);
        let (in0, layout0) = (inputs.get(f0 as usize)?, layouts.get(f0 as usize)?);
        let at_first = in0.location(layout0.line(l0), c0 as u32);
        let unit = std::str::from_utf8(&w.unit).ok()?;
        let message = duplicate_problem(unit, &key, std::str::from_utf8(rater).ok()?, &at_first);
        let (input, layout) = (inputs.get(w.at.0 as usize)?, layouts.get(w.at.0 as usize)?);
        let d = input.diag_in(layout.line(w.line), Some(*col as u32), message);
        all.push((w.at, Some(*col), true, Told::Said(d)));
    }
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
            };
            all.push((b.at, b.col, true, told));
        }
    }
    all.sort_by_key(|p| (p.0, p.1));
    // An unknown key's hint for a file's first problems only, as the
    // general loader gives it (a unit not in the units file not counted).
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
