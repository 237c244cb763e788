//! The database's URL (`--db`, `$AUDITTY_DB`): a secret, since it may carry a password.
//! It is shown only as [`DbUrl::shown`] (the password, and a `password=` parameter, as
//! `***`), its `Debug` is the same, and the text of a server's or driver's error is scrubbed
//! of every form of the password before it is shown ([`DbUrl::scrub`]).

use crate::error::{Error, Result};
use std::fmt;
use std::time::Duration;
use tokio_postgres_rustls::MakeRustlsConnect;

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

    /// The connection settings, checked: a `postgres://` URL naming a database, and how to
    /// secure it. TLS is used for every host but this machine (where it is used when
    /// `sslmode` asks for it); `sslmode=disable` alone sends the archive in clear. The
    /// server's certificate is always checked: against the web's roots, or the
    /// certificates of `sslrootcert=FILE`, and for the host named (libpq's `verify-full`,
    /// whatever `sslmode` names: `require`'s "encrypted but unchecked" is not offered).
    pub fn config(&self) -> Result<(postgres::Config, Tls)> {
        let usage = |why: &str| {
            Error::Usage(format!(
                "{}: {why} (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE)",
                self.from
            ))
        };
        let mut u = self.parsed().ok_or_else(|| usage("not a PostgreSQL URL"))?;
        let param = |k: &str| {
            u.query_pairs()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.into_owned())
        };
        let (mode, root) = (param("sslmode"), param("sslrootcert"));
        // ours, not the driver's: the driver is given the URL without them
        if u.query().is_some() {
            let kept: Vec<(String, String)> = u
                .query_pairs()
                .filter(|(k, _)| k != "sslmode" && k != "sslrootcert")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            if kept.is_empty() {
                u.set_query(None);
            } else {
                u.query_pairs_mut().clear().extend_pairs(kept);
            }
        }
        let mut cfg: postgres::Config = u.as_str().parse().map_err(|e| {
            usage(&self.scrub(&format!("not a PostgreSQL URL: {}", super::db_text(&e))))
        })?;
        if cfg.get_dbname().is_none() || u.path().trim_matches('/').is_empty() {
            return Err(usage("no database named"));
        }
        let local = cfg.get_hosts().iter().all(|h| match h {
            postgres::config::Host::Tcp(name) => is_loopback(name),
            #[cfg(unix)]
            postgres::config::Host::Unix(_) => true,
        });
        let tls = match mode.as_deref() {
            Some("disable") => false,
            None | Some("prefer") | Some("allow") => !local,
            Some("require") | Some("verify-ca") | Some("verify-full") => true,
            Some(m) => {
                return Err(self.error(format!(
                    "sslmode={m} is none of disable, allow, prefer, require, verify-ca, \
                     verify-full"
                )))
            }
        };
        let tls = if tls {
            cfg.ssl_mode(postgres::config::SslMode::Require);
            Tls::Checked {
                roots: root.map(std::path::PathBuf::from),
            }
        } else {
            if root.is_some() {
                return Err(self.error(
                    "sslrootcert is given, but no TLS is used (sslmode=disable, or a server on \
                     this machine without sslmode=require)",
                ));
            }
            cfg.ssl_mode(postgres::config::SslMode::Disable);
            Tls::None
        };
        if cfg.get_connect_timeout().is_none() {
            cfg.connect_timeout(CONNECT_TIMEOUT);
        }
        if cfg.get_application_name().is_none() {
            cfg.application_name("auditty");
        }
        Ok((cfg, tls))
    }

    /// The TLS connector for `tls`: its roots read (a file that cannot be used is an error
    /// naming it).
    pub fn connector(&self, roots: Option<&std::path::Path>) -> Result<MakeRustlsConnect> {
        let mut store = rustls::RootCertStore::empty();
        match roots {
            None => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
            Some(file) => {
                use rustls::pki_types::{pem::PemObject, CertificateDer};
                let bad =
                    |what: String| self.error(format!("sslrootcert {}: {what}", file.display()));
                let certs = CertificateDer::pem_file_iter(file)
                    .map_err(|e| bad(e.to_string()))?
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(|e| bad(e.to_string()))?;
                if certs.is_empty() {
                    return Err(bad("no PEM certificate in it".into()));
                }
                for c in certs {
                    store.add(c).map_err(|e| bad(e.to_string()))?;
                }
            }
        }
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| self.error(format!("TLS: {e}")))?
            .with_root_certificates(store)
            .with_no_client_auth();
        Ok(MakeRustlsConnect::new(config))
    }
}

/// How a connection is secured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tls {
    /// In clear: a server on this machine, or `sslmode=disable`.
    None,
    /// TLS, the server's certificate checked against `roots` (a PEM file), else the web's.
    Checked { roots: Option<std::path::PathBuf> },
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
    fn tls_for_every_other_host_and_where_it_is_asked_for() {
        let tls = |url: &str| DbUrl::flag(url).config().map(|(_, t)| t).ok();
        let checked = Some(Tls::Checked { roots: None });
        assert_eq!(tls("postgres://a@db.example.org/x"), checked);
        assert_eq!(tls("postgres://a@db.example.org/x?sslmode=prefer"), checked);
        assert_eq!(tls("postgres://a@127.0.0.1/x?sslmode=require"), checked);
        assert_eq!(tls("postgres://a@localhost/x?sslmode=verify-full"), checked);
        assert_eq!(
            tls("postgres://a@db.example.org/x?sslmode=verify-ca&sslrootcert=/etc/ca.pem"),
            Some(Tls::Checked {
                roots: Some("/etc/ca.pem".into())
            })
        );
        assert_eq!(
            tls("postgres://a@db.example.org/x?sslmode=disable"),
            Some(Tls::None)
        );
        assert_eq!(tls("postgres://a@[::1]:5432/x"), Some(Tls::None));
        assert_eq!(
            tls("postgres://a@127.0.0.1/x?application_name=z"),
            Some(Tls::None)
        );
        // the driver gets the other parameters, not ours
        let (cfg, _) = DbUrl::flag("postgres://a@h.example/x?sslmode=require&application_name=z")
            .config()
            .unwrap();
        assert_eq!(cfg.get_application_name(), Some("z"));
        for (url, says) in [
            (
                "postgres://a:pw-pw-pw@h.example/x?sslmode=sometimes",
                "sslmode=sometimes",
            ),
            (
                "postgres://a:pw-pw-pw@127.0.0.1/x?sslrootcert=/ca.pem",
                "sslrootcert",
            ),
            ("postgres://a:pw-pw-pw@localhost", "no database named"),
        ] {
            let e = DbUrl::flag(url).config().unwrap_err().to_string();
            assert!(
                e.contains(says) && !e.contains("pw-pw-pw") && !e.contains('\n'),
                "{e}"
            );
        }
    }

    #[test]
    fn a_root_file_that_cannot_be_used_is_one_line_naming_it() {
        let d = tempfile::tempdir().unwrap();
        let none = d.path().join("none.pem");
        let junk = d.path().join("junk.pem");
        std::fs::write(&junk, "not a certificate\n").unwrap();
        let u = DbUrl::flag("postgres://a:pw-pw-pw@h.example/x");
        for f in [&none, &junk] {
            let e = u.connector(Some(f)).err().unwrap().to_string();
            assert!(
                e.contains(&f.display().to_string())
                    && !e.contains("pw-pw-pw")
                    && !e.contains('\n'),
                "{e}"
            );
        }
        assert!(u.connector(None).is_ok());
    }
}
