//! `--lang zh` puts `--help` and clap's own parse errors into Chinese;
//! `--lang en` leaves both exactly as clap writes them.

use crate::util::Workdir;

#[test]
fn program_help_in_chinese() {
    let wd = Workdir::new();
    let help = wd.stdout(&["--lang", "zh", "--help"]);
    for line in [
        "依据责任制考核指标体系对各单位评分、排名，并逐项说明得分（考核）",
        "  score         对各单位评分并排名（排名）",
        "  deficiencies  整改清单：将每一处失分列为一项整改事项（整改清单）",
        "  template      生成供各单位填报的佐证材料填报表（佐证材料填报表）",
        "          标签、表头和提示信息的语言（默认：LANG 以 zh 开头时为 zh，否则为 en）",
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
        "          考核方案（指标体系）TOML 文件（默认：内置的省级考核方案）",
        "          考核期：2023、2023H1、2023Q4 或 2023-06",
        "          显示帮助信息",
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
    let mut en = kaohe::command(kaohe::lang::Lang::En);
    en.build();
    let zh = kaohe::command(kaohe::lang::Lang::Zh);
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
    out.assert_usage_error("error: 未知参数“--bogus”");
    assert_eq!(
        out.stderr,
        "error: 未知参数“--bogus”\n\n用 kaohe score --help 查看用法\n"
    );
    let out = wd.run(&["score", "--period", "2023X", "--lang", "zh", "e.csv"]);
    assert_eq!(
        out.stderr,
        "error: 参数“--period <P>”：“2023X”不是有效的考核期；请写作 2023、2023H1、2023Q4 或 2023-06\n\n\
         用 kaohe score --help 查看用法\n"
    );
    out.assert_usage_error(
        "error: 参数“--period <P>”：“2023X”不是有效的考核期；请写作 2023、2023H1、2023Q4 或 2023-06",
    );
    wd.run(&["--lang", "zh", "scor"])
        .assert_usage_error("error: 未知子命令“scor”（是否应为“score”？）");
    wd.run(&["--lang", "zh", "score", "--format", "pdf", "e.csv"])
        .assert_usage_error(
            "error: 参数“--format <FORMAT>”的取值“pdf”无效；可选值为 “table”、“csv”、“json”、“md”、“xlsx”、“html”",
        );
    wd.run(&["--lang", "zh", "explain"])
        .assert_usage_error("error: 缺少必需的参数：“<UNIT>”、“<EVIDENCE>...”");
    wd.run(&["--lang", "zh", "deficiencies", "--summary", "--by", "unit", "e.csv"])
        .assert_usage_error("error: 参数“--summary”不能与“--by <BY>”同时使用");
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
