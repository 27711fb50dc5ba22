//! `kaohe score`: the ranked report.

use super::{InputArgs, OutputArgs};
use crate::Error;
use crate::lang::Lang;
use crate::render::Format;
use std::path::PathBuf;

/// Score every unit and rank them (排名).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Evidence files (CSV, long or wide, UTF-8 or GBK; or XLSX/XLS/ODS), read as one
    #[arg(value_name = "EVIDENCE", required = true)]
    pub evidence: Vec<PathBuf>,
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    let (format, dest) = args.output.resolve(&args.input.paths(&args.evidence))?;
    let (loaded, assessment) = args.input.assess(&args.evidence)?;
    let fw = &loaded.framework;
    match format {
        Format::Xlsx => {
            let book = crate::render::xlsx::score(fw, &assessment, lang)
                .map_err(|e| Error::Output(format!("cannot build the workbook: {e}")))?;
            crate::output::emit_bytes(&book, &dest)
        }
        Format::Html => crate::output::emit_bytes(crate::render::html::score(fw, &assessment, lang).as_bytes(), &dest),
        _ => {
            let text = crate::render::report::ranking(fw, &assessment, lang, format);
            crate::output::emit(&text, format, &dest)
        }
    }
    .map_err(|e| Error::output(&dest, e))
}
