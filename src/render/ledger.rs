//! A returned rectification ledger summarised (`kaohe ledger`): per unit and
//! overall, completed, in progress, not started, overdue and 整改率, then
//! the overdue items.

use super::{Format, Table};
use crate::base::lang::Lang;
use crate::base::num::fmt2;
use crate::engine::ledger::{Counts, Status, Summary};
use serde::Serialize;

/// A status as the ledger's dropdown words it.
pub fn status_label(s: Status, lang: Lang) -> &'static str {
    match s {
        Status::NotStarted => lang.pick("未启动", "not started"),
        Status::InProgress => lang.pick("整改中", "in progress"),
        Status::Done => lang.pick("已完成", "done"),
        Status::Closed => lang.pick("已销号", "closed"),
    }
}

fn counts_row(c: &Counts, with_overdue: bool) -> Vec<String> {
    let mut row = vec![
        c.items.to_string(),
        c.completed().to_string(),
        c.done.to_string(),
        c.closed.to_string(),
        c.in_progress.to_string(),
        c.not_started.to_string(),
    ];
    if with_overdue {
        row.push(c.overdue.unwrap_or_default().to_string());
    }
    row.push(c.rate().map(|r| format!("{}%", fmt2(r))).unwrap_or_default());
    row
}

/// Per unit, then the total (合计).
pub fn units_table(s: &Summary, lang: Lang) -> Table {
    let with_overdue = s.on.is_some();
    let mut t = Table::new(&[
        (lang.pick("单位", "Unit"), false),
        (lang.pick("单位名称", "Unit name"), false),
        (lang.pick("整改项", "Items"), true),
        (lang.pick("已完成（含销号）", "Completed"), true),
        (lang.pick("已完成", "Done"), true),
        (lang.pick("已销号", "Closed"), true),
        (lang.pick("整改中", "In progress"), true),
        (lang.pick("未启动", "Not started"), true),
    ]);
    if with_overdue {
        t.column(lang.pick("逾期", "Overdue"), true);
    }
    t.column(lang.pick("整改率", "Rate"), true);
    for (unit, name, c) in &s.units {
        let mut row = vec![unit.clone(), name.clone()];
        row.extend(counts_row(c, with_overdue));
        t.push(row);
    }
    let mut row = vec![lang.pick("合计", "Total").to_string(), String::new()];
    row.extend(counts_row(&s.total, with_overdue));
    t.push(row);
    t
}

/// The items past their deadline and not completed.
pub fn overdue_table(s: &Summary, lang: Lang) -> Table {
    let mut t = Table::new(&[
        (lang.pick("单位", "Unit"), false),
        (lang.pick("单位名称", "Unit name"), false),
        (lang.pick("对应指标", "Indicator"), false),
        (lang.pick("整改时限", "Deadline"), false),
        (lang.pick("状态", "Status"), false),
        (lang.pick("进展", "Progress"), false),
        (lang.pick("出处", "At"), false),
    ]);
    for e in &s.overdue {
        t.push(vec![
            e.unit.clone(),
            e.name.clone(),
            e.indicator.clone(),
            e.deadline.map(|d| d.to_string()).unwrap_or_default(),
            status_label(e.status, lang).to_string(),
            e.progress.clone(),
            e.at.clone(),
        ]);
    }
    t
}

/// The line above the tables.
fn head(s: &Summary, files: usize, lang: Lang) -> String {
    let rate = s
        .total
        .rate()
        .map(|r| format!("{}%", fmt2(r)))
        .unwrap_or_else(|| "—".into());
    let mut line = match lang {
        Lang::Zh => format!(
            "整改台账汇总 · {files} 个文件 · {} 个单位 · {} 项 · 已完成 {} · 整改率 {rate}",
            s.units.len(),
            s.total.items,
            s.total.completed()
        ),
        Lang::En => format!(
            "Rectification ledger · {files} files · {} units · {} items · {} completed · rate {rate}",
            s.units.len(),
            s.total.items,
            s.total.completed()
        ),
    };
    line.push_str(&match (s.on, lang) {
        (Some(d), Lang::Zh) => format!(" · 截至 {d} 逾期 {}", s.total.overdue.unwrap_or_default()),
        (Some(d), Lang::En) => format!(" · {} overdue on {d}", s.total.overdue.unwrap_or_default()),
        (None, Lang::Zh) => " · 未给出 --date，不统计逾期".to_string(),
        (None, Lang::En) => " · no --date given: overdue items not counted".to_string(),
    });
    line
}

#[derive(Serialize)]
struct CountsDoc {
    items: usize,
    completed: usize,
    done: usize,
    closed: usize,
    in_progress: usize,
    not_started: usize,
    overdue: Option<usize>,
    rate: Option<rust_decimal::Decimal>,
}

impl From<&Counts> for CountsDoc {
    fn from(c: &Counts) -> Self {
        CountsDoc {
            items: c.items,
            completed: c.completed(),
            done: c.done,
            closed: c.closed,
            in_progress: c.in_progress,
            not_started: c.not_started,
            overdue: c.overdue,
            rate: c.rate(),
        }
    }
}

#[derive(Serialize)]
struct UnitDoc<'a> {
    unit: &'a str,
    name: &'a str,
    #[serde(flatten)]
    counts: CountsDoc,
}

#[derive(Serialize)]
struct OverdueDoc<'a> {
    unit: &'a str,
    name: &'a str,
    indicator: &'a str,
    deadline: Option<String>,
    status: &'static str,
    progress: &'a str,
    at: &'a str,
}

#[derive(Serialize)]
struct Doc<'a> {
    date: Option<String>,
    units: Vec<UnitDoc<'a>>,
    total: CountsDoc,
    overdue: Vec<OverdueDoc<'a>>,
}

fn status_key(s: Status) -> &'static str {
    match s {
        Status::NotStarted => "not_started",
        Status::InProgress => "in_progress",
        Status::Done => "done",
        Status::Closed => "closed",
    }
}

/// `ledger` in a text format.
pub fn render(s: &Summary, files: usize, lang: Lang, format: Format) -> String {
    let units = units_table(s, lang);
    let overdue = overdue_table(s, lang);
    let overdue_head = lang.pick("逾期事项", "Overdue items");
    match format {
        Format::Table => {
            let mut out = format!("{}\n\n{}", head(s, files, lang), units.to_terminal());
            if !overdue.rows.is_empty() {
                out.push_str(&format!("\n{overdue_head}\n{}", overdue.to_terminal()));
            }
            out
        }
        Format::Md => {
            let mut out = format!("# {}\n\n{}", head(s, files, lang), units.to_markdown());
            if !overdue.rows.is_empty() {
                out.push_str(&format!("\n## {overdue_head}\n\n{}", overdue.to_markdown()));
            }
            out
        }
        Format::Csv => units.to_csv(),
        Format::Json => {
            let doc = Doc {
                date: s.on.map(|d| d.to_string()),
                units: s
                    .units
                    .iter()
                    .map(|(u, n, c)| UnitDoc {
                        unit: u,
                        name: n,
                        counts: c.into(),
                    })
                    .collect(),
                total: (&s.total).into(),
                overdue: s
                    .overdue
                    .iter()
                    .map(|e| OverdueDoc {
                        unit: &e.unit,
                        name: &e.name,
                        indicator: &e.indicator,
                        deadline: e.deadline.map(|d| d.to_string()),
                        status: status_key(e.status),
                        progress: &e.progress,
                        at: &e.at,
                    })
                    .collect(),
            };
            let mut text = serde_json::to_string_pretty(&doc).expect("summaries serialise");
            text.push('\n');
            text
        }
        Format::Xlsx | Format::Html => unreachable!("ledger takes text formats only (OutputArgs::resolve_text)"),
    }
}
