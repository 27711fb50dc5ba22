//! `kaohe check`: validate a framework (and evidence) and summarise it.

use super::Error;
use super::InputArgs;
use crate::base::lang::Lang;
use crate::model::framework::{BUILTINS, Builtin};
use std::path::PathBuf;

/// Validate the framework, and any evidence given; print the framework tree.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the built-in framework (-f ID, default as for scoring) to FILE as a starting point for your own
    #[arg(long = "export", value_name = "FILE", conflicts_with = "composite")]
    pub export: Option<PathBuf>,
    /// Validate a composite file (`kaohe combine`) instead of a framework
    #[arg(short = 'c', long = "composite", value_name = "FILE", conflicts_with = "framework")]
    pub composite: Option<PathBuf>,
    /// Evidence files to validate as well
    #[arg(value_name = "EVIDENCE")]
    pub evidence: Vec<PathBuf>,
}

pub fn run(args: Args, lang: Lang) -> Result<(), Error> {
    if let Some(out) = &args.export {
        return export(&args, out, lang);
    }
    if let Some(path) = &args.composite {
        if !args.evidence.is_empty() {
            return Err(Error::Usage(
                crate::base::lang::m(
                    "check -c 只校验综合考核文件，不读取佐证材料",
                    "check -c validates a composite file and reads no evidence",
                )
                .to_string(),
            ));
        }
        let comp = crate::engine::combine::Composite::load(path).map_err(Error::Input)?;
        let dest = crate::render::output::Destination::Stdout;
        return crate::render::output::emit(&comp.describe(lang), crate::render::Format::Table, &dest)
            .map_err(|e| Error::output(&dest, e));
    }
    let mut text;
    if args.evidence.is_empty() && args.input.units.is_none() {
        let fw = args.input.framework()?;
        text = crate::render::report::framework_tree(&fw, lang);
    } else {
        let Some((framework, _, c)) = args.input.on_bulk(&args.evidence, |fw, units, files| {
            crate::engine::bulk::check(fw, units, files)
        })?
        else {
            return Err(args.input.refuse(&args.evidence));
        };
        text = crate::render::report::framework_tree(&framework, lang);
        let crate::engine::score::Checked {
            files,
            units,
            values,
            missing,
            exempt,
        } = c;
        text.push_str(&match lang {
            Lang::Zh => format!(
                "\n佐证检查通过：{files} 个文件，{units} 个单位，{values} 个值；{missing} 项缺佐证，{exempt} 项不适用\n"
            ),
            Lang::En => format!(
                "\nEvidence OK: {files} file(s), {units} units, {values} values; {missing} missing, {exempt} not applicable\n"
            ),
        });
    }
    // With a framework of one's own the built-in ones are beside the point.
    let builtin = match &args.input.framework {
        None => true,
        Some(f) => Builtin::by_id(&f.display().to_string()).is_some(),
    };
    if builtin {
        text.push_str(&builtins(args.input.period.map(|p| p.year), lang));
    }
    crate::render::output::emit(
        &text,
        crate::render::Format::Table,
        &crate::render::output::Destination::Stdout,
    )
    .map_err(|e| Error::output(&crate::render::output::Destination::Stdout, e))
}

/// The built-in frameworks, each with its year, the default for `year`
/// marked: `内置考核方案：ideology-2022（2022年度） · ideology-2023（2023年度，默认）`.
fn builtins(year: Option<u16>, lang: Lang) -> String {
    let default = Builtin::default_for(year).id;
    let list: Vec<String> = BUILTINS
        .iter()
        .map(|b| {
            let mark = if b.id == default {
                lang.pick("，默认", ", default")
            } else {
                ""
            };
            match lang {
                Lang::Zh => format!("{}（{}年度{mark}）", b.id, b.year),
                Lang::En => format!("{} ({}{mark})", b.id, b.year),
            }
        })
        .collect();
    format!(
        "\n{}\n",
        lang.labelled(lang.pick("内置考核方案", "Built-in frameworks"), &list.join(" · "))
    )
}

/// `check --export FILE`: a built-in framework's TOML, byte for byte, as a
/// file to start one's own from. An existing file is never replaced (it is
/// most likely a framework being edited).
fn export(args: &Args, out: &std::path::Path, lang: Lang) -> Result<(), Error> {
    let chosen = match &args.input.framework {
        None => Builtin::default_for(args.input.period.map(|p| p.year)),
        Some(f) => Builtin::by_id(&f.display().to_string()).ok_or_else(|| {
            let ids: Vec<&str> = BUILTINS.iter().map(|b| b.id).collect();
            Error::Usage(crate::base::lang::msg!(
                zh: "--export 写出内置考核方案：-f 应为 {} 之一，不能为 {}",
                en: "--export writes a built-in framework: -f must be one of {}, not {}",
                ids.join(", "),
                f.display()
            ))
        })?,
    };
    if out.exists() {
        return Err(Error::Usage(crate::base::lang::msg!(
            zh: "{}：文件已存在，未覆盖；请换一个文件名",
            en: "{}: the file exists and was left as it is; choose another name",
            out.display()
        )));
    }
    crate::render::output::write_atomic(out, chosen.text.as_bytes())
        .map_err(|e| Error::output(&crate::render::output::Destination::File(out.to_path_buf()), e))?;
    let dest = crate::render::output::Destination::Stdout;
    let text = match lang {
        Lang::Zh => format!(
            "已将内置考核方案 {} 写入 {}；修改后用 kaohe check -f {} 校验，用 -f {} 评分\n",
            chosen.id,
            out.display(),
            out.display(),
            out.display()
        ),
        Lang::En => format!(
            "wrote the built-in framework {} to {}; edit it, check it with kaohe check -f {} and score with -f {}\n",
            chosen.id,
            out.display(),
            out.display(),
            out.display()
        ),
    };
    crate::render::output::emit(&text, crate::render::Format::Table, &dest).map_err(|e| Error::output(&dest, e))
}
