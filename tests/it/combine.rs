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
