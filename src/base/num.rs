//! Exact decimal numbers: parsing evidence values, rounding and formatting.
//!
//! Points are never held in binary floating point: a unit scoring exactly
//! 90.00 must be 好, not 89.999… . Everything here works on
//! [`rust_decimal::Decimal`] and rounds half away from zero, which is what
//! "四舍五入" and docs/framework.md's "half-up" mean for the non-negative amounts we have.

use num_bigint::{BigInt, BigUint, Sign};
use rust_decimal::{Decimal, RoundingStrategy};
use std::cmp::Ordering;

/// Round to two places, half away from zero (四舍五入), and keep the scale at 2
/// so the value always prints as `12.30`.
pub fn round2(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    if r.is_zero() {
        // Never show "-0.00".
        r.set_sign_positive(true);
    }
    r
}

/// A difference with two places and its sign: `+1.50`, `-0.25`, `0.00`.
pub fn signed2(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", fmt2(d))
    } else {
        fmt2(d)
    }
}

/// `12.30`: two places always.
pub fn fmt2(d: Decimal) -> String {
    let mut out = Vec::new();
    push2(&mut out, d);
    String::from_utf8(out).expect("digits, a point and a sign are ASCII")
}

/// [`fmt2`] appended to `out`, without an allocation of its own.
pub fn push2(out: &mut Vec<u8>, d: Decimal) {
    // Already two places (every amount a list shows): nothing to round.
    let r = if d.scale() == 2 { d } else { round2(d) };
    // What `Decimal`'s `Display` writes, without its general machinery:
    // every amount of a large list goes through here.
    match u64::try_from(r.mantissa()) {
        Ok(m) if r.scale() == 2 => {
            push_uint(out, m / 100);
            let f = (m % 100) as u8;
            out.extend_from_slice(&[b'.', b'0' + f / 10, b'0' + f % 10]);
        }
        _ => out.extend_from_slice(r.to_string().as_bytes()),
    }
}

/// `n` in decimal appended to `out`, without an allocation of its own.
pub fn push_uint(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(uint(&mut [0; 20], n));
}

/// `n` in decimal, written into the end of `buf`.
pub fn uint(buf: &mut [u8; 20], mut n: u64) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

/// A framework constant as written: `25`, `2.5`, `0.25` (no trailing zeros).
pub fn fmt_points(d: Decimal) -> String {
    let n = d.normalize();
    if n.is_zero() { "0".to_string() } else { n.to_string() }
}

/// Why a text is not a number we accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    NotANumber,
    TooLarge,
}

/// Largest magnitude accepted in evidence. Far beyond any real count or rate,
/// and small enough that products with points never overflow a `Decimal`.
pub const MAX_VALUE: u64 = 1_000_000_000_000;

/// Parse a number given on the command line or in evidence, as the nearest
/// [`Decimal`] (exact up to 28 places; see [`parse_exact`] for evidence
/// values, which are kept exact at any number of places).
pub fn parse_number(text: &str) -> Result<Decimal, NumberError> {
    parse_exact(text).map(|x| x.to_decimal())
}

/// Parse an evidence number exactly: optional sign, digits, optional
/// fraction of any length, an optional trailing `%` (ignored: `95%` is 95),
/// surrounding spaces. Full-width digits, point and percent sign (what a
/// Chinese input method types: `９５．５％`) are read as their ASCII forms.
/// Exponents, thousands separators, decimal commas, `NaN` and `inf` are not
/// numbers here.
pub fn parse_exact(text: &str) -> Result<Exact, NumberError> {
    let mut s: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' => '.',
            '％' => '%',
            '－' => '-',
            '＋' => '+',
            _ => c,
        })
        .collect();
    if let Some(stripped) = s.strip_suffix('%') {
        s = stripped.trim_end().to_string();
    }
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let body = s.strip_prefix(['+', '-']).unwrap_or(&s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(NumberError::NotANumber);
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    // At most MAX_VALUE = 10^12 (13 digits) in magnitude.
    if int.len() > 13 || int.len() == 13 && (int > "1000000000000" || !frac.is_empty()) {
        return Err(NumberError::TooLarge);
    }
    // The digits that matter: no leading zeros (millions of them are cheap
    // to skip), no trailing zeros in the fraction.
    let e = frac.len() as u64;
    let negative = s.starts_with('-');
    let (int, frac) = if int.is_empty() {
        ("", frac.trim_start_matches('0'))
    } else {
        (int, frac)
    };
    if int.len() + frac.len() <= 38 {
        // Every value typed by hand: no integers of any size.
        let m = int
            .bytes()
            .chain(frac.bytes())
            .fold(0i128, |m, b| m * 10 + i128::from(b - b'0'));
        if m == 0 {
            return Ok(Exact::zero());
        }
        return Ok(Exact {
            m: Mant::Small(if negative { -m } else { m }),
            e,
        });
    }
    let digits = format!("{int}{frac}");
    let mut m = BigInt::from_biguint(Sign::Plus, parse_digits(digits.as_bytes()));
    if negative {
        m = -m;
    }
    Ok(Exact::new(m, e))
}

/// Decimal digits to an integer, splitting long runs in halves so that a
/// value of millions of digits costs a few big multiplications, not a
/// quadratic number of small ones.
fn parse_digits(d: &[u8]) -> BigUint {
    if d.len() <= 1_000 {
        return BigUint::parse_bytes(d, 10).unwrap_or_default();
    }
    let (hi, lo) = d.split_at(d.len() / 2);
    parse_digits(hi) * pow10(lo.len() as u64) + parse_digits(lo)
}

/// `10^e`.
fn pow10(e: u64) -> BigUint {
    const SMALL: [u64; 20] = {
        let mut t = [1u64; 20];
        let mut i = 1;
        while i < 20 {
            t[i] = t[i - 1] * 10;
            i += 1;
        }
        t
    };
    match SMALL.get(e as usize) {
        Some(&p) => BigUint::from(p),
        None => BigUint::from(10u32).pow(u32::try_from(e).unwrap_or(u32::MAX)),
    }
}

/// An evidence number exactly as written, at any number of decimal places:
/// `m / 10^e`, with no trailing zero in `m` when `e > 0`, so one number has
/// one representation.
///
/// Why not cut long fractions: an amount is rounded half-up at 0.005, and
/// whether a value lies above or below a rounding boundary can depend on its
/// last digit however far out it is. With `P = 3`, `target = 100`, the
/// boundary 2.635 lies at `v = 87.8333…` (a repeating decimal): `87.8333…34`
/// earns 2.64 and `87.8333…33` earns 2.63 for any number of threes, so no
/// fixed number of places (and no sticky digit) decides every value. Only
/// the whole value does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exact {
    m: Mant,
    e: u64,
}

/// The digits of an [`Exact`]: in 128 bits whenever they fit (one number,
/// one representation), else in an integer of any size.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Mant {
    Small(i128),
    Big(BigInt),
}

impl Exact {
    pub fn zero() -> Exact {
        Exact {
            m: Mant::Small(0),
            e: 0,
        }
    }

    /// `m / 10^e`, `m` with no trailing zero when `e > 0`, `e = 0` when `m = 0`.
    fn new(m: BigInt, e: u64) -> Exact {
        let m = match i128::try_from(&m) {
            Ok(m) => Mant::Small(m),
            Err(_) => Mant::Big(m),
        };
        Exact { m, e }
    }

    /// The digits as an integer of any size.
    fn digits(&self) -> BigInt {
        match &self.m {
            Mant::Small(m) => BigInt::from(*m),
            Mant::Big(m) => m.clone(),
        }
    }

    /// `< 0`, `0` or `> 0`.
    pub fn signum(&self) -> Ordering {
        match &self.m {
            Mant::Small(m) => m.cmp(&0),
            Mant::Big(m) => match m.sign() {
                Sign::Minus => Ordering::Less,
                Sign::NoSign => Ordering::Equal,
                Sign::Plus => Ordering::Greater,
            },
        }
    }

    /// `(m, e)` for `m / 10^e`, when `m` fits in 128 bits.
    pub fn small(&self) -> Option<(i128, u64)> {
        match self.m {
            Mant::Small(m) => Some((m, self.e)),
            Mant::Big(_) => None,
        }
    }

    /// A whole number?
    pub fn is_integer(&self) -> bool {
        self.e == 0
    }

    /// The value as a whole number ≥ 0 that fits in 64 bits.
    pub fn to_u64(&self) -> Option<u64> {
        match &self.m {
            _ if self.e != 0 => None,
            Mant::Small(m) => u64::try_from(*m).ok(),
            Mant::Big(m) => u64::try_from(m).ok(),
        }
    }

    /// The value in whole cents, when it is a whole number of cents ≥ 0
    /// that fits in 64 bits.
    pub fn to_cents(&self) -> Option<u64> {
        if self.signum() == Ordering::Less {
            return None;
        }
        let digits = self.digits();
        let m = if self.e <= 2 {
            digits * BigInt::from(pow10(2 - self.e))
        } else {
            let unit = BigInt::from(pow10(self.e - 2));
            if (&digits % &unit) != BigInt::ZERO {
                return None;
            }
            digits / unit
        };
        u64::try_from(&m).ok()
    }

    /// `c` cents.
    pub fn from_cents(c: u64) -> Exact {
        Exact::new(BigInt::from(c), 2)
    }

    /// The nearest [`Decimal`]: the value itself up to 28 places, cut
    /// toward zero beyond (for command-line thresholds, never for scoring).
    pub fn to_decimal(&self) -> Decimal {
        let digits = self.digits();
        if self.e - 28.min(self.e) > digits.bits() {
            // |m| < 2^bits ≤ 10^(e − 28): nothing is left at 28 places.
            return Decimal::ZERO;
        }
        let (m, e) = if self.e > 28 {
            (digits / BigInt::from(pow10(self.e - 28)), 28)
        } else {
            (digits, self.e as u32)
        };
        match i128::try_from(&m) {
            Ok(m) => Decimal::try_from_i128_with_scale(m, e)
                .unwrap_or(Decimal::ZERO)
                .normalize(),
            Err(_) => Decimal::ZERO,
        }
    }

    /// Compare with a decimal, exactly.
    pub fn cmp_decimal(&self, d: Decimal) -> Ordering {
        Frac::from(self).cmp(&Frac::from(d))
    }
}

impl From<u64> for Exact {
    fn from(n: u64) -> Exact {
        Exact {
            m: Mant::Small(i128::from(n)),
            e: 0,
        }
    }
}

/// An exact fraction `n / d` (`d > 0`), for the few steps of one rule's
/// amount. Never reduced: each amount takes a handful of operations on
/// small numbers, and reducing would cost a gcd each time. Held in two
/// 128-bit integers while every step fits them (every ordinary value and
/// rule does), in integers of any size from the first step that would not.
#[derive(Debug, Clone)]
pub struct Frac(Repr);

#[derive(Debug, Clone)]
enum Repr {
    Small(i128, i128),
    Big(BigInt, BigInt),
}

impl Frac {
    pub fn zero() -> Frac {
        Frac(Repr::Small(0, 1))
    }

    /// A whole number.
    pub fn int(i: impl Into<BigInt>) -> Frac {
        Frac::big(i.into(), BigInt::from(1u32))
    }

    /// `n / d` (`d > 0`), small when both fit.
    fn big(n: BigInt, d: BigInt) -> Frac {
        match (i128::try_from(&n), i128::try_from(&d)) {
            (Ok(n), Ok(d)) => Frac(Repr::Small(n, d)),
            _ => Frac(Repr::Big(n, d)),
        }
    }

    /// `(n, d)` in integers of any size.
    fn parts(&self) -> (BigInt, BigInt) {
        match &self.0 {
            Repr::Small(n, d) => (BigInt::from(*n), BigInt::from(*d)),
            Repr::Big(n, d) => (n.clone(), d.clone()),
        }
    }

    /// Both as small fractions, if they are.
    fn small(&self, o: &Frac) -> Option<(i128, i128, i128, i128)> {
        match (&self.0, &o.0) {
            (Repr::Small(a, b), Repr::Small(c, d)) => Some((*a, *b, *c, *d)),
            _ => None,
        }
    }

    /// `self / other`; `other` must not be 0.
    pub fn div(&self, other: &Frac) -> Frac {
        if let Some((a, b, c, d)) = self.small(other)
            && let (Some(mut n), Some(mut m)) = (a.checked_mul(d), b.checked_mul(c))
            && m != i128::MIN
            && n != i128::MIN
        {
            if m < 0 {
                (n, m) = (-n, -m);
            }
            return Frac(Repr::Small(n, m));
        }
        let ((a, b), (c, d)) = (self.parts(), other.parts());
        let (mut n, mut d) = (a * d, b * c);
        if d.sign() == Sign::Minus {
            n = -n;
            d = -d;
        }
        Frac::big(n, d)
    }

    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small(n, _) => *n == 0,
            Repr::Big(n, _) => n.sign() == Sign::NoSign,
        }
    }

    /// Rounded half away from zero to two places, as [`round2`] does.
    /// The value must be within ±10^20 (amounts are clamped to points).
    pub fn round2(&self) -> Decimal {
        let small = match &self.0 {
            Repr::Small(n, d) => n
                .unsigned_abs()
                .checked_mul(200)
                .and_then(|x| x.checked_add(d.unsigned_abs()))
                .zip(d.unsigned_abs().checked_mul(2))
                .map(|(x, y)| (i128::try_from(x / y).unwrap_or(i128::MAX / 2), *n < 0)),
            Repr::Big(..) => None,
        };
        let (mut c, negative) = small.unwrap_or_else(|| {
            let (n, d) = self.parts();
            let mag = (n.magnitude() * 200u32 + d.magnitude()) / (d.magnitude() * 2u32);
            (
                i128::try_from(BigInt::from(mag)).unwrap_or(i128::MAX / 2),
                n.sign() == Sign::Minus,
            )
        });
        if negative {
            c = -c;
        }
        round2(Decimal::try_from_i128_with_scale(c, 2).unwrap_or(Decimal::MAX))
    }
}

impl From<&Exact> for Frac {
    fn from(x: &Exact) -> Frac {
        if let Mant::Small(n) = x.m
            && let Some(d) = 10i128.checked_pow(u32::try_from(x.e).unwrap_or(u32::MAX))
        {
            return Frac(Repr::Small(n, d));
        }
        Frac(Repr::Big(x.digits(), BigInt::from(pow10(x.e))))
    }
}

impl From<Decimal> for Frac {
    fn from(x: Decimal) -> Frac {
        // A mantissa below 2^96, a scale at most 28: always small.
        Frac(Repr::Small(x.mantissa(), 10i128.pow(x.scale())))
    }
}

/// `a/b ± c/d`, small when every step fits.
/// `a/b + c/d` over the larger denominator when one divides the other
/// (values of different decimal places: 1/10 + 1/100 is 11/100, so that a
/// sum of a hundred thousand values is not over 10^100000), else over `b d`.
fn add_small(a: i128, b: i128, c: i128, d: i128) -> Option<(i128, i128)> {
    if b % d == 0 {
        return Some((a.checked_add(c.checked_mul(b / d)?)?, b));
    }
    if d % b == 0 {
        return Some((a.checked_mul(d / b)?.checked_add(c)?, d));
    }
    Some((a.checked_mul(d)?.checked_add(c.checked_mul(b)?)?, b.checked_mul(d)?))
}

impl std::ops::Add for &Frac {
    type Output = Frac;
    fn add(self, o: &Frac) -> Frac {
        if let Some((a, b, c, d)) = self.small(o)
            && let Some((n, m)) = add_small(a, b, c, d)
        {
            return Frac(Repr::Small(n, m));
        }
        let ((a, b), (c, d)) = (self.parts(), o.parts());
        if &b % &d == BigInt::ZERO {
            let k = &b / &d;
            return Frac::big(a + c * k, b);
        }
        if &d % &b == BigInt::ZERO {
            let k = &d / &b;
            return Frac::big(a * k + c, d);
        }
        Frac::big(&a * &d + &c * &b, b * d)
    }
}

impl std::ops::Neg for &Frac {
    type Output = Frac;
    fn neg(self) -> Frac {
        match &self.0 {
            Repr::Small(n, d) if *n != i128::MIN => Frac(Repr::Small(-n, *d)),
            _ => {
                let (n, d) = self.parts();
                Frac::big(-n, d)
            }
        }
    }
}

impl std::ops::Sub for &Frac {
    type Output = Frac;
    fn sub(self, o: &Frac) -> Frac {
        self + &-o
    }
}

impl std::ops::Mul for &Frac {
    type Output = Frac;
    fn mul(self, o: &Frac) -> Frac {
        if let Some((a, b, c, d)) = self.small(o)
            && let (Some(n), Some(m)) = (a.checked_mul(c), b.checked_mul(d))
        {
            return Frac(Repr::Small(n, m));
        }
        let ((a, b), (c, d)) = (self.parts(), o.parts());
        Frac::big(a * c, b * d)
    }
}

impl PartialEq for Frac {
    fn eq(&self, o: &Frac) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Frac {}

impl PartialOrd for Frac {
    fn partial_cmp(&self, o: &Frac) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Frac {
    fn cmp(&self, o: &Frac) -> Ordering {
        if let Some((a, b, c, d)) = self.small(o) {
            if b == d {
                return a.cmp(&c);
            }
            if let (Some(x), Some(y)) = (a.checked_mul(d), c.checked_mul(b)) {
                return x.cmp(&y);
            }
        }
        let ((a, b), (c, d)) = (self.parts(), o.parts());
        (a * d).cmp(&(c * b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros_free::dec;

    mod rust_decimal_macros_free {
        /// `dec("1.5")` without pulling in a macro crate.
        pub fn dec(s: &str) -> rust_decimal::Decimal {
            s.parse().unwrap()
        }
    }

    /// A sum of values of one, two and three places (a cohort's mean) is
    /// exact, held over the largest denominator, 1000, in 128 bits, and
    /// the same over integers of any size.
    #[test]
    fn sums_of_decimals_of_different_places_stay_over_a_power_of_ten() {
        let texts = ["0.1", "2.25", "-0.005", "7", "1.125"];
        // By hand: 0.1 + 2.25 − 0.005 + 7 + 1.125 = 10.47, so 30,000 of
        // them (6,000 rounds) come to 62,820 = 62,820,000 / 1000.
        let mut sum = Frac::zero();
        let mut big = Frac(Repr::Big(BigInt::ZERO, BigInt::from(1)));
        for _ in 0..6_000 {
            for t in texts {
                let v = Frac::from(&parse_exact(t).unwrap());
                sum = &sum + &v;
                let (n, d) = v.parts();
                big = &big + &Frac(Repr::Big(n, d));
            }
        }
        assert!(matches!(sum.0, Repr::Small(62_820_000, 1000)), "{sum:?}");
        assert_eq!(big.parts(), (BigInt::from(62_820_000), BigInt::from(1000)));
        assert_eq!(sum.cmp(&Frac::int(62_820)), Ordering::Equal);
    }

    /// The quick formatting writes what `Decimal` writes, for every sign,
    /// scale and size.
    #[test]
    fn fmt2_writes_what_decimal_writes() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for i in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mantissa = match i % 4 {
                0 => (x % 1_000) as i64,
                1 => (x % 100_000_000) as i64,
                2 => x as i64,
                _ => -((x % 1_000_000) as i64),
            };
            let d = Decimal::new(mantissa, (x >> 60) as u32 % 6);
            assert_eq!(fmt2(d), round2(d).to_string(), "{d}");
        }
        for s in [
            "0",
            "-0",
            "-0.001",
            "0.005",
            "-0.005",
            "99.995",
            "79228162514264337593543950335",
        ] {
            assert_eq!(fmt2(dec(s)), round2(dec(s)).to_string(), "{s}");
        }
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(fmt2(dec("2.345")), "2.35");
        assert_eq!(fmt2(dec("2.335")), "2.34");
        assert_eq!(fmt2(dec("2.3449")), "2.34");
        assert_eq!(fmt2(dec("0.005")), "0.01");
        assert_eq!(fmt2(dec("7")), "7.00");
        assert_eq!(fmt2(dec("-0.001")), "0.00");
    }

    #[test]
    fn sums_do_not_drift() {
        let parts = ["6", "8", "5.13", "7.5", "5.5", "5", "6", "4.87"];
        let sum: Decimal = parts.iter().map(|p| dec(p)).sum();
        assert_eq!(fmt2(sum), "48.00");
        assert_eq!(sum, dec("48"));
        // The same sum in f64 is not 48.
        let f: f64 = [6.0, 8.0, 5.13, 7.5, 5.5, 5.0, 6.0, 4.87].iter().sum();
        assert_ne!(f, 48.0);
    }

    #[test]
    fn points_print_as_written() {
        assert_eq!(fmt_points(dec("25.00")), "25");
        assert_eq!(fmt_points(dec("2.50")), "2.5");
        assert_eq!(fmt_points(dec("0")), "0");
    }

    #[test]
    fn parses_evidence_numbers() {
        assert_eq!(parse_number(" 95% "), Ok(dec("95")));
        assert_eq!(parse_number("95.5 %"), Ok(dec("95.5")));
        assert_eq!(parse_number("３"), Ok(dec("3")));
        assert_eq!(parse_number("９５．５％"), Ok(dec("95.5")));
        assert_eq!(parse_number("-0"), Ok(Decimal::ZERO));
        assert_eq!(parse_number(".5"), Ok(dec("0.5")));
        assert_eq!(parse_number("2."), Ok(dec("2")));
        assert_eq!(parse_number("-3"), Ok(dec("-3")));
        assert_eq!(parse_number("0.12345678901234"), Ok(dec("0.12345678901234")));
        assert_eq!(parse_number("1.50000000000000000000000000000000000000"), Ok(dec("1.5")));
    }

    /// `(n, d)` of an exact value, for comparing with hand-written fractions.
    fn frac(s: &str) -> Frac {
        Frac::from(&parse_exact(s).unwrap())
    }

    #[test]
    fn evidence_numbers_are_exact_at_any_length() {
        // 40 places: nothing is cut.
        let forty = "0.1234567890123456789012345678901234567891";
        let x = parse_exact(forty).unwrap();
        assert_eq!(
            Frac::from(&x),
            Frac::int(BigInt::parse_bytes(b"1234567890123456789012345678901234567891", 10).unwrap())
                .div(&Frac::int(BigInt::from(10u32).pow(40)))
        );
        assert!(x.cmp_decimal(dec("0.1234567890123456789012345678")).is_gt());
        assert!(!x.is_integer());
        // Trailing zeros do not make a different number; a count stays whole.
        assert_eq!(parse_exact("5.000000000000000000000000000000"), parse_exact("5"));
        assert!(parse_exact("5.0000000000000000000000000000001").is_ok_and(|x| !x.is_integer()));
        // A value between two Decimals is told apart from both.
        assert!(frac("87.83333333333333333333333333333333334") > frac("87.83333333333333333333333333333333333"));
        // Millions of digits: exact, and quickly (a value this long is
        // split in halves rather than read digit by digit).
        let zeros = "0".repeat(5_000_000);
        assert!(parse_exact(&format!("{zeros}.{zeros}1")).unwrap().signum().is_gt());
        let long = "3".repeat(20_000);
        let third = parse_exact(&format!("0.{long}")).unwrap();
        // 0.333…3 (20,000 threes) = (10^20000 − 1) / (3 × 10^20000) < 1/3.
        assert!(Frac::from(&third) < Frac::int(1).div(&Frac::int(3)));
        assert!(frac(&format!("0.{long}4")) > Frac::int(1).div(&Frac::int(3)));
    }

    #[test]
    fn fractions_round_half_away_from_zero() {
        // 263.5 / 100 = 2.635 exactly: up.
        assert_eq!(Frac::int(2635).div(&Frac::int(1000)).round2().to_string(), "2.64");
        // 2.634999…9 (30 nines): down.
        assert_eq!(frac("2.634999999999999999999999999999").round2().to_string(), "2.63");
        assert_eq!(frac("-2.635").round2().to_string(), "-2.64");
        assert_eq!(frac("-0.001").round2().to_string(), "0.00");
        assert_eq!(Frac::zero().round2().to_string(), "0.00");
    }

    #[test]
    fn rejects_what_is_not_a_plain_number() {
        for bad in [
            "abc", "1,5", "1e3", "1e309", "NaN", "inf", "-", ".", "1.2.3", "0x10", "1 000", "++1",
        ] {
            assert_eq!(parse_number(bad), Err(NumberError::NotANumber), "{bad}");
        }
        assert_eq!(parse_number(""), Err(NumberError::Empty));
        assert_eq!(parse_number("%"), Err(NumberError::Empty));
        assert_eq!(
            parse_number("1234567890123456789012345678901234567890"),
            Err(NumberError::TooLarge)
        );
        assert_eq!(parse_number("1000000000001"), Err(NumberError::TooLarge));
        assert_eq!(parse_number("1000000000000"), Ok(dec("1000000000000")));
        let zeros = "0".repeat(5_000_000);
        assert_eq!(parse_number(&format!("{zeros}12.5")), Ok(dec("12.5")));
        assert_eq!(parse_number(&format!("-{zeros}")), Ok(Decimal::ZERO));
        // 10^-5000001 as the nearest Decimal (exact in parse_exact, above).
        assert_eq!(parse_number(&format!("{zeros}.{zeros}1")), Ok(Decimal::ZERO));
    }

    /// Small fractions give what the same steps give in integers of any
    /// size, near the edge of 128 bits too (where they must switch).
    #[test]
    fn small_fractions_agree_with_big_ones() {
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let big = |f: &Frac| {
            let (n, d) = f.parts();
            Frac(Repr::Big(n, d))
        };
        let mut small = 0;
        for _ in 0..20_000 {
            let mut pick = || {
                let r = next();
                // Bits of the numerator: small, middling or at the edge.
                let bits = [8, 40, 63, 100, 126][(r % 5) as usize];
                let n = (i128::from(next()) << 64 | i128::from(next())) >> (127 - bits);
                let d = (10i128.pow((r >> 8) as u32 % 30)).max(1);
                let n = if r >> 40 & 1 == 1 { -n } else { n };
                Frac(Repr::Small(n, d))
            };
            let (a, b) = (pick(), pick());
            let (ba, bb) = (big(&a), big(&b));
            let same = |s: Frac, t: Frac| {
                let ((n, d), (m, e)) = (s.parts(), t.parts());
                assert_eq!(&n * &e, &m * &d, "{a:?} {b:?}");
            };
            let sum = &a + &b;
            small += usize::from(matches!(sum.0, Repr::Small(..)));
            same(sum, &ba + &bb);
            same(&a - &b, &ba - &bb);
            same(&a * &b, &ba * &bb);
            if !b.is_zero() {
                let (q, bq) = (a.div(&b), ba.div(&bb));
                assert!(q.parts().1.sign() == Sign::Plus);
                same(q, bq);
            }
            assert_eq!(a.cmp(&b), ba.cmp(&bb));
            let (n, d) = a.parts();
            if n.magnitude() < &(d.magnitude() * BigUint::from(10u32).pow(20)) {
                assert_eq!(a.round2(), ba.round2(), "{a:?}");
            }
        }
        // Both ways were taken.
        assert!((5_000..15_000).contains(&small), "{small} small sums");
    }

    /// A number read in 128 bits is the one read in integers of any size:
    /// digits, point and zeros anywhere, 1 to 60 digits (past the edge).
    #[test]
    fn numbers_read_small_are_the_numbers_read_big() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for _ in 0..20_000 {
            let mut int = String::new();
            let mut frac = String::new();
            for _ in 0..next(14) {
                int.push(char::from(b'0' + next(10) as u8));
            }
            for _ in 0..next(48) {
                frac.push(char::from(b'0' + [0, 0, 3, 9, 1][next(5) as usize]));
            }
            if int.len() == 13 {
                int.replace_range(..1, "0");
            }
            let sign = ["", "-", "+"][next(3) as usize];
            let text = if frac.is_empty() {
                format!("{sign}{int}")
            } else {
                format!("{sign}{int}.{frac}")
            };
            let Ok(got) = parse_exact(&text) else {
                assert!(int.is_empty() && frac.is_empty(), "{text}");
                continue;
            };
            // By hand: every digit as one integer over 10^(places), then
            // trailing zeros of the fraction dropped.
            let mut m = BigInt::parse_bytes(format!("0{int}{frac}").as_bytes(), 10).unwrap();
            let mut e = frac.len() as u64;
            while e > 0 && (&m % 10u32) == BigInt::ZERO {
                m /= 10u32;
                e -= 1;
            }
            if sign == "-" {
                m = -m;
            }
            let want = if m == BigInt::ZERO {
                Exact::zero()
            } else {
                Exact::new(m, e)
            };
            assert_eq!(got, want, "{text}");
        }
    }
}
