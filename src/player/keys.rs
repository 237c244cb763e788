//! Keys and the mouse → [`Action`], in one place (the session picker's too: [`picker`]).
//! [`HELP`] lists the player's for the help overlay.

use super::action::{Action, Mode, Mouse, PromptKind};
use super::panels;
use super::picker::{self, Action as PickerAction};
use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

/// Every key, as the help overlay shows it.
pub const HELP: &[(&str, &str)] = &[
    ("space", "play / pause"),
    ("← →  PgUp PgDn", "back / forward 5 s / 1 minute"),
    (
        "shift+← →  0 … 9",
        "back / forward 10 % / jump to 0 % … 90 %",
    ),
    ("k j  , .", "one event back / forward (pauses)"),
    ("[ ]", "previous / next command, marker, context entry"),
    ("g G  Home End", "start / end"),
    ("+ - =", "faster / slower (0.25× … 16×) / 1×"),
    ("t", "go to a time: 12.5 · 1:02 · 50% · end · RFC 3339"),
    ("/  n N", "search the whole session / next, previous hit"),
    ("l  c  e", "hits / commands, markers / context: ↑↓ Enter"),
    (
        "shift+PgUp PgDn",
        "scroll back (also the wheel); a seek, play: live",
    ),
    ("s", "save the screen shown as .txt and .html"),
    ("m", "let go of the mouse (to select text) / take it"),
    ("r", "replay at another size: COLSxROWS"),
    ("z", "compact: no frame; bar and status after a key"),
    (
        "shift+↑↓ ctrl+←→  f",
        "pan a cropped screen (or drag) / follow cursor",
    ),
    ("click, drag", "on the timeline: seek"),
    ("Esc", "close; forget the search; back to the list"),
    ("?  q  ctrl+c", "this help / quit"),
];

/// Timeline legend for the help overlay (its glyphs are the bar's: `ui::timeline`).
pub const LEGEND: [&str; 2] = [
    "timeline: ━ played  ● now  ┴ typed  ◆ hit  ≈ idle squeezed",
    "ticks: ▲ command  ▼ marker  • app-log  ■ app-event  ○ losant  □ datafold",
];

/// What an input event means in the current mode (`None`: nothing).
pub fn action(mode: Mode, ev: &Event) -> Option<Action> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release => key(mode, k),
        Event::Mouse(m) => mouse(m),
        Event::Resize(w, h) => Some(Action::Resize(*w, *h)),
        _ => None,
    }
}

fn key(mode: Mode, k: &KeyEvent) -> Option<Action> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let shift = k.modifiers.contains(KeyModifiers::SHIFT);
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    if ctrl && matches!(k.code, KeyCode::Char('c') | KeyCode::Char('C')) {
        return Some(Action::Quit);
    }
    if shift && matches!(mode, Mode::Normal | Mode::Panel) {
        match k.code {
            KeyCode::PageUp => return Some(Action::ScrollPage(1)),
            KeyCode::PageDown => return Some(Action::ScrollPage(-1)),
            _ => {}
        }
    }
    match mode {
        Mode::Prompt => {
            return match k.code {
                KeyCode::Enter => Some(Action::PromptSubmit),
                KeyCode::Esc => Some(Action::PromptCancel),
                KeyCode::Backspace => Some(Action::PromptBackspace),
                KeyCode::Char('u') if ctrl => Some(Action::PromptClear),
                KeyCode::Char(c) if !ctrl && !alt => Some(Action::PromptInput(c)),
                _ => None,
            }
        }
        Mode::Help => {
            return match k.code {
                KeyCode::Char('q') => Some(Action::Quit),
                // any other key closes the help
                _ => Some(Action::ToggleHelp),
            };
        }
        Mode::Panel => match k.code {
            KeyCode::Up | KeyCode::Char('k') if !shift => return Some(Action::PanelMove(-1)),
            KeyCode::Down | KeyCode::Char('j') if !shift => return Some(Action::PanelMove(1)),
            KeyCode::PageUp => return Some(Action::PanelMove(-10)),
            KeyCode::PageDown => return Some(Action::PanelMove(10)),
            KeyCode::Enter => return Some(Action::PanelSelect),
            _ => {}
        },
        Mode::Normal => {}
    }
    Some(match k.code {
        KeyCode::Char(' ') => Action::TogglePlay,
        KeyCode::Left if ctrl || alt => Action::Pan(-8, 0),
        KeyCode::Right if ctrl || alt => Action::Pan(8, 0),
        KeyCode::Left if shift => Action::SeekFractionBy(-0.1),
        KeyCode::Right if shift => Action::SeekFractionBy(0.1),
        KeyCode::Left => Action::SeekBy(-5000),
        KeyCode::Right => Action::SeekBy(5000),
        KeyCode::Up if shift || ctrl || alt => Action::Pan(0, -3),
        KeyCode::Down if shift || ctrl || alt => Action::Pan(0, 3),
        KeyCode::Char(c @ '0'..='9') => Action::SeekFraction((c as u8 - b'0') as f64 / 10.0),
        KeyCode::Char(',') | KeyCode::Char('k') => Action::Step(-1),
        KeyCode::Char('.') | KeyCode::Char('j') => Action::Step(1),
        KeyCode::PageUp => Action::SeekBy(-60_000),
        KeyCode::PageDown => Action::SeekBy(60_000),
        KeyCode::Char('s') => Action::Save,
        KeyCode::Char('m') => Action::ToggleMouse,
        KeyCode::Char('z') => Action::ToggleCompact,
        KeyCode::Char('r') => Action::OpenPrompt(PromptKind::Size),
        KeyCode::Char('[') => Action::PrevStop,
        KeyCode::Char(']') => Action::NextStop,
        KeyCode::Char('g') | KeyCode::Home => Action::Start,
        KeyCode::Char('G') | KeyCode::End => Action::End,
        KeyCode::Char('+') => Action::SpeedUp,
        KeyCode::Char('-') => Action::SpeedDown,
        KeyCode::Char('=') => Action::SpeedReset,
        KeyCode::Char('t') => Action::OpenPrompt(PromptKind::Time),
        KeyCode::Char('/') => Action::OpenPrompt(PromptKind::Search),
        KeyCode::Char('n') => Action::SearchNext,
        KeyCode::Char('N') => Action::SearchPrev,
        KeyCode::Char(c) if panels::opened_by(c).is_some() => {
            Action::TogglePanel(panels::opened_by(c)?)
        }
        KeyCode::Char('f') => Action::Follow,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc => Action::Close,
        _ => return None,
    })
}

fn mouse(m: &MouseEvent) -> Option<Action> {
    let (x, y) = (m.column, m.row);
    let shift = m.modifiers.contains(KeyModifiers::SHIFT);
    Some(Action::Mouse(match m.kind {
        MouseEventKind::Down(MouseButton::Left) => Mouse::Down(x, y),
        MouseEventKind::Drag(MouseButton::Left) => Mouse::Drag(x, y),
        MouseEventKind::Up(MouseButton::Left) => Mouse::Up,
        MouseEventKind::ScrollUp if shift => Mouse::Scroll(x, y, -3, 0),
        MouseEventKind::ScrollDown if shift => Mouse::Scroll(x, y, 3, 0),
        MouseEventKind::ScrollUp => Mouse::Scroll(x, y, 0, -1),
        MouseEventKind::ScrollDown => Mouse::Scroll(x, y, 0, 1),
        MouseEventKind::ScrollLeft => Mouse::Scroll(x, y, -3, 0),
        MouseEventKind::ScrollRight => Mouse::Scroll(x, y, 3, 0),
        _ => return None,
    }))
}

/// What an input event means to the session picker (`None`: nothing); `typing`: its search
/// prompt is open, and takes the keys.
pub fn picker(ev: &Event, typing: bool) -> Option<PickerAction> {
    match ev {
        Event::Key(k) if k.kind != KeyEventKind::Release && typing => prompt_key(k),
        Event::Key(k) if k.kind != KeyEventKind::Release => picker_key(k),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollUp => Some(PickerAction::Move(-1)),
            MouseEventKind::ScrollDown => Some(PickerAction::Move(1)),
            _ => None,
        },
        Event::Resize(w, h) => Some(PickerAction::Resize(*w, *h)),
        _ => None,
    }
}

fn prompt_key(k: &KeyEvent) -> Option<PickerAction> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    Some(match k.code {
        KeyCode::Char('c') | KeyCode::Char('C') if ctrl => PickerAction::Quit,
        KeyCode::Char(_) if ctrl => return None,
        KeyCode::Char(c) => PickerAction::SearchType(c),
        KeyCode::Backspace => PickerAction::SearchBack,
        KeyCode::Enter => PickerAction::SearchRun,
        KeyCode::Esc => PickerAction::Cancel,
        _ => return None,
    })
}

fn picker_key(k: &KeyEvent) -> Option<PickerAction> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(k.code, KeyCode::Char('c') | KeyCode::Char('C')) {
        return Some(PickerAction::Quit);
    }
    Some(match k.code {
        KeyCode::Up | KeyCode::Char('k') => PickerAction::Move(-1),
        KeyCode::Down | KeyCode::Char('j') => PickerAction::Move(1),
        KeyCode::PageUp => PickerAction::Move(-(picker::PAGE as i64)),
        KeyCode::PageDown => PickerAction::Move(picker::PAGE as i64),
        KeyCode::Home | KeyCode::Char('g') => PickerAction::Home,
        KeyCode::End | KeyCode::Char('G') => PickerAction::End,
        KeyCode::Enter => PickerAction::Open,
        KeyCode::Esc => PickerAction::Cancel,
        KeyCode::Char('r') => PickerAction::Reload,
        KeyCode::Char('q') => PickerAction::Quit,
        KeyCode::Char('/') => PickerAction::SearchOpen,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode, m: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, m))
    }

    #[test]
    fn keys() {
        let n = KeyModifiers::NONE;
        let a = |e| action(Mode::Normal, &e);
        assert_eq!(a(k(KeyCode::Char(' '), n)), Some(Action::TogglePlay));
        assert_eq!(a(k(KeyCode::Left, n)), Some(Action::SeekBy(-5000)));
        assert_eq!(
            a(k(KeyCode::Right, KeyModifiers::SHIFT)),
            Some(Action::SeekFractionBy(0.1))
        );
        assert_eq!(a(k(KeyCode::Char('7'), n)), Some(Action::SeekFraction(0.7)));
        assert_eq!(
            a(k(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::End)
        );
        assert_eq!(
            a(k(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            a(k(KeyCode::Up, KeyModifiers::SHIFT)),
            Some(Action::Pan(0, -3))
        );
        assert_eq!(a(k(KeyCode::Char('x'), n)), None);
        // as a pager: j/k step one event, PageUp/PageDown a minute; shift: the scrollback
        assert_eq!(a(k(KeyCode::Char('j'), n)), Some(Action::Step(1)));
        assert_eq!(a(k(KeyCode::Char('k'), n)), Some(Action::Step(-1)));
        assert_eq!(a(k(KeyCode::PageUp, n)), Some(Action::SeekBy(-60_000)));
        assert_eq!(a(k(KeyCode::PageDown, n)), Some(Action::SeekBy(60_000)));
        let sh = KeyModifiers::SHIFT;
        assert_eq!(a(k(KeyCode::PageUp, sh)), Some(Action::ScrollPage(1)));
        assert_eq!(a(k(KeyCode::PageDown, sh)), Some(Action::ScrollPage(-1)));
        assert_eq!(
            action(Mode::Panel, &k(KeyCode::PageUp, sh)),
            Some(Action::ScrollPage(1))
        );
        assert_eq!(a(k(KeyCode::Char('s'), n)), Some(Action::Save));
        assert_eq!(a(k(KeyCode::Char('m'), n)), Some(Action::ToggleMouse));
        // a prompt takes characters, even q
        assert_eq!(
            action(Mode::Prompt, &k(KeyCode::Char('q'), n)),
            Some(Action::PromptInput('q'))
        );
        assert_eq!(
            action(Mode::Prompt, &k(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        // a panel takes the arrows up and down, the rest is as usual
        assert_eq!(
            action(Mode::Panel, &k(KeyCode::Down, n)),
            Some(Action::PanelMove(1))
        );
        assert_eq!(
            action(Mode::Panel, &k(KeyCode::Enter, n)),
            Some(Action::PanelSelect)
        );
        assert_eq!(
            action(Mode::Panel, &k(KeyCode::Char(' '), n)),
            Some(Action::TogglePlay)
        );
        assert_eq!(
            action(Mode::Help, &k(KeyCode::Esc, n)),
            Some(Action::ToggleHelp)
        );
        assert_eq!(
            action(Mode::Help, &k(KeyCode::Char('q'), n)),
            Some(Action::Quit)
        );
        assert_eq!(
            action(Mode::Normal, &Event::Resize(10, 5)),
            Some(Action::Resize(10, 5))
        );
    }

    #[test]
    fn every_key_is_in_the_help() {
        let all: String = HELP.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(" ");
        for k in [
            "space", "←", "shift", "0", ",", "[", "g", "Home", "+", "=", "t", "/", "n", "N", "c",
            "?", "q", "l", "f", "e",
        ] {
            assert!(all.contains(k), "{k} is missing from the help");
        }
        // every character key that does something is listed (as a word of a key column)
        let words: Vec<&str> = all.split_whitespace().collect();
        for c in ' '..='~' {
            if c.is_ascii_digit() {
                continue; // "0 … 9"
            }
            let ev = k(KeyCode::Char(c), KeyModifiers::NONE);
            if action(Mode::Normal, &ev).is_some() {
                let name = if c == ' ' {
                    "space".into()
                } else {
                    c.to_string()
                };
                assert!(
                    words.contains(&name.as_str()),
                    "{c:?} is missing from the help"
                );
            }
        }
        for word in ["PgUp", "PgDn", "shift+PgUp", "Home", "End", "Esc"] {
            assert!(words.contains(&word), "{word} is missing from the help");
        }
    }

    #[test]
    fn picker_keys() {
        use picker::Action;
        let k = |c, m| picker(&Event::Key(KeyEvent::new(c, m)), false);
        let n = KeyModifiers::NONE;
        assert_eq!(k(KeyCode::Down, n), Some(Action::Move(1)));
        assert_eq!(k(KeyCode::Char('k'), n), Some(Action::Move(-1)));
        assert_eq!(k(KeyCode::Enter, n), Some(Action::Open));
        assert_eq!(k(KeyCode::Esc, n), Some(Action::Cancel));
        assert_eq!(k(KeyCode::Char('q'), n), Some(Action::Quit));
        assert_eq!(
            k(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::Quit)
        );
        assert_eq!(k(KeyCode::Char('x'), n), None);
        assert_eq!(k(KeyCode::Char('/'), n), Some(Action::SearchOpen));
        assert_eq!(
            picker(&Event::Resize(80, 24), false),
            Some(Action::Resize(80, 24))
        );
        // the search prompt takes every character, q and j too
        let t = |c, m| picker(&Event::Key(KeyEvent::new(c, m)), true);
        assert_eq!(t(KeyCode::Char('q'), n), Some(Action::SearchType('q')));
        assert_eq!(t(KeyCode::Char('*'), n), Some(Action::SearchType('*')));
        assert_eq!(t(KeyCode::Backspace, n), Some(Action::SearchBack));
        assert_eq!(t(KeyCode::Enter, n), Some(Action::SearchRun));
        assert_eq!(t(KeyCode::Esc, n), Some(Action::Cancel));
        assert_eq!(
            t(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Action::Quit)
        );
    }
}
