//! The canonical JSON result on the bulk path, streamed: every unit in
//! full, in rank order, its rows read again, written by hand in exactly
//! the bytes `render::json` gives (serde_json's pretty printer, two-space
//! indent, the same escapes).

use super::detail::{Full, Rows, as_parsed, in_order, read_whole};
use super::*;
use crate::score::Outcome;

/// `score --format json` on the bulk path: the canonical result (the same
/// bytes as `render::json` on the general path), written to `w` unit by unit
/// in rank order, never held whole. Every row is read twice: once to score
/// and rank, then — the files held in memory — again per unit for its
/// values, notes and sources, units formatted in parallel batches.
/// `None`, with nothing written, when the general path must do it.
pub fn write_json(
    fw: &Framework,
    units: Option<&Units>,
    paths: &[PathBuf],
    period: Option<String>,
    w: &mut dyn std::io::Write,
) -> Option<std::io::Result<()>> {
    if !super::eligible(paths) {
        return None;
    }
    write_json_tuned(fw, units, paths, period, Tuning::default(), w)
}

#[doc(hidden)]
pub fn write_json_tuned(
    fw: &Framework,
    units: Option<&Units>,
    paths: &[PathBuf],
    period: Option<String>,
    tuning: Tuning,
    w: &mut dyn std::io::Write,
) -> Option<std::io::Result<()>> {
    let plan = Plan::new(fw).ok()?;
    if plan.slots.iter().all(|s| s.pc + VALUE as u64 <= u16::MAX as u64) {
        json::<u16>(&plan, units, paths, period, tuning, w)
    } else {
        json::<u32>(&plan, units, paths, period, tuning, w)
    }
}

/// Units formatted per batch.
const JSON_BATCH: usize = 256;

fn json<W: Word>(
    plan: &Plan,
    units: Option<&Units>,
    paths: &[PathBuf],
    period: Option<String>,
    tuning: Tuning,
    w: &mut dyn std::io::Write,
) -> Option<std::io::Result<()>> {
    use sha2::Digest;
    // The files are read again whole, and hashed, while they are parsed
    // and scored: a core would otherwise wait on each.
    let (parsed, mut a, files, digests) = std::thread::scope(|s| {
        let again = s.spawn(|| {
            let files = read_whole(paths)?;
            let digests: Vec<String> = files
                .iter()
                .map(|f| crate::framework::hex(&sha2::Sha256::digest(&**f)))
                .collect();
            Some((files, digests))
        });
        let scored = parse::<W>(plan, paths, tuning, None, Reread::Files).and_then(|parsed| {
            let parts = merge(plan, units, &parsed.tables, tuning.workers).ok()?;
            Some((parsed, parts))
        });
        let again = again.join().ok().flatten();
        let ((parsed, parts), (files, digests)) = (scored?, again?);
        let a = finish(plan.fw, join(parts), units, paths, period).ok()?;
        Some((parsed, a, files, digests))
    })?;
    if !as_parsed(&files, &parsed.bases) {
        return None;
    }
    for (input, d) in a.inputs.iter_mut().zip(digests) {
        input.sha256 = d;
    }
    let rows = Rows::new(plan, &parsed, &files);
    let consts = Consts::new(plan.fw);
    // The document without units, then the units spliced in.
    let doc = crate::render::json::to_string(&crate::render::json::result_doc(
        plan.fw,
        &Assessment {
            period: a.period.clone(),
            inputs: a.inputs.clone(),
            units: Vec::new(),
        },
    ));
    let head = doc.strip_suffix("[]\n}\n")?;
    if a.units.is_empty() {
        return Some(w.write_all(doc.as_bytes()));
    }
    let batches: Vec<&[UnitResult]> = a.units.chunks(JSON_BATCH).collect();
    let units = |w: &mut dyn std::io::Write| {
        let mut first = true;
        w.write_all(head.as_bytes())?;
        w.write_all(b"[\n")?;
        in_order(
            &batches,
            tuning.workers,
            |b, buf| batch(&rows, &consts, b, buf),
            |text| {
                if !first {
                    w.write_all(b",\n")?;
                }
                first = false;
                w.write_all(text)
            },
        )?;
        w.write_all(b"\n  ]\n}\n")
    };
    let done = units(w);
    super::drop_aside((a, parsed, files));
    Some(done)
}

/// Units as their JSON objects, indented for the `units` array and
/// separated by commas.
fn batch<W: Word>(rows: &Rows<W>, c: &Consts, units: &[UnitResult], mut out: Vec<u8>) -> Res<Vec<u8>> {
    out.clear();
    // Two units in flight: the rows of the next load while this one is
    // written.
    let mut full = [Full::new(), Full::new()];
    if let Some(u) = units.first() {
        full[0].gather(rows, &u.unit, true)?;
    }
    for (i, u) in units.iter().enumerate() {
        if let Some(next) = units.get(i + 1) {
            full[(i + 1) % 2].gather(rows, &next.unit, true)?;
        }
        let f = &mut full[i % 2];
        f.finish(rows, &u.unit, true)?;
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        unit(&mut out, rows.plan.fw, c, u, f);
    }
    Ok(out)
}

/// What every unit's object repeats, formatted once: the opening of each
/// group's and each indicator's object up to its first computed value.
pub(super) struct Consts {
    groups: Vec<Vec<u8>>,
    indicators: Vec<Vec<u8>>,
    ids: Vec<Vec<u8>>,
    grades: Vec<Vec<u8>>,
}

impl Consts {
    pub(super) fn new(fw: &Framework) -> Consts {
        let groups = fw
            .groups
            .iter()
            .map(|g| {
                let mut v = b"        {\n          \"id\": ".to_vec();
                push_str(&mut v, g.id.as_bytes());
                v.extend_from_slice(b",\n          \"name\": ");
                push_str(&mut v, g.name.as_bytes());
                v.extend_from_slice(b",\n          \"points\": ");
                v.extend_from_slice(crate::num::fmt_points(g.points).as_bytes());
                v.extend_from_slice(b",\n          \"amount\": ");
                v
            })
            .collect();
        let indicators = fw
            .indicators
            .iter()
            .map(|ind| {
                let mut v = b"        {\n          \"id\": ".to_vec();
                push_str(&mut v, ind.id.as_bytes());
                v.extend_from_slice(b",\n          \"kind\": ");
                push_str(&mut v, ind.kind.as_str().as_bytes());
                v.extend_from_slice(b",\n          \"points\": ");
                v.extend_from_slice(crate::num::fmt_points(ind.points).as_bytes());
                v.extend_from_slice(b",\n          \"value\": ");
                v
            })
            .collect();
        Consts {
            groups,
            indicators,
            ids: fw.indicators.iter().map(|i| quoted(&i.id)).collect(),
            grades: fw.grades.iter().map(|g| quoted(&g.name)).collect(),
        }
    }
}

/// One unit's object, as `render::json::unit_doc` pretty-printed inside the
/// document's `units` array.
fn unit(out: &mut Vec<u8>, fw: &Framework, c: &Consts, u: &UnitResult, full: &Full) {
    out.extend_from_slice(b"    {\n      \"unit\": ");
    push_str(out, u.unit.as_bytes());
    out.extend_from_slice(b",\n      \"name\": ");
    push_str(out, u.name.as_bytes());
    out.extend_from_slice(b",\n      \"category\": ");
    if u.category.is_empty() {
        out.extend_from_slice(b"null");
    } else {
        push_str(out, u.category.as_bytes());
    }
    out.extend_from_slice(b",\n      \"rank\": ");
    push_uint(out, u.rank as u64);
    out.extend_from_slice(b",\n      \"category_rank\": ");
    match u.category_rank {
        Some(r) => push_uint(out, r as u64),
        None => out.extend_from_slice(b"null"),
    }
    let t = &u.totals;
    for (key, d) in [
        (&b",\n      \"score\": "[..], t.score),
        (b",\n      \"base\": ", t.base),
        (b",\n      \"bonus\": ", t.bonus),
        (b",\n      \"penalty\": ", t.penalty),
    ] {
        out.extend_from_slice(key);
        push_dec(out, d);
    }
    out.extend_from_slice(b",\n      \"grade\": ");
    out.extend_from_slice(&c.grades[u.grade]);
    out.extend_from_slice(b",\n      \"grade_by_score\": ");
    match u.grade_change {
        Some((g, _)) => out.extend_from_slice(&c.grades[g]),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\n      \"grade_reason\": ");
    match u.grade_change {
        Some((_, r)) => {
            out.push(b'"');
            out.extend_from_slice(r.as_str().as_bytes());
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\n      \"veto\": ");
    array(out, t.veto.len(), |out, k| {
        out.extend_from_slice(b"        ");
        out.extend_from_slice(&c.ids[t.veto[k]]);
    });
    out.extend_from_slice(b",\n      \"groups\": ");
    array(out, u.groups.len().min(c.groups.len()), |out, g| {
        out.extend_from_slice(&c.groups[g]);
        push_dec(out, u.groups[g]);
        out.extend_from_slice(b"\n        }");
    });
    out.extend_from_slice(b",\n      \"indicators\": ");
    array(out, fw.indicators.len(), |out, i| {
        let o = &full.outcomes[i];
        out.extend_from_slice(&c.indicators[i]);
        match full.value(i) {
            Some(v) => push_str(out, v),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\n          \"amount\": ");
        match o {
            Outcome::Amount(a) => push_dec(out, *a),
            Outcome::Missing => out.extend_from_slice(b"0.00"),
            _ => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\n          \"status\": \"");
        out.extend_from_slice(
            crate::score::status_in(&fw.indicators[i], o, &u.totals)
                .as_str()
                .as_bytes(),
        );
        out.extend_from_slice(b"\",\n          \"note\": ");
        push_str(out, full.note(i));
        out.extend_from_slice(b",\n          \"source\": ");
        push_str(out, full.source(i));
        out.extend_from_slice(b"\n        }");
    });
    out.extend_from_slice(b",\n      \"deficiencies\": ");
    let defs = crate::score::deficiencies(fw, &full.outcomes);
    array(out, defs.len(), |out, k| {
        let d = &defs[k];
        out.extend_from_slice(b"        {\n          \"indicator\": ");
        out.extend_from_slice(&c.ids[d.index]);
        out.extend_from_slice(b",\n          \"lost\": ");
        match d.lost {
            Some(l) => push_dec(out, l),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\n          \"reason\": \"");
        out.extend_from_slice(d.reason.as_str().as_bytes());
        out.push(b'"');
        if let Some(x) = d.deducted {
            out.extend_from_slice(b",\n          \"deducted\": ");
            push_dec(out, x);
        }
        out.extend_from_slice(b"\n        }");
    });
    out.extend_from_slice(b"\n    }");
}

/// An array member of a unit: `[]` when empty, else one element per line
/// (each written whole by `item`, indented), closed at the unit's indent.
fn array(out: &mut Vec<u8>, n: usize, mut item: impl FnMut(&mut Vec<u8>, usize)) {
    if n == 0 {
        out.extend_from_slice(b"[]");
        return;
    }
    out.extend_from_slice(b"[\n");
    for k in 0..n {
        if k > 0 {
            out.extend_from_slice(b",\n");
        }
        item(out, k);
    }
    out.extend_from_slice(b"\n      ]");
}

/// A JSON string with serde_json's escapes: `"` and `\`, the short forms
/// of backspace, form feed, line feed, carriage return and tab, `\u00xx`
/// for the other control characters; everything else as it is.
pub(super) fn push_str(out: &mut Vec<u8>, b: &[u8]) {
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

fn push_uint(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(uint(&mut [0; 20], n));
}

/// `n` in decimal, in `buf`.
pub(super) fn uint(buf: &mut [u8; 20], mut n: u64) -> &[u8] {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buf[at..];
        }
    }
}

/// Cents as `12.30`, as `num::fmt2` writes them.
pub(super) fn push_cents(out: &mut Vec<u8>, c: u64) {
    push_uint(out, c / 100);
    let f = (c % 100) as u8;
    out.extend_from_slice(&[b'.', b'0' + f / 10, b'0' + f % 10]);
}

/// A text as a JSON string (see [`push_str`]).
pub(super) fn quoted(s: &str) -> Vec<u8> {
    let mut v = Vec::new();
    push_str(&mut v, s.as_bytes());
    v
}

/// A computed amount with two places, as `round2` and `Decimal`'s
/// `Display` write it.
pub(super) fn push_dec(out: &mut Vec<u8>, d: Decimal) {
    let r = if d.scale() == 2 { d } else { crate::num::round2(d) };
    match u64::try_from(r.mantissa()) {
        Ok(m) if r.scale() == 2 => push_cents(out, m),
        _ => {
            use std::io::Write;
            let _ = write!(out, "{}", crate::num::round2(d));
        }
    }
}
