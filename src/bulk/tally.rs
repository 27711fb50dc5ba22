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

/// A unit's sums in cents, from which its totals follow.
#[derive(Debug, Clone, Copy)]
pub(super) struct Sums {
    pub(super) base_sum: u64,
    pub(super) applicable: u64,
    pub(super) bonus_sum: u64,
    pub(super) penalty_sum: u64,
    pub(super) zeros: u32,
}

/// Score one unit from its cells exactly as [`crate::score::evaluate`]
/// does, summed in integer cents; the totals follow from the sums by
/// [`Totals::from_sums`], as on every path.
pub(super) fn score_unit(plan: &Plan, row: &[u32]) -> Res<Scored> {
    let mut groups = vec![0u64; plan.fw.groups.len()];
    let (mut veto, mut caps) = (Vec::new(), Vec::new());
    let sums = unit_sums(plan, row, &mut groups, &mut veto, &mut caps)?;
    if sums.applicable == 0 {
        return Err(GiveUp); // every base item 不适用: the general path says so
    }
    let sums = crate::score::Sums {
        base_sum: dec(sums.base_sum),
        applicable: dec(sums.applicable),
        bonus_sum: dec(sums.bonus_sum),
        penalty_sum: dec(sums.penalty_sum),
        zeros: sums.zeros,
    };
    Ok(Scored {
        totals: Totals::from_sums(plan.fw, sums, veto, caps),
        groups: groups.into_iter().map(dec).collect(),
    })
}

/// A unit's sums from its cells, with its amounts per group added to
/// `groups` and its triggered vetoes and caps to `veto` and `caps`.
pub(super) fn unit_sums(
    plan: &Plan,
    row: &[u32],
    groups: &mut [u64],
    veto: &mut Vec<usize>,
    caps: &mut Vec<usize>,
) -> Res<Sums> {
    let fw = plan.fw;
    // A unit without any evidence (every cell unseen or empty): the
    // general path warns of it.
    if row.iter().all(|&c| c < NA) {
        return Err(GiveUp);
    }
    let (mut base_sum, mut applicable, mut bonus_sum, mut penalty_sum) = (0u64, 0u64, 0u64, 0u64);
    let mut zeros = 0u32;
    for (i, ind) in fw.indicators.iter().enumerate() {
        let cells = row.get(plan.first[i]..plan.first[i] + ind.slots()).ok_or(GiveUp)?;
        let na = cells.iter().filter(|&&c| exempt(c)).count();
        if na > 0 {
            // 不适用 must cover every clause given.
            let given = cells.iter().filter(|&&c| exempt(c) || c >= VALUE).count();
            if na < given {
                return Err(GiveUp);
            }
            continue; // exempt: not applicable, no amount
        }
        if ind.kind.is_trigger() {
            if cells[0] == VALUE + 1 {
                if ind.kind == Kind::Veto {
                    veto.push(i)
                } else {
                    caps.push(i)
                }
            }
            continue;
        }
        let amount = if cells.iter().any(|&c| c < VALUE) {
            if ind.kind == Kind::Base && fw.missing == Missing::Error {
                return Err(GiveUp);
            }
            0
        } else if plan.amount_cell(i) {
            (cells[0] - VALUE) as u64
        } else {
            // Clause cells hold counts: the amount is the rule's.
            let values: Vec<Value> = cells
                .iter()
                .map(|&c| Value::Number(crate::num::Exact::from(u64::from(c - VALUE))))
                .collect();
            let refs: Vec<&Value> = values.iter().collect();
            match ind.amount(&refs) {
                Some(a) => cents(a)?,
                None => 0,
            }
        };
        match ind.kind {
            Kind::Base => {
                applicable += plan.slots[plan.first[i]].pc;
                base_sum += amount;
                zeros += u32::from(amount == 0);
                for &g in &plan.groups_of[i] {
                    groups[g] += amount;
                }
            }
            Kind::Bonus => bonus_sum += amount,
            Kind::Penalty => penalty_sum += amount,
            Kind::Veto | Kind::Cap => {}
        }
    }
    Ok(Sums {
        base_sum,
        applicable,
        bonus_sum,
        penalty_sum,
        zeros,
    })
}
