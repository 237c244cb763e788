//! Where loading a big recording spends its time, phase by phase (CPU time of this thread).
//! Usage: cargo run --release --example load_phases -- FILE
use std::time::Instant;

fn cpu() -> f64 {
    // user+system CPU time of this process, from /proc/self/stat (clock ticks of 10 ms)
    let s = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let f: Vec<&str> = s
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let t = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (t(11) + t(12)) / 100.0
}

fn main() {
    let file = std::env::args().nth(1).expect("FILE");
    let phase = |name: &str, w: Instant, c: f64| {
        println!(
            "{name:<22} wall {:>6.3} s   cpu {:>6.2} s",
            w.elapsed().as_secs_f64(),
            cpu() - c
        );
    };
    let (w, c) = (Instant::now(), cpu());
    let bytes = auditty::recording::bytes::file(file.as_ref(), &file).unwrap();
    phase("read", w, c);
    let (w, c) = (Instant::now(), cpu());
    use sha2::Digest;
    std::hint::black_box(sha2::Sha256::digest(&bytes));
    phase("sha256", w, c);
    let (w, c) = (Instant::now(), cpu());
    let tl = auditty::formats::parse("x", bytes).unwrap();
    phase("parse + compact", w, c);
    let (w, c) = (Instant::now(), cpu());
    let g = auditty::geometry::infer(&tl);
    phase("geometry", w, c);
    let (w, c) = (Instant::now(), cpu());
    let mut r = auditty::emulator::Replay::new(std::sync::Arc::new(tl), g.cols, g.rows, false);
    r.index_all();
    phase("emulate to end", w, c);
}
