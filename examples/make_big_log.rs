//! Build a large Scalingo audit log of real output by repeating the fixture recordings with
//! increasing timestamps. Usage: cargo run --release --example make_big_log -- OUT [MB]
//! (default 120 MB).

use auditty::timeline::{Kind, Timeline};
use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let out = args.get(1).ok_or("usage: make_big_log OUT [MB]")?;
    let mb: u64 = args.get(2).map_or(Ok(120), |s| s.parse())?;
    let target = mb * 1_000_000;
    let root = env!("CARGO_MANIFEST_DIR");
    let mut sources: Vec<Timeline> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(format!("{root}/tests/fixtures/recordings"))?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    names.push(format!("{root}/assets/demo.json").into());
    names.sort();
    for p in names
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let source = auditty::recording::Source::Path(p.clone());
        sources.push(auditty::recording::read(&source, &Default::default())?);
    }
    let start = chrono::DateTime::parse_from_rfc3339("2026-11-22T09:00:00.000000000+01:00")?;
    let tmp = format!("{out}.partial");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
    w.write_all(b"[\n")?;
    let (mut written, mut offset, mut first, mut events) = (2u64, 0i64, true, 0u64);
    'outer: loop {
        for tl in &sources {
            for ev in &tl.events {
                let ty = match ev.kind {
                    Kind::Output => "output",
                    Kind::Input => "input",
                    _ => continue,
                };
                let at = start + chrono::Duration::nanoseconds(offset + ev.t as i64);
                let line = format!(
                    "{}{{\"time\":\"{}\",\"content\":{},\"type\":\"{ty}\"}}",
                    if first { "" } else { ",\n" },
                    at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, false),
                    serde_json::to_string(&tl.text_of(ev))?
                );
                first = false;
                written += line.len() as u64;
                events += 1;
                w.write_all(line.as_bytes())?;
                if written >= target {
                    break 'outer;
                }
            }
            offset += tl.duration() as i64 + 1_000_000_000;
        }
    }
    w.write_all(b"\n]\n")?;
    w.flush()?;
    drop(w);
    std::fs::rename(&tmp, out)?;
    eprintln!(
        "{out}: {written} bytes, {events} events, {:.0} s of recording",
        offset as f64 / 1e9
    );
    Ok(())
}
