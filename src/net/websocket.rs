//! Websockets (tokio-tungstenite over rustls), dialled with the network layer's time limits
//! and errors: `https://` becomes `wss://`, `http://` becomes `ws://`; no credential header
//! is ever added (a stream URL carries its own token, which the caller's [`Redactor`] knows).
//! Pings are answered by tungstenite itself as the stream is read.

use reqwest::Url;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::client::MESSAGE_LIMIT;
use super::error::{origin_of, Error};
use super::retry::Timeouts;
use super::secret::Redactor;

/// A dialled websocket.
pub type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The largest message accepted (a log line of more is an error, not memory filled).
pub const MAX_MESSAGE: usize = 16 << 20;

/// `url` with its scheme made a websocket's: https → wss, http → ws (ws/wss kept).
pub fn ws_url(url: &Url) -> Result<Url, Error> {
    let scheme = match url.scheme() {
        "https" | "wss" => "wss",
        "http" | "ws" => "ws",
        other => {
            return Err(Error::Request {
                url: origin_of(url),
                reason: format!("'{other}' is not an http(s) or ws(s) URL"),
            })
        }
    };
    let mut out = url.clone();
    // Both are "special" schemes for the url crate, so the change is allowed.
    out.set_scheme(scheme).map_err(|()| Error::Request {
        url: origin_of(url),
        reason: "cannot make it a websocket URL".into(),
    })?;
    Ok(out)
}

/// Dials `url` (made a websocket URL) within the connect and read time limits, sending
/// `user_agent`. Errors are one sentence; every string in them went through `redactor`.
pub async fn connect(
    url: &Url,
    user_agent: &str,
    timeouts: &Timeouts,
    redactor: &Redactor,
) -> Result<Stream, Error> {
    let url = ws_url(url)?;
    let origin = origin_of(&url);
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(|e| Error::Request {
            url: origin.clone(),
            reason: redactor.clean(&e.to_string(), MESSAGE_LIMIT),
        })?;
    if let Ok(agent) = HeaderValue::from_str(user_agent) {
        request.headers_mut().insert("user-agent", agent);
    }
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let limit = timeouts.connect + timeouts.read;
    let dial = tokio_tungstenite::connect_async_with_config(request, Some(config), true);
    match tokio::time::timeout(limit, dial).await {
        Err(_) => Err(Error::Timeout {
            after: limit,
            waiting_for: format!("a websocket connection to {origin}"),
        }),
        Ok(Ok((stream, _))) => Ok(stream),
        Ok(Err(e)) => Err(describe(e, &origin, redactor)),
    }
}

/// A failed handshake or a broken stream as one of the network layer's errors.
pub fn describe(e: tokio_tungstenite::tungstenite::Error, origin: &str, r: &Redactor) -> Error {
    use tokio_tungstenite::tungstenite::Error as E;
    match e {
        E::Http(res) => {
            let status = res.status().as_u16();
            let body = res.body().as_deref().unwrap_or_default();
            let said = super::message::server_message(body)
                .map(|m| format!(" ('{}')", r.clean(&m, MESSAGE_LIMIT)))
                .unwrap_or_default();
            Error::Request {
                url: origin.to_string(),
                reason: format!("it answered {status}{said} instead of opening a websocket"),
            }
        }
        E::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => Error::Connect {
            url: origin.to_string(),
            reason: "connection refused".into(),
        },
        E::Io(io) => Error::Connect {
            url: origin.to_string(),
            reason: r.clean(&io.to_string(), MESSAGE_LIMIT),
        },
        E::Tls(tls) => Error::Tls {
            url: origin.to_string(),
            reason: r.clean(&tls.to_string(), MESSAGE_LIMIT),
        },
        other => Error::Request {
            url: origin.to_string(),
            reason: r.clean(&other.to_string(), MESSAGE_LIMIT),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_become_websocket_schemes() {
        let u = |s: &str| ws_url(&Url::parse(s).unwrap()).map(|u| u.to_string());
        assert_eq!(
            u("https://logs.example/apps/a/logs?token=t&stream=true").unwrap(),
            "wss://logs.example/apps/a/logs?token=t&stream=true"
        );
        assert_eq!(u("http://127.0.0.1:9/x").unwrap(), "ws://127.0.0.1:9/x");
        assert_eq!(u("wss://h/").unwrap(), "wss://h/");
        assert!(u("ftp://h/").is_err());
    }
}
