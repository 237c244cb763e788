//! Credentials, the origin each belongs to, and the redaction of every form a secret can take
//! in what a server says.
//!
//! A [`Credential`] is attached to a request only when the request goes to the credential's
//! own origin (scheme, host and port), and only while every hop of a redirect chain has
//! stayed there (see [`super::Client`]). A [`Redactor`] knows every secret of a provider and
//! removes it, in every form listed in [`Redactor::add_secret`], from any text before it is
//! cut short or shown.

use std::fmt;

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::{alphabet, engine, Engine as _};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::{RequestBuilder, Url};

use super::text::truncate_chars;

/// What replaces a secret.
pub const REDACTED: &str = "[redacted]";
/// A secret's beginning at least this long, seen anywhere, is redacted too (the rest of it
/// may have been cut off, by a server or by us).
pub const MIN_PREFIX: usize = 8;
/// Secrets shorter than this are not looked for (they would match ordinary words).
const MIN_SECRET: usize = 4;

/// Query parameters whose values are secrets in a URL (opaque log URLs, signed URLs).
const SECRET_QUERY_KEYS: [&str; 8] = [
    "token",
    "access_token",
    "api_key",
    "apikey",
    "key",
    "sig",
    "signature",
    "password",
];

/// Decoders that accept a cut: any padding, and stray bits at the end.
const LENIENT: engine::GeneralPurposeConfig = engine::GeneralPurposeConfig::new()
    .with_decode_allow_trailing_bits(true)
    .with_decode_padding_mode(engine::DecodePaddingMode::Indifferent);
const LENIENT_STANDARD: engine::GeneralPurpose =
    engine::GeneralPurpose::new(&alphabet::STANDARD, LENIENT);
const LENIENT_URL_SAFE: engine::GeneralPurpose =
    engine::GeneralPurpose::new(&alphabet::URL_SAFE, LENIENT);

/// Percent-encoding as a URL component would carry it (RFC 3986 unreserved kept).
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A secret string: never shown by `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, to send it where it belongs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// How a credential goes in a request.
#[derive(Clone, Debug)]
pub enum Auth {
    /// `Authorization: Basic base64(user:password)`.
    Basic { user: String, password: Secret },
    /// `Authorization: Bearer TOKEN` (Scalingo's JWT, Losant).
    Bearer(Secret),
    /// `Authorization: SCHEME TOKEN` (Datafold's `Key`).
    Scheme { scheme: String, token: Secret },
}

/// A credential and the one origin it may be sent to.
#[derive(Clone, Debug)]
pub struct Credential {
    origin: url::Origin,
    auth: Auth,
}

impl Credential {
    /// A credential for the origin of `home` (its scheme, host and port).
    pub fn new(home: &Url, auth: Auth) -> Credential {
        Credential {
            origin: home.origin(),
            auth,
        }
    }

    pub fn basic(home: &Url, user: &str, password: &str) -> Credential {
        Credential::new(
            home,
            Auth::Basic {
                user: user.to_string(),
                password: Secret::new(password),
            },
        )
    }

    pub fn bearer(home: &Url, token: &str) -> Credential {
        Credential::new(home, Auth::Bearer(Secret::new(token)))
    }

    /// True when `url` is on the credential's own origin.
    pub fn belongs_to(&self, url: &Url) -> bool {
        url.origin() == self.origin
    }

    /// Adds the `Authorization` header.
    pub(crate) fn apply(&self, request: RequestBuilder) -> RequestBuilder {
        match &self.auth {
            Auth::Basic { user, password } => request.basic_auth(user, Some(password.expose())),
            Auth::Bearer(token) => request.bearer_auth(token.expose()),
            Auth::Scheme { scheme, token } => {
                let mut value =
                    reqwest::header::HeaderValue::from_str(&format!("{scheme} {}", token.expose()))
                        .unwrap_or_else(|_| reqwest::header::HeaderValue::from_static(""));
                value.set_sensitive(true);
                request.header(reqwest::header::AUTHORIZATION, value)
            }
        }
    }
}

/// Every form of every secret of a provider, to remove them from text.
#[derive(Clone, Default)]
pub struct Redactor {
    forms: Vec<String>,
    /// The secrets themselves, to recognise them inside base64 of unknown framing
    /// (`anyuser:token`).
    plain: Vec<String>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} forms)", self.forms.len())
    }
}

impl Redactor {
    pub fn new() -> Redactor {
        Redactor::default()
    }

    fn push(&mut self, form: String) {
        if form.chars().count() >= MIN_SECRET && !self.forms.contains(&form) {
            self.forms.push(form);
            // Longest first, so that a longer form is replaced whole.
            self.forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        }
    }

    /// A secret: its plain text, percent-encoded (as a URL component and as a form value),
    /// and, for a JWT, its signature on its own.
    pub fn add_secret(&mut self, secret: &str) {
        let secret = secret.trim();
        if secret.chars().count() >= MIN_PREFIX && !self.plain.iter().any(|p| p == secret) {
            self.plain.push(secret.to_string());
        }
        self.push(secret.to_string());
        self.push(utf8_percent_encode(secret, COMPONENT).to_string());
        self.push(url::form_urlencoded::byte_serialize(secret.as_bytes()).collect());
        let parts: Vec<&str> = secret.split('.').collect();
        if parts.len() == 3 && parts.iter().all(|p| !p.is_empty()) {
            self.push(parts[2].to_string());
        }
    }

    /// Basic credentials: the password as [`Redactor::add_secret`], and the base64 of
    /// `user:password` and of `:password`, in the standard and URL-safe alphabets, with and
    /// without padding.
    pub fn add_basic(&mut self, user: &str, password: &str) {
        self.add_secret(password);
        let mut pairs = vec![format!(":{password}")];
        if !user.is_empty() {
            pairs.push(format!("{user}:{password}"));
        }
        for pair in pairs {
            for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
                self.push(engine.encode(pair.as_bytes()));
            }
        }
    }

    /// The secrets a URL carries: its password, and the values of `token=` (and the like)
    /// in its query, as they are written and decoded.
    pub fn add_url(&mut self, url: &Url) {
        if let Some(password) = url.password() {
            self.add_secret(password);
            let decoded = percent_encoding::percent_decode_str(password).decode_utf8_lossy();
            self.add_basic(url.username(), &decoded);
        }
        for (key, value) in url.query_pairs() {
            if SECRET_QUERY_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
                self.add_secret(&value);
            }
        }
        if let Some(query) = url.query() {
            for pair in query.split('&') {
                if let Some((key, raw)) = pair.split_once('=') {
                    if SECRET_QUERY_KEYS.contains(&key.to_ascii_lowercase().as_str()) {
                        self.push(raw.to_string());
                    }
                }
            }
        }
    }

    /// A credential's secrets, in all their forms.
    pub fn add_credential(&mut self, credential: &Credential) {
        match &credential.auth {
            Auth::Basic { user, password } => self.add_basic(user, password.expose()),
            Auth::Bearer(token) => self.add_secret(token.expose()),
            Auth::Scheme { token, .. } => self.add_secret(token.expose()),
        }
    }

    /// `text` with every form of every secret, and every beginning of one at least
    /// [`MIN_PREFIX`] characters long, replaced by `[redacted]`.
    pub fn redact(&self, text: &str) -> String {
        // Base64 holding a secret, whole forms (longest first), then what is left of one
        // cut short.
        let mut out = self.redact_base64(text);
        for form in &self.forms {
            if out.contains(form.as_str()) {
                out = out.replace(form.as_str(), REDACTED);
            }
        }
        self.redact_prefixes(&out)
    }

    /// Replaces runs of base64 (either alphabet, 12 characters or more) whose decoded bytes
    /// hold the beginning of a secret: Basic credentials with any user name, cut or not.
    fn redact_base64(&self, text: &str) -> String {
        if self.plain.is_empty() {
            return text.to_string();
        }
        let heads: Vec<&str> = self
            .plain
            .iter()
            .map(|p| &p[..p.char_indices().nth(MIN_PREFIX).map_or(p.len(), |(i, _)| i)])
            .collect();
        let is_b64 =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '-' | '_' | '=');
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find(is_b64) {
            out.push_str(&rest[..start]);
            let run_len = rest[start..]
                .find(|c: char| !is_b64(c))
                .unwrap_or(rest.len() - start);
            let run = &rest[start..start + run_len];
            rest = &rest[start + run_len..];
            let holds_secret = run.len() >= 12 && {
                let bare = run.trim_end_matches('=');
                // A length of 4n+1 cannot be decoded: drop its last character.
                let usable = &bare[..bare.len() - usize::from(bare.len() % 4 == 1)];
                [&LENIENT_STANDARD, &LENIENT_URL_SAFE].iter().any(|engine| {
                    engine.decode(usable).is_ok_and(|bytes| {
                        let decoded = String::from_utf8_lossy(&bytes);
                        heads.iter().any(|h| decoded.contains(h))
                    })
                })
            };
            out.push_str(if holds_secret { REDACTED } else { run });
        }
        out.push_str(rest);
        out
    }

    /// Replaces every run of text that begins like a form (at least [`MIN_PREFIX`]
    /// characters), as far as it goes on matching the form that matches longest there.
    fn redact_prefixes(&self, text: &str) -> String {
        let heads: Vec<(&str, &str)> = self
            .forms
            .iter()
            .filter_map(|form| {
                let (end, _) = form.char_indices().nth(MIN_PREFIX)?;
                Some((&form[..end], form.as_str()))
            })
            .collect();
        if !heads.iter().any(|(head, _)| text.contains(head)) {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < text.len() {
            let rest = &text[i..];
            let longest = heads
                .iter()
                .filter(|(head, _)| rest.starts_with(head))
                .map(|(head, form)| {
                    let common = rest
                        .bytes()
                        .zip(form.bytes())
                        .take_while(|(a, b)| a == b)
                        .count();
                    common.max(head.len())
                })
                .max();
            match longest {
                Some(mut n) => {
                    while !rest.is_char_boundary(n) {
                        n -= 1;
                    }
                    out.push_str(REDACTED);
                    i += n;
                }
                None => {
                    let c = rest.chars().next().unwrap_or(' ');
                    out.push(c);
                    i += c.len_utf8();
                }
            }
        }
        out
    }

    /// [`Redactor::redact`], then cut to `max` characters, then redacted again (a cut can
    /// only shorten a secret, and what is left of it is a prefix the second pass finds).
    pub fn clean(&self, text: &str, max: usize) -> String {
        self.redact(&truncate_chars(&self.redact(text), max))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "tk-us-SECRET-4f1d2c3b-aaaa-bbbb-cccc-0123456789ab";

    fn no_trace(text: &str, secret: &str) {
        assert!(!text.contains(secret), "{text}");
        let head: String = secret.chars().take(MIN_PREFIX).collect();
        assert!(!text.contains(&head), "a prefix leaked: {text}");
    }

    #[test]
    fn plain_secrets_and_prefixes() {
        let mut r = Redactor::new();
        r.add_secret(TOKEN);
        assert_eq!(
            r.redact(&format!("bad token {TOKEN}, again {TOKEN}!")),
            "bad token [redacted], again [redacted]!"
        );
        // Cut by the server at 40 characters, or anywhere past the eighth.
        for cut in [8, 20, 40] {
            let text = format!("it starts with '{}'", &TOKEN[..cut]);
            let clean = r.redact(&text);
            assert_eq!(clean, "it starts with '[redacted]'", "{cut}");
        }
        // Cut by us: redacted first, so nothing of it is left.
        let long = format!("{TOKEN}{}", "x".repeat(300));
        for max in [40, 200] {
            let clean = r.clean(&long, max);
            no_trace(&clean, TOKEN);
            assert!(clean.starts_with(REDACTED), "{clean}");
        }
        let cut = format!("...{}", &TOKEN[..30]);
        no_trace(&r.clean(&cut, 200), TOKEN);
        // Short or empty secrets are not looked for.
        let mut short = Redactor::new();
        short.add_secret("");
        short.add_secret("x");
        assert_eq!(short.redact("short x"), "short x");
    }

    #[test]
    fn basic_credentials_in_base64() {
        let mut r = Redactor::new();
        r.add_basic("", TOKEN);
        r.add_basic("john", "pa55word-long");
        // A user name the redactor was never told about, and a cut.
        let unknown = STANDARD.encode(format!("someone-else:{TOKEN}"));
        assert_eq!(r.redact(&format!("x {unknown} y")), "x [redacted] y");
        assert_eq!(r.redact(&format!("x {}", &unknown[..30])), "x [redacted]");
        for shown in [
            STANDARD.encode(format!(":{TOKEN}")),
            URL_SAFE_NO_PAD.encode(format!(":{TOKEN}")),
            STANDARD.encode("john:pa55word-long"),
            STANDARD_NO_PAD.encode(":pa55word-long"),
        ] {
            let text = format!("refused Basic {shown}");
            assert_eq!(r.redact(&text), "refused Basic [redacted]", "{shown}");
            let cut: String = text.chars().take(40).collect();
            no_trace(&r.redact(&cut), &shown[..12]);
        }
    }

    #[test]
    fn url_encoded_forms() {
        let mut r = Redactor::new();
        let secret = "s3cr/t+value=with&odd chars";
        r.add_secret(secret);
        let component = utf8_percent_encode(secret, COMPONENT).to_string();
        let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        for shown in [secret.to_string(), component, form] {
            assert_eq!(r.redact(&format!("got {shown}")), "got [redacted]");
        }
    }

    #[test]
    fn jwts_and_their_signature() {
        let jwt = format!(
            "{}.{}.{}",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"HS512","typ":"JWT"}"#),
            URL_SAFE_NO_PAD.encode(br#"{"exp":1700000000,"uuid":"us-1"}"#),
            URL_SAFE_NO_PAD.encode("the-signature-bytes-0123")
        );
        let mut r = Redactor::new();
        r.add_secret(&jwt);
        assert_eq!(r.redact(&format!("Bearer {jwt}")), "Bearer [redacted]");
        let signature = jwt.rsplit('.').next().unwrap();
        assert_eq!(r.redact(&format!("sig={signature}")), "sig=[redacted]");
        no_trace(&r.clean(&jwt, 40), &jwt);
    }

    #[test]
    fn provider_credentials_of_later_issues() {
        // Losant bearer, Datafold `Key`, a log URL with a token, a database URL.
        let api = Url::parse("https://api.losant.com/applications").unwrap();
        let losant = Credential::bearer(&api, "losant-jwt-abcdefghijklmnop");
        let datafold = Credential::new(
            &Url::parse("https://app.datafold.com").unwrap(),
            Auth::Scheme {
                scheme: "Key".into(),
                token: Secret::new("df-key-0123456789abcdef"),
            },
        );
        let mut r = Redactor::new();
        r.add_credential(&losant);
        r.add_credential(&datafold);
        let logs =
            Url::parse("https://logs.scalingo.com/apps/x/logs?n=100&token=log-t0ken-9876543210")
                .unwrap();
        r.add_url(&logs);
        let db = Url::parse("postgres://user:p%40ss-w0rd-secret@db.example:5432/app").unwrap();
        r.add_url(&db);
        let text = format!(
            "a {} b {} c {} d {} e {}",
            "losant-jwt-abcdefghijklmnop",
            "Key df-key-0123456789abcdef",
            logs,
            db,
            "p@ss-w0rd-secret"
        );
        let clean = r.redact(&text);
        for secret in [
            "losant-jwt-abcdefghijklmnop",
            "df-key-0123456789abcdef",
            "log-t0ken-9876543210",
            "p%40ss-w0rd-secret",
            "p@ss-w0rd-secret",
        ] {
            no_trace(&clean, secret);
        }
        assert!(clean.contains("https://logs.scalingo.com/apps/x/logs?n=100&token=[redacted]"));
        assert!(clean.contains("postgres://user:[redacted]@db.example:5432/app"));
    }

    #[test]
    fn credentials_know_their_origin() {
        let home = Url::parse("http://127.0.0.1:3000/v1").unwrap();
        let c = Credential::bearer(&home, "tok-0123456789");
        assert!(c.belongs_to(&Url::parse("http://127.0.0.1:3000/other?x").unwrap()));
        for other in [
            "http://localhost:3000/v1",
            "http://127.0.0.2:3000/v1",
            "http://127.0.0.1:3001/v1",
            "https://127.0.0.1:3000/v1",
        ] {
            assert!(!c.belongs_to(&Url::parse(other).unwrap()), "{other}");
        }
        assert!(!format!("{c:?}").contains("tok-0123456789"));
    }

    #[test]
    fn redaction_keeps_text_valid_around_multibyte_characters() {
        let mut r = Redactor::new();
        r.add_secret("ééééééééééé-secret");
        assert_eq!(r.redact("x éééééééééé y"), "x [redacted] y");
    }
}
