//! Every `kaohe` command of README.md that uses the shipped files is run,
//! and the output the README shows after it must be what it prints: the
//! commands are read from the README itself, so the two cannot drift.
//!
//! A ```` ```console ```` block holds `$ kaohe …` lines (a trailing `\`
//! continues one), each followed by its output; a ```` ```sh ```` block holds
//! plain `kaohe …` lines, and a bare ```` ``` ```` block right after it is the
//! output of its last command. Shown output may leave lines out (`…`): every
//! line shown must be printed, in that order. Commands naming a file that is
//! not shipped (`my-framework.toml`, `城关镇.xlsx`) or an elided argument
//! (`…`) only illustrate and are not run; outputs (`-o`) and `results/` go to
//! a scratch directory. Without `--lang` a command runs under a Chinese
//! locale, as the README shows it.

use crate::util::Workdir;
use std::path::Path;

/// A command read from the README and what it is shown to print.
#[derive(Debug)]
struct Example {
    line: usize,
    command: String,
    shown: Vec<String>,
}

fn examples(readme: &str) -> Vec<Example> {
    let lines: Vec<&str> = readme.lines().collect();
    let mut out: Vec<Example> = Vec::new();
    let mut i = 0;
    // The last command of the previous ```sh block, waiting for its output.
    let mut pending: Option<usize> = None;
    while i < lines.len() {
        let Some(lang) = lines[i].strip_prefix("```") else {
            if !lines[i].trim().is_empty() {
                pending = None;
            }
            i += 1;
            continue;
        };
        let start = i + 1;
        let mut end = start;
        while end < lines.len() && lines[end] != "```" {
            end += 1;
        }
        let body = &lines[start..end.min(lines.len())];
        match lang {
            "console" => {
                let mut k = 0;
                while k < body.len() {
                    if let Some(cmd) = body[k].strip_prefix("$ kaohe ") {
                        let line = start + k + 1;
                        let mut command = cmd.to_string();
                        while command.ends_with('\\') && k + 1 < body.len() {
                            command.pop();
                            k += 1;
                            command.push(' ');
                            command.push_str(body[k].trim());
                        }
                        let mut shown = Vec::new();
                        while k + 1 < body.len() && !body[k + 1].starts_with("$ ") {
                            k += 1;
                            shown.push(body[k].to_string());
                        }
                        out.push(Example { line, command, shown });
                    }
                    k += 1;
                }
                pending = None;
            }
            "sh" => {
                pending = None;
                for (k, l) in body.iter().enumerate() {
                    if let Some(cmd) = l.strip_prefix("kaohe ") {
                        out.push(Example {
                            line: start + k + 1,
                            command: cmd.to_string(),
                            shown: Vec::new(),
                        });
                        pending = Some(out.len() - 1);
                    }
                }
            }
            "" => {
                if let Some(p) = pending.take() {
                    out[p].shown = body.iter().map(|l| l.to_string()).collect();
                }
            }
            _ => pending = None,
        }
        i = end + 1;
    }
    out
}

/// The arguments to run `command` with, or `None` when it only illustrates.
fn arguments(command: &str, root: &Path) -> Option<Vec<String>> {
    if command.contains('…') {
        return None;
    }
    let words: Vec<&str> = command.split_whitespace().collect();
    let mut args = Vec::new();
    for (k, w) in words.iter().enumerate() {
        let output = k > 0 && (words[k - 1] == "-o" || words[k - 1] == "--export");
        // `combine`'s components are written ID=FILE.
        let (id, w) = match w.split_once('=') {
            Some((id, file)) if !w.starts_with('-') => (format!("{id}="), file),
            _ => (String::new(), *w),
        };
        let arg = if output || w.starts_with("results/") {
            format!("$WD/{w}")
        } else if (w.contains('/') || w.contains('.')) && !w.starts_with('-') && !root.join(w).exists() {
            return None; // a file that is not shipped
        } else {
            w.to_string()
        };
        args.push(format!("{id}{arg}"));
    }
    Some(args)
}

#[test]
fn readme_commands_print_what_the_readme_shows() {
    check_readme(
        "README.md",
        &[
            "score -u examples/units.csv --period 2023 examples/2023.csv",
            "explain E02 -u examples/units.csv --period 2022 examples/2022.csv --format md",
            "deficiencies --lang zh -u examples/units.csv --period 2023 --unit D02 --min-lost 2 examples/2023.csv",
            "score -u examples/units.csv --period 2022 -o results/2022.json examples/2022.csv",
            "diff --lang zh results/2022.json results/2023.json",
            "trend --lang zh results/2022.json results/2023.json",
            "check",
            "combine --lang zh -c examples/quarters/annual-2023.toml -u examples/units.csv Q1=results/2023Q1.json Q2=results/2023Q2.json Q3=results/2023Q3.json Q4=results/2023Q4.json L=examples/quarters/2023领导小组评价.csv",
            "robust --lang zh -u examples/units.csv --period 2023 examples/2023.csv",
            "template -u examples/units.csv --period 2023 -o 2023佐证材料填报表.xlsx",
            "deficiencies -u examples/units.csv --period 2023 examples/2023.csv -o 2023整改台账.xlsx",
            "score -u examples/units.csv --period 2023 --self examples/2023自评.csv examples/2023.csv",
        ],
    );
}

/// The Chinese README's walk-through, from the built-in framework to the
/// circulated report, run the same way.
#[test]
fn chinese_readme_walk_through_runs() {
    check_readme(
        "README.zh.md",
        &[
            "check",
            "check --export 我的方案.toml",
            "template -u examples/units.csv --period 2023 -o 2023佐证材料填报表.xlsx",
            "score -u examples/units.csv --period 2023 examples/2023.csv",
            "explain T01 -u examples/units.csv --period 2023 examples/2023.csv --format md",
            "deficiencies -u examples/units.csv --period 2023 --unit D02 examples/2023.csv",
            "score -u examples/units.csv --period 2023 --self examples/2023自评.csv examples/2023.csv",
            "deficiencies -u examples/units.csv --period 2023 --unit D02 --self examples/2023自评.csv examples/2023.csv",
            "score -u examples/units.csv --period 2023 examples/2023.csv -o 2023考核结果.html",
            "letters -u examples/units.csv --period 2023 examples/2023.csv --issuer 某市考核办 --date 2024-01-05 -o 反馈意见书/",
            "diff results/2022.json results/2023.json",
            "combine -c examples/quarters/annual-2023.toml -u examples/units.csv Q1=results/2023Q1.json Q2=results/2023Q2.json Q3=results/2023Q3.json Q4=results/2023Q4.json L=examples/quarters/2023领导小组评价.csv",
        ],
    );
}

/// The shipped-file commands of docs/framework.zh.md (the export it starts
/// from) run as it shows them.
#[test]
fn chinese_framework_doc_commands_run() {
    check_readme(
        "docs/framework.zh.md",
        &["check -f ideology-2023 --export 我的方案.toml"],
    );
    // The note on a cap that cannot bind, as `check -f ideology-2022` prints it.
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/framework.zh.md")).unwrap();
    let out = Workdir::new().run(&["check", "--lang", "zh", "-f", "ideology-2022"]);
    let note = "  注意：各项上限合计 10分，不超过 penalty_cap = 10，封顶永远不会起作用";
    assert!(
        doc.lines().any(|l| l == note) && out.stdout.lines().any(|l| l == note),
        "{}",
        out.stdout
    );
}

/// The commands of docs/deficiencies.zh.md, and its worked example of one
/// unit's list, whose figures it works out by hand from the shipped
/// evidence (E2 3 unapproved × 1, A1 2 − 1 = 1 × 2, A2 4 − 2 = 2 × 1, C3 2
/// late × 1; 2023-12-31 + 30 days = 2024-01-30; 79.20 + 3 = 82.20 ≥ 80).
#[test]
fn chinese_list_doc_commands_run() {
    check_readme(
        "docs/deficiencies.zh.md",
        &[
            "deficiencies -u examples/units.csv --period 2023 examples/2023.csv",
            "deficiencies -u examples/units.csv --period 2023 --unit D02 --min-lost 2 examples/2023.csv",
            "letters -u examples/units.csv --period 2023 examples/2023.csv --issuer 某市考核办 --date 2024-01-05 -o 反馈意见书/",
        ],
    );
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/deficiencies.zh.md")).unwrap();
    for line in [
        "|    1 | E2   | 落实“三审”制度           | 3.00 | 扣分 |",
        "|    2 | A1   | 党委（党组）专题研究意识 | 2.00 | 扣分 |",
        "|    3 | A2   | 意识形态领域形势分析研判 | 2.00 | 扣分 |",
        "|    4 | C3   | 网络舆情监测与处置       | 2.00 | 扣分 |",
        "距较好差0.80分：整改 E2（3.00分）即可",
    ] {
        assert!(
            doc.lines().any(|l| l.starts_with(line)),
            "docs/deficiencies.zh.md lacks: {line}"
        );
    }
    assert!(doc.contains("2024-01-30 | 未启动 |"));
}

/// Run every command of the README `name` that uses the shipped files and
/// check what it prints against what the README shows; `keys` must be
/// among the commands run.
fn check_readme(name: &str, keys: &[&str]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join(name)).unwrap();
    let wd = Workdir::new();
    wd.create("results/.keep", "");
    wd.create("反馈意见书/.keep", "");
    let mut ran = Vec::new();
    for ex in examples(&readme) {
        let Some(args) = arguments(&ex.command, root) else {
            continue;
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: &[(&str, &str)] = if args.contains(&"--lang") {
            &[]
        } else {
            &[("LANG", "zh_CN.UTF-8")]
        };
        let out = wd.run_env(&args, env);
        assert_eq!(out.code, 0, "{name}:{}: kaohe {}\n{}", ex.line, ex.command, out.stderr);
        let printed: Vec<&str> = out
            .stdout
            .lines()
            .chain(out.stderr.lines())
            .map(str::trim_end)
            .collect();
        let mut at = 0;
        for shown in ex.shown.iter().map(|l| l.trim_end()) {
            if shown.is_empty() || shown == "…" {
                continue;
            }
            match printed[at..].iter().position(|p| *p == shown) {
                Some(p) => at += p + 1,
                None => panic!(
                    "{name}:{}: kaohe {}\nshown but not printed (in this order):\n{shown}\nprinted:\n{}",
                    ex.line, ex.command, out.stdout
                ),
            }
        }
        ran.push(ex.command.clone());
    }
    // The examples that show scores, lists and comparisons did run (a README
    // edit that hid them from this test would fail here).
    for key in keys {
        assert!(
            ran.iter().any(|c| c == key),
            "README example not run: kaohe {key}\nran: {ran:#?}"
        );
    }
}

/// The README's headline figures, worked out by hand from the shipped files.
#[test]
fn readme_figures_are_the_hand_computed_ones() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    for line in [
        // T01 2023 loses A2 1 (3 analyses of 4), D1 0.5 (2.5 of 3), E4 0.5 (one
        // error × 0.5), F5 0.5 (92% → 1.5 of 2), F6 0.06 (3 × (44×100 + 3×80 +
        // 1×60) / (100 × 48) = 2.9375 → 2.94): base 100 − 2.56 = 97.44; J3 one
        // article × 0.5 → 97.94.
        "|    1 | T01  | 城关镇党委                 | 乡镇（街道） |        1 | 97.94 | 好   |            |          |          |  97.44 | 0.50 | 0.00 |",
        // E02 2022: C5 (3) and E2 (4) 不适用, 93 applicable; lost A2 1, A4 0.5,
        // B1 1, B3 1, C3 1, C4 1, D2 0.5, D5 1, F4 1, F5 1, F8 1 and F6 0.16
        // (3 × 4920 / 5200 = 2.838 → 2.84): 93 − 10.16 = 82.84.
        "- 基础分 = 82.84 × 100 / 93 = 89.08（C5、E2 不适用，按比例折算）",
        // D02 2023 scores 79.20; 较好 needs 80: 0.80 short, and E2 (3 checks
        // without approval × 1) alone restores 3.
        "距较好差0.80分：整改 E2（3.00分）即可",
        // 2022 → 2023: 63 problems resolved, 145 persisting (both counted per
        // unit and indicator by tests/reference/score.py): 63 / 208 = 30.29%.
        // 38 new: the 37 items of tests/reference/score.py and D03's cap Q1.
        "问题整改：原问题 215 项（已整改 63 · 整改不到位 145 · 不再考核 7）· 新增问题 38 · 整改率 30.29%（63/208）",
    ] {
        assert!(readme.lines().any(|l| l.starts_with(line)), "README.md lacks: {line}");
    }
}

/// The worked example of docs/framework.zh.md, done as it tells a reader
/// to: its framework saved as 县直考核.toml, its evidence as 佐证.csv, and
/// its `kaohe explain` run in that directory must print what it shows. The
/// figures it works out by hand (A1 15, A2 10, A3 25, A4 20 × 3760 / 4000 =
/// 18.80; base 68.80, bonus 1, score 69.80, 一般; 10.20 short of 较好) are
/// checked here too, independently of the output shown.
#[test]
fn chinese_framework_doc_example_scores_as_worked_out() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/framework.zh.md")).unwrap();
    let at = doc.find("## 一个完整的小例子").expect("the example");
    let section = &doc[at..at + doc[at..].find("\n## 分类考核").expect("the next section")];
    let block = |fence: &str| {
        let start = section.find(fence).unwrap_or_else(|| panic!("{fence}")) + fence.len();
        &section[start..start + section[start..].find("```").expect("closed")]
    };
    let wd = Workdir::new();
    wd.create("县直考核.toml", block("```toml\n"));
    wd.create("佐证.csv", block("```csv\n"));
    let console = block("```console\n");
    let (command, shown) = console.split_once('\n').unwrap();
    assert_eq!(command, "$ kaohe explain X1 -f 县直考核.toml 佐证.csv");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .args(args)
            .current_dir(wd.path(""))
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "zh_CN.UTF-8")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["check", "-f", "县直考核.toml"]);
    let printed = run(&command[8..].split(' ').collect::<Vec<_>>());
    assert_eq!(printed, shown, "docs/framework.zh.md shows another output");
    for want in [
        "| 15.00 | 15.00 |",
        "| 10.00 | 10.00 |",
        "| 25.00 |  5.00 |",
        "| 18.80 |  1.20 |",
        "得分 = 基础分 68.80 + 加分 1.00 − 扣分 0.00 = 69.80",
        "等次 一般",
        "距较好差10.20分",
    ] {
        assert!(printed.contains(want), "{want}\n{printed}");
    }
    for line in [
        "20 × 3760 ÷ 4000 = **18.80**",
        "基础分 15 + 10 + 25 + 18.80 = 68.80",
        "得分 **69.80**，等次“一般”",
        "差 80 − 69.80 = 10.20 分",
    ] {
        assert!(section.contains(line), "the doc says {line}");
    }
}

/// The mistakes of README.zh.md's 常见错误与提示, made on the shipped files
/// as it describes: each ```` ```text ```` block there must be what the
/// command before it prints on stderr.
#[test]
fn chinese_readme_mistakes_print_what_it_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.zh.md")).unwrap();
    let at = readme.find("## 常见错误与提示").expect("the section");
    let end = at + readme[at + 1..].find("\n## ").expect("a next section");
    let section = &readme[at..end];
    let shown: Vec<&str> = section
        .split("```text\n")
        .skip(1)
        .map(|b| b.split("\n```").next().unwrap())
        .collect();
    let wd = Workdir::new();
    let evidence = std::fs::read_to_string(root.join("examples/2023.csv")).unwrap();
    // Line 18: T01's B7 89% typed as 0.89.
    let lines: Vec<&str> = evidence.lines().collect();
    assert!(lines[17].starts_with("T01,B7,89%,"), "{}", lines[17]);
    let wrong: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(k, l)| {
            if k == 17 {
                l.replacen(",89%,", ",0.89,", 1)
            } else {
                l.to_string()
            }
        })
        .collect();
    wd.create("错误示例.csv", &(wrong.join("\n") + "\n"));
    // T03's evidence left out.
    let kept: String = evidence
        .lines()
        .filter(|l| !l.starts_with("T03,"))
        .map(|l| format!("{l}\n"))
        .collect();
    wd.create("缺报示例.csv", &kept);
    // The exported framework with line 24's quotes typed in Chinese.
    let out = wd.run(&["check", "--lang", "zh", "--export", "$WD/我的方案.toml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let fw = std::fs::read_to_string(wd.path("我的方案.toml")).unwrap();
    let quoted: Vec<String> = fw
        .lines()
        .enumerate()
        .map(|(k, l)| match (k, l.split_once(" = \"")) {
            (23, Some((key, rest))) => format!("{key} = “{}”", rest.trim_end_matches('"')),
            _ => l.to_string(),
        })
        .collect();
    assert!(quoted[23].starts_with("title = “"), "{}", quoted[23]);
    wd.create("引号示例.toml", &(quoted.join("\n") + "\n"));
    let runs: [(&[&str], i32); 3] = [
        (
            &[
                "score",
                "-u",
                "examples/units.csv",
                "--period",
                "2023",
                "$WD/错误示例.csv",
            ],
            1,
        ),
        (
            &[
                "score",
                "-u",
                "examples/units.csv",
                "--period",
                "2023",
                "$WD/缺报示例.csv",
            ],
            0,
        ),
        (&["check", "-f", "$WD/引号示例.toml"], 1),
    ];
    assert_eq!(shown.len(), runs.len(), "the mistakes shown");
    for ((args, code), shown) in runs.iter().zip(shown) {
        let out = wd.run_env(args, &[("LANG", "zh_CN.UTF-8")]);
        assert_eq!(out.code, *code, "{args:?}: {}", out.stderr);
        let printed = out.stderr.replace("$WD/", "");
        assert_eq!(printed.trim_end(), shown, "{args:?}");
    }
}
