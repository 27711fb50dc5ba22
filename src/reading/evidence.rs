//! Evidence (佐证/自评数据): per-unit values for each indicator.
//!
//! Evidence comes in two shapes, told apart by the header (README, "Evidence files"):
//! *long* — one row per (unit, indicator) with `value`, `note`, `source` —
//! and *wide* — one row per unit, one column per indicator id. Clause items
//! are addressed as `ID/CLAUSE`. Several files are read as one. Every cell is
//! parsed against its indicator's rule here, so every bad value in every
//! file is reported in one run, each with file, line and column (or, in a
//! spreadsheet, its cell: `e.xlsx!佐证!C12`).

use crate::base::diag::{Diagnostic, Diagnostics, hint};
use crate::model::framework::Framework;
use crate::model::rule::{Rule, Value};
use crate::reading::input::UNIT_ALIASES;
use crate::reading::input::{ReadOptions, Row, Sheet, header_key};
use crate::reading::units::{NAME_ALIASES, Units};
use foldhash::fast::FixedState;
use std::collections::{BTreeMap, HashMap};

pub use crate::model::InputFile;

/// One evidence cell after parsing.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// `None` when the cell was empty (missing evidence).
    pub value: Option<Value>,
    /// The text as given, trimmed.
    pub raw: String,
    pub note: String,
    pub source: String,
    /// Index into [`Evidence::files`].
    pub file: usize,
    pub line: u64,
    /// Index of the value's cell in its row (spreadsheets only; 0 for CSV,
    /// whose problems are located by line).
    pub col: u32,
}

/// All evidence for one unit: each indicator's slots ([`Self::cells`]).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitEvidence {
    /// Name given in the evidence (a `name`/单位名称 column), if any.
    pub name: Option<String>,
    /// Every slot of every indicator in framework order, in one list: one
    /// allocation per unit, given back whole when the unit is scored.
    slots: Vec<Option<Cell>>,
    /// Where each indicator's slots start in `slots`, and the end.
    starts: Box<[u32]>,
    /// Per indicator, each rater's cell in the order given; empty (no list
    /// per indicator) when the framework has no item with `raters`.
    raters: Vec<Vec<(String, Cell)>>,
}

impl UnitEvidence {
    pub fn empty(fw: &Framework) -> Self {
        let rated = fw.indicators.iter().any(|i| i.raters.is_some());
        let mut starts = Vec::with_capacity(fw.indicators.len() + 1);
        let mut n = 0u32;
        starts.push(n);
        for i in &fw.indicators {
            n += i.slots() as u32;
            starts.push(n);
        }
        UnitEvidence {
            name: None,
            slots: vec![None; n as usize],
            starts: starts.into(),
            raters: if rated {
                vec![Vec::new(); fw.indicators.len()]
            } else {
                Vec::new()
            },
        }
    }

    /// The slots of indicator `index` (one, or one per clause).
    pub fn cells(&self, index: usize) -> &[Option<Cell>] {
        &self.slots[self.starts[index] as usize..self.starts[index + 1] as usize]
    }

    /// The slots of indicator `index`, to change.
    pub fn cells_mut(&mut self, index: usize) -> &mut [Option<Cell>] {
        &mut self.slots[self.starts[index] as usize..self.starts[index + 1] as usize]
    }

    /// The cell of indicator `index`'s slot `slot`.
    pub fn cell_mut(&mut self, index: usize, slot: usize) -> &mut Option<Cell> {
        &mut self.slots[self.starts[index] as usize + slot]
    }

    /// Every cell given, raters' cells included.
    pub fn given(&self) -> impl Iterator<Item = &Cell> {
        self.slots.iter().flatten().chain(self.rater_cells())
    }

    /// Each rater's cell for indicator `index`, in the order given.
    pub fn raters(&self, index: usize) -> &[(String, Cell)] {
        self.raters.get(index).map_or(&[], Vec::as_slice)
    }

    /// Add rater `rater`'s cell for indicator `index`, after those given
    /// before it.
    pub fn push_rater(&mut self, index: usize, rater: String, cell: Cell) {
        self.raters[index].push((rater, cell));
    }

    /// Every rater's cell of every indicator.
    pub fn rater_cells(&self) -> impl Iterator<Item = &Cell> {
        self.raters.iter().flatten().map(|(_, c)| c)
    }
}

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

/// The columns a long file may have, as written in English.
const KNOWN_LONG: [&str; 7] = ["unit", "name", "indicator", "value", "note", "source", "rater"];

/// Is a column of a long file headed `h` (trimmed), which is none of the
/// evidence columns, left aside with a notice? A column of the office's
/// own (联系人, 填报时间) is; one that looks like a misspelt known column
/// is an error, since its values would be lost, and so is one without a
/// header.
pub(crate) fn ignorable(h: &str) -> bool {
    !h.is_empty()
        && crate::base::diag::did_you_mean(
            h,
            KNOWN_LONG
                .iter()
                .copied()
                .chain(crate::reading::input::KNOWN_HEADERS.iter().copied()),
        )
        .is_none()
}

/// How many of a header's cells are columns: empty cells closing it are
/// none. Excel saves its used range, wider than the table once a cell to
/// its right was touched; a row that gives a value there has more fields
/// than the header, and is named.
pub(crate) fn columns(header: &[String]) -> usize {
    header.iter().rposition(|c| !c.trim().is_empty()).map_or(0, |p| p + 1)
}

/// The notice for the columns `ignored` of a long file, left aside.
pub(crate) fn ignored_columns(ignored: &[&str]) -> String {
    let list = ignored
        .iter()
        .map(|h| format!("“{h}”"))
        .collect::<Vec<_>>()
        .join(crate::base::lang::m("、", ", "));
    crate::base::lang::msg!(
        zh: "未使用的列 {list}：不是佐证列，已忽略",
        en: "column(s) {list} not used: not evidence columns, ignored"
    )
}

/// The role of an evidence column, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    Unit,
    Name,
    Indicator,
    IndicatorName,
    Standard,
    Value,
    Note,
    Source,
    /// 评分人: one row per rater on an indicator with `raters`.
    Rater,
    Ignored,
}

impl Column {
    pub(crate) fn of(header: &str) -> Option<Column> {
        let k = header_key(header);
        let k = k.as_str();
        Some(if UNIT_ALIASES.contains(&k) {
            Column::Unit
        } else if NAME_ALIASES.contains(&k) {
            Column::Name
        } else if ["indicator", "indicator_id", "指标", "指标编号", "指标代码", "指标id"].contains(&k) {
            Column::Indicator
        } else if ["indicator_name", "指标名称", "考核内容"].contains(&k) {
            Column::IndicatorName
        } else if ["standard", "评分标准"].contains(&k) {
            Column::Standard
        } else if ["value", "值", "完成情况", "数值"].contains(&k) {
            Column::Value
        } else if ["note", "备注", "说明"].contains(&k) {
            Column::Note
        } else if ["source", "佐证材料", "来源"].contains(&k) {
            Column::Source
        } else if ["rater", "评分人", "考核人", "评委"].contains(&k) {
            Column::Rater
        } else if ["no", "序号", "#"].contains(&k) {
            Column::Ignored
        } else {
            return None;
        })
    }

    fn name(self) -> &'static str {
        match self {
            Column::Unit => "unit",
            Column::Name => "name",
            Column::Indicator => "indicator",
            Column::IndicatorName => "indicator_name",
            Column::Standard => "standard",
            Column::Value => "value",
            Column::Note => "note",
            Column::Source => "source",
            Column::Rater => "rater",
            Column::Ignored => "no",
        }
    }
}

/// Resolve an evidence key (`A1` or `B2/a`) to (indicator, slot).
pub fn resolve_key(fw: &Framework, key: &str) -> Result<(usize, usize), String> {
    resolve(fw, key, true)
}

/// [`resolve_key`], with the "did you mean" hint only when `hinted`.
pub fn resolve(fw: &Framework, key: &str, hinted: bool) -> Result<(usize, usize), String> {
    let key = key.trim();
    if let Some(c) = crate::base::diag::first_invisible(key) {
        return Err(crate::base::diag::invisible_in_id(
            "指标编号",
            "the indicator id",
            key,
            c,
        ));
    }
    let (id, clause) = match key.split_once('/') {
        Some((i, c)) => (i.trim(), Some(c.trim())),
        None => (key, None),
    };
    let index = fw.indicator_index(id).or_else(|| {
        let mut m = fw
            .indicators
            .iter()
            .enumerate()
            .filter(|(_, i)| i.id.eq_ignore_ascii_case(id));
        match (m.next(), m.next()) {
            (Some((ix, _)), None) => Some(ix),
            _ => None,
        }
    });
    let Some(index) = index else {
        if key.is_empty() {
            return Err(crate::base::lang::m("指标编号为空", "the indicator is empty").to_string());
        }
        let hint = if hinted { hint(id, fw.ids()) } else { String::new() };
        return Err(crate::base::lang::msg!(zh: "未知指标“{key}”{hint}", en: "unknown indicator \"{key}\"{hint}"));
    };
    let ind = &fw.indicators[index];
    match (&ind.rule, clause) {
        (Some(Rule::Clauses(clauses)), Some(c)) => match clauses.iter().position(|x| x.id == c) {
            Some(slot) => Ok((index, slot)),
            None => Err(crate::base::lang::msg!(
                zh: "{}没有子项“{c}”{}；其子项为 {}",
                en: "{} has no clause \"{c}\"{}; its clauses are {}",
                ind.id,
                hint(c, clauses.iter().map(|x| x.id.as_str())),
                clauses.iter().map(|x| x.id.as_str()).collect::<Vec<_>>().join(", ")
            )),
        },
        (Some(Rule::Clauses(clauses)), None) => Err(crate::base::lang::msg!(
            zh: "{}按子项逐项评分：请填写 {}",
            en: "{} is scored clause by clause: give {}",
            ind.id,
            clauses
                .iter()
                .map(|c| format!("{}/{}", ind.id, c.id))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        (_, Some(_)) => Err(crate::base::lang::msg!(
            zh: "{}没有子项；请写作“{}”",
            en: "{} has no clauses; write it as \"{}\"",
            ind.id,
            ind.id
        )),
        (_, None) => Ok((index, 0)),
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
    unit_at: HashMap<String, u32, FixedState>,
    /// Where each (unit, indicator, slot, rater) was first given — file,
    /// line, cell — when that value is not in the store: a rater's value,
    /// or one refused or left out. A value kept in its slot says where it
    /// was given itself, so a province's file of millions of values costs
    /// nothing here.
    seen: HashMap<SeenKey, SeenAt, FixedState>,
    /// The number of each rater name met, for [`SeenKey`]s.
    names: HashMap<String, u32, FixedState>,
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
    let mut given: Vec<(crate::base::file::FileId, &std::path::Path)> = Vec::new();
    let mut values = 0usize;
    let mut refused = None;
    for p in paths {
        // The same file twice would report each of its rows as a duplicate
        // of itself; say what happened instead.
        if let Some(real) = crate::base::file::identity(p) {
            if let Some((_, first)) = given.iter().find(|(r, _)| *r == real) {
                errs.push(same_file_problem(p, first));
                continue;
            }
            given.push((real, p));
        }
        if refused.is_some() {
            // Past the limit nothing more is loaded, but each file is still
            // opened: every file that cannot be read is named beside the
            // refusal, as when every file was read first.
            if let Err(d) = crate::reading::read::open(p, opts) {
                errs.push(d);
            }
            continue;
        }
        let read = match crate::reading::read::open(p, opts) {
            Ok(crate::reading::read::Opened::Rows(mut sheet)) => match too_many_values(&mut values, &sheet, None) {
                Some(refused) => Err(Stop::Refused(refused)),
                None => {
                    let file = l.file(&sheet);
                    l.sheet(file, &mut sheet);
                    Ok(())
                }
            },
            Ok(crate::reading::read::Opened::Csv { sheet, text }) => l.csv(sheet, &text, &mut values),
            Err(d) => Err(Stop::Unread(d)),
        };
        match read {
            Ok(()) => {}
            Err(Stop::Unread(d)) => errs.push(d),
            Err(Stop::Refused(d)) => refused = Some(d),
        }
    }
    if let Some(d) = refused {
        errs.push(d);
        return Err(errs);
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

/// Why a file's rows stopped being read.
enum Stop {
    /// The file cannot be read (on or after the rows read so far).
    Unread(Diagnostic),
    /// Its values pass [`MAX_DETAILED_VALUES`].
    Refused(Diagnostic),
}

/// CSV rows read and loaded at a time: a province's file is read in
/// batches, never held whole as rows.
const CSV_BATCH: usize = 1 << 16;

/// The most evidence values read in detail in one run: each takes a few
/// hundred bytes there (its text, note, place and result), so this many fit
/// in about 3 GB, under a 4 GiB address space. The fast path, which reads
/// clean CSV for the ranking, the JSON result and the list, keeps a few
/// bytes per value and has no such limit.
pub const MAX_DETAILED_VALUES: usize = 10_000_000;

/// Counts the values of `sheet`'s rows into `total` (of `rows` when given,
/// rows below the same header, else of its own): a located refusal at the
/// row where the total passes [`MAX_DETAILED_VALUES`]. A long file's value
/// is a row; a wide file's, each cell under an indicator column.
fn too_many_values(total: &mut usize, sheet: &Sheet, rows: Option<&[Row]>) -> Option<Diagnostic> {
    let (header, own) = sheet.rows.split_first()?;
    let rows = rows.unwrap_or(own);
    let cols: Vec<Option<Column>> = header.cells.iter().map(|h| Column::of(h)).collect();
    let long = cols.contains(&Some(Column::Indicator));
    for row in rows {
        *total += if long {
            1
        } else {
            (row.cells.iter().zip(&cols))
                .filter(|(c, role)| role.is_none() && !c.trim().is_empty())
                .count()
        };
        if *total > MAX_DETAILED_VALUES {
            let max = MAX_DETAILED_VALUES;
            return Some(sheet.diag(
                row.line,
                None,
                crate::base::lang::msg!(
                    zh: "佐证的值超过 {max} 个（到此行已超出）：本次要逐项读取全部佐证（查找并定位问题，或生成工作簿、网页等输出），最多容纳 {max} 个值。请将佐证按地区等拆成几个文件分别运行；没有问题的 CSV 佐证，其排名、JSON 结果和整改清单不受此限",
                    en: "the evidence holds more than {max} values (passed at this line): this run reads every value in detail (to find and locate problems, or for a workbook or HTML output), which holds at most {max} values. Split the evidence into several files (by region, say) and run each; CSV evidence without problems is ranked, and its JSON result and list written, without this limit"
                ),
            ));
        }
    }
    None
}

/// Evidence from sheets already read.
pub fn from_sheets(mut sheets: Vec<Sheet>, fw: &Framework, units: Option<&Units>) -> Result<Evidence, Diagnostics> {
    let mut values = 0;
    if let Some(d) = sheets.iter().find_map(|s| too_many_values(&mut values, s, None)) {
        return Err(Diagnostics(vec![d]));
    }
    let mut l = Loader::new(fw, units);
    for sheet in &mut sheets {
        let file = l.file(sheet);
        l.sheet(file, sheet);
    }
    l.finish()
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

    /// A CSV file, `text` decoded, read and loaded [`CSV_BATCH`] rows at a
    /// time, its values counted into `values`.
    fn csv(&mut self, mut sheet: Sheet, text: &str, values: &mut usize) -> Result<(), Stop> {
        let name = sheet.path.clone();
        let mut rows = crate::reading::input::CsvRows::new(&name, text).map_err(Stop::Unread)?;
        sheet.rows = rows.next_rows(CSV_BATCH).map_err(Stop::Unread)?;
        let mut sheet = crate::reading::read::ready(sheet);
        if let Some(d) = too_many_values(values, &sheet, None) {
            return Err(Stop::Refused(d));
        }
        let file = self.file(&sheet);
        let Some(layout) = self.layout(file, &sheet) else {
            return Ok(());
        };
        self.rows(file, &layout, &mut sheet.rows[1..]);
        // The rows of each batch are written over by the next.
        let mut batch = sheet.rows.split_off(1);
        loop {
            rows.refill(&mut batch, CSV_BATCH).map_err(Stop::Unread)?;
            if batch.is_empty() {
                return Ok(());
            }
            crate::reading::read::strip_row_boms(&mut batch);
            if let Some(d) = too_many_values(values, &sheet, Some(&batch)) {
                return Err(Stop::Refused(d));
            }
            self.rows(file, &layout, &mut batch);
        }
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
            let hint = hinted[file] < crate::base::diag::MAX_PROBLEMS_PER_FILE;
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

/// What is wrong with unit id `id`, in the column headed `header`, that
/// no units file can put right: how every reader words it. `None` for an
/// id that may be a unit's.
pub fn unit_id_problem(header: &str, id: &str) -> Option<String> {
    if id.is_empty() {
        return Some(crate::base::lang::msg!(
            zh: "“{header}”列：单位编号为空",
            en: "column \"{header}\": the unit id is empty"
        ));
    }
    if Column::of(id) == Some(Column::Unit) {
        // The header again below the first (two exports pasted together):
        // its other cells would each be a problem of their own, none
        // saying what happened.
        return Some(crate::base::lang::msg!(
            zh: "“{header}”列：“{id}”是表头文字，这一行重复了表头（两个文件拼接在一起？）；请删除这一行",
            en: "column \"{header}\": \"{id}\" is a column heading, so this row repeats the header (two files pasted together?); delete the row"
        ));
    }
    let c = crate::base::diag::first_invisible(id)?;
    let m = crate::base::diag::invisible_in_id("单位编号", "the unit id", id, c);
    Some(crate::base::lang::msg!(zh: "“{header}”列：{m}", en: "column \"{header}\": {m}"))
}

/// Unit `unit`, of `rows` rows of a file (the first in the column headed
/// `header`), is not in the units file `u`: how every reader words it,
/// with a "did you mean" when `hinted` (a file's first problems only:
/// against a units file of tens of thousands, a hint for every unknown
/// unit took minutes).
pub fn unknown_unit_problem(header: &str, unit: &str, u: &Units, hinted: bool, rows: usize) -> String {
    let hint = if hinted {
        // A unit typed by its name (城关镇党委 for T01): name the id.
        let by_name = u
            .units
            .iter()
            .find(|(_, i)| !i.name.is_empty() && i.name == unit)
            .or_else(|| {
                let names = u.units.values().map(|i| i.name.as_str()).filter(|n| !n.is_empty());
                let near = crate::base::diag::did_you_mean(unit, names)?;
                u.units.iter().find(|(_, i)| i.name == near)
            })
            .or_else(|| {
                // 乙镇党委 for 乙镇: one name inside the other, if only one.
                let inside = |n: &str| n.chars().count() >= 2 && (unit.contains(n) || n.contains(unit));
                let mut found = u.units.iter().filter(|(_, i)| inside(&i.name));
                let first = found.next()?;
                found.next().is_none().then_some(first)
            });
        match by_name {
            Some((id, info)) => crate::base::lang::msg!(
                zh: "（是否应为单位编号“{id}”（{}）？单位列应填编号，不填名称）",
                en: " (did you mean unit id \"{id}\" ({})? the unit column takes the id, not the name)",
                info.name
            ),
            None => hint(unit, u.units.keys()),
        }
    } else {
        String::new()
    };
    let more = if rows > 1 {
        crate::base::lang::msg!(zh: "（共 {rows} 行）", en: " ({rows} rows)")
    } else {
        String::new()
    };
    crate::base::lang::msg!(
        zh: "“{header}”列：单位“{unit}”不在单位文件 {} 中{hint}{more}",
        en: "column \"{header}\": unit \"{unit}\" is not in the units file {}{hint}{more}",
        u.path,
    )
}

/// File `path` is `first` again (by another name, or the same): how
/// every reader words it, rather than each of its rows as a duplicate of
/// itself.
pub fn same_file_problem(path: &std::path::Path, first: &std::path::Path) -> Diagnostic {
    Diagnostic::file(
        path.display().to_string(),
        crate::base::lang::msg!(
            zh: "同一文件重复给出（首次为 {}）",
            en: "the same file is given twice (first as {})",
            first.display()
        ),
    )
}

/// Unit `unit`'s row for indicator `key` names a rater (`rater`) though
/// the item is not scored by several raters, or (`rater` empty) names
/// none though it is: how every reader words it.
pub fn rater_problem(unit: &str, key: &str, rater: &str) -> String {
    if rater.is_empty() {
        crate::base::lang::msg!(
            zh: "单位 {unit}，指标 {key}：该指标由多位评委分别打分（考核方案设有 raters），此行缺少评分人（rater/评分人 列）",
            en: "unit {unit}, indicator {key}: the item is scored by several raters (raters in the framework), and this row names none (a rater/评分人 column)"
        )
    } else {
        crate::base::lang::msg!(
            zh: "单位 {unit}，指标 {key}：该指标不由多位评委打分（考核方案没有为它设 raters），不应填写评分人“{rater}”",
            en: "unit {unit}, indicator {key}: the item is not scored by several raters (no raters in the framework), so rater \"{rater}\" does not belong here"
        )
    }
}

/// Unit `unit`'s value for indicator `key` (by `rater`, if not empty)
/// given again, first at `first`: how every reader words it.
pub fn duplicate_problem(unit: &str, key: &str, rater: &str, first: &str) -> String {
    let who = if rater.is_empty() {
        String::new()
    } else {
        crate::base::lang::msg!(zh: "，评分人 {rater}", en: ", rater {rater}")
    };
    crate::base::lang::msg!(
        zh: "单位 {unit}，指标 {key}{who}：佐证重复（首次出现在 {first}）",
        en: "unit {unit}, indicator {key}{who}: duplicate evidence (first at {first})"
    )
}

/// A row with a value in its `used`-th cell, past the header's `width`:
/// how every reader words it, `past` being that cell. Most often a comma
/// inside a value or note went unquoted (1,5 for 1.5; 材料1,材料2).
pub fn too_many_fields(used: usize, width: usize, past: &str) -> String {
    crate::base::lang::msg!(
        zh: "该行有 {used} 个字段，但表头有 {width} 个：“{past}”上方没有表头（值或备注中有未加引号的逗号？）",
        en: "the row has {used} fields but the header has {width}: \"{past}\" has no heading above it (a comma inside a value or note, without quotes?)"
    )
}

/// A row of `n` cells under a header of `width`: how every reader words it.
pub fn too_few_fields(n: usize, width: usize) -> String {
    crate::base::lang::msg!(
        zh: "该行有 {n} 个字段{}，但表头有 {width} 个",
        en: "the row has {n} field{} but the header has {width}",
        crate::base::lang::m("", if n == 1 { "" } else { "s" })
    )
}

/// A value its item does not take ([`Indicator::parse_value`]'s `m`), in
/// the column headed `col`: how every reader words it.
///
/// [`Indicator::parse_value`]: crate::model::framework::Indicator::parse_value
pub fn value_problem(col: &str, unit: &str, key: &str, m: &str) -> String {
    crate::base::lang::msg!(
        zh: "“{col}”列：单位 {unit}，指标 {key}：{m}",
        en: "column \"{col}\": unit {unit}, indicator {key}: {m}"
    )
}

/// Why `raw`, a fraction on a rate, is refused in a file whose cell
/// formats cannot be read: 95% may have arrived as 0.95, and scoring it
/// as 0.95 would be silently wrong.
pub fn unread_format_fraction(raw: &str) -> String {
    crate::base::lang::msg!(
        zh: "{raw} 可能是以小数存储的百分比，而本文件的单元格格式无法读取、无从区分；请直接填写数值（填 95，不填 95%），或将文件另存为 XLSX",
        en: "{raw} may be a percentage stored as a fraction, and this file's cell formats cannot be read to tell; enter the number itself (95, not 95%), or save the file as XLSX"
    )
}

/// An indicator key [`resolve`] does not take (its `m`), in the column
/// headed `col`: how every reader words it.
pub fn key_problem(col: &str, unit: &str, m: &str) -> String {
    crate::base::lang::msg!(zh: "“{col}”列：单位 {unit}：{m}", en: "column \"{col}\": unit {unit}: {m}")
}

fn sheet_order(sheets: &[Sheet], path: &str) -> usize {
    sheets.iter().position(|s| s.path == path).unwrap_or(usize::MAX)
}

impl Loader<'_> {
    /// Are this file's problems still listed in full? Past the number shown
    /// (a wrong framework, a 100,000-column header) they are only counted,
    /// so the costly "did you mean" is skipped.
    fn listing(&self, file: usize) -> bool {
        self.problems.get(file).copied().unwrap_or(0) < crate::base::diag::MAX_PROBLEMS_PER_FILE
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
                crate::base::lang::m(
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
                crate::base::lang::m(
                    "佐证文件只有表头，没有数据行",
                    "the evidence file has a header but no rows",
                ),
            );
        }
        let header = &Row {
            line: header.line,
            cells: header.cells[..columns(&header.cells)].to_vec(),
        };
        let cols: Vec<Option<Column>> = header.cells.iter().map(|h| Column::of(h)).collect();
        if let Some(c) = cols.iter().position(|c| *c == Some(Column::Unit)) {
            self.unit_header.insert(file, header.cells[c].trim().to_string());
        }
        // Each role at most once.
        let mut dup = false;
        for (i, c) in cols.iter().enumerate() {
            if let Some(c) = c
                && *c != Column::Ignored
                && cols[..i].contains(&Some(*c))
            {
                self.cell_err(
                    file,
                    header.line,
                    i,
                    crate::base::lang::msg!(
                        zh: "“{}”列在表头中出现两次",
                        en: "column \"{}\" appears twice in the header",
                        header.cells[i].trim()
                    ),
                );
                dup = true;
            }
        }
        if dup {
            return None;
        }
        let has = |c: Column| cols.contains(&Some(c));
        if has(Column::Indicator) {
            self.long_layout(file, header, &cols).map(Layout::Long)
        } else if has(Column::Value) {
            self.err(
                file,
                header.line,
                crate::base::lang::m(
                    "长表格式佐证缺少必需的 indicator（指标）列",
                    "missing required column indicator (指标) for long-format evidence",
                ),
            );
            None
        } else {
            self.wide_layout(file, header, &cols).map(Layout::Wide)
        }
    }

    /// The columns of a long file, from its header.
    fn long_layout(&mut self, file: usize, header: &Row, cols: &[Option<Column>]) -> Option<Long> {
        let mut fatal = false;
        for need in [Column::Unit, Column::Value] {
            if !cols.contains(&Some(need)) {
                self.err(
                    file,
                    header.line,
                    crate::base::lang::msg!(
                        zh: "长表格式佐证缺少必需的 {} 列",
                        en: "missing required column {} for long-format evidence",
                        need.name()
                    ),
                );
                fatal = true;
            }
        }
        let mut ignored: Vec<&str> = Vec::new();
        for (i, c) in cols.iter().enumerate() {
            if c.is_none() {
                let h = header.cells[i].trim();
                if ignorable(h) {
                    ignored.push(h);
                    continue;
                }
                self.cell_err(
                    file,
                    header.line,
                    i,
                    crate::base::lang::msg!(
                        zh: "未知列“{h}”{}；长表格式佐证应有 unit、indicator、value 列，可选 name、note、source、indicator_name、standard、rater 列",
                        en: "unknown column \"{h}\"{}; long-format evidence has unit, indicator, value and optional name, note, source, indicator_name, standard, rater",
                        hint(h, KNOWN_LONG)
                    ),
                );
                fatal = true;
            }
        }
        if fatal {
            return None;
        }
        if !ignored.is_empty() {
            crate::base::diag::warn(&Diagnostics(vec![self.places[file].diag(
                header.line,
                None,
                ignored_columns(&ignored),
            )]));
        }
        let pos = |c: Column| cols.iter().position(|x| *x == Some(c));
        let (unit_c, ind_c, val_c) = (pos(Column::Unit)?, pos(Column::Indicator)?, pos(Column::Value)?);
        Some(Long {
            width: header.cells.len(),
            unit_c,
            ind_c,
            val_c,
            name_c: pos(Column::Name),
            note_c: pos(Column::Note),
            src_c: pos(Column::Source),
            rater_c: pos(Column::Rater),
            ind_header: header.cells[ind_c].trim().to_string(),
            val_header: header.cells[val_c].trim().to_string(),
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

    /// The columns of a wide file, from its header.
    fn wide_layout(&mut self, file: usize, header: &Row, cols: &[Option<Column>]) -> Option<Wide> {
        let Some(unit_c) = cols.iter().position(|c| *c == Some(Column::Unit)) else {
            let separator = if header.cells.len() == 1 && header.cells[0].contains(';') {
                crate::base::lang::m(
                    "（以分号分隔：请将文件另存为逗号分隔的 CSV）",
                    " (separated by semicolons: save the file as comma-separated CSV)",
                )
            } else {
                ""
            };
            self.err(
                file,
                header.line,
                crate::base::lang::msg!(
                    zh: "缺少必需的 unit（单位）列；{}{separator}",
                    en: "missing required column unit (单位); {}{separator}",
                    shapes_wanted(header)
                ),
            );
            return None;
        };
        let name_c = cols.iter().position(|c| *c == Some(Column::Name));
        let mut keys: Vec<Option<(usize, usize)>> = vec![None; cols.len()];
        let mut bad = false;
        let mut taken: HashMap<(usize, usize), usize> = HashMap::new();
        for (i, c) in cols.iter().enumerate() {
            match c {
                Some(Column::Unit | Column::Name | Column::Ignored) => {}
                Some(other) => {
                    self.cell_err(
                        file,
                        header.line,
                        i,
                        crate::base::lang::msg!(
                            zh: "“{}”列（{}）属于长表格式佐证，长表还需要 indicator 列",
                            en: "column \"{}\" ({}) belongs to long-format evidence, which also needs an indicator column",
                            header.cells[i].trim(),
                            other.name()
                        ),
                    );
                    bad = true;
                }
                None => match resolve(self.fw, &header.cells[i], self.listing(file)) {
                    Ok(k) => {
                        if let Some(prev) = taken.insert(k, i) {
                            self.cell_err(
                                file,
                                header.line,
                                i,
                                crate::base::lang::msg!(
                                    zh: "“{}”列在表头中出现两次（第 {} 列和第 {} 列）",
                                    en: "column \"{}\" appears twice in the header (columns {} and {})",
                                    header.cells[i].trim(),
                                    prev + 1,
                                    i + 1
                                ),
                            );
                            bad = true;
                        }
                        keys[i] = Some(k);
                    }
                    Err(m) => {
                        self.cell_err(
                            file,
                            header.line,
                            i,
                            crate::base::lang::msg!(zh: "第 {} 列：{m}", en: "column {}: {m}", i + 1),
                        );
                        bad = true;
                    }
                },
            }
        }
        if bad {
            return None;
        }
        if keys.iter().all(Option::is_none) {
            // Units and nothing of theirs (another sheet exported, the
            // indicator columns cut off): every item would score 0.
            self.err(
                file,
                header.line,
                crate::base::lang::msg!(
                    zh: "表头没有指标列：{}",
                    en: "the header has no indicator column: {}",
                    shapes_wanted(header)
                ),
            );
            return None;
        }
        Some(Wide {
            unit_c,
            name_c,
            keys,
            headers: header.cells.iter().map(|c| c.trim().to_string()).collect(),
        })
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
    fn shape_ok(&mut self, file: usize, width: usize, row: &crate::reading::input::Row) -> bool {
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
        if ind.raters.is_some() && rater.is_empty() {
            // A wide file: one value per unit and item, no rater.
            let key = key();
            self.cell_err(
                file,
                line,
                col_ix,
                crate::base::lang::msg!(
                    zh: "单位 {unit}，指标 {key}：该指标由多位评委分别打分，须用长表格式逐行填写（unit、indicator、rater/评分人、value 列）",
                    en: "unit {unit}, indicator {key}: the item is scored by several raters; give it in long format, one row per rater (unit, indicator, rater, value)"
                ),
            );
            return;
        }
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
            && let Ok(v) = crate::base::num::parse_exact(raw)
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

/// The two shapes evidence comes in, and the `header` given.
fn shapes_wanted(header: &Row) -> String {
    crate::base::lang::msg!(
        zh: "佐证应为 unit,indicator,value（长表），或 unit 加每个指标编号一列（宽表）；表头为：{}",
        en: "evidence needs either unit,indicator,value (long) or unit and one column per indicator id (wide); the header is: {}",
        header.cells.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const FW: &str = r#"
[framework]
id = "t"
title = "t"
total = 20

[[grade]]
name = "好"
min = 0

[[group]]
id = "A"
name = "甲"

[[indicator]]
id = "D1"
group = "A"
name = "一"
points = 10
rule = { type = "direct" }

[[indicator]]
id = "D2"
group = "A"
name = "二"
points = 10
rule = { type = "direct" }
"#;

    /// A file of `rows` long rows for `rows / 2` units (D1 and D2 each),
    /// with title rows above the header, CRLF line ends, blank lines, and
    /// the byte-order mark of a pasted export at the start of a row; then
    /// each `(line, text)` of `changes` put in place of that line.
    fn long_file(rows: usize, changes: &[(usize, &str)]) -> String {
        let mut lines = vec![
            "2024年度考核佐证".to_string(),
            String::new(),
            "unit,indicator,value,note".into(),
        ];
        for r in 0..rows {
            let unit = format!("U{:06}", r / 2);
            let unit = if r == 2 * CSV_BATCH + 7 {
                format!("\u{feff}{unit}")
            } else {
                unit
            };
            lines.push(format!("{unit},D{},{}.{},n{r}", r % 2 + 1, r % 10, r % 7));
        }
        for &(line, text) in changes {
            lines[line - 1] = text.to_string();
        }
        let mut text = lines.join("\r\n");
        text.push_str("\r\n\r\n");
        text
    }

    /// Read in batches (`load`) and whole (`read::read`, then
    /// `from_sheets`), a file gives the same evidence or the same problems.
    fn both(text: &str) -> (Result<Evidence, Diagnostics>, Result<Evidence, Diagnostics>) {
        let fw = Framework::parse(FW, "t.toml").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("e.csv");
        std::fs::write(&path, text).unwrap();
        let batched = load(std::slice::from_ref(&path), &fw, None);
        let sheet = crate::reading::read::read(&path, &ReadOptions::default()).unwrap();
        (batched, from_sheets(vec![sheet], &fw, None))
    }

    #[test]
    fn a_file_read_in_batches_is_read_as_a_whole() {
        let rows = 3 * CSV_BATCH + 11;
        let (batched, whole) = both(&long_file(rows, &[]));
        let ev = batched.unwrap();
        assert_eq!(Ok(&ev), whole.as_ref());
        // Every unit, with its values and the lines they stand on: the
        // header is line 3, so row r is line r + 4.
        assert_eq!(ev.units.len(), rows.div_ceil(2));
        let last = &ev.units[&format!("U{:06}", (rows - 1) / 2)];
        let cell = last.cells(0)[0].as_ref().unwrap();
        // Row 196,618: D1, 8.2 (r % 10, r % 7).
        assert_eq!(rows - 1, 196_618);
        assert_eq!((cell.raw.as_str(), cell.line), ("8.2", 196_622));
        let pasted = &ev.units[&format!("U{:06}", (2 * CSV_BATCH + 7) / 2)];
        assert!(
            pasted.cells(1)[0].is_some(),
            "the unit after a byte-order mark is the same unit"
        );
    }

    #[test]
    fn problems_in_later_batches_are_found_as_in_the_whole_file() {
        let rows = 3 * CSV_BATCH;
        // Line 10 (row 6: U000003,D1) again in the second batch, a value
        // that is not a number in the third, and an unknown indicator.
        let dup = CSV_BATCH + 100;
        let bad = 2 * CSV_BATCH + 50;
        let unknown = 3 * CSV_BATCH;
        let (batched, whole) = both(&long_file(
            rows,
            &[
                (dup, "U000003,D1,1,again"),
                (bad, "U999999,D1,abc,x"),
                (unknown, "U999998,X9,1,x"),
            ],
        ));
        let errs = batched.unwrap_err();
        assert_eq!(Err(&errs), whole.as_ref());
        let lines: Vec<Option<u64>> = errs.0.iter().map(|d| d.line).collect();
        assert_eq!(lines, [Some(dup as u64), Some(bad as u64), Some(unknown as u64)]);
        let first = crate::base::diag::location(&errs.0[0].file, None, Some(10), None);
        assert!(errs.0[0].message.contains(&first), "{}", errs.0[0].message);
    }

    #[test]
    fn a_wide_file_read_in_batches_is_read_as_a_whole() {
        let rows = 2 * CSV_BATCH + 3;
        let mut text = String::from("单位编号,D1,D2\n");
        for r in 0..rows {
            let d2 = if r == CSV_BATCH + 5 {
                "x".to_string()
            } else {
                (r % 5).to_string()
            };
            text.push_str(&format!("U{r:06},{},{d2}\n", r % 10));
        }
        let (batched, whole) = both(&text);
        let errs = batched.unwrap_err();
        assert_eq!(Err(&errs), whole.as_ref());
        // Row r is line r + 2.
        assert_eq!(errs.0.len(), 1);
        assert_eq!((errs.0[0].line, errs.0[0].column), (Some(CSV_BATCH as u64 + 7), None));
        let bad = CSV_BATCH + 5;
        let clean = text.replace(
            &format!("U{bad:06},{},x", bad % 10),
            &format!("U{bad:06},{},0", bad % 10),
        );
        let (batched, whole) = both(&clean);
        let ev = batched.unwrap();
        assert_eq!(Ok(&ev), whole.as_ref());
        assert_eq!(ev.units.len(), rows);
    }

    /// The values are counted across batches: a file whose values pass the
    /// limit in its second batch is refused at that row, not loaded.
    #[test]
    fn the_limit_on_values_counts_across_batches() {
        let fw = Framework::parse(FW, "t.toml").unwrap();
        let mut text = String::from("unit,indicator,value\n");
        for r in 0..CSV_BATCH + 5 {
            text.push_str(&format!("U{r},D1,1\n"));
        }
        let sheet = Sheet {
            path: "e.csv".into(),
            sha256: String::new(),
            encoding: crate::reading::input::Encoding::Utf8,
            rows: Vec::new(),
            worksheet: None,
            first_col: 0,
            fractions_unknown: false,
        };
        // The first batch is the header and rows on lines 2 to CSV_BATCH,
        // which leave the total one short of the limit; the second batch's
        // first row (line CSV_BATCH + 1) reaches it, its second passes it.
        let mut values = MAX_DETAILED_VALUES - CSV_BATCH;
        let mut l = Loader::new(&fw, None);
        match l.csv(sheet, &text, &mut values) {
            Err(Stop::Refused(d)) => assert_eq!(d.line, Some(CSV_BATCH as u64 + 2)),
            _ => panic!("not refused"),
        }
        assert_eq!(values, MAX_DETAILED_VALUES + 1);
    }
}
