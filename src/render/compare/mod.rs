//! Period-over-period reports: `diff` (two periods) and `trend` (several).
//!
//! Tables and Markdown lead with a summary, then the units, then the
//! problems found again (整改不到位) in a table of their own so they cannot
//! be missed, rectification by indicator and the framework's revisions.
//! CSV carries the unit table only (one row per unit, indicator lists in
//! full); JSON carries everything (schema in docs/compare.md).

mod diff;
mod json;
mod trend;
mod words;

pub use diff::*;
pub use json::*;
pub use trend::*;
pub use words::{percent, signed, signed_int};
