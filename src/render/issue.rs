//! Who issues a circulated document and when (发文单位、日期): printed on
//! HTML reports and DOCX letters. Both are given (`--issuer`, `--date`) or
//! the issuer comes from the framework's `issuer` key; the date is never
//! read from the clock, so the same inputs give the same document.

use crate::base::lang::Lang;
use crate::model::framework::Framework;
use jiff::civil::Date;

/// The issuing body and date of a document; either may be absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Issue {
    pub issuer: Option<String>,
    pub date: Option<Date>,
}

/// `--issuer` and `--date`, for the commands that write documents.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct IssueArgs {
    /// Issuing body printed on HTML and DOCX documents (default: the framework's `issuer`)
    #[arg(long, value_name = "TEXT")]
    pub issuer: Option<String>,
    /// Date printed on HTML and DOCX documents, YYYY-MM-DD (default: none)
    #[arg(long = "date", value_name = "DATE", value_parser = parse_date)]
    pub date: Option<Date>,
}

impl IssueArgs {
    /// The issue of a document: the options first, then the framework's
    /// `issuer` when it has one.
    pub fn issue(&self, fw: Option<&Framework>) -> Issue {
        let issuer = self
            .issuer
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| fw.and_then(|f| f.issuer.clone()));
        Issue {
            issuer,
            date: self.date,
        }
    }
}

use crate::base::period::parse_date;

/// A date as a document shows it: `2024年1月5日`, `2024-01-05`.
pub fn date_text(d: Date, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
        Lang::En => d.to_string(),
    }
}

impl Issue {
    /// `某县考核办 · 2024年1月5日`, or `None` when neither is given.
    pub fn line(&self, lang: Lang) -> Option<String> {
        let mut parts = Vec::new();
        parts.extend(self.issuer.clone());
        parts.extend(self.date.map(|d| date_text(d, lang)));
        (!parts.is_empty()).then(|| parts.join(" · "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_forms_offices_write() {
        let d = Date::new(2024, 1, 5).unwrap();
        assert_eq!(parse_date("2024-01-05"), Ok(d));
        assert_eq!(parse_date("2024/1/5"), Ok(d));
        assert_eq!(parse_date("2024年1月5日"), Ok(d));
        assert!(parse_date("2024-02-30").is_err());
        assert!(parse_date("5.1.2024").is_err());
        assert_eq!(date_text(d, Lang::Zh), "2024年1月5日");
        assert_eq!(date_text(d, Lang::En), "2024-01-05");
    }

    #[test]
    fn the_options_come_before_the_framework() {
        let fw = Framework::parse(
            "[framework]\nid = \"x\"\ntitle = \"t\"\ntotal = 1\nissuer = \"某县考核办\"\n\
             [[grade]]\nname = \"好\"\nmin = 0\n[[indicator]]\nid = \"A1\"\nname = \"a\"\npoints = 1\nrule = { type = \"check\" }\n",
            "t.toml",
        )
        .unwrap();
        let none = IssueArgs::default();
        assert_eq!(none.issue(Some(&fw)).issuer.as_deref(), Some("某县考核办"));
        let given = IssueArgs {
            issuer: Some("市考核办".into()),
            date: None,
        };
        assert_eq!(given.issue(Some(&fw)).issuer.as_deref(), Some("市考核办"));
        assert_eq!(none.issue(None), Issue::default());
        assert_eq!(none.issue(None).line(Lang::Zh), None);
    }
}
