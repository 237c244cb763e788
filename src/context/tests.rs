use super::*;
use serde_json::json;

fn load(bytes: &[u8]) -> std::result::Result<Context, LoadError> {
    from_bytes("f", bytes.to_vec(), &Options::default())
}

#[test]
fn detected_by_content() {
    let ev = json!({"events": [], "meta": {}}).to_string();
    assert_eq!(load(ev.as_bytes()).unwrap().kind, Kind::AppEvents);
    assert_eq!(load(b"{\"items\": []}").unwrap().kind, Kind::Losant);
    assert_eq!(load(b"{\"logs\": []}").unwrap().kind, Kind::Datafold);
    assert_eq!(
        load(b"\xef\xbb\xbf[{\"timestamp\":\"2024-01-01T00:00:00Z\",\"event_uuid\":\"x\"}]")
            .unwrap()
            .kind,
        Kind::Datafold
    );
}

#[test]
fn none_of_these_is_one_line() {
    for (bytes, want) in [
        (&b"hello world\n"[..], "f: not a context file"),
        (b"{\"a\": 1}", "f: not a context file"),
        (b"[1, 2]", "f: not a context file"),
        (b"{\"items\": [", "f: 1:11: not valid JSON: cut short"),
        (
            b"[{\"time\": 1, \"type\": \"o\", \"content\": \"x\"}]",
            "f: a recording",
        ),
        (b"\x1f\x8b\x08\x00garbage", "f: byte 0: "),
    ] {
        let e = load(bytes).unwrap_err().to_string();
        assert!(e.starts_with(want), "{e}");
        assert!(!e.contains('\n'));
    }
}

#[test]
fn uris_parse_and_need_a_window() {
    let s = Source::parse(std::ffi::OsStr::new("losant://org1")).unwrap();
    assert_eq!(
        s,
        Source::Uri {
            scheme: "losant".into(),
            rest: "org1".into()
        }
    );
    let e = open(&s, &Options::default(), &Apis::default()).unwrap_err();
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().starts_with("losant://org1: "), "{e}");
    assert!(Source::parse(std::ffi::OsStr::new("ftp://x")).is_err());
    assert_eq!(
        Source::parse(std::ffi::OsStr::new("logs/app.log")).unwrap(),
        Source::Path("logs/app.log".into())
    );
}

#[test]
fn window_edges_included() {
    let t = |s| chrono::DateTime::parse_from_rfc3339(s).unwrap();
    let w = Window::around(
        t("2024-01-01T10:00:00Z"),
        t("2024-01-01T10:10:00Z"),
        DEFAULT_MARGIN,
    );
    assert!(w.contains(&t("2024-01-01T09:55:00Z")));
    assert!(w.contains(&t("2024-01-01T11:15:00+01:00")));
    assert!(!w.contains(&t("2024-01-01T09:54:59.999Z")));
    assert!(!w.contains(&t("2024-01-01T10:15:00.001Z")));
}

#[test]
fn text_is_one_line() {
    assert_eq!(one_line(" a\r\n\tb \n"), "a b");
}

#[test]
fn an_api_answer_of_a_known_kind_may_be_empty() {
    let o = Options::default();
    for kind in [Kind::AppLog, Kind::AppEvents, Kind::Losant, Kind::Datafold] {
        let c = from_answer("u://", kind, Vec::new(), &o).unwrap();
        assert_eq!((c.kind, c.entries.len()), (kind, 0));
    }
    let c = from_answer("u://", Kind::Losant, b"[]".to_vec(), &o).unwrap();
    assert_eq!((c.kind, c.total), (Kind::Losant, 0));
    let c = from_answer("u://", Kind::Datafold, b"{\"logs\": []}".to_vec(), &o).unwrap();
    assert_eq!(c.kind, Kind::Datafold);
    let e = from_answer("u://", Kind::Losant, b"{\"a\": 1}".to_vec(), &o).unwrap_err();
    assert!(e.to_string().starts_with("u://: "), "{e}");
}
