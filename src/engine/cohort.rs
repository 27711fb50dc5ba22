//! Cohort rules: amounts that compare a unit's value with the other units'
//! (按排名赋分；第1名满分其余按比例；高于平均加分), and the category checks
//! of `applies_to` and `by_category`.
//!
//! These need every unit's value first, so they are a second pass over the
//! scored units: the scorer collects each unit's value of a cohort item
//! (none when missing or 不适用) and its category, and [`resolve`] gives
//! each unit its amount and the facts that make it checkable by hand — the
//! scope, its size, the unit's rank, the largest value and the mean.
//! Everything is exact: values are compared as written, the mean as a
//! fraction; an amount is rounded once, half up, to cents.

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::num::{Exact, Frac};
use crate::model::framework::Framework;
use crate::model::rule::{Rule, Within};
use crate::reading::units::Units;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

pub use crate::model::Fact;

/// Each unit's amount (rounded, within `[0, points]`) and its facts, for
/// one cohort rule. `values[u]` is unit `u`'s value (`None`: no numeric
/// value, which the caller scores as missing); `categories[u]` its
/// category. `rule_of(u)` is the rule for unit `u` (its category's
/// parameters where `by_category` gives them).
pub fn resolve<'r>(
    values: &[Option<&Exact>],
    categories: &[&str],
    points: Decimal,
    rule_of: impl Fn(usize) -> &'r Rule,
) -> Vec<Option<(Decimal, Fact)>> {
    if values.is_empty() {
        return Vec::new();
    }
    let within = rule_of(0).within().unwrap_or(Within::All);
    // Scopes: the indices of the units with a value, per category or all.
    let mut scopes: BTreeMap<Option<&str>, Vec<usize>> = BTreeMap::new();
    for (u, v) in values.iter().enumerate() {
        if v.is_some() {
            let key = (within == Within::Category).then_some(categories[u]);
            scopes.entry(key).or_default().push(u);
        }
    }
    let mut out: Vec<Option<(Decimal, Fact)>> = vec![None; values.len()];
    let p = Frac::from(points);
    for (scope, members) in scopes {
        let vals: Vec<Frac> = members
            .iter()
            .map(|&u| Frac::from(values[u].expect("member")))
            .collect();
        let n = members.len();
        let max = vals.iter().max().cloned().unwrap_or_else(Frac::zero);
        let mut sum = Frac::zero();
        for v in &vals {
            sum = &sum + v;
        }
        let mean = sum.div(&Frac::int(n as u64));
        let mean_shown = mean.round2();
        // The scope's values in order, once: a unit's competition rank is
        // one more than the values strictly better, found by bisection.
        let mut sorted: Vec<&Frac> = vals.iter().collect();
        sorted.sort();
        for (k, &u) in members.iter().enumerate() {
            let v = &vals[k];
            let rule = rule_of(u);
            let asc = matches!(rule, Rule::RankPoints { asc: true, .. });
            let better = if asc {
                sorted.partition_point(|w| *w < v)
            } else {
                n - sorted.partition_point(|w| *w <= v)
            };
            let rank = better + 1;
            let raw = match rule {
                Rule::RankPoints { points: list, rest, .. } => Frac::from(list.get(rank - 1).copied().unwrap_or(*rest)),
                Rule::Relative { .. } => {
                    if max.is_zero() || max < Frac::zero() {
                        Frac::zero()
                    } else {
                        (&p * v).div(&max)
                    }
                }
                Rule::VsMean {
                    above, equal, below, ..
                } => Frac::from(match v.cmp(&mean) {
                    std::cmp::Ordering::Greater => *above,
                    std::cmp::Ordering::Equal => *equal,
                    std::cmp::Ordering::Less => *below,
                }),
                _ => continue,
            };
            let amount = raw.clamp(Frac::zero(), p.clone()).round2();
            out[u] = Some((
                amount,
                Fact {
                    scope: scope.map(str::to_string),
                    n,
                    rank,
                    max: max.round2(),
                    mean: mean_shown,
                    mean_exact: Frac::from(mean_shown) == mean,
                },
            ));
        }
    }
    out
}

/// The fact in words for an explanation:
/// `本类别（乡镇（街道）） 6 个单位中第 2 名；最高 15，平均 10.5`.
pub fn describe(fact: &Fact, lang: crate::base::lang::Lang) -> String {
    let scope = match (&fact.scope, lang) {
        (Some(c), crate::base::lang::Lang::Zh) => format!("“{c}”类"),
        (Some(c), _) => format!("category {c}"),
        (None, crate::base::lang::Lang::Zh) => "全部".to_string(),
        (None, _) => "all".to_string(),
    };
    let approx = if fact.mean_exact { "" } else { "≈" };
    let (max, mean) = (fact.max.normalize(), fact.mean.normalize());
    crate::base::lang::msg!(
        zh: "{scope} {} 个单位中第 {} 名；最高 {max}，平均 {approx}{mean}",
        en: "rank {1} of {0} ({scope}); highest {max}, mean {approx}{mean}",
        fact.n,
        fact.rank
    )
}

/// Categories named by `applies_to` and `by_category`, and cohorts counted
/// within categories, need a units file that gives every unit a category
/// from that list: checked before anything is scored.
pub fn check_units(fw: &Framework, units: Option<&Units>) -> Result<(), Diagnostics> {
    let mut errs = Diagnostics::new();
    for ind in &fw.indicators {
        let named: Vec<&str> = ind
            .applies_to
            .iter()
            .flatten()
            .map(String::as_str)
            .chain(ind.by_category.iter().map(|(c, _)| c.as_str()))
            .collect();
        let per_category = ind.rule.as_ref().and_then(Rule::within) == Some(Within::Category);
        if named.is_empty() && !per_category {
            continue;
        }
        let at = |m: String| Diagnostic::at(&fw.path, ind.line, m);
        let Some(units) = units.filter(|u| u.has_categories()) else {
            errs.push(at(crate::base::lang::msg!(
                zh: "指标 {} 按单位类别评分（applies_to、by_category 或 within = \"category\"），需要用 -u 给出含类别列的单位文件",
                en: "indicator {} is scored by category (applies_to, by_category or within = \"category\"): give a units file with a category column (-u)",
                ind.id
            )));
            continue;
        };
        let known: Vec<&str> = {
            let mut v: Vec<&str> = units
                .units
                .values()
                .map(|i| i.category.as_str())
                .filter(|c| !c.is_empty())
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        for c in named {
            if !known.contains(&c) {
                errs.push(at(crate::base::lang::msg!(
                    zh: "指标 {}：单位文件 {} 中没有类别“{c}”{}；类别有 {}",
                    en: "indicator {}: the units file {} has no category \"{c}\"{}; its categories are {}",
                    ind.id,
                    units.path,
                    crate::base::diag::hint(c, known.iter().copied()),
                    known.join(crate::base::lang::m("、", ", "))
                )));
            }
        }
    }
    errs.into_result(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::num::parse_exact;

    fn exact(s: &str) -> Exact {
        parse_exact(s).unwrap()
    }

    fn run(rule: &Rule, vals: &[Option<&str>], cats: &[&str], points: i64) -> Vec<Option<Decimal>> {
        let owned: Vec<Option<Exact>> = vals.iter().map(|v| v.map(exact)).collect();
        let refs: Vec<Option<&Exact>> = owned.iter().map(Option::as_ref).collect();
        resolve(&refs, cats, Decimal::from(points), |_| rule)
            .into_iter()
            .map(|r| r.map(|(a, _)| a))
            .collect()
    }

    fn d(s: &str) -> Option<Decimal> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn rank_points_share_a_rank_on_ties_and_skip_the_next() {
        let rule = Rule::RankPoints {
            points: vec![Decimal::from(6), Decimal::from(5), Decimal::from(4)],
            rest: Decimal::ONE,
            asc: false,
            within: Within::All,
        };
        // 9, 7, 7, 3, —: ranks 1, 2, 2, 4 → 6, 5, 5, rest 1; no value → none.
        let got = run(
            &rule,
            &[Some("9"), Some("7"), Some("7.00"), Some("3"), None],
            &["", "", "", "", ""],
            6,
        );
        assert_eq!(got, vec![d("6"), d("5"), d("5"), d("1"), None]);
        // Smallest first (后两名各扣2分 is asc on the penalty's own order).
        let asc = Rule::RankPoints {
            points: vec![Decimal::from(2), Decimal::from(2)],
            rest: Decimal::ZERO,
            asc: true,
            within: Within::All,
        };
        let got = run(
            &asc,
            &[Some("9"), Some("1"), Some("5"), Some("1")],
            &["", "", "", ""],
            2,
        );
        // 1, 1 are rank 1, 5 rank 3, 9 rank 4.
        assert_eq!(got, vec![d("0"), d("2"), d("0"), d("2")]);
    }

    #[test]
    fn ranks_match_a_brute_force_count() {
        // Many ties (values 0–9, some with places), both orders.
        let mut x: u64 = 7;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) % 10
        };
        let raw: Vec<String> = (0..200)
            .map(|i| {
                if i % 7 == 0 {
                    format!("{}.0", next())
                } else {
                    next().to_string()
                }
            })
            .collect();
        let owned: Vec<Exact> = raw.iter().map(|v| exact(v)).collect();
        let refs: Vec<Option<&Exact>> = owned.iter().map(Some).collect();
        let cats = vec![""; raw.len()];
        for asc in [false, true] {
            let rule = Rule::RankPoints {
                points: vec![Decimal::ONE],
                rest: Decimal::ZERO,
                asc,
                within: Within::All,
            };
            let got = resolve(&refs, &cats, Decimal::ONE, |_| &rule);
            let num: Vec<u64> = raw.iter().map(|v| v.trim_end_matches(".0").parse().unwrap()).collect();
            for (i, g) in got.iter().enumerate() {
                let better = num
                    .iter()
                    .filter(|&&w| if asc { w < num[i] } else { w > num[i] })
                    .count();
                assert_eq!(g.as_ref().unwrap().1.rank, better + 1, "{i} asc={asc}");
            }
        }
    }

    #[test]
    fn relative_to_the_highest_per_category() {
        let rule = Rule::Relative {
            within: Within::Category,
        };
        // 乡: max 8 → 10 × 8/8 = 10, 10 × 6/8 = 7.5; 镇: max 3 → 10, 10 × 1/3 = 3.333… → 3.33.
        let got = run(
            &rule,
            &[Some("8"), Some("6"), Some("3"), Some("1")],
            &["乡", "乡", "镇", "镇"],
            10,
        );
        assert_eq!(got, vec![d("10"), d("7.5"), d("10"), d("3.33")]);
        // All zero: 0, not a division by zero.
        let got = run(&rule, &[Some("0"), Some("0")], &["乡", "乡"], 10);
        assert_eq!(got, vec![d("0"), d("0")]);
    }

    #[test]
    fn vs_mean_compares_the_exact_mean() {
        let rule = Rule::VsMean {
            above: "0.5".parse().unwrap(),
            equal: "0.2".parse().unwrap(),
            below: Decimal::ZERO,
            within: Within::All,
        };
        // Mean of 1, 2, 3 is exactly 2: equal gets 0.2.
        let got = run(&rule, &[Some("1"), Some("2"), Some("3")], &["", "", ""], 1);
        assert_eq!(got, vec![d("0"), d("0.2"), d("0.5")]);
        // Mean of 1, 1, 2 is 4/3 = 1.333…: both 1s below it, 2 above.
        let got = run(&rule, &[Some("1"), Some("1"), Some("2")], &["", "", ""], 1);
        assert_eq!(got, vec![d("0"), d("0"), d("0.5")]);
        let owned = [exact("1"), exact("1"), exact("2")];
        let refs: Vec<Option<&Exact>> = owned.iter().map(Some).collect();
        let facts = resolve(&refs, &["", "", ""], Decimal::ONE, |_| &rule);
        let f = &facts[0].as_ref().unwrap().1;
        assert_eq!((f.n, f.mean, f.mean_exact), (3, "1.33".parse().unwrap(), false));
    }
}
