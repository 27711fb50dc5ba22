//! The foundation every layer stands on: exact decimals and their
//! formatting, the message language, located diagnostics, periods, the
//! progress line and the Chinese `--help`.

pub mod diag;
pub mod file;
pub mod help_zh;
pub mod lang;
pub mod num;
pub mod period;
pub mod progress;

/// Let go of `x` on a thread of its own: freeing a province's results and
/// tables takes from tens of milliseconds (the bulk path's) to seconds (the
/// detailed path's millions of texts), which the caller need not wait for,
/// and a process about to exit does not wait at all.
pub fn drop_aside<T: Send + 'static>(x: T) {
    // Were no thread to be had, the closure, and `x` with it, is dropped
    // here.
    let _ = std::thread::Builder::new().spawn(move || drop(x));
}
