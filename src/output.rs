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

/// Like [`emit`], for output written piece by piece by `write` (large
/// results that are never held whole in memory); a file is still written
/// whole or not at all.
pub fn emit_with(
    format: Format,
    dest: &Destination,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    match dest {
        Destination::Stdout => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            match write(&mut out).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        }
        Destination::File(path) => {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let tmp = tempfile::Builder::new()
                .prefix(".kaohe-")
                .suffix(".tmp")
                .tempfile_in(dir)?;
            let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp);
            if format == Format::Csv {
                out.write_all(b"\xEF\xBB\xBF")?;
            }
            write(&mut out)?;
            let tmp = out.into_inner().map_err(|e| e.into_error())?;
            tmp.as_file().sync_all()?;
            tmp.persist(path).map_err(|e| e.error)?;
            Ok(())
        }
    }
}

/// Write bytes to `path` via a temporary file and a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".kaohe-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
