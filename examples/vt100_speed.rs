//! How fast vt100 alone processes a recording's output (the floor for emulation).
//! Usage: cargo run --release --example vt100_speed -- FILE [COLS ROWS]
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let source = auditty::recording::Source::Path(args[0].clone().into());
    let tl = auditty::recording::read(&source, &Default::default()).expect("load");
    let cols: u16 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(132);
    let rows: u16 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(43);
    let t = Instant::now();
    let chunks: Vec<Vec<u8>> = tl.outputs().map(|(_, d)| d.into_owned()).collect();
    let n: usize = chunks.iter().map(|c| c.len()).sum();
    println!(
        "unescape: {:.3} s for {:.1} MB",
        t.elapsed().as_secs_f64(),
        n as f64 / 1e6
    );
    let t = Instant::now();
    let mut pre = auditty::emulator::Prefilter::new(false);
    let mut filtered = Vec::with_capacity(n);
    for c in &chunks {
        pre.filter(c, &mut filtered);
    }
    println!("prefilter: {:.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let mut p = vt100::Parser::new(
        std::num::NonZeroU16::new(rows).unwrap(),
        std::num::NonZeroU16::new(cols).unwrap(),
        0,
    );
    for c in &chunks {
        p.process(c);
    }
    let s = t.elapsed().as_secs_f64();
    println!("vt100 alone: {s:.3} s = {:.0} MB/s", n as f64 / 1e6 / s);
    let t = Instant::now();
    let mut snaps = 0;
    for _ in 0..200 {
        std::hint::black_box(p.screen().clone());
        snaps += 1;
    }
    println!(
        "screen clone: {:.3} ms each",
        t.elapsed().as_secs_f64() * 1000.0 / snaps as f64
    );
}
