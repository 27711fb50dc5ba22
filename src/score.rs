//! Scoring units and ranking them (SPEC §2–§3).
//!
//! Scoring runs in two steps so that anything that asks "what if" — the way
//! to the next grade, for one — can re-use the arithmetic exactly:
//! [`evaluate`] turns one indicator's evidence into an [`Outcome`], and
//! [`totals`] turns a unit's outcomes into base, bonus, penalty, score and
//! vetoes. [`assess`] does both for every unit, then ranks.

use crate::diag::{Diagnostic, Diagnostics};
use crate::evidence::{Cell, Evidence, InputFile, UnitEvidence};
use crate::framework::{Framework, Indicator, Kind, Missing};
use crate::num::round2;
use crate::rule::Value;
use crate::units::Units;
use rust_decimal::Decimal;

/// What one indicator's evidence comes to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// An amount in `[0, points]` (for veto items: never).
    Amount(Decimal),
    /// No evidence.
    Missing,
    /// Marked 不适用 on an exempt indicator.
    Exempt,
    /// A veto item that fired.
    Triggered,
    /// A veto item that did not fire.
    Clear,
}

/// Indicator status in results (SPEC §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Met,
    Partial,
    Failed,
    Missing,
    Exempt,
    Triggered,
    Clear,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::Partial => "partial",
            Status::Failed => "failed",
            Status::Missing => "missing",
            Status::Exempt => "exempt",
            Status::Triggered => "triggered",
            Status::Clear => "clear",
        }
    }

    pub fn label(self, lang: crate::lang::Lang) -> &'static str {
        match self {
            Status::Met => lang.pick("达标", "met"),
            Status::Partial => lang.pick("部分扣分", "partial"),
            Status::Failed => lang.pick("不得分", "failed"),
            Status::Missing => lang.pick("无佐证", "missing"),
            Status::Exempt => lang.pick("不适用", "exempt"),
            Status::Triggered => lang.pick("触发", "triggered"),
            Status::Clear => lang.pick("未触发", "clear"),
        }
    }
}

/// Why points were lost (SPEC §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    Veto,
    Shortfall,
    Missing,
    Penalty,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Veto => "veto",
            Reason::Shortfall => "shortfall",
            Reason::Missing => "missing",
            Reason::Penalty => "penalty",
        }
    }

    pub fn label(self, lang: crate::lang::Lang) -> &'static str {
        match self {
            Reason::Veto => lang.pick("一票否决", "veto"),
            Reason::Shortfall => lang.pick("扣分", "shortfall"),
            Reason::Missing => lang.pick("未提供佐证材料", "missing evidence"),
            Reason::Penalty => lang.pick("扣分项", "penalty"),
        }
    }
}

/// One indicator's result for a unit.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorResult {
    /// Index into `Framework::indicators`.
    pub index: usize,
    pub outcome: Outcome,
    pub status: Status,
    /// The evidence as given (`a=1;b=0` for clause items), `None` when absent.
    pub value: Option<String>,
    pub note: String,
    pub source: String,
    /// Where the evidence came from: (input file index, line).
    pub origin: Option<(usize, u64)>,
}

impl IndicatorResult {
    /// The amount awarded (0 for missing; `None` for exempt and veto items).
    pub fn amount(&self) -> Option<Decimal> {
        match self.outcome {
            Outcome::Amount(a) => Some(a),
            Outcome::Missing => Some(Decimal::ZERO),
            _ => None,
        }
    }
}

/// A lost point to rectify (问题/整改项).
#[derive(Debug, Clone, PartialEq)]
pub struct Deficiency {
    pub index: usize,
    /// Points lost; `None` for a veto.
    pub lost: Option<Decimal>,
    pub reason: Reason,
}

/// The arithmetic of one unit (SPEC §3 steps 1–4).
#[derive(Debug, Clone, PartialEq)]
pub struct Totals {
    /// Σ base amounts, before rescaling.
    pub base_sum: Decimal,
    /// Σ points of the base indicators that apply (not 不适用).
    pub applicable: Decimal,
    /// Base score, rescaled when some indicators are 不适用.
    pub base: Decimal,
    pub bonus_sum: Decimal,
    pub bonus: Decimal,
    pub penalty_sum: Decimal,
    pub penalty: Decimal,
    pub score: Decimal,
    /// Triggered veto indicators.
    pub veto: Vec<usize>,
}

impl Totals {
    pub fn rescaled(&self, fw: &Framework) -> bool {
        self.applicable != fw.total
    }
}

/// One unit's full result.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitResult {
    pub unit: String,
    pub name: String,
    pub category: String,
    pub rank: usize,
    pub category_rank: Option<usize>,
    pub totals: Totals,
    /// Index into `Framework::grades`.
    pub grade: usize,
    /// Amount per group, framework order (raw sums, not rescaled).
    pub groups: Vec<Decimal>,
    pub indicators: Vec<IndicatorResult>,
    pub deficiencies: Vec<Deficiency>,
}

/// A scored, ranked set of units.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub period: Option<String>,
    pub inputs: Vec<InputFile>,
    /// In rank order.
    pub units: Vec<UnitResult>,
}

/// One indicator's evidence → its outcome.
pub fn evaluate(ind: &Indicator, cells: &[Option<Cell>]) -> Outcome {
    let values: Vec<Option<&Value>> = cells
        .iter()
        .map(|c| c.as_ref().and_then(|c| c.value.as_ref()))
        .collect();
    if values.iter().any(|v| matches!(v, Some(Value::NotApplicable))) {
        return Outcome::Exempt;
    }
    if ind.kind == Kind::Veto {
        return match values.first().copied().flatten() {
            Some(Value::Yes) => Outcome::Triggered,
            Some(Value::Number(n)) if *n > Decimal::ZERO => Outcome::Triggered,
            _ => Outcome::Clear,
        };
    }
    let Some(present) = values.iter().copied().collect::<Option<Vec<&Value>>>() else {
        return Outcome::Missing;
    };
    let rule = ind.rule.as_ref().expect("validated: non-veto indicators have a rule");
    match rule.amount(&present, ind.points) {
        Some(a) => Outcome::Amount(a),
        None => Outcome::Missing,
    }
}

/// A unit's outcomes → its totals.
pub fn totals(fw: &Framework, outcomes: &[Outcome]) -> Totals {
    let mut t = Totals {
        base_sum: Decimal::ZERO,
        applicable: Decimal::ZERO,
        base: Decimal::ZERO,
        bonus_sum: Decimal::ZERO,
        bonus: Decimal::ZERO,
        penalty_sum: Decimal::ZERO,
        penalty: Decimal::ZERO,
        score: Decimal::ZERO,
        veto: Vec::new(),
    };
    for (i, (ind, o)) in fw.indicators.iter().zip(outcomes).enumerate() {
        let amount = match o {
            Outcome::Amount(a) => *a,
            _ => Decimal::ZERO,
        };
        match ind.kind {
            Kind::Base => {
                if *o != Outcome::Exempt {
                    t.applicable += ind.points;
                    t.base_sum += amount;
                }
            }
            Kind::Bonus => t.bonus_sum += amount,
            Kind::Penalty => t.penalty_sum += amount,
            Kind::Veto => {
                if *o == Outcome::Triggered {
                    t.veto.push(i);
                }
            }
        }
    }
    t.base = if t.applicable == fw.total || t.applicable.is_zero() {
        round2(t.base_sum)
    } else {
        round2(t.base_sum * fw.total / t.applicable)
    };
    t.bonus = round2(fw.bonus_cap.map_or(t.bonus_sum, |c| t.bonus_sum.min(c)));
    t.penalty = round2(fw.penalty_cap.map_or(t.penalty_sum, |c| t.penalty_sum.min(c)));
    t.score = round2((t.base + t.bonus - t.penalty).max(Decimal::ZERO));
    t
}

/// The grade for totals: by score, or the lowest when vetoed.
pub fn grade_of(fw: &Framework, t: &Totals) -> usize {
    if t.veto.is_empty() {
        fw.grade_index(t.score)
    } else {
        fw.grades.len() - 1
    }
}

fn status(ind: &Indicator, o: &Outcome) -> Status {
    match o {
        Outcome::Missing if ind.kind == Kind::Base => Status::Missing,
        Outcome::Missing => Status::Clear,
        Outcome::Exempt => Status::Exempt,
        Outcome::Triggered => Status::Triggered,
        Outcome::Clear => Status::Clear,
        Outcome::Amount(a) => match ind.kind {
            Kind::Base if *a == ind.points => Status::Met,
            Kind::Base if a.is_zero() => Status::Failed,
            Kind::Base => Status::Partial,
            _ if a.is_zero() => Status::Clear,
            _ => Status::Triggered,
        },
    }
}

/// Deficiencies from outcomes, in framework order (SPEC §3.2).
pub fn deficiencies(fw: &Framework, outcomes: &[Outcome]) -> Vec<Deficiency> {
    let mut out = Vec::new();
    for (index, (ind, o)) in fw.indicators.iter().zip(outcomes).enumerate() {
        let d = match (ind.kind, o) {
            (Kind::Base, Outcome::Missing) => Some((Some(ind.points), Reason::Missing)),
            (Kind::Base, Outcome::Amount(a)) if *a < ind.points => Some((Some(ind.points - a), Reason::Shortfall)),
            (Kind::Penalty, Outcome::Amount(a)) if *a > Decimal::ZERO => Some((Some(*a), Reason::Penalty)),
            (Kind::Veto, Outcome::Triggered) => Some((None, Reason::Veto)),
            _ => None,
        };
        if let Some((lost, reason)) = d {
            out.push(Deficiency {
                index,
                lost: lost.map(round2),
                reason,
            });
        }
    }
    out
}

fn describe_cells(ind: &Indicator, cells: &[Option<Cell>]) -> (Option<String>, String, String, Option<(usize, u64)>) {
    let present: Vec<&Cell> = cells.iter().flatten().collect();
    if present.is_empty() {
        return (None, String::new(), String::new(), None);
    }
    let value = if cells.len() == 1 {
        present[0].raw.clone()
    } else {
        cells
            .iter()
            .enumerate()
            .map(|(slot, c)| {
                let key = ind.slot_key(slot);
                let clause = key.rsplit('/').next().unwrap_or("");
                format!("{clause}={}", c.as_ref().map_or("", |c| c.raw.as_str()))
            })
            .collect::<Vec<_>>()
            .join(";")
    };
    let join = |f: fn(&Cell) -> &str| {
        let mut parts: Vec<&str> = Vec::new();
        for c in &present {
            let s = f(c);
            if !s.is_empty() && !parts.contains(&s) {
                parts.push(s);
            }
        }
        parts.join("；")
    };
    let origin = Some((present[0].file, present[0].line));
    (Some(value), join(|c| &c.note), join(|c| &c.source), origin)
}

/// Score every unit and rank them.
pub fn assess(
    fw: &Framework,
    units: Option<&Units>,
    ev: &Evidence,
    period: Option<String>,
) -> Result<Assessment, Diagnostics> {
    let mut errs = Diagnostics::new();
    let empty = UnitEvidence::empty(fw);
    // Units to score: the units file's, else those the evidence names.
    let ids: Vec<String> = match units {
        Some(u) => u.units.keys().cloned().collect(),
        None => ev.units.keys().cloned().collect(),
    };
    let where_unit = |id: &str| -> (String, Option<u64>) {
        match units.and_then(|u| u.units.get(id).map(|i| (u.path.clone(), i.line))) {
            Some((p, l)) => (p, Some(l)),
            None => (ev.files.first().map_or_else(String::new, |f| f.path.clone()), None),
        }
    };
    let mut results = Vec::new();
    for id in ids {
        let ue = ev.units.get(&id).unwrap_or(&empty);
        let outcomes: Vec<Outcome> = fw
            .indicators
            .iter()
            .zip(&ue.cells)
            .map(|(ind, cells)| evaluate(ind, cells))
            .collect();
        // Clause items: 不适用 must cover the whole item.
        for (ind, cells) in fw.indicators.iter().zip(&ue.cells) {
            let na = cells
                .iter()
                .flatten()
                .filter(|c| c.value == Some(Value::NotApplicable))
                .count();
            let given = cells.iter().flatten().filter(|c| c.value.is_some()).count();
            if na > 0 && na < given {
                let c = cells
                    .iter()
                    .flatten()
                    .find(|c| c.value == Some(Value::NotApplicable))
                    .expect("counted");
                errs.push(Diagnostic::at(
                    &ev.files[c.file].path,
                    c.line,
                    format!(
                        "unit {id}, indicator {}: 不适用 must be given for the whole item, not for some clauses",
                        ind.id
                    ),
                ));
            }
        }
        let t = totals(fw, &outcomes);
        if t.applicable.is_zero() {
            let (file, line) = where_unit(&id);
            errs.push(Diagnostic {
                file,
                line,
                message: format!("unit {id}: every base indicator is marked 不适用; the unit cannot be scored"),
            });
            continue;
        }
        if fw.missing == Missing::Error {
            for (ind, o) in fw.indicators.iter().zip(&outcomes) {
                if ind.kind == Kind::Base && *o == Outcome::Missing {
                    let (file, line) = where_unit(&id);
                    errs.push(Diagnostic {
                        file,
                        line,
                        message: format!(
                            "unit {id}, indicator {}: no evidence (the framework sets missing = \"error\")",
                            ind.id
                        ),
                    });
                }
            }
        }
        let info = units.and_then(|u| u.units.get(&id));
        let name = info
            .map(|i| i.name.clone())
            .filter(|n| !n.is_empty())
            .or_else(|| ue.name.clone())
            .unwrap_or_default();
        let category = info.map(|i| i.category.clone()).unwrap_or_default();
        let indicators = fw
            .indicators
            .iter()
            .zip(&ue.cells)
            .zip(&outcomes)
            .enumerate()
            .map(|(index, ((ind, cells), o))| {
                let (value, note, source, origin) = describe_cells(ind, cells);
                IndicatorResult {
                    index,
                    outcome: o.clone(),
                    status: status(ind, o),
                    value,
                    note,
                    source,
                    origin,
                }
            })
            .collect::<Vec<_>>();
        // Each amount goes to its group and the groups above (a bounded
        // walk): linear, not groups × indicators per unit.
        let mut groups = vec![Decimal::ZERO; fw.groups.len()];
        for (ind, o) in fw.indicators.iter().zip(&outcomes) {
            if let (Kind::Base, Outcome::Amount(a)) = (ind.kind, o) {
                let mut cur = ind.group;
                while let Some(g) = cur {
                    groups[g] += *a;
                    cur = fw.groups[g].parent;
                }
            }
        }
        let groups = groups.into_iter().map(round2).collect();
        results.push(UnitResult {
            unit: id,
            name,
            category,
            rank: 0,
            category_rank: None,
            grade: grade_of(fw, &t),
            totals: t,
            groups,
            deficiencies: deficiencies(fw, &outcomes),
            indicators,
        });
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    rank(&mut results, units.is_some_and(Units::has_categories));
    let mut inputs = ev.files.clone();
    if let Some(u) = units {
        inputs.push(InputFile {
            path: u.path.clone(),
            sha256: u.sha256.clone(),
        });
    }
    Ok(Assessment {
        period,
        inputs,
        units: results,
    })
}

/// Sort into rank order and assign ranks (SPEC §3.1): units not vetoed by
/// score descending, then vetoed units by score descending; equal scores
/// share a rank and the next rank skips (1, 2, 2, 4); ties listed by unit id.
pub fn rank(units: &mut [UnitResult], by_category: bool) {
    units.sort_by(|a, b| {
        let key = |u: &UnitResult| !u.totals.veto.is_empty();
        key(a)
            .cmp(&key(b))
            .then(b.totals.score.cmp(&a.totals.score))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    assign_ranks(units.iter_mut().collect(), |u, r| u.rank = r);
    if by_category {
        // One pass into categories (in rank order within each): filtering
        // all units once per category was quadratic with many categories.
        let mut cats: std::collections::BTreeMap<String, Vec<&mut UnitResult>> = Default::default();
        for u in units.iter_mut() {
            cats.entry(u.category.clone()).or_default().push(u);
        }
        for members in cats.into_values() {
            assign_ranks(members, |u, r| u.category_rank = Some(r));
        }
    }
}

/// Competition ranking over units already in rank order.
fn assign_ranks(units: Vec<&mut UnitResult>, mut set: impl FnMut(&mut UnitResult, usize)) {
    let mut prev: Option<(bool, Decimal)> = None;
    let mut current = 0;
    for (i, u) in units.into_iter().enumerate() {
        let key = (!u.totals.veto.is_empty(), u.totals.score);
        if prev != Some(key) {
            current = i + 1;
            prev = Some(key);
        }
        set(u, current);
    }
}
