//! Located problems with the inputs.
//!
//! Every loader collects *all* the problems it finds into a [`Diagnostics`]
//! list instead of stopping at the first, so a user fixing a spreadsheet sees
//! every bad cell in one run. Each problem renders as one line,
//! `FILE:LINE: message`, which is what editors and CI logs understand; a
//! problem in a spreadsheet names its cell the way Excel does,
//! `FILE!SHEET!C12: message`.

use std::fmt;

/// One problem with an input, located as precisely as the input allows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file as the user named it (or `<embedded>/…` for the built-in framework).
    pub file: String,
    /// 1-based line (a spreadsheet's row number), when the problem has one.
    pub line: Option<u64>,
    /// The worksheet, when the input is a spreadsheet.
    pub sheet: Option<String>,
    /// 1-based column of the cell, when the problem is in one cell of a
    /// spreadsheet (shown as a letter: `C12`).
    pub column: Option<u32>,
    /// What is wrong, in one sentence; may end with a hint.
    pub message: String,
}

impl Diagnostic {
    pub fn at(file: impl Into<String>, line: u64, message: impl Into<String>) -> Self {
        Diagnostic::new(file, Some(line), message)
    }

    pub fn file(file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic::new(file, None, message)
    }

    /// A problem at an optional line of a file.
    pub fn new(file: impl Into<String>, line: Option<u64>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line,
            sheet: None,
            column: None,
            message: message.into(),
        }
    }

    /// Locate the problem in a worksheet (row `line`, and `column` when it
    /// is one cell's).
    pub fn in_sheet(mut self, sheet: impl Into<String>, column: Option<u32>) -> Self {
        self.sheet = Some(sheet.into());
        self.column = column;
        self
    }
}

/// Excel's letters for a 1-based column: 1 → `A`, 27 → `AA`.
pub fn column_letters(column: u32) -> String {
    let mut n = column;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// Where a problem is, without the message: `a.csv:3`, `a.xlsx!佐证!C12`.
pub fn location(file: &str, sheet: Option<&str>, line: Option<u64>, column: Option<u32>) -> String {
    match (sheet, line, column) {
        (Some(s), Some(l), Some(c)) => format!("{file}!{s}!{}{l}", column_letters(c)),
        (Some(s), Some(l), None) => format!("{file}!{s}!{l}"),
        (Some(s), None, _) => format!("{file}!{s}"),
        (None, Some(l), _) => format!("{file}:{l}"),
        (None, None, _) => file.to_string(),
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = location(&self.file, self.sheet.as_deref(), self.line, self.column);
        write!(f, "{at}: {}", one_line(&self.message))
    }
}

/// Messages quote cells, and a cell may hold line breaks (a quoted cell, or
/// an unclosed quote that swallowed the rest of the file); they are shown as
/// `\n` so each problem stays one `FILE:LINE: message` line.
fn one_line(message: &str) -> std::borrow::Cow<'_, str> {
    if message.contains(['\n', '\r']) {
        message.replace("\r\n", "\\n").replace(['\n', '\r'], "\\n").into()
    } else {
        message.into()
    }
}

/// All the problems found in one run, in the order they were found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// `Ok(value)` when nothing was found, else the whole list.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() { Ok(value) } else { Err(self) }
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// 1-based line number of a byte offset in `text`.
pub fn line_of(text: &str, offset: usize) -> u64 {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() as u64 + 1
}

/// The closest of `candidates` to `word`, when it is close enough to be a
/// plausible typo ("did you mean …?").
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let limit = lower.chars().count() / 3;
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let cl = c.to_lowercase();
        if cl == lower {
            return Some(c);
        }
        // Edits with transpositions ("pre" → "per"), or a close prefix match.
        let dist = strsim::osa_distance(&lower, &cl);
        let close = dist <= limit || strsim::jaro_winkler(&lower, &cl) >= 0.9;
        if close && best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `" (did you mean \"X\"?)"` or nothing.
pub fn hint(word: &str, candidates: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let owned: Vec<String> = candidates.into_iter().map(|c| c.as_ref().to_string()).collect();
    match did_you_mean(word, owned.iter().map(String::as_str)) {
        Some(c) => format!(" (did you mean \"{c}\"?)"),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_file_and_line() {
        let d = Diagnostic::at("a.csv", 3, "bad value");
        assert_eq!(d.to_string(), "a.csv:3: bad value");
        assert_eq!(Diagnostic::file("a.csv", "empty").to_string(), "a.csv: empty");
    }

    #[test]
    fn renders_spreadsheet_cells() {
        let d = Diagnostic::at("e.xlsx", 12, "bad").in_sheet("佐证", Some(3));
        assert_eq!(d.to_string(), "e.xlsx!佐证!C12: bad");
        let d = Diagnostic::at("e.xlsx", 2, "bad").in_sheet("Sheet1", None);
        assert_eq!(d.to_string(), "e.xlsx!Sheet1!2: bad");
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(703), "AAA");
    }

    #[test]
    fn a_problem_is_one_line() {
        let d = Diagnostic::at("a.csv", 2, "\"是\r\nU01,A2,0\n1\" is not yes/no");
        assert_eq!(d.to_string(), "a.csv:2: \"是\\nU01,A2,0\\n1\" is not yes/no");
    }

    #[test]
    fn line_numbers_count_newlines() {
        assert_eq!(line_of("a\nb\nc", 0), 1);
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 99), 3);
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(did_you_mean("A12", ["A1", "A2", "B1"]), Some("A1"));
        assert_eq!(did_you_mean("ponts", ["points", "name"]), Some("points"));
        assert_eq!(did_you_mean("zzz", ["points", "name"]), None);
    }
}
