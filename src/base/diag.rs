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
        let file = one_line(&self.file);
        let at = location(
            &file,
            self.sheet.as_deref().map(one_line).as_deref(),
            self.line,
            self.column,
        );
        write!(f, "{at}: {}", one_line(&self.message))
    }
}

/// Longest message shown whole; the middle of a longer one (a 10 MB cell
/// quoted back, a 100,000-column header) is cut.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// Text as one bounded line. Messages quote the user's cells, which may hold
/// line breaks (quoted newlines), terminal escapes, bidirectional overrides or
/// megabytes of text: those are escaped (`\n`, `\u{1b}`) so every problem
/// stays one line that shows what is really there, and overlong text keeps
/// its head and tail around a note of how much was left out.
pub fn one_line(text: &str) -> String {
    let count = text.chars().count();
    let mut out = String::new();
    let escape = |out: &mut String, s: &str| push_escaped(out, s, true);
    if count <= MAX_MESSAGE_CHARS {
        escape(&mut out, text);
    } else {
        let (head, tail) = (MAX_MESSAGE_CHARS * 3 / 5, MAX_MESSAGE_CHARS / 5);
        let head_end = text.char_indices().nth(head).map_or(text.len(), |(i, _)| i);
        let tail_start = text.char_indices().nth(count - tail).map_or(text.len(), |(i, _)| i);
        escape(&mut out, &text[..head_end]);
        out.push_str(&crate::base::lang::msg!(
            zh: "…[省略 {} 个字符]…",
            en: "…[{} characters left out]…",
            count - head - tail
        ));
        escape(&mut out, &text[tail_start..]);
    }
    out
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

/// Most problems listed for one file; a file where every cell is wrong (a
/// 100,000-column header of unknown indicators, the wrong framework) says
/// how many more there are instead of flooding the terminal.
pub const MAX_PROBLEMS_PER_FILE: usize = 100;

/// The lines to print for a failed run: every problem up to `per_file` for
/// each file, then for each file with more, how many were left out, then the
/// total when there was more than one.
pub fn report_lines(d: &Diagnostics, per_file: usize) -> Vec<String> {
    let mut shown: Vec<(&str, usize, usize)> = Vec::new(); // file, shown, left out
    let mut lines = Vec::new();
    for p in &d.0 {
        let i = match shown.iter().position(|(f, _, _)| *f == p.file) {
            Some(i) => i,
            None => {
                shown.push((&p.file, 0, 0));
                shown.len() - 1
            }
        };
        if shown[i].1 < per_file {
            shown[i].1 += 1;
            lines.push(p.to_string());
        } else {
            shown[i].2 += 1;
        }
    }
    for (file, _, more) in &shown {
        if *more > 0 {
            lines.push(crate::base::lang::msg!(
                zh: "{}：…… 本文件另有 {more} 个问题",
                en: "{}: … and {more} more problems in this file",
                one_line(file)
            ));
        }
    }
    if d.len() > 1 {
        lines.push(crate::base::lang::msg!(
            zh: "共发现 {} 个问题，未写出任何文件",
            en: "{} problems found; nothing was written",
            d.len()
        ));
    }
    lines
}

/// `text` with line breaks, other control characters and bidirectional
/// overrides escaped (`\n`, `\u{1b}`, `\u{202e}`): shown, never obeyed by
/// a terminal.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text, false);
    out
}

/// Escape what [`escape_controls`] escapes, and in messages (`invisible`)
/// every other invisible character too ([`is_invisible`]): a message must
/// show what is really in a cell, while a report cell keeps a joiner that
/// belongs to the text.
fn push_escaped(out: &mut String, s: &str, invisible: bool) {
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
                || (invisible && is_invisible(c)) =>
            {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
}

/// Characters a reader cannot see: controls, zero-width and other format
/// characters (U+200B–U+200F, U+2060–U+206F, U+FEFF, the soft hyphen …),
/// line and paragraph separators, bidirectional controls, blank fillers and
/// tag characters. In an id they make `A1` and `A1`+U+200B two different
/// things that print the same, so ids holding one are refused and every
/// message shows them escaped.
pub fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{00ad}'
                | '\u{034f}'
                | '\u{061c}'
                | '\u{115f}'
                | '\u{1160}'
                | '\u{17b4}'
                | '\u{17b5}'
                | '\u{180b}'..='\u{180f}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{206f}'
                | '\u{3164}'
                | '\u{fe00}'..='\u{fe0f}'
                | '\u{feff}'
                | '\u{ffa0}'
                | '\u{fff0}'..='\u{fffb}'
                | '\u{1d173}'..='\u{1d17a}'
                | '\u{e0000}'..='\u{e0fff}'
        )
}

/// The first invisible character in `text` ([`is_invisible`]), if any.
pub fn first_invisible(text: &str) -> Option<char> {
    text.chars().find(|&c| is_invisible(c))
}

/// An invisible character named for a message: `U+200B (zero width
/// space)`, its code point always, its name when it is a common one.
pub fn describe_invisible(c: char) -> String {
    let (zh, en) = match c {
        '\u{200b}' => ("零宽空格", "zero width space"),
        '\u{200c}' => ("零宽非连接符", "zero width non-joiner"),
        '\u{200d}' => ("零宽连接符", "zero width joiner"),
        '\u{2060}' => ("零宽不换行符", "word joiner"),
        '\u{feff}' => ("字节顺序标记/零宽不换行空格", "byte order mark"),
        '\u{00ad}' => ("软连字符", "soft hyphen"),
        '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
            ("文字方向控制符", "bidirectional control")
        }
        c if c.is_control() => ("控制字符", "control character"),
        _ => ("不可见字符", "invisible character"),
    };
    let code = format!("U+{:04X}", c as u32);
    crate::base::lang::msg!(zh: "{code}（{zh}）", en: "{code} ({en})")
}

/// The message for an id holding an invisible character: the id as it
/// really is (escaped) and the character named, e.g. `the unit id
/// "U2\u{200b}" contains the invisible character U+200B (zero width space)`.
pub fn invisible_in_id(what_zh: &str, what_en: &str, id: &str, c: char) -> String {
    let shown = one_line(id);
    let ch = describe_invisible(c);
    crate::base::lang::msg!(
        zh: "{what_zh}“{shown}”含不可见字符 {ch}，看起来相同的编号会被当作另一个；请删除该字符",
        en: "{what_en} \"{shown}\" contains the invisible character {ch}, which makes it a different id that looks the same; delete the character"
    )
}

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
        Some(c) => crate::base::lang::msg!(zh: "（是否应为“{c}”？）", en: " (did you mean \"{c}\"?)"),
        None => String::new(),
    }
}

/// Print warnings on stderr (`警告：…`/`warning: …`), at most
/// [`MAX_PROBLEMS_PER_FILE`] per file, then how many more: the run goes on.
pub fn warn(d: &Diagnostics) {
    let prefix = crate::base::lang::m("警告：", "warning: ");
    let mut lines = report_lines(d, MAX_PROBLEMS_PER_FILE);
    if d.len() > 1 {
        lines.pop(); // "N problems found; nothing was written"
    }
    for line in lines {
        eprintln!("{prefix}{line}");
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
    fn messages_stay_one_bounded_line() {
        let d = Diagnostic::at("a.csv", 2, "unknown indicator \"A\r\n1\t\u{1b}[31m\u{202e}\"");
        assert_eq!(
            d.to_string(),
            "a.csv:2: unknown indicator \"A\\r\\n1\\t\\u{1b}[31m\\u{202e}\""
        );
        let long = format!("\"{}\" is not a number", "x".repeat(10_000));
        let shown = Diagnostic::at("a.csv", 2, long).to_string();
        assert_eq!(
            shown,
            format!(
                "a.csv:2: \"{}…[9618 characters left out]…{}\" is not a number",
                "x".repeat(299),
                "x".repeat(83)
            )
        );
        assert_eq!(one_line("好"), "好");
    }

    #[test]
    fn long_lists_are_cut_per_file() {
        let mut d = Diagnostics::new();
        for line in 1..=5 {
            d.push(Diagnostic::at("a.csv", line, "bad"));
        }
        d.push(Diagnostic::at("b.csv", 9, "bad"));
        assert_eq!(
            report_lines(&d, 2),
            [
                "a.csv:1: bad",
                "a.csv:2: bad",
                "b.csv:9: bad",
                "a.csv: … and 3 more problems in this file",
                "6 problems found; nothing was written",
            ]
        );
        assert_eq!(
            report_lines(&Diagnostics(vec![Diagnostic::file("a.csv", "empty")]), 2),
            ["a.csv: empty"]
        );
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
