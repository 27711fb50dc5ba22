//! Saved results read back: the canonical result document (docs/result.md) as
//! owned data, for comparing periods (`diff`, `trend`).
//!
//! A result is either a file written by `score --format json` or evidence
//! scored on the fly; the latter is rendered to the same JSON and read back
//! through the same parser, so both paths give exactly the same numbers.
//! Unknown keys are ignored (later versions may add some); missing keys, a
//! different `schema` or a document that is not a result at all are located
//! errors (`FILE:LINE: …`).

use crate::base::diag::{Diagnostic, Diagnostics};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashSet;

/// Version of the result schema.
pub const SCHEMA: u32 = 1;

/// One period's scored, ranked units with the framework they were scored
/// against.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PeriodResult {
    pub schema: u32,
    pub period: Option<String>,
    pub framework: FrameworkDef,
    #[serde(default)]
    pub inputs: Vec<InputDef>,
    /// In rank order.
    pub units: Vec<UnitRecord>,
    /// Where it came from, as named in messages (not part of the document).
    #[serde(skip)]
    pub source: String,
}

/// The framework as the result records it: enough to tell revisions apart.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FrameworkDef {
    pub id: String,
    pub title: String,
    pub total: Decimal,
    pub sha256: String,
    /// Cap on the sum of bonus amounts, when the framework has one.
    #[serde(default)]
    pub bonus_cap: Option<Decimal>,
    /// Cap on the sum of penalty amounts, when the framework has one.
    #[serde(default)]
    pub penalty_cap: Option<Decimal>,
    /// Cap on the score (`max_score`), when the framework has one.
    #[serde(default)]
    pub max_score: Option<Decimal>,
    /// Highest first.
    pub grades: Vec<GradeDef>,
    pub groups: Vec<GroupDef>,
    pub indicators: Vec<IndicatorDef>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GradeDef {
    pub name: String,
    pub min: Decimal,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GroupDef {
    pub id: String,
    pub name: String,
    pub parent: Option<String>,
    pub points: Decimal,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IndicatorDef {
    pub id: String,
    pub name: String,
    pub group: Option<String>,
    pub kind: String,
    pub points: Decimal,
    /// The rule in words; a change here is a changed scoring standard.
    pub rule: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct InputDef {
    pub path: String,
    pub sha256: String,
}

/// One unit's result.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UnitRecord {
    pub unit: String,
    #[serde(default)]
    pub name: String,
    pub category: Option<String>,
    pub rank: usize,
    pub category_rank: Option<usize>,
    pub score: Decimal,
    pub base: Decimal,
    pub bonus: Decimal,
    pub penalty: Decimal,
    pub grade: String,
    /// The grade the score alone gives, where a grade rule (docs/framework.md)
    /// changed it.
    #[serde(default)]
    pub grade_by_score: Option<String>,
    /// The grade rule that lowered the grade (`veto`, `condition`, `cap`,
    /// `quota`), if any.
    #[serde(default)]
    pub grade_reason: Option<String>,
    #[serde(default)]
    pub veto: Vec<String>,
    pub groups: Vec<GroupAmount>,
    #[serde(default)]
    pub indicators: Vec<IndicatorRecord>,
    pub deficiencies: Vec<DeficiencyRecord>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GroupAmount {
    pub id: String,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct IndicatorRecord {
    pub id: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DeficiencyRecord {
    pub indicator: String,
    pub lost: Option<Decimal>,
    pub reason: String,
}

impl PeriodResult {
    /// The period, else the file name: how a side is labelled in reports.
    pub fn label(&self) -> String {
        match &self.period {
            Some(p) => p.clone(),
            None => std::path::Path::new(&self.source)
                .file_stem()
                .map_or_else(|| self.source.clone(), |s| s.to_string_lossy().into_owned()),
        }
    }

    /// Read a saved result file.
    pub fn load(path: &std::path::Path) -> Result<PeriodResult, Diagnostics> {
        PeriodResult::load_within(path, crate::base::file::MAX_FILE_BYTES)
    }

    /// [`PeriodResult::load`], reading a file of up to `whole` bytes as
    /// text and a larger one streamed ([`PeriodResult::load_streamed`]).
    pub(crate) fn load_within(path: &std::path::Path, whole: u64) -> Result<PeriodResult, Diagnostics> {
        let name = path.display().to_string();
        if std::fs::metadata(path).is_ok_and(|m| m.len() > whole) {
            return PeriodResult::load_streamed(path, &name);
        }
        let bytes = crate::base::file::read_file(path).map_err(|m| Diagnostics(vec![Diagnostic::file(&name, m)]))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let bad = e.utf8_error().valid_up_to();
            let line = crate::base::diag::line_of(&String::from_utf8_lossy(e.as_bytes()), bad);
            Diagnostics(vec![Diagnostic::at(
                &name,
                line,
                crate::base::lang::m(
                    "不是 kaohe 评分结果：文件不是 UTF-8 文本（结果由 `kaohe score --format json` 写出）",
                    "not a kaohe result: the file is not UTF-8 text (results are written by `kaohe score --format json`)",
                ),
            )])
        })?;
        PeriodResult::parse(&text, &name)
    }

    /// A result too large to read as text: the results kaohe writes for a
    /// province run to gigabytes, beyond the 512 MiB any input may take.
    /// Parsed as it is read, keeping only what a comparison uses (per unit
    /// its figures, groups, deficiencies and each indicator's status; the
    /// values, notes and sources are skipped), so memory follows the units
    /// and indicators, not the size of the text. The same checks as
    /// [`PeriodResult::parse`]; problems are located by line where JSON
    /// itself is broken, by unit and field otherwise.
    fn load_streamed(path: &std::path::Path, name: &str) -> Result<PeriodResult, Diagnostics> {
        let one =
            |line: usize, msg: String| Diagnostics(vec![Diagnostic::new(name, (line > 0).then_some(line as u64), msg)]);
        let f = std::fs::File::open(path).map_err(|e| {
            one(
                0,
                crate::base::lang::msg!(zh: "无法读取：{}", en: "cannot read: {}", crate::base::lang::io_error(&e)),
            )
        })?;
        let mut r: PeriodResult =
            serde_json::from_reader(std::io::BufReader::with_capacity(1 << 20, f)).map_err(|e| {
                one(
                    e.line(),
                    crate::base::lang::msg!(
                        zh: "不是有效的 kaohe 评分结果：{}（第 {} 列）",
                        en: "not a valid kaohe result: {} (column {})",
                        bare(&e),
                        e.column()
                    ),
                )
            })?;
        if r.schema != SCHEMA {
            return Err(one(
                0,
                crate::base::lang::msg!(
                    zh: "不支持结果格式版本 schema {}：本版 kaohe 读取 schema {}",
                    en: "result schema {} is not supported: this kaohe reads schema {}",
                    r.schema,
                    SCHEMA
                ),
            ));
        }
        r.source = name.to_string();
        r.check()?;
        r.check_arithmetic("")?;
        Ok(r)
    }

    /// Parse and check result JSON; `name` is used in messages.
    pub fn parse(text: &str, name: &str) -> Result<PeriodResult, Diagnostics> {
        let r = PeriodResult::parse_unverified(text, name)?;
        r.check_arithmetic(text)?;
        Ok(r)
    }

    /// [`PeriodResult::parse`] without checking the arithmetic: for tests
    /// of the comparison's bookkeeping, whose made-up results need not
    /// add up.
    pub(crate) fn parse_unverified(text: &str, name: &str) -> Result<PeriodResult, Diagnostics> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let one = |line: usize, msg: String| Diagnostics(vec![Diagnostic::at(name, line.max(1) as u64, msg)]);
        // First only the shape and the schema number, so a file that is
        // not a result at all says so rather than "missing field `units`".
        let probe: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            let what = match e.classify() {
                serde_json::error::Category::Eof => crate::base::lang::msg!(
                    zh: "不是 kaohe 评分结果：JSON 提前结束（{}）",
                    en: "not a kaohe result: the JSON ends early ({})",
                    bare(&e)
                ),
                _ => crate::base::lang::msg!(
                    zh: "不是 kaohe 评分结果：JSON 无效：{}（第 {} 列）",
                    en: "not a kaohe result: invalid JSON: {} (column {})",
                    bare(&e),
                    e.column()
                ),
            };
            one(e.line(), what)
        })?;
        let Some(obj) = probe.as_object() else {
            return Err(one(
                1,
                crate::base::lang::m(
                    "不是 kaohe 评分结果：应为含 \"schema\": 1 的 JSON 对象（结果由 `kaohe score --format json` 写出）",
                    "not a kaohe result: expected a JSON object with \"schema\": 1 (results are written by `kaohe score --format json`)",
                )
                .to_string(),
            ));
        };
        if let Some(kind) = obj
            .get("type")
            .and_then(|t| t.as_str())
            .filter(|t| *t == "diff" || *t == "trend")
        {
            return Err(one(
                1,
                crate::base::lang::msg!(
                    zh: "不是 kaohe 评分结果：这是 `kaohe {kind}` 的输出；请提供生成它的评分结果",
                    en: "not a kaohe result: this is the output of `kaohe {kind}`; give the results it was made from"
                ),
            ));
        }
        match obj.get("schema") {
            None => {
                return Err(one(
                    1,
                    crate::base::lang::m(
                        "不是 kaohe 评分结果：缺少 \"schema\" 字段（结果由 `kaohe score --format json` 写出）",
                        "not a kaohe result: no \"schema\" field (results are written by `kaohe score --format json`)",
                    )
                    .to_string(),
                ));
            }
            Some(v) if v.as_u64() == Some(u64::from(SCHEMA)) => {}
            Some(v) => {
                let line = text.lines().position(|l| l.contains("\"schema\"")).map_or(1, |i| i + 1);
                return Err(one(
                    line,
                    crate::base::lang::msg!(
                        zh: "不支持结果格式版本 schema {v}：本版 kaohe 读取 schema {}",
                        en: "result schema {v} is not supported: this kaohe reads schema {}",
                        SCHEMA
                    ),
                ));
            }
        }
        let mut r: PeriodResult = serde_json::from_str(text).map_err(|e| {
            one(
                e.line(),
                crate::base::lang::msg!(
                    zh: "不是有效的 kaohe 评分结果：{}（第 {} 列）",
                    en: "not a valid kaohe result: {} (column {})",
                    bare(&e),
                    e.column()
                ),
            )
        })?;
        r.source = name.to_string();
        r.check()?;
        Ok(r)
    }

    /// The arithmetic every result must satisfy (docs/framework.md, "Scoring a unit" and "Ranking"): a score
    /// edited by hand, a negative score, base above the total, a grade or
    /// rank that does not follow from the scores are refused, each with the
    /// unit and field named, rather than compared as if they were true.
    fn check_arithmetic(&self, text: &str) -> Result<(), Diagnostics> {
        let mut errs = Diagnostics::new();
        let fw = &self.framework;
        let zero = Decimal::ZERO;
        let mut located = 0usize;
        let mut bad = |u: &UnitRecord, field: &str, detail: String| {
            // The unit's line, for the first problems (finding it reads the text).
            let line = if located < crate::base::diag::MAX_PROBLEMS_PER_FILE && text.len() <= 64 << 20 {
                located += 1;
                unit_line(text, &u.unit)
            } else {
                None
            };
            let d = crate::base::lang::msg!(
                zh: "评分结果不自洽：单位 {}，字段 {field}：{detail}（文件被改动过或已损坏；请用佐证重新评分）",
                en: "the result does not add up: unit {}, field {field}: {detail} (the file was edited or damaged; score the evidence again)",
                u.unit
            );
            errs.push(Diagnostic::new(&self.source, line, d));
        };
        let two_places = |d: Decimal| crate::base::num::round2(d) == d;
        for u in &self.units {
            for (field, v) in [
                ("score", u.score),
                ("base", u.base),
                ("bonus", u.bonus),
                ("penalty", u.penalty),
            ] {
                if v < zero {
                    bad(
                        u,
                        field,
                        crate::base::lang::msg!(zh: "{v} 为负数", en: "{v} is negative"),
                    );
                } else if !two_places(v) {
                    bad(
                        u,
                        field,
                        crate::base::lang::msg!(zh: "{v} 超过两位小数", en: "{v} has more than two decimal places"),
                    );
                }
            }
            if u.base > fw.total {
                bad(
                    u,
                    "base",
                    crate::base::lang::msg!(zh: "{} 超过总分 {}", en: "{} is above the total {}", u.base, fw.total),
                );
            }
            if let Some(cap) = fw.bonus_cap
                && u.bonus > cap
            {
                bad(
                    u,
                    "bonus",
                    crate::base::lang::msg!(zh: "{} 超过加分上限 {cap}", en: "{} is above the bonus cap {cap}", u.bonus),
                );
            }
            if let Some(cap) = fw.penalty_cap
                && u.penalty > cap
            {
                bad(
                    u,
                    "penalty",
                    crate::base::lang::msg!(zh: "{} 超过扣分上限 {cap}", en: "{} is above the penalty cap {cap}", u.penalty),
                );
            }
            let mut expected = crate::base::num::round2((u.base + u.bonus - u.penalty).max(zero));
            if let Some(max) = fw.max_score {
                expected = expected.min(max);
            }
            // A veto may fix a lower score (docs/framework.md: 判定为不合格（59分）).
            let fits = if u.vetoed() {
                u.score <= expected
            } else {
                u.score == expected
            };
            if !fits {
                bad(
                    u,
                    "score",
                    crate::base::lang::msg!(
                        zh: "为 {}，但 max(base {} + bonus {} − penalty {}, 0) = {expected}",
                        en: "is {}, but max(base {} + bonus {} − penalty {}, 0) = {expected}",
                        u.score,
                        u.base,
                        u.bonus,
                        u.penalty
                    ),
                );
            }
            self.check_grade(u, &mut bad);
        }
        self.check_ranks(&mut bad);
        errs.into_result(())
    }

    /// The grade from the bands (the lowest when vetoed); where a grade
    /// rule gave a reason, `grade_by_score` is the bands' and the grade may
    /// only be lower.
    fn check_grade(&self, u: &UnitRecord, bad: &mut impl FnMut(&UnitRecord, &str, String)) {
        let grades = &self.framework.grades;
        let Some(lowest) = grades.last() else { return };
        let band = grades.iter().position(|g| g.min <= u.score).unwrap_or(grades.len() - 1);
        let at = |name: &str| self.grade_index(name);
        if u.vetoed() {
            if u.grade != lowest.name {
                bad(
                    u,
                    "grade",
                    crate::base::lang::msg!(
                        zh: "为“{}”，但被一票否决的单位应为最低等次“{}”",
                        en: "is \"{}\", but a vetoed unit has the lowest grade \"{}\"",
                        u.grade,
                        lowest.name
                    ),
                );
            }
            return;
        }
        match (&u.grade_reason, &u.grade_by_score) {
            (Some(_), Some(by_score)) => {
                if at(by_score) != Some(band) {
                    bad(
                        u,
                        "grade_by_score",
                        crate::base::lang::msg!(
                            zh: "为“{by_score}”，但得分 {} 对应等次“{}”",
                            en: "is \"{by_score}\", but a score of {} gives \"{}\"",
                            u.score,
                            grades[band].name
                        ),
                    );
                } else if at(&u.grade).is_some_and(|g| g < band) {
                    bad(
                        u,
                        "grade",
                        crate::base::lang::msg!(
                            zh: "为“{}”，高于得分 {} 对应的等次“{}”",
                            en: "is \"{}\", above \"{}\" that a score of {} gives",
                            u.grade,
                            grades[band].name,
                            u.score
                        ),
                    );
                }
            }
            _ => {
                if at(&u.grade) != Some(band) {
                    bad(
                        u,
                        "grade",
                        crate::base::lang::msg!(
                            zh: "为“{}”，但得分 {} 对应等次“{}”",
                            en: "is \"{}\", but a score of {} gives \"{}\"",
                            u.grade,
                            u.score,
                            grades[band].name
                        ),
                    );
                }
            }
        }
    }

    /// Competition ranks from the scores (docs/framework.md, "Ranking"): units not vetoed
    /// first, by score descending, equal scores sharing a rank; the same
    /// within each category for `category_rank`.
    fn check_ranks(&self, bad: &mut impl FnMut(&UnitRecord, &str, String)) {
        let key = |u: &UnitRecord| (u.vetoed(), std::cmp::Reverse(u.score));
        let expected = |members: &[&UnitRecord]| -> Vec<usize> {
            let mut keys: Vec<_> = members.iter().map(|u| key(u)).collect();
            keys.sort();
            // Rank = 1 + the number of units strictly ahead.
            members
                .iter()
                .map(|u| keys.partition_point(|k| *k < key(u)) + 1)
                .collect()
        };
        let all: Vec<&UnitRecord> = self.units.iter().collect();
        for (u, want) in all.iter().zip(expected(&all)) {
            if u.rank != want {
                bad(
                    u,
                    "rank",
                    crate::base::lang::msg!(
                        zh: "为 {}，但按得分应为第 {want} 名",
                        en: "is {}, but the scores give rank {want}",
                        u.rank
                    ),
                );
            }
        }
        let mut cats: std::collections::BTreeMap<&str, Vec<&UnitRecord>> = Default::default();
        for u in &self.units {
            match u.category.as_deref().filter(|c| !c.is_empty()) {
                Some(c) => cats.entry(c).or_default().push(u),
                None => {
                    if let Some(r) = u.category_rank {
                        bad(
                            u,
                            "category_rank",
                            crate::base::lang::msg!(
                                zh: "为 {r}，但该单位没有类别",
                                en: "is {r}, but the unit has no category"
                            ),
                        );
                    }
                }
            }
        }
        for members in cats.values() {
            for (u, want) in members.iter().zip(expected(members)) {
                if u.category_rank != Some(want) {
                    let shown = u.category_rank.map_or_else(|| "null".to_string(), |r| r.to_string());
                    bad(
                        u,
                        "category_rank",
                        crate::base::lang::msg!(
                            zh: "为 {shown}，但按类别内得分应为第 {want} 名",
                            en: "is {shown}, but the scores within its category give rank {want}"
                        ),
                    );
                }
            }
        }
    }

    /// Cross-references a hand-edited or truncated file could break.
    fn check(&self) -> Result<(), Diagnostics> {
        let mut errs = Diagnostics::new();
        let fw = &self.framework;
        let mut bad = |msg: String| errs.push(Diagnostic::file(&self.source, msg));
        let indicators: HashSet<&str> = fw.indicators.iter().map(|i| i.id.as_str()).collect();
        let groups: HashSet<&str> = fw.groups.iter().map(|g| g.id.as_str()).collect();
        if fw.grades.is_empty() {
            bad(crate::base::lang::m(
                "不是有效的 kaohe 评分结果：framework.grades 为空",
                "not a valid kaohe result: framework.grades is empty",
            )
            .to_string());
        }
        if indicators.len() != fw.indicators.len() {
            bad(crate::base::lang::m(
                "不是有效的 kaohe 评分结果：framework.indicators 中有重复编号",
                "not a valid kaohe result: framework.indicators repeats an id",
            )
            .to_string());
        }
        let mut seen = HashSet::new();
        for u in &self.units {
            if !seen.insert(u.unit.as_str()) {
                bad(crate::base::lang::msg!(
                    zh: "不是有效的 kaohe 评分结果：单位“{}”出现两次",
                    en: "not a valid kaohe result: unit \"{}\" is listed twice",
                    u.unit
                ));
            }
            if !fw.grades.iter().any(|g| g.name == u.grade) {
                bad(crate::base::lang::msg!(
                    zh: "不是有效的 kaohe 评分结果：单位 {}：等次“{}”不在 framework.grades 中",
                    en: "not a valid kaohe result: unit {}: grade \"{}\" is not among framework.grades",
                    u.unit, u.grade
                ));
            }
            for id in u.deficiencies.iter().map(|d| &d.indicator).chain(&u.veto) {
                if !indicators.contains(id.as_str()) {
                    bad(crate::base::lang::msg!(
                        zh: "不是有效的 kaohe 评分结果：单位 {}：指标“{id}”不在 framework.indicators 中",
                        en: "not a valid kaohe result: unit {}: indicator \"{id}\" is not among framework.indicators",
                        u.unit
                    ));
                }
            }
            for g in &u.groups {
                if !groups.contains(g.id.as_str()) {
                    bad(crate::base::lang::msg!(
                        zh: "不是有效的 kaohe 评分结果：单位 {}：分组“{}”不在 framework.groups 中",
                        en: "not a valid kaohe result: unit {}: group \"{}\" is not among framework.groups",
                        u.unit, g.id
                    ));
                }
            }
        }
        errs.into_result(())
    }

    /// Index of a grade name in this result's framework (0 = highest).
    pub fn grade_index(&self, name: &str) -> Option<usize> {
        self.framework.grades.iter().position(|g| g.name == name)
    }

    pub fn unit(&self, id: &str) -> Option<&UnitRecord> {
        self.units.iter().find(|u| u.unit == id)
    }
}

impl UnitRecord {
    /// The status of one indicator for this unit (`exempt`, `met`, …).
    pub fn status(&self, indicator: &str) -> Option<&str> {
        self.indicators
            .iter()
            .find(|i| i.id == indicator)
            .map(|i| i.status.as_str())
    }

    pub fn vetoed(&self) -> bool {
        !self.veto.is_empty()
    }
}

/// The line of a unit's record in result text: where `"unit": "ID"` is
/// written (any spacing after the colon), if it is there.
fn unit_line(text: &str, id: &str) -> Option<u64> {
    let quoted = serde_json::to_string(id).ok()?;
    let mut from = 0;
    while let Some(i) = text[from..].find("\"unit\"") {
        let at = from + i;
        let rest = text[at + 6..].trim_start();
        if let Some(rest) = rest.strip_prefix(':')
            && rest.trim_start().starts_with(&quoted)
        {
            return Some(crate::base::diag::line_of(text, at));
        }
        from = at + 6;
    }
    None
}

/// serde_json's message without its " at line L column C" tail (the line
/// goes in front, the column after).
fn bare(e: &serde_json::Error) -> String {
    let s = e.to_string();
    let s = match s.rfind(" at line ") {
        Some(i) if e.line() > 0 => s[..i].to_string(),
        _ => s,
    };
    // The decimal type's own words ("Scale exceeds the maximum precision
    // allowed: 40 > 28", "Failed to parse") are its internals, not the
    // user's problem.
    const DECIMAL: [&str; 5] = [
        "Scale exceeds the maximum precision",
        "Failed to parse",
        "Number exceeds maximum value",
        "Number less than minimum value",
        "Invalid decimal",
    ];
    if DECIMAL.iter().any(|p| s.starts_with(p)) {
        return crate::base::lang::m(
            "有一个数值超出了可精确表示的范围（最多 28 位小数、29 位有效数字）",
            "a number beyond what can be held exactly (at most 28 decimal places and 29 digits)",
        )
        .to_string();
    }
    s
}

/// Is the file at `path` a saved result (JSON) rather than evidence or a
/// table? Named `.json`, or its first byte other than white space (and a
/// byte-order mark) is `{`, which evidence never is: a result saved under
/// another name, or given through a pipe, whose bytes are kept for the
/// reader ([`crate::base::file::read_pipe`]).
pub fn is_result(path: &std::path::Path) -> bool {
    let opens = |b: &[u8]| {
        let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
        b.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{')
    };
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
        || match crate::base::file::read_pipe(path) {
            Some(kept) => kept.is_ok_and(|b| opens(&b)),
            None => crate::base::file::head(path, 4096).is_some_and(|b| opens(&b)),
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> String {
        r#"{
  "schema": 1,
  "period": "2022",
  "framework": {
    "id": "t", "title": "T", "total": 10, "sha256": "x",
    "grades": [ { "name": "好", "min": 90 }, { "name": "差", "min": 0 } ],
    "groups": [ { "id": "A", "name": "甲", "parent": null, "points": 10 } ],
    "indicators": [ { "id": "A1", "name": "一", "group": "A", "kind": "base", "points": 10, "rule": "check" } ]
  },
  "inputs": [],
  "units": [
    { "unit": "U1", "name": "单位一", "category": null, "rank": 1, "category_rank": null,
      "score": 8.50, "base": "8.50", "bonus": 0, "penalty": 0, "grade": "差", "veto": [],
      "groups": [ { "id": "A", "amount": 8.5 } ],
      "deficiencies": [ { "indicator": "A1", "lost": 1.50, "reason": "shortfall" } ] }
  ]
}"#
        .to_string()
    }

    fn err(text: &str) -> String {
        PeriodResult::parse(text, "r.json").unwrap_err().to_string()
    }

    #[test]
    fn reads_numbers_and_strings_exactly() {
        let r = PeriodResult::parse(&minimal(), "r.json").unwrap();
        let u = &r.units[0];
        assert_eq!(u.score.to_string(), "8.50");
        assert_eq!(u.base.to_string(), "8.50");
        assert_eq!(u.deficiencies[0].lost.unwrap().to_string(), "1.50");
        assert_eq!(r.label(), "2022");
        assert_eq!(r.framework.total, Decimal::from(10));
    }

    #[test]
    fn corrupt_json_is_located() {
        let text = minimal().replace("\"rank\": 1,", "\"rank\": 1");
        assert_eq!(
            err(&text),
            "r.json:12: not a kaohe result: invalid JSON: expected `,` or `}` (column 70)"
        );
        assert_eq!(
            err(&minimal()[..200]),
            "r.json:7: not a kaohe result: the JSON ends early (EOF while parsing an object)"
        );
    }

    #[test]
    fn foreign_json_says_what_it_is_not() {
        assert_eq!(
            err("[1, 2]"),
            "r.json:1: not a kaohe result: expected a JSON object with \"schema\": 1 (results are written by `kaohe score --format json`)"
        );
        assert_eq!(
            err("{\n  \"name\": \"x\"\n}"),
            "r.json:1: not a kaohe result: no \"schema\" field (results are written by `kaohe score --format json`)"
        );
        assert_eq!(
            err(&minimal().replace("\"schema\": 1", "\"schema\": 2")),
            "r.json:2: result schema 2 is not supported: this kaohe reads schema 1"
        );
    }

    #[test]
    fn a_comparison_is_not_a_result() {
        assert_eq!(
            err("{\"schema\": 1, \"type\": \"diff\"}"),
            "r.json:1: not a kaohe result: this is the output of `kaohe diff`; give the results it was made from"
        );
    }

    #[test]
    fn missing_or_mistyped_fields_are_located() {
        assert_eq!(
            err(&minimal().replace("\"score\": 8.50", "\"score\": \"abc\"")),
            "r.json:13: not a valid kaohe result: invalid value: string \"abc\", expected a Decimal type representing a fixed-point number (column 20)"
        );
        assert_eq!(
            err(&minimal().replace("\"grade\": \"差\", ", "")),
            "r.json:15: not a valid kaohe result: missing field `grade` (column 86)"
        );
    }

    #[test]
    fn a_result_read_streamed_is_the_same_as_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        std::fs::write(&path, minimal()).unwrap();
        let whole = PeriodResult::load_within(&path, u64::MAX).unwrap();
        // A limit of 0 bytes: every file is "too large" and read streamed.
        let streamed = PeriodResult::load_within(&path, 0).unwrap();
        assert_eq!(whole, streamed);
        assert_eq!(streamed.units[0].score.to_string(), "8.50");
        // Checked the same way.
        std::fs::write(&path, minimal().replace("\"rank\": 1", "\"rank\": 2")).unwrap();
        let e = PeriodResult::load_within(&path, 0).unwrap_err().to_string();
        assert!(
            e.ends_with("unit U1, field rank: is 2, but the scores give rank 1 (the file was edited or damaged; score the evidence again)"),
            "{e}"
        );
        std::fs::write(&path, minimal().replace("\"schema\": 1", "\"schema\": 2")).unwrap();
        let e = PeriodResult::load_within(&path, 0).unwrap_err().to_string();
        assert!(
            e.ends_with("result schema 2 is not supported: this kaohe reads schema 1"),
            "{e}"
        );
    }

    #[test]
    fn cross_references_are_checked() {
        let text = minimal().replace("\"indicator\": \"A1\"", "\"indicator\": \"Z9\"");
        assert_eq!(
            err(&text),
            "r.json: not a valid kaohe result: unit U1: indicator \"Z9\" is not among framework.indicators"
        );
    }
}
