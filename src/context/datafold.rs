//! Datafold audit logs: the answer `{"logs": […]}` (`timestamp`, `event_uuid`, `user_email`,
//! `action`, `object_type`, `object_id`, `url`, `status`, `client_ip`…). The timestamp is an
//! untyped string: one without an offset is taken as UTC, and a warning says so.

use super::{field as s, mask, time, EntryError, Lane, Reader};
use serde_json::Value;

/// One entry.
pub fn read(v: Value, r: &mut Reader) -> Result<(), EntryError> {
    if !v.is_object() {
        return Err(EntryError::NotAnObject);
    }
    let when = v.get("timestamp").ok_or(EntryError::Missing("timestamp"))?;
    let stamp = time::parse_value(when).ok_or(EntryError::NotATime("timestamp"))?;
    let actor = s(&v, "user_email").or_else(|| s(&v, "user_id"));
    let mut text = s(&v, "action").unwrap_or_else(|| match s(&v, "request_type") {
        Some(m) => format!("{m} {}", s(&v, "url").unwrap_or_default()),
        None => s(&v, "url").unwrap_or_else(|| "request".into()),
    });
    match (s(&v, "object_type"), s(&v, "object_id")) {
        (Some(t), Some(id)) => text += &format!(" {t} {id}"),
        (Some(x), None) | (None, Some(x)) => text += &format!(" {x}"),
        _ => {}
    }
    if let Some(st) = s(&v, "status") {
        text += &format!(" ({st})");
    }
    if v.get("is_support_user") == Some(&Value::Bool(true)) {
        text += " [support user]";
    }
    let fields = super::trail_fields(v, r);
    r.push(
        stamp,
        Lane::Datafold,
        actor,
        mask::url_tokens(&text),
        fields,
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{from_bytes, Kind, Options};
    use serde_json::json;

    #[test]
    fn logs_with_and_without_offset() {
        let body = json!({"logs": [
            {"timestamp": "2024-03-01T10:00:00", "event_uuid": "u1", "user_email": "d@x.io",
             "action": "login", "status": "success", "client_ip": "10.0.0.1", "url": "/login"},
            {"timestamp": "2024-03-01T11:00:00+01:00", "event_uuid": "u2", "url": "/api/v1/x?api_key=zz",
             "request_type": "GET", "payload": {"token": "zz"}},
            {"timestamp": 12, "event_uuid": "u3"},
            {"event_uuid": "u4"}
        ]});
        let c = from_bytes("d.json", body.to_string().into_bytes(), &Options::default()).unwrap();
        assert_eq!(c.kind, Kind::Datafold);
        assert_eq!(c.entries.len(), 3, "{:?}", c.entries);
        let texts: Vec<_> = c.entries.iter().map(|e| e.text.as_str()).collect();
        assert!(texts.contains(&"login (success)"));
        assert!(texts.contains(&"GET /api/v1/x?api_key=••••"));
        assert_eq!(
            c.entries
                .iter()
                .filter(|e| e.time.timestamp() == 1_709_287_200)
                .count(),
            2
        );
        assert!(
            c.warnings
                .iter()
                .any(|w| w == "1 time had no offset: UTC was assumed"),
            "{:?}",
            c.warnings
        );
        assert!(c
            .warnings
            .iter()
            .any(|w| w.starts_with("1 unreadable entry skipped (the first at entry 3")));
        let all = serde_json::to_string(&c.entries.iter().map(|e| &e.fields).collect::<Vec<_>>())
            .unwrap();
        assert!(!all.contains("zz"), "{all}");
    }
}
