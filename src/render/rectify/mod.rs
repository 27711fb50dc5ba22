//! Rectification lists (整改清单) and the jurisdiction summary as text: a
//! terminal table per section, a Markdown document, a flat CSV ledger and
//! JSON (schema in docs/deficiencies.md).
//!
//! The terminal table keeps the columns a unit works from (what was lost,
//! why, the remedy, who, by when); CSV, Markdown and JSON carry every
//! column, including the scoring standard and the evidence.

use super::{Format, Table};
use crate::base::lang::Lang;
use crate::base::num::{fmt_points, fmt2, round2};
use crate::engine::rectify::{By, Held, Item, Key, List, NextGrade, STATUS, Section, Summary, Tally};
use crate::engine::score::{Assessment, Reason, UnitResult};
use crate::model::framework::{Framework, Kind};
use jiff::civil::Date;
use rust_decimal::Decimal;
use serde::Serialize;
use std::borrow::Cow;

mod csv;
mod json;
mod self_higher;
mod summary;
mod text;

pub use csv::*;
pub use json::*;
pub use self_higher::*;
pub use summary::*;
pub use text::*;

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
    s.push_str(&crate::engine::grade::grade_text(fw, u, lang));
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

/// The columns of every item of a list with every column (the CSV
/// ledger); its rows are [`full_rows`].
pub fn full_head(lang: Lang) -> Table {
    let heads: Vec<(&str, bool)> = ALL.iter().map(|c| c.header(lang)).collect();
    Table::new(&heads)
}

/// Each row of [`full_head`]'s table, given to `each` in turn: a
/// province's list is never held as text.
pub fn full_rows<E>(
    fw: &Framework,
    a: &Assessment,
    list: &List,
    lang: Lang,
    each: &mut dyn FnMut(&[String]) -> Result<(), E>,
) -> Result<(), E> {
    for (no, it) in list.items() {
        let row: Vec<String> = ALL.iter().map(|c| c.cell(fw, a, no, it, lang).into_owned()).collect();
        each(&row)?;
    }
    Ok(())
}

/// The status every listed item starts with (未启动), in the tool's language.
pub fn start_status(lang: Lang) -> &'static str {
    status_label(lang)
}

/// A rectification list in a format.
pub fn list(fw: &Framework, a: &Assessment, list: &List, by: By, lang: Lang, format: Format) -> String {
    match format {
        Format::Csv => {
            let mut out = Vec::new();
            write_list_csv(&mut out, fw, a, list, lang).expect("writing to memory");
            String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
        }
        Format::Json => {
            let mut out = Vec::new();
            write_list_json(&mut out, fw, a, list).expect("writing to memory");
            String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
        }
        Format::Table | Format::Md => text(fw, a, list, by, lang, format),
        Format::Xlsx | Format::Html => {
            unreachable!("deficiencies writes {format:?} with render::xlsx and render::html")
        }
    }
}

// ---- JSON -------------------------------------------------------------------

fn category(u: &UnitResult) -> Option<&str> {
    Some(u.category.as_str()).filter(|c| !c.is_empty())
}

// ---- summary ----------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rectify::Fix;

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
