//! The client's errors. Each one displays as one sentence saying what happened, with every
//! string that came from outside escaped, and never a token.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::PathBuf;

use super::config::{TokenOrigin, ENV_TOKEN};
use super::text::escape_controls as esc;
use crate::net;

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
    /// Any other answer the client has no use for.
    UnexpectedStatus {
        status: u16,
        url: String,
        message: Option<String>,
    },
    /// A 200 answer to an audit log download whose body is not an audit log.
    NotAnAuditLog { detail: String },
    /// The file to save to exists and overwriting was not asked for.
    TargetExists { path: PathBuf },
    /// A local file or stream operation failed.
    Io { what: String, source: io::Error },
    /// The user interrupted (Ctrl-C); nothing was saved.
    Interrupted,
    /// What `fetch` received does not parse as an audit log (`path`: where it was going).
    Invalid {
        path: String,
        reason: crate::formats::sniff::CheckError,
    },
    /// The same, found once it was written to standard output.
    InvalidStreamed {
        reason: crate::formats::sniff::CheckError,
    },
    /// A failure of the HTTP layer (transport, retries given up, bodies), worded there.
    Net(net::Error),
}

/// What the audit log is called in errors.
pub(crate) const AUDIT_LOG: &str = "the audit log";

impl From<net::Error> for ApiError {
    fn from(e: net::Error) -> ApiError {
        ApiError::Net(e)
    }
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
                    write!(
                        f,
                        "unknown region '{}'; known regions: {}",
                        esc(&super::text::truncate_chars(region, 60)),
                        super::text::capped_list(known, 10)
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
            ApiError::NotAnAuditLog { detail } => {
                write!(f, "the server's answer is not an audit log: {}", esc(detail))
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
            ApiError::Invalid { path, reason } => write!(
                f,
                "what the server sent for {} is not an audit log ({}); nothing was saved",
                esc(path),
                esc(&reason.to_string())
            ),
            ApiError::InvalidStreamed { reason } => write!(
                f,
                "what the server sent is not an audit log ({}); it was written to standard output as it came",
                esc(&reason.to_string())
            ),
            ApiError::Net(e) => e.fmt(f),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn s(x: &str) -> String {
        x.to_string()
    }

    #[test]
    fn every_error_is_one_sentence() {
        let secs = Duration::from_secs;
        let cases: Vec<(ApiError, &str)> = vec![
            (ApiError::TokenRefused { origin: TokenOrigin::Env("SCALINGO_API_TOKEN"), status: 401 },
             "the API token from SCALINGO_API_TOKEN was refused (401)"),
            (ApiError::TokenRefused { origin: TokenOrigin::Flag, status: 403 },
             "the API token from --token was refused (403)"),
            (ApiError::UnknownRegion { region: s("mars"), known: vec![] },
             "unknown region 'mars': the auth service lists no regions"),
            (ApiError::AppNotFound { app: s("foo") }, "app 'foo' not found"),
            (ApiError::AuditLogNotFound { app: s("foo"), id: s("abc") },
             "audit log 'abc' not found in app 'foo'"),
            (ApiError::PaymentRequired { message: None, url: None }, "payment required (402)"),
            (ApiError::Net(net::Error::RateLimited { attempts: 5, waited: secs(31), message: None, asked_wait: None }),
             "rate limited (429) 5 times in a row; gave up after 31 s"),
            (ApiError::Net(net::Error::RateLimited { attempts: 1, waited: secs(0), message: Some(s("Retry later")), asked_wait: Some(secs(120)) }),
             "rate limited (429) once (the server said 'Retry later'); gave up as the server asked to wait 120 s more"),
            (ApiError::Net(net::Error::ServerError { status: 500, attempts: 4, waited: secs(12), message: Some(s("Internal error occured, we're on it!")), asked_wait: None }),
             "server error 500 'Internal error occured, we're on it!' 4 times; gave up after 12 s"),
            (ApiError::UnexpectedStatus { status: 418, url: s("http://x/v1"), message: None },
             "unexpected answer 418 from http://x/v1"),
            (ApiError::Net(net::Error::Connect { url: s("http://127.0.0.1:1234"), reason: s("connection refused") }),
             "cannot connect to http://127.0.0.1:1234: connection refused"),
            (ApiError::Net(net::Error::Dns { host: s("x.invalid"), reason: s("no such host") }),
             "DNS lookup failed for x.invalid: no such host"),
            (ApiError::Net(net::Error::Tls { url: s("https://x"), reason: s("bad cert") }),
             "TLS handshake with https://x failed: bad cert"),
            (ApiError::Net(net::Error::Timeout { after: secs(30), waiting_for: s("the answer") }),
             "timed out after 30 s waiting for the answer"),
            (ApiError::Net(net::Error::CutShort { what: s("the audit log"), got: 10, expected: 20 }),
             "the audit log body was cut short after 10 bytes (expected 20)"),
            (ApiError::Net(net::Error::BodyBroken { what: s("the audit log"), got: 3, reason: s("reset") }),
             "reading the audit log broke after 3 bytes: reset"),
            (ApiError::NotAnAuditLog { detail: s("it is an HTML page") },
             "the server's answer is not an audit log: it is an HTML page"),
            (ApiError::TargetExists { path: PathBuf::from("a.json") },
             "a.json already exists; pass --force to overwrite it"),
            (ApiError::Io { what: s("cannot write x"), source: io::Error::other("disk full") },
             "cannot write x: disk full"),
            (ApiError::Interrupted, "interrupted; nothing was saved"),
        ];
        for (err, want) in cases {
            assert_eq!(err.to_string(), want);
        }
        let missing = ApiError::MissingToken.to_string();
        assert!(missing.contains("--token") && missing.contains("SCALINGO_API_TOKEN"));
    }

    #[test]
    fn outside_strings_are_escaped() {
        let errs = [
            ApiError::AppNotFound {
                app: s("a\u{1b}[2Jb"),
            },
            ApiError::UnexpectedStatus {
                status: 400,
                url: s("u"),
                message: Some(s("m\u{9b}\n")),
            },
            ApiError::TargetExists {
                path: PathBuf::from("x\u{7}.json"),
            },
            ApiError::UnknownRegion {
                region: s("r"),
                known: vec![s("k\u{1b}")],
            },
        ];
        for err in errs {
            let text = err.to_string();
            assert!(!text.chars().any(char::is_control), "{text:?}");
        }
    }
}
