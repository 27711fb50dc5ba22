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
use crate::base::lang::Lang;
use crate::base::num::{fmt_points, fmt2};
use crate::engine::score::Assessment;
use crate::model::framework::{Framework, Kind};
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
    /// Changes: `+2.50`, `-1.00`.
    pub signed_int: Style,
    pub signed_dec2: Style,
    pub pct: Style,
    pub pct2: Style,
    pub date: Style,
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
            dec2: cell.clone().set_num_format("0.00"),
            signed_int: cell.clone().set_num_format("+0;-0;0"),
            signed_dec2: cell.clone().set_num_format("+0.00;-0.00;0.00"),
            pct: cell.clone().set_num_format("0%"),
            pct2: cell.clone().set_num_format("0.00%"),
            date: cell.set_num_format("yyyy-mm-dd"),
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
    let mut props = DocProperties::new().set_title(xml_safe(title).as_ref());
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
/// Whether the row was given a height.
pub fn fit_row(ws: &mut Worksheet, row: u32, cells: &[(&str, usize)]) -> Result<bool, XlsxError> {
    let lines = cells.iter().map(|(s, w)| wrapped_lines(s, *w)).max().unwrap_or(1);
    if lines > 1 {
        ws.set_row_height(row, (lines as f64 * LINE_HEIGHT).min(409.0))?;
    }
    Ok(lines > 1)
}

/// End a sheet written row by row whose rows end before row `next`, the
/// last of them given a height by [`fit_row`] if `last_fitted`. A
/// constant-memory or low-memory sheet whose last row has a height writes
/// that row's `<row>` twice when the sheet is closed (rust_xlsxwriter
/// 0.102), which Excel may take for a damaged file. An empty cell below
/// it has that row flushed as every other row is: the cell is not
/// written, but leaves an empty `<row>` below the table, and the sheet's
/// dimension one row longer. (Only for such sheets: on a sheet held in
/// memory it would add that row for nothing. At the last row a sheet can
/// have there is no row below, and nothing is done.)
fn close_rows(ws: &mut Worksheet, next: u32, last_fitted: bool) -> Result<(), XlsxError> {
    if last_fitted && (next as usize) < WORKSHEET_ROWS {
        ws.write_blank(next, 0, &Style::new())?;
    }
    Ok(())
}

/// The rows a worksheet holds (Excel's limit, which WPS shares), its
/// header row included.
pub const WORKSHEET_ROWS: usize = 1_048_576;

/// Would Excel read this text as a formula if the cell were edited?
pub fn looks_like_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Text as an XLSX part can hold it. XML 1.0 forbids most control
/// characters and U+FFFE/U+FFFF even escaped, and the writer escapes only
/// some of them (cells, not validation prompts or properties): a framework
/// pasted from Word carries U+000B, its soft line break, and Excel then
/// "repairs" the file and drops its validations. U+000B and U+000C become
/// the line break they stand for; any other forbidden character becomes
/// U+FFFD (�), visible where it was, rather than refusing a framework
/// over a character nobody can see.
pub fn xml_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let allowed =
        |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..);
    if s.chars().all(allowed) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| match c {
            '\u{B}' | '\u{C}' => '\n',
            c if allowed(c) => c,
            _ => '\u{FFFD}',
        })
        .collect()
}

/// A title across `first..=last` columns of row `row`, guarded as
/// [`text_cell`] guards text.
pub fn title_range(ws: &mut Worksheet, row: u32, cols: (u16, u16), s: &str, style: &Style) -> Result<(), XlsxError> {
    let s = xml_safe(s);
    if looks_like_formula(&s) {
        ws.merge_range(row, cols.0, row, cols.1, &s, &style.clone().set_quote_prefix())?;
    } else {
        ws.merge_range(row, cols.0, row, cols.1, &s, style)?;
    }
    Ok(())
}

/// Write text as a string (never a formula), with the quote prefix when it
/// looks like one, cut to what a cell holds.
pub fn text_cell(ws: &mut Worksheet, row: u32, col: u16, s: &str, style: &Style) -> Result<(), XlsxError> {
    let s = xml_safe(s);
    let s = if s.chars().count() > MAX_CELL_CHARS {
        let cut: String = s.chars().take(MAX_CELL_CHARS - 1).collect();
        std::borrow::Cow::Owned(cut + "…")
    } else {
        s
    };
    if looks_like_formula(&s) {
        ws.write_string_with_format(row, col, s.as_ref(), &style.clone().set_quote_prefix())?;
    } else {
        ws.write_string_with_format(row, col, s.as_ref(), style)?;
    }
    Ok(())
}

/// Write a formatted number as a number shown the same way: `92.50` with
/// two decimals, `3` whole, `+2.50` with its sign, `66.67%` as a
/// percentage. Anything else (a word in a number column) is written as
/// text.
pub fn number_cell(ws: &mut Worksheet, row: u32, col: u16, s: &str, st: &Styles) -> Result<(), XlsxError> {
    let (body, percent) = match s.strip_suffix('%') {
        Some(b) => (b, true),
        None => (s, false),
    };
    match body.parse::<f64>() {
        Ok(n) if !body.is_empty() && n.is_finite() => {
            let dec = body.contains('.');
            let style = match (percent, body.starts_with('+'), dec) {
                (true, _, true) => &st.pct2,
                (true, _, false) => &st.pct,
                (false, true, true) => &st.signed_dec2,
                (false, true, false) => &st.signed_int,
                (false, false, true) => &st.dec2,
                (false, false, false) => &st.int,
            };
            let n = if percent { n / 100.0 } else { n };
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
/// `MAX_HEADER_WIDTH`) the header, two units of padding, between
/// `MIN_WIDTH` and `MAX_WIDTH`.
pub fn widths(t: &Table) -> Vec<usize> {
    let mut w = Widths::of(&t.headers);
    for row in &t.rows {
        w.add(row);
    }
    w.done()
}

/// [`widths`] found a row at a time, for a table whose rows are not held.
struct Widths(Vec<usize>);

impl Widths {
    fn of(headers: &[String]) -> Widths {
        Widths(headers.iter().map(|h| display_width(h).min(MAX_HEADER_WIDTH)).collect())
    }

    fn add(&mut self, row: &[String]) {
        for (w, cell) in self.0.iter_mut().zip(row) {
            *w = (*w).max(display_width(cell));
        }
    }

    /// The widths of a table given a row at a time by `rows`.
    fn of_rows(headers: &[String], rows: &dyn Fn(EachRow) -> Result<(), XlsxError>) -> Result<Vec<usize>, XlsxError> {
        let mut w = Widths::of(headers);
        rows(&mut |row| {
            w.add(row);
            Ok(())
        })?;
        Ok(w.done())
    }

    fn done(self) -> Vec<usize> {
        self.0
            .into_iter()
            .map(|w| (w + 2).clamp(MIN_WIDTH, MAX_WIDTH))
            .collect()
    }
}

/// Write a table from cell A1 of a sheet held in memory: bold header row
/// frozen (with the first `freeze_cols` columns), an autofilter over it,
/// numbers as numbers, long text wrapped, widths to fit.
pub fn table_sheet(ws: &mut Worksheet, t: &Table, st: &Styles, freeze_cols: u16) -> Result<(), XlsxError> {
    whole_table(ws, t, st, freeze_cols, None, false)
}

/// The grade column of a table and each row's grade, to colour that column
/// as its rows are written.
pub struct GradeColumn<'a> {
    pub col: usize,
    pub grades: &'a [usize],
    pub count: usize,
}

/// [`table_sheet`] on a constant-memory sheet (rows flushed to a temporary
/// file as the next begins), colouring the grade column in the same pass:
/// each row is written once and in order, as such a sheet requires.
pub fn graded_table_sheet(
    ws: &mut Worksheet,
    t: &Table,
    st: &Styles,
    freeze_cols: u16,
    graded: Option<GradeColumn>,
) -> Result<(), XlsxError> {
    whole_table(ws, t, st, freeze_cols, graded, true)
}

/// A table held whole, on a sheet written `row_by_row` or held in memory.
fn whole_table(
    ws: &mut Worksheet,
    t: &Table,
    st: &Styles,
    freeze_cols: u16,
    graded: Option<GradeColumn>,
    row_by_row: bool,
) -> Result<(), XlsxError> {
    let mut w = TableWriter::start(ws, t, widths(t), st, graded, row_by_row)?;
    for row in &t.rows {
        w.row(row)?;
    }
    w.finish(freeze_cols)
}

/// What is done with each row of a table given a row at a time.
type EachRow<'e> = &'e mut dyn FnMut(&[String]) -> Result<(), XlsxError>;

/// A table whose rows are too many to hold (every unit × indicator), given
/// by `rows` — called twice, once for the widths and once to write them —
/// with `head`'s columns; written as [`table_sheet`] writes a table.
pub fn streamed_table_sheet(
    ws: &mut Worksheet,
    head: &Table,
    st: &Styles,
    freeze_cols: u16,
    rows: &dyn Fn(EachRow) -> Result<(), XlsxError>,
) -> Result<(), XlsxError> {
    let widths = Widths::of_rows(&head.headers, rows)?;
    let mut w = TableWriter::start(ws, head, widths, st, None, true)?;
    rows(&mut |row| w.row(row))?;
    w.finish(freeze_cols)
}

/// A table's sheet as its rows are written: the header (by `t`'s
/// columns) first, each row after the last, in order, as a constant-memory
/// sheet requires.
struct TableWriter<'a> {
    ws: &'a mut Worksheet,
    numeric: &'a [bool],
    columns: usize,
    widths: Vec<usize>,
    st: &'a Styles,
    graded: Option<GradeColumn<'a>>,
    /// The rows written, the header's included.
    rows: u32,
    /// Was the last row written given a height?
    last_fitted: bool,
    /// Is the sheet written row by row (see [`close_rows`])?
    row_by_row: bool,
}

impl<'a> TableWriter<'a> {
    fn start(
        ws: &'a mut Worksheet,
        t: &'a Table,
        widths: Vec<usize>,
        st: &'a Styles,
        graded: Option<GradeColumn<'a>>,
        row_by_row: bool,
    ) -> Result<TableWriter<'a>, XlsxError> {
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
        let last_fitted = fit_row(ws, 0, &header)?;
        Ok(TableWriter {
            ws,
            numeric: &t.numeric,
            columns: t.headers.len(),
            widths,
            st,
            graded,
            rows: 1,
            last_fitted,
            row_by_row,
        })
    }

    fn row(&mut self, row: &[String]) -> Result<(), XlsxError> {
        let (ws, st, widths, r) = (&mut *self.ws, self.st, &self.widths, self.rows);
        let mut wrapped = Vec::new();
        for (c, cell) in row.iter().enumerate() {
            if let Some(g) = self.graded.as_ref().filter(|g| g.col == c) {
                let grade = g.grades[r as usize - 1];
                text_cell(ws, r, c as u16, cell, &st.grade(grade, g.count))?;
            } else if self.numeric[c] {
                number_cell(ws, r, c as u16, cell, st)?;
            } else {
                let wrap = widths[c] >= MAX_WIDTH || cell.contains('\n');
                text_cell(ws, r, c as u16, cell, if wrap { &st.wrap } else { &st.text })?;
                if wrap {
                    wrapped.push((cell.as_str(), widths[c]));
                }
            }
        }
        self.last_fitted = fit_row(ws, r, &wrapped)?;
        self.rows += 1;
        Ok(())
    }

    fn finish(self, freeze_cols: u16) -> Result<(), XlsxError> {
        close_rows(self.ws, self.rows, self.last_fitted && self.row_by_row)?;
        self.ws.set_freeze_panes(1, freeze_cols)?;
        if self.columns > 0 {
            self.ws.autofilter(0, 0, self.rows - 1, self.columns as u16 - 1)?;
        }
        Ok(())
    }
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
    ws.set_header(format!("&C{}", xml_safe(title).replace('&', "&&")));
    ws.set_footer("&C&P / &N");
    Ok(())
}

/// Write a date (`2024-01-30`) as an Excel date, or the text as it is.
pub fn date_cell(ws: &mut Worksheet, row: u32, col: u16, s: &str, st: &Styles) -> Result<(), XlsxError> {
    match ExcelDateTime::parse_from_str(s) {
        Ok(d) if !s.is_empty() => {
            ws.write_datetime_with_format(row, col, &d, &st.date)?;
            Ok(())
        }
        _ if s.is_empty() => {
            ws.write_blank(row, col, &st.text)?;
            Ok(())
        }
        _ => text_cell(ws, row, col, s, &st.text),
    }
}

/// Add a sheet holding one table, printed with `title`.
pub fn add_table_sheet(
    book: &mut Workbook,
    name: &str,
    t: &Table,
    st: &Styles,
    freeze_cols: u16,
    title: &str,
) -> Result<(), XlsxError> {
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet_name(name))?;
    graded_table_sheet(ws, t, st, freeze_cols, None)?;
    print_setup(ws, title, true)
}

/// A valid worksheet name: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(s: &str) -> String {
    s.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(31)
        .collect()
}

/// Every unit × indicator: the ledger of each unit after its rank, id and
/// name (sheet 明细), given to `each` a row at a time; with its columns.
/// With no units there are no ledger columns either.
fn details_head(fw: &Framework, a: &Assessment, lang: Lang) -> Table {
    let mut t = Table::new(&[
        (lang.pick("排名", "Rank"), true),
        (lang.pick("单位", "Unit"), false),
        (lang.pick("单位名称", "Unit name"), false),
    ]);
    if let Some(u) = a.units.first() {
        let ledger = super::report::ledger_table(fw, a, u, lang);
        for (h, n) in ledger.headers.iter().zip(&ledger.numeric) {
            t.column(h.clone(), *n);
        }
    }
    t
}

/// The rows of [`details_head`]'s table.
fn details_rows(fw: &Framework, a: &Assessment, lang: Lang, each: EachRow) -> Result<(), XlsxError> {
    for u in &a.units {
        for row in super::report::ledger_table(fw, a, u, lang).rows {
            let mut r = vec![u.rank.to_string(), u.unit.clone(), u.name.clone()];
            r.extend(row);
            each(&r)?;
        }
    }
    Ok(())
}

/// Every lost point of every unit, units in rank order (sheet 扣分): its
/// columns; the rows are [`deductions_rows`].
fn deductions_head(lang: Lang) -> Table {
    Table::new(&[
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
        (lang.pick("考核部门", "Assessor"), false),
    ])
}

/// The rows of [`deductions_head`]'s table, given to `each` a row at a time.
fn deductions_rows(fw: &Framework, a: &Assessment, lang: Lang, each: EachRow) -> Result<(), XlsxError> {
    for u in &a.units {
        for d in &u.deficiencies {
            let ind = &fw.indicators[d.index];
            let r = &u.indicators[d.index];
            let group = match ind.kind {
                Kind::Base => ind.group.map(|g| fw.groups[g].id.clone()).unwrap_or_default(),
                k => k.label(lang).to_string(),
            };
            each(&[
                u.rank.to_string(),
                u.unit.clone(),
                u.name.clone(),
                group,
                ind.id.clone(),
                ind.name.clone(),
                if ind.kind.is_trigger() {
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
                ind.assessor.clone(),
            ])?;
        }
    }
    Ok(())
}

/// The `score` workbook: 排名 (the ranked table, grades coloured), 明细
/// (every unit × indicator) and 扣分 (every lost point).
pub fn score(fw: &Framework, a: &Assessment, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    score_beside(fw, a, lang, &[])
}

/// [`score`] with columns beside the top groups' in the 排名 sheet.
pub fn score_beside(
    fw: &Framework,
    a: &Assessment,
    lang: Lang,
    beside: &[super::report::Beside],
) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let period = a.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
    let title = format!("{}{period}", fw.title);
    let mut book = workbook(&title);

    let ranking = super::report::ranking_table_beside(fw, a, lang, true, beside);
    // Every sheet of the workbook is written row by row to a temporary file
    // (rust_xlsxwriter's constant-memory mode) as `table_sheet` goes: kept
    // in memory, every cell cost a few hundred bytes (~250 KB per unit of
    // the provincial framework in the details; 10,000 units: gigabytes).
    let grades: Vec<usize> = a.units.iter().map(|u| u.grade).collect();
    let graded = ranking
        .headers
        .iter()
        .position(|h| h == lang.pick("等次", "Grade"))
        .map(|col| GradeColumn {
            col,
            grades: &grades,
            count: fw.grades.len(),
        });
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(lang.pick("排名", "Ranking"))?;
    graded_table_sheet(ws, &ranking, &st, 3, graded)?;
    print_setup(ws, &title, true)?;
    drop(ranking);

    // The details and deductions are never held whole: each row is made
    // for the columns' widths, then again to be written (a province's
    // details, held as text, took gigabytes).
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(lang.pick("明细", "Details"))?;
    streamed_table_sheet(ws, &details_head(fw, a, lang), &st, 3, &|each| {
        details_rows(fw, a, lang, each)
    })?;
    print_setup(ws, &title, true)?;

    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(lang.pick("扣分", "Deductions"))?;
    streamed_table_sheet(ws, &deductions_head(lang), &st, 3, &|each| {
        deductions_rows(fw, a, lang, each)
    })?;
    print_setup(ws, &title, true)?;

    book.save_to_buffer()
}

/// The problem of a ledger item in words: the unit's own note where it
/// gave one, else what the evidence says.
pub(crate) fn problem(fw: &Framework, a: &Assessment, it: &crate::engine::rectify::Item, lang: Lang) -> String {
    use crate::engine::score::Reason;
    let r = &a.units[it.unit].indicators[it.index];
    let detail = if r.note.is_empty() {
        r.value.clone().unwrap_or_default()
    } else {
        r.note.clone()
    };
    let sep = lang.pick("：", ": ");
    match it.reason {
        Reason::Missing => lang.pick("未提供佐证材料", "no evidence given").to_string(),
        Reason::Shortfall if detail.is_empty() => format!(
            "{}{sep}{}",
            lang.pick("未达评分标准", "short of the standard"),
            fw.indicators[it.index].standard
        ),
        Reason::Shortfall => detail,
        Reason::Penalty | Reason::Veto | Reason::Cap if detail.is_empty() => it.reason.label(lang).to_string(),
        Reason::Penalty | Reason::Veto | Reason::Cap => format!("{}{sep}{detail}", it.reason.label(lang)),
    }
}

/// The rectification ledger (整改台账) of a list: one row per problem, with
/// 进展 to write in and 状态 chosen from a dropdown.
fn ledger_sheet(
    ws: &mut Worksheet,
    fw: &Framework,
    a: &Assessment,
    list: &crate::engine::rectify::List,
    lang: Lang,
    st: &Styles,
    title: &str,
) -> Result<(), XlsxError> {
    let t = Table::new(&[
        (lang.pick("序号", "No."), true),
        (lang.pick("单位", "Unit"), false),
        (lang.pick("单位名称", "Unit name"), false),
        (lang.pick("问题", "Problem"), false),
        (lang.pick("对应指标", "Indicator"), false),
        (lang.pick("扣分", "Lost"), true),
        (lang.pick("整改措施", "Remedy"), false),
        (lang.pick("责任人", "Owner"), false),
        (lang.pick("考核部门", "Assessor"), false),
        (lang.pick("整改时限", "Deadline"), false),
        (lang.pick("进展", "Progress"), false),
        (lang.pick("状态", "Status"), false),
    ]);
    let status = super::rectify::start_status(lang);
    // Each item's row, made once for the widths and again to be written:
    // a province's ledger is never held as text.
    let rows = |each: EachRow| -> Result<(), XlsxError> {
        for (no, it) in list.items() {
            let u = &a.units[it.unit];
            let ind = &fw.indicators[it.index];
            each(&[
                no.to_string(),
                u.unit.clone(),
                u.name.clone(),
                problem(fw, a, it, lang),
                format!("{} {}", ind.id, ind.name),
                it.lost.map(fmt2).unwrap_or_else(|| it.reason.label(lang).to_string()),
                ind.remedy.clone(),
                ind.owner.clone(),
                ind.assessor.clone(),
                it.deadline.map(|d| d.to_string()).unwrap_or_default(),
                String::new(),
                status.to_string(),
            ])?;
        }
        Ok(())
    };
    let mut widths = Widths::of_rows(&t.headers, &rows)?;
    // Room to write the progress in, and for a date.
    widths[9] = widths[9].max(12);
    widths[10] = 30;
    for (c, h) in t.headers.iter().enumerate() {
        text_cell(ws, 0, c as u16, h, &st.header)?;
        ws.set_column_width(c as u16, widths[c] as f64)?;
    }
    let input = st
        .text
        .clone()
        .set_background_color(Color::RGB(0xFFFFFF))
        .set_text_wrap();
    let centred = st.text.clone().set_align(FormatAlign::Center);
    let (mut last, mut last_fitted) = (0, false);
    rows(&mut |row| {
        last += 1;
        let r = last;
        let mut wrapped = Vec::new();
        for (c, cell) in row.iter().enumerate() {
            match c {
                0 | 5 => number_cell(ws, r, c as u16, cell, st)?,
                9 => date_cell(ws, r, c as u16, cell, st)?,
                10 => {
                    ws.write_blank(r, c as u16, &input)?;
                }
                11 => text_cell(ws, r, c as u16, cell, &centred)?,
                _ => {
                    let wrap = widths[c] >= MAX_WIDTH;
                    text_cell(ws, r, c as u16, cell, if wrap { &st.wrap } else { &st.text })?;
                    if wrap {
                        wrapped.push((cell.as_str(), widths[c]));
                    }
                }
            }
        }
        last_fitted = fit_row(ws, r, &wrapped)?;
        Ok(())
    })?;
    close_rows(ws, last + 1, last_fitted)?;
    if last > 0 {
        let states = [
            status,
            lang.pick("整改中", "in progress"),
            lang.pick("已完成", "done"),
            lang.pick("已销号", "closed"),
        ];
        let dv = rust_xlsxwriter::DataValidation::new()
            .allow_list_strings(&states)?
            .set_input_title(lang.pick("状态", "Status"))?
            .set_input_message(states.join(" / "))?;
        ws.add_data_validation(1, 11, last, 11, &dv)?;
    }
    ws.set_freeze_panes(1, 3)?;
    ws.autofilter(0, 0, last, t.headers.len() as u16 - 1)?;
    print_setup(ws, title, true)
}

/// The `deficiencies` workbook: 整改台账 (the ledger to keep), 晋档路径
/// (each unit's way to the next grade) and 明细 (every column of the list).
pub fn deficiencies(
    fw: &Framework,
    a: &Assessment,
    list: &crate::engine::rectify::List,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let period = a.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
    let title = format!(
        "{} · {}{period}",
        lang.pick("整改台账", "Rectification ledger"),
        fw.title
    );
    let mut book = workbook(&title);
    // Each row flushed as the next is written, its strings still shared
    // (the library's low-memory mode): a province's ledger held whole
    // took gigabytes.
    let ws = book.add_worksheet_with_low_memory()?;
    ws.set_name(lang.pick("整改台账", "Ledger"))?;
    ledger_sheet(ws, fw, a, list, lang, &st, &title)?;
    if a.units.iter().any(|u| u.self_assessed.is_some()) {
        // 自评偏高, for feedback: the listed units' items they rated above the team.
        let listed: Vec<String> = list.unit_ids(a);
        let t = super::rectify::self_higher_table(fw, a, &listed, lang);
        add_table_sheet(&mut book, lang.pick("自评偏高", "Self higher"), &t, &st, 4, &title)?;
    }

    let mut way = Table::new(&[
        (lang.pick("单位", "Unit"), false),
        (lang.pick("单位名称", "Unit name"), false),
        (lang.pick("排名", "Rank"), true),
        (lang.pick("得分", "Score"), true),
        (lang.pick("等次", "Grade"), false),
        (lang.pick("整改项数", "Items"), true),
        (lang.pick("晋档路径", "Way to the next grade"), false),
    ]);
    let mut grades = Vec::new();
    let by_unit = list.items_by_unit();
    for e in &list.units {
        let u = &a.units[e.unit];
        let n = by_unit.get(&e.unit).map_or(0, Vec::len);
        way.push(vec![
            u.unit.clone(),
            u.name.clone(),
            u.rank.to_string(),
            fmt2(u.totals.score),
            fw.grades[u.grade].name.clone(),
            n.to_string(),
            e.next
                .as_ref()
                .map(|ng| super::rectify::advice(fw, ng, lang))
                .unwrap_or_else(|| lang.pick("已是最高等次", "top grade already").to_string()),
        ]);
        grades.push(u.grade);
    }
    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(lang.pick("晋档路径", "Next grade"))?;
    let graded = GradeColumn {
        col: 4,
        grades: &grades,
        count: fw.grades.len(),
    };
    graded_table_sheet(ws, &way, &st, 2, Some(graded))?;
    print_setup(ws, &title, true)?;

    let ws = book.add_worksheet_with_constant_memory()?;
    ws.set_name(sheet_name(lang.pick("明细", "Details")))?;
    streamed_table_sheet(ws, &super::rectify::full_head(lang), &st, 3, &|each| {
        super::rectify::full_rows(fw, a, list, lang, each)
    })?;
    print_setup(ws, &title, true)?;
    book.save_to_buffer()
}

/// `deficiencies --summary` as a workbook: a sheet per table.
pub fn deficiency_summary(
    fw: &Framework,
    a: &Assessment,
    s: &crate::engine::rectify::Summary,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let period = a.period.as_deref().map(|p| format!(" · {p}")).unwrap_or_default();
    let title = format!(
        "{} · {}{period}",
        lang.pick("整改情况汇总", "Rectification summary"),
        fw.title
    );
    let mut book = workbook(&title);
    for (name, t) in super::rectify::summary_tables(fw, s, lang) {
        // Sheet names: the heading up to its parenthesis.
        let name = name.split(['（', '(']).next().unwrap_or(name).trim();
        add_table_sheet(&mut book, name, &t, &st, 1, &title)?;
    }
    book.save_to_buffer()
}

/// `diff` as a workbook: the comparison's lines, then a sheet per table.
pub fn diff(c: &crate::engine::compare::Comparison, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    use super::compare::{
        Layout, diff_head, diff_title, indicators_table, persisting_table, revisions_table, units_table,
    };
    let st = Styles::new();
    let title = diff_title(c, lang);
    let mut book = workbook(&title);
    let ws = book.add_worksheet();
    ws.set_name(lang.pick("概况", "Overview"))?;
    ws.set_column_width(0, 110)?;
    text_cell(ws, 0, 0, &title, &st.title)?;
    for (i, line) in diff_head(c, lang).iter().enumerate() {
        text_cell(ws, i as u32 + 2, 0, line, &Style::new().set_text_wrap())?;
    }
    add_table_sheet(
        &mut book,
        lang.pick("单位对比", "Units"),
        &units_table(c, lang, Layout::Csv),
        &st,
        3,
        &title,
    )?;
    add_table_sheet(
        &mut book,
        lang.pick("整改不到位", "Persisting"),
        &persisting_table(c, lang),
        &st,
        3,
        &title,
    )?;
    if !c.summary.indicators.is_empty() {
        add_table_sheet(
            &mut book,
            lang.pick("按指标", "By indicator"),
            &indicators_table(c, lang),
            &st,
            2,
            &title,
        )?;
    }
    if !c.framework.indicators.is_empty() {
        add_table_sheet(
            &mut book,
            lang.pick("指标修订", "Revisions"),
            &revisions_table(c, lang),
            &st,
            1,
            &title,
        )?;
    }
    book.save_to_buffer()
}

/// `trend` as a workbook: one sheet, a row per unit, columns per period.
pub fn trend(t: &crate::engine::compare::Trend, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new();
    let title = lang.pick("考核结果走势", "Trend").to_string();
    let mut book = workbook(&title);
    add_table_sheet(
        &mut book,
        lang.pick("走势", "Trend"),
        &super::compare::trend_table(t, lang, true),
        &st,
        2,
        &title,
    )?;
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
