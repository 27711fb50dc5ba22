//! The indicator framework (考核评价指标体系): model, loading and validation.
//!
//! A framework is one TOML file (docs/framework.md). Loading happens in two stages:
//! serde reads the file's shape (a syntax error or an unknown key such as
//! `ponts` stops there, with its line), then every semantic check runs and
//! *all* problems are reported together, each with the line it concerns.

use crate::base::diag::{Diagnostic, Diagnostics, hint, line_of};
use crate::base::lang::Lang;
use crate::base::num::{Exact, Frac, fmt_points};
use crate::model::rule::{MAX_POINTS, Rule, Value, check_places, decimal, is_not_applicable, parse_yes_no, within};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

mod validate;

/// A framework compiled into the binary (内置指标体系): one per year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builtin {
    /// The framework's id, which `-f` accepts in place of a file.
    pub id: &'static str,
    /// The assessment year it is for.
    pub year: u16,
    /// How it is named in messages and results.
    pub name: &'static str,
    /// The TOML text.
    pub text: &'static str,
}

/// The built-in frameworks, oldest first. Without `-f`, a run uses the one
/// whose year is `--period`'s year, else the newest ([`Builtin::default_for`]).
pub const BUILTINS: &[Builtin] = &[
    Builtin {
        id: "ideology-2022",
        year: 2022,
        name: "<embedded>/indicators/ideology-2022.toml",
        text: include_str!("../../indicators/ideology-2022.toml"),
    },
    Builtin {
        id: "ideology-2023",
        year: 2023,
        name: "<embedded>/indicators/ideology-2023.toml",
        text: include_str!("../../indicators/ideology-2023.toml"),
    },
];

/// The newest built-in framework's text: the default when no period says otherwise.
pub const EMBEDDED: &str = BUILTINS[BUILTINS.len() - 1].text;
/// How the newest built-in framework is named in messages and results.
pub const EMBEDDED_NAME: &str = BUILTINS[BUILTINS.len() - 1].name;

impl Builtin {
    /// The built-in framework with this id.
    pub fn by_id(id: &str) -> Option<&'static Builtin> {
        BUILTINS.iter().find(|b| b.id == id)
    }

    /// The default framework for a period's year: the built-in one made
    /// for that year, else (no period, or a year without one of its own)
    /// the newest.
    pub fn default_for(year: Option<u16>) -> &'static Builtin {
        year.and_then(|y| BUILTINS.iter().find(|b| b.year == y))
            .unwrap_or(&BUILTINS[BUILTINS.len() - 1])
    }

    pub fn load(&self) -> Result<Framework, Diagnostics> {
        Framework::parse(self.text, self.name)
    }
}

/// Deepest nesting of groups (一级、二级、三级指标 … need a handful). It
/// bounds the work of every walk up a group's parents.
pub const MAX_GROUP_DEPTH: usize = 16;

/// What an indicator does to a unit's score (docs/framework.md, `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An ordinary scored item; counts toward `total`.
    Base,
    /// 加分项, capped together at `bonus_cap`.
    Bonus,
    /// 扣分项 outside the items, capped together at `penalty_cap`.
    Penalty,
    /// 一票否决: forces the lowest grade when triggered.
    Veto,
    /// A grade cap (被问责的不得评为好): triggered like a veto, it limits the
    /// unit's grade to `max_grade` or below; score and rank are unchanged.
    Cap,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Base => "base",
            Kind::Bonus => "bonus",
            Kind::Penalty => "penalty",
            Kind::Veto => "veto",
            Kind::Cap => "cap",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Kind::Base => lang.pick("基础", "base"),
            Kind::Bonus => lang.pick("加分项", "bonus"),
            Kind::Penalty => lang.pick("扣分项", "penalty"),
            Kind::Veto => lang.pick("一票否决", "veto"),
            Kind::Cap => lang.pick("等次限制", "grade cap"),
        }
    }

    /// Veto and cap items: no points, no rule, triggered by 是 or a count > 0.
    pub fn is_trigger(self) -> bool {
        matches!(self, Kind::Veto | Kind::Cap)
    }
}

/// Missing-evidence policy (docs/framework.md, `missing`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// 无佐证材料不得分: the amount is 0.
    Zero,
    /// The run fails, listing every missing (unit, indicator).
    Error,
}

/// A grade band (等次).
#[derive(Debug, Clone, PartialEq)]
pub struct Grade {
    pub name: String,
    pub min: Decimal,
    /// A unit may hold this grade only with at most this many applicable
    /// base indicators at 0 points (优秀需各单项不为0分).
    pub max_zero: Option<u32>,
    /// At most this share of the scope's units may hold it (优秀不超过20%).
    pub quota: Option<Quota>,
}

/// A grade's quota: a share of the units in scope, as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Quota {
    /// The share, in `(0, 1]`.
    pub share: Decimal,
    /// As the framework wrote it (`20%`, `0.2`).
    pub text: String,
}

/// Over which units a grade quota counts (`quota_scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaScope {
    /// Every scored unit.
    All,
    /// Each category on its own (分类掌握).
    Category,
}

/// How a quota's share of n becomes a number of units (`quota_round`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaRound {
    /// ⌊n × q⌋ (不超过).
    Down,
    /// n × q rounded half up.
    HalfUp,
}

/// Units with equal scores across a quota's limit (`quota_ties`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaTies {
    /// All move down: the limit is never exceeded.
    Demote,
    /// All stay: equal scores are never split.
    Keep,
}

/// The grade rules of a framework beyond the score bands (考核办法).
#[derive(Debug, Clone, PartialEq)]
pub struct GradeRules {
    pub quota_scope: QuotaScope,
    /// Line of `quota_scope` in the framework file (1 when not given).
    pub quota_scope_line: u64,
    pub quota_round: QuotaRound,
    pub quota_ties: QuotaTies,
}

impl Default for GradeRules {
    fn default() -> GradeRules {
        GradeRules {
            quota_scope: QuotaScope::All,
            quota_scope_line: 1,
            quota_round: QuotaRound::Down,
            quota_ties: QuotaTies::Demote,
        }
    }
}

/// A group of indicators (一级指标), possibly nested.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub id: String,
    pub name: String,
    /// Index of the parent group.
    pub parent: Option<usize>,
    /// Sum of the base points below this group (equal to the declared points
    /// when the framework gives them).
    pub points: Decimal,
}

/// An indicator (二级指标/考核内容).
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    /// Index of its group.
    pub group: Option<usize>,
    pub kind: Kind,
    /// Standard points (标准分值); 0 for a veto item.
    pub points: Decimal,
    /// 评分标准 as written in the framework.
    pub standard: String,
    /// `None` for a veto item.
    pub rule: Option<Rule>,
    /// 整改措施 template.
    pub remedy: String,
    /// 责任人/责任部门: the unit's own role that rectifies a loss here
    /// (党委书记, 办公室 …).
    pub owner: String,
    /// 负责考核部门: who checks the item (组织部, 网信办 …); "" when not given.
    pub assessor: String,
    /// The smallest loss that opens a rectification item, overriding the
    /// framework's `min_rectify`.
    pub min_rectify: Option<Decimal>,
    /// May a unit mark it 不适用?
    pub exempt: bool,
    /// 考核方式.
    pub method: String,
    /// A cap item's highest grade (index into `Framework::grades`).
    pub max_grade: Option<usize>,
    /// Its name, for words.
    pub max_grade_name: Option<String>,
    /// A veto item's fixed score (判定为不合格（59分）): the unit's score
    /// becomes at most this.
    pub veto_score: Option<Decimal>,
    /// The values an evidence cell may take (`range = [0, 100]`), inclusive.
    pub range: Option<(Decimal, Decimal)>,
    /// `fractions = true`: a value between 0 and 1 is meant as written, even
    /// where the target or tier thresholds are above 1.
    pub fractions: bool,
    /// `applies_to`: the categories the item concerns; for units of other
    /// categories it is 不适用 without evidence. `None`: every unit.
    pub applies_to: Option<Vec<String>>,
    /// `by_category` on the rule: the rule with a category's own
    /// parameters (分类设定目标), in the order written.
    pub by_category: Vec<(String, Rule)>,
    /// `raters`: several raters score the item, one evidence row each.
    pub raters: Option<crate::model::raters::Raters>,
    /// Line in the framework file.
    pub line: u64,
}

impl Indicator {
    /// Number of evidence cells: one per clause, else one.
    pub fn slots(&self) -> usize {
        self.rule.as_ref().map_or(1, Rule::slots)
    }

    /// Evidence key of a slot: `B1` or `B1/a`.
    pub fn slot_key(&self, slot: usize) -> String {
        match &self.rule {
            Some(Rule::Clauses(c)) => format!("{}/{}", self.id, c[slot].id),
            _ => self.id.clone(),
        }
    }

    /// Parse one evidence cell: `Ok(None)` when empty (missing).
    pub fn parse_value(&self, raw: &str) -> Result<Option<Value>, String> {
        self.parse_value_in(None, raw)
    }

    /// [`Indicator::parse_value`] for a unit of `category`: a fraction for
    /// a rate is looked for by the rule the unit is scored by
    /// (`by_category`); without a category, by the rule's own.
    pub fn parse_value_in(&self, category: Option<&str>, raw: &str) -> Result<Option<Value>, String> {
        if raw.trim().is_empty() {
            return Ok(None);
        }
        if is_not_applicable(raw) {
            return if self.exempt {
                Ok(Some(Value::NotApplicable))
            } else {
                let gloss = if raw.trim() == "不适用" {
                    ""
                } else {
                    crate::base::lang::m("（不适用）", " (不适用)")
                };
                Err(crate::base::lang::msg!(
                    zh: "不能填写“{}”{gloss}：考核方案未将 {} 标为可不适用",
                    en: "\"{}\"{gloss} is not allowed: {} is not marked exempt in the framework",
                    raw.trim(),
                    self.id
                ))
            };
        }
        match &self.rule {
            Some(rule) => {
                let value = rule.parse_value(raw, self.points)?;
                if let Value::Number(v) = &value {
                    // The category named where its own parameters apply.
                    let its_own = category.and_then(|c| self.by_category.iter().find(|(k, _)| k == c));
                    let scored_by = its_own.map_or(rule, |(_, r)| r);
                    self.check_number(scored_by, its_own.map(|(c, _)| c.as_str()), raw, v)?;
                }
                Ok(Some(value))
            }
            None => match parse_yes_no(raw) {
                Some(true) => Ok(Some(Value::Yes)),
                Some(false) => Ok(Some(Value::No)),
                None => match crate::base::num::parse_exact(raw) {
                    Ok(d) if d.signum().is_ge() => Ok(Some(Value::Number(d))),
                    _ => Err(crate::base::lang::msg!(
                        zh: "“{}”不是“是/否”，也不是次数（{}项 {}）",
                        en: "\"{}\" is not yes/no (是/否) or a count for {} item {}",
                        raw.trim(),
                        self.kind.label(crate::base::lang::messages()),
                        self.id
                    )),
                },
            },
        }
    }

    /// The amount earned from the values of every slot (all present, none
    /// 不适用): the rule's, except that on bonus and penalty items clauses
    /// add up (违纪按严重程度扣分: 诫勉1分、处分3分…) instead of deducting
    /// from the full points: `min(Σ min(perᵢ × vᵢ, maxᵢ), P)`.
    pub fn amount(&self, values: &[&Value]) -> Option<Decimal> {
        self.amount_by(self.rule.as_ref()?, values)
    }

    /// [`Indicator::amount`] by the rule a unit of `category` is scored by.
    pub fn amount_in(&self, category: &str, values: &[&Value]) -> Option<Decimal> {
        self.amount_by(self.rule_for(category)?, values)
    }

    /// The rule for a unit of `category`: its own parameters where
    /// `by_category` gives them (分类设定目标), else the rule.
    pub fn rule_for(&self, category: &str) -> Option<&Rule> {
        self.by_category
            .iter()
            .find(|(c, _)| c == category)
            .map(|(_, r)| r)
            .or(self.rule.as_ref())
    }

    /// Does the item concern a unit of `category` (`applies_to`)?
    pub fn applies(&self, category: &str) -> bool {
        self.applies_to.as_ref().is_none_or(|a| a.iter().any(|c| c == category))
    }

    fn amount_by(&self, rule: &Rule, values: &[&Value]) -> Option<Decimal> {
        match (rule, self.kind) {
            (Rule::Clauses(clauses), Kind::Bonus | Kind::Penalty) => {
                // Exact, as every rule amount: rounded once, at the end.
                let p = Frac::from(self.points);
                let mut sum = Frac::zero();
                for (clause, value) in clauses.iter().zip(values) {
                    let v = match value {
                        Value::Number(x) => Frac::from(x),
                        _ => Frac::zero(),
                    };
                    let each = (&Frac::from(clause.per) * &v).min(Frac::from(clause.max));
                    sum = (&sum + &each).min(p.clone());
                }
                Some(sum.round2())
            }
            _ => rule.amount(values, self.points),
        }
    }

    /// A number against the declared `range`, and a fraction (0.75) where
    /// the rule reads rates above 1 (target 95 %), within the range or
    /// not: most likely 75 % typed as a fraction, which would score as
    /// 0.75 % without a word. A `%` in the cell (`0.75%`) or `fractions =
    /// true` in the framework says it is meant.
    fn check_number(&self, rule: &Rule, category: Option<&str>, raw: &str, v: &Exact) -> Result<(), String> {
        if let Some((lo, hi)) = self.range
            && (v.cmp_decimal(lo).is_lt() || v.cmp_decimal(hi).is_gt())
        {
            return Err(crate::base::lang::msg!(
                zh: "{} 超出本指标的有效范围 {}–{}（考核方案中 range = [{}, {}]）",
                en: "{} is outside this indicator's valid range {}–{} (range = [{}, {}] in the framework)",
                raw.trim(),
                lo.normalize(),
                hi.normalize(),
                lo.normalize(),
                hi.normalize()
            ));
        }
        if self.is_fraction_suspect(rule, raw, v) {
            // Where a category's own parameters apply, the category.
            let whose = category.map_or(String::new(), |c| crate::base::lang::msg!(zh: "对{c}", en: " for {c}"));
            return Err(crate::base::lang::msg!(
                zh: "{} 像是把百分比写成了小数（75% 应填 75，不填 0.75）：本指标{whose}的{}大于 1；如确为 {}，请填“{}%”，或在考核方案中为该指标加上 fractions = true",
                en: "{} looks like a percentage written as a fraction (75% is 75, not 0.75): this indicator's {} above 1{whose}; if {} is meant, write \"{}%\", or set fractions = true on the indicator in the framework",
                raw.trim(),
                crate::base::lang::m(rule.rate_scale_zh(), rule.rate_scale_en()),
                raw.trim(),
                raw.trim()
            ));
        }
        Ok(())
    }

    /// Do the rules of a unit's category (`by_category`) read rates as the
    /// rule's own does? Where they do not, whether a fraction is a mistake
    /// depends on the unit's category.
    pub fn rates_by_category(&self) -> bool {
        let own = self.rule.as_ref().is_some_and(Rule::reads_rates);
        !self.fractions && self.by_category.iter().any(|(_, r)| r.reads_rates() != own)
    }

    /// A value strictly between 0 and 1, written without `%`, on a rule that
    /// reads rates above 1, with no `fractions = true`.
    pub fn is_fraction_suspect(&self, rule: &Rule, raw: &str, v: &Exact) -> bool {
        self.looks_like_fraction(raw, v) && rule.reads_rates()
    }

    /// A value strictly between 0 and 1, written without `%`, with no
    /// `fractions = true`: a fraction for a rate if the rule reads rates
    /// above 1 ([`Indicator::is_fraction_suspect`]).
    pub fn looks_like_fraction(&self, raw: &str, v: &Exact) -> bool {
        !self.fractions && v.signum().is_gt() && v.cmp_decimal(Decimal::ONE).is_lt() && !raw.contains(['%', '％'])
    }

    /// The rule in plain words.
    pub fn describe_rule(&self, lang: Lang) -> String {
        let mut s = self.describe_rule_by(self.rule.as_ref(), lang);
        for (category, rule) in &self.by_category {
            s.push_str(&crate::base::lang::msg!(
                zh: "；{category}：{}",
                en: "; {category}: {}",
                self.describe_rule_by(Some(rule), lang)
            ));
        }
        if let Some(r) = self.raters {
            s.push_str(
                &crate::base::lang::msg!(zh: "；多位评委打分，{}", en: "; several raters, {}", r.describe(lang)),
            );
        }
        if let Some(only) = &self.applies_to {
            s.push_str(&crate::base::lang::msg!(
                zh: "（仅考核{}）",
                en: " (only {})",
                only.join(crate::base::lang::m("、", ", "))
            ));
        }
        s
    }

    /// The rule a unit of `category` is scored by, in plain words, with the
    /// category named where its own parameters apply.
    pub fn describe_rule_in(&self, category: &str, lang: Lang) -> String {
        match self.by_category.iter().find(|(c, _)| c == category) {
            Some((c, rule)) => crate::base::lang::msg!(
                zh: "{}（{c}的参数）",
                en: "{} ({c}'s parameters)",
                self.describe_rule_by(Some(rule), lang)
            ),
            None if !self.applies(category) => crate::base::lang::msg!(
                zh: "{}（仅考核{}）",
                en: "{} (only {})",
                self.describe_rule_by(self.rule.as_ref(), lang),
                self.applies_to.as_deref().unwrap_or_default().join(crate::base::lang::m("、", ", "))
            ),
            None => self.describe_rule_by(self.rule.as_ref(), lang),
        }
    }

    fn describe_rule_by(&self, rule: Option<&Rule>, lang: Lang) -> String {
        let p = fmt_points(self.points);
        match (rule, self.kind) {
            // A penalty's amount is what is taken off: say so.
            (Some(Rule::Count { per }), Kind::Penalty) => {
                let per = fmt_points(*per);
                match lang {
                    Lang::Zh => format!("每次扣{per}分，最多扣{p}分"),
                    Lang::En => format!("−{per} per occurrence, at most −{p}"),
                }
            }
            (Some(Rule::Check), Kind::Penalty) => match lang {
                Lang::Zh => format!("是则扣{p}分"),
                Lang::En => format!("−{p} if yes"),
            },
            (Some(Rule::Clauses(clauses)), Kind::Bonus | Kind::Penalty) => {
                let sign = if self.kind == Kind::Penalty {
                    ("扣", "−")
                } else {
                    ("加", "+")
                };
                let parts: Vec<String> = clauses
                    .iter()
                    .map(|c| {
                        let per = fmt_points(c.per);
                        let capped = c.max < self.points;
                        match (lang, capped) {
                            (Lang::Zh, true) => {
                                format!("{}：每次{}{per}分（最多{}分）", c.id, sign.0, fmt_points(c.max))
                            }
                            (Lang::Zh, false) => format!("{}：每次{}{per}分", c.id, sign.0),
                            (Lang::En, true) => format!("{}: {}{per} each (max {})", c.id, sign.1, fmt_points(c.max)),
                            (Lang::En, false) => format!("{}: {}{per} each", c.id, sign.1),
                        }
                    })
                    .collect();
                match lang {
                    Lang::Zh => format!("{}；合计最多{}{p}分", parts.join("；"), sign.0),
                    Lang::En => format!("{}; together at most {}{p}", parts.join("; "), sign.1),
                }
            }
            (Some(r), _) => r.describe(self.points, lang),
            (None, Kind::Cap) => {
                let top = self.max_grade_name.as_deref().unwrap_or_default();
                match lang {
                    Lang::Zh => format!("触发则最高评为{top}"),
                    Lang::En => format!("when triggered, at most {top}"),
                }
            }
            (None, _) => match (self.veto_score, lang) {
                (Some(s), Lang::Zh) => format!("触发即一票否决，得分不超过{}分", fmt_points(s)),
                (Some(s), Lang::En) => format!("veto when triggered, score at most {}", fmt_points(s)),
                (None, _) => lang.pick("触发即一票否决", "veto when triggered").to_string(),
            },
        }
    }
}

/// A loaded, validated framework.
#[derive(Debug, Clone, PartialEq)]
pub struct Framework {
    pub id: String,
    pub title: String,
    pub total: Decimal,
    pub bonus_cap: Option<Decimal>,
    pub penalty_cap: Option<Decimal>,
    /// Bonuses count only when the base is at least this (进入加分环节).
    pub bonus_gate: Option<Decimal>,
    /// The score is at most this (总分不超过100分).
    pub max_score: Option<Decimal>,
    pub grade_rules: GradeRules,
    pub missing: Missing,
    /// `missing` was set by `--missing error`, not by the framework.
    pub missing_from_option: bool,
    pub rectify_days: Option<u32>,
    /// The smallest shortfall on a base item that opens a rectification
    /// item (整改项); smaller losses still cost their points.
    pub min_rectify: Option<Decimal>,
    /// The issuing body printed on circulated documents (发文单位), unless
    /// `--issuer` names another.
    pub issuer: Option<String>,
    /// Highest first; the last has `min = 0`.
    pub grades: Vec<Grade>,
    pub groups: Vec<Group>,
    pub indicators: Vec<Indicator>,
    /// Where it came from, as named in messages.
    pub path: String,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    /// Each indicator's position by id, for [`Framework::indicator_index`]:
    /// evidence names an indicator on every row, and a framework may have
    /// thousands.
    pub ids: std::collections::HashMap<String, usize>,
}

impl Framework {
    /// Load the newest built-in framework.
    pub fn embedded() -> Result<Framework, Diagnostics> {
        Framework::parse(EMBEDDED, EMBEDDED_NAME)
    }

    /// Load what `-f` names — a built-in framework's id or a file — or,
    /// when `spec` is `None`, the built-in framework for `year`
    /// ([`Builtin::default_for`]).
    pub fn load(spec: Option<&std::path::Path>, year: Option<u16>) -> Result<Framework, Diagnostics> {
        let Some(path) = spec else {
            return Builtin::default_for(year).load();
        };
        let name = path.display().to_string();
        if let Some(b) = Builtin::by_id(&name) {
            return b.load();
        }
        if !path.exists() && path.extension().is_none() {
            // Not a file, and written like an id: most likely a built-in misspelt.
            let ids = BUILTINS.iter().map(|b| b.id);
            return Err(Diagnostics(vec![Diagnostic::file(
                &name,
                crate::base::lang::msg!(
                    zh: "既不是文件，也不是内置考核方案{}；内置考核方案有 {}",
                    en: "is neither a file nor a built-in framework{}; the built-in ones are {}",
                    hint(&name, ids.clone()),
                    ids.collect::<Vec<_>>().join(", ")
                ),
            )]));
        }
        let bytes = crate::base::file::read_file(path).map_err(|m| Diagnostics(vec![Diagnostic::file(&name, m)]))?;
        Framework::from_bytes(bytes, &name)
    }

    /// Parse a framework file's bytes (UTF-8, optionally with a BOM); `name`
    /// is used in messages.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>, name: &str) -> Result<Framework, Diagnostics> {
        let text = match String::from_utf8(bytes.into()) {
            Ok(t) => t,
            Err(e) => {
                let bad = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes());
                let line = line_of(&text, bad);
                return Err(Diagnostics(vec![Diagnostic::at(
                    name,
                    line,
                    crate::base::lang::m(
                        "考核方案文件不是有效的 UTF-8 编码（请另存为 UTF-8）",
                        "framework file is not valid UTF-8 (save it as UTF-8)",
                    ),
                )]));
            }
        };
        Framework::parse(&text, name)
    }

    /// Parse and validate framework text; `name` is used in messages.
    pub fn parse(text: &str, name: &str) -> Result<Framework, Diagnostics> {
        validate::parse(text, name)
    }

    /// Indices of base indicators.
    pub fn base(&self) -> impl Iterator<Item = (usize, &Indicator)> {
        self.indicators.iter().enumerate().filter(|(_, i)| i.kind == Kind::Base)
    }

    /// Index of an indicator by id.
    pub fn indicator_index(&self, id: &str) -> Option<usize> {
        // `indicators` is public: an index that no longer fits it is not
        // trusted, and the list is searched instead.
        match self.ids.get(id) {
            Some(&i) if self.indicators.get(i).is_some_and(|x| x.id == id) => Some(i),
            _ => self.indicators.iter().position(|i| i.id == id),
        }
    }

    /// The lowest grade (given to vetoed units).
    pub fn lowest_grade(&self) -> &Grade {
        self.grades.last().expect("validated: at least one grade")
    }

    /// Index of the grade for a score.
    pub fn grade_index(&self, score: Decimal) -> usize {
        self.grades
            .iter()
            .position(|g| g.min <= score)
            .unwrap_or(self.grades.len() - 1)
    }

    /// Indices of the top-level groups, in framework order.
    pub fn top_groups(&self) -> impl Iterator<Item = (usize, &Group)> {
        self.groups.iter().enumerate().filter(|(_, g)| g.parent.is_none())
    }

    /// The smallest shortfall of indicator `i` that opens a rectification
    /// item: its own `min_rectify`, else the framework's.
    pub fn min_rectify_of(&self, i: usize) -> Option<Decimal> {
        self.indicators[i].min_rectify.or(self.min_rectify)
    }

    /// Caps that can never bind because the items they cap cannot add up to
    /// more (e.g. K1 6 + K2 4 = penalty_cap 10): (key, items' sum, cap).
    pub fn idle_caps(&self) -> Vec<(&'static str, Decimal, Decimal)> {
        [
            (self.bonus_cap, Kind::Bonus, "bonus_cap"),
            (self.penalty_cap, Kind::Penalty, "penalty_cap"),
        ]
        .into_iter()
        .filter_map(|(cap, kind, key)| {
            let cap = cap?;
            let sum: Decimal = self
                .indicators
                .iter()
                .filter(|i| i.kind == kind)
                .map(|i| i.points)
                .sum();
            (sum <= cap).then_some((key, sum, cap))
        })
        .collect()
    }

    /// Ids of all indicators, for "did you mean".
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.indicators.iter().map(|i| i.id.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every indicator is found at its position, by the index built at
    /// load; after the list is reordered (it is public) the index is not
    /// trusted and the positions found are still the list's.
    #[test]
    fn indicators_are_found_by_id_at_their_positions() {
        let mut fw = Framework::embedded().unwrap();
        let ids: Vec<String> = fw.indicators.iter().map(|i| i.id.clone()).collect();
        assert!(ids.len() > 40);
        for (k, id) in ids.iter().enumerate() {
            assert_eq!(fw.indicator_index(id), Some(k), "{id}");
        }
        assert_eq!(fw.indicator_index("NO-SUCH"), None);
        fw.indicators.reverse();
        let n = ids.len();
        for (k, id) in ids.iter().enumerate() {
            assert_eq!(fw.indicator_index(id), Some(n - 1 - k), "{id}");
        }
    }

    const MINI: &str = r#"
[framework]
id = "mini"
title = "测试"
total = 10
bonus_cap = 2

[[grade]]
name = "好"
min = 9
[[grade]]
name = "差"
min = 0

[[group]]
id = "A"
name = "甲"
points = 10

[[indicator]]
id = "A1"
group = "A"
name = "一"
points = 4
rule = { type = "check" }

[[indicator]]
id = "A2"
group = "A"
name = "二"
points = 6
rule = { type = "deduct", per = 2 }

[[indicator]]
id = "J1"
kind = "bonus"
name = "加"
points = 2
rule = { type = "count", per = 1 }
"#;

    fn errors(src: &str) -> Vec<String> {
        Framework::parse(src, "f.toml")
            .unwrap_err()
            .0
            .iter()
            .map(|d| d.to_string())
            .collect()
    }

    #[test]
    fn loads_a_small_framework() {
        let fw = Framework::parse(MINI, "f.toml").unwrap();
        assert_eq!(fw.indicators.len(), 3);
        assert_eq!(fw.groups[0].points, Decimal::from(10));
        assert_eq!(fw.indicators[1].line, 27);
        assert_eq!(fw.grade_index(Decimal::from(9)), 0);
        assert_eq!(fw.grade_index("8.99".parse().unwrap()), 1);
    }

    #[test]
    fn built_in_frameworks_are_valid_and_chosen_by_year() {
        for b in BUILTINS {
            let fw = b.load().unwrap();
            assert_eq!(fw.id, b.id);
            assert!(b.id.ends_with(&b.year.to_string()));
            assert!((25..=40).contains(&fw.base().count()), "{}", b.id);
            // Every indicator says who fixes it and who checks it.
            assert!(
                fw.indicators
                    .iter()
                    .all(|i| !i.owner.is_empty() && !i.assessor.is_empty())
            );
        }
        assert_eq!(Framework::embedded().unwrap().id, "ideology-2023");
        assert_eq!(Builtin::default_for(Some(2022)).id, "ideology-2022");
        assert_eq!(Builtin::default_for(Some(2023)).id, "ideology-2023");
        // A year without a framework of its own, or none: the newest.
        assert_eq!(Builtin::default_for(Some(2021)).id, "ideology-2023");
        assert_eq!(Builtin::default_for(None).id, "ideology-2023");
        assert_eq!(
            Framework::load(Some("ideology-2022".as_ref()), Some(2023)).unwrap().id,
            "ideology-2022"
        );
    }

    #[test]
    fn min_rectify_and_idle_caps() {
        let src = MINI
            .replace("bonus_cap = 2", "bonus_cap = 2\nmin_rectify = 0.5")
            .replace(
                "rule = { type = \"deduct\", per = 2 }",
                "rule = { type = \"deduct\", per = 2 }\nmin_rectify = 3\nassessor = \"组织部\"",
            );
        let fw = Framework::parse(&src, "f.toml").unwrap();
        assert_eq!(fw.min_rectify_of(0), Some("0.5".parse().unwrap()));
        assert_eq!(fw.min_rectify_of(1), Some(Decimal::from(3)));
        assert_eq!(fw.indicators[1].assessor, "组织部");
        // J1 can add 2 at most, bonus_cap is 2: the cap never binds.
        assert_eq!(fw.idle_caps(), vec![("bonus_cap", Decimal::from(2), Decimal::from(2))]);
        let bad = MINI
            .replace(
                "rule = { type = \"deduct\", per = 2 }",
                "rule = { type = \"deduct\", per = 2 }\nmin_rectify = 7",
            )
            .replace(
                "rule = { type = \"count\", per = 1 }",
                "rule = { type = \"count\", per = 1 }\nmin_rectify = 1",
            );
        assert_eq!(
            errors(&bad),
            vec![
                "f.toml:33: A2: min_rectify = 7 exceeds the item's 6 points (no loss would ever be listed)",
                "f.toml:41: J1: only base indicators take min_rectify (a penalty always opens an item; bonus and veto items have no loss to skip)",
            ]
        );
    }

    #[test]
    fn unknown_key_is_an_error_with_its_line() {
        let src = MINI.replace("points = 4", "ponts = 4");
        let e = errors(&src);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("f.toml:24: unknown field `ponts` (did you mean `points`?), expected one of `id`"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn semantic_problems_are_all_listed() {
        let src = MINI
            .replace("id = \"A2\"", "id = \"A1\"")
            .replace("group = \"A\"\nname = \"一\"", "group = \"B\"\nname = \"一\"")
            .replace("per = 2", "per = 0")
            .replace("min = 0", "min = 1");
        let e = errors(&src);
        assert_eq!(
            e,
            vec![
                "f.toml:13: the lowest grade \"差\" must have min = 0, not 1",
                "f.toml:18: group \"A\" has points = 10 but its base indicators add up to 6",
                "f.toml:22: A1: unknown group \"B\"",
                "f.toml:28: duplicate indicator id \"A1\" (first at line 21)",
                "f.toml:32: A1: rule: per must be > 0, not 0",
            ]
        );
    }

    #[test]
    fn numbers_are_bounded_so_arithmetic_cannot_overflow() {
        let src = MINI
            .replace("total = 10", "total = 9223372036854775807")
            .replace("per = 2", "per = 1e27")
            .replace("min = 9", "min = 1e28");
        assert_eq!(
            errors(&src),
            vec![
                "f.toml:5: total: 9223372036854775807 is too large (at most 1000000)",
                "f.toml:10: grade \"好\" min: 10000000000000000000000000000 is too large (at most 1000000)",
                "f.toml:32: A2: rule: per: 1000000000000000000000000000 is too large (at most 1000000)",
            ]
        );
    }

    #[test]
    fn deep_group_chains_are_an_error_found_in_one_pass() {
        let mut src = MINI.to_string();
        for i in 0..5000 {
            let parent = if i == 0 { "A".to_string() } else { format!("G{}", i - 1) };
            src.push_str(&format!(
                "[[group]]\nid = \"G{i}\"\nname = \"g\"\nparent = \"{parent}\"\n"
            ));
        }
        let e = errors(&src);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].ends_with(": group \"G15\" is nested 17 levels deep; groups may nest at most 16 levels"),
            "{e:?}"
        );
    }

    #[test]
    fn total_must_match_and_cycles_are_found() {
        let src = MINI.replace("total = 10", "total = 100").replace(
            "[[group]]\nid = \"A\"\nname = \"甲\"\npoints = 10",
            "[[group]]\nid = \"A\"\nname = \"甲\"\nparent = \"B\"\n[[group]]\nid = \"B\"\nname = \"乙\"\nparent = \"A\"",
        );
        let e = errors(&src);
        assert_eq!(
            e,
            vec![
                "f.toml:5: total = 100 but the base indicators add up to 10",
                "f.toml:18: group \"A\" is its own ancestor (cycle in parent links)",
                "f.toml:22: group \"B\" is its own ancestor (cycle in parent links)",
            ]
        );
    }
}
