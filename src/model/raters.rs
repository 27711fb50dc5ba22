//! Several raters (评委打分): an indicator scored by several people, each
//! rater's value turned into an amount by the rule, the amounts aggregated
//! — the mean, the median, or the mean after dropping the highest and
//! lowest (去掉一个最高分和一个最低分后取平均) — and rounded half up once.

use crate::base::num::Frac;
use rust_decimal::Decimal;

/// How the raters' amounts are combined (`raters = …`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Raters {
    Mean,
    Median,
    /// Drop `drop` highest and `drop` lowest when there are at least
    /// `min_raters` amounts, then the mean.
    Trimmed {
        drop: usize,
        min_raters: usize,
    },
}

/// One rater's amount, as the explanation lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RaterAmount {
    pub rater: String,
    /// The value as the rater gave it.
    pub value: String,
    /// The rule's amount for that value, rounded as every amount is.
    pub amount: Decimal,
    /// Dropped as one of the highest or lowest.
    pub dropped: bool,
}

impl Raters {
    /// `"mean"`, `"median"` or `{ drop = 1, min_raters = 5 }`.
    pub fn from_toml(v: &toml::Value) -> Result<Raters, String> {
        let bad = || {
            crate::base::lang::m(
                "raters 应为 \"mean\"（平均）、\"median\"（中位数）或 { drop = 1, min_raters = 5 }（去掉最高、最低各 drop 个后平均）",
                "raters must be \"mean\", \"median\" or { drop = 1, min_raters = 5 } (drop that many highest and lowest, then the mean)",
            )
            .to_string()
        };
        match v {
            toml::Value::String(s) if s == "mean" => Ok(Raters::Mean),
            toml::Value::String(s) if s == "median" => Ok(Raters::Median),
            toml::Value::Table(t) => {
                if let Some(k) = t.keys().find(|k| *k != "drop" && *k != "min_raters") {
                    return Err(crate::base::lang::msg!(
                        zh: "raters 中有未知的键“{k}”{}",
                        en: "unknown key \"{k}\" in raters{}",
                        crate::base::diag::hint(k, ["drop", "min_raters"])
                    ));
                }
                let int = |k: &str| t.get(k).map(|v| v.as_integer().filter(|n| (1..=1000).contains(n)));
                let drop = match int("drop") {
                    Some(Some(d)) => d as usize,
                    _ => return Err(bad()),
                };
                let min_raters = match int("min_raters") {
                    None => 2 * drop + 1,
                    Some(Some(m)) if m as usize > 2 * drop => m as usize,
                    Some(_) => {
                        return Err(crate::base::lang::msg!(
                            zh: "raters 的 min_raters 至少为 {}（去掉 {drop} 个最高分和 {drop} 个最低分后还要留下评分）",
                            en: "raters min_raters must be at least {} (after dropping {drop} highest and {drop} lowest, amounts must remain)",
                            2 * drop + 1
                        ));
                    }
                };
                Ok(Raters::Trimmed { drop, min_raters })
            }
            _ => Err(bad()),
        }
    }

    /// An item's outcome from its raters' rows: `given` rows, `exempt` of
    /// them 不适用, and the `amounts` of those with a value. The aggregate of
    /// the amounts; without any, 不适用 when every row said so, else
    /// missing (an empty value does not count). With which amounts were
    /// dropped, parallel to `amounts`.
    pub fn outcome(self, given: usize, exempt: usize, amounts: &[Decimal]) -> (crate::model::Outcome, Vec<bool>) {
        use crate::model::Outcome;
        match self.aggregate(amounts) {
            Some((amount, dropped)) => (Outcome::Amount(amount), dropped),
            None if exempt > 0 && exempt == given => (Outcome::Exempt, Vec::new()),
            None => (Outcome::Missing, Vec::new()),
        }
    }

    /// The aggregate of the raters' amounts, rounded half up to cents, and
    /// which were dropped (parallel to `amounts`); `None` without amounts.
    pub fn aggregate(self, amounts: &[Decimal]) -> Option<(Decimal, Vec<bool>)> {
        if amounts.is_empty() {
            return None;
        }
        let mut order: Vec<usize> = (0..amounts.len()).collect();
        // Lowest first; equal amounts in the order given, so that which of
        // two equal amounts is dropped is stable (their amount is the same).
        order.sort_by(|&a, &b| amounts[a].cmp(&amounts[b]).then(a.cmp(&b)));
        let mut dropped = vec![false; amounts.len()];
        let kept: Vec<usize> = match self {
            Raters::Mean => order,
            Raters::Median => {
                let n = order.len();
                let mid = if n % 2 == 1 {
                    vec![order[n / 2]]
                } else {
                    vec![order[n / 2 - 1], order[n / 2]]
                };
                return Some((mean(&mid.iter().map(|&i| amounts[i]).collect::<Vec<_>>()), dropped));
            }
            Raters::Trimmed { drop, min_raters } if amounts.len() >= min_raters => {
                let n = order.len();
                for &i in order[..drop].iter().chain(&order[n - drop..]) {
                    dropped[i] = true;
                }
                order[drop..n - drop].to_vec()
            }
            Raters::Trimmed { .. } => order,
        };
        Some((mean(&kept.iter().map(|&i| amounts[i]).collect::<Vec<_>>()), dropped))
    }

    /// The aggregation in words.
    pub fn describe(self, lang: crate::base::lang::Lang) -> String {
        match self {
            Raters::Mean => lang.pick("各评委得分取平均", "the raters' mean").to_string(),
            Raters::Median => lang.pick("各评委得分取中位数", "the raters' median").to_string(),
            Raters::Trimmed { drop, min_raters } => crate::base::lang::msg!(
                zh: "去掉{drop}个最高分和{drop}个最低分后取平均（不少于{min_raters}位评委时）",
                en: "the mean after dropping {drop} highest and {drop} lowest (with at least {min_raters} raters)"
            ),
        }
    }
}

/// The exact mean of amounts, rounded half up once.
/// Where one rater's texts stand in a buffer: the rater's name, the
/// value as given, the note, the source.
pub type RaterTexts = [std::ops::Range<usize>; 4];

/// The value, notes and sources shown for an item scored by several
/// raters (`张三 8；李四 9`, `张三：迟交`, the sources), from the texts of
/// each rater who gave a value or 不适用, in the order given, which stand
/// in `buf`: appended to `buf`, their places returned. Empty notes and
/// sources are left out; the same text twice is kept twice.
pub fn describe_texts(buf: &mut Vec<u8>, present: &[RaterTexts]) -> [std::ops::Range<usize>; 3] {
    let mut joined = |field: usize, after_name: &str| {
        let start = buf.len();
        for t in present {
            if field > 1 && t[field].is_empty() {
                continue;
            }
            if buf.len() > start {
                buf.extend_from_slice("；".as_bytes());
            }
            if !after_name.is_empty() {
                buf.extend_from_within(t[0].clone());
                buf.extend_from_slice(after_name.as_bytes());
            }
            buf.extend_from_within(t[field].clone());
        }
        start..buf.len()
    };
    [joined(1, " "), joined(2, "："), joined(3, "")]
}

fn mean(a: &[Decimal]) -> Decimal {
    let mut sum = Frac::zero();
    for x in a {
        sum = &sum + &Frac::from(*x);
    }
    sum.div(&Frac::int(a.len() as u64)).round2()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(v: &[&str]) -> Vec<Decimal> {
        v.iter().map(|s| s.parse().unwrap()).collect()
    }

    #[test]
    fn mean_median_and_trimmed_by_hand() {
        let a = d(&["8", "9", "7", "10", "6"]);
        // Mean: 40 / 5 = 8.
        assert_eq!(Raters::Mean.aggregate(&a).unwrap().0, Decimal::from(8));
        // Median of 6, 7, 8, 9, 10 = 8; of the first four, 7, 8, 9, 10:
        // (8 + 9) / 2 = 8.5.
        assert_eq!(Raters::Median.aggregate(&a).unwrap().0, Decimal::from(8));
        assert_eq!(Raters::Median.aggregate(&a[..4]).unwrap().0, "8.5".parse().unwrap());
        // Drop 10 and 6: (8 + 9 + 7) / 3 = 8.
        let t = Raters::Trimmed { drop: 1, min_raters: 5 };
        let (got, dropped) = t.aggregate(&a).unwrap();
        assert_eq!(got, Decimal::from(8));
        assert_eq!(dropped, [false, false, false, true, true]);
        // Four raters, fewer than five: nothing dropped, (8 + 9 + 7 + 10) / 4 = 8.5.
        let (got, dropped) = t.aggregate(&a[..4]).unwrap();
        assert_eq!(got, "8.5".parse().unwrap());
        assert!(dropped.iter().all(|x| !x));
        // A mean that needs rounding once: (1 + 1 + 2) / 3 = 1.333… → 1.33;
        // (2.5 + 2.5 + 2.51) / 3 = 2.5033… → 2.50.
        assert_eq!(
            Raters::Mean.aggregate(&d(&["1", "1", "2"])).unwrap().0,
            "1.33".parse().unwrap()
        );
        assert_eq!(
            Raters::Mean.aggregate(&d(&["2.5", "2.5", "2.51"])).unwrap().0,
            "2.50".parse().unwrap()
        );
        // Ties at the extremes: one of the two 9s and one of the two 5s go.
        let (got, dropped) = t.aggregate(&d(&["9", "5", "9", "5", "7"])).unwrap();
        assert_eq!(got, Decimal::from(7)); // (5 + 9 + 7) / 3
        assert_eq!(dropped.iter().filter(|x| **x).count(), 2);
        assert_eq!(Raters::Mean.aggregate(&[]), None);
    }

    #[test]
    fn the_framework_key() {
        let t = |s: &str| Raters::from_toml(&toml::from_str::<toml::Table>(&format!("r = {s}")).unwrap()["r"]);
        assert_eq!(t("\"mean\""), Ok(Raters::Mean));
        assert_eq!(t("{ drop = 1 }"), Ok(Raters::Trimmed { drop: 1, min_raters: 3 }));
        assert_eq!(
            t("{ drop = 1, min_raters = 5 }"),
            Ok(Raters::Trimmed { drop: 1, min_raters: 5 })
        );
        assert!(t("{ drop = 2, min_raters = 4 }").is_err());
        assert!(t("\"avg\"").is_err());
        assert!(t("{ dorp = 1 }").unwrap_err().contains("drop"));
    }

    /// The texts shown for a rater item, worked out by hand: every rater
    /// who gave a value or 不适用 in the value, only notes given in the
    /// notes, the same source twice kept twice.
    #[test]
    fn a_rater_items_texts_are_joined_in_the_order_given() {
        let mut buf = Vec::new();
        let mut place = |t: &str| {
            let start = buf.len();
            buf.extend_from_slice(t.as_bytes());
            start..buf.len()
        };
        let present: Vec<RaterTexts> = [
            ["张三", "8", "", "材料1"],
            ["李四", "不适用", "迟交", "材料1"],
            ["王五", "9", "", ""],
        ]
        .iter()
        .map(|texts| texts.map(&mut place))
        .collect();
        let [value, note, source] = describe_texts(&mut buf, &present);
        let text = |r: std::ops::Range<usize>| std::str::from_utf8(&buf[r]).unwrap().to_string();
        assert_eq!(text(value), "张三 8；李四 不适用；王五 9");
        assert_eq!(text(note), "李四：迟交");
        assert_eq!(text(source), "材料1；材料1");
        assert!(describe_texts(&mut buf, &[]).iter().all(|r| r.is_empty()));
    }
}
