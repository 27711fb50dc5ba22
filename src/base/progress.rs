//! Progress on stderr while reading large inputs.
//!
//! Evidence for a whole province can run to hundreds of megabytes; reading
//! it takes long enough that a silent terminal looks hung. Inputs larger
//! than [`threshold`] (50 MB, or `KAOHE_PROGRESS_BYTES`) get a progress bar
//! on stderr — only when stderr is a terminal, so pipes, files and CI logs
//! never see one. The bar is cleared when reading is done.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// Inputs of at least this many bytes show progress.
pub const DEFAULT_THRESHOLD: u64 = 50 * 1024 * 1024;

/// The size from which progress is shown: `KAOHE_PROGRESS_BYTES` when set
/// to a number, else [`DEFAULT_THRESHOLD`].
pub fn threshold() -> u64 {
    std::env::var("KAOHE_PROGRESS_BYTES")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(DEFAULT_THRESHOLD)
}

/// Should an input of `len` bytes show progress, with stderr a terminal or not?
pub fn wanted(len: u64, terminal: bool) -> bool {
    terminal && len >= threshold()
}

/// A bar over `len` bytes of `name`, or `None` when none is wanted.
pub fn bytes(name: &str, len: u64) -> Option<ProgressBar> {
    if !wanted(len, std::io::stderr().is_terminal()) {
        return None;
    }
    let pb = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:32}] {binary_bytes}/{binary_total_bytes} {eta}")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    pb.set_message(name.to_string());
    Some(pb)
}

/// A spinner for work that cannot count its steps (decompressing a
/// workbook), or `None` when none is wanted.
pub fn spinner(name: &str, len: u64) -> Option<ProgressBar> {
    if !wanted(len, std::io::stderr().is_terminal()) {
        return None;
    }
    let pb = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    pb.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").expect("a valid template"));
    pb.set_message(name.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(pb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_large_inputs_on_a_terminal() {
        assert!(!wanted(DEFAULT_THRESHOLD, false), "never without a terminal");
        if std::env::var_os("KAOHE_PROGRESS_BYTES").is_none() {
            assert!(wanted(DEFAULT_THRESHOLD, true));
            assert!(!wanted(DEFAULT_THRESHOLD - 1, true));
        }
    }
}
