//! Where `archive sync` spends its CPU on indexing, phase by phase, over a directory of audit
//! logs (one thread, no network, no store).
//! Usage: cargo run --release --example index_phases -- DIR [N]
use auditty::recording::{self, Settings, Source};
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().expect("DIR");
    let n: usize = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(usize::MAX);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("DIR")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    files.truncate(n);
    let mut t = [0f64; 5];
    let mut total = 0usize;
    for f in &files {
        let bytes = std::fs::read(f).expect("read");
        total += bytes.len();
        let w = Instant::now();
        std::hint::black_box(auditty::archive::sha256_hex(&bytes));
        t[0] += w.elapsed().as_secs_f64();
        let w = Instant::now();
        let rec = recording::from_bytes(&Source::scalingo("a", "b"), bytes, &Settings::default())
            .expect("parse");
        t[1] += w.elapsed().as_secs_f64();
        let w = Instant::now();
        let g = &rec.geometry;
        let mut k = 0usize;
        auditty::review::executed::each_line(&rec.tl, g.cols, g.rows, rec.crlf, &mut |_| k += 1);
        t[2] += w.elapsed().as_secs_f64();
        let w = Instant::now();
        let _ = auditty::pieces::each_piece(&rec.tl, rec.crlf, true, &mut |_| Ok(()));
        t[3] += w.elapsed().as_secs_f64();
        let w = Instant::now();
        std::hint::black_box(auditty::archive::index::content(&rec));
        t[4] += w.elapsed().as_secs_f64();
    }
    println!("{} files, {} MB", files.len(), total / 1_000_000);
    for (name, s) in [
        "sha256",
        "read (parse)",
        "executed::each_line",
        "each_piece",
        "index::content (both)",
    ]
    .iter()
    .zip(t)
    {
        println!("{name:<24} {s:>7.2} s");
    }
}
