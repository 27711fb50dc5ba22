//! Reading a framework file: the TOML's shape, the messages for a file
//! that is not TOML (often typed with a Chinese input method), and the
//! checks that turn the file into a [`Framework`] with every problem
//! located by line.

mod grading;

use super::*;

/// Parse and validate framework text; `name` is used in messages.
pub(super) fn parse(text: &str, name: &str) -> Result<Framework, Diagnostics> {
    let text_nobom = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text_nobom.trim().is_empty() {
        return Err(Diagnostics(vec![Diagnostic::file(
            name,
            crate::base::lang::m(
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
    let sha256 = crate::base::file::sha256_hex(text.as_bytes());
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
        return Some(crate::base::lang::m(
            "用了中文引号（“ ” 或 ‘ ’）：文字两边应为英文双引号 \"，例如 name = \"理论学习\"（可切换到英文输入法输入）",
            "Chinese quotation marks (“ ” or ‘ ’): text goes between ASCII double quotes \", e.g. name = \"理论学习\" (switch the input method to English to type them)",
        )
        .to_string());
    }
    if has(&['＝']) {
        return Some(
            crate::base::lang::m(
                "用了全角等号“＝”：应为英文等号 =，例如 points = 4",
                "a full-width equals sign “＝”: use the ASCII =, e.g. points = 4",
            )
            .to_string(),
        );
    }
    if has(&['：']) && !code.contains('=') {
        return Some(
            crate::base::lang::m(
                "用了中文冒号“：”：键和值之间应为英文等号 =，例如 points = 4",
                "a Chinese colon “：”: key and value are joined by the ASCII =, e.g. points = 4",
            )
            .to_string(),
        );
    }
    if has(&['，', '、']) {
        return Some(
            crate::base::lang::m(
                "用了中文逗号“，”或顿号“、”：列表和 { } 中各项之间应为英文逗号 ,",
                "a Chinese comma (， or 、): items of a list or a { } table are separated by the ASCII ,",
            )
            .to_string(),
        );
    }
    if has(&['【', '】', '［', '］', '｛', '｝', '（', '）']) {
        return Some(
            crate::base::lang::m(
                "用了中文括号（【】［］｛｝（））：表头和列表用英文方括号 [ ]，内联表用英文花括号 { }",
                "Chinese brackets (【】［］｛｝（）): table headers and lists take ASCII [ ], inline tables ASCII { }",
            )
            .to_string(),
        );
    }
    if code.chars().any(|c| ('０'..='９').contains(&c) || c == '．') {
        return Some(crate::base::lang::m(
            "用了全角数字或小数点（如 ４、０．５）：数字应为半角，例如 points = 4、per = 0.5",
            "full-width digits or decimal point (４, ０．５): numbers take ASCII digits, e.g. points = 4, per = 0.5",
        )
        .to_string());
    }
    let t = code.trim();
    for table in ["indicator", "grade", "group", "component"] {
        if t == format!("[{table}]") {
            return Some(crate::base::lang::msg!(
                zh: "[{table}] 应写作 [[{table}]]（两层方括号）：每一项各写一个 [[{table}]]",
                en: "[{table}] should be [[{table}]] (double brackets): one [[{table}]] per item"
            ));
        }
    }
    if toml_msg.contains("expected a boolean") || toml_msg.contains("expected `bool`") {
        let word = line.split('=').nth(1).map(|v| v.trim().trim_matches('"')).unwrap_or("");
        let yes = crate::model::rule::parse_yes_no(word);
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
        return Some(crate::base::lang::msg!(
            zh: "此处应为 true 或 false（不加引号），不能写“{word}”；应写作 {want}",
            en: "this takes true or false (without quotes), not \"{word}\"; write {want_en}"
        ));
    }
    if code.matches('"').count() % 2 == 1 {
        return Some(
            crate::base::lang::m(
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
    if crate::base::lang::messages() != Lang::Zh || !msg.is_ascii() {
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
    match crate::base::diag::did_you_mean(field, candidates) {
        Some(c) => crate::base::lang::msg!(
            zh: "未知字段 `{field}`（是否应为 `{c}`？）{expected_zh}",
            en: "unknown field `{field}` (did you mean `{c}`?){expected}"
        ),
        None if crate::base::lang::messages() == Lang::Zh => format!("未知字段 `{field}`{expected_zh}"),
        None => msg.to_string(),
    }
}

/// The TOML reader's words for a number that does not fit, without its
/// internals: "integer `N` as i128" (a number past 128 bits) and a float's
/// full decimal expansion (`1e300` written out as 301 digits).
fn plain_number_error(msg: &str) -> Option<String> {
    if let Some(rest) = msg.strip_prefix("invalid type: integer `") {
        let (n, _) = rest.split_once("` as i128")?;
        return Some(crate::base::lang::msg!(
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
    Some(crate::base::lang::msg!(
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
                self.err(v, crate::base::lang::msg!(zh: "{what}：{e}", en: "{what}: {e}"));
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
            self.err(
                id,
                crate::base::lang::msg!(zh: "{what_zh}编号为空", en: "{what} id is empty"),
            );
            false
        } else if let Some(c) = crate::base::diag::first_invisible(s) {
            let m = crate::base::diag::invisible_in_id(&format!("{what_zh}编号"), &format!("{what} id"), s, c);
            self.err(id, m);
            false
        } else if s.contains('/') {
            self.err(
                id,
                crate::base::lang::msg!(zh: "{what_zh}编号“{s}”不能包含“/”", en: "{what} id \"{s}\" may not contain \"/\""),
            );
            false
        } else if s.trim() != s || s.chars().any(char::is_whitespace) {
            self.err(
                id,
                crate::base::lang::msg!(zh: "{what_zh}编号“{s}”不能包含空格", en: "{what} id \"{s}\" may not contain spaces"),
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
                crate::base::lang::msg!(
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
                    crate::base::lang::msg!(
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
                    crate::base::lang::msg!(
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
            self.err(&h.total, crate::base::lang::m("total 必须大于 0", "total must be > 0"));
        }
        let total = total_given.unwrap_or_default();
        let cap = |v: &Option<Spanned<toml::Value>>, what: &str, me: &mut Self| -> Option<Decimal> {
            let v = v.as_ref()?;
            let d = me.points(v, what)?;
            if d < Decimal::ZERO {
                me.err(
                    v,
                    crate::base::lang::msg!(zh: "{what} 必须 ≥ 0", en: "{what} must be ≥ 0"),
                );
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
                    crate::base::lang::msg!(
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
                    crate::base::lang::m(
                        "rectify_days 必须在 0 到 3650 之间",
                        "rectify_days must be between 0 and 3650",
                    ),
                );
                None
            }
        };

        let grades = self.grades(&raw.grade, header_line);
        let (groups, group_index, links_known) = self.groups(&raw.group);
        // Indicators. Sums are checked only when every group link and every
        // indicator's points are known: one bad value is one problem, not
        // also a total and a group that no longer add up.
        let (indicators, sums_known) = self.indicators(&raw.indicator, &group_index, &grades);
        if !indicators.iter().any(|i| i.kind == Kind::Base) {
            self.errs.push(Diagnostic::at(
                self.name,
                header_line,
                crate::base::lang::m("考核方案没有基础指标", "the framework has no base indicators"),
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
                self.err(v, crate::base::lang::m("max_score 必须大于 0", "max_score must be > 0"));
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
                    &crate::base::lang::msg!(zh: "分组“{}”的 points", en: "group \"{}\" points", fw.groups[gi].id),
                )
                && declared != sum
            {
                let msg = crate::base::lang::msg!(
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
                crate::base::lang::msg!(
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
                    crate::base::lang::msg!(
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

    /// The grades: highest first, strictly descending, the lowest at 0.
    fn grades(&mut self, raw: &[Spanned<RawGrade>], header_line: u64) -> Vec<Grade> {
        let mut grades: Vec<Grade> = Vec::new();
        if raw.is_empty() {
            self.errs.push(Diagnostic::at(
                self.name,
                header_line,
                crate::base::lang::m(
                    "未设置等次 [[grade]]（例如 好 ≥ 90 … 差 ≥ 0）",
                    "no [[grade]] given (e.g. 好 ≥ 90 … 差 ≥ 0)",
                ),
            ));
        }
        for g in raw {
            let g = g.get_ref();
            let name = g.name.get_ref().trim().to_string();
            if name.is_empty() {
                self.err(&g.name, crate::base::lang::m("等次名称为空", "grade name is empty"));
            } else if grades.iter().any(|x| x.name == name) {
                self.err(
                    &g.name,
                    crate::base::lang::msg!(zh: "等次“{name}”重复", en: "duplicate grade \"{name}\""),
                );
            }
            let Some(min) = self.points(
                &g.min,
                &crate::base::lang::msg!(zh: "等次“{name}”的 min", en: "grade \"{name}\" min"),
            ) else {
                continue;
            };
            if min < Decimal::ZERO {
                self.err(
                    &g.min,
                    crate::base::lang::msg!(zh: "等次“{name}”的 min 必须 ≥ 0", en: "grade \"{name}\" min must be ≥ 0"),
                );
            }
            if let Some(prev) = grades.last()
                && min >= prev.min
            {
                let msg = crate::base::lang::msg!(
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
        self.lowest_grade_has_no_quota(raw);
        if let (Some(last), Some(raw_last)) = (grades.last(), raw.last())
            && !last.min.is_zero()
        {
            let msg = crate::base::lang::msg!(
                zh: "最低等次“{}”的 min 必须为 0，不能为 {}",
                en: "the lowest grade \"{}\" must have min = 0, not {}",
                last.name,
                fmt_points(last.min)
            );
            self.err(&raw_last.get_ref().min, msg);
        }
        grades
    }

    /// The groups: unique ids, known parents, no cycles; with the index of
    /// their ids, and whether every parent link is known (no cycle, no
    /// chain too deep).
    fn groups(&mut self, raw: &[Spanned<RawGroup>]) -> (Vec<Group>, HashMap<String, usize>, bool) {
        let mut group_index: HashMap<String, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        for g in raw {
            let rg = g.get_ref();
            let id = rg.id.get_ref().clone();
            if self.id_ok(&rg.id, "group") {
                if let Some(&first) = group_index.get(&id) {
                    let first_line = self.line(&raw[first].get_ref().id);
                    self.err(
                        &rg.id,
                        crate::base::lang::msg!(
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
        for (gi, g) in raw.iter().enumerate() {
            if let Some(p) = &g.get_ref().parent {
                match group_index.get(p.get_ref()) {
                    Some(&pi) => groups[gi].parent = Some(pi),
                    None => {
                        let msg = crate::base::lang::msg!(
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
                let g = raw[gi].get_ref();
                let at = g.parent.as_ref().expect("a nested group has a parent");
                self.err(
                    at,
                    crate::base::lang::msg!(
                        zh: "分组“{}”嵌套了 {d} 层；分组最多嵌套 {MAX_GROUP_DEPTH} 层",
                        en: "group \"{}\" is nested {d} levels deep; groups may nest at most {MAX_GROUP_DEPTH} levels",
                        g.id.get_ref()
                    ),
                );
            }
        }
        for (gi, is_cyclic) in cyclic.iter().enumerate() {
            if *is_cyclic {
                let g = raw[gi].get_ref();
                let at = g.parent.as_ref().expect("a cycle has parents");
                self.err(
                    at,
                    crate::base::lang::msg!(
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
        let links_known = !(too_deep || cyclic.iter().any(|c| *c));
        (groups, group_index, links_known)
    }

    /// The indicators, and whether every one's points are known.
    fn indicators(
        &mut self,
        raw: &[Spanned<RawIndicator>],
        group_index: &HashMap<String, usize>,
        grades: &[Grade],
    ) -> (Vec<Indicator>, bool) {
        let mut sums_known = true;
        let mut indicators: Vec<Indicator> = Vec::new();
        let mut seen: HashMap<String, u64> = HashMap::new();
        for spanned in raw {
            let ri = spanned.get_ref();
            let id = ri.id.get_ref().clone();
            if self.id_ok(&ri.id, "indicator") {
                if let Some(first) = seen.get(&id) {
                    self.err(
                        &ri.id,
                        crate::base::lang::msg!(
                            zh: "指标编号“{id}”重复（首次出现在第 {first} 行）",
                            en: "duplicate indicator id \"{id}\" (first at line {first})"
                        ),
                    );
                } else {
                    seen.insert(id.clone(), self.line(&ri.id));
                }
            }
            indicators.push(self.indicator(spanned, id, group_index, grades, &mut sums_known));
        }
        (indicators, sums_known)
    }

    /// One indicator, its id `id` checked; `sums_known` is cleared when its
    /// points are not known.
    fn indicator(
        &mut self,
        spanned: &Spanned<RawIndicator>,
        id: String,
        group_index: &HashMap<String, usize>,
        grades: &[Grade],
        sums_known: &mut bool,
    ) -> Indicator {
        let line = self.line(spanned);
        let ri = spanned.get_ref();
        let kind = match ri.kind.as_ref().map(|k| k.get_ref().as_str()) {
            None | Some("base") => Kind::Base,
            Some("bonus") => Kind::Bonus,
            Some("penalty") => Kind::Penalty,
            Some("veto") => Kind::Veto,
            Some("cap") => Kind::Cap,
            Some(other) => {
                let kinds = ["base", "bonus", "penalty", "veto", "cap"];
                let msg = crate::base::lang::msg!(
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
                    let msg = crate::base::lang::msg!(
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
                Kind::Cap => crate::base::lang::m("等次限制项", "a grade-cap item"),
                _ => crate::base::lang::m("一票否决项", "a veto item"),
            };
            if let Some(p) = &ri.points {
                self.err(
                    p,
                    crate::base::lang::msg!(zh: "{id}：{what}不设分值", en: "{id}: {what} has no points"),
                );
            }
            if let Some(r) = &ri.rule {
                self.err(
                    r,
                    crate::base::lang::msg!(
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
                        crate::base::lang::msg!(zh: "{id}：缺少 points（分值）", en: "{id}: points is required"),
                    );
                    None
                }
                Some(p) => self.points(p, &crate::base::lang::msg!(zh: "{id}：points", en: "{id}: points")),
            };
            match (given, &ri.points) {
                (Some(d), Some(p)) if d <= Decimal::ZERO => {
                    self.err(
                        p,
                        crate::base::lang::msg!(zh: "{id}：points 必须大于 0", en: "{id}: points must be > 0"),
                    );
                    *sums_known = false;
                }
                (Some(d), _) => points = d,
                (None, _) => *sums_known = false,
            }
            // With the points unknown, check the rule on its own rather
            // than report each of its amounts as exceeding 0 points.
            let bound = given
                .filter(|d| *d > Decimal::ZERO)
                .unwrap_or(Decimal::from(MAX_POINTS));
            match &ri.rule {
                None => self.err(
                    &ri.id,
                    crate::base::lang::msg!(
                        zh: "{id}：缺少评分规则 rule（例如 rule = {{ type = \"check\" }}）",
                        en: "{id}: rule is required (e.g. rule = {{ type = \"check\" }})"
                    ),
                ),
                Some(r) => match Rule::from_toml(r.get_ref(), bound) {
                    Ok(parsed) => {
                        self.rule_fits_kind(&id, kind, &parsed, r);
                        match Rule::by_category_from_toml(r.get_ref(), &parsed, bound) {
                            Ok(each) => by_category = each,
                            Err(msgs) => {
                                for m in msgs {
                                    self.err(r, crate::base::lang::msg!(zh: "{id}：rule：{m}", en: "{id}: rule: {m}"));
                                }
                            }
                        }
                        rule = Some(parsed)
                    }
                    Err(msgs) => {
                        for m in msgs {
                            self.err(r, crate::base::lang::msg!(zh: "{id}：rule：{m}", en: "{id}: rule: {m}"));
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
                    crate::base::lang::msg!(
                        zh: "{id}：只有基础指标可以设 min_rectify（扣分项、加分项和一票否决项总要整改或不需整改）",
                        en: "{id}: only base indicators take min_rectify (a penalty always opens an item; bonus and veto items have no loss to skip)"
                    ),
                );
                None
            }
            Some(v) => {
                let d = self.points(
                    v,
                    &crate::base::lang::msg!(zh: "{id}：min_rectify", en: "{id}: min_rectify"),
                );
                match d {
                    Some(d) if d < Decimal::ZERO => {
                        self.err(
                            v,
                            crate::base::lang::msg!(zh: "{id}：min_rectify 必须 ≥ 0", en: "{id}: min_rectify must be ≥ 0"),
                        );
                        None
                    }
                    Some(d) if points > Decimal::ZERO && d > points => {
                        let msg = crate::base::lang::msg!(
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
                crate::base::lang::msg!(
                    zh: "{id}：只有基础指标可以设为不适用",
                    en: "{id}: only base indicators can be exempt (不适用)"
                ),
            );
        }
        let (max_grade, veto_score) = self.trigger_keys(ri, &id, kind, grades);
        let range = ri.range.as_ref().and_then(|r| self.range(&id, r, rule.as_ref(), kind));
        if let Some(f) = &ri.fractions
            && !matches!(rule, Some(Rule::Target { .. } | Rule::Tiers(_)))
        {
            self.err(
                f,
                crate::base::lang::msg!(
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
                        crate::base::lang::msg!(
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
                    crate::base::lang::msg!(
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
                    crate::base::lang::msg!(
                        zh: "{id}：raters 只能用于单值评分规则的指标（不能用于一票否决、等次限制、clauses 和按排名/比例/平均值的规则）",
                        en: "{id}: raters needs an item with a one-value rule (not veto, cap, clauses or a cohort rule)"
                    ),
                );
                return None;
            }
            match crate::model::raters::Raters::from_toml(v.get_ref()) {
                Ok(r) => Some(r),
                Err(m) => {
                    self.err(v, crate::base::lang::msg!(zh: "{id}：{m}", en: "{id}: {m}"));
                    None
                }
            }
        });
        Indicator {
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
        }
    }
}
