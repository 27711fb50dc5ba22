//! Rectification lists (整改清单): every lost point of every unit as an item
//! to fix, ordered so a unit sees what matters first, and the way to the
//! next grade (docs/deficiencies.md).
//!
//! This is engine code: it builds [`List`]s, [`NextGrade`] advice and the
//! jurisdiction [`Summary`] from an [`Assessment`]; rendering them is
//! `render::rectify`'s job. The way to the next grade re-scores the unit
//! with [`score::totals`] and [`score::grade_of`], so caps, rescaling and
//! vetoes are applied exactly as in the assessment itself.

use crate::base::diag::hint;
use crate::base::num::round2;
use crate::base::period::Period;
use crate::engine::score::{self, Assessment, GradeReason, Outcome, Reason, UnitResult};
use crate::model::framework::{Framework, Kind};
use jiff::civil::Date;
use rust_decimal::Decimal;

/// Status of a freshly listed item (未启动); the ledger's later states
/// (整改中, 已完成, 已销号, 逾期) are kept by the units, not computed here.
pub const STATUS: &str = "not_started";

/// One line of a rectification list (整改项): a unit's deficiency.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Index into `Assessment::units`.
    pub unit: usize,
    /// Index into `Framework::indicators`.
    pub index: usize,
    pub reason: Reason,
    /// Points lost; `None` for a veto.
    pub lost: Option<Decimal>,
    /// Amount awarded (0 when evidence is missing; the amount taken off for
    /// a penalty); `None` for a veto.
    pub amount: Option<Decimal>,
    /// 整改时限: period end + `rectify_days`, when both are known.
    pub deadline: Option<Date>,
    /// A penalty's share of what penalties took off after the cap.
    pub deducted: Option<Decimal>,
}

/// One step on the way to the next grade.
#[derive(Debug, Clone, PartialEq)]
pub struct Fix {
    /// Index into `Framework::indicators`.
    pub index: usize,
    /// Score gained by this fix, made after the fixes listed before it.
    /// The gains of a way add up to `NextGrade::score` minus the unit's
    /// score.
    pub gain: Decimal,
}

/// What keeps a unit from the next grade whatever it rectifies this
/// period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// A veto fired: the lowest grade, whatever the score.
    Veto,
    /// A triggered cap item allows no higher grade.
    Cap,
    /// The score reaches a better grade, whose quota is full.
    Quota,
}

impl Held {
    pub fn as_str(self) -> &'static str {
        match self {
            Held::Veto => "veto",
            Held::Cap => "cap",
            Held::Quota => "quota",
        }
    }
}

/// The way to the next grade up (晋档路径).
#[derive(Debug, Clone, PartialEq)]
pub struct NextGrade {
    /// Index into `Framework::grades`.
    pub grade: usize,
    /// Points short of the grade's minimum (0 when the score is enough and
    /// a condition, a cap, a quota or a veto stands in the way).
    pub needed: Decimal,
    /// The fewest base items whose full rectification reaches the grade,
    /// by gain. When `reachable` is false: every base item, which still is
    /// not enough (none when `held`).
    pub fixes: Vec<Fix>,
    pub reachable: bool,
    /// The score once `fixes` are made.
    pub score: Decimal,
    /// Set when no rectification can lift the unit this period.
    pub held: Option<Held>,
    /// What holds the unit down and is not rectified within the period:
    /// its triggered vetoes and caps and the penalties that took points,
    /// in framework order.
    pub holding: Vec<usize>,
}

/// Re-score `outcomes` with the base items at `fix` given full points
/// (the tests' independent check of the search's arithmetic).
#[cfg(test)]
fn rescore(fw: &Framework, outcomes: &[Outcome], fix: &[usize]) -> score::Totals {
    let mut o = outcomes.to_vec();
    for &i in fix {
        o[i] = Outcome::Amount(fw.indicators[i].points);
    }
    score::totals(fw, &o)
}

/// The way to the next grade for a unit with these outcomes, whose final
/// grade is `grade` (lowered by `reason`, if a rule lowered it); `None` at
/// the top grade.
///
/// Only base items are rectified: a penalty is for something that
/// happened, and a veto or a cap for an incident, neither undone within
/// the period. So a vetoed unit, a unit whose cap allows no higher grade
/// and a unit held by a full quota are `held`, with no fixes.
///
/// # The search
///
/// We want the fewest base items whose full rectification reaches the
/// grade — its minimum score and its conditions (`max_zero`) — and among
/// those the set recovering the most points, ties in framework order.
/// Enumerating subsets is out of the question (a unit may have 30
/// deficiencies), and it is not needed: the totals depend on the fixes
/// only through Σ base amounts, which the score is non-decreasing in
/// (through rescaling, the bonus gate, caps, rounding, floor and ceiling),
/// and the number of items at 0 points, which the conditions need small.
/// Split the items into those at 0 (missing or failed) and those partly
/// scored: among all sets of `a` zero and `b` partial fixes, fixing the
/// `a` and `b` with the most points lost scores highest and leaves the
/// same count at zero. For `k = 0, 1, 2, …` fixes we try each split
/// `a + b = k`, re-scoring each candidate exactly; the first `k` at which
/// any candidate reaches the grade is the minimum, and among its
/// candidates the highest score wins (ties: the set earliest in framework
/// order). When fixing everything still falls short, the answer is every
/// base item with `reachable: false`.
///
/// The tests check this against brute force over all subsets.
pub fn next_grade(
    fw: &Framework,
    outcomes: &[Outcome],
    grade: usize,
    reason: Option<GradeReason>,
) -> Option<NextGrade> {
    let defs = score::deficiencies(fw, outcomes);
    let holding: Vec<usize> = defs
        .iter()
        .filter(|d| matches!(d.reason, Reason::Veto | Reason::Cap | Reason::Penalty))
        .map(|d| d.index)
        .collect();
    let fixable: Vec<Fixable> = defs
        .iter()
        .filter(|d| fw.indicators[d.index].kind == Kind::Base)
        .map(|d| Fixable {
            index: d.index,
            lost: d.lost.unwrap_or_default(),
            zero: outcome_is_zero(&outcomes[d.index]),
        })
        .collect();
    way_up(fw, &score::totals(fw, outcomes), &fixable, holding, grade, reason)
}

/// A base item the way to the next grade may fix: its full rectification
/// recovers `lost`; `zero` when it stands at 0 points (missing or failed),
/// which `max_zero` counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fixable {
    /// Index into `Framework::indicators`.
    pub index: usize,
    pub lost: Decimal,
    pub zero: bool,
}

/// [`next_grade`] from what it needs of a unit: its totals `now`, its base
/// deficiencies (in framework order, or by points lost and then in
/// framework order) and what holds it (vetoes, caps and penalties that
/// took points, in framework order). The bulk path, which keeps a unit's
/// items in integer cents rather than as outcomes, comes here too.
pub fn way_up(
    fw: &Framework,
    now: &score::Totals,
    fixable: &[Fixable],
    holding: Vec<usize>,
    grade: usize,
    reason: Option<GradeReason>,
) -> Option<NextGrade> {
    let target = grade.checked_sub(1)?;
    let min = fw.grades[target].min;
    let needed = round2((min - now.score).max(Decimal::ZERO));
    let held = |h: Held| {
        Some(NextGrade {
            grade: target,
            needed,
            fixes: Vec::new(),
            reachable: false,
            score: now.score,
            held: Some(h),
            holding: holding.clone(),
        })
    };
    if !now.veto.is_empty() {
        return held(Held::Veto);
    }
    if reason == Some(GradeReason::Quota) {
        // The score reaches the grade already: nothing else holds it.
        return Some(NextGrade {
            holding: Vec::new(),
            ..held(Held::Quota)?
        });
    }
    if now
        .caps
        .iter()
        .filter_map(|&i| fw.indicators[i].max_grade)
        .any(|c| c > target)
    {
        return held(Held::Cap);
    }
    let reaches = |t: &score::Totals| crate::engine::grade::own_grade(fw, t).0 <= target;
    // The totals with base items recovering `gain`, `fixed` of them from
    // 0 points: from the unit's sums, so each candidate costs the same
    // whatever the number of indicators.
    let after = |gain: Decimal, fixed: usize| {
        let sums = score::Sums {
            base_sum: now.base_sum + gain,
            applicable: now.applicable,
            bonus_sum: now.bonus_sum,
            penalty_sum: now.penalty_sum,
            zeros: now.zeros.saturating_sub(u32::try_from(fixed).unwrap_or(u32::MAX)),
        };
        score::Totals::from_sums(fw, sums, Vec::new(), now.caps.clone())
    };

    // Largest loss first, ties in framework order (the items come in
    // framework order and the sort is stable).
    let by_loss = |zero: bool| {
        let mut v: Vec<Fixable> = fixable.iter().filter(|f| f.zero == zero).copied().collect();
        v.sort_by_key(|f| std::cmp::Reverse(f.lost));
        v
    };
    let (zeros, partial) = (by_loss(true), by_loss(false));
    let prefix = |v: &[Fixable]| -> Vec<Decimal> {
        let mut p = vec![Decimal::ZERO];
        for f in v {
            p.push(p[p.len() - 1] + f.lost);
        }
        p
    };
    let (pz, pp) = (prefix(&zeros), prefix(&partial));
    let set_of = |a: usize, b: usize| -> Vec<Fixable> {
        let mut set: Vec<Fixable> = zeros[..a].iter().chain(&partial[..b]).copied().collect();
        set.sort_unstable_by_key(|f| f.index);
        set
    };
    let way = |set: Vec<Fixable>| -> Vec<Fix> {
        let mut chosen = set;
        chosen.sort_by(|a, b| b.lost.cmp(&a.lost).then(a.index.cmp(&b.index)));
        let (mut gain, mut fixed, mut prev) = (Decimal::ZERO, 0, now.score);
        chosen
            .into_iter()
            .map(|f| {
                gain += f.lost;
                fixed += usize::from(f.zero);
                let s = after(gain, fixed).score;
                let step = round2(s - prev);
                prev = s;
                Fix {
                    index: f.index,
                    gain: step,
                }
            })
            .collect()
    };

    let (nz, np) = (zeros.len(), partial.len());
    let all = after(pz[nz] + pp[np], nz);
    if !reaches(&all) {
        return Some(NextGrade {
            grade: target,
            needed,
            fixes: way(set_of(nz, np)),
            reachable: false,
            score: all.score,
            held: None,
            holding,
        });
    }
    for k in 0..=nz + np {
        // The highest score of `k` fixes; ties: the set earliest in
        // framework order.
        let mut best: Option<(Decimal, usize)> = None;
        for a in k.saturating_sub(np)..=k.min(nz) {
            let t = after(pz[a] + pp[k - a], a);
            if !reaches(&t) {
                continue;
            }
            let ids = |a: usize| set_of(a, k - a).into_iter().map(|f| f.index).collect::<Vec<_>>();
            let better = match best {
                None => true,
                Some((s, ba)) => t.score > s || (t.score == s && ids(a) < ids(ba)),
            };
            if better {
                best = Some((t.score, a));
            }
        }
        if let Some((score, a)) = best {
            return Some(NextGrade {
                grade: target,
                needed,
                fixes: way(set_of(a, k - a)),
                reachable: true,
                score,
                held: None,
                holding,
            });
        }
    }
    unreachable!("fixing every base item reaches the grade, so some k does")
}

/// A base item at 0 points (missing or failed): what `max_zero` counts.
fn outcome_is_zero(o: &Outcome) -> bool {
    match o {
        Outcome::Missing => true,
        Outcome::Amount(a) => a.is_zero(),
        _ => false,
    }
}

/// The outcomes of a scored unit.
pub fn outcomes(u: &UnitResult) -> Vec<Outcome> {
    u.indicators.iter().map(|r| r.outcome.clone()).collect()
}

/// The way to the next grade of a scored unit; `None` at the top grade.
pub fn next_grade_of(fw: &Framework, u: &UnitResult) -> Option<NextGrade> {
    next_grade(fw, &outcomes(u), u.grade, u.grade_change.map(|c| c.1))
}

/// In what order units come (`--order`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Order {
    /// Rank order, worst first: vetoed units, then the lowest scores.
    #[default]
    Rank,
    /// By unit id.
    Unit,
}

/// How the list is divided into sections (`--by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum By {
    /// One section per unit.
    #[default]
    Unit,
    /// One section per responsible owner (责任人/责任部门), with every
    /// unit's items it owns.
    Owner,
    /// One section per assessing department (负责考核部门), with every
    /// unit's items it checks.
    Assessor,
}

/// Which items to list. Empty lists select everything.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Unit ids.
    pub units: Vec<String>,
    /// Unit categories.
    pub categories: Vec<String>,
    pub reasons: Vec<Reason>,
    /// Only items losing at least this many points; vetoes, which lose no
    /// points but the grade, are always kept.
    pub min_lost: Option<Decimal>,
}

impl Selection {
    /// Indices of the selected units, in rank order; an unknown unit or
    /// category is an error naming it (with a "did you mean").
    pub fn units(&self, a: &Assessment) -> Result<Vec<usize>, Vec<String>> {
        self.check(a.units.iter().map(|u| (u.unit.as_str(), u.category.as_str())))?;
        Ok(a.units
            .iter()
            .enumerate()
            .filter(|(_, u)| self.units.is_empty() || self.units.contains(&u.unit))
            .filter(|(_, u)| self.categories.is_empty() || self.categories.contains(&u.category))
            .map(|(i, _)| i)
            .collect())
    }

    /// Each unit and category selected that none of `units` (id, category)
    /// is, worded: the units assessed, or those of the units file before
    /// any evidence is read.
    pub fn check<'a>(&self, units: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> Result<(), Vec<String>> {
        let mut errs = Vec::new();
        for id in &self.units {
            if !units.clone().any(|(u, _)| u == id) {
                errs.push(crate::base::lang::msg!(
                    zh: "没有参加考核的单位“{id}”{}",
                    en: "no unit \"{id}\" is assessed{}",
                    hint(id, units.clone().map(|(u, _)| u))
                ));
            }
        }
        let mut cats: Vec<&str> = units.map(|(_, c)| c).filter(|c| !c.is_empty()).collect();
        cats.sort_unstable();
        cats.dedup();
        for c in &self.categories {
            if !cats.contains(&c.as_str()) {
                errs.push(if cats.is_empty() {
                    crate::base::lang::msg!(
                        zh: "没有单位属于类别“{c}”：各单位均未设类别（请在单位文件中给出）",
                        en: "no unit is in category \"{c}\": the units have no categories (give them in a units file)"
                    )
                } else {
                    crate::base::lang::msg!(
                        zh: "没有单位属于类别“{c}”{}；现有类别为 {}",
                        en: "no unit is in category \"{c}\"{}; the categories are {}",
                        hint(c, &cats),
                        cats.join(", ")
                    )
                });
            }
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// Whether an item of a selected unit is listed (`--reason`, `--min-lost`).
    pub fn keeps(&self, item: &Item) -> bool {
        (self.reasons.is_empty() || self.reasons.contains(&item.reason))
            && match (self.min_lost, item.lost) {
                (Some(min), Some(lost)) => lost >= min,
                _ => true,
            }
    }
}

/// A selected unit and its way to the next grade.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitEntry {
    /// Index into `Assessment::units`.
    pub unit: usize,
    pub next: Option<NextGrade>,
}

/// What a section of the list is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// Index into `Assessment::units`.
    Unit(usize),
    /// An owner as written in the framework ("" when none is given).
    Owner(String),
    /// An assessing department as written in the framework ("" when none
    /// is given).
    Assessor(String),
}

/// A section of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub key: Key,
    pub items: Vec<Item>,
}

/// A rectification list.
#[derive(Debug, Clone, PartialEq)]
pub struct List {
    /// The selected units in list order, including those with nothing
    /// (left) to list.
    pub units: Vec<UnitEntry>,
    /// Sections with at least one item. Items are numbered (序号) 1, 2, …
    /// across the sections, in this order.
    pub sections: Vec<Section>,
}

impl List {
    /// The ids of the listed units, in list order.
    pub fn unit_ids(&self, a: &Assessment) -> Vec<String> {
        self.units.iter().map(|e| a.units[e.unit].unit.clone()).collect()
    }
}

impl List {
    /// Every item with its number (序号), in list order.
    pub fn items(&self) -> impl Iterator<Item = (usize, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| &s.items)
            .enumerate()
            .map(|(i, it)| (i + 1, it))
    }

    /// Each unit's items, in list order, by the unit's index: for a
    /// document that goes unit by unit (looking each unit's items up among
    /// all of them took a province's list minutes).
    pub fn items_by_unit(&self) -> std::collections::HashMap<usize, Vec<&Item>> {
        let mut by: std::collections::HashMap<usize, Vec<&Item>> = std::collections::HashMap::new();
        for (_, it) in self.items() {
            by.entry(it.unit).or_default().push(it);
        }
        by
    }
}

/// A unit's items, in the order it should tackle them: vetoes first, then
/// by points lost, largest first, then framework order.
pub fn items(fw: &Framework, a: &Assessment, unit: usize, period: Option<Period>) -> Vec<Item> {
    let u = &a.units[unit];
    let deadline = deadline(fw, period);
    let mut v: Vec<Item> = u
        .deficiencies
        .iter()
        .map(|d| Item {
            unit,
            index: d.index,
            reason: d.reason,
            lost: d.lost,
            amount: if d.reason.no_points() {
                None
            } else {
                u.indicators[d.index].amount()
            },
            deadline,
            deducted: d.deducted,
        })
        .collect();
    v.sort_by(|a, b| {
        (b.reason.no_points())
            .cmp(&a.reason.no_points())
            .then(b.lost.cmp(&a.lost))
            .then(a.index.cmp(&b.index))
    });
    v
}

/// Put units (indices into `Assessment::units`) in list order.
pub fn sort_units(a: &Assessment, units: &mut [usize], order: Order) {
    match order {
        // Assessment units are in rank order; worst first is its reverse,
        // but units sharing a rank stay in unit-id order.
        Order::Rank => units.sort_by(|&x, &y| a.units[y].rank.cmp(&a.units[x].rank).then(x.cmp(&y))),
        Order::Unit => units.sort_by(|&x, &y| a.units[x].unit.cmp(&a.units[y].unit)),
    }
}

/// The deadline of every item (整改时限): period end + `rectify_days`.
pub fn deadline(fw: &Framework, period: Option<Period>) -> Option<Date> {
    match (period, fw.rectify_days) {
        (Some(p), Some(days)) => p.deadline(days),
        _ => None,
    }
}

/// Build the rectification list of the selected units.
pub fn build(
    fw: &Framework,
    a: &Assessment,
    period: Option<Period>,
    sel: &Selection,
    order: Order,
    by: By,
) -> Result<List, Vec<String>> {
    build_with(
        fw,
        a,
        sel,
        order,
        by,
        |u| items(fw, a, u, period),
        |u| next_grade_of(fw, &a.units[u]),
    )
}

/// [`build`], each unit's items (all of them, in list order) and its way
/// to the next grade given by `items_of` and `next_of` (by index into
/// `a.units`): from its results in full, or from its cells on the bulk
/// path.
pub fn build_with(
    fw: &Framework,
    a: &Assessment,
    sel: &Selection,
    order: Order,
    by: By,
    items_of: impl Fn(usize) -> Vec<Item>,
    next_of: impl Fn(usize) -> Option<NextGrade>,
) -> Result<List, Vec<String>> {
    let mut units = sel.units(a)?;
    sort_units(a, &mut units, order);
    let entries: Vec<UnitEntry> = units
        .iter()
        .map(|&u| UnitEntry {
            unit: u,
            next: next_of(u),
        })
        .collect();
    let per_unit: Vec<(usize, Vec<Item>)> = units
        .iter()
        .map(|&u| {
            let v = items_of(u).into_iter().filter(|it| sel.keeps(it)).collect();
            (u, v)
        })
        .collect();
    let sections = match by {
        By::Unit => per_unit
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(u, items)| Section {
                key: Key::Unit(u),
                items,
            })
            .collect(),
        By::Owner | By::Assessor => {
            let role = |i: usize| match by {
                By::Assessor => &fw.indicators[i].assessor,
                _ => &fw.indicators[i].owner,
            };
            let roles = if by == By::Assessor { assessors(fw) } else { owners(fw) };
            roles
                .into_iter()
                .map(|r| Section {
                    items: per_unit
                        .iter()
                        .flat_map(|(_, v)| v)
                        .filter(|it| *role(it.index) == r)
                        .cloned()
                        .collect(),
                    key: if by == By::Assessor {
                        Key::Assessor(r)
                    } else {
                        Key::Owner(r)
                    },
                })
                .filter(|s| !s.items.is_empty())
                .collect()
        }
    };
    Ok(List {
        units: entries,
        sections,
    })
}

/// The owners named in the framework, in order of first appearance.
pub fn owners(fw: &Framework) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for ind in &fw.indicators {
        if !v.contains(&ind.owner) {
            v.push(ind.owner.clone());
        }
    }
    v
}

/// The assessing departments named in the framework, in order of first
/// appearance.
pub fn assessors(fw: &Framework) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for ind in &fw.indicators {
        if !v.contains(&ind.assessor) {
            v.push(ind.assessor.clone());
        }
    }
    v
}

/// How often something was lost across units.
#[derive(Debug, Clone, PartialEq)]
pub struct Tally<K> {
    pub key: K,
    /// Units with at least one such item.
    pub units: usize,
    pub items: usize,
    /// Points lost in total; `None` when the items are all vetoes.
    pub lost: Option<Decimal>,
}

impl<K> Tally<K> {
    /// Mean points lost per unit that lost any.
    pub fn mean(&self) -> Option<Decimal> {
        let n = Decimal::from(self.units);
        self.lost.filter(|_| self.units > 0).map(|l| round2(l / n))
    }
}

/// Where the whole jurisdiction is weak (`--summary`).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Units selected.
    pub units: usize,
    /// Items listed.
    pub items: usize,
    /// By indicator (key: index into `Framework::indicators`): most units
    /// first, then most points lost, then framework order.
    pub indicators: Vec<Tally<usize>>,
    /// By reason: veto, shortfall, missing, penalty; only those present.
    pub reasons: Vec<Tally<Reason>>,
    /// By owner: most items first, then most points lost, then framework
    /// order.
    pub owners: Vec<Tally<String>>,
}

impl Summary {
    /// Share of the selected units, in percent, two places.
    pub fn share(&self, units: usize) -> Decimal {
        if self.units == 0 {
            return round2(Decimal::ZERO);
        }
        round2(Decimal::from(units) * Decimal::from(100) / Decimal::from(self.units))
    }
}

/// Tally the list's items under `keys`, each item under the key at
/// `slot(item)` (none: under no key), in one pass over the items: a
/// province's list of millions of items against thousands of indicators.
fn tally<K>(list: &List, slot: impl Fn(&Item) -> Option<usize>, keys: Vec<K>) -> Vec<Tally<K>> {
    let mut units: Vec<Vec<usize>> = vec![Vec::new(); keys.len()];
    let mut items = vec![0usize; keys.len()];
    let mut lost: Vec<Option<Decimal>> = vec![None; keys.len()];
    for (_, it) in list.items() {
        let Some(k) = slot(it) else { continue };
        units[k].push(it.unit);
        items[k] += 1;
        if let Some(l) = it.lost {
            lost[k] = Some(lost[k].unwrap_or_default() + l);
        }
    }
    keys.into_iter()
        .zip(units.iter_mut().zip(items).zip(lost))
        .map(|(key, ((units, items), lost))| {
            units.sort_unstable();
            units.dedup();
            Tally {
                key,
                units: units.len(),
                items,
                lost: lost.map(round2),
            }
        })
        .filter(|t| t.items > 0)
        .collect()
}

/// Summarise a list across its units.
pub fn summary(fw: &Framework, list: &List) -> Summary {
    let mut indicators = tally(list, |it| Some(it.index), (0..fw.indicators.len()).collect());
    indicators.sort_by(|a, b| b.units.cmp(&a.units).then(b.lost.cmp(&a.lost)).then(a.key.cmp(&b.key)));
    let reasons = Reason::ALL;
    let reasons = tally(
        list,
        |it| reasons.iter().position(|r| *r == it.reason),
        reasons.to_vec(),
    );
    let owners = owners(fw);
    let owner_slot: std::collections::HashMap<&str, usize> =
        owners.iter().enumerate().map(|(k, o)| (o.as_str(), k)).collect();
    let owner_of: Vec<Option<usize>> = fw
        .indicators
        .iter()
        .map(|i| owner_slot.get(i.owner.as_str()).copied())
        .collect();
    let mut owners = tally(list, |it| owner_of[it.index], owners);
    // Stable sort: ties stay in framework order.
    owners.sort_by(|a, b| b.items.cmp(&a.items).then(b.lost.cmp(&a.lost)));
    Summary {
        units: list.units.len(),
        items: list.items().count(),
        indicators,
        reasons,
        owners,
    }
}

#[cfg(test)]
mod tests;
