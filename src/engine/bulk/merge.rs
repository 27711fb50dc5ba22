//! Merging the workers' tables: deferred items settled (cohorts, raters),
//! units scored and put in order, and a unit read in full again.

use super::*;

/// Items whose amount depends on more than the unit's own cells, once
/// every row is read:
/// - outside `applies_to`: the item is 不适用, and a value given for it a
///   problem of the run, returned as a [`Flaw::Outside`] of its unit (an
///   empty value with a note alone is shown, not a problem);
/// - `by_category`: the value scored by the rule for the unit's category;
/// - cohort rules (按排名赋分, 按比例, 与平均比较): the amounts decided over
///   every unit's value by [`crate::engine::cohort::resolve`], over the
///   scope (the units with a number for the item,
///   per category when the rule says so).
///
/// Each value cell becomes an amount cell like any other; the cohort facts
/// are kept per unit for the JSON result.
pub(super) fn settle<W: Word>(plan: &Plan, units: Option<&Units>, tables: &mut [Table<W>]) -> Res<(Facts, Outside)> {
    let fw = plan.fw;
    let items: Vec<usize> = (0..fw.indicators.len())
        .filter(|&i| {
            fw.indicators[i].applies_to.is_some()
                || matches!(plan.slots[plan.first[i]].kernel, kernel::Kernel::Deferred)
        })
        .collect();
    let mut facts = Facts::default();
    let mut outside = Vec::new();
    if items.is_empty() && tables.iter().all(|t| t.rated.is_empty()) {
        return Ok((facts, outside));
    }
    let category_of = |id: &[u8]| -> &str {
        let id = std::str::from_utf8(id).unwrap_or_default();
        units.and_then(|l| l.units.get(id)).map_or("", |i| i.category.as_str())
    };
    // Each rater's value on an item with parameters per category: its
    // amount for the unit's category, as every other rater's cell holds it.
    // (A value for a unit the item does not concern is left as it is, to
    // be given up on below.)
    for t in tables.iter_mut() {
        let (rated, deferred) = (&mut t.rated, &t.deferred);
        for (unit, slot, _, cell, _) in rated.iter_mut() {
            let s = &plan.slots[*slot as usize];
            let (ind, category) = (&fw.indicators[s.ind], category_of(unit));
            if matches!(s.kernel, kernel::Kernel::Deferred) && *cell >= VALUE && ind.applies(category) {
                let value = deferred.get((*cell - VALUE) as usize).ok_or(GiveUp)?;
                *cell = amount_cell(ind.amount_in(category, &[value]))?;
            }
        }
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
                    categories.push(category_of(id));
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
                return Err(GiveUp); // given twice: found and worded before (`problems`)
            }
            Ok(first)
        };
        // One item's cells and facts: the items are settled side by side.
        type Settled = (
            Vec<(usize, usize, usize, u32)>,
            Vec<(usize, usize, usize, crate::engine::cohort::Fact)>,
            Vec<(usize, usize, Flaw)>,
        );
        let item = |i: usize| -> Res<Settled> {
            let (mut writes, mut found, mut flawed) = (Vec::new(), Vec::new(), Vec::new());
            let (ind, first) = (&fw.indicators[i], plan.first[i]);
            let deferred = matches!(plan.slots[first].kernel, kernel::Kernel::Deferred);
            let cohort = ind.rule.as_ref().is_some_and(crate::model::rule::Rule::is_cohort);
            let mut values: Vec<Option<&crate::base::num::Exact>> = Vec::with_capacity(places.len());
            let mut at: Vec<Option<(usize, usize)>> = Vec::with_capacity(places.len());
            for (p, category) in places.iter().zip(&categories) {
                let (mut value, mut place) = (None, None);
                if !ind.applies(category) {
                    // 不适用, in place of any cell given. A value given is a
                    // problem, said at the first; an empty value keeps its
                    // row, whose note and source are shown.
                    let mut given = None;
                    for slot in first..first + ind.slots() {
                        let (t, u, cell) = match cell_of(p, slot)? {
                            Some((t, u, kernel::EMPTY)) => (t, u, kernel::OUTSIDE_ROW),
                            Some((t, u, _)) => {
                                given = given.or(Some((t, u, slot - first)));
                                (t, u, OUTSIDE)
                            }
                            None => (p[0].0, p[0].1, OUTSIDE),
                        };
                        writes.push((t, u, slot, cell));
                    }
                    if let Some((t, u, slot)) = given {
                        flawed.push((t, u, Flaw::Outside { ind: i, slot }));
                    }
                } else if deferred
                    && let Some((t, u, c)) = cell_of(p, first)?
                    && c >= VALUE
                {
                    let given = tables[t].deferred.get((c - VALUE) as usize).ok_or(GiveUp)?;
                    if cohort {
                        let Value::Number(x) = given else {
                            return Err(GiveUp);
                        };
                        (value, place) = (Some(x), Some((t, u)));
                    } else {
                        writes.push((t, u, first, amount_cell(ind.amount_in(category, &[given]))?));
                    }
                }
                values.push(value);
                at.push(place);
            }
            if cohort {
                let rule_of = |u: usize| ind.rule_for(categories[u]).expect("a cohort item has a rule");
                for (got, place) in crate::engine::cohort::resolve(&values, &categories, ind.points, rule_of)
                    .into_iter()
                    .zip(&at)
                {
                    if let (Some((amount, fact)), Some((t, u))) = (got, place) {
                        writes.push((*t, *u, first, amount_cell(Some(amount))?));
                        found.push((*t, *u, i, fact));
                    }
                }
            }
            Ok((writes, found, flawed))
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
            let (w, found, flawed) = one?;
            writes.extend(w);
            outside.extend(flawed.into_iter().map(|(t, u, f)| (tables[t].units[u].clone(), f)));
            for (t, u, i, fact) in found {
                let id = std::str::from_utf8(&tables[t].units[u]).map_err(|_| GiveUp)?;
                facts.entry(id.into()).or_default().push((i, fact));
            }
        }
        // Items scored by several raters: each unit's raters' amounts
        // aggregated (`Raters::aggregate`); empty
        // values do not count, 不适用 from every rater is 不适用.
        type Given<'t> = Vec<(&'t [u8], u32)>;
        // Hashed, not ordered: each (unit, item) is settled on its own, and
        // hundreds of thousands of them compared as byte strings in a tree
        // were a serial tenth of the run.
        let mut by_item: FastMap<(&[u8], u32), Given> = Default::default();
        for t in tables.iter() {
            for (unit, slot, rater, cell, _) in &t.rated {
                by_item.entry((&**unit, *slot)).or_default().push((&**rater, *cell));
            }
        }
        for ((unit, slot), mut given) in by_item {
            given.sort_by(|a, b| a.0.cmp(b.0));
            if given.windows(2).any(|w| w[0].0 == w[1].0) {
                return Err(GiveUp); // a rater twice: found and worded before (`problems`)
            }
            let ind = &fw.indicators[plan.slots[slot as usize].ind];
            let k = *index.get(unit).ok_or(GiveUp)?;
            if !ind.applies(categories[k]) {
                // 不适用 by the unit's category: a rater's value for it is
                // a problem, said at the first rater's row giving one.
                if given.iter().any(|&(_, c)| c != kernel::EMPTY) {
                    let ind = plan.slots[slot as usize].ind;
                    outside.push((unit.into(), Flaw::Outside { ind, slot: 0 }));
                }
                continue;
            }
            let gives: Vec<Outcome> = given.iter().map(|&(_, c)| rater_gives(c)).collect();
            let amounts: Vec<Decimal> = gives
                .iter()
                .filter_map(|g| match g {
                    Outcome::Amount(a) => Some(*a),
                    _ => None,
                })
                .collect();
            let exempt = gives.iter().filter(|g| **g == Outcome::Exempt).count();
            let raters = ind.raters.ok_or(GiveUp)?;
            let cell = match raters.outcome(given.len(), exempt, &amounts).0 {
                Outcome::Amount(amount) => amount_cell(Some(amount))?,
                Outcome::Exempt => NA,
                _ => kernel::EMPTY,
            };
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
    Ok((facts, outside))
}

/// The cell of an amount, or of a value without one (a survey without
/// votes), as [`kernel::Plan::encode`] writes them.
fn amount_cell(amount: Option<Decimal>) -> Res<u32> {
    match amount {
        // No amount: a survey without votes, missing evidence.
        None => Ok(kernel::VOICED),
        Some(a) => VALUE
            .checked_add(u32::try_from(cents(a)?).map_err(|_| GiveUp)?)
            .ok_or(GiveUp),
    }
}

/// What one rater's row gives, as its cell says: an amount, 不适用
/// (`Exempt`), or no value (`Missing`).
pub(super) fn rater_gives(cell: u32) -> Outcome {
    match cell {
        NA => Outcome::Exempt,
        c if c >= VALUE => Outcome::Amount(dec(u64::from(c - VALUE))),
        _ => Outcome::Missing,
    }
}

/// Values given for items outside their units' categories: each unit's
/// id with its [`Flaw::Outside`].
pub(super) type Outside = Vec<(Box<[u8]>, Flaw)>;

/// Per unit id, its cohort items' facts: (indicator index, fact).
pub(super) type Facts = HashMap<Box<str>, Vec<(usize, crate::engine::cohort::Fact)>>;

/// Something found from each unit's cells (and its result) while they are
/// merged: a second look at every unit's cells later would cost a second
/// gather.
/// It is given the worker's clause outcomes worked out so far.
pub(super) type Tally<'a, T> = &'a (dyn Fn(&[u32], &UnitResult, &mut Known) -> Res<T> + Sync);

/// [`merge`], each unit with what `tally` finds (the default without one).
/// A unit that does not score for a problem found while scoring has it
/// told back ([`problems::after_scoring`]).
pub(super) fn merge_tallied<W: Word, T: Send + Default>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &Files,
    parsed: &Parsed<W>,
    tally: Option<Tally<T>>,
) -> Res<Vec<Vec<(UnitResult, T)>>> {
    let merged = merge_with(plan, units, &parsed.tables, &parsed.order, paths.tuning.workers, tally);
    if merged.is_err() {
        // A unit given twice across the tables first: `gather` found it.
        let (tables, order) = (&parsed.tables, &parsed.order);
        if tell_twice(plan, units, paths, &parsed.layouts, tables, order) == Some(false) {
            problems::after_scoring(plan, units, paths, tables, order, Vec::new());
        }
    }
    merged
}

fn merge_with<W: Word, T: Send + Default>(
    plan: &Plan,
    units: Option<&Units>,
    tables: &[Table<W>],
    order: &Places,
    workers: usize,
    tally: Option<Tally<T>>,
) -> Res<Vec<Vec<(UnitResult, T)>>> {
    let order = order.named(units, tables)?;
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
                    let mut known = Known::default();
                    part.iter()
                        .enumerate()
                        .map(|(i, (id, l))| {
                            if let Some((_, next)) = part.get(i + AHEAD) {
                                fetch(next);
                            }
                            unit_result(plan, units, tables, id, l, tally, &mut known)
                        })
                        .collect()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(Err(GiveUp))).collect()
    });
    parts.into_iter().collect()
}

/// The items of several lists, each sorted by `less`, in one order, as
/// (list, index) pairs: the least first; of equal items, the one of the
/// earlier list. The lists are few (a worker's each), so the least head is
/// found by looking at every list's.
pub(super) fn merged(lens: &[usize], less: impl Fn((usize, usize), (usize, usize)) -> bool) -> Vec<(usize, usize)> {
    let mut next = vec![0; lens.len()];
    let mut out = Vec::with_capacity(lens.iter().sum());
    loop {
        let mut least: Option<usize> = None;
        for p in (0..lens.len()).filter(|&p| next[p] < lens[p]) {
            if least.is_none_or(|q| less((p, next[p]), (q, next[q]))) {
                least = Some(p);
            }
        }
        let Some(p) = least else { break };
        out.push((p, next[p]));
        next[p] += 1;
    }
    out
}

/// A unit's id and its places in the tables ([`Places`]).
pub(super) type Named<'t> = (&'t str, &'t [(u32, u32)]);

/// Units and their places in the workers' tables: each place a table and
/// a local index, each unit's places together (in table order), and the
/// units in an order, each with its range of places.
pub(super) struct Places {
    pub(super) locals: Vec<(u32, u32)>,
    pub(super) units: Vec<std::ops::Range<usize>>,
}

impl Places {
    /// Every unit the tables' rows name, in id order: the tables' own
    /// orders ([`Table::sorted`]) merged.
    pub(super) fn by_id<W: Word>(tables: &[Table<W>]) -> Places {
        let key = |(t, i): (usize, usize)| {
            let (prefix, u) = tables[t].sorted[i];
            (prefix, &*tables[t].units[u as usize], u)
        };
        let lens: Vec<usize> = tables.iter().map(|t| t.sorted.len()).collect();
        let all = merged(&lens, |a, b| {
            let ((pa, ia, _), (pb, ib, _)) = (key(a), key(b));
            by_id(pa, ia, pb, ib).is_lt()
        });
        let (mut locals, mut units): (Vec<(u32, u32)>, Vec<std::ops::Range<usize>>) =
            (Vec::with_capacity(all.len()), Vec::with_capacity(all.len()));
        // The same id from several tables comes together, in table order.
        let mut last: Option<(u128, &[u8])> = None;
        for (t, i) in all {
            let (prefix, id, u) = key((t, i));
            match (last, units.last_mut()) {
                (Some((p, other)), Some(r)) if by_id(p, other, prefix, id).is_eq() => r.end += 1,
                _ => units.push(locals.len()..locals.len() + 1),
            }
            locals.push((t as u32, u));
            last = Some((prefix, id));
        }
        Places { locals, units }
    }

    /// A unit's id, from its first place (the unit `k` of the order has
    /// one).
    pub(super) fn id<'t, W: Word>(&self, tables: &'t [Table<W>], k: usize) -> &'t [u8] {
        let (t, u) = self.locals[self.units[k].start];
        &tables[t as usize].units[u as usize]
    }

    /// The units of `list` in its order, each with its places among these
    /// (none for a unit no row names), and the places of each unit here
    /// not in `list`.
    pub(super) fn in_list<W: Word>(self, list: &Units, tables: &[Table<W>]) -> (Places, Vec<std::ops::Range<usize>>) {
        let mut found = vec![0..0; list.units.len()];
        let mut unknown = Vec::new();
        for (k, r) in self.units.iter().enumerate() {
            let i = std::str::from_utf8(self.id(tables, k))
                .ok()
                .and_then(|id| list.units.get_index_of(id));
            match i {
                Some(i) => found[i] = r.clone(),
                None => unknown.push(r.clone()),
            }
        }
        let places = Places {
            locals: self.locals,
            units: found,
        };
        (places, unknown)
    }

    /// Place each unit without one (a unit of the units file no row
    /// names) in the first table, without cells: its id, for each.
    pub(super) fn place_silent<W: Word>(&mut self, list: &Units, tables: &mut [Table<W>]) -> Res<Vec<String>> {
        let mut silent = Vec::new();
        for (r, id) in self.units.iter_mut().zip(list.units.keys()) {
            if r.start == r.end {
                let u = tables.first_mut().ok_or(GiveUp)?.add_silent(id.as_bytes());
                self.locals.push((0, u));
                *r = self.locals.len() - 1..self.locals.len();
                silent.push(id.clone());
            }
        }
        Ok(silent)
    }

    /// The units in order, each id with its places: the ids of `list` when
    /// these are in its order ([`Places::in_list`]).
    pub(super) fn named<'t, W: Word>(&'t self, list: Option<&'t Units>, tables: &'t [Table<W>]) -> Res<Vec<Named<'t>>> {
        let places = self.units.iter().map(|r| &self.locals[r.clone()]);
        match list {
            Some(list) => {
                if list.units.len() != self.units.len() {
                    return Err(GiveUp);
                }
                Ok(list.units.keys().map(String::as_str).zip(places).collect())
            }
            None => (0..self.units.len())
                .zip(places)
                .map(|(k, p)| Ok((std::str::from_utf8(self.id(tables, k)).map_err(|_| GiveUp)?, p)))
                .collect(),
        }
    }
}

/// A unit's cells from its places in the tables (`locals`) into `row`
/// (all [`UNSEEN`]), with the first name its rows give.
pub(super) fn gather<'t, W: Word>(
    tables: &'t [Table<W>],
    locals: &[(u32, u32)],
    row: &mut [u32],
) -> Res<Option<&'t (RowAt, Box<str>)>> {
    let mut name: Option<&(RowAt, Box<str>)> = None;
    for &(t, u) in locals {
        let (table, u) = (&tables[t as usize], u as usize);
        // Without a branch per cell: an unseen cell is 0, so a cell given
        // in one place only is the bitwise or of the places'.
        const _: () = assert!(UNSEEN == 0);
        let mut twice = false;
        for (dst, &c) in row.iter_mut().zip(table.cells(u)) {
            let c = c.get();
            twice |= (*dst != UNSEEN) & (c != UNSEEN);
            *dst |= c;
        }
        if twice {
            // Given twice across blocks: found again and worded when the
            // merge fails (`tell_twice`).
            return Err(GiveUp);
        }
        if let Some(n) = &table.names[u]
            && name.is_none_or(|m| n.0 < m.0)
        {
            name = Some(n);
        }
    }
    Ok(name)
}

/// One unit's result from its cells in the workers' tables, with what
/// `tally` finds from them.
pub(super) fn unit_result<W: Word, T: Default>(
    plan: &Plan,
    units: Option<&Units>,
    tables: &[Table<W>],
    id: &str,
    locals: &[(u32, u32)],
    tally: Option<Tally<T>>,
    known: &mut Known,
) -> Res<(UnitResult, T)> {
    let mut row = [UNSEEN; 256];
    let mut heap;
    let row: &mut [u32] = if plan.slots.len() <= row.len() {
        &mut row[..plan.slots.len()]
    } else {
        heap = vec![UNSEEN; plan.slots.len()];
        &mut heap
    };
    let name = gather(tables, locals, row)?;
    let info = units.and_then(|u| u.units.get(id));
    let scored = score_unit(plan, row, info.map_or("", |i| i.category.as_str()), known)?;
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
        grade: crate::engine::score::grade_of(plan.fw, &scored.totals),
        grade_change: None,
        totals: scored.totals,
        groups: scored.groups,
        indicators: Vec::new(),
        deficiencies: Vec::new(),
        self_assessed: None,
    };
    let found = match tally {
        Some(t) => t(row, &result, known)?,
        None => T::default(),
    };
    Ok((result, found))
}

/// The unit being explained, in full: its outcomes from its merged cells
/// (`cells`), as every unit's are, and from its rows kept whole what it
/// shows — values, notes, sources and lines (and columns, in a worksheet
/// laid out as `layouts` says), each rater's amount — with
/// its cohort facts from `facts`.
pub(super) fn detailed(
    plan: &Plan,
    layouts: &[Arc<Layout>],
    u: &mut UnitResult,
    cells: &[u32],
    mut rows: Vec<Captured>,
    facts: &mut Facts,
) -> Res<()> {
    let fw = plan.fw;
    rows.sort_by_key(|r| r.at);
    let mut ue = UnitEvidence::empty(fw);
    for r in rows {
        let index = plan.slots[r.slot as usize].ind;
        let slot = r.slot as usize - plan.first[index];
        let layout = layouts.get(r.file as usize).ok_or(GiveUp)?;
        let value = fw.indicators[index].parse_value(&r.raw).map_err(|_| GiveUp)?;
        let cell = Cell {
            value,
            raw: r.raw,
            note: r.note,
            source: r.source,
            file: r.file as usize,
            line: layout.line(r.line),
            col: layout.origin_col(r.slot as usize)?,
        };
        if r.rater.is_empty() {
            *ue.cell_mut(index, slot) = Some(cell);
        } else {
            ue.push_rater(index, r.rater, cell);
        }
    }
    let outcomes = (0..fw.indicators.len())
        .map(|i| {
            let c = cells
                .get(plan.first[i]..plan.first[i] + fw.indicators[i].slots())
                .ok_or(GiveUp)?;
            Ok(outcome(plan, i, c, &u.category)?.map(dec))
        })
        .collect::<Res<Vec<Outcome>>>()?;
    let rated = fw
        .indicators
        .iter()
        .enumerate()
        .filter_map(|(i, ind)| {
            Some((
                i,
                crate::engine::score::by_raters(ind, ind.raters?, &u.category, ue.raters(i)).1,
            ))
        })
        .collect();
    let mut facts = facts.remove(u.unit.as_str()).unwrap_or_default();
    let mut cohort = |index: usize| {
        let k = facts.iter().position(|(i, _)| *i == index)?;
        Some(Box::new(facts.swap_remove(k).1))
    };
    u.indicators = crate::engine::score::indicator_results(fw, &mut ue, &outcomes, &u.totals, rated, &mut cohort);
    u.deficiencies = crate::engine::score::deficiencies(fw, &outcomes);
    Ok(())
}
