//! `kaohe explain UNIT`: one unit's ledger, indicator by indicator.

use super::Error;
use super::{InputArgs, OutputArgs};
use crate::base::diag::{Diagnostic, Diagnostics, hint};
use crate::base::lang::Lang;
use std::path::PathBuf;

/// Show how one unit's score was reached (得分明细).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Unit id
    pub unit: String,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub issue: crate::render::issue::IssueArgs,
    #[command(flatten)]
    pub selfs: super::SelfArgs,
    /// Evidence files, read as one (all units are scored, for the rank)
    #[arg(value_name = "EVIDENCE", required = true)]
    pub evidence: Vec<PathBuf>,
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    let (format, dest) = args.output.resolve(&args.input.paths(&args.evidence))?;
    crate::render::check_format("explain", format).map_err(Error::Usage)?;
    let (framework, units, assessment) = if args.selfs.files.is_empty() {
        args.input.assess_unit(&args.evidence, &args.unit)?
    } else {
        args.input.assess_self(&args.evidence, &args.selfs.files)?
    };
    // Freeing every unit's detail is seconds the run need not wait for.
    let assessment = crate::base::Aside::new(assessment);
    let Some(unit) = assessment.units.iter().find(|u| u.unit == args.unit) else {
        let known = assessment.units.iter().map(|u| u.unit.as_str());
        let where_ = super::units_source(units.as_ref(), &assessment);
        return Err(Error::Input(Diagnostics(vec![Diagnostic::file(
            where_,
            crate::base::lang::msg!(
                zh: "没有参加考核的单位“{}”{}",
                en: "no unit \"{}\" is assessed{}",
                args.unit,
                hint(&args.unit, known)
            ),
        )])));
    };
    if format == crate::render::Format::Html {
        let page =
            crate::render::html::explain(&framework, &assessment, unit, &args.issue.issue(Some(&framework)), lang);
        return crate::render::output::emit_bytes(page.as_bytes(), &dest).map_err(|e| Error::output(&dest, e));
    }
    let text = crate::render::report::explain(&framework, &assessment, unit, lang, format);
    crate::render::output::emit(&text, format, &dest).map_err(|e| Error::output(&dest, e))
}
