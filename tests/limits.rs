//! Limits on what reading costs: content that is not a recording (a gzip bomb, a pipe of
//! binary data) is refused within its first megabyte, with little memory, whatever its size;
//! a real gzipped log of more than that megabyte still loads, and errors found early are the
//! ones reading the whole file gives.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_auditty");

/// What a command printed on stderr, its exit status and its peak memory (ru_maxrss, KB).
struct Run {
    stderr: String,
    stdout: String,
    status: i32,
    peak_kb: i64,
}

/// Run auditty with `args`; `feed`, if given, writes its standard input from a thread.
#[allow(clippy::zombie_processes)] // reaped by wait4, which also gives its peak memory
fn run(args: &[&str], feed: Option<Box<dyn FnOnce(std::process::ChildStdin) + Send>>) -> Run {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("AUDITTY_MAX_BYTES")
        .stdin(if feed.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn auditty");
    let writer = feed.map(|f| {
        let stdin = child.stdin.take().unwrap();
        std::thread::spawn(move || f(stdin))
    });
    let mut err = child.stderr.take().unwrap();
    let mut out = child.stdout.take().unwrap();
    let e = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let mut stdout = String::new();
    let _ = out.read_to_string(&mut stdout);
    // wait4 gives this child's own peak resident memory
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4");
    if let Some(w) = writer {
        w.join().unwrap();
    }
    Run {
        stderr: e.join().unwrap(),
        stdout,
        status: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
        peak_kb: usage.ru_maxrss,
    }
}

fn assert_refused(r: &Run, what: &str) {
    assert_ne!(r.status, 0, "refused: {}", r.stderr);
    assert_eq!(
        r.stderr.trim_end().lines().count(),
        1,
        "one line: {:?}",
        r.stderr
    );
    assert!(r.stderr.contains(what), "{what:?} in {:?}", r.stderr);
    assert!(
        r.peak_kb < 64 * 1024,
        "peak memory {} KB (under 64 MB): {}",
        r.peak_kb,
        r.stderr
    );
}

/// A 2 GiB gzip bomb of zeros, streamed to disk: one member of 1 MiB of zeros, repeated
/// (a gzip file may hold many members, read one after another) — about 2 MB on disk.
fn zero_bomb(path: &std::path::Path) {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&vec![0u8; 1 << 20]).unwrap();
    let member = gz.finish().unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for _ in 0..2048 {
        f.write_all(&member).unwrap();
    }
    f.flush().unwrap();
}

#[test]
fn gzip_bomb_is_refused_within_its_first_megabyte() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.json.gz");
    zero_bomb(&bomb);
    let r = run(&["screen", bomb.to_str().unwrap(), "--at", "end"], None);
    assert_refused(&r, "binary data, not a recording");
    // through standard input too
    let data = std::fs::read(&bomb).unwrap();
    let r = run(
        &["info", "-"],
        Some(Box::new(move |mut stdin| {
            let _ = stdin.write_all(&data);
        })),
    );
    assert_refused(&r, "binary data, not a recording");
}

/// Pseudo-random bytes, endlessly, until the reader goes away (up to 2 GiB).
fn binary_pipe(mut stdin: std::process::ChildStdin) {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut buf = vec![0u8; 64 * 1024];
    for _ in 0..(2u64 << 30) / buf.len() as u64 {
        for b in buf.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b.copy_from_slice(&x.to_le_bytes()[..b.len()]);
        }
        if stdin.write_all(&buf).is_err() {
            return;
        }
    }
}

#[test]
fn binary_pipe_is_refused_within_its_first_megabyte() {
    let r = run(&["screen", "-", "--at", "end"], Some(Box::new(binary_pipe)));
    assert_refused(&r, "<stdin>: 1:1: binary data, not a recording");
}

#[test]
fn a_pipe_of_white_space_is_refused() {
    let r = run(
        &["info", "-"],
        Some(Box::new(|mut stdin| {
            let spaces = vec![b' '; 64 * 1024];
            for _ in 0..(2u64 << 30) / spaces.len() as u64 {
                if stdin.write_all(&spaces).is_err() {
                    return;
                }
            }
        })),
    );
    assert_refused(&r, "only white space in the first 1048576 bytes");
}

/// A Scalingo audit log of `n` events, each a line of output (about 120 bytes an event).
fn log(n: usize) -> String {
    let mut s = String::from("[\n");
    for i in 0..n {
        if i > 0 {
            s.push_str(",\n");
        }
        s.push_str(&format!(
            "{{\"time\":\"2026-11-22T09:{:02}:{:02}.{:09}+01:00\",\"content\":\"line {i} \\u001b[1mbold\\u001b[0m \\u00e9t\\u00e9\\r\\n\",\"type\":\"output\"}}",
            i / 60000 % 60,
            i / 1000 % 60,
            i % 1000 * 1_000_000
        ));
    }
    s.push_str("\n]\n");
    s
}

#[test]
fn a_real_gzipped_log_beyond_the_first_megabyte_loads() {
    let dir = tempfile::tempdir().unwrap();
    let text = log(40_000);
    assert!(text.len() > 3 << 20, "{} bytes", text.len());
    let plain = dir.path().join("big.json");
    std::fs::write(&plain, &text).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    let gzpath = dir.path().join("big.json.gz");
    std::fs::write(&gzpath, gz.finish().unwrap()).unwrap();
    let want = run(&["screen", plain.to_str().unwrap(), "--at", "end"], None);
    assert_eq!(want.status, 0, "{}", want.stderr);
    assert!(
        want.stdout.contains("line 39999 bold été"),
        "{}",
        want.stdout
    );
    for src in [&gzpath, &plain] {
        let got = run(&["screen", src.to_str().unwrap(), "--at", "end"], None);
        assert_eq!(got.status, 0, "{}", got.stderr);
        assert_eq!(got.stdout, want.stdout);
    }
    // and through a pipe
    let gzbytes = std::fs::read(&gzpath).unwrap();
    let got = run(
        &["screen", "-", "--at", "end"],
        Some(Box::new(move |mut stdin| {
            let _ = stdin.write_all(&gzbytes);
        })),
    );
    assert_eq!(got.status, 0, "{}", got.stderr);
    assert_eq!(got.stdout, want.stdout);
}

/// The error for a log broken inside its first megabyte is the one reading all of it gives:
/// the same place, the same words, whether it is found early or not.
#[test]
fn early_errors_are_the_errors_of_the_whole_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = log(20_000);
    let at = text.len() / 8; // inside the first megabyte
    let cut = text[..at].rfind("\\r\\n").unwrap();
    let mut broken = text.clone().into_bytes();
    broken[cut] = 0; // a raw NUL in a string: no JSON text holds one
    let small = dir.path().join("small.json");
    let big = dir.path().join("big.json");
    // the same break, in a file under the first megabyte (read whole) and one over it
    let end = text[..at + 1000].rfind(",\n").unwrap();
    let mut head = broken[..end].to_vec();
    head.extend_from_slice(b"\n]\n");
    std::fs::write(&small, &head).unwrap();
    std::fs::write(&big, &broken).unwrap();
    let a = run(&["info", small.to_str().unwrap()], None);
    let b = run(&["info", big.to_str().unwrap()], None);
    assert_ne!(a.status, 0);
    assert!(a.stderr.contains("control character"), "{}", a.stderr);
    assert_eq!(
        a.stderr.replace(small.to_str().unwrap(), "F"),
        b.stderr.replace(big.to_str().unwrap(), "F")
    );
    // a byte that breaks no rule where it stands is no reason to refuse: an asciicast v3
    // comment may hold anything, and a blank line of form feed is skipped
    let mut nd = String::from("{\"version\":3,\"term\":{\"cols\":100,\"rows\":30}}\n");
    for i in 0..12_000 {
        nd.push_str(&format!(
            "[0.001, \"o\", \"{i} {}\\r\\n\"]\n",
            "x".repeat(80)
        ));
        if i == 10 {
            nd.push_str("# a comment with a NUL \0 and \x01 in it\n\x0c\n");
        }
    }
    assert!(nd.len() > 1 << 20);
    let p = dir.path().join("comments.cast");
    std::fs::write(&p, &nd).unwrap();
    let r = run(&["screen", p.to_str().unwrap(), "--at", "end"], None);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(r.stdout.contains("11999 xxx"), "{}", r.stdout);
}

/// `screen --at end` with the size given reads and emulates in two threads: the screen is the
/// one replaying the loaded recording gives (`--at 100%` takes that path), whatever the
/// format, the newline mode, resizes, compression or standard input.
#[test]
fn the_two_thread_screen_is_the_replayed_screen() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let mut files: Vec<std::path::PathBuf> =
        std::fs::read_dir(format!("{root}/tests/fixtures/recordings"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
    files.sort();
    // LF only (the emulator waits to know), with resizes, and longer than a few batches
    let mut cast = String::from("{\"version\":2,\"width\":40,\"height\":10}\n");
    for i in 0..30_000 {
        cast.push_str(&format!(
            "[{}.0, \"o\", \"row {i} \\u001b[7mX\\u001b[m\\n\"]\n",
            i / 100
        ));
        if i % 7000 == 0 {
            cast.push_str(&format!(
                "[{}.0, \"r\", \"{}x{}\"]\n",
                i / 100,
                30 + i / 1000,
                8 + i / 3000
            ));
        }
    }
    let p = dir.path().join("lf.cast");
    std::fs::write(&p, &cast).unwrap();
    files.push(p.clone());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(log(30_000).as_bytes()).unwrap();
    let g = dir.path().join("log.json.gz");
    std::fs::write(&g, gz.finish().unwrap()).unwrap();
    files.push(g);
    // the size guessed from the first 4 MiB of output is wrong: a wider program comes later
    let mut late = String::from("[\n");
    for i in 0..5000 {
        late.push_str(&format!(
            "{{\"time\":\"2026-11-22T09:00:{:02}.{:06}+01:00\",\"content\":\"{i} {}\\r\\n\",\"type\":\"output\"}},\n",
            i / 100,
            i % 100,
            "y".repeat(1000)
        ));
    }
    late.push_str("{\"time\":\"2026-11-22T10:00:00Z\",\"content\":\"\\u001b[?1049h\\u001b[50;150Hwide\",\"type\":\"output\"}\n]\n");
    let l = dir.path().join("late.json");
    std::fs::write(&l, &late).unwrap();
    files.push(l);
    let sized = ["--cols", "50", "--rows", "12"];
    for f in &files {
        let f = f.to_str().unwrap();
        for extra in [
            &sized[..],
            &[],
            &["--cols", "50"],
            &["--newline", "crlf", "--cols", "50", "--rows", "12"],
            &["--newline", "raw"],
            &["--format", "html", "--cols", "50", "--rows", "12"],
        ] {
            let args = |at: &'static str| {
                let mut a = vec!["screen", f, "--at", at];
                a.extend_from_slice(extra);
                a
            };
            let want = run(&args("100%"), None);
            let got = run(&args("end"), None);
            assert_eq!(want.status, 0, "{f}: {}", want.stderr);
            assert_eq!(got.stdout, want.stdout, "{f} {extra:?}");
        }
    }
    // standard input, and a broken recording: the same error either way
    let data = cast.clone().into_bytes();
    let got = run(
        &["screen", "-", "--cols", "50", "--rows", "12"],
        Some(Box::new(move |mut stdin| {
            let _ = stdin.write_all(&data);
        })),
    );
    let want = run(
        &[
            "screen",
            p.to_str().unwrap(),
            "--at",
            "100%",
            "--cols",
            "50",
            "--rows",
            "12",
        ],
        None,
    );
    assert_eq!(got.stdout, want.stdout);
    let broken = dir.path().join("broken.cast");
    std::fs::write(&broken, cast.replace("row 29000 ", "row\u{1} ")).unwrap();
    let b = broken.to_str().unwrap();
    let want = run(
        &["screen", b, "--at", "100%", "--cols", "50", "--rows", "12"],
        None,
    );
    let got = run(&["screen", b, "--cols", "50", "--rows", "12"], None);
    assert_ne!(got.status, 0);
    assert_eq!((got.status, got.stderr), (want.status, want.stderr));
}

/// An audit log is parsed as it is read, its JSON text never held whole: `info` and `export`
/// of a 64 MB log (plain, and gzipped through a pipe) peak well under its size (reading it
/// whole first took more than the file itself). The log is written and fed from files, so
/// that this process stays small: a child's peak counts the memory of the process that
/// spawned it.
#[test]
fn an_audit_log_is_not_held_whole_while_it_is_parsed() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("big.json");
    let mut w = std::io::BufWriter::new(std::fs::File::create(&plain).unwrap());
    w.write_all(b"[\n").unwrap();
    let id = "x".repeat(120);
    for i in 0..280_000 {
        if i > 0 {
            w.write_all(b",\n").unwrap();
        }
        write!(
            w,
            "{{\"time\":\"2026-11-22T09:{:02}:{:02}.{:09}+01:00\",\"id\":\"{id}{i}\",\"content\":\"line {i}\\r\\n\",\"type\":\"output\"}}",
            i / 60000 % 60,
            i / 1000 % 60,
            i % 1000 * 1_000_000
        )
        .unwrap();
    }
    w.write_all(b"\n]\n").unwrap();
    w.into_inner().unwrap().sync_all().unwrap();
    let len = std::fs::metadata(&plain).unwrap().len() as i64;
    assert!(len > 60_000_000, "{len} bytes");
    let gzpath = dir.path().join("big.json.gz");
    let mut gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&gzpath).unwrap(),
        flate2::Compression::fast(),
    );
    std::io::copy(&mut std::fs::File::open(&plain).unwrap(), &mut gz).unwrap();
    gz.finish().unwrap();
    let cast = dir.path().join("out.cast");
    let p = plain.to_str().unwrap();
    let runs = [
        ("info", run(&["info", p], None)),
        (
            "export",
            run(&["export", p, "-o", cast.to_str().unwrap()], None),
        ),
        (
            "info of a gzipped pipe",
            run(
                &["info", "-"],
                Some(Box::new(move |mut stdin| {
                    let mut f = std::fs::File::open(&gzpath).unwrap();
                    let _ = std::io::copy(&mut f, &mut stdin);
                })),
            ),
        ),
    ];
    for (what, r) in runs {
        assert_eq!(r.status, 0, "{what}: {}", r.stderr);
        assert!(
            r.peak_kb * 1024 < len / 2,
            "{what}: {} KB at its peak for a log of {len} bytes",
            r.peak_kb
        );
    }
}
