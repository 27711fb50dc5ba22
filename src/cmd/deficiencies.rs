//! `kaohe deficiencies`: the rectification list (整改清单), or with
//! `--summary` where the whole jurisdiction loses its points.

use super::Error;
use super::{InputArgs, OutputArgs};
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::lang::Lang;
use crate::engine::rectify::{By, Order, Selection};
use crate::engine::score::Reason;
use rust_decimal::Decimal;
use std::path::PathBuf;

/// List every lost point as an item to rectify, worst units first, with the
/// way to the next grade (整改清单).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub issue: crate::render::issue::IssueArgs,
    /// Only this unit (repeatable)
    #[arg(long, value_name = "ID")]
    pub unit: Vec<String>,
    /// Only units of this category (repeatable)
    #[arg(long, value_name = "C")]
    pub category: Vec<String>,
    /// Only items lost for this reason (repeatable)
    #[arg(long, value_enum, value_name = "REASON")]
    pub reason: Vec<ReasonArg>,
    /// Only items losing at least X points (vetoes are always listed)
    #[arg(long = "min-lost", value_name = "X", value_parser = parse_points, allow_negative_numbers = true)]
    pub min_lost: Option<Decimal>,
    /// Order of the units: rank (worst first) or unit id
    #[arg(long, value_enum, default_value_t = Order::Rank)]
    pub order: Order,
    /// Sections per unit, per responsible owner (责任人/责任部门) or per assessing department (负责考核部门)
    #[arg(long, value_enum, default_value_t = By::Unit)]
    pub by: By,
    /// Summarise instead: indicators most often lost, counts by reason and owner
    #[arg(long, conflicts_with = "by")]
    pub summary: bool,
    #[command(flatten)]
    pub selfs: super::SelfArgs,
    /// Evidence files (CSV, long or wide; UTF-8 or GBK), read as one; or one combined result (.json) written by kaohe combine, for the year's list
    #[arg(value_name = "EVIDENCE", required = true)]
    pub evidence: Vec<PathBuf>,
}

/// Why a point was lost (`--reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReasonArg {
    /// 扣分: evidence given, points short
    #[value(alias = "扣分", alias = "失分")]
    Shortfall,
    /// 未提供佐证材料: no evidence
    #[value(alias = "缺佐证", alias = "无佐证", alias = "未提供佐证材料")]
    Missing,
    /// 扣分项: a penalty
    #[value(alias = "扣分项")]
    Penalty,
    /// 一票否决: a veto
    #[value(alias = "一票否决", alias = "否决")]
    Veto,
}

impl From<ReasonArg> for Reason {
    fn from(r: ReasonArg) -> Reason {
        match r {
            ReasonArg::Shortfall => Reason::Shortfall,
            ReasonArg::Missing => Reason::Missing,
            ReasonArg::Penalty => Reason::Penalty,
            ReasonArg::Veto => Reason::Veto,
        }
    }
}

fn parse_points(s: &str) -> Result<Decimal, String> {
    match crate::base::num::parse_number(s) {
        Ok(d) if d >= Decimal::ZERO => Ok(d),
        _ => Err(crate::base::lang::msg!(zh: "“{s}”不是 ≥ 0 的分数", en: "\"{s}\" is not a number of points ≥ 0")),
    }
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    if args.evidence.iter().any(|p| crate::reading::result::is_result(p)) {
        return year(args, lang);
    }
    let (format, dest) = args.output.resolve(&args.input.paths(&args.evidence))?;
    // A deadline past the calendar's end would silently vanish from every
    // item: say so before anything is read.
    if let Some(p) = args.input.period {
        let fw = args.input.framework()?;
        if let Some(days) = fw.rectify_days
            && p.deadline(days).is_none()
        {
            return Err(Error::Usage(crate::base::lang::msg!(
                zh: "--period {p}：整改时限（考核期结束后 {days} 天）超出了可表示的最后日期 9999-12-31；请检查考核期是否写错",
                en: "--period {p}: the rectification deadline ({days} days after the period ends) falls after 9999-12-31, the last date that can be held; check the period"
            )));
        }
    }
    let sel = Selection {
        units: args.unit.clone(),
        categories: args.category.clone(),
        reasons: args.reason.iter().map(|&r| Reason::from(r)).collect(),
        min_lost: args.min_lost,
    };
    args.input.check_selection(&sel)?;
    // Sections per unit are streamed on the bulk path when it applies.
    if !args.summary && args.by == By::Unit && format.is_text() && args.selfs.files.is_empty() {
        let list = crate::engine::bulk::ListArgs {
            period: args.input.period,
            selection: &sel,
            order: args.order,
            format,
            lang,
        };
        let streamed = args
            .input
            .stream(&args.evidence, format, &dest, |fw, units, files, w| {
                crate::engine::bulk::write_deficiencies(fw, units, files, &list, w)
            })?;
        if streamed {
            return Ok(());
        }
    }
    // A summary of clean evidence comes from the bulk path's cells.
    if args.summary
        && args.selfs.files.is_empty()
        && let Some((fw, _, (a, list))) = args.input.on_bulk(&args.evidence, |fw, units, files| {
            crate::engine::bulk::summary_list(fw, units, files, args.input.period, &sel, args.order)
        })?
    {
        return emit_summary(&fw, &crate::base::Aside::new(a), &list, &args, format, &dest, lang);
    }
    let (framework, units, assessment) = args.input.assess_self(&args.evidence, &args.selfs.files)?;
    // Freeing every unit's detail is seconds the run need not wait for.
    let assessment = crate::base::Aside::new(assessment);
    let fw = &framework;
    let list = crate::engine::rectify::build(fw, &assessment, args.input.period, &sel, args.order, args.by).map_err(
        |errs| {
            // Name the file the units came from, as `explain` does.
            let where_ = super::units_source(units.as_ref(), &assessment);
            Error::Input(Diagnostics(
                errs.into_iter().map(|e| Diagnostic::file(where_.clone(), e)).collect(),
            ))
        },
    )?;
    if args.summary {
        return emit_summary(fw, &assessment, &list, &args, format, &dest, lang);
    }
    // CSV and JSON are streamed; the other forms are built whole first.
    let streamed = matches!(format, crate::render::Format::Csv | crate::render::Format::Json);
    if !streamed {
        super::document_fits(fw, list.units.len(), &dest)?;
    }
    if format == crate::render::Format::Xlsx {
        // The ledger: a row per item.
        super::sheet_fits(list.items().count())?;
        let book = crate::render::xlsx::deficiencies(fw, &assessment, &list, lang).map_err(super::workbook_error)?;
        return crate::render::output::emit_bytes(&book, &dest).map_err(|e| Error::output(&dest, e));
    }
    if format == crate::render::Format::Html {
        let page = crate::render::html::deficiencies(fw, &assessment, &list, &args.issue.issue(Some(fw)), lang);
        return crate::render::output::emit_bytes(page.as_bytes(), &dest).map_err(|e| Error::output(&dest, e));
    }
    if streamed {
        return crate::render::output::emit_with(format, &dest, |w| match format {
            crate::render::Format::Json => crate::render::rectify::write_list_json(w, fw, &assessment, &list),
            _ => crate::render::rectify::write_list_csv(w, fw, &assessment, &list, lang),
        })
        .map_err(|e| Error::output(&dest, e));
    }
    let text = crate::render::rectify::list(fw, &assessment, &list, args.by, lang, format);
    // 自评偏高 follows the list as a section of its own in the text formats;
    // CSV carries each item's self amount as a column, JSON as a field.
    let text =
        if !args.selfs.files.is_empty() && matches!(format, crate::render::Format::Table | crate::render::Format::Md) {
            text + &crate::render::rectify::self_higher(fw, &assessment, &list.unit_ids(&assessment), lang, format)
        } else {
            text
        };
    crate::render::output::emit(&text, format, &dest).map_err(|e| Error::output(&dest, e))
}

/// `--summary`: where the units of `list` lose their points, in
/// `format`; in the text formats with a self-assessment, the items
/// assessed higher by the units themselves follow.
fn emit_summary(
    fw: &crate::model::framework::Framework,
    a: &crate::engine::score::Assessment,
    list: &crate::engine::rectify::List,
    args: &Args,
    format: crate::render::Format,
    dest: &crate::render::output::Destination,
    lang: Lang,
) -> Result<(), Error> {
    let s = crate::engine::rectify::summary(fw, list);
    match format {
        crate::render::Format::Xlsx => {
            let book = crate::render::xlsx::deficiency_summary(fw, a, &s, lang).map_err(super::workbook_error)?;
            crate::render::output::emit_bytes(&book, dest)
        }
        crate::render::Format::Html => {
            let page = crate::render::html::deficiency_summary(fw, a, &s, &args.issue.issue(Some(fw)), lang);
            crate::render::output::emit_bytes(page.as_bytes(), dest)
        }
        _ => {
            let mut text = crate::render::rectify::summary(fw, a, &s, lang, format);
            if !args.selfs.files.is_empty()
                && matches!(format, crate::render::Format::Table | crate::render::Format::Md)
            {
                text += &crate::render::rectify::self_higher(fw, a, &list.unit_ids(a), lang, format);
            }
            crate::render::output::emit(&text, format, dest)
        }
    }
    .map_err(|e| Error::output(dest, e))
}

/// The year's list from a combined result (docs/combine.md): the only
/// saved result `deficiencies` reads, since a period's own list comes
/// from its evidence.
fn year(args: Args, lang: Lang) -> Result<(), Error> {
    let path = match &args.evidence[..] {
        [one] if crate::engine::combine::year::is_combined(one) => one.clone(),
        [one] => {
            return Err(Error::Usage(crate::base::lang::msg!(
                zh: "{} 是一期的评分结果：deficiencies 从佐证材料列整改清单（kaohe deficiencies -u 单位文件 --period 期 佐证.csv），或读取 kaohe combine 写出的年度结果",
                en: "{} is one period's saved result: deficiencies lists from the evidence (kaohe deficiencies -u UNITS --period P EVIDENCE.csv), or reads a combined result written by kaohe combine",
                one.display()
            )));
        }
        _ => {
            return Err(Error::Usage(crate::base::lang::m(
                "结果文件（.json）只能单独给出：年度整改清单读取一个 kaohe combine 写出的年度结果，不与佐证材料或其他结果同用",
                "a result (.json) is read alone: the year's list reads one combined result written by kaohe combine, without evidence or other results",
            ).to_string()));
        }
    };
    // Options that concern scoring evidence have nothing to act on.
    let input = &args.input;
    let refused: Vec<&str> = [
        (input.framework.is_some(), "-f/--framework"),
        (input.units.is_some(), "-u/--units"),
        (input.period.is_some(), "--period"),
        (input.sheet.is_some(), "--sheet"),
        (!input.encoding.is_empty(), "--encoding"),
        (input.missing.is_some(), "--missing"),
        (args.by != By::Unit, "--by"),
        (args.summary, "--summary"),
        (!args.selfs.files.is_empty(), "--self"),
    ]
    .into_iter()
    .filter_map(|(given, name)| given.then_some(name))
    .collect();
    if !refused.is_empty() {
        return Err(Error::Usage(crate::base::lang::msg!(
            zh: "年度整改清单取自年度结果中各期的问题，不能用 {}：这些选项只用于从佐证材料列清单",
            en: "the year's list is taken from the periods' problems the combined result records; {} cannot be used with it (they apply to lists from evidence)",
            refused.join(", ")
        )));
    }
    let (format, dest) = args.output.resolve(std::slice::from_ref(&path))?;
    let reasons: Vec<Reason> = args.reason.iter().map(|&r| Reason::from(r)).collect();
    let sel = crate::engine::combine::year::Selection {
        units: &args.unit,
        categories: &args.category,
        reasons: &reasons,
        min_lost: args.min_lost,
        order: args.order,
    };
    let list = crate::engine::combine::year::load(&path, &sel).map_err(Error::Input)?;
    match format {
        crate::render::Format::Xlsx => {
            let book = list.xlsx(lang).map_err(super::workbook_error)?;
            crate::render::output::emit_bytes(&book, &dest)
        }
        crate::render::Format::Html => {
            crate::render::output::emit_bytes(list.html(&args.issue.issue(None), lang).as_bytes(), &dest)
        }
        _ => crate::render::output::emit(&list.text(lang, format), format, &dest),
    }
    .map_err(|e| Error::output(&dest, e))
}

#[cfg(test)]
mod tests {
    #[test]
    fn arguments_are_well_formed() {
        use clap::CommandFactory;
        crate::Cli::command().debug_assert();
    }
}
