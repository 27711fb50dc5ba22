//! The canonical JSON result (docs/result.md), written by `score --format json`
//! and read back by `diff`.
//!
//! Numbers are exact decimals written as JSON numbers: computed amounts and
//! scores always with two places (`92.50`), framework constants as written
//! (`25`, `2.5`). Key order is fixed, so the same inputs give the same bytes.

use crate::base::lang::Lang;
use crate::base::num::round2;
use crate::engine::score::{Assessment, UnitResult};
use crate::model::framework::Framework;
use rust_decimal::Decimal;
use serde::Serialize;

pub use crate::reading::result::SCHEMA;

#[derive(Serialize)]
pub struct ResultDoc<'a> {
    pub schema: u32,
    pub period: Option<&'a str>,
    pub framework: FrameworkDoc<'a>,
    pub inputs: Vec<InputDoc<'a>>,
    pub units: Vec<UnitDoc<'a>>,
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

#[derive(Serialize)]
pub struct UnitDoc<'a> {
    pub unit: &'a str,
    pub name: &'a str,
    pub category: Option<&'a str>,
    pub rank: usize,
    pub category_rank: Option<usize>,
    pub score: Decimal,
    pub base: Decimal,
    pub bonus: Decimal,
    pub penalty: Decimal,
    pub grade: &'a str,
    /// The grade the score alone gives, where a grade rule changed it.
    pub grade_by_score: Option<&'a str>,
    /// The last rule that lowered the grade: veto, condition, cap, quota.
    pub grade_reason: Option<&'static str>,
    pub veto: Vec<&'a str>,
    pub groups: Vec<GroupDoc<'a>>,
    pub indicators: Vec<IndicatorDoc<'a>>,
    pub deficiencies: Vec<DeficiencyDoc<'a>>,
    /// The self-assessed score (`--self`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_score: Option<Decimal>,
    /// self_score − score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_gap: Option<Decimal>,
}

#[derive(Serialize)]
pub struct GroupDoc<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub points: Decimal,
    pub amount: Decimal,
}

#[derive(Serialize)]
pub struct IndicatorDoc<'a> {
    pub id: &'a str,
    pub kind: &'static str,
    pub points: Decimal,
    pub value: Option<&'a str>,
    pub amount: Option<Decimal>,
    pub status: &'static str,
    pub note: &'a str,
    pub source: &'a str,
    /// A cohort item: the scope compared within and the unit's place in it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohort: Option<CohortDoc<'a>>,
    /// An item with several raters: each rater's value and amount, and
    /// whether it was dropped.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub raters: Vec<RaterDoc<'a>>,
    /// The self-assessed amount (`--self`), where the unit gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_amount: Option<Decimal>,
}

#[derive(Serialize)]
pub struct RaterDoc<'a> {
    pub rater: &'a str,
    pub value: &'a str,
    pub amount: Decimal,
    pub dropped: bool,
}

#[derive(Serialize)]
pub struct CohortDoc<'a> {
    /// The category compared within; null: all units.
    pub scope: Option<&'a str>,
    /// Units in the scope with a value.
    pub n: usize,
    pub rank: usize,
    pub max: Decimal,
    /// The mean to two places (the rule compares the exact mean).
    pub mean: Decimal,
    pub mean_exact: bool,
}

#[derive(Serialize)]
pub struct DeficiencyDoc<'a> {
    pub indicator: &'a str,
    pub lost: Option<Decimal>,
    pub reason: &'static str,
    /// A penalty's share of what penalties took off after the cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deducted: Option<Decimal>,
}

fn points(d: Decimal) -> Decimal {
    let n = d.normalize();
    if n.is_zero() { Decimal::ZERO } else { n }
}

/// One unit as a JSON document (also used by `explain --format json`).
pub fn unit_doc<'a>(fw: &'a Framework, u: &'a UnitResult) -> UnitDoc<'a> {
    UnitDoc {
        unit: &u.unit,
        name: &u.name,
        category: Some(u.category.as_str()).filter(|c| !c.is_empty()),
        rank: u.rank,
        category_rank: u.category_rank,
        score: round2(u.totals.score),
        base: round2(u.totals.base),
        bonus: round2(u.totals.bonus),
        penalty: round2(u.totals.penalty),
        grade: &fw.grades[u.grade].name,
        grade_by_score: u.grade_change.map(|(g, _)| fw.grades[g].name.as_str()),
        grade_reason: u.grade_change.map(|(_, r)| r.as_str()),
        veto: u.totals.veto.iter().map(|&i| fw.indicators[i].id.as_str()).collect(),
        groups: fw
            .groups
            .iter()
            .zip(&u.groups)
            .map(|(g, a)| GroupDoc {
                id: &g.id,
                name: &g.name,
                points: points(g.points),
                amount: round2(*a),
            })
            .collect(),
        indicators: u
            .indicators
            .iter()
            .map(|r| {
                let ind = &fw.indicators[r.index];
                IndicatorDoc {
                    id: &ind.id,
                    kind: ind.kind.as_str(),
                    points: points(ind.points),
                    value: r.value.as_deref(),
                    amount: r.amount().map(round2),
                    status: r.status.as_str(),
                    note: &r.note,
                    source: &r.source,
                    cohort: r.cohort.as_ref().map(|f| CohortDoc {
                        scope: f.scope.as_deref(),
                        n: f.n,
                        rank: f.rank,
                        max: f.max,
                        mean: f.mean,
                        mean_exact: f.mean_exact,
                    }),
                    raters: r
                        .raters
                        .iter()
                        .map(|x| RaterDoc {
                            rater: &x.rater,
                            value: &x.value,
                            amount: round2(x.amount),
                            dropped: x.dropped,
                        })
                        .collect(),
                    self_amount: u.self_assessed.as_ref().and_then(|m| m.amounts[r.index]).map(round2),
                }
            })
            .collect(),
        deficiencies: u
            .deficiencies
            .iter()
            .map(|d| DeficiencyDoc {
                indicator: &fw.indicators[d.index].id,
                lost: d.lost.map(round2),
                reason: d.reason.as_str(),
                deducted: d.deducted.map(round2),
            })
            .collect(),
        self_score: u.self_assessed.as_ref().map(|m| round2(m.score)),
        self_gap: u.self_gap().map(round2),
    }
}

/// The whole result document.
pub fn result_doc<'a>(fw: &'a Framework, a: &'a Assessment) -> ResultDoc<'a> {
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
        units: a.units.iter().map(|u| unit_doc(fw, u)).collect(),
    }
}

/// An assessment as its result document, read back (what `diff` compares
/// when given evidence instead of a saved result).
pub fn period_result(fw: &Framework, a: &Assessment, source: &str) -> crate::reading::result::PeriodResult {
    crate::reading::result::PeriodResult::parse(&to_string(&result_doc(fw, a)), source)
        .expect("a result document this program wrote reads back")
}

/// Pretty-printed JSON with a final newline.
pub fn to_string<T: Serialize>(doc: &T) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("results serialise");
    s.push('\n');
    s
}

/// Write the result document of `a` to `w` unit by unit, never whole in
/// memory (a province's result is gigabytes): the same bytes as
/// [`to_string`] of [`result_doc`]. `units` writes the units' objects,
/// each with [`write_listed_unit`], through the callback it is given,
/// which puts the separators between them.
pub fn write_result(
    w: &mut dyn std::io::Write,
    fw: &Framework,
    a: &Assessment,
    units: impl FnOnce(&mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let doc = to_string(&result_doc(
        fw,
        &Assessment {
            period: a.period.clone(),
            inputs: a.inputs.clone(),
            units: Vec::new(),
        },
    ));
    let (Some(head), false) = (doc.strip_suffix("[]\n}\n"), a.units.is_empty()) else {
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
    write_result(w, fw, a, |put| {
        let mut buf = Vec::new();
        for u in &a.units {
            buf.clear();
            write_listed_unit(&mut buf, fw, u);
            put(&buf)?;
        }
        Ok(())
    })
}

/// One unit's object as it stands in the result document's `units` array
/// (pretty-printed, two levels in, no comma), appended to `out`: the bulk
/// path streams the document unit by unit with it.
pub fn write_listed_unit(out: &mut Vec<u8>, fw: &Framework, u: &UnitResult) {
    write_nested(out, &unit_doc(fw, u), 2);
}

/// `doc` pretty-printed as it stands `depth` levels into a document, its
/// first line indented too: the bytes of the whole document's
/// `to_string_pretty` for that part.
pub fn write_nested<T: Serialize>(out: &mut Vec<u8>, doc: &T, depth: usize) {
    for _ in 0..depth {
        out.extend_from_slice(b"  ");
    }
    write_value(out, doc, depth);
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
        w.write_all(if comma { b",\n" } else { b"\n" })?;
        let mut spaces = 2 * self.depth;
        while spaces > 0 {
            let k = spaces.min(INDENT.len());
            w.write_all(&INDENT[..k])?;
            spaces -= k;
        }
        Ok(())
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
    use rust_decimal::Decimal;

    #[test]
    fn decimals_are_json_numbers_both_ways() {
        let d: Decimal = "95.90".parse().unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "95.90");
        let back: Decimal = serde_json::from_str("95.90").unwrap();
        assert_eq!(back.to_string(), "95.90");
        let v: Decimal = serde_json::from_str("0.1").unwrap();
        assert_eq!(v, "0.1".parse::<Decimal>().unwrap());
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
    pub units: Vec<CombinedUnitDoc<'a>>,
}

#[derive(Serialize)]
pub struct CombinedUnitDoc<'a> {
    #[serde(flatten)]
    pub unit: UnitDoc<'a>,
    pub components: Vec<crate::engine::combine::ComponentRow>,
}

/// The combined result document; `components` gives each unit's rows.
pub fn combined_doc<'a>(
    fw: &'a Framework,
    a: &'a Assessment,
    mut components: impl FnMut(&UnitResult) -> Vec<crate::engine::combine::ComponentRow>,
) -> CombinedDoc<'a> {
    let d = result_doc(fw, a);
    CombinedDoc {
        schema: d.schema,
        kind: "combined",
        period: d.period,
        framework: d.framework,
        inputs: d.inputs,
        units: d
            .units
            .into_iter()
            .zip(&a.units)
            .map(|(unit, u)| CombinedUnitDoc {
                unit,
                components: components(u),
            })
            .collect(),
    }
}
