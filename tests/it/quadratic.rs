//! Work that must stay near-linear in the size of the input: the way to
//! the next grade over thousands of items, a terminal table with one huge
//! cell.

use crate::util::Workdir;
use std::fmt::Write;
use std::time::{Duration, Instant};

/// 2,000 base items of 1 point (check: yes 1, no 0) and 2,000 penalties
/// of up to 1 point (count: 1 per occurrence), no penalty cap; total 2,000.
/// Grades 好 ≥ 1,800, 一般 ≥ 1,000, 差 ≥ 0.
fn big_framework() -> String {
    let mut s = String::from(
        "[framework]\nid = \"big\"\ntitle = \"大\"\ntotal = 2000\n\n\
         [[grade]]\nname = \"好\"\nmin = 1800\n[[grade]]\nname = \"一般\"\nmin = 1000\n[[grade]]\nname = \"差\"\nmin = 0\n\n\
         [[group]]\nid = \"A\"\nname = \"甲\"\npoints = 2000\n\n",
    );
    for i in 1..=2000 {
        writeln!(s, "[[indicator]]\nid = \"B{i:04}\"\ngroup = \"A\"\nname = \"基础{i}\"\npoints = 1\nrule = {{ type = \"check\" }}\n").unwrap();
    }
    for i in 1..=2000 {
        writeln!(s, "[[indicator]]\nid = \"P{i:04}\"\nkind = \"penalty\"\nname = \"扣分{i}\"\npoints = 1\nrule = {{ type = \"count\", per = 1 }}\n").unwrap();
    }
    s
}

#[test]
fn the_way_to_the_next_grade_over_4000_items_is_quick() {
    let wd = Workdir::new();
    wd.create("big.toml", &big_framework());
    // U1 fails every base item and has every penalty: base 0, penalty
    // 2,000, score max(0 − 2000, 0) = 0.00, 差. To reach 一般 (1,000) with
    // a base items fixed and b penalties lifted: a − (2000 − b) ≥ 1000, so
    // a + b ≥ 3000: 3,000 fixes, every split scoring exactly 1,000.00. The
    // tie goes to the set earliest in framework order: all 2,000 base
    // items and the first 1,000 penalties (P0001–P1000).
    let mut e = String::from("unit,indicator,value\n");
    for i in 1..=2000 {
        writeln!(e, "U1,B{i:04},否\nU1,P{i:04},1").unwrap();
    }
    wd.create("e.csv", &e);
    let start = Instant::now();
    let out = wd.run(&["explain", "-f", "$WD/big.toml", "U1", "$WD/e.csv"]);
    let took = start.elapsed();
    out.assert_ok();
    // The cubic search took minutes here; the bound is loose for a debug
    // build on a busy machine.
    assert!(took < Duration::from_secs(60), "explain took {took:?}");
    let advice = out.stdout.lines().last().unwrap();
    assert!(advice.starts_with("1000.00 points short of 一般"), "{advice}");
    for id in ["B0001", "B2000", "P0001", "P1000"] {
        assert!(advice.contains(id), "{id} in {}", &advice[..200.min(advice.len())]);
    }
    assert!(!advice.contains("P1001"), "only the first 1,000 penalties");
}

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
    let fast = wd.run(&args);
    let slow = wd.run_env(&args, &[("KAOHE_SLOW", "1")]);
    let took = start.elapsed();
    fast.assert_ok();
    // Both paths lay it out alike; each took minutes for a third of this.
    assert_eq!(fast.stdout, slow.stdout);
    assert!(took < Duration::from_secs(60), "took {took:?}");
    // Every Hanzi of the note is printed, none lost in the wrapping.
    assert_eq!(fast.stdout.matches('字').count(), 300_000);
}
