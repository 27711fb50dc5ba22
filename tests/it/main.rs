//! Integration tests: drive the real `kaohe` binary.
//!
//! Fixtures are written inline, small enough to work out by hand
//! (`fixtures::MINI`), plus the shipped examples; tables and JSON of the
//! examples are kept as `insta` snapshots in `snapshots/`.

mod browser;
mod fixtures;
mod forced;
mod fuzzing;
mod hostile;
mod html;
mod ledger;
mod letters;
mod malformed;
mod oracle;
mod outputs;
mod props;
mod quadratic;
mod reference;
mod scale;
mod selfassess;
mod template;
mod util;
mod xlsx_input;
mod xlsx_output;

mod check;
mod cohort;
mod cohort_oracle;
mod combine;
mod deficiencies;
mod detailed;
mod diff;
mod edges;
mod encoding;
mod errors;
mod exact;
mod explain;
mod grades;
mod help_zh;
mod invisible;
mod json;
mod messages_zh;
mod mistakes;
mod office;
mod periods;
mod progress;
mod raters;
mod readme;
mod robust;
mod score;
mod snapshots;
mod tampered;
mod terminal;
mod trend;
mod usage;
