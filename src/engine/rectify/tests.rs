use super::*;
use crate::engine::score::{GradeReason, IndicatorResult, Status};
use proptest::prelude::*;

/// 20 points over six base items (two may be 不适用), a capped bonus, two
/// penalties sharing a cap of 3, a veto. Grades 18 / 15 / 12 / 0.
const FW: &str = r#"
[framework]
id = "t"
title = "测试指标体系"
total = 20
bonus_cap = 2
penalty_cap = 3
rectify_days = 30

[[grade]]
name = "好"
min = 18
[[grade]]
name = "较好"
min = 15
[[grade]]
name = "一般"
min = 12
[[grade]]
name = "差"
min = 0

[[group]]
id = "A"
name = "甲"
[[group]]
id = "B"
name = "乙"

[[indicator]]
id = "A1"
group = "A"
name = "一"
points = 5
rule = { type = "direct" }
owner = "党委书记"
[[indicator]]
id = "A2"
group = "A"
name = "二"
points = 4
rule = { type = "direct" }
exempt = true
owner = "宣传部"
[[indicator]]
id = "A3"
group = "A"
name = "三"
points = 3
rule = { type = "direct" }
owner = "宣传部"
[[indicator]]
id = "B1"
group = "B"
name = "四"
points = 4
rule = { type = "direct" }
owner = "办公室"
[[indicator]]
id = "B2"
group = "B"
name = "五"
points = 2
rule = { type = "direct" }
owner = "宣传部"
[[indicator]]
id = "B3"
group = "B"
name = "六"
points = 2
rule = { type = "direct" }
exempt = true
owner = "办公室"
[[indicator]]
id = "J1"
kind = "bonus"
name = "加"
points = 2
rule = { type = "direct" }
[[indicator]]
id = "K1"
kind = "penalty"
name = "减一"
points = 2
rule = { type = "direct" }
owner = "党委书记"
[[indicator]]
id = "K2"
kind = "penalty"
name = "减二"
points = 2
rule = { type = "direct" }
owner = "办公室"
[[indicator]]
id = "V1"
kind = "veto"
name = "否"
owner = "党委书记"
"#;

fn fw() -> Framework {
    Framework::parse(FW, "t.toml").unwrap()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Outcomes from a compact spec: one entry per indicator in framework
/// order: a number is an amount, `-` missing, `na` exempt, `x` a triggered
/// veto, `ok` a clear veto.
fn outs(spec: &str) -> Vec<Outcome> {
    spec.split_whitespace()
        .map(|s| match s {
            "-" => Outcome::Missing,
            "na" => Outcome::Exempt,
            "x" => Outcome::Triggered,
            "ok" => Outcome::Clear,
            n => Outcome::Amount(d(n)),
        })
        .collect()
}

fn ids(fw: &Framework, ng: &NextGrade) -> Vec<String> {
    ng.fixes.iter().map(|f| fw.indicators[f.index].id.clone()).collect()
}

fn gains(ng: &NextGrade) -> Vec<String> {
    ng.fixes.iter().map(|f| f.gain.to_string()).collect()
}

/// The way to the next grade of a unit with these outcomes, whose grade
/// is what its own totals give (no quota).
fn ng_of(fw: &Framework, o: &[Outcome]) -> Option<NextGrade> {
    let (grade, reason) = crate::engine::grade::own_grade(fw, &score::totals(fw, o));
    next_grade(fw, o, grade, reason)
}

/// Re-score with the advised fixes made: the unit must reach the grade.
fn check_fixed(fw: &Framework, o: &[Outcome], ng: &NextGrade) {
    let set: Vec<usize> = ng.fixes.iter().map(|f| f.index).collect();
    let t = rescore(fw, o, &set);
    assert_eq!(t.score, ng.score);
    assert_eq!(crate::engine::grade::own_grade(fw, &t).0 <= ng.grade, ng.reachable);
    let before = score::totals(fw, o).score;
    let sum: Decimal = ng.fixes.iter().map(|f| f.gain).sum();
    assert_eq!(before + sum, ng.score, "gains add up");
}

/// Brute force over every subset of the base items with points lost: the
/// fewest fixes that reach the next grade (score and conditions) and the
/// best score with that many.
fn brute(fw: &Framework, o: &[Outcome]) -> Option<(usize, Decimal)> {
    let now = score::totals(fw, o);
    let target = crate::engine::grade::own_grade(fw, &now).0.checked_sub(1)?;
    let defs: Vec<usize> = score::deficiencies(fw, o)
        .iter()
        .filter(|d| fw.indicators[d.index].kind == Kind::Base)
        .map(|d| d.index)
        .collect();
    let mut best: Option<(usize, Decimal)> = None;
    for mask in 0u32..(1 << defs.len()) {
        let set: Vec<usize> = (0..defs.len())
            .filter(|b| mask & (1 << b) != 0)
            .map(|b| defs[b])
            .collect();
        let t = rescore(fw, o, &set);
        if crate::engine::grade::own_grade(fw, &t).0 > target {
            continue;
        }
        let cand = (set.len(), t.score);
        best = match best {
            Some(b) if b.0 < cand.0 || (b.0 == cand.0 && b.1 >= cand.1) => Some(b),
            _ => Some(cand),
        };
    }
    best
}

#[test]
fn fewest_fixes_largest_first() {
    let fw = fw();
    // base 3 + 4 + 1.5 + 4 + 1 + 2 = 15.5 → 较好; 好 needs 2.5 more.
    let o = outs("3 4 1.5 4 1 2 0 0 0 ok");
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(fw.grades[ng.grade].name, "好");
    assert_eq!(ng.needed, d("2.50"));
    assert_eq!(ids(&fw, &ng), ["A1", "A3"]);
    assert_eq!(gains(&ng), ["2.00", "1.50"]);
    assert!(ng.reachable);
    assert_eq!(ng.held, None);
    assert_eq!(ng.score, d("19.00"));
    check_fixed(&fw, &o, &ng);
    assert_eq!(brute(&fw, &o), Some((2, d("19.00"))));
}

#[test]
fn one_big_fix_beats_two_small_ones() {
    let fw = fw();
    // Lost: A1 1, A2 1, A3 3 (missing), B2 1 → 14 → 一般; 较好 needs 1.
    let o = outs("4 3 - 4 1 2 0 0 0 ok");
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(fw.grades[ng.grade].name, "较好");
    assert_eq!(ng.needed, d("1.00"));
    assert_eq!(ids(&fw, &ng), ["A3"]);
    assert_eq!(brute(&fw, &o), Some((1, d("17.00"))));
}

#[test]
fn equal_losses_are_taken_in_framework_order() {
    let fw = fw();
    // A1, A3, B1 each lose 1 → 17 → 较好; 好 needs 1: any one of them.
    let o = outs("4 4 2 3 2 2 0 0 0 ok");
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(ids(&fw, &ng), ["A1"]);
    // Two needed: the first two in framework order.
    let o = outs("4 4 2 3 1.5 2 0 0 0 ok");
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(ng.needed, d("1.50"));
    assert_eq!(ids(&fw, &ng), ["A1", "A3"]);
    check_fixed(&fw, &o, &ng);
}

#[test]
fn rescaled_units_recover_more_than_they_lost() {
    let fw = fw();
    // A2 and B3 不适用: 14 applicable points, rescaled × 20/14.
    // base_sum 3 + 3 + 3 + 1 = 10 → 14.29 → 一般; 较好 needs 0.71.
    let o = outs("3 na 3 3 1 na 0 0 0 ok");
    let t = score::totals(&fw, &o);
    assert_eq!(t.score, d("14.29"));
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(ng.needed, d("0.71"));
    // A1 lost 2 → recovers 2.86, more than the 2 it lost.
    assert_eq!(ids(&fw, &ng), ["A1"]);
    assert_eq!(gains(&ng), ["2.85"]);
    check_fixed(&fw, &o, &ng);
    assert_eq!(brute(&fw, &o), Some((1, d("17.14"))));
}

#[test]
fn penalties_are_not_fixes() {
    let fw = fw();
    // Base 18 (A1 lost 2), penalties 2 + 2 capped at 3 → 15 → 较好. 好
    // needs 3; the penalties were for what happened and stay: fixing A1
    // gives 20 − 3 = 17, short of 18.
    let o = outs("3 4 3 4 2 2 0 2 2 ok");
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(ng.needed, d("3.00"));
    assert!(!ng.reachable);
    assert_eq!(ids(&fw, &ng), ["A1"]);
    assert_eq!(ng.score, d("17.00"));
    check_fixed(&fw, &o, &ng);
    assert_eq!(brute(&fw, &o), None);
    // Cap 2: base 19 − 2 = 17 → 较好; A1 and A3 (0.5 each) give 18.
    let fw = Framework::parse(&FW.replace("penalty_cap = 3", "penalty_cap = 2"), "t.toml").unwrap();
    let o = outs("4.5 4 2.5 4 2 2 0 2 2 ok");
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(ng.needed, d("1.00"));
    assert_eq!(ids(&fw, &ng), ["A1", "A3"]);
    assert_eq!(gains(&ng), ["0.50", "0.50"]);
    check_fixed(&fw, &o, &ng);
    assert_eq!(brute(&fw, &o), Some((2, d("18.00"))));
}

#[test]
fn a_vetoed_unit_is_held() {
    let fw = fw();
    // Score 19.5 but vetoed → 差; next is 一般, which no fix reaches.
    let o = outs("5 4 2.5 4 2 2 0 0 0 x");
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(fw.grades[ng.grade].name, "一般");
    assert_eq!(ng.held, Some(Held::Veto));
    assert_eq!(ng.needed, d("0.00"));
    assert!(ng.fixes.is_empty() && !ng.reachable);
    assert_eq!(brute(&fw, &o), None);
    // Score 10, vetoed: 2 points short of 一般 as well.
    let o = outs("3 4 0 1 2 0 0 0 0 x");
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(ng.needed, d("2.00"));
    assert_eq!(ng.held, Some(Held::Veto));
}

#[test]
fn unreachable_when_even_fixing_everything_falls_short() {
    // 好 at 23: 20 points plus a bonus capped at 2 can never get there.
    let fw = Framework::parse(&FW.replace("min = 18", "min = 23"), "t.toml").unwrap();
    // 17 + 0.5 − 1 = 16.5 → 较好; at best 20 + 0.5 − 1 = 19.5.
    let o = outs("5 4 2 2 2 2 0.5 1 0 ok");
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(fw.grades[ng.grade].name, "好");
    assert!(!ng.reachable);
    assert_eq!(ng.needed, d("6.50"));
    assert_eq!(ids(&fw, &ng), ["B1", "A3"]);
    assert_eq!(ng.score, d("19.50"));
    check_fixed(&fw, &o, &ng);
    assert_eq!(brute(&fw, &o), None);
}

#[test]
fn a_condition_asks_for_the_items_at_zero() {
    // 好 only with no base item at 0 points.
    let fw = Framework::parse(&FW.replace("min = 18", "min = 18\nmax_zero = 0"), "t.toml").unwrap();
    // 5 + 4 + 0 + 4 + 2 + 2 = 17, bonus 2 → 19: 好 by score, but A3 is at
    // 0 → 较好. Fixing A3 (3 lost) gives 20 + 2 = 22.
    let o = outs("5 4 0 4 2 2 2 0 0 ok");
    let (grade, reason) = crate::engine::grade::own_grade(&fw, &score::totals(&fw, &o));
    assert_eq!(
        (fw.grades[grade].name.as_str(), reason),
        ("较好", Some(GradeReason::Condition))
    );
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(ng.needed, d("0.00"));
    assert_eq!(ids(&fw, &ng), ["A3"]);
    assert_eq!(gains(&ng), ["3.00"]);
    assert_eq!(ng.score, d("22.00"));
    check_fixed(&fw, &o, &ng);
    assert_eq!(brute(&fw, &o), Some((1, d("22.00"))));
    // A1 partly lost (3), B2 at 0 (2): 15 → 较好, zeros 1. Fixing A1 alone
    // gives 18 with B2 still at 0; B2 alone 17: both are needed (20).
    let o = outs("2 4 3 4 0 2 0 0 0 ok");
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(ids(&fw, &ng), ["A1", "B2"]);
    assert_eq!(gains(&ng), ["3.00", "2.00"]);
    assert_eq!(ng.score, d("20.00"));
    check_fixed(&fw, &o, &ng);
    assert_eq!(brute(&fw, &o), Some((2, d("20.00"))));
}

#[test]
fn a_cap_or_a_quota_holds_the_unit() {
    let src = format!("{FW}\n[[indicator]]\nid = \"Q1\"\nkind = \"cap\"\nname = \"被问责\"\nmax_grade = \"较好\"\n");
    let fw = Framework::parse(&src, "t.toml").unwrap();
    // 19 points, 好 by score; the cap fired → 较好, held there.
    let o = outs("5 4 2 4 2 2 0 0 0 ok x");
    let (grade, reason) = crate::engine::grade::own_grade(&fw, &score::totals(&fw, &o));
    assert_eq!(
        (fw.grades[grade].name.as_str(), reason),
        ("较好", Some(GradeReason::Cap))
    );
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(ng.held, Some(Held::Cap));
    assert!(ng.fixes.is_empty());
    // Under the cap the way up is open: 14 → 一般, 较好 needs 1.
    let o = outs("5 4 0 3 0 2 0 0 0 ok x");
    let ng = ng_of(&fw, &o).unwrap();
    assert_eq!(fw.grades[ng.grade].name, "较好");
    assert_eq!(ng.held, None);
    assert_eq!(ids(&fw, &ng), ["A3"]);
    // A unit moved down by a quota is held too.
    let o = outs("5 4 2 4 2 2 0 0 0 ok ok");
    let ng = next_grade(&fw, &o, 1, Some(GradeReason::Quota)).unwrap();
    assert_eq!(ng.held, Some(Held::Quota));
}

#[test]
fn the_top_grade_has_no_next() {
    let fw = fw();
    assert_eq!(ng_of(&fw, &outs("5 4 3 4 2 1 0 0 0 ok")), None);
    assert_eq!(ng_of(&fw, &outs("5 4 3 4 2 2 0 0 0 ok")), None);
}

// ---- lists ----------------------------------------------------------------

/// A scored unit from outcomes, as the engine would make it.
fn unit(fw: &Framework, id: &str, category: &str, spec: &str) -> UnitResult {
    let o = outs(spec);
    let t = score::totals(fw, &o);
    UnitResult {
        unit: id.to_string(),
        name: format!("{id}单位"),
        category: category.to_string(),
        rank: 0,
        category_rank: None,
        grade: score::grade_of(fw, &t),
        grade_change: None,
        totals: t,
        groups: vec![Decimal::ZERO; fw.groups.len()],
        deficiencies: score::deficiencies(fw, &o),
        self_assessed: None,
        indicators: o
            .into_iter()
            .enumerate()
            .map(|(index, outcome)| IndicatorResult {
                index,
                outcome,
                status: Status::Met,
                value: None,
                note: String::new(),
                source: String::new(),
                origin: None,
                cohort: None,
                raters: Vec::new(),
            })
            .collect(),
    }
}

fn assessment(fw: &Framework) -> Assessment {
    let mut units = vec![
        unit(fw, "U1", "乡镇", "3 4 1.5 4 1 2 0 0 0 ok"),
        unit(fw, "U2", "部门", "5 4 2.5 4 2 2 0 1 0 x"),
        unit(fw, "U3", "乡镇", "5 4 3 4 2 2 0 0 0 ok"),
        unit(fw, "U4", "部门", "4 - 2 3 2 2 0 0 0 ok"),
    ];
    score::rank(&mut units, true);
    Assessment {
        period: Some("2024-01".into()),
        inputs: Vec::new(),
        units,
    }
}

fn rows(fw: &Framework, a: &Assessment, list: &List) -> Vec<String> {
    list.items()
        .map(|(no, it)| {
            format!(
                "{no} {} {} {} {}",
                a.units[it.unit].unit,
                fw.indicators[it.index].id,
                it.lost.map_or("-".to_string(), |l| l.to_string()),
                it.deadline.map_or("-".to_string(), |d| d.to_string())
            )
        })
        .collect()
}

#[test]
fn units_worst_first_items_veto_then_largest_loss() {
    let fw = fw();
    let a = assessment(&fw);
    let p = Period::parse("2024-01");
    let list = build(&fw, &a, p, &Selection::default(), Order::Rank, By::Unit).unwrap();
    let order: Vec<&str> = list.units.iter().map(|e| a.units[e.unit].unit.as_str()).collect();
    assert_eq!(order, ["U2", "U4", "U1", "U3"]);
    // 2024-01 ends on the 31st; 30 days on, across a leap February.
    assert_eq!(
        rows(&fw, &a, &list),
        [
            "1 U2 V1 - 2024-03-01",
            "2 U2 K1 1.00 2024-03-01",
            "3 U2 A3 0.50 2024-03-01",
            "4 U4 A2 4.00 2024-03-01",
            "5 U4 A1 1.00 2024-03-01",
            "6 U4 A3 1.00 2024-03-01",
            "7 U4 B1 1.00 2024-03-01",
            "8 U1 A1 2.00 2024-03-01",
            "9 U1 A3 1.50 2024-03-01",
            "10 U1 B2 1.00 2024-03-01",
        ]
    );
    // U3 has nothing to fix: no section, but it is listed, at the top grade.
    assert_eq!(list.sections.len(), 3);
    let u3 = list.units.iter().find(|e| a.units[e.unit].unit == "U3").unwrap();
    assert_eq!(u3.next, None);
    // No period, no deadline.
    let list = build(&fw, &a, None, &Selection::default(), Order::Unit, By::Unit).unwrap();
    assert!(list.items().all(|(_, it)| it.deadline.is_none()));
    let order: Vec<&str> = list.units.iter().map(|e| a.units[e.unit].unit.as_str()).collect();
    assert_eq!(order, ["U1", "U2", "U3", "U4"]);
}

#[test]
fn filters() {
    let fw = fw();
    let a = assessment(&fw);
    let run = |sel: Selection| rows(&fw, &a, &build(&fw, &a, None, &sel, Order::Rank, By::Unit).unwrap());
    assert_eq!(
        run(Selection {
            units: vec!["U4".into(), "U1".into()],
            min_lost: Some(d("1.5")),
            ..Default::default()
        }),
        ["1 U4 A2 4.00 -", "2 U1 A1 2.00 -", "3 U1 A3 1.50 -"]
    );
    assert_eq!(
        run(Selection {
            categories: vec!["部门".into()],
            reasons: vec![Reason::Veto, Reason::Missing],
            ..Default::default()
        }),
        ["1 U2 V1 - -", "2 U4 A2 4.00 -"]
    );
    // Vetoes lose no points but are kept by --min-lost.
    assert_eq!(
        run(Selection {
            min_lost: Some(d("3")),
            ..Default::default()
        }),
        ["1 U2 V1 - -", "2 U4 A2 4.00 -"]
    );
    let err = build(
        &fw,
        &a,
        None,
        &Selection {
            units: vec!["U5".into(), "u1".into()],
            categories: vec!["乡".into(), "学校".into()],
            ..Default::default()
        },
        Order::Rank,
        By::Unit,
    )
    .unwrap_err();
    assert_eq!(
        err,
        [
            "no unit \"U5\" is assessed",
            "no unit \"u1\" is assessed (did you mean \"U1\"?)",
            "no unit is in category \"乡\"; the categories are 乡镇, 部门",
            "no unit is in category \"学校\"; the categories are 乡镇, 部门",
        ]
    );
}

#[test]
fn by_owner_regroups_every_units_items() {
    let fw = fw();
    let a = assessment(&fw);
    let list = build(&fw, &a, None, &Selection::default(), Order::Rank, By::Owner).unwrap();
    let sections: Vec<(String, Vec<String>)> = list
        .sections
        .iter()
        .map(|s| {
            let Key::Owner(o) = &s.key else { panic!() };
            let items = s
                .items
                .iter()
                .map(|it| format!("{}:{}", a.units[it.unit].unit, fw.indicators[it.index].id))
                .collect();
            (o.clone(), items)
        })
        .collect();
    assert_eq!(
        sections,
        [
            (
                "党委书记".to_string(),
                ["U2:V1", "U2:K1", "U4:A1", "U1:A1"].map(String::from).to_vec()
            ),
            (
                "宣传部".to_string(),
                ["U2:A3", "U4:A2", "U4:A3", "U1:A3", "U1:B2"].map(String::from).to_vec()
            ),
            ("办公室".to_string(), ["U4:B1"].map(String::from).to_vec()),
        ]
    );
    assert_eq!(list.items().count(), 10);
}

#[test]
fn summary_counts_units_points_reasons_and_owners() {
    let fw = fw();
    let a = assessment(&fw);
    let list = build(&fw, &a, None, &Selection::default(), Order::Rank, By::Unit).unwrap();
    let s = summary(&fw, &list);
    assert_eq!((s.units, s.items), (4, 10));
    let inds: Vec<String> = s
        .indicators
        .iter()
        .map(|t| {
            format!(
                "{} {} {} {} {}%",
                fw.indicators[t.key].id,
                t.units,
                t.lost.map_or("-".into(), |l| l.to_string()),
                t.mean().map_or("-".into(), |l| l.to_string()),
                s.share(t.units)
            )
        })
        .collect();
    assert_eq!(
        inds,
        [
            "A3 3 3.00 1.00 75.00%",
            "A1 2 3.00 1.50 50.00%",
            "A2 1 4.00 4.00 25.00%",
            "B1 1 1.00 1.00 25.00%",
            "B2 1 1.00 1.00 25.00%",
            "K1 1 1.00 1.00 25.00%",
            "V1 1 - - 25.00%",
        ]
    );
    let reasons: Vec<String> = s
        .reasons
        .iter()
        .map(|t| format!("{} {} {}", t.key.as_str(), t.items, t.units))
        .collect();
    assert_eq!(reasons, ["veto 1 1", "shortfall 7 3", "missing 1 1", "penalty 1 1"]);
    let owners: Vec<String> = s
        .owners
        .iter()
        .map(|t| format!("{} {} {}", t.key, t.items, t.lost.unwrap()))
        .collect();
    assert_eq!(owners, ["宣传部 5 8.00", "党委书记 4 4.00", "办公室 1 1.00"]);
}

// ---- the search against brute force ----------------------------------------

fn arb_outcomes() -> impl Strategy<Value = Vec<Outcome>> {
    // Amounts in half points; base items may be missing, A2/B3 不适用.
    let amount = |max: u32| (0..=max * 2).prop_map(|h| Outcome::Amount(Decimal::from(h) / Decimal::from(2)));
    let base = |max: u32, exempt: bool| {
        let w_na = if exempt { 1 } else { 0 };
        prop_oneof![6 => amount(max), 1 => Just(Outcome::Missing), w_na => Just(Outcome::Exempt)]
    };
    (
        base(5, false),
        base(4, true),
        base(3, false),
        base(4, false),
        base(2, false),
        base(2, true),
        amount(2),
        amount(2),
        amount(2),
        prop_oneof![5 => Just(Outcome::Clear), 1 => Just(Outcome::Triggered)],
    )
        .prop_map(|(a1, a2, a3, b1, b2, b3, j1, k1, k2, v1)| vec![a1, a2, a3, b1, b2, b3, j1, k1, k2, v1])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The advice reaches the grade, no smaller set does, and no set of the
    /// same size scores higher — for any unit, under both penalty caps,
    /// with and without grade conditions.
    #[test]
    fn search_agrees_with_brute_force(
        o in arb_outcomes(),
        tight in any::<bool>(),
        high in any::<bool>(),
        condition in any::<bool>(),
    ) {
        let mut src = FW.to_string();
        if tight {
            src = src.replace("penalty_cap = 3", "penalty_cap = 2");
        }
        if high {
            src = src.replace("min = 18", "min = 21");
        }
        if condition {
            src = src
                .replace("name = \"好\"\n", "name = \"好\"\nmax_zero = 0\n")
                .replace("name = \"较好\"\n", "name = \"较好\"\nmax_zero = 1\n");
        }
        let fw = Framework::parse(&src, "t.toml").unwrap();
        let ng = ng_of(&fw, &o);
        let expected = brute(&fw, &o);
        let t = score::totals(&fw, &o);
        match &ng {
            None => prop_assert_eq!(crate::engine::grade::own_grade(&fw, &t).0, 0),
            Some(ng) if ng.held.is_some() => {
                prop_assert_eq!(ng.held, Some(Held::Veto));
                prop_assert!(!t.veto.is_empty());
                prop_assert_eq!(expected, None);
            }
            Some(ng) => {
                check_fixed(&fw, &o, ng);
                if ng.reachable {
                    prop_assert_eq!(Some((ng.fixes.len(), ng.score)), expected);
                } else {
                    prop_assert_eq!(expected, None);
                    let base = score::deficiencies(&fw, &o)
                        .iter()
                        .filter(|d| fw.indicators[d.index].kind == Kind::Base)
                        .count();
                    prop_assert_eq!(ng.fixes.len(), base);
                }
            }
        }
    }
}
