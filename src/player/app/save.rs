//! Taking the moment away: `s` saves the screen shown as text and HTML (as `auditty screen
//! --format text/html` draws them), `m` lets go of the mouse so that the terminal selects text
//! as usual (no OSC 52 or any other sequence is written to the viewer's terminal), and `r`
//! replays the recording at another size (a guessed geometry may be wrong).

use super::App;
use crate::geometry::Geometry;
use crate::output::{self, Overwrite};
use crate::timeline::clock;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Files with the same name are not replaced: `-2`, `-3`, … up to this.
const MAX_SAME_NAME: usize = 100;

impl App {
    /// Save the screen shown (the scrollback too, if scrolled back) in the save folder.
    pub(super) fn save(&mut self) {
        let dir = self.save_dir.clone().unwrap_or_else(|| PathBuf::from("."));
        let base = format!("{}-{}", file_stem(&self.name), self.time_tag());
        let screen = self.replay.screen();
        let text = crate::render::text(screen);
        let caption = format!("{} at {}", self.name, self.moment());
        let html = crate::render::html::html(screen, &crate::render::picture::DARK, &caption);
        let opts = output::Options {
            overwrite: Overwrite::Refuse,
            ..Default::default()
        };
        let mut last_err = None;
        for i in 1..=MAX_SAME_NAME {
            let stem = if i == 1 {
                base.clone()
            } else {
                format!("{base}-{i}")
            };
            let (txt, htm) = (
                dir.join(format!("{stem}.txt")),
                dir.join(format!("{stem}.html")),
            );
            if txt.symlink_metadata().is_ok() || htm.symlink_metadata().is_ok() {
                continue;
            }
            let r = output::write(&txt, text.as_bytes(), &opts).and_then(|()| {
                output::write(&htm, html.as_bytes(), &opts).inspect_err(|_| {
                    let _ = std::fs::remove_file(&txt);
                })
            });
            match r {
                Ok(()) => {
                    self.message = Some(format!("saved {} and .html", shown(&txt)));
                    return;
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    last_err = Some(format!("cannot save in {}: {e}", shown(&dir)));
                    break;
                }
            }
        }
        self.message =
            Some(last_err.unwrap_or_else(|| format!("cannot save: {base}.txt and more exist")));
    }

    /// The recording's time of the position, for a file name: `2020-06-17T10-27-40.352`
    /// (in UTC with `--utc`, with a `Z`), or the offset `0m05.000s` without a wall clock.
    fn time_tag(&self) -> String {
        let t = self.playback.position();
        match self.tl.wall_clock(t) {
            Some(at) if self.utc => at
                .with_timezone(&chrono::Utc)
                .format("%Y-%m-%dT%H-%M-%S%.3fZ")
                .to_string(),
            Some(at) => at.format("%Y-%m-%dT%H-%M-%S%.3f").to_string(),
            None => format!("at-{}", clock(t).replace(':', "m")) + "s",
        }
    }

    /// The moment shown, for the HTML caption.
    fn moment(&self) -> String {
        let t = self.playback.position();
        match self.tl.wall_clock(t) {
            Some(at) => format!("{} ({})", at.to_rfc3339(), clock(t)),
            None => clock(t),
        }
    }

    /// `m`: let go of the mouse (the terminal's own selection works), or take it back.
    pub(super) fn toggle_mouse(&mut self) {
        self.mouse_captured = !self.mouse_captured;
        self.message = Some(if self.mouse_captured {
            "mouse on: click the timeline, wheel to scroll back".into()
        } else {
            "mouse off: select text with it as usual · m: take it back".into()
        });
    }

    /// `r`: replay the recording at `COLSxROWS`.
    pub(super) fn resize_recording(&mut self, now: Duration, text: &str) {
        let Some((cols, rows)) = parse_size(text) else {
            self.message = Some(format!(
                "not a size: “{}” (COLSxROWS, e.g. 132x43)",
                crate::render::escape::escape_controls(text)
            ));
            return;
        };
        let (cols, rows) = crate::geometry::bounded(cols, rows);
        self.rec.geometry = Geometry {
            cols,
            rows,
            source: "given".into(),
        };
        self.replay = crate::player::background::replay(&self.rec);
        self.indexed = false;
        self.bg.reindex(&self.rec);
        self.view = Default::default();
        self.message = Some(format!("replaying at {cols}×{rows}"));
        self.sync(now);
    }

    /// The geometry replayed was guessed (not in the recording, not given).
    pub fn geometry_guessed(&self) -> bool {
        let s = &self.rec.geometry.source;
        s.starts_with("inferred") || s.starts_with("default")
    }
}

/// `132x43`, `132×43`, `132 43`, `132,43`.
pub fn parse_size(s: &str) -> Option<(u16, u16)> {
    let s = s.trim();
    let (c, r) = s.split_once(['x', 'X', '×', ' ', ','])?;
    let (c, r) = (c.trim().parse::<u16>().ok()?, r.trim().parse::<u16>().ok()?);
    (c > 0 && r > 0).then_some((c, r))
}

/// A recording's name as the start of a file name: its file stem, only `[A-Za-z0-9._-]`.
fn file_stem(name: &str) -> String {
    let base = Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let s: String = base
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let s = s.trim_start_matches(['.', '-']).to_string();
    if s.is_empty() {
        "screen".into()
    } else {
        s
    }
}

/// A path for the status line.
fn shown(p: &Path) -> String {
    p.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::player::action::Action;
    use crate::player::app::Options;
    use crate::recording::{self, Settings, Source};

    fn demo(save_dir: &Path) -> App {
        let loaded = recording::open(&Source::Demo, &Settings::default()).unwrap();
        let opts = Options {
            save_dir: Some(save_dir.to_path_buf()),
            utc: true,
            ..Default::default()
        };
        let mut app = App::new(loaded, opts, (120, 34), Duration::ZERO).unwrap();
        app.wait_background(Duration::ZERO);
        app
    }

    #[test]
    fn s_saves_the_screen_as_text_and_html_never_replacing_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let mut app = demo(dir.path());
        app.update(Action::SeekFraction(0.5), Duration::ZERO);
        app.update(Action::Save, Duration::ZERO);
        let m = app.message().unwrap().to_string();
        assert!(
            m.starts_with("saved ") && m.ends_with(".txt and .html"),
            "{m}"
        );
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names.len(), 2, "{names:?}");
        assert!(names[0].starts_with("demo-20") && names[0].ends_with("Z.html"));
        assert_eq!(names[1], names[0].replace(".html", ".txt"));
        // what `auditty screen --format text` prints
        let txt = std::fs::read_to_string(dir.path().join(&names[1])).unwrap();
        assert_eq!(txt, crate::render::text(app.replay().screen()));
        let html = std::fs::read_to_string(dir.path().join(&names[0])).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"));
        // again: a second pair beside the first
        app.update(Action::Save, Duration::ZERO);
        assert!(app.message().unwrap().contains("-2.txt"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
        // a folder that is not there: said, nothing written
        let mut app = demo(&dir.path().join("missing"));
        app.update(Action::Save, Duration::ZERO);
        assert!(
            app.message().unwrap().starts_with("cannot save in "),
            "{:?}",
            app.message()
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
    }

    #[test]
    fn sizes_and_stems() {
        assert_eq!(parse_size("132x43"), Some((132, 43)));
        assert_eq!(parse_size(" 80×24 "), Some((80, 24)));
        assert_eq!(parse_size("80 24"), Some((80, 24)));
        assert_eq!(parse_size("0x24"), None);
        assert_eq!(parse_size("80"), None);
        assert_eq!(parse_size("ax3"), None);
        assert_eq!(file_stem("logs/demo.json"), "demo");
        assert_eq!(file_stem("my-app/a b;c.log"), "a_b_c");
        assert_eq!(file_stem(".."), "screen");
        assert_eq!(file_stem("-"), "screen");
    }
}
