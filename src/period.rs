//! Assessment periods: `2023`, `2023H1`, `2023Q4`, `2023-06`.

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

    /// For clap.
    pub fn parse_arg(s: &str) -> Result<Period, String> {
        Period::parse(s).ok_or_else(|| format!("\"{s}\" is not a period; use 2023, 2023H1, 2023Q4 or 2023-06"))
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
}
