//! The output file rules `screen -o` and `export -o` share: the format follows the file's
//! extension where it names one the command writes, an extension it does not write is an
//! error, an explicit `--format` that contradicts the extension is an error, and an existing
//! file is not replaced without `--force` (as `fetch`). Devices and FIFOs are written into.

use crate::error::{Error, Result};
use crate::output::{Options, Overwrite};
use std::path::Path;

/// Extensions of pictures and videos auditty does not make.
const FOREIGN: &[&str] = &[
    "gif", "png", "apng", "jpg", "jpeg", "webp", "mp4", "webm", "mkv", "mov", "pdf",
];

/// The extension, lower case.
fn extension(path: &Path) -> Option<String> {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

/// The format to write `path` in: `by_ext` maps an extension to a format the command writes
/// (`None`: not one of them); `named` lists those extensions for the error; `given` is
/// `--format`, `default` the format for a name without an extension.
pub fn format<F: Copy + PartialEq>(
    path: &Path,
    given: Option<F>,
    default: F,
    by_ext: impl Fn(&str) -> Option<F>,
    named: &str,
    name_of: impl Fn(F) -> String,
) -> Result<F> {
    let shown = || crate::render::escape::escape_controls(&path.display().to_string());
    let Some(ext) = extension(path) else {
        return Ok(given.unwrap_or(default));
    };
    match (by_ext(&ext), given) {
        (Some(f), None) => Ok(f),
        (Some(f), Some(g)) if f == g => Ok(f),
        (Some(f), Some(g)) => Err(Error::Usage(format!(
            "{}: the extension .{ext} says {} but --format says {}",
            shown(),
            name_of(f),
            name_of(g)
        ))),
        (None, _) if FOREIGN.contains(&ext.as_str()) => Err(Error::Usage(format!(
            "{}: auditty does not write .{ext} files; it writes {named}",
            shown(),
        ))),
        (None, Some(g)) => Ok(g),
        (None, None) => Err(Error::Usage(format!(
            "{}: auditty does not know the extension .{}; it writes {named} (or give --format)",
            shown(),
            crate::render::escape::escape_controls(&ext)
        ))),
    }
}

/// How to write `path`: an existing regular file (or a link to one) is refused without
/// `force`; a device, a FIFO or `/proc/self/fd/N` is written into either way.
pub fn options(path: &Path, force: bool) -> Result<Options> {
    let written_into = std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir());
    if force || written_into {
        return Ok(Options::default());
    }
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(exists(path));
    }
    Ok(Options {
        overwrite: Overwrite::Refuse,
        ..Default::default()
    })
}

/// `FILE already exists; pass --force to overwrite it` (the words `fetch` uses).
pub fn exists(path: &Path) -> Error {
    Error::Runtime(format!(
        "{} already exists; pass --force to overwrite it",
        crate::render::escape::escape_controls(&path.display().to_string())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(name: &str, given: Option<u8>) -> Result<u8> {
        let by = |e: &str| match e {
            "txt" => Some(1),
            "html" => Some(2),
            _ => None,
        };
        format(Path::new(name), given, 1, by, ".txt or .html", |f| {
            f.to_string()
        })
    }

    #[test]
    fn extension_rules() {
        assert_eq!(pick("a.html", None).unwrap(), 2);
        assert_eq!(pick("a.HTML", Some(2)).unwrap(), 2);
        assert_eq!(pick("noext", Some(2)).unwrap(), 2);
        assert_eq!(pick("noext", None).unwrap(), 1);
        assert_eq!(pick("a.log", Some(2)).unwrap(), 2);
        assert!(pick("a.log", None).is_err());
        assert!(pick("a.html", Some(1)).is_err());
        assert!(pick("a.gif", Some(1)).is_err());
    }
}
