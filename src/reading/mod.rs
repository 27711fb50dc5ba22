//! Reading the inputs: bytes and their encodings, spreadsheets, one reader
//! per file kind behind [`read::read`], an evidence file's header, the
//! evidence cells with where each value came from, the units file, and a
//! saved result read back. Uses the model; used by the engine.

pub mod evidence;
pub mod heading;
pub mod input;
pub mod read;
pub mod result;
pub mod units;
pub mod workbook;
