//! Deterministic synthetic evidence for benchmarks and equivalence tests.
//!
//! ```sh
//! cargo run --release --example gen -- --shape bench --units 100000 --out bench/data
//! cargo run --example gen -- --shape mixed --units 500 --seed 7 --out /tmp/mixed
//! ```
//!
//! `bench` writes a framework of 60 `target` indicators without `per`
//! (`framework.toml`) and a long evidence file (`evidence.csv`): one row per
//! unit and indicator in shuffled order, values mixed integers and decimals,
//! notes of about 20 characters with Chinese text, about one in ten quoted.
//!
//! `mixed` uses the built-in provincial framework (every rule type, bonus,
//! penalty, veto and exempt items) and writes `framework.toml`, `units.csv`
//! and `evidence.csv` with shuffled rows, ties, 不适用 on exempt items,
//! missing rows and empty values, varied spellings (`95%`, `３`, `√`, `N/A`),
//! names that differ between rows, quoted notes with line breaks, and —
//! depending on the seed — CRLF line ends and a byte-order mark.
//!
//! `cohort` is `mixed` with base items scored against the other units
//! (`rank_points`, `relative`, `vs_mean` within the category), one with a
//! target per category (`by_category`) and two for some categories only
//! (`applies_to`). `raters` is `mixed` with D1 scored by three to seven
//! raters per unit (trimmed), in a 评分人 column.
//!
//! `--xlsx` also writes the evidence wide (one row per unit, one column per
//! evidence key, as `bench/wide.py` does) as `wide.csv` and as the workbook
//! `wide.xlsx` that reads as the same text, and the long evidence as the
//! workbook `long.xlsx`.
//!
//! The same arguments always give the same bytes (splitmix64 PRNG).
//! The test suite includes this file as a module to generate its data.

use kaohe::model::framework::{Framework, Kind};
use kaohe::model::rule::Rule;
use std::fmt::Write as _;
use std::io::Write as _;

/// splitmix64: tiny, fast, and good enough to make test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() >> 32) * n) >> 32
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Bench,
    Mixed,
    /// `mixed` with items scored against the other units or by category
    /// (see `cohort_fw_text`).
    Cohort,
    /// `mixed` with D1 scored by three to seven raters each, trimmed
    /// (`raters = { drop = 1, min_raters = 5 }`), in a 评分人 column.
    Raters,
}

/// Generated inputs, as file contents.
pub struct Data {
    pub framework: String,
    pub units: Option<String>,
    pub evidence: Vec<u8>,
}

const BENCH_INDICATORS: usize = 60;

/// The benchmark framework: 60 `target` indicators without `per` in six
/// groups, 20 worth 2 points and 40 worth 1.5 (100 in all).
pub fn bench_framework() -> String {
    let mut s = String::from(
        "[framework]\nid = \"bench-60\"\ntitle = \"基准测试指标体系（60项）\"\ntotal = 100\n\n\
         [[grade]]\nname = \"好\"\nmin = 90\n[[grade]]\nname = \"较好\"\nmin = 80\n\
         [[grade]]\nname = \"一般\"\nmin = 60\n[[grade]]\nname = \"差\"\nmin = 0\n",
    );
    let targets = ["100", "95", "12", "4", "2.5", "30", "365", "8", "60", "1.5"];
    for g in 0..6 {
        let _ = write!(s, "\n[[group]]\nid = \"G{}\"\nname = \"第{}组\"\n", g + 1, g + 1);
    }
    for i in 0..BENCH_INDICATORS {
        let points = if i % 3 == 0 { "2" } else { "1.5" };
        let _ = write!(
            s,
            "\n[[indicator]]\nid = \"I{:02}\"\ngroup = \"G{}\"\nname = \"指标{}\"\npoints = {points}\n\
             rule = {{ type = \"target\", target = {} }}\n",
            i + 1,
            i / 10 + 1,
            i + 1,
            targets[i % targets.len()]
        );
    }
    s
}

const HANZI: &[&str] = &[
    "学", "习", "研", "判", "宣", "传", "阵", "地", "网", "络", "舆", "情", "整", "改", "落", "实", "会", "议", "报",
    "告", "专", "题", "党", "委", "季", "度", "台", "账", "制", "度", "检", "查",
];

/// A note of about 20 characters with Chinese text; `quoted` makes one that
/// needs CSV quoting (a comma or a quote, and with `newline` a line break).
fn note(rng: &mut Rng, quoted: bool, newline: bool) -> String {
    let mut s = String::new();
    for _ in 0..6 {
        let h: &&str = rng.pick(HANZI);
        s.push_str(h);
    }
    let _ = write!(s, "{}次", rng.below(10));
    if quoted {
        match rng.below(3) {
            0 => s.push_str(", 见附件"),
            1 => s.push_str(" \"专项\"材料"),
            _ if newline => s.push_str("\n另附说明"),
            _ => s.push_str(",已归档"),
        }
    } else {
        s.push_str(" ok");
    }
    let _ = write!(s, " 2023-{:02}", rng.below(12) + 1);
    s
}

/// Quote a CSV field when it needs it.
fn field(out: &mut Vec<u8>, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push(b'"');
        out.extend_from_slice(s.replace('"', "\"\"").as_bytes());
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// A decimal number `0..=max` with up to two places, as text.
fn number(rng: &mut Rng, max_hundredths: u64) -> String {
    let v = rng.below(max_hundredths + 1);
    match rng.below(4) {
        0 | 1 => format!("{}", v / 100),
        2 => format!("{}.{}", v / 100, (v / 10) % 10),
        _ => format!("{}.{:02}", v / 100, v % 100),
    }
}

/// A value for the benchmark's `target` rules: 0 to 1.25 × target.
fn bench_value(rng: &mut Rng, target: rust_decimal::Decimal) -> String {
    let hundredths: u64 = (target * rust_decimal::Decimal::from(125)).try_into().unwrap_or(100);
    meant(number(rng, hundredths))
}

/// A value between 0 and 1 on a rate above 1 is refused as a likely
/// fraction (0.75 for 75 %) unless written with `%`: write it so.
fn meant(s: String) -> String {
    let fraction = s.starts_with("0.") && s.bytes().skip(2).any(|b| b != b'0');
    if fraction { format!("{s}%") } else { s }
}

/// Write a count in one of the spellings evidence uses.
fn count_text(rng: &mut Rng, n: u64) -> String {
    match rng.below(12) {
        0 => format!(" {n} "),
        1 => format!("{n}.0"),
        2 => n
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap())
            .collect(),
        _ => n.to_string(),
    }
}

/// One evidence value for an indicator in the mixed shape; `q` (0–99) is the
/// unit's quality, so that scores spread out.
fn mixed_value(rng: &mut Rng, fw: &Framework, i: usize, slot: usize, q: u64) -> String {
    let ind = &fw.indicators[i];
    let good = rng.below(100) < q;
    let Some(rule) = &ind.rule else {
        // veto: rarely triggered
        return if rng.chance(3) {
            rng.pick(&["是", "1", "2", "有"]).to_string()
        } else {
            rng.pick(&["否", "0", "无", "no", "×"]).to_string()
        };
    };
    match rule {
        Rule::Check => {
            let yes = ["是", "yes", "Y", "√", "1", "有", "TRUE"];
            let no = ["否", "no", "N", "×", "0", "无"];
            let yes_now = if ind.kind == Kind::Base { good } else { rng.chance(15) };
            rng.pick(if yes_now { &yes[..] } else { &no[..] }).to_string()
        }
        Rule::Deduct { .. } => {
            let n = if good { 0 } else { rng.below(5) };
            count_text(rng, n)
        }
        Rule::Count { .. } => {
            let n = if ind.kind == Kind::Base {
                if good { 3 + rng.below(3) } else { rng.below(3) }
            } else {
                rng.below(4)
            };
            count_text(rng, n)
        }
        Rule::Target { target, .. } => {
            let t: u64 = (*target * rust_decimal::Decimal::from(100)).try_into().unwrap_or(100);
            let s = if good { number(rng, t * 5 / 4) } else { number(rng, t) };
            let s = if rule.reads_rates() { meant(s) } else { s };
            if rng.chance(10) && !s.ends_with('%') {
                format!("{s}%")
            } else {
                s
            }
        }
        // The built-in frameworks have no cohort rules; a number will do.
        Rule::RankPoints { .. } | Rule::Relative { .. } | Rule::VsMean { .. } => number(rng, 1000),
        Rule::Tiers(_) => {
            let s = number(rng, 10_000);
            let s = if rule.reads_rates() { meant(s) } else { s };
            if rng.chance(20) && !s.ends_with('%') {
                format!("{s}%")
            } else {
                s
            }
        }
        Rule::Levels(levels) => {
            let names: Vec<&String> = levels.keys().collect();
            let k = if good {
                0
            } else {
                rng.below(names.len() as u64) as usize
            };
            names[k].clone()
        }
        Rule::Direct => {
            let p: u64 = (ind.points * rust_decimal::Decimal::from(100))
                .try_into()
                .unwrap_or(100);
            number(rng, p)
        }
        Rule::Clauses(_) => {
            let _ = slot;
            let n = if good { 0 } else { rng.below(3) };
            count_text(rng, n)
        }
        Rule::Survey(options) => {
            if rng.chance(3) {
                return vec!["0"; options.len()].join("/");
            }
            (0..options.len())
                .map(|k| {
                    let n = if k == 0 && good {
                        20 + rng.below(20)
                    } else {
                        rng.below(15)
                    };
                    n.to_string()
                })
                .collect::<Vec<_>>()
                .join(if rng.chance(10) { "／" } else { "/" })
        }
    }
}

/// Generate data for `units` units from `seed`.
pub fn generate(shape: Shape, units: usize, seed: u64) -> Data {
    let mut rng = Rng::new(seed);
    match shape {
        Shape::Bench => {
            let text = bench_framework();
            let fw = Framework::parse(&text, "framework.toml").expect("bench framework is valid");
            let mut rows: Vec<(u32, u8)> = Vec::with_capacity(units * BENCH_INDICATORS);
            for u in 0..units as u32 {
                for i in 0..BENCH_INDICATORS as u8 {
                    rows.push((u, i));
                }
            }
            rng.shuffle(&mut rows);
            let mut out = Vec::with_capacity(rows.len() * 52);
            out.extend_from_slice(b"unit,indicator,value,note\n");
            for (u, i) in rows {
                let target = match &fw.indicators[i as usize].rule {
                    Some(Rule::Target { target, .. }) => *target,
                    _ => unreachable!("bench indicators are targets"),
                };
                let _ = write!(
                    out,
                    "U{:06},{},{},",
                    u + 1,
                    fw.indicators[i as usize].id,
                    bench_value(&mut rng, target)
                );
                let quoted = rng.chance(10);
                let n = note(&mut rng, quoted, false);
                field(&mut out, &n);
                out.push(b'\n');
            }
            Data {
                framework: text,
                units: None,
                evidence: out,
            }
        }
        Shape::Mixed => mixed(&mut rng, units, seed, &fw_text()),
        Shape::Cohort => mixed(&mut rng, units, seed, &cohort_fw_text()),
        Shape::Raters => mixed(&mut rng, units, seed, &raters_fw_text()),
    }
}

fn mixed(rng: &mut Rng, units: usize, seed: u64, framework: &str) -> Data {
    let fw = Framework::parse(framework, "framework.toml").expect("the generated framework");
    let crlf = seed % 3 == 1;
    let bom = seed % 4 == 2;
    let eol = if crlf { "\r\n" } else { "\n" };
    let cats = [("T", "乡镇（街道）"), ("D", "市直部门"), ("E", "国有企业")];
    let mut ids = Vec::new();
    let mut units_csv = format!("unit,name,category{eol}");
    for u in 0..units {
        let (p, c) = cats[u % cats.len()];
        let id = format!("{p}{}", u / cats.len() + 1);
        let _ = write!(units_csv, "{id},{id}单位,{c}{eol}");
        ids.push(id);
    }
    // Rows: (unit, key, value), with a unit's values repeated from the one
    // before now and then so that scores tie.
    let mut rows: Vec<(usize, String, String)> = Vec::new();
    let mut prev: Vec<(String, String)> = Vec::new();
    for (u, _) in ids.iter().enumerate() {
        let q = rng.below(100);
        let tie = u > 0 && rng.chance(12);
        let mut mine: Vec<(String, String)> = Vec::new();
        let category = cats[u % cats.len()].1;
        if tie {
            // The unit before's values, on the items this unit's category has.
            mine = prev
                .iter()
                .filter(|(key, _)| {
                    let id = key.split('/').next().unwrap_or_default();
                    fw.indicators.iter().any(|ind| ind.id == id && ind.applies(category))
                })
                .cloned()
                .collect();
        } else {
            for (i, ind) in fw.indicators.iter().enumerate() {
                if !ind.applies(category) {
                    continue; // an item for other categories: no row
                }
                let na = ind.exempt && rng.chance(20);
                let na_word = *rng.pick(&["不适用", "N/A", "不涉及", "na"]);
                if ind.raters.is_some() {
                    // One row per rater, `ID#rater` until written.
                    for r in 0..3 + rng.below(5) {
                        let v = mixed_value(rng, &fw, i, 0, q);
                        mine.push((format!("{}#评委{r}", ind.id), v));
                    }
                    continue;
                }
                for slot in 0..ind.slots() {
                    let key = ind.slot_key(slot);
                    if !na && rng.chance(3) {
                        continue; // no row at all: missing evidence
                    }
                    let v = if na {
                        na_word.to_string()
                    } else if rng.chance(1) {
                        String::new()
                    } else {
                        mixed_value(rng, &fw, i, slot, q)
                    };
                    mine.push((key, v));
                }
            }
        }
        for (k, v) in &mine {
            rows.push((u, k.clone(), v.clone()));
        }
        prev = mine;
    }
    rng.shuffle(&mut rows);
    let mut out = Vec::new();
    if bom {
        out.extend_from_slice(b"\xEF\xBB\xBF");
    }
    let rated = fw.indicators.iter().any(|i| i.raters.is_some());
    if rated {
        let _ = write!(out, "unit,name,indicator,评分人,value,note,source{eol}");
    } else {
        let _ = write!(out, "unit,name,indicator,value,note,source{eol}");
    }
    for (u, key, value) in rows {
        let (key, rater) = key.split_once('#').unwrap_or((&key, ""));
        field(&mut out, &ids[u]);
        out.push(b',');
        if rng.chance(30) {
            field(&mut out, &format!("{}单位{}", ids[u], rng.below(4)));
        }
        out.push(b',');
        field(&mut out, key);
        out.push(b',');
        if rated {
            field(&mut out, rater);
            out.push(b',');
        }
        field(&mut out, &value);
        out.push(b',');
        let quoted = rng.chance(10);
        field(&mut out, &note(rng, quoted, true));
        out.push(b',');
        if rng.chance(50) {
            field(&mut out, &format!("材料{}", rng.below(100)));
        }
        out.extend_from_slice(eol.as_bytes());
        if rng.chance(1) {
            out.extend_from_slice(eol.as_bytes()); // a blank line
        }
    }
    Data {
        framework: framework.to_string(),
        units: Some(units_csv),
        evidence: out,
    }
}

fn fw_text() -> String {
    kaohe::model::framework::EMBEDDED.to_string()
}

/// The built-in framework with D1 (a direct 0–3 amount) scored by several
/// raters: the highest and lowest dropped from five raters up.
fn raters_fw_text() -> String {
    let mut text = fw_text();
    let at = text.find("\nid = \"D1\"\n").expect("D1");
    let start = at + text[at..].find("\nrule = ").expect("its rule") + 1;
    text.insert_str(start, "raters = { drop = 1, min_raters = 5 }\n");
    text
}

/// The built-in framework with items scored against the other units or
/// by category: A1 `rank_points`, A2 `relative`, B2 `vs_mean` within the
/// category, C4 with a target per category (`by_category`), D3 and the
/// clauses of C2 for some categories only (`applies_to`), C2's clauses
/// with other deductions for 国有企业, listed in another order.
fn cohort_fw_text() -> String {
    let mut text = fw_text();
    for (id, rule, extra) in [
        (
            "A1",
            Some("{ type = \"rank_points\", points = [4, 3.5, 3], rest = 2 }"),
            "",
        ),
        ("A2", Some("{ type = \"relative\" }"), ""),
        (
            "B2",
            Some("{ type = \"vs_mean\", above = 3, equal = 2, below = 1, within = \"category\" }"),
            "",
        ),
        (
            "C4",
            Some("{ type = \"target\", target = 4, per = 0.5, by_category = { \"市直部门\" = { target = 3 } } }"),
            "",
        ),
        ("D3", None, "applies_to = [\"乡镇（街道）\"]\n"),
        ("C2", None, "applies_to = [\"乡镇（街道）\", \"国有企业\"]\n"),
    ] {
        let at = text.find(&format!("\nid = \"{id}\"\n")).expect("the item");
        let start = at + text[at..].find("\nrule = ").expect("its rule") + 1;
        if let Some(rule) = rule {
            let end = start + text[start..].find('\n').expect("one line");
            text.replace_range(start..end, &format!("rule = {rule}"));
        }
        text.insert_str(start, extra);
    }
    let at = text.find("\nid = \"C2\"\n").expect("C2");
    let end = at + text[at..].find("\n] }\n").expect("its clauses");
    text.insert_str(
        end + 2,
        ", by_category = { \"国有企业\" = { clauses = [\n  \
         { id = \"c\", per = 0.25, max = 0.5 },\n  \
         { id = \"a\", per = 0.5, max = 0.5 },\n  \
         { id = \"b\", per = 1, max = 1 },\n] } }",
    );
    text
}

/// Write the data as `framework.toml`, `evidence.csv` and (mixed) `units.csv`.
pub fn write_to(dir: &std::path::Path, data: &Data) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("framework.toml"), &data.framework)?;
    if let Some(u) = &data.units {
        std::fs::write(dir.join("units.csv"), u)?;
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.join("evidence.csv"))?);
    f.write_all(&data.evidence)?;
    f.flush()
}

/// The long evidence as a wide table, as `bench/wide.py` makes it: one row
/// per unit in order of first appearance, one column per evidence key in
/// the order keys first appear, the first non-empty name; notes and
/// sources have no place in a wide file and are dropped.
pub fn wide_table(evidence: &[u8]) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(evidence);
    let mut records = r.records();
    let header: Vec<String> = records
        .next()
        .and_then(Result::ok)
        .map(|h| {
            h.iter()
                .map(|c| c.trim().trim_start_matches('\u{feff}').to_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (ui, ni, ki, vi) = (col("unit"), col("name"), col("indicator"), col("value"));
    let (Some(ui), Some(ki), Some(vi)) = (ui, ki, vi) else {
        return Vec::new();
    };
    let mut keys: Vec<String> = Vec::new();
    let mut key_ix = std::collections::HashMap::new();
    let mut units: Vec<(String, String, std::collections::HashMap<usize, String>)> = Vec::new();
    let mut unit_ix = std::collections::HashMap::new();
    for rec in records.flatten() {
        let unit = rec.get(ui).unwrap_or("").trim();
        if unit.is_empty() {
            continue;
        }
        let key = rec.get(ki).unwrap_or("").trim().to_string();
        let k = *key_ix.entry(key.clone()).or_insert_with(|| {
            keys.push(key);
            keys.len() - 1
        });
        let u = *unit_ix.entry(unit.to_string()).or_insert_with(|| {
            units.push((unit.to_string(), String::new(), Default::default()));
            units.len() - 1
        });
        let name = ni.and_then(|i| rec.get(i)).unwrap_or("").trim();
        if units[u].1.is_empty() {
            units[u].1 = name.to_string();
        }
        units[u].2.insert(k, rec.get(vi).unwrap_or("").to_string());
    }
    let mut rows = vec![
        ["unit", "name"]
            .iter()
            .map(|s| s.to_string())
            .chain(keys.iter().cloned())
            .collect(),
    ];
    for (id, name, values) in units {
        let mut row = vec![id, name];
        row.extend((0..keys.len()).map(|k| values.get(&k).cloned().unwrap_or_default()));
        rows.push(row);
    }
    rows
}

/// Write `table` as `wide.csv` and as the workbook `wide.xlsx` that reads
/// as the same text (see [`write_book`]).
pub fn write_wide(dir: &std::path::Path, table: &[Vec<String>]) -> Result<(), Box<dyn std::error::Error>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(dir.join("wide.csv"))?;
    for row in table {
        w.write_record(row)?;
    }
    w.flush()?;
    write_book(&dir.join("wide.xlsx"), table)
}

/// The long evidence as the workbook `long.xlsx`, a row per row of the
/// CSV, read as the same text (see [`write_book`]), when its rows fit in a
/// worksheet.
pub fn write_long(dir: &std::path::Path, evidence: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(evidence);
    let mut table = Vec::new();
    for rec in r.records() {
        table.push(
            rec?.iter()
                .map(|c| c.trim_start_matches('\u{feff}').to_string())
                .collect(),
        );
    }
    // Rows past what a worksheet holds: no workbook, said so.
    if table.len() > 1_048_576 {
        eprintln!(
            "gen: long.xlsx not written: {} rows, more than a worksheet holds",
            table.len()
        );
        return Ok(());
    }
    write_book(&dir.join("long.xlsx"), &table)
}

/// Write `table` as a workbook that reads as the same text: a value Excel
/// would show as written is stored as a number (a rate as a fraction
/// formatted as a percentage), any other as text.
fn write_book(path: &std::path::Path, table: &[Vec<String>]) -> Result<(), Box<dyn std::error::Error>> {
    let mut book = rust_xlsxwriter::Workbook::new();
    // A fixed creation date: the same arguments, the same bytes.
    let epoch = rust_xlsxwriter::ExcelDateTime::from_ymd(1980, 1, 1)?;
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_creation_datetime(&epoch));
    let ws = book.add_worksheet();
    ws.set_name("佐证")?;
    let percent = rust_xlsxwriter::Format::new().set_num_format("0.00%");
    for (r, row) in table.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            // A rate as Excel keeps it: the fraction, formatted as a percentage.
            let rate = text
                .strip_suffix('%')
                .and_then(|t| t.parse::<f64>().ok())
                .map(|p| p / 100.0)
                .filter(|f| format!("{}%", kaohe::reading::workbook::number_text(f * 100.0)) == *text);
            match text.parse::<f64>() {
                _ if text.is_empty() => {}
                _ if r > 0 && rate.is_some() => {
                    ws.write_number_with_format(r, c, rate.unwrap_or_default(), &percent)?;
                }
                Ok(f) if r > 0 && kaohe::reading::workbook::number_text(f) == *text => {
                    ws.write_number(r, c, f)?;
                }
                _ => {
                    ws.write_string(r, c, text)?;
                }
            }
        }
    }
    book.save(path)?;
    Ok(())
}

#[allow(dead_code)]
fn main() {
    let mut shape = Shape::Bench;
    let mut units = 100_000usize;
    let mut seed = 2023u64;
    let mut out = std::path::PathBuf::from("bench/data");
    let mut xlsx = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| usage(&format!("{a} needs a value")));
        match a.as_str() {
            "--shape" => {
                shape = match val().as_str() {
                    "bench" => Shape::Bench,
                    "mixed" => Shape::Mixed,
                    "cohort" => Shape::Cohort,
                    "raters" => Shape::Raters,
                    other => usage(&format!("unknown shape {other}")),
                }
            }
            "--units" => units = val().parse().unwrap_or_else(|_| usage("--units takes a number")),
            "--seed" => seed = val().parse().unwrap_or_else(|_| usage("--seed takes a number")),
            "--out" => out = val().into(),
            "--xlsx" => xlsx = true,
            other => usage(&format!("unknown argument {other}")),
        }
    }
    let data = generate(shape, units, seed);
    if let Err(e) = write_to(&out, &data) {
        eprintln!("gen: {}: {e}", out.display());
        std::process::exit(1);
    }
    if xlsx
        && let Err(e) = write_wide(&out, &wide_table(&data.evidence)).and_then(|()| write_long(&out, &data.evidence))
    {
        eprintln!("gen: {}: {e}", out.display());
        std::process::exit(1);
    }
    eprintln!(
        "gen: wrote {} ({} bytes of evidence)",
        out.display(),
        data.evidence.len()
    );
}

fn usage(msg: &str) -> ! {
    eprintln!(
        "gen: {msg}\nusage: gen [--shape bench|mixed|cohort|raters] [--units N] [--seed S] [--out DIR] [--xlsx]\n  --xlsx  also write the evidence wide, as wide.csv and the same table as the workbook wide.xlsx, and the long evidence as long.xlsx"
    );
    std::process::exit(2);
}
