//! `diff`: two periods side by side, as tables, Markdown and CSV.

use super::json::diff_doc;
use super::words::*;
use crate::base::lang::Lang;
use crate::base::num::{fmt_points, round2};
use crate::engine::compare::{Comparison, Fate, IndicatorRevision, Mover, Presence, Side, Standing};
use crate::render::{Format, Table};

pub(super) fn side_line(label: &str, s: &Side, lang: Lang) -> String {
    format!(
        "{label}{}{} [{}] · {} {}",
        lang.pick("：", ": "),
        s.title,
        s.framework,
        s.units,
        lang.pick("个单位", "units")
    )
}

fn framework_line(c: &Comparison, lang: Lang) -> String {
    let f = &c.framework;
    let colon = lang.pick("：", ": ");
    if !f.revised() {
        let how = if f.same {
            format!(
                "{}（sha256 {}）",
                lang.pick("相同", "same"),
                &c.new.sha256[..c.new.sha256.len().min(12)]
            )
        } else {
            lang.pick("指标未修订", "no indicator revised").to_string()
        };
        let how = if lang == Lang::En {
            how.replace('（', " (").replace('）', ")")
        } else {
            how
        };
        return format!("{}{colon}{how}", lang.pick("指标体系", "Framework"));
    }
    let ids = if c.old.framework == c.new.framework {
        c.new.framework.clone()
    } else {
        format!("{} → {}", c.old.framework, c.new.framework)
    };
    let mut s = format!(
        "{}{colon}{} ({ids}){colon}{} {} · {} {} · {} {} · {} {} · {} {} · {} {}",
        lang.pick("指标体系", "Framework"),
        lang.pick("有修订", "revised"),
        lang.pick("新增", "added"),
        f.added(),
        lang.pick("删除", "removed"),
        f.removed(),
        lang.pick("调整分值", "re-pointed"),
        f.repointed(),
        lang.pick("调整规则", "rule changed"),
        f.rule_changed(),
        lang.pick("调整分组", "regrouped"),
        f.regrouped(),
        lang.pick("合计", "indicators changed"),
        f.changed(),
    );
    if lang == Lang::Zh {
        s = s.replace(" (", "（").replace(")：", "）：");
    }
    if f.old_total != f.new_total {
        s.push_str(&format!(
            " · {} {} → {}",
            lang.pick("基础分总分", "total"),
            fmt_points(f.old_total),
            fmt_points(f.new_total)
        ));
    }
    if f.grades_changed {
        let show = |g: &[crate::reading::result::GradeDef]| {
            g.iter()
                .map(|g| format!("{}≥{}", g.name, fmt_points(g.min)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        s.push_str(&format!(
            " · {} {} → {}",
            lang.pick("等次标准", "grades"),
            show(&f.old_grades),
            show(&f.new_grades)
        ));
    }
    s
}

/// The summary lines above the tables.
pub fn diff_head(c: &Comparison, lang: Lang) -> Vec<String> {
    let s = &c.summary;
    let (lo, ln) = side_labels(c, lang);
    let mut lines = vec![
        side_line(lo, &c.old, lang),
        side_line(ln, &c.new, lang),
        framework_line(c, lang),
    ];
    lines.push(match lang {
        Lang::Zh => format!(
            "单位：两期均有 {} · 新增 {} · 撤销 {}；得分上升 {} · 下降 {} · 持平 {}",
            s.compared, s.added, s.removed, s.rose, s.fell, s.unchanged
        ),
        Lang::En => format!(
            "Units: {} in both · {} added · {} removed; {} rose · {} fell · {} unchanged",
            s.compared, s.added, s.removed, s.rose, s.fell, s.unchanged
        ),
    });
    if let (Some(mean), Some(median)) = (s.mean_delta, s.median_delta) {
        lines.push(match lang {
            Lang::Zh => format!("得分变化：平均 {} · 中位数 {}", signed(mean), signed(median)),
            Lang::En => format!("Score change: mean {} · median {}", signed(mean), signed(median)),
        });
    }
    let grades: Vec<String> = s
        .grades
        .iter()
        .map(|g| format!("{} {} → {}", g.name, g.old, g.new))
        .collect();
    lines.push(match lang {
        Lang::Zh => format!(
            "等次分布：{}；升档 {} · 降档 {}{}",
            grades.join(" · "),
            s.grade_up,
            s.grade_down,
            if s.grade_by_rule > 0 {
                format!("（{} 个单位的等次变化由等次规则而非得分引起）", s.grade_by_rule)
            } else {
                String::new()
            }
        ),
        Lang::En => format!(
            "Grades: {}; {} up · {} down{}",
            grades.join(" · "),
            s.grade_up,
            s.grade_down,
            if s.grade_by_rule > 0 {
                format!(" ({} moved by grade rules, not by score)", s.grade_by_rule)
            } else {
                String::new()
            }
        ),
    });
    let movers = |v: &[crate::engine::compare::NotableChange]| {
        if v.is_empty() {
            return lang.pick("无", "none").to_string();
        }
        v.iter()
            .map(|m| format!("{} {} {}", m.unit, m.name, signed(m.delta)))
            .collect::<Vec<_>>()
            .join(" · ")
    };
    lines.push(format!(
        "{}{}",
        lang.pick("升幅最大：", "Biggest risers: "),
        movers(&s.risers)
    ));
    lines.push(format!(
        "{}{}",
        lang.pick("降幅最大：", "Biggest fallers: "),
        movers(&s.fallers)
    ));
    let old = s.resolved + s.persisting + s.dropped;
    let dropped = match (s.dropped, lang) {
        (0, _) => String::new(),
        (n, Lang::Zh) => format!(" · 不再考核 {n}"),
        (n, Lang::En) => format!(" · {n} no longer assessed"),
    };
    let rate = s.rectification_rate().map_or_else(
        || "—".to_string(),
        |r| match lang {
            Lang::Zh => format!("{}（{}/{}）", percent(r), s.resolved, s.resolved + s.persisting),
            Lang::En => format!("{} ({}/{})", percent(r), s.resolved, s.resolved + s.persisting),
        },
    );
    lines.push(match lang {
        Lang::Zh => format!(
            "问题整改：原问题 {old} 项（已整改 {} · 整改不到位 {}{dropped}）· 新增问题 {} · 整改率 {rate}",
            s.resolved, s.persisting, s.new
        ),
        Lang::En => format!(
            "Rectification: {old} old problems ({} resolved · {} persisting{dropped}) · {} new · rate {rate}",
            s.resolved, s.persisting, s.new
        ),
    });
    lines
}

/// Where a unit table goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Counts of problems, the largest causes of a change by group id.
    Terminal,
    /// Counts of problems, every cause with group names.
    Markdown,
    /// Every column: status, grade change, indicator lists in full.
    Csv,
}

/// The unit table.
pub fn units_table(c: &Comparison, lang: Lang, layout: Layout) -> Table {
    let full = layout == Layout::Csv;
    let (lo, ln) = side_labels(c, lang);
    let with_dropped = full || c.summary.dropped > 0;
    // 原得分/现得分 when the periods cannot name the sides, else 得分 2022.
    let prefix = lang == Lang::Zh && c.old.label == c.new.label;
    let h = |zh: &str, en: &str, side: &str| {
        if prefix {
            format!("{side}{zh}")
        } else {
            format!("{} {side}", lang.pick(zh, en))
        }
    };
    let mut t = Table::new(&[(lang.pick("单位", "Unit"), false), (lang.pick("名称", "Name"), false)]);
    if full {
        t.column(lang.pick("状态", "Status"), false);
    }
    t.column(h("得分", "Score", lo), true);
    t.column(h("得分", "Score", ln), true);
    t.column(lang.pick("变化", "Change"), true);
    t.column(h("排名", "Rank", lo), true);
    t.column(h("排名", "Rank", ln), true);
    t.column(lang.pick("名次变化", "Rank ±"), true);
    // On a narrow terminal the rank change and everything after the grades
    // (counts of problems, rate, what moved the score) go first.
    t.set_optional(t.headers.len() - 1);
    t.column(h("等次", "Grade", lo), false);
    t.column(h("等次", "Grade", ln), false);
    let after_grades = t.headers.len();
    if full {
        t.column(lang.pick("等次变化", "Grade change"), false);
    }
    let count_cols: Vec<(Fate, &str)> = [
        (Fate::Persisting, lang.pick("整改不到位", "Persisting")),
        (Fate::Resolved, lang.pick("已整改", "Resolved")),
        (Fate::New, lang.pick("新增问题", "New")),
        (Fate::Dropped, lang.pick("不再考核", "Dropped")),
    ]
    .into_iter()
    .filter(|(f, _)| *f != Fate::Dropped || with_dropped)
    .collect();
    if !full {
        for (_, label) in &count_cols {
            t.column(*label, true);
        }
        t.column(lang.pick("整改率", "Rect. rate"), true);
        t.column(lang.pick("得分变化来源", "Moved by"), false);
    } else {
        t.column(lang.pick("整改率", "Rect. rate"), true);
        t.column(lang.pick("得分变化来源", "Moved by"), false);
        for (_, label) in &count_cols {
            t.column(*label, false);
        }
    }
    for i in after_grades..t.headers.len() {
        t.set_optional(i);
    }
    for u in &c.units {
        let score = |s: &Option<Standing>| opt(s.as_ref(), |s| round2(s.score).to_string());
        let rank = |s: &Option<Standing>| opt(s.as_ref(), |s| s.rank.to_string());
        let grade = |s: &Option<Standing>| opt(s.as_ref(), |s| s.grade.clone());
        let mut row = vec![u.unit.clone(), u.name.clone()];
        if full {
            row.push(presence_label(u.presence, lang).to_string());
        }
        row.extend([
            score(&u.old),
            score(&u.new),
            opt(u.delta, signed),
            rank(&u.old),
            rank(&u.new),
            opt(u.rank_change, signed_int),
            grade(&u.old),
        ]);
        if full {
            row.push(grade(&u.new));
            row.push(opt(u.grade_move, |m| grade_move_label(m, lang).to_string()));
        } else {
            row.push(format!(
                "{}{}{}",
                grade(&u.new),
                grade_mark(u.grade_move),
                rule_mark(u, lang)
            ));
        }
        let present = u.presence == Presence::Present;
        let rate = opt(u.rectification_rate(), percent);
        if full {
            row.push(rate);
            row.push(drivers(u, c, lang, true));
            for (f, _) in &count_cols {
                row.push(u.ids(*f).join(" "));
            }
        } else {
            for (f, _) in &count_cols {
                row.push(if present {
                    u.count(*f).to_string()
                } else {
                    String::new()
                });
            }
            row.push(rate);
            row.push(drivers(u, c, lang, layout == Layout::Markdown));
        }
        t.push(row);
    }
    t
}

/// 整改不到位: one row per problem found in both periods.
pub fn persisting_table(c: &Comparison, lang: Lang) -> Table {
    let (lo, ln) = side_labels(c, lang);
    let mut t = Table::new(&[
        (lang.pick("单位", "Unit"), false),
        (lang.pick("名称", "Name"), false),
        (lang.pick("指标", "Indicator"), false),
        (lang.pick("指标名称", "Indicator name"), false),
    ]);
    t.column(format!("{} {lo}", lang.pick("失分", "Lost")), true);
    t.column(format!("{} {ln}", lang.pick("失分", "Lost")), true);
    t.column(lang.pick("失分变化", "Lost ±"), true);
    t.column(lang.pick("原因", "Reason"), false);
    for u in &c.units {
        for d in u.deficiencies.iter().filter(|d| d.fate == Fate::Persisting) {
            t.push(vec![
                u.unit.clone(),
                u.name.clone(),
                d.indicator.clone(),
                d.name.clone(),
                opt(d.old_lost, |x| round2(x).to_string()),
                opt(d.new_lost, |x| round2(x).to_string()),
                opt(d.old_lost.zip(d.new_lost), |(a, b)| signed(b - a)),
                reason_label(&d.reason, lang),
            ]);
        }
    }
    t
}

/// Rectification per indicator.
pub fn indicators_table(c: &Comparison, lang: Lang) -> Table {
    let with_dropped = c.summary.dropped > 0;
    let mut t = Table::new(&[
        (lang.pick("指标", "Indicator"), false),
        (lang.pick("名称", "Name"), false),
        (lang.pick("原问题", "Old"), true),
        (lang.pick("已整改", "Resolved"), true),
        (lang.pick("整改不到位", "Persisting"), true),
        (lang.pick("新增问题", "New"), true),
    ]);
    if with_dropped {
        t.column(lang.pick("不再考核", "Dropped"), true);
    }
    t.column(lang.pick("整改率", "Rect. rate"), true);
    for i in &c.summary.indicators {
        let mut row = vec![
            i.id.clone(),
            i.name.clone(),
            i.old().to_string(),
            i.resolved.to_string(),
            i.persisting.to_string(),
            i.new.to_string(),
        ];
        if with_dropped {
            row.push(i.dropped.to_string());
        }
        row.push(opt(i.rectification_rate(), percent));
        t.push(row);
    }
    t
}

fn revision_text(r: &IndicatorRevision, lang: Lang) -> String {
    let describe = |i: &crate::reading::result::IndicatorDef| {
        let group = i.group.as_deref().unwrap_or("-");
        let kind = kind_label(&i.kind, lang);
        match lang {
            Lang::Zh => format!("{}组，{}分，{kind}", group, fmt_points(i.points)),
            Lang::En => format!("group {group}, {} points, {kind}", fmt_points(i.points)),
        }
    };
    let (open, close) = (lang.pick("（", " ("), lang.pick("）", ")"));
    match (&r.old, &r.new) {
        (None, Some(n)) => format!("{}{open}{}{close}", lang.pick("新增", "added"), describe(n)),
        (Some(o), None) => format!("{}{open}{}{close}", lang.pick("删除", "removed"), describe(o)),
        (Some(o), Some(n)) => r
            .fields
            .iter()
            .map(|f| {
                use crate::engine::compare::Field;
                let (label, a, b) = match f {
                    Field::Name => (lang.pick("名称", "name"), o.name.clone(), n.name.clone()),
                    Field::Group => (
                        lang.pick("分组", "group"),
                        o.group.clone().unwrap_or_default(),
                        n.group.clone().unwrap_or_default(),
                    ),
                    Field::Kind => (
                        lang.pick("类型", "kind"),
                        kind_label(&o.kind, lang),
                        kind_label(&n.kind, lang),
                    ),
                    Field::Points => (lang.pick("分值", "points"), fmt_points(o.points), fmt_points(n.points)),
                    Field::Rule => (lang.pick("规则", "rule"), o.rule.clone(), n.rule.clone()),
                };
                format!("{label} {a} → {b}")
            })
            .collect::<Vec<_>>()
            .join("; "),
        (None, None) => String::new(),
    }
}

/// Framework revisions, one row per indicator.
pub fn revisions_table(c: &Comparison, lang: Lang) -> Table {
    let mut t = Table::new(&[
        (lang.pick("指标", "Indicator"), false),
        (lang.pick("名称", "Name"), false),
        (lang.pick("修订", "Revision"), false),
    ]);
    for r in &c.framework.indicators {
        t.push(vec![r.id.clone(), r.name().to_string(), revision_text(r, lang)]);
    }
    t
}

/// Legend of group ids used in the terminal's "moved by" column.
fn legend(c: &Comparison, lang: Lang) -> Option<String> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for u in &c.units {
        for d in &u.drivers {
            if let Mover::Group(id, name) = &d.mover
                && !seen.iter().any(|(i, _)| i == id)
            {
                seen.push((id, name));
            }
        }
    }
    if seen.is_empty() {
        return None;
    }
    // Framework order, as the groups are listed in each unit.
    let order = |id: &str| c.units.iter().find_map(|u| u.groups.iter().position(|g| g.id == id));
    seen.sort_by_key(|(id, _)| order(id));
    Some(
        lang.labelled(
            lang.pick("分组", "Groups"),
            &seen
                .iter()
                .map(|(i, n)| format!("{i} {n}"))
                .collect::<Vec<_>>()
                .join(" · "),
        ),
    )
}

struct Section {
    title: String,
    table: Option<Table>,
    foot: Option<String>,
}

fn sections(c: &Comparison, lang: Lang, terminal: bool) -> Vec<Section> {
    let s = &c.summary;
    let mut out = vec![Section {
        title: lang.pick("单位对比", "Units").to_string(),
        table: Some(units_table(
            c,
            lang,
            if terminal { Layout::Terminal } else { Layout::Markdown },
        )),
        foot: if terminal { legend(c, lang) } else { None },
    }];
    let persisting = persisting_table(c, lang);
    out.push(Section {
        title: format!(
            "{}{}{}",
            lang.pick(
                "整改不到位（上期问题本期仍存在，需重点督办）",
                "Persisting problems (整改不到位: found again, to be escalated)"
            ),
            lang.pick("：", ": "),
            s.persisting
        ),
        table: (!persisting.rows.is_empty()).then_some(persisting),
        foot: None,
    });
    if !s.indicators.is_empty() {
        out.push(Section {
            title: lang.pick("按指标整改情况", "Rectification by indicator").to_string(),
            table: Some(indicators_table(c, lang)),
            foot: None,
        });
    }
    if !c.framework.indicators.is_empty() {
        out.push(Section {
            title: format!(
                "{}{}{}",
                lang.pick("指标体系修订", "Framework revisions"),
                lang.pick("：", ": "),
                c.framework.changed()
            ),
            table: Some(revisions_table(c, lang)),
            foot: None,
        });
    }
    out
}

/// The title of a comparison: `考核结果对比：2022年度 → 2023年度`.
pub fn diff_title(c: &Comparison, lang: Lang) -> String {
    format!(
        "{}{}{} → {}",
        lang.pick("考核结果对比", "Comparison"),
        lang.pick("：", ": "),
        c.old.label,
        c.new.label
    )
}

/// `diff` in a format.
pub fn diff(c: &Comparison, lang: Lang, format: Format) -> String {
    let title = diff_title(c, lang);
    match format {
        Format::Xlsx | Format::Html => unreachable!("diff writes {format:?} with render::xlsx and render::html"),
        Format::Table => {
            let mut s = format!("{title}\n{}\n", diff_head(c, lang).join("\n"));
            for sec in sections(c, lang, true) {
                s.push_str(&format!("\n{}\n", sec.title));
                if let Some(t) = sec.table {
                    s.push_str(&t.to_terminal());
                }
                if let Some(f) = sec.foot {
                    s.push_str(&format!("{f}\n"));
                }
            }
            s
        }
        Format::Md => {
            let mut s = format!("# {}\n\n", crate::render::markdown_text(&title));
            for l in diff_head(c, lang) {
                s.push_str(&format!("- {}\n", crate::render::markdown_text(&l)));
            }
            for sec in sections(c, lang, false) {
                s.push_str(&format!("\n## {}\n", crate::render::markdown_text(&sec.title)));
                if let Some(t) = sec.table {
                    s.push('\n');
                    s.push_str(&t.to_markdown());
                }
            }
            s
        }
        Format::Csv => units_table(c, lang, Layout::Csv).to_csv(),
        Format::Json => crate::render::json::to_string(&diff_doc(c)),
    }
}
