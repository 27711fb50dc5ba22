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

/// Ask for the cache line at `p` ahead of its use: a hint, which never
/// faults whatever the address.
#[inline(always)]
pub fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; it never faults, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p.cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Let go of `x` on a thread of its own: freeing a province's results and
/// tables takes from tens of milliseconds (the bulk path's) to seconds (the
/// detailed path's millions of texts), which the caller need not wait for,
/// and a process about to exit does not wait at all.
pub fn drop_aside<T: Send + 'static>(x: T) {
    // Were no thread to be had, the closure, and `x` with it, is dropped
    // here.
    let _ = std::thread::Builder::new().spawn(move || drop(x));
}

/// A value let go of with [`drop_aside`] when it goes out of scope, on
/// whichever path the scope is left: a command's assessment, held by a
/// command with many ways to return.
pub struct Aside<T: Send + 'static>(Option<T>);

impl<T: Send + 'static> Aside<T> {
    pub fn new(x: T) -> Aside<T> {
        Aside(Some(x))
    }
}

impl<T: Send + 'static> std::ops::Deref for Aside<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.0.as_ref().expect("held until dropped")
    }
}

impl<T: Send + 'static> Drop for Aside<T> {
    fn drop(&mut self) {
        if let Some(x) = self.0.take() {
            drop_aside(x);
        }
    }
}
