//! How robust a ranking is (`kaohe robust`): would it change if the
//! weights were a little different?
//!
//! Each draw multiplies every base indicator's points by an independent
//! factor, uniform in [1 − j, 1 + j], rescales the points to sum to the
//! framework's total again, scales each unit's base amounts with its
//! indicator and scores again; bonuses, penalties, vetoes, caps and quotas
//! stay as they are. Over many draws each unit gets a distribution of ranks
//! and grades: its median rank, the 5th–95th percentile interval, and the
//! share of draws in each grade.
//!
//! The evidence is scored once; a draw only needs each unit's base amounts.
//! Factors are integers in millionths drawn from a ChaCha stream keyed by
//! the seed and the draw's number, and a unit's base in a draw is the exact
//! rational `total × Σ aᵢfᵢ / Σ Pᵢfᵢ` (over the indicators that apply to it)
//! rounded half up to cents, so the same seed gives the same bytes on every
//! machine and at every thread count. The totals, the ranking and the grades
//! of a draw are the engine's own ([`score::Totals::from_sums`], [`score::rank`],
//! [`grade::apply`]).

use crate::engine::grade;
use crate::engine::score::{self, Assessment, Sums, UnitResult};
use crate::model::framework::Framework;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};
use rust_decimal::Decimal;

/// Factors are written in millionths.
const ONE: i64 = 1_000_000;

/// What to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub draws: u32,
    /// Half-width of the factors' interval, in millionths (100,000 = 10 %).
    pub jitter: i64,
    pub seed: u64,
}

/// One unit's ranks and grades over the draws.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitSpread {
    /// Index into the assessment's units (rank order).
    pub unit: usize,
    pub median_rank: usize,
    pub rank_p5: usize,
    pub rank_p95: usize,
    /// Draws in each grade (index into `Framework::grades`).
    pub grades: Vec<u32>,
}

/// The whole analysis: one row per unit, in the nominal rank order.
#[derive(Debug, Clone, PartialEq)]
pub struct Robustness {
    pub plan: Plan,
    pub units: Vec<UnitSpread>,
}

impl Robustness {
    /// The share of draws in grade `g`, exactly (count / draws).
    pub fn share(&self, u: &UnitSpread, g: usize) -> Decimal {
        Decimal::from(u.grades[g]) / Decimal::from(self.plan.draws)
    }

    /// Is the unit's grade uncertain: fewer than 90 % of the draws give
    /// the grade it has?
    pub fn uncertain(&self, u: &UnitSpread, nominal_grade: usize) -> bool {
        u.grades[nominal_grade] * 10 < self.plan.draws * 9
    }
}

/// A unit's figures that do not change between draws, in integers.
struct Fixed {
    /// (base indicator slot, amount in cents) for the base indicators that
    /// apply to the unit.
    amounts: Vec<(usize, i64)>,
    /// The unit's other sums, as scored.
    sums: Sums,
}

/// The draw's factors, one per base indicator, in millionths.
fn factors(plan: &Plan, draw: u32, n: usize) -> Vec<i64> {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&plan.seed.to_le_bytes());
    key[8..12].copy_from_slice(&draw.to_le_bytes());
    let mut rng = ChaCha8Rng::from_seed(key);
    let width = 2 * plan.jitter as u64 + 1;
    (0..n)
        .map(|_| {
            if plan.jitter == 0 {
                return ONE;
            }
            // Uniform on [0, width) without bias: reject the top, partial
            // copy of the range.
            let zone = u64::MAX - u64::MAX % width;
            let k = loop {
                let x = rng.next_u64();
                if x < zone {
                    break x % width;
                }
            };
            ONE - plan.jitter + k as i64
        })
        .collect()
}

/// `n / d` rounded half up, for `n ≥ 0`, `d > 0`.
fn div_half_up(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

fn cents(d: Decimal) -> i64 {
    i64::try_from((d * Decimal::from(100)).trunc().mantissa()).unwrap_or(i64::MAX)
}

/// Run the draws over the units of `a`, in rank order, from each unit's
/// amount awarded per item (0 for missing evidence, `None` for an item
/// exempt or a veto).
pub fn analyse_amounts(fw: &Framework, a: &Assessment, amounts: &[Vec<Option<Decimal>>], plan: Plan) -> Robustness {
    let base: Vec<usize> = fw.base().map(|(i, _)| i).collect();
    let points: Vec<i64> = base.iter().map(|&i| cents(fw.indicators[i].points)).collect();
    let total = i128::from(cents(fw.total));
    let fixed: Vec<Fixed> = a
        .units
        .iter()
        .zip(amounts)
        .map(|(u, amounts)| Fixed {
            amounts: base
                .iter()
                .enumerate()
                .filter_map(|(slot, &i)| Some((slot, cents((*amounts.get(i)?)?))))
                .collect(),
            sums: Sums {
                base_sum: Decimal::ZERO,
                applicable: fw.total,
                bonus_sum: u.totals.bonus_sum,
                penalty_sum: u.totals.penalty_sum,
                zeros: u.totals.zeros,
            },
        })
        .collect();
    // Light copies of the units for ranking and grading: ids, categories
    // and totals only.
    let light: Vec<UnitResult> = a
        .units
        .iter()
        .map(|u| UnitResult {
            unit: u.unit.clone(),
            name: String::new(),
            category: u.category.clone(),
            rank: 0,
            category_rank: None,
            totals: u.totals.clone(),
            grade: 0,
            grade_change: None,
            groups: Vec::new(),
            indicators: Vec::new(),
            deficiencies: Vec::new(),
            self_assessed: None,
        })
        .collect();
    // Where each unit id sits in the nominal order, to read a draw's
    // ranking back.
    let mut by_id: Vec<(&str, usize)> = a.units.iter().enumerate().map(|(i, u)| (u.unit.as_str(), i)).collect();
    by_id.sort_unstable();
    let index = |id: &str| by_id[by_id.binary_search_by(|(k, _)| (*k).cmp(id)).expect("known unit")].1;

    let n = a.units.len();
    let by_category = a.units.iter().any(|u| !u.category.is_empty());
    let draw = |d: u32, units: &mut Vec<UnitResult>, ranks: &mut [u32], grades: &mut [u8]| {
        let f = factors(&plan, d, base.len());
        for (u, fx) in units.iter_mut().zip(&fixed) {
            let (mut num, mut den) = (0i128, 0i128);
            for &(s, a) in &fx.amounts {
                num += i128::from(a) * i128::from(f[s]);
                den += i128::from(points[s]) * i128::from(f[s]);
            }
            let base_cents = if den == 0 { 0 } else { div_half_up(total * num, den) };
            let sums = Sums {
                base_sum: Decimal::from_i128_with_scale(base_cents, 2),
                ..fx.sums.clone()
            };
            let veto = std::mem::take(&mut u.totals.veto);
            let caps = std::mem::take(&mut u.totals.caps);
            u.totals = score::Totals::from_sums(fw, sums, veto, caps);
        }
        score::rank(units, by_category);
        grade::apply(fw, units);
        for u in units.iter() {
            let i = index(&u.unit);
            ranks[i] = u.rank as u32;
            grades[i] = u.grade as u8;
        }
    };

    // Draws split over the cores; each draw's outcome depends on its number
    // alone, so the split does not show in the result.
    let workers = std::thread::available_parallelism().map_or(1, |w| w.get()).clamp(1, 16);
    let per = (plan.draws as usize).div_ceil(workers).max(1);
    let mut ranks = vec![0u32; plan.draws as usize * n];
    let mut grades = vec![0u8; plan.draws as usize * n];
    std::thread::scope(|s| {
        for (k, (rk, gr)) in ranks.chunks_mut(per * n).zip(grades.chunks_mut(per * n)).enumerate() {
            let (light, draw) = (&light, &draw);
            s.spawn(move || {
                let mut units = light.clone();
                for (j, (r, g)) in rk.chunks_mut(n).zip(gr.chunks_mut(n)).enumerate() {
                    draw((k * per + j) as u32, &mut units, r, g);
                }
            });
        }
    });

    let units = (0..n)
        .map(|i| {
            let mut rs: Vec<u32> = (0..plan.draws as usize).map(|d| ranks[d * n + i]).collect();
            rs.sort_unstable();
            let mut counts = vec![0u32; fw.grades.len()];
            for d in 0..plan.draws as usize {
                counts[grades[d * n + i] as usize] += 1;
            }
            UnitSpread {
                unit: i,
                median_rank: nearest_rank(&rs, 50),
                rank_p5: nearest_rank(&rs, 5),
                rank_p95: nearest_rank(&rs, 95),
                grades: counts,
            }
        })
        .collect();
    Robustness { plan, units }
}

/// The p-th percentile by the nearest-rank method: the smallest value with
/// at least p % of the values at or below it.
pub fn nearest_rank(sorted: &[u32], p: u32) -> usize {
    if sorted.is_empty() {
        return 0;
    }
    let k = (sorted.len() * p as usize).div_ceil(100).max(1);
    sorted[k - 1] as usize
}

/// `--jitter`: `10%` or `0.1`, below 100 %, to a millionth.
pub fn parse_jitter(s: &str) -> Result<i64, String> {
    let t = s.trim();
    let (num, scale) = match t.strip_suffix('%').or_else(|| t.strip_suffix('％')) {
        Some(p) => (p.trim(), Decimal::from(100)),
        None => (t, Decimal::ONE),
    };
    let bad = || {
        crate::base::lang::msg!(
            zh: "“{s}”不是有效的扰动幅度：应为 0 到 100% 之间（不含 100%）的比例，如 10% 或 0.1，最多精确到百万分之一",
            en: "\"{s}\" is not a jitter: a share from 0 up to (not including) 100 %, e.g. 10% or 0.1, to a millionth at most"
        )
    };
    let d: Decimal = num.parse().map_err(|_| bad())?;
    let millionths = d / scale * Decimal::from(ONE);
    if d.is_sign_negative() || millionths >= Decimal::from(ONE) || millionths.fract() != Decimal::ZERO {
        return Err(bad());
    }
    i64::try_from(millionths.trunc().mantissa()).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_by_nearest_rank() {
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        // 5 % of 10 = 0.5 → the 1st value; 50 % → the 5th; 95 % → 9.5 → the 10th.
        assert_eq!(nearest_rank(&v, 5), 1);
        assert_eq!(nearest_rank(&v, 50), 5);
        assert_eq!(nearest_rank(&v, 95), 10);
        assert_eq!(nearest_rank(&[7], 50), 7);
    }

    #[test]
    fn jitter_is_read_to_a_millionth() {
        assert_eq!(parse_jitter("10%"), Ok(100_000));
        assert_eq!(parse_jitter("0.1"), Ok(100_000));
        assert_eq!(parse_jitter("0"), Ok(0));
        assert_eq!(parse_jitter("2.5%"), Ok(25_000));
        for bad in ["100%", "1", "-5%", "abc", "0.0000001"] {
            assert!(parse_jitter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn factors_stay_in_the_interval_and_depend_on_seed_and_draw_only() {
        let plan = Plan {
            draws: 10,
            jitter: 100_000,
            seed: 7,
        };
        let a = factors(&plan, 3, 50);
        assert_eq!(a, factors(&plan, 3, 50));
        assert_ne!(a, factors(&plan, 4, 50));
        assert!(a.iter().all(|f| (900_000..=1_100_000).contains(f)));
        // Both halves of the interval are reached.
        assert!(a.iter().any(|&f| f < ONE) && a.iter().any(|&f| f > ONE));
        let zero = Plan { jitter: 0, ..plan };
        assert!(factors(&zero, 1, 5).iter().all(|&f| f == ONE));
    }

    #[test]
    fn halves_round_up() {
        assert_eq!(div_half_up(5, 2), 3);
        assert_eq!(div_half_up(4, 3), 1);
        assert_eq!(div_half_up(1, 2), 1);
        assert_eq!(div_half_up(0, 7), 0);
    }
}
