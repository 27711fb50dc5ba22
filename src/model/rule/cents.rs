//! Each numeric rule's amount in integer cents: what [`Rule::amount`]
//! computes for an ordinary value, without fractions. Every engine asks
//! this first; the fractions of [`Rule::amount`] stay the definition, and
//! decide the values whose integers would not fit here.

use super::Rule;
use rust_decimal::Decimal;

/// A bound on the products formed here (96 bits), far inside `u128`;
/// larger ones are left to the fractions, which are exact at any size.
pub(crate) const DECIMAL_EXACT: u128 = 1 << 96;

/// A non-negative or signed decimal as `m / 10^e`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Num {
    pub(crate) m: i128,
    pub(crate) e: u32,
}

impl Num {
    pub(crate) fn of(d: Decimal) -> Num {
        let d = d.normalize();
        Num {
            m: d.mantissa(),
            e: d.scale(),
        }
    }
}

pub(crate) const POW10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

pub(crate) const POW10_64: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut i = 1;
    while i < 20 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

pub(crate) fn pow10(e: u32) -> Option<u128> {
    POW10.get(e as usize).copied()
}

/// `n / d` rounded half away from zero, for `n ≥ 0`, `d > 0`.
pub(crate) fn round_div(n: u128, d: u128) -> Option<u128> {
    let (n2, d2) = (n.checked_mul(2)?.checked_add(d)?, d.checked_mul(2)?);
    // 64-bit division is many times faster than 128-bit; values are small.
    match (u64::try_from(n2), u64::try_from(d2)) {
        (Ok(n), Ok(d)) => Some((n / d) as u128),
        _ => Some(n2 / d2),
    }
}

/// A numeric rule of one value, compiled to integers.
#[derive(Debug, Clone)]
pub(crate) enum InCents {
    Deduct {
        per: Num,
    },
    Count {
        per: Num,
    },
    TargetShort {
        target: Num,
        per: Num,
    },
    TargetRatio {
        target: Num,
    },
    /// Each tier's minimum and amount in cents, in order.
    Tiers(Vec<(Num, u64)>),
    Direct,
}

/// A decimal of points as whole cents, if it is one.
pub(crate) fn cents(d: Decimal) -> Option<u64> {
    let c = d.checked_mul(Decimal::ONE_HUNDRED)?;
    if !c.fract().is_zero() || c.is_sign_negative() && !c.is_zero() {
        return None;
    }
    c.try_into().ok()
}

impl InCents {
    /// `rule` compiled, if it is a numeric rule of one value.
    pub(crate) fn of(rule: &Rule) -> Option<InCents> {
        Some(match rule {
            Rule::Deduct { per } => InCents::Deduct { per: Num::of(*per) },
            Rule::Count { per } => InCents::Count { per: Num::of(*per) },
            Rule::Target { target, per: Some(per) } => InCents::TargetShort {
                target: Num::of(*target),
                per: Num::of(*per),
            },
            Rule::Target { target, per: None } => InCents::TargetRatio {
                target: Num::of(*target),
            },
            Rule::Tiers(tiers) => InCents::Tiers(
                tiers
                    .iter()
                    .map(|t| Some((Num::of(t.min), cents(t.amount)?)))
                    .collect::<Option<_>>()?,
            ),
            Rule::Direct => InCents::Direct,
            _ => return None,
        })
    }

    /// The amount in cents for `v = m / 10^e` (`v ≥ 0`) of an item worth
    /// `pc` cents, or `None` when the integers here would overflow or the
    /// value is not the rule's to score (a count with a fraction, a direct
    /// amount above the points): the fractions then decide, or say what is
    /// wrong. Every branch is the exact rational value of the formula in
    /// [`Rule::amount`] rounded half away from zero.
    pub(crate) fn amount(&self, pc: u64, m: u128, e: u32) -> Option<u64> {
        let pc = pc as u128;
        let r = match self {
            InCents::Deduct { per } | InCents::Count { per } => {
                if e != 0 {
                    return None; // not a whole count: said where it is read
                }
                let rm = (per.m as u128).checked_mul(m)?;
                if rm >= DECIMAL_EXACT {
                    return None;
                }
                // per × v in cents = rm × 100 / 10^per.e, compared with P.
                let scale = pow10(per.e)?;
                let x100 = rm.checked_mul(100)?;
                let full = pc.checked_mul(scale)?;
                let deducted_all = x100 >= full;
                match self {
                    InCents::Deduct { .. } if deducted_all => 0,
                    InCents::Deduct { .. } => round_div(full - x100, scale)?,
                    _ if deducted_all => pc,
                    _ => round_div(x100, scale)?,
                }
            }
            InCents::TargetShort { target, per } => {
                let cs = target.e.max(e);
                let tn = (target.m as u128).checked_mul(pow10(cs - target.e)?)?;
                let vn = m.checked_mul(pow10(cs - e)?)?;
                if vn >= tn {
                    pc
                } else {
                    let short = tn - vn;
                    let x = (per.m as u128).checked_mul(short)?;
                    if x >= DECIMAL_EXACT || tn >= DECIMAL_EXACT {
                        return None;
                    }
                    let scale = pow10(per.e.checked_add(cs)?)?;
                    let x100 = x.checked_mul(100)?;
                    let full = pc.checked_mul(scale)?;
                    if x100 >= full {
                        0
                    } else {
                        round_div(full - x100, scale)?
                    }
                }
            }
            InCents::TargetRatio { target } => {
                // The common case in 64 bits: cents = m·pc·10^te / (t·10^e) with
                // both sides below 2^62 and points below 655.36 (which keeps
                // within the guards of the general case below).
                if let (Ok(t), Some(&p10e), Some(&p10t)) = (
                    u64::try_from(target.m),
                    POW10_64.get(e as usize),
                    POW10_64.get(target.e as usize),
                ) && let (Some(den), Some(num)) = (
                    t.checked_mul(p10e),
                    (m as u64).checked_mul(pc as u64).and_then(|x| x.checked_mul(p10t)),
                ) && m <= u64::MAX as u128
                    && den < 1 << 62
                    && num < 1 << 62
                    && pc < 1 << 16
                {
                    // v ≥ target ⟺ m·pc·10^te ≥ t·10^e·pc
                    return Some(if num >= den.saturating_mul(pc as u64) {
                        pc as u64
                    } else {
                        (2 * num + den) / (2 * den)
                    });
                }
                let cs = target.e.max(e);
                let tn = (target.m as u128).checked_mul(pow10(cs - target.e)?)?;
                let vn = m.checked_mul(pow10(cs - e)?)?;
                if vn >= tn {
                    pc
                } else {
                    // cents = v × P / target = m·pc·10^te / (t·10^e), exactly.
                    let den = (target.m as u128).checked_mul(pow10(e)?)?;
                    if den.checked_mul(pc.max(1))? > 10u128.pow(25) || m.checked_mul(pc)? >= DECIMAL_EXACT {
                        return None;
                    }
                    let num = m.checked_mul(pc)?.checked_mul(pow10(target.e)?)?;
                    round_div(num, den)?
                }
            }
            InCents::Tiers(tiers) => {
                let mut got = 0;
                for (min, c) in tiers {
                    // v ≥ min ⟺ m·10^min.e ≥ min.m·10^e
                    let lhs = i128::try_from(m.checked_mul(pow10(min.e)?)?).ok()?;
                    let rhs = min.m.checked_mul(i128::try_from(pow10(e)?).ok()?)?;
                    if lhs >= rhs {
                        got = *c as u128;
                        break;
                    }
                }
                got
            }
            InCents::Direct => {
                let scale = pow10(e)?;
                if m.checked_mul(100)? > pc.checked_mul(scale)? {
                    return None; // outside 0–P: said where it is read
                }
                round_div(m.checked_mul(100)?, scale)?
            }
        };
        u64::try_from(r).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::rule::{Tier, Value};

    struct Rng(u64);

    impl Rng {
        fn next(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        /// A decimal above 0, at most `max` units of its last place, with
        /// up to `places` places.
        fn dec(&mut self, max: u64, places: u32) -> Decimal {
            let m = self.next(max) + 1;
            Decimal::new(m as i64, self.next(u64::from(places) + 1) as u32)
        }
    }

    /// The amount in cents is the amount in fractions, for random rules
    /// and values (long fractions, rounding boundaries, values past the
    /// target or the points), whenever the integers take the value.
    #[test]
    fn cents_agree_with_fractions() {
        let mut rng = Rng(0x853c_49e6_748f_ea9b);
        let (mut taken, mut tried) = (0, 0);
        for _ in 0..50_000 {
            let points = rng.dec(2_000, 2);
            let rule = match rng.next(6) {
                0 => Rule::Deduct { per: rng.dec(500, 3) },
                1 => Rule::Count { per: rng.dec(500, 3) },
                2 => Rule::Target {
                    target: rng.dec(10_000, 2),
                    per: Some(rng.dec(500, 3)),
                },
                3 => Rule::Target {
                    target: rng.dec(10_000, 4),
                    per: None,
                },
                4 => {
                    let mut tiers: Vec<Tier> = (0..3)
                        .map(|_| Tier {
                            min: rng.dec(10_000, 2),
                            amount: Decimal::new(rng.next(points.mantissa() as u64 + 1) as i64, points.scale()),
                        })
                        .collect();
                    tiers.sort_by_key(|t| std::cmp::Reverse(t.min));
                    Rule::Tiers(tiers)
                }
                _ => Rule::Direct,
            };
            // Whole counts for the count rules, else up to 17 places.
            let places = if matches!(rule, Rule::Deduct { .. } | Rule::Count { .. }) && rng.next(4) > 0 {
                0
            } else {
                rng.next(18) as u32
            };
            let m = rng.next(10u64.pow(places.min(12)) * 200);
            let text = Decimal::new(m as i64, 0).to_string();
            let text = if places == 0 {
                text
            } else {
                let t = format!("{text:0>width$}", width = places as usize + 1);
                format!(
                    "{}.{}",
                    &t[..t.len() - places as usize],
                    &t[t.len() - places as usize..]
                )
            };
            let value = Value::Number(crate::base::num::parse_exact(&text).unwrap());
            let Value::Number(exact) = &value else { unreachable!() };
            let (m, e) = exact.small().unwrap();
            tried += 1;
            let Some(c) = InCents::of(&rule)
                .unwrap()
                .amount(cents(points).unwrap(), m as u128, e as u32)
            else {
                continue;
            };
            taken += 1;
            assert_eq!(
                Some(Decimal::new(c as i64, 2)),
                rule.amount_in_fractions(&[&value], points),
                "{rule:?} {text} of {points}"
            );
        }
        assert!(taken * 10 > tried * 8, "only {taken} of {tried} in cents");
    }

    /// A value on a rounding boundary that only its last digit decides.
    #[test]
    fn the_last_digit_decides() {
        let rule = Rule::Target {
            target: Decimal::new(100, 0),
            per: None,
        };
        let amount = |v: &str| {
            let x = crate::base::num::parse_exact(v).unwrap();
            let (m, e) = x.small().unwrap();
            InCents::of(&rule).unwrap().amount(300, m as u128, e as u32)
        };
        // 3 × v / 100 = 2.635 at v = 87.8333…
        assert_eq!(amount("87.83333333333334"), Some(264));
        assert_eq!(amount("87.83333333333333"), Some(263));
    }
}
