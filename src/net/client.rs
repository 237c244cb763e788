//! The HTTP client every provider uses: timeouts, bounded retries, redirects that never
//! carry a credential to another origin, bodies read with a size limit.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, LOCATION};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;

use super::error::{classify, innermost_reason, origin_of, Error, Failed};
use super::message::{describe_non_json, server_message};
use super::retry::{backoff, is_retryable, retry_after, RetryPolicy, Timeouts};
use super::secret::{Credential, Redactor};

/// Error bodies are read up to this size (the rest is not needed to name the error).
pub const ERROR_BODY_LIMIT: usize = 64 * 1024;
/// Server messages quoted in errors are cut to this many characters (after redaction).
pub const MESSAGE_LIMIT: usize = 200;
/// Redirects followed at most for one request.
pub const MAX_REDIRECTS: usize = 5;

/// One request: where, how, with which credential, and what it is for (to word errors).
pub struct Request<'a> {
    pub method: Method,
    pub url: &'a Url,
    /// Sent only to its own origin, and only while the redirect chain has not left it.
    pub credential: Option<&'a Credential>,
    /// A JSON body (a `POST`, or Datafold's `GET` with a body), with its `Content-Type`.
    pub json_body: Option<&'a str>,
    /// What a read timeout was waiting for: "the events of app 'x' from http://…".
    pub waiting_for: &'a str,
}

/// A provider-neutral HTTP client (reqwest with rustls), sending JSON `Accept` and a
/// `User-Agent`, never a `Referer`, and following redirects itself.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    timeouts: Timeouts,
    retry: RetryPolicy,
}

impl Client {
    pub fn new(user_agent: &str, timeouts: Timeouts, retry: RetryPolicy) -> Result<Client, Error> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .default_headers(headers)
            .connect_timeout(timeouts.connect)
            .read_timeout(timeouts.read)
            // Redirects are followed by `send_following`, which knows whose credential
            // may go where; reqwest's own would resend it after a second hop.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .use_rustls_tls()
            .build()
            .map_err(|e| Error::Setup {
                reason: innermost_reason(&e),
            })?;
        Ok(Client {
            http,
            timeouts,
            retry,
        })
    }

    pub fn timeouts(&self) -> &Timeouts {
        &self.timeouts
    }

    /// Sends a request, retrying 429 and 5xx answers with backoff (or as `Retry-After`
    /// says) within the retry policy. Other answers are returned as they are. Server
    /// messages in errors go through `redactor`.
    pub async fn send(
        &self,
        req: &Request<'_>,
        redactor: &Redactor,
    ) -> Result<reqwest::Response, Error> {
        let policy = &self.retry;
        let max_attempts = policy.max_attempts.max(1);
        let mut attempts = 0u32;
        let mut waited = Duration::ZERO;
        loop {
            attempts += 1;
            let res = self.send_following(req, redactor).await?;
            let status = res.status();
            if !is_retryable(status) {
                return Ok(res);
            }

            let asked = retry_after(res.headers(), chrono::Utc::now());
            let body = self.read_error_body(res).await;
            let message = server_message(&body).map(|m| redactor.clean(&m, MESSAGE_LIMIT));
            let give_up = |asked_wait: Option<Duration>| {
                if status == StatusCode::TOO_MANY_REQUESTS {
                    Error::RateLimited {
                        attempts,
                        waited,
                        message: message.clone(),
                        asked_wait,
                    }
                } else {
                    Error::ServerError {
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

    /// One attempt, following up to [`MAX_REDIRECTS`] redirects (301, 302, 303, 307, 308).
    ///
    /// The credential goes only to its own origin, and never again once a hop has left
    /// it (A → B → A does not send it back to A: B chose that URL). 303, and 301/302 after
    /// a `POST`, continue as a `GET` without body, as browsers do.
    async fn send_following(
        &self,
        req: &Request<'_>,
        redactor: &Redactor,
    ) -> Result<reqwest::Response, Error> {
        let mut url = req.url.clone();
        let mut method = req.method.clone();
        let mut body = req.json_body;
        let mut stayed_home = true;
        for hop in 0..=MAX_REDIRECTS {
            let mut request = self.http.request(method.clone(), url.clone());
            if let Some(credential) = req.credential {
                stayed_home &= credential.belongs_to(&url);
                if stayed_home {
                    request = credential.apply(request);
                }
            }
            if let Some(json) = body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(json.to_string());
            }
            let res = request.send().await.map_err(|e| {
                classify(
                    &e,
                    &Failed {
                        url: &url,
                        connect_timeout: self.timeouts.connect,
                        read_timeout: self.timeouts.read,
                        waiting_for: req.waiting_for,
                    },
                )
            })?;
            let status = res.status().as_u16();
            if !matches!(status, 301 | 302 | 303 | 307 | 308) {
                return Ok(res);
            }
            let Some(location) = res.headers().get(LOCATION) else {
                return Ok(res);
            };
            let from = origin_of(&url);
            let shown = || redactor.clean(&String::from_utf8_lossy(location.as_bytes()), 100);
            let next = match location.to_str().ok().and_then(|l| url.join(l).ok()) {
                Some(next) if matches!(next.scheme(), "http" | "https") => next,
                _ => {
                    return Err(Error::Redirect {
                        from,
                        detail: format!("({status}) to '{}', which is not an http(s) URL", shown()),
                    })
                }
            };
            if hop == MAX_REDIRECTS {
                return Err(Error::Redirect {
                    from,
                    detail: format!("({status}) once more after {MAX_REDIRECTS} redirects"),
                });
            }
            if status == 303 || (matches!(status, 301 | 302) && method == Method::POST) {
                if method != Method::HEAD {
                    method = Method::GET;
                }
                body = None;
            }
            url = next;
        }
        unreachable!("the loop returns at its last hop")
    }
}

/// Reads at most about `limit` bytes of a body, for at most `deadline` in all; errors end
/// the reading quietly (the body only serves to word an error, and a server trickling an
/// endless error body must not hold the answer back).
pub async fn read_limited(res: reqwest::Response, limit: usize, deadline: Duration) -> Vec<u8> {
    let mut body = Vec::new();
    let read = async {
        let mut res = res;
        while let Ok(Some(chunk)) = res.chunk().await {
            body.extend_from_slice(&chunk);
            if body.len() >= limit {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(deadline, read).await;
    body.truncate(limit);
    body
}

impl Client {
    /// [`read_limited`] of an error body, given the read timeout in all.
    pub async fn read_error_body(&self, res: reqwest::Response) -> Vec<u8> {
        read_limited(res, ERROR_BODY_LIMIT, self.timeouts.read).await
    }
}

/// A body read piece by piece, refused past a limit, and ended with the error that names
/// what happened (timeout, cut short, broken).
pub struct Body {
    res: reqwest::Response,
    /// "the audit log": names the body in errors.
    what: String,
    origin: String,
    got: u64,
    expected: Option<u64>,
    limit: u64,
    read_timeout: Duration,
    /// Whether an end before `Content-Length` is its own error ([`Error::CutShort`]).
    check_length: bool,
}

impl Body {
    /// Starts reading `res`. Refused at once when its `Content-Length` is over `limit`.
    pub fn new(
        res: reqwest::Response,
        url: &Url,
        what: &str,
        limit: u64,
        client: &Client,
    ) -> Result<Body, Error> {
        let origin = origin_of(url);
        let expected = res.content_length();
        if expected.is_some_and(|n| n > limit) {
            return Err(Error::TooLarge {
                what: format!("{what} from {origin}"),
                limit,
            });
        }
        Ok(Body {
            res,
            what: what.to_string(),
            origin,
            got: 0,
            expected,
            limit,
            read_timeout: client.timeouts.read,
            check_length: true,
        })
    }

    /// The announced length.
    pub fn expected(&self) -> Option<u64> {
        self.expected
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.got
    }

    /// The next piece, `None` at the end. Never lets more than the limit through.
    pub async fn chunk(&mut self, redactor: &Redactor) -> Result<Option<Bytes>, Error> {
        match self.res.chunk().await {
            Ok(Some(chunk)) => {
                self.got += chunk.len() as u64;
                if self.got > self.limit {
                    return Err(Error::TooLarge {
                        what: format!("{} from {}", self.what, self.origin),
                        limit: self.limit,
                    });
                }
                Ok(Some(chunk))
            }
            Ok(None) => match self.expected {
                Some(expected) if self.check_length && self.got < expected => {
                    Err(self.cut_short(expected))
                }
                _ => Ok(None),
            },
            Err(e) if e.is_timeout() => {
                let counts = if self.check_length {
                    let of = self
                        .expected
                        .map(|m| format!(" of {m}"))
                        .unwrap_or_default();
                    format!(" ({}{of} bytes received)", self.got)
                } else {
                    String::new()
                };
                Err(Error::Timeout {
                    after: self.read_timeout,
                    waiting_for: format!("the rest of {} from {}{counts}", self.what, self.origin),
                })
            }
            Err(e) => match self.expected {
                Some(expected) if self.check_length && self.got < expected => {
                    Err(self.cut_short(expected))
                }
                _ => Err(Error::BodyBroken {
                    what: self.what.clone(),
                    got: self.got,
                    reason: redactor.clean(&innermost_reason(&e), MESSAGE_LIMIT),
                }),
            },
        }
    }

    fn cut_short(&self, expected: u64) -> Error {
        Error::CutShort {
            what: self.what.clone(),
            got: self.got,
            expected,
        }
    }
}

/// Reads a whole JSON answer of at most `limit` bytes (a page, a token, a list).
/// `what` names it in errors ("the events of app 'x' (page 2)").
pub async fn read_json_bytes(
    res: reqwest::Response,
    url: &Url,
    what: &str,
    limit: usize,
    client: &Client,
    redactor: &Redactor,
) -> Result<Vec<u8>, Error> {
    let too_big = || Error::BadAnswer {
        what: what.to_string(),
        detail: format!("it is larger than {} MiB", limit >> 20),
    };
    let mut body = Body::new(res, url, what, u64::MAX, client).map_err(|_| too_big())?;
    body.check_length = false;
    if body.expected.is_some_and(|n| n > limit as u64) {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = body.chunk(redactor).await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > limit {
            return Err(too_big());
        }
    }
    Ok(bytes)
}

/// [`read_json_bytes`], parsed.
pub async fn read_json(
    res: reqwest::Response,
    url: &Url,
    what: &str,
    limit: usize,
    client: &Client,
    redactor: &Redactor,
) -> Result<Value, Error> {
    let bytes = read_json_bytes(res, url, what, limit, client, redactor).await?;
    parse_json(&bytes, what, redactor)
}

/// Parses a JSON answer, naming what it is when it is not JSON.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    what: &str,
    redactor: &Redactor,
) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::BadAnswer {
        what: what.to_string(),
        detail: redactor.clean(
            &describe_non_json(bytes, &e, &|t| redactor.redact(t)),
            MESSAGE_LIMIT,
        ),
    })
}
