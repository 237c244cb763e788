//! auditty: replay recorded terminal sessions.
