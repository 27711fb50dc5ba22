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
