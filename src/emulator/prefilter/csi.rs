//! Escape and control sequences that are ours to translate (resets, DECALN, DECCOLM, tab
//! stops, margins, IRM, DECSCA, selective erase, the alternate screen's saved cursor).

use super::*;

/// Parameters of a control sequence: (private marker, numbers, intermediates, final), or
/// `None` for one with sub-parameters or too many digits (passed on as it is).
type Csi = (Option<u8>, Vec<u16>, Vec<u8>, u8);

fn parse_csi(seq: &[u8]) -> Option<Csi> {
    // seq is ESC [ ... final
    let body = seq.get(2..)?;
    let (&fin, body) = body.split_last()?;
    let (private, body) = match body.first() {
        Some(&p @ 0x3C..=0x3F) => (Some(p), &body[1..]),
        _ => (None, body),
    };
    let split = body
        .iter()
        .position(|b| (0x20..0x30).contains(b))
        .unwrap_or(body.len());
    let (nums, inter) = body.split_at(split);
    if inter.iter().any(|b| !(0x20..0x30).contains(b)) {
        return None;
    }
    let mut params = Vec::new();
    if !nums.is_empty() {
        for p in nums.split(|&b| b == b';') {
            if !p.iter().all(u8::is_ascii_digit) || p.len() > 5 {
                return None;
            }
            let v: u32 = std::str::from_utf8(p).ok()?.parse().unwrap_or(0);
            params.push(v.min(u16::MAX as u32) as u16);
        }
    }
    Some((private, params, inter.to_vec(), fin))
}

/// What resets of a blank screen must still undo: modes, attributes, the cursor and the
/// saved cursor (vt100's full reset would re-allocate every cell).
const CHEAP_RESET: &[u8] =
    b"\x1b[r\x1b[?6l\x1b[H\x1b[0m\x1b7\x1b[?1l\x1b>\x1b[?25h\x1b[?9l\x1b[?1000l\
\x1b[?1002l\x1b[?1003l\x1b[?1005l\x1b[?1006l\x1b[?2004l\x1b[0 q";

/// `CSI ? … h/l` with every mode of `params` but `except`, if any is left.
fn other_modes(out: &mut Vec<u8>, params: &[u16], except: u16, fin: u8) {
    let rest: Vec<String> = params
        .iter()
        .filter(|&&p| p != except)
        .map(u16::to_string)
        .collect();
    if !rest.is_empty() {
        let s = format!("\x1b[?{}{}", rest.join(";"), fin as char);
        out.extend_from_slice(s.as_bytes());
    }
}

/// The final bytes of the control sequences [`Prefilter::csi_done`] may translate or keep
/// state from (any other changes nothing but [`Clean`]).
const OURS: &[u8] = b"hlrIZgqJKpb";

impl Prefilter {
    /// An escape sequence `ESC final` is complete (held).
    pub(super) fn esc_done(&mut self, b: u8, out: &mut Vec<u8>) {
        if self.overflow {
            self.release(out);
            return;
        }
        match b {
            b'c' => {
                let blank = self.clean == Clean::Blank;
                let was_alternate = self.alternate;
                let alt_stale = self.alt_stale || self.alt_used;
                let one_column = self.one_column;
                let no_rep = self.no_rep;
                self.held.clear();
                let nl = self.nl;
                *self = Prefilter::new(false);
                self.nl = nl;
                self.alt_stale = alt_stale;
                self.one_column = one_column;
                if blank {
                    // a reset of a screen that is already blank: undo the modes, keep the cells
                    out.extend_from_slice(CHEAP_RESET);
                    self.no_rep = no_rep;
                } else {
                    // back to the main screen (the cursor where it is: the reset homes it),
                    // erased: 4 times cheaper than the two screens vt100 would allocate, and
                    // the alternate screen is cleared when it is shown again
                    if was_alternate {
                        out.extend_from_slice(b"\x1b[?47l");
                    }
                    out.extend_from_slice(CHEAP_RESET);
                    out.extend_from_slice(b"\x1b[0m\x1b[2J");
                    self.no_rep = true;
                }
                return;
            }
            b'7' => {
                self.saved = self.cs;
                self.release(out);
                self.hook = Some(Hook::SaveCursor);
                return;
            }
            b'8' => {
                self.cs = self.saved;
                self.held.clear();
                self.hook = Some(Hook::RestoreCursor);
                return;
            }
            b'H' => {
                self.held.clear();
                self.hook = Some(Hook::SetTab);
                return;
            }
            // IND and NEL, which vt100 lacks: a line feed, with a carriage return for NEL
            b'D' | b'E' => {
                self.held.clear();
                if b == b'E' {
                    out.push(b'\r');
                }
                out.push(b'\n');
                if self.clean != Clean::Blank {
                    self.clean = Clean::Dirty;
                }
                return;
            }
            b'=' | b'>' => {}
            b'M' if self.clean == Clean::Blank => {}
            _ => self.clean = Clean::Dirty,
        }
        self.release(out);
    }

    /// A control sequence `ESC [ … final` is complete (held).
    pub(super) fn csi_done(&mut self, out: &mut Vec<u8>) {
        // most sequences (colours, cursor moves) are not ours: once the screen is known to be
        // dirty, nothing but the final byte needs looking at
        let fin = self.held.last().copied().unwrap_or(0);
        if self.clean == Clean::Dirty && !OURS.contains(&fin) {
            self.release(out);
            return;
        }
        let Some((private, params, inter, fin)) = parse_csi(&self.held) else {
            self.clean = Clean::Dirty;
            self.release(out);
            return;
        };
        let p0 = params.first().copied().unwrap_or(0);
        let hook = match (private, inter.as_slice(), fin) {
            (None, [], b'h' | b'l') => {
                if params.contains(&4) {
                    self.insert = fin == b'h';
                }
                None
            }
            (Some(b'?'), [], b'h' | b'l') => {
                let set = fin == b'h';
                if params.contains(&3) {
                    // DECCOLM: the size stays (the recording's size is the terminal's), the
                    // screen is cleared, the margins reset and the cursor homed
                    self.held.clear();
                    for &p in &params {
                        if p == 3 {
                            out.extend_from_slice(b"\x1b[r\x1b[2J\x1b[H");
                        } else {
                            self.private_mode(p, set);
                            let s = format!("\x1b[?{p}{}", fin as char);
                            out.extend_from_slice(s.as_bytes());
                        }
                    }
                    self.clean = Clean::Dirty;
                    return;
                }
                let stale = self.alt_stale && set && params.iter().any(|&p| matches!(p, 47 | 1049));
                for &p in &params {
                    self.private_mode(p, set);
                }
                if stale && !params.contains(&1049) {
                    // the alternate screen still holds what was drawn before a cheap reset:
                    // enter it and make it as a fresh one is after a real reset
                    self.alt_stale = false;
                    self.held.clear();
                    other_modes(out, &params, 47, fin);
                    self.hook = Some(Hook::EnterStale);
                    return;
                }
                if stale {
                    self.alt_stale = false;
                }
                if params.contains(&1049) {
                    // the other modes as they are, then the alternate screen (ours)
                    self.held.clear();
                    other_modes(out, &params, 1049, fin);
                    self.hook = Some(Hook::Alternate(set));
                    return;
                }
                None
            }
            (None, [], b'r') => Some(Hook::Margins {
                top: p0,
                bottom: params.get(1).copied().unwrap_or(0),
            }),
            (None, [], b'I' | b'Z') => Some(Hook::Tab {
                n: p0.max(1),
                forward: fin == b'I',
            }),
            (None, [], b'g') => match p0 {
                0 => Some(Hook::ClearTab),
                3 => {
                    self.tabs = Some(Vec::new());
                    self.held.clear();
                    return;
                }
                _ => {
                    self.held.clear();
                    return;
                }
            },
            (None, [b'"'], b'q') => {
                self.protect = p0 == 1;
                self.held.clear();
                return;
            }
            (None | Some(b'?'), [], b'J' | b'K') => {
                self.clean = Clean::Dirty;
                self.has_protected().then_some(Hook::Erase {
                    selective: private.is_some(),
                    line: fin == b'K',
                    mode: p0,
                })
            }
            (None, [b'!'], b'p') => {
                // DECSTR: soft reset of what our layer keeps (vt100 ignores it)
                self.insert = false;
                self.protect = false;
                self.cs = Charsets::default();
                self.saved = Charsets::default();
                self.saved_cursor = None;
                self.held.clear();
                out.extend_from_slice(b"\x1b[0m\x1b[?25h");
                return;
            }
            (None, [], b'b') if self.no_rep => {
                self.held.clear();
                return;
            }
            (None, [], b'H' | b'f' | b'A'..=b'G' | b'd' | b'`' | b'm') => None,
            _ => {
                self.clean = Clean::Dirty;
                None
            }
        };
        match hook {
            Some(h) => {
                self.held.clear();
                self.hook = Some(h);
            }
            None => self.release(out),
        }
    }

    fn private_mode(&mut self, p: u16, set: bool) {
        match p {
            1049 => {
                if set && !self.alternate {
                    self.saved_1049 = self.cs;
                } else if !set && self.alternate {
                    self.cs = self.saved_1049;
                }
                self.alternate = set;
                self.alt_used |= set;
                self.clean = Clean::Dirty;
            }
            47 | 1047 => {
                self.alternate = set;
                self.alt_used |= set;
                self.clean = Clean::Dirty;
            }
            _ => {}
        }
    }
}
