//! `auditty export`: asciicast v2/v3 or text, of the whole recording or a clip.

use crate::cli::{ExportArgs, ExportFormat};
use crate::error::{Error, Result};
use crate::export::{asciicast, text, Items, Range};
use crate::output::{Options, Writer};
use crate::review::redact::Plan;
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

/// The format for a file name's extension: `.cast` (v2, or v3 when asked), `.txt`.
fn by_extension(ext: &str, given: Option<ExportFormat>) -> Option<ExportFormat> {
    match ext {
        "txt" | "text" => Some(ExportFormat::Txt),
        "cast" if given == Some(ExportFormat::AsciicastV3) => Some(ExportFormat::AsciicastV3),
        "cast" => Some(ExportFormat::AsciicastV2),
        _ => None,
    }
}

fn name(f: ExportFormat) -> String {
    match f {
        ExportFormat::AsciicastV2 => "asciicast-v2",
        ExportFormat::AsciicastV3 => "asciicast-v3",
        ExportFormat::Txt => "txt",
    }
    .into()
}

/// Export to `args.output`: a file, or with `-`, `out`.
pub fn run(args: &ExportArgs, out: &mut dyn Write) -> Result<()> {
    let (format, options) = if args.output == "-" {
        (
            args.format.unwrap_or_else(|| default_format(&args.output)),
            Options::default(),
        )
    } else {
        let path = Path::new(&args.output);
        let format = super::outfile::format(
            path,
            args.format,
            ExportFormat::AsciicastV2,
            |e| by_extension(e, args.format),
            ".cast or .txt",
            name,
        )?;
        // a folder that is not there fails before the recording is read (a long one, maybe)
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        if parent.is_some_and(|p| !p.exists()) {
            let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
            return Err(write_error(&args.output, &missing));
        }
        (format, super::outfile::options(path, args.force)?)
    };
    let loaded = super::load_or_feed(&args.src)?;
    // `--redact`: masked as it is written, not copied whole
    let plan = args
        .redact
        .then(|| Plan::new(&loaded, &crate::review::rules::Rules::builtin()));
    let plan = plan.as_ref();
    let within = args.moments.within();
    let resolve = |spec: &Option<TimeSpec>, flag: &str| {
        spec.as_ref()
            .map(|s| super::moment(s, &loaded, within, flag).map(|t| t as i128))
            .transpose()
    };
    let range = Range {
        from: resolve(&args.from, "--from")?,
        to: resolve(&args.to, "--to")?,
        idle_limit: args.idle_time_limit.map(secs_to_nanos),
    };
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
            return text::write_text(&loaded, range.from, range.to, plan, &mut out)
                .map_err(out_err);
        }
        let mut file = create(&args.output, &options)?;
        text::write_text(&loaded, range.from, range.to, plan, &mut file).map_err(out_err)?;
        return file.commit().map_err(|e| commit_error(&args.output, e));
    }

    let version = match format {
        ExportFormat::AsciicastV3 => asciicast::Version::V3,
        _ => asciicast::Version::V2,
    };
    let items = Items::redacted(&loaded, range, plan)?;
    let meta = items.meta.clone();
    if to_stdout {
        let out = std::io::BufWriter::new(out);
        asciicast::write(out, &meta, items, version, true).map_err(out_err)?;
        return Ok(());
    }
    let mut file = create(&args.output, &options)?;
    // a terminal written into directly gets what standard output gets
    let terminal_safe = file.is_terminal();
    asciicast::write(&mut file, &meta, items, version, terminal_safe).map_err(out_err)?;
    file.flush().map_err(out_err)?;
    file.commit().map_err(|e| commit_error(&args.output, e))
}

/// A commit that found the name taken meanwhile (without `--force`) says so as `fetch` does.
fn commit_error(output: &str, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::AlreadyExists {
        return super::outfile::exists(Path::new(output));
    }
    write_error(output, &e)
}

/// The output file (written whole, or straight into a device or FIFO: see [`crate::output`]).
fn create(output: &str, options: &Options) -> Result<Writer> {
    Writer::create(Path::new(output), options).map_err(|e| match e {
        crate::output::CreateError::Exists => super::outfile::exists(Path::new(output)),
        e => write_error(output, &std::io::Error::from(e)),
    })
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
