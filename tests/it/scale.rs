//! The engine (`kaohe::engine::bulk`) against itself and against the
//! detailed reader: its ways of giving an assessment (ranked, in full, one
//! unit, each unit's amounts, the JSON result, the lists, `check`) alike
//! in blocks of any size and on any number of workers; workbooks, wide
//! files, other encodings, title rows and several files read as the same
//! values in one plain CSV file, or as the detailed reader reads them; and
//! the problems it words as the detailed reader words them. The scores
//! themselves are checked against the reference scorers written apart from
//! the engine (`oracle.rs`).

#[allow(dead_code)]
#[path = "../../examples/gen.rs"]
pub(crate) mod synth;

use crate::util::Workdir;
use kaohe::base::lang::Lang;
use kaohe::engine::bulk::{self, Tuning};
use kaohe::engine::score::Assessment;
use kaohe::model::framework::Framework;
use kaohe::reading::units::Units;
use kaohe::render::Format;
use std::path::PathBuf;

struct Inputs {
    _wd: Workdir,
    fw: Framework,
    units: Option<Units>,
    evidence: PathBuf,
}

fn inputs(shape: synth::Shape, n: usize, seed: u64, with_units: bool) -> Inputs {
    let wd = Workdir::new();
    let data = synth::generate(shape, n, seed);
    synth::write_to(&wd.path("d"), &data).unwrap();
    let fw = Framework::parse(&data.framework, "framework.toml").unwrap();
    let units = match (&data.units, with_units) {
        (Some(_), true) => Some(Units::load(&wd.path("d/units.csv")).unwrap()),
        _ => None,
    };
    Inputs {
        evidence: wd.path("d/evidence.csv"),
        _wd: wd,
        fw,
        units,
    }
}

/// The whole file in one block, and many small blocks over three workers.
fn two_tunings() -> [Tuning; 2] {
    [
        Tuning::default(),
        Tuning {
            block: 2048,
            workers: 3,
            batch: None,
        },
    ]
}

/// `i`'s evidence scored with every unit in full, for 2023.
fn in_full(i: &Inputs) -> Assessment {
    in_full_of(i, std::slice::from_ref(&i.evidence))
}

/// `files` scored with every unit in full, with `i`'s framework and units,
/// for 2023.
fn in_full_of(i: &Inputs, files: &[PathBuf]) -> Assessment {
    crate::util::assess(&i.fw, i.units.as_ref(), files, Some("2023")).unwrap()
}

/// `check`'s counts of an assessment in full, from `files` files of
/// `values` values.
fn counts_of(a: &Assessment, files: usize, values: usize) -> kaohe::engine::score::Checked {
    use kaohe::engine::score::Status;
    let results = || a.units.iter().flat_map(|u| &u.indicators);
    kaohe::engine::score::Checked {
        files,
        units: a.units.len(),
        values,
        missing: results().filter(|r| r.status == Status::Missing).count(),
        exempt: results().filter(|r| r.status == Status::Exempt).count(),
    }
}

/// Each unit's amount per item, in framework order, from its results in
/// full.
fn amounts_of(fw: &Framework, a: &Assessment) -> Vec<Vec<Option<rust_decimal::Decimal>>> {
    (a.units.iter())
        .map(|u| {
            let mut amounts = vec![None; fw.indicators.len()];
            for r in &u.indicators {
                amounts[r.index] = r.amount();
            }
            amounts
        })
        .collect()
}

/// Every unit's results in full but where each value was read: ranks,
/// grades, totals, groups, deficiencies, and each item's outcome, status,
/// value, note and source.
fn results_but_where(a: &Assessment) -> Vec<String> {
    (a.units.iter())
        .map(|u| {
            let items: Vec<_> = (u.indicators.iter())
                .map(|r| {
                    (
                        r.index, &r.outcome, r.status, &r.value, &r.note, &r.source, &r.raters, &r.cohort,
                    )
                })
                .collect();
            format!(
                "{} {} {} {} {:?} {} {:?} {:?} {:?} {:?}",
                u.unit, u.name, u.category, u.rank, u.category_rank, u.grade, u.totals, u.groups, u.deficiencies, items
            )
        })
        .collect()
}

/// Each one-cell item's value, note, source and place as the engine shows
/// them in `a`, against the cells the detailed reader reads from the same
/// `files`: the two readers of evidence read it alike.
#[track_caller]
fn read_alike(i: &Inputs, files: &[PathBuf], a: &Assessment, what: &str) {
    let ev = crate::detailed::load(files, &i.fw, i.units.as_ref()).expect("the detailed reader reads it");
    let mut compared = 0;
    for u in &a.units {
        let Some(ue) = ev.units.get(&u.unit) else { continue };
        for r in &u.indicators {
            let ind = &i.fw.indicators[r.index];
            if ind.slots() != 1 || ind.raters.is_some() {
                continue;
            }
            let Some(c) = &ue.cells(r.index)[0] else { continue };
            let shown = (r.value.as_deref(), r.note.as_str(), r.source.as_str(), r.origin);
            let read = (
                Some(c.raw.as_str()),
                c.note.as_str(),
                c.source.as_str(),
                Some((c.file, c.line, c.col)),
            );
            assert_eq!(shown, read, "{what}: {} {}", u.unit, ind.id);
            compared += 1;
        }
    }
    assert!(compared > 0, "{what}: nothing compared");
}

/// Problems as printed.
fn texts(problems: &[kaohe::base::diag::Diagnostic]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

/// Each unit's id and score, in rank order.
fn scores(a: &Assessment) -> Vec<(String, rust_decimal::Decimal)> {
    a.units.iter().map(|u| (u.unit.clone(), u.totals.score)).collect()
}

fn renders(fw: &Framework, a: &Assessment) -> Vec<String> {
    let mut out = Vec::new();
    for format in [Format::Csv, Format::Table, Format::Md] {
        for lang in [Lang::Zh, Lang::En] {
            out.push(kaohe::render::report::ranking(fw, a, lang, format));
        }
    }
    out
}

#[track_caller]
fn assert_same(i: &Inputs, slow: &Assessment, tuning: Tuning) {
    let fast = bulk::assess(
        &i.fw,
        i.units.as_ref(),
        bulk::Files::from(std::slice::from_ref(&i.evidence)).tuned(tuning),
        Some("2023".into()),
    )
    .expect("the bulk path applies to generated data");
    assert_eq!(fast.units.len(), slow.units.len());
    for (f, s) in fast.units.iter().zip(&slow.units) {
        assert_eq!(
            (&f.unit, f.rank, &f.totals, &f.groups),
            (&s.unit, s.rank, &s.totals, &s.groups)
        );
        assert_eq!(
            (&f.name, &f.category, f.category_rank, f.grade),
            (&s.name, &s.category, s.category_rank, s.grade)
        );
    }
    assert_eq!(renders(&i.fw, &fast), renders(&i.fw, slow));
    assert_explained_alike(
        &i.fw,
        i.units.as_ref(),
        &i.evidence,
        Some("2023"),
        slow,
        tuning,
        slow.units.iter().step_by(slow.units.len() / 3 + 1),
    );
}

/// Each of `these` units in full on the bulk path, as `explain` shows it
/// (values, notes, sources, lines, raters, cohort facts), is that unit in
/// the assessment in full, `slow`, and `explain` writes the same bytes in every format.
#[track_caller]
fn assert_explained_alike<'a>(
    fw: &Framework,
    units: Option<&kaohe::reading::units::Units>,
    evidence: &std::path::Path,
    period: Option<&str>,
    slow: &Assessment,
    tuning: Tuning,
    these: impl Iterator<Item = &'a kaohe::engine::score::UnitResult>,
) {
    let mut n = 0;
    for s in these {
        let fast = bulk::assess_unit(
            fw,
            units,
            bulk::Files::from(std::slice::from_ref(&evidence.to_path_buf())).tuned(tuning),
            period.map(String::from),
            &s.unit,
        )
        .expect("the bulk path explains the unit");
        let f = fast.units.iter().find(|u| u.unit == s.unit).unwrap();
        assert_eq!(f, s);
        for format in [Format::Table, Format::Csv, Format::Json, Format::Md] {
            assert_eq!(
                kaohe::render::report::explain(fw, &fast, f, Lang::Zh, format),
                kaohe::render::report::explain(fw, slow, s, Lang::Zh, format)
            );
        }
        n += 1;
    }
    assert!(n > 0, "some unit was explained");
}

#[test]
fn rankings_are_those_in_full_on_mixed_data() {
    // Every rule kind, exemptions, missing rows and empty values, ties,
    // shuffled rows, quoted notes with line breaks, CRLF and BOM by seed.
    for seed in 0..4 {
        let i = inputs(synth::Shape::Mixed, 80, seed, seed % 2 == 0);
        let slow = in_full(&i);
        assert_same(
            &i,
            &slow,
            Tuning {
                block: 1 << 20,
                workers: 2,
                batch: None,
            },
        );
        // Tiny blocks: many cuts, three workers, units spread over all.
        assert_same(
            &i,
            &slow,
            Tuning {
                block: 2048,
                workers: 3,
                batch: None,
            },
        );
    }
}

#[test]
fn cohort_and_category_rules_rank_as_in_full() {
    // A1 rank_points, A2 relative, B2 vs_mean within the category, C4 a
    // target per category, C2 (clauses) and D3 for some categories only:
    // values with up to two places, ties from copied units, missing and
    // empty values (out of the cohort), split over blocks and workers.
    for seed in 0..3 {
        let i = inputs(synth::Shape::Cohort, 90, seed, true);
        let slow = in_full(&i);
        let cohort: usize = slow
            .units
            .iter()
            .flat_map(|u| &u.indicators)
            .filter(|r| r.cohort.is_some())
            .count();
        assert!(cohort > 200, "the cohort items were scored: {cohort}");
        for tuning in [
            Tuning {
                block: 1 << 20,
                workers: 2,
                batch: None,
            },
            Tuning {
                block: 2048,
                workers: 3,
                batch: None,
            },
        ] {
            let fast = bulk::assess(
                &i.fw,
                i.units.as_ref(),
                bulk::Files::from(std::slice::from_ref(&i.evidence)).tuned(tuning),
                Some("2023".into()),
            )
            .expect("the bulk path takes cohort rules");
            assert_eq!(fast.units.len(), slow.units.len());
            for (f, s) in fast.units.iter().zip(&slow.units) {
                assert_eq!(
                    (&f.unit, f.rank, f.category_rank, &f.totals, &f.groups, f.grade),
                    (&s.unit, s.rank, s.category_rank, &s.totals, &s.groups, s.grade)
                );
            }
            assert_eq!(renders(&i.fw, &fast), renders(&i.fw, &slow));
            // Units explained in full: with cohort facts, in several
            // categories.
            let these: Vec<_> = slow.units.iter().step_by(7).collect();
            assert!(these.iter().all(|u| u.indicators.iter().any(|r| r.cohort.is_some())));
            let categories: std::collections::BTreeSet<&str> = these.iter().map(|u| u.category.as_str()).collect();
            assert!(categories.len() > 1, "{categories:?}");
            assert_explained_alike(
                &i.fw,
                i.units.as_ref(),
                &i.evidence,
                Some("2023"),
                &slow,
                tuning,
                these.into_iter(),
            );
            // The JSON result, every cohort fact included, and the
            // rectification list: the assessment in full's bytes.
            let want = kaohe::render::json::result_text(&i.fw, &{
                let mut a = slow.clone();
                a.period = Some("2023".into());
                a
            });
            let mut got = Vec::new();
            bulk::write_json(
                &i.fw,
                i.units.as_ref(),
                bulk::Files::from(std::slice::from_ref(&i.evidence)).tuned(tuning),
                Some("2023".into()),
                &mut got,
            )
            .expect("the bulk path writes the JSON result")
            .unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), want);
            use kaohe::engine::rectify::{By, Order, Selection};
            let period = kaohe::base::period::Period::parse("2023");
            let selection = Selection::default();
            let list = kaohe::engine::rectify::build(&i.fw, &slow, period, &selection, Order::Rank, By::Unit).unwrap();
            for format in [Format::Csv, Format::Json] {
                let args = bulk::ListArgs {
                    period,
                    selection: &selection,
                    order: Order::Rank,
                    format,
                    lang: Lang::Zh,
                };
                assert_eq!(
                    bulk_list(&i, &args, tuning),
                    built_list(&i.fw, &slow, &list, Lang::Zh, format)
                );
            }
        }
    }
}

#[test]
fn rater_items_rank_as_in_full() {
    // Trimmed, median and mean rater items (a direct and a levels rule), a
    // plain item; zero to six raters per unit, empty values, names on some
    // rater rows, rows shuffled; split over blocks and workers.
    let fw_text = "[framework]\nid = \"rt\"\ntitle = \"评委\"\ntotal = 30\n\n[[grade]]\nname = \"好\"\nmin = 20\n[[grade]]\nname = \"差\"\nmin = 0\n\n\
        [[indicator]]\nid = \"S1\"\nname = \"述职评议\"\npoints = 10\nraters = { drop = 1, min_raters = 4 }\nrule = { type = \"direct\" }\n\n\
        [[indicator]]\nid = \"S2\"\nname = \"现场答辩\"\npoints = 10\nraters = \"median\"\nrule = { type = \"levels\", levels = { \"好\" = 10, \"较好\" = 8, \"一般\" = 6, \"差\" = 0 } }\n\n\
        [[indicator]]\nid = \"S3\"\nname = \"材料\"\npoints = 10\nrule = { type = \"check\" }\n";
    let fw = Framework::parse(fw_text, "rt.toml").unwrap();
    let mut rng = synth::Rng::new(5);
    let mut rows: Vec<String> = Vec::new();
    for u in 0..300 {
        rows.push(format!("U{u:03},,S3,,{},,", if rng.chance(70) { "是" } else { "否" }));
        for (item, values) in [
            ("S1", &["6", "7", "7.5", "8", "9.25", "10", ""][..]),
            ("S2", &["好", "较好", "一般", "差"][..]),
        ] {
            for r in 0..rng.below(7) {
                let name = if rng.chance(10) {
                    format!("单位{u}")
                } else {
                    String::new()
                };
                // Notes and sources on some rows, the same one on several.
                let note = *rng.pick(&["", "", "迟交", "材料不全"]);
                let source = *rng.pick(&["", "材料1", "材料1", "材料2"]);
                rows.push(format!(
                    "U{u:03},{name},{item},评委{r},{},{note},{source}",
                    rng.pick(values)
                ));
            }
        }
    }
    rng.shuffle(&mut rows);
    let wd = Workdir::new();
    let path = wd.create(
        "e.csv",
        &format!("unit,name,indicator,评分人,value,note,source\n{}\n", rows.join("\n")),
    );
    let slow = crate::util::assess(&fw, None, std::slice::from_ref(&path), None).unwrap();
    assert!(
        slow.units
            .iter()
            .any(|u| u.indicators[0].raters.iter().any(|r| r.dropped)),
        "some raters were dropped"
    );
    for (block, workers) in [(1 << 20, 2), (2048, 3)] {
        let tuning = Tuning {
            block,
            workers,
            batch: None,
        };
        let fast = bulk::assess(
            &fw,
            None,
            bulk::Files::from(std::slice::from_ref(&path)).tuned(tuning),
            None,
        )
        .expect("the bulk path takes rater items");
        assert_eq!(fast.units.len(), slow.units.len());
        for (f, s) in fast.units.iter().zip(&slow.units) {
            assert_eq!(
                (&f.unit, &f.name, f.rank, &f.totals, &f.groups, f.grade),
                (&s.unit, &s.name, s.rank, &s.totals, &s.groups, s.grade)
            );
        }
        assert_eq!(renders(&fw, &fast), renders(&fw, &slow));
        // Units explained in full, each rater's amount shown: some with a
        // rater dropped, some without raters.
        let dropped = |u: &&kaohe::engine::score::UnitResult| u.indicators[0].raters.iter().any(|r| r.dropped);
        let these: Vec<_> = slow
            .units
            .iter()
            .filter(dropped)
            .take(3)
            .chain(slow.units.iter().filter(|u| u.indicators[0].raters.is_empty()).take(2))
            .collect();
        assert_eq!(these.len(), 5);
        assert_explained_alike(&fw, None, &path, None, &slow, tuning, these.into_iter());
    }
    // The JSON result shows each rater's value and amount, in the order
    // the rows were given (which of two equal amounts is dropped follows
    // it), and the item's value, notes and sources joined: the bytes of
    // the assessment in full, rows found again across blocks and workers.
    let want = kaohe::render::json::result_text(&fw, &slow);
    assert!(want.contains("\"dropped\": true"), "a dropped rater is shown");
    assert!(want.contains("：迟交"), "a rater's note is shown");
    for (block, workers) in [(1 << 20, 2), (2048, 3)] {
        let tuning = Tuning {
            block,
            workers,
            batch: None,
        };
        let mut got = Vec::new();
        bulk::write_json(
            &fw,
            None,
            bulk::Files::from(std::slice::from_ref(&path)).tuned(tuning),
            None,
            &mut got,
        )
        .expect("the bulk path writes rater items' JSON")
        .unwrap();
        assert_eq!(
            String::from_utf8(got).unwrap(),
            want,
            "block {block}, {workers} workers"
        );
    }
    // The rectification list: each rater item's value and notes joined,
    // as on the assessment in full, across blocks, workers and batches.
    use kaohe::engine::rectify::{By, Order, Selection};
    let selection = Selection::default();
    let list = kaohe::engine::rectify::build(&fw, &slow, None, &selection, Order::Rank, By::Unit).unwrap();
    for format in [Format::Csv, Format::Table, Format::Md, Format::Json] {
        let want = built_list(&fw, &slow, &list, Lang::Zh, format);
        assert!(want.contains("；评委"), "a rater item with several raters is listed");
        for (block, workers, batch) in [(1 << 20, 2, None), (2048, 3, Some(7))] {
            let args = bulk::ListArgs {
                period: None,
                selection: &selection,
                order: Order::Rank,
                format,
                lang: Lang::Zh,
            };
            let tuning = Tuning { block, workers, batch };
            let mut got = Vec::new();
            bulk::write_deficiencies(
                &fw,
                None,
                bulk::Files::from(std::slice::from_ref(&path)).tuned(tuning),
                &args,
                &mut got,
            )
            .expect("the bulk path lists rater items")
            .unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), want, "{format:?}, block {block}");
        }
    }
    // A rater twice for a unit and item is the detailed reader's to word.
    let twice = wd.create(
        "twice.csv",
        "unit,indicator,评分人,value\nU1,S1,张,8\nU1,S1,张,9\nU1,S3,,是\n",
    );
    assert!(bulk::assess(&fw, None, std::slice::from_ref(&twice), None).is_none());
}

/// Items whose amount follows the unit's category or every unit's value,
/// on the bulk path as on the assessment in full: raters under parameters per
/// category (R1) and for some categories only (R2), a levels rule per
/// category (L1), cohort values finer than a cent and below zero (G1, G2).
/// Five units are worked by hand; sixty random ones are ranked as in
/// full.
#[test]
fn category_rater_and_fine_cohort_items_are_scored_on_the_bulk_path() {
    let fw_text = r#"[framework]
id = "fc"
title = "分类评议"
total = 50

[[grade]]
name = "好"
min = 30
[[grade]]
name = "差"
min = 0

[[indicator]]
id = "L1"
name = "宣传质量"
points = 10
rule = { type = "levels", levels = { "好" = 10, "较好" = 8, "一般" = 5, "差" = 0 }, by_category = { "开发区" = { levels = { "好" = 10, "较好" = 6, "一般" = 3, "差" = 0 } } } }

[[indicator]]
id = "R1"
name = "述职评议"
points = 10
raters = "mean"
rule = { type = "target", target = 6, by_category = { "开发区" = { target = 4 } } }

[[indicator]]
id = "R2"
name = "乡镇评议"
points = 10
raters = "median"
applies_to = ["乡镇"]
rule = { type = "direct" }

[[indicator]]
id = "G1"
name = "增长率"
points = 10
rule = { type = "vs_mean", above = 10, equal = 6, below = 3 }

[[indicator]]
id = "G2"
name = "发稿量"
points = 10
rule = { type = "rank_points", points = [10, 8, 6], rest = 3 }
"#;
    let mut units = String::from(
        "unit,name,category\nT1,甲镇,乡镇\nT2,乙镇,乡镇\nT3,丙镇,乡镇\nK1,开发区,开发区\nK2,高新区,开发区\n",
    );
    let mut rows: Vec<String> = [
        "T1,L1,,较好",
        "T2,L1,,好",
        "T3,L1,,差",
        "K1,L1,,较好",
        "K2,L1,,一般",
        "T1,R1,甲,6",
        "T1,R1,乙,3",
        "T2,R1,甲,6",
        "K1,R1,甲,4",
        "K1,R1,乙,2",
        "K2,R1,甲,2",
        "K2,R1,乙,",
        "T1,R2,甲,8",
        "T1,R2,乙,9",
        "T1,R2,丙,10",
        "T2,R2,甲,6",
        "T2,R2,乙,7",
        "T3,R2,甲,10",
        "K1,R2,甲,",
        "T1,G1,,-1.5",
        "T2,G1,,0.25",
        "T3,G1,,1.255",
        "K1,G1,,0.001",
        "K2,G1,,-0.001",
        "T1,G2,,12.345",
        "T2,G2,,12.34",
        "T3,G2,,12.34",
        "K1,G2,,12.3449",
    ]
    .iter()
    .map(|r| r.to_string())
    .collect();
    // By hand: L1 by the category's levels; R1 each rater against the
    // category's target (6, or 4 for 开发区), then the mean; R2 the median,
    // 不适用 outside 乡镇; G1 against the mean 0.001 of the five values; G2
    // ranks 1, 2, 3, 3 (12.345 > 12.3449 > 12.34), K2 without a value.
    let by_hand: [(&str, [Option<&str>; 5]); 5] = [
        ("T1", [Some("8"), Some("7.5"), Some("9"), Some("3"), Some("10")]),
        ("T2", [Some("10"), Some("10"), Some("6.5"), Some("10"), Some("6")]),
        ("T3", [Some("0"), Some("0"), Some("10"), Some("10"), Some("6")]),
        ("K1", [Some("6"), Some("7.5"), None, Some("6"), Some("8")]),
        ("K2", [Some("3"), Some("5"), None, Some("3"), Some("0")]),
    ];
    let make = |units: &str, rows: &[String]| {
        let wd = Workdir::new();
        let evidence = wd.create("e.csv", &format!("unit,indicator,评分人,value\n{}\n", rows.join("\n")));
        wd.create("fc.toml", fw_text);
        let list = Units::load(&wd.create("units.csv", units)).unwrap();
        Inputs {
            _wd: wd,
            fw: Framework::parse(fw_text, "fc.toml").unwrap(),
            units: Some(list),
            evidence,
        }
    };
    let hand = make(&units, &rows);
    for (what, a) in [
        ("in full", in_full(&hand)),
        (
            "bulk",
            bulk::assess_full(
                &hand.fw,
                hand.units.as_ref(),
                std::slice::from_ref(&hand.evidence),
                None,
            )
            .expect("the bulk path takes these items"),
        ),
    ] {
        for (unit, want) in by_hand {
            let u = a.units.iter().find(|u| u.unit == unit).unwrap();
            let got: Vec<Option<String>> = u
                .indicators
                .iter()
                .map(|r| r.amount().map(|a| a.normalize().to_string()))
                .collect();
            let want: Vec<Option<String>> = want.iter().map(|w| w.map(String::from)).collect();
            assert_eq!(got, want, "{unit} on the {what} path");
        }
    }
    // Random units besides, every category, values of up to four places.
    let mut rng = synth::Rng::new(11);
    for u in 0..60 {
        let category = *rng.pick(&["乡镇", "开发区", "街道"]);
        units.push_str(&format!("X{u:02},单位{u},{category}\n"));
        rows.push(format!("X{u:02},L1,,{}", rng.pick(&["好", "较好", "一般", "差"])));
        for r in 0..rng.below(4) {
            rows.push(format!(
                "X{u:02},R1,评委{r},{}",
                rng.pick(&["0", "2", "3.5", "4", "5", "6", "7", ""])
            ));
        }
        if category == "乡镇" {
            for r in 0..rng.below(4) {
                rows.push(format!(
                    "X{u:02},R2,评委{r},{}",
                    rng.pick(&["6", "7.25", "8", "9.5", "10", ""])
                ));
            }
        }
        let sign = if rng.chance(30) { "-" } else { "" };
        rows.push(format!("X{u:02},G1,,{sign}{}.{:04}", rng.below(3), rng.below(10_000)));
        if rng.chance(90) {
            rows.push(format!(
                "X{u:02},G2,,{}.{}",
                10 + rng.below(3),
                rng.pick(&["34", "345", "3449", "5"])
            ));
        }
    }
    rng.shuffle(&mut rows);
    let i = make(&units, &rows);
    let slow = in_full(&i);
    let ev = i.evidence.clone();
    let files = [ev.clone()];
    for tuning in two_tunings() {
        let full = bulk::assess_full(
            &i.fw,
            i.units.as_ref(),
            bulk::Files::from(&files).tuned(tuning),
            Some("2023".into()),
        )
        .expect("the bulk path takes these items");
        assert!(
            full == slow,
            "the bulk path's units in full differ from the assessment in full's"
        );
        assert_same(&i, &slow, tuning);
    }
    // And from the command line, in every output that reads rows again.
    let common = ["-f", "$WD/fc.toml", "-u", "$WD/units.csv", "$WD/e.csv"];
    for cmd in [
        &["score", "--format", "json"][..],
        &["score", "--format", "csv"],
        &["explain", "K1"],
        &["explain", "T1", "--format", "json"],
        &["deficiencies", "--format", "csv"],
        &["check"],
    ] {
        let args: Vec<&str> = cmd.iter().chain(&common).copied().collect();
        let out = i._wd.run(&args);
        assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
    }
}

/// Values their items do not take — a word for a number, 不适用 where the
/// item is not exempt, a count with its unit — and indicator keys the
/// framework does not have (a typo, a clause item without its clause) are
/// worded on the bulk path as the detailed reader words them: the same
/// problems at the same lines and cells, in the same order, each unknown
/// key's hint for the first 100 problems of a file only, with rows of
/// more or fewer cells than the header among them, in long and wide
/// files, in GBK, in workbooks long and wide, split over blocks and
/// workers. Beside another problem (a row given twice, a unit not in the
/// units file) the bulk path says nothing, and the detailed reader words
/// them all.
#[test]
fn values_and_keys_the_framework_does_not_take_are_worded_on_the_bulk_path() {
    use crate::util::{Xl, write_xlsx};
    const BAD: &[&str] = &[
        "abc",
        "不适用",
        "1.2.3",
        "十次",
        "-3",
        "12 次",
        "N/A",
        "5分",
        " x ",
        "0.5.0",
    ];
    #[derive(Clone, Copy, PartialEq)]
    enum Other {
        None,
        Worded,
        /// A header the framework does not fit: worded at the header.
        Header,
        /// Either (see `wide_other`).
        Either,
    }
    let (mut worded, mut headers, mut other_cases, mut hinted_past, mut ragged_rows) = (0, 0, 0, 0, 0);
    let (mut header_cases, mut units_worded, mut doubled_worded, mut ids_worded) = (0, 0, 0, 0);
    for seed in 0..12u64 {
        let i = inputs(synth::Shape::Mixed, 40, seed, true);
        let mut rng = synth::Rng::new(seed + 100);
        let mut reader = csv::Reader::from_path(&i.evidence).unwrap();
        let header = reader.headers().unwrap().clone();
        let value = header.iter().position(|h| h == "value").unwrap();
        let indicator = header.iter().position(|h| h == "indicator").unwrap();
        let mut records: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect())
            .collect();
        let original = records.clone();
        for _ in 0..1 + rng.below(4) {
            let k = rng.below(records.len() as u64) as usize;
            records[k][value] = rng.pick(BAD).to_string();
        }
        // Keys not in the framework, in half the cases; in one, more than
        // a file lists, so that the last have no hint.
        let keys = match seed {
            3 => 150,
            _ if rng.chance(50) => 1 + rng.below(3),
            _ => 0,
        };
        for _ in 0..keys {
            let k = rng.below(records.len() as u64) as usize;
            // (`a1 ` is A1: given twice, unless the row was A1's.)
            let keys: &[&str] = if seed == 3 {
                &["A12", "Q7"]
            } else {
                &["A12", "B4", "b4/z", "Q7", "", "a1 ", "Ａ1"]
            };
            records[k][indicator] = rng.pick(keys).to_string();
        }
        // Another problem besides, in most cases: a row given twice (in
        // the small blocks, in another block than the first), a unit not
        // in the units file (on one row or several), a unit typed by its
        // name; or one the bulk path leaves to the detailed reader (a unit
        // id left empty beside a value).
        // (On a row left as it was: another problem on a row with one
        // already can be the only one said.)
        let mut touched = std::collections::HashSet::new();
        let mut untouched = |rng: &mut synth::Rng, records: &[Vec<String>]| loop {
            let k = rng.below(original.len() as u64) as usize;
            if records[k] == original[k] && touched.insert(k) {
                break k;
            }
        };
        let mut renamed = false;
        let other = match seed % 6 {
            3 if seed == 3 => Other::None,
            0 => {
                for _ in 0..1 + rng.below(2) {
                    let k = untouched(&mut rng, &records);
                    records.push(records[k].clone());
                }
                Other::Worded
            }
            1 => {
                for _ in 0..1 + rng.below(3) {
                    let k = untouched(&mut rng, &records);
                    records[k][0] = "ZZ999".into();
                }
                Other::Worded
            }
            2 => {
                let k = untouched(&mut rng, &records);
                let list = i.units.as_ref().unwrap();
                records[k][0] = list.units[records[k][0].as_str()].name.clone();
                Other::Worded
            }
            // A header the framework does not fit (the value column's
            // heading mistyped, in the long forms).
            3 => {
                renamed = true;
                Other::Header
            }
            4 => {
                let k = untouched(&mut rng, &records);
                records[k][0] = String::new();
                Other::Worded
            }
            // The header again below the first (two exports pasted
            // together), and a unit id with an invisible character.
            _ => {
                records.push(header.iter().map(String::from).collect());
                let k = untouched(&mut rng, &records);
                records[k][0].push('\u{200b}');
                Other::Worded
            }
        };
        other_cases += usize::from(other != Other::None);
        header_cases += usize::from(other == Other::Header);
        // In half the cases, a row with a cell past the header (a note's
        // comma unquoted) or short of it: in the long forms only (a wide
        // table is made from rows of the header's width).
        let ragged = rng.chance(50).then(|| {
            let k = untouched(&mut rng, &records);
            let mut row = records[k].clone();
            if rng.chance(50) {
                row.push("材料2".into());
            } else {
                row.truncate(2);
            }
            (k + 1, row)
        });
        let csv_text = |rows: &[Vec<String>]| {
            let mut out = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            for r in rows {
                out.write_record(r).unwrap();
            }
            String::from_utf8(out.into_inner().unwrap()).unwrap()
        };
        let mut long: Vec<Vec<String>> = std::iter::once(header.iter().map(String::from).collect())
            .chain(records)
            .collect();
        let wide = synth::wide_table(csv_text(&long).as_bytes());
        if let Some((k, row)) = ragged {
            long[k] = row;
        }
        if renamed {
            long[0][value] = "valeu".into();
        }
        let long_text = csv_text(&long);
        let cells = |rows: &[Vec<String>]| -> Vec<Vec<Xl>> {
            rows.iter()
                .map(|r| {
                    r.iter()
                        .map(|c| if c.is_empty() { Xl::Blank } else { Xl::Text(c.clone()) })
                        .collect()
                })
                .collect()
        };
        let wd = &i._wd;
        // A wide table made from rows with keys not in the framework has
        // columns it does not take, most often: a problem of its header.
        // One made from a row without its unit, or from the header
        // repeated, is not what the long file says; one whose long file's
        // header was mistyped is not.
        let wide_other = match other {
            _ if keys > 0 || seed % 6 >= 3 => Other::Either,
            o => o,
        };
        let mut files = vec![
            (wd.create("long.csv", &long_text), other),
            (
                wd.create_bytes("long-gbk.csv", &encoding_rs::GBK.encode(&long_text).0),
                other,
            ),
            (wd.create("wide.csv", &csv_text(&wide)), wide_other),
        ];
        for (name, rows) in [("long.xlsx", &long), ("wide.xlsx", &wide)] {
            write_xlsx(&wd.path(name), &[("佐证", cells(rows))]);
            files.push((wd.path(name), if name == "wide.xlsx" { wide_other } else { other }));
        }
        for (path, other) in files {
            let detailed = crate::detailed::load(std::slice::from_ref(&path), &i.fw, i.units.as_ref());
            let books = [crate::util::as_text(&path, None)];
            for tuning in two_tunings() {
                let told = std::sync::Mutex::new(bulk::Told::default());
                let got = bulk::assess(
                    &i.fw,
                    i.units.as_ref(),
                    bulk::Files::from(std::slice::from_ref(&path))
                        .with_books(&books)
                        .telling(&told)
                        .tuned(tuning),
                    Some("2023".into()),
                );
                let problems = told.into_inner().unwrap().problems;
                let what = format!("seed {seed}, {}", path.display());
                match (&detailed, got) {
                    (Err(want), None) if !problems.is_empty() => {
                        assert_eq!(problems, want.0, "{what}");
                        headers += usize::from(other == Other::Header);
                        worded += 1;
                        units_worded += usize::from(problems.iter().any(|p| p.message.contains("units file")));
                        doubled_worded += usize::from(problems.iter().any(|p| p.message.contains("duplicate")));
                        let refused = ["the unit id is empty", "column heading", "invisible character"];
                        ids_worded +=
                            usize::from(problems.iter().any(|p| refused.iter().any(|r| p.message.contains(r))));
                        hinted_past += usize::from(problems.len() > 100);
                        let shape = |p: &kaohe::base::diag::Diagnostic| p.message.contains("fields but the header");
                        ragged_rows += problems.iter().filter(|p| shape(p)).count();
                    }
                    // The texts were values after all.
                    (Ok(_), Some(_)) => {}
                    (g, got) => panic!("{what}: detailed reader {:?}, engine {:?}", g.is_ok(), got.is_some()),
                }
            }
        }
    }
    eprintln!(
        "{worded} worded on the bulk path ({units_worded} with units not in the units file, \
         {doubled_worded} with values given twice, {ids_worded} with unit ids refused, {headers} at the header), \
         {other_cases} with another problem"
    );
    assert!(
        other_cases >= 4 && header_cases >= 1,
        "{other_cases} cases with another problem"
    );
    assert!(
        worded >= 40 && headers >= 4 && units_worded >= 10 && doubled_worded >= 10 && ids_worded >= 8,
        "{worded} worded on the bulk path, {headers} at the header"
    );
    assert!(
        hinted_past > 0,
        "the case of more problems than a file lists was worded on the bulk path"
    );
    assert!(
        ragged_rows >= 4,
        "{ragged_rows} rows of more or fewer cells worded on the bulk path"
    );
}

/// A rater's value given twice, in one block or two, a wide workbook's
/// unit given twice, and rows naming a rater where the item has none or
/// none where it has: worded on the bulk path as the detailed reader words
/// them (where the first value was, the cell in a worksheet).
#[test]
fn values_given_twice_and_raters_out_of_place_are_worded_on_the_bulk_path() {
    use crate::util::{Xl, t, write_xlsx};
    let fw = Framework::parse(
        r#"
[framework]
id = "ra"
title = "评委"
total = 20
[[grade]]
name = "合格"
min = 0
[[indicator]]
id = "S1"
name = "述职"
points = 10
raters = "mean"
rule = { type = "direct" }
[[indicator]]
id = "S2"
name = "材料"
points = 10
rule = { type = "check" }
"#,
        "fw.toml",
    )
    .unwrap();
    let wd = Workdir::new();
    let mut long = String::from("unit,indicator,rater,value\n");
    for u in 0..60 {
        for r in ["张", "王", "李"] {
            long.push_str(&format!("K{u:02},S1,{r},{}\n", 5 + u % 5));
        }
        long.push_str(&format!("K{u:02},S2,,是\n"));
    }
    // 王 again for K03 at once, 李 again for K41 far below, K07's S2 again.
    let mut lines: Vec<&str> = long.lines().collect();
    lines.insert(15, "K03,S1,王,9");
    lines.push("K41,S1,李,6");
    lines.push("K07,S2,,否");
    // A rater named on an item without raters, none on one with them.
    lines.push("K05,S2,张,是");
    lines.push("K06,S1,,7");
    let long = wd.create("long.csv", &(lines.join("\n") + "\n"));
    let mut rows = vec![vec![t("单位"), t("S2")]];
    for u in 0..60 {
        rows.push(vec![t(&format!("K{u:02}")), t("是")]);
    }
    rows.push(vec![t("K30"), t("否")]);
    rows.push(vec![t("K31"), Xl::Blank]);
    let book = wd.path("wide.xlsx");
    write_xlsx(&book, &[("佐证", rows)]);
    let mut worded = 0;
    for (path, want) in [(long, 5), (book, 1)] {
        let detailed = crate::detailed::load(std::slice::from_ref(&path), &fw, None).unwrap_err();
        assert_eq!(detailed.0.len(), want, "{}", path.display());
        assert!(
            detailed
                .0
                .iter()
                .all(|d| d.message.contains("duplicate") || d.message.contains("raters"))
        );
        let books = [crate::util::as_text(&path, None)];
        for tuning in two_tunings() {
            let told = std::sync::Mutex::new(bulk::Told::default());
            let files = bulk::Files::from(std::slice::from_ref(&path)).with_books(&books);
            assert!(bulk::assess(&fw, None, files.telling(&told).tuned(tuning), None).is_none());
            assert_eq!(told.into_inner().unwrap().problems, detailed.0, "{}", path.display());
            worded += 1;
        }
    }
    assert_eq!(worded, 4);
}

/// A file given again (by the same name, and by another) beside problems
/// of its own and of another file: the bulk path says each repeat once,
/// then the problems of the files read, as the detailed reader says them.
/// Without other problems, the repeats alone.
#[test]
fn a_file_given_twice_is_said_on_the_bulk_path() {
    let i = inputs(synth::Shape::Mixed, 30, 5, true);
    let wd = &i._wd;
    let text = std::fs::read_to_string(&i.evidence).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let copied = lines[3];
    lines.push(copied);
    let twice = wd.create("twice.csv", &(lines.join("\n") + "\n"));
    std::fs::create_dir(wd.path("sub")).unwrap();
    let by_another_name = wd.path("sub/../twice.csv");
    let cases: [(Vec<PathBuf>, usize); 3] = [
        (vec![twice.clone(), i.evidence.clone(), twice.clone()], 2),
        (vec![twice.clone(), by_another_name.clone(), twice.clone()], 3),
        (vec![i.evidence.clone(), i.evidence.clone()], 1),
    ];
    for (paths, at_least) in cases {
        let detailed = crate::detailed::load(&paths, &i.fw, i.units.as_ref()).unwrap_err();
        assert!(detailed.0.len() >= at_least, "{detailed}");
        assert!(detailed.0[0].message.contains("given twice"), "{detailed}");
        for tuning in two_tunings() {
            let told = std::sync::Mutex::new(bulk::Told::default());
            let files = bulk::Files::from(&paths[..]).telling(&told).tuned(tuning);
            assert!(bulk::assess(&i.fw, i.units.as_ref(), files, None).is_none());
            assert_eq!(told.into_inner().unwrap().problems, detailed.0, "{paths:?}");
        }
    }
}

/// Values given twice far apart: most often each in the table of another
/// worker, found only as the tables are merged (or settled, for a cohort
/// item). Every way the engine runs says them as the detailed reader does,
/// and nothing is scored or written.
#[test]
fn values_given_twice_far_apart_are_said_by_every_run() {
    use kaohe::engine::rectify::{Order, Selection};
    type Run<'r> = &'r dyn Fn(bulk::Files) -> bool;
    let mut said = 0;
    for (shape, seed) in [(synth::Shape::Mixed, 3), (synth::Shape::Cohort, 2)] {
        let i = inputs(shape, 60, seed, true);
        let mut reader = csv::Reader::from_path(&i.evidence).unwrap();
        let mut rows = vec![reader.headers().unwrap().clone()];
        rows.extend(reader.records().map(Result::unwrap));
        // Rows from the first block, again at the end of the file.
        let again: Vec<csv::StringRecord> = rows[1..40].iter().step_by(6).cloned().collect();
        rows.extend(again.iter().cloned());
        let mut out = csv::Writer::from_writer(Vec::new());
        rows.iter().for_each(|r| out.write_record(r).unwrap());
        let twice = i
            ._wd
            .create("twice.csv", &String::from_utf8(out.into_inner().unwrap()).unwrap());
        let paths = std::slice::from_ref(&twice);
        let want = crate::detailed::load(paths, &i.fw, i.units.as_ref()).unwrap_err().0;
        assert_eq!(want.len(), again.len(), "{want:?}");
        assert!(want.iter().all(|d| d.message.contains("duplicate")), "{want:?}");
        let (fw, units) = (&i.fw, i.units.as_ref());
        let unit = i.units.as_ref().unwrap().units.keys().next().unwrap();
        let selection = Selection::default();
        let list = |format| bulk::ListArgs {
            period: None,
            selection: &selection,
            order: Order::Rank,
            format,
            lang: Lang::Zh,
        };
        let written = |run: &dyn Fn(&mut Vec<u8>) -> bool| {
            let mut out = Vec::new();
            run(&mut out) || !out.is_empty()
        };
        let runs: [(&str, Run); 8] = [
            ("ranking", &|f| bulk::assess(fw, units, f, None).is_some()),
            ("amounts", &|f| bulk::assess_amounts(fw, units, f, None).is_some()),
            ("explain", &|f| bulk::assess_unit(fw, units, f, None, unit).is_some()),
            ("check", &|f| bulk::check(fw, units, f).is_some()),
            ("in full", &|f| bulk::assess_full(fw, units, f, None).is_some()),
            ("JSON", &|f| {
                written(&|w| bulk::write_json(fw, units, f, None, w).is_some())
            }),
            ("list", &|f| {
                written(&|w| bulk::write_deficiencies(fw, units, f, &list(Format::Csv), w).is_some())
            }),
            ("summary", &|f| {
                bulk::summary_list(fw, units, f, None, &selection, Order::Rank).is_some()
            }),
        ];
        for (name, run) in runs {
            for workers in [2, 3] {
                let tuning = Tuning {
                    block: 2048,
                    workers,
                    batch: None,
                };
                let told = std::sync::Mutex::new(bulk::Told::default());
                let scored = run(bulk::Files::from(paths).telling(&told).tuned(tuning));
                assert!(!scored, "{name}, {workers} workers: scored");
                assert_eq!(told.into_inner().unwrap().problems, want, "{name}, {workers} workers");
                said += 1;
            }
        }
    }
    assert_eq!(said, 32);
}

#[test]
fn robust_draws_on_the_same_amounts_on_both_paths() {
    // Plain and deferred items, exempt and missing ones, split over
    // blocks and workers: the same base amounts in the same order give
    // the same draws.
    let plan = kaohe::engine::robust::Plan {
        draws: 40,
        jitter: 200_000,
        seed: 7,
    };
    for (shape, seed) in [(synth::Shape::Mixed, 2), (synth::Shape::Cohort, 1)] {
        let i = inputs(shape, 70, seed, true);
        let slow = in_full(&i);
        let want = kaohe::engine::robust::analyse_amounts(&i.fw, &slow, &amounts_of(&i.fw, &slow), plan);
        assert!(
            want.units.iter().any(|u| u.rank_p5 != u.rank_p95),
            "the draws move ranks"
        );
        for (block, workers) in [(1 << 20, 2), (2048, 3)] {
            let (fast, amounts) = bulk::assess_amounts(
                &i.fw,
                i.units.as_ref(),
                bulk::Files::from(std::slice::from_ref(&i.evidence)).tuned(Tuning {
                    block,
                    workers,
                    batch: None,
                }),
                Some("2023".into()),
            )
            .expect("the bulk path applies");
            // Each unit's amounts are the assessment in full's per-indicator ones.
            for (u, got) in slow.units.iter().zip(&amounts) {
                let each: Vec<Option<rust_decimal::Decimal>> = (0..i.fw.indicators.len())
                    .map(|k| u.indicators.iter().find(|r| r.index == k).and_then(|r| r.amount()))
                    .collect();
                assert!(each.iter().any(Option::is_none) && each.iter().any(Option::is_some));
                assert_eq!(&each, got, "{}", u.unit);
            }
            assert_eq!(
                kaohe::engine::robust::analyse_amounts(&i.fw, &fast, &amounts, plan),
                want
            );
        }
    }
}

#[test]
fn thousands_of_slots_take_pages_of_fewer_units() {
    // 4,000 items: a page holds 256 units, so 300 units span two pages
    // (of each worker's table, with one worker); each unit's cells must
    // land on its own page and row.
    let n = 4000;
    let mut fw = String::from(
        "[framework]\nid = \"wide\"\ntitle = \"宽表\"\ntotal = 4000\n\n[[grade]]\nname = \"好\"\nmin = 2000\n[[grade]]\nname = \"差\"\nmin = 0\n",
    );
    for k in 0..n {
        fw.push_str(&format!(
            "\n[[indicator]]\nid = \"I{k}\"\nname = \"项{k}\"\npoints = 1\nrule = {{ type = \"check\" }}\n"
        ));
    }
    let mut rng = synth::Rng::new(9);
    let mut csv = String::from("unit");
    for k in 0..n {
        csv.push_str(&format!(",I{k}"));
    }
    csv.push('\n');
    // Unit U{u} says 是 on a share of the items that grows with u: every
    // score differs, and a cell read from another unit's row shows.
    for u in 0..300u64 {
        csv.push_str(&format!("U{u:03}"));
        for _ in 0..n {
            csv.push_str(if rng.below(300) < u { ",是" } else { ",否" });
        }
        csv.push('\n');
    }
    let wd = Workdir::new();
    let path = wd.create("wide.csv", &csv);
    let fw = Framework::parse(&fw, "wide.toml").unwrap();
    let slow = crate::util::assess(&fw, None, std::slice::from_ref(&path), None).unwrap();
    for workers in [1, 2] {
        let fast = bulk::assess(
            &fw,
            None,
            bulk::Files::from(std::slice::from_ref(&path)).tuned(Tuning {
                block: 1 << 20,
                workers,
                batch: None,
            }),
            None,
        )
        .expect("the bulk path applies");
        let key = |a: &Assessment| {
            a.units
                .iter()
                .map(|u| (u.unit.clone(), u.rank, u.totals.score))
                .collect::<Vec<_>>()
        };
        assert_eq!(key(&fast), key(&slow), "{workers} workers");
    }
}

#[test]
fn the_streamed_json_is_the_assessment_in_full() {
    for seed in [1, 2, 5] {
        let i = inputs(synth::Shape::Mixed, 80, seed, seed != 5);
        let slow = in_full(&i);
        let want = kaohe::render::json::result_text(&i.fw, &{
            // The digests of the assessment in full, as the stream computes them.
            let mut a = slow.clone();
            a.period = Some("2023".into());
            a
        });
        // Tiny blocks too: rows found again across many chunks, by workers
        // that each saw only some of a unit's rows.
        for (block, workers) in [(1 << 20, 2), (2048, 3), (4096, 1)] {
            let mut got = Vec::new();
            bulk::write_json(
                &i.fw,
                i.units.as_ref(),
                bulk::Files::from(std::slice::from_ref(&i.evidence)).tuned(Tuning {
                    block,
                    workers,
                    batch: None,
                }),
                Some("2023".into()),
                &mut got,
            )
            .expect("the bulk path applies")
            .unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                want,
                "block {block}, {workers} workers"
            );
        }
    }
}

#[test]
fn benchmark_data_ranks_as_in_full() {
    let i = inputs(synth::Shape::Bench, 150, 11, false);
    let slow = in_full(&i);
    assert_same(
        &i,
        &slow,
        Tuning {
            block: 4096,
            workers: 2,
            batch: None,
        },
    );
    assert_same(
        &i,
        &slow,
        Tuning {
            block: 1 << 20,
            workers: 1,
            batch: None,
        },
    );
}

/// The ranking streamed as CSV quotes and guards every text as the `csv`
/// writer of the ranked table does: names and categories holding commas,
/// quotes, line ends, tabs, formulas and numbers with a sign.
#[test]
fn the_streamed_csv_ranking_quotes_and_guards_as_the_table() {
    let wd = Workdir::new();
    let data = synth::generate(synth::Shape::Mixed, 40, 9);
    synth::write_to(&wd.path("d"), &data).unwrap();
    let fw = Framework::embedded().unwrap();
    let texts = [
        "甲,乙",
        "他说\"好\"",
        "两行\n名称",
        "回车\r名称",
        "制表\t符",
        "=SUM(A1)",
        "+1",
        "-1.50",
        "@某人",
        "\t前",
        "",
        "普通",
    ];
    let listed = Units::load(&wd.path("d/units.csv")).unwrap();
    let mut units = csv::Writer::from_writer(Vec::new());
    units.write_record(["unit", "name", "category"]).unwrap();
    for (k, id) in listed.units.keys().enumerate() {
        let category = ["+类", "类,别"][k % 2];
        units.write_record([id, texts[k % texts.len()], category]).unwrap();
    }
    std::fs::write(wd.path("units.csv"), units.into_inner().unwrap()).unwrap();
    let listed = Units::load(&wd.path("units.csv")).unwrap();
    let full = crate::util::assess(&fw, Some(&listed), &[wd.path("d/evidence.csv")], None).unwrap();
    let out = wd.run(&["score", "-u", "$WD/units.csv", "--format", "csv", "$WD/d/evidence.csv"]);
    out.assert_ok();
    let want = kaohe::render::report::ranking(&fw, &full, Lang::En, Format::Csv);
    assert_eq!(out.stdout, want);
    for t in [
        "\"两行\n名称\"",
        "\"甲,乙\"",
        "'=SUM(A1)",
        "'-1.50",
        ",'+类,",
        "\"类,别\"",
    ] {
        assert!(want.contains(t), "{t}");
    }
}

/// What the commands print, streamed unit by unit, is what the writers
/// make of the assessment in full.
#[test]
fn cli_output_is_the_assessment_in_full() {
    let wd = Workdir::new();
    let data = synth::generate(synth::Shape::Mixed, 60, 4);
    synth::write_to(&wd.path("d"), &data).unwrap();
    let fw = Framework::embedded().unwrap();
    let dir = wd.path("").display().to_string();
    let dir = dir.trim_end_matches('/');
    let listed = Units::load(&wd.path("d/units.csv")).unwrap();
    let ev_files = [wd.path("d/evidence.csv")];
    let full = crate::util::assess(&fw, Some(&listed), &ev_files, Some("2023")).unwrap();
    for format in ["csv", "table", "md"] {
        let args = [
            "score",
            "-u",
            "$WD/d/units.csv",
            "--period",
            "2023",
            "--format",
            format,
            "$WD/d/evidence.csv",
        ];
        let out = wd.run(&args);
        out.assert_ok();
        let format = <Format as clap::ValueEnum>::from_str(format, true).unwrap();
        assert_eq!(out.stdout, kaohe::render::report::ranking(&fw, &full, Lang::En, format));
    }
    // The canonical JSON result, streamed.
    let unlisted = crate::util::assess(&fw, None, &ev_files, None).unwrap();
    for (args, a) in [
        (
            &[
                "score",
                "-u",
                "$WD/d/units.csv",
                "--period",
                "2023",
                "--format",
                "json",
                "$WD/d/evidence.csv",
            ][..],
            &full,
        ),
        (&["score", "--format", "json", "$WD/d/evidence.csv"][..], &unlisted),
    ] {
        let out = wd.run(args);
        out.assert_ok();
        let want = kaohe::render::json::result_text(&fw, a).replace(dir, "$WD");
        assert_eq!(out.stdout, want);
    }
    for unit in ["T1", "D3", "E5"] {
        for format in ["table", "csv", "json"] {
            let args = [
                "explain",
                unit,
                "-u",
                "$WD/d/units.csv",
                "--period",
                "2023",
                "--format",
                format,
                "$WD/d/evidence.csv",
            ];
            let out = wd.run(&args);
            out.assert_ok();
            let u = full.units.iter().find(|u| u.unit == unit).unwrap();
            let format = <Format as clap::ValueEnum>::from_str(format, true).unwrap();
            let want = kaohe::render::report::explain(&fw, &full, u, Lang::En, format).replace(dir, "$WD");
            assert_eq!(out.stdout, want);
        }
    }
    // A self-assessment rosier than the team's (否 given as 是), by every
    // unit and by all but the units whose ids end in 7.
    let evidence = std::fs::read_to_string(wd.path("d/evidence.csv")).unwrap();
    let rosier = evidence.replace(",否,", ",是,");
    assert_ne!(rosier, evidence);
    wd.create("self.csv", &rosier);
    let mut some = csv::Writer::from_writer(Vec::new());
    let mut rows = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(rosier.as_bytes());
    for r in rows.records() {
        let r = r.unwrap();
        if !r[0].ends_with('7') {
            some.write_record(&r).unwrap();
        }
    }
    let some = some.into_inner().unwrap();
    assert!(some.len() < rosier.len());
    wd.create_bytes("some.csv", &some);
    for mine in ["$WD/self.csv", "$WD/some.csv"] {
        for format in ["json", "csv"] {
            let args = [
                "score",
                "-u",
                "$WD/d/units.csv",
                "--self",
                mine,
                "--format",
                format,
                "$WD/d/evidence.csv",
            ];
            let out = wd.run(&args);
            assert_eq!(out.code, 0, "{}", out.stderr);
            assert!(out.stdout.contains("self_score") || format == "csv");
            // Units left out of the self-assessment are named.
            assert_eq!(out.stderr.is_empty(), mine.ends_with("self.csv"), "{}", out.stderr);
            if format == "json" {
                // Each self-assessed score is the self-assessment's own
                // score, as a run of its own gives it.
                let own = wd.run(&["score", "-u", "$WD/d/units.csv", "--format", "json", mine]);
                assert_eq!(own.code, 0, "{}", own.stderr);
                let own: serde_json::Value = serde_json::from_str(&own.stdout).unwrap();
                let got: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
                let mut compared = 0;
                for u in got["units"].as_array().unwrap() {
                    let mine = own["units"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|o| o["unit"] == u["unit"])
                        .unwrap();
                    match u.get("self_score") {
                        Some(score) => {
                            assert_eq!(score, &mine["score"], "{}", u["unit"]);
                            compared += 1;
                        }
                        None => assert!(u["unit"].as_str().unwrap().ends_with('7'), "{}", u["unit"]),
                    }
                }
                assert!(compared > 40, "{compared}");
            }
        }
    }
    // `check`: the same summary line, with or without the units file.
    for args in [
        &["check", "-u", "$WD/d/units.csv", "$WD/d/evidence.csv"][..],
        &["check", "$WD/d/evidence.csv"][..],
    ] {
        let out = wd.run(args);
        out.assert_ok();
        let a = if args.len() == 4 { &full } else { &unlisted };
        let values = crate::detailed::load(&ev_files, &fw, None).unwrap().values();
        let c = counts_of(a, 1, values);
        let want = format!(
            "\nEvidence OK: 1 file(s), {} units, {} values; {} missing, {} not applicable\n",
            c.units, c.values, c.missing, c.exempt
        );
        assert!(out.stdout.contains(&want), "{}\n{want}", out.stdout);
    }
    // A CSV file is streamed: a BOM, then the same bytes.
    let out = wd.run(&[
        "score",
        "-u",
        "$WD/d/units.csv",
        "-o",
        "$WD/out.csv",
        "$WD/d/evidence.csv",
    ]);
    out.assert_ok();
    let stdout = wd.run(&[
        "score",
        "-u",
        "$WD/d/units.csv",
        "--format",
        "csv",
        "$WD/d/evidence.csv",
    ]);
    let file = std::fs::read(wd.path("out.csv")).unwrap();
    assert_eq!(file, [b"\xEF\xBB\xBF".as_slice(), stdout.stdout.as_bytes()].concat());
}

/// Problems of every kind, in one file each: the engine scores none of
/// them, and the command says what the tests' own reader finds.
#[test]
fn problems_are_worded_as_the_tests_reader_finds_them() {
    let fw = Framework::embedded().unwrap();
    let wd = Workdir::new();
    let cases: &[(&str, &[u8])] = &[
        ("dup.csv", b"unit,indicator,value\nT01,A1,2\nT02,A1,1\nT01,A1,3\n"),
        ("bad.csv", b"unit,indicator,value\nT01,A3,\xe4\xb9\x9f\xe8\xae\xb8\n"),
        ("unknown.csv", b"unit,indicator,value\nT01,A12,1\n"),
        ("ragged.csv", b"unit,indicator,value\nT01,A1\n"),
        ("na.csv", "unit,indicator,value\nT01,A1,不适用\n".as_bytes()),
        ("neg.csv", b"unit,indicator,value\nT01,A1,-1\n"),
        ("empty-unit.csv", b"unit,indicator,value\n,A1,1\n"),
        // GBK is read on the bulk path; a byte GBK has no use for is not.
        ("gbk.csv", b"unit,indicator,value\r\nT01,A3,\xca\xc7\r\nT01,A1,\xff\r\n"),
        // UTF-16 cut in the middle of a code unit.
        (
            "utf16.csv",
            b"\xff\xfeu\x00n\x00i\x00t\x00,\x00A\x001\x00\n\x00T\x000\x001\x00,\x001\x00\n\x00\n",
        ),
        ("nul.csv", b"unit,indicator,value\nT01,A1,1\0\n"),
        ("clause.csv", b"unit,indicator,value\nT01,B1,1\n"),
    ];
    // Not a regular file (a pipe would be read once only): left alone.
    #[cfg(unix)]
    assert!(bulk::assess(&fw, None, &[PathBuf::from("/dev/null")], None).is_none());
    for (name, bytes) in cases {
        let p = wd.create_bytes(name, bytes);
        assert!(
            bulk::assess(&fw, None, std::slice::from_ref(&p), None).is_none(),
            "{name}: the engine must give up"
        );
        // …and the command reports exactly what the tests' reader finds.
        let out = wd.run(&["score", "--format", "csv", "--lang", "en", p.to_str().unwrap()]);
        let found = crate::detailed::load(std::slice::from_ref(&p), &fw, None).unwrap_err();
        let mut want: Vec<String> = found.0.iter().map(|d| format!("error: {d}")).collect();
        if want.len() > 1 {
            want.push(format!("error: {} problems found; nothing was written", want.len()));
        }
        let dir = wd.path("").display().to_string();
        let want: Vec<String> = want
            .iter()
            .map(|l| l.replace(dir.trim_end_matches('/'), "$WD"))
            .collect();
        assert_eq!(out.stderr.lines().collect::<Vec<_>>(), want, "{name}");
        assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{name}");
    }
}

#[test]
fn spellings_and_rounding_match_cell_by_cell() {
    // Values on the fast parsers' edges next to ones they leave to the
    // rule's own reading, on rules whose amounts need rounding.
    let fw_text = r#"
[framework]
id = "edges"
title = "边界"
total = 20
[[grade]]
name = "好"
min = 0
[[indicator]]
id = "R"
name = "比例"
points = 5
rule = { type = "target", target = 3 }
fractions = true
[[indicator]]
id = "S"
name = "差额"
points = 5
rule = { type = "target", target = 2.5, per = 0.3 }
fractions = true
[[indicator]]
id = "T"
name = "档次"
points = 5
rule = { type = "tiers", tiers = [[95.5, 5], [80, 3], [-1, 1]] }
fractions = true
[[indicator]]
id = "D"
name = "直接"
points = 5
rule = { type = "direct" }
"#;
    let values = [
        "1",
        "2",
        "0.01",
        "0.005",
        "2.999",
        "3",
        "1000000000000",
        "1.0000000001",
        "0.12345678901234",
        "95%",
        " 95.5 ％",
        "９５．５",
        "+1",
        "-0",
        ".5",
        "2.",
        "0",
        "00012",
        "1.25",
        "4.995",
        "4.994",
        "5",
        "3 %",
    ];
    let wd = Workdir::new();
    let fw = Framework::parse(fw_text, "edges.toml").unwrap();
    let mut csv = String::from("unit,indicator,value\n");
    let mut n = 0;
    for (k, v) in values.iter().enumerate() {
        for ind in ["R", "S", "T", "D"] {
            if ind == "D"
                && ![
                    "1", "2", "0.01", "0.005", "2.999", "3", "1.25", "4.995", "4.994", "5", "+1", "-0", ".5", "2.", "0",
                ]
                .contains(v)
            {
                continue;
            }
            csv.push_str(&format!("U{k:02},{ind},\"{v}\"\n"));
            n += 1;
        }
    }
    assert!(n > 60);
    let p = wd.create("edges.csv", &csv);
    let fast = bulk::assess(&fw, None, std::slice::from_ref(&p), None).expect("bulk path");
    let slow = crate::util::assess(&fw, None, std::slice::from_ref(&p), None).unwrap();
    assert_eq!(renders(&fw, &fast), renders(&fw, &slow));
}

#[test]
fn large_points_use_wide_cells() {
    // Points beyond 655 do not fit the narrow cells: the wide ones give the
    // same ranking.
    let fw_text = r#"
[framework]
id = "wide"
title = "大分值"
total = 1000
[[grade]]
name = "好"
min = 600
[[grade]]
name = "差"
min = 0
[[indicator]]
id = "A"
name = "甲"
points = 700.5
rule = { type = "target", target = 7 }
fractions = true
[[indicator]]
id = "B"
name = "乙"
points = 299.5
rule = { type = "count", per = 33.3 }
"#;
    let wd = Workdir::new();
    let fw = Framework::parse(fw_text, "wide.toml").unwrap();
    let mut csv = String::from("unit,indicator,value\n");
    for u in 0..200 {
        csv.push_str(&format!("W{u},A,{}.{}\n", u % 9, u % 7));
        csv.push_str(&format!("W{u},B,{}\n", u % 11));
    }
    let p = wd.create("wide.csv", &csv);
    let fast = bulk::assess(&fw, None, std::slice::from_ref(&p), None).expect("bulk path");
    let slow = crate::util::assess(&fw, None, std::slice::from_ref(&p), None).unwrap();
    assert_eq!(renders(&fw, &fast), renders(&fw, &slow));
}

#[test]
fn several_files_tabs_and_chinese_headers() {
    let wd = Workdir::new();
    let data = synth::generate(synth::Shape::Mixed, 90, 3);
    synth::write_to(&wd.path("d"), &data).unwrap();
    let text = String::from_utf8(data.evidence.clone()).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let (header, rows) = text.split_once('\n').unwrap();
    // Split at a line end outside quotes: the generator quotes only notes,
    // and a record starting with a unit id follows a complete record.
    let lines: Vec<&str> = rows.split_inclusive('\n').collect();
    let mut cut = lines.len() / 2;
    while !lines[cut].starts_with(['T', 'D', 'E']) {
        cut += 1;
    }
    let (a, b) = (lines[..cut].concat(), lines[cut..].concat());
    wd.create("a.csv", &format!("{header}\n{a}"));
    // The second file with Chinese column names.
    let zh = header.replace(
        "unit,name,indicator,value,note,source",
        "单位,单位名称,指标,值,备注,佐证材料",
    );
    assert_ne!(zh, header);
    wd.create("b.csv", &format!("{zh}\n{b}"));
    // The two halves rank as the whole file does (the first name given
    // for a unit is its name, when no units file names it).
    let listed = ["score", "-u", "$WD/d/units.csv", "--format", "csv"];
    let whole = wd.stdout(&[&listed[..], &["$WD/d/evidence.csv"]].concat());
    assert_eq!(wd.stdout(&[&listed[..], &["$WD/b.csv", "$WD/a.csv"]].concat()), whole);
    let unlisted = ["score", "--format", "csv"];
    let whole = wd.stdout(&[&unlisted[..], &["$WD/d/evidence.csv"]].concat());
    assert_eq!(wd.stdout(&[&unlisted[..], &["$WD/a.csv", "$WD/b.csv"]].concat()), whole);
    wd.stdout(&["explain", "T2", "--format", "csv", "$WD/a.csv", "$WD/b.csv"]);
    wd.stdout(&["score", "--format", "json", "$WD/a.csv", "$WD/b.csv"]);
    // The same file twice.
    wd.run(&["score", "--format", "csv", "--lang", "en", "$WD/a.csv", "$WD/a.csv"])
        .assert_input_errors(&["error: $WD/a.csv: the same file is given twice (first as $WD/a.csv)"]);
    // A listed unit with no evidence at all is scored with everything missing.
    let mut units = std::fs::read_to_string(wd.path("d/units.csv")).unwrap();
    units.push_str("Z9,无佐证单位,市直部门\n");
    wd.create("units-z.csv", &units);
    for args in [
        &[
            "score",
            "-u",
            "$WD/units-z.csv",
            "--format",
            "csv",
            "$WD/a.csv",
            "$WD/b.csv",
        ][..],
        &[
            "explain",
            "Z9",
            "-u",
            "$WD/units-z.csv",
            "--format",
            "csv",
            "$WD/a.csv",
            "$WD/b.csv",
        ][..],
        &[
            "score",
            "-u",
            "$WD/units-z.csv",
            "--format",
            "json",
            "$WD/a.csv",
            "$WD/b.csv",
        ][..],
    ] {
        let fast = wd.run(args);
        assert_eq!(fast.code, 0, "{}", fast.stderr);
        // Z9 has no evidence: named.
        assert_eq!(
            fast.stderr,
            "warning: $WD/units-z.csv:92: unit Z9 (无佐证单位) has no evidence at all (was its file left out?); \
             every item scores 0 as missing\n"
        );
        assert!(args[0] == "explain" || fast.stdout.contains("Z9"), "{args:?}");
    }
    let fw = Framework::embedded().unwrap();
    let ab = [wd.path("a.csv"), wd.path("b.csv")];
    assert!(
        bulk::assess(&fw, None, &ab, None).is_some(),
        "two files are read on the bulk path"
    );
    let mut json = Vec::new();
    assert!(
        bulk::write_json(&fw, None, &ab, None, &mut json).is_some_and(|r| r.is_ok()),
        "and their rows found again for the JSON result"
    );
    // A header with no rows is the detailed reader's to report.
    let empty = wd.create("e.csv", "unit,indicator,value\n");
    assert!(bulk::assess(&fw, None, std::slice::from_ref(&empty), None).is_none());
    // Tab-separated.
    let tsv = wd.create("t.tsv", "unit\tindicator\tvalue\nT01\tA1\t2\nT01\tA3\t是\nT02\tA1\t1\n");
    let fast = bulk::assess(&fw, None, std::slice::from_ref(&tsv), None).expect("bulk path");
    let slow = crate::util::assess(&fw, None, std::slice::from_ref(&tsv), None).unwrap();
    assert_eq!(renders(&fw, &fast), renders(&fw, &slow));
}

mod differential {
    //! Random small evidence files built from awkward fragments: whenever
    //! the bulk path answers, it answers what the assessment in full answers; it
    //! never answers when the detailed reader finds a problem; and the
    //! problems it words are the detailed reader's.
    use super::*;
    use proptest::prelude::*;

    const UNITS: &[&str] = &["T01", "T02", " T03 ", "D01", "\u{3000}E01", "T01 ", "", "x\"y"];
    const KEYS: &[&str] = &[
        "A1", "A2", "A3", "B1/a", "B1/b", "B1", "C5", "V1", "J1", "a1", "A9", " A4 ", "K1",
    ];
    const VALUES: &[&str] = &[
        "2",
        "0",
        "1.5",
        "95%",
        " 3 ",
        "３",
        "-1",
        "+2",
        "是",
        "否",
        "√",
        "YES",
        "n",
        "不适用",
        "N/A",
        "",
        "好",
        "30/10/0/0",
        "1e3",
        "1,5",
        ".5",
        "2.",
        "\u{3000}1\u{3000}",
        "9999999999999",
        "0.005",
        "abc",
    ];
    const NOTES: &[&str] = &[
        "",
        "ok",
        "a,b",
        "say \"hi\"",
        "line\nbreak",
        "cr\rhere",
        "全角，逗号",
        " ",
    ];
    const ENDS: &[&str] = &["\n", "\r\n", "\n\n", "\r"];

    /// Valid (key, values) pairs on the built-in framework (a value between
    /// 0 and 1 on a rate is refused unless written with %).
    const CLEAN: &[(&str, &[&str])] = &[
        (
            "A1",
            &[
                "2",
                "0",
                "1.5",
                "95%",
                " 3 ",
                "３",
                ".5%",
                "2.",
                "\u{3000}1\u{3000}",
                "0.005%",
                "",
                "1.000000000001",
            ],
        ),
        ("A2", &["4", "3.25", "０．５％", "100 %", "7"]),
        ("A3", &["是", "否", "√", "YES", "n", "0", "1", "有", "×"]),
        ("B1/a", &["0", "2", " 3 ", "３", "2.0"]),
        ("B1/b", &["0", "1", "4"]),
        ("C5", &["不适用", "N/A", "na", "2", "0", "不涉及"]),
        ("V1", &["否", "是", "0", "2", "无"]),
        ("J1", &["0", "1", "3", "9"]),
        (" A4/a ", &["2", "0", "1"]),
    ];

    fn evidence() -> impl Strategy<Value = String> {
        // Mostly valid rows, unique per (unit, key); now and then an awkward
        // one from the lists above (which usually makes the file invalid).
        let clean = (0..5usize, 0..CLEAN.len(), 0..16usize, 0..NOTES.len(), 0..ENDS.len());
        let awkward = (
            0..UNITS.len(),
            0..KEYS.len(),
            0..VALUES.len(),
            0..NOTES.len(),
            0..ENDS.len(),
            0..10usize,
        );
        let row = prop_oneof![
            12 => clean.prop_map(|(u, k, v, n, e)| (true, u, k, v, n, e, 9)),
            1 => awkward.prop_map(|(u, k, v, n, e, shape)| (false, u, k, v, n, e, shape)),
        ];
        (proptest::collection::vec(row, 0..40), any::<bool>()).prop_map(|(rows, bom)| {
            let mut s = String::new();
            if bom {
                s.push('\u{feff}');
            }
            s.push_str("unit,indicator,value,note\n");
            let mut seen = std::collections::HashSet::new();
            for (is_clean, u, k, v, n, e, shape) in rows {
                let q = |t: &str| {
                    if t.contains([',', '"', '\n', '\r']) {
                        format!("\"{}\"", t.replace('"', "\"\""))
                    } else {
                        t.to_string()
                    }
                };
                let (unit, key, value) = if is_clean {
                    if !seen.insert((u, k)) {
                        continue;
                    }
                    let (key, values) = CLEAN[k];
                    (UNITS[u], key, values[v % values.len()])
                } else {
                    (UNITS[u], KEYS[k], VALUES[v])
                };
                let line = match shape {
                    0 => format!("{},{}", q(unit), q(key)),                               // ragged
                    1 => format!("{},{},{},{},", q(unit), q(key), q(value), q(NOTES[n])), // an empty extra cell
                    2 => ",,,".to_string(),
                    _ => format!("{},{},{},{}", q(unit), q(key), q(value), q(NOTES[n])),
                };
                s.push_str(&line);
                s.push_str(ENDS[e]);
            }
            s
        })
    }

    /// The engine scores exactly the files the detailed reader takes, the
    /// ranking as in full, in blocks of any size; the problems it words
    /// are the detailed reader's; and a good share of the cases are valid
    /// (most rows are clean): were every file refused, the comparison
    /// would never run and this test would still pass.
    #[test]
    fn the_engine_scores_what_the_detailed_reader_takes() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        const CASES: u32 = 64;
        let (answered, valid, worded) = (AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0));
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
            cases: CASES,
            ..ProptestConfig::default()
        });
        let fw = Framework::embedded().unwrap();
        let result = runner.run(&(evidence(), 1usize..3, any::<bool>()), |(text, workers, small)| {
            let wd = Workdir::new();
            let p = wd.create("e.csv", &text);
            let tuning = Tuning {
                block: if small { 64 } else { 1 << 20 },
                workers,
                batch: None,
            };
            let paths = std::slice::from_ref(&p);
            let (fast, told) =
                crate::util::as_the_commands(paths, Some(tuning), |files| bulk::assess(&fw, None, files, None));
            let loaded = crate::detailed::load(std::slice::from_ref(&p), &fw, None);
            let problems = told.problems;
            if !problems.is_empty() {
                // The problems it words are the detailed reader's, exactly.
                prop_assert!(fast.is_none());
                prop_assert_eq!(
                    &problems,
                    &loaded.as_ref().expect_err("the detailed reader finds them").0
                );
                worded.fetch_add(1, Ordering::Relaxed);
            }
            if loaded.is_ok() {
                valid.fetch_add(1, Ordering::Relaxed);
            }
            match fast {
                Some(fast) => {
                    answered.fetch_add(1, Ordering::Relaxed);
                    prop_assert!(loaded.is_ok(), "the engine scored what the detailed reader refuses");
                    let full = crate::util::assess(&fw, None, std::slice::from_ref(&p), None).unwrap();
                    prop_assert_eq!(renders(&fw, &fast), renders(&fw, &full));
                }
                None => prop_assert!(
                    loaded.is_err(),
                    "the detailed reader takes a file the engine did not score"
                ),
            }
            Ok(())
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        let (answered, valid, worded) = (answered.into_inner(), valid.into_inner(), worded.into_inner());
        // About two in five generated files are valid, each scored; the
        // engine words the problems of many others.
        assert!(
            answered == valid && answered >= CASES as usize / 8 && worded >= CASES as usize / 8,
            "the engine answered {answered} of {CASES} cases ({valid} valid) and worded {worded}: \
             the comparison hardly ran"
        );
    }
}

#[test]
fn wide_files_score_as_long_ones() {
    // The mixed data rewritten wide: one row per unit, one column per
    // evidence key, empty where a unit gave nothing; one unit split over two
    // rows, one row with no values, a name column given now and then.
    let i = inputs(synth::Shape::Mixed, 60, 8, true);
    let ev = crate::detailed::load(std::slice::from_ref(&i.evidence), &i.fw, i.units.as_ref()).unwrap();
    let keys: Vec<(usize, usize, String)> =
        i.fw.indicators
            .iter()
            .enumerate()
            .flat_map(|(ix, ind)| (0..ind.slots()).map(move |s| (ix, s, ind.slot_key(s))))
            .collect();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header = vec!["单位".to_string(), "name".to_string()];
    header.extend(keys.iter().map(|k| k.2.clone()));
    w.write_record(&header).unwrap();
    for (n, (unit, ue)) in ev.units.iter().enumerate() {
        let value = |ix: usize, s: usize| ue.cells(ix)[s].as_ref().map(|c| c.raw.clone()).unwrap_or_default();
        let name = if n % 3 == 0 {
            format!("{unit}名")
        } else {
            String::new()
        };
        if n == 5 {
            // Split over two rows, the name on the second.
            let half = keys.len() / 2;
            for (part, name) in [(0..half, String::new()), (half..keys.len(), name.clone())] {
                let mut row = vec![unit.clone(), name];
                row.extend(keys.iter().enumerate().map(|(k, (ix, s, _))| {
                    if part.contains(&k) {
                        value(*ix, *s)
                    } else {
                        String::new()
                    }
                }));
                w.write_record(&row).unwrap();
            }
            continue;
        }
        let mut row = vec![unit.clone(), name];
        row.extend(keys.iter().map(|(ix, s, _)| value(*ix, *s)));
        w.write_record(&row).unwrap();
    }
    let mut empty = vec!["T1".to_string(), "空行".to_string()];
    empty.extend(keys.iter().map(|_| String::new()));
    w.write_record(&empty).unwrap();
    let wd = Workdir::new();
    let p = wd.create_bytes("wide.csv", &w.into_inner().unwrap());
    for units in [i.units.as_ref(), None] {
        let fast = bulk::assess(
            &i.fw,
            units,
            bulk::Files::from(std::slice::from_ref(&p)).tuned(Tuning {
                block: 4096,
                workers: 2,
                batch: None,
            }),
            None,
        )
        .expect("wide files are read on the bulk path");
        let slow = crate::util::assess(&i.fw, units, std::slice::from_ref(&p), None).unwrap();
        assert_eq!(renders(&i.fw, &fast), renders(&i.fw, &slow));
        // The same scores as the long file's (the names are the wide file's
        // own).
        let long = crate::util::assess(&i.fw, units, std::slice::from_ref(&i.evidence), None).unwrap();
        assert_eq!(scores(&fast), scores(&long));
    }
    // explain, the JSON result and the list find each cell again by its
    // row and column, on the bulk path too.
    let period = kaohe::base::period::Period::parse("2023");
    for units in [i.units.as_ref(), None] {
        let slow = crate::util::assess(&i.fw, units, std::slice::from_ref(&p), Some("2023")).unwrap();
        let wi = Inputs {
            evidence: p.clone(),
            _wd: Workdir::new(),
            fw: i.fw.clone(),
            units: units.cloned(),
        };
        let selection = kaohe::engine::rectify::Selection::default();
        let list = kaohe::engine::rectify::build(
            &i.fw,
            &slow,
            period,
            &selection,
            kaohe::engine::rectify::Order::Rank,
            kaohe::engine::rectify::By::Unit,
        )
        .unwrap();
        let json = kaohe::render::json::result_text(&i.fw, &slow);
        for block in [1 << 20, 4096] {
            let tuning = Tuning {
                block,
                workers: 2,
                batch: None,
            };
            assert_same(&wi, &slow, tuning);
            let mut got = Vec::new();
            bulk::write_json(
                &i.fw,
                units,
                bulk::Files::from(std::slice::from_ref(&p)).tuned(tuning),
                Some("2023".into()),
                &mut got,
            )
            .expect("wide files are read on the bulk path")
            .unwrap();
            assert_eq!(String::from_utf8(got).unwrap(), json, "block {block}");
            for format in [Format::Csv, Format::Json] {
                let args = bulk::ListArgs {
                    period,
                    selection: &selection,
                    order: kaohe::engine::rectify::Order::Rank,
                    format,
                    lang: Lang::Zh,
                };
                assert_eq!(
                    bulk_list(&wi, &args, tuning),
                    built_list(&i.fw, &slow, &list, Lang::Zh, format),
                    "{format:?}, block {block}"
                );
            }
        }
    }
    // Problems in wide files are left to the detailed reader too.
    let fw = Framework::embedded().unwrap();
    for (name, text) in [
        ("dup-col.csv", "unit,A1,A1\nT01,1,2\n"),
        ("unknown-col.csv", "unit,A1,A99\nT01,1,2\n"),
        ("note-col.csv", "unit,A1,note\nT01,1,x\n"),
        ("dup-row.csv", "unit,A1,A2\nT01,1,\nT01,2,\n"),
        ("bad.csv", "unit,A1,A3\nT01,1,也许\n"),
    ] {
        let p = wd.create(name, text);
        assert!(
            bulk::assess(&fw, None, std::slice::from_ref(&p), None).is_none(),
            "{name}"
        );
        let out = wd.run(&["score", "--format", "csv", "--lang", "en", p.to_str().unwrap()]);
        // A located input error, the detailed reader's.
        let found = crate::detailed::load(std::slice::from_ref(&p), &fw, None).unwrap_err();
        let dir = wd.path("").display().to_string();
        let want = format!("error: {}\n", found.0[0]).replace(dir.trim_end_matches('/'), "$WD");
        assert!(out.code == 1 && out.stderr.starts_with(&want), "{name}: {}", out.stderr);
    }
    let ok = wd.create("split.csv", "unit,A1,A2\nT01,1,\nT01,,2\n");
    assert!(bulk::assess(&fw, None, std::slice::from_ref(&ok), None).is_some());
}

/// The rectification list built from an assessment in full (sections per unit) in
/// `format`, as the command writes it.
fn built_list(
    fw: &Framework,
    a: &Assessment,
    list: &kaohe::engine::rectify::List,
    lang: Lang,
    format: Format,
) -> String {
    let text = kaohe::render::rectify::list(fw, a, list, kaohe::engine::rectify::By::Unit, lang, format);
    match format {
        Format::Table | Format::Md => kaohe::render::output::escape_lines(&text),
        _ => text,
    }
}

/// The bulk path's rectification list, which must apply.
fn bulk_list(i: &Inputs, args: &bulk::ListArgs, tuning: Tuning) -> String {
    let mut got = Vec::new();
    bulk::write_deficiencies(
        &i.fw,
        i.units.as_ref(),
        bulk::Files::from(std::slice::from_ref(&i.evidence)).tuned(tuning),
        args,
        &mut got,
    )
    .expect("the bulk path applies")
    .unwrap();
    String::from_utf8(got).unwrap()
}

#[test]
fn bulk_deficiencies_match_the_built_list() {
    use kaohe::engine::rectify::{By, Order, Selection};
    let period = kaohe::base::period::Period::parse("2023");
    for seed in [1, 2] {
        let i = inputs(synth::Shape::Mixed, 80, seed, seed == 1);
        let slow = in_full(&i);
        let selection = Selection::default();
        let list = kaohe::engine::rectify::build(&i.fw, &slow, period, &selection, Order::Rank, By::Unit).unwrap();
        for format in [Format::Csv, Format::Table, Format::Md, Format::Json] {
            for lang in [Lang::Zh, Lang::En] {
                let want = built_list(&i.fw, &slow, &list, lang, format);
                // Tiny blocks and batches too: rows found again across many
                // chunks, items numbered on across batches.
                for (block, workers, batch) in [(1 << 20, 2, None), (2048, 3, Some(7))] {
                    let args = bulk::ListArgs {
                        period,
                        selection: &selection,
                        order: Order::Rank,
                        format,
                        lang,
                    };
                    assert_eq!(
                        bulk_list(&i, &args, Tuning { block, workers, batch }),
                        want,
                        "{format:?} {lang:?}, block {block}, {workers} workers"
                    );
                }
            }
        }
    }
}

/// Texts the CSV ledger must quote, guard against formulas or trim, the
/// Markdown must escape, the terminal must show escaped and wrap, in unit
/// names, notes and the framework's own texts; items of every reason;
/// comma- and tab-separated evidence; every format.
#[test]
fn bulk_deficiency_rows_quote_guard_and_trim_as_the_built_list() {
    use kaohe::engine::rectify::{By, Order, Selection};
    use std::fmt::Write as _;
    let period = kaohe::base::period::Period::parse("2023");
    let mut framework = synth::bench_framework();
    framework.push_str(
        "rectify_days = 30\n\n[[indicator]]\nid = \"V1\"\nkind = \"veto\"\nname = \"否决,项\"\n\
         standard = \"=出现即否决\"\nremedy = \"整改 \\\"立即\\\"，组织专题学习并召开民主生活会 形成书面整改报告 report within 30 days\"\nowner = \"-办公室\"\n\n\
         [[indicator]]\nid = \"K1\"\nkind = \"penalty\"\nname = \"扣分项\"\npoints = 6\n\
         rule = { type = \"count\", per = 2 }\nowner = \"@宣传部\"\n",
    );
    // `rectify_days` belongs to [framework]: move it there.
    let framework = framework.replacen("rectify_days = 30\n", "", 1).replacen(
        "total = 100\n",
        "total = 100\nrectify_days = 30\n",
        1,
    );
    let fw = Framework::parse(&framework, "framework.toml").unwrap();
    let notes = [
        "=SUM(A1:A2)",
        "+1 次",
        "-缺材料",
        "@某人",
        "见附件, 第2页",
        "他说\"已整改\"",
        "两行\n说明",
        "\u{3000}全角空格\u{3000}",
        "  前后空格  ",
        "普通说明",
        "",
        "a|b <b>&amp;",
        "制表\t符",
        "\u{1b}[31m红色\u{7}",
        "\u{202e}反向\u{2066}隔离\u{2028}",
        "\u{85}下一行",
        "很长的说明 第二部分文字很长很长很长 还有第三部分 以及第四部分的内容",
        "averyveryverylongwordwithoutanyspacesatallthatmustbesplit 尾",
        "“引号”、全角，标点…—",
    ];
    let values = ["", "0", "1.5", "3", "10", "100", "-"];
    for delim in [',', '\t'] {
        let wd = Workdir::new();
        let field = |s: &str| {
            if s.contains([delim, '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        let mut units = String::from("unit,name,category\n");
        let mut ev = ["unit", "indicator", "value", "note"].join(&delim.to_string()) + "\n";
        for u in 0..12usize {
            let name = ["=甲,乙", "-单位", "单位\"丙\"", "普通单位"][u % 4];
            let _ = writeln!(
                units,
                "U{u},{},{}",
                field(name).replace('\t', " "),
                ["+类", "类别"][u % 2]
            );
            for i in 0..fw.indicators.len() {
                if (u + i) % 9 == 4 {
                    continue; // no row: missing evidence
                }
                let id = &fw.indicators[i].id;
                let value = match id.as_str() {
                    "V1" => ["是", "否"][u % 2],
                    "K1" => ["0", "1", "2", "5"][u % 4],
                    _ => values[(u * 7 + i) % values.len()],
                };
                let value = if value == "-" { "" } else { value };
                let note = notes[(u * 5 + i) % notes.len()];
                let row = [format!("U{u}"), id.clone(), value.to_string(), field(note)];
                let _ = writeln!(ev, "{}", row.join(&delim.to_string()));
            }
        }
        std::fs::create_dir_all(wd.path("d")).unwrap();
        std::fs::write(wd.path("d/units.csv"), units).unwrap();
        std::fs::write(wd.path("d/evidence.csv"), ev).unwrap();
        let i = Inputs {
            evidence: wd.path("d/evidence.csv"),
            fw: Framework::parse(&framework, "framework.toml").unwrap(),
            units: Some(Units::load(&wd.path("d/units.csv")).unwrap()),
            _wd: wd,
        };
        let slow = in_full(&i);
        let reasons = [
            kaohe::engine::score::Reason::Veto,
            kaohe::engine::score::Reason::Missing,
        ];
        let kinds: Vec<_> = slow
            .units
            .iter()
            .flat_map(|u| &u.deficiencies)
            .map(|d| d.reason)
            .collect();
        for r in [
            reasons[0],
            reasons[1],
            kaohe::engine::score::Reason::Shortfall,
            kaohe::engine::score::Reason::Penalty,
        ] {
            assert!(kinds.contains(&r), "{r:?} in the data");
        }
        let selections = [
            Selection::default(),
            Selection {
                reasons: reasons.to_vec(),
                ..Selection::default()
            },
            Selection {
                min_lost: Some("1.5".parse().unwrap()),
                ..Selection::default()
            },
        ];
        for selection in &selections {
            for order in [Order::Rank, Order::Unit] {
                let list = kaohe::engine::rectify::build(&i.fw, &slow, period, selection, order, By::Unit).unwrap();
                for (lang, format) in [Lang::Zh, Lang::En]
                    .into_iter()
                    .flat_map(|l| [Format::Csv, Format::Table, Format::Md, Format::Json].map(|f| (l, f)))
                {
                    let want = built_list(&i.fw, &slow, &list, lang, format);
                    if format == Format::Json {
                        // Layout and escapes are serde_json's own, read and
                        // printed back by it.
                        let v: serde_json::Value = serde_json::from_str(&want).unwrap();
                        assert_eq!(serde_json::to_string_pretty(&v).unwrap() + "\n", want);
                    }
                    for (block, workers, batch) in [(1 << 20, 2, None), (256, 3, Some(5))] {
                        let args = bulk::ListArgs {
                            period,
                            selection,
                            order,
                            format,
                            lang,
                        };
                        assert_eq!(
                            bulk_list(&i, &args, Tuning { block, workers, batch }),
                            want,
                            "{delim:?} {lang:?} {format:?} {order:?} {selection:?}, block {block}"
                        );
                    }
                }
            }
        }
    }
}

/// The list as the command streams it, with every option, in every
/// format: the list built from the assessment in full where the option
/// asks nothing more, else a list all the same, or the mistake said.
#[test]
fn deficiencies_print_the_list_of_the_assessment_in_full() {
    use kaohe::engine::rectify::{By, Order, Selection};
    let wd = Workdir::new();
    let data = synth::generate(synth::Shape::Mixed, 60, 4);
    synth::write_to(&wd.path("d"), &data).unwrap();
    let fw = Framework::embedded().unwrap();
    let dir = wd.path("").display().to_string();
    let dir = dir.trim_end_matches('/');
    let listed = Units::load(&wd.path("d/units.csv")).unwrap();
    let evidence = [wd.path("d/evidence.csv")];
    let period = kaohe::base::period::Period::parse("2023");
    let options: &[&[&str]] = &[
        &[],
        &["--order", "unit"],
        &["--reason", "shortfall", "--reason", "veto"],
        &["--reason", "penalty", "--min-lost", "0.5"],
        &["--min-lost", "1.5"],
        &["--unit", "T1", "--unit", "E5"],
        &["--category", "乡镇（街道）"],
        &["--unit", "NOPE"],
        &["--category", "NOPE"],
        // Lists built in full (by owner, summary), for completeness.
        &["--by", "owner"],
        &["--summary"],
    ];
    for format in ["csv", "table", "md", "json"] {
        for opts in options {
            for units in [true, false] {
                let mut args = vec!["deficiencies", "--period", "2023", "--format", format];
                if units {
                    args.extend(["-u", "$WD/d/units.csv"]);
                }
                args.extend(opts.iter());
                args.push("$WD/d/evidence.csv");
                let out = wd.run(&args);
                // Categories need a units file.
                if opts.contains(&"NOPE") || (opts.contains(&"--category") && !units) {
                    assert_eq!((out.code, out.stdout.as_str()), (1, ""), "{args:?}");
                    let named = opts.iter().find(|o| !o.starts_with("--")).unwrap();
                    assert!(out.stderr.contains(named), "{args:?}: {}", out.stderr);
                    continue;
                }
                assert_eq!(out.code, 0, "{args:?}: {}", out.stderr);
                assert!(!out.stdout.is_empty(), "{args:?}");
                if opts.is_empty() {
                    let a = match units {
                        true => crate::util::assess(&fw, Some(&listed), &evidence, Some("2023")).unwrap(),
                        false => crate::util::assess(&fw, None, &evidence, Some("2023")).unwrap(),
                    };
                    let list =
                        kaohe::engine::rectify::build(&fw, &a, period, &Selection::default(), Order::Rank, By::Unit)
                            .unwrap();
                    let format = <Format as clap::ValueEnum>::from_str(format, true).unwrap();
                    let want = built_list(&fw, &a, &list, Lang::En, format).replace(dir, "$WD");
                    assert_eq!(out.stdout, want, "{args:?}");
                }
            }
        }
    }
    // Written to a file: a CSV with a BOM, whole.
    wd.run(&[
        "deficiencies",
        "-u",
        "$WD/d/units.csv",
        "-o",
        "$WD/list.csv",
        "$WD/d/evidence.csv",
    ])
    .assert_ok();
    let stdout = wd.run(&[
        "deficiencies",
        "-u",
        "$WD/d/units.csv",
        "--format",
        "csv",
        "$WD/d/evidence.csv",
    ]);
    let file = std::fs::read(wd.path("list.csv")).unwrap();
    assert_eq!(file, [b"\xEF\xBB\xBF".as_slice(), stdout.stdout.as_bytes()].concat());
}

/// Cells padded with white space that `trim_ascii` leaves (a vertical tab)
/// or that only Unicode knows (ideographic and no-break spaces) are
/// trimmed, in ids, keys, values and notes: they give what the same cells
/// without it give.
#[test]
fn padded_cells_are_trimmed() {
    let wd = Workdir::mini();
    wd.create(
        "e.csv",
        "unit,indicator,value,note\n\
         \u{b}U01,A1,是,\u{b}查\u{3000}\n\
         U01\u{3000},B1\u{b},\u{a0}3\u{b},\u{a0}x\u{b}\n\
         \u{3000}U02\u{b},\u{b}A1,\u{b}否,\n\
         U02,B1,\u{3000}2\u{3000},\u{3000}\n",
    );
    wd.create(
        "plain.csv",
        "unit,indicator,value,note\nU01,A1,是,查\nU01,B1,3,x\nU02,A1,否,\nU02,B1,2,\n",
    );
    let units = |file: &str| {
        let out = wd.stdout(&["score", "-f", "$WD/mini.toml", "--format", "json", file]);
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["units"].to_string()
    };
    assert_eq!(units("$WD/e.csv").replace("e.csv", "plain.csv"), units("$WD/plain.csv"));
    let fast = wd.run(&["score", "-f", "$WD/mini.toml", "--format", "csv", "$WD/e.csv"]);
    assert!(
        fast.stdout.contains(",U01,") && fast.stdout.contains(",U02,"),
        "{}",
        fast.stdout
    );
}

/// The mixed data saved as GBK (GB18030), UTF-16LE and UTF-16BE (with
/// their byte-order marks) is read on the bulk path, transcoded in blocks
/// as small as 2 KiB (characters cut at every kind of boundary), and gives
/// what the assessment in full gives from the same file: the ranking, a unit in
/// full with its lines (`explain`), the JSON result with the file's own
/// SHA-256, and the rectification list — which is also the UTF-8 file's.
#[test]
fn other_encodings_are_read_on_the_bulk_path() {
    use kaohe::engine::rectify::{Order, Selection};
    let period = kaohe::base::period::Period::parse("2023");
    let utf8 = inputs(synth::Shape::Mixed, 80, 3, true);
    let text = std::fs::read_to_string(&utf8.evidence).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let selection = Selection::default();
    let list_args = bulk::ListArgs {
        period,
        selection: &selection,
        order: Order::Rank,
        format: Format::Csv,
        lang: Lang::Zh,
    };
    let tuning = |block| Tuning {
        block,
        workers: 2,
        batch: None,
    };
    let want_list = bulk_list(&utf8, &list_args, tuning(1 << 20));
    let wd = Workdir::new();
    let gbk = encoding_rs::GB18030.encode(text).0.into_owned();
    let utf16 = |be: bool| {
        let mut v = if be { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        for u in text.encode_utf16() {
            v.extend(if be { u.to_be_bytes() } else { u.to_le_bytes() });
        }
        v
    };
    for (name, bytes) in [("gbk.csv", gbk), ("le.csv", utf16(false)), ("be.csv", utf16(true))] {
        let i = Inputs {
            evidence: wd.create_bytes(name, &bytes),
            _wd: Workdir::new(),
            fw: utf8.fw.clone(),
            units: utf8.units.clone(),
        };
        let slow = in_full(&i);
        for block in [1 << 20, 2048, 4099] {
            assert_same(&i, &slow, tuning(block));
            let mut got = Vec::new();
            bulk::write_json(
                &i.fw,
                i.units.as_ref(),
                bulk::Files::from(std::slice::from_ref(&i.evidence)).tuned(tuning(block)),
                Some("2023".into()),
                &mut got,
            )
            .expect("the bulk path applies")
            .unwrap();
            let mut a = slow.clone();
            a.period = Some("2023".into());
            let want = kaohe::render::json::result_text(&i.fw, &a);
            let digest = <sha2::Sha256 as sha2::Digest>::digest(&bytes);
            let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
            assert!(want.contains(&hex));
            assert_eq!(String::from_utf8(got).unwrap(), want, "{name}, block {block}");
            assert_eq!(
                bulk_list(&i, &list_args, tuning(block)),
                want_list,
                "{name}, block {block}"
            );
        }
    }
}

/// `deficiencies --summary` on the bulk path: the items found from each
/// unit's cells are the assessment in full's (every field, every unit, in list
/// order), and so are the summary and what it renders, for plain, cohort
/// and rater frameworks, with and without a units file, and selections by
/// category, reason and points lost.
#[test]
fn the_summary_from_the_cells_is_the_list_s() {
    use kaohe::engine::rectify::{By, Order, Selection};
    use kaohe::engine::score::Reason;
    let period = kaohe::base::period::Period::parse("2023");
    let mut compared = 0;
    for (shape, seed, with_units) in [
        (synth::Shape::Mixed, 1, true),
        (synth::Shape::Mixed, 2, false),
        (synth::Shape::Cohort, 3, true),
        (synth::Shape::Raters, 4, true),
    ] {
        let i = inputs(shape, 80, seed, with_units);
        let slow = in_full(&i);
        let categories: Vec<String> = slow
            .units
            .iter()
            .map(|u| u.category.clone())
            .filter(|c| !c.is_empty())
            .take(1)
            .collect();
        let selections = [
            Selection::default(),
            Selection {
                categories,
                ..Selection::default()
            },
            Selection {
                reasons: vec![Reason::Shortfall, Reason::Veto],
                ..Selection::default()
            },
            Selection {
                min_lost: Some(rust_decimal::Decimal::new(15, 1)),
                ..Selection::default()
            },
        ];
        for sel in &selections {
            for order in [Order::Rank, Order::Unit] {
                let want = kaohe::engine::rectify::build(&i.fw, &slow, period, sel, order, By::Unit).unwrap();
                let (fast, got) = bulk::summary_list(
                    &i.fw,
                    i.units.as_ref(),
                    std::slice::from_ref(&i.evidence),
                    period,
                    sel,
                    order,
                )
                .expect("the bulk path summarises clean evidence");
                assert!(want.items().count() > 0);
                assert_eq!(got.sections, want.sections, "{shape:?} {sel:?} {order:?}");
                assert_eq!(
                    got.units.iter().map(|e| e.unit).collect::<Vec<_>>(),
                    want.units.iter().map(|e| e.unit).collect::<Vec<_>>()
                );
                let (s, t) = (
                    kaohe::engine::rectify::summary(&i.fw, &got),
                    kaohe::engine::rectify::summary(&i.fw, &want),
                );
                assert_eq!(s, t);
                for format in [Format::Table, Format::Md, Format::Json, Format::Csv] {
                    assert_eq!(
                        kaohe::render::rectify::summary(&i.fw, &fast, &s, Lang::Zh, format),
                        kaohe::render::rectify::summary(&i.fw, &slow, &t, Lang::Zh, format)
                    );
                }
                let issue = kaohe::render::issue::Issue::default();
                assert_eq!(
                    kaohe::render::html::deficiency_summary(&i.fw, &fast, &s, &issue, Lang::Zh),
                    kaohe::render::html::deficiency_summary(&i.fw, &slow, &t, &issue, Lang::Zh)
                );
                compared += 1;
            }
        }
    }
    assert_eq!(compared, 32);
}

/// Every unit in full on the bulk path (what workbooks, web pages, letters
/// and lists by owner are made from) is the assessment in full's assessment,
/// field for field — values, notes, sources, the lines they were given on,
/// raters, cohort facts, deficiencies, digests — over plain data with
/// quoted notes across lines, CRLF and a byte-order mark, wide files, and
/// cohort and rater frameworks.
#[test]
fn every_unit_in_full_is_alike_in_any_blocks() {
    let mut n = 0;
    for (shape, seed, with_units) in [
        (synth::Shape::Mixed, 0, true),
        (synth::Shape::Mixed, 1, false),
        (synth::Shape::Mixed, 2, true),
        (synth::Shape::Mixed, 3, true),
        (synth::Shape::Cohort, 1, true),
        (synth::Shape::Raters, 2, true),
    ] {
        let i = inputs(shape, 80, seed, with_units);
        let slow = in_full(&i);
        let fast = bulk::assess_full(
            &i.fw,
            i.units.as_ref(),
            std::slice::from_ref(&i.evidence),
            Some("2023".into()),
        )
        .expect("the bulk path assesses clean evidence in full");
        assert!(fast.inputs.iter().all(|f| f.sha256.len() == 64));
        assert!(fast.units.iter().all(|u| u.indicators.len() == i.fw.indicators.len()));
        assert_eq!(fast, slow, "{shape:?} seed {seed}");
        n += 1;
    }
    assert_eq!(n, 6);
    // Lines as the detailed reader numbers them: blank lines (LF and CRLF)
    // before quoted and plain rows, notes across lines, a last row without
    // a line end.
    let fw = Framework::parse(
        "[framework]\nid = \"l\"\ntitle = \"行\"\ntotal = 10\n\n[[grade]]\nname = \"好\"\nmin = 0\n\n\
         [[indicator]]\nid = \"A\"\nname = \"甲\"\npoints = 5\nrule = { type = \"check\" }\n\n\
         [[indicator]]\nid = \"B\"\nname = \"乙\"\npoints = 5\nrule = { type = \"check\" }\n",
        "l.toml",
    )
    .unwrap();
    let wd = Workdir::new();
    let path = wd.create(
        "e.csv",
        "unit,indicator,value,note\r\n\r\nU1,A,是,\"两\n行\"\r\n\n\r\n\"U1\",B,否,x\nU2,A,是,\n\n\n\"U2\",\"B\",是,\"a\r\nb\"\r\nU3,A,是,\n\"U3\",B,否,last",
    );
    let slow = crate::util::assess(&fw, None, std::slice::from_ref(&path), None).unwrap();
    let fast = bulk::assess_full(&fw, None, std::slice::from_ref(&path), None).expect("the bulk path takes it");
    let lines = |a: &Assessment| -> Vec<(String, u64)> {
        let mut v: Vec<_> = a
            .units
            .iter()
            .flat_map(|u| u.indicators.iter().map(move |r| (u.unit.clone(), r.origin.unwrap().1)))
            .collect();
        v.sort();
        v
    };
    // Worked out by hand from the file above.
    let want: Vec<(String, u64)> = [("U1", 3), ("U1", 7), ("U2", 8), ("U2", 11), ("U3", 13), ("U3", 14)]
        .iter()
        .map(|&(u, l)| (u.to_string(), l))
        .collect();
    assert_eq!(lines(&slow), want);
    assert_eq!(fast, slow);
}

/// What `check` counts of evidence that scores: the files, units and
/// values read and the items missing or 不适用, from the cells as they
/// are counted from the detailed reader's evidence and the results in
/// full.
#[test]
fn check_counts_from_the_cells_are_those_of_the_units_in_full() {
    use kaohe::engine::score::Checked;
    let mut n = 0;
    for (shape, seed, with_units) in [
        (synth::Shape::Mixed, 0, true),
        (synth::Shape::Mixed, 1, false),
        (synth::Shape::Mixed, 4, true),
        (synth::Shape::Cohort, 1, true),
        (synth::Shape::Raters, 2, true),
        (synth::Shape::Raters, 3, false),
    ] {
        let i = inputs(shape, 80, seed, with_units);
        let ev = crate::detailed::load(std::slice::from_ref(&i.evidence), &i.fw, i.units.as_ref()).unwrap();
        let full = in_full(&i);
        let want = counts_of(&full, 1, ev.values());
        assert!(
            want.missing > 0 && want.values > 0,
            "{shape:?} seed {seed}: the data tries little"
        );
        let fast = bulk::check(&i.fw, i.units.as_ref(), std::slice::from_ref(&i.evidence))
            .expect("the bulk path checks clean evidence");
        assert_eq!(fast, want, "{shape:?} seed {seed}");
        n += 1;
    }
    assert_eq!(n, 6);
    // Counted by hand: a value empty or blank is none (U1 B, U3 A: two
    // items missing), 不适用 is one (U2 A: one item exempt); four values.
    let fw = Framework::parse(
        "[framework]\nid = \"c\"\ntitle = \"数\"\ntotal = 10\n\n[[grade]]\nname = \"好\"\nmin = 0\n\n\
         [[indicator]]\nid = \"A\"\nname = \"甲\"\npoints = 5\nexempt = true\nrule = { type = \"check\" }\n\n\
         [[indicator]]\nid = \"B\"\nname = \"乙\"\npoints = 5\nrule = { type = \"check\" }\n",
        "c.toml",
    )
    .unwrap();
    let wd = Workdir::new();
    let long = wd.create(
        "long.csv",
        "unit,indicator,value\nU1,A,是\nU1,B,\nU2,A,不适用\nU2,B,否\nU3,A,\"  \"\nU3,B,是\n",
    );
    let wide = wd.create("wide.csv", "unit,A,B\nU1,是,\nU2,不适用,否\nU3,,是\n");
    let want = Checked {
        files: 1,
        units: 3,
        values: 4,
        missing: 2,
        exempt: 1,
    };
    for path in [&long, &wide] {
        assert_eq!(
            bulk::check(&fw, None, std::slice::from_ref(path)),
            Some(want),
            "{}",
            path.display()
        );
    }
    let both = [long, wide];
    assert_eq!(
        bulk::check(&fw, None, &both),
        None,
        "each unit's items given twice: the detailed reader names the duplicates"
    );
}

/// Units of the units file without any value — no row at all (ids ending
/// in 7) or rows whose values are all empty (ids ending in 3) — are scored
/// on the bulk path as on the assessment in full, every item missing, and told
/// for the warning, in the units file's order.
#[test]
fn units_without_evidence_are_scored_every_item_missing() {
    let mut n = 0;
    for (shape, seed) in [
        (synth::Shape::Mixed, 5),
        (synth::Shape::Cohort, 2),
        (synth::Shape::Raters, 4),
    ] {
        let i = inputs(shape, 90, seed, true);
        let units = i.units.as_ref().unwrap();
        let mut rows = csv::Reader::from_path(&i.evidence).unwrap();
        let header = rows.headers().unwrap().clone();
        let value = header.iter().position(|h| h == "value").unwrap();
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(&header).unwrap();
        for r in rows.records() {
            let r = r.unwrap();
            let id = r[0].trim_start_matches('\u{feff}');
            if id.ends_with('7') {
                continue;
            }
            let blank = id.ends_with('3');
            out.write_record(
                r.iter()
                    .enumerate()
                    .map(|(k, f)| if blank && k == value { "" } else { f }),
            )
            .unwrap();
        }
        std::fs::write(&i.evidence, out.into_inner().unwrap()).unwrap();
        let want: Vec<&str> = units
            .units
            .keys()
            .map(String::as_str)
            .filter(|id| id.ends_with('7') || id.ends_with('3'))
            .collect();
        assert!(want.len() >= 10, "{want:?}");
        let slow = in_full(&i);
        for block in [1 << 20, 1500] {
            let tuning = Tuning {
                block,
                workers: 3,
                batch: Some(7),
            };
            assert_same(&i, &slow, tuning);
            let told = std::sync::Mutex::new(kaohe::engine::bulk::Told::default());
            let files = bulk::Files::from(std::slice::from_ref(&i.evidence))
                .tuned(tuning)
                .telling(&told);
            let full = bulk::assess_full(&i.fw, i.units.as_ref(), files, Some("2023".into()))
                .expect("the bulk path scores units without evidence");
            assert_eq!(full, slow, "{shape:?}");
            assert_eq!(told.lock().unwrap().silent, want, "{shape:?}");
            let unnamed: Vec<&str> = want.iter().copied().filter(|id| id.ends_with('7')).collect();
            assert_eq!(told.lock().unwrap().unnamed, unnamed, "{shape:?}: no row names these");
            // `check`'s counts and the rectification list, every base item
            // of such a unit missing.
            let ev = crate::detailed::load(std::slice::from_ref(&i.evidence), &i.fw, i.units.as_ref()).unwrap();
            let counts = counts_of(&slow, 1, ev.values());
            assert_eq!(bulk::check(&i.fw, i.units.as_ref(), files), Some(counts), "{shape:?}");
            let period = kaohe::base::period::Period::parse("2023");
            let selection = kaohe::engine::rectify::Selection::default();
            let order = kaohe::engine::rectify::Order::Rank;
            let list = kaohe::engine::rectify::build(
                &i.fw,
                &slow,
                period,
                &selection,
                order,
                kaohe::engine::rectify::By::Unit,
            )
            .unwrap();
            let args = bulk::ListArgs {
                period,
                selection: &selection,
                order,
                format: Format::Csv,
                lang: Lang::Zh,
            };
            assert_eq!(
                bulk_list(&i, &args, tuning),
                built_list(&i.fw, &slow, &list, Lang::Zh, Format::Csv),
                "{shape:?}"
            );
            let mut json = Vec::new();
            bulk::write_json(&i.fw, i.units.as_ref(), files, Some("2023".into()), &mut json)
                .expect("the bulk path applies")
                .unwrap();
            assert_eq!(
                String::from_utf8(json).unwrap(),
                kaohe::render::json::result_text(&i.fw, &slow),
                "{shape:?}"
            );
        }
        n += 1;
    }
    assert_eq!(n, 3);
}

/// Title rows above the header and columns of the office's own (联系人,
/// 填报时间) beside the evidence, as exports from Excel have them: read
/// on the bulk path as on the detailed reader, the columns left aside with
/// the same notice at the header's line.
#[test]
fn title_rows_and_columns_of_ones_own_are_read_on_the_bulk_path() {
    let i = inputs(synth::Shape::Mixed, 70, 6, true);
    let text = std::fs::read_to_string(&i.evidence).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let mut own = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
    header.insert(1, "联系人".into());
    header.push("填报时间".into());
    own.write_record(&header).unwrap();
    for (k, r) in rows.records().enumerate() {
        let mut r: Vec<String> = r.unwrap().iter().map(str::to_string).collect();
        r.insert(1, format!("张{}", k % 7));
        r.push(format!("2023-12-{:02}", k % 28 + 1));
        own.write_record(&r).unwrap();
    }
    let own = String::from_utf8(own.into_inner().unwrap()).unwrap();
    let title = "2023年度意识形态工作责任制考核佐证汇总表,,\n\n,,,\n填报单位：宣传部\n";
    let wd = Workdir::new();
    let slow = in_full(&i);
    // (file, the notice's line: the header's, under four lines of title)
    for (name, body, notice) in [
        ("titled.csv", format!("\u{feff}{title}{text}"), None),
        ("own.csv", own.clone(), Some(1)),
        ("both.csv", format!("{}{own}", title.replace('\n', "\r\n")), Some(5)),
    ] {
        let path = wd.create(name, &body);
        let told = std::sync::Mutex::new(bulk::Told::default());
        let files = [path.clone()];
        let full = bulk::assess_full(
            &i.fw,
            i.units.as_ref(),
            bulk::Files::from(&files).telling(&told),
            Some("2023".into()),
        )
        .expect("the bulk path reads it");
        read_alike(&i, &files, &full, name);
        // The scores are those of the file without title rows or columns
        // of one's own; only the lines differ where title rows come first.
        let lines = |a: &Assessment| -> Vec<u64> {
            a.units
                .iter()
                .flat_map(|u| u.indicators.iter().filter_map(|r| r.origin.map(|o| o.1)))
                .collect()
        };
        if name == "titled.csv" {
            let moved: Vec<u64> = lines(&slow).iter().map(|l| l + 4).collect();
            assert_eq!(lines(&full), moved, "{name}");
        }
        assert_eq!(scores(&full), scores(&slow), "{name}");
        let notices: Vec<(u64, String)> = told
            .lock()
            .unwrap()
            .notices
            .iter()
            .map(|d| (d.line.unwrap(), d.message.clone()))
            .collect();
        let want: Vec<(u64, String)> = notice
            .map(|line| {
                (
                    line,
                    "column(s) “联系人”, “填报时间” not used: not evidence columns, ignored".to_string(),
                )
            })
            .into_iter()
            .collect();
        assert_eq!(notices, want, "{name}");
        for format in ["csv", "json"] {
            let args = [
                "score",
                "--lang",
                "en",
                "-u",
                "$WD/u.csv",
                "--format",
                format,
                &format!("$WD/{name}"),
            ];
            std::fs::copy(i.units.as_ref().unwrap().path.as_str(), wd.path("u.csv")).unwrap();
            let fast = wd.run(&args);
            assert_eq!(fast.code, 0, "{name} {format}: {}", fast.stderr);
            assert_eq!(notice.is_some(), fast.stderr.contains("not used"), "{}", fast.stderr);
        }
    }
}

/// A workbook is read on the bulk path as the detailed reader reads it: a
/// long sheet under title rows, with blank rows, numbers stored as numbers,
/// notes of several lines and with commas and quotes, and a column of the
/// office's own; and a wide sheet; and a sheet chosen with `--sheet`. Each
/// value, note and source is the detailed reader's, located by the row
/// written for it and its column, and the scores are those of the CSV it
/// came from.
#[test]
fn workbooks_are_read_as_the_detailed_reader_reads_them() {
    use crate::util::{Xl, texts, write_xlsx};
    let i = inputs(synth::Shape::Mixed, 70, 6, true);
    let slow = in_full(&i);
    let text = std::fs::read_to_string(&i.evidence).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let cell = |c: &str| -> Xl {
        match c.parse::<f64>() {
            Ok(n) if n.to_string() == c => Xl::Num(n),
            _ if c.is_empty() => Xl::Blank,
            _ => Xl::Text(c.to_string()),
        }
    };
    // The long sheet: three rows of title, the header on row 4.
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    header.insert(1, "联系人".into());
    assert_eq!(header[4], "value");
    let note = header.iter().position(|h| h == "note").unwrap();
    let mut long: Vec<Vec<Xl>> = vec![
        texts(&["2023年度意识形态工作责任制考核佐证汇总表"]),
        vec![],
        texts(&["填报单位：宣传部"]),
    ];
    long.push(header.iter().map(|h| cell(h)).collect());
    let mut several = 0;
    for (k, rec) in r.records().enumerate() {
        if k % 17 == 5 {
            long.push(vec![]);
        }
        let mut cells: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        cells.insert(1, format!("张{}", k % 7));
        if k % 11 == 3 {
            cells[note] = format!("说明,\"引号\"\n第二行 {k}");
        }
        several += usize::from(cells[note].contains('\n'));
        long.push(cells.iter().map(|c| cell(c)).collect());
    }
    assert!(several > 10, "notes of several lines push rows down");
    // The wide sheet: one title row.
    let wide_rows = synth::wide_table(text.as_bytes());
    let mut wide: Vec<Vec<Xl>> = vec![texts(&["汇总表"])];
    wide.extend(wide_rows.iter().map(|r| r.iter().map(|c| cell(c)).collect()));
    let wd = Workdir::new();
    std::fs::copy(i.units.as_ref().unwrap().path.as_str(), wd.path("u.csv")).unwrap();
    let cell_text = |x: &Xl| match x {
        Xl::Text(s) => s.trim().to_string(),
        Xl::Num(n) => n.to_string(),
        _ => String::new(),
    };
    for (name, sheet, rows, notice) in [
        ("long.xlsx", "佐证", &long, Some(4)),
        ("wide.xlsx", "宽表", &wide, None),
    ] {
        let path = wd.path(name);
        write_xlsx(&path, &[(sheet, rows.clone())]);
        let files = [path.clone()];
        let books = [Some(crate::util::as_text(&path, None).expect("read as text"))];
        let told = std::sync::Mutex::new(bulk::Told::default());
        for tuning in two_tunings() {
            let full = bulk::assess_full(
                &i.fw,
                i.units.as_ref(),
                bulk::Files::from(&files)
                    .with_books(&books)
                    .telling(&told)
                    .tuned(tuning),
                Some("2023".into()),
            )
            .expect("the bulk path reads a workbook");
            read_alike(&i, &files, &full, name);
            assert_eq!(scores(&full), scores(&slow), "{name}");
            assert_eq!(full.inputs[0].worksheet.as_deref(), Some(sheet));
            // Each value shown is in the cell its origin names, of a row
            // of its unit.
            let mut located = 0;
            for u in &full.units {
                for r in &u.indicators {
                    let ind = &i.fw.indicators[r.index];
                    let (Some((0, line, col)), Some(value)) = (r.origin, &r.value) else {
                        continue;
                    };
                    if ind.raters.is_some() || ind.slots() > 1 {
                        continue;
                    }
                    let row = &rows[line as usize - 1];
                    assert_eq!(cell_text(&row[0]), u.unit, "{name}: row {line}");
                    assert_eq!(
                        &cell_text(&row[col as usize]),
                        value,
                        "{name}: row {line}, column {col}"
                    );
                    if name == "long.xlsx" {
                        assert_eq!(col, 4, "the value column");
                    }
                    located += 1;
                }
            }
            assert!(located > 1000, "{name}: {located}");
        }
        let notices: Vec<(Option<u64>, Option<String>, String)> = told
            .lock()
            .unwrap()
            .notices
            .iter()
            .map(|d| (d.line, d.sheet.clone(), d.message.clone()))
            .collect();
        let want: Vec<_> = notice
            .map(|line| {
                (
                    Some(line),
                    Some(sheet.to_string()),
                    "column(s) “联系人” not used: not evidence columns, ignored".to_string(),
                )
            })
            .into_iter()
            .collect();
        assert_eq!(notices, want, "{name}");
        let unit = slow.units[7].unit.clone();
        let file = format!("$WD/{name}");
        for args in [
            &["score", "--format", "csv"][..],
            &["score", "--format", "json"],
            &["deficiencies", "--format", "csv"],
            &["explain", "--format", "md", &unit],
            &["check"],
        ] {
            let mut args = args.to_vec();
            args.extend(["--lang", "en", "-u", "$WD/u.csv", &file]);
            let fast = wd.run(&args);
            assert_eq!(fast.code, 0, "{args:?}: {}", fast.stderr);
        }
    }
    // The worksheet chosen with --sheet, behind one the reader would take
    // first: read as that sheet alone is.
    let path = wd.path("two.xlsx");
    write_xlsx(&path, &[("旧", long[..40].to_vec()), ("佐证", long.clone())]);
    let chosen = crate::util::as_text(&path, Some("佐证")).unwrap();
    let alone = crate::util::as_text(&wd.path("long.xlsx"), None).unwrap();
    assert_eq!(
        (chosen.text, chosen.input.worksheet),
        (alone.text, alone.input.worksheet)
    );
    let args = |file: &'static str| ["score", "--format", "csv", "-u", "$WD/u.csv", "--sheet", "佐证", file];
    let fast = wd.run(&args("$WD/two.xlsx"));
    assert_eq!(fast.code, 0, "{}", fast.stderr);
    assert_eq!(fast.stdout, wd.run(&args("$WD/long.xlsx")).stdout);
}

/// Rows of a filled-in template that nobody filled (no unit, nothing
/// given: only the item's own columns) are passed over on the bulk path as
/// the detailed reader passes them over; a row without a unit that gives
/// something is left to the detailed reader, which names it.
#[test]
fn rows_of_a_template_nobody_filled_are_passed_over_on_the_bulk_path() {
    let i = inputs(synth::Shape::Mixed, 60, 8, true);
    let slow = in_full(&i);
    let text = std::fs::read_to_string(&i.evidence).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    header.insert(3, "indicator_name".into());
    w.write_record(&header).unwrap();
    let keys: Vec<String> = i.fw.indicators.iter().map(|ind| ind.id.clone()).collect();
    let mut unfilled = 0;
    for (k, rec) in r.records().enumerate() {
        let mut row: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        row.insert(3, format!("指标 {}", row[2]));
        w.write_record(&row).unwrap();
        if k % 9 == 4 {
            let key = &keys[k % keys.len()];
            let mut empty = vec![String::new(); header.len()];
            (empty[2], empty[3]) = (key.clone(), format!("指标 {key}"));
            w.write_record(&empty).unwrap();
            unfilled += 1;
        }
    }
    assert!(unfilled > 100);
    let filled = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let wd = Workdir::new();
    let path = wd.create("filled.csv", &filled);
    let files = [path.clone()];
    let full = bulk::assess_full(&i.fw, i.units.as_ref(), bulk::Files::from(&files), Some("2023".into()))
        .expect("the bulk path passes unfilled rows over");
    read_alike(&i, &files, &full, "filled.csv");
    assert_eq!(results_but_where(&full), results_but_where(&slow));
    // A row without a unit that gives a note: the detailed reader says so, at
    // its line (the header's, 1, and two more).
    let mut lines: Vec<&str> = filled.lines().collect();
    lines.insert(3, ",,A1,指标 A1,,漏填单位,");
    let named = wd.create("named.csv", &(lines.join("\n") + "\n"));
    assert!(bulk::assess(&i.fw, i.units.as_ref(), std::slice::from_ref(&named), None).is_none());
    std::fs::copy(i.units.as_ref().unwrap().path.as_str(), wd.path("u.csv")).unwrap();
    for (file, code, command) in [
        ("$WD/filled.csv", 0, "score"),
        ("$WD/filled.csv", 0, "deficiencies"),
        ("$WD/filled.csv", 0, "check"),
        ("$WD/named.csv", 1, "score"),
    ] {
        let mut args = vec![command, "--lang", "en", "-u", "$WD/u.csv", file];
        if command != "check" {
            args.extend(["--format", "json"]);
        }
        let fast = wd.run(&args);
        assert_eq!(fast.code, code, "{}", fast.stderr);
        if code == 1 {
            assert!(
                fast.stderr
                    .contains("named.csv:4: column \"unit\": the unit id is empty"),
                "{}",
                fast.stderr
            );
        }
    }
}

/// Random workbooks, long and wide, with title rows, blank rows and notes
/// of commas, quotes, tabs, CRs, line ends and spaces of every kind: the
/// bulk path reads each as the detailed reader does, field for field (the
/// location of every value included).
#[test]
fn random_workbooks_are_read_as_the_detailed_reader_reads_them() {
    use crate::util::{Xl, texts, write_xlsx};
    let pieces = [
        ",", "\"", "\n", "\r", "\r\n", "\t", " ", "\u{3000}", "\u{a0}", "a", "中", "1",
    ];
    for seed in 0..24u64 {
        let mut rng = synth::Rng::new(seed);
        let i = inputs(synth::Shape::Mixed, 8 + seed as usize % 9, seed, seed % 3 != 0);
        let text = std::fs::read_to_string(&i.evidence).unwrap();
        let text = text.trim_start_matches('\u{feff}');
        let cell = |c: &str| {
            if c.is_empty() {
                Xl::Blank
            } else {
                Xl::Text(c.to_string())
            }
        };
        let mut rows: Vec<Vec<Xl>> = Vec::new();
        for k in 0..rng.below(4) {
            rows.push(texts(&[&format!("标题 {k}")]));
        }
        let wide = seed % 2 == 1;
        let table: Vec<Vec<String>> = if wide {
            synth::wide_table(text.as_bytes())
        } else {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(text.as_bytes());
            r.records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect()
        };
        let note = table[0].iter().position(|h| h == "note");
        for (k, mut row) in table.into_iter().enumerate() {
            if k > 0 && rng.chance(10) {
                rows.push(vec![]);
            }
            if let Some(n) = note.filter(|_| k > 0 && rng.chance(40)) {
                row[n] = (0..rng.below(7)).map(|_| *rng.pick(&pieces)).collect();
            }
            rows.push(row.iter().map(|c| cell(c)).collect());
        }
        let wd = Workdir::new();
        let path = wd.path("e.xlsx");
        write_xlsx(&path, &[("佐证", rows)]);
        let files = [path.clone()];
        let books = [Some(crate::util::as_text(&path, None).expect("read as text"))];
        let full = bulk::assess_full(
            &i.fw,
            i.units.as_ref(),
            bulk::Files::from(&files).with_books(&books),
            Some("2023".into()),
        )
        .unwrap_or_else(|| panic!("seed {seed}: the bulk path reads the workbook"));
        read_alike(&i, &files, &full, &format!("seed {seed} (wide: {wide})"));
    }
}

/// A byte-order mark starting rows (exports pasted together, their headers
/// taken out), plain rows and rows with quoted notes across lines among
/// them, is dropped on the bulk path as on the assessment in full: the units in
/// full are the assessment in full's, the scores those of the file without it.
#[test]
fn a_byte_order_mark_starting_a_row_is_dropped_on_the_bulk_path() {
    let i = inputs(synth::Shape::Mixed, 50, 12, true);
    let slow = in_full(&i);
    let text = std::fs::read_to_string(&i.evidence).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let mut out = String::new();
    out.push_str(&r.headers().unwrap().iter().collect::<Vec<_>>().join(","));
    out.push('\n');
    let (mut marked, mut quoted) = (0, 0);
    for (k, rec) in r.records().enumerate() {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        w.write_record(&rec.unwrap()).unwrap();
        let line = String::from_utf8(w.into_inner().unwrap()).unwrap();
        if k % 7 == 3 {
            out.push_str(if k % 2 == 0 { "\u{feff}" } else { "\u{feff}\u{feff}" });
            marked += 1;
            quoted += usize::from(line.contains('"'));
        }
        out.push_str(&line);
    }
    assert!(marked > 300 && quoted > 10, "{marked} {quoted}");
    let wd = Workdir::new();
    let path = wd.create("pasted.csv", &out);
    let files = [path.clone()];
    let full = bulk::assess_full(&i.fw, i.units.as_ref(), bulk::Files::from(&files), Some("2023".into()))
        .expect("the bulk path drops the marks");
    read_alike(&i, &files, &full, "pasted.csv");
    assert_eq!(results_but_where(&full), results_but_where(&slow));
    std::fs::copy(i.units.as_ref().unwrap().path.as_str(), wd.path("u.csv")).unwrap();
    for format in ["csv", "json"] {
        let args = [
            "score",
            "--lang",
            "en",
            "-u",
            "$WD/u.csv",
            "--format",
            format,
            "$WD/pasted.csv",
        ];
        let fast = wd.run(&args);
        assert_eq!(fast.code, 0, "{format}: {}", fast.stderr);
    }
}

/// The problems the detailed reader finds while scoring — a value for an item
/// outside the unit's category, 不适用 for some clauses only, every base
/// item 不适用, items missing under `missing = "error"` (at the units
/// file's line, at an empty value, at a clause given) — are said on the
/// bulk path, located and in the assessment in full's order, whatever the
/// blocks, in long and wide files, with and without a units file.
#[test]
fn problems_found_while_scoring_are_said_on_the_bulk_path() {
    let fw_text = crate::fixtures::SCORED_BY_CATEGORY;
    const KEYS: [&str; 4] = ["A1", "C1/a", "C1/b", "X1"];
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Mistake {
        None,
        /// A row left out (or, in a long file, its value left empty).
        Missing,
        /// X1 given by a unit of 街道.
        Outside,
        /// C1/a 不适用, C1/b a count; now and then A1 left out besides
        /// (said after, though A1 comes first).
        Partial,
        /// A1 and both clauses 不适用 by a unit of 街道.
        AllExempt,
    }
    let mut rng = synth::Rng::new(23);
    let (mut worded, mut clean, mut outside_noted) = (0, 0, 0);
    let mut seen = std::collections::HashSet::new();
    for case in 0..16u64 {
        let n = 40 + rng.below(80) as usize;
        let mut units = String::from("unit,name,category\n");
        // Per unit: its value for each key (None: no row or an empty cell).
        let mut rows: Vec<(String, bool, [Option<String>; 4])> = Vec::new();
        for u in 0..n {
            let id = format!("U{u:03}");
            let town = rng.chance(60);
            let category = if town { "乡镇" } else { "街道" };
            units.push_str(&format!("{id},单位{u},{category}\n"));
            if case % 4 == 3 && rng.chance(3) {
                continue; // a unit of the units file without a row
            }
            let mut values = [
                Some(rng.pick(&["是", "否"]).to_string()),
                Some(rng.below(4).to_string()),
                Some(rng.below(3).to_string()),
                town.then(|| format!("{}.{}", rng.below(10), rng.below(100))),
            ];
            let mistake = match case % 4 {
                0 => Mistake::None,
                _ if !rng.chance(8) => Mistake::None,
                _ => *rng.pick(&[Mistake::Missing, Mistake::Outside, Mistake::Partial, Mistake::AllExempt]),
            };
            match mistake {
                Mistake::None => {}
                Mistake::Missing => values[rng.below(4) as usize] = None,
                Mistake::Outside if !town => values[3] = Some("5".into()),
                Mistake::Partial => {
                    values[1] = Some("不适用".into());
                    values[2] = Some("1".into());
                    if rng.chance(50) {
                        values[0] = None;
                    }
                }
                Mistake::AllExempt if !town => {
                    for v in &mut values[..3] {
                        *v = Some("不适用".into());
                    }
                }
                _ => {}
            }
            seen.insert(format!("{mistake:?}"));
            rows.push((id, town, values));
        }
        let wd = Workdir::new();
        wd.create("sp.toml", fw_text);
        let fw = Framework::parse(fw_text, "sp.toml").unwrap();
        let list = Units::load(&wd.create("units.csv", &units)).unwrap();
        // Long, its rows shuffled so that a unit's lie in several blocks;
        // an empty value now and then instead of a row left out. In some
        // cases, X1 empty for units of 街道 too, with a note: no problem,
        // the note shown.
        let empty_outside = case % 5 == 1 || case % 8 == 4;
        let mut long: Vec<String> = Vec::new();
        let (mut outside_values, mut outside_empty) = (false, false);
        for (id, town, values) in &rows {
            for (key, v) in KEYS.iter().zip(values) {
                let (x, town) = (key.starts_with('X'), *town);
                outside_values |= x && !town && v.is_some();
                match v {
                    Some(v) => long.push(format!("{id},{key},{v},")),
                    None if rng.chance(30) && (!x || (empty_outside && !town)) => {
                        outside_empty |= x;
                        let note = if x { "街道无此项工作" } else { "" };
                        long.push(format!("{id},{key},,{note}"));
                    }
                    None => {}
                }
            }
        }
        rng.shuffle(&mut long);
        let long = wd.create("long.csv", &format!("unit,indicator,value,note\n{}\n", long.join("\n")));
        let wide: Vec<String> = (rows.iter())
            .map(|(id, _, values)| {
                let cells: Vec<&str> = values.iter().map(|v| v.as_deref().unwrap_or("")).collect();
                format!("{id},{}", cells.join(","))
            })
            .collect();
        let wide = wd.create("wide.csv", &format!("unit,{}\n{}\n", KEYS.join(","), wide.join("\n")));
        for (file, with_units) in [(&long, true), (&wide, true), (&long, false)] {
            let noted = file == &long && with_units && outside_empty && !outside_values;
            let units = with_units.then_some(&list);
            let paths = std::slice::from_ref(file);
            let detailed = crate::util::assess(&fw, units, paths, None);
            if let (true, Ok(a)) = (noted, &detailed) {
                // The notes of X1 for units of 街道, in every unit's
                // results in full, as the assessment in full gives them.
                let full = bulk::assess_full(&fw, units, paths, None).expect("the bulk path shows the notes");
                let json = kaohe::render::json::result_text(&fw, &full);
                assert!(json.contains("街道无此项工作"), "case {case}");
                assert_eq!(json, kaohe::render::json::result_text(&fw, a), "case {case}");
                outside_noted += 1;
            }
            let want = detailed.err();
            for tuning in two_tunings() {
                let told = std::sync::Mutex::new(bulk::Told::default());
                let files = bulk::Files::from(paths).telling(&told).tuned(tuning);
                let got = bulk::check(&fw, units, files);
                let told = told.into_inner().unwrap();
                let what = format!("case {case}, {}, units file: {with_units}", file.display());
                match &want {
                    None => {
                        assert!(got.is_some(), "{what}: the bulk path scores it");
                        assert!(told.problems.is_empty() && !told.scoring, "{what}");
                    }
                    Some(want) => {
                        assert!(got.is_none(), "{what}");
                        assert!(told.scoring, "{what}: said as problems found while scoring");
                        assert_eq!(texts(&told.problems), *want, "{what}");
                    }
                }
            }
            match want {
                None => clean += 1,
                Some(_) => worded += 1,
            }
        }
    }
    // Every kind of mistake was made, and most runs have some.
    assert_eq!(seen.len(), 5, "{seen:?}");
    assert!(
        worded >= 30 && clean >= 6 && outside_noted >= 1,
        "{worded} worded, {clean} clean, {outside_noted} with notes outside a category"
    );
}

/// A rater's value for an item outside the unit's category, and a rater
/// item missing under `missing = "error"`, are said on the bulk path as on
/// the assessment in full: the first rater giving a value (not an earlier empty
/// one), the unit's line for an item no rater gave.
#[test]
fn rater_items_outside_a_category_or_missing_are_said_on_the_bulk_path() {
    let fw_text = r#"[framework]
id = "rt"
title = "评议"
total = 20
missing = "error"

[[grade]]
name = "好"
min = 0

[[indicator]]
id = "R1"
name = "述职评议"
points = 10
raters = "mean"
rule = { type = "direct" }

[[indicator]]
id = "R2"
name = "乡镇评议"
points = 10
raters = "median"
applies_to = ["乡镇"]
exempt = true
rule = { type = "direct" }

[[indicator]]
id = "P1"
name = "乡镇台账"
points = 2
kind = "bonus"
applies_to = ["乡镇"]
rule = { type = "direct" }
"#;
    let wd = Workdir::new();
    let fw = Framework::parse(fw_text, "rt.toml").unwrap();
    let list = Units::load(&wd.create(
        "units.csv",
        "unit,name,category\nT1,甲,乡镇\nT2,乙,乡镇\nK1,丙,开发区\nK2,丁,开发区\n",
    ))
    .unwrap();
    let head = "unit,indicator,评分人,value\n";
    let cases = [
        // K2's R2: 乙 empty first, then 甲 with a value (line 8).
        "T1,R1,甲,5\nT1,R2,甲,3\nT2,R1,甲,\nT2,R2,甲,4\nK1,R1,甲,3\nK2,R2,乙,\nK2,R2,甲,5\nK2,R1,甲,3\n",
        // R2 from K1 and K2, both outside, K2's before K1's in the file.
        "K2,R2,丙,不适用\nT1,R1,甲,5\nT1,R2,甲,3\nT2,R1,甲,2\nT2,R2,甲,4\nK1,R1,甲,3\nK1,R2,乙,2\nK2,R1,甲,3\n",
        // Only empty values outside: no problem there; T1's R2 missing.
        "T1,R1,甲,5\nT1,R2,甲,\nT2,R1,甲,1\nT2,R2,甲,4\nK1,R1,甲,3\nK1,R2,甲,\nK2,R1,甲,3\n",
        // K1's P1 empty (a note, no problem), K2's R2 a rater's value: the
        // run has a problem all the same.
        "T1,R1,甲,5\nT1,R2,甲,3\nT2,R1,甲,1\nT2,R2,甲,4\nK1,R1,甲,3\nK1,P1,,\nK2,R1,甲,3\nK2,R2,乙,6\n",
    ];
    for (n, rows) in cases.iter().enumerate() {
        let e = wd.create(&format!("e{n}.csv"), &format!("{head}{rows}"));
        let paths = std::slice::from_ref(&e);
        let want = crate::util::assess(&fw, Some(&list), paths, None).expect_err("problems found while scoring");
        for tuning in two_tunings() {
            let told = std::sync::Mutex::new(bulk::Told::default());
            let files = bulk::Files::from(paths).telling(&told).tuned(tuning);
            assert!(bulk::assess(&fw, Some(&list), files, None).is_none());
            let told = told.into_inner().unwrap();
            assert!(told.scoring, "case {n}: said by the bulk path");
            assert_eq!(texts(&told.problems), want, "case {n}");
        }
    }
}

/// A file given twice is a problem of reading: the run is not scored, so
/// the problems found while scoring the file read once are not said, on
/// the bulk path as on the assessment in full.
#[test]
fn a_file_given_twice_is_not_scored_for_its_problems() {
    let wd = Workdir::new();
    let fw = Framework::parse(crate::fixtures::SCORED_BY_CATEGORY, "f.toml").unwrap();
    let list = Units::load(&wd.create("units.csv", "unit,name,category\nU01,甲镇,乡镇\nU02,乙街道,街道\n")).unwrap();
    // U02 (街道) gives X1, which only 乡镇 take.
    let e = wd.create(
        "e.csv",
        "unit,indicator,value\nU01,A1,是\nU01,C1/a,1\nU01,C1/b,0\nU01,X1,3\nU02,A1,否\nU02,C1/a,2\nU02,C1/b,1\nU02,X1,5\n",
    );
    let once = std::slice::from_ref(&e);
    crate::detailed::load(once, &fw, Some(&list)).expect("the file reads");
    assert_eq!(
        crate::util::assess(&fw, Some(&list), once, None).unwrap_err(),
        // U02 (街道) gives X1 on line 9.
        [format!(
            "{}:9: unit U02 is in category \"街道\", and indicator X1 concerns 乡镇 only: \
             it takes no evidence (it is not applicable to this unit)",
            e.display()
        )],
        "a problem found while scoring"
    );
    let twice = [e.clone(), wd.path("e.csv").parent().unwrap().join(".").join("e.csv")];
    let want = crate::detailed::load(&twice, &fw, Some(&list)).unwrap_err();
    assert_eq!(want.0.len(), 1, "{want}");
    for tuning in two_tunings() {
        let told = std::sync::Mutex::new(bulk::Told::default());
        let files = bulk::Files::from(&twice[..]).telling(&told).tuned(tuning);
        assert!(bulk::assess(&fw, Some(&list), files, None).is_none());
        let told = told.into_inner().unwrap();
        assert!(!told.scoring);
        assert_eq!(told.problems, want.0);
    }
}

/// The bulk path's own reading of `evidence`, checked: `None` with the
/// problems it words (as problems of reading, or of scoring), or the
/// assessment it scores, with no problem told.
fn on_the_bulk_path(
    fw: &Framework,
    units: Option<&Units>,
    evidence: &PathBuf,
) -> Result<Assessment, (bool, kaohe::base::diag::Diagnostics)> {
    let mut found = Vec::new();
    for tuning in two_tunings() {
        let told = std::sync::Mutex::new(bulk::Told::default());
        let files = bulk::Files::from(std::slice::from_ref(evidence))
            .telling(&told)
            .tuned(tuning);
        let a = bulk::assess(fw, units, files, None);
        let told = told.into_inner().unwrap();
        found.push(match a {
            Some(a) => {
                assert!(told.problems.is_empty(), "scored, with problems told");
                Ok(a)
            }
            None => {
                assert!(!told.problems.is_empty(), "given up on {}", evidence.display());
                Err((told.scoring, kaohe::base::diag::Diagnostics(told.problems)))
            }
        });
    }
    let last = found.pop().unwrap();
    assert_eq!(
        format!(
            "{:?}",
            found.pop().unwrap().as_ref().map(scores).map_err(|e| e.1.to_string())
        ),
        format!("{:?}", last.as_ref().map(scores).map_err(|e| e.1.to_string())),
        "the same whatever the tuning"
    );
    last
}

/// An item whose categories read rates on other scales than its rule: a
/// value is read by the rule of the unit's category on the bulk path, as
/// the detailed reader reads it, whether it is refused or scored.
#[test]
fn a_fraction_is_read_by_the_unit_s_category_on_the_bulk_path() {
    let wd = Workdir::new();
    let fw = Framework::parse(crate::mistakes::RATES, "rates.toml").unwrap();
    let list = Units::load(&wd.create("units.csv", "unit,name,category\nA,甲镇,乡镇\nB,乙局,部门\n")).unwrap();
    // A's T1 0.96: its category's target is 100, not the rule's 1; B's T1
    // and T2 0.96, read by the rule's target 1 and 部门's thresholds 0.9
    // and 0.8, are meant.
    let e = wd.create(
        "e.csv",
        "unit,indicator,value\nA,B6,96\nA,T1,0.96\nA,T2,96\nB,B6,96\nB,T1,0.96\nB,T2,0.96\n",
    );
    let (scoring, problems) = on_the_bulk_path(&fw, Some(&list), &e).expect_err("A's T1 is refused");
    assert!(!scoring, "a problem of reading");
    assert_eq!(
        problems.to_string(),
        format!(
            "{}:3: column \"value\": unit A, indicator T1: 0.96 looks like a percentage written as a fraction (75% is 75, not 0.75): this indicator's target is above 1 for 乡镇; if 0.96 is meant, write \"0.96%\", or set fractions = true on the indicator in the framework",
            e.display()
        )
    );
    // Typed as meant, by hand: A 10 × 96/100 = 9.60, 10 × min(96/100, 1)
    // = 9.60, 96 ≥ 95: 10; 29.20. B 9.60, 10 × min(0.96/1, 1) = 9.60,
    // 0.96 ≥ 0.9: 10; 29.20. B's B6 0.5% (a rate of 0.5 of a target of 100):
    // 10 × 0.5/100 = 0.05, so 19.65.
    let meant = wd.create(
        "meant.csv",
        "unit,indicator,value\nA,B6,96\nA,T1,96\nA,T2,96\nB,B6,0.5%\nB,T1,0.96\nB,T2,0.96\n",
    );
    let a = on_the_bulk_path(&fw, Some(&list), &meant).expect("scored on the bulk path");
    assert_eq!(
        scores(&a),
        [
            ("A".to_string(), "29.20".parse().unwrap()),
            ("B".to_string(), "19.65".parse().unwrap())
        ]
    );
}

/// A framework out of `total` whose first item, A1, deducts 1 of its 10
/// points a time; the items that follow are the caller's.
fn deduction_out_of(total: u32) -> String {
    format!(
        "[framework]\nid = \"sv\"\ntitle = \"测评\"\ntotal = {total}\n\n[[grade]]\nname = \"好\"\nmin = 0\n\n\
         [[indicator]]\nid = \"A1\"\nname = \"扣分\"\npoints = 10\nrule = {{ type = \"deduct\", per = 1 }}\n"
    )
}

/// A survey without votes (0/0/0) is written, but has no amount: missing
/// evidence on the bulk path as on the assessment in full, for an item with
/// options per category too, and a value refused for a unit of a category
/// the item does not concern.
#[test]
fn a_survey_without_votes_is_scored_and_said_on_the_bulk_path() {
    let fw = Framework::parse(
        &format!(
            r#"{}
[[indicator]]
id = "S1"
name = "乡镇测评"
points = 10
applies_to = ["乡镇"]
rule = {{ type = "survey", survey = [["好", 100], ["较好", 80], ["一般", 60]] }}

[[indicator]]
id = "S2"
name = "群众测评"
points = 10
rule = {{ type = "survey", survey = [["好", 100], ["较好", 80], ["一般", 60]], by_category = {{ "部门" = {{ survey = [["好", 100], ["较好", 50], ["一般", 0]] }} }} }}
"#,
            deduction_out_of(30)
        ),
        "sv.toml",
    )
    .unwrap();
    let wd = Workdir::new();
    let list = Units::load(&wd.create("units.csv", "unit,name,category\nU1,一,乡镇\nU2,二,部门\n")).unwrap();
    // By hand: U1 10 − 1 = 9, S1 0/0/0 missing 0, S2 10 × (2×100 + 1×80
    // + 1×60)/(100 × 4) = 8.50: 17.50. U2 10 − 3 = 7, S1 不适用 (no row),
    // S2 0/0/0 by 部门's options missing 0: 7.00 of a base of 20,
    // rescaled to 30: 10.50.
    let clean = wd.create(
        "clean.csv",
        "unit,indicator,value\nU1,A1,1\nU1,S1,0/0/0\nU1,S2,2/1/1\nU2,A1,3\nU2,S2,0/0/0\n",
    );
    let a = on_the_bulk_path(&fw, Some(&list), &clean).expect("scored on the bulk path");
    assert_eq!(
        scores(&a),
        [
            ("U1".to_string(), "17.50".parse().unwrap()),
            ("U2".to_string(), "10.50".parse().unwrap())
        ]
    );
    // U2's S1 0/0/0: evidence for an item U2 is not assessed on.
    let outside = wd.create(
        "outside.csv",
        "unit,indicator,value\nU1,A1,1\nU1,S1,2/1/1\nU1,S2,2/1/1\nU2,A1,3\nU2,S1,0/0/0\nU2,S2,1/0/0\n",
    );
    let (scoring, problems) = on_the_bulk_path(&fw, Some(&list), &outside).expect_err("U2's S1 is refused");
    assert!(scoring, "a problem found while scoring");
    assert_eq!(
        problems.to_string(),
        format!(
            "{}:6: unit U2 is in category \"部门\", and indicator S1 concerns 乡镇 only: it takes no evidence (it is not applicable to this unit)",
            outside.display()
        )
    );
}

/// Raters' surveys without votes (0/0/0) on the bulk path: each shown
/// among the raters' values, none counted in the mean; a unit whose
/// raters gave only such values has evidence all the same.
#[test]
fn raters_surveys_without_votes_are_shown_on_the_bulk_path() {
    let fw = Framework::parse(
        &format!(
            r#"{}
[[indicator]]
id = "S1"
name = "测评"
points = 10
raters = "mean"
rule = {{ type = "survey", survey = [["好", 100], ["较好", 80], ["一般", 60]] }}
"#,
            deduction_out_of(20)
        ),
        "rv.toml",
    )
    .unwrap();
    let wd = Workdir::new();
    let list = Units::load(&wd.create("units.csv", "unit,name\nU1,一\nU2,二\nU3,三\n")).unwrap();
    let e = wd.create(
        "e.csv",
        "unit,indicator,评分人,value\nU1,A1,,1\nU1,S1,甲,2/1/1\nU1,S1,乙,0/0/0\n\
         U2,S1,甲,0/0/0\nU2,S1,乙,0/0/0\nU3,A1,,0\nU3,S1,甲,1/0/0\nU3,S1,乙,\n",
    );
    // By hand: U1 9 + 甲's 10 × (200 + 80 + 60)/400 = 8.50 (乙's not
    // counted): 17.50. U2 A1 missing, S1 no amount: 0.00. U3 10 + 10: 20.00.
    let a = on_the_bulk_path(&fw, Some(&list), &e).expect("scored on the bulk path");
    assert_eq!(
        scores(&a),
        [
            ("U3".to_string(), "20.00".parse().unwrap()),
            ("U1".to_string(), "17.50".parse().unwrap()),
            ("U2".to_string(), "0.00".parse().unwrap()),
        ]
    );
    let told = std::sync::Mutex::new(bulk::Told::default());
    let paths = std::slice::from_ref(&e);
    let full = bulk::assess_full(&fw, Some(&list), bulk::Files::from(paths).telling(&told), None)
        .expect("every unit in full on the bulk path");
    assert!(told.into_inner().unwrap().silent.is_empty(), "every unit gave evidence");
    let value = |u: &str| {
        let unit = full.units.iter().find(|r| r.unit == u).unwrap();
        unit.indicators[1].value.clone()
    };
    assert_eq!(value("U1").as_deref(), Some("甲 2/1/1；乙 0/0/0"));
    assert_eq!(value("U2").as_deref(), Some("甲 0/0/0；乙 0/0/0"));
    assert_eq!(value("U3").as_deref(), Some("甲 1/0/0"));
    let detailed = crate::util::assess(&fw, Some(&list), paths, None).unwrap();
    assert_eq!(
        kaohe::render::json::result_text(&fw, &full),
        kaohe::render::json::result_text(&fw, &detailed)
    );
}

/// A deduction and a yes/no item, 10 points each.
const TWO_ITEMS: &str = r#"[framework]
id = "pp"
title = "两项"
total = 20

[[grade]]
name = "好"
min = 0

[[indicator]]
id = "A1"
name = "扣分"
points = 10
rule = { type = "deduct", per = 1 }

[[indicator]]
id = "B1"
name = "落实"
points = 10
rule = { type = "check" }
"#;

/// A pipe (`<(iconv …)`) is read once, as text for the bulk path
/// (`reading::read::text_of`), and scored there; the detailed reader, which
/// words a run's problems, is given the same bytes again.
#[cfg(unix)]
#[test]
fn a_pipe_is_scored_on_the_bulk_path() {
    let fw = Framework::parse(TWO_ITEMS, "pp.toml").unwrap();
    let wd = Workdir::new();
    let fifo = wd.path("e.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Wide, in GBK, as Excel on Chinese Windows saves it.
    let text = "单位,A1,B1\n甲,2,是\n乙,0,否\n";
    let bytes = encoding_rs::GBK.encode(text).0.into_owned();
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, bytes).unwrap())
    };
    let opts = kaohe::reading::input::ReadOptions::default();
    let book = kaohe::reading::read::text_of(&fifo, &opts)
        .ok()
        .flatten()
        .expect("the pipe's text");
    writer.join().unwrap();
    assert!(book.input.worksheet.is_none());
    let paths = std::slice::from_ref(&fifo);
    let books = [Some(book)];
    // By hand: 甲 10 − 2 + 10 = 18, 乙 10 + 0 = 10.
    let want = [
        ("甲".to_string(), "18.00".parse().unwrap()),
        ("乙".to_string(), "10.00".parse().unwrap()),
    ];
    for tuning in two_tunings() {
        let files = bulk::Files::from(paths).with_books(&books).tuned(tuning);
        let a = bulk::assess(&fw, None, files, None).expect("scored on the bulk path");
        assert_eq!(scores(&a), want);
        let full = bulk::assess_full(
            &fw,
            None,
            bulk::Files::from(paths).with_books(&books).tuned(tuning),
            None,
        )
        .expect("in full on the bulk path");
        let at: Vec<Option<(u64, u32)>> = (full.units[0].indicators.iter())
            .map(|i| i.origin.map(|(_, line, col)| (line, col)))
            .collect();
        assert_eq!(at, [Some((2, 0)), Some((2, 0))], "located by line, as a CSV file is");
    }
    // The pipe gave its bytes once; the detailed reader is given them again.
    let ev = crate::detailed::load(paths, &fw, None).expect("read again");
    assert_eq!(ev.units.len(), want.len());
}

/// A CSV file whose lines end in CR alone ("CSV (Macintosh)") is given to
/// the bulk path as text with LF line ends (`reading::read::text_of`); a CR
/// within a quoted cell stays. Both readers locate a record by its row.
#[test]
fn a_file_of_cr_line_ends_is_scored_on_the_bulk_path() {
    let fw = Framework::parse(TWO_ITEMS, "pp.toml").unwrap();
    let wd = Workdir::new();
    let opts = kaohe::reading::input::ReadOptions::default();
    let e = wd.create(
        "e.csv",
        "unit,indicator,value,note\rU1,A1,2,\"第一\r第二\"\rU1,B1,是,\rU2,A1,0,\rU2,B1,否,\r",
    );
    let paths = std::slice::from_ref(&e);
    let books = [Some(
        kaohe::reading::read::text_of(&e, &opts)
            .ok()
            .flatten()
            .expect("the file as text"),
    )];
    // By hand: U1 10 − 2 + 10 = 18, U2 10 + 0 = 10.
    let want = [
        ("U1".to_string(), "18.00".parse().unwrap()),
        ("U2".to_string(), "10.00".parse().unwrap()),
    ];
    let a = bulk::assess(&fw, None, bulk::Files::from(paths).with_books(&books), None).expect("on the bulk path");
    assert_eq!(scores(&a), want);
    let full = bulk::assess_full(&fw, None, bulk::Files::from(paths).with_books(&books), None).expect("in full");
    let u1 = &full.units[0].indicators[0];
    assert_eq!((u1.note.as_str(), u1.origin.map(|o| o.1)), ("第一\r第二", Some(2)));
    let u2 = &full.units[1].indicators[0];
    assert_eq!(u2.origin.map(|o| o.1), Some(4), "U2's A1 on row 4");
    let ev = crate::detailed::load(paths, &fw, None).expect("the detailed reader");
    let at = |u: &str| ev.units[u].cells(0)[0].as_ref().map(|c| c.line);
    assert_eq!((at("U1"), at("U2")), (Some(2), Some(4)), "the detailed reader's rows");
    // A value refused on row 4: said there by both readers.
    let bad = wd.create(
        "bad.csv",
        "unit,indicator,value\rU1,A1,2\rU1,B1,是\rU2,A1,x\rU2,B1,否\r",
    );
    let paths = std::slice::from_ref(&bad);
    let books = [Some(
        kaohe::reading::read::text_of(&bad, &opts)
            .ok()
            .flatten()
            .expect("the file as text"),
    )];
    let told = std::sync::Mutex::new(bulk::Told::default());
    assert!(
        bulk::assess(
            &fw,
            None,
            bulk::Files::from(paths).with_books(&books).telling(&told),
            None
        )
        .is_none()
    );
    let detailed = crate::detailed::load(paths, &fw, None).expect_err("refused");
    let told = kaohe::base::diag::Diagnostics(told.into_inner().unwrap().problems);
    assert_eq!(told.to_string(), detailed.to_string());
    assert_eq!(
        detailed.to_string(),
        format!(
            "{}:4: column \"value\": unit U2, indicator A1: \"x\" is not a number",
            bad.display()
        )
    );
}

/// A worksheet whose cell formats cannot be read (here a Format record of
/// percent.xls running past its end) is read on the bulk path: a fraction
/// on a rate refused there, in the detailed reader's words, at its cell;
/// with `fractions = true` on every item, the same values scored as the
/// same cells in a CSV file.
#[test]
fn a_worksheet_of_unread_formats_is_read_on_the_bulk_path() {
    let wd = Workdir::new();
    let ev = wd.create_bytes("e.xls", &crate::xlsx_input::percent_xls_of_unread_formats());
    let paths = std::slice::from_ref(&ev);
    let opts = kaohe::reading::input::ReadOptions::default();
    let book = kaohe::reading::read::text_of(&ev, &opts)
        .ok()
        .flatten()
        .expect("the worksheet as text");
    assert!(book.fractions_unknown, "the formats are not read");
    let books = [Some(book)];
    let mut fw = Framework::load(None, None).unwrap();
    let detailed = crate::detailed::load(paths, &fw, None).expect_err("fractions refused");
    assert_eq!(detailed.0.len(), 4, "{detailed}");
    let told = std::sync::Mutex::new(bulk::Told::default());
    let files = bulk::Files::from(paths).with_books(&books).telling(&told);
    assert!(bulk::assess(&fw, None, files, None).is_none());
    assert_eq!(told.into_inner().unwrap().problems, detailed.0);
    // Every fraction meant as written.
    for ind in &mut fw.indicators {
        ind.fractions = true;
    }
    crate::detailed::load(paths, &fw, None).expect("the detailed reader takes them");
    // The same cells as a CSV file.
    let csv = [wd.create_bytes("e.csv", &books[0].as_ref().unwrap().text)];
    let want = scores(&crate::util::assess(&fw, None, &csv, None).unwrap());
    let a = bulk::assess(&fw, None, bulk::Files::from(paths).with_books(&books), None).expect("on the bulk path");
    assert_eq!(scores(&a), want);
}

/// A CSV file of CR line ends in UTF-16, a character of it holding a byte
/// 0x0A (上, U+4E0A), and one in UTF-8 longer than the sample its
/// encoding is told from: each given to the bulk path as text, a record
/// located by its row on both readers.
#[test]
fn cr_line_ends_are_found_in_utf16_and_past_the_sample() {
    let fw = Framework::parse(TWO_ITEMS, "pp.toml").unwrap();
    let wd = Workdir::new();
    let opts = kaohe::reading::input::ReadOptions::default();
    let text = "unit,indicator,value,note\rU1,A1,2,上级\rU1,B1,是,\rU2,A1,x,\rU2,B1,否,\r";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let e16 = wd.create_bytes("u16.csv", &utf16);
    // Past 64 KiB, cut mid-character if cut at a fixed length.
    let mut long = String::from("unit,indicator,value,note\r");
    for u in 0..1500 {
        long.push_str(&format!("U{u:04},A1,1,说明说明说明说明说明说明说明\rU{u:04},B1,是,\r"));
    }
    long.push_str("U9999,A1,x,\r");
    let e8 = wd.create("long.csv", &long);
    for (e, line) in [(&e16, 4), (&e8, 3002)] {
        let paths = std::slice::from_ref(e);
        let books = [Some(
            kaohe::reading::read::text_of(e, &opts)
                .ok()
                .flatten()
                .expect("the file as text"),
        )];
        let told = std::sync::Mutex::new(bulk::Told::default());
        assert!(
            bulk::assess(
                &fw,
                None,
                bulk::Files::from(paths).with_books(&books).telling(&told),
                None
            )
            .is_none()
        );
        let detailed = crate::detailed::load(paths, &fw, None).expect_err("refused");
        assert_eq!(
            kaohe::base::diag::Diagnostics(told.into_inner().unwrap().problems).to_string(),
            detailed.to_string()
        );
        let unit = if line == 4 { "U2" } else { "U9999" };
        assert_eq!(
            detailed.to_string(),
            format!(
                "{}:{line}: column \"value\": unit {unit}, indicator A1: \"x\" is not a number",
                e.display()
            )
        );
    }
}

/// A value refused on an item with parameters per category, where the
/// category's rule and the item's own both read rates: worded on the
/// bulk path by the unit's category, as the detailed reader words it.
#[test]
fn a_value_refused_is_worded_by_the_unit_s_category_on_the_bulk_path() {
    let fw = Framework::parse(
        &format!(
            "{}\n[[indicator]]\nid = \"R3\"\nname = \"率\"\npoints = 10\n\
             rule = {{ type = \"target\", target = 100, by_category = {{ \"乡镇\" = {{ target = 50 }} }} }}\n",
            deduction_out_of(20)
        ),
        "r3.toml",
    )
    .unwrap();
    let wd = Workdir::new();
    let list = Units::load(&wd.create("units.csv", "unit,name,category\nU1,一,乡镇\nU2,二,部门\n")).unwrap();
    let e = wd.create(
        "e.csv",
        "unit,indicator,value\nU1,A1,1\nU1,R3,0.5\nU2,A1,0\nU2,R3,0.5\n",
    );
    let (scoring, problems) = on_the_bulk_path(&fw, Some(&list), &e).expect_err("both refused");
    assert!(!scoring);
    let said = |line: u32, unit: &str, whose: &str| {
        format!(
            "{}:{line}: column \"value\": unit {unit}, indicator R3: 0.5 looks like a percentage written as a fraction (75% is 75, not 0.75): this indicator's target is above 1{whose}; if 0.5 is meant, write \"0.5%\", or set fractions = true on the indicator in the framework",
            e.display()
        )
    };
    assert_eq!(
        problems.to_string(),
        [said(3, "U1", " for 乡镇"), said(5, "U2", "")].join("\n")
    );
}
