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
    let out = wd.run(&["explain", "T01", "--format", "html", "examples/2023.csv"]);
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (
            2,
            "error: explain cannot be written as html: use table, csv, json or md\n"
        )
    );
    let out = wd.run(&["deficiencies", "--summary", "--format", "html", "examples/2023.csv"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
}
