//! [`super::read_cells`] for a worksheet written plainly — what Excel,
//! WPS and the usual libraries write — without an XML reader's events: a
//! worksheet of millions of cells is scanned for its tags alone.
//!
//! It gives up (`None`) on anything it does not follow as the XML reader
//! would — text that is not UTF-8, a comment, CDATA or declaration, an
//! entity in a value or in the attributes it reads, an attribute it cannot
//! read, an end tag that does not close the open element, an element left
//! open — and the XML reader then reads the worksheet. Where it answers,
//! the answer is the XML reader's.

use super::{CellType, Seen, cell_ref, seen};

/// The cells [`super::read_cells`] gives, or `None` where the worksheet is
/// not plain.
pub(super) fn read_cells(input: &[u8]) -> Option<Vec<(u32, u32, Seen)>> {
    let text = std::str::from_utf8(input).ok()?;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut open: Vec<&str> = Vec::new();
    let (mut row, mut col) = (0u32, 0u32);
    let mut next_row = 0u32;
    // As in `read_cells`: the cell being read, its value text.
    let mut cell: Option<(CellType, bool)> = None;
    let mut value = String::new();
    let mut has_value = false;
    let mut in_v = false;
    let mut pos = 0;
    loop {
        let lt = find(bytes, pos, b'<');
        // The text before the tag (or the end).
        let run = &text[pos..lt.unwrap_or(bytes.len())];
        if !run.is_empty() {
            if in_v && cell.is_some() {
                if run.bytes().any(|b| b == b'&') {
                    return None;
                }
                has_value = true;
                value.push_str(run);
            } else if run.bytes().any(|b| b == b'&') && !references_sound(run) {
                return None;
            }
        }
        let Some(lt) = lt else {
            return open.is_empty().then_some(out);
        };
        match *bytes.get(lt + 1)? {
            b'?' => {
                let end = memchr::memmem::find(&bytes[lt + 2..], b"?>")?;
                pos = lt + 2 + end + 2;
                continue;
            }
            b'!' => return None,
            b'/' => {
                let end = find(bytes, lt + 2, b'>')?;
                let name = text[lt + 2..end].trim_end_matches(|c: char| c.is_ascii() && is_space(c as u8));
                if open.pop()? != name {
                    return None;
                }
                match local(name) {
                    "v" => in_v = false,
                    "c" => {
                        if let Some(seen) = cell.take().and_then(|c| seen(c, has_value.then_some(value.as_ref()))) {
                            out.push((row, col, seen));
                        }
                        col = col.saturating_add(1);
                    }
                    _ => {}
                }
                pos = end + 1;
            }
            _ => {
                let end = tag_end(bytes, lt + 1)?;
                let empty = bytes[end - 1] == b'/';
                let inner = &text[lt + 1..end - usize::from(empty)];
                let name_end = inner.bytes().position(is_space).unwrap_or(inner.len());
                let (name, attrs) = inner.split_at(name_end);
                if !name.starts_with(|c: char| c.is_alphabetic() || c == '_' || c == ':') {
                    return None;
                }
                match (local(name), empty) {
                    ("row", _) => {
                        row = attr(attrs, "r")?
                            .and_then(|r| r.trim().parse::<u32>().ok())
                            .map_or(next_row, |r| r.saturating_sub(1));
                        next_row = row.saturating_add(1);
                        col = 0;
                    }
                    ("c", false) => {
                        if let Some((r, c)) = attr(attrs, "r")?.and_then(cell_ref) {
                            (row, col) = (r, c);
                        }
                        cell = Some((CellType::of(attr(attrs, "t")?), false));
                        value.clear();
                        has_value = false;
                    }
                    ("c", true) => {
                        if let Some((r, c)) = attr(attrs, "r")?.and_then(cell_ref) {
                            (row, col) = (r, c);
                        }
                        col = col.saturating_add(1);
                    }
                    ("f", _) => {
                        if let Some(c) = cell.as_mut() {
                            c.1 = true;
                        }
                    }
                    ("v", false) => {
                        in_v = true;
                        if cell.is_some() {
                            has_value = true;
                        }
                    }
                    _ => {}
                }
                if !empty {
                    open.push(name);
                }
                pos = end + 1;
            }
        }
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// A name without its prefix (`x:c` is `c`).
fn local(name: &str) -> &str {
    name.bytes().position(|b| b == b':').map_or(name, |i| &name[i + 1..])
}

/// Where `byte` is next met from `from`. Tags and values are a few bytes
/// long: a plain loop finds them sooner than a vectorised search.
fn find(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    bytes.get(from..)?.iter().position(|&b| b == byte).map(|i| from + i)
}

/// The `>` that ends the tag starting at `from`, outside quoted values.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let i = at
            + bytes
                .get(at..)?
                .iter()
                .position(|&b| matches!(b, b'>' | b'"' | b'\''))?;
        match bytes[i] {
            b'>' => return Some(i),
            quote => at = find(bytes, i + 1, quote)? + 1,
        }
    }
}

/// The value of the first attribute named `key` (by local name):
/// `Some(None)` when there is none; `None` when the attributes are not
/// plainly `key="value"` or the value holds an entity.
fn attr<'a>(attrs: &'a str, key: &str) -> Option<Option<&'a str>> {
    let b = attrs.as_bytes();
    let mut at = 0;
    loop {
        while b.get(at).copied().is_some_and(is_space) {
            at += 1;
        }
        if at == b.len() {
            return Some(None);
        }
        let eq = find(b, at, b'=')?;
        let name = &attrs[at..eq];
        if name.is_empty() || name.bytes().any(|c| is_space(c) || c == b'"' || c == b'\'') {
            return None;
        }
        let quote = *b.get(eq + 1).filter(|&&q| q == b'"' || q == b'\'')?;
        let close = find(b, eq + 2, quote)?;
        let value = &attrs[eq + 2..close];
        if local(name) == key {
            return (!value.bytes().any(|b| b == b'&')).then_some(Some(value));
        }
        at = close + 1;
        // Attributes are separated by white space.
        if at < b.len() && !is_space(b[at]) {
            return None;
        }
    }
}

/// Is every `&` in this text a reference the XML reader reads (`&name;`
/// or `&#…;`)?
fn references_sound(run: &str) -> bool {
    let mut rest = run;
    while let Some(i) = rest.find('&') {
        let after = &rest[i + 1..];
        let Some(semi) = after.find(';') else {
            return false;
        };
        let name = &after[..semi];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '#') {
            return false;
        }
        rest = &after[semi + 1..];
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both readers give the same cells, the plain one answering.
    fn same(xml: &str) -> Vec<(u32, u32, String)> {
        let show = |v: Vec<(u32, u32, Seen)>| -> Vec<(u32, u32, String)> {
            v.into_iter().map(|(r, c, s)| (r, c, format!("{s:?}"))).collect()
        };
        let plain = read_cells(xml.as_bytes()).unwrap_or_else(|| panic!("not plain: {xml}"));
        let full = super::super::read_cells(xml.as_bytes());
        assert_eq!(show(plain.clone()), show(full), "{xml}");
        show(plain)
    }

    fn sheet(data: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"><dimension ref="A1:C3"/><sheetData>{data}</sheetData><headerFooter><oddHeader>&amp;C&amp;"Arial"Page</oddHeader></headerFooter></worksheet>"#
        )
    }

    #[test]
    fn finds_what_the_xml_reader_finds() {
        let found = same(&sheet(
            r#"<row r="1" spans="1:3" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" s="2" t="s"><v>7</v></c><c r="C1"><f>A1+1</f></c></row>
<row r="3"><c t="s"><v>-1</v></c><c><f>1</f><v></v></c><c t="str"><f>"a"</f><v></v></c><c r="F3" t='s'><v> 2</v></c><c/><c t="s"><v>4</v></c></row>
<row><c r="B9"><f t="shared" si="0"/></c><x:c t="s"><x:v>5</x:v></x:c><c t="s"/></row>"#,
        ));
        assert_eq!(
            found,
            [
                (0, 0, "String(Some(0))".to_string()),
                (0, 1, "String(Some(7))".to_string()),
                (0, 2, "Uncalculated".to_string()),
                (2, 0, "String(None)".to_string()),
                (2, 1, "Uncalculated".to_string()),
                (2, 5, "String(None)".to_string()),
                (2, 7, "String(Some(4))".to_string()),
                (8, 1, "Uncalculated".to_string()),
                (8, 2, "String(Some(5))".to_string()),
            ]
        );
    }

    /// On random worksheets, whole or damaged, the plain reader either
    /// gives up or gives what the XML reader gives.
    #[test]
    fn never_differs_from_the_xml_reader() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let (mut answered, mut damaged) = (0, 0);
        for _ in 0..4000 {
            let mut data = String::new();
            for r in 0..next(4) {
                data.push_str(&match next(3) {
                    0 => format!(r#"<row r="{}">"#, r + 1 + next(3)),
                    1 => "<row>".to_string(),
                    _ => format!(r#"<row spans="1:3" r='{r}'>"#),
                });
                for c in 0..next(5) {
                    let reference = match next(3) {
                        0 => format!(r#" r="{}{}""#, ["A", "B", "AA", "a"][next(4) as usize], r + 1),
                        1 => String::new(),
                        _ => format!(r#" r="C{c}""#),
                    };
                    let t = [r#" t="s""#, r#" t="str""#, r#" t="n""#, "", r#" s="3" t="s""#][next(5) as usize];
                    let f = ["", "<f>A1</f>", r#"<f t="shared" si="0"/>"#][next(3) as usize];
                    let v = ["", "<v>3</v>", "<v></v>", "<v> </v>", "<v>-1</v>", "<v>12</v>", "<v/>"][next(7) as usize];
                    if next(6) == 0 {
                        data.push_str(&format!("<c{reference}{t}/>"));
                    } else {
                        data.push_str(&format!("<c{reference}{t}>{f}{v}</c>"));
                    }
                }
                data.push_str("</row>");
            }
            let mut xml = sheet(&data).into_bytes();
            if next(2) == 0 {
                damaged += 1;
                for _ in 0..1 + next(3) {
                    let at = next(xml.len() as u64) as usize;
                    let b = b"<>/\"'&= x;!?v"[next(13) as usize];
                    match next(3) {
                        0 => xml[at] = b,
                        1 => xml.insert(at, b),
                        _ => {
                            xml.remove(at);
                        }
                    }
                }
            }
            if let Some(plain) = read_cells(&xml) {
                answered += 1;
                let show = |v: &[(u32, u32, Seen)]| format!("{v:?}");
                assert_eq!(
                    show(&plain),
                    show(&super::super::read_cells(&xml)),
                    "{}",
                    String::from_utf8_lossy(&xml)
                );
            }
        }
        // Most whole sheets are answered, so the comparison means something.
        assert!(answered > 4000 - damaged, "{answered} of {}", 4000 - damaged);
    }

    #[test]
    fn gives_up_where_it_does_not_follow() {
        for data in [
            r#"<row><c t="s"><v>1&#48;</v></c></row>"#,
            r#"<row><!-- note --><c t="s"><v>1</v></c></row>"#,
            r#"<row><c t="s"><v><![CDATA[1]]></v></c></row>"#,
            r#"<row><c r="A&#49;" t="s"><v>1</v></c></row>"#,
            r#"<row><c t=s><v>1</v></c></row>"#,
            r#"<row><c t="s"><v>1</c></v></row>"#,
            r#"<row><c t="s"><v>1</v></c>"#,
            r#"<row><c t="s"><v>1</v></c></row><p>a & b</p>"#,
        ] {
            let xml = sheet(data);
            assert!(read_cells(xml.as_bytes()).is_none(), "{data}");
        }
        assert!(read_cells(b"<sheetData>\xff</sheetData>").is_none());
    }
}
