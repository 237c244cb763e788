//! Following an app's logs live: the log URL with `&stream=true` as a websocket, keepalive
//! pings handled, and a new connection (with a fresh log URL, after a growing wait) each
//! time the server drops the old one. Ctrl-C (or SIGTERM) ends it cleanly.

use std::io;
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;

use super::client::{Client, USER_AGENT};
use super::error::ApiError;
use super::logs::{runtime, stream_url};
use crate::net::{self, text::human_secs};

/// How to follow.
#[derive(Debug, Clone)]
pub struct FollowOptions {
    /// Lines of history asked for on the first connection (`n`); reconnections ask for
    /// none, so that no line is shown twice.
    pub n: Option<u64>,
    pub filter: Option<String>,
    /// The first wait before reconnecting; doubled after each failed attempt, up to
    /// `max_delay`, back to this after a connection that worked.
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// Attempts in a row that may fail before giving up.
    pub max_failures: u32,
    /// A connection silent for longer than this is taken as dropped (the server pings
    /// every few seconds and cuts idle connections after 30 s).
    pub idle: Duration,
}

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions {
            n: None,
            filter: None,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            max_failures: 10,
            idle: Duration::from_secs(90),
        }
    }
}

/// What a stream message holds.
#[derive(Debug, PartialEq, Eq)]
pub enum StreamEvent {
    /// Log text: one or more lines.
    Log(String),
    /// A keepalive.
    Ping,
    /// Another event, or a message not understood: nothing to show.
    Other,
}

/// A text message of the stream: `{"event"|"name": "log", "log": "…"}`, or a keepalive
/// `{"event"|"name": "ping", …}`; text that is not JSON is log text itself.
pub fn stream_event(text: &str) -> StreamEvent {
    let Ok(json) = serde_json::from_str::<Value>(text) else {
        return StreamEvent::Log(text.to_string());
    };
    let kind = json
        .get("event")
        .or_else(|| json.get("name"))
        .and_then(Value::as_str);
    match (kind, json.get("log")) {
        (Some("ping"), _) => StreamEvent::Ping,
        (Some("log") | None, Some(Value::String(log))) => StreamEvent::Log(log.clone()),
        _ => StreamEvent::Other,
    }
}

/// How a connection ended.
enum Ended {
    Dropped(String),
    Output(io::Error),
}

/// Follows the logs of `app` until interrupted: `on_line` gets each log line (without its
/// newline, raw: escape it), `on_notice` what to say on standard error (already escaped,
/// no token). Returns `Ok` when interrupted; an error when the first connection fails,
/// when `max_failures` reconnections in a row fail, or when `on_line` fails (a closed pipe).
pub fn follow_logs(
    cfg: super::Config,
    app: &str,
    opts: &FollowOptions,
    on_line: &mut dyn FnMut(&str) -> io::Result<()>,
    on_notice: &mut dyn FnMut(&str),
) -> Result<(), ApiError> {
    runtime()?.block_on(async {
        tokio::select! {
            biased;
            () = crate::net::download::interrupted() => Ok(()),
            r = follow(cfg, app, opts, on_line, on_notice) => r,
        }
    })
}

async fn follow(
    cfg: super::Config,
    app: &str,
    opts: &FollowOptions,
    on_line: &mut dyn FnMut(&str) -> io::Result<()>,
    on_notice: &mut dyn FnMut(&str),
) -> Result<(), ApiError> {
    let timeouts = cfg.timeouts.clone();
    let mut client = Client::new(cfg).await?;
    let mut first = true;
    let mut failures = 0u32;
    let mut delay = opts.base_delay;
    loop {
        let dialled = async {
            let logs = client.logs_url(app).await?;
            let n = if first { opts.n } else { Some(0) };
            let url = stream_url(&logs, n, opts.filter.as_deref(), true);
            Ok::<_, ApiError>(
                net::websocket::connect(&url, USER_AGENT, &timeouts, &client.redactor).await?,
            )
        }
        .await;
        let mut ws = match dialled {
            Ok(ws) => ws,
            Err(e) if first => return Err(e),
            Err(e) => {
                failures += 1;
                if failures >= opts.max_failures.max(1) {
                    return Err(e);
                }
                on_notice(&format!(
                    "cannot reconnect ({e}); trying again in {}",
                    human_secs(delay)
                ));
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(opts.max_delay);
                continue;
            }
        };
        if !first {
            on_notice("reconnected");
        }
        first = false;
        failures = 0;
        delay = opts.base_delay;
        let ended = read_stream(&mut ws, opts.idle, on_line, &client).await;
        match ended {
            Ended::Output(e) => {
                return Err(ApiError::Io {
                    what: "cannot write the logs".into(),
                    source: e,
                })
            }
            Ended::Dropped(why) => {
                on_notice(&format!(
                    "the log stream {why}; reconnecting in {}",
                    human_secs(delay)
                ));
                tokio::time::sleep(delay).await;
            }
        }
    }
}

async fn read_stream(
    ws: &mut net::websocket::Stream,
    idle: Duration,
    on_line: &mut dyn FnMut(&str) -> io::Result<()>,
    client: &Client,
) -> Ended {
    loop {
        let next = match tokio::time::timeout(idle, ws.next()).await {
            Err(_) => return Ended::Dropped(format!("was silent for {}", human_secs(idle))),
            Ok(next) => next,
        };
        let text = match next {
            None => return Ended::Dropped("was closed by the server".into()),
            Some(Err(tokio_tungstenite::tungstenite::Error::Protocol(
                tokio_tungstenite::tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
            ))) => return Ended::Dropped("was dropped by the server".into()),
            Some(Err(e)) => {
                let origin = "the log server";
                let why = net::websocket::describe(e, origin, &client.redactor);
                return Ended::Dropped(format!("broke ({why})"));
            }
            Some(Ok(Message::Close(_))) => {
                return Ended::Dropped("was closed by the server".into())
            }
            // tungstenite answers pings itself; pongs and raw frames say nothing.
            Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
            Some(Ok(Message::Text(t))) => t.as_str().to_string(),
            Some(Ok(Message::Binary(b))) => String::from_utf8_lossy(&b).into_owned(),
        };
        if let StreamEvent::Log(log) = stream_event(&text) {
            let log = log.strip_suffix('\n').unwrap_or(&log);
            for line in log.split('\n') {
                let line = line.strip_suffix('\r').unwrap_or(line);
                if let Err(e) = on_line(line) {
                    return Ended::Output(e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_messages_in_both_documented_shapes() {
        assert_eq!(
            stream_event(r#"{"event":"log","log":"a\u001b[2Jb"}"#),
            StreamEvent::Log("a\u{1b}[2Jb".into())
        );
        assert_eq!(
            stream_event(r#"{"name":"log","log":"x"}"#),
            StreamEvent::Log("x".into())
        );
        assert_eq!(
            stream_event(r#"{"name":"ping","timestamp":"2024-01-01T00:00:00Z"}"#),
            StreamEvent::Ping
        );
        assert_eq!(stream_event(r#"{"event":"ping"}"#), StreamEvent::Ping);
        assert_eq!(stream_event(r#"{"event":"other"}"#), StreamEvent::Other);
        assert_eq!(
            stream_event("plain text"),
            StreamEvent::Log("plain text".into())
        );
    }
}
