//! The network layer's errors: one sentence for each way a request can fail, with every
//! string that came from outside escaped (and redacted before it got here).

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::time::Duration;

use crate::render::escape::escape_controls as esc;

use super::text::human_secs;

/// How a request failed, whoever the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The HTTP client could not be set up.
    Setup { reason: String },
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
    /// The body ended before its announced length (`what`: "the audit log").
    CutShort {
        what: String,
        got: u64,
        expected: u64,
    },
    /// Reading a body failed for another reason.
    BodyBroken {
        what: String,
        got: u64,
        reason: String,
    },
    /// A body larger than allowed (`AUDITTY_MAX_BYTES`, or a page's cap).
    TooLarge { what: String, limit: u64 },
    /// A redirect that is not followed: too many hops, or an unusable `Location`.
    Redirect { from: String, detail: String },
    /// A 2xx answer that is not what the provider documents.
    BadAnswer { what: String, detail: String },
    /// Any other failure of a request.
    Request { url: String, reason: String },
}

fn opt_said(message: &Option<String>) -> String {
    match message {
        Some(m) if !m.is_empty() => format!(" '{}'", esc(m)),
        _ => String::new(),
    }
}

fn times(attempts: u32) -> String {
    if attempts == 1 {
        "once".to_string()
    } else {
        format!("{attempts} times")
    }
}

/// "; gave up after 3.5 s" (or "; gave up" when nothing was waited), and why if the server
/// asked for a longer wait than allowed.
fn write_gave_up(
    f: &mut fmt::Formatter<'_>,
    attempts: u32,
    waited: Duration,
    asked_wait: Option<Duration>,
) -> fmt::Result {
    if attempts > 1 || !waited.is_zero() {
        write!(f, "; gave up after {}", human_secs(waited))?;
    } else {
        f.write_str("; gave up")?;
    }
    if let Some(asked) = asked_wait {
        write!(f, " as the server asked to wait {} more", human_secs(asked))?;
    }
    Ok(())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Setup { reason } => {
                write!(f, "cannot set up the HTTP client: {}", esc(reason))
            }
            Error::RateLimited {
                attempts,
                waited,
                message,
                asked_wait,
            } => {
                write!(
                    f,
                    "rate limited (429) {}{}",
                    times(*attempts),
                    if *attempts > 1 { " in a row" } else { "" }
                )?;
                if let Some(m) = message.as_deref().filter(|m| !m.is_empty()) {
                    write!(f, " (the server said '{}')", esc(m))?;
                }
                write_gave_up(f, *attempts, *waited, *asked_wait)
            }
            Error::ServerError {
                status,
                attempts,
                waited,
                message,
                asked_wait,
            } => {
                write!(
                    f,
                    "server error {status}{} {}",
                    opt_said(message),
                    times(*attempts)
                )?;
                write_gave_up(f, *attempts, *waited, *asked_wait)
            }
            Error::Connect { url, reason } => {
                write!(f, "cannot connect to {}: {}", esc(url), esc(reason))
            }
            Error::Dns { host, reason } => {
                write!(f, "DNS lookup failed for {}: {}", esc(host), esc(reason))
            }
            Error::Tls { url, reason } => {
                write!(f, "TLS handshake with {} failed: {}", esc(url), esc(reason))
            }
            Error::Timeout { after, waiting_for } => write!(
                f,
                "timed out after {} waiting for {}",
                human_secs(*after),
                esc(waiting_for)
            ),
            Error::CutShort {
                what,
                got,
                expected,
            } => write!(
                f,
                "{} body was cut short after {got} bytes (expected {expected})",
                esc(what)
            ),
            Error::BodyBroken { what, got, reason } => write!(
                f,
                "reading {} broke after {got} bytes: {}",
                esc(what),
                esc(reason)
            ),
            Error::TooLarge { what, limit } => write!(
                f,
                "{} is larger than the limit of {limit} bytes (set AUDITTY_MAX_BYTES to raise it)",
                esc(what)
            ),
            Error::Redirect { from, detail } => {
                write!(f, "{} answered with a redirect {}", esc(from), esc(detail))
            }
            Error::BadAnswer { what, detail } => {
                write!(f, "{} is not understood: {}", esc(what), esc(detail))
            }
            Error::Request { url, reason } => {
                write!(f, "request to {} failed: {}", esc(url), esc(reason))
            }
        }
    }
}

impl StdError for Error {}

/// What a failed request was doing, for naming it in errors.
pub(crate) struct Failed<'a> {
    pub url: &'a reqwest::Url,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    /// E.g. "the events of app 'x' from http://…".
    pub waiting_for: &'a str,
}

/// Turns a transport error of reqwest into the error naming what happened.
pub(crate) fn classify(err: &reqwest::Error, ctx: &Failed<'_>) -> Error {
    let url = origin_of(ctx.url);
    let host = ctx.url.host_str().unwrap_or("").to_string();

    let mut refused = false;
    let mut dns = false;
    let mut tls: Option<String> = None;
    let mut io_timeout = false;
    for e in chain(err) {
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
        if e.to_string().starts_with("dns error") {
            dns = true;
        }
        if let Some(io_err) = e.downcast_ref::<io::Error>() {
            match io_err.kind() {
                io::ErrorKind::ConnectionRefused => refused = true,
                io::ErrorKind::TimedOut => io_timeout = true,
                _ => {}
            }
        }
    }
    let innermost = innermost_reason(err);

    if err.is_timeout() || io_timeout {
        if err.is_connect() {
            return Error::Timeout {
                after: ctx.connect_timeout,
                waiting_for: format!("a connection to {url}"),
            };
        }
        return Error::Timeout {
            after: ctx.read_timeout,
            waiting_for: ctx.waiting_for.to_string(),
        };
    }
    if let Some(reason) = tls {
        return Error::Tls { url, reason };
    }
    if dns {
        return Error::Dns {
            host,
            reason: innermost,
        };
    }
    if refused {
        return Error::Connect {
            url,
            reason: "connection refused".to_string(),
        };
    }
    if err.is_connect() {
        return Error::Connect {
            url,
            reason: innermost,
        };
    }
    Error::Request {
        url,
        reason: innermost,
    }
}

/// The message of the deepest error in a chain (looking inside `io::Error`s too), which
/// is the one that says what happened ("connection refused", "unexpected end of file").
pub fn innermost_reason(err: &(dyn StdError + 'static)) -> String {
    chain(err).last().map(|e| e.to_string()).unwrap_or_default()
}

/// An error and its sources, looking inside `io::Error`s too (their `source()` skips the
/// error they wrap). At most 32 deep.
fn chain<'a>(
    err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(err), |&e| match e.downcast_ref::<io::Error>() {
        Some(io_err) => io_err
            .get_ref()
            .map(|inner| inner as &(dyn StdError + 'static)),
        None => e.source(),
    })
    .take(32)
}

/// `scheme://host:port` of a URL: what error messages name.
pub fn origin_of(url: &reqwest::Url) -> String {
    url.origin().ascii_serialization()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_errors_are_one_sentence() {
        let e = Error::TooLarge {
            what: "the audit log from http://127.0.0.1:1".into(),
            limit: 1000,
        };
        assert_eq!(
            e.to_string(),
            "the audit log from http://127.0.0.1:1 is larger than the limit of 1000 bytes (set AUDITTY_MAX_BYTES to raise it)"
        );
        let e = Error::Redirect {
            from: "http://127.0.0.1:1".into(),
            detail: "to 'x\u{1b}' that is not http(s)".into(),
        };
        assert_eq!(
            e.to_string(),
            "http://127.0.0.1:1 answered with a redirect to 'x^[' that is not http(s)"
        );
    }
}
