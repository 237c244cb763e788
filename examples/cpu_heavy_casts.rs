//! Write tiny asciicast v2 recordings that cost the emulator the most per byte (each a
//! 2000×1000 screen, the largest emulated), to measure with
//! `/usr/bin/time -v target/debug/auditty screen DIR/NAME.cast --at end`.
//! Usage: cargo run --example cpu_heavy_casts -- DIR

use std::io::Write;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: cpu_heavy_casts DIR")?;
    std::fs::create_dir_all(&dir)?;
    let big = "\x1b[1000;2000H";
    let cases: Vec<(&str, Vec<String>)> = vec![
        // issue 9's: the cursor far away (the size is inferred from it), then 500 resets
        ("ris-blank", vec![big.repeat(350), "\x1bc".repeat(500)]),
        // a reset after drawing one character: vt100 re-allocates every cell
        ("ris-dirty", vec![big.into(), "x\x1bc".repeat(1000)]),
        // the same after entering the alternate screen: a real reset (both screens go)
        ("ris-alt", vec![big.into(), "\x1b[?1049hx\x1bc".repeat(100)]),
        ("ed", vec![big.into(), "\x1b[2J".repeat(1000)]),
        ("decaln-blank", vec![big.into(), "\x1b#8".repeat(1000)]),
        ("decaln-dirty", vec![big.into(), "x\x1b#8".repeat(50)]),
        (
            "insert-lines",
            vec![big.into(), "\x1b[H\x1b[999L".repeat(1000)],
        ),
        ("scroll-up", vec![big.into(), "\x1b[999S".repeat(1000)]),
    ];
    for (name, chunks) in cases {
        let mut f = std::fs::File::create(format!("{dir}/{name}.cast"))?;
        writeln!(f, r#"{{"version": 2}}"#)?;
        for (i, c) in chunks.iter().enumerate() {
            writeln!(
                f,
                "[{}, \"o\", {}]",
                i as f64 / 1000.0,
                serde_json::to_string(c)?
            )?;
        }
    }
    // resizes back and forth between the largest and the smallest screen
    let mut f = std::fs::File::create(format!("{dir}/resize.cast"))?;
    writeln!(f, r#"{{"version": 2, "width": 2000, "height": 1000}}"#)?;
    for i in 0..200 {
        let size = if i % 2 == 1 { "1x1" } else { "2000x1000" };
        writeln!(f, "[{}, \"r\", \"{size}\"]", i as f64 / 1000.0)?;
    }
    Ok(())
}
