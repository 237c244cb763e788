//! Secrets in context entries: variable values, fields named like credentials, and tokens in
//! URLs (a logs URL carries its own) are shown as `••••`. `--show-secrets` shows the first
//! two in clear; a URL's token is never shown.

use serde_json::{Map, Value};

pub const MASK: &str = "••••";

/// Whether a field's name says it holds a credential.
pub fn sensitive_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "authorization",
        "private_key",
        "credential",
        "cookie",
    ]
    .iter()
    .any(|s| k.contains(s))
}

/// How to mask.
#[derive(Debug, Clone, Copy)]
pub struct Masking {
    /// Mask fields named like credentials, and (with `values`) variable values.
    pub secrets: bool,
    /// Mask `value` and `old_value` fields (variable events).
    pub values: bool,
}

/// An object with its secrets masked.
pub fn object(o: Map<String, Value>, m: Masking) -> Map<String, Value> {
    o.into_iter()
        .map(|(k, v)| {
            let hide = m.secrets
                && !v.is_null()
                && (sensitive_key(&k) || (m.values && (k == "value" || k == "old_value")))
                && !v.is_object()
                && !v.is_array();
            let v = if hide {
                Value::String(MASK.into())
            } else {
                value(v, m)
            };
            (k, v)
        })
        .collect()
}

/// A value with its secrets masked.
pub fn value(v: Value, m: Masking) -> Value {
    match v {
        Value::Object(o) => Value::Object(object(o, m)),
        Value::Array(a) => Value::Array(a.into_iter().map(|v| value(v, m)).collect()),
        Value::String(s) => Value::String(url_tokens(&s)),
        v => v,
    }
}

/// `…?token=abc&n=1` → `…?token=••••&n=1` (any query parameter named like a credential).
pub fn url_tokens(s: &str) -> String {
    if !s.contains('=') || !(s.contains("://") || s.contains('?')) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['?', '&']) {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let end = rest.find(['&', ' ', '"', '\'', '#']).unwrap_or(rest.len());
        let param = &rest[..end];
        match param.split_once('=') {
            Some((k, _)) if sensitive_key(k) => {
                out.push_str(k);
                out.push('=');
                out.push_str(MASK);
            }
            _ => out.push_str(param),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// A variable's value as shown in an entry's text.
pub fn shown(v: Option<&Value>, show: bool) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(_) if !show => MASK.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ON: Masking = Masking {
        secrets: true,
        values: true,
    };

    #[test]
    fn variable_values_and_credentials() {
        let v = json!({"name": "DB_URL", "value": "postgres://u:p@h", "old_value": "x",
            "nested": [{"password": "hunter2", "name": "n"}], "api_token": 12});
        let got = value(v, ON);
        assert_eq!(got["name"], "DB_URL");
        assert_eq!(got["value"], MASK);
        assert_eq!(got["old_value"], MASK);
        assert_eq!(got["nested"][0]["password"], MASK);
        assert_eq!(got["nested"][0]["name"], "n");
        assert_eq!(got["api_token"], MASK);
        assert!(!got.to_string().contains("hunter2"));
    }

    #[test]
    fn shown_in_clear_when_asked_but_url_tokens_never() {
        let off = Masking {
            secrets: false,
            values: false,
        };
        let v = json!({"value": "s3cr3t", "logs_url": "https://logs.example/apps/a?token=abc&n=1"});
        let got = value(v, off);
        assert_eq!(got["value"], "s3cr3t");
        assert_eq!(
            got["logs_url"],
            "https://logs.example/apps/a?token=••••&n=1"
        );
    }

    #[test]
    fn plain_text_untouched() {
        assert_eq!(url_tokens("a = b"), "a = b");
        assert_eq!(url_tokens("https://x/?a=1&b=2"), "https://x/?a=1&b=2");
        assert_eq!(
            url_tokens("GET /p?access_token=zz"),
            "GET /p?access_token=••••"
        );
    }
}
