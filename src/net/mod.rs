//! The HTTP layer every provider uses (Scalingo today; Scalingo logs, Losant and Datafold
//! next). A provider brings its endpoints, its auth and its wire types; this module owns
//! the rest:
//!
//! - [`Client`]: reqwest with rustls, connect and read timeouts, a `User-Agent`, JSON
//!   `Accept`, never a `Referer`.
//! - Redirects: followed by [`Client`] itself (at most [`MAX_REDIRECTS`]), and a
//!   [`Credential`] — which knows the one origin it belongs to — is attached only while every
//!   hop of the chain is on that origin. reqwest's own policy strips `Authorization` on the
//!   first cross-origin hop but puts it back on a second hop (A → B → B).
//! - Retries: 429 and 5xx (not 501/505), exponential backoff with jitter, `Retry-After`
//!   (seconds or a date) honoured within a total wait budget, giving up with the number of
//!   attempts and the time waited. This is our own loop ([`Client::send`], ~50 lines, with
//!   unit tests here and integration tests in `tests/api.rs`) rather than
//!   `reqwest-middleware` + `reqwest-retry`: those give up silently on a too-long
//!   `Retry-After` instead of saying so, cannot tell us how many attempts were made and how
//!   long was waited (which our errors say), and would wrap the client in a second client
//!   type for the sake of one loop.
//! - [`Redactor`]: every form of every secret (plain, URL-encoded, base64 of Basic
//!   credentials, a JWT's signature, a URL's password and `token=` value, and any prefix of
//!   [`MIN_PREFIX`] characters) removed from what a server says *before* it is cut short.
//! - [`Error`]: one sentence for each transport failure.
//! - [`Body`]: streamed bodies with a byte limit, so an endless answer ends with an error
//!   instead of filling memory or a disk.
//! - [`provider`]: tokens from a flag or a variable, base URLs, and the errors of non-2xx
//!   answers (a 401 names the variable to set), for the providers after Scalingo.
//! - [`websocket`]: a websocket dialled with the same time limits (https → wss), for
//!   streams such as Scalingo's live logs.

mod client;
pub mod download;
mod error;
pub mod message;
pub mod provider;
mod retry;
mod secret;
pub mod text;
pub mod websocket;

pub use client::{
    parse_json, read_json, read_json_bytes, read_limited, Body, Client, Request, ERROR_BODY_LIMIT,
    MAX_REDIRECTS, MESSAGE_LIMIT,
};
pub use error::{innermost_reason, origin_of, Error};
pub use retry::{backoff, is_retryable, retry_after, RetryPolicy, Timeouts};
pub use secret::{Auth, Credential, Redactor, Secret, MIN_PREFIX, REDACTED};
