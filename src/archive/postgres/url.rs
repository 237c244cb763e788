//! The database's URL (`--db`, `$AUDITTY_DB`): a secret, since it may carry a password.
//! It is shown only as [`DbUrl::shown`] (the password, and a `password=` parameter, as
//! `***`), its `Debug` is the same, and the text of a server's or driver's error is scrubbed
//! of every form of the password before it is shown ([`DbUrl::scrub`]).

use crate::error::{Error, Result};
use std::fmt;
use std::time::Duration;

/// The variable naming the database.
pub const ENV_DB: &str = "AUDITTY_DB";

/// What replaces a password.
const HIDDEN: &str = "***";

/// How long connecting may take when the URL does not say (`connect_timeout`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A database URL and where it was given (`--db`, `$AUDITTY_DB`).
#[derive(Clone, PartialEq, Eq)]
pub struct DbUrl {
    url: String,
    from: &'static str,
}

impl fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DbUrl({} from {})", self.shown(), self.from)
    }
}

impl DbUrl {
    /// The value of `--db`.
    pub fn flag(url: &str) -> DbUrl {
        DbUrl {
            url: url.to_string(),
            from: "--db",
        }
    }

    /// `$AUDITTY_DB`, when it is set and not empty.
    pub fn from_env() -> Option<DbUrl> {
        let url = std::env::var(ENV_DB).ok()?;
        (!url.trim().is_empty()).then_some(DbUrl {
            url,
            from: "$AUDITTY_DB",
        })
    }

    fn parsed(&self) -> Option<url::Url> {
        url::Url::parse(self.url.trim())
            .ok()
            .filter(|u| matches!(u.scheme(), "postgres" | "postgresql"))
    }

    /// The URL with its password replaced by `***`; one that is not a URL at all is not
    /// shown (it may be a password given by mistake).
    pub fn shown(&self) -> String {
        let Some(mut u) = self.parsed() else {
            return format!("{} (not a postgres:// URL)", self.from);
        };
        if u.password().is_some() {
            let _ = u.set_password(Some(HIDDEN));
        }
        if u.query().is_some() {
            let pairs: Vec<(String, String)> = u
                .query_pairs()
                .map(|(k, v)| {
                    let v = if k.eq_ignore_ascii_case("password") {
                        HIDDEN.to_string()
                    } else {
                        v.into_owned()
                    };
                    (k.into_owned(), v)
                })
                .collect();
            u.query_pairs_mut().clear().extend_pairs(pairs);
        }
        // `***` percent-encoded by the setters
        u.to_string().replace("%2A%2A%2A", HIDDEN)
    }

    /// `text` without the password, in any form the URL or a driver may write it.
    pub fn scrub(&self, text: &str) -> String {
        let mut r = crate::net::Redactor::new();
        if let Some(u) = self.parsed() {
            r.add_url(&u);
        }
        r.redact(text)
    }

    /// A one-line error about this database: `URL: what` (the password hidden).
    pub fn error(&self, what: impl fmt::Display) -> Error {
        let what = self.scrub(&what.to_string());
        Error::Runtime(format!(
            "{}: {}",
            crate::render::escape::escape_controls(&self.shown()),
            crate::render::escape::escape_controls(what.trim())
        ))
    }

    /// The connection settings, checked: a `postgres://` URL, no TLS asked for (this build
    /// has none), and no cleartext to another host unless `sslmode=disable` says so.
    pub fn config(&self) -> Result<postgres::Config> {
        let usage = |why: &str| {
            Error::Usage(format!(
                "{}: {why} (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE)",
                self.from
            ))
        };
        let u = self.parsed().ok_or_else(|| usage("not a PostgreSQL URL"))?;
        let mut cfg: postgres::Config = self.url.trim().parse().map_err(|e| {
            usage(&self.scrub(&format!("not a PostgreSQL URL: {}", super::db_text(&e))))
        })?;
        if cfg.get_dbname().is_none() || u.path().trim_matches('/').is_empty() {
            return Err(usage("no database named"));
        }
        let mode = u
            .query_pairs()
            .find(|(k, _)| k == "sslmode")
            .map(|(_, v)| v.into_owned());
        match mode.as_deref() {
            None | Some("disable") | Some("prefer") | Some("allow") => {}
            Some(m) => {
                return Err(self.error(format!(
                    "sslmode={m} asks for TLS, which auditty's PostgreSQL connection does not \
                     have: reach the server on this machine or through a tunnel"
                )))
            }
        }
        let local = cfg.get_hosts().iter().all(|h| match h {
            postgres::config::Host::Tcp(name) => is_loopback(name),
            #[cfg(unix)]
            postgres::config::Host::Unix(_) => true,
        });
        if !local && mode.as_deref() != Some("disable") {
            return Err(self.error(
                "not on this machine, and auditty's PostgreSQL connection has no TLS: reach it \
                 through a tunnel (ssh -L) on 127.0.0.1, or add ?sslmode=disable to send the \
                 archive in clear",
            ));
        }
        cfg.ssl_mode(postgres::config::SslMode::Disable);
        if cfg.get_connect_timeout().is_none() {
            cfg.connect_timeout(CONNECT_TIMEOUT);
        }
        if cfg.get_application_name().is_none() {
            cfg.application_name("auditty");
        }
        Ok(cfg)
    }
}

fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_never_shown() {
        let u = DbUrl::flag("postgres://ann:s3cr%40t-pw@127.0.0.1:5433/arch?password=other-pw");
        let shown = u.shown();
        assert_eq!(shown, "postgres://ann:***@127.0.0.1:5433/arch?password=***");
        assert!(!format!("{u:?}").contains("s3cr"));
        let e = u
            .error("FATAL: bad s3cr@t-pw and s3cr%40t-pw, other-pw")
            .to_string();
        assert!(!e.contains("s3cr") && !e.contains("other-pw"), "{e}");
        // not a URL: not shown at all
        let u = DbUrl::flag("hunter2-secret");
        assert!(!u.shown().contains("hunter2"));
        let e = u.config().unwrap_err().to_string();
        assert!(
            !e.contains("hunter2") && e.starts_with("--db: not a PostgreSQL URL"),
            "{e}"
        );
    }

    #[test]
    fn tls_and_remote_hosts_are_refused_in_one_line() {
        let e = DbUrl::flag("postgres://a:pw-pw-pw@127.0.0.1/x?sslmode=require")
            .config()
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("sslmode=require") && !e.contains("pw-pw-pw"),
            "{e}"
        );
        let e = DbUrl::flag("postgres://a@db.example.org/x")
            .config()
            .unwrap_err()
            .to_string();
        assert!(e.contains("no TLS") && !e.contains('\n'), "{e}");
        assert!(DbUrl::flag("postgres://a@db.example.org/x?sslmode=disable")
            .config()
            .is_ok());
        assert!(DbUrl::flag("postgres://a@[::1]:5432/x").config().is_ok());
        let e = DbUrl::flag("postgres://a@localhost").config().unwrap_err();
        assert!(e.to_string().contains("no database named"), "{e}");
    }
}
