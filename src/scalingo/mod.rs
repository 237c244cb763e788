//! The Scalingo API client: list an app's one-off sessions and download their audit logs.
//!
//! - [`Config`] says where to talk to and with which token (flags, then the official CLI's
//!   environment variables, then defaults).
//! - [`Client`] does the talking (async, tokio): token exchange and refresh, region lookup,
//!   paginated run events, streamed audit log download, retries on 429/5xx.
//! - [`blocking`] has the blocking functions the commands and the player call; [`fetch`]
//!   saves an audit log (file or standard output). The sessions table is a view
//!   (`crate::views::sessions`).
//! - App context: [`fetch_events`] (every event type over a window), [`fetch_logs`] (the
//!   log dump), [`fetch_logs_archives`] (a past window's lines), [`follow_logs`] (the live
//!   stream over a websocket, reconnecting).
//!
//! Transport, retries, redirects, redaction and size limits are [`crate::net`]'s; this module
//! holds what is Scalingo's: configuration, token exchange, endpoints and wire types.
//!
//! The API token is only ever sent to the auth host, the bearer token only to the API host
//! (or back to the auth host that issued it, should its regions list ask for it), never
//! across a redirect to another origin; neither appears in any error or output: server
//! messages are scrubbed of every form of both.

mod auth;
pub mod blocking;
mod client;
mod config;
mod ctx;
mod download;
mod error;
mod events;
pub mod fetch;
mod logline;
mod logs;
mod logstream;
mod text;
mod wire;

pub use blocking::{fetch_to_memory, fetch_to_memory_with_progress, parse_source_url, sessions};
pub use client::{Client, Session, User, USER_AGENT};
pub use config::{
    Config, RetryPolicy, Timeouts, TokenOrigin, DEFAULT_AUTH_URL, DEFAULT_REGION, ENV_API_URL,
    ENV_APP, ENV_AUTH_URL, ENV_REGION, ENV_TOKEN,
};
pub use error::ApiError;
pub use events::fetch_events;
pub use fetch::{default_fetch_path, fetch, FetchReport, FetchTarget};
pub use logline::{parse_log_line, LogLine};
pub use logs::{archive_time, fetch_logs, fetch_logs_archives, stream_url, Archive};
pub use logstream::{follow_logs, stream_event, FollowOptions, StreamEvent};
pub use text::{escape_controls, human_size};
