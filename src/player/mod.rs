//! The player: a recording played like a movie in the terminal (ratatui).
//!
//! - [`clock`]: pure: time in, position out (speed, idle limit, loop, markers, the end);
//! - [`action`]: what the player can be asked to do ([`action::Action`]) and its modes;
//! - [`app`]: the state, changed only by `App::update(Action)`, which hands each action to
//!   its part: [`playback`] (clock, position, markers), [`search`] (the query, its hits),
//!   [`panels`] (the side panels, one file each), [`viewport`] (pan, follow the cursor),
//!   [`prompt`] (what is being typed); and in `app/`: the screen kept at the position
//!   (`sync`), the mouse, search from the player (`find`), the scrollback (`scrollback`),
//!   saving the screen, letting go of the mouse and replaying at another size (`save`), the
//!   compact layout's bar and status shown briefly (`chrome`);
//! - [`layout`]: where things go on the terminal, a pure function of sizes;
//! - [`keys`]: keys and the mouse → `Action`, in one place;
//! - [`ui`]: drawing, a pure function of the state, one widget per file;
//! - [`run`]: the terminal loop behind the [`run::Io`] trait (the real terminal and clock,
//!   or a fake in tests), the only code that touches the real terminal;
//! - [`background`]: indexing and analysis off the UI thread; [`search`]: finding text;
//! - [`picker`]: the session picker's state (`play --app APP`); [`session`]: its loop
//!   (behind the same `Io`, its network behind `session::Effects`), which opens players
//!   and comes back to the list.
//!
//! Imports run one way: `action` and `layout` import nothing of the player; the parts
//! (`playback`, `search`, `viewport`, `prompt`, `panels`) import neither `app` nor `ui`;
//! `app` imports the parts, never `ui`; `ui` reads `app` and draws.
//!
//! The `play` command (`commands::play`) opens the recording and hands it to [`app::App`].

pub mod action;
pub mod app;
pub mod archive_picker;
pub mod background;
pub mod clock;
#[cfg(test)]
pub(crate) mod fake;
pub mod finder;
pub mod keys;
pub mod layout;
pub mod panels;
pub mod picker;
pub mod playback;
pub mod prompt;
pub mod run;
pub mod search;
pub mod session;
pub mod ui;
pub mod viewport;
