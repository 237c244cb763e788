//! The client's errors. Each one displays as one sentence saying what happened, with every
//! string that came from outside escaped, and never a token.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use super::config::{TokenOrigin, ENV_TOKEN};
use super::text::{escape_controls as esc, human_secs};

/// What went wrong talking to Scalingo (or saving what it sent).
#[derive(Debug)]
#[non_exhaustive]
pub enum ApiError {
    /// No API token was given.
    MissingToken,
    /// A flag or variable holds something unusable.
    InvalidConfig { what: String },
    /// An app name or audit log id that cannot be put in a URL path.
    InvalidName { kind: &'static str, value: String },
    /// The HTTP client could not be set up.
    Setup { reason: String },
    /// The API token (or the bearer token made from it) was refused.
    TokenRefused { origin: TokenOrigin, status: u16 },
    /// The region is not one the auth service lists.
    UnknownRegion { region: String, known: Vec<String> },
    /// 404 on an app.
    AppNotFound { app: String },
    /// 404 on an audit log of an existing app.
    AuditLogNotFound { app: String, id: String },
    /// 402.
    PaymentRequired {
        message: Option<String>,
        url: Option<String>,
    },
    /// 403 on an app.
    Forbidden {
        app: String,
        message: Option<String>,
    },
    /// 429 answers, retried until the attempts or the time allowed ran out.
    RateLimited {
        attempts: u32,
        waited: Duration,
        message: Option<String>,
        /// Set when giving up because the server asked for a longer wait than allowed.
        asked_wait: Option<Duration>,
    },
    /// 5xx answers, retried until the attempts or the time allowed ran out.
    ServerError {
        status: u16,
        attempts: u32,
        waited: Duration,
        message: Option<String>,
        asked_wait: Option<Duration>,
    },
    /// Any other answer the client has no use for.
    UnexpectedStatus {
        status: u16,
        url: String,
        message: Option<String>,
    },
    /// The TCP connection could not be made (refused, unreachable, reset…).
    Connect { url: String, reason: String },
    /// The host name did not resolve.
    Dns { host: String, reason: String },
    /// The TLS handshake failed.
    Tls { url: String, reason: String },
    /// Nothing came for longer than allowed.
    Timeout {
        after: Duration,
        waiting_for: String,
    },
    /// The body ended before its announced length.
    CutShort { got: u64, expected: u64 },
    /// Reading a body failed for another reason.
    BodyBroken {
        what: String,
        got: u64,
        reason: String,
    },
    /// A 200 answer to an audit log download whose body is not an audit log.
    NotAnAuditLog { detail: String },
    /// A 200 answer (events, regions, token exchange) that is not what the API documents.
    BadAnswer { what: String, detail: String },
    /// Any other failure of a request.
    Request { url: String, reason: String },
    /// The file to save to exists and overwriting was not asked for.
    TargetExists { path: PathBuf },
    /// A local file or stream operation failed.
    Io { what: String, source: io::Error },
    /// The user interrupted (Ctrl-C); nothing was saved.
    Interrupted,
}

fn opt_said(message: &Option<String>) -> String {
    match message {
        Some(m) if !m.is_empty() => format!(" '{}'", esc(m)),
        _ => String::new(),
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::MissingToken => write!(
                f,
                "no Scalingo API token: pass --token or set {ENV_TOKEN} (create one with 'scalingo tokens-create' or in the dashboard)"
            ),
            ApiError::InvalidConfig { what } => write!(f, "{}", esc(what)),
            ApiError::InvalidName { kind, value } => {
                write!(f, "'{}' is not a valid {kind}", esc(value))
            }
            ApiError::Setup { reason } => {
                write!(f, "cannot set up the HTTP client: {}", esc(reason))
            }
            ApiError::TokenRefused { origin, status } => {
                write!(f, "the API token from {origin} was refused ({status})")
            }
            ApiError::UnknownRegion { region, known } => {
                if known.is_empty() {
                    write!(
                        f,
                        "unknown region '{}': the auth service lists no regions",
                        esc(region)
                    )
                } else {
                    let known: Vec<String> = known.iter().map(|k| esc(k)).collect();
                    write!(
                        f,
                        "unknown region '{}'; known regions: {}",
                        esc(region),
                        known.join(", ")
                    )
                }
            }
            ApiError::AppNotFound { app } => write!(f, "app '{}' not found", esc(app)),
            ApiError::AuditLogNotFound { app, id } => write!(
                f,
                "audit log '{}' not found in app '{}'",
                esc(id),
                esc(app)
            ),
            ApiError::PaymentRequired { message, url } => {
                write!(f, "payment required (402){}", opt_said(message))?;
                if let Some(url) = url {
                    write!(f, "; see {}", esc(url))?;
                }
                Ok(())
            }
            ApiError::Forbidden { app, message } => write!(
                f,
                "access to app '{}' was denied (403){}",
                esc(app),
                opt_said(message)
            ),
            ApiError::RateLimited {
                attempts,
                waited,
                message,
                asked_wait,
            } => {
                write!(
                    f,
                    "rate limited (429) {attempts} times in a row{}; gave up after {}",
                    match message {
                        Some(m) if !m.is_empty() => format!(" (the server said '{}')", esc(m)),
                        _ => String::new(),
                    },
                    human_secs(*waited)
                )?;
                if let Some(asked) = asked_wait {
                    write!(
                        f,
                        " as the server asked to wait {} more",
                        human_secs(*asked)
                    )?;
                }
                Ok(())
            }
            ApiError::ServerError {
                status,
                attempts,
                waited,
                message,
                asked_wait,
            } => {
                if *attempts == 1 {
                    write!(f, "server error {status}{} once; gave up", opt_said(message))?;
                } else {
                    write!(
                        f,
                        "server error {status}{} {attempts} times; gave up after {}",
                        opt_said(message),
                        human_secs(*waited)
                    )?;
                }
                if let Some(asked) = asked_wait {
                    write!(
                        f,
                        " as the server asked to wait {} more",
                        human_secs(*asked)
                    )?;
                }
                Ok(())
            }
            ApiError::UnexpectedStatus {
                status,
                url,
                message,
            } => write!(
                f,
                "unexpected answer {status} from {}{}",
                esc(url),
                opt_said(message)
            ),
            ApiError::Connect { url, reason } => {
                write!(f, "cannot connect to {}: {}", esc(url), esc(reason))
            }
            ApiError::Dns { host, reason } => {
                write!(f, "DNS lookup failed for {}: {}", esc(host), esc(reason))
            }
            ApiError::Tls { url, reason } => {
                write!(f, "TLS handshake with {} failed: {}", esc(url), esc(reason))
            }
            ApiError::Timeout { after, waiting_for } => write!(
                f,
                "timed out after {} waiting for {}",
                human_secs(*after),
                esc(waiting_for)
            ),
            ApiError::CutShort { got, expected } => write!(
                f,
                "the audit log body was cut short after {got} bytes (expected {expected})"
            ),
            ApiError::BodyBroken { what, got, reason } => write!(
                f,
                "reading {} broke after {got} bytes: {}",
                esc(what),
                esc(reason)
            ),
            ApiError::NotAnAuditLog { detail } => {
                write!(f, "the server's answer is not an audit log: {}", esc(detail))
            }
            ApiError::BadAnswer { what, detail } => {
                write!(f, "{} is not understood: {}", esc(what), esc(detail))
            }
            ApiError::Request { url, reason } => {
                write!(f, "request to {} failed: {}", esc(url), esc(reason))
            }
            ApiError::TargetExists { path } => write!(
                f,
                "{} already exists; pass --force to overwrite it",
                esc(&path.display().to_string())
            ),
            ApiError::Io { what, source } => {
                write!(f, "{}: {}", esc(what), esc(&source.to_string()))
            }
            ApiError::Interrupted => write!(f, "interrupted; nothing was saved"),
        }
    }
}

impl StdError for ApiError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            ApiError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// What a failed request was doing, for naming it in errors.
pub(crate) struct Failed<'a> {
    pub url: &'a reqwest::Url,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// E.g. "the answer from http://…" or "the events of app 'x'".
    pub waiting_for: &'a str,
}

/// Turns a transport error of reqwest into the error naming what happened.
pub(crate) fn classify(err: &reqwest::Error, ctx: &Failed<'_>) -> ApiError {
    let url = origin_of(ctx.url);
    let host = ctx.url.host_str().unwrap_or("").to_string();

    let mut refused = false;
    let mut dns = false;
    let mut tls: Option<String> = None;
    let mut io_timeout = false;
    let mut innermost = err.to_string();

    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    let mut depth = 0;
    while let Some(e) = current {
        depth += 1;
        if depth > 32 {
            break;
        }
        innermost = e.to_string();
        if let Some(tls_err) = e.downcast_ref::<rustls::Error>() {
            tls.get_or_insert_with(|| {
                let hint = match tls_err {
                    rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
                        " (the server does not seem to speak TLS: should the URL be http://?)"
                    }
                    _ => "",
                };
                format!("{tls_err}{hint}")
            });
        }
        if innermost.starts_with("dns error") {
            dns = true;
        }
        if let Some(io_err) = e.downcast_ref::<io::Error>() {
            match io_err.kind() {
                io::ErrorKind::ConnectionRefused => refused = true,
                io::ErrorKind::TimedOut => io_timeout = true,
                _ => {}
            }
        }
        current = next_in_chain(e);
    }

    if err.is_timeout() || io_timeout {
        if err.is_connect() {
            return ApiError::Timeout {
                after: ctx.connect_timeout,
                waiting_for: format!("a connection to {url}"),
            };
        }
        return ApiError::Timeout {
            after: ctx.read_timeout,
            waiting_for: ctx.waiting_for.to_string(),
        };
    }
    if let Some(reason) = tls {
        return ApiError::Tls { url, reason };
    }
    if dns {
        return ApiError::Dns {
            host,
            reason: innermost,
        };
    }
    if refused {
        return ApiError::Connect {
            url,
            reason: "connection refused".to_string(),
        };
    }
    if err.is_connect() {
        return ApiError::Connect {
            url,
            reason: innermost,
        };
    }
    ApiError::Request {
        url,
        reason: innermost,
    }
}

/// The message of the deepest error in a chain (looking inside `io::Error`s too), which
/// is the one that says what happened ("connection refused", "unexpected end of file").
pub(crate) fn innermost_reason(err: &(dyn StdError + 'static)) -> String {
    let mut reason = err.to_string();
    let mut current = next_in_chain(err);
    let mut depth = 0;
    while let Some(e) = current {
        depth += 1;
        if depth > 32 {
            break;
        }
        reason = e.to_string();
        current = next_in_chain(e);
    }
    reason
}

/// The next error of a chain; for an `io::Error`, the error it wraps (its `source()`
/// skips that one).
fn next_in_chain<'a>(e: &'a (dyn StdError + 'static)) -> Option<&'a (dyn StdError + 'static)> {
    match e.downcast_ref::<io::Error>() {
        Some(io_err) => io_err
            .get_ref()
            .map(|inner| inner as &(dyn StdError + 'static)),
        None => e.source(),
    }
}

/// `scheme://host:port` of a URL: what error messages name.
pub(crate) fn origin_of(url: &reqwest::Url) -> String {
    url.origin().ascii_serialization()
}
