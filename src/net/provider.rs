//! What every provider after Scalingo shares (Losant, Datafold, and Scalingo's log servers):
//! a token read from a flag or a variable, a base URL given by the user, endpoints built from
//! path segments, and the errors of an answer that is not 2xx — each one sentence naming the
//! provider and, for a refused token, the flag or variable to set.

use std::fmt;

use reqwest::{StatusCode, Url};

use super::client::{Client, MESSAGE_LIMIT};
use super::error::Error;
use super::message::server_message;
use super::secret::{Redactor, Secret};
use crate::render::escape::escape_controls as esc;

/// A provider's token and where it came from (a flag or an environment variable), so that
/// errors can name the place instead of the token.
#[derive(Clone, Debug)]
pub struct Token {
    pub secret: Secret,
    /// `--losant-token` or `LOSANT_API_TOKEN`.
    pub from: String,
}

impl Token {
    /// The flag's value if given and not blank, else the variable's; trimmed.
    pub fn pick(
        flag: Option<String>,
        flag_name: &str,
        var: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Option<Token> {
        let nonblank =
            |v: Option<String>| v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        if let Some(v) = nonblank(flag) {
            return Some(Token {
                secret: Secret::new(v),
                from: flag_name.to_string(),
            });
        }
        nonblank(env(var)).map(|v| Token {
            secret: Secret::new(v),
            from: var.to_string(),
        })
    }
}

/// The process environment as [`Token::pick`] and the configurations read it (a value that
/// is not UTF-8 counts as unset).
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Why a provider's request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProviderError {
    /// No token: `what` is "Losant API token", `flag`/`var` where to give one.
    MissingToken {
        what: &'static str,
        flag: &'static str,
        var: &'static str,
    },
    /// A flag or variable holds something unusable.
    Config { what: String },
    /// 401 (or 403 where it means the token): the token from `from` was refused.
    Refused {
        what: &'static str,
        from: String,
        var: &'static str,
        status: u16,
        message: Option<String>,
    },
    /// 403 on a resource the token may not see.
    Forbidden {
        what: String,
        message: Option<String>,
    },
    /// 404.
    NotFound {
        what: String,
        message: Option<String>,
    },
    /// 400 or 422: the request was refused as invalid; `detail` is what the server said
    /// (redacted, escaped when shown, short).
    Rejected {
        what: String,
        status: u16,
        detail: Option<String>,
    },
    /// Any other answer.
    Unexpected {
        status: u16,
        url: String,
        message: Option<String>,
    },
    /// The transport, the retries, the body.
    Net(Error),
}

impl From<Error> for ProviderError {
    fn from(e: Error) -> ProviderError {
        ProviderError::Net(e)
    }
}

fn said(message: &Option<String>) -> String {
    match message {
        Some(m) if !m.is_empty() => format!(" (the server said '{}')", esc(m)),
        _ => String::new(),
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProviderError::MissingToken { what, flag, var } => {
                write!(f, "no {what}: pass {flag} or set {var}")
            }
            ProviderError::Config { what } => f.write_str(&esc(what)),
            ProviderError::Refused {
                what,
                from,
                var,
                status,
                message,
            } => {
                write!(
                    f,
                    "the {what} from {} was refused ({status}){}: set {var} to a valid one",
                    esc(from),
                    said(message)
                )
            }
            ProviderError::Forbidden { what, message } => {
                write!(
                    f,
                    "access to {} was denied (403){}",
                    esc(what),
                    said(message)
                )
            }
            ProviderError::NotFound { what, message } => {
                write!(f, "{} not found (404){}", esc(what), said(message))
            }
            ProviderError::Rejected {
                what,
                status,
                detail,
            } => {
                write!(f, "{} was refused as invalid ({status})", esc(what))?;
                match detail {
                    Some(d) if !d.is_empty() => write!(f, ": '{}'", esc(d)),
                    _ => Ok(()),
                }
            }
            ProviderError::Unexpected {
                status,
                url,
                message,
            } => write!(
                f,
                "unexpected answer {status} from {}{}",
                esc(url),
                said(message)
            ),
            ProviderError::Net(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ProviderError {}

/// A provider's base URL and where it came from (for messages): the flag `flag_name`, then
/// the variable `env_name`, then `default`; blank values count as unset.
pub fn pick_url(
    flag: Option<String>,
    flag_name: &str,
    env_name: &str,
    default: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> (String, String) {
    let nonblank = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
    match (nonblank(flag), nonblank(env(env_name))) {
        (Some(u), _) => (u, flag_name.to_string()),
        (None, Some(u)) => (u, env_name.to_string()),
        (None, None) => (default.to_string(), "the default".to_string()),
    }
}

/// A base URL given by the user (flag or variable named `source`): http or https, with a
/// host, no query or fragment.
pub fn base_url(value: &str, source: &str) -> Result<Url, ProviderError> {
    let bad = |why: &str| ProviderError::Config {
        what: format!("{source} '{value}' is not a usable URL ({why})"),
    };
    let url = Url::parse(value.trim()).map_err(|e| bad(&e.to_string()))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(bad("it must start with http:// or https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("it has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("it must not have a query or a fragment"));
    }
    Ok(url)
}

/// A provider's client (auditty's user agent, the provider's timeouts and retries) and a
/// redactor that knows its credential: what every request to it needs.
pub fn client_for(
    credential: &super::Credential,
    timeouts: &super::Timeouts,
    retry: &super::RetryPolicy,
) -> Result<(Client, Redactor), ProviderError> {
    let client = Client::new(crate::scalingo::USER_AGENT, timeouts.clone(), retry.clone())?;
    let mut redactor = Redactor::new();
    redactor.add_credential(credential);
    Ok((client, redactor))
}

/// `base` + the given path segments (each percent-encoded).
pub fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        path.extend(segments);
    }
    url
}

/// A name that goes in a URL path must be one segment: not empty, no `/`, `\` or control.
pub fn check_segment(kind: &str, value: &str) -> Result<(), ProviderError> {
    let bad = value.is_empty()
        || value == "."
        || value == ".."
        || value
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if bad {
        return Err(ProviderError::Config {
            what: format!("'{value}' is not a valid {kind}"),
        });
    }
    Ok(())
}

/// What a provider calls its token and where to give one, for [`expect_success`].
pub struct TokenPlace<'a> {
    pub what: &'static str,
    pub token: &'a Token,
    pub var: &'static str,
}

/// A non-2xx answer, read: its status and its body (at most [`super::ERROR_BODY_LIMIT`]).
pub struct Refusal {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

impl Refusal {
    /// The server's message, redacted and cut to [`MESSAGE_LIMIT`] characters.
    pub fn message(&self, redactor: &Redactor) -> Option<String> {
        server_message(&self.body).map(|m| redactor.clean(&m, MESSAGE_LIMIT))
    }

    /// The usual error for this answer: 401 the token refused (naming the variable), 403
    /// denied, 404 `what` not found, 400/422 rejected, anything else unexpected.
    pub fn into_error(
        self,
        what: &str,
        url: &Url,
        place: Option<&TokenPlace<'_>>,
        redactor: &Redactor,
    ) -> ProviderError {
        let message = self.message(redactor);
        match (self.status.as_u16(), place) {
            (401, Some(p)) => ProviderError::Refused {
                what: p.what,
                from: p.token.from.clone(),
                var: p.var,
                status: 401,
                message,
            },
            (403, _) => ProviderError::Forbidden {
                what: what.to_string(),
                message,
            },
            (404, _) => ProviderError::NotFound {
                what: what.to_string(),
                message,
            },
            (status @ (400 | 422), _) => ProviderError::Rejected {
                what: what.to_string(),
                status,
                detail: message,
            },
            (status, _) => ProviderError::Unexpected {
                status,
                url: redactor.clean(&super::origin_of(url), MESSAGE_LIMIT)
                    + &redactor.clean(url.path(), MESSAGE_LIMIT),
                message,
            },
        }
    }
}

/// Passes 2xx answers through; reads the body of the others.
pub async fn expect_success(
    client: &Client,
    res: reqwest::Response,
) -> Result<reqwest::Response, Refusal> {
    let status = res.status();
    if status.is_success() {
        return Ok(res);
    }
    let body = client.read_error_body(res).await;
    Err(Refusal { status, body })
}

/// A current-thread tokio runtime for a blocking entry point.
pub fn runtime() -> Result<tokio::runtime::Runtime, ProviderError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ProviderError::Config {
            what: format!("cannot start the async runtime: {e}"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_from_flags_then_variables() {
        let env = |name: &str| (name == "X_TOKEN").then(|| " from-env \n".to_string());
        let t = Token::pick(None, "--x-token", "X_TOKEN", &env).unwrap();
        assert_eq!(
            (t.secret.expose(), t.from.as_str()),
            ("from-env", "X_TOKEN")
        );
        let t = Token::pick(Some("flag".into()), "--x-token", "X_TOKEN", &env).unwrap();
        assert_eq!((t.secret.expose(), t.from.as_str()), ("flag", "--x-token"));
        let t = Token::pick(Some("  ".into()), "--x-token", "X_TOKEN", &env).unwrap();
        assert_eq!(t.from, "X_TOKEN");
        assert!(Token::pick(None, "--y", "Y", &|_| None).is_none());
        assert!(!format!("{t:?}").contains("from-env"));
    }

    #[test]
    fn errors_are_one_sentence_and_escaped() {
        let e = ProviderError::Refused {
            what: "Losant API token",
            from: "LOSANT_API_TOKEN".into(),
            var: "LOSANT_API_TOKEN",
            status: 401,
            message: Some("bad\u{1b}[2J".into()),
        };
        assert_eq!(
            e.to_string(),
            "the Losant API token from LOSANT_API_TOKEN was refused (401) (the server said 'bad^[[2J'): set LOSANT_API_TOKEN to a valid one"
        );
        let e = ProviderError::Rejected {
            what: "the Datafold audit logs request".into(),
            status: 422,
            detail: Some("body.start_date: invalid".into()),
        };
        assert_eq!(
            e.to_string(),
            "the Datafold audit logs request was refused as invalid (422): 'body.start_date: invalid'"
        );
        assert!(base_url("ftp://x", "LOSANT_API_URL")
            .unwrap_err()
            .to_string()
            .contains("LOSANT_API_URL 'ftp://x'"));
        assert!(check_segment("organisation id", "a/b").is_err());
        assert_eq!(
            endpoint(&Url::parse("http://h/p/").unwrap(), &["orgs", "a b"]).as_str(),
            "http://h/p/orgs/a%20b"
        );
    }
}
