//! Rectification lists (整改清单) and the jurisdiction summary as text: a
//! terminal table per section, a Markdown document, a flat CSV ledger and
//! JSON (schema in docs/deficiencies.md).
//!
//! The terminal table keeps the columns a unit works from (what was lost,
//! why, the remedy, who, by when); CSV, Markdown and JSON carry every
//! column, including the scoring standard and the evidence.

use super::{Format, Table};
use crate::framework::{Framework, Kind};
use crate::lang::Lang;
use crate::num::{fmt_points, fmt2, round2};
use crate::rectify::{By, Held, Item, Key, List, NextGrade, STATUS, Section, Summary, Tally};
use crate::score::{Assessment, Reason, UnitResult};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use std::borrow::Cow;

/// The way to the next grade in one line, e.g.
/// `距较好差3.50分：整改 A2（2.00分）+ C1（1.50分）即可`; what holds the
/// unit down and is no fix (vetoes, caps, penalties) is named apart.
pub fn advice(fw: &Framework, ng: &NextGrade, lang: Lang) -> String {
    let grade = &fw.grades[ng.grade].name;
    let needed = fmt2(ng.needed);
    let short = ng.needed > Decimal::ZERO;
    let ids = |kind: Kind| -> String {
        let v: Vec<&str> = ng
            .holding
            .iter()
            .filter(|&&i| fw.indicators[i].kind == kind)
            .map(|&i| fw.indicators[i].id.as_str())
            .collect();
        v.join(lang.pick("、", ", "))
    };
    match ng.held {
        Some(Held::Veto) => {
            return match lang {
                Lang::Zh => format!("一票否决（{}），本期等次不能提升", ids(Kind::Veto)),
                Lang::En => format!("vetoed ({}): the grade cannot rise this period", ids(Kind::Veto)),
            };
        }
        Some(Held::Cap) => {
            let top = ng
                .holding
                .iter()
                .filter_map(|&i| fw.indicators[i].max_grade)
                .max()
                .map_or("", |g| fw.grades[g].name.as_str());
            return match lang {
                Lang::Zh => format!("等次限制（{}，最高评为{top}），本期等次不能提升", ids(Kind::Cap)),
                Lang::En => format!(
                    "grade capped ({}, at most {top}): the grade cannot rise this period",
                    ids(Kind::Cap)
                ),
            };
        }
        Some(Held::Quota) => {
            return match lang {
                Lang::Zh => format!("得分已达{grade}，但{grade}等次名额已满（超出比例）"),
                Lang::En => format!("the score reaches {grade}, but the quota of {grade} is full"),
            };
        }
        None => {}
    }
    let penalties = ids(Kind::Penalty);
    let several = penalties.contains(lang.pick("、", ", "));
    let stand = match (lang, penalties.is_empty(), several) {
        (_, true, _) => String::new(),
        (Lang::Zh, false, _) => format!("（扣分项 {penalties} 不属整改之列）"),
        (Lang::En, false, true) => format!(" (penalties {penalties} stand: they are not fixes)"),
        (Lang::En, false, false) => format!(" (penalty {penalties} stands: it is not a fix)"),
    };
    if ng.fixes.is_empty() && !ng.reachable {
        return match lang {
            Lang::Zh => format!("距{grade}差{needed}分：基础指标已全部得分，本期不能再提升{stand}"),
            Lang::En => format!(
                "{needed} points short of {grade}: every base item has full points; the grade cannot rise this period{stand}"
            ),
        };
    }
    if !ng.reachable {
        return match lang {
            Lang::Zh => format!(
                "距{grade}差{needed}分：全部{}项整改到位后得分{}，仍达不到{stand}",
                ng.fixes.len(),
                fmt2(ng.score)
            ),
            Lang::En => format!(
                "{needed} points short of {grade}: even with all {} items fixed the score is {}, not enough{stand}",
                ng.fixes.len(),
                fmt2(ng.score)
            ),
        };
    }
    // The items to fix, one string built in place: every unit of a
    // province-wide list has one of these.
    let mut steps = String::new();
    for (k, f) in ng.fixes.iter().enumerate() {
        if k == 0 {
            steps.push_str(lang.pick("整改 ", "fix "));
        } else {
            steps.push_str(lang.pick("+ ", " + "));
        }
        steps.push_str(&fw.indicators[f.index].id);
        let gain = fmt2(f.gain);
        match lang {
            Lang::Zh => {
                steps.push('（');
                steps.push_str(&gain);
                steps.push_str("分）");
            }
            Lang::En => {
                steps.push_str(" (+");
                steps.push_str(&gain);
                steps.push(')');
            }
        }
    }
    if lang == Lang::Zh && steps.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        steps.push(' ');
    }
    match (lang, short) {
        (Lang::Zh, true) => format!("距{grade}差{needed}分：{steps}即可{stand}"),
        (Lang::Zh, false) => format!("升至{grade}：{steps}即可{stand}"),
        (Lang::En, true) => format!("{needed} points short of {grade}: {steps}{stand}"),
        (Lang::En, false) => format!("to reach {grade}: {steps}{stand}"),
    }
}

/// The columns of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    No,
    Unit,
    UnitName,
    Category,
    Indicator,
    Name,
    Group,
    Points,
    Amount,
    Lost,
    Reason,
    Value,
    Note,
    Standard,
    Remedy,
    Owner,
    Assessor,
    Deadline,
    Status,
    /// The unit's self-assessed amount of the item (`--self`).
    SelfAmount,
}

/// Every column, in ledger order (CSV).
const ALL: [Col; 19] = [
    Col::No,
    Col::Unit,
    Col::UnitName,
    Col::Category,
    Col::Indicator,
    Col::Name,
    Col::Group,
    Col::Points,
    Col::Amount,
    Col::Lost,
    Col::Reason,
    Col::Value,
    Col::Note,
    Col::Standard,
    Col::Remedy,
    Col::Owner,
    Col::Assessor,
    Col::Deadline,
    Col::Status,
];

impl Col {
    fn header(self, lang: Lang) -> (&'static str, bool) {
        match self {
            Col::No => (lang.pick("序号", "No."), true),
            Col::Unit => (lang.pick("单位", "Unit"), false),
            Col::UnitName => (lang.pick("单位名称", "Unit name"), false),
            Col::Category => (lang.pick("类别", "Category"), false),
            Col::Indicator => (lang.pick("指标", "Indicator"), false),
            Col::Name => (lang.pick("指标名称", "Indicator name"), false),
            Col::Group => (lang.pick("组", "Group"), false),
            Col::Points => (lang.pick("分值", "Points"), true),
            Col::Amount => (lang.pick("得分", "Amount"), true),
            Col::Lost => (lang.pick("失分", "Lost"), true),
            Col::Reason => (lang.pick("原因", "Reason"), false),
            Col::Value => (lang.pick("值", "Value"), false),
            Col::Note => (lang.pick("情况说明", "Note"), false),
            Col::Standard => (lang.pick("评分标准", "Standard"), false),
            Col::Remedy => (lang.pick("整改措施", "Remedy"), false),
            Col::Owner => (lang.pick("责任人", "Owner"), false),
            Col::Assessor => (lang.pick("考核部门", "Assessor"), false),
            Col::Deadline => (lang.pick("整改时限", "Deadline"), false),
            Col::Status => (lang.pick("状态", "Status"), false),
            Col::SelfAmount => (lang.pick("自评得分", "Self-assessed"), true),
        }
    }

    fn cell<'a>(self, fw: &'a Framework, a: &'a Assessment, no: usize, it: &Item, lang: Lang) -> Cow<'a, str> {
        if let Some(c) = self.of_indicator(fw, it.index, it.deadline, lang) {
            return c;
        }
        let u = &a.units[it.unit];
        let r = &u.indicators[it.index];
        let b = |s: &'a str| Cow::Borrowed(s);
        match self {
            Col::No => Cow::Owned(no.to_string()),
            Col::Unit => b(&u.unit),
            Col::UnitName => b(&u.name),
            Col::Category => b(&u.category),
            Col::Amount => Cow::Owned(it.amount.map(fmt2).unwrap_or_default()),
            Col::Lost => Cow::Owned(it.lost.map(fmt2).unwrap_or_default()),
            Col::Reason => b(it.reason.label(lang)),
            Col::Value => b(r.value.as_deref().unwrap_or("")),
            Col::Note => b(&r.note),
            Col::SelfAmount => Cow::Owned(
                u.self_assessed
                    .as_ref()
                    .and_then(|m| m.amounts[it.index])
                    .map(fmt2)
                    .unwrap_or_default(),
            ),
            _ => b(""),
        }
    }

    /// The cell of a column that depends on the indicator alone (and the
    /// list's deadline, the same for every item); `None` for the others.
    fn of_indicator<'a>(
        self,
        fw: &'a Framework,
        index: usize,
        deadline: Option<Date>,
        lang: Lang,
    ) -> Option<Cow<'a, str>> {
        let ind = &fw.indicators[index];
        let b = |s: &'a str| Cow::Borrowed(s);
        Some(match self {
            Col::Indicator => b(&ind.id),
            Col::Name => b(&ind.name),
            Col::Group => match ind.kind {
                Kind::Base => b(ind.group.map_or("", |g| fw.groups[g].id.as_str())),
                k => b(k.label(lang)),
            },
            Col::Points if ind.kind.is_trigger() => b(""),
            Col::Points => Cow::Owned(fmt_points(ind.points)),
            Col::Standard => b(&ind.standard),
            Col::Remedy => b(&ind.remedy),
            Col::Owner => b(&ind.owner),
            Col::Assessor => b(&ind.assessor),
            Col::Deadline => Cow::Owned(deadline.map(|d| d.to_string()).unwrap_or_default()),
            Col::Status => b(status_label(lang)),
            _ => return None,
        })
    }
}

fn status_label(lang: Lang) -> &'static str {
    lang.pick("未启动", "not started")
}

fn owner_label(owner: &str, lang: Lang) -> String {
    if owner.is_empty() {
        lang.pick("（未指定责任人）", "(no owner given)").to_string()
    } else {
        owner.to_string()
    }
}

fn assessor_label(assessor: &str, lang: Lang) -> String {
    if assessor.is_empty() {
        lang.pick("（未指定考核部门）", "(no assessor given)").to_string()
    } else {
        assessor.to_string()
    }
}

fn table<'a>(
    fw: &Framework,
    a: &Assessment,
    cols: &[Col],
    items: impl Iterator<Item = (usize, &'a Item)>,
    lang: Lang,
) -> Table {
    let heads: Vec<(&str, bool)> = cols.iter().map(|c| c.header(lang)).collect();
    let mut t = Table::new(&heads);
    for (no, it) in items {
        t.push(cols.iter().map(|c| c.cell(fw, a, no, it, lang).into_owned()).collect());
    }
    t
}

/// The columns of a section's table.
fn section_cols(by: By, format: Format) -> Vec<Col> {
    match (by, format) {
        (By::Unit, Format::Table) => vec![
            Col::No,
            Col::Indicator,
            Col::Name,
            Col::Lost,
            Col::Reason,
            Col::Note,
            Col::Remedy,
            Col::Owner,
            Col::Assessor,
            Col::Deadline,
            Col::Status,
        ],
        (By::Owner | By::Assessor, Format::Table) => vec![
            Col::No,
            Col::Unit,
            Col::UnitName,
            Col::Indicator,
            Col::Name,
            Col::Lost,
            Col::Reason,
            Col::Note,
            Col::Remedy,
            // The other role: who checks an owner's items, who fixes an
            // assessor's.
            if by == By::Owner { Col::Assessor } else { Col::Owner },
            Col::Deadline,
            Col::Status,
        ],
        // Markdown: everything but what the section heading says.
        (By::Unit, _) => ALL
            .into_iter()
            .filter(|c| !matches!(c, Col::Unit | Col::UnitName | Col::Category))
            .collect(),
        (By::Owner, _) => ALL.into_iter().filter(|c| *c != Col::Owner).collect(),
        (By::Assessor, _) => ALL.into_iter().filter(|c| *c != Col::Assessor).collect(),
    }
}

/// Display widths (with padding) at which long texts wrap in a terminal.
fn wrap(cols: &[Col]) -> Vec<(usize, u16)> {
    cols.iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let w = match c {
                Col::UnitName => 22,
                Col::Name => 26,
                Col::Note => 32,
                Col::Remedy | Col::Standard => 38,
                _ => return None,
            };
            Some((i, w))
        })
        .collect()
}

/// `3 items`, `1 item`; `3项`.
fn count(n: usize, zh: &str, en: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{n}{zh}"),
        Lang::En if n == 1 => format!("1 {en}"),
        Lang::En => format!("{n} {en}s"),
    }
}

/// `15个单位 · 87项整改 · 整改时限 2024-01-30`: the deadline is every
/// item's, shown when there are items.
fn counts_line(units: usize, items: usize, deadline: Option<Date>, lang: Lang) -> String {
    let mut parts = vec![
        count(units, "个单位", "unit", lang),
        count(items, "项整改", "item", lang),
    ];
    if items > 0
        && let Some(d) = deadline
    {
        parts.push(format!("{} {d}", lang.pick("整改时限", "deadline")));
    }
    parts.join(" · ")
}

fn title(fw: &Framework, a: &Assessment, what: &str) -> String {
    let period = a.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
    format!("{what} · {}{period}", fw.title)
}

/// `乡镇（街道） · 第12名 · 82.24分 · 较好 · 5项`
fn unit_facts(fw: &Framework, u: &UnitResult, n: usize, lang: Lang) -> String {
    let mut s = String::new();
    if !u.category.is_empty() {
        s.push_str(&u.category);
        s.push_str(" · ");
    }
    let score = fmt2(u.totals.score);
    match lang {
        Lang::Zh => {
            s.push('第');
            s.push_str(&u.rank.to_string());
            s.push_str("名 · ");
            s.push_str(&score);
            s.push('分');
        }
        Lang::En => {
            s.push_str("rank ");
            s.push_str(&u.rank.to_string());
            s.push_str(" · ");
            s.push_str(&score);
        }
    }
    s.push_str(" · ");
    s.push_str(&crate::grade::grade_text(fw, u, lang));
    s.push_str(" · ");
    s.push_str(&count(n, "项", "item", lang));
    s
}

/// `宣传部 · 12项 · 8个单位 · 失分20.50`
fn owner_facts(items: &[Item], lang: Lang) -> String {
    let mut units: Vec<usize> = items.iter().map(|i| i.unit).collect();
    units.sort_unstable();
    units.dedup();
    let lost: Decimal = items.iter().filter_map(|i| i.lost).sum();
    let lost = match lang {
        Lang::Zh => format!("失分{}", fmt2(lost)),
        Lang::En => format!("{} points lost", fmt2(lost)),
    };
    [
        count(items.len(), "项", "item", lang),
        count(units.len(), "个单位", "unit", lang),
        lost,
    ]
    .join(" · ")
}

/// The title and counts of a list as text (table or Markdown), and the
/// line saying there is nothing to rectify when there are no items.
pub fn text_head(
    fw: &Framework,
    a: &Assessment,
    units: usize,
    items: usize,
    deadline: Option<Date>,
    lang: Lang,
    format: Format,
) -> String {
    let mut s = String::new();
    let head = title(fw, a, lang.pick("整改清单", "Rectification list"));
    let counts = counts_line(units, items, deadline, lang);
    if format == Format::Md {
        s.push_str(&format!(
            "# {}\n\n{}\n",
            super::markdown_text(&head),
            super::markdown_text(&counts)
        ));
    } else {
        s.push_str(&format!("{head}\n{counts}\n"));
    }
    if items == 0 {
        s.push_str(&format!("\n{}\n", lang.pick("没有整改项。", "Nothing to rectify.")));
    }
    s
}

/// One section of a list as text: its heading, facts, the unit's way to
/// the next grade (`next`) and its items numbered on from `no`.
#[allow(clippy::too_many_arguments)]
pub fn text_section(
    fw: &Framework,
    a: &Assessment,
    sec: &Section,
    next: Option<&NextGrade>,
    by: By,
    lang: Lang,
    format: Format,
    no: &mut usize,
) -> String {
    let cols = section_cols(by, format);
    let mut s = match &sec.key {
        Key::Unit(u) => unit_section_head(fw, &a.units[*u], sec.items.len(), next, lang, format),
        Key::Owner(o) => section_opening(
            &owner_label(o, lang),
            &owner_facts(&sec.items, lang),
            None,
            lang,
            format,
        ),
        Key::Assessor(o) => section_opening(
            &assessor_label(o, lang),
            &owner_facts(&sec.items, lang),
            None,
            lang,
            format,
        ),
    };
    let numbered = sec.items.iter().map(|it| {
        *no += 1;
        (*no, it)
    });
    let t = table(fw, a, &cols, numbered, lang);
    if format == Format::Md {
        s.push_str(&t.to_markdown());
    } else {
        s.push_str(&t.to_terminal_wrapped(&wrap(&cols)));
    }
    s
}

/// What a section opens with, before its table: heading, facts and a way
/// to the next grade.
fn section_opening(heading: &str, facts: &str, advice_line: Option<String>, lang: Lang, format: Format) -> String {
    let mut s = String::new();
    if format == Format::Md {
        s.push_str(&format!(
            "\n## {}\n\n{}\n\n",
            super::markdown_text(heading),
            super::markdown_text(facts)
        ));
        if let Some(adv) = advice_line {
            s.push_str(&format!("**{}**\n\n", super::markdown_text(&adv)));
        }
    } else {
        match lang {
            Lang::Zh => s.push_str(&format!("\n【{heading}】{facts}\n")),
            Lang::En => s.push_str(&format!("\n[{heading}] {facts}\n")),
        }
        if let Some(adv) = advice_line {
            s.push_str(&format!("{adv}\n"));
        }
    }
    s
}

/// What a unit's section (table or Markdown) opens with, before its table
/// of `items` items: heading, facts and the way to the next grade.
pub fn unit_section_head(
    fw: &Framework,
    u: &UnitResult,
    items: usize,
    next: Option<&NextGrade>,
    lang: Lang,
    format: Format,
) -> String {
    section_opening(
        &format!("{} {}", u.unit, u.name),
        &unit_facts(fw, u, items, lang),
        next.map(|ng| advice(fw, ng, lang)),
        lang,
        format,
    )
}

/// A cell of a unit section's row (table or Markdown), for writers that
/// build the rows themselves: one of the item's own, or text fixed by the
/// indicator (as it is, not yet escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowCell {
    No,
    Amount,
    Lost,
    Reason,
    Value,
    Note,
    Fixed(String),
}

/// The table of a unit's sections, for writers that build the rows
/// themselves: the headers (with whether each is numeric), the columns
/// that wrap in a terminal (as `Table::to_terminal_wrapped` takes them)
/// and per indicator the cells of its rows. `deadline` is the list's.
pub struct UnitSectionTable {
    pub headers: Vec<(&'static str, bool)>,
    pub wraps: Vec<(usize, u16)>,
    pub rows: Vec<Vec<RowCell>>,
}

pub fn unit_section_table(fw: &Framework, deadline: Option<Date>, lang: Lang, format: Format) -> UnitSectionTable {
    let cols = section_cols(By::Unit, format);
    let rows = (0..fw.indicators.len())
        .map(|i| {
            cols.iter()
                .map(|c| match c.of_indicator(fw, i, deadline, lang) {
                    Some(text) => RowCell::Fixed(text.into_owned()),
                    None => match c {
                        Col::No => RowCell::No,
                        Col::Amount => RowCell::Amount,
                        Col::Lost => RowCell::Lost,
                        Col::Reason => RowCell::Reason,
                        Col::Value => RowCell::Value,
                        Col::Note => RowCell::Note,
                        // Not in a unit's section: said by its heading.
                        _ => RowCell::Fixed(String::new()),
                    },
                })
                .collect()
        })
        .collect();
    UnitSectionTable {
        headers: cols.iter().map(|c| c.header(lang)).collect(),
        wraps: wrap(&cols),
        rows,
    }
}

/// The CSV ledger's rows, as both paths write them: the cells that depend
/// on the indicator alone, and the reasons' labels, formatted once per
/// list; the cells of a row formula-guarded as [`super::csv_cell`] guards
/// text and quoted as the `csv` writer quotes (only a cell holding a
/// delimiter, a quote or a line end; quotes doubled). Rows end in CRLF.
pub struct CsvLedger {
    /// Per indicator: from the delimiter before its id through the one
    /// after its points, and from the delimiter after the note through the
    /// status.
    parts: Vec<(Vec<u8>, Vec<u8>)>,
    /// Each reason's label as a cell.
    reasons: Vec<(Reason, Vec<u8>)>,
    /// A column of the unit's self-assessed amount after the status.
    with_self: bool,
}

impl CsvLedger {
    /// `deadline` is the list's, the same for every item.
    pub fn new(fw: &Framework, deadline: Option<Date>, lang: Lang, with_self: bool) -> CsvLedger {
        let record = |index: usize, cols: &[Col]| {
            let mut out = Vec::new();
            for c in cols {
                out.push(b',');
                let cell = c.of_indicator(fw, index, deadline, lang).unwrap_or_default();
                let (_, numeric) = c.header(lang);
                push_cell(&mut out, super::csv_cell(&cell, numeric).as_bytes(), false);
            }
            out
        };
        let parts = (0..fw.indicators.len())
            .map(|i| {
                let mut head = record(i, &[Col::Indicator, Col::Name, Col::Group, Col::Points]);
                head.push(b',');
                let tail = record(
                    i,
                    &[
                        Col::Standard,
                        Col::Remedy,
                        Col::Owner,
                        Col::Assessor,
                        Col::Deadline,
                        Col::Status,
                    ],
                );
                (head, tail)
            })
            .collect();
        let reasons = [
            Reason::Veto,
            Reason::Shortfall,
            Reason::Missing,
            Reason::Penalty,
            Reason::Cap,
        ]
        .into_iter()
        .map(|r| {
            let mut v = Vec::new();
            push_cell(&mut v, r.label(lang).as_bytes(), true);
            (r, v)
        })
        .collect();
        CsvLedger {
            parts,
            reasons,
            with_self,
        }
    }

    /// The header row.
    pub fn header(&self, lang: Lang) -> Vec<u8> {
        let mut cols = ALL.to_vec();
        if self.with_self {
            cols.push(Col::SelfAmount);
        }
        let mut out = Vec::new();
        for (k, c) in cols.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            push_cell(&mut out, c.header(lang).0.as_bytes(), true);
        }
        out.extend_from_slice(b"\r\n");
        out
    }

    /// The cells that follow the number in every row of unit `u`.
    pub fn unit_cells(out: &mut Vec<u8>, u: &UnitResult) {
        for cell in [&u.unit, &u.name, &u.category] {
            out.push(b',');
            push_cell(out, cell.as_bytes(), true);
        }
    }

    /// One row, after its number: `unit` is [`CsvLedger::unit_cells`] of
    /// its unit; `amounts` the amount and the points lost (none for a veto
    /// or a cap); `value` and `note` as given.
    #[allow(clippy::too_many_arguments)]
    pub fn row(
        &self,
        out: &mut Vec<u8>,
        unit: &[u8],
        index: usize,
        reason: Reason,
        amounts: Option<(Decimal, Decimal)>,
        value: &[u8],
        note: &[u8],
        self_amount: Option<Decimal>,
    ) {
        out.extend_from_slice(unit);
        let (head, tail) = &self.parts[index];
        out.extend_from_slice(head);
        if let Some((amount, lost)) = amounts {
            crate::num::push2(out, amount);
            out.push(b',');
            crate::num::push2(out, lost);
        } else {
            out.push(b',');
        }
        out.push(b',');
        if let Some((_, label)) = self.reasons.iter().find(|(r, _)| *r == reason) {
            out.extend_from_slice(label);
        }
        for cell in [value, note] {
            out.push(b',');
            push_cell(out, cell, true);
        }
        out.extend_from_slice(tail);
        if self.with_self {
            out.push(b',');
            if let Some(d) = self_amount {
                crate::num::push2(out, d);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// A text cell of the CSV ledger: formula-guarded as [`super::csv_cell`]
/// guards text (when `guard`), then quoted as the `csv` writer quotes.
fn push_cell(out: &mut Vec<u8>, cell: &[u8], guard: bool) {
    let guard = guard && matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    let quote = memchr::memchr3(b',', b'"', b'\n', cell).is_some() || memchr::memchr(b'\r', cell).is_some();
    if quote {
        out.push(b'"');
    }
    if guard {
        out.push(b'\'');
    }
    if quote {
        let mut from = 0;
        for q in memchr::memchr_iter(b'"', cell) {
            out.extend_from_slice(&cell[from..=q]);
            out.push(b'"');
            from = q + 1;
        }
        out.extend_from_slice(&cell[from..]);
        out.push(b'"');
    } else {
        out.extend_from_slice(cell);
    }
}

/// Every item of a list with every column (the CSV ledger).
pub fn full_table(fw: &Framework, a: &Assessment, list: &List, lang: Lang) -> Table {
    table(fw, a, &ALL, list.items(), lang)
}

/// The status every listed item starts with (未启动), in the tool's language.
pub fn start_status(lang: Lang) -> &'static str {
    status_label(lang)
}

/// The CSV ledger of a list (every item, every column) written to `w` row
/// by row: a province's ledger is millions of rows, never held whole.
pub fn write_list_csv(
    w: &mut dyn std::io::Write,
    fw: &Framework,
    a: &Assessment,
    list: &List,
    lang: Lang,
) -> std::io::Result<()> {
    // With a self-assessment, each item's self amount beside the team's.
    let with_self = a.units.iter().any(|u| u.self_assessed.is_some());
    let deadline = list.items().find_map(|(_, it)| it.deadline);
    let ledger = CsvLedger::new(fw, deadline, lang, with_self);
    use std::io::Write;
    let mut w = std::io::BufWriter::new(w);
    w.write_all(&ledger.header(lang))?;
    let (mut row, mut unit, mut last) = (Vec::new(), Vec::new(), None);
    for (no, it) in list.items() {
        let u = &a.units[it.unit];
        if last != Some(it.unit) {
            unit.clear();
            CsvLedger::unit_cells(&mut unit, u);
            last = Some(it.unit);
        }
        let r = &u.indicators[it.index];
        row.clear();
        row.extend_from_slice(no.to_string().as_bytes());
        ledger.row(
            &mut row,
            &unit,
            it.index,
            it.reason,
            it.amount.zip(it.lost),
            r.value.as_deref().unwrap_or("").as_bytes(),
            r.note.as_bytes(),
            u.self_assessed.as_ref().and_then(|m| m.amounts[it.index]),
        );
        w.write_all(&row)?;
    }
    w.flush()
}

/// A rectification list in a format.
pub fn list(fw: &Framework, a: &Assessment, list: &List, by: By, lang: Lang, format: Format) -> String {
    match format {
        Format::Csv => {
            let mut out = Vec::new();
            write_list_csv(&mut out, fw, a, list, lang).expect("writing to memory");
            String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
        }
        Format::Json => super::json::to_string(&list_doc(fw, a, list)),
        Format::Table | Format::Md => text(fw, a, list, by, lang, format),
        Format::Xlsx | Format::Html => {
            unreachable!("deficiencies writes {format:?} with render::xlsx and render::html")
        }
    }
}

fn text(fw: &Framework, a: &Assessment, list: &List, by: By, lang: Lang, format: Format) -> String {
    let md = format == Format::Md;
    let deadline = list.items().next().and_then(|(_, it)| it.deadline);
    let mut s = text_head(fw, a, list.units.len(), list.items().count(), deadline, lang, format);
    let mut no = 0;
    for sec in &list.sections {
        let next = match &sec.key {
            Key::Unit(u) => list.entry(*u).and_then(|e| e.next.as_ref()),
            Key::Owner(_) | Key::Assessor(_) => None,
        };
        s.push_str(&text_section(fw, a, sec, next, by, lang, format, &mut no));
    }
    if by != By::Unit {
        let lines: Vec<String> = list
            .units
            .iter()
            .filter_map(|e| {
                let u = &a.units[e.unit];
                e.next
                    .as_ref()
                    .map(|ng| format!("{} {}{}{}", u.unit, u.name, lang.pick("：", ": "), advice(fw, ng, lang)))
            })
            .collect();
        if !lines.is_empty() {
            let h = lang.pick("各单位晋档路径", "Way to the next grade");
            if md {
                s.push_str(&format!("\n## {h}\n\n"));
                for l in lines {
                    s.push_str(&format!("- {}\n", super::markdown_text(&l)));
                }
            } else {
                s.push_str(&format!("\n{h}\n"));
                for l in lines {
                    s.push_str(&format!("  {l}\n"));
                }
            }
        }
    }
    s
}

// ---- JSON -------------------------------------------------------------------

#[derive(Serialize)]
pub struct FrameworkRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
}

#[derive(Serialize)]
pub struct ListDoc<'a> {
    pub period: Option<&'a str>,
    pub framework: FrameworkRef<'a>,
    pub units: Vec<UnitDoc<'a>>,
    pub deficiencies: Vec<ItemDoc<'a>>,
    /// With `--self`: the items each listed unit assessed above the team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_higher: Option<Vec<SelfHigherDoc<'a>>>,
}

/// An item a unit assessed higher than the team (自评偏高). For a penalty
/// the amounts are what was taken off, negated.
#[derive(Serialize)]
pub struct SelfHigherDoc<'a> {
    pub unit: &'a str,
    pub unit_name: &'a str,
    pub indicator: &'a str,
    pub indicator_name: &'a str,
    #[serde(rename = "self")]
    pub own: Decimal,
    pub team: Decimal,
    pub gap: Decimal,
}

#[derive(Serialize)]
pub struct UnitDoc<'a> {
    pub unit: &'a str,
    pub name: &'a str,
    pub category: Option<&'a str>,
    pub rank: usize,
    pub score: Decimal,
    pub grade: &'a str,
    pub next_grade: Option<NextGradeDoc<'a>>,
}

#[derive(Serialize)]
pub struct NextGradeDoc<'a> {
    pub grade: &'a str,
    pub needed: Decimal,
    pub fixes: Vec<&'a str>,
    pub reachable: bool,
    /// The score once the fixes are made.
    pub score: Decimal,
    /// `veto`, `cap` or `quota` when nothing rectified lifts the unit.
    pub held: Option<&'static str>,
    /// Vetoes, caps and penalties that hold the unit down: no fixes.
    pub holding: Vec<&'a str>,
}

#[derive(Serialize)]
pub struct ItemDoc<'a> {
    pub no: usize,
    pub unit: &'a str,
    pub unit_name: &'a str,
    pub category: Option<&'a str>,
    pub indicator: &'a str,
    pub indicator_name: &'a str,
    pub group: Option<&'a str>,
    pub points: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub lost: Option<Decimal>,
    /// A penalty's share of what penalties took off after the cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deducted: Option<Decimal>,
    pub reason: &'static str,
    pub value: Option<&'a str>,
    pub note: &'a str,
    pub standard: &'a str,
    pub remedy: &'a str,
    pub owner: &'a str,
    pub assessor: &'a str,
    pub deadline: Option<String>,
    pub status: &'static str,
}

/// A framework constant as written (`5`, `2.5`).
pub(crate) fn constant(d: Decimal) -> Decimal {
    let n = d.normalize();
    if n.is_zero() { Decimal::ZERO } else { n }
}

fn category(u: &UnitResult) -> Option<&str> {
    Some(u.category.as_str()).filter(|c| !c.is_empty())
}

/// The list as a JSON document.
pub fn list_doc<'a>(fw: &'a Framework, a: &'a Assessment, list: &List) -> ListDoc<'a> {
    ListDoc {
        period: a.period.as_deref(),
        framework: FrameworkRef {
            id: &fw.id,
            title: &fw.title,
        },
        units: list
            .units
            .iter()
            .map(|e| {
                let u = &a.units[e.unit];
                UnitDoc {
                    unit: &u.unit,
                    name: &u.name,
                    category: category(u),
                    rank: u.rank,
                    score: round2(u.totals.score),
                    grade: &fw.grades[u.grade].name,
                    next_grade: e.next.as_ref().map(|ng| NextGradeDoc {
                        grade: &fw.grades[ng.grade].name,
                        needed: round2(ng.needed),
                        fixes: ng.fixes.iter().map(|f| fw.indicators[f.index].id.as_str()).collect(),
                        reachable: ng.reachable,
                        score: round2(ng.score),
                        held: ng.held.map(Held::as_str),
                        holding: ng.holding.iter().map(|&i| fw.indicators[i].id.as_str()).collect(),
                    }),
                }
            })
            .collect(),
        deficiencies: list
            .items()
            .map(|(no, it)| {
                let u = &a.units[it.unit];
                let ind = &fw.indicators[it.index];
                let r = &u.indicators[it.index];
                ItemDoc {
                    no,
                    unit: &u.unit,
                    unit_name: &u.name,
                    category: category(u),
                    indicator: &ind.id,
                    indicator_name: &ind.name,
                    group: ind.group.map(|g| fw.groups[g].id.as_str()),
                    points: (!ind.kind.is_trigger()).then(|| constant(ind.points)),
                    amount: it.amount.map(round2),
                    lost: it.lost.map(round2),
                    deducted: it.deducted.map(round2),
                    reason: it.reason.as_str(),
                    value: r.value.as_deref(),
                    note: &r.note,
                    standard: &ind.standard,
                    remedy: &ind.remedy,
                    owner: &ind.owner,
                    assessor: &ind.assessor,
                    deadline: it.deadline.map(|d| d.to_string()),
                    status: STATUS,
                }
            })
            .collect(),
        self_higher: a.units.iter().any(|u| u.self_assessed.is_some()).then(|| {
            let listed: Vec<String> = list.unit_ids(a);
            self_higher_items(fw, a, &listed)
                .into_iter()
                .map(|x| {
                    let (u, ind) = (&a.units[x.unit], &fw.indicators[x.indicator]);
                    SelfHigherDoc {
                        unit: &u.unit,
                        unit_name: &u.name,
                        indicator: &ind.id,
                        indicator_name: &ind.name,
                        own: round2(x.own),
                        team: round2(x.team),
                        gap: round2(x.own - x.team),
                    }
                })
                .collect()
        }),
    }
}

// ---- summary ----------------------------------------------------------------

fn pct(s: &Summary, units: usize) -> String {
    format!("{}%", s.share(units))
}

fn opt2(d: Option<Decimal>) -> String {
    d.map(fmt2).unwrap_or_default()
}

fn indicator_table(fw: &Framework, s: &Summary, lang: Lang) -> Table {
    let mut t = Table::new(&[
        (lang.pick("指标", "Indicator"), false),
        (lang.pick("指标名称", "Indicator name"), false),
        (lang.pick("组", "Group"), false),
        (lang.pick("责任人", "Owner"), false),
        (lang.pick("失分单位数", "Units"), true),
        (lang.pick("占比", "Share"), true),
        (lang.pick("合计失分", "Lost"), true),
        (lang.pick("平均失分", "Mean lost"), true),
    ]);
    for x in &s.indicators {
        let ind = &fw.indicators[x.key];
        t.push(vec![
            ind.id.clone(),
            ind.name.clone(),
            match ind.kind {
                Kind::Base => ind.group.map(|g| fw.groups[g].id.clone()).unwrap_or_default(),
                k => k.label(lang).to_string(),
            },
            ind.owner.clone(),
            x.units.to_string(),
            pct(s, x.units),
            opt2(x.lost),
            opt2(x.mean()),
        ]);
    }
    t
}

fn tally_table<K>(s: &Summary, first: &str, rows: &[Tally<K>], key: impl Fn(&K) -> String, lang: Lang) -> Table {
    let mut t = Table::new(&[
        (first, false),
        (lang.pick("项数", "Items"), true),
        (lang.pick("单位数", "Units"), true),
        (lang.pick("占比", "Share"), true),
        (lang.pick("合计失分", "Lost"), true),
    ]);
    for x in rows {
        t.push(vec![
            key(&x.key),
            x.items.to_string(),
            x.units.to_string(),
            pct(s, x.units),
            opt2(x.lost),
        ]);
    }
    t
}

/// The jurisdiction summary as titled tables: indicators most often lost,
/// by reason, by owner.
pub fn summary_tables(fw: &Framework, s: &Summary, lang: Lang) -> Vec<(&'static str, Table)> {
    let reason = |r: &Reason| r.label(lang).to_string();
    let owner = |o: &String| owner_label(o, lang);
    vec![
        (
            lang.pick("失分指标（按失分单位数）", "Indicators most often lost"),
            indicator_table(fw, s, lang),
        ),
        (
            lang.pick("按原因", "By reason"),
            tally_table(s, lang.pick("原因", "Reason"), &s.reasons, reason, lang),
        ),
        (
            lang.pick("按责任人", "By owner"),
            tally_table(s, lang.pick("责任人", "Owner"), &s.owners, owner, lang),
        ),
    ]
}

/// The jurisdiction summary in a format.
pub fn summary(fw: &Framework, a: &Assessment, s: &Summary, lang: Lang, format: Format) -> String {
    let reason = |r: &Reason| r.label(lang).to_string();
    let owner = |o: &String| owner_label(o, lang);
    match format {
        Format::Xlsx | Format::Html => {
            unreachable!("deficiencies writes {format:?} with render::xlsx and render::html")
        }
        Format::Json => super::json::to_string(&summary_doc(fw, a, s)),
        Format::Csv => {
            // One sheet: a dimension column tells indicators, reasons and
            // owners apart.
            let mut t = Table::new(&[
                (lang.pick("维度", "Dimension"), false),
                (lang.pick("项目", "Key"), false),
                (lang.pick("名称", "Name"), false),
                (lang.pick("项数", "Items"), true),
                (lang.pick("单位数", "Units"), true),
                (lang.pick("占比", "Share"), true),
                (lang.pick("合计失分", "Lost"), true),
                (lang.pick("平均失分", "Mean lost"), true),
            ]);
            let dim_ind = lang.pick("指标", "indicator");
            for x in &s.indicators {
                let ind = &fw.indicators[x.key];
                t.push(vec![
                    dim_ind.into(),
                    ind.id.clone(),
                    ind.name.clone(),
                    x.items.to_string(),
                    x.units.to_string(),
                    pct(s, x.units),
                    opt2(x.lost),
                    opt2(x.mean()),
                ]);
            }
            let rest = s
                .reasons
                .iter()
                .map(|x| {
                    (
                        lang.pick("原因", "reason"),
                        reason(&x.key),
                        x.items,
                        x.units,
                        x.lost,
                        x.mean(),
                    )
                })
                .chain(s.owners.iter().map(|x| {
                    (
                        lang.pick("责任人", "owner"),
                        owner(&x.key),
                        x.items,
                        x.units,
                        x.lost,
                        x.mean(),
                    )
                }));
            for (dim, key, items, units, lost, mean) in rest {
                t.push(vec![
                    dim.into(),
                    key,
                    String::new(),
                    items.to_string(),
                    units.to_string(),
                    pct(s, units),
                    opt2(lost),
                    opt2(mean),
                ]);
            }
            t.to_csv()
        }
        Format::Table | Format::Md => {
            let md = format == Format::Md;
            let head = title(fw, a, lang.pick("整改情况汇总", "Rectification summary"));
            let counts = format!(
                "{} · {}",
                count(s.units, "个单位", "unit", lang),
                count(s.items, "项整改", "item", lang)
            );
            let parts = summary_tables(fw, s, lang);
            let mut out = if md {
                format!(
                    "# {}\n\n{}\n",
                    super::markdown_text(&head),
                    super::markdown_text(&counts)
                )
            } else {
                format!("{head}\n{counts}\n")
            };
            for (h, t) in parts {
                if md {
                    out.push_str(&format!("\n## {}\n\n{}", super::markdown_text(h), t.to_markdown()));
                } else {
                    out.push_str(&format!("\n{h}\n{}", t.to_terminal()));
                }
            }
            out
        }
    }
}

#[derive(Serialize)]
pub struct SummaryDoc<'a> {
    pub period: Option<&'a str>,
    pub framework: FrameworkRef<'a>,
    pub units: usize,
    pub items: usize,
    pub indicators: Vec<IndicatorTallyDoc<'a>>,
    pub reasons: Vec<TallyDoc<'a>>,
    pub owners: Vec<TallyDoc<'a>>,
}

#[derive(Serialize)]
pub struct IndicatorTallyDoc<'a> {
    pub indicator: &'a str,
    pub name: &'a str,
    pub group: Option<&'a str>,
    pub owner: &'a str,
    pub units: usize,
    pub share: Decimal,
    pub lost: Option<Decimal>,
    pub mean: Option<Decimal>,
}

#[derive(Serialize)]
pub struct TallyDoc<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<&'a str>,
    pub items: usize,
    pub units: usize,
    pub share: Decimal,
    pub lost: Option<Decimal>,
}

/// The summary as a JSON document.
pub fn summary_doc<'a>(fw: &'a Framework, a: &'a Assessment, s: &'a Summary) -> SummaryDoc<'a> {
    SummaryDoc {
        period: a.period.as_deref(),
        framework: FrameworkRef {
            id: &fw.id,
            title: &fw.title,
        },
        units: s.units,
        items: s.items,
        indicators: s
            .indicators
            .iter()
            .map(|x| {
                let ind = &fw.indicators[x.key];
                IndicatorTallyDoc {
                    indicator: &ind.id,
                    name: &ind.name,
                    group: ind.group.map(|g| fw.groups[g].id.as_str()),
                    owner: &ind.owner,
                    units: x.units,
                    share: s.share(x.units),
                    lost: x.lost,
                    mean: x.mean(),
                }
            })
            .collect(),
        reasons: s
            .reasons
            .iter()
            .map(|x| TallyDoc {
                reason: Some(x.key.as_str()),
                owner: None,
                items: x.items,
                units: x.units,
                share: s.share(x.units),
                lost: x.lost,
            })
            .collect(),
        owners: s
            .owners
            .iter()
            .map(|x| TallyDoc {
                reason: None,
                owner: Some(&x.key),
                items: x.items,
                units: x.units,
                share: s.share(x.units),
                lost: x.lost,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rectify::Fix;

    /// Two items to fix and two penalties that stand, in each language;
    /// a unit held by vetoes or a quota.
    #[test]
    fn advice_names_fixes_and_what_stands_apart() {
        let fw = Framework::embedded().unwrap();
        let of_kind = |kind: Kind| fw.indicators.iter().enumerate().filter(move |(_, i)| i.kind == kind);
        let vetoes: Vec<usize> = of_kind(Kind::Veto).map(|(i, _)| i).take(2).collect();
        let penalties: Vec<usize> = of_kind(Kind::Penalty).map(|(i, _)| i).take(2).collect();
        let base: Vec<usize> = of_kind(Kind::Base).map(|(i, _)| i).take(2).collect();
        let id = |i: usize| fw.indicators[i].id.clone();
        let gain = |s: &str| s.parse::<Decimal>().unwrap();
        let mut ng = NextGrade {
            grade: 2,
            needed: gain("1.5"),
            fixes: vec![
                Fix {
                    index: base[0],
                    gain: gain("1"),
                },
                Fix {
                    index: base[1],
                    gain: gain("0.5"),
                },
            ],
            reachable: true,
            score: gain("61.5"),
            held: None,
            holding: penalties.clone(),
        };
        let grade = &fw.grades[2].name;
        let (b0, b1, p0, p1) = (id(base[0]), id(base[1]), id(penalties[0]), id(penalties[1]));
        assert_eq!(
            advice(&fw, &ng, Lang::Zh),
            format!("距{grade}差1.50分：整改 {b0}（1.00分）+ {b1}（0.50分）即可（扣分项 {p0}、{p1} 不属整改之列）")
        );
        assert_eq!(
            advice(&fw, &ng, Lang::En),
            format!(
                "1.50 points short of {grade}: fix {b0} (+1.00) + {b1} (+0.50) (penalties {p0}, {p1} stand: they are not fixes)"
            )
        );
        ng.held = Some(Held::Veto);
        ng.holding = vec![vetoes[0], vetoes[1], penalties[0]];
        let (v0, v1) = (id(vetoes[0]), id(vetoes[1]));
        assert_eq!(
            advice(&fw, &ng, Lang::Zh),
            format!("一票否决（{v0}、{v1}），本期等次不能提升")
        );
        ng.held = Some(Held::Quota);
        assert_eq!(
            advice(&fw, &ng, Lang::Zh),
            format!("得分已达{grade}，但{grade}等次名额已满（超出比例）")
        );
    }
}

/// One item a unit assessed higher than the team did (自评偏高).
#[derive(Debug, Clone, PartialEq)]
pub struct SelfHigher {
    /// Index into the assessment's units.
    pub unit: usize,
    /// Index into `Framework::indicators`.
    pub indicator: usize,
    /// The unit's own amount and the team's (for a penalty, what was taken
    /// off, as a negative number).
    pub own: Decimal,
    pub team: Decimal,
}

/// Every item a unit (of `units`, or all when empty) self-assessed above
/// the team's amount, units in assessment order, items in framework
/// order. A penalty is what was taken off: self-assessed lower than the
/// team found is the same over-rating seen from the other side, so its
/// amounts are negated.
pub fn self_higher_items(fw: &Framework, a: &Assessment, units: &[String]) -> Vec<SelfHigher> {
    let mut out = Vec::new();
    for (k, u) in a.units.iter().enumerate() {
        if !(units.is_empty() || units.contains(&u.unit)) {
            continue;
        }
        let Some(m) = &u.self_assessed else { continue };
        for r in &u.indicators {
            let ind = &fw.indicators[r.index];
            let (Some(own), Some(team)) = (m.amounts[r.index], r.amount()) else {
                continue;
            };
            let (own, team) = if ind.kind == Kind::Penalty {
                (-own, -team)
            } else {
                (own, team)
            };
            if own > team {
                out.push(SelfHigher {
                    unit: k,
                    indicator: r.index,
                    own,
                    team,
                });
            }
        }
    }
    out
}

/// The items of [`self_higher_items`] as a table: unit, name, indicator,
/// its name, self, team, gap.
pub fn self_higher_table(fw: &Framework, a: &Assessment, units: &[String], lang: Lang) -> Table {
    let mut t = Table::new(&[
        (lang.pick("单位", "Unit"), false),
        (lang.pick("名称", "Name"), false),
        (lang.pick("指标", "Indicator"), false),
        (lang.pick("指标名称", "Indicator name"), false),
        (lang.pick("自评", "Self"), true),
        (lang.pick("考核组", "Team"), true),
        (lang.pick("差值", "Gap"), true),
    ]);
    for x in self_higher_items(fw, a, units) {
        let (u, ind) = (&a.units[x.unit], &fw.indicators[x.indicator]);
        let shown = |d: Decimal| {
            if ind.kind == Kind::Penalty {
                crate::num::signed2(d)
            } else {
                fmt2(d)
            }
        };
        t.push(vec![
            u.unit.clone(),
            u.name.clone(),
            ind.id.clone(),
            ind.name.clone(),
            shown(x.own),
            shown(x.team),
            crate::num::signed2(x.own - x.team),
        ]);
    }
    t
}

/// The heading of the 自评偏高 section.
pub fn self_higher_head(lang: Lang) -> &'static str {
    lang.pick(
        "自评偏高（自评得分高于考核组评分的项目，供反馈）",
        "Self-assessed higher (items the unit scored above the team's amount, for feedback)",
    )
}

/// 自评偏高: the items whose self-assessed amount is above the team's, for
/// feedback to each unit (only `units` when given), as a section after a
/// rectification list (table and Markdown).
pub fn self_higher(fw: &Framework, a: &Assessment, units: &[String], lang: Lang, format: Format) -> String {
    let t = self_higher_table(fw, a, units, lang);
    let head = self_higher_head(lang);

    let n = t.rows.len();
    match format {
        Format::Md => format!(
            "\n## {head}\n\n{}",
            if n == 0 {
                format!("{}\n", lang.pick("无。", "None."))
            } else {
                t.to_markdown()
            }
        ),
        _ => format!(
            "\n{head}\n{}",
            if n == 0 {
                format!("{}\n", lang.pick("无", "none"))
            } else {
                t.to_terminal()
            }
        ),
    }
}
