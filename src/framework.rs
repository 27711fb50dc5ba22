//! The indicator framework (考核评价指标体系): model, loading and validation.
//!
//! A framework is one TOML file (docs/framework.md). Loading happens in two stages:
//! serde reads the file's shape (a syntax error or an unknown key such as
//! `ponts` stops there, with its line), then every semantic check runs and
//! *all* problems are reported together, each with the line it concerns.

use crate::diag::{Diagnostic, Diagnostics, hint, line_of};
use crate::lang::Lang;
use crate::num::{Exact, Frac, fmt_points};
use crate::rule::{MAX_POINTS, Rule, Value, check_places, decimal, is_not_applicable, parse_yes_no, within};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use toml::Spanned;

mod grading;

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
        text: include_str!("../indicators/ideology-2022.toml"),
    },
    Builtin {
        id: "ideology-2023",
        year: 2023,
        name: "<embedded>/indicators/ideology-2023.toml",
        text: include_str!("../indicators/ideology-2023.toml"),
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
    pub raters: Option<crate::raters::Raters>,
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
                    crate::lang::m("（不适用）", " (不适用)")
                };
                Err(crate::lang::msg!(
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
                    self.check_number(rule, raw, v)?;
                }
                Ok(Some(value))
            }
            None => match parse_yes_no(raw) {
                Some(true) => Ok(Some(Value::Yes)),
                Some(false) => Ok(Some(Value::No)),
                None => match crate::num::parse_exact(raw) {
                    Ok(d) if d.signum().is_ge() => Ok(Some(Value::Number(d))),
                    _ => Err(crate::lang::msg!(
                        zh: "“{}”不是“是/否”，也不是次数（{}项 {}）",
                        en: "\"{}\" is not yes/no (是/否) or a count for {} item {}",
                        raw.trim(),
                        self.kind.label(crate::lang::messages()),
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

    /// Is the item scored apart from the general rules of one unit: a
    /// cohort rule, category parameters, or some categories only?
    pub fn by_categories(&self) -> bool {
        self.applies_to.is_some() || !self.by_category.is_empty() || self.raters.is_some()
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
    /// the rule reads rates above 1 (target 95 %): most likely 75 % typed as
    /// a fraction, which would score as 0.75 % without a word. A `%` in the
    /// cell (`0.75%`) or `fractions = true` in the framework says it is meant.
    fn check_number(&self, rule: &Rule, raw: &str, v: &Exact) -> Result<(), String> {
        if let Some((lo, hi)) = self.range {
            if v.cmp_decimal(lo).is_lt() || v.cmp_decimal(hi).is_gt() {
                return Err(crate::lang::msg!(
                    zh: "{} 超出本指标的有效范围 {}–{}（考核方案中 range = [{}, {}]）",
                    en: "{} is outside this indicator's valid range {}–{} (range = [{}, {}] in the framework)",
                    raw.trim(),
                    lo.normalize(),
                    hi.normalize(),
                    lo.normalize(),
                    hi.normalize()
                ));
            }
            return Ok(());
        }
        if self.is_fraction_suspect(rule, raw, v) {
            return Err(crate::lang::msg!(
                zh: "{} 像是把百分比写成了小数（75% 应填 75，不填 0.75）：本指标的{}大于 1；如确为 {}，请填“{}%”，或在考核方案中为该指标加上 fractions = true",
                en: "{} looks like a percentage written as a fraction (75% is 75, not 0.75): this indicator's {} above 1; if {} is meant, write \"{}%\", or set fractions = true on the indicator in the framework",
                raw.trim(),
                crate::lang::m(rule.rate_scale_zh(), rule.rate_scale_en()),
                raw.trim(),
                raw.trim()
            ));
        }
        Ok(())
    }

    /// A value strictly between 0 and 1, written without `%`, on a rule that
    /// reads rates above 1, with no `fractions = true`.
    pub fn is_fraction_suspect(&self, rule: &Rule, raw: &str, v: &Exact) -> bool {
        !self.fractions
            && v.signum().is_gt()
            && v.cmp_decimal(Decimal::ONE).is_lt()
            && !raw.contains(['%', '％'])
            && rule.reads_rates()
    }

    /// The rule in plain words.
    pub fn describe_rule(&self, lang: Lang) -> String {
        let mut s = self.describe_rule_by(self.rule.as_ref(), lang);
        for (category, rule) in &self.by_category {
            s.push_str(&crate::lang::msg!(
                zh: "；{category}：{}",
                en: "; {category}: {}",
                self.describe_rule_by(Some(rule), lang)
            ));
        }
        if let Some(r) = self.raters {
            s.push_str(&crate::lang::msg!(zh: "；多位评委打分，{}", en: "; several raters, {}", r.describe(lang)));
        }
        if let Some(only) = &self.applies_to {
            s.push_str(&crate::lang::msg!(
                zh: "（仅考核{}）",
                en: " (only {})",
                only.join(crate::lang::m("、", ", "))
            ));
        }
        s
    }

    /// The rule a unit of `category` is scored by, in plain words, with the
    /// category named where its own parameters apply.
    pub fn describe_rule_in(&self, category: &str, lang: Lang) -> String {
        match self.by_category.iter().find(|(c, _)| c == category) {
            Some((c, rule)) => crate::lang::msg!(
                zh: "{}（{c}的参数）",
                en: "{} ({c}'s parameters)",
                self.describe_rule_by(Some(rule), lang)
            ),
            None if !self.applies(category) => crate::lang::msg!(
                zh: "{}（仅考核{}）",
                en: "{} (only {})",
                self.describe_rule_by(self.rule.as_ref(), lang),
                self.applies_to.as_deref().unwrap_or_default().join(crate::lang::m("、", ", "))
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
                crate::lang::msg!(
                    zh: "既不是文件，也不是内置考核方案{}；内置考核方案有 {}",
                    en: "is neither a file nor a built-in framework{}; the built-in ones are {}",
                    hint(&name, ids.clone()),
                    ids.collect::<Vec<_>>().join(", ")
                ),
            )]));
        }
        let bytes = crate::input::read_file(path).map_err(|m| Diagnostics(vec![Diagnostic::file(&name, m)]))?;
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
                    crate::lang::m(
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
        let text_nobom = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text_nobom.trim().is_empty() {
            return Err(Diagnostics(vec![Diagnostic::file(
                name,
                crate::lang::m(
                    "考核方案文件为空（应有 [framework]、[[grade]] 和 [[indicator]] 表）",
                    "the framework file is empty (expected [framework], [[grade]] and [[indicator]] tables)",
                ),
            )]));
        }
        let raw: RawFile = toml::from_str(text_nobom).map_err(|e| {
            let line = e.span().map(|s| line_of(text_nobom, s.start)).unwrap_or(1);
            let source_line = text_nobom.lines().nth(line as usize - 1).unwrap_or("");
            let msg = typed_in_chinese(source_line, e.message().trim())
                .unwrap_or_else(|| in_chinese(&with_field_hint(e.message().trim()).replace('\n', " ")));
            Diagnostics(vec![Diagnostic::at(name, line, msg)])
        })?;
        let sha256 = crate::input::sha256_hex(text.as_bytes());
        Validator {
            breaks: text_nobom
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
            name,
            errs: Diagnostics::new(),
        }
        .build(raw, sha256)
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

    /// Is indicator `i` within group `g` (directly or below)?
    pub fn in_group(&self, i: &Indicator, g: usize) -> bool {
        let mut cur = i.group;
        let mut steps = 0;
        while let Some(c) = cur {
            if c == g {
                return true;
            }
            cur = self.groups[c].parent;
            steps += 1;
            if steps > self.groups.len() {
                break;
            }
        }
        false
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

/// serde's "unknown field `ponts`, expected one of `id`, …" plus a
/// did-you-mean when one of the expected fields is close.
/// A framework typed with a Chinese input method: full-width quotes,
/// equals signs, commas, brackets and digits, `[indicator]` for
/// `[[indicator]]`, `exempt = "是"`, a string left open. Read from the line
/// the TOML reader stopped at; `None` when it looks like none of these.
fn typed_in_chinese(line: &str, toml_msg: &str) -> Option<String> {
    // Only what is outside ASCII-quoted strings: “三会一课” or a full-width
    // comma inside a standard's text is as written.
    let mut code = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                code.push(c);
            }
            '#' if !quoted => break,
            _ if !quoted => code.push(c),
            _ => {}
        }
    }
    let code = code.as_str();
    let has = |c: &[char]| code.contains(c);
    if has(&['“', '”', '‘', '’', '＂']) {
        return Some(crate::lang::m(
            "用了中文引号（“ ” 或 ‘ ’）：文字两边应为英文双引号 \"，例如 name = \"理论学习\"（可切换到英文输入法输入）",
            "Chinese quotation marks (“ ” or ‘ ’): text goes between ASCII double quotes \", e.g. name = \"理论学习\" (switch the input method to English to type them)",
        )
        .to_string());
    }
    if has(&['＝']) {
        return Some(
            crate::lang::m(
                "用了全角等号“＝”：应为英文等号 =，例如 points = 4",
                "a full-width equals sign “＝”: use the ASCII =, e.g. points = 4",
            )
            .to_string(),
        );
    }
    if has(&['：']) && !code.contains('=') {
        return Some(
            crate::lang::m(
                "用了中文冒号“：”：键和值之间应为英文等号 =，例如 points = 4",
                "a Chinese colon “：”: key and value are joined by the ASCII =, e.g. points = 4",
            )
            .to_string(),
        );
    }
    if has(&['，', '、']) {
        return Some(
            crate::lang::m(
                "用了中文逗号“，”或顿号“、”：列表和 { } 中各项之间应为英文逗号 ,",
                "a Chinese comma (， or 、): items of a list or a { } table are separated by the ASCII ,",
            )
            .to_string(),
        );
    }
    if has(&['【', '】', '［', '］', '｛', '｝', '（', '）']) {
        return Some(
            crate::lang::m(
                "用了中文括号（【】［］｛｝（））：表头和列表用英文方括号 [ ]，内联表用英文花括号 { }",
                "Chinese brackets (【】［］｛｝（）): table headers and lists take ASCII [ ], inline tables ASCII { }",
            )
            .to_string(),
        );
    }
    if code.chars().any(|c| ('０'..='９').contains(&c) || c == '．') {
        return Some(crate::lang::m(
            "用了全角数字或小数点（如 ４、０．５）：数字应为半角，例如 points = 4、per = 0.5",
            "full-width digits or decimal point (４, ０．５): numbers take ASCII digits, e.g. points = 4, per = 0.5",
        )
        .to_string());
    }
    let t = code.trim();
    for table in ["indicator", "grade", "group", "component"] {
        if t == format!("[{table}]") {
            return Some(crate::lang::msg!(
                zh: "[{table}] 应写作 [[{table}]]（两层方括号）：每一项各写一个 [[{table}]]",
                en: "[{table}] should be [[{table}]] (double brackets): one [[{table}]] per item"
            ));
        }
    }
    if toml_msg.contains("expected a boolean") || toml_msg.contains("expected `bool`") {
        let word = line.split('=').nth(1).map(|v| v.trim().trim_matches('"')).unwrap_or("");
        let yes = crate::rule::parse_yes_no(word);
        let want = match yes {
            Some(true) => "true",
            Some(false) => "false",
            None => "true 或 false",
        };
        let want_en = match yes {
            Some(true) => "true",
            Some(false) => "false",
            None => "true or false",
        };
        return Some(crate::lang::msg!(
            zh: "此处应为 true 或 false（不加引号），不能写“{word}”；应写作 {want}",
            en: "this takes true or false (without quotes), not \"{word}\"; write {want_en}"
        ));
    }
    if code.matches('"').count() % 2 == 1 {
        return Some(
            crate::lang::m(
                "字符串缺少结尾的英文双引号 \"：引号须成对，且在同一行内",
                "a string is left open: add the closing ASCII double quote \" on the same line",
            )
            .to_string(),
        );
    }
    None
}

/// The TOML reader's other messages in Chinese when messages are (its words
/// kept in brackets for anyone searching for them); English as it is.
fn in_chinese(msg: &str) -> String {
    if crate::lang::messages() != Lang::Zh || !msg.is_ascii() {
        return msg.to_string();
    }
    let kind = |t: &str| -> String {
        let t = t.trim();
        if t.starts_with("string") || t == "a string" {
            "文字（加英文双引号）".into()
        } else if t.starts_with("integer") || t.starts_with("floating") || t.contains("number") {
            "数字".into()
        } else if t.contains("boolean") || t.contains("bool") {
            "true 或 false".into()
        } else if t.contains("sequence") || t.contains("array") {
            "列表 [ … ]".into()
        } else if t.contains("map") || t.contains("table") || t.starts_with("struct") {
            "表 { … }".into()
        } else {
            t.to_string()
        }
    };
    if let Some(rest) = msg.strip_prefix("invalid type: ")
        && let Some((got, want)) = rest.split_once(", expected ")
    {
        return format!("类型不对：此处应为{}，实为{}（{msg}）", kind(want), kind(got));
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        return format!("缺少必需的字段 {field}（{msg}）");
    }
    if msg.contains("duplicate key") {
        return format!("同一个键写了两次（{msg}）");
    }
    format!("考核方案文件的写法有误，请检查本行的引号、等号和括号（{msg}）")
}

fn with_field_hint(msg: &str) -> String {
    if let Some(plain) = plain_number_error(msg) {
        return plain;
    }
    let Some(rest) = msg.strip_prefix("unknown field `") else {
        return msg.to_string();
    };
    let Some((field, expected)) = rest.split_once('`') else {
        return msg.to_string();
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let expected_zh = expected.replacen(", expected one of ", "；可用字段为 ", 1);
    match crate::diag::did_you_mean(field, candidates) {
        Some(c) => crate::lang::msg!(
            zh: "未知字段 `{field}`（是否应为 `{c}`？）{expected_zh}",
            en: "unknown field `{field}` (did you mean `{c}`?){expected}"
        ),
        None if crate::lang::messages() == Lang::Zh => format!("未知字段 `{field}`{expected_zh}"),
        None => msg.to_string(),
    }
}

/// The TOML reader's words for a number that does not fit, without its
/// internals: "integer `N` as i128" (a number past 128 bits) and a float's
/// full decimal expansion (`1e300` written out as 301 digits).
fn plain_number_error(msg: &str) -> Option<String> {
    if let Some(rest) = msg.strip_prefix("invalid type: integer `") {
        let (n, _) = rest.split_once("` as i128")?;
        return Some(crate::lang::msg!(
            zh: "数字 {} 超出可表示的范围",
            en: "the number {} is out of range",
            short_number(n)
        ));
    }
    let rest = msg.strip_prefix("invalid type: floating point `")?;
    let (x, expected) = rest.split_once('`')?;
    if !expected.contains("expected i") && !expected.contains("expected u") {
        return None;
    }
    Some(crate::lang::msg!(
        zh: "此处应为整数，而不是 {}",
        en: "expected a whole number here, not {}",
        short_number(x)
    ))
}

/// A number as written short: `1e300`, not its 301 digits.
fn short_number(n: &str) -> String {
    if n.len() <= 30 {
        return n.to_string();
    }
    match n.parse::<f64>() {
        Ok(f) if f.is_finite() => format!("{f:e}"),
        _ => format!("{}…", &n[..n.char_indices().nth(20).map_or(n.len(), |(i, _)| i)]),
    }
}

// ---- raw file shape ------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    framework: Spanned<RawHeader>,
    #[serde(default)]
    grade: Vec<Spanned<RawGrade>>,
    #[serde(default)]
    group: Vec<Spanned<RawGroup>>,
    #[serde(default)]
    indicator: Vec<Spanned<RawIndicator>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    id: Spanned<String>,
    title: String,
    total: Spanned<toml::Value>,
    bonus_cap: Option<Spanned<toml::Value>>,
    penalty_cap: Option<Spanned<toml::Value>>,
    bonus_gate: Option<Spanned<toml::Value>>,
    max_score: Option<Spanned<toml::Value>>,
    quota_scope: Option<Spanned<String>>,
    quota_round: Option<Spanned<String>>,
    quota_ties: Option<Spanned<String>>,
    missing: Option<Spanned<String>>,
    rectify_days: Option<Spanned<i64>>,
    min_rectify: Option<Spanned<toml::Value>>,
    issuer: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrade {
    name: Spanned<String>,
    min: Spanned<toml::Value>,
    max_zero: Option<Spanned<i64>>,
    quota: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: Spanned<String>,
    name: String,
    points: Option<Spanned<toml::Value>>,
    parent: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: Spanned<String>,
    name: String,
    group: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    points: Option<Spanned<toml::Value>>,
    #[serde(default)]
    standard: String,
    rule: Option<Spanned<toml::Value>>,
    #[serde(default)]
    remedy: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    assessor: String,
    min_rectify: Option<Spanned<toml::Value>>,
    exempt: Option<Spanned<bool>>,
    #[serde(default)]
    method: String,
    max_grade: Option<Spanned<String>>,
    score: Option<Spanned<toml::Value>>,
    range: Option<Spanned<toml::Value>>,
    fractions: Option<Spanned<bool>>,
    applies_to: Option<Spanned<Vec<String>>>,
    raters: Option<Spanned<toml::Value>>,
}

struct Validator<'a> {
    /// Byte offsets of the line breaks: every indicator and problem is
    /// located by a binary search, not a count from the start of the file.
    breaks: Vec<usize>,
    name: &'a str,
    errs: Diagnostics,
}

impl Validator<'_> {
    fn line<T>(&self, s: &Spanned<T>) -> u64 {
        self.breaks.partition_point(|&b| b < s.span().start) as u64 + 1
    }

    fn err<T>(&mut self, at: &Spanned<T>, msg: impl Into<String>) {
        let line = self.line(at);
        self.errs.push(Diagnostic::at(self.name, line, msg));
    }

    /// A decimal with at most two places; `what` names it in messages.
    fn points(&mut self, v: &Spanned<toml::Value>, what: &str) -> Option<Decimal> {
        match decimal(v.get_ref())
            .and_then(check_places)
            .and_then(|d| within(d, MAX_POINTS))
        {
            Ok(d) => Some(d),
            Err(e) => {
                self.err(v, crate::lang::msg!(zh: "{what}：{e}", en: "{what}: {e}"));
                None
            }
        }
    }

    fn id_ok(&mut self, id: &Spanned<String>, what: &str) -> bool {
        let s = id.get_ref();
        let what_zh = match what {
            "framework" => "考核方案",
            "group" => "分组",
            "indicator" => "指标",
            other => other,
        };
        if s.trim().is_empty() {
            self.err(id, crate::lang::msg!(zh: "{what_zh}编号为空", en: "{what} id is empty"));
            false
        } else if let Some(c) = crate::diag::first_invisible(s) {
            let m = crate::diag::invisible_in_id(&format!("{what_zh}编号"), &format!("{what} id"), s, c);
            self.err(id, m);
            false
        } else if s.contains('/') {
            self.err(
                id,
                crate::lang::msg!(zh: "{what_zh}编号“{s}”不能包含“/”", en: "{what} id \"{s}\" may not contain \"/\""),
            );
            false
        } else if s.trim() != s || s.chars().any(char::is_whitespace) {
            self.err(
                id,
                crate::lang::msg!(zh: "{what_zh}编号“{s}”不能包含空格", en: "{what} id \"{s}\" may not contain spaces"),
            );
            false
        } else {
            true
        }
    }

    /// `range = [MIN, MAX]`: two numbers, MIN ≤ MAX, on a rule whose
    /// evidence is a number.
    fn range(
        &mut self,
        id: &str,
        r: &Spanned<toml::Value>,
        rule: Option<&Rule>,
        kind: Kind,
    ) -> Option<(Decimal, Decimal)> {
        if kind == Kind::Veto || !rule.is_some_and(Rule::reads_numbers) {
            let what = rule.map_or("veto", Rule::type_name);
            self.err(
                r,
                crate::lang::msg!(
                    zh: "{id}：range 只用于填数值的指标（target、tiers、count、deduct、direct 规则），本指标为 {what}",
                    en: "{id}: range applies only to indicators whose evidence is a number (target, tiers, count, deduct, direct rules), not {what}"
                ),
            );
            return None;
        }
        let bounds = match r.get_ref().as_array().map(|a| a.as_slice()) {
            Some([lo, hi]) => decimal(lo).and_then(|lo| decimal(hi).map(|hi| (lo, hi))),
            _ => Err(String::new()),
        };
        match bounds {
            Ok((lo, hi)) if lo <= hi => Some((lo, hi)),
            Ok((lo, hi)) => {
                self.err(
                    r,
                    crate::lang::msg!(
                        zh: "{id}：range 的下限 {} 大于上限 {}",
                        en: "{id}: range's lower bound {} is above its upper bound {}",
                        lo.normalize(),
                        hi.normalize()
                    ),
                );
                None
            }
            Err(_) => {
                self.err(
                    r,
                    crate::lang::msg!(
                        zh: "{id}：range 应写成两个数的列表：range = [最小值, 最大值]，例如 range = [0, 100]",
                        en: "{id}: range must be a list of two numbers: range = [MIN, MAX], e.g. range = [0, 100]"
                    ),
                );
                None
            }
        }
    }

    fn build(mut self, raw: RawFile, sha256: String) -> Result<Framework, Diagnostics> {
        let header_line = self.line(&raw.framework);
        let h = raw.framework.into_inner();
        self.id_ok(&h.id, "framework");
        let total_given = self.points(&h.total, "total");
        if total_given.is_some_and(|t| t <= Decimal::ZERO) {
            self.err(&h.total, crate::lang::m("total 必须大于 0", "total must be > 0"));
        }
        let total = total_given.unwrap_or_default();
        let cap = |v: &Option<Spanned<toml::Value>>, what: &str, me: &mut Self| -> Option<Decimal> {
            let v = v.as_ref()?;
            let d = me.points(v, what)?;
            if d < Decimal::ZERO {
                me.err(v, crate::lang::msg!(zh: "{what} 必须 ≥ 0", en: "{what} must be ≥ 0"));
            }
            Some(d)
        };
        let bonus_cap = cap(&h.bonus_cap, "bonus_cap", &mut self);
        let penalty_cap = cap(&h.penalty_cap, "penalty_cap", &mut self);
        let min_rectify = cap(&h.min_rectify, "min_rectify", &mut self);
        let missing = match h.missing.as_ref().map(|m| m.get_ref().as_str()) {
            None | Some("zero") => Missing::Zero,
            Some("error") => Missing::Error,
            Some(other) => {
                let m = h.missing.as_ref().unwrap();
                self.err(
                    m,
                    crate::lang::msg!(
                        zh: "missing 只能为“zero”或“error”，不能为“{other}”",
                        en: "missing must be \"zero\" or \"error\", not \"{other}\""
                    ),
                );
                Missing::Zero
            }
        };
        let rectify_days = match &h.rectify_days {
            None => None,
            Some(d) if (0..=3650).contains(d.get_ref()) => Some(*d.get_ref() as u32),
            Some(d) => {
                self.err(
                    d,
                    crate::lang::m(
                        "rectify_days 必须在 0 到 3650 之间",
                        "rectify_days must be between 0 and 3650",
                    ),
                );
                None
            }
        };

        // Grades: highest first, strictly descending, the lowest at 0.
        let mut grades: Vec<Grade> = Vec::new();
        if raw.grade.is_empty() {
            self.errs.push(Diagnostic::at(
                self.name,
                header_line,
                crate::lang::m(
                    "未设置等次 [[grade]]（例如 好 ≥ 90 … 差 ≥ 0）",
                    "no [[grade]] given (e.g. 好 ≥ 90 … 差 ≥ 0)",
                ),
            ));
        }
        for g in &raw.grade {
            let g = g.get_ref();
            let name = g.name.get_ref().trim().to_string();
            if name.is_empty() {
                self.err(&g.name, crate::lang::m("等次名称为空", "grade name is empty"));
            } else if grades.iter().any(|x| x.name == name) {
                self.err(
                    &g.name,
                    crate::lang::msg!(zh: "等次“{name}”重复", en: "duplicate grade \"{name}\""),
                );
            }
            let Some(min) = self.points(
                &g.min,
                &crate::lang::msg!(zh: "等次“{name}”的 min", en: "grade \"{name}\" min"),
            ) else {
                continue;
            };
            if min < Decimal::ZERO {
                self.err(
                    &g.min,
                    crate::lang::msg!(zh: "等次“{name}”的 min 必须 ≥ 0", en: "grade \"{name}\" min must be ≥ 0"),
                );
            }
            if let Some(prev) = grades.last()
                && min >= prev.min
            {
                let msg = crate::lang::msg!(
                    zh: "等次须从高到低排列，且 min 严格递减：“{name}”（{}）排在“{}”（{}）之后",
                    en: "grades must be listed highest first with strictly descending min: \"{name}\" ({}) follows \"{}\" ({})",
                    fmt_points(min),
                    prev.name,
                    fmt_points(prev.min)
                );
                self.err(&g.min, msg);
            }
            let (max_zero, quota) = self.grade_keys(g, &name);
            grades.push(Grade {
                name,
                min,
                max_zero,
                quota,
            });
        }
        self.lowest_grade_has_no_quota(&raw.grade);
        if let (Some(last), Some(raw_last)) = (grades.last(), raw.grade.last())
            && !last.min.is_zero()
        {
            let msg = crate::lang::msg!(
                zh: "最低等次“{}”的 min 必须为 0，不能为 {}",
                en: "the lowest grade \"{}\" must have min = 0, not {}",
                last.name,
                fmt_points(last.min)
            );
            self.err(&raw_last.get_ref().min, msg);
        }

        // Groups: unique ids, known parents, no cycles.
        let mut group_index: HashMap<String, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        for g in &raw.group {
            let rg = g.get_ref();
            let id = rg.id.get_ref().clone();
            if self.id_ok(&rg.id, "group") {
                if let Some(&first) = group_index.get(&id) {
                    let first_line = self.line(&raw.group[first].get_ref().id);
                    self.err(
                        &rg.id,
                        crate::lang::msg!(
                            zh: "分组编号“{id}”重复（首次出现在第 {first_line} 行）",
                            en: "duplicate group id \"{id}\" (first at line {first_line})"
                        ),
                    );
                } else {
                    group_index.insert(id.clone(), groups.len());
                }
            }
            groups.push(Group {
                id,
                name: rg.name.clone(),
                parent: None,
                points: Decimal::ZERO,
            });
        }
        for (gi, g) in raw.group.iter().enumerate() {
            if let Some(p) = &g.get_ref().parent {
                match group_index.get(p.get_ref()) {
                    Some(&pi) => groups[gi].parent = Some(pi),
                    None => {
                        let msg = crate::lang::msg!(
                            zh: "未知上级分组“{}”{}",
                            en: "unknown parent group \"{}\"{}",
                            p.get_ref(),
                            hint(p.get_ref(), group_index.keys())
                        );
                        self.err(p, msg);
                    }
                }
            }
        }
        // Every group's depth along its parent links, in one pass over all
        // groups (a long chain is walked once, not once per group): a link
        // back into the chain being walked is a cycle.
        let n = groups.len();
        let mut depth = vec![0usize; n]; // 0: not known yet
        let mut cyclic = vec![false; n];
        let mut broken = vec![false; n]; // in or below a cycle
        let mut on_path = vec![false; n];
        for start in 0..n {
            if depth[start] != 0 || broken[start] {
                continue;
            }
            let mut path = Vec::new();
            let mut cur = Some(start);
            let mut above = Some(0);
            while let Some(c) = cur {
                if depth[c] != 0 {
                    above = Some(depth[c]);
                    break;
                }
                if broken[c] {
                    above = None;
                    break;
                }
                if on_path[c] {
                    let from = path.iter().position(|&g| g == c).expect("on the path");
                    for &g in &path[from..] {
                        cyclic[g] = true;
                    }
                    above = None;
                    break;
                }
                on_path[c] = true;
                path.push(c);
                cur = groups[c].parent;
            }
            for &g in path.iter().rev() {
                on_path[g] = false;
                match above {
                    Some(d) => {
                        depth[g] = d + 1;
                        above = Some(d + 1);
                    }
                    None => broken[g] = true,
                }
            }
        }
        let mut too_deep = false;
        for (gi, &d) in depth.iter().enumerate() {
            // Reported once per chain: at the first group past the limit.
            if d == MAX_GROUP_DEPTH + 1 {
                too_deep = true;
                let g = raw.group[gi].get_ref();
                let at = g.parent.as_ref().expect("a nested group has a parent");
                self.err(
                    at,
                    crate::lang::msg!(
                        zh: "分组“{}”嵌套了 {d} 层；分组最多嵌套 {MAX_GROUP_DEPTH} 层",
                        en: "group \"{}\" is nested {d} levels deep; groups may nest at most {MAX_GROUP_DEPTH} levels",
                        g.id.get_ref()
                    ),
                );
            }
        }
        for (gi, is_cyclic) in cyclic.iter().enumerate() {
            if *is_cyclic {
                let g = raw.group[gi].get_ref();
                let at = g.parent.as_ref().expect("a cycle has parents");
                self.err(
                    at,
                    crate::lang::msg!(
                        zh: "分组“{}”是自身的上级（上级分组形成循环）",
                        en: "group \"{}\" is its own ancestor (cycle in parent links)",
                        g.id.get_ref()
                    ),
                );
            }
        }
        if too_deep || cyclic.iter().any(|c| *c) {
            for g in &mut groups {
                g.parent = None;
            }
        }

        // Indicators. Sums are checked only when every group link and every
        // indicator's points are known: one bad value is one problem, not
        // also a total and a group that no longer add up.
        let links_known = !(too_deep || cyclic.iter().any(|c| *c));
        let mut sums_known = true;
        let mut indicators: Vec<Indicator> = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        for ri in &raw.indicator {
            let line = self.line(ri);
            let ri = ri.get_ref();
            let id = ri.id.get_ref().clone();
            if self.id_ok(&ri.id, "indicator") {
                if let Some(first) = seen.get(&id) {
                    self.err(
                        &ri.id,
                        crate::lang::msg!(
                            zh: "指标编号“{id}”重复（首次出现在第 {first} 行）",
                            en: "duplicate indicator id \"{id}\" (first at line {first})"
                        ),
                    );
                } else {
                    seen.insert(id.clone(), self.line(&ri.id));
                }
            }
            let kind = match ri.kind.as_ref().map(|k| k.get_ref().as_str()) {
                None | Some("base") => Kind::Base,
                Some("bonus") => Kind::Bonus,
                Some("penalty") => Kind::Penalty,
                Some("veto") => Kind::Veto,
                Some("cap") => Kind::Cap,
                Some(other) => {
                    let kinds = ["base", "bonus", "penalty", "veto", "cap"];
                    let msg = crate::lang::msg!(
                        zh: "{id}：未知类型“{other}”{}；应为 base（基础指标）、bonus（加分项）、penalty（扣分项）、veto（一票否决）或 cap（等次限制）",
                        en: "{id}: unknown kind \"{other}\"{}; expected base, bonus, penalty, veto or cap",
                        hint(other, kinds)
                    );
                    self.err(ri.kind.as_ref().unwrap(), msg);
                    Kind::Base
                }
            };
            let group = match &ri.group {
                None => None,
                Some(g) => match group_index.get(g.get_ref()) {
                    Some(&gi) => Some(gi),
                    None => {
                        let msg = crate::lang::msg!(
                            zh: "{id}：未知分组“{}”{}",
                            en: "{id}: unknown group \"{}\"{}",
                            g.get_ref(),
                            hint(g.get_ref(), group_index.keys())
                        );
                        self.err(g, msg);
                        None
                    }
                },
            };
            let mut points = Decimal::ZERO;
            let mut rule = None;
            let mut by_category: Vec<(String, Rule)> = Vec::new();
            if kind.is_trigger() {
                let what = match kind {
                    Kind::Cap => crate::lang::m("等次限制项", "a grade-cap item"),
                    _ => crate::lang::m("一票否决项", "a veto item"),
                };
                if let Some(p) = &ri.points {
                    self.err(
                        p,
                        crate::lang::msg!(zh: "{id}：{what}不设分值", en: "{id}: {what} has no points"),
                    );
                }
                if let Some(r) = &ri.rule {
                    self.err(
                        r,
                        crate::lang::msg!(
                            zh: "{id}：{what}不设评分规则（填“是”或次数大于 0 即触发）",
                            en: "{id}: {what} has no rule (it is triggered by 是 or a count > 0)"
                        ),
                    );
                }
            } else {
                let given = match &ri.points {
                    None => {
                        self.err(
                            &ri.id,
                            crate::lang::msg!(zh: "{id}：缺少 points（分值）", en: "{id}: points is required"),
                        );
                        None
                    }
                    Some(p) => self.points(p, &crate::lang::msg!(zh: "{id}：points", en: "{id}: points")),
                };
                match (given, &ri.points) {
                    (Some(d), Some(p)) if d <= Decimal::ZERO => {
                        self.err(
                            p,
                            crate::lang::msg!(zh: "{id}：points 必须大于 0", en: "{id}: points must be > 0"),
                        );
                        sums_known = false;
                    }
                    (Some(d), _) => points = d,
                    (None, _) => sums_known = false,
                }
                // With the points unknown, check the rule on its own rather
                // than report each of its amounts as exceeding 0 points.
                let bound = given
                    .filter(|d| *d > Decimal::ZERO)
                    .unwrap_or(Decimal::from(MAX_POINTS));
                match &ri.rule {
                    None => self.err(
                        &ri.id,
                        crate::lang::msg!(
                            zh: "{id}：缺少评分规则 rule（例如 rule = {{ type = \"check\" }}）",
                            en: "{id}: rule is required (e.g. rule = {{ type = \"check\" }})"
                        ),
                    ),
                    Some(r) => match Rule::from_toml(r.get_ref(), bound) {
                        Ok(parsed) => {
                            self.rule_fits_kind(&id, kind, &parsed, r);
                            match Rule::by_category_from_toml(r.get_ref(), bound) {
                                Ok(each) => by_category = each,
                                Err(msgs) => {
                                    for m in msgs {
                                        self.err(r, crate::lang::msg!(zh: "{id}：rule：{m}", en: "{id}: rule: {m}"));
                                    }
                                }
                            }
                            rule = Some(parsed)
                        }
                        Err(msgs) => {
                            for m in msgs {
                                self.err(r, crate::lang::msg!(zh: "{id}：rule：{m}", en: "{id}: rule: {m}"));
                            }
                        }
                    },
                }
            }
            let own_min_rectify = match &ri.min_rectify {
                None => None,
                Some(v) if kind != Kind::Base => {
                    self.err(
                        v,
                        crate::lang::msg!(
                            zh: "{id}：只有基础指标可以设 min_rectify（扣分项、加分项和一票否决项总要整改或不需整改）",
                            en: "{id}: only base indicators take min_rectify (a penalty always opens an item; bonus and veto items have no loss to skip)"
                        ),
                    );
                    None
                }
                Some(v) => {
                    let d = self.points(v, &crate::lang::msg!(zh: "{id}：min_rectify", en: "{id}: min_rectify"));
                    match d {
                        Some(d) if d < Decimal::ZERO => {
                            self.err(
                                v,
                                crate::lang::msg!(zh: "{id}：min_rectify 必须 ≥ 0", en: "{id}: min_rectify must be ≥ 0"),
                            );
                            None
                        }
                        Some(d) if points > Decimal::ZERO && d > points => {
                            let msg = crate::lang::msg!(
                                zh: "{id}：min_rectify = {} 大于本项分值 {}（任何失分都不会列入整改）",
                                en: "{id}: min_rectify = {} exceeds the item's {} points (no loss would ever be listed)",
                                fmt_points(d),
                                fmt_points(points)
                            );
                            self.err(v, msg);
                            None
                        }
                        d => d,
                    }
                }
            };
            let exempt = ri.exempt.as_ref().is_some_and(|e| *e.get_ref());
            if exempt && kind != Kind::Base {
                self.err(
                    ri.exempt.as_ref().unwrap(),
                    crate::lang::msg!(
                        zh: "{id}：只有基础指标可以设为不适用",
                        en: "{id}: only base indicators can be exempt (不适用)"
                    ),
                );
            }
            let (max_grade, veto_score) = self.trigger_keys(ri, &id, kind, &grades);
            let range = ri.range.as_ref().and_then(|r| self.range(&id, r, rule.as_ref(), kind));
            if let Some(f) = &ri.fractions
                && !matches!(rule, Some(Rule::Target { .. } | Rule::Tiers(_)))
            {
                self.err(
                    f,
                    crate::lang::msg!(
                        zh: "{id}：fractions 只用于读比率的指标（target、tiers 规则）",
                        en: "{id}: fractions applies only to rates (target and tiers rules)"
                    ),
                );
            }
            let applies_to = ri.applies_to.as_ref().map(|a| {
                let mut list: Vec<String> = Vec::new();
                for c in a.get_ref() {
                    let c = c.trim().to_string();
                    if c.is_empty() || list.contains(&c) {
                        self.err(
                            a,
                            crate::lang::msg!(
                                zh: "{id}：applies_to 中的类别“{c}”为空或重复",
                                en: "{id}: applies_to: category \"{c}\" is empty or repeated"
                            ),
                        );
                    } else {
                        list.push(c);
                    }
                }
                if list.is_empty() {
                    self.err(
                        a,
                        crate::lang::msg!(
                            zh: "{id}：applies_to 至少要列出一个类别，如 applies_to = [\"乡镇（街道）\"]",
                            en: "{id}: applies_to must list at least one category, e.g. applies_to = [\"乡镇（街道）\"]"
                        ),
                    );
                }
                list
            });
            let raters = ri.raters.as_ref().and_then(|v| {
                let fits = rule.as_ref().is_some_and(|r| r.slots() == 1 && !r.is_cohort());
                if !fits {
                    self.err(
                        v,
                        crate::lang::msg!(
                            zh: "{id}：raters 只能用于单值评分规则的指标（不能用于一票否决、等次限制、clauses 和按排名/比例/平均值的规则）",
                            en: "{id}: raters needs an item with a one-value rule (not veto, cap, clauses or a cohort rule)"
                        ),
                    );
                    return None;
                }
                match crate::raters::Raters::from_toml(v.get_ref()) {
                    Ok(r) => Some(r),
                    Err(m) => {
                        self.err(v, crate::lang::msg!(zh: "{id}：{m}", en: "{id}: {m}"));
                        None
                    }
                }
            });
            indicators.push(Indicator {
                id,
                name: ri.name.clone(),
                group,
                kind,
                points,
                standard: ri.standard.clone(),
                rule,
                remedy: ri.remedy.clone(),
                owner: ri.owner.clone(),
                assessor: ri.assessor.clone(),
                min_rectify: own_min_rectify,
                exempt,
                method: ri.method.clone(),
                max_grade_name: max_grade.map(|g| grades[g].name.clone()),
                max_grade,
                veto_score,
                range,
                fractions: ri.fractions.as_ref().is_some_and(|f| *f.get_ref()),
                applies_to,
                by_category,
                raters,
                line,
            });
        }
        if !indicators.iter().any(|i| i.kind == Kind::Base) {
            self.errs.push(Diagnostic::at(
                self.name,
                header_line,
                crate::lang::m("考核方案没有基础指标", "the framework has no base indicators"),
            ));
        }

        // Sums: group points and total.
        let base_sum: Decimal = indicators
            .iter()
            .filter(|i| i.kind == Kind::Base)
            .map(|i| i.points)
            .sum();
        let bonus_gate = cap(&h.bonus_gate, "bonus_gate", &mut self);
        let max_score = h.max_score.as_ref().and_then(|v| {
            let d = self.points(v, "max_score")?;
            if d <= Decimal::ZERO {
                self.err(v, crate::lang::m("max_score 必须大于 0", "max_score must be > 0"));
            }
            Some(d)
        });
        let grade_rules = self.grade_rules(&h);
        let mut fw = Framework {
            id: h.id.into_inner(),
            title: h.title,
            total,
            bonus_cap,
            penalty_cap,
            bonus_gate,
            max_score,
            grade_rules,
            missing,
            missing_from_option: false,
            rectify_days,
            min_rectify,
            issuer: h.issuer.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            grades,
            groups,
            indicators,
            path: self.name.to_string(),
            sha256,
            ids: Default::default(),
        };
        // The first of a repeated id, as the search finds it (a repeated id
        // is reported when the framework is checked).
        for (i, ind) in fw.indicators.iter().enumerate().rev() {
            fw.ids.insert(ind.id.clone(), i);
        }
        // Each base indicator adds its points to its group and the groups
        // above (at most MAX_GROUP_DEPTH): linear, where summing per group
        // over all indicators was groups × indicators.
        let mut sums = vec![Decimal::ZERO; fw.groups.len()];
        for i in fw.indicators.iter().filter(|i| i.kind == Kind::Base) {
            let mut cur = i.group;
            while let Some(g) = cur {
                sums[g] += i.points;
                cur = fw.groups[g].parent;
            }
        }
        for (gi, sum) in sums.into_iter().enumerate() {
            fw.groups[gi].points = sum;
            if let Some(p) = &raw.group[gi].get_ref().points
                && sums_known
                && links_known
                && let Some(declared) = self.points(
                    p,
                    &crate::lang::msg!(zh: "分组“{}”的 points", en: "group \"{}\" points", fw.groups[gi].id),
                )
                && declared != sum
            {
                let msg = crate::lang::msg!(
                    zh: "分组“{}”的 points = {}，但其基础指标分值合计为 {}",
                    en: "group \"{}\" has points = {} but its base indicators add up to {}",
                    fw.groups[gi].id,
                    fmt_points(declared),
                    fmt_points(sum)
                );
                self.err(p, msg);
            }
        }
        if sums_known
            && total_given.is_some()
            && base_sum != total
            && fw.indicators.iter().any(|i| i.kind == Kind::Base)
        {
            self.err(
                &h.total,
                crate::lang::msg!(
                    zh: "total = {}，但基础指标分值合计为 {}",
                    en: "total = {} but the base indicators add up to {}",
                    fmt_points(total),
                    fmt_points(base_sum)
                ),
            );
        }
        for (cap, kind, key) in [
            (&h.bonus_cap, Kind::Bonus, "bonus_cap"),
            (&h.bonus_gate, Kind::Bonus, "bonus_gate"),
            (&h.penalty_cap, Kind::Penalty, "penalty_cap"),
        ] {
            if let Some(c) = cap
                && !fw.indicators.iter().any(|i| i.kind == kind)
            {
                self.err(
                    c,
                    crate::lang::msg!(
                        zh: "设置了 {key}，但没有 kind = \"{}\" 的指标",
                        en: "{key} is set but no indicator has kind = \"{}\"",
                        kind.as_str()
                    ),
                );
            }
        }
        self.errs.0.sort_by_key(|d| d.line);
        self.errs.into_result(fw)
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
