//! `kaohe combine`: the year from its quarters. Every expected score is
//! worked out here with integers (cents × weight in ten-thousandths), apart
//! from the code under test.

use crate::util::Workdir;
use serde_json::Value;

/// Two components weighted 0.3 and 0.7; 好 at most 20 % (one unit in five).
const COMPOSITE: &str = r#"
[composite]
id = "y"
title = "年度综合"
missing = "error"

[[component]]
id = "P"
name = "平时考核"
weight = 0.3

[[component]]
id = "N"
name = "年终考核"
weight = 0.7

[[grade]]
name = "好"
min = 90
quota = "20%"

[[grade]]
name = "较好"
min = 80

[[grade]]
name = "差"
min = 0
"#;

/// Round half up to cents a value in millionths (cents × ten-thousandths).
fn cents(millionths: i64) -> i64 {
    (millionths + 5_000) / 10_000
}

fn units(json: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(json).unwrap()["units"]
        .as_array()
        .unwrap()
        .clone()
}

fn unit<'a>(us: &'a [Value], id: &str) -> &'a Value {
    us.iter().find(|u| u["unit"] == id).unwrap_or_else(|| panic!("{id}"))
}

fn score_cents(u: &Value) -> i64 {
    (u["score"].as_f64().unwrap() * 100.0).round() as i64
}

#[test]
fn one_rounding_at_the_end_and_a_quota_on_the_year() {
    let wd = Workdir::new();
    wd.create("y.toml", COMPOSITE);
    // A: 0.3 × 80.05 = 24.015 and 0.7 × 90.05 = 63.035: 87.05 exactly; rounding
    //    each part first would give 24.02 + 63.04 = 87.06.
    // B: 0.3 × 95 + 0.7 × 92 = 28.5 + 64.4 = 92.90 (好)
    // C: 0.3 × 90 + 0.7 × 95 = 27 + 66.5 = 93.50 (好, first)
    // D: 0.3 × 70 + 0.7 × 75 = 21 + 52.5 = 73.50 (差)
    // E: 0.3 × 85 + 0.7 × 85 = 85.00 (较好)
    // 好 at most 20 % of 5 = 1: C keeps it, B goes down to 较好 (quota).
    wd.create("p.csv", "单位,得分\nA,80.05\nB,95\nC,90\nD,70\nE,85\n");
    wd.create("n.csv", "unit,score\nA,90.05\nB,92\nC,95\nD,75\nE,85\n");
    let out = wd.run(&[
        "combine",
        "-c",
        "$WD/y.toml",
        "P=$WD/p.csv",
        "N=$WD/n.csv",
        "--format",
        "json",
    ]);
    out.assert_ok();
    let us = units(&out.stdout);
    let expect = [
        ("C", 9350, 1, "好", None),
        ("B", 9290, 2, "较好", Some("quota")),
        ("A", 8705, 3, "较好", None),
        ("E", 8500, 4, "较好", None),
        ("D", 7350, 5, "差", None),
    ];
    for (i, (id, score, rank, grade, reason)) in expect.into_iter().enumerate() {
        let u = &us[i];
        assert_eq!(u["unit"], id, "rank order");
        assert_eq!(score_cents(u), score, "{id}");
        assert_eq!(u["rank"], rank, "{id}");
        assert_eq!(u["grade"], grade, "{id}");
        assert_eq!(u["grade_reason"].as_str(), reason, "{id}");
    }
    // The independent arithmetic of A, both ways.
    let (p, n) = (3_000i64, 7_000i64);
    assert_eq!(cents(p * 8005 + n * 9005), 8705);
    assert_eq!(cents(p * 8005) + cents(n * 9005), 8706);
    // Each unit's components: its score and rank there (a table has no grades).
    let a = unit(&us, "A");
    assert_eq!(a["components"][0]["id"], "P");
    assert_eq!(a["components"][0]["score"].to_string(), "80.05");
    assert_eq!(a["components"][0]["rank"], 4); // 95, 90, 85, 80.05, 70
    assert_eq!(a["components"][1]["rank"], 3); // 95, 92, 90.05, 85, 75
    assert!(a["components"][0]["grade"].is_null());
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["type"], "combined");

    // The table says the same and names the weights.
    let t = wd.run(&[
        "combine",
        "--lang",
        "zh",
        "-c",
        "$WD/y.toml",
        "P=$WD/p.csv",
        "N=$WD/n.csv",
    ]);
    t.assert_ok();
    assert!(
        t.stdout
            .contains("等次比例：好不超过20%，5个单位最多1个；达到2个，B 降为较好"),
        "{}",
        t.stdout
    );
    assert!(
        t.stdout.contains("权重：P 平时考核 30% · N 年终考核 70%"),
        "{}",
        t.stdout
    );
    // Per-component rounding is not what was done.
    assert!(t.stdout.contains("| A    |"), "{}", t.stdout);
    assert!(
        t.stdout.contains("87.05") && !t.stdout.contains("87.06"),
        "{}",
        t.stdout
    );
}

/// The shipped quarters scored into `$WD/2023Q{1..4}.json`; the
/// components as `combine` takes them.
fn shipped_quarters(wd: &Workdir) -> Vec<String> {
    let mut args: Vec<String> = vec![];
    for q in 1..=4 {
        wd.run(&[
            "score",
            "-u",
            "examples/units.csv",
            "--period",
            &format!("2023Q{q}"),
            "-o",
            &format!("$WD/2023Q{q}.json"),
            &format!("examples/quarters/2023Q{q}.csv"),
        ])
        .assert_ok();
        args.push(format!("Q{q}=$WD/2023Q{q}.json"));
    }
    args.push("L=examples/quarters/2023领导小组评价.csv".into());
    args
}

/// `combine` of the shipped year with `extra` options.
fn shipped_year(wd: &Workdir, parts: &[String], extra: &[&str]) -> crate::util::Output {
    let mut cmd = vec![
        "combine",
        "-c",
        "examples/quarters/annual-2023.toml",
        "-u",
        "examples/units.csv",
    ];
    cmd.extend(extra);
    cmd.extend(parts.iter().map(String::as_str));
    wd.run(&cmd)
}

#[test]
fn the_shipped_year_rounds_once_and_carries_the_second_quarter_veto() {
    let wd = Workdir::new();
    let args = shipped_quarters(&wd);
    let mut cmd = vec![
        "combine",
        "-c",
        "examples/quarters/annual-2023.toml",
        "-u",
        "examples/units.csv",
        "--format",
        "json",
    ];
    cmd.extend(args.iter().map(String::as_str));
    let out = wd.run(&cmd);
    out.assert_ok();
    let year = units(&out.stdout);
    let json: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(json["period"], "2023");
    // The quarters' scores as the saved results give them, the leading
    // group's from its table; the year worked out here.
    let quarter: Vec<Vec<Value>> = (1..=4).map(|q| units(&wd.read(&format!("2023Q{q}.json")))).collect();
    let table = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quarters/2023领导小组评价.csv"),
    )
    .unwrap();
    let mut differ = 0;
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (id, l) = (f[0], f[2].parse::<i64>().unwrap() * 100);
        let parts: Vec<i64> = quarter.iter().map(|q| score_cents(unit(q, id))).collect();
        let once = cents(parts.iter().map(|c| 2_375 * c).sum::<i64>() + 500 * l);
        let each = parts.iter().map(|c| cents(2_375 * c)).sum::<i64>() + cents(500 * l);
        differ += usize::from(once != each);
        assert_eq!(score_cents(unit(&year, id)), once, "{id}");
    }
    assert!(differ > 0, "the shipped case shows the difference one rounding makes");
    // T05 was vetoed in the second quarter only: vetoed in the year, at the
    // lowest grade, listed after every unit not vetoed.
    let t05 = unit(&year, "T05");
    assert_eq!(t05["veto"], serde_json::json!(["Q2"]));
    assert_eq!(t05["grade"], "差");
    let last_clean = year
        .iter()
        .rposition(|u| u["veto"].as_array().unwrap().is_empty())
        .unwrap();
    assert!(year.iter().position(|u| u["unit"] == "T05").unwrap() > last_clean);

    // Saved, the year is a result diff and trend read.
    let mut save = cmd.clone();
    save.truncate(save.len() - 5);
    save.retain(|a| *a != "--format" && *a != "json");
    save.extend(["-o", "$WD/2023.json"]);
    save.extend(args.iter().map(String::as_str));
    wd.run(&save).assert_ok();
    // A second year (the same inputs labelled 2024): no unit moves.
    let mut next = save.clone();
    let at = next.iter().position(|a| *a == "$WD/2023.json").unwrap();
    next[at] = "$WD/2024.json";
    next.extend(["--period", "2024"]);
    wd.run(&next).assert_ok();
    wd.run(&["trend", "$WD/2023.json", "$WD/2024.json"]).assert_ok();
    let d = wd.run(&["diff", "$WD/2023.json", "$WD/2024.json", "--format", "json"]);
    d.assert_ok();
    let d: Value = serde_json::from_str(&d.stdout).unwrap();
    assert_eq!(d["summary"]["unchanged"], 15, "{d}");
}

/// A table on another scale than the total: out of 10 beside 100 is
/// warned of at its highest score (and still combined: 0.3 × 9.5 + 0.7 ×
/// 85 = 62.35 for B, by hand); a score more than twice the total is an
/// error at its cell, nothing combined.
#[test]
fn a_table_on_another_scale_is_said() {
    let wd = Workdir::new();
    wd.create("y.toml", COMPOSITE);
    wd.create("p.csv", "unit,score\nA,8\nB,9.5\n");
    wd.create("n.csv", "unit,得分\nA,90\nB,85\n");
    let out = wd.run(&[
        "combine",
        "--lang",
        "en",
        "-c",
        "$WD/y.toml",
        "P=$WD/p.csv",
        "N=$WD/n.csv",
        "--format",
        "json",
    ]);
    assert_eq!(out.code, 0);
    assert_eq!(
        out.stderr,
        "warning: $WD/p.csv:3: column \"score\": the highest score is 9.5 (unit B), a fifth of the total of 100 or less: is this table scored out of another total (10, say)? if so, convert it to 100, or it counts for a fraction of its weight\n"
    );
    assert_eq!(score_cents(unit(&units(&out.stdout), "B")), 6_235);
    wd.create("big.csv", "unit,得分\nA,90\nB,850\n");
    wd.run(&["combine", "--lang", "en", "-c", "$WD/y.toml", "P=$WD/p.csv", "N=$WD/big.csv"])
        .assert_input_errors(&[
            "warning: $WD/p.csv:3: column \"score\": the highest score is 9.5 (unit B), a fifth of the total of 100 or less: is this table scored out of another total (10, say)? if so, convert it to 100, or it counts for a fraction of its weight",
            "error: $WD/big.csv:3: column \"得分\": unit B scores 850, more than twice the total of 100: is this table scored out of another total? every component must be scored out of 100",
        ]);
    // A score above the total, as bonus points may give, is no mistake.
    wd.create("bonus.csv", "unit,score\nA,90\nB,103.5\n");
    let out = wd.run(&["combine", "-c", "$WD/y.toml", "P=$WD/bonus.csv", "N=$WD/n.csv"]);
    out.assert_ok();
    assert_eq!(out.stderr, "");
}

#[test]
fn a_missing_unit_is_an_error_or_zero() {
    let wd = Workdir::new();
    wd.create("y.toml", COMPOSITE);
    wd.create("p.csv", "unit,score\nA,80\nB,90\n");
    wd.create("n.csv", "unit,score\nA,90\n");
    wd.run(&["combine", "-c", "$WD/y.toml", "P=$WD/p.csv", "N=$WD/n.csv"])
        .assert_input_errors(&[
            "error: $WD/n.csv: unit \"B\" is missing (component N 年终考核); to count an absent period as 0, set missing = \"zero\" in the composite file",
        ]);
    wd.create(
        "z.toml",
        &COMPOSITE.replace("missing = \"error\"", "missing = \"zero\""),
    );
    let out = wd.run(&[
        "combine",
        "-c",
        "$WD/z.toml",
        "P=$WD/p.csv",
        "N=$WD/n.csv",
        "--format",
        "json",
    ]);
    out.assert_ok();
    // B: 0.3 × 90 + 0.7 × 0 = 27.00
    assert_eq!(score_cents(unit(&units(&out.stdout), "B")), 2_700);
}

#[test]
fn composite_mistakes_are_located() {
    let wd = Workdir::new();
    let bad = COMPOSITE
        .replace("weight = 0.7", "weight = 0.6")
        .replace("min = 80", "min = 95")
        .replace("quota = \"20%\"", "quota = \"20%\"\nmax_zero = 0");
    wd.create("y.toml", &bad);
    let out = wd.run(&["check", "-c", "$WD/y.toml"]);
    out.assert_input_errors(&[
        // Line 7 is the first [[component]], 21 the max_zero, 25 较好's min.
        "error: $WD/y.toml:7: the components' weights must sum to exactly 1, not 0.9 (0.3 + 0.6)",
        "error: $WD/y.toml:21: max_zero does not apply to a composite (zero items exist only in a period's framework)",
        "error: $WD/y.toml:25: grades must be listed highest first with strictly descending min: \"较好\" (95) follows \"好\" (90)",
        "error: 3 problems found; nothing was written",
    ]);
    wd.create("ok.toml", COMPOSITE);
    wd.create("p.csv", "unit,score\nA,80\n");
    // A component not in the file, one missing, a score that is no number.
    wd.create("q.csv", "unit,score\nA,八十\n");
    wd.run(&["combine", "-c", "$WD/ok.toml", "P=$WD/p.csv", "X=$WD/p.csv"])
        .assert_input_errors(&[
            "error: $WD/ok.toml: has no component \"X\"; the components are P, N",
            // Line 12: N's [[component]].
            "error: $WD/ok.toml:12: component \"N\" (年终考核) has no file: add N=FILE to the command line",
            "error: 2 problems found; nothing was written",
        ]);
    wd.run(&["combine", "-c", "$WD/ok.toml", "P=$WD/p.csv", "N=$WD/q.csv"])
        .assert_input_errors(&[
            "error: $WD/q.csv:2: column \"score\": \"八十\" is not a score (a number ≥ 0, e.g. 92.5)",
        ]);
}

/// Each component's own rank and grade, as every format of `combine`
/// shows them beside its score, read back and compared with the quarters'
/// saved results and with the leading group's ranks worked out by hand.
#[test]
fn every_format_shows_each_components_rank_and_grade() {
    let wd = Workdir::new();
    let parts = shipped_quarters(&wd);
    // 领导小组评价 ranked by hand from its table (ties share, the next skips):
    // 96 D03 · 95 T01 · 93 E01 · 92 T06 · 90 T02 D01 D04 · 88 T04 E02 ·
    // 85 T03 D02 · 82 D05 · 80 T05 · 78 E03 · 75 E04.
    let leading: &[(&str, u64)] = &[
        ("D03", 1),
        ("T01", 2),
        ("E01", 3),
        ("T06", 4),
        ("T02", 5),
        ("D01", 5),
        ("D04", 5),
        ("T04", 8),
        ("E02", 8),
        ("T03", 10),
        ("D02", 10),
        ("D05", 12),
        ("T05", 13),
        ("E03", 14),
        ("E04", 15),
    ];
    // Expected cells per unit: Q1 rank, Q1 grade, …, Q4 grade, L rank.
    let quarter: Vec<Vec<Value>> = (1..=4).map(|q| units(&wd.read(&format!("2023Q{q}.json")))).collect();
    let expect = |id: &str| -> Vec<String> {
        let mut cells = Vec::new();
        for q in &quarter {
            let u = unit(q, id);
            cells.push(u["rank"].as_u64().unwrap().to_string());
            cells.push(u["grade"].as_str().unwrap().to_string());
        }
        cells.push(leading.iter().find(|l| l.0 == id).unwrap().1.to_string());
        cells
    };
    // The quarters do not all rank alike, or the check proves little.
    assert_ne!(unit(&quarter[0], "D03")["rank"], unit(&quarter[1], "D03")["rank"]);
    let ids: Vec<&str> = leading.iter().map(|l| l.0).collect();
    let en = [
        "Q1 rank", "Q1 grade", "Q2 rank", "Q2 grade", "Q3 rank", "Q3 grade", "Q4 rank", "Q4 grade", "L rank",
    ];
    let zh = [
        "Q1排名", "Q1等次", "Q2排名", "Q2等次", "Q3排名", "Q3等次", "Q4排名", "Q4等次", "L排名",
    ];
    let check = |what: &str, headers: &[String], rows: &[Vec<String>], names: &[&str], unit_col: &str| {
        let col = |h: &str| {
            headers
                .iter()
                .position(|x| x == h)
                .unwrap_or_else(|| panic!("{what}: no {h} in {headers:?}"))
        };
        let u = col(unit_col);
        // Each beside its component's score: Q1 第一季度, Q1 rank, Q1 grade, Q2 …
        assert_eq!(col(names[0]), col(names[1]) - 1, "{what}");
        for id in &ids {
            let row = rows
                .iter()
                .find(|r| r[u] == *id)
                .unwrap_or_else(|| panic!("{what}: {id}"));
            let got: Vec<String> = names.iter().map(|h| row[col(h)].clone()).collect();
            assert_eq!(got, expect(id), "{what}: {id}");
        }
        assert!(
            !headers.iter().any(|h| h == "L grade" || h == "L等次"),
            "{what}: a table has no grades"
        );
    };

    // CSV
    let out = shipped_year(&wd, &parts, &["--lang", "en", "--format", "csv"]);
    out.assert_ok();
    let mut r = csv::Reader::from_reader(out.stdout.as_bytes());
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    check("csv", &headers, &rows, &en, "Unit");

    // Markdown and the terminal table: rows of `|` cells.
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let out = shipped_year(&wd, &parts, &["--lang", "en", "--format", "md"]);
    out.assert_ok();
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('|')).collect();
    let rows: Vec<Vec<String>> = lines[2..].iter().map(|l| cells(l)).collect();
    check("md", &cells(lines[0]), &rows, &en, "Unit");
    let out = shipped_year(&wd, &parts, &["--lang", "zh"]);
    out.assert_ok();
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('|')).collect();
    let rows: Vec<Vec<String>> = lines[1..].iter().map(|l| cells(l)).collect();
    check("table", &cells(lines[0]), &rows, &zh, "单位");

    // XLSX: the 排名 sheet.
    shipped_year(&wd, &parts, &["--lang", "zh", "-o", "$WD/2023.xlsx"]).assert_ok();
    let book = crate::util::Book::open(&wd.path("2023.xlsx"));
    let sheet = book.sheet("排名");
    let grid: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    calamine::Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    let head = grid.iter().position(|r| r.iter().any(|c| c == "Q1排名")).unwrap();
    check("xlsx", &grid[head], &grid[head + 1..], &zh, "单位");

    // HTML: the ranking table's header and body cells.
    let out = shipped_year(&wd, &parts, &["--lang", "zh", "--format", "html"]);
    out.assert_ok();
    let strip = |s: &str| -> String {
        let mut t = String::new();
        let mut tag = false;
        for ch in s.chars() {
            match ch {
                '<' => tag = true,
                '>' => tag = false,
                c if !tag => t.push(c),
                _ => {}
            }
        }
        t.trim().to_string()
    };
    let table = out.stdout.split("<table>").find(|t| t.contains("Q1排名")).unwrap();
    let table = table.split("</table>").next().unwrap();
    let rows: Vec<Vec<String>> = table
        .split("<tr>")
        .skip(1)
        .map(|tr| tr.split("<t").skip(1).map(|c| strip(&format!("<t{c}"))).collect())
        .collect();
    check("html", &rows[0], &rows[1..], &zh, "单位");

    // JSON: each unit's components.
    let out = shipped_year(&wd, &parts, &["--format", "json"]);
    out.assert_ok();
    let year = units(&out.stdout);
    for id in &ids {
        let c = unit(&year, id)["components"].as_array().unwrap();
        let mut got = Vec::new();
        for q in &c[..4] {
            got.push(q["rank"].to_string());
            got.push(q["grade"].as_str().unwrap().to_string());
        }
        got.push(c[4]["rank"].to_string());
        assert_eq!(got, expect(id), "json: {id}");
        assert_eq!(c[4]["grade"], Value::Null);
    }
}

/// The shipped year saved as `$WD/2023.json`.
fn shipped_year_saved(wd: &Workdir) {
    let parts = shipped_quarters(wd);
    shipped_year(wd, &parts, &["-o", "$WD/2023.json"]).assert_ok();
}

/// A command's JSON output.
fn jd(wd: &Workdir, args: &[&str]) -> Value {
    serde_json::from_str(&wd.stdout(args)).expect("valid JSON")
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// The year's list of 城关镇党委 (T01), worked out from its evidence rows in
/// examples/quarters (value per quarter Q1/Q2/Q3/Q4; the framework's rule;
/// losses under 0.5 points open no item):
///
/// - A1 target 2, −2 per 1 short: 1/2/1/2 → lost 2 in Q1 and Q3;
/// - A2 target 4, −1 per 1 short: 2/3/2/3 → lost in every quarter, 1 in Q4;
/// - A3 是/否: 是/是/否/是 → lost in Q3;
/// - B6 ≥100 → 1, ≥95 → 0.5: 100%/100%/95%/100% → lost 0.5 in Q3;
/// - B7 ≥80 → 1, ≥60 → 0.5: 74%/89%/89%/89% → lost 0.5 in Q1;
/// - C4 target 4, −0.5 per 1 short: 4/3/4/4 → lost 0.5 in Q2;
/// - C6 target 2, −1 per 1 short: 1/2/2/2 → lost 1 in Q1;
/// - D1 direct, 3 points: 2.5 every quarter → lost 0.5 in every quarter;
/// - D5 target 4, −1 per 1 short (3 points): 4/3/3/4 → lost in Q2 and Q3;
/// - E4 −0.5 per error: 1/1/0/1 → lost 0.5 in Q1, Q2, Q4;
/// - F5 ≥95 → 2, ≥80 → 1.5: 92/91/92/92 → lost 0.5 in every quarter;
/// - B2 95% in Q2 loses 0.15, under the threshold: no item.
///
/// So Q4 lists A2 (1.00), then D1, E4, F5 (0.50 each, framework order), all
/// persisting; A1, B7, C6 (first lost in Q1), C4, D5 (Q2), A3, B6 (Q3) are
/// resolved.
#[test]
fn the_years_list_is_the_latest_quarters_problems_with_where_they_appeared() {
    let wd = Workdir::new();
    shipped_year_saved(&wd);
    let out = wd.run(&["deficiencies", "--unit", "T01", "--format", "json", "$WD/2023.json"]);
    out.assert_ok();
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let items = doc["deficiencies"].as_array().unwrap();
    let got: Vec<(String, String, Vec<String>, bool)> = items
        .iter()
        .map(|d| {
            (
                d["indicator"].as_str().unwrap().to_string(),
                d["lost"].to_string(),
                strs(&d["appeared"]),
                d["persisting"].as_bool().unwrap(),
            )
        })
        .collect();
    let all = || vec!["Q1".to_string(), "Q2".into(), "Q3".into(), "Q4".into()];
    let q = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        vec![
            ("A2".into(), "1.00".into(), all(), true),
            ("D1".into(), "0.50".into(), all(), true),
            ("E4".into(), "0.50".into(), q(&["Q1", "Q2", "Q4"]), true),
            ("F5".into(), "0.50".into(), all(), true),
        ]
    );
    assert!(
        items
            .iter()
            .all(|d| d["component"] == "Q4" && d["reason"] == "shortfall")
    );
    assert_eq!(items[0]["indicator_name"], "意识形态领域形势分析研判");
    let u = &doc["units"][0];
    assert_eq!((u["unit"].as_str(), u["latest"].as_str()), (Some("T01"), Some("Q4")));
    assert_eq!(
        strs(&u["scored"]),
        all(),
        "the leading group's table records no problems"
    );
    assert_eq!((u["items"].as_u64(), u["persisting"].as_u64()), (Some(4), Some(4)));
    let resolved: Vec<(String, String, Vec<String>, String)> = u["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["indicator"].as_str().unwrap().to_string(),
                r["last"].as_str().unwrap().to_string(),
                strs(&r["appeared"]),
                r["lost"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        resolved,
        vec![
            ("A1".into(), "Q3".into(), q(&["Q1", "Q3"]), "2.00".into()),
            ("B7".into(), "Q1".into(), q(&["Q1"]), "0.50".into()),
            ("C6".into(), "Q1".into(), q(&["Q1"]), "1.00".into()),
            ("C4".into(), "Q2".into(), q(&["Q2"]), "0.50".into()),
            ("D5".into(), "Q3".into(), q(&["Q2", "Q3"]), "1.00".into()),
            ("A3".into(), "Q3".into(), q(&["Q3"]), "2.00".into()),
            ("B6".into(), "Q3".into(), q(&["Q3"]), "0.50".into()),
        ]
    );
    assert_eq!(
        doc["components"][4],
        serde_json::json!({"id": "L", "name": "领导小组评价", "deficiencies": false})
    );

    // The same list as a table and as Markdown.
    let table = wd.stdout(&["deficiencies", "--lang", "zh", "--unit", "T01", "$WD/2023.json"]);
    assert!(
        table.contains("1个单位 · 4项整改（其中持续存在4项） · 前期问题已整改7项"),
        "{table}"
    );
    assert!(
        table.contains("【T01 城关镇党委】乡镇（街道） · 第1名 · 94.91分 · 好 · Q4 4项（持续4项）"),
        "{table}"
    );
    assert!(
        table.contains("前期问题已整改7项：A1（Q1 Q3）、B7（Q1）、C6（Q1）、C4（Q2）、D5（Q2 Q3）、A3（Q3）、B6（Q3）"),
        "{table}"
    );
    assert!(table.contains("L 领导小组评价以得分给出，没有问题明细。"), "{table}");
    assert!(table.contains("|    3 | E4   | 发布内容差错管控"), "{table}");
    assert!(table.contains("| 0.50 | 扣分 | 3/4      | Q1 Q2 Q4    |"), "{table}");
    let md = wd.stdout(&[
        "deficiencies",
        "--lang",
        "en",
        "--unit",
        "T01",
        "--format",
        "md",
        "$WD/2023.json",
    ]);
    assert!(md.contains("## T01 城关镇党委"), "{md}");
    assert!(
        md.contains("| 3 | E4 | 发布内容差错管控 | 0.50 | shortfall | 3/4 | Q1 Q2 Q4 |"),
        "{md}"
    );
}

/// Every unit's list against a reference worked out here from the
/// quarters' saved results, in every format.
#[test]
fn every_units_year_list_follows_its_quarters_in_every_format() {
    let wd = Workdir::new();
    shipped_year_saved(&wd);
    let quarters: Vec<Vec<Value>> = (1..=4).map(|q| units(&wd.read(&format!("2023Q{q}.json")))).collect();
    let lost_in = |q: usize, id: &str| -> Vec<String> {
        unit(&quarters[q], id)["deficiencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["indicator"].as_str().unwrap().to_string())
            .collect()
    };
    let doc: Value = serde_json::from_str(&wd.stdout(&["deficiencies", "--format", "json", "$WD/2023.json"])).unwrap();
    let items = doc["deficiencies"].as_array().unwrap();
    let mut total = 0;
    let mut persisting = 0;
    let mut resolved_total = 0;
    for u in doc["units"].as_array().unwrap() {
        let id = u["unit"].as_str().unwrap();
        let q4 = lost_in(3, id);
        let mine: Vec<&Value> = items.iter().filter(|d| d["unit"] == id).collect();
        let mut listed: Vec<String> = mine
            .iter()
            .map(|d| d["indicator"].as_str().unwrap().to_string())
            .collect();
        listed.sort();
        let mut want = q4.clone();
        want.sort();
        assert_eq!(listed, want, "{id}: the fourth quarter's problems");
        for d in &mine {
            let ind = d["indicator"].as_str().unwrap();
            let appeared: Vec<String> = (0..4)
                .filter(|&q| lost_in(q, id).iter().any(|x| x == ind))
                .map(|q| format!("Q{}", q + 1))
                .collect();
            assert_eq!(strs(&d["appeared"]), appeared, "{id} {ind}");
            persisting += usize::from(appeared.len() > 1);
        }
        let mut earlier: Vec<String> = (0..3)
            .flat_map(|q| lost_in(q, id))
            .filter(|x| !q4.contains(x))
            .collect();
        earlier.sort();
        earlier.dedup();
        let mut resolved: Vec<String> = u["resolved"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["indicator"].as_str().unwrap().to_string())
            .collect();
        resolved.sort();
        assert_eq!(resolved, earlier, "{id}: resolved before the fourth quarter");
        total += q4.len();
        resolved_total += earlier.len();
    }
    assert_eq!(items.len(), total);
    assert_eq!(doc["units"].as_array().unwrap().len(), 15);
    // Numbered through the list; worst first: E03 (vetoed, ranked 15th) opens it.
    assert!(items.iter().enumerate().all(|(i, d)| d["no"] == i + 1));
    assert_eq!(items[0]["unit"], "E03");
    assert_eq!(items[0]["indicator"], "V1", "a veto comes first");
    // The fourth quarter's own list has exactly these items.
    let q4 = jd(
        &wd,
        &[
            "deficiencies",
            "-u",
            "examples/units.csv",
            "--period",
            "2023Q4",
            "--format",
            "json",
            "examples/quarters/2023Q4.csv",
        ],
    );
    assert_eq!(q4["deficiencies"].as_array().unwrap().len(), total);

    let table = wd.stdout(&["deficiencies", "--lang", "zh", "$WD/2023.json"]);
    assert!(
        table.contains(&format!(
            "15个单位 · {total}项整改（其中持续存在{persisting}项） · 前期问题已整改{resolved_total}项"
        )),
        "{table}"
    );

    // CSV: one row per item, the same items in the same order.
    let csv_text = wd.stdout(&["deficiencies", "--lang", "en", "--format", "csv", "$WD/2023.json"]);
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), total);
    for (row, d) in rows.iter().zip(items) {
        assert_eq!(&row[1], d["unit"].as_str().unwrap());
        assert_eq!(&row[8], d["indicator"].as_str().unwrap());
        assert_eq!(row[13].split(' ').collect::<Vec<_>>(), strs(&d["appeared"]));
    }

    // XLSX: the ledger and the resolved items read back.
    wd.run(&["deficiencies", "--lang", "zh", "-o", "$WD/year.xlsx", "$WD/2023.json"])
        .assert_ok();
    let book = crate::util::Book::open(&wd.path("year.xlsx"));
    assert_eq!(book.names(), ["年度整改清单", "前期已整改"]);
    let ledger = book.sheet("年度整改清单");
    let head = ledger
        .rows()
        .position(|r| r.iter().any(|c| crate::util::same_cell(c, "出现于")))
        .unwrap();
    assert_eq!(ledger.rows().count() - head - 1, total);
    let resolved = book.sheet("前期已整改");
    let head = resolved
        .rows()
        .position(|r| r.iter().any(|c| crate::util::same_cell(c, "最后出现")))
        .unwrap();
    assert_eq!(resolved.rows().count() - head - 1, resolved_total);

    // HTML: a section per unit, every item a row.
    let html = wd.stdout(&["deficiencies", "--lang", "zh", "--format", "html", "$WD/2023.json"]);
    assert_eq!(html.matches("<section class=\"unit\">").count(), 15);
    assert_eq!(
        html.matches("<tr>").count() - html.matches("<thead>").count() - 1,
        total,
        "item rows"
    );
    assert!(html.contains("年度整改清单 · 2023年度意识形态工作责任制综合考核 · 2023"));
}

#[test]
fn the_years_list_selects_and_refuses_what_does_not_apply() {
    let wd = Workdir::new();
    shipped_year_saved(&wd);
    // Only E03 was vetoed in the fourth quarter (V1 every quarter); T05's
    // veto of the second quarter is resolved, not listed.
    let doc = jd(
        &wd,
        &["deficiencies", "--reason", "veto", "--format", "json", "$WD/2023.json"],
    );
    let items = doc["deficiencies"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{doc}");
    assert_eq!(
        (items[0]["unit"].as_str(), items[0]["indicator"].as_str()),
        (Some("E03"), Some("V1"))
    );
    assert_eq!(strs(&items[0]["appeared"]), ["Q1", "Q2", "Q3", "Q4"]);
    let t05 = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == "T05")
        .unwrap();
    let v1 = t05["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["indicator"] == "V1")
        .unwrap();
    assert_eq!(
        (strs(&v1["appeared"]), &v1["lost"]),
        (vec!["Q2".to_string()], &Value::Null)
    );
    // --min-lost keeps vetoes; --category and --order unit select and sort.
    let key = |d: &Value| (d["unit"].to_string(), d["indicator"].to_string());
    let all = jd(&wd, &["deficiencies", "--format", "json", "$WD/2023.json"]);
    let kept: Vec<_> = all["deficiencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["lost"].is_null() || d["lost"].as_f64().unwrap() >= 3.0)
        .map(key)
        .collect();
    let doc = jd(
        &wd,
        &["deficiencies", "--min-lost", "3", "--format", "json", "$WD/2023.json"],
    );
    let got: Vec<_> = doc["deficiencies"].as_array().unwrap().iter().map(key).collect();
    assert_eq!(got, kept);
    assert!(
        doc["deficiencies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["reason"] == "cap"),
        "{doc}"
    );
    assert!(
        doc["deficiencies"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["reason"] == "missing"),
        "{doc}"
    );
    let doc = jd(
        &wd,
        &[
            "deficiencies",
            "--category",
            "国有企业",
            "--order",
            "unit",
            "--format",
            "json",
            "$WD/2023.json",
        ],
    );
    let ids: Vec<&str> = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["E01", "E02", "E03", "E04"]);

    // What does not apply is refused, before anything is written.
    wd.run(&["deficiencies", "--lang", "en", "-f", "ideology-2023", "$WD/2023.json"])
        .assert_usage_error("error: the year's list is taken from the periods' problems the combined result records; -f/--framework cannot be used with it (they apply to lists from evidence)");
    wd.run(&["deficiencies", "--lang", "en", "--by", "owner", "--period", "2023", "$WD/2023.json"])
        .assert_usage_error("error: the year's list is taken from the periods' problems the combined result records; --period, --by cannot be used with it (they apply to lists from evidence)");
    wd.run(&["deficiencies", "--lang", "en", "$WD/2023.json", "examples/quarters/2023Q4.csv"])
        .assert_usage_error("error: a result (.json) is read alone: the year's list reads one combined result written by kaohe combine, without evidence or other results");
    wd.run(&["deficiencies", "--lang", "en", "$WD/2023Q4.json"]).assert_usage_error(
        "error: $WD/2023Q4.json is one period's saved result: deficiencies lists from the evidence (kaohe deficiencies -u UNITS --period P EVIDENCE.csv), or reads a combined result written by kaohe combine",
    );
    wd.run(&["letters", "--lang", "en", "-o", "$WD/letters/", "$WD/2023.json"]).assert_usage_error(
        "error: $WD/2023.json is a saved result: letters are written from the evidence (kaohe letters -u UNITS --period P -o DIR/ EVIDENCE.csv); the year's list of a combined result is kaohe deficiencies $WD/2023.json",
    );
    wd.run(&["deficiencies", "--lang", "en", "--unit", "T10", "$WD/2023.json"])
        .assert_input_errors(&["error: $WD/2023.json: --unit: there is no unit \"T10\" (did you mean \"T01\"?)"]);
    assert!(!wd.files().iter().any(|f| f.contains("letters")));
}

/// A combined result without the components' problems (every component a
/// table) has no year's list to give.
#[test]
fn a_year_of_tables_has_no_list() {
    let wd = Workdir::new();
    wd.create("y.toml", COMPOSITE);
    wd.create("p.csv", "unit,score\nA,80\nB,90\n");
    wd.create("n.csv", "unit,score\nA,85\nB,95\n");
    wd.run(&[
        "combine",
        "-c",
        "$WD/y.toml",
        "P=$WD/p.csv",
        "N=$WD/n.csv",
        "-o",
        "$WD/y.json",
    ])
    .assert_ok();
    let y: Value = serde_json::from_str(&wd.read("y.json")).unwrap();
    assert_eq!(y["units"][0]["components"][0]["deficiencies"], Value::Null);
    wd.run(&["deficiencies", "--lang", "en", "$WD/y.json"]).assert_input_errors(&[
        "error: $WD/y.json: the combined result records no component's deficiencies: every component was a unit,score table, or it was written by an older kaohe; combine the periods' results again with this version",
    ]);
}

/// With `missing = "zero"` a unit absent from the fourth quarter takes its
/// list from the third, its latest.
#[test]
fn a_unit_absent_from_the_last_quarter_is_listed_from_its_latest() {
    let wd = Workdir::new();
    let parts = shipped_quarters(&wd);
    let q4: String =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quarters/2023Q4.csv"))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("T01,"))
            .map(|l| format!("{l}\n"))
            .collect();
    wd.create("q4.csv", &q4);
    wd.run(&["score", "--period", "2023Q4", "-o", "$WD/q4.json", "$WD/q4.csv"])
        .assert_ok();
    let composite = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quarters/annual-2023.toml"),
    )
    .unwrap()
    .replace("missing = \"error\"", "missing = \"zero\"");
    wd.create("annual.toml", &composite);
    let mut cmd = vec![
        "combine",
        "-c",
        "$WD/annual.toml",
        "-u",
        "examples/units.csv",
        "-o",
        "$WD/y.json",
    ];
    let mut given: Vec<String> = parts.clone();
    given[3] = "Q4=$WD/q4.json".into();
    cmd.extend(given.iter().map(String::as_str));
    wd.run(&cmd).assert_ok();
    let doc = jd(
        &wd,
        &[
            "deficiencies",
            "--unit",
            "T01",
            "--unit",
            "T02",
            "--format",
            "json",
            "$WD/y.json",
        ],
    );
    let t01 = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == "T01")
        .unwrap();
    assert_eq!(t01["latest"], "Q3");
    assert_eq!(strs(&t01["scored"]), ["Q1", "Q2", "Q3"]);
    // T01's third quarter (see the hand-worked list above): A1, A2, A3,
    // B6, D1, D5, F5; C4 of Q2 and B7, C6 of Q1 resolved, E4 too (lost in
    // Q1 and Q2, not Q3).
    let mut listed: Vec<&str> = doc["deficiencies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["unit"] == "T01")
        .map(|d| d["indicator"].as_str().unwrap())
        .collect();
    listed.sort();
    assert_eq!(listed, ["A1", "A2", "A3", "B6", "D1", "D5", "F5"]);
    let mut resolved: Vec<&str> = t01["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["indicator"].as_str().unwrap())
        .collect();
    resolved.sort();
    assert_eq!(resolved, ["B7", "C4", "C6", "E4"]);
    let t02 = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == "T02")
        .unwrap();
    assert_eq!(t02["latest"], "Q4");
}
