//! The optional units file (被考核单位名单): ids, names and categories.

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::reading::input::{Sheet, header_key};
use indexmap::IndexMap;

/// One assessed unit as listed in the units file.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitInfo {
    pub name: String,
    pub category: String,
    pub line: u64,
}

/// The units file: every unit to be scored, in file order.
#[derive(Debug, Clone)]
pub struct Units {
    pub path: String,
    pub sha256: String,
    pub units: IndexMap<String, UnitInfo>,
}

pub(crate) const NAME_ALIASES: &[&str] = &["name", "unit_name", "单位名称", "名称"];
const CATEGORY_ALIASES: &[&str] = &["category", "类别", "分类", "单位类别", "单位类型"];

impl Units {
    /// Load from CSV or a spreadsheet. Columns other than unit, name and
    /// category are ignored (units lists often carry contacts and the like).
    pub fn load(path: &std::path::Path) -> Result<Units, Diagnostics> {
        Units::load_with(path, &crate::reading::input::ReadOptions::default())
    }

    /// [`Units::load`] with `--encoding`; a workbook is read from its first
    /// sheet that has a header (`--sheet` names the evidence sheet, not this).
    pub fn load_with(path: &std::path::Path, opts: &crate::reading::input::ReadOptions) -> Result<Units, Diagnostics> {
        let opts = crate::reading::input::ReadOptions {
            encodings: opts.encodings.clone(),
            sheet: None,
        };
        let sheet = crate::reading::read::read(path, &opts).map_err(|d| Diagnostics(vec![d]))?;
        Units::from_sheet(sheet)
    }

    pub fn from_sheet(sheet: Sheet) -> Result<Units, Diagnostics> {
        let mut errs = Diagnostics::new();
        let path = sheet.path.clone();
        let Some(header) = sheet.rows.first() else {
            return Err(Diagnostics(vec![Diagnostic::file(
                &path,
                crate::base::lang::m(
                    "单位文件为空（应有表头：unit,name,category）",
                    "the units file is empty (expected a header: unit,name,category)",
                ),
            )]));
        };
        let find = |aliases: &[&str]| {
            header
                .cells
                .iter()
                .position(|c| aliases.contains(&header_key(c).as_str()))
        };
        let Some(unit_col) = find(crate::reading::input::UNIT_ALIASES) else {
            return Err(Diagnostics(vec![sheet.diag(
                header.line,
                None,
                crate::base::lang::msg!(
                    zh: "缺少必需的 unit（单位）列；表头为：{}",
                    en: "missing required column unit (单位); the header is: {}",
                    header.cells.join(",")
                ),
            )]));
        };
        // The unit column as the file heads it, for the messages about it.
        let heading = header.cells[unit_col].trim();
        let name_col = find(NAME_ALIASES);
        let cat_col = find(CATEGORY_ALIASES);
        let mut units: IndexMap<String, UnitInfo> = IndexMap::new();
        for row in &sheet.rows[1..] {
            let cell = |c: Option<usize>| {
                c.and_then(|c| row.cells.get(c))
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default()
            };
            let id = cell(Some(unit_col));
            if id.is_empty() {
                errs.push(sheet.diag(
                    row.line,
                    Some(unit_col),
                    crate::base::lang::msg!(
                        zh: "“{heading}”列：单位编号为空",
                        en: "column \"{heading}\": the unit id is empty"
                    ),
                ));
                continue;
            }
            if let Some(c) = crate::base::diag::first_invisible(&id) {
                let m = crate::base::diag::invisible_in_id("单位编号", "the unit id", &id, c);
                errs.push(sheet.diag(
                    row.line,
                    Some(unit_col),
                    crate::base::lang::msg!(zh: "“{heading}”列：{m}", en: "column \"{heading}\": {m}"),
                ));
                continue;
            }
            if let Some(first) = units.get(&id) {
                let at = match &sheet.worksheet {
                    Some(_) => sheet.location(first.line, Some(unit_col)),
                    None => crate::base::lang::msg!(zh: "第 {} 行", en: "line {}", first.line),
                };
                errs.push(sheet.diag(
                    row.line,
                    Some(unit_col),
                    crate::base::lang::msg!(zh: "单位“{id}”重复（首次出现在{at}）", en: "duplicate unit \"{id}\" (first at {at})"),
                ));
                continue;
            }
            units.insert(
                id,
                UnitInfo {
                    name: cell(name_col),
                    category: cell(cat_col),
                    line: row.line,
                },
            );
        }
        errs.into_result(Units {
            path,
            sha256: sheet.sha256,
            units,
        })
    }

    /// Are any categories given?
    pub fn has_categories(&self) -> bool {
        self.units.values().any(|u| !u.category.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reading::input::read_csv_bytes;

    fn load(text: &str) -> Result<Units, Diagnostics> {
        Units::from_sheet(read_csv_bytes("u.csv", text.as_bytes()).unwrap())
    }

    #[test]
    fn reads_aliases_and_ignores_other_columns() {
        let u = load("单位,单位名称,类别,联系人\nT01,城关镇,乡镇,张三\n").unwrap();
        assert_eq!(
            u.units["T01"],
            UnitInfo {
                name: "城关镇".into(),
                category: "乡镇".into(),
                line: 2
            }
        );
    }

    #[test]
    fn reports_duplicates_and_empty_ids() {
        let e = load("unit,name\nT01,a\n,b\nT01,c\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "u.csv:3: column \"unit\": the unit id is empty\nu.csv:4: duplicate unit \"T01\" (first at line 2)"
        );
    }

    #[test]
    fn needs_a_unit_column() {
        let e = load("name\na\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "u.csv:1: missing required column unit (单位); the header is: name"
        );
    }
}
