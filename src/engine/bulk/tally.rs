//! Scoring a unit's cells: its sums and totals in integer cents.

use super::*;

/// What scoring one unit's cells gives, in cents.
pub(super) struct Scored {
    pub(super) totals: Totals,
    pub(super) groups: Vec<Decimal>,
}

pub(super) fn dec(c: u64) -> Decimal {
    Decimal::new(c as i64, 2)
}

/// Score one unit from its cells: each item's outcome in cents
/// ([`outcome`]), summed by [`crate::engine::score::sum_outcomes`] and made totals
/// by [`Totals::from_sums`], as on every path. `category` is the unit's.
pub(super) fn score_unit(plan: &Plan, row: &[u32], category: &str, known: &mut Known) -> Res<Scored> {
    let mut groups = vec![0u64; plan.fw.groups.len()];
    let (mut veto, mut caps) = (Vec::new(), Vec::new());
    // What is a problem of the run ([`Flaw`]), this path gives
    // up on, to be found again and worded by `problems::after_scoring`.
    let mut flaws = Vec::new();
    let sums = sums_noting(
        plan,
        row,
        category,
        &mut groups,
        &mut veto,
        &mut caps,
        &mut flaws,
        known,
    )?;
    if !flaws.is_empty() {
        return Err(GiveUp);
    }
    if sums.applicable == 0 {
        return Err(GiveUp); // every base item 不适用: said by `problems::after_scoring`
    }
    Ok(Scored {
        totals: Totals::from_sums(plan.fw, sums.map(dec), veto, caps),
        groups: groups.into_iter().map(dec).collect(),
    })
}

/// A problem of a unit's cells found while scoring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Flaw {
    /// A value for an item the unit's category is not assessed on
    /// (`applies_to`), at the item's first slot given a value.
    Outside { ind: usize, slot: usize },
    /// 不适用 for some clauses of an item only, at its first 不适用.
    Partial { ind: usize, slot: usize },
    /// Every base item 不适用.
    AllExempt,
    /// A base item without evidence under `missing = "error"`: its slots
    /// lacking, and its first slot given a row (a clause given, or an
    /// empty value), where it is said.
    Missing {
        ind: usize,
        lacking: Vec<usize>,
        at: Option<usize>,
    },
}

/// A unit's sums in cents from its cells, with its amounts per group added
/// to `groups` and its triggered vetoes and caps to `veto` and `caps`, and
/// each problem of the cells found while scoring pushed
/// onto `flaws` (不适用 for some clauses only, a base item missing under
/// `missing = "error"`), in the indicators' order. Clause items' outcomes
/// are taken from `known` where worked out before.
#[allow(clippy::too_many_arguments)]
pub(super) fn sums_noting(
    plan: &Plan,
    row: &[u32],
    category: &str,
    groups: &mut [u64],
    veto: &mut Vec<usize>,
    caps: &mut Vec<usize>,
    flaws: &mut Vec<Flaw>,
    known: &mut Known,
) -> Res<crate::engine::score::Sums<u64>> {
    let fw = plan.fw;
    let mut failed = false;
    let outcomes = fw.indicators.iter().enumerate().map(|(i, ind)| {
        let first = plan.first[i];
        let Some(cells) = row.get(first..first + ind.slots()) else {
            failed = true;
            return Outcome::Missing;
        };
        let na = cells.iter().filter(|&&c| exempt(c)).count();
        // 不适用 must cover every clause given.
        if na > 0 && na < cells.iter().filter(|&&c| exempt(c) || c >= VALUE).count() {
            let slot = cells.iter().position(|&c| c == NA).unwrap_or_default();
            flaws.push(Flaw::Partial { ind: i, slot });
        }
        let o = known.outcome(plan, i, cells, category).unwrap_or_else(|_| {
            failed = true;
            Outcome::Missing
        });
        if o == Outcome::Missing && ind.kind == Kind::Base && fw.missing == Missing::Error {
            // A rater item's rows are the raters', not the item's cells.
            let rows = ind.raters.is_none();
            flaws.push(Flaw::Missing {
                ind: i,
                lacking: (0..cells.len()).filter(|&s| cells[s] < NA).collect(),
                at: cells.iter().position(|&c| kernel::has_row(c)).filter(|_| rows),
            });
        }
        o
    });
    let points = |i: usize| plan.slots[plan.first[i]].pc;
    let sums = crate::engine::score::sum_outcomes(fw, outcomes, points, groups, veto, caps);
    if failed {
        return Err(GiveUp);
    }
    Ok(sums)
}

/// The outcomes of items of several cells (clause items) already worked
/// out, by item, rule and cells. Units' clause counts repeat (most are
/// 0), and working one out takes exact fractions and two vectors: each is
/// worked out once by each holder (a worker scoring, a unit in full).
#[derive(Default)]
pub(super) struct Known {
    /// The key being looked up: item, rule for the category, cells.
    key: Vec<u32>,
    map: FastMap<Box<[u32]>, Outcome<u64>>,
}

impl Known {
    /// More than this many are not kept (the counts of a province's units
    /// repeat far sooner).
    const MOST: usize = 1 << 14;

    /// Item `i`'s outcome from `cells`, as [`outcome`] gives it.
    pub(super) fn outcome(&mut self, plan: &Plan, i: usize, cells: &[u32], category: &str) -> Res<Outcome<u64>> {
        if cells.len() == 1 {
            return outcome(plan, i, cells, category);
        }
        let ind = &plan.fw.indicators[i];
        // The rule for the category: an item's own for it, or its rule.
        let rule = ind.by_category.iter().position(|(c, _)| c == category);
        self.key.clear();
        self.key.push(i as u32);
        self.key.push(rule.map_or(u32::MAX, |r| r as u32));
        self.key.extend_from_slice(cells);
        if let Some(o) = self.map.get(&self.key[..]) {
            return Ok(o.clone());
        }
        let o = outcome(plan, i, cells, category)?;
        if self.map.len() < Self::MOST {
            self.map.insert(self.key.clone().into_boxed_slice(), o.clone());
        }
        Ok(o)
    }
}

/// An indicator's outcome in cents from its cells, as
/// [`crate::engine::score::evaluate`] gives it from the values: 不适用 in any cell
/// exempts it; a veto or cap fires on its one cell; a cell without a
/// value makes it missing; an amount cell holds the amount, clause cells
/// the counts the amount is computed from, by the rule for the unit's
/// `category` (`by_category`).
pub(super) fn outcome(plan: &Plan, i: usize, cells: &[u32], category: &str) -> Res<Outcome<u64>> {
    let ind = &plan.fw.indicators[i];
    let mut failed = false;
    let amount = || {
        if let [c] = cells
            && plan.amount_cell(i)
        {
            return Some(u64::from(c - VALUE));
        }
        // Clause items: the cells hold the counts. The item's amount, not
        // the rule's: a bonus or penalty item adds its clauses up where a
        // base item deducts them.
        let values: Vec<Value> = cells
            .iter()
            .map(|&c| Value::Number(crate::base::num::Exact::from(u64::from(c - VALUE))))
            .collect();
        let refs: Vec<&Value> = values.iter().collect();
        let a = cents(ind.amount_in(category, &refs)?);
        failed = a.is_err();
        a.ok()
    };
    let o = crate::engine::score::decide(ind, cells, |&c| exempt(c), |&c| c == VALUE + 1, |&c| c >= VALUE, amount);
    if failed { Err(GiveUp) } else { Ok(o) }
}
