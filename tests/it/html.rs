//! HTML reports: self-contained, every unit and chart present, user text
//! escaped.

use crate::util::Workdir;

const EXAMPLE: &[&str] = &["-u", "examples/units.csv", "--period", "2023", "examples/2023.csv"];

/// The names in examples/units.csv.
fn unit_names() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/units.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').nth(1).unwrap().to_string())
        .collect()
}

fn report(wd: &Workdir, command: &str, extra: &[&str]) -> String {
    let out = wd.path("r.html");
    let mut args = vec![command, "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    wd.run(&args).assert_ok();
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn the_score_report_holds_every_unit_and_its_charts() {
    let wd = Workdir::new();
    let mut args = vec!["--lang", "zh"];
    args.extend_from_slice(EXAMPLE);
    let html = report(&wd, "score", &args);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"zh-CN\">"));
    assert!(html.contains("<title>全省意识形态工作责任制考核评价指标体系（2023年度） · 2023</title>"));
    for name in unit_names() {
        assert!(html.contains(&name), "{name}");
    }
    // The bar chart and the heat map, drawn here; nothing fetched, no script.
    assert_eq!(html.matches("<svg ").count(), 2);
    assert!(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"));
    assert!(html.contains("@page { size: A4 landscape;") && html.contains("section.unit { break-before: page; }"));
    // Grades coloured, the way to the next grade given.
    assert!(html.contains("background:#C6EFCE;color:#006100"));
    assert!(html.contains("<p class=\"advice\">距好差"), "next-grade advice");
    // One section per unit.
    assert_eq!(html.matches("<section class=\"unit\">").count(), 15);
    // Deterministic.
    assert_eq!(report(&wd, "score", &args), html);
}

#[test]
fn user_text_shows_as_text() {
    let wd = Workdir::new();
    let units = wd.create("u.csv", "unit,name\nT01,<b>城关镇</b>\n");
    let ev = wd.create(
        "e.csv",
        "unit,indicator,value,note\nT01,A1,1,<script>alert(1)</script>\nT01,A3,是,\"\"\"><img src=x onerror=alert(2)>\"\n",
    );
    let html = report(&wd, "score", &["-u", units.to_str().unwrap(), ev.to_str().unwrap()]);
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{html}");
    assert!(html.contains("&lt;b&gt;城关镇&lt;/b&gt;"));
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"));
}

#[test]
fn deficiencies_and_diff_reports() {
    let wd = Workdir::new();
    let mut args = vec!["--lang", "en"];
    args.extend_from_slice(EXAMPLE);
    let html = report(&wd, "deficiencies", &args);
    assert!(html.contains("<h1>Rectification list</h1>"));
    assert!(html.contains("<div class=\"n\">2024-01-30</div>"), "the deadline");
    for name in unit_names() {
        assert!(html.contains(&name), "{name}");
    }
    let (old, new) = (wd.path("22.json"), wd.path("23.json"));
    for (year, p) in [("2022", &old), ("2023", &new)] {
        let ev = format!("examples/{year}.csv");
        wd.run(&[
            "score",
            "-u",
            "examples/units.csv",
            "--period",
            year,
            "-o",
            p.to_str().unwrap(),
            &ev,
        ])
        .assert_ok();
    }
    let html = report(
        &wd,
        "diff",
        &["--lang", "zh", old.to_str().unwrap(), new.to_str().unwrap()],
    );
    assert!(html.contains("<h1>考核结果对比：2022 → 2023</h1>"));
    assert_eq!(html.matches("<svg ").count(), 1, "old against new scores");
    for name in unit_names() {
        assert!(html.contains(&name), "{name}");
    }
}

#[test]
fn html_where_it_makes_no_sense_is_a_usage_error() {
    let wd = Workdir::new();
    // `--format` offers only what the command writes (one table for the
    // parser and --help); `-o FILE.xlsx` is checked against the same.
    let out = wd.run(&["explain", "T01", "--format", "xlsx", "examples/2023.csv"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "error: invalid value 'xlsx' for '--format <FORMAT>'\n  [possible values: table, csv, json, md, html]\n\n\
             For more information, try '--help'.\n"
        )
    );
    let out = wd.run(&["explain", "T01", "-o", "$WD/x.xlsx", "examples/2023.csv"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "error: explain cannot be written as xlsx: use table, csv, json, md, html\n"
        )
    );
}

/// SHA-256 of a repository file, computed here, not by kaohe.
fn sha256_of(path: &str) -> String {
    use sha2::Digest;
    let bytes = std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The page before its colophon, and the colophon.
fn split_colophon(html: &str) -> (&str, &str) {
    let at = html.find("<footer class=\"colophon\">").expect("a colophon");
    html.split_at(at)
}

#[test]
fn a_circulated_report_names_its_issuer_and_date_and_numbers_its_pages() {
    let wd = Workdir::new();
    let mut args = vec!["--lang", "zh", "--issuer", "某市考核办", "--date", "2024-01-05"];
    args.extend_from_slice(EXAMPLE);
    let html = report(&wd, "score", &args);
    assert!(
        html.contains("<p class=\"issued\">某市考核办 · 2024年1月5日</p>"),
        "{html}"
    );
    // Page numbers printed in the bottom margin by Chromium (CSS paged media).
    assert!(html.contains(r#"@page { @bottom-center { content: "第 " counter(page) " 页，共 " counter(pages) " 页";"#));
    // Ids and hashes only in the colophon, which names every input by its hash.
    let (body, colophon) = split_colophon(&html);
    let evidence = sha256_of("examples/2023.csv");
    let units = sha256_of("examples/units.csv");
    let framework = sha256_of("indicators/ideology-2023.toml");
    for needle in ["ideology-2023", &evidence[..12], &framework[..12]] {
        assert!(!body.contains(needle), "{needle} before the colophon");
    }
    for sha in [&evidence, &units, &framework] {
        assert!(colophon.contains(&format!("<code>{sha}</code>")), "{sha}: {colophon}");
    }
    assert!(colophon.contains("指标体系：全省意识形态工作责任制考核评价指标体系（2023年度） [ideology-2023]"));
    // The group legend comes before the first table headed by group ids.
    let legend = html
        .find("<p class=\"legend\">分组：A 认清形势、分析研判（")
        .expect("legend");
    assert!(legend < html.find("<table>").unwrap());
    // No date unless asked: without the options, nothing is printed.
    let plain = report(&wd, "score", EXAMPLE);
    assert!(!plain.contains("class=\"issued\""));
}

#[test]
fn the_issuer_may_come_from_the_framework() {
    let wd = Workdir::new();
    let fw = wd.create(
        "fw.toml",
        &crate::fixtures::MINI.replacen("rectify_days = 30", "rectify_days = 30\nissuer = \"某县考核办\"", 1),
    );
    let ev = wd.create(
        "e.csv",
        &crate::fixtures::mini_evidence(&[crate::fixtures::mini_row("T01", &[])]),
    );
    let (fw, ev) = (fw.to_str().unwrap(), ev.to_str().unwrap());
    let html = report(&wd, "score", &["--lang", "zh", "-f", fw, ev]);
    assert!(html.contains("<p class=\"issued\">某县考核办</p>"));
    let html = report(&wd, "score", &["--lang", "zh", "-f", fw, "--issuer", "市考核办", ev]);
    assert!(html.contains("<p class=\"issued\">市考核办</p>"));
    let out = wd.run(&["score", "-f", fw, "--date", "2024-02-30", ev]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("\"2024-02-30\" is not a date"), "{}", out.stderr);
}

#[test]
fn the_rectification_report_has_deadline_and_status_for_each_listed_item() {
    let wd = Workdir::new();
    let mut args = vec!["--lang", "zh"];
    args.extend_from_slice(EXAMPLE);
    let html = report(&wd, "deficiencies", &args);
    assert!(html.contains("<th class=\"nw\">整改时限</th><th class=\"nw\">状态</th>"));
    // Who fixes each item and who checks it.
    assert!(html.contains("<th class=\"nw\">责任人</th><th class=\"nw\">考核部门</th>"));
    assert!(html.contains("<td class=\"nw\">网信工作牵头部门</td><td class=\"nw\">网信办</td>"));
    // One row per item of the list, as the CSV ledger has them: each with
    // the deadline (2023-12-31 + 30 days) and its starting status.
    let csv = wd.stdout(&[&["deficiencies", "--format", "csv"][..], &args].concat());
    let items = csv.lines().count() - 1;
    assert_eq!(
        html.matches("<td class=\"nw\">2024-01-30</td><td class=\"nw\">未启动</td>")
            .count(),
        items
    );
    // A selection is honoured: only the vetoes are listed.
    let vetoes = report(&wd, "deficiencies", &[&["--reason", "veto"][..], &args].concat());
    let csv = wd.stdout(&[&["deficiencies", "--format", "csv", "--reason", "veto"][..], &args].concat());
    assert_eq!(
        vetoes.matches("<td class=\"nw\">未启动</td>").count(),
        csv.lines().count() - 1
    );
    assert!(vetoes.contains("没有符合筛选条件的整改项。"));
}

#[test]
fn summary_and_explain_reports() {
    let wd = Workdir::new();
    let mut args = vec!["--lang", "zh"];
    args.extend_from_slice(EXAMPLE);
    let html = report(&wd, "deficiencies", &[&["--summary"][..], &args].concat());
    assert!(html.contains("<h1>整改情况汇总</h1>"));
    let md = wd.stdout(&[&["deficiencies", "--summary", "--format", "md"][..], &args].concat());
    for heading in md.lines().filter_map(|l| l.strip_prefix("## ")) {
        assert!(html.contains(&format!("<h2>{heading}</h2>")), "{heading}");
    }
    let html = report(&wd, "explain", &[&["T01"][..], &args].concat());
    assert!(html.contains("<h1>T01 城关镇党委 <span"));
    // The reconciliation lines of the text report, as a list.
    let md = wd.stdout(&[&["explain", "T01", "--format", "md"][..], &args].concat());
    let lines: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("- ")).collect();
    assert!(lines.len() >= 3);
    for l in lines {
        assert!(html.contains(&format!("<li>{l}</li>")), "{l}");
    }
}

#[test]
fn diff_names_read_on_one_line_and_hashes_go_to_the_colophon() {
    let wd = Workdir::new();
    let (old, new) = (wd.path("22.json"), wd.path("23.json"));
    for (year, p) in [("2022", &old), ("2023", &new)] {
        let ev = format!("examples/{year}.csv");
        wd.run(&[
            "score",
            "-u",
            "examples/units.csv",
            "--period",
            year,
            "-o",
            p.to_str().unwrap(),
            &ev,
        ])
        .assert_ok();
    }
    let html = report(
        &wd,
        "diff",
        &["--lang", "zh", old.to_str().unwrap(), new.to_str().unwrap()],
    );
    for name in unit_names() {
        assert!(html.contains(&format!("<td class=\"nw\">{name}</td>")), "{name}");
    }
    let (body, colophon) = split_colophon(&html);
    // Each year on its own framework: the colophon names the revision (the
    // hashes are there when both years share one).
    assert!(!body.contains("sha256") && colophon.contains("（ideology-2022 → ideology-2023）"));
}
