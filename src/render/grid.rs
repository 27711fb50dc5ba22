//! A fast writer for terminal tables, byte for byte the same as
//! [`Table::to_terminal_wrapped`](super::Table::to_terminal_wrapped) when
//! output goes to a file or a pipe.
//!
//! The rectification list of a whole jurisdiction writes one small table
//! per unit, millions of rows in all, and building a comfy-table per unit is
//! what that time goes to. [`Grid`] lays out the same columns (comfy-table
//! 8.0.1, no dynamic arrangement, our ASCII style, numbers right-aligned,
//! upper bounds on the wrapped columns) straight into a byte buffer.
//!
//! Wrapping follows comfy-table's `split_line` step by step, quirks
//! included, because a reader comparing a unit's list with the jurisdiction
//! one must see the same lines:
//! - a bound narrows a column only when it is below the widest cell, and
//!   then the text gets the bound minus the padding (at least 1);
//! - a cell is cut into words at every space; a word that fits joins the
//!   line, and a line with two columns or less left is closed;
//! - a word that fits no line is cut, ASCII by bytes, other text by
//!   grapheme clusters; a cluster wider than the whole column goes out one
//!   character at a time, and one wider than the room left after a word
//!   leaves that line ending in the space it was to follow;
//! - an empty word (from a space at the start or doubled spaces) vanishes at
//!   the start of a line but keeps its space in the middle of one, so a cell
//!   of spaces alone can wrap to no lines at all.
//!
//! Every wrapped line is a slice of its cell's text, so the writer keeps
//! byte ranges, not strings: rows that need no wrapping allocate nothing.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// comfy-table closes a line once no more than this many columns are left.
const MIN_FREE_CHARS: usize = 2;

/// Padding is written from here, a run at a time.
static SPACES: [u8; 128] = [b' '; 128];

/// One cell of a grid: one line of terminal-safe text (no '\n', '\r' or
/// other control characters: what `render::terminal_safe` gives) and its
/// display width.
#[derive(Clone, Copy, Debug)]
pub struct Cell<'a> {
    pub text: &'a str,
    pub width: usize,
}

impl<'a> Cell<'a> {
    /// Measures the width (`UnicodeWidthStr::width`, with fast paths for
    /// ASCII and for plain Hanzi and full-width punctuation).
    #[inline]
    pub fn new(text: &'a str) -> Cell<'a> {
        debug_assert!(!text.contains(['\n', '\r']), "a grid cell is one line: {text:?}");
        Cell {
            text,
            width: width(text),
        }
    }
}

/// Printable ASCII only? Then every byte is one column, and comfy-table
/// cuts a long word by bytes.
#[inline]
fn is_printable_ascii(s: &str) -> bool {
    // No early exit: short cells are checked faster without branches.
    s.bytes().fold(true, |ok, b| ok & (b.wrapping_sub(0x20) < 0x5f))
}

/// The display width comfy-table measures (`UnicodeWidthStr::width`).
///
/// Chinese text is mostly Hanzi and full-width punctuation: each is two
/// columns and none changes the width of its neighbours (no emoji, no
/// joiners or selectors), so such text is summed character by character;
/// anything else goes to unicode-width, whose context rules it may need.
#[inline]
fn width(s: &str) -> usize {
    if is_printable_ascii(s) {
        return s.len();
    }
    let mut w = 0;
    for c in s.chars() {
        w += match c {
            ' '..='~' => 1,
            c if is_plain_wide(c) => 2,
            _ => return s.width(),
        };
    }
    w
}

/// [`width`] where it is at most `limit`; past that, some width above
/// `limit` (plain text is measured only until it gets there, so a long
/// word costs the part looked at).
#[inline]
fn width_beyond(s: &str, limit: usize) -> usize {
    let mut w = 0;
    for c in s.chars() {
        w += match c {
            ' '..='~' => 1,
            c if is_plain_wide(c) => 2,
            _ => return s.width(),
        };
        if w > limit {
            return w;
        }
    }
    w
}

/// CJK unified ideographs, 、。, CJK brackets and the full-width forms of
/// ASCII: two columns, whatever surrounds them.
#[inline]
fn is_plain_wide(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3001}'..='\u{3002}' | '\u{3008}'..='\u{3011}' | '\u{ff01}'..='\u{ff5e}')
}

/// The columns of a terminal table, laid out as `Table::to_terminal_wrapped`.
#[derive(Clone, Debug)]
pub struct Grid {
    headers: Vec<String>,
    header_widths: Vec<usize>,
    /// Right-aligned (numeric) columns.
    right: Vec<bool>,
    /// Upper bound of each column's width, padding included.
    bound: Vec<Option<u16>>,
}

/// Where one column's lines of the current row are in the scratch list.
#[derive(Clone, Copy, Default)]
struct Span {
    first: usize,
    count: usize,
    /// The cell fits: its one line is the whole text, width known.
    whole: bool,
}

impl Grid {
    /// `headers` already terminal-safe; `numeric[i]`: right-aligned;
    /// `wraps`: (column index, bound) as passed to `to_terminal_wrapped`.
    pub fn new(headers: &[&str], numeric: &[bool], wraps: &[(usize, u16)]) -> Grid {
        let n = headers.len();
        let mut bound = vec![None; n];
        // Later bounds on the same column replace earlier ones, and bounds
        // on columns the table does not have are ignored, as comfy-table does.
        for &(i, w) in wraps {
            if let Some(b) = bound.get_mut(i) {
                *b = Some(w);
            }
        }
        Grid {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            header_widths: headers.iter().map(|h| width(h)).collect(),
            right: (0..n).map(|i| numeric.get(i).copied().unwrap_or(false)).collect(),
            bound,
        }
    }

    /// The number of columns.
    pub fn columns(&self) -> usize {
        self.headers.len()
    }

    /// Append to `out` exactly the bytes `Table::to_terminal_wrapped(wraps)`
    /// gives (FIT_TERMINAL off) for a table with these headers and these
    /// rows: `cells` row-major, `headers.len()` cells per row (zero rows
    /// allowed).
    pub fn write(&self, cells: &[Cell], out: &mut Vec<u8>) {
        let n = self.headers.len();
        if n == 0 {
            // No columns: the three rules, each only its two corners.
            assert!(cells.is_empty(), "cells for a grid without columns");
            out.extend_from_slice(b"++\n++\n++\n");
            return;
        }
        assert_eq!(cells.len() % n, 0, "{} cells do not make rows of {n}", cells.len());

        // Content widths: the widest cell, header included, at least 1 and
        // at most what comfy-table's u16 holds.
        let mut content: Vec<usize> = self.header_widths.iter().map(|&w| w.max(1)).collect();
        for row in cells.chunks_exact(n) {
            for (c, cell) in content.iter_mut().zip(row) {
                *c = (*c).max(cell.width);
            }
        }
        let mut text_bytes = 0;
        for cell in cells {
            text_bytes += cell.text.len();
        }
        // Column widths with padding, as the rules draw them.
        let mut outer: Vec<usize> = Vec::with_capacity(n);
        for (c, bound) in content.iter_mut().zip(&self.bound) {
            let mut w = (*c).min(u16::MAX as usize) as u16;
            if let Some(b) = *bound
                && b < w
            {
                w = b.saturating_sub(2).max(1);
            }
            *c = w as usize;
            outer.push(w.saturating_add(2) as usize);
        }

        let line_len: usize = 2 + outer.iter().map(|w| w + 1).sum::<usize>();
        out.reserve(line_len * (cells.len() / n + 4) + text_bytes);

        let top = out.len();
        rule(out, &outer, b'-');
        let top = top..out.len();

        let header: Vec<Cell> = self
            .headers
            .iter()
            .zip(&self.header_widths)
            .map(|(text, &width)| Cell { text, width })
            .collect();
        let mut spans = vec![Span::default(); n];
        let mut lines: Vec<(usize, usize)> = Vec::new();
        self.row(&header, &content, &outer, &mut spans, &mut lines, out);
        rule(out, &outer, b'=');
        for row in cells.chunks_exact(n) {
            self.row(row, &content, &outer, &mut spans, &mut lines, out);
        }
        out.extend_from_within(top);
    }

    /// The lines of one row.
    fn row(
        &self,
        row: &[Cell],
        content: &[usize],
        outer: &[usize],
        spans: &mut [Span],
        lines: &mut Vec<(usize, usize)>,
        out: &mut Vec<u8>,
    ) {
        // One line when every cell fits: its length in bytes on the way.
        let mut bytes = 0;
        let mut fits = true;
        for (cell, &w) in row.iter().zip(content) {
            fits &= cell.width <= w;
            bytes += cell.text.len() + w.saturating_sub(cell.width) + 3;
        }
        if fits {
            // Laid over a run of spaces, which is its padding.
            let start = out.len();
            out.resize(start + bytes + 2, b' ');
            let line = &mut out[start..];
            line[0] = b'|';
            let mut at = 1;
            for ((cell, &w), &right) in row.iter().zip(content).zip(&self.right) {
                let fill = w - cell.width;
                let text = cell.text.as_bytes();
                if !text.is_empty() {
                    let from = at + 1 + if right { fill } else { 0 };
                    line[from..from + text.len()].copy_from_slice(text);
                }
                at += text.len() + fill + 2;
                line[at] = b'|';
                at += 1;
            }
            line[at] = b'\n';
            return;
        }

        lines.clear();
        let mut height = 0;
        for ((cell, &w), span) in row.iter().zip(content).zip(spans.iter_mut()) {
            let first = lines.len();
            let whole = cell.width <= w;
            if whole {
                lines.push((0, cell.text.len()));
            } else {
                split_line(cell.text, w, lines);
            }
            *span = Span {
                first,
                count: lines.len() - first,
                whole,
            };
            height = height.max(span.count);
        }
        for l in 0..height {
            out.push(b'|');
            for (c, cell) in row.iter().enumerate() {
                let span = spans[c];
                if l < span.count {
                    let (start, end) = lines[span.first + l];
                    let text = &cell.text[start..end];
                    let w = if span.whole { cell.width } else { width(text) };
                    padded(out, text, w, content[c], self.right[c]);
                } else {
                    spaces(out, outer[c]);
                }
                out.push(b'|');
            }
            out.push(b'\n');
        }
    }
}

/// A rule across the table (`+---+---+`), with its line break.
fn rule(out: &mut Vec<u8>, outer: &[usize], fill: u8) {
    let run = [fill; 128];
    out.push(b'+');
    for &w in outer {
        let mut w = w;
        while w > run.len() {
            out.extend_from_slice(&run);
            w -= run.len();
        }
        out.extend_from_slice(&run[..w]);
        out.push(b'+');
    }
    out.push(b'\n');
}

#[inline]
fn spaces(out: &mut Vec<u8>, mut n: usize) {
    while n > SPACES.len() {
        out.extend_from_slice(&SPACES);
        n -= SPACES.len();
    }
    out.extend_from_slice(&SPACES[..n]);
}

/// One line of a cell: a space each side, padded to the content width by
/// display width (a line wider than that is written as it is).
#[inline]
fn padded(out: &mut Vec<u8>, text: &str, text_width: usize, content: usize, right: bool) {
    let fill = content.saturating_sub(text_width);
    if right {
        spaces(out, 1 + fill);
        out.extend_from_slice(text.as_bytes());
        out.push(b' ');
    } else {
        out.push(b' ');
        out.extend_from_slice(text.as_bytes());
        spaces(out, fill + 1);
    }
}

/// The words of a line, split at every space (`str::split(' ')`) as byte
/// ranges, with room to put back one word, or what is left of it.
struct Words<'a> {
    text: &'a str,
    pos: usize,
    done: bool,
    back: Option<(usize, usize)>,
}

impl Words<'_> {
    fn pop(&mut self) -> Option<(usize, usize)> {
        if let Some(word) = self.back.take() {
            return Some(word);
        }
        if self.done {
            return None;
        }
        let start = self.pos;
        match memchr::memchr(b' ', &self.text.as_bytes()[start..]) {
            Some(i) => {
                self.pos = start + i + 1;
                Some((start, start + i))
            }
            None => {
                self.done = true;
                Some((start, self.text.len()))
            }
        }
    }

    fn push(&mut self, word: (usize, usize)) {
        debug_assert!(self.back.is_none());
        self.back = Some(word);
    }
}

/// comfy-table's `split_line` for a line wider than `content`, pushing the
/// byte ranges of the lines it makes. Each is a slice of `text`: words are
/// joined by the single space that separated them, and a line ends where
/// a word or a cut does.
fn split_line(text: &str, content: usize, lines: &mut Vec<(usize, usize)>) {
    let mut words = Words {
        text,
        pos: 0,
        done: false,
        back: None,
    };
    // The line being built, empty when `start == end`, and its width.
    let (mut start, mut end) = (0, 0);
    let mut current = 0;
    while let Some((s, e)) = words.pop() {
        // Only how it compares with `content` matters once it is wider:
        // measuring a megabyte word in full for every line it is cut into
        // made the layout quadratic.
        let word_width = width_beyond(&text[s..e], content);
        let empty = start == end;
        let added = word_width + current + usize::from(!empty);
        let mut remaining = content - current;
        if !empty {
            remaining = remaining.saturating_sub(1);
        }

        if added <= content {
            if empty {
                (start, end) = (s, e);
            } else {
                debug_assert_eq!(s, end + 1);
                end = e;
                current += 1;
            }
            current += word_width;
            if current > content.saturating_sub(MIN_FREE_CHARS) {
                lines.push((start, end));
                (start, end, current) = (0, 0, 0);
            }
            continue;
        }

        // Too little room left to start the word here: close the line.
        if !empty && remaining <= MIN_FREE_CHARS {
            words.push((s, e));
            lines.push((start, end));
            (start, end, current) = (0, 0, 0);
            continue;
        }

        // A word no line can hold: fill this line with its head.
        if word_width > content {
            let head = long_word_head(remaining, &text[s..e]);
            if empty && head == 0 {
                // Not even one cluster fits an empty line: one character
                // goes out anyway, or the loop would never end.
                let ch = text[s..].chars().next().map_or(1, char::len_utf8);
                lines.push((s, s + ch));
                words.push((s + ch, e));
            } else {
                // After a space (kept even when the head is empty).
                lines.push((if empty { s } else { start }, s + head));
                words.push((s + head, e));
            }
            (start, end, current) = (0, 0, 0);
            continue;
        }

        // The word fits a line of its own.
        debug_assert!(!empty);
        lines.push((start, end));
        (start, end, current) = (s, e, word_width);
        if current > content.saturating_sub(MIN_FREE_CHARS) {
            lines.push((start, end));
            (start, end, current) = (0, 0, 0);
        }
    }
    if start != end {
        lines.push((start, end));
    }
}

/// comfy-table's `split_long_word`: how many bytes of `word` fit in
/// `allowed` columns, cutting printable ASCII by bytes and anything else
/// between extended grapheme clusters.
fn long_word_head(allowed: usize, word: &str) -> usize {
    // Printable ASCII is cut by bytes, which is what cutting it between
    // clusters gives too; only the head is looked at (a check of the whole
    // word for every line cut from it was quadratic).
    let mut used = 0;
    for (i, g) in word.grapheme_indices(true) {
        let w = g.width();
        if used + w > allowed {
            return i;
        }
        used += w;
    }
    word.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{Table, terminal_safe};
    use proptest::prelude::*;

    /// What `Table::to_terminal_wrapped` gives for the same table.
    fn comfy(headers: &[String], numeric: &[bool], rows: &[Vec<String>], wraps: &[(usize, u16)]) -> String {
        let mut t = Table {
            headers: headers.to_vec(),
            numeric: numeric.to_vec(),
            rows: Vec::new(),
            optional: vec![false; headers.len()],
        };
        for row in rows {
            t.push(row.clone());
        }
        t.comfy(wraps, None, &[])
    }

    fn grid(headers: &[String], numeric: &[bool], rows: &[Vec<String>], wraps: &[(usize, u16)]) -> String {
        let headers: Vec<String> = headers.iter().map(|h| terminal_safe(h)).collect();
        let heads: Vec<&str> = headers.iter().map(String::as_str).collect();
        let safe: Vec<String> = rows.iter().flatten().map(|c| terminal_safe(c)).collect();
        let cells: Vec<Cell> = safe.iter().map(|c| Cell::new(c)).collect();
        let mut out = Vec::new();
        Grid::new(&heads, numeric, wraps).write(&cells, &mut out);
        String::from_utf8(out).expect("UTF-8 in, UTF-8 out")
    }

    fn both(headers: &[&str], numeric: &[bool], rows: &[&[&str]], wraps: &[(usize, u16)]) -> String {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let rows: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
        let expected = comfy(&headers, numeric, &rows, wraps);
        let got = grid(&headers, numeric, &rows, wraps);
        assert_eq!(got, expected, "\ngrid:\n{got}\ncomfy-table:\n{expected}");
        got
    }

    /// Pieces that exercise every branch of the wrapping: spaces single,
    /// doubled, leading and trailing; words too long for any line, in ASCII
    /// and in Hanzi; clusters of several characters, of no width, and wider
    /// than the room left on a line; an ideographic space, which is no
    /// place to break.
    const PIECES: &[&str] = &[
        "a",
        "Zq",
        "7",
        "95.92",
        "abc",
        " ",
        " ",
        "  ",
        "   ",
        "考核整改措施",
        "考",
        "，",
        "。",
        "（",
        "）",
        "：",
        "supercalifragilistic",
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "建立季度分析研判制度每季度末召开研判会形成书面研判报告",
        "e\u{301}",
        "👍",
        "👨\u{200d}👩\u{200d}👧",
        "🙂\u{200d}↕\u{fe0f}",
        "\u{200b}",
        "\u{3000}",
        "",
    ];

    /// One cluster each, wider than three columns: the only way a word
    /// cannot start in the room a line has left. Drawn more often, as that
    /// also needs a word before it and a narrow bound.
    const WIDE_CLUSTERS: &[&str] = &["\u{1100}\u{1100}\u{1100}", "考\u{903}\u{903}"];

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            6 => prop::sample::select(PIECES),
            1 => prop::sample::select(WIDE_CLUSTERS),
        ];
        prop::collection::vec(piece, 0..7).prop_map(|p| p.concat())
    }

    /// Headers, numeric flags, rows and wrap bounds.
    type Sample = (Vec<String>, Vec<bool>, Vec<Vec<String>>, Vec<(usize, u16)>);

    fn table() -> impl Strategy<Value = Sample> {
        (1usize..=6, 0usize..=8).prop_flat_map(|(cols, rows)| {
            let bound = prop_oneof![1u16..8, 1u16..=40];
            (
                prop::collection::vec(text(), cols),
                prop::collection::vec(any::<bool>(), cols),
                prop::collection::vec(prop::collection::vec(text(), cols), rows),
                // A column past the last one now and then: ignored.
                prop::collection::vec((0..=cols, bound), 0..=cols),
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn same_bytes_as_comfy_table((headers, numeric, rows, wraps) in table()) {
            let expected = comfy(&headers, &numeric, &rows, &wraps);
            let got = grid(&headers, &numeric, &rows, &wraps);
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn wraps_a_remedy_in_hanzi() {
        let got = both(
            &["序号", "整改措施"],
            &[true, false],
            &[
                &["1", "建立季度分析研判制度，每季度末召开研判会"],
                &["12", "short text that wraps at spaces"],
            ],
            &[(1, 13)],
        );
        assert_eq!(
            got,
            "\
+------+-------------+
| 序号 | 整改措施    |
+======+=============+
|    1 | 建立季度分  |
|      | 析研判制度  |
|      | ，每季度末  |
|      | 召开研判会  |
|   12 | short text  |
|      | that wraps  |
|      | at spaces   |
+------+-------------+
"
        );
    }

    #[test]
    fn aligns_numbers_right() {
        let got = both(
            &["单位", "得分"],
            &[false, true],
            &[&["城关镇党委", "95.92"], &["D01", "8.00"]],
            &[],
        );
        assert_eq!(
            got,
            "\
+------------+-------+
| 单位       |  得分 |
+============+=======+
| 城关镇党委 | 95.92 |
| D01        |  8.00 |
+------------+-------+
"
        );
    }

    #[test]
    fn headers_only() {
        let got = both(&["指标", "n", ""], &[false, true, false], &[], &[(0, 3)]);
        assert_eq!(
            got,
            "\
+---+---+---+
| 指 | n |   |
| 标 |   |   |
+===+===+===+
+---+---+---+
"
        );
    }

    #[test]
    fn a_cluster_wider_than_the_room_left_leaves_the_space_behind() {
        // "ᄀᄀᄀ" is one cluster six columns wide: after "a" it cannot even
        // start, so the line keeps the space it was to follow, and on a line
        // of its own it goes out one character first.
        // Right-aligned, where that space shows.
        let got = both(&["h"], &[true], &[&["a \u{1100}\u{1100}\u{1100}"]], &[(0, 7)]);
        assert_eq!(
            got,
            "+-------+\n|     h |\n+=======+\n|    a  |\n|    \u{1100} |\n|  \u{1100}\u{1100} |\n+-------+\n"
        );
    }

    #[test]
    fn no_columns() {
        assert_eq!(both(&[], &[], &[], &[]), "++\n++\n++\n");
    }

    #[test]
    fn spaces_alone_wrap_to_nothing() {
        both(
            &["a", "b"],
            &[false, false],
            &[&["      ", "x"], &["   ", "   "]],
            &[(0, 3), (1, 3)],
        );
    }

    #[test]
    fn cells_wider_than_comfy_table_counts() {
        let wide = "考".repeat(40_000);
        both(&["x"], &[false], &[&[&wide], &["a b"]], &[]);
    }

    #[test]
    fn plain_wide_characters_are_two_columns_in_any_company() {
        let plain = (0..=0x10ffff).filter_map(char::from_u32).filter(|&c| is_plain_wide(c));
        let mut n = 0;
        for c in plain {
            n += 1;
            assert_eq!(c.to_string().width(), 2, "{c:?}");
            // A joiner after an emoji swallows what follows only if that is
            // an emoji too: these characters must not be. (The other
            // characters unicode-width reads in context are Arabic, Hebrew,
            // Khmer, Tifinagh, Lisu, selectors and the like, none of them here.)
            assert_eq!(format!("👍\u{200d}{c}").width(), 4, "{c:?}");
            for s in [format!("#{c}"), format!("{c}a"), format!("考{c}{c}")] {
                assert_eq!(width(&s), s.width(), "{s:?}");
            }
        }
        assert_eq!(n, 0x9fff - 0x4e00 + 1 + 2 + 10 + 0x5e);
        for s in ["a\u{fe0f}", "考\u{fe0f}", "👍", "“考”", "e\u{301}", "\u{3000}"] {
            assert_eq!(width(s), s.width(), "{s:?}");
        }
    }

    /// Throughput of rows that need no wrapping, the common case:
    /// `cargo test --release --lib render::grid::tests::throughput -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn throughput() {
        let texts: Vec<String> = (0..50)
            .flat_map(|r| {
                [
                    format!("{}", r + 1),
                    format!("A{}", r % 7),
                    "党建引领".to_string(),
                    format!("{}.00", r % 10),
                    format!("{}.50", r % 5),
                    "未按要求报送".to_string(),
                    "建立季度分析研判制度".to_string(),
                    "组织部".to_string(),
                    "2025-06-30".to_string(),
                    "未整改".to_string(),
                ]
            })
            .collect();
        let headers = [
            "序号",
            "指标",
            "名称",
            "分值",
            "扣分",
            "原因",
            "整改措施",
            "责任",
            "期限",
            "状态",
        ];
        let numeric = [true, false, false, true, true, false, false, false, false, false];
        let rows: Vec<Vec<String>> = texts.chunks(10).map(|r| r.to_vec()).collect();
        let cells: Vec<Cell> = texts.iter().map(|t| Cell::new(t)).collect();
        // The machine is shared: the best of a few short rounds.
        let best = |f: &mut dyn FnMut()| {
            (0..7)
                .map(|_| {
                    let started = std::time::Instant::now();
                    f();
                    started.elapsed().as_nanos() as f64
                })
                .fold(f64::INFINITY, f64::min)
        };
        let tables = 2_000;
        let per_row = |ns: f64| ns / (tables * 50) as f64;
        let mut out = Vec::new();
        // The remedy bounded at 40 columns never wraps here, at 12 it always does.
        for wraps in [[(5, 40), (6, 40)], [(5, 40), (6, 12)]] {
            let g = Grid::new(&headers, &numeric, &wraps);
            let ns = best(&mut || {
                for _ in 0..tables {
                    out.clear();
                    g.write(std::hint::black_box(&cells), &mut out);
                }
            });
            assert_eq!(
                out,
                comfy(&headers.map(String::from), &numeric, &rows, &wraps).as_bytes()
            );
            println!("grid, wraps {wraps:?}: {:.1} ns per 10-cell row", per_row(ns));
        }
        let mut measured = Vec::with_capacity(cells.len());
        let ns = best(&mut || {
            for _ in 0..tables {
                measured.clear();
                measured.extend(texts.iter().map(|t| Cell::new(std::hint::black_box(t))));
            }
        });
        println!("Cell::new: {:.1} ns per 10-cell row", per_row(ns));
        let started = std::time::Instant::now();
        let comfy_tables = 100;
        for _ in 0..comfy_tables {
            std::hint::black_box(comfy(&headers.map(String::from), &numeric, &rows, &[(5, 40), (6, 40)]));
        }
        let ns = started.elapsed().as_nanos() as f64;
        println!("comfy-table: {:.1} ns per row", ns / (comfy_tables * 50) as f64);
    }
}
