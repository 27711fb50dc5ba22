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
    for sec in &list.sections {
        let next = match &sec.key {
            Key::Unit(u) => list.entry(*u).and_then(|e| e.next.as_ref()),
            Key::Owner(_) | Key::Assessor(_) => None,
        };
        s.push_str(&text_section(fw, a, sec, next, by, lang, format, &mut no));
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
