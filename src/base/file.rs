//! A whole file's bytes, within the size kaohe reads, and the SHA-256 that
//! identifies every file read in results.

use sha2::{Digest, Sha256};

/// Largest input file read: room for a province-wide evidence file
/// (100,000 units × 60 indicators is some 300 MiB) while keeping memory
/// bounded, and a stop for a path that names something endless
/// (`/dev/zero`, a pipe that never closes).
pub const MAX_FILE_BYTES: u64 = 512 << 20;

/// The bytes of each pipe read so far (`<(iconv …)`, `/dev/stdin`), by
/// its path, or `None` for one larger than [`MAX_FILE_BYTES`]: a pipe
/// gives its bytes once, and the run may read an input more than once
/// (the fast reader, then the reader that words its problems).
type Pipes = Vec<(std::path::PathBuf, Option<std::sync::Arc<[u8]>>)>;
static PIPES: std::sync::Mutex<Pipes> = std::sync::Mutex::new(Vec::new());

/// A whole input file, at most [`MAX_FILE_BYTES`]; the error is the message.
/// A pipe is read once: a second call gives the same bytes, or the same
/// error.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let too_large = || {
        crate::base::lang::msg!(
            zh: "文件超过 {} MiB，超出 kaohe 可读取的上限（佐证可拆分为多个文件）",
            en: "the file is larger than {} MiB, the most kaohe reads (evidence may be split into several files)",
            MAX_FILE_BYTES >> 20
        )
    };
    // Looked up before the pipe is opened again: opening a named pipe
    // waits for a writer.
    let mut pipes = match std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
        true => Some(PIPES.lock().unwrap_or_else(std::sync::PoisonError::into_inner)),
        false => None,
    };
    if let Some((_, kept)) = pipes.as_ref().and_then(|p| p.iter().find(|(p, _)| p == path)) {
        return kept.as_ref().map(|b| b.to_vec()).ok_or_else(too_large);
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(
            |e| crate::base::lang::msg!(zh: "无法读取：{}", en: "cannot read: {}", crate::base::lang::io_error(&e)),
        )?;
    let fits = bytes.len() as u64 <= MAX_FILE_BYTES;
    if let Some(pipes) = &mut pipes {
        pipes.push((path.to_path_buf(), fits.then(|| bytes.as_slice().into())));
    }
    match fits {
        true => Ok(bytes),
        false => Err(too_large()),
    }
}

/// The SHA-256 of `bytes`, in lower-case hex: how every file read is
/// identified in results.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// [`sha256_hex`] of the file at `path`, read a piece at a time.
pub fn sha256_of_file(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        match f.read(&mut buf) {
            Ok(0) => return Ok(hex(&hasher.finalize())),
            Ok(n) => hasher.update(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
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
