//! `kaohe robust`: properties that hold whatever the draws, and a case
//! whose shares follow by hand from the rescaling formula.

use crate::util::Workdir;
use serde_json::Value;

/// Two items of 50 points; 好 from 50.
const FW: &str = r#"
[framework]
id = "r"
title = "稳健性"
total = 100

[[grade]]
name = "好"
min = 50
[[grade]]
name = "差"
min = 0

[[indicator]]
id = "A"
name = "甲"
points = 50
rule = { type = "direct" }

[[indicator]]
id = "B"
name = "乙"
points = 50
rule = { type = "direct" }
"#;

// Z earns both items (100 whatever the weights); X only A, Y only B, so in a
// draw with factors fA, fB: X = 100·fA/(fA+fB), Y = 100·fB/(fA+fB), both in
// [45, 55] at ±10 %. X is 好 exactly when fA ≥ fB, Y when fB ≥ fA.
const EVIDENCE: &str = "unit,indicator,value\nZ,A,50\nZ,B,50\nX,A,50\nX,B,0\nY,A,0\nY,B,50\n";

fn run(wd: &Workdir, extra: &[&str]) -> Value {
    let mut args = vec!["robust", "-f", "$WD/fw.toml", "--format", "json", "$WD/e.csv"];
    args.extend(extra);
    let out = wd.run(&args);
    out.assert_ok();
    serde_json::from_str(&out.stdout).unwrap()
}

fn setup() -> Workdir {
    let wd = Workdir::new();
    wd.create("fw.toml", FW);
    wd.create("e.csv", EVIDENCE);
    wd
}

fn unit<'a>(doc: &'a Value, id: &str) -> &'a Value {
    doc["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == id)
        .unwrap()
}

fn share(u: &Value, g: &str) -> f64 {
    u["grades"][g].as_f64().unwrap()
}

#[test]
fn without_jitter_every_draw_is_the_nominal_ranking() {
    let wd = setup();
    let doc = run(&wd, &["--jitter", "0", "--draws", "50"]);
    // Nominal: Z 100 (rank 1), X and Y 50 each (tied at rank 2), all 好.
    for (id, rank) in [("Z", 1), ("X", 2), ("Y", 2)] {
        let u = unit(&doc, id);
        assert_eq!(u["rank"], rank, "{id}");
        for k in ["median_rank", "rank_p5", "rank_p95"] {
            assert_eq!(u[k], rank, "{id} {k}");
        }
        assert_eq!(share(u, "好"), 1.0, "{id}");
        assert_eq!(share(u, "差"), 0.0, "{id}");
    }
    // The shipped example too: every unit keeps its rank and grade.
    let out = wd.run(&[
        "robust",
        "-u",
        "examples/units.csv",
        "--period",
        "2023",
        "--jitter",
        "0",
        "--draws",
        "20",
        "--format",
        "json",
        "examples/2023.csv",
    ]);
    out.assert_ok();
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    for u in doc["units"].as_array().unwrap() {
        assert_eq!(u["median_rank"], u["rank"]);
        assert_eq!(u["rank_p5"], u["rank"]);
        assert_eq!(u["rank_p95"], u["rank"]);
        let g = u["grade"].as_str().unwrap();
        assert_eq!(share(u, g), 1.0, "{u}");
    }
}

#[test]
fn shares_follow_the_rescaling() {
    let wd = setup();
    let doc = run(&wd, &["--draws", "200", "--seed", "5"]);
    let (x, y, z) = (unit(&doc, "X"), unit(&doc, "Y"), unit(&doc, "Z"));
    assert_eq!((z["rank_p5"].as_u64(), z["rank_p95"].as_u64()), (Some(1), Some(1)));
    assert_eq!(share(z, "好"), 1.0);
    // X and Y share ranks 2 and 3 between them.
    for u in [x, y] {
        assert_eq!(u["rank_p5"], 2);
        assert_eq!(u["rank_p95"], 3);
    }
    // Every draw makes X or Y 好 (both only when fA = fB), and by symmetry
    // neither does it in nearly every draw.
    let sum = share(x, "好") + share(y, "好");
    assert!((1.0..=1.01).contains(&sum), "{sum}");
    for u in [x, y] {
        assert!((0.3..=0.7).contains(&share(u, "好")), "{u}");
    }
}

#[test]
fn same_seed_same_bytes_and_sound_intervals() {
    let wd = Workdir::new();
    let args = [
        "robust",
        "-u",
        "examples/units.csv",
        "--period",
        "2023",
        "--draws",
        "200",
        "--jitter",
        "25%",
        "--format",
        "json",
        "examples/2023.csv",
    ];
    let a = wd.run(&args);
    a.assert_ok();
    assert_eq!(a.stdout, wd.run(&args).stdout);
    let mut other = args.to_vec();
    other.extend(["--seed", "2"]);
    assert_ne!(a.stdout, wd.run(&other).stdout, "another seed, other draws");
    let doc: Value = serde_json::from_str(&a.stdout).unwrap();
    for u in doc["units"].as_array().unwrap() {
        let (p5, m, p95) = (
            u["rank_p5"].as_u64().unwrap(),
            u["median_rank"].as_u64().unwrap(),
            u["rank_p95"].as_u64().unwrap(),
        );
        assert!(p5 <= m && m <= p95, "{u}");
        // 200 draws: every share is a multiple of 1/200, written exactly.
        let total: f64 = u["grades"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "{u}");
    }
    // The HTML report draws one interval per unit.
    wd.run(&[
        "robust",
        "-u",
        "examples/units.csv",
        "--period",
        "2023",
        "--draws",
        "50",
        "-o",
        "$WD/r.html",
        "examples/2023.csv",
    ])
    .assert_ok();
    let html = wd.read("r.html");
    assert_eq!(html.matches("<circle").count(), 15);
}

#[test]
fn bad_jitter_is_a_usage_error() {
    let wd = setup();
    wd.run(&["robust", "-f", "$WD/fw.toml", "--jitter", "120%", "$WD/e.csv"]).assert_usage_error(
        "error: invalid value '120%' for '--jitter <SHARE>': \"120%\" is not a jitter: a share from 0 up to (not including) 100 %, e.g. 10% or 0.1, to a millionth at most",
    );
}
