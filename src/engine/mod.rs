//! The engine: scoring and ranking, grades, cohort rules, rectification
//! lists and the way to the next grade, period-over-period comparison,
//! the year from its quarters, ranking robustness, returned ledgers and
//! collection templates; and `bulk`, the compact path for large clean
//! CSV. Uses the model and the reading layer; used by the renderers and
//! the commands.

pub mod bulk;
pub mod cohort;
pub mod combine;
pub mod compare;
pub mod grade;
pub mod ledger;
pub mod rectify;
pub mod robust;
pub mod score;
pub mod template;
