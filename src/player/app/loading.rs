//! A player opened on the start of a recording while the whole is still being read: the
//! whole arrives through [`Loading`] (polled by the loop, as the background work is), and
//! [`App::replace_recording`] swaps it in where the player is.

use super::App;
use crate::player::action::{Action, Ended};
use crate::player::background::Background;
use crate::recording::Recording;
use std::sync::Arc;
use std::time::Duration;

/// Polled with the time now: the whole recording, or the error reading it gave, once done.
pub type Poll = Box<dyn FnMut(Duration) -> Option<Result<Recording, crate::error::Error>>>;

/// The whole recording being read.
pub struct Loading {
    poll: Poll,
    percent: Box<dyn Fn() -> u8>,
    /// End was the last move made while reading: once the whole is in, the player goes on
    /// to its end (unless it has moved since).
    end_wanted: bool,
}

impl Loading {
    /// `poll` gives the result once (a fake in tests); `percent` says how far reading is.
    pub fn new(poll: Poll, percent: Box<dyn Fn() -> u8>) -> Self {
        Loading {
            poll,
            percent,
            end_wanted: false,
        }
    }
}

impl App {
    /// The recording played is the start of one being read: until it arrives, playing past
    /// its end waits there.
    pub fn set_loading(&mut self, loading: Loading) {
        self.loading = Some(loading);
        self.playback.clock.set_hold(true);
        self.dirty = true;
    }

    /// Reading the whole recording, in percent (`None`: all of it is here).
    pub fn reading(&self) -> Option<u8> {
        self.loading.as_ref().map(|l| (l.percent)())
    }

    /// Reading the whole recording failed (the player has ended): the error, one line.
    pub fn failed(&self) -> Option<&crate::error::Error> {
        self.failed.as_ref()
    }

    /// A move of the player while reading (a seek, play or pause): whether it was End.
    pub(super) fn remember_end(&mut self, action: &Action) {
        if let Some(l) = self.loading.as_mut() {
            if !matches!(
                action,
                Action::SpeedUp | Action::SpeedDown | Action::SpeedReset
            ) {
                l.end_wanted = *action == Action::End;
            }
        }
    }

    /// Take the whole recording in, if it has arrived.
    pub(super) fn take_loading(&mut self, now: Duration) {
        let Some(l) = self.loading.as_mut() else {
            return;
        };
        let Some(r) = (l.poll)(now) else {
            let p = (l.percent)();
            if self.read_percent != p {
                self.read_percent = p;
                self.dirty = true;
            }
            return;
        };
        // End pressed while reading, and nothing moved since: on to the true end
        let to_end = l.end_wanted && self.playback.position() == self.tl.duration();
        self.loading = None;
        match r {
            Ok(whole) => {
                self.replace_recording(whole, now);
                if to_end {
                    self.update(Action::End, now);
                }
            }
            Err(e) => {
                self.failed = Some(e);
                self.ended = Some(Ended::Quit);
            }
        }
    }

    /// Play `whole`, a recording the one played is the start of, from where the player is:
    /// the same position, playing or paused, speed, screen (its keyframes kept), scroll,
    /// panels, search and prompt; the size and newline mode the player started with are
    /// kept (the picture does not jump; `r` replays at another size). Indexing and analysis
    /// start again over it.
    pub fn replace_recording(&mut self, mut whole: Recording, now: Duration) {
        whole.geometry = self.rec.geometry.clone();
        whole.crlf = self.rec.crlf;
        whole.name = self.rec.name.clone();
        let tl = Arc::clone(&whole.tl);
        self.playback = self.playback.carried(Arc::clone(&tl), now);
        self.replay.extend(Arc::clone(&tl));
        self.indexed = false;
        // the old jobs stop (dropped); the prefix's analysis serves until the new one is in
        self.bg = Background::spawn(&whole);
        if let Some(w) = whole.tl.warnings.first() {
            self.message = Some(format!("warning: {w}"));
        }
        self.search_again = self.search.is_some();
        self.tl = tl;
        self.rec = whole;
        self.dirty = true;
        self.sync(now);
    }

    /// A search's hits found again over the whole (its analysis just came in), without
    /// moving: the player stays where it is.
    pub(super) fn refresh_search(&mut self) {
        if let (Some(a), Some(s)) = (&self.analysis, self.search.as_mut()) {
            s.run(&self.tl, &a.text, &self.context.rows);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::action::Action;
    use crate::player::app::tests::session;
    use crate::player::app::Options;
    use crate::player::fake::FakeIo;
    use crate::player::run::run_loop;
    use crate::recording::Settings;
    use crate::timeline::{Timeline, NANOS_PER_SEC};
    use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};

    const S: u64 = NANOS_PER_SEC;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn key(c: char) -> Event {
        Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
    }

    fn rec(tl: Timeline) -> Recording {
        let term = Settings {
            cols: Some(40),
            rows: Some(6),
            ..Default::default()
        };
        Recording::new("test".into(), tl, &term)
    }

    /// The session's first `n` events (up to 2 s for 7: the `ls` and its output).
    fn start(n: usize) -> Timeline {
        let whole = session();
        let mut tl = Timeline::new(vec![]);
        for ev in &whole.events[..n] {
            tl.push(ev.t, ev.kind, &whole.data(ev));
        }
        tl
    }

    /// A player on the first 7 events, the whole arriving at `at` (or failing).
    fn player(at: Duration, fail: bool, opts: Options) -> App {
        let mut app = App::new(rec(start(7)), opts, (80, 20), ms(0)).unwrap();
        app.wait_background(ms(0));
        let mut whole = Some(rec(session()));
        app.set_loading(Loading::new(
            Box::new(move |now| {
                if now < at {
                    return None;
                }
                Some(match fail {
                    false => whole
                        .take()
                        .ok_or_else(|| crate::error::Error::Runtime("given twice".into())),
                    true => Err(crate::error::Error::Runtime(
                        "big.json: 9:1: EOF while parsing a list".into(),
                    )),
                })
            }),
            Box::new(|| 42),
        ));
        app
    }

    fn screen(app: &App) -> String {
        crate::render::text(app.replay().screen())
    }

    #[test]
    fn the_start_is_shown_then_the_whole_swapped_in_where_the_player_is() {
        let mut a = player(ms(1500), false, Options::default());
        let mut io = FakeIo::new(vec![(1200, key(' ')), (3000, key('q'))]);
        run_loop(&mut a, &mut io).unwrap();
        // the first frame: the start, with what is read so far said
        let first = &io.frames[0];
        assert!(first.contains("reading 42%"), "{first}");
        assert!(first.contains("0:02"), "the start's duration: {first}");
        // after the swap: the whole's duration, paused where it was (at 1.2 s)
        let last = io.frames.last().unwrap();
        assert!(!last.contains("reading"), "{last}");
        assert!(last.contains("0:10"), "{last}");
        assert_eq!(a.timeline().duration(), 10 * S);
        assert_eq!(a.position(), 1_200_000_000);
        assert!(!a.playing());
        assert!(screen(&a).starts_with("$ ls"));
        assert_eq!(a.reading(), None);
        // End now goes to the true end
        a.update(Action::End, ms(3000));
        assert_eq!(a.position(), 10 * S);
        assert!(screen(&a).contains("exit"));
    }

    #[test]
    fn end_goes_to_the_end_of_what_is_read_and_again_to_the_true_end() {
        let paused = Options {
            paused: true,
            ..Default::default()
        };
        let mut a = player(ms(5000), false, paused);
        a.update(Action::End, ms(100));
        assert_eq!(a.position(), 2 * S);
        assert!(screen(&a).contains("file-a"));
        // moved since End: the swap does not move, nor change the picture
        a.update(Action::SeekBy(-1000), ms(200));
        a.update(Action::End, ms(300));
        a.update(Action::SeekBy(-1000), ms(400));
        let before = screen(&a);
        a.update(Action::Tick, ms(5000));
        assert_eq!(a.timeline().duration(), 10 * S);
        assert_eq!(a.position(), S, "the swap does not move");
        assert_eq!(screen(&a), before, "nor change the picture");
        a.update(Action::End, ms(5000));
        assert_eq!(a.position(), 10 * S);
    }

    #[test]
    fn end_pressed_while_reading_goes_on_to_the_true_end_once_read() {
        let mut a = player(ms(5000), false, Options::default());
        a.update(Action::End, ms(100));
        assert_eq!(a.position(), 2 * S, "the end of what is read, at once");
        a.update(Action::SpeedUp, ms(200));
        a.update(Action::Tick, ms(5000));
        assert_eq!(a.timeline().duration(), 10 * S);
        assert_eq!(a.position(), 10 * S, "then the true end");
        assert!(screen(&a).contains("exit"));
        // the prefix's end passed by playing, not by End: the swap does not move
        let opts = Options::default();
        let mut b = player(ms(5000), false, opts);
        b.update(Action::End, ms(100));
        b.update(Action::Start, ms(200));
        b.update(Action::Tick, ms(3000));
        b.update(Action::Tick, ms(5000));
        assert!(b.position() < 10 * S);
    }

    #[test]
    fn playing_past_what_is_read_waits_there_and_goes_on_after_the_swap() {
        let mut a = player(ms(4000), false, Options::default());
        a.update(Action::Tick, ms(3000));
        assert_eq!(a.position(), 2 * S, "waits at the end of what is read");
        assert!(a.playing(), "waiting, not ended");
        // the whole arrives at 4 s: playing goes on from 2 s
        a.update(Action::Tick, ms(4000));
        assert!(a.playing());
        assert_eq!(a.position(), 2 * S);
        a.update(Action::Tick, ms(7000));
        assert_eq!(a.position(), 5 * S);
        assert!(screen(&a).contains("grep x"));
        a.update(Action::Tick, ms(20_000));
        assert_eq!(a.position(), 10 * S);
        assert!(!a.playing(), "the true end pauses");
    }

    #[test]
    fn playing_at_the_end_of_what_is_read_waits_instead_of_starting_over() {
        let opts = Options {
            paused: true,
            ..Default::default()
        };
        let mut a = player(ms(3000), false, opts);
        a.update(Action::End, ms(100));
        a.update(Action::TogglePlay, ms(200));
        a.update(Action::Tick, ms(2000));
        assert!(a.playing());
        assert_eq!(a.position(), 2 * S, "not back at the start");
        a.update(Action::Tick, ms(3000));
        a.update(Action::Tick, ms(6000));
        assert_eq!(a.position(), 5 * S, "goes on once the whole is in");
    }

    #[test]
    fn a_search_made_on_the_start_finds_the_wholes_hits_once_analysed() {
        let opts = Options {
            paused: true,
            ..Default::default()
        };
        let mut a = player(ms(1000), false, opts);
        a.update(
            Action::OpenPrompt(crate::player::action::PromptKind::Search),
            ms(10),
        );
        for c in "grep".chars() {
            a.update(Action::PromptInput(c), ms(10));
        }
        a.update(Action::PromptSubmit, ms(10));
        let before = a.search().and_then(|s| s.hits.as_ref()).map(|h| h.len());
        assert_eq!(before, Some(0), "not in the start");
        let at = a.position();
        a.update(Action::Tick, ms(1000));
        a.wait_background(ms(1000));
        assert_eq!(a.position(), at, "found again where the player is");
        let hits = a.search().and_then(|s| s.hits.as_ref()).map(|h| h.len());
        assert!(hits.is_some_and(|n| n > 0), "{hits:?}");
    }

    #[test]
    fn the_swap_keeps_speed_and_marks() {
        let opts = Options {
            paused: true,
            ..Default::default()
        };
        let mut a = player(ms(1000), false, opts);
        a.update(Action::SpeedUp, ms(10));
        a.update(Action::Tick, ms(1000));
        assert_eq!(a.clock().speed(), 2.0);
        // the whole's marker at 8 s is a stop now
        assert!(a.stops().contains(&(8 * S)));
    }

    #[test]
    fn an_error_reading_the_rest_ends_the_player_with_it() {
        let mut a = player(ms(800), true, Options::default());
        let mut io = FakeIo::new(vec![(60_000, key('q'))]);
        run_loop(&mut a, &mut io).unwrap();
        assert!(a.should_quit());
        assert_eq!(
            a.failed().map(|e| e.to_string()).as_deref(),
            Some("big.json: 9:1: EOF while parsing a list")
        );
        assert!(io.now < ms(1000), "ended when it failed: {:?}", io.now);
    }
}
