//! The list as a JSON document (docs/deficiencies.md).

use super::*;
use crate::render::json::push_str;

#[derive(Serialize)]
pub struct FrameworkRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
}

/// An item a unit assessed higher than the team (自评偏高). For a penalty
/// the amounts are what was taken off, negated.
#[derive(Serialize)]
pub struct SelfHigherDoc<'a> {
    pub unit: &'a str,
    pub unit_name: &'a str,
    pub indicator: &'a str,
    pub indicator_name: &'a str,
    #[serde(rename = "self")]
    pub own: Decimal,
    pub team: Decimal,
    pub gap: Decimal,
}

/// The list's JSON document (docs/deficiencies.md), as both paths write
/// it, piece by piece: what every entry of an indicator repeats is
/// formatted once per list, strings escaped as serde_json escapes them,
/// the layout serde_json's pretty printer's.
pub struct ListJson {
    /// Per indicator: an item's members from the indicator's id through
    /// the key of its amount, and from the standard to the item's end.
    parts: Vec<(Vec<u8>, Vec<u8>)>,
    ids: Vec<Vec<u8>>,
    grades: Vec<Vec<u8>>,
}

impl ListJson {
    /// `deadline` is the list's, the same for every item.
    pub fn new(fw: &Framework, deadline: Option<Date>) -> ListJson {
        let parts = fw
            .indicators
            .iter()
            .map(|ind| {
                let mut head = b",\n      \"indicator\": ".to_vec();
                push_str(&mut head, ind.id.as_bytes());
                head.extend_from_slice(b",\n      \"indicator_name\": ");
                push_str(&mut head, ind.name.as_bytes());
                head.extend_from_slice(b",\n      \"group\": ");
                match ind.group {
                    Some(g) => push_str(&mut head, fw.groups[g].id.as_bytes()),
                    None => head.extend_from_slice(b"null"),
                }
                head.extend_from_slice(b",\n      \"points\": ");
                if ind.kind.is_trigger() {
                    head.extend_from_slice(b"null");
                } else {
                    head.extend_from_slice(fmt_points(ind.points).as_bytes());
                }
                head.extend_from_slice(b",\n      \"amount\": ");
                let mut tail = b",\n      \"standard\": ".to_vec();
                push_str(&mut tail, ind.standard.as_bytes());
                tail.extend_from_slice(b",\n      \"remedy\": ");
                push_str(&mut tail, ind.remedy.as_bytes());
                tail.extend_from_slice(b",\n      \"owner\": ");
                push_str(&mut tail, ind.owner.as_bytes());
                tail.extend_from_slice(b",\n      \"assessor\": ");
                push_str(&mut tail, ind.assessor.as_bytes());
                tail.extend_from_slice(b",\n      \"deadline\": ");
                match deadline {
                    Some(d) => push_str(&mut tail, d.to_string().as_bytes()),
                    None => tail.extend_from_slice(b"null"),
                }
                tail.extend_from_slice(b",\n      \"status\": ");
                push_str(&mut tail, STATUS.as_bytes());
                tail.extend_from_slice(b"\n    }");
                (head, tail)
            })
            .collect();
        let quoted = |s: &str| {
            let mut v = Vec::new();
            push_str(&mut v, s.as_bytes());
            v
        };
        ListJson {
            parts,
            ids: fw.indicators.iter().map(|i| quoted(&i.id)).collect(),
            grades: fw.grades.iter().map(|g| quoted(&g.name)).collect(),
        }
    }

    /// The document up to its `units` array: the period and the framework.
    pub fn head(fw: &Framework, a: &Assessment) -> Vec<u8> {
        #[derive(Serialize)]
        struct Head<'a> {
            period: Option<&'a str>,
            framework: FrameworkRef<'a>,
        }
        let doc = crate::render::json::to_string(&Head {
            period: a.period.as_deref(),
            framework: FrameworkRef {
                id: &fw.id,
                title: &fw.title,
            },
        });
        let mut out = doc
            .trim_end()
            .strip_suffix('}')
            .unwrap_or(&doc)
            .trim_end()
            .as_bytes()
            .to_vec();
        out.extend_from_slice(b",\n  \"units\": ");
        out
    }

    /// A unit's entry of the `units` array, with its way to the next grade.
    pub fn unit(&self, out: &mut Vec<u8>, u: &UnitResult, next: Option<&NextGrade>) {
        out.extend_from_slice(b"    {\n      \"unit\": ");
        push_str(out, u.unit.as_bytes());
        out.extend_from_slice(b",\n      \"name\": ");
        push_str(out, u.name.as_bytes());
        out.extend_from_slice(b",\n      \"category\": ");
        push_category(out, u);
        out.extend_from_slice(b",\n      \"rank\": ");
        crate::base::num::push_uint(out, u.rank as u64);
        out.extend_from_slice(b",\n      \"score\": ");
        crate::base::num::push2(out, u.totals.score);
        out.extend_from_slice(b",\n      \"grade\": ");
        out.extend_from_slice(&self.grades[u.grade]);
        out.extend_from_slice(b",\n      \"next_grade\": ");
        match next {
            None => out.extend_from_slice(b"null"),
            Some(ng) => {
                out.extend_from_slice(b"{\n        \"grade\": ");
                out.extend_from_slice(&self.grades[ng.grade]);
                out.extend_from_slice(b",\n        \"needed\": ");
                crate::base::num::push2(out, ng.needed);
                out.extend_from_slice(b",\n        \"fixes\": ");
                self.ids_array(out, ng.fixes.iter().map(|f| f.index));
                out.extend_from_slice(b",\n        \"reachable\": ");
                out.extend_from_slice(if ng.reachable { b"true" } else { b"false" });
                out.extend_from_slice(b",\n        \"score\": ");
                crate::base::num::push2(out, ng.score);
                out.extend_from_slice(b",\n        \"held\": ");
                match ng.held {
                    Some(h) => push_str(out, h.as_str().as_bytes()),
                    None => out.extend_from_slice(b"null"),
                }
                out.extend_from_slice(b",\n        \"holding\": ");
                self.ids_array(out, ng.holding.iter().copied());
                out.extend_from_slice(b"\n      }");
            }
        }
        out.extend_from_slice(b"\n    }");
    }

    fn ids_array(&self, out: &mut Vec<u8>, indices: impl Iterator<Item = usize>) {
        let mut any = false;
        for (k, i) in indices.enumerate() {
            out.extend_from_slice(if k == 0 { b"[\n" } else { b",\n" });
            out.extend_from_slice(b"          ");
            out.extend_from_slice(&self.ids[i]);
            any = true;
        }
        out.extend_from_slice(if any { b"\n        ]" } else { b"[]" });
    }

    /// The members every item of unit `u` repeats after its number.
    pub fn unit_members(out: &mut Vec<u8>, u: &UnitResult) {
        out.extend_from_slice(b",\n      \"unit\": ");
        push_str(out, u.unit.as_bytes());
        out.extend_from_slice(b",\n      \"unit_name\": ");
        push_str(out, u.name.as_bytes());
        out.extend_from_slice(b",\n      \"category\": ");
        push_category(out, u);
    }

    /// An item of the `deficiencies` array: `unit` is
    /// [`ListJson::unit_members`] of its unit; `amounts` its amount and the
    /// points lost (none for a veto or a cap), `deducted` a penalty's share
    /// of what penalties took off; `value` and `note` as given.
    #[allow(clippy::too_many_arguments)]
    pub fn item(
        &self,
        out: &mut Vec<u8>,
        no: usize,
        unit: &[u8],
        index: usize,
        reason: Reason,
        amounts: Option<(Decimal, Decimal)>,
        deducted: Option<Decimal>,
        value: Option<&[u8]>,
        note: &[u8],
    ) {
        out.extend_from_slice(b"    {\n      \"no\": ");
        crate::base::num::push_uint(out, no as u64);
        out.extend_from_slice(unit);
        let (head, tail) = &self.parts[index];
        out.extend_from_slice(head);
        match amounts {
            None => out.extend_from_slice(b"null,\n      \"lost\": null"),
            Some((amount, lost)) => {
                crate::base::num::push2(out, amount);
                out.extend_from_slice(b",\n      \"lost\": ");
                crate::base::num::push2(out, lost);
            }
        }
        if let Some(d) = deducted {
            out.extend_from_slice(b",\n      \"deducted\": ");
            crate::base::num::push2(out, d);
        }
        out.extend_from_slice(b",\n      \"reason\": \"");
        out.extend_from_slice(reason.as_str().as_bytes());
        out.extend_from_slice(b"\",\n      \"value\": ");
        match value {
            Some(v) => push_str(out, v),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\n      \"note\": ");
        push_str(out, note);
        out.extend_from_slice(tail);
    }
}

/// A unit's category, or `null` for none.
fn push_category(out: &mut Vec<u8>, u: &UnitResult) {
    match category(u) {
        Some(c) => push_str(out, c.as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
}

/// The whole list as its JSON document, written to `w` a piece at a time:
/// a province's list is gigabytes, never held whole.
pub fn write_list_json(w: &mut dyn std::io::Write, fw: &Framework, a: &Assessment, list: &List) -> std::io::Result<()> {
    // Written out whenever this much has gathered.
    const PIECE: usize = 1 << 16;
    let mut buf = Vec::with_capacity(2 * PIECE);
    let out = &mut buf;
    let deadline = list.items().find_map(|(_, it)| it.deadline);
    let lj = ListJson::new(fw, deadline);
    out.extend_from_slice(&ListJson::head(fw, a));
    if list.units.is_empty() {
        out.extend_from_slice(b"[]");
    } else {
        for (k, e) in list.units.iter().enumerate() {
            out.extend_from_slice(if k == 0 { b"[\n" } else { b",\n" });
            lj.unit(out, &a.units[e.unit], e.next.as_ref());
            if out.len() >= PIECE {
                w.write_all(out)?;
                out.clear();
            }
        }
        out.extend_from_slice(b"\n  ]");
    }
    out.extend_from_slice(b",\n  \"deficiencies\": ");
    let (mut members, mut last, mut any) = (Vec::new(), None, false);
    for (no, it) in list.items() {
        let u = &a.units[it.unit];
        if last != Some(it.unit) {
            members.clear();
            ListJson::unit_members(&mut members, u);
            last = Some(it.unit);
        }
        out.extend_from_slice(if any { b",\n" } else { b"[\n" });
        any = true;
        let r = &u.indicators[it.index];
        lj.item(
            out,
            no,
            &members,
            it.index,
            it.reason,
            it.amount.zip(it.lost),
            it.deducted,
            r.value.as_deref().map(str::as_bytes),
            r.note.as_bytes(),
        );
        if out.len() >= PIECE {
            w.write_all(out)?;
            out.clear();
        }
    }
    out.extend_from_slice(if any { b"\n  ]" } else { b"[]" });
    if a.units.iter().any(|u| u.self_assessed.is_some()) {
        let listed: Vec<String> = list.unit_ids(a);
        let higher: Vec<SelfHigherDoc> = self_higher_items(fw, a, &listed)
            .into_iter()
            .map(|x| {
                let (u, ind) = (&a.units[x.unit], &fw.indicators[x.indicator]);
                SelfHigherDoc {
                    unit: &u.unit,
                    unit_name: &u.name,
                    indicator: &ind.id,
                    indicator_name: &ind.name,
                    own: round2(x.own),
                    team: round2(x.team),
                    gap: round2(x.own - x.team),
                }
            })
            .collect();
        out.extend_from_slice(b",\n  \"self_higher\": ");
        crate::render::json::write_value(out, &higher, 1);
    }
    out.extend_from_slice(b"\n}\n");
    w.write_all(out)
}
