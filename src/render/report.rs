//! Human-readable reports: the ranking, a unit's ledger and the framework
//! tree. Each builds a [`Table`] plus the lines around it; the command picks
//! the format.

use super::{Format, Table};
use crate::base::lang::Lang;
use crate::base::num::{fmt_points, fmt2};
use crate::engine::score::{Assessment, Outcome, UnitResult};
use crate::model::framework::{Framework, Kind};

/// Grade distribution: `好 4 · 较好 7 · 一般 3 · 差 1`.
pub fn grade_counts(fw: &Framework, a: &Assessment) -> String {
    fw.grades
        .iter()
        .enumerate()
        .map(|(i, g)| format!("{} {}", g.name, a.units.iter().filter(|u| u.grade == i).count()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The ranked table (`score`).
pub fn ranking_table(fw: &Framework, a: &Assessment, lang: Lang, full_group_names: bool) -> Table {
    ranking_table_beside(fw, a, lang, full_group_names, &[])
}

/// A column shown right after a top group's column of the ranking, one
/// cell per unit in `a.units` order: `combine` puts each component's own
/// rank and grade beside its score.
#[derive(Debug, Clone)]
pub struct Beside {
    /// The top group's position among [`Framework::top_groups`].
    pub group: usize,
    pub header: String,
    pub numeric: bool,
    pub cells: Vec<String>,
}

/// [`ranking_table`] with columns beside the top groups' columns.
pub fn ranking_table_beside(
    fw: &Framework,
    a: &Assessment,
    lang: Lang,
    full_group_names: bool,
    beside: &[Beside],
) -> Table {
    let mut t = ranking_header(fw, a, lang, full_group_names);
    let (with_cat, rules, with_self) = (with_categories(a), with_grade_rules(a), with_self(a));
    for u in &a.units {
        t.push(ranking_row(fw, u, with_cat, rules, with_self, lang));
    }
    if beside.is_empty() {
        return t;
    }
    // The top groups' columns end the table; columns go in from the right
    // so that the positions to their left stay put.
    let first = t.headers.len() - fw.top_groups().count();
    let mut order: Vec<(usize, &Beside)> = beside.iter().enumerate().collect();
    order.sort_by_key(|&(i, b)| (std::cmp::Reverse(b.group), std::cmp::Reverse(i)));
    for (_, b) in order {
        let at = first + b.group + 1;
        t.headers.insert(at, b.header.clone());
        t.numeric.insert(at, b.numeric);
        t.optional.insert(at, true);
        for (row, cell) in t.rows.iter_mut().zip(&b.cells) {
            row.insert(at, cell.clone());
        }
    }
    t
}

/// Does the ranking show the grade the score gave and the rule that
/// changed it? Where a rule other than a veto (which has a column of its
/// own) changed a grade.
fn with_grade_rules(a: &Assessment) -> bool {
    a.units.iter().any(|u| {
        u.grade_change
            .is_some_and(|c| c.1 != crate::engine::score::GradeReason::Veto)
    })
}

/// `score --format csv` written row by row, for rankings too large to hold
/// as a table: the same bytes as `ranking(…, Format::Csv)`. Rows are
/// formatted in batches on every core and written in order.
pub fn write_ranking_csv(
    w: &mut dyn std::io::Write,
    fw: &Framework,
    a: &Assessment,
    lang: Lang,
) -> std::io::Result<()> {
    /// Rows formatted per batch.
    const BATCH: usize = 4096;
    let csv_writer = |w: Vec<u8>| {
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(w)
    };
    // The same cells as `Table::to_csv`, formula guard included.
    let header = ranking_header(fw, a, lang, true);
    let mut head = csv_writer(Vec::new());
    head.write_record(header.headers.iter().map(|h| super::csv_cell(h, false).into_owned()))?;
    w.write_all(&head.into_inner().map_err(|e| e.into_error())?)?;
    // Asked once: each looks over every unit.
    let shown = (with_categories(a), with_grade_rules(a), with_self(a));
    let batch = |units: &[UnitResult]| -> std::io::Result<Vec<u8>> {
        let mut out = Vec::with_capacity(units.len() * 128);
        let mut cells = Cells::default();
        for (k, u) in units.iter().enumerate() {
            // The texts of a unit a few rows on, asked for now: each lies
            // elsewhere on the heap.
            if let Some(v) = units.get(k + 4) {
                crate::base::prefetch(v.unit.as_ptr());
                crate::base::prefetch(v.name.as_ptr());
                crate::base::prefetch(v.category.as_ptr());
                crate::base::prefetch(v.groups.as_ptr());
            }
            cells.clear();
            ranking_cells(fw, u, shown, lang, &mut cells);
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let numeric = header.numeric.get(i).copied().unwrap_or(false);
                super::push_csv_cell(&mut out, c, super::needs_guard(c, numeric));
            }
            out.extend_from_slice(b"\r\n");
        }
        Ok(out)
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let batches: Vec<&[UnitResult]> = a.units.chunks(BATCH).collect();
    for round in batches.chunks(workers) {
        let texts: Vec<std::io::Result<Vec<u8>>> = std::thread::scope(|s| {
            let handles: Vec<_> = round.iter().map(|b| s.spawn(|| batch(b))).collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(std::io::Error::other("internal error")))
                })
                .collect()
        });
        for t in texts {
            w.write_all(&t?)?;
        }
    }
    w.flush()
}

/// Does the ranking show the self-assessment (自评分, 差值 = 自评 − 考核组)?
fn with_self(a: &Assessment) -> bool {
    a.units.iter().any(|u| u.self_assessed.is_some())
}

/// Does the ranking show categories (分类排名)?
fn with_categories(a: &Assessment) -> bool {
    a.units.iter().any(|u| !u.category.is_empty())
}

/// One unit's row of the ranked table.
fn ranking_row(
    fw: &Framework,
    u: &UnitResult,
    with_cat: bool,
    rules: bool,
    with_self: bool,
    lang: Lang,
) -> Vec<String> {
    let mut cells = Cells::default();
    ranking_cells(fw, u, (with_cat, rules, with_self), lang, &mut cells);
    // Each cell is whole text: written from `&str`s and ASCII digits.
    cells.iter().map(|c| String::from_utf8_lossy(c).into_owned()).collect()
}

/// A row's cells, written one after another into one buffer: a large
/// ranking's rows are written without an allocation per cell.
#[derive(Default)]
struct Cells {
    text: Vec<u8>,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
}

impl Cells {
    fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// End the cell being written.
    fn end(&mut self) {
        self.ends.push(self.text.len());
    }

    fn text(&mut self, s: &str) {
        self.text.extend_from_slice(s.as_bytes());
        self.end();
    }

    fn uint(&mut self, n: Option<usize>) {
        if let Some(n) = n {
            crate::base::num::push_uint(&mut self.text, n as u64);
        }
        self.end();
    }

    /// [`fmt2`]; with `sign`, a `+` before a positive amount
    /// ([`crate::base::num::signed2`]).
    fn amount(&mut self, d: Option<rust_decimal::Decimal>, sign: bool) {
        if let Some(d) = d {
            if sign && d > rust_decimal::Decimal::ZERO {
                self.text.push(b'+');
            }
            crate::base::num::push2(&mut self.text, d);
        }
        self.end();
    }

    fn iter(&self) -> impl Iterator<Item = &[u8]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        (starts.zip(&self.ends)).map(|(a, &b)| &self.text[a..b])
    }
}

/// One unit's row of the ranked table into `cells`; `(with_cat, rules,
/// with_self)` say which columns the ranking shows.
fn ranking_cells(
    fw: &Framework,
    u: &UnitResult,
    (with_cat, rules, with_self): (bool, bool, bool),
    lang: Lang,
    cells: &mut Cells,
) {
    cells.uint(Some(u.rank));
    cells.text(&u.unit);
    cells.text(&u.name);
    if with_cat {
        cells.text(&u.category);
        cells.uint(u.category_rank);
    }
    cells.amount(Some(u.totals.score), false);
    if with_self {
        cells.amount(u.self_assessed.as_ref().map(|m| m.score), false);
        cells.amount(u.self_gap(), true);
    }
    cells.text(&fw.grades[u.grade].name);
    if rules {
        match u.grade_change {
            Some((by, reason)) => {
                cells.text(&fw.grades[by].name);
                cells.text(reason.label(lang));
            }
            None => {
                cells.text("");
                cells.text("");
            }
        }
    }
    for (k, &i) in u.totals.veto.iter().enumerate() {
        if k > 0 {
            cells.text.push(b' ');
        }
        cells.text.extend_from_slice(fw.indicators[i].id.as_bytes());
    }
    cells.end();
    for d in [u.totals.base, u.totals.bonus, u.totals.penalty] {
        cells.amount(Some(d), false);
    }
    for (g, _) in fw.top_groups() {
        cells.amount(Some(u.groups[g]), false);
    }
}

/// The ranked table's columns, without rows.
fn ranking_header(fw: &Framework, a: &Assessment, lang: Lang, full_group_names: bool) -> Table {
    let with_cat = with_categories(a);
    let mut t = Table::new(&[
        (lang.pick("排名", "Rank"), true),
        (lang.pick("单位", "Unit"), false),
        (lang.pick("名称", "Name"), false),
    ]);
    if with_cat {
        t.column(lang.pick("类别", "Category"), false);
        t.column(lang.pick("分类排名", "Cat. rank"), true);
    }
    t.column(lang.pick("得分", "Score"), true);
    if with_self(a) {
        t.column(lang.pick("自评分", "Self score"), true);
        t.column(lang.pick("差值", "Gap"), true);
    }
    t.column(lang.pick("等次", "Grade"), false);
    if with_grade_rules(a) {
        t.column(lang.pick("按分数等次", "By score"), false);
        t.column(lang.pick("等次调整", "Grade rule"), false);
    }
    for (h, n) in [
        (lang.pick("一票否决", "Veto"), false),
        (lang.pick("基础分", "Base"), true),
        (lang.pick("加分", "Bonus"), true),
        (lang.pick("扣分", "Penalty"), true),
    ] {
        t.column(h, n);
    }
    // On a narrow terminal the rank, unit, score, grade and veto stay; the
    // category and the parts of the score go first, from the right.
    let n = t.headers.len();
    for i in (0..n).filter(|&i| with_cat && (i == 3 || i == 4) || i + 3 >= n) {
        t.set_optional(i);
    }
    let tops: Vec<usize> = fw.top_groups().map(|(i, _)| i).collect();
    for &g in &tops {
        let grp = &fw.groups[g];
        t.column(
            if full_group_names {
                format!("{} {}", grp.id, grp.name)
            } else {
                grp.id.clone()
            },
            true,
        );
    }
    for i in n..t.headers.len() {
        t.set_optional(i);
    }
    t
}

/// Heading lines shown above a ranking.
fn ranking_head(fw: &Framework, a: &Assessment, lang: Lang) -> String {
    let period = a.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
    let mut s = format!(
        "{}{period} · {} {}\n{}\n",
        fw.title,
        a.units.len(),
        lang.pick("个单位", "units"),
        lang.labelled(lang.pick("等次分布", "Grades"), &grade_counts(fw, a))
    );
    for line in crate::engine::grade::quota_lines(fw, &a.units, lang) {
        s.push_str(&line);
        s.push('\n');
    }
    s
}

/// `score` in a text format.
pub fn ranking(fw: &Framework, a: &Assessment, lang: Lang, format: Format) -> String {
    ranking_beside(fw, a, lang, format, &[])
}

/// [`ranking`] with columns beside the top groups' columns.
pub fn ranking_beside(fw: &Framework, a: &Assessment, lang: Lang, format: Format, beside: &[Beside]) -> String {
    let ranking_table = |fw, a, lang, full| ranking_table_beside(fw, a, lang, full, beside);
    match format {
        Format::Table => {
            let mut s = ranking_head(fw, a, lang);
            s.push('\n');
            s.push_str(&ranking_table(fw, a, lang, false).to_terminal());
            let legend: Vec<String> = fw
                .top_groups()
                .map(|(_, g)| format!("{} {}（{}）", g.id, g.name, fmt_points(g.points)))
                .collect();
            s.push_str(&lang.labelled(lang.pick("分组", "Groups"), &legend.join(" · ")));
            s.push('\n');
            s
        }
        Format::Md => {
            let period = a.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
            let quotas: String = crate::engine::grade::quota_lines(fw, &a.units, lang)
                .iter()
                .map(|l| format!("{}\n\n", super::markdown_text(l)))
                .collect();
            format!(
                "# {}\n\n{}\n\n{quotas}{}",
                super::markdown_text(&format!("{}{period}", fw.title)),
                super::markdown_text(&lang.labelled(lang.pick("等次分布", "Grades"), &grade_counts(fw, a))),
                ranking_table(fw, a, lang, true).to_markdown()
            )
        }
        Format::Csv => ranking_table(fw, a, lang, true).to_csv(),
        Format::Json => super::json::result_text(fw, a),
        Format::Xlsx | Format::Html => unreachable!("score writes {format:?} with render::xlsx and render::html"),
    }
}

/// The ledger of one unit (`explain`).
pub fn ledger_table(fw: &Framework, a: &Assessment, u: &UnitResult, lang: Lang) -> Table {
    let mut t = Table::new(&[
        (lang.pick("组", "Group"), false),
        (lang.pick("指标", "Indicator"), false),
        (lang.pick("名称", "Name"), false),
        (lang.pick("分值", "Points"), true),
        (lang.pick("值", "Value"), false),
        (lang.pick("评分规则", "Rule"), false),
        (lang.pick("得分", "Amount"), true),
        (lang.pick("失分", "Lost"), true),
        (lang.pick("状态", "Status"), false),
        (lang.pick("备注", "Note"), false),
        (lang.pick("佐证材料", "Source"), false),
        (lang.pick("出处", "Evidence at"), false),
    ]);
    if u.self_assessed.is_some() {
        t.column(lang.pick("自评", "Self"), true);
        t.column(lang.pick("差值", "Gap"), true);
    }
    for r in &u.indicators {
        let ind = &fw.indicators[r.index];
        let group = match ind.kind {
            Kind::Base => ind.group.map(|g| fw.groups[g].id.clone()).unwrap_or_default(),
            k => k.label(lang).to_string(),
        };
        let points = if ind.kind.is_trigger() {
            String::new()
        } else {
            fmt_points(ind.points)
        };
        let amount = r.amount().map(fmt2).unwrap_or_default();
        let lost = match (ind.kind, &r.outcome) {
            (Kind::Base, Outcome::Amount(a)) => fmt2(ind.points - a),
            (Kind::Base, Outcome::Missing) => fmt2(ind.points),
            _ => String::new(),
        };
        let at = r.origin.map(|(f, l, c)| a.inputs[f].location(l, c)).unwrap_or_default();
        let mut row = vec![
            group,
            ind.id.clone(),
            ind.name.clone(),
            points,
            r.value.clone().unwrap_or_default(),
            rule_cell(ind, u, r, lang),
            amount,
            lost,
            r.status.label(lang).to_string(),
            r.note.clone(),
            r.source.clone(),
            at,
        ];
        if let Some(m) = &u.self_assessed {
            let mine = m.amounts[r.index];
            row.push(mine.map(fmt2).unwrap_or_default());
            row.push(match (mine, r.amount()) {
                (Some(x), Some(y)) => crate::base::num::signed2(x - y),
                _ => String::new(),
            });
        }
        t.push(row);
    }
    t
}

/// The rule as it scored this unit's item: its category's parameters, its
/// place in a cohort, each rater's amount.
fn rule_cell(
    ind: &crate::model::framework::Indicator,
    u: &UnitResult,
    r: &crate::engine::score::IndicatorResult,
    lang: Lang,
) -> String {
    let mut s = ind.describe_rule_in(&u.category, lang);
    let sep = lang.pick("；", "; ");
    if let Some(f) = &r.cohort {
        s.push_str(sep);
        s.push_str(&crate::engine::cohort::describe(f, lang));
    }
    if let (Some(how), false) = (ind.raters, r.raters.is_empty()) {
        let each: Vec<String> = r
            .raters
            .iter()
            .map(|x| {
                let dropped = if x.dropped {
                    lang.pick("（去掉）", " (dropped)")
                } else {
                    ""
                };
                format!("{} {}{dropped}", x.rater, fmt2(x.amount))
            })
            .collect();
        s.push_str(sep);
        s.push_str(&lang.labelled(lang.pick("评委", "Raters"), &each.join(lang.pick("、", ", "))));
        s.push_str(sep);
        s.push_str(&how.describe(lang));
    }
    s
}

/// The reconciliation lines under a ledger: base (rescaled), score, grade,
/// rank, veto.
pub fn reconciliation(fw: &Framework, a: &Assessment, u: &UnitResult, lang: Lang) -> Vec<String> {
    let t = &u.totals;
    let zh = lang == Lang::Zh;
    let mut lines = Vec::new();
    if let (Some(m), Some(gap)) = (&u.self_assessed, u.self_gap()) {
        lines.push(crate::base::lang::msg!(
            zh: "自评分 {}（{}）· 考核组评分 {} · 差值 {}",
            en: "Self-assessed {} ({}) · team {} · gap {}",
            fmt2(m.score),
            fw.grades[m.grade].name,
            fmt2(t.score),
            crate::base::num::signed2(gap)
        ));
    }
    let base = fmt2(t.base);
    if t.rescaled(fw) {
        let exempt: Vec<&str> = u
            .indicators
            .iter()
            .filter(|r| r.outcome == Outcome::Exempt)
            .map(|r| fw.indicators[r.index].id.as_str())
            .collect();
        let (sum, total, applicable) = (fmt2(t.base_sum), fmt_points(fw.total), fmt_points(t.applicable));
        lines.push(if zh {
            format!(
                "基础分 = {sum} × {total} / {applicable} = {base}（{} 不适用，按比例折算）",
                exempt.join("、")
            )
        } else {
            format!(
                "base = {sum} × {total} / {applicable} = {base} ({} not applicable, rescaled)",
                exempt.join(", ")
            )
        });
    } else {
        lines.push(format!("{} = {base}", lang.pick("基础分", "base")));
    }
    let capped = |sum, capped, cap: Option<rust_decimal::Decimal>| {
        let shown = fmt2(capped);
        if sum == capped {
            return shown;
        }
        let (sum, cap) = (fmt2(sum), fmt_points(cap.unwrap_or_default()));
        if zh {
            format!("{shown}（合计 {sum}，封顶 {cap}）")
        } else {
            format!("{shown} (sum {sum}, capped at {cap})")
        }
    };
    let (bonus, penalty, score) = (
        capped(t.bonus_sum, t.bonus, fw.bonus_cap),
        capped(t.penalty_sum, t.penalty, fw.penalty_cap),
        fmt2(t.score),
    );
    lines.push(if zh {
        format!("得分 = 基础分 {base} + 加分 {bonus} − 扣分 {penalty} = {score}")
    } else {
        format!("score = base {base} + bonus {bonus} − penalty {penalty} = {score}")
    });
    let (rank, n) = (u.rank, a.units.len());
    let cat = match u.category_rank {
        Some(r) => {
            let m = a.units.iter().filter(|x| x.category == u.category).count();
            if zh {
                format!(" · 分类排名 {r}/{m}（{}）", u.category)
            } else {
                format!(" · category rank {r}/{m} ({})", u.category)
            }
        }
        None => String::new(),
    };
    let grade = crate::engine::grade::grade_text(fw, u, lang);
    lines.push(if zh {
        format!("等次 {grade} · 排名 {rank}/{n}{cat}")
    } else {
        format!("grade {grade} · rank {rank}/{n}{cat}")
    });
    let at = a.units.iter().position(|x| x.unit == u.unit).unwrap_or(0);
    lines.extend(crate::engine::grade::grade_lines(fw, &a.units, at, lang));
    let lowest = &fw.lowest_grade().name;
    for &v in &t.veto {
        let ind = &fw.indicators[v];
        let r = &u.indicators[v];
        let detail = [r.value.clone().unwrap_or_default(), r.note.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(if zh { "；" } else { "; " });
        lines.push(if zh {
            format!("一票否决：{} {}（{detail}）→ 等次为{lowest}", ind.id, ind.name)
        } else {
            format!("veto: {} {} ({detail}) → grade set to {lowest}", ind.id, ind.name)
        });
    }
    // The way to the next grade (晋档路径), as the rectification list shows it.
    if let Some(ng) = crate::engine::rectify::next_grade_of(fw, u) {
        lines.push(super::rectify::advice(fw, &ng, lang));
    }
    lines
}

/// `explain` in a text format (JSON is the unit's result object).
pub fn explain(fw: &Framework, a: &Assessment, u: &UnitResult, lang: Lang, format: Format) -> String {
    let title = {
        let cat = if u.category.is_empty() {
            String::new()
        } else {
            format!("（{}）", u.category)
        };
        let period = a.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
        let name = if u.name.is_empty() {
            String::new()
        } else {
            format!(" {}", u.name)
        };
        format!("{}{name}{cat} · {}{period}", u.unit, fw.title)
    };
    let table = ledger_table(fw, a, u, lang);
    let recon = reconciliation(fw, a, u, lang);
    match format {
        Format::Table => format!("{title}\n\n{}{}\n", table.to_terminal(), recon.join("\n")),
        Format::Md => format!(
            "# {}\n\n{}\n{}\n",
            super::markdown_text(&title),
            table.to_markdown(),
            recon
                .iter()
                .map(|l| format!("- {}", super::markdown_text(l)))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        Format::Csv => table.to_csv(),
        Format::Json => {
            let mut out = Vec::new();
            super::json::UnitWriter::new(fw, 0).write(&mut out, u);
            out.push(b'\n');
            String::from_utf8(out).expect("a unit's JSON is UTF-8")
        }
        Format::Xlsx | Format::Html => unreachable!("explain takes text formats only (OutputArgs::resolve_text)"),
    }
}

/// The framework as a tree (`check`).
pub fn framework_tree(fw: &Framework, lang: Lang) -> String {
    // The framework's own texts may hold line breaks (a name pasted from
    // Word) or escapes: each is shown on its line, escaped, never obeyed.
    use crate::base::diag::escape_controls as esc;
    let mut s = String::new();
    let bases = fw.indicators.iter().filter(|i| i.kind == Kind::Base).count();
    s.push_str(&format!(
        "{} [{}]\n{} {} · {} {} {}\n\n",
        esc(&fw.title),
        esc(&fw.id),
        lang.pick("总分", "total"),
        fmt_points(fw.total),
        fw.indicators.len(),
        lang.pick("项指标，其中基础指标", "indicators, base:"),
        bases
    ));
    let line = |s: &mut String, depth: usize, i: &crate::model::framework::Indicator| {
        let exempt = if i.exempt {
            lang.pick("（可不适用）", " (may be N/A)")
        } else {
            ""
        };
        // 考核方式 beside the rule it is assessed by.
        let method = match (i.method.trim(), lang) {
            ("", _) => String::new(),
            (m, Lang::Zh) => format!("；考核方式：{m}"),
            (m, Lang::En) => format!("; method: {m}"),
        };
        s.push_str(&format!(
            "{}{} {}  {}{}  — {}{exempt}{method}\n",
            "  ".repeat(depth),
            esc(&i.id),
            esc(&i.name),
            fmt_points(i.points),
            lang.pick("分", ""),
            esc(&i.describe_rule(lang))
        ));
    };
    /// Each group's base indicators and subgroups, in framework order,
    /// found in one pass (not one pass over everything per group).
    struct Tree {
        items: Vec<Vec<usize>>,
        kids: Vec<Vec<usize>>,
    }
    let mut tree = Tree {
        items: vec![Vec::new(); fw.groups.len()],
        kids: vec![Vec::new(); fw.groups.len()],
    };
    for (i, ind) in fw.indicators.iter().enumerate() {
        if let (Kind::Base, Some(g)) = (ind.kind, ind.group) {
            tree.items[g].push(i);
        }
    }
    for (c, grp) in fw.groups.iter().enumerate() {
        if let Some(p) = grp.parent {
            tree.kids[p].push(c);
        }
    }
    fn walk(
        fw: &Framework,
        tree: &Tree,
        g: usize,
        depth: usize,
        s: &mut String,
        line: &dyn Fn(&mut String, usize, &crate::model::framework::Indicator),
        lang: Lang,
    ) {
        let grp = &fw.groups[g];
        s.push_str(&format!(
            "{}{} {}（{}{}）\n",
            "  ".repeat(depth),
            esc(&grp.id),
            esc(&grp.name),
            fmt_points(grp.points),
            lang.pick("分", "")
        ));
        for &i in &tree.items[g] {
            line(s, depth + 1, &fw.indicators[i]);
        }
        for &c in &tree.kids[g] {
            walk(fw, tree, c, depth + 1, s, line, lang);
        }
    }
    for (g, _) in fw.top_groups() {
        walk(fw, &tree, g, 0, &mut s, &line, lang);
    }
    let ungrouped: Vec<_> = fw
        .indicators
        .iter()
        .filter(|i| i.kind == Kind::Base && i.group.is_none())
        .collect();
    if !ungrouped.is_empty() {
        s.push_str(lang.pick("（未分组）\n", "(no group)\n"));
        for i in ungrouped {
            line(&mut s, 1, i);
        }
    }
    for (kind, cap) in [
        (Kind::Bonus, fw.bonus_cap),
        (Kind::Penalty, fw.penalty_cap),
        (Kind::Veto, None),
        (Kind::Cap, None),
    ] {
        let items: Vec<_> = fw.indicators.iter().filter(|i| i.kind == kind).collect();
        if items.is_empty() {
            continue;
        }
        let cap = match cap {
            Some(c) => match lang {
                Lang::Zh => format!("（合计封顶 {}分）", fmt_points(c)),
                Lang::En => format!(" (capped at {})", fmt_points(c)),
            },
            None if !kind.is_trigger() => lang.pick("（不封顶）", " (no cap)").to_string(),
            None => String::new(),
        };
        let gate = match (kind, fw.bonus_gate, lang) {
            (Kind::Bonus, Some(g), Lang::Zh) => format!("（基础分达到 {} 分方计入）", fmt_points(g)),
            (Kind::Bonus, Some(g), Lang::En) => format!(" (only with a base of at least {})", fmt_points(g)),
            _ => String::new(),
        };
        s.push_str(&format!("{}{cap}{gate}\n", kind.label(lang)));
        if let Some((key, sum, c)) = fw.idle_caps().into_iter().find(|x| Some(x.0) == cap_key(kind)) {
            // Worth saying: a cap that can never bind is usually a slip.
            s.push_str(&match lang {
                Lang::Zh => format!(
                    "  注意：各项上限合计 {}分，不超过 {key} = {}，封顶永远不会起作用\n",
                    fmt_points(sum),
                    fmt_points(c)
                ),
                Lang::En => format!(
                    "  note: the items' own caps add up to {}, at most {key} = {}, so the cap can never bind\n",
                    fmt_points(sum),
                    fmt_points(c)
                ),
            });
        }
        for i in items {
            if kind.is_trigger() {
                s.push_str(&format!(
                    "  {} {}  — {}\n",
                    esc(&i.id),
                    esc(&i.name),
                    esc(&i.describe_rule(lang))
                ));
            } else {
                line(&mut s, 1, i);
            }
        }
    }
    let grades: Vec<String> = fw
        .grades
        .iter()
        .map(|g| {
            let mut t = format!("{} ≥{}", esc(&g.name), fmt_points(g.min));
            if let Some(n) = g.max_zero {
                t.push_str(&match lang {
                    Lang::Zh => format!("（0分项不超过{n}个）"),
                    Lang::En => format!(" (at most {n} items at 0)"),
                });
            }
            if let Some(q) = &g.quota {
                t.push_str(&match lang {
                    Lang::Zh => format!("（不超过{}）", esc(&q.text)),
                    Lang::En => format!(" (at most {})", esc(&q.text)),
                });
            }
            t
        })
        .collect();
    s.push_str(&lang.labelled(lang.pick("等次", "Grades"), &grades.join(" · ")));
    s.push('\n');
    if fw.grades.iter().any(|g| g.quota.is_some()) {
        use crate::model::framework::{QuotaRound, QuotaScope, QuotaTies};
        let r = &fw.grade_rules;
        let parts = [
            match r.quota_scope {
                QuotaScope::All => lang.pick("全部单位统一计算", "over all units"),
                QuotaScope::Category => lang.pick("按类别分别计算", "per category"),
            },
            match r.quota_round {
                QuotaRound::Down => lang.pick("名额向下取整", "rounded down"),
                QuotaRound::HalfUp => lang.pick("名额四舍五入", "rounded half up"),
            },
            match r.quota_ties {
                QuotaTies::Demote => lang.pick("同分跨线的一并降档", "ties across the limit move down"),
                QuotaTies::Keep => lang.pick("同分跨线的一并保留", "ties across the limit stay"),
            },
        ];
        s.push_str(&lang.labelled(lang.pick("等次比例", "Quotas"), &parts.join(" · ")));
        s.push('\n');
    }
    if let Some(m) = fw.max_score {
        s.push_str(&lang.labelled(lang.pick("总分上限", "Score at most"), &fmt_points(m)));
        s.push('\n');
    }
    let missing = match fw.missing {
        crate::model::framework::Missing::Zero => lang.pick("无佐证材料不得分", "missing evidence scores 0"),
        crate::model::framework::Missing::Error => lang.pick("缺少佐证即报错", "missing evidence is an error"),
    };
    s.push_str(&lang.labelled(lang.pick("缺项", "Missing"), missing));
    if let Some(d) = fw.rectify_days {
        s.push_str(&format!(
            " · {} {d} {}",
            lang.pick("整改时限", "rectification within"),
            lang.pick("天", "days")
        ));
    }
    s.push('\n');
    let own: Vec<String> = fw
        .indicators
        .iter()
        .filter_map(|i| i.min_rectify.map(|m| format!("{} {}", i.id, fmt_points(m))))
        .collect();
    if fw.min_rectify.is_some() || !own.is_empty() {
        let mut line = match fw.min_rectify {
            Some(m) => match lang {
                Lang::Zh => format!("失分不足 {}分的不列入整改", fmt_points(m)),
                Lang::En => format!("losses under {} open no rectification item", fmt_points(m)),
            },
            None => lang.pick("失分即列入整改", "every loss opens an item").to_string(),
        };
        if !own.is_empty() {
            line.push_str(&match lang {
                Lang::Zh => format!("（单项另定：{}）", own.join("、")),
                Lang::En => format!(" (items of their own: {})", own.join(", ")),
            });
        }
        s.push_str(&lang.labelled(lang.pick("整改起点", "Rectify"), &line));
        s.push('\n');
    }
    s
}

fn cap_key(kind: Kind) -> Option<&'static str> {
    match kind {
        Kind::Bonus => Some("bonus_cap"),
        Kind::Penalty => Some("penalty_cap"),
        _ => None,
    }
}

/// Each component's own rank, and its grade where the component has
/// grades (a saved result), as columns beside the component's score in
/// the ranking; cells in `a.units` order, empty where `missing = "zero"`
/// filled in an absent unit.
pub fn component_columns(
    comp: &crate::engine::combine::Composite,
    parts: &[crate::engine::combine::Loaded],
    a: &Assessment,
    lang: crate::base::lang::Lang,
) -> Vec<Beside> {
    let mut cols = Vec::new();
    for (k, (c, p)) in comp.components.iter().zip(parts).enumerate() {
        let cell = |f: &dyn Fn(&crate::engine::combine::Part) -> String| {
            a.units
                .iter()
                .map(|u| p.units.get(&u.unit).map(f).unwrap_or_default())
                .collect()
        };
        cols.push(Beside {
            group: k,
            header: format!("{}{}", c.id, lang.pick("排名", " rank")),
            numeric: true,
            cells: cell(&|s| s.rank.to_string()),
        });
        if p.units.values().any(|s| s.grade.is_some()) {
            cols.push(Beside {
                group: k,
                header: format!("{}{}", c.id, lang.pick("等次", " grade")),
                numeric: false,
                cells: cell(&|s| s.grade.clone().unwrap_or_default()),
            });
        }
    }
    cols
}
