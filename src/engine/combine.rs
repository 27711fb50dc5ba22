//! Roll-up (`kaohe combine`): a year's result from its quarters
//! (季度汇总为年度；平时考核 + 年终考核).
//!
//! A composite file names the components and their weights and grades the
//! year as a framework grades a period. Each component is a saved result
//! (`score --format json`) or a table `unit,score`. A unit's score is
//! `round2(Σ weightᵢ × scoreᵢ)` from the components' final scores, rounded
//! once; a unit vetoed in any component is vetoed (`veto = "any"`).
//!
//! The composite is scored as an assessment of its own, so that ranking,
//! grade rules, quotas and every writer are the ones `score` uses: the
//! components become the framework's indicators (points = weight × total)
//! and its top groups (one per component, the component's own score as the
//! group's amount, so the ranking shows each quarter beside the year).

use crate::base::diag::{Diagnostic, Diagnostics};
use crate::base::num::{fmt2, round2};
use crate::engine::score::{Assessment, IndicatorResult, Outcome, Totals, UnitResult};
use crate::model::framework::{Framework, Group, Indicator, Kind};
use crate::model::rule::Rule;
use crate::reading::evidence::InputFile;
use crate::reading::result::PeriodResult;
use crate::reading::units::Units;
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use toml::Spanned;

pub mod year;

/// What a unit vetoed in one component is in the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VetoRule {
    /// Vetoed in any component: vetoed in the year (the default).
    Any,
    /// Components' vetoes count only through their scores.
    None,
}

/// A unit absent from a component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingRule {
    /// An error naming the unit and the component (the default).
    Error,
    /// Scores 0 in that component.
    Zero,
}

/// One component of a composite.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub id: String,
    pub name: String,
    pub weight: Decimal,
    /// Line in the composite file.
    pub line: u64,
}

/// A checked composite file: the year's framework built from it, and the
/// components.
#[derive(Debug, Clone)]
pub struct Composite {
    /// Grades, grade rules, one base indicator and one top group per
    /// component; `total` is set by the components' results.
    pub framework: Framework,
    pub components: Vec<Component>,
    pub veto: VetoRule,
    pub missing: MissingRule,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    composite: Spanned<RawHead>,
    #[serde(default)]
    component: Vec<Spanned<RawComponent>>,
    #[serde(default)]
    grade: Vec<Spanned<RawGrade>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHead {
    id: Spanned<toml::Value>,
    title: Spanned<toml::Value>,
    veto: Option<Spanned<String>>,
    missing: Option<Spanned<String>>,
    quota_scope: Option<Spanned<toml::Value>>,
    quota_round: Option<Spanned<toml::Value>>,
    quota_ties: Option<Spanned<toml::Value>>,
    issuer: Option<Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    id: Spanned<String>,
    name: Option<String>,
    weight: Spanned<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGrade {
    name: Spanned<toml::Value>,
    min: Spanned<toml::Value>,
    quota: Option<Spanned<toml::Value>>,
    max_zero: Option<Spanned<toml::Value>>,
}

/// The grades and grade rules are checked by the framework's own
/// validation: the composite is written out as a framework text whose
/// every line remembers the composite line it came from, so a problem is
/// reported at the line the user wrote.
struct Echo {
    lines: Vec<(String, u64)>,
}

impl Echo {
    fn push(&mut self, text: String, line: u64) {
        self.lines.push((text, line));
    }
    fn key(&mut self, key: &str, v: &Option<Spanned<toml::Value>>, at: impl Fn(&Spanned<toml::Value>) -> u64) {
        if let Some(v) = v {
            self.push(format!("{key} = {}", v.get_ref()), at(v));
        }
    }
}

impl Composite {
    /// Read and check a composite file.
    pub fn load(path: &Path) -> Result<Composite, Diagnostics> {
        let name = path.display().to_string();
        let bytes = crate::base::file::read_file(path).map_err(|m| Diagnostics(vec![Diagnostic::file(&name, m)]))?;
        let text = String::from_utf8(bytes.clone()).map_err(|_| {
            Diagnostics(vec![Diagnostic::file(
                &name,
                crate::base::lang::m(
                    "综合考核文件不是有效的 UTF-8 编码（请另存为 UTF-8）",
                    "the composite file is not valid UTF-8 (save it as UTF-8)",
                ),
            )])
        })?;
        let sha = crate::base::file::sha256_hex(&bytes);
        Composite::parse(&text, &name, sha)
    }

    /// Parse and check composite text; `name` is used in messages.
    pub fn parse(text: &str, name: &str, sha256: String) -> Result<Composite, Diagnostics> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let line = |offset: usize| crate::base::diag::line_of(text, offset);
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(1, |s| line(s.start));
            Diagnostics(vec![Diagnostic::at(name, at, e.message().trim().replace('\n', " "))])
        })?;
        let at = |s: &Spanned<toml::Value>| line(s.span().start);
        let mut errs = Diagnostics::new();
        let head_line = line(raw.composite.span().start);
        let head = raw.composite.into_inner();

        let veto = match head.veto.as_ref().map(|v| v.get_ref().as_str()) {
            None | Some("any") => VetoRule::Any,
            Some("none") => VetoRule::None,
            Some(other) => {
                let v = head.veto.as_ref().expect("matched Some");
                errs.push(Diagnostic::at(
                    name,
                    line(v.span().start),
                    crate::base::lang::msg!(
                        zh: "veto 只能为“any”（任一期被一票否决即否决）或“none”，不能为“{other}”",
                        en: "veto must be \"any\" (vetoed in any component) or \"none\", not \"{other}\""
                    ),
                ));
                VetoRule::Any
            }
        };
        let missing = match head.missing.as_ref().map(|v| v.get_ref().as_str()) {
            None | Some("error") => MissingRule::Error,
            Some("zero") => MissingRule::Zero,
            Some(other) => {
                let v = head.missing.as_ref().expect("matched Some");
                errs.push(Diagnostic::at(
                    name,
                    line(v.span().start),
                    crate::base::lang::msg!(
                        zh: "missing 只能为“error”或“zero”，不能为“{other}”",
                        en: "missing must be \"error\" or \"zero\", not \"{other}\""
                    ),
                ));
                MissingRule::Error
            }
        };

        // Components: ids as a framework's, weights exact and summing to 1.
        let mut components: Vec<Component> = Vec::new();
        if raw.component.is_empty() {
            errs.push(Diagnostic::at(
                name,
                head_line,
                crate::base::lang::m(
                    "未设置组成部分 [[component]]（例如 id = \"Q1\"、name = \"第一季度\"、weight = 0.25）",
                    "no [[component]] given (e.g. id = \"Q1\", name = \"第一季度\", weight = 0.25)",
                ),
            ));
        }
        for c in &raw.component {
            let c_line = line(c.span().start);
            let c = c.get_ref();
            let id = c.id.get_ref().trim().to_string();
            let id_line = line(c.id.span().start);
            if id.is_empty() || id.contains('=') || id.chars().any(char::is_whitespace) {
                errs.push(Diagnostic::at(
                    name,
                    id_line,
                    crate::base::lang::msg!(
                        zh: "组成部分的 id“{id}”不可用：不能为空，不能含空格或“=”",
                        en: "component id \"{id}\" cannot be used: it must be non-empty, without spaces or \"=\""
                    ),
                ));
            } else if let Some(ch) = crate::base::diag::first_invisible(&id) {
                errs.push(Diagnostic::at(
                    name,
                    id_line,
                    crate::base::diag::invisible_in_id("组成部分 id", "the component id", &id, ch),
                ));
            } else if components.iter().any(|o| o.id == id) {
                errs.push(Diagnostic::at(
                    name,
                    id_line,
                    crate::base::lang::msg!(zh: "组成部分 id“{id}”重复", en: "duplicate component id \"{id}\""),
                ));
            }
            let weight = match crate::model::rule::decimal(c.weight.get_ref()) {
                Ok(w) if w > Decimal::ZERO && w <= Decimal::ONE => w,
                Ok(w) => {
                    errs.push(Diagnostic::at(
                        name,
                        at(&c.weight),
                        crate::base::lang::msg!(
                            zh: "组成部分“{id}”的 weight 应大于 0 且不超过 1，实为 {}",
                            en: "component \"{id}\" weight must be above 0 and at most 1, not {}",
                            w.normalize()
                        ),
                    ));
                    Decimal::ZERO
                }
                Err(e) => {
                    errs.push(Diagnostic::at(
                        name,
                        at(&c.weight),
                        crate::base::lang::msg!(zh: "组成部分“{id}”的 weight：{e}", en: "component \"{id}\" weight: {e}"),
                    ));
                    Decimal::ZERO
                }
            };
            components.push(Component {
                name: c
                    .name
                    .clone()
                    .map(|n| n.trim().to_string())
                    .unwrap_or_else(|| id.clone()),
                id,
                weight,
                line: c_line,
            });
        }
        let sum: Decimal = components.iter().map(|c| c.weight).sum();
        if !components.is_empty() && components.iter().all(|c| c.weight > Decimal::ZERO) && sum != Decimal::ONE {
            let parts: Vec<String> = components.iter().map(|c| c.weight.normalize().to_string()).collect();
            errs.push(Diagnostic::at(
                name,
                components[0].line,
                crate::base::lang::msg!(
                    zh: "各组成部分的 weight 之和必须恰好为 1，实为 {}（{}）",
                    en: "the components' weights must sum to exactly 1, not {} ({})",
                    sum.normalize(),
                    parts.join(" + ")
                ),
            ));
        }
        for g in &raw.grade {
            if let Some(mz) = &g.get_ref().max_zero {
                errs.push(Diagnostic::at(
                    name,
                    at(mz),
                    crate::base::lang::m(
                        "综合考核不适用 max_zero（单项为0分的条件只在一期考核的方案中有意义）",
                        "max_zero does not apply to a composite (zero items exist only in a period's framework)",
                    ),
                ));
            }
        }

        // The grades and grade rules, checked as a framework checks them.
        let mut echo = Echo { lines: Vec::new() };
        echo.push("[framework]".into(), head_line);
        echo.push(format!("id = {}", head.id.get_ref()), at(&head.id));
        echo.push(format!("title = {}", head.title.get_ref()), at(&head.title));
        echo.push("total = 100".into(), head_line);
        echo.key("quota_scope", &head.quota_scope, at);
        echo.key("quota_round", &head.quota_round, at);
        echo.key("quota_ties", &head.quota_ties, at);
        echo.key("issuer", &head.issuer, at);
        for g in &raw.grade {
            let g_line = line(g.span().start);
            let g = g.get_ref();
            echo.push("[[grade]]".into(), g_line);
            echo.push(format!("name = {}", g.name.get_ref()), at(&g.name));
            echo.push(format!("min = {}", g.min.get_ref()), at(&g.min));
            echo.key("quota", &g.quota, at);
        }
        echo.push("[[indicator]]".into(), head_line);
        echo.push(
            "id = \"C\"\nname = \"C\"\npoints = 100\nrule = { type = \"direct\" }".into(),
            head_line,
        );
        let mut generated = String::new();
        let mut origin: Vec<u64> = Vec::new();
        for (t, l) in &echo.lines {
            for piece in t.split('\n') {
                generated.push_str(piece);
                generated.push('\n');
                origin.push(*l);
            }
        }
        let fw = match Framework::parse(&generated, name) {
            Ok(fw) => Some(fw),
            Err(d) => {
                for mut e in d.0 {
                    e.line = e.line.map(|l| origin.get(l as usize - 1).copied().unwrap_or(head_line));
                    e.file = name.to_string();
                    errs.push(e);
                }
                None
            }
        };
        if !errs.is_empty() {
            return Err(errs);
        }
        let mut framework = fw.expect("no errors");
        framework.path = name.to_string();
        framework.sha256 = sha256;
        framework.groups = components
            .iter()
            .map(|c| Group {
                id: c.id.clone(),
                name: c.name.clone(),
                parent: None,
                points: framework.total,
            })
            .collect();
        let template = framework.indicators[0].clone();
        framework.indicators = components
            .iter()
            .enumerate()
            .map(|(i, c)| Indicator {
                id: c.id.clone(),
                name: c.name.clone(),
                group: Some(i),
                kind: Kind::Base,
                points: c.weight * framework.total,
                standard: String::new(),
                rule: Some(Rule::Direct),
                line: c.line,
                ..template.clone()
            })
            .collect();
        Ok(Composite {
            framework,
            components,
            veto,
            missing,
        })
    }

    /// The composite's components and framework in words, as `check -c`
    /// prints them.
    pub fn describe(&self, lang: crate::base::lang::Lang) -> String {
        let fw = &self.framework;
        let mut s = format!("{} ({})\n", fw.title, fw.id);
        for c in &self.components {
            s.push_str(&format!(
                "  {} {}  {} {}\n",
                c.id,
                c.name,
                lang.pick("权重", "weight"),
                c.weight.normalize()
            ));
        }
        let grades: Vec<String> = fw
            .grades
            .iter()
            .map(|g| {
                let quota = g
                    .quota
                    .as_ref()
                    .map(|q| crate::base::lang::msg!(zh: "（不超过{}）", en: " (at most {})", q.text))
                    .unwrap_or_default();
                format!("{} ≥ {}{quota}", g.name, crate::base::num::fmt_points(g.min))
            })
            .collect();
        s.push_str(&lang.labelled(lang.pick("等次", "Grades"), &grades.join(" · ")));
        s.push('\n');
        s.push_str(&lang.labelled(
            lang.pick("一票否决", "Veto"),
            match (self.veto, lang) {
                (VetoRule::Any, crate::base::lang::Lang::Zh) => "任一组成部分被一票否决的，年度一票否决",
                (VetoRule::Any, _) => "vetoed in any component: vetoed in the year",
                (VetoRule::None, crate::base::lang::Lang::Zh) => "只按得分计入",
                (VetoRule::None, _) => "counted through the scores only",
            },
        ));
        s.push('\n');
        s
    }
}

/// One unit's figures in one component.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    pub score: Decimal,
    pub vetoed: bool,
    /// The component's grade, where the component says it (a saved result).
    pub grade: Option<String>,
    pub rank: usize,
    pub name: String,
    pub category: String,
    /// The unit's deficiencies (失分项) in this component, in its order,
    /// where the component records them: a result of `score`; `None` for a
    /// table or a combined result.
    pub deficiencies: Option<Vec<ItemRecord>>,
}

/// One deficiency of a unit in a component, as its saved result records
/// it, with the indicator's name from that result's framework.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ItemRecord {
    pub indicator: String,
    pub name: String,
    pub lost: Option<Decimal>,
    pub reason: String,
}

/// One component read from its file.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub input: InputFile,
    /// The framework's total, for a saved result.
    pub total: Option<Decimal>,
    pub period: Option<String>,
    pub units: IndexMap<String, Part>,
    /// For a table, where each unit's score is: its column (and heading)
    /// and each unit's line.
    pub scores_at: Option<ScoresAt>,
}

/// Where a table's scores are ([`Loaded::scores_at`]).
#[derive(Debug, Clone)]
pub struct ScoresAt {
    pub col: usize,
    pub head: String,
    pub lines: std::collections::HashMap<String, u64>,
}

/// `ID=FILE` from the command line.
pub fn parse_pair(s: &str) -> Result<(String, PathBuf), String> {
    match s.split_once('=') {
        Some((id, file)) if !id.trim().is_empty() && !file.is_empty() => {
            Ok((id.trim().to_string(), PathBuf::from(file)))
        }
        _ => Err(crate::base::lang::msg!(
            zh: "“{s}”应写作 组成部分ID=文件，例如 Q1=2023Q1.json",
            en: "\"{s}\" should be COMPONENT=FILE, e.g. Q1=2023Q1.json"
        )),
    }
}

const SCORE_ALIASES: &[&str] = &["score", "得分", "总分", "分数", "综合得分", "考核得分"];
const VETO_ALIASES: &[&str] = &["veto", "一票否决"];

/// Read one component: a saved result (JSON) or a table with unit and
/// score columns (CSV in any encoding kaohe reads, or a workbook).
pub fn load_component(path: &Path, opts: &crate::reading::input::ReadOptions) -> Result<Loaded, Diagnostics> {
    let name = path.display().to_string();
    if crate::reading::result::is_result(path) {
        let r = PeriodResult::load(path)?;
        let bytes = crate::base::file::read_file(path).unwrap_or_default();
        // A combined result's own deficiencies are its components': it has
        // none of its own to carry.
        #[derive(Deserialize)]
        struct TypeProbe {
            #[serde(rename = "type")]
            kind: Option<String>,
        }
        let combined = serde_json::from_slice::<TypeProbe>(&bytes).is_ok_and(|k| k.kind.as_deref() == Some("combined"));
        let names: std::collections::HashMap<&str, &str> = r
            .framework
            .indicators
            .iter()
            .map(|i| (i.id.as_str(), i.name.as_str()))
            .collect();
        let units = r
            .units
            .iter()
            .map(|u| {
                (
                    u.unit.clone(),
                    Part {
                        score: u.score,
                        vetoed: !u.veto.is_empty(),
                        grade: Some(u.grade.clone()),
                        rank: u.rank,
                        name: u.name.clone(),
                        category: u.category.clone().unwrap_or_default(),
                        deficiencies: (!combined).then(|| {
                            u.deficiencies
                                .iter()
                                .map(|d| ItemRecord {
                                    indicator: d.indicator.clone(),
                                    name: names.get(d.indicator.as_str()).copied().unwrap_or_default().to_string(),
                                    lost: d.lost,
                                    reason: d.reason.clone(),
                                })
                                .collect()
                        }),
                    },
                )
            })
            .collect();
        return Ok(Loaded {
            input: InputFile {
                path: name,
                sha256: crate::base::file::sha256_hex(&bytes),
                worksheet: None,
                first_col: 0,
            },
            total: Some(r.framework.total),
            period: r.period.clone(),
            units,
            scores_at: None,
        });
    }
    let mut sheet = crate::reading::read::read(path, opts).map_err(|d| Diagnostics(vec![d]))?;
    sheet.skip_title_rows();
    let Some(header) = sheet.rows.first().cloned() else {
        return Err(Diagnostics(vec![Diagnostic::file(
            &name,
            crate::base::lang::m(
                "文件为空（应有表头：unit,score）",
                "the file is empty (expected a header: unit,score)",
            ),
        )]));
    };
    let find = |aliases: &[&str]| {
        header
            .cells
            .iter()
            .position(|c| aliases.contains(&crate::reading::input::header_key(c).as_str()))
    };
    let (Some(unit_col), Some(score_col)) = (find(crate::reading::input::UNIT_ALIASES), find(SCORE_ALIASES)) else {
        return Err(Diagnostics(vec![sheet.diag(
            header.line,
            None,
            crate::base::lang::msg!(
                zh: "应有 unit（单位）和 score（得分）两列；表头为：{}",
                en: "expected columns unit (单位) and score (得分); the header is: {}",
                header.cells.join(",")
            ),
        )]));
    };
    let name_col = find(crate::reading::units::NAME_ALIASES);
    let veto_col = find(VETO_ALIASES);
    let mut errs = Diagnostics::new();
    let mut units: IndexMap<String, Part> = IndexMap::new();
    let mut lines = std::collections::HashMap::new();
    let head = |c: usize| header.cells.get(c).map_or("", |s| s.trim()).to_string();
    for row in &sheet.rows[1..] {
        let cell = |c: usize| row.cells.get(c).map_or("", |s| s.trim());
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let id = cell(unit_col);
        if id.is_empty() {
            errs.push(sheet.diag(
                row.line,
                Some(unit_col),
                crate::base::lang::msg!(zh: "“{}”列：单位为空", en: "column \"{}\": the unit is empty", head(unit_col)),
            ));
            continue;
        }
        if let Some(ch) = crate::base::diag::first_invisible(id) {
            errs.push(sheet.diag(
                row.line,
                Some(unit_col),
                crate::base::diag::invisible_in_id("单位编号", "the unit id", id, ch),
            ));
            continue;
        }
        let raw = cell(score_col);
        let score = match Decimal::from_str(raw) {
            Ok(s) if s >= Decimal::ZERO && s <= Decimal::from(crate::model::rule::MAX_POINTS) => s,
            _ => {
                errs.push(sheet.diag(
                    row.line,
                    Some(score_col),
                    crate::base::lang::msg!(
                        zh: "“{}”列：“{raw}”不是有效得分（应为不小于 0 的数，如 92.5）",
                        en: "column \"{}\": \"{raw}\" is not a score (a number ≥ 0, e.g. 92.5)",
                        head(score_col)
                    ),
                ));
                continue;
            }
        };
        let vetoed = match veto_col.map(cell) {
            None | Some("") => false,
            Some(v) => match crate::model::rule::parse_yes_no(v) {
                Some(b) => b,
                None => {
                    errs.push(sheet.diag(
                        row.line,
                        veto_col,
                        crate::base::lang::msg!(
                            zh: "“{}”列：“{v}”应为 是 或 否",
                            en: "column \"{}\": \"{v}\" should be yes or no",
                            head(veto_col.expect("matched"))
                        ),
                    ));
                    false
                }
            },
        };
        if units.contains_key(id) {
            errs.push(sheet.diag(
                row.line,
                Some(unit_col),
                crate::base::lang::msg!(zh: "单位“{id}”重复", en: "duplicate unit \"{id}\""),
            ));
            continue;
        }
        lines.insert(id.to_string(), row.line);
        units.insert(
            id.to_string(),
            Part {
                score,
                vetoed,
                grade: None,
                rank: 0,
                name: name_col.map(|c| cell(c).to_string()).unwrap_or_default(),
                category: String::new(),
                deficiencies: None,
            },
        );
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    // Ranks within the component, as a ranking gives them (1, 2, 2, 4).
    let mut order: Vec<(&String, &Part)> = units.iter().collect();
    order.sort_by(|a, b| a.1.vetoed.cmp(&b.1.vetoed).then(b.1.score.cmp(&a.1.score)));
    let mut ranks: Vec<(String, usize)> = Vec::new();
    let mut prev: Option<(bool, Decimal, usize)> = None;
    for (i, (id, p)) in order.iter().enumerate() {
        let r = match prev {
            Some((v, s, r)) if v == p.vetoed && s == p.score => r,
            _ => i + 1,
        };
        prev = Some((p.vetoed, p.score, r));
        ranks.push(((*id).clone(), r));
    }
    for (id, r) in ranks {
        units.get_mut(&id).expect("listed").rank = r;
    }
    Ok(Loaded {
        input: InputFile {
            path: name,
            sha256: sheet.sha256.clone(),
            worksheet: sheet.worksheet.clone(),
            first_col: sheet.first_col,
        },
        total: None,
        period: None,
        units,
        scores_at: Some(ScoresAt {
            col: score_col,
            head: head(score_col),
            lines,
        }),
    })
}

/// A table's scores against the total the results are scored out of: a
/// score more than twice the total is an error, at its cell, and a table
/// whose every score is a fifth of the total or less is warned of. Either
/// way the table is most likely on another scale (out of 10 beside
/// results out of 100, or the reverse), which would count it at a tenth
/// or ten times its weight without a word.
fn check_scale(part: &Loaded, total: Decimal, errs: &mut Diagnostics) -> Option<Diagnostic> {
    let at = part.scores_at.as_ref()?;
    let cell = |id: &str, message: String| {
        let d = Diagnostic::at(&part.input.path, at.lines.get(id).copied().unwrap_or(0), message);
        match &part.input.worksheet {
            Some(ws) => d.in_sheet(ws, Some(part.input.first_col + at.col as u32 + 1)),
            None => d,
        }
    };
    let head = &at.head;
    let t = total.normalize();
    for (id, p) in &part.units {
        if p.score > total * Decimal::TWO {
            let score = p.score.normalize();
            errs.push(cell(
                id,
                crate::base::lang::msg!(
                    zh: "“{head}”列：单位 {id} 的得分 {score} 超过满分 {t} 的两倍：本表是否按另一满分计分？各组成部分须按同一满分（{t} 分）计分",
                    en: "column \"{head}\": unit {id} scores {score}, more than twice the total of {t}: is this table scored out of another total? every component must be scored out of {t}"
                ),
            ));
        }
    }
    let (id, top) = part.units.iter().max_by_key(|(_, p)| p.score)?;
    (part.units.len() > 1 && top.score * Decimal::from(5) <= total).then(|| {
        let top = top.score.normalize();
        cell(
            id,
            crate::base::lang::msg!(
                zh: "“{head}”列：最高得分为 {top}（单位 {id}），不到满分 {t} 的五分之一：本表是否按另一满分（如 10 分）计分？如是，请折算为 {t} 分制，否则其权重只计入一小部分",
                en: "column \"{head}\": the highest score is {top} (unit {id}), a fifth of the total of {t} or less: is this table scored out of another total (10, say)? if so, convert it to {t}, or it counts for a fraction of its weight"
            ),
        )
    })
}

/// Combine the components (in the composite's order) into the year's
/// assessment: every problem — a unit missing from a component, totals
/// that differ, categories that disagree — reported together.
pub fn combine(
    comp: &mut Composite,
    parts: &[Loaded],
    units: Option<&Units>,
    period: Option<String>,
) -> Result<Assessment, Diagnostics> {
    let mut errs = Diagnostics::new();
    let fw_name = comp.framework.path.clone();
    // The scale: the components' framework total, which must agree.
    let totals: Vec<(usize, Decimal)> = parts
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.total.map(|t| (i, t)))
        .collect();
    let total = totals.first().map_or(Decimal::from(100), |t| t.1);
    for &(i, t) in &totals {
        if t != total {
            errs.push(Diagnostic::file(
                &parts[i].input.path,
                crate::base::lang::msg!(
                    zh: "满分为 {}，与 {} 的满分 {} 不同：各组成部分须按同一满分计分",
                    en: "is scored out of {}, but {} out of {}: components must share one total",
                    t.normalize(),
                    parts[totals[0].0].input.path,
                    total.normalize()
                ),
            ));
        }
    }
    let mut warnings = Diagnostics::new();
    for part in parts {
        if let Some(w) = check_scale(part, total, &mut errs) {
            warnings.push(w);
        }
    }
    crate::base::diag::warn(&warnings);
    let fw = &mut comp.framework;
    fw.total = total;
    for (ind, c) in fw.indicators.iter_mut().zip(&comp.components) {
        ind.points = c.weight * total;
    }
    for g in &mut fw.groups {
        g.points = total;
    }

    // The units: the units file's, else every unit of any component.
    let mut ids: IndexMap<String, (String, String)> = IndexMap::new();
    if let Some(list) = units {
        for (id, info) in &list.units {
            ids.insert(id.clone(), (info.name.clone(), info.category.clone()));
        }
        for (p, c) in parts.iter().zip(&comp.components) {
            for id in p.units.keys().filter(|id| !list.units.contains_key(*id)) {
                errs.push(Diagnostic::file(
                    &p.input.path,
                    crate::base::lang::msg!(
                        zh: "单位“{id}”（{}）不在单位文件 {} 中{}",
                        en: "unit \"{id}\" ({}) is not in the units file {}{}",
                        c.id,
                        list.path,
                        crate::base::diag::hint(id, list.units.keys())
                    ),
                ));
            }
        }
    } else {
        for p in parts {
            for id in p.units.keys() {
                ids.entry(id.clone()).or_default();
            }
        }
    }
    // Names and categories from the components where the units file does
    // not give them; a category that changes between components is not
    // guessed.
    for (id, (name, category)) in ids.iter_mut() {
        let from_file = units.is_some_and(|u| u.has_categories());
        let mut seen: Option<(&str, &str)> = None;
        for (p, c) in parts.iter().zip(&comp.components) {
            let Some(part) = p.units.get(id) else { continue };
            if name.is_empty() && !part.name.is_empty() {
                *name = part.name.clone();
            }
            if from_file || part.category.is_empty() {
                continue;
            }
            match seen {
                None => seen = Some((&part.category, &c.id)),
                Some((cat, at)) if cat != part.category => {
                    errs.push(Diagnostic::file(
                        &p.input.path,
                        crate::base::lang::msg!(
                            zh: "单位“{id}”的类别在 {at} 为“{cat}”，在 {} 为“{}”：请用 -u 单位文件给出年度的类别",
                            en: "unit \"{id}\" is in category \"{cat}\" in {at} but \"{}\" in {}: give the year's categories with -u",
                            c.id,
                            part.category
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        if !from_file && let Some((cat, _)) = seen {
            *category = cat.to_string();
        }
    }

    let lowest_score = Decimal::ZERO;
    let mut results: Vec<UnitResult> = Vec::with_capacity(ids.len());
    for (id, (name, category)) in &ids {
        let mut weighted = Decimal::ZERO;
        let mut veto = Vec::new();
        let mut groups = Vec::with_capacity(parts.len());
        let mut indicators = Vec::with_capacity(parts.len());
        for (i, (p, c)) in parts.iter().zip(&comp.components).enumerate() {
            let part = p.units.get(id);
            if part.is_none() && comp.missing == MissingRule::Error {
                errs.push(Diagnostic::file(
                    &p.input.path,
                    crate::base::lang::msg!(
                        zh: "缺少单位“{id}”（组成部分 {} {}）；如该期未参加考核按0分计，请在综合考核文件中写 missing = \"zero\"",
                        en: "unit \"{id}\" is missing (component {} {}); to count an absent period as 0, set missing = \"zero\" in the composite file",
                        c.id,
                        c.name
                    ),
                ));
            }
            let score = part.map_or(lowest_score, |s| s.score);
            weighted += c.weight * score;
            if comp.veto == VetoRule::Any && part.is_some_and(|s| s.vetoed) {
                veto.push(i);
            }
            groups.push(score);
            let ind = &fw.indicators[i];
            let (outcome, status) = match part {
                Some(_) => {
                    let a = c.weight * score;
                    let st = if a >= ind.points {
                        crate::engine::score::Status::Met
                    } else if a.is_zero() {
                        crate::engine::score::Status::Failed
                    } else {
                        crate::engine::score::Status::Partial
                    };
                    (Outcome::Amount(round2(a)), st)
                }
                None => (Outcome::Missing, crate::engine::score::Status::Missing),
            };
            indicators.push(IndicatorResult {
                index: i,
                outcome,
                status,
                value: part.map(|s| fmt2(s.score)),
                note: match part {
                    Some(s) if s.vetoed => crate::base::lang::m("该期一票否决", "vetoed in this component").to_string(),
                    Some(s) => s.grade.clone().unwrap_or_default(),
                    None => String::new(),
                },
                source: p.input.path.clone(),
                origin: None,
                cohort: None,
                raters: Vec::new(),
            });
        }
        let score = round2(weighted);
        // The part of the score above the full mark comes from the
        // components' bonuses: shown as the year's bonus, so that
        // score = base + bonus as in every result.
        let base = score.min(total);
        results.push(UnitResult {
            unit: id.clone(),
            name: name.clone(),
            category: category.clone(),
            rank: 0,
            category_rank: None,
            totals: Totals {
                base_sum: weighted,
                applicable: total,
                base,
                bonus_sum: score - base,
                bonus: score - base,
                penalty_sum: Decimal::ZERO,
                penalty: Decimal::ZERO,
                score,
                veto,
                caps: Vec::new(),
                zeros: 0,
                gated: false,
                unfixed: score,
            },
            grade: 0,
            grade_change: None,
            groups,
            indicators,
            deficiencies: Vec::new(),
            self_assessed: None,
        });
    }
    if fw.grade_rules.quota_scope == crate::model::framework::QuotaScope::Category
        && fw.grades.iter().any(|g| g.quota.is_some())
        && let Some(u) = results.iter().find(|u| u.category.is_empty())
    {
        errs.push(Diagnostic::file(
            &fw_name,
            crate::base::lang::msg!(
                zh: "quota_scope = \"category\" 需要每个单位的类别，单位“{}”没有：请用 -u 给出单位文件",
                en: "quota_scope = \"category\" needs every unit's category, and unit \"{}\" has none: give a units file with -u",
                u.unit
            ),
        ));
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let by_category = results.iter().any(|u| !u.category.is_empty());
    crate::engine::score::rank(&mut results, by_category);
    crate::engine::grade::apply(fw, &mut results);
    let period = period.or_else(|| {
        // The components' common year, when those that say one agree.
        let years: Vec<&str> = parts
            .iter()
            .filter_map(|p| p.period.as_deref().and_then(|s| s.get(..4)))
            .collect();
        (!years.is_empty() && years.windows(2).all(|w| w[0] == w[1])).then(|| years[0].to_string())
    });
    Ok(Assessment {
        period,
        inputs: parts.iter().map(|p| p.input.clone()).collect(),
        units: results,
    })
}

/// Each unit's components as the JSON result lists them (id, score, grade,
/// rank), in the composite's order.
pub fn component_rows(comp: &Composite, parts: &[Loaded], unit: &str) -> Vec<ComponentRow> {
    comp.components
        .iter()
        .zip(parts)
        .map(|(c, p)| {
            let part = p.units.get(unit);
            ComponentRow {
                id: c.id.clone(),
                score: part.map(|s| s.score),
                grade: part.and_then(|s| s.grade.clone()),
                rank: part.map(|s| s.rank),
                deficiencies: part.and_then(|s| s.deficiencies.clone()),
            }
        })
        .collect()
}

/// One component of one unit, for the JSON result.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ComponentRow {
    pub id: String,
    pub score: Option<Decimal>,
    pub grade: Option<String>,
    pub rank: Option<usize>,
    /// The unit's deficiencies in the component (`null`: the component
    /// records none — a table, a combined result, or a unit it lacks).
    pub deficiencies: Option<Vec<ItemRecord>>,
}

/// The weights under a ranking: `权重：Q1 第一季度 23.75% · …`.
pub fn weights_line(comp: &Composite, lang: crate::base::lang::Lang) -> String {
    let parts: Vec<String> = comp
        .components
        .iter()
        .map(|c| format!("{} {} {}%", c.id, c.name, (c.weight * Decimal::from(100)).normalize()))
        .collect();
    let mut s = lang.labelled(lang.pick("权重", "Weights"), &parts.join(" · "));
    s.push('\n');
    s.push_str(lang.pick(
        "得分 = Σ 权重 × 各组成部分得分，只在最后四舍五入一次；右侧各列为各组成部分自身的得分、排名和等次\n",
        "Score = Σ weight × component score, rounded once at the end; the columns on the right are the components' own scores, ranks and grades\n",
    ));
    s
}
