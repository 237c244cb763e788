//! Showing text from a recording safely: every control character escaped.

/// Escape C0 controls, DEL and C1 controls (as `^[`, `^?`, `\x9b`), so that text taken from a
/// recording can be printed to a terminal without being interpreted. Tabs and newlines are
/// escaped too; callers that want them keep them by splitting first.
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    out
}

pub fn is_control(c: char) -> bool {
    let n = c as u32;
    n < 0x20 || n == 0x7f || (0x80..0xa0).contains(&n) || is_invisible_format(c)
}

/// Characters that change how text around them is shown (bidi marks, overrides and isolates,
/// line and paragraph separators), which a hostile recording could use to disguise what was
/// typed.
fn is_invisible_format(c: char) -> bool {
    matches!(
        c as u32,
        0x061C | 0x200E | 0x200F | 0x2028 | 0x2029 | 0x202A..=0x202E | 0x2066..=0x2069
    )
}

pub fn push_escaped(out: &mut String, c: char) {
    let n = c as u32;
    match n {
        0x00..=0x1f => {
            out.push('^');
            out.push((n as u8 + 0x40) as char);
        }
        0x7f => out.push_str("^?"),
        0x80..=0x9f => out.push_str(&format!("\\x{n:02x}")),
        _ if is_invisible_format(c) => out.push_str(&format!("\\u{{{n:04x}}}")),
        _ => out.push(c),
    }
}

/// Escape controls but keep newlines (and tabs), for multi-line text.
pub fn escape_keep_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c == '\n' || c == '\t' {
            out.push(c);
        } else {
            push_escaped(&mut out, c);
        }
    }
    out
}

/// Make serialized JSON safe to print on a terminal: serde_json escapes C0 controls, but not
/// DEL, C1 controls (U+0080–U+009F, which a terminal may take for CSI/OSC) or bidi overrides.
/// They can only occur inside strings, where `\uXXXX` means the same.
pub fn json_terminal_safe(json: &str) -> String {
    if !json.chars().any(is_control) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_control(c) && c as u32 >= 0x20 {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_controls("a\x1b[31mb"), "a^[[31mb");
        assert_eq!(escape_controls("x\u{9b}31m\u{7f}"), "x\\x9b31m^?");
        assert_eq!(escape_controls("bell\x07\n"), "bell^G^J");
        assert_eq!(escape_controls("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(escape_controls("snow ☃ 漢"), "snow ☃ 漢");
        assert_eq!(escape_keep_lines("a\nb\x1b"), "a\nb^[");
    }
}
