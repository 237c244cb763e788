//! Where the client talks to and with which token: flags first, then the environment
//! variables of the official Scalingo CLI, then defaults.

use reqwest::Url;
use std::fmt;

use super::error::ApiError;

/// The environment variable holding the API token.
pub const ENV_TOKEN: &str = "SCALINGO_API_TOKEN";
/// The environment variable naming the region.
pub const ENV_REGION: &str = "SCALINGO_REGION";
/// The environment variable giving the API's base URL (skips the region lookup).
pub const ENV_API_URL: &str = "SCALINGO_API_URL";
/// The environment variable giving the auth service's base URL.
pub const ENV_AUTH_URL: &str = "SCALINGO_AUTH_URL";
/// The environment variable naming the app (read by the CLI, listed here for completeness).
pub const ENV_APP: &str = "SCALINGO_APP";

/// The auth service used when neither a flag nor `SCALINGO_AUTH_URL` names one.
pub const DEFAULT_AUTH_URL: &str = "https://auth.scalingo.com";
/// The region used when neither `--region` nor `SCALINGO_REGION` names one.
pub const DEFAULT_REGION: &str = "osc-fr1";

/// Where the API token came from. Used in error messages instead of the token itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenOrigin {
    /// The `--token` flag.
    Flag,
    /// An environment variable (its name).
    Env(&'static str),
}

impl fmt::Display for TokenOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenOrigin::Flag => f.write_str("--token"),
            TokenOrigin::Env(name) => f.write_str(name),
        }
    }
}

pub use crate::net::{RetryPolicy, Timeouts};

/// Everything the client needs to know before it talks to anyone.
///
/// `Debug` never shows the token.
#[derive(Clone)]
pub struct Config {
    /// The API token (`tk-us-…`). Only ever sent to the auth host.
    pub token: Option<String>,
    /// Where the token came from, for error messages.
    pub token_origin: TokenOrigin,
    /// Base URL of the auth service, without `/v1`.
    pub auth_url: String,
    /// Base URL of the API, without `/v1`. `None`: look the region up at the auth service.
    pub api_url: Option<String>,
    /// Region name looked up when `api_url` is `None`.
    pub region: String,
    /// Network time limits.
    pub timeouts: Timeouts,
    /// Retries on 429 and 5xx.
    pub retry: RetryPolicy,
    /// `per_page` asked for when listing events.
    pub page_size: u32,
    /// Pages read at most when listing events (a guard against a server that never ends).
    pub max_pages: u32,
    /// The largest audit log downloaded, into memory or to a file (`AUDITTY_MAX_BYTES`,
    /// 1 GiB by default: the size auditty reads at most).
    pub max_bytes: u64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            token: None,
            token_origin: TokenOrigin::Env(ENV_TOKEN),
            auth_url: DEFAULT_AUTH_URL.to_string(),
            api_url: None,
            region: DEFAULT_REGION.to_string(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            page_size: 100,
            max_pages: 1000,
            max_bytes: crate::formats::max_bytes(),
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("token_origin", &self.token_origin)
            .field("auth_url", &self.auth_url)
            .field("api_url", &self.api_url)
            .field("region", &self.region)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("page_size", &self.page_size)
            .field("max_pages", &self.max_pages)
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

impl Config {
    /// Builds the configuration from the CLI's flags and the environment: a flag wins over
    /// its variable (`--token`/`SCALINGO_API_TOKEN`, `--region`/`SCALINGO_REGION`,
    /// `--api-url`/`SCALINGO_API_URL`, `--auth-url`/`SCALINGO_AUTH_URL`); empty values
    /// count as unset. A missing token is not an error here (it is when a request needs it).
    pub fn from_env(
        flag_token: Option<String>,
        flag_region: Option<String>,
        flag_api_url: Option<String>,
        flag_auth_url: Option<String>,
    ) -> Result<Config, ApiError> {
        Config::from_lookup(
            flag_token,
            flag_region,
            flag_api_url,
            flag_auth_url,
            |name| match std::env::var(name) {
                Ok(value) => Ok(Some(value)),
                Err(std::env::VarError::NotPresent) => Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => Err(ApiError::InvalidConfig {
                    what: format!("{name} is not valid UTF-8"),
                }),
            },
        )
    }

    /// [`Config::from_env`] with the environment given as a function (for tests).
    pub fn from_lookup(
        flag_token: Option<String>,
        flag_region: Option<String>,
        flag_api_url: Option<String>,
        flag_auth_url: Option<String>,
        env: impl Fn(&str) -> Result<Option<String>, ApiError>,
    ) -> Result<Config, ApiError> {
        let nonempty = |v: Option<String>| {
            v.map(|s| s.trim().to_string())
                .filter(|s: &String| !s.is_empty())
        };
        let pick = |flag: Option<String>,
                    flag_name: &'static str,
                    var: &'static str|
         -> Result<Option<(String, &'static str)>, ApiError> {
            if let Some(v) = nonempty(flag) {
                return Ok(Some((v, flag_name)));
            }
            Ok(nonempty(env(var)?).map(|v| (v, var)))
        };

        let mut cfg = Config::default();
        match pick(flag_token, "--token", ENV_TOKEN)? {
            Some((token, "--token")) => {
                cfg.token = Some(token);
                cfg.token_origin = TokenOrigin::Flag;
            }
            Some((token, _)) => {
                cfg.token = Some(token);
                cfg.token_origin = TokenOrigin::Env(ENV_TOKEN);
            }
            None => {}
        }
        if let Some((region, _)) = pick(flag_region, "--region", ENV_REGION)? {
            cfg.region = region;
        }
        if let Some((url, source)) = pick(flag_api_url, "--api-url", ENV_API_URL)? {
            cfg.api_url = Some(base_url(&url, source)?.to_string());
        }
        if let Some((url, source)) = pick(flag_auth_url, "--auth-url", ENV_AUTH_URL)? {
            cfg.auth_url = base_url(&url, source)?.to_string();
        }
        Ok(cfg)
    }
}

/// Parses a base URL given by the user (flag or variable named `source`): http or https,
/// with a host, no query or fragment ([`crate::net::provider::base_url`]'s rules).
pub(crate) fn base_url(value: &str, source: &str) -> Result<Url, ApiError> {
    crate::net::provider::base_url(value, source).map_err(|e| ApiError::InvalidConfig {
        what: match e {
            crate::net::provider::ProviderError::Config { what } => what,
            other => other.to_string(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Result<Option<String>, ApiError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| Ok(map.get(k).cloned())
    }

    #[test]
    fn defaults_without_flags_or_env() {
        let cfg = Config::from_lookup(None, None, None, None, env(&[])).unwrap();
        assert_eq!(cfg.token, None);
        assert_eq!(cfg.auth_url, DEFAULT_AUTH_URL);
        assert_eq!(cfg.api_url, None);
        assert_eq!(cfg.region, DEFAULT_REGION);
    }

    #[test]
    fn env_is_read_and_flags_override_it() {
        let vars = env(&[
            ("SCALINGO_API_TOKEN", "tk-us-env"),
            ("SCALINGO_REGION", "osc-secnum-fr1"),
            ("SCALINGO_API_URL", "http://127.0.0.1:3001"),
            ("SCALINGO_AUTH_URL", "http://127.0.0.1:3002/"),
        ]);
        let cfg = Config::from_lookup(None, None, None, None, &vars).unwrap();
        assert_eq!(cfg.token.as_deref(), Some("tk-us-env"));
        assert_eq!(cfg.token_origin, TokenOrigin::Env("SCALINGO_API_TOKEN"));
        assert_eq!(cfg.region, "osc-secnum-fr1");
        assert_eq!(cfg.api_url.as_deref(), Some("http://127.0.0.1:3001/"));
        assert_eq!(cfg.auth_url, "http://127.0.0.1:3002/");

        let cfg = Config::from_lookup(
            Some("tk-us-flag".into()),
            Some("osc-fr1".into()),
            Some("https://api.example.test".into()),
            Some("https://auth.example.test".into()),
            &vars,
        )
        .unwrap();
        assert_eq!(cfg.token.as_deref(), Some("tk-us-flag"));
        assert_eq!(cfg.token_origin, TokenOrigin::Flag);
        assert_eq!(cfg.region, "osc-fr1");
        assert_eq!(cfg.api_url.as_deref(), Some("https://api.example.test/"));
        assert_eq!(cfg.auth_url, "https://auth.example.test/");
    }

    #[test]
    fn empty_values_count_as_unset_and_tokens_are_trimmed() {
        let vars = env(&[
            ("SCALINGO_API_TOKEN", "  tk-us-x\n"),
            ("SCALINGO_REGION", ""),
        ]);
        let cfg = Config::from_lookup(Some(String::new()), None, None, None, vars).unwrap();
        assert_eq!(cfg.token.as_deref(), Some("tk-us-x"));
        assert_eq!(cfg.token_origin, TokenOrigin::Env("SCALINGO_API_TOKEN"));
        assert_eq!(cfg.region, DEFAULT_REGION);
    }

    #[test]
    fn bad_urls_are_named() {
        let vars = env(&[("SCALINGO_API_URL", "ftp://x")]);
        let err = Config::from_lookup(None, None, None, None, vars).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("SCALINGO_API_URL 'ftp://x'"), "{msg}");
        let err = Config::from_lookup(None, None, None, Some("not a url".into()), env(&[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("--auth-url 'not a url'"), "{err}");
    }

    #[test]
    fn debug_never_shows_the_token() {
        let cfg = Config {
            token: Some("tk-us-secret".into()),
            ..Config::default()
        };
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("tk-us-secret"), "{shown}");
        assert!(shown.contains("[redacted]"));
    }
}
