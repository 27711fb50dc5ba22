//! A scratch directory and a way to run the binary in it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary directory; relative paths in `run` resolve against the
/// repository root, files created with `create*` live in the directory.
pub struct Workdir {
    dir: tempfile::TempDir,
}

/// What a run printed and returned. The scratch directory's path is
/// written as `$WD` in both streams, so expected messages read the same on
/// every machine.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(self.code, 0, "stderr:\n{}\nstdout:\n{}", self.stderr, self.stdout);
        assert_eq!(self.stderr, "", "nothing on stderr after success");
        self
    }

    /// Exit code 1 and exactly these stderr lines.
    #[track_caller]
    pub fn assert_input_errors(&self, lines: &[&str]) {
        assert_eq!(self.code, 1, "stderr:\n{}\nstdout:\n{}", self.stderr, self.stdout);
        let got: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(got, lines);
        assert_eq!(self.stdout, "", "nothing on stdout after an input error");
    }

    /// Exit code 2, nothing on stdout, and this first stderr line.
    #[track_caller]
    pub fn assert_usage_error(&self, first_line: &str) {
        assert_eq!(self.code, 2, "stderr:\n{}\nstdout:\n{}", self.stderr, self.stdout);
        assert_eq!(self.stderr.lines().next(), Some(first_line), "stderr:\n{}", self.stderr);
        assert_eq!(self.stdout, "", "nothing on stdout after a usage error");
    }
}

impl Workdir {
    pub fn new() -> Workdir {
        Workdir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Create a file from text.
    pub fn create(&self, name: &str, text: &str) -> PathBuf {
        self.create_bytes(name, text.as_bytes())
    }

    /// Create a file from raw bytes (GBK fixtures and the like).
    pub fn create_bytes(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// The bytes of a file in the directory.
    pub fn read_bytes(&self, name: &str) -> Vec<u8> {
        std::fs::read(self.path(name)).unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// A file in the directory as text, its path written as `$WD` (as in
    /// [`Output`]).
    pub fn read(&self, name: &str) -> String {
        let dir = self.dir.path().display().to_string();
        String::from_utf8(self.read_bytes(name))
            .expect("UTF-8")
            .replace(&dir, "$WD")
    }

    /// Names of the files in the directory, sorted.
    pub fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// Run `kaohe` with the repository root as working directory and
    /// `$WD` in arguments replaced by this directory.
    pub fn run(&self, args: &[&str]) -> Output {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = self.dir.path().display().to_string();
        let args: Vec<String> = args.iter().map(|a| a.replace("$WD", &dir)).collect();
        let out = Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .args(&args)
            .current_dir(root)
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .output()
            .expect("run kaohe");
        let text = |b: Vec<u8>| String::from_utf8(b).expect("output is UTF-8").replace(&dir, "$WD");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: text(out.stdout),
            stderr: text(out.stderr),
        }
    }

    /// Run, expect success, return stdout.
    #[track_caller]
    pub fn stdout(&self, args: &[&str]) -> String {
        let out = self.run(args);
        out.assert_ok();
        out.stdout
    }

    /// Run `score --format json`, expect success and parse the result.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["score", "--format", "json"];
        all.extend_from_slice(args);
        let text = self.stdout(&all);
        serde_json::from_str(&text).expect("valid JSON")
    }
}
