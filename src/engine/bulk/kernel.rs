//! Evidence values to cells: the framework compiled per evidence slot,
//! values parsed from bytes to exact fixed-point integers, and each rule's
//! amount in integer cents with the rounding of [`Rule::amount`]. Anything
//! the fast parsers do not take goes through the rule's own reading for
//! that one cell ([`Plan::encode_general`]).

use super::{GiveUp, Res};
use crate::model::framework::Framework;
use crate::model::rule::cents::{InCents, POW10};
use crate::model::rule::{Rule, Value};
use rust_decimal::Decimal;

/// No row for this (unit, slot).
pub(super) const UNSEEN: u32 = 0;
/// A row with an empty value, or a survey without votes: missing evidence.
pub(super) const EMPTY: u32 = 1;
/// 不适用 on an exempt indicator.
pub(super) const NA: u32 = 2;
/// 不适用 because the item concerns other categories (`applies_to`): no row.
pub(super) const OUTSIDE: u32 = 3;
/// 不适用 because the item concerns other categories, given a row with an
/// empty value (and perhaps a note and source, which are shown).
pub(super) const OUTSIDE_ROW: u32 = 4;
/// A value written that scores as missing (a survey without votes):
/// missing evidence, but given, and so refused for a unit of a category
/// the item does not concern, as any value is.
pub(super) const VOICED: u32 = 5;
/// `VALUE + payload`: amount in cents, clause count, or veto triggered (1/0).
pub(super) const VALUE: u32 = 6;
/// Is the cell 不适用, as written or by the unit's category?
pub(super) fn exempt(c: u32) -> bool {
    c == NA || c == OUTSIDE || c == OUTSIDE_ROW
}

/// Does the cell hold a value given (不适用 included, and a value
/// without an amount)?
pub(super) fn given(c: u32) -> bool {
    c == NA || c == VOICED || c >= VALUE
}

/// Does the cell come from a row of the evidence?
pub(super) fn has_row(c: u32) -> bool {
    c != UNSEEN && c != OUTSIDE
}

pub(super) const MAX_PAYLOAD: u64 = (u32::MAX - VALUE) as u64;

/// How one evidence slot turns text into a cell.
#[derive(Debug, Clone)]
pub(super) enum Kernel {
    Check,
    Veto,
    /// A numeric rule of one value: its amount in cents.
    Cents(InCents),
    /// One clause of a `clauses` rule: the payload is the count, up to
    /// `most`, past which a count deducts nothing more ([`clause_most`]).
    Clause {
        most: u64,
    },
    /// `levels`, `survey`: the rule's own code for every cell.
    General,
    /// The amount depends on more than the cell: a cohort rule
    /// (`rank_points`, `relative`, `vs_mean`: every unit's value) or a rule
    /// of one value with parameters per category (`by_category`: the
    /// unit's category). The value as read is kept in its table
    /// (`Table::deferred`), the payload its index there, until every unit
    /// is read; then the cell holds the amount ([`super::settle`]).
    Deferred,
}

#[derive(Debug, Clone)]
pub(super) struct Slot {
    pub(super) ind: usize,
    pub(super) kernel: Kernel,
    pub(super) exempt: bool,
    /// Points in cents.
    pub(super) pc: u64,
    /// A value between 0 and 1 is refused here (a rate typed as a
    /// fraction): left to the rule's own reading, which words it.
    pub(super) rates: bool,
    /// The framework bounds the values (`range`): every cell goes through
    /// the rule's own reading, which checks them.
    pub(super) ranged: bool,
    /// Whether a fraction is a rate mistyped depends on the unit's
    /// category (`Indicator::rates_by_category`): each value is read by
    /// the rule of the unit's category ([`Plan::category_of`]).
    pub(super) rates_by_category: bool,
}

/// The framework compiled for the bulk path.
pub(super) struct Plan<'a> {
    pub(super) fw: &'a Framework,
    pub(super) slots: Vec<Slot>,
    /// First slot of each indicator.
    pub(super) first: Vec<usize>,
    /// Per indicator, the smallest shortfall that opens a rectification
    /// item, in cents ([`Framework::min_rectify_of`]).
    pub(super) min_rectify: Vec<Option<u64>>,
    /// Each unit's category, by its id, where a value is read by the rule
    /// of the unit's category ([`Plan::with_units`]). Empty otherwise.
    pub(super) categories: std::collections::HashMap<Box<[u8]>, String>,
}

/// The count of clause `k` of `ind` past which a count deducts nothing
/// more, under the rule or any category's: enough for the least `per` to
/// take every point (a clause deducts at most its `max`, and an item at
/// most its points). Any `per` of 0 deducts nothing, whatever the count.
fn clause_most(ind: &crate::model::framework::Indicator, k: usize) -> u64 {
    let rules = ind.rule.iter().chain(ind.by_category.iter().map(|(_, r)| r));
    let least = rules
        .filter_map(|r| match r {
            Rule::Clauses(c) => c.get(k).map(|c| c.per),
            _ => None,
        })
        .min();
    match least {
        Some(per) if per > Decimal::ZERO => u64::try_from((ind.points / per).ceil()).unwrap_or(u64::MAX),
        _ => 1,
    }
}

pub(super) fn cents(d: Decimal) -> Res<u64> {
    crate::model::rule::cents::cents(d)
        .filter(|&c| c <= MAX_PAYLOAD / 4)
        .ok_or(GiveUp)
}

impl<'a> Plan<'a> {
    pub(super) fn new(fw: &'a Framework) -> Res<Plan<'a>> {
        let mut slots = Vec::new();
        let mut first = Vec::new();
        for (i, ind) in fw.indicators.iter().enumerate() {
            first.push(slots.len());
            let pc = cents(ind.points)?;
            // Several raters' rows for one item: one value each, settled
            // into the item's cell once every row is read. (The framework
            // refuses raters on a rule of several cells or over every unit.)
            if ind.raters.is_some() && (ind.slots() != 1 || ind.rule.as_ref().is_some_and(Rule::is_cohort)) {
                return Err(GiveUp);
            }
            let kernels: Vec<Kernel> = match &ind.rule {
                None => vec![Kernel::Veto],
                Some(Rule::Check) => vec![Kernel::Check],
                Some(
                    rule @ (Rule::Deduct { .. }
                    | Rule::Count { .. }
                    | Rule::Target { .. }
                    | Rule::Tiers(_)
                    | Rule::Direct),
                ) => vec![Kernel::Cents(InCents::of(rule).ok_or(GiveUp)?)],
                Some(Rule::Clauses(c)) => (0..c.len())
                    .map(|k| Kernel::Clause {
                        most: clause_most(ind, k),
                    })
                    .collect(),
                Some(Rule::Levels(_) | Rule::Survey(_)) => vec![Kernel::General],
                Some(Rule::RankPoints { .. } | Rule::Relative { .. } | Rule::VsMean { .. }) => vec![Kernel::Deferred],
            };
            // Category parameters on a rule of one value: settled by the
            // unit's category once its category is known. On clauses,
            // whose cells hold counts, the unit is tallied by its
            // category's rule ([`super::tally::outcome`]).
            let kernels = match (&kernels[..], ind.by_category.is_empty()) {
                (_, true) | ([Kernel::Deferred], false) => kernels,
                ([Kernel::Cents(_) | Kernel::General | Kernel::Check], false) => vec![Kernel::Deferred],
                (_, false) if matches!(ind.rule, Some(Rule::Clauses(_))) => kernels,
                _ => return Err(GiveUp),
            };
            let rates = !ind.fractions && ind.rule.as_ref().is_some_and(Rule::reads_rates);
            for kernel in kernels {
                slots.push(Slot {
                    ind: i,
                    kernel,
                    exempt: ind.exempt,
                    pc,
                    rates,
                    ranged: ind.range.is_some(),
                    rates_by_category: ind.rates_by_category(),
                });
            }
        }
        Ok(Plan {
            fw,
            slots,
            first,
            min_rectify: (0..fw.indicators.len())
                .map(|i| fw.min_rectify_of(i).map(cents).transpose())
                .collect::<Res<_>>()?,
            categories: std::collections::HashMap::new(),
        })
    }

    /// The plan, with the categories of `units` where an item has
    /// parameters per category ([`Plan::categories`]): a value is read,
    /// and a value refused worded, by the rule of the unit's category.
    pub(super) fn with_units(mut self, units: Option<&crate::reading::units::Units>) -> Self {
        let needed = self.fw.indicators.iter().any(|ind| !ind.by_category.is_empty());
        if let Some(list) = units.filter(|_| needed) {
            self.categories = (list.units.iter())
                .map(|(id, info)| (id.as_bytes().into(), info.category.clone()))
                .collect();
        }
        self
    }

    /// The category of the unit `unit`, if the units file gives it one
    /// and an item needs it ([`Plan::categories`]).
    pub(super) fn category_of(&self, unit: &[u8]) -> Option<&str> {
        self.categories.get(unit).map(String::as_str)
    }

    /// A deferred slot's value, kept whole in `deferred`: its cell gives
    /// the index there.
    pub(super) fn defer(value: Value, deferred: &mut Vec<Value>) -> Res<u32> {
        let at = u32::try_from(deferred.len())
            .ok()
            .filter(|&i| u64::from(i) <= MAX_PAYLOAD)
            .ok_or(GiveUp)?;
        deferred.push(value);
        Ok(VALUE + at)
    }

    /// Do cells fit in 16 bits? Each payload is at most the points in
    /// cents, except a deferred item's value before it is settled.
    pub(super) fn fits_u16(&self) -> bool {
        let fits = |payload: u64| payload.saturating_add(VALUE as u64) <= u16::MAX as u64;
        !self.slots.iter().any(|s| matches!(s.kernel, Kernel::Deferred))
            && self.slots.iter().all(|s| match s.kernel {
                Kernel::Clause { most } => fits(most),
                _ => fits(s.pc),
            })
    }

    /// Does indicator `i`'s one cell hold its amount in cents? Not for a
    /// clause item, even one with a single clause: its cells hold counts.
    pub(super) fn amount_cell(&self, i: usize) -> bool {
        self.fw.indicators[i].slots() == 1 && !matches!(self.slots[self.first[i]].kernel, Kernel::Clause { .. })
    }

    /// One trimmed evidence value → its cell. A deferred slot's value is
    /// pushed onto `deferred`, and its cell gives the index there.
    pub(super) fn encode(&self, slot: usize, v: &[u8], deferred: &mut Vec<Value>) -> Res<u32> {
        let s = &self.slots[slot];
        if v.is_empty() {
            return Ok(EMPTY);
        }
        if is_not_applicable(v) {
            return if s.exempt { Ok(NA) } else { Err(GiveUp) };
        }
        if let Kernel::Deferred = s.kernel {
            let raw = std::str::from_utf8(v).map_err(|_| GiveUp)?;
            return match self.fw.indicators[s.ind].parse_value(raw) {
                Err(_) => Err(GiveUp),
                Ok(None) => Ok(EMPTY),
                Ok(Some(Value::NotApplicable)) => Ok(NA),
                Ok(Some(value)) => Self::defer(value, deferred),
            };
        }
        let fast = match &s.kernel {
            Kernel::Check => yes_no(v).map(|y| if y { s.pc } else { 0 }),
            Kernel::Veto => match yes_no(v) {
                Some(y) => Some(y as u64),
                None => plain_number(v).map(|(m, _)| (m > 0) as u64),
            },
            Kernel::General | Kernel::Deferred => None,
            _ if s.ranged => None,
            // 0 < m / 10^e < 1 without `%`: perhaps a fraction for a rate.
            k => plain_number(v)
                .filter(|&(m, e)| !(s.rates && m > 0 && u128::from(m) < POW10[e as usize] && v.last() != Some(&b'%')))
                .and_then(|(m, e)| match k {
                    Kernel::Cents(rule) => rule.amount(s.pc, m as u128, e),
                    // A clause's count: a whole number.
                    Kernel::Clause { most } => (e == 0).then_some(m.min(*most)),
                    _ => None,
                }),
        };
        match fast {
            Some(p) if p <= MAX_PAYLOAD => Ok(VALUE + p as u32),
            _ => self.encode_general(s, v),
        }
    }

    /// The rule's own reading of one cell: [`Indicator::parse_value`]
    /// and [`Rule::amount`].
    ///
    /// [`Indicator::parse_value`]: crate::model::framework::Indicator::parse_value
    fn encode_general(&self, s: &Slot, v: &[u8]) -> Res<u32> {
        let raw = std::str::from_utf8(v).map_err(|_| GiveUp)?;
        let ind = &self.fw.indicators[s.ind];
        let value = match ind.parse_value(raw) {
            Err(_) => return Err(GiveUp),
            Ok(None) => return Ok(EMPTY),
            Ok(Some(Value::NotApplicable)) => return Ok(NA),
            Ok(Some(v)) => v,
        };
        let payload: u64 = match s.kernel {
            Kernel::Veto => match value {
                Value::Yes => 1,
                Value::Number(n) if n.signum().is_gt() => 1,
                _ => 0,
            },
            Kernel::Clause { most } => match value {
                Value::Number(n) if n.cmp_decimal(Decimal::from(most)).is_ge() => most,
                Value::Number(n) => n.to_u64().ok_or(GiveUp)?,
                _ => return Err(GiveUp),
            },
            Kernel::Deferred => return Err(GiveUp), // kept whole by `encode`
            _ => {
                let rule = ind.rule.as_ref().ok_or(GiveUp)?;
                // No amount: a survey without votes, missing evidence.
                match rule.amount(&[&value], ind.points) {
                    Some(a) => cents(a)?,
                    None => return Ok(VOICED),
                }
            }
        };
        if payload > MAX_PAYLOAD {
            return Err(GiveUp);
        }
        Ok(VALUE + payload as u32)
    }
}

/// Is this (trimmed) text the 不适用 marker? Its words as
/// [`crate::model::rule::is_not_applicable`] reads them, ASCII ones in any case;
/// anything else it takes (another case of a non-ASCII letter) fails the
/// fast parsers and reaches it.
pub(super) fn is_not_applicable(v: &[u8]) -> bool {
    word_in(v, crate::model::rule::NOT_APPLICABLE)
}

/// The yes/no words of [`crate::model::rule::parse_yes_no`], as
/// [`is_not_applicable`] reads them.
pub(super) fn yes_no(v: &[u8]) -> Option<bool> {
    if word_in(v, crate::model::rule::YES) {
        Some(true)
    } else if word_in(v, crate::model::rule::NO) {
        Some(false)
    } else {
        None
    }
}

fn word_in(v: &[u8], words: &[&str]) -> bool {
    words.iter().any(|w| v.eq_ignore_ascii_case(w.as_bytes()))
}

/// A plain non-negative decimal — ASCII digits with at most one point, an
/// optional `%` — as a normalised `(mantissa, scale)`, read the way
/// [`crate::base::num::parse_exact`] reads it: every digit, none cut.
/// `None` for anything else (signs, full-width digits, more than 19
/// significant digits, values beyond the limit): the rule's own reading decides
/// those, exactly, at any length.
pub(super) fn plain_number(v: &[u8]) -> Option<(u64, u32)> {
    let mut b = v;
    if let [rest @ .., b'%'] = b {
        b = rest.trim_ascii_end();
    }
    let (int, frac) = match b.iter().position(|&c| c == b'.') {
        Some(p) => (&b[..p], &b[p + 1..]),
        None => (b, &b[..0]),
    };
    if (int.is_empty() && frac.is_empty())
        || !int.iter().all(u8::is_ascii_digit)
        || !frac.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    let int = &int[int.iter().position(|&c| c != b'0').unwrap_or(int.len())..];
    let frac = &frac[..frac.iter().rposition(|&c| c != b'0').map_or(0, |p| p + 1)];
    if int.len() > 13 || int.len() + frac.len() > 19 {
        return None;
    }
    // At most 10^12 (crate::base::num::MAX_VALUE).
    if int.len() == 13 && (int > b"1000000000000".as_slice() || !frac.is_empty()) {
        return None;
    }
    let mut m: u64 = 0;
    for &c in int.iter().chain(frac) {
        m = m * 10 + (c - b'0') as u64;
    }
    Some((m, frac.len() as u32))
}

/// Trim the way `str::trim` does: ASCII whitespace here, and the general
/// `str::trim` when an end is not ASCII (U+3000 and the like).
pub(super) fn trim(b: &[u8]) -> &[u8] {
    let t = b.trim_ascii();
    // The first byte of the character at the end: continuation bytes
    // (0b10xxxxxx) skipped, at most three.
    let last_lead = || {
        t.iter()
            .rev()
            .take(4)
            .find(|&&b| b & 0xc0 != 0x80)
            .copied()
            .unwrap_or(0x80)
    };
    match t.first() {
        // `str::trim`, looking only at the characters at the ends (the
        // text is UTF-8: its file was checked whole): validating a whole
        // note to trim it cost more than the rest of reading it. Only
        // these lead bytes start white space `trim_ascii` leaves: U+000B,
        // U+0085 and U+00A0 (C2), U+1680 (E1), U+2000–U+205F (E2), U+3000
        // (E3); so a note starting and ending in Hanzi is left as it is.
        Some(&f) if may_start_space(f) || may_start_space(last_lead()) => trim_unicode(t).unwrap_or(t),
        _ => t,
    }
}

/// Can a character starting with byte `b` be white space `trim_ascii`
/// leaves?
#[inline]
fn may_start_space(b: u8) -> bool {
    matches!(b, 0x0b | 0xc2 | 0xe1 | 0xe2 | 0xe3)
}

/// `t` less the Unicode white space at both ends, as `str::trim` gives it;
/// `None` where an end is not UTF-8.
fn trim_unicode(mut t: &[u8]) -> Option<&[u8]> {
    let first = |t: &[u8]| -> Option<(char, usize)> {
        let n = match *t.first()? {
            b if b < 0x80 => 1,
            b if b >= 0xf0 => 4,
            b if b >= 0xe0 => 3,
            _ => 2,
        };
        let c = std::str::from_utf8(t.get(..n)?).ok()?.chars().next()?;
        Some((c, n))
    };
    let last = |t: &[u8]| -> Option<(char, usize)> {
        let from = (t.len().saturating_sub(4)..t.len())
            .rev()
            .find(|&i| t[i] & 0xc0 != 0x80)?;
        let c = std::str::from_utf8(&t[from..]).ok()?.chars().next()?;
        Some((c, t.len() - from))
    };
    while let Some((c, n)) = first(t) {
        if !c.is_whitespace() {
            break;
        }
        t = &t[n..];
    }
    if !t.is_empty() && first(t).is_none() {
        return None;
    }
    while let Some((c, n)) = last(t) {
        if !c.is_whitespace() {
            break;
        }
        t = &t[..t.len() - n];
    }
    if !t.is_empty() && last(t).is_none() {
        return None;
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::trim;

    /// As `str::trim` trims a cell: white space off
    /// both ends, the Unicode kinds (ideographic space, no-break space,
    /// vertical tab, …) too.
    fn reference(b: &[u8]) -> &[u8] {
        std::str::from_utf8(b).expect("UTF-8").trim().as_bytes()
    }

    #[test]
    fn trim_matches_str_trim() {
        let pieces: [&[u8]; 12] = [
            b" ",
            b"\t",
            b"\x0b",
            "\u{3000}".as_bytes(),
            "\u{a0}".as_bytes(),
            "\u{2028}".as_bytes(),
            "中".as_bytes(),
            "𠀀".as_bytes(),
            b"a",
            b"1.5",
            "é".as_bytes(),
            "\u{200b}".as_bytes(),
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..50_000 {
            let mut cell = Vec::new();
            for _ in 0..(seed % 7) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                cell.extend_from_slice(pieces[(seed % 12) as usize]);
            }
            seed = seed.wrapping_add(1);
            assert_eq!(trim(&cell), reference(&cell), "{:?}", String::from_utf8_lossy(&cell));
        }
    }

    /// Every character alone, at either end of Hanzi, and around a space.
    #[test]
    fn trim_matches_str_trim_for_every_character() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            for cell in [
                format!("{c}"),
                format!("{c}中"),
                format!("中{c}"),
                format!("中{c}中"),
                format!(" {c} "),
                format!("{c}{c}a{c}"),
            ] {
                assert_eq!(trim(cell.as_bytes()), reference(cell.as_bytes()), "U+{:04X}", c as u32);
            }
        }
    }
}
