//! Work that must stay near-linear in the size of the input: a terminal
//! table with one huge cell.

use crate::util::Workdir;
use std::time::{Duration, Instant};

#[test]
fn a_note_of_300000_hanzi_is_laid_out_in_linear_time() {
    let wd = Workdir::mini();
    // One unbroken note: the rectification list wraps it in its column.
    let note = "字".repeat(300_000);
    wd.create(
        "e.csv",
        &format!("unit,indicator,value,note\nU1,A1,否,{note}\nU1,A2,1,\n"),
    );
    let args = ["deficiencies", "-f", "$WD/mini.toml", "$WD/e.csv"];
    let start = Instant::now();
    let out = wd.run(&args);
    let took = start.elapsed();
    out.assert_ok();
    // It took minutes for a third of this.
    assert!(took < Duration::from_secs(60), "took {took:?}");
    // Every Hanzi of the note is printed, none lost in the wrapping.
    assert_eq!(out.stdout.matches('字').count(), 300_000);
}
