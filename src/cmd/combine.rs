//! `kaohe combine`: the year's result from its components (季度汇总为年度).

use super::Error;
use super::OutputArgs;
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::lang::Lang;
use crate::base::period::Period;
use crate::engine::combine::{Composite, Loaded, load_component, parse_pair};
use crate::reading::units::Units;
use crate::render::Format;
use std::path::PathBuf;

/// Combine period results into one (季度汇总为年度；平时考核 + 年终考核)
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Each COMPONENT=FILE gives a component of the composite file: FILE is a saved result \
(`kaohe score --format json`) or a table with unit and score columns (CSV or a workbook). \
Score = round2(Σ weight × score), rounded once; grades, quotas and ranks as in a framework."
)]
pub struct Args {
    /// Composite file (TOML: [composite], [[component]] with weights, [[grade]])
    // The comment is the option's help: its brackets are TOML tables, not links.
    #[allow(rustdoc::broken_intra_doc_links)]
    #[arg(short = 'c', long = "composite", value_name = "FILE")]
    pub composite: PathBuf,
    /// Units file (CSV: unit, name, category): the units to combine, with the year's categories
    #[arg(short = 'u', long = "units", value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// Period of the combined result (default: the components' common year)
    #[arg(long, value_name = "P", value_parser = Period::parse_arg)]
    pub period: Option<Period>,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub issue: crate::render::issue::IssueArgs,
    /// The components, as ID=FILE (e.g. Q1=2023Q1.json Q2=2023Q2.json …)
    #[arg(value_name = "COMPONENT=FILE", required = true, value_parser = parse_pair)]
    pub parts: Vec<(String, PathBuf)>,
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    let mut inputs: Vec<PathBuf> = args.parts.iter().map(|p| p.1.clone()).collect();
    inputs.push(args.composite.clone());
    inputs.extend(args.units.clone());
    let (format, dest) = args.output.resolve(&inputs)?;
    let mut comp = Composite::load(&args.composite).map_err(Error::Input)?;
    let files = match_parts(&comp, &args.parts)?;
    let opts = crate::reading::input::ReadOptions::default();
    let mut errs = Diagnostics::new();
    let units = match &args.units {
        Some(p) => match Units::load(p) {
            Ok(u) => Some(u),
            Err(e) => {
                errs.extend(e);
                None
            }
        },
        None => None,
    };
    let mut parts: Vec<Loaded> = Vec::new();
    for f in &files {
        match load_component(f, &opts) {
            Ok(p) => parts.push(p),
            Err(e) => errs.extend(e),
        }
    }
    if !errs.is_empty() {
        return Err(Error::Input(errs));
    }
    let period = args.period.map(|p| p.to_string());
    let a = crate::engine::combine::combine(&mut comp, &parts, units.as_ref(), period).map_err(Error::Input)?;
    let fw = &comp.framework;
    let beside = crate::render::report::component_columns(&comp, &parts, &a, lang);
    match format {
        Format::Json => crate::render::output::emit_with(format, &dest, |w| {
            crate::render::json::write_combined(w, fw, &a, |u| {
                crate::engine::combine::component_rows(&comp, &parts, &u.unit)
            })
        }),
        Format::Table => {
            // The ranking's last line is its group legend; here the groups
            // are the components, which the weights line names.
            let mut text = crate::render::report::ranking_beside(fw, &a, lang, format, &beside);
            if let Some(at) = text.trim_end_matches('\n').rfind('\n') {
                text.truncate(at + 1);
            }
            text.push_str(&crate::engine::combine::weights_line(&comp, lang));
            crate::render::output::emit(&text, format, &dest)
        }
        Format::Xlsx => {
            let book = crate::render::xlsx::score_beside(fw, &a, lang, &beside).map_err(super::workbook_error)?;
            crate::render::output::emit_bytes(&book, &dest)
        }
        Format::Html => crate::render::output::emit_bytes(
            crate::render::html::score_beside(fw, &a, &args.issue.issue(Some(fw)), lang, &beside).as_bytes(),
            &dest,
        ),
        Format::Csv | Format::Md => crate::render::output::emit(
            &crate::render::report::ranking_beside(fw, &a, lang, format, &beside),
            format,
            &dest,
        ),
    }
    .map_err(|e| Error::output(&dest, e))
}

/// Each component's file, in the composite's order: every component given
/// exactly once, and no other.
fn match_parts(comp: &Composite, given: &[(String, PathBuf)]) -> Result<Vec<PathBuf>, Error> {
    let mut errs = Diagnostics::new();
    let name = &comp.framework.path;
    let ids: Vec<&str> = comp.components.iter().map(|c| c.id.as_str()).collect();
    for (i, (id, _)) in given.iter().enumerate() {
        if !ids.contains(&id.as_str()) {
            errs.push(Diagnostic::file(
                name,
                crate::base::lang::msg!(
                    zh: "没有组成部分“{id}”{}；组成部分为 {}",
                    en: "has no component \"{id}\"{}; the components are {}",
                    crate::base::diag::hint(id, ids.iter()),
                    ids.join(", ")
                ),
            ));
        } else if given[..i].iter().any(|(o, _)| o == id) {
            errs.push(Diagnostic::file(
                name,
                crate::base::lang::msg!(zh: "组成部分“{id}”给出了不止一个文件", en: "component \"{id}\" is given more than once"),
            ));
        }
    }
    let mut files = Vec::new();
    for c in &comp.components {
        match given.iter().find(|(id, _)| *id == c.id) {
            Some((_, f)) => files.push(f.clone()),
            None => errs.push(Diagnostic::at(
                name,
                c.line,
                crate::base::lang::msg!(
                    zh: "组成部分“{}”（{}）没有给出文件：请在命令行写 {}=文件",
                    en: "component \"{}\" ({}) has no file: add {}=FILE to the command line",
                    c.id,
                    c.name,
                    c.id
                ),
            )),
        }
    }
    errs.into_result(files).map_err(Error::Input)
}
