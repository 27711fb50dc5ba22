//! The canonical JSON result on the bulk path, streamed: every unit in
//! full, in rank order, from its rows read again.

use super::*;

impl UnitMap {
    fn get(&self, k: u128) -> Option<u32> {
        let (lo, hi) = (k as u64, (k >> 64) as u64);
        let mut i = self.home(k);
        loop {
            let e = self.entries[i];
            if e.0 == lo && e.1 == hi {
                return Some(e.2);
            }
            if e.0 == 0 && e.1 == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

impl<W: Word> Table<W> {
    /// A unit's local index in this table.
    fn find(&self, id: &[u8]) -> Option<usize> {
        match pack(id) {
            Some(k) => self.ids.get(k),
            None => self.long_ids.get(id).copied(),
        }
        .map(|u| u as usize)
    }
}

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
    let plan = Plan::new(fw).ok()?;
    if plan.slots.iter().all(|s| s.pc + VALUE as u64 <= u16::MAX as u64) {
        json::<u16>(&plan, units, paths, period, Tuning::default(), w)
    } else {
        json::<u32>(&plan, units, paths, period, Tuning::default(), w)
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
    let parsed = parse::<W>(plan, paths, tuning, None, true)?;
    let parts = merge(plan, units, &parsed.tables, tuning.workers).ok()?;
    let mut a = finish(join(parts), units, paths, period);
    let files: Vec<Vec<u8>> = paths.iter().map(std::fs::read).collect::<Result<_, _>>().ok()?;
    if files.iter().any(|f| f.len() >= u32::MAX as usize) {
        return None;
    }
    // Line starts of every file (for rows by line), and the digests.
    let (starts, digests): (Vec<Vec<u32>>, Vec<String>) = std::thread::scope(|s| {
        let digests = s.spawn(|| {
            files
                .iter()
                .map(|f| crate::framework::hex(&sha2::Sha256::digest(f)))
                .collect()
        });
        let starts = files
            .iter()
            .map(|f| {
                let mut v = vec![0u32];
                v.extend(memchr::memchr_iter(b'\n', f).map(|p| p as u32 + 1));
                v
            })
            .collect();
        (starts, digests.join().unwrap_or_default())
    });
    for (input, d) in a.inputs.iter_mut().zip(digests) {
        input.sha256 = d;
    }
    let ctx = JsonCtx {
        plan,
        tables: &parsed.tables,
        bases: &parsed.bases,
        layouts: &parsed.layouts,
        files: &files,
        starts: &starts,
    };
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
    let workers = tuning.workers.max(1);
    Some(std::thread::scope(|s| -> std::io::Result<()> {
        w.write_all(head.as_bytes())?;
        w.write_all(b"[\n")?;
        let mut running: Vec<std::thread::ScopedJoinHandle<'_, Res<String>>> = Vec::new();
        let mut first = true;
        let mut write = |h: std::thread::ScopedJoinHandle<'_, Res<String>>| -> std::io::Result<()> {
            let text = h
                .join()
                .unwrap_or(Err(GiveUp))
                .map_err(|_| std::io::Error::other("internal error: a unit could not be read again"))?;
            if !first {
                w.write_all(b",\n")?;
            }
            first = false;
            w.write_all(text.as_bytes())
        };
        // Format one round of batches while writing the previous one.
        for round in batches.chunks(workers) {
            let next: Vec<_> = round.iter().map(|b| s.spawn(|| ctx.batch(b))).collect();
            for h in std::mem::replace(&mut running, next) {
                write(h)?;
            }
        }
        for h in running {
            write(h)?;
        }
        w.write_all(b"\n  ]\n}\n")
    }))
}

/// What formatting a unit's JSON needs.
struct JsonCtx<'a, W: Word> {
    plan: &'a Plan<'a>,
    tables: &'a [Table<W>],
    bases: &'a [u64],
    layouts: &'a [Arc<Layout>],
    files: &'a [Vec<u8>],
    starts: &'a [Vec<u32>],
}

impl<W: Word> JsonCtx<'_, W> {
    /// Units as their JSON objects, indented for the `units` array and
    /// separated by commas.
    fn batch(&self, units: &[UnitResult]) -> Res<String> {
        let mut sc = Scratch {
            core: csv_reader(b','),
            delim: b',',
            out: vec![0; 4096],
            ends: vec![0; 64],
            fields: Vec::new(),
        };
        let mut out = Vec::new();
        let mut one = Vec::new();
        for (i, u) in units.iter().enumerate() {
            let full = self.unit(&mut sc, u)?;
            // Nested two deep, as in the document, the pretty printer
            // indents the unit as the `units` array does: `[[{…}]]` less
            // its first two and last two lines.
            one.clear();
            let doc = [[crate::render::json::unit_doc(self.plan.fw, &full)]];
            serde_json::to_writer_pretty(&mut one, &doc).map_err(|_| GiveUp)?;
            let inner = one
                .strip_prefix(b"[\n  [\n")
                .and_then(|x| x.strip_suffix(b"\n  ]\n]"))
                .ok_or(GiveUp)?;
            if i > 0 {
                out.extend_from_slice(b",\n");
            }
            out.extend_from_slice(inner);
        }
        String::from_utf8(out).map_err(|_| GiveUp)
    }

    /// One unit in full, from its rows read again, scored by the general code.
    fn unit(&self, sc: &mut Scratch, u: &UnitResult) -> Res<UnitResult> {
        let fw = self.plan.fw;
        let mut ue = UnitEvidence::empty(fw);
        for t in self.tables {
            let Some(lu) = t.find(u.unit.as_bytes()) else {
                continue;
            };
            let lines = t.lines.as_ref().ok_or(GiveUp)?;
            let off = (lu % PAGE_UNITS) * t.nslots;
            let cells = &t.pages[lu / PAGE_UNITS][off..off + t.nslots];
            let cell_lines = &lines[lu / PAGE_UNITS][off..off + t.nslots];
            for (slot, (&c, &g)) in cells.iter().zip(cell_lines).enumerate() {
                if c.get() == UNSEEN {
                    continue;
                }
                let g = g as u64;
                let file = self.bases.partition_point(|&b| b < g).checked_sub(1).ok_or(GiveUp)?;
                let line = g - self.bases[file];
                let start = *self.starts[file].get(line as usize - 1).ok_or(GiveUp)? as usize;
                let l = &*self.layouts[file];
                let data = &self.files[file][start..];
                // A plain line splits in place; anything else (quotes, a
                // lone CR) goes through csv_core, as when it was first read.
                let line_end = memchr::memchr(b'\n', data).unwrap_or(data.len());
                let text = data[..line_end].strip_suffix(b"\r").unwrap_or(&data[..line_end]);
                let base: &[u8] = if memchr::memchr2(b'"', b'\r', text).is_none() && !text.is_empty() {
                    sc.fields.clear();
                    let mut from = 0;
                    for p in memchr::memchr_iter(l.delim, text) {
                        sc.fields.push((from, p));
                        from = p + 1;
                    }
                    sc.fields.push((from, text.len()));
                    text
                } else {
                    let (_, found) = sc.record(l.delim, data, true)?;
                    if !found {
                        return Err(GiveUp);
                    }
                    &sc.out
                };
                let field = |col: Option<usize>| -> Res<String> {
                    let Some(c) = col else { return Ok(String::new()) };
                    let &(a, b) = sc.fields.get(c).ok_or(GiveUp)?;
                    Ok(std::str::from_utf8(trim(&base[a..b])).map_err(|_| GiveUp)?.to_string())
                };
                let raw = field(Some(l.value))?;
                let index = self.plan.slots[slot].ind;
                let value = fw.indicators[index].parse_value(&raw).map_err(|_| GiveUp)?;
                ue.cells[index][slot - self.plan.first[index]] = Some(Cell {
                    value,
                    raw,
                    note: field(l.note)?,
                    source: field(l.source)?,
                    file,
                    line,
                    col: 0,
                });
            }
        }
        let ev = Evidence {
            // No files: nothing here looks a cell's file up (JSON has no origins).
            files: Vec::new(),
            units: [(u.unit.clone(), ue)].into_iter().collect(),
        };
        let a = crate::score::assess(fw, None, &ev, None).map_err(|_| GiveUp)?;
        let mut full = a.units.into_iter().next().ok_or(GiveUp)?;
        if full.totals != u.totals || full.groups != u.groups {
            return Err(GiveUp);
        }
        full.rank = u.rank;
        full.category_rank = u.category_rank;
        full.name.clone_from(&u.name);
        full.category.clone_from(&u.category);
        Ok(full)
    }
}
