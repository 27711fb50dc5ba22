//! The year's rectification list written out: as a table, CSV, Markdown,
//! JSON, XLSX or HTML ([`crate::engine::combine::year`] builds it).

use crate::base::lang::Lang;
use crate::base::num::fmt2;
use crate::engine::combine::year::{Component, Item, Unit, YearList};
use crate::render::{Format, Table};
use rust_decimal::Decimal;
use serde::Serialize;

impl YearList {
    fn ids(&self, ks: &[usize]) -> String {
        ks.iter()
            .map(|&k| self.components[k].id.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn items(&self) -> impl Iterator<Item = (usize, &Unit, &Item)> {
        self.units
            .iter()
            .flat_map(|u| u.items.iter().map(move |it| (u, it)))
            .enumerate()
            .map(|(i, (u, it))| (i + 1, u, it))
    }

    fn title(&self, lang: Lang) -> String {
        let head = lang.pick("年度整改清单", "The year's rectification list");
        match &self.period {
            Some(p) => format!("{head} · {} · {p}", self.title),
            None => format!("{head} · {}", self.title),
        }
    }

    /// `15个单位 · 120项整改（持续存在 80 项） · 前期问题已整改 30 项`.
    fn counts(&self, lang: Lang) -> String {
        let n = self.items().count();
        let persisting = self.items().filter(|(_, _, it)| it.persists()).count();
        let resolved: usize = self.units.iter().map(|u| u.resolved.len()).sum();
        match lang {
            Lang::Zh => format!(
                "{}个单位 · {n}项整改（其中持续存在{persisting}项） · 前期问题已整改{resolved}项",
                self.units.len()
            ),
            Lang::En => format!(
                "{} units · {n} items ({persisting} persisting) · {resolved} earlier items resolved",
                self.units.len()
            ),
        }
    }

    /// What the list is made of, in words.
    fn basis(&self, lang: Lang) -> Vec<String> {
        let recorded: Vec<&Component> = self.components.iter().filter(|c| c.recorded).collect();
        let ids: Vec<&str> = recorded.iter().map(|c| c.id.as_str()).collect();
        let mut lines = vec![match lang {
            Lang::Zh => format!(
                "列出各单位最近一期（{}）的问题；“出现于”为该单位在 {} 中在同一指标失分的各期，出现两期及以上为持续存在；前期失分而最近一期未再失分的为已整改，只计数。",
                recorded.last().map_or("", |c| c.id.as_str()),
                ids.join(" ")
            ),
            Lang::En => format!(
                "Each unit's problems of its latest period ({}) are listed; \"appeared\" names the periods of {} in which the unit lost points on the same indicator, persisting when more than one; earlier problems not lost in the latest are resolved and only counted.",
                recorded.last().map_or("", |c| c.id.as_str()),
                ids.join(" ")
            ),
        }];
        for c in self.components.iter().filter(|c| !c.recorded) {
            lines.push(crate::base::lang::msg!(
                zh: "{} {}以得分给出，没有问题明细。",
                en: "{} {} is given as scores, without deficiencies.",
                c.id,
                c.name
            ));
        }
        lines
    }

    /// A unit's facts: `乡镇（街道） · 第1名 · 94.91分 · 好 · 一票否决（Q2） · Q4 3项（持续2项）`.
    fn facts(&self, u: &Unit, lang: Lang) -> String {
        let mut p = Vec::new();
        if !u.category.is_empty() {
            p.push(u.category.clone());
        }
        p.push(match lang {
            Lang::Zh => format!("第{}名", u.rank),
            Lang::En => format!("rank {}", u.rank),
        });
        p.push(match lang {
            Lang::Zh => format!("{}分", fmt2(u.score)),
            Lang::En => format!("score {}", fmt2(u.score)),
        });
        p.push(u.grade.clone());
        if !u.veto.is_empty() {
            p.push(match lang {
                Lang::Zh => format!("一票否决（{}）", u.veto.join(" ")),
                Lang::En => format!("vetoed ({})", u.veto.join(" ")),
            });
        }
        let persisting = u.items.iter().filter(|it| it.persists()).count();
        p.push(match (u.latest, lang) {
            (None, Lang::Zh) => "没有问题明细".to_string(),
            (None, Lang::En) => "no deficiencies recorded".to_string(),
            (Some(l), Lang::Zh) => format!("{} {}项（持续{persisting}项）", self.components[l].id, u.items.len()),
            (Some(l), Lang::En) => format!(
                "{}: {} items ({persisting} persisting)",
                self.components[l].id,
                u.items.len()
            ),
        });
        p.join(" · ")
    }

    /// `前期问题已整改：A3（Q3）、B1（Q1 Q2）`, or `None`.
    fn resolved_line(&self, u: &Unit, lang: Lang) -> Option<String> {
        (!u.resolved.is_empty()).then(|| {
            let list: Vec<String> = u
                .resolved
                .iter()
                .map(|r| match lang {
                    Lang::Zh => format!("{}（{}）", r.indicator, self.ids(&r.appeared)),
                    Lang::En => format!("{} ({})", r.indicator, self.ids(&r.appeared)),
                })
                .collect();
            lang.labelled(
                &crate::base::lang::msg!(zh: "前期问题已整改{}项", en: "{} earlier items resolved", u.resolved.len()),
                &list.join(lang.pick("、", ", ")),
            )
        })
    }

    /// A unit's items as a table.
    fn unit_table(&self, u: &Unit, first: usize, lang: Lang) -> Table {
        let mut t = Table::new(&[
            (lang.pick("序号", "No."), true),
            (lang.pick("指标", "Indicator"), false),
            (lang.pick("指标名称", "Name"), false),
            (lang.pick("失分", "Lost"), true),
            (lang.pick("原因", "Reason"), false),
            (lang.pick("出现期数", "Periods"), false),
            (lang.pick("出现于", "Appeared in"), false),
        ]);
        for (i, it) in u.items.iter().enumerate() {
            t.push(vec![
                (first + i).to_string(),
                it.indicator.clone(),
                it.name.clone(),
                it.lost.map(fmt2).unwrap_or_default(),
                it.reason.label(lang).to_string(),
                format!("{}/{}", it.appeared.len(), u.scored.len()),
                self.ids(&it.appeared),
            ]);
        }
        t
    }

    /// The flat ledger: one row per item.
    pub fn ledger(&self, lang: Lang) -> Table {
        let mut t = Table::new(&[
            (lang.pick("序号", "No."), true),
            (lang.pick("单位", "Unit"), false),
            (lang.pick("单位名称", "Unit name"), false),
            (lang.pick("类别", "Category"), false),
            (lang.pick("年度排名", "Year rank"), true),
            (lang.pick("年度得分", "Year score"), true),
            (lang.pick("年度等次", "Year grade"), false),
            (lang.pick("所在期", "Period"), false),
            (lang.pick("指标", "Indicator"), false),
            (lang.pick("指标名称", "Indicator name"), false),
            (lang.pick("失分", "Lost"), true),
            (lang.pick("原因", "Reason"), false),
            (lang.pick("出现期数", "Periods"), false),
            (lang.pick("出现于", "Appeared in"), false),
        ]);
        for (no, u, it) in self.items() {
            t.push(vec![
                no.to_string(),
                u.unit.clone(),
                u.name.clone(),
                u.category.clone(),
                u.rank.to_string(),
                fmt2(u.score),
                u.grade.clone(),
                self.components[it.component].id.clone(),
                it.indicator.clone(),
                it.name.clone(),
                it.lost.map(fmt2).unwrap_or_default(),
                it.reason.label(lang).to_string(),
                format!("{}/{}", it.appeared.len(), u.scored.len()),
                self.ids(&it.appeared),
            ]);
        }
        t
    }

    /// The resolved items, one row each.
    pub fn resolved_table(&self, lang: Lang) -> Table {
        let mut t = Table::new(&[
            (lang.pick("单位", "Unit"), false),
            (lang.pick("单位名称", "Unit name"), false),
            (lang.pick("指标", "Indicator"), false),
            (lang.pick("指标名称", "Indicator name"), false),
            (lang.pick("最后出现", "Last in"), false),
            (lang.pick("失分", "Lost"), true),
            (lang.pick("原因", "Reason"), false),
            (lang.pick("出现于", "Appeared in"), false),
        ]);
        for u in &self.units {
            for r in &u.resolved {
                t.push(vec![
                    u.unit.clone(),
                    u.name.clone(),
                    r.indicator.clone(),
                    r.name.clone(),
                    self.components[r.component].id.clone(),
                    r.lost.map(fmt2).unwrap_or_default(),
                    r.reason.label(lang).to_string(),
                    self.ids(&r.appeared),
                ]);
            }
        }
        t
    }

    /// table, md, csv or json.
    pub fn text(&self, lang: Lang, format: Format) -> String {
        match format {
            Format::Csv => self.ledger(lang).to_csv(),
            Format::Json => crate::render::json::to_string(&self.doc()),
            Format::Table | Format::Md => self.sections(lang, format),
            Format::Xlsx | Format::Html => unreachable!("written by YearList::xlsx and YearList::html"),
        }
    }

    fn sections(&self, lang: Lang, format: Format) -> String {
        let md = format == Format::Md;
        let esc = |s: &str| {
            if md {
                crate::render::markdown_text(s)
            } else {
                s.to_string()
            }
        };
        let mut s = if md {
            format!("# {}\n\n{}\n\n", esc(&self.title(lang)), esc(&self.counts(lang)))
        } else {
            format!("{}\n{}\n", self.title(lang), self.counts(lang))
        };
        for line in self.basis(lang) {
            s.push_str(&esc(&line));
            s.push_str(if md { "\n\n" } else { "\n" });
        }
        let mut first = 1;
        for u in &self.units {
            let heading = format!("{} {}", u.unit, u.name);
            let facts = self.facts(u, lang);
            if md {
                s.push_str(&format!("\n## {}\n\n{}\n\n", esc(&heading), esc(&facts)));
            } else {
                match lang {
                    Lang::Zh => s.push_str(&format!("\n【{heading}】{facts}\n")),
                    Lang::En => s.push_str(&format!("\n[{heading}] {facts}\n")),
                }
            }
            if let Some(line) = self.resolved_line(u, lang) {
                s.push_str(&esc(&line));
                s.push_str(if md { "\n\n" } else { "\n" });
            }
            if !u.items.is_empty() {
                let t = self.unit_table(u, first, lang);
                s.push_str(&if md { t.to_markdown() } else { t.to_terminal() });
            }
            first += u.items.len();
        }
        s
    }

    fn doc(&self) -> ListDoc<'_> {
        let ids = |ks: &[usize]| ks.iter().map(|&k| self.components[k].id.as_str()).collect();
        ListDoc {
            kind: "year_deficiencies",
            period: self.period.as_deref(),
            framework: FrameworkRef {
                id: &self.id,
                title: &self.title,
            },
            components: self
                .components
                .iter()
                .map(|c| ComponentDoc {
                    id: &c.id,
                    name: &c.name,
                    deficiencies: c.recorded,
                })
                .collect(),
            units: self
                .units
                .iter()
                .map(|u| UnitDoc {
                    unit: &u.unit,
                    name: &u.name,
                    category: (!u.category.is_empty()).then_some(u.category.as_str()),
                    rank: u.rank,
                    score: u.score,
                    grade: &u.grade,
                    veto: u.veto.iter().map(String::as_str).collect(),
                    latest: u.latest.map(|l| self.components[l].id.as_str()),
                    scored: ids(&u.scored),
                    items: u.items.len(),
                    persisting: u.items.iter().filter(|it| it.persists()).count(),
                    resolved: u
                        .resolved
                        .iter()
                        .map(|r| ResolvedDoc {
                            indicator: &r.indicator,
                            indicator_name: &r.name,
                            last: &self.components[r.component].id,
                            lost: r.lost,
                            reason: r.reason.as_str(),
                            appeared: ids(&r.appeared),
                        })
                        .collect(),
                })
                .collect(),
            deficiencies: self
                .items()
                .map(|(no, u, it)| ItemDoc {
                    no,
                    unit: &u.unit,
                    unit_name: &u.name,
                    category: (!u.category.is_empty()).then_some(u.category.as_str()),
                    component: &self.components[it.component].id,
                    indicator: &it.indicator,
                    indicator_name: &it.name,
                    lost: it.lost,
                    reason: it.reason.as_str(),
                    appeared: ids(&it.appeared),
                    persisting: it.persists(),
                })
                .collect(),
        }
    }

    /// The workbook: 年度整改清单 (the ledger) and 前期已整改.
    pub fn xlsx(&self, lang: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        use crate::render::xlsx;
        let st = xlsx::Styles::new();
        let title = self.title(lang);
        let mut book = xlsx::workbook(&title);
        for (name, t) in [
            (lang.pick("年度整改清单", "Year list"), self.ledger(lang)),
            (lang.pick("前期已整改", "Resolved"), self.resolved_table(lang)),
        ] {
            let ws = book.add_worksheet();
            ws.set_name(name)?;
            xlsx::table_sheet(ws, &t, &st, 3)?;
            xlsx::print_setup(ws, &title, true)?;
        }
        book.save_to_buffer()
    }

    /// A page to print: per unit its facts, what was resolved and the items.
    pub fn html(&self, issue: &crate::render::issue::Issue, lang: Lang) -> String {
        use maud::html;
        let firsts: Vec<usize> = self
            .units
            .iter()
            .scan(1, |n, u| {
                let first = *n;
                *n += u.items.len();
                Some(first)
            })
            .collect();
        let body = html! {
            @for line in self.basis(lang) { p { (line) } }
            @for (u, &first) in self.units.iter().zip(&firsts) {
                section.unit {
                    h2 { (u.unit) " " (u.name) }
                    p { (self.facts(u, lang)) }
                    @if let Some(line) = self.resolved_line(u, lang) { p { (line) } }
                    @if u.items.is_empty() {
                        p.ok { (lang.pick("最近一期没有问题。", "No problem in the latest period.")) }
                    } @else {
                        @let t = self.unit_table(u, first, lang);
                        table {
                            thead { tr { @for (h, num) in t.headers.iter().zip(&t.numeric) { th class=[num.then_some("num")] { (h) } } } }
                            tbody { @for row in &t.rows { tr { @for (c, cell) in row.iter().enumerate() {
                                @if t.numeric[c] { td.num { (cell) } } @else { td { (cell) } }
                            } } } }
                        }
                    }
                }
            }
        };
        let facts = vec![(
            lang.pick("综合考核", "Composite").to_string(),
            format!("{} [{}]", self.title, self.id),
        )];
        crate::render::html::document(
            &self.title(lang),
            &self.title(lang),
            &self.counts(lang),
            issue,
            lang,
            body,
            facts,
            vec![(self.path.clone(), self.sha256.clone())],
        )
    }
}

#[derive(Serialize)]
struct ListDoc<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    period: Option<&'a str>,
    framework: FrameworkRef<'a>,
    components: Vec<ComponentDoc<'a>>,
    units: Vec<UnitDoc<'a>>,
    deficiencies: Vec<ItemDoc<'a>>,
}

#[derive(Serialize)]
struct FrameworkRef<'a> {
    id: &'a str,
    title: &'a str,
}

#[derive(Serialize)]
struct ComponentDoc<'a> {
    id: &'a str,
    name: &'a str,
    deficiencies: bool,
}

#[derive(Serialize)]
struct UnitDoc<'a> {
    unit: &'a str,
    name: &'a str,
    category: Option<&'a str>,
    rank: usize,
    score: Decimal,
    grade: &'a str,
    veto: Vec<&'a str>,
    latest: Option<&'a str>,
    scored: Vec<&'a str>,
    items: usize,
    persisting: usize,
    resolved: Vec<ResolvedDoc<'a>>,
}

#[derive(Serialize)]
struct ResolvedDoc<'a> {
    indicator: &'a str,
    indicator_name: &'a str,
    last: &'a str,
    lost: Option<Decimal>,
    reason: &'static str,
    appeared: Vec<&'a str>,
}

#[derive(Serialize)]
struct ItemDoc<'a> {
    no: usize,
    unit: &'a str,
    unit_name: &'a str,
    category: Option<&'a str>,
    component: &'a str,
    indicator: &'a str,
    indicator_name: &'a str,
    lost: Option<Decimal>,
    reason: &'static str,
    appeared: Vec<&'a str>,
    persisting: bool,
}
