//! `auditty report`: one self-contained HTML page, checked in headless Chromium (it renders,
//! makes no request, its text is selectable). Skips with a NOTICE when Chromium is absent.

use std::path::{Path, PathBuf};
use std::process::Command;

const CHROMIUM: &str = "/usr/bin/chromium";

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/review")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn dir() -> PathBuf {
    let d = std::env::temp_dir().join(format!("auditty-report-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn report(src: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_auditty"))
        .arg("report")
        .arg(src)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn make(name: &str, extra: &[&str]) -> (PathBuf, String) {
    let out = dir().join(format!("{name}.html"));
    let o = report(&fixture(&format!("{name}.json")), &out, extra);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&out).unwrap();
    (out, html)
}

#[test]
fn the_page_holds_header_findings_and_every_command() {
    let (_, h) = make("risky", &[]);
    for want in [
        "Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\"",
        "<dt>Evidence sha256</dt>",
        "<dt>Geometry</dt><dd>80x24 (default)</dd>",
        "<dt>Start</dt><dd>2019-07-31T21:27:2",
        "decoded-code-run",
        "7 characters typed without echo",
        "printenv | grep AWS</code>",
        "@media print",
        "<pre class=\"screen\" style=\"width: 80ch; height: 432px;\">",
    ] {
        assert!(h.contains(want), "{want}\n{h}");
    }
    let sha = Command::new("sha256sum")
        .arg(fixture("risky.json"))
        .output()
        .unwrap();
    let sha = String::from_utf8_lossy(&sha.stdout);
    assert!(h.contains(sha.split_whitespace().next().unwrap()));
    // no script, no URL to fetch: only text mentions a scheme
    assert!(!h.contains("<script") && !h.contains("<img") && !h.contains("<link"));
    assert!(!h.contains("src=") && !h.contains("href="));
    assert!(!h.contains('\x1b'));
}

#[test]
fn an_existing_file_is_kept_without_force() {
    let out = dir().join("exists.html");
    std::fs::write(&out, "keep").unwrap();
    let o = report(&fixture("risky.json"), &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("already exists") && err.lines().count() == 1,
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep");
    assert!(report(&fixture("risky.json"), &out, &["--force"])
        .status
        .success());
    assert_ne!(std::fs::read_to_string(&out).unwrap(), "keep");
}

fn chromium(profile: &Path, args: &[&str]) -> Option<std::process::Output> {
    if !Path::new(CHROMIUM).exists() {
        println!("NOTICE: {CHROMIUM} is absent: the report is not checked in a browser");
        return None;
    }
    // a browser that hangs is stopped (coreutils' timeout), not waited for forever
    let o = Command::new("timeout")
        .args(["-k", "5", "120", CHROMIUM])
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .output()
        .unwrap();
    Some(o)
}

/// How many connections a local server gets while Chromium loads `page` with an image from
/// it added (and the policy removed, unless `keep_policy`).
fn fetches(profile: &Path, page: &str, keep_policy: bool) -> usize {
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    // connections are counted and closed at once (a request left unanswered would keep
    // the page loading)
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = std::sync::Arc::clone(&count);
    std::thread::spawn(move || {
        for c in server.incoming() {
            seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(c);
        }
    });
    let mut page = page.replace(
        "</h1>",
        &format!("</h1><img src=\"http://127.0.0.1:{port}/x.png\">"),
    );
    if !keep_policy {
        let a = page.find("<meta http-equiv").unwrap();
        let b = a + page[a..].find('>').unwrap() + 1;
        page.replace_range(a..b, "");
    }
    let file = dir().join(format!("probe-{keep_policy}.html"));
    std::fs::write(&file, page).unwrap();
    let url = format!("file://{}", file.display());
    chromium(profile, &["--dump-dom", "--virtual-time-budget=2000", &url]).unwrap();
    count.load(std::sync::atomic::Ordering::SeqCst)
}

/// Text from a DOM dump: tags dropped, entities left.
fn text_of(dom: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in dom.chars() {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            c if !tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn chromium_renders_it_with_no_request_and_selectable_text() {
    let (page, h) = make("secrets", &["--redact"]);
    let profile = dir().join("profile");
    let url = format!("file://{}", page.display());
    let Some(o) = chromium(&profile, &["--dump-dom", &url]) else {
        return;
    };
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let dom = String::from_utf8_lossy(&o.stdout);
    // rendered: the DOM has the page's text, as text nodes (selectable, not pictures)
    let text = text_of(&dom);
    for want in [
        "Session report",
        "cloud-access-key",
        "AWS_ACCESS_KEY_ID=********************",
    ] {
        assert!(text.contains(want), "{want}\n{text}");
    }
    assert!(!h.contains("<canvas") && !dom.contains("<img"));
    // no request: the file names no URL to fetch (only text mentions one), and its
    // Content-Security-Policy stops any the browser would make: a copy of the page with an
    // image from a local server added fetches nothing, the same copy without the policy does
    assert!(!h.contains("src=") && !h.contains("href=") && !h.contains("url("));
    assert_eq!(
        fetches(&profile, &h, true),
        0,
        "the policy lets a request through"
    );
    assert!(
        fetches(&profile, &h, false) > 0,
        "the check cannot see a request"
    );
    // and it prints
    let pdf = dir().join("report.pdf");
    let o = chromium(
        &profile,
        &[
            &format!("--print-to-pdf={}", pdf.display()),
            "--no-pdf-header-footer",
            &url,
        ],
    )
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        bytes.starts_with(b"%PDF") && bytes.len() > 10_000,
        "{}",
        bytes.len()
    );
}

#[test]
fn recorded_text_is_escaped() {
    let d = dir();
    let src = d.join("hostile.cast");
    std::fs::write(
        &src,
        "{\"version\": 2, \"width\": 40, \"height\": 5, \"title\": \"<b>t</b>\"}\n\
         [0.1, \"o\", \"$ \"]\n[0.2, \"i\", \"echo '<script>x</script>'\\r\"]\n\
         [0.3, \"o\", \"echo '<script>x</script>'\\r\\n<script>x</script>\\r\\n\\u001b]0;<img src=x>\\u0007$ \"]\n",
    )
    .unwrap();
    let out = d.join("hostile.html");
    let o = report(&src.to_string_lossy(), &out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let h = std::fs::read_to_string(&out).unwrap();
    assert!(
        !h.contains("<script") && !h.contains("<img") && !h.contains("<b>t"),
        "{h}"
    );
    assert!(h.contains("&lt;script&gt;x&lt;/script&gt;"), "{h}");
}
