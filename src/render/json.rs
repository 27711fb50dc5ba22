//! The canonical JSON result (docs/result.md), written by `score --format json`
//! and read back by `diff`.
//!
//! Numbers are exact decimals written as JSON numbers: computed amounts and
//! scores always with two places (`92.50`), framework constants as written
//! (`25`, `2.5`). Key order is fixed, so the same inputs give the same bytes.

use crate::base::lang::Lang;
use crate::base::num::{fmt_points, push_uint, push2};
use crate::engine::score::{Assessment, IndicatorResult, Outcome, Status, UnitResult};
use crate::model::framework::Framework;
use crate::model::raters::RaterAmount;
use crate::model::{Deficiency, Fact};
use rust_decimal::Decimal;
use serde::Serialize;

pub use crate::reading::result::SCHEMA;

#[derive(Serialize)]
pub struct ResultDoc<'a> {
    pub schema: u32,
    pub period: Option<&'a str>,
    pub framework: FrameworkDoc<'a>,
    pub inputs: Vec<InputDoc<'a>>,
    /// Always empty here: the units are written one by one after the
    /// head ([`write_result`]).
    pub units: [(); 0],
}

#[derive(Serialize)]
pub struct FrameworkDoc<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub total: Decimal,
    pub sha256: &'a str,
    pub bonus_cap: Option<Decimal>,
    pub penalty_cap: Option<Decimal>,
    /// Bonuses count only from this base on (`bonus_gate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bonus_gate: Option<Decimal>,
    /// The score is at most this (`max_score`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_score: Option<Decimal>,
    pub grades: Vec<GradeDoc<'a>>,
    pub groups: Vec<GroupDefDoc<'a>>,
    pub indicators: Vec<IndicatorDefDoc<'a>>,
}

#[derive(Serialize)]
pub struct GradeDoc<'a> {
    pub name: &'a str,
    pub min: Decimal,
    /// At most this many base items at 0 points (docs/framework.md, grade rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_zero: Option<u32>,
    /// At most this share of the scope, as written (docs/framework.md, grade rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quota: Option<&'a str>,
}

#[derive(Serialize)]
pub struct GroupDefDoc<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub parent: Option<&'a str>,
    pub points: Decimal,
}

#[derive(Serialize)]
pub struct IndicatorDefDoc<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub group: Option<&'a str>,
    pub kind: &'static str,
    pub points: Decimal,
    /// Rule type and parameters in words (English), for spotting revisions.
    pub rule: String,
}

#[derive(Serialize)]
pub struct InputDoc<'a> {
    pub path: &'a str,
    pub sha256: &'a str,
}

/// Units' objects of the result document, written straight into a buffer
/// (what `score --format json`, `explain --format json` and `combine`
/// write for each unit), in serde_json's pretty layout: two spaces a
/// level, `"key": value`. A province's result is tens of millions of
/// items, so what is the same for every unit — each group's and each
/// indicator's id, name, kind and points — is formatted once per
/// framework, and nothing is built on the way to the bytes.
pub struct UnitWriter<'a> {
    fw: &'a Framework,
    /// How many levels into the document a unit's object stands.
    depth: usize,
    /// Per group, its object up to the value of `amount`.
    groups: Vec<Vec<u8>>,
    /// Per indicator, its object up to the value of `value`.
    indicators: Vec<Vec<u8>>,
    /// Per indicator, its id as a JSON string.
    ids: Vec<Vec<u8>>,
    /// An indicator's keys after `value`, each with the comma before it.
    after_value: [Vec<u8>; 4],
}

impl<'a> UnitWriter<'a> {
    /// A unit in the result document's `units` array.
    pub const LISTED: usize = 2;

    pub fn new(fw: &'a Framework, depth: usize) -> UnitWriter<'a> {
        // An object's constant members, `id`, a second text and `points`,
        // up to the key of the first member that varies.
        let head = |id: &str, (second, text): (&str, &str), points: Decimal, next: &str| {
            let mut o = vec![b'{'];
            member(&mut o, "id", true);
            push_str(&mut o, id);
            member(&mut o, second, false);
            push_str(&mut o, text);
            member(&mut o, "points", false);
            o.extend_from_slice(fmt_points(points).as_bytes());
            member(&mut o, next, false);
            o
        };
        let groups = fw
            .groups
            .iter()
            .map(|g| head(&g.id, ("name", &g.name), g.points, "amount"))
            .collect();
        let indicators = fw
            .indicators
            .iter()
            .map(|i| head(&i.id, ("kind", i.kind.as_str()), i.points, "value"))
            .collect();
        let ids = fw
            .indicators
            .iter()
            .map(|i| {
                let mut o = Vec::new();
                push_str(&mut o, &i.id);
                o
            })
            .collect();
        let after_value = ["amount", "status", "note", "source"].map(|name| {
            let mut o = Vec::new();
            member(&mut o, name, false);
            o
        });
        UnitWriter {
            fw,
            depth,
            groups,
            indicators,
            ids,
            after_value,
        }
    }

    /// `u`'s object appended to `out`, its first line indented to its
    /// depth, without a comma or a line break after it.
    pub fn write(&self, out: &mut Vec<u8>, u: &UnitResult) {
        self.open(out, u);
        self.close(out);
    }

    /// [`UnitWriter::write`] without the object's closing brace: members
    /// may follow ([`UnitWriter::key`]).
    pub fn open(&self, out: &mut Vec<u8>, u: &UnitResult) {
        self.open_with(out, u, u.indicators.iter().map(Item::of), &u.deficiencies);
    }

    /// [`UnitWriter::open`] with the unit's items and deficiencies given
    /// apart from it (the bulk path's, read again from its rows).
    pub fn open_with<'i>(
        &self,
        out: &mut Vec<u8>,
        u: &UnitResult,
        items: impl Iterator<Item = Item<'i>>,
        deficiencies: &[Deficiency],
    ) {
        let fw = self.fw;
        let (d, m) = (self.depth, self.depth + 1);
        indent(out, d);
        out.push(b'{');
        key(out, m, "unit", true);
        push_str(out, &u.unit);
        key(out, m, "name", false);
        push_str(out, &u.name);
        key(out, m, "category", false);
        optional(out, Some(u.category.as_str()).filter(|c| !c.is_empty()), push_str);
        key(out, m, "rank", false);
        push_uint(out, u.rank as u64);
        key(out, m, "category_rank", false);
        optional(out, u.category_rank, |o, r| push_uint(o, r as u64));
        for (name, amount) in [
            ("score", u.totals.score),
            ("base", u.totals.base),
            ("bonus", u.totals.bonus),
            ("penalty", u.totals.penalty),
        ] {
            key(out, m, name, false);
            push2(out, amount);
        }
        key(out, m, "grade", false);
        push_str(out, &fw.grades[u.grade].name);
        key(out, m, "grade_by_score", false);
        optional(out, u.grade_change.map(|(g, _)| fw.grades[g].name.as_str()), push_str);
        key(out, m, "grade_reason", false);
        optional(out, u.grade_change.map(|(_, r)| r.as_str()), push_str);
        key(out, m, "veto", false);
        inline_array(out, &u.totals.veto, |out, &i| out.extend_from_slice(&self.ids[i]));
        key(out, m, "groups", false);
        array(out, m, self.groups.iter().zip(&u.groups), |out, (head, amount)| {
            out.extend_from_slice(head);
            push2(out, *amount);
            out.push(b'}');
        });
        key(out, m, "indicators", false);
        array(out, m, items, |out, r| self.indicator(out, u, r));
        key(out, m, "deficiencies", false);
        array(out, m, deficiencies, |out, x| {
            out.push(b'{');
            member(out, "indicator", true);
            out.extend_from_slice(&self.ids[x.index]);
            member(out, "lost", false);
            optional(out, x.lost, push2);
            member(out, "reason", false);
            push_str(out, x.reason.as_str());
            if let Some(deducted) = x.deducted {
                member(out, "deducted", false);
                push2(out, deducted);
            }
            out.push(b'}');
        });
        if let Some(own) = &u.self_assessed {
            key(out, m, "self_score", false);
            push2(out, own.score);
        }
        if let Some(gap) = u.self_gap() {
            key(out, m, "self_gap", false);
            push2(out, gap);
        }
    }

    /// A member of the unit's object after [`UnitWriter::open`]: its key,
    /// for its value to follow at [`UnitWriter::member_depth`].
    pub fn key(&self, out: &mut Vec<u8>, name: &str) {
        key(out, self.depth + 1, name, false);
    }

    /// How many levels into the document the unit's members stand.
    pub fn member_depth(&self) -> usize {
        self.depth + 1
    }

    /// The closing brace of an object [`UnitWriter::open`] began.
    pub fn close(&self, out: &mut Vec<u8>) {
        line(out, self.depth, false);
        out.push(b'}');
    }

    fn indicator(&self, out: &mut Vec<u8>, u: &UnitResult, r: Item) {
        out.extend_from_slice(&self.indicators[r.index]);
        let [amount, status, note, source] = &self.after_value;
        optional(out, r.value, push_str);
        out.extend_from_slice(amount);
        optional(out, r.outcome.awarded(), push2);
        out.extend_from_slice(status);
        push_str(out, r.status.as_str().as_bytes());
        out.extend_from_slice(note);
        push_str(out, r.note);
        out.extend_from_slice(source);
        push_str(out, r.source);
        if let Some(f) = r.cohort {
            member(out, "cohort", false);
            out.push(b'{');
            member(out, "scope", true);
            optional(out, f.scope.as_deref(), push_str);
            member(out, "n", false);
            push_uint(out, f.n as u64);
            member(out, "rank", false);
            push_uint(out, f.rank as u64);
            member(out, "max", false);
            out.extend_from_slice(f.max.to_string().as_bytes());
            member(out, "mean", false);
            out.extend_from_slice(f.mean.to_string().as_bytes());
            member(out, "mean_exact", false);
            boolean(out, f.mean_exact);
            out.push(b'}');
        }
        if !r.raters.is_empty() {
            member(out, "raters", false);
            inline_array(out, r.raters, |out, x| {
                out.push(b'{');
                member(out, "rater", true);
                push_str(out, &x.rater);
                member(out, "value", false);
                push_str(out, &x.value);
                member(out, "amount", false);
                push2(out, x.amount);
                member(out, "dropped", false);
                boolean(out, x.dropped);
                out.push(b'}');
            });
        }
        if let Some(own) = u.self_assessed.as_ref().and_then(|s| s.amounts[r.index]) {
            member(out, "self_amount", false);
            push2(out, own);
        }
        out.push(b'}');
    }
}

/// Text as a JSON string with serde_json's escapes: `"` and `\\`, the
/// short forms `\\b \\f \\n \\r \\t`, any other control character as
/// `\\u00XX`; everything else as it is.
pub fn push_str(out: &mut Vec<u8>, b: impl AsRef<[u8]>) {
    let b = b.as_ref();
    out.push(b'"');
    if !b
        .iter()
        .fold(false, |any, &c| any | (c < 0x20) | (c == b'"') | (c == b'\\'))
    {
        out.extend_from_slice(b);
        out.push(b'"');
        return;
    }
    let mut from = 0;
    for (i, &c) in b.iter().enumerate() {
        let short = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x0c => b'f',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0..=0x1f => 0,
            _ => continue,
        };
        out.extend_from_slice(&b[from..i]);
        from = i + 1;
        if short != 0 {
            out.extend_from_slice(&[b'\\', short]);
        } else {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 0xf) as usize]]);
        }
    }
    out.extend_from_slice(&b[from..]);
    out.push(b'"');
}

/// One item of a unit as [`UnitWriter`] writes it: its texts as bytes of
/// UTF-8, borrowed from wherever they are held.
pub struct Item<'a> {
    pub index: usize,
    pub outcome: &'a Outcome,
    pub status: Status,
    pub value: Option<&'a [u8]>,
    pub note: &'a [u8],
    pub source: &'a [u8],
    pub cohort: Option<&'a Fact>,
    pub raters: &'a [RaterAmount],
}

impl<'a> Item<'a> {
    pub fn of(r: &'a IndicatorResult) -> Item<'a> {
        Item {
            index: r.index,
            outcome: &r.outcome,
            status: r.status,
            value: r.value.as_deref().map(str::as_bytes),
            note: r.note.as_bytes(),
            source: r.source.as_bytes(),
            cohort: r.cohort.as_deref(),
            raters: &r.raters,
        }
    }
}

/// Two spaces for each of `level` levels.
fn indent(out: &mut Vec<u8>, level: usize) {
    let mut spaces = 2 * level;
    while spaces > 0 {
        let k = spaces.min(INDENT.len());
        out.extend_from_slice(&INDENT[..k]);
        spaces -= k;
    }
}

/// A line break (after a comma) and the indent of `level`.
fn line(out: &mut Vec<u8>, level: usize, comma: bool) {
    out.extend_from_slice(if comma { b",\n" } else { b"\n" });
    indent(out, level);
}

/// A member's key on its own line at `level`, after a comma unless first.
fn key(out: &mut Vec<u8>, level: usize, name: &str, first: bool) {
    line(out, level, !first);
    out.push(b'"');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// A member's key in an object written on one line, after a comma and a
/// space unless first.
fn member(out: &mut Vec<u8>, name: &str, first: bool) {
    out.extend_from_slice(if first { b"\"" } else { b", \"" });
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\": ");
}

/// An array on one line, its elements separated by a comma and a space.
fn inline_array<T>(out: &mut Vec<u8>, items: impl IntoIterator<Item = T>, mut each: impl FnMut(&mut Vec<u8>, T)) {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b", ");
        }
        each(out, item);
    }
    out.push(b']');
}

/// An array whose elements stand at `level + 1`, each written by `each`.
fn array<T>(
    out: &mut Vec<u8>,
    level: usize,
    items: impl IntoIterator<Item = T>,
    mut each: impl FnMut(&mut Vec<u8>, T),
) {
    out.push(b'[');
    let mut any = false;
    for item in items {
        line(out, level + 1, std::mem::replace(&mut any, true));
        each(out, item);
    }
    if any {
        line(out, level, false);
    }
    out.push(b']');
}

/// `null`, or the value as `some` writes it.
fn optional<T>(out: &mut Vec<u8>, value: Option<T>, some: impl FnOnce(&mut Vec<u8>, T)) {
    match value {
        Some(v) => some(out, v),
        None => out.extend_from_slice(b"null"),
    }
}

fn boolean(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

fn points(d: Decimal) -> Decimal {
    let n = d.normalize();
    if n.is_zero() { Decimal::ZERO } else { n }
}

/// The result document's head: everything but the units, which are
/// written one by one ([`write_result`], [`UnitWriter`]).
pub fn result_head<'a>(fw: &'a Framework, a: &'a Assessment) -> ResultDoc<'a> {
    ResultDoc {
        schema: SCHEMA,
        period: a.period.as_deref(),
        framework: FrameworkDoc {
            id: &fw.id,
            title: &fw.title,
            total: points(fw.total),
            sha256: &fw.sha256,
            bonus_cap: fw.bonus_cap.map(points),
            penalty_cap: fw.penalty_cap.map(points),
            bonus_gate: fw.bonus_gate.map(points),
            max_score: fw.max_score.map(points),
            grades: fw
                .grades
                .iter()
                .map(|g| GradeDoc {
                    name: &g.name,
                    min: points(g.min),
                    max_zero: g.max_zero,
                    quota: g.quota.as_ref().map(|q| q.text.as_str()),
                })
                .collect(),
            groups: fw
                .groups
                .iter()
                .map(|g| GroupDefDoc {
                    id: &g.id,
                    name: &g.name,
                    parent: g.parent.map(|p| fw.groups[p].id.as_str()),
                    points: points(g.points),
                })
                .collect(),
            indicators: fw
                .indicators
                .iter()
                .map(|i| IndicatorDefDoc {
                    id: &i.id,
                    name: &i.name,
                    group: i.group.map(|g| fw.groups[g].id.as_str()),
                    kind: i.kind.as_str(),
                    points: points(i.points),
                    rule: match &i.rule {
                        Some(r) => format!("{}: {}", r.type_name(), i.describe_rule(Lang::En)),
                        None if i.kind.is_trigger() => i.kind.as_str().to_string(),
                        None => String::new(),
                    },
                })
                .collect(),
        },
        inputs: a
            .inputs
            .iter()
            .map(|f| InputDoc {
                path: &f.path,
                sha256: &f.sha256,
            })
            .collect(),
        units: [],
    }
}

/// An assessment as its result document, read back (what `diff` compares
/// when given evidence instead of a saved result).
pub fn period_result(fw: &Framework, a: &Assessment, source: &str) -> crate::reading::result::PeriodResult {
    crate::reading::result::PeriodResult::parse(&result_text(fw, a), source)
        .expect("a result document this program wrote reads back")
}

/// The whole result document of `a`, in memory.
pub fn result_text(fw: &Framework, a: &Assessment) -> String {
    let mut out = Vec::new();
    write_scored(&mut out, fw, a).expect("writing to memory does not fail");
    String::from_utf8(out).expect("the result document is UTF-8")
}

/// Pretty-printed JSON with a final newline.
pub fn to_string<T: Serialize>(doc: &T) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("results serialise");
    s.push('\n');
    s
}

/// Write the result document of `a` to `w` unit by unit, never whole in
/// memory (a province's result is gigabytes). `units` writes the units'
/// objects, each with a [`UnitWriter`] at [`UnitWriter::LISTED`], through
/// the callback it is given, which puts the separators between them.
pub fn write_result(
    w: &mut dyn std::io::Write,
    fw: &Framework,
    a: &Assessment,
    units: impl FnOnce(&mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    write_with_units(w, &result_head(fw, a), a.units.is_empty(), units)
}

/// `head`, a document whose last member is an empty `units` array, written
/// with the units `units` gives in that array.
fn write_with_units(
    w: &mut dyn std::io::Write,
    head: &impl Serialize,
    none: bool,
    units: impl FnOnce(&mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let doc = to_string(head);
    let (Some(head), false) = (doc.strip_suffix("[]\n}\n"), none) else {
        return w.write_all(doc.as_bytes());
    };
    w.write_all(head.as_bytes())?;
    w.write_all(b"[\n")?;
    let mut first = true;
    units(&mut |text| {
        if !std::mem::take(&mut first) {
            w.write_all(b",\n")?;
        }
        w.write_all(text)
    })?;
    w.write_all(b"\n  ]\n}\n")
}

/// [`write_result`] of units scored in full.
pub fn write_scored(w: &mut dyn std::io::Write, fw: &Framework, a: &Assessment) -> std::io::Result<()> {
    write_units(w, &result_head(fw, a), fw, a, |_, _, _| {})
}

/// `head` with `a`'s units, each unit's object with the members `more`
/// adds at its end.
fn write_units(
    w: &mut dyn std::io::Write,
    head: &impl Serialize,
    fw: &Framework,
    a: &Assessment,
    mut more: impl FnMut(&mut Vec<u8>, &UnitWriter, &UnitResult),
) -> std::io::Result<()> {
    let writer = UnitWriter::new(fw, UnitWriter::LISTED);
    write_with_units(w, head, a.units.is_empty(), |put| {
        let mut buf = Vec::new();
        for u in &a.units {
            buf.clear();
            writer.open(&mut buf, u);
            more(&mut buf, &writer, u);
            writer.close(&mut buf);
            put(&buf)?;
        }
        Ok(())
    })
}

/// `doc` pretty-printed as the value of a member `depth` levels into a
/// document (after its key: no indent before it).
pub fn write_value<T: Serialize>(out: &mut Vec<u8>, doc: &T, depth: usize) {
    let mut ser = serde_json::Serializer::with_formatter(
        out,
        Pretty {
            depth,
            has_value: false,
        },
    );
    doc.serialize(&mut ser).expect("results serialise");
}

const INDENT: &[u8; 64] = b"                                                                ";

/// serde_json's pretty layout (two spaces a level), from `depth` levels in,
/// each line break and its indent written at once.
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn line<W: ?Sized + std::io::Write>(&self, w: &mut W, comma: bool) -> std::io::Result<()> {
        let mut bytes = Vec::with_capacity(2 + 2 * self.depth);
        line(&mut bytes, self.depth, comma);
        w.write_all(&bytes)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(w, false)?;
        }
        w.write_all(b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.line(w, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(w, false)?;
        }
        w.write_all(b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.line(w, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _w: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_json_numbers_both_ways() {
        let d: Decimal = "95.90".parse().unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "95.90");
        let back: Decimal = serde_json::from_str("95.90").unwrap();
        assert_eq!(back.to_string(), "95.90");
        let v: Decimal = serde_json::from_str("0.1").unwrap();
        assert_eq!(v, "0.1".parse::<Decimal>().unwrap());
    }

    /// A unit with every member that can be there (a veto, a cohort item,
    /// raters, a self-assessment, a penalty's deducted share) and texts
    /// that need escaping: its object reads back as JSON to the values
    /// given, and serde_json's own pretty printer writes the same bytes
    /// from what was read, so the layout and the escapes are serde_json's.
    #[test]
    fn a_unit_is_written_a_member_or_an_item_a_line() {
        use crate::model::framework::Kind;
        use crate::model::raters::RaterAmount;
        use crate::model::{Deficiency, Fact, GradeReason, Outcome, Reason, SelfAssessed, Status, Totals};
        let fw = Framework::embedded().unwrap();
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let of = |k: Kind| fw.indicators.iter().position(|i| i.kind == k).unwrap();
        let (base, veto, penalty) = (of(Kind::Base), of(Kind::Veto), of(Kind::Penalty));
        let item = |index, outcome, status, value: Option<&str>, note: &str| IndicatorResult {
            index,
            outcome,
            status,
            value: value.map(str::to_string),
            note: note.to_string(),
            source: "材料\\7".to_string(),
            origin: None,
            cohort: None,
            raters: Vec::new(),
        };
        let tricky = "引号\"a\" 反斜杠\\ tab\t换行\n回车\r\u{1}\u{8}\u{c}\u{1f}\u{7f}é";
        let mut cohort = item(
            base + 1,
            Outcome::Amount(d("2.5")),
            Status::Partial,
            Some("87.83333333333334"),
            "",
        );
        cohort.cohort = Some(Box::new(Fact {
            scope: Some("乡镇".to_string()),
            n: 12,
            rank: 3,
            max: d("98.5"),
            mean: d("87.83"),
            mean_exact: false,
        }));
        let mut rated = item(base + 2, Outcome::Missing, Status::Missing, None, "");
        rated.raters = vec![
            RaterAmount {
                rater: "甲".to_string(),
                value: "5".to_string(),
                amount: d("4.5"),
                dropped: true,
            },
            RaterAmount {
                rater: "乙".to_string(),
                value: "3".to_string(),
                amount: d("2.705"),
                dropped: false,
            },
        ];
        let mut amounts = vec![None; fw.indicators.len()];
        amounts[base] = Some(d("1.995"));
        let u = UnitResult {
            unit: "D1".to_string(),
            name: "宣传部\"一\"".to_string(),
            category: String::new(),
            rank: 7,
            category_rank: None,
            totals: Totals {
                base_sum: d("80"),
                applicable: d("100"),
                base: d("80"),
                bonus_sum: d("1"),
                bonus: d("1"),
                penalty_sum: d("0.5"),
                penalty: d("0.5"),
                score: d("80.505"),
                veto: vec![veto],
                caps: Vec::new(),
                zeros: 0,
                gated: false,
                unfixed: d("80.5"),
            },
            grade: 1,
            grade_change: Some((0, GradeReason::Veto)),
            groups: vec![d("10.333"); fw.groups.len()],
            indicators: vec![
                item(base, Outcome::Amount(d("4")), Status::Met, Some("2.3"), tricky),
                cohort,
                rated,
                item(veto, Outcome::Triggered, Status::Triggered, Some("是"), ""),
            ],
            deficiencies: vec![
                Deficiency {
                    index: veto,
                    lost: None,
                    reason: Reason::Veto,
                    deducted: None,
                },
                Deficiency {
                    index: penalty,
                    lost: Some(d("0.5")),
                    reason: Reason::Penalty,
                    deducted: Some(d("0.25")),
                },
            ],
            self_assessed: Some(SelfAssessed {
                score: d("80.5"),
                grade: 1,
                amounts,
            }),
        };
        for depth in [0, UnitWriter::LISTED] {
            let mut out = Vec::new();
            UnitWriter::new(&fw, depth).write(&mut out, &u);
            let text = String::from_utf8(out).unwrap();
            let indent = "  ".repeat(depth);
            let own = text.strip_prefix(indent.as_str()).unwrap();
            let v: serde_json::Value = serde_json::from_str(own).unwrap();
            // The layout (docs/result.md): a member a line, each item,
            // group and deficiency on one line; every line after the first
            // indented to the depth.
            let lines: Vec<&str> = own.lines().collect();
            assert_eq!(lines.len(), 35, "{own}");
            assert_eq!((lines[0], lines[34]), ("{", format!("{indent}}}").as_str()));
            let group = format!(
                r#"    {{"id": "A", "name": "{}", "points": 13, "amount": 10.33}},"#,
                fw.groups[0].name
            );
            for want in [
                r#"  "unit": "D1","#,
                r#"  "veto": ["V1"],"#,
                group.as_str(),
                r#"    {"id": "A2", "kind": "base", "points": 3, "value": "87.83333333333334", "amount": 2.50, "status": "partial", "note": "", "source": "材料\\7", "cohort": {"scope": "乡镇", "n": 12, "rank": 3, "max": 98.5, "mean": 87.83, "mean_exact": false}},"#,
                r#"    {"id": "A3", "kind": "base", "points": 2, "value": null, "amount": 0.00, "status": "missing", "note": "", "source": "材料\\7", "raters": [{"rater": "甲", "value": "5", "amount": 4.50, "dropped": true}, {"rater": "乙", "value": "3", "amount": 2.71, "dropped": false}]},"#,
                r#"    {"id": "V1", "kind": "veto", "points": 0, "value": "是", "amount": null, "status": "triggered", "note": "", "source": "材料\\7"}"#,
                r#"  "deficiencies": ["#,
                r#"    {"indicator": "V1", "lost": null, "reason": "veto"},"#,
                r#"    {"indicator": "K1", "lost": 0.50, "reason": "penalty", "deducted": 0.25}"#,
                r#"  ],"#,
                r#"  "self_gap": -0.01"#,
            ] {
                let want = format!("{indent}{want}");
                assert!(lines.contains(&want.as_str()), "{want}\nnot in\n{own}");
            }
            assert_eq!(v["name"], "宣传部\"一\"");
            assert_eq!(v["category"], serde_json::Value::Null);
            assert_eq!(v["score"].to_string(), "80.51");
            assert_eq!(v["penalty"].to_string(), "0.50");
            assert_eq!(v["grade"], fw.grades[1].name.as_str());
            assert_eq!(v["grade_by_score"], fw.grades[0].name.as_str());
            assert_eq!(v["grade_reason"], "veto");
            assert_eq!(v["veto"][0], fw.indicators[veto].id.as_str());
            assert_eq!(v["groups"][0]["amount"].to_string(), "10.33");
            assert_eq!(v["groups"].as_array().unwrap().len(), fw.groups.len());
            let first = &v["indicators"][0];
            assert_eq!(first["note"], tricky);
            assert_eq!(first["source"], "材料\\7");
            assert_eq!(first["amount"].to_string(), "4.00");
            assert_eq!(first["self_amount"].to_string(), "2.00");
            assert_eq!(v["indicators"][1]["cohort"]["mean"].to_string(), "87.83");
            assert_eq!(v["indicators"][1]["cohort"]["scope"], "乡镇");
            assert_eq!(v["indicators"][2]["value"], serde_json::Value::Null);
            assert_eq!(v["indicators"][2]["amount"].to_string(), "0.00");
            assert_eq!(v["indicators"][2]["raters"][1]["amount"].to_string(), "2.71");
            assert_eq!(v["indicators"][2]["raters"][0]["dropped"], true);
            assert_eq!(v["indicators"][3]["amount"], serde_json::Value::Null);
            assert!(v["indicators"][3].get("cohort").is_none());
            assert_eq!(v["deficiencies"][0]["lost"], serde_json::Value::Null);
            assert!(v["deficiencies"][0].get("deducted").is_none());
            assert_eq!(v["deficiencies"][1]["deducted"].to_string(), "0.25");
            assert_eq!(v["self_score"].to_string(), "80.50");
            assert_eq!(v["self_gap"].to_string(), "-0.01");
            // The escapes themselves, as serde_json writes them.
            assert!(own.contains(r#"反斜杠\\ tab\t换行\n回车\r\u0001\b\f\u001f"#));
            assert!(own.contains("\\u001f\u{7f}é\""));
        }
    }
}

/// A combined result (`kaohe combine`): the result document with
/// `"type": "combined"` and, per unit, its components.
#[derive(Serialize)]
pub struct CombinedDoc<'a> {
    pub schema: u32,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub period: Option<&'a str>,
    pub framework: FrameworkDoc<'a>,
    pub inputs: Vec<InputDoc<'a>>,
    /// Always empty here, as in [`ResultDoc`].
    pub units: [(); 0],
}

/// The combined result document written to `w`: each unit's object ends
/// with its `components`, which `components` gives.
pub fn write_combined(
    w: &mut dyn std::io::Write,
    fw: &Framework,
    a: &Assessment,
    mut components: impl FnMut(&UnitResult) -> Vec<crate::engine::combine::ComponentRow>,
) -> std::io::Result<()> {
    let d = result_head(fw, a);
    let head = CombinedDoc {
        schema: d.schema,
        kind: "combined",
        period: d.period,
        framework: d.framework,
        inputs: d.inputs,
        units: [],
    };
    write_units(w, &head, fw, a, |out, writer, u| {
        writer.key(out, "components");
        write_value(out, &components(u), writer.member_depth());
    })
}
