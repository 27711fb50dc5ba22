//! Exact decimal numbers: parsing evidence values, rounding and formatting.
//!
//! Points are never held in binary floating point: a unit scoring exactly
//! 90.00 must be 好, not 89.999… . Everything here works on
//! [`rust_decimal::Decimal`] and rounds half away from zero, which is what
//! "四舍五入" and SPEC's "half-up" mean for the non-negative amounts we have.

use rust_decimal::{Decimal, RoundingStrategy};
use std::str::FromStr;

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

/// `12.30`: two places always.
pub fn fmt2(d: Decimal) -> String {
    let r = round2(d);
    // What `Decimal`'s `Display` writes, without its general machinery:
    // every amount of a large list goes through here.
    match u64::try_from(r.mantissa()) {
        Ok(m) if r.scale() == 2 => format!("{}.{:02}", m / 100, m % 100),
        _ => r.to_string(),
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

/// Parse an evidence number: optional sign, digits, optional fraction, an
/// optional trailing `%` (ignored: `95%` is 95), surrounding spaces.
/// Full-width digits, point and percent sign (what a Chinese input method
/// types: `９５．５％`) are read as their ASCII forms. Exponents, thousands
/// separators, decimal commas, `NaN` and `inf` are not numbers here.
pub fn parse_number(text: &str) -> Result<Decimal, NumberError> {
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
    let int_digits = int.trim_start_matches('0');
    if int_digits.len() > 13 {
        return Err(NumberError::TooLarge);
    }
    // Keep at most 10 fractional digits: more cannot change a 2-place result.
    let frac = &frac[..frac.len().min(10)];
    // Leading zeros are dropped too: however many there are, the decimal
    // parser sees at most 13 + 10 digits (millions of zeros overflowed its
    // stack).
    let canonical = format!(
        "{}{}.{}",
        if s.starts_with('-') { "-" } else { "" },
        if int_digits.is_empty() { "0" } else { int_digits },
        if frac.is_empty() { "0" } else { frac }
    );
    let d = Decimal::from_str(&canonical).map_err(|_| NumberError::NotANumber)?;
    if d.abs() > Decimal::from(MAX_VALUE) {
        return Err(NumberError::TooLarge);
    }
    Ok(if d.is_zero() { Decimal::ZERO } else { d.normalize() })
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
        assert_eq!(parse_number("0.12345678901234"), Ok(dec("0.1234567890")));
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
        assert_eq!(parse_number(&format!("{zeros}.{zeros}1")), Ok(Decimal::ZERO));
    }
}
