//! Review aids: what was really run, and the findings a reviewer must see.
//!
//! [`executed`] reads each command line off the emulated screen and finds keys typed without
//! echo; [`rules`] holds the rules (data, in TOML) and matches them over what was executed
//! and what was shown; [`findings`] puts the two together, in time order.

pub mod executed;
pub mod findings;
mod pass;
pub mod redact;
pub mod rules;
mod screen;
