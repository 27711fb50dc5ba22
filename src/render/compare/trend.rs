//! `trend`: several periods, a unit per row.

use super::diff::side_line;
use super::json::trend_doc;
use super::words::*;
use crate::base::lang::Lang;
use crate::base::num::round2;
use crate::engine::compare::{Standing, Trend, sparkline};
use crate::render::{Format, Table};
use rust_decimal::Decimal;

/// The trend table; `full` = CSV (score, rank and grade per period).
pub fn trend_table(t: &Trend, lang: Lang, full: bool) -> Table {
    let mut tab = Table::new(&[(lang.pick("单位", "Unit"), false), (lang.pick("名称", "Name"), false)]);
    for p in &t.periods {
        if full {
            tab.column(format!("{} {}", lang.pick("得分", "Score"), p.label), true);
            tab.column(format!("{} {}", lang.pick("排名", "Rank"), p.label), true);
            tab.column(format!("{} {}", lang.pick("等次", "Grade"), p.label), false);
        } else {
            tab.column(p.label.clone(), true);
        }
    }
    if !full {
        tab.column(lang.pick("走势", "Trend"), false);
    }
    tab.column(lang.pick("变化", "Change"), true);
    if !full {
        tab.column(lang.pick("排名", "Ranks"), false);
    }
    tab.column(lang.pick("名次变化", "Rank ±"), true);
    if !full {
        tab.column(lang.pick("等次", "Grades"), false);
    }
    for r in &t.units {
        let mut row = vec![r.unit.clone(), r.name.clone()];
        for s in &r.standings {
            row.push(opt(s.as_ref(), |s| round2(s.score).to_string()));
            if full {
                row.push(opt(s.as_ref(), |s| s.rank.to_string()));
                row.push(opt(s.as_ref(), |s| s.grade.clone()));
            }
        }
        let path = |f: &dyn Fn(&Standing) -> String| {
            r.standings
                .iter()
                .map(|s| s.as_ref().map_or_else(|| "-".to_string(), f))
                .collect::<Vec<_>>()
                .join("→")
        };
        if !full {
            let scores: Vec<Option<Decimal>> = r.standings.iter().map(|s| s.as_ref().map(|s| s.score)).collect();
            row.push(sparkline(&scores));
        }
        row.push(opt(r.delta, signed));
        if !full {
            row.push(path(&|s| s.rank.to_string()));
        }
        row.push(opt(r.rank_change, signed_int));
        if !full {
            // A grade a rule lowered says which: 良好（超出比例）.
            row.push(path(&|s| match s
                .grade_reason
                .as_deref()
                .and_then(crate::engine::score::GradeReason::parse)
            {
                Some(r) if lang == Lang::Zh => format!("{}（{}）", s.grade, r.label(lang)),
                Some(r) => format!("{} ({})", s.grade, r.label(lang)),
                None => s.grade.clone(),
            }));
        }
        tab.push(row);
    }
    tab
}

/// `trend` in a format.
pub fn trend(t: &Trend, lang: Lang, format: Format) -> String {
    let labels: Vec<&str> = t.periods.iter().map(|p| p.label.as_str()).collect();
    let title = format!(
        "{}{}{}",
        lang.pick("考核结果走势", "Trend"),
        lang.pick("：", ": "),
        labels.join(" → ")
    );
    let head: Vec<String> = t
        .periods
        .iter()
        .map(|p| side_line(&p.label, p, lang))
        .chain(std::iter::once(format!(
            "{}{}{}",
            lang.pick("走势", "Trend"),
            lang.pick("：", ": "),
            lang.pick(
                "各单位得分按自身最低至最高分缩放（▁ 最低，█ 最高，▄ 各期相同）",
                "each unit's scores scaled to its own lowest–highest (▁ lowest, █ highest, ▄ all equal)"
            )
        )))
        .collect();
    match format {
        Format::Xlsx | Format::Html => unreachable!("trend writes XLSX with render::xlsx and refuses HTML"),
        Format::Table => format!(
            "{title}\n{}\n\n{}",
            head.join("\n"),
            trend_table(t, lang, false).to_terminal()
        ),
        Format::Md => format!(
            "# {}\n\n{}\n\n{}",
            crate::render::markdown_text(&title),
            head.iter()
                .map(|l| format!("- {}", crate::render::markdown_text(l)))
                .collect::<Vec<_>>()
                .join("\n"),
            trend_table(t, lang, false).to_markdown()
        ),
        Format::Csv => trend_table(t, lang, true).to_csv(),
        Format::Json => crate::render::json::to_string(&trend_doc(t)),
    }
}
