//! Evidence (佐证/自评数据): the cells of each unit's values, with where
//! each came from, as the engine gives them for a unit in full; how an
//! indicator key (`A1`, `B2/a`) names its slot; and how every problem of a
//! row is worded, wherever it is found.

use crate::base::diag::{Diagnostic, hint};
use crate::model::framework::Framework;
use crate::model::rule::{Rule, Value};
use crate::reading::heading::Column;
use crate::reading::units::Units;

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
    /// Index of its file among the files read.
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
