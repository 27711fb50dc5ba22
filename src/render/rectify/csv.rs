//! The CSV ledger: every item of a list, every column, row by row.

use super::*;
use crate::render::{csv_cell, needs_guard, push_csv_cell};

/// The CSV ledger's rows, as both paths write them: the cells that depend
/// on the indicator alone, and the reasons' labels, formatted once per
/// list; the cells of a row formula-guarded as [`crate::render::csv_cell`] guards
/// text and quoted as the `csv` writer quotes (only a cell holding a
/// delimiter, a quote or a line end; quotes doubled). Rows end in CRLF.
pub struct CsvLedger {
    /// Per indicator: from the delimiter before its id through the one
    /// after its points, and from the delimiter after the note through the
    /// status.
    parts: Vec<(Vec<u8>, Vec<u8>)>,
    /// Each reason's label as a cell, in `Reason::ALL` order.
    reasons: Vec<Vec<u8>>,
    /// A column of the unit's self-assessed amount after the status.
    with_self: bool,
}

impl CsvLedger {
    /// `deadline` is the list's, the same for every item.
    pub fn new(fw: &Framework, deadline: Option<Date>, lang: Lang, with_self: bool) -> CsvLedger {
        let record = |index: usize, cols: &[Col]| {
            let mut out = Vec::new();
            for c in cols {
                out.push(b',');
                let cell = c.of_indicator(fw, index, deadline, lang).unwrap_or_default();
                let (_, numeric) = c.header(lang);
                push_csv_cell(&mut out, csv_cell(&cell, numeric).as_bytes(), false);
            }
            out
        };
        let parts = (0..fw.indicators.len())
            .map(|i| {
                let mut head = record(i, &[Col::Indicator, Col::Name, Col::Group, Col::Points]);
                head.push(b',');
                let tail = record(
                    i,
                    &[
                        Col::Standard,
                        Col::Remedy,
                        Col::Owner,
                        Col::Assessor,
                        Col::Deadline,
                        Col::Status,
                    ],
                );
                (head, tail)
            })
            .collect();
        debug_assert!(Reason::ALL.iter().enumerate().all(|(i, r)| *r as usize == i));
        let reasons = Reason::ALL
            .into_iter()
            .map(|r| {
                let mut v = Vec::new();
                push_text(&mut v, r.label(lang).as_bytes());
                v
            })
            .collect();
        CsvLedger {
            parts,
            reasons,
            with_self,
        }
    }

    /// The header row.
    pub fn header(&self, lang: Lang) -> Vec<u8> {
        let mut cols = ALL.to_vec();
        if self.with_self {
            cols.push(Col::SelfAmount);
        }
        let mut out = Vec::new();
        for (k, c) in cols.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            push_text(&mut out, c.header(lang).0.as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out
    }

    /// The cells that follow the number in every row of unit `u`.
    pub fn unit_cells(out: &mut Vec<u8>, u: &UnitResult) {
        for cell in [&u.unit, &u.name, &u.category] {
            out.push(b',');
            push_text(out, cell.as_bytes());
        }
    }

    /// One row, after its number: `unit` is [`CsvLedger::unit_cells`] of
    /// its unit; `amounts` the amount and the points lost (none for a veto
    /// or a cap); `value` and `note` as given, `plain` when they are known
    /// to hold no delimiter, quote or line end (a line split where it lies).
    #[allow(clippy::too_many_arguments)]
    pub fn row(
        &self,
        out: &mut Vec<u8>,
        unit: &[u8],
        index: usize,
        reason: Reason,
        amounts: Option<(Decimal, Decimal)>,
        value: &[u8],
        note: &[u8],
        plain: bool,
        self_amount: Option<Decimal>,
    ) {
        out.extend_from_slice(unit);
        let (head, tail) = &self.parts[index];
        out.extend_from_slice(head);
        if let Some((amount, lost)) = amounts {
            crate::base::num::push2(out, amount);
            out.push(b',');
            crate::base::num::push2(out, lost);
        } else {
            out.push(b',');
        }
        out.push(b',');
        out.extend_from_slice(&self.reasons[reason as usize]);
        for cell in [value, note] {
            out.push(b',');
            if plain {
                if needs_guard(cell, false) {
                    out.push(b'\'');
                }
                out.extend_from_slice(cell);
            } else {
                push_text(out, cell);
            }
        }
        out.extend_from_slice(tail);
        if self.with_self {
            out.push(b',');
            if let Some(d) = self_amount {
                crate::base::num::push2(out, d);
            }
        }
        out.extend_from_slice(b"\r\n");
    }
}

/// A text cell of the CSV ledger, formula-guarded as [`csv_cell`] guards
/// text and quoted as the `csv` writer quotes.
fn push_text(out: &mut Vec<u8>, cell: &[u8]) {
    push_csv_cell(out, cell, needs_guard(cell, false));
}

/// The CSV ledger of a list (every item, every column) written to `w` row
/// by row: a province's ledger is millions of rows, never held whole.
pub fn write_list_csv(
    w: &mut dyn std::io::Write,
    fw: &Framework,
    a: &Assessment,
    list: &List,
    lang: Lang,
) -> std::io::Result<()> {
    // With a self-assessment, each item's self amount beside the team's.
    let with_self = a.units.iter().any(|u| u.self_assessed.is_some());
    let deadline = list.items().find_map(|(_, it)| it.deadline);
    let ledger = CsvLedger::new(fw, deadline, lang, with_self);
    use std::io::Write;
    let mut w = std::io::BufWriter::new(w);
    w.write_all(&ledger.header(lang))?;
    let (mut row, mut unit, mut last) = (Vec::new(), Vec::new(), None);
    for (no, it) in list.items() {
        let u = &a.units[it.unit];
        if last != Some(it.unit) {
            unit.clear();
            CsvLedger::unit_cells(&mut unit, u);
            last = Some(it.unit);
        }
        let r = &u.indicators[it.index];
        row.clear();
        crate::base::num::push_uint(&mut row, no as u64);
        ledger.row(
            &mut row,
            &unit,
            it.index,
            it.reason,
            it.amount.zip(it.lost),
            r.value.as_deref().unwrap_or("").as_bytes(),
            r.note.as_bytes(),
            false,
            u.self_assessed.as_ref().and_then(|m| m.amounts[it.index]),
        );
        w.write_all(&row)?;
    }
    w.flush()
}
