//! An app's logs: the opaque log URL the API hands out, the dump (`logs_url&n=N`), and the
//! archives (`logs_archives`, gzip files of older lines).
//!
//! The log URL carries its own token: no `Authorization` header ever goes to it (nor to an
//! archive's URL), and every form of its token (and of an archive URL's signature) is
//! added to the client's redactor the moment it is known, so that no message shows it.

use std::io::Read;

use chrono::{DateTime, FixedOffset, Utc};
use reqwest::{Method, StatusCode, Url};
use serde::Deserialize;
use serde_json::Value;

use super::client::{Client, Ctx};
use super::error::ApiError;
use super::wire::{check_name, endpoint};
use crate::net::{self, Request};

/// JSON answers (the log URL, an archives page) larger than this are refused.
const JSON_LIMIT: usize = 16 << 20;

/// A current-thread runtime for the blocking entry points.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|source| ApiError::Io {
            what: "cannot start the async runtime".into(),
            source,
        })
}

/// One archive as listed.
#[derive(Debug, Clone, Deserialize)]
pub struct Archive {
    pub url: String,
    #[serde(default)]
    pub size: Option<Value>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
}

#[derive(Deserialize)]
struct ArchivesPage {
    #[serde(default)]
    next_cursor: Option<String>,
    #[serde(default)]
    has_more: Option<bool>,
    archives: Option<Vec<Archive>>,
}

/// An archive's `from`/`to`: a Unix date (`Fri Mar 24 14:00:00 +0000 UTC 2017`), or
/// RFC 3339.
pub fn archive_time(s: &str) -> Option<DateTime<FixedOffset>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t);
    }
    let mut parts: Vec<&str> = s.split_whitespace().collect();
    // Drop the zone's name after the offset ("+0000 UTC").
    if parts.len() == 7 && parts[5].chars().all(|c| c.is_ascii_alphabetic()) {
        parts.remove(5);
    }
    DateTime::parse_from_str(&parts.join(" "), "%a %b %d %H:%M:%S %z %Y").ok()
}

/// The dump or stream URL: `logs_url` with `n=N`, `filter=F` and `stream=true` added to
/// its own query (which is kept as it is, token included).
pub fn stream_url(logs_url: &Url, n: Option<u64>, filter: Option<&str>, stream: bool) -> Url {
    let mut url = logs_url.clone();
    {
        let mut q = url.query_pairs_mut();
        if let Some(n) = n {
            q.append_pair("n", &n.to_string());
        }
        if let Some(f) = filter {
            q.append_pair("filter", f);
        }
        if stream {
            q.append_pair("stream", "true");
        }
    }
    url
}

impl Client {
    /// `GET /v1/apps/APP/logs` → its `logs_url`, whose token the redactor then knows.
    pub async fn logs_url(&mut self, app: &str) -> Result<Url, ApiError> {
        check_name("app name", app)?;
        let url = endpoint(&self.api_base, &["v1", "apps", app, "logs"]);
        let ctx = Ctx::App {
            app,
            what: "the logs URL",
        };
        let res = self.api_get(&url, ctx).await?;
        let what = format!("the logs URL of app '{app}'");
        let body = net::read_json(res, &url, &what, JSON_LIMIT, &self.net, &self.redactor).await?;
        let raw = body.get("logs_url").and_then(Value::as_str).unwrap_or("");
        let logs = Url::parse(raw.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"));
        let Some(logs) = logs else {
            // Whatever it is, it may hold a token: never quote it.
            return Err(ApiError::Net(net::Error::BadAnswer {
                what,
                detail: "it has no usable \"logs_url\"".into(),
            }));
        };
        self.redactor.add_url(&logs);
        add_query_values(&mut self.redactor, &logs);
        Ok(logs)
    }

    /// A GET on a URL that carries its own token: no credential, errors worded without
    /// the query.
    async fn get_tokened(&self, url: &Url, what: &str) -> Result<reqwest::Response, ApiError> {
        let waiting_for = format!("{what} from {}", net::origin_of(url));
        let request = Request {
            method: Method::GET,
            url,
            credential: None,
            json_body: None,
            waiting_for: &waiting_for,
        };
        Ok(self.net.send(&request, &self.redactor).await?)
    }

    /// The log dump: the last `n` lines (the server's default without `n`), those matching
    /// `filter` only when given. Empty when the server says there are none (204, 404).
    pub async fn logs_dump(
        &mut self,
        app: &str,
        n: Option<u64>,
        filter: Option<&str>,
    ) -> Result<Vec<u8>, ApiError> {
        let logs = self.logs_url(app).await?;
        let url = stream_url(&logs, n, filter, false);
        let what = format!("the logs of app '{app}'");
        let res = self.get_tokened(&url, &what).await?;
        if matches!(res.status(), StatusCode::NO_CONTENT | StatusCode::NOT_FOUND) {
            return Ok(Vec::new());
        }
        let res = self.tokened_success(res, &url).await?;
        self.read_all(res, &url, &what, self.cfg.max_bytes).await
    }

    async fn tokened_success(
        &self,
        res: reqwest::Response,
        url: &Url,
    ) -> Result<reqwest::Response, ApiError> {
        let status = res.status();
        if status.is_success() {
            return Ok(res);
        }
        let body = self.net.read_error_body(res).await;
        let message = net::message::server_message(&body).map(|m| self.clean(&m));
        Err(ApiError::UnexpectedStatus {
            status: status.as_u16(),
            // Origin and path only: the query holds the token.
            url: self.clean(&format!("{}{}", net::origin_of(url), url.path())),
            message,
        })
    }

    async fn read_all(
        &self,
        res: reqwest::Response,
        url: &Url,
        what: &str,
        limit: u64,
    ) -> Result<Vec<u8>, ApiError> {
        let mut body = net::Body::new(res, url, what, limit, &self.net)?;
        let mut out = Vec::new();
        while let Some(chunk) = body.chunk(&self.redactor).await? {
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    /// The archives listed for the app whose span overlaps `start`..`end` (an archive whose
    /// times cannot be read is kept), oldest first. Pages are followed while `has_more`,
    /// until one lists an archive that ended before `start` (newest are listed first).
    pub async fn archives_between(
        &mut self,
        app: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<Archive>, ApiError> {
        check_name("app name", app)?;
        let mut kept: Vec<(Option<DateTime<FixedOffset>>, Archive)> = Vec::new();
        let mut cursor: Option<String> = None;
        for page in 1..=self.cfg.max_pages.max(1) {
            let mut url = endpoint(&self.api_base, &["v1", "apps", app, "logs_archives"]);
            if let Some(c) = &cursor {
                url.query_pairs_mut().append_pair("cursor", c);
            }
            let ctx = Ctx::App {
                app,
                what: "the logs archives",
            };
            let res = self.api_get(&url, ctx).await?;
            let what = format!("the logs archives of app '{app}' (page {page})");
            let bytes =
                net::read_json_bytes(res, &url, &what, JSON_LIMIT, &self.net, &self.redactor)
                    .await?;
            let body: ArchivesPage = net::parse_json(&bytes, &what, &self.redactor)?;
            let Some(archives) = body.archives else {
                return Err(ApiError::Net(net::Error::BadAnswer {
                    what,
                    detail: "it has no \"archives\" list".into(),
                }));
            };
            let mut crossed = false;
            for archive in archives {
                let from = archive.from.as_deref().and_then(archive_time);
                let to = archive.to.as_deref().and_then(archive_time);
                crossed |= to.is_some_and(|t| t < start);
                let before = to.is_some_and(|t| t < start);
                let after = from.is_some_and(|f| f > end);
                if !before && !after {
                    kept.push((from, archive));
                }
            }
            let next = body.next_cursor.filter(|c| !c.is_empty());
            if body.has_more != Some(true) || next.is_none() || crossed || next == cursor {
                break;
            }
            cursor = next;
        }
        kept.sort_by_key(|(from, _)| *from);
        Ok(kept.into_iter().map(|(_, a)| a).collect())
    }

    /// The log lines of the archives overlapping `start`..`end`, decompressed (gzip, or as
    /// they are when not gzip), oldest archive first, each ending with a newline.
    pub async fn logs_archived(
        &mut self,
        app: &str,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Result<Vec<u8>, ApiError> {
        let archives = self.archives_between(app, start, end).await?;
        let limit = self.cfg.max_bytes;
        let mut out = Vec::new();
        for (i, archive) in archives.iter().enumerate() {
            let what = format!("logs archive {} of app '{app}'", i + 1);
            let Ok(url) = Url::parse(archive.url.trim()) else {
                return Err(ApiError::Net(net::Error::BadAnswer {
                    what,
                    detail: "its \"url\" is not a URL".into(),
                }));
            };
            self.redactor.add_url(&url);
            add_query_values(&mut self.redactor, &url);
            let res = self.get_tokened(&url, &what).await?;
            let res = self.tokened_success(res, &url).await?;
            let bytes = self.read_all(res, &url, &what, limit).await?;
            let room = limit.saturating_sub(out.len() as u64);
            let text = gunzip(&bytes, room).map_err(|e| {
                ApiError::Net(net::Error::BadAnswer {
                    what: what.clone(),
                    detail: e.to_string(),
                })
            })?;
            out.extend_from_slice(&text);
            if !out.is_empty() && !out.ends_with(b"\n") {
                out.push(b'\n');
            }
        }
        Ok(out)
    }
}

/// Every query value of 16 characters or more, as a secret: signed URLs name their
/// signature in many ways (`X-Amz-Signature`, `sig`, `token`…).
fn add_query_values(redactor: &mut net::Redactor, url: &Url) {
    for (_, value) in url.query_pairs() {
        if value.chars().count() >= 16 {
            redactor.add_secret(&value);
        }
    }
}

/// Why an archive of logs cannot be used.
#[derive(Debug)]
enum GunzipError {
    /// Plain bytes over the limit.
    TooLarge(u64),
    /// Gzip that decompresses to more than the limit.
    HoldsTooMuch(u64),
    NotGzip(std::io::Error),
}

impl std::fmt::Display for GunzipError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GunzipError::TooLarge(limit) => {
                write!(f, "it is larger than the limit of {limit} bytes")
            }
            GunzipError::HoldsTooMuch(limit) => write!(
                f,
                "it holds more than the limit of {limit} bytes (set AUDITTY_MAX_BYTES to raise it)"
            ),
            GunzipError::NotGzip(e) => write!(f, "it is not readable gzip ({e})"),
        }
    }
}

/// Gzip (one member or several) decompressed, at most `limit` bytes; other bytes as they are.
fn gunzip(bytes: &[u8], limit: u64) -> Result<Vec<u8>, GunzipError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        if bytes.len() as u64 > limit {
            return Err(GunzipError::TooLarge(limit));
        }
        return Ok(bytes.to_vec());
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(GunzipError::NotGzip)?;
    if out.len() as u64 > limit {
        return Err(GunzipError::HoldsTooMuch(limit));
    }
    Ok(out)
}

/// The app's log dump: its last `n` lines (the server's default without `n`), matching
/// `filter` when given.
///
/// Returns exactly the text the log server sent (lines
/// `2015-02-16 02:02:43.930163178 +0000 UTC [web-1] message`, each ending with `\n`), or
/// nothing when it says there are no logs (204, 404).
pub fn fetch_logs(
    cfg: super::Config,
    app: &str,
    n: Option<u64>,
    filter: Option<&str>,
) -> Result<Vec<u8>, ApiError> {
    runtime()?.block_on(async {
        let mut client = Client::new(cfg).await?;
        client.logs_dump(app, n, filter).await
    })
}

/// The app's archived log lines for a past window: every archive overlapping
/// `start`..`end`.
///
/// Returns exactly: the archives' decompressed text, oldest archive first, one after the
/// other, each ending with `\n` (lines outside the window but in an overlapping archive are
/// included: the reader keeps the window). Empty when no archive overlaps.
pub fn fetch_logs_archives(
    cfg: super::Config,
    app: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<u8>, ApiError> {
    runtime()?.block_on(async {
        let mut client = Client::new(cfg).await?;
        client.logs_archived(app, start, end).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn archive_times() {
        let t = archive_time("Fri Mar 24 14:00:00 +0000 UTC 2017").unwrap();
        assert_eq!(t.to_rfc3339(), "2017-03-24T14:00:00+00:00");
        let t = archive_time("Fri Mar 24 15:00:00 +0100 CET 2017").unwrap();
        assert_eq!(
            t.with_timezone(&Utc).to_rfc3339(),
            "2017-03-24T14:00:00+00:00"
        );
        assert!(archive_time("2017-03-24T14:00:00Z").is_some());
        assert!(archive_time("yesterday").is_none());
    }

    #[test]
    fn stream_urls_keep_the_token() {
        let logs = Url::parse("https://logs.example/apps/a/logs?token=abc&timestamp=1").unwrap();
        assert_eq!(
            stream_url(&logs, Some(10), Some("web|worker"), true).as_str(),
            "https://logs.example/apps/a/logs?token=abc&timestamp=1&n=10&filter=web%7Cworker&stream=true"
        );
        assert_eq!(
            stream_url(&Url::parse("http://h/l").unwrap(), Some(0), None, false).as_str(),
            "http://h/l?n=0"
        );
    }

    #[test]
    fn gzip_and_plain_archives() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"line 1\nline 2\n").unwrap();
        let gz = gz.finish().unwrap();
        assert_eq!(gunzip(&gz, 100).unwrap(), b"line 1\nline 2\n");
        assert!(gunzip(&gz, 5).is_err());
        assert_eq!(gunzip(b"plain\n", 100).unwrap(), b"plain\n");
        assert!(gunzip(&gz[..10], 100).is_err());
    }
}
