//! Items a unit assessed higher than the team did (自评偏高, `--self`).

use super::*;

/// One item a unit assessed higher than the team did (自评偏高).
#[derive(Debug, Clone, PartialEq)]
pub struct SelfHigher {
    /// Index into the assessment's units.
    pub unit: usize,
    /// Index into `Framework::indicators`.
    pub indicator: usize,
    /// The unit's own amount and the team's (for a penalty, what was taken
    /// off, as a negative number).
    pub own: Decimal,
    pub team: Decimal,
}

/// Every item a unit (of `units`, or all when empty) self-assessed above
/// the team's amount, units in assessment order, items in framework
/// order. A penalty is what was taken off: self-assessed lower than the
/// team found is the same over-rating seen from the other side, so its
/// amounts are negated.
pub fn self_higher_items(fw: &Framework, a: &Assessment, units: &[String]) -> Vec<SelfHigher> {
    let mut out = Vec::new();
    for (k, u) in a.units.iter().enumerate() {
        if !(units.is_empty() || units.contains(&u.unit)) {
            continue;
        }
        let Some(m) = &u.self_assessed else { continue };
        for r in &u.indicators {
            let ind = &fw.indicators[r.index];
            let (Some(own), Some(team)) = (m.amounts[r.index], r.amount()) else {
                continue;
            };
            let (own, team) = if ind.kind == Kind::Penalty {
                (-own, -team)
            } else {
                (own, team)
            };
            if own > team {
                out.push(SelfHigher {
                    unit: k,
                    indicator: r.index,
                    own,
                    team,
                });
            }
        }
    }
    out
}

/// The items of [`self_higher_items`] as a table: unit, name, indicator,
/// its name, self, team, gap.
pub fn self_higher_table(fw: &Framework, a: &Assessment, units: &[String], lang: Lang) -> Table {
    let mut t = Table::new(&[
        (lang.pick("单位", "Unit"), false),
        (lang.pick("名称", "Name"), false),
        (lang.pick("指标", "Indicator"), false),
        (lang.pick("指标名称", "Indicator name"), false),
        (lang.pick("自评", "Self"), true),
        (lang.pick("考核组", "Team"), true),
        (lang.pick("差值", "Gap"), true),
    ]);
    for x in self_higher_items(fw, a, units) {
        let (u, ind) = (&a.units[x.unit], &fw.indicators[x.indicator]);
        let shown = |d: Decimal| {
            if ind.kind == Kind::Penalty {
                crate::base::num::signed2(d)
            } else {
                fmt2(d)
            }
        };
        t.push(vec![
            u.unit.clone(),
            u.name.clone(),
            ind.id.clone(),
            ind.name.clone(),
            shown(x.own),
            shown(x.team),
            crate::base::num::signed2(x.own - x.team),
        ]);
    }
    t
}

/// The heading of the 自评偏高 section.
pub fn self_higher_head(lang: Lang) -> &'static str {
    lang.pick(
        "自评偏高（自评得分高于考核组评分的项目，供反馈）",
        "Self-assessed higher (items the unit scored above the team's amount, for feedback)",
    )
}

/// 自评偏高: the items whose self-assessed amount is above the team's, for
/// feedback to each unit (only `units` when given), as a section after a
/// rectification list (table and Markdown).
pub fn self_higher(fw: &Framework, a: &Assessment, units: &[String], lang: Lang, format: Format) -> String {
    let t = self_higher_table(fw, a, units, lang);
    let head = self_higher_head(lang);

    let n = t.rows.len();
    match format {
        Format::Md => format!(
            "\n## {head}\n\n{}",
            if n == 0 {
                format!("{}\n", lang.pick("无。", "None."))
            } else {
                t.to_markdown()
            }
        ),
        _ => format!(
            "\n{head}\n{}",
            if n == 0 {
                format!("{}\n", lang.pick("无", "none"))
            } else {
                t.to_terminal()
            }
        ),
    }
}
