//! `kaohe robust` as a table, CSV, Markdown and JSON.

use super::{Format, Table};
use crate::base::lang::Lang;
use crate::base::num::fmt2;
use crate::engine::robust::Robustness;
use crate::engine::score::Assessment;
use crate::model::framework::Framework;
use rust_decimal::Decimal;
use serde::Serialize;

/// A share as a percentage for people: `97.5%`.
pub fn percent(share: Decimal) -> String {
    let p =
        (share * Decimal::from(100)).round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    format!("{}%", p.normalize())
}

/// The rank interval: `3–5`, or `3` when the ends meet.
pub fn interval(lo: usize, hi: usize) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}–{hi}")
    }
}

/// One row per unit, in the nominal rank order.
pub fn table(fw: &Framework, a: &Assessment, r: &Robustness, lang: Lang) -> Table {
    let mut t = Table::new(&[
        (lang.pick("排名", "Rank"), true),
        (lang.pick("单位", "Unit"), false),
        (lang.pick("名称", "Name"), false),
        (lang.pick("得分", "Score"), true),
        (lang.pick("等次", "Grade"), false),
        (lang.pick("中位排名", "Median rank"), true),
        (lang.pick("排名区间(5%–95%)", "Ranks 5%–95%"), true),
    ]);
    for g in &fw.grades {
        t.column(g.name.clone(), true);
    }
    t.column(lang.pick("等次不确定", "Grade uncertain"), false);
    for s in &r.units {
        let u = &a.units[s.unit];
        let mut row = vec![
            u.rank.to_string(),
            u.unit.clone(),
            u.name.clone(),
            fmt2(u.totals.score),
            fw.grades[u.grade].name.clone(),
            s.median_rank.to_string(),
            interval(s.rank_p5, s.rank_p95),
        ];
        row.extend((0..fw.grades.len()).map(|g| percent(r.share(s, g))));
        row.push(
            if r.uncertain(s, u.grade) {
                lang.pick("是", "yes")
            } else {
                ""
            }
            .to_string(),
        );
        t.push(row);
    }
    t
}

/// The lines above the table: what was drawn.
pub fn head(fw: &Framework, a: &Assessment, r: &Robustness, lang: Lang) -> String {
    let uncertain = r.units.iter().filter(|s| r.uncertain(s, a.units[s.unit].grade)).count();
    let j = percent(Decimal::new(r.plan.jitter, 6));
    let period = a.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
    match lang {
        Lang::Zh => format!(
            "排名稳健性：{}{period} · {} 个单位\n抽样 {} 次，各基础指标分值在 ±{j} 内随机扰动后重新折算为满分 {}（随机种子 {}）；加分、扣分、一票否决、等次限制和比例不变\n等次不确定（少于 90% 的抽样得到现等次）：{uncertain} 个单位\n",
            fw.title,
            a.units.len(),
            r.plan.draws,
            crate::base::num::fmt_points(fw.total),
            r.plan.seed
        ),
        Lang::En => format!(
            "Ranking robustness: {}{period} · {} units\n{} draws, every base indicator's points varied within ±{j} and rescaled to the total {} (seed {}); bonuses, penalties, vetoes, caps and quotas unchanged\nGrade uncertain (under 90 % of draws give the grade held): {uncertain} units\n",
            fw.title,
            a.units.len(),
            r.plan.draws,
            crate::base::num::fmt_points(fw.total),
            r.plan.seed
        ),
    }
}

#[derive(Serialize)]
struct Doc<'a> {
    framework: &'a str,
    period: Option<&'a str>,
    draws: u32,
    jitter: Decimal,
    seed: u64,
    units: Vec<UnitDoc<'a>>,
}

#[derive(Serialize)]
struct UnitDoc<'a> {
    unit: &'a str,
    rank: usize,
    score: Decimal,
    grade: &'a str,
    median_rank: usize,
    rank_p5: usize,
    rank_p95: usize,
    grades: indexmap::IndexMap<&'a str, Decimal>,
}

/// `robust` in a text format.
pub fn render(fw: &Framework, a: &Assessment, r: &Robustness, lang: Lang, format: Format) -> String {
    match format {
        Format::Table => format!("{}\n{}", head(fw, a, r, lang), table(fw, a, r, lang).to_terminal()),
        Format::Md => format!(
            "{}\n\n{}",
            super::markdown_text(&head(fw, a, r, lang)).replace('\n', "\n\n"),
            table(fw, a, r, lang).to_markdown()
        ),
        Format::Csv => table(fw, a, r, lang).to_csv(),
        Format::Json => super::json::to_string(&Doc {
            framework: &fw.id,
            period: a.period.as_deref(),
            draws: r.plan.draws,
            jitter: Decimal::new(r.plan.jitter, 6).normalize(),
            seed: r.plan.seed,
            units: r
                .units
                .iter()
                .map(|s| {
                    let u = &a.units[s.unit];
                    UnitDoc {
                        unit: &u.unit,
                        rank: u.rank,
                        score: crate::base::num::round2(u.totals.score),
                        grade: &fw.grades[u.grade].name,
                        median_rank: s.median_rank,
                        rank_p5: s.rank_p5,
                        rank_p95: s.rank_p95,
                        grades: fw
                            .grades
                            .iter()
                            .enumerate()
                            .map(|(g, grade)| (grade.name.as_str(), r.share(s, g).round_dp(6).normalize()))
                            .collect(),
                    }
                })
                .collect(),
        }),
        Format::Xlsx | Format::Html => unreachable!("robust writes {format:?} elsewhere"),
    }
}
