//! A whole file's bytes, within the size kaohe reads, and the SHA-256 that
//! identifies every file read in results.

use sha2::{Digest, Sha256};

/// Largest input file read: room for a province-wide evidence file
/// (100,000 units × 60 indicators is some 300 MiB) while keeping memory
/// bounded, and a stop for a path that names something endless
/// (`/dev/zero`, a pipe that never closes).
pub const MAX_FILE_BYTES: u64 = 512 << 20;

/// What tells a file from another, whatever it is called: two names of
/// one file (`./e.csv` and `e.csv`, a link, `/dev/stdin` and `/dev/fd/0`
/// for one pipe) give the same ([`identity`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileId {
    /// The device and inode.
    Node(u64, u64),
    /// The path made absolute, links followed (where there are no
    /// inodes).
    Path(std::path::PathBuf),
}

/// The [`FileId`] of the file at `path`; `None` for a path that names
/// nothing.
pub fn identity(path: &std::path::Path) -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(FileId::Node(m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        path.canonicalize().ok().map(FileId::Path)
    }
}

/// The bytes of each pipe read so far (`<(iconv …)`, `/dev/stdin`), by
/// the pipe, or `None` for one larger than [`MAX_FILE_BYTES`]: a pipe
/// gives its bytes once, and the run may read an input more than once
/// (the fast reader, then the reader that words its problems).
type Pipes = Vec<(FileId, Option<std::sync::Arc<[u8]>>)>;
static PIPES: std::sync::Mutex<Pipes> = std::sync::Mutex::new(Vec::new());

/// A whole input file, at most [`MAX_FILE_BYTES`]; the error is the message.
/// A pipe is read once: a second call gives the same bytes, or the same
/// error.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
    match read_pipe(path) {
        Some(kept) => kept.map(|b| b.to_vec()),
        None => read_whole(path)?.ok_or_else(too_large),
    }
}

/// The bytes of the pipe at `path` ([`read_file`]), as kept for the run,
/// without a copy; `None` when `path` is not a pipe.
pub fn read_pipe(path: &std::path::Path) -> Option<Result<std::sync::Arc<[u8]>, String>> {
    // Looked up before the pipe is opened again: opening a named pipe
    // waits for a writer.
    if !std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        return None;
    }
    let id = identity(path)?;
    let mut pipes = PIPES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let kept = match pipes.iter().find(|(p, _)| *p == id) {
        Some((_, kept)) => kept.clone(),
        None => {
            let kept = match read_whole(path) {
                Ok(bytes) => bytes.map(std::sync::Arc::<[u8]>::from),
                Err(m) => return Some(Err(m)), // not read: nothing kept
            };
            pipes.push((id, kept.clone()));
            kept
        }
    };
    Some(kept.ok_or_else(too_large))
}

/// Why a file is not read: it is larger than [`MAX_FILE_BYTES`].
fn too_large() -> String {
    crate::base::lang::msg!(
        zh: "文件超过 {} MiB，超出 kaohe 可读取的上限（佐证可拆分为多个文件）",
        en: "the file is larger than {} MiB, the most kaohe reads (evidence may be split into several files)",
        MAX_FILE_BYTES >> 20
    )
}

/// The whole file at `path`, read from the file itself, or `None` when
/// it is larger than [`MAX_FILE_BYTES`]; the error is the message.
fn read_whole(path: &std::path::Path) -> Result<Option<Vec<u8>>, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(
            |e| crate::base::lang::msg!(zh: "无法读取：{}", en: "cannot read: {}", crate::base::lang::io_error(&e)),
        )?;
    Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
}

/// The SHA-256 of `bytes`, in lower-case hex: how every file read is
/// identified in results.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The SHA-256 of some bytes and whether they are UTF-8, worked out a
/// block at a time, so that it can be taken up between blocks (by another
/// thread, too): each block is hashed while still in cache from being
/// checked.
#[derive(Debug)]
pub struct Utf8Hashing {
    hasher: Sha256,
    block: usize,
    /// Bytes done.
    at: usize,
    utf8: bool,
}

impl Utf8Hashing {
    /// A block of `block` bytes at a time (about: cut at a character).
    pub fn by(block: usize) -> Utf8Hashing {
        Utf8Hashing {
            hasher: Sha256::new(),
            block: block.max(1),
            at: 0,
            utf8: true,
        }
    }

    /// Check and hash the next block of `bytes` (the same bytes each
    /// time): `false`, with nothing done, when all are done.
    pub fn step(&mut self, bytes: &[u8]) -> bool {
        let at = self.at;
        if at >= bytes.len() {
            return false;
        }
        // A block ends before a character's continuation bytes (a
        // character is at most 4 bytes): UTF-8 in pieces cut there is
        // UTF-8 whole, and UTF-8 whole is so in each piece.
        let cut = (at + self.block).min(bytes.len());
        let inside = |i: usize| i < bytes.len() && bytes[i] & 0xC0 == 0x80;
        let mut end = cut;
        while end > at && cut - end < 3 && inside(end) {
            end -= 1;
        }
        // A block shorter than the character: past it instead.
        if end == at {
            end = cut;
            while end - cut < 3 && inside(end) {
                end += 1;
            }
        }
        let piece = &bytes[at..end];
        self.utf8 = self.utf8 && simdutf8::basic::from_utf8(piece).is_ok();
        self.hasher.update(piece);
        self.at = end;
        true
    }

    /// The digest in hex, and whether the bytes are UTF-8 throughout.
    pub fn finish(self) -> (String, bool) {
        (hex(&self.hasher.finalize()), self.utf8)
    }
}

/// [`sha256_hex`] of the file at `path`, read a piece at a time.
pub fn sha256_of_file(path: &std::path::Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = ReadHashing::default();
    while h.step(&mut f)? {}
    Ok(h.finish())
}

/// The SHA-256 of what a reader gives, a piece at a time, so that it can
/// be taken up between pieces (by another thread, too).
#[derive(Debug, Default)]
pub struct ReadHashing {
    hasher: Sha256,
    buf: Vec<u8>,
}

impl ReadHashing {
    /// Read and hash the next piece of `r` (the same reader each time):
    /// `false` at its end.
    pub fn step(&mut self, r: &mut impl std::io::Read) -> std::io::Result<bool> {
        self.buf.resize(1 << 20, 0);
        loop {
            match r.read(&mut self.buf) {
                Ok(0) => return Ok(false),
                Ok(n) => {
                    self.hasher.update(&self.buf[..n]);
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The digest, in hex.
    pub fn finish(self) -> String {
        hex(&self.hasher.finalize())
    }
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Is `path` a regular file (not a pipe, not missing)?
pub fn is_regular(path: &std::path::Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// The first `n` bytes of the file at `path`, if it is a regular file: a
/// pipe (`<(iconv …)`, `/dev/stdin`) is read once only, and a look at its
/// head would take those bytes from the reader that follows. `None` for
/// anything else, or a file that cannot be read (reported where it is read).
pub fn head(path: &std::path::Path, n: u64) -> Option<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path).ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    let mut head = Vec::new();
    file.take(n).read_to_end(&mut head).ok()?;
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts of 1–4-byte characters and bytes not UTF-8, cut in blocks of
    /// every small size: the digest and the answer are those of the whole.
    #[test]
    fn hashed_and_checked_by_blocks_as_whole() {
        let chars = ["a", "é", "考", "𝄞", "\n"];
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for case in 0..300 {
            let mut text = Vec::new();
            for _ in 0..next(40) {
                text.extend_from_slice(chars[next(chars.len() as u64) as usize].as_bytes());
            }
            // Some not UTF-8: a byte dropped, or one not valid anywhere.
            match case % 3 {
                1 if !text.is_empty() => {
                    text.remove(next(text.len() as u64) as usize);
                }
                2 => {
                    let at = next(text.len() as u64 + 1) as usize;
                    text.insert(at, 0xFF);
                }
                _ => {}
            }
            let want = (sha256_hex(&text), std::str::from_utf8(&text).is_ok());
            for block in 1..=9 {
                let mut h = Utf8Hashing::by(block);
                while h.step(&text) {}
                assert_eq!(h.finish(), want.clone(), "{text:?} in blocks of {block}");
            }
        }
        let mut h = Utf8Hashing::by(4);
        assert!(!h.step(b""), "nothing to do");
        assert_eq!(h.finish(), (sha256_hex(b""), true));
    }
}
