//! Tables fitted to a terminal (Windows Terminal's 120 columns, the
//! classic 80): a number is never split over lines; columns are left out
//! from the right, and a line under the table says which.
//! `KAOHE_COLUMNS` stands in for a terminal of that width.

use crate::util::Workdir;
use unicode_width::UnicodeWidthStr;

fn run_at(wd: &Workdir, args: &[&str], columns: &str) -> String {
    let out = wd.run_env(args, &[("KAOHE_COLUMNS", columns)]);
    out.assert_ok();
    out.stdout
}

/// Every line fits, and every figure of `rows` (unit id, numbers) is found
/// whole on one line that names the unit.
#[track_caller]
fn numbers_whole(table: &str, width: usize, rows: &[(String, Vec<String>)]) {
    for l in table.lines().filter(|l| l.starts_with(['+', '|'])) {
        assert!(l.width() <= width, "line wider than {width}:\n{l}\n{table}");
    }
    for (unit, numbers) in rows {
        let line = table
            .lines()
            .find(|l| l.starts_with(&format!("| {unit} ")) || l.contains(&format!("| {unit} ")))
            .unwrap_or_else(|| panic!("no row for {unit}:\n{table}"));
        for n in numbers {
            assert!(
                line.split('|').any(|cell| cell.trim() == n),
                "{unit}: {n} not whole on its line:\n{line}\n{table}"
            );
        }
    }
}

/// Scores of the shipped 2023 examples, read from the CSV ranking (the
/// unfitted output the fitted table must agree with): unit → score, rank.
fn ranking_figures(wd: &Workdir) -> Vec<(String, Vec<String>)> {
    let csv = wd.stdout(&[
        "score",
        "-u",
        "examples/units.csv",
        "--format",
        "csv",
        "examples/2023.csv",
    ]);
    let mut lines = csv.lines();
    let head: Vec<&str> = lines
        .next()
        .unwrap()
        .trim_start_matches('\u{feff}')
        .split(',')
        .collect();
    let col = |name: &str| head.iter().position(|h| *h == name).unwrap();
    let (rank, unit, score) = (col("Rank"), col("Unit"), col("Score"));
    lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (c[unit].to_string(), vec![c[rank].to_string(), c[score].to_string()])
        })
        .collect()
}

#[test]
fn the_ranking_fits_120_and_80_columns_without_splitting_a_number() {
    let wd = Workdir::new();
    let rows = ranking_figures(&wd);
    assert_eq!(rows.len(), 15);
    let args = ["score", "-u", "examples/units.csv", "examples/2023.csv"];
    let whole = wd.stdout(&args);
    assert!(
        whole.lines().any(|l| l.width() > 120),
        "the test needs a table wider than 120:\n{whole}"
    );
    for width in [120usize, 80] {
        let table = run_at(&wd, &args, &width.to_string());
        numbers_whole(&table, width, &rows);
        assert!(table.contains(&format!("(not shown at {width} columns: ")), "{table}");
    }
}

#[test]
fn the_diff_fits_120_and_80_columns_without_splitting_a_number() {
    let wd = Workdir::new();
    let args = [
        "diff",
        "-u",
        "examples/units.csv",
        "--old-period",
        "2022",
        "--new-period",
        "2023",
        "examples/2022.csv",
        "examples/2023.csv",
    ];
    // The figures from the JSON comparison.
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&wd.stdout(&json_args)).unwrap();
    let rows: Vec<(String, Vec<String>)> = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["unit"].as_str().unwrap().to_string(),
                vec![u["old_score"].to_string(), u["new_score"].to_string()],
            )
        })
        .collect();
    assert_eq!(rows.len(), 15);
    for width in [120usize, 80] {
        let out = run_at(&wd, &args, &width.to_string());
        // The units table: from its title to the next blank line.
        let start = out.find("\nUnits\n").expect("units section") + 7;
        let table = &out[start..];
        let table = &table[..table.find("\n\n").unwrap_or(table.len())];
        numbers_whole(table, width, &rows);
        assert!(table.contains(&format!("(not shown at {width} columns: ")), "{table}");
    }
}

#[test]
fn in_chinese_the_note_names_the_columns_left_out() {
    let wd = Workdir::new();
    let out = wd.run_env(
        &["score", "-u", "examples/units.csv", "examples/2023.csv"],
        &[("KAOHE_COLUMNS", "80"), ("LANG", "zh_CN.UTF-8")],
    );
    out.assert_ok();
    // Left out from the right: the six groups, the parts of the score,
    // then the category rank and the category.
    let note = out
        .stdout
        .lines()
        .find(|l| l.starts_with("（终端宽 80 列，未显示："))
        .expect(&out.stdout);
    assert_eq!(
        note,
        "（终端宽 80 列，未显示：类别、分类排名、基础分、加分、扣分、A、B、C、D、E、F；全部列请用 --format csv 或 -o 文件）"
    );
    assert!(
        out.stdout
            .lines()
            .filter(|l| l.starts_with(['+', '|']))
            .all(|l| l.width() <= 80),
        "{}",
        out.stdout
    );
}
