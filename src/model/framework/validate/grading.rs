//! The framework keys that decide grades beyond the score bands — quotas,
//! conditions, caps, fixed veto scores — and the kinds of rule that bonus
//! and penalty items may use: read and checked here, so that the long
//! indicator walk in the parent module only calls in.

use super::{
    Grade, GradeRules, Kind, Quota, QuotaRound, QuotaScope, QuotaTies, RawGrade, RawHeader, RawIndicator, Validator,
};
use crate::base::diag::hint;
use crate::base::num::fmt_points;
use crate::model::rule::Rule;
use rust_decimal::Decimal;
use std::str::FromStr;
use toml::Spanned;

impl Validator<'_> {
    /// `quota_scope`, `quota_round`, `quota_ties` of `[framework]`.
    pub(super) fn grade_rules(&mut self, h: &RawHeader) -> GradeRules {
        let mut rules = GradeRules::default();
        if let Some(v) = &h.quota_scope {
            rules.quota_scope_line = self.line(v);
            match v.get_ref().as_str() {
                "all" => rules.quota_scope = QuotaScope::All,
                "category" => rules.quota_scope = QuotaScope::Category,
                other => self.one_of(v, "quota_scope", other, &["all", "category"]),
            }
        }
        if let Some(v) = &h.quota_round {
            match v.get_ref().as_str() {
                "down" => rules.quota_round = QuotaRound::Down,
                "half_up" => rules.quota_round = QuotaRound::HalfUp,
                other => self.one_of(v, "quota_round", other, &["down", "half_up"]),
            }
        }
        if let Some(v) = &h.quota_ties {
            match v.get_ref().as_str() {
                "demote" => rules.quota_ties = QuotaTies::Demote,
                "keep" => rules.quota_ties = QuotaTies::Keep,
                other => self.one_of(v, "quota_ties", other, &["demote", "keep"]),
            }
        }
        rules
    }

    fn one_of(&mut self, at: &Spanned<String>, key: &str, got: &str, allowed: &[&str]) {
        let list = allowed
            .iter()
            .map(|a| format!("\"{a}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let msg = crate::base::lang::msg!(
            zh: "{key} 只能为 {list}，不能为“{got}”{}",
            en: "{key} must be one of {list}, not \"{got}\"{}",
            hint(got, allowed)
        );
        self.err(at, msg);
    }

    /// `max_zero` and `quota` of one `[[grade]]`.
    pub(super) fn grade_keys(&mut self, g: &RawGrade, name: &str) -> (Option<u32>, Option<Quota>) {
        let max_zero = g.max_zero.as_ref().and_then(|m| match u32::try_from(*m.get_ref()) {
            Ok(n) => Some(n),
            Err(_) => {
                let msg = crate::base::lang::msg!(
                    zh: "等次“{name}”的 max_zero 必须是不小于 0 的整数（允许得 0 分的基础指标个数）",
                    en: "grade \"{name}\" max_zero must be a whole number ≥ 0 (how many base indicators may score 0)"
                );
                self.err(m, msg);
                None
            }
        });
        let quota = g.quota.as_ref().and_then(|q| match parse_quota(q.get_ref()) {
            Ok(quota) => Some(quota),
            Err(e) => {
                self.err(
                    q,
                    crate::base::lang::msg!(zh: "等次“{name}”的 quota：{e}", en: "grade \"{name}\" quota: {e}"),
                );
                None
            }
        });
        (max_zero, quota)
    }

    /// The lowest grade takes whoever no other grade keeps: a quota or a
    /// condition there would leave units with no grade at all.
    pub(super) fn lowest_grade_has_no_quota(&mut self, raw: &[Spanned<RawGrade>]) {
        let Some(last) = raw.last().map(Spanned::get_ref) else {
            return;
        };
        let name = last.name.get_ref().trim();
        if let Some(q) = &last.quota {
            let msg = crate::base::lang::msg!(
                zh: "最低等次“{name}”不能设置 quota（超出比例的单位要降到最低等次，最低等次本身不限比例）",
                en: "the lowest grade \"{name}\" cannot have a quota (units over a quota move down to it; it takes everyone left)"
            );
            self.err(q, msg);
        }
        if let Some(m) = &last.max_zero {
            let msg = crate::base::lang::msg!(
                zh: "最低等次“{name}”不能设置 max_zero（不满足条件的单位要降到最低等次）",
                en: "the lowest grade \"{name}\" cannot have max_zero (units that fail a condition move down to it)"
            );
            self.err(m, msg);
        }
    }

    /// `max_grade` (cap items) and `score` (veto items).
    pub(super) fn trigger_keys(
        &mut self,
        ri: &RawIndicator,
        id: &str,
        kind: Kind,
        grades: &[Grade],
    ) -> (Option<usize>, Option<Decimal>) {
        let max_grade = match (&ri.max_grade, kind) {
            (Some(m), Kind::Cap) => {
                let name = m.get_ref().trim();
                match grades.iter().position(|g| g.name == name) {
                    Some(i) => Some(i),
                    None => {
                        let names: Vec<&str> = grades.iter().map(|g| g.name.as_str()).collect();
                        let msg = match crate::base::diag::did_you_mean(name, names.iter().copied()) {
                            Some(c) => crate::base::lang::msg!(
                                zh: "{id}：max_grade 中的等次“{name}”不在 [[grade]] 中（是否应为“{c}”？）",
                                en: "{id}: max_grade names \"{name}\", which is not a [[grade]] (did you mean \"{c}\"?)"
                            ),
                            None => crate::base::lang::msg!(
                                zh: "{id}：max_grade 中的等次“{name}”不在 [[grade]] 中（等次有：{}）",
                                en: "{id}: max_grade names \"{name}\", which is not a [[grade]] (the grades are {})",
                                names.join(crate::base::lang::m("、", ", "))
                            ),
                        };
                        self.err(m, msg);
                        None
                    }
                }
            }
            (Some(m), _) => {
                let msg = crate::base::lang::msg!(
                    zh: "{id}：只有 kind = \"cap\"（等次限制项）可以设置 max_grade",
                    en: "{id}: only kind = \"cap\" items take max_grade"
                );
                self.err(m, msg);
                None
            }
            (None, Kind::Cap) => {
                let msg = crate::base::lang::msg!(
                    zh: "{id}：等次限制项须设置 max_grade（触发后最高可评的等次，例如 max_grade = \"较好\"）",
                    en: "{id}: a cap item needs max_grade (the highest grade a unit may then hold, e.g. max_grade = \"较好\")"
                );
                self.err(&ri.id, msg);
                None
            }
            (None, _) => None,
        };
        let veto_score = match (&ri.score, kind) {
            (Some(v), Kind::Veto) => {
                let d = self.points(v, &crate::base::lang::msg!(zh: "{id}：score", en: "{id}: score"));
                if d.is_some_and(|d| d < Decimal::ZERO) {
                    self.err(
                        v,
                        crate::base::lang::msg!(zh: "{id}：score 必须 ≥ 0", en: "{id}: score must be ≥ 0"),
                    );
                }
                d
            }
            (Some(v), _) => {
                let msg = crate::base::lang::msg!(
                    zh: "{id}：只有一票否决项（kind = \"veto\"）可以设置 score（触发后的得分上限）",
                    en: "{id}: only veto items (kind = \"veto\") take score (the score a triggered veto fixes)"
                );
                self.err(v, msg);
                None
            }
            (None, _) => None,
        };
        (max_grade, veto_score)
    }

    /// Bonus and penalty items add up what happened: a rule that starts from
    /// the full points and deducts would turn "nothing happened" into the
    /// full bonus or the full penalty.
    pub(super) fn rule_fits_kind(&mut self, id: &str, kind: Kind, rule: &Rule, at: &Spanned<toml::Value>) {
        if !matches!(kind, Kind::Bonus | Kind::Penalty) {
            return;
        }
        let what = kind.label(crate::base::lang::messages());
        let bad = match rule {
            Rule::Deduct { .. } => "deduct",
            Rule::Target { per: Some(_), .. } => "target（per）",
            _ => return,
        };
        let hint = match kind {
            Kind::Penalty => crate::base::lang::m(
                "扣分项请用 count（每次扣 per 分，封顶）或 clauses（各情形按次累计扣分）",
                "for a penalty use count (per occurrence, capped) or clauses (each case adds its deduction)",
            ),
            _ => crate::base::lang::m(
                "加分项请用 count（每次加 per 分，封顶）或 clauses（各情形累计加分）",
                "for a bonus use count (per occurrence, capped) or clauses (each case adds its amount)",
            ),
        };
        let msg = crate::base::lang::msg!(
            zh: "{id}：{what}不能用 {bad} 规则（它从满分开始扣，会让“未发生”得到全部{what}分值）；{hint}",
            en: "{id}: a {what} item cannot use the {bad} rule (it starts from the full points, so \"nothing happened\" would count in full); {hint}"
        );
        self.err(at, msg);
    }
}

/// `"20%"`, `"20 %"`, `0.2` or `"0.2"`: a share in `(0, 1]`.
fn parse_quota(v: &toml::Value) -> Result<Quota, String> {
    let (text, share) = match v {
        toml::Value::String(s) => {
            let t = s.trim();
            let (num, pct) = match t.strip_suffix(['%', '％']) {
                Some(n) => (n.trim(), true),
                None => (t, false),
            };
            let d = Decimal::from_str(num).map_err(|_| {
                crate::base::lang::msg!(
                    zh: "“{s}”不是比例（应写作 \"20%\" 或 0.2）",
                    en: "\"{s}\" is not a share (write \"20%\" or 0.2)"
                )
            })?;
            (t.to_string(), if pct { d / Decimal::ONE_HUNDRED } else { d })
        }
        toml::Value::Float(_) | toml::Value::Integer(_) => {
            let d = crate::model::rule::decimal(v)?;
            (fmt_points(d), d)
        }
        _ => {
            return Err(crate::base::lang::m("应写作 \"20%\" 或 0.2", "write \"20%\" or 0.2").to_string());
        }
    };
    if share <= Decimal::ZERO || share > Decimal::ONE {
        return Err(crate::base::lang::msg!(
            zh: "比例必须大于 0 且不超过 100%，不能为 {text}",
            en: "the share must be above 0 and at most 100%, not {text}"
        ));
    }
    Ok(Quota {
        share: share.normalize(),
        text,
    })
}
