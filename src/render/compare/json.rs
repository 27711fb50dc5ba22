//! The JSON documents of `diff` and `trend` (schema in docs/compare.md).

use crate::base::num::round2;
use crate::engine::compare::{Comparison, Fate, GradeMove, Side, Trend};
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

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

fn def_doc(i: &crate::reading::result::IndicatorDef) -> IndicatorDefDoc<'_> {
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
