//! `kaohe check`: validate a framework (and evidence) and summarise it.

use super::InputArgs;
use crate::Error;
use crate::lang::Lang;
use std::path::PathBuf;

/// Validate the framework, and any evidence given; print the framework tree.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Evidence files to validate as well
    #[arg(value_name = "EVIDENCE")]
    pub evidence: Vec<PathBuf>,
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    let mut text;
    if args.evidence.is_empty() && args.input.units.is_none() {
        let fw = args.input.framework()?;
        text = crate::render::report::framework_tree(&fw, lang);
    } else {
        let (loaded, a) = args.input.assess(&args.evidence)?;
        text = crate::render::report::framework_tree(&loaded.framework, lang);
        let missing = a
            .units
            .iter()
            .flat_map(|u| &u.indicators)
            .filter(|r| r.status == crate::score::Status::Missing)
            .count();
        let exempt = a
            .units
            .iter()
            .flat_map(|u| &u.indicators)
            .filter(|r| r.status == crate::score::Status::Exempt)
            .count();
        text.push_str(&format!(
            "\n{}: {} {}, {} {}, {} {}; {} {}, {} {}\n",
            lang.pick("佐证检查通过", "Evidence OK"),
            loaded.evidence.files.len(),
            lang.pick("个文件", "file(s)"),
            a.units.len(),
            lang.pick("个单位", "units"),
            loaded.evidence.values(),
            lang.pick("个值", "values"),
            missing,
            lang.pick("项缺佐证", "missing"),
            exempt,
            lang.pick("项不适用", "not applicable"),
        ));
    }
    crate::output::emit(&text, crate::render::Format::Table, &crate::output::Destination::Stdout)
        .map_err(|e| Error::output(&crate::output::Destination::Stdout, e))
}
