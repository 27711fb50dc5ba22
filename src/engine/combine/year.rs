//! The year's rectification list (年度整改清单), read from a combined result
//! (`kaohe deficiencies 2023年度.json`).
//!
//! A combined result carries, per unit and component, the deficiencies the
//! component's saved result recorded (`components[].deficiencies`). The
//! year's list of a unit is defined on them:
//!
//! - its **latest** component is the last one, in the composite file's
//!   order, that records the unit's deficiencies (a result of `score`:
//!   Q4, say); a table (`unit,score`) or a combined result records none;
//! - every deficiency of the latest component is listed, with the
//!   components (of those recording the unit's deficiencies) in which the
//!   unit lost points on the same indicator (`appeared`); listed in more
//!   than one it **persists** (持续存在);
//! - a deficiency of an earlier component whose indicator is not lost in
//!   the latest is **resolved** (已整改): not listed, but counted and named
//!   per unit.

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::engine::combine::ItemRecord;
use crate::engine::rectify::Order;
use crate::engine::score::Reason;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::Path;

#[derive(Deserialize)]
struct Doc {
    period: Option<String>,
    framework: Head,
    units: Vec<UnitRec>,
}

#[derive(Deserialize)]
struct Head {
    id: String,
    title: String,
    groups: Vec<GroupRec>,
}

#[derive(Deserialize)]
struct GroupRec {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct UnitRec {
    unit: String,
    #[serde(default)]
    name: String,
    category: Option<String>,
    rank: usize,
    score: Decimal,
    grade: String,
    #[serde(default)]
    veto: Vec<String>,
    components: Vec<ComponentRec>,
}

#[derive(Deserialize)]
struct ComponentRec {
    id: String,
    #[serde(default)]
    deficiencies: Option<Vec<ItemRecord>>,
}

/// One component of the year.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub id: String,
    pub name: String,
    /// Does it record deficiencies (for any unit)?
    pub recorded: bool,
}

/// One deficiency of the year's list, or one resolved before the latest
/// component.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub indicator: String,
    pub name: String,
    pub lost: Option<Decimal>,
    pub reason: Reason,
    /// The component it is taken from: the latest for a listed item, the
    /// last it appeared in for a resolved one.
    pub component: usize,
    /// The components (recording the unit's deficiencies) in which the
    /// unit lost points on this indicator, in order.
    pub appeared: Vec<usize>,
}

impl Item {
    /// Lost in an earlier component too (持续存在).
    pub fn persists(&self) -> bool {
        self.appeared.len() > 1
    }
}

/// One unit of the year's list.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub unit: String,
    pub name: String,
    pub category: String,
    pub rank: usize,
    pub score: Decimal,
    pub grade: String,
    /// Components in which the unit was vetoed.
    pub veto: Vec<String>,
    /// The components recording the unit's deficiencies, in order.
    pub scored: Vec<usize>,
    /// The last of `scored`.
    pub latest: Option<usize>,
    /// The latest component's deficiencies (after the selection): vetoes
    /// and caps first, then the most points lost, then the component's
    /// order.
    pub items: Vec<Item>,
    /// Deficiencies of earlier components not lost in the latest, in
    /// order of first appearance.
    pub resolved: Vec<Item>,
}

/// The year's list.
#[derive(Debug, Clone, PartialEq)]
pub struct YearList {
    pub path: String,
    pub sha256: String,
    pub period: Option<String>,
    pub id: String,
    pub title: String,
    pub components: Vec<Component>,
    /// The selected units, in list order.
    pub units: Vec<Unit>,
}

/// What selects the list: as `deficiencies` takes it.
pub struct Selection<'a> {
    pub units: &'a [String],
    pub categories: &'a [String],
    pub reasons: &'a [Reason],
    pub min_lost: Option<Decimal>,
    pub order: Order,
}

/// Is the JSON at `path` a combined result (`"type": "combined"`)?
pub fn is_combined(path: &Path) -> bool {
    #[derive(Deserialize)]
    struct TypeProbe {
        #[serde(rename = "type")]
        kind: Option<String>,
    }
    crate::reading::result::is_result(path)
        && crate::base::file::read_file(path).is_ok_and(|b| {
            let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&b);
            serde_json::from_slice::<TypeProbe>(b).is_ok_and(|p| p.kind.as_deref() == Some("combined"))
        })
}

fn reason_of(s: &str) -> Option<Reason> {
    [
        Reason::Shortfall,
        Reason::Missing,
        Reason::Penalty,
        Reason::Veto,
        Reason::Cap,
    ]
    .into_iter()
    .find(|r| r.as_str() == s)
}

/// Read a combined result (checked as every result is) and build the
/// year's list of the selected units.
pub fn load(path: &Path, sel: &Selection) -> Result<YearList, Diagnostics> {
    let name = path.display().to_string();
    // Every check a result gets (arithmetic, grades, ranks) first.
    crate::reading::result::PeriodResult::load(path)?;
    let bytes = crate::base::file::read_file(path).map_err(|m| Diagnostics(vec![Diagnostic::file(&name, m)]))?;
    let sha256 = crate::base::file::sha256_hex(&bytes);
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let doc: Doc = serde_json::from_slice(bytes).map_err(|e| {
        Diagnostics(vec![Diagnostic::at(
            &name,
            e.line().max(1) as u64,
            crate::base::lang::msg!(
                zh: "不是有效的年度汇总结果：{e}",
                en: "not a valid combined result: {e}"
            ),
        )])
    })?;
    let mut errs = Diagnostics::new();
    let mut components: Vec<Component> = doc
        .framework
        .groups
        .iter()
        .map(|g| Component {
            id: g.id.clone(),
            name: g.name.clone(),
            recorded: false,
        })
        .collect();
    for u in &doc.units {
        let ids: Vec<&str> = u.components.iter().map(|c| c.id.as_str()).collect();
        let want: Vec<&str> = components.iter().map(|c| c.id.as_str()).collect();
        if ids != want {
            errs.push(Diagnostic::file(
                &name,
                crate::base::lang::msg!(
                    zh: "单位“{}”的 components 为 {}，与组成部分 {} 不一致",
                    en: "unit \"{}\" has components {}, not the composite's {}",
                    u.unit,
                    ids.join(", "),
                    want.join(", ")
                ),
            ));
            continue;
        }
        for (c, rec) in components.iter_mut().zip(&u.components) {
            c.recorded |= rec.deficiencies.is_some();
            for d in rec.deficiencies.iter().flatten() {
                if reason_of(&d.reason).is_none() {
                    errs.push(Diagnostic::file(
                        &name,
                        crate::base::lang::msg!(
                            zh: "单位“{}”在 {} 的问题 {} 原因“{}”不可识别（应为 shortfall、missing、penalty、veto 或 cap）",
                            en: "unit \"{}\" in {}: deficiency {} has an unknown reason \"{}\" (shortfall, missing, penalty, veto or cap)",
                            u.unit,
                            rec.id,
                            d.indicator,
                            d.reason
                        ),
                    ));
                }
            }
        }
    }
    if errs.is_empty() && !components.iter().any(|c| c.recorded) {
        errs.push(Diagnostic::file(
            &name,
            crate::base::lang::m(
                "年度结果中没有任何组成部分的问题明细：组成部分都以得分表给出，或该结果由不记录问题明细的旧版 kaohe 写出；请用本版 kaohe combine 重新汇总各期结果",
                "the combined result records no component's deficiencies: every component was a unit,score table, or it was written by an older kaohe; combine the periods' results again with this version",
            ),
        ));
    }
    for id in sel.units {
        if !doc.units.iter().any(|u| &u.unit == id) {
            errs.push(Diagnostic::file(
                &name,
                crate::base::lang::msg!(
                    zh: "--unit：没有单位“{id}”{}",
                    en: "--unit: there is no unit \"{id}\"{}",
                    crate::base::diag::hint(id, doc.units.iter().map(|u| &u.unit))
                ),
            ));
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut units: Vec<Unit> = doc
        .units
        .iter()
        .filter(|u| sel.units.is_empty() || sel.units.contains(&u.unit))
        .filter(|u| sel.categories.is_empty() || u.category.as_ref().is_some_and(|c| sel.categories.contains(c)))
        .map(|u| year_unit(u, sel))
        .collect();
    match sel.order {
        // Worst first: the result is in rank order, vetoed units last.
        Order::Rank => units.reverse(),
        Order::Unit => units.sort_by(|a, b| a.unit.cmp(&b.unit)),
    }
    Ok(YearList {
        path: name,
        sha256,
        period: doc.period,
        id: doc.framework.id,
        title: doc.framework.title,
        components,
        units,
    })
}

fn year_unit(u: &UnitRec, sel: &Selection) -> Unit {
    let recs: Vec<(usize, &Vec<ItemRecord>)> = u
        .components
        .iter()
        .enumerate()
        .filter_map(|(k, c)| c.deficiencies.as_ref().map(|d| (k, d)))
        .collect();
    let scored: Vec<usize> = recs.iter().map(|r| r.0).collect();
    let latest = scored.last().copied();
    let appeared = |indicator: &str| -> Vec<usize> {
        recs.iter()
            .filter(|(_, ds)| ds.iter().any(|d| d.indicator == indicator))
            .map(|r| r.0)
            .collect()
    };
    let item = |d: &ItemRecord, k: usize| Item {
        indicator: d.indicator.clone(),
        name: d.name.clone(),
        lost: d.lost,
        reason: reason_of(&d.reason).expect("checked"),
        component: k,
        appeared: appeared(&d.indicator),
    };
    let mut items = Vec::new();
    let mut resolved: Vec<Item> = Vec::new();
    if let Some((l, last)) = recs.last() {
        items = last
            .iter()
            .map(|d| item(d, *l))
            .filter(|it| sel.reasons.is_empty() || sel.reasons.contains(&it.reason))
            .filter(|it| it.reason.no_points() || sel.min_lost.is_none_or(|m| it.lost.is_some_and(|x| x >= m)))
            .collect();
        // Vetoes and caps first, then the most points lost; the sort is
        // stable, so ties keep the component's order.
        items.sort_by(|a, b| {
            b.reason
                .no_points()
                .cmp(&a.reason.no_points())
                .then(b.lost.cmp(&a.lost))
        });
        for (k, ds) in &recs[..recs.len() - 1] {
            for d in ds.iter() {
                if last.iter().any(|x| x.indicator == d.indicator) {
                    continue;
                }
                match resolved.iter_mut().find(|r| r.indicator == d.indicator) {
                    // The last appearance gives the figures.
                    Some(r) => *r = item(d, *k),
                    None => resolved.push(item(d, *k)),
                }
            }
        }
    }
    Unit {
        unit: u.unit.clone(),
        name: u.name.clone(),
        category: u.category.clone().unwrap_or_default(),
        rank: u.rank,
        score: u.score,
        grade: u.grade.clone(),
        veto: u.veto.clone(),
        scored,
        latest,
        items,
        resolved,
    }
}

// ---- Rendering -------------------------------------------------------------
