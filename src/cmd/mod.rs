//! Subcommands: each file glues its clap arguments to the engine and the
//! renderers; no scoring logic lives here.

pub mod check;
pub mod combine;
pub mod deficiencies;
pub mod diff;
pub mod explain;
pub mod ledger;
pub mod letters;
pub mod robust;
pub mod score;
pub mod template;
pub mod trend;

use crate::base::diag::Diagnostics;
use crate::base::period::Period;
use crate::engine::score::Assessment;
use crate::model::framework::Framework;
use crate::reading::units::Units;
use crate::render::Format;
use crate::render::output::{Destination, resolve_format};
use std::path::PathBuf;

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems with the inputs, every one located.
    #[error("{0}")]
    Input(Diagnostics),
    /// Bad arguments.
    #[error("{0}")]
    Usage(String),
    /// Writing the output failed.
    #[error("{0}")]
    Output(String),
}

impl Error {
    pub fn output(dest: &Destination, e: std::io::Error) -> Error {
        match dest {
            Destination::File(p) => Error::Output(
                crate::base::lang::msg!(zh: "{}：无法写入：{}", en: "{}: cannot write: {}", p.display(), crate::base::lang::io_error(&e)),
            ),
            Destination::Stdout => Error::Output(
                crate::base::lang::msg!(zh: "无法写入标准输出：{}", en: "cannot write to standard output: {}", crate::base::lang::io_error(&e)),
            ),
        }
    }
}

/// Inputs shared by the commands that score: framework, units, evidence.
#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Framework: a TOML file or a built-in framework's id (default: the
    /// built-in framework of --period's year, else the newest)
    #[arg(short = 'f', long = "framework", value_name = "FILE")]
    pub framework: Option<PathBuf>,
    /// Units file (CSV: unit, name, category)
    #[arg(short = 'u', long = "units", value_name = "FILE")]
    pub units: Option<PathBuf>,
    /// Assessment period: 2023, 2023H1, 2023Q4 or 2023-06
    #[arg(long, value_name = "P", value_parser = Period::parse_arg)]
    pub period: Option<Period>,
    /// Worksheet to read from XLSX/XLS/ODS evidence (default: the first with a header row)
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// Encoding of CSV inputs, or FILE=ENC for one file (default: detected: UTF-8, UTF-16 with BOM, or GBK/GB18030)
    #[arg(long, value_name = "ENC", value_parser = crate::reading::input::EncodingArgParser, action = clap::ArgAction::Append)]
    pub encoding: Vec<crate::reading::input::EncodingArg>,
    /// Missing evidence: error (every missing item of every unit is an error, located) or zero (scores 0);
    /// default: the framework's `missing`
    #[arg(long, value_enum, value_name = "HOW")]
    pub missing: Option<MissingArg>,
}

/// `--missing`: what missing evidence does, overriding the framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MissingArg {
    /// Scores 0 (无佐证), with a warning for a unit without any evidence
    Zero,
    /// An error naming every missing (unit, indicator)
    Error,
}

/// Output options shared by the commands that report.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Output format (default: table, or from the -o file's extension)
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write to FILE (whole or not at all) instead of stdout
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write CSV files without the UTF-8 byte-order mark (Excel needs it for Chinese)
    #[arg(long)]
    pub no_bom: bool,
}

impl OutputArgs {
    /// The format and destination, checked before any work is done.
    pub fn resolve(&self, inputs: &[PathBuf]) -> Result<(Format, Destination), Error> {
        use std::io::IsTerminal;
        let format = resolve_format(self.format, self.output.as_deref()).map_err(Error::Usage)?;
        crate::render::output::set_csv_bom(!self.no_bom);
        let dest = match &self.output {
            Some(p) => {
                crate::render::output::check_not_input(p, inputs).map_err(Error::Usage)?;
                Destination::File(p.clone())
            }
            None if format == Format::Xlsx && std::io::stdout().is_terminal() => {
                return Err(Error::Usage(
                    crate::base::lang::m(
                        "XLSX 工作簿不能输出到终端：请用 -o FILE.xlsx 写入文件",
                        "an XLSX workbook is not for the terminal: write it with -o FILE.xlsx",
                    )
                    .to_string(),
                ));
            }
            None => {
                crate::render::fit_terminal(if format == Format::Table {
                    crate::render::detect_terminal_width()
                } else {
                    None
                });
                Destination::Stdout
            }
        };
        Ok((format, dest))
    }

    /// [`OutputArgs::resolve`] for a command that writes only the text
    /// formats: XLSX or HTML is a usage error, found before any work.
    pub fn resolve_text(&self, inputs: &[PathBuf], command: &str) -> Result<(Format, Destination), Error> {
        let (format, dest) = self.resolve(inputs)?;
        if !format.is_text() {
            return Err(Error::Usage(crate::base::lang::msg!(
                zh: "{command} 不能输出为 {}：请使用 table、csv、json 或 md",
                en: "{command} cannot be written as {}: use table, csv, json or md",
                format.name()
            )));
        }
        Ok((format, dest))
    }
}

/// A ranking from an assessment scored in full, in any format of `score`
/// (the workbook and the HTML report show every unit's items).
pub fn emit_ranking(
    fw: &Framework,
    a: &Assessment,
    format: Format,
    dest: &Destination,
    issue: &crate::render::issue::IssueArgs,
    lang: crate::base::lang::Lang,
) -> Result<(), Error> {
    ranking_fits(fw, a.units.len(), format, dest)?;
    match format {
        Format::Xlsx => {
            let book = crate::render::xlsx::score(fw, a, lang).map_err(workbook_error)?;
            crate::render::output::emit_bytes(&book, dest)
        }
        Format::Html => crate::render::output::emit_bytes(
            crate::render::html::score(fw, a, &issue.issue(Some(fw)), lang).as_bytes(),
            dest,
        ),
        // Streamed: a province's result is gigabytes.
        Format::Json => crate::render::output::emit_with(format, dest, |w| crate::render::json::write_scored(w, fw, a)),
        _ => crate::render::output::emit(&crate::render::report::ranking(fw, a, lang, format), format, dest),
    }
    .map_err(|e| Error::output(dest, e))
}

/// Refuse a ranking of `units` units as a workbook or web page too large
/// to build (see [`document_fits`], [`sheet_fits`]).
fn ranking_fits(fw: &Framework, units: usize, format: Format, dest: &Destination) -> Result<(), Error> {
    if matches!(format, Format::Xlsx | Format::Html) {
        document_fits(fw, units, dest)?;
    }
    if format == Format::Xlsx {
        // The 明细 sheet: a row per unit and item at least.
        sheet_fits(units.saturating_mul(fw.indicators.len()))?;
    }
    Ok(())
}

pub use crate::render::xlsx::WORKSHEET_ROWS;

/// A workbook that could not be built, in the user's language: a sheet
/// past [`WORKSHEET_ROWS`] said so, with what to do instead.
pub fn workbook_error(e: rust_xlsxwriter::XlsxError) -> Error {
    match e {
        rust_xlsxwriter::XlsxError::RowColumnLimitError => too_many_rows(),
        e => Error::Output(crate::base::lang::msg!(zh: "无法生成工作簿：{e}", en: "cannot build the workbook: {e}")),
    }
}

fn too_many_rows() -> Error {
    let max = WORKSHEET_ROWS;
    Error::Output(crate::base::lang::msg!(
        zh: "工作簿的一张表将超过 Excel 和 WPS 每表最多的 {max} 行：请改用 CSV（--format csv），或只列出部分单位（--category、--unit）、分批运行",
        en: "a sheet of the workbook would pass the {max} rows Excel and WPS hold: write CSV instead (--format csv), or list some units only (--category, --unit) or run them in batches"
    ))
}

/// Refuse a workbook a sheet of which will have at least `rows` rows
/// besides its header, when that is more than a sheet holds, before it is
/// built.
pub fn sheet_fits(rows: usize) -> Result<(), Error> {
    if rows >= WORKSHEET_ROWS {
        return Err(too_many_rows());
    }
    Ok(())
}

/// The most results (units × items) one workbook, web page or text list
/// is made of: such a document is built whole before it is written, at up
/// to a kilobyte a result beside the results themselves, so this many fit
/// in about 3 GB. CSV and JSON (the result, the list) are streamed and not limited.
pub const MAX_DOCUMENT_RESULTS: usize = 2_500_000;

/// Refuse a workbook, web page or text list of `units` units for more
/// than [`MAX_DOCUMENT_RESULTS`] results, before building it, rather than
/// run out of memory part way.
pub fn document_fits(fw: &Framework, units: usize, dest: &Destination) -> Result<(), Error> {
    let items = fw.indicators.len();
    let n = units.saturating_mul(items);
    if n <= MAX_DOCUMENT_RESULTS {
        return Ok(());
    }
    let max = MAX_DOCUMENT_RESULTS;
    let to = match dest {
        Destination::File(p) => p.display().to_string(),
        Destination::Stdout => crate::base::lang::m("标准输出", "standard output").to_string(),
    };
    Err(Error::Output(crate::base::lang::msg!(
        zh: "{to}：{units} 个单位 × {items} 项指标，共 {n} 项结果，超过工作簿、网页和文本清单一次最多容纳的 {max} 项；请改用 CSV 或 JSON（--format csv、--format json），或只列出部分单位（deficiencies 的 --category、--unit）",
        en: "{to}: {units} units × {items} items make {n} results, more than a workbook, web page or text list holds ({max}); write CSV or JSON instead (--format csv, --format json), or list some units only (deficiencies --category, --unit)"
    )))
}

/// `--self FILE`: the units' self-assessment (自评).
#[derive(Debug, Default, clap::Args)]
pub struct SelfArgs {
    /// Self-assessment evidence (自评), in the evidence's shapes: scored by the same framework and shown beside the team's score (repeatable)
    #[arg(long = "self", value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// What the bulk path reads besides the evidence: the framework, the
/// units, and the encoding forced for each evidence file (none for any
/// when `--encoding` is not given).
pub type BulkInputs = (
    Framework,
    Option<Units>,
    Vec<Option<crate::reading::input::ForcedEncoding>>,
);

impl InputArgs {
    /// Every input path of the run (to refuse writing over one).
    pub fn paths(&self, evidence: &[PathBuf]) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = evidence.to_vec();
        v.extend(self.framework.clone());
        v.extend(self.units.clone());
        v
    }

    /// The evidence and units files that `--encoding` for every file would
    /// garble (UTF-8 files read in a legacy encoding): problems. (The
    /// self-assessment's files are checked where they are read.)
    fn garbled_by_encoding(&self, evidence: &[PathBuf]) -> Vec<crate::base::diag::Diagnostic> {
        let mut files: Vec<PathBuf> = evidence.to_vec();
        files.extend(self.units.clone());
        crate::reading::input::utf8_under_blanket(&self.encoding, &files)
    }

    /// How inputs are read (`--sheet`, `--encoding`).
    pub fn read_options(&self) -> crate::reading::input::ReadOptions {
        crate::reading::input::ReadOptions {
            encodings: self.encoding.clone(),
            sheet: self.sheet.clone(),
        }
    }

    /// The framework, with `--missing` applied.
    pub fn framework(&self) -> Result<Framework, Error> {
        let mut fw = Framework::load(self.framework.as_deref(), self.period.map(|p| p.year)).map_err(Error::Input)?;
        match self.missing {
            Some(MissingArg::Error) => {
                fw.missing = crate::model::framework::Missing::Error;
                fw.missing_from_option = true;
            }
            Some(MissingArg::Zero) => fw.missing = crate::model::framework::Missing::Zero,
            None => {}
        }
        Ok(fw)
    }

    /// Why the engine did not score `evidence` ([`InputArgs::on_bulk`]
    /// gave nothing and told no problem): the problems of the options, the
    /// framework or the units file, every one. The engine words every
    /// problem of the evidence itself; evidence it gave up on without one
    /// is said as a fault of kaohe's own, never scored some other way.
    pub fn refuse(&self, evidence: &[PathBuf]) -> Error {
        match self.inputs_problems(evidence) {
            Err(e) => e,
            Ok(()) => {
                let files: Vec<String> = evidence.iter().map(|p| p.display().to_string()).collect();
                Error::Input(Diagnostics(vec![crate::base::diag::Diagnostic::file(
                    files.join(", "),
                    crate::base::lang::m(
                        "这些佐证材料读取无误，却未能计分：这是 kaohe 自身的缺陷，未输出任何结果；请将所用命令和文件报告维护者",
                        "this evidence reads without a problem but was not scored: a fault of kaohe's own, and nothing was written; please report the command and the files",
                    ),
                )]))
            }
        }
    }

    /// The problems of the options, the framework and the units file
    /// (the latter's all together), which the engine did not get to.
    fn inputs_problems(&self, evidence: &[PathBuf]) -> Result<(), Error> {
        if let Some(m) = crate::reading::input::unmatched_encoding(&self.encoding, &self.paths(evidence)) {
            return Err(Error::Usage(m));
        }
        let framework = self.framework()?;
        // A file the encoding would garble: whatever else reading it finds
        // follows from that.
        let garbled = self.garbled_by_encoding(evidence);
        if !garbled.is_empty() {
            return Err(Error::Input(Diagnostics(garbled)));
        }
        let mut errs = Diagnostics::new();
        let units = match &self.units {
            Some(p) => match Units::load_with(p, &self.read_options()) {
                Ok(u) => Some(u),
                Err(e) => {
                    errs.extend(e);
                    None
                }
            },
            None => None,
        };
        if let Err(e) = crate::engine::grade::check_units(&framework, units.as_ref()) {
            errs.extend(e);
        }
        if let Err(e) = crate::engine::cohort::check_units(&framework, units.as_ref()) {
            errs.extend(e);
        }
        if !errs.is_empty() {
            // Without a valid units list, evidence cannot be checked against it.
            return Err(Error::Input(errs));
        }
        Ok(())
    }

    /// The problems found in `evidence`, and which other built-in
    /// framework it fits, if one does ([`InputArgs::other_builtin`]).
    fn evidence_problems(
        &self,
        mut errs: Diagnostics,
        evidence: &[PathBuf],
        chosen: &Framework,
        units: Option<&Units>,
    ) -> Error {
        if let Some(hint) = self.other_builtin(evidence, chosen, units) {
            errs.push(hint);
        }
        Error::Input(errs)
    }

    /// When the framework was chosen by default and the evidence does not
    /// fit it but fits another built-in one (2022 evidence scored without
    /// `--period`), say which and how to choose it.
    fn other_builtin(
        &self,
        evidence: &[PathBuf],
        chosen: &Framework,
        units: Option<&Units>,
    ) -> Option<crate::base::diag::Diagnostic> {
        if self.framework.is_some() {
            return None;
        }
        let fits = crate::model::framework::BUILTINS
            .iter()
            .filter(|b| b.id != chosen.id)
            .find(|b| b.load().is_ok_and(|fw| self.fits(evidence, &fw, units)))?;
        let year = self.period.map(|p| p.year);
        let why = match year {
            None => crate::base::lang::m("未给出 --period，用最新的", "no --period given: the newest").to_string(),
            Some(y) if crate::model::framework::BUILTINS.iter().any(|b| b.year == y) => {
                crate::base::lang::msg!(zh: "--period 所在的 {y} 年度", en: "the one for --period's year, {y}")
            }
            Some(y) => {
                crate::base::lang::msg!(zh: "没有 {y} 年度的内置方案，用最新的", en: "none is built in for {y}: the newest")
            }
        };
        let files: Vec<String> = evidence.iter().map(|p| p.display().to_string()).collect();
        Some(crate::base::diag::Diagnostic::file(
            files.join(", "),
            crate::base::lang::msg!(
                zh: "以上按内置考核方案 {}（{why}）核对；这些佐证材料与 {} 相符：请加 --period {} 或 -f {}",
                en: "checked against the built-in framework {} ({why}); this evidence fits {}: give --period {} or -f {}",
                chosen.id,
                fits.id,
                fits.year,
                fits.id
            ),
        ))
    }

    /// Does `evidence` read under `fw` without a problem? Yes when the
    /// engine scores it, or finds it wanting only once scored.
    fn fits(&self, evidence: &[PathBuf], fw: &Framework, units: Option<&Units>) -> bool {
        if !self.fast_path_may_read(evidence) || !crate::engine::bulk::holds(fw) {
            return false;
        }
        let forced = self.forced_encodings(evidence);
        let (checked, told) = self.run_bulk(evidence, &forced, |files| crate::engine::bulk::check(fw, units, files));
        checked.is_some() || (!told.problems.is_empty() && told.scoring)
    }

    /// `run` on the bulk path over `evidence` as [`crate::engine::bulk::read_and_run`]
    /// reads it, `forced` as `--encoding` says, with what it tells back.
    fn run_bulk<T>(
        &self,
        evidence: &[PathBuf],
        forced: &[Option<crate::reading::input::ForcedEncoding>],
        run: impl FnMut(crate::engine::bulk::Files) -> Option<T>,
    ) -> (Option<T>, crate::engine::bulk::Told) {
        crate::engine::bulk::read_and_run(evidence, forced, &self.read_options(), run)
    }

    /// May the bulk path read `evidence`? Not when a `FILE=ENC` of
    /// `--encoding` names no file given or an encoding forced garbles a
    /// file ([`InputArgs::refuse`] says so).
    fn fast_path_may_read(&self, evidence: &[PathBuf]) -> bool {
        crate::reading::input::unmatched_encoding(&self.encoding, &self.paths(evidence)).is_none()
            && self.garbled_by_encoding(evidence).is_empty()
    }

    /// The encoding forced for each of the `evidence` files (`--encoding`),
    /// or none at all.
    fn forced_encodings(&self, evidence: &[PathBuf]) -> Vec<Option<crate::reading::input::ForcedEncoding>> {
        match self.encoding.is_empty() {
            true => Vec::new(),
            false => evidence
                .iter()
                .map(|p| crate::reading::input::forced_for(&self.encoding, p))
                .collect(),
        }
    }

    /// Load and score for a ranking — totals, grades and ranks, no
    /// per-indicator detail ([`crate::engine::bulk::assess`]); else every
    /// problem ([`InputArgs::refuse`]).
    pub fn assess_ranking(&self, evidence: &[PathBuf]) -> Result<(Framework, Assessment), Error> {
        match self.on_bulk(evidence, |fw, units, files| {
            crate::engine::bulk::assess(fw, units, files, self.period_text())
        })? {
            Some((framework, _, a)) => Ok((framework, a)),
            None => Err(self.refuse(evidence)),
        }
    }

    /// The framework and units for the bulk path, and the encoding forced
    /// for each of the `evidence` files (`--encoding`), unless the units
    /// file or a `FILE=ENC` has problems (which
    /// [`InputArgs::refuse`] reports).
    pub fn bulk_inputs(&self, evidence: &[PathBuf]) -> Result<Option<BulkInputs>, Error> {
        if !self.fast_path_may_read(evidence) {
            return Ok(None);
        }
        let framework = self.framework()?;
        let units = match &self.units {
            None => None,
            Some(p) => match Units::load_with(p, &self.read_options()) {
                Ok(u) => Some(u),
                Err(_) => return Ok(None),
            },
        };
        crate::engine::grade::check_units(&framework, units.as_ref()).map_err(Error::Input)?;
        crate::engine::cohort::check_units(&framework, units.as_ref()).map_err(Error::Input)?;
        Ok(Some((framework, units, self.forced_encodings(evidence))))
    }

    /// The units and categories selected (`--unit`, `--category`) checked
    /// against the units file, when one is given, before any evidence is
    /// read: a mistyped name is said at once, with the units file, as it
    /// would be once a province's evidence were scored. (A units file
    /// with problems is left to be reported where it is read.)
    pub fn check_selection(&self, sel: &crate::engine::rectify::Selection) -> Result<(), Error> {
        if sel.units.is_empty() && sel.categories.is_empty() {
            return Ok(());
        }
        let Some(units) = self.units_read_early() else {
            return Ok(());
        };
        sel.check(units.units.iter().map(|(id, i)| (id.as_str(), i.category.as_str())))
            .map_err(|errs| {
                Error::Input(Diagnostics(
                    errs.into_iter()
                        .map(|e| crate::base::diag::Diagnostic::file(units.path.clone(), e))
                        .collect(),
                ))
            })
    }

    /// The units file, read before the evidence to say a mistake at once;
    /// `None` without one, or when it has problems, which are reported
    /// where the run reads it.
    fn units_read_early(&self) -> Option<Units> {
        Units::load_with(self.units.as_ref()?, &self.read_options()).ok()
    }

    /// A ranking in `format` of the units file's units refused, before any
    /// evidence is read, as a workbook or web page too large to build, as
    /// [`emit_ranking`] refuses it once they are scored. (Without a units
    /// file the units are known only then; a framework or units file with
    /// problems is left to be reported where it is read.)
    pub fn ranking_fits(&self, format: Format, dest: &Destination) -> Result<(), Error> {
        if !matches!(format, Format::Xlsx | Format::Html) {
            return Ok(());
        }
        let Some(units) = self.units_read_early() else {
            return Ok(());
        };
        match self.framework() {
            Ok(fw) => ranking_fits(&fw, units.units.len(), format, dest),
            Err(_) => Ok(()),
        }
    }

    /// `run` on the bulk path, with the framework, the units and the
    /// evidence files it takes, when [`InputArgs::bulk_inputs`] lets it:
    /// what it gives, with the framework and units; `None` when the bulk
    /// path does not apply or `run` gives up on the evidence.
    /// Each unit of the units file without any evidence is named in a
    /// warning.
    pub fn on_bulk<T>(
        &self,
        evidence: &[PathBuf],
        run: impl FnMut(&Framework, Option<&Units>, crate::engine::bulk::Files) -> Option<T>,
    ) -> Result<Option<(Framework, Option<Units>, T)>, Error> {
        let found = self.on_bulk_told(evidence, run)?;
        Ok(found.map(|(framework, units, t, told)| {
            crate::base::diag::warn(&Diagnostics(told.notices));
            if let Some(list) = &units {
                let silent: std::collections::HashSet<&str> = told.silent.iter().map(String::as_str).collect();
                crate::base::diag::warn(&crate::engine::score::silent_units(list, |id| silent.contains(id)));
            }
            (framework, units, t)
        }))
    }

    /// [`InputArgs::on_bulk`], what it warns of given back instead.
    #[allow(clippy::type_complexity)]
    fn on_bulk_told<T>(
        &self,
        evidence: &[PathBuf],
        mut run: impl FnMut(&Framework, Option<&Units>, crate::engine::bulk::Files) -> Option<T>,
    ) -> Result<Option<(Framework, Option<Units>, T, crate::engine::bulk::Told)>, Error> {
        let Some((framework, units, forced)) = self.bulk_inputs(evidence)? else {
            return Ok(None);
        };
        // A workbook is read before the bulk path runs, not for nothing.
        if !crate::engine::bulk::holds(&framework) {
            return Ok(None);
        }
        let (found, told) = self.run_bulk(evidence, &forced, |files| run(&framework, units.as_ref(), files));
        if found.is_none() && !told.problems.is_empty() {
            // Problems of the evidence the bulk path words, and nothing
            // else to say: the problems, after the notices the general
            // reader gives first.
            crate::base::diag::warn(&Diagnostics(told.notices));
            if told.scoring {
                // Evidence that reads, found wanting while scored: not
                // evidence of another framework.
                return Err(Error::Input(Diagnostics(told.problems)));
            }
            return Err(self.evidence_problems(Diagnostics(told.problems), evidence, &framework, units.as_ref()));
        }
        Ok(found.map(|t| (framework, units, t, told)))
    }

    /// Write the canonical JSON result on the bulk path, streamed (a
    /// provincial result is GBs). `false`, with nothing written, when the
    /// bulk path gives up.
    pub fn stream_json(&self, evidence: &[PathBuf], dest: &Destination) -> Result<bool, Error> {
        crate::engine::bulk::hashing_early(evidence, |early| {
            self.stream(evidence, Format::Json, dest, |fw, units, files, w| {
                crate::engine::bulk::write_json(fw, units, files.hashed_early(early), self.period_text(), w)
            })
        })
    }

    /// Write an output in `format` from `evidence` on the bulk path with
    /// `write`, streamed. `false`, with nothing written, when `write`
    /// gives up (returns `None` before writing
    /// anything).
    pub fn stream(
        &self,
        evidence: &[PathBuf],
        format: Format,
        dest: &Destination,
        mut write: impl FnMut(
            &Framework,
            Option<&Units>,
            crate::engine::bulk::Files,
            &mut dyn std::io::Write,
        ) -> Option<std::io::Result<()>>,
    ) -> Result<bool, Error> {
        let written = self.on_bulk(evidence, |fw, units, files| {
            let mut gave_up = false;
            let written = crate::render::output::emit_with(format, dest, |w| {
                write(fw, units, files, w).unwrap_or_else(|| {
                    gave_up = true;
                    Err(std::io::Error::other("given up"))
                })
            });
            (!gave_up).then_some(written)
        })?;
        match written {
            None => Ok(false),
            Some((_, _, written)) => written.map(|()| true).map_err(|e| Error::output(dest, e)),
        }
    }

    /// `--period` as written in results.
    pub fn period_text(&self) -> Option<String> {
        self.period.as_ref().map(|p| p.to_string())
    }

    /// Load and score with one unit in full (`explain`); else every
    /// problem ([`InputArgs::refuse`]). Also returns the units file, for
    /// messages.
    pub fn assess_unit(
        &self,
        evidence: &[PathBuf],
        unit: &str,
    ) -> Result<(Framework, Option<Units>, Assessment), Error> {
        self.on_bulk(evidence, |fw, units, files| {
            crate::engine::bulk::assess_unit(fw, units, files, self.period_text(), unit)
        })?
        .ok_or_else(|| self.refuse(evidence))
    }

    /// Load and score with every unit in full — each item's value, note,
    /// source and line, its deficiencies — as workbooks, web pages,
    /// letters and lists by owner show them; else every problem
    /// ([`InputArgs::refuse`]). Also returns the units file.
    pub fn assess_in_full(&self, evidence: &[PathBuf]) -> Result<(Framework, Option<Units>, Assessment), Error> {
        crate::engine::bulk::hashing_early(evidence, |early| {
            self.on_bulk(evidence, |fw, units, files| {
                crate::engine::bulk::assess_full(fw, units, files.hashed_early(early), self.period_text())
            })
        })?
        .ok_or_else(|| self.refuse(evidence))
    }

    /// [`InputArgs::assess_in_full`], and the self-assessment of `self_files` (if
    /// any) scored by the same framework and units as a run of its own and
    /// attached to each unit. A unit without any self-assessment, or
    /// self-assessed but not assessed, is named in a warning.
    pub fn assess_self(
        &self,
        evidence: &[PathBuf],
        self_files: &[PathBuf],
    ) -> Result<(Framework, Option<Units>, Assessment), Error> {
        let (framework, units, mut a) = self.assess_in_full(evidence)?;
        if self_files.is_empty() {
            return Ok((framework, units, a));
        }
        // The units that gave a self-assessment, each with its score, grade
        // and amount per item (every unit of the run gets one); else every
        // problem of the self-assessment's files.
        let Some((_, _, (mine, amounts), told)) = self.on_bulk_told(self_files, |fw, units, files| {
            crate::engine::bulk::assess_amounts(fw, units, files, None)
        })?
        else {
            return Err(self.refuse(self_files));
        };
        crate::base::diag::warn(&Diagnostics(told.notices));
        // The units that gave a self-assessment: those with rows.
        let unnamed: std::collections::HashSet<&str> = told.unnamed.iter().map(String::as_str).collect();
        let given: std::collections::BTreeSet<&str> = (mine.units.iter())
            .map(|u| u.unit.as_str())
            .filter(|u| !unnamed.contains(u))
            .collect();
        let by: std::collections::HashMap<&str, (&crate::engine::score::UnitResult, &Vec<_>)> = mine
            .units
            .iter()
            .zip(&amounts)
            .map(|(u, amounts)| (u.unit.as_str(), (u, amounts)))
            .collect();
        let mut warnings = Diagnostics::new();
        let source = self_files[0].display().to_string();
        for u in &mut a.units {
            match by.get(u.unit.as_str()).filter(|_| given.contains(u.unit.as_str())) {
                Some((m, amounts)) => {
                    u.self_assessed = Some(crate::engine::score::SelfAssessed {
                        score: m.totals.score,
                        grade: m.grade,
                        amounts: amounts.to_vec(),
                    });
                }
                None => warnings.push(crate::base::diag::Diagnostic::file(
                    &source,
                    crate::base::lang::msg!(
                        zh: "单位 {} 没有自评材料：只列考核组评分",
                        en: "unit {} has no self-assessment: the team's score only",
                        u.unit
                    ),
                )),
            }
        }
        let assessed: std::collections::HashSet<&str> = a.units.iter().map(|u| u.unit.as_str()).collect();
        for id in given.iter().filter(|id| !assessed.contains(*id)) {
            warnings.push(crate::base::diag::Diagnostic::file(
                &source,
                crate::base::lang::msg!(
                    zh: "单位 {id} 有自评材料，但不在考核之列：其自评未列出",
                    en: "unit {id} has a self-assessment but is not assessed: it is left out"
                ),
            ));
        }
        crate::base::diag::warn(&warnings);
        Ok((framework, units, a))
    }
}

/// The file a problem with the selected units is reported against: the
/// units file, else the evidence files.
pub fn units_source(units: Option<&Units>, a: &Assessment) -> String {
    match units {
        Some(u) => u.path.clone(),
        None => a.inputs.iter().map(|f| f.path.as_str()).collect::<Vec<_>>().join(", "),
    }
}
