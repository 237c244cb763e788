//! Context from the providers' APIs: `scalingo-logs://APP`, `scalingo-events://APP`,
//! `losant://ORG`, `datafold://`, fetched over a session's window and read by the same
//! readers as the files their answers would be saved as.

use super::{Kind, Window};
use crate::error::{Error, Result};
use crate::recording::ScalingoApi;
use chrono::Utc;
use std::collections::HashSet;
use std::fmt::Display;

/// Lines asked of the recent dump (`logs_url&n=N`) when the window reaches into the last
/// hour, whose lines may not be archived yet.
pub const DUMP_LINES: u64 = 10_000;

/// How URI sources reach their APIs: the session's Scalingo flags, and the Losant and
/// Datafold flags (their variables are read when a source asks for them). No `Debug`: it
/// holds tokens.
#[derive(Clone, Default)]
pub struct Apis {
    pub scalingo: ScalingoApi,
    pub losant_token: Option<String>,
    pub losant_url: Option<String>,
    pub datafold_key: Option<String>,
    pub datafold_url: Option<String>,
}

impl Apis {
    fn losant(&self) -> crate::losant::Config {
        crate::losant::Config::from_env(self.losant_token.clone(), self.losant_url.clone())
    }

    fn datafold(&self) -> crate::datafold::Config {
        crate::datafold::Config::from_env(self.datafold_key.clone(), self.datafold_url.clone())
    }
}

/// The answer's bytes for the URI `name` (`scheme://rest`) over `window`, and the kind of
/// context they hold.
pub fn fetch(
    name: &str,
    scheme: &str,
    rest: &str,
    window: Option<&Window>,
    apis: &Apis,
) -> Result<(Kind, Vec<u8>)> {
    let Some(w) = window else {
        return Err(Error::Usage(format!(
            "{name}: an API source is read over a session's window: give it with --with \
             beside a session (or save the API's answer to a file and give the file)"
        )));
    };
    let (start, end) = (w.from.with_timezone(&Utc), w.to.with_timezone(&Utc));
    let fail = |e: &dyn Display| Error::Runtime(format!("{name}: {e}"));
    match scheme {
        "scalingo-logs" => {
            let app = segment(name, rest, "scalingo-logs://APP")?;
            let cfg = scalingo_config(name, &apis.scalingo)?;
            let archived = crate::scalingo::fetch_logs_archives(cfg.clone(), app, start, end)
                .map_err(|e| fail(&e))?;
            if end < Utc::now() - chrono::Duration::hours(1) {
                return Ok((Kind::AppLog, archived));
            }
            let dump = crate::scalingo::fetch_logs(cfg, app, Some(DUMP_LINES), None)
                .map_err(|e| fail(&e))?;
            Ok((Kind::AppLog, with_recent(archived, &dump)))
        }
        "scalingo-events" => {
            let app = segment(name, rest, "scalingo-events://APP")?;
            let cfg = scalingo_config(name, &apis.scalingo)?;
            let bytes =
                crate::scalingo::fetch_events(cfg, app, start, end).map_err(|e| fail(&e))?;
            Ok((Kind::AppEvents, bytes))
        }
        "losant" => {
            let org = segment(name, rest, "losant://ORG_ID")?;
            let bytes = crate::losant::fetch_audit_logs(apis.losant(), org, start, end)
                .map_err(|e| fail(&e))?;
            Ok((Kind::Losant, bytes))
        }
        "datafold" => {
            if !rest.trim_end_matches('/').is_empty() {
                return Err(Error::Usage(format!(
                    "{name}: Datafold's audit logs are datafold:// (nothing after it)"
                )));
            }
            let bytes = crate::datafold::fetch_audit_logs(apis.datafold(), start, end)
                .map_err(|e| fail(&e))?;
            Ok((Kind::Datafold, bytes))
        }
        _ => Err(Error::Usage(format!("{name}: unknown context source"))),
    }
}

/// The one name after `scheme://` (a trailing `/` allowed).
fn segment<'a>(name: &str, rest: &'a str, form: &str) -> Result<&'a str> {
    let s = rest.strip_suffix('/').unwrap_or(rest);
    if s.is_empty() || s.contains('/') {
        return Err(Error::Usage(format!("{name}: the source is {form}")));
    }
    Ok(s)
}

fn scalingo_config(name: &str, api: &ScalingoApi) -> Result<crate::scalingo::Config> {
    api.config().map_err(|e| match e {
        Error::Runtime(s) => Error::Runtime(format!("{name}: {s}")),
        e => e,
    })
}

/// The archived lines, then the dump's lines that are not among them (the newest archive
/// and the dump may overlap).
fn with_recent(mut archived: Vec<u8>, dump: &[u8]) -> Vec<u8> {
    let extra: Vec<&[u8]> = {
        let seen: HashSet<&[u8]> = archived.split(|b| *b == b'\n').collect();
        dump.split(|b| *b == b'\n')
            .filter(|l| !l.is_empty() && !seen.contains(*l))
            .collect()
    };
    if !archived.is_empty() && !archived.ends_with(b"\n") {
        archived.push(b'\n');
    }
    for l in extra {
        archived.extend_from_slice(l);
        archived.push(b'\n');
    }
    archived
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_lines_once() {
        let got = with_recent(b"a\nb\n".to_vec(), b"b\nc\n\nd");
        assert_eq!(got, b"a\nb\nc\nd\n");
        assert_eq!(with_recent(Vec::new(), b"x\n"), b"x\n");
        assert_eq!(with_recent(b"a".to_vec(), b""), b"a\n");
    }

    #[test]
    fn one_segment() {
        assert_eq!(segment("u", "my-app/", "f").unwrap(), "my-app");
        assert!(segment("u", "", "f").is_err());
        assert!(segment("u", "a/b", "f").is_err());
    }

    #[test]
    fn no_window_is_a_usage_error() {
        let e = fetch("losant://o", "losant", "o", None, &Apis::default()).unwrap_err();
        assert!(matches!(e, Error::Usage(_)), "{e}");
        assert!(e.to_string().starts_with("losant://o: "), "{e}");
    }
}
