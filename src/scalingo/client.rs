//! The Scalingo API client: token exchange, region lookup, run events, audit log download.
//! Transport, retries, redirects, redaction and body limits are [`crate::net`]'s.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode, Url};
use serde_json::value::RawValue;
use serde_json::Value;

use super::auth::{unix_now, Bearer};
use super::config::{base_url, Config, ENV_API_URL, ENV_AUTH_URL};
pub(super) use super::ctx::Ctx;
use super::error::ApiError;
use super::wire::{
    check_name, cut_session, endpoint, next_page, session_from_event, session_size,
    sort_newest_first,
};
use crate::net::message::{json_message, server_message};
use crate::net::{self, origin_of, Credential, Redactor, Request, MESSAGE_LIMIT};

pub use super::wire::{Session, User};

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("auditty/", env!("CARGO_PKG_VERSION"));

/// JSON answers (events pages, regions, token) larger than this are refused.
const JSON_BODY_LIMIT: usize = 64 * 1024 * 1024;
/// The sessions of one listing hold at most this many bytes of strings.
const SESSIONS_LIMIT: usize = 64 * 1024 * 1024;

/// A client of the Scalingo API. Holds the API token, the bearer token made from it (reused
/// until it has less than five minutes left) and the API's base URL.
pub struct Client {
    pub(super) net: net::Client,
    pub(super) cfg: Config,
    token: String,
    auth_base: Url,
    pub(super) api_base: Url,
    bearer: Option<Bearer>,
    /// Every form of the API token and of every bearer token issued (and, once asked for,
    /// of the app's log URLs).
    pub(super) redactor: Redactor,
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

/// One page of events, split but not parsed: each event is parsed on its own.
pub(super) struct Page {
    pub(super) events: Option<Vec<Box<RawValue>>>,
    /// `{"meta": …}`, for [`next_page`].
    pub(super) meta: Value,
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
        let net = net::Client::new(USER_AGENT, cfg.timeouts.clone(), cfg.retry.clone())?;
        let mut redactor = Redactor::new();
        redactor.add_basic("", &token);

        let mut client = Client {
            net,
            token,
            api_base: auth_base.clone(),
            auth_base,
            bearer: None,
            cfg,
            redactor,
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
    ///
    /// Memory: one page at a time (at most 64 MiB as received, plus its events split apart,
    /// plus one event parsed), and the sessions found, whose strings are cut to 64 Ki
    /// characters each and add up to at most 64 MiB (more is an error).
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
        let mut held = 0usize;
        let mut seen = HashSet::new();
        let per_page = self.cfg.page_size.max(1).to_string();
        let mut page: u64 = 1;
        for _ in 0..self.cfg.max_pages.max(1) {
            let body = self
                .events_page_at(app, page, &per_page, JSON_BODY_LIMIT)
                .await?;
            let Some(events) = body.events else { break };
            if events.is_empty() {
                break;
            }
            for raw in events {
                let Ok(event) = serde_json::from_str::<Value>(raw.get()) else {
                    continue;
                };
                if let Some(session) = session_from_event(&event).map(cut_session) {
                    if session.id.is_empty() || seen.insert(session.id.clone()) {
                        held += session_size(&session);
                        if held > SESSIONS_LIMIT {
                            return Err(ApiError::Net(net::Error::BadAnswer {
                                what: format!("the events of app '{app}'"),
                                detail: format!(
                                    "their sessions hold more than {} MiB",
                                    SESSIONS_LIMIT >> 20
                                ),
                            }));
                        }
                        sessions.push(session);
                    }
                }
            }
            if limit.is_some_and(|l| sessions.len() >= l) {
                break;
            }
            match next_page(&body.meta, page) {
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

    /// Page `page` of `app`'s events (`per_page` a page, its body at most `limit` bytes),
    /// split by [`Client::events_page`].
    pub(super) async fn events_page_at(
        &mut self,
        app: &str,
        page: u64,
        per_page: &str,
        limit: usize,
    ) -> Result<Page, ApiError> {
        let mut url = endpoint(&self.api_base, &["v1", "apps", app, "events"]);
        url.query_pairs_mut()
            .append_pair("page", &page.to_string())
            .append_pair("per_page", per_page);
        let res = self.api_get(&url, Ctx::Events { app }).await?;
        let what = format!("the events of app '{app}' (page {page})");
        let bytes =
            net::read_json_bytes(res, &url, &what, limit, &self.net, &self.redactor).await?;
        self.events_page(&bytes, &what)
    }

    /// Splits an events page into its events (not parsed yet) and its `meta`, or names
    /// what is wrong with it. `events: None` means a `null` list (the end).
    pub(super) fn events_page(&self, bytes: &[u8], what: &str) -> Result<Page, ApiError> {
        let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
        let split = match first {
            Some(b'[') => serde_json::from_slice::<Vec<Box<RawValue>>>(bytes)
                .ok()
                .map(|events| Page {
                    events: Some(events),
                    meta: Value::Null,
                }),
            Some(b'{') => serde_json::from_slice::<BTreeMap<String, Box<RawValue>>>(bytes)
                .ok()
                .and_then(|mut o| {
                    let meta = match o.remove("meta") {
                        Some(m) => serde_json::json!({"meta": serde_json::from_str::<Value>(m.get()).ok()?}),
                        None => Value::Null,
                    };
                    let events = o.remove("events")?;
                    let events = match events.get().trim_start().as_bytes().first() {
                        Some(b'n') => None,
                        Some(b'[') => Some(serde_json::from_str(events.get()).ok()?),
                        _ => return None,
                    };
                    Some(Page { events, meta })
                }),
            _ => None,
        };
        if let Some(page) = split {
            return Ok(page);
        }
        // Not the documented shape: parse it all to say why.
        let body: Value = net::parse_json(bytes, what, &self.redactor)?;
        let events = match &body {
            Value::Array(events) => events,
            Value::Object(o) => match o.get("events") {
                Some(Value::Array(events)) => events,
                Some(Value::Null) => {
                    return Ok(Page {
                        events: None,
                        meta: Value::Null,
                    })
                }
                Some(_) => {
                    return Err(ApiError::Net(net::Error::BadAnswer {
                        what: what.to_string(),
                        detail: "its \"events\" is not a list".into(),
                    }))
                }
                None => {
                    let said = if o.contains_key("error") || o.contains_key("message") {
                        format!(" (it says '{}')", self.clean(&json_message(&body)))
                    } else {
                        String::new()
                    };
                    return Err(ApiError::Net(net::Error::BadAnswer {
                        what: what.to_string(),
                        detail: format!("it has no \"events\" list{said}"),
                    }));
                }
            },
            _ => {
                return Err(ApiError::Net(net::Error::BadAnswer {
                    what: what.to_string(),
                    detail: "it is not a JSON object with \"events\"".into(),
                }))
            }
        };
        let events = events
            .iter()
            .filter_map(|e| RawValue::from_string(e.to_string()).ok())
            .collect();
        Ok(Page {
            events: Some(events),
            meta: serde_json::json!({"meta": body.get("meta")}),
        })
    }

    /// A bearer token with at least five minutes left, and whether it was just exchanged.
    async fn bearer(&mut self) -> Result<(String, bool), ApiError> {
        if let Some(bearer) = &self.bearer {
            if bearer.usable_at(unix_now()) {
                return Ok((bearer.token.clone(), false));
            }
        }
        let bearer = self.exchange().await?;
        let token = bearer.token.clone();
        self.redactor.add_secret(&token);
        self.bearer = Some(bearer);
        Ok((token, true))
    }

    /// `POST {auth}/v1/tokens/exchange` with the API token as basic auth password.
    async fn exchange(&self) -> Result<Bearer, ApiError> {
        let url = endpoint(&self.auth_base, &["v1", "tokens", "exchange"]);
        let basic = Credential::basic(&self.auth_base, "", &self.token);
        let res = self
            .send(Method::POST, &url, Some(&basic), Ctx::Exchange)
            .await?;
        let res = self.expect_success(res, &url, Ctx::Exchange).await?;
        let what = format!("the token exchange answer from {}", origin_of(&url));
        let body =
            net::read_json(res, &url, &what, JSON_BODY_LIMIT, &self.net, &self.redactor).await?;
        match body.get("token").and_then(Value::as_str).map(str::trim) {
            Some(token) if !token.is_empty() && HeaderValue::from_str(token).is_ok() => {
                Ok(Bearer::new(token.to_string(), unix_now()))
            }
            Some(_) => Err(ApiError::Net(net::Error::BadAnswer {
                what,
                detail: "its \"token\" is empty or not usable in a header".into(),
            })),
            None => Err(ApiError::Net(net::Error::BadAnswer {
                what,
                detail: "it has no \"token\"".into(),
            })),
        }
    }

    /// The API URL of the configured region, from `GET {auth}/v1/regions`.
    async fn region_api(&mut self) -> Result<Url, ApiError> {
        let url = endpoint(&self.auth_base, &["v1", "regions"]);
        let mut res = self.send(Method::GET, &url, None, Ctx::Regions).await?;
        if matches!(
            res.status(),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ) {
            // Some deployments want a bearer token here: it goes back to the host that
            // issued it, never elsewhere.
            let (jwt, _) = self.bearer().await?;
            let bearer = Credential::bearer(&self.auth_base, &jwt);
            res = self
                .send(Method::GET, &url, Some(&bearer), Ctx::Regions)
                .await?;
        }
        let res = self.expect_success(res, &url, Ctx::Regions).await?;
        let what = format!("the regions list from {}", origin_of(&url));
        let body =
            net::read_json(res, &url, &what, JSON_BODY_LIMIT, &self.net, &self.redactor).await?;
        let Some(regions) = body.get("regions").and_then(Value::as_array) else {
            return Err(ApiError::Net(net::Error::BadAnswer {
                what,
                detail: "it has no \"regions\" list".into(),
            }));
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
    pub(super) async fn api_get(
        &mut self,
        url: &Url,
        ctx: Ctx<'_>,
    ) -> Result<reqwest::Response, ApiError> {
        let mut exchanged_again = false;
        loop {
            let (jwt, fresh) = self.bearer().await?;
            let bearer = Credential::bearer(&self.api_base, &jwt);
            let res = self.send(Method::GET, url, Some(&bearer), ctx).await?;
            if res.status() == StatusCode::UNAUTHORIZED && !fresh && !exchanged_again {
                self.bearer = None;
                exchanged_again = true;
                continue;
            }
            return self.expect_success(res, url, ctx).await;
        }
    }

    async fn send(
        &self,
        method: Method,
        url: &Url,
        credential: Option<&Credential>,
        ctx: Ctx<'_>,
    ) -> Result<reqwest::Response, ApiError> {
        let json_body = (method == Method::POST).then_some("{}");
        let waiting_for = ctx.waiting_for(url);
        let request = Request {
            method,
            url,
            credential,
            json_body,
            waiting_for: &waiting_for,
        };
        Ok(self.net.send(&request, &self.redactor).await?)
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
        let body = self.net.read_error_body(res).await;
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
        let message = server_message(body).map(|m| self.clean(&m));
        match (status.as_u16(), ctx) {
            (401, _) | (403, Ctx::Exchange) => ApiError::TokenRefused {
                origin: self.cfg.token_origin,
                status: status.as_u16(),
            },
            (402, _) => ApiError::PaymentRequired {
                message: field("error").or(message),
                url: field("url"),
            },
            (403, Ctx::Events { app })
            | (403, Ctx::AuditLog { app, .. })
            | (403, Ctx::App { app, .. }) => ApiError::Forbidden {
                app: app.to_string(),
                message,
            },
            (404, Ctx::Events { app }) | (404, Ctx::App { app, .. }) => ApiError::AppNotFound {
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

    /// Removes every form of the API token and the bearer tokens from a server-supplied
    /// string, then cuts it.
    pub(super) fn clean(&self, text: &str) -> String {
        self.redactor.clean(text, MESSAGE_LIMIT)
    }
}
