//! Losant's audit logs, over [`crate::net`]: one endpoint, a bearer token, a paginated list.
//!
//! `GET {LOSANT_API_URL}/orgs/ORG/audit-logs?start=MS&end=MS&page=P&perPage=N&sortField=creationDate&sortDirection=asc`
//! with `Authorization: Bearer $LOSANT_API_TOKEN` (or `--losant-token`), answered
//! `{"items": […], "count", "totalCount", "perPage", "page", …}`. The token is sent only to
//! the API's own origin (never across a redirect to another one), never shown: server
//! messages are scrubbed of it before they are cut.

use chrono::{DateTime, Utc};
use reqwest::{Method, Url};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::net::provider::{
    base_url, check_segment, client_for, endpoint, env_var, expect_success, pick_url, runtime,
    ProviderError, Token, TokenPlace,
};
use crate::net::{self, Credential, Request, RetryPolicy, Timeouts};

/// The variable holding the API token.
pub const ENV_TOKEN: &str = "LOSANT_API_TOKEN";
/// The variable giving the API's base URL.
pub const ENV_API_URL: &str = "LOSANT_API_URL";
/// The flag that overrides [`ENV_TOKEN`].
pub const TOKEN_FLAG: &str = "--losant-token";
/// The API used when neither a flag nor [`ENV_API_URL`] names one.
pub const DEFAULT_API_URL: &str = "https://api.losant.com";

/// A page answer larger than this is refused.
const PAGE_LIMIT: usize = 64 << 20;
const WHAT_TOKEN: &str = "Losant API token";

/// Where to ask and with which token.
#[derive(Clone, Debug)]
pub struct Config {
    pub api_url: String,
    /// Where [`Config::api_url`] came from, for its errors.
    pub api_url_from: String,
    pub token: Option<Token>,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    /// `perPage` asked for (the API's default and maximum is 1000).
    pub page_size: u32,
    /// Pages read at most (a guard against a server that never ends).
    pub max_pages: u32,
    /// The entries of one listing hold at most this many bytes (`AUDITTY_MAX_BYTES`).
    pub max_bytes: u64,
}

impl Config {
    /// The flags first, then `LOSANT_API_TOKEN` and `LOSANT_API_URL`, then the defaults.
    pub fn from_env(flag_token: Option<String>, flag_url: Option<String>) -> Config {
        Config::from_lookup(flag_token, flag_url, &env_var)
    }

    /// [`Config::from_env`] with the environment given as a function (for tests).
    pub fn from_lookup(
        flag_token: Option<String>,
        flag_url: Option<String>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Config {
        let (api_url, api_url_from) =
            pick_url(flag_url, "--losant-url", ENV_API_URL, DEFAULT_API_URL, env);
        Config {
            api_url,
            api_url_from,
            token: Token::pick(flag_token, TOKEN_FLAG, ENV_TOKEN, env),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            page_size: 1000,
            max_pages: 10_000,
            max_bytes: crate::formats::max_bytes(),
        }
    }
}

#[derive(Deserialize)]
struct Page {
    items: Option<Vec<Box<RawValue>>>,
    #[serde(rename = "totalCount")]
    total_count: Option<u64>,
}

/// The organisation's audit log entries created from `start` to `end` (both in, to the
/// millisecond), oldest first, every page followed.
///
/// Returns exactly: a JSON array (`[` … `]`, entries separated by `,`, no other space) of
/// the API's item objects, each byte for byte as the API sent it. No entries: `[]`.
pub fn fetch_audit_logs(
    cfg: Config,
    org: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<u8>, ProviderError> {
    runtime()?.block_on(audit_logs(&cfg, org, start, end))
}

/// [`fetch_audit_logs`], async.
pub async fn audit_logs(
    cfg: &Config,
    org: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<u8>, ProviderError> {
    check_segment("Losant organisation id", org)?;
    let token = cfg.token.as_ref().ok_or(ProviderError::MissingToken {
        what: WHAT_TOKEN,
        flag: TOKEN_FLAG,
        var: ENV_TOKEN,
    })?;
    let base = base_url(&cfg.api_url, &cfg.api_url_from)?;
    let credential = Credential::bearer(&base, token.secret.expose());
    let (client, redactor) = client_for(&credential, &cfg.timeouts, &cfg.retry)?;
    let place = TokenPlace {
        what: WHAT_TOKEN,
        token,
        var: ENV_TOKEN,
    };
    let per_page = cfg.page_size.max(1);
    let mut out = b"[".to_vec();
    let mut got = 0u64;
    for page in 0..cfg.max_pages.max(1) {
        let url = page_url(&base, org, start, end, page, per_page);
        let waiting_for = format!("the Losant audit logs from {}", net::origin_of(&url));
        let request = Request {
            method: Method::GET,
            url: &url,
            credential: Some(&credential),
            json_body: None,
            waiting_for: &waiting_for,
        };
        let res = client.send(&request, &redactor).await?;
        let what = format!("the audit logs of Losant organisation '{org}'");
        let res = match expect_success(&client, res).await {
            Ok(res) => res,
            Err(refusal) => return Err(refusal.into_error(&what, &url, Some(&place), &redactor)),
        };
        let what = format!("{what} (page {page})");
        let bytes = net::read_json_bytes(res, &url, &what, PAGE_LIMIT, &client, &redactor).await?;
        let body: Page = net::parse_json(&bytes, &what, &redactor)?;
        let Some(items) = body.items else {
            return Err(net::Error::BadAnswer {
                what,
                detail: "it has no \"items\" list".into(),
            }
            .into());
        };
        let n = items.len() as u64;
        for item in items {
            if out.len() > 1 {
                out.push(b',');
            }
            out.extend_from_slice(item.get().as_bytes());
            if out.len() as u64 > cfg.max_bytes {
                return Err(net::Error::TooLarge {
                    what: format!("the audit logs of Losant organisation '{org}'"),
                    limit: cfg.max_bytes,
                }
                .into());
            }
        }
        got += n;
        let done = n == 0 || n < u64::from(per_page) || body.total_count.is_some_and(|t| got >= t);
        if done {
            break;
        }
    }
    out.push(b']');
    Ok(out)
}

fn page_url(
    base: &Url,
    org: &str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    page: u32,
    per_page: u32,
) -> Url {
    let mut url = endpoint(base, &["orgs", org, "audit-logs"]);
    url.query_pairs_mut()
        .append_pair("start", &start.timestamp_millis().to_string())
        .append_pair("end", &end.timestamp_millis().to_string())
        .append_pair("page", &page.to_string())
        .append_pair("perPage", &per_page.to_string())
        .append_pair("sortField", "creationDate")
        .append_pair("sortDirection", "asc");
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_from_flags_then_environment() {
        let env = |k: &str| match k {
            ENV_TOKEN => Some("env-token".to_string()),
            ENV_API_URL => Some("http://127.0.0.1:9".to_string()),
            _ => None,
        };
        let cfg = Config::from_lookup(None, None, &env);
        assert_eq!(cfg.api_url, "http://127.0.0.1:9");
        assert_eq!(cfg.token.as_ref().unwrap().from, ENV_TOKEN);
        let cfg = Config::from_lookup(Some("flag".into()), None, &|_| None);
        assert_eq!(cfg.api_url, DEFAULT_API_URL);
        assert_eq!(cfg.token.as_ref().unwrap().from, TOKEN_FLAG);
        assert!(!format!("{cfg:?}").contains("flag\""));
    }

    #[test]
    fn page_urls() {
        let base = Url::parse("https://api.losant.com").unwrap();
        let t = |s| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        let url = page_url(
            &base,
            "575ed6e87ae143cd83dc4aa8",
            t("2024-01-02T03:04:05.678Z"),
            t("2024-01-02T04:00:00Z"),
            2,
            1000,
        );
        assert_eq!(
            url.as_str(),
            "https://api.losant.com/orgs/575ed6e87ae143cd83dc4aa8/audit-logs?start=1704164645678&end=1704168000000&page=2&perPage=1000&sortField=creationDate&sortDirection=asc"
        );
    }
}
