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
            "score -u examples/units.csv --period 2023 examples/2023.csv -o 2023考核结果.html",
            "letters -u examples/units.csv --period 2023 examples/2023.csv --issuer 某市考核办 --date 2024-01-05 -o 反馈意见书/",
            "diff results/2022.json results/2023.json",
            "combine -c examples/quarters/annual-2023.toml -u examples/units.csv Q1=results/2023Q1.json Q2=results/2023Q2.json Q3=results/2023Q3.json Q4=results/2023Q4.json L=examples/quarters/2023领导小组评价.csv",
        ],
    );
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

/// The worked example of docs/framework.zh.md: its framework, the
/// evidence it describes, and the figures it works out by hand (A1 15,
/// A2 10, A3 25, A4 20 × 3760 / 4000 = 18.80; base 68.80, bonus 1,
/// score 69.80, 一般).
#[test]
fn chinese_framework_doc_example_scores_as_worked_out() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/framework.zh.md")).unwrap();
    let at = doc.find("## 一个完整的小例子").expect("the example");
    let start = at + doc[at..].find("```toml\n").expect("its framework") + 8;
    let end = start + doc[start..].find("```").expect("closed");
    let wd = Workdir::new();
    wd.create("fw.toml", &doc[start..end]);
    wd.create(
        "e.csv",
        "unit,indicator,value\nX1,A1,1\nX1,A2,72%\nX1,A3,1\nX1,A4,30/8/2/0\nX1,J1,1\nX1,K1,0\nX1,V1,否\n",
    );
    let out = wd.run(&[
        "explain",
        "X1",
        "--lang",
        "zh",
        "-f",
        "$WD/fw.toml",
        "$WD/e.csv",
        "--format",
        "md",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    for want in [
        "| A1 | 党组专题研究意识形态工作 | 30 | 1 |",
        "| 15.00 | 15.00 |",
        "| 10.00 | 10.00 |",
        "| 25.00 | 5.00 |",
        "| 18.80 | 1.20 |",
        "得分 = 基础分 68.80 + 加分 1.00 − 扣分 0.00 = 69.80",
        "等次 一般",
    ] {
        assert!(out.stdout.contains(want), "{want}\n{}", out.stdout);
    }
    for line in ["基础分 15 + 10 + 25 + 18.80 = 68.80", "得分 **69.80**，等次“一般”"] {
        assert!(doc.contains(line), "the doc says {line}");
    }
}
