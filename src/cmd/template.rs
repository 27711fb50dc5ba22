//! `kaohe template`: the evidence collection sheet for a framework.

use super::Error;
use super::OutputArgs;
use crate::base::lang::Lang;
use crate::base::period::Period;
use crate::model::framework::Framework;
use crate::render::Format;
use std::path::PathBuf;

/// Write the evidence collection sheet (佐证材料填报表) for units to fill in
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Framework: a TOML file or a built-in framework's id (default: the
    /// built-in framework of --period's year, else the newest)
    #[arg(short = 'f', long = "framework", value_name = "FILE")]
    pub framework: Option<PathBuf>,
    /// Units file (unit, name): their rows are filled in already
    #[arg(short = 'u', long = "units", value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// Assessment period, shown in the title: 2023, 2023H1, 2023Q4 or 2023-06
    #[arg(long, value_name = "P", value_parser = Period::parse_arg)]
    pub period: Option<Period>,
    /// Encoding of a CSV units file (default: detected)
    #[arg(long, value_name = "ENC", value_parser = crate::reading::input::EncodingArgParser, action = clap::ArgAction::Append)]
    pub encoding: Vec<crate::reading::input::EncodingArg>,
    /// One row per unit and one column per indicator, instead of one row per unit and indicator
    #[arg(long)]
    pub wide: bool,
    /// One rater's sheet (评委评分表): the items scored by several raters, for every unit, with
    /// this rater's name filled in
    #[arg(long, value_name = "NAME", conflicts_with = "wide")]
    pub rater: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    // XLSX unless -o or --format say CSV.
    let format = match (args.output.format, &args.output.output) {
        (Some(f), _) => f,
        (None, Some(p)) => Format::from_path(p).unwrap_or(Format::Xlsx),
        (None, None) => Format::Xlsx,
    };
    crate::render::check_format("template", format).map_err(Error::Usage)?;
    let output = OutputArgs {
        format: Some(format),
        output: args.output.output.clone(),
        no_bom: args.output.no_bom,
    };
    let inputs: Vec<PathBuf> = args.framework.iter().chain(&args.units).cloned().collect();
    let (format, dest) = output.resolve(&inputs)?;
    let fw = Framework::load(args.framework.as_deref(), args.period.map(|p| p.year)).map_err(Error::Input)?;
    let units: crate::engine::template::UnitList = match &args.units {
        Some(p) => {
            let opts = crate::reading::input::ReadOptions {
                encodings: args.encoding.clone(),
                sheet: None,
            };
            crate::reading::units::Units::load_with(p, &opts)
                .map_err(Error::Input)?
                .units
                .into_iter()
                .map(|(id, info)| (id, info.name))
                .collect()
        }
        None => Vec::new(),
    };
    let rater = args.rater.as_deref().map(str::trim);
    match rater {
        Some("") => {
            return Err(Error::Usage(
                crate::base::lang::m("--rater 需要评分人的姓名", "--rater needs the rater's name").to_string(),
            ));
        }
        Some(_) if crate::engine::template::rater_slots(&fw).is_empty() => {
            return Err(Error::Usage(crate::base::lang::msg!(
                zh: "考核方案 {} 没有由评委打分的指标（raters）：不需要评委评分表，去掉 --rater 即为各单位的填报表",
                en: "framework {} has no item scored by raters (raters): there is no rater's sheet to write; without --rater the template is the units' own",
                fw.id
            )));
        }
        None if crate::engine::template::slots(&fw).is_empty() => {
            return Err(Error::Usage(crate::base::lang::msg!(
                zh: "考核方案 {} 的指标都由评委打分：用 --rater 姓名 为每位评委生成评分表",
                en: "every item of framework {} is scored by raters: write each rater's sheet with --rater NAME",
                fw.id
            )));
        }
        _ => {}
    }
    let period = args.period.map(|p| p.to_string());
    match format {
        Format::Xlsx => {
            let book = crate::render::template::xlsx(&fw, &units, period.as_deref(), args.wide, rater, lang)
                .map_err(super::workbook_error)?;
            crate::render::output::emit_bytes(&book, &dest)
        }
        _ => {
            let table = if args.wide {
                crate::engine::template::wide_table(&fw, &units, lang)
            } else {
                crate::engine::template::long_table(&fw, &units, rater, lang)
            };
            crate::render::output::emit(&table.to_csv(), format, &dest)
        }
    }
    .map_err(|e| Error::output(&dest, e))
}
