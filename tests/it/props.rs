//! Invariants of scoring and ranking, over random evidence for a fixed
//! framework with every rule type (tests/fixtures/every-rule.toml).
//!
//! These call the library directly: thousands of assessments in seconds,
//! where driving the binary would take minutes.

use kaohe::base::num::fmt2;
use kaohe::engine::score::{Assessment, Outcome};
use kaohe::model::framework::{Framework, Kind};
use kaohe::reading::input::read_csv_bytes;
use kaohe::reading::units::Units;
use proptest::prelude::*;
use rust_decimal::Decimal;

const FW: &[u8] = include_bytes!("../fixtures/every-rule.toml");

fn framework() -> Framework {
    Framework::from_bytes(FW, "every-rule.toml").expect("fixture framework")
}

/// The evidence slots of the framework, in order.
const SLOTS: [&str; 15] = [
    "A1", "A2", "A3", "A4", "A5", "B1", "B2", "B3", "B4/a", "B4/b", "B5", "J1", "J2", "K1", "V1",
];

fn count() -> BoxedStrategy<String> {
    prop_oneof![
        (0u32..12).prop_map(|n| n.to_string()),
        Just("０".to_string()),
        Just("-0".to_string()),
        Just("1000000000000".to_string()),
    ]
    .boxed()
}

fn quantity(max: u32) -> BoxedStrategy<String> {
    prop_oneof![
        // A fraction on a rate above 1 is refused unless written with `%`.
        (0..=max * 100).prop_map(|n| format!(
            "{}.{:02}{}",
            n / 100,
            n % 100,
            if (1..100).contains(&n) { "%" } else { "" }
        )),
        (0..=max).prop_map(|n| format!("{n}%")),
        (0..=max).prop_map(|n| format!(" {n} ")),
    ]
    .boxed()
}

fn yes_no() -> BoxedStrategy<String> {
    prop::sample::select(vec!["是", "否", "yes", "no", "1", "0", "√", "×", "有", "无"])
        .prop_map(str::to_string)
        .boxed()
}

/// A valid value for a slot.
fn value(slot: &str) -> BoxedStrategy<String> {
    match slot {
        "A1" | "J2" => yes_no(),
        "A2" | "A3" | "B4/a" | "B4/b" | "J1" | "K1" => count(),
        "A4" => prop_oneof![4 => quantity(6), 1 => Just("不适用".to_string())].boxed(),
        "A5" => quantity(150),
        "B1" => quantity(100),
        "B2" => prop::sample::select(vec!["好", "较好", "一般", "差"])
            .prop_map(str::to_string)
            .boxed(),
        "B3" => (0u32..=300).prop_map(|n| format!("{}.{:02}", n / 100, n % 100)).boxed(),
        "B5" => prop::collection::vec(0u32..25, 4)
            .prop_map(|v| v.iter().map(u32::to_string).collect::<Vec<_>>().join("/"))
            .boxed(),
        "V1" => {
            prop_oneof![6 => Just("否".to_string()), 1 => Just("是".to_string()), 1 => Just("2".to_string())].boxed()
        }
        other => unreachable!("{other}"),
    }
}

/// One unit's evidence: a value (or none) per slot.
fn unit_evidence() -> impl Strategy<Value = Vec<Option<String>>> {
    SLOTS
        .iter()
        .map(|s| proptest::option::weighted(0.8, value(s)))
        .collect::<Vec<_>>()
}

/// Units U0, U1, … each with a category and its evidence.
fn units() -> impl Strategy<Value = Vec<(bool, Vec<Option<String>>)>> {
    prop::collection::vec((any::<bool>(), unit_evidence()), 1..7)
}

type Data = Vec<(bool, Vec<Option<String>>)>;

/// Long-format rows `unit,indicator,value`, without the header.
fn long_rows(data: &Data) -> Vec<String> {
    let mut rows = Vec::new();
    for (u, (_, values)) in data.iter().enumerate() {
        for (slot, v) in SLOTS.iter().zip(values) {
            if let Some(v) = v {
                rows.push(format!("U{u},{slot},\"{v}\""));
            }
        }
    }
    rows
}

fn wide_text(data: &Data) -> String {
    let mut text = format!("unit,{}\n", SLOTS.join(","));
    for (u, (_, values)) in data.iter().enumerate() {
        text.push_str(&format!("U{u}"));
        for v in values {
            text.push_str(&format!(",\"{}\"", v.as_deref().unwrap_or("")));
        }
        text.push('\n');
    }
    text
}

fn units_file(data: &Data) -> Units {
    let mut text = String::from("unit,category\n");
    for (u, (cat, _)) in data.iter().enumerate() {
        text.push_str(&format!("U{u},{}\n", if *cat { "乡镇" } else { "部门" }));
    }
    Units::from_sheet(read_csv_bytes("u.csv", text.as_bytes()).unwrap()).unwrap()
}

/// A small deterministic shuffle (the seed comes from proptest).
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        items.swap(i, (seed % (i as u64 + 1)) as usize);
    }
}

fn assess_files(fw: &Framework, units: &Units, files: &[String]) -> Assessment {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<std::path::PathBuf> = (files.iter().enumerate())
        .map(|(i, text)| {
            let path = dir.path().join(format!("e{i}.csv"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    crate::util::assess(fw, Some(units), &paths, None).unwrap()
}

fn assess_long(fw: &Framework, data: &Data) -> Assessment {
    let text = format!("unit,indicator,value\n{}\n", long_rows(data).join("\n"));
    assess_files(fw, &units_file(data), &[text])
}

/// Everything a result says about the units, but not where the evidence
/// came from (file and line differ when rows move).
fn results(a: &Assessment) -> Vec<String> {
    a.units
        .iter()
        .map(|u| {
            let indicators: Vec<_> = u
                .indicators
                .iter()
                .map(|r| (&r.outcome, r.status, &r.value, &r.note))
                .collect();
            format!(
                "{} rank {} cat {:?} {:?} grade {} groups {:?} {:?} {:?}",
                u.unit, u.rank, u.category_rank, u.totals, u.grade, u.groups, indicators, u.deficiencies
            )
        })
        .collect()
}

fn score_of(a: &Assessment, unit: &str) -> Decimal {
    a.units.iter().find(|u| u.unit == unit).unwrap().totals.score
}

/// `data` with unit 0's slot changed by `f`, when it holds a plain number.
fn bumped(data: &Data, slot: &str, f: impl Fn(Decimal) -> Decimal) -> Option<Data> {
    let i = SLOTS.iter().position(|s| *s == slot).unwrap();
    let raw = data[0].1[i].as_deref()?;
    let n = kaohe::base::num::parse_number(raw).ok()?;
    let changed = f(n);
    if changed > Decimal::from(kaohe::base::num::MAX_VALUE) {
        return None;
    }
    let mut out = data.clone();
    out[0].1[i] = Some(changed.normalize().to_string());
    Some(out)
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn amounts_and_scores_stay_within_bounds(data in units()) {
        let fw = framework();
        let a = assess_long(&fw, &data);
        let cap = fw.bonus_cap.unwrap();
        for u in &a.units {
            for r in &u.indicators {
                let ind = &fw.indicators[r.index];
                if let Outcome::Amount(x) = r.outcome {
                    prop_assert!(x >= Decimal::ZERO && x <= ind.points, "{} {x}", ind.id);
                }
                prop_assert_eq!(ind.kind == Kind::Veto, matches!(r.outcome, Outcome::Triggered | Outcome::Clear));
            }
            let t = &u.totals;
            prop_assert!(t.score >= Decimal::ZERO && t.score <= fw.total + cap, "{t:?}");
            prop_assert!(t.base <= fw.total && t.bonus <= cap && t.penalty <= fw.penalty_cap.unwrap());
            prop_assert_eq!(t.score.scale(), 2);
        }
    }

    #[test]
    fn ranks_are_a_valid_shared_ranking_with_vetoed_units_last(data in units()) {
        let fw = framework();
        let a = assess_long(&fw, &data);
        prop_assert_eq!(a.units.len(), data.len());
        let key = |u: &kaohe::engine::score::UnitResult| (!u.totals.veto.is_empty(), std::cmp::Reverse(u.totals.score));
        for (i, u) in a.units.iter().enumerate() {
            // Rank = 1 + the number of units strictly ahead.
            let ahead = a.units.iter().filter(|v| key(v) < key(u)).count();
            prop_assert_eq!(u.rank, ahead + 1);
            if i > 0 {
                let p = &a.units[i - 1];
                prop_assert!((key(p), &p.unit) < (key(u), &u.unit), "rank order");
            }
            if !u.totals.veto.is_empty() {
                prop_assert_eq!(u.grade, fw.grades.len() - 1);
            }
            let cat_ahead = a
                .units
                .iter()
                .filter(|v| v.category == u.category && key(v) < key(u))
                .count();
            prop_assert_eq!(u.category_rank, Some(cat_ahead + 1));
        }
    }

    #[test]
    fn permuting_rows_changes_nothing(data in units(), seed in any::<u64>()) {
        let fw = framework();
        let mut rows = long_rows(&data);
        shuffle(&mut rows, seed | 1);
        let text = format!("unit,indicator,value\n{}\n", rows.join("\n"));
        let shuffled = assess_files(&fw, &units_file(&data), &[text]);
        prop_assert_eq!(results(&assess_long(&fw, &data)), results(&shuffled));
    }

    #[test]
    fn splitting_rows_across_files_changes_nothing(data in units(), seed in any::<u64>(), n in 2usize..5) {
        let fw = framework();
        let mut files = vec![String::from("unit,indicator,value\n"); n];
        let mut s = seed | 1;
        for row in long_rows(&data) {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            files[(s % n as u64) as usize].push_str(&format!("{row}\n"));
        }
        // An evidence file needs rows; a file that drew none is left out.
        files.retain(|f| f.lines().count() > 1);
        if files.is_empty() {
            return Ok(());
        }
        let split = assess_files(&fw, &units_file(&data), &files);
        prop_assert_eq!(results(&assess_long(&fw, &data)), results(&split));
    }

    #[test]
    fn long_and_wide_give_the_same_result(data in units()) {
        let fw = framework();
        let wide = assess_files(&fw, &units_file(&data), &[wide_text(&data)]);
        prop_assert_eq!(results(&assess_long(&fw, &data)), results(&wide));
    }

    #[test]
    fn one_more_occurrence_of_a_deduction_never_raises_a_score(data in units(), slot in prop::sample::select(vec!["A2", "B4/a", "B4/b", "K1"])) {
        let fw = framework();
        if let Some(more) = bumped(&data, slot, |n| n + Decimal::ONE) {
            let before = score_of(&assess_long(&fw, &data), "U0");
            let after = score_of(&assess_long(&fw, &more), "U0");
            prop_assert!(after <= before, "{slot}: {before} → {after}");
        }
    }

    #[test]
    fn more_achieved_never_lowers_a_score(data in units(), slot in prop::sample::select(vec!["A3", "A4", "A5", "B1", "J1"]), step in 1u32..40) {
        let fw = framework();
        if let Some(more) = bumped(&data, slot, |n| n + Decimal::from(step)) {
            let before = score_of(&assess_long(&fw, &data), "U0");
            let after = score_of(&assess_long(&fw, &more), "U0");
            prop_assert!(after >= before, "{slot}: {before} → {after}");
        }
    }

    #[test]
    fn json_result_carries_every_number_exactly(data in units()) {
        let fw = framework();
        let a = assess_long(&fw, &data);
        let text = kaohe::render::json::result_text(&fw, &a);
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        let units = doc["units"].as_array().unwrap();
        prop_assert_eq!(units.len(), a.units.len());
        for (j, u) in units.iter().zip(&a.units) {
            prop_assert_eq!(j["unit"].as_str().unwrap(), u.unit.as_str());
            prop_assert_eq!(j["rank"].as_u64().unwrap() as usize, u.rank);
            for (field, value) in [("score", u.totals.score), ("base", u.totals.base), ("bonus", u.totals.bonus), ("penalty", u.totals.penalty)] {
                prop_assert_eq!(j[field].to_string(), fmt2(value), "{}", field);
            }
            for (ji, r) in j["indicators"].as_array().unwrap().iter().zip(&u.indicators) {
                match r.amount() {
                    Some(x) => prop_assert_eq!(ji["amount"].to_string(), fmt2(x)),
                    None => prop_assert!(ji["amount"].is_null()),
                }
            }
        }
    }

    #[test]
    fn a_period_compared_with_itself_shows_no_change(data in units()) {
        let fw = framework();
        let a = assess_long(&fw, &data);
        let p = kaohe::render::json::period_result(&fw, &a, "a.json");
        let c = kaohe::engine::compare::compare(&p, &p);
        prop_assert_eq!(c.summary.compared, a.units.len());
        prop_assert_eq!(c.summary.unchanged, a.units.len());
        prop_assert_eq!((c.summary.resolved, c.summary.new), (0, 0));
        let problems: usize = a.units.iter().map(|u| u.deficiencies.len()).sum();
        prop_assert_eq!(c.summary.persisting, problems);
        for u in &c.units {
            prop_assert_eq!(u.delta, Some(Decimal::ZERO));
            prop_assert_eq!(u.rank_change, Some(0));
        }
    }

    #[test]
    fn score_to_json_to_diff_is_lossless(data in units()) {
        let fw = framework();
        let a = assess_long(&fw, &data);
        let text = kaohe::render::json::result_text(&fw, &a);
        let read = kaohe::reading::result::PeriodResult::parse(&text, "a.json").unwrap();
        let direct = kaohe::render::json::period_result(&fw, &a, "a.json");
        prop_assert_eq!(&read.units, &direct.units);
        prop_assert_eq!(&read.framework, &direct.framework);
        let c = kaohe::engine::compare::compare(&read, &direct);
        prop_assert_eq!(c.summary.unchanged, a.units.len());
    }

}
