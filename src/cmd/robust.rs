//! `kaohe robust`: how robust the ranking is to the weights.

use super::Error;
use super::{InputArgs, OutputArgs};
use crate::base::lang::Lang;
use crate::engine::robust::{Plan, analyse_amounts, parse_jitter};
use crate::render::Format;
use std::path::PathBuf;

/// How robust the ranking is: rank intervals and grade shares when the weights vary (排名稳健性)
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub issue: crate::render::issue::IssueArgs,
    /// Number of draws
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub draws: u32,
    /// How far each base indicator's points may vary: 10% varies them within ±10 %
    #[arg(long, value_name = "SHARE", default_value = "10%", value_parser = parse_jitter)]
    pub jitter: i64,
    /// Seed of the draws: the same seed gives the same result
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Evidence files (CSV, long or wide, UTF-8 or GBK; or XLSX/XLS/ODS), read as one
    #[arg(value_name = "EVIDENCE", required = true)]
    pub evidence: Vec<PathBuf>,
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    let (format, dest) = args.output.resolve(&args.input.paths(&args.evidence))?;
    crate::render::check_format("robust", format).map_err(Error::Usage)?;
    let plan = Plan {
        draws: args.draws,
        jitter: args.jitter,
        seed: args.seed,
    };
    // The evidence scored once, with each unit's base amounts.
    let Some((framework, _, (a, amounts))) = args.input.on_bulk(&args.evidence, |fw, units, files| {
        crate::engine::bulk::assess_amounts(fw, units, files, args.input.period_text())
    })?
    else {
        return Err(args.input.refuse(&args.evidence));
    };
    let r = analyse_amounts(&framework, &a, &amounts, plan);
    let fw = &framework;
    let a = crate::base::Aside::new(a);
    match format {
        Format::Html => crate::render::output::emit_bytes(
            crate::render::html::robust(fw, &a, &r, &args.issue.issue(Some(fw)), lang).as_bytes(),
            &dest,
        ),
        _ => crate::render::output::emit(&crate::render::robust::render(fw, &a, &r, lang, format), format, &dest),
    }
    .map_err(|e| Error::output(&dest, e))
}
