//! Usage errors: exit code 2, a message on stderr, nothing written.

use crate::fixtures::{mini_evidence, mini_row};
use crate::util::Workdir;

fn fixture() -> Workdir {
    let wd = Workdir::mini();
    wd.create("e.csv", &mini_evidence(&[mini_row("U01", &[])]));
    wd
}

#[test]
fn bad_period() {
    let wd = fixture();
    for bad in ["2023Q5", "2023-6", "23", "2023H3"] {
        wd.run(&["score", "--period", bad, "-f", "$WD/mini.toml", "$WD/e.csv"]).assert_usage_error(&format!(
            "error: invalid value '{bad}' for '--period <P>': \"{bad}\" is not a period; use 2023, 2023H1, 2023Q4 or 2023-06 (or 2023年, 2023年上半年, 2023年第四季度, 2023年6月)"
        ));
    }
}

#[test]
fn unknown_format() {
    let wd = fixture();
    let out = wd.run(&["score", "--format", "xml", "-f", "$WD/mini.toml", "$WD/e.csv"]);
    out.assert_usage_error("error: invalid value 'xml' for '--format <FORMAT>'");
    assert!(
        out.stderr
            .contains("[possible values: table, csv, json, md, xlsx, html]"),
        "{}",
        out.stderr
    );
}

#[test]
fn output_extension_must_say_the_format() {
    let wd = fixture();
    for name in ["report.xls", "report", "report.toml"] {
        let path = format!("$WD/{name}");
        wd.run(&["score", "-o", &path, "-f", "$WD/mini.toml", "$WD/e.csv"])
            .assert_usage_error(&format!(
                "error: cannot tell the format from \"$WD/{name}\": use a .csv, .json, .md, .txt, .xlsx or .html name, or --format"
            ));
        assert!(!wd.path(name).exists());
    }
    // --format settles it.
    wd.run(&[
        "score",
        "--format",
        "csv",
        "-o",
        "$WD/report",
        "-f",
        "$WD/mini.toml",
        "$WD/e.csv",
    ])
    .assert_ok();
    // No LANG in the environment: English labels.
    assert!(
        wd.read("report").starts_with("\u{feff}Rank,Unit,"),
        "{}",
        wd.read("report")
    );
}

/// Writing the report over one of the run's inputs is refused, however the
/// path is spelt, and the input is left intact.
#[test]
fn output_over_an_input_is_refused() {
    let wd = fixture();
    wd.create("units.csv", "unit\nU01\n");
    let evidence = wd.read("e.csv");
    let cases = [
        ("$WD/e.csv", "$WD/e.csv"),
        ("$WD/./e.csv", "$WD/e.csv"),
        ("$WD/units.csv", "$WD/units.csv"),
    ];
    for (output, input) in cases {
        wd.run(&[
            "score",
            "--format",
            "csv",
            "-o",
            output,
            "-f",
            "$WD/mini.toml",
            "-u",
            "$WD/units.csv",
            "$WD/e.csv",
        ])
        .assert_usage_error(&format!(
            "error: refusing to write the output over the input file {input}"
        ));
    }
    wd.run(&[
        "score",
        "--format",
        "csv",
        "-o",
        "$WD/mini.toml",
        "-f",
        "$WD/mini.toml",
        "$WD/e.csv",
    ])
    .assert_usage_error("error: refusing to write the output over the input file $WD/mini.toml");
    wd.run(&["explain", "U01", "-o", "$WD/e.csv", "-f", "$WD/mini.toml", "$WD/e.csv"])
        .assert_usage_error("error: refusing to write the output over the input file $WD/e.csv");
    assert_eq!(wd.read("e.csv"), evidence);
    assert_eq!(wd.read("mini.toml"), crate::fixtures::MINI);
}

#[test]
fn missing_arguments_and_unknown_commands() {
    let wd = fixture();
    let out = wd.run(&["score"]);
    out.assert_usage_error("error: the following required arguments were not provided:");
    assert!(out.stderr.contains("<EVIDENCE>..."), "{}", out.stderr);
    wd.run(&["explain", "U01"])
        .assert_usage_error("error: the following required arguments were not provided:");
    wd.run(&["rank"])
        .assert_usage_error("error: unrecognized subcommand 'rank'");
    wd.run(&["score", "--lang", "fr", "$WD/e.csv"])
        .assert_usage_error("error: invalid value 'fr' for '--lang <LANG>'");
    wd.run(&[])
        .assert_usage_error("Score organisational units against a responsibility-system indicator framework (考核)");
}

#[test]
fn help_and_version_succeed() {
    let wd = Workdir::new();
    let help = wd.stdout(&["score", "--help"]);
    assert!(help.contains("--period <P>"), "{help}");
    let version = wd.stdout(&["--version"]);
    assert_eq!(version, format!("kaohe {}\n", env!("CARGO_PKG_VERSION")));
}
