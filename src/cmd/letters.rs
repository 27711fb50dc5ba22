//! `kaohe letters -o DIR/|FILE.docx`: a feedback letter (考核结果反馈意见书)
//! per unit, as Word documents that WPS and Word open and edit.

use super::Error;
use super::InputArgs;
use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::lang::Lang;
use crate::engine::rectify::{By, Order, Selection};
use crate::render::docx::Letter;
use crate::render::output::Destination;
use std::path::{Path, PathBuf};

/// Write each unit's feedback letter (考核结果反馈意见书) as DOCX: score, rank,
/// grade, group scores, every deficiency with remedy, owner and deadline,
/// and the way to the next grade.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub issue: crate::render::issue::IssueArgs,
    /// A directory (ending in / or existing): one .docx per unit; or FILE.docx: every letter in one document
    #[arg(short = 'o', long = "output", value_name = "PATH", required = true)]
    pub output: PathBuf,
    /// Only this unit (repeatable)
    #[arg(long, value_name = "ID")]
    pub unit: Vec<String>,
    /// Only units of this category (repeatable)
    #[arg(long, value_name = "C")]
    pub category: Vec<String>,
    /// Order of the letters: rank (worst first) or unit id
    #[arg(long, value_enum, default_value_t = Order::Unit)]
    pub order: Order,
    /// Evidence files, read as one (all units are scored, for the ranks)
    #[arg(value_name = "EVIDENCE", required = true)]
    pub evidence: Vec<PathBuf>,
}

/// Where the letters go.
enum Target {
    /// One document per unit in this directory.
    Dir(PathBuf),
    /// Every letter in one document.
    File(PathBuf),
}

fn target(p: &Path) -> Result<Target, Error> {
    let text = p.to_string_lossy();
    if text.ends_with('/') || text.ends_with(std::path::MAIN_SEPARATOR) || p.is_dir() {
        return Ok(Target::Dir(p.to_path_buf()));
    }
    match p.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("docx") => Ok(Target::File(p.to_path_buf())),
        _ => Err(Error::Usage(crate::base::lang::msg!(
            zh: "letters 的 -o 应为目录（以 / 结尾，每个单位一个文件）或 .docx 文件（所有单位合为一个文件）：“{}”",
            en: "letters -o takes a directory (ending in /, a file per unit) or a .docx file (every unit in one): \"{}\"",
            p.display()
        ))),
    }
}

/// A file name for a unit's letter: `T01 城关镇党委.docx`, without the
/// characters Windows refuses in names.
fn file_name(unit: &str, name: &str) -> String {
    let raw = if name.is_empty() {
        unit.to_string()
    } else {
        format!("{unit} {name}")
    };
    let clean: String = raw
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '_'
            } else {
                c
            }
        })
        .collect();
    format!("{}.docx", clean.trim().trim_end_matches('.'))
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    // A saved result holds too little for a letter (no notes, remedies,
    // owners, deadlines): letters are written from evidence.
    if let Some(json) = args.evidence.iter().find(|p| crate::reading::result::is_result(p)) {
        return Err(Error::Usage(crate::base::lang::msg!(
            zh: "{} 是评分结果：反馈意见书从佐证材料生成（kaohe letters -u 单位文件 --period 期 -o 目录/ 佐证.csv）；年度结果的整改清单用 kaohe deficiencies {}",
            en: "{} is a saved result: letters are written from the evidence (kaohe letters -u UNITS --period P -o DIR/ EVIDENCE.csv); the year's list of a combined result is kaohe deficiencies {}",
            json.display(),
            json.display()
        )));
    }
    let target = target(&args.output)?;
    let out_path = match &target {
        Target::Dir(d) => d.clone(),
        Target::File(f) => f.clone(),
    };
    crate::render::output::check_not_input(&out_path, &args.input.paths(&args.evidence)).map_err(Error::Usage)?;
    let sel = Selection {
        units: args.unit,
        categories: args.category,
        ..Selection::default()
    };
    args.input.check_selection(&sel)?;
    let (framework, units, assessment) = args.input.assess_in_full(&args.evidence)?;
    // Freeing every unit's detail is seconds the run need not wait for.
    let assessment = crate::base::Aside::new(assessment);
    let fw = &framework;
    let list = crate::engine::rectify::build(fw, &assessment, args.input.period, &sel, args.order, By::Unit).map_err(
        |errs| {
            let where_ = super::units_source(units.as_ref(), &assessment);
            Error::Input(Diagnostics(
                errs.into_iter().map(|e| Diagnostic::file(where_.clone(), e)).collect(),
            ))
        },
    )?;
    let items: Vec<Vec<crate::engine::rectify::Item>> = list
        .units
        .iter()
        .map(|e| {
            list.items()
                .filter(|(_, it)| it.unit == e.unit)
                .map(|(_, it)| it.clone())
                .collect()
        })
        .collect();
    let letters: Vec<Letter> = list
        .units
        .iter()
        .zip(&items)
        .map(|(e, items)| Letter {
            unit: e.unit,
            items,
            next: e.next.as_ref(),
        })
        .collect();
    let issue = args.issue.issue(Some(fw));
    let build = |ls: &[Letter]| {
        crate::render::docx::letters(fw, &assessment, ls, &issue, lang).map_err(|e| {
            Error::Output(crate::base::lang::msg!(zh: "无法生成 DOCX 文件：{e}", en: "cannot build the DOCX file: {e}"))
        })
    };
    match target {
        Target::File(path) => {
            let bytes = build(&letters)?;
            let dest = Destination::File(path);
            crate::render::output::emit_bytes(&bytes, &dest).map_err(|e| Error::output(&dest, e))
        }
        Target::Dir(dir) => {
            // Every document is built before the first is written.
            let mut docs = Vec::with_capacity(letters.len());
            for l in &letters {
                let u = &assessment.units[l.unit];
                docs.push((dir.join(file_name(&u.unit, &u.name)), build(std::slice::from_ref(l))?));
            }
            std::fs::create_dir_all(&dir).map_err(|e| Error::output(&Destination::File(dir.clone()), e))?;
            for (path, bytes) in docs {
                let dest = Destination::File(path);
                crate::render::output::emit_bytes(&bytes, &dest).map_err(|e| Error::output(&dest, e))?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_windows_accepts() {
        assert_eq!(file_name("T01", "城关镇党委"), "T01 城关镇党委.docx");
        assert_eq!(file_name("T02", ""), "T02.docx");
        assert_eq!(file_name("T03", "a/b:c*?\"<>|d."), "T03 a_b_c______d.docx");
    }
}
