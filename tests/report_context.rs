//! `auditty report --with CONTEXT…`, run in-process: the context entries in the session's
//! window are on the page, in time order, escaped, secrets masked (unless --show-secrets),
//! rule secrets masked too with --redact, and those near a finding shown beside it.
//! tests/fixtures/context/: a session from 11:00:00 to 11:00:10 +01:00; every secret in the
//! fixtures is fake.

use auditty::cli::{Cli, Command};
mod common;

use auditty::error::Error;
use clap::Parser;
use std::path::PathBuf;

use common::fixture as fx;

fn ctx(name: &str) -> String {
    fx("context", name)
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("auditty-report-context-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d.join(name)
}

/// `auditty report ARGS… -o OUT --force`, in this process: the page, or the error.
fn report(out: &str, args: &[&str]) -> Result<String, Error> {
    let path = tmp(out);
    let mut argv = vec!["auditty", "report"];
    argv.extend_from_slice(args);
    let p = path.to_string_lossy().into_owned();
    argv.extend_from_slice(&["-o", &p, "--force"]);
    let cli = Cli::try_parse_from(&argv).unwrap_or_else(|e| panic!("{argv:?}: {e}"));
    let Some(Command::Report(a)) = cli.command else {
        panic!("not a report: {argv:?}")
    };
    auditty::commands::report::run(&a, &mut Vec::new())?;
    Ok(std::fs::read_to_string(&path).unwrap())
}

fn page(out: &str, args: &[&str]) -> String {
    report(out, args).unwrap_or_else(|e| panic!("{args:?}: {e}"))
}

/// The session with every kind of context file.
fn all_with(out: &str, extra: &[&str]) -> String {
    let (s, l, e, lo, d) = (
        ctx("session.json"),
        ctx("app.log"),
        ctx("events.json"),
        ctx("losant.json"),
        ctx("datafold.json"),
    );
    let mut args = vec![
        s.as_str(),
        "--with",
        &l,
        "--with",
        &e,
        "--with",
        &lo,
        "--with",
        &d,
    ];
    args.extend_from_slice(extra);
    page(out, &args)
}

/// The context section of a page.
fn section(h: &str) -> &str {
    let start = h
        .find("<section id=\"context\">")
        .expect("a context section");
    let end = start + h[start..].find("</section>").unwrap();
    &h[start..end]
}

/// No byte a terminal would act on: C0 (but newline), DEL, C1.
fn assert_no_controls(s: &str) {
    for c in s.chars() {
        let n = c as u32;
        assert!(
            c == '\n' || !(n < 0x20 || n == 0x7f || (0x80..0xa0).contains(&n)),
            "control {n:#x} in the page"
        );
    }
}

#[test]
fn the_entries_in_the_window_in_time_order_escaped_and_masked() {
    let h = all_with("all.html", &[]);
    let c = section(&h);
    // the window: 5 minutes each side, edges included
    assert!(
        c.contains("first edge") && c.contains("path=/health"),
        "{c}"
    );
    assert!(!h.contains("before the window") && !h.contains("after the window"));
    assert!(!h.contains("deployment success"), "{c}");
    let at = |s: &str| c.find(s).unwrap_or_else(|| panic!("{s} missing: {c}"));
    let order = [
        "first edge",
        "ERROR",
        "variable PAYMENT_KEY added = ••••",
        "restart",
        "pump-",
        "path=/health",
    ];
    for w in order.windows(2) {
        assert!(at(w[0]) < at(w[1]), "{} before {}: {c}", w[0], w[1]);
    }
    // each row: its time in the session's offset, seconds from its start, lane, actor
    assert!(
        c.contains("<td class=\"mono\">2024-03-01T10:55:00+01:00</td>"),
        "{c}"
    );
    assert!(c.contains("-300.000 s") && c.contains("+4.000 s"), "{c}");
    assert!(c.contains("<td>app-event</td><td>alice</td>"), "{c}");
    for lane in ["app-log", "app-event", "losant", "datafold"] {
        assert!(c.contains(&format!("<td>{lane}</td>")), "{lane}: {c}");
    }
    // the count in the heading is the number of rows
    let rows = c.matches("<tr><td").count();
    assert!(c.contains(&format!("<h2>Context ({rows})</h2>")), "{c}");
    // escaped: what the files hold cannot act on a terminal or the page
    assert_no_controls(&h);
    assert!(c.contains("pump-^[]0;pwned^G"), "{c}");
    assert!(c.contains("^[[31mERROR^[[0m"), "{c}");
    // masked
    for secret in [
        "SuperSecret123",
        "NewPass456",
        "OldPass789",
        "LosantPw",
        "token=abc",
    ] {
        assert!(!h.contains(secret), "{secret} shown");
    }
    assert!(c.contains("updated DB_PASS: •••• → ••••"), "{c}");
}

#[test]
fn show_secrets_shows_values_but_never_a_urls_token() {
    let h = all_with("shown.html", &["--show-secrets"]);
    let c = section(&h);
    assert!(
        c.contains("variable PAYMENT_KEY added = SuperSecret123"),
        "{c}"
    );
    assert!(c.contains("DB_PASS: OldPass789 → NewPass456"), "{c}");
    assert!(!h.contains("token=abc"));
    // the narrower window leaves the edges out
    let narrow = all_with("narrow.html", &["--around", "1m"]);
    let c = section(&narrow);
    assert!(
        !c.contains("first edge") && !c.contains("path=/health"),
        "{c}"
    );
    assert!(c.contains("ERROR"));
}

#[test]
fn tokens_given_on_the_command_line_are_never_on_the_page() {
    let h = all_with(
        "tokens.html",
        &[
            "--token",
            "tk-us-NeverOnThePage1",
            "--losant-token",
            "LosantNeverOnThePage2",
            "--datafold-key",
            "DatafoldNeverOnThePage3",
        ],
    );
    for t in ["NeverOnThePage1", "NeverOnThePage2", "NeverOnThePage3"] {
        assert!(!h.contains(t), "{t} on the page");
    }
}

#[test]
fn redact_masks_rule_secrets_in_context_entries_too() {
    let log = tmp("secrets.log");
    let key = "AKIAQWERTYUIOPASDFGH";
    std::fs::write(
        &log,
        format!(
            "2024-03-01 10:00:05.000000000 +0000 UTC [web-1] booting with AWS_ACCESS_KEY_ID={key}\n"
        ),
    )
    .unwrap();
    let (s, l, e) = (
        ctx("session.json"),
        log.to_string_lossy().into_owned(),
        ctx("events.json"),
    );
    let plain = page("plain.html", &[&s, "--with", &l, "--with", &e]);
    assert!(section(&plain).contains(key), "the key is in the fixture");
    let red = page("red.html", &[&s, "--with", &l, "--with", &e, "--redact"]);
    let c = section(&red);
    assert!(!red.contains(key) && !red.contains("SuperSecret123"), "{c}");
    assert!(c.contains("booting with AWS_ACCESS_KEY_ID=*"), "{c}");
    assert!(c.contains("variable PAYMENT_KEY added = ••••"), "{c}");
}

#[test]
fn entries_near_a_finding_are_shown_beside_it() {
    // risky.json: 19:27:27.8Z to 19:27:32.3Z, findings all along
    let log = tmp("risky.log");
    std::fs::write(
        &log,
        "2019-07-31 19:27:30.000000000 +0000 UTC [web-1] near the findings\n\
         2019-07-31 19:31:00.000000000 +0000 UTC [web-1] minutes later\n",
    )
    .unwrap();
    let h = page(
        "near.html",
        &[
            &fx("review", "risky.json"),
            "--with",
            &log.to_string_lossy(),
        ],
    );
    let findings = &h[h.find("<section id=\"findings\">").unwrap()..h.find("</section>").unwrap()];
    assert!(
        findings
            .contains("<ul class=\"ctx\"><li>[+2.177 s] app-log (web-1): near the findings</li>"),
        "{findings}"
    );
    assert!(!findings.contains("minutes later"));
    assert!(section(&h).contains("minutes later"));
}

#[test]
fn without_with_there_is_no_context_section() {
    let h = page("none.html", &[&ctx("session.json")]);
    assert!(!h.contains("<section id=\"context\">"));
}

#[test]
fn context_errors_are_one_line() {
    // --context needs a scalingo:// session
    let e = report("e1.html", &[&ctx("session.json"), "--context"]).unwrap_err();
    assert!(matches!(e, Error::Usage(_)), "{e}");
    assert!(
        e.to_string().contains("--context needs a scalingo://"),
        "{e}"
    );
    // a recording with no start cannot be placed beside context
    let e = report(
        "e2.html",
        &[&ctx("no-start.cast"), "--with", &ctx("app.log")],
    )
    .unwrap_err();
    assert!(matches!(e, Error::Runtime(_)), "{e}");
    assert!(e.to_string().contains("no wall-clock start"), "{e}");
    // a file that is not context
    let e = report(
        "e3.html",
        &[&ctx("session.json"), "--with", &ctx("not-context.txt")],
    )
    .unwrap_err();
    assert!(!e.to_string().contains('\n'), "{e}");
    assert!(!tmp("e3.html").exists(), "nothing written on error");
}
