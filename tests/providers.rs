//! The provider clients for context, against fake servers: Losant and Datafold audit logs,
//! Scalingo app events of every type and log archives. Pagination, 401 naming the variable,
//! 404, 422, bounded retries on 429/5xx, a cut body, a redirect to another origin (which never
//! gets the token), and no token in any error.

mod common;

use auditty::{datafold, losant, scalingo};
use chrono::{DateTime, Utc};
use common::*;
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const LOSANT_TOKEN: &str = "losant-jwt-0123456789abcdefghij";
const DATAFOLD_KEY: &str = "df-key-0123456789abcdefghij";
const ORG: &str = "575ed6e87ae143cd83dc4aa8";

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn no_trace(text: &str, secret: &str) {
    assert!(!text.contains(secret), "the secret leaked: {text}");
    assert!(!text.contains(&secret[..8]), "a prefix leaked: {text}");
}

fn audit_path() -> String {
    format!("/orgs/{ORG}/audit-logs")
}

// ----- Losant ---------------------------------------------------------------------------------

#[test]
fn losant_follows_every_page_and_keeps_the_entries_byte_for_byte() {
    let rt = rt();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        let pages = [
            r#"{"items":[{"id":"a", "creationDate":"2024-01-02T03:04:05.678Z","actorName":"Ann"},{"id":"b","creationDate":"2024-01-02T03:05:00.000Z"}],"count":2,"totalCount":5,"perPage":2,"page":0}"#,
            r#"{"items":[{"id":"c","requestBody":{"x":[1,2]}},{"id":"d","responseStatus":200}],"count":2,"totalCount":5,"perPage":2,"page":1}"#,
            r#"{"items":[{"id":"e","actorName":"\u001b[31mEve"}],"count":1,"totalCount":5,"perPage":2,"page":2}"#,
        ];
        for (i, page) in pages.iter().enumerate() {
            Mock::given(method("GET"))
                .and(path(audit_path()))
                .and(query_param("page", i.to_string()))
                .and(query_param("perPage", "2"))
                .and(query_param("start", "1704164645678"))
                .and(query_param("end", "1704168000000"))
                .and(query_param("sortField", "creationDate"))
                .and(query_param("sortDirection", "asc"))
                .and(header("authorization", format!("Bearer {LOSANT_TOKEN}").as_str()))
                .respond_with(ResponseTemplate::new(200).set_body_raw(page.as_bytes(), "application/json"))
                .expect(1)
                .mount(&server)
                .await;
        }
        server
    });
    let cfg = losant::Config {
        page_size: 2,
        ..losant_config(&server.uri(), LOSANT_TOKEN)
    };
    let bytes = losant::fetch_audit_logs(
        cfg,
        ORG,
        t("2024-01-02T03:04:05.678Z"),
        t("2024-01-02T04:00:00Z"),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        r#"[{"id":"a", "creationDate":"2024-01-02T03:04:05.678Z","actorName":"Ann"},{"id":"b","creationDate":"2024-01-02T03:05:00.000Z"},{"id":"c","requestBody":{"x":[1,2]}},{"id":"d","responseStatus":200},{"id":"e","actorName":"\u001b[31mEve"}]"#
    );
    rt.block_on(server.verify());
}

#[test]
fn losant_stops_on_a_short_page_and_answers_empty_lists() {
    let rt = rt();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(audit_path()))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"items": [], "count": 0})),
            )
            .expect(1)
            .mount(&server)
            .await;
        server
    });
    let cfg = losant_config(&server.uri(), LOSANT_TOKEN);
    let bytes = losant::fetch_audit_logs(
        cfg,
        ORG,
        t("2024-01-01T00:00:00Z"),
        t("2024-01-02T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(bytes, b"[]");
    rt.block_on(server.verify());
}

fn losant_error(template: ResponseTemplate) -> (String, usize) {
    let rt = rt();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(audit_path()))
            .respond_with(template)
            .mount(&server)
            .await;
        server
    });
    let cfg = losant_config(&server.uri(), LOSANT_TOKEN);
    let err = losant::fetch_audit_logs(
        cfg,
        ORG,
        t("2024-01-01T00:00:00Z"),
        t("2024-01-02T00:00:00Z"),
    )
    .unwrap_err()
    .to_string();
    no_trace(&err, LOSANT_TOKEN);
    assert!(!err.chars().any(char::is_control), "{err:?}");
    let n = rt.block_on(server.received_requests()).unwrap().len();
    (err, n)
}

#[test]
fn losant_errors_name_the_variable_the_place_and_say_what_the_server_said() {
    let (err, _) = losant_error(ResponseTemplate::new(401).set_body_json(
        json!({"type": "Unauthorized", "message": format!("Invalid token {LOSANT_TOKEN}")}),
    ));
    assert_eq!(
        err,
        "the Losant API token from LOSANT_API_TOKEN was refused (401) (the server said 'Invalid token [redacted]'): set LOSANT_API_TOKEN to a valid one"
    );
    let (err, _) = losant_error(
        ResponseTemplate::new(404)
            .set_body_json(json!({"type": "NotFound", "message": "Organization was not found"})),
    );
    assert_eq!(
        err,
        format!("the audit logs of Losant organisation '{ORG}' not found (404) (the server said 'Organization was not found')")
    );
    let (err, _) = losant_error(ResponseTemplate::new(400).set_body_json(
        json!({"type": "Validation", "message": "start \u{1b}[2J must be a number"}),
    ));
    assert!(
        err.ends_with("was refused as invalid (400): 'start ^[[2J must be a number'"),
        "{err}"
    );
}

#[test]
fn losant_retries_429_and_5xx_a_bounded_number_of_times() {
    let (err, n) = losant_error(ResponseTemplate::new(503).set_body_string("down"));
    assert_eq!(n, 3, "fast_config allows 3 attempts");
    assert!(
        err.starts_with("server error 503 'down' 3 times; gave up after"),
        "{err}"
    );
    let (err, n) = losant_error(ResponseTemplate::new(429).insert_header("Retry-After", "120"));
    assert_eq!(n, 1, "a Retry-After longer than allowed gives up at once");
    assert!(
        err.contains("as the server asked to wait 120 s more"),
        "{err}"
    );

    // A 429 asking for a short wait, then the answer.
    let rt = rt();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(audit_path()))
            .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
            .up_to_n_times(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(audit_path()))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"items": [{"id": "x"}], "totalCount": 1})),
            )
            .with_priority(2)
            .mount(&server)
            .await;
        server
    });
    let cfg = losant_config(&server.uri(), LOSANT_TOKEN);
    let bytes = losant::fetch_audit_logs(
        cfg,
        ORG,
        t("2024-01-01T00:00:00Z"),
        t("2024-01-02T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(bytes, br#"[{"id":"x"}]"#);
}

#[test]
fn losant_without_a_token_says_where_to_give_one() {
    let cfg = losant::Config::from_lookup(None, Some("http://127.0.0.1:9".into()), &|_| None);
    let err = losant::fetch_audit_logs(
        cfg,
        ORG,
        t("2024-01-01T00:00:00Z"),
        t("2024-01-02T00:00:00Z"),
    )
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "no Losant API token: pass --losant-token or set LOSANT_API_TOKEN"
    );
}

#[test]
fn a_cut_body_is_an_error() {
    let server = RawServer::start(|_| {
        Reply::Raw(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\nConnection: close\r\n\r\n{\"items\":[{\"id\":\"a\"},"
                .to_vec(),
        )
    });
    let cfg = losant_config(&server.url("127.0.0.1"), LOSANT_TOKEN);
    let err = losant::fetch_audit_logs(
        cfg,
        ORG,
        t("2024-01-01T00:00:00Z"),
        t("2024-01-02T00:00:00Z"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with(&format!(
            "reading the audit logs of Losant organisation '{ORG}' (page 0) broke after"
        )),
        "{err}"
    );
    no_trace(&err, LOSANT_TOKEN);

    let cfg = datafold_config(&server.url("127.0.0.1"), DATAFOLD_KEY);
    let err = datafold::fetch_audit_logs(cfg, t("2024-01-01T00:00:00Z"), t("2024-01-02T00:00:00Z"))
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("reading the Datafold audit logs broke after"),
        "{err}"
    );
}

#[test]
fn a_redirect_to_another_origin_does_not_carry_the_token() {
    // 127.0.0.1 redirects to 127.0.0.2 (same port, another origin), which answers.
    let server = RawServer::start(|seen| {
        if seen.host().starts_with("127.0.0.1") {
            let port = seen.host().rsplit(':').next().unwrap_or("").to_string();
            Reply::redirect(302, &format!("http://127.0.0.2:{port}{}", seen.path))
        } else {
            Reply::status(
                200,
                &[("Content-Type", "application/json")],
                br#"{"items":[{"id":"moved"}],"totalCount":1}"#,
            )
        }
    });
    let cfg = losant_config(&server.url("127.0.0.1"), LOSANT_TOKEN);
    let bytes = losant::fetch_audit_logs(
        cfg,
        ORG,
        t("2024-01-01T00:00:00Z"),
        t("2024-01-02T00:00:00Z"),
    )
    .unwrap();
    assert_eq!(bytes, br#"[{"id":"moved"}]"#);
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {LOSANT_TOKEN}").as_str())
    );
    assert!(seen[1].host().starts_with("127.0.0.2"));
    assert_eq!(
        seen[1].header("authorization"),
        None,
        "the token went to another origin"
    );

    let cfg = datafold_config(&server.url("127.0.0.1"), DATAFOLD_KEY);
    let _ = datafold::fetch_audit_logs(cfg, t("2024-01-01T00:00:00Z"), t("2024-01-02T00:00:00Z"));
    let seen = server.seen();
    assert_eq!(
        seen[2].header("authorization"),
        Some(format!("Key {DATAFOLD_KEY}").as_str())
    );
    assert_eq!(seen[3].header("authorization"), None);
}

// ----- Datafold -------------------------------------------------------------------------------

#[test]
fn datafold_sends_the_window_as_a_body_and_returns_the_answer_as_it_came() {
    let rt = rt();
    let answer = r#"{"logs": [{"timestamp":"2023-11-07T05:40:00","event_uuid":"u1","client_ip":"10.0.0.1","url":"/api","action":"login","user_email":"a@b.c"}]}"#;
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/audit_logs"))
            .and(header(
                "authorization",
                format!("Key {DATAFOLD_KEY}").as_str(),
            ))
            .and(header("content-type", "application/json"))
            .and(body_json(
                json!({"start_date": "2023-11-07T05:31:56Z", "end_date": "2023-11-07T06:31:56Z"}),
            ))
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(answer.as_bytes(), "application/json"),
            )
            .expect(1)
            .mount(&server)
            .await;
        server
    });
    // Configured with the scheme (the reference's prose): sent the same way.
    let cfg = datafold_config(&server.uri(), &format!("Key {DATAFOLD_KEY}"));
    let bytes =
        datafold::fetch_audit_logs(cfg, t("2023-11-07T05:31:56Z"), t("2023-11-07T06:31:56Z"))
            .unwrap();
    assert_eq!(bytes, answer.as_bytes());
    rt.block_on(server.verify());
}

fn datafold_error(template: ResponseTemplate) -> (String, usize) {
    let rt = rt();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/audit_logs"))
            .respond_with(template)
            .mount(&server)
            .await;
        server
    });
    let cfg = datafold_config(&server.uri(), DATAFOLD_KEY);
    let err = datafold::fetch_audit_logs(cfg, t("2023-11-07T05:31:56Z"), t("2023-11-07T06:31:56Z"))
        .unwrap_err()
        .to_string();
    no_trace(&err, DATAFOLD_KEY);
    assert!(!err.chars().any(char::is_control), "{err:?}");
    (err, rt.block_on(server.received_requests()).unwrap().len())
}

#[test]
fn datafold_errors() {
    let detail = json!({"detail": [
        {"loc": ["body", "start_date"], "msg": "invalid datetime format \u{1b}[31m", "type": "value_error.datetime"},
        {"loc": ["body", "end_date"], "msg": format!("bad {DATAFOLD_KEY} {}", "z".repeat(400)), "type": "x"}
    ]});
    let (err, _) = datafold_error(ResponseTemplate::new(422).set_body_json(detail));
    assert!(
        err.starts_with("the Datafold audit logs request was refused as invalid (422): 'body.start_date: invalid datetime format ^[[31m; body.end_date: bad [redacted] zzz"),
        "{err}"
    );
    assert!(err.len() < 260, "short: {} characters", err.len());
    let (err, _) = datafold_error(
        ResponseTemplate::new(401).set_body_json(json!({"detail": "Invalid API key"})),
    );
    assert_eq!(
        err,
        "the Datafold API key from DATAFOLD_API_KEY was refused (401) (the server said 'Invalid API key'): set DATAFOLD_API_KEY to a valid one"
    );
    let (err, n) =
        datafold_error(ResponseTemplate::new(500).set_body_json(json!({"error": "boom"})));
    assert_eq!(n, 3);
    assert!(err.starts_with("server error 500 'boom' 3 times"), "{err}");
    let (err, _) = datafold_error(ResponseTemplate::new(200).set_body_json(json!({"items": []})));
    assert_eq!(
        err,
        "the Datafold audit logs is not understood: it has no \"logs\" list"
    );
    let (err, _) = datafold_error(ResponseTemplate::new(404));
    assert_eq!(err, "the Datafold audit logs not found (404)");
}

// ----- Scalingo: every event type over a window -----------------------------------------------

#[test]
fn scalingo_events_of_every_type_in_the_window_only() {
    let rt = rt();
    let pages = [
        // newest first, as the API lists them
        vec![
            r#"{"id":"late","created_at":"2024-05-01T13:00:00.000+02:00","type":"deployment"}"#,
            r#"{"id":"e5","created_at":"2024-05-01T11:50:00.000+02:00","type":"restart","type_data":{"scope":["web"],"reason":"unexpected_failure","addon_name":"pg"}}"#,
            r#"{"id":"e4", "created_at":"2024-05-01T09:40:00.000Z","type":"edit_variable","type_data":{"name":"SECRET","value":"v","old_value":"o"}}"#,
        ],
        vec![
            r#"{"id":"e3","created_at":"2024-05-01T09:10:00Z","type":"scale","type_data":{"containers":[{"name":"web","amount":2,"size":"M"}],"previous_containers":["web:1:M"]}}"#,
            r#"{"id":"old","created_at":"2024-05-01T08:00:00Z","type":"run"}"#,
        ],
        vec![r#"{"id":"never","created_at":"2024-04-01T08:00:00Z","type":"crash"}"#],
    ];
    let fake = rt.block_on(async {
        let fake = FakeScalingo::start("tk-us-events-0123456789").await;
        let pages = pages.clone();
        fake.on_get_with(&format!("/v1/apps/{APP}/events"), move |req: &Request| {
            let page: usize = req
                .url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(1);
            let events = pages.get(page - 1).map(|p| p.join(",")).unwrap_or_default();
            let next = if page < pages.len() { json!(page + 1) } else { Value::Null };
            let body = format!(
                r#"{{"events":[{events}],"meta":{{"pagination":{{"current_page":{page},"next_page":{next},"total_pages":{}}}}}}}"#,
                pages.len()
            );
            ResponseTemplate::new(200).set_body_raw(body, "application/json")
        })
        .await;
        fake
    });
    let bytes = scalingo::fetch_events(
        fake.config(),
        APP,
        t("2024-05-01T09:00:00Z"),
        t("2024-05-01T10:00:00Z"),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        format!("[{},{},{}]", pages[0][1], pages[0][2], pages[1][0])
    );
    let asked: Vec<String> = rt
        .block_on(fake.api.received_requests())
        .unwrap()
        .iter()
        .filter_map(|r| {
            r.url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .map(|(_, v)| v.into_owned())
        })
        .collect();
    assert_eq!(
        asked,
        ["1", "2"],
        "the page older than the window ends the listing"
    );

    // The sessions listing still sees only the run event.
    let sessions = scalingo::sessions(fake.config(), APP, None).unwrap();
    let ids: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["old"]);
}

// ----- Scalingo: logs archives for a past window -----------------------------------------------

#[test]
fn scalingo_archives_overlapping_the_window_decompressed_in_order() {
    let rt = rt();
    const SIG: &str = "SIGNATURE-0123456789abcdef0123";
    let (fake, store) = rt.block_on(async {
        let fake = FakeScalingo::start("tk-us-archives-0123456789").await;
        let store = MockServer::start().await;
        let archive = |name: &str, from: &str, to: &str| {
            json!({"url": format!("{}/archives/{name}.gz?X-Amz-Signature={SIG}", store.uri()),
                   "size": 10, "from": from, "to": to})
        };
        let page1 = json!({"next_cursor": "c2", "has_more": true, "archives": [
            archive("a3", "Wed May 01 12:00:00 +0000 UTC 2024", "Wed May 01 13:00:00 +0000 UTC 2024"),
            archive("a2", "Wed May 01 10:00:00 +0000 UTC 2024", "Wed May 01 11:00:00 +0000 UTC 2024"),
        ]});
        let page2 = json!({"next_cursor": "c3", "has_more": true, "archives": [
            archive("a1", "Wed May 01 09:00:00 +0000 UTC 2024", "Wed May 01 10:00:00 +0000 UTC 2024"),
            archive("a0", "Wed May 01 08:00:00 +0000 UTC 2024", "Wed May 01 09:00:00 +0000 UTC 2024"),
        ]});
        let page3 = json!({"next_cursor": "c4", "has_more": true, "archives": [
            archive("never", "Wed May 01 07:00:00 +0000 UTC 2024", "Wed May 01 08:00:00 +0000 UTC 2024"),
        ]});
        let p = format!("/v1/apps/{APP}/logs_archives");
        fake.on_get_with(&p, move |req: &Request| {
            let cursor = req.url.query_pairs().find(|(k, _)| k == "cursor").map(|(_, v)| v.into_owned());
            let body = match cursor.as_deref() {
                None => &page1,
                Some("c2") => &page2,
                Some("c3") => &page3,
                _ => return ResponseTemplate::new(500),
            };
            ResponseTemplate::new(200).set_body_json(body)
        })
        .await;
        for (name, text) in [
            ("a1", "2024-05-01 09:59:00.1 +0000 UTC [web-1] one\n2024-05-01 09:59:30.2 +0000 UTC [web-1] two\n"),
            ("a2", "2024-05-01 10:00:01.3 +0000 UTC [worker-1] three"),
        ] {
            Mock::given(method("GET"))
                .and(path(format!("/archives/{name}.gz")))
                .and(query_param("X-Amz-Signature", SIG))
                .respond_with(ResponseTemplate::new(200).set_body_raw(gzip(text), "application/gzip"))
                .expect(1)
                .mount(&store)
                .await;
        }
        (fake, store)
    });
    let bytes = scalingo::fetch_logs_archives(
        fake.config(),
        APP,
        t("2024-05-01T09:30:00Z"),
        t("2024-05-01T10:30:00Z"),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "2024-05-01 09:59:00.1 +0000 UTC [web-1] one\n2024-05-01 09:59:30.2 +0000 UTC [web-1] two\n2024-05-01 10:00:01.3 +0000 UTC [worker-1] three\n"
    );
    rt.block_on(store.verify());
    let stored = rt.block_on(store.received_requests()).unwrap();
    assert!(stored
        .iter()
        .all(|r| r.headers.get("authorization").is_none()));
    let listed = rt.block_on(fake.api.received_requests()).unwrap().len();
    assert_eq!(
        listed, 2,
        "the page reaching back before the window ends the listing"
    );

    // A broken archive: the error names it, never its signature.
    let (fake2, _store2) = rt.block_on(async {
        let fake = FakeScalingo::start("tk-us-archives-0123456789").await;
        let store = MockServer::start().await;
        let url = format!("{}/archives/bad.gz?X-Amz-Signature={SIG}", store.uri());
        fake.on_get(
            &format!("/v1/apps/{APP}/logs_archives"),
            ResponseTemplate::new(200).set_body_json(
                json!({"has_more": false, "archives": [{"url": url, "from": "?", "to": "?"}]}),
            ),
        )
        .await;
        Mock::given(method("GET"))
            .respond_with(
                ResponseTemplate::new(403)
                    .set_body_string(format!("<Error>bad signature {SIG}</Error>")),
            )
            .mount(&store)
            .await;
        (fake, store)
    });
    let err = scalingo::fetch_logs_archives(
        fake2.config(),
        APP,
        t("2024-05-01T09:30:00Z"),
        t("2024-05-01T10:30:00Z"),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("unexpected answer 403 from http://127.0.0.1:"),
        "{err}"
    );
    assert!(err.contains("/archives/bad.gz"), "{err}");
    no_trace(&err, SIG);
}

// ----- Scalingo: the log dump ---------------------------------------------------------------

#[test]
fn scalingo_log_dump_bytes_as_sent_and_empty_when_there_are_none() {
    let rt = rt();
    let dump = "2015-02-16 02:02:43.930163178 +0000 UTC [web-1] [martini] Started GET / for [filtered IP]\n2015-02-16 02:02:43.930366145 +0000 UTC [web-1] \u{1b}[31mraw\n";
    let (fake, logs) = rt.block_on(async {
        let fake = FakeScalingo::start("tk-us-dump-0123456789").await;
        let logs = MockServer::start().await;
        let url = format!(
            "{}/apps/{APP}/logs?token=log-token-0123456789abcdef&timestamp=1",
            logs.uri()
        );
        fake.on_get(
            &format!("/v1/apps/{APP}/logs"),
            ResponseTemplate::new(200).set_body_json(json!({"app": {}, "logs_url": url})),
        )
        .await;
        Mock::given(method("GET"))
            .and(path(format!("/apps/{APP}/logs")))
            .and(query_param("n", "10"))
            .respond_with(ResponseTemplate::new(200).set_body_raw(dump.as_bytes(), "text/plain"))
            .mount(&logs)
            .await;
        Mock::given(method("GET"))
            .and(path(format!("/apps/{APP}/logs")))
            .and(query_param("n", "0"))
            .respond_with(ResponseTemplate::new(204))
            .mount(&logs)
            .await;
        (fake, logs)
    });
    let bytes = scalingo::fetch_logs(fake.config(), APP, Some(10), None).unwrap();
    assert_eq!(bytes, dump.as_bytes(), "exactly what the log server sent");
    let none = scalingo::fetch_logs(fake.config(), APP, Some(0), None).unwrap();
    assert!(none.is_empty());
    let requests = rt.block_on(logs.received_requests()).unwrap();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert!(r.headers.get("authorization").is_none());
        assert_eq!(
            r.url
                .query_pairs()
                .find(|(k, _)| k == "timestamp")
                .unwrap()
                .1,
            "1"
        );
    }
}
