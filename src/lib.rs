//! kaohe (考核): score organisational units against a responsibility-system
//! indicator framework, rank them and explain every point.
//!
//! One folder per layer, each using only the layers before it:
//! [`base`] (exact numbers, messages, diagnostics), [`model`] (the
//! framework, its rules, the result types), [`reading`] (files, encodings,
//! workbooks, the evidence), [`engine`] (scoring, grades, lists,
//! comparisons), [`render`] (tables, CSV, Markdown, JSON, XLSX, HTML,
//! DOCX, and where output goes) and [`cmd`] (one file per subcommand). The
//! engine knows nothing of the terminal. [`run`] is the whole program, so
//! it can be driven in-process.

pub mod base;
pub mod cmd;
pub mod engine;
pub mod model;
pub mod reading;
pub mod render;

use base::lang::Lang;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
pub use cmd::Error;
use std::ffi::OsString;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: invalid input (framework, evidence, units) or a failed check.
pub const EXIT_INPUT: i32 = 1;
/// Exit code: usage error.
pub const EXIT_USAGE: i32 = 2;

/// Score units against a responsibility-system indicator framework (考核).
#[derive(Debug, Parser)]
#[command(name = "kaohe", version, about, max_term_width = 100)]
pub struct Cli {
    /// Language of labels, headers and messages (default, in order: KAOHE_LANG; LC_ALL, LC_MESSAGES, LANG;
    /// the system locale; zh when it starts with zh, else en)
    #[arg(long, value_enum, global = true)]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Score and rank every unit (排名)
    Score(cmd::score::Args),
    /// One unit indicator by indicator: value, rule, amount, lost (得分明细)
    Explain(cmd::explain::Args),
    /// Validate the framework (and evidence) and print it as a tree
    Check(cmd::check::Args),
    /// Rectification list: every lost point as an item to fix (整改清单)
    Deficiencies(cmd::deficiencies::Args),
    /// Compare two periods: who moved, why, which problems came back (整改不到位)
    Diff(cmd::diff::Args),
    /// Scores, ranks and grades over several periods (走势)
    Trend(cmd::trend::Args),
    /// Write the evidence collection sheet for units to fill in (佐证材料填报表)
    Template(cmd::template::Args),
    /// Feedback letters to units as Word documents (考核结果反馈意见书)
    Letters(cmd::letters::Args),
    /// Summarise rectification ledgers returned by units (整改台账汇总)
    Ledger(cmd::ledger::Args),
    /// Combine period results into the year's (季度汇总为年度)
    Combine(cmd::combine::Args),
    /// How robust the ranking is when the weights vary (排名稳健性)
    Robust(cmd::robust::Args),
}

/// The `--lang` given on the command line, if any, read ahead of parsing.
fn lang_arg(args: &[OsString]) -> Option<Lang> {
    let mut found = None;
    let mut it = args.iter().skip(1).map(|a| a.to_str().unwrap_or(""));
    while let Some(a) = it.next() {
        if a == "--" {
            break;
        }
        let value = match a.strip_prefix("--lang") {
            Some("") => it.next().unwrap_or(""),
            Some(v) if v.starts_with('=') => &v[1..],
            _ => continue,
        };
        found = match value {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => found,
        };
    }
    found
}

/// The command line definition, its help texts in this language.
pub fn command(lang: Lang) -> clap::Command {
    let cmd = render::restrict_formats(Cli::command());
    match lang {
        Lang::En => cmd,
        Lang::Zh => base::help_zh::localise(cmd),
    }
}

/// Parse with the help texts of `lang` (`--help`, and the argument names in
/// errors, come from the command the arguments were parsed against).
fn parse(args: &[OsString], lang: Lang) -> Result<Cli, clap::Error> {
    let mut cmd = command(lang);
    let mut matches = cmd.try_get_matches_from_mut(args)?;
    Cli::from_arg_matches_mut(&mut matches).map_err(|e| e.format(&mut cmd))
}

/// The first subcommand named on the command line, for the pointer to its
/// help in an error.
fn subcommand_arg(args: &[OsString]) -> Option<&'static str> {
    let cmd = Cli::command();
    let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
    let found = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| names.contains(a))?;
    [
        "score",
        "explain",
        "check",
        "deficiencies",
        "diff",
        "trend",
        "template",
        "letters",
        "ledger",
    ]
    .into_iter()
    .find(|n| *n == found)
}

/// Run the program with these arguments; returns the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // Values are checked while the arguments are parsed (`--period 2023X`),
    // so the message language is needed before clap has read `--lang`.
    base::lang::set_messages(lang_arg(&args).unwrap_or_else(Lang::from_env));
    let parsed = parse(&args, base::lang::messages());
    let cli = match parsed {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            match base::lang::messages() {
                Lang::Zh => match base::help_zh::error_text(&e, subcommand_arg(&args)) {
                    Some(text) => say(&text),
                    None => {
                        let _ = e.print();
                    }
                },
                Lang::En => {
                    let _ = e.print();
                }
            }
            return code;
        }
    };
    let lang = cli.lang.unwrap_or_else(Lang::from_env);
    base::lang::set_messages(lang);
    let result = match cli.command {
        Command::Score(a) => cmd::score::run(a, lang),
        Command::Explain(a) => cmd::explain::run(a, lang),
        Command::Check(a) => cmd::check::run(a, lang),
        Command::Deficiencies(a) => cmd::deficiencies::run(a, lang),
        Command::Diff(a) => cmd::diff::run(a, lang),
        Command::Trend(a) => cmd::trend::run(a, lang),
        Command::Template(a) => cmd::template::run(a, lang),
        Command::Letters(a) => cmd::letters::run(a, lang),
        Command::Ledger(a) => cmd::ledger::run(a, lang),
        Command::Combine(a) => cmd::combine::run(a, lang),
        Command::Robust(a) => cmd::robust::run(a, lang),
    };
    let error = base::lang::error_prefix();
    match result {
        Ok(()) => EXIT_OK,
        Err(Error::Input(d)) => {
            let lines: String = base::diag::report_lines(&d, base::diag::MAX_PROBLEMS_PER_FILE)
                .iter()
                .map(|line| format!("{error}{line}\n"))
                .collect();
            say(&lines);
            EXIT_INPUT
        }
        Err(Error::Usage(m)) => {
            say(&format!("{error}{}\n", base::diag::one_line(&m)));
            EXIT_USAGE
        }
        Err(Error::Output(m)) => {
            say(&format!("{error}{}\n", base::diag::one_line(&m)));
            EXIT_INPUT
        }
    }
}

/// Write a message to stderr. A stderr that cannot be written (`2>/dev/full`,
/// a pipe whose reader has gone) loses the message but never turns the
/// exit code into a panic's 101: the code already says what happened.
pub fn say(text: &str) {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(text.as_bytes()).and_then(|_| err.flush());
}
