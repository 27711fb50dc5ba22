//! `kaohe trend RESULT...`: several periods side by side.

use super::Error;
use super::OutputArgs;
use super::diff::{SideArgs, load_all};
use crate::base::lang::Lang;
use std::path::PathBuf;

/// Each unit's score, rank and grade over several periods, with a sparkline.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Saved results (.json from `kaohe score --format json`), oldest first
    #[arg(value_name = "RESULT", required = true, num_args = 2..)]
    pub results: Vec<PathBuf>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    let (format, dest) = args.output.resolve(&args.results)?;
    crate::render::check_format("trend", format).map_err(Error::Usage)?;
    if let Some(p) = args.results.iter().find(|p| !crate::reading::result::is_result(p)) {
        return Err(Error::Usage(crate::base::lang::msg!(
            zh: "{} 不是已保存的评分结果：trend 读取由 `kaohe score --format json` 写出的 .json 文件",
            en: "{} is not a saved result: trend reads .json files written by `kaohe score --format json`",
            p.display()
        )));
    }
    let sides: Vec<SideArgs> = args
        .results
        .iter()
        .map(|p| SideArgs {
            path: p,
            framework: None,
            units: None,
            period: None,
            sheet: None,
            encoding: &[],
            missing: None,
        })
        .collect();
    let results = load_all(&sides)?;
    let t = crate::engine::compare::trend(&results).map_err(Error::Input)?;
    if format == crate::render::Format::Xlsx {
        let book = crate::render::xlsx::trend(&t, lang).map_err(super::workbook_error)?;
        return crate::render::output::emit_bytes(&book, &dest).map_err(|e| Error::output(&dest, e));
    }
    let text = crate::render::compare::trend(&t, lang, format);
    crate::render::output::emit(&text, format, &dest).map_err(|e| Error::output(&dest, e))
}
