//! Scalingo's wire shapes: the run events that are one-off sessions, pagination, and the
//! endpoints' paths.

use std::cmp::Reverse;

use chrono::{DateTime, FixedOffset};
use reqwest::Url;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::ApiError;
use super::text::truncate_chars;

/// Who started a session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub username: String,
    pub email: String,
    pub id: String,
}

/// A one-off session: a `run` event of an app.
///
/// Strings are as the API sent them (not escaped: escape them before showing them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The event's id.
    pub id: String,
    /// When it started, exactly as the API wrote it (RFC 3339, with its own offset).
    pub created_at: String,
    pub user: User,
    pub app_name: String,
    /// The command run; empty for an operator's shell.
    pub command: String,
    /// The audit log to download; `None` when the event has none.
    pub audit_log_id: Option<String>,
    /// Its size in bytes, when the event says.
    pub audit_log_size: Option<u64>,
    pub detached: Option<bool>,
}

impl Session {
    /// `created_at` parsed, when it is RFC 3339.
    pub fn created_at_time(&self) -> Option<DateTime<FixedOffset>> {
        DateTime::parse_from_rfc3339(&self.created_at).ok()
    }
}

/// `base` + the given path segments (each percent-encoded).
pub(crate) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        path.extend(segments);
    }
    url
}

/// App names and audit log ids go in URL paths: refuse what cannot be one path segment.
pub(crate) fn check_name(kind: &'static str, value: &str) -> Result<(), ApiError> {
    let bad = value.is_empty()
        || value == "."
        || value == ".."
        || value
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if bad {
        Err(ApiError::InvalidName {
            kind,
            value: value.to_string(),
        })
    } else {
        Ok(())
    }
}

/// A session from an event, if it is a `run` event. Missing fields are left empty/None.
pub(crate) fn session_from_event(event: &Value) -> Option<Session> {
    if event.get("type").and_then(Value::as_str) != Some("run") {
        return None;
    }
    let text = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let user = event.get("user");
    let data = event.get("type_data");
    let get_user = |k: &str| text(user.and_then(|u| u.get(k))).unwrap_or_default();
    let get_data = |k: &str| data.and_then(|d| d.get(k));
    Some(Session {
        id: text(event.get("id")).unwrap_or_default(),
        created_at: text(event.get("created_at")).unwrap_or_default(),
        user: User {
            username: get_user("username"),
            email: get_user("email"),
            id: get_user("id"),
        },
        app_name: text(event.get("app_name")).unwrap_or_default(),
        command: text(get_data("command")).unwrap_or_default(),
        audit_log_id: text(get_data("audit_log_id")).filter(|s| !s.is_empty()),
        audit_log_size: get_data("audit_log_size").and_then(lenient_u64),
        detached: get_data("detached").and_then(Value::as_bool),
    })
}

fn lenient_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            let f = n.as_f64()?;
            (f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1.8e19).then_some(f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The page after `page`, from `meta.pagination` (`next_page`, bounded by `total_pages`);
/// without pagination data, simply the next number (the caller stops on an empty page).
pub(crate) fn next_page(body: &Value, page: u64) -> Option<u64> {
    let pagination = body.get("meta").and_then(|m| m.get("pagination"));
    let total = pagination
        .and_then(|p| p.get("total_pages"))
        .and_then(lenient_u64);
    let next = match pagination.and_then(|p| p.get("next_page")) {
        Some(Value::Null) => return None,
        Some(v) => match lenient_u64(v) {
            Some(n) if n > page => n,
            _ => return None,
        },
        None => page + 1,
    };
    if total.is_some_and(|t| next > t) {
        return None;
    }
    Some(next)
}

/// Newest first by the instant of `created_at`; unreadable dates last; ties keep their order.
pub(crate) fn sort_newest_first(sessions: &mut [Session]) {
    sessions.sort_by_cached_key(|s| Reverse(s.created_at_time()));
}

/// A session's strings are cut to this many characters (a command of a megabyte is not a
/// command anyone reads in a table).
const FIELD_LIMIT: usize = 64 * 1024;

/// A session with every string cut to [`FIELD_LIMIT`] characters.
pub(crate) fn cut_session(mut s: Session) -> Session {
    for field in [
        &mut s.id,
        &mut s.created_at,
        &mut s.user.username,
        &mut s.user.email,
        &mut s.user.id,
        &mut s.app_name,
        &mut s.command,
    ] {
        if field.len() > FIELD_LIMIT {
            *field = truncate_chars(field, FIELD_LIMIT);
        }
    }
    if let Some(id) = s.audit_log_id.as_mut() {
        if id.len() > FIELD_LIMIT {
            *id = truncate_chars(id, FIELD_LIMIT);
        }
    }
    s
}

/// Bytes a session holds, about.
pub(crate) fn session_size(s: &Session) -> usize {
    std::mem::size_of::<Session>()
        + s.id.len()
        + s.created_at.len()
        + s.user.username.len()
        + s.user.email.len()
        + s.user.id.len()
        + s.app_name.len()
        + s.command.len()
        + s.audit_log_id.as_ref().map_or(0, String::len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn endpoints_encode_segments() {
        let base = Url::parse("http://127.0.0.1:3001").unwrap();
        assert_eq!(
            endpoint(&base, &["v1", "apps", "my app", "events"]).as_str(),
            "http://127.0.0.1:3001/v1/apps/my%20app/events"
        );
        let base = Url::parse("https://api.example.test/prefix/").unwrap();
        assert_eq!(
            endpoint(&base, &["v1", "apps", "a?b#c", "audit_logs", "x%y"]).as_str(),
            "https://api.example.test/prefix/v1/apps/a%3Fb%23c/audit_logs/x%25y"
        );
    }

    #[test]
    fn names_that_cannot_be_a_path_segment_are_refused() {
        for bad in ["", ".", "..", "a/b", "a\\b", "a\u{1b}b"] {
            assert!(check_name("app name", bad).is_err(), "{bad:?}");
        }
        assert!(check_name("app name", "my-app").is_ok());
        assert_eq!(
            check_name("app name", "..").unwrap_err().to_string(),
            "'..' is not a valid app name"
        );
    }

    #[test]
    fn run_events_become_sessions_tolerantly() {
        let full = json!({
            "id": "54dc", "created_at": "2015-02-12T18:05:14.226+01:00",
            "user": {"username": "johndoe", "email": "john@doe.com", "id": "us-1"},
            "app_id": "a", "app_name": "appname", "type": "run",
            "type_data": {"command": "bundle exec rake db:migrate",
                "audit_log_id": "abcdef-1234", "audit_log_size": 122445385, "detached": false}
        });
        let s = session_from_event(&full).unwrap();
        assert_eq!(s.id, "54dc");
        assert_eq!(s.created_at, "2015-02-12T18:05:14.226+01:00");
        assert_eq!(s.user.email, "john@doe.com");
        assert_eq!(s.command, "bundle exec rake db:migrate");
        assert_eq!(s.audit_log_id.as_deref(), Some("abcdef-1234"));
        assert_eq!(s.audit_log_size, Some(122445385));
        assert_eq!(s.detached, Some(false));

        let sparse = json!({"type": "run", "type_data": null, "user": null});
        let s = session_from_event(&sparse).unwrap();
        assert_eq!(s.audit_log_id, None);
        assert_eq!(s.audit_log_size, None);
        assert_eq!(s.user, User::default());

        let odd = json!({"type": "run", "id": 12, "type_data": {"audit_log_size": "42", "audit_log_id": 7}});
        let s = session_from_event(&odd).unwrap();
        assert_eq!(s.id, "12");
        assert_eq!(s.audit_log_size, Some(42));
        assert_eq!(s.audit_log_id.as_deref(), Some("7"));

        assert!(session_from_event(&json!({"type": "deployment"})).is_none());
        assert!(session_from_event(&json!({"type": null})).is_none());
        assert!(session_from_event(&json!(["run"])).is_none());
        assert!(session_from_event(&json!(null)).is_none());
    }

    #[test]
    fn pagination() {
        let meta = |next: Value, total: Value| json!({"events": [], "meta": {"pagination": {"next_page": next, "total_pages": total}}});
        assert_eq!(next_page(&meta(json!(2), json!(3)), 1), Some(2));
        assert_eq!(next_page(&meta(json!(null), json!(3)), 3), None);
        assert_eq!(
            next_page(&meta(json!(1), json!(3)), 1),
            None,
            "no going back"
        );
        assert_eq!(
            next_page(&meta(json!(5), json!(3)), 3),
            None,
            "past the end"
        );
        assert_eq!(next_page(&json!({"events": []}), 4), Some(5));
        assert_eq!(
            next_page(&json!({"meta": {"pagination": {"total_pages": 2}}}), 2),
            None
        );
    }

    #[test]
    fn sorting_newest_first_by_instant() {
        let at = |id: &str, t: &str| Session {
            id: id.into(),
            created_at: t.into(),
            ..Session::default()
        };
        let mut v = vec![
            at("a", "2015-02-12T18:05:14+01:00"),
            at("bad", "yesterday"),
            at("b", "2015-02-12T17:30:00Z"),
            at("c", "2015-02-12T18:05:14+01:00"),
        ];
        sort_newest_first(&mut v);
        let ids: Vec<&str> = v.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["b", "a", "c", "bad"]);
    }
}
