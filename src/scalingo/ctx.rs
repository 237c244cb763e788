//! What a request of the Scalingo client is for: it words the errors and the waits.

use reqwest::Url;

use crate::net::origin_of;

/// What a request is for, to name its errors.
#[derive(Clone, Copy)]
pub(crate) enum Ctx<'a> {
    Exchange,
    Regions,
    Events {
        app: &'a str,
    },
    AuditLog {
        app: &'a str,
        id: &'a str,
    },
    /// Another resource of an app: "the logs URL", "the logs archives".
    App {
        app: &'a str,
        what: &'a str,
    },
}

impl Ctx<'_> {
    pub(crate) fn waiting_for(&self, url: &Url) -> String {
        let origin = origin_of(url);
        match self {
            Ctx::Exchange => format!("the token exchange at {origin}"),
            Ctx::Regions => format!("the regions list from {origin}"),
            Ctx::Events { app } => format!("the events of app '{app}' from {origin}"),
            Ctx::AuditLog { app, id } => format!("audit log '{id}' of app '{app}' from {origin}"),
            Ctx::App { app, what } => format!("{what} of app '{app}' from {origin}"),
        }
    }
}
