//! What never reaches the history database.
//!
//! Masked wherever it appears (URL, headers, bodies, error text, in the request and in the response):
//! - every value that came from a secret reference or a credential (`Prepared::secrets`);
//! - the values of credential headers (`Authorization`, `Cookie`, `Set-Cookie`, `X-Api-Key`, …) and of query
//!   parameters, form fields and JSON fields with well-known secret names (`api_key`, `access_token`, `token`,
//!   `password`, `client_secret`, …), in the request and in the response (a token endpoint's answer).
//!
//! A value is masked in place where its name says it is a secret, and then everywhere else it appears as well
//! (the demo `/echo` route, for one, sends the Authorization header back in its body). Learned values shorter than
//! [`MIN_LEARNED_LEN`] are masked in place only, so that a password of `a` does not mask every `a` in a body.

use crate::http::record::{mask_credential, SENSITIVE_HEADERS};
use crate::mask::{Masker, MASK};

/// Values learned from names (not from secret references) are masked elsewhere only from this length on.
pub const MIN_LEARNED_LEN: usize = 4;

/// Normalised names (lowercase, without `-` and `_`) whose values are credentials.
const SECRET_NAMES: &[&str] = &[
    "apikey",
    "xapikey",
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "token",
    "authtoken",
    "xauthtoken",
    "password",
    "passwd",
    "secret",
    "clientsecret",
    "authorization",
    "proxyauthorization",
    "cookie",
    "setcookie",
    "privatekey",
    "secretkey",
    "accesskey",
    "sessionid",
    "csrftoken",
    "xcsrftoken",
    "signature",
];

fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '-' && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether a header, query parameter, form field or JSON key of this name holds a credential.
pub fn is_secret_name(name: &str) -> bool {
    let n = normalise(name);
    SECRET_NAMES.contains(&n.as_str()) || n.ends_with("password") || n.ends_with("secret") || n.ends_with("apikey")
}

fn is_secret_header(name: &str) -> bool {
    SENSITIVE_HEADERS.contains(&name.to_ascii_lowercase().as_str()) || is_secret_name(name)
}

/// Masks a fixed set of values everywhere (in any spelling: see [`crate::mask`]), after learning more of
/// them from names.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    masker: Masker,
}

impl Redactor {
    /// Starts from the values of secret references and credentials.
    pub fn new(secrets: &[String]) -> Self {
        Redactor {
            masker: Masker::new(secrets),
        }
    }

    /// Adds a value known to be secret (a cookie value sent from the jar).
    pub fn add(&mut self, v: &str) {
        self.masker.add(v);
    }

    fn learn(&mut self, v: &str) {
        if v.len() >= MIN_LEARNED_LEN {
            self.add(v);
        }
    }

    /// Learns `value` when `name` is a secret name (a multipart part, say).
    pub fn learn_named(&mut self, name: &str, value: &str) {
        if is_secret_name(name) {
            self.learn(value);
        }
    }

    /// Learns the credential values in a raw (unmasked) header list.
    pub fn learn_headers(&mut self, headers: &[(String, String)]) {
        for (k, v) in headers.iter().filter(|(k, _)| is_secret_header(k)) {
            self.learn(v.trim());
            let lower = k.to_ascii_lowercase();
            if lower == "cookie" {
                for pair in v.split(';') {
                    if let Some((_, val)) = pair.split_once('=') {
                        self.learn(val.trim());
                    }
                }
            } else if lower == "set-cookie" {
                if let Some((_, val)) = v.split(';').next().and_then(|p| p.split_once('=')) {
                    self.learn(val.trim());
                }
            } else if let Some((_, cred)) = v.trim().split_once(' ') {
                self.learn(cred.trim());
            }
        }
    }

    /// Learns the values of secret-named query parameters and the password of a `user:password@` URL.
    pub fn learn_url(&mut self, url: &str) {
        if let Ok(u) = url::Url::parse(url) {
            if let Some(p) = u.password() {
                self.learn(p);
                if let Ok(decoded) = percent_decode(p) {
                    self.learn(&decoded);
                }
            }
            for (k, v) in u.query_pairs() {
                if is_secret_name(&k) {
                    self.learn(&v);
                }
            }
        }
    }

    /// Learns secret-named fields of a JSON or form body (up to [`LEARN_BODY_LIMIT`]); other bodies teach nothing.
    pub fn learn_body(&mut self, body: &[u8]) {
        // Token and login responses are small; parsing a large body into a `Value` would cost ~10x its size in
        // memory for nothing.
        if body.len() > LEARN_BODY_LIMIT {
            return;
        }
        let trimmed = body.trim_ascii_start();
        if trimmed.starts_with(b"{") || trimmed.starts_with(b"[") {
            if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
                self.learn_json(&v, false);
            }
        } else if !body.is_empty() && body.len() < 1 << 20 && !body.contains(&b'\n') && body.contains(&b'=') {
            for (k, v) in url::form_urlencoded::parse(body) {
                if is_secret_name(&k) {
                    self.learn(&v);
                }
            }
        }
    }

    fn learn_json(&mut self, v: &serde_json::Value, secret: bool) {
        use serde_json::Value;
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    self.learn_json(child, secret || is_secret_name(k));
                }
            }
            Value::Array(items) => items.iter().for_each(|i| self.learn_json(i, secret)),
            Value::String(s) if secret => self.learn(s),
            Value::Number(n) if secret => self.learn(&n.to_string()),
            _ => {}
        }
    }

    /// How far past a cut a masked value can reach.
    pub fn longest(&self) -> usize {
        self.masker.longest_span()
    }

    /// How many bytes at the end of `b` could be the beginning of a masked value (0 when none).
    pub fn partial_tail(&self, b: &[u8]) -> usize {
        self.masker.partial_tail(b)
    }

    pub fn text(&self, s: &str) -> String {
        self.masker.mask(s).into_owned()
    }

    pub fn bytes(&self, b: &[u8]) -> Vec<u8> {
        self.masker.mask_bytes(b).into_owned()
    }

    /// Like [`Redactor::bytes`], keeping a JSON document valid JSON with the same structure.
    pub fn json(&self, b: &[u8]) -> Vec<u8> {
        self.masker.mask_json(b).into_owned()
    }

    pub fn masker(&self) -> &Masker {
        &self.masker
    }

    /// A URL with secret-named query values replaced in place, then every known value masked.
    pub fn url(&self, url: &str) -> String {
        let (head, fragment) = match url.split_once('#') {
            Some((h, f)) => (h, Some(f)),
            None => (url, None),
        };
        let mut out = match head.split_once('?') {
            Some((base, query)) => {
                let parts: Vec<String> = query
                    .split('&')
                    .map(|pair| match pair.split_once('=') {
                        Some((k, _)) if percent_decode(k).map(|k| is_secret_name(&k)).unwrap_or(false) => format!("{k}={MASK}"),
                        _ => pair.to_string(),
                    })
                    .collect();
                format!("{base}?{}", parts.join("&"))
            }
            None => head.to_string(),
        };
        if let Some(f) = fragment {
            out.push('#');
            out.push_str(f);
        }
        self.text(&mask_userinfo_password(&out))
    }

    /// Credential headers keep their scheme word only ("Bearer ••••••"); the rest have known values masked.
    pub fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(k, v)| {
                let v = if is_secret_header(k) && !v.is_empty() {
                    mask_credential(v)
                } else {
                    self.text(v)
                };
                (k.clone(), v)
            })
            .collect()
    }
}

fn percent_decode(s: &str) -> Result<String, std::str::Utf8Error> {
    let bytes: Vec<u8> = url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned().into_bytes())
        .unwrap_or_default();
    std::str::from_utf8(&bytes).map(str::to_string)
}

/// `scheme://user:pass@host` → `scheme://user:••••••@host`.
fn mask_userinfo_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => match authority[..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:{MASK}{}", &url[..scheme_end + 3], &rest[at..]),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Bodies larger than this are not searched for secret-named fields.
pub const LEARN_BODY_LIMIT: usize = 1 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_are_recognised_in_any_spelling() {
        for n in [
            "api_key",
            "X-Api-Key",
            "apiKey",
            "access_token",
            "client_secret",
            "Password",
            "db_password",
            "Cookie",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in ["page", "user_id", "next_page_token_count", "limit", "sort_key"] {
            assert!(!is_secret_name(n), "{n}");
        }
    }

    #[test]
    fn url_query_values_and_userinfo_are_masked() {
        let mut r = Redactor::new(&[]);
        let raw = "https://ada:hunter22@api.test/v1?limit=5&api_key=CANARY-1&access_token=tok%2Fen#top";
        r.learn_url(raw);
        let out = r.url(raw);
        assert_eq!(
            out,
            format!("https://ada:{MASK}@api.test/v1?limit=5&api_key={MASK}&access_token={MASK}#top")
        );
        assert_eq!(r.text("echo: CANARY-1 tok/en"), format!("echo: {MASK} {MASK}"));
    }

    #[test]
    fn headers_keep_the_scheme_and_teach_the_credential() {
        let mut r = Redactor::new(&[]);
        let h = vec![
            ("Authorization".to_string(), "Bearer s3cr3t-token".to_string()),
            ("Cookie".to_string(), "theme=dark; session=abcdef123".to_string()),
            ("Accept".to_string(), "application/json".to_string()),
        ];
        r.learn_headers(&h);
        let out = r.headers(&h);
        assert_eq!(out[0].1, format!("Bearer {MASK}"));
        assert_eq!(out[1].1, MASK);
        assert_eq!(out[2].1, "application/json");
        let body = br#"{"headers":[["authorization","Bearer s3cr3t-token"]],"cookie":"session=abcdef123"}"#;
        let masked = String::from_utf8(r.bytes(body)).unwrap();
        assert!(!masked.contains("s3cr3t-token") && !masked.contains("abcdef123"), "{masked}");
    }

    #[test]
    fn json_and_form_fields_with_secret_names_are_learned() {
        let mut r = Redactor::new(&[]);
        r.learn_body(br#"{"user":"ada","password":"pw-CANARY","nested":{"client_secret":"cs-CANARY","n":[1,2]}}"#);
        r.learn_body(b"grant_type=client_credentials&client_secret=form%2BCANARY");
        let t = r.text("pw-CANARY cs-CANARY form+CANARY form%2BCANARY ada");
        assert_eq!(t, format!("{MASK} {MASK} {MASK} {MASK} ada"));
    }

    #[test]
    fn short_learned_values_are_not_masked_everywhere() {
        let mut r = Redactor::new(&[]);
        r.learn_body(br#"{"token":"ab"}"#);
        assert_eq!(r.text("abc"), "abc");
    }
}
