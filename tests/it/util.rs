//! A scratch directory and a way to run the binary in it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A temporary directory; relative paths in `run` resolve against the
/// repository root, files created with `create*` live in the directory.
pub struct Workdir {
    dir: tempfile::TempDir,
}

/// What a run printed and returned.
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
        self
    }

    /// Exit code 1 and exactly these stderr lines.
    #[track_caller]
    pub fn assert_input_errors(&self, lines: &[&str]) {
        assert_eq!(self.code, 1, "stderr:\n{}", self.stderr);
        let got: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(got, lines);
        assert_eq!(self.stdout, "", "nothing on stdout after an input error");
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

    /// Run `kaohe` with the repository root as working directory and
    /// `$WD` in arguments replaced by this directory.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_env(args, &[])
    }

    /// [`Workdir::run`] with extra environment variables.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = self.dir.path().display().to_string();
        let args: Vec<String> = args.iter().map(|a| a.replace("$WD", &dir)).collect();
        let out = Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .args(&args)
            .current_dir(root)
            .env_remove("LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("KAOHE_SLOW")
            .envs(env.iter().copied())
            .output()
            .expect("run kaohe");
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        }
    }
}
