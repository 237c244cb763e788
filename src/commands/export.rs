//! `auditty export`: asciicast v2/v3 or text, of the whole recording or a clip.

use super::load;
use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Error, Result};
use crate::export::{asciicast, text, Items, Range};
use crate::output::{Options, Writer};
use crate::timeline::{secs_to_nanos, TimeSpec};
use std::io::Write;
use std::path::Path;

/// The format for an output name when none is given: `.txt` → text, else asciicast v2.
pub fn default_format(output: &str) -> ExportFormat {
    let ext = Path::new(output)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("txt") | Some("text") => ExportFormat::Txt,
        _ => ExportFormat::AsciicastV2,
    }
}

fn write_error(output: &str, e: &std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::BrokenPipe && output == "-" {
        return Error::ClosedPipe;
    }
    let what = match e.kind() {
        std::io::ErrorKind::NotFound => "no such folder".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => {
            let s = e.to_string();
            s.find(" (os error")
                .map_or(s.clone(), |i| s[..i].to_string())
        }
    };
    let name = if output == "-" { "<stdout>" } else { output };
    Error::Runtime(format!("{name}: cannot write: {what}"))
}

/// Export to `args.output`: a file, or with `-`, `out`.
pub fn run(args: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    let loaded = super::redact_if(load(&args.src)?, args.redact);
    let resolve = |spec: &Option<TimeSpec>, flag: &str| {
        spec.as_ref()
            .map(|s| {
                s.resolve(&loaded.tl)
                    .map_err(|e| Error::Usage(format!("{flag}: {e}")))
            })
            .transpose()
    };
    let range = Range {
        from: resolve(&args.from, "--from")?,
        to: resolve(&args.to, "--to")?,
        idle_limit: args.idle_time_limit.map(secs_to_nanos),
    };
    let format = args.format.unwrap_or_else(|| default_format(&args.output));
    let to_stdout = args.output == "-";
    let out_err = |e: std::io::Error| write_error(&args.output, &e);

    if format == ExportFormat::Txt {
        if let (Some(f), Some(t)) = (range.from, range.to) {
            if f >= t {
                return Err(Error::Usage("--from must be before --to".into()));
            }
        }
        // the text has no control characters left: safe on a terminal as it is
        if to_stdout {
            let mut out = std::io::BufWriter::new(out);
            return text::write_session_text(&loaded, range.from, range.to, &mut out)
                .map_err(out_err);
        }
        let mut file = create(&args.output)?;
        text::write_session_text(&loaded, range.from, range.to, &mut file).map_err(out_err)?;
        return file.commit().map_err(out_err);
    }

    let version = match format {
        ExportFormat::AsciicastV3 => asciicast::Version::V3,
        _ => asciicast::Version::V2,
    };
    let items = Items::new(&loaded, range)?;
    let meta = items.meta.clone();
    if to_stdout {
        let out = std::io::BufWriter::new(out);
        asciicast::write(out, &meta, items, version, true).map_err(out_err)?;
        return Ok(());
    }
    let mut file = create(&args.output)?;
    // a terminal written into directly gets what standard output gets
    let terminal_safe = file.is_terminal();
    asciicast::write(&mut file, &meta, items, version, terminal_safe).map_err(out_err)?;
    file.flush().map_err(out_err)?;
    file.commit().map_err(out_err)
}

/// The output file (written whole, or straight into a device or FIFO: see [`crate::output`]).
fn create(output: &str) -> Result<Writer> {
    Writer::create(Path::new(output), &Options::default())
        .map_err(|e| write_error(output, &std::io::Error::from(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_from_extension() {
        assert_eq!(default_format("a.txt"), ExportFormat::Txt);
        assert_eq!(default_format("a.TXT"), ExportFormat::Txt);
        assert_eq!(default_format("a.cast"), ExportFormat::AsciicastV2);
        assert_eq!(default_format("-"), ExportFormat::AsciicastV2);
        assert_eq!(default_format("noext"), ExportFormat::AsciicastV2);
    }
}
