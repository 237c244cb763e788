//! What a server said, in a few words: the message of an error body, or what a body that
//! should have been JSON is instead. Raw: redact the result before showing it.

use serde_json::Value;

use super::text::truncate_chars;

/// The message in an error body (JSON `error`/`errors`/`message`, an HTML page's title, or
/// the first line of text), if there is one.
pub fn server_message(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(body);
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(json) = serde_json::from_str::<Value>(text) {
        return Some(json_message(&json));
    }
    if text.starts_with('<') {
        return Some(html_description(text));
    }
    Some(text.lines().next().unwrap_or("").trim().to_string())
}

/// The message of a JSON error value.
pub fn json_message(json: &Value) -> String {
    match json {
        Value::String(s) => s.clone(),
        Value::Object(o) => {
            for key in ["error", "message", "msg", "detail"] {
                match o.get(key) {
                    Some(Value::String(s)) => return s.clone(),
                    Some(Value::Null) | None => {}
                    Some(other) => return json_message(other),
                }
            }
            if let Some(Value::Object(errors)) = o.get("errors") {
                let parts: Vec<String> = errors
                    .iter()
                    .map(|(field, msgs)| match msgs {
                        Value::Array(list) => format!(
                            "{field} {}",
                            list.iter().map(json_message).collect::<Vec<_>>().join(", ")
                        ),
                        other => format!("{field} {}", json_message(other)),
                    })
                    .collect();
                return parts.join("; ");
            }
            json.to_string()
        }
        other => other.to_string(),
    }
}

/// "an HTML page" or "an HTML page titled 'Maintenance'".
pub fn html_description(text: &str) -> String {
    let head: String = text.chars().take(8192).collect();
    let lower = head.to_ascii_lowercase();
    let title = lower.find("<title").and_then(|start| {
        let open_end = start + lower[start..].find('>')? + 1;
        let close = open_end + lower[open_end..].find("</title")?;
        head.get(open_end..close).map(|t| t.trim().to_string())
    });
    match title {
        Some(t) if !t.is_empty() => format!("an HTML page titled '{t}'"),
        _ => "an HTML page".to_string(),
    }
}

/// What a body that is not JSON is: empty, an HTML page, or text starting with….
///
/// `redact` is applied to the text before it is cut to 40 characters.
pub fn describe_non_json(
    body: &[u8],
    err: &serde_json::Error,
    redact: &dyn Fn(&str) -> String,
) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        "it is empty".to_string()
    } else if text.starts_with('<') {
        format!("it is {}, not JSON", html_description(text))
    } else {
        let head: String = text.chars().take(4096).collect();
        format!(
            "it is not JSON ({err}); it starts with '{}'",
            truncate_chars(&redact(&head), 40)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_messages() {
        assert_eq!(server_message(b""), None);
        assert_eq!(
            server_message(b"Retry later").as_deref(),
            Some("Retry later")
        );
        assert_eq!(
            server_message(br#"{"error":"Internal error occured, we're on it!"}"#).as_deref(),
            Some("Internal error occured, we're on it!")
        );
        assert_eq!(
            server_message(br#"{"errors":{"name":["is taken","is too short"]}}"#).as_deref(),
            Some("name is taken, is too short")
        );
        assert_eq!(
            server_message(b"<html><head><title>502 Bad Gateway</title></head></html>").as_deref(),
            Some("an HTML page titled '502 Bad Gateway'")
        );
        assert_eq!(
            server_message(b"first line\nsecond").as_deref(),
            Some("first line")
        );
    }
}
