//! Rendering results: terminal tables, CSV, Markdown, JSON, XLSX and HTML.
//!
//! Commands build a [`Table`] (headers and cells as strings, exact numbers
//! already formatted) and hand it to one of the writers here, so the same
//! content comes out consistently in every format.

pub mod colour;
pub mod compare;
pub mod docx;
pub mod grid;
pub mod html;
pub mod issue;
pub mod json;
pub mod ledger;
pub mod output;
pub mod rectify;
pub mod report;
pub mod robust;
pub mod template;
pub mod xlsx;
pub mod year;

use comfy_table::{CellAlignment, ContentArrangement, ContentLineStyle, LineStyle, TableStyle};
use std::borrow::Cow;
use std::sync::atomic::{AtomicU16, Ordering};
use unicode_width::UnicodeWidthStr;

/// The terminal width tables are fitted to, 0 for none. Only when the
/// output goes to a terminal (or `KAOHE_COLUMNS` says how wide to fit):
/// files and pipes always get the same unfitted bytes.
static FIT_TERMINAL: AtomicU16 = AtomicU16::new(0);

/// Text columns of a table too wide for the terminal fold down to this many
/// display columns (five Hanzi) before any column is left out.
const FOLDED_TEXT: usize = 10;

/// Fit terminal tables to `width` columns (`None`: lay them out whole).
pub fn fit_terminal(width: Option<u16>) {
    FIT_TERMINAL.store(width.unwrap_or(0), Ordering::Relaxed);
}

/// The width terminal tables are fitted to (see [`fit_terminal`]), if any.
pub fn terminal_width() -> Option<u16> {
    match FIT_TERMINAL.load(Ordering::Relaxed) {
        0 => None,
        w => Some(w),
    }
}

/// Are terminal tables fitted to a terminal's width (see [`fit_terminal`])?
pub fn fits_terminal() -> bool {
    terminal_width().is_some()
}

/// The width to fit tables written to stdout: `KAOHE_COLUMNS` when set to
/// a number (a terminal of that width, for scripts and tests), else the
/// terminal's when stdout is one.
pub fn detect_terminal_width() -> Option<u16> {
    if let Some(w) = std::env::var("KAOHE_COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<u16>().ok())
    {
        return (w > 0).then_some(w);
    }
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    comfy_table::Table::new().width()
}

/// ASCII borders (every terminal draws them one column wide, unlike
/// box-drawing characters under CJK fonts), junctions under the header.
const STYLE: TableStyle = TableStyle::new()
    .top_border(LineStyle::new('+', '-', '+', '+'))
    .header_lines(ContentLineStyle::new('|', '|', '|'))
    .header_separator(LineStyle::new('+', '=', '+', '+'))
    .content_lines(ContentLineStyle::new('|', '|', '|'))
    .bottom_border(LineStyle::new('+', '-', '+', '+'));

/// Every format there is.
const ALL_FORMATS: &[Format] = &[
    Format::Table,
    Format::Csv,
    Format::Json,
    Format::Md,
    Format::Xlsx,
    Format::Html,
];

/// Which `--format` each command writes: the one table the argument
/// parser (and so `--help`) and the commands' own checks of `-o FILE.ext`
/// read. A command not listed has no `--format`.
pub const COMMAND_FORMATS: &[(&str, &[Format])] = &[
    ("score", ALL_FORMATS),
    (
        "explain",
        &[Format::Table, Format::Csv, Format::Json, Format::Md, Format::Html],
    ),
    ("deficiencies", ALL_FORMATS),
    ("diff", ALL_FORMATS),
    ("combine", ALL_FORMATS),
    (
        "trend",
        &[Format::Table, Format::Csv, Format::Json, Format::Md, Format::Xlsx],
    ),
    ("template", &[Format::Xlsx, Format::Csv]),
    (
        "robust",
        &[Format::Table, Format::Csv, Format::Json, Format::Md, Format::Html],
    ),
];

/// The formats `command` writes (every format for a command not listed,
/// which the parser gives no `--format`).
pub fn formats_of(command: &str) -> &'static [Format] {
    COMMAND_FORMATS
        .iter()
        .find(|(c, _)| *c == command)
        .map_or(ALL_FORMATS, |(_, f)| f)
}

/// `Err` with the usage message when `command` does not write `format`
/// (given by `--format` or implied by `-o FILE.ext`).
pub fn check_format(command: &str, format: Format) -> Result<(), String> {
    let allowed = formats_of(command);
    if allowed.contains(&format) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|f| f.name()).collect();
    Err(crate::base::lang::msg!(
        zh: "{command} 不能输出为 {}：请使用 {}",
        en: "{command} cannot be written as {}: use {}",
        format.name(),
        names.join(crate::base::lang::m("、", ", "))
    ))
}

/// The command line with each command's `--format` taking only the formats
/// [`COMMAND_FORMATS`] gives it, so `--help` lists those and no others.
pub fn restrict_formats(mut cmd: clap::Command) -> clap::Command {
    use clap::ValueEnum;
    use clap::builder::TypedValueParser;
    cmd = cmd.mut_subcommands(|sub| {
        let Some((_, formats)) = COMMAND_FORMATS.iter().find(|(c, _)| *c == sub.get_name()) else {
            return sub;
        };
        sub.mut_arg("format", |arg| {
            let values: Vec<clap::builder::PossibleValue> =
                formats.iter().filter_map(|f| f.to_possible_value()).collect();
            arg.value_parser(
                clap::builder::PossibleValuesParser::new(values)
                    .map(|s: String| Format::from_str(&s, true).expect("one of the possible values")),
            )
        })
    });
    cmd
}

/// Output formats (`--format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned table for the terminal.
    Table,
    /// Comma-separated values (UTF-8; with a BOM when written to a file).
    Csv,
    /// The canonical JSON result.
    Json,
    /// Markdown.
    Md,
    /// An Excel workbook (written to a file, or to a pipe).
    Xlsx,
    /// A self-contained HTML report, printable on A4.
    Html,
}

impl Format {
    /// The format a file name implies.
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => Format::Csv,
            "json" => Format::Json,
            "md" | "markdown" => Format::Md,
            "txt" => Format::Table,
            "xlsx" => Format::Xlsx,
            "html" | "htm" => Format::Html,
            _ => return None,
        })
    }

    /// Is this one of the text formats every report can be written in?
    /// (XLSX and HTML are written by the commands that offer them.)
    pub fn is_text(self) -> bool {
        !matches!(self, Format::Xlsx | Format::Html)
    }

    /// The name used with `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Md => "md",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }
}

/// A rectangular table of text.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    /// Which columns hold numbers (right-aligned).
    pub numeric: Vec<bool>,
    pub rows: Vec<Vec<String>>,
    /// Columns a terminal too narrow for the table may leave out first
    /// (see [`Table::set_optional`]).
    pub optional: Vec<bool>,
}

impl Table {
    pub fn new(columns: &[(&str, bool)]) -> Table {
        Table {
            headers: columns.iter().map(|(h, _)| h.to_string()).collect(),
            numeric: columns.iter().map(|(_, n)| *n).collect(),
            rows: Vec::new(),
            optional: vec![false; columns.len()],
        }
    }

    pub fn column(&mut self, header: impl Into<String>, numeric: bool) {
        self.headers.push(header.into());
        self.numeric.push(numeric);
        self.optional.push(false);
    }

    /// Mark the column at `i` as one a narrow terminal may do without: such
    /// columns are left out, rightmost first, before any text is folded.
    pub fn set_optional(&mut self, i: usize) {
        if let Some(o) = self.optional.get_mut(i) {
            *o = true;
        }
    }

    pub fn push(&mut self, row: Vec<String>) {
        debug_assert_eq!(row.len(), self.headers.len());
        self.rows.push(row);
    }

    /// Aligned for a terminal: widths by display width, so Hanzi (two
    /// columns each) line up.
    pub fn to_terminal(&self) -> String {
        self.terminal(&[])
    }

    /// Like [`Table::to_terminal`], but each column given as
    /// `(index, width)` wraps its text at that display width, for long
    /// texts (a remedy, a scoring standard) that would make the table too
    /// wide to read. The width does not depend on the terminal, so output
    /// is the same everywhere.
    pub fn to_terminal_wrapped(&self, widths: &[(usize, u16)]) -> String {
        self.terminal(widths)
    }

    fn terminal(&self, widths: &[(usize, u16)]) -> String {
        match terminal_width() {
            Some(w) => self.fitted(widths, w),
            None => self.laid_out(widths, None, &[]),
        }
    }

    /// The table drawn by comfy-table: unwrapped (`fit` none), or fitted
    /// to `fit` columns with numbers never wrapped; `hidden` columns left out.
    fn laid_out(&self, widths: &[(usize, u16)], fit: Option<u16>, hidden: &[usize]) -> String {
        if fit.is_none() && hidden.is_empty() {
            // The same bytes as comfy-table's layout, in linear time (its
            // cutting of a long word is quadratic: minutes for a note of a
            // million Hanzi).
            return self.grid(widths);
        }
        self.comfy(widths, fit, hidden)
    }

    /// [`Table::laid_out`] by comfy-table itself (the reference the grid
    /// is tested against).
    pub(crate) fn comfy(&self, widths: &[(usize, u16)], fit: Option<u16>, hidden: &[usize]) -> String {
        let mut t = comfy_table::Table::new();
        t.load_style(STYLE);
        t.force_no_tty();
        match fit {
            Some(w) => {
                t.set_content_arrangement(ContentArrangement::Dynamic);
                t.set_width(w);
            }
            None => {
                t.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        t.set_header(self.headers.iter().map(|h| comfy_table::Cell::new(terminal_safe(h))));
        for row in &self.rows {
            t.add_row(row.iter().map(|c| comfy_table::Cell::new(terminal_safe(c))));
        }
        for (i, numeric) in self.numeric.iter().enumerate() {
            if *numeric && let Some(col) = t.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
                if fit.is_some() {
                    // A number is never split over lines (`95.9` / `2`).
                    col.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
                }
            }
        }
        for &(i, w) in widths {
            if let Some(col) = t.column_mut(i) {
                col.set_constraint(comfy_table::ColumnConstraint::UpperBoundary(comfy_table::Width::Fixed(
                    w,
                )));
            }
        }
        for &i in hidden {
            if let Some(col) = t.column_mut(i) {
                col.set_constraint(comfy_table::ColumnConstraint::Hidden);
            }
        }
        let mut s = t.to_string();
        s.push('\n');
        s
    }

    /// The table unfitted, through [`grid::Grid`].
    fn grid(&self, widths: &[(usize, u16)]) -> String {
        let headers: Vec<String> = self.headers.iter().map(|h| terminal_safe(h)).collect();
        let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let g = grid::Grid::new(&header_refs, &self.numeric, widths);
        let texts: Vec<String> = self
            .rows
            .iter()
            .flat_map(|r| r.iter().map(|c| terminal_safe(c)))
            .collect();
        let cells: Vec<grid::Cell> = texts.iter().map(|t| grid::Cell::new(t)).collect();
        let mut out = Vec::new();
        g.write(&cells, &mut out);
        String::from_utf8(out).expect("a grid of text is text")
    }

    /// The table fitted to a terminal `width` columns wide. Numbers keep
    /// their whole width. Optional columns ([`Table::set_optional`]) are
    /// left out first, rightmost first, until the table fits; then text
    /// columns fold down to [`FOLDED_TEXT`] columns; when even that does not
    /// fit, columns are left out from the right (the tables put what
    /// matters most first: the unit, its score, its rank), never the first
    /// two. A line under the table says which were left out.
    fn fitted(&self, widths: &[(usize, u16)], width: u16) -> String {
        let n = self.headers.len();
        let mut natural: Vec<usize> = self.headers.iter().map(|h| terminal_safe(h).width()).collect();
        for row in &self.rows {
            for (i, c) in row.iter().enumerate().take(n) {
                natural[i] = natural[i].max(terminal_safe(c).width());
            }
        }
        // Padding of one space on each side.
        let mut natural: Vec<usize> = natural.into_iter().map(|w| w + 2).collect();
        for &(i, w) in widths {
            if let Some(x) = natural.get_mut(i) {
                *x = (*x).min(usize::from(w));
            }
        }
        let least = |i: usize| {
            if self.numeric[i] {
                natural[i]
            } else {
                natural[i].min(FOLDED_TEXT + 2)
            }
        };
        // Borders: one more than the columns shown.
        let span =
            |cols: &[usize], w: &dyn Fn(usize) -> usize| cols.iter().map(|&i| w(i)).sum::<usize>() + cols.len() + 1;
        let mut shown: Vec<usize> = (0..n).collect();
        let mut hidden = Vec::new();
        let width_us = usize::from(width);
        // First the optional columns, rightmost first, while the table does
        // not fit whole …
        while span(&shown, &|i| natural[i]) > width_us {
            let Some(p) = shown.iter().rposition(|&i| self.optional.get(i) == Some(&true)) else {
                break;
            };
            hidden.push(shown.remove(p));
        }
        // … then any but the first two, while it does not fit folded.
        while shown.len() > 2 && span(&shown, &least) > width_us {
            hidden.push(shown.pop().expect("more than two"));
        }
        hidden.sort_unstable();
        let fit = (span(&shown, &|i| natural[i]) > width_us).then_some(width);
        let mut s = self.laid_out(widths, fit, &hidden);
        if !hidden.is_empty() {
            let names: Vec<String> = hidden.iter().map(|&i| terminal_safe(&self.headers[i])).collect();
            s.push_str(&crate::base::lang::msg!(
                zh: "（终端宽 {width} 列，未显示：{}；全部列请用 --format csv 或 -o 文件）\n",
                en: "(not shown at {width} columns: {}; all columns with --format csv or -o FILE)\n",
                names.join(crate::base::lang::m("、", ", "))
            ));
        }
        s
    }

    /// CSV text (no BOM; the caller adds one for files). Text that a
    /// spreadsheet would run as a formula is defused (see [`csv_cell`]);
    /// numbers in numeric columns are written as they are.
    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let headers: Vec<Cow<str>> = self.headers.iter().map(|h| csv_cell(h, false)).collect();
        w.write_record(headers.iter().map(|h| h.as_bytes()))
            .expect("writing to memory");
        for row in &self.rows {
            let cells: Vec<Cow<str>> = row
                .iter()
                .enumerate()
                .map(|(i, c)| csv_cell(c, self.numeric.get(i).copied().unwrap_or(false)))
                .collect();
            w.write_record(cells.iter().map(|c| c.as_bytes()))
                .expect("writing to memory");
        }
        String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
    }

    /// A GitHub-flavoured Markdown table.
    pub fn to_markdown(&self) -> String {
        let esc = markdown_cell;
        let mut s = String::new();
        s.push_str(&format!(
            "| {} |\n",
            self.headers.iter().map(|h| esc(h)).collect::<Vec<_>>().join(" | ")
        ));
        s.push_str(&format!(
            "|{}|\n",
            self.numeric
                .iter()
                .map(|n| if *n { " ---: " } else { " --- " })
                .collect::<Vec<_>>()
                .join("|")
        ));
        for row in &self.rows {
            s.push_str(&format!(
                "| {} |\n",
                row.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            ));
        }
        s
    }
}

/// A cell of a Markdown table: Markdown passes HTML through, so user text
/// must not bring its own; a pipe would end the cell, a line break the row;
/// brackets would make a link (`[x](javascript:…)`) or a remote image
/// (`![](http://…)`, fetched when the file is opened).
pub fn markdown_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('\n', "<br>")
}

/// User text (a title, a unit's name, a grade, a period) in a Markdown
/// heading, paragraph or list item: shown as written, never as markup.
/// Besides what [`markdown_cell`] escapes, emphasis and code marks are
/// escaped, a line feed becomes a space (it would end the heading), and a
/// line that would open a block (`#`, `>`, `-`, `1.`) starts escaped.
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // A carriage return is left to the control escapes every
            // Markdown output gets (`\r`, shown).
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    let digits = out.bytes().take_while(u8::is_ascii_digit).count();
    if out.starts_with(['#', '-', '+', '=']) {
        out.insert(0, '\\');
    } else if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
    out
}

/// A CSV cell that no spreadsheet runs as a formula (CSV injection): text
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
/// leading `'`, which Excel, WPS and LibreOffice read as "this is text".
/// Cells of numeric columns that are plain numbers the tool computed
/// (`-1.50`, `+2`, `95%`) stay numbers; anything else in them is text.
pub fn csv_cell(cell: &str, numeric: bool) -> Cow<'_, str> {
    if needs_guard(cell.as_bytes(), numeric) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Does `cell` take the leading `'` of [`csv_cell`]?
pub(crate) fn needs_guard(cell: &[u8], numeric: bool) -> bool {
    let risky = matches!(cell.first(), Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'));
    risky && !(numeric && is_plain_number(cell))
}

/// `cell` appended to a CSV row being written: with the leading `'` of
/// [`csv_cell`] when `guarded`, then quoted as the `csv` writer quotes
/// (only a cell holding a delimiter, a quote or a line end; quotes
/// doubled). For rows written by the hundred thousand, without a writer's
/// copies.
pub(crate) fn push_csv_cell(out: &mut Vec<u8>, cell: &[u8], guarded: bool) {
    let quote = memchr::memchr3(b',', b'"', b'\n', cell).is_some() || memchr::memchr(b'\r', cell).is_some();
    if quote {
        out.push(b'"');
    }
    if guarded {
        out.push(b'\'');
    }
    if quote {
        let mut from = 0;
        for q in memchr::memchr_iter(b'"', cell) {
            out.extend_from_slice(&cell[from..=q]);
            out.push(b'"');
            from = q + 1;
        }
        out.extend_from_slice(&cell[from..]);
        out.push(b'"');
    } else {
        out.extend_from_slice(cell);
    }
}

/// `-1.50`, `+2`, `95%`: an optional sign, digits with at most one point,
/// an optional `%`.
fn is_plain_number(s: &[u8]) -> bool {
    let body = s.strip_prefix(b"+").or_else(|| s.strip_prefix(b"-")).unwrap_or(s);
    let body = body.strip_suffix(b"%").unwrap_or(body);
    let mut parts = body.splitn(2, |&b| b == b'.');
    let int = parts.next().unwrap_or_default();
    let frac = parts.next().unwrap_or_default();
    !(int.is_empty() && frac.is_empty())
        && int.iter().all(|b| b.is_ascii_digit())
        && frac.iter().all(|b| b.is_ascii_digit())
}

/// A cell for the terminal: one line, and control characters (escape
/// sequences that would recolour, move or retitle the terminal) shown
/// escaped rather than obeyed.
pub(crate) fn terminal_safe(cell: &str) -> String {
    crate::base::diag::escape_controls(&cell.replace(['\n', '\r'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new(&[("单位", false), ("得分", true)]);
        t.push(vec!["城关镇党委".into(), "95.92".into()]);
        t.push(vec!["D01".into(), "8.00".into()]);
        t
    }

    #[test]
    fn terminal_table_aligns_by_display_width() {
        let s = sample().to_terminal();
        let widths: Vec<usize> = s.lines().map(unicode_width::UnicodeWidthStr::width).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{s}");
        assert!(s.contains("| 城关镇党委 | 95.92 |"), "{s}");
        assert!(s.contains("| D01        |  8.00 |"), "{s}");
    }

    #[test]
    fn wrapped_columns_stay_aligned() {
        let mut t = Table::new(&[("序号", true), ("整改措施", false)]);
        t.push(vec![
            "1".into(),
            "建立季度分析研判制度，每季度末召开研判会，形成书面研判报告".into(),
        ]);
        t.push(vec!["2".into(), "short text that wraps at spaces".into()]);
        let s = t.to_terminal_wrapped(&[(1, 13)]);
        let widths: Vec<usize> = s.lines().map(unicode_width::UnicodeWidthStr::width).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{s}");
        assert!(s.lines().count() > 6, "{s}");
        assert!(s.contains("|    1 | 建立季度分  |"), "{s}");
    }

    #[test]
    fn csv_text_never_becomes_a_formula() {
        let mut t = Table::new(&[("名称", false), ("变化", true), ("备注", false)]);
        t.push(vec![
            "=HYPERLINK(\"http://x\",\"点我\")".into(),
            "-1.50".into(),
            "@SUM(A1)".into(),
        ]);
        t.push(vec!["+1".into(), "+2".into(), "-0".into()]);
        t.push(vec!["\tx".into(), "=1+1".into(), "a=b".into()]);
        t.push(vec!["\r=x".into(), "".into(), "95%".into()]);
        assert_eq!(
            t.to_csv(),
            "名称,变化,备注\r\n\
             \"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\",-1.50,'@SUM(A1)\r\n\
             '+1,+2,'-0\r\n\
             '\tx,'=1+1,a=b\r\n\
             \"'\r=x\",,95%\r\n"
        );
        let mut h = Table::new(&[("=cmd", false)]);
        h.push(vec!["x".into()]);
        assert_eq!(h.to_csv(), "'=cmd\r\nx\r\n");
    }

    #[test]
    fn terminal_and_markdown_cells_cannot_carry_code() {
        let mut t = Table::new(&[("a", false)]);
        t.push(vec!["\u{1b}]0;pwned\u{7}<script>x|y".into()]);
        assert!(t.to_terminal().contains("| \\u{1b}]0;pwned\\u{7}<script>x|y |"));
        assert_eq!(
            t.to_markdown(),
            "| a |\n| --- |\n| \u{1b}\\]0;pwned\u{7}&lt;script&gt;x\\|y |\n"
        );
    }

    #[test]
    fn csv_and_markdown() {
        assert_eq!(sample().to_csv(), "单位,得分\r\n城关镇党委,95.92\r\nD01,8.00\r\n");
        let mut t = Table::new(&[("a", false)]);
        t.push(vec!["x|y".into()]);
        assert_eq!(t.to_markdown(), "| a |\n| --- |\n| x\\|y |\n");
    }
}
