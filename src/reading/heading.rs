//! The header of an evidence file, read once for every reader: which
//! column holds what, whether the file is long (one value a row) or wide
//! (a unit a row, an indicator a column), and, when the header cannot be
//! read so, every problem of it, each at its cell.

use crate::base::diag::hint;
use crate::model::framework::Framework;
use crate::reading::input::{UNIT_ALIASES, header_key};
use crate::reading::units::NAME_ALIASES;

/// The columns a long file may have, as written in English.
const KNOWN_LONG: [&str; 7] = ["unit", "name", "indicator", "value", "note", "source", "rater"];

/// Is a column of a long file headed `h` (trimmed), which is none of the
/// evidence columns, left aside with a notice? A column of the office's
/// own (联系人, 填报时间) is; one that looks like a misspelt known column
/// is an error, since its values would be lost, and so is one without a
/// header.
fn ignorable(h: &str) -> bool {
    !h.is_empty()
        && crate::base::diag::did_you_mean(
            h,
            KNOWN_LONG
                .iter()
                .copied()
                .chain(crate::reading::input::KNOWN_HEADERS.iter().copied()),
        )
        .is_none()
}

/// How many of a header's cells are columns: empty cells closing it are
/// none. Excel saves its used range, wider than the table once a cell to
/// its right was touched; a row that gives a value there has more fields
/// than the header, and is named.
fn columns(header: &[String]) -> usize {
    header.iter().rposition(|c| !c.trim().is_empty()).map_or(0, |p| p + 1)
}

/// The notice for the columns `ignored` of a long file, left aside.
pub fn ignored_columns(ignored: &[String]) -> String {
    let list = ignored
        .iter()
        .map(|h| format!("“{h}”"))
        .collect::<Vec<_>>()
        .join(crate::base::lang::m("、", ", "));
    crate::base::lang::msg!(
        zh: "未使用的列 {list}：不是佐证列，已忽略",
        en: "column(s) {list} not used: not evidence columns, ignored"
    )
}

/// The role of an evidence column, from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Unit,
    Name,
    Indicator,
    IndicatorName,
    Standard,
    Value,
    Note,
    Source,
    /// 评分人: one row per rater on an indicator with `raters`.
    Rater,
    Ignored,
}

impl Column {
    /// The role of the column headed `header`, if it has one.
    pub fn of(header: &str) -> Option<Column> {
        let k = header_key(header);
        let k = k.as_str();
        Some(if UNIT_ALIASES.contains(&k) {
            Column::Unit
        } else if NAME_ALIASES.contains(&k) {
            Column::Name
        } else if ["indicator", "indicator_id", "指标", "指标编号", "指标代码", "指标id"].contains(&k) {
            Column::Indicator
        } else if ["indicator_name", "指标名称", "考核内容"].contains(&k) {
            Column::IndicatorName
        } else if ["standard", "评分标准"].contains(&k) {
            Column::Standard
        } else if ["value", "值", "完成情况", "数值"].contains(&k) {
            Column::Value
        } else if ["note", "备注", "说明"].contains(&k) {
            Column::Note
        } else if ["source", "佐证材料", "来源"].contains(&k) {
            Column::Source
        } else if ["rater", "评分人", "考核人", "评委"].contains(&k) {
            Column::Rater
        } else if ["no", "序号", "#"].contains(&k) {
            Column::Ignored
        } else {
            return None;
        })
    }

    fn name(self) -> &'static str {
        match self {
            Column::Unit => "unit",
            Column::Name => "name",
            Column::Indicator => "indicator",
            Column::IndicatorName => "indicator_name",
            Column::Standard => "standard",
            Column::Value => "value",
            Column::Note => "note",
            Column::Source => "source",
            Column::Rater => "rater",
            Column::Ignored => "no",
        }
    }
}

/// How the rows under a header are read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Each column's header, trimmed. Empty cells closing the header are
    /// no columns: a row's cells past these must be empty.
    pub heads: Vec<String>,
    pub unit: usize,
    pub name: Option<usize>,
    pub shape: Shape,
}

/// Long or wide, with the columns of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// One value a row.
    Long {
        indicator: usize,
        value: usize,
        note: Option<usize>,
        source: Option<usize>,
        rater: Option<usize>,
        /// Columns of the office's own (联系人), left aside with a notice,
        /// as headed.
        ignored: Vec<String>,
    },
    /// A unit a row: per column, the indicator and slot it gives (`None`
    /// for the unit's own columns).
    Wide { keys: Vec<Option<(usize, usize)>> },
}

/// A problem of a header: at its cell (by index), or of the whole row.
pub type Problem = (Option<usize>, String);

/// Read the header `cells` of an evidence file against `fw`: the
/// [`Heading`], or every problem found, the row's before the cells' (in
/// the order of the cells).
pub fn heading(fw: &Framework, cells: &[String]) -> Result<Heading, Vec<Problem>> {
    let cells = &cells[..columns(cells)];
    let heads: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
    let roles: Vec<Option<Column>> = cells.iter().map(|h| Column::of(h)).collect();
    let mut problems: Vec<Problem> = Vec::new();
    // Each role at most once.
    for (i, c) in roles.iter().enumerate() {
        if let Some(c) = c
            && *c != Column::Ignored
            && roles[..i].contains(&Some(*c))
        {
            problems.push((
                Some(i),
                crate::base::lang::msg!(
                    zh: "“{}”列在表头中出现两次",
                    en: "column \"{}\" appears twice in the header",
                    heads[i]
                ),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let pos = |c: Column| roles.iter().position(|x| *x == Some(c));
    let shape = if pos(Column::Indicator).is_some() {
        long(&heads, &roles, &mut problems)
    } else if pos(Column::Value).is_some() {
        problems.push((
            None,
            crate::base::lang::m(
                "长表格式佐证缺少必需的 indicator（指标）列",
                "missing required column indicator (指标) for long-format evidence",
            )
            .to_string(),
        ));
        None
    } else {
        wide(fw, cells, &heads, &roles, &mut problems)
    };
    match (shape, pos(Column::Unit)) {
        (Some(shape), Some(unit)) if problems.is_empty() => Ok(Heading {
            unit,
            name: pos(Column::Name),
            heads,
            shape,
        }),
        _ => {
            // The row's problems first, then the cells' from left to right.
            problems.sort_by_key(|p| p.0);
            Err(problems)
        }
    }
}

/// The columns of a long file; its problems put in `problems`.
fn long(heads: &[String], roles: &[Option<Column>], problems: &mut Vec<Problem>) -> Option<Shape> {
    for need in [Column::Unit, Column::Value] {
        if !roles.contains(&Some(need)) {
            problems.push((
                None,
                crate::base::lang::msg!(
                    zh: "长表格式佐证缺少必需的 {} 列",
                    en: "missing required column {} for long-format evidence",
                    need.name()
                ),
            ));
        }
    }
    let mut ignored = Vec::new();
    for (i, (h, role)) in heads.iter().zip(roles).enumerate() {
        if role.is_some() {
            continue;
        }
        if ignorable(h) {
            ignored.push(h.clone());
            continue;
        }
        problems.push((
            Some(i),
            crate::base::lang::msg!(
                zh: "未知列“{h}”{}；长表格式佐证应有 unit、indicator、value 列，可选 name、note、source、indicator_name、standard、rater 列",
                en: "unknown column \"{h}\"{}; long-format evidence has unit, indicator, value and optional name, note, source, indicator_name, standard, rater",
                hint(h, KNOWN_LONG)
            ),
        ));
    }
    let pos = |c: Column| roles.iter().position(|x| *x == Some(c));
    Some(Shape::Long {
        indicator: pos(Column::Indicator)?,
        value: pos(Column::Value)?,
        note: pos(Column::Note),
        source: pos(Column::Source),
        rater: pos(Column::Rater),
        ignored,
    })
}

/// The columns of a wide file, `cells` as the header gives them; its
/// problems put in `problems`.
fn wide(
    fw: &Framework,
    cells: &[String],
    heads: &[String],
    roles: &[Option<Column>],
    problems: &mut Vec<Problem>,
) -> Option<Shape> {
    if !roles.contains(&Some(Column::Unit)) {
        let separator = if cells.len() == 1 && cells[0].contains(';') {
            crate::base::lang::m(
                "（以分号分隔：请将文件另存为逗号分隔的 CSV）",
                " (separated by semicolons: save the file as comma-separated CSV)",
            )
        } else {
            ""
        };
        problems.push((
            None,
            crate::base::lang::msg!(
                zh: "缺少必需的 unit（单位）列；{}{separator}",
                en: "missing required column unit (单位); {}{separator}",
                shapes_wanted(cells)
            ),
        ));
        return None;
    }
    let mut keys: Vec<Option<(usize, usize)>> = vec![None; roles.len()];
    let mut taken: std::collections::HashMap<(usize, usize), usize> = std::collections::HashMap::new();
    for (i, role) in roles.iter().enumerate() {
        let problem = match role {
            Some(Column::Unit | Column::Name | Column::Ignored) => continue,
            Some(other) => crate::base::lang::msg!(
                zh: "“{}”列（{}）属于长表格式佐证，长表还需要 indicator 列",
                en: "column \"{}\" ({}) belongs to long-format evidence, which also needs an indicator column",
                heads[i],
                other.name()
            ),
            // A "did you mean" for as many problems as are listed in full.
            None => match crate::reading::evidence::resolve(
                fw,
                &cells[i],
                problems.len() < crate::base::diag::MAX_PROBLEMS_PER_FILE,
            ) {
                Err(m) => crate::base::lang::msg!(zh: "第 {} 列：{m}", en: "column {}: {m}", i + 1),
                Ok(k) => match taken.insert(k, i) {
                    Some(prev) => crate::base::lang::msg!(
                        zh: "“{}”列在表头中出现两次（第 {} 列和第 {} 列）",
                        en: "column \"{}\" appears twice in the header (columns {} and {})",
                        heads[i],
                        prev + 1,
                        i + 1
                    ),
                    // A wide file gives one value a unit and item: who
                    // rated it cannot be said.
                    None if fw.indicators[k.0].raters.is_some() => crate::base::lang::msg!(
                        zh: "第 {} 列：指标 {} 由多位评委分别打分，须用长表格式逐行填写（unit、indicator、rater/评分人、value 列）",
                        en: "column {}: indicator {} is scored by several raters; give it in long format, one row per rater (unit, indicator, rater, value)",
                        i + 1,
                        fw.indicators[k.0].slot_key(k.1)
                    ),
                    None => {
                        keys[i] = Some(k);
                        continue;
                    }
                },
            },
        };
        problems.push((Some(i), problem));
    }
    if problems.is_empty() && keys.iter().all(Option::is_none) {
        // Units and nothing of theirs (another sheet exported, the
        // indicator columns cut off): every item would score 0.
        problems.push((
            None,
            crate::base::lang::msg!(
                zh: "表头没有指标列：{}",
                en: "the header has no indicator column: {}",
                shapes_wanted(cells)
            ),
        ));
    }
    Some(Shape::Wide { keys })
}

/// The problem of a file with a header and not one row below it: most
/// likely a truncated or wrong export, which would score nothing.
pub fn no_rows() -> &'static str {
    crate::base::lang::m(
        "佐证文件只有表头，没有数据行",
        "the evidence file has a header but no rows",
    )
}

/// The two shapes evidence comes in, and the header given (its `cells`).
fn shapes_wanted(cells: &[String]) -> String {
    crate::base::lang::msg!(
        zh: "佐证应为 unit,indicator,value（长表），或 unit 加每个指标编号一列（宽表）；表头为：{}",
        en: "evidence needs either unit,indicator,value (long) or unit and one column per indicator id (wide); the header is: {}",
        cells.join(",")
    )
}
