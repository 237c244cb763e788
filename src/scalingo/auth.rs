//! The bearer token: reading a JWT's `exp`, deciding when to exchange again.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use std::time::{SystemTime, UNIX_EPOCH};

/// Exchange again when fewer than this many seconds remain before `exp`.
pub(crate) const REFRESH_MARGIN_SECS: i64 = 5 * 60;
/// Lifetime assumed for a token whose `exp` cannot be read (the documented one hour).
pub(crate) const ASSUMED_LIFETIME_SECS: i64 = 60 * 60;

/// A bearer token and the moment it expires (Unix seconds).
#[derive(Clone)]
pub(crate) struct Bearer {
    pub token: String,
    pub exp: i64,
}

impl Bearer {
    /// A freshly exchanged token: `exp` from its payload, else the documented lifetime.
    pub fn new(token: String, now: i64) -> Bearer {
        let exp = jwt_exp(&token).unwrap_or(now + ASSUMED_LIFETIME_SECS);
        Bearer { token, exp }
    }

    /// True while more than the refresh margin remains.
    pub fn usable_at(&self, now: i64) -> bool {
        self.exp - now >= REFRESH_MARGIN_SECS
    }
}

/// Seconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The `exp` claim of a JWT, read from its payload without checking the signature.
/// `None` when the token is not a JWT or has no numeric `exp`.
pub(crate) fn jwt_exp(jwt: &str) -> Option<i64> {
    let mut parts = jwt.split('.');
    let _header = parts.next()?;
    let payload = parts.next()?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('=').as_bytes())
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?;
    if let Some(i) = exp.as_i64() {
        return Some(i);
    }
    let f = exp.as_f64()?;
    if f.is_finite() && f.abs() < 1e15 {
        Some(f as i64)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(payload.as_bytes())
        )
    }

    #[test]
    fn reads_exp() {
        assert_eq!(
            jwt_exp(&jwt(r#"{"exp":1700000000,"uuid":"x"}"#)),
            Some(1700000000)
        );
        assert_eq!(jwt_exp(&jwt(r#"{"exp":1700000000.5}"#)), Some(1700000000));
    }

    #[test]
    fn tolerates_padding() {
        let padded = format!(
            "h.{}.s",
            base64::engine::general_purpose::URL_SAFE.encode(br#"{"exp":12}"#)
        );
        assert_eq!(jwt_exp(&padded), Some(12));
    }

    #[test]
    fn no_exp_is_none() {
        assert_eq!(jwt_exp("opaque-token"), None);
        assert_eq!(jwt_exp("a.b.c"), None);
        assert_eq!(jwt_exp(&jwt(r#"{"sub":"x"}"#)), None);
        assert_eq!(jwt_exp(&jwt(r#"{"exp":"soon"}"#)), None);
        assert_eq!(jwt_exp(&jwt(r#"{"exp":1e300}"#)), None);
        assert_eq!(jwt_exp(&jwt("[1,2]")), None);
        assert_eq!(jwt_exp(""), None);
    }

    #[test]
    fn refresh_margin() {
        let now = 1_000_000;
        let b = Bearer::new(jwt(&format!(r#"{{"exp":{}}}"#, now + 3600)), now);
        assert!(b.usable_at(now));
        assert!(b.usable_at(now + 3600 - 300));
        assert!(!b.usable_at(now + 3600 - 299));
        let soon = Bearer::new(jwt(&format!(r#"{{"exp":{}}}"#, now + 120)), now);
        assert!(!soon.usable_at(now));
        let opaque = Bearer::new("opaque".into(), now);
        assert_eq!(opaque.exp, now + 3600);
    }
}
