//! `kaohe diff OLD NEW`: compare two periods.

use super::Error;
use super::{InputArgs, OutputArgs};
use crate::base::diag::Diagnostics;
use crate::base::lang::Lang;
use crate::base::period::Period;
use crate::engine::compare::SortKey;
use crate::reading::result::PeriodResult;
use std::path::{Path, PathBuf};

/// Compare two periods: scores, ranks, grades, problems fixed and found
/// again (整改不到位), framework revisions.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Each side is a saved result (a .json file written by `kaohe score --format json`) \
or one evidence file, scored here against --old-framework/--new-framework (default: -f, \
else the built-in framework of --old-period/--new-period's year, else the newest) and --old-units/--new-units (default: -u). \
Units, groups and indicators are matched by id.")]
pub struct Args {
    /// The earlier period: a result (.json) or an evidence file
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The later period: a result (.json) or an evidence file
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Framework for scoring evidence on either side: a TOML file or a built-in framework's id
    /// (default: the built-in framework of the side's period year, else the newest)
    #[arg(short = 'f', long = "framework", value_name = "FILE")]
    pub framework: Option<PathBuf>,
    /// Units file for scoring evidence on either side
    #[arg(short = 'u', long = "units", value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// Framework for OLD when it is evidence (default: -f)
    #[arg(long, value_name = "FILE")]
    pub old_framework: Option<PathBuf>,
    /// Framework for NEW when it is evidence (default: -f)
    #[arg(long, value_name = "FILE")]
    pub new_framework: Option<PathBuf>,
    /// Units file for OLD when it is evidence (default: -u)
    #[arg(long, value_name = "FILE")]
    pub old_units: Option<PathBuf>,
    /// Units file for NEW when it is evidence (default: -u)
    #[arg(long, value_name = "FILE")]
    pub new_units: Option<PathBuf>,
    /// Period label for OLD (default: the result's own period)
    #[arg(long, value_name = "P", value_parser = Period::parse_arg)]
    pub old_period: Option<Period>,
    /// Period label for NEW (default: the result's own period)
    #[arg(long, value_name = "P", value_parser = Period::parse_arg)]
    pub new_period: Option<Period>,
    /// Worksheet to read from XLSX/XLS/ODS evidence on either side (default: the first with a header row)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Encoding of CSV evidence on either side, or FILE=ENC for one file (default: detected)
    #[arg(long, value_name = "ENC", value_parser = crate::reading::input::EncodingArgParser, action = clap::ArgAction::Append)]
    pub encoding: Vec<crate::reading::input::EncodingArg>,
    /// Missing evidence on either side: error (every missing item is an error) or zero; default: the framework's
    #[arg(long, value_enum, value_name = "HOW")]
    pub missing: Option<super::MissingArg>,
    /// Order of the units
    #[arg(long, value_enum, default_value_t = Sort::Rank)]
    pub sort: Sort,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub issue: crate::render::issue::IssueArgs,
}

/// Orders for `--sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    /// Biggest rise first
    Delta,
    /// New rank (units no longer assessed last)
    Rank,
    /// Unit id
    Unit,
}

/// One side: how to read it.
pub struct SideArgs<'a> {
    pub path: &'a Path,
    pub framework: Option<&'a PathBuf>,
    pub units: Option<&'a PathBuf>,
    pub period: Option<Period>,
    /// `--sheet` and `--encoding` for evidence.
    pub sheet: Option<&'a String>,
    pub encoding: &'a [crate::reading::input::EncodingArg],
    /// `--missing`.
    pub missing: Option<super::MissingArg>,
}

impl SideArgs<'_> {
    /// A saved result, or the evidence scored now and read as one.
    pub fn load(&self) -> Result<PeriodResult, Error> {
        let mut r = if crate::reading::result::is_result(self.path) {
            PeriodResult::load(self.path).map_err(Error::Input)?
        } else {
            let input = InputArgs {
                framework: self.framework.cloned(),
                units: self.units.cloned(),
                period: self.period,
                sheet: self.sheet.cloned(),
                // The `FILE=ENC` of this side's files (the command checked
                // that each names a file of one side or the other).
                encoding: {
                    let own: Vec<PathBuf> = [Some(self.path.to_path_buf()), self.units.cloned()]
                        .into_iter()
                        .flatten()
                        .collect();
                    self.encoding
                        .iter()
                        .filter(|a| crate::reading::input::unmatched_encoding(std::slice::from_ref(a), &own).is_none())
                        .cloned()
                        .collect()
                },
                missing: self.missing,
            };
            let (framework, _, a) = input.assess_in_full(&[self.path.to_path_buf()])?;
            let a = crate::base::Aside::new(a);
            crate::render::json::period_result(&framework, &a, &self.path.display().to_string())
        };
        if let Some(p) = self.period {
            r.period = Some(p.to_string());
        }
        Ok(r)
    }
}

/// Load several sides, reporting the input problems of all of them together.
pub fn load_all(sides: &[SideArgs]) -> Result<Vec<PeriodResult>, Error> {
    let mut errs = Diagnostics::new();
    let mut out = Vec::new();
    // The problems said so far: looked up in a set, not in the list (a
    // province's file can have a hundred thousand).
    let mut said = std::collections::BTreeSet::new();
    for s in sides {
        match s.load() {
            Ok(r) => out.push(r),
            Err(Error::Input(d)) => {
                // The same file on two sides: say each problem once.
                for x in d.0 {
                    if said.insert(x.clone()) {
                        errs.push(x);
                    }
                }
            }
            Err(e) => return Err(e),
        }
    }
    errs.into_result(out).map_err(Error::Input)
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    for (flag, value, side, name) in [
        ("--old-framework", &args.old_framework, &args.old, "OLD"),
        ("--old-units", &args.old_units, &args.old, "OLD"),
        ("--new-framework", &args.new_framework, &args.new, "NEW"),
        ("--new-units", &args.new_units, &args.new, "NEW"),
    ] {
        if value.is_some() && crate::reading::result::is_result(side) {
            return Err(Error::Usage(crate::base::lang::msg!(
                zh: "{flag} 仅在 {name} 为佐证时适用；{} 是已保存的评分结果，已经评过分",
                en: "{flag} applies only when {name} is evidence; {} is a saved result, scored already",
                side.display()
            )));
        }
    }
    let mut inputs = vec![args.old.clone(), args.new.clone()];
    inputs.extend(
        [
            &args.framework,
            &args.units,
            &args.old_framework,
            &args.new_framework,
            &args.old_units,
            &args.new_units,
        ]
        .into_iter()
        .flatten()
        .cloned(),
    );
    let (format, dest) = args.output.resolve(&inputs)?;
    if let Some(m) = crate::reading::input::unmatched_encoding(&args.encoding, &inputs) {
        return Err(Error::Usage(m));
    }
    let sides = [
        SideArgs {
            path: &args.old,
            framework: args.old_framework.as_ref().or(args.framework.as_ref()),
            units: args.old_units.as_ref().or(args.units.as_ref()),
            period: args.old_period,
            sheet: args.sheet.as_ref(),
            encoding: &args.encoding,
            missing: args.missing,
        },
        SideArgs {
            path: &args.new,
            framework: args.new_framework.as_ref().or(args.framework.as_ref()),
            units: args.new_units.as_ref().or(args.units.as_ref()),
            period: args.new_period,
            sheet: args.sheet.as_ref(),
            encoding: &args.encoding,
            missing: args.missing,
        },
    ];
    let [old, new]: [PeriodResult; 2] = load_all(&sides)?.try_into().expect("two sides");
    let mut c = crate::engine::compare::compare(&old, &new);
    crate::engine::compare::sort(
        &mut c.units,
        match args.sort {
            Sort::Delta => SortKey::Delta,
            Sort::Rank => SortKey::Rank,
            Sort::Unit => SortKey::Unit,
        },
    );
    if format == crate::render::Format::Xlsx {
        let book = crate::render::xlsx::diff(&c, lang).map_err(super::workbook_error)?;
        return crate::render::output::emit_bytes(&book, &dest).map_err(|e| Error::output(&dest, e));
    }
    if format == crate::render::Format::Html {
        let page = crate::render::html::diff(&c, &args.issue.issue(None), lang);
        return crate::render::output::emit_bytes(page.as_bytes(), &dest).map_err(|e| Error::output(&dest, e));
    }
    let text = crate::render::compare::diff(&c, lang, format);
    crate::render::output::emit(&text, format, &dest).map_err(|e| Error::output(&dest, e))
}
