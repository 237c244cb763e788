//! The Scalingo API client: token exchange, region lookup, run events, audit log download,
//! retries on 429/5xx, and errors that say what happened.

use std::cmp::Reverse;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use super::auth::{redact, unix_now, Bearer};
use super::config::{base_url, Config, RetryPolicy, ENV_API_URL, ENV_AUTH_URL};
use super::error::{classify, innermost_reason, origin_of, ApiError, Failed};
use super::text::truncate_chars;

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("auditty/", env!("CARGO_PKG_VERSION"));

/// Error bodies are read up to this size (the rest is not needed to name the error).
const ERROR_BODY_LIMIT: usize = 64 * 1024;
/// JSON answers (events pages, regions, token) larger than this are refused.
const JSON_BODY_LIMIT: usize = 64 * 1024 * 1024;
/// How much of an audit log is held back, at most, before deciding whether it is one.
const SNIFF_LIMIT: usize = 64 * 1024;
/// Server messages quoted in errors are cut to this many characters.
const MESSAGE_LIMIT: usize = 200;

/// Who started a session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub username: String,
    pub email: String,
    pub id: String,
}

/// A one-off session: a `run` event of an app.
///
/// Strings are as the API sent them (not escaped: escape them before showing them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The event's id.
    pub id: String,
    /// When it started, exactly as the API wrote it (RFC 3339, with its own offset).
    pub created_at: String,
    pub user: User,
    pub app_name: String,
    /// The command run; empty for an operator's shell.
    pub command: String,
    /// The audit log to download; `None` when the event has none.
    pub audit_log_id: Option<String>,
    /// Its size in bytes, when the event says.
    pub audit_log_size: Option<u64>,
    pub detached: Option<bool>,
}

impl Session {
    /// `created_at` parsed, when it is RFC 3339.
    pub fn created_at_time(&self) -> Option<DateTime<FixedOffset>> {
        DateTime::parse_from_rfc3339(&self.created_at).ok()
    }
}

/// A client of the Scalingo API. Holds the API token, the bearer token made from it (reused
/// until it has less than five minutes left) and the API's base URL.
pub struct Client {
    http: reqwest::Client,
    cfg: Config,
    token: String,
    auth_base: Url,
    api_base: Url,
    bearer: Option<Bearer>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("auth_base", &self.auth_base.as_str())
            .field("api_base", &self.api_base.as_str())
            .field("has_bearer", &self.bearer.is_some())
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy)]
enum Auth<'a> {
    None,
    /// HTTP basic auth, empty user, the API token as password (auth host only).
    Basic(&'a str),
    /// `Authorization: Bearer` (API host only).
    Bearer(&'a str),
}

/// What a request is for, to name its errors.
#[derive(Clone, Copy)]
enum Ctx<'a> {
    Exchange,
    Regions,
    Events { app: &'a str },
    AuditLog { app: &'a str, id: &'a str },
}

impl Client {
    /// Sets the client up. Without `api_url`, asks the auth service for the region's API
    /// URL. The token is exchanged at the first API call.
    pub async fn new(cfg: Config) -> Result<Client, ApiError> {
        let token = cfg
            .token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::MissingToken)?
            .to_string();
        let auth_base = base_url(&cfg.auth_url, ENV_AUTH_URL)?;
        let api_base = match &cfg.api_url {
            Some(url) => Some(base_url(url, ENV_API_URL)?),
            None => None,
        };

        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers)
            .connect_timeout(cfg.timeouts.connect)
            .read_timeout(cfg.timeouts.read)
            .redirect(reqwest::redirect::Policy::limited(5))
            .use_rustls_tls()
            .build()
            .map_err(|e| ApiError::Setup {
                reason: innermost_reason(&e),
            })?;

        let mut client = Client {
            http,
            token,
            api_base: auth_base.clone(),
            auth_base,
            bearer: None,
            cfg,
        };
        client.api_base = match api_base {
            Some(url) => url,
            None => client.region_api().await?,
        };
        Ok(client)
    }

    /// The API's base URL in use.
    pub fn api_base(&self) -> &str {
        self.api_base.as_str()
    }

    /// The app's one-off sessions (its `run` events), newest first, following the pages
    /// until the last one or until `limit` sessions are found.
    pub async fn sessions(
        &mut self,
        app: &str,
        limit: Option<usize>,
    ) -> Result<Vec<Session>, ApiError> {
        check_name("app name", app)?;
        if limit == Some(0) {
            return Ok(Vec::new());
        }
        let mut sessions = Vec::new();
        let mut seen = HashSet::new();
        let per_page = self.cfg.page_size.max(1).to_string();
        let mut page: u64 = 1;
        for _ in 0..self.cfg.max_pages.max(1) {
            let mut url = endpoint(&self.api_base, &["v1", "apps", app, "events"]);
            url.query_pairs_mut()
                .append_pair("page", &page.to_string())
                .append_pair("per_page", &per_page);
            let res = self.api_get(&url, Ctx::Events { app }).await?;
            let what = format!("the events of app '{app}' (page {page})");
            let body = self.read_json(res, &url, &what).await?;
            let events = match &body {
                Value::Array(events) => events,
                Value::Object(o) => match o.get("events") {
                    Some(Value::Array(events)) => events,
                    Some(Value::Null) => break,
                    Some(_) => {
                        return Err(ApiError::BadAnswer {
                            what,
                            detail: "its \"events\" is not a list".into(),
                        })
                    }
                    None => {
                        let said = if o.contains_key("error") || o.contains_key("message") {
                            format!(" (it says '{}')", self.clean(&json_message(&body)))
                        } else {
                            String::new()
                        };
                        return Err(ApiError::BadAnswer {
                            what,
                            detail: format!("it has no \"events\" list{said}"),
                        });
                    }
                },
                _ => {
                    return Err(ApiError::BadAnswer {
                        what,
                        detail: "it is not a JSON object with \"events\"".into(),
                    })
                }
            };
            if events.is_empty() {
                break;
            }
            for event in events {
                if let Some(session) = session_from_event(event) {
                    if session.id.is_empty() || seen.insert(session.id.clone()) {
                        sessions.push(session);
                    }
                }
            }
            if limit.is_some_and(|l| sessions.len() >= l) {
                break;
            }
            match next_page(&body, page) {
                Some(next) => page = next,
                None => break,
            }
        }
        sort_newest_first(&mut sessions);
        if let Some(limit) = limit {
            sessions.truncate(limit);
        }
        Ok(sessions)
    }

    /// Downloads an audit log into `sink`, chunk by chunk, exactly as sent. `progress` is
    /// called with the bytes received so far and the total when known. Returns the bytes
    /// written. Nothing is written when the answer is not an audit log.
    pub async fn download_audit_log(
        &mut self,
        app: &str,
        id: &str,
        sink: &mut (impl AsyncWrite + Unpin),
        progress: &dyn Fn(u64, Option<u64>),
    ) -> Result<u64, ApiError> {
        self.download_audit_log_sized(app, id, None, sink, progress)
            .await
    }

    /// [`Client::download_audit_log`] with the size known from the run event
    /// (`audit_log_size`), for the progress when the answer has no `Content-Length`.
    pub async fn download_audit_log_sized(
        &mut self,
        app: &str,
        id: &str,
        size_hint: Option<u64>,
        sink: &mut (impl AsyncWrite + Unpin),
        progress: &dyn Fn(u64, Option<u64>),
    ) -> Result<u64, ApiError> {
        check_name("app name", app)?;
        check_name("audit log id", id)?;
        let url = endpoint(&self.api_base, &["v1", "apps", app, "audit_logs", id]);
        let mut res = self.api_get(&url, Ctx::AuditLog { app, id }).await?;
        let expected = res.content_length();
        let total = expected.or(size_hint);
        progress(0, total);

        let write_err = |source| ApiError::Io {
            what: "cannot write the audit log".into(),
            source,
        };
        let mut held: Vec<u8> = Vec::new();
        let mut decided = false;
        let mut got: u64 = 0;
        loop {
            let chunk = match res.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(e) => return Err(self.download_error(&e, &url, got, expected)),
            };
            got += chunk.len() as u64;
            if decided {
                sink.write_all(&chunk).await.map_err(write_err)?;
            } else {
                held.extend_from_slice(&chunk);
                match sniff(&held, false) {
                    Verdict::Undecided => {}
                    Verdict::AuditLog => {
                        decided = true;
                        sink.write_all(&held).await.map_err(write_err)?;
                        held = Vec::new();
                    }
                    Verdict::Not(detail) => {
                        return Err(ApiError::NotAnAuditLog {
                            detail: self.clean(&detail),
                        })
                    }
                }
            }
            progress(got, total);
        }
        if let Some(expected) = expected {
            if got < expected {
                return Err(ApiError::CutShort { got, expected });
            }
        }
        if !decided {
            match sniff(&held, true) {
                Verdict::AuditLog | Verdict::Undecided => {
                    sink.write_all(&held).await.map_err(write_err)?;
                }
                Verdict::Not(detail) => {
                    return Err(ApiError::NotAnAuditLog {
                        detail: self.clean(&detail),
                    })
                }
            }
        }
        sink.flush().await.map_err(write_err)?;
        Ok(got)
    }

    // ----- authentication -------------------------------------------------------------

    /// A bearer token with at least five minutes left, and whether it was just exchanged.
    async fn bearer(&mut self) -> Result<(String, bool), ApiError> {
        if let Some(bearer) = &self.bearer {
            if bearer.usable_at(unix_now()) {
                return Ok((bearer.token.clone(), false));
            }
        }
        let bearer = self.exchange().await?;
        let token = bearer.token.clone();
        self.bearer = Some(bearer);
        Ok((token, true))
    }

    /// `POST {auth}/v1/tokens/exchange` with the API token as basic auth password.
    async fn exchange(&self) -> Result<Bearer, ApiError> {
        let url = endpoint(&self.auth_base, &["v1", "tokens", "exchange"]);
        let res = self
            .send(Method::POST, &url, Auth::Basic(&self.token), Ctx::Exchange)
            .await?;
        let res = self.expect_success(res, &url, Ctx::Exchange).await?;
        let what = format!("the token exchange answer from {}", origin_of(&url));
        let body = self.read_json(res, &url, &what).await?;
        match body.get("token").and_then(Value::as_str).map(str::trim) {
            Some(token) if !token.is_empty() && HeaderValue::from_str(token).is_ok() => {
                Ok(Bearer::new(token.to_string(), unix_now()))
            }
            Some(_) => Err(ApiError::BadAnswer {
                what,
                detail: "its \"token\" is empty or not usable in a header".into(),
            }),
            None => Err(ApiError::BadAnswer {
                what,
                detail: "it has no \"token\"".into(),
            }),
        }
    }

    /// The API URL of the configured region, from `GET {auth}/v1/regions`.
    async fn region_api(&mut self) -> Result<Url, ApiError> {
        let url = endpoint(&self.auth_base, &["v1", "regions"]);
        let mut res = self
            .send(Method::GET, &url, Auth::None, Ctx::Regions)
            .await?;
        if matches!(
            res.status(),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ) {
            // Some deployments want a bearer token here: it goes back to the host that
            // issued it, never elsewhere.
            let (jwt, _) = self.bearer().await?;
            res = self
                .send(Method::GET, &url, Auth::Bearer(&jwt), Ctx::Regions)
                .await?;
        }
        let res = self.expect_success(res, &url, Ctx::Regions).await?;
        let what = format!("the regions list from {}", origin_of(&url));
        let body = self.read_json(res, &url, &what).await?;
        let Some(regions) = body.get("regions").and_then(Value::as_array) else {
            return Err(ApiError::BadAnswer {
                what,
                detail: "it has no \"regions\" list".into(),
            });
        };
        let wanted = self.cfg.region.as_str();
        let mut known = Vec::new();
        for region in regions {
            let Some(name) = region.get("name").and_then(Value::as_str) else {
                continue;
            };
            if name == wanted {
                let api = region.get("api").and_then(Value::as_str).unwrap_or("");
                return base_url(api, &format!("the API URL of region '{wanted}'"));
            }
            known.push(self.clean(name));
        }
        Err(ApiError::UnknownRegion {
            region: wanted.to_string(),
            known,
        })
    }

    // ----- requests -------------------------------------------------------------------

    /// GET on the API with the bearer token. A 401 with a reused bearer token exchanges
    /// once more and retries; any other answer than 2xx becomes an error.
    async fn api_get(&mut self, url: &Url, ctx: Ctx<'_>) -> Result<reqwest::Response, ApiError> {
        let mut exchanged_again = false;
        loop {
            let (jwt, fresh) = self.bearer().await?;
            let res = self.send(Method::GET, url, Auth::Bearer(&jwt), ctx).await?;
            if res.status() == StatusCode::UNAUTHORIZED && !fresh && !exchanged_again {
                self.bearer = None;
                exchanged_again = true;
                continue;
            }
            return self.expect_success(res, url, ctx).await;
        }
    }

    /// Sends one request, retrying 429 and 5xx answers with backoff (or as `Retry-After`
    /// says) within the retry policy. Other answers are returned as they are.
    async fn send(
        &self,
        method: Method,
        url: &Url,
        auth: Auth<'_>,
        ctx: Ctx<'_>,
    ) -> Result<reqwest::Response, ApiError> {
        let policy = &self.cfg.retry;
        let max_attempts = policy.max_attempts.max(1);
        let mut attempts = 0u32;
        let mut waited = Duration::ZERO;
        loop {
            attempts += 1;
            let mut request = self.http.request(method.clone(), url.clone());
            request = match auth {
                Auth::None => request,
                Auth::Basic(token) => request.basic_auth("", Some(token)),
                Auth::Bearer(token) => request.bearer_auth(token),
            };
            if method == Method::POST {
                request = request.header(CONTENT_TYPE, "application/json").body("{}");
            }
            let res = request
                .send()
                .await
                .map_err(|e| self.transport_error(&e, url, ctx))?;
            let status = res.status();
            if !is_retryable(status) {
                return Ok(res);
            }

            let asked = retry_after(res.headers(), chrono::Utc::now());
            let body = read_limited(res, ERROR_BODY_LIMIT).await;
            let message = self.server_message(&body);
            let give_up = |asked_wait: Option<Duration>| {
                if status == StatusCode::TOO_MANY_REQUESTS {
                    ApiError::RateLimited {
                        attempts,
                        waited,
                        message: message.clone(),
                        asked_wait,
                    }
                } else {
                    ApiError::ServerError {
                        status: status.as_u16(),
                        attempts,
                        waited,
                        message: message.clone(),
                        asked_wait,
                    }
                }
            };
            if attempts >= max_attempts {
                return Err(give_up(None));
            }
            let remaining = policy.max_total_wait.saturating_sub(waited);
            let delay = match asked {
                Some(asked) if asked > remaining => return Err(give_up(Some(asked))),
                Some(asked) => asked,
                None => backoff(policy, attempts).min(remaining),
            };
            if asked.is_none() && remaining.is_zero() {
                // The time allowed for waiting is used up.
                return Err(give_up(None));
            }
            tokio::time::sleep(delay).await;
            waited += delay;
        }
    }

    /// Passes 2xx answers through; reads the body of others and names the error.
    async fn expect_success(
        &self,
        res: reqwest::Response,
        url: &Url,
        ctx: Ctx<'_>,
    ) -> Result<reqwest::Response, ApiError> {
        let status = res.status();
        if status.is_success() {
            return Ok(res);
        }
        let body = read_limited(res, ERROR_BODY_LIMIT).await;
        Err(self.status_error(status, url, &body, ctx))
    }

    fn status_error(&self, status: StatusCode, url: &Url, body: &[u8], ctx: Ctx<'_>) -> ApiError {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let field = |name: &str| {
            json.as_ref()
                .and_then(|j| j.get(name))
                .and_then(Value::as_str)
                .map(|s| self.clean(s))
        };
        let message = self.server_message(body);
        match (status.as_u16(), ctx) {
            (401, _) | (403, Ctx::Exchange) => ApiError::TokenRefused {
                origin: self.cfg.token_origin,
                status: status.as_u16(),
            },
            (402, _) => ApiError::PaymentRequired {
                message: field("error").or(message),
                url: field("url"),
            },
            (403, Ctx::Events { app }) | (403, Ctx::AuditLog { app, .. }) => ApiError::Forbidden {
                app: app.to_string(),
                message,
            },
            (404, Ctx::Events { app }) => ApiError::AppNotFound {
                app: app.to_string(),
            },
            (404, Ctx::AuditLog { app, id }) => {
                if field("resource").as_deref() == Some("app") {
                    ApiError::AppNotFound {
                        app: app.to_string(),
                    }
                } else {
                    ApiError::AuditLogNotFound {
                        app: app.to_string(),
                        id: id.to_string(),
                    }
                }
            }
            _ => ApiError::UnexpectedStatus {
                status: status.as_u16(),
                url: url.to_string(),
                message,
            },
        }
    }

    fn transport_error(&self, e: &reqwest::Error, url: &Url, ctx: Ctx<'_>) -> ApiError {
        let waiting_for = match ctx {
            Ctx::Exchange => format!("the token exchange at {}", origin_of(url)),
            Ctx::Regions => format!("the regions list from {}", origin_of(url)),
            Ctx::Events { app } => format!("the events of app '{app}' from {}", origin_of(url)),
            Ctx::AuditLog { app, id } => {
                format!("audit log '{id}' of app '{app}' from {}", origin_of(url))
            }
        };
        classify(
            e,
            &Failed {
                url,
                connect_timeout: self.cfg.timeouts.connect,
                read_timeout: self.cfg.timeouts.read,
                waiting_for: &waiting_for,
            },
        )
    }

    fn download_error(
        &self,
        e: &reqwest::Error,
        url: &Url,
        got: u64,
        expected: Option<u64>,
    ) -> ApiError {
        if e.is_timeout() {
            let of = expected.map(|m| format!(" of {m}")).unwrap_or_default();
            return ApiError::Timeout {
                after: self.cfg.timeouts.read,
                waiting_for: format!(
                    "the rest of the audit log from {} ({got}{of} bytes received)",
                    origin_of(url)
                ),
            };
        }
        if let Some(expected) = expected {
            if got < expected {
                return ApiError::CutShort { got, expected };
            }
        }
        ApiError::BodyBroken {
            what: "the audit log".into(),
            got,
            reason: self.clean(&innermost_reason(e)),
        }
    }

    /// Reads a whole JSON answer (up to a size limit).
    async fn read_json(
        &self,
        mut res: reqwest::Response,
        url: &Url,
        what: &str,
    ) -> Result<Value, ApiError> {
        let mut body = Vec::new();
        loop {
            match res.chunk().await {
                Ok(Some(chunk)) => {
                    body.extend_from_slice(&chunk);
                    if body.len() > JSON_BODY_LIMIT {
                        return Err(ApiError::BadAnswer {
                            what: what.to_string(),
                            detail: format!("it is larger than {} MiB", JSON_BODY_LIMIT >> 20),
                        });
                    }
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Err(ApiError::Timeout {
                        after: self.cfg.timeouts.read,
                        waiting_for: format!("the rest of {what} from {}", origin_of(url)),
                    })
                }
                Err(e) => {
                    return Err(ApiError::BodyBroken {
                        what: what.to_string(),
                        got: body.len() as u64,
                        reason: self.clean(&innermost_reason(&e)),
                    })
                }
            }
        }
        serde_json::from_slice(&body).map_err(|e| ApiError::BadAnswer {
            what: what.to_string(),
            detail: self.clean(&describe_non_json(&body, &e)),
        })
    }

    /// The message of an error body (JSON `error`/`errors`/`message`, or plain text),
    /// without secrets, cut short.
    fn server_message(&self, body: &[u8]) -> Option<String> {
        server_message(body).map(|m| self.clean(&m))
    }

    /// Removes the API token and the bearer token from a server-supplied string, and cuts it.
    fn clean(&self, text: &str) -> String {
        let mut secrets = vec![self.token.as_str()];
        if let Some(bearer) = &self.bearer {
            secrets.push(bearer.token.as_str());
        }
        truncate_chars(&redact(text, &secrets), MESSAGE_LIMIT)
    }
}

// ----- helpers -----------------------------------------------------------------------------

/// `base` + the given path segments (each percent-encoded).
fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        path.extend(segments);
    }
    url
}

/// App names and audit log ids go in URL paths: refuse what cannot be one path segment.
fn check_name(kind: &'static str, value: &str) -> Result<(), ApiError> {
    let bad = value.is_empty()
        || value == "."
        || value == ".."
        || value
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if bad {
        Err(ApiError::InvalidName {
            kind,
            value: value.to_string(),
        })
    } else {
        Ok(())
    }
}

fn is_retryable(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS
        || (status.is_server_error()
            && status != StatusCode::NOT_IMPLEMENTED
            && status != StatusCode::HTTP_VERSION_NOT_SUPPORTED)
}

/// Exponential backoff with jitter: `base × 2^(attempt-1)`, capped, then a random
/// point in its upper half.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let factor = 1u32 << attempt.saturating_sub(1).min(20);
    let full = policy
        .base_delay
        .saturating_mul(factor)
        .min(policy.max_delay);
    let half = full / 2;
    let jitter_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
    let random = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    let jitter = if jitter_nanos == 0 {
        0
    } else {
        random % (jitter_nanos + 1)
    };
    half + Duration::from_nanos(jitter)
}

/// `Retry-After` as a wait: seconds, or an HTTP date (a past date means now).
fn retry_after(headers: &HeaderMap, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = value.parse::<f64>() {
        if (0.0..1e9).contains(&secs) {
            return Some(Duration::from_secs_f64(secs));
        }
        return None;
    }
    let when = DateTime::parse_from_rfc2822(value).ok()?;
    let delta = when.signed_duration_since(now);
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

/// Reads at most about `limit` bytes of a body; errors end the reading quietly (the body
/// only serves to word an error).
async fn read_limited(mut res: reqwest::Response, limit: usize) -> Vec<u8> {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = res.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() >= limit {
            body.truncate(limit);
            break;
        }
    }
    body
}

/// The message in an error body, if there is one.
fn server_message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(json) = serde_json::from_str::<Value>(text) {
        return Some(json_message(&json));
    }
    if text.starts_with('<') {
        return Some(html_description(text));
    }
    Some(text.lines().next().unwrap_or("").trim().to_string())
}

fn json_message(json: &Value) -> String {
    match json {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            for key in ["error", "message", "msg"] {
                match o.get(key) {
                    Some(Value::String(s)) => return s.clone(),
                    Some(Value::Null) | None => {}
                    Some(other) => return json_message(other),
                }
            }
            if let Some(Value::Object(errors)) = o.get("errors") {
                let parts: Vec<String> = errors
                    .iter()
                    .map(|(field, msgs)| match msgs {
                        Value::Array(list) => format!(
                            "{field} {}",
                            list.iter().map(json_message).collect::<Vec<_>>().join(", ")
                        ),
                        other => format!("{field} {}", json_message(other)),
                    })
                    .collect();
                return parts.join("; ");
            }
            json.to_string()
        }
        other => other.to_string(),
    }
}

/// "an HTML page" or "an HTML page titled 'Maintenance'".
fn html_description(text: &str) -> String {
    let head: String = text.chars().take(8192).collect();
    let lower = head.to_ascii_lowercase();
    let title = lower.find("<title").and_then(|start| {
        let open_end = start + lower[start..].find('>')? + 1;
        let close = open_end + lower[open_end..].find("</title")?;
        head.get(open_end..close).map(|t| t.trim().to_string())
    });
    match title {
        Some(t) if !t.is_empty() => format!("an HTML page titled '{t}'"),
        _ => "an HTML page".to_string(),
    }
}

fn describe_non_json(body: &[u8], err: &serde_json::Error) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        "it is empty".to_string()
    } else if text.starts_with('<') {
        format!("it is {}, not JSON", html_description(text))
    } else {
        format!(
            "it is not JSON ({err}); it starts with '{}'",
            truncate_chars(text, 40)
        )
    }
}

enum Verdict {
    Undecided,
    AuditLog,
    Not(String),
}

/// Decides from the first bytes whether a body is an audit log: after blank space and an
/// optional BOM, a JSON array (`[`), JSON lines (`{` not an error object), or gzip.
fn sniff(buf: &[u8], at_eof: bool) -> Verdict {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if buf.starts_with(&[0x1f, 0x8b]) {
        return Verdict::AuditLog;
    }
    if buf == [0x1f] && !at_eof {
        return Verdict::Undecided;
    }
    let rest = match buf.strip_prefix(BOM) {
        Some(rest) => rest,
        None if !at_eof && !buf.is_empty() && BOM.starts_with(buf) => return Verdict::Undecided,
        None => buf,
    };
    let Some(start) = rest.iter().position(|b| !b.is_ascii_whitespace()) else {
        return if at_eof {
            Verdict::Not(if buf.is_empty() {
                "the body is empty".into()
            } else {
                "the body is only blank space".into()
            })
        } else if buf.len() > SNIFF_LIMIT {
            Verdict::Not("it starts with more than 64 KiB of blank space".into())
        } else {
            Verdict::Undecided
        };
    };
    let body = &rest[start..];
    match body[0] {
        b'[' => Verdict::AuditLog,
        b'{' => {
            if let Some(newline) = memchr::memchr(b'\n', body) {
                if let Ok(Value::Object(first)) = serde_json::from_slice(&body[..newline]) {
                    return judge_object(&first);
                }
            }
            if !at_eof && buf.len() < SNIFF_LIMIT {
                return Verdict::Undecided;
            }
            match serde_json::Deserializer::from_slice(body)
                .into_iter::<Value>()
                .next()
            {
                Some(Ok(Value::Object(first))) => judge_object(&first),
                _ => Verdict::AuditLog,
            }
        }
        b'<' => {
            let text = String::from_utf8_lossy(body);
            Verdict::Not(format!("it is {}", html_description(&text)))
        }
        _ => {
            let text = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
            Verdict::Not(format!(
                "it starts with '{}'",
                truncate_chars(text.trim(), 40)
            ))
        }
    }
}

fn judge_object(first: &serde_json::Map<String, Value>) -> Verdict {
    let looks_like_entry = ["content", "time", "type", "version"]
        .iter()
        .any(|k| first.contains_key(*k));
    let error = ["error", "errors", "message"]
        .iter()
        .find_map(|k| first.get(*k).filter(|v| !v.is_null()));
    match error {
        Some(_) if !looks_like_entry => Verdict::Not(format!(
            "it is a JSON error: '{}'",
            json_message(&Value::Object(first.clone()))
        )),
        _ => Verdict::AuditLog,
    }
}

/// A session from an event, if it is a `run` event. Missing fields are left empty/None.
fn session_from_event(event: &Value) -> Option<Session> {
    if event.get("type").and_then(Value::as_str) != Some("run") {
        return None;
    }
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let user = event.get("user");
    let data = event.get("type_data");
    let get_user = |k: &str| text(user.and_then(|u| u.get(k))).unwrap_or_default();
    let get_data = |k: &str| data.and_then(|d| d.get(k));
    Some(Session {
        id: text(event.get("id")).unwrap_or_default(),
        created_at: text(event.get("created_at")).unwrap_or_default(),
        user: User {
            username: get_user("username"),
            email: get_user("email"),
            id: get_user("id"),
        },
        app_name: text(event.get("app_name")).unwrap_or_default(),
        command: text(get_data("command")).unwrap_or_default(),
        audit_log_id: text(get_data("audit_log_id")).filter(|s| !s.is_empty()),
        audit_log_size: get_data("audit_log_size").and_then(lenient_u64),
        detached: get_data("detached").and_then(Value::as_bool),
    })
}

fn lenient_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            let f = n.as_f64()?;
            (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1.8e19).then_some(f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The page after `page`, from `meta.pagination` (`next_page`, bounded by `total_pages`);
/// without pagination data, simply the next number (the caller stops on an empty page).
fn next_page(body: &Value, page: u64) -> Option<u64> {
    let pagination = body.get("meta").and_then(|m| m.get("pagination"));
    let total = pagination
        .and_then(|p| p.get("total_pages"))
        .and_then(lenient_u64);
    let next = match pagination.and_then(|p| p.get("next_page")) {
        Some(Value::Null) => return None,
        Some(v) => match lenient_u64(v) {
            Some(n) if n > page => n,
            _ => return None,
        },
        None => page + 1,
    };
    if total.is_some_and(|t| next > t) {
        return None;
    }
    Some(next)
}

/// Newest first by the instant of `created_at`; unreadable dates last; ties keep their order.
fn sort_newest_first(sessions: &mut [Session]) {
    sessions.sort_by_cached_key(|s| Reverse(s.created_at_time()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn endpoints_encode_segments() {
        let base = Url::parse("http://127.0.0.1:3001").unwrap();
        assert_eq!(
            endpoint(&base, &["v1", "apps", "my app", "events"]).as_str(),
            "http://127.0.0.1:3001/v1/apps/my%20app/events"
        );
        let base = Url::parse("https://api.example.test/prefix/").unwrap();
        assert_eq!(
            endpoint(&base, &["v1", "apps", "a?b#c", "audit_logs", "x%y"]).as_str(),
            "https://api.example.test/prefix/v1/apps/a%3Fb%23c/audit_logs/x%25y"
        );
    }

    #[test]
    fn names_that_cannot_be_a_path_segment_are_refused() {
        for bad in ["", ".", "..", "a/b", "a\\b", "a\u{1b}b"] {
            assert!(check_name("app name", bad).is_err(), "{bad:?}");
        }
        assert!(check_name("app name", "my-app").is_ok());
        assert_eq!(
            check_name("app name", "..").unwrap_err().to_string(),
            "'..' is not a valid app name"
        );
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h, now), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(7)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("0.5"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_millis(500)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:30 GMT"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(30)));
        h.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:00:00 GMT"),
        );
        assert_eq!(retry_after(&h, now), Some(Duration::ZERO));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("-3"));
        assert_eq!(retry_after(&h, now), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_jittered() {
        let policy = RetryPolicy {
            max_attempts: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_total_wait: Duration::from_secs(10),
        };
        for _ in 0..50 {
            let d1 = backoff(&policy, 1);
            assert!(d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100));
            let d3 = backoff(&policy, 3);
            assert!(d3 >= Duration::from_millis(200) && d3 <= Duration::from_millis(400));
            let d9 = backoff(&policy, 9);
            assert!(d9 >= Duration::from_millis(500) && d9 <= Duration::from_millis(1000));
            let huge = backoff(&policy, u32::MAX);
            assert!(huge <= Duration::from_millis(1000));
        }
    }

    #[test]
    fn retryable_statuses() {
        for s in [429u16, 500, 502, 503, 504, 520] {
            assert!(is_retryable(StatusCode::from_u16(s).unwrap()), "{s}");
        }
        for s in [200u16, 400, 401, 402, 404, 501, 505] {
            assert!(!is_retryable(StatusCode::from_u16(s).unwrap()), "{s}");
        }
    }

    #[test]
    fn server_messages() {
        assert_eq!(server_message(b""), None);
        assert_eq!(
            server_message(b"Retry later").as_deref(),
            Some("Retry later")
        );
        assert_eq!(
            server_message(br#"{"error":"Internal error occured, we're on it!"}"#).as_deref(),
            Some("Internal error occured, we're on it!")
        );
        assert_eq!(
            server_message(br#"{"errors":{"name":["is taken","is too short"]}}"#).as_deref(),
            Some("name is taken, is too short")
        );
        assert_eq!(
            server_message(b"<html><head><title>502 Bad Gateway</title></head></html>").as_deref(),
            Some("an HTML page titled '502 Bad Gateway'")
        );
        assert_eq!(
            server_message(b"first line\nsecond").as_deref(),
            Some("first line")
        );
    }

    fn verdict(body: &[u8], eof: bool) -> &'static str {
        match sniff(body, eof) {
            Verdict::Undecided => "undecided",
            Verdict::AuditLog => "log",
            Verdict::Not(_) => "not",
        }
    }

    #[test]
    fn sniffing_audit_logs() {
        assert_eq!(verdict(b"[", false), "log");
        assert_eq!(verdict(b"\xEF\xBB\xBF \n [{}]", true), "log");
        assert_eq!(verdict(b"\xEF\xBB", false), "undecided");
        assert_eq!(verdict(b"  ", false), "undecided");
        assert_eq!(verdict(b"  ", true), "not");
        assert_eq!(verdict(b"", true), "not");
        assert_eq!(verdict(b"\x1f", false), "undecided");
        assert_eq!(verdict(b"\x1f\x8b\x08", false), "log");
        assert_eq!(verdict(b"<!DOCTYPE html>", false), "not");
        assert_eq!(verdict(b"Retry later", true), "not");
        assert_eq!(
            verdict(
                b"{\"time\":\"t\",\"content\":\"x\",\"type\":\"output\"}\n{",
                false
            ),
            "log"
        );
        assert_eq!(verdict(b"{\"time\":\"t\",", false), "undecided");
        assert_eq!(verdict(b"{\"error\":\"nope\"}", false), "undecided");
        assert_eq!(verdict(b"{\"error\":\"nope\"}", true), "not");
        assert_eq!(verdict(b"{\n  \"error\": \"nope\"\n}\n", true), "not");
        assert_eq!(verdict(b"{\"version\":2,\"width\":80}\n", false), "log");
        match sniff(b"{\"error\":\"nope\"}", true) {
            Verdict::Not(d) => assert_eq!(d, "it is a JSON error: 'nope'"),
            _ => panic!(),
        }
        let big = vec![b' '; SNIFF_LIMIT + 1];
        assert_eq!(verdict(&big, false), "not");
    }

    #[test]
    fn run_events_become_sessions_tolerantly() {
        let full = json!({
            "id": "54dc", "created_at": "2015-02-12T18:05:14.226+01:00",
            "user": {"username": "johndoe", "email": "john@doe.com", "id": "us-1"},
            "app_id": "a", "app_name": "appname", "type": "run",
            "type_data": {"command": "bundle exec rake db:migrate",
                "audit_log_id": "abcdef-1234", "audit_log_size": 122445385, "detached": false}
        });
        let s = session_from_event(&full).unwrap();
        assert_eq!(s.id, "54dc");
        assert_eq!(s.created_at, "2015-02-12T18:05:14.226+01:00");
        assert_eq!(s.user.email, "john@doe.com");
        assert_eq!(s.command, "bundle exec rake db:migrate");
        assert_eq!(s.audit_log_id.as_deref(), Some("abcdef-1234"));
        assert_eq!(s.audit_log_size, Some(122445385));
        assert_eq!(s.detached, Some(false));

        let sparse = json!({"type": "run", "type_data": null, "user": null});
        let s = session_from_event(&sparse).unwrap();
        assert_eq!(s.audit_log_id, None);
        assert_eq!(s.audit_log_size, None);
        assert_eq!(s.user, User::default());

        let odd = json!({"type": "run", "id": 12, "type_data": {"audit_log_size": "42", "audit_log_id": 7}});
        let s = session_from_event(&odd).unwrap();
        assert_eq!(s.id, "12");
        assert_eq!(s.audit_log_size, Some(42));
        assert_eq!(s.audit_log_id.as_deref(), Some("7"));

        assert!(session_from_event(&json!({"type": "deployment"})).is_none());
        assert!(session_from_event(&json!({"type": null})).is_none());
        assert!(session_from_event(&json!(["run"])).is_none());
        assert!(session_from_event(&json!(null)).is_none());
    }

    #[test]
    fn pagination() {
        let meta = |next: Value, total: Value| json!({"events": [], "meta": {"pagination": {"next_page": next, "total_pages": total}}});
        assert_eq!(next_page(&meta(json!(2), json!(3)), 1), Some(2));
        assert_eq!(next_page(&meta(json!(null), json!(3)), 3), None);
        assert_eq!(
            next_page(&meta(json!(1), json!(3)), 1),
            None,
            "no going back"
        );
        assert_eq!(
            next_page(&meta(json!(5), json!(3)), 3),
            None,
            "past the end"
        );
        assert_eq!(next_page(&json!({"events": []}), 4), Some(5));
        assert_eq!(
            next_page(&json!({"meta": {"pagination": {"total_pages": 2}}}), 2),
            None
        );
    }

    #[test]
    fn sorting_newest_first_by_instant() {
        let at = |id: &str, t: &str| Session {
            id: id.into(),
            created_at: t.into(),
            ..Session::default()
        };
        let mut v = vec![
            at("a", "2015-02-12T18:05:14+01:00"),
            at("bad", "yesterday"),
            at("b", "2015-02-12T17:30:00Z"),
            at("c", "2015-02-12T18:05:14+01:00"),
        ];
        sort_newest_first(&mut v);
        let ids: Vec<&str> = v.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["b", "a", "c", "bad"]);
    }
}
