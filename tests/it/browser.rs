//! The example report in a real browser: headless Chromium loads it, its
//! DOM must hold every unit and both charts, and its screenshot must show
//! something. Ignored by default (it needs Chromium); `.ci/run` installs
//! Debian's chromium and runs it with `cargo test --test it browser --
//! --ignored`. Set KAOHE_CHROMIUM to use another browser binary, and
//! KAOHE_SCREENSHOT to keep the screenshot at that path.

use crate::util::Workdir;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> PathBuf {
    if let Some(p) = std::env::var_os("KAOHE_CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return p;
            }
        }
    }
    panic!("no Chromium found: install Debian's chromium (.ci/run does) or set KAOHE_CHROMIUM");
}

/// Run headless Chromium on a page with these extra flags; stdout.
fn headless(page: &Path, extra: &[String]) -> Vec<u8> {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut v).unwrap();
        v
    });
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "chromium failed: {status}");
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish in 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

#[test]
#[ignore = "needs Chromium; .ci/run runs it"]
fn the_example_report_renders_in_chromium() {
    let wd = Workdir::new();
    let page = wd.path("report.html");
    wd.run(&[
        "score",
        "--lang",
        "zh",
        "-u",
        "examples/units.csv",
        "--period",
        "2023",
        "examples/2023.csv",
        "-o",
        page.to_str().unwrap(),
    ])
    .assert_ok();

    let dom = String::from_utf8(headless(&page, &["--dump-dom".to_string()])).unwrap();
    let units = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/units.csv")).unwrap();
    for line in units.lines().skip(1) {
        let name = line.split(',').nth(1).unwrap();
        assert!(dom.contains(name), "{name} is not in the rendered page");
    }
    assert_eq!(dom.matches("<svg ").count(), 2, "the bar chart and the heat map");
    assert!(
        dom.matches("<rect ").count() >= 15 + 15 * 6,
        "a bar per unit, a cell per unit and group"
    );
    assert!(dom.contains("全省意识形态工作责任制考核评价指标体系"));

    let shot = wd.path("report.png");
    headless(
        &page,
        &[
            "--window-size=1200,1800".to_string(),
            format!("--screenshot={}", shot.display()),
        ],
    );
    if let Some(keep) = std::env::var_os("KAOHE_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1200, 1800));
    let px = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(px).collect();
    let mut colours: Vec<[u8; 3]> = pixels.iter().map(|p| [p[0], p[1], p[2]]).collect();
    let white = colours.iter().filter(|c| c.iter().all(|&v| v >= 250)).count();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 64,
        "the screenshot has {} colours: blank?",
        colours.len()
    );
    let ink = 1.0 - white as f64 / pixels.len() as f64;
    assert!(
        (0.03..0.9).contains(&ink),
        "{:.1}% of the screenshot is not white",
        ink * 100.0
    );
}

/// pdftotext (poppler-utils), which `.ci/run` installs with Chromium.
fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext (poppler-utils)");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap()
}

/// The documents meant to be printed and sent: the rectification list, its
/// summary and one unit's explanation, loaded in Chromium and printed to
/// PDF, which must number its pages (第 n 页，共 N 页) and carry the issuer.
#[test]
#[ignore = "needs Chromium and pdftotext; .ci/run runs it"]
fn the_circulated_documents_print_with_page_numbers() {
    let wd = Workdir::new();
    let common = [
        "--lang",
        "zh",
        "-u",
        "examples/units.csv",
        "--period",
        "2023",
        "--issuer",
        "某市考核办",
        "--date",
        "2024-01-05",
        "examples/2023.csv",
    ];
    let pages: [(&str, &[&str], &str); 3] = [
        ("deficiencies.html", &["deficiencies"], "未启动"),
        ("summary.html", &["deficiencies", "--summary"], "整改情况汇总"),
        ("explain.html", &["explain", "T01"], "得分明细"),
    ];
    for (file, command, text) in pages {
        let page = wd.path(file);
        let mut args = command.to_vec();
        args.extend_from_slice(&common);
        args.extend(["-o", page.to_str().unwrap()]);
        wd.run(&args).assert_ok();
        let dom = String::from_utf8(headless(&page, &["--dump-dom".to_string()])).unwrap();
        assert!(
            dom.contains(text) && dom.contains("某市考核办 · 2024年1月5日"),
            "{file}"
        );
        let pdf = wd.path(&format!("{file}.pdf"));
        headless(
            &page,
            &[
                "--no-pdf-header-footer".to_string(),
                format!("--print-to-pdf={}", pdf.display()),
            ],
        );
        let text = pdf_text(&pdf);
        // pdftotext ends every page with a form feed.
        let printed: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
        let n = printed.len();
        assert!(n >= 1, "{file}: no pages");
        for (i, p) in printed.iter().enumerate() {
            let number = format!("第 {} 页，共 {n} 页", i + 1);
            assert!(p.contains(&number), "{file}: page {} lacks “{number}”:\n{p}", i + 1);
        }
    }
}
