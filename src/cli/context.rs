//! Command-line definitions of context beside a session: `--with`, `--context`, `--around`,
//! `--show-secrets`, and how to reach the Losant and Datafold APIs.

use super::ApiArgs;
use crate::error::{Error, Result};
use clap::Args;
use std::ffi::{OsStr, OsString};

/// How to reach the context providers' APIs (for `--with losant://…` and
/// `--with datafold://`); their variables are read too.
#[derive(Args, Debug, Clone, Default)]
pub struct ContextApiArgs {
    /// Losant API token [default: $LOSANT_API_TOKEN]
    #[arg(long, value_name = "TOKEN", help_heading = "Context APIs")]
    pub losant_token: Option<String>,
    /// Losant API base URL [default: $LOSANT_API_URL, else https://api.losant.com]
    #[arg(long, value_name = "URL", help_heading = "Context APIs")]
    pub losant_url: Option<String>,
    /// Datafold API key [default: $DATAFOLD_API_KEY]
    #[arg(long, value_name = "KEY", help_heading = "Context APIs")]
    pub datafold_key: Option<String>,
    /// Datafold API base URL [default: $DATAFOLD_API_URL, else https://app.datafold.com]
    #[arg(long, value_name = "URL", help_heading = "Context APIs")]
    pub datafold_url: Option<String>,
}

impl ContextApiArgs {
    pub fn losant(&self) -> crate::losant::Config {
        crate::losant::Config::from_env(self.losant_token.clone(), self.losant_url.clone())
    }

    pub fn datafold(&self) -> crate::datafold::Config {
        crate::datafold::Config::from_env(self.datafold_key.clone(), self.datafold_url.clone())
    }
}

/// Where context comes from: files or provider URIs of app logs and audit trails, and how
/// far around the session (`report` flattens this alone: its `--show-secrets` covers more).
#[derive(Args, Debug, Clone, Default)]
pub struct ContextSources {
    /// A context source: a file of Scalingo app logs or app events, Losant or Datafold audit
    /// logs (kind told by content), or scalingo-logs://APP, scalingo-events://APP,
    /// losant://ORG, datafold:// (repeatable)
    #[arg(long = "with", value_name = "SOURCE", help_heading = "Context")]
    pub with: Vec<OsString>,
    /// On a scalingo://APP/ID session: short for --with scalingo-logs://APP --with
    /// scalingo-events://APP
    #[arg(long, help_heading = "Context")]
    pub context: bool,
    /// Keep context entries from this long before the session's first event to this long
    /// after its last (e.g. 90s, 10m, 1h)
    #[arg(
        long,
        value_name = "DURATION",
        default_value = "5m",
        help_heading = "Context"
    )]
    pub around: String,
    #[command(flatten)]
    pub api: ContextApiArgs,
}

/// Context beside a session: its sources, and whether secrets in it are shown.
#[derive(Args, Debug, Clone, Default)]
pub struct ContextArgs {
    #[command(flatten)]
    pub sources: ContextSources,
    /// Show variable values and other secrets in context entries in clear (masked ••••
    /// otherwise)
    #[arg(long, help_heading = "Context")]
    pub show_secrets: bool,
}

impl std::ops::Deref for ContextArgs {
    type Target = ContextSources;

    fn deref(&self) -> &ContextSources {
        &self.sources
    }
}

impl ContextArgs {
    pub fn options(&self) -> crate::context::Options {
        crate::context::Options {
            show_secrets: self.show_secrets,
            window: None,
        }
    }
}

impl ContextSources {
    /// The margin `--around` gives, in nanoseconds (a usage error when malformed).
    pub fn margin(&self) -> Result<i128> {
        if self.around.is_empty() {
            return Ok(crate::context::DEFAULT_MARGIN);
        }
        crate::context::time::parse_duration(&self.around)
            .map_err(|e| Error::Usage(format!("--around: {e}")))
    }

    /// The context sources: the `--with` ones, then with `--context` the app logs and
    /// events of `session`'s app (a usage error unless it is `scalingo://APP/ID`).
    pub fn sources(&self, session: Option<&OsStr>) -> Result<Vec<OsString>> {
        let mut out = self.with.clone();
        if self.context {
            let app = session
                .and_then(|s| crate::recording::Source::parse(s).ok())
                .and_then(|s| match s {
                    crate::recording::Source::Scalingo { app, .. } => Some(app),
                    _ => None,
                });
            let Some(app) = app else {
                return Err(Error::Usage(
                    "--context needs a scalingo://APP/AUDIT_LOG_ID session (for another \
                     source, give its context with --with)"
                        .into(),
                ));
            };
            out.push(format!("scalingo-logs://{app}").into());
            out.push(format!("scalingo-events://{app}").into());
        }
        Ok(out)
    }

    /// How URI sources reach their APIs: Scalingo's as `api` says (the session's own
    /// flags), Losant's and Datafold's from the context flags.
    pub fn apis(&self, api: &ApiArgs) -> crate::context::Apis {
        crate::context::Apis {
            scalingo: api.scalingo(),
            losant_token: self.api.losant_token.clone(),
            losant_url: self.api.losant_url.clone(),
            datafold_key: self.api.datafold_key.clone(),
            datafold_url: self.api.datafold_url.clone(),
        }
    }
}
