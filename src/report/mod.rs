//! The report for a ticket: one self-contained HTML page (no script, no font, no image, no
//! request: a Content-Security-Policy says so to the browser) with a header (what the
//! evidence is), the findings, and every command with the screen right after its output
//! settled, drawn as `screen --format html` draws it. All recorded text is escaped.
//!
//! [`Report::build`] gathers the facts from a [`Recording`]; [`Report::html`] draws them.
//! Context lanes (`--with`) are handed in as [`ContextEntry`]s: the page lists them all (the
//! session's window) and shows those around each finding beside it.

mod page;

use crate::emulator::Replay;
use crate::recording::Recording;
use crate::review::findings::Finding;
use crate::review::redact::Redactor;
use crate::timeline::{clock, Kind, Nanos, Timeline};

/// Context entries closer than this to a finding are shown beside it.
pub const CONTEXT_WINDOW: Nanos = 30 * crate::timeline::NANOS_PER_SEC;

/// What the header says about the evidence.
#[derive(Debug, Clone, Default)]
pub struct Header {
    /// The source as named (a path, `scalingo://APP/ID`, `<stdin>`).
    pub source: String,
    pub app: Option<String>,
    pub operator: Option<String>,
    pub session: Option<String>,
    pub format: Option<String>,
    /// Start and end in the recording's own offset (RFC 3339), when it has a start.
    pub start: Option<String>,
    pub end: Option<String>,
    pub duration: Nanos,
    /// `80x24 (header)`.
    pub geometry: String,
    pub sha256: String,
    pub bytes: u64,
    pub redacted: bool,
}

/// One command run, and the screen after it.
pub struct Step {
    pub t: Nanos,
    pub time: String,
    /// As executed (read off the screen).
    pub command: String,
    /// The keys typed, when they differ.
    pub keys: Option<String>,
    /// When its output settled (the screen's moment).
    pub settled: Nanos,
    pub screen: vt100::Screen,
}

/// An entry of a context lane (app logs, events, audit trails: `--with`).
#[derive(Debug, Clone)]
pub struct ContextEntry {
    /// From the session's start (negative before it).
    pub t: i128,
    /// The wall-clock time, in the session's offset.
    pub time: Option<String>,
    /// The lane it comes from (`app-log`, `app-event`, `losant`…).
    pub lane: String,
    pub actor: Option<String>,
    /// One line, secrets masked (escaped by the page).
    pub text: String,
}

/// Everything the page shows.
pub struct Report {
    pub header: Header,
    /// Each with its time as shown.
    pub findings: Vec<(String, Finding)>,
    pub steps: Vec<Step>,
    /// The context sources as named (`--with`): with none, the page has no context section.
    pub context_sources: Vec<String>,
    /// Their entries in the session's window, in time order.
    pub context: Vec<ContextEntry>,
}

/// A time on the recording as shown: wall clock in its offset, else elapsed.
pub fn time_of(tl: &Timeline, t: Nanos) -> String {
    match tl.wall_clock(t) {
        Some(w) => w.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, false),
        None => clock(t),
    }
}

/// When the output after an Enter at `t` settled: the last output event before `next` (the
/// first key of the next line), or `t` when there is none.
fn settled(tl: &Timeline, t: Nanos, next: Nanos) -> Nanos {
    let n = tl.count_at(next as i128 - 1);
    tl.events[..n]
        .iter()
        .rev()
        .take_while(|e| e.t > t)
        .find(|e| e.kind == Kind::Output)
        .map_or(t, |e| e.t)
}

impl Report {
    /// The facts of a report. `shown` is the recording the commands and screens are read from
    /// (a redacted copy of `rec`, or `rec` itself); with `redactor` (which knows the input
    /// typed without echo), every text and screen is masked too. Times are `rec`'s.
    pub fn build(
        rec: &Recording,
        shown: &Recording,
        header: Header,
        findings: Vec<Finding>,
        redactor: Option<&Redactor>,
    ) -> Report {
        let tl = &rec.tl;
        // the commands as the shown recording's screen has them: with `--redact`, read off
        // the masked screen (a secret the line editor redrew in pieces is masked there too)
        let analysis = crate::review::executed::analyse(
            &shown.tl,
            shown.geometry.cols,
            shown.geometry.rows,
            shown.crlf,
        );
        let mask = |s: &str| match redactor {
            Some(r) => r.text(s),
            None => s.to_string(),
        };
        let lines = &analysis.lines;
        let mut replay: Replay = shown.replay();
        let mut steps = Vec::new();
        for (i, e) in lines.iter().enumerate() {
            let Some(cmd) = e.command() else { continue };
            let next = lines
                .get(i + 1)
                .map_or(tl.duration() + 1, |n| n.keys.started.max(e.keys.t + 1));
            let at = settled(tl, e.keys.t, next);
            replay.seek_time(at as i128);
            let screen = match redactor {
                Some(r) => r.screen(replay.screen()),
                None => replay.screen().clone(),
            };
            let keys = (e.keys.text != cmd).then(|| mask(&e.keys.text));
            steps.push(Step {
                t: e.keys.t,
                time: time_of(tl, e.keys.t),
                command: mask(cmd),
                keys,
                settled: at,
                screen,
            });
        }
        let findings = findings
            .into_iter()
            .map(|f| (time_of(tl, f.t), f))
            .collect();
        Report {
            header,
            findings,
            steps,
            context_sources: Vec::new(),
            context: Vec::new(),
        }
    }

    /// The page.
    pub fn html(&self) -> String {
        page::html(self)
    }
}
