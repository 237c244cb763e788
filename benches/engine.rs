//! The engine on a big recording: load, emulate to the end, peak memory, seek latency.
//! Usage: cargo bench --bench engine -- FILE [COLS ROWS]
//! (make FILE with `cargo run --release --example make_big_log -- FILE`).
//! Peak memory is the process's VmHWM, read from /proc.

use auditty::emulator::replay::Replay;
use auditty::emulator::NewlineMode;
use auditty::recording::{resolve_newline, Source};
use std::sync::Arc;
use std::time::Instant;

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// Nanoseconds this thread has run on a CPU (from /proc/thread-self/schedstat): unlike wall
/// time, it does not count the time spent waiting for a core on a busy machine.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// The samples sorted, and the one at a fraction `p` of the way (1.0: the largest).
fn percentiles(v: &mut [f64]) -> impl Fn(f64) -> f64 + '_ {
    v.sort_by(|a, b| a.total_cmp(b));
    let v = &*v;
    move |p| v[((v.len() as f64 * p) as usize).min(v.len() - 1)]
}

/// A small deterministic generator (no dependency needed for this).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(file) = args.first() else {
        eprintln!("usage: cargo bench --bench engine -- FILE [COLS ROWS]");
        return;
    };
    let cols: u16 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(132);
    let rows: u16 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(43);
    let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    println!(
        "file: {file} ({:.1} MB), geometry {cols}x{rows}",
        size as f64 / 1e6
    );

    let cpu0 = thread_cpu_ns();
    let t0 = Instant::now();
    let tl =
        auditty::recording::read(&Source::Path(file.into()), &Default::default()).expect("load");
    let t_load = t0.elapsed();
    let peak_load = peak_rss_mb();
    let t1 = Instant::now();
    let crlf = resolve_newline(&tl, NewlineMode::Auto);
    let t_newline = t1.elapsed();
    let t1 = Instant::now();
    let g = auditty::geometry::infer(&tl);
    let t_geom = t1.elapsed();
    let events = tl.events.len();
    let tl = Arc::new(tl);
    let t1 = Instant::now();
    let mut replay = Replay::new(Arc::clone(&tl), cols, rows, crlf);
    replay.seek_index(events);
    let t_emulate = t1.elapsed();
    let total = t0.elapsed();
    let total_cpu = (thread_cpu_ns() - cpu0) as f64 / 1e9;
    println!(
        "events: {events}; inferred geometry {}x{} ({})",
        g.cols, g.rows, g.source
    );
    println!("load (read + parse):     {:>8.3} s", t_load.as_secs_f64());
    println!(
        "newline detection:       {:>8.3} s",
        t_newline.as_secs_f64()
    );
    println!("geometry inference:      {:>8.3} s", t_geom.as_secs_f64());
    println!(
        "emulate to the end:      {:>8.3} s ({} keyframes, {:.1} MB)",
        t_emulate.as_secs_f64(),
        replay.keyframe_count(),
        replay.keyframe_bytes() as f64 / 1e6
    );
    println!(
        "load + emulate (total):  {:>8.3} s wall, {total_cpu:.3} s on CPU",
        total.as_secs_f64()
    );
    let peak = peak_rss_mb();
    println!(
        "peak memory after load:  {:>8.1} MB = {:.2}x the file",
        peak_load,
        peak_load * 1048576.0 / size as f64
    );
    println!(
        "peak memory (VmHWM):     {:>8.1} MB = {:.2}x the file",
        peak,
        peak * 1048576.0 / size as f64
    );

    // what a seek costs at most: replaying one whole interval between two keyframes (from a
    // keyframe to the event before the next one), for every interval
    let marks = replay.keyframe_positions();
    let mut whole: Vec<f64> = Vec::new();
    for w in marks.windows(2) {
        replay.seek_index(w[0]);
        let s = Instant::now();
        replay.seek_index(w[1] - 1);
        whole.push(s.elapsed().as_secs_f64() * 1000.0);
    }
    if !whole.is_empty() {
        let mean = whole.iter().sum::<f64>() / whole.len() as f64;
        let intervals = whole.len();
        let pct = percentiles(&mut whole);
        println!(
            "replay of a whole interval: mean {mean:.2} ms, p50 {:.2} ms, p90 {:.2} ms, max {:.2} ms ({} intervals)",
            pct(0.5),
            pct(0.9),
            pct(1.0),
            intervals
        );
    }

    // random seeks, in random order, over the whole recording
    let mut rng = Lcg(42);
    let dur = tl.duration() as i128;
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..2000 {
        let t = (rng.next() as i128 * 1_000_003) % (dur + 1);
        let c = thread_cpu_ns();
        let s = Instant::now();
        replay.seek_time(t);
        std::hint::black_box(replay.screen().cursor_position());
        times.push(s.elapsed().as_secs_f64() * 1000.0);
        cpu.push((thread_cpu_ns() - c) as f64 / 1e6);
    }
    for (what, v) in [("wall", &mut times), ("on CPU", &mut cpu)] {
        let pct = percentiles(v);
        println!(
            "seek to a random time ({what}): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (2000 seeks)",
            pct(0.5),
            pct(0.99),
            pct(1.0)
        );
    }
}
