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
    /// Parse a period; `H`/`Q` may be lower case. The Chinese forms are
    /// read too: `2024年`, `2024年第一季度` (`一季度`, `1季度`, `第1季度`),
    /// `2024年上半年`/`下半年`, `2024年6月` (`06月`); `年` may be left out
    /// before a quarter or half (`2024上半年`).
    pub fn parse(s: &str) -> Option<Period> {
        let s = s.trim();
        if s.contains(['年', '季', '月']) {
            return Period::parse_zh(s);
        }
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

    fn parse_zh(s: &str) -> Option<Period> {
        let year: u16 = s.get(..4)?.parse().ok().filter(|y| (1900..=9999).contains(y))?;
        let rest = s.get(4..)?;
        let rest = rest.strip_prefix('年').unwrap_or(rest).trim();
        let digit = |t: &str| -> Option<u8> {
            match t {
                "一" | "1" => Some(1),
                "二" | "2" => Some(2),
                "三" | "3" => Some(3),
                "四" | "4" => Some(4),
                _ => None,
            }
        };
        let span = if rest.is_empty() {
            // `2024` alone is the ASCII form; `2024年` says the year.
            if !s.contains('年') {
                return None;
            }
            Span::Year
        } else if rest == "上半年" {
            Span::Half(1)
        } else if rest == "下半年" {
            Span::Half(2)
        } else if let Some(q) = rest.strip_suffix("季度") {
            Span::Quarter(digit(q.strip_prefix('第').unwrap_or(q))?)
        } else if let Some(m) = rest.strip_suffix('月') {
            // After `年` only: `2024-06` is the ASCII form.
            if !s[4..].starts_with('年') || m.is_empty() || m.len() > 2 || m.starts_with('+') {
                return None;
            }
            Span::Month(m.parse::<u8>().ok().filter(|n| (1..=12).contains(n))?)
        } else {
            return None;
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
            crate::base::lang::msg!(
                zh: "“{s}”不是有效的考核期；请写作 2023、2023H1、2023Q4 或 2023-06（也可写 2023年、2023年上半年、2023年第四季度、2023年6月）",
                en: "\"{s}\" is not a period; use 2023, 2023H1, 2023Q4 or 2023-06 (or 2023年, 2023年上半年, 2023年第四季度, 2023年6月)"
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

/// A date as `YYYY-MM-DD` (also `2024/1/5` and `2024年1月5日`), for clap.
pub fn parse_date(s: &str) -> Result<Date, String> {
    let t = s.trim();
    let parts: Vec<&str> = t.trim_end_matches('日').split(['-', '/', '年', '月', '.']).collect();
    let date = match parts.as_slice() {
        [y, m, d] if y.len() == 4 => match (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) {
            (Ok(y), Ok(m), Ok(d)) => Date::new(y, m, d).ok(),
            _ => None,
        },
        _ => None,
    };
    date.ok_or_else(|| {
        crate::base::lang::msg!(
            zh: "“{s}”不是日期：请写成 2024-01-05 或 2024年1月5日",
            en: "\"{s}\" is not a date: write it as 2024-01-05"
        )
    })
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

    #[test]
    fn parses_the_chinese_forms() {
        for (s, shown) in [
            ("2024年", "2024"),
            ("2024年第一季度", "2024Q1"),
            ("2024年一季度", "2024Q1"),
            ("2024第四季度", "2024Q4"),
            ("2024年第3季度", "2024Q3"),
            ("2024年上半年", "2024H1"),
            ("2024上半年", "2024H1"),
            ("2024年下半年", "2024H2"),
            ("2024年6月", "2024-06"),
            ("2024年06月", "2024-06"),
            ("2024年12月", "2024-12"),
        ] {
            assert_eq!(Period::parse(s).map(|p| p.to_string()).as_deref(), Some(shown), "{s}");
        }
        for bad in [
            "2024年第五季度",
            "2024年13月",
            "2024年0月",
            "2024年全年",
            "2024季度",
            "2024年+6月",
            "2024年6",
            "2024月",
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
