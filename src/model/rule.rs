//! Scoring rules (评分标准) and the evidence values they read.
//!
//! A rule turns one indicator's evidence into an amount in `[0, points]`
//! (docs/framework.md, "Rules"). Everything a rule kind needs lives here: reading its parameters
//! from the framework, checking them, parsing an evidence cell, computing the
//! amount and saying the rule in words. Loaders call [`Rule::from_toml`] and
//! [`Indicator::parse_value`](crate::model::framework::Indicator::parse_value) and
//! never look inside, so a new rule kind is added here alone.

pub(crate) mod cents;

use crate::base::lang::Lang;
use crate::base::num::{Exact, Frac, NumberError, fmt_points, parse_exact, round2};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use std::str::FromStr;

/// One tier of a `tiers` rule: `value ≥ min` earns `amount`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tier {
    pub min: Decimal,
    pub amount: Decimal,
}

/// One deduction clause of a `clauses` rule (several clauses share the
/// item's points: "抽查3人缺一个扣1分；未组织专题学习的扣1分").
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub id: String,
    pub per: Decimal,
    /// Most this clause can deduct (defaults to the item's points).
    pub max: Decimal,
    pub text: String,
}

/// A scoring rule with its parameters (docs/framework.md, "Rules").
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    /// 是/否: points if yes, else 0.
    Check,
    /// `max(P − per × v, 0)` (扣完为止).
    Deduct { per: Decimal },
    /// `min(per × v, P)` (每次得 per，封顶 P).
    Count { per: Decimal },
    /// With `per`: `max(P − per × max(target − v, 0), 0)`; without: `P × min(v/target, 1)`.
    Target { target: Decimal, per: Option<Decimal> },
    /// The first tier whose `min ≤ v`, else 0.
    Tiers(Vec<Tier>),
    /// A named judgement (好/较好/一般/差) and its amount.
    Levels(IndexMap<String, Decimal>),
    /// The value is the amount (酌情扣分).
    Direct,
    /// Several deduction clauses sharing the item's points.
    Clauses(Vec<Clause>),
    /// 民主测评: vote counts per option, weights 0–100.
    Survey(Vec<(String, Decimal)>),
    /// 按排名赋分: the unit's competition rank among the values of its
    /// scope gives `points[rank − 1]`, a rank beyond the list `rest`.
    RankPoints {
        points: Vec<Decimal>,
        rest: Decimal,
        /// Smaller values rank first (后两名各扣2分 on a penalty).
        asc: bool,
        within: Within,
    },
    /// 第1名得满分，其余按比例: P × v / the scope's largest value.
    Relative { within: Within },
    /// 高于平均加分、低于平均扣分: the value against the scope's exact mean.
    VsMean {
        above: Decimal,
        equal: Decimal,
        below: Decimal,
        within: Within,
    },
}

/// Which units a cohort rule compares a unit with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    /// Every scored unit (vetoed ones included).
    All,
    /// The units of the unit's category.
    Category,
}

/// A parsed evidence value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Yes,
    No,
    /// Exactly as written, at any number of places.
    Number(Exact),
    /// Index into a `levels` rule.
    Level(usize),
    /// Vote counts of a `survey` rule, in the order of its options.
    Votes(Vec<u64>),
    /// 不适用/不涉及.
    NotApplicable,
}

/// The words for yes, for no and for 不适用, in lower case.
pub(crate) const YES: &[&str] = &["yes", "y", "true", "1", "１", "是", "有", "√", "✓"];
pub(crate) const NO: &[&str] = &["no", "n", "false", "0", "０", "否", "无", "×", "✗"];
pub(crate) const NOT_APPLICABLE: &[&str] = &["n/a", "na", "不适用", "不涉及"];

/// `Some(true)` for a yes word, `Some(false)` for a no word.
pub fn parse_yes_no(raw: &str) -> Option<bool> {
    let t = raw.trim().to_lowercase();
    if YES.contains(&t.as_str()) {
        Some(true)
    } else if NO.contains(&t.as_str()) {
        Some(false)
    } else {
        None
    }
}

/// Is this the 不适用 marker?
pub fn is_not_applicable(raw: &str) -> bool {
    NOT_APPLICABLE.contains(&raw.trim().to_lowercase().as_str())
}

fn number(raw: &str) -> Result<Exact, String> {
    parse_exact(raw).map_err(|e| match e {
        NumberError::Empty if raw.trim().is_empty() => {
            crate::base::lang::m("缺少数值", "a number is missing").to_string()
        }
        NumberError::Empty | NumberError::NotANumber => {
            crate::base::lang::msg!(zh: "“{}”不是数字", en: "\"{}\" is not a number", raw.trim())
        }
        NumberError::TooLarge => crate::base::lang::msg!(zh: "“{}”过大", en: "\"{}\" is too large", raw.trim()),
    })
}

/// A count of occurrences: a whole number ≥ 0.
pub fn parse_count(raw: &str) -> Result<Exact, String> {
    let d = number(raw)?;
    if d.signum().is_lt() {
        return Err(crate::base::lang::msg!(zh: "次数 {} 为负数", en: "negative count {}", raw.trim()));
    }
    if !d.is_integer() {
        return Err(crate::base::lang::msg!(zh: "次数 {} 不是整数", en: "count {} is not a whole number", raw.trim()));
    }
    Ok(d)
}

fn non_negative(raw: &str) -> Result<Exact, String> {
    let d = number(raw)?;
    if d.signum().is_lt() {
        return Err(crate::base::lang::msg!(zh: "数值 {} 为负数", en: "negative value {}", raw.trim()));
    }
    Ok(d)
}

impl Rule {
    /// The rule's name as written in the framework (`type = "…"`).
    pub fn type_name(&self) -> &'static str {
        match self {
            Rule::Check => "check",
            Rule::Deduct { .. } => "deduct",
            Rule::Count { .. } => "count",
            Rule::Target { .. } => "target",
            Rule::Tiers(_) => "tiers",
            Rule::Levels(_) => "levels",
            Rule::Direct => "direct",
            Rule::Clauses(_) => "clauses",
            Rule::Survey(_) => "survey",
            Rule::RankPoints { .. } => "rank_points",
            Rule::Relative { .. } => "relative",
            Rule::VsMean { .. } => "vs_mean",
        }
    }

    /// Does the amount depend on the other units' values (a second pass
    /// over every unit, [`crate::engine::cohort`])?
    pub fn is_cohort(&self) -> bool {
        self.within().is_some()
    }

    /// A cohort rule's scope.
    pub fn within(&self) -> Option<Within> {
        match self {
            Rule::RankPoints { within, .. } | Rule::Relative { within } | Rule::VsMean { within, .. } => Some(*within),
            _ => None,
        }
    }

    /// Does the rule read a rate or level on a scale above 1 (a target or
    /// tier thresholds over 1), where a value between 0 and 1 is far more
    /// likely a percentage stored as a fraction than a real figure?
    pub fn reads_rates(&self) -> bool {
        match self {
            Rule::Target { target, .. } => *target > Decimal::ONE,
            Rule::Tiers(tiers) => tiers.iter().any(|t| t.min > Decimal::ONE),
            _ => false,
        }
    }

    /// What makes [`Rule::reads_rates`] true, in words: `target is` / `tier
    /// thresholds are`.
    pub fn rate_scale_zh(&self) -> &'static str {
        match self {
            Rule::Tiers(_) => "档次门槛",
            _ => "目标值",
        }
    }

    pub fn rate_scale_en(&self) -> &'static str {
        match self {
            Rule::Tiers(_) => "tier thresholds are",
            _ => "target is",
        }
    }

    /// Is the evidence a plain number (so a `range` can bound it)?
    pub fn reads_numbers(&self) -> bool {
        matches!(
            self,
            Rule::Deduct { .. }
                | Rule::Count { .. }
                | Rule::Target { .. }
                | Rule::Tiers(_)
                | Rule::Direct
                | Rule::RankPoints { .. }
                | Rule::Relative { .. }
                | Rule::VsMean { .. }
        )
    }

    /// Number of evidence cells the rule reads: one per clause, else one.
    pub fn slots(&self) -> usize {
        match self {
            Rule::Clauses(c) => c.len(),
            _ => 1,
        }
    }

    /// Parse one evidence cell (already known not to be empty or 不适用).
    pub fn parse_value(&self, raw: &str, points: Decimal) -> Result<Value, String> {
        match self {
            Rule::Check => match parse_yes_no(raw) {
                Some(true) => Ok(Value::Yes),
                Some(false) => Ok(Value::No),
                None => {
                    Err(crate::base::lang::msg!(zh: "“{}”不是“是/否”", en: "\"{}\" is not yes/no (是/否)", raw.trim()))
                }
            },
            Rule::Deduct { .. } | Rule::Count { .. } | Rule::Clauses(_) => parse_count(raw).map(Value::Number),
            Rule::Target { .. } => non_negative(raw).map(Value::Number),
            Rule::Tiers(_) | Rule::RankPoints { .. } | Rule::Relative { .. } | Rule::VsMean { .. } => {
                number(raw).map(Value::Number)
            }
            Rule::Levels(levels) => {
                let t = raw.trim();
                levels
                    .keys()
                    .position(|k| k == t || k.eq_ignore_ascii_case(t))
                    .map(Value::Level)
                    .ok_or_else(|| {
                        let names: Vec<&str> = levels.keys().map(String::as_str).collect();
                        crate::base::lang::msg!(
                            zh: "“{t}”不是可选等级之一（{}）",
                            en: "\"{t}\" is not one of the levels {}",
                            names.join(", ")
                        )
                    })
            }
            Rule::Direct => {
                let d = number(raw)?;
                if d.signum().is_lt() || d.cmp_decimal(points).is_gt() {
                    Err(crate::base::lang::msg!(
                        zh: "得分 {} 超出 0–{} 的范围",
                        en: "amount {} is outside 0–{}",
                        raw.trim(),
                        fmt_points(points)
                    ))
                } else {
                    Ok(Value::Number(d))
                }
            }
            Rule::Survey(options) => {
                let parts: Vec<&str> = raw.split(['/', '／']).collect();
                if parts.len() != options.len() {
                    return Err(crate::base::lang::msg!(
                        zh: "“{}”有 {} 个票数；本项民主测评需要 {} 个（{}）",
                        en: "\"{}\" has {} vote count(s); this survey needs {} ({})",
                        raw.trim(),
                        parts.len(),
                        options.len(),
                        options.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join("/")
                    ));
                }
                parts
                    .iter()
                    // A count is at most 10^12: it fits.
                    .map(|p| parse_count(p).map(|c| c.to_u64().unwrap_or(u64::MAX)))
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Votes)
            }
        }
    }

    /// The amount earned, rounded to two places; `None` when the evidence
    /// counts as missing (a survey with no votes). `values` has one entry
    /// per slot, all present and none 不适用.
    pub fn amount(&self, values: &[&Value], points: Decimal) -> Option<Decimal> {
        // A chosen amount needs no arithmetic (and the bulk path asks this
        // for every `levels` cell).
        let chosen = match (self, values.first()) {
            (Rule::Check, Some(Value::Yes)) => Some(points),
            (Rule::Check, _) => Some(Decimal::ZERO),
            (Rule::Levels(levels), Some(Value::Level(i))) => {
                Some(levels.get_index(*i).map_or(Decimal::ZERO, |(_, a)| *a))
            }
            (Rule::Levels(_), _) => Some(Decimal::ZERO),
            _ => None,
        };
        if let Some(a) = chosen {
            return Some(round2(a.clamp(Decimal::ZERO, points)));
        }
        // An ordinary value of a numeric rule: in integer cents, as every
        // engine computes it (tiers only compare, below). The fractions
        // decide whatever does not fit there.
        if let [Value::Number(x)] = values
            && !matches!(self, Rule::Tiers(_))
            && let Some((m, e)) = x.small()
            && let (Ok(m), Ok(e)) = (u128::try_from(m), u32::try_from(e))
            && let Some(pc) = cents::cents(points)
            && let Some(rule) = cents::InCents::of(self)
            && let Some(c) = rule.amount(pc, m, e)
            && let Ok(c) = i64::try_from(c)
        {
            return Some(Decimal::new(c, 2));
        }
        self.amount_in_fractions(values, points)
    }

    /// [`Rule::amount`] for a rule that computes (not `check`, `levels`),
    /// every step in exact fractions: the definition of each rule, and the
    /// way of every value whose integers do not fit [`cents::InCents`].
    pub(crate) fn amount_in_fractions(&self, values: &[&Value], points: Decimal) -> Option<Decimal> {
        // Every other step is exact (fractions of integers of any size);
        // the only rounding is the last, half-up to two places.
        let zero = Frac::zero();
        let num = |v: &Value| match v {
            Value::Number(x) => Frac::from(x),
            _ => Frac::zero(),
        };
        let p = Frac::from(points);
        let v = values.first().map(|v| num(v)).unwrap_or_else(Frac::zero);
        let raw = match self {
            Rule::Check | Rule::Levels(_) => return None, // chosen above
            // Decided over the scope, not by the value alone.
            Rule::RankPoints { .. } | Rule::Relative { .. } | Rule::VsMean { .. } => return None,
            Rule::Deduct { per } => &p - &(&Frac::from(*per) * &v).min(p.clone()),
            Rule::Count { per } => (&Frac::from(*per) * &v).min(p.clone()),
            Rule::Target { target, per: Some(per) } => {
                let short = (&Frac::from(*target) - &v).max(zero);
                &p - &(&Frac::from(*per) * &short).min(p.clone())
            }
            Rule::Target { target, per: None } => {
                let target = Frac::from(*target);
                if v >= target { p.clone() } else { (&v * &p).div(&target) }
            }
            Rule::Tiers(tiers) => {
                let got = tiers
                    .iter()
                    .find(|t| v >= Frac::from(t.min))
                    .map_or(Decimal::ZERO, |t| t.amount);
                return Some(round2(got.clamp(Decimal::ZERO, points)));
            }
            Rule::Direct => v,
            Rule::Clauses(clauses) => {
                let mut deducted = Frac::zero();
                for (clause, value) in clauses.iter().zip(values) {
                    let d = (&Frac::from(clause.per) * &num(value)).min(Frac::from(clause.max));
                    deducted = (&deducted + &d).min(p.clone());
                }
                &p - &deducted
            }
            Rule::Survey(options) => {
                let Some(Value::Votes(votes)) = values.first() else {
                    return None;
                };
                let n: u128 = votes.iter().map(|&c| u128::from(c)).sum();
                if n == 0 {
                    return None;
                }
                let mut weighted = Frac::zero();
                for (&c, (_, w)) in votes.iter().zip(options) {
                    weighted = &weighted + &(&Frac::int(c) * &Frac::from(*w));
                }
                (&p * &weighted).div(&Frac::int(n * 100))
            }
        };
        Some(raw.clamp(Frac::zero(), p).round2())
    }

    /// The largest amount the rule can award (for checks against `points`).
    fn max_amount(&self) -> Option<Decimal> {
        match self {
            Rule::Tiers(t) => t.iter().map(|t| t.amount).max(),
            Rule::Levels(l) => l.values().copied().max(),
            Rule::RankPoints { points, rest, .. } => points.iter().copied().chain([*rest]).max(),
            Rule::VsMean {
                above, equal, below, ..
            } => Some(*above.max(equal).max(below)),
            _ => None,
        }
    }

    /// The rule in plain words (from its parameters, not the standard text).
    pub fn describe(&self, points: Decimal, lang: Lang) -> String {
        let p = fmt_points(points);
        let zh = lang == Lang::Zh;
        match self {
            Rule::Check => {
                if zh {
                    format!("是得{p}分，否不得分")
                } else {
                    format!("yes {p}, no 0")
                }
            }
            Rule::Deduct { per } => {
                let per = fmt_points(*per);
                if zh {
                    format!("每次扣{per}分，扣完为止")
                } else {
                    format!("−{per} per occurrence, floor 0")
                }
            }
            Rule::Count { per } => {
                let per = fmt_points(*per);
                if zh {
                    format!("每次得{per}分，最高{p}分")
                } else {
                    format!("+{per} per occurrence, up to {p}")
                }
            }
            Rule::Target { target, per: Some(per) } => {
                let (t, per) = (fmt_points(*target), fmt_points(*per));
                if zh {
                    format!("目标{t}，每少1扣{per}分，扣完为止")
                } else {
                    format!("target {t}, −{per} per 1 short, floor 0")
                }
            }
            Rule::Target { target, per: None } => {
                let t = fmt_points(*target);
                if zh {
                    format!("按完成比例折算（目标{t}）")
                } else {
                    format!("pro rata to target {t}")
                }
            }
            Rule::Tiers(tiers) => {
                let parts: Vec<String> = tiers
                    .iter()
                    .map(|t| {
                        let (m, a) = (fmt_points(t.min), fmt_points(t.amount));
                        if zh {
                            format!("≥{m}得{a}分")
                        } else {
                            format!("≥{m}: {a}")
                        }
                    })
                    .collect();
                if zh {
                    format!("{}；否则0分", parts.join("；"))
                } else {
                    format!("{}; else 0", parts.join("; "))
                }
            }
            Rule::Levels(levels) => {
                let parts: Vec<String> = levels
                    .iter()
                    .map(|(n, a)| {
                        if zh {
                            format!("{n}{}分", fmt_points(*a))
                        } else {
                            format!("{n} {}", fmt_points(*a))
                        }
                    })
                    .collect();
                parts.join(if zh { "，" } else { ", " })
            }
            Rule::Direct => {
                if zh {
                    format!("直接评定得分（0–{p}分）")
                } else {
                    format!("assessed amount 0–{p}")
                }
            }
            Rule::Clauses(clauses) => {
                let parts: Vec<String> = clauses
                    .iter()
                    .map(|c| {
                        let per = fmt_points(c.per);
                        let capped = c.max < points;
                        match (zh, capped) {
                            (true, true) => format!("{}：每次扣{per}分（最多{}分）", c.id, fmt_points(c.max)),
                            (true, false) => format!("{}：每次扣{per}分", c.id),
                            (false, true) => format!("{}: −{per} each (max {})", c.id, fmt_points(c.max)),
                            (false, false) => format!("{}: −{per} each", c.id),
                        }
                    })
                    .collect();
                if zh {
                    format!("{}；扣完为止", parts.join("；"))
                } else {
                    format!("{}; floor 0", parts.join("; "))
                }
            }
            Rule::Survey(options) => {
                let parts: Vec<String> = options.iter().map(|(n, w)| format!("{n}{}", fmt_points(*w))).collect();
                if zh {
                    format!("民主测评加权（{}）", parts.join("/"))
                } else {
                    format!("survey, weighted ({})", parts.join("/"))
                }
            }
            Rule::RankPoints {
                points,
                rest,
                asc,
                within,
            } => {
                let scope = within_words(*within, lang);
                let list: Vec<String> = points.iter().map(|a| fmt_points(*a)).collect();
                let rest = fmt_points(*rest);
                match (zh, asc) {
                    (true, false) => format!(
                        "按{scope}排名赋分（从高到低）：第1名起依次{}分，其后{rest}分",
                        list.join("、")
                    ),
                    (true, true) => format!(
                        "按{scope}排名赋分（从低到高）：第1名起依次{}分，其后{rest}分",
                        list.join("、")
                    ),
                    (false, false) => format!(
                        "by rank {scope} (highest first): {} from rank 1, then {rest}",
                        list.join(", ")
                    ),
                    (false, true) => format!(
                        "by rank {scope} (lowest first): {} from rank 1, then {rest}",
                        list.join(", ")
                    ),
                }
            }
            Rule::Relative { within } => {
                let scope = within_words(*within, lang);
                if zh {
                    format!("{scope}最高者得{p}分，其余按与最高者的比例得分")
                } else {
                    format!("{p} for the highest {scope}, the others in proportion to it")
                }
            }
            Rule::VsMean {
                above,
                equal,
                below,
                within,
            } => {
                let scope = within_words(*within, lang);
                let (a, e, b) = (fmt_points(*above), fmt_points(*equal), fmt_points(*below));
                if zh {
                    format!("与{scope}平均值比较：高于平均{a}分，等于平均{e}分，低于平均{b}分")
                } else {
                    format!("against the mean {scope}: above {a}, equal {e}, below {b}")
                }
            }
        }
    }

    /// Read a rule from its framework table, checking every parameter
    /// against the indicator's points. Returns every problem found.
    pub fn from_toml(value: &toml::Value, points: Decimal) -> Result<Rule, Vec<String>> {
        let Some(table) = value.as_table() else {
            return Err(vec![
                crate::base::lang::m(
                    "rule 必须是表，例如 { type = \"check\" }",
                    "rule must be a table such as { type = \"check\" }",
                )
                .to_string(),
            ]);
        };
        let mut errs = Vec::new();
        let Some(kind) = table.get("type") else {
            return Err(vec![
                crate::base::lang::m(
                    "rule 缺少 type（应为 check、deduct、count、target、tiers、levels、direct、clauses、survey、rank_points、relative、vs_mean 之一）",
                    "rule has no type (one of check, deduct, count, target, tiers, levels, direct, clauses, survey, rank_points, relative, vs_mean)",
                )
                .into(),
            ]);
        };
        let Some(kind) = kind.as_str() else {
            return Err(vec![
                crate::base::lang::m("rule 的 type 必须是字符串", "rule type must be a string").into(),
            ]);
        };
        let allowed: &[&str] = match kind {
            "check" | "direct" => &["type"],
            "deduct" | "count" => &["type", "per"],
            "target" => &["type", "target", "per"],
            "tiers" => &["type", "tiers"],
            "levels" => &["type", "levels"],
            "clauses" => &["type", "clauses"],
            "survey" => &["type", "survey"],
            "rank_points" => &["type", "points", "rest", "order", "within"],
            "relative" => &["type", "within"],
            "vs_mean" => &["type", "above", "equal", "below", "within"],
            other => {
                let known = [
                    "check",
                    "deduct",
                    "count",
                    "target",
                    "tiers",
                    "levels",
                    "direct",
                    "clauses",
                    "survey",
                    "rank_points",
                    "relative",
                    "vs_mean",
                ];
                return Err(vec![crate::base::lang::msg!(
                    zh: "未知评分规则类型“{other}”{}；应为以下之一：{}",
                    en: "unknown rule type \"{other}\"{}; expected one of {}",
                    crate::base::diag::hint(other, known),
                    known.join(", ")
                )]);
            }
        };
        for key in table.keys() {
            // Per-category parameters are read by the framework, which knows
            // the categories (`Rule::by_category`).
            if !allowed.contains(&key.as_str()) && key != "by_category" {
                errs.push(crate::base::lang::msg!(
                    zh: "{kind} 评分规则中有未知的键“{key}”{}",
                    en: "unknown key \"{key}\" in a {kind} rule{}",
                    crate::base::diag::hint(key, allowed.iter().copied())
                ));
            }
        }
        // `target` is on the evidence's scale, `per` on the points' scale.
        let mut positive = |key: &str, required: bool| -> Option<Decimal> {
            let limit = if key == "target" {
                crate::base::num::MAX_VALUE
            } else {
                MAX_POINTS
            };
            match table.get(key) {
                None => {
                    if required {
                        errs.push(
                            crate::base::lang::msg!(zh: "{kind} 评分规则需要 {key}", en: "{kind} rule needs {key}"),
                        );
                    }
                    None
                }
                Some(v) => match decimal(v).and_then(|d| within(d, limit)) {
                    Ok(d) if d > Decimal::ZERO => Some(d),
                    Ok(d) => {
                        errs.push(crate::base::lang::msg!(
                            zh: "{key} 必须大于 0，不能为 {}",
                            en: "{key} must be > 0, not {}",
                            fmt_points(d)
                        ));
                        None
                    }
                    Err(e) => {
                        errs.push(crate::base::lang::msg!(zh: "{key}：{e}", en: "{key}: {e}"));
                        None
                    }
                },
            }
        };
        let rule = match kind {
            "check" => Some(Rule::Check),
            "direct" => Some(Rule::Direct),
            "deduct" => positive("per", true).map(|per| Rule::Deduct { per }),
            "count" => positive("per", true).map(|per| Rule::Count { per }),
            "target" => {
                let target = positive("target", true);
                let per = positive("per", false);
                target.map(|target| Rule::Target { target, per })
            }
            "tiers" => parse_tiers(table.get("tiers"), points, &mut errs).map(Rule::Tiers),
            "levels" => parse_levels(table.get("levels"), points, &mut errs).map(Rule::Levels),
            "clauses" => parse_clauses(table.get("clauses"), points, &mut errs).map(Rule::Clauses),
            "survey" => parse_survey(table.get("survey"), &mut errs).map(Rule::Survey),
            "rank_points" | "relative" | "vs_mean" => parse_cohort(kind, table, points, &mut errs),
            _ => None,
        };
        if let Some(max) = rule.as_ref().and_then(Rule::max_amount)
            && max > points
        {
            errs.push(crate::base::lang::msg!(
                zh: "得分 {} 超过该指标的分值 {} 分",
                en: "an amount of {} exceeds the indicator's {} points",
                fmt_points(max),
                fmt_points(points)
            ));
        }
        match rule {
            Some(r) if errs.is_empty() => Ok(r),
            _ => Err(errs),
        }
    }
}

/// The parameters of a cohort rule (`rank_points`, `relative`, `vs_mean`);
/// every amount within `[0, points]`.
fn parse_cohort(kind: &str, table: &toml::Table, points: Decimal, errs: &mut Vec<String>) -> Option<Rule> {
    let within = match table.get("within").map(|v| v.as_str()) {
        None | Some(Some("all")) => Within::All,
        Some(Some("category")) => Within::Category,
        Some(other) => {
            let shown = other.map_or_else(|| table["within"].to_string(), str::to_string);
            errs.push(crate::base::lang::msg!(
                zh: "within 只能为“all”（全部单位）或“category”（本类别单位），不能为“{shown}”",
                en: "within must be \"all\" or \"category\", not \"{shown}\""
            ));
            Within::All
        }
    };
    let mut amount = |key: &str, default: Decimal| -> Decimal {
        match table.get(key) {
            None => default,
            Some(v) => match decimal(v).and_then(check_places) {
                Ok(d) if d >= Decimal::ZERO && d <= points => d,
                Ok(d) => {
                    errs.push(crate::base::lang::msg!(
                        zh: "{key} 应在 0 到该指标分值 {} 之间，不能为 {}",
                        en: "{key} must be between 0 and the indicator's {} points, not {}",
                        fmt_points(points),
                        fmt_points(d)
                    ));
                    default
                }
                Err(e) => {
                    errs.push(crate::base::lang::msg!(zh: "{key}：{e}", en: "{key}: {e}"));
                    default
                }
            },
        }
    };
    match kind {
        "rank_points" => {
            let rest = amount("rest", Decimal::ZERO);
            let asc = match table.get("order").map(|v| v.as_str()) {
                None | Some(Some("desc")) => false,
                Some(Some("asc")) => true,
                Some(other) => {
                    let shown = other.map_or_else(|| table["order"].to_string(), str::to_string);
                    errs.push(crate::base::lang::msg!(
                        zh: "order 只能为“desc”（数值大者在前，默认）或“asc”（数值小者在前），不能为“{shown}”",
                        en: "order must be \"desc\" (larger first, the default) or \"asc\" (smaller first), not \"{shown}\""
                    ));
                    false
                }
            };
            let Some(list) = table.get("points").and_then(|v| v.as_array()).filter(|a| !a.is_empty()) else {
                errs.push(
                    crate::base::lang::m(
                        "rank_points 评分规则需要 points：各名次的得分，如 points = [6, 5, 4]",
                        "a rank_points rule needs points: the amount of each rank, e.g. points = [6, 5, 4]",
                    )
                    .to_string(),
                );
                return None;
            };
            let mut amounts = Vec::new();
            for (k, v) in list.iter().enumerate() {
                match decimal(v).and_then(check_places) {
                    Ok(d) if d >= Decimal::ZERO && d <= points => amounts.push(d),
                    Ok(d) => errs.push(crate::base::lang::msg!(
                        zh: "points 中第 {} 名的得分 {} 应在 0 到该指标分值 {} 之间",
                        en: "points: the amount of rank {}, {}, must be between 0 and the indicator's {} points",
                        k + 1,
                        fmt_points(d),
                        fmt_points(points)
                    )),
                    Err(e) => {
                        errs.push(crate::base::lang::msg!(zh: "points 第 {} 项：{e}", en: "points item {}: {e}", k + 1))
                    }
                }
            }
            Some(Rule::RankPoints {
                points: amounts,
                rest,
                asc,
                within,
            })
        }
        "relative" => Some(Rule::Relative { within }),
        _ => Some(Rule::VsMean {
            above: amount("above", points),
            equal: amount("equal", Decimal::ZERO),
            below: amount("below", Decimal::ZERO),
            within,
        }),
    }
}

/// A cohort rule's scope in words: `全部单位` / `本类别` (`of all units` /
/// `within the category`).
pub fn within_words(within: Within, lang: Lang) -> &'static str {
    match within {
        Within::All => lang.pick("全部单位", "of all units"),
        Within::Category => lang.pick("本类别单位", "within the category"),
    }
}

impl Rule {
    /// `by_category = { "开发区" = { target = 4 } }` in a rule table: for
    /// each category, the rule with those parameters in place of its own
    /// (分类设定目标). The type stays the rule's, and so does the form of
    /// its values (see `Rule::aligned_to`): `own` is the rule itself.
    pub fn by_category_from_toml(
        value: &toml::Value,
        own: &Rule,
        points: Decimal,
    ) -> Result<Vec<(String, Rule)>, Vec<String>> {
        let Some(base) = value.as_table() else {
            return Ok(Vec::new());
        };
        let Some(by) = base.get("by_category") else {
            return Ok(Vec::new());
        };
        let Some(by) = by.as_table().filter(|t| !t.is_empty()) else {
            return Err(vec![crate::base::lang::m(
                "by_category 应为表，键为类别名，值为该类别的参数，如 by_category = { \"开发区\" = { target = 4 } }",
                "by_category must be a table of categories and their parameters, e.g. by_category = { \"开发区\" = { target = 4 } }",
            )
            .to_string()]);
        };
        let (mut out, mut errs) = (Vec::new(), Vec::new());
        for (category, over) in by {
            let Some(over) = over.as_table() else {
                errs.push(crate::base::lang::msg!(
                    zh: "by_category 中“{category}”的值应为参数表，如 {{ target = 4 }}",
                    en: "by_category: \"{category}\" must be a table of parameters, e.g. {{ target = 4 }}"
                ));
                continue;
            };
            let mut merged = base.clone();
            merged.remove("by_category");
            for (k, v) in over {
                if k == "type" || k == "by_category" || k == "within" {
                    errs.push(crate::base::lang::msg!(
                        zh: "by_category 中“{category}”不能改动 {k}：只能替换评分参数",
                        en: "by_category: \"{category}\" cannot change {k}, only the rule's parameters"
                    ));
                    continue;
                }
                let v = match (k.as_str(), base.get("clauses")) {
                    ("clauses", Some(own)) => clauses_over(own, v),
                    _ => v.clone(),
                };
                merged.insert(k.clone(), v);
            }
            match Rule::from_toml(&toml::Value::Table(merged), points).and_then(|r| r.aligned_to(own)) {
                Ok(r) => out.push((category.trim().to_string(), r)),
                Err(e) => errs.extend(e.into_iter().map(
                    |m| crate::base::lang::msg!(zh: "by_category“{category}”：{m}", en: "by_category \"{category}\": {m}"),
                )),
            }
        }
        if errs.is_empty() { Ok(out) } else { Err(errs) }
    }

    /// A category's rule (`by_category`) with its levels, survey options or
    /// clauses in the order of `own`'s, which must have the same ones. The
    /// evidence of every unit is read by the rule's own names: a level is
    /// its place among the rule's levels, a survey's counts and a clause
    /// item's cells come in the rule's order. A category's own amounts,
    /// weights and deductions are taken by name; a name the rule does not
    /// have could never be given, and one it lacks would go unscored.
    fn aligned_to(self, own: &Rule) -> Result<Rule, Vec<String>> {
        fn align<T: Clone>(
            what: (&str, &str),
            own: &[&str],
            mine: &[(&str, T)],
        ) -> Result<Vec<(String, T)>, Vec<String>> {
            let has = |names: &[&str], n: &str| names.contains(&n);
            let names: Vec<&str> = mine.iter().map(|(n, _)| *n).collect();
            if own.len() == names.len() && own.iter().all(|n| has(&names, n)) {
                return Ok(own
                    .iter()
                    .map(|n| {
                        let (_, t) = mine.iter().find(|(m, _)| m == n).expect("the same names");
                        (n.to_string(), t.clone())
                    })
                    .collect());
            }
            let (zh, en) = what;
            let sep = crate::base::lang::m("、", ", ");
            let (own, names) = (own.join(sep), names.join(sep));
            Err(vec![crate::base::lang::msg!(
                zh: "{zh}须与规则本身的一致（{own}），只可改各自的参数；此处为 {names}。证据按规则本身的{zh}填写：多出的无从填写，缺少的无法计分",
                en: "the {en} must be the rule's own ({own}), only their parameters changed; here: {names}. Evidence names the rule's own {en}: another could never be given, and one left out could not be scored"
            )])
        }
        match (self, own) {
            (Rule::Levels(mine), Rule::Levels(theirs)) => {
                let own: Vec<&str> = theirs.keys().map(String::as_str).collect();
                let mine: Vec<(&str, Decimal)> = mine.iter().map(|(n, a)| (n.as_str(), *a)).collect();
                let aligned = align(("等级", "levels"), &own, &mine)?;
                Ok(Rule::Levels(aligned.into_iter().collect()))
            }
            (Rule::Survey(mine), Rule::Survey(theirs)) => {
                let own: Vec<&str> = theirs.iter().map(|(n, _)| n.as_str()).collect();
                let mine: Vec<(&str, Decimal)> = mine.iter().map(|(n, w)| (n.as_str(), *w)).collect();
                Ok(Rule::Survey(align(("测评选项", "survey options"), &own, &mine)?))
            }
            (Rule::Clauses(mine), Rule::Clauses(theirs)) => {
                let own: Vec<&str> = theirs.iter().map(|c| c.id.as_str()).collect();
                let mine: Vec<(&str, Clause)> = mine.iter().map(|c| (c.id.as_str(), c.clone())).collect();
                let aligned = align(("条款", "clauses"), &own, &mine)?;
                Ok(Rule::Clauses(aligned.into_iter().map(|(_, c)| c).collect()))
            }
            (mine, _) => Ok(mine),
        }
    }
}

/// A category's clauses (`by_category`) over the rule's own `own`: each
/// keeps what it does not give (`max`, `text`, even `per`) from the rule's
/// clause of the same id, so that only what it gives is changed.
fn clauses_over(own: &toml::Value, mine: &toml::Value) -> toml::Value {
    let id_of = |c: &toml::Value| {
        c.get("id")
            .and_then(toml::Value::as_str)
            .map(str::trim)
            .map(str::to_string)
    };
    let Some(list) = mine.as_array() else {
        return mine.clone();
    };
    let owns = own.as_array().map(Vec::as_slice).unwrap_or_default();
    let merged = list.iter().map(|c| {
        let (Some(id), Some(table)) = (id_of(c), c.as_table()) else {
            return c.clone();
        };
        let Some(mut whole) = owns
            .iter()
            .find(|o| id_of(o).as_deref() == Some(id.as_str()))
            .and_then(toml::Value::as_table)
            .cloned()
        else {
            return c.clone();
        };
        whole.extend(table.iter().map(|(k, v)| (k.clone(), v.clone())));
        toml::Value::Table(whole)
    });
    toml::Value::Array(merged.collect())
}

/// A TOML number as an exact decimal. Floats are read through their shortest
/// decimal form, so `2.3` is exactly 2.3, never 2.29999….
pub fn decimal(v: &toml::Value) -> Result<Decimal, String> {
    match v {
        toml::Value::Integer(i) => Ok(Decimal::from(*i)),
        toml::Value::Float(f) if f.is_finite() => match Decimal::from_str(&format!("{f}")) {
            // Beyond 28 places a decimal rounds to 0: say so, not "not > 0".
            Ok(d) if d.is_zero() && *f != 0.0 => {
                Err(crate::base::lang::msg!(zh: "{f:?} 过小", en: "{f:?} is too small"))
            }
            Ok(d) => Ok(d),
            Err(_) => Err(crate::base::lang::msg!(zh: "{f:?} 超出范围", en: "{f:?} is out of range")),
        },
        toml::Value::Float(f) => Err(crate::base::lang::msg!(zh: "{f} 不是有限数值", en: "{f} is not a finite number")),
        other => Err(crate::base::lang::msg!(
            zh: "应为数字，实为 {}",
            en: "expected a number, found {}",
            other.type_str()
        )),
    }
}

/// Largest points, total, cap, grade bound or `per` a framework may give.
/// Far beyond any real framework, and small enough that no sum, product or
/// rescaling of points and evidence values can overflow a `Decimal`.
pub const MAX_POINTS: u64 = 1_000_000;

/// `d` if its magnitude is at most `limit`.
pub fn within(d: Decimal, limit: u64) -> Result<Decimal, String> {
    if d.abs() > Decimal::from(limit) {
        Err(crate::base::lang::msg!(
            zh: "{} 过大（最大为 {limit}）",
            en: "{} is too large (at most {limit})",
            d.normalize()
        ))
    } else {
        Ok(d)
    }
}

/// Points-like decimals (amounts) carry at most two places.
pub fn check_places(d: Decimal) -> Result<Decimal, String> {
    if d.normalize().scale() > 2 {
        Err(crate::base::lang::msg!(
            zh: "{} 的小数超过两位",
            en: "{} has more than two decimal places",
            d.normalize()
        ))
    } else {
        Ok(d)
    }
}

fn amount_param(v: &toml::Value, points: Decimal, what: &str, errs: &mut Vec<String>) -> Option<Decimal> {
    match decimal(v).and_then(check_places).and_then(|d| within(d, MAX_POINTS)) {
        Ok(d) if d < Decimal::ZERO => {
            errs.push(crate::base::lang::msg!(zh: "{what} {} 为负数", en: "{what} {} is negative", fmt_points(d)));
            None
        }
        Ok(d) if d > points => {
            errs.push(crate::base::lang::msg!(
                zh: "{what} {} 超过该指标的分值 {} 分",
                en: "{what} {} exceeds the indicator's {} points",
                fmt_points(d),
                fmt_points(points)
            ));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errs.push(crate::base::lang::msg!(zh: "{what}：{e}", en: "{what}: {e}"));
            None
        }
    }
}

fn parse_tiers(v: Option<&toml::Value>, points: Decimal, errs: &mut Vec<String>) -> Option<Vec<Tier>> {
    let Some(arr) = v.and_then(toml::Value::as_array).filter(|a| !a.is_empty()) else {
        errs.push(
            crate::base::lang::m(
                "tiers 评分规则需要 tiers = [[min_value, amount], …]",
                "tiers rule needs tiers = [[min_value, amount], …]",
            )
            .into(),
        );
        return None;
    };
    let mut tiers = Vec::new();
    let start = errs.len();
    for (i, t) in arr.iter().enumerate() {
        let pair = t.as_array().filter(|p| p.len() == 2);
        let Some(pair) = pair else {
            errs.push(crate::base::lang::msg!(
                zh: "第 {} 档必须写作 [min_value, amount]",
                en: "tier {} must be [min_value, amount]",
                i + 1
            ));
            continue;
        };
        let min = decimal(&pair[0])
            .and_then(|d| within(d, crate::base::num::MAX_VALUE))
            .map_err(|e| {
                errs.push(crate::base::lang::msg!(zh: "第 {} 档 min_value：{e}", en: "tier {} min_value: {e}", i + 1))
            })
            .ok();
        let amount = amount_param(
            &pair[1],
            points,
            &crate::base::lang::msg!(zh: "第 {} 档 amount", en: "tier {} amount", i + 1),
            errs,
        );
        if let (Some(min), Some(amount)) = (min, amount) {
            if let Some(prev) = tiers.last().map(|t: &Tier| t.min)
                && min >= prev
            {
                errs.push(crate::base::lang::msg!(
                    zh: "各档 min_value 必须严格递减：{} 排在 {} 之后",
                    en: "tier min_values must be strictly descending: {} follows {}",
                    fmt_points(min),
                    fmt_points(prev)
                ));
            }
            tiers.push(Tier { min, amount });
        }
    }
    (errs.len() == start).then_some(tiers)
}

fn parse_levels(v: Option<&toml::Value>, points: Decimal, errs: &mut Vec<String>) -> Option<IndexMap<String, Decimal>> {
    let Some(table) = v.and_then(toml::Value::as_table).filter(|t| !t.is_empty()) else {
        errs.push(
            crate::base::lang::m(
                "levels 评分规则需要 levels = { \"好\" = 5, … }",
                "levels rule needs levels = { \"好\" = 5, … }",
            )
            .into(),
        );
        return None;
    };
    let start = errs.len();
    let mut levels = IndexMap::new();
    for (name, amount) in table {
        let name = name.trim();
        if name.is_empty() {
            errs.push(crate::base::lang::m("等级名称为空", "a level name is empty").into());
        } else if levels.contains_key(name) {
            // "好" and "好 ": one level, its amount given twice.
            errs.push(crate::base::lang::msg!(zh: "等级“{name}”重复", en: "level \"{name}\" is given twice"));
            continue;
        }
        if let Some(a) = amount_param(
            amount,
            points,
            &crate::base::lang::msg!(zh: "等级“{name}”", en: "level \"{name}\""),
            errs,
        ) {
            levels.insert(name.to_string(), a);
        }
    }
    (errs.len() == start).then_some(levels)
}

fn parse_clauses(v: Option<&toml::Value>, points: Decimal, errs: &mut Vec<String>) -> Option<Vec<Clause>> {
    let Some(arr) = v.and_then(toml::Value::as_array).filter(|a| !a.is_empty()) else {
        errs.push(
            crate::base::lang::m(
                "clauses 评分规则需要 clauses = [{ id = \"a\", per = 1 }, …]",
                "clauses rule needs clauses = [{ id = \"a\", per = 1 }, …]",
            )
            .into(),
        );
        return None;
    };
    let start = errs.len();
    let mut clauses: Vec<Clause> = Vec::new();
    for (i, c) in arr.iter().enumerate() {
        let n = i + 1;
        let Some(t) = c.as_table() else {
            errs.push(crate::base::lang::msg!(
                zh: "第 {n} 个子项必须是表 {{ id = \"a\", per = 1 }}",
                en: "clause {n} must be a table {{ id = \"a\", per = 1 }}"
            ));
            continue;
        };
        for key in t.keys() {
            if !["id", "per", "max", "text"].contains(&key.as_str()) {
                errs.push(crate::base::lang::msg!(
                    zh: "第 {n} 个子项中有未知的键“{key}”{}",
                    en: "unknown key \"{key}\" in clause {n}{}",
                    crate::base::diag::hint(key, ["id", "per", "max", "text"])
                ));
            }
        }
        let id = match t.get("id").and_then(toml::Value::as_str).map(str::trim) {
            Some("") => {
                errs.push(crate::base::lang::msg!(zh: "第 {n} 个子项的 id 为空", en: "clause {n} has an empty id"));
                None
            }
            Some(id) if crate::base::diag::first_invisible(id).is_some() => {
                let c = crate::base::diag::first_invisible(id).expect("checked");
                errs.push(crate::base::diag::invisible_in_id("子项 id", "clause id", id, c));
                None
            }
            Some(id) if id.contains('/') => {
                errs.push(crate::base::lang::msg!(
                    zh: "子项 id“{id}”不能包含“/”",
                    en: "clause id \"{id}\" may not contain \"/\""
                ));
                None
            }
            Some(id) if clauses.iter().any(|c| c.id == id) => {
                errs.push(crate::base::lang::msg!(zh: "子项 id“{id}”重复", en: "duplicate clause id \"{id}\""));
                None
            }
            Some(id) => Some(id.to_string()),
            None => {
                errs.push(crate::base::lang::msg!(
                    zh: "第 {n} 个子项需要 id（字符串）",
                    en: "clause {n} needs an id (a string)"
                ));
                None
            }
        };
        // A count is kept up to where it takes every point: 10⁹ at most.
        let least = Decimal::new(1, 3);
        let per = match t.get("per").map(|v| decimal(v).and_then(|d| within(d, MAX_POINTS))) {
            Some(Ok(d)) if d >= least => Some(d),
            Some(Ok(d)) if d > Decimal::ZERO => {
                errs.push(crate::base::lang::msg!(
                    zh: "第 {n} 个子项：per 最小为 0.001，不能为 {}",
                    en: "clause {n}: per must be at least 0.001, not {}",
                    d.normalize()
                ));
                None
            }
            Some(Ok(d)) => {
                errs.push(crate::base::lang::msg!(
                    zh: "第 {n} 个子项：per 必须大于 0，不能为 {}",
                    en: "clause {n}: per must be > 0, not {}",
                    fmt_points(d)
                ));
                None
            }
            Some(Err(e)) => {
                errs.push(crate::base::lang::msg!(zh: "第 {n} 个子项：per：{e}", en: "clause {n}: per: {e}"));
                None
            }
            None => {
                errs.push(crate::base::lang::msg!(zh: "第 {n} 个子项需要 per", en: "clause {n} needs per"));
                None
            }
        };
        let max = match t.get("max") {
            Some(m) => amount_param(
                m,
                points,
                &crate::base::lang::msg!(zh: "第 {n} 个子项 max", en: "clause {n} max"),
                errs,
            ),
            None => Some(points),
        };
        let text = match t.get("text") {
            Some(toml::Value::String(s)) => s.clone(),
            Some(_) => {
                errs.push(crate::base::lang::msg!(
                    zh: "第 {n} 个子项：text 必须是字符串",
                    en: "clause {n}: text must be a string"
                ));
                String::new()
            }
            None => String::new(),
        };
        if let (Some(id), Some(per), Some(max)) = (id, per, max) {
            clauses.push(Clause { id, per, max, text });
        }
    }
    (errs.len() == start).then_some(clauses)
}

fn parse_survey(v: Option<&toml::Value>, errs: &mut Vec<String>) -> Option<Vec<(String, Decimal)>> {
    let Some(arr) = v.and_then(toml::Value::as_array).filter(|a| !a.is_empty()) else {
        errs.push(
            crate::base::lang::m(
                "survey 评分规则需要 survey = [[\"好\", 100], [\"较好\", 80], …]",
                "survey rule needs survey = [[\"好\", 100], [\"较好\", 80], …]",
            )
            .into(),
        );
        return None;
    };
    let start = errs.len();
    let mut options: Vec<(String, Decimal)> = Vec::new();
    for (i, o) in arr.iter().enumerate() {
        let n = i + 1;
        let pair = o.as_array().filter(|p| p.len() == 2);
        let Some((name, weight)) = pair.and_then(|p| Some((p[0].as_str()?, &p[1]))) else {
            errs.push(crate::base::lang::msg!(
                zh: "民主测评第 {n} 个选项必须写作 [\"name\", weight]",
                en: "survey option {n} must be [\"name\", weight]"
            ));
            continue;
        };
        match decimal(weight) {
            Ok(w) if w < Decimal::ZERO || w > Decimal::ONE_HUNDRED => errs.push(crate::base::lang::msg!(
                zh: "民主测评选项“{name}”的权重必须在 0–100 之间，不能为 {}",
                en: "survey weight of \"{name}\" must be within 0–100, not {}",
                fmt_points(w)
            )),
            Ok(w) => {
                if options.iter().any(|(n, _)| n == name) {
                    errs.push(
                        crate::base::lang::msg!(zh: "民主测评选项“{name}”重复", en: "duplicate survey option \"{name}\""),
                    );
                }
                options.push((name.to_string(), w));
            }
            Err(e) => errs.push(crate::base::lang::msg!(
                zh: "民主测评选项“{name}”的权重：{e}",
                en: "survey weight of \"{name}\": {e}"
            )),
        }
    }
    (errs.len() == start).then_some(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn rule(src: &str, points: &str) -> Result<Rule, Vec<String>> {
        let v: toml::Value = toml::from_str::<toml::Table>(&format!("rule = {src}")).unwrap()["rule"].clone();
        Rule::from_toml(&v, d(points))
    }

    /// Amount for one raw value (or `/`-free list for clauses).
    fn amt(src: &str, points: &str, raws: &[&str]) -> Option<String> {
        let r = rule(src, points).unwrap();
        let vals: Vec<Value> = raws.iter().map(|raw| r.parse_value(raw, d(points)).unwrap()).collect();
        let refs: Vec<&Value> = vals.iter().collect();
        r.amount(&refs, d(points)).map(|a| a.to_string())
    }

    #[test]
    fn check_rule() {
        let r = r#"{ type = "check" }"#;
        assert_eq!(amt(r, "3", &["是"]).unwrap(), "3.00");
        assert_eq!(amt(r, "3", &["√"]).unwrap(), "3.00");
        assert_eq!(amt(r, "3", &["YES"]).unwrap(), "3.00");
        assert_eq!(amt(r, "3", &["否"]).unwrap(), "0.00");
        assert_eq!(amt(r, "3", &["0"]).unwrap(), "0.00");
        let rr = rule(r, "3").unwrap();
        assert_eq!(
            rr.parse_value("maybe", d("3")),
            Err("\"maybe\" is not yes/no (是/否)".into())
        );
    }

    #[test]
    fn deduct_rule_floors_at_zero() {
        let r = r#"{ type = "deduct", per = 1.5 }"#;
        assert_eq!(amt(r, "4", &["0"]).unwrap(), "4.00");
        assert_eq!(amt(r, "4", &["2"]).unwrap(), "1.00");
        assert_eq!(amt(r, "4", &["3"]).unwrap(), "0.00");
        assert_eq!(amt(r, "4", &["1000000000000"]).unwrap(), "0.00");
        let rr = rule(r, "4").unwrap();
        assert_eq!(rr.parse_value("-1", d("4")), Err("negative count -1".into()));
        assert_eq!(
            rr.parse_value("1.5", d("4")),
            Err("count 1.5 is not a whole number".into())
        );
    }

    #[test]
    fn count_rule_caps_at_points() {
        let r = r#"{ type = "count", per = 1 }"#;
        assert_eq!(amt(r, "3", &["0"]).unwrap(), "0.00");
        assert_eq!(amt(r, "3", &["2"]).unwrap(), "2.00");
        assert_eq!(amt(r, "3", &["3"]).unwrap(), "3.00");
        assert_eq!(amt(r, "3", &["7"]).unwrap(), "3.00");
    }

    #[test]
    fn target_rule_with_per() {
        let r = r#"{ type = "target", target = 4, per = 2 }"#;
        assert_eq!(amt(r, "5", &["4"]).unwrap(), "5.00");
        assert_eq!(amt(r, "5", &["9"]).unwrap(), "5.00");
        assert_eq!(amt(r, "5", &["3"]).unwrap(), "3.00");
        assert_eq!(amt(r, "5", &["2"]).unwrap(), "1.00");
        assert_eq!(amt(r, "5", &["1"]).unwrap(), "0.00");
        assert_eq!(amt(r, "5", &["3.5"]).unwrap(), "4.00");
    }

    #[test]
    fn target_rule_pro_rata() {
        let r = r#"{ type = "target", target = 100 }"#;
        assert_eq!(amt(r, "6", &["100%"]).unwrap(), "6.00");
        assert_eq!(amt(r, "6", &["120"]).unwrap(), "6.00");
        assert_eq!(amt(r, "6", &["95%"]).unwrap(), "5.70");
        // 6 × 2/3 = 4 exactly after rounding; 5 × 1/3 = 1.666… → 1.67
        assert_eq!(amt(r#"{ type = "target", target = 3 }"#, "6", &["2"]).unwrap(), "4.00");
        assert_eq!(amt(r#"{ type = "target", target = 3 }"#, "5", &["1"]).unwrap(), "1.67");
        // 0.5 × 5 / 2 = 1.25 exactly; 0.01 × 5 / 2 = 0.025 → 0.03 (half-up)
        assert_eq!(
            amt(r#"{ type = "target", target = 2 }"#, "5", &["0.01"]).unwrap(),
            "0.03"
        );
        assert_eq!(amt(r, "6", &["0"]).unwrap(), "0.00");
    }

    #[test]
    fn tiers_rule_takes_first_reached() {
        let r = r#"{ type = "tiers", tiers = [[95, 8], [80, 5], [60, 2]] }"#;
        assert_eq!(amt(r, "8", &["95"]).unwrap(), "8.00");
        assert_eq!(amt(r, "8", &["94.99"]).unwrap(), "5.00");
        assert_eq!(amt(r, "8", &["80"]).unwrap(), "5.00");
        assert_eq!(amt(r, "8", &["60"]).unwrap(), "2.00");
        assert_eq!(amt(r, "8", &["59.99"]).unwrap(), "0.00");
    }

    #[test]
    fn levels_rule() {
        let r = r#"{ type = "levels", levels = { "好" = 5, "较好" = 4, "一般" = 2, "差" = 0 } }"#;
        assert_eq!(amt(r, "5", &["好"]).unwrap(), "5.00");
        assert_eq!(amt(r, "5", &[" 较好 "]).unwrap(), "4.00");
        assert_eq!(amt(r, "5", &["差"]).unwrap(), "0.00");
        let rr = rule(r, "5").unwrap();
        assert_eq!(
            rr.parse_value("优秀", d("5")),
            Err("\"优秀\" is not one of the levels 好, 较好, 一般, 差".into())
        );
    }

    #[test]
    fn direct_rule_bounds() {
        let r = r#"{ type = "direct" }"#;
        assert_eq!(amt(r, "3", &["2.5"]).unwrap(), "2.50");
        assert_eq!(amt(r, "3", &["0"]).unwrap(), "0.00");
        assert_eq!(amt(r, "3", &["3"]).unwrap(), "3.00");
        let rr = rule(r, "3").unwrap();
        assert_eq!(rr.parse_value("3.01", d("3")), Err("amount 3.01 is outside 0–3".into()));
        assert_eq!(rr.parse_value("-0.5", d("3")), Err("amount -0.5 is outside 0–3".into()));
    }

    #[test]
    fn clauses_share_the_points() {
        let r = r#"{ type = "clauses", clauses = [{ id = "a", per = 1, max = 2 }, { id = "b", per = 1 }, { id = "c", per = 0.5 }] }"#;
        assert_eq!(amt(r, "3", &["0", "0", "0"]).unwrap(), "3.00");
        assert_eq!(amt(r, "3", &["1", "0", "1"]).unwrap(), "1.50");
        // clause a capped at 2
        assert_eq!(amt(r, "3", &["5", "0", "0"]).unwrap(), "1.00");
        // total floors at 0
        assert_eq!(amt(r, "3", &["2", "2", "2"]).unwrap(), "0.00");
    }

    #[test]
    fn survey_weights_votes() {
        let r = r#"{ type = "survey", survey = [["好", 100], ["较好", 80], ["一般", 60], ["较差", 40]] }"#;
        // (30×100 + 10×80) / (100 × 40) × 5 = 3800/4000 × 5 = 4.75
        assert_eq!(amt(r, "5", &["30/10/0/0"]).unwrap(), "4.75");
        assert_eq!(amt(r, "5", &["1/0/0/0"]).unwrap(), "5.00");
        assert_eq!(amt(r, "5", &["0/0/0/1"]).unwrap(), "2.00");
        // 2/1/0/0 → (200+80)/300 × 4 = 3.7333… → 3.73
        assert_eq!(amt(r, "4", &["2/1/0/0"]).unwrap(), "3.73");
        assert_eq!(amt(r, "5", &["0/0/0/0"]), None);
        let rr = rule(r, "5").unwrap();
        assert_eq!(
            rr.parse_value("1/2/3", d("5")),
            Err("\"1/2/3\" has 3 vote count(s); this survey needs 4 (好/较好/一般/较差)".into())
        );
    }

    #[test]
    fn every_yes_and_no_spelling() {
        for yes in ["yes", "Y", "true", "1", "是", "有", "√", "✓", " TRUE "] {
            assert_eq!(parse_yes_no(yes), Some(true), "{yes}");
        }
        for no in ["no", "N", "false", "0", "否", "无", "×", "✗", " False "] {
            assert_eq!(parse_yes_no(no), Some(false), "{no}");
        }
        for neither in ["", "2", "yes!", "对", "不适用"] {
            assert_eq!(parse_yes_no(neither), None, "{neither}");
        }
        for na in ["N/A", "na", "不适用", " 不涉及 "] {
            assert!(is_not_applicable(na), "{na}");
        }
    }

    #[test]
    fn boundaries_where_points_run_out() {
        // deduct: exactly used up, and one occurrence short of it.
        let r = r#"{ type = "deduct", per = 2 }"#;
        assert_eq!(amt(r, "4", &["1"]).unwrap(), "2.00");
        assert_eq!(amt(r, "4", &["2"]).unwrap(), "0.00");
        // count: one short of the cap, at it, past it.
        let r = r#"{ type = "count", per = 0.5 }"#;
        assert_eq!(amt(r, "2", &["3"]).unwrap(), "1.50");
        assert_eq!(amt(r, "2", &["4"]).unwrap(), "2.00");
        assert_eq!(amt(r, "2", &["5"]).unwrap(), "2.00");
        // target with per: 0.01 short costs per × 0.01.
        let r = r#"{ type = "target", target = 4, per = 1 }"#;
        assert_eq!(amt(r, "4", &["3.99"]).unwrap(), "3.99");
        assert_eq!(amt(r, "4", &["0"]).unwrap(), "0.00");
        // clauses: deductions adding up to exactly the points, and a clause
        // without max capped at the points.
        let r = r#"{ type = "clauses", clauses = [{ id = "a", per = 1 }, { id = "b", per = 0.5 }] }"#;
        assert_eq!(amt(r, "3", &["2", "2"]).unwrap(), "0.00");
        assert_eq!(amt(r, "3", &["2", "1"]).unwrap(), "0.50");
        assert_eq!(amt(r, "3", &["9", "0"]).unwrap(), "0.00");
        // direct: every value from 0 to P with two places is its own amount.
        assert_eq!(amt(r#"{ type = "direct" }"#, "3", &["0.01"]).unwrap(), "0.01");
        assert_eq!(amt(r#"{ type = "direct" }"#, "3", &["2.99"]).unwrap(), "2.99");
        // tiers: below the lowest tier earns 0.
        let r = r#"{ type = "tiers", tiers = [[1, 2], [0, 1]] }"#;
        assert_eq!(amt(r, "2", &["0.99"]).unwrap(), "1.00");
        assert_eq!(amt(r, "2", &["-1"]).unwrap(), "0.00");
    }

    #[test]
    fn survey_rounds_half_up_and_weights_may_be_zero() {
        let r = r#"{ type = "survey", survey = [["赞成", 100], ["反对", 0]] }"#;
        // 5 × 100 / 800 = 0.625 → 0.63 (not 0.62 as to-even would give).
        assert_eq!(amt(r, "5", &["1/7"]).unwrap(), "0.63");
        assert_eq!(amt(r, "5", &["0/3"]).unwrap(), "0.00");
        assert_eq!(amt(r, "5", &["3/0"]).unwrap(), "5.00");
        // Full-width slash, as typed with a Chinese input method.
        assert_eq!(amt(r, "5", &["1／1"]).unwrap(), "2.50");
        let rr = rule(r, "5").unwrap();
        assert_eq!(rr.parse_value("1/-1", d("5")), Err("negative count -1".into()));
        assert_eq!(
            rr.parse_value("1/0.5", d("5")),
            Err("count 0.5 is not a whole number".into())
        );
    }

    #[test]
    fn levels_match_exactly_or_ignoring_ascii_case() {
        let r = r#"{ type = "levels", levels = { "A" = 3, "B" = 1 } }"#;
        assert_eq!(amt(r, "3", &["a"]).unwrap(), "3.00");
        assert_eq!(amt(r, "3", &[" B "]).unwrap(), "1.00");
        let rr = rule(r, "3").unwrap();
        assert_eq!(
            rr.parse_value("C", d("3")),
            Err("\"C\" is not one of the levels A, B".into())
        );
    }

    #[test]
    fn rule_parameters_are_checked() {
        assert_eq!(
            rule(r#"{ type = "deduct", per = 0 }"#, "3"),
            Err(vec!["per must be > 0, not 0".into()])
        );
        assert_eq!(
            rule(r#"{ type = "deduct" }"#, "3"),
            Err(vec!["deduct rule needs per".into()])
        );
        assert_eq!(
            rule(r#"{ type = "target", target = -1 }"#, "3"),
            Err(vec!["target must be > 0, not -1".into()])
        );
        assert_eq!(
            rule(r#"{ type = "tiers", tiers = [[60, 2], [80, 3]] }"#, "3"),
            Err(vec![
                "tier min_values must be strictly descending: 80 follows 60".into()
            ])
        );
        assert_eq!(
            rule(r#"{ type = "tiers", tiers = [[80, 4]] }"#, "3"),
            Err(vec!["tier 1 amount 4 exceeds the indicator's 3 points".into()])
        );
        assert_eq!(
            rule(r#"{ type = "levels", levels = { "好" = 6 } }"#, "5"),
            Err(vec!["level \"好\" 6 exceeds the indicator's 5 points".into()])
        );
        assert_eq!(
            rule(r#"{ type = "survey", survey = [["好", 120]] }"#, "5"),
            Err(vec!["survey weight of \"好\" must be within 0–100, not 120".into()])
        );
        assert_eq!(
            rule(
                r#"{ type = "clauses", clauses = [{ id = "a", per = 1 }, { id = "a", per = 1 }, { id = "b/c", per = 1 }] }"#,
                "3"
            ),
            Err(vec![
                "duplicate clause id \"a\"".into(),
                "clause id \"b/c\" may not contain \"/\"".into()
            ])
        );
        assert_eq!(
            rule(r#"{ type = "chek" }"#, "3"),
            Err(vec!["unknown rule type \"chek\" (did you mean \"check\"?); expected one of check, deduct, count, target, tiers, levels, direct, clauses, survey, rank_points, relative, vs_mean".into()])
        );
        assert_eq!(
            rule(r#"{ type = "deduct", per = 1, pre = 2 }"#, "3"),
            Err(vec![
                "unknown key \"pre\" in a deduct rule (did you mean \"per\"?)".into()
            ])
        );
    }

    #[test]
    fn floats_are_read_exactly() {
        let v: toml::Value = toml::from_str::<toml::Table>("x = 2.3").unwrap()["x"].clone();
        assert_eq!(decimal(&v).unwrap(), d("2.3"));
        assert!(check_places(d("2.345")).is_err());
        let tiny: toml::Value = toml::from_str::<toml::Table>("x = 1e-300").unwrap()["x"].clone();
        assert_eq!(decimal(&tiny), Err("1e-300 is too small".to_string()));
    }

    #[test]
    fn describes_rules_in_words() {
        let r = rule(r#"{ type = "target", target = 4, per = 1 }"#, "4").unwrap();
        assert_eq!(r.describe(d("4"), Lang::Zh), "目标4，每少1扣1分，扣完为止");
        assert_eq!(r.describe(d("4"), Lang::En), "target 4, −1 per 1 short, floor 0");
    }
}
