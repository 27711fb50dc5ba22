//! `--lang zh` puts `--help` and clap's own parse errors into Chinese;
//! `--lang en` leaves both exactly as clap writes them.

use crate::util::Workdir;
use std::collections::BTreeSet;
use unicode_width::UnicodeWidthStr;

#[test]
fn program_help_in_chinese() {
    let wd = Workdir::new();
    let help = wd.stdout(&["--lang", "zh", "--help"]);
    for line in [
        "依据责任制考核指标体系对各单位评分、排名，并逐项说明得分（考核）",
        "  score         对各单位评分并排名（排名）",
        "  deficiencies  整改清单：将每一处失分列为一项整改事项（整改清单）",
        "  template      生成供各单位填报的佐证材料填报表（佐证材料填报表）",
        "          标签、表头和提示信息的语言（默认依次取自 KAOHE_LANG、LANG、系统区域设置）",
        "          显示版本信息",
    ] {
        assert!(help.lines().any(|l| l == line), "missing {line:?} in:\n{help}");
    }
    // The language may come from the environment as well.
    let out = wd.run_env(&["--help"], &[("LANG", "zh_CN.UTF-8")]);
    out.assert_ok();
    assert_eq!(out.stdout, help);
}

#[test]
fn subcommand_help_in_chinese() {
    let wd = Workdir::new();
    let help = wd.stdout(&["--lang", "zh", "score", "--help"]);
    for line in [
        "对各单位评分并排名（排名）",
        "          佐证材料文件（CSV 长表或宽表，UTF-8 或 GBK 编码；或 XLSX/XLS/ODS），合并读取",
        "          考核方案（指标体系）：TOML 文件或内置方案代码（默认按 --period 年度选内置方案）",
        "          考核期：2023、2023H1、2023Q4 或 2023-06",
        "          显示帮助信息（用 -h 查看摘要）",
    ] {
        assert!(help.lines().any(|l| l == line), "missing {line:?} in:\n{help}");
    }
    let help = wd.stdout(&["deficiencies", "--lang=zh", "-h"]);
    assert!(
        help.contains("只列出失分不少于 X 分的事项（一票否决事项始终列出）"),
        "{help}"
    );
}

/// Every about and every argument help under zh is Chinese, not the English.
#[test]
fn every_argument_has_chinese_help() {
    let mut en = kaohe::command(kaohe::base::lang::Lang::En);
    en.build();
    let zh = kaohe::command(kaohe::base::lang::Lang::Zh);
    let chinese = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut checked = 0;
    let mut commands = vec![(&zh, &en)];
    commands.extend(
        zh.get_subcommands()
            .map(|z| (z, en.find_subcommand(z.get_name()).unwrap())),
    );
    for (z, e) in commands {
        let about = z.get_about().map(|s| s.to_string()).unwrap_or_default();
        assert!(chinese(&about), "{}: about {about:?}", z.get_name());
        for arg in z.get_arguments() {
            let id = arg.get_id().as_str();
            let help = arg.get_help().map(|s| s.to_string()).unwrap_or_default();
            let english = e
                .get_arguments()
                .find(|a| a.get_id() == id)
                .and_then(|a| a.get_help())
                .map(|s| s.to_string());
            assert!(chinese(&help), "{} {id}: {help:?}", z.get_name());
            assert_ne!(Some(help), english, "{} {id}", z.get_name());
            checked += 1;
        }
    }
    assert!(checked > 60, "only {checked} arguments");
}

#[test]
fn parse_errors_in_chinese() {
    let wd = Workdir::new();
    let out = wd.run(&["--lang", "zh", "score", "--bogus", "e.csv"]);
    out.assert_usage_error("错误：未知参数“--bogus”");
    assert_eq!(
        out.stderr,
        "错误：未知参数“--bogus”\n\n用 kaohe score --help 查看用法\n"
    );
    let out = wd.run(&["score", "--period", "2023X", "--lang", "zh", "e.csv"]);
    assert_eq!(
        out.stderr,
        "错误：参数“--period <P>”：“2023X”不是有效的考核期；请写作 2023、2023H1、2023Q4 或 2023-06（也可写 2023年、2023年上半年、2023年第四季度、2023年6月）\n\n\
         用 kaohe score --help 查看用法\n"
    );
    out.assert_usage_error("错误：参数“--period <P>”：“2023X”不是有效的考核期；请写作 2023、2023H1、2023Q4 或 2023-06（也可写 2023年、2023年上半年、2023年第四季度、2023年6月）");
    wd.run(&["--lang", "zh", "scor"])
        .assert_usage_error("错误：未知子命令“scor”（是否应为“score”？）");
    wd.run(&["--lang", "zh", "score", "--format", "pdf", "e.csv"])
        .assert_usage_error(
            "错误：参数“--format <FORMAT>”的取值“pdf”无效；可选值为 “table”、“csv”、“json”、“md”、“xlsx”、“html”",
        );
    // `--lang zh` alone is an argument, so no help in place of the error.
    wd.run(&["--lang", "zh"]).assert_usage_error(
        "错误：缺少子命令；可选的子命令为 “score”、“explain”、“check”、“deficiencies”、“diff”、“trend”、“template”、“letters”、“ledger”、“combine”、“robust”、“help”",
    );
    wd.run(&["--lang", "zh", "explain"])
        .assert_usage_error("错误：缺少必需的参数：“<UNIT>”、“<EVIDENCE>...”");
    wd.run(&["--lang", "zh", "deficiencies", "--summary", "--by", "unit", "e.csv"])
        .assert_usage_error("错误：参数“--summary”不能与“--by <BY>”同时使用");
}

#[test]
fn english_is_unchanged() {
    let wd = Workdir::new();
    let out = wd.run(&["--lang", "en", "score", "--bogus", "e.csv"]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: unexpected argument '--bogus' found\n\n  \
         tip: to pass '--bogus' as a value, use '-- --bogus'\n\n\
         Usage: kaohe score [OPTIONS] <EVIDENCE>...\n\n\
         For more information, try '--help'.\n"
    );
    let help = wd.stdout(&["--lang", "en", "score", "--help"]);
    assert!(help.starts_with("Score and rank every unit (排名)\n"), "{help}");
    assert!(
        help.contains("          Assessment period: 2023, 2023H1, 2023Q4 or 2023-06\n"),
        "{help}"
    );
    assert_eq!(help, wd.stdout(&["score", "--help"]));
}

/// Every subcommand's `--help` and `-h`, as one text, in this language.
fn all_help(lang: &str) -> String {
    let wd = Workdir::new();
    let mut all = String::new();
    for sub in [
        "",
        "score",
        "explain",
        "check",
        "deficiencies",
        "diff",
        "trend",
        "template",
    ] {
        for flag in ["--help", "-h"] {
            let mut args = vec!["--lang", lang];
            args.extend([sub, flag].into_iter().filter(|a| !a.is_empty()));
            let out = wd.run_env(&args, &[("COLUMNS", "100")]);
            out.assert_ok();
            all.push_str(&format!("$ kaohe {}\n{}\n", args.join(" "), out.stdout));
        }
    }
    all
}

/// The English help is clap's own, byte for byte, whatever the Chinese
/// help does.
#[test]
fn english_help_of_every_subcommand() {
    insta::assert_snapshot!(all_help("en"));
}

/// Names that may stand in Chinese help as they are: formats, encodings,
/// programs, and the letters of `2023H1`, `2023Q4` and A4.
const PROPER_NAMES: &[&str] = &[
    "TOML", "CSV", "XLSX", "XLS", "ODS", "UTF", "BOM", "GBK", "GB", "JSON", "HTML", "DOCX", "WPS", "Word", "Excel",
    "Windows", "Markdown", "Big", "EUC", "KR", "Shift", "JIS", "H", "Q", "A", // environment variables:
    "KAOHE", "LANG", "LC", "ALL", "MESSAGES",
];

/// What the command line itself spells: program and subcommand names,
/// flags, value names and possible values.
struct Literals {
    flags: BTreeSet<String>,
    words: BTreeSet<String>,
}

fn literals() -> Literals {
    fn walk(cmd: &clap::Command, lit: &mut Literals) {
        lit.words.insert(cmd.get_name().to_string());
        for arg in cmd.get_arguments() {
            lit.flags.extend(arg.get_long().map(|l| format!("--{l}")));
            lit.flags.extend(arg.get_short().map(|s| format!("-{s}")));
            lit.words.insert(arg.get_id().as_str().to_uppercase());
            for name in arg.get_value_names().unwrap_or_default() {
                lit.words.insert(name.to_string());
            }
            for value in arg.get_possible_values() {
                lit.words.extend(value.get_name_and_aliases().map(str::to_string));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, lit);
        }
    }
    let mut cmd = kaohe::command(kaohe::base::lang::Lang::En);
    cmd.build();
    let mut lit = Literals {
        flags: BTreeSet::new(),
        words: PROPER_NAMES.iter().map(|s| s.to_string()).collect(),
    };
    walk(&cmd, &mut lit);
    lit
}

/// The ASCII words of a text that are neither literals nor proper names:
/// English that should have been Chinese.
fn english_words(text: &str, lit: &Literals) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let tokens = text
        .split(|c: char| !c.is_ascii_graphic())
        .flat_map(|t| t.split('/'))
        .map(|t| t.trim_matches(|c: char| "`'\".,;:()[]<>".contains(c)));
    for token in tokens.filter(|t| !t.is_empty() && !lit.words.contains(*t)) {
        if token.starts_with('-') && token.len() > 1 && !token[1..].starts_with(|c: char| c.is_ascii_digit()) {
            if !lit.flags.contains(token) {
                found.insert(token.to_string());
            }
            continue;
        }
        for word in token.split(|c: char| !c.is_ascii_alphabetic()) {
            if !word.is_empty() && !lit.words.contains(word) {
                found.insert(word.to_string());
            }
        }
    }
    found
}

#[test]
fn english_words_are_found() {
    let lit = literals();
    let text = "Usage: kaohe score [OPTIONS] <EVIDENCE>...\n  -h, --help  Print help [default: rank]\n\
                考核期：2023H1、2023-06，--format json 写出的 .json 文件（UTF-8、GBK/GB18030）--bogus";
    let found: Vec<String> = english_words(text, &lit).into_iter().collect();
    assert_eq!(found, ["--bogus", "OPTIONS", "Print", "Usage", "default"]);
}

/// Under zh, every help the program prints is Chinese but for what the
/// command line itself spells and a few proper names.
#[test]
fn chinese_help_has_no_english() {
    let lit = literals();
    let wd = Workdir::new();
    let mut texts = vec![
        ("kaohe --lang zh (all --help and -h)".to_string(), all_help("zh")),
        (
            "kaohe --lang zh help help".to_string(),
            wd.stdout(&["--lang", "zh", "help", "help"]),
        ),
    ];
    // No arguments at all: the help, on stderr.
    let out = wd.run_env(&[], &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(out.code, 2, "{out:?}");
    texts.push(("LANG=zh_CN.UTF-8 kaohe".to_string(), out.stderr));
    for (what, text) in texts {
        let found = english_words(&text, &lit);
        assert!(found.is_empty(), "{what}: English {found:?} in:\n{text}");
    }
}

#[test]
fn score_help_in_chinese() {
    let out = Workdir::new().run_env(&["--lang", "zh", "score", "--help"], &[("COLUMNS", "100")]);
    out.assert_ok();
    insta::assert_snapshot!(out.stdout);
}

/// Chinese help keeps clap's layout: no line wider than the 100 columns
/// it wraps at, help texts starting in the same column as in English,
/// and wrapped lines indented to it.
#[test]
fn chinese_help_stays_aligned() {
    let wd = Workdir::new();
    let text = |lang: &str, sub: &str| {
        let mut args = vec!["--lang", lang, "-h"];
        if !sub.is_empty() {
            args.insert(2, sub);
        }
        let out = wd.run_env(&args, &[("COLUMNS", "100")]);
        out.assert_ok();
        out.stdout
    };
    for line in all_help("zh").lines() {
        assert!(line.width() <= 100, "{} columns: {line}", line.width());
    }
    for sub in [
        "",
        "score",
        "explain",
        "check",
        "deficiencies",
        "diff",
        "trend",
        "template",
    ] {
        let (zh, en) = (text("zh", sub), text("en", sub));
        let (zh, en) = (help_columns(&zh), help_columns(&en));
        assert_eq!(zh.len(), en.len(), "kaohe {sub} -h: sections");
        assert!(!zh.is_empty(), "kaohe {sub} -h: no sections");
        assert_eq!(zh, en, "kaohe {sub} -h: help columns");
    }
}

/// The column where the help texts of each section of `-h` start,
/// checking that every entry and every wrapped line of the section agree.
fn help_columns(help: &str) -> Vec<usize> {
    let mut columns = Vec::new();
    for block in help.split("\n\n") {
        let mut lines = block.lines();
        let Some(heading) = lines.next() else { continue };
        if heading.starts_with(' ') || !(heading.ends_with(':') || heading.ends_with('：')) {
            continue;
        }
        let mut column = None;
        for line in lines {
            let indent = line.len() - line.trim_start().len();
            let at = if indent <= 6 {
                // An entry (`  -f, --framework`, `      --lang`): its spec,
                // then two spaces or more, then the help.
                let gap = line[indent..].find("  ").expect("help beside the entry") + indent;
                let start = gap + line[gap..].len() - line[gap..].trim_start().len();
                line[..start].width()
            } else {
                indent
            };
            assert_eq!(
                *column.get_or_insert(at),
                at,
                "misaligned under {heading}: {line:?}\n{block}"
            );
        }
        columns.push(column.expect("entries under a heading"));
    }
    columns
}

/// The Chinese list of possible values names and explains every value
/// clap explains in English, and gives the default: both come from the
/// argument, so a value added later cannot be left out.
#[test]
fn every_possible_value_explained_in_chinese() {
    let zh = kaohe::command(kaohe::base::lang::Lang::Zh);
    let mut en = kaohe::command(kaohe::base::lang::Lang::En);
    en.build();
    let mut checked = 0;
    for z in std::iter::once(&zh).chain(zh.get_subcommands()) {
        let e = if z.get_name() == zh.get_name() {
            &en
        } else {
            en.find_subcommand(z.get_name()).unwrap()
        };
        for arg in e.get_arguments().filter(|a| a.get_action().takes_values()) {
            let id = arg.get_id().as_str();
            let za = z.get_arguments().find(|a| a.get_id() == id).unwrap();
            let long = za.get_long_help().map(|h| h.to_string()).unwrap_or_default();
            let short = za.get_help().map(|h| h.to_string()).unwrap_or_default();
            for value in arg.get_possible_values().iter().filter(|v| !v.is_hide_set()) {
                let name = value.get_name();
                assert!(short.contains(name), "{} {id}: {name} in {short:?}", z.get_name());
                if value.get_help().is_some() {
                    let line = long
                        .lines()
                        .find(|l| l.starts_with(&format!("- {name}：")))
                        .unwrap_or_else(|| panic!("{} {id}: no {name} in {long:?}", z.get_name()));
                    let meaning = line.split_once('：').unwrap().1.trim();
                    assert!(
                        meaning.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                        "{line}"
                    );
                    checked += 1;
                }
            }
            for default in arg.get_default_values() {
                let default = format!("默认：{}", default.to_string_lossy());
                assert!(short.contains(&default) && long.contains(&default), "{id}: {short:?}");
            }
        }
    }
    assert!(checked > 60, "only {checked} values");
}
