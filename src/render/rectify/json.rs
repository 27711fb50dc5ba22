//! The list as a JSON document (docs/deficiencies.md).

use super::*;

#[derive(Serialize)]
pub struct FrameworkRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
}

#[derive(Serialize)]
pub struct ListDoc<'a> {
    pub period: Option<&'a str>,
    pub framework: FrameworkRef<'a>,
    pub units: Vec<UnitDoc<'a>>,
    pub deficiencies: Vec<ItemDoc<'a>>,
    /// With `--self`: the items each listed unit assessed above the team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_higher: Option<Vec<SelfHigherDoc<'a>>>,
}

/// An item a unit assessed higher than the team (自评偏高). For a penalty
/// the amounts are what was taken off, negated.
#[derive(Serialize)]
pub struct SelfHigherDoc<'a> {
    pub unit: &'a str,
    pub unit_name: &'a str,
    pub indicator: &'a str,
    pub indicator_name: &'a str,
    #[serde(rename = "self")]
    pub own: Decimal,
    pub team: Decimal,
    pub gap: Decimal,
}

#[derive(Serialize)]
pub struct UnitDoc<'a> {
    pub unit: &'a str,
    pub name: &'a str,
    pub category: Option<&'a str>,
    pub rank: usize,
    pub score: Decimal,
    pub grade: &'a str,
    pub next_grade: Option<NextGradeDoc<'a>>,
}

#[derive(Serialize)]
pub struct NextGradeDoc<'a> {
    pub grade: &'a str,
    pub needed: Decimal,
    pub fixes: Vec<&'a str>,
    pub reachable: bool,
    /// The score once the fixes are made.
    pub score: Decimal,
    /// `veto`, `cap` or `quota` when nothing rectified lifts the unit.
    pub held: Option<&'static str>,
    /// Vetoes, caps and penalties that hold the unit down: no fixes.
    pub holding: Vec<&'a str>,
}

#[derive(Serialize)]
pub struct ItemDoc<'a> {
    pub no: usize,
    pub unit: &'a str,
    pub unit_name: &'a str,
    pub category: Option<&'a str>,
    pub indicator: &'a str,
    pub indicator_name: &'a str,
    pub group: Option<&'a str>,
    pub points: Option<Decimal>,
    pub amount: Option<Decimal>,
    pub lost: Option<Decimal>,
    /// A penalty's share of what penalties took off after the cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deducted: Option<Decimal>,
    pub reason: &'static str,
    pub value: Option<&'a str>,
    pub note: &'a str,
    pub standard: &'a str,
    pub remedy: &'a str,
    pub owner: &'a str,
    pub assessor: &'a str,
    pub deadline: Option<String>,
    pub status: &'static str,
}

/// The list as a JSON document.
pub fn list_doc<'a>(fw: &'a Framework, a: &'a Assessment, list: &List) -> ListDoc<'a> {
    ListDoc {
        period: a.period.as_deref(),
        framework: FrameworkRef {
            id: &fw.id,
            title: &fw.title,
        },
        units: list
            .units
            .iter()
            .map(|e| {
                let u = &a.units[e.unit];
                UnitDoc {
                    unit: &u.unit,
                    name: &u.name,
                    category: category(u),
                    rank: u.rank,
                    score: round2(u.totals.score),
                    grade: &fw.grades[u.grade].name,
                    next_grade: e.next.as_ref().map(|ng| NextGradeDoc {
                        grade: &fw.grades[ng.grade].name,
                        needed: round2(ng.needed),
                        fixes: ng.fixes.iter().map(|f| fw.indicators[f.index].id.as_str()).collect(),
                        reachable: ng.reachable,
                        score: round2(ng.score),
                        held: ng.held.map(Held::as_str),
                        holding: ng.holding.iter().map(|&i| fw.indicators[i].id.as_str()).collect(),
                    }),
                }
            })
            .collect(),
        deficiencies: list
            .items()
            .map(|(no, it)| {
                let u = &a.units[it.unit];
                let ind = &fw.indicators[it.index];
                let r = &u.indicators[it.index];
                ItemDoc {
                    no,
                    unit: &u.unit,
                    unit_name: &u.name,
                    category: category(u),
                    indicator: &ind.id,
                    indicator_name: &ind.name,
                    group: ind.group.map(|g| fw.groups[g].id.as_str()),
                    points: (!ind.kind.is_trigger()).then(|| constant(ind.points)),
                    amount: it.amount.map(round2),
                    lost: it.lost.map(round2),
                    deducted: it.deducted.map(round2),
                    reason: it.reason.as_str(),
                    value: r.value.as_deref(),
                    note: &r.note,
                    standard: &ind.standard,
                    remedy: &ind.remedy,
                    owner: &ind.owner,
                    assessor: &ind.assessor,
                    deadline: it.deadline.map(|d| d.to_string()),
                    status: STATUS,
                }
            })
            .collect(),
        self_higher: a.units.iter().any(|u| u.self_assessed.is_some()).then(|| {
            let listed: Vec<String> = list.unit_ids(a);
            self_higher_items(fw, a, &listed)
                .into_iter()
                .map(|x| {
                    let (u, ind) = (&a.units[x.unit], &fw.indicators[x.indicator]);
                    SelfHigherDoc {
                        unit: &u.unit,
                        unit_name: &u.name,
                        indicator: &ind.id,
                        indicator_name: &ind.name,
                        own: round2(x.own),
                        team: round2(x.team),
                        gap: round2(x.own - x.team),
                    }
                })
                .collect()
        }),
    }
}
