//! Shared pieces of the API tests: JWTs, a fake Scalingo API (wiremock), a raw HTTP server
//! that records what it receives and can answer on several loopback origins, and a runner
//! of the binary.
//!
//! NEVER DO: no test or helper may write to, delete or replace a path under `/dev`. Tests
//! make their own devices and FIFOs in a temporary folder.
#![allow(dead_code)]
#![allow(clippy::result_large_err)] // tungstenite's handshake callback returns its own error type

pub mod pg;
pub mod tmux;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use auditty::scalingo::{Config, RetryPolicy, Timeouts, TokenOrigin};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const APP: &str = "my-app";

/// The path of `tests/fixtures/DIR/NAME`, as a string for an argument.
pub fn fixture(dir: &str, name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
        .join(name)
        .to_string_lossy()
        .into_owned()
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A real JWT (header.payload.signature, base64url) whose payload has `exp`; `n` makes
/// each one different.
pub fn jwt(exp: i64, n: u64) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS512","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(
        json!({"exp": exp, "iss": "Scalingo", "uuid": format!("us-{n}"), "rfs": true}).to_string(),
    );
    let signature = URL_SAFE_NO_PAD.encode(format!("signature-{n}-0123456789abcdef"));
    format!("{header}.{payload}.{signature}")
}

/// `Basic base64(:token)`, as the token exchange sends it.
pub fn basic(token: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!(":{token}")))
}

/// The documented sample audit log.
pub fn sample_audit_log() -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/recordings/scalingo-doc-sample.json"),
    )
    .unwrap()
}

/// Tiny waits, short timeouts.
pub fn fast_config() -> Config {
    Config {
        timeouts: Timeouts {
            connect: Duration::from_secs(3),
            read: Duration::from_secs(5),
        },
        retry: RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(20),
            max_total_wait: Duration::from_secs(2),
        },
        ..Config::default()
    }
}

// ----- a fake Scalingo API (wiremock) --------------------------------------------------------

/// An auth server exchanging only `token` for JWTs (all of them kept in `issued`), and an
/// API server with nothing mounted.
pub struct FakeScalingo {
    pub auth: MockServer,
    pub api: MockServer,
    pub token: String,
    issued: Arc<Mutex<Vec<String>>>,
    /// What [`FakeScalingo::config`] builds on (timeouts, retries).
    base: Config,
}

impl FakeScalingo {
    /// JWTs valid an hour.
    pub async fn start(token: &str) -> FakeScalingo {
        FakeScalingo::start_with_life(token, 3600).await
    }

    /// The token exchange (accepting only `token`, with the headers and body the client
    /// sends, issuing JWTs valid `jwt_life` seconds), the regions list (the API server as
    /// `osc-fr1`), and an API server with nothing mounted.
    pub async fn start_with_life(token: &str, jwt_life: i64) -> FakeScalingo {
        let auth = MockServer::start().await;
        let api = MockServer::start().await;
        let issued = Arc::new(Mutex::new(Vec::new()));
        let kept = issued.clone();
        Mock::given(method("POST"))
            .and(path("/v1/tokens/exchange"))
            .and(header("authorization", basic(token).as_str()))
            .and(header("content-type", "application/json"))
            .and(header("accept", "application/json"))
            .and(body_string("{}"))
            .respond_with(move |_: &Request| {
                let mut kept = kept.lock().unwrap();
                let jwt = jwt(now() + jwt_life, kept.len() as u64);
                kept.push(jwt.clone());
                ResponseTemplate::new(200).set_body_json(json!({ "token": jwt }))
            })
            .with_priority(1)
            .mount(&auth)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/tokens/exchange"))
            .respond_with(
                ResponseTemplate::new(401).set_body_json(json!({"error": "invalid token"})),
            )
            .with_priority(10)
            .mount(&auth)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1/regions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"regions": [
                {"name": "osc-fr1", "display_name": "Paris - Outscale", "api": api.uri(),
                 "ssh": "ssh.osc-fr1.scalingo.com:22", "default": true},
                {"name": "osc-secnum-fr1", "display_name": "Paris - SecNumCloud",
                 "api": "http://127.0.0.1:9", "default": false},
            ]})))
            .mount(&auth)
            .await;
        FakeScalingo {
            auth,
            api,
            token: token.to_string(),
            issued,
            base: fast_config(),
        }
    }

    /// The same fake, with `base`'s timeouts and retries in [`FakeScalingo::config`].
    pub fn with_base(mut self, base: Config) -> FakeScalingo {
        self.base = base;
        self
    }

    /// How many token exchanges were asked for (refused ones included).
    pub async fn exchanges(&self) -> usize {
        requests_to(&self.auth, "/v1/tokens/exchange").await.len()
    }

    /// The events `pages` of `app`, page N answering `?page=N`.
    pub async fn mount_events(&self, app: &str, pages: Vec<serde_json::Value>) {
        for (i, page) in pages.into_iter().enumerate() {
            Mock::given(method("GET"))
                .and(path(format!("/v1/apps/{app}/events")))
                .and(query_param("page", (i + 1).to_string().as_str()))
                .respond_with(ResponseTemplate::new(200).set_body_json(page))
                .mount(&self.api)
                .await;
        }
    }

    /// The audit log `id` of `app`.
    pub async fn mount_audit_log(&self, app: &str, id: &str, body: Vec<u8>) {
        Mock::given(method("GET"))
            .and(path(format!("/v1/apps/{app}/audit_logs/{id}")))
            .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
            .mount(&self.api)
            .await;
    }

    pub fn config(&self) -> Config {
        Config {
            token: Some(self.token.clone()),
            token_origin: TokenOrigin::Env("SCALINGO_API_TOKEN"),
            auth_url: self.auth.uri(),
            api_url: Some(self.api.uri()),
            ..self.base.clone()
        }
    }

    /// The JWTs issued so far.
    pub fn issued(&self) -> Vec<String> {
        self.issued.lock().unwrap().clone()
    }

    /// Answers every GET on `p` with `template`.
    pub async fn on_get(&self, p: &str, template: ResponseTemplate) {
        on_get(&self.api, p, template).await;
    }

    /// Answers every GET on `p` with what `f` makes of the request.
    pub async fn on_get_with(
        &self,
        p: &str,
        f: impl Fn(&Request) -> ResponseTemplate + Send + Sync + 'static,
    ) {
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(f)
            .mount(&self.api)
            .await;
    }
}

/// The fake API for tests that run the binary from a plain `#[test]`: it keeps a runtime of
/// its own to mount answers with (the servers run on wiremock's own threads).
pub struct BlockingFake {
    pub fake: FakeScalingo,
    rt: tokio::runtime::Runtime,
}

impl BlockingFake {
    pub fn start(token: &str) -> BlockingFake {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let fake = rt.block_on(FakeScalingo::start(token));
        BlockingFake { fake, rt }
    }

    /// Answers every GET on `p` (on the API server) with `template`.
    pub fn on(&self, p: &str, template: ResponseTemplate) {
        self.rt.block_on(self.fake.on_get(p, template));
    }

    /// The binary with `token` and the fake's URLs in the environment.
    pub fn run(&self, token: &str, args: &[&str]) -> Output {
        run_auditty(
            token,
            &self.fake.auth.uri(),
            &self.fake.api.uri(),
            &[],
            args,
        )
    }
}

/// Answers every GET on `p` with `template`, on `server`.
pub async fn on_get(server: &MockServer, p: impl AsRef<str>, template: ResponseTemplate) {
    Mock::given(method("GET"))
        .and(path(p.as_ref()))
        .respond_with(template)
        .mount(server)
        .await;
}

/// The requests `server` received on path `p`.
pub async fn requests_to(server: &MockServer, p: &str) -> Vec<Request> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.url.path() == p)
        .collect()
}

// ----- a raw HTTP server, on several loopback origins --------------------------------------

/// One request as the raw server read it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// Lowercase names.
    pub headers: BTreeMap<String, String>,
}

impl Seen {
    pub fn host(&self) -> &str {
        self.headers.get("host").map_or("", String::as_str)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// What the raw server answers.
pub enum Reply {
    /// These bytes (status line and headers included), then the connection is closed.
    Raw(Vec<u8>),
    /// `head` (status line and headers), then `chunk` again and again every `every`,
    /// for ever (until the client goes away).
    Endless {
        head: Vec<u8>,
        chunk: Vec<u8>,
        every: Duration,
    },
}

impl Reply {
    /// A complete answer with a `Content-Length`.
    pub fn status(code: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut out = format!(
            "HTTP/1.1 {code} X\r\nContent-Length: {}\r\nConnection: close\r\n",
            body.len()
        );
        for (k, v) in headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        let mut out = out.into_bytes();
        out.extend_from_slice(body);
        Reply::Raw(out)
    }

    pub fn redirect(code: u16, location: &str) -> Reply {
        Reply::status(code, &[("Location", location)], b"")
    }

    /// A 200 whose body never ends (no length, closed never).
    pub fn endless(start: &[u8], chunk: &[u8], every: Duration) -> Reply {
        let mut head =
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                .to_vec();
        head.extend_from_slice(start);
        Reply::Endless {
            head,
            chunk: chunk.to_vec(),
            every,
        }
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

/// A raw HTTP/1.1 server listening on 127.0.0.1 and 127.0.0.2 at the same port (so
/// `http://127.0.0.1:P`, `http://localhost:P` and `http://127.0.0.2:P` are three origins
/// of one server), recording every request. Runs on its own thread.
pub struct RawServer {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl RawServer {
    pub fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> RawServer {
        let handler: Arc<Handler> = Arc::new(handler);
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (first, second) = loop {
            let a = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let port = a.local_addr().unwrap().port();
            let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)), port);
            if let Ok(b) = std::net::TcpListener::bind(addr) {
                break (a, b);
            }
        };
        let port = first.local_addr().unwrap().port();
        for listener in [first, second] {
            listener.set_nonblocking(true).unwrap();
            let handler = handler.clone();
            let seen = seen.clone();
            std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                rt.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                    while let Ok((stream, _)) = listener.accept().await {
                        tokio::spawn(serve(stream, handler.clone(), seen.clone()));
                    }
                })
            });
        }
        RawServer { port, seen }
    }

    /// `http://HOST:PORT` for one of the names it answers on.
    pub fn url(&self, host: &str) -> String {
        format!("http://{host}:{}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(
    mut stream: tokio::net::TcpStream,
    handler: Arc<Handler>,
    seen: Arc<Mutex<Vec<Seen>>>,
) {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("").to_string();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    // Read the body, if any, so that the client is not cut off while sending it.
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    while request.len() < head_end + 4 + length {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let one = Seen {
        method,
        path,
        headers,
    };
    seen.lock().unwrap().push(one.clone());
    match handler(&one) {
        Reply::Raw(bytes) => {
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Reply::Endless { head, chunk, every } => {
            if stream.write_all(&head).await.is_err() {
                return;
            }
            loop {
                if stream.write_all(&chunk).await.is_err() {
                    return;
                }
                if !every.is_zero() {
                    tokio::time::sleep(every).await;
                }
            }
        }
    }
}

// ----- the binary ----------------------------------------------------------------------------

/// Runs the binary with the Scalingo variables pointing at `api`/`auth`, and `extra`
/// variables; the user's own Scalingo settings are removed.
pub fn run_auditty(
    token: &str,
    auth: &str,
    api: &str,
    extra: &[(&str, &str)],
    args: &[&str],
) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_auditty"));
    cmd.args(args)
        .env("SCALINGO_API_TOKEN", token)
        .env("SCALINGO_AUTH_URL", auth)
        .env("SCALINGO_API_URL", api)
        .env_remove("SCALINGO_APP")
        .env_remove("SCALINGO_REGION")
        .env_remove("AUDITTY_MAX_BYTES")
        .env_remove("AUDITTY_DB");
    for (k, v) in extra {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

// ----- an in-process websocket server (tokio-tungstenite) ----------------------------------

/// What a websocket connection of [`WsServer`] does, step by step.
#[derive(Clone, Debug)]
pub enum WsStep {
    /// A text message.
    Text(String),
    /// A ping frame; then waits (up to 5 s) for the client's pong, counted in [`WsSeen`].
    PingAwaitPong(Vec<u8>),
    Sleep(Duration),
    /// A close frame, then the end of the connection.
    Close,
    /// The TCP connection dropped without a close frame.
    Drop,
    /// Reads (answering nothing) until the client goes away.
    Hold,
}

/// A `log` event as the server sends it (`{"event":"log","log":…}`).
pub fn ws_log(line: &str) -> WsStep {
    WsStep::Text(json!({"event": "log", "log": line}).to_string())
}

/// One connection as the websocket server saw it.
#[derive(Clone, Debug, Default)]
pub struct WsSeen {
    /// The request's path and query.
    pub uri: String,
    /// Lowercase names.
    pub headers: BTreeMap<String, String>,
    pub pongs: usize,
}

/// A websocket server on 127.0.0.1: connection `i` follows `scripts[i]` (the last script for
/// any later one). Runs on its own thread.
pub struct WsServer {
    pub port: u16,
    seen: Arc<Mutex<Vec<WsSeen>>>,
}

impl WsServer {
    pub fn start(scripts: Vec<Vec<WsStep>>) -> WsServer {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::handshake::server::{Request as WsRequest, Response};
        use tokio_tungstenite::tungstenite::Message;

        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen: Arc<Mutex<Vec<WsSeen>>> = Arc::new(Mutex::new(Vec::new()));
        let kept = seen.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let mut n = 0usize;
                while let Ok((stream, _)) = listener.accept().await {
                    let script = scripts[n.min(scripts.len() - 1)].clone();
                    let index = n;
                    n += 1;
                    let seen = kept.clone();
                    tokio::spawn(async move {
                        let record = Arc::new(Mutex::new(WsSeen::default()));
                        let r = record.clone();
                        let callback = move |req: &WsRequest, res: Response| {
                            let mut r = r.lock().unwrap();
                            r.uri = req.uri().to_string();
                            r.headers = req
                                .headers()
                                .iter()
                                .map(|(k, v)| {
                                    (k.as_str().to_string(), v.to_str().unwrap_or("").to_string())
                                })
                                .collect();
                            Ok(res)
                        };
                        let Ok(mut ws) =
                            tokio_tungstenite::accept_hdr_async(stream, callback).await
                        else {
                            return;
                        };
                        {
                            let mut all = seen.lock().unwrap();
                            while all.len() <= index {
                                all.push(WsSeen::default());
                            }
                            all[index] = record.lock().unwrap().clone();
                        }
                        for step in script {
                            match step {
                                WsStep::Text(t) => {
                                    if ws.send(Message::text(t)).await.is_err() {
                                        return;
                                    }
                                }
                                WsStep::PingAwaitPong(data) => {
                                    if ws.send(Message::Ping(data.into())).await.is_err() {
                                        return;
                                    }
                                    let wait =
                                        tokio::time::timeout(Duration::from_secs(5), async {
                                            while let Some(Ok(m)) = ws.next().await {
                                                if matches!(m, Message::Pong(_)) {
                                                    return true;
                                                }
                                            }
                                            false
                                        });
                                    if let Ok(true) = wait.await {
                                        seen.lock().unwrap()[index].pongs += 1;
                                    }
                                }
                                WsStep::Sleep(d) => tokio::time::sleep(d).await,
                                WsStep::Close => {
                                    let _ = ws.close(None).await;
                                    return;
                                }
                                WsStep::Drop => return,
                                WsStep::Hold => {
                                    while let Some(Ok(_)) = ws.next().await {}
                                    return;
                                }
                            }
                        }
                    });
                }
            })
        });
        WsServer { port, seen }
    }

    /// `http://127.0.0.1:PORT` (the log URL is http(s); the client makes it ws(s)).
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn seen(&self) -> Vec<WsSeen> {
        self.seen.lock().unwrap().clone()
    }
}

// ----- a running binary whose output is read as it comes -----------------------------------

/// A child process whose standard output and error are collected by threads.
pub struct Running {
    pub child: std::process::Child,
    pub stdout: Arc<Mutex<Vec<u8>>>,
    pub stderr: Arc<Mutex<Vec<u8>>>,
}

/// The signals a test sends reach the child as from a terminal: `cargo test` may run in a
/// background job, which starts with SIGINT and SIGQUIT ignored, and auditty leaves an
/// ignored signal ignored (as `nohup` asks).
pub fn signals_as_from_a_terminal(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: between fork and exec, only signal(2), which is async-signal-safe.
    unsafe {
        cmd.pre_exec(|| {
            for s in [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP] {
                libc::signal(s, libc::SIG_DFL);
            }
            Ok(())
        });
    }
}

impl Running {
    /// Runs the binary like [`run_auditty`], without waiting.
    pub fn spawn(token: &str, auth: &str, api: &str, args: &[&str]) -> Running {
        use std::process::Stdio;
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_auditty"));
        signals_as_from_a_terminal(&mut cmd);
        cmd.args(args)
            .env("SCALINGO_API_TOKEN", token)
            .env("SCALINGO_AUTH_URL", auth)
            .env("SCALINGO_API_URL", api)
            .env_remove("SCALINGO_APP")
            .env_remove("SCALINGO_REGION")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let collect = |mut from: Box<dyn std::io::Read + Send>| {
            let into = Arc::new(Mutex::new(Vec::new()));
            let kept = into.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = from.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    kept.lock().unwrap().extend_from_slice(&buf[..n]);
                }
            });
            into
        };
        let stdout = collect(Box::new(child.stdout.take().unwrap()));
        let stderr = collect(Box::new(child.stderr.take().unwrap()));
        Running {
            child,
            stdout,
            stderr,
        }
    }

    pub fn stdout_text(&self) -> String {
        text(&self.stdout.lock().unwrap())
    }

    pub fn stderr_text(&self) -> String {
        text(&self.stderr.lock().unwrap())
    }

    /// Waits until standard output holds `needle` (panics after `secs` seconds).
    pub fn wait_for_stdout(&self, needle: &str, secs: u64) {
        let until = std::time::Instant::now() + Duration::from_secs(secs);
        while !self.stdout_text().contains(needle) {
            assert!(
                std::time::Instant::now() < until,
                "no {needle:?} in stdout:\n{}\nstderr:\n{}",
                self.stdout_text(),
                self.stderr_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGINT and waits for the end (at most 10 s).
    pub fn interrupt(mut self) -> (std::process::ExitStatus, String, String) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        let until = std::time::Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > until {
                let _ = self.child.kill();
                panic!("did not end after SIGINT; stderr: {}", self.stderr_text());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        std::thread::sleep(Duration::from_millis(50));
        (status, self.stdout_text(), self.stderr_text())
    }
}

// ----- Losant and Datafold configurations for fake servers ---------------------------------

/// A Losant configuration for a fake API at `url`, the token as if from `LOSANT_API_TOKEN`,
/// with [`fast_config`]'s waits.
pub fn losant_config(url: &str, token: &str) -> auditty::losant::Config {
    let fast = fast_config();
    let env = |name: &str| match name {
        "LOSANT_API_TOKEN" => Some(token.to_string()),
        "LOSANT_API_URL" => Some(url.to_string()),
        _ => None,
    };
    auditty::losant::Config {
        timeouts: fast.timeouts,
        retry: fast.retry,
        ..auditty::losant::Config::from_lookup(None, None, &env)
    }
}

/// A Datafold configuration for a fake API at `url`, the key as if from `DATAFOLD_API_KEY`.
pub fn datafold_config(url: &str, key: &str) -> auditty::datafold::Config {
    let fast = fast_config();
    let env = |name: &str| match name {
        "DATAFOLD_API_KEY" => Some(key.to_string()),
        "DATAFOLD_API_URL" => Some(url.to_string()),
        _ => None,
    };
    auditty::datafold::Config {
        timeouts: fast.timeouts,
        retry: fast.retry,
        ..auditty::datafold::Config::from_lookup(None, None, &env)
    }
}

/// Gzip of `text`, as a logs archive is served.
pub fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}
