//! Unescaping of JSON string literals that serde_json has already validated, kept by the
//! timeline as ranges of the source text. Lone UTF-16 surrogates become U+FFFD.

use std::borrow::Cow;

/// Unescape a JSON string literal (quotes included). Never panics on malformed input:
/// anything odd becomes U+FFFD.
pub fn unescape(lit: &[u8]) -> Cow<'_, [u8]> {
    let inner = strip_quotes(lit);
    if memchr::memchr(b'\\', inner).is_none() {
        return Cow::Borrowed(inner);
    }
    let mut out = Vec::with_capacity(inner.len());
    unescape_into(lit, &mut out);
    Cow::Owned(out)
}

fn strip_quotes(lit: &[u8]) -> &[u8] {
    match lit {
        [b'"', inner @ .., b'"'] => inner,
        other => other,
    }
}

/// Unescape a JSON string literal, appending to `out`. Returns whether a lone UTF-16
/// surrogate was replaced by U+FFFD.
pub fn unescape_into(lit: &[u8], out: &mut Vec<u8>) -> bool {
    let inner = strip_quotes(lit);
    let mut lone = false;
    let mut i = 0;
    while i < inner.len() {
        let Some(off) = memchr::memchr(b'\\', &inner[i..]) else {
            out.extend_from_slice(&inner[i..]);
            break;
        };
        out.extend_from_slice(&inner[i..i + off]);
        i += off + 1;
        let Some(&c) = inner.get(i) else {
            push_char(out, '\u{fffd}');
            break;
        };
        i += 1;
        match c {
            b'"' => out.push(b'"'),
            b'\\' => out.push(b'\\'),
            b'/' => out.push(b'/'),
            b'b' => out.push(8),
            b'f' => out.push(12),
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'u' => {
                let Some(hi) = hex4(inner, i) else {
                    push_char(out, '\u{fffd}');
                    continue;
                };
                i += 4;
                match hi {
                    0xD800..=0xDBFF => {
                        // a leading surrogate: a trailing one must follow
                        if inner.get(i) == Some(&b'\\') && inner.get(i + 1) == Some(&b'u') {
                            if let Some(lo @ 0xDC00..=0xDFFF) = hex4(inner, i + 2) {
                                i += 6;
                                let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                                push_char(out, char::from_u32(c).unwrap_or('\u{fffd}'));
                                continue;
                            }
                        }
                        lone = true;
                        push_char(out, '\u{fffd}');
                    }
                    0xDC00..=0xDFFF => {
                        lone = true;
                        push_char(out, '\u{fffd}');
                    }
                    c => push_char(out, char::from_u32(c).unwrap_or('\u{fffd}')),
                }
            }
            _ => push_char(out, '\u{fffd}'),
        }
    }
    lone
}

fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let s = b.get(i..i + 4)?;
    let mut v = 0u32;
    for &c in s {
        v = v * 16 + (c as char).to_digit(16)?;
    }
    Some(v)
}

fn push_char(out: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// Whether a literal holds a lone surrogate escape (which `unescape` replaces).
pub fn has_lone_surrogate(lit: &[u8]) -> bool {
    unescape_into(lit, &mut Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(s: &str) -> String {
        String::from_utf8(unescape(s.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn unescapes_like_serde() {
        for s in [
            r#""plain""#,
            r#""a\nb\r\n\t\u001b[1m\"q\" \\ \/""#,
            r#""snow \u2603 and \ud83d\ude00""#,
            r#""""#,
        ] {
            let want: String = serde_json::from_str(s).unwrap();
            assert_eq!(u(s), want, "{s}");
        }
    }

    #[test]
    fn lone_surrogates_become_replacement() {
        assert_eq!(u(r#""a\ud800b""#), "a\u{fffd}b");
        assert_eq!(u(r#""a\udc00b""#), "a\u{fffd}b");
        assert_eq!(u(r#""\ud800\u0041""#), "\u{fffd}A");
        assert!(has_lone_surrogate(br#""a\ud800b""#));
        assert!(has_lone_surrogate(br#""\ude00""#));
        assert!(!has_lone_surrogate(br#""\ud83d\ude00""#));
        assert!(!has_lone_surrogate(br#""\\ud800""#));
    }

    #[test]
    fn malformed_never_panics() {
        for s in ["\"\\", "\"\\u12", "\"\\x\"", "\\", "", "\"\\ud800\\u"] {
            let _ = unescape(s.as_bytes());
            let _ = has_lone_surrogate(s.as_bytes());
        }
    }
}
