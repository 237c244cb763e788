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
