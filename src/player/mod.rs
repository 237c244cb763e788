//! The player: a recording played like a movie in the terminal (ratatui).
//!
//! - [`clock`]: pure: time in, position out (speed, idle limit, loop, markers, the end);
//! - [`app`]: the state, changed only by `App::update(Action)`;
//! - [`keys`]: keys and the mouse → `Action`, in one place;
//! - [`ui`]: drawing, a pure function of the state, one widget per file;
//! - [`run`]: the terminal loop, the only code that touches the real terminal;
//! - [`background`]: indexing and analysis off the UI thread; [`search`]: finding text;
//! - [`picker`]: the session picker's state (`play --app APP`); [`session`]: its loop, which
//!   opens players and comes back to the list.
//!
//! The `play` command (`commands::play`) opens the recording and hands it to [`app::App`].

pub mod app;
pub mod background;
pub mod clock;
pub mod keys;
pub mod picker;
pub mod run;
pub mod search;
pub mod session;
pub mod ui;
