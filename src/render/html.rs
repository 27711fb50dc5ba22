//! Self-contained HTML reports (`--format html`, `-o report.html`) for
//! `score`, `deficiencies` and `diff`: one file that opens offline in any
//! browser and prints on A4 (landscape, for the wide tables), each unit on
//! its own pages.
//!
//! The markup is written with maud, which escapes every interpolated value,
//! so text from the inputs (unit names, notes) always shows as text. Charts
//! are SVG drawn here — no script, no fonts or styles fetched — with their
//! Chinese labels laid out by display width (a Hanzi is two columns).

use super::colour;
use super::issue::Issue;
use crate::base::lang::Lang;
use crate::base::num::{fmt_points, fmt2};
use crate::engine::compare::Comparison;
use crate::engine::rectify::{Item, List, Summary};
use crate::engine::score::{Assessment, UnitResult};
use crate::model::framework::Framework;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use unicode_width::UnicodeWidthStr;

/// Screen and print styles. Colours are kept when printing.
const CSS: &str = r#"
:root { --ink: #1f2328; --muted: #59636e; --line: #d0d7de; --head: #eef2f8; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1120px; padding: 28px 32px; color: var(--ink); line-height: 1.5; font-size: 14px;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", "Heiti SC", sans-serif; }
h1 { font-size: 23px; margin: 0 0 2px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 16px 0 6px; }
p { margin: 4px 0; }
.meta { color: var(--muted); }
.cards { display: flex; gap: 10px; flex-wrap: wrap; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 6px 14px; min-width: 96px; }
.card .n { font-size: 24px; font-weight: 700; line-height: 1.2; }
.card .l { color: var(--muted); font-size: 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: 3px 6px; vertical-align: top; text-align: left; }
th { background: var(--head); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.grade { text-align: center; font-weight: 700; white-space: nowrap; }
.nw { white-space: nowrap; }
.up { color: #1a7f37; } .down { color: #cf222e; }
.advice { background: #fff8c5; border-left: 4px solid #d4a72c; padding: 4px 10px; margin: 6px 0 10px; }
.ok { color: #1a7f37; }
.chart { margin: 8px 0 4px; }
.chart svg { max-width: 100%; height: auto; }
.legend { color: var(--muted); font-size: 12px; }
section.unit { break-before: page; }
.issued { margin: 2px 0 0; }
.colophon { margin-top: 36px; padding-top: 6px; border-top: 1px solid var(--line); color: var(--muted); font-size: 11px; }
.colophon h2 { font-size: 13px; border: 0; margin: 0 0 4px; padding: 0; }
.colophon td, .colophon th { font-size: 11px; padding: 1px 6px; }
.colophon code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
@page { size: A4 landscape; margin: 12mm 12mm 16mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  table { font-size: 9.5pt; }
  thead { display: table-header-group; }
  tr, .chart, .cards, .advice { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
"#;

/// Page numbers at the foot of every printed page (CSS paged media: margin
/// boxes and the `page`/`pages` counters, which Chromium, and so Edge and
/// 360 and QQ browsers, honour when printing or saving as PDF).
fn page_numbers(lang: Lang) -> String {
    let content = match lang {
        Lang::Zh => r#""第 " counter(page) " 页，共 " counter(pages) " 页""#,
        Lang::En => r#""Page " counter(page) " of " counter(pages)"#,
    };
    format!(
        "@page {{ @bottom-center {{ content: {content}; font-size: 9pt; color: #59636e; \
         font-family: \"Noto Sans CJK SC\", \"Microsoft YaHei\", \"WenQuanYi Micro Hei\", sans-serif; }} }}\n"
    )
}

/// Font stack for SVG text (the same as the page's).
const SVG_FONT: &str =
    "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif";

/// Width in pixels of a text at `size` px: a Hanzi is about one em, a Latin
/// character a little over half.
fn text_px(s: &str, size: f64) -> f64 {
    UnicodeWidthStr::width(s) as f64 * size * 0.55
}

/// A number for an SVG attribute.
fn n1(x: f64) -> String {
    format!("{x:.1}")
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The whole page around a body, closed by its colophon.
fn page(title: &str, lang: Lang, body: Markup, colophon: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang=(lang.pick("zh-CN", "en")) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content="kaohe";
                title { (title) }
                style { (PreEscaped(CSS)) (PreEscaped(page_numbers(lang))) }
            }
            body { (body) (colophon) }
        }
    }
    .into_string()
}

/// A page whose body another module builds: the heading, a line under it,
/// the issuer, and a colophon of facts and the files read.
#[allow(clippy::too_many_arguments)]
pub(crate) fn document(
    title: &str,
    heading: &str,
    meta: &str,
    issue: &Issue,
    lang: Lang,
    body: Markup,
    facts: Vec<(String, String)>,
    files: Vec<(String, String)>,
) -> String {
    let body = html! {
        header {
            h1 { (heading) }
            p.meta { (meta) }
            (issued(issue, lang))
        }
        (body)
    };
    page(title, lang, body, Colophon { facts, files }.render(lang))
}

/// The issuing body and date under a report's title, when given.
fn issued(issue: &Issue, lang: Lang) -> Markup {
    html! {
        @if let Some(line) = issue.line(lang) { p.issued { (line) } }
    }
}

/// What a colophon records: facts as (label, value) pairs, and the files
/// read with their SHA-256.
#[derive(Default)]
struct Colophon {
    facts: Vec<(String, String)>,
    files: Vec<(String, String)>,
}

impl Colophon {
    /// The framework's id and hash, and the evidence files read.
    fn of(fw: &Framework, a: &Assessment, lang: Lang) -> Colophon {
        let mut c = Colophon::default();
        c.fact(lang.pick("指标体系", "Framework"), format!("{} [{}]", fw.title, fw.id));
        c.files.push((fw.path.clone(), fw.sha256.clone()));
        c.files
            .extend(a.inputs.iter().map(|f| (f.path.clone(), f.sha256.clone())));
        c
    }

    fn fact(&mut self, label: &str, value: impl Into<String>) {
        self.facts.push((label.to_string(), value.into()));
    }

    /// Internal ids and hashes, kept at the end of the document where they
    /// do not get in a reader's way but still tie it to its inputs.
    fn render(&self, lang: Lang) -> Markup {
        html! {
            footer.colophon {
                h2 { (lang.pick("制作说明", "Colophon")) }
                @for (label, value) in &self.facts { p { (label) (lang.pick("：", ": ")) (value) } }
                @if !self.files.is_empty() {
                    table {
                        thead { tr { th { (lang.pick("输入文件", "Input file")) } th { "SHA-256" } } }
                        tbody { @for (path, sha) in &self.files { tr { td { (path) } td { code { (sha) } } } } }
                    }
                }
                p { (lang.pick("由 kaohe ", "Made with kaohe ")) (env!("CARGO_PKG_VERSION")) (lang.pick(" 生成。", ".")) }
            }
        }
    }
}

/// The top-level groups by id, name and points, for the columns headed by
/// group id.
fn group_legend(fw: &Framework, lang: Lang) -> Markup {
    html! {
        @for (j, (_, g)) in fw.top_groups().enumerate() {
            @if j > 0 { " · " }
            (g.id) " " (g.name) "（" (fmt_points(g.points)) (lang.pick("分", "")) "）"
        }
    }
}

fn grade_cell(fw: &Framework, g: usize) -> Markup {
    let c = colour::grade(g, fw.grades.len());
    html! {
        td.grade style=(format!("background:{};color:{}", colour::css(c.fill), colour::css(c.text))) {
            (fw.grades[g].name)
        }
    }
}

/// `2023 · 15 个单位`
fn period_units(a: &Assessment, lang: Lang) -> String {
    let mut parts = Vec::new();
    if let Some(p) = &a.period {
        parts.push(p.clone());
    }
    parts.push(match lang {
        Lang::Zh => format!("{} 个单位", a.units.len()),
        Lang::En => format!("{} units", a.units.len()),
    });
    parts.join(" · ")
}

/// Grade distribution as cards.
fn grade_cards(fw: &Framework, a: &Assessment, lang: Lang) -> Markup {
    let n = a.units.len().max(1);
    html! {
        div.cards {
            @for (i, g) in fw.grades.iter().enumerate() {
                @let count = a.units.iter().filter(|u| u.grade == i).count();
                @let c = colour::grade(i, fw.grades.len());
                div.card style=(format!("border-top:4px solid {}", colour::css(c.bar))) {
                    div.n { (count) }
                    div.l { (g.name) " · " (format!("{:.0}%", count as f64 * 100.0 / n as f64)) " · ≥" (fmt_points(g.min)) (lang.pick("分", "")) }
                }
            }
        }
    }
}

/// Horizontal bars of scores, one per unit in rank order, coloured by
/// grade, with the grade thresholds drawn across.
fn score_bars(fw: &Framework, a: &Assessment, lang: Lang) -> Markup {
    let size = 12.0;
    let labels: Vec<String> = a.units.iter().map(|u| format!("{} {}", u.unit, u.name)).collect();
    let label_w = labels.iter().map(|l| text_px(l, size)).fold(60.0, f64::max).min(300.0) + 10.0;
    let (width, bar_h, gap, top) = (820.0, 16.0, 6.0, 26.0);
    let plot = width - label_w - 70.0;
    let max_score = a.units.iter().map(|u| f(u.totals.score)).fold(f(fw.total), f64::max);
    let scale = (max_score / 10.0).ceil() * 10.0;
    let x = |v: f64| label_w + plot * v / scale;
    let height = top + a.units.len() as f64 * (bar_h + gap) + 10.0;
    let veto = lang.pick("一票否决", "veto");
    html! {
        div.chart {
            svg width=(n1(width)) height=(n1(height)) viewBox=(format!("0 0 {} {}", n1(width), n1(height)))
                font-family=(SVG_FONT) font-size=(n1(size)) role="img" aria-label=(lang.pick("得分条形图", "Scores")) {
                @for g in fw.grades.iter().filter(|g| g.min > Decimal::ZERO) {
                    line x1=(n1(x(f(g.min)))) x2=(n1(x(f(g.min)))) y1=(n1(top - 6.0)) y2=(n1(height - 6.0))
                        stroke="#8c959f" stroke-dasharray="3 3" {}
                    text x=(n1(x(f(g.min)))) y=(n1(top - 10.0)) text-anchor="middle" fill="#59636e" {
                        (g.name) " " (fmt_points(g.min))
                    }
                }
                @for (i, (u, label)) in a.units.iter().zip(&labels).enumerate() {
                    @let y = top + i as f64 * (bar_h + gap);
                    @let c = colour::grade(u.grade, fw.grades.len());
                    @let s = f(u.totals.score);
                    text x=(n1(label_w - 8.0)) y=(n1(y + bar_h - 3.0)) text-anchor="end" { (label) }
                    rect x=(n1(label_w)) y=(n1(y)) width=(n1((x(s) - label_w).max(1.0))) height=(n1(bar_h)) rx="2" fill=(colour::css(c.bar)) {
                        title { (label) " " (fmt2(u.totals.score)) " " (fw.grades[u.grade].name) }
                    }
                    text x=(n1(x(s) + 5.0)) y=(n1(y + bar_h - 3.0)) fill="#1f2328" {
                        (fmt2(u.totals.score))
                        @if !u.totals.veto.is_empty() { " " (veto) }
                    }
                }
            }
        }
    }
}

/// Colour of a share of points: red below 60 %, amber at 80 %, green at 100 %.
fn heat(pct: f64) -> (String, &'static str) {
    let stops = [
        (0.6, (0xD6, 0x45, 0x41)),
        (0.8, (0xF2, 0xC1, 0x4E)),
        (1.0, (0x2E, 0x9D, 0x4F)),
    ];
    let p = pct.clamp(0.6, 1.0);
    let (mut lo, mut hi) = (stops[0], stops[1]);
    if p > 0.8 {
        (lo, hi) = (stops[1], stops[2]);
    }
    let t = (p - lo.0) / (hi.0 - lo.0);
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    let rgb = (mix(lo.1.0, hi.1.0), mix(lo.1.1, hi.1.1), mix(lo.1.2, hi.1.2));
    let text = if (0.7..0.92).contains(&p) { "#1f2328" } else { "#ffffff" };
    (format!("#{:02X}{:02X}{:02X}", rgb.0, rgb.1, rgb.2), text)
}

/// Heat map: units × top-level groups, the share of each group's points
/// the unit earned.
fn group_heatmap(fw: &Framework, a: &Assessment, lang: Lang) -> Markup {
    let groups: Vec<(usize, &crate::model::framework::Group)> = fw.top_groups().collect();
    let size = 12.0;
    let labels: Vec<String> = a.units.iter().map(|u| format!("{} {}", u.unit, u.name)).collect();
    let label_w = labels.iter().map(|l| text_px(l, size)).fold(60.0, f64::max).min(300.0) + 10.0;
    let (cell_w, cell_h, top) = (72.0, 22.0, 24.0);
    let width = label_w + groups.len() as f64 * cell_w + 10.0;
    let height = top + a.units.len() as f64 * cell_h + 6.0;
    html! {
        div.chart {
            svg width=(n1(width)) height=(n1(height)) viewBox=(format!("0 0 {} {}", n1(width), n1(height)))
                font-family=(SVG_FONT) font-size=(n1(size)) role="img" aria-label=(lang.pick("分组得分率热力图", "Group scores")) {
                @for (j, (_, g)) in groups.iter().enumerate() {
                    text x=(n1(label_w + j as f64 * cell_w + cell_w / 2.0)) y=(n1(top - 8.0)) text-anchor="middle" font-weight="bold" {
                        (g.id)
                    }
                }
                @for (i, (u, label)) in a.units.iter().zip(&labels).enumerate() {
                    @let y = top + i as f64 * cell_h;
                    text x=(n1(label_w - 8.0)) y=(n1(y + cell_h - 7.0)) text-anchor="end" { (label) }
                    @for (j, (gi, g)) in groups.iter().enumerate() {
                        @let pct = if g.points > Decimal::ZERO { f(u.groups[*gi]) / f(g.points) } else { 1.0 };
                        @let (fill, ink) = heat(pct);
                        @let x0 = label_w + j as f64 * cell_w;
                        rect x=(n1(x0)) y=(n1(y)) width=(n1(cell_w - 2.0)) height=(n1(cell_h - 2.0)) fill=(fill) {
                            title { (label) " · " (g.id) " " (g.name) (lang.pick("：", ": ")) (fmt2(u.groups[*gi])) "/" (fmt_points(g.points)) }
                        }
                        text x=(n1(x0 + cell_w / 2.0 - 1.0)) y=(n1(y + cell_h - 7.0)) text-anchor="middle" fill=(ink) {
                            (format!("{:.0}%", pct * 100.0))
                        }
                    }
                }
            }
        }
        p.legend {
            (group_legend(fw, lang))
            br;
            (lang.pick("格内为该组得分占该组分值的比例：绿色为满分，黄色约80%，红色60%及以下。",
                "Each cell is the share of the group's points earned: green full marks, amber about 80%, red 60% or less."))
        }
    }
}

/// The ranked table, group subtotals by group id.
fn ranking_table(fw: &Framework, a: &Assessment, lang: Lang, beside: &[super::report::Beside]) -> Markup {
    let t = super::report::ranking_table_beside(fw, a, lang, false, beside);
    let grade_col = t.headers.iter().position(|h| h == lang.pick("等次", "Grade"));
    html! {
        p.legend { (lang.pick("分组：", "Groups: ")) (group_legend(fw, lang)) }
        table {
            thead { tr { @for (h, num) in t.headers.iter().zip(&t.numeric) { th class=[num.then_some("num")] { (h) } } } }
            tbody {
                @for (row, u) in t.rows.iter().zip(&a.units) {
                    tr {
                        @for (c, cell) in row.iter().enumerate() {
                            @if Some(c) == grade_col { (grade_cell(fw, u.grade)) }
                            @else if t.numeric[c] { td.num { (cell) } }
                            @else { td.nw { (cell) } }
                        }
                    }
                }
            }
        }
    }
}

/// A unit's deficiencies as a table, worst first, with the way to the next
/// grade above it; in a rectification list (`ledger`) with the deadline
/// (整改时限) and status (状态) columns of the ledger.
fn unit_section(fw: &Framework, u: &UnitResult, items: &[Item], ledger: bool, lang: Lang) -> Markup {
    let advice = crate::engine::rectify::next_grade_of(fw, u).map(|ng| super::rectify::advice(fw, &ng, lang));
    let facts = {
        let mut p = Vec::new();
        if !u.category.is_empty() {
            p.push(u.category.clone());
        }
        p.push(match lang {
            Lang::Zh => format!("第{}名", u.rank),
            Lang::En => format!("rank {}", u.rank),
        });
        p.push(match lang {
            Lang::Zh => format!("{}分", fmt2(u.totals.score)),
            Lang::En => format!("score {}", fmt2(u.totals.score)),
        });
        p.join(" · ")
    };
    html! {
        section.unit {
            h2 { (u.unit) " " (u.name) }
            p { (facts) " · " span style=(grade_style(fw, u.grade)) { (crate::engine::grade::grade_text(fw, u, lang)) } }
            @if let Some(adv) = advice { p.advice { (adv) } }
            @if items.is_empty() && u.deficiencies.is_empty() {
                p.ok { (lang.pick("没有失分项。", "No points lost.")) }
            } @else if items.is_empty() {
                p.ok { (lang.pick("没有符合筛选条件的整改项。", "No item matches the selection.")) }
            } @else {
                table {
                    thead { tr {
                        th.nw { (lang.pick("指标", "Indicator")) }
                        th { (lang.pick("名称", "Name")) }
                        th.num { (lang.pick("分值", "Points")) }
                        th.num { (lang.pick("得分", "Amount")) }
                        th.num { (lang.pick("失分", "Lost")) }
                        th.nw { (lang.pick("原因", "Reason")) }
                        th { (lang.pick("情况说明", "Note")) }
                        th { (lang.pick("整改措施", "Remedy")) }
                        th.nw { (lang.pick("责任人", "Owner")) }
                        @if ledger {
                            th.nw { (lang.pick("考核部门", "Assessor")) }
                            th.nw { (lang.pick("整改时限", "Deadline")) }
                            th.nw { (lang.pick("状态", "Status")) }
                        }
                    } }
                    tbody {
                        @for it in items {
                            @let ind = &fw.indicators[it.index];
                            @let r = &u.indicators[it.index];
                            tr {
                                td.nw { (ind.id) }
                                td { (ind.name) }
                                td.num { @if !ind.kind.is_trigger() { (fmt_points(ind.points)) } }
                                td.num { (it.amount.map(fmt2).unwrap_or_default()) }
                                td.num { (it.lost.map(fmt2).unwrap_or_default()) }
                                td.nw { (it.reason.label(lang)) }
                                td { (if r.note.is_empty() { r.value.clone().unwrap_or_default() } else { r.note.clone() }) }
                                td { (ind.remedy) }
                                td.nw { (ind.owner) }
                                @if ledger {
                                    td.nw { (ind.assessor) }
                                    td.nw { (it.deadline.map(|d| d.to_string()).unwrap_or_default()) }
                                    td.nw { (super::rectify::start_status(lang)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn grade_style(fw: &Framework, g: usize) -> String {
    let c = colour::grade(g, fw.grades.len());
    format!(
        "background:{};color:{};font-weight:700;padding:0 6px;border-radius:3px",
        colour::css(c.fill),
        colour::css(c.text)
    )
}

/// The `score` report.
pub fn score(fw: &Framework, a: &Assessment, issue: &Issue, lang: Lang) -> String {
    score_beside(fw, a, issue, lang, &[])
}

/// [`score`] with columns beside the top groups' in the ranking.
pub fn score_beside(
    fw: &Framework,
    a: &Assessment,
    issue: &Issue,
    lang: Lang,
    beside: &[super::report::Beside],
) -> String {
    let title = match &a.period {
        Some(p) => format!("{} · {p}", fw.title),
        None => fw.title.clone(),
    };
    let body = html! {
        header {
            h1 { (fw.title) }
            p.meta { (period_units(a, lang)) }
            (issued(issue, lang))
        }
        h2 { (lang.pick("等次分布", "Grades")) }
        (grade_cards(fw, a, lang))
        @for line in crate::engine::grade::quota_lines(fw, &a.units, lang) {
            p { (line) }
        }
        h2 { (lang.pick("得分排名", "Ranking")) }
        (ranking_table(fw, a, lang, beside))
        h2 { (lang.pick("得分", "Scores")) }
        (score_bars(fw, a, lang))
        h2 { (lang.pick("分组得分率", "Group scores")) }
        (group_heatmap(fw, a, lang))
        @for (i, u) in a.units.iter().enumerate() {
            (unit_section(fw, u, &crate::engine::rectify::items(fw, a, i, None), false, lang))
        }
    };
    page(&title, lang, body, Colophon::of(fw, a, lang).render(lang))
}

/// The `deficiencies` report: the list's units, each with its items and
/// the way to the next grade.
pub fn deficiencies(fw: &Framework, a: &Assessment, list: &List, issue: &Issue, lang: Lang) -> String {
    let head = lang.pick("整改清单", "Rectification list");
    let title = match &a.period {
        Some(p) => format!("{head} · {} · {p}", fw.title),
        None => format!("{head} · {}", fw.title),
    };
    let n = list.items().count();
    let deadline = list.items().next().and_then(|(_, it)| it.deadline);
    let body = html! {
        header {
            h1 { (head) }
            p.meta { (fw.title) " · " (period_units(a, lang)) }
            (issued(issue, lang))
            div.cards {
                div.card { div.n { (list.units.len()) } div.l { (lang.pick("个单位", "units")) } }
                div.card { div.n { (n) } div.l { (lang.pick("项整改", "items")) } }
                @if let Some(d) = deadline {
                    div.card { div.n { (d.to_string()) } div.l { (lang.pick("整改时限", "deadline")) } }
                }
            }
        }
        @let by_unit = list.items_by_unit();
        @for e in &list.units {
            @let items: Vec<Item> = by_unit.get(&e.unit).into_iter().flatten().map(|&it| it.clone()).collect();
            (unit_section(fw, &a.units[e.unit], &items, true, lang))
        }
        @if a.units.iter().any(|u| u.self_assessed.is_some()) {
            @let listed: Vec<String> = list.unit_ids(a);
            @let t = super::rectify::self_higher_table(fw, a, &listed, lang);
            section {
                h2 { (super::rectify::self_higher_head(lang)) }
                @if t.rows.is_empty() { p { (lang.pick("无。", "None.")) } }
                @else { (plain_table(&t, 4)) }
            }
        }
    };
    page(&title, lang, body, Colophon::of(fw, a, lang).render(lang))
}

/// Old against new score for every unit in both periods, with the change.
fn diff_bars(c: &Comparison, lang: Lang) -> Markup {
    let both: Vec<&crate::engine::compare::UnitChange> =
        c.units.iter().filter(|u| u.old.is_some() && u.new.is_some()).collect();
    let size = 12.0;
    let labels: Vec<String> = both.iter().map(|u| format!("{} {}", u.unit, u.name)).collect();
    let label_w = labels.iter().map(|l| text_px(l, size)).fold(60.0, f64::max).min(300.0) + 10.0;
    let (width, bar_h, gap, top) = (820.0, 9.0, 8.0, 30.0);
    let plot = width - label_w - 90.0;
    let max = both
        .iter()
        .flat_map(|u| [u.old.as_ref(), u.new.as_ref()])
        .flatten()
        .map(|s| f(s.score))
        .fold(100.0, f64::max);
    let scale = (max / 10.0).ceil() * 10.0;
    let x = |v: f64| label_w + plot * v / scale;
    let row_h = 2.0 * bar_h + gap;
    let height = top + both.len() as f64 * row_h + 8.0;
    let grades: Vec<&str> = c.summary.grades.iter().map(|g| g.name.as_str()).collect();
    let grade_colour = |name: &str| {
        let i = grades.iter().position(|g| *g == name).unwrap_or(0);
        colour::css(colour::grade(i, grades.len()).bar)
    };
    html! {
        div.chart {
            svg width=(n1(width)) height=(n1(height)) viewBox=(format!("0 0 {} {}", n1(width), n1(height)))
                font-family=(SVG_FONT) font-size=(n1(size)) role="img" aria-label=(lang.pick("新旧得分对比", "Old and new scores")) {
                rect x=(n1(label_w)) y="6" width="14" height="9" fill="#b1bac4" {}
                text x=(n1(label_w + 18.0)) y="14" { (c.old.label) }
                rect x=(n1(label_w + 90.0)) y="6" width="14" height="9" fill="#3B7DD8" {}
                text x=(n1(label_w + 108.0)) y="14" { (c.new.label) " " (lang.pick("（按等次着色）", "(coloured by grade)")) }
                @for (i, (u, label)) in both.iter().zip(&labels).enumerate() {
                    @let y = top + i as f64 * row_h;
                    @let (old, new) = (u.old.as_ref().expect("both"), u.new.as_ref().expect("both"));
                    @let delta = u.delta.unwrap_or_default();
                    text x=(n1(label_w - 8.0)) y=(n1(y + bar_h + 4.0)) text-anchor="end" { (label) }
                    rect x=(n1(label_w)) y=(n1(y)) width=(n1((x(f(old.score)) - label_w).max(1.0))) height=(n1(bar_h)) fill="#b1bac4" {
                        title { (c.old.label) " " (fmt2(old.score)) " " (old.grade) }
                    }
                    rect x=(n1(label_w)) y=(n1(y + bar_h)) width=(n1((x(f(new.score)) - label_w).max(1.0))) height=(n1(bar_h)) fill=(grade_colour(&new.grade)) {
                        title { (c.new.label) " " (fmt2(new.score)) " " (new.grade) }
                    }
                    text x=(n1(x(f(old.score).max(f(new.score))) + 5.0)) y=(n1(y + bar_h + 4.0))
                        fill=(if delta > Decimal::ZERO { "#1a7f37" } else if delta < Decimal::ZERO { "#cf222e" } else { "#59636e" }) {
                        (fmt2(new.score)) " (" (super::compare::signed(delta)) ")"
                    }
                }
            }
        }
    }
}

/// A table of the text renderer's, as HTML; the first `keep` columns (a
/// unit's id and name) never wrap, so a name reads as one line.
fn plain_table(t: &super::Table, keep: usize) -> Markup {
    html! {
        table {
            thead { tr { @for (c, (h, num)) in t.headers.iter().zip(&t.numeric).enumerate() {
                th class=[num.then_some("num").or((c < keep).then_some("nw"))] { (h) }
            } } }
            tbody {
                @for row in &t.rows {
                    tr { @for (c, cell) in row.iter().enumerate() {
                        @if t.numeric[c] { td.num { (cell) } }
                        @else if c < keep { td.nw { (cell) } }
                        @else { td { (cell) } }
                    } }
                }
            }
        }
    }
}

/// The `diff` report: the summary lines, old against new scores, and the
/// unit and persisting-problem tables.
pub fn diff(c: &Comparison, issue: &Issue, lang: Lang) -> String {
    use super::compare::{Layout, diff_head, persisting_table, units_table};
    let head = lang.pick("考核结果对比", "Comparison");
    let title = format!("{head}{}{} → {}", lang.pick("：", ": "), c.old.label, c.new.label);
    let persisting = persisting_table(c, lang);
    // The sides' framework ids and hashes (the first three lines) go to
    // the colophon.
    let head = diff_head(c, lang);
    let (sides, rest) = head.split_at(3.min(head.len()));
    let mut colophon = Colophon::default();
    for l in sides {
        let (label, value) = l.split_once(lang.pick("：", ": ")).unwrap_or(("", l));
        colophon.fact(label, value);
    }
    colophon.fact(
        lang.pick("输入文件", "Input files"),
        format!("{} · {}", c.old.source, c.new.source),
    );
    let body = html! {
        header {
            h1 { (title) }
            p.meta { (c.new.title) }
            (issued(issue, lang))
        }
        ul { @for l in rest { li { (l) } } }
        h2 { (lang.pick("新旧得分", "Old and new scores")) }
        (diff_bars(c, lang))
        h2 { (lang.pick("单位对比", "Units")) }
        (plain_table(&units_table(c, lang, Layout::Markdown), 2))
        h2 { (lang.pick("整改不到位（上期问题本期仍存在）", "Persisting problems (整改不到位)")) }
        @if persisting.rows.is_empty() {
            p.ok { (lang.pick("没有整改不到位的问题。", "No problem persists.")) }
        } @else {
            (plain_table(&persisting, 2))
        }
    };
    page(&title, lang, body, colophon.render(lang))
}

/// `deficiencies --summary`: where the whole jurisdiction loses points, a
/// table per view.
pub fn deficiency_summary(fw: &Framework, a: &Assessment, s: &Summary, issue: &Issue, lang: Lang) -> String {
    let head = lang.pick("整改情况汇总", "Rectification summary");
    let title = match &a.period {
        Some(p) => format!("{head} · {} · {p}", fw.title),
        None => format!("{head} · {}", fw.title),
    };
    let body = html! {
        header {
            h1 { (head) }
            p.meta { (fw.title) " · " (period_units(a, lang)) }
            (issued(issue, lang))
            div.cards {
                div.card { div.n { (s.units) } div.l { (lang.pick("个单位", "units")) } }
                div.card { div.n { (s.items) } div.l { (lang.pick("项整改", "items")) } }
            }
        }
        @for (name, t) in super::rectify::summary_tables(fw, s, lang) {
            h2 { (name) }
            (plain_table(&t, 2))
        }
    };
    page(&title, lang, body, Colophon::of(fw, a, lang).render(lang))
}

/// `explain UNIT`: the unit's ledger indicator by indicator, and how its
/// score, grade and rank were reached.
pub fn explain(fw: &Framework, a: &Assessment, u: &UnitResult, issue: &Issue, lang: Lang) -> String {
    let head = lang.pick("得分明细", "Score explained");
    let name = if u.name.is_empty() {
        u.unit.clone()
    } else {
        format!("{} {}", u.unit, u.name)
    };
    let title = match &a.period {
        Some(p) => format!("{head} · {name} · {p}"),
        None => format!("{head} · {name}"),
    };
    let mut facts = vec![fw.title.clone()];
    facts.extend(a.period.clone());
    if !u.category.is_empty() {
        facts.push(u.category.clone());
    }
    let body = html! {
        header {
            h1 { (name) " " span style=(grade_style(fw, u.grade)) { (crate::engine::grade::grade_text(fw, u, lang)) } }
            p.meta { (head) " · " (facts.join(" · ")) }
            (issued(issue, lang))
        }
        ul { @for l in super::report::reconciliation(fw, a, u, lang) { li { (l) } } }
        (plain_table(&super::report::ledger_table(fw, a, u, lang), 3))
    };
    page(&title, lang, body, Colophon::of(fw, a, lang).render(lang))
}

/// The `robust` report: what was drawn, the rank intervals as bars (the
/// 5th–95th percentile, the median as a dot, the nominal rank as a tick),
/// units whose grade is uncertain in amber, and the table.
pub fn robust(
    fw: &Framework,
    a: &Assessment,
    r: &crate::engine::robust::Robustness,
    issue: &Issue,
    lang: Lang,
) -> String {
    let head = super::robust::head(fw, a, r, lang);
    let t = super::robust::table(fw, a, r, lang);
    let size = 12.0;
    let labels: Vec<String> = r
        .units
        .iter()
        .map(|s| format!("{} {}", a.units[s.unit].unit, a.units[s.unit].name))
        .collect();
    let label_w = labels.iter().map(|l| text_px(l, size)).fold(60.0, f64::max).min(300.0) + 10.0;
    let (width, row_h, top) = (820.0, 18.0, 26.0);
    let plot = width - label_w - 20.0;
    let n = a.units.len().max(1) as f64;
    // Rank 1 on the left.
    let x = |rank: usize| label_w + plot * (rank as f64 - 1.0) / (n - 1.0).max(1.0);
    let height = top + r.units.len() as f64 * row_h + 10.0;
    let ticks: Vec<usize> = {
        let step = ((n / 10.0).ceil() as usize).max(1);
        let mut v: Vec<usize> = (1..=a.units.len()).step_by(step).collect();
        if v.last() != Some(&a.units.len()) && !a.units.is_empty() {
            v.push(a.units.len());
        }
        v
    };
    let body = html! {
        header {
            h1 { (lang.pick("排名稳健性分析", "Ranking robustness")) " · " (fw.title) }
            (issued(issue, lang))
        }
        @for line in head.lines().skip(1) { p { (line) } }
        h2 { (lang.pick("排名区间", "Rank intervals")) }
        p.legend {
            (lang.pick(
                "横条为 5%–95% 抽样的排名区间，圆点为中位排名，竖线为现排名；橙色为等次不确定的单位。",
                "Bars: the ranks of 5 %–95 % of draws; dot: the median rank; tick: the rank held; amber: grade uncertain.",
            ))
        }
        div.chart {
            svg width=(n1(width)) height=(n1(height)) viewBox=(format!("0 0 {} {}", n1(width), n1(height)))
                font-family=(SVG_FONT) font-size=(n1(size)) role="img" aria-label=(lang.pick("排名区间", "Rank intervals")) {
                @for &k in &ticks {
                    line x1=(n1(x(k))) x2=(n1(x(k))) y1=(n1(top - 6.0)) y2=(n1(height - 6.0)) stroke="#d0d7de" {}
                    text x=(n1(x(k))) y=(n1(top - 10.0)) text-anchor="middle" fill="#59636e" { (k) }
                }
                @for (i, (s, label)) in r.units.iter().zip(&labels).enumerate() {
                    @let u = &a.units[s.unit];
                    @let y = top + i as f64 * row_h;
                    @let uncertain = r.uncertain(s, u.grade);
                    @let colour = if uncertain { "#d97706" } else { "#0969da" };
                    text x=(n1(label_w - 8.0)) y=(n1(y + row_h - 5.0)) text-anchor="end"
                        font-weight=[uncertain.then_some("bold")] { (label) }
                    rect x=(n1(x(s.rank_p5) - 3.0)) y=(n1(y + 4.0)) width=(n1(x(s.rank_p95) - x(s.rank_p5) + 6.0)) height=(n1(row_h - 8.0))
                        rx="4" fill=(colour) fill-opacity="0.35" {
                        title {
                            (label) " " (lang.pick("排名区间", "ranks")) " " (super::robust::interval(s.rank_p5, s.rank_p95))
                            " · " (lang.pick("中位", "median")) " " (s.median_rank)
                        }
                    }
                    line x1=(n1(x(u.rank))) x2=(n1(x(u.rank))) y1=(n1(y + 2.0)) y2=(n1(y + row_h - 2.0)) stroke="#1f2328" stroke-width="1.5" {}
                    circle cx=(n1(x(s.median_rank))) cy=(n1(y + row_h / 2.0)) r="3.5" fill=(colour) {}
                }
            }
        }
        h2 { (lang.pick("各单位", "Units")) }
        table {
            thead { tr { @for (h, num) in t.headers.iter().zip(&t.numeric) { th class=[num.then_some("num")] { (h) } } } }
            tbody {
                @for (row, s) in t.rows.iter().zip(&r.units) {
                    @let u = &a.units[s.unit];
                    tr style=[r.uncertain(s, u.grade).then_some("background:#fff4e5")] {
                        @for (c, cell) in row.iter().enumerate() {
                            @if c == 4 { (grade_cell(fw, u.grade)) }
                            @else if t.numeric[c] { td.num { (cell) } }
                            @else { td.nw { (cell) } }
                        }
                    }
                }
            }
        }
    };
    let title = format!("{} · {}", lang.pick("排名稳健性分析", "Ranking robustness"), fw.title);
    page(&title, lang, body, Colophon::of(fw, a, lang).render(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heat_runs_red_amber_green() {
        assert_eq!(heat(0.3).0, "#D64541");
        assert_eq!(heat(0.8).0, "#F2C14E");
        assert_eq!(heat(1.0).0, "#2E9D4F");
    }

    #[test]
    fn text_width_counts_hanzi_as_two_columns() {
        assert_eq!(text_px("ab", 10.0), 11.0);
        assert_eq!(text_px("城关", 10.0), 22.0);
    }
}
