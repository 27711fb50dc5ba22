//! Evidence files mapped, hashed and checked as UTF-8 on a thread of their
//! own from the very start of a run whose output names each file by its
//! digest (the JSON result, every unit in full). The framework and the
//! units file are read on one core first, the other idle, and the files
//! are mapped to be read again after the parse anyway. Hashing a
//! provincial file takes a core about a fifth of a second; started while
//! the units file is read, part of it takes no time from the parse, and
//! each block is checked and hashed while in cache.

use super::*;
use std::path::Path;

/// The files being hashed: taken one by one once the thread is done.
#[derive(Debug)]
pub struct Early {
    /// The thread's answer, until first asked for.
    given: Mutex<Option<mpsc::Receiver<Vec<Hashed>>>>,
    got: Mutex<Vec<Hashed>>,
}

/// A regular file as it was when hashed.
#[derive(Debug)]
pub(super) struct Hashed {
    path: PathBuf,
    id: Option<crate::base::file::FileId>,
    /// The file mapped (as [`super::detail::Whole::Mapped`]), its pages
    /// touched by the hashing, if it is UTF-8 throughout. A file not
    /// UTF-8 is read again as the parse decoded it: its map is let go as
    /// soon as it is hashed, not held through the parse.
    pub(super) map: Option<memmap2::Mmap>,
    pub(super) sha256: String,
}

/// `run`, with `paths` hashed beside it from the start ([`Early`]). The
/// thread stops between blocks once `run` is done: a run given up
/// (problems to say) waits for no file to be hashed.
pub fn hashing_early<T>(paths: &[PathBuf], run: impl FnOnce(&Early) -> T) -> T {
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        let (give, given) = mpsc::channel();
        let stop = &stop;
        s.spawn(move || {
            let _ = give.send(hash_each(paths, || stop.load(Ordering::Relaxed)));
        });
        let early = Early {
            given: Mutex::new(Some(given)),
            got: Mutex::new(Vec::new()),
        };
        let t = run(&early);
        stop.store(true, Ordering::Relaxed);
        t
    })
}

impl Early {
    /// The file at `path`, mapped and hashed, once the thread is done with
    /// every file: `None` when it could not be (not a regular file, not
    /// mapped, stopped), was taken before (a file given twice is mapped
    /// and hashed again), or the path names another file since.
    pub(super) fn take(&self, path: &Path) -> Option<Hashed> {
        let mut got = self.got.lock().ok()?;
        if let Some(given) = self.given.lock().ok()?.take() {
            got.extend(given.recv().unwrap_or_default());
        }
        let at = got.iter().position(|h| h.path == path)?;
        let h = got.swap_remove(at);
        (h.id.is_some() && crate::base::file::identity(path) == h.id).then_some(h)
    }
}

fn hash_each(paths: &[PathBuf], stop: impl Fn() -> bool + Copy) -> Vec<Hashed> {
    use std::io::Seek;
    let hashed = |p: &PathBuf| -> Option<Hashed> {
        let id = crate::base::file::identity(p);
        let mut f = std::fs::File::open(p).ok()?;
        if !f.metadata().ok()?.is_file() {
            return None;
        }
        // A file whose head is not UTF-8 (GBK, UTF-16) is read again as
        // the parse decodes it: it is only hashed, read a block at a time.
        // Mapped, its pages would count among the run's memory while it
        // is hashed, beside the parse's (512 MB for a province's UTF-16
        // file); read, they stay in the page cache. Either takes a core
        // the same time.
        let mut head = Vec::with_capacity(BLOCK_HEADER);
        (&mut f).take(BLOCK_HEADER as u64).read_to_end(&mut head).ok()?;
        if std::str::from_utf8(&head).is_err_and(|e| e.error_len().is_some()) {
            f.seek(std::io::SeekFrom::Start(0)).ok()?;
            let sha256 = crate::base::file::sha256_of_read(&mut f, stop).ok()??;
            return Some(Hashed {
                path: p.clone(),
                id,
                map: None,
                sha256,
            });
        }
        // SAFETY: as `detail::read_again`'s map, which this one becomes:
        // only read, as bytes; each row read from it is checked to be the
        // row parsed.
        let map = unsafe { memmap2::Mmap::map(&f) }.ok()?;
        let _ = map.advise(memmap2::Advice::Sequential);
        let (sha256, utf8) = crate::base::file::sha256_and_utf8(&map, stop)?;
        // Rows are read again in no order.
        let _ = map.advise(memmap2::Advice::Random);
        Some(Hashed {
            path: p.clone(),
            id,
            map: utf8.then_some(map),
            sha256,
        })
    };
    paths.iter().filter_map(hashed).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::file::sha256_hex;

    /// Each regular file is given once, with the digest of its bytes, and
    /// mapped as it is if they are UTF-8; a path that names no file,
    /// a file taken before and a file replaced since are not given.
    #[test]
    fn each_file_is_given_once_as_it_was_hashed() {
        let dir = tempfile::tempdir().unwrap();
        let path = |n: &str| dir.path().join(n);
        let (utf8, gbk, later) = ("单位,指标\n".as_bytes(), b"\xb5\xa5\xce\xbb\n", b"a,b\n");
        // Read past its head (64 KiB) and past a block (1 MiB): GBK from
        // the start, and GBK after 100,000 bytes of ASCII.
        let gbk_long = gbk.repeat(300_000);
        let gbk_late = [&b"a,b\n".repeat(25_000)[..], &gbk_long].concat();
        std::fs::write(path("utf8.csv"), utf8).unwrap();
        std::fs::write(path("gbk.csv"), gbk).unwrap();
        std::fs::write(path("gbk-long.csv"), &gbk_long).unwrap();
        std::fs::write(path("gbk-late.csv"), &gbk_late).unwrap();
        std::fs::write(path("replaced.csv"), later).unwrap();
        let paths = [
            "utf8.csv",
            "gbk.csv",
            "gbk-long.csv",
            "gbk-late.csv",
            "missing.csv",
            "replaced.csv",
        ]
        .map(path);
        hashing_early(&paths, |early| {
            let h = early.take(&paths[0]).expect("hashed");
            assert_eq!((h.map.as_deref(), h.sha256), (Some(utf8), sha256_hex(utf8)));
            assert!(early.take(&paths[0]).is_none(), "given once");
            for (path, bytes) in paths[1..4].iter().zip([&gbk[..], &gbk_long, &gbk_late]) {
                let h = early.take(path).expect("hashed");
                assert_eq!((h.map.as_deref(), h.sha256), (None, sha256_hex(bytes)), "{path:?}");
            }
            assert!(early.take(&paths[4]).is_none(), "no file");
            // Another file put in its place since: not the one hashed.
            std::fs::write(path("new.csv"), b"a,b\n").unwrap();
            std::fs::rename(path("new.csv"), &paths[5]).unwrap();
            assert!(early.take(&paths[5]).is_none(), "replaced");
        });
    }
}
