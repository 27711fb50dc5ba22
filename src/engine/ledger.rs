//! Rectification ledgers read back (`kaohe ledger`): the 整改台账 that
//! `kaohe deficiencies -o x.xlsx` writes is returned by the units with
//! 状态 (and 进展) filled in; this reads those workbooks (or CSV saved from
//! them) and counts, per unit and overall, the items completed, in progress
//! and not started, those overdue against a given date, and the
//! rectification rate so far (整改率).
//!
//! Nothing here reads the clock: "overdue" is measured against the date the
//! command is given (`--date`, or `--today` when asked).

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::num::round2;
use crate::reading::input::{ReadOptions, Sheet, header_key};
use jiff::civil::Date;
use rust_decimal::Decimal;
use std::path::PathBuf;

/// Where an item stands (状态), as the ledger's dropdown offers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// 未启动
    NotStarted,
    /// 整改中
    InProgress,
    /// 已完成
    Done,
    /// 已销号: completed and signed off.
    Closed,
}

impl Status {
    /// The values accepted, in both languages the ledger is written in.
    const WORDS: [(&'static str, &'static str, Status); 4] = [
        ("未启动", "not started", Status::NotStarted),
        ("整改中", "in progress", Status::InProgress),
        ("已完成", "done", Status::Done),
        ("已销号", "closed", Status::Closed),
    ];

    /// Read a status cell; an empty cell is 未启动 (the value every item
    /// starts with).
    pub fn parse(s: &str) -> Option<Status> {
        let t = s.trim();
        if t.is_empty() {
            return Some(Status::NotStarted);
        }
        let key = header_key(t).replace('_', " ");
        Status::WORDS
            .iter()
            .find(|(zh, en, _)| *zh == t || *en == key)
            .map(|w| w.2)
    }

    /// Rectified (已完成 or 已销号)?
    pub fn completed(self) -> bool {
        matches!(self, Status::Done | Status::Closed)
    }
}

/// What an office may type for a status instead, and the value it means:
/// offered as "did you mean", never accepted silently.
const LOOKALIKES: &[(&str, &str)] = &[
    ("完成", "已完成"),
    ("已整改", "已完成"),
    ("整改完成", "已完成"),
    ("已办结", "已完成"),
    ("销号", "已销号"),
    ("进行中", "整改中"),
    ("正在整改", "整改中"),
    ("推进中", "整改中"),
    ("未开始", "未启动"),
    ("未整改", "未启动"),
];

/// One item of a returned ledger.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub unit: String,
    pub name: String,
    pub indicator: String,
    pub deadline: Option<Date>,
    pub status: Status,
    pub progress: String,
    /// Where the row is (`a.xlsx!整改台账!5`).
    pub at: String,
}

/// Counts over some items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    pub items: usize,
    pub done: usize,
    pub closed: usize,
    pub in_progress: usize,
    pub not_started: usize,
    /// Not completed and past the deadline; `None` without a date.
    pub overdue: Option<usize>,
}

impl Counts {
    pub fn completed(&self) -> usize {
        self.done + self.closed
    }

    /// 整改率: completed ÷ items, in percent with two places; `None` with
    /// no items.
    pub fn rate(&self) -> Option<Decimal> {
        (self.items > 0)
            .then(|| round2(Decimal::from(self.completed()) * Decimal::from(100) / Decimal::from(self.items)))
    }

    fn add(&mut self, e: &Entry, on: Option<Date>) {
        self.items += 1;
        match e.status {
            Status::NotStarted => self.not_started += 1,
            Status::InProgress => self.in_progress += 1,
            Status::Done => self.done += 1,
            Status::Closed => self.closed += 1,
        }
        if let Some(day) = on {
            let late = !e.status.completed() && e.deadline.is_some_and(|d| d < day);
            *self.overdue.get_or_insert(0) += usize::from(late);
        }
    }
}

/// A ledger summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The date overdue items are counted against.
    pub on: Option<Date>,
    /// Per unit, in order of first appearance: (unit, name, counts).
    pub units: Vec<(String, String, Counts)>,
    pub total: Counts,
    /// Items not completed and past their deadline, in ledger order.
    pub overdue: Vec<Entry>,
}

/// Summarise the items, overdue against `on`.
pub fn summarise(entries: &[Entry], on: Option<Date>) -> Summary {
    let mut units: Vec<(String, String, Counts)> = Vec::new();
    let mut total = Counts::default();
    if on.is_some() {
        total.overdue = Some(0);
    }
    // Each unit's place in `units`, found once (not among every unit's for
    // each item: a province's ledger holds hundreds of thousands).
    let mut place: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for e in entries {
        let i = match place.get(e.unit.as_str()) {
            Some(&i) => i,
            None => {
                place.insert(&e.unit, units.len());
                let mut c = Counts::default();
                if on.is_some() {
                    c.overdue = Some(0);
                }
                units.push((e.unit.clone(), e.name.clone(), c));
                units.len() - 1
            }
        };
        units[i].2.add(e, on);
        total.add(e, on);
    }
    let overdue = match on {
        Some(day) => entries
            .iter()
            .filter(|e| !e.status.completed() && e.deadline.is_some_and(|d| d < day))
            .cloned()
            .collect(),
        None => Vec::new(),
    };
    Summary {
        on,
        units,
        total,
        overdue,
    }
}

const STATUS_ALIASES: &[&str] = &["状态", "整改状态", "status"];
const DEADLINE_ALIASES: &[&str] = &["整改时限", "时限", "deadline"];
const PROGRESS_ALIASES: &[&str] = &["进展", "整改进展", "progress"];
const INDICATOR_ALIASES: &[&str] = &["对应指标", "指标", "indicator"];

/// Read returned ledgers, every problem of every file reported together.
pub fn read(paths: &[PathBuf], opts: &ReadOptions) -> Result<Vec<Entry>, Diagnostics> {
    let mut errs = Diagnostics::new();
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for p in paths {
        match crate::reading::read::read(p, opts) {
            Ok(sheet) => read_sheet(&sheet, &mut entries, &mut seen, &mut errs),
            Err(d) => errs.push(d),
        }
    }
    errs.into_result(entries)
}

/// Read one sheet's items; `seen` holds where each (unit, indicator) was
/// first read, so the same item read twice (a unit's copy and the
/// office's, or one file given twice) is an error, not counted twice.
fn read_sheet(
    sheet: &Sheet,
    entries: &mut Vec<Entry>,
    seen: &mut std::collections::HashMap<(String, String), String>,
    errs: &mut Diagnostics,
) {
    let Some(header) = sheet.rows.first() else {
        errs.push(Diagnostic::file(
            &sheet.path,
            crate::base::lang::m("整改台账是空的", "the ledger is empty"),
        ));
        return;
    };
    let keys: Vec<String> = header.cells.iter().map(|c| header_key(c)).collect();
    let find = |aliases: &[&str]| keys.iter().position(|k| aliases.contains(&k.as_str()));
    let (unit, status, deadline) = (
        find(crate::reading::input::UNIT_ALIASES),
        find(STATUS_ALIASES),
        find(DEADLINE_ALIASES),
    );
    let (name, progress, indicator) = (
        find(crate::reading::units::NAME_ALIASES),
        find(PROGRESS_ALIASES),
        find(INDICATOR_ALIASES),
    );
    let mut missing = Vec::new();
    if unit.is_none() {
        missing.push(crate::base::lang::m("单位", "unit"));
    }
    if status.is_none() {
        missing.push(crate::base::lang::m("状态", "status"));
    }
    if deadline.is_none() {
        missing.push(crate::base::lang::m("整改时限", "deadline"));
    }
    let (Some(unit), Some(status), Some(deadline)) = (unit, status, deadline) else {
        errs.push(sheet.diag(
            header.line,
            None,
            crate::base::lang::msg!(
                zh: "不是 kaohe deficiencies 写出的整改台账：缺少“{}”列（表头为 {}）",
                en: "not a rectification ledger written by kaohe deficiencies: no {} column (the header is {})",
                missing.join(crate::base::lang::m("”“", ", ")),
                header.cells.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
            ),
        ));
        return;
    };
    let cell = |row: &crate::reading::input::Row, c: Option<usize>| {
        c.and_then(|c| row.cells.get(c))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let status_head = &header.cells[status];
    let deadline_head = &header.cells[deadline];
    for row in &sheet.rows[1..] {
        let u = cell(row, Some(unit));
        if u.is_empty() {
            continue;
        }
        let s = cell(row, Some(status));
        let st = match Status::parse(&s) {
            Some(st) => st,
            None => {
                let lookalike = LOOKALIKES.iter().find(|(w, _)| *w == s).map(|(_, c)| *c);
                let hint = match lookalike {
                    Some(c) => crate::base::lang::msg!(zh: "（是否应为“{c}”？）", en: " (did you mean \"{c}\"?)"),
                    None => crate::base::diag::hint(&s, Status::WORDS.iter().flat_map(|(zh, en, _)| [*zh, *en])),
                };
                errs.push(sheet.diag(
                    row.line,
                    Some(status),
                    crate::base::lang::msg!(
                        zh: "“{status_head}”列：单位 {u} 的状态“{s}”不是可选的状态（未启动、整改中、已完成、已销号）{hint}",
                        en: "column \"{status_head}\": unit {u}: status \"{s}\" is not one of 未启动, 整改中, 已完成, 已销号 (not started, in progress, done, closed){hint}"
                    ),
                ));
                continue;
            }
        };
        let d = cell(row, Some(deadline));
        let due = if d.is_empty() {
            None
        } else {
            match crate::base::period::parse_date(d.split(' ').next().unwrap_or("")) {
                Ok(date) => Some(date),
                Err(_) => {
                    errs.push(sheet.diag(
                        row.line,
                        Some(deadline),
                        crate::base::lang::msg!(
                            zh: "“{deadline_head}”列：单位 {u} 的整改时限“{d}”不是日期（应如 2024-01-30）",
                            en: "column \"{deadline_head}\": unit {u}: deadline \"{d}\" is not a date (such as 2024-01-30)"
                        ),
                    ));
                    continue;
                }
            }
        };
        let ind = cell(row, indicator);
        let at = sheet.location(row.line, None);
        // An item is its unit and its indicator's id: the workbook's
        // column reads "A1 专题研究", the CSV ledger's "A1", and a unit may
        // have edited the name.
        let id = ind.split_whitespace().next().unwrap_or_default().to_string();
        if !id.is_empty() {
            if let Some(first) = seen.get(&(u.clone(), id.clone())) {
                errs.push(sheet.diag(
                    row.line,
                    indicator,
                    crate::base::lang::msg!(
                        zh: "单位 {u} 的整改项“{ind}”已在 {first} 读到（同一份台账是否给了两次？）",
                        en: "unit {u}: item \"{ind}\" was already read at {first} (was the same ledger given twice?)"
                    ),
                ));
                continue;
            }
            seen.insert((u.clone(), id), at.clone());
        }
        entries.push(Entry {
            unit: u,
            name: cell(row, name),
            indicator: ind,
            deadline: due,
            status: st,
            progress: cell(row, progress),
            at,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(unit: &str, status: Status, deadline: Option<Date>) -> Entry {
        Entry {
            unit: unit.into(),
            name: String::new(),
            indicator: String::new(),
            deadline,
            status,
            progress: String::new(),
            at: String::new(),
        }
    }

    #[test]
    fn statuses_in_both_languages() {
        assert_eq!(Status::parse("已完成"), Some(Status::Done));
        assert_eq!(Status::parse(" 已销号 "), Some(Status::Closed));
        assert_eq!(Status::parse("In Progress"), Some(Status::InProgress));
        assert_eq!(Status::parse(""), Some(Status::NotStarted));
        assert_eq!(Status::parse("完成"), None);
    }

    #[test]
    fn counts_and_rate() {
        let d = |day| Date::new(2024, 1, day).unwrap();
        let items = [
            entry("T01", Status::Done, Some(d(30))),
            entry("T01", Status::InProgress, Some(d(30))),
            entry("T01", Status::NotStarted, Some(d(10))),
            entry("T02", Status::Closed, Some(d(10))),
            entry("T02", Status::NotStarted, None),
        ];
        let s = summarise(&items, Some(d(20)));
        // On 2024-01-20 only T01's 未启动 item due 01-10 is late: the
        // closed one is done, the others are due 01-30 or have no deadline.
        assert_eq!(s.total.overdue, Some(1));
        assert_eq!(s.overdue.len(), 1);
        // T01: 1 of 3 completed = 33.33 %; T02: 1 of 2 = 50.00 %; all 2 of 5 = 40.00 %.
        assert_eq!(s.units[0].2.rate(), Some(Decimal::new(3333, 2)));
        assert_eq!(s.units[1].2.rate(), Some(Decimal::new(5000, 2)));
        assert_eq!(s.total.rate(), Some(Decimal::new(4000, 2)));
        assert_eq!(summarise(&items, None).total.overdue, None);
    }
}
