//! Losant audit logs: the list answer's `items`, or an array of entries (`creationDate`,
//! actor, primary/secondary target, request resource/action, response status).

use super::{field as s, time, EntryError, Lane, Reader};
use serde_json::Value;

/// One entry.
pub fn read(v: Value, r: &mut Reader) -> Result<(), EntryError> {
    if !v.is_object() {
        return Err(EntryError::NotAnObject);
    }
    let when = v
        .get("creationDate")
        .ok_or(EntryError::Missing("creationDate"))?;
    let stamp = time::parse_value(when).ok_or(EntryError::NotATime("creationDate"))?;
    let actor = s(&v, "actorName")
        .or_else(|| s(&v, "actorId"))
        .map(|a| match s(&v, "actorType") {
            Some(t) => format!("{a} ({t})"),
            None => a,
        });
    let mut text = match (s(&v, "requestResource"), s(&v, "requestAction")) {
        (Some(res), Some(act)) => format!("{res}.{act}"),
        (Some(x), None) | (None, Some(x)) => x,
        (None, None) => "request".into(),
    };
    let target = |p: &str| {
        let name = s(&v, &format!("{p}Name")).or_else(|| s(&v, &format!("{p}Id")));
        name.map(|n| match s(&v, &format!("{p}Type")) {
            Some(t) => format!("{t} {n}"),
            None => n,
        })
    };
    if let Some(t) = target("primaryTarget") {
        text += &format!(" on {t}");
    }
    if let Some(t) = target("secondaryTarget") {
        text += &format!(" / {t}");
    }
    if let Some(st) = s(&v, "responseStatus") {
        text += &format!(" → {st}");
    }
    let fields = super::trail_fields(v, r);
    r.push(stamp, Lane::Losant, actor, text, fields);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{from_bytes, Kind, Options};
    use serde_json::json;

    fn entry(date: serde_json::Value) -> serde_json::Value {
        json!({"id": "a1", "creationDate": date, "actorType": "User", "actorName": "Ann",
               "primaryTargetType": "Device", "primaryTargetName": "pump-1",
               "requestResource": "device", "requestAction": "patch", "responseStatus": 200,
               "requestBody": {"name": "x", "password": "hunter2"}})
    }

    #[test]
    fn list_answer_and_array() {
        let items = json!([
            entry(json!("2024-03-01T10:00:00.123Z")),
            entry(json!(1709287260000_i64))
        ]);
        for body in [json!({"items": items.clone(), "count": 2}), items] {
            let c =
                from_bytes("l.json", body.to_string().into_bytes(), &Options::default()).unwrap();
            assert_eq!(c.kind, Kind::Losant);
            assert_eq!(c.entries.len(), 2);
            let e = &c.entries[0];
            assert_eq!(e.text, "device.patch on Device pump-1 → 200");
            assert_eq!(e.actor.as_deref(), Some("Ann (User)"));
            assert_eq!(e.fields["requestBody"]["password"], "••••");
            assert_eq!(c.entries[1].time.to_rfc3339(), "2024-03-01T10:01:00+00:00");
            assert!(c.warnings.is_empty());
        }
    }

    #[test]
    fn entry_without_date_skipped() {
        let body = json!({"items": [entry(json!("2024-03-01T10:00:00Z")), {"creationDate": "nope", "actorType": "User"}]});
        let c = from_bytes("l.json", body.to_string().into_bytes(), &Options::default()).unwrap();
        assert_eq!(c.entries.len(), 1);
        assert_eq!(
            c.warnings,
            ["1 unreadable entry skipped (the first at entry 1: creationDate is not a time)"]
        );
    }
}
