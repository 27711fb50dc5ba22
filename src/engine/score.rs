//! Scoring units and ranking them (docs/framework.md, "Scoring a unit" and "Ranking").
//!
//! The steps of scoring that every command shares, whatever holds the
//! cells: [`decide`] turns one item's cells into an [`Outcome`] by its
//! rule (`Indicator::amount_in`), [`sum_outcomes`] and [`totals`] turn a
//! unit's outcomes into base, bonus, penalty, score and vetoes (and
//! anything that asks "what if" — the way to the next grade, for one —
//! re-uses them exactly), [`each_deficiency`] finds what to rectify, and
//! [`rank`] ranks. The engine that scores every unit with them is
//! [`crate::engine::bulk`].

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::num::round2;
use crate::model::framework::{Framework, Indicator, Kind};
use crate::model::rule::Value;
use crate::reading::evidence::{Cell, UnitEvidence};
use crate::reading::units::Units;
use rust_decimal::Decimal;

pub use crate::model::*;

/// An item's outcome from its cells, in whatever form they are kept (the
/// values as read, or the bulk path's codes): 不适用 in any cell exempts
/// it; a veto or cap fires when its first cell `fires`; a cell not
/// `given` makes it missing; otherwise it is `amount()`, missing when the
/// rule gives none.
pub fn decide<C, T>(
    ind: &Indicator,
    cells: &[C],
    exempt: impl Fn(&C) -> bool,
    fires: impl Fn(&C) -> bool,
    given: impl Fn(&C) -> bool,
    amount: impl FnOnce() -> Option<T>,
) -> Outcome<T> {
    if cells.iter().any(exempt) {
        return Outcome::Exempt;
    }
    if ind.kind.is_trigger() {
        return if cells.first().is_some_and(fires) {
            Outcome::Triggered
        } else {
            Outcome::Clear
        };
    }
    if !cells.iter().all(given) {
        return Outcome::Missing;
    }
    amount().map_or(Outcome::Missing, Outcome::Amount)
}

/// An item scored by several raters: each rater's value by the rule (for
/// the unit's category), aggregated and rounded once. 不适用 from every
/// rater makes it 不适用; values of raters who gave none are not counted.
pub(crate) fn by_raters(
    ind: &Indicator,
    raters: crate::model::raters::Raters,
    category: &str,
    given: &[(String, Cell)],
) -> (Outcome, Vec<crate::model::raters::RaterAmount>) {
    let mut each = Vec::new();
    let mut amounts = Vec::new();
    let mut exempt = 0;
    for (rater, c) in given {
        match &c.value {
            Some(Value::NotApplicable) => exempt += 1,
            Some(v) => {
                if let Some(a) = ind.amount_in(category, &[v]) {
                    amounts.push(a);
                    each.push(crate::model::raters::RaterAmount {
                        rater: rater.clone(),
                        value: c.raw.clone(),
                        amount: a,
                        dropped: false,
                    });
                }
            }
            None => {}
        }
    }
    let (o, dropped) = raters.outcome(given.len(), exempt, &amounts);
    for (r, d) in each.iter_mut().zip(dropped) {
        r.dropped = d;
    }
    (o, each)
}

/// The value, note, source and origin shown for an item with raters:
/// `张三 8；李四 9`.
fn describe_raters(given: &[(String, Cell)]) -> (Option<String>, String, String, Option<Origin>) {
    let present: Vec<&(String, Cell)> = given.iter().filter(|(_, c)| c.value.is_some()).collect();
    let Some((_, first)) = present.first() else {
        return (None, String::new(), String::new(), None);
    };
    let mut buf = Vec::new();
    let texts: Vec<crate::model::raters::RaterTexts> = present
        .iter()
        .map(|(r, c)| {
            [r, &c.raw, &c.note, &c.source].map(|t| {
                let start = buf.len();
                buf.extend_from_slice(t.as_bytes());
                start..buf.len()
            })
        })
        .collect();
    let [value, note, source] = crate::model::raters::describe_texts(&mut buf, &texts);
    let text = |r: std::ops::Range<usize>| String::from_utf8_lossy(&buf[r]).into_owned();
    (
        Some(text(value)),
        text(note),
        text(source),
        Some((first.file, first.line, first.col)),
    )
}

/// An exact amount of points in some unit: decimals, or the bulk path's
/// integer cents. Sums, deficiencies and the penalty cap are written once
/// over it.
pub trait Points: Copy + Default + Ord + std::ops::AddAssign + std::ops::Sub<Output = Self> {}

impl<T: Copy + Default + Ord + std::ops::AddAssign + std::ops::Sub<Output = T>> Points for T {}

/// A unit's outcomes, in framework order, → its sums: every amount counted
/// by its item's kind (a 不适用 base item adds no points to what applies;
/// a missing one counts 0 and as a zero), each base amount also added to
/// its group and every group above it in `groups`, and the vetoes and caps
/// that fired pushed to `veto` and `caps`. `points(i)` is item `i`'s points
/// in the unit of `T`.
pub fn sum_outcomes<T: Points>(
    fw: &Framework,
    outcomes: impl IntoIterator<Item = Outcome<T>>,
    points: impl Fn(usize) -> T,
    groups: &mut [T],
    veto: &mut Vec<usize>,
    caps: &mut Vec<usize>,
) -> Sums<T> {
    let mut sums = Sums::<T>::default();
    for (i, (ind, o)) in fw.indicators.iter().zip(outcomes).enumerate() {
        let amount = match o {
            Outcome::Amount(a) => a,
            _ => T::default(),
        };
        match ind.kind {
            Kind::Base if o != Outcome::Exempt => {
                sums.applicable += points(i);
                sums.base_sum += amount;
                sums.zeros += u32::from(amount == T::default());
                // A bounded walk up: linear in the items, not groups × items.
                let mut cur = ind.group;
                while let Some(g) = cur {
                    groups[g] += amount;
                    cur = fw.groups[g].parent;
                }
            }
            Kind::Base => {}
            Kind::Bonus => sums.bonus_sum += amount,
            Kind::Penalty => sums.penalty_sum += amount,
            Kind::Veto if o == Outcome::Triggered => veto.push(i),
            Kind::Cap if o == Outcome::Triggered => caps.push(i),
            Kind::Veto | Kind::Cap => {}
        }
    }
    sums
}

/// A unit's outcomes → its totals.
pub fn totals(fw: &Framework, outcomes: &[Outcome]) -> Totals {
    let mut groups = vec![Decimal::ZERO; fw.groups.len()];
    let (mut veto, mut caps) = (Vec::new(), Vec::new());
    let points = |i: usize| fw.indicators[i].points;
    let sums = sum_outcomes(fw, outcomes.iter().cloned(), points, &mut groups, &mut veto, &mut caps);
    Totals::from_sums(fw, sums, veto, caps)
}

/// The grade for totals: by score, or the lowest when vetoed.
pub fn grade_of(fw: &Framework, t: &Totals) -> usize {
    if t.veto.is_empty() {
        fw.grade_index(t.score)
    } else {
        fw.grades.len() - 1
    }
}

/// An indicator's status in a unit with these totals: `status`, except
/// that a bonus does not count when the base was under `bonus_gate`.
pub fn status_in(ind: &Indicator, o: &Outcome, t: &Totals) -> Status {
    if t.gated && ind.kind == Kind::Bonus && matches!(o, Outcome::Amount(_)) {
        Status::Gated
    } else {
        status(ind, o)
    }
}

pub(crate) fn status(ind: &Indicator, o: &Outcome) -> Status {
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

/// Deficiencies from outcomes, in framework order (docs/deficiencies.md).
///
/// A shortfall smaller than the item's `min_rectify` (or the framework's)
/// opens no deficiency: its points are lost all the same, and the
/// indicator's amount and status say so, but it is no rectification item
/// (a 民主测评 at 95% of full marks is not rectified). Missing evidence,
/// penalties and vetoes always open one.
pub fn deficiencies(fw: &Framework, outcomes: &[Outcome]) -> Vec<Deficiency> {
    let mut out = Vec::new();
    deficiencies_into(fw, outcomes, &mut out);
    out
}

/// [`deficiencies`] into `out`, cleared first: a writer of many units
/// reuses one vector rather than allocate one per unit.
pub fn deficiencies_into(fw: &Framework, outcomes: &[Outcome], out: &mut Vec<Deficiency>) {
    out.clear();
    each_deficiency(
        fw,
        outcomes.iter().cloned(),
        |i| fw.indicators[i].points,
        |i| fw.min_rectify_of(i),
        fw.penalty_cap,
        |index, reason, found| {
            out.push(Deficiency {
                index,
                lost: found.lost.map(round2),
                reason,
                deducted: found.deducted.map(round2),
            })
        },
    );
}

/// What a deficiency found by [`each_deficiency`] comes to, in the unit of
/// its amounts.
#[derive(Debug, Clone, Copy)]
pub struct Found<T> {
    /// Points lost (none for a veto or cap).
    pub lost: Option<T>,
    /// The item's amount, where it has one.
    pub amount: Option<T>,
    /// A penalty's share of what penalties took off after the cap.
    pub deducted: Option<T>,
}

/// Each deficiency of a unit from its outcomes, in framework order, in
/// any exact unit of points: `points(i)` and `min_rectify(i)` are item
/// `i`'s in that unit, `cap` the framework's penalty cap. Penalties use up
/// the cap in framework order.
pub fn each_deficiency<T: Points>(
    fw: &Framework,
    outcomes: impl IntoIterator<Item = Outcome<T>>,
    points: impl Fn(usize) -> T,
    min_rectify: impl Fn(usize) -> Option<T>,
    cap: Option<T>,
    mut found: impl FnMut(usize, Reason, Found<T>),
) {
    // What penalties may still take off: the cap, used up in framework order.
    let mut room = cap;
    for (index, (ind, o)) in fw.indicators.iter().zip(outcomes).enumerate() {
        let standing = match o {
            Outcome::Amount(a) => Standing::Amount(a),
            Outcome::Missing => Standing::Missing,
            Outcome::Triggered => Standing::Triggered,
            Outcome::Exempt | Outcome::Clear => Standing::Other,
        };
        if let Some((reason, lost)) = deficiency(ind.kind, standing, points(index), min_rectify(index)) {
            let deducted = (reason == Reason::Penalty).then(|| penalty_takes(&mut room, lost.unwrap_or_default()));
            let amount = match standing {
                Standing::Amount(a) => Some(a),
                _ => None,
            };
            found(index, reason, Found { lost, amount, deducted });
        }
    }
}

/// Where an item stands, as [`deficiency`] sees it, in points or in any
/// other exact unit (the bulk path's cents).
#[derive(Debug, Clone, Copy)]
pub enum Standing<T> {
    Amount(T),
    /// No evidence.
    Missing,
    /// A veto or cap that fired.
    Triggered,
    /// Exempt, a veto or cap that did not fire.
    Other,
}

/// Whether an item of this kind, standing so and worth `points`, is a
/// deficiency, why, and the points it loses (none for a veto or cap): a
/// missing or short base item (a shortfall under `min_rectify` is none), a
/// penalty that took points, a veto or cap that fired.
pub fn deficiency<T>(
    kind: Kind,
    standing: Standing<T>,
    points: T,
    min_rectify: Option<T>,
) -> Option<(Reason, Option<T>)>
where
    T: Copy + Default + PartialOrd + std::ops::Sub<Output = T>,
{
    match (kind, standing) {
        (Kind::Base, Standing::Missing) => Some((Reason::Missing, Some(points))),
        (Kind::Base, Standing::Amount(a)) if a < points && min_rectify.is_none_or(|m| points - a >= m) => {
            Some((Reason::Shortfall, Some(points - a)))
        }
        (Kind::Penalty, Standing::Amount(a)) if a > T::default() => Some((Reason::Penalty, Some(a))),
        (Kind::Veto, Standing::Triggered) => Some((Reason::Veto, None)),
        (Kind::Cap, Standing::Triggered) => Some((Reason::Cap, None)),
        _ => None,
    }
}

/// What a penalty losing `lost` takes off once the penalties before it (in
/// framework order) used up the cap's `room`, which it uses up in turn.
pub fn penalty_takes<T: Copy + Ord + std::ops::Sub<Output = T>>(room: &mut Option<T>, lost: T) -> T {
    let took = room.map_or(lost, |r| lost.min(r));
    *room = room.map(|r| r - took);
    took
}

/// The value, note, source and origin shown for an item: its one cell's
/// own texts, taken from it (the unit's evidence is done with), or its
/// clauses' values and their notes and sources joined.
fn describe_cells(ind: &Indicator, cells: &mut [Option<Cell>]) -> (Option<String>, String, String, Option<Origin>) {
    if let [Some(c)] = cells {
        let origin = Some((c.file, c.line, c.col));
        let take = std::mem::take;
        return (Some(take(&mut c.raw)), take(&mut c.note), take(&mut c.source), origin);
    }
    // Without a list of the cells given: this runs for every value.
    let Some(first) = cells.iter().flatten().next() else {
        return (None, String::new(), String::new(), None);
    };
    let value = if cells.len() == 1 {
        first.raw.clone()
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
        for c in cells.iter().flatten() {
            let s = f(c);
            if !s.is_empty() && !parts.contains(&s) {
                parts.push(s);
            }
        }
        parts.join("；")
    };
    let origin = Some((first.file, first.line, first.col));
    (Some(value), join(|c| &c.note), join(|c| &c.source), origin)
}

/// Each rater item's amounts per rater, by indicator index.
type Rated = Vec<(usize, Vec<crate::model::raters::RaterAmount>)>;

/// Where a unit is named, for a problem of the unit as a whole: its line
/// in the units file, else the first evidence file (`first_file`).
pub(crate) fn where_unit(units: Option<&Units>, first_file: &str, id: &str) -> (String, Option<u64>) {
    match units.and_then(|u| u.units.get(id).map(|i| (u.path.clone(), i.line))) {
        Some((p, l)) => (p, Some(l)),
        None => (first_file.to_string(), None),
    }
}

/// Evidence given for an item unit `id`'s category is not assessed on
/// (`applies_to`).
pub(crate) fn outside_problem(id: &str, category: &str, ind: &Indicator) -> String {
    let only = ind
        .applies_to
        .as_deref()
        .unwrap_or_default()
        .join(crate::base::lang::m("、", ", "));
    crate::base::lang::msg!(
        zh: "单位 {id} 属于“{category}”类，指标 {} 只考核 {only}，不应填报（该指标对本单位按不适用处理）",
        en: "unit {id} is in category \"{category}\", and indicator {} concerns {only} only: it takes no evidence (it is not applicable to this unit)",
        ind.id
    )
}

/// 不适用 given for some of an item's clauses only.
pub(crate) fn partial_exemption_problem(id: &str, indicator: &str) -> String {
    crate::base::lang::msg!(
        zh: "单位 {id}，指标 {indicator}：不适用只能针对整个指标填写，不能只填部分子项",
        en: "unit {id}, indicator {indicator}: 不适用 must be given for the whole item, not for some clauses"
    )
}

/// Every base item of unit `id` 不适用.
pub(crate) fn all_exempt_problem(id: &str) -> String {
    crate::base::lang::msg!(
        zh: "单位 {id}：所有基础指标均标为不适用，无法评分",
        en: "unit {id}: every base indicator is marked 不适用; the unit cannot be scored"
    )
}

/// A base item of unit `id` without evidence under `missing = "error"`,
/// its slots `lacking` (a clause item with some clauses given names them).
pub(crate) fn missing_problem(fw: &Framework, id: &str, ind: &Indicator, lacking: &[usize]) -> String {
    let slots = ind.slots();
    let what = if slots > 1 && lacking.len() < slots {
        let keys: Vec<String> = lacking.iter().map(|&slot| ind.slot_key(slot)).collect();
        crate::base::lang::msg!(zh: "{} 缺少佐证", en: "no evidence for {}", keys.join(", "))
    } else {
        crate::base::lang::m("缺少佐证", "no evidence").to_string()
    };
    if fw.missing_from_option {
        crate::base::lang::msg!(
            zh: "单位 {id}，指标 {}：{what}（--missing error）",
            en: "unit {id}, indicator {}: {what} (--missing error)",
            ind.id
        )
    } else {
        crate::base::lang::msg!(
            zh: "单位 {id}，指标 {}：{what}（考核方案设定了 missing = \"error\"）",
            en: "unit {id}, indicator {}: {what} (the framework sets missing = \"error\")",
            ind.id
        )
    }
}

/// A unit's per-indicator results: each outcome with its status, the
/// evidence described (value, note, source, where), the raters' amounts
/// and, from `cohort(index)`, a cohort item's facts.
pub(crate) fn indicator_results(
    fw: &Framework,
    ue: &mut UnitEvidence,
    outcomes: &[Outcome],
    t: &Totals,
    mut rated: Rated,
    cohort: &mut dyn FnMut(usize) -> Option<Box<crate::engine::cohort::Fact>>,
) -> Vec<IndicatorResult> {
    fw.indicators
        .iter()
        .zip(outcomes)
        .enumerate()
        .map(|(index, (ind, o))| {
            let raters = rated
                .iter()
                .position(|(i, _)| *i == index)
                .map(|k| rated.swap_remove(k).1)
                .unwrap_or_default();
            let (value, note, source, origin) = if ind.raters.is_some() {
                describe_raters(ue.raters(index))
            } else {
                describe_cells(ind, ue.cells_mut(index))
            };
            IndicatorResult {
                index,
                outcome: o.clone(),
                status: status_in(ind, o, t),
                value,
                note,
                source,
                origin,
                cohort: cohort(index),
                raters,
            }
        })
        .collect()
}

/// The assessment of units already in the ranking's order
/// ([`rank_order`]): ranked (by category too where the units file gives
/// categories), graded by every grade rule, with the units file recorded
/// after the evidence `inputs`.
pub fn ranked(
    fw: &Framework,
    mut results: Vec<UnitResult>,
    units: Option<&Units>,
    mut inputs: Vec<InputFile>,
    period: Option<String>,
) -> Assessment {
    rank_sorted(&mut results, units.is_some_and(Units::has_categories));
    crate::engine::grade::apply(fw, &mut results);
    if let Some(u) = units {
        inputs.push(InputFile {
            path: u.path.clone(),
            sha256: u.sha256.clone(),
            ..Default::default()
        });
    }
    Assessment {
        period,
        inputs,
        units: results,
    }
}

/// Each unit of the units file without any value in the evidence (not
/// even 不适用), as `silent` tells: scored 0 on every item, most likely
/// because its file was forgotten. Located at the unit's line in the units
/// file.
pub fn silent_units(units: &Units, silent: impl Fn(&str) -> bool) -> Diagnostics {
    let mut out = Diagnostics::new();
    for (id, info) in &units.units {
        if silent(id) {
            let name = if info.name.is_empty() {
                String::new()
            } else {
                crate::base::lang::msg!(zh: "（{}）", en: " ({})", info.name)
            };
            out.push(Diagnostic::at(
                &units.path,
                info.line,
                crate::base::lang::msg!(
                    zh: "单位 {id}{name}在佐证中没有任何数据（是否漏交？），各项均按无佐证计 0 分",
                    en: "unit {id}{name} has no evidence at all (was its file left out?); every item scores 0 as missing"
                ),
            ));
        }
    }
    out
}

/// Sort into rank order and assign ranks (docs/framework.md, "Ranking"): units not vetoed by
/// score descending, then vetoed units by score descending; equal scores
/// share a rank and the next rank skips (1, 2, 2, 4); ties listed by unit id.
pub fn rank(units: &mut [UnitResult], by_category: bool) {
    units.sort_by(rank_order);
    rank_sorted(units, by_category);
}

/// The order of the ranking: units without a veto first, then by score,
/// highest first, ties by unit id.
pub fn rank_order(a: &UnitResult, b: &UnitResult) -> std::cmp::Ordering {
    let key = |u: &UnitResult| !u.totals.veto.is_empty();
    key(a)
        .cmp(&key(b))
        .then(b.totals.score.cmp(&a.totals.score))
        .then_with(|| a.unit.cmp(&b.unit))
}

/// [`rank`] of units already in [`rank_order`]: the ranks assigned, no
/// sort.
pub fn rank_sorted(units: &mut [UnitResult], by_category: bool) {
    assign_ranks(units.iter_mut().collect(), |u, r| u.rank = r);
    if by_category {
        // One pass into categories (in rank order within each): filtering
        // all units once per category was quadratic with many categories.
        let mut cats: std::collections::BTreeMap<String, Vec<&mut UnitResult>> = Default::default();
        for u in units.iter_mut().filter(|u| !u.category.is_empty()) {
            // Units without a category get no category rank.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// One indicator per kind and a few rule types; base points 4 + 6 + 5 +
    /// 5 = 20 = total, B1 exempt; bonus capped at 2, penalty at 3.
    const FW: &str = r#"
[framework]
id = "t"
title = "t"
total = 20
bonus_cap = 2
penalty_cap = 3

[[grade]]
name = "好"
min = 18
[[grade]]
name = "中"
min = 12
[[grade]]
name = "差"
min = 0

[[group]]
id = "A"
name = "甲"
[[group]]
id = "B"
name = "乙"

[[indicator]]
id = "A1"
group = "A"
name = "一"
points = 4
rule = { type = "check" }

[[indicator]]
id = "A2"
group = "A"
name = "二"
points = 6
rule = { type = "clauses", clauses = [{ id = "a", per = 1 }, { id = "b", per = 2 }] }

[[indicator]]
id = "B1"
group = "B"
name = "三"
points = 5
rule = { type = "direct" }
exempt = true

[[indicator]]
id = "B2"
group = "B"
name = "四"
points = 5
rule = { type = "survey", survey = [["好", 100], ["差", 0]] }

[[indicator]]
id = "J1"
kind = "bonus"
name = "加"
points = 3
rule = { type = "count", per = 1 }

[[indicator]]
id = "K1"
kind = "penalty"
name = "扣"
points = 4
rule = { type = "count", per = 2 }

[[indicator]]
id = "K2"
kind = "penalty"
name = "又扣"
points = 2
rule = { type = "check" }

[[indicator]]
id = "V1"
kind = "veto"
name = "否"
"#;

    /// One indicator's evidence → its outcome.
    fn evaluate(ind: &Indicator, cells: &[Option<Cell>]) -> Outcome {
        evaluate_in(ind, "", cells)
    }

    /// [`evaluate`] for a unit of `category` (the rule's parameters for it). A
    /// cohort item with a value comes out as `Amount(0)`, its amount given by
    /// the second pass over every unit ([`crate::engine::cohort`]).
    fn evaluate_in(ind: &Indicator, category: &str, cells: &[Option<Cell>]) -> Outcome {
        let values: Vec<Option<&Value>> = cells
            .iter()
            .map(|c| c.as_ref().and_then(|c| c.value.as_ref()))
            .collect();
        decide(
            ind,
            &values,
            |v| matches!(v, Some(Value::NotApplicable)),
            |v| match v {
                Some(Value::Yes) => true,
                Some(Value::Number(n)) => n.signum().is_gt(),
                _ => false,
            },
            Option::is_some,
            || {
                let present: Vec<&Value> = values.iter().copied().flatten().collect();
                match ind.amount_in(category, &present) {
                    None if ind.rule_for(category).is_some_and(crate::model::rule::Rule::is_cohort) => {
                        Some(Decimal::ZERO)
                    }
                    a => a,
                }
            },
        )
    }

    fn fw() -> Framework {
        Framework::parse(FW, "t.toml").unwrap()
    }

    fn cell(fw: &Framework, id: &str, raw: &str) -> Option<Cell> {
        let ind = &fw.indicators[fw.indicator_index(id).unwrap()];
        Some(Cell {
            value: ind.parse_value(raw).unwrap(),
            raw: raw.to_string(),
            note: String::new(),
            source: String::new(),
            file: 0,
            line: 2,
            col: 0,
        })
    }

    fn eval(fw: &Framework, id: &str, raws: &[&str]) -> Outcome {
        let ind = &fw.indicators[fw.indicator_index(id).unwrap()];
        let cells: Vec<Option<Cell>> = raws
            .iter()
            .map(|r| if r.is_empty() { None } else { cell(fw, id, r) })
            .collect();
        evaluate(ind, &cells)
    }

    /// Outcomes in framework order from `(id, amount)`; other base items
    /// missing, other bonus/penalty/veto items clear.
    fn outcomes(fw: &Framework, given: &[(&str, Outcome)]) -> Vec<Outcome> {
        fw.indicators
            .iter()
            .map(|i| match given.iter().find(|(id, _)| *id == i.id) {
                Some((_, o)) => o.clone(),
                None if i.kind == Kind::Base => Outcome::Missing,
                None => Outcome::Clear,
            })
            .collect()
    }

    fn amount(s: &str) -> Outcome {
        Outcome::Amount(d(s))
    }

    #[test]
    fn evaluate_each_kind() {
        let fw = fw();
        assert_eq!(eval(&fw, "A1", &["是"]), amount("4.00"));
        assert_eq!(eval(&fw, "A1", &["否"]), amount("0.00"));
        assert_eq!(eval(&fw, "A1", &[""]), Outcome::Missing);
        // Clauses: 6 − 1 − 2 × 2 = 1; any clause missing is missing.
        assert_eq!(eval(&fw, "A2", &["1", "2"]), amount("1.00"));
        assert_eq!(eval(&fw, "A2", &["1", ""]), Outcome::Missing);
        assert_eq!(eval(&fw, "A2", &["", "0"]), Outcome::Missing);
        assert_eq!(eval(&fw, "A2", &["9", "9"]), amount("0.00"));
        assert_eq!(eval(&fw, "B1", &["不适用"]), Outcome::Exempt);
        assert_eq!(eval(&fw, "B1", &["4.99"]), amount("4.99"));
        // Survey: no votes at all is missing, not zero.
        assert_eq!(eval(&fw, "B2", &["0/0"]), Outcome::Missing);
        // 5 × 100 / (100 × 8) = 0.625 → 0.63 (half up, not to even).
        assert_eq!(eval(&fw, "B2", &["1/7"]), amount("0.63"));
        assert_eq!(eval(&fw, "J1", &["5"]), amount("3.00"));
        assert_eq!(eval(&fw, "V1", &["是"]), Outcome::Triggered);
        assert_eq!(eval(&fw, "V1", &["2"]), Outcome::Triggered);
        assert_eq!(eval(&fw, "V1", &["0"]), Outcome::Clear);
        assert_eq!(eval(&fw, "V1", &["否"]), Outcome::Clear);
        assert_eq!(eval(&fw, "V1", &[""]), Outcome::Clear);
    }

    #[test]
    fn totals_add_exactly() {
        // Eight amounts that drift in f64 add to exactly 48.
        let mut src = String::from(
            "[framework]\nid = \"x\"\ntitle = \"x\"\ntotal = 80\n[[grade]]\nname = \"合格\"\nmin = 48\n[[grade]]\nname = \"不合格\"\nmin = 0\n",
        );
        for i in 1..=8 {
            src.push_str(&format!(
                "[[indicator]]\nid = \"D{i}\"\nname = \"d\"\npoints = 10\nrule = {{ type = \"direct\" }}\n"
            ));
        }
        let fw = Framework::parse(&src, "x.toml").unwrap();
        let parts = ["6", "8", "5.13", "7.5", "5.5", "5", "6", "4.87"];
        let o: Vec<Outcome> = parts.iter().map(|p| amount(p)).collect();
        let t = totals(&fw, &o);
        assert_eq!(t.score, d("48"));
        assert_eq!(t.score.to_string(), "48.00");
        assert_eq!(grade_of(&fw, &t), 0);
        let mut o2 = o.clone();
        o2[7] = amount("4.86");
        let t2 = totals(&fw, &o2);
        assert_eq!(t2.score.to_string(), "47.99");
        assert_eq!(grade_of(&fw, &t2), 1);
    }

    #[test]
    fn totals_rescale_cap_and_floor() {
        let fw = fw();
        // Everything earned, nothing else: 20 of 20.
        let full = [
            ("A1", amount("4")),
            ("A2", amount("6")),
            ("B1", amount("5")),
            ("B2", amount("5")),
        ];
        let t = totals(&fw, &outcomes(&fw, &full));
        assert_eq!(
            (t.base_sum, t.applicable, t.base, t.score),
            (d("20"), d("20"), d("20.00"), d("20.00"))
        );
        assert!(!t.rescaled(&fw));

        // B1 exempt: 15 of 15 applicable × 20 / 15 = 20.00.
        let mut o = outcomes(&fw, &full);
        o[2] = Outcome::Exempt;
        let t = totals(&fw, &o);
        assert_eq!((t.base_sum, t.applicable, t.base), (d("15"), d("15"), d("20.00")));
        assert!(t.rescaled(&fw));

        // B1 exempt, A1 failed: 11 × 20 / 15 = 14.666… → 14.67.
        o[0] = amount("0");
        assert_eq!(totals(&fw, &o).base.to_string(), "14.67");

        // Missing counts as applicable, scoring 0.
        let t = totals(&fw, &outcomes(&fw, &[("A1", amount("4"))]));
        assert_eq!((t.applicable, t.base), (d("20"), d("4.00")));

        // Caps: bonus 3 → 2; penalty 4 + 2 = 6 → 3.
        let mut o = outcomes(&fw, &full);
        o[4] = amount("3");
        o[5] = amount("4");
        o[6] = amount("2");
        let t = totals(&fw, &o);
        assert_eq!(
            (t.bonus_sum, t.bonus, t.penalty_sum, t.penalty, t.score),
            (d("3"), d("2.00"), d("6"), d("3.00"), d("19.00"))
        );

        // Floored at 0: base 1, penalty 3.
        let mut o = outcomes(&fw, &[("A2", amount("1"))]);
        o[5] = amount("4");
        let t = totals(&fw, &o);
        assert_eq!(t.score, Decimal::ZERO);
        assert_eq!(t.score.to_string(), "0.00");

        // Every base item exempt: nothing applicable, base 0.
        let all_exempt: Vec<Outcome> = fw
            .indicators
            .iter()
            .map(|i| {
                if i.kind == Kind::Base {
                    Outcome::Exempt
                } else {
                    Outcome::Clear
                }
            })
            .collect();
        let t = totals(&fw, &all_exempt);
        assert_eq!((t.applicable, t.base), (Decimal::ZERO, d("0.00")));
    }

    /// Rescaling rounds once, half up: 1.01 × 100 / 8 = 12.625 → 12.63.
    #[test]
    fn rescaling_rounds_half_up() {
        let src = "[framework]\nid = \"x\"\ntitle = \"x\"\ntotal = 100\n[[grade]]\nname = \"g\"\nmin = 0\n\
                   [[indicator]]\nid = \"A1\"\nname = \"a\"\npoints = 92\nrule = { type = \"direct\" }\nexempt = true\n\
                   [[indicator]]\nid = \"A2\"\nname = \"b\"\npoints = 8\nrule = { type = \"direct\" }\n";
        let fw = Framework::parse(src, "x.toml").unwrap();
        let t = totals(&fw, &[Outcome::Exempt, amount("1.01")]);
        assert_eq!(t.base.to_string(), "12.63");
        let t = totals(&fw, &[Outcome::Exempt, amount("1.03")]);
        assert_eq!(t.base.to_string(), "12.88"); // 12.875
    }

    #[test]
    fn veto_sets_the_lowest_grade() {
        let fw = fw();
        let full = [
            ("A1", amount("4")),
            ("A2", amount("6")),
            ("B1", amount("5")),
            ("B2", amount("5")),
        ];
        let mut o = outcomes(&fw, &full);
        o[7] = Outcome::Triggered;
        let t = totals(&fw, &o);
        assert_eq!(t.veto, vec![7]);
        assert_eq!(t.score, d("20.00"));
        assert_eq!(grade_of(&fw, &t), 2);
        // Exactly at a grade's minimum, and 0.01 below.
        let mut o = outcomes(
            &fw,
            &[
                ("A1", amount("4")),
                ("A2", amount("6")),
                ("B1", amount("3")),
                ("B2", amount("5")),
            ],
        );
        assert_eq!(grade_of(&fw, &totals(&fw, &o)), 0);
        o[2] = amount("2.99");
        assert_eq!(grade_of(&fw, &totals(&fw, &o)), 1);
    }

    #[test]
    fn statuses() {
        let fw = fw();
        let s = |id: &str, o: Outcome| status(&fw.indicators[fw.indicator_index(id).unwrap()], &o);
        assert_eq!(s("A1", amount("4")), Status::Met);
        assert_eq!(s("A2", amount("0.5")), Status::Partial);
        assert_eq!(s("A2", amount("0")), Status::Failed);
        assert_eq!(s("A2", Outcome::Missing), Status::Missing);
        assert_eq!(s("B1", Outcome::Exempt), Status::Exempt);
        assert_eq!(s("J1", amount("1")), Status::Triggered);
        assert_eq!(s("J1", amount("0")), Status::Clear);
        assert_eq!(s("J1", Outcome::Missing), Status::Clear);
        assert_eq!(s("K1", amount("2")), Status::Triggered);
        assert_eq!(s("V1", Outcome::Triggered), Status::Triggered);
        assert_eq!(s("V1", Outcome::Clear), Status::Clear);
    }

    #[test]
    fn deficiencies_and_what_was_lost() {
        let fw = fw();
        let mut o = outcomes(
            &fw,
            &[
                ("A1", amount("0")),
                ("A2", amount("4.5")),
                ("B1", Outcome::Exempt),
                ("J1", amount("1")),
            ],
        );
        o[5] = amount("4"); // K1: 4 before the penalty cap of 3
        o[6] = amount("0"); // K2 clear
        o[7] = Outcome::Triggered;
        let got: Vec<(String, Option<String>, Reason)> = deficiencies(&fw, &o)
            .into_iter()
            .map(|d| {
                (
                    fw.indicators[d.index].id.clone(),
                    d.lost.map(|l| l.to_string()),
                    d.reason,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("A1".into(), Some("4.00".into()), Reason::Shortfall),
                ("A2".into(), Some("1.50".into()), Reason::Shortfall),
                ("B2".into(), Some("5.00".into()), Reason::Missing),
                ("K1".into(), Some("4.00".into()), Reason::Penalty),
                ("V1".into(), None, Reason::Veto),
            ]
        );
        assert_eq!(totals(&fw, &o).penalty.to_string(), "3.00");
    }

    #[test]
    fn losses_under_min_rectify_open_no_deficiency_but_still_cost_points() {
        // min_rectify 1.5 for the framework, 0.5 of its own on B2.
        let src = FW.replacen("[[grade]]", "min_rectify = 1.5\n\n[[grade]]", 1).replace(
            "rule = { type = \"survey\", survey = [[\"好\", 100], [\"差\", 0]] }",
            "rule = { type = \"survey\", survey = [[\"好\", 100], [\"差\", 0]] }\nmin_rectify = 0.5",
        );
        let fw = Framework::parse(&src, "t.toml").unwrap();
        let o = outcomes(
            &fw,
            &[
                ("A1", amount("4")),
                ("A2", amount("4.6")), // lost 1.40 < 1.5: no item
                ("B1", amount("3.5")), // lost 1.50 = 1.5: an item
                ("B2", amount("4.5")), // lost 0.50 ≥ its own 0.5: an item
                ("K1", amount("2")),   // a penalty always opens one
            ],
        );
        let got: Vec<(&str, String)> = deficiencies(&fw, &o)
            .iter()
            .map(|d| (fw.indicators[d.index].id.as_str(), d.lost.unwrap().to_string()))
            .collect();
        assert_eq!(
            got,
            vec![("B1", "1.50".into()), ("B2", "0.50".into()), ("K1", "2.00".into())]
        );
        // The points are lost all the same: 4 + 4.6 + 3.5 + 4.5 = 16.6, less 2.
        assert_eq!(totals(&fw, &o).score.to_string(), "14.60");
        // Missing evidence opens an item whatever its size.
        let o = outcomes(&fw, &[("A1", amount("4")), ("B1", amount("5")), ("B2", amount("5"))]);
        let got: Vec<&str> = deficiencies(&fw, &o)
            .iter()
            .map(|d| fw.indicators[d.index].id.as_str())
            .collect();
        assert_eq!(got, vec!["A2"]);
    }

    fn result(unit: &str, score: &str, vetoed: bool, category: &str) -> UnitResult {
        UnitResult {
            unit: unit.into(),
            name: String::new(),
            category: category.into(),
            rank: 0,
            category_rank: None,
            totals: Totals {
                base_sum: d(score),
                applicable: d("100"),
                base: d(score),
                bonus_sum: Decimal::ZERO,
                bonus: Decimal::ZERO,
                penalty_sum: Decimal::ZERO,
                penalty: Decimal::ZERO,
                score: d(score),
                veto: if vetoed { vec![9] } else { Vec::new() },
                caps: Vec::new(),
                zeros: 0,
                gated: false,
                unfixed: d(score),
            },
            grade: 0,
            grade_change: None,
            groups: Vec::new(),
            indicators: Vec::new(),
            deficiencies: Vec::new(),
            self_assessed: None,
        }
    }

    fn ranked(units: &mut [UnitResult]) -> Vec<(String, usize, Option<usize>)> {
        units
            .iter()
            .map(|u| (u.unit.clone(), u.rank, u.category_rank))
            .collect()
    }

    #[test]
    fn ranking_ties_and_vetoes() {
        let mut units = vec![
            result("U04", "80", false, ""),
            result("U03", "90", false, ""),
            result("U09", "99", true, ""),
            result("U01", "95", false, ""),
            result("U02", "90", false, ""),
            result("U08", "60", true, ""),
            result("U07", "60", true, ""),
            result("U05", "90.00", false, ""),
        ];
        rank(&mut units, false);
        let s = |u: &str, r: usize| (u.to_string(), r, None);
        assert_eq!(
            ranked(&mut units),
            vec![
                s("U01", 1),
                s("U02", 2),
                s("U03", 2),
                s("U05", 2), // 90.00 ties with 90
                s("U04", 5),
                s("U09", 6),
                s("U07", 7),
                s("U08", 7),
            ]
        );
    }

    #[test]
    fn category_ranks_are_computed_the_same_way() {
        let mut units = vec![
            result("T1", "90", false, "乡镇"),
            result("D1", "95", false, "部门"),
            result("T2", "99", true, "乡镇"),
            result("T3", "90", false, "乡镇"),
            result("D2", "80", false, "部门"),
            result("T4", "85", false, "乡镇"),
        ];
        rank(&mut units, true);
        let s = |u: &str, r: usize, c: usize| (u.to_string(), r, Some(c));
        assert_eq!(
            ranked(&mut units),
            vec![
                s("D1", 1, 1),
                s("T1", 2, 1),
                s("T3", 2, 1),
                s("T4", 4, 3),
                s("D2", 5, 2),
                s("T2", 6, 4)
            ]
        );
    }

    proptest::proptest! {
        /// Whatever the scores and vetoes: units not vetoed come first, each
        /// part by score descending then id; a unit's rank is one more than
        /// the number of units ahead of it that it does not tie with.
        #[test]
        fn ranks_are_competition_ranks(scores in proptest::collection::vec((0u8..6, proptest::bool::ANY), 0..12)) {
            let mut units: Vec<UnitResult> = scores
                .iter()
                .enumerate()
                .map(|(i, (s, v))| result(&format!("U{i:02}"), &s.to_string(), *v, ""))
                .collect();
            rank(&mut units, false);
            let key = |u: &UnitResult| (!u.totals.veto.is_empty(), std::cmp::Reverse(u.totals.score), u.unit.clone());
            for w in units.windows(2) {
                proptest::prop_assert!(key(&w[0]) < key(&w[1]));
            }
            for (i, u) in units.iter().enumerate() {
                let tied = |x: &UnitResult| x.totals.veto.is_empty() == u.totals.veto.is_empty() && x.totals.score == u.totals.score;
                let ahead = units[..i].iter().filter(|x| !tied(x)).count();
                proptest::prop_assert_eq!(u.rank, ahead + 1);
            }
        }
    }

    /// `csv` (and `units`) scored by the engine, every unit in full, as
    /// `e.csv` (and `u.csv`); else its problems, the folder left out.
    fn assess_csv(fw: &Framework, csv: &str, units: Option<&str>) -> Result<Assessment, Vec<String>> {
        static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("kaohe-score-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let evidence = [dir.join("e.csv")];
        std::fs::write(&evidence[0], csv).unwrap();
        let units = units.map(|u| {
            std::fs::write(dir.join("u.csv"), u).unwrap();
            Units::load(&dir.join("u.csv")).unwrap()
        });
        let told = std::sync::Mutex::new(crate::engine::bulk::Told::default());
        let files = crate::engine::bulk::Files::from(&evidence[..]).telling(&told);
        let found = crate::engine::bulk::assess_full(fw, units.as_ref(), files, Some("2023".into()));
        let prefix = format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR);
        std::fs::remove_dir_all(&dir).unwrap();
        match found {
            Some(mut a) => {
                for i in &mut a.inputs {
                    i.path = i.path.replace(&prefix, "");
                }
                Ok(a)
            }
            None => {
                let told = told.into_inner().unwrap();
                assert!(!told.problems.is_empty(), "the engine scores or says why not");
                Err(told
                    .problems
                    .iter()
                    .map(|d| d.to_string().replace(&prefix, ""))
                    .collect())
            }
        }
    }

    #[test]
    fn assess_end_to_end() {
        let fw = fw();
        let a = assess_csv(
            &fw,
            "unit,A1,A2/a,A2/b,B1,B2,J1,K1,V1\nU1,是,0,0,不适用,3/1,,1,\nU2,否,1,0,5,4/0,5,,\n",
            Some("unit,category\nU2,乙\nU1,甲\nU3,甲\n"),
        )
        .unwrap();
        let rows: Vec<(String, usize, String, String, Option<usize>)> = a
            .units
            .iter()
            .map(|u| {
                (
                    u.unit.clone(),
                    u.rank,
                    u.totals.score.to_string(),
                    fw.grades[u.grade].name.clone(),
                    u.category_rank,
                )
            })
            .collect();
        // U1: 4 + 6 + 3.75 = 13.75 of 15 × 20/15 = 18.33, penalty 2 → 16.33.
        // U2: 0 + 5 + 5 + 5 = 15, bonus 3 capped at 2 → 17.00.
        assert_eq!(
            rows,
            vec![
                ("U2".into(), 1, "17.00".into(), "中".into(), Some(1)),
                ("U1".into(), 2, "16.33".into(), "中".into(), Some(1)),
                ("U3".into(), 3, "0.00".into(), "差".into(), Some(2)),
            ]
        );
        let u1 = &a.units[1];
        assert_eq!(
            u1.groups.iter().map(|g| g.to_string()).collect::<Vec<_>>(),
            ["10.00", "3.75"]
        );
        assert_eq!(u1.indicators[1].value.as_deref(), Some("a=0;b=0"));
        assert_eq!(u1.indicators[0].origin, Some((0, 2, 0)));
        assert_eq!(
            a.inputs.iter().map(|i| i.path.as_str()).collect::<Vec<_>>(),
            ["e.csv", "u.csv"]
        );
    }

    #[test]
    fn assess_reports_what_cannot_be_scored() {
        // 不适用 on some clauses of an item only.
        let src = FW.replace("rule = { type = \"clauses\", clauses = [{ id = \"a\", per = 1 }, { id = \"b\", per = 2 }] }", "rule = { type = \"clauses\", clauses = [{ id = \"a\", per = 1 }, { id = \"b\", per = 2 }] }\nexempt = true");
        let fw2 = Framework::parse(&src, "t.toml").unwrap();
        assert_eq!(
            assess_csv(&fw2, "unit,A1,A2/a,A2/b\nU1,是,不适用,0\nU2,是,不适用,不适用\n", None).unwrap_err(),
            ["e.csv:2: unit U1, indicator A2: 不适用 must be given for the whole item, not for some clauses"]
        );
        // Missing evidence under missing = "error": every (unit, indicator).
        let strict = Framework::parse(
            &FW.replace("penalty_cap = 3", "penalty_cap = 3\nmissing = \"error\""),
            "t.toml",
        )
        .unwrap();
        assert_eq!(
            assess_csv(
                &strict,
                "unit,A1,A2/a,A2/b,B1,B2\nU1,是,0,,5,1/0\n",
                Some("unit\nU1\nU2\n")
            )
            .unwrap_err(),
            [
                "e.csv:2: unit U1, indicator A2: no evidence for A2/b (the framework sets missing = \"error\")",
                "u.csv:3: unit U2, indicator A1: no evidence (the framework sets missing = \"error\")",
                "u.csv:3: unit U2, indicator A2: no evidence (the framework sets missing = \"error\")",
                "u.csv:3: unit U2, indicator B1: no evidence (the framework sets missing = \"error\")",
                "u.csv:3: unit U2, indicator B2: no evidence (the framework sets missing = \"error\")",
            ]
        );
    }
}
