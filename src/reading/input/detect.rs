//! Which encoding a CSV file is in, decided from evidence in its bytes.
//!
//! The first decoding that succeeds is not evidence: 930 common Hanzi are
//! encoded in GBK as byte pairs that are also valid UTF-8 (a short GBK file
//! made of them reads as UTF-8 Latin, Greek, Cyrillic and Arabic letters),
//! and Big5, Shift_JIS and EUC-KR text is nearly always valid GBK. So the
//! first lines of the file (its *sample*, at most [`SAMPLE`] bytes, cut at a
//! line end) are read in each candidate encoding and the readings compared:
//!
//! * a reading whose header names a known column in Chinese (单位, 指标, …)
//!   is the file's;
//! * else a reading that is Simplified Chinese text — nine in ten of its
//!   non-ASCII characters GB2312 Hanzi or full-width punctuation — is the
//!   file's, GBK only when its UTF-8 reading is not a plausible text of its
//!   own (one Latin script) and its EUC-KR reading is not Korean;
//! * valid UTF-8 that reads as no Chinese in either stays UTF-8;
//! * what cannot be told apart is refused, located at the first line the
//!   readings differ on, with both readings quoted and the `--encoding` to
//!   pass; GBK-valid bytes that do not read as Chinese are refused, naming
//!   the encoding they read well in (Big5, Shift_JIS, EUC-KR).
//!
//! Only the sample is read for evidence, so the fast reader, which streams
//! a file in blocks, decides from its first block exactly as the general
//! reader does from the whole file; the rest of the file only has to be
//! valid in the encoding decided.

use super::Encoding;

/// Bytes of a file read for evidence of its encoding.
pub const SAMPLE: usize = 64 << 10;

/// The end of a file's sample: its first [`SAMPLE`] bytes cut back to a
/// line end, LF or a CR alone (neither is ever part of a multi-byte
/// character in any of the encodings read), or all of it when shorter.
pub fn sample_end(bytes: &[u8]) -> usize {
    if bytes.len() <= SAMPLE {
        return bytes.len();
    }
    memchr::memrchr2(b'\n', b'\r', &bytes[..SAMPLE]).map_or(SAMPLE, |p| p + 1)
}

/// A refusal: the line it is about and the message.
pub type Refusal = (u64, String);

/// The encoding of a file without a byte-order mark, from its sample and
/// whether the whole file is valid UTF-8. `Gb18030` is also the answer when
/// the sample reads in no encoding at all: decoding then fails where the
/// bytes stop being GBK, which is the error to report.
pub fn detect(name: &str, sample: &[u8], whole_is_utf8: bool) -> Result<Encoding, Refusal> {
    if sample.is_ascii() {
        // No evidence: the bytes decide (non-ASCII after the sample).
        return Ok(if whole_is_utf8 {
            Encoding::Utf8
        } else {
            Encoding::Gb18030
        });
    }
    let utf8 = if whole_is_utf8 {
        Reading::of(encoding_rs::UTF_8, sample)
    } else {
        None
    };
    let gbk = Reading::of(encoding_rs::GB18030, sample);
    match (utf8, gbk) {
        (Some(_), None) => Ok(Encoding::Utf8),
        (Some(u), Some(g)) => {
            if u.known_header {
                Ok(Encoding::Utf8)
            } else if g.known_header {
                Ok(Encoding::Gb18030)
            } else if u.chinese() {
                Ok(Encoding::Utf8)
            } else if g.chinese() && !u.one_latin_script() {
                Ok(Encoding::Gb18030)
            } else if !g.chinese() {
                Ok(Encoding::Utf8)
            } else {
                let line = first_non_ascii_line(sample);
                Err((
                    line,
                    crate::base::lang::msg!(
                        zh: "无法判断文件编码：按 UTF-8 读作“{}”，按 GBK 读作“{}”；请用 --encoding {name}=utf-8 或 --encoding {name}=gbk 指定",
                        en: "cannot tell the file's encoding: as UTF-8 it reads \"{}\", as GBK \"{}\"; pass --encoding {name}=utf-8 or --encoding {name}=gbk",
                        u.line_text(line),
                        g.line_text(line)
                    ),
                ))
            }
        }
        (None, Some(g)) => {
            if g.known_header || (g.chinese() && !g.korean(sample)) {
                return Ok(Encoding::Gb18030);
            }
            let line = g.odd_line.unwrap_or_else(|| first_non_ascii_line(sample));
            Err((line, not_chinese(name, &g, sample, line)))
        }
        (None, None) => match other(sample) {
            Some(r) => {
                let line = first_non_ascii_line(sample);
                Err((
                    line,
                    crate::base::lang::msg!(
                        zh: "文件既不是 UTF-8 也不是 GBK/GB18030 编码，按 {} 读作“{}”：请另存为“CSV UTF-8”，或用 --encoding {name}={} 指定",
                        en: "the file is neither UTF-8 nor GBK/GB18030; as {} it reads \"{}\": save it as CSV UTF-8, or pass --encoding {name}={}",
                        r.label(),
                        r.line_text(line),
                        r.option()
                    ),
                ))
            }
            None => Ok(Encoding::Gb18030),
        },
    }
}

/// The refusal of GBK-valid bytes that do not read as Chinese.
fn not_chinese(name: &str, g: &Reading, sample: &[u8], line: u64) -> String {
    match other(sample) {
        Some(r) => crate::base::lang::msg!(
            zh: "文件不像是 GBK 编码的中文（按 GBK 读作“{}”），更像是 {}（读作“{}”）：请另存为“CSV UTF-8”，或用 --encoding {name}={} 指定",
            en: "the file does not read as Chinese in GBK (\"{}\"); it reads as {} (\"{}\"): save it as CSV UTF-8, or pass --encoding {name}={}",
            g.line_text(line),
            r.label(),
            r.line_text(line),
            r.option()
        ),
        None => crate::base::lang::msg!(
            zh: "无法判断文件编码：按 GBK 读作“{}”，不像中文；请另存为“CSV UTF-8”，或确认是 GBK 后用 --encoding {name}=gbk 指定",
            en: "cannot tell the file's encoding: as GBK it reads \"{}\", which is not Chinese; save it as CSV UTF-8, or pass --encoding {name}=gbk if it is GBK",
            g.line_text(line)
        ),
    }
}

/// Another encoding the sample reads well in: Korean in EUC-KR, Japanese
/// (with kana) in Shift_JIS, Chinese ideographs in Big5.
fn other(sample: &[u8]) -> Option<Reading> {
    let good = |r: &Reading, n: usize| r.nonascii > 0 && n * 10 >= r.nonascii * 9;
    // Shift_JIS first, by its full-width kana: hiragana bytes read as
    // rare Hangul in EUC-KR, while Korean and Big5 bytes read as
    // half-width katakana, never full-width kana, in Shift_JIS.
    if let Some(r) = Reading::of(encoding_rs::SHIFT_JIS, sample)
        && r.kana > 0
        && good(&r, r.kana + r.ideographs)
    {
        return Some(r);
    }
    if let Some(r) = Reading::of(encoding_rs::EUC_KR, sample)
        && good(&r, r.hangul)
    {
        return Some(r);
    }
    Reading::of(encoding_rs::BIG5, sample).filter(|r| good(r, r.ideographs))
}

/// The 1-based line of the first non-ASCII byte.
fn first_non_ascii_line(sample: &[u8]) -> u64 {
    let at = sample.iter().position(|b| !b.is_ascii()).unwrap_or(0);
    line_at(sample, at)
}

fn line_at(bytes: &[u8], at: usize) -> u64 {
    memchr::memchr_iter(b'\n', &bytes[..at]).count() as u64 + 1
}

/// The sample read in one encoding, and what its characters are.
struct Reading {
    encoding: &'static encoding_rs::Encoding,
    text: String,
    /// Non-ASCII characters (a leading U+FEFF aside).
    nonascii: usize,
    /// GB2312 Hanzi and full-width punctuation: Simplified Chinese.
    chinese: usize,
    /// GB2312 Hanzi from the rows EUC-KR Hangul never reaches in GBK.
    high_hanzi: usize,
    /// Letters and signs of one Latin script (U+00A0–U+024F) and general
    /// punctuation (U+2000–U+206F).
    latin: usize,
    hangul: usize,
    /// Hiragana and full-width katakana.
    kana: usize,
    /// CJK ideographs, CJK and full-width punctuation.
    ideographs: usize,
    /// The first line with a non-ASCII character that is not Chinese.
    odd_line: Option<u64>,
    /// The first line names a known column in Chinese.
    known_header: bool,
}

/// Column names of evidence and units files written in Chinese (the
/// header of nearly every file the provinces send).
pub(crate) const KNOWN_HEADERS: &[&str] = &[
    "单位",
    "单位编号",
    "单位代码",
    "单位名称",
    "名称",
    "类别",
    "分类",
    "单位类别",
    "单位类型",
    "指标",
    "指标编号",
    "指标代码",
    "指标名称",
    "考核内容",
    "评分标准",
    "值",
    "完成情况",
    "数值",
    "备注",
    "说明",
    "佐证材料",
    "来源",
    "评分人",
    "考核人",
    "评委",
    "序号",
];

impl Reading {
    /// The sample read strictly in `encoding`: `None` when it is not valid.
    fn of(encoding: &'static encoding_rs::Encoding, sample: &[u8]) -> Option<Reading> {
        let text = encoding
            .decode_without_bom_handling_and_without_replacement(sample)?
            .into_owned();
        let mut r = Reading {
            encoding,
            text,
            nonascii: 0,
            chinese: 0,
            high_hanzi: 0,
            latin: 0,
            hangul: 0,
            kana: 0,
            ideographs: 0,
            odd_line: None,
            known_header: false,
        };
        let mut line = 1u64;
        let mut gbk = encoding_rs::GBK.new_encoder();
        for (i, c) in r.text.char_indices() {
            if c == '\n' {
                line += 1;
            }
            if c.is_ascii() || (i == 0 && c == '\u{feff}') {
                continue;
            }
            r.nonascii += 1;
            let (zh, high) = gb2312(&mut gbk, c);
            if zh {
                r.chinese += 1;
                r.high_hanzi += usize::from(high);
            } else {
                r.odd_line.get_or_insert(line);
            }
            let u = c as u32;
            r.latin += usize::from((0xA0..=0x24F).contains(&u) || (0x2000..=0x206F).contains(&u));
            r.hangul += usize::from((0xAC00..=0xD7A3).contains(&u));
            r.kana += usize::from((0x3040..=0x30FF).contains(&u));
            r.ideographs += usize::from(
                (0x4E00..=0x9FFF).contains(&u)
                    || (0x3400..=0x4DBF).contains(&u)
                    || (0x3000..=0x303F).contains(&u)
                    || (0xFF00..=0xFFEF).contains(&u),
            );
        }
        let header = r.text.lines().next().unwrap_or("");
        r.known_header = header.split([',', '\t', ';']).any(|cell| {
            let cell = cell
                .trim_start_matches('\u{feff}')
                .trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\u{3000}');
            KNOWN_HEADERS.contains(&cell)
        });
        Some(r)
    }

    /// Simplified Chinese: nine in ten non-ASCII characters are.
    fn chinese(&self) -> bool {
        self.nonascii > 0 && self.chinese * 10 >= self.nonascii * 9
    }

    /// Every non-ASCII character is of one Latin script or punctuation: a
    /// text of its own, as the UTF-8 reading of GBK bytes never is for
    /// more than a few characters.
    fn one_latin_script(&self) -> bool {
        self.latin == self.nonascii
    }

    /// A GBK reading that is EUC-KR Korean read wrongly: its Hanzi all lie
    /// in the rows Hangul falls in, and the EUC-KR reading is Hangul.
    fn korean(&self, sample: &[u8]) -> bool {
        self.high_hanzi == 0
            && Reading::of(encoding_rs::EUC_KR, sample).is_some_and(|k| k.hangul * 10 >= k.nonascii * 9)
    }

    /// Line `line` of the reading, bounded and with controls escaped.
    fn line_text(&self, line: u64) -> String {
        let text = self.text.lines().nth(line as usize - 1).unwrap_or("");
        let text = text.trim_start_matches('\u{feff}');
        let short: String = text.chars().take(40).collect();
        let more = if short.len() < text.len() { "…" } else { "" };
        format!("{}{more}", crate::base::diag::escape_controls(&short))
    }

    /// The encoding's name as people know it.
    fn label(&self) -> &'static str {
        match self.encoding.name() {
            "EUC-KR" => "EUC-KR",
            "Shift_JIS" => "Shift_JIS",
            "Big5" => "Big5",
            other => other,
        }
    }

    /// The encoding's `--encoding` value.
    fn option(&self) -> &'static str {
        match self.encoding.name() {
            "EUC-KR" => "euc-kr",
            "Shift_JIS" => "shift_jis",
            "Big5" => "big5",
            _ => "gbk",
        }
    }
}

/// Is `c` Simplified Chinese as GB2312 has it (a Hanzi, or a symbol or
/// full-width form of its first rows), and a Hanzi of the rows from 0xC9
/// on?
fn gb2312(enc: &mut encoding_rs::Encoder, c: char) -> (bool, bool) {
    let mut s = [0u8; 4];
    let mut out = [0u8; 8];
    let (result, _, written) = enc.encode_from_utf8_without_replacement(c.encode_utf8(&mut s), &mut out, false);
    if !matches!(result, encoding_rs::EncoderResult::InputEmpty) || written != 2 {
        return (false, false);
    }
    let (lead, trail) = (out[0], out[1]);
    if trail < 0xA1 || trail == 0xFF {
        return (false, false);
    }
    match lead {
        0xA1..=0xA3 => (true, false),
        0xB0..=0xF7 => (true, lead >= 0xC9),
        _ => (false, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(e: &'static encoding_rs::Encoding, s: &str) -> Vec<u8> {
        let (b, _, bad) = e.encode(s);
        assert!(!bad, "{s} in {}", e.name());
        b.into_owned()
    }

    fn detect_all(bytes: &[u8]) -> Result<Encoding, Refusal> {
        let utf8 = std::str::from_utf8(bytes).is_ok();
        detect("f.csv", &bytes[..sample_end(bytes)], utf8)
    }

    #[test]
    fn gbk_that_is_also_utf8_is_gbk() {
        // Every Hanzi here has a GBK lead C2-DF and trail A1-BF (一 D2BB,
        // 学 D1A7, 校 D0A3, 医 D2BD, 院 D4BA, 省 CAA1, 委 CEAF, 路 C2B7, 目
        // C4BF), so each pair is a two-byte UTF-8 sequence: Cyrillic and
        // Armenian letters as UTF-8.
        let text = "unit,name\r\nU01,一学校医院\r\nU02,省委路目\r\n";
        let bytes = enc(encoding_rs::GBK, text);
        assert!(std::str::from_utf8(&bytes).is_ok(), "the fixture must be valid UTF-8");
        assert_eq!(detect_all(&bytes), Ok(Encoding::Gb18030));
    }

    #[test]
    fn utf8_chinese_that_is_also_gbk_is_utf8() {
        let bytes = "单位\n".as_bytes();
        assert!(
            encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .is_some()
        );
        assert_eq!(detect_all(bytes), Ok(Encoding::Utf8));
    }

    #[test]
    fn other_east_asian_encodings_are_not_gbk() {
        for (e, text, label) in [
            (encoding_rs::BIG5, "單位,指標,值\r\nU01,A1,臺灣省政府\r\n", "Big5"),
            (encoding_rs::EUC_KR, "unit,A1\r\nU01,한국어 텍스트입니다\r\n", "EUC-KR"),
            (
                encoding_rs::SHIFT_JIS,
                "unit,A1\r\nU01,これは日本語です\r\n",
                "Shift_JIS",
            ),
        ] {
            let bytes = enc(e, text);
            let got = detect_all(&bytes);
            let (line, msg) = got.expect_err(label);
            assert!(msg.contains(&format!("as {label}")), "{label}: {msg}");
            assert!(line >= 1);
        }
    }
}
