//! Evidence files mapped, hashed and checked as UTF-8 from the very start
//! of a run whose output names each file by its digest (the JSON result,
//! every unit in full), on a thread of their own put behind the run's
//! others. The framework and the units file are read on one core first,
//! the other idle, and the parse leaves a core idle now and then (a worker
//! waiting for its next chunk); the files are mapped to be read again
//! after the parse anyway. Hashing a provincial file takes a core about a
//! fifth of a second: the thread takes it where a core is idle, and what
//! is left when the digests are wanted is hashed by the thread that wants
//! them, block by block, at the run's own priority. Each block is checked
//! and hashed while in cache.

use super::*;
use std::path::Path;

/// The files being hashed: taken one by one once every one is.
#[derive(Debug)]
pub struct Early {
    work: Mutex<Work>,
    /// The digests are wanted: the thread leaves the rest to the one that
    /// wants them (it may not be given a core soon enough, and would hold
    /// the lock while it waits for one).
    wanted: AtomicBool,
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
    let early = Early::new(paths);
    std::thread::scope(|s| {
        let (early, stop) = (&early, &stop);
        s.spawn(move || {
            yield_to_the_run();
            let go_on = || !stop.load(Ordering::Relaxed) && !early.wanted.load(Ordering::Relaxed);
            while go_on() && early.step() {}
        });
        let t = run(early);
        stop.store(true, Ordering::Relaxed);
        t
    })
}

/// Put the calling thread behind the run's others: it takes a core when
/// one is idle (while the units file is read, when a worker waits), not a
/// share of the parse's cores. Whoever wants the digests before it is done
/// hashes the rest itself ([`Early::take`]), at the run's own priority.
fn yield_to_the_run() {
    // Linux gives each thread a nice value of its own (elsewhere
    // `setpriority` would lower the whole process).
    #[cfg(target_os = "linux")]
    // SAFETY: a plain system call, on the calling thread only (`who` 0).
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

impl Early {
    /// `paths`, none hashed yet.
    fn new(paths: &[PathBuf]) -> Early {
        Early {
            work: Mutex::new(Work {
                paths: paths.to_vec(),
                next: 0,
                now: None,
                done: Vec::new(),
            }),
            wanted: AtomicBool::new(false),
        }
    }

    /// The file at `path`, mapped and hashed, once every file is (those
    /// left hashed here): `None` when it could not be (not a regular file,
    /// not mapped), was taken before (a file given twice is mapped and
    /// hashed again), or the path names another file since.
    pub(super) fn take(&self, path: &Path) -> Option<Hashed> {
        self.wanted.store(true, Ordering::Relaxed);
        while self.step() {}
        let mut work = self.work.lock().ok()?;
        let at = work.done.iter().position(|h| h.path == path)?;
        let h = work.done.swap_remove(at);
        (h.id.is_some() && crate::base::file::identity(path) == h.id).then_some(h)
    }

    /// One block hashed, or the next file opened: `false` when every file
    /// is done.
    fn step(&self) -> bool {
        self.work.lock().is_ok_and(|mut w| w.step())
    }
}

/// The files to hash, the one being hashed, those done.
#[derive(Debug)]
struct Work {
    paths: Vec<PathBuf>,
    /// The next file to open.
    next: usize,
    now: Option<Job>,
    done: Vec<Hashed>,
}

/// A file being hashed.
#[derive(Debug)]
struct Job {
    path: PathBuf,
    id: Option<crate::base::file::FileId>,
    how: How,
}

#[derive(Debug)]
enum How {
    /// Mapped, and checked as UTF-8 as it is hashed.
    Mapped(memmap2::Mmap, crate::base::file::Utf8Hashing),
    /// A file whose head is not UTF-8 (GBK, UTF-16) is read again as the
    /// parse decoded it: it is only hashed, read a block at a time.
    /// Mapped, its pages would count among the run's memory while it is
    /// hashed, beside the parse's (512 MB for a province's UTF-16 file);
    /// read, they stay in the page cache. Either takes a core the same
    /// time.
    Read(std::fs::File, crate::base::file::ReadHashing),
}

impl Work {
    fn step(&mut self) -> bool {
        let Some(job) = &mut self.now else {
            let Some(p) = self.paths.get(self.next) else {
                return false;
            };
            self.next += 1;
            // A file that cannot be hashed is left out (read again later).
            self.now = open(p);
            return true;
        };
        let more = match &mut job.how {
            How::Mapped(map, h) => h.step(map),
            How::Read(f, h) => match h.step(f) {
                Ok(more) => more,
                // Not read to its end: not hashed (read again later).
                Err(_) => {
                    self.now = None;
                    return true;
                }
            },
        };
        if !more && let Some(job) = self.now.take() {
            let (map, sha256) = match job.how {
                How::Mapped(map, h) => {
                    let (sha256, utf8) = h.finish();
                    // Rows are read again in no order.
                    let _ = map.advise(memmap2::Advice::Random);
                    (utf8.then_some(map), sha256)
                }
                How::Read(_, h) => (None, h.finish()),
            };
            self.done.push(Hashed {
                path: job.path,
                id: job.id,
                map,
                sha256,
            });
        }
        true
    }
}

/// The file at `p`, to be hashed: `None` when it is not a regular file or
/// cannot be read.
fn open(p: &PathBuf) -> Option<Job> {
    use std::io::Seek;
    let id = crate::base::file::identity(p);
    // A pipe is read once, by the run: not opened here at all. Opened for
    // reading, one whose writer is gone would wait for another for ever
    // (and one put at the path since the look would not: not blocking).
    if !crate::base::file::is_regular(p) {
        return None;
    }
    let mut open = std::fs::OpenOptions::new();
    open.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        open.custom_flags(libc::O_NONBLOCK);
    }
    let mut f = open.open(p).ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    let mut head = Vec::with_capacity(BLOCK_HEADER);
    (&mut f).take(BLOCK_HEADER as u64).read_to_end(&mut head).ok()?;
    let how = if std::str::from_utf8(&head).is_err_and(|e| e.error_len().is_some()) {
        f.seek(std::io::SeekFrom::Start(0)).ok()?;
        How::Read(f, Default::default())
    } else {
        // SAFETY: as `detail::read_again`'s map, which this one becomes:
        // only read, as bytes; each row read from it is checked to be the
        // row parsed.
        let map = unsafe { memmap2::Mmap::map(&f) }.ok()?;
        let _ = map.advise(memmap2::Advice::Sequential);
        How::Mapped(map, crate::base::file::Utf8Hashing::by(1 << 20))
    };
    Some(Job {
        path: p.clone(),
        id,
        how,
    })
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
        // Hashed beside the run, and by the run alone (the thread not
        // started): the same.
        for beside in [true, false] {
            let check = |early: &Early| {
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
                std::fs::write(&paths[5], later).unwrap();
            };
            match beside {
                true => hashing_early(&paths, check),
                false => check(&Early::new(&paths)),
            }
        }
    }

    /// A named pipe is not hashed here (the run reads it once, as text),
    /// and not waited on: opened for reading, a pipe whose writer is gone
    /// would wait for another for ever, and the run with it.
    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_left_alone_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("e.csv");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let (tx, rx) = std::sync::mpsc::channel();
        let paths = vec![fifo.clone()];
        std::thread::spawn(move || {
            let early = Early::new(&paths);
            let _ = tx.send(early.take(&paths[0]).is_none());
        });
        let left = rx.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(left, Ok(true), "a pipe without a writer held the hashing");
    }
}
