//! Reading an input file of any kind — CSV in any encoding, or a
//! workbook — into rows: the one entry above the CSV reader
//! ([`crate::reading::input`]) and the workbook reader ([`crate::reading::workbook`]), so
//! that neither needs the other.

use crate::base::diag::Diagnostic;
use crate::reading::input::{ReadOptions, Row, Sheet};

/// Read an input file — CSV or a spreadsheet — into rows, with any title
/// rows above the header dropped.
pub fn read(path: &std::path::Path, opts: &ReadOptions) -> Result<Sheet, Diagnostic> {
    let name = path.display().to_string();
    let bytes = crate::base::file::read_file(path).map_err(|m| Diagnostic::file(&name, m))?;
    let mut sheet = if crate::reading::input::is_workbook(&bytes) {
        crate::reading::workbook::read_bytes(&name, &bytes, opts.sheet.as_deref())?
    } else {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        if ["xlsx", "xlsm", "xlsb", "xls", "ods"].contains(&ext.as_str()) {
            return Err(Diagnostic::file(
                &name,
                crate::base::lang::msg!(
                    zh: "该文件不是有效的 .{ext} 工作簿（可能已损坏或尚未下载完成）",
                    en: "the file is not a valid .{ext} workbook (it may be damaged or still downloading)"
                ),
            ));
        }
        crate::reading::input::read_csv_forced(&name, &bytes, opts.encoding_for(path))?
    };
    sheet.skip_title_rows();
    strip_row_boms(&mut sheet.rows);
    Ok(sheet)
}

/// Drop a U+FEFF at the start of any row. Two exported CSV files pasted
/// together leave the second one's byte-order mark at the start of a line,
/// where it would become part of a unit id that looks like the real one.
fn strip_row_boms(rows: &mut [Row]) {
    for row in rows {
        if let Some(first) = row.cells.first_mut()
            && first.starts_with('\u{feff}')
        {
            *first = first.trim_start_matches('\u{feff}').to_string();
        }
    }
}
