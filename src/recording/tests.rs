use super::*;

const CAST: &str = "{\"version\": 2, \"width\": 20, \"height\": 4}\n[0.5, \"o\", \"hi\\n\"]\n";

#[test]
fn sources_are_parsed_from_what_the_user_wrote() {
    let parse = |s: &str| Source::parse(OsStr::new(s));
    assert_eq!(parse("-").unwrap(), Source::Stdin);
    assert_eq!(parse("a.cast").unwrap(), Source::Path("a.cast".into()));
    assert_eq!(parse("demo").unwrap(), Source::Path("demo".into()));
    let s = parse("SCALINGO://my-app/abc/").unwrap();
    assert_eq!(
        s,
        Source::Scalingo {
            app: "my-app".into(),
            id: "abc".into(),
            url: "SCALINGO://my-app/abc/".into()
        }
    );
    assert_eq!(s.name(), "SCALINGO://my-app/abc/", "named as typed");
    assert_eq!(Source::scalingo("a", "b").name(), "scalingo://a/b");
    let e = parse("scalingo:my-app").unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert_eq!(
        e.to_string(),
        "scalingo:my-app: a Scalingo source is scalingo://APP/AUDIT_LOG_ID"
    );
    assert_eq!(Source::Stdin.name(), "<stdin>");
    assert_eq!(Source::Demo.name(), "demo");
    assert_eq!(Source::parse_or_demo(None).unwrap(), Source::Demo);
}

#[test]
fn short_names_for_captions() {
    let short = |s: &str| Source::parse(OsStr::new(s)).unwrap().short_name();
    assert_eq!(short("logs/2024/session.json"), "session.json");
    assert_eq!(short("session.json"), "session.json");
    assert_eq!(short("scalingo://my-app/abc-123/"), "abc-123");
    assert_eq!(short("-"), "<stdin>");
    assert_eq!(Source::Demo.short_name(), "demo");
    assert_eq!(short(".."), "..", "no file name: the whole name");
}

#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_opens() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = OsStr::from_bytes(b"rec-\xff\xfe.cast");
    let path = dir.path().join(name);
    std::fs::write(&path, CAST).unwrap();
    let source = Source::parse(path.as_os_str()).unwrap();
    assert_eq!(source, Source::Path(path.clone()));
    let rec = open(&source, &Settings::default()).unwrap();
    assert_eq!(rec.tl.events.len(), 1);
    assert_eq!((rec.geometry.cols, rec.geometry.rows), (20, 4));
    assert!(
        rec.name.ends_with("rec-\u{fffd}\u{fffd}.cast"),
        "{}",
        rec.name
    );
    // and a missing one is named the same way in the error
    let missing = dir.path().join(OsStr::from_bytes(b"gone-\xff.cast"));
    let e = open(&Source::Path(missing), &Settings::default())
        .err()
        .unwrap();
    assert!(
        e.to_string().ends_with("gone-\u{fffd}.cast: no such file"),
        "{e}"
    );
}

#[test]
fn settings_decide_geometry_and_newlines() {
    let mut tl = Timeline::new(vec![]);
    tl.push(0, crate::timeline::Kind::Output, b"a\nb\n");
    let auto = Recording::new("t".into(), tl, &Settings::default());
    assert!(auto.crlf, "LF and never CR LF: shown as CR LF");
    let mut tl = Timeline::new(vec![]);
    tl.push(0, crate::timeline::Kind::Output, b"a\nb\n");
    let raw = Settings {
        cols: Some(33),
        rows: Some(7),
        newline: NewlineMode::Raw,
        ..Default::default()
    };
    let r = Recording::new("t".into(), tl, &raw);
    assert!(!r.crlf);
    assert_eq!((r.geometry.cols, r.geometry.rows), (33, 7));
    assert_eq!(r.replay_once().size(), (33, 7));
    assert!(r.replay().crlf() == r.crlf && !r.replay_once().crlf());
}

#[test]
fn the_demo_and_bytes_read_elsewhere_open_the_same_way() {
    let demo = open(&Source::Demo, &Settings::default()).unwrap();
    assert_eq!(demo.name, "demo");
    assert!(!demo.tl.events.is_empty());
    let source = Source::scalingo("app", "id");
    let rec = from_bytes(&source, CAST.as_bytes().to_vec(), &Settings::default()).unwrap();
    assert_eq!(rec.name, "scalingo://app/id");
    let e = from_bytes(&source, b"nope".to_vec(), &Settings::default())
        .err()
        .unwrap();
    assert!(e.to_string().starts_with("scalingo://app/id: 1:1: "), "{e}");
}

/// A file read as it is parsed gives what reading it whole and then parsing gives: the same
/// timeline (sha256 and size included) or the same error, past the first megabyte too,
/// compressed or not, whatever its format.
#[test]
fn reading_as_parsing_equals_reading_whole() {
    use std::io::Write;
    let ev = r#"{"time": "2019-05-03T17:27:27.819655645+02:00", "content": "a\u001b[1mb \ud800\r\n", "type": "output"}"#;
    let n = (1 << 20) / ev.len() + 2000;
    let mut log = format!("[\n{}\n]\n", vec![ev; n].join(",\n")).into_bytes();
    let len = log.len();
    let mut cases: Vec<Vec<u8>> = vec![log.clone()];
    // cut short, a fault near the end, in the middle, just past the first megabyte
    cases.push(log[..len - 3].to_vec());
    for at in [len - 200, len / 2, (1 << 20) + 7] {
        let mut bad = log.clone();
        bad[at] = b'x';
        cases.push(bad);
        let mut bad = log.clone();
        bad.insert(at, b'\x01');
        cases.push(bad);
    }
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&log);
    cases.push(bom);
    log.extend_from_slice(b"  trailing");
    cases.push(log);
    // other formats, read whole as before
    let ndjson = vec![ev; n].join("\n").into_bytes();
    cases.push(ndjson);
    let cast = format!(
        "{{\"version\": 2, \"width\": 80, \"height\": 24}}\n{}",
        "[0.5, \"o\", \"hi\\n\"]\n".repeat(70_000)
    );
    cases.push(cast.into_bytes());
    let gz = |b: &[u8]| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    };
    for c in cases.clone() {
        let z = gz(&c);
        cases.push(z[..z.len() - 5].to_vec());
        let mut bad = z.clone();
        bad[z.len() * 2 / 3] ^= 0x55;
        cases.push(bad);
        cases.push(z);
    }
    let sum = |r: Result<Timeline, crate::error::LoadError>| {
        r.map(|tl| {
            let events: Vec<_> = tl
                .events
                .iter()
                .map(|e| (e.t, e.kind, tl.data(e).into_owned()))
                .collect();
            let warnings: Vec<_> = tl.warnings.iter().map(|w| w.to_string()).collect();
            (
                events,
                warnings,
                tl.sha256.clone(),
                tl.source_len,
                tl.gzip,
                tl.format,
                tl.start,
            )
        })
    };
    for (i, c) in cases.iter().enumerate() {
        let want = sum(crate::formats::load_bytes("f", c.clone()));
        let got = sum(bytes::load("f", std::io::Cursor::new(c), None, true));
        assert!(
            got == want,
            "case {i}: {:?} against {:?}",
            got.as_ref().err(),
            want.as_ref().err()
        );
    }
}
