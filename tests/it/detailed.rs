//! The detailed reader, for the tests: a reader of evidence apart from the engine's:
//! each file read whole into rows ([`kaohe::reading::read::read`]), each
//! row into cells keeping its text, note and place, every problem found.
//! The engine's reading of the same files (its cells, amounts and
//! problems) is compared with it.

#![allow(dead_code)]

use kaohe::base::diag::{Diagnostic, Diagnostics};
use kaohe::model::framework::Framework;
use kaohe::model::rule::Value;
use kaohe::reading::evidence::{
    Cell, InputFile, UnitEvidence, duplicate_problem, key_problem, rater_problem, resolve, same_file_problem,
    too_few_fields, too_many_fields, unit_id_problem, unknown_unit_problem, unread_format_fraction, value_problem,
};
use kaohe::reading::heading::Shape;
use kaohe::reading::input::{ReadOptions, Row, Sheet};
use kaohe::reading::units::Units;
use std::collections::{BTreeMap, HashMap};

/// Evidence from all files, by unit id.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub files: Vec<InputFile>,
    pub units: BTreeMap<String, UnitEvidence>,
}

impl Evidence {
    /// Number of non-empty cells.
    pub fn values(&self) -> usize {
        self.units
            .values()
            .flat_map(UnitEvidence::given)
            .filter(|c| c.value.is_some())
            .count()
    }
}

/// Accumulates evidence and problems across files.
/// Unit, indicator, slot and rater (0, the empty name, without `raters`),
/// the unit by its number in [`Loader::unit_at`] and the rater by its
/// number in [`Loader::names`].
type SeenKey = (u32, u32, u32, u32);

/// Where a value was first given: file, line, cell.
type SeenAt = (u32, u64, u32);

/// How a file's rows are read, from its header ([`Loader::layout`]).
enum Layout {
    Long(Long),
    Wide(Wide),
}

/// A long file's columns: one value a row.
struct Long {
    /// How many cells the header has.
    width: usize,
    unit_c: usize,
    ind_c: usize,
    val_c: usize,
    name_c: Option<usize>,
    note_c: Option<usize>,
    src_c: Option<usize>,
    rater_c: Option<usize>,
    /// The indicator and value columns' headers as the file writes them.
    ind_header: String,
    val_header: String,
}

/// A wide file's columns: a unit a row, an indicator (or clause) a column.
struct Wide {
    unit_c: usize,
    name_c: Option<usize>,
    /// Each column's indicator and slot (`None` for the unit's own).
    keys: Vec<Option<(usize, usize)>>,
    /// Each column's header, trimmed.
    headers: Vec<String>,
}

struct Loader<'a> {
    fw: &'a Framework,
    units: Option<&'a Units>,
    ev: Evidence,
    errs: Diagnostics,
    /// Each file's sheet without its rows, to name locations.
    places: Vec<Sheet>,
    /// Unknown units already reported, per (file, unit): line, cell and row count.
    unknown_units: BTreeMap<(usize, String), (u64, usize, usize)>,
    /// Each unit's evidence so far, by its number: created with the first
    /// value kept for it (or a row naming it), so a unit given only values
    /// that are not kept has none.
    store: Vec<(String, Option<UnitEvidence>)>,
    /// The number of each unit id checked and found good, in `store`.
    unit_at: HashMap<String, u32>,
    /// Where each (unit, indicator, slot, rater) was first given — file,
    /// line, cell — when that value is not in the store: a rater's value,
    /// or one refused or left out. A value kept in its slot says where it
    /// was given itself, so a province's file of millions of values costs
    /// nothing here.
    seen: HashMap<SeenKey, SeenAt>,
    /// The number of each rater name met, for [`SeenKey`]s.
    names: HashMap<String, u32>,
    /// Problems found so far, per file.
    problems: Vec<usize>,
    /// The unit column's header as each file writes it (`单位编号`), for
    /// messages.
    unit_header: HashMap<usize, String>,
}

/// Load evidence files (CSV or spreadsheets) against a framework and
/// optional units file.
pub fn load(paths: &[std::path::PathBuf], fw: &Framework, units: Option<&Units>) -> Result<Evidence, Diagnostics> {
    load_with(paths, &ReadOptions::default(), fw, units)
}

/// [`load`] with `--encoding`/`--sheet` options.
pub fn load_with(
    paths: &[std::path::PathBuf],
    opts: &ReadOptions,
    fw: &Framework,
    units: Option<&Units>,
) -> Result<Evidence, Diagnostics> {
    let mut errs = Diagnostics::new();
    let mut l = Loader::new(fw, units);
    let mut given: Vec<(kaohe::base::file::FileId, &std::path::Path)> = Vec::new();
    for p in paths {
        // The same file twice would report each of its rows as a duplicate
        // of itself; say what happened instead.
        if let Some(real) = kaohe::base::file::identity(p) {
            if let Some((_, first)) = given.iter().find(|(r, _)| *r == real) {
                errs.push(same_file_problem(p, first));
                continue;
            }
            given.push((real, p));
        }
        match kaohe::reading::read::read(p, opts) {
            Ok(mut sheet) => {
                let file = l.file(&sheet);
                l.sheet(file, &mut sheet);
            }
            Err(d) => errs.push(d),
        }
    }
    match l.finish() {
        Ok(ev) if errs.is_empty() => Ok(ev),
        Ok(_) => Err(errs),
        Err(more) => {
            errs.extend(more);
            Err(errs)
        }
    }
}

/// `s` without the spaces around it, in its own room when it has none.
fn trimmed(s: String) -> String {
    match s.trim() {
        t if t.len() == s.len() => s,
        t => t.to_string(),
    }
}

impl<'a> Loader<'a> {
    fn new(fw: &'a Framework, units: Option<&'a Units>) -> Self {
        Loader {
            fw,
            units,
            ev: Evidence {
                files: Vec::new(),
                units: BTreeMap::new(),
            },
            errs: Diagnostics::new(),
            places: Vec::new(),
            unknown_units: BTreeMap::new(),
            store: Vec::new(),
            unit_at: HashMap::default(),
            seen: HashMap::default(),
            names: HashMap::from_iter([(String::new(), 0)]),
            problems: Vec::new(),
            unit_header: HashMap::new(),
        }
    }

    /// A file about to be read (`sheet`'s rows are not looked at): its number.
    fn file(&mut self, sheet: &Sheet) -> usize {
        self.ev.files.push(InputFile {
            path: sheet.path.clone(),
            sha256: sheet.sha256.clone(),
            worksheet: sheet.worksheet.clone(),
            first_col: sheet.first_col,
        });
        self.places.push(Sheet {
            path: sheet.path.clone(),
            sha256: String::new(),
            encoding: sheet.encoding,
            rows: Vec::new(),
            worksheet: sheet.worksheet.clone(),
            first_col: sheet.first_col,
            fractions_unknown: sheet.fractions_unknown,
        });
        self.ev.files.len() - 1
    }

    /// The evidence of every file read, or every problem found in them.
    fn finish(mut self) -> Result<Evidence, Diagnostics> {
        let l = &mut self;
        // In line order, so that the problems listed (the first of each file)
        // are the ones given a "did you mean": against a units file of tens of
        // thousands, a hint for every unknown unit took minutes.
        let mut unknown: Vec<_> = std::mem::take(&mut l.unknown_units).into_iter().collect();
        unknown.sort_by_key(|((file, _), (line, _, _))| (*file, *line));
        let mut hinted = vec![0usize; l.ev.files.len()];
        for ((file, unit), (line, col, rows)) in unknown {
            let u = l.units.expect("only with a units file");
            let header = l.unit_header.get(&file).map_or("unit", String::as_str);
            let hint = hinted[file] < kaohe::base::diag::MAX_PROBLEMS_PER_FILE;
            hinted[file] += usize::from(hint);
            let message = unknown_unit_problem(header, &unit, u, hint, rows);
            l.errs.push(l.places[file].diag(line, Some(col), message));
        }
        let places = &self.places;
        self.errs
            .0
            .sort_by_key(|a| (sheet_order(places, &a.file), a.line, a.column));
        let Loader {
            mut ev, errs, store, ..
        } = self;
        ev.units = store.into_iter().filter_map(|(id, e)| Some((id, e?))).collect();
        errs.into_result(ev)
    }
}

fn sheet_order(sheets: &[Sheet], path: &str) -> usize {
    sheets.iter().position(|s| s.path == path).unwrap_or(usize::MAX)
}

impl Loader<'_> {
    /// Are this file's problems still listed in full? Past the number shown
    /// (a wrong framework, a 100,000-column header) they are only counted,
    /// so the costly "did you mean" is skipped.
    fn listing(&self, file: usize) -> bool {
        self.problems.get(file).copied().unwrap_or(0) < kaohe::base::diag::MAX_PROBLEMS_PER_FILE
    }

    fn err(&mut self, file: usize, line: u64, msg: impl Into<String>) {
        self.count(file);
        self.errs.push(self.places[file].diag(line, None, msg));
    }

    /// A problem in one cell (`col` indexes the row's cells).
    fn cell_err(&mut self, file: usize, line: u64, col: usize, msg: impl Into<String>) {
        self.count(file);
        self.errs.push(self.places[file].diag(line, Some(col), msg));
    }

    fn count(&mut self, file: usize) {
        if self.problems.len() <= file {
            self.problems.resize(file + 1, 0);
        }
        self.problems[file] += 1;
    }

    /// Read `sheet`'s rows, letting go of each row once read (a province's
    /// file holds millions of values, and the evidence keeps its own copy).
    fn sheet(&mut self, file: usize, sheet: &mut Sheet) {
        if let Some(layout) = self.layout(file, sheet) {
            for rows in sheet.rows[1..].chunks_mut(4096) {
                self.rows(file, &layout, rows);
                rows.fill_with(Row::default);
            }
        }
    }

    /// Rows below the header, read as `layout` says (the values, notes and
    /// sources kept are taken out of them).
    fn rows(&mut self, file: usize, layout: &Layout, body: &mut [Row]) {
        match layout {
            Layout::Long(long) => self.long(file, long, body),
            Layout::Wide(wide) => self.wide(file, wide, body),
        }
    }

    /// How the rows of `sheet` (its header and, for the check that it has
    /// some, its first rows) are read; `None`, with the problems, when
    /// they cannot be.
    fn layout(&mut self, file: usize, sheet: &Sheet) -> Option<Layout> {
        let Some(header) = sheet.rows.first() else {
            self.errs.push(Diagnostic::file(
                &sheet.path,
                kaohe::base::lang::m(
                    "佐证文件为空（应有表头行）",
                    "the evidence file is empty (expected a header row)",
                ),
            ));
            return None;
        };
        if sheet.rows.len() == 1 {
            // Most likely a truncated or wrong export: scoring nothing from
            // it would pass silently for a ranking.
            self.err(
                file,
                header.line,
                kaohe::base::lang::m(
                    "佐证文件只有表头，没有数据行",
                    "the evidence file has a header but no rows",
                ),
            );
        }
        let h = match kaohe::reading::heading::heading(self.fw, &header.cells) {
            Ok(h) => h,
            Err(problems) => {
                for (col, m) in problems {
                    match col {
                        Some(c) => self.cell_err(file, header.line, c, m),
                        None => self.err(file, header.line, m),
                    }
                }
                return None;
            }
        };
        self.unit_header.insert(file, h.heads[h.unit].clone());
        Some(match h.shape {
            Shape::Long {
                indicator,
                value,
                note,
                source,
                rater,
                ignored,
            } => {
                if !ignored.is_empty() {
                    kaohe::base::diag::warn(&Diagnostics(vec![self.places[file].diag(
                        header.line,
                        None,
                        kaohe::reading::heading::ignored_columns(&ignored),
                    )]));
                }
                Layout::Long(Long {
                    width: h.heads.len(),
                    unit_c: h.unit,
                    ind_c: indicator,
                    val_c: value,
                    name_c: h.name,
                    note_c: note,
                    src_c: source,
                    rater_c: rater,
                    ind_header: h.heads[indicator].clone(),
                    val_header: h.heads[value].clone(),
                })
            }
            Shape::Wide { keys } => Layout::Wide(Wide {
                unit_c: h.unit,
                name_c: h.name,
                keys,
                headers: h.heads,
            }),
        })
    }

    fn long(&mut self, file: usize, layout: &Long, body: &mut [Row]) {
        let &Long {
            width,
            unit_c,
            ind_c,
            val_c,
            name_c,
            note_c,
            src_c,
            rater_c,
            ..
        } = layout;
        for row in body {
            if !self.shape_ok(file, width, row) {
                continue;
            }
            // The value, note and source become the cell's own, moved out
            // of the row rather than copied.
            let mut own = |c: Option<usize>| {
                c.and_then(|c| row.cells.get_mut(c))
                    .map_or_else(String::new, |s| trimmed(std::mem::take(s)))
            };
            let (value, note, source) = (own(Some(val_c)), own(note_c), own(src_c));
            let get = |c: Option<usize>| c.and_then(|c| row.cells.get(c)).map(|s| s.trim()).unwrap_or("");
            // A row of a filled-in template that nobody filled: no unit and
            // nothing given, only the indicator's own columns.
            if get(Some(unit_c)).is_empty() && value.is_empty() && note.is_empty() && source.is_empty() {
                continue;
            }
            let unit = get(Some(unit_c));
            let Some(u) = self.unit(file, row.line, unit_c, unit) else {
                continue;
            };
            let key = get(Some(ind_c));
            let (index, slot) = match resolve(self.fw, key, self.listing(file)) {
                Ok(k) => k,
                Err(m) => {
                    self.cell_err(file, row.line, ind_c, key_problem(&layout.ind_header, unit, &m));
                    continue;
                }
            };
            let name = get(name_c);
            let rater = get(rater_c);
            let ind = &self.fw.indicators[index];
            if ind.raters.is_some() == rater.is_empty() {
                let m = rater_problem(unit, &ind.slot_key(slot), rater);
                match rater_c.filter(|_| !rater.is_empty()) {
                    Some(c) => self.cell_err(file, row.line, c, m),
                    None => self.err(file, row.line, m),
                }
                continue;
            }
            self.put(
                file,
                row.line,
                (u, unit),
                name,
                index,
                slot,
                (&layout.val_header, val_c),
                value,
                note,
                source,
                rater,
            );
        }
    }

    fn wide(&mut self, file: usize, layout: &Wide, body: &mut [Row]) {
        let Wide {
            unit_c,
            name_c,
            keys,
            headers,
        } = layout;
        let (unit_c, name_c) = (*unit_c, *name_c);
        for row in body {
            if !self.shape_ok(file, headers.len(), row) {
                continue;
            }
            let get = |c: usize| row.cells.get(c).map(|s| s.trim()).unwrap_or("");
            let Some(u) = self.unit(file, row.line, unit_c, get(unit_c)) else {
                continue;
            };
            let (unit, name) = (get(unit_c).to_string(), name_c.map(get).unwrap_or("").to_string());
            let mut given = false;
            for (i, key) in keys.iter().enumerate() {
                let Some((index, slot)) = *key else { continue };
                // The cell's text becomes the value's as it stands, unless
                // it has to be trimmed.
                let raw = trimmed(std::mem::take(&mut row.cells[i]));
                if raw.is_empty() {
                    continue;
                }
                given = true;
                self.put(
                    file,
                    row.line,
                    (u, &unit),
                    &name,
                    index,
                    slot,
                    (&headers[i], i),
                    raw,
                    String::new(),
                    String::new(),
                    "",
                );
            }
            if !given {
                // A unit row with no values still names the unit.
                let fw = self.fw;
                self.store[u as usize].1.get_or_insert_with(|| UnitEvidence::empty(fw));
            }
        }
    }

    /// Rows must have as many cells as the header (extra empty cells are fine).
    fn shape_ok(&mut self, file: usize, width: usize, row: &kaohe::reading::input::Row) -> bool {
        let n = row.cells.len();
        let used = row
            .cells
            .iter()
            .rposition(|c| !c.trim().is_empty())
            .map_or(0, |p| p + 1);
        if used > width {
            let past = row.cells[used - 1].trim();
            self.cell_err(file, row.line, used - 1, too_many_fields(used, width, past));
            false
        } else if n < width {
            self.err(file, row.line, too_few_fields(n, width));
            false
        } else {
            true
        }
    }

    /// Check a unit id (in cell `col`): its number in the store; `None`
    /// (and an error) when it is empty, a column heading or unknown.
    fn unit(&mut self, file: usize, line: u64, col: usize, id: &str) -> Option<u32> {
        if let Some(&u) = self.unit_at.get(id) {
            return Some(u);
        }
        let header = self.unit_header.get(&file).map_or("unit", String::as_str);
        if let Some(msg) = unit_id_problem(header, id) {
            self.cell_err(file, line, col, msg);
            return None;
        }
        if let Some(u) = self.units
            && !u.units.contains_key(id)
        {
            self.unknown_units
                .entry((file, id.to_string()))
                .and_modify(|e| e.2 += 1)
                .or_insert((line, col, 1));
            return None;
        }
        let u = self.store.len() as u32;
        self.store.push((id.to_string(), None));
        self.unit_at.insert(id.to_string(), u);
        Some(u)
    }

    /// Remember where a value without a rater was given that is not kept
    /// in its slot (a rater's value is remembered when first met).
    fn left_out(&mut self, key: SeenKey, at: SeenAt) {
        if key.3 == 0 {
            self.seen.insert(key, at);
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn put(
        &mut self,
        file: usize,
        line: u64,
        (u, unit): (u32, &str),
        name: &str,
        index: usize,
        slot: usize,
        (col, col_ix): (&str, usize),
        raw_text: String,
        note: String,
        source: String,
        rater: &str,
    ) {
        let raw = raw_text.as_str();
        let ind = &self.fw.indicators[index];
        // Named only in messages.
        let key = || ind.slot_key(slot);
        let mut number = |name: &str| {
            let next = self.names.len() as u32;
            match self.names.get(name) {
                Some(&n) => n,
                None => *self.names.entry(name.to_string()).or_insert(next),
            }
        };
        // The empty rater is number 0.
        let rater_number = if rater.is_empty() { 0 } else { number(rater) };
        let seen_key = (u, index as u32, slot as u32, rater_number);
        let here = (file as u32, line, col_ix as u32);
        // A value kept in its slot (only values without a rater are) says
        // where it was given; any other is remembered in `seen`.
        let kept = rater
            .is_empty()
            .then(|| self.store[u as usize].1.as_ref()?.cells(index)[slot].as_ref())
            .flatten()
            .map(|c| (c.file as u32, c.line, c.col));
        let first_at = match kept {
            Some(at) => Some(at),
            None if rater.is_empty() => self.seen.get(&seen_key).copied(),
            None => match self.seen.entry(seen_key) {
                std::collections::hash_map::Entry::Occupied(o) => Some(*o.get()),
                std::collections::hash_map::Entry::Vacant(v) => {
                    v.insert(here);
                    None
                }
            },
        };
        if let Some((f0, l0, c0)) = first_at {
            let key = key();
            let first = self.places[f0 as usize].location(l0, Some(c0 as usize));
            self.cell_err(file, line, col_ix, duplicate_problem(unit, &key, rater, &first));
            return;
        }
        // A fraction for a rate is looked for by the rule the unit is
        // scored by (`by_category`).
        let category = self.units.and_then(|l| l.units.get(unit)).map(|i| i.category.as_str());
        if self.places[file].fractions_unknown
            && let Some(rule) = category.and_then(|c| ind.rule_for(c)).or(ind.rule.as_ref())
            && let Ok(v) = kaohe::base::num::parse_exact(raw)
            && ind.is_fraction_suspect(rule, raw, &v)
        {
            // 95% arrives as 0.95, and this file's cell formats could not be
            // read to say it was a percentage: scoring it as 0.95 would be
            // silently wrong.
            let key = key();
            self.left_out(seen_key, here);
            self.cell_err(
                file,
                line,
                col_ix,
                value_problem(col, unit, &key, &unread_format_fraction(raw)),
            );
            return;
        }
        let value = match ind.parse_value_in(category, raw) {
            Ok(v) => v,
            Err(m) => {
                let key = key();
                self.left_out(seen_key, here);
                self.cell_err(file, line, col_ix, value_problem(col, unit, &key, &m));
                return;
            }
        };
        if ind.kind.is_trigger() && matches!(value, Some(Value::NotApplicable)) {
            self.left_out(seen_key, here);
            return;
        }
        let fw = self.fw;
        let entry = self.store[u as usize].1.get_or_insert_with(|| UnitEvidence::empty(fw));
        if entry.name.is_none() && !name.is_empty() {
            entry.name = Some(name.to_string());
        }
        let col = if self.places[file].worksheet.is_some() {
            col_ix as u32
        } else {
            0
        };
        let cell = Cell {
            value,
            raw: raw_text,
            note,
            source,
            file,
            line,
            col,
        };
        if rater.is_empty() {
            *entry.cell_mut(index, slot) = Some(cell);
        } else {
            entry.push_rater(index, rater.to_string(), cell);
        }
    }
}
