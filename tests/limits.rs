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
