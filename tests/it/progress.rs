//! A progress bar on stderr for large inputs, only on a terminal.

use std::process::Command;

fn kaohe() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kaohe"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        // Every input counts as large.
        .env("KAOHE_PROGRESS_BYTES", "1");
    c
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let out = kaohe()
        .args(["score", "--format", "csv", "examples/2023.csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "stderr stays clean in pipes and logs"
    );
}

#[test]
fn a_progress_bar_on_a_terminal() {
    // `script` (util-linux, on every Debian system) gives the run a
    // terminal. Without it this test could not check anything: fail, not
    // pass.
    let script = Command::new("script").arg("--version").output();
    assert!(
        script.is_ok_and(|o| o.status.success()),
        "`script` (util-linux) is needed to give the run a terminal"
    );
    let cmd = format!(
        "KAOHE_PROGRESS_BYTES=1 {} score --format csv examples/2023.csv >/dev/null",
        env!("CARGO_BIN_EXE_kaohe")
    );
    let out = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("examples/2023.csv ["), "{shown:?}");
    assert!(shown.contains("KiB"), "{shown:?}");
}
