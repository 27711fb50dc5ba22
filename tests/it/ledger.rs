//! Rectification ledgers returned by the units, read back and summarised
//! (`kaohe ledger`).

use crate::util::{Workdir, texts, write_xlsx};

const HEADER: [&str; 11] = [
    "序号",
    "单位",
    "单位名称",
    "问题",
    "对应指标",
    "扣分",
    "整改措施",
    "责任人",
    "整改时限",
    "进展",
    "状态",
];

/// A ledger row: unit, name, indicator, deadline, progress, status.
fn row(no: &str, unit: &str, name: &str, ind: &str, deadline: &str, progress: &str, status: &str) -> Vec<&'static str> {
    let cells = [
        no,
        unit,
        name,
        "问题",
        ind,
        "1.00",
        "措施",
        "宣传部",
        deadline,
        progress,
        status,
    ];
    cells.iter().map(|s| &*s.to_string().leak()).collect()
}

fn json(wd: &Workdir, args: &[&str]) -> serde_json::Value {
    serde_json::from_str(&wd.stdout(args)).expect("valid JSON")
}

#[test]
fn a_fresh_ledger_reads_back_as_not_started() {
    let wd = Workdir::new();
    let book = wd.path("台账.xlsx");
    let base = ["-u", "examples/units.csv", "--period", "2023", "examples/2023.csv"];
    wd.run(&[&["deficiencies", "-o", book.to_str().unwrap()][..], &base].concat())
        .assert_ok();
    let csv = wd.stdout(&[&["deficiencies", "--format", "csv"][..], &base].concat());
    let items = (csv.lines().count() - 1) as u64;
    // Every item is due 2024-01-30 (2023-12-31 + 30 days): not yet overdue
    // on that day, all of them the day after.
    for (date, overdue) in [("2024-01-30", 0), ("2024-01-31", items)] {
        let doc = json(
            &wd,
            &["ledger", "--format", "json", "--date", date, book.to_str().unwrap()],
        );
        let total = &doc["total"];
        assert_eq!(total["items"], items);
        assert_eq!(total["not_started"], items);
        assert_eq!(total["completed"], 0);
        assert_eq!(total["overdue"], overdue, "{date}");
        assert_eq!(total["rate"].to_string(), "0.00");
        assert_eq!(doc["units"].as_array().unwrap().len(), 15);
    }
}

#[test]
fn a_returned_ledger_is_counted_per_unit_and_overall() {
    let wd = Workdir::new();
    let book = wd.path("城关镇.xlsx");
    let rows = vec![
        texts(&HEADER),
        texts(&row(
            "1",
            "T01",
            "城关镇",
            "A1 专题研究",
            "2024-01-30",
            "已召开专题会",
            "已完成",
        )),
        texts(&row(
            "2",
            "T01",
            "城关镇",
            "A2 舆情处置",
            "2024-01-30",
            "已制定方案",
            "整改中",
        )),
        texts(&row("3", "T01", "城关镇", "A3 主题宣讲", "2024-01-15", "", "未启动")),
    ];
    write_xlsx(&book, &[("整改台账", rows)]);
    // The second unit returned its ledger saved as CSV.
    let csv = wd.create(
        "河西.csv",
        &format!(
            "{}\n{}\n{}\n",
            HEADER.join(","),
            row("4", "T02", "河西街道", "B1 学习平台", "2024-01-15", "", "已销号").join(","),
            row("5", "T02", "河西街道", "B2 牵头抓总", "2024-01-15", "推进中", "整改中").join(","),
        ),
    );
    let (book, csv) = (book.to_str().unwrap(), csv.to_str().unwrap());
    let doc = json(&wd, &["ledger", "--format", "json", "--date", "2024-01-20", book, csv]);
    // On 2024-01-20 the items due 01-15 and not completed are overdue: T01's
    // A3 (未启动) and T02's B2 (整改中); B1 is 已销号. Completed: T01 1 of 3
    // = 33.33 %, T02 1 of 2 = 50.00 %, all 2 of 5 = 40.00 %.
    let units = doc["units"].as_array().unwrap();
    let got: Vec<(String, u64, u64, u64, u64, u64, String)> = units
        .iter()
        .chain([&doc["total"]])
        .map(|u| {
            (
                u["unit"].as_str().unwrap_or("合计").to_string(),
                u["items"].as_u64().unwrap(),
                u["completed"].as_u64().unwrap(),
                u["in_progress"].as_u64().unwrap(),
                u["not_started"].as_u64().unwrap(),
                u["overdue"].as_u64().unwrap(),
                u["rate"].to_string(),
            )
        })
        .collect();
    let want = [
        ("T01", 3, 1, 1, 1, 1, "33.33"),
        ("T02", 2, 1, 1, 0, 1, "50.00"),
        ("合计", 5, 2, 2, 1, 2, "40.00"),
    ];
    assert_eq!(
        got,
        want.map(|(u, a, b, c, d, e, f)| (u.to_string(), a, b, c, d, e, f.to_string()))
    );
    let overdue: Vec<(&str, &str, &str)> = doc["overdue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["unit"].as_str().unwrap(),
                o["indicator"].as_str().unwrap(),
                o["progress"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(overdue, [("T01", "A3 主题宣讲", ""), ("T02", "B2 牵头抓总", "推进中")]);
    // The table says the same, in Chinese, with the overdue items located.
    let table = wd.stdout(&["ledger", "--lang", "zh", "--date", "2024-01-20", book, csv]);
    assert!(table.starts_with(
        "整改台账汇总 · 2 个文件 · 2 个单位 · 5 项 · 已完成 2 · 整改率 40.00% · 截至 2024-01-20 逾期 2\n"
    ));
    assert!(table.contains("$WD/城关镇.xlsx!整改台账!4"), "{table}");
    // Without a date, nothing is counted as overdue: the clock is not read.
    let doc = json(&wd, &["ledger", "--format", "json", book, csv]);
    assert!(doc["total"]["overdue"].is_null() && doc["overdue"].as_array().unwrap().is_empty());
}

#[test]
fn unknown_statuses_and_dates_are_located_with_a_suggestion() {
    let wd = Workdir::new();
    let book = wd.path("r.xlsx");
    let rows = vec![
        texts(&HEADER),
        texts(&row("1", "T01", "城关镇", "A1", "2024-01-30", "", "已完毕")),
        texts(&row("2", "T01", "城关镇", "A2", "2024-01-30", "", "完成")),
        texts(&row("3", "T01", "城关镇", "A3", "下月底", "", "整改中")),
        texts(&row("4", "T01", "城关镇", "A4", "2024-01-30", "", "已完成")),
        texts(&row("5", "T01", "城关镇", "A4", "2024-01-30", "", "已完成")),
    ];
    write_xlsx(&book, &[("整改台账", rows)]);
    let nostatus = wd.create("n.csv", "单位,整改时限\nT01,2024-01-30\n");
    let out = wd.run(&[
        "ledger",
        "--lang",
        "zh",
        book.to_str().unwrap(),
        nostatus.to_str().unwrap(),
    ]);
    out.assert_input_errors(&[
        "错误：$WD/r.xlsx!整改台账!K2: “状态”列：单位 T01 的状态“已完毕”不是可选的状态（未启动、整改中、已完成、已销号）（是否应为“已完成”？）",
        "错误：$WD/r.xlsx!整改台账!K3: “状态”列：单位 T01 的状态“完成”不是可选的状态（未启动、整改中、已完成、已销号）（是否应为“已完成”？）",
        "错误：$WD/r.xlsx!整改台账!I4: “整改时限”列：单位 T01 的整改时限“下月底”不是日期（应如 2024-01-30）",
        "错误：$WD/r.xlsx!整改台账!E6: 单位 T01 的整改项“A4”已在 $WD/r.xlsx!整改台账!5 读到（同一份台账是否给了两次？）",
        "错误：$WD/n.csv:1: 不是 kaohe deficiencies 写出的整改台账：缺少“状态”列（表头为 \"单位\", \"整改时限\"）",
        "错误：共发现 5 个问题，未写出任何文件",
    ]);
}

#[test]
fn the_office_s_csv_copy_beside_the_unit_s_workbook_is_not_counted_twice() {
    // The workbook's 对应指标 reads "A1 甲" (id and name), the CSV
    // ledger's "A1": one item, its unit and its indicator's id.
    let wd = Workdir::new();
    wd.create(
        "unit.csv",
        "单位,对应指标,整改时限,状态\nT01,A1 甲,2024-01-30,已完成\nT01,A2 乙,2024-01-30,未启动\n",
    );
    wd.create(
        "office.csv",
        "单位,对应指标,整改时限,状态\nT01,A1,2024-01-30,已完成\nT01,A2,2024-01-30,未启动\n",
    );
    let out = wd.run(&[
        "ledger",
        "--lang",
        "en",
        "--date",
        "2024-02-15",
        "$WD/unit.csv",
        "$WD/office.csv",
    ]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "error: $WD/office.csv:2: unit T01: item \"A1\" was already read at $WD/unit.csv:2 (was the same ledger given twice?)\n\
         error: $WD/office.csv:3: unit T01: item \"A2\" was already read at $WD/unit.csv:3 (was the same ledger given twice?)\n\
         error: 2 problems found; nothing was written\n"
    );
    // kaohe's own workbook and CSV ledger of one run, given together:
    // every item of the CSV is one the workbook has.
    let (x, c) = (wd.path("l.xlsx"), wd.path("l.csv"));
    for out in [&x, &c] {
        let args = [
            "deficiencies",
            "-u",
            "examples/units.csv",
            "-o",
            out.to_str().unwrap(),
            "examples/2023.csv",
        ];
        wd.run(&args).assert_ok();
    }
    let items = wd.read("l.csv").trim_end().lines().count() - 1;
    let out = wd.run(&["ledger", "--lang", "en", x.to_str().unwrap(), c.to_str().unwrap()]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .ends_with(&format!("error: {items} problems found; nothing was written\n")),
        "{}",
        out.stderr
    );
}
