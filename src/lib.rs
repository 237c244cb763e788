//! auditty: replay recorded terminal sessions.
pub mod scalingo;
