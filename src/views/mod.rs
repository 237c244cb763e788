//! Views of what the APIs answer, as text: tables and lines for commands and the player alike
//! (a view reads API types; the API code knows no view).

pub mod sessions;
