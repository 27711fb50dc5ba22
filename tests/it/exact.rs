//! Exact evidence values, at any number of places: hand-computed amounts
//! at rounding boundaries, where cutting a value to a fixed number of
//! places would round the other way. Each input runs as UTF-8 CSV (checked
//! to be taken by `kaohe::engine::bulk::write_json`) and as the same file
//! in GBK.

use crate::util::Workdir;

/// `score --format json` of `csv` against the framework `toml`, as UTF-8
/// and as GBK; the amounts of indicator `ind` per unit, as the JSON writes them.
fn amounts_in_utf8_and_gbk(toml: &str, csv: &str, ind: usize) -> Vec<Vec<(String, String)>> {
    let wd = Workdir::new();
    let fw = wd.create("fw.toml", toml);
    let utf8 = wd.create("e.csv", csv);
    let gbk = wd.create_bytes("e-gbk.csv", &encoding_rs::GBK.encode(csv).0);
    let framework = kaohe::model::framework::Framework::parse(toml, "fw.toml").unwrap();
    assert!(
        matches!(
            kaohe::engine::bulk::write_json(&framework, None, std::slice::from_ref(&utf8), None, &mut Vec::new()),
            Some(Ok(()))
        ),
        "the bulk path takes the UTF-8 file"
    );
    let f = fw.to_str().unwrap();
    let mut all = Vec::new();
    for path in [&utf8, &gbk] {
        let args = ["score", "--format", "json", "-f", f, path.to_str().unwrap()];
        let out = wd.run(&args);
        out.assert_ok();
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let mut got: Vec<(String, String)> = json["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| {
                (
                    u["unit"].as_str().unwrap().to_string(),
                    u["indicators"][ind]["amount"].to_string(),
                )
            })
            .collect();
        got.sort();
        all.push(got);
    }
    all
}

#[track_caller]
fn check(toml: &str, cases: &[(&str, &str, &str)], key: &str, ind: usize) {
    let mut csv = String::from("unit,indicator,value,note\n");
    for (u, v, _) in cases {
        csv.push_str(&format!("{u},{key},{v},说明\n"));
    }
    let mut want: Vec<(String, String)> = cases.iter().map(|(u, _, a)| (u.to_string(), a.to_string())).collect();
    want.sort();
    for (path, got) in ["UTF-8", "GBK"].iter().zip(amounts_in_utf8_and_gbk(toml, &csv, ind)) {
        assert_eq!(got, want, "{path}");
    }
}

const HEAD: &str = "[framework]\nid = \"b\"\ntitle = \"b\"\ntotal = 3\n[[grade]]\nname = \"好\"\nmin = 0\n";

/// `target = 100` without `per` on 3 points (B2 of the provincial
/// framework); `fractions = true`, as 0.1666… below is meant as written.
#[test]
fn pro_rata_targets_round_the_exact_value() {
    let toml = format!(
        "{HEAD}[[indicator]]\nid = \"B2\"\nname = \"达标率\"\npoints = 3\nrule = {{ type = \"target\", target = 100 }}\nfractions = true\n"
    );
    // 3 × v / 100; the boundary between 2.63 and 2.64 is v = 263.5 / 3 =
    // 87.8333… (no terminating decimal: any number of places matters).
    check(
        &toml,
        &[
            // 3 × 87.83333333333334 / 100 = 2.6350000000000002 → 2.64
            // (cut to 10 places, 87.8333333333 gave 2.63)
            ("U1", "87.83333333333334", "2.64"),
            // 3 × 87.8333…3 (38 threes) / 100 = 2.63499…99 → 2.63
            ("U2", "87.83333333333333333333333333333333333333", "2.63"),
            // 3 × 87.8333…34 (40 places) / 100 = 2.635000…002 → 2.64
            ("U3", "87.8333333333333333333333333333333333333334", "2.64"),
            // boundary 0.005 at v = 0.5 / 3 = 0.1666…:
            // 3 × 0.1666…67 (38 places) / 100 = 0.005000…01 → 0.01
            ("U4", "0.16666666666666666666666666666666666667", "0.01"),
            // 3 × 0.1666…66 / 100 = 0.004999…98 → 0.00
            ("U5", "0.16666666666666666666666666666666666666", "0.00"),
        ],
        "B2",
        0,
    );
}

/// `target = 2, per = 0.3` on 3 points: 3 − 0.3 × (2 − v).
#[test]
fn targets_with_per_round_the_exact_value() {
    let toml = format!(
        "{HEAD}[[indicator]]\nid = \"T\"\nname = \"次数\"\npoints = 3\nrule = {{ type = \"target\", target = 2, per = 0.3 }}\n"
    );
    // The boundary 2.995 lies where 0.3 × (2 − v) = 0.005: v = 2 − 1/60 = 1.98333…
    check(
        &toml,
        &[
            // 2 − 1.98333…34 = 0.01666…66 < 1/60; × 0.3 = 0.004999…998;
            // 3 − that = 2.995000…002 → 3.00
            ("U1", "1.9833333333333333333333333333333333333334", "3.00"),
            // 2 − 1.98333…33 = 0.01666…67 > 1/60; × 0.3 = 0.005000…001;
            // 3 − that = 2.994999…999 → 2.99
            ("U2", "1.9833333333333333333333333333333333333333", "2.99"),
            // at or above the target: all 3 points
            ("U3", "2.0000000000000000000000000000000000000001", "3.00"),
        ],
        "T",
        0,
    );
}

/// `direct`: the value is the amount, rounded once.
#[test]
fn direct_amounts_round_the_exact_value() {
    let toml =
        format!("{HEAD}[[indicator]]\nid = \"D\"\nname = \"酌情\"\npoints = 3\nrule = {{ type = \"direct\" }}\n");
    check(
        &toml,
        &[
            ("U1", "2.005", "2.01"),
            // 2.00499…9 (38 places) < 2.005 → 2.00
            ("U2", "2.00499999999999999999999999999999999999", "2.00"),
            // 2.005000…01 > 2.005 → 2.01
            ("U3", "2.0050000000000000000000000000000000001", "2.01"),
        ],
        "D",
        0,
    );
}

/// Tiers compare the whole value with each threshold.
#[test]
fn tiers_compare_the_exact_value() {
    let toml = format!(
        "{HEAD}[[indicator]]\nid = \"R\"\nname = \"比例\"\npoints = 3\nrule = {{ type = \"tiers\", tiers = [[95, 3], [80, 2]] }}\n"
    );
    check(
        &toml,
        &[
            // 95 − 10^-38: under 95, so the lower tier
            ("U1", "94.99999999999999999999999999999999999999", "2.00"),
            ("U2", "95.00000000000000000000000000000000000000", "3.00"),
            // 80 − 10^-33: under both tiers
            ("U3", "79.999999999999999999999999999999999", "0.00"),
        ],
        "R",
        0,
    );
}

/// A count must be whole however far out its fraction is; a veto fires on
/// any value above 0, however small.
#[test]
fn counts_and_vetoes_see_every_place() {
    let wd = Workdir::new();
    let toml = format!(
        "{HEAD}[[indicator]]\nid = \"C\"\nname = \"次数\"\npoints = 3\nrule = {{ type = \"deduct\", per = 1 }}\n\
         [[indicator]]\nid = \"V\"\nname = \"否决\"\nkind = \"veto\"\n"
    );
    let fw = wd.create("fw.toml", &toml);
    let f = fw.to_str().unwrap();
    let bad = wd.create(
        "bad.csv",
        "unit,indicator,value\nU1,C,1.00000000000000000000000000000000000001\n",
    );
    let out = wd.run(&["score", "-f", f, bad.to_str().unwrap()]);
    out.assert_input_errors(&[
            "error: $WD/bad.csv:2: column \"value\": unit U1, indicator C: count 1.00000000000000000000000000000000000001 is not a whole number",
        ]);
    let csv = "unit,indicator,value,note\nU1,C,1,说明\nU1,V,0.00000000000000000000000000000000000001,说明\nU2,C,2,说明\nU2,V,0.0000,说明\n";
    let utf8 = wd.create("e.csv", csv);
    let gbk = wd.create_bytes("e-gbk.csv", &encoding_rs::GBK.encode(csv).0);
    for path in [&utf8, &gbk] {
        let out = wd.run(&["score", "--format", "json", "-f", f, path.to_str().unwrap()]);
        out.assert_ok();
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        // U1: 3 − 1 = 2 but vetoed, so ranked after U2 (3 − 2 = 1).
        let got: Vec<(String, String)> = json["units"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| (u["unit"].as_str().unwrap().to_string(), u["veto"].to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("U2".to_string(), "[]".to_string()),
                ("U1".to_string(), "[\"V\"]".to_string())
            ],
            "{path:?}"
        );
    }
}
