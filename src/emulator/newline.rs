//! Bare LF shown as CR LF, as a tty's `onlcr` does, for logs recorded without it: an LF not
//! preceded by CR gets one, the previous byte carried across events. The emulator's
//! pre-filter and the exports both translate through [`Newlines`], so that an exported file
//! shows what auditty shows.

use std::borrow::Cow;

/// The translation's state: whether it is on, and the last byte seen.
#[derive(Debug, Clone, Copy)]
pub struct Newlines {
    crlf: bool,
    last: u8,
}

impl Newlines {
    pub fn new(crlf: bool) -> Self {
        Newlines { crlf, last: 0 }
    }

    pub fn set_crlf(&mut self, crlf: bool) {
        self.crlf = crlf;
    }

    /// Whether a CR goes before the byte `b` (asked before [`Newlines::saw`] is told of it).
    #[inline]
    pub fn cr_before(&self, b: u8) -> bool {
        b == b'\n' && self.crlf && self.last != b'\r'
    }

    /// The byte `b` went by (for a run of bytes, its last one is enough).
    #[inline]
    pub fn saw(&mut self, b: u8) {
        self.last = b;
    }

    /// The bytes of one event, translated; borrowed when nothing changes.
    pub fn translate<'a>(&mut self, data: Cow<'a, [u8]>) -> Cow<'a, [u8]> {
        if !self.crlf || memchr::memchr(b'\n', &data).is_none() {
            if let Some(&b) = data.last() {
                self.saw(b);
            }
            return data;
        }
        let mut out = Vec::with_capacity(data.len() + data.len() / 16 + 1);
        for &b in data.iter() {
            if self.cr_before(b) {
                out.push(b'\r');
            }
            out.push(b);
            self.saw(b);
        }
        Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(n: &mut Newlines, s: &str) -> String {
        String::from_utf8(n.translate(Cow::Borrowed(s.as_bytes())).into_owned()).unwrap()
    }

    #[test]
    fn newlines_like_the_prefilter() {
        let mut n = Newlines::new(true);
        assert_eq!(tr(&mut n, "a\nb\r\nc\n"), "a\r\nb\r\nc\r\n");
        assert_eq!(tr(&mut n, "\r"), "\r");
        assert_eq!(
            tr(&mut n, "\nx"),
            "\nx",
            "a CR ending the previous event counts"
        );
        assert_eq!(tr(&mut n, "\n\n"), "\r\n\r\n");
        let mut raw = Newlines::new(false);
        assert_eq!(tr(&mut raw, "a\nb"), "a\nb");
    }

    #[test]
    fn the_prefilter_translates_the_same_way() {
        // what the export writes is what vt100 is fed, LF for LF, across events
        let chunks = ["a\nb\r", "\nc\n", "\x1b]0;t\x07\n", "\n", "x\r\n\n"];
        let mut n = Newlines::new(true);
        let mut pre = super::super::Prefilter::new(true);
        for c in chunks {
            let mut fed = Vec::new();
            pre.filter(c.as_bytes(), &mut fed);
            assert_eq!(tr(&mut n, c).into_bytes(), fed, "{c:?}");
        }
    }
}
