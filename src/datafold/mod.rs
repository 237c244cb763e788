//! Datafold's audit logs, over [`crate::net`]: one endpoint, a `Key` token.
//!
//! `GET {DATAFOLD_API_URL}/api/v1/audit_logs` with the JSON body
//! `{"start_date": RFC 3339, "end_date": RFC 3339}` and `Authorization: Key $DATAFOLD_API_KEY`
//! (or `--datafold-key`; a value already starting with `Key ` is accepted too), answered
//! `{"logs": […]}`; a 422 `{"detail": [{"loc", "msg", "type"}]}` is quoted in the error. The
//! key is sent only to the API's own origin and never shown.

use chrono::{DateTime, SecondsFormat, Utc};
use reqwest::Method;
use serde_json::Value;

use crate::net::provider::{
    base_url, client_for, endpoint, env_var, expect_success, pick_url, runtime, ProviderError,
    Token, TokenPlace,
};
use crate::net::text::truncate_chars;
use crate::net::{self, Auth, Credential, Redactor, Request, RetryPolicy, Secret, Timeouts};

/// The variable holding the API key.
pub const ENV_KEY: &str = "DATAFOLD_API_KEY";
/// The variable giving the API's base URL.
pub const ENV_API_URL: &str = "DATAFOLD_API_URL";
/// The flag that overrides [`ENV_KEY`].
pub const KEY_FLAG: &str = "--datafold-key";
/// The API used when neither a flag nor [`ENV_API_URL`] names one.
pub const DEFAULT_API_URL: &str = "https://app.datafold.com";

const WHAT_KEY: &str = "Datafold API key";
/// A 422's detail is quoted up to this many characters.
const DETAIL_LIMIT: usize = 160;

/// Where to ask and with which key.
#[derive(Clone, Debug)]
pub struct Config {
    pub api_url: String,
    pub api_url_from: String,
    pub key: Option<Token>,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    /// The answer is at most this many bytes (`AUDITTY_MAX_BYTES`).
    pub max_bytes: u64,
}

impl Config {
    /// The flags first, then `DATAFOLD_API_KEY` and `DATAFOLD_API_URL`, then the defaults.
    pub fn from_env(flag_key: Option<String>, flag_url: Option<String>) -> Config {
        Config::from_lookup(flag_key, flag_url, &env_var)
    }

    /// [`Config::from_env`] with the environment given as a function (for tests).
    pub fn from_lookup(
        flag_key: Option<String>,
        flag_url: Option<String>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Config {
        let (api_url, api_url_from) = pick_url(
            flag_url,
            "--datafold-url",
            ENV_API_URL,
            DEFAULT_API_URL,
            env,
        );
        let key = Token::pick(flag_key, KEY_FLAG, ENV_KEY, env).map(|mut t| {
            // The reference's prose says `Key <api-key>`, its example sends the bare key:
            // both are accepted, `Key <api-key>` is sent.
            let bare = t.secret.expose();
            if let Some(rest) = bare.strip_prefix("Key ").or(bare.strip_prefix("key ")) {
                t.secret = Secret::new(rest.trim());
            }
            t
        });
        Config {
            api_url,
            api_url_from,
            key,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            max_bytes: crate::formats::max_bytes(),
        }
    }
}

/// The audit logs from `start` to `end`.
///
/// Returns exactly the bytes of the API's 200 answer (`{"logs": […]}`), once checked to be
/// a JSON object with a `logs` list.
pub fn fetch_audit_logs(
    cfg: Config,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<u8>, ProviderError> {
    runtime()?.block_on(audit_logs(&cfg, start, end))
}

/// The request body: `{"start_date":"…Z","end_date":"…Z"}`.
pub fn request_body(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    serde_json::json!({
        "start_date": start.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        "end_date": end.to_rfc3339_opts(SecondsFormat::AutoSi, true),
    })
    .to_string()
}

/// [`fetch_audit_logs`], async.
pub async fn audit_logs(
    cfg: &Config,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> Result<Vec<u8>, ProviderError> {
    let key = cfg.key.as_ref().ok_or(ProviderError::MissingToken {
        what: WHAT_KEY,
        flag: KEY_FLAG,
        var: ENV_KEY,
    })?;
    let base = base_url(&cfg.api_url, &cfg.api_url_from)?;
    let credential = Credential::new(
        &base,
        Auth::Scheme {
            scheme: "Key".into(),
            token: key.secret.clone(),
        },
    );
    let (client, redactor) = client_for(&credential, &cfg.timeouts, &cfg.retry)?;
    let url = endpoint(&base, &["api", "v1", "audit_logs"]);
    let body = request_body(start, end);
    let waiting_for = format!("the Datafold audit logs from {}", net::origin_of(&url));
    let request = Request {
        method: Method::GET,
        url: &url,
        credential: Some(&credential),
        json_body: Some(&body),
        waiting_for: &waiting_for,
    };
    let res = client.send(&request, &redactor).await?;
    let what = "the Datafold audit logs request";
    let res = match expect_success(&client, res).await {
        Ok(res) => res,
        Err(refusal) if refusal.status.as_u16() == 422 => {
            return Err(ProviderError::Rejected {
                what: what.into(),
                status: 422,
                detail: validation_detail(&refusal.body, &redactor),
            })
        }
        Err(refusal) => {
            let place = TokenPlace {
                what: WHAT_KEY,
                token: key,
                var: ENV_KEY,
            };
            return Err(refusal.into_error(
                "the Datafold audit logs",
                &url,
                Some(&place),
                &redactor,
            ));
        }
    };
    let limit = usize::try_from(cfg.max_bytes).unwrap_or(usize::MAX);
    let what = "the Datafold audit logs";
    let bytes = net::read_json_bytes(res, &url, what, limit, &client, &redactor).await?;
    let parsed: Value = net::parse_json(&bytes, what, &redactor)?;
    if !parsed.get("logs").is_some_and(Value::is_array) {
        return Err(net::Error::BadAnswer {
            what: what.into(),
            detail: "it has no \"logs\" list".into(),
        }
        .into());
    }
    Ok(bytes)
}

/// A 422's `detail` in a few words: `body.start_date: value is not a valid datetime; …`,
/// redacted, then cut short.
pub fn validation_detail(body: &[u8], redactor: &Redactor) -> Option<String> {
    let json: Value = serde_json::from_slice(body).ok()?;
    let text = match json.get("detail")? {
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let loc = item
                    .get("loc")
                    .and_then(Value::as_array)
                    .map(|l| {
                        l.iter()
                            .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_string))
                            .collect::<Vec<_>>()
                            .join(".")
                    })
                    .unwrap_or_default();
                let msg = item
                    .get("msg")
                    .and_then(Value::as_str)
                    .map_or_else(|| item.to_string(), str::to_string);
                if loc.is_empty() {
                    msg
                } else {
                    format!("{loc}: {msg}")
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let clean = redactor.clean(&text, DETAIL_LIMIT);
    Some(truncate_chars(&clean, DETAIL_LIMIT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_with_or_without_their_scheme() {
        let env = |k: &str| (k == ENV_KEY).then(|| "Key df-0123456789".to_string());
        let cfg = Config::from_lookup(None, None, &env);
        assert_eq!(cfg.key.unwrap().secret.expose(), "df-0123456789");
        let cfg = Config::from_lookup(Some("bare-key-1234".into()), None, &env);
        let key = cfg.key.unwrap();
        assert_eq!(
            (key.secret.expose(), key.from.as_str()),
            ("bare-key-1234", KEY_FLAG)
        );
        assert_eq!(cfg.api_url, DEFAULT_API_URL);
    }

    #[test]
    fn the_body_and_validation_errors() {
        let t = |s| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            request_body(t("2023-11-07T05:31:56Z"), t("2023-11-07T06:00:00.5+01:00")),
            r#"{"end_date":"2023-11-07T05:00:00.500Z","start_date":"2023-11-07T05:31:56Z"}"#
        );
        let mut r = Redactor::new();
        r.add_secret("df-secret-0123456789");
        let body = br#"{"detail":[{"loc":["body","start_date"],"msg":"invalid datetime \u001b[31m df-secret-0123456789","type":"value_error"},{"loc":["body",0],"msg":"x"}]}"#;
        let d = validation_detail(body, &r).unwrap();
        assert_eq!(
            d,
            "body.start_date: invalid datetime \u{1b}[31m [redacted]; body.0: x"
        );
        let long = format!(r#"{{"detail":"{}"}}"#, "y".repeat(1000));
        assert!(
            validation_detail(long.as_bytes(), &r)
                .unwrap()
                .chars()
                .count()
                <= DETAIL_LIMIT
        );
        assert_eq!(validation_detail(b"not json", &r), None);
    }
}
