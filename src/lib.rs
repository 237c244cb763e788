//! auditty: replay recorded terminal sessions — Scalingo audit logs and asciicast — as a
//! movie you can play, pause, seek and search.
//!
//! The one flow: bytes → [`formats`] → [`timeline::Timeline`] → [`emulator::Replay`] → views
//! ([`render`], [`transcript`], the commands).

pub mod archive;
pub mod cli;
pub mod commands;
pub mod context;
pub mod datafold;
pub mod emulator;
pub mod error;
pub mod export;
pub mod formats;
pub mod geometry;
pub mod losant;
pub mod net;
pub mod output;
pub mod pieces;
pub mod plaintext;
pub mod player;
pub mod recording;
pub mod render;
pub mod report;
pub mod review;
pub mod scalingo;
pub mod timeline;
pub mod transcript;
pub mod usage;
pub mod views;
