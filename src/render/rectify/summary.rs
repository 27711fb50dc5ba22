//! The jurisdiction summary (`--summary`): per indicator, owner and
//! reason, as text and as JSON.

use super::*;

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
        Format::Json => crate::render::json::to_string(&summary_doc(fw, a, s)),
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
                    crate::render::markdown_text(&head),
                    crate::render::markdown_text(&counts)
                )
            } else {
                format!("{head}\n{counts}\n")
            };
            for (h, t) in parts {
                if md {
                    out.push_str(&format!(
                        "\n## {}\n\n{}",
                        crate::render::markdown_text(h),
                        t.to_markdown()
                    ));
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
