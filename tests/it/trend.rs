//! `kaohe trend`: several saved results side by side.

use crate::periods::{json, save, shipped, town};
use crate::util::Workdir;

/// The town fixture over three years; U3 sits out 2023, U4 joins in 2023.
fn three_years(wd: &Workdir) -> Vec<String> {
    let t = town(wd);
    vec![
        save(wd, "r2022.json", &t.fw2022, &t.units2022, "2022", &t.ev2022),
        save(wd, "r2023.json", &t.fw2023, &t.units2023, "2023", &t.ev2023),
        save(wd, "r2024.json", &t.fw2023, &t.units2024, "2024", &t.ev2024),
    ]
}

fn run(wd: &Workdir, results: &[String], extra: &[&str]) -> crate::util::Output {
    let mut args = vec!["trend"];
    args.extend(results.iter().map(String::as_str));
    args.extend_from_slice(extra);
    let out = wd.run(&args);
    out.assert_ok();
    out
}

#[test]
fn shipped_periods_table() {
    let wd = Workdir::new();
    let (a, b) = shipped(&wd);
    insta::assert_snapshot!(run(&wd, &[a, b], &["--lang", "zh"]).stdout);
}

#[test]
fn three_years_with_gaps() {
    let wd = Workdir::new();
    let r = three_years(&wd);
    insta::assert_snapshot!(run(&wd, &r, &["--lang", "en"]).stdout);
}

#[test]
fn three_years_json_and_csv() {
    let wd = Workdir::new();
    let r = three_years(&wd);
    let doc = json(&run(&wd, &r, &["--format", "json"]).stdout);
    assert_eq!(doc["type"], "trend");
    let labels: Vec<&str> = doc["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["2022", "2023", "2024"]);
    let units: Vec<&str> = doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["U1", "U2", "U4", "U3"]);
    let u3 = &doc["units"][3];
    assert!(u3["periods"][1].is_null());
    assert_eq!(u3["periods"][2]["score"].to_string(), "7.00");
    assert_eq!(u3["delta"].to_string(), "-1.00");
    assert_eq!(u3["rank_change"], -3);
    let u4 = &doc["units"][2];
    assert!(u4["periods"][0].is_null() && u4["delta"].is_null());
    assert_eq!(doc["units"][1]["periods"][1]["veto"][0], "V1");

    let csv = run(&wd, &r, &["--lang", "en", "--format", "csv"]).stdout;
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "Unit,Name,Score 2022,Rank 2022,Grade 2022,Score 2023,Rank 2023,Grade 2023,\
         Score 2024,Rank 2024,Grade 2024,Change,Rank ±"
    );
    assert_eq!(lines[1], "U1,城关镇,6.00,3,一般,8.00,2,一般,10.00,1,好,+4.00,+2");
    assert_eq!(lines[4], "U3,青山乡,8.00,1,一般,,,,7.00,4,一般,-1.00,-3");
}

#[test]
fn results_newest_first_are_refused() {
    let wd = Workdir::new();
    let r = three_years(&wd);
    let out = wd.run(&["trend", &r[0], &r[2], &r[1]]);
    out.assert_input_errors(&[&format!(
        "error: {}: period 2023 is listed after the later period 2024 ({}): give the results oldest first",
        r[1], r[2]
    )]);
}

#[test]
fn needs_two_saved_results() {
    let wd = Workdir::new();
    let (a, _) = shipped(&wd);
    let one = wd.run(&["trend", &a]);
    assert_eq!(one.code, 2);
    let csv = wd.run(&["trend", &a, "examples/2023.csv"]);
    assert_eq!(csv.code, 2);
    assert_eq!(
        csv.stderr,
        "error: examples/2023.csv is not a saved result: trend reads .json files written by `kaohe score --format json`\n"
    );
}
