//! Period over period: who rose, who fell, which problems were fixed and
//! which came back (整改不到位), and whether the framework itself changed.
//!
//! Everything here works on [`PeriodResult`]s — saved results or evidence
//! scored on the fly — and matches units, groups and indicators by id, so a
//! framework revised between years (normal: the province reissues it every
//! year) compares item by item. Figures stay exact decimals; means and
//! medians are rounded half-up to two places only at the end, the
//! rectification rate (整改率) to four places as a fraction.
//!
//! Deficiency bookkeeping for a unit present in both periods, per indicator:
//! - *persisting* (整改不到位): a deficiency in both periods;
//! - *resolved* (已整改): a deficiency before, none now, indicator still
//!   assessed for the unit;
//! - *new* (新增问题): none before, a deficiency now;
//! - *dropped* (不再考核): a deficiency before on an indicator the new
//!   framework no longer has, or that the unit now marks 不适用 — neither
//!   fixed nor failed, so left out of the rate.
//!
//! Rectification rate = resolved ÷ (resolved + persisting).

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::num::round2;
use crate::reading::result::{GradeDef, IndicatorDef, PeriodResult, UnitRecord};
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::{BTreeMap, HashMap};

/// How many biggest risers and fallers the summary names.
pub const TOP: usize = 3;

/// One side of a comparison, as reports name it.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    /// The period, else the file name.
    pub label: String,
    pub period: Option<String>,
    /// The file the side was read or scored from.
    pub source: String,
    pub framework: String,
    pub title: String,
    pub sha256: String,
    pub units: usize,
}

impl Side {
    pub fn of(r: &PeriodResult) -> Side {
        Side {
            label: r.label(),
            period: r.period.clone(),
            source: r.source.clone(),
            framework: r.framework.id.clone(),
            title: r.framework.title.clone(),
            sha256: r.framework.sha256.clone(),
            units: r.units.len(),
        }
    }
}

/// Is a unit in both periods or only one?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    Present,
    /// Only in the new period.
    Added,
    /// Only in the old period.
    Removed,
}

impl Presence {
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Present => "present",
            Presence::Added => "added",
            Presence::Removed => "removed",
        }
    }
}

/// A unit's place in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub score: Decimal,
    pub rank: usize,
    pub grade: String,
    /// The grade rule that lowered the grade, if one did.
    pub grade_reason: Option<String>,
    /// Triggered veto items.
    pub veto: Vec<String>,
}

impl Standing {
    fn of(u: &UnitRecord) -> Standing {
        Standing {
            score: u.score,
            rank: u.rank,
            grade: u.grade.clone(),
            grade_reason: u.grade_reason.clone(),
            veto: u.veto.clone(),
        }
    }
}

/// Which way a grade went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradeMove {
    Same,
    Up,
    Down,
    /// Different names that neither framework orders (grades renamed).
    Changed,
}

impl GradeMove {
    pub fn as_str(self) -> &'static str {
        match self {
            GradeMove::Same => "same",
            GradeMove::Up => "up",
            GradeMove::Down => "down",
            GradeMove::Changed => "changed",
        }
    }
}

/// A group's amount in both periods (raw sums of base amounts, as results
/// record them).
#[derive(Debug, Clone, PartialEq)]
pub struct GroupChange {
    pub id: String,
    pub name: String,
    /// A top-level group (一级指标)?
    pub top: bool,
    pub old: Option<Decimal>,
    pub new: Option<Decimal>,
    pub delta: Decimal,
}

/// What moved a unit's score.
#[derive(Debug, Clone, PartialEq)]
pub enum Mover {
    /// A top-level group, by id and name.
    Group(String, String),
    Bonus,
    /// Penalties: a rise in penalties lowers the score.
    Penalty,
    /// Whatever the groups do not account for: rescaling for 不适用 items,
    /// base indicators outside any group.
    Other,
}

/// One cause of a score change and its effect on the score.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    pub mover: Mover,
    pub effect: Decimal,
}

/// What happened to one indicator's deficiency between the periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fate {
    /// 整改不到位: found again.
    Persisting,
    /// 新增问题.
    New,
    /// 已整改.
    Resolved,
    /// 不再考核: the indicator left the framework or no longer applies.
    Dropped,
}

impl Fate {
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Persisting => "persisting",
            Fate::New => "new",
            Fate::Resolved => "resolved",
            Fate::Dropped => "dropped",
        }
    }
}

/// One indicator of one unit whose deficiency status differs or persists.
#[derive(Debug, Clone, PartialEq)]
pub struct DeficiencyChange {
    pub indicator: String,
    /// From the new framework when it has the indicator, else the old.
    pub name: String,
    pub fate: Fate,
    /// Points lost before and now (`None`: no deficiency, or a veto).
    pub old_lost: Option<Decimal>,
    pub new_lost: Option<Decimal>,
    /// `shortfall`, `missing`, `penalty`, `veto` — now if still deficient,
    /// else before.
    pub reason: String,
}

/// One unit across the two periods.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitChange {
    pub unit: String,
    pub name: String,
    pub category: String,
    pub presence: Presence,
    pub old: Option<Standing>,
    pub new: Option<Standing>,
    /// New score − old score.
    pub delta: Option<Decimal>,
    /// Old rank − new rank: positive = moved up.
    pub rank_change: Option<i64>,
    pub grade_move: Option<GradeMove>,
    /// When the grade moved otherwise than the scores alone would have
    /// moved it: the grade rule behind it (`veto`, `condition`, `cap`,
    /// `quota`, of the new period, else of the old one).
    pub grade_rule: Option<String>,
    /// Every group of either framework: the new framework's order, then
    /// groups only the old one had.
    pub groups: Vec<GroupChange>,
    pub bonus_delta: Option<Decimal>,
    pub penalty_delta: Option<Decimal>,
    /// The non-zero causes of `delta`, largest effect first; their effects
    /// sum to `delta` exactly.
    pub drivers: Vec<Driver>,
    /// In the new framework's indicator order, dropped ones last.
    pub deficiencies: Vec<DeficiencyChange>,
}

impl UnitChange {
    /// Indicator ids with this fate.
    pub fn ids(&self, fate: Fate) -> Vec<&str> {
        self.deficiencies
            .iter()
            .filter(|d| d.fate == fate)
            .map(|d| d.indicator.as_str())
            .collect()
    }

    pub fn count(&self, fate: Fate) -> usize {
        self.deficiencies.iter().filter(|d| d.fate == fate).count()
    }

    /// 整改率 for this unit, `None` when it had nothing to rectify.
    pub fn rectification_rate(&self) -> Option<Decimal> {
        rate(self.count(Fate::Resolved), self.count(Fate::Persisting))
    }
}

/// Grade counts in both periods.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeCount {
    pub name: String,
    pub old: usize,
    pub new: usize,
}

/// A unit named among the biggest risers or fallers.
#[derive(Debug, Clone, PartialEq)]
pub struct NotableChange {
    pub unit: String,
    pub name: String,
    pub delta: Decimal,
}

/// Rectification of one indicator across all units present in both periods.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndicatorRectification {
    pub id: String,
    pub name: String,
    pub resolved: usize,
    pub persisting: usize,
    pub new: usize,
    pub dropped: usize,
}

impl IndicatorRectification {
    /// Units with this deficiency before, the indicator still assessed.
    pub fn old(&self) -> usize {
        self.resolved + self.persisting
    }

    pub fn rectification_rate(&self) -> Option<Decimal> {
        rate(self.resolved, self.persisting)
    }
}

/// The comparison in figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Units in both periods.
    pub compared: usize,
    pub added: usize,
    pub removed: usize,
    pub rose: usize,
    pub fell: usize,
    pub unchanged: usize,
    pub mean_delta: Option<Decimal>,
    pub median_delta: Option<Decimal>,
    /// Every grade of either framework (the new one's order first), counted
    /// over all units of each period.
    pub grades: Vec<GradeCount>,
    pub grade_up: usize,
    pub grade_down: usize,
    /// Units whose grade moved otherwise than their scores alone would
    /// have moved it (a grade rule in either period).
    pub grade_by_rule: usize,
    pub risers: Vec<NotableChange>,
    pub fallers: Vec<NotableChange>,
    pub resolved: usize,
    pub new: usize,
    pub persisting: usize,
    pub dropped: usize,
    /// Indicators with any deficiency in either period, new framework order
    /// then indicators only the old framework had.
    pub indicators: Vec<IndicatorRectification>,
}

impl Summary {
    /// 整改率 over all units: resolved ÷ (resolved + persisting).
    pub fn rectification_rate(&self) -> Option<Decimal> {
        rate(self.resolved, self.persisting)
    }
}

/// What differs in an indicator between the frameworks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Group,
    Kind,
    Points,
    Rule,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Group => "group",
            Field::Kind => "kind",
            Field::Points => "points",
            Field::Rule => "rule",
        }
    }
}

/// An indicator added, removed or changed between the frameworks.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorRevision {
    pub id: String,
    pub old: Option<IndicatorDef>,
    pub new: Option<IndicatorDef>,
    /// Empty for added and removed indicators.
    pub fields: Vec<Field>,
}

impl IndicatorRevision {
    pub fn change(&self) -> &'static str {
        match (&self.old, &self.new) {
            (None, _) => "added",
            (_, None) => "removed",
            _ => "changed",
        }
    }

    pub fn name(&self) -> &str {
        self.new.as_ref().or(self.old.as_ref()).map_or("", |i| i.name.as_str())
    }
}

/// How the framework changed between the periods.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameworkRevision {
    /// The very same framework file (equal SHA-256).
    pub same: bool,
    pub old_total: Decimal,
    pub new_total: Decimal,
    /// Grade names or thresholds differ.
    pub grades_changed: bool,
    pub old_grades: Vec<GradeDef>,
    pub new_grades: Vec<GradeDef>,
    /// Old framework order for removed ones, new order otherwise: the new
    /// framework's indicators first, then removed ones.
    pub indicators: Vec<IndicatorRevision>,
}

impl FrameworkRevision {
    fn count(&self, f: impl Fn(&IndicatorRevision) -> bool) -> usize {
        self.indicators.iter().filter(|r| f(r)).count()
    }
    pub fn added(&self) -> usize {
        self.count(|r| r.old.is_none())
    }
    pub fn removed(&self) -> usize {
        self.count(|r| r.new.is_none())
    }
    /// Standard points changed (调整分值).
    pub fn repointed(&self) -> usize {
        self.count(|r| r.fields.contains(&Field::Points))
    }
    pub fn rule_changed(&self) -> usize {
        self.count(|r| r.fields.contains(&Field::Rule))
    }
    pub fn regrouped(&self) -> usize {
        self.count(|r| r.fields.contains(&Field::Group))
    }
    /// Indicators added, removed or changed in any way.
    pub fn changed(&self) -> usize {
        self.indicators.len()
    }
    pub fn revised(&self) -> bool {
        !self.indicators.is_empty() || self.grades_changed || self.old_total != self.new_total
    }
}

/// Two periods compared.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub old: Side,
    pub new: Side,
    /// Units in both, then added, then removed until [`sort`] reorders them.
    pub units: Vec<UnitChange>,
    pub summary: Summary,
    pub framework: FrameworkRevision,
}

/// Orders for the unit list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Biggest rise first; units in one period only last.
    Delta,
    /// New rank, then old rank for units no longer assessed.
    Rank,
    /// Unit id.
    Unit,
}

/// A fraction `resolved ÷ (resolved + persisting)` to four places.
pub fn rate(resolved: usize, persisting: usize) -> Option<Decimal> {
    let all = resolved + persisting;
    if all == 0 {
        return None;
    }
    let mut r = (Decimal::from(resolved) / Decimal::from(all))
        .round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(4);
    Some(r)
}

/// Exact mean, rounded half-up to two places.
pub fn mean(values: &[Decimal]) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    Some(round2(values.iter().sum::<Decimal>() / Decimal::from(values.len())))
}

/// Exact median (mean of the middle two for an even count), rounded
/// half-up to two places.
pub fn median(values: &[Decimal]) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort();
    let n = v.len();
    Some(round2(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / Decimal::TWO
    }))
}

fn grade_move(old: &PeriodResult, new: &PeriodResult, from: &str, to: &str) -> GradeMove {
    if from == to {
        return GradeMove::Same;
    }
    // Order by the new framework's bands when it knows both names, else the old's.
    let pos = |r: &PeriodResult| Some((r.grade_index(from)?, r.grade_index(to)?));
    match pos(new).or_else(|| pos(old)) {
        Some((a, b)) if b < a => GradeMove::Up,
        Some(_) => GradeMove::Down,
        None => GradeMove::Changed,
    }
}

fn revision(old: &PeriodResult, new: &PeriodResult) -> FrameworkRevision {
    let (of, nf) = (&old.framework, &new.framework);
    let old_by_id: HashMap<&str, &IndicatorDef> = of.indicators.iter().map(|i| (i.id.as_str(), i)).collect();
    let mut indicators = Vec::new();
    for n in &nf.indicators {
        match old_by_id.get(n.id.as_str()) {
            None => indicators.push(IndicatorRevision {
                id: n.id.clone(),
                old: None,
                new: Some(n.clone()),
                fields: Vec::new(),
            }),
            Some(o) => {
                let mut fields = Vec::new();
                if o.name != n.name {
                    fields.push(Field::Name);
                }
                if o.group != n.group {
                    fields.push(Field::Group);
                }
                if o.kind != n.kind {
                    fields.push(Field::Kind);
                }
                if o.points != n.points {
                    fields.push(Field::Points);
                }
                if o.rule != n.rule {
                    fields.push(Field::Rule);
                }
                if !fields.is_empty() {
                    indicators.push(IndicatorRevision {
                        id: n.id.clone(),
                        old: Some((*o).clone()),
                        new: Some(n.clone()),
                        fields,
                    });
                }
            }
        }
    }
    for o in &of.indicators {
        if !nf.indicators.iter().any(|n| n.id == o.id) {
            indicators.push(IndicatorRevision {
                id: o.id.clone(),
                old: Some(o.clone()),
                new: None,
                fields: Vec::new(),
            });
        }
    }
    FrameworkRevision {
        same: of.sha256 == nf.sha256,
        old_total: of.total,
        new_total: nf.total,
        grades_changed: of.grades != nf.grades,
        old_grades: of.grades.clone(),
        new_grades: nf.grades.clone(),
        indicators,
    }
}

/// The groups of both frameworks, matched by id: (id, name, top-level).
fn group_union(old: &PeriodResult, new: &PeriodResult) -> Vec<(String, String, bool)> {
    let mut out: Vec<(String, String, bool)> = new
        .framework
        .groups
        .iter()
        .map(|g| (g.id.clone(), g.name.clone(), g.parent.is_none()))
        .collect();
    for g in &old.framework.groups {
        if !out.iter().any(|(id, _, _)| *id == g.id) {
            out.push((g.id.clone(), g.name.clone(), g.parent.is_none()));
        }
    }
    out
}

fn deficiency_changes(new: &PeriodResult, o: &UnitRecord, n: &UnitRecord) -> Vec<DeficiencyChange> {
    let old_d: HashMap<&str, _> = o.deficiencies.iter().map(|d| (d.indicator.as_str(), d)).collect();
    let new_d: HashMap<&str, _> = n.deficiencies.iter().map(|d| (d.indicator.as_str(), d)).collect();
    let mut out = Vec::new();
    // New framework order first: everything still assessed.
    for ind in &new.framework.indicators {
        let id = ind.id.as_str();
        let (before, now) = (old_d.get(id), new_d.get(id));
        let fate = match (before, now) {
            (Some(_), Some(_)) => Fate::Persisting,
            (None, Some(_)) => Fate::New,
            (Some(_), None) if n.status(id) == Some("exempt") => Fate::Dropped,
            (Some(_), None) => Fate::Resolved,
            (None, None) => continue,
        };
        out.push(DeficiencyChange {
            indicator: ind.id.clone(),
            name: ind.name.clone(),
            fate,
            old_lost: before.and_then(|d| d.lost),
            new_lost: now.and_then(|d| d.lost),
            reason: now.or(before).map(|d| d.reason.clone()).unwrap_or_default(),
        });
    }
    // Then deficiencies on indicators the new framework no longer has, in
    // the old result's order.
    for d in &o.deficiencies {
        if !new.framework.indicators.iter().any(|i| i.id == d.indicator) {
            out.push(DeficiencyChange {
                indicator: d.indicator.clone(),
                name: String::new(),
                fate: Fate::Dropped,
                old_lost: d.lost,
                new_lost: None,
                reason: d.reason.clone(),
            });
        }
    }
    out
}

fn with_names(mut v: Vec<DeficiencyChange>, old: &PeriodResult) -> Vec<DeficiencyChange> {
    for d in v.iter_mut().filter(|d| d.name.is_empty()) {
        if let Some(i) = old.framework.indicators.iter().find(|i| i.id == d.indicator) {
            d.name = i.name.clone();
        }
    }
    v
}

fn unit_change(
    old: &PeriodResult,
    new: &PeriodResult,
    groups: &[(String, String, bool)],
    o: Option<&UnitRecord>,
    n: Option<&UnitRecord>,
) -> UnitChange {
    let either = n.or(o).expect("a unit is in at least one period");
    let presence = match (o, n) {
        (Some(_), Some(_)) => Presence::Present,
        (None, _) => Presence::Added,
        (_, None) => Presence::Removed,
    };
    let mut c = UnitChange {
        unit: either.unit.clone(),
        name: n
            .map(|u| u.name.clone())
            .filter(|s| !s.is_empty())
            .or_else(|| o.map(|u| u.name.clone()))
            .unwrap_or_default(),
        category: either.category.clone().unwrap_or_default(),
        presence,
        old: o.map(Standing::of),
        new: n.map(Standing::of),
        delta: None,
        rank_change: None,
        grade_move: None,
        grade_rule: None,
        groups: Vec::new(),
        bonus_delta: None,
        penalty_delta: None,
        drivers: Vec::new(),
        deficiencies: Vec::new(),
    };
    let (Some(o), Some(n)) = (o, n) else {
        return c;
    };
    let delta = n.score - o.score;
    c.delta = Some(delta);
    c.rank_change = Some(o.rank as i64 - n.rank as i64);
    c.grade_move = Some(grade_move(old, new, &o.grade, &n.grade));
    // What the scores alone gave each period, and how that moved.
    let by_score = |u: &UnitRecord| u.grade_by_score.clone().unwrap_or_else(|| u.grade.clone());
    if grade_move(old, new, &by_score(o), &by_score(n)) != grade_move(old, new, &o.grade, &n.grade) {
        c.grade_rule = n.grade_reason.clone().or_else(|| o.grade_reason.clone());
    }
    let amount = |u: &UnitRecord, id: &str| u.groups.iter().find(|g| g.id == id).map(|g| g.amount);
    c.groups = groups
        .iter()
        .map(|(id, name, top)| {
            let (a, b) = (amount(o, id), amount(n, id));
            GroupChange {
                id: id.clone(),
                name: name.clone(),
                top: *top,
                old: a,
                new: b,
                delta: b.unwrap_or_default() - a.unwrap_or_default(),
            }
        })
        .collect();
    c.bonus_delta = Some(n.bonus - o.bonus);
    c.penalty_delta = Some(n.penalty - o.penalty);
    let mut drivers: Vec<Driver> = c
        .groups
        .iter()
        .filter(|g| g.top)
        .map(|g| Driver {
            mover: Mover::Group(g.id.clone(), g.name.clone()),
            effect: g.delta,
        })
        .collect();
    drivers.push(Driver {
        mover: Mover::Bonus,
        effect: n.bonus - o.bonus,
    });
    drivers.push(Driver {
        mover: Mover::Penalty,
        effect: o.penalty - n.penalty,
    });
    let explained: Decimal = drivers.iter().map(|d| d.effect).sum();
    drivers.push(Driver {
        mover: Mover::Other,
        effect: delta - explained,
    });
    drivers.retain(|d| !d.effect.is_zero());
    // Largest effect first; equal effects keep framework order (stable sort).
    drivers.sort_by_key(|d| std::cmp::Reverse(d.effect.abs()));
    c.drivers = drivers;
    c.deficiencies = with_names(deficiency_changes(new, o, n), old);
    c
}

/// Compare two periods.
pub fn compare(old: &PeriodResult, new: &PeriodResult) -> Comparison {
    let groups = group_union(old, new);
    let mut units: Vec<UnitChange> = new
        .units
        .iter()
        .map(|n| unit_change(old, new, &groups, old.unit(&n.unit), Some(n)))
        .collect();
    // Present units first (new rank order), then added: the order of `sort`.
    units.sort_by_key(|u| u.presence != Presence::Present);
    units.extend(
        old.units
            .iter()
            .filter(|o| new.unit(&o.unit).is_none())
            .map(|o| unit_change(old, new, &groups, Some(o), None)),
    );
    let summary = summarise(old, new, &units);
    Comparison {
        old: Side::of(old),
        new: Side::of(new),
        units,
        summary,
        framework: revision(old, new),
    }
}

fn summarise(old: &PeriodResult, new: &PeriodResult, units: &[UnitChange]) -> Summary {
    let present: Vec<&UnitChange> = units.iter().filter(|u| u.presence == Presence::Present).collect();
    let deltas: Vec<Decimal> = present.iter().filter_map(|u| u.delta).collect();
    let mut grades: Vec<GradeCount> = Vec::new();
    for g in new.framework.grades.iter().chain(&old.framework.grades) {
        if !grades.iter().any(|c| c.name == g.name) {
            grades.push(GradeCount {
                name: g.name.clone(),
                old: old.units.iter().filter(|u| u.grade == g.name).count(),
                new: new.units.iter().filter(|u| u.grade == g.name).count(),
            });
        }
    }
    let movers = |rising: bool| {
        let mut v: Vec<NotableChange> = present
            .iter()
            .filter_map(|u| {
                let d = u.delta?;
                let keep = if rising { d > Decimal::ZERO } else { d < Decimal::ZERO };
                keep.then(|| NotableChange {
                    unit: u.unit.clone(),
                    name: u.name.clone(),
                    delta: d,
                })
            })
            .collect();
        v.sort_by(|a, b| {
            let by = if rising {
                b.delta.cmp(&a.delta)
            } else {
                a.delta.cmp(&b.delta)
            };
            by.then_with(|| a.unit.cmp(&b.unit))
        });
        v.truncate(TOP);
        v
    };
    let total = |f: Fate| present.iter().map(|u| u.count(f)).sum::<usize>();
    // Per indicator, in the order deficiencies are listed for units.
    let mut by_ind: BTreeMap<usize, IndicatorRectification> = BTreeMap::new();
    let order = |id: &str| {
        new.framework
            .indicators
            .iter()
            .position(|i| i.id == id)
            .or_else(|| {
                old.framework
                    .indicators
                    .iter()
                    .position(|i| i.id == id)
                    .map(|p| p + new.framework.indicators.len())
            })
            .unwrap_or(usize::MAX)
    };
    for u in &present {
        for d in &u.deficiencies {
            let e = by_ind
                .entry(order(&d.indicator))
                .or_insert_with(|| IndicatorRectification {
                    id: d.indicator.clone(),
                    name: d.name.clone(),
                    ..Default::default()
                });
            match d.fate {
                Fate::Resolved => e.resolved += 1,
                Fate::Persisting => e.persisting += 1,
                Fate::New => e.new += 1,
                Fate::Dropped => e.dropped += 1,
            }
        }
    }
    Summary {
        compared: present.len(),
        added: units.iter().filter(|u| u.presence == Presence::Added).count(),
        removed: units.iter().filter(|u| u.presence == Presence::Removed).count(),
        rose: deltas.iter().filter(|d| **d > Decimal::ZERO).count(),
        fell: deltas.iter().filter(|d| **d < Decimal::ZERO).count(),
        unchanged: deltas.iter().filter(|d| d.is_zero()).count(),
        mean_delta: mean(&deltas),
        median_delta: median(&deltas),
        grades,
        grade_up: present.iter().filter(|u| u.grade_move == Some(GradeMove::Up)).count(),
        grade_down: present.iter().filter(|u| u.grade_move == Some(GradeMove::Down)).count(),
        grade_by_rule: present.iter().filter(|u| u.grade_rule.is_some()).count(),
        risers: movers(true),
        fallers: movers(false),
        resolved: total(Fate::Resolved),
        new: total(Fate::New),
        persisting: total(Fate::Persisting),
        dropped: total(Fate::Dropped),
        indicators: by_ind.into_values().collect(),
    }
}

/// Reorder the unit list.
pub fn sort(units: &mut [UnitChange], key: SortKey) {
    // Rank order: new rank; units only in the old period after, by old rank.
    let rank_key = |u: &UnitChange| match (&u.new, &u.old) {
        (Some(n), _) => (0, n.rank),
        (None, Some(o)) => (1, o.rank),
        (None, None) => (2, 0),
    };
    match key {
        SortKey::Unit => units.sort_by(|a, b| a.unit.cmp(&b.unit)),
        SortKey::Rank => units.sort_by(|a, b| rank_key(a).cmp(&rank_key(b)).then_with(|| a.unit.cmp(&b.unit))),
        SortKey::Delta => units.sort_by(|a, b| {
            let d = |u: &UnitChange| u.delta.map(|d| -d);
            (a.delta.is_none(), d(a))
                .cmp(&(b.delta.is_none(), d(b)))
                .then_with(|| rank_key(a).cmp(&rank_key(b)))
                .then_with(|| a.unit.cmp(&b.unit))
        }),
    }
}

// ---- trend ------------------------------------------------------------------

/// One unit over several periods.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendRow {
    pub unit: String,
    pub name: String,
    pub category: String,
    /// One per period, `None` where the unit was not assessed.
    pub standings: Vec<Option<Standing>>,
    /// Last period's score − first period's (`None` unless in both).
    pub delta: Option<Decimal>,
    /// First period's rank − last period's: positive = moved up.
    pub rank_change: Option<i64>,
}

/// Several periods side by side, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Trend {
    pub periods: Vec<Side>,
    /// By rank in the last period; units missing from it follow by their
    /// latest rank.
    pub units: Vec<TrendRow>,
}

/// (year, first month) of a period, for checking the order of results.
fn period_start(p: &str) -> Option<(u16, u8)> {
    use crate::base::period::{Period, Span};
    let p = Period::parse(p)?;
    let month = match p.span {
        Span::Year => 1,
        Span::Half(h) => (h - 1) * 6 + 1,
        Span::Quarter(q) => (q - 1) * 3 + 1,
        Span::Month(m) => m,
    };
    Some((p.year, month))
}

/// Line up results, oldest first. Results whose periods are known must be
/// in order: a later one may not start before an earlier one.
pub fn trend(results: &[PeriodResult]) -> Result<Trend, Diagnostics> {
    let mut errs = Diagnostics::new();
    for w in results.windows(2) {
        let start = |r: &PeriodResult| r.period.as_deref().and_then(period_start);
        if let (Some(a), Some(b)) = (start(&w[0]), start(&w[1]))
            && b < a
        {
            errs.push(Diagnostic::file(
                &w[1].source,
                crate::base::lang::msg!(
                    zh: "考核期 {} 排在更晚的考核期 {}（{}）之后：请按从早到晚的顺序提供结果",
                    en: "period {} is listed after the later period {} ({}): give the results oldest first",
                    w[1].label(),
                    w[0].label(),
                    w[0].source
                ),
            ));
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut ids: Vec<(usize, usize, String)> = Vec::new(); // (periods back from last, rank, id)
    for (back, r) in results.iter().rev().enumerate() {
        for u in &r.units {
            if !ids.iter().any(|(_, _, id)| *id == u.unit) {
                ids.push((back, u.rank, u.unit.clone()));
            }
        }
    }
    ids.sort();
    let units = ids
        .into_iter()
        .map(|(_, _, id)| {
            let recs: Vec<Option<&UnitRecord>> = results.iter().map(|r| r.unit(&id)).collect();
            let latest = recs.iter().rev().flatten().next().expect("listed because present");
            let (first, last) = (recs[0], recs[recs.len() - 1]);
            TrendRow {
                unit: id.clone(),
                name: latest.name.clone(),
                category: latest.category.clone().unwrap_or_default(),
                standings: recs.iter().map(|u| u.map(Standing::of)).collect(),
                delta: first.zip(last).map(|(f, l)| l.score - f.score),
                rank_change: first.zip(last).map(|(f, l)| f.rank as i64 - l.rank as i64),
            }
        })
        .collect();
    Ok(Trend {
        periods: results.iter().map(Side::of).collect(),
        units,
    })
}

/// The eight block heights of a sparkline, lowest first.
pub const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// A text sparkline of scores, scaled to their own min–max (so it shows
/// the shape of a unit's course, not its level): the lowest `▁`, the
/// highest `█`, all equal `▄`; a period without a score is a space.
pub fn sparkline(values: &[Option<Decimal>]) -> String {
    let present: Vec<Decimal> = values.iter().flatten().copied().collect();
    let (Some(min), Some(max)) = (present.iter().min(), present.iter().max()) else {
        return " ".repeat(values.len());
    };
    let span = *max - *min;
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if span.is_zero() => BARS[3],
            Some(v) => {
                let level = ((*v - *min) * Decimal::from(BARS.len() - 1) / span)
                    .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
                BARS[usize::try_from(level.mantissa()).unwrap_or(0).min(BARS.len() - 1)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// `(id, score, rank, grade, [(group, amount)], [deficient ids])`.
    type UnitSpec<'a> = (
        &'a str,
        &'a str,
        usize,
        &'a str,
        &'a [(&'a str, &'a str)],
        &'a [&'a str],
    );

    /// A result from a compact description: framework indicators
    /// `(id, group, points)` (groups A, B; base unless id starts with V),
    /// units `(id, score, rank, grade, [(group, amount)], [deficient ids])`.
    fn result(fw: &str, inds: &[(&str, &str, &str)], units: &[UnitSpec]) -> PeriodResult {
        let indicators: Vec<String> = inds
            .iter()
            .map(|(id, g, p)| {
                let kind = if id.starts_with('V') { "veto" } else { "base" };
                format!(r#"{{"id":"{id}","name":"{id}名","group":"{g}","kind":"{kind}","points":{p},"rule":"check"}}"#)
            })
            .collect();
        let units: Vec<String> = units
            .iter()
            .map(|(id, score, rank, grade, groups, defs)| {
                let groups: Vec<String> = groups
                    .iter()
                    .map(|(g, a)| format!(r#"{{"id":"{g}","amount":{a}}}"#))
                    .collect();
                let defs: Vec<String> = defs
                    .iter()
                    .map(|i| format!(r#"{{"indicator":"{i}","lost":1.00,"reason":"shortfall"}}"#))
                    .collect();
                format!(
                    r#"{{"unit":"{id}","name":"{id}单位","category":null,"rank":{rank},"category_rank":null,
                        "score":{score},"base":{score},"bonus":0,"penalty":0,"grade":"{grade}","veto":[],
                        "groups":[{}],"deficiencies":[{}]}}"#,
                    groups.join(","),
                    defs.join(",")
                )
            })
            .collect();
        let text = format!(
            r#"{{"schema":1,"period":null,"framework":{{"id":"{fw}","title":"T","total":10,"sha256":"{fw}",
                "grades":[{{"name":"好","min":90}},{{"name":"一般","min":60}},{{"name":"差","min":0}}],
                "groups":[{{"id":"A","name":"甲","parent":null,"points":5}},{{"id":"B","name":"乙","parent":null,"points":5}}],
                "indicators":[{}]}},"units":[{}]}}"#,
            indicators.join(","),
            units.join(",")
        );
        // Made-up figures (ranks, grades, totals) that need not add up:
        // these tests are about the bookkeeping.
        PeriodResult::parse_unverified(&text, fw).unwrap()
    }

    const IND: &[(&str, &str, &str)] = &[("A1", "A", "3"), ("A2", "A", "2"), ("B1", "B", "5")];

    #[test]
    fn a_result_against_itself_changes_nothing_and_every_problem_persists() {
        let r = result(
            "f",
            IND,
            &[
                ("U1", "92.00", 1, "好", &[("A", "4"), ("B", "5")], &["A1"]),
                ("U2", "70.50", 2, "一般", &[("A", "3"), ("B", "4")], &["A1", "A2", "B1"]),
            ],
        );
        let c = compare(&r, &r);
        assert!(c.framework.same && !c.framework.revised());
        for u in &c.units {
            assert_eq!(u.delta, Some(Decimal::ZERO));
            assert_eq!(u.rank_change, Some(0));
            assert_eq!(u.grade_move, Some(GradeMove::Same));
            assert!(u.drivers.is_empty());
            assert_eq!(u.count(Fate::Persisting), u.deficiencies.len());
        }
        let s = &c.summary;
        assert_eq!((s.resolved, s.new, s.persisting, s.dropped), (0, 0, 4, 0));
        assert_eq!(s.rectification_rate(), Some(d("0.0000")));
        assert_eq!((s.mean_delta, s.median_delta), (Some(d("0.00")), Some(d("0.00"))));
        assert!(s.risers.is_empty() && s.fallers.is_empty());
    }

    #[test]
    fn deficiencies_resolved_new_persisting_and_dropped() {
        let old = result(
            "f1",
            &[("A1", "A", "3"), ("A2", "A", "2"), ("B1", "B", "5"), ("B9", "B", "0")],
            &[("U1", "80.00", 1, "一般", &[("A", "3"), ("B", "5")], &["A1", "A2", "B9"])],
        );
        let new = result(
            "f2",
            IND,
            &[("U1", "85.50", 1, "一般", &[("A", "4.5"), ("B", "4")], &["A2", "B1"])],
        );
        let c = compare(&old, &new);
        let u = &c.units[0];
        assert_eq!(u.ids(Fate::Resolved), ["A1"]);
        assert_eq!(u.ids(Fate::Persisting), ["A2"]);
        assert_eq!(u.ids(Fate::New), ["B1"]);
        assert_eq!(u.ids(Fate::Dropped), ["B9"]);
        assert_eq!(u.rectification_rate(), Some(d("0.5000")));
        // Drivers sum to the change: +1.5 A, −1 B, +5 rescaling/other.
        let effects: Vec<(Mover, Decimal)> = u.drivers.iter().map(|x| (x.mover.clone(), x.effect)).collect();
        assert_eq!(
            effects,
            [
                (Mover::Other, d("5.00")),
                (Mover::Group("A".into(), "甲".into()), d("1.5")),
                (Mover::Group("B".into(), "乙".into()), d("-1")),
            ]
        );
        assert_eq!(u.drivers.iter().map(|x| x.effect).sum::<Decimal>(), u.delta.unwrap());
        assert_eq!(c.framework.removed(), 1);
        assert_eq!(c.framework.indicators[0].id, "B9");
    }

    #[test]
    fn framework_revisions_are_counted() {
        let old = result("f1", &[("A1", "A", "3"), ("A2", "A", "2"), ("B1", "B", "5")], &[]);
        let new = result("f2", &[("A1", "A", "2"), ("A3", "A", "1"), ("B1", "A", "5")], &[]);
        let f = compare(&old, &new).framework;
        assert!(!f.same);
        assert_eq!(
            (f.added(), f.removed(), f.repointed(), f.regrouped(), f.rule_changed()),
            (1, 1, 1, 1, 0)
        );
        assert_eq!(f.changed(), 4);
        let order: Vec<(&str, &str)> = f.indicators.iter().map(|r| (r.id.as_str(), r.change())).collect();
        assert_eq!(
            order,
            [("A1", "changed"), ("A3", "added"), ("B1", "changed"), ("A2", "removed")]
        );
    }

    #[test]
    fn units_added_and_removed() {
        let old = result(
            "f",
            IND,
            &[
                ("U1", "90.00", 1, "好", &[], &["A1"]),
                ("U2", "80.00", 2, "一般", &[], &["A1"]),
            ],
        );
        let new = result(
            "f",
            IND,
            &[
                ("U3", "95.00", 1, "好", &[], &["B1"]),
                ("U1", "85.00", 2, "一般", &[], &[]),
            ],
        );
        let mut c = compare(&old, &new);
        let order = |c: &Comparison| c.units.iter().map(|u| (u.unit.clone(), u.presence)).collect::<Vec<_>>();
        assert_eq!(
            order(&c),
            [
                ("U1".into(), Presence::Present),
                ("U3".into(), Presence::Added),
                ("U2".into(), Presence::Removed)
            ]
        );
        let s = &c.summary;
        assert_eq!((s.compared, s.added, s.removed), (1, 1, 1));
        // Only units in both periods count toward rectification.
        assert_eq!((s.resolved, s.new, s.persisting), (1, 0, 0));
        assert_eq!(
            s.grades[0],
            GradeCount {
                name: "好".into(),
                old: 1,
                new: 1
            }
        );
        assert_eq!(s.grade_down, 1);
        sort(&mut c.units, SortKey::Rank);
        assert_eq!(
            c.units.iter().map(|u| u.unit.as_str()).collect::<Vec<_>>(),
            ["U3", "U1", "U2"]
        );
        sort(&mut c.units, SortKey::Unit);
        assert_eq!(
            c.units.iter().map(|u| u.unit.as_str()).collect::<Vec<_>>(),
            ["U1", "U2", "U3"]
        );
        sort(&mut c.units, SortKey::Delta);
        assert_eq!(
            c.units.iter().map(|u| u.unit.as_str()).collect::<Vec<_>>(),
            ["U1", "U3", "U2"]
        );
    }

    #[test]
    fn exact_mean_median_and_rate() {
        let v: Vec<Decimal> = ["1.00", "-2.04", "3.01", "0.50"].iter().map(|s| d(s)).collect();
        assert_eq!(mean(&v), Some(d("0.62"))); // 2.47 / 4 = 0.6175
        assert_eq!(median(&v), Some(d("0.75")));
        assert_eq!(median(&v[..3]), Some(d("1.00")));
        assert_eq!(mean(&[]), None);
        assert_eq!(rate(279, 27), Some(d("0.9118")));
        assert_eq!(rate(1, 0), Some(d("1.0000")));
        assert_eq!(rate(0, 0), None);
    }

    #[test]
    fn sparklines_scale_to_the_unit_own_range() {
        let s = |v: &[Option<&str>]| sparkline(&v.iter().map(|x| x.map(d)).collect::<Vec<_>>());
        assert_eq!(s(&[Some("80"), Some("90")]), "▁█");
        assert_eq!(s(&[Some("80"), Some("85"), Some("90"), Some("70")]), "▅▆█▁");
        assert_eq!(s(&[Some("80"), None, Some("80")]), "▄ ▄");
        assert_eq!(s(&[None, None]), "  ");
    }

    #[test]
    fn trend_orders_units_and_checks_period_order() {
        let mut a = result(
            "f",
            IND,
            &[
                ("U1", "80.00", 1, "一般", &[], &[]),
                ("U2", "70.00", 2, "一般", &[], &[]),
            ],
        );
        let mut b = result(
            "f",
            IND,
            &[("U2", "91.00", 1, "好", &[], &[]), ("U3", "85.00", 2, "一般", &[], &[])],
        );
        a.period = Some("2022".into());
        b.period = Some("2023".into());
        let t = trend(&[a.clone(), b.clone()]).unwrap();
        let rows: Vec<(&str, Option<Decimal>, Option<i64>)> = t
            .units
            .iter()
            .map(|r| (r.unit.as_str(), r.delta, r.rank_change))
            .collect();
        assert_eq!(
            rows,
            [
                ("U2", Some(d("21.00")), Some(1)),
                ("U3", None, None),
                ("U1", None, None)
            ]
        );
        let e = trend(&[b, a]).unwrap_err().to_string();
        assert_eq!(
            e,
            "f: period 2022 is listed after the later period 2023 (f): give the results oldest first"
        );
    }

    mod invariants {
        use super::*;
        use proptest::prelude::*;

        /// A unit: score in cents, group amounts in cents, deficient indicators.
        fn unit() -> impl Strategy<Value = (u32, u32, u32, Vec<bool>)> {
            (
                0u32..10_000,
                0u32..500,
                0u32..500,
                proptest::collection::vec(any::<bool>(), 3),
            )
        }

        /// One generated unit as text, for `result`.
        struct Owned {
            id: String,
            score: String,
            rank: usize,
            groups: Vec<(String, String)>,
            defs: Vec<&'static str>,
        }

        fn build(units: &[(u32, u32, u32, Vec<bool>)], present: &[bool]) -> PeriodResult {
            let cents = |c: u32| format!("{}.{:02}", c / 100, c % 100);
            let owned: Vec<Owned> = units
                .iter()
                .enumerate()
                .filter(|(i, _)| present[*i])
                .map(|(i, (score, a, b, defs))| Owned {
                    id: format!("U{i}"),
                    score: cents(*score),
                    rank: i + 1,
                    groups: vec![("A".to_string(), cents(*a)), ("B".to_string(), cents(*b))],
                    defs: ["A1", "A2", "B1"]
                        .into_iter()
                        .zip(defs)
                        .filter(|(_, d)| **d)
                        .map(|(id, _)| id)
                        .collect(),
                })
                .collect();
            let groups: Vec<Vec<(&str, &str)>> = owned
                .iter()
                .map(|u| u.groups.iter().map(|(g, a)| (g.as_str(), a.as_str())).collect())
                .collect();
            let spec: Vec<UnitSpec> = owned
                .iter()
                .zip(&groups)
                .map(|(u, g)| (u.id.as_str(), u.score.as_str(), u.rank, "一般", &g[..], &u.defs[..]))
                .collect();
            result("f", IND, &spec)
        }

        proptest! {
            #[test]
            fn bookkeeping_adds_up(
                old in proptest::collection::vec(unit(), 1..6),
                new in proptest::collection::vec(unit(), 1..6),
                in_old in proptest::collection::vec(any::<bool>(), 6),
                in_new in proptest::collection::vec(any::<bool>(), 6),
            ) {
                let (a, b) = (build(&old, &in_old), build(&new, &in_new));
                let c = compare(&a, &b);
                prop_assert_eq!(c.units.len(), {
                    let mut ids: Vec<&str> = a.units.iter().chain(&b.units).map(|u| u.unit.as_str()).collect();
                    ids.sort();
                    ids.dedup();
                    ids.len()
                });
                for u in c.units.iter().filter(|u| u.presence == Presence::Present) {
                    let o = a.unit(&u.unit).unwrap();
                    let n = b.unit(&u.unit).unwrap();
                    // What moved the score adds up to the change.
                    prop_assert_eq!(u.drivers.iter().map(|d| d.effect).sum::<Decimal>(), u.delta.unwrap());
                    // Every old problem has one fate; every new one is new or persisting.
                    prop_assert_eq!(
                        u.count(Fate::Resolved) + u.count(Fate::Persisting) + u.count(Fate::Dropped),
                        o.deficiencies.len()
                    );
                    prop_assert_eq!(u.count(Fate::New) + u.count(Fate::Persisting), n.deficiencies.len());
                    if let Some(r) = u.rectification_rate() {
                        prop_assert!(r >= Decimal::ZERO && r <= Decimal::ONE);
                    }
                }
                // A period against itself: nothing moves, every problem persists.
                let same = compare(&a, &a);
                prop_assert!(same.units.iter().all(|u| u.delta == Some(Decimal::ZERO) && u.drivers.is_empty()));
                prop_assert_eq!(same.summary.persisting, a.units.iter().map(|u| u.deficiencies.len()).sum::<usize>());
                prop_assert_eq!(same.summary.resolved + same.summary.new + same.summary.dropped, 0);
            }
        }
    }
}
