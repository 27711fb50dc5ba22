//! Evidence collection templates (佐证材料填报表): the sheet an assessor
//! hands each unit, filled in and given back to `kaohe score` unchanged.
//!
//! A template lists every evidence slot of the framework — one per
//! indicator, one per clause of a clause-by-clause item — with what to
//! write in it ([`Input`]), in either evidence shape: *long*, a row per unit
//! and slot with the columns `unit, name, indicator, indicator_name,
//! standard, value, note, source`, or *wide*, a row per unit and a column per
//! slot. The headers are ones the evidence loader reads, so a filled
//! template needs no edits. Rendering (XLSX with dropdowns, or CSV) is
//! `render::template`'s job.

use crate::base::lang::Lang;
use crate::base::num::fmt_points;
use crate::model::framework::{Framework, Indicator, Kind};
use crate::model::rule::Rule;
use crate::render::Table;
use rust_decimal::Decimal;

/// What a unit writes in a slot.
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// 是/否 (a `check` rule, or a veto item).
    YesNo,
    /// A count: a whole number ≥ 0.
    Count,
    /// A quantity ≥ 0; `rate`: a percentage (`95` or `95%`).
    Quantity { rate: bool },
    /// Any number (the thresholds of a `tiers` rule); `rate`: a percentage.
    Number { rate: bool },
    /// The amount itself, 0 to the points (`direct`).
    Amount(Decimal),
    /// One of these names (`levels`).
    Choice(Vec<String>),
    /// Vote counts for these options, `30/12/4/1` (`survey`).
    Votes(Vec<String>),
}

/// Is the item a rate (a percentage), so that the sheet says how to write
/// one? A `target` scored pro rata (no `per`), or an item whose name or
/// standard speaks of a rate (率, %); a `target` with `per` counts things
/// short of a number (每少1次扣2分).
fn is_rate(ind: &Indicator) -> bool {
    let words = |t: &str| t.contains(['率', '%', '％']);
    matches!(ind.rule, Some(Rule::Target { per: None, .. })) || words(&ind.name) || words(&ind.standard)
}

impl Input {
    fn of(ind: &Indicator) -> Input {
        match &ind.rule {
            None => Input::YesNo,
            Some(Rule::Check) => Input::YesNo,
            Some(Rule::Deduct { .. } | Rule::Count { .. } | Rule::Clauses(_)) => Input::Count,
            Some(Rule::Target { .. }) => Input::Quantity { rate: is_rate(ind) },
            Some(Rule::Tiers(_) | Rule::RankPoints { .. } | Rule::Relative { .. } | Rule::VsMean { .. }) => {
                Input::Number { rate: is_rate(ind) }
            }
            Some(Rule::Direct) => Input::Amount(ind.points),
            Some(Rule::Levels(l)) => Input::Choice(l.keys().cloned().collect()),
            Some(Rule::Survey(o)) => Input::Votes(o.iter().map(|(n, _)| n.clone()).collect()),
        }
    }

    /// What to write, in a few words.
    pub fn hint(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Input::YesNo => lang.pick("填“是”或“否”", "yes or no (是/否)").to_string(),
            Input::Count => lang
                .pick("填次数（0或正整数）", "a count (a whole number, 0 or more)")
                .to_string(),
            Input::Quantity { rate: true } | Input::Number { rate: true } => lang
                .pick(
                    "填百分数，可填 95 或 95%（不填 0.95）",
                    "a percentage, 95 or 95% (not 0.95)",
                )
                .to_string(),
            Input::Quantity { rate: false } | Input::Number { rate: false } => {
                lang.pick("填数值", "a number").to_string()
            }
            Input::Amount(p) => {
                let p = fmt_points(*p);
                if zh {
                    format!("填评定得分（0–{p}分）")
                } else {
                    format!("the assessed amount, 0 to {p}")
                }
            }
            Input::Choice(names) => {
                let names = names.join("/");
                if zh {
                    format!("从下拉列表选择：{names}")
                } else {
                    format!("one of {names}")
                }
            }
            Input::Votes(names) => {
                let example: Vec<&str> = ["30", "12", "4", "1", "0", "0", "0", "0"]
                    .into_iter()
                    .cycle()
                    .take(names.len())
                    .collect();
                let (names, example) = (names.join("/"), example.join("/"));
                if zh {
                    format!("按 {names} 顺序填写票数，用“/”分隔，如 {example}")
                } else {
                    format!("vote counts for {names}, separated by /, e.g. {example}")
                }
            }
        }
    }
}

/// One evidence slot of the framework.
#[derive(Debug, Clone)]
pub struct Slot<'a> {
    pub indicator: &'a Indicator,
    /// The evidence key: `A1`, or `B1/a` for a clause.
    pub key: String,
    /// The scoring standard of the slot: the clause's wording for a clause,
    /// else the indicator's.
    pub standard: String,
    pub input: Input,
}

impl Slot<'_> {
    /// The full hint: what to write, what a clause counts, and 不适用 where
    /// the framework allows it.
    pub fn hint(&self, lang: Lang) -> String {
        let mut h = self.input.hint(lang);
        if matches!(self.indicator.rule, Some(Rule::Clauses(_))) {
            h.push_str(lang.pick(
                "（填未达要求的次数，达到要求填0）",
                " (how many times the clause was not met; 0 if it was)",
            ));
        }
        match self.indicator.kind {
            Kind::Veto => h.push_str(lang.pick("（“是”即一票否决）", " (yes triggers the veto)")),
            Kind::Cap => h.push_str(lang.pick("（“是”即限制等次）", " (yes caps the grade)")),
            _ => {}
        }
        if self.indicator.exempt {
            h.push_str(lang.pick("；不涉及的填“不适用”", "; 不适用 if it does not apply"));
        }
        h
    }
}

/// Every slot a unit fills for itself, in framework order: all but the
/// items scored by raters (评委打分), which each rater fills on a sheet of
/// their own ([`rater_slots`]).
pub fn slots(fw: &Framework) -> Vec<Slot<'_>> {
    slots_of(fw, false)
}

/// The items scored by raters, in framework order: one rater's sheet.
pub fn rater_slots(fw: &Framework) -> Vec<Slot<'_>> {
    slots_of(fw, true)
}

fn slots_of(fw: &Framework, raters: bool) -> Vec<Slot<'_>> {
    let mut out = Vec::new();
    for ind in fw.indicators.iter().filter(|i| i.raters.is_some() == raters) {
        let input = Input::of(ind);
        match &ind.rule {
            Some(Rule::Clauses(clauses)) => {
                for (i, c) in clauses.iter().enumerate() {
                    out.push(Slot {
                        indicator: ind,
                        key: ind.slot_key(i),
                        standard: if c.text.is_empty() {
                            ind.standard.clone()
                        } else {
                            c.text.clone()
                        },
                        input: input.clone(),
                    });
                }
            }
            _ => out.push(Slot {
                indicator: ind,
                key: ind.id.clone(),
                standard: ind.standard.clone(),
                input,
            }),
        }
    }
    out
}

/// The evidence headers, in the tool's language; all are ones the evidence
/// loader reads.
pub struct Headers {
    pub unit: &'static str,
    pub name: &'static str,
    pub indicator: &'static str,
    pub indicator_name: &'static str,
    pub standard: &'static str,
    pub value: &'static str,
    pub note: &'static str,
    pub source: &'static str,
    pub rater: &'static str,
}

pub fn headers(lang: Lang) -> Headers {
    match lang {
        Lang::Zh => Headers {
            unit: "单位",
            name: "单位名称",
            indicator: "指标",
            indicator_name: "指标名称",
            standard: "评分标准",
            value: "完成情况",
            note: "备注",
            source: "佐证材料",
            rater: "评分人",
        },
        Lang::En => Headers {
            unit: "unit",
            name: "name",
            indicator: "indicator",
            indicator_name: "indicator_name",
            standard: "standard",
            value: "value",
            note: "note",
            source: "source",
            rater: "rater",
        },
    }
}

/// The units a template is for: (id, name). Empty means "not known": the
/// long template then has one block with the unit left for the unit to fill.
pub type UnitList = Vec<(String, String)>;

/// Column of the value in the long table (the first column a unit fills).
pub const LONG_VALUE_COL: usize = 5;

/// Long shape: a row per unit and slot. With `rater`, one rater's sheet:
/// the items scored by raters, the rater's name in a column of its own
/// (after the value) in place of the supporting documents.
pub fn long_table(fw: &Framework, units: &UnitList, rater: Option<&str>, lang: Lang) -> Table {
    let h = headers(lang);
    let (seventh, eighth) = match rater {
        Some(_) => (h.rater, h.note),
        None => (h.note, h.source),
    };
    let mut t = Table::new(&[
        (h.unit, false),
        (h.name, false),
        (h.indicator, false),
        (h.indicator_name, false),
        (h.standard, false),
        (h.value, false),
        (seventh, false),
        (eighth, false),
    ]);
    let blank = vec![(String::new(), String::new())];
    let units = if units.is_empty() { &blank } else { units };
    let slots = match rater {
        Some(_) => rater_slots(fw),
        None => slots(fw),
    };
    for (id, name) in units {
        for s in &slots {
            t.push(vec![
                id.clone(),
                name.clone(),
                s.key.clone(),
                s.indicator.name.clone(),
                s.standard.clone(),
                String::new(),
                rater.unwrap_or_default().to_string(),
                String::new(),
            ]);
        }
    }
    t
}

/// Wide shape: a row per unit, a column per slot after unit and name.
pub fn wide_table(fw: &Framework, units: &UnitList, lang: Lang) -> Table {
    let h = headers(lang);
    let mut t = Table::new(&[(h.unit, false), (h.name, false)]);
    let slots = slots(fw);
    for s in &slots {
        t.column(s.key.clone(), false);
    }
    for (id, name) in units {
        let mut row = vec![id.clone(), name.clone()];
        row.extend(slots.iter().map(|_| String::new()));
        t.push(row);
    }
    t
}

/// The indicators with their points, standards and what to write (the
/// second sheet of a workbook template).
pub fn indicator_table(fw: &Framework, lang: Lang) -> Table {
    let mut t = Table::new(&[
        (lang.pick("指标", "Indicator"), false),
        (lang.pick("一级指标", "Group"), false),
        (lang.pick("名称", "Name"), false),
        (lang.pick("类型", "Kind"), false),
        (lang.pick("分值", "Points"), true),
        (lang.pick("评分标准", "Standard"), false),
        (lang.pick("评分规则", "Rule"), false),
        (lang.pick("填写要求", "What to write"), false),
        (lang.pick("可填不适用", "May be N/A"), false),
    ]);
    let slots = slots(fw);
    for ind in &fw.indicators {
        let mine: Vec<&Slot> = slots.iter().filter(|s| std::ptr::eq(s.indicator, ind)).collect();
        let write = if mine.len() > 1 {
            let per: Vec<String> = mine.iter().map(|s| format!("{}：{}", s.key, s.standard)).collect();
            format!("{}\n{}", mine[0].hint(lang), per.join("\n"))
        } else {
            mine.first().map(|s| s.hint(lang)).unwrap_or_default()
        };
        let group = ind
            .group
            .map(|g| format!("{} {}", fw.groups[g].id, fw.groups[g].name))
            .unwrap_or_default();
        t.push(vec![
            ind.id.clone(),
            group,
            ind.name.clone(),
            ind.kind.label(lang).to_string(),
            if ind.kind.is_trigger() {
                String::new()
            } else {
                fmt_points(ind.points)
            },
            ind.standard.clone(),
            ind.describe_rule(lang),
            write,
            if ind.exempt {
                lang.pick("是", "yes")
            } else {
                lang.pick("否", "no")
            }
            .to_string(),
        ]);
    }
    t
}

/// The instructions on a workbook template's cover sheet, one paragraph a
/// line.
pub fn instructions(fw: &Framework, wide: bool, units_known: bool, lang: Lang) -> Vec<String> {
    instructions_for(fw, wide, units_known, None, lang)
}

/// [`instructions`], for a rater's sheet when `rater` is given: how to
/// score; and on a unit's own sheet, where the rater items went.
pub fn instructions_for(fw: &Framework, wide: bool, units_known: bool, rater: Option<&str>, lang: Lang) -> Vec<String> {
    let rated: Vec<String> = rater_slots(fw).iter().map(|s| s.key.clone()).collect();
    if let Some(r) = rater {
        let h = headers(lang);
        let sheet = lang.pick("佐证", "Evidence");
        return vec![
            crate::base::lang::msg!(
                zh: "本表是评委 {r} 的评分表：在“{sheet}”表中，每行是一个单位的一项评委打分指标（{}），请在“{}”列填写您对该单位的评分，在“{}”列简述理由。",
                en: "This is rater {r}'s sheet: in the “{sheet}” sheet each row is one unit's item scored by raters ({}); write your score for the unit in “{}” and a short reason in “{}”.",
                rated.join(lang.pick("、", ", ")),
                h.value,
                h.note
            ),
            crate::base::lang::msg!(
                zh: "“{}”列已填好您的姓名，请勿修改；灰色的列请勿修改，不要改动表头。每位评委各填一张表，交回后一并评分。",
                en: "Your name is filled in under “{}”: do not change it, the grey columns or the header. Every rater fills a sheet of their own; all are scored together.",
                h.rater
            ),
        ];
    }
    let mut v = instructions_body(fw, wide, units_known, lang);
    if !rated.is_empty() {
        v.push(crate::base::lang::msg!(
            zh: "由评委打分的指标（{}）不在本表中，由各位评委另行填写评委评分表（kaohe template --rater 姓名）。",
            en: "The items scored by raters ({}) are not in this sheet: each rater fills a rater's sheet of their own (kaohe template --rater NAME).",
            rated.join(lang.pick("、", ", "))
        ));
    }
    v
}

fn instructions_body(fw: &Framework, wide: bool, units_known: bool, lang: Lang) -> Vec<String> {
    let h = headers(lang);
    let sheet = lang.pick("佐证", "Evidence");
    let indicators = lang.pick("指标", "Indicators");
    let zh = lang == Lang::Zh;
    let mut v = Vec::new();
    if zh {
        if wide {
            v.push(format!(
                "在“{sheet}”表中，每行是一个单位，每列是一项指标（列名为指标编号，上方一行为指标名称）：在单位所在行、指标所在列填写完成情况。"
            ));
        } else {
            v.push(format!(
                "在“{sheet}”表中，每行是一个单位的一项指标：在“{}”列填写数值或选项，在“{}”列简述情况，在“{}”列写明材料名称或文号。",
                h.value, h.note, h.source
            ));
        }
        if units_known {
            v.push("灰色的列已预先填好，请勿修改；不要增删列，不要改动表头。".to_string());
        } else {
            v.push(format!(
                "请在“{}”列填写本单位编号（每行都要填），“{}”列填写单位名称；灰色的列请勿修改，不要改动表头。",
                h.unit, h.name
            ));
        }
        v.push("是/否类指标从下拉列表选择“是”或“否”；等次类指标（如 好/较好/一般/差）从下拉列表选择。".to_string());
        v.push("次数类指标填写整数，没有发生的填 0；比率可填 95 或 95%。".to_string());
        v.push("分条扣分的指标（如 B1/a、B1/b）每条单独填写，填未达要求的次数，达到要求的填 0。".to_string());
        v.push("民主测评填写各选项的票数，用“/”分隔，如 30/12/4/1。".to_string());
        v.push(format!(
            "不涉及的指标填写“不适用”，仅限“{indicators}”表中“可填不适用”为“是”的指标。"
        ));
        v.push(match fw.missing {
            crate::model::framework::Missing::Zero => "未填写的指标视为无佐证材料，不得分。".to_string(),
            crate::model::framework::Missing::Error => "每项指标都必须填写，缺项将无法计分。".to_string(),
        });
        v.push(format!(
            "各指标的分值、评分标准和填写要求见“{indicators}”表。填好后保存为 .xlsx 文件交回即可，无需另行整理。"
        ));
    } else {
        if wide {
            v.push(format!(
                "In the “{sheet}” sheet each row is a unit and each column an indicator (headed by its id, its name in the row above): write the evidence where they meet."
            ));
        } else {
            v.push(format!(
                "In the “{sheet}” sheet each row is one indicator of one unit: write the value in “{}”, a short account in “{}” and the supporting documents in “{}”.",
                h.value, h.note, h.source
            ));
        }
        if units_known {
            v.push("The grey columns are filled in already: do not change them, add or remove columns, or edit the header.".to_string());
        } else {
            v.push(format!(
                "Write your unit's id in “{}” on every row and its name in “{}”; do not change the grey columns or the header.",
                h.unit, h.name
            ));
        }
        v.push("Yes/no items and graded items (好/较好/一般/差) are chosen from the dropdown list.".to_string());
        v.push("Counts are whole numbers, 0 when nothing happened; a rate may be written 95 or 95%.".to_string());
        v.push(
            "Items scored clause by clause (B1/a, B1/b, …) take one value per clause: how many times it was not met, 0 if it was."
                .to_string(),
        );
        v.push("A survey (民主测评) takes the vote counts separated by /, e.g. 30/12/4/1.".to_string());
        v.push(format!(
            "Write 不适用 for an item that does not apply, only where the “{indicators}” sheet says it may be N/A."
        ));
        v.push(match fw.missing {
            crate::model::framework::Missing::Zero => {
                "An item left empty counts as having no evidence and scores 0.".to_string()
            }
            crate::model::framework::Missing::Error => {
                "Every item must be filled in: a missing one stops the scoring.".to_string()
            }
        });
        v.push(format!(
            "Points, standards and what to write for each indicator are in the “{indicators}” sheet. Save the filled sheet as .xlsx and send it back as it is."
        ));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slot_of_the_embedded_framework() {
        let fw = Framework::embedded().unwrap();
        let s = slots(&fw);
        let keys: Vec<&str> = s.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(&keys[..8], ["A1", "A2", "A3", "A4/a", "A4/b", "A5/a", "A5/b", "B1/a"]);
        let b1a = &s[7];
        assert_eq!(b1a.standard, "未制定年度学习计划或计划中无意识形态专题的扣2分");
        assert_eq!(
            b1a.hint(Lang::Zh),
            "填次数（0或正整数）（填未达要求的次数，达到要求填0）"
        );
        let b4 = s.iter().find(|s| s.key == "B8").unwrap();
        assert_eq!(
            b4.input,
            Input::Choice(vec!["好".into(), "较好".into(), "一般".into(), "差".into()])
        );
        let c5 = s.iter().find(|s| s.key == "C5").unwrap();
        assert_eq!(
            c5.hint(Lang::En),
            "a count (a whole number, 0 or more); 不适用 if it does not apply"
        );
    }

    #[test]
    fn long_and_wide_shapes() {
        let fw = Framework::embedded().unwrap();
        let units = vec![("T01".to_string(), "城关镇党委".to_string())];
        let n = slots(&fw).len();
        let long = long_table(&fw, &units, None, Lang::Zh);
        assert_eq!(long.rows.len(), n);
        assert_eq!(long.headers[LONG_VALUE_COL], "完成情况");
        assert_eq!(long_table(&fw, &Vec::new(), None, Lang::Zh).rows[0][0], "");
        let wide = wide_table(&fw, &units, Lang::En);
        assert_eq!(wide.headers.len(), n + 2);
        assert_eq!(wide.rows.len(), 1);
    }
}
