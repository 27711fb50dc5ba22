//! A list as text: the head, and each section as a terminal table or in
//! Markdown; the pieces of a unit's section for writers that build its
//! rows themselves.

use super::*;

/// The title and counts of a list as text (table or Markdown), and the
/// line saying there is nothing to rectify when there are no items.
pub fn text_head(
    fw: &Framework,
    a: &Assessment,
    units: usize,
    items: usize,
    deadline: Option<Date>,
    lang: Lang,
    format: Format,
) -> String {
    let mut s = String::new();
    let head = title(fw, a, lang.pick("整改清单", "Rectification list"));
    let counts = counts_line(units, items, deadline, lang);
    if format == Format::Md {
        s.push_str(&format!(
            "# {}\n\n{}\n",
            crate::render::markdown_text(&head),
            crate::render::markdown_text(&counts)
        ));
    } else {
        s.push_str(&format!("{head}\n{counts}\n"));
    }
    if items == 0 {
        s.push_str(&format!("\n{}\n", lang.pick("没有整改项。", "Nothing to rectify.")));
    }
    s
}

/// One section of a list as text: its heading, facts, the unit's way to
/// the next grade (`next`) and its items numbered on from `no`.
#[allow(clippy::too_many_arguments)]
pub fn text_section(
    fw: &Framework,
    a: &Assessment,
    sec: &Section,
    next: Option<&NextGrade>,
    by: By,
    lang: Lang,
    format: Format,
    no: &mut usize,
) -> String {
    let cols = section_cols(by, format);
    let mut s = match &sec.key {
        Key::Unit(u) => unit_section_head(fw, &a.units[*u], sec.items.len(), next, lang, format),
        Key::Owner(o) => section_opening(
            &owner_label(o, lang),
            &owner_facts(&sec.items, lang),
            None,
            lang,
            format,
        ),
        Key::Assessor(o) => section_opening(
            &assessor_label(o, lang),
            &owner_facts(&sec.items, lang),
            None,
            lang,
            format,
        ),
    };
    let numbered = sec.items.iter().map(|it| {
        *no += 1;
        (*no, it)
    });
    let t = table(fw, a, &cols, numbered, lang);
    if format == Format::Md {
        s.push_str(&t.to_markdown());
    } else {
        s.push_str(&t.to_terminal_wrapped(&wrap(&cols)));
    }
    s
}

/// What a section opens with, before its table: heading, facts and a way
/// to the next grade.
fn section_opening(heading: &str, facts: &str, advice_line: Option<String>, lang: Lang, format: Format) -> String {
    let mut s = String::new();
    if format == Format::Md {
        s.push_str(&format!(
            "\n## {}\n\n{}\n\n",
            crate::render::markdown_text(heading),
            crate::render::markdown_text(facts)
        ));
        if let Some(adv) = advice_line {
            s.push_str(&format!("**{}**\n\n", crate::render::markdown_text(&adv)));
        }
    } else {
        match lang {
            Lang::Zh => s.push_str(&format!("\n【{heading}】{facts}\n")),
            Lang::En => s.push_str(&format!("\n[{heading}] {facts}\n")),
        }
        if let Some(adv) = advice_line {
            s.push_str(&format!("{adv}\n"));
        }
    }
    s
}

/// What a unit's section (table or Markdown) opens with, before its table
/// of `items` items: heading, facts and the way to the next grade.
pub fn unit_section_head(
    fw: &Framework,
    u: &UnitResult,
    items: usize,
    next: Option<&NextGrade>,
    lang: Lang,
    format: Format,
) -> String {
    section_opening(
        &format!("{} {}", u.unit, u.name),
        &unit_facts(fw, u, items, lang),
        next.map(|ng| advice(fw, ng, lang)),
        lang,
        format,
    )
}

/// A cell of a unit section's row (table or Markdown), for writers that
/// build the rows themselves: one of the item's own, or text fixed by the
/// indicator (as it is, not yet escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowCell {
    No,
    Amount,
    Lost,
    Reason,
    Value,
    Note,
    Fixed(String),
}

/// The table of a unit's sections, for writers that build the rows
/// themselves: the headers (with whether each is numeric), the columns
/// that wrap in a terminal (as `Table::to_terminal_wrapped` takes them)
/// and per indicator the cells of its rows. `deadline` is the list's.
pub struct UnitSectionTable {
    pub headers: Vec<(&'static str, bool)>,
    pub wraps: Vec<(usize, u16)>,
    pub rows: Vec<Vec<RowCell>>,
}

pub fn unit_section_table(fw: &Framework, deadline: Option<Date>, lang: Lang, format: Format) -> UnitSectionTable {
    let cols = section_cols(By::Unit, format);
    let rows = (0..fw.indicators.len())
        .map(|i| {
            cols.iter()
                .map(|c| match c.of_indicator(fw, i, deadline, lang) {
                    Some(text) => RowCell::Fixed(text.into_owned()),
                    None => match c {
                        Col::No => RowCell::No,
                        Col::Amount => RowCell::Amount,
                        Col::Lost => RowCell::Lost,
                        Col::Reason => RowCell::Reason,
                        Col::Value => RowCell::Value,
                        Col::Note => RowCell::Note,
                        // Not in a unit's section: said by its heading.
                        _ => RowCell::Fixed(String::new()),
                    },
                })
                .collect()
        })
        .collect();
    UnitSectionTable {
        headers: cols.iter().map(|c| c.header(lang)).collect(),
        wraps: wrap(&cols),
        rows,
    }
}

pub(super) fn text(fw: &Framework, a: &Assessment, list: &List, by: By, lang: Lang, format: Format) -> String {
    let md = format == Format::Md;
    let deadline = list.items().next().and_then(|(_, it)| it.deadline);
    let mut s = text_head(fw, a, list.units.len(), list.items().count(), deadline, lang, format);
    let mut no = 0;
    // Sections by unit row by row, as on the bulk path, unless a terminal
    // table is fitted to the terminal's width.
    let mut rows = (by == By::Unit && (md || !crate::render::fits_terminal()))
        .then(|| (UnitRows::new(fw, deadline, lang, format), RowScratch::default()));
    let mut out = Vec::new();
    // Each unit's entry, found once (not among every unit's for each).
    let entries: std::collections::HashMap<usize, &crate::engine::rectify::UnitEntry> =
        list.units.iter().rev().map(|e| (e.unit, e)).collect();
    for sec in &list.sections {
        let next = match &sec.key {
            Key::Unit(u) => entries.get(u).and_then(|e| e.next.as_ref()),
            Key::Owner(_) | Key::Assessor(_) => None,
        };
        match (&sec.key, &mut rows) {
            (Key::Unit(u), Some((rows, scratch))) => {
                let unit = &a.units[*u];
                let head = unit_section_head(fw, unit, sec.items.len(), next, lang, format);
                let items = sec.items.iter().map(|it| {
                    let r = &unit.indicators[it.index];
                    SectionRow {
                        index: it.index,
                        reason: it.reason,
                        amounts: it.amount.zip(it.lost),
                        value: r.value.as_deref().unwrap_or("").as_bytes(),
                        note: r.note.as_bytes(),
                    }
                });
                out.clear();
                rows.write(&mut out, scratch, &head, &mut no, items)
                    .expect("text is UTF-8");
                s.push_str(std::str::from_utf8(&out).expect("text is UTF-8"));
            }
            _ => s.push_str(&text_section(fw, a, sec, next, by, lang, format, &mut no)),
        }
    }
    if by != By::Unit {
        let lines: Vec<String> = list
            .units
            .iter()
            .filter_map(|e| {
                let u = &a.units[e.unit];
                e.next
                    .as_ref()
                    .map(|ng| format!("{} {}{}{}", u.unit, u.name, lang.pick("：", ": "), advice(fw, ng, lang)))
            })
            .collect();
        if !lines.is_empty() {
            let h = lang.pick("各单位晋档路径", "Way to the next grade");
            if md {
                s.push_str(&format!("\n## {h}\n\n"));
                for l in lines {
                    s.push_str(&format!("- {}\n", crate::render::markdown_text(&l)));
                }
            } else {
                s.push_str(&format!("\n{h}\n"));
                for l in lines {
                    s.push_str(&format!("  {l}\n"));
                }
            }
        }
    }
    s
}

/// One item of a unit's section, for [`UnitRows::write`].
pub struct SectionRow<'a> {
    pub index: usize,
    pub reason: Reason,
    /// The amount and the points lost; `None` for a veto or a cap.
    pub amounts: Option<(Decimal, Decimal)>,
    /// The value and note as given (UTF-8).
    pub value: &'a [u8],
    pub note: &'a [u8],
}

/// The rows of a list's unit sections, table or Markdown, as every list by
/// unit writes them: what each indicator's rows repeat prepared once per
/// list, then each section's rows straight into bytes. A province's list is
/// millions of rows; building a table per unit is what that time went to.
pub struct UnitRows {
    md: bool,
    /// Per indicator: the cells of its rows, the fixed ones escaped for
    /// the format, with their display widths (terminal); in Markdown the
    /// fixed text between the row's own cells, separators included.
    rows: Vec<Vec<(RowCell, usize)>>,
    /// Reason labels (in `Reason::ALL` order), escaped, with their widths.
    reasons: Vec<(String, usize)>,
    /// Terminal: the table's layout.
    grid: crate::render::grid::Grid,
    /// Markdown: the header and alignment rows.
    md_head: String,
}

/// What [`UnitRows::write`] reuses from one section to the next: the row's
/// own cells of a terminal table, and their ranges in it with, when
/// known, their widths.
#[derive(Default)]
pub struct RowScratch {
    own: Vec<u8>,
    pieces: Vec<(usize, usize, Option<usize>)>,
}

impl UnitRows {
    /// `deadline` is the list's. Not for a terminal table fitted to the
    /// terminal's width, which `Table` lays out.
    pub fn new(fw: &Framework, deadline: Option<Date>, lang: Lang, format: Format) -> UnitRows {
        let t = unit_section_table(fw, deadline, lang, format);
        let md = format == Format::Md;
        let escape = |s: &str| {
            if md {
                crate::base::diag::escape_controls(&crate::render::markdown_cell(s))
            } else {
                crate::render::terminal_safe(s)
            }
        };
        let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
        let rows = t.rows.into_iter().map(|cells| {
            cells
                .into_iter()
                .map(|c| match c {
                    RowCell::Fixed(s) => {
                        let e = escape(&s);
                        let w = width(&e);
                        (RowCell::Fixed(e), w)
                    }
                    other => (other, 0),
                })
                .collect()
        });
        // A Markdown row is written as it comes: its fixed cells with the
        // separators around them as one piece.
        let rows = if md {
            rows.map(md_pieces).collect()
        } else {
            rows.collect()
        };
        let heads: Vec<String> = t.headers.iter().map(|h| crate::render::terminal_safe(h.0)).collect();
        let heads: Vec<&str> = heads.iter().map(String::as_str).collect();
        let numeric: Vec<bool> = t.headers.iter().map(|h| h.1).collect();
        UnitRows {
            md,
            rows,
            reasons: Reason::ALL
                .iter()
                .map(|r| {
                    let label = escape(r.label(lang));
                    let w = width(&label);
                    (label, w)
                })
                .collect(),
            grid: crate::render::grid::Grid::new(&heads, &numeric, &t.wraps),
            md_head: crate::render::output::escape_lines(&Table::new(&t.headers).to_markdown()),
        }
    }

    /// A unit's section: `head` ([`unit_section_head`]), then its table of
    /// `items`, numbered on from `no`, appended to `out`. Control
    /// characters are shown as `output::escape_lines` shows them. `Err`
    /// when a value or note is not UTF-8.
    pub fn write<'a>(
        &self,
        out: &mut Vec<u8>,
        scratch: &mut RowScratch,
        head: &str,
        no: &mut usize,
        items: impl Iterator<Item = SectionRow<'a>> + Clone,
    ) -> Result<(), std::str::Utf8Error> {
        if head.split('\n').any(|line| needs_escape(line.as_bytes(), false)) {
            out.extend_from_slice(crate::render::output::escape_lines(head).as_bytes());
        } else {
            out.extend_from_slice(head.as_bytes());
        }
        let md = self.md;
        if md {
            out.extend_from_slice(self.md_head.as_bytes());
        }
        // Markdown rows are written as they come; a terminal table is laid
        // out once its cells are known (the row's own in `own`).
        let RowScratch { own, pieces } = scratch;
        own.clear();
        pieces.clear();
        let buf = if md { &mut *out } else { &mut *own };
        let mut digits = [0u8; 20];
        for it in items.clone() {
            *no += 1;
            for (cell, _) in &self.rows[it.index] {
                let start = buf.len();
                match cell {
                    RowCell::Fixed(s) if md => buf.extend_from_slice(s.as_bytes()),
                    // Taken from the template when the cells are laid out.
                    RowCell::Fixed(_) => continue,
                    RowCell::No => buf.extend_from_slice(crate::base::num::uint(&mut digits, *no as u64)),
                    RowCell::Amount | RowCell::Lost => {
                        if let Some((amount, lost)) = it.amounts {
                            crate::base::num::push2(buf, if *cell == RowCell::Amount { amount } else { lost });
                        }
                    }
                    RowCell::Reason => {
                        let (label, width) = &self.reasons[it.reason as usize];
                        buf.extend_from_slice(label.as_bytes());
                        if !md {
                            pieces.push((start, buf.len(), Some(*width)));
                        }
                        continue;
                    }
                    RowCell::Value | RowCell::Note => {
                        let text = if *cell == RowCell::Note { it.note } else { it.value };
                        push_escaped(buf, text, md)?;
                        if !md {
                            pieces.push((start, buf.len(), None));
                        }
                        continue;
                    }
                }
                // Numbers: ASCII, a column per byte.
                if !md {
                    pieces.push((start, buf.len(), Some(buf.len() - start)));
                }
            }
        }
        if md {
            return Ok(());
        }
        // The rows' cells: the template's, the row's own in order.
        use crate::render::grid::Cell;
        let own = std::str::from_utf8(own)?;
        let mut cells = Vec::with_capacity(pieces.len() * 2);
        let mut pieces = pieces.iter();
        for it in items {
            for (cell, width) in &self.rows[it.index] {
                cells.push(match cell {
                    RowCell::Fixed(text) => Cell { text, width: *width },
                    _ => {
                        let &(a, b, width) = pieces.next().expect("a piece per own cell");
                        let text = &own[a..b];
                        match width {
                            Some(width) => Cell { text, width },
                            None => Cell::new(text),
                        }
                    }
                });
            }
        }
        self.grid.write(&cells, out);
        Ok(())
    }
}

/// A Markdown row's cells as pieces: the row's own cells, and the text
/// between them as one fixed piece.
fn md_pieces(cells: Vec<(RowCell, usize)>) -> Vec<(RowCell, usize)> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    for (j, (cell, _)) in cells.into_iter().enumerate() {
        text.push_str(if j == 0 { "| " } else { " | " });
        match cell {
            RowCell::Fixed(s) => text.push_str(&s),
            own => {
                pieces.push((RowCell::Fixed(std::mem::take(&mut text)), 0));
                pieces.push((own, 0));
            }
        }
    }
    text.push_str(" |\n");
    pieces.push((RowCell::Fixed(text), 0));
    pieces
}

/// Text from the file as a cell: escaped for Markdown
/// (`render::markdown_cell`, then its control characters as
/// `output::escape_lines` shows them), or terminal-safe
/// (`render::terminal_safe`).
fn push_escaped(out: &mut Vec<u8>, s: &[u8], md: bool) -> Result<(), std::str::Utf8Error> {
    if !needs_escape(s, md) {
        out.extend_from_slice(s);
    } else if md {
        let s = std::str::from_utf8(s)?;
        out.extend_from_slice(crate::base::diag::escape_controls(&crate::render::markdown_cell(s)).as_bytes());
    } else {
        out.extend_from_slice(crate::render::terminal_safe(std::str::from_utf8(s)?).as_bytes());
    }
    Ok(())
}

/// Does `s` hold anything the escapes of [`push_escaped`] change: a
/// control character (C0, DEL, C1), a line or paragraph separator, a
/// bidirectional override or isolate; in Markdown also `&`, `<`, `>`, `|`,
/// `[`, `]`, `\\`?
fn needs_escape(s: &[u8], md: bool) -> bool {
    // Per byte: 1 escaped, 2 escaped in Markdown, 4 the lead of a
    // character to look at.
    const CLASS: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut c = 0;
        while c < 0x20 {
            t[c] = 1;
            c += 1;
        }
        t[0x7f] = 1;
        t[b'&' as usize] = 2;
        t[b'<' as usize] = 2;
        t[b'>' as usize] = 2;
        t[b'|' as usize] = 2;
        t[b'[' as usize] = 2;
        t[b']' as usize] = 2;
        t[b'\\' as usize] = 2;
        t[0xc2] = 4;
        t[0xe2] = 4;
        t
    };
    let mask = if md { 7 } else { 5 };
    if s.iter().fold(0, |acc, &c| acc | CLASS[c as usize]) & mask == 0 {
        return false;
    }
    s.iter().enumerate().any(|(i, &c)| match c {
        0..=0x1f | 0x7f => true,
        b'&' | b'<' | b'>' | b'|' | b'[' | b']' | b'\\' => md,
        // U+0080–U+009F
        0xc2 => matches!(s.get(i + 1), Some(0x80..=0x9f)),
        // U+2028–U+202E, U+2066–U+2069
        0xe2 => matches!(
            (s.get(i + 1), s.get(i + 2)),
            (Some(0x80), Some(0xa8..=0xae)) | (Some(0x81), Some(0xa6..=0xa9))
        ),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The quick test says "escape" exactly for the characters the escapes
    /// change, alone and amid other text.
    #[test]
    fn needs_escape_agrees_with_the_escapes() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            let s = format!("a{c}b");
            let terminal = crate::render::terminal_safe(&s) != s;
            let md = crate::base::diag::escape_controls(&crate::render::markdown_cell(&s)) != s;
            assert_eq!(needs_escape(s.as_bytes(), false), terminal, "{:x}", c as u32);
            assert_eq!(needs_escape(s.as_bytes(), true), md, "{:x}", c as u32);
        }
    }
}
