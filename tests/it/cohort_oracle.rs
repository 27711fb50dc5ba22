//! The cohort, category and rater rules (docs/framework.md, "Categories and cohorts", "Several raters") against a
//! reference written from the rules as documented alone: random small assessments — ties,
//! values equal to the mean, units without a value, vetoed units,
//! categories with their own targets, items for one category only, one to
//! six raters with mean, median or trimming below and above `min_raters` —
//! scored by kaohe (its JSON result) and by the exact
//! fractions below, item by item.

use crate::reference::Q;
use crate::util::Workdir;
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

/// A unit of a generated case.
struct Unit {
    id: String,
    category: &'static str,
    /// Per item (R1…R5), the value written, or none (no row).
    values: Vec<Option<String>>,
    vetoed: bool,
    /// R6: each rater's value.
    rated: Vec<&'static str>,
}

/// The parameters drawn for one case.
struct Params {
    /// R1 rank_points: amounts per rank, rest, ascending order, within category.
    rank: (Vec<i64>, i64, bool, bool),
    /// R2 relative: within category.
    relative_within: bool,
    /// R3 vs_mean: above, equal, below, within category.
    mean: (i64, i64, i64, bool),
    /// R4 target: the rule's target and per, and 乙's own target.
    target: (i64, i64, i64),
    /// R6 raters: 0 mean, 1 median, 2 trimmed (drop 1, at least 4 raters).
    raters: u64,
}

/// R1–R5 are 10 points each; R5 (check) concerns 甲 only.
const P: i64 = 10;

fn below(rng: &mut ChaCha8Rng, n: u64) -> u64 {
    rng.next_u64() % n
}

fn framework(p: &Params) -> String {
    let within = |w: bool| if w { ", within = \"category\"" } else { "" };
    let (points, rest, asc, w1) = &p.rank;
    let list: Vec<String> = points.iter().map(i64::to_string).collect();
    let (above, equal, below, w3) = p.mean;
    let (target, per, other) = p.target;
    format!(
        r#"[framework]
id = "co"
title = "横向比较"
total = 60

[[grade]]
name = "好"
min = 40
[[grade]]
name = "差"
min = 0

[[indicator]]
id = "R1"
name = "排名赋分"
points = {P}
rule = {{ type = "rank_points", points = [{}], rest = {rest}, order = "{}"{} }}

[[indicator]]
id = "R2"
name = "按比例"
points = {P}
rule = {{ type = "relative"{} }}

[[indicator]]
id = "R3"
name = "与平均比"
points = {P}
rule = {{ type = "vs_mean", above = {above}, equal = {equal}, below = {below}{} }}

[[indicator]]
id = "R4"
name = "分类目标"
points = {P}
rule = {{ type = "target", target = {target}, per = {per}, by_category = {{ "乙" = {{ target = {other} }} }} }}

[[indicator]]
id = "R5"
name = "只考核甲类"
points = {P}
applies_to = ["甲"]
rule = {{ type = "check" }}

[[indicator]]
id = "R6"
name = "评委打分"
points = {P}
raters = {}
rule = {{ type = "direct" }}

[[indicator]]
id = "V1"
name = "否决"
kind = "veto"
"#,
        list.join(", "),
        if *asc { "asc" } else { "desc" },
        within(*w1),
        within(p.relative_within),
        within(w3),
        ["\"mean\"", "\"median\"", "{ drop = 1, min_raters = 4 }"][p.raters as usize],
    )
}

fn generate(seed: u64) -> (Params, Vec<Unit>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = 3 + below(&mut rng, 10) as usize;
    let len = 1 + below(&mut rng, 4) as usize;
    let params = Params {
        rank: (
            (0..len).map(|_| below(&mut rng, (P + 1) as u64) as i64).collect(),
            below(&mut rng, 4) as i64,
            below(&mut rng, 2) == 0,
            below(&mut rng, 2) == 0,
        ),
        relative_within: below(&mut rng, 2) == 0,
        mean: (
            below(&mut rng, (P + 1) as u64) as i64,
            below(&mut rng, (P + 1) as u64) as i64,
            below(&mut rng, (P + 1) as u64) as i64,
            below(&mut rng, 2) == 0,
        ),
        target: (
            2 + below(&mut rng, 8) as i64,
            1 + below(&mut rng, 4) as i64,
            1 + below(&mut rng, 5) as i64,
        ),
        raters: below(&mut rng, 3),
    };
    // Few distinct values, so ties and values equal to a mean are common.
    let pool = ["0", "1", "2", "2", "3", "4", "4.5", "6", "7.25", "9"];
    let units = (0..n)
        .map(|u| {
            // Both categories always present: the framework names both.
            let category = match u {
                0 => "甲",
                1 => "乙",
                _ if below(&mut rng, 2) == 0 => "甲",
                _ => "乙",
            };
            let values = (0..5)
                .map(|item| {
                    if below(&mut rng, 8) == 0 {
                        return None; // no row: missing, out of the cohort
                    }
                    Some(match item {
                        4 => ["是", "否"][below(&mut rng, 2) as usize].to_string(),
                        3 => below(&mut rng, 9).to_string(),
                        _ => pool[below(&mut rng, pool.len() as u64) as usize].to_string(),
                    })
                })
                .map(|v| if item_outside(category, &v) { None } else { v })
                .collect::<Vec<_>>();
            Unit {
                id: format!("U{u:02}"),
                category,
                values,
                vetoed: below(&mut rng, 6) == 0,
                rated: (0..below(&mut rng, 7))
                    .map(|_| ["6", "7", "7.5", "8", "8", "9", "10", "5.25", "0"][below(&mut rng, 9) as usize])
                    .collect(),
            }
        })
        .collect::<Vec<_>>();
    (params, units)
}

/// R5 takes no evidence from 乙 units (it would be an error): their value
/// is dropped when generated. Called per value with its unit's category;
/// only R5's values are yes/no words.
fn item_outside(category: &str, v: &Option<String>) -> bool {
    category == "乙" && matches!(v.as_deref(), Some("是" | "否"))
}

/// Competition rank of `v` among `scope` (1 + the number strictly better).
fn rank(scope: &[Q], v: &Q, asc: bool) -> usize {
    1 + scope.iter().filter(|w| if asc { *w < v } else { *w > v }).count()
}

/// Each unit's amount per item (R1–R5; `None` for 不适用), by the documented rules.
fn reference(p: &Params, units: &[Unit]) -> Vec<Vec<Option<Q>>> {
    let pts = Q::int(P);
    let value = |u: &Unit, i: usize| u.values[i].as_deref().map(Q::dec);
    // The scope of unit u for item i: the values of the units with one,
    // in u's category when the rule compares within it.
    let scope = |u: &Unit, i: usize, within: bool| -> Vec<Q> {
        units
            .iter()
            .filter(|o| !within || o.category == u.category)
            .filter_map(|o| value(o, i))
            .collect()
    };
    let clamp = |q: Q| q.greater(&Q::zero()).lesser(&pts).round2();
    units
        .iter()
        .map(|u| {
            let mut out = Vec::new();
            // R1 rank_points.
            let (points, rest, asc, w) = &p.rank;
            out.push(Some(match value(u, 0) {
                None => Q::zero(),
                Some(v) => {
                    let r = rank(&scope(u, 0, *w), &v, *asc);
                    clamp(Q::int(*points.get(r - 1).unwrap_or(rest)))
                }
            }));
            // R2 relative: P × v / max, 0 when the max is 0.
            out.push(Some(match value(u, 1) {
                None => Q::zero(),
                Some(v) => {
                    let s = scope(u, 1, p.relative_within);
                    let max = s.iter().fold(Q::zero(), |m, x| m.greater(x));
                    if max.is_zero() {
                        Q::zero()
                    } else {
                        clamp(pts.mul(&v).div(&max))
                    }
                }
            }));
            // R3 vs_mean: the exact mean of the scope.
            let (above, equal, below, w3) = p.mean;
            out.push(Some(match value(u, 2) {
                None => Q::zero(),
                Some(v) => {
                    let s = scope(u, 2, w3);
                    let sum = s.iter().fold(Q::zero(), |a, x| a.add(x));
                    let mean = sum.div(&Q::int(s.len() as i64));
                    clamp(Q::int(match v.cmp(&mean) {
                        std::cmp::Ordering::Greater => above,
                        std::cmp::Ordering::Equal => equal,
                        std::cmp::Ordering::Less => below,
                    }))
                }
            }));
            // R4 target with per, 乙's own target.
            let (target, per, other) = p.target;
            let t = if u.category == "乙" { other } else { target };
            out.push(Some(match value(u, 3) {
                None => Q::zero(),
                Some(v) => {
                    let short = Q::int(t).sub(&v).greater(&Q::zero());
                    clamp(pts.sub(&Q::int(per).mul(&short)))
                }
            }));
            // R6: each rater's amount (the value, a direct rule), then the
            // mean, the median, or with at least 4 raters the mean without
            // the highest and the lowest; rounded once. None rated: missing.
            let mut each: Vec<Q> = u.rated.iter().map(|v| Q::dec(v)).collect();
            each.sort();
            let mean = |xs: &[Q]| xs.iter().fold(Q::zero(), |a, x| a.add(x)).div(&Q::int(xs.len() as i64));
            let r6 = match (each.len(), p.raters) {
                (0, _) => Q::zero(),
                (_, 0) => mean(&each),
                (n, 1) if n % 2 == 1 => each[n / 2].clone(),
                (n, 1) => each[n / 2 - 1].add(&each[n / 2]).div(&Q::int(2)),
                (n, _) if n >= 4 => mean(&each[1..n - 1]),
                _ => mean(&each),
            };
            // R5 check, 甲 only.
            out.push(if u.category == "甲" {
                Some(match u.values[4].as_deref() {
                    Some("是") => pts.clone(),
                    _ => Q::zero(),
                })
            } else {
                None
            });
            out.push(Some(r6.round2()));
            out
        })
        .collect()
}

#[test]
fn cohort_category_and_rater_rules_score_as_the_reference_says() {
    let wd = Workdir::new();
    let mut compared = 0;
    for seed in 0..60 {
        let (params, units) = generate(seed);
        wd.create("fw.toml", &framework(&params));
        let mut units_csv = String::from("unit,name,category\n");
        let mut evidence = String::from("unit,indicator,评分人,value\n");
        for u in &units {
            units_csv.push_str(&format!("{},{}单位,{}\n", u.id, u.id, u.category));
            for (i, v) in u.values.iter().enumerate() {
                if let Some(v) = v {
                    evidence.push_str(&format!("{},R{},,{v}\n", u.id, i + 1));
                }
            }
            for (k, v) in u.rated.iter().enumerate() {
                evidence.push_str(&format!("{},R6,评委{k},{v}\n", u.id));
            }
            evidence.push_str(&format!("{},V1,,{}\n", u.id, if u.vetoed { "是" } else { "否" }));
        }
        wd.create("units.csv", &units_csv);
        wd.create("e.csv", &evidence);
        let out = wd.run(&[
            "score",
            "--format",
            "json",
            "-f",
            "$WD/fw.toml",
            "-u",
            "$WD/units.csv",
            "$WD/e.csv",
        ]);
        assert_eq!(out.code, 0, "seed {seed}: {}\n{evidence}", out.stderr);
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        let want = reference(&params, &units);
        for (u, w) in units.iter().zip(&want) {
            let got = doc["units"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["unit"] == u.id.as_str())
                .unwrap_or_else(|| panic!("seed {seed}: {} not in the result", u.id));
            for (i, amount) in w.iter().enumerate() {
                let r = &got["indicators"][i];
                assert_eq!(r["id"], format!("R{}", i + 1));
                let shown = match &r["amount"] {
                    serde_json::Value::Null => None,
                    x => Some(Q::dec(&x.to_string())),
                };
                assert_eq!(
                    shown,
                    amount.clone(),
                    "seed {seed}: {} R{} ({:?}, {})\n{}\n{evidence}",
                    u.id,
                    i + 1,
                    u.values.get(i),
                    u.category,
                    framework(&params)
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 1500, "{compared} amounts compared");
}
