//! The collection template as a workbook: a cover sheet of instructions, the
//! evidence sheet to fill in, and the indicators with their points and
//! standards.
//!
//! The evidence sheet guides the hand that fills it: 是/否 and graded items
//! get dropdown lists, counts and amounts get number validation, each value
//! cell shows what to write when selected, the given columns are grey and
//! the cells to fill white. It is read back by the ordinary evidence loader:
//! the title row above the header is skipped, the cover sheet passed over.

use super::xlsx::{
    Styles, display_width, fit_row, print_setup, table_sheet, text_cell, title_range, workbook, xml_safe,
};
use crate::base::lang::Lang;
use crate::base::num::fmt_points;
use crate::engine::template::{self, Input, LONG_VALUE_COL, Slot, UnitList};
use crate::model::framework::Framework;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format as Style, FormatAlign, FormatBorder,
    Worksheet, XlsxError,
};

/// Rows of a wide template given to validation when no units are listed
/// (units add their own rows).
const BLANK_ROWS: u32 = 200;

struct Looks {
    st: Styles,
    /// A given cell (grey).
    given: Style,
    given_wrap: Style,
    /// A cell to fill (white).
    input: Style,
    input_wrap: Style,
    /// A value cell kept as text (vote counts, which Excel would turn into dates).
    input_text: Style,
    title: Style,
    small: Style,
}

impl Looks {
    fn new() -> Looks {
        let st = Styles::new();
        let given = st.text.clone().set_background_color(Color::RGB(0xF2F2F2));
        let input = st.text.clone().set_background_color(Color::White);
        Looks {
            given_wrap: given.clone().set_text_wrap(),
            given,
            input_wrap: input.clone().set_text_wrap(),
            input_text: input.clone().set_num_format("@"),
            input,
            title: Style::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::VerticalCenter),
            small: Style::new()
                .set_font_size(9)
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xF2F2F2))
                .set_border(FormatBorder::Thin)
                .set_border_color(Color::RGB(0xBFBFBF)),
            st,
        }
    }
}

/// Cut text to what Excel allows (counted in UTF-16 units).
fn cut(s: &str, max: usize) -> String {
    let mut n = 0;
    let mut out = String::new();
    for c in xml_safe(s).chars() {
        n += c.len_utf16();
        if n > max.saturating_sub(1) {
            out.push('…');
            return out;
        }
        out.push(c);
    }
    out
}

/// The validation of a slot's value cells: a dropdown, a number rule, or
/// just the prompt.
fn validation(slot: &Slot, lang: Lang) -> Result<DataValidation, XlsxError> {
    let na = lang.pick("不适用", "N/A");
    let exempt = slot.indicator.exempt;
    let list = |items: Vec<String>| -> Result<Option<DataValidation>, XlsxError> {
        let mut items: Vec<String> = items.iter().map(|i| xml_safe(i).into_owned()).collect();
        if exempt {
            items.push(na.to_string());
        }
        // Excel separates list items with commas and holds 255 characters.
        if items.iter().any(|i| i.contains(',')) || items.iter().map(|i| i.len() + 1).sum::<usize>() > 255 {
            return Ok(None);
        }
        DataValidation::new().allow_list_strings(&items).map(Some)
    };
    let soft = |dv: DataValidation| {
        // A number rule cannot allow 不适用: warn instead of refusing.
        if exempt {
            dv.set_error_style(DataValidationErrorStyle::Warning)
        } else {
            dv
        }
    };
    let dv = match &slot.input {
        Input::YesNo => list(vec![lang.pick("是", "yes").into(), lang.pick("否", "no").into()])?,
        Input::Choice(names) => list(names.clone())?,
        Input::Count => Some(soft(
            DataValidation::new().allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0)),
        )),
        Input::Quantity { .. } => Some(soft(
            DataValidation::new().allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0)),
        )),
        Input::Amount(p) => Some(soft(
            DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, p.to_f64().unwrap_or(0.0))),
        )),
        Input::Number { .. } | Input::Votes(_) => None,
    };
    let hint = slot.hint(lang);
    let title = cut(&format!("{} {}", slot.key, slot.indicator.name), 32);
    let message = cut(&format!("{hint}\n{}", slot.standard), 255);
    let dv = dv.unwrap_or_else(|| DataValidation::new().allow_any_value());
    dv.set_input_title(title.clone())?
        .set_input_message(message)?
        .set_error_title(title)?
        .set_error_message(cut(&hint, 255))
}

/// The cover sheet: title, instructions, and what the template is for.
#[allow(clippy::too_many_arguments)]
fn cover(
    ws: &mut Worksheet,
    fw: &Framework,
    units: &UnitList,
    period: Option<&str>,
    wide: bool,
    rater: Option<&str>,
    lang: Lang,
    l: &Looks,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("填表说明", "Instructions"))?;
    ws.set_column_width(0, 4)?;
    ws.set_column_width(1, 96)?;
    ws.set_print_gridlines(false);
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    let big = l.title.clone().set_font_size(16);
    ws.set_row_height(0, 30)?;
    text_cell(ws, 0, 1, &fw.title, &big)?;
    let sub = match (period, lang) {
        (Some(p), Lang::Zh) => format!("佐证材料填报表 · {p}"),
        (None, Lang::Zh) => "佐证材料填报表".to_string(),
        (Some(p), Lang::En) => format!("Evidence collection sheet · {p}"),
        (None, Lang::En) => "Evidence collection sheet".to_string(),
    };
    text_cell(ws, 1, 1, &sub, &Style::new().set_font_size(12))?;
    let bold = Style::new().set_bold();
    ws.write_string_with_format(3, 1, lang.pick("填表说明", "How to fill in"), &bold)?;
    let para = Style::new().set_text_wrap().set_align(FormatAlign::Top);
    let num = Style::new().set_align(FormatAlign::Top).set_align(FormatAlign::Right);
    let mut row = 4;
    for (i, p) in template::instructions_for(fw, wide, !units.is_empty(), rater, lang)
        .iter()
        .enumerate()
    {
        ws.write_string_with_format(row, 0, format!("{}.", i + 1), &num)?;
        text_cell(ws, row, 1, p, &para)?;
        fit_row(ws, row, &[(p, 96)])?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 1, lang.pick("本表", "This sheet"), &bold)?;
    row += 1;
    let bases = fw
        .indicators
        .iter()
        .filter(|i| i.kind == crate::model::framework::Kind::Base)
        .count();
    let facts = [
        lang.labelled(lang.pick("指标体系", "Framework"), &format!("{} [{}]", fw.title, fw.id)),
        match lang {
            Lang::Zh => format!(
                "总分 {} 分；指标 {} 项，其中基础指标 {} 项；填报 {} 个栏目",
                fmt_points(fw.total),
                fw.indicators.len(),
                bases,
                template::slots(fw).len()
            ),
            Lang::En => format!(
                "Total {}; {} indicators, {} of them base; {} values to fill",
                fmt_points(fw.total),
                fw.indicators.len(),
                bases,
                template::slots(fw).len()
            ),
        },
        match (units.len(), lang) {
            (0, Lang::Zh) => "单位：由填报单位自行填写".to_string(),
            (0, Lang::En) => "Units: each unit writes its own id".to_string(),
            (n, Lang::Zh) => format!("单位：{n} 个（已预先填入）"),
            (n, Lang::En) => format!("Units: {n}, filled in already"),
        },
    ];
    for f in facts {
        text_cell(ws, row, 1, &f, &Style::new())?;
        row += 1;
    }
    Ok(())
}

/// Long evidence sheet: title row, header, a row per unit and slot.
fn long_sheet(
    ws: &mut Worksheet,
    fw: &Framework,
    units: &UnitList,
    rater: Option<&str>,
    title: &str,
    lang: Lang,
    l: &Looks,
) -> Result<(), XlsxError> {
    let t = template::long_table(fw, units, rater, lang);
    let slots = match rater {
        Some(_) => template::rater_slots(fw),
        None => template::slots(fw),
    };
    let widths = [
        col_width(&t, 0, 8, 12),
        col_width(&t, 1, 12, 24),
        col_width(&t, 2, 8, 10),
        col_width(&t, 3, 16, 30),
        44,
        14,
        36,
        30,
    ];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w as f64)?;
    }
    ws.set_row_height(0, 28)?;
    title_range(ws, 0, (0, 7), title, &l.title)?;
    for (c, h) in t.headers.iter().enumerate() {
        text_cell(ws, 1, c as u16, h, &l.st.header)?;
    }
    let units_known = !units.is_empty();
    for (i, row) in t.rows.iter().enumerate() {
        let r = i as u32 + 2;
        let slot = &slots[i % slots.len()];
        for (c, cell) in row.iter().enumerate() {
            let style = match c {
                0 | 1 if !units_known => &l.input,
                4 => &l.given_wrap,
                0..=3 => &l.given,
                6 if rater.is_some() => &l.given,
                LONG_VALUE_COL if matches!(slot.input, Input::Votes(_)) => &l.input_text,
                LONG_VALUE_COL => &l.input,
                _ => &l.input_wrap,
            };
            if cell.is_empty() {
                ws.write_blank(r, c as u16, style)?;
            } else {
                text_cell(ws, r, c as u16, cell, style)?;
            }
        }
        fit_row(ws, r, &[(&row[4], widths[4])])?;
    }
    // One validation per slot, over that slot's cell in every unit's block.
    let blocks = t.rows.len().checked_div(slots.len()).unwrap_or(0);
    let col = rust_xlsxwriter::utility::column_number_to_name(LONG_VALUE_COL as u16);
    for (k, slot) in slots.iter().enumerate() {
        let cells: Vec<String> = (0..blocks)
            .map(|b| format!("{col}{}", b * slots.len() + k + 3))
            .collect();
        let first = 2 + k as u32;
        let dv = validation(slot, lang)?.set_multi_range(cells.join(" "));
        ws.add_data_validation(first, LONG_VALUE_COL as u16, first, LONG_VALUE_COL as u16, &dv)?;
    }
    ws.set_freeze_panes(2, 0)?;
    ws.autofilter(1, 0, t.rows.len() as u32 + 1, 7)?;
    print_setup(ws, title, true)?;
    ws.set_repeat_rows(0, 1)?;
    Ok(())
}

/// Wide evidence sheet: title row, a row of indicator names, the header of
/// ids, a row per unit.
fn wide_sheet(
    ws: &mut Worksheet,
    fw: &Framework,
    units: &UnitList,
    title: &str,
    lang: Lang,
    l: &Looks,
) -> Result<(), XlsxError> {
    let t = template::wide_table(fw, units, lang);
    let slots = template::slots(fw);
    let last = t.headers.len() as u16 - 1;
    ws.set_column_width(0, col_width(&t, 0, 8, 12) as f64)?;
    ws.set_column_width(1, col_width(&t, 1, 12, 24) as f64)?;
    ws.set_row_height(0, 28)?;
    title_range(ws, 0, (0, last.min(12)), title, &l.title)?;
    ws.set_row_height(1, 64)?;
    ws.write_blank(1, 0, &l.small)?;
    ws.write_blank(1, 1, &l.small)?;
    for (k, slot) in slots.iter().enumerate() {
        let c = k as u16 + 2;
        ws.set_column_width(c, 11)?;
        let clause = slot
            .key
            .split_once('/')
            .map(|(_, c)| format!(" ({c})"))
            .unwrap_or_default();
        text_cell(ws, 1, c, &format!("{}{clause}", slot.indicator.name), &l.small)?;
    }
    for (c, h) in t.headers.iter().enumerate() {
        text_cell(ws, 2, c as u16, h, &l.st.header)?;
    }
    let rows = if units.is_empty() {
        BLANK_ROWS
    } else {
        t.rows.len() as u32
    };
    for r in 0..rows {
        let row = t.rows.get(r as usize);
        for c in 0..t.headers.len() {
            let cell = row.map_or("", |row| row[c].as_str());
            let style = match c {
                0 | 1 if row.is_some() => &l.given,
                0 | 1 => &l.input,
                _ if matches!(slots[c - 2].input, Input::Votes(_)) => &l.input_text,
                _ => &l.input,
            };
            if cell.is_empty() {
                ws.write_blank(r + 3, c as u16, style)?;
            } else {
                text_cell(ws, r + 3, c as u16, cell, style)?;
            }
        }
    }
    for (k, slot) in slots.iter().enumerate() {
        let c = k as u16 + 2;
        ws.add_data_validation(3, c, rows + 2, c, &validation(slot, lang)?)?;
    }
    ws.set_freeze_panes(3, 2)?;
    print_setup(ws, title, true)?;
    ws.set_repeat_rows(0, 2)?;
    Ok(())
}

/// Width of column `c` by its cells and header, within bounds.
fn col_width(t: &crate::render::Table, c: usize, min: usize, max: usize) -> usize {
    let w = t
        .rows
        .iter()
        .map(|r| display_width(&r[c]))
        .chain([display_width(&t.headers[c])])
        .max()
        .unwrap_or(0)
        + 2;
    w.clamp(min, max)
}

/// The template workbook: 填表说明, 佐证 (long or wide), 指标.
pub fn xlsx(
    fw: &Framework,
    units: &UnitList,
    period: Option<&str>,
    wide: bool,
    rater: Option<&str>,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let l = Looks::new();
    let title = match (period, rater, lang) {
        (Some(p), None, Lang::Zh) => format!("{}佐证材料填报表（{p}）", fw.title),
        (None, None, Lang::Zh) => format!("{}佐证材料填报表", fw.title),
        (Some(p), None, Lang::En) => format!("{} — evidence ({p})", fw.title),
        (None, None, Lang::En) => format!("{} — evidence", fw.title),
        (Some(p), Some(r), Lang::Zh) => format!("{}评委评分表（{p}，评分人：{r}）", fw.title),
        (None, Some(r), Lang::Zh) => format!("{}评委评分表（评分人：{r}）", fw.title),
        (Some(p), Some(r), Lang::En) => format!("{} — rater's sheet ({p}, rater: {r})", fw.title),
        (None, Some(r), Lang::En) => format!("{} — rater's sheet (rater: {r})", fw.title),
    };
    let mut book = workbook(&title);
    cover(book.add_worksheet(), fw, units, period, wide, rater, lang, &l)?;
    let ws = book.add_worksheet();
    ws.set_name(lang.pick("佐证", "Evidence"))?;
    if wide {
        wide_sheet(ws, fw, units, &title, lang, &l)?;
    } else {
        long_sheet(ws, fw, units, rater, &title, lang, &l)?;
    }
    let ws = book.add_worksheet();
    ws.set_name(lang.pick("指标", "Indicators"))?;
    table_sheet(ws, &template::indicator_table(fw, lang), &l.st, 1)?;
    print_setup(ws, &fw.title, true)?;
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cut_counts_utf16_units() {
        assert_eq!(cut("abc", 32), "abc");
        assert_eq!(cut(&"字".repeat(40), 32).chars().count(), 32);
        assert_eq!(cut(&"字".repeat(40), 32).chars().last(), Some('…'));
    }

    #[test]
    fn every_slot_of_the_embedded_framework_has_a_valid_validation() {
        let fw = Framework::embedded().unwrap();
        for lang in [Lang::Zh, Lang::En] {
            for s in template::slots(&fw) {
                validation(&s, lang).unwrap();
            }
        }
    }
}
