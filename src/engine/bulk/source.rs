//! The bytes the bulk path parses: UTF-8 as the file holds it, or, for a
//! file in GBK/GB18030 or UTF-16 (with its byte-order mark) or in another
//! encoding forced with `--encoding`, the file transcoded to UTF-8 in
//! blocks as it is read.
//!
//! Which encoding a file is in is decided as `input::decode_file` decides
//! it for a file read whole: the one forced with `--encoding` ([`crate::reading::input::decode_file`]), else
//! from the same sample of its first lines ([`crate::reading::input::detect`]), so
//! both read every file alike; where the decision needs more than the
//! sample (a sample that is valid UTF-8 in a file that may not be), the
//! bulk path gives up. Everything after parsing — line numbers, the offsets
//! each unit's rows are found again by — is counted in the transcoded text,
//! which has the same lines as the file (a line end is one character in
//! every encoding read, never part of another), and is the text
//! `read::late_text` gives.

use super::{GiveUp, Res};
use crate::reading::input::{Encoding, ForcedEncoding, SAMPLE, detect, sample_end};
use std::io::Read;

/// Raw bytes decoded at a time.
const RAW: usize = 1 << 20;

/// How a file's bytes become the UTF-8 the workers parse: `None` when they
/// are UTF-8 already (a UTF-8 byte-order mark is the header's to skip).
/// `head` is the file's start, at least [`SAMPLE`] + 1 bytes unless `eof`
/// (the whole file). `GiveUp` when the file must be decoded whole
/// (`read::late_text`).
///
/// An encoding `forced` is taken as `input::decode_file` takes it: UTF-8
/// with its byte-order mark skipped (by the header) and every block
/// checked (by the workers); any other decoded with no byte-order mark
/// handled, a byte not valid in it giving up.
pub(super) fn text_encoding(
    head: &[u8],
    eof: bool,
    forced: Option<ForcedEncoding>,
) -> Res<Option<&'static encoding_rs::Encoding>> {
    match forced.map(ForcedEncoding::decoder) {
        Some((_, Encoding::Utf8)) => return Ok(None),
        Some((encoding, _)) => return Ok(Some(encoding)),
        None => {}
    }
    if head.starts_with(b"\xEF\xBB\xBF") {
        return Ok(None);
    }
    if head.starts_with(b"\xFF\xFE") {
        return Ok(Some(encoding_rs::UTF_16LE));
    }
    if head.starts_with(b"\xFE\xFF") {
        return Ok(Some(encoding_rs::UTF_16BE));
    }
    if !eof && head.len() <= SAMPLE {
        return Err(GiveUp);
    }
    let sample = &head[..sample_end(head)];
    if memchr::memchr(b'\n', sample).is_none() {
        return Err(GiveUp);
    }
    // Whether the whole file is valid UTF-8 is not known yet: the sample
    // must decide alike either way, unless it is UTF-8 (the workers check
    // every block and give up on one that is not).
    let gbk = Ok(Encoding::Gb18030);
    let as_utf8 = || detect("", sample, true);
    let not_utf8 = || detect("", sample, false);
    if simdutf8::basic::from_utf8(sample).is_ok() {
        match as_utf8() {
            Ok(Encoding::Utf8) => Ok(None),
            v @ Ok(Encoding::Gb18030) if v == not_utf8() => Ok(Some(encoding_rs::GB18030)),
            _ => Err(GiveUp),
        }
    } else if not_utf8() == gbk {
        Ok(Some(encoding_rs::GB18030))
    } else {
        Err(GiveUp)
    }
}

/// The decoder `input::decode_file` uses for `encoding`: UTF-16 (told by
/// its byte-order mark) drops that mark; GB18030 (which reads GBK), Big5,
/// EUC-KR and Shift_JIS have none to handle.
fn decoder(encoding: &'static encoding_rs::Encoding) -> encoding_rs::Decoder {
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        encoding.new_decoder_with_bom_removal()
    } else {
        encoding.new_decoder_without_bom_handling()
    }
}

/// A file read as UTF-8: its own bytes, or transcoded block by block.
pub(super) struct Source {
    file: std::fs::File,
    decoder: Option<encoding_rs::Decoder>,
    /// Raw bytes read and not yet decoded: `raw[raw_pos..]`.
    raw: Vec<u8>,
    raw_pos: usize,
    raw_eof: bool,
    /// Decoded bytes not yet handed out: `out[out_pos..out_len]`.
    out: Vec<u8>,
    out_pos: usize,
    out_len: usize,
    done: bool,
    /// Everything decoded, kept for the rows to be found again
    /// ([`Source::into_kept`]), when asked for.
    keep: Option<Vec<u8>>,
}

impl Source {
    /// Read `file`, whose first bytes `head` have been read already, as
    /// UTF-8: the bytes to parse first (for a file transcoded, what `head`
    /// decodes to, or as much of it as there is) are left in `head`. With
    /// `keep`, a file transcoded keeps all it decodes to.
    pub(super) fn new(
        file: std::fs::File,
        encoding: Option<&'static encoding_rs::Encoding>,
        head: &mut Vec<u8>,
        eof: bool,
        keep: bool,
    ) -> Res<Source> {
        let decoder = encoding.map(decoder);
        // At most this much (pages never written take no memory).
        let keep = match &decoder {
            Some(d) if keep => {
                let len = file.metadata().map_err(|_| GiveUp)?.len();
                let len = usize::try_from(len).map_err(|_| GiveUp)?;
                Some(Vec::with_capacity(
                    d.max_utf8_buffer_length_without_replacement(len).ok_or(GiveUp)?,
                ))
            }
            _ => None,
        };
        let mut s = Source {
            file,
            decoder,
            raw: Vec::new(),
            raw_pos: 0,
            raw_eof: eof,
            out: Vec::new(),
            out_pos: 0,
            out_len: 0,
            done: false,
            keep,
        };
        if s.decoder.is_some() {
            s.raw = std::mem::take(head);
            head.clear();
            let mut chunk = vec![0u8; 64 << 10];
            loop {
                let n = s.read(&mut chunk).map_err(|_| GiveUp)?;
                if n == 0 {
                    break;
                }
                head.extend_from_slice(&chunk[..n]);
                if s.out_pos == s.out_len && s.raw_pos == s.raw.len() {
                    break; // the raw head is decoded
                }
            }
        }
        Ok(s)
    }
}

impl Source {
    /// A file transcoded with `keep`: all it decoded to, once read to its
    /// end — what [`decode_whole`] gives.
    pub(super) fn into_kept(self) -> Option<Vec<u8>> {
        self.keep.filter(|_| self.done)
    }
}

impl Read for Source {
    fn read(&mut self, dst: &mut [u8]) -> std::io::Result<usize> {
        let Some(decoder) = &mut self.decoder else {
            return self.file.read(dst);
        };
        loop {
            if self.out_pos < self.out_len {
                let n = dst.len().min(self.out_len - self.out_pos);
                dst[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.done || dst.is_empty() {
                return Ok(0);
            }
            if self.raw_pos == self.raw.len() && !self.raw_eof {
                self.raw.resize(RAW, 0);
                let n = loop {
                    match self.file.read(&mut self.raw) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                };
                self.raw.truncate(n);
                self.raw_pos = 0;
                self.raw_eof = n == 0;
            }
            let input = &self.raw[self.raw_pos..];
            let need = decoder
                .max_utf8_buffer_length_without_replacement(input.len())
                .ok_or_else(|| std::io::Error::other("block too large"))?;
            if self.out.len() < need {
                self.out.resize(need, 0);
            }
            let (result, read, written) =
                decoder.decode_to_utf8_without_replacement(input, &mut self.out, self.raw_eof);
            self.raw_pos += read;
            self.out_pos = 0;
            self.out_len = written;
            if let Some(keep) = &mut self.keep {
                keep.extend_from_slice(&self.out[..written]);
            }
            match result {
                encoding_rs::DecoderResult::InputEmpty => self.done = self.raw_eof,
                encoding_rs::DecoderResult::OutputFull => {}
                encoding_rs::DecoderResult::Malformed(..) => {
                    return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, "malformed"));
                }
            }
        }
    }
}

/// A whole file's bytes as UTF-8, decoded as [`Source`] decodes them.
pub(super) fn decode_whole(raw: &[u8], encoding: &'static encoding_rs::Encoding) -> Option<Vec<u8>> {
    let mut d = decoder(encoding);
    let mut out = vec![0u8; d.max_utf8_buffer_length_without_replacement(raw.len())?];
    let (result, _, written) = d.decode_to_utf8_without_replacement(raw, &mut out, true);
    if result != encoding_rs::DecoderResult::InputEmpty {
        return None;
    }
    out.truncate(written);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decoding through small reads, with multi-byte characters across
    /// every raw block boundary, gives what decoding at once gives.
    #[test]
    fn blocks_decode_as_the_whole() {
        let text: String = (0..40_000).map(|i| format!("U{i},指标{i},是𠀀\r\n")).collect();
        for (enc, mut raw) in [
            (encoding_rs::GB18030, encoding_rs::GB18030.encode(&text).0.into_owned()),
            (encoding_rs::UTF_16LE, {
                let mut v = vec![0xFF, 0xFE];
                text.encode_utf16().for_each(|u| v.extend(u.to_le_bytes()));
                v
            }),
        ] {
            // Bytes past the head are read from the file.
            let path = std::env::temp_dir().join(format!("kaohe-source-{}-{}", std::process::id(), enc.name()));
            std::fs::write(&path, &raw).unwrap();
            let mut file = std::fs::File::open(&path).unwrap();
            let mut head = vec![0u8; 100_001];
            file.read_exact(&mut head).unwrap();
            let mut s = Source::new(file, Some(enc), &mut head, false, false).unwrap();
            let mut got = head;
            let mut small = [0u8; 7];
            loop {
                let n = s.read(&mut small).unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&small[..n]);
            }
            std::fs::remove_file(&path).unwrap();
            assert_eq!(s.into_kept(), None, "nothing kept unless asked");
            assert_eq!(String::from_utf8(got).unwrap(), text, "{}", enc.name());
            // A character cut short at the end: a lone GBK lead byte, half
            // a UTF-16 code unit.
            raw.push(0x81);
            assert!(decode_whole(&raw, enc).is_none(), "a cut character is malformed");
        }
    }

    /// A forced encoding is read as a file read whole is
    /// (`input::decode_file`): streamed through a head and raw blocks cut
    /// at arbitrary bytes (between characters or inside them, some with an
    /// ASCII `\` as second byte: Big5 許 B3 5C, Shift_JIS 表 95 5C), or
    /// whole; a byte not valid in it is an error either way.
    #[test]
    fn forced_encodings_decode_as_the_general_reader() {
        for (forced, text) in [
            (ForcedEncoding::Big5, "單位,許功,是"),
            (ForcedEncoding::ShiftJis, "単位,表ソ能,はい"),
            (ForcedEncoding::EucKr, "단위,지표,예"),
            (ForcedEncoding::Gbk, "单位,指标,是"),
        ] {
            let (enc, _) = forced.decoder();
            let text: String = (0..100_000).map(|i| format!("U{i},{text}{i}\r\n")).collect();
            let (raw, _, unmappable) = enc.encode(&text);
            assert!(!unmappable);
            let mut raw = raw.into_owned();
            let want = crate::reading::input::decode_file("e.csv", &raw, Some(forced)).map(|t| t.0);
            assert!(want.is_ok(), "{}", enc.name());
            assert_eq!(text_encoding(&raw[..SAMPLE + 1], false, Some(forced)), Ok(Some(enc)));
            let path = std::env::temp_dir().join(format!("kaohe-forced-{}-{}", std::process::id(), enc.name()));
            std::fs::write(&path, &raw).unwrap();
            let mut file = std::fs::File::open(&path).unwrap();
            let mut head = vec![0u8; 100_001];
            file.read_exact(&mut head).unwrap();
            let mut s = Source::new(file, Some(enc), &mut head, false, true).unwrap();
            let mut got = head;
            s.read_to_end(&mut got).unwrap();
            std::fs::remove_file(&path).unwrap();
            // What was kept is all that was read, head included.
            assert_eq!(s.into_kept().as_ref(), Some(&got), "{}", enc.name());
            // More than the head and one raw block.
            assert!(raw.len() > 2 * RAW, "{}", enc.name());
            let got = String::from_utf8(got).unwrap();
            assert_eq!(Ok(got.clone()), want, "{}", enc.name());
            assert!(got.ends_with("\r\n"));
            assert_eq!(decode_whole(&raw, enc).map(String::from_utf8), Some(Ok(got)));
            raw.insert(raw.len() / 2, 0xFF);
            assert!(crate::reading::input::decode_file("e.csv", &raw, Some(forced)).is_err());
            assert!(decode_whole(&raw, enc).is_none(), "{}: 0xFF is not valid", enc.name());
        }
        // UTF-8 is not transcoded: its byte-order mark is the header's.
        assert_eq!(
            text_encoding(b"\xEF\xBB\xBFunit\n", true, Some(ForcedEncoding::Utf8)),
            Ok(None)
        );
        assert_eq!(text_encoding(b"\xB5\xA5\n", true, Some(ForcedEncoding::Utf8)), Ok(None));
    }
}
