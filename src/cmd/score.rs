//! `kaohe score`: the ranked report.

use super::{InputArgs, OutputArgs};
use crate::Error;
use crate::lang::Lang;
use std::path::PathBuf;

/// Score every unit and rank them (排名).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Evidence files (CSV, long or wide; UTF-8 or GBK), read as one
    #[arg(value_name = "EVIDENCE", required = true)]
    pub evidence: Vec<PathBuf>,
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    let (format, dest) = args.output.resolve(&args.input.paths(&args.evidence))?;
    if format == crate::render::Format::Json && args.input.stream_json(&args.evidence, &dest)? {
        return Ok(());
    }
    let (framework, assessment) = if format == crate::render::Format::Json {
        let (loaded, assessment) = args.input.assess(&args.evidence)?;
        (loaded.framework, assessment)
    } else {
        args.input.assess_ranking(&args.evidence)?
    };
    if format == crate::render::Format::Csv {
        // Provincial rankings run to 100,000+ rows: stream them.
        return crate::output::emit_with(format, &dest, |w| {
            crate::render::report::write_ranking_csv(w, &framework, &assessment, lang)
        })
        .map_err(|e| Error::output(&dest, e));
    }
    let text = crate::render::report::ranking(&framework, &assessment, lang, format);
    crate::output::emit(&text, format, &dest).map_err(|e| Error::output(&dest, e))
}
