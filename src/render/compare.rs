//! Period-over-period reports: `diff` (two periods) and `trend` (several).
//!
//! Tables and Markdown lead with a summary, then the units, then the
//! problems found again (整改不到位) in a table of their own so they cannot
//! be missed, rectification by indicator and the framework's revisions.
//! CSV carries the unit table only (one row per unit, indicator lists in
//! full); JSON carries everything (schema in docs/compare.md).

use super::{Format, Table};
use crate::compare::{
    Comparison, Fate, GradeMove, IndicatorRevision, Mover, Presence, Side, Standing, Trend, UnitChange, sparkline,
};
use crate::lang::Lang;
use crate::num::{fmt_points, round2};
use crate::score::Reason;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

// ---- numbers and words ----------------------------------------------------

/// `+2.04`, `-2.04`, `0.00`.
pub fn signed(d: Decimal) -> String {
    let r = round2(d);
    if r > Decimal::ZERO {
        format!("+{r}")
    } else {
        r.to_string()
    }
}

/// `+3`, `-2`, `0`.
pub fn signed_int(i: i64) -> String {
    if i > 0 { format!("+{i}") } else { i.to_string() }
}

/// A fraction as a percentage: `0.9118` → `91.18%`.
pub fn percent(r: Decimal) -> String {
    format!("{}%", round2(r * Decimal::ONE_HUNDRED))
}

fn opt<T>(v: Option<T>, f: impl Fn(T) -> String) -> String {
    v.map(f).unwrap_or_default()
}

fn grade_mark(m: Option<GradeMove>) -> &'static str {
    match m {
        Some(GradeMove::Up) => " ↑",
        Some(GradeMove::Down) => " ↓",
        Some(GradeMove::Changed) => " *",
        _ => "",
    }
}

/// `（超出比例）` after a grade that a grade rule moved, not the score.
fn rule_mark(u: &crate::compare::UnitChange, lang: Lang) -> String {
    match u.grade_rule.as_deref().and_then(crate::score::GradeReason::parse) {
        Some(r) => match lang {
            Lang::Zh => format!("（{}）", r.label(lang)),
            Lang::En => format!(" ({})", r.label(lang)),
        },
        None => String::new(),
    }
}

fn grade_move_label(m: GradeMove, lang: Lang) -> &'static str {
    match m {
        GradeMove::Same => lang.pick("持平", "same"),
        GradeMove::Up => lang.pick("上升", "up"),
        GradeMove::Down => lang.pick("下降", "down"),
        GradeMove::Changed => lang.pick("变化", "changed"),
    }
}

fn presence_label(p: Presence, lang: Lang) -> &'static str {
    match p {
        Presence::Present => lang.pick("两期均有", "present"),
        Presence::Added => lang.pick("新增", "added"),
        Presence::Removed => lang.pick("撤销", "removed"),
    }
}

fn kind_label(kind: &str, lang: Lang) -> String {
    use crate::framework::Kind;
    match kind {
        "base" => Kind::Base.label(lang).to_string(),
        "bonus" => Kind::Bonus.label(lang).to_string(),
        "penalty" => Kind::Penalty.label(lang).to_string(),
        "veto" => Kind::Veto.label(lang).to_string(),
        "cap" => Kind::Cap.label(lang).to_string(),
        other => other.to_string(),
    }
}

fn reason_label(reason: &str, lang: Lang) -> String {
    match reason {
        "veto" => Reason::Veto.label(lang).to_string(),
        "shortfall" => Reason::Shortfall.label(lang).to_string(),
        "missing" => Reason::Missing.label(lang).to_string(),
        "penalty" => Reason::Penalty.label(lang).to_string(),
        other => other.to_string(),
    }
}

/// Column labels for the two sides: the periods, or 原/现 when they match.
fn side_labels(c: &Comparison, lang: Lang) -> (&str, &str) {
    if c.old.label == c.new.label {
        (lang.pick("原", "old"), lang.pick("现", "new"))
    } else {
        (&c.old.label, &c.new.label)
    }
}

/// How many causes of a score change a terminal row shows.
const TERMINAL_DRIVERS: usize = 4;

/// What moved the score: `-1.00 A, +0.50 加分`; every cause with group
/// names in full when `full` (Markdown, CSV), else the largest few with
/// group ids only (a legend follows the terminal table).
fn drivers(u: &UnitChange, c: &Comparison, lang: Lang, full: bool) -> String {
    let names = full;
    let (lo, ln) = (c.old.label.as_str(), c.new.label.as_str());
    match u.presence {
        Presence::Added => {
            return format!(
                "{}{ln}{}",
                lang.pick("新增单位（仅", "added (only in "),
                lang.pick("）", ")")
            );
        }
        Presence::Removed => {
            return format!(
                "{}{lo}{}",
                lang.pick("本期无此单位（仅", "removed (only in "),
                lang.pick("）", ")")
            );
        }
        Presence::Present => {}
    }
    let mut parts = Vec::new();
    let old_veto = u.old.as_ref().map_or(&[][..], |s| &s.veto[..]);
    let new_veto: Vec<&str> = u
        .new
        .as_ref()
        .map_or(Vec::new(), |s| s.veto.iter().map(String::as_str).collect());
    let fresh: Vec<&str> = new_veto
        .iter()
        .copied()
        .filter(|v| !old_veto.iter().any(|o| o == v))
        .collect();
    if !fresh.is_empty() {
        parts.push(format!("{} {}", lang.pick("一票否决", "veto"), fresh.join(" ")));
    }
    let lifted: Vec<&str> = old_veto
        .iter()
        .map(String::as_str)
        .filter(|o| !new_veto.contains(o))
        .collect();
    if !lifted.is_empty() {
        parts.push(format!("{} {}", lang.pick("否决解除", "veto lifted"), lifted.join(" ")));
    }
    for d in &u.drivers {
        let what = match &d.mover {
            Mover::Group(id, name) if names => format!("{id} {name}"),
            Mover::Group(id, _) => id.clone(),
            Mover::Bonus => lang.pick("加分", "bonus").to_string(),
            Mover::Penalty => lang.pick("扣分", "penalties").to_string(),
            Mover::Other => lang.pick("折算等", "rescaling etc.").to_string(),
        };
        parts.push(format!("{} {what}", signed(d.effect)));
    }
    if !full && parts.len() > TERMINAL_DRIVERS {
        parts.truncate(TERMINAL_DRIVERS);
        parts.push("…".to_string());
    }
    parts.join(", ")
}

// ---- diff -------------------------------------------------------------------

fn side_line(label: &str, s: &Side, lang: Lang) -> String {
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
        let show = |g: &[crate::result::GradeDef]| {
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
    let movers = |v: &[crate::compare::NotableChange]| {
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
    let describe = |i: &crate::result::IndicatorDef| {
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
                use crate::compare::Field;
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

/// `diff` in a format.
pub fn diff(c: &Comparison, lang: Lang, format: Format) -> String {
    let title = format!(
        "{}{}{} → {}",
        lang.pick("考核结果对比", "Comparison"),
        lang.pick("：", ": "),
        c.old.label,
        c.new.label
    );
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
            let mut s = format!("# {}\n\n", super::markdown_text(&title));
            for l in diff_head(c, lang) {
                s.push_str(&format!("- {}\n", super::markdown_text(&l)));
            }
            for sec in sections(c, lang, false) {
                s.push_str(&format!("\n## {}\n", super::markdown_text(&sec.title)));
                if let Some(t) = sec.table {
                    s.push('\n');
                    s.push_str(&t.to_markdown());
                }
            }
            s
        }
        Format::Csv => units_table(c, lang, Layout::Csv).to_csv(),
        Format::Json => super::json::to_string(&diff_doc(c)),
    }
}

// ---- trend ------------------------------------------------------------------

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
            row.push(path(
                &|s| match s.grade_reason.as_deref().and_then(crate::score::GradeReason::parse) {
                    Some(r) if lang == Lang::Zh => format!("{}（{}）", s.grade, r.label(lang)),
                    Some(r) => format!("{} ({})", s.grade, r.label(lang)),
                    None => s.grade.clone(),
                },
            ));
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
            super::markdown_text(&title),
            head.iter()
                .map(|l| format!("- {}", super::markdown_text(l)))
                .collect::<Vec<_>>()
                .join("\n"),
            trend_table(t, lang, false).to_markdown()
        ),
        Format::Csv => trend_table(t, lang, true).to_csv(),
        Format::Json => super::json::to_string(&trend_doc(t)),
    }
}

// ---- JSON -------------------------------------------------------------------

fn num<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    rust_decimal::serde::arbitrary_precision::serialize(d, s)
}

fn num_opt<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    rust_decimal::serde::arbitrary_precision_option::serialize(d, s)
}

#[derive(Serialize)]
pub struct SideDoc<'a> {
    pub label: &'a str,
    pub period: Option<&'a str>,
    pub source: &'a str,
    pub framework: &'a str,
    pub sha256: &'a str,
}

impl<'a> SideDoc<'a> {
    fn of(s: &'a Side) -> Self {
        SideDoc {
            label: &s.label,
            period: s.period.as_deref(),
            source: &s.source,
            framework: &s.framework,
            sha256: &s.sha256,
        }
    }
}

#[derive(Serialize)]
pub struct DiffDoc<'a> {
    pub schema: u32,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub old: SideDoc<'a>,
    pub new: SideDoc<'a>,
    pub units: Vec<UnitDiffDoc<'a>>,
    pub summary: SummaryDoc<'a>,
}

#[derive(Serialize)]
pub struct UnitDiffDoc<'a> {
    pub unit: &'a str,
    pub name: &'a str,
    pub category: Option<&'a str>,
    pub status: &'static str,
    #[serde(serialize_with = "num_opt")]
    pub old_score: Option<Decimal>,
    #[serde(serialize_with = "num_opt")]
    pub new_score: Option<Decimal>,
    #[serde(serialize_with = "num_opt")]
    pub delta: Option<Decimal>,
    pub old_rank: Option<usize>,
    pub new_rank: Option<usize>,
    pub rank_change: Option<i64>,
    pub old_grade: Option<&'a str>,
    pub new_grade: Option<&'a str>,
    pub grade_change: Option<&'static str>,
    /// The grade rule behind a grade move the scores do not explain.
    pub grade_rule: Option<&'a str>,
    pub old_veto: Vec<&'a str>,
    pub new_veto: Vec<&'a str>,
    pub groups: Vec<GroupDeltaDoc<'a>>,
    #[serde(serialize_with = "num_opt")]
    pub bonus_delta: Option<Decimal>,
    #[serde(serialize_with = "num_opt")]
    pub penalty_delta: Option<Decimal>,
    pub resolved: Vec<&'a str>,
    pub new: Vec<&'a str>,
    pub persisting: Vec<&'a str>,
    pub dropped: Vec<&'a str>,
    #[serde(serialize_with = "num_opt")]
    pub rectification_rate: Option<Decimal>,
}

#[derive(Serialize)]
pub struct GroupDeltaDoc<'a> {
    pub id: &'a str,
    pub name: &'a str,
    #[serde(serialize_with = "num_opt")]
    pub old: Option<Decimal>,
    #[serde(serialize_with = "num_opt")]
    pub new: Option<Decimal>,
    #[serde(serialize_with = "num")]
    pub delta: Decimal,
}

#[derive(Serialize)]
pub struct NotableDoc<'a> {
    pub unit: &'a str,
    pub name: &'a str,
    #[serde(serialize_with = "num")]
    pub delta: Decimal,
}

#[derive(Serialize)]
pub struct GradeCountDoc<'a> {
    pub name: &'a str,
    pub old: usize,
    pub new: usize,
}

#[derive(Serialize)]
pub struct IndicatorRectDoc<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub old: usize,
    pub resolved: usize,
    pub persisting: usize,
    pub new: usize,
    pub dropped: usize,
    #[serde(serialize_with = "num_opt")]
    pub rectification_rate: Option<Decimal>,
}

#[derive(Serialize)]
pub struct SummaryDoc<'a> {
    pub compared: usize,
    pub added: usize,
    pub removed: usize,
    pub rose: usize,
    pub fell: usize,
    pub unchanged: usize,
    #[serde(serialize_with = "num_opt")]
    pub mean_delta: Option<Decimal>,
    #[serde(serialize_with = "num_opt")]
    pub median_delta: Option<Decimal>,
    pub grades: Vec<GradeCountDoc<'a>>,
    pub grade_up: usize,
    pub grade_by_rule: usize,
    pub grade_down: usize,
    pub risers: Vec<NotableDoc<'a>>,
    pub fallers: Vec<NotableDoc<'a>>,
    pub resolved: usize,
    pub new: usize,
    pub persisting: usize,
    pub dropped: usize,
    #[serde(serialize_with = "num_opt")]
    pub rectification_rate: Option<Decimal>,
    pub indicators: Vec<IndicatorRectDoc<'a>>,
    pub framework: FrameworkRevDoc<'a>,
}

#[derive(Serialize)]
pub struct FrameworkRevDoc<'a> {
    pub same: bool,
    pub added: usize,
    pub removed: usize,
    pub repointed: usize,
    pub rule_changed: usize,
    pub regrouped: usize,
    pub changed: usize,
    #[serde(serialize_with = "num")]
    pub old_total: Decimal,
    #[serde(serialize_with = "num")]
    pub new_total: Decimal,
    pub grades_changed: bool,
    pub indicators: Vec<IndicatorRevDoc<'a>>,
}

#[derive(Serialize)]
pub struct IndicatorRevDoc<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub change: &'static str,
    pub fields: Vec<&'static str>,
    pub old: Option<IndicatorDefDoc<'a>>,
    pub new: Option<IndicatorDefDoc<'a>>,
}

#[derive(Serialize)]
pub struct IndicatorDefDoc<'a> {
    pub name: &'a str,
    pub group: Option<&'a str>,
    pub kind: &'a str,
    #[serde(serialize_with = "num")]
    pub points: Decimal,
    pub rule: &'a str,
}

fn def_doc(i: &crate::result::IndicatorDef) -> IndicatorDefDoc<'_> {
    IndicatorDefDoc {
        name: &i.name,
        group: i.group.as_deref(),
        kind: &i.kind,
        points: i.points.normalize(),
        rule: &i.rule,
    }
}

/// The `diff --format json` document.
pub fn diff_doc(c: &Comparison) -> DiffDoc<'_> {
    let s = &c.summary;
    let f = &c.framework;
    let r2 = |d: Option<Decimal>| d.map(round2);
    DiffDoc {
        schema: 1,
        kind: "diff",
        old: SideDoc::of(&c.old),
        new: SideDoc::of(&c.new),
        units: c
            .units
            .iter()
            .map(|u| UnitDiffDoc {
                unit: &u.unit,
                name: &u.name,
                category: Some(u.category.as_str()).filter(|c| !c.is_empty()),
                status: u.presence.as_str(),
                old_score: r2(u.old.as_ref().map(|s| s.score)),
                new_score: r2(u.new.as_ref().map(|s| s.score)),
                delta: r2(u.delta),
                old_rank: u.old.as_ref().map(|s| s.rank),
                new_rank: u.new.as_ref().map(|s| s.rank),
                rank_change: u.rank_change,
                old_grade: u.old.as_ref().map(|s| s.grade.as_str()),
                new_grade: u.new.as_ref().map(|s| s.grade.as_str()),
                grade_change: u.grade_move.map(GradeMove::as_str),
                grade_rule: u.grade_rule.as_deref(),
                old_veto: u
                    .old
                    .as_ref()
                    .map_or(Vec::new(), |s| s.veto.iter().map(String::as_str).collect()),
                new_veto: u
                    .new
                    .as_ref()
                    .map_or(Vec::new(), |s| s.veto.iter().map(String::as_str).collect()),
                groups: u
                    .groups
                    .iter()
                    .map(|g| GroupDeltaDoc {
                        id: &g.id,
                        name: &g.name,
                        old: r2(g.old),
                        new: r2(g.new),
                        delta: round2(g.delta),
                    })
                    .collect(),
                bonus_delta: r2(u.bonus_delta),
                penalty_delta: r2(u.penalty_delta),
                resolved: u.ids(Fate::Resolved),
                new: u.ids(Fate::New),
                persisting: u.ids(Fate::Persisting),
                dropped: u.ids(Fate::Dropped),
                rectification_rate: u.rectification_rate(),
            })
            .collect(),
        summary: SummaryDoc {
            compared: s.compared,
            added: s.added,
            removed: s.removed,
            rose: s.rose,
            fell: s.fell,
            unchanged: s.unchanged,
            mean_delta: s.mean_delta,
            median_delta: s.median_delta,
            grades: s
                .grades
                .iter()
                .map(|g| GradeCountDoc {
                    name: &g.name,
                    old: g.old,
                    new: g.new,
                })
                .collect(),
            grade_up: s.grade_up,
            grade_by_rule: s.grade_by_rule,
            grade_down: s.grade_down,
            risers: s
                .risers
                .iter()
                .map(|m| NotableDoc {
                    unit: &m.unit,
                    name: &m.name,
                    delta: round2(m.delta),
                })
                .collect(),
            fallers: s
                .fallers
                .iter()
                .map(|m| NotableDoc {
                    unit: &m.unit,
                    name: &m.name,
                    delta: round2(m.delta),
                })
                .collect(),
            resolved: s.resolved,
            new: s.new,
            persisting: s.persisting,
            dropped: s.dropped,
            rectification_rate: s.rectification_rate(),
            indicators: s
                .indicators
                .iter()
                .map(|i| IndicatorRectDoc {
                    id: &i.id,
                    name: &i.name,
                    old: i.old(),
                    resolved: i.resolved,
                    persisting: i.persisting,
                    new: i.new,
                    dropped: i.dropped,
                    rectification_rate: i.rectification_rate(),
                })
                .collect(),
            framework: FrameworkRevDoc {
                same: f.same,
                added: f.added(),
                removed: f.removed(),
                repointed: f.repointed(),
                rule_changed: f.rule_changed(),
                regrouped: f.regrouped(),
                changed: f.changed(),
                old_total: f.old_total.normalize(),
                new_total: f.new_total.normalize(),
                grades_changed: f.grades_changed,
                indicators: f
                    .indicators
                    .iter()
                    .map(|r| IndicatorRevDoc {
                        id: &r.id,
                        name: r.name(),
                        change: r.change(),
                        fields: r.fields.iter().map(|f| f.as_str()).collect(),
                        old: r.old.as_ref().map(def_doc),
                        new: r.new.as_ref().map(def_doc),
                    })
                    .collect(),
            },
        },
    }
}

#[derive(Serialize)]
pub struct TrendDoc<'a> {
    pub schema: u32,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub periods: Vec<SideDoc<'a>>,
    pub units: Vec<TrendUnitDoc<'a>>,
}

#[derive(Serialize)]
pub struct TrendUnitDoc<'a> {
    pub unit: &'a str,
    pub name: &'a str,
    pub category: Option<&'a str>,
    /// One per period, `null` where the unit was not assessed.
    pub periods: Vec<Option<StandingDoc<'a>>>,
    #[serde(serialize_with = "num_opt")]
    pub delta: Option<Decimal>,
    pub rank_change: Option<i64>,
}

#[derive(Serialize)]
pub struct StandingDoc<'a> {
    #[serde(serialize_with = "num")]
    pub score: Decimal,
    pub rank: usize,
    pub grade: &'a str,
    pub veto: Vec<&'a str>,
}

/// The `trend --format json` document.
pub fn trend_doc(t: &Trend) -> TrendDoc<'_> {
    TrendDoc {
        schema: 1,
        kind: "trend",
        periods: t.periods.iter().map(SideDoc::of).collect(),
        units: t
            .units
            .iter()
            .map(|r| TrendUnitDoc {
                unit: &r.unit,
                name: &r.name,
                category: Some(r.category.as_str()).filter(|c| !c.is_empty()),
                periods: r
                    .standings
                    .iter()
                    .map(|s| {
                        s.as_ref().map(|s| StandingDoc {
                            score: round2(s.score),
                            rank: s.rank,
                            grade: &s.grade,
                            veto: s.veto.iter().map(String::as_str).collect(),
                        })
                    })
                    .collect(),
                delta: r.delta.map(round2),
                rank_change: r.rank_change,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_percentages() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(signed(d("2.035")), "+2.04");
        assert_eq!(signed(d("-2.04")), "-2.04");
        assert_eq!(signed(d("0")), "0.00");
        assert_eq!(signed_int(3), "+3");
        assert_eq!(signed_int(-2), "-2");
        assert_eq!(signed_int(0), "0");
        assert_eq!(percent(d("0.9118")), "91.18%");
        assert_eq!(percent(d("1.0000")), "100.00%");
    }
}
