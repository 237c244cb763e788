//! Scalingo app events (`GET /v1/apps/APP/events`): every type, as one readable line each.

use super::{events_text, mask, time, EntryError, Lane, Reader};
use serde_json::Value;

/// One event object.
pub fn read(v: Value, r: &mut Reader) -> Result<(), EntryError> {
    let Value::Object(o) = v else {
        return Err(EntryError::NotAnObject);
    };
    let when = o
        .get("created_at")
        .or_else(|| o.get("time"))
        .ok_or(EntryError::Missing("created_at"))?;
    let stamp = time::parse_value(when).ok_or(EntryError::NotATime("created_at"))?;
    let kind = o
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let actor = o.get("user").and_then(|u| {
        let s = |k| u.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
        s("username").or_else(|| s("email")).map(str::to_string)
    });
    let empty = Value::Object(Default::default());
    let data = o.get("type_data").unwrap_or(&empty);
    let text = events_text::describe(&kind, data, r.opts.show_secrets);
    let fields = mask::object(
        o,
        mask::Masking {
            secrets: !r.opts.show_secrets,
            values: !r.opts.show_secrets,
        },
    );
    r.push(stamp, Lane::AppEvent, actor, text, fields);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{from_bytes, Kind, Options};
    use super::*;
    use serde_json::json;

    fn texts(events: Value, show: bool) -> Vec<String> {
        let bytes = json!({ "events": events }).to_string().into_bytes();
        let c = from_bytes(
            "ev.json",
            bytes,
            &Options {
                show_secrets: show,
                window: None,
            },
        )
        .unwrap();
        assert_eq!(c.kind, Kind::AppEvents);
        c.entries.into_iter().map(|e| e.text).collect()
    }

    fn ev(t: &str, data: Value) -> Value {
        json!({"id": "1", "created_at": "2015-02-12T18:05:14.226+01:00", "type": t,
               "user": {"username": "johndoe", "email": "j@d.com"}, "type_data": data})
    }

    #[test]
    fn every_type_readable() {
        let got = texts(
            json!([
                ev(
                    "deployment",
                    json!({"deployment_id": "d1", "pusher": "alice", "git_ref": "0123456789abcdef", "status": "success", "duration": 42})
                ),
                ev(
                    "restart",
                    json!({"scope": ["web", "worker"], "reason": "unexpected_failure"})
                ),
                ev(
                    "restart",
                    json!({"addon_name": "redis", "reason": "security_maintenance"})
                ),
                ev("restart", json!({"addon_provider": {"name": "PostgreSQL"}})),
                ev(
                    "scale",
                    json!({"previous_containers": {"web": 1}, "containers": {"web": 3}})
                ),
                ev(
                    "scale",
                    json!({"previous_containers": [{"name": "web", "amount": 1, "size": "M"}], "containers": ["web:2:L"]})
                ),
                ev(
                    "scale",
                    json!({"previous_containers": {"web": "1:M"}, "containers": {"web": "2:L"}})
                ),
                ev(
                    "crash",
                    json!({"container_type": "web", "logs_url": "https://l/?token=zz"})
                ),
                ev(
                    "new_collaborator",
                    json!({"collaborator": {"email": "bob@x.io", "username": "bob"}})
                ),
                ev(
                    "new_addon",
                    json!({"addon_provider_name": "Redis", "addon_plan_name": "starter"})
                ),
                ev("something_else", json!({})),
            ]),
            false,
        );
        let want = [
            "deployment success of 0123456 by alice (42 s)",
            "restart of web, worker (reason: unexpected_failure)",
            "restart of addon redis (reason: security_maintenance)",
            "restart of addon PostgreSQL",
            "scale web 1 → 3",
            "scale web 1:M → 2:L",
            "scale web 1:M → 2:L",
            "crash of web",
            "collaborator invited: bob",
            "addon added: Redis (starter)",
            "something else",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn variables_masked_unless_asked() {
        let events = json!([
            ev(
                "new_variable",
                json!({"name": "API_KEY", "value": "s3cr3t"})
            ),
            ev(
                "edit_variable",
                json!({"name": "DB", "value": "new", "old_value": "old"})
            ),
            ev(
                "edit_variables",
                json!({"new_vars": [{"name": "A", "value": "1"}],
                "updated_vars": [{"name": "B", "value": "2", "old_value": "3"}],
                "deleted_vars": [{"name": "C", "value": "4"}]})
            ),
            ev("delete_variable", json!({"name": "OLD", "value": "gone"})),
            // a documented example with the wrong type
            ev("new_event", json!({"name": "X", "value": "leak"})),
        ]);
        let masked = texts(events.clone(), false);
        assert_eq!(
            masked,
            [
                "variable API_KEY added = ••••",
                "variable DB changed: •••• → ••••",
                "variables changed: added A = ••••; updated B: •••• → ••••; removed C",
                "variable OLD removed",
                "variable X set = ••••",
            ]
        );
        let bytes = json!({ "events": events.clone() }).to_string().into_bytes();
        let c = from_bytes("ev.json", bytes, &Options::default()).unwrap();
        let all = serde_json::to_string(&c.entries.iter().map(|e| &e.fields).collect::<Vec<_>>())
            .unwrap();
        for secret in ["s3cr3t", "\"new\"", "\"old\"", "gone", "leak", "\"4\""] {
            assert!(!all.contains(secret), "{secret} in {all}");
        }
        let clear = texts(events, true);
        assert_eq!(clear[0], "variable API_KEY added = s3cr3t");
        assert_eq!(clear[1], "variable DB changed: old → new");
    }

    #[test]
    fn array_of_events_and_bad_ones_counted() {
        let bytes = json!([ev("restart", json!({})), {"type": "x", "created_at": "never"}, 5])
            .to_string()
            .into_bytes();
        let c = from_bytes("ev.json", bytes, &Options::default()).unwrap();
        assert_eq!(c.entries.len(), 1);
        assert_eq!(c.entries[0].actor.as_deref(), Some("johndoe"));
        assert_eq!(
            c.entries[0].time.to_rfc3339(),
            "2015-02-12T18:05:14.226+01:00"
        );
        assert!(c.warnings[0].starts_with("2 unreadable entries skipped (the first at entry 1"));
    }
}
