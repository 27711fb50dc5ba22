//! Assessment periods: `2023`, `2023H1`, `2023Q4`, `2023-06`, and the
//! calendar dates they imply (the period's last day, rectification
//! deadlines). Calendar arithmetic is left to `jiff`, so month lengths and
//! leap years are never hand-coded here.

use jiff::civil::Date;
use std::fmt;

/// What part of a year a period covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Year,
    Half(u8),
    Quarter(u8),
    Month(u8),
}

/// A checked assessment period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: u16,
    pub span: Span,
}

impl Period {
    /// Parse a period; `H`/`Q` may be lower case.
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        let year: u16 = s.get(..4)?.parse().ok().filter(|y| (1900..=9999).contains(y))?;
        if !s.is_char_boundary(4) {
            return None;
        }
        let rest = &s[4..];
        let num = |t: &str, max: u8| {
            t.parse::<u8>()
                .ok()
                .filter(|n| (1..=max).contains(n) && !t.starts_with('+'))
        };
        let span = match rest.chars().next().map(|c| c.to_ascii_uppercase()) {
            None => Span::Year,
            Some('H') => Span::Half(num(&rest[1..], 2)?),
            Some('Q') => Span::Quarter(num(&rest[1..], 4)?),
            Some('-') if rest.len() == 3 => Span::Month(num(&rest[1..], 12)?),
            _ => return None,
        };
        Some(Period { year, span })
    }

    /// The last day of the period: 31 December for a year or a second half,
    /// 30 June for a first half, the last day of the quarter's or the month's
    /// last month otherwise (29 February in a leap year).
    pub fn end(&self) -> Date {
        let month = match self.span {
            Span::Year | Span::Half(2) => 12,
            Span::Half(_) => 6,
            Span::Quarter(q) => 3 * q,
            Span::Month(m) => m,
        };
        Date::new(self.year as i16, month as i8, 1)
            .expect("validated: year 1900..=9999, month 1..=12")
            .last_of_month()
    }

    /// The rectification deadline (整改时限): `days` after the period ends;
    /// `None` past the last date the calendar can hold (9999-12-31).
    pub fn deadline(&self, days: u32) -> Option<Date> {
        self.end().checked_add(jiff::Span::new().days(i64::from(days))).ok()
    }

    /// For clap.
    pub fn parse_arg(s: &str) -> Result<Period, String> {
        Period::parse(s).ok_or_else(|| {
            crate::msg!(
                zh: "“{s}”不是有效的考核期；请写作 2023、2023H1、2023Q4 或 2023-06",
                en: "\"{s}\" is not a period; use 2023, 2023H1, 2023Q4 or 2023-06"
            )
        })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.span {
            Span::Year => write!(f, "{}", self.year),
            Span::Half(h) => write!(f, "{}H{h}", self.year),
            Span::Quarter(q) => write!(f, "{}Q{q}", self.year),
            Span::Month(m) => write!(f, "{}-{m:02}", self.year),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        for (s, shown) in [
            ("2023", "2023"),
            ("2023h1", "2023H1"),
            ("2023H2", "2023H2"),
            ("2023q4", "2023Q4"),
            ("2023-06", "2023-06"),
        ] {
            assert_eq!(Period::parse(s).unwrap().to_string(), shown);
        }
        for bad in [
            "23", "2023H3", "2023Q0", "2023Q5", "2023-13", "2023-6", "2023-00", "2023X", "年2023", "2023Q+1",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    fn end(s: &str) -> String {
        Period::parse(s).unwrap().end().to_string()
    }

    #[test]
    fn period_ends() {
        for (p, e) in [
            ("2023", "2023-12-31"),
            ("2023H1", "2023-06-30"),
            ("2023H2", "2023-12-31"),
            ("2023Q1", "2023-03-31"),
            ("2023Q2", "2023-06-30"),
            ("2023Q3", "2023-09-30"),
            ("2023Q4", "2023-12-31"),
            ("2023-01", "2023-01-31"),
            ("2023-02", "2023-02-28"),
            ("2024-02", "2024-02-29"),
            ("2000-02", "2000-02-29"),
            ("1900-02", "1900-02-28"),
            ("2023-04", "2023-04-30"),
            ("2023-11", "2023-11-30"),
            ("2023-12", "2023-12-31"),
        ] {
            assert_eq!(end(p), e, "{p}");
        }
    }

    #[test]
    fn deadlines_cross_months_years_and_leap_days() {
        let d = |p: &str, days| Period::parse(p).unwrap().deadline(days).map(|d| d.to_string());
        assert_eq!(d("2023", 30).as_deref(), Some("2024-01-30"));
        assert_eq!(d("2023", 0).as_deref(), Some("2023-12-31"));
        assert_eq!(d("2024-01", 29).as_deref(), Some("2024-02-29"));
        assert_eq!(d("2023-01", 29).as_deref(), Some("2023-03-01"));
        assert_eq!(d("2024Q1", 30).as_deref(), Some("2024-04-30"));
        assert_eq!(d("2023H1", 31).as_deref(), Some("2023-07-31"));
        assert_eq!(d("2023H2", 60).as_deref(), Some("2024-02-29"));
        assert_eq!(d("2023Q3", 366).as_deref(), Some("2024-09-30"));
        assert_eq!(d("9999", 1), None);
    }
}
