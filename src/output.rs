//! Writing results: stdout or a file, whole or not at all.
//!
//! A file is written to a temporary file in the same directory and renamed
//! into place, so a failed run never leaves a half-written report and never
//! touches an existing file. Writing over one of the run's own inputs is
//! refused. A closed pipe on stdout (`kaohe score | head`) is not an error.

use crate::render::Format;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Where output goes.
#[derive(Debug, Clone)]
pub enum Destination {
    Stdout,
    File(PathBuf),
}

/// The format to write: `--format` if given, else the file extension, else
/// the terminal table.
pub fn resolve_format(format: Option<Format>, output: Option<&Path>) -> Result<Format, String> {
    match (format, output) {
        (Some(f), _) => Ok(f),
        (None, None) => Ok(Format::Table),
        (None, Some(p)) => Format::from_path(p).ok_or_else(|| {
            format!(
                "cannot tell the format from \"{}\": use a .csv, .json, .md or .txt name, or --format",
                p.display()
            )
        }),
    }
}

/// Refuse to write over an input of this run.
pub fn check_not_input(output: &Path, inputs: &[PathBuf]) -> Result<(), String> {
    let Ok(out) = output.canonicalize() else {
        return Ok(()); // does not exist yet
    };
    for i in inputs {
        if i.canonicalize().is_ok_and(|p| p == out) {
            return Err(format!(
                "refusing to write the output over the input file {}",
                i.display()
            ));
        }
    }
    Ok(())
}

/// Write `text` to the destination. CSV written to a file starts with a
/// UTF-8 BOM so Excel opens it with Chinese intact.
pub fn emit(text: &str, format: Format, dest: &Destination) -> std::io::Result<()> {
    // Text meant to be read (titles, reconciliation lines, notes quoted in
    // them) must not carry escape sequences or carriage returns that a
    // terminal would obey; CSV cells are guarded by the CSV writer and JSON
    // escapes control characters itself.
    let text = match format {
        Format::Table | Format::Md => std::borrow::Cow::Owned(
            text.split('\n')
                .map(crate::diag::escape_controls)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        _ => std::borrow::Cow::Borrowed(text),
    };
    let text = text.as_ref();
    match dest {
        Destination::Stdout => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        }
        Destination::File(path) => {
            let bom: &[u8] = if format == Format::Csv { b"\xEF\xBB\xBF" } else { b"" };
            write_atomic(path, &[bom, text.as_bytes()].concat())
        }
    }
}

/// Write bytes to `path` via a temporary file and a rename.
///
/// A symbolic link is written through (its target is replaced, not the
/// link). A path that is not a regular file — `/dev/stdout`, a named pipe,
/// a terminal — cannot be replaced by a rename (and must not be: renaming
/// over `/dev/stdout` would put a plain file in its place), so it is written
/// to directly.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let resolved;
    let path = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => match path.canonicalize() {
            Ok(target) => {
                resolved = target;
                resolved.as_path()
            }
            Err(_) => path, // dangling: the link itself is replaced
        },
        _ => path,
    };
    if let Ok(m) = std::fs::metadata(path)
        && !m.is_file()
    {
        if m.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a directory",
            ));
        }
        let mut f = std::fs::OpenOptions::new().write(true).open(path)?;
        return f.write_all(bytes).and_then(|_| f.flush());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".kaohe-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| {
            // The temporary file's random name is noise in the message.
            let text = e.to_string();
            let text = text.split(" at path \"").next().unwrap_or(&text).to_string();
            std::io::Error::new(e.kind(), text)
        })?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
