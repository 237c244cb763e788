//! One readable line for each Scalingo app event type. The docs and go-scalingo disagree on
//! some shapes (`addon_provider` or `addon_name`, containers as numbers or `"amount:size"`):
//! both are read. Variable values are masked unless asked for.

use super::{field as s, mask};
use serde_json::Value;

/// The first of `keys` present, each a string or an object with a `name`.
fn named(v: &Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match v.get(*k)? {
        Value::Object(_) => {
            let o = v.get(*k)?;
            s(o, "name")
                .or_else(|| s(o, "username"))
                .or_else(|| s(o, "email"))
        }
        _ => s(v, k),
    })
}

/// The line for an event of type `kind` with its `type_data`.
pub fn describe(kind: &str, d: &Value, show: bool) -> String {
    let val = |v: &Value, k: &str| mask::shown(v.get(k), show);
    let name = s(d, "name").unwrap_or_else(|| "?".into());
    match kind {
        "run" => match s(d, "command") {
            Some(c) if d.get("detached") == Some(&Value::Bool(true)) => {
                format!("run (detached): {c}")
            }
            Some(c) => format!("run: {c}"),
            None => "run: an operator's session".into(),
        },
        "deployment" => {
            let mut t = "deployment".to_string();
            if let Some(st) = s(d, "status") {
                t += &format!(" {st}");
            }
            if let Some(r) = s(d, "git_ref") {
                t += &format!(" of {}", r.chars().take(7).collect::<String>());
            }
            if let Some(p) = named(d, &["pusher"]) {
                t += &format!(" by {p}");
            }
            if let Some(du) = s(d, "duration") {
                t += &format!(" ({du} s)");
            }
            t
        }
        "restart" => {
            let what = match d.get("scope") {
                Some(Value::Array(a)) if !a.is_empty() => Some(
                    a.iter()
                        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                Some(Value::String(x)) if !x.is_empty() => Some(x.clone()),
                _ => named(d, &["addon_name", "addon_provider", "addon_provider_name"])
                    .map(|a| format!("addon {a}")),
            };
            let mut t = match what {
                Some(w) => format!("restart of {w}"),
                None => "restart".into(),
            };
            if let Some(r) = s(d, "reason") {
                t += &format!(" (reason: {r})");
            }
            t
        }
        "scale" => scale(d),
        "crash" | "repeated_crash" => {
            let what = if kind == "crash" {
                "crash"
            } else {
                "repeated crash"
            };
            match named(d, &["container_type", "container_name", "container"]) {
                Some(c) => format!("{what} of {c}"),
                None => what.into(),
            }
        }
        "new_variable" => format!("variable {name} added = {}", val(d, "value")),
        "edit_variable" => format!(
            "variable {name} changed: {} → {}",
            val(d, "old_value"),
            val(d, "value")
        ),
        "delete_variable" => format!("variable {name} removed"),
        "edit_variables" => edit_variables(d, show),
        "new_collaborator"
        | "accept_collaborator"
        | "delete_collaborator"
        | "change_collaborator_role" => {
            let who = named(d, &["collaborator"])
                .or_else(|| s(d, "username"))
                .or_else(|| s(d, "email"))
                .unwrap_or_else(|| "?".into());
            let verb = match kind {
                "new_collaborator" => "invited",
                "accept_collaborator" => "joined",
                "delete_collaborator" => "removed",
                _ => "role changed",
            };
            format!("collaborator {verb}: {who}")
        }
        k if k.ends_with("_addon") => {
            let provider = named(d, &["addon_provider_name", "addon_provider", "addon_name"])
                .unwrap_or_else(|| "?".into());
            let verb = match k {
                "new_addon" => "added",
                "delete_addon" => "removed",
                "upgrade_addon" => "plan changed",
                "suspend_addon" => "suspended",
                "resume_addon" => "resumed",
                _ => &k[..k.len() - 6],
            };
            match s(d, "addon_plan_name").or_else(|| named(d, &["plan"])) {
                Some(p) => format!("addon {verb}: {provider} ({p})"),
                None => format!("addon {verb}: {provider}"),
            }
        }
        k if k.ends_with("_domain") => {
            let verb = k.trim_end_matches("_domain");
            let verb = match verb {
                "new" => "added",
                "delete" => "removed",
                "edit" => "changed",
                v => v,
            };
            format!(
                "domain {verb}: {}",
                s(d, "hostname").unwrap_or_else(|| "?".into())
            )
        }
        "rename_app" => format!(
            "app renamed: {} → {}",
            s(d, "old_name").unwrap_or_default(),
            s(d, "new_name").unwrap_or_default()
        ),
        "change_stack" | "stack_change" => format!(
            "stack changed: {} → {}",
            s(d, "previous_stack_name")
                .or_else(|| s(d, "previous_stack"))
                .unwrap_or_else(|| "?".into()),
            s(d, "stack_name")
                .or_else(|| s(d, "stack"))
                .unwrap_or_else(|| "?".into())
        ),
        _ => {
            let t = kind.replace('_', " ");
            let t = if t.is_empty() { "event".to_string() } else { t };
            // a variable event under a wrong type (seen in the documentation's examples)
            if d.get("value").is_some() && d.get("name").is_some() {
                return format!("variable {name} set = {}", val(d, "value"));
            }
            match s(d, "name").or_else(|| named(d, &["notifier_name", "hostname"])) {
                Some(n) => format!("{t}: {n}"),
                None => t,
            }
        }
    }
}

/// `edit_variables`: added, updated, removed, by name.
fn edit_variables(d: &Value, show: bool) -> String {
    let list = |k: &str| {
        d.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let name = |v: &Value| s(v, "name").unwrap_or_else(|| "?".into());
    let mut parts = Vec::new();
    let added: Vec<String> = list("new_vars")
        .iter()
        .map(|v| format!("{} = {}", name(v), mask::shown(v.get("value"), show)))
        .collect();
    if !added.is_empty() {
        parts.push(format!("added {}", added.join(", ")));
    }
    let updated: Vec<String> = list("updated_vars")
        .iter()
        .map(|v| {
            format!(
                "{}: {} → {}",
                name(v),
                mask::shown(v.get("old_value"), show),
                mask::shown(v.get("value"), show)
            )
        })
        .collect();
    if !updated.is_empty() {
        parts.push(format!("updated {}", updated.join(", ")));
    }
    let removed: Vec<String> = list("deleted_vars").iter().map(name).collect();
    if !removed.is_empty() {
        parts.push(format!("removed {}", removed.join(", ")));
    }
    if parts.is_empty() {
        return "variables changed".into();
    }
    format!("variables changed: {}", parts.join("; "))
}

/// Containers, by name: from `{"web": 2}`, `{"web": "2:M"}`, `{"web": {"amount", "size"}}`,
/// `["web:2:M"]` or `[{"name", "amount", "size"}]`.
fn containers(v: Option<&Value>) -> Vec<(String, String)> {
    let amount = |v: &Value| match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Object(_) => {
            let a = s(v, "amount").unwrap_or_else(|| "?".into());
            match s(v, "size") {
                Some(z) => format!("{a}:{z}"),
                None => a,
            }
        }
        v => v.to_string(),
    };
    match v {
        Some(Value::Object(o)) => o.iter().map(|(k, v)| (k.clone(), amount(v))).collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| match x {
                Value::String(t) => {
                    let (n, rest) = t.split_once(':').unwrap_or((t, "?"));
                    Some((n.to_string(), rest.to_string()))
                }
                Value::Object(_) => Some((s(x, "name")?, amount(x))),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn scale(d: &Value) -> String {
    let prev = containers(d.get("previous_containers"));
    let now = containers(d.get("containers"));
    if now.is_empty() {
        return "scale".into();
    }
    let parts: Vec<String> = now
        .iter()
        .map(|(n, a)| match prev.iter().find(|(p, _)| p == n) {
            Some((_, was)) => format!("{n} {was} → {a}"),
            None => format!("{n} → {a}"),
        })
        .collect();
    format!("scale {}", parts.join(", "))
}
