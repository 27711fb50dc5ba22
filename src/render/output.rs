//! Writing results: stdout or a file, whole or not at all.
//!
//! A file is written to a temporary file in the same directory and renamed
//! into place, so a failed run never leaves a half-written report and never
//! touches an existing file. Writing over one of the run's own inputs is
//! refused. A closed pipe on stdout (`kaohe score | head`) is not an error.

use crate::render::Format;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Start CSV files with a UTF-8 byte-order mark? On unless `--no-bom`: the
/// mark is what makes Excel and WPS read a CSV file's Chinese correctly.
/// Set once, from the output options, before anything is written.
static CSV_BOM: AtomicBool = AtomicBool::new(true);

/// `--no-bom`: write CSV files without the byte-order mark.
pub fn set_csv_bom(on: bool) {
    CSV_BOM.store(on, Ordering::Relaxed);
}

/// Where output goes.
#[derive(Debug, Clone)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

/// The format to write: `--format` if given, else the file extension, else
/// the terminal table.
pub fn resolve_format(format: Option<Format>, output: Option<&Path>) -> Result<Format, String> {
    match (format, output) {
        (Some(f), _) => Ok(f),
        (None, None) => Ok(Format::Table),
        (None, Some(p)) => Format::from_path(p).ok_or_else(|| {
            crate::base::lang::msg!(
                zh: "无法从“{}”判断输出格式：请使用 .csv、.json、.md、.txt、.xlsx 或 .html 文件名，或指定 --format",
                en: "cannot tell the format from \"{}\": use a .csv, .json, .md, .txt, .xlsx or .html name, or --format",
                p.display()
            )
        }),
    }
}

/// Refuse to write over an input of this run.
pub fn check_not_input(output: &Path, inputs: &[PathBuf]) -> Result<(), String> {
    let Ok(out) = output.canonicalize() else {
        return Ok(()); // does not exist yet
    };
    for i in inputs {
        if i.canonicalize().is_ok_and(|p| p == out) {
            return Err(crate::base::lang::msg!(
                zh: "拒绝用输出覆盖输入文件 {}",
                en: "refusing to write the output over the input file {}",
                i.display()
            ));
        }
    }
    Ok(())
}

/// Write `text` to the destination. CSV written to a file starts with a
/// UTF-8 BOM so Excel opens it with Chinese intact (unless `--no-bom`).
pub fn emit(text: &str, format: Format, dest: &Destination) -> std::io::Result<()> {
    // Text meant to be read (titles, reconciliation lines, notes quoted in
    // them) must not carry escape sequences or carriage returns that a
    // terminal would obey; CSV cells are guarded by the CSV writer and JSON
    // escapes control characters itself.
    let text = match format {
        Format::Table | Format::Md => std::borrow::Cow::Owned(escape_lines(text)),
        _ => std::borrow::Cow::Borrowed(text),
    };
    let bom: &[u8] = match dest {
        Destination::File(_) if format == Format::Csv && CSV_BOM.load(Ordering::Relaxed) => b"\xEF\xBB\xBF",
        _ => b"",
    };
    emit_bytes(&[bom, text.as_bytes()].concat(), dest)
}

/// Text for the terminal or Markdown with the control characters of each
/// line escaped (see [`emit`]); line ends kept.
pub fn escape_lines(text: &str) -> String {
    text.split('\n')
        .map(crate::base::diag::escape_controls)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Write bytes (a workbook, a report) to the destination.
pub fn emit_bytes(bytes: &[u8], dest: &Destination) -> std::io::Result<()> {
    match dest {
        Destination::Stdout => {
            let mut out = std::io::stdout().lock();
            match out.write_all(bytes).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        }
        Destination::File(path) => write_atomic(path, bytes),
    }
}

/// Like [`emit`], for output written piece by piece by `write` (large
/// results that are never held whole in memory); a file is still written
/// whole or not at all.
pub fn emit_with(
    format: Format,
    dest: &Destination,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match dest {
        Destination::Stdout => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            match write(&mut out).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        }
        Destination::File(path) => write_atomic_with(path, |w| {
            if format == Format::Csv && CSV_BOM.load(Ordering::Relaxed) {
                w.write_all(b"\xEF\xBB\xBF")?;
            }
            write(w)
        }),
    }
}

/// Write every one of `pieces` to `w`, in order, a bounded number at a
/// time (`IOV_MAX` is 1024 on Linux): a writer that buffers hands pieces
/// larger than its buffer on without copying them.
pub fn write_all_vectored(w: &mut dyn Write, mut pieces: &mut [std::io::IoSlice]) -> std::io::Result<()> {
    const AT_ONCE: usize = 1024;
    while !pieces.is_empty() {
        let n = pieces.len().min(AT_ONCE);
        if pieces[..n].iter().all(|p| p.is_empty()) {
            pieces = &mut std::mem::take(&mut pieces)[n..];
            continue;
        }
        match w.write_vectored(&pieces[..n]) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(written) => std::io::IoSlice::advance_slices(&mut pieces, written),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Write bytes to `path` via a temporary file and a rename.
///
/// A symbolic link is written through (its target is replaced, not the
/// link); a link that leads nowhere (dangling, or a loop) is refused, as
/// replacing it would put a file where the link was. A path that is not a
/// regular file — `/dev/stdout`, a named pipe, a terminal — cannot be
/// replaced by a rename (and must not be: renaming over `/dev/stdout` would
/// put a plain file in its place), so it is written to directly. An
/// existing file keeps its permission bits (a 0600 report stays private);
/// a read-only one is refused, not silently replaced.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// An error whose text is the message (shown as it is in both languages).
fn refusal(zh: &str, en: &str) -> std::io::Error {
    std::io::Error::other(crate::base::lang::m(zh, en).to_string())
}

/// [`write_atomic`] for output produced piece by piece (a streamed
/// provincial ranking): `write` fills a buffered writer on the temporary
/// file, which is renamed into place only when it succeeded.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let resolved;
    let path = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => match path.canonicalize() {
            Ok(target) => {
                resolved = target;
                resolved.as_path()
            }
            Err(_) => {
                return Err(refusal(
                    "这是一个指向不存在目标的符号链接（或链接成环），拒绝替换该链接；请删除它或换一个文件名",
                    "it is a symbolic link that leads to nothing (dangling, or a loop of links); refusing to replace the link: remove it or name another file",
                ));
            }
        },
        _ => path,
    };
    let existing = std::fs::metadata(path).ok();
    if let Some(m) = &existing
        && !m.is_file()
    {
        if m.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                crate::base::lang::m("这是一个目录", "it is a directory"),
            ));
        }
        let mut f = std::io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
        return write(&mut f).and_then(|_| f.flush());
    }
    if existing.as_ref().is_some_and(|m| m.permissions().readonly()) {
        return Err(refusal(
            "文件是只读的，拒绝替换；如需覆盖，请先取消只读属性，或换一个文件名",
            "the file is read-only; refusing to replace it: make it writable first, or name another file",
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".kaohe-").suffix(".tmp");
    // Reports are shared: ask for rw-rw-rw- and let the umask decide, as a
    // plain file creation would (a temporary file is otherwise owner-only).
    // A file replaced keeps its own bits.
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        existing.as_ref().map_or(0o666, |m| m.permissions().mode() & 0o7777)
    };
    // The name is registered for removal on a signal before the file
    // exists, so no moment leaves it behind.
    let _pending = cleanup::Pending;
    let mut tmp = builder
        .make_in(dir, |p| {
            cleanup::register(p);
            let mut open = std::fs::OpenOptions::new();
            open.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                open.mode(mode);
            }
            open.open(p)
        })
        .map_err(|e| {
            // The temporary file's random name is noise in the message.
            let text = e.to_string();
            let text = text.split(" at path \"").next().unwrap_or(&text).to_string();
            std::io::Error::new(e.kind(), text)
        })?;
    // The mode asked for at creation is cut by the umask: set it whole.
    #[cfg(unix)]
    if let Some(m) = &existing {
        tmp.as_file().set_permissions(m.permissions())?;
    }
    // On the file itself: pieces written together (`write_all_vectored`)
    // go to it as they are, not through the buffer.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
    write(&mut out)?;
    out.flush()?;
    drop(out);
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The temporary file being written, removed if the run is interrupted.
///
/// Ctrl-C, `kill` (SIGTERM) and a closed terminal (SIGHUP) end the process
/// without unwinding, so the temporary file's own clean-up never runs and a
/// hidden `.kaohe-*.tmp` of up to hundreds of MB stays behind. While one is
/// being written, a handler for those signals removes it (`unlink` is safe
/// in a signal handler) and then lets the signal end the process as it
/// would have. The handler uses `libc`, already a dependency on Linux,
/// rather than a crate of its own.
#[cfg(target_os = "linux")]
mod cleanup {
    use std::ffi::CString;
    use std::path::Path;
    use std::sync::Once;
    use std::sync::atomic::{AtomicPtr, Ordering};

    /// The path of the temporary file being written, or null.
    static PENDING: AtomicPtr<libc::c_char> = AtomicPtr::new(std::ptr::null_mut());
    static INSTALL: Once = Once::new();
    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    extern "C" fn on_signal(sig: libc::c_int) {
        let p = PENDING.swap(std::ptr::null_mut(), Ordering::SeqCst);
        // SAFETY: `p` is null or a NUL-terminated path leaked by
        // `register` and freed only after being swapped out, which
        // this handler just did; unlink, signal and raise are
        // async-signal-safe.
        unsafe {
            if !p.is_null() {
                libc::unlink(p);
            }
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }

    /// Clears the registered temporary file when dropped (the file is
    /// then renamed into place, or removed by its own clean-up).
    pub struct Pending;

    /// Register the temporary file about to be created at `path` for
    /// removal on a signal (replacing any earlier name tried).
    pub fn register(path: &Path) {
        use std::os::unix::ffi::OsStrExt;
        {
            INSTALL.call_once(|| {
                for sig in SIGNALS {
                    // SAFETY: installing a handler that only does
                    // async-signal-safe work; a signal ignored by the
                    // parent (nohup) stays ignored.
                    unsafe {
                        let mut old: libc::sigaction = std::mem::zeroed();
                        if libc::sigaction(sig, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_IGN {
                            continue;
                        }
                        let mut act: libc::sigaction = std::mem::zeroed();
                        act.sa_sigaction = on_signal as *const () as libc::sighandler_t;
                        libc::sigemptyset(&mut act.sa_mask);
                        libc::sigaction(sig, &act, std::ptr::null_mut());
                    }
                }
            });
            if let Ok(c) = CString::new(path.as_os_str().as_bytes()) {
                let old = PENDING.swap(c.into_raw(), Ordering::SeqCst);
                free(old);
            }
        }
    }

    impl Drop for Pending {
        fn drop(&mut self) {
            free(PENDING.swap(std::ptr::null_mut(), Ordering::SeqCst));
        }
    }

    fn free(p: *mut libc::c_char) {
        if !p.is_null() {
            // SAFETY: `p` came from `CString::into_raw` and was swapped
            // out of PENDING, so nothing else holds it.
            drop(unsafe { CString::from_raw(p) });
        }
    }
}

/// Elsewhere the temporary file is removed when a run fails, not when it is
/// interrupted.
#[cfg(not(target_os = "linux"))]
mod cleanup {
    pub struct Pending;
    pub fn register(_: &std::path::Path) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer taking at most `most` bytes of the first pieces at a time,
    /// as a pipe or a slow disk may.
    struct Trickle {
        most: usize,
        got: Vec<u8>,
        calls: usize,
    }

    impl Write for Trickle {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.write_vectored(&[std::io::IoSlice::new(b)])
        }
        fn write_vectored(&mut self, pieces: &[std::io::IoSlice]) -> std::io::Result<usize> {
            self.calls += 1;
            assert!(pieces.len() <= 1024, "no more pieces than writev takes");
            let mut n = 0;
            for p in pieces {
                let take = p.len().min(self.most - n);
                self.got.extend_from_slice(&p[..take]);
                n += take;
                if n == self.most {
                    break;
                }
            }
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Every byte of every piece, in order, however few a write takes;
    /// empty pieces (some at the end) are no reason to stop or fail.
    #[test]
    fn every_piece_is_written_whole_and_in_order() {
        let texts: Vec<Vec<u8>> = (0..3000)
            .map(|i: usize| {
                if i.is_multiple_of(7) {
                    Vec::new()
                } else {
                    format!("{i},行{i}\n").into_bytes()
                }
            })
            .chain([Vec::new(), Vec::new()])
            .collect();
        let want = texts.concat();
        for most in [1, 5, 64, 1 << 20] {
            let mut pieces: Vec<std::io::IoSlice> = texts.iter().map(|t| std::io::IoSlice::new(t)).collect();
            let mut w = Trickle {
                most,
                got: Vec::new(),
                calls: 0,
            };
            write_all_vectored(&mut w, &mut pieces).unwrap();
            assert_eq!(w.got, want, "at most {most} bytes a write");
            assert!(w.calls >= want.len().div_ceil(most));
        }
        // More empty pieces than a write takes, then one that is not: no
        // call for the empty ones alone.
        let mut pieces = vec![std::io::IoSlice::new(b""); 2500];
        pieces.push(std::io::IoSlice::new(b"end"));
        let mut w = Trickle {
            most: 8,
            got: Vec::new(),
            calls: 0,
        };
        write_all_vectored(&mut w, &mut pieces).unwrap();
        assert_eq!((&w.got[..], w.calls), (&b"end"[..], 1));
    }
}
