//! Excel workbooks (`--format xlsx`, `-o FILE.xlsx`).
//!
//! Results circulate as spreadsheets, so a workbook must open ready to use:
//! the header row frozen with an autofilter on it, columns wide enough for
//! their Chinese text (rust_xlsxwriter's autofit counts a Hanzi as one
//! character; we size by display width, two columns a Hanzi), numbers stored
//! as numbers with two decimals, grades coloured, and A4 printing set up.
//!
//! Text from the inputs is always written as a string, never as a formula,
//! and text that Excel would take for one when a cell is edited (starting
//! with `=`, `+`, `-`, `@`, a tab or a carriage return) also carries Excel's
//! quote prefix, so opening or editing an output never runs anything.
//!
//! Workbooks carry a fixed creation date, so the same inputs give the same
//! bytes.

use super::Table;
use super::colour;
use crate::framework::{Framework, Kind};
use crate::lang::Lang;
use crate::num::{fmt_points, fmt2};
use crate::score::Assessment;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format as Style, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

/// Widest a column gets (in Excel's character units) before its text wraps.
pub const MAX_WIDTH: usize = 50;
/// Narrowest column.
const MIN_WIDTH: usize = 6;
/// Longest text Excel holds in a cell.
const MAX_CELL_CHARS: usize = 32_767;

/// The cell styles of one workbook.
pub struct Styles {
    pub header: Style,
    pub text: Style,
    pub wrap: Style,
    pub int: Style,
    pub dec2: Style,
    pub title: Style,
}

impl Default for Styles {
    fn default() -> Self {
        Styles::new()
    }
}

impl Styles {
    pub fn new() -> Styles {
        let cell = Style::new()
            .set_border(FormatBorder::Thin)
            .set_border_color(Color::RGB(0xBFBFBF))
            .set_align(FormatAlign::VerticalCenter);
        Styles {
            header: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap(),
            int: cell.clone().set_num_format("0"),
            dec2: cell.set_num_format("0.00"),
            title: Style::new().set_bold().set_font_size(14),
        }
    }

    /// A grade cell: the grade's colours, bold.
    pub fn grade(&self, index: usize, count: usize) -> Style {
        let c = colour::grade(index, count);
        self.text
            .clone()
            .set_background_color(Color::RGB(c.fill))
            .set_font_color(Color::RGB(c.text))
            .set_bold()
            .set_align(FormatAlign::Center)
    }
}

/// A new workbook with a fixed creation date and the title in its
/// properties.
pub fn workbook(title: &str) -> Workbook {
    let mut book = Workbook::new();
    let mut props = DocProperties::new().set_title(title);
    if let Ok(epoch) = ExcelDateTime::from_ymd(1980, 1, 1) {
        props = props.set_creation_datetime(&epoch);
    }
    book.set_properties(&props);
    book
}

/// Columns a text takes on screen: the widest of its lines, a Hanzi two.
pub fn display_width(s: &str) -> usize {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// Height of one line of 11-point text, in points, with room for Hanzi.
const LINE_HEIGHT: f64 = 16.0;

/// Lines a text takes when wrapped in a column `width` units wide (a unit
/// holds one Latin character or half a Hanzi).
pub fn wrapped_lines(s: &str, width: usize) -> usize {
    let per_line = width.saturating_sub(1).max(1);
    s.split('\n')
        .map(|l| UnicodeWidthStr::width(l).div_ceil(per_line).max(1))
        .sum()
}

/// Give a row the height its tallest wrapped cell needs: Excel and WPS keep
/// the default height for rows written by a program, so wrapped text would
/// be cut off. `cells` are (text, column width) of the wrapped cells.
pub fn fit_row(ws: &mut Worksheet, row: u32, cells: &[(&str, usize)]) -> Result<(), XlsxError> {
    let lines = cells.iter().map(|(s, w)| wrapped_lines(s, *w)).max().unwrap_or(1);
    if lines > 1 {
        ws.set_row_height(row, (lines as f64 * LINE_HEIGHT).min(409.0))?;
    }
    Ok(())
}

/// Would Excel read this text as a formula if the cell were edited?
pub fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Write text as a string (never a formula), with the quote prefix when it
/// looks like one, cut to what a cell holds.
pub fn text_cell(ws: &mut Worksheet, row: u32, col: u16, s: &str, style: &Style) -> Result<(), XlsxError> {
    let s = if s.chars().count() > MAX_CELL_CHARS {
        let cut: String = s.chars().take(MAX_CELL_CHARS - 1).collect();
        std::borrow::Cow::Owned(cut + "…")
    } else {
        std::borrow::Cow::Borrowed(s)
    };
    if looks_like_formula(&s) {
        ws.write_string_with_format(row, col, s.as_ref(), &style.clone().set_quote_prefix())?;
    } else {
        ws.write_string_with_format(row, col, s.as_ref(), style)?;
    }
    Ok(())
}

/// Write a formatted number (`92.50`, `3`) as a number: with two decimals
/// when it has a fraction part, else as a whole number. Anything else is
/// written as text.
pub fn number_cell(ws: &mut Worksheet, row: u32, col: u16, s: &str, st: &Styles) -> Result<(), XlsxError> {
    match s.parse::<f64>() {
        Ok(n) if !s.is_empty() && n.is_finite() && !s.starts_with('+') => {
            let style = if s.contains('.') { &st.dec2 } else { &st.int };
            ws.write_number_with_format(row, col, n, style)?;
            Ok(())
        }
        _ if s.is_empty() => {
            ws.write_blank(row, col, &st.text)?;
            Ok(())
        }
        _ => text_cell(ws, row, col, s, &st.text),
    }
}

/// Widest a header makes its column; a longer header wraps (the header
/// style wraps) rather than widen a column of short numbers.
const MAX_HEADER_WIDTH: usize = 14;

/// Column widths for a table: by display width of the cells and (up to
/// [`MAX_HEADER_WIDTH`]) the header, two units of padding, between
/// [`MIN_WIDTH`] and [`MAX_WIDTH`].
pub fn widths(t: &Table) -> Vec<usize> {
    (0..t.headers.len())
        .map(|c| {
            let cells = t.rows.iter().map(|r| display_width(&r[c]));
            let header = display_width(&t.headers[c]).min(MAX_HEADER_WIDTH);
            let w = cells.chain([header]).max().unwrap_or(0) + 2;
            w.clamp(MIN_WIDTH, MAX_WIDTH)
        })
        .collect()
}

/// Write a table from cell A1: bold header row frozen (with the first
/// `freeze_cols` columns), an autofilter over it, numbers as numbers, long
/// text wrapped, widths to fit.
pub fn table_sheet(ws: &mut Worksheet, t: &Table, st: &Styles, freeze_cols: u16) -> Result<(), XlsxError> {
    let widths = widths(t);
    for (c, h) in t.headers.iter().enumerate() {
        text_cell(ws, 0, c as u16, h, &st.header)?;
        ws.set_column_width(c as u16, widths[c] as f64)?;
    }
    let header: Vec<(&str, usize)> = t
        .headers
        .iter()
        .map(String::as_str)
        .zip(widths.iter().copied())
        .collect();
    fit_row(ws, 0, &header)?;
    for (r, row) in t.rows.iter().enumerate() {
        let r = r as u32 + 1;
        let mut wrapped = Vec::new();
        for (c, cell) in row.iter().enumerate() {
            if t.numeric[c] {
                number_cell(ws, r, c as u16, cell, st)?;
            } else {
                let wrap = widths[c] >= MAX_WIDTH || cell.contains('\n');
                text_cell(ws, r, c as u16, cell, if wrap { &st.wrap } else { &st.text })?;
                if wrap {
                    wrapped.push((cell.as_str(), widths[c]));
                }
            }
        }
        fit_row(ws, r, &wrapped)?;
    }
    ws.set_freeze_panes(1, freeze_cols)?;
    if !t.headers.is_empty() {
        ws.autofilter(0, 0, t.rows.len() as u32, t.headers.len() as u16 - 1)?;
    }
    Ok(())
}

/// A4 printing: landscape, one page wide, the header row on every page and
/// the title and page number in the margins.
pub fn print_setup(ws: &mut Worksheet, title: &str, landscape: bool) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    if landscape {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    // `&` starts a control code in page headers; a title may contain one.
    ws.set_header(format!("&C{}", title.replace('&', "&&")));
    ws.set_footer("&C&P / &N");
    Ok(())
}

/// Colour the grade column of a written table: `grades[i]` is row `i`'s
/// grade index.
pub fn colour_grades(
    ws: &mut Worksheet,
    t: &Table,
    col: usize,
    grades: &[usize],
    fw: &Framework,
    st: &Styles,
) -> Result<(), XlsxError> {
    let n = fw.grades.len();
    for (i, (row, &g)) in t.rows.iter().zip(grades).enumerate() {
        text_cell(ws, i as u32 + 1, col as u16, &row[col], &st.grade(g, n))?;
    }
    Ok(())
}

/// Every unit × indicator: the ledger of each unit after its rank, id and
/// name (sheet 明细). With no units there are no ledger columns either.
pub fn details_table(fw: &Framework, a: &Assessment, lang: Lang) -> Table {
    let mut t = Table::new(&[
        (lang.pick("排名", "Rank"), true),
        (lang.pick("单位", "Unit"), false),
        (lang.pick("单位名称", "Unit name"), false),
    ]);
    let mut first = true;
    for u in &a.units {
        let ledger = super::report::ledger_table(fw, a, u, lang);
        if first {
            for (h, n) in ledger.headers.iter().zip(&ledger.numeric) {
                t.column(h.clone(), *n);
            }
            first = false;
        }
        for row in ledger.rows {
            let mut r = vec![u.rank.to_string(), u.unit.clone(), u.name.clone()];
            r.extend(row);
            t.push(r);
        }
    }
    t
}

/// Every lost point of every unit, units in rank order (sheet 扣分).
pub fn deductions_table(fw: &Framework, a: &Assessment, lang: Lang) -> Table {
    let mut t = Table::new(&[
        (lang.pick("排名", "Rank"), true),
        (lang.pick("单位", "Unit"), false),
        (lang.pick("单位名称", "Unit name"), false),
        (lang.pick("组", "Group"), false),
        (lang.pick("指标", "Indicator"), false),
        (lang.pick("指标名称", "Indicator name"), false),
        (lang.pick("分值", "Points"), true),
        (lang.pick("得分", "Amount"), true),
        (lang.pick("失分", "Lost"), true),
        (lang.pick("原因", "Reason"), false),
        (lang.pick("值", "Value"), false),
        (lang.pick("备注", "Note"), false),
        (lang.pick("评分标准", "Standard"), false),
        (lang.pick("整改措施", "Remedy"), false),
        (lang.pick("责任人", "Owner"), false),
    ]);
    for u in &a.units {
        for d in &u.deficiencies {
            let ind = &fw.indicators[d.index];
            let r = &u.indicators[d.index];
            let group = match ind.kind {
                Kind::Base => ind.group.map(|g| fw.groups[g].id.clone()).unwrap_or_default(),
                k => k.label(lang).to_string(),
            };
            t.push(vec![
                u.rank.to_string(),
                u.unit.clone(),
                u.name.clone(),
                group,
                ind.id.clone(),
                ind.name.clone(),
                if ind.kind == Kind::Veto {
                    String::new()
                } else {
                    fmt_points(ind.points)
                },
                r.amount().map(fmt2).unwrap_or_default(),
                d.lost.map(fmt2).unwrap_or_default(),
                d.reason.label(lang).to_string(),
                r.value.clone().unwrap_or_default(),
                r.note.clone(),
                ind.standard.clone(),
                ind.remedy.clone(),
                ind.owner.clone(),
            ]);
        }
    }
    t
}

/// The `score` workbook: 排名 (the ranked table, grades coloured), 明细
/// (every unit × indicator) and 扣分 (every lost point).
pub fn score(fw: &Framework, a: &Assessment, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let period = a.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
    let title = format!("{}{period}", fw.title);
    let mut book = workbook(&title);

    let ranking = super::report::ranking_table(fw, a, lang, true);
    let ws = book.add_worksheet();
    ws.set_name(lang.pick("排名", "Ranking"))?;
    table_sheet(ws, &ranking, &st, 3)?;
    if let Some(col) = ranking.headers.iter().position(|h| h == lang.pick("等次", "Grade")) {
        let grades: Vec<usize> = a.units.iter().map(|u| u.grade).collect();
        colour_grades(ws, &ranking, col, &grades, fw, &st)?;
    }
    print_setup(ws, &title, true)?;

    let details = details_table(fw, a, lang);
    let ws = book.add_worksheet();
    ws.set_name(lang.pick("明细", "Details"))?;
    table_sheet(ws, &details, &st, 3)?;
    print_setup(ws, &title, true)?;

    let deductions = deductions_table(fw, a, lang);
    let ws = book.add_worksheet();
    ws.set_name(lang.pick("扣分", "Deductions"))?;
    table_sheet(ws, &deductions, &st, 3)?;
    print_setup(ws, &title, true)?;

    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_hanzi_twice() {
        let mut t = Table::new(&[("单位", false), ("得分", true)]);
        t.push(vec!["市文化和旅游局党组".into(), "94.36".into()]);
        assert_eq!(widths(&t), vec![20, 7]);
        t.push(vec!["很".repeat(40), "1".into()]);
        assert_eq!(widths(&t)[0], MAX_WIDTH);
    }

    #[test]
    fn wrapped_lines_by_display_width() {
        assert_eq!(wrapped_lines("", 10), 1);
        assert_eq!(wrapped_lines("abcdefghi", 10), 1);
        assert_eq!(wrapped_lines("abcdefghij", 10), 2);
        assert_eq!(wrapped_lines("很很很很很", 11), 1);
        assert_eq!(wrapped_lines("很很很很很很", 11), 2);
        assert_eq!(wrapped_lines("a\nb", 10), 2);
    }

    #[test]
    fn formula_lookalikes() {
        for s in ["=1+1", "+86", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(looks_like_formula(s), "{s:?}");
        }
        for s in ["是", "95%", "", "a=b"] {
            assert!(!looks_like_formula(s), "{s:?}");
        }
    }
}
