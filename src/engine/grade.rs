//! Grades as assessment rules decide them (考核办法), after the score.
//!
//! A score gives a grade by the bands of `[[grade]]`; the rules of a
//! framework then lower it, in this order: a veto gives the lowest grade;
//! a grade's conditions (`max_zero`: 优秀需各单项不为0分) send a unit that
//! fails them to the next grade whose conditions it meets; a triggered cap
//! item (被问责的不得评为好) limits the grade; quotas (优秀不超过20%) keep
//! a grade for the best units of the scope up to the limit and move the
//! rest down, best grade first. Ranks stay by score.
//!
//! Quotas need every unit's grade, so this runs once over the ranked units,
//! whatever read and scored them.

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::model::framework::{Framework, QuotaRound, QuotaScope, QuotaTies};
use crate::model::{GradeReason, Totals, UnitResult};
use crate::reading::units::Units;
use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

/// The grade the score alone gives: by the bands, from the score before a
/// veto fixed it.
pub fn by_score(fw: &Framework, t: &Totals) -> usize {
    fw.grade_index(t.unfixed)
}

/// The grade after the rules that concern the unit alone (veto, conditions,
/// caps), with the last rule that lowered it.
pub fn own_grade(fw: &Framework, t: &Totals) -> (usize, Option<GradeReason>) {
    let lowest = fw.grades.len() - 1;
    if !t.veto.is_empty() {
        return (lowest, Some(GradeReason::Veto));
    }
    let mut g = by_score(fw, t);
    let mut reason = None;
    while g < lowest && fw.grades[g].max_zero.is_some_and(|n| t.zeros > n) {
        g += 1;
        reason = Some(GradeReason::Condition);
    }
    if let Some(limit) = t.caps.iter().filter_map(|&i| fw.indicators[i].max_grade).max()
        && limit > g
    {
        g = limit;
        reason = Some(GradeReason::Cap);
    }
    (g, reason)
}

/// Every unit's final grade, `grade_change` set where a rule changed it.
/// `units` are in rank order.
pub fn apply(fw: &Framework, units: &mut [UnitResult]) {
    let mut grades: Vec<(usize, Option<GradeReason>)> = units.iter().map(|u| own_grade(fw, &u.totals)).collect();
    quotas(fw, units, &mut grades, &mut |_| {});
    for (u, (g, reason)) in units.iter_mut().zip(grades) {
        u.grade = g;
        u.grade_change = reason.map(|r| (by_score(fw, &u.totals), r));
    }
}

/// How one grade's quota went in one scope.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaUse {
    /// The category, when quotas count per category.
    pub scope: Option<String>,
    /// Index into `Framework::grades`.
    pub grade: usize,
    /// Units in the scope (vetoed ones included).
    pub n: usize,
    /// How many may hold the grade.
    pub allowed: usize,
    /// How many reached it before the quota (by score and the other rules).
    pub reached: usize,
    /// Those moved down, in rank order (indices into the units).
    pub moved: Vec<usize>,
}

/// What every quota allowed and whom it moved, per scope, best grade
/// first: for reports. `units` are the ranked, graded units.
pub fn quota_uses(fw: &Framework, units: &[UnitResult]) -> Vec<QuotaUse> {
    let mut grades: Vec<(usize, Option<GradeReason>)> = units.iter().map(|u| own_grade(fw, &u.totals)).collect();
    let mut out = Vec::new();
    quotas(fw, units, &mut grades, &mut |q| out.push(q));
    out
}

/// How many units of `n` a share allows.
pub fn allowed(n: usize, share: Decimal, round: QuotaRound) -> usize {
    let exact = Decimal::from(n) * share;
    let whole = match round {
        QuotaRound::Down => exact.floor(),
        QuotaRound::HalfUp => exact.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero),
    };
    usize::try_from(whole).unwrap_or(n).min(n)
}

/// Apply the quotas to `grades` (one per unit, in rank order), telling
/// `seen` how each went.
fn quotas(
    fw: &Framework,
    units: &[UnitResult],
    grades: &mut [(usize, Option<GradeReason>)],
    seen: &mut dyn FnMut(QuotaUse),
) {
    if fw.grades.iter().all(|g| g.quota.is_none()) {
        return;
    }
    let rules = &fw.grade_rules;
    let scopes: Vec<(Option<String>, Vec<usize>)> = match rules.quota_scope {
        QuotaScope::All => vec![(None, (0..units.len()).collect())],
        QuotaScope::Category => {
            let mut by: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, u) in units.iter().enumerate() {
                by.entry(u.category.as_str()).or_default().push(i);
            }
            by.into_iter().map(|(c, v)| (Some(c.to_string()), v)).collect()
        }
    };
    let lowest = fw.grades.len() - 1;
    for (scope, members) in scopes {
        let n = members.len();
        for k in 0..lowest {
            let Some(q) = &fw.grades[k].quota else { continue };
            let limit = allowed(n, q.share, rules.quota_round);
            let holders: Vec<usize> = members.iter().copied().filter(|&i| grades[i].0 == k).collect();
            let mut keep = holders.len().min(limit);
            if holders.len() > limit && limit > 0 {
                let edge = units[holders[limit]].totals.score;
                if units[holders[limit - 1]].totals.score == edge {
                    let score = |&i: &usize| units[i].totals.score;
                    keep = match rules.quota_ties {
                        QuotaTies::Demote => holders.iter().position(|i| score(i) == edge).unwrap_or(limit),
                        QuotaTies::Keep => holders.iter().rposition(|i| score(i) == edge).map_or(limit, |p| p + 1),
                    };
                }
            }
            let moved = holders[keep..].to_vec();
            for &i in &moved {
                grades[i] = (k + 1, Some(GradeReason::Quota));
            }
            seen(QuotaUse {
                scope: scope.clone(),
                grade: k,
                n,
                allowed: limit,
                reached: holders.len(),
                moved,
            });
        }
    }
}

/// Quotas counted per category need every unit to have one: checked
/// before anything is scored.
pub fn check_units(fw: &Framework, units: Option<&Units>) -> Result<(), Diagnostics> {
    let rules = &fw.grade_rules;
    if rules.quota_scope != QuotaScope::Category || fw.grades.iter().all(|g| g.quota.is_none()) {
        return Ok(());
    }
    let at = |msg: String| Diagnostic::at(&fw.path, rules.quota_scope_line, msg);
    let Some(units) = units.filter(|u| u.has_categories()) else {
        return Err(Diagnostics(vec![at(
            crate::base::lang::m(
                "quota_scope = \"category\" 要求按类别分别计算等次比例，需要带“类别”列的单位名单（-u 单位.csv）",
                "quota_scope = \"category\" counts quotas per category: give a units file with a category column (-u units.csv)",
            )
            .to_string(),
        )]));
    };
    let mut errs = Diagnostics::new();
    for (id, info) in &units.units {
        if info.category.trim().is_empty() {
            errs.push(Diagnostic::at(
                &units.path,
                info.line,
                crate::base::lang::msg!(
                    zh: "单位 {id} 没有填写类别，而考核方案按类别分别计算等次比例（quota_scope = \"category\"）",
                    en: "unit {id} has no category, and the framework counts grade quotas per category (quota_scope = \"category\")"
                ),
            ));
        }
    }
    errs.into_result(())
}

/// A unit's grade in words, with what the score alone gave and why where a
/// rule changed it: `良好（按分数为优秀，超出比例）`.
pub fn grade_text(fw: &Framework, u: &UnitResult, lang: crate::base::lang::Lang) -> String {
    let grade = &fw.grades[u.grade].name;
    match u.grade_change {
        None => grade.clone(),
        Some((by, reason)) if by == u.grade => match lang {
            crate::base::lang::Lang::Zh => format!("{grade}（{}）", reason.label(lang)),
            crate::base::lang::Lang::En => format!("{grade} ({})", reason.label(lang)),
        },
        Some((by, reason)) => {
            let by = &fw.grades[by].name;
            match lang {
                crate::base::lang::Lang::Zh => format!("{grade}（按分数为{by}，{}）", reason.label(lang)),
                crate::base::lang::Lang::En => format!("{grade} (score gives {by}; {})", reason.label(lang)),
            }
        }
    }
}

/// What each quota allowed and whom it moved, a line per grade and scope:
/// `等次比例：优秀不超过20%，15个单位最多3个；按得分达到5个，T03、T04 降为良好`.
pub fn quota_lines(fw: &Framework, units: &[UnitResult], lang: crate::base::lang::Lang) -> Vec<String> {
    let zh = lang == crate::base::lang::Lang::Zh;
    quota_uses(fw, units)
        .into_iter()
        .map(|q| {
            let g = &fw.grades[q.grade];
            let share = g.quota.as_ref().map_or(String::new(), |x| x.text.clone());
            let scope = match &q.scope {
                Some(c) if zh => format!("（{c}）"),
                Some(c) => format!(" ({c})"),
                None => String::new(),
            };
            let moved: Vec<&str> = q.moved.iter().map(|&i| units[i].unit.as_str()).collect();
            let next = &fw.grades[q.grade + 1].name;
            let (name, n, allowed, reached) = (&g.name, q.n, q.allowed, q.reached);
            // Past the limit with none moved: those past it tie with those
            // within it, and ties are kept (`quota_ties = "keep"`).
            let kept = moved.is_empty() && reached > allowed;
            match (zh, moved.is_empty()) {
                (true, true) if kept => format!(
                    "等次比例{scope}：{name}不超过{share}，{n}个单位最多{allowed}个；达到{reached}个，超出的与名额内的并列，均保留"
                ),
                (false, true) if kept => format!(
                    "quota{scope}: {name} at most {share}, {allowed} of {n} units; {reached} reached it, those past the limit tie with those within it and are kept"
                ),
                (true, true) => format!(
                    "等次比例{scope}：{name}不超过{share}，{n}个单位最多{allowed}个；达到{reached}个，未超出"
                ),
                (true, false) => format!(
                    "等次比例{scope}：{name}不超过{share}，{n}个单位最多{allowed}个；达到{reached}个，{} 降为{next}",
                    moved.join("、")
                ),
                (false, true) => format!(
                    "quota{scope}: {name} at most {share}, {allowed} of {n} units; {reached} reached it, none moved"
                ),
                (false, false) => format!(
                    "quota{scope}: {name} at most {share}, {allowed} of {n} units; {reached} reached it, {} moved to {next}",
                    moved.join(", ")
                ),
            }
        })
        .collect()
}

/// The lines that reconcile a unit's grade with its score (`explain`):
/// each grade rule that applied, and what it did.
pub fn grade_lines(fw: &Framework, units: &[UnitResult], at: usize, lang: crate::base::lang::Lang) -> Vec<String> {
    let u = &units[at];
    let zh = lang == crate::base::lang::Lang::Zh;
    let t = &u.totals;
    let mut lines = Vec::new();
    let by = by_score(fw, t);
    let lowest = fw.grades.len() - 1;
    if t.veto.is_empty() {
        // Conditions, as own_grade walks them.
        let mut g = by;
        while g < lowest && fw.grades[g].max_zero.is_some_and(|n| t.zeros > n) {
            let (name, n, z, next) = (
                &fw.grades[g].name,
                fw.grades[g].max_zero.unwrap_or(0),
                t.zeros,
                &fw.grades[g + 1].name,
            );
            lines.push(if zh {
                format!("等次条件：{name}要求得0分的基础指标不超过{n}个，本单位有{z}个 → {next}")
            } else {
                format!("condition: {name} allows at most {n} base items at 0 points, the unit has {z} → {next}")
            });
            g += 1;
        }
        for &c in &t.caps {
            let ind = &fw.indicators[c];
            let top = ind.max_grade_name.as_deref().unwrap_or_default();
            lines.push(if zh {
                format!("等次限制：{} {} → 最高评为{top}", ind.id, ind.name)
            } else {
                format!("grade cap: {} {} → at most {top}", ind.id, ind.name)
            });
        }
    }
    if u.grade_change.is_some_and(|c| c.1 == GradeReason::Quota) {
        for q in quota_uses(fw, units) {
            if q.moved.contains(&at) {
                let name = &fw.grades[q.grade].name;
                let next = &fw.grades[q.grade + 1].name;
                let pos = q.allowed;
                lines.push(if zh {
                    format!("等次比例：{name}在{}个单位中最多{pos}个，本单位未在其内 → {next}", q.n)
                } else {
                    format!(
                        "quota: {name} for at most {pos} of {} units, not this one → {next}",
                        q.n
                    )
                });
            }
        }
    }
    lines
}
