//! Every file auditty writes (`export -o`, `screen -o`, `fetch -o`), through the binary:
//! devices and FIFOs are written into, never replaced; links stay links; modes are kept and a
//! new audit log is private; signals and SIGKILL leave no temporary file behind for long.
//!
//! NEVER DO: no test or helper here may write to a path under `/dev` (a helper once deleted
//! the machine's /dev/null). Devices and FIFOs are made with mknod/mkfifo in a temp folder;
//! [`auditty`] refuses to run with an argument under `/dev`.
#![cfg(unix)]

mod common;

use std::io::{Read, Write};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{json, Value};

const TOKEN: &str = "tk-us-files-0123456789";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/recordings")
        .join(name)
}

fn sample() -> Vec<u8> {
    std::fs::read(fixture("scalingo-doc-sample.json")).unwrap()
}

/// The binary, with `args`, against the fake API at `api` (if any), run in `cwd`.
/// Refuses any argument under `/dev`: see the note at the top.
fn command(args: &[&str], api: Option<&str>, cwd: &Path) -> Command {
    for a in args {
        assert!(
            !Path::new(a).starts_with("/dev"),
            "never write to /dev in a test: {a}"
        );
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_auditty"));
    common::signals_as_from_a_terminal(&mut cmd);
    cmd.args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .env_remove("SCALINGO_APP")
        .env_remove("SCALINGO_REGION");
    if let Some(api) = api {
        cmd.env("SCALINGO_API_TOKEN", TOKEN)
            .env("SCALINGO_AUTH_URL", api)
            .env("SCALINGO_API_URL", api);
    }
    cmd
}

fn auditty(args: &[&str], api: Option<&str>, cwd: &Path) -> Output {
    command(args, api, cwd).output().unwrap()
}

fn ok(args: &[&str], api: Option<&str>, cwd: &Path) -> Vec<u8> {
    let out = auditty(args, api, cwd);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// Names in `dir` that are temporary files of ours (any scheme, old or new).
fn temps(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".auditty-") || n.contains(".partial-") || n.ends_with(".tmp"))
        .collect()
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// A notice shown even though the test harness captures output (a skipped check must be seen).
fn notice(msg: &str) {
    let _ = writeln!(std::io::stderr(), "notice: {msg}");
}

fn mkfifo(p: &Path) {
    let st = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(st.success());
}

/// Reads the FIFO `p` in a thread until `done` is set and no writer has it open. Opened
/// without waiting for a writer, so that a FIFO replaced by a file (the bug) gives an empty
/// read instead of a test that hangs.
struct FifoReader {
    done: Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<Vec<u8>>,
}

impl FifoReader {
    fn start(p: &Path) -> FifoReader {
        use std::os::unix::fs::OpenOptionsExt;
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(p)
            .unwrap();
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let finished = done.clone();
        let thread = std::thread::spawn(move || {
            let mut got = Vec::new();
            let mut buf = [0u8; 65536];
            loop {
                match f.read(&mut buf) {
                    Ok(0) if finished.load(Ordering::SeqCst) => return got,
                    Ok(n) => got.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    Err(e) => panic!("{e}"),
                }
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        FifoReader { done, thread }
    }

    /// What was read (call once the writer has ended).
    fn bytes(self) -> Vec<u8> {
        self.done.store(true, Ordering::SeqCst);
        self.thread.join().unwrap()
    }
}

fn jwt() -> String {
    let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
    let exp = chrono::Utc::now().timestamp() + 3600;
    format!(
        "{}.{}.sig",
        b64(&json!({"alg": "HS256"})),
        b64(&json!({"exp": exp}))
    )
}

/// What the fake API sends for an audit log.
#[derive(Clone)]
enum Body {
    /// The whole sample.
    Sample,
    /// The start of a log announced as 1 MB, then one byte every 50 ms (for 60 s).
    Drip,
}

/// A fake Scalingo API (auth and API on one address): the token exchange, and any GET
/// answered with `body`. Returns its URL and the count of GETs.
fn fake_api(body: Body) -> (String, Arc<AtomicUsize>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let gets = Arc::new(AtomicUsize::new(0));
    let counted = gets.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let body = body.clone();
            let gets = counted.clone();
            std::thread::spawn(move || {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                if request.starts_with(b"POST") {
                    let answer = json!({"token": jwt()}).to_string();
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    return;
                }
                gets.fetch_add(1, Ordering::SeqCst);
                match body {
                    Body::Sample => {
                        let b = sample();
                        let _ = write!(
                            stream,
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
                            b.len()
                        );
                        let _ = stream.write_all(&b);
                    }
                    Body::Drip => {
                        let _ = stream.write_all(
                            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n[{\"time\":\"2024-01-01T00:00:00Z\",\"type\":\"output\",\"content\":\"",
                        );
                        for _ in 0..1200 {
                            if stream.write_all(b"x").is_err() {
                                return;
                            }
                            std::thread::sleep(Duration::from_millis(50));
                        }
                    }
                }
            });
        }
    });
    (url, gets)
}

fn fetch_args(out: &str, force: bool) -> Vec<&str> {
    let mut v = vec!["fetch", "--app", "my-app", "log-1", "-o", out];
    if force {
        v.push("--force");
    }
    v
}

/// A recording long enough that exporting it takes a while (about a second in a debug
/// build), made once.
fn long_recording() -> &'static Path {
    static MADE: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, p) = MADE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("long.cast");
        let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
        writeln!(f, r#"{{"version": 2, "width": 80, "height": 24}}"#).unwrap();
        for i in 0..400_000u32 {
            writeln!(
                f,
                r#"[{}.{:03}, "o", "line {i} of a long recording\r\n"]"#,
                i / 1000,
                i % 1000
            )
            .unwrap();
        }
        f.flush().unwrap();
        drop(f);
        (dir, p)
    });
    p
}

/// Waits until a temporary file of ours is in `dir` (the write has started).
fn wait_for_temp(dir: &Path, child: &mut Child) -> String {
    let start = Instant::now();
    loop {
        if let Some(t) = temps(dir).into_iter().next() {
            return t;
        }
        if let Ok(Some(st)) = child.try_wait() {
            panic!("ended before writing: {st:?}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn kill(child: &Child, signal: i32) {
    // SAFETY: kill with the PID of a child of ours that has not been waited for.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0);
}

fn wait(mut child: Child) -> Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("did not end");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().unwrap()
}

// ----- devices, FIFOs, links --------------------------------------------------------------

#[test]
fn a_character_device_stays_a_device() {
    if !is_root() {
        notice("not root: mknod cannot make a device; the character-device checks are skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let null = dir.path().join("null");
    let st = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status()
        .unwrap();
    assert!(st.success(), "mknod");
    let is_device = |what: &str| {
        let t = std::fs::symlink_metadata(&null).unwrap().file_type();
        assert!(t.is_char_device(), "{what}: {null:?} is no longer a device");
        assert!(temps(dir.path()).is_empty(), "{what}: temporary file left");
    };
    let rec = fixture("shell-basics.json");
    ok(&["export", s(&rec), "-o", s(&null)], None, dir.path());
    is_device("export");
    ok(
        &["export", s(&rec), "-o", s(&null), "-f", "txt"],
        None,
        dir.path(),
    );
    is_device("export -f txt");
    ok(
        &["screen", s(&rec), "--format", "html", "-o", s(&null)],
        None,
        dir.path(),
    );
    is_device("screen --format html");
    let (api, _) = fake_api(Body::Sample);
    let printed = ok(&fetch_args(s(&null), true), Some(&api), dir.path());
    is_device("fetch --force");
    let printed = String::from_utf8(printed).unwrap();
    assert!(
        printed.starts_with(&format!("{}  {} bytes  sha256 ", s(&null), sample().len())),
        "{printed}"
    );
    // Without --force, an existing name is refused as it always was.
    let out = auditty(&fetch_args(s(&null), false), Some(&api), dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {} already exists; pass --force to overwrite it\n",
            s(&null)
        )
    );
    is_device("fetch");
}

#[test]
fn a_fifo_receives_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    mkfifo(&fifo);
    let rec = fixture("shell-basics.json");
    let file = dir.path().join("file.cast");
    ok(&["export", s(&rec), "-o", s(&file)], None, dir.path());

    let reader = FifoReader::start(&fifo);
    ok(&["export", s(&rec), "-o", s(&fifo)], None, dir.path());
    assert_eq!(reader.bytes(), std::fs::read(&file).unwrap());

    let html = dir.path().join("s.html");
    let args = |o: &Path| {
        vec![
            "screen".to_string(),
            s(&rec).to_string(),
            "--format".into(),
            "html".into(),
            "-o".into(),
            s(o).to_string(),
        ]
    };
    let a = args(&html);
    ok(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        None,
        dir.path(),
    );
    let reader = FifoReader::start(&fifo);
    let a = args(&fifo);
    ok(
        &a.iter().map(String::as_str).collect::<Vec<_>>(),
        None,
        dir.path(),
    );
    assert_eq!(reader.bytes(), std::fs::read(&html).unwrap());

    let (api, _) = fake_api(Body::Sample);
    let reader = FifoReader::start(&fifo);
    ok(&fetch_args(s(&fifo), true), Some(&api), dir.path());
    assert_eq!(reader.bytes(), sample());

    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    assert!(temps(dir.path()).is_empty());
}

#[test]
fn standard_output_through_proc_is_written_into() {
    // /proc/self/fd/1 of the child: the pipe to this test (never a path under /dev).
    let fd1 = Path::new("/proc/self/fd/1");
    if !fd1.exists() {
        notice("no /proc/self/fd: the /proc/self/fd/1 check is skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let rec = fixture("shell-basics.json");
    let file = dir.path().join("file.cast");
    ok(&["export", s(&rec), "-o", s(&file)], None, dir.path());
    let printed = ok(&["export", s(&rec), "-o", s(fd1)], None, dir.path());
    assert_eq!(printed, std::fs::read(&file).unwrap());

    // fetch: the log on stdout, the report on stderr (as with -o -)
    let (api, _) = fake_api(Body::Sample);
    let out = auditty(&fetch_args(s(fd1), true), Some(&api), dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.stdout, sample());
    assert!(String::from_utf8_lossy(&out.stderr).contains(" bytes  sha256 "));
}

#[test]
fn a_link_to_a_file_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.cast");
    std::fs::write(&real, b"old").unwrap();
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.cast");
    std::os::unix::fs::symlink("real.cast", &link).unwrap();
    let rec = fixture("shell-basics.json");
    let file = dir.path().join("file.cast");
    ok(&["export", s(&rec), "-o", s(&file)], None, dir.path());
    ok(
        &["export", s(&rec), "-o", s(&link), "--force"],
        None,
        dir.path(),
    );
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&real).unwrap(), std::fs::read(&file).unwrap());
    assert_eq!(mode(&real), 0o640);

    let (api, _) = fake_api(Body::Sample);
    ok(&fetch_args(s(&link), true), Some(&api), dir.path());
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read(&real).unwrap(), sample());
    assert!(temps(dir.path()).is_empty());
}

// ----- modes ----------------------------------------------------------------------------------

#[test]
fn modes_are_kept_and_a_new_audit_log_is_private() {
    let dir = tempfile::tempdir().unwrap();
    let (api, _) = fake_api(Body::Sample);
    let new = dir.path().join("new.json");
    ok(&fetch_args(s(&new), false), Some(&api), dir.path());
    assert_eq!(mode(&new), 0o600, "a new audit log");

    let private = dir.path().join("private.json");
    std::fs::write(&private, b"old").unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).unwrap();
    ok(&fetch_args(s(&private), true), Some(&api), dir.path());
    assert_eq!(std::fs::read(&private).unwrap(), sample());
    assert_eq!(mode(&private), 0o600, "fetch --force over a 0600 file");

    let rec = fixture("shell-basics.json");
    let cast = dir.path().join("private.cast");
    std::fs::write(&cast, b"old").unwrap();
    std::fs::set_permissions(&cast, std::fs::Permissions::from_mode(0o600)).unwrap();
    ok(
        &["export", s(&rec), "-o", s(&cast), "--force"],
        None,
        dir.path(),
    );
    assert_ne!(std::fs::read(&cast).unwrap(), b"old");
    assert_eq!(mode(&cast), 0o600, "export over a 0600 file");
    let html = dir.path().join("private.html");
    std::fs::write(&html, b"old").unwrap();
    std::fs::set_permissions(&html, std::fs::Permissions::from_mode(0o600)).unwrap();
    ok(
        &[
            "screen",
            s(&rec),
            "--format",
            "html",
            "-o",
            s(&html),
            "--force",
        ],
        None,
        dir.path(),
    );
    assert_eq!(mode(&html), 0o600, "screen -o over a 0600 file");

    // A new export keeps today's mode: 0666 under the umask.
    let umask = Command::new("sh").args(["-c", "umask"]).output().unwrap();
    let umask = u32::from_str_radix(String::from_utf8_lossy(&umask.stdout).trim(), 8).unwrap();
    let fresh = dir.path().join("fresh.cast");
    ok(&["export", s(&rec), "-o", s(&fresh)], None, dir.path());
    assert_eq!(mode(&fresh), 0o666 & !umask);
    assert!(temps(dir.path()).is_empty());
}

// ----- signals and SIGKILL ----------------------------------------------------------------------

const SIGNALS: [(i32, &str); 4] = [
    (libc::SIGINT, "SIGINT"),
    (libc::SIGTERM, "SIGTERM"),
    (libc::SIGHUP, "SIGHUP"),
    (libc::SIGQUIT, "SIGQUIT"),
];

#[test]
fn signals_during_a_slow_fetch_leave_no_temporary_file() {
    let (api, _) = fake_api(Body::Drip);
    for (signal, name) in SIGNALS {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("evidence.json");
        let mut child = command(&fetch_args(s(&target), false), Some(&api), dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for_temp(dir.path(), &mut child);
        std::thread::sleep(Duration::from_millis(100));
        kill(&child, signal);
        let out = wait(child);
        assert_eq!(temps(dir.path()), Vec::<String>::new(), "{name}");
        assert!(!target.exists(), "{name}");
        if matches!(signal, libc::SIGINT | libc::SIGTERM) {
            // As always: reported, status 1.
            assert_eq!(out.status.code(), Some(1), "{name}");
            assert_eq!(
                String::from_utf8_lossy(&out.stderr),
                "error: interrupted; nothing was saved\n",
                "{name}"
            );
        } else {
            assert_eq!(out.status.signal(), Some(signal), "{name}: {out:?}");
        }
    }
}

#[test]
fn signals_during_a_long_export_leave_no_temporary_file() {
    let rec = long_recording();
    for (signal, name) in SIGNALS {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.cast");
        std::fs::write(&target, b"previous").unwrap();
        let mut child = command(
            &["export", s(rec), "-o", s(&target), "--force"],
            None,
            dir.path(),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        wait_for_temp(dir.path(), &mut child);
        kill(&child, signal);
        let out = wait(child);
        // Killed by the signal, as without a handler.
        assert_eq!(out.status.signal(), Some(signal), "{name}: {out:?}");
        assert_eq!(temps(dir.path()), Vec::<String>::new(), "{name}");
        assert_eq!(std::fs::read(&target).unwrap(), b"previous", "{name}");
    }
}

#[test]
fn after_sigkill_the_next_write_removes_the_stale_temporary_file() {
    // export
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.cast");
    let mut child = command(
        &["export", s(long_recording()), "-o", s(&target)],
        None,
        dir.path(),
    )
    .stdout(Stdio::null())
    .spawn()
    .unwrap();
    let stale = wait_for_temp(dir.path(), &mut child);
    kill(&child, libc::SIGKILL);
    wait(child);
    assert_eq!(
        temps(dir.path()),
        std::slice::from_ref(&stale),
        "SIGKILL cannot be caught"
    );
    let rec = fixture("shell-basics.json");
    ok(&["export", s(&rec), "-o", s(&target)], None, dir.path());
    assert!(temps(dir.path()).is_empty(), "{stale} removed");
    assert!(target.exists());

    // fetch
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("evidence.json");
    let (slow, _) = fake_api(Body::Drip);
    let mut child = command(&fetch_args(s(&target), false), Some(&slow), dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stale = wait_for_temp(dir.path(), &mut child);
    kill(&child, libc::SIGKILL);
    wait(child);
    assert_eq!(temps(dir.path()), std::slice::from_ref(&stale));
    let (api, _) = fake_api(Body::Sample);
    ok(&fetch_args(s(&target), false), Some(&api), dir.path());
    assert!(temps(dir.path()).is_empty(), "{stale} removed");
    assert_eq!(std::fs::read(&target).unwrap(), sample());
}
