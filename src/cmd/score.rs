//! `kaohe score`: the ranked report.

use super::Error;
use super::{InputArgs, OutputArgs};
use crate::base::lang::Lang;
use crate::render::Format;
use std::path::PathBuf;

/// Score every unit and rank them (排名).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub issue: crate::render::issue::IssueArgs,
    #[command(flatten)]
    pub selfs: super::SelfArgs,
    /// Evidence files (CSV, long or wide, UTF-8 or GBK; or XLSX/XLS/ODS), read as one
    #[arg(value_name = "EVIDENCE", required = true)]
    pub evidence: Vec<PathBuf>,
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    let mut inputs = args.input.paths(&args.evidence);
    inputs.extend(args.selfs.files.iter().cloned());
    let (format, dest) = args.output.resolve(&inputs)?;
    args.input.ranking_fits(format, &dest)?;
    if !args.selfs.files.is_empty() {
        // Beside a self-assessment every unit is scored in full.
        let (framework, _, a) = args.input.assess_self(&args.evidence, &args.selfs.files)?;
        // Freeing every unit's detail is seconds the run need not wait for.
        let a = crate::base::Aside::new(a);
        return super::emit_ranking(&framework, &a, format, &dest, &args.issue, lang);
    }
    match format {
        // Workbooks and HTML reports show every unit's indicators and
        // deficiencies.
        Format::Json | Format::Xlsx | Format::Html => {
            if format == Format::Json && args.input.stream_json(&args.evidence, &dest)? {
                return Ok(());
            }
            let (framework, _, assessment) = args.input.assess_in_full(&args.evidence)?;
            let assessment = crate::base::Aside::new(assessment);
            return super::emit_ranking(&framework, &assessment, format, &dest, &args.issue, lang);
        }
        // Provincial rankings run to 100,000+ rows: stream them.
        Format::Csv => {
            let (framework, assessment) = args.input.assess_ranking(&args.evidence)?;
            let assessment = crate::base::Aside::new(assessment);
            crate::render::output::emit_with(format, &dest, |w| {
                crate::render::report::write_ranking_csv(w, &framework, &assessment, lang)
            })
        }
        Format::Table | Format::Md => {
            let (framework, assessment) = args.input.assess_ranking(&args.evidence)?;
            let text = crate::render::report::ranking(&framework, &crate::base::Aside::new(assessment), lang, format);
            crate::render::output::emit(&text, format, &dest)
        }
    }
    .map_err(|e| Error::output(&dest, e))
}
